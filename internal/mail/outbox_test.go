package mail

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/mail/mailtest"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 5}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		eq(t, fmt.Sprintf("Backoff(%d)", i+1), p.Backoff(i+1), w)
	}
	eq(t, "attempt 0 treated as 1", p.Backoff(0), time.Minute)
	eq(t, "huge attempt does not overflow", p.Backoff(10_000), time.Hour)
	eq(t, "GiveUp(4)", p.GiveUp(4), false)
	eq(t, "GiveUp(5)", p.GiveUp(5), true)

	d := RetryPolicy{}
	eq(t, "defaults", []time.Duration{d.Backoff(1), d.Backoff(20)}, []time.Duration{time.Minute, 4 * time.Hour})
	eq(t, "default attempts", d.GiveUp(11), false)
	eq(t, "default attempts", d.GiveUp(12), true)
}

type fixedRand float64

func (f fixedRand) Float64() float64 { return float64(f) }

func TestBackoffJitter(t *testing.T) {
	p := RetryPolicy{Base: time.Minute, Max: time.Hour, Jitter: 0.5, Rand: fixedRand(0.5)}
	eq(t, "jitter 0.5*0.5 off 4m", p.Backoff(3), 3*time.Minute)
	p.Rand = fixedRand(0)
	eq(t, "no jitter at 0", p.Backoff(3), 4*time.Minute)
	p.Rand = fixedRand(7) // out of range sources are ignored
	eq(t, "bad rand", p.Backoff(3), 4*time.Minute)

	// With a real seeded source, every delay stays within [d*(1-J), d] and
	// is reproducible.
	seeded := func() RetryPolicy {
		return RetryPolicy{Base: time.Minute, Max: time.Hour, Jitter: 0.2, Rand: rand.New(rand.NewPCG(1, 2))}
	}
	a, b := seeded(), seeded()
	for attempt := 1; attempt <= 10; attempt++ {
		full := RetryPolicy{Base: time.Minute, Max: time.Hour}.Backoff(attempt)
		da, db := a.Backoff(attempt), b.Backoff(attempt)
		if da != db {
			t.Errorf("attempt %d not reproducible: %v vs %v", attempt, da, db)
		}
		if da > full || da < full-full/5 {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, da, full-full/5, full)
		}
	}
}

// fakeStore is an in-memory OutboxStore with leases, for Dispatcher tests.
type fakeStore struct {
	items     map[int64]*fakeRow
	claimErr  error
	markErr   error
	claims    []time.Time
	leaseTime time.Duration
}

type fakeRow struct {
	item      OutboxItem
	next      time.Time
	sentAt    time.Time
	failed    bool
	lastErr   string
	permanent bool
}

func newFakeStore(now time.Time, msgs ...Outbound) *fakeStore {
	s := &fakeStore{items: map[int64]*fakeRow{}, leaseTime: 5 * time.Minute}
	for i, m := range msgs {
		id := int64(i + 1)
		s.items[id] = &fakeRow{item: OutboxItem{ID: id, Message: m}, next: now}
	}
	return s
}

