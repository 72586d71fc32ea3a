-- +goose Up
-- Change control: configuration changes proposed for a second admin's
-- approval, emergency changes applied at once and reviewed afterwards. A
-- change is the API request that makes it (method, path, JSON body), so
-- approving it runs exactly what was proposed through the same handlers
-- and rules. Versions of each configuration object are its audit entries.
CREATE TABLE config_changes (
    id           {{id}},
    status       TEXT NOT NULL,        -- pending | applied | rejected | failed
    emergency    BOOLEAN NOT NULL DEFAULT FALSE,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    object_type  TEXT NOT NULL,
    object_id    BIGINT,
    before_json  TEXT,
    result_code  BIGINT,
    result       TEXT,
    proposed_by  BIGINT REFERENCES users (id),
    proposed_at  BIGINT NOT NULL,
    decided_by   BIGINT REFERENCES users (id),
    decided_at   BIGINT,
    reviewed_by  BIGINT REFERENCES users (id),
    reviewed_at  BIGINT
);
CREATE INDEX config_changes_status_idx ON config_changes (status, id);
CREATE INDEX config_changes_object_idx ON config_changes (object_type, object_id, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
