package team

import (
	"context"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

func scanOneOnOne(r db.Scanner) (*OneOnOne, error) {
	var o OneOnOne
	var notes string
	err := r.Scan(&o.ID, &o.MemberID, &o.ManagerID, &o.Type, &o.HeldOn, &notes, db.Time(&o.CreatedAt), db.Time(&o.UpdatedAt),
		&o.MemberName, &o.ManagerName)
	o.Notes = &notes
	return &o, err
}

func (s *Store) getOneOnOne(ctx context.Context, tx *db.Tx, id int64) (*OneOnOne, error) {
	o, err := scanOneOnOne(tx.QueryRowContext(ctx, s.q.Get("GetOneOnOne"), id))
	if err != nil {
		return nil, db.MapError(err, "one_on_one")
	}
	return o, nil
}

// GetOneOnOne returns one record with its notes (callers redact them).
func (s *Store) GetOneOnOne(ctx context.Context, id int64) (o *OneOnOne, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		o, err = s.getOneOnOne(ctx, tx, id)
		return err
	})
	return o, err
}

// OneOnOneFilter narrows ListOneOnOnes.
type OneOnOneFilter struct {
	MemberID  int64
	ManagerID int64
	people.Page
}

// ListOneOnOnes lists records by id.
func (s *Store) ListOneOnOnes(ctx context.Context, f OneOnOneFilter) ([]OneOnOne, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListOneOnOnes"), []any{f.MemberID, f.ManagerID, f.AfterID, limitOf(f.Page), max(f.Offset, 0)}, scanOneOnOne)
}

// CountOneOnOnes counts the records matching f.
func (s *Store) CountOneOnOnes(ctx context.Context, f OneOnOneFilter) (n int, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountOneOnOnes"), f.MemberID, f.ManagerID, f.AfterID).Scan(&n)
	})
	return n, err
}

// RecordOneOnOne records a 1:1 (by the member's direct manager) or a
// skip-level (by a manager above them) that holder held.
func (s *Store) RecordOneOnOne(ctx context.Context, actor audit.Actor, holder int64, in OneOnOneInput) (out *OneOnOne, err error) {
	o := OneOnOne{ManagerID: holder, Type: OneOnOneKind}
	if in.MemberID != nil {
		o.MemberID = *in.MemberID
	}
	if in.Type != nil {
		o.Type = strings.TrimSpace(*in.Type)
	}
	notes := ""
	if in.Notes != nil {
		notes = strings.TrimSpace(*in.Notes)
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if in.HeldOn == nil || *in.HeldOn == "" {
			o.HeldOn = today(tx)
		} else {
			o.HeldOn = *in.HeldOn
		}
		if o.MemberID == 0 {
			return errs.Invalid("member_id", "is required")
		}
		if n, err := s.count(ctx, tx, "IsMember", o.MemberID); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return errs.Invalid("member_id", "is not on the roster")
		}
		chain := Chain(s.managerOf(ctx, tx), o.MemberID)
		if err := ValidateOneOnOne(&o, notes, today(tx), chain); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertOneOnOne"), o.MemberID, o.ManagerID, o.Type, o.HeldOn, notes, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		if out, err = s.getOneOnOne(ctx, tx, id); err != nil {
			return err
		}
		audited := *out
		audited.Notes = nil // private notes stay out of the audit log
		return s.audit.Record(ctx, tx, actor, "team_one_on_one.created", "team_one_on_one", id, nil, audited)
	})
	return out, err
}

// DeleteOneOnOne removes a record.
func (s *Store) DeleteOneOnOne(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getOneOnOne(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteOneOnOne"), id); err != nil {
			return err
		}
		before.Notes = nil
		return s.audit.Record(ctx, tx, actor, "team_one_on_one.deleted", "team_one_on_one", id, before, nil)
	})
}

// Cadences lists, for a manager, each current direct report's 1:1 rhythm
// and each current indirect report's skip-level rhythm, on date today.
func (s *Store) Cadences(ctx context.Context, managerID int64, today string) ([]Cadence, error) {
	nodes, err := s.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	members, err := s.AllMembers(ctx, MemberFilter{Status: "current"})
	if err != nil {
		return nil, err
	}
	starts := map[int64]*string{}
	for _, m := range members {
		starts[m.ID] = m.StartDate
	}
	last := map[[2]any]string{}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("LastOneOnOnes"), managerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var kind, held string
			if err := rows.Scan(&id, &kind, &held); err != nil {
				return err
			}
			last[[2]any{id, kind}] = held
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	t := BuildTree(Current(nodes, today))
	me, ok := t.ByID[managerID]
	if !ok {
		return []Cadence{}, nil
	}
	out := []Cadence{}
	lastOf := func(id int64, kind string) *string {
		if v, ok := last[[2]any{id, kind}]; ok {
			return &v
		}
		return nil
	}
	for _, r := range me.Reports {
		out = append(out, CadenceOf(today, r.ID, r.Name, OneOnOneKind, lastOf(r.ID, OneOnOneKind), starts[r.ID]))
	}
	for _, r := range me.Reports {
		var walk func(n *TreeNode)
		walk = func(n *TreeNode) {
			for _, x := range n.Reports {
				out = append(out, CadenceOf(today, x.ID, x.Name, SkipLevelKind, lastOf(x.ID, SkipLevelKind), starts[x.ID]))
				walk(x)
			}
		}
		walk(r)
	}
	return out, nil
}

// Rating is a satisfaction rating of a ticket a member was assigned.
type Rating struct {
	Score     string    `json:"score"`
	Comment   string    `json:"comment"`
	TicketID  int64     `json:"ticket_id"`
	CreatedAt time.Time `json:"created_at"`
}

// RecentRatings lists the ratings of tickets assigned to member since t,
// newest first.
func (s *Store) RecentRatings(ctx context.Context, member int64, since time.Time) ([]Rating, error) {
	return db.ReadList(ctx, s.d, s.q.Get("MemberSatisfaction"), []any{member, db.TS(since)}, func(r db.Scanner) (*Rating, error) {
		var x Rating
		return &x, r.Scan(&x.Score, &x.Comment, &x.TicketID, db.Time(&x.CreatedAt))
	})
}
