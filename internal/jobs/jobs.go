// Package jobs is Frontline's one background-job layer: durable jobs on River
// (riverqueue/river v0.49.0) over the application database, on both engines.
// Jobs are enqueued inside the transaction that causes them (InsertTx), are
// due at their scheduled time on the injected clock, are retried with backoff
// and run once across all nodes sharing a PostgreSQL database.
//
// Domain packages define a job as a River args type and a worker:
//
//	type BreachArgs struct{ TicketID int64 }
//	func (BreachArgs) Kind() string { return "sla.breach" }
//	type breachWorker struct{ river.WorkerDefaults[BreachArgs] }
//	func (w *breachWorker) Work(ctx context.Context, j *river.Job[BreachArgs]) error { ... }
//
//	jobs.AddWorker(q, &breachWorker{})                       // before Start
//	q.InsertTx(ctx, tx, BreachArgs{TicketID: id}, &river.InsertOpts{ScheduledAt: due})
//
// See docs/adr/0003-jobs.md.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
)

// Options tune a Queue. The zero value suits production.
type Options struct {
	// MaxWorkers bounds how many jobs this node works at once (default 10).
	MaxWorkers int
	// MaxAttempts is how often a job is tried before it is discarded, unless
	// its InsertOpts say otherwise (default 25, River's default).
	MaxAttempts int
	// FetchPollInterval is how often an idle node looks for due jobs
	// (default 1s). On PostgreSQL new jobs also wake nodes at once through
	// LISTEN/NOTIFY; on SQLite polling is the only trigger.
	FetchPollInterval time.Duration
	// FetchCooldown is the least time between two fetches (default 100ms).
	FetchCooldown time.Duration
	// JobTimeout bounds one run of a job (default 1 minute).
	JobTimeout time.Duration
	// ID names this node in River's tables (default: generated from host and time).
	ID string
}

// TestOptions returns Options with fast polling, for tests that Start a
// Queue and wait for it (Drain is fast regardless).
func TestOptions() Options {
	return Options{FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond}
}

// Queue enqueues and works jobs. Build it with New, register workers with
// AddWorker, then Start it (or call Drain in tests).
type Queue struct {
	d       *db.DB
	log     *slog.Logger
	opts    Options
	workers *river.Workers
	eng     engine

	mu      sync.Mutex // serialises Start, Stop and Drain
	started bool
}

// engine is River bound to one database engine (its client type depends on
// the driver's transaction type: *sql.Tx on SQLite, pgx.Tx on PostgreSQL).
type engine interface {
	insertTx(ctx context.Context, tx *db.Tx, args river.JobArgs, opts *river.InsertOpts) error
	insertManyTx(ctx context.Context, tx *db.Tx, params []river.InsertManyParams) error
	insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	// drain runs the due jobs once with a short-lived fast-polling client
	// (running=false) or waits for the started one (running=true).
	drain(ctx context.Context, running bool, now func() time.Time) (int, error)
	addPeriodic(p *river.PeriodicJob)
	close()
}

// New builds a Queue over d and applies River's migrations (idempotent, safe
// with several nodes starting at once). It does not start working jobs.
func New(d *db.DB, log *slog.Logger, opts Options) (*Queue, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxWorkers <= 0 {
		opts.MaxWorkers = 10
	}
	q := &Queue{d: d, log: log.With("component", "jobs"), opts: opts, workers: river.NewWorkers()}
	var err error
	switch d.Dialect {
	case db.SQLite:
		q.eng, err = newSQLiteEngine(q)
	case db.Postgres:
		q.eng, err = newPostgresEngine(q)
	default:
		err = fmt.Errorf("unknown database dialect %q", d.Dialect)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// Closing the database stops the queue (if a caller forgot) and releases
	// River's own connections (PostgreSQL) first.
	d.OnClose(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			q.log.Warn("stop job queue", "err", err)
		}
		q.Close()
	})
	return q, nil
}

// AddWorker registers the worker for one job kind. Call it before Start; a
// kind may be registered once. Inserting a kind with no worker is an error.
func AddWorker[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
}

// AddPeriodic enqueues args every interval (on the elected leader node only,
// so once per interval across nodes), and once when the Queue starts if
// runOnStart. Call it before Start; the kind needs a worker. A periodic job
// is unique while it waits or runs, so missed intervals (a node that was
// down, a test clock moved ahead) add one run, not a pile.
func (q *Queue) AddPeriodic(interval time.Duration, args river.JobArgs, runOnStart bool) {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
	q.eng.addPeriodic(river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, opts },
		&river.PeriodicJobOpts{RunOnStart: runOnStart}))
}

// InsertTx enqueues a job inside tx: the job exists exactly when tx commits.
// With UniqueOpts in opts, a duplicate of a live job is silently skipped.
func (q *Queue) InsertTx(ctx context.Context, tx *db.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if err := checkQueue(args, opts); err != nil {
		return err
	}
	if err := q.eng.insertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// InsertManyTx enqueues several jobs inside tx with one statement (one
// round trip instead of one per job); otherwise it is InsertTx.
func (q *Queue) InsertManyTx(ctx context.Context, tx *db.Tx, params []river.InsertManyParams) error {
	switch len(params) {
	case 0:
		return nil
	case 1:
		return q.InsertTx(ctx, tx, params[0].Args, params[0].InsertOpts)
	}
	for _, p := range params {
		if err := checkQueue(p.Args, p.InsertOpts); err != nil {
			return err
		}
	}
	if err := q.eng.insertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: insert %d jobs (%s, ...): %w", len(params), params[0].Args.Kind(), err)
	}
	return nil
}

