package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

// demoNow is "now" of the history tests: a Monday afternoon.
var demoNow = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

// openDemoApp opens an App on a fresh database of engine e at demoNow with
// the demo's staff and customers (no history yet).
func openDemoApp(t *testing.T, e dbtest.Engine) (*App, *DemoResult) {
	t.Helper()
	ctx := context.Background()
	c, err := load(t, append(databaseArgs(t, e), "--demo-tickets", "0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clock.NewFake(demoNow), PasswordParams: auth.TestParams()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	res, err := a.LoadDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return a, res
}

// TestDemoHistory writes the demo history (the full default size on
// SQLite, a smaller one on PostgreSQL) and checks that it is what the
// domain computes: the tickets over about six months, every status at
// "now", SLA achievements and breach events at their real moments, no
// timer job for the past, ticket metrics and SLA outcomes recomputed
// independently from the conversations for a sample, ratings by the
// requesters of solved tickets, the search index, and the featured
// customer's handful of requests.
func TestDemoHistory(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			a, res := openDemoApp(t, e)
			n := 1050 // the default
			if e.Name == "postgres" {
				n = 400
			}
			a.Config.DemoTickets = n
			st, err := a.loadDemoHistory(ctx, res)
			if err != nil {
				t.Fatal(err)
			}
			if st.Tickets != n || st.Skipped != 0 {
				t.Fatalf("history: %+v", st)
			}
			count := func(q string, args ...any) int {
				t.Helper()
				var k int
				if err := a.DB.R.QueryRowContext(ctx, q, args...).Scan(&k); err != nil {
					t.Fatal(err)
				}
				return k
			}

			// Tickets over about six months, in time order, none in the future.
			all, err := a.Tickets.Count(ctx, ticket.Filter{})
			// The demo loaded with --demo-tickets 0, so the restricted brand's
			// tickets (written with the history only, demo_restricted.go) are not there.
			if want := n; err != nil || all != want {
				t.Fatalf("%d tickets (%v), want %d", all, err, want)
			}
			first, err := a.Tickets.List(ctx, ticket.Filter{SortBy: "created_at", Limit: 1})
			if err != nil || len(first) != 1 || first[0].CreatedAt.After(demoNow.AddDate(0, 0, -150)) {
				t.Fatalf("first ticket %+v (%v)", first, err)
			}
			if k := count("SELECT COUNT(*) FROM tickets WHERE brand_id = 1 AND (created_at >= $1 OR updated_at > $1)", db.TS(demoNow)); k != 0 { // the history's (the restricted brand's demo tickets are opened now)
				t.Fatalf("%d tickets created or updated after now", k)
			}
			if k := count("SELECT COUNT(*) FROM tickets a JOIN tickets b ON b.id = a.id + 1 WHERE b.created_at < a.created_at AND a.brand_id = 1 AND b.brand_id = 1"); k != 0 {
				t.Fatalf("%d tickets created before their predecessor", k)
			}

			// A backlog at "now" and the past solved and closed, the
			// automations having closed what was solved four days before.
			byStatus := map[string]int{}
			for _, s := range ticket.Statuses {
				byStatus[s], _ = a.Tickets.Count(ctx, ticket.Filter{Statuses: []string{s}})
			}
			if byStatus["closed"] < n/2 || byStatus["solved"] == 0 || byStatus["new"]+byStatus["open"]+byStatus["pending"]+byStatus["hold"] < n/100 {
				t.Fatalf("tickets by status %v", byStatus)
			}
			if e.Name == "sqlite" {
				for _, s := range ticket.Statuses {
					if byStatus[s] == 0 {
						t.Fatalf("no %s ticket: %v", s, byStatus)
					}
				}
			}
			if k := count("SELECT COUNT(*) FROM tickets WHERE status = 'solved' AND solved_at < $1", db.TS(demoNow.Add(-(96+7)*time.Hour))); k != 0 {
				t.Fatalf("%d tickets solved more than four days ago are not closed", k)
			}
			if k := count("SELECT COUNT(*) FROM tickets WHERE status <> 'new' AND (assignee_id IS NULL OR group_id IS NULL)"); k != 0 {
				t.Fatalf("%d worked tickets without assignee or group", k)
			}

			// SLA: achieved and breached cycles; breaches and warnings
			// recorded when they happened; timers ahead on the job queue,
			// none for the past.
			sum, err := a.SLA.Summary(ctx, demoNow.AddDate(-1, 0, 0), demoNow)
			if err != nil {
				t.Fatal(err)
			}
			var achieved, breached int
			for _, r := range sum {
				achieved += r.Achieved
				breached += r.Breached
			}
			if breached == 0 || achieved < 5*breached {
				t.Fatalf("SLA cycles: %d achieved, %d breached (%+v)", achieved, breached, sum)
			}
			evs, err := a.SLA.EventsSince(ctx, 0, 1000)
			if err != nil || len(evs) == 0 {
				t.Fatalf("SLA events: %d (%v)", len(evs), err)
			}
			kinds := map[string]int{}
			for _, ev := range evs {
				kinds[ev.Kind]++
				// Recorded by its timer at its moment (a breach a second
				// after the due time), or by the ticket change that moved
				// the moment into the past (a higher priority).
				late := ev.CreatedAt.Sub(ev.At)
				if late < 0 {
					t.Fatalf("%s of ticket %d at %v recorded before, at %v", ev.Kind, ev.TicketID, ev.At, ev.CreatedAt)
				}
				if late > 2*time.Second {
					aus, err := a.Tickets.Audits(ctx, ev.TicketID, ticket.Page{Limit: 1000})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.ContainsFunc(aus, func(au ticket.Audit) bool { return au.CreatedAt.Equal(ev.CreatedAt) }) {
						t.Fatalf("%s of ticket %d due at %v recorded late, at %v, by no change of the ticket", ev.Kind, ev.TicketID, ev.At, ev.CreatedAt)
					}
				}
			}
			if kinds[sla.KindBreach] == 0 || kinds[sla.KindWarning] == 0 {
				t.Fatalf("SLA events by kind %v", kinds)
			}
			wakes := 0
			rows, err := a.DB.R.QueryContext(ctx, "SELECT scheduled_at FROM river_job WHERE kind = 'sla.wake'")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v any
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				if at := riverTime(t, v); at.Before(demoNow) {
					t.Fatalf("a wake-up job for the past: %v", at)
				}
				wakes++
			}
			rows.Close()
			if wakes == 0 {
				t.Fatal("no SLA timer of the backlog is on the job queue")
			}

			// A sample recomputed from the conversations.
			var sample []int64
			for id := first[0].ID; id < first[0].ID+int64(n); id += int64(n / 60) {
				sample = append(sample, id)
			}
			checked := 0
			for _, id := range sample {
				checked += checkDemoTicket(t, a, id)
			}
			if checked < len(sample)/2 {
				t.Fatalf("only %d of %d sample tickets had a first reply", checked, len(sample))
			}

			// Ratings: by the requester of a solved ticket, after the solution;
			// bad ones say why.
			ratings := satisfaction.NewStore(a.DB, a.Audit)
			rs, err := ratings.List(ctx, satisfaction.Filter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for _, r := range rs {
				tk, err := a.Tickets.Get(ctx, r.TicketID)
				if err != nil {
					t.Fatal(err)
				}
				if tk.RequesterID != r.RequesterID || tk.SolvedAt == nil || r.CreatedAt.Before(*tk.SolvedAt) || !satisfaction.Ratable(tk.Status) {
					t.Fatalf("rating %+v of ticket %+v", r, tk)
				}
				if r.Score == satisfaction.Bad {
					bad++
					if r.Comment == "" {
						t.Fatalf("bad rating without a comment: %+v", r)
					}
				}
			}
			if min := n / 20; len(rs) < min || bad == 0 || bad*4 > len(rs) {
				t.Fatalf("%d ratings, %d bad (want at least %d, mostly good)", len(rs), bad, min)
			}

			// The search index holds every ticket's text.
			q, err := zquery.Parse("type:ticket runner", demoNow, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			hits, total, err := a.Search.Search(ctx, &search.Request{Query: q, Limit: 5})
			if err != nil || len(hits) == 0 || total < n/50 {
				t.Fatalf("search for runner: %d hits of %d (%v)", len(hits), total, err)
			}
			last, err := a.Tickets.Get(ctx, first[0].ID+int64(n)-1)
			if err != nil {
				t.Fatal(err)
			}
			q, _ = zquery.Parse(fmt.Sprintf("type:ticket %q", last.Subject), demoNow, time.UTC)
			hits, _, err = a.Search.Search(ctx, &search.Request{Query: q, Limit: 100})
			if err != nil || !slices.ContainsFunc(hits, func(r search.Result) bool { return r.ID == last.ID }) {
				t.Fatalf("search for the subject of ticket %d (%q): %+v (%v)", last.ID, last.Subject, hits, err)
			}

			// The printed customer sign-in has a handful of requests, one in
			// each state.
			cust, err := a.People.UserByEmail(ctx, res.CustomerEmail)
			if err != nil {
				t.Fatal(err)
			}
			own, err := a.Tickets.List(ctx, ticket.Filter{RequesterID: cust.ID, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var states []string
			for _, tk := range own {
				states = append(states, tk.Status)
			}
			if want := []string{"closed", "closed", "closed", "solved", "pending", "open", "new"}; !slices.Equal(states, want) {
				t.Fatalf("the demo customer's requests: %v, want %v", states, want)
			}
		})
	}
}

// riverTime reads a River timestamp as the engine's driver returns it.
func riverTime(t *testing.T, v any) time.Time {
	t.Helper()
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
			if at, err := time.Parse(layout, x); err == nil {
				return at
			}
		}
	}
	t.Fatalf("cannot read River time %T %v", v, v)
	return time.Time{}
}

