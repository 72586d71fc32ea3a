-- +goose Up
-- KPIs (docs/adr/0010-kpi-capacity.md): daily rollups by the filter
-- dimensions, maintained incrementally. Database triggers on every source
-- of an indicator (tickets, satisfaction ratings, SLA achievements and the
-- SLA status history) mark the ticket dirty in the writing transaction,
-- whatever writes it; the KPI store folds dirty tickets into their fact
-- row and the day buckets (subtracting the old fact, adding the new) before
-- every read and on a timer.
ALTER TABLE organizations ADD COLUMN annual_revenue BIGINT NOT NULL DEFAULT 0;

CREATE TABLE kpi_dirty (
    ticket_id BIGINT PRIMARY KEY
);

-- One row per ticket: what it contributes to the buckets.
CREATE TABLE kpi_ticket_facts (
    ticket_id    BIGINT PRIMARY KEY,
    created_day  INTEGER NOT NULL,
    solved_day   INTEGER NOT NULL DEFAULT -1,
    region       TEXT NOT NULL DEFAULT '',
    group_id     BIGINT NOT NULL DEFAULT 0,
    assignee_id  BIGINT NOT NULL DEFAULT 0,
    plan         TEXT NOT NULL DEFAULT '',
    tier         TEXT NOT NULL DEFAULT '',
    resolve_secs BIGINT NOT NULL DEFAULT 0,
    waiting_secs BIGINT NOT NULL DEFAULT 0,
    newopen_secs BIGINT NOT NULL DEFAULT 0,
    rating       INTEGER NOT NULL DEFAULT 0,
    sla_applied  INTEGER NOT NULL DEFAULT 0,
    sla_achieved INTEGER NOT NULL DEFAULT 0,
    frt_applied  INTEGER NOT NULL DEFAULT 0,
    frt_achieved INTEGER NOT NULL DEFAULT 0,
    nrt_applied  INTEGER NOT NULL DEFAULT 0,
    nrt_achieved INTEGER NOT NULL DEFAULT 0,
    rwt_applied  INTEGER NOT NULL DEFAULT 0,
    rwt_achieved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX kpi_ticket_facts_solved_idx ON kpi_ticket_facts (solved_day) WHERE solved_day >= 0;

-- Day buckets (days since the Unix epoch, UTC) by the filter dimensions.
-- Created counts go to the creation day; solves, resolution time,
-- ratings and SLA cycles to the solve day.
CREATE TABLE kpi_daily (
    day          INTEGER NOT NULL,
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
    PRIMARY KEY (day, region, group_id, assignee_id, plan, tier)
);

-- Duration histograms per day bucket (kind: ttr = resolution excluding
-- waiting, open = time in new+open, total = resolution), so medians and
-- percentiles come from the rollups too (bucket = HistBucket(seconds)).
CREATE TABLE kpi_daily_hist (
    day         INTEGER NOT NULL,
    region      TEXT NOT NULL,
    group_id    BIGINT NOT NULL,
    assignee_id BIGINT NOT NULL,
    plan        TEXT NOT NULL,
    tier        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, region, group_id, assignee_id, plan, tier, kind, bucket)
);

-- Tickets written before this migration are folded on the first read.
INSERT INTO kpi_dirty (ticket_id) SELECT id FROM tickets;

-- Saved capacity what-ifs.
CREATE TABLE capacity_scenarios (
    id         {{id}},
    name       TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

-- +sqlite
-- (No OR IGNORE: inside a trigger SQLite applies the outer statement's
-- conflict clause, so an upsert on the source table would abort.)
CREATE TRIGGER kpi_tickets_i AFTER INSERT ON tickets BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.id); END;
CREATE TRIGGER kpi_tickets_u AFTER UPDATE OF status, assignee_id, group_id, organization_id, solved_at ON tickets BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.id); END;
CREATE TRIGGER kpi_tickets_d AFTER DELETE ON tickets BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT OLD.id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = OLD.id); END;
CREATE TRIGGER kpi_ratings_i AFTER INSERT ON satisfaction_ratings BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.ticket_id); END;
CREATE TRIGGER kpi_ratings_u AFTER UPDATE ON satisfaction_ratings BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.ticket_id); END;
CREATE TRIGGER kpi_ratings_d AFTER DELETE ON satisfaction_ratings BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT OLD.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = OLD.ticket_id); END;
CREATE TRIGGER kpi_achievements_i AFTER INSERT ON sla_achievements BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.ticket_id); END;
CREATE TRIGGER kpi_achievements_u AFTER UPDATE ON sla_achievements BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.ticket_id); END;
CREATE TRIGGER kpi_sla_events_i AFTER INSERT ON sla_ticket_events BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.ticket_id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.ticket_id); END;
-- +end

-- +postgres
CREATE FUNCTION frontline_kpi_dirty_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_dirty (ticket_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO kpi_dirty (ticket_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE FUNCTION frontline_kpi_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO kpi_dirty (ticket_id) VALUES (OLD.ticket_id) ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO kpi_dirty (ticket_id) VALUES (NEW.ticket_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER kpi_tickets_iud AFTER INSERT OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty_ticket();
CREATE TRIGGER kpi_tickets_u AFTER UPDATE OF status, assignee_id, group_id, organization_id, solved_at ON tickets FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty_ticket();
CREATE TRIGGER kpi_ratings AFTER INSERT OR UPDATE OR DELETE ON satisfaction_ratings FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty();
CREATE TRIGGER kpi_achievements AFTER INSERT OR UPDATE ON sla_achievements FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty();
CREATE TRIGGER kpi_sla_events AFTER INSERT ON sla_ticket_events FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty();
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
