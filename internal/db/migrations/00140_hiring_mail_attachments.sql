-- +goose Up
-- Hiring (issue 17): email to candidates from templates through the mail
-- outbox, scorecard reminders, and candidates' resume attachments.

-- A template edited by a recruiter; templates never edited are the
-- defaults in internal/hiring (mail.go).
CREATE TABLE hiring_email_templates (
    key        TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

-- Every email sent to a candidate (its activity); the address is blanked
-- when the candidate is anonymised.
CREATE TABLE hiring_candidate_emails (
    id             {{id}},
    candidate_id   BIGINT NOT NULL REFERENCES hiring_candidates (id) ON DELETE CASCADE,
    application_id BIGINT REFERENCES hiring_applications (id) ON DELETE SET NULL,
    template       TEXT NOT NULL,
    to_email       TEXT NOT NULL,
    subject        TEXT NOT NULL,
    sent_by        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX hiring_candidate_emails_idx ON hiring_candidate_emails (candidate_id, id);

-- When an interviewer was reminded of an overdue scorecard: set once, by
-- compare-and-set, so two nodes never remind twice.
ALTER TABLE hiring_interviewers ADD COLUMN reminded_at BIGINT;

-- Resumes and cover letters (Greenhouse's candidate attachments), in the
-- database so that a backup holds them and an erasure removes them.
CREATE TABLE hiring_attachments (
    id           {{id}},
    candidate_id BIGINT NOT NULL REFERENCES hiring_candidates (id) ON DELETE CASCADE,
    type         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    content      {{blob}} NOT NULL,
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX hiring_attachments_candidate_idx ON hiring_attachments (candidate_id, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
