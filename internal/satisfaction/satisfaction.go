// Package satisfaction stores customer satisfaction ratings (Zendesk's
// satisfaction_ratings): one per ticket, given by the ticket's requester
// once it is solved or closed, and changeable afterwards. Validation is
// pure (Validate); Store persists with an audit_log entry.
package satisfaction

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Scores.
const (
	Good = "good"
	Bad  = "bad"
)

// MaxComment is the longest accepted comment, in characters.
const MaxComment = 2000

// Rating is one ticket's satisfaction rating.
type Rating struct {
	ID          int64     `json:"id"`
	TicketID    int64     `json:"ticket_id"`
	RequesterID int64     `json:"requester_id"`
	AssigneeID  *int64    `json:"assignee_id"`
	GroupID     *int64    `json:"group_id"`
	Score       string    `json:"score"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Input is what a requester submits.
type Input struct {
	Score   string `json:"score"`
	Comment string `json:"comment"`
}

// Validate normalises in and reports bad fields.
func (in *Input) Validate() error {
	in.Score = strings.ToLower(strings.TrimSpace(in.Score))
	in.Comment = strings.TrimSpace(in.Comment)
	var v errs.Validation
	v.Check(in.Score == Good || in.Score == Bad, "score", "must be good or bad")
	v.Check(utf8.RuneCountInString(in.Comment) <= MaxComment, "comment", "is too long (maximum is 2000 characters)")
	return v.Err()
}

// Ratable reports whether a ticket in status may be rated.
func Ratable(status string) bool { return status == "solved" || status == "closed" }

// Store persists ratings.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
}

// NewStore returns the rating store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a}
}

type scanner = db.Scanner

func scan(r scanner) (*Rating, error) {
	var x Rating
	err := r.Scan(&x.ID, &x.TicketID, &x.RequesterID, &x.AssigneeID, &x.GroupID, &x.Score, &x.Comment,
		db.Time(&x.CreatedAt), db.Time(&x.UpdatedAt))
	if err != nil {
		return nil, err
	}
	return &x, nil
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// Rate records (or changes) the rating of ticket ticketID by its requester
// actor.ID. The ticket must be solved or closed and the actor must be its
// requester; otherwise it is a KindForbidden (not the requester) or
// KindInvalid (not solved) error and nothing is written.
func (s *Store) Rate(ctx context.Context, actor audit.Actor, ticketID int64, in Input) (*Rating, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *Rating
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var status string
		var requester int64
		var assignee, group *int64
		err := tx.QueryRowContext(ctx, s.q.Get("TicketForRating"), ticketID).Scan(&status, &requester, &assignee, &group)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("ticket")
		}
		if err != nil {
			return err
		}
		if actor.ID == 0 || actor.ID != requester {
			return errs.Forbidden("only the requester may rate a ticket")
		}
		if !Ratable(status) {
			return errs.Invalid("score", "can only be given once the ticket is solved")
		}
		before, err := scan(tx.QueryRowContext(ctx, s.q.Get("GetByTicket"), ticketID))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("UpsertRating"), ticketID, requester, nullInt(assignee), nullInt(group),
			in.Score, in.Comment, db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "satisfaction rating")
		}
		if out, err = scan(tx.QueryRowContext(ctx, s.q.Get("GetRating"), id)); err != nil {
			return err
		}
		action := "satisfaction.create"
		var prev any
		if before != nil {
			action, prev = "satisfaction.update", before
		}
		return s.audit.Record(ctx, tx, actor, action, "satisfaction_rating", id, prev, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ForTicket returns the rating of a ticket, nil when it has none.
func (s *Store) ForTicket(ctx context.Context, ticketID int64) (*Rating, error) {
	var out *Rating
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		r, err := scan(tx.QueryRowContext(ctx, s.q.Get("GetByTicket"), ticketID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		out = r
		return err
	})
	return out, err
}

// Get returns one rating by id.
func (s *Store) Get(ctx context.Context, id int64) (*Rating, error) {
	var out *Rating
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		r, err := scan(tx.QueryRowContext(ctx, s.q.Get("GetRating"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("satisfaction rating")
		}
		out = r
		return err
	})
	return out, err
}

// Filter narrows List and Count. Zero values mean "any".
type Filter struct {
	Score string // good or bad
	// Comment is "with" (ratings with a comment) or "without".
	Comment string
	// Since and Until bound when a rating was given (last changed):
	// Since <= updated_at < Until.
	Since, Until time.Time
	AfterID      int64
	Offset       int
	Limit        int // default 100, at most 1000
	// Hidden are the restricted brands whose tickets' ratings do not
	// exist for the viewer (brand.Scope.Hidden).
	Hidden []int64
	// AssigneeID and GroupID narrow List and Count to one agent's or one
	// group's ratings (0: any).
	AssigneeID, GroupID int64
}

// partitioned puts the restricted partition condition into a rating query.
func partitioned(q string) string {
	return strings.Replace(q, "PARTITION_T", brand.VisibleSQL("t.brand_id", "$5"), 1)
}

func (f Filter) args() ([]any, error) {
	if f.Score != "" && f.Score != Good && f.Score != Bad {
		return nil, errs.Invalid("score", "must be good or bad")
	}
	if f.Comment != "" && f.Comment != "with" && f.Comment != "without" {
		return nil, errs.Invalid("comment", "must be with or without")
	}
	micros := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixMicro()
	}
	return []any{f.Score, f.Comment, micros(f.Since), micros(f.Until), brand.Encode(f.Hidden)}, nil
}

// List returns ratings by id.
func (s *Store) List(ctx context.Context, f Filter) ([]Rating, error) {
	args, err := f.args()
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	return db.ReadList(ctx, s.d, partitioned(s.q.Get("ListRatings")), append(args, f.AfterID, f.AssigneeID, f.GroupID, limit, max(f.Offset, 0)), scan)
}

// Count counts the ratings matching f (pagination fields ignored).
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	args, err := f.args()
	if err != nil {
		return 0, err
	}
	var n int
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, partitioned(s.q.Get("CountRatings")), append(args, f.AssigneeID, f.GroupID)...).Scan(&n)
	})
	return n, err
}
