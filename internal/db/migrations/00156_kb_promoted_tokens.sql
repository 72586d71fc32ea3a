-- +goose Up
-- Search speed at 100,000 articles (issue 20), two changes:
--
-- 1. A promoted article's index scope also holds each of its reader tokens
--    with a "p" (zzr<level>b<brand>[s]p), replacing the lone zzp. The
--    promoted tier of a ranked search asks for that one rare token instead
--    of a reader token nearly every row holds AND zzp, which made both
--    engines walk the common token's whole doclist.
-- 2. kb_index_gen holds one value that changes (to a fresh random number)
--    in the transaction of every write to the text index. A search reads it
--    and reuses the ranked ids and count of the same query and scope read
--    at the same value (kb.Store's hit cache): a value names one state of
--    the index, on every instance and across a restore.
CREATE TABLE kb_index_gen (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen BIGINT NOT NULL
);
INSERT INTO kb_index_gen (id, gen) VALUES (1, 0);

-- The index rows again, with the new tokens (kb/queries.sql IndexRows and
-- TrIndexRows as of this migration).
-- +sqlite
DELETE FROM kb_fts;
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT a.id, a.title, a.body_text, trim(replace(a.labels, ',', ' ')),
       CASE WHEN a.status <> 'published' THEN ''
            ELSE replace(CASE max(a.visibility, s.visibility) WHEN 0 THEN 'zzr0bB zzr0bBs zzr1bB zzr1bBs zzr2bB zzr2bBs'
                                     WHEN 1 THEN 'zzr1bB zzr1bBs zzr2bB zzr2bBs' ELSE 'zzr2bB zzr2bBs' END
                         || CASE WHEN NOT a.promoted THEN ''
                                 WHEN max(a.visibility, s.visibility) = 0 THEN ' zzr0bBp zzr0bBsp zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp'
                                 WHEN max(a.visibility, s.visibility) = 1 THEN ' zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp' ELSE ' zzr2bBp zzr2bBsp' END,
                         'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || lower(hex(a.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab')
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id WHERE 1 = 1;
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT 0 - t.id, t.title, t.body_text, trim(replace(a.labels, ',', ' ')),
       CASE WHEN a.status <> 'published' OR t.draft THEN ''
            ELSE replace(CASE max(a.visibility, s.visibility) WHEN 0 THEN 'zzr0bB zzr1bB zzr2bB' WHEN 1 THEN 'zzr1bB zzr2bB' ELSE 'zzr2bB' END
                         || CASE WHEN NOT a.promoted THEN ''
                                 WHEN max(a.visibility, s.visibility) = 0 THEN ' zzr0bBp zzr1bBp zzr2bBp'
                                 WHEN max(a.visibility, s.visibility) = 1 THEN ' zzr1bBp zzr2bBp' ELSE ' zzr2bBp' END,
                         'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || lower(hex(t.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab')
FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id
WHERE t.source_type = 'article' AND 1 = 1;
DELETE FROM kb_fts_head;
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts;
INSERT INTO kb_fts (kb_fts) VALUES ('optimize');
INSERT INTO kb_fts_head (kb_fts_head) VALUES ('optimize');
-- +end

-- +postgres
DELETE FROM kb_search;
INSERT INTO kb_search (article_id, doc, head, scope)
SELECT a.id,
       strip(to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || a.body_text)),
       to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', CASE WHEN a.status <> 'published' THEN ''
            ELSE replace(CASE greatest(a.visibility, s.visibility) WHEN 0 THEN 'zzr0bB zzr0bBs zzr1bB zzr1bBs zzr2bB zzr2bBs'
                                     WHEN 1 THEN 'zzr1bB zzr1bBs zzr2bB zzr2bBs' ELSE 'zzr2bB zzr2bBs' END
                         || CASE WHEN NOT a.promoted THEN ''
                                 WHEN greatest(a.visibility, s.visibility) = 0 THEN ' zzr0bBp zzr0bBsp zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp'
                                 WHEN greatest(a.visibility, s.visibility) = 1 THEN ' zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp' ELSE ' zzr2bBp zzr2bBsp' END,
                         'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || encode(convert_to(a.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id WHERE 1 = 1;
INSERT INTO kb_search (article_id, doc, head, scope)
SELECT 0 - t.id,
       strip(to_tsvector('simple', t.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || t.body_text)),
       to_tsvector('simple', t.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', CASE WHEN a.status <> 'published' OR t.draft THEN ''
            ELSE replace(CASE greatest(a.visibility, s.visibility) WHEN 0 THEN 'zzr0bB zzr1bB zzr2bB' WHEN 1 THEN 'zzr1bB zzr2bB' ELSE 'zzr2bB' END
                         || CASE WHEN NOT a.promoted THEN ''
                                 WHEN greatest(a.visibility, s.visibility) = 0 THEN ' zzr0bBp zzr1bBp zzr2bBp'
                                 WHEN greatest(a.visibility, s.visibility) = 1 THEN ' zzr1bBp zzr2bBp' ELSE ' zzr2bBp' END,
                         'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || encode(convert_to(t.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id
WHERE t.source_type = 'article' AND 1 = 1;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
