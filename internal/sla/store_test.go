package sla

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func sp(s string) *string { return &s }

// env is a help desk with the SLA service hooked into the ticket store.
type env struct {
	d        *db.DB
	clk      *clock.Fake
	people   *people.Store
	tickets  *ticket.Store
	store    *Store
	svc      *Service
	agent    ticket.Actor
	premium  ticket.Actor // end user in a premium organization
	free     ticket.Actor // end user without organization
	amer     *Schedule
	emea     *Schedule
	mu       sync.Mutex
	breaches []Breach
	warnings []Breach
}

func ny(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testPolicies: premium tickets get tight targets on business hours, every
// other ticket a calendar-time policy.
func testPolicies() []Policy {
	return []Policy{
		{
			Title:    "Premium",
			Position: 1,
			Filter:   Filter{All: []Condition{{Field: "organization.tier", Operator: OpIs, Value: "premium"}}},
			PolicyMetrics: []PolicyMetric{
				{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 30, BusinessHours: false},
				{Priority: PriorityHigh, Metric: MetricFirstReplyTime, Target: 120, BusinessHours: true},
				{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 240, BusinessHours: true},
				{Priority: PriorityUrgent, Metric: MetricNextReplyTime, Target: 60, BusinessHours: false},
				{Priority: PriorityNormal, Metric: MetricNextReplyTime, Target: 240, BusinessHours: true},
				{Priority: PriorityNormal, Metric: MetricAgentWorkTime, Target: 600, BusinessHours: false},
				{Priority: PriorityNormal, Metric: MetricPausableUpdateTime, Target: 120, BusinessHours: false},
			},
		},
		{
			Title:    "Everyone else",
			Position: 2,
			PolicyMetrics: []PolicyMetric{
				{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 60, BusinessHours: false},
				{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 10, BusinessHours: false},
			},
		},
	}
}

func newEnv(t *testing.T, d *db.DB, clk *clock.Fake) *env {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ps := people.NewStore(d, al)
	sys := audit.System()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Acme"), Tier: sp("premium")})
	must(err)
	user := func(name, role string, org *int64) ticket.Actor {
		u, err := ps.CreateUser(ctx, sys, people.UserInput{Name: sp(name), Email: sp(strings.ToLower(name) + "@example.com"), Role: sp(role), OrganizationID: org})
		must(err)
		return ticket.Actor{UserID: u.ID, Role: role}
	}
	e := &env{d: d, clk: clk, people: ps, tickets: ticket.NewStore(d, al, t.TempDir(), 1<<20), store: NewStore(d, al)}
	e.agent = user("Alice", "agent", nil)
	e.premium = user("Carol", "end-user", &org.ID)
	e.free = user("Erin", "end-user", nil)
	e.svc = NewService(e.store, Options{})
	e.tickets.OnPrepare(e.svc.Prepare)
	e.tickets.OnChange(e.svc.Hook)
	e.svc.OnBreach(func(ctx context.Context, tx *db.Tx, b Breach) error {
		e.mu.Lock()
		e.breaches = append(e.breaches, b)
		e.mu.Unlock()
		return nil
	})
	e.svc.OnWarning(func(ctx context.Context, tx *db.Tx, b Breach) error {
		e.mu.Lock()
		e.warnings = append(e.warnings, b)
		e.mu.Unlock()
		return nil
	})
	hours := OfficeHours(9*60, 17*60, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	e.amer, err = e.store.CreateSchedule(ctx, sys, Schedule{Name: "AMER", TimeZone: "America/New_York", Intervals: hours,
		Holidays: []Holiday{{Name: "Martin Luther King Jr. Day", StartDate: "2026-01-19", EndDate: "2026-01-19"}}})
	must(err)
	e.emea, err = e.store.CreateSchedule(ctx, sys, Schedule{Name: "EMEA", TimeZone: "Europe/Amsterdam", Intervals: hours})
	must(err)
	for _, p := range testPolicies() {
		_, err := e.store.CreatePolicy(ctx, sys, p)
		must(err)
	}
	return e
}

func (e *env) create(t *testing.T, actor ticket.Actor, prio string, tags ...string) int64 {
	t.Helper()
	in := ticket.CreateInput{Comment: ticket.CommentInput{Body: "It is broken"}, Tags: tags}
	if prio != "" {
		in.Priority = &prio
	}
	tk, _, err := e.tickets.Create(context.Background(), actor, in)
	if err != nil {
		t.Fatal(err)
	}
	return tk.ID
}

func (e *env) update(t *testing.T, actor ticket.Actor, id int64, in ticket.UpdateInput) {
	t.Helper()
	if _, _, err := e.tickets.Update(context.Background(), actor, id, in); err != nil {
		t.Fatal(err)
	}
}

func (e *env) reply(t *testing.T, id int64, status string) {
	t.Helper()
	in := ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "On it"}}
	if status != "" {
		in.Status = &status
	}
	e.update(t, e.agent, id, in)
}

