package ase

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Reminder tells an ASE (or their cover) that a ticket's agreed update is
// overdue, inside tx (the app sends an email through the outbox).
type Reminder func(ctx context.Context, tx *db.Tx, ticketID, userID int64, st CadenceState) error

// Service keeps ASE arrangements and runs routing, hand-back and reminders.
type Service struct {
	d       *db.DB
	q       *db.Queries
	audit   *audit.Log
	tickets *ticket.Store
	team    *team.Store
	remind  Reminder
}

// NewService wires the ASE workflows; remind may be nil (reminders are
// then only recorded and shown).
func NewService(d *db.DB, a *audit.Log, tickets *ticket.Store, tm *team.Store, remind Reminder) *Service {
	return &Service{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, tickets: tickets, team: tm, remind: remind}
}

func scanAccount(r db.Scanner) (*Account, error) {
	var a Account
	var ase, cover sql.NullInt64
	var days int64
	if err := r.Scan(&a.OrganizationID, &a.OrganizationName, &ase, &cover, &a.ReturnToASE, &days, db.Time(&a.UpdatedAt)); err != nil {
		return nil, err
	}
	a.ASEUserID, a.CoverUserID, a.CadenceBusinessDays = db.IDPtr(ase), db.IDPtr(cover), int(days)
	return &a, nil
}

// Account returns an organization's arrangement.
func (s *Service) Account(ctx context.Context, orgID int64) (a *Account, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		a, err = scanAccount(tx.QueryRowContext(ctx, s.q.Get("GetAccount"), orgID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("organization")
		}
		return err
	})
	return a, err
}

// Accounts lists the ASE accounts userID leads or covers (every one for 0).
func (s *Service) Accounts(ctx context.Context, userID int64) ([]Account, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListAccounts"), []any{userID}, scanAccount)
}

// UpdateAccount changes an arrangement: cover (an active agent or admin
// other than the ASE), hand-back, cadence.
func (s *Service) UpdateAccount(ctx context.Context, actor audit.Actor, orgID int64, in AccountInput) (*Account, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		cur, err := scanAccount(tx.QueryRowContext(ctx, s.q.Get("GetAccount"), orgID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("organization")
		}
		if err != nil {
			return err
		}
		if cur.ASEUserID == nil {
			return errs.Invalid("assigned_support_engineer_id", "ASE rule: this organization has no Assigned Support Engineer; set one on the organization first")
		}
		if err := in.Validate(cur.ASEUserID); err != nil {
			return err
		}
		next := *cur
		if in.CoverUserID != nil {
			next.CoverUserID = in.CoverUserID
			if *in.CoverUserID == 0 {
				next.CoverUserID = nil
			} else {
				var role string
				var active bool
				err := tx.QueryRowContext(ctx, "SELECT role, active FROM users WHERE id = $1", *in.CoverUserID).Scan(&role, &active)
				if errors.Is(err, sql.ErrNoRows) || (err == nil && ((role != "agent" && role != "admin") || !active)) {
					return errs.Invalid("cover_user_id", "Cover rule: the cover must be an active agent or admin")
				}
				if err != nil {
					return err
				}
			}
		}
		if in.ReturnToASE != nil {
			next.ReturnToASE = *in.ReturnToASE
		}
		if in.CadenceBusinessDays != nil {
			next.CadenceBusinessDays = *in.CadenceBusinessDays
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpsertAccount"), orgID, db.NullID(next.CoverUserID), next.ReturnToASE, next.CadenceBusinessDays, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "ase_account.updated", "organization", orgID, cur, next)
	})
	if err != nil {
		return nil, err
	}
	return s.Account(ctx, orgID)
}

func (s *Service) available(ctx context.Context, id *int64, t time.Time) bool {
	if id == nil {
		return false
	}
	a, err := s.team.Available(ctx, *id, t)
	return err == nil && a.Available
}

// Hook routes a new ticket of an ASE account (a ticket change hook):
// unassigned and no emergency, it goes to the ASE when they are working,
// else to their cover (remembered, to hand it back).
func (s *Service) Hook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	t := c.Ticket
	if !c.Created() || t.OrganizationID == nil || t.AssigneeID != nil || IsEmergency(t.Tags) {
		return nil
	}
	var aseID, coverID sql.NullInt64
	if err := tx.QueryRowContext(ctx, s.q.Get("RoutingOf"), *t.OrganizationID).Scan(&aseID, &coverID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	}
	ase, cover := db.IDPtr(aseID), db.IDPtr(coverID)
	if ase == nil {
		return nil
	}
	to, toCover := Route(ase, cover, s.available(ctx, ase, tx.Now), s.available(ctx, cover, tx.Now))
	if to == nil {
		return nil
	}
	if _, _, err := s.tickets.UpdateTx(ctx, tx, ticket.Actor{Role: "system"}, t.ID, ticket.UpdateInput{AssigneeID: to}); err != nil {
		return fmt.Errorf("ASE routing of ticket %d: %w", t.ID, err)
	}
	if toCover {
		_, err := tx.ExecContext(ctx, s.q.Get("InsertRouted"), t.ID, *ase, *cover, db.TS(tx.Now))
		return err
	}
	return nil
}

