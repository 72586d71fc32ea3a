package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/jobs"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// recordArgs is a job that records its runs in a recorder.
type recordArgs struct {
	Key string `json:"key"`
	// Fail makes the first Fail runs return an error; Panic makes every run panic.
	Fail  int  `json:"fail,omitempty"`
	Panic bool `json:"panic,omitempty"`
	// Then enqueues another job (due now) with this key after running.
	Then string `json:"then,omitempty"`
}

func (recordArgs) Kind() string { return "test_record" }

type recorder struct {
	river.WorkerDefaults[recordArgs]
	q    *jobs.Queue
	clk  clock.Clock
	mu   sync.Mutex
	runs map[string]int // by key
	byID map[int64]int  // by job id
	at   map[string][]time.Time
}

func newRecorder() *recorder {
	return &recorder{runs: map[string]int{}, byID: map[int64]int{}, at: map[string][]time.Time{}}
}

func (r *recorder) Work(ctx context.Context, j *river.Job[recordArgs]) error {
	r.mu.Lock()
	r.runs[j.Args.Key]++
	r.byID[j.ID]++
	r.at[j.Args.Key] = append(r.at[j.Args.Key], r.clk.Now())
	n := r.runs[j.Args.Key]
	r.mu.Unlock()
	if j.Args.Panic {
		panic("boom " + j.Args.Key)
	}
	if n <= j.Args.Fail {
		return fmt.Errorf("failing run %d of %s", n, j.Args.Key)
	}
	if j.Args.Then != "" {
		return r.q.Insert(ctx, recordArgs{Key: j.Args.Then}, nil)
	}
	return nil
}

func (r *recorder) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs[key]
}

// setup returns a fake clock, a migrated database and a Queue with a recorder.
func each(t *testing.T, fn func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder)) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(t0); return clk }, func(t *testing.T, d *db.DB) {
		q, err := jobs.New(d, nil, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(q.Close)
		r := newRecorder()
		r.q, r.clk = q, clk
		jobs.AddWorker(q, r)
		fn(t, clk, d, q, r)
	})
}

func drain(t *testing.T, q *jobs.Queue, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := q.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("Drain ran %d jobs, want %d", n, want)
	}
}

// state reads a job's River state and attempt count by its key.
func state(t *testing.T, d *db.DB, key string) (string, int) {
	t.Helper()
	var st string
	var attempt int
	err := d.R.QueryRow(`SELECT state, attempt FROM river_job WHERE kind = 'test_record' AND args->>'key' = '`+key+`'`).Scan(&st, &attempt)
	if err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	return st, attempt
}

func TestInsertTxExistsOnlyWhenCommitted(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		errRollback := errors.New("roll back")
		err := d.Write(ctx, func(tx *db.Tx) error {
			if err := q.InsertTx(ctx, tx, recordArgs{Key: "rolled-back"}, nil); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Write: %v", err)
		}
		drain(t, q, 0)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return q.InsertTx(ctx, tx, recordArgs{Key: "committed"}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 1)
		if r.count("committed") != 1 || r.count("rolled-back") != 0 {
			t.Fatalf("runs = %v", r.runs)
		}
		if st, attempt := state(t, d, "committed"); st != "completed" || attempt != 1 {
			t.Fatalf("state %s attempt %d, want completed 1", st, attempt)
		}
		drain(t, q, 0) // nothing twice
	})
}

func TestInsertManyTxIsOneTransactionalBatchAndKeepsUniqueness(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		batch := func(keys ...string) []river.InsertManyParams {
			var ps []river.InsertManyParams
			for _, k := range keys {
				ps = append(ps, river.InsertManyParams{Args: recordArgs{Key: k}, InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}})
			}
			return ps
		}
		errRollback := errors.New("roll back")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := q.InsertManyTx(ctx, tx, batch("x1", "x2")); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatalf("Write: %v", err)
		}
		drain(t, q, 0)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := q.InsertManyTx(ctx, tx, batch("a", "b", "c")); err != nil {
				return err
			}
			// The same args again (a live duplicate) are skipped, a new one is added.
			return q.InsertManyTx(ctx, tx, batch("a", "d"))
		}); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 4)
		for _, k := range []string{"a", "b", "c", "d"} {
			if r.count(k) != 1 {
				t.Fatalf("job %s ran %d times, want 1 (runs %v)", k, r.count(k), r.runs)
			}
		}
		if r.count("x1")+r.count("x2") != 0 {
			t.Fatalf("rolled-back jobs ran: %v", r.runs)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return q.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: recordArgs{Key: "q"}, InsertOpts: &river.InsertOpts{Queue: "other"}}, {Args: recordArgs{Key: "r"}}})
		}); err == nil || !strings.Contains(err.Error(), "not worked") {
			t.Fatalf("a job for another queue: err = %v", err)
		}
	})
}

