-- +goose Up
-- Help Center translations (issue 20, Zendesk Guide's translations): an
-- article's, section's or category's text in a locale other than its
-- source locale. The source locale's text is the item's own row; a
-- translation row holds the others (title, and body for articles; name and
-- description for sections and categories). Draft translations are read by
-- staff only; outdated ones are flagged when the source changes.
CREATE TABLE kb_translations (
    id            {{id}},
    source_type   TEXT NOT NULL CHECK (source_type IN ('article', 'section', 'category')),
    source_id     BIGINT NOT NULL,
    locale        TEXT NOT NULL,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    body_text     TEXT NOT NULL DEFAULT '', -- the search index's text
    draft         BOOLEAN NOT NULL DEFAULT FALSE,
    outdated      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    BIGINT NOT NULL DEFAULT 0,
    updated_by    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX kb_translations_key ON kb_translations (source_type, source_id, locale);
CREATE INDEX kb_translations_locale_idx ON kb_translations (locale, source_type, source_id);

-- Article translations are searched in their locale: they get rows in the
-- text index (rowid minus the translation's id). The reader tokens of the
-- index scope (migration 00120) now carry the brand (migration 00150) and,
-- for source texts, an "s": zzr<level>b<brand>[s]. A search asks for one
-- such token (zzr0b1s: an anonymous reader of brand 1 without a locale;
-- zzr0b1 with the locale's token in a locale), so neither the brand nor
-- "source text" adds a term that nearly every row holds to the query.
-- +sqlite
DELETE FROM kb_fts;
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT a.id, a.title, a.body_text, trim(replace(a.labels, ',', ' ')),
       CASE WHEN a.status <> 'published' THEN ''
            WHEN max(a.visibility, s.visibility) = 0 THEN replace('zzr0bB zzr0bBs zzr1bB zzr1bBs zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT))
            WHEN max(a.visibility, s.visibility) = 1 THEN replace('zzr1bB zzr1bBs zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT))
            ELSE replace('zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || lower(hex(a.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab')
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;
DELETE FROM kb_fts_head;
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts;
-- +end

-- +postgres
ALTER TABLE kb_search DROP CONSTRAINT IF EXISTS kb_search_article_id_fkey;
DELETE FROM kb_search;
INSERT INTO kb_search (article_id, doc, head, scope)
SELECT a.id,
       strip(to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || a.body_text)),
       to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', CASE WHEN a.status <> 'published' THEN ''
            WHEN greatest(a.visibility, s.visibility) = 0 THEN replace('zzr0bB zzr0bBs zzr1bB zzr1bBs zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT))
            WHEN greatest(a.visibility, s.visibility) = 1 THEN replace('zzr1bB zzr1bBs zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT))
            ELSE replace('zzr2bB zzr2bBs', 'B', CAST(c.brand_id AS TEXT)) END
       || ' zzloc' || encode(convert_to(a.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
