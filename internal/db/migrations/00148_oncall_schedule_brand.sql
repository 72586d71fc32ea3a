-- +goose Up
-- An on-call schedule may belong to a restricted brand (ADR 0019): the US
-- Government schedule of the US Government brand. Its pages, API answers
-- and calendar feeds are then seen only by those cleared for the brand
-- (internal/oncall/partition.go). NULL: every brand's.
ALTER TABLE oncall_schedules ADD COLUMN brand_id BIGINT REFERENCES brands (id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
