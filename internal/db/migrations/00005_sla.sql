-- +goose Up
-- SLA: business-hours schedules (Zendesk /api/v2/business_hours/schedules),
-- ordered SLA policies (/api/v2/slas/policies), the per-ticket SLA state
-- whose due times are indexed, breach/warning events other parts read, and
-- the achievement history kept for reporting. Timestamps are BIGINT
-- microseconds since the Unix epoch (UTC).

CREATE TABLE sla_schedules (
    id         {{id}},
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sla_schedule_intervals (
    schedule_id BIGINT NOT NULL REFERENCES sla_schedules (id) ON DELETE CASCADE,
    start_time  INTEGER NOT NULL CHECK (start_time >= 0 AND start_time < 10080),
    end_time    INTEGER NOT NULL CHECK (end_time > start_time AND end_time <= 10080),
    PRIMARY KEY (schedule_id, start_time)
);

CREATE TABLE sla_holidays (
    id          {{id}},
    schedule_id BIGINT NOT NULL REFERENCES sla_schedules (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL
);
CREATE INDEX sla_holidays_schedule_idx ON sla_holidays (schedule_id, start_date);

CREATE TABLE sla_policies (
    id          {{id}},
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    filter      TEXT NOT NULL DEFAULT '{"all":[],"any":[]}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX sla_policies_position_idx ON sla_policies (position, id);

CREATE TABLE sla_policy_metrics (
    policy_id      BIGINT NOT NULL REFERENCES sla_policies (id) ON DELETE CASCADE,
    priority       TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    metric         TEXT NOT NULL,
    target         INTEGER NOT NULL CHECK (target > 0),
    business_hours BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (policy_id, priority, metric)
);

-- Marker written once, in the transaction that seeds the default schedules
-- and policies, so several nodes starting together seed them once.
CREATE TABLE sla_seeded (
    id         INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- The SLA-relevant history of each ticket (what sla.Compute replays).
CREATE TABLE sla_ticket_events (
    id          {{id}},
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    priority    TEXT NOT NULL DEFAULT '',
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    by_agent    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sla_ticket_events_ticket_idx ON sla_ticket_events (ticket_id, at, id);

-- The policy and schedule in force for a ticket.
CREATE TABLE sla_ticket_policies (
    ticket_id   BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    policy_id   BIGINT REFERENCES sla_policies (id) ON DELETE SET NULL,
    schedule_id BIGINT REFERENCES sla_schedules (id) ON DELETE SET NULL,
    updated_at  BIGINT NOT NULL
);

-- One row per ticket and metric: the current (or last) cycle.
CREATE TABLE sla_ticket_metrics (
    ticket_id       BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    metric          TEXT NOT NULL,
    policy_id       BIGINT,
    priority        TEXT NOT NULL DEFAULT '',
    target          INTEGER NOT NULL DEFAULT 0,
    business_hours  BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL CHECK (status IN ('none', 'active', 'paused', 'achieved', 'breached')),
    started_at      BIGINT,
    due_at          BIGINT,
    warn_at         BIGINT,
    paused_since    BIGINT,
    breached_at     BIGINT,
    achieved_at     BIGINT,
    elapsed_minutes INTEGER NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, metric)
);
-- The due-time store timers are driven from: only running cycles are indexed.
CREATE INDEX sla_ticket_metrics_due_idx ON sla_ticket_metrics (due_at) WHERE status = 'active';
CREATE INDEX sla_ticket_metrics_warn_idx ON sla_ticket_metrics (warn_at) WHERE status = 'active';

-- Breach and warning events: at most one per ticket, metric, kind and cycle.
CREATE TABLE sla_events (
    id         {{id}},
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
    policy_id  BIGINT,
    priority   TEXT NOT NULL DEFAULT '',
    target     INTEGER NOT NULL DEFAULT 0,
    cycle_start BIGINT NOT NULL,
    due_at     BIGINT,
    at         BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sla_events_once_key ON sla_events (ticket_id, metric, kind, cycle_start);
CREATE INDEX sla_events_created_idx ON sla_events (created_at, id);

-- Achievement history: one row per completed metric cycle (updated when a
-- reopened cumulative cycle completes again).
CREATE TABLE sla_achievements (
    id              {{id}},
    ticket_id       BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    metric          TEXT NOT NULL,
    policy_id       BIGINT,
    priority        TEXT NOT NULL DEFAULT '',
    target          INTEGER NOT NULL,
    business_hours  BOOLEAN NOT NULL DEFAULT FALSE,
    achieved        BOOLEAN NOT NULL,
    elapsed_minutes INTEGER NOT NULL,
    started_at      BIGINT NOT NULL,
    completed_at    BIGINT NOT NULL,
    breached_at     BIGINT,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX sla_achievements_cycle_key ON sla_achievements (ticket_id, metric, started_at);
CREATE INDEX sla_achievements_policy_idx ON sla_achievements (policy_id, metric, completed_at);
CREATE INDEX sla_achievements_completed_idx ON sla_achievements (completed_at, id);

-- +goose Down
