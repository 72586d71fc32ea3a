-- name: UserColumns
u.id, u.name, COALESCE(u.email, ''), u.role, u.active, u.suspended, u.organization_id, u.external_id,
u.phone, u.time_zone, u.locale, u.details, u.notes, u.tags, u.job_title, u.job_family, u.grade, u.region,
u.manager_id, u.verified_citizenship, u.password_hash IS NOT NULL, u.last_login_at, u.created_at, u.updated_at,
COALESCE((SELECT string_agg(t.training, ' ' ORDER BY t.training) FROM user_trainings t WHERE t.user_id = u.id), ''),
u.custom_role_id

-- name: GetUser
SELECT {{UserColumns}} FROM users u WHERE u.id = $1;

-- name: UserByEmail
-- A user's secondary emails (user_identities, internal/zendesk) match too;
-- the primary email wins.
SELECT {{UserColumns}} FROM users u
WHERE lower(u.email) = lower($1)
   OR u.id = (SELECT i.user_id FROM user_identities i WHERE i.type = 'email' AND lower(i.value) = lower($1))
ORDER BY CASE WHEN lower(u.email) = lower($1) THEN 0 ELSE 1 END
LIMIT 1;

-- name: UserByExternalID
SELECT {{UserColumns}} FROM users u WHERE u.external_id = $1;

-- name: UserFilter
FROM users u
WHERE ($1 = '' OR $1 LIKE ('% ' || u.role || ' %'))
  AND ($2 = 0 OR u.organization_id = $2
       OR EXISTS (SELECT 1 FROM organization_memberships om WHERE om.user_id = u.id AND om.organization_id = $2))
  AND ($3 = 0 OR EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.user_id = u.id AND gm.group_id = $3))
  AND ($4 = '' OR lower(u.name) LIKE $4 OR lower(COALESCE(u.email, '')) LIKE $4)
  AND u.id > $5
  AND ($6 = '' OR u.external_id = $6)

-- name: ListUsers
SELECT {{UserColumns}} {{UserFilter}}
ORDER BY u.id LIMIT $7 OFFSET $8;

-- name: CountUsers
SELECT count(*) {{UserFilter}};

-- name: InsertUser
INSERT INTO users (name, email, role, active, suspended, organization_id, external_id, phone, time_zone, locale,
                   details, notes, tags, job_title, job_family, grade, region, manager_id, verified_citizenship,
                   created_at, updated_at, custom_role_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21)
RETURNING id;

-- name: UpdateUser
UPDATE users SET name = $2, email = $3, role = $4, active = $5, suspended = $6, organization_id = $7,
       external_id = $8, phone = $9, time_zone = $10, locale = $11, details = $12, notes = $13, tags = $14,
       job_title = $15, job_family = $16, grade = $17, region = $18, manager_id = $19,
       verified_citizenship = $20, updated_at = $21, custom_role_id = $22
WHERE id = $1;

-- name: UserRole
SELECT role FROM users WHERE id = $1;

-- name: CustomRoleExists
SELECT count(*) FROM custom_roles WHERE id = $1;

-- name: InsertTraining
INSERT INTO user_trainings (user_id, training, completed_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id, training) DO NOTHING;

-- name: DeleteTraining
DELETE FROM user_trainings WHERE user_id = $1 AND training = $2;

-- name: OrgColumns
o.id, o.name, o.external_id, o.details, o.notes, o.support_plan, o.tier, o.ase_user_id, o.group_id,
o.shared_tickets, o.shared_comments, o.tags, o.created_at, o.updated_at,
COALESCE((SELECT string_agg(d.domain, ' ' ORDER BY d.domain) FROM organization_domains d WHERE d.organization_id = o.id), ''), o.region

-- name: GetOrganization
SELECT {{OrgColumns}} FROM organizations o WHERE o.id = $1;

-- name: OrganizationByExternalID
SELECT {{OrgColumns}} FROM organizations o WHERE o.external_id = $1;

-- name: OrganizationByName
SELECT {{OrgColumns}} FROM organizations o WHERE lower(o.name) = lower($1);

-- name: OrganizationByDomain
SELECT {{OrgColumns}} FROM organizations o
JOIN organization_domains d ON d.organization_id = o.id
WHERE d.domain = lower($1);

-- name: OrgFilter
FROM organizations o
WHERE ($1 = '' OR lower(o.name) LIKE $1)
  AND o.id > $2

-- name: ListOrganizations
SELECT {{OrgColumns}} {{OrgFilter}}
ORDER BY o.id LIMIT $3 OFFSET $4;

-- name: CountOrganizations
SELECT count(*) {{OrgFilter}};

-- name: InsertOrganization
INSERT INTO organizations (name, external_id, details, notes, support_plan, tier, ase_user_id, group_id,
                           shared_tickets, shared_comments, tags, created_at, updated_at, region)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
RETURNING id;

-- name: UpdateOrganization
UPDATE organizations SET name = $2, external_id = $3, details = $4, notes = $5, support_plan = $6, tier = $7,
       ase_user_id = $8, group_id = $9, shared_tickets = $10, shared_comments = $11, tags = $12, updated_at = $13, region = $14
