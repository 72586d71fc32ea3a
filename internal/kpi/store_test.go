package kpi

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if err := d.Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestRollupsEqualRecomputation runs a randomized workload of ticket
// creations, status changes (with their SLA history), reassignments,
// ratings, SLA achievements and deletions straight against the source
// tables, folding the dirty tickets at random moments, and requires the
// stored rollups to equal a from-scratch recomputation, on both engines.
func TestRollupsEqualRecomputation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		rng := rand.New(rand.NewPCG(19, 20))
		const day = int64(86400e6)
		base := int64(20000) * day
		exec(t, d, "INSERT INTO organizations (id, name, support_plan, tier, created_at, updated_at) VALUES (1, 'A', 'saas', 'premium', 0, 0), (2, 'B', 'self_managed', 'ultimate', 0, 0)")
		exec(t, d, "INSERT INTO users (id, name, role, region, created_at, updated_at) VALUES (1, 'Req', 'end-user', '', 0, 0), (2, 'Amy', 'agent', 'AMER', 0, 0), (3, 'Emil', 'agent', 'EMEA', 0, 0), (4, 'Pat', 'agent', 'APAC', 0, 0)")
		var live []int64
		next := int64(1)
		statuses := []string{"open", "pending", "hold", "solved", "closed", "open"}
		for step := 0; step < 400; step++ {
			at := base + int64(step)*day/7
			switch op := rng.IntN(10); {
			case op < 3 || len(live) == 0:
				id := next
				next++
				var asg any
				if rng.IntN(4) > 0 {
					asg = int64(2 + rng.IntN(3))
				}
				exec(t, d, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, organization_id, created_at, updated_at) VALUES ($1, 's', 'new', 1, 1, $2, $3, $4, $4)",
					id, asg, int64(1+rng.IntN(2)), at)
				exec(t, d, "INSERT INTO sla_ticket_events (ticket_id, kind, at, to_status) VALUES ($1, 'created', $2, 'new')", id, at)
				live = append(live, id)
			case op < 6:
				id := live[rng.IntN(len(live))]
				st := statuses[rng.IntN(len(statuses))]
				var solved any
				if st == "solved" || st == "closed" {
					solved = at
				}
				exec(t, d, "UPDATE tickets SET status = $2, solved_at = $3, updated_at = $4 WHERE id = $1", id, st, solved, at)
				exec(t, d, "INSERT INTO sla_ticket_events (ticket_id, kind, at, to_status) VALUES ($1, 'status_changed', $2, $3)", id, at, st)
			case op < 7:
				id := live[rng.IntN(len(live))]
				exec(t, d, "UPDATE tickets SET assignee_id = $2 WHERE id = $1", id, int64(2+rng.IntN(3)))
			case op < 8:
				id := live[rng.IntN(len(live))]
				score := []string{"good", "bad"}[rng.IntN(2)]
				exec(t, d, "DELETE FROM satisfaction_ratings WHERE ticket_id = $1", id)
				if rng.IntN(3) > 0 {
					exec(t, d, "INSERT INTO satisfaction_ratings (ticket_id, requester_id, score, created_at, updated_at) VALUES ($1, 1, $2, $3, $3)", id, score, at)
				}
				// An upsert too: SQLite applies the outer conflict clause to
				// the trigger's statements.
				exec(t, d, "INSERT INTO satisfaction_ratings (ticket_id, requester_id, score, created_at, updated_at) VALUES ($1, 1, $2, $3, $3) ON CONFLICT (ticket_id) DO UPDATE SET score = excluded.score", id, score, at)
			case op < 9:
				id := live[rng.IntN(len(live))]
				metric := []string{"first_reply_time", "next_reply_time", "requester_wait_time", "agent_work_time"}[rng.IntN(4)]
				exec(t, d, "INSERT INTO sla_achievements (ticket_id, metric, target, achieved, elapsed_minutes, started_at, completed_at, updated_at) VALUES ($1, $2, 60, $3, 10, $4, $4, $4)",
					id, metric, rng.IntN(4) > 0, at+int64(step))
			default:
				i := rng.IntN(len(live))
				exec(t, d, "DELETE FROM tickets WHERE id = $1", live[i])
				live = append(live[:i], live[i+1:]...)
			}
			if rng.IntN(25) == 0 {
				if _, err := s.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := s.Stored(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.Recompute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Cells) < 20 || len(want.Hist) < 10 {
			t.Fatalf("workload too small: %d buckets, %d histogram cells", len(want.Cells), len(want.Hist))
		}
		for k, w := range want.Cells {
			if got.Cells[k] != w {
				t.Fatalf("bucket %s: stored %+v, recomputed %+v", k, got.Cells[k], w)
			}
		}
		for k, g := range got.Cells {
			if _, ok := want.Cells[k]; !ok {
				t.Fatalf("stale bucket %s: %+v", k, g)
			}
		}
		for k, w := range want.Hist {
			if got.Hist[k] != w {
				t.Fatalf("histogram %s: stored %d, recomputed %d", k, got.Hist[k], w)
			}
		}
		for k, g := range got.Hist {
			if want.Hist[k] != g {
				t.Fatalf("stale histogram %s: %d", k, g)
			}
		}
		// An indicator's page reads the rollups once; it must show what
		// Series and Overview show when asked one after the other.
		at := time.UnixMicro(base + 400*day/7).UTC()
		for _, f := range []Filter{{}, {Region: "EMEA"}, {Plan: "saas"}, {Assignees: []int64{2}}} {
			for _, name := range []string{"ssat", "time_to_resolve_p90", "tickets_solved", "headcount"} {
				q := Query{Period: Month, At: at, Periods: 6, Filter: f}
				series, has, inds, err := s.Page(ctx, name, q)
				if err != nil {
					t.Fatal(err)
				}
				wantSeries, wantHas, err := s.Series(ctx, name, q)
				if err != nil {
					t.Fatal(err)
				}
				wantInds, _, err := s.Overview(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if has != wantHas || !reflect.DeepEqual(series, wantSeries) || !reflect.DeepEqual(inds, wantInds) {
					t.Fatalf("%s %+v: page (%v %+v) differs from series and overview (%v %+v)", name, f, has, series, wantHas, wantSeries)
				}
				if len(inds) < 10 || (name == "ssat" && len(series) != 6) {
					t.Fatalf("%s: %d indicators, %d points", name, len(inds), len(series))
				}
			}
		}
	})
}
