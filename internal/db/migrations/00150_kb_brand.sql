-- +goose Up
-- Help Center content per brand (issue 21, ADR 0019): a category belongs to
-- a brand, and its sections and articles with it. Each brand's Help Center
-- (its host mapping, subdomain or path) reads its own brand's content; a
-- restricted brand's content exists only for those cleared for the brand.
-- The search index's scope carries the brand in its reader tokens
-- (migration 00152 writes the rows again).
ALTER TABLE kb_categories ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1 REFERENCES brands (id);
CREATE INDEX kb_categories_brand_idx ON kb_categories (brand_id, position);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
