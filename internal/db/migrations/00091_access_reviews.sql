-- +goose Up
-- Access review campaigns (Support Operations' audits of user access): each
-- campaign lists every staff account as it was when the campaign opened
-- (the snapshot is kept, so the record shows what was certified), the
-- reviewer of each line, and who certified or revoked it when. A closed
-- campaign is never changed again.
CREATE TABLE access_review_campaigns (
    id           {{id}},
    name         TEXT NOT NULL,
    status       TEXT NOT NULL,            -- open | closed
    reviewer_id  BIGINT REFERENCES users (id),   -- a named reviewer of every line; null: each account's manager
    created_by   BIGINT REFERENCES users (id),
    due_at       BIGINT NOT NULL,
    dormant_days BIGINT NOT NULL,
    token_days   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    closed_at    BIGINT,
    closed_by    BIGINT REFERENCES users (id)
);
CREATE INDEX access_review_campaigns_status_idx ON access_review_campaigns (status, due_at);

CREATE TABLE access_review_lines (
    id             {{id}},
    campaign_id    BIGINT NOT NULL REFERENCES access_review_campaigns (id),
    user_id        BIGINT NOT NULL REFERENCES users (id),
    reviewer_id    BIGINT REFERENCES users (id),
    escalated_from BIGINT REFERENCES users (id),
    escalated_at   BIGINT,
    snapshot       TEXT NOT NULL,
    flags          TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL DEFAULT 'pending',  -- pending | certified | revoked
    note           TEXT NOT NULL DEFAULT '',
    decided_by     BIGINT REFERENCES users (id),
    decided_at     BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX access_review_lines_key ON access_review_lines (campaign_id, user_id);
CREATE INDEX access_review_lines_reviewer_idx ON access_review_lines (reviewer_id, decision);
CREATE INDEX access_review_lines_user_idx ON access_review_lines (user_id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