func (s *fakeStore) Claim(_ context.Context, now time.Time, limit int) ([]OutboxItem, error) {
	s.claims = append(s.claims, now)
	if s.claimErr != nil {
		return nil, s.claimErr
	}
	var ids []int64
	for id, r := range s.items {
		if r.sentAt.IsZero() && !r.failed && !r.next.After(now) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []OutboxItem
	for _, id := range ids {
		if len(out) == limit {
			break
		}
		r := s.items[id]
		r.next = now.Add(s.leaseTime) // lease
		out = append(out, r.item)
	}
	return out, nil
}

func (s *fakeStore) MarkSent(_ context.Context, id int64, now time.Time) error {
	if s.markErr != nil {
		return s.markErr
	}
	s.items[id].sentAt = now
	return nil
}

func (s *fakeStore) MarkFailed(_ context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error {
	if s.markErr != nil {
		return s.markErr
	}
	r := s.items[id]
	r.item.Attempts++
	r.lastErr = errText
	r.permanent = permanent
	r.failed = permanent
	if !permanent {
		r.next = next
	} else if !next.IsZero() {
		return errors.New("permanent failure with a next attempt time")
	}
	return nil
}

// scriptedSender returns queued results per recipient address.
type scriptedSender struct {
	script map[string][]error
	sent   []string
}

func (s *scriptedSender) Send(_ context.Context, m *Outbound) (SendResult, error) {
	to := m.To[0].Email
	if q := s.script[to]; len(q) > 0 {
		s.script[to] = q[1:]
		if q[0] != nil {
			return SendResult{}, q[0]
		}
	}
	s.sent = append(s.sent, to)
	return SendResult{Accepted: []string{to}}, nil
}

func msgTo(addr string) Outbound {
	return Outbound{From: Address{Email: "support@example.com"}, To: []Address{{Email: addr}}, Subject: "s", Text: "t"}
}

func TestDispatcherRunOnce(t *testing.T) {
	start := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	store := newFakeStore(start, msgTo("ok@x.example"), msgTo("temp@x.example"), msgTo("perm@x.example"), msgTo("net@x.example"))
	temp := &SendError{Permanent: false, Code: 451, Op: "DATA", Err: errors.New("451 try later")}
	perm := &SendError{Permanent: true, Code: 550, Op: "RCPT TO", Err: errors.New("550 no such user")}
	sender := &scriptedSender{script: map[string][]error{
		"temp@x.example": {temp, nil},
		"perm@x.example": {perm},
		"net@x.example":  {errors.New("connection reset by peer")}, // unknown errors are retried
	}}
	d := &Dispatcher{Store: store, Sender: sender, Clock: clk, Retry: RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 3}}

	st, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "stats", st, RunStats{Claimed: 4, Sent: 1, Retry: 2, Failed: 1})
	eq(t, "ok sent", store.items[1].sentAt, start)
	eq(t, "temp next", store.items[2].next, start.Add(time.Minute))
	eq(t, "temp attempts", store.items[2].item.Attempts, 1)
	contains(t, store.items[2].lastErr, "451")
	eq(t, "perm failed", store.items[3].failed, true)
	eq(t, "perm flag", store.items[3].permanent, true)
	contains(t, store.items[3].lastErr, "550")
	eq(t, "net retried", store.items[4].failed, false)

	// Nothing is due 30s later: the retries wait for their backoff.
	clk.Advance(30 * time.Second)
	st, err = d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "nothing due", st, RunStats{})

	// After the backoff the temporary one goes out; "net" fails again and
	// gets the doubled backoff.
	clk.Advance(time.Minute)
	sender.script["net@x.example"] = []error{errors.New("timeout")}
	st, err = d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "second run", st, RunStats{Claimed: 2, Sent: 1, Retry: 1})
	eq(t, "net next", store.items[4].next, clk.Now().Add(2*time.Minute))

	// Third failure reaches MaxAttempts: permanent.
	clk.Advance(2 * time.Minute)
	sender.script["net@x.example"] = []error{errors.New("timeout")}
	st, err = d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "third run", st, RunStats{Claimed: 1, Failed: 1})
	eq(t, "net gave up", store.items[4].failed, true)
	eq(t, "sent order", sender.sent, []string{"ok@x.example", "temp@x.example"})
}

func TestDispatcherBatchAndErrors(t *testing.T) {
	start := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	var msgs []Outbound
	for i := range 5 {
		msgs = append(msgs, msgTo(fmt.Sprintf("u%d@x.example", i)))
	}
	store := newFakeStore(start, msgs...)
	sender := &scriptedSender{script: map[string][]error{}}
	d := &Dispatcher{Store: store, Sender: sender, Clock: clk, BatchSize: 2}
	st, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "batch", st.Claimed, 2)

	store.claimErr = errors.New("db down")
	if _, err := d.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "db down") {
		t.Errorf("claim error not returned: %v", err)
	}
	store.claimErr = nil
	store.markErr = errors.New("write failed")
	st, err = d.RunOnce(context.Background())
	if err == nil {
		t.Error("mark error not returned")
	}
	eq(t, "items still processed", st.Sent, 2)

	// A cancelled context stops before sending anything.
	store.markErr = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := len(sender.sent)
	clk.Advance(time.Hour) // leases expired
	if _, err := d.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want canceled", err)
	}
	eq(t, "no sends after cancel", len(sender.sent), before)
}

// End to end: Dispatcher -> Sender -> real relay, with a relay outage.
func TestDispatcherWithRealRelay(t *testing.T) {
	r := mailtest.NewRelay(t)
	start := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	s := newTestSender(t, r, nil)
	m := *replyMessage()
	store := newFakeStore(start, m)
	d := &Dispatcher{Store: store, Sender: s, Clock: clk}

	r.FailData(421, "4.3.2 shutting down", 1)
	st, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "first", st, RunStats{Claimed: 1, Retry: 1})
	clk.Advance(DefaultRetryPolicy().Base)
	st, err = d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "second", st, RunStats{Claimed: 1, Sent: 1})
	eq(t, "relay", len(r.Messages()), 1)
	in, err := Parse(r.Messages()[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "same Message-ID on retry", in.MessageID, m.MessageID)
}
