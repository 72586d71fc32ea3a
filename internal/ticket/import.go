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
	// The ticket is created in its final status (comments are written
	// directly below, so nothing reopens it); solved_at is set below.
	ci := in.CreateInput
	ci.Status = &final
	t, _, err := s.create(ctx, tx, actor, ci, pc)
	if err != nil {
		return nil, err
	}
	// Further comments are written directly (comment and its audit): the
	// update rules (reopening, status) do not apply to history, whose final
	// state is set below. A first public comment on a ticket that so far
	// has only internal ones goes through update, which makes the ticket
	// public with its public description.
	public := t.IsPublic
	var last *Comment
	var lastAudit *Audit
	for _, c := range in.Comments {
		at(c.CreatedAt, in.CreatedAt)
		c := c.CommentInput
		if c.empty() {
			continue
		}
		if c.IsPublic() && !public {
			if _, _, err := s.update(ctx, tx, actor, t.ID, &UpdateInput{Comment: &c, Via: in.Via}); err != nil {
				return nil, err
			}
			public, last = true, nil
			continue
		}
		pc, err := s.renderComment(&c, in.Via)
		if err != nil {
			return nil, err
		}
		pc.authorID = commentAuthor(&c, actor, t.RequesterID)
		pc.via = Via{}.normalized()
		if in.Via != nil {
			pc.via = in.Via.normalized()
		}
		if c.Via != nil {
			pc.via = c.Via.normalized()
		}
		cm, err := s.insertComment(ctx, tx, t.ID, pc)
		if err != nil {
			return nil, err
		}
		if lastAudit, err = s.insertAudit(ctx, tx, t.ID, actor, pc.via, nil, cm); err != nil {
			return nil, err
		}
		last = cm
	}
	if last != nil && len(s.hooks) > 0 {
		// The history hooks (the search index) learn of the comments once.
		if _, err := s.runHooks(ctx, tx, &Change{Actor: actor, Prev: t, Ticket: t, Audit: lastAudit, Comment: last}); err != nil {
			return nil, err
		}
	}
	at(in.UpdatedAt, in.CreatedAt)
	cur := t
	solved := cur.SolvedAt
	if solved != nil && in.SolvedAt != nil && !in.SolvedAt.IsZero() {
		v := in.SolvedAt.UTC().Truncate(time.Microsecond)
		solved = &v
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("SetImportTimes"), t.ID, db.TS(tx.Now), db.TSp(solved)); err != nil {
		return nil, err
	}
	if public != t.IsPublic {
		return s.getTicket(ctx, tx, t.ID) // update changed it
	}
	out := *cur
	out.UpdatedAt, out.UpdatedStamp, out.SolvedAt = tx.Now, tx.Now, solved
	return &out, nil
}
