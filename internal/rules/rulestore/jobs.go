package rulestore

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/jobs"
)

// AutomationsArgs is the periodic job that runs the automations.
type AutomationsArgs struct{}

// Kind is the River job kind.
func (AutomationsArgs) Kind() string { return "rules.automations" }

// DeliveryArgs is the job of one webhook delivery attempt, inserted in the
// transaction that enqueued the delivery (and again, scheduled at the next
// attempt, after a failure that will be retried).
type DeliveryArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is the River job kind.
func (DeliveryArgs) Kind() string { return "rules.webhook_delivery" }

// SweepArgs is the periodic job that sends any due delivery whose own job
// was lost (e.g. enqueued before jobs were configured).
type SweepArgs struct{}

// Kind is the River job kind.
func (SweepArgs) Kind() string { return "rules.webhook_sweep" }

type automationsWorker struct {
	river.WorkerDefaults[AutomationsArgs]
	s *Store
}

func (w *automationsWorker) Work(ctx context.Context, _ *river.Job[AutomationsArgs]) error {
	st, err := w.s.RunAutomations(ctx)
	if err == nil && st.Fired > 0 {
		w.s.log.Info("automations ran", "candidates", st.Candidates, "fired", st.Fired, "updated", st.Updated)
	}
	return err
}

// Timeout leaves room for a large candidate set.
func (w *automationsWorker) Timeout(*river.Job[AutomationsArgs]) time.Duration {
	return 30 * time.Minute
}

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	s *Store
}

// Work makes one attempt; the delivery row keeps the attempts and the
// schedule, so the job itself never fails for an endpoint's answer.
func (w *deliveryWorker) Work(ctx context.Context, j *river.Job[DeliveryArgs]) error {
	_, err := w.s.deliver(ctx, j.Args.DeliveryID)
	return err
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Store
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.s.DeliverWebhooks(ctx)
	return err
}

// UseJobs makes q run the automations every automationsEvery (and when q
// starts), deliver each webhook call as its own job, and sweep due
// deliveries every minute. Call it while wiring, before q starts.
func (s *Store) UseJobs(q *jobs.Queue, automationsEvery time.Duration) {
	if automationsEvery <= 0 {
		automationsEvery = time.Minute
	}
	s.jobs = q
	jobs.AddWorker(q, &automationsWorker{s: s})
	jobs.AddWorker(q, &deliveryWorker{s: s})
	jobs.AddWorker(q, &sweepWorker{s: s})
	q.AddPeriodic(automationsEvery, AutomationsArgs{}, true)
	q.AddPeriodic(time.Minute, SweepArgs{}, false)
}

// scheduleDelivery enqueues the job for a delivery attempt at `at`, in tx.
func (s *Store) scheduleDelivery(ctx context.Context, tx *db.Tx, id int64, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	return s.jobs.InsertTx(ctx, tx, DeliveryArgs{DeliveryID: id}, &river.InsertOpts{ScheduledAt: at})
}
