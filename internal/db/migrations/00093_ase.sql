-- +goose Up
-- Assigned Support Engineer accounts (internal/ase): how an ASE
-- organization's new tickets are routed (to the ASE when available, else
-- their designated cover, back when they return), the update cadence agreed
-- with the customer, the customer's environment notes (every version kept)
-- and scheduled review calls. The ASE themself is organizations.
-- ase_user_id (rules in internal/team).
CREATE TABLE ase_accounts (
    organization_id       BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    cover_user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    return_to_ase         BOOLEAN NOT NULL DEFAULT TRUE,
    cadence_business_days BIGINT NOT NULL DEFAULT 0,   -- 0: no agreed cadence
    updated_at            BIGINT NOT NULL
);

-- Tickets routed to the cover while the ASE was away, to hand back.
CREATE TABLE ase_routed (
    ticket_id  BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    ase_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cover_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    routed_at  BIGINT NOT NULL,
    returned_at BIGINT
);
CREATE INDEX ase_routed_open_idx ON ase_routed (returned_at, ase_id);

-- One reminder per ticket and due moment.
CREATE TABLE ase_reminders (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    due_at    BIGINT NOT NULL,
    sent_at   BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, due_at)
);

CREATE TABLE ase_environment_notes (
    id              {{id}},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    version         BIGINT NOT NULL,
    product_version TEXT NOT NULL DEFAULT '',
    deployment      TEXT NOT NULL DEFAULT '',
    architecture    TEXT NOT NULL DEFAULT '',
    author_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX ase_environment_notes_key ON ase_environment_notes (organization_id, version);

CREATE TABLE ase_review_calls (
    id              {{id}},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    scheduled_at    BIGINT NOT NULL,
    agenda          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ase_review_calls_org_idx ON ase_review_calls (organization_id, scheduled_at);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