func (e *env) comment(t *testing.T, actor ticket.Actor, id int64) {
	t.Helper()
	e.update(t, actor, id, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "Any news?"}})
}

// reopen is a requester comment that reopens the ticket (as Zendesk does
// when a requester answers a pending or solved ticket).
func (e *env) reopen(t *testing.T, id int64) {
	t.Helper()
	e.update(t, e.premium, id, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "Still broken"}, Status: sp("open")})
}

func (e *env) metric(t *testing.T, id int64, metric string) TicketMetric {
	t.Helper()
	ms, err := e.svc.Metrics(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Metric == metric {
			return m
		}
	}
	t.Fatalf("ticket %d has no %s (has %+v)", id, metric, ms)
	return TicketMetric{}
}

func (e *env) breachEvents(t *testing.T, id int64, kind string) []Breach {
	t.Helper()
	evs, err := e.svc.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []Breach
	for _, b := range evs {
		if b.Kind == kind {
			out = append(out, b)
		}
	}
	return out
}

func (e *env) fire(t *testing.T) {
	t.Helper()
	if _, err := e.svc.FireDue(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
}

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Fatalf("%s = %v, want %v", what, got, want.UTC())
	}
}

func fakeAt(t time.Time) func() clock.Clock {
	return func() clock.Clock { return clock.NewFake(t) }
}

