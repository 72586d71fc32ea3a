package accessreview

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Revoker ends an account's access at once: deactivates it, ends its
// sessions and revokes its API tokens (wired to the people and auth
// services in internal/app).
type Revoker func(ctx context.Context, actor audit.Actor, userID int64, reason string) error

// Store keeps campaigns and their lines.
type Store struct {
	d      *db.DB
	q      *db.Queries
	audit  *audit.Log
	revoke Revoker
}

// NewStore returns the access review store of d; revoke ends an account's access.
func NewStore(d *db.DB, a *audit.Log, revoke Revoker) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, revoke: revoke}
}

func scanCampaign(r db.Scanner) (*Campaign, error) {
	var c Campaign
	var rev, by, closedBy sql.NullInt64
	var dormant, token int64
	if err := r.Scan(&c.ID, &c.Name, &c.Status, &rev, &by, db.Time(&c.DueAt), &dormant, &token, db.Time(&c.CreatedAt),
		db.TimePtr(&c.ClosedAt), &closedBy, &c.Lines, &c.Certified, &c.Revoked, &c.Pending, &c.Escalated); err != nil {
		return nil, err
	}
	c.ReviewerID, c.CreatedBy, c.ClosedBy = db.IDPtr(rev), db.IDPtr(by), db.IDPtr(closedBy)
	c.DormantDays, c.TokenDays = int(dormant), int(token)
	return &c, nil
}

func scanLine(r db.Scanner, extra ...any) (*Line, error) {
	var l Line
	var rev, from, by sql.NullInt64
	var snap, flags string
	dest := []any{&l.ID, &l.CampaignID, &l.UserID, &rev, &l.Reviewer, &from, db.TimePtr(&l.EscalatedAt), &snap, &flags,
		&l.Decision, &l.Note, &by, &l.DecidedByName, db.TimePtr(&l.DecidedAt), db.Time(&l.CreatedAt)}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	l.ReviewerID, l.EscalatedFrom, l.DecidedBy = db.IDPtr(rev), db.IDPtr(from), db.IDPtr(by)
	if err := json.Unmarshal([]byte(snap), &l.Snapshot); err != nil {
		return nil, err
	}
	l.Flags = strings.Fields(flags)
	return &l, nil
}

