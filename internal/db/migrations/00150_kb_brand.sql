-- +goose Up
-- Help Center content per brand (issue 21, ADR 0019): a category belongs to
-- a brand, and its sections and articles with it. Each brand's Help Center
-- (its host mapping, subdomain or path) reads its own brand's content; a
-- restricted brand's content exists only for those cleared for the brand.
-- The search index's scope gains the brand token (zzb + id) so a brand's
-- search filters inside the index like the other scope filters
-- (migration 00120); the index rows are written again with it.
ALTER TABLE kb_categories ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1 REFERENCES brands (id);
CREATE INDEX kb_categories_brand_idx ON kb_categories (brand_id, position);

-- +sqlite
DELETE FROM kb_fts;
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT a.id, a.title, a.body_text, trim(replace(a.labels, ',', ' ')),
       CASE WHEN a.status <> 'published' THEN ''
            WHEN max(a.visibility, s.visibility) = 0 THEN 'zzr0 zzr1 zzr2'
            WHEN max(a.visibility, s.visibility) = 1 THEN 'zzr1 zzr2' ELSE 'zzr2' END
       || ' zzloc' || lower(hex(a.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id || ' zzb' || c.brand_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab')
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;
DELETE FROM kb_fts_head;
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts;
-- +end

-- +postgres
DELETE FROM kb_search;
INSERT INTO kb_search (article_id, doc, head, scope)
SELECT a.id,
       strip(to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || a.body_text)),
       to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', CASE WHEN a.status <> 'published' THEN ''
            WHEN greatest(a.visibility, s.visibility) = 0 THEN 'zzr0 zzr1 zzr2'
            WHEN greatest(a.visibility, s.visibility) = 1 THEN 'zzr1 zzr2' ELSE 'zzr2' END
       || ' zzloc' || encode(convert_to(a.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id || ' zzb' || c.brand_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