// TestTicketTargets drives real tickets through the store with an injected
// clock and checks the stored SLA state after each step.
func TestTicketTargets(t *testing.T) {
	loc := ny(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	cases := []struct {
		name  string
		start time.Time
		run   func(t *testing.T, e *env)
	}{
		{
			name:  "weekend: Friday afternoon ticket is due Monday",
			start: at(2026, 1, 9, 15, 0), // Friday 15:00 EST
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				m := e.metric(t, id, MetricFirstReplyTime)
				// 2 business hours on Friday, 2 on Monday.
				if m.Status != "active" || m.Target != 240 || !m.BusinessHours {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "due_at", m.DueAt, at(2026, 1, 12, 11, 0))
				// The warning comes a fifth of the target (48 min) ahead, wall-clock.
				wantTime(t, "warn_at", m.WarnAt, at(2026, 1, 12, 10, 12))
				e.clk.Set(at(2026, 1, 12, 10, 30))
				e.fire(t)
				if w := e.breachEvents(t, id, KindWarning); len(w) != 1 || len(e.warnings) != 1 {
					t.Fatalf("warnings %+v / %d", w, len(e.warnings))
				}
				e.reply(t, id, "pending")
				m = e.metric(t, id, MetricFirstReplyTime)
				if m.Status != "achieved" || m.ElapsedMinutes != 210 {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "achieved_at", m.AchievedAt, at(2026, 1, 12, 10, 30))
			},
		},
		{
			name:  "holiday: the Friday ticket skips the weekend and Martin Luther King Jr. Day",
			start: at(2026, 1, 16, 16, 0),
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				wantTime(t, "due_at", e.metric(t, id, MetricFirstReplyTime).DueAt, at(2026, 1, 20, 12, 0))
				// Monday is a holiday: nothing happens on Monday evening.
				e.clk.Set(at(2026, 1, 19, 23, 0))
				e.fire(t)
				if m := e.metric(t, id, MetricFirstReplyTime); m.Status != "active" {
					t.Fatalf("%+v", m)
				}
				e.clk.Set(at(2026, 1, 20, 12, 0).Add(TimerDelay))
				e.fire(t)
				m := e.metric(t, id, MetricFirstReplyTime)
				if m.Status != "breached" {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "breached_at", m.BreachedAt, at(2026, 1, 20, 12, 0))
			},
		},
		{
			name:  "DST: business hours follow the wall clock across spring-forward",
			start: at(2026, 3, 6, 15, 0), // Friday 15:00 EST (UTC-5); DST starts Sunday 8 March
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				due := e.metric(t, id, MetricFirstReplyTime).DueAt
				// Monday 11:00 EDT is 15:00 UTC (it would be 16:00 UTC without DST).
				wantTime(t, "due_at", due, time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC))
			},
		},
		{
			name:  "DST: fall-back keeps the business day at 09:00 local",
			start: at(2026, 10, 30, 15, 0), // Friday 15:00 EDT (UTC-4); EST from Sunday 1 November
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				// Monday 11:00 EST is 16:00 UTC.
				wantTime(t, "due_at", e.metric(t, id, MetricFirstReplyTime).DueAt, time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC))
				// A calendar target across the repeated hour is plain elapsed time.
				id2 := e.create(t, e.free, "normal")
				wantTime(t, "calendar due_at", e.metric(t, id2, MetricFirstReplyTime).DueAt, at(2026, 10, 30, 16, 0))
			},
		},
		{
			name:  "DST: the EMEA schedule (by region tag) changes a week later",
			start: time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC), // Friday 16:00 CET; CEST from Sunday 29 March
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal", "region_emea")
				// 1 hour on Friday, 3 on Monday 09:00-12:00 CEST = 07:00-10:00 UTC.
				wantTime(t, "due_at", e.metric(t, id, MetricFirstReplyTime).DueAt, time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC))
			},
		},
		{
			name:  "pauses: pending stops agent work and the pausable update clock",
			start: at(2026, 1, 6, 10, 0),
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				e.clk.Advance(30 * time.Minute)
				e.reply(t, id, "pending")
				if m := e.metric(t, id, MetricAgentWorkTime); m.Status != "paused" || m.ElapsedMinutes != 30 || m.DueAt != nil {
					t.Fatalf("%+v", m)
				}
				if m := e.metric(t, id, MetricPausableUpdateTime); m.Status != "paused" {
					t.Fatalf("%+v", m)
				}
				// Three days pending: no breach although 120 minutes passed.
				e.clk.Advance(72 * time.Hour)
				e.fire(t)
				if m := e.metric(t, id, MetricPausableUpdateTime); m.Status != "paused" {
					t.Fatalf("%+v", m)
				}
				e.update(t, e.agent, id, ticket.UpdateInput{Status: sp("open")})
				m := e.metric(t, id, MetricPausableUpdateTime)
				if m.Status != "active" {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "due_at", m.DueAt, e.clk.Now().Add(120*time.Minute))
				m = e.metric(t, id, MetricAgentWorkTime)
				wantTime(t, "agent work due_at", m.DueAt, e.clk.Now().Add(570*time.Minute))
				e.clk.Advance(121 * time.Minute)
				e.fire(t)
				if got := e.breachEvents(t, id, KindBreach); len(got) != 1 || got[0].Metric != MetricPausableUpdateTime {
					t.Fatalf("%+v", got)
				}
			},
		},
		{
			name:  "reopen: a requester comment reopens a solved ticket and starts next reply",
			start: at(2026, 1, 6, 10, 0),
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "urgent")
				e.clk.Advance(10 * time.Minute)
				e.reply(t, id, "solved")
				if m := e.metric(t, id, MetricFirstReplyTime); m.Status != "achieved" {
					t.Fatalf("%+v", m)
				}
				e.clk.Advance(time.Hour)
				e.comment(t, e.premium, id) // the requester's comment reopens the ticket (ticket store rule)
				if tk, err := e.tickets.Get(context.Background(), id); err != nil || tk.Status != "open" {
					t.Fatalf("not reopened: %+v %v", tk, err)
				}
				m := e.metric(t, id, MetricNextReplyTime)
				if m.Status != "active" || m.Target != 60 {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "due_at", m.DueAt, e.clk.Now().Add(time.Hour))
				e.clk.Advance(61 * time.Minute)
				e.fire(t)
				e.fire(t)
				if got := e.breachEvents(t, id, KindBreach); len(got) != 1 || got[0].Metric != MetricNextReplyTime {
					t.Fatalf("%+v", got)
				}
				e.reply(t, id, "")
				hist, err := e.svc.Achievements(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range hist {
					got = append(got, fmt.Sprintf("%s:%v:%d", h.Metric, h.Achieved, h.ElapsedMinutes))
				}
				want := "first_reply_time:true:10 next_reply_time:false:61"
				if strings.Join(got, " ") != want {
					t.Fatalf("history %v, want %s", got, want)
				}
			},
		},
		{
			name:  "reopen: cumulative agent work resumes from its total",
			start: at(2026, 1, 6, 10, 0),
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				e.clk.Advance(time.Hour)
				e.reply(t, id, "solved")
				if m := e.metric(t, id, MetricAgentWorkTime); m.Status != "achieved" || m.ElapsedMinutes != 60 {
					t.Fatalf("%+v", m)
				}
				e.clk.Advance(24 * time.Hour) // solved time does not count
				e.update(t, e.agent, id, ticket.UpdateInput{Status: sp("open")})
				m := e.metric(t, id, MetricAgentWorkTime)
				if m.Status != "active" {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "due_at", m.DueAt, e.clk.Now().Add(540*time.Minute))
				e.comment(t, e.premium, id)
				// Wednesday 11:00 EST: 4 business hours end at 15:00 EST.
				wantTime(t, "AMER due", e.metric(t, id, MetricNextReplyTime).DueAt, time.Date(2026, 1, 7, 20, 0, 0, 0, time.UTC))
				// A ticket in an EMEA group is measured on EMEA hours.
				g, err := e.people.CreateGroup(context.Background(), audit.System(), people.GroupInput{Name: sp("Support EMEA")})
				if err != nil {
					t.Fatal(err)
				}
				e.update(t, e.agent, id, ticket.UpdateInput{GroupID: &g.ID})
				wantTime(t, "EMEA group due", e.metric(t, id, MetricNextReplyTime).DueAt, time.Date(2026, 1, 8, 12, 0, 0, 0, time.UTC))
				e.update(t, e.agent, id, ticket.UpdateInput{GroupID: new(int64)})
				wantTime(t, "no group due", e.metric(t, id, MetricNextReplyTime).DueAt, time.Date(2026, 1, 7, 20, 0, 0, 0, time.UTC))
				// So is one tagged for EMEA.
				e.update(t, e.agent, id, ticket.UpdateInput{AdditionalTags: []string{"region_emea"}})
				// 17:00 in Amsterdam: closed; Thursday 09:00-13:00 CET.
				wantTime(t, "EMEA due", e.metric(t, id, MetricNextReplyTime).DueAt, time.Date(2026, 1, 8, 12, 0, 0, 0, time.UTC))
			},
		},
		{
			name:  "priority change mid-ticket re-targets from the same start",
			start: at(2026, 1, 6, 10, 0),
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.premium, "normal")
				wantTime(t, "normal due", e.metric(t, id, MetricFirstReplyTime).DueAt, at(2026, 1, 6, 14, 0))
				e.clk.Advance(10 * time.Minute)
				e.update(t, e.agent, id, ticket.UpdateInput{Priority: sp("urgent")})
				m := e.metric(t, id, MetricFirstReplyTime)
				if m.Target != 30 || m.BusinessHours || m.Priority != "urgent" {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "urgent due", m.DueAt, at(2026, 1, 6, 10, 30))
				// Raised to urgent 40 minutes in: breached at the change.
				id2 := e.create(t, e.premium, "normal")
				e.clk.Advance(40 * time.Minute)
				e.update(t, e.agent, id2, ticket.UpdateInput{Priority: sp("urgent")})
				if got := e.breachEvents(t, id2, KindBreach); len(got) != 1 || !got[0].At.Equal(e.clk.Now()) {
					t.Fatalf("%+v", got)
				}
				// Lowered again: the breach stays.
				e.update(t, e.agent, id2, ticket.UpdateInput{Priority: sp("normal")})
				if m := e.metric(t, id2, MetricFirstReplyTime); m.Status != "breached" {
					t.Fatalf("%+v", m)
				}
			},
		},
		{
			name:  "a ticket from before the SLA service gets targets from its creation on its next change",
			start: at(2026, 1, 10, 12, 0),
			run: func(t *testing.T, e *env) {
				plain := ticket.NewStore(e.d, audit.New(e.d), t.TempDir(), 1<<20) // no SLA hook
				prio := "normal"
				old, _, err := plain.Create(context.Background(), e.free, ticket.CreateInput{Comment: ticket.CommentInput{Body: "Old"}, Priority: &prio})
				if err != nil {
					t.Fatal(err)
				}
				e.clk.Advance(90 * time.Minute)
				e.comment(t, e.free, old.ID)
				m := e.metric(t, old.ID, MetricFirstReplyTime)
				if m.Status != "breached" {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "started_at", m.StartedAt, at(2026, 1, 10, 12, 0))
				wantTime(t, "breached_at", m.BreachedAt, at(2026, 1, 10, 13, 0))
			},
		},
		{
			name:  "policy follows the organization: other customers get the calendar policy",
			start: at(2026, 1, 10, 12, 0), // Saturday
			run: func(t *testing.T, e *env) {
				id := e.create(t, e.free, "normal")
				m := e.metric(t, id, MetricFirstReplyTime)
				if m.BusinessHours || m.Target != 60 {
					t.Fatalf("%+v", m)
				}
				wantTime(t, "due_at", m.DueAt, at(2026, 1, 10, 13, 0))
				// No priority: no targets.
				id2 := e.create(t, e.free, "")
				if m := e.metric(t, id2, MetricFirstReplyTime); m.Status != "none" || m.DueAt != nil {
					t.Fatalf("%+v", m)
				}
			},
		},
		{
			name:  "a restricted brand's own policy: its customer's new ticket is selected by brand_id",
			start: at(2026, 1, 10, 12, 0), // Saturday
			run: func(t *testing.T, e *env) {
				ctx := context.Background()
				if _, err := e.store.CreatePolicy(ctx, audit.System(), Policy{Title: "US Government", Position: 1,
					Filter:        Filter{All: []Condition{{Field: "brand_id", Operator: OpIs, Value: "2"}}},
					PolicyMetrics: []PolicyMetric{{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 15, BusinessHours: false}}}); err != nil {
					t.Fatal(err)
				}
				if err := e.d.Write(ctx, func(tx *db.Tx) error {
					if _, err := tx.ExecContext(ctx, "INSERT INTO brands (id, name, subdomain, restricted, active, created_at, updated_at) VALUES (2, 'US Government', 'usgov', TRUE, TRUE, 0, 0)"); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, "UPDATE users SET brand_id = 2 WHERE id = $1", e.free.UserID)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				id := e.create(t, e.free, "normal")
				if m := e.metric(t, id, MetricFirstReplyTime); m.Target != 15 || m.BusinessHours {
					t.Fatalf("the brand's policy was not selected: %+v", m)
				}
				id2 := e.create(t, e.premium, "normal") // the default brand: as before
				if m := e.metric(t, id2, MetricFirstReplyTime); m.Target != 240 {
					t.Fatalf("%+v", m)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var clk *clock.Fake
			dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(tc.start); return clk }, func(t *testing.T, d *db.DB) {
				tc.run(t, newEnv(t, d, clk))
			})
		})
	}
}

func TestConfigStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		al := audit.New(d)
		s := NewStore(d, al)
		sys := audit.System()
		// Invalid schedules and policies name the field and store nothing.
		_, err := s.CreateSchedule(ctx, sys, Schedule{Name: "X", TimeZone: "Mars/Olympus", Intervals: []Interval{{60, 30}}})
		if !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "time_zone") {
			t.Fatalf("%v", err)
		}
		bad := testPolicies()[0]
		bad.PolicyMetrics = append(bad.PolicyMetrics, PolicyMetric{Priority: "high", Metric: "time_to_coffee", Target: 5})
		if _, err := s.CreatePolicy(ctx, sys, bad); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "time_to_coffee") {
			t.Fatalf("%v", err)
		}
		if ps, err := s.ListPolicies(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("%v %v", ps, err)
		}
		if ss, err := s.ListSchedules(ctx); err != nil || len(ss) != 0 {
			t.Fatalf("%v %v", ss, err)
		}
		// Seeding happens once.
		for i, want := range []bool{true, false} {
			got, err := s.SeedDefaults(ctx)
			if err != nil || got != want {
				t.Fatalf("seed %d: %v %v", i, got, err)
			}
		}
		ss, err := s.ListSchedules(ctx)
		if err != nil || len(ss) != 3 || ss[0].Name != "AMER" || ss[2].TimeZone != "Australia/Sydney" || len(ss[1].Intervals) != 5 {
			t.Fatalf("%+v %v", ss, err)
		}
		ps, err := s.ListPolicies(ctx)
		if err != nil || len(ps) != 2 || ps[0].Title != PolicyPrioritySupport || len(ps[0].PolicyMetrics) != 8 || len(ps[0].Filter.Any) != 2 {
			t.Fatalf("%+v %v", ps, err)
		}
		if tg, ok := ps[0].Target(PriorityUrgent, MetricFirstReplyTime); !ok || tg.Target != 30 || tg.BusinessHours {
			t.Fatalf("%+v", tg)
		}
		// Holidays.
		h, err := s.CreateHoliday(ctx, sys, ss[0].ID, Holiday{Name: "Thanksgiving", StartDate: "2026-11-26", EndDate: "2026-11-27"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateHoliday(ctx, sys, ss[0].ID, Holiday{Name: "Oops", StartDate: "2026-11-27", EndDate: "2026-11-26"}); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "end_date") {
			t.Fatalf("%v", err)
		}
		if _, err := s.UpdateHoliday(ctx, sys, ss[0].ID, h.ID, Holiday{Name: "Thanksgiving", StartDate: "2026-11-26", EndDate: "2026-11-26"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetSchedule(ctx, ss[0].ID)
		if err != nil || len(got.Holidays) != 1 || got.Holidays[0].EndDate != "2026-11-26" {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := s.GetHoliday(ctx, ss[1].ID, h.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("holiday of another schedule: %v", err)
		}
		if err := s.DeleteHoliday(ctx, sys, ss[0].ID, h.ID); err != nil {
			t.Fatal(err)
		}
		// Schedule update: bad intervals change nothing.
		bi := []Interval{{100, 50}}
		if _, err := s.UpdateSchedule(ctx, sys, ss[0].ID, ScheduleInput{Name: sp("Americas"), Intervals: &bi}); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "intervals[0].end_time") {
			t.Fatalf("%v", err)
		}
		if got, _ := s.GetSchedule(ctx, ss[0].ID); got.Name != "AMER" || len(got.Intervals) != 5 {
			t.Fatalf("%+v", got)
		}
		gi := []Interval{{StartTime: 1440 + 480, EndTime: 1440 + 1020}}
		if got, err := s.UpdateSchedule(ctx, sys, ss[0].ID, ScheduleInput{Name: sp("Americas"), Intervals: &gi}); err != nil || got.Name != "Americas" || len(got.Intervals) != 1 {
			t.Fatalf("%+v %v", got, err)
		}
		// Policies: update, reorder, delete.
		up, err := s.UpdatePolicy(ctx, sys, ps[1].ID, PolicyInput{Title: sp("Standard"), PolicyMetrics: &[]PolicyMetric{{Priority: "low", Metric: MetricFirstReplyTime, Target: 2880, BusinessHours: true}}})
		if err != nil || up.Title != "Standard" || len(up.PolicyMetrics) != 1 || up.Description == "" {
			t.Fatalf("%+v %v", up, err)
		}
		if _, err := s.UpdatePolicy(ctx, sys, ps[1].ID, PolicyInput{Filter: &Filter{All: []Condition{{Field: "shoe_size", Operator: "is", Value: "9"}}}}); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "filter.all[0].field") {
			t.Fatalf("%v", err)
		}
		if _, err := s.ReorderPolicies(ctx, sys, []int64{ps[1].ID}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("partial reorder: %v", err)
		}
		re, err := s.ReorderPolicies(ctx, sys, []int64{ps[1].ID, ps[0].ID})
		if err != nil || re[0].ID != ps[1].ID || re[0].Position != 1 || re[1].Position != 2 {
			t.Fatalf("%+v %v", re, err)
		}
		if err := s.DeletePolicy(ctx, sys, ps[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetPolicy(ctx, ps[1].ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("%v", err)
		}
		if err := s.DeleteSchedule(ctx, sys, ss[2].ID); err != nil {
			t.Fatal(err)
		}
		if ss, _ := s.ListSchedules(ctx); len(ss) != 2 {
			t.Fatalf("%+v", ss)
		}
		if entries, err := al.List(ctx, audit.Filter{ObjectType: "sla_policy"}); err != nil || len(entries) < 4 {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
	})
}

// TestTicketMetricsView checks the Zendesk-shaped ticket metrics and the
// live time left.
func TestTicketMetricsView(t *testing.T) {
	loc := ny(t)
	start := time.Date(2026, 1, 6, 9, 0, 0, 0, loc)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, clk)
		ctx := context.Background()
		id := e.create(t, e.premium, "normal")
		e.clk.Advance(20*time.Hour + 30*time.Minute) // Wednesday 05:30: 8 business hours later
		e.reply(t, id, "pending")
		e.clk.Advance(time.Hour)
		e.reopen(t, id) // next reply starts
		e.clk.Advance(2 * time.Hour)
		e.reply(t, id, "solved")
		e.clk.Advance(time.Hour)
		e.reopen(t, id)
		e.clk.Advance(10 * time.Minute)
		v, err := e.svc.View(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		z := v.Zendesk
		if z.Replies != 2 || z.Reopens != 1 || z.ReplyTimeInMinutes == nil || *z.ReplyTimeInMinutes != (Minutes{1230, 480}) {
			t.Fatalf("%+v %+v", z, z.ReplyTimeInMinutes)
		}
		if z.FirstResolutionTimeInMinutes == nil || z.FirstResolutionTimeInMinutes.Calendar != 1230+180 || z.FullResolutionTimeInMinutes != nil {
			t.Fatalf("%+v", z)
		}
		if z.AgentWaitTimeInMinutes.Calendar != 60 {
			t.Fatalf("agent wait %+v", z.AgentWaitTimeInMinutes)
		}
		if v.Policy != "Premium" || v.Schedule != "AMER" {
			t.Fatalf("%+v", v)
		}
		var next *MetricView
		for i := range v.Metrics {
			if v.Metrics[i].Metric == MetricNextReplyTime {
				next = &v.Metrics[i]
			}
		}
		// Reopened Wednesday 09:30 EST: 240 business minutes, 10 used.
		if next == nil || next.Status != "active" || next.TimeLeftMinutes == nil || *next.TimeLeftMinutes != 230 {
			t.Fatalf("%+v", next)
		}
	})
}

