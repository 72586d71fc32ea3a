-- +goose Up
-- A deleted ticket leaves the SQLite text index too (PostgreSQL's ticket_fts
-- row goes by its foreign key's ON DELETE CASCADE), so the index alone can
-- answer a search.

-- +sqlite
DELETE FROM ticket_fts WHERE rowid NOT IN (SELECT id FROM tickets);
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_fts WHERE rowid = old.id;
END;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
