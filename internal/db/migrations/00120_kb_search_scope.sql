-- +goose Up
-- The knowledge base's full-text index carries each article's visibility
-- (ADR 0011, "Search filters inside the index"): a `scope` of tokens — the
-- reader levels that may find it (zzr0 anonymous, zzr1 signed-in, zzr2
-- staff; none for an unpublished article, as search answers published
-- articles only), its locale (zzloc + hex), section (zzs + id), category
-- (zzc + id), labels (zzlab + label ... zzend) and promoted (zzp) — so a
-- ranked search filters and limits inside the text index instead of
-- joining every hit to its article and section. The store writes the rows
-- (kb/queries.sql IndexArticles), again for a whole section when the
-- section changes. On PostgreSQL the index leaves the wide article rows
-- for a narrow table whose GIN indexes hold text and scope together.

-- +sqlite
DROP TABLE kb_fts;
CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, body, labels, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT a.id, a.title, a.body_text, trim(replace(a.labels, ',', ' ')),
       CASE WHEN a.status <> 'published' THEN ''
            WHEN max(a.visibility, s.visibility) = 0 THEN 'zzr0 zzr1 zzr2'
            WHEN max(a.visibility, s.visibility) = 1 THEN 'zzr1 zzr2' ELSE 'zzr2' END
       || ' zzloc' || lower(hex(a.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab')
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id;
-- Titles and labels alone, with the same scope: the first ranking tier
-- ("every word in the title or labels") reads these short doclists.
CREATE VIRTUAL TABLE kb_fts_head USING fts5(
    head, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts;
-- +end

-- +postgres
DROP INDEX kb_articles_search_idx;
ALTER TABLE kb_articles DROP COLUMN search;
ALTER TABLE kb_articles DROP COLUMN title_search;
CREATE TABLE kb_search (
    article_id BIGINT PRIMARY KEY REFERENCES kb_articles (id) ON DELETE CASCADE,
    doc        TSVECTOR NOT NULL, -- title, labels and body, without positions (stripped: a narrower row)
    head       TSVECTOR NOT NULL, -- title and labels: hits here rank first
    scope      TSVECTOR NOT NULL
);
INSERT INTO kb_search (article_id, doc, head, scope)
SELECT a.id,
       strip(to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || a.body_text)),
       to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', CASE WHEN a.status <> 'published' THEN ''
            WHEN greatest(a.visibility, s.visibility) = 0 THEN 'zzr0 zzr1 zzr2'
            WHEN greatest(a.visibility, s.visibility) = 1 THEN 'zzr1 zzr2' ELSE 'zzr2' END
       || ' zzloc' || encode(convert_to(a.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || CASE WHEN a.promoted THEN ' zzp' ELSE '' END || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id;
CREATE INDEX kb_search_doc_idx ON kb_search USING GIN (doc, scope);
CREATE INDEX kb_search_head_idx ON kb_search USING GIN (head, scope);
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
