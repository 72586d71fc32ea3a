package incident

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/jobs"
)

// EscalateArgs is the durable timer of one escalation step of an incident:
// page the level of step Step if the incident is still triggered at that
// step and generation (Gen is bumped when a reassignment restarts the
// escalation, voiding older timers).
type EscalateArgs struct {
	IncidentID int64 `json:"incident_id"`
	Step       int   `json:"step"`
	Gen        int   `json:"gen"`
}

// Kind is the River job kind.
func (EscalateArgs) Kind() string { return "incident.escalate" }

// RemindArgs is the timer of a status update due at Due: if the incident
// is open and its next update is still due then, the CMOC is reminded.
type RemindArgs struct {
	IncidentID int64     `json:"incident_id"`
	Due        time.Time `json:"due"`
}

// Kind is the River job kind.
func (RemindArgs) Kind() string { return "incident.remind" }

// DeliverArgs posts one chat webhook delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is the River job kind.
func (DeliverArgs) Kind() string { return "incident.deliver" }

type escalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	s *Store
}

func (w *escalateWorker) Work(ctx context.Context, j *river.Job[EscalateArgs]) error {
	return w.s.escalate(ctx, j.Args)
}

type remindWorker struct {
	river.WorkerDefaults[RemindArgs]
	s *Store
}

func (w *remindWorker) Work(ctx context.Context, j *river.Job[RemindArgs]) error {
	return w.s.remind(ctx, j.Args)
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Store
}

func (w *deliverWorker) Work(ctx context.Context, j *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, j.Args.DeliveryID)
}

// UseJobs registers the incident workers on q and makes the store schedule
// its timers there. Call it while wiring, before q starts.
func (s *Store) UseJobs(q *jobs.Queue) {
	s.jobs = q
	jobs.AddWorker(q, &escalateWorker{s: s})
	jobs.AddWorker(q, &remindWorker{s: s})
	jobs.AddWorker(q, &deliverWorker{s: s})
}

// schedule enqueues a job in tx, due at at (gathered until the commit, so a
// group commit inserts the jobs of all its writes at once). Without a queue
// (tools, tests of the rules) nothing is scheduled.
func (s *Store) schedule(tx *db.Tx, args river.JobArgs, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	return s.jobs.InsertAtCommit(tx, river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{ScheduledAt: at}})
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// maxDeliveryAttempts bounds the tries of one chat webhook delivery.
const maxDeliveryAttempts = 5

// deliver posts a chat webhook delivery. The row is claimed (pending ->
// sending) in its own transaction before the request, so two runs never
// both post it; a run that dies between the request and recording the
// answer leaves it "sending" (not sent twice; see the ADR).
func (s *Store) deliver(ctx context.Context, id int64) error {
	var body, url string
	var attempts int64
	claimed := false
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("ClaimDelivery"), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		claimed = true
		return tx.QueryRowContext(ctx, s.q.Get("GetDelivery"), id).Scan(&body, &url, &attempts)
	})
	if err != nil || !claimed {
		return err
	}
	sendErr := s.post(ctx, url, body)
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if sendErr == nil {
			_, err := tx.ExecContext(ctx, s.q.Get("FinishDelivery"), id, "sent", "", db.TS(tx.Now))
			return err
		}
		s.opt.Log.Warn("incident webhook failed", "delivery", id, "attempt", attempts, "err", sendErr)
		if _, err := tx.ExecContext(ctx, s.q.Get("FinishDelivery"), id, "failed", sendErr.Error(), nil); err != nil {
			return err
		}
		if attempts >= maxDeliveryAttempts {
			return nil
		}
		return s.schedule(tx, DeliverArgs{DeliveryID: id}, tx.Now.Add(time.Duration(attempts*attempts)*30*time.Second))
	})
}

func (s *Store) post(ctx context.Context, url, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Frontline incidents")
	resp, err := s.opt.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
