-- +goose Up
-- Scheduled (and recorded manual) backups: what was written where, how
-- big, and which the retention has since deleted. The admin page shows the
-- last good one; the scheduler reads when it last ran.
CREATE TABLE backups (
    id             {{id}},
    file_name      TEXT NOT NULL,
    trigger_kind   TEXT NOT NULL,          -- scheduled | manual
    status         TEXT NOT NULL,          -- ok | failed
    size           BIGINT NOT NULL DEFAULT 0,
    schema_version BIGINT NOT NULL DEFAULT 0,
    table_count    BIGINT NOT NULL DEFAULT 0,
    row_count      BIGINT NOT NULL DEFAULT 0,
    file_count     BIGINT NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    started_at     BIGINT NOT NULL,
    finished_at    BIGINT,
    pruned_at      BIGINT
);
CREATE INDEX backups_started_idx ON backups (started_at);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
