-- +goose Up
-- A deleted ticket keeps its brand outside the snapshot, so that the deleted
-- tickets' list, restore and permanent deletion stay inside the brand's
-- partition (ADR 0019): an admin not cleared for a restricted brand neither
-- sees nor restores nor destroys its deleted tickets. Rows deleted before
-- this migration take the brand their snapshot's ticket row recorded.
ALTER TABLE deleted_tickets ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;

-- +sqlite
UPDATE deleted_tickets SET brand_id = COALESCE(CAST(json_extract(snapshot, '$.tickets[0].brand_id') AS INTEGER), 1);
-- +end

-- +postgres
UPDATE deleted_tickets SET brand_id = COALESCE((snapshot::json -> 'tickets' -> 0 ->> 'brand_id')::BIGINT, 1);
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
