-- name: MarkSeeded
INSERT INTO settings (key, value, updated_at) VALUES ('team.seeded', 'true', $1) ON CONFLICT (key) DO NOTHING;

-- name: InsertFamily
INSERT INTO team_job_families (key, name, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id;

-- name: UpdateFamily
UPDATE team_job_families SET name = $2, position = $3, updated_at = $4 WHERE id = $1;

-- name: ListFamilies
SELECT id, key, name, position, created_at, updated_at FROM team_job_families ORDER BY position, id;

-- name: GetFamily
SELECT id, key, name, position, created_at, updated_at FROM team_job_families WHERE id = $1;

-- name: LevelColumns
l.id, l.family_id, l.key, l.name, l.track, l.grade, l.rank, l.created_at, l.updated_at

-- name: ListLevels
SELECT {{LevelColumns}} FROM team_levels l ORDER BY l.family_id, l.rank, l.id;

-- name: GetLevel
SELECT {{LevelColumns}} FROM team_levels l WHERE l.id = $1;

-- name: LevelByName
SELECT {{LevelColumns}} FROM team_levels l WHERE lower(l.name) = lower($1) OR l.key = lower($1);

-- name: InsertLevel
INSERT INTO team_levels (family_id, key, name, track, grade, rank, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id;

-- name: UpdateLevel
UPDATE team_levels SET name = $2, track = $3, grade = $4, rank = $5, updated_at = $6 WHERE id = $1;

-- name: SyncLevelUsers
UPDATE users SET job_title = $2, grade = $3, updated_at = $4
WHERE id IN (SELECT user_id FROM team_members WHERE level_id = $1);

-- name: LevelInUse
SELECT count(*) FROM team_members WHERE level_id = $1;

-- name: DeleteLevel
DELETE FROM team_levels WHERE id = $1;

-- name: StaffUsers
SELECT u.id, u.job_title, u.grade FROM users u
WHERE u.role IN ('agent', 'admin') AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id)
ORDER BY u.id;

-- name: ASEUsers
SELECT DISTINCT o.ase_user_id FROM organizations o JOIN team_members m ON m.user_id = o.ase_user_id;

-- name: MemberColumns
u.id, u.name, COALESCE(u.email, ''), u.role, u.active, u.region, u.time_zone, u.manager_id, u.verified_citizenship,
u.job_title, u.grade, m.level_id, COALESCE(l.key, ''), COALESCE(l.name, ''), COALESCE(l.track, ''), l.grade,
COALESCE(f.key, ''), COALESCE(f.name, ''), m.working_hours, m.start_date, m.end_date, m.skills, m.migration_note,
m.created_at, m.updated_at,
COALESCE((SELECT string_agg(s.specialty, ' ' ORDER BY s.specialty) FROM team_member_specialties s WHERE s.user_id = u.id), ''),
COALESCE((SELECT string_agg(t.training || '=' || CAST(t.completed_at AS TEXT), ' ' ORDER BY t.training) FROM user_trainings t WHERE t.user_id = u.id), ''),
(SELECT count(*) FROM organizations o WHERE o.ase_user_id = u.id)

-- name: MemberFrom
FROM team_members m
JOIN users u ON u.id = m.user_id
LEFT JOIN team_levels l ON l.id = m.level_id
LEFT JOIN team_job_families f ON f.id = l.family_id

-- name: GetMember
SELECT {{MemberColumns}} {{MemberFrom}} WHERE m.user_id = $1;

-- name: MemberFilter
WHERE ($1 = '' OR u.region = $1)
  AND ($2 = 0 OR m.level_id = $2)
  AND ($3 = '' OR EXISTS (SELECT 1 FROM team_member_specialties s WHERE s.user_id = u.id AND s.specialty = $3))
  AND ($4 = 0 OR u.manager_id = $4)
  AND ($5 = 'all' OR ($5 = 'current' AND (m.end_date IS NULL OR m.end_date >= $6)) OR ($5 = 'former' AND m.end_date < $6))
  AND ($7 = '' OR lower(u.name) LIKE $7 OR lower(COALESCE(u.email, '')) LIKE $7)
  AND u.id > $8

-- name: ListMembers
SELECT {{MemberColumns}} {{MemberFrom}} {{MemberFilter}}
ORDER BY u.id LIMIT $9 OFFSET $10;

-- name: MemberIDsByName
SELECT u.id FROM team_members m JOIN users u ON u.id = m.user_id {{MemberFilter}}
ORDER BY lower(u.name), u.id LIMIT $9 OFFSET $10;

-- name: MembersByIDs
SELECT {{MemberColumns}} {{MemberFrom}} WHERE m.user_id IN

-- name: CountMembers
SELECT count(*) FROM team_members m JOIN users u ON u.id = m.user_id {{MemberFilter}};

-- name: TeamVersion
SELECT version FROM config_versions WHERE name = 'team';

-- name: OrgNodes
SELECT u.id, u.name, u.manager_id, COALESCE(l.key, ''), COALESCE(l.name, ''), COALESCE(l.track, ''), u.region, m.end_date
FROM team_members m
JOIN users u ON u.id = m.user_id
LEFT JOIN team_levels l ON l.id = m.level_id;

-- name: IsMember
SELECT count(*) FROM team_members WHERE user_id = $1;

-- name: UserBrief
SELECT name, role, COALESCE(email, ''), verified_citizenship FROM users WHERE id = $1;

-- name: UserByEmail
SELECT id FROM users WHERE lower(email) = lower($1);

-- name: ManagerOf
SELECT manager_id FROM users WHERE id = $1;

-- name: Reports
SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id WHERE u.manager_id = $1 ORDER BY u.name, u.id;

-- name: InsertMember
INSERT INTO team_members (user_id, level_id, working_hours, start_date, end_date, skills, migration_note, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8);

-- name: UpdateMember
UPDATE team_members SET level_id = $2, working_hours = $3, start_date = $4, end_date = $5, skills = $6,
       migration_note = $7, updated_at = $8
WHERE user_id = $1;

-- name: UserStaffFields
SELECT region, time_zone, manager_id, job_title, grade FROM users WHERE id = $1;

-- name: UpdateMemberUser
UPDATE users SET name = $10, region = $2, time_zone = $3, manager_id = $4, verified_citizenship = $5, job_title = $6,
       job_family = $7, grade = $8, updated_at = $9
WHERE id = $1;

-- name: SetUserLevelFields
UPDATE users SET job_title = $2, job_family = $3, grade = $4 WHERE id = $1;

-- name: MakeStaff
UPDATE users SET role = 'agent', updated_at = $2 WHERE id = $1 AND role = 'end-user';

-- name: InsertAgent
INSERT INTO users (name, email, role, active, suspended, time_zone, locale, region, created_at, updated_at)
VALUES ($1, $2, 'agent', TRUE, FALSE, $3, 'en-US', $4, $5, $5) RETURNING id;

-- name: DeleteSpecialties
DELETE FROM team_member_specialties WHERE user_id = $1;

-- name: InsertSpecialty
INSERT INTO team_member_specialties (user_id, specialty) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: DeleteUserTraining
DELETE FROM user_trainings WHERE user_id = $1 AND training = $2;

-- name: UpsertUserTraining
INSERT INTO user_trainings (user_id, training, completed_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id, training) DO UPDATE SET completed_at = excluded.completed_at;

-- name: AssignedElsewhere
SELECT count(*) FROM organizations WHERE ase_user_id = $1 AND id <> $2;

-- name: AssignedAccounts
SELECT id, name FROM organizations WHERE ase_user_id = $1 ORDER BY name, id;

-- name: ListTrainings
SELECT id, key, name, description, builtin, created_at, updated_at FROM team_trainings ORDER BY builtin DESC, name, id;

-- name: GetTraining
SELECT id, key, name, description, builtin, created_at, updated_at FROM team_trainings WHERE id = $1;

-- name: InsertTraining
INSERT INTO team_trainings (key, name, description, builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (key) DO NOTHING;

-- name: TrainingIDByKey
SELECT id FROM team_trainings WHERE key = $1;

-- name: UpdateTraining
UPDATE team_trainings SET name = $2, description = $3, updated_at = $4 WHERE id = $1;

-- name: DeleteTraining
DELETE FROM team_trainings WHERE id = $1;

-- name: TrainingInUse
SELECT count(*) FROM user_trainings WHERE training = $1;

-- name: UncataloguedTrainings
SELECT DISTINCT t.training FROM user_trainings t
WHERE NOT EXISTS (SELECT 1 FROM team_trainings c WHERE c.key = t.training) ORDER BY t.training;

-- name: TimeOffColumns
o.id, o.user_id, o.kind, o.start_date, o.end_date, o.start_half_day, o.end_half_day, o.reason, o.created_by,
o.created_at, o.updated_at, u.name, u.region

-- name: GetTimeOff
SELECT {{TimeOffColumns}} FROM team_time_off o JOIN users u ON u.id = o.user_id WHERE o.id = $1;

-- name: TimeOffFilter
FROM team_time_off o JOIN users u ON u.id = o.user_id
WHERE ($1 = 0 OR o.user_id = $1)
  AND ($2 = '' OR u.region = $2)
  AND ($3 = '' OR o.end_date >= $3)
  AND ($4 = '' OR o.start_date <= $4)
  AND o.id > $5

-- name: ListTimeOff
SELECT {{TimeOffColumns}} {{TimeOffFilter}} ORDER BY o.start_date, o.id LIMIT $6 OFFSET $7;

-- name: ListTimeOffByID
SELECT {{TimeOffColumns}} {{TimeOffFilter}} ORDER BY o.id LIMIT $6 OFFSET $7;

-- name: CountTimeOff
SELECT count(*) {{TimeOffFilter}};

-- name: InsertTimeOff
INSERT INTO team_time_off (user_id, kind, start_date, end_date, start_half_day, end_half_day, reason, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id;

-- name: UpdateTimeOff
UPDATE team_time_off SET kind = $2, start_date = $3, end_date = $4, start_half_day = $5, end_half_day = $6, reason = $7,
       updated_at = $8
WHERE id = $1;

-- name: DeleteTimeOff
DELETE FROM team_time_off WHERE id = $1;

-- name: OneOnOneColumns
o.id, o.member_id, o.manager_id, o.kind, o.held_on, o.notes, o.created_at, o.updated_at, mu.name, mg.name

-- name: OneOnOneFrom
FROM team_one_on_ones o JOIN users mu ON mu.id = o.member_id JOIN users mg ON mg.id = o.manager_id

-- name: GetOneOnOne
SELECT {{OneOnOneColumns}} {{OneOnOneFrom}} WHERE o.id = $1;

-- name: OneOnOneFilter
WHERE ($1 = 0 OR o.member_id = $1)
  AND ($2 = 0 OR o.manager_id = $2)
  AND o.id > $3

-- name: ListOneOnOnes
SELECT {{OneOnOneColumns}} {{OneOnOneFrom}} {{OneOnOneFilter}} ORDER BY o.id LIMIT $4 OFFSET $5;

-- name: CountOneOnOnes
SELECT count(*) {{OneOnOneFrom}} {{OneOnOneFilter}};

-- name: InsertOneOnOne
INSERT INTO team_one_on_ones (member_id, manager_id, kind, held_on, notes, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id;

-- name: DeleteOneOnOne
DELETE FROM team_one_on_ones WHERE id = $1;

-- name: LastOneOnOnes
SELECT member_id, kind, max(held_on) FROM team_one_on_ones WHERE manager_id = $1 GROUP BY member_id, kind;

-- name: MemberSatisfaction
SELECT r.score, r.comment, r.ticket_id, r.created_at FROM satisfaction_ratings r
WHERE r.assignee_id = $1 AND r.created_at >= $2
ORDER BY r.created_at DESC, r.id DESC;

-- name: MemberSpecialties
SELECT specialty FROM team_member_specialties WHERE user_id = $1 ORDER BY specialty;

-- name: MemberCalendar
SELECT u.time_zone, u.region, m.working_hours, m.start_date, m.end_date
FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.user_id = $1;

-- name: FlagFacts
SELECT m.user_id, m.level_id, COALESCE(l.key, ''), l.grade, u.job_title, u.grade, m.migration_note, u.region,
       u.verified_citizenship, m.working_hours,
       COALESCE((SELECT string_agg(s.specialty, ' ') FROM team_member_specialties s WHERE s.user_id = m.user_id), ''),
       (SELECT count(*) FROM organizations o WHERE o.ase_user_id = m.user_id)
FROM team_members m
JOIN users u ON u.id = m.user_id
LEFT JOIN team_levels l ON l.id = m.level_id;
