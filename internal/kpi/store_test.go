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
				exec(t, d, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, organization_id, created_at, updated_at, brand_id) VALUES ($1, 's', 'new', 1, 1, $2, $3, $4, $4, $5)",
					id, asg, int64(1+rng.IntN(2)), at, int64(1+rng.IntN(2)))
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
				if rng.IntN(3) == 0 { // a move to another brand refolds the ticket
					exec(t, d, "UPDATE tickets SET brand_id = $2 WHERE id = $1", id, int64(1+rng.IntN(2)))
					break
				}
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
		for _, f := range []Filter{{}, {Region: "EMEA"}, {Plan: "saas"}, {Assignees: []int64{2}}, {HiddenBrands: []int64{2}}, {BrandID: 2, Assignees: []int64{3}}} {
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

// TestKPINumbersPartitionedByRestrictedBrand: the tickets of a restricted
// brand count in the numbers of a viewer cleared for it (or filtering by
// it) and in no number of a viewer it is hidden from — counts, ratios,
// percentiles, the per-engineer solves, the drill-down and the capacity
// plan's volumes — through the coarse cells and the full ones, on both
// engines; moving a ticket to another brand moves its numbers.
func TestKPINumbersPartitionedByRestrictedBrand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		at := now.AddDate(0, 0, -10).UnixMicro()
		exec(t, d, "INSERT INTO users (id, name, role, region, created_at, updated_at) VALUES (1, 'Req', 'end-user', '', 0, 0), (2, 'Amy', 'agent', 'AMER', 0, 0), (3, 'Gov', 'agent', 'AMER', 0, 0)")
		// Brand 1 (default): two solved tickets of Amy's rated good, solved
		// in an hour. Brand 2 (restricted): three of Gov's rated bad,
		// solved in a day, and one open.
		add := func(id, brand, asg int64, hours int64, score string) {
			exec(t, d, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, created_at, updated_at, solved_at, brand_id) VALUES ($1, $2, 'solved', 1, 1, $3, $4, $5, $5, $6)",
				id, "subject "+score, asg, at, at+hours*3600e6, brand)
			exec(t, d, "INSERT INTO satisfaction_ratings (ticket_id, requester_id, score, created_at, updated_at) VALUES ($1, 1, $2, $3, $3)", id, score, at)
		}
		add(1, 1, 2, 1, "good")
		add(2, 1, 2, 1, "good")
		add(3, 2, 3, 24, "bad")
		add(4, 2, 3, 24, "bad")
		add(5, 2, 3, 24, "bad")
		exec(t, d, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, created_at, updated_at, brand_id) VALUES (6, 'open', 'open', 1, 1, 3, $1, $1, 2)", at)

		outsider := Filter{HiddenBrands: []int64{2}}
		insider := Filter{} // nothing hidden
		type nums struct {
			created, solved int64
			ssat, p90       float64
			solvedBy        map[int64]int
		}
		numbers := func(f Filter) nums {
			t.Helper()
			if _, err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			_, data, by, err := s.read(ctx, Query{Period: Month, At: now, Periods: 1, Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			var n nums
			n.created, n.solved, n.solvedBy = data[0].c.Created, data[0].c.Solved, by
			inds, _, err := s.Overview(ctx, Query{Period: Month, At: now, Periods: 1, Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range inds {
				if i.Value == nil {
					continue
				}
				switch i.Name {
				case "ssat":
					n.ssat = *i.Value
				case "time_to_resolve_p90":
					n.p90 = *i.Value
				}
			}
			return n
		}
		near := func(got, want float64) bool { return got > want*0.9 && got < want*1.1 }

		out := numbers(outsider)
		if out.created != 2 || out.solved != 2 || out.ssat != 1 || !near(out.p90, 1) || len(out.solvedBy) != 1 || out.solvedBy[2] != 2 {
			t.Fatalf("outsider's numbers include the restricted brand: %+v", out)
		}
		in := numbers(insider)
		if in.created != 6 || in.solved != 5 || in.ssat != 0.4 || !near(in.p90, 24) || in.solvedBy[3] != 3 || in.solvedBy[2] != 2 {
			t.Fatalf("insider's numbers leave out the restricted brand: %+v", in)
		}
		only := numbers(Filter{BrandID: 2})
		if only.created != 4 || only.solved != 3 || only.ssat != 0 || !near(only.p90, 24) || len(only.solvedBy) != 1 {
			t.Fatalf("brand 2's numbers: %+v", only)
		}
		if hidden := numbers(Filter{BrandID: 2, HiddenBrands: []int64{2}}); hidden.created != 0 || hidden.solved != 0 || len(hidden.solvedBy) != 0 {
			t.Fatalf("a hidden brand's own filter shows numbers: %+v", hidden)
		}
		// The full cells (an assignee filter) are partitioned as the coarse ones.
		if gov := numbers(Filter{Assignees: []int64{3}, HiddenBrands: []int64{2}}); gov.created != 0 || gov.solved != 0 {
			t.Fatalf("outsider's numbers of the restricted brand's engineer: %+v", gov)
		}
		if gov := numbers(Filter{Assignees: []int64{3}}); gov.created != 4 || gov.solved != 3 {
			t.Fatalf("insider's numbers of the restricted brand's engineer: %+v", gov)
		}
		// The series and the drill-down.
		pts, _, err := s.Series(ctx, "ssat", Query{Period: Month, At: now, Periods: 1, Filter: outsider})
		if err != nil || len(pts) != 1 || pts[0].Value == nil || *pts[0].Value != 1 {
			t.Fatalf("outsider's ssat series: %+v %v", pts, err)
		}
		sp := Query{Period: Month, At: now, Periods: 1}.Spans()[0]
		for f, want := range map[*Filter]int{&outsider: 2, &insider: 5} {
			rows, err := s.Tickets(ctx, sp, *f, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != want {
				t.Fatalf("drill-down with %+v: %d tickets, want %d", *f, len(rows), want)
			}
			for _, r := range rows {
				if f == &outsider && r.ID > 2 {
					t.Fatalf("outsider's drill-down lists restricted ticket %d", r.ID)
				}
			}
		}
		// The capacity plan's weekly volumes (weeks before the current one).
		volume := func(hidden []int64) float64 {
			in, err := s.CapacityInput(ctx, now, hidden)
			if err != nil {
				t.Fatal(err)
			}
			var sum float64
			for _, w := range in.Weekly {
				for _, n := range w {
					sum += n
				}
			}
			return sum
		}
		if v, w := volume([]int64{2}), volume(nil); v != 2 || w != 6 {
			t.Fatalf("capacity volumes: outsider %v (want 2), insider %v (want 6)", v, w)
		}
		// Moving a ticket out of the restricted brand moves its numbers.
		exec(t, d, "UPDATE tickets SET brand_id = 1 WHERE id = 3")
		if out := numbers(outsider); out.created != 3 || out.solved != 3 || out.solvedBy[3] != 1 {
			t.Fatalf("after the move, outsider's numbers: %+v", out)
		}
		if in := numbers(insider); in.created != 6 || in.solved != 5 {
			t.Fatalf("after the move, insider's numbers: %+v", in)
		}
	})
}
