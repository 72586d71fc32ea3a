-- +goose Up
-- Support hiring (internal/hiring): the hiring plan, requisitions (Greenhouse
-- jobs) and their vacancies (openings), role pipelines as data (stages with
-- durations, interview kits and knockout rules), candidates and their
-- applications with stage history, interviews with assigned interviewers,
-- scorecards, and sourcing events (source-a-thons). Dates a person picks
-- (start dates, quarters) are text YYYY-MM-DD; moments are microseconds.

-- The VP's plan: headcount per quarter ("2027-Q1"), region and role.
CREATE TABLE hiring_plan_lines (
    id         {{id}},
    quarter    TEXT NOT NULL,
    region     TEXT NOT NULL CHECK (region IN ('AMER', 'EMEA', 'APAC')),
    role       TEXT NOT NULL,            -- a pipeline key
    headcount  BIGINT NOT NULL CHECK (headcount >= 0),
    hire_by    TEXT NOT NULL DEFAULT '', -- approximate hiring date
    notes      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX hiring_plan_lines_key ON hiring_plan_lines (quarter, region, role);

CREATE TABLE hiring_pipelines (
    id         {{id}},
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX hiring_pipelines_key ON hiring_pipelines (key);

-- kind: assessment, screen, technical, panel, leadership, references, offer, interview.
CREATE TABLE hiring_stages (
    id               {{id}},
    pipeline_id      BIGINT NOT NULL REFERENCES hiring_pipelines (id) ON DELETE CASCADE,
    position         BIGINT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL DEFAULT 0,
    kit              TEXT NOT NULL DEFAULT '{}', -- JSON: focus attributes and questions
    knockout         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX hiring_stages_position ON hiring_stages (pipeline_id, position);

CREATE TABLE hiring_requisitions (
    id                {{id}},
    requisition_id    TEXT NOT NULL,            -- "1001"
    name              TEXT NOT NULL,            -- the job title
    pipeline_id       BIGINT NOT NULL REFERENCES hiring_pipelines (id),
    region            TEXT NOT NULL CHECK (region IN ('AMER', 'EMEA', 'APAC')),
    status            TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    hiring_manager_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recruiter_id      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    plan_line_id      BIGINT REFERENCES hiring_plan_lines (id) ON DELETE SET NULL,
    level_key         TEXT NOT NULL DEFAULT '',
    greenhouse_id     BIGINT,
    notes             TEXT NOT NULL DEFAULT '',
    opened_at         BIGINT,
    closed_at         BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX hiring_requisitions_key ON hiring_requisitions (requisition_id);
CREATE UNIQUE INDEX hiring_requisitions_gh ON hiring_requisitions (greenhouse_id);

CREATE TABLE hiring_candidates (
    id            {{id}},
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',  -- primary, lower case; '' when anonymised
    emails        TEXT NOT NULL DEFAULT '',  -- every address, lower case, space separated
    phone         TEXT NOT NULL DEFAULT '',
    links         TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    referrer_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    sourced_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    sourcing_event_id BIGINT,
    merged_into   BIGINT REFERENCES hiring_candidates (id),
    retain_until  BIGINT,                     -- set when rejected everywhere
    anonymized_at BIGINT,
    greenhouse_id BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX hiring_candidates_email_idx ON hiring_candidates (email);
CREATE INDEX hiring_candidates_sourced_idx ON hiring_candidates (sourcing_event_id, sourced_by);
CREATE UNIQUE INDEX hiring_candidates_gh ON hiring_candidates (greenhouse_id);

CREATE TABLE hiring_applications (
    id               {{id}},
    candidate_id     BIGINT NOT NULL REFERENCES hiring_candidates (id),
    requisition_id   BIGINT NOT NULL REFERENCES hiring_requisitions (id),
    stage_id         BIGINT REFERENCES hiring_stages (id),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'rejected', 'hired')),
    rejection_reason TEXT NOT NULL DEFAULT '',
    credited_to      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    applied_at       BIGINT NOT NULL,
    rejected_at      BIGINT,
    hired_at         BIGINT,
    last_activity_at BIGINT NOT NULL,
    greenhouse_id    BIGINT
);
CREATE INDEX hiring_applications_board_idx ON hiring_applications (requisition_id, status, stage_id, last_activity_at, id);
CREATE INDEX hiring_applications_candidate_idx ON hiring_applications (candidate_id);
CREATE UNIQUE INDEX hiring_applications_gh ON hiring_applications (greenhouse_id);

CREATE TABLE hiring_stage_history (
    id             {{id}},
    application_id BIGINT NOT NULL REFERENCES hiring_applications (id) ON DELETE CASCADE,
    stage_id       BIGINT NOT NULL REFERENCES hiring_stages (id),
    entered_at     BIGINT NOT NULL,
    left_at        BIGINT,
    moved_by       BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX hiring_stage_history_app_idx ON hiring_stage_history (application_id, entered_at);

-- Openings: 1001-1, 1001-2 ... of a requisition.
CREATE TABLE hiring_vacancies (
    id                {{id}},
    requisition_id    BIGINT NOT NULL REFERENCES hiring_requisitions (id),
    opening_id        TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'open', 'offer', 'filled', 'closed')),
    close_reason      TEXT NOT NULL DEFAULT '',
    type              TEXT NOT NULL DEFAULT 'new' CHECK (type IN ('new', 'backfill')),
    target_start_date TEXT NOT NULL DEFAULT '',
    actual_start_date TEXT NOT NULL DEFAULT '',
    application_id    BIGINT REFERENCES hiring_applications (id),
    candidate_id      BIGINT REFERENCES hiring_candidates (id),
    member_id         BIGINT REFERENCES users (id) ON DELETE SET NULL, -- the team member created on the start date
    greenhouse_id     BIGINT,
    opened_at         BIGINT,
    closed_at         BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX hiring_vacancies_key ON hiring_vacancies (opening_id);
CREATE INDEX hiring_vacancies_req_idx ON hiring_vacancies (requisition_id);
CREATE UNIQUE INDEX hiring_vacancies_gh ON hiring_vacancies (greenhouse_id);

-- status: scheduled, awaiting_feedback, complete, cancelled.
CREATE TABLE hiring_interviews (
    id             {{id}},
    application_id BIGINT NOT NULL REFERENCES hiring_applications (id) ON DELETE CASCADE,
    stage_id       BIGINT NOT NULL REFERENCES hiring_stages (id),
    scheduled_at   BIGINT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'scheduled',
    cancel_reason  TEXT NOT NULL DEFAULT '',
    submission     TEXT NOT NULL DEFAULT '', -- an assessment's take-home answer (shown blind)
    created_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX hiring_interviews_app_idx ON hiring_interviews (application_id);

CREATE TABLE hiring_interviewers (
    interview_id BIGINT NOT NULL REFERENCES hiring_interviews (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (interview_id, user_id)
);
CREATE INDEX hiring_interviewers_user_idx ON hiring_interviewers (user_id, interview_id);

-- The opt-in attribute the panel rule reads: visible to schedulers only; never a gender field.
CREATE TABLE hiring_interviewer_attributes (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    non_male  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE hiring_scorecards (
    id                     {{id}},
    interview_id           BIGINT NOT NULL REFERENCES hiring_interviews (id) ON DELETE CASCADE,
    application_id         BIGINT NOT NULL REFERENCES hiring_applications (id) ON DELETE CASCADE,
    submitted_by           BIGINT NOT NULL REFERENCES users (id),
    submitted_at           BIGINT NOT NULL,
    interviewed_at         BIGINT NOT NULL,
    overall_recommendation TEXT NOT NULL,
    attributes             TEXT NOT NULL DEFAULT '[]',
    key_take_aways         TEXT NOT NULL,
    pros                   TEXT NOT NULL,
    cons                   TEXT NOT NULL,
    private_notes          TEXT NOT NULL DEFAULT '',
    greenhouse_id          BIGINT
);
CREATE UNIQUE INDEX hiring_scorecards_once ON hiring_scorecards (interview_id, submitted_by);
CREATE INDEX hiring_scorecards_app_idx ON hiring_scorecards (application_id);
CREATE UNIQUE INDEX hiring_scorecards_gh ON hiring_scorecards (greenhouse_id);

-- The handbook's "Scorecard Feedback": a manager's note on another
-- interviewer's scorecard, delivered to that interviewer only.
CREATE TABLE hiring_scorecard_feedback (
    id           {{id}},
    scorecard_id BIGINT NOT NULL REFERENCES hiring_scorecards (id) ON DELETE CASCADE,
    author_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX hiring_scorecard_feedback_idx ON hiring_scorecard_feedback (scorecard_id);

-- Voluntary demographic (EEO) answers, kept apart from the candidate:
-- never read with a candidate, reported only in aggregate.
CREATE TABLE hiring_demographics (
    candidate_id BIGINT PRIMARY KEY REFERENCES hiring_candidates (id) ON DELETE CASCADE,
    gender       TEXT NOT NULL DEFAULT 'declined',
    ethnicity    TEXT NOT NULL DEFAULT 'declined',
    veteran      TEXT NOT NULL DEFAULT 'declined',
    disability   TEXT NOT NULL DEFAULT 'declined',
    created_at   BIGINT NOT NULL
);

-- Source-a-thons: a role focus, goals per manager, a checklist due at month end.
CREATE TABLE hiring_sourcing_events (
    id           {{id}},
    name         TEXT NOT NULL,
    region       TEXT NOT NULL DEFAULT '',
    role_focus   TEXT NOT NULL DEFAULT '',
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    goal_month   BIGINT NOT NULL DEFAULT 40,
    goal_week    BIGINT NOT NULL DEFAULT 10,
    checklist_due TEXT NOT NULL DEFAULT '',
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
