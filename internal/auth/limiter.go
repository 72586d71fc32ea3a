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
type Limiter struct {
	clk    clock.Clock
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(clk clock.Clock, max int, window time.Duration) *Limiter {
	return &Limiter{clk: clk, max: max, window: window, failures: map[string][]time.Time{}}
}

// Wait reports how long the caller must wait before key may try again; zero
// means it may try now.
func (l *Limiter) Wait(key string) time.Duration {
	if l == nil || key == "" {
		return 0
	}
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.prune(key, now)
	if len(fs) < l.max {
		return 0
	}
	return fs[0].Add(l.window).Sub(now)
}

// Fail records a failed attempt for key.
func (l *Limiter) Fail(key string) {
	if l == nil || key == "" {
		return
	}
	now := l.clk.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.prune(key, now)
	l.failures[key] = append(fs, now)
	if len(l.failures) > 100000 { // bound memory under a spray of keys
		for k := range l.failures {
			if len(l.prune(k, now)) == 0 {
				delete(l.failures, k)
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
	delete(l.failures, key)
	l.mu.Unlock()
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	fs := l.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.window {
		i++
	}
	if i == len(fs) {
		delete(l.failures, key)
		return nil
	}
	fs = fs[i:]
	l.failures[key] = fs
	return fs
}