// InsertAtCommit enqueues jobs in tx like InsertManyTx, but gathers them
// until just before the commit (db.Tx.Defer): the jobs of every call in a
// SQLite group-commit batch go in with one statement. Jobs that are the same
// (kind, arguments, time and options) are inserted once.
func (q *Queue) InsertAtCommit(tx *db.Tx, params ...river.InsertManyParams) error {
	items := make([]any, len(params))
	for i, p := range params {
		if err := checkQueue(p.Args, p.InsertOpts); err != nil {
			return err
		}
		items[i] = p
	}
	tx.Defer(q, q.insertGathered, items...)
	return nil
}

func (q *Queue) insertGathered(ctx context.Context, tx *db.Tx, items []any) error {
	seen := make(map[string]bool, len(items))
	ps := make([]river.InsertManyParams, 0, len(items))
	for _, it := range items {
		p := it.(river.InsertManyParams)
		key, err := json.Marshal([]any{p.Args.Kind(), p.Args, p.InsertOpts})
		if err != nil {
			return fmt.Errorf("jobs: insert %s: %w", p.Args.Kind(), err)
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		ps = append(ps, p)
	}
	return q.InsertManyTx(ctx, tx, ps)
}

// Insert enqueues a job in its own transaction.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if err := checkQueue(args, opts); err != nil {
		return err
	}
	if err := q.eng.insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// checkQueue refuses River queues other than the default one: Frontline's
// nodes work only that queue, so a job elsewhere would never run.
func checkQueue(args river.JobArgs, opts *river.InsertOpts) error {
	if opts != nil && opts.Queue != "" && opts.Queue != river.QueueDefault {
		return fmt.Errorf("jobs: insert %s: queue %q is not worked (use the default queue)", args.Kind(), opts.Queue)
	}
	return nil
}

// Start begins working jobs in the background until Stop. The context only
// bounds starting up: cancelling it later does not stop the Queue.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("jobs: queue already started")
	}
	if err := q.eng.start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started = true
	return nil
}

// Stop stops fetching new jobs and waits for running ones to finish, or for
// ctx to end (then running jobs are cancelled).
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.started {
		return nil
	}
	q.started = false
	if err := q.eng.stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Close releases what New opened (PostgreSQL: River's own connection pool).
// Stop the Queue first. Closing the db.DB does both.
func (q *Queue) Close() {
	q.eng.close()
}

// Drain runs every job that is due at the clock's now (including retries
// whose backoff has passed), waits until each has run once, repeats for jobs
// those runs made due, and returns how many runs there were. For tests and
// tools; it works whether or not the Queue is started. When other nodes work
// the same database, Drain also waits for the due jobs they run but counts
// only the runs on this node.
func (q *Queue) Drain(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n, err := q.eng.drain(ctx, q.started, q.d.Clock.Now)
	if err != nil {
		return n, fmt.Errorf("jobs: drain: %w", err)
	}
	return n, nil
}

// riverTime gives River the injected clock, so job due times, attempts,
// retries and completion times all follow it (a fake clock in tests).
type riverTime struct{ c clock.Clock }

func (t riverTime) Now() time.Time { return t.c.Now() }
func (t riverTime) NowOrNil() *time.Time {
	n := t.c.Now()
	return &n
}

// forever stands for "never" in River durations that it measures against the
// wall clock rather than the injected one.
const forever = 100 * 365 * 24 * time.Hour

// config is the River configuration for this Queue; fast is for the
// short-lived client Drain uses.
func (q *Queue) config(schema string, fast bool) *river.Config {
	c := &river.Config{
		FetchCooldown:     q.opts.FetchCooldown,
		FetchPollInterval: q.opts.FetchPollInterval,
		ID:                q.opts.ID,
		JobTimeout:        q.opts.JobTimeout,
		Logger:            q.log,
		MaxAttempts:       q.opts.MaxAttempts,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: q.opts.MaxWorkers}},
		Schema:            schema,
		Workers:           q.workers,
		Test:              river.TestConfig{Time: riverTime{q.d.Clock}},
	}
	if fast {
		c.FetchCooldown, c.FetchPollInterval = time.Millisecond, 10*time.Millisecond
		if c.ID != "" {
			c.ID += "-drain"
		}
	}
	if _, wall := q.d.Clock.(clock.Real); !wall {
		// River v0.49 measures the stuck-job horizon and the retention of
		// finished jobs against the wall clock. Under an injected clock far
		// from it (tests) running jobs would look stuck and finished ones
		// expired, so both are turned off there.
		c.RescueStuckJobsAfter = forever
		c.CompletedJobRetentionPeriod = -1
		c.CancelledJobRetentionPeriod = -1
		c.DiscardedJobRetentionPeriod = -1
	}
	return c
}
