-- name: ListSchedules
SELECT id, name, time_zone, created_at, updated_at FROM sla_schedules ORDER BY id;

-- name: GetSchedule
SELECT id, name, time_zone, created_at, updated_at FROM sla_schedules WHERE id = $1;

-- name: InsertSchedule
INSERT INTO sla_schedules (name, time_zone, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id;

-- name: UpdateSchedule
UPDATE sla_schedules SET name = $2, time_zone = $3, updated_at = $4 WHERE id = $1;

-- name: DeleteSchedule
DELETE FROM sla_schedules WHERE id = $1;

-- name: ListIntervals
SELECT schedule_id, start_time, end_time FROM sla_schedule_intervals ORDER BY schedule_id, start_time;

-- name: ScheduleIntervals
SELECT schedule_id, start_time, end_time FROM sla_schedule_intervals WHERE schedule_id = $1 ORDER BY start_time;

-- name: DeleteIntervals
DELETE FROM sla_schedule_intervals WHERE schedule_id = $1;

-- name: InsertInterval
INSERT INTO sla_schedule_intervals (schedule_id, start_time, end_time) VALUES ($1, $2, $3);

-- name: ListHolidays
SELECT id, schedule_id, name, start_date, end_date FROM sla_holidays ORDER BY schedule_id, start_date, id;

-- name: ScheduleHolidays
SELECT id, schedule_id, name, start_date, end_date FROM sla_holidays WHERE schedule_id = $1 ORDER BY start_date, id;

-- name: GetHoliday
SELECT id, schedule_id, name, start_date, end_date FROM sla_holidays WHERE schedule_id = $1 AND id = $2;

-- name: InsertHoliday
INSERT INTO sla_holidays (schedule_id, name, start_date, end_date) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: UpdateHoliday
UPDATE sla_holidays SET name = $3, start_date = $4, end_date = $5 WHERE schedule_id = $1 AND id = $2;

-- name: DeleteHoliday
DELETE FROM sla_holidays WHERE schedule_id = $1 AND id = $2;

-- name: TouchSchedule
UPDATE sla_schedules SET updated_at = $2 WHERE id = $1;

-- name: ListPolicies
SELECT id, title, description, position, filter, created_at, updated_at FROM sla_policies ORDER BY position, id;

-- name: GetPolicy
SELECT id, title, description, position, filter, created_at, updated_at FROM sla_policies WHERE id = $1;

-- name: MaxPolicyPosition
SELECT COALESCE(MAX(position), 0) FROM sla_policies;

-- name: InsertPolicy
INSERT INTO sla_policies (title, description, position, filter, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: UpdatePolicy
UPDATE sla_policies SET title = $2, description = $3, position = $4, filter = $5, updated_at = $6 WHERE id = $1;

-- name: SetPolicyPosition
UPDATE sla_policies SET position = $2, updated_at = $3 WHERE id = $1;

-- name: DeletePolicy
DELETE FROM sla_policies WHERE id = $1;

-- name: ListPolicyMetrics
SELECT policy_id, priority, metric, target, business_hours FROM sla_policy_metrics ORDER BY policy_id, metric, priority;

-- name: PolicyMetrics
SELECT policy_id, priority, metric, target, business_hours FROM sla_policy_metrics WHERE policy_id = $1
ORDER BY metric, priority;

-- name: DeletePolicyMetrics
DELETE FROM sla_policy_metrics WHERE policy_id = $1;

-- name: InsertPolicyMetric
INSERT INTO sla_policy_metrics (policy_id, priority, metric, target, business_hours) VALUES ($1, $2, $3, $4, $5);

-- name: MarkSeeded
INSERT INTO sla_seeded (id, created_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING;

-- name: OpenTicketsOfOrganization
SELECT id FROM tickets WHERE organization_id = $1 AND status NOT IN ('solved', 'closed') ORDER BY id;

-- name: LockTicket
SELECT id FROM tickets WHERE id = $1;

-- name: LockTicket postgres
SELECT id FROM tickets WHERE id = $1 FOR UPDATE;

-- name: TicketAttrs
SELECT (SELECT version FROM config_versions WHERE name = 'sla'), t.priority, t.type, t.status, t.group_id, t.organization_id, t.tags, t.via_channel,
       t.requester_id, t.created_at, COALESCE(u.role, ''), o.support_plan, o.tier, o.ase_user_id, g.name, t.brand_id, COALESCE(o.region, '')
FROM tickets t
LEFT JOIN users u ON u.id = t.requester_id
LEFT JOIN organizations o ON o.id = t.organization_id
LEFT JOIN groups g ON g.id = t.group_id
WHERE t.id = $1;

-- name: NewTicketAttrs
-- What a new ticket's policy filters look at beyond the ticket itself
-- ($1 requester, $2 organization, $3 group, $4 the public comment's author;
-- 0 for none), and the configuration version.
SELECT (SELECT version FROM config_versions WHERE name = 'sla'), COALESCE(u.role, ''),
       o.support_plan, o.tier, o.ase_user_id, g.name, COALESCE(a.role, ''), COALESCE(o.region, '')
FROM (SELECT 1 AS one) x
LEFT JOIN users u ON u.id = $1
LEFT JOIN organizations o ON o.id = $2
LEFT JOIN groups g ON g.id = $3
LEFT JOIN users a ON a.id = $4;

-- name: UserRole
SELECT role FROM users WHERE id = $1;

-- name: InsertTicketEvent
INSERT INTO sla_ticket_events (ticket_id, kind, at, priority, from_status, to_status, by_agent)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: HasTicketEvents
SELECT EXISTS (SELECT 1 FROM sla_ticket_events WHERE ticket_id = $1);

-- name: TicketEvents
SELECT kind, at, priority, from_status, to_status, by_agent FROM sla_ticket_events WHERE ticket_id = $1
ORDER BY at, id;

-- name: UpsertTicketPolicy
INSERT INTO sla_ticket_policies (ticket_id, policy_id, schedule_id, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (ticket_id) DO UPDATE SET policy_id = excluded.policy_id, schedule_id = excluded.schedule_id,
                                      updated_at = excluded.updated_at;

-- name: MetricColumns
ticket_id, metric, policy_id, priority, target, business_hours, status, started_at, due_at, warn_at,
paused_since, breached_at, achieved_at, elapsed_minutes, updated_at

-- name: TicketMetrics
SELECT {{MetricColumns}} FROM sla_ticket_metrics WHERE ticket_id = $1;

-- name: DeleteTicketMetrics
DELETE FROM sla_ticket_metrics WHERE ticket_id = $1;

-- name: InsertTicketMetric
INSERT INTO sla_ticket_metrics ({{MetricColumns}})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);

-- name: InsertTicketMetrics
-- Followed by the VALUES rows (Dialect.ValuesRows).
INSERT INTO sla_ticket_metrics ({{MetricColumns}}) VALUES

-- name: SetTicketSortKey
UPDATE tickets SET sla_next_breach_at = $2 WHERE id = $1;

-- name: DueTimers
SELECT ticket_id, metric, due_at FROM sla_ticket_metrics
WHERE status = 'active' AND due_at IS NOT NULL AND due_at < $1
ORDER BY due_at LIMIT $2;

-- name: DueWarnings
SELECT ticket_id, metric, warn_at FROM sla_ticket_metrics
WHERE status = 'active' AND warn_at IS NOT NULL AND warn_at <= $1
  AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = sla_ticket_metrics.ticket_id
                  AND e.metric = sla_ticket_metrics.metric AND e.kind = 'warning'
                  AND e.cycle_start = sla_ticket_metrics.started_at)
ORDER BY warn_at LIMIT $2;

-- name: InsertEvent
INSERT INTO sla_events (ticket_id, metric, kind, policy_id, priority, target, cycle_start, due_at, at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (ticket_id, metric, kind, cycle_start) DO NOTHING;

-- name: EventColumns
id, ticket_id, metric, kind, policy_id, priority, target, cycle_start, due_at, at, created_at

-- name: TicketEventsOut
SELECT {{EventColumns}} FROM sla_events WHERE ticket_id = $1 ORDER BY at, id;

-- name: EventsSince
SELECT {{EventColumns}} FROM sla_events WHERE id > $1 ORDER BY id LIMIT $2;

-- name: UpsertAchievement
INSERT INTO sla_achievements (ticket_id, metric, policy_id, priority, target, business_hours, achieved,
                              elapsed_minutes, started_at, completed_at, breached_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (ticket_id, metric, started_at) DO UPDATE SET
    policy_id = excluded.policy_id, priority = excluded.priority, target = excluded.target,
    business_hours = excluded.business_hours, achieved = excluded.achieved,
    elapsed_minutes = excluded.elapsed_minutes, completed_at = excluded.completed_at,
    breached_at = excluded.breached_at, updated_at = excluded.updated_at;

-- name: TicketAchievements
SELECT ticket_id, metric, policy_id, priority, target, business_hours, achieved, elapsed_minutes, started_at,
       completed_at, breached_at
FROM sla_achievements WHERE ticket_id = $1 ORDER BY started_at, metric;

-- name: AchievementSummary
SELECT policy_id, metric, achieved, COUNT(*) FROM sla_achievements
WHERE completed_at >= $1 AND completed_at < $2
GROUP BY policy_id, metric, achieved ORDER BY policy_id, metric, achieved;
