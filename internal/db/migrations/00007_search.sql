-- +goose Up
-- Full-text index of tickets: subject, public comments and internal notes,
-- kept apart so that customers match only what they may read. Rows are
-- written by internal/search inside each ticket change's transaction.

-- +sqlite
CREATE VIRTUAL TABLE ticket_fts USING fts5(
    subject, public_text, private_text,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- +end

-- +postgres
CREATE TABLE ticket_fts (
    ticket_id  BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    doc_public TSVECTOR NOT NULL,
    doc_all    TSVECTOR NOT NULL
);
CREATE INDEX ticket_fts_public_idx ON ticket_fts USING GIN (doc_public);
CREATE INDEX ticket_fts_all_idx ON ticket_fts USING GIN (doc_all);
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
