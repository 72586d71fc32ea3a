package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// TestSLAWiring: App.Open seeds the regional schedules and default policies
// once, the demo adds holidays, and a demo customer's urgent ticket gets
// GitLab's 30-minute first-reply target whose breach the App's job queue
// records once.
func TestSLAWiring(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, append(databaseArgs(t, e), "--demo-tickets", "0"), nil) // no history: its SLA timers are not this test's
			if err != nil {
				t.Fatal(err)
			}
			clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			open := func() *App {
				a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			open().Close() // a second start seeds nothing more
			a := open()
			defer a.Close()
			schedules, err := a.SLA.Store.ListSchedules(ctx)
			if err != nil || len(schedules) != 3 {
				t.Fatalf("%d schedules, %v", len(schedules), err)
			}
			policies, err := a.SLA.Store.ListPolicies(ctx)
			if err != nil || len(policies) != 2 || policies[0].Title != sla.PolicyPrioritySupport {
				t.Fatalf("%+v %v", policies, err)
			}
			if _, err := a.LoadDemo(ctx); err != nil {
				t.Fatal(err)
			}
			amer, err := a.SLA.Store.GetSchedule(ctx, schedules[0].ID)
			if err != nil || len(amer.Holidays) == 0 {
				t.Fatalf("demo holidays: %+v %v", amer, err)
			}
			// A customer of a premium/ultimate demo organization.
			var customerID int64
			if err := a.DB.R.QueryRow(`SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
				WHERE o.tier IN ('premium', 'ultimate') AND u.role = 'end-user' ORDER BY u.id LIMIT 1`).Scan(&customerID); err != nil {
				t.Fatal(err)
			}
			urgent := "urgent"
			tk, _, err := a.Tickets.Create(ctx, ticket.Actor{UserID: customerID, Role: "end-user"},
				ticket.CreateInput{Comment: ticket.CommentInput{Body: "Production is down"}, Priority: &urgent})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := a.SLA.Metrics(ctx, tk.ID)
			if err != nil || len(ms) == 0 || ms[0].Metric != sla.MetricFirstReplyTime || ms[0].Target != 30 || ms[0].BusinessHours {
				t.Fatalf("%+v %v", ms, err)
			}
			clk.Advance(31 * time.Minute)
			if _, err := a.Jobs.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Jobs.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			evs, err := a.SLA.Events(ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			breaches := 0
			for _, ev := range evs {
				if ev.Kind == sla.KindBreach {
					breaches++
				}
			}
			if breaches != 1 {
				t.Fatalf("%d breach events: %+v", breaches, evs)
			}
		})
	}
}

// TestSLATwoNodes: two Frontline nodes (two Apps, each with its own pools,
// job queue and SLA service) on one PostgreSQL database; the breach of every
// ticket is recorded, and its hook run, exactly once.
func TestSLATwoNodes(t *testing.T) {
	for _, e := range dbtest.Engines() {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, append(databaseArgs(t, e), "--demo-tickets", "0"), nil) // no history: its SLA timers are not this test's
			if err != nil {
				t.Fatal(err)
			}
			clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			var mu sync.Mutex
			hooked := map[int64]int{}
			var nodes []*App
			for range 2 {
				a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				a.SLA.OnBreach(func(ctx context.Context, tx *db.Tx, b sla.Breach) error {
					mu.Lock()
					hooked[b.TicketID]++
					mu.Unlock()
					return nil
				})
				nodes = append(nodes, a)
			}
			if ps, err := nodes[1].SLA.Store.ListPolicies(ctx); err != nil || len(ps) != 2 {
				t.Fatalf("policies after two starts: %d %v", len(ps), err)
			}
			if _, err := nodes[0].LoadDemo(ctx); err != nil {
				t.Fatal(err)
			}
			var customerID int64
			if err := nodes[0].DB.R.QueryRow(`SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
				WHERE o.tier IN ('premium', 'ultimate') AND u.role = 'end-user' ORDER BY u.id LIMIT 1`).Scan(&customerID); err != nil {
				t.Fatal(err)
			}
			const n = 20
			urgent := "urgent"
			for i := range n {
				node := nodes[i%2] // tickets arrive through both nodes
				if _, _, err := node.Tickets.Create(ctx, ticket.Actor{UserID: customerID, Role: "end-user"},
					ticket.CreateInput{Comment: ticket.CommentInput{Body: "Production is down"}, Priority: &urgent}); err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range nodes {
				stop, err := a.startJobs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer stop()
			}
			clk.Advance(2 * time.Hour)
			count := func(q string, args ...any) int {
				var k int
				if err := nodes[0].DB.R.QueryRow(q, args...).Scan(&k); err != nil {
					t.Fatal(err)
				}
				return k
			}
			breaches := func() int { return count("SELECT COUNT(*) FROM sla_events WHERE kind = 'breach'") }
			pending := func() int {
				return count(`SELECT COUNT(*) FROM river_job WHERE kind = 'sla.wake'
					AND state NOT IN ('completed', 'cancelled', 'discarded') AND scheduled_at <= $1`, clk.Now())
			}
			deadline := time.Now().Add(45 * time.Second)
			for (breaches() < n || pending() > 0) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond)
			if got := breaches(); got != n {
				t.Fatalf("%d breach events for %d tickets", got, n)
			}
			if got := count("SELECT COUNT(DISTINCT ticket_id) FROM sla_events WHERE kind = 'breach'"); got != n {
				t.Fatalf("breaches on %d tickets, want %d", got, n)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(hooked) != n {
				t.Fatalf("hooks ran for %d tickets, want %d", len(hooked), n)
			}
			for id, k := range hooked {
				if k != 1 {
					t.Fatalf("ticket %d: breach hook ran %d times", id, k)
				}
			}
		})
	}
}
