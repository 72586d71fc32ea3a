-- +goose Up
-- KPI rollups by week and by month (docs/adr/0010-kpi-capacity.md, "Cells").
-- The day buckets of 00096 held about one row per ticket at the generated
-- data's spread, so a 12-month overview summed hundreds of thousands of
-- rows. A cell is one (grain, period, filter dimensions) bucket: grain 0 is
-- the ISO week (Monday-based, weeks since 1969-12-29), grain 1 the calendar
-- month (year*12 + month-1). Each cell carries its counters and its three
-- duration histograms as compact blobs (sorted bucket/count varint pairs),
-- so a period's percentiles under any filter come from the same rows.
-- Each contribution goes to two cells per grain: the one of its dimensions
-- and a coarse one with assignee_id -1 (every assignee), which the reads
-- without an assignee filter take: a few hundred rows a year. The coarse
-- cells have their own table (kpi_cells_all, same columns), so they stay
-- few pages, cached, instead of one row per page among the full cells.
-- The fold rewrites cells whole under kpi_fold_lock (one folder at a time
-- across nodes), in batches.
CREATE TABLE kpi_cells (
    ckey         TEXT PRIMARY KEY,
    grain        INTEGER NOT NULL,
    period       INTEGER NOT NULL,
    region       TEXT NOT NULL,
    group_id     BIGINT NOT NULL,
    assignee_id  BIGINT NOT NULL,
    plan         TEXT NOT NULL,
    tier         TEXT NOT NULL,
    created      BIGINT NOT NULL DEFAULT 0,
    solved       BIGINT NOT NULL DEFAULT 0,
    good         BIGINT NOT NULL DEFAULT 0,
    bad          BIGINT NOT NULL DEFAULT 0,
    sla_applied  BIGINT NOT NULL DEFAULT 0,
    sla_achieved BIGINT NOT NULL DEFAULT 0,
    frt_applied  BIGINT NOT NULL DEFAULT 0,
    frt_achieved BIGINT NOT NULL DEFAULT 0,
    nrt_applied  BIGINT NOT NULL DEFAULT 0,
    nrt_achieved BIGINT NOT NULL DEFAULT 0,
    rwt_applied  BIGINT NOT NULL DEFAULT 0,
    rwt_achieved BIGINT NOT NULL DEFAULT 0,
    resolve_secs BIGINT NOT NULL DEFAULT 0,
    h_ttr        {{blob}},
    h_open       {{blob}},
    h_total      {{blob}}
);
CREATE INDEX kpi_cells_period_idx ON kpi_cells (grain, period, assignee_id);
CREATE INDEX kpi_cells_assignee_idx ON kpi_cells (assignee_id, grain, period);

CREATE TABLE kpi_cells_all (
    ckey         TEXT PRIMARY KEY,
    grain        INTEGER NOT NULL,
    period       INTEGER NOT NULL,
    region       TEXT NOT NULL,
    group_id     BIGINT NOT NULL,
    assignee_id  BIGINT NOT NULL,
    plan         TEXT NOT NULL,
    tier         TEXT NOT NULL,
    created      BIGINT NOT NULL DEFAULT 0,
    solved       BIGINT NOT NULL DEFAULT 0,
    good         BIGINT NOT NULL DEFAULT 0,
    bad          BIGINT NOT NULL DEFAULT 0,
    sla_applied  BIGINT NOT NULL DEFAULT 0,
    sla_achieved BIGINT NOT NULL DEFAULT 0,
    frt_applied  BIGINT NOT NULL DEFAULT 0,
    frt_achieved BIGINT NOT NULL DEFAULT 0,
    nrt_applied  BIGINT NOT NULL DEFAULT 0,
    nrt_achieved BIGINT NOT NULL DEFAULT 0,
    rwt_applied  BIGINT NOT NULL DEFAULT 0,
    rwt_achieved BIGINT NOT NULL DEFAULT 0,
    resolve_secs BIGINT NOT NULL DEFAULT 0,
    h_ttr        {{blob}},
    h_open       {{blob}},
    h_total      {{blob}}
);
CREATE INDEX kpi_cells_all_period_idx ON kpi_cells_all (grain, period);

CREATE TABLE kpi_fold_lock (
    id INTEGER PRIMARY KEY,
    n  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO kpi_fold_lock (id, n) VALUES (1, 0);

DROP TABLE kpi_daily;
DROP TABLE kpi_daily_hist;

-- Every ticket is folded again, into the cells, on the first read.
DELETE FROM kpi_ticket_facts;
DELETE FROM kpi_dirty;
INSERT INTO kpi_dirty (ticket_id) SELECT id FROM tickets;

-- +postgres
-- A change marks its ticket dirty by locking the mark (an upsert that
-- updates), not by skipping an existing one: a fold that takes the mark
-- then waits for the change to commit and reads it. With DO NOTHING, a
-- change that found the mark before a fold took it, and committed after
-- the fold read the ticket, was never folded.
CREATE OR REPLACE FUNCTION frontline_kpi_dirty_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_dirty (ticket_id) VALUES (OLD.id) ON CONFLICT (ticket_id) DO UPDATE SET ticket_id = excluded.ticket_id;
    ELSE
        INSERT INTO kpi_dirty (ticket_id) VALUES (NEW.id) ON CONFLICT (ticket_id) DO UPDATE SET ticket_id = excluded.ticket_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION frontline_kpi_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_dirty (ticket_id) VALUES (OLD.ticket_id) ON CONFLICT (ticket_id) DO UPDATE SET ticket_id = excluded.ticket_id;
    ELSE
        INSERT INTO kpi_dirty (ticket_id) VALUES (NEW.ticket_id) ON CONFLICT (ticket_id) DO UPDATE SET ticket_id = excluded.ticket_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
