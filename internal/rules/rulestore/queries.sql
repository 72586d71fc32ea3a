-- name: RuleColumns
r.id, r.kind, r.title, r.active, r.position, r.restriction_type, r.restriction_ids, r.body, r.is_default,
r.created_at, r.updated_at

-- name: InsertRule
INSERT INTO business_rules (kind, title, active, position, restriction_type, restriction_ids, body, is_default,
                            created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
RETURNING id;

-- name: UpdateRule
UPDATE business_rules
SET title = $3, active = $4, position = $5, restriction_type = $6, restriction_ids = $7, body = $8, updated_at = $9
WHERE id = $1 AND kind = $2;

-- name: DeleteRule
DELETE FROM business_rules WHERE id = $1 AND kind = $2;

-- name: GetRule
SELECT {{RuleColumns}} FROM business_rules r WHERE r.id = $1 AND r.kind = $2;

-- name: ListRules
SELECT {{RuleColumns}} FROM business_rules r
WHERE r.kind = $1 AND ($2 = FALSE OR r.active = TRUE)
ORDER BY r.position, r.id;

-- name: MarkDefaultViewsSeeded
INSERT INTO settings (key, value, updated_at) VALUES ('rules.default_views_seeded', 'true', $1)
ON CONFLICT (key) DO NOTHING
RETURNING key;

-- name: MaxPosition
SELECT COALESCE(max(position), 0) FROM business_rules WHERE kind = $1;

-- name: FiredAutomations
SELECT automation_id FROM automation_firings WHERE ticket_id = $1;

-- name: InsertFiring
INSERT INTO automation_firings (automation_id, ticket_id, fired_at) VALUES ($1, $2, $3)
ON CONFLICT (automation_id, ticket_id) DO NOTHING;

-- name: DeleteFiring
DELETE FROM automation_firings WHERE automation_id = $1 AND ticket_id = $2;

-- name: LockTicket
SELECT id FROM tickets WHERE id = $1;

-- name: LockTicket postgres
SELECT id FROM tickets WHERE id = $1 FOR UPDATE;

-- name: OrgPlanTier
SELECT support_plan, tier FROM organizations WHERE id = $1;

-- name: UserNameEmailRole
SELECT name, COALESCE(email, ''), role, active FROM users WHERE id = $1;

-- name: OrgName
SELECT name FROM organizations WHERE id = $1;

-- name: GroupName
SELECT name FROM groups WHERE id = $1;

-- name: UserGroupIDs
SELECT group_id FROM group_memberships WHERE user_id = $1 ORDER BY group_id;

-- name: GroupAgents
SELECT u.id, u.name, COALESCE(u.email, '') FROM group_memberships m JOIN users u ON u.id = m.user_id
WHERE m.group_id = $1 AND u.active = TRUE AND u.role IN ('agent', 'admin') AND u.email IS NOT NULL
ORDER BY u.id;

-- name: WebhookColumns
w.id, w.name, w.description, w.endpoint, w.http_method, w.request_format, w.status, w.signing_secret,
w.created_at, w.updated_at

-- name: InsertWebhook
INSERT INTO webhooks (name, description, endpoint, http_method, request_format, status, signing_secret,
                      created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
RETURNING id;

-- name: UpdateWebhook
UPDATE webhooks SET name = $2, description = $3, endpoint = $4, http_method = $5, request_format = $6,
                    status = $7, updated_at = $8
WHERE id = $1;

-- name: DeleteWebhook
DELETE FROM webhooks WHERE id = $1;

-- name: GetWebhook
SELECT {{WebhookColumns}} FROM webhooks w WHERE w.id = $1;

-- name: ListWebhooks
SELECT {{WebhookColumns}} FROM webhooks w ORDER BY w.id;

-- name: InsertDelivery
INSERT INTO webhook_deliveries (webhook_id, ticket_id, rule_id, payload, status, attempts, next_attempt_at,
                                created_at, updated_at)
VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)
RETURNING id;

-- name: DeliveryColumns
d.id, d.webhook_id, COALESCE(d.ticket_id, 0), COALESCE(d.rule_id, 0), d.payload, d.status, d.attempts,
d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.updated_at

-- name: DueDeliveries
SELECT d.id FROM webhook_deliveries d
WHERE d.status = 'pending' AND d.next_attempt_at <= $1
ORDER BY d.next_attempt_at, d.id
LIMIT $2;

-- name: ClaimDelivery
UPDATE webhook_deliveries SET next_attempt_at = $3, updated_at = $2
WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $2;

-- name: GetDelivery
SELECT {{DeliveryColumns}} FROM webhook_deliveries d WHERE d.id = $1;

-- name: ViewCandidates
SELECT t.id FROM tickets t WHERE t.status <> 'closed' AND t.id > $1 ORDER BY t.id LIMIT $2;

-- name: FinishDelivery
UPDATE webhook_deliveries
SET status = $2, attempts = $3, next_attempt_at = $4, last_status = $5, last_error = $6, updated_at = $7
WHERE id = $1;

-- name: ListDeliveries
SELECT {{DeliveryColumns}} FROM webhook_deliveries d
WHERE d.webhook_id = $1 AND ($2 = 0 OR d.id < $2)
ORDER BY d.id DESC
LIMIT $3;

-- name: InsertNotification
INSERT INTO rule_notifications (ticket_id, rule_id, user_id, email, subject, body, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
RETURNING id;

-- name: NotificationColumns
n.id, COALESCE(n.ticket_id, 0), COALESCE(n.rule_id, 0), n.user_id, n.email, n.subject, n.body, n.status,
n.created_at

-- name: PendingNotifications
SELECT {{NotificationColumns}} FROM rule_notifications n
WHERE n.status = 'pending' AND n.id > $1
ORDER BY n.id
LIMIT $2;

-- name: TicketNotifications
SELECT {{NotificationColumns}} FROM rule_notifications n WHERE n.ticket_id = $1 ORDER BY n.id;

-- name: MarkNotification
UPDATE rule_notifications SET status = $2, sent_at = $3 WHERE id = $1 AND status = 'pending';

-- name: TicketCollaborators
SELECT user_id FROM ticket_collaborators WHERE ticket_id = $1 ORDER BY user_id;

-- name: TicketSLA
SELECT EXISTS (SELECT 1 FROM sla_ticket_metrics sm WHERE sm.ticket_id = $1 AND sm.status = 'breached'),
       (SELECT min(sm.due_at) FROM sla_ticket_metrics sm WHERE sm.ticket_id = $1 AND sm.status = 'active'),
       (SELECT max(sm.breached_at) FROM sla_ticket_metrics sm WHERE sm.ticket_id = $1);

-- name: TicketTimes
-- The same expressions as the view columns in viewsql.go (from the audits).
SELECT (SELECT max(a.created_at) FROM ticket_audits a
        WHERE a.ticket_id = t.id AND a.events LIKE '%"field\_name":"status","value":"pending"%' ESCAPE '\'),
       (CASE WHEN t.assignee_id IS NULL THEN NULL ELSE
        (SELECT max(a.created_at) FROM ticket_audits a
         WHERE a.ticket_id = t.id AND a.events LIKE '%"field\_name":"assignee\_id"%' ESCAPE '\') END),
       (SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.author_id = t.requester_id),
       (SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.author_id = t.assignee_id)
FROM tickets t WHERE t.id = $1;

-- name: RulesVersion
SELECT version FROM config_versions WHERE name = 'rules';
