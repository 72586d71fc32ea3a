-- +goose Up
-- Zendesk compatibility (internal/zendesk, ADR 0012): custom field
-- definitions of tickets, users and organizations (one table, by kind),
-- ticket forms, the custom field values of users and organizations (ticket
-- values stay in tickets.custom_fields), user identities beyond the primary
-- email, and the job statuses of bulk requests.
CREATE TABLE custom_fields (
    id          {{id}},
    kind        TEXT NOT NULL CHECK (kind IN ('ticket', 'user', 'organization')),
    type        TEXT NOT NULL,
    key         TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    regexp      TEXT NOT NULL DEFAULT '',
    tag         TEXT NOT NULL DEFAULT '',
    options     TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX custom_fields_kind_idx ON custom_fields (kind, position, id);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields (kind, key) WHERE key <> '';

CREATE TABLE ticket_forms (
    id               {{id}},
    name             TEXT NOT NULL,
    display_name     TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL DEFAULT 0,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    end_user_visible BOOLEAN NOT NULL DEFAULT TRUE,
    field_ids        TEXT NOT NULL DEFAULT '[]',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE custom_field_values (
    kind       TEXT NOT NULL CHECK (kind IN ('user', 'organization')),
    owner_id   BIGINT NOT NULL,
    value_json TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, owner_id)
);

CREATE TABLE user_identities (
    id         {{id}},
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT NOT NULL CHECK (type IN ('email', 'phone_number')),
    value      TEXT NOT NULL,
    verified   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_identities_value ON user_identities (type, lower(value));
CREATE INDEX user_identities_user_idx ON user_identities (user_id);

CREATE TABLE job_statuses (
    id         TEXT PRIMARY KEY,
    job_type   TEXT NOT NULL,
    status     TEXT NOT NULL,
    total      INTEGER NOT NULL DEFAULT 0,
    progress   INTEGER NOT NULL DEFAULT 0,
    message    TEXT NOT NULL DEFAULT '',
    actor_id   BIGINT NOT NULL DEFAULT 0,
    actor_role TEXT NOT NULL DEFAULT '',
    payload    TEXT NOT NULL DEFAULT '',
    results    TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What `frontline import zendesk` copied (internal/zimport): per source
-- account, kind and source id, the local id and the source's updated_at,
-- so that a second run changes nothing and an interrupted one resumes.
CREATE TABLE import_map (
    source         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    target_id      BIGINT NOT NULL,
    source_updated TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, kind, source_id)
);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
