package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/frontline/frontline/internal/db"
)

// riverEngine is River over a driver whose transactions are TTx.
type riverEngine[TTx any] struct {
	q      *Queue
	driver riverdriver.Driver[TTx]
	schema string
	client *river.Client[TTx] // inserts, and works jobs once started
	// withTx runs fn with the River view of a Frontline transaction.
	withTx  func(tx *db.Tx, fn func(TTx) error) error
	closeFn func()
}

func newRiverEngine[TTx any](q *Queue, driver riverdriver.Driver[TTx], schema string, withTx func(*db.Tx, func(TTx) error) error, closeFn func()) (*riverEngine[TTx], error) {
	client, err := river.NewClient(driver, q.config(schema, false))
	if err != nil {
		return nil, err
	}
	return &riverEngine[TTx]{q: q, driver: driver, schema: schema, client: client, withTx: withTx, closeFn: closeFn}, nil
}

func (e *riverEngine[TTx]) insertTx(ctx context.Context, tx *db.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	return e.withTx(tx, func(rtx TTx) error {
		_, err := e.client.InsertTx(ctx, rtx, args, opts)
		return err
	})
}

func (e *riverEngine[TTx]) insertManyTx(ctx context.Context, tx *db.Tx, params []river.InsertManyParams) error {
	return e.withTx(tx, func(rtx TTx) error {
		_, err := e.client.InsertManyTx(ctx, rtx, params)
		return err
	})
}

func (e *riverEngine[TTx]) insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := e.client.Insert(ctx, args, opts)
	return err
}

func (e *riverEngine[TTx]) start(ctx context.Context) error { return e.client.Start(ctx) }

// stop waits for running jobs until ctx ends, then cancels their contexts
// and waits a few seconds more for them to return.
func (e *riverEngine[TTx]) stop(ctx context.Context) error {
	err := e.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return errors.Join(err, e.client.StopAndCancel(cctx))
}

func (e *riverEngine[TTx]) addPeriodic(p *river.PeriodicJob) { e.client.PeriodicJobs().Add(p) }

func (e *riverEngine[TTx]) close() {
	if e.closeFn != nil {
		e.closeFn()
	}
}

// drainRounds bounds the runs of one Drain, so jobs that keep enqueueing due
// jobs end in an error rather than a hang.
const drainRounds = 10000

func (e *riverEngine[TTx]) drain(ctx context.Context, running bool, now func() time.Time) (total int, err error) {
	worker := e.client
	if !running {
		// A short-lived client that polls fast, so Drain takes milliseconds.
		worker, err = river.NewClient(e.driver, e.q.config(e.schema, true))
		if err != nil {
			return 0, err
		}
	}
	// Every run ends in one of these events, sent after the job's new state
	// is stored.
	events, unsubscribe := worker.SubscribeConfig(&river.SubscribeConfig{ChanSize: 100_000, Kinds: []river.EventKind{
		river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled, river.EventKindJobSnoozed,
	}})
	defer unsubscribe()
	ran := map[int64]int{}  // runs seen, by job id
	seen := map[int64]int{} // runs owed by jobs seen available or running, by job id
	owed := 0
	var scheduledFor, scheduledAt time.Time
	// owe notes the jobs due at t as owed a run (once per run).
	owe := func(t time.Time) (int, error) {
		if !t.Equal(scheduledFor) || time.Since(scheduledAt) > 50*time.Millisecond {
			if err := e.schedule(ctx, t); err != nil {
				return 0, err
			}
			scheduledFor, scheduledAt = t, time.Now()
		}
		due, err := e.due(ctx, t)
		if err != nil {
			return 0, err
		}
		for _, j := range due {
			if seen[j.ID] <= ran[j.ID] {
				seen[j.ID] = ran[j.ID] + 1
				owed++
			}
		}
		return len(due), nil
	}
	// The jobs due before the worker starts are owed first: one that ran
	// and failed (retryable, so no longer due) before the first look
	// below would otherwise go unwaited for.
	if !running {
		if _, err := owe(now()); err != nil {
			return 0, err
		}
		if err := worker.Start(context.WithoutCancel(ctx)); err != nil {
			return 0, err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if serr := worker.Stop(sctx); serr != nil && err == nil {
				err = serr
			}
		}()
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for owed < drainRounds {
		// Collect the events already delivered.
	collect:
		for {
			select {
			case ev := <-events:
				ran[ev.Job.ID]++
				total++
			default:
				break collect
			}
		}
		// Make scheduled jobs and retries whose time has come available now
		// rather than at River's next scheduler pass (every few seconds).
		// (Again when the clock moved, and every 50ms for jobs snoozed to
		// a time already passed.)
		due, err := owe(now())
		if err != nil {
			return total, err
		}
		if due == 0 {
			// Every due job has run. The events of runs on this node follow
			// their stored state by a moment; runs on other nodes send none.
			var missing []int64
			for id, n := range seen {
				if ran[id] < n {
					missing = append(missing, id)
				}
			}
			here, err := e.ranHere(ctx, worker.ID(), missing)
			if err != nil {
				return total, err
			}
			if !here {
				return total, nil
			}
		}
		select {
		case <-ctx.Done():
			return total, errors.Join(ctx.Err(), fmt.Errorf("%d jobs still waiting to run", due))
		case <-tick.C:
		}
	}
	return total, fmt.Errorf("jobs were still due after %d runs (a job keeps enqueueing due jobs?)", drainRounds)
}

// ranHere reports whether any of ids was last attempted by the client id.
func (e *riverEngine[TTx]) ranHere(ctx context.Context, id string, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	res, err := e.client.JobList(ctx, river.NewJobListParams().IDs(ids...).First(len(ids)))
	if err != nil {
		return false, err
	}
	for _, j := range res.Jobs {
		if n := len(j.AttemptedBy); n > 0 && j.AttemptedBy[n-1] == id {
			return true, nil
		}
	}
	return false, nil
}

// schedule moves jobs in the scheduled and retryable states whose time is
// at or before now to the available state.
func (e *riverEngine[TTx]) schedule(ctx context.Context, now time.Time) error {
	exec := e.driver.GetExecutor()
	tx, err := exec.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for {
		res, err := tx.JobSchedule(ctx, &riverdriver.JobScheduleParams{Max: 1000, Now: &now, Schema: e.schema})
		if err != nil {
			return err
		}
		if len(res) < 1000 {
			break
		}
	}
	return tx.Commit(ctx)
}

// due lists the jobs that are running, or available and due at now. (River
// may mark a retry available while its backoff, on the injected clock, has
// not yet passed; such a job is not fetched before its time.)
func (e *riverEngine[TTx]) due(ctx context.Context, now time.Time) ([]*rivertype.JobRow, error) {
	p := river.NewJobListParams().Queues(river.QueueDefault).
		States(rivertype.JobStateAvailable, rivertype.JobStateRunning).First(10000)
	res, err := e.client.JobList(ctx, p)
	if err != nil {
		return nil, err
	}
	due := res.Jobs[:0]
	for _, j := range res.Jobs {
		if j.State == rivertype.JobStateRunning || !j.ScheduledAt.After(now) {
			due = append(due, j)
		}
	}
	return due, nil
}
