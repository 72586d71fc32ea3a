-- +goose Up
-- The support organisation as data (internal/team): job families and levels,
-- the roster (one row per staff user on it: its key is the user's id, and the
-- staff fields the users table already had stay there), specialties, the
-- training catalog, time off and 1:1s. Families, levels, the catalog and the
-- roster of existing staff are seeded from Go on first start
-- (team.Store.SeedDefaults), where free-text titles and grades are matched to
-- levels or flagged.
CREATE TABLE team_job_families (
    id         {{id}},
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX team_job_families_key ON team_job_families (key);
CREATE UNIQUE INDEX team_job_families_name_key ON team_job_families (lower(name));

CREATE TABLE team_levels (
    id         {{id}},
    family_id  BIGINT NOT NULL REFERENCES team_job_families (id),
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    track      TEXT NOT NULL CHECK (track IN ('ic', 'manager')),
    grade      INTEGER,
    rank       INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX team_levels_key ON team_levels (key);
CREATE UNIQUE INDEX team_levels_name_key ON team_levels (lower(name));
CREATE INDEX team_levels_family_idx ON team_levels (family_id, rank);

CREATE TABLE team_members (
    user_id        BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    level_id       BIGINT REFERENCES team_levels (id),
    working_hours  TEXT NOT NULL DEFAULT '',
    start_date     TEXT,
    end_date       TEXT,
    skills         TEXT NOT NULL DEFAULT '',
    migration_note TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX team_members_level_idx ON team_members (level_id);

CREATE TABLE team_member_specialties (
    user_id   BIGINT NOT NULL REFERENCES team_members (user_id) ON DELETE CASCADE,
    specialty TEXT NOT NULL,
    PRIMARY KEY (user_id, specialty)
);
CREATE INDEX team_member_specialties_idx ON team_member_specialties (specialty, user_id);

CREATE TABLE team_trainings (
    id          {{id}},
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    builtin     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX team_trainings_key ON team_trainings (key);

CREATE TABLE team_time_off (
    id             {{id}},
    user_id        BIGINT NOT NULL REFERENCES team_members (user_id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    start_half_day BOOLEAN NOT NULL DEFAULT FALSE,
    end_half_day   BOOLEAN NOT NULL DEFAULT FALSE,
    reason         TEXT NOT NULL DEFAULT '',
    created_by     BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX team_time_off_user_idx ON team_time_off (user_id, start_date);
CREATE INDEX team_time_off_dates_idx ON team_time_off (end_date, start_date);

CREATE TABLE team_one_on_ones (
    id         {{id}},
    member_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    manager_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('one_on_one', 'skip_level')),
    held_on    TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX team_one_on_ones_member_idx ON team_one_on_ones (member_id, held_on);
CREATE INDEX team_one_on_ones_manager_idx ON team_one_on_ones (manager_id, held_on);

-- Reporting lines and assigned accounts are read per member (org chart,
-- reports, the ASE limit); both columns are NULL on most rows.
CREATE INDEX users_manager_idx ON users (manager_id) WHERE manager_id IS NOT NULL;
CREATE INDEX organizations_ase_idx ON organizations (ase_user_id) WHERE ase_user_id IS NOT NULL;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