// TestTwoNodesFireOnce runs two SLA services, each with its own connection
// pool, on one PostgreSQL database: both fire every due timer concurrently,
// and each breach is recorded (and its hook run) exactly once.
func TestTwoNodesFireOnce(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		if eng.Name != "postgres" {
			continue
		}
		t.Run(eng.Name, func(t *testing.T) {
			start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
			clk := clock.NewFake(start)
			d1 := dbtest.Open(t, eng, clk)
			d2, err := db.Open(context.Background(), d1.Target, clk, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			e := newEnv(t, d1, clk)
			node2 := NewService(NewStore(d2, audit.New(d2)), Options{})
			var mu sync.Mutex
			hooks := map[string]int{}
			count := func(ctx context.Context, tx *db.Tx, b Breach) error {
				mu.Lock()
				hooks[fmt.Sprintf("%d/%s", b.TicketID, b.Metric)]++
				mu.Unlock()
				return nil
			}
			e.svc.OnBreach(count)
			node2.OnBreach(count)
			const n = 20
			var ids []int64
			for i := range n {
				actor := e.premium
				if i%2 == 1 {
					actor = e.free
				}
				ids = append(ids, e.create(t, actor, "urgent"))
			}
			clk.Advance(2 * time.Hour)
			var wg sync.WaitGroup
			errc := make(chan error, 8)
			for _, node := range []*Service{e.svc, node2, e.svc, node2} {
				wg.Go(func() {
					if _, err := node.FireDue(context.Background(), 1000); err != nil {
						errc <- err
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			var rows int
			if err := d1.R.QueryRow("SELECT COUNT(*) FROM sla_events WHERE kind = 'breach'").Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows != n || len(hooks) != n {
				t.Fatalf("%d breach rows and %d hooked breaches for %d tickets", rows, len(hooks), n)
			}
			for k, c := range hooks {
				if c != 1 {
					t.Fatalf("breach %s hooked %d times", k, c)
				}
			}
			for _, id := range ids {
				if m := e.metric(t, id, MetricFirstReplyTime); m.Status != "breached" {
					t.Fatalf("%+v", m)
				}
			}
		})
	}
}

func TestSelectSchedule(t *testing.T) {
	ss := []Schedule{{ID: 1, Name: "AMER"}, {ID: 2, Name: "EMEA"}, {ID: 3, Name: "APAC"}}
	cases := []struct {
		region string
		tags   []string
		group  string
		want   int64
	}{
		{"", nil, "", 1},
		{"", []string{"vip", "region_apac"}, "", 3},
		{"", []string{"region_mars"}, "", 1},
		{"", nil, "Support EMEA", 2},
		{"", []string{"region_amer"}, "Support EMEA", 1},
		{"", nil, "Emeagency", 1},
		// The organization's region comes first.
		{"emea", []string{"region_apac"}, "Support AMER", 2},
		{"APAC", nil, "", 3},
		{"Mars", []string{"region_apac"}, "", 3}, // a region naming no schedule falls through
	}
	for _, c := range cases {
		if got := SelectSchedule(ss, c.region, c.tags, c.group); got == nil || got.ID != c.want {
			t.Errorf("%q %v %q: %+v, want %d", c.region, c.tags, c.group, got, c.want)
		}
	}
	if SelectSchedule(nil, "EMEA", []string{"region_emea"}, "") != nil {
		t.Error("no schedules must mean 24x7")
	}
}

// TestQueueSortKey checks tickets.sla_next_breach_at follows the earliest
// running target: set on create, unchanged by a pause's absence of running
// targets only through the metrics, and back to "none" when solved.
func TestQueueSortKey(t *testing.T) {
	start := time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, clk)
		ctx := context.Background()
		key := func(id int64) int64 {
			var v int64
			if err := d.Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT sla_next_breach_at FROM tickets WHERE id = $1", id).Scan(&v)
			}); err != nil {
				t.Fatal(err)
			}
			return v
		}
		id := e.create(t, e.free, "urgent") // "Everyone else": urgent first reply in 10 calendar minutes
		if got, want := key(id), start.Add(10*time.Minute).UnixMicro(); got != want {
			t.Fatalf("sort key %d, want the first-reply due time %d", got, want)
		}
		e.clk.Advance(time.Minute)
		e.reply(t, id, "solved")
		if got := key(id); got != math.MaxInt64 {
			t.Fatalf("solved ticket keeps sort key %d", got)
		}
	})
}

