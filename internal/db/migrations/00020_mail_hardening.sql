-- +goose Up
-- Hardening of inbound mail (issue 15).
--
-- mail_messages records how the sender was verified: auth is pass, fail or
-- none (DKIM/SPF/DMARC checked here, or the Authentication-Results of a
-- trusted relay; '' for messages stored before verification existed),
-- auth_details the evidence, notes what the channel withheld (e.g. CCs not
-- added because a reply carried no reply token).
ALTER TABLE mail_messages ADD COLUMN auth TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_messages ADD COLUMN auth_details TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_messages ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- Messages refused with a permanent 5xx (MIME too deep or too many parts,
-- parse time, unparseable, a line too long, unauthenticated staff mail,
-- unverified mail under --mail-unverified=reject), kept byte-exact for an
-- admin to inspect. code is the machine-readable reason (mime-depth,
-- mime-parts, parse-time, line-length, unparseable, unauthenticated).
CREATE TABLE mail_rejected (
    id            {{id}},
    channel       TEXT NOT NULL DEFAULT 'smtp',
    remote        TEXT NOT NULL DEFAULT '',
    envelope_from TEXT NOT NULL DEFAULT '',
    recipients    TEXT NOT NULL DEFAULT '',
    message_id    TEXT NOT NULL DEFAULT '',
    from_header   TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    code          TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    raw           {{blob}} NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE INDEX mail_rejected_received_idx ON mail_rejected (received_at, id);
CREATE INDEX mail_rejected_sha256_idx ON mail_rejected (sha256);

-- Secrets of the email channel, created once by the first node that needs
-- one: "reply-token" signs the per-recipient tokens of outbound mail.
CREATE TABLE mail_keys (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
