-- name: CountPipelines
SELECT count(*) FROM hiring_pipelines;

-- name: InsertPipeline
INSERT INTO hiring_pipelines (key, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id;

-- name: InsertStage
INSERT INTO hiring_stages (pipeline_id, position, name, kind, duration_minutes, kit, knockout) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ListPipelines
SELECT id, key, name FROM hiring_pipelines ORDER BY id;

-- name: StageColumns
s.id, s.pipeline_id, s.position, s.name, s.kind, s.duration_minutes, s.kit, s.knockout

-- name: StagesOf
SELECT {{StageColumns}} FROM hiring_stages s WHERE s.pipeline_id = $1 ORDER BY s.position;

-- name: GetStage
SELECT {{StageColumns}} FROM hiring_stages s WHERE s.id = $1;

-- name: PipelineByKey
SELECT id FROM hiring_pipelines WHERE key = $1;

-- name: PlanLineByKey
SELECT id FROM hiring_plan_lines WHERE quarter = $1 AND region = $2 AND role = $3;

-- name: InsertPlanLine
INSERT INTO hiring_plan_lines (quarter, region, role, headcount, hire_by, notes, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id;

-- name: UpdatePlanLine
UPDATE hiring_plan_lines SET headcount = $2, hire_by = $3, notes = $4, updated_at = $5 WHERE id = $1;

-- name: PlanColumns
p.id, p.quarter, p.region, p.role, p.headcount, p.hire_by, p.notes, p.created_at, p.updated_at,
(SELECT count(*) FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id WHERE r.plan_line_id = p.id AND v.status <> 'closed'),
(SELECT count(*) FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id WHERE r.plan_line_id = p.id AND v.status = 'filled')

-- name: GetPlanLine
SELECT {{PlanColumns}} FROM hiring_plan_lines p WHERE p.id = $1;

-- name: ListPlan
SELECT {{PlanColumns}} FROM hiring_plan_lines p WHERE ($1 = '' OR p.quarter = $1) ORDER BY p.quarter, p.region, p.role;

-- name: InsertRequisition
INSERT INTO hiring_requisitions (requisition_id, name, pipeline_id, region, status, hiring_manager_id, recruiter_id, plan_line_id,
  level_key, notes, greenhouse_id, opened_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id;

-- name: RequisitionColumns
r.id, r.requisition_id, r.name, r.status, r.region, r.pipeline_id, p.key, r.hiring_manager_id, r.recruiter_id, r.plan_line_id,
r.level_key, r.notes, r.opened_at, r.closed_at, r.created_at, r.updated_at

-- name: GetRequisition
SELECT {{RequisitionColumns}} FROM hiring_requisitions r JOIN hiring_pipelines p ON p.id = r.pipeline_id WHERE r.id = $1;

-- name: ListRequisitions
SELECT {{RequisitionColumns}} FROM hiring_requisitions r JOIN hiring_pipelines p ON p.id = r.pipeline_id
WHERE r.id > $1 AND ($2 = '' OR r.region = $2) AND ($3 = '' OR r.status = $3)
ORDER BY r.id LIMIT $4 OFFSET $5;

-- name: CountRequisitions
SELECT count(*) FROM hiring_requisitions r WHERE ($1 = '' OR r.region = $1) AND ($2 = '' OR r.status = $2);

-- name: NextOpeningNumber
SELECT count(*) + 1 FROM hiring_vacancies WHERE requisition_id = $1;

-- name: InsertVacancy
INSERT INTO hiring_vacancies (requisition_id, opening_id, status, type, target_start_date, greenhouse_id, opened_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id;

-- name: VacancyColumns
v.id, v.requisition_id, v.opening_id, r.name, r.region, r.hiring_manager_id, v.status, v.close_reason, v.type, v.target_start_date,
v.actual_start_date, v.application_id, v.candidate_id, v.member_id, v.opened_at, v.closed_at, v.created_at, v.updated_at

-- name: GetVacancy
SELECT {{VacancyColumns}} FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id WHERE v.id = $1;

-- name: ListVacancies
SELECT {{VacancyColumns}} FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id
WHERE v.id > $1 AND ($2 = '' OR r.region = $2) AND ($3 = '' OR v.status = $3) AND ($4 = 0 OR v.requisition_id = $4)
ORDER BY v.id LIMIT $5 OFFSET $6;

-- name: CountVacancies
SELECT count(*) FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id
WHERE ($1 = '' OR r.region = $1) AND ($2 = '' OR v.status = $2) AND ($3 = 0 OR v.requisition_id = $3);

-- name: UpdateVacancy
UPDATE hiring_vacancies SET status = $2, close_reason = $3, type = $4, target_start_date = $5, opened_at = $6, closed_at = $7, updated_at = $8
WHERE id = $1;

-- name: FillVacancy
UPDATE hiring_vacancies SET status = 'filled', application_id = $2, candidate_id = $3, actual_start_date = $4, closed_at = $5, updated_at = $5 WHERE id = $1;

-- name: InsertCandidate
INSERT INTO hiring_candidates (first_name, last_name, email, emails, phone, links, source, referrer_id, sourced_by, sourcing_event_id,
  greenhouse_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id;

-- name: CandidateByEmail
SELECT id FROM hiring_candidates WHERE email = $1 AND merged_into IS NULL ORDER BY id LIMIT 1;

-- name: CandidateColumns
c.id, c.first_name, c.last_name, c.email, c.emails, c.phone, c.links, c.source, c.referrer_id, c.sourced_by, c.sourcing_event_id,
c.merged_into, c.retain_until, c.anonymized_at, c.created_at, c.updated_at

-- name: GetCandidate
SELECT {{CandidateColumns}} FROM hiring_candidates c WHERE c.id = $1;

-- name: VisibleApp
(a.requisition_id IN (SELECT hr.id FROM hiring_requisitions hr WHERE hr.hiring_manager_id = $V)
 OR EXISTS (SELECT 1 FROM hiring_interviews vi JOIN hiring_interviewers viv ON viv.interview_id = vi.id
            JOIN hiring_stages vs ON vs.id = vi.stage_id
            WHERE vi.application_id = a.id AND viv.user_id = $V AND vs.kind <> 'assessment'))

-- name: ListCandidates
SELECT {{CandidateColumns}} FROM hiring_candidates c
WHERE c.id > $1 AND c.merged_into IS NULL AND ($2 = '' OR c.email = $2) AND ($3 = 0 OR c.sourcing_event_id = $3)
  AND ($4 = 0 OR EXISTS (SELECT 1 FROM hiring_applications a WHERE a.candidate_id = c.id AND {{VisibleApp}}))
ORDER BY c.id LIMIT $5 OFFSET $6;

-- name: CountCandidates
SELECT count(*) FROM hiring_candidates c
WHERE c.merged_into IS NULL AND ($1 = '' OR c.email = $1) AND ($2 = 0 OR c.sourcing_event_id = $2)
  AND ($3 = 0 OR EXISTS (SELECT 1 FROM hiring_applications a WHERE a.candidate_id = c.id AND {{VisibleApp}}));

-- name: CandidateApplicationIDs
SELECT id FROM hiring_applications WHERE candidate_id = $1 ORDER BY id;

-- name: MergeApplications
UPDATE hiring_applications SET candidate_id = $2 WHERE candidate_id = $1;

-- name: MarkMerged
UPDATE hiring_candidates SET merged_into = $2, updated_at = $3 WHERE id = $1;

-- name: SetCandidateEmails
UPDATE hiring_candidates SET emails = $2, updated_at = $3 WHERE id = $1;

-- name: SetRetention
UPDATE hiring_candidates SET retain_until = $2, updated_at = $3 WHERE id = $1;

-- name: CandidatesDue
SELECT id FROM hiring_candidates WHERE retain_until IS NOT NULL AND retain_until <= $1 AND anonymized_at IS NULL ORDER BY id LIMIT 500;

-- name: Anonymize
UPDATE hiring_candidates SET first_name = 'Anonymised', last_name = 'candidate', email = '', emails = '', phone = '', links = '',
  anonymized_at = $2, updated_at = $2 WHERE id = $1;

-- name: InsertApplication
INSERT INTO hiring_applications (candidate_id, requisition_id, stage_id, status, credited_to, applied_at, last_activity_at, greenhouse_id)
VALUES ($1, $2, $3, 'active', $4, $5, $5, $6) RETURNING id;

-- name: ApplicationColumns
a.id, a.candidate_id, c.first_name, c.last_name, a.requisition_id, a.status, a.stage_id, COALESCE(s.name, ''), COALESCE(s.kind, ''),
a.rejection_reason, a.credited_to, a.applied_at, a.rejected_at, a.hired_at, a.last_activity_at

-- name: ApplicationFrom
FROM hiring_applications a JOIN hiring_candidates c ON c.id = a.candidate_id LEFT JOIN hiring_stages s ON s.id = a.stage_id

-- name: GetApplication
SELECT {{ApplicationColumns}} {{ApplicationFrom}} WHERE a.id = $1;

-- name: ListApplications
SELECT {{ApplicationColumns}} {{ApplicationFrom}}
WHERE a.id > $1 AND ($2 = 0 OR a.requisition_id = $2) AND ($3 = 0 OR a.candidate_id = $3) AND ($4 = '' OR a.status = $4)
  AND ($5 = 0 OR {{VisibleApp}})
ORDER BY a.id LIMIT $6 OFFSET $7;

-- name: CountApplications
SELECT count(*) FROM hiring_applications a
WHERE ($1 = 0 OR a.requisition_id = $1) AND ($2 = 0 OR a.candidate_id = $2) AND ($3 = '' OR a.status = $3) AND ($4 = 0 OR {{VisibleApp}});

-- name: Board
SELECT {{ApplicationColumns}} {{ApplicationFrom}}
WHERE a.requisition_id = $1 AND a.status = 'active' AND a.stage_id = $2 ORDER BY a.last_activity_at DESC, a.id DESC LIMIT $3;

-- name: BoardCounts
SELECT a.stage_id, count(*) FROM hiring_applications a WHERE a.requisition_id = $1 AND a.status = 'active' GROUP BY a.stage_id;

-- name: HistoryOf
SELECT h.stage_id, s.name, s.kind, h.entered_at, h.left_at FROM hiring_stage_history h JOIN hiring_stages s ON s.id = h.stage_id
WHERE h.application_id = $1 ORDER BY h.entered_at, h.id;

-- name: CloseHistory
UPDATE hiring_stage_history SET left_at = $2 WHERE application_id = $1 AND left_at IS NULL;

-- name: InsertHistory
INSERT INTO hiring_stage_history (application_id, stage_id, entered_at, moved_by) VALUES ($1, $2, $3, $4);

-- name: SetStage
UPDATE hiring_applications SET stage_id = $2, last_activity_at = $3 WHERE id = $1;

-- name: RejectApplication
UPDATE hiring_applications SET status = 'rejected', rejection_reason = $2, rejected_at = $3, last_activity_at = $3 WHERE id = $1;

-- name: HireApplication
UPDATE hiring_applications SET status = 'hired', stage_id = NULL, hired_at = $2, last_activity_at = $2 WHERE id = $1;

-- name: ActiveApplicationsOf
SELECT count(*) FROM hiring_applications WHERE candidate_id = $1 AND status <> 'rejected';

-- name: FailedTechnical
SELECT count(*) FROM hiring_scorecards sc JOIN hiring_interviews i ON i.id = sc.interview_id JOIN hiring_stages s ON s.id = i.stage_id
WHERE sc.application_id = $1 AND s.kind = 'technical' AND sc.overall_recommendation IN ('no', 'definitely_not');

-- name: MemberFacts
SELECT u.id, u.region, u.role, u.active,
  EXISTS (SELECT 1 FROM team_members tm JOIN team_levels tl ON tl.id = tm.level_id WHERE tm.user_id = u.id AND tl.track = 'manager'),
  COALESCE((SELECT ia.non_male FROM hiring_interviewer_attributes ia WHERE ia.user_id = u.id), FALSE)
FROM users u WHERE u.id = $1;

-- name: TrainingsOf
SELECT training FROM user_trainings WHERE user_id = $1 ORDER BY training;

-- name: TrainedReviewers
SELECT u.id, u.region FROM users u JOIN user_trainings t ON t.user_id = u.id AND t.training = $1
WHERE u.active AND u.role IN ('agent', 'admin') AND u.region <> '' ORDER BY u.id;

-- name: CountAssessments
SELECT count(*) FROM hiring_interviews i JOIN hiring_stages s ON s.id = i.stage_id WHERE s.kind = 'assessment';

-- name: InsertInterview
INSERT INTO hiring_interviews (application_id, stage_id, scheduled_at, status, submission, created_by, created_at)
VALUES ($1, $2, $3, 'scheduled', $4, $5, $6) RETURNING id;

-- name: InsertInterviewer
INSERT INTO hiring_interviewers (interview_id, user_id) VALUES ($1, $2);

-- name: InterviewColumns
i.id, i.application_id, a.candidate_id, a.requisition_id, s.id, s.name, s.kind, i.scheduled_at, i.status, i.cancel_reason, i.submission, i.created_at

-- name: InterviewFrom
FROM hiring_interviews i JOIN hiring_applications a ON a.id = i.application_id JOIN hiring_stages s ON s.id = i.stage_id

-- name: GetInterview
SELECT {{InterviewColumns}} {{InterviewFrom}} WHERE i.id = $1;

-- name: ListInterviews
SELECT {{InterviewColumns}} {{InterviewFrom}}
WHERE i.id > $1 AND ($2 = 0 OR i.application_id = $2) AND ($3 = '' OR i.status = $3)
  AND ($4 = 0 OR EXISTS (SELECT 1 FROM hiring_interviewers x WHERE x.interview_id = i.id AND x.user_id = $4)
       OR a.requisition_id IN (SELECT hr.id FROM hiring_requisitions hr WHERE hr.hiring_manager_id = $4))
  AND ($5 = 0 OR EXISTS (SELECT 1 FROM hiring_interviewers x WHERE x.interview_id = i.id AND x.user_id = $5))
ORDER BY i.id LIMIT $6 OFFSET $7;

-- name: CountInterviews
SELECT count(*) {{InterviewFrom}}
WHERE ($1 = 0 OR i.application_id = $1) AND ($2 = '' OR i.status = $2)
  AND ($3 = 0 OR EXISTS (SELECT 1 FROM hiring_interviewers x WHERE x.interview_id = i.id AND x.user_id = $3)
       OR a.requisition_id IN (SELECT hr.id FROM hiring_requisitions hr WHERE hr.hiring_manager_id = $3))
  AND ($4 = 0 OR EXISTS (SELECT 1 FROM hiring_interviewers x WHERE x.interview_id = i.id AND x.user_id = $4));

-- name: InterviewersOf
SELECT user_id FROM hiring_interviewers WHERE interview_id = $1 ORDER BY user_id;

-- name: SetInterviewStatus
UPDATE hiring_interviews SET status = $2, cancel_reason = $3 WHERE id = $1;

-- name: ScheduledPanels
SELECT i.id FROM hiring_interviews i JOIN hiring_stages s ON s.id = i.stage_id
WHERE i.application_id = $1 AND s.kind = 'panel' AND i.status = 'scheduled';

-- name: OpenInterviewsOf
SELECT id FROM hiring_interviews WHERE application_id = $1 AND status IN ('scheduled', 'awaiting_feedback');

-- name: ScorecardBy
SELECT count(*) FROM hiring_scorecards WHERE interview_id = $1 AND submitted_by = $2;

-- name: ScorecardsOfInterview
SELECT count(*) FROM hiring_scorecards WHERE interview_id = $1;

-- name: InsertScorecard
INSERT INTO hiring_scorecards (interview_id, application_id, submitted_by, submitted_at, interviewed_at, overall_recommendation,
  attributes, key_take_aways, pros, cons, private_notes, greenhouse_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id;

-- name: ScorecardColumns
sc.id, sc.interview_id, s.id, s.name, s.kind, a.candidate_id, sc.application_id, sc.interviewed_at, sc.submitted_by, sc.submitted_at,
sc.overall_recommendation, sc.attributes, sc.key_take_aways, sc.pros, sc.cons, sc.private_notes

-- name: ScorecardFrom
FROM hiring_scorecards sc JOIN hiring_interviews i ON i.id = sc.interview_id JOIN hiring_stages s ON s.id = i.stage_id
JOIN hiring_applications a ON a.id = sc.application_id

-- name: GetScorecard
SELECT {{ScorecardColumns}} {{ScorecardFrom}} WHERE sc.id = $1;

-- name: VisibleScorecard
(sc.submitted_by = $V OR a.requisition_id IN (SELECT hr.id FROM hiring_requisitions hr WHERE hr.hiring_manager_id = $V)
 OR EXISTS (SELECT 1 FROM hiring_scorecards own WHERE own.application_id = sc.application_id AND own.submitted_by = $V))

-- name: ListScorecards
SELECT {{ScorecardColumns}} {{ScorecardFrom}}
WHERE sc.id > $1 AND ($2 = 0 OR sc.application_id = $2) AND ($3 = 0 OR sc.interview_id = $3) AND ($4 = 0 OR {{VisibleScorecard}})
ORDER BY sc.id LIMIT $5 OFFSET $6;

-- name: CountScorecards
SELECT count(*) {{ScorecardFrom}}
WHERE ($1 = 0 OR sc.application_id = $1) AND ($2 = 0 OR sc.interview_id = $2) AND ($3 = 0 OR {{VisibleScorecard}});

-- name: UpsertAttribute
INSERT INTO hiring_interviewer_attributes (user_id, non_male, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET non_male = excluded.non_male, updated_at = excluded.updated_at;

-- name: InsertSourcingEvent
INSERT INTO hiring_sourcing_events (name, region, role_focus, starts_on, ends_on, goal_month, goal_week, checklist_due, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id;

-- name: SourcingColumns
e.id, e.name, e.region, e.role_focus, e.starts_on, e.ends_on, e.goal_month, e.goal_week, e.checklist_due, e.created_at

-- name: GetSourcingEvent
SELECT {{SourcingColumns}} FROM hiring_sourcing_events e WHERE e.id = $1;

-- name: ListSourcingEvents
SELECT {{SourcingColumns}} FROM hiring_sourcing_events e WHERE e.id > $1 ORDER BY e.id LIMIT $2 OFFSET $3;

-- name: CountSourcingEvents
SELECT count(*) FROM hiring_sourcing_events;

-- name: SourcingProgress
SELECT c.sourced_by, u.name, count(*) FROM hiring_candidates c JOIN users u ON u.id = c.sourced_by
WHERE c.sourcing_event_id = $1 GROUP BY c.sourced_by, u.name ORDER BY count(*) DESC, u.name;

-- name: DueStarts
SELECT v.id, v.opening_id, v.actual_start_date, r.name, r.region, r.hiring_manager_id, r.level_key, p.key, c.first_name, c.last_name, c.email
FROM hiring_vacancies v JOIN hiring_requisitions r ON r.id = v.requisition_id JOIN hiring_pipelines p ON p.id = r.pipeline_id
JOIN hiring_candidates c ON c.id = v.candidate_id
WHERE v.status = 'filled' AND v.member_id IS NULL AND v.actual_start_date <> '' AND v.actual_start_date <= $1
ORDER BY v.id;

-- name: SetVacancyMember
UPDATE hiring_vacancies SET member_id = $2, updated_at = $3 WHERE id = $1 AND member_id IS NULL;

-- name: RequisitionByGH
SELECT id FROM hiring_requisitions WHERE greenhouse_id = $1;

-- name: VacancyByGH
SELECT id FROM hiring_vacancies WHERE greenhouse_id = $1;

-- name: CandidateByGH
SELECT id FROM hiring_candidates WHERE greenhouse_id = $1;

-- name: ApplicationByGH
SELECT id FROM hiring_applications WHERE greenhouse_id = $1;

-- name: ScorecardByGH
SELECT id FROM hiring_scorecards WHERE greenhouse_id = $1;

-- name: UserByName
SELECT id FROM users WHERE lower(name) = lower($1) AND role IN ('agent', 'admin') ORDER BY id LIMIT 1;

-- name: ImportApplicationState
UPDATE hiring_applications SET stage_id = $2, status = $3, rejection_reason = $4, rejected_at = $5, hired_at = $6, last_activity_at = $7 WHERE id = $1;

-- name: ImportVacancyState
UPDATE hiring_vacancies SET status = $2, close_reason = $3, application_id = $4, candidate_id = $5, closed_at = $6 WHERE id = $1;

-- name: InsertImportedInterview
INSERT INTO hiring_interviews (application_id, stage_id, scheduled_at, status, created_at) VALUES ($1, $2, $3, 'complete', $4) RETURNING id;

-- name: Schedulable
SELECT u.id, u.name, u.region,
  EXISTS (SELECT 1 FROM user_trainings t WHERE t.user_id = u.id AND t.training = 'stage-1-assessment-review'),
  EXISTS (SELECT 1 FROM user_trainings t WHERE t.user_id = u.id AND t.training = 'stage-2-technical-interview'),
  EXISTS (SELECT 1 FROM team_members tm JOIN team_levels tl ON tl.id = tm.level_id WHERE tm.user_id = u.id AND tl.track = 'manager'),
  COALESCE((SELECT ia.non_male FROM hiring_interviewer_attributes ia WHERE ia.user_id = u.id), FALSE)
FROM users u WHERE u.active AND u.role IN ('agent', 'admin') ORDER BY u.name, u.id LIMIT 2000;

-- name: InsertFeedback
INSERT INTO hiring_scorecard_feedback (scorecard_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: FeedbackFor
SELECT f.id, f.scorecard_id, sc.interview_id, s.name, f.author_id, COALESCE(u.name, ''), f.body, f.created_at
FROM hiring_scorecard_feedback f JOIN hiring_scorecards sc ON sc.id = f.scorecard_id
JOIN hiring_interviews i ON i.id = sc.interview_id JOIN hiring_stages s ON s.id = i.stage_id
LEFT JOIN users u ON u.id = f.author_id
WHERE sc.submitted_by = $1 OR f.author_id = $1 ORDER BY f.id DESC LIMIT 200;

-- name: UpsertDemographics
INSERT INTO hiring_demographics (candidate_id, gender, ethnicity, veteran, disability, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (candidate_id) DO UPDATE SET gender = excluded.gender, ethnicity = excluded.ethnicity, veteran = excluded.veteran,
  disability = excluded.disability, created_at = excluded.created_at;

-- name: HasUSApplication
SELECT count(*) FROM hiring_applications a JOIN hiring_requisitions r ON r.id = a.requisition_id WHERE a.candidate_id = $1 AND r.region = 'AMER';

-- name: DemographicCounts
SELECT 'gender', gender, count(*) FROM hiring_demographics GROUP BY gender
UNION ALL SELECT 'ethnicity', ethnicity, count(*) FROM hiring_demographics GROUP BY ethnicity
UNION ALL SELECT 'veteran', veteran, count(*) FROM hiring_demographics GROUP BY veteran
UNION ALL SELECT 'disability', disability, count(*) FROM hiring_demographics GROUP BY disability;

-- name: DeleteDemographics
DELETE FROM hiring_demographics WHERE candidate_id = $1;

-- name: PlannedHeadcount
SELECT count(*), COALESCE(sum(headcount), 0) FROM hiring_plan_lines WHERE quarter >= $1 AND quarter <= $2;

-- name: StartedHires
SELECT count(*) FROM hiring_vacancies WHERE status = 'filled' AND actual_start_date >= $1 AND actual_start_date <= $2;

-- name: FilledDurations
SELECT opened_at, closed_at FROM hiring_vacancies
WHERE status = 'filled' AND opened_at IS NOT NULL AND closed_at >= $1 AND closed_at < $2;

-- name: AddPlanHeadcount
UPDATE hiring_plan_lines SET headcount = headcount + $2, notes = CASE WHEN notes = '' THEN $3 ELSE notes END, updated_at = $4 WHERE id = $1;

-- name: EmailTemplates
SELECT key, subject, body, updated_at FROM hiring_email_templates ORDER BY key;

-- name: SaveEmailTemplate
INSERT INTO hiring_email_templates (key, subject, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (key) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at;

-- name: UserName
SELECT name FROM users WHERE id = $1;

-- name: ApplicationJob
SELECT a.candidate_id, r.name, r.region FROM hiring_applications a JOIN hiring_requisitions r ON r.id = a.requisition_id WHERE a.id = $1;

-- name: InsertCandidateEmail
INSERT INTO hiring_candidate_emails (candidate_id, application_id, template, to_email, subject, sent_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id;

-- name: CandidateEmails
SELECT id, candidate_id, application_id, template, to_email, subject, sent_by, created_at
FROM hiring_candidate_emails WHERE candidate_id = $1 ORDER BY id DESC LIMIT 200;

-- name: ForgetCandidateEmails
UPDATE hiring_candidate_emails SET to_email = '' WHERE candidate_id = $1;

-- name: ScorecardsOverdue
-- Assigned interviewers of interviews held before $1 (a day ago) with no
-- scorecard of theirs and no reminder yet; the caller keeps those past
-- the due moment (one business day after the interview).
SELECT iv.id, u.id, iv.application_id, iv.scheduled_at, u.name, COALESCE(u.email, ''), st.name
FROM hiring_interviewers hi
JOIN hiring_interviews iv ON iv.id = hi.interview_id
JOIN hiring_stages st ON st.id = iv.stage_id
JOIN users u ON u.id = hi.user_id
WHERE iv.scheduled_at < $1 AND iv.status <> 'cancelled' AND hi.reminded_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM hiring_scorecards sc WHERE sc.interview_id = iv.id AND sc.submitted_by = hi.user_id)
ORDER BY iv.id, u.id LIMIT 500;

-- name: ClaimReminder
UPDATE hiring_interviewers SET reminded_at = $3 WHERE interview_id = $1 AND user_id = $2 AND reminded_at IS NULL;

-- name: InsertAttachment
INSERT INTO hiring_attachments (candidate_id, type, filename, content_type, size, content, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id;

-- name: Attachments
SELECT id, candidate_id, type, filename, content_type, size, created_by, created_at
FROM hiring_attachments WHERE candidate_id = $1 ORDER BY id;

-- name: AttachmentContent
SELECT id, candidate_id, type, filename, content_type, size, created_by, created_at, content
FROM hiring_attachments WHERE id = $1 AND candidate_id = $2;

-- name: DeleteAttachment
DELETE FROM hiring_attachments WHERE id = $1 AND candidate_id = $2;

-- name: ForgetAttachments
DELETE FROM hiring_attachments WHERE candidate_id = $1;
