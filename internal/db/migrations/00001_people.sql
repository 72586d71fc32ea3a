-- +goose Up
-- People, access and audit. Timestamps are BIGINT microseconds since the Unix
-- epoch (UTC), written from the injected clock. {{id}} is rendered per engine.

CREATE TABLE organizations (
    id              {{id}},
    name            TEXT NOT NULL,
    external_id     TEXT,
    details         TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    support_plan    TEXT NOT NULL DEFAULT 'self_managed' CHECK (support_plan IN ('self_managed', 'saas')),
    tier            TEXT NOT NULL DEFAULT 'free',
    ase_user_id     BIGINT,
    group_id        BIGINT,
    shared_tickets  BOOLEAN NOT NULL DEFAULT FALSE,
    shared_comments BOOLEAN NOT NULL DEFAULT FALSE,
    tags            TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name));
CREATE UNIQUE INDEX organizations_external_id_key ON organizations (external_id);

CREATE TABLE organization_domains (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    domain          TEXT NOT NULL,
    PRIMARY KEY (organization_id, domain)
);
CREATE UNIQUE INDEX organization_domains_domain_key ON organization_domains (domain);

CREATE TABLE users (
    id                   {{id}},
    name                 TEXT NOT NULL,
    email                TEXT,
    role                 TEXT NOT NULL DEFAULT 'end-user' CHECK (role IN ('end-user', 'agent', 'admin')),
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    suspended            BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash        TEXT,
    organization_id      BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    external_id          TEXT,
    phone                TEXT NOT NULL DEFAULT '',
    time_zone            TEXT NOT NULL DEFAULT 'UTC',
    locale               TEXT NOT NULL DEFAULT 'en-US',
    details              TEXT NOT NULL DEFAULT '',
    notes                TEXT NOT NULL DEFAULT '',
    tags                 TEXT NOT NULL DEFAULT '',
    job_title            TEXT NOT NULL DEFAULT '',
    job_family           TEXT NOT NULL DEFAULT '',
    grade                TEXT NOT NULL DEFAULT '',
    region               TEXT NOT NULL DEFAULT '' CHECK (region IN ('', 'AMER', 'EMEA', 'APAC')),
    manager_id           BIGINT REFERENCES users (id) ON DELETE SET NULL,
    verified_citizenship BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at        BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_external_id_key ON users (external_id);
CREATE INDEX users_organization_idx ON users (organization_id);
CREATE INDEX users_role_idx ON users (role, id);

CREATE TABLE user_trainings (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    training     TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, training)
);
CREATE INDEX user_trainings_training_idx ON user_trainings (training);

CREATE TABLE organization_memberships (
    id              {{id}},
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    is_default      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX organization_memberships_key ON organization_memberships (user_id, organization_id);
CREATE INDEX organization_memberships_org_idx ON organization_memberships (organization_id);

CREATE TABLE groups (
    id          {{id}},
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_public   BOOLEAN NOT NULL DEFAULT TRUE,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_name_key ON groups (lower(name));

CREATE TABLE group_memberships (
    id         {{id}},
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX group_memberships_key ON group_memberships (user_id, group_id);
CREATE INDEX group_memberships_group_idx ON group_memberships (group_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           {{id}},
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    description  TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id          {{id}},
    actor_id    BIGINT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   BIGINT,
    before_json TEXT,
    after_json  TEXT,
    ip          TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