// checkDemoTicket recomputes a ticket's metrics and its first-reply SLA
// outcome from its conversation and audits, independently of the SLA
// package's replay, and compares them with what the domain stored and
// shows (GET /tickets/{id}/metrics). It returns 1 when the ticket had a
// first reply to check.
func checkDemoTicket(t *testing.T, a *App, id int64) int {
	t.Helper()
	ctx := context.Background()
	tk, err := a.Tickets.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	comments, err := a.Tickets.Comments(ctx, id, ticket.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	staff := map[int64]bool{}
	replies := 0
	var firstReply *time.Time
	for _, c := range comments[1:] {
		if _, ok := staff[c.AuthorID]; !ok {
			u, err := a.People.GetUser(ctx, c.AuthorID)
			if err != nil {
				t.Fatal(err)
			}
			staff[c.AuthorID] = u.IsStaff()
		}
		if c.Public && staff[c.AuthorID] {
			replies++
			if firstReply == nil {
				at := c.CreatedAt
				firstReply = &at
			}
		}
	}
	audits, err := a.Tickets.Audits(ctx, id, ticket.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	reopens := 0
	for _, au := range audits {
		for _, ev := range au.Events {
			if ev.Type == ticket.EventChange && ev.FieldName == "status" && ev.PreviousValue == ticket.StatusSolved && ev.Value != ticket.StatusClosed {
				reopens++
			}
		}
	}
	view, err := a.SLA.View(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	z := view.Zendesk
	if z.Replies != replies || z.Reopens != reopens {
		t.Fatalf("ticket %d: metrics say %d replies and %d reopens, the conversation %d and %d", id, z.Replies, z.Reopens, replies, reopens)
	}
	if (z.SolvedAt == nil) != (tk.SolvedAt == nil) || (z.SolvedAt != nil && !z.SolvedAt.Equal(*tk.SolvedAt)) {
		t.Fatalf("ticket %d: metrics solved at %v, ticket %v", id, z.SolvedAt, tk.SolvedAt)
	}
	if firstReply == nil {
		if z.ReplyTimeInMinutes != nil {
			t.Fatalf("ticket %d: a reply time without a reply", id)
		}
		return 0
	}
	if want := int(firstReply.Sub(tk.CreatedAt) / time.Minute); z.ReplyTimeInMinutes == nil || z.ReplyTimeInMinutes.Calendar != want {
		t.Fatalf("ticket %d: reply time %+v, the conversation %d minutes", id, z.ReplyTimeInMinutes, want)
	}

	// The first-reply target: the policy of the organization's tier, at
	// the priority in force, on the business hours of the ticket's group.
	// A priority changed before the reply re-targets the clock from its
	// start, and a breach under an earlier priority stays a breach (email
	// requests start at normal priority until the engineer triages them).
	org, err := a.People.GetOrganization(ctx, *tk.OrganizationID)
	if err != nil {
		t.Fatal(err)
	}
	group, err := a.People.GetGroup(ctx, *tk.GroupID)
	if err != nil {
		t.Fatal(err)
	}
	prioritySupport := org.Tier == "premium" || org.Tier == "ultimate"
	targetOf := func(prio string) (int, bool) {
		if !prioritySupport {
			return 24 * 60, true
		}
		return map[string]int{"urgent": 30, "high": 4 * 60, "normal": 8 * 60, "low": 24 * 60}[prio], prio != "urgent"
	}
	var cal *sla.Calendar
	schedules, err := a.SLA.Store.ListSchedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range schedules {
		if strings.Contains(group.Name, s.Name) {
			if cal, err = sla.NewCalendar(&s); err != nil {
				t.Fatal(err)
			}
		}
	}
	elapsed := func(until time.Time, business bool) time.Duration {
		if business {
			return cal.Between(tk.CreatedAt, until)
		}
		return until.Sub(tk.CreatedAt)
	}
	type segment struct {
		from time.Time
		prio string
	}
	var segs []segment // the priority in force from each moment on, up to the first reply
	for _, au := range audits {
		if au.CreatedAt.After(*firstReply) {
			break
		}
		for _, ev := range au.Events {
			if ev.FieldName == "priority" && (ev.Type == ticket.EventCreate || ev.Type == ticket.EventChange) {
				p, _ := ev.Value.(string)
				segs = append(segs, segment{au.CreatedAt, p})
			}
		}
	}
	achieved := true
	for i, sg := range segs {
		end := *firstReply
		if i+1 < len(segs) {
			end = segs[i+1].from
		}
		if target, business := targetOf(sg.prio); sg.prio != "" && elapsed(end, business) > time.Duration(target)*time.Minute {
			achieved = false
		}
	}
	target, business := targetOf(*tk.Priority)
	rows, err := a.SLA.Achievements(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rows, func(r sla.AchievementRow) bool { return r.Metric == sla.MetricFirstReplyTime })
	if i < 0 || rows[i].Achieved != achieved || rows[i].Target != target || rows[i].BusinessHours != business {
		t.Fatalf("ticket %d (%s, %s, %s): first reply at %v, priorities %+v, achieved %v: achievements %+v", id, org.Tier, *tk.Priority, group.Name, firstReply, segs, achieved, rows)
	}
	evs, err := a.SLA.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	breach := slices.ContainsFunc(evs, func(b sla.Breach) bool { return b.Kind == sla.KindBreach && b.Metric == sla.MetricFirstReplyTime })
	if breach == achieved {
		t.Fatalf("ticket %d: first reply achieved %v, breach event %v", id, achieved, breach)
	}
	return 1
}

// BenchmarkLoadDemo measures what `frontline demo` and `serve --demo` do
// on SQLite: "default" with the defaults (the demo's staff and customers
// with production password hashing, and the full help-desk history, on the
// real clock), "people" without history (--demo-tickets 0), so that the
// history's own share shows. It reports the wall time per load (ns/op),
// the CPU time the process spent (cpu-s/op; on a shared machine it varies
// less than the wall time), and the history's tickets per second. Run it with
//
//	go test ./internal/app -run '^$' -bench BenchmarkLoadDemo -benchtime 1x
func BenchmarkLoadDemo(b *testing.B) {
	for _, bc := range []struct {
		name string
		args []string
	}{{"default", nil}, {"people", []string{"--demo-tickets", "0"}}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			var cpu time.Duration
			tickets := 0
			b.StopTimer()
			for range b.N {
				c, _, err := LoadConfig(newFlagSet(), append([]string{"--data-dir", b.TempDir()}, bc.args...), func(string) string { return "" })
				if err != nil {
					b.Fatal(err)
				}
				a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				before := cpuTime()
				b.StartTimer()
				if _, err := a.LoadDemo(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - before
				n, err := a.Tickets.Count(ctx, ticket.Filter{})
				if err != nil {
					b.Fatal(err)
				}
				tickets += n
				a.Close()
			}
			b.StartTimer()
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(tickets)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}
