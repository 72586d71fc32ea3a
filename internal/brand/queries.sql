-- name: BrandColumns
b.id, b.name, b.subdomain, b.host_mapping, b.path, b.active, b.is_default, b.restricted, b.required_specialty,
b.requires_citizenship, b.signature_template, b.theme_name, b.created_at, b.updated_at

-- name: ListBrands
SELECT {{BrandColumns}} FROM brands b ORDER BY b.id;

-- name: GetBrand
SELECT {{BrandColumns}} FROM brands b WHERE b.id = $1;

-- name: RestrictedBrands
SELECT {{BrandColumns}} FROM brands b WHERE b.restricted ORDER BY b.id;

-- name: InsertBrand
INSERT INTO brands (name, subdomain, host_mapping, path, active, is_default, restricted, required_specialty,
                    requires_citizenship, signature_template, theme_name, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
RETURNING id;

-- name: UpdateBrand
UPDATE brands SET name = $2, subdomain = $3, host_mapping = $4, path = $5, active = $6, is_default = $7,
       restricted = $8, required_specialty = $9, requires_citizenship = $10, signature_template = $11,
       theme_name = $12, updated_at = $13
WHERE id = $1;

-- name: ClearDefault
UPDATE brands SET is_default = FALSE WHERE id <> $1 AND is_default;

-- name: DeleteBrand
DELETE FROM brands WHERE id = $1;

-- name: BrandInUse
SELECT (SELECT count(*) FROM tickets WHERE brand_id = $1) + (SELECT count(*) FROM users WHERE brand_id = $1)
     + (SELECT count(*) FROM organizations WHERE brand_id = $1);

-- name: ViewerFacts
SELECT role, active, verified_citizenship, brand_id FROM users WHERE id = $1;

-- name: ViewerSpecialties
SELECT specialty FROM team_member_specialties WHERE user_id = $1 ORDER BY specialty;

-- name: SetUserBrand
UPDATE users SET brand_id = $2 WHERE id = $1;

-- name: SetOrganizationBrand
UPDATE organizations SET brand_id = $2 WHERE id = $1;

-- name: UserBrand
SELECT brand_id FROM users WHERE id = $1;

-- name: OrganizationBrand
SELECT brand_id FROM organizations WHERE id = $1;

-- name: DeletedTicketBrand
SELECT brand_id FROM deleted_tickets WHERE id = $1;

-- name: TicketBrand
SELECT brand_id FROM tickets WHERE id = $1;

-- name: KBCategoryBrand
SELECT brand_id FROM kb_categories WHERE id = $1;

-- name: KBSectionBrand
SELECT c.brand_id FROM kb_sections s JOIN kb_categories c ON c.id = s.category_id WHERE s.id = $1;

-- name: KBArticleBrand
SELECT c.brand_id FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id WHERE a.id = $1;

-- name: TicketRestricted
SELECT b.restricted FROM tickets t JOIN brands b ON b.id = t.brand_id WHERE t.id = $1;
