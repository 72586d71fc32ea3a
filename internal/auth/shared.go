package auth

import (
	"context"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// SetSharedPassword gives every user in ids the same password, hashed once
// (argon2id is deliberately slow: the demo's sixty accounts would take half
// a minute one by one). They share one salt, so use it only where the
// accounts share the password anyway (demo data). The demo prints that
// password for everyone to use, so it is hashed with the OWASP minimum
// (MinimumParams) when the service's own cost is higher: 19 MiB instead of
// 64 takes about a second and a half of CPU off a demo start on a 2-core
// machine, and off the demo's first sign-ins. Each user's other sessions
// end, as with SetPassword; all or none are changed.
func (s *Service) SetSharedPassword(ctx context.Context, actor audit.Actor, ids []int64, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	p := s.opt.Params
	if p.Memory > MinimumParams().Memory {
		p = MinimumParams()
	}
	hash, err := HashPassword(password, p)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, s.q.Get("SetPasswordHash"), id, hash, db.TS(tx.Now))
			if err != nil {
				return db.MapError(err, "user")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.NotFound("user")
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteUserSessions"), id); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, actor, "user.password_changed", "user", id, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetGeneratedPassword gives a user a password Frontline generated
// (NewSecret: 120 random bits for the first admin's one-time password),
// hashed with the OWASP minimum (MinimumParams) like the demo's: a random
// secret of that length needs no costly hash to resist guessing, and the
// first start of a server does not spend a second of CPU on it. The user's
// other sessions end; audited as a password change.
func (s *Service) SetGeneratedPassword(ctx context.Context, actor audit.Actor, userID int64, password string) error {
	if len(password) < 20 {
		return errs.Invalid("password", "a generated password has at least 20 characters")
	}
	return s.SetSharedPassword(ctx, actor, []int64{userID}, password)
}
