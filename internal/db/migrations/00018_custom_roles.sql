-- +goose Up
-- Custom roles (internal/access): named permission sets on top of the agent
-- role, in Zendesk's shape (/api/v2/custom_roles). configuration is the JSON
-- of access.Configuration. A user's custom_role_id applies while they are an
-- agent; admins hold every permission. The built-in roles (Light Agent, Team
-- Lead, Support Operations, Recruiter) are seeded from Go on first start.
CREATE TABLE custom_roles (
    id            {{id}},
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    role_type     INTEGER NOT NULL DEFAULT 0,
    configuration TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_roles_name_key ON custom_roles (lower(name));

ALTER TABLE users ADD COLUMN custom_role_id BIGINT REFERENCES custom_roles (id);
CREATE INDEX users_custom_role_idx ON users (custom_role_id) WHERE custom_role_id IS NOT NULL;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
