-- +goose Up
-- Deleted tickets (Zendesk's soft delete, ADR 0012): a deleted ticket leaves
-- the live tables (so no list, view, search or report needs a filter) and
-- is kept here as a snapshot of its rows (ticket, comments, audits,
-- collaborators, attachment rows, satisfaction rating) until it is restored
-- under its own id or deleted permanently.
CREATE TABLE deleted_tickets (
    id             BIGINT PRIMARY KEY,
    subject        TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    previous_state TEXT NOT NULL,
    actor_id       BIGINT,
    deleted_at     BIGINT NOT NULL,
    snapshot       TEXT NOT NULL
);
CREATE INDEX deleted_tickets_deleted_idx ON deleted_tickets (deleted_at, id);

-- The incremental ticket event export reads audits by time.
CREATE INDEX ticket_audits_created_idx ON ticket_audits (created_at, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
