-- +goose Up
-- The KPI drill-down lists the tickets behind a number newest-solved first,
-- 100 at a time: with the ticket id in the index, a filtered drill-down
-- reads the period's index entries in order and stops at the hundredth
-- match instead of fetching and sorting every ticket of the period
-- (PostgreSQL at 1M tickets: 11.5 ms for a group + region filter before).
DROP INDEX kpi_ticket_facts_solved_idx;
CREATE INDEX kpi_ticket_facts_solved_idx ON kpi_ticket_facts (solved_day, ticket_id) WHERE solved_day >= 0;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