// The service keeps policies and schedules in memory; a change made through
// another node's store, or by SQL by hand, must reach its next ticket.
func TestConfigCacheFollowsChangesFromAnywhere(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC) // Tuesday 10:00 in New York
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, clk)
		first := e.create(t, e.free, "normal")
		if got := e.metric(t, first, MetricFirstReplyTime).Target; got != 60 {
			t.Fatalf("first ticket's target %d, want the catch-all policy's 60", got)
		}
		// Another node: its own connections and store.
		d2, err := db.Open(ctx, d.Target, clk, db.Options{MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		other := NewStore(d2, audit.New(d2))
		ps, err := other.ListPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		std := ps[len(ps)-1]
		metrics := []PolicyMetric{{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 90}}
		if _, err := other.UpdatePolicy(ctx, audit.System(), std.ID, PolicyInput{PolicyMetrics: &metrics}); err != nil {
			t.Fatal(err)
		}
		second := e.create(t, e.free, "normal")
		if got := e.metric(t, second, MetricFirstReplyTime).Target; got != 90 {
			t.Fatalf("after another node changed the policy, the target is %d, want 90", got)
		}
		// By hand, straight in the database.
		if err := d2.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE sla_policy_metrics SET target = 45 WHERE policy_id = "+strconv.FormatInt(std.ID, 10))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		third := e.create(t, e.free, "normal")
		if got := e.metric(t, third, MetricFirstReplyTime).Target; got != 45 {
			t.Fatalf("after an SQL update, the target is %d, want 45", got)
		}
		// An update of an existing ticket reads the same configuration.
		e.update(t, e.agent, first, ticket.UpdateInput{Priority: sp("normal"), Tags: &[]string{"recheck"}})
		if got := e.metric(t, first, MetricFirstReplyTime).Target; got != 45 {
			t.Fatalf("an updated ticket's target is %d, want 45", got)
		}
	})
}

