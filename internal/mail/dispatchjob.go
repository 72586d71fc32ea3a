package mail

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/jobs"
)

// DispatchArgs is the job that sends the outbox's due messages. One is
// inserted in the transaction of every queued message and, for a failed
// try, at the time of its retry; a periodic one picks up items whose lease
// expired because a dispatching node died.
type DispatchArgs struct{}

// Kind implements river.JobArgs.
func (DispatchArgs) Kind() string { return "mail.outbox_dispatch" }

type dispatchWorker struct {
	river.WorkerDefaults[DispatchArgs]
	d *Dispatcher
}

func (w *dispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchArgs]) error {
	batch := w.d.BatchSize
	if batch <= 0 {
		batch = 50
	}
	for {
		st, err := w.d.RunOnce(ctx)
		if err != nil || st.Claimed < batch {
			return err
		}
	}
}

// Timeout lets one run send a large batch through a slow relay.
func (w *dispatchWorker) Timeout(*river.Job[DispatchArgs]) time.Duration { return 10 * time.Minute }

// UseJobs makes q run the outbox through d (call it before q starts).
// sweep is how often expired leases are looked for (default 5 minutes).
func (s *Store) UseJobs(q *jobs.Queue, d *Dispatcher, sweep time.Duration) {
	if sweep <= 0 {
		sweep = 5 * time.Minute
	}
	jobs.AddWorker(q, &dispatchWorker{d: d})
	q.AddPeriodic(sweep, DispatchArgs{}, true)
	s.jobs = q
}

// scheduleDispatch inserts a dispatch job due at `at` inside tx.
func (s *Store) scheduleDispatch(ctx context.Context, tx *db.Tx, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	var opts *river.InsertOpts
	if at.After(tx.Now) {
		opts = &river.InsertOpts{ScheduledAt: at}
	}
	return s.jobs.InsertTx(ctx, tx, DispatchArgs{}, opts)
}
