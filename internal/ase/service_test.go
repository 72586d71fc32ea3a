package ase

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

type world struct {
	svc            *Service
	tickets        *ticket.Store
	ppl            *people.Store
	clk            *clock.Fake
	ase, cover     *people.User
	customer       *people.User
	org            *people.Organization
	reminded       []int64
	remindedTicket []int64
}

// Monday 2026-11-02 10:00 in New York (15:00 UTC).
var monday = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	sys := audit.System()
	al := audit.New(d)
	w := &world{ppl: people.NewStore(d, al), clk: d.Clock.(*clock.Fake)}
	tm := team.NewStore(d, al, team.Options{})
	tm.Attach(w.ppl)
	if _, err := tm.SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	levels := map[string]int64{}
	ls, _ := tm.Levels(ctx)
	for _, l := range ls {
		levels[l.Key] = l.ID
	}
	mk := func(name, tz string, hours team.WorkingHours, specs ...string) *people.User {
		email, role := strings.ToLower(name)+"@frontline.test", people.RoleAgent
		u, err := w.ppl.CreateUser(ctx, sys, people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		lvl, region := levels["senior-support-engineer"], "AMER"
		if _, err := tm.CreateMember(ctx, sys, team.MemberInput{UserID: &u.ID, LevelID: &lvl, Region: &region, TimeZone: &tz,
			WorkingHours: &hours, Specialties: &specs}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.ase = mk("Asha", "America/New_York", team.DefaultHours(), team.SpecialtyASE)
	always := team.WorkingHours{}
	for _, d := range team.Weekdays() {
		always[d] = []team.Span{{Start: "00:00", End: "24:00"}}
	}
	w.cover = mk("Cole", "UTC", always, team.SpecialtyShift)
	name := "Initech"
	var err error
	w.org, err = w.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: &name, ASEUserID: &w.ase.ID})
	if err != nil {
		t.Fatal(err)
	}
	cname, cemail := "Peter", "peter@initech.test"
	w.customer, err = w.ppl.CreateUser(ctx, sys, people.UserInput{Name: &cname, Email: &cemail, OrganizationID: &w.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	w.tickets = ticket.NewStore(d, al, t.TempDir(), 1<<20)
	w.svc = NewService(d, al, w.tickets, tm, func(ctx context.Context, tx *db.Tx, ticketID, userID int64, st CadenceState) error {
		w.reminded = append(w.reminded, userID)
		w.remindedTicket = append(w.remindedTicket, ticketID)
		return nil
	})
	w.tickets.OnChange(w.svc.Hook)
	return w
}

func (w *world) ticket(t *testing.T, subject string, tags ...string) *ticket.Ticket {
	t.Helper()
	tk, _, err := w.tickets.Create(context.Background(), ticket.Actor{UserID: w.customer.ID, Role: people.RoleEndUser},
		ticket.CreateInput{Subject: subject, Comment: ticket.CommentInput{Body: "help"}, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.tickets.Get(context.Background(), tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func assignee(tk *ticket.Ticket) int64 {
	if tk.AssigneeID == nil {
		return 0
	}
	return *tk.AssigneeID
}

// TestRoutingCoverAndHandBack: during the ASE's hours their account's new
// ticket is theirs; on Saturday it goes to the cover and comes back on
// Monday morning; an emergency is never held for the ASE; without a cover
// an off-hours ticket waits in the queue.
func TestRoutingCoverAndHandBack(t *testing.T) {
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(monday) }, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		if tk := w.ticket(t, "weekday"); assignee(tk) != w.ase.ID {
			t.Fatalf("weekday ticket assigned to %d, want the ASE %d", assignee(tk), w.ase.ID)
		}
		if tk := w.ticket(t, "outage", "emergency"); tk.AssigneeID != nil {
			t.Fatal("an emergency was assigned to the ASE instead of paging on-call")
		}
		// Saturday: no cover yet -> the queue.
		w.clk.Set(monday.AddDate(0, 0, 5))
		if tk := w.ticket(t, "saturday, no cover"); tk.AssigneeID != nil {
			t.Fatalf("assigned to %d with the ASE away and no cover", assignee(tk))
		}
		if _, err := w.svc.UpdateAccount(ctx, audit.System(), w.org.ID, AccountInput{CoverUserID: &w.ase.ID}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("the ASE as their own cover: %v", err)
		}
		if _, err := w.svc.UpdateAccount(ctx, audit.System(), w.org.ID, AccountInput{CoverUserID: &w.customer.ID}); err == nil || !strings.Contains(err.Error(), "Cover rule") {
			t.Fatalf("a customer as cover: %v", err)
		}
		if _, err := w.svc.UpdateAccount(ctx, audit.System(), w.org.ID, AccountInput{CoverUserID: &w.cover.ID}); err != nil {
			t.Fatal(err)
		}
		sat := w.ticket(t, "saturday")
		if assignee(sat) != w.cover.ID {
			t.Fatalf("saturday ticket assigned to %d, want the cover %d", assignee(sat), w.cover.ID)
		}
		// Still the weekend: nothing moves.
		if n, err := w.svc.ReturnTickets(ctx); err != nil || n != 0 {
			t.Fatalf("returned %d %v while the ASE is away", n, err)
		}
		// Monday 10:00 New York: back to the ASE, once.
		w.clk.Set(monday.AddDate(0, 0, 7))
		if n, err := w.svc.ReturnTickets(ctx); err != nil || n != 1 {
			t.Fatalf("returned %d %v", n, err)
		}
		if tk, _ := w.tickets.Get(ctx, sat.ID); assignee(tk) != w.ase.ID {
			t.Fatalf("after the ASE's return assigned to %d", assignee(tk))
		}
		if n, _ := w.svc.ReturnTickets(ctx); n != 0 {
			t.Fatal("returned twice")
		}
		// With hand-back off, a covered ticket stays with the cover.
		no := false
		if _, err := w.svc.UpdateAccount(ctx, audit.System(), w.org.ID, AccountInput{ReturnToASE: &no}); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(monday.AddDate(0, 0, 12)) // Saturday
		kept := w.ticket(t, "kept by cover")
		w.clk.Set(monday.AddDate(0, 0, 14))
		if n, _ := w.svc.ReturnTickets(ctx); n != 0 {
			t.Fatal("handed back although the account keeps covered tickets with the cover")
		}
		if tk, _ := w.tickets.Get(ctx, kept.ID); assignee(tk) != w.cover.ID {
			t.Fatal("the covered ticket moved")
		}
	})
}

// TestCadenceWarningsAndReminders: with an update every business day, a
// ticket without a public update is in warning near its due time, overdue
// after it, reminded once, and a public reply resets it.
func TestCadenceWarningsAndReminders(t *testing.T) {
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(monday) }, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		days := 1
		if _, err := w.svc.UpdateAccount(ctx, audit.System(), w.org.ID, AccountInput{CadenceBusinessDays: &days}); err != nil {
			t.Fatal(err)
		}
		tk := w.ticket(t, "slow upgrade")
		view := func() *AccountView {
			a, _ := w.svc.Account(ctx, w.org.ID)
			v, err := w.svc.View(ctx, *a)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if v := view(); v.OpenTickets[0].Cadence == nil || v.CadenceDue != 0 {
			t.Fatalf("fresh ticket %+v", v.OpenTickets)
		}
		w.clk.Set(monday.Add(20 * time.Hour)) // Tuesday 06:00 NY, due at 10:00
		if v := view(); !v.OpenTickets[0].Cadence.Warning || v.CadenceDue != 1 {
			t.Fatalf("near the due time %+v", v.OpenTickets[0].Cadence)
		}
		if n, _ := w.svc.Remind(ctx); n != 0 {
			t.Fatal("reminded before the due time")
		}
		w.clk.Set(monday.Add(25 * time.Hour))
		if n, err := w.svc.Remind(ctx); err != nil || n != 1 || w.reminded[0] != w.ase.ID || w.remindedTicket[0] != tk.ID {
			t.Fatalf("reminders %d %v %v", n, err, w.reminded)
		}
		if n, _ := w.svc.Remind(ctx); n != 0 {
			t.Fatal("reminded twice for the same due time")
		}
		// The ASE replies publicly: due again a business day later.
		pub := true
		if _, _, err := w.tickets.Update(ctx, ticket.Actor{UserID: w.ase.ID, Role: people.RoleAgent}, tk.ID,
			ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "still on it", Public: &pub}}); err != nil {
			t.Fatal(err)
		}
		v := view()
		if c := v.OpenTickets[0].Cadence; c.Overdue || !c.DueAt.Equal(monday.Add(25*time.Hour).Add(24*time.Hour)) {
			t.Fatalf("after a reply %+v", c)
		}
		// Notes and calls.
		if _, err := w.svc.AddNote(ctx, audit.System(), w.org.ID, NoteInput{ProductVersion: "16.4", Deployment: "3-node HA on Kubernetes"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddNote(ctx, audit.System(), w.org.ID, NoteInput{ProductVersion: "16.5", Deployment: "3-node HA on Kubernetes"}); err != nil {
			t.Fatal(err)
		}
		at := w.clk.Now().Add(72 * time.Hour)
		if _, err := w.svc.AddCall(ctx, audit.System(), w.org.ID, CallInput{ScheduledAt: &at, Agenda: "quarterly review"}); err != nil {
			t.Fatal(err)
		}
		past := w.clk.Now().Add(-time.Hour)
		if _, err := w.svc.AddCall(ctx, audit.System(), w.org.ID, CallInput{ScheduledAt: &past}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("a call in the past: %v", err)
		}
		v = view()
		if v.Environment == nil || v.Environment.Version != 2 || v.Environment.ProductVersion != "16.5" || v.NoteVersions != 2 || len(v.Calls) != 1 {
			t.Fatalf("view %+v %+v", v.Environment, v.Calls)
		}
		accts, _ := w.svc.Accounts(ctx, w.ase.ID)
		if len(accts) != 1 || accts[0].CadenceBusinessDays != 1 {
			t.Fatalf("the ASE's accounts %+v", accts)
		}
		if accts, _ := w.svc.Accounts(ctx, w.customer.ID); len(accts) != 0 {
			t.Fatal("a customer leads an account")
		}
	})
}
