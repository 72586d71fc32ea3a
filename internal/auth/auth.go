// Package auth signs people in: argon2id passwords, DB-backed browser
// sessions with a CSRF token each, hashed API tokens, and the credentials
// Zendesk clients send (Basic email:password, Basic email/token:TOKEN,
// Bearer TOKEN). Failed attempts are rate limited per client and account.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Principal is an authenticated caller.
type Principal struct {
	UserID int64
	Name   string
	Email  string
	Role   string // end-user, agent, admin
	// Via is how the caller authenticated: "session", "token", "password".
	Via string
	// CSRF is the session's anti-forgery token (Via == "session" only).
	CSRF string
	// TokenID is the API token used (Via == "token" only).
	TokenID int64
	// MustChangePassword is set for a session of a user whose password was
	// a one-time password (the first admin's): the web layer sends them to
	// change it before anything else.
	MustChangePassword bool
}

// IsStaff reports whether the caller is an agent or admin.
func (p *Principal) IsStaff() bool { return p != nil && (p.Role == "agent" || p.Role == "admin") }

// IsAdmin reports whether the caller is an admin.
func (p *Principal) IsAdmin() bool { return p != nil && p.Role == "admin" }

// Actor returns the audit actor for p.
func (p *Principal) Actor(ip string) audit.Actor {
	if p == nil {
		return audit.Actor{IP: ip}
	}
	return audit.Actor{ID: p.UserID, Role: p.Role, IP: ip}
}

// Options configure a Service.
type Options struct {
	Params     Params        // argon2id cost; DefaultParams() when zero
	SessionTTL time.Duration // idle lifetime of a browser session; 14 days when zero
	Limiter    *Limiter      // failed-attempt limiter; none when nil
	// Hasher makes and checks password hashes; Argon2id{Params} when nil.
	Hasher Hasher
	// MaxHashes caps the password hashes computed at once, server-wide
	// (each argon2id hash holds Params.Memory); AutoMaxHashes(Params) when
	// zero.
	MaxHashes int
	// HashQueue is how many callers may wait for a hash slot (16 per slot
	// when zero, none when negative); HashWait how long each waits at most
	// (2 s when zero). Callers beyond either are refused with a rate-limit
	// error and a Retry-After of a second.
	HashQueue int
	HashWait  time.Duration
	// VerifiedTTL is how long a matched password is remembered, so that
	// the same credentials again (Basic auth on every API request) skip
	// the hash (see verifiedCache): 5 minutes when zero, never when
	// negative.
	VerifiedTTL time.Duration
}

// Service authenticates callers against the database.
type Service struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
	opt   Options
	// dummyHash is verified when an account does not exist, so that a
	// missing account costs as much time as a wrong password.
	dummyHash string
	gate      *hashGate
	verified  *verifiedCache // nil when off
}

// NewService returns an auth service.
func NewService(d *db.DB, a *audit.Log, opt Options) *Service {
	if opt.Params.Memory == 0 {
		opt.Params = DefaultParams()
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 14 * 24 * time.Hour
	}
	if opt.Hasher == nil {
		opt.Hasher = Argon2id{Params: opt.Params}
	}
	if opt.MaxHashes <= 0 {
		opt.MaxHashes = AutoMaxHashes(opt.Params)
	}
	switch {
	case opt.HashQueue == 0:
		opt.HashQueue = 16 * opt.MaxHashes
	case opt.HashQueue < 0:
		opt.HashQueue = 0
	}
	if opt.HashWait <= 0 {
		opt.HashWait = 2 * time.Second
	}
	// The production hasher's dummy is a random hash with the production
	// parameters, built without hashing: it costs as much to verify, and
	// the process does not spend a hash (a second of CPU on a small machine,
	// most of it faulting in 64 MiB) at every start. Other hashers hash a
	// dummy password.
	var dummy string
	if a2, ok := opt.Hasher.(Argon2id); ok {
		dummy = randomHash(a2.Params)
	} else {
		dummy, _ = opt.Hasher.Hash("frontline-dummy-password")
	}
	if opt.VerifiedTTL == 0 {
		opt.VerifiedTTL = 5 * time.Minute
	}
	var verified *verifiedCache
	if opt.VerifiedTTL > 0 {
		verified = newVerifiedCache(opt.VerifiedTTL, 4096)
	}
	return &Service{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, opt: opt, dummyHash: dummy,
		gate: newHashGate(opt.MaxHashes, opt.HashQueue, opt.HashWait), verified: verified}
}

