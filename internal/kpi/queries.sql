-- name: LockFold
UPDATE kpi_fold_lock SET n = n + 1 WHERE id = 1;

-- name: TakeDirty
SELECT ticket_id FROM kpi_dirty ORDER BY ticket_id LIMIT $1;

-- name: DeleteDirtyIn
DELETE FROM kpi_dirty WHERE ticket_id IN

-- name: SourceTickets
SELECT t.id, t.status, t.created_at, t.solved_at, COALESCE(t.group_id, 0), COALESCE(t.assignee_id, 0),
       COALESCE(u.region, ''), COALESCE(o.support_plan, ''), COALESCE(o.tier, ''),
       COALESCE((SELECT CASE r.score WHEN 'good' THEN 1 ELSE -1 END FROM satisfaction_ratings r WHERE r.ticket_id = t.id), 0),
       t.brand_id
FROM tickets t
LEFT JOIN users u ON u.id = t.assignee_id
LEFT JOIN organizations o ON o.id = t.organization_id
WHERE t.id IN

-- name: SourceAchievementsIn
SELECT ticket_id, metric, achieved FROM sla_achievements WHERE ticket_id IN

-- name: SourceEventsIn
SELECT ticket_id, kind, at, to_status FROM sla_ticket_events WHERE ticket_id IN

-- name: FactColumns
ticket_id, created_day, solved_day, region, group_id, assignee_id, plan, tier, resolve_secs, waiting_secs, newopen_secs,
rating, sla_applied, sla_achieved, frt_applied, frt_achieved, nrt_applied, nrt_achieved, rwt_applied, rwt_achieved, brand_id

-- name: GetFactsIn
SELECT {{FactColumns}} FROM kpi_ticket_facts WHERE ticket_id IN

-- name: FactConflict
ON CONFLICT (ticket_id) DO UPDATE SET created_day = excluded.created_day, solved_day = excluded.solved_day,
  region = excluded.region, group_id = excluded.group_id, assignee_id = excluded.assignee_id, plan = excluded.plan,
  tier = excluded.tier, resolve_secs = excluded.resolve_secs, waiting_secs = excluded.waiting_secs,
  newopen_secs = excluded.newopen_secs, rating = excluded.rating, sla_applied = excluded.sla_applied,
  sla_achieved = excluded.sla_achieved, frt_applied = excluded.frt_applied, frt_achieved = excluded.frt_achieved,
  nrt_applied = excluded.nrt_applied, nrt_achieved = excluded.nrt_achieved, rwt_applied = excluded.rwt_applied,
  rwt_achieved = excluded.rwt_achieved, brand_id = excluded.brand_id

-- name: DeleteFactsIn
DELETE FROM kpi_ticket_facts WHERE ticket_id IN

-- name: CellConflict
ON CONFLICT (ckey) DO UPDATE SET created = excluded.created, solved = excluded.solved, good = excluded.good,
  bad = excluded.bad, sla_applied = excluded.sla_applied, sla_achieved = excluded.sla_achieved,
  frt_applied = excluded.frt_applied, frt_achieved = excluded.frt_achieved, nrt_applied = excluded.nrt_applied,
  nrt_achieved = excluded.nrt_achieved, rwt_applied = excluded.rwt_applied, rwt_achieved = excluded.rwt_achieved,
  resolve_secs = excluded.resolve_secs, h_ttr = excluded.h_ttr, h_open = excluded.h_open, h_total = excluded.h_total

-- name: CellReadColumns
SELECT period, created, solved, good, bad, sla_applied, sla_achieved, frt_applied, frt_achieved,
  nrt_applied, nrt_achieved, rwt_applied, rwt_achieved, resolve_secs, h_ttr, h_open, h_total

-- name: ReadCells
{{CellReadColumns}} FROM kpi_cells WHERE grain = $1 AND period >= $2 AND period <= $3

-- name: ReadCoarseCells
{{CellReadColumns}} FROM kpi_cells_all WHERE grain = $1 AND period >= $2 AND period <= $3

-- name: WeeklyCreatedByRegion
-- (the caller appends the brand filter and GROUP BY region, period)
SELECT region, period, sum(created) FROM kpi_cells_all WHERE grain = 0 AND period >= $1 AND period < $2

-- name: SolvedByAssignee
SELECT assignee_id, sum(solved) FROM kpi_cells WHERE grain = $1 AND period = $2 AND assignee_id > 0

-- name: Roster
SELECT u.id, u.name, u.region, COALESCE(u.manager_id, 0), COALESCE(u.grade, ''), COALESCE(u.job_title, ''),
  COALESCE(m.start_date, ''), COALESCE(m.end_date, '')
FROM team_members m JOIN users u ON u.id = +m.user_id -- members drive the join (unary +: no index on m for it)
WHERE u.active = TRUE
ORDER BY u.id;

-- name: Revenue
SELECT COALESCE(sum(annual_revenue), 0) FROM organizations;

-- name: GetSetting
SELECT value FROM settings WHERE key = $1;

-- name: PutSetting
INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;

-- name: InsertScenario
INSERT INTO capacity_scenarios (name, params, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: ListScenarios
SELECT id, name, params, COALESCE(created_by, 0), created_at FROM capacity_scenarios ORDER BY id;

-- name: DeleteScenario
DELETE FROM capacity_scenarios WHERE id = $1;

-- name: TimeOffAfter
SELECT user_id, start_date, end_date FROM team_time_off WHERE end_date >= $1;

-- name: SetRevenueByTier
UPDATE organizations SET annual_revenue = $2 WHERE tier = $1 AND annual_revenue = 0;

-- name: SolvedTickets
SELECT f.ticket_id, t.subject, f.resolve_secs, f.rating, f.sla_applied, f.sla_achieved
FROM kpi_ticket_facts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.solved_day >= 0 AND f.solved_day >= $1 AND f.solved_day < $2

-- name: AnyDirty
-- Through the primary key, not a table scan: after a large fold the table
-- holds dead rows until vacuumed, and an index scan learns to skip them.
SELECT count(*) FROM (SELECT ticket_id FROM kpi_dirty ORDER BY ticket_id LIMIT 1) x;
