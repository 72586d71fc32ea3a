package mail

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// countingRate records which senders were counted.
type countingRate struct {
	allow bool
	keys  []string
}

func (c *countingRate) Allow(k string) bool {
	c.keys = append(c.keys, k)
	return c.allow
}

func TestDecideFixtures(t *testing.T) {
	own := []string{"support@example.com", "billing@example.com"}
	cases := []struct {
		fixture string
		want    Verdict
		reason  string
		counted bool
	}{
		{"plain.eml", Accept, "ok", true},
		{"gmail_reply.eml", Accept, "ok", true},
		{"out_of_office.eml", AcceptNoAutoReply, "Auto-Submitted: auto-replied", false},
		{"newsletter.eml", AcceptNoAutoReply, "bulk", false},
		{"bounce.eml", Drop, "delivery status notification", false},
		{"forwarded.eml", Accept, "ok", true},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			rc := &countingRate{allow: true}
			d := Decide(parseFixture(t, c.fixture), rc, own...)
			eq(t, "verdict", d.Verdict.String(), c.want.String())
			contains(t, d.Reason, c.reason)
			eq(t, "counted", len(rc.keys) == 1, c.counted)
		})
	}
}

func TestDecideRules(t *testing.T) {
	own := []string{"Support@Example.com"}
	base := func() *Inbound {
		return &Inbound{MessageID: "m@customer.example", From: Address{Email: "alice@customer.example"}, Headers: map[string][]string{}}
	}
	cases := []struct {
		name   string
		mod    func(*Inbound)
		rate   bool
		want   Verdict
		reason string
	}{
		{"plain accept", func(*Inbound) {}, true, Accept, "ok"},
		{"our outbound came back", func(in *Inbound) { in.MessageID = OutboundMessageID(5, 6, "example.com") }, true, Drop, "our own outbound"},
		{"from our mailbox", func(in *Inbound) { in.From.Email = "support@example.com" }, true, Drop, "own mailbox"},
		{"from our plus address", func(in *Inbound) { in.From.Email = "support+id9@example.com" }, true, Drop, "own mailbox"},
		{"bounce", func(in *Inbound) { in.IsBounce = true }, true, Drop, "delivery status"},
		{"auto-submitted", func(in *Inbound) { in.AutoSubmitted = true }, true, AcceptNoAutoReply, "auto-submitted"},
		{"bulk", func(in *Inbound) { in.IsBulk = true }, true, AcceptNoAutoReply, "bulk"},
		{"suppressed", func(in *Inbound) { in.AutoReplySuppressed = true }, true, AcceptNoAutoReply, "X-Auto-Response-Suppress"},
		{"no sender", func(in *Inbound) { in.From = Address{Name: "Unknown"} }, true, AcceptNoAutoReply, "no valid sender"},
		{"noreply sender", func(in *Inbound) { in.From.Email = "no-reply@shop.example" }, true, AcceptNoAutoReply, "no-reply"},
		{"do_not_reply sender", func(in *Inbound) { in.From.Email = "do_not_reply@shop.example" }, true, AcceptNoAutoReply, "no-reply"},
		{"rate limited", func(*Inbound) {}, false, AcceptNoAutoReply, "rate limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.mod(in)
			d := Decide(in, &countingRate{allow: c.rate}, own...)
			eq(t, "verdict", d.Verdict.String(), c.want.String())
			contains(t, d.Reason, c.reason)
		})
	}
	eq(t, "nil message", Decide(nil, nil).Verdict, Drop)
	eq(t, "nil rate counter", Decide(base(), nil).Verdict, Accept)
}

func TestRateLimiter(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC))
	l := NewRateLimiter(c, 3, time.Hour)
	for i := range 3 {
		if !l.Allow("Alice@Example.com") {
			t.Fatalf("event %d refused", i+1)
		}
		c.Advance(10 * time.Minute)
	}
	if l.Allow("alice@example.com") {
		t.Fatal("4th event within the hour allowed (keys must be case-insensitive)")
	}
	eq(t, "remaining", l.Remaining("alice@example.com"), 0)
	if !l.Allow("bob@example.com") {
		t.Fatal("other sender limited")
	}
	// First event was at 10:00; at 11:00:01 it left the window.
	c.Set(time.Date(2025, 1, 6, 11, 0, 1, 0, time.UTC))
	eq(t, "remaining after window", l.Remaining("alice@example.com"), 1)
	if !l.Allow("alice@example.com") {
		t.Fatal("event after the window refused")
	}
	if l.Allow("alice@example.com") {
		t.Fatal("refused events must not be counted, but allowed ones must")
	}

	d := NewRateLimiter(c, 0, 0)
	eq(t, "default limit", d.Remaining("x"), DefaultAutoReplyLimit)
}

func TestRateLimiterSweepAndConcurrency(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC))
	l := NewRateLimiter(c, 10, time.Minute)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				l.Allow(strings.Repeat("k", g+1) + string(rune('a'+i%26)))
			}
		})
	}
	wg.Wait()
	c.Advance(2 * time.Minute)
	for range 1024 {
		l.Allow("late@example.com")
	}
	l.mu.Lock()
	n := len(l.hits)
	l.mu.Unlock()
	if n != 1 {
		t.Errorf("stale keys not swept: %d keys left", n)
	}
}