func TestInsertAtCommitGathersAndDeduplicates(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		p := func(k string) river.InsertManyParams {
			return river.InsertManyParams{Args: recordArgs{Key: k}, InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := q.InsertAtCommit(tx, p("one"), p("two")); err != nil {
				return err
			}
			return errors.New("roll back")
		}); err == nil {
			t.Fatal("want the error")
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := q.InsertAtCommit(tx, p("one"), p("two")); err != nil {
				return err
			}
			// The same unique job again in the same transaction (two changes
			// of one ticket in one batch) goes in once.
			return q.InsertAtCommit(tx, p("two"), p("three"))
		}); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 3)
		for _, k := range []string{"one", "two", "three"} {
			if r.count(k) != 1 {
				t.Fatalf("job %s ran %d times (runs %v)", k, r.count(k), r.runs)
			}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return q.InsertAtCommit(tx, river.InsertManyParams{Args: recordArgs{Key: "x"}, InsertOpts: &river.InsertOpts{Queue: "other"}})
		}); err == nil || !strings.Contains(err.Error(), "not worked") {
			t.Fatalf("a job for another queue: err = %v", err)
		}
	})
}

func TestScheduledJobsFollowTheInjectedClock(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return q.InsertTx(ctx, tx, recordArgs{Key: "later"}, &river.InsertOpts{ScheduledAt: tx.Now.Add(time.Hour)})
		}); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, recordArgs{Key: "soon"}, &river.InsertOpts{ScheduledAt: t0.Add(10 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 0)
		clk.Advance(59 * time.Minute)
		drain(t, q, 1)
		if r.count("soon") != 1 || r.count("later") != 0 {
			t.Fatalf("runs = %v", r.runs)
		}
		clk.Advance(time.Minute)
		drain(t, q, 1)
		if r.count("later") != 1 {
			t.Fatalf("runs = %v", r.runs)
		}
		if got := r.at["later"][0]; !got.Equal(t0.Add(time.Hour)) {
			t.Fatalf("ran at %v", got)
		}
	})
}

func TestUniqueJobs(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		unique := &river.InsertOpts{ScheduledAt: t0.Add(time.Hour), UniqueOpts: river.UniqueOpts{ByArgs: true}}
		for i := 0; i < 3; i++ {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				// one timer per (ticket, metric): the same args are one job
				if err := q.InsertTx(ctx, tx, recordArgs{Key: "ticket-1/first_reply"}, unique); err != nil {
					return err
				}
				return q.InsertTx(ctx, tx, recordArgs{Key: "ticket-1/resolution"}, unique)
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Without unique options, every insert is a job.
		for i := 0; i < 2; i++ {
			if err := q.Insert(ctx, recordArgs{Key: "plain"}, &river.InsertOpts{ScheduledAt: t0.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(time.Hour)
		drain(t, q, 4)
		if r.count("ticket-1/first_reply") != 1 || r.count("ticket-1/resolution") != 1 || r.count("plain") != 2 {
			t.Fatalf("runs = %v", r.runs)
		}
	})
}

func TestRetriesWithBackoffThenDiscard(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		if err := q.Insert(ctx, recordArgs{Key: "flaky", Fail: 2}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, recordArgs{Key: "panics", Panic: true}, &river.InsertOpts{MaxAttempts: 2}); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, recordArgs{Key: "always-fails", Fail: 100}, &river.InsertOpts{MaxAttempts: 3}); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 3)
		for _, k := range []string{"flaky", "panics", "always-fails"} {
			// (River marks a retry due within its scheduler interval
			// "available" at once; it is still not fetched before its time.)
			if st, attempt := state(t, d, k); (st != "retryable" && st != "available") || attempt != 1 {
				t.Fatalf("%s: state %s attempt %d, want retryable (or available) 1", k, st, attempt)
			}
		}
		drain(t, q, 0) // backoff: not due again at the same instant
		clk.Advance(time.Hour)
		drain(t, q, 3)
		if st, _ := state(t, d, "panics"); st != "discarded" {
			t.Fatalf("panicking job is %s after its 2 attempts, want discarded", st)
		}
		clk.Advance(time.Hour)
		drain(t, q, 2)
		if st, attempt := state(t, d, "flaky"); st != "completed" || attempt != 3 {
			t.Fatalf("flaky: state %s attempt %d, want completed 3", st, attempt)
		}
		if st, attempt := state(t, d, "always-fails"); st != "discarded" || attempt != 3 {
			t.Fatalf("always-fails: state %s attempt %d, want discarded 3", st, attempt)
		}
		clk.Advance(24 * time.Hour)
		drain(t, q, 0)
		if r.count("flaky") != 3 || r.count("panics") != 2 || r.count("always-fails") != 3 {
			t.Fatalf("runs = %v", r.runs)
		}
		// The first retry waited for a backoff on the injected clock.
		if at := r.at["flaky"]; !at[1].After(at[0]) {
			t.Fatalf("retry times %v", at)
		}
	})
}

