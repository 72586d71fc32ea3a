-- name: TakeDirty
SELECT ticket_id FROM kpi_dirty ORDER BY ticket_id LIMIT $1;

-- name: DeleteDirty
DELETE FROM kpi_dirty WHERE ticket_id = $1;

-- name: SourceTicket
SELECT t.status, t.created_at, t.solved_at, COALESCE(t.group_id, 0), COALESCE(t.assignee_id, 0),
       COALESCE(u.region, ''), COALESCE(o.support_plan, ''), COALESCE(o.tier, ''),
       COALESCE((SELECT CASE r.score WHEN 'good' THEN 1 ELSE -1 END FROM satisfaction_ratings r WHERE r.ticket_id = t.id), 0)
FROM tickets t
LEFT JOIN users u ON u.id = t.assignee_id
LEFT JOIN organizations o ON o.id = t.organization_id
WHERE t.id = $1;

-- name: SourceAchievements
SELECT metric, achieved FROM sla_achievements WHERE ticket_id = $1;

-- name: SourceEvents
SELECT kind, at, to_status FROM sla_ticket_events WHERE ticket_id = $1 ORDER BY at, id;

-- name: FactColumns
ticket_id, created_day, solved_day, region, group_id, assignee_id, plan, tier, resolve_secs, waiting_secs, newopen_secs,
rating, sla_applied, sla_achieved, frt_applied, frt_achieved, nrt_applied, nrt_achieved, rwt_applied, rwt_achieved

-- name: GetFact
SELECT {{FactColumns}} FROM kpi_ticket_facts WHERE ticket_id = $1;

-- name: AllFacts
SELECT {{FactColumns}} FROM kpi_ticket_facts ORDER BY ticket_id;

-- name: PutFact
INSERT INTO kpi_ticket_facts ({{FactColumns}})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (ticket_id) DO UPDATE SET created_day = excluded.created_day, solved_day = excluded.solved_day,
  region = excluded.region, group_id = excluded.group_id, assignee_id = excluded.assignee_id, plan = excluded.plan,
  tier = excluded.tier, resolve_secs = excluded.resolve_secs, waiting_secs = excluded.waiting_secs,
  newopen_secs = excluded.newopen_secs, rating = excluded.rating, sla_applied = excluded.sla_applied,
  sla_achieved = excluded.sla_achieved, frt_applied = excluded.frt_applied, frt_achieved = excluded.frt_achieved,
  nrt_applied = excluded.nrt_applied, nrt_achieved = excluded.nrt_achieved, rwt_applied = excluded.rwt_applied,
  rwt_achieved = excluded.rwt_achieved;

-- name: DeleteFact
DELETE FROM kpi_ticket_facts WHERE ticket_id = $1;

-- name: AddDaily
INSERT INTO kpi_daily (day, region, group_id, assignee_id, plan, tier, created, solved, good, bad, sla_applied, sla_achieved,
  frt_applied, frt_achieved, nrt_applied, nrt_achieved, rwt_applied, rwt_achieved, resolve_secs)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (day, region, group_id, assignee_id, plan, tier) DO UPDATE SET
  created = kpi_daily.created + excluded.created, solved = kpi_daily.solved + excluded.solved,
  good = kpi_daily.good + excluded.good, bad = kpi_daily.bad + excluded.bad,
  sla_applied = kpi_daily.sla_applied + excluded.sla_applied, sla_achieved = kpi_daily.sla_achieved + excluded.sla_achieved,
  frt_applied = kpi_daily.frt_applied + excluded.frt_applied, frt_achieved = kpi_daily.frt_achieved + excluded.frt_achieved,
  nrt_applied = kpi_daily.nrt_applied + excluded.nrt_applied, nrt_achieved = kpi_daily.nrt_achieved + excluded.nrt_achieved,
  rwt_applied = kpi_daily.rwt_applied + excluded.rwt_applied, rwt_achieved = kpi_daily.rwt_achieved + excluded.rwt_achieved,
  resolve_secs = kpi_daily.resolve_secs + excluded.resolve_secs;

-- name: AddHist
INSERT INTO kpi_daily_hist (day, region, group_id, assignee_id, plan, tier, kind, bucket, n)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (day, region, group_id, assignee_id, plan, tier, kind, bucket) DO UPDATE SET n = kpi_daily_hist.n + excluded.n;

-- name: DailyColumns
day, region, group_id, assignee_id, plan, tier, created, solved, good, bad, sla_applied, sla_achieved,
frt_applied, frt_achieved, nrt_applied, nrt_achieved, rwt_applied, rwt_achieved, resolve_secs

-- name: AllDaily
SELECT {{DailyColumns}} FROM kpi_daily ORDER BY day, region, group_id, assignee_id, plan, tier;

-- name: AllHist
SELECT day, region, group_id, assignee_id, plan, tier, kind, bucket, n FROM kpi_daily_hist WHERE n <> 0
ORDER BY day, region, group_id, assignee_id, plan, tier, kind, bucket;

-- name: SumDaily
SELECT day, sum(created), sum(solved), sum(good), sum(bad), sum(sla_applied), sum(sla_achieved),
  sum(frt_applied), sum(frt_achieved), sum(nrt_applied), sum(nrt_achieved), sum(rwt_applied), sum(rwt_achieved),
  sum(resolve_secs)
FROM kpi_daily WHERE day >= $1 AND day < $2

-- name: SumHist
SELECT day, kind, bucket, sum(n) FROM kpi_daily_hist WHERE day >= $1 AND day < $2

-- name: SolvedByAssignee
SELECT assignee_id, sum(solved) FROM kpi_daily WHERE day >= $1 AND day < $2 AND assignee_id <> 0

-- name: Roster
SELECT u.id, u.name, u.region, COALESCE(u.manager_id, 0), COALESCE(u.grade, ''), COALESCE(u.job_title, ''),
  COALESCE(m.start_date, ''), COALESCE(m.end_date, '')
FROM team_members m JOIN users u ON u.id = m.user_id
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

-- name: WeeklyByRegion
SELECT region, day, sum(created) FROM kpi_daily WHERE day >= $1 AND day < $2 GROUP BY region, day;

-- name: HandleTime
SELECT COALESCE(sum(resolve_secs), 0), COALESCE(sum(solved), 0) FROM kpi_daily WHERE day >= $1 AND day < $2;

-- name: TimeOffAfter
SELECT user_id, start_date, end_date FROM team_time_off WHERE end_date >= $1;

-- name: SetRevenueByTier
UPDATE organizations SET annual_revenue = $2 WHERE tier = $1 AND annual_revenue = 0;

-- name: SolvedTickets
SELECT f.ticket_id, t.subject, f.resolve_secs, f.rating, f.sla_applied, f.sla_achieved
FROM kpi_ticket_facts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.solved_day >= $1 AND f.solved_day < $2

-- name: AnyDirty
SELECT count(*) FROM (SELECT 1 FROM kpi_dirty LIMIT 1) x;
