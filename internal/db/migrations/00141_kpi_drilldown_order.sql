-- +goose Up
-- The KPI drill-down lists the tickets behind a number latest-solved first,
-- 100 at a time: with the ticket id and the filter columns in the index, a
-- filtered drill-down reads the period's index entries in order, tests the
-- filter in the index and stops at the hundredth match, instead of fetching
-- and sorting every ticket of the period (PostgreSQL at 1M tickets: 11.5 ms
-- for a group + region filter before). The query repeats the index's
-- predicate (solved_day >= 0) literally: SQLite uses a partial index only
-- when the query's terms imply its WHERE, which a bound parameter cannot.
DROP INDEX kpi_ticket_facts_solved_idx;
CREATE INDEX kpi_ticket_facts_solved_idx ON kpi_ticket_facts (solved_day, ticket_id, assignee_id, group_id, region, plan, tier) WHERE solved_day >= 0;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