// MaxHashes returns the cap on password hashes computed at once.
func (s *Service) MaxHashes() int { return s.opt.MaxHashes }

// HashLoad reports the password hashes being computed now and the callers
// waiting for a slot (for metrics).
func (s *Service) HashLoad() (running, waiting int) { return s.gate.inFlight() }

// hash hashes password under the hash cap.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	release, err := s.gate.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	defer s.collect()
	return s.opt.Hasher.Hash(password)
}

// collect runs a garbage collection after a large hash, before its slot is
// given back, so that the next hash reuses the memory of the last one
// instead of adding its own until the collector comes round: under a
// storm of sign-ins this took the server's peak resident set from 446 MB
// to 298 MB with 2 slots (docs/performance.md). A hash costs far more than
// the collection.
func (s *Service) collect() {
	if s.opt.Params.Memory >= 8<<10 { // 8 MiB
		runtime.GC()
	}
}

// errBadCredentials is deliberately vague: it does not tell whether the
// account exists.
func errBadCredentials() error { return errs.Unauthorized("invalid email or password") }

// RateLimitError says how long to wait.
type RateLimitError struct {
	RetryAfter time.Duration
	Message    string
}

func (e *RateLimitError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("too many failed sign-in attempts; try again in %s", e.RetryAfter.Round(time.Second))
}

func rateLimited(wait time.Duration) error { return rateLimitedFor(wait, "") }

func rateLimitedFor(wait time.Duration, msg string) error {
	re := &RateLimitError{RetryAfter: wait, Message: msg}
	return &errs.Error{Kind: errs.KindRateLimited, Message: re.Error(), Err: re}
}

// RetryAfter returns the wait carried by a rate-limit error, or zero.
func RetryAfter(err error) time.Duration {
	var re *RateLimitError
	if errors.As(err, &re) {
		return re.RetryAfter
	}
	return 0
}

func limitKeys(ip, email string) []string {
	keys := []string{"acct:" + strings.ToLower(strings.TrimSpace(email))}
	if ip != "" {
		keys = append(keys, "ip:"+ip)
	}
	return keys
}

func usable(active, suspended bool) bool { return active && !suspended }

// CheckPassword verifies email and password and returns the principal.
//
// The attempt is counted before the password is hashed: it takes a slot on
// the account's and the client address's limits at once (refused with a
// rate-limit error when either is full), the hash then runs under the
// server-wide cap, and the slot becomes a failure or, on success or when
// the check never ran, is given back.
func (s *Service) CheckPassword(ctx context.Context, email, password, ip string) (*Principal, error) {
	keys := limitKeys(ip, email)
	att, wait := s.opt.Limiter.Reserve(keys...)
	if wait > 0 {
		return nil, rateLimited(wait)
	}
	p, err := s.checkPassword(ctx, email, password)
	switch {
	case err == nil:
		att.Succeeded(keys[0])
	case errs.Is(err, errs.KindUnauthorized):
		att.Failed()
	default: // refused for load, request gone, database error: no guess was checked
		att.Cancel()
	}
	return p, err
}

// checkPassword looks the account up and verifies the password, all under
// a hash slot: a sign-in refused for load costs no database read either.
func (s *Service) checkPassword(ctx context.Context, email, password string) (*Principal, error) {
	release, err := s.gate.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	hashed := true // a remembered match (below) hashes nothing, and leaves nothing to collect
	defer func() { // before the slot is given back (deferred calls run last first)
		if hashed {
			s.collect()
		}
	}()
	var p Principal
	var hash string
	var active, suspended bool
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CredentialsByEmail"), strings.TrimSpace(email)).
			Scan(&p.UserID, &p.Name, &p.Email, &p.Role, &active, &suspended, &hash)
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash == "") {
		_, _ = s.opt.Hasher.Verify(s.dummyHash, password)
		return nil, errBadCredentials()
	}
	if err != nil {
		return nil, err
	}
	now := s.d.Clock.Now()
	ok := s.verified.hit(hash, password, now)
	hashed = !ok
	if !ok {
		ok, err = s.opt.Hasher.Verify(hash, password)
		if err != nil {
			return nil, fmt.Errorf("user %d: %w", p.UserID, err)
		}
		if ok {
			s.verified.remember(hash, password, now)
		}
	}
	if !ok || !usable(active, suspended) {
		return nil, errBadCredentials()
	}
	p.Via = "password"
	return &p, nil
}

