-- +goose Up
-- An organization's region (issue 23): the business-hours schedule its
-- tickets' SLA clocks run on, by the schedule's name (EMEA, AMER, APAC...),
-- instead of a region_<name> tag nobody could discover. '' for none.
ALTER TABLE organizations ADD COLUMN region TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