// A transaction that changes the configuration, evaluates with it and rolls
// back must not leave that configuration cached: the next change reuses its
// version number.
func TestConfigCacheIgnoresRolledBackChanges(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, clk)
		ps, err := e.store.ListPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		std := ps[len(ps)-1]
		setTarget := func(tx *db.Tx, target int) error {
			_, err := tx.ExecContext(ctx, "UPDATE sla_policy_metrics SET target = $1 WHERE policy_id = $2", target, std.ID)
			return err
		}
		errRollback := errors.New("roll back")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := setTarget(tx, 777); err != nil {
				return err
			}
			var v int64
			if err := tx.QueryRowContext(ctx, "SELECT version FROM config_versions WHERE name = 'sla'").Scan(&v); err != nil {
				return err
			}
			if _, err := e.svc.configAt(ctx, tx, v); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { return setTarget(tx, 90) }); err != nil {
			t.Fatal(err)
		}
		id := e.create(t, e.free, "normal")
		if got := e.metric(t, id, MetricFirstReplyTime).Target; got != 90 {
			t.Fatalf("target %d, want 90 (777 is from a rolled-back change)", got)
		}
	})
}

// The SLA preparer reads the comment's author before the ticket row is
// written; an unknown author is still the ticket store's field error (422),
// not a missing record.
func TestUnknownCommentAuthorIsAFieldError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, d.Clock.(*clock.Fake))
		ghost := int64(987654)
		_, _, err := e.tickets.Create(context.Background(), e.agent, ticket.CreateInput{
			RequesterID: e.free.UserID, Comment: ticket.CommentInput{Body: "x", AuthorID: &ghost}})
		if !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "comment.author_id") {
			t.Fatalf("err = %v, want a comment.author_id field error", err)
		}
	})
}