// SetPassword checks and stores a new password for userID and signs out all
// the user's sessions; API tokens are kept. It is ResetPassword with
// EndSessions, for new accounts and the first admin; every reset a person
// asks for states its choices through ResetPassword.
func (s *Service) SetPassword(ctx context.Context, actor audit.Actor, userID int64, password string) error {
	_, err := s.ResetPassword(ctx, actor, userID, password, PasswordReset{EndSessions: true})
	return err
}

// PasswordReset says what a new password ends besides the old one. Each is
// an explicit choice of whoever sets the password, and audited.
type PasswordReset struct {
	// EndSessions signs the user out of their browser sessions, all but
	// KeepSession (the cookie value of the session making the change).
	EndSessions bool
	KeepSession string
	// RevokeTokens deletes the user's API tokens.
	RevokeTokens bool
	// SelfService marks a change by the user themself (audited as such).
	SelfService bool
}

// ResetOutcome is what a password reset ended.
type ResetOutcome struct {
	SessionsEnded int64 `json:"sessions_ended"`
	TokensRevoked int64 `json:"tokens_revoked"`
}

// ResetPassword checks and stores a new password for userID and ends what r
// asks, in one transaction with its audit entry (user.password_changed:
// the choices, what they ended and the revoked tokens' prefixes).
func (s *Service) ResetPassword(ctx context.Context, actor audit.Actor, userID int64, password string, r PasswordReset) (ResetOutcome, error) {
	var out ResetOutcome
	if err := ValidatePassword(password); err != nil {
		return out, err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return out, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		out = ResetOutcome{}
		res, err := tx.ExecContext(ctx, s.q.Get("SetPasswordHash"), userID, hash, db.TS(tx.Now))
		if err != nil {
			return db.MapError(err, "user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("user")
		}
		if r.EndSessions {
			if r.KeepSession != "" {
				res, err = tx.ExecContext(ctx, s.q.Get("DeleteUserSessionsExcept"), userID, HashToken(r.KeepSession))
			} else {
				res, err = tx.ExecContext(ctx, s.q.Get("DeleteUserSessions"), userID)
			}
			if err != nil {
				return err
			}
			out.SessionsEnded, _ = res.RowsAffected()
		}
		revoked := []string{}
		if r.RevokeTokens {
			rows, err := tx.QueryContext(ctx, s.q.Get("ListTokens"), userID)
			if err != nil {
				return err
			}
			for rows.Next() {
				t, err := scanAPIToken(rows)
				if err != nil {
					rows.Close()
					return err
				}
				revoked = append(revoked, t.Prefix)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteUserTokens"), userID); err != nil {
				return err
			}
			out.TokensRevoked = int64(len(revoked))
		}
		return s.audit.Record(ctx, tx, actor, "user.password_changed", "user", userID, nil, map[string]any{
			"self_service": r.SelfService, "end_sessions": r.EndSessions, "kept_current_session": r.EndSessions && r.KeepSession != "",
			"revoke_tokens": r.RevokeTokens, "sessions_ended": out.SessionsEnded, "tokens_revoked": revoked,
		})
	})
	return out, err
}

// ChangeOwnPassword is a user changing their own password: previous must be
// their current password (checked like a sign-in: counted against the
// account and address limits, under the hash cap; a wrong one is an
// invalid previous_password). Their other sessions always end, the one
// making the change (keepSession, a cookie value; "" for none) stays, and
// their API tokens are revoked when they ask.
func (s *Service) ChangeOwnPassword(ctx context.Context, p *Principal, ip, previous, password, keepSession string, revokeTokens bool) (ResetOutcome, error) {
	if previous == "" {
		return ResetOutcome{}, errs.Invalid("previous_password", "can't be blank")
	}
	if err := ValidatePassword(password); err != nil {
		return ResetOutcome{}, err
	}
	who, err := s.CheckPassword(ctx, p.Email, previous, ip)
	if errs.Is(err, errs.KindUnauthorized) || err == nil && who.UserID != p.UserID {
		return ResetOutcome{}, errs.Invalid("previous_password", "is incorrect")
	}
	if err != nil {
		return ResetOutcome{}, err
	}
	return s.ResetPassword(ctx, p.Actor(ip), p.UserID, password,
		PasswordReset{EndSessions: true, KeepSession: keepSession, RevokeTokens: revokeTokens, SelfService: true})
}

