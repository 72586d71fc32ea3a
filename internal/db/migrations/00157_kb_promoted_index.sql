-- +goose Up
-- Search speed at 100,000 articles (issue 20): on PostgreSQL the promoted
-- tier of a search (the hits holding a promoted reader token) is read from
-- small partial GIN indexes of the promoted articles' rows, instead of
-- decoding the posting lists of the query's common words in the index of
-- every row (a new question: 3.8-5.3 ms down to 1.2-2.3 ms on a new
-- connection). kb_search.promoted is the article's promoted flag (a
-- translation's row: its article's), set with the row by IndexRows and
-- TrIndexRows; every row holding a promoted reader token has it. SQLite's
-- FTS5 promoted tier already asks for one rare token and is unchanged.
-- +postgres
ALTER TABLE kb_search ADD COLUMN promoted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE kb_search k SET promoted = a.promoted FROM kb_articles a WHERE a.id = k.article_id;
UPDATE kb_search k SET promoted = a.promoted FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id
WHERE t.source_type = 'article' AND k.article_id = 0 - t.id;
CREATE INDEX kb_search_promoted_doc_idx ON kb_search USING GIN (doc, scope) WHERE promoted;
CREATE INDEX kb_search_promoted_head_idx ON kb_search USING GIN (head, scope) WHERE promoted;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
