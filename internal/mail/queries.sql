-- Inbound messages and the outbound outbox of the email channel.

-- name: MessageColumns
m.id, m.message_id, m.ticket_id, m.comment_id, m.mailbox, m.envelope_from, m.from_email, m.from_name,
m.subject, m.in_reply_to, m.refs, m.verdict, m.reason, m.thread, m.size, m.sha256, m.received_at,
m.auth, m.auth_details, m.notes

-- name: InsertMessage
INSERT INTO mail_messages (message_id, ticket_id, comment_id, mailbox, envelope_from, from_email, from_name,
                           subject, in_reply_to, refs, verdict, reason, thread, size, sha256, raw, received_at,
                           auth, auth_details, notes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
RETURNING id;

-- name: MessageExists
SELECT id FROM mail_messages WHERE message_id = $1;

-- name: TicketOfMessage
SELECT ticket_id FROM mail_messages WHERE message_id = $1 AND ticket_id IS NOT NULL;

-- name: TicketOfOutbound
SELECT ticket_id FROM mail_outbox WHERE message_id = $1 AND ticket_id IS NOT NULL;

-- name: GetMessage
SELECT {{MessageColumns}} FROM mail_messages m WHERE m.id = $1;

-- name: RawMessage
SELECT raw FROM mail_messages WHERE id = $1;

-- name: LatestMessages
SELECT {{MessageColumns}} FROM mail_messages m ORDER BY m.id DESC LIMIT $1;

-- name: TicketMessages
SELECT {{MessageColumns}} FROM mail_messages m WHERE m.ticket_id = $1 ORDER BY m.id;

-- name: LastInbound
SELECT message_id, refs, received_at, COALESCE(comment_id, 0) FROM mail_messages
WHERE ticket_id = $1 ORDER BY received_at DESC, id DESC LIMIT 1;

-- name: LastOutbound
SELECT message_id, message, created_at, COALESCE(comment_id, 0) FROM mail_outbox
WHERE ticket_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: BrandBySubdomain
SELECT id FROM brands WHERE lower(subdomain) = lower($1) AND active ORDER BY id LIMIT 1;

-- name: GroupByName
SELECT id FROM groups WHERE lower(name) = lower($1) AND deleted = FALSE ORDER BY id LIMIT 1;

-- name: UserContact
SELECT name, COALESCE(email, ''), role, active FROM users WHERE id = $1;

-- name: OutboxColumns
o.id, o.ticket_id, o.comment_id, o.message_id, o.message, o.status, o.attempts, o.last_error,
o.next_attempt_at, o.sent_at, o.created_at, o.updated_at

-- name: InsertOutbox
INSERT INTO mail_outbox (ticket_id, comment_id, message_id, message, next_attempt_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5, $5)
RETURNING id;

-- name: DueOutbox
SELECT o.id, o.attempts, o.message FROM mail_outbox o
WHERE o.status = 'pending' AND o.next_attempt_at <= $1
ORDER BY o.next_attempt_at, o.id LIMIT $2;

-- name: DueOutbox postgres
SELECT o.id, o.attempts, o.message FROM mail_outbox o
WHERE o.status = 'pending' AND o.next_attempt_at <= $1
ORDER BY o.next_attempt_at, o.id LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: LeaseOutbox
UPDATE mail_outbox SET next_attempt_at = $2, updated_at = $3 WHERE id = $1;

-- name: OutboxSent
UPDATE mail_outbox SET status = 'sent', sent_at = $2, updated_at = $2, last_error = ''
WHERE id = $1;

-- name: OutboxFailed
UPDATE mail_outbox SET status = $2, attempts = attempts + 1, last_error = $3, next_attempt_at = $4, updated_at = $5
WHERE id = $1;

-- name: TicketOutbox
SELECT {{OutboxColumns}} FROM mail_outbox o WHERE o.ticket_id = $1 ORDER BY o.id;

-- name: GetOutbox
SELECT {{OutboxColumns}} FROM mail_outbox o WHERE o.id = $1;

-- name: OutboxBounced
UPDATE mail_outbox SET status = 'failed', last_error = $2, updated_at = $3
WHERE message_id = $1 AND status = 'sent'
RETURNING ticket_id;

-- name: OutboxCounts
SELECT status, count(*) FROM mail_outbox GROUP BY status;

-- name: InboundCount
SELECT count(*), COALESCE(SUM(CASE WHEN auth IN ('none', 'fail') THEN 1 ELSE 0 END), 0) FROM mail_messages;

-- name: InsertRejected
INSERT INTO mail_rejected (channel, remote, envelope_from, recipients, message_id, from_header, subject, code, reason,
                           size, sha256, raw, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id;

-- name: RejectedBySHA256
SELECT id FROM mail_rejected WHERE sha256 = $1 AND code = $2 ORDER BY id LIMIT 1;

-- name: RejectedColumns
r.id, r.channel, r.remote, r.envelope_from, r.recipients, r.message_id, r.from_header, r.subject, r.code, r.reason,
r.size, r.sha256, r.received_at

-- name: ListRejected
SELECT {{RejectedColumns}} FROM mail_rejected r WHERE r.id < $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3;

-- name: CountRejected
SELECT count(*) FROM mail_rejected;

-- name: GetRejected
SELECT {{RejectedColumns}} FROM mail_rejected r WHERE r.id = $1;

-- name: RawRejected
SELECT raw FROM mail_rejected WHERE id = $1;

-- name: RejectedCounts
SELECT code, count(*) FROM mail_rejected GROUP BY code;

-- name: GetKey
SELECT secret FROM mail_keys WHERE name = $1;

-- name: InsertKey
INSERT INTO mail_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING;

-- name: NoticeOutbox
SELECT {{OutboxColumns}} FROM mail_outbox o WHERE o.ticket_id IS NULL ORDER BY o.id DESC LIMIT 500;

-- name: SetNewUserBrand
-- A sender created from a brand's own address belongs to that brand.
UPDATE users SET brand_id = $2 WHERE id = $1;