WHERE id = $1;

-- name: DeleteOrganization
DELETE FROM organizations WHERE id = $1;

-- name: DomainOwner
SELECT organization_id FROM organization_domains WHERE domain = $1;

-- name: DeleteDomains
DELETE FROM organization_domains WHERE organization_id = $1;

-- name: InsertDomain
INSERT INTO organization_domains (organization_id, domain) VALUES ($1, $2);

-- name: GroupColumns
g.id, g.name, g.description, g.is_public, g.deleted, g.created_at, g.updated_at

-- name: GetGroup
SELECT {{GroupColumns}} FROM groups g WHERE g.id = $1;

-- name: GroupFilter
FROM groups g
WHERE ($1 OR NOT g.deleted) AND g.id > $2

-- name: ListGroups
SELECT {{GroupColumns}} {{GroupFilter}}
ORDER BY g.id LIMIT $3 OFFSET $4;

-- name: CountGroups
SELECT count(*) {{GroupFilter}};

-- name: InsertGroup
INSERT INTO groups (name, description, is_public, created_at, updated_at)
VALUES ($1, $2, $3, $4, $4)
RETURNING id;

-- name: UpdateGroup
UPDATE groups SET name = $2, description = $3, is_public = $4, deleted = $5, updated_at = $6 WHERE id = $1;

-- name: DeleteGroupMemberships
DELETE FROM group_memberships WHERE group_id = $1;

-- name: GetOrgMembership
SELECT id, user_id, organization_id, is_default, created_at, updated_at
FROM organization_memberships WHERE id = $1;

-- name: OrgMembershipByPair
SELECT id, user_id, organization_id, is_default, created_at, updated_at
FROM organization_memberships WHERE user_id = $1 AND organization_id = $2;

-- name: OrgMembershipFilter
FROM organization_memberships
WHERE ($1 = 0 OR user_id = $1) AND ($2 = 0 OR organization_id = $2) AND id > $3

-- name: ListOrgMemberships
SELECT id, user_id, organization_id, is_default, created_at, updated_at {{OrgMembershipFilter}}
ORDER BY id LIMIT $4 OFFSET $5;

-- name: CountOrgMemberships
SELECT count(*) {{OrgMembershipFilter}};

-- name: InsertOrgMembership
INSERT INTO organization_memberships (user_id, organization_id, is_default, created_at, updated_at)
VALUES ($1, $2, $3, $4, $4)
RETURNING id;

-- name: ClearOrgDefaults
UPDATE organization_memberships SET is_default = FALSE, updated_at = $2 WHERE user_id = $1 AND is_default;

-- name: SetOrgDefault
UPDATE organization_memberships SET is_default = TRUE, updated_at = $2 WHERE id = $1;

-- name: DeleteOrgMembership
DELETE FROM organization_memberships WHERE id = $1;

-- name: ClearUserOrganization
UPDATE users SET organization_id = NULL, updated_at = $3 WHERE id = $1 AND organization_id = $2;

-- name: GetGroupMembership
SELECT id, user_id, group_id, is_default, created_at, updated_at
FROM group_memberships WHERE id = $1;

-- name: GroupMembershipByPair
SELECT id, user_id, group_id, is_default, created_at, updated_at
FROM group_memberships WHERE user_id = $1 AND group_id = $2;

-- name: GroupMembershipFilter
FROM group_memberships
WHERE ($1 = 0 OR user_id = $1) AND ($2 = 0 OR group_id = $2) AND id > $3

-- name: GroupMembershipsOfUser
SELECT id, user_id, group_id, is_default, created_at, updated_at FROM group_memberships
WHERE user_id = $1 ORDER BY id;

-- name: GroupMembershipsOfGroup
SELECT id, user_id, group_id, is_default, created_at, updated_at FROM group_memberships
WHERE group_id = $1 ORDER BY id;

-- name: OrgMembershipsOfUser
SELECT id, user_id, organization_id, is_default, created_at, updated_at FROM organization_memberships
WHERE user_id = $1 ORDER BY id;

-- name: ListGroupMemberships
SELECT id, user_id, group_id, is_default, created_at, updated_at {{GroupMembershipFilter}}
ORDER BY id LIMIT $4 OFFSET $5;

-- name: CountGroupMemberships
SELECT count(*) {{GroupMembershipFilter}};

-- name: InsertGroupMembership
INSERT INTO group_memberships (user_id, group_id, is_default, created_at, updated_at)
VALUES ($1, $2, $3, $4, $4)
RETURNING id;

-- name: ClearGroupDefaults
UPDATE group_memberships SET is_default = FALSE, updated_at = $2 WHERE user_id = $1 AND is_default;

-- name: DeleteGroupMembership
DELETE FROM group_memberships WHERE id = $1;

-- name: GetSetting
SELECT value FROM settings WHERE key = $1;

-- name: UpsertSetting
INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;

-- name: AllSettings
SELECT key, value FROM settings ORDER BY key;