// ReturnTickets hands the tickets routed to a cover back to their ASE once
// the ASE is working again (where the account asks for it); it returns how
// many moved.
func (s *Service) ReturnTickets(ctx context.Context) (int, error) {
	type ret struct{ ticket, ase, cover int64 }
	var rs []ret
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rs = rs[:0]
		rows, err := tx.QueryContext(ctx, s.q.Get("PendingReturns"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r ret
			if err := rows.Scan(&r.ticket, &r.ase, &r.cover); err != nil {
				return err
			}
			rs = append(rs, r)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	now := s.d.Clock.Now()
	for _, r := range rs {
		ase := r.ase
		if !s.available(ctx, &ase, now) {
			continue
		}
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			if _, _, err := s.tickets.UpdateTx(ctx, tx, ticket.Actor{Role: "system"}, r.ticket, ticket.UpdateInput{AssigneeID: &ase}); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q.Get("MarkReturned"), r.ticket, db.TS(tx.Now))
			return err
		})
		if err != nil {
			return n, fmt.Errorf("hand ticket %d back to its ASE: %w", r.ticket, err)
		}
		n++
	}
	return n, nil
}

// TicketView is an open ticket of an account with its cadence standing.
type TicketView struct {
	ID            int64         `json:"id"`
	Subject       string        `json:"subject"`
	Status        string        `json:"status"`
	Priority      string        `json:"priority"`
	AssigneeID    *int64        `json:"assignee_id"`
	NextSLABreach *time.Time    `json:"next_sla_breach_at"`
	Cadence       *CadenceState `json:"cadence"`
}

// Note is one version of a customer's environment notes.
type Note struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	Version        int       `json:"version"`
	ProductVersion string    `json:"product_version"`
	Deployment     string    `json:"deployment"`
	Architecture   string    `json:"architecture"`
	AuthorID       *int64    `json:"author_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// Call is a scheduled review call.
type Call struct {
	ID             int64     `json:"id"`
	OrganizationID int64     `json:"organization_id"`
	ScheduledAt    time.Time `json:"scheduled_at"`
	Agenda         string    `json:"agenda"`
	CreatedBy      *int64    `json:"created_by_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// AccountView is an account in the ASE's workspace.
type AccountView struct {
	Account
	OpenTickets  []TicketView `json:"open_tickets"`
	CadenceDue   int          `json:"cadence_due_count"` // overdue or in warning
	Good, Bad    int          `json:"-"`
	Satisfaction *float64     `json:"satisfaction_90_days"` // good / (good + bad)
	Environment  *Note        `json:"environment"`
	NoteVersions int          `json:"environment_versions"`
	Calls        []Call       `json:"review_calls"`
}

