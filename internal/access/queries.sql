-- name: MarkSeeded
INSERT INTO settings (key, value, updated_at) VALUES ('access.seeded', 'true', $1) ON CONFLICT (key) DO NOTHING;

-- name: RoleColumns
r.id, r.name, r.description, r.role_type, r.configuration, r.created_at, r.updated_at,
(SELECT count(*) FROM users u WHERE u.custom_role_id = r.id)

-- name: ListRoles
SELECT {{RoleColumns}} FROM custom_roles r ORDER BY r.id;

-- name: GetRole
SELECT {{RoleColumns}} FROM custom_roles r WHERE r.id = $1;

-- name: InsertRole
INSERT INTO custom_roles (name, description, role_type, configuration, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: UpdateRole
UPDATE custom_roles SET name = $2, description = $3, role_type = $4, configuration = $5, updated_at = $6 WHERE id = $1;

-- name: DeleteRole
DELETE FROM custom_roles WHERE id = $1;

-- name: UserRole
SELECT u.role, u.custom_role_id, COALESCE(r.configuration, '') FROM users u
LEFT JOIN custom_roles r ON r.id = u.custom_role_id WHERE u.id = $1;
