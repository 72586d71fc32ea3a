package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// Purposes of a set-password link.
const (
	LinkInvitation = "invitation"
	LinkReset      = "reset"
)

// IssuePasswordLink creates a one-time set-password link token for userID
// valid for ttl (audited as user.password_link_issued). Only its hash is
// stored; the caller hands the token over (email or, with no relay, the
// admin's screen).
func (s *Service) IssuePasswordLink(ctx context.Context, actor audit.Actor, userID int64, purpose string, ttl time.Duration) (string, time.Time, error) {
	if purpose != LinkInvitation && purpose != LinkReset {
		return "", time.Time{}, errs.Invalid("purpose", "must be invitation or reset")
	}
	token := NewSecret(32)
	var exp time.Time
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		exp = tx.Now.Add(ttl)
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertPasswordLink"), HashToken(token), userID, purpose, db.TS(tx.Now), db.TS(exp)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "user.password_link_issued", "user", userID, nil, map[string]string{"purpose": purpose})
	})
	return token, exp, err
}

// PasswordLinkUser returns the user and purpose of an unused, unexpired
// link; NotFound otherwise.
func (s *Service) PasswordLinkUser(ctx context.Context, token string) (int64, string, error) {
	var id int64
	var purpose string
	if token == "" || len(token) > 200 {
		return 0, "", errs.NotFound("password link")
	}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("PasswordLinkByHash"), HashToken(token), db.TS(tx.Now)).Scan(&id, &purpose)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errs.NotFound("password link")
	}
	return id, purpose, err
}

// RedeemPasswordLink sets the password of the link's user and uses the link
// up (a refused password leaves it usable). All the user's sessions end.
func (s *Service) RedeemPasswordLink(ctx context.Context, token, password, ip string) (int64, error) {
	id, _, err := s.PasswordLinkUser(ctx, token)
	if err != nil {
		return 0, err
	}
	used := false
	if err := s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("UsePasswordLink"), HashToken(token), db.TS(tx.Now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		used = n == 1
		return err
	}); err != nil {
		return 0, err
	}
	if !used {
		return 0, errs.NotFound("password link")
	}
	actor := audit.Actor{ID: id, Role: "user", IP: ip}
	if p, err := s.PrincipalByID(ctx, id); err == nil {
		actor = p.Actor(ip)
	}
	if _, err := s.ResetPassword(ctx, actor, id, password, PasswordReset{EndSessions: true, SelfService: true}); err != nil {
		_ = s.d.Write(ctx, func(tx *db.Tx) error {
			_, e := tx.ExecContext(ctx, s.q.Get("UnusePasswordLink"), HashToken(token))
			return e
		})
		return 0, err
	}
	return id, nil
}
