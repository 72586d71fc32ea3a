-- name: InsertPolicy
INSERT INTO escalation_policies (name, description, num_loops, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id;

-- name: UpdatePolicy
UPDATE escalation_policies SET name = $2, description = $3, num_loops = $4, updated_at = $5 WHERE id = $1;

-- name: InsertRule
INSERT INTO escalation_rules (policy_id, position, delay_minutes) VALUES ($1, $2, $3) RETURNING id;

-- name: InsertTarget
INSERT INTO escalation_targets (rule_id, kind, target_id) VALUES ($1, $2, $3);

-- name: DeleteTargets
DELETE FROM escalation_targets WHERE rule_id IN (SELECT id FROM escalation_rules WHERE policy_id = $1);

-- name: DeleteRules
DELETE FROM escalation_rules WHERE policy_id = $1;

-- name: ListPolicies
SELECT id, name, description, num_loops, created_at, updated_at FROM escalation_policies ORDER BY id;

-- name: GetPolicy
SELECT id, name, description, num_loops, created_at, updated_at FROM escalation_policies WHERE id = $1;

-- name: PolicyByName
SELECT id FROM escalation_policies WHERE name = $1;

-- name: PolicyRules
SELECT r.id, r.policy_id, r.delay_minutes, COALESCE(t.kind, ''), COALESCE(t.target_id, 0)
FROM escalation_rules r LEFT JOIN escalation_targets t ON t.rule_id = r.id
ORDER BY r.policy_id, r.position, t.kind DESC, t.target_id;

-- name: PolicyRulesOf
SELECT r.id, r.policy_id, r.delay_minutes, COALESCE(t.kind, ''), COALESCE(t.target_id, 0)
FROM escalation_rules r LEFT JOIN escalation_targets t ON t.rule_id = r.id
WHERE r.policy_id = $1
ORDER BY r.position, t.kind DESC, t.target_id;

-- name: InsertService
INSERT INTO incident_services (name, description, escalation_policy_id, integration_key, kind, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id;

-- name: ServiceColumns
s.id, s.name, s.description, s.escalation_policy_id, s.integration_key, s.kind, s.created_at, s.updated_at

-- name: ListServices
SELECT {{ServiceColumns}} FROM incident_services s ORDER BY s.id;

-- name: GetService
SELECT {{ServiceColumns}} FROM incident_services s WHERE s.id = $1;

-- name: ServiceByKey
SELECT {{ServiceColumns}} FROM incident_services s WHERE s.integration_key = $1;

-- name: ServiceByName
SELECT {{ServiceColumns}} FROM incident_services s WHERE s.name = $1;

-- name: IncidentColumns
i.id, i.service_id, s.name, i.escalation_policy_id, i.title, i.description, i.status, i.urgency, i.severity, i.source,
i.incident_key, i.public, i.public_state, i.ticket_id, i.organization_id, i.step, i.gen, i.level, i.assignees,
i.created_at, i.updated_at, i.acknowledged_at, i.acknowledged_by, i.resolved_at, i.resolved_by, i.next_update_due

-- name: GetIncident
SELECT {{IncidentColumns}} FROM incidents i JOIN incident_services s ON s.id = i.service_id WHERE i.id = $1;

-- name: OpenByKey
SELECT {{IncidentColumns}} FROM incidents i JOIN incident_services s ON s.id = i.service_id WHERE i.service_id = $1 AND i.open_key = $2;

-- name: InsertIncident
INSERT INTO incidents (service_id, escalation_policy_id, title, description, status, urgency, severity, source, incident_key, open_key,
  public, public_state, ticket_id, organization_id, created_at, updated_at, next_update_due, next_step_at)
VALUES ($1, $2, $3, $4, 'triggered', $5, $6, $7, $8, $8, $9, 'investigating', $10, $11, $12, $12, $13, $12) RETURNING id;

-- name: InsertLog
INSERT INTO incident_log_entries (incident_id, type, user_id, channel, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: Acknowledge
UPDATE incidents SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, updated_at = $2, next_step_at = NULL
WHERE id = $1 AND status = 'triggered';

-- name: Resolve
UPDATE incidents SET status = 'resolved', open_key = NULL, resolved_at = $2, resolved_by = $3, updated_at = $2,
  public_state = CASE WHEN public THEN 'resolved' ELSE public_state END, next_update_due = NULL, next_step_at = NULL
WHERE id = $1 AND status <> 'resolved';

-- name: Retrigger
UPDATE incidents SET status = 'triggered', acknowledged_at = NULL, acknowledged_by = NULL, gen = gen + 1, assignees = $2, updated_at = $3,
  next_step_at = NULL
WHERE id = $1 AND status <> 'resolved' RETURNING step, gen, level;

-- name: TakeStep
UPDATE incidents SET step = step + 1, level = $3, assignees = $4, updated_at = $5, next_step_at = $7
WHERE id = $1 AND step = $2 AND gen = $6 AND status = 'triggered';

-- name: SetNextStep
UPDATE incidents SET next_step_at = $2 WHERE id = $1;

-- name: DueSteps
SELECT id, step, gen FROM incidents WHERE next_step_at IS NOT NULL AND next_step_at <= $1 AND status = 'triggered'
ORDER BY next_step_at, id LIMIT $2;

-- name: DueUpdates
SELECT id, next_update_due FROM incidents WHERE next_update_due IS NOT NULL AND next_update_due <= $1 AND status <> 'resolved'
  AND (reminded_due IS NULL OR reminded_due <> next_update_due)
ORDER BY next_update_due, id LIMIT $2;

-- name: MarkReminded
UPDATE incidents SET reminded_due = next_update_due
WHERE id = $1 AND next_update_due = $2 AND (reminded_due IS NULL OR reminded_due <> next_update_due) AND status <> 'resolved';

-- name: SetAssignees
UPDATE incidents SET assignees = $2, updated_at = $3 WHERE id = $1;

-- name: InsertPage
INSERT INTO incident_pages (incident_id, step, user_id, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (incident_id, step, user_id) DO NOTHING RETURNING id;

-- name: GetPage
SELECT id, incident_id, user_id, ack_used_at FROM incident_pages WHERE id = $1;

-- name: UsePage
UPDATE incident_pages SET ack_used_at = $2 WHERE id = $1 AND ack_used_at IS NULL;

-- name: PagesOf
SELECT p.id, p.step, p.user_id, u.name, p.created_at FROM incident_pages p JOIN users u ON u.id = p.user_id
WHERE p.incident_id = $1 ORDER BY p.id;

-- name: UserContact
SELECT name, email, active FROM users WHERE id = $1;

-- name: InsertNote
INSERT INTO incident_notes (incident_id, user_id, content, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: Notes
SELECT n.id, n.incident_id, n.user_id, COALESCE(u.name, ''), n.content, n.created_at
FROM incident_notes n LEFT JOIN users u ON u.id = n.user_id WHERE n.incident_id = $1 ORDER BY n.id;

-- name: LogColumns
l.id, l.incident_id, l.type, l.user_id, COALESCE(u.name, ''), l.channel, l.summary, l.created_at

-- name: LogOf
SELECT {{LogColumns}} FROM incident_log_entries l LEFT JOIN users u ON u.id = l.user_id WHERE l.incident_id = $1 ORDER BY l.id;

-- name: Secret
SELECT secret FROM incident_secrets WHERE id = 1;

-- name: InsertSecret
INSERT INTO incident_secrets (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING;

-- name: ActiveWebhooks
SELECT id, name, format, url, service_id, active, created_at FROM incident_webhooks
WHERE active AND (service_id IS NULL OR service_id = $1) ORDER BY id;

-- name: ListWebhooks
SELECT id, name, format, url, service_id, active, created_at FROM incident_webhooks ORDER BY id;

-- name: InsertWebhook
INSERT INTO incident_webhooks (name, format, url, service_id, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id;

-- name: InsertDelivery
INSERT INTO incident_deliveries (webhook_id, incident_id, event, body, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (webhook_id, incident_id, event) DO NOTHING RETURNING id;

-- name: ClaimDelivery
UPDATE incident_deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = $1 AND status IN ('pending', 'failed');

-- name: GetDelivery
SELECT d.body, w.url, d.attempts FROM incident_deliveries d JOIN incident_webhooks w ON w.id = d.webhook_id WHERE d.id = $1;

-- name: FinishDelivery
UPDATE incident_deliveries SET status = $2, last_error = $3, sent_at = $4 WHERE id = $1;

-- name: InsertUpdate
INSERT INTO incident_status_updates (incident_id, state, message, user_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id;

-- name: SetPublicState
UPDATE incidents SET public_state = $2, next_update_due = $3, updated_at = $4 WHERE id = $1;

-- name: UpdatesOf
SELECT id, incident_id, state, message, created_at FROM incident_status_updates WHERE incident_id = $1 ORDER BY id DESC;

-- name: SetPublic
UPDATE incidents SET public = $2, updated_at = $3 WHERE id = $1;

-- name: OpenEmergencies
SELECT i.id, i.escalation_policy_id, i.shift_oncall FROM incidents i JOIN incident_services s ON s.id = i.service_id
WHERE s.kind = 'emergency' AND i.status <> 'resolved' ORDER BY i.id;

-- name: RecordShift
UPDATE incidents SET shift_oncall = $2 WHERE id = $1 AND shift_oncall IS NULL;

-- name: HandOver
UPDATE incidents SET shift_oncall = $2, assignees = $3, updated_at = $4
WHERE id = $1 AND shift_oncall = $5 AND status <> 'resolved';

-- name: GetWebhook
SELECT id, name, format, url, service_id, active, created_at FROM incident_webhooks WHERE id = $1;

-- name: UpdateWebhook
UPDATE incident_webhooks SET name = $2, format = $3, url = $4, service_id = $5, active = $6 WHERE id = $1;

-- name: DeleteWebhookDeliveries
DELETE FROM incident_deliveries WHERE webhook_id = $1;

-- name: DeleteWebhook
DELETE FROM incident_webhooks WHERE id = $1;
