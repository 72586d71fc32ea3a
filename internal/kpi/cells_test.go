package kpi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

func TestWeekAndMonthOf(t *testing.T) {
	day := func(s string) int {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return int(tm.Unix() / 86400)
	}
	// 2026-11-30 is a Monday: it starts a week that 2026-12-06 (Sunday) ends.
	if WeekOf(day("2026-11-30")) != WeekOf(day("2026-12-06")) || WeekOf(day("2026-11-29")) != WeekOf(day("2026-11-30"))-1 {
		t.Fatal("weeks do not start on Mondays")
	}
	if WeekOf(day("1969-12-29")) != 0 || WeekOf(day("1970-01-05")) != 1 || WeekOf(day("1969-12-28")) != -1 {
		t.Fatalf("week origin: %d %d %d", WeekOf(day("1969-12-29")), WeekOf(day("1970-01-05")), WeekOf(day("1969-12-28")))
	}
	if MonthOf(day("2026-12-31")) != 2026*12+11 || MonthOf(day("2027-01-01")) != 2027*12 {
		t.Fatal("month boundary")
	}
}

func TestHistEncodingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		h := map[int]int64{}
		for range rng.IntN(40) {
			h[rng.IntN(200)] += int64(1 + rng.IntN(1000))
		}
		got := map[int]int64{}
		if err := DecodeHist(EncodeHist(h), got); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(h) {
			t.Fatalf("round trip: %v -> %v", h, got)
		}
	}
	if EncodeHist(map[int]int64{3: 0}) != nil {
		t.Fatal("an empty histogram is stored as nothing")
	}
	if err := DecodeHist([]byte{0x80}, map[int]int64{}); err == nil {
		t.Fatal("a truncated histogram must be refused")
	}
}

// TestTwoNodesFoldTogether folds from two nodes on one database at once
// while tickets change; the cells must still equal a recomputation (on
// PostgreSQL the fold lock keeps the two from rewriting a cell over each
// other).
func TestTwoNodesFoldTogether(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			target := e.Target(t)
			clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
			open := func() *db.DB {
				d, err := db.Open(context.Background(), target, clk, db.Options{MaxConns: 4})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if _, err := d.Migrate(context.Background(), nil); err != nil {
					t.Fatal(err)
				}
				return d
			}
			a, b := open(), open()
			ctx := context.Background()
			exec(t, a, "INSERT INTO organizations (id, name, support_plan, tier, created_at, updated_at) VALUES (1, 'A', 'saas', 'premium', 0, 0)")
			exec(t, a, "INSERT INTO users (id, name, role, region, created_at, updated_at) VALUES (1, 'Req', 'end-user', '', 0, 0), (2, 'Amy', 'agent', 'AMER', 0, 0)")
			const day = int64(86400e6)
			base := int64(20000) * day
			sa, sb := NewStore(a), NewStore(b)
			var wg sync.WaitGroup
			stop := make(chan struct{})
			errc := make(chan error, 2)
			for _, s := range []*Store{sa, sb} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := s.Refresh(ctx); err != nil {
							errc <- err
							return
						}
					}
				}()
			}
			for id := int64(1); id <= 300; id++ {
				at := base + id*day/50
				exec(t, a, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, organization_id, created_at, updated_at, solved_at) VALUES ($1, 's', 'solved', 1, 1, 2, 1, $2, $2, $3)",
					id, at, at+id*60e6)
				if id%3 == 0 {
					exec(t, b, "UPDATE tickets SET status = 'open', solved_at = NULL WHERE id = $1", id-1)
				}
			}
			close(stop)
			wg.Wait()
			select {
			case err := <-errc:
				t.Fatal(err)
			default:
			}
			if _, err := sa.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := sa.Stored(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := sa.Recompute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Cells) != fmt.Sprint(want.Cells) || fmt.Sprint(got.Hist) != fmt.Sprint(want.Hist) {
				t.Fatalf("two folding nodes lost updates:\nstored     %v\nrecomputed %v", got.Cells, want.Cells)
			}
			if len(want.Cells) == 0 {
				t.Fatal("nothing folded")
			}
		})
	}
}