// CountSessions returns how many unexpired browser sessions userID has.
func (s *Service) CountSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.d.QueryRow(ctx, s.q.Get("CountUserSessions"), []any{userID, db.TS(s.d.Clock.Now())}, &n)
	return n, err
}

// NewSecret returns a random URL-safe secret of n bytes of entropy.
func NewSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a session or API token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Session is a signed-in browser.
type Session struct {
	Token     string // the cookie value; only its hash is stored
	CSRF      string
	ExpiresAt time.Time
}

// Login checks the password and opens a session.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (*Session, *Principal, error) {
	p, err := s.CheckPassword(ctx, email, password, ip)
	if err != nil {
		return nil, nil, err
	}
	sess := &Session{Token: NewSecret(32), CSRF: NewSecret(24)}
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		sess.ExpiresAt = tx.Now.Add(s.opt.SessionTTL)
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertSession"), HashToken(sess.Token), p.UserID, sess.CSRF,
			userAgent, ip, db.TS(tx.Now), db.TS(sess.ExpiresAt)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("TouchLogin"), p.UserID, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(ip), "session.created", "user", p.UserID, nil, map[string]string{"user_agent": userAgent})
	})
	if err != nil {
		return nil, nil, err
	}
	p.Via, p.CSRF = "session", sess.CSRF
	return sess, p, nil
}

// SessionPrincipal returns the principal of a session cookie value. Expired
// sessions and disabled users are rejected. Sessions slide: one used more
// than an hour after it was last extended gets a fresh lifetime.
func (s *Service) SessionPrincipal(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 200 {
		return nil, errs.Unauthorized("no session")
	}
	h := HashToken(token)
	var p Principal
	var lastSeen, expires time.Time
	var active, suspended bool
	now := s.d.Clock.Now()
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("SessionByHash"), h).Scan(&p.UserID, &p.CSRF,
			db.Time(&lastSeen), db.Time(&expires), &p.Name, &p.Email, &p.Role, &active, &suspended, &p.MustChangePassword)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Unauthorized("session expired")
	}
	if err != nil {
		return nil, err
	}
	if !expires.After(now) || !usable(active, suspended) {
		return nil, errs.Unauthorized("session expired")
	}
	if now.Sub(lastSeen) > time.Hour {
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, s.q.Get("ExtendSession"), h, db.TS(tx.Now), db.TS(tx.Now.Add(s.opt.SessionTTL)))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	p.Via = "session"
	return &p, nil
}

// Logout ends the session with this cookie value.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteSession"), HashToken(token))
		return err
	})
}

// PurgeExpiredSessions deletes sessions past their expiry and reports how many.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteExpiredSessions"), db.TS(tx.Now))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// TokenPrefix starts every API token so that leaked tokens are recognisable
// by secret scanners.
const TokenPrefix = "flt_"

