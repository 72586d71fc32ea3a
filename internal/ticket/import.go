package ticket

import (
	"context"
	"errors"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// ImportComment is a further comment of an imported ticket, at its time
// (nil: the ticket's created_at).
type ImportComment struct {
	CommentInput
	CreatedAt *time.Time
}

// ImportInput is a historical ticket (Zendesk's ticket import): the ticket
// as CreateInput with its first comment, the further comments, its final
// status and its timestamps. Nil times are the transaction's time.
type ImportInput struct {
	CreateInput
	Comments  []ImportComment
	CreatedAt *time.Time
	UpdatedAt *time.Time
	SolvedAt  *time.Time
}

// WithHistory marks ctx as writing history: ticket writes under it run only
// the hooks registered with OnHistoryChange (no triggers, SLA timers or
// notifications).
func WithHistory(ctx context.Context) context.Context {
	return context.WithValue(ctx, historyKey{}, true)
}

// Import creates a historical ticket in one transaction: created at its
// created_at with its first comment, each further comment at its own time,
// its final status and fields at updated_at, then solved_at and updated_at
// as given. Only the history hooks run (the search index), as Zendesk's
// ticket import fires no triggers and sends no notifications.
func (s *Store) Import(ctx context.Context, actor Actor, in ImportInput) (*Ticket, error) {
	ts, err := s.ImportMany(ctx, actor, []ImportInput{in})
	if err != nil {
		var ie *ItemError
		if errors.As(err, &ie) {
			return nil, ie.Err
		}
		return nil, err
	}
	return ts[0], nil
}

// checkImport checks an import's times and status before any write.
func (s *Store) checkImport(in *ImportInput) error {
	for i, t := range []*time.Time{in.CreatedAt, in.UpdatedAt, in.SolvedAt} {
		if t != nil && !t.IsZero() && t.After(s.d.Clock.Now().Add(time.Minute)) {
			return errs.Invalid([]string{"created_at", "updated_at", "solved_at"}[i], "Import rule: can't be in the future")
		}
	}
	if in.Status != nil && !ValidStatus(*in.Status) {
		return errs.Invalid("status", "must be one of new, open, pending, hold, solved, closed")
	}
	return nil
}

// importTx writes one historical ticket in tx (see Import); ctx is marked
// as history.
func (s *Store) importTx(ctx context.Context, tx *db.Tx, actor Actor, in *ImportInput, pc *pendingComment) (*Ticket, error) {
	final := StatusNew
	if in.Status != nil {
		final = *in.Status
	}
	start := tx.Now
	at := func(ts ...*time.Time) {
		tx.Now = start
		for _, t := range ts {
			if t != nil && !t.IsZero() {
				tx.Now = t.UTC().Truncate(time.Microsecond)
				return
			}
		}
	}
	at(in.CreatedAt)
	ci := in.CreateInput
	open := final
	if open == StatusSolved || open == StatusClosed {
		open = StatusOpen
	}
	if ci.AssigneeID == nil && open != StatusNew {
		open = StatusNew
	}
	ci.Status = &open
	t, _, err := s.create(ctx, tx, actor, ci, pc)
	if err != nil {
		return nil, err
	}
	for _, c := range in.Comments {
		at(c.CreatedAt, in.CreatedAt)
		c := c.CommentInput
		if c.empty() {
			continue
		}
		if _, _, err := s.update(ctx, tx, actor, t.ID, &UpdateInput{Comment: &c, Via: in.Via}); err != nil {
			return nil, err
		}
	}
	at(in.UpdatedAt, in.CreatedAt)
	if final != open {
		st := final
		if st == StatusClosed {
			st = StatusSolved
		}
		if _, _, err := s.update(ctx, tx, actor, t.ID, &UpdateInput{Status: &st, Via: in.Via}); err != nil {
			return nil, err
		}
		if final == StatusClosed {
			if _, _, err := s.update(ctx, tx, actor, t.ID, &UpdateInput{Status: &final, Via: in.Via}); err != nil {
				return nil, err
			}
		}
	}
	cur, err := s.getTicket(ctx, tx, t.ID)
	if err != nil {
		return nil, err
	}
	solved := cur.SolvedAt
	if solved != nil && in.SolvedAt != nil && !in.SolvedAt.IsZero() {
		v := in.SolvedAt.UTC().Truncate(time.Microsecond)
		solved = &v
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("SetImportTimes"), t.ID, db.TS(tx.Now), db.TSp(solved)); err != nil {
		return nil, err
	}
	return s.getTicket(ctx, tx, t.ID)
}
