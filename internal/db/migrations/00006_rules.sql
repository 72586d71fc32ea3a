-- +goose Up
-- Business rules (issue 6): triggers, automations, macros and views share one
-- table keyed by kind, holding the rule's Zendesk JSON as validated text plus
-- the columns used to order and restrict them. Webhooks, their delivery log
-- (also the durable delivery queue), automation fire-once markers and the
-- rule notification outbox. Timestamps are BIGINT microseconds (UTC).

CREATE TABLE business_rules (
    id               {{id}},
    kind             TEXT NOT NULL CHECK (kind IN ('trigger', 'automation', 'macro', 'view')),
    title            TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    position         INTEGER NOT NULL DEFAULT 0,
    -- restriction: '' (everyone), 'User' or 'Group'; restriction_ids as " 1 2 ".
    restriction_type TEXT NOT NULL DEFAULT '' CHECK (restriction_type IN ('', 'User', 'Group')),
    restriction_ids  TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX business_rules_kind_idx ON business_rules (kind, active, position, id);

CREATE TABLE automation_firings (
    automation_id BIGINT NOT NULL REFERENCES business_rules (id) ON DELETE CASCADE,
    ticket_id     BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    fired_at      BIGINT NOT NULL,
    PRIMARY KEY (automation_id, ticket_id)
);
CREATE INDEX automation_firings_ticket_idx ON automation_firings (ticket_id);

CREATE TABLE webhooks (
    id             {{id}},
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    endpoint       TEXT NOT NULL,
    http_method    TEXT NOT NULL DEFAULT 'POST' CHECK (http_method IN ('POST', 'PUT', 'PATCH', 'GET', 'DELETE')),
    request_format TEXT NOT NULL DEFAULT 'json',
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    signing_secret TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              {{id}},
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    ticket_id       BIGINT,
    rule_id         BIGINT,
    payload         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'success', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at, id);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);

CREATE TABLE rule_notifications (
    id         {{id}},
    ticket_id  BIGINT REFERENCES tickets (id) ON DELETE SET NULL,
    rule_id    BIGINT,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    created_at BIGINT NOT NULL,
    sent_at    BIGINT
);
CREATE INDEX rule_notifications_status_idx ON rule_notifications (status, id);

-- Views and automation candidate queries filter on status and sort by these
-- times; these keep them index-driven at a million tickets.
CREATE INDEX tickets_status_updated_idx ON tickets (status, updated_at, id);
CREATE INDEX tickets_status_created_idx ON tickets (status, created_at, id);
CREATE INDEX tickets_assignee_status_idx ON tickets (assignee_id, status, updated_at);
CREATE INDEX tickets_assignee_created_idx ON tickets (assignee_id, created_at, id);
CREATE INDEX tickets_solved_idx ON tickets (solved_at);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
