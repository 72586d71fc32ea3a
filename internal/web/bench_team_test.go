package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

// benchDepartment fills d with a department of n members in one
// transaction (a VP, directors, senior managers, managers of ~10 engineers
// each, engineers of every level across the regions) and returns the
// VP's id. Rows are inserted directly: the benchmark measures reading.
func benchDepartment(b *testing.B, d *db.DB, st *team.Store, n int) int64 {
	ctx := context.Background()
	if _, err := st.SeedDefaults(ctx); err != nil {
		b.Fatal(err)
	}
	levels := map[string]int64{}
	ls, _ := st.Levels(ctx)
	for _, l := range ls {
		levels[l.Key] = l.ID
	}
	regions := team.Regions()
	ics := []string{"customer-support-representative", "associate-support-engineer", "support-engineer", "support-engineer", "senior-support-engineer", "staff-support-engineer"}
	var vp int64
	err := d.Write(ctx, func(tx *db.Tx) error {
		id := 0
		add := func(level, region string, mgr int64) (int64, error) {
			id++
			var uid int64
			var m any
			if mgr != 0 {
				m = mgr
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (name, email, role, region, time_zone, manager_id, created_at, updated_at)
				VALUES ($1, $2, 'agent', $3, 'UTC', $4, 1, 1) RETURNING id`, fmt.Sprintf("Person %05d", id), fmt.Sprintf("p%05d@bench.test", id), region, m).Scan(&uid); err != nil {
				return 0, err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO team_members (user_id, level_id, created_at, updated_at) VALUES ($1, $2, 1, 1)`, uid, levels[level])
			return uid, err
		}
		var err error
		if vp, err = add("vp-of-support", "AMER", 0); err != nil {
			return err
		}
		count := 1
		for dI := 0; count < n; dI++ {
			dir, err := add("director-of-support", regions[dI%3], vp)
			if err != nil {
				return err
			}
			count++
			for s := 0; s < 10 && count < n; s++ {
				sm, err := add("senior-manager-support-engineering", regions[(dI+s)%3], dir)
				if err != nil {
					return err
				}
				count++
				for m := 0; m < 3 && count < n; m++ {
					mg, err := add("manager-support-engineering", regions[(dI+s)%3], sm)
					if err != nil {
						return err
					}
					count++
					for e := 0; e < 10 && count < n; e++ {
						if _, err := add(ics[(count+e)%len(ics)], regions[(dI+s)%3], mg); err != nil {
							return err
						}
						count++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Analyze(ctx); err != nil { // as frontline bench does after generating
		b.Fatal(err)
	}
	return vp
}

// BenchmarkTeamAt5000 measures the roster and the org chart of a
// 5,000-member department through the HTTP handler (authentication,
// queries, rendering), each request interleaved with a baseline request of
// the same run: the people API's first page of 100 users. It reports
// ms/req of the measured request and its ratio to the baseline
// (x_baseline). Target: under 50 ms (docs/performance.md).
func BenchmarkTeamAt5000(b *testing.B) {
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
			vp := benchDepartment(b, d, srv.Team, 5000)
			if err := as.SetPassword(context.Background(), audit.System(), vp, pw); err != nil {
				b.Fatal(err)
			}
			tok, _, err := as.CreateAPIToken(context.Background(), audit.System(), vp, "bench")
			if err != nil {
				b.Fatal(err)
			}
			if n, _ := srv.Team.CountMembers(context.Background(), team.MemberFilter{}); n != 5000 {
				b.Fatalf("%d members", n)
			}
			get := func(path string) time.Duration {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				start := time.Now()
				srv.ServeHTTP(rec, req)
				el := time.Since(start)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %.300s", path, rec.Code, rec.Body.String())
				}
				return el
			}
			for _, m := range []struct{ name, path string }{
				{"roster_page", "/team"},
				{"roster_api", "/api/v2/team/members?per_page=100"},
				{"org_chart_page", "/team/org"},
				{"org_chart_api", "/api/v2/team/org_chart"},
				{"summary_api", "/api/v2/team/summary"},
			} {
				b.Run(m.name, func(b *testing.B) {
					get(m.path) // warm the statement caches
					var took, base time.Duration
					for b.Loop() {
						took += get(m.path)
						base += get("/api/v2/users?per_page=100")
					}
					b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "ms/req")
					b.ReportMetric(float64(took)/float64(base), "x_baseline")
				})
			}
		})
	}
}
