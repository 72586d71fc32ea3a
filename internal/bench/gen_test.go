package bench

import (
	"context"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

// TestGenerate loads a small data set on both engines and checks that the
// stores read it back as they read their own writes.
func TestGenerate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var phases []string
		g, err := Generate(ctx, d, Size{Tickets: 1200, Seed: 3}, func(phase string, done, total int) {
			if done == total {
				phases = append(phases, phase)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if g.LastID-g.FirstID+1 != 1200 || len(phases) != 2 {
			t.Fatalf("generated %+v, phases %v", g, phases)
		}
		ts := ticket.NewStore(d, audit.New(d), t.TempDir(), 0)
		n, err := ts.Count(ctx, ticket.Filter{})
		if err != nil || n != 1200 {
			t.Fatalf("count %d %v", n, err)
		}
		unsolved, _ := ts.Count(ctx, ticket.Filter{Statuses: []string{"new", "open", "pending", "hold"}})
		if unsolved != g.Unsolved || unsolved < 200 || unsolved > 400 {
			t.Fatalf("unsolved %d, generator says %d", unsolved, g.Unsolved)
		}
		tk, err := ts.Get(ctx, g.FirstID+10)
		if err != nil || tk.Subject == "" || tk.RequesterID == 0 || len(tk.Tags) == 0 {
			t.Fatalf("ticket %+v %v", tk, err)
		}
		cs, err := ts.Comments(ctx, tk.ID, ticket.Page{})
		if err != nil || len(cs) == 0 || cs[0].PlainBody != tk.Description {
			t.Fatalf("comments %+v %v", cs, err)
		}
		// The text index answers for the generated tickets, and new
		// tickets get ids after the generated ones.
		sr := search.New(d)
		q, _ := zquery.Parse("type:ticket runner", time.Now(), time.UTC)
		res, total, err := sr.Search(ctx, &search.Request{Query: q, Limit: 5})
		if err != nil || total == 0 || len(res) == 0 {
			t.Fatalf("search %d %v", total, err)
		}
		created, _, err := ts.Create(ctx, ticket.Actor{UserID: g.AgentIDs[0], Role: "agent"}, ticket.CreateInput{
			Subject: "after bulk", RequesterID: g.AgentIDs[1], Comment: ticket.CommentInput{Body: "x"}})
		if err != nil || created.ID != g.LastID+1 {
			t.Fatalf("create after bulk: %+v %v", created, err)
		}
	})
}

// The ticket-row baseline inserts real ticket rows and takes them all away
// again, and nothing else.
func TestTicketBaselineRemovesItsRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g, err := Generate(ctx, d, Size{Tickets: 100, Seed: 5}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ts := ticket.NewStore(d, audit.New(d), t.TempDir(), 0)
		b, err := NewTicketBaseline(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if err := b.Insert(ctx, g.AgentIDs[i%len(g.AgentIDs)], 0); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := ts.Count(ctx, ticket.Filter{}); n != 130 {
			t.Fatalf("%d tickets after 30 baseline rows, want 130", n)
		}
		// A real ticket with the same subject, created meanwhile, stays only
		// if it is not the baseline's: the baseline deletes by id range and subject.
		kept, _, err := ts.Create(ctx, ticket.Actor{UserID: g.AgentIDs[0], Role: "agent"}, ticket.CreateInput{
			Subject: "kept", RequesterID: g.AgentIDs[1], Comment: ticket.CommentInput{Body: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := ts.Count(ctx, ticket.Filter{}); n != 101 {
			t.Fatalf("%d tickets after the baseline closed, want the 100 generated and the one created", n)
		}
		if _, err := ts.Get(ctx, kept.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// RemoveTicketsAfter takes the tickets above an id away with what belongs
// to them, their SLA metrics among them (so the wake-up jobs they
// scheduled find nothing of theirs to fire), and nothing else.
func TestRemoveTicketsAfter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q, err := jobs.New(d, nil, jobs.Options{}) // River's tables
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		g, err := Generate(ctx, d, Size{Tickets: 50, Seed: 9}, nil)
		if err != nil {
			t.Fatal(err)
		}
		al := audit.New(d)
		ts := ticket.NewStore(d, al, t.TempDir(), 0)
		svc := sla.NewService(sla.NewStore(d, al), sla.Options{})
		svc.UseJobs(q)
		ts.OnPrepare(svc.Prepare)
		ts.OnChange(svc.Hook)
		if _, err := svc.Store.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		count := func(query string, args ...any) (n int) {
			if err := d.QueryRow(ctx, query, args, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		timers := func() int {
			return count("SELECT count(*) FROM river_job WHERE kind = 'sla.wake'")
		}
		metrics := func() int { return count("SELECT count(*) FROM sla_ticket_metrics WHERE ticket_id > $1", g.LastID) }
		var first int64
		if err := d.QueryRow(ctx, "SELECT min(id) FROM users WHERE role = 'end-user'", nil, &first); err != nil {
			t.Fatal(err)
		}
		high := "high"
		for i := range 5 {
			cust := first + int64(i)
			if _, _, err := ts.Create(ctx, ticket.Actor{UserID: g.AgentIDs[0], Role: "agent"}, ticket.CreateInput{
				Subject: "x", RequesterID: cust, Priority: &high, Comment: ticket.CommentInput{Body: "help", AuthorID: &cust}}); err != nil {
				t.Fatal(err)
			}
		}
		if timers() == 0 || metrics() == 0 {
			t.Fatalf("the created tickets scheduled %d wake-ups and have %d metrics: nothing to remove", timers(), metrics())
		}
		if err := RemoveTicketsAfter(ctx, d, g.LastID); err != nil {
			t.Fatal(err)
		}
		if n, _ := ts.Count(ctx, ticket.Filter{}); n != 50 || metrics() != 0 {
			t.Fatalf("%d tickets and %d of the created tickets' metrics left, want the 50 generated and none", n, metrics())
		}
	})
}
