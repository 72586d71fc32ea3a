-- +goose Up
-- The first admin's one-time password must be changed at first sign-in
-- (internal/auth: RequirePasswordChange sets the flag, any new password
-- clears it; the web layer sends a flagged session to /settings/password).
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
