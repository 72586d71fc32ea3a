package sla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/ticket"
)

func newQueue(t *testing.T, d *db.DB, opts jobs.Options) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(d, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

func drain(t *testing.T, q *jobs.Queue) int {
	t.Helper()
	n, err := q.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTimersAsJobs: due times become River jobs in the ticket's transaction;
// a job does nothing before its time, records the warning and the breach
// when due, and a due time that moved leaves the old job harmless.
func TestTimersAsJobs(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, clk)
		q := newQueue(t, d, jobs.Options{})
		e.svc.UseJobs(q)
		id := e.create(t, e.free, "normal") // 60 calendar minutes
		if n := drain(t, q); n != 0 {
			t.Fatalf("%d jobs ran before their time", n)
		}
		clk.Advance(48 * time.Minute) // the warning (12 minutes ahead)
		if n := drain(t, q); n != 1 || len(e.breachEvents(t, id, KindWarning)) != 1 || len(e.warnings) != 1 {
			t.Fatalf("%d runs, warnings %+v", n, e.warnings)
		}
		// Raised to urgent (10 minutes) 50 minutes in: breached at once, by
		// the update itself.
		clk.Advance(2 * time.Minute)
		e.update(t, e.agent, id, ticket.UpdateInput{Priority: sp("urgent")})
		if got := e.breachEvents(t, id, KindBreach); len(got) != 1 || !got[0].At.Equal(clk.Now()) {
			t.Fatalf("%+v", got)
		}
		// The old 60-minute breach job fires and records nothing more.
		clk.Advance(20 * time.Minute)
		if n := drain(t, q); n != 1 {
			t.Fatalf("%d runs", n)
		}
		if len(e.breaches) != 1 || len(e.breachEvents(t, id, KindBreach)) != 1 {
			t.Fatalf("%+v", e.breaches)
		}

		// A fresh ticket breaches through its job alone.
		id2 := e.create(t, e.free, "urgent")
		due := clk.Now().Add(10 * time.Minute)
		clk.Set(due) // exactly at the due time nothing is breached
		drain(t, q)
		if m := e.metric(t, id2, MetricFirstReplyTime); m.Status != "active" {
			t.Fatalf("%+v", m)
		}
		clk.Set(due.Add(TimerDelay))
		drain(t, q)
		m := e.metric(t, id2, MetricFirstReplyTime)
		if m.Status != "breached" {
			t.Fatalf("%+v", m)
		}
		wantTime(t, "breached_at", m.BreachedAt, due)
	})
}

