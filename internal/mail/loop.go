package mail

import (
	"strings"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// Verdict is what to do with an inbound message.
type Verdict int

const (
	// Accept stores the message; automatic replies may be sent.
	Accept Verdict = iota
	// AcceptNoAutoReply stores the message but no automatic notification
	// (acknowledgement, trigger email) may be sent in response.
	AcceptNoAutoReply
	// Drop discards the message (accept it at SMTP level, store nothing
	// on a ticket) because it is a loop or a delivery report.
	Drop
)

func (v Verdict) String() string {
	switch v {
	case Accept:
		return "accept"
	case AcceptNoAutoReply:
		return "accept-no-auto-reply"
	case Drop:
		return "drop"
	}
	return "unknown"
}

// Decision is the verdict on an inbound message with a human-readable reason.
type Decision struct {
	Verdict Verdict
	Reason  string
}

// RateCounter limits automatic replies per sender. Allow records an
// automatic reply to key and reports whether it is within the limit.
type RateCounter interface {
	Allow(key string) bool
}

// Decide applies the loop protection rules to in. ownAddresses are our
// mailbox addresses (plus-address variants are recognised). rate may be nil
// to disable rate limiting; it is consulted only when everything else would
// allow an automatic reply, and then counts one reply for the sender.
//
// Rules, first match wins:
//   - our own outbound Message-ID came back: Drop
//   - sent from one of our mailboxes: Drop
//   - delivery status notification / mailer-daemon: Drop (see in.Bounce)
//   - auto-submitted, bulk/list, auto-reply suppression requested, no valid
//     sender, no-reply sender: AcceptNoAutoReply
//   - sender over the auto-reply rate: AcceptNoAutoReply
//   - otherwise Accept
func Decide(in *Inbound, rate RateCounter, ownAddresses ...string) Decision {
	if in == nil {
		return Decision{Drop, "no message"}
	}
	if _, _, ok := ParseOutboundMessageID(in.MessageID); ok {
		return Decision{Drop, "our own outbound message came back (Message-ID " + in.MessageID + ")"}
	}
	from := BaseAddress(in.From.Email)
	for _, own := range ownAddresses {
		if from != "" && from == BaseAddress(own) {
			return Decision{Drop, "sent from our own mailbox " + in.From.Email + " (loop)"}
		}
	}
	if in.IsBounce {
		return Decision{Drop, "delivery status notification from " + orUnknown(in.From.Email)}
	}
	if in.AutoSubmitted {
		reason := "auto-submitted message"
		if v := in.Header("Auto-Submitted"); v != "" {
			reason += " (Auto-Submitted: " + v + ")"
		}
		return Decision{AcceptNoAutoReply, reason}
	}
	if in.IsBulk {
		return Decision{AcceptNoAutoReply, "bulk or mailing-list message"}
	}
	if in.AutoReplySuppressed {
		return Decision{AcceptNoAutoReply, "sender suppresses auto-replies (X-Auto-Response-Suppress)"}
	}
	if from == "" || !strings.Contains(from, "@") {
		return Decision{AcceptNoAutoReply, "no valid sender address"}
	}
	if isNoReply(from) {
		return Decision{AcceptNoAutoReply, "no-reply sender " + from}
	}
	if rate != nil && !rate.Allow(from) {
		return Decision{AcceptNoAutoReply, "auto-reply rate limit reached for " + from}
	}
	return Decision{Accept, "ok"}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown sender"
	}
	return s
}

func isNoReply(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	local = strings.NewReplacer("-", "", "_", "", ".", "").Replace(local)
	switch local {
	case "noreply", "donotreply", "mailerdaemon", "postmaster", "bounce", "bounces":
		return true
	}
	return strings.HasPrefix(local, "noreply") || strings.HasPrefix(local, "donotreply") || strings.HasPrefix(local, "bounce")
}

// RateLimiter is an in-memory sliding-window RateCounter: at most Limit
// automatic replies per key within Window. It is safe for concurrent use.
// Multi-instance deployments need a shared (store-backed) RateCounter.
type RateLimiter struct {
	clock  clock.Clock
	limit  int
	window time.Duration

	mu    sync.Mutex
	hits  map[string][]time.Time
	calls int
}

// Default auto-reply rate: 10 per sender per hour.
const (
	DefaultAutoReplyLimit  = 10
	DefaultAutoReplyWindow = time.Hour
)

// NewRateLimiter returns a limiter allowing limit events per key per window.
// Non-positive values take the defaults (10 per hour).
func NewRateLimiter(c clock.Clock, limit int, window time.Duration) *RateLimiter {
	if limit <= 0 {
		limit = DefaultAutoReplyLimit
	}
	if window <= 0 {
		window = DefaultAutoReplyWindow
	}
	return &RateLimiter{clock: c, limit: limit, window: window, hits: map[string][]time.Time{}}
}

// Allow records an event for key (case-insensitive) and reports whether it
// is within the limit. Refused events are not recorded.
func (l *RateLimiter) Allow(key string) bool {
	key = strings.ToLower(strings.TrimSpace(key))
	now := l.clock.Now()
	cutoff := now.Add(-l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%1024 == 0 {
		l.sweep(cutoff)
	}
	h := pruneBefore(l.hits[key], cutoff)
	if len(h) >= l.limit {
		l.hits[key] = h
		return false
	}
	l.hits[key] = append(h, now)
	return true
}

// Remaining reports how many more events key may have now.
func (l *RateLimiter) Remaining(key string) int {
	key = strings.ToLower(strings.TrimSpace(key))
	cutoff := l.clock.Now().Add(-l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit - len(pruneBefore(l.hits[key], cutoff))
}

// sweep forgets keys without recent events so memory stays bounded.
func (l *RateLimiter) sweep(cutoff time.Time) {
	for k, h := range l.hits {
		if h = pruneBefore(h, cutoff); len(h) == 0 {
			delete(l.hits, k)
		} else {
			l.hits[k] = h
		}
	}
}

func pruneBefore(h []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(h) && !h[i].After(cutoff) {
		i++
	}
	return h[i:]
}
