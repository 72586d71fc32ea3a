-- +goose Up
-- The email channel: every inbound message with its raw .eml (kept in the
-- database so it commits together with the ticket change it caused; the
-- Message-ID is unique, so a redelivered message is stored once), and the
-- durable outbox of outbound mail with its retry state. Timestamps are
-- BIGINT microseconds since the Unix epoch (UTC).

CREATE TABLE mail_messages (
    id            {{id}},
    message_id    TEXT NOT NULL,
    ticket_id     BIGINT REFERENCES tickets (id) ON DELETE SET NULL,
    comment_id    BIGINT REFERENCES ticket_comments (id) ON DELETE SET NULL,
    mailbox       TEXT NOT NULL DEFAULT '',
    envelope_from TEXT NOT NULL DEFAULT '',
    from_email    TEXT NOT NULL DEFAULT '',
    from_name     TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    in_reply_to   TEXT NOT NULL DEFAULT '',
    refs          TEXT NOT NULL DEFAULT '',
    verdict       TEXT NOT NULL CHECK (verdict IN ('accept', 'accept-no-auto-reply', 'drop')),
    reason        TEXT NOT NULL DEFAULT '',
    thread        TEXT NOT NULL DEFAULT '',
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    raw           {{blob}} NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX mail_messages_message_id_key ON mail_messages (message_id);
CREATE INDEX mail_messages_ticket_idx ON mail_messages (ticket_id, id);

CREATE TABLE mail_outbox (
    id              {{id}},
    ticket_id       BIGINT REFERENCES tickets (id) ON DELETE CASCADE,
    comment_id      BIGINT REFERENCES ticket_comments (id) ON DELETE SET NULL,
    message_id      TEXT NOT NULL,
    message         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX mail_outbox_message_id_key ON mail_outbox (message_id);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at, id);
CREATE INDEX mail_outbox_ticket_idx ON mail_outbox (ticket_id, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
