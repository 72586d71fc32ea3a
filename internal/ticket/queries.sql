-- name: TicketColumns
t.id, t.external_id, t.type, t.subject, t.raw_subject, t.description, t.priority, t.status, t.recipient,
t.requester_id, t.submitter_id, t.assignee_id, t.organization_id, t.group_id, t.tags, t.custom_fields,
t.via_channel, t.via_source, t.problem_id, t.merged_into_id, t.due_at, t.is_public, t.solved_at,
t.created_at, t.updated_at, t.public_description,
EXISTS (SELECT 1 FROM tickets i WHERE i.problem_id = t.id),
COALESCE((SELECT string_agg(CAST(c.user_id AS TEXT), ' ' ORDER BY c.user_id)
          FROM ticket_collaborators c WHERE c.ticket_id = t.id), ''),
t.brand_id

-- name: GetTicket
SELECT {{TicketColumns}} FROM tickets t WHERE t.id = $1;

-- name: TicketExists
SELECT id FROM tickets WHERE id = $1;

-- name: LockTicket
SELECT id FROM tickets WHERE id = $1;

-- name: LockTicket postgres
SELECT id FROM tickets WHERE id = $1 FOR UPDATE;

-- name: TicketByExternalID
SELECT {{TicketColumns}} FROM tickets t WHERE t.external_id = $1 ORDER BY t.id LIMIT 1;

-- name: InsertTicket
INSERT INTO tickets (external_id, type, subject, raw_subject, description, priority, status, recipient,
                     requester_id, submitter_id, assignee_id, organization_id, group_id, tags, custom_fields,
                     via_channel, via_source, problem_id, due_at, is_public, solved_at, created_at, updated_at,
                     sla_next_breach_at, public_description)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23, $24)
RETURNING id;

-- name: UpdateTicket
UPDATE tickets SET external_id = $2, type = $3, subject = $4, raw_subject = $5, priority = $6, status = $7,
       requester_id = $8, assignee_id = $9, organization_id = $10, group_id = $11, tags = $12,
       custom_fields = $13, problem_id = $14, merged_into_id = $15, due_at = $16, solved_at = $17,
       updated_at = $18, is_public = $19
WHERE id = $1;

-- name: SetPublicDescription
-- The first public comment of a ticket created with an internal note.
UPDATE tickets SET public_description = $2 WHERE id = $1;

-- name: DeleteTicket
DELETE FROM tickets WHERE id = $1;

-- name: DeleteTicketAttachments
DELETE FROM attachments WHERE ticket_id = $1;

-- name: DeleteTicketComments
DELETE FROM ticket_comments WHERE ticket_id = $1;

-- name: DeleteTicketAudits
DELETE FROM ticket_audits WHERE ticket_id = $1;

-- name: DeleteTicketCollaborators
DELETE FROM ticket_collaborators WHERE ticket_id = $1;

-- name: InsertCollaborator
INSERT INTO ticket_collaborators (ticket_id, user_id) VALUES ($1, $2)
ON CONFLICT (ticket_id, user_id) DO NOTHING;

-- name: DeleteCollaborator
DELETE FROM ticket_collaborators WHERE ticket_id = $1 AND user_id = $2;

-- name: UserRoleOrg
SELECT role, organization_id, brand_id FROM users WHERE id = $1;

-- name: UsersRoleOrg
-- Followed by the parenthesised id list.
SELECT id, role, organization_id, brand_id FROM users WHERE id IN

-- name: OrganizationExists
SELECT count(*) FROM organizations WHERE id = $1;

-- name: GroupDeleted
SELECT deleted FROM groups WHERE id = $1;

-- name: TicketType
SELECT type, status FROM tickets WHERE id = $1;

-- name: TicketFilter
-- The restricted partition condition (brand.VisibleSQL over $16) is
-- appended by Filter.query.
FROM tickets t
WHERE ($1 = 0 OR t.requester_id = $1)
  AND ($2 = 0 OR t.assignee_id = $2)
  AND ($3 = 0 OR t.organization_id = $3)
  AND ($4 = 0 OR t.group_id = $4)
  AND ($5 = 0 OR EXISTS (SELECT 1 FROM ticket_collaborators fc WHERE fc.ticket_id = t.id AND fc.user_id = $5))
  AND ($6 = '' OR $6 LIKE ('% ' || t.status || ' %'))
  AND ($7 = 0
       OR t.requester_id = $8
       OR EXISTS (SELECT 1 FROM ticket_collaborators vc WHERE vc.ticket_id = t.id AND vc.user_id = $8)
       OR ($9 <> '' AND $9 LIKE ('% ' || CAST(t.organization_id AS TEXT) || ' %')))
  AND ($10 = 0 OR t.id > $10)
  AND ($11 = 0 OR t.id < $11)
  AND ($12 = '' OR t.external_id = $12)
  AND ($13 = 0 OR t.problem_id = $13)

-- name: ListTickets
SELECT {{TicketColumns}} {{TicketFilter}}

-- name: CountTickets
SELECT count(*) {{TicketFilter}}

-- name: SetTicketBrand
UPDATE tickets SET brand_id = $2 WHERE id = $1;

-- name: UserBrandOf
SELECT brand_id FROM users WHERE id = $1;

-- name: BrandUsable
SELECT count(*) FROM brands WHERE id = $1 AND active;

-- name: RequesterOutsideBrand
-- A customer of another brand as the requester of a restricted brand's
-- ticket (the Restricted brand rule): they could not see their own request.
SELECT count(*) FROM brands b JOIN users u ON u.id = $2
WHERE b.id = $1 AND b.restricted AND u.role = 'end-user' AND u.brand_id <> b.id;