func TestDrainRunsJobsThatJobsEnqueue(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		if err := q.Insert(ctx, recordArgs{Key: "first", Then: "second"}, nil); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 2)
		if r.count("first") != 1 || r.count("second") != 1 {
			t.Fatalf("runs = %v", r.runs)
		}
	})
}

type orphanArgs struct{}

func (orphanArgs) Kind() string { return "test_orphan" }

func TestInsertWithoutWorkerIsAnError(t *testing.T) {
	each(t, func(t *testing.T, clk *clock.Fake, d *db.DB, q *jobs.Queue, r *recorder) {
		ctx := context.Background()
		err := d.Write(ctx, func(tx *db.Tx) error { return q.InsertTx(ctx, tx, orphanArgs{}, nil) })
		if err == nil {
			t.Fatal("inserting a kind without a worker succeeded")
		}
		// No node works other River queues: such a job would never run.
		if err := q.Insert(ctx, recordArgs{Key: "elsewhere"}, &river.InsertOpts{Queue: "elsewhere"}); err == nil {
			t.Fatal("inserting into a queue no node works succeeded")
		}
		drain(t, q, 0)
	})
}

func TestStartedQueueWorksJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q, err := jobs.New(d, nil, jobs.TestOptions())
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		r := newRecorder()
		r.q, r.clk = q, d.Clock
		jobs.AddWorker(q, r)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return q.InsertTx(ctx, tx, recordArgs{Key: "bg", Then: "bg-next"}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for r.count("bg-next") == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the started queue did not work the jobs: %v", r.runs)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Drain on a started queue waits for it (the first call may also
		// count the completion of bg-next).
		if _, err := q.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if err := q.Insert(ctx, recordArgs{Key: "drained"}, nil); err != nil {
			t.Fatal(err)
		}
		drain(t, q, 1)
		if r.count("drained") != 1 {
			t.Fatalf("runs = %v", r.runs)
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			t.Fatal(err)
		}
		if r.count("bg") != 1 || r.count("bg-next") != 1 {
			t.Fatalf("runs = %v", r.runs)
		}
	})
}

