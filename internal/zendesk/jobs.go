package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
)

// Bulk requests (tickets/create_many, update_many, destroy_many,
// users/create_many, ...) are answered with a job status at once and worked
// item by item by a durable River job; the status row records progress and
// each item's result, so a job retried after a crash continues where it
// stopped.

// JobStatus is Zendesk's job_status.
type JobStatus struct {
	ID        string            `json:"id"`
	JobType   string            `json:"job_type"`
	Status    string            `json:"status"` // queued, working, completed, failed
	Total     int               `json:"total"`
	Progress  int               `json:"progress"`
	Message   *string           `json:"message"`
	Results   []JobResult       `json:"results"`
	URL       string            `json:"url"`
	ActorID   int64             `json:"-"`
	ActorRole string            `json:"-"`
	Items     []json.RawMessage `json:"-"`
	CreatedAt time.Time         `json:"-"`
	UpdatedAt time.Time         `json:"-"`
}

// JobResult is one item's outcome.
type JobResult struct {
	Index      int    `json:"index"`
	ID         int64  `json:"id,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	Action     string `json:"action,omitempty"` // create, update, delete
	Status     string `json:"status,omitempty"` // Created, Updated, Deleted, Failed
	Success    bool   `json:"success"`
	Error      string `json:"error,omitempty"`
	Details    string `json:"details,omitempty"`
}

// Runner works one item of a job; it never fails the job: an item's error
// is its result.
type Runner func(ctx context.Context, job *JobStatus, index int, item json.RawMessage) JobResult

// BulkArgs is the River job of a bulk request.
type BulkArgs struct {
	JobID string `json:"job_id"`
}

// Kind names the job.
func (BulkArgs) Kind() string { return "zendesk.bulk" }

type bulkWorker struct {
	river.WorkerDefaults[BulkArgs]
	s *Store
}

func (w *bulkWorker) Work(ctx context.Context, j *river.Job[BulkArgs]) error {
	return w.s.RunJob(ctx, j.Args.JobID)
}

// Timeout lets a large bulk job run past the queue's default.
func (w *bulkWorker) Timeout(*river.Job[BulkArgs]) time.Duration { return 30 * time.Minute }

// UseJobs makes the store enqueue bulk jobs on q and work them with run;
// without a queue, Enqueue works the job before it returns.
func (s *Store) UseJobs(q *jobs.Queue, run Runner) {
	s.queue, s.run = q, run
	if q != nil {
		jobs.AddWorker(q, &bulkWorker{s: s})
	}
}

// SetRunner sets the item runner (the HTTP layer, wired after the queue).
func (s *Store) SetRunner(run Runner) { s.run = run }

// BatchRunner works a chunk of a job's items (from its index from) in one
// go, the bulk write path; it returns nil when the chunk must be worked
// item by item instead (a job type it does not batch, or an item failed,
// which rolled the whole chunk back).
type BatchRunner func(ctx context.Context, job *JobStatus, from int, items []json.RawMessage) []JobResult

// SetBatchRunner sets the chunk runner tried before the item runner.
func (s *Store) SetBatchRunner(run BatchRunner) { s.batch = run }

// MaxBulkItems bounds a bulk request, as Zendesk does.
const MaxBulkItems = 100

// Enqueue records a job of items and schedules its work.
func (s *Store) Enqueue(ctx context.Context, jobType string, actorID int64, actorRole string, items []json.RawMessage) (*JobStatus, error) {
	if len(items) == 0 {
		return nil, errs.Invalid(jobType, "give at least one item")
	}
	payload, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	id := newID()
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertJob"), id, jobType, len(items), actorID, actorRole, string(payload), tx.Now.UnixMicro()); err != nil {
			return err
		}
		if s.queue != nil {
			return s.queue.InsertTx(ctx, tx, BulkArgs{JobID: id}, nil)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.queue == nil {
		if err := s.RunJob(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Job(ctx, id)
}

func scanJob(r db.Scanner) (*JobStatus, error) {
	var j JobStatus
	var msg, payload, results string
	if err := r.Scan(&j.ID, &j.JobType, &j.Status, &j.Total, &j.Progress, &msg, &j.ActorID, &j.ActorRole, &payload, &results,
		db.Time(&j.CreatedAt), db.Time(&j.UpdatedAt)); err != nil {
		return nil, err
	}
	if msg != "" {
		j.Message = &msg
	}
	_ = json.Unmarshal([]byte(payload), &j.Items)
	if err := json.Unmarshal([]byte(results), &j.Results); err != nil || j.Results == nil {
		j.Results = []JobResult{}
	}
	return &j, nil
}

// Job returns a job status.
func (s *Store) Job(ctx context.Context, id string) (j *JobStatus, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		j, err = scanJob(tx.QueryRowContext(ctx, s.q.Get("GetJob"), id))
		return db.MapError(err, "job status")
	})
	return j, err
}

// Jobs lists the latest job statuses.
func (s *Store) Jobs(ctx context.Context) ([]JobStatus, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListJobs"), nil, scanJob)
}

func (s *Store) saveJob(ctx context.Context, j *JobStatus) error {
	results, _ := json.Marshal(j.Results)
	msg := ""
	if j.Message != nil {
		msg = *j.Message
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("UpdateJob"), j.ID, j.Status, j.Progress, msg, string(results), tx.Now.UnixMicro())
		return err
	})
}

// RunJob works a job's remaining items, saving progress every few items.
func (s *Store) RunJob(ctx context.Context, id string) error {
	j, err := s.Job(ctx, id)
	if err != nil {
		return err
	}
	if j.Status == "completed" || j.Status == "failed" {
		return nil
	}
	if s.run == nil {
		return fmt.Errorf("zendesk: no bulk runner")
	}
	j.Status = "working"
	j.Results = j.Results[:min(len(j.Results), j.Progress)]
	// Independent items (new tickets, deletions) run side by side, so that
	// their writes share commits (the database's group commit); the others
	// run in order, as an item may depend on the one before.
	workers := 1
	switch j.JobType {
	case "tickets/create_many", "tickets/destroy_many", "tickets/import_many", "deleted_tickets/destroy_many":
		workers = 50
	}
	const chunk = 50
	for from := j.Progress; from < len(j.Items); from += chunk {
		to := min(from+chunk, len(j.Items))
		if s.batch != nil {
			if res := s.batch(ctx, j, from, j.Items[from:to]); res != nil {
				for i := range res {
					res[i].Index = from + i
				}
				j.Results = append(j.Results, res...)
				j.Progress = to
				if j.Progress < j.Total {
					if err := s.saveJob(ctx, j); err != nil {
						return err
					}
				}
				continue
			}
		}
		res := make([]JobResult, to-from)
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(workers, to-from) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					r := s.run(ctx, j, i, j.Items[i])
					r.Index = i
					res[i-from] = r
				}
			}()
		}
		for i := from; i < to; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		j.Results = append(j.Results, res...)
		j.Progress = to
		if j.Progress < j.Total {
			if err := s.saveJob(ctx, j); err != nil {
				return err
			}
		}
	}
	j.Status = "completed"
	msg := fmt.Sprintf("Completed at %s", s.d.Clock.Now().UTC().Format(time.RFC3339))
	j.Message = &msg
	return s.saveJob(ctx, j)
}