-- name: ChangedSince
SELECT {{TicketColumns}} FROM tickets t
WHERE t.updated_at > $1 OR (t.updated_at = $1 AND t.id > $2)
ORDER BY t.updated_at, t.id
LIMIT $3;

-- name: CommentColumns
c.id, c.ticket_id, c.author_id, c.body, c.html_body, c.plain_body, c.public, c.via_channel, c.via_source, c.created_at

-- name: InsertComment
INSERT INTO ticket_comments (ticket_id, author_id, body, html_body, plain_body, public, via_channel, via_source, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: GetComment
SELECT {{CommentColumns}} FROM ticket_comments c WHERE c.id = $1;

-- name: ListComments
SELECT {{CommentColumns}} FROM ticket_comments c
WHERE c.ticket_id = $1 AND ($2 = 0 OR c.id > $2) AND (NOT $5 OR c.public)
ORDER BY c.id LIMIT $3 OFFSET $4;

-- name: ListCommentsDesc
SELECT {{CommentColumns}} FROM ticket_comments c
WHERE c.ticket_id = $1 AND ($2 = 0 OR c.id < $2) AND (NOT $5 OR c.public)
ORDER BY c.id DESC LIMIT $3 OFFSET $4;

-- name: CountComments
SELECT count(*) FROM ticket_comments c WHERE c.ticket_id = $1 AND (NOT $2 OR c.public);

-- name: CommentIsPublic
SELECT c.public FROM ticket_comments c WHERE c.id = $1;

-- name: AuditColumns
a.id, a.ticket_id, a.author_id, a.via_channel, a.via_source, a.events, a.created_at

-- name: InsertAudit
INSERT INTO ticket_audits (ticket_id, author_id, via_channel, via_source, events, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: ListAudits
SELECT {{AuditColumns}} FROM ticket_audits a
WHERE a.ticket_id = $1 AND ($2 = 0 OR a.id > $2)
ORDER BY a.id LIMIT $3 OFFSET $4;

-- name: ListAuditsDesc
SELECT {{AuditColumns}} FROM ticket_audits a
WHERE a.ticket_id = $1 AND ($2 = 0 OR a.id < $2)
ORDER BY a.id DESC LIMIT $3 OFFSET $4;

-- name: CountAudits
SELECT count(*) FROM ticket_audits WHERE ticket_id = $1;

-- name: AttachmentColumns
x.id, x.token, x.ticket_id, x.comment_id, x.file_name, x.content_type, x.size, x.sha256, x.author_id, x.created_at

-- name: InsertAttachment
INSERT INTO attachments (token, file_name, content_type, size, sha256, author_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: GetAttachment
SELECT {{AttachmentColumns}} FROM attachments x WHERE x.id = $1;

-- name: PendingUpload
SELECT {{AttachmentColumns}} FROM attachments x WHERE x.token = $1 AND x.comment_id IS NULL;

-- name: AttachUpload
UPDATE attachments SET ticket_id = $2, comment_id = $3 WHERE id = $1 AND comment_id IS NULL;

-- name: TicketAttachments
SELECT {{AttachmentColumns}} FROM attachments x WHERE x.ticket_id = $1 ORDER BY x.id;

-- name: InsertDeletedTicket
INSERT INTO deleted_tickets (id, subject, description, previous_state, actor_id, deleted_at, snapshot, brand_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: CountDeletedTickets
-- Followed by the brand condition (brand.VisibleSQL on $1).
SELECT count(*) FROM deleted_tickets WHERE

-- name: ListDeletedTickets
SELECT id, subject, description, previous_state, actor_id, deleted_at, brand_id FROM deleted_tickets

-- name: GetDeletedTicket
SELECT id, subject, description, previous_state, actor_id, deleted_at, brand_id FROM deleted_tickets WHERE id = $1;

-- name: DeletedTicketSnapshot
SELECT snapshot FROM deleted_tickets WHERE id = $1;

-- name: DeleteDeletedTicket
DELETE FROM deleted_tickets WHERE id = $1;

-- name: PurgeDeletedTickets
DELETE FROM deleted_tickets WHERE deleted_at < $1;

-- name: SetImportTimes
-- An imported ticket's updated_at and solved_at as its source has them.
UPDATE tickets SET updated_at = $2, solved_at = $3 WHERE id = $1;

-- name: AuditsSince
-- The incremental ticket event export: audits of every ticket from a time
-- (and after an id at that time), oldest first.
SELECT {{AuditColumns}} FROM ticket_audits a
WHERE a.created_at > $1 OR (a.created_at = $1 AND a.id > $2)
ORDER BY a.created_at, a.id LIMIT $3;

-- name: InsertTicketsPrefix
-- CreateMany's multi-row insert; the VALUES rows follow (26 columns).
INSERT INTO tickets (external_id, type, subject, raw_subject, description, priority, status, recipient,
                     requester_id, submitter_id, assignee_id, organization_id, group_id, tags, custom_fields,
                     via_channel, via_source, problem_id, due_at, is_public, solved_at, created_at, updated_at,
                     sla_next_breach_at, public_description, brand_id) VALUES

-- name: InsertCommentsPrefix
INSERT INTO ticket_comments (ticket_id, author_id, body, html_body, plain_body, public, via_channel, via_source, created_at) VALUES

-- name: InsertAuditsPrefix
INSERT INTO ticket_audits (ticket_id, author_id, via_channel, via_source, events, created_at) VALUES

-- name: InsertCollaboratorsPrefix
INSERT INTO ticket_collaborators (ticket_id, user_id) VALUES

-- name: OrganizationTier
SELECT tier FROM organizations WHERE id = $1;
