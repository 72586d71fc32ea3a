-- +goose Up
-- Brands as in Zendesk (internal/brand, docs/adr/0019-restricted-partitions.md):
-- each brand has its own portal address (subdomain, host mapping or path),
-- signature and theme name; tickets, organizations and users belong to one.
-- A restricted brand (restricted = TRUE) is a partition: its data is
-- visible only to its own customers and to staff holding its required
-- specialty (and verified US citizenship when requires_citizenship), admins
-- included. The default brand is id 1, which every existing row joins.
CREATE TABLE brands (
    id                   {{id}},
    name                 TEXT NOT NULL,
    subdomain            TEXT NOT NULL,
    host_mapping         TEXT NOT NULL DEFAULT '',
    path                 TEXT NOT NULL DEFAULT '',
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    is_default           BOOLEAN NOT NULL DEFAULT FALSE,
    restricted           BOOLEAN NOT NULL DEFAULT FALSE,
    required_specialty   TEXT NOT NULL DEFAULT '',
    requires_citizenship BOOLEAN NOT NULL DEFAULT FALSE,
    signature_template   TEXT NOT NULL DEFAULT '',
    theme_name           TEXT NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX brands_subdomain_key ON brands (lower(subdomain));
CREATE UNIQUE INDEX brands_name_key ON brands (lower(name));
INSERT INTO brands (name, subdomain, active, is_default, theme_name, created_at, updated_at)
VALUES ('Frontline', 'support', TRUE, TRUE, 'Copenhagen', 0, 0);

ALTER TABLE tickets ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN brand_id BIGINT NOT NULL DEFAULT 1;
CREATE INDEX tickets_brand_idx ON tickets (brand_id, id);
CREATE INDEX organizations_brand_idx ON organizations (brand_id);
CREATE INDEX users_brand_idx ON users (brand_id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