// Open starts a campaign: every active staff account becomes a line with
// its access as it is now, its flags and its reviewer, in one transaction.
func (s *Store) Open(ctx context.Context, actor audit.Actor, in Input) (*Campaign, error) {
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := in.Normalise(tx.Now); err != nil {
			return err
		}
		owner := &actor.ID
		if actor.ID == 0 {
			owner = nil
		}
		if in.ReviewerID != nil {
			var role string
			var active bool
			err := tx.QueryRowContext(ctx, "SELECT role, active FROM users WHERE id = $1", *in.ReviewerID).Scan(&role, &active)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (!people.IsStaff(role) || !active)) {
				return errs.Invalid("reviewer_id", "must be an active agent or admin")
			}
			if err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertCampaign"), in.Name, db.NullID(in.ReviewerID), db.NullID(owner),
			db.TS(*in.DueAt), *in.DormantDays, *in.TokenDays, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		n, err := s.insertLines(ctx, tx, id, in, owner)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "access_review.opened", "access_review", id, nil,
			map[string]any{"name": in.Name, "lines": n, "due_at": in.DueAt.UTC(), "reviewer_id": in.ReviewerID})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Store) insertLines(ctx context.Context, tx *db.Tx, campaign int64, in Input, owner *int64) (int, error) {
	type account struct {
		id            int64
		snap          Snapshot
		managerActive bool
	}
	var accts []*account
	byID := map[int64]*account{}
	rows, err := tx.QueryContext(ctx, s.q.Get("StaffAccounts"))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		a := &account{snap: Snapshot{Groups: []string{}, Tokens: []Token{}}}
		var mgr sql.NullInt64
		if err := rows.Scan(&a.id, &a.snap.Name, &a.snap.Email, &a.snap.Role, &a.snap.CustomRole, &mgr, &a.snap.Manager,
			&a.managerActive, db.TimePtr(&a.snap.LastLoginAt), db.Time(&a.snap.CreatedAt)); err != nil {
			rows.Close()
			return 0, err
		}
		a.snap.ManagerID = db.IDPtr(mgr)
		accts = append(accts, a)
		byID[a.id] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := eachRow(ctx, tx, s.q.Get("StaffGroups"), nil, func(r *sql.Rows) error {
		var uid int64
		var g string
		if err := r.Scan(&uid, &g); err != nil {
			return err
		}
		if a := byID[uid]; a != nil {
			a.snap.Groups = append(a.snap.Groups, g)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	if err := eachRow(ctx, tx, s.q.Get("StaffTokens"), nil, func(r *sql.Rows) error {
		var uid int64
		var t Token
		if err := r.Scan(&uid, &t.ID, &t.Prefix, &t.Description, db.Time(&t.CreatedAt), db.TimePtr(&t.LastUsedAt)); err != nil {
			return err
		}
		if a := byID[uid]; a != nil {
			a.snap.Tokens = append(a.snap.Tokens, t)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	if err := eachRow(ctx, tx, s.q.Get("StaffSessions"), []any{db.TS(tx.Now)}, func(r *sql.Rows) error {
		var uid, n int64
		if err := r.Scan(&uid, &n); err != nil {
			return err
		}
		if a := byID[uid]; a != nil {
			a.snap.Sessions = int(n)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, a := range accts {
		reviewer, noManager := ReviewerFor(in.ReviewerID, a.id, a.snap.ManagerID, a.managerActive, owner)
		snap, err := json.Marshal(a.snap)
		if err != nil {
			return 0, err
		}
		flags := Flags(a.snap, tx.Now, *in.DormantDays, *in.TokenDays, noManager && in.ReviewerID == nil)
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertLine"), campaign, a.id, db.NullID(reviewer), string(snap),
			strings.Join(flags, " "), db.TS(tx.Now)); err != nil {
			return 0, err
		}
	}
	return len(accts), nil
}

func eachRow(ctx context.Context, tx *db.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) getCampaign(ctx context.Context, tx *db.Tx, id int64) (*Campaign, error) {
	c, err := scanCampaign(tx.QueryRowContext(ctx, s.q.Get("GetCampaign"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("access review")
	}
	return c, err
}

// Get returns a campaign with its counts.
func (s *Store) Get(ctx context.Context, id int64) (c *Campaign, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		c, err = s.getCampaign(ctx, tx, id)
		return err
	})
	return c, err
}

// CampaignFilter selects campaigns; ReviewerID > 0 keeps those where that
// user reviews a line.
type CampaignFilter struct {
	ReviewerID int64
	Page       people.Page
}

// List returns campaigns oldest first.
func (s *Store) List(ctx context.Context, f CampaignFilter) ([]Campaign, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListCampaigns"), []any{f.Page.AfterID, f.ReviewerID, f.Page.Size(), max(f.Page.Offset, 0)}, scanCampaign)
}

// Count counts campaigns.
func (s *Store) Count(ctx context.Context, f CampaignFilter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("CountCampaigns"), []any{f.ReviewerID}, &n)
	return n, err
}

// LineFilter selects a campaign's lines.
type LineFilter struct {
	CampaignID int64
	ReviewerID int64
	Decision   string
	Page       people.Page
}

// Lines returns a campaign's lines in id order.
func (s *Store) Lines(ctx context.Context, f LineFilter) ([]Line, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListLines"), []any{f.CampaignID, f.Page.AfterID, f.ReviewerID, f.Decision, f.Page.Size(), max(f.Page.Offset, 0)},
		func(r db.Scanner) (*Line, error) { return scanLine(r) })
}

// CountLines counts a campaign's lines.
func (s *Store) CountLines(ctx context.Context, f LineFilter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("CountLines"), []any{f.CampaignID, f.ReviewerID, f.Decision}, &n)
	return n, err
}

// Line returns one line of a campaign.
func (s *Store) Line(ctx context.Context, campaign, id int64) (l *Line, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		l, err = s.getLine(ctx, tx, campaign, id)
		return err
	})
	return l, err
}

func (s *Store) getLine(ctx context.Context, tx *db.Tx, campaign, id int64) (*Line, error) {
	l, err := scanLine(tx.QueryRowContext(ctx, s.q.Get("GetLine"), id, campaign))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("access review line")
	}
	return l, err
}

// Decide certifies or revokes a line. A revocation ends the account's
// access before the decision is recorded, so it takes effect at once.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, campaign, lineID int64, decision, note string) (*Line, error) {
	var check *Line
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		c, err := s.getCampaign(ctx, tx, campaign)
		if err != nil {
			return err
		}
		l, err := s.getLine(ctx, tx, campaign, lineID)
		if err != nil {
			return err
		}
		check = l
		return CheckDecision(*c, *l, Actor{UserID: actor.ID, Admin: actor.Role == "admin"}, decision)
	})
	if err != nil {
		return nil, err
	}
	if len(note) > 2000 {
		return nil, errs.Invalid("note", "must be at most 2000 characters")
	}
	if decision == Revoked && s.revoke != nil {
		if err := s.revoke(ctx, actor, check.UserID, "access review"); err != nil {
			return nil, err
		}
	}
	var out *Line
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		c, err := s.getCampaign(ctx, tx, campaign) // the rules again, in the writing transaction
		if err != nil {
			return err
		}
		l, err := s.getLine(ctx, tx, campaign, lineID)
		if err != nil {
			return err
		}
		if err := CheckDecision(*c, *l, Actor{UserID: actor.ID, Admin: actor.Role == "admin"}, decision); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DecideLine"), lineID, campaign, decision, note, db.NullID(&actor.ID), db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, actor, "access_review.line_"+decision, "access_review", campaign,
			map[string]any{"line_id": lineID, "decision": l.Decision},
			map[string]any{"line_id": lineID, "user_id": l.UserID, "decision": decision, "note": note}); err != nil {
			return err
		}
		out, err = s.getLine(ctx, tx, campaign, lineID)
		return err
	})
	return out, err
}

