-- +goose Up
-- Incidents and paging (internal/incident, docs/adr/0018-incidents-paging.md).
-- Escalation policies are ordered levels (rules) of targets (users or
-- on-call schedules) with a delay each and a repeat count. Services carry an
-- integration key (the Events API v2 routing key). An incident's open_key is
-- its dedup key while it is open and NULL once resolved: the unique index
-- on (service_id, open_key) is what keeps one dedup key to one open incident
-- across nodes. A page is one notification of one user at one escalation
-- step; its unique key makes a re-run step (a retried job, a second node)
-- write and send nothing twice.
CREATE TABLE escalation_policies (
    id          {{id}},
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    num_loops   BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX escalation_policies_name_key ON escalation_policies (name);

CREATE TABLE escalation_rules (
    id            {{id}},
    policy_id     BIGINT NOT NULL REFERENCES escalation_policies (id),
    position      BIGINT NOT NULL,
    delay_minutes BIGINT NOT NULL
);
CREATE UNIQUE INDEX escalation_rules_key ON escalation_rules (policy_id, position);

CREATE TABLE escalation_targets (
    rule_id   BIGINT NOT NULL REFERENCES escalation_rules (id),
    kind      TEXT NOT NULL,   -- user | schedule
    target_id BIGINT NOT NULL,
    PRIMARY KEY (rule_id, kind, target_id)
);

CREATE TABLE incident_services (
    id                   {{id}},
    name                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    escalation_policy_id BIGINT NOT NULL REFERENCES escalation_policies (id),
    integration_key      TEXT NOT NULL,
    kind                 TEXT NOT NULL DEFAULT 'general',   -- general | emergency | monitoring
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX incident_services_name_key ON incident_services (name);
CREATE UNIQUE INDEX incident_services_integration_key ON incident_services (integration_key);

CREATE TABLE incidents (
    id                   {{id}},
    service_id           BIGINT NOT NULL REFERENCES incident_services (id),
    escalation_policy_id BIGINT NOT NULL REFERENCES escalation_policies (id),
    title                TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL,             -- triggered | acknowledged | resolved
    urgency              TEXT NOT NULL DEFAULT 'high',
    severity             BIGINT NOT NULL DEFAULT 2, -- 1..4 (CMOC cadence)
    source               TEXT NOT NULL DEFAULT 'manual', -- manual | events | emergency | monitoring
    incident_key         TEXT NOT NULL,
    open_key             TEXT,
    public               BOOLEAN NOT NULL DEFAULT FALSE,  -- shown on /status
    public_state         TEXT NOT NULL DEFAULT 'investigating', -- investigating | identified | monitoring | resolved
    ticket_id            BIGINT REFERENCES tickets (id),
    organization_id      BIGINT REFERENCES organizations (id),
    step                 BIGINT NOT NULL DEFAULT 0, -- escalation steps taken
    gen                  BIGINT NOT NULL DEFAULT 0, -- bumped when escalation restarts (reassign): older timers are void
    level                BIGINT NOT NULL DEFAULT 0, -- the level paged last (1-based; 0 none)
    assignees            TEXT NOT NULL DEFAULT '',  -- user ids paged at the current level
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    acknowledged_at      BIGINT,
    acknowledged_by      BIGINT REFERENCES users (id),
    resolved_at          BIGINT,
    resolved_by          BIGINT REFERENCES users (id),
    next_update_due      BIGINT,                    -- when the next CMOC status update is due
    reminded_due         BIGINT,                    -- the due time last reminded of (once per due time)
    next_step_at         BIGINT                     -- when the next escalation step is due (NULL: none)
);
CREATE UNIQUE INDEX incidents_open_key ON incidents (service_id, open_key);
CREATE INDEX incidents_status_idx ON incidents (status, id);
CREATE INDEX incidents_key_idx ON incidents (incident_key);
CREATE INDEX incidents_public_idx ON incidents (public, created_at);
CREATE INDEX incidents_ticket_idx ON incidents (ticket_id);
CREATE INDEX incidents_org_idx ON incidents (organization_id);
-- The wake-up jobs find due escalation steps and overdue updates by these.
CREATE INDEX incidents_next_step_idx ON incidents (next_step_at) WHERE next_step_at IS NOT NULL;
CREATE INDEX incidents_update_due_idx ON incidents (next_update_due) WHERE next_update_due IS NOT NULL;

CREATE TABLE incident_log_entries (
    id          {{id}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    type        TEXT NOT NULL,  -- trigger | acknowledge | resolve | notify | escalate | assign | annotate | status_update | reminder
    user_id     BIGINT REFERENCES users (id),
    channel     TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX incident_log_entries_incident_idx ON incident_log_entries (incident_id, id);

CREATE TABLE incident_notes (
    id          {{id}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    user_id     BIGINT REFERENCES users (id),
    content     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX incident_notes_incident_idx ON incident_notes (incident_id, id);

CREATE TABLE incident_pages (
    id          {{id}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    step        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    ack_used_at BIGINT
);
CREATE UNIQUE INDEX incident_pages_key ON incident_pages (incident_id, step, user_id);
CREATE INDEX incident_pages_user_idx ON incident_pages (user_id);

-- Chat webhooks (Slack, Microsoft Teams, Mattermost incoming webhooks),
-- for every service or one.
CREATE TABLE incident_webhooks (
    id         {{id}},
    name       TEXT NOT NULL,
    format     TEXT NOT NULL,  -- slack | teams | mattermost
    url        TEXT NOT NULL,
    service_id BIGINT REFERENCES incident_services (id),
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE incident_deliveries (
    id          {{id}},
    webhook_id  BIGINT NOT NULL REFERENCES incident_webhooks (id),
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    event       TEXT NOT NULL,  -- step:N | acknowledged | resolved | update:N
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE UNIQUE INDEX incident_deliveries_key ON incident_deliveries (webhook_id, incident_id, event);

CREATE TABLE incident_status_updates (
    id          {{id}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    state       TEXT NOT NULL,
    message     TEXT NOT NULL,
    user_id     BIGINT REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX incident_status_updates_idx ON incident_status_updates (incident_id, id);

-- The key that signs one-time acknowledge links (one row, made on first use).
CREATE TABLE incident_secrets (
    id     BIGINT PRIMARY KEY,
    secret TEXT NOT NULL
);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
