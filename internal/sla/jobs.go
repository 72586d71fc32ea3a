package sla

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/jobs"
)

// TimerArgs is the job of one SLA timer: look at TicketID again when
// Metric's breach (or warning) time has come. DueAt is part of the job's
// identity, so a changed due time schedules a new job and the old one, when
// it fires, finds nothing to record.
type TimerArgs struct {
	TicketID int64     `json:"ticket_id"`
	Metric   string    `json:"metric"`
	Type     string    `json:"type"` // "breach" or "warning"
	DueAt    time.Time `json:"due_at"`
}

// Kind is the River job kind.
func (TimerArgs) Kind() string { return "sla.timer" }

// jobTimers schedules timers as River jobs in the ticket's transaction.
type jobTimers struct{ q *jobs.Queue }

func (j jobTimers) Schedule(ctx context.Context, tx *db.Tx, ts []Timer) error {
	ps := make([]river.InsertManyParams, len(ts))
	for i, t := range ts {
		ps[i] = river.InsertManyParams{Args: TimerArgs{TicketID: t.TicketID, Metric: t.Metric, Type: t.Kind, DueAt: t.DueAt.UTC()},
			InsertOpts: &river.InsertOpts{ScheduledAt: t.At, UniqueOpts: river.UniqueOpts{ByArgs: true}}}
	}
	// Inserted just before the commit, with the timers of the other tickets
	// written in the same group commit.
	return j.q.InsertAtCommit(tx, ps...)
}

type timerWorker struct {
	river.WorkerDefaults[TimerArgs]
	s *Service
}

// Work re-evaluates the ticket: Check is idempotent, so a timer that fires
// late, twice, or after the due time moved records nothing twice.
func (w *timerWorker) Work(ctx context.Context, j *river.Job[TimerArgs]) error {
	return w.s.Check(ctx, j.Args.TicketID)
}

// SweepArgs is the periodic safety net: FireDue over the due-time indexes
// catches a timer whose job was lost (discarded after its retries).
type SweepArgs struct{}

// Kind is the River job kind.
func (SweepArgs) Kind() string { return "sla.sweep" }

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Service
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.s.FireDue(ctx, 500)
	return err
}

// SweepInterval is how often the sweep job runs (on one node).
const SweepInterval = 5 * time.Minute

// UseJobs makes q drive the service's timers: due times are scheduled as
// jobs inside the ticket's transaction, q's worker checks the ticket when
// one fires, and a periodic sweep fires anything overdue. Call while
// wiring, before q starts.
func (s *Service) UseJobs(q *jobs.Queue) {
	s.SetTimers(jobTimers{q: q})
	jobs.AddWorker(q, &timerWorker{s: s})
	jobs.AddWorker(q, &sweepWorker{s: s})
	q.AddPeriodic(SweepInterval, SweepArgs{}, false)
}