// Close ends a campaign; its record never changes afterwards.
func (s *Store) Close(ctx context.Context, actor audit.Actor, campaign int64) (*Campaign, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		c, err := s.getCampaign(ctx, tx, campaign)
		if err != nil {
			return err
		}
		if err := CheckClose(*c, Actor{UserID: actor.ID, Admin: actor.Role == "admin"}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("CloseCampaign"), campaign, db.TS(tx.Now), db.NullID(&actor.ID)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "access_review.closed", "access_review", campaign, nil,
			map[string]any{"certified": c.Certified, "revoked": c.Revoked, "unanswered": c.Pending})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, campaign)
}

// Escalate moves the unanswered lines of campaigns past their deadline to
// the reviewer's manager (else the campaign's owner), once per line, and
// returns how many moved.
func (s *Store) Escalate(ctx context.Context) (int, error) {
	n := 0
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		n = 0
		type move struct {
			l  *Line
			to *int64
		}
		var moves []move
		err := eachRow(ctx, tx, s.q.Get("OverdueLines"), []any{db.TS(tx.Now)}, func(r *sql.Rows) error {
			var rm, owner sql.NullInt64
			l, err := scanLine(r, &rm, &owner)
			if err != nil {
				return err
			}
			moves = append(moves, move{l, EscalateTo(*l, db.IDPtr(rm), db.IDPtr(owner))})
			return nil
		})
		if err != nil {
			return err
		}
		for _, m := range moves {
			to := m.to
			if to == nil {
				to = m.l.ReviewerID // nobody above: marked escalated, stays put
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("EscalateLine"), m.l.ID, db.NullID(to), db.NullID(m.l.ReviewerID), db.TS(tx.Now)); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, audit.System(), "access_review.line_escalated", "access_review", m.l.CampaignID,
				map[string]any{"line_id": m.l.ID, "reviewer_id": m.l.ReviewerID}, map[string]any{"line_id": m.l.ID, "reviewer_id": to}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// DeactivateLeavers ends the access of every active account whose team
// end date has passed (today is the date in the team's layout).
func (s *Store) DeactivateLeavers(ctx context.Context, today string) ([]int64, error) {
	var ids []int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		ids = ids[:0]
		return eachRow(ctx, tx, s.q.Get("Leavers"), []any{today}, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	})
	if err != nil || s.revoke == nil {
		return nil, err
	}
	for _, id := range ids {
		if err := s.revoke(ctx, audit.System(), id, "left the team"); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// QuarterStart is the first instant of t's calendar quarter (UTC).
func QuarterStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
}

// OpenQuarterly opens this quarter's review when none was opened since the
// quarter began (the default cadence), as the system; it reports whether it did.
func (s *Store) OpenQuarterly(ctx context.Context) (bool, error) {
	var last int64
	if err := s.d.QueryRow(ctx, s.q.Get("LastOpened"), nil, &last); err != nil {
		return false, err
	}
	start := QuarterStart(s.d.Clock.Now())
	if last > 0 && !db.FromMicros(last).Before(start) {
		return false, nil
	}
	if _, err := s.Open(ctx, audit.System(), Input{}); err != nil {
		return false, err
	}
	return true, nil
}

// Now is the store's clock (for callers computing "today").
func (s *Store) Now() time.Time { return s.d.Clock.Now() }