// View builds an account's workspace view at now.
func (s *Service) View(ctx context.Context, a Account) (*AccountView, error) {
	v := &AccountView{Account: a, OpenTickets: []TicketView{}, Calls: []Call{}}
	now := s.d.Clock.Now()
	var cal team.Calendar
	if a.ASEUserID != nil {
		c, err := s.team.Calendar(ctx, *a.ASEUserID, now)
		if err == nil {
			cal = c
		}
	}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		v.OpenTickets = v.OpenTickets[:0]
		rows, err := tx.QueryContext(ctx, s.q.Get("OpenTickets"), a.OrganizationID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t TicketView
			var assignee, lastPublic sql.NullInt64
			var breach int64
			var updated, created time.Time
			if err := rows.Scan(&t.ID, &t.Subject, &t.Status, &t.Priority, &assignee, &breach, db.Time(&updated), &lastPublic, db.Time(&created)); err != nil {
				rows.Close()
				return err
			}
			t.AssigneeID = db.IDPtr(assignee)
			if breach != ticket.NoSortKey {
				b := db.FromMicros(breach)
				t.NextSLABreach = &b
			}
			last := created
			if lastPublic.Valid {
				last = db.FromMicros(lastPublic.Int64)
			}
			if st, ok := Cadence(cal, last, now, a.CadenceBusinessDays); ok && t.Status != "pending" && t.Status != "hold" {
				t.Cadence = &st
				if st.Overdue || st.Warning {
					v.CadenceDue++
				}
			}
			v.OpenTickets = append(v.OpenTickets, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("Satisfaction"), a.OrganizationID, db.TS(now.AddDate(0, 0, -90))).Scan(&v.Good, &v.Bad); err != nil {
			return err
		}
		if v.Good+v.Bad > 0 {
			r := float64(v.Good) / float64(v.Good+v.Bad)
			v.Satisfaction = &r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	notes, err := s.Notes(ctx, a.OrganizationID)
	if err != nil {
		return nil, err
	}
	if len(notes) > 0 {
		v.Environment, v.NoteVersions = &notes[0], len(notes)
	}
	calls, err := s.Calls(ctx, a.OrganizationID)
	if err != nil {
		return nil, err
	}
	for _, c := range calls {
		if !c.ScheduledAt.Before(now.Add(-24 * time.Hour)) {
			v.Calls = append(v.Calls, c)
		}
	}
	return v, nil
}

// Remind sends one reminder per overdue ticket and due moment; it returns
// how many it sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	accts, err := s.Accounts(ctx, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range accts {
		if a.CadenceBusinessDays == 0 || a.ASEUserID == nil {
			continue
		}
		v, err := s.View(ctx, a)
		if err != nil {
			return n, err
		}
		for _, t := range v.OpenTickets {
			if t.Cadence == nil || !t.Cadence.Overdue {
				continue
			}
			to := *a.ASEUserID
			if t.AssigneeID != nil {
				to = *t.AssigneeID // the cover, while they hold it
			}
			st := *t.Cadence
			err := s.d.Write(ctx, func(tx *db.Tx) error {
				res, err := tx.ExecContext(ctx, s.q.Get("InsertReminder"), t.ID, db.TS(st.DueAt), db.TS(tx.Now))
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k == 0 {
					return errAlready
				}
				if err := s.audit.Record(ctx, tx, audit.System(), "ase.update_overdue", "ticket", t.ID, nil,
					map[string]any{"due_at": st.DueAt, "reminded_user_id": to}); err != nil {
					return err
				}
				if s.remind != nil {
					return s.remind(ctx, tx, t.ID, to, st)
				}
				return nil
			})
			if errors.Is(err, errAlready) {
				continue
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

var errAlready = errors.New("already reminded")

func scanNote(r db.Scanner) (*Note, error) {
	var n Note
	var author sql.NullInt64
	var version int64
	if err := r.Scan(&n.ID, &n.OrganizationID, &version, &n.ProductVersion, &n.Deployment, &n.Architecture, &author, db.Time(&n.CreatedAt)); err != nil {
		return nil, err
	}
	n.Version, n.AuthorID = int(version), db.IDPtr(author)
	return &n, nil
}

// Notes lists an account's environment notes, newest version first.
func (s *Service) Notes(ctx context.Context, orgID int64) ([]Note, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Notes"), []any{orgID}, scanNote)
}

// NoteInput is a new version of the environment notes.
type NoteInput struct {
	ProductVersion string `json:"product_version"`
	Deployment     string `json:"deployment"`
	Architecture   string `json:"architecture"`
}

// AddNote records a new version of an account's environment notes.
func (s *Service) AddNote(ctx context.Context, actor audit.Actor, orgID int64, in NoteInput) (*Note, error) {
	var v errs.Validation
	in.ProductVersion, in.Deployment, in.Architecture = strings.TrimSpace(in.ProductVersion), strings.TrimSpace(in.Deployment), strings.TrimSpace(in.Architecture)
	v.Check(len(in.ProductVersion) <= 200, "product_version", "must be at most 200 characters")
	v.Check(len(in.Deployment) <= 10000, "deployment", "must be at most 10000 characters")
	v.Check(len(in.Architecture) <= 10000, "architecture", "must be at most 10000 characters")
	v.Check(in.ProductVersion+in.Deployment+in.Architecture != "", "architecture", "say something about the environment")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Account(ctx, orgID); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var author *int64
		if actor.ID != 0 {
			author = &actor.ID
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertNote"), orgID, in.ProductVersion, in.Deployment, in.Architecture, db.NullID(author), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "ase.environment_noted", "organization", orgID, nil, in)
	})
	if err != nil {
		return nil, err
	}
	notes, err := s.Notes(ctx, orgID)
	if err != nil || len(notes) == 0 {
		return nil, err
	}
	return &notes[0], nil
}

// Calls lists an account's review calls by time.
func (s *Service) Calls(ctx context.Context, orgID int64) ([]Call, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Calls"), []any{orgID}, func(r db.Scanner) (*Call, error) {
		var c Call
		var by sql.NullInt64
		if err := r.Scan(&c.ID, &c.OrganizationID, db.Time(&c.ScheduledAt), &c.Agenda, &by, db.Time(&c.CreatedAt)); err != nil {
			return nil, err
		}
		c.CreatedBy = db.IDPtr(by)
		return &c, nil
	})
}

// CallInput schedules a review call.
type CallInput struct {
	ScheduledAt *time.Time `json:"scheduled_at"`
	Agenda      string     `json:"agenda"`
}

// AddCall schedules a review call (in the future).
func (s *Service) AddCall(ctx context.Context, actor audit.Actor, orgID int64, in CallInput) (*Call, error) {
	var v errs.Validation
	v.Check(in.ScheduledAt != nil && in.ScheduledAt.After(s.d.Clock.Now()), "scheduled_at", "must be a time in the future")
	v.Check(len(in.Agenda) <= 2000, "agenda", "must be at most 2000 characters")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Account(ctx, orgID); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var by *int64
		if actor.ID != 0 {
			by = &actor.ID
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertCall"), orgID, db.TS(*in.ScheduledAt), strings.TrimSpace(in.Agenda), db.NullID(by), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "ase.review_call_scheduled", "organization", orgID, nil, in)
	})
	if err != nil {
		return nil, err
	}
	calls, err := s.Calls(ctx, orgID)
	for _, c := range calls {
		if c.ID == id {
			return &c, err
		}
	}
	return nil, err
}
