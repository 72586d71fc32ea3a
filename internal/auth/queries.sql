-- name: CredentialsByEmail
SELECT id, name, COALESCE(email, ''), role, active, suspended, COALESCE(password_hash, '')
FROM users WHERE lower(email) = lower($1);

-- name: PrincipalByID
SELECT id, name, COALESCE(email, ''), role, active, suspended
FROM users WHERE id = $1;

-- name: SetPasswordHash
UPDATE users SET password_hash = $2, updated_at = $3, must_change_password = FALSE WHERE id = $1;

-- name: TouchLogin
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: InsertSession
INSERT INTO sessions (token_hash, user_id, csrf_token, user_agent, ip, created_at, last_seen_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $6, $7);

-- name: SessionByHash
SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at,
       u.name, COALESCE(u.email, ''), u.role, u.active, u.suspended, u.must_change_password
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1;

-- name: ExtendSession
UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1;

-- name: DeleteSession
DELETE FROM sessions WHERE token_hash = $1;

-- name: DeleteUserSessions
DELETE FROM sessions WHERE user_id = $1;

-- name: DeleteExpiredSessions
DELETE FROM sessions WHERE expires_at <= $1;

-- name: InsertToken
INSERT INTO api_tokens (user_id, description, token_hash, token_prefix, created_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: TokenByHash
SELECT t.id, t.user_id, t.last_used_at, u.name, COALESCE(u.email, ''), u.role, u.active, u.suspended
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1;

-- name: TouchToken
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1;

-- name: ListTokens
SELECT id, user_id, description, token_prefix, created_at, last_used_at
FROM api_tokens
WHERE ($1 = 0 OR user_id = $1)
ORDER BY id;

-- name: GetToken
SELECT id, user_id, description, token_prefix, created_at, last_used_at
FROM api_tokens WHERE id = $1;

-- name: DeleteToken
DELETE FROM api_tokens WHERE id = $1;

-- name: DeleteUserSessionsExcept
DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2;

-- name: CountUserSessions
SELECT count(*) FROM sessions WHERE user_id = $1 AND expires_at > $2;

-- name: DeleteUserTokens
DELETE FROM api_tokens WHERE user_id = $1;

-- name: InsertPasswordLink
INSERT INTO password_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: PasswordLinkByHash
SELECT user_id, purpose FROM password_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2;

-- name: UsePasswordLink
UPDATE password_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL;

-- name: UnusePasswordLink
UPDATE password_links SET used_at = NULL WHERE token_hash = $1;

-- name: RequirePasswordChange
UPDATE users SET must_change_password = TRUE WHERE id = $1;

-- name: ListUserSessions
SELECT token_hash, user_agent, ip, created_at, last_seen_at, expires_at
FROM sessions WHERE user_id = $1 AND expires_at > $2
ORDER BY last_seen_at DESC, created_at DESC;

-- name: DeleteUserSessionByPrefix
DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2;
