-- +goose Up
-- Tickets, their comments, audits (Zendesk ticket audits), collaborators (CCs)
-- and attachments. Timestamps are BIGINT microseconds since the Unix epoch
-- (UTC). Tags are stored as " a b " text, custom fields, via source and audit
-- events as JSON text, so both engines hold the same values.

CREATE TABLE tickets (
    id              {{id}},
    external_id     TEXT,
    type            TEXT CHECK (type IS NULL OR type IN ('question', 'incident', 'problem', 'task')),
    subject         TEXT NOT NULL DEFAULT '',
    raw_subject     TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    priority        TEXT CHECK (priority IS NULL OR priority IN ('low', 'normal', 'high', 'urgent')),
    status          TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'hold', 'solved', 'closed')),
    recipient       TEXT NOT NULL DEFAULT '',
    requester_id    BIGINT NOT NULL REFERENCES users (id),
    submitter_id    BIGINT NOT NULL REFERENCES users (id),
    assignee_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    group_id        BIGINT REFERENCES groups (id) ON DELETE SET NULL,
    tags            TEXT NOT NULL DEFAULT '',
    custom_fields   TEXT NOT NULL DEFAULT '[]',
    via_channel     TEXT NOT NULL DEFAULT 'web',
    via_source      TEXT NOT NULL DEFAULT '{}',
    problem_id      BIGINT REFERENCES tickets (id) ON DELETE SET NULL,
    merged_into_id  BIGINT REFERENCES tickets (id) ON DELETE SET NULL,
    due_at          BIGINT,
    is_public       BOOLEAN NOT NULL DEFAULT TRUE,
    solved_at       BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_external_id_key ON tickets (external_id);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, id);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, id);
CREATE INDEX tickets_organization_idx ON tickets (organization_id, id);
CREATE INDEX tickets_group_idx ON tickets (group_id, id);
CREATE INDEX tickets_status_idx ON tickets (status, id);
CREATE INDEX tickets_updated_idx ON tickets (updated_at, id);
CREATE INDEX tickets_problem_idx ON tickets (problem_id);

CREATE TABLE ticket_collaborators (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_collaborators_user_idx ON ticket_collaborators (user_id, ticket_id);

CREATE TABLE ticket_comments (
    id          {{id}},
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL DEFAULT '',
    html_body   TEXT NOT NULL DEFAULT '',
    plain_body  TEXT NOT NULL DEFAULT '',
    public      BOOLEAN NOT NULL DEFAULT TRUE,
    via_channel TEXT NOT NULL DEFAULT 'web',
    via_source  TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, id);

CREATE TABLE ticket_audits (
    id          {{id}},
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id   BIGINT,
    via_channel TEXT NOT NULL DEFAULT 'web',
    via_source  TEXT NOT NULL DEFAULT '{}',
    events      TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL
);
CREATE INDEX ticket_audits_ticket_idx ON ticket_audits (ticket_id, id);

CREATE TABLE attachments (
    id           {{id}},
    token        TEXT NOT NULL,
    ticket_id    BIGINT REFERENCES tickets (id) ON DELETE CASCADE,
    comment_id   BIGINT REFERENCES ticket_comments (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    author_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX attachments_token_key ON attachments (token);
CREATE INDEX attachments_comment_idx ON attachments (comment_id, id);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
