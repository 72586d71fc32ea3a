-- +goose Up
-- One-time set-password links (internal/auth/links.go): an admin's
-- invitation or a "forgot password" request. Only the SHA-256 of the
-- token is stored; a link is used once and expires.
CREATE TABLE password_links (
    id         {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_links_user_idx ON password_links (user_id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
