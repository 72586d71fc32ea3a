-- +goose Up
-- Customer satisfaction ratings: one per ticket, given by its requester once
-- the ticket is solved (Zendesk's satisfaction_ratings). The assignee and
-- group are copied at rating time for reporting.

CREATE TABLE satisfaction_ratings (
    id           {{id}},
    ticket_id    BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    requester_id BIGINT NOT NULL REFERENCES users (id),
    assignee_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    group_id     BIGINT REFERENCES groups (id) ON DELETE SET NULL,
    score        TEXT NOT NULL CHECK (score IN ('good', 'bad')),
    comment      TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX satisfaction_ratings_ticket_key ON satisfaction_ratings (ticket_id);
CREATE INDEX satisfaction_ratings_created_idx ON satisfaction_ratings (created_at, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
