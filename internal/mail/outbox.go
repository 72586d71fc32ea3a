package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// RandSource supplies jitter; *math/rand/v2.Rand satisfies it. It is used
// from one goroutine at a time (the Dispatcher's RunOnce is sequential).
type RandSource interface {
	Float64() float64 // in [0, 1)
}

// RetryPolicy is the outbox retry schedule: exponential backoff from Base,
// capped at Max, shortened by up to Jitter (a fraction) using Rand. With a
// nil Rand the schedule is deterministic.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	Jitter      float64
	MaxAttempts int
	Rand        RandSource
}

// DefaultRetryPolicy retries for about 16 hours: 1m, 2m, 4m ... capped at
// 4h, 12 attempts in all, with 20% jitter when a Rand is set.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Base: time.Minute, Max: 4 * time.Hour, Jitter: 0.2, MaxAttempts: 12}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.Max < p.Base {
		p.Max = p.Base
	}
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.Jitter > 1 {
		p.Jitter = 1
	}
	return p
}

// Backoff returns the delay before the next try after attempt failed tries
// (attempt >= 1): Base * 2^(attempt-1), capped at Max, minus jitter.
func (p RetryPolicy) Backoff(attempt int) time.Duration {
	p = p.withDefaults()
	if attempt < 1 {
		attempt = 1
	}
	d := p.Base
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	if p.Rand != nil && p.Jitter > 0 {
		f := p.Rand.Float64()
		if f < 0 || f >= 1 {
			f = 0
		}
		d -= time.Duration(float64(d) * p.Jitter * f)
	}
	return d
}

// GiveUp reports whether no further try should follow attempt failed tries.
func (p RetryPolicy) GiveUp(attempt int) bool {
	return attempt >= p.withDefaults().MaxAttempts
}

// OutboxItem is a queued outbound email.
type OutboxItem struct {
	ID       int64
	Attempts int // failed tries so far
	Message  Outbound
}

// OutboxStore is the durable outbox. Claim must lease the items it returns
// (e.g. push their next_attempt_at forward by a few minutes in the same
// transaction) so that concurrent dispatchers do not send them twice and a
// crashed dispatcher's items come back. Items are due when next_attempt_at
// <= now and they are neither sent nor permanently failed.
type OutboxStore interface {
	Claim(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error)
	MarkSent(ctx context.Context, id int64, now time.Time) error
	// MarkFailed records a failed try: Attempts+1, the error text, and
	// either the next try time or, when permanent, a final failure
	// (nextAttemptAt is then zero).
	MarkFailed(ctx context.Context, id int64, now time.Time, errText string, nextAttemptAt time.Time, permanent bool) error
}

// MessageSender sends one message; *Sender implements it.
type MessageSender interface {
	Send(ctx context.Context, m *Outbound) (SendResult, error)
}

// Dispatcher moves due outbox items to the relay.
type Dispatcher struct {
	Store     OutboxStore
	Sender    MessageSender
	Clock     clock.Clock
	Retry     RetryPolicy  // zero value: DefaultRetryPolicy without jitter
	BatchSize int          // items per RunOnce; default 50
	Logger    *slog.Logger // default: discard
}

// RunStats summarises one RunOnce.
type RunStats struct {
	Claimed int
	Sent    int
	Retry   int // failed temporarily, scheduled again
	Failed  int // failed permanently or out of attempts
}

// RunOnce claims due items, sends them one by one and records each result.
// It returns the store errors (joined) after processing what it could; send
// failures are recorded, not returned. A MarkSent failure after a successful
// send lets the lease expire and the item be sent again with the same
// Message-ID, which mail clients deduplicate.
func (d *Dispatcher) RunOnce(ctx context.Context) (RunStats, error) {
	var st RunStats
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limit := d.BatchSize
	if limit <= 0 {
		limit = 50
	}
	items, err := d.Store.Claim(ctx, d.Clock.Now(), limit)
	if err != nil {
		return st, err
	}
	st.Claimed = len(items)
	var storeErrs []error
	for i := range items {
		if ctx.Err() != nil {
			// Unsent claimed items come back when their lease expires.
			storeErrs = append(storeErrs, ctx.Err())
			break
		}
		it := &items[i]
		res, sendErr := d.Sender.Send(ctx, &it.Message)
		now := d.Clock.Now()
		if sendErr == nil {
			for _, r := range res.Rejected {
				log.Warn("outbound recipient refused", "outbox_id", it.ID, "rcpt", r.Address, "code", r.Code, "msg", r.Message)
			}
			if err := d.Store.MarkSent(ctx, it.ID, now); err != nil {
				storeErrs = append(storeErrs, err)
			}
			st.Sent++
			continue
		}
		attempt := it.Attempts + 1
		permanent := IsPermanent(sendErr) || d.Retry.GiveUp(attempt)
		var next time.Time
		if permanent {
			st.Failed++
			log.Error("outbound mail failed permanently", "outbox_id", it.ID, "attempt", attempt, "err", sendErr)
		} else {
			next = now.Add(d.Retry.Backoff(attempt))
			st.Retry++
			log.Warn("outbound mail failed, will retry", "outbox_id", it.ID, "attempt", attempt, "next", next, "err", sendErr)
		}
		if err := d.Store.MarkFailed(ctx, it.ID, now, sendErr.Error(), next, permanent); err != nil {
			storeErrs = append(storeErrs, err)
		}
	}
	return st, errors.Join(storeErrs...)
}
