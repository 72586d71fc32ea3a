package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

// BenchmarkCreateMany compares, in the same run, 100 tickets created by
// one tickets/create_many (until its job status is completed) with 100
// single POST /api/v2/tickets, through the server's handler with an API
// token. It reports the time per ticket of both and their ratio.
func BenchmarkCreateMany(b *testing.B) {
	serverGCPace(b)
	for _, e := range dbtest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, e, clock.Real{})
			a := audit.New(d)
			ppl := people.NewStore(d, a)
			as := auth.NewService(d, a, auth.Options{Params: auth.TestParams()})
			tickets := ticket.NewStore(d, a, b.TempDir(), 1<<20)
			tickets.OnChange(search.New(d).Hook)
			srv, err := New(Deps{DB: d, Auth: as, People: ppl, Tickets: tickets, Zendesk: zendesk.NewStore(d), Version: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			name, email, role := "Bench Agent", "bench@example.com", people.RoleAdmin
			u, err := ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				b.Fatal(err)
			}
			tok, _, err := as.CreateAPIToken(ctx, audit.System(), u.ID, "bench")
			if err != nil {
				b.Fatal(err)
			}
			call := func(method, path, body string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(method, path, strings.NewReader(body))
				req.SetBasicAuth(email+"/token", tok)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code >= 300 {
					b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
				}
				return rec
			}
			one := func(i int) string {
				return fmt.Sprintf(`{"subject":"Bench %d","comment":{"body":"Printer %d is on fire"},"requester":{"name":"R %d","email":"r%d@bench.example"},"tags":["bench"],"priority":"high"}`, i, i, i%50, i%50)
			}
			var single, bulk time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				for i := range 100 {
					call("POST", "/api/v2/tickets.json", `{"ticket":`+one(n+i)+`}`)
				}
				single += time.Since(start)
				items := make([]string, 100)
				for i := range items {
					items[i] = one(n + i)
				}
				start = time.Now()
				rec := call("POST", "/api/v2/tickets/create_many.json", `{"tickets":[`+strings.Join(items, ",")+`]}`)
				if !strings.Contains(rec.Body.String(), `"status":"completed"`) || strings.Contains(rec.Body.String(), `"success":false`) {
					b.Fatalf("create_many: %s", rec.Body.String())
				}
				bulk += time.Since(start)
				n += 100
			}
			perSingle := float64(single.Microseconds()) / float64(n)
			perBulk := float64(bulk.Microseconds()) / float64(n)
			b.ReportMetric(perSingle, "µs/single-ticket")
			b.ReportMetric(perBulk, "µs/bulk-ticket")
			b.ReportMetric(perSingle/perBulk, "×faster")
		})
	}
}
