-- +goose Up
-- A gap ahead on an on-call schedule (nobody on call in a layer's hours) is
-- flagged once to the managers of the people who staff it
-- (internal/oncall/gaps.go): one row per schedule and gap start, written in
-- the transaction that queues the emails, so two nodes or a rerun job
-- never send it twice.
CREATE TABLE oncall_gap_notices (
    id          {{id}},
    schedule_id BIGINT NOT NULL REFERENCES oncall_schedules (id),
    start_at    BIGINT NOT NULL,
    end_at      BIGINT NOT NULL,
    recipients  TEXT NOT NULL DEFAULT '',  -- user ids told, space-separated
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX oncall_gap_notices_key ON oncall_gap_notices (schedule_id, start_at);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
