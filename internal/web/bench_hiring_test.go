package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// benchHiring fills d with a hiring history of candidates candidates and
// two applications each over 40 requisitions in the three regions (plan
// lines for four quarters, two openings per requisition), applications
// spread over the pipeline's stages, 60% active. Rows are inserted in
// multi-row statements in one transaction: the benchmark measures reading.
// It returns the first requisition's id.
func benchHiring(b *testing.B, d *db.DB, h *hiring.Store, candidates int) int64 {
	ctx := context.Background()
	ps, err := h.Pipelines(ctx)
	if err != nil || len(ps) == 0 {
		b.Fatal(err)
	}
	var stages []int64
	for _, st := range ps[0].Stages {
		stages = append(stages, st.ID)
	}
	regions := []string{"AMER", "EMEA", "APAC"}
	const reqs = 40
	var first int64
	err = d.Write(ctx, func(tx *db.Tx) error {
		var lines []int64
		for q := 1; q <= 4; q++ {
			for _, r := range regions {
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO hiring_plan_lines (quarter, region, role, headcount, created_at, updated_at)
					VALUES ($1, $2, 'support-engineer', 5, 1, 1) RETURNING id`, fmt.Sprintf("2027-Q%d", q), r).Scan(&id); err != nil {
					return err
				}
				lines = append(lines, id)
			}
		}
		for i := 0; i < reqs; i++ {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO hiring_requisitions (requisition_id, name, pipeline_id, region, status, plan_line_id, created_at, updated_at)
				VALUES ($1, 'Support Engineer', $2, $3, 'open', $4, 1, 1) RETURNING id`, fmt.Sprint(1001+i), ps[0].ID, regions[i%3], lines[i%len(lines)]).Scan(&id); err != nil {
				return err
			}
			if i == 0 {
				first = id
			}
			for k := 1; k <= 2; k++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO hiring_vacancies (requisition_id, opening_id, status, type, created_at, updated_at)
					VALUES ($1, $2, $3, 'new', 1, 1)`, id, fmt.Sprintf("%d-%d", 1001+i, k), []string{"open", "filled"}[k%2]); err != nil {
					return err
				}
			}
		}
		const batch = 500
		var sb strings.Builder
		flush := func(head string) error {
			if sb.Len() == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, head+sb.String())
			sb.Reset()
			return err
		}
		for c := 1; c <= candidates; c++ {
			if sb.Len() > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, 'First%d', 'Last%d', 'c%d@bench.test', 'c%d@bench.test', %d, %d)", c, c, c, c, c, c, c)
			if c%batch == 0 {
				if err := flush("INSERT INTO hiring_candidates (id, first_name, last_name, email, emails, created_at, updated_at) VALUES "); err != nil {
					return err
				}
			}
		}
		if err := flush("INSERT INTO hiring_candidates (id, first_name, last_name, email, emails, created_at, updated_at) VALUES "); err != nil {
			return err
		}
		head := "INSERT INTO hiring_applications (candidate_id, requisition_id, stage_id, status, applied_at, last_activity_at) VALUES "
		n := 0
		for c := 1; c <= candidates; c++ {
			for k := 0; k < 2; k++ {
				n++
				status := "active"
				if n%5 >= 3 {
					status = []string{"rejected", "rejected", "hired"}[n%3]
				}
				stage := fmt.Sprint(stages[n%len(stages)])
				if status == "hired" {
					stage = "NULL"
				}
				if sb.Len() > 0 {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, "(%d, %d, %s, '%s', %d, %d)", c, first+int64((c*7+k*13)%reqs), stage, status, n, n)
				if n%batch == 0 {
					if err := flush(head); err != nil {
						return err
					}
				}
			}
		}
		return flush(head)
	})
	if err != nil {
		b.Fatal(err)
	}
	if d.Dialect == db.Postgres {
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, d.Dialect.SyncIDSequence("hiring_candidates"))
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	if err := d.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	return first
}

// BenchmarkHiringAt100k measures the pipeline board of one requisition and
// the hiring-plan page at 100,000 candidates and 200,000 applications,
// through the HTTP handler with an admin's API token (authentication,
// queries, rendering). It reports the mean and the p99 per request and
// the ratio to a baseline request of the same run (the people API's first
// page of 100 users). Target: p99 <= 20 ms (docs/performance.md).
func BenchmarkHiringAt100k(b *testing.B) {
	serverGCPace(b)
	for _, e := range dbtest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			d := dbtest.Open(b, e, clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)))
			a := audit.New(d)
			ppl := people.NewStore(d, a)
			as := auth.NewService(d, a, auth.Options{Params: auth.TestParams()})
			srv, err := New(Deps{DB: d, Auth: as, People: ppl, Tickets: ticket.NewStore(d, a, b.TempDir(), 1<<20), Version: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			name, email, role := "Vera Vp", "vera@bench.test", people.RoleAdmin
			u, err := ppl.CreateUser(context.Background(), audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				b.Fatal(err)
			}
			tok, _, err := as.CreateAPIToken(context.Background(), audit.System(), u.ID, "bench")
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			req := benchHiring(b, d, srv.Hiring, 100_000)
			b.Logf("generated in %v", time.Since(start).Round(time.Second))
			if n, _ := srv.Hiring.CountApplications(context.Background(), hiring.ApplicationFilter{Viewer: hiring.Viewer{Recruiter: true}}); n != 200_000 {
				b.Fatalf("%d applications", n)
			}
			get := func(path string) time.Duration {
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				srv.ServeHTTP(rec, r)
				el := time.Since(t0)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %.300s", path, rec.Code, rec.Body.String())
				}
				return el
			}
			for _, m := range []struct{ name, path string }{
				{"board_page", fmt.Sprintf("/hiring/requisitions/%d", req)},
				{"board_api", fmt.Sprintf("/api/v2/hiring/requisitions/%d/board", req)},
				{"plan_page", "/hiring"},
				{"plan_api", "/api/v2/hiring/plan"},
			} {
				b.Run(m.name, func(b *testing.B) {
					get(m.path) // warm the statement caches
					var took, base time.Duration
					var samples []time.Duration
					for b.Loop() {
						t := get(m.path)
						samples = append(samples, t)
						took += t
						base += get("/api/v2/users?per_page=100")
					}
					sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
					p99 := samples[min(len(samples)-1, len(samples)*99/100)]
					b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "ms/req")
					b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
					b.ReportMetric(float64(took)/float64(base), "x_baseline")
				})
			}
		})
	}
}
