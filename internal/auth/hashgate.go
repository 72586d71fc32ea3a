package auth

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// HashMemoryBudget is the memory the automatic hash cap lets password
// hashes hold at once: each argon2id hash allocates Params.Memory, and a
// finished hash's memory lingers until the next collection, so the peak
// resident set under a storm of sign-ins is about idle + 2.5 x this budget
// (measured: docs/performance.md, sign-in storm).
const HashMemoryBudget = 128 << 20

// AutoMaxHashes is the number of password hashes a server computes at once
// unless configured: one per CPU (cores bound the hash rate; more at once
// only makes each slower), at most as many as HashMemoryBudget holds at
// p.Memory each (2 with DefaultParams), between 1 and 8.
func AutoMaxHashes(p Params) int {
	n := runtime.NumCPU()
	if p.Memory > 0 {
		n = min(n, int(HashMemoryBudget/(int64(p.Memory)*1024)))
	}
	return min(max(n, 1), 8)
}

// hashGate caps the password hashes computed at once, server-wide. Callers
// beyond the cap wait in a bounded queue for a bounded time; anyone else is
// refused at once. Refusals are rate-limit errors with a short Retry-After.
type hashGate struct {
	slots    chan struct{}
	maxQueue int64
	maxWait  time.Duration
	waiting  atomic.Int64
}

func newHashGate(slots, queue int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, slots), maxQueue: int64(queue), maxWait: wait}
}

// busyRetry is the Retry-After of a refusal for load.
const busyRetry = time.Second

func errBusy() error {
	return rateLimitedFor(busyRetry, "too many sign-ins at once; try again in 1s")
}

// acquire takes a hash slot, waiting at most maxWait behind at most
// maxQueue others; the caller must call the returned release.
func (g *hashGate) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	if g.waiting.Add(1) > g.maxQueue {
		g.waiting.Add(-1)
		return nil, errBusy()
	}
	defer g.waiting.Add(-1)
	// The bound on the wait is operational (like a server timeout), not
	// domain time: it runs on the wall clock.
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy()
	case <-ctx.Done(): // the caller went away: answered as busy (nobody reads it), not as a fault
		return nil, errBusy()
	}
}

// InFlight reports the hashes being computed now and the callers waiting.
func (g *hashGate) inFlight() (running, waiting int) {
	return len(g.slots), int(g.waiting.Load())
}