// APIToken describes a stored API token (never its secret).
type APIToken struct {
	ID          int64      `json:"id"`
	UserID      int64      `json:"user_id"`
	Description string     `json:"description"`
	Prefix      string     `json:"token_prefix"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
}

// CreateAPIToken issues a token for userID. The secret is returned once and
// only its SHA-256 is stored.
func (s *Service) CreateAPIToken(ctx context.Context, actor audit.Actor, userID int64, description string) (string, *APIToken, error) {
	description = strings.TrimSpace(description)
	if len(description) > 255 {
		return "", nil, errs.Invalid("description", "is too long (maximum is 255 characters)")
	}
	secret := TokenPrefix + NewSecret(30)
	t := &APIToken{UserID: userID, Description: description, Prefix: secret[:len(TokenPrefix)+6]}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		t.CreatedAt = tx.Now
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertToken"), userID, description, HashToken(secret), t.Prefix,
			db.TS(tx.Now)).Scan(&t.ID); err != nil {
			return db.MapError(err, "user")
		}
		return s.audit.Record(ctx, tx, actor, "api_token.created", "user", userID, nil, t)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// ListAPITokens lists the tokens of userID (all users' when 0).
func (s *Service) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListTokens"), []any{userID}, scanAPIToken)
}

func scanAPIToken(r db.Scanner) (*APIToken, error) {
	var t APIToken
	if err := r.Scan(&t.ID, &t.UserID, &t.Description, &t.Prefix, db.Time(&t.CreatedAt), db.TimePtr(&t.LastUsedAt)); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetAPIToken returns one token's description.
func (s *Service) GetAPIToken(ctx context.Context, id int64) (t *APIToken, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		t, err = scanAPIToken(tx.QueryRowContext(ctx, s.q.Get("GetToken"), id))
		return err
	})
	if err != nil {
		return nil, db.MapError(err, "api token")
	}
	return t, nil
}

// RevokeAPIToken deletes a token.
func (s *Service) RevokeAPIToken(ctx context.Context, actor audit.Actor, id int64) error {
	t, err := s.GetAPIToken(ctx, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteToken"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "api_token.revoked", "user", t.UserID, t, nil)
	})
}

// TokenPrincipal authenticates an API token. When email is not empty (HTTP
// Basic "email/token:TOKEN"), the token must belong to that user.
func (s *Service) TokenPrincipal(ctx context.Context, email, token, ip string) (*Principal, error) {
	// A token check is one indexed read, so it is not reserved like a
	// password: the address's failures gate it, and each failure is counted
	// atomically with that gate (Fail), so that parallel wrong tokens are
	// refused once the limit is reached.
	key := ""
	if ip != "" {
		key = "ip:" + ip
	}
	if w := s.opt.Limiter.Wait(key); w > 0 {
		return nil, rateLimited(w)
	}
	fail := func() error {
		if w := s.opt.Limiter.Fail(key); w > 0 {
			return rateLimited(w)
		}
		return errs.Unauthorized("invalid API token")
	}
	var p Principal
	var lastUsed *time.Time
	var active, suspended bool
	err := s.d.QueryRow(ctx, s.q.Get("TokenByHash"), []any{HashToken(token)}, &p.TokenID, &p.UserID,
		db.TimePtr(&lastUsed), &p.Name, &p.Email, &p.Role, &active, &suspended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fail()
	}
	if err != nil {
		return nil, err
	}
	if (email != "" && !strings.EqualFold(strings.TrimSpace(email), p.Email)) || !usable(active, suspended) {
		return nil, fail()
	}
	now := s.d.Clock.Now()
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		// Recorded at most once a minute so that API reads stay reads.
		_ = s.d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, s.q.Get("TouchToken"), p.TokenID, db.TS(tx.Now))
			return err
		})
	}
	p.Via = "token"
	return &p, nil
}

// PrincipalByID loads a principal for a user (used by the CLI and tests).
func (s *Service) PrincipalByID(ctx context.Context, id int64) (*Principal, error) {
	var p Principal
	var active, suspended bool
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("PrincipalByID"), id).Scan(&p.UserID, &p.Name, &p.Email, &p.Role, &active, &suspended)
	})
	if err != nil {
		return nil, db.MapError(err, "user")
	}
	return &p, nil
}

// EndAccess ends every browser session of userID and revokes all their API
// tokens at once (an access review's revocation, a leaver), audited with
// the reason. It returns how many of each it ended.
func (s *Service) EndAccess(ctx context.Context, actor audit.Actor, userID int64, reason string) (sessions, tokens int64, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteUserSessions"), userID)
		if err != nil {
			return err
		}
		sessions, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, s.q.Get("DeleteUserTokens"), userID)
		if err != nil {
			return err
		}
		tokens, _ = res.RowsAffected()
		return s.audit.Record(ctx, tx, actor, "user.access_ended", "user", userID, nil,
			map[string]any{"reason": reason, "sessions_ended": sessions, "tokens_revoked": tokens})
	})
	return sessions, tokens, err
}
