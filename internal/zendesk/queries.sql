-- name: FieldColumns
f.id, f.kind, f.type, f.key, f.title, f.description, f.position, f.active, f.required, f.regexp, f.tag, f.options, f.created_at, f.updated_at

-- name: ListFields
SELECT {{FieldColumns}} FROM custom_fields f WHERE f.kind = $1 ORDER BY f.position, f.id;

-- name: GetField
SELECT {{FieldColumns}} FROM custom_fields f WHERE f.id = $1 AND f.kind = $2;

-- name: InsertField
INSERT INTO custom_fields (kind, type, key, title, description, position, active, required, regexp, tag, options, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id;

-- name: UpdateField
UPDATE custom_fields SET type = $2, key = $3, title = $4, description = $5, position = $6, active = $7, required = $8,
    regexp = $9, tag = $10, options = $11, updated_at = $12 WHERE id = $1;

-- name: DeleteField
DELETE FROM custom_fields WHERE id = $1 AND kind = $2;

-- name: FormColumns
f.id, f.name, f.display_name, f.position, f.active, f.is_default, f.end_user_visible, f.field_ids, f.created_at, f.updated_at

-- name: ListForms
SELECT {{FormColumns}} FROM ticket_forms f ORDER BY f.position, f.id;

-- name: GetForm
SELECT {{FormColumns}} FROM ticket_forms f WHERE f.id = $1;

-- name: InsertForm
INSERT INTO ticket_forms (name, display_name, position, active, is_default, end_user_visible, field_ids, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id;

-- name: UpdateForm
UPDATE ticket_forms SET name = $2, display_name = $3, position = $4, active = $5, is_default = $6, end_user_visible = $7,
    field_ids = $8, updated_at = $9 WHERE id = $1;

-- name: ClearDefaultForm
UPDATE ticket_forms SET is_default = FALSE WHERE id <> $1 AND is_default;

-- name: DeleteForm
DELETE FROM ticket_forms WHERE id = $1;

-- name: GetValues
SELECT value_json FROM custom_field_values WHERE kind = $1 AND owner_id = $2;

-- name: PutValues
INSERT INTO custom_field_values (kind, owner_id, value_json, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (kind, owner_id) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at;

-- name: IdentityColumns
i.id, i.user_id, i.type, i.value, i.verified, i.created_at, i.updated_at, lower(u.email) = lower(i.value)

-- name: ListIdentities
SELECT {{IdentityColumns}} FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.user_id = $1 ORDER BY i.id;

-- name: GetIdentity
SELECT {{IdentityColumns}} FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.id = $1 AND i.user_id = $2;

-- name: IdentityByValue
SELECT {{IdentityColumns}} FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.type = $1 AND lower(i.value) = lower($2);

-- name: InsertIdentity
INSERT INTO user_identities (user_id, type, value, verified, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: EnsurePrimaryIdentity
INSERT INTO user_identities (user_id, type, value, verified, created_at, updated_at)
SELECT u.id, 'email', u.email, COALESCE(u.password_hash, '') <> '', $2, $2 FROM users u
WHERE u.id = $1 AND u.email <> '' AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.type = 'email' AND lower(i.value) = lower(u.email));

-- name: VerifyIdentity
UPDATE user_identities SET verified = TRUE, updated_at = $3 WHERE id = $1 AND user_id = $2;

-- name: DeleteIdentity
DELETE FROM user_identities WHERE id = $1 AND user_id = $2;

-- name: InsertJob
INSERT INTO job_statuses (id, job_type, status, total, progress, message, actor_id, actor_role, payload, results, created_at, updated_at)
VALUES ($1, $2, 'queued', $3, 0, '', $4, $5, $6, '[]', $7, $7);

-- name: JobColumns
id, job_type, status, total, progress, message, actor_id, actor_role, payload, results, created_at, updated_at

-- name: GetJob
SELECT {{JobColumns}} FROM job_statuses WHERE id = $1;

-- name: ListJobs
SELECT {{JobColumns}} FROM job_statuses ORDER BY created_at DESC, id LIMIT 100;

-- name: UpdateJob
UPDATE job_statuses SET status = $2, progress = $3, message = $4, results = $5, updated_at = $6 WHERE id = $1;

-- name: UsersChangedSince
SELECT id, updated_at FROM users WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) ORDER BY updated_at, id LIMIT $3;

-- name: OrganizationsChangedSince
SELECT id, updated_at FROM organizations WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) ORDER BY updated_at, id LIMIT $3;

-- name: TicketTagLists
SELECT tags FROM tickets WHERE tags <> '' AND ($1 = '' OR tags LIKE $1);
