package auth

import (
	"sync"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// Limiter counts failed sign-in attempts per key (client IP, account email)
// in a sliding window and refuses further attempts once a key has failed
// too often. It lives in memory, in the app's wiring struct: a restart
// forgets it, which is acceptable for throttling guessing.
//
// An expensive check (a password hash) is counted before it runs: Reserve
// takes a slot on every key at once, so that attempts fired in parallel
// cannot all pass a check that only later failures would have closed. The
// slot becomes a failure (Attempt.Failed) or is given back (Succeeded,
// Cancel).
type Limiter struct {
	clk    clock.Clock
	max    int
	window time.Duration

	mu   sync.Mutex
	keys map[string]*keyState
}

// keyState is one key's failures in the window and its attempts under way.
type keyState struct {
	failures []time.Time
	pending  int
}

// NewLimiter allows max failures per key within window.
func NewLimiter(clk clock.Clock, max int, window time.Duration) *Limiter {
	return &Limiter{clk: clk, max: max, window: window, keys: map[string]*keyState{}}
}

// Max returns the failures allowed per key within the window.
func (l *Limiter) Max() int { return l.max }

// Window returns the sliding window.
func (l *Limiter) Window() time.Duration { return l.window }

// pendingRetry is the Retry-After of a key full only because of attempts
// still under way: they may be given back in a moment.
const pendingRetry = time.Second

// Wait reports how long the caller must wait before key may try again; zero
// means it may try now. Only recorded failures count here (attempts under
// way do not): it is the gate of cheap checks, which Fail then counts.
func (l *Limiter) Wait(key string) time.Duration {
	if l == nil || key == "" {
		return 0
	}
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	ks := l.prune(key, now)
	if ks == nil || len(ks.failures) < l.max {
		return 0
	}
	return ks.failures[0].Add(l.window).Sub(now)
}

// waitLocked is how long key must wait when its failures and attempts
// under way fill it; zero when it has room.
func (l *Limiter) waitLocked(ks *keyState, now time.Time) time.Duration {
	if ks == nil || len(ks.failures)+ks.pending < l.max {
		return 0
	}
	if len(ks.failures) < l.max {
		return pendingRetry
	}
	return max(ks.failures[0].Add(l.window).Sub(now), time.Second)
}

// Fail records a failed attempt for each key, atomically with the check:
// when a key was already full (failures and attempts under way), nothing
// is recorded and Fail returns how long to wait, so that of any number of
// parallel failures at most the limit are let through as plain failures.
func (l *Limiter) Fail(keys ...string) time.Duration {
	if l == nil {
		return 0
	}
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if k == "" {
			continue
		}
		if w := l.waitLocked(l.prune(k, now), now); w > 0 {
			return w
		}
	}
	for _, k := range keys {
		if k != "" {
			l.state(k).failures = append(l.state(k).failures, now)
		}
	}
	l.sweep(now)
	return 0
}

// Attempt is a slot taken by Reserve on each of its keys.
type Attempt struct {
	l    *Limiter
	keys []string
	done bool
}

// Reserve takes one attempt slot on every key at once, or none: it returns
// nil and how long to wait when any key is full (its failures plus the
// attempts under way reach the limit). The caller must end the attempt with
// Failed, Succeeded or Cancel.
func (l *Limiter) Reserve(keys ...string) (*Attempt, time.Duration) {
	if l == nil {
		return nil, 0
	}
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var ks []string
	for _, k := range keys {
		if k == "" {
			continue
		}
		if w := l.waitLocked(l.prune(k, now), now); w > 0 {
			return nil, w
		}
		ks = append(ks, k)
	}
	for _, k := range ks {
		l.state(k).pending++
	}
	l.sweep(now)
	return &Attempt{l: l, keys: ks}, 0
}

// Failed turns the slot into a failure on every key.
func (a *Attempt) Failed() { a.end(true, nil) }

// Succeeded gives the slot back and forgets the failures of the keys in
// reset (the account's, after a successful sign-in).
func (a *Attempt) Succeeded(reset ...string) { a.end(false, reset) }

// Cancel gives the slot back: the attempt did not happen (refused for
// load, or its request went away before the check).
func (a *Attempt) Cancel() { a.end(false, nil) }

func (a *Attempt) end(failed bool, reset []string) {
	if a == nil || a.done {
		return
	}
	a.done = true
	l := a.l
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range a.keys {
		ks := l.state(k)
		ks.pending--
		if failed {
			ks.failures = append(ks.failures, now)
		}
	}
	for _, k := range reset {
		if ks := l.keys[k]; ks != nil {
			ks.failures = nil
			if ks.pending == 0 {
				delete(l.keys, k)
			}
		}
	}
}

// Reset forgets key's failures (after a successful sign-in).
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if ks := l.keys[key]; ks != nil {
		ks.failures = nil
		if ks.pending == 0 {
			delete(l.keys, key)
		}
	}
}

func (l *Limiter) state(key string) *keyState {
	ks := l.keys[key]
	if ks == nil {
		ks = &keyState{}
		l.keys[key] = ks
	}
	return ks
}

// prune drops key's failures that left the window and returns its state,
// nil when nothing is left of it.
func (l *Limiter) prune(key string, now time.Time) *keyState {
	ks := l.keys[key]
	if ks == nil {
		return nil
	}
	i := 0
	for i < len(ks.failures) && now.Sub(ks.failures[i]) >= l.window {
		i++
	}
	ks.failures = ks.failures[i:]
	if len(ks.failures) == 0 && ks.pending == 0 {
		delete(l.keys, key)
		return nil
	}
	return ks
}

// sweep bounds memory under a spray of keys.
func (l *Limiter) sweep(now time.Time) {
	if len(l.keys) <= 100000 {
		return
	}
	for k := range l.keys {
		l.prune(k, now)
	}
}