// TestFireOnceAcrossNodes runs two started Queues (two River clients, as two
// Frontline nodes would) on one PostgreSQL database: every job runs once.
func TestFireOnceAcrossNodes(t *testing.T) {
	for _, e := range dbtest.Engines() {
		if e.Name != "postgres" {
			continue // several nodes share a database only on PostgreSQL
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d1 := dbtest.Open(t, e, nil)
			d2, err := db.Open(ctx, d1.Target, d1.Clock, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			var mu sync.Mutex
			runs := map[int64]int{}
			byNode := map[string]int{}
			nodes := []struct {
				name string
				d    *db.DB
			}{{"node-1", d1}, {"node-2", d2}}
			// Both nodes start at once on a database without River's tables:
			// one applies River's migrations, the other waits and finds them.
			queues := make([]*jobs.Queue, len(nodes))
			errc := make(chan error, len(nodes))
			for i, node := range nodes {
				go func() {
					opts := jobs.TestOptions()
					opts.ID, opts.MaxWorkers = node.name, 4
					q, err := jobs.New(node.d, nil, opts)
					queues[i] = q
					errc <- err
				}()
			}
			for range nodes {
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
			}
			for i, node := range nodes {
				q := queues[i]
				defer q.Close()
				jobs.AddWorker(q, river.WorkFunc(func(ctx context.Context, j *river.Job[nodeArgs]) error {
					mu.Lock()
					runs[j.ID]++
					byNode[node.name]++
					mu.Unlock()
					time.Sleep(time.Millisecond)
					return nil
				}))
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				defer func() {
					sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
					defer cancel()
					if err := q.Stop(sctx); err != nil {
						t.Error(err)
					}
				}()
			}
			const n = 200
			for i := 0; i < n; i++ {
				q := queues[i%2]
				d := []*db.DB{d1, d2}[i%2]
				if err := d.Write(ctx, func(tx *db.Tx) error { return q.InsertTx(ctx, tx, nodeArgs{I: i}, nil) }); err != nil {
					t.Fatal(err)
				}
			}
			total := func() int {
				mu.Lock()
				defer mu.Unlock()
				s := 0
				for _, c := range runs {
					s += c
				}
				return s
			}
			// Drain on node 1 waits for every due job, wherever it runs, and
			// counts node 1's runs.
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			drained, err := queues[0].Drain(dctx)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if got := total(); got != n {
				t.Fatalf("Drain returned with %d of %d jobs run", got, n)
			}
			mu.Lock()
			if drained > byNode["node-1"] {
				t.Errorf("Drain counted %d runs, node-1 made %d", drained, byNode["node-1"])
			}
			mu.Unlock()
			time.Sleep(300 * time.Millisecond) // room for a duplicate run to show
			mu.Lock()
			defer mu.Unlock()
			if len(runs) != n {
				t.Fatalf("%d distinct jobs ran, want %d", len(runs), n)
			}
			for id, c := range runs {
				if c != 1 {
					t.Fatalf("job %d ran %d times", id, c)
				}
			}
			t.Logf("runs by node: %v", byNode)
		})
	}
}

type nodeArgs struct {
	I int `json:"i"`
}

func (nodeArgs) Kind() string { return "test_node" }

type slowArgs struct {
	Block bool `json:"block"`
}

func (slowArgs) Kind() string { return "test_slow" }

// TestStopWaitsForRunningJobsThenCancels: Stop lets a running job finish,
// and when its context ends first it cancels the job's context.
func TestStopWaitsForRunningJobsThenCancels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		started := make(chan bool, 2)
		finished := make(chan string, 2)
		q, err := jobs.New(d, nil, jobs.TestOptions())
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		jobs.AddWorker(q, river.WorkFunc(func(ctx context.Context, j *river.Job[slowArgs]) error {
			started <- j.Args.Block
			if j.Args.Block {
				<-ctx.Done()
				finished <- "cancelled"
				return ctx.Err()
			}
			time.Sleep(300 * time.Millisecond)
			finished <- "done"
			return nil
		}))
		for _, block := range []bool{false, true} {
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := q.Insert(ctx, slowArgs{Block: block}, nil); err != nil {
				t.Fatal(err)
			}
			select {
			case <-started:
			case <-time.After(20 * time.Second):
				t.Fatal("job did not start")
			}
			sctx, cancel := context.WithTimeout(ctx, time.Second)
			err := q.Stop(sctx)
			cancel()
			if block && err == nil {
				t.Fatal("Stop returned no error though a job outlived its context")
			}
			if !block && err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-finished:
				if want := map[bool]string{false: "done", true: "cancelled"}[block]; got != want {
					t.Fatalf("job ended %q, want %q", got, want)
				}
			default:
				t.Fatal("Stop returned before the running job ended")
			}
		}
	})
}
