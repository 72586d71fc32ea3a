package auth

// A user's own browser sessions: the account page lists them and ends one;
// the first admin's one-time password must be changed at first sign-in.

import (
	"context"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// SessionInfo is one signed-in browser of a user. ID is the first 16
// characters of the session's token hash (neither the cookie nor enough
// to find it); Current marks the browser asking.
type SessionInfo struct {
	ID         string
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Current    bool
}

// sessionID is the public id of a session's token hash.
func sessionID(hash string) string {
	if len(hash) > 16 {
		return hash[:16]
	}
	return hash
}

// ListSessions returns userID's unexpired sessions, most recently used
// first; current (a cookie value, "" for none) is marked.
func (s *Service) ListSessions(ctx context.Context, userID int64, current string) ([]SessionInfo, error) {
	cur := ""
	if current != "" {
		cur = HashToken(current)
	}
	var out []SessionInfo
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListUserSessions"), userID, db.TS(tx.Now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hash string
			var si SessionInfo
			if err := rows.Scan(&hash, &si.UserAgent, &si.IP, db.Time(&si.CreatedAt), db.Time(&si.LastSeenAt), db.Time(&si.ExpiresAt)); err != nil {
				return err
			}
			si.ID, si.Current = sessionID(hash), hash == cur
			out = append(out, si)
		}
		return rows.Err()
	})
	return out, err
}

// EndSession signs out one of userID's sessions by its SessionInfo.ID
// (audited as session.ended); NotFound when they have no such session.
func (s *Service) EndSession(ctx context.Context, actor audit.Actor, userID int64, id string) error {
	if len(id) != 16 {
		return errs.NotFound("session")
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteUserSessionByPrefix"), userID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("session")
		}
		return s.audit.Record(ctx, tx, actor, "session.ended", "user", userID, nil, map[string]string{"session": id})
	})
}

// RequirePasswordChange flags userID's password as one-time: their
// sessions carry MustChangePassword until any new password is set.
func (s *Service) RequirePasswordChange(ctx context.Context, userID int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("RequirePasswordChange"), userID)
		return err
	})
}
