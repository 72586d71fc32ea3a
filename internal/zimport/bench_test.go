package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

// writeExport writes an export of n tickets with 3 comments each (the
// requester's, an agent's internal note, the agent's reply) by 50
// customers and 5 agents.
func writeExport(b *testing.B, dir string, n int) {
	put := func(name string, key string, v any) {
		data, err := json.Marshal(map[string]any{key: v})
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	t0 := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	var users, tickets, comments []map[string]any
	for i := 1; i <= 5; i++ {
		users = append(users, map[string]any{"id": 1000 + i, "name": fmt.Sprintf("Agent %d", i), "email": fmt.Sprintf("agent%d@zd.example", i), "role": "agent"})
	}
	for i := 1; i <= 50; i++ {
		users = append(users, map[string]any{"id": 2000 + i, "name": fmt.Sprintf("Customer %d", i), "email": fmt.Sprintf("c%d@acme.example", i), "role": "end-user"})
	}
	for i := 1; i <= n; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		req, agent := 2001+i%50, 1001+i%5
		tickets = append(tickets, map[string]any{"id": i, "subject": fmt.Sprintf("Ticket %d", i), "status": "solved", "priority": "normal",
			"requester_id": req, "assignee_id": agent, "tags": []string{"imported"}, "created_at": at, "updated_at": at.Add(3 * time.Hour)})
		for j, c := range []struct {
			author int
			public bool
			body   string
		}{{req, true, "The printer is on fire"}, {agent, false, "Checking the logs"}, {agent, true, "Replaced the fuser"}} {
			comments = append(comments, map[string]any{"id": i*10 + j, "ticket_id": i, "author_id": c.author, "public": c.public,
				"body": c.body, "created_at": at.Add(time.Duration(j) * time.Hour)})
		}
	}
	put("users.json", "users", users)
	put("tickets.json", "tickets", tickets)
	put("ticket_comments.json", "comments", comments)
}

// BenchmarkImportDir imports an export of 1,000 tickets with 3,000
// comments from a local directory and reports tickets and comments per
// second (the target: 100,000 tickets with 300,000 comments in 5
// minutes, 333 tickets/s).
func BenchmarkImportDir(b *testing.B) {
	const n = 1000
	for _, e := range dbtest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			dir := b.TempDir()
			writeExport(b, dir, n)
			var total time.Duration
			runs := 0
			for b.Loop() {
				b.StopTimer()
				dst := openDeskB(b, e)
				b.StartTimer()
				start := time.Now()
				rep, err := (&Importer{Src: &DirSource{Dir: dir}, T: dst}).Run(context.Background())
				if err != nil || rep.Counts["tickets"].Created != n {
					b.Fatalf("%v %+v %v", err, rep.Counts["tickets"], rep.Unmapped[:min(3, len(rep.Unmapped))])
				}
				total += time.Since(start)
				runs++
			}
			perSec := float64(n*runs) / total.Seconds()
			b.ReportMetric(perSec, "tickets/s")
			b.ReportMetric(3*perSec, "comments/s")
			b.ReportMetric(100000/perSec, "s/100k-tickets")
		})
	}
}

// openDeskB opens the target as the command does (app.importTarget): a
// migrated database, then a bulk handle (commits not flushed one by one).
func openDeskB(b *testing.B, e dbtest.Engine) Target {
	ctx := context.Background()
	tg := e.Target(b)
	m, err := db.Open(ctx, tg, clock.Real{}, db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	m.Close()
	clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	d, err := db.Open(ctx, tg, clk, db.Options{MaxConns: 2, Bulk: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	al := audit.New(d)
	t := Target{DB: d, Clock: clk, People: people.NewStore(d, al), Zendesk: zendesk.NewStore(d), Tickets: ticket.NewStore(d, al, b.TempDir(), 1<<20)}
	t.Tickets.OnHistoryChange(search.New(d).Hook) // imported history is indexed (ImportMany runs only history hooks)
	return t
}
