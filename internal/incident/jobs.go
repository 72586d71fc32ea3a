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

// EscalateArgs names one escalation step of an incident: page the level
// of step Step if the incident is still triggered at that step and
// generation (Gen is bumped when a reassignment restarts the escalation,
// voiding older steps). The wake-up job (WakeArgs) takes the due steps.
type EscalateArgs struct {
	IncidentID int64 `json:"incident_id"`
	Step       int   `json:"step"`
	Gen        int   `json:"gen"`
}

// WakeArgs is the job that takes every escalation step due by At and
// reminds of every status update overdue by then (incidents.next_step_at
// and next_update_due, through their indexes), whichever node scheduled
// them. Jobs are unique by At (rounded up to the second), so however many
// incidents share a moment, one job serves them; a periodic one (At zero:
// "now") sweeps up anything a lost job would have left.
type WakeArgs struct {
	At time.Time `json:"at"`
}

// Kind is the River job kind.
func (WakeArgs) Kind() string { return "incident.wake" }

type wakeWorker struct {
	river.WorkerDefaults[WakeArgs]
	s *Store
}

func (w *wakeWorker) Work(ctx context.Context, j *river.Job[WakeArgs]) error {
	if _, err := w.s.FireDue(ctx); err != nil {
		return err
	}
	if j.Args.At.IsZero() { // the periodic sweep: shift hand-overs (handover.go)
		_, err := w.s.Handover(ctx)
		return err
	}
	return nil
}

// Timeout leaves room for a storm of due steps.
func (w *wakeWorker) Timeout(*river.Job[WakeArgs]) time.Duration { return 10 * time.Minute }

// RemindArgs is a status update due at Due: if the incident is open and
// its next update is still due then, the CMOC is reminded (once).
type RemindArgs struct {
	IncidentID int64
	Due        time.Time
}

// DeliverArgs posts one chat webhook delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is the River job kind.
func (DeliverArgs) Kind() string { return "incident.deliver" }

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
	jobs.AddWorker(q, &wakeWorker{s: s})
	jobs.AddWorker(q, &deliverWorker{s: s})
	q.AddPeriodic(time.Minute, WakeArgs{}, true)
}

// wakeAt is the moment of the wake-up job that serves t: t rounded up to
// the second.
func wakeAt(t time.Time) time.Time {
	w := t.UTC().Truncate(time.Second)
	if w.Before(t) {
		w = w.Add(time.Second)
	}
	return w
}

// wake schedules the wake-up job of moment t in tx, unless a committed
// transaction of this node already scheduled that moment (remembered while
// it is ahead); another node's duplicate is absorbed by River's uniqueness.
func (s *Store) wake(tx *db.Tx, t time.Time) error {
	if s.jobs == nil {
		return nil
	}
	at := wakeAt(t)
	k := at.Unix()
	s.mu.Lock()
	ahead := s.ahead[k]
	s.mu.Unlock()
	if ahead {
		return nil
	}
	now := tx.Now.Unix()
	tx.AfterCommit(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.ahead == nil || len(s.ahead) > 10_000 {
			s.ahead = map[int64]bool{}
		}
		for m := range s.ahead {
			if m < now {
				delete(s.ahead, m)
			}
		}
		if k >= now {
			s.ahead[k] = true
		}
	})
	return s.jobs.InsertAtCommit(tx, river.InsertManyParams{Args: WakeArgs{At: at},
		InsertOpts: &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
}

// FireDue takes every escalation step due now and reminds of every status
// update overdue now; it returns how many it handled. Safe on several
// nodes at once: each step and reminder is a compare-and-set.
func (s *Store) FireDue(ctx context.Context) (int, error) {
	n := 0
	for {
		now := s.d.Clock.Now()
		var due []EscalateArgs
		rows, err := s.d.R.QueryContext(ctx, s.q.Get("DueSteps"), db.TS(now), 200)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			var a EscalateArgs
			var step, gen int64
			if err := rows.Scan(&a.IncidentID, &step, &gen); err != nil {
				rows.Close()
				return n, err
			}
			a.Step, a.Gen = int(step), int(gen)
			due = append(due, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		var reminders []RemindArgs
		rows, err = s.d.R.QueryContext(ctx, s.q.Get("DueUpdates"), db.TS(now), 200)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			var r RemindArgs
			if err := rows.Scan(&r.IncidentID, db.Time(&r.Due)); err != nil {
				rows.Close()
				return n, err
			}
			reminders = append(reminders, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		if len(due) == 0 && len(reminders) == 0 {
			return n, nil
		}
		progressed := false
		for _, a := range due {
			took, err := s.escalate(ctx, a)
			if err != nil {
				return n, err
			}
			progressed = progressed || took
			n++
		}
		for _, r := range reminders {
			if err := s.remind(ctx, r); err != nil {
				return n, err
			}
			n++
			progressed = true
		}
		if !progressed {
			return n, nil // another node holds them
		}
	}
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