// TestTwoQueuesFireOnce: two Frontline nodes (each its own connection pool,
// River client and SLA service) work the SLA timers of N tickets on one
// PostgreSQL database; every breach event is written exactly once.
func TestTwoQueuesFireOnce(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		if eng.Name != "postgres" {
			continue
		}
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
			clk := clock.NewFake(start)
			d1 := dbtest.Open(t, eng, clk)
			d2, err := db.Open(ctx, d1.Target, clk, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			e := newEnv(t, d1, clk)
			node2 := NewService(NewStore(d2, audit.New(d2)), Options{})
			opts1, opts2 := jobs.TestOptions(), jobs.TestOptions()
			opts1.ID, opts2.ID = "node1", "node2"
			q1, q2 := newQueue(t, d1, opts1), newQueue(t, d2, opts2)
			e.svc.UseJobs(q1)
			node2.UseJobs(q2)
			var mu sync.Mutex
			hooks := map[string]int{}
			count := func(ctx context.Context, tx *db.Tx, b Breach) error {
				mu.Lock()
				hooks[fmt.Sprintf("%d/%s", b.TicketID, b.Metric)]++
				mu.Unlock()
				return nil
			}
			e.svc.OnBreach(count)
			node2.OnBreach(count)
			for _, q := range []*jobs.Queue{q1, q2} {
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = q.Stop(context.Background()) })
			}
			const n = 30
			for i := range n {
				actor := e.premium
				if i%2 == 1 {
					actor = e.free
				}
				e.create(t, actor, "urgent")
			}
			clk.Advance(2 * time.Hour) // every warning and breach is due
			deadline := time.Now().Add(30 * time.Second)
			count1 := func() int {
				var rows int
				if err := d1.R.QueryRow("SELECT COUNT(*) FROM sla_events WHERE kind = 'breach'").Scan(&rows); err != nil {
					t.Fatal(err)
				}
				return rows
			}
			// Wait until every timer job due by now has finished (Drain only
			// follows the jobs its own node works, so poll River's table).
			pending := func() int {
				var k int
				if err := d1.R.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'sla.wake'
					AND state NOT IN ('completed', 'cancelled', 'discarded') AND scheduled_at <= $1`, clk.Now()).Scan(&k); err != nil {
					t.Fatal(err)
				}
				return k
			}
			for (count1() < n || pending() > 0) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond) // a straggler would show up now
			if rows := count1(); rows != n {
				t.Fatalf("%d breach events for %d tickets", rows, n)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(hooks) != n {
				t.Fatalf("%d hooked breaches for %d tickets", len(hooks), n)
			}
			for k, c := range hooks {
				if c != 1 {
					t.Fatalf("breach %s hooked %d times", k, c)
				}
			}
			var worked1, worked2 int
			for node, dst := range map[string]*int{"node1": &worked1, "node2": &worked2} {
				if err := d1.R.QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = 'sla.wake' AND state = 'completed' AND attempted_by[1] = $1", node).Scan(dst); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("wake-up jobs worked: node1 %d, node2 %d", worked1, worked2)
			// The tickets share their moments: a handful of wake-ups served
			// all of them.
			if worked1+worked2 == 0 || worked1+worked2 >= n {
				t.Fatalf("%d wake-up jobs completed for %d tickets", worked1+worked2, n)
			}
		})
	}
}

// TestWakeUpsShared: tickets due at the same moment share one wake-up job,
// which fires all of them; a node remembers only the moments of
// transactions that committed, so a rolled-back ticket's moment is
// scheduled again by the next ticket due then.
func TestWakeUpsShared(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, clk)
		q := newQueue(t, d, jobs.Options{})
		e.svc.UseJobs(q)
		e.tickets.OnChange(func(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
			if slices.Contains(c.Ticket.Tags, "refuse") {
				return errors.New("refused")
			}
			return nil
		})
		wakeUps := func() []time.Time {
			var out []time.Time
			args := "args"
			if d.Dialect == db.SQLite {
				args = "json(args)" // River's SQLite driver stores JSONB
			}
			rows, err := d.R.QueryContext(ctx, "SELECT "+args+" FROM river_job WHERE kind = 'sla.wake'")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var raw []byte
				var a WakeArgs
				if err := rows.Scan(&raw); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(raw, &a); err != nil {
					t.Fatal(err)
				}
				out = append(out, a.At.UTC())
			}
			slices.SortFunc(out, time.Time.Compare)
			return out
		}
		timers := e.svc.timers.(*jobTimers)
		ahead := func(at time.Time) bool {
			timers.mu.Lock()
			defer timers.mu.Unlock()
			return timers.ahead[at.Unix()]
		}
		var ids []int64
		for range 5 {
			ids = append(ids, e.create(t, e.free, "normal")) // warnings 48 minutes on
		}
		warn := start.Add(48 * time.Minute)
		if got := wakeUps(); len(got) != 1 || !got[0].Equal(warn) || !ahead(warn) {
			t.Fatalf("wake-ups %v for five tickets warned at %v (remembered: %v)", got, warn, ahead(warn))
		}

		// Half a second later: the moment rounds up to the next second.
		clk.Advance(500 * time.Millisecond)
		later := start.Add(48*time.Minute + time.Second)
		if _, _, err := e.tickets.Create(ctx, e.free, ticket.CreateInput{Comment: ticket.CommentInput{Body: "x"},
			Priority: sp("normal"), Tags: []string{"refuse"}}); err == nil {
			t.Fatal("the refusing hook let the ticket through")
		}
		if got := wakeUps(); len(got) != 1 || ahead(later) {
			t.Fatalf("a rolled-back ticket left wake-ups %v (remembered: %v)", got, ahead(later))
		}
		ids = append(ids, e.create(t, e.free, "normal"))
		if got := wakeUps(); len(got) != 2 || !got[1].Equal(later) || !ahead(later) {
			t.Fatalf("wake-ups %v, want %v and %v", got, warn, later)
		}

		clk.Set(warn)
		if n := drain(t, q); n != 1 {
			t.Fatalf("%d jobs ran at the first moment", n)
		}
		for i, id := range ids {
			if got := len(e.breachEvents(t, id, KindWarning)); got != min(1, 5-i) {
				t.Fatalf("ticket %d (%d of %d): %d warnings at %v", id, i+1, len(ids), got, warn)
			}
		}
		clk.Set(later)
		if n := drain(t, q); n != 1 || len(e.breachEvents(t, ids[5], KindWarning)) != 1 {
			t.Fatalf("%d jobs ran; warnings of the last ticket: %+v", n, e.breachEvents(t, ids[5], KindWarning))
		}
		// The warning looks scheduled the breach moments, a second after
		// each due time, remembered while ahead.
		due := start.Add(time.Hour + time.Second)
		if !ahead(due) || ahead(warn) {
			t.Fatalf("remembered due %v: %v, past warning %v: %v", due, ahead(due), warn, ahead(warn))
		}
	})
}

// TestRememberBounded: the moments a node remembers are dropped once due (at
// most a minute late), and never grow past maxAhead.
func TestRememberBounded(t *testing.T) {
	j := &jobTimers{ahead: map[int64]bool{}}
	j.remember(1000, []int64{1000, 1001, 1500}) // 1000 is due already
	if len(j.ahead) != 2 || !j.ahead[1001] || !j.ahead[1500] {
		t.Fatalf("%v", j.ahead)
	}
	j.remember(1030, []int64{1600}) // too soon to prune
	if len(j.ahead) != 3 {
		t.Fatalf("pruned within a minute: %v", j.ahead)
	}
	j.remember(1060, []int64{1700})
	if len(j.ahead) != 3 || j.ahead[1001] || !j.ahead[1700] {
		t.Fatalf("after a minute: %v", j.ahead)
	}
	many := make([]int64, maxAhead)
	for i := range many {
		many[i] = int64(1062 + i)
	}
	j.remember(1061, many)
	if len(j.ahead) != maxAhead {
		t.Fatalf("%d moments remembered, bound %d", len(j.ahead), maxAhead)
	}
	// Full: the moments now due go at once, however recent the last prune.
	j.remember(1100, []int64{9_000_000})
	if len(j.ahead) > maxAhead || j.ahead[1062] || !j.ahead[9_000_000] {
		t.Fatalf("%d moments; due one kept: %v, new one kept: %v", len(j.ahead), j.ahead[1062], j.ahead[9_000_000])
	}
}

// TestLegacyTimerJobs: a per-ticket timer job left by an earlier version
// still checks its ticket when it runs.
func TestLegacyTimerJobs(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, clk)
		id := e.create(t, e.free, "normal") // no job queue yet: no wake-up scheduled
		q := newQueue(t, d, jobs.Options{})
		e.svc.UseJobs(q)
		warn := start.Add(48 * time.Minute)
		if err := q.Insert(ctx, TimerArgs{TicketID: id, Metric: MetricFirstReplyTime, Type: KindWarning, DueAt: start.Add(time.Hour)},
			&river.InsertOpts{ScheduledAt: warn}); err != nil {
			t.Fatal(err)
		}
		clk.Set(warn)
		if n := drain(t, q); n != 1 || len(e.breachEvents(t, id, KindWarning)) != 1 {
			t.Fatalf("%d jobs ran; warnings %+v", n, e.breachEvents(t, id, KindWarning))
		}
	})
}

// recordTimers keeps scheduled timers in memory (a Timers that schedules
// nothing), as a service writing history on a clock of its own does.
type recordTimers struct{ ts []Timer }

func (r *recordTimers) Schedule(_ context.Context, _ *db.Tx, ts []Timer) error {
	r.ts = append(r.ts, ts...)
	return nil
}

// TestScheduleTimersHandsTimersToTheQueue: timers one service computed
// without a job queue (kept in memory) are handed to another service's
// queue with ScheduleTimers: one wake-up job per moment, which records the
// warning and then the breach at their times.
func TestScheduleTimersHandsTimersToTheQueue(t *testing.T) {
	start := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, clk)
		rec := &recordTimers{}
		e.svc.SetTimers(rec)
		id := e.create(t, e.free, "normal") // 60 calendar minutes: warning at 48
		e.create(t, e.free, "normal")       // the same moments: one job each
		if len(rec.ts) != 2 || rec.ts[0].Kind != KindWarning || !rec.ts[0].At.Equal(start.Add(48*time.Minute)) {
			t.Fatalf("timers kept: %+v", rec.ts)
		}
		q := newQueue(t, d, jobs.Options{})
		live := NewService(e.store, Options{})
		live.UseJobs(q)
		if err := live.ScheduleTimers(ctx, rec.ts); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'sla.wake'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d wake-up jobs (%v), want 1", n, err)
		}
		clk.Advance(48 * time.Minute)
		if n := drain(t, q); n != 1 || len(e.breachEvents(t, id, KindWarning)) != 1 {
			t.Fatalf("%d runs at the warning, events %+v", n, e.breachEvents(t, id, KindWarning))
		}
		clk.Advance(13 * time.Minute) // the look at the warning scheduled the breach on the queue
		if n := drain(t, q); n != 1 || len(e.breachEvents(t, id, KindBreach)) != 1 {
			t.Fatalf("%d runs at the breach, events %+v", n, e.breachEvents(t, id, KindBreach))
		}
	})
}
