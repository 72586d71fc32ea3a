-- +goose Up
-- On-call schedules (internal/oncall, docs/adr/0017-oncall-schedules.md):
-- a schedule is layers (rotations of ordered members, each with a turn
-- length, a hand-off time, a time zone and time-of-day/weekday
-- restrictions) with overrides on top. Swaps are requests between members
-- that become overrides when accepted. Calendar feeds are reached by a
-- secret token, stored hashed. Triggers bump config_versions 'oncall' on
-- every change of what decides who is on call, so that every node's cache
-- of the schedules knows when to reload (as for SLAs and rules).
CREATE TABLE oncall_schedules (
    id                 {{id}},
    key                TEXT NOT NULL,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    time_zone          TEXT NOT NULL,
    required_specialty TEXT NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX oncall_schedules_key ON oncall_schedules (key);

CREATE TABLE oncall_layers (
    id           {{id}},
    schedule_id  BIGINT NOT NULL REFERENCES oncall_schedules (id),
    name         TEXT NOT NULL,
    position     BIGINT NOT NULL,
    time_zone    TEXT NOT NULL,
    turn_unit    TEXT NOT NULL,            -- hourly | daily | weekly | custom
    turn_count   BIGINT NOT NULL,
    start_date   TEXT NOT NULL,            -- local YYYY-MM-DD
    handoff_time TEXT NOT NULL,            -- local HH:MM
    end_date     TEXT,
    restrictions TEXT NOT NULL DEFAULT '[]', -- JSON [{weekdays, start, end}]
    pool_region  TEXT NOT NULL DEFAULT '', -- who the quarter generator draws from: a region (AMER, EMEA, APAC) ...
    pool_track   TEXT NOT NULL DEFAULT '', -- ... and a track (ic, manager); empty: any
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX oncall_layers_schedule_idx ON oncall_layers (schedule_id);

CREATE TABLE oncall_layer_members (
    layer_id BIGINT NOT NULL REFERENCES oncall_layers (id),
    position BIGINT NOT NULL,
    user_id  BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (layer_id, position)
);
CREATE INDEX oncall_layer_members_user_idx ON oncall_layer_members (user_id);

CREATE TABLE oncall_swaps (
    id           {{id}},
    schedule_id  BIGINT NOT NULL REFERENCES oncall_schedules (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    taker_id     BIGINT REFERENCES users (id),
    start_at     BIGINT NOT NULL,
    end_at       BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,            -- pending | accepted | declined | cancelled
    override_id  BIGINT,
    decided_by   BIGINT REFERENCES users (id),
    decided_at   BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX oncall_swaps_schedule_idx ON oncall_swaps (schedule_id, status);
CREATE INDEX oncall_swaps_requester_idx ON oncall_swaps (requester_id);
CREATE INDEX oncall_swaps_taker_idx ON oncall_swaps (taker_id);
CREATE INDEX oncall_swaps_decided_by_idx ON oncall_swaps (decided_by);

CREATE TABLE oncall_overrides (
    id          {{id}},
    schedule_id BIGINT NOT NULL REFERENCES oncall_schedules (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    start_at    BIGINT NOT NULL,
    end_at      BIGINT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    swap_id     BIGINT REFERENCES oncall_swaps (id),
    created_by  BIGINT REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX oncall_overrides_schedule_idx ON oncall_overrides (schedule_id, end_at);
CREATE INDEX oncall_overrides_user_idx ON oncall_overrides (user_id);
CREATE INDEX oncall_overrides_created_by_idx ON oncall_overrides (created_by);

CREATE TABLE oncall_feeds (
    id          {{id}},
    token_hash  TEXT NOT NULL,
    schedule_id BIGINT REFERENCES oncall_schedules (id), -- a schedule's feed
    user_id     BIGINT REFERENCES users (id),            -- a member's "my shifts"
    created_by  BIGINT REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX oncall_feeds_token ON oncall_feeds (token_hash);
CREATE INDEX oncall_feeds_schedule_idx ON oncall_feeds (schedule_id);
CREATE INDEX oncall_feeds_user_idx ON oncall_feeds (user_id);
CREATE INDEX oncall_feeds_created_by_idx ON oncall_feeds (created_by);
CREATE INDEX oncall_overrides_swap_idx ON oncall_overrides (swap_id);

INSERT INTO config_versions (name, version) VALUES ('oncall', 1);

-- +sqlite
CREATE TRIGGER oncall_schedules_version_i AFTER INSERT ON oncall_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_schedules_version_u AFTER UPDATE ON oncall_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_schedules_version_d AFTER DELETE ON oncall_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layers_version_i AFTER INSERT ON oncall_layers BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layers_version_u AFTER UPDATE ON oncall_layers BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layers_version_d AFTER DELETE ON oncall_layers BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layer_members_version_i AFTER INSERT ON oncall_layer_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layer_members_version_u AFTER UPDATE ON oncall_layer_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_layer_members_version_d AFTER DELETE ON oncall_layer_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_overrides_version_i AFTER INSERT ON oncall_overrides BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_overrides_version_u AFTER UPDATE ON oncall_overrides BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
CREATE TRIGGER oncall_overrides_version_d AFTER DELETE ON oncall_overrides BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'oncall'; END;
-- +end

-- +postgres
CREATE TRIGGER oncall_schedules_version AFTER INSERT OR UPDATE OR DELETE ON oncall_schedules
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('oncall');
CREATE TRIGGER oncall_layers_version AFTER INSERT OR UPDATE OR DELETE ON oncall_layers
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('oncall');
CREATE TRIGGER oncall_layer_members_version AFTER INSERT OR UPDATE OR DELETE ON oncall_layer_members
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('oncall');
CREATE TRIGGER oncall_overrides_version AFTER INSERT OR UPDATE OR DELETE ON oncall_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('oncall');
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
