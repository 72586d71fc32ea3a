-- +goose Up
-- KPI numbers are partitioned by restricted brand (docs/adr/0019, amendment
-- of 2026-12-05): a ticket's fact and every rollup cell it feeds carry the
-- ticket's brand, and a read sums only the brands the viewer may see. The
-- coarse cells (kpi_cells_all) are keyed by brand too, so an overview reads
-- one coarse cell per brand with tickets instead of one: as many rows as
-- before while every ticket is in the default brand.
-- Existing facts and cells were counted without a brand: they become the
-- default brand's (1), and every ticket of another brand is marked dirty,
-- so the next fold moves it from the default brand's cells to its own (the
-- old fact, brand 1, is subtracted; the new one, its brand, added).
ALTER TABLE kpi_ticket_facts ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE kpi_cells ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE kpi_cells_all ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
-- A cell's key ends with its brand (kpi.CellKey.String).
UPDATE kpi_cells SET ckey = ckey || '|1';
UPDATE kpi_cells_all SET ckey = ckey || '|1';
INSERT INTO kpi_dirty (ticket_id) SELECT id FROM tickets WHERE brand_id <> 1 AND id NOT IN (SELECT ticket_id FROM kpi_dirty);

-- The drill-down's index tests the brand in the index like the other filters.
DROP INDEX kpi_ticket_facts_solved_idx;
CREATE INDEX kpi_ticket_facts_solved_idx ON kpi_ticket_facts (solved_day, ticket_id, assignee_id, group_id, region, plan, tier, brand_id) WHERE solved_day >= 0;

-- Moving a ticket to another brand refolds it.
-- +sqlite
DROP TRIGGER kpi_tickets_u;
CREATE TRIGGER kpi_tickets_u AFTER UPDATE OF status, assignee_id, group_id, organization_id, solved_at, brand_id ON tickets BEGIN INSERT INTO kpi_dirty (ticket_id) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE ticket_id = NEW.id); END;
-- +end

-- +postgres
DROP TRIGGER kpi_tickets_u ON tickets;
CREATE TRIGGER kpi_tickets_u AFTER UPDATE OF status, assignee_id, group_id, organization_id, solved_at, brand_id ON tickets FOR EACH ROW EXECUTE FUNCTION frontline_kpi_dirty_ticket();
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
