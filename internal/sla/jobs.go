package sla

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/jobs"
)

// TimerArgs is the job of one SLA timer of one ticket, as scheduled before
// wake-up jobs (WakeArgs) served all tickets: look at TicketID again when
// Metric's breach (or warning) time has come. Jobs of this kind left in a
// database are still worked.
type TimerArgs struct {
	TicketID int64     `json:"ticket_id"`
	Metric   string    `json:"metric"`
	Type     string    `json:"type"` // "breach" or "warning"
	DueAt    time.Time `json:"due_at"`
}

// Kind is the River job kind.
func (TimerArgs) Kind() string { return "sla.timer" }

// WakeArgs is the job that fires the SLA timers due at At: it checks every
// ticket whose warning or breach time has come (FireDue, through the
// due-time indexes), whichever ticket and node scheduled them. Jobs are
// unique by At, so however many tickets share a moment (At is rounded up to
// the second), one job serves them all.
type WakeArgs struct {
	At time.Time `json:"at"`
}

// Kind is the River job kind.
func (WakeArgs) Kind() string { return "sla.wake" }

// jobTimers schedules timers as wake-up jobs in the ticket's transaction.
// It remembers the moments it has scheduled (in transactions that
// committed) while they are ahead, and schedules each once: under load,
// hundreds of tickets a second share a moment, and all but the first cost
// no insert. Another node scheduling the same moment inserts nothing
// either (the job is unique by its moment).
type jobTimers struct {
	q *jobs.Queue

	mu     sync.Mutex
	ahead  map[int64]bool // unix seconds of committed wake-ups not yet due
	pruned int64          // when moments now due were last dropped from ahead
}

const (
	// maxAhead bounds the moments a node remembers (a few MB): past it, new
	// moments are still scheduled, but each later ticket sharing one costs
	// an insert that River's uniqueness turns into nothing.
	maxAhead = 50_000
	// pruneEvery is how often (in seconds of transaction time) moments now
	// due are dropped, so that a busy node does not walk the map per ticket.
	pruneEvery = 60
)

// wakeAt is the moment of the wake-up job that fires t: its time rounded
// up to the second.
func wakeAt(t time.Time) time.Time {
	w := t.UTC().Truncate(time.Second)
	if w.Before(t) {
		w = w.Add(time.Second)
	}
	return w
}

func (j *jobTimers) Schedule(ctx context.Context, tx *db.Tx, ts []Timer) error {
	var ps []river.InsertManyParams
	var add []int64
	j.mu.Lock()
	for _, t := range ts {
		at := wakeAt(t.At)
		k := at.Unix()
		if j.ahead[k] || slices.Contains(add, k) {
			continue
		}
		add = append(add, k)
		ps = append(ps, river.InsertManyParams{Args: WakeArgs{At: at},
			InsertOpts: &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
	}
	j.mu.Unlock()
	if len(ps) == 0 {
		return nil
	}
	now := tx.Now.Unix()
	tx.AfterCommit(func() { j.remember(now, add) })
	// Inserted just before the commit, with the wake-ups of the other
	// tickets written in the same group commit.
	return j.q.InsertAtCommit(tx, ps...)
}

// remember notes the moments (unix seconds) of wake-ups a transaction at
// now committed, and drops the moments now due, at most every pruneEvery
// seconds or when the map is full.
func (j *jobTimers) remember(now int64, add []int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if now-j.pruned >= pruneEvery || len(j.ahead)+len(add) > maxAhead {
		j.pruned = now
		for k := range j.ahead {
			if k <= now {
				delete(j.ahead, k) // due: its job runs (or has run)
			}
		}
	}
	for _, k := range add {
		if k > now && len(j.ahead) < maxAhead {
			j.ahead[k] = true
		}
	}
}

type wakeWorker struct {
	river.WorkerDefaults[WakeArgs]
	s *Service
}

// Work fires what is due, in rounds of fireBatch tickets while rounds come
// back full (a moment many tickets share), at most maxWakeRounds rounds;
// the periodic sweep takes any rest.
func (w *wakeWorker) Work(ctx context.Context, _ *river.Job[WakeArgs]) error {
	for range maxWakeRounds {
		n, err := w.s.FireDue(ctx, fireBatch)
		if err != nil || n < fireBatch {
			return err
		}
	}
	return nil
}

const (
	fireBatch     = 500
	maxWakeRounds = 20
)

// timerWorker works the per-ticket timer jobs (TimerArgs) that databases
// written before wake-up jobs still hold.
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
	_, err := w.s.FireDue(ctx, fireBatch)
	return err
}

// SweepInterval is how often the sweep job runs (on one node).
const SweepInterval = 5 * time.Minute

// UseJobs makes q drive the service's timers: due times are scheduled as
// wake-up jobs inside the ticket's transaction (one per moment, shared by
// all tickets due then), q's worker fires what is due when one runs, and a
// periodic sweep fires anything overdue. Call while wiring, before q
// starts.
func (s *Service) UseJobs(q *jobs.Queue) {
	s.SetTimers(&jobTimers{q: q, ahead: map[int64]bool{}})
	jobs.AddWorker(q, &wakeWorker{s: s})
	jobs.AddWorker(q, &timerWorker{s: s})
	jobs.AddWorker(q, &sweepWorker{s: s})
	q.AddPeriodic(SweepInterval, SweepArgs{}, false)
}
