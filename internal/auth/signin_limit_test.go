package auth

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// countingHasher wraps the real argon2id hasher (with test parameters) and
// records how many hashes run at once. When gate is set, every hash waits
// for it to close, so a test can hold hashes in flight and look.
type countingHasher struct {
	inner    Hasher
	gate     chan struct{}
	inflight atomic.Int64
	max      atomic.Int64
	total    atomic.Int64
	once     sync.Once
}

func newCountingHasher() *countingHasher {
	return &countingHasher{inner: Argon2id{Params: TestParams()}}
}

func (h *countingHasher) enter() func() {
	n := h.inflight.Add(1)
	h.total.Add(1)
	for {
		m := h.max.Load()
		if n <= m || h.max.CompareAndSwap(m, n) {
			break
		}
	}
	if h.gate != nil {
		<-h.gate
	} else {
		time.Sleep(2 * time.Millisecond) // widen the window in which hashes overlap
	}
	return func() { h.inflight.Add(-1) }
}

func (h *countingHasher) Hash(pw string) (string, error) {
	defer h.enter()()
	return h.inner.Hash(pw)
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	defer h.enter()()
	return h.inner.Verify(encoded, pw)
}

func (h *countingHasher) reset() { h.max.Store(0); h.total.Store(0) }

// hold makes hashes wait until open (at the latest when the test ends, so
// that a failing test leaves no goroutine behind).
func (h *countingHasher) hold(t *testing.T) {
	h.gate = make(chan struct{})
	t.Cleanup(h.open)
}

func (h *countingHasher) open() { h.once.Do(func() { close(h.gate) }) }

// fire runs attempt n times at once and tallies the kinds of error.
func fire(n int, attempt func(i int) error) map[errs.Kind]int {
	var mu sync.Mutex
	kinds := map[errs.Kind]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := attempt(i)
			mu.Lock()
			if err == nil {
				kinds[-1]++
			} else {
				kinds[errs.KindOf(err)]++
			}
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return kinds
}

// TestParallelWrongCredentialsAreLimited is the class test at the service
// level: for every way a caller presents credentials, attempts fired at once
// must be counted before they are checked, so at most the limit of them is
// answered "wrong" and the rest are refused; password checks never run more
// hashes at once than the cap.
func TestParallelWrongCredentialsAreLimited(t *testing.T) {
	const limit, n, hashCap = 5, 40, 2
	paths := []struct {
		name    string
		hashes  bool
		attempt func(s *Service, i int) error
	}{
		{"password (Basic email:password)", true, func(s *Service, i int) error {
			_, err := s.CheckPassword(context.Background(), "ada@example.com", fmt.Sprintf("wrong guess %d", i), "10.0.0.9")
			return err
		}},
		{"login form", true, func(s *Service, i int) error {
			_, _, err := s.Login(context.Background(), "ada@example.com", fmt.Sprintf("wrong guess %d", i), "10.0.0.9", "test")
			return err
		}},
		{"unknown accounts from one address", true, func(s *Service, i int) error {
			_, err := s.CheckPassword(context.Background(), fmt.Sprintf("nobody%d@example.com", i), "wrong guess", "10.0.0.9")
			return err
		}},
		{"Basic email/token:TOKEN", false, func(s *Service, i int) error {
			_, err := s.TokenPrincipal(context.Background(), "ada@example.com", fmt.Sprintf("flt_wrong%d", i), "10.0.0.9")
			return err
		}},
		{"Bearer TOKEN", false, func(s *Service, i int) error {
			_, err := s.TokenPrincipal(context.Background(), "", fmt.Sprintf("flt_wrong%d", i), "10.0.0.9")
			return err
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
				h := newCountingHasher()
				f := setupWith(t, d, clk, Options{Limiter: NewLimiter(clk, limit, 15*time.Minute), Hasher: h, MaxHashes: hashCap})
				h.reset()
				kinds := fire(n, func(i int) error { return p.attempt(f.svc, i) })
				if kinds[errs.KindUnauthorized] > limit || kinds[errs.KindRateLimited] == 0 ||
					kinds[errs.KindUnauthorized]+kinds[errs.KindRateLimited] != n {
					t.Errorf("%d parallel wrong attempts with a limit of %d: %d unauthorized, %d rate limited (all: %v)",
						n, limit, kinds[errs.KindUnauthorized], kinds[errs.KindRateLimited], kinds)
				}
				if m := h.max.Load(); m > hashCap {
					t.Errorf("%d password hashes ran at once; the cap is %d", m, hashCap)
				}
				if got := h.total.Load(); p.hashes && (got == 0 || got > limit) || !p.hashes && got != 0 {
					t.Errorf("%d hashes computed for %d attempts (limit %d)", got, n, limit)
				}
			})
		})
	}
}

// TestHashCapQueuesThenRefuses holds password hashes in flight: no more than
// MaxHashes run, HashQueue callers wait for a slot, and everyone else is
// refused at once with a short Retry-After — their limiter slots are given
// back, since no password was tried.
func TestHashCapQueuesThenRefuses(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		h := newCountingHasher()
		lim := NewLimiter(clk, 7, 15*time.Minute)
		f := setupWith(t, d, clk, Options{Limiter: lim, Hasher: h, MaxHashes: 2, HashQueue: 4, HashWait: time.Minute})
		h.reset()
		h.hold(t)
		const n = 30
		results := make(chan error, n)
		for i := range n {
			go func() {
				// Distinct accounts, one address: the address's limit (7) lets 7
				// attempts reach the hashes; 2 hash, 4 wait, 1 is refused.
				_, err := f.svc.CheckPassword(ctx, fmt.Sprintf("guess%d@example.com", i), "wrong password", "10.1.1.1")
				results <- err
			}()
		}
		refused := 0
		for refused < n-2-4 {
			select {
			case err := <-results:
				if !errs.Is(err, errs.KindRateLimited) {
					t.Fatalf("attempt answered %v while hashes were held", err)
				}
				if RetryAfter(err) <= 0 {
					t.Fatalf("refusal without Retry-After: %v", err)
				}
				refused++
			case <-time.After(30 * time.Second):
				t.Fatalf("only %d of %d attempts refused while %d hashes were held (max at once %d)", refused, n-6, h.inflight.Load(), h.max.Load())
			}
		}
		// The two holding slots reach the hasher after reading their account.
		for wait := time.Now(); h.inflight.Load() < 2; time.Sleep(time.Millisecond) {
			if time.Since(wait) > 30*time.Second {
				t.Fatalf("%d hashes in flight, want the cap of 2", h.inflight.Load())
			}
		}
		h.open()
		for range 6 {
			if err := <-results; !errs.Is(err, errs.KindUnauthorized) {
				t.Fatalf("queued attempt: %v", err)
			}
		}
		if h.max.Load() != 2 || h.total.Load() != 6 {
			t.Fatalf("max at once %d, total %d; want 2 and 6", h.max.Load(), h.total.Load())
		}
		// 6 failures counted for the address, the refused one given back: one
		// more attempt (the right password) is still allowed.
		if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "a long enough password", "10.1.1.1"); err != nil {
			t.Fatalf("the refused attempt was counted against the address: %v", err)
		}
	})
}

// TestHashQueueWaitIsBounded: a caller waits for a hash slot at most
// HashWait, then is refused (and its limiter slot given back).
func TestHashQueueWaitIsBounded(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		h := newCountingHasher()
		f := setupWith(t, d, clk, Options{Limiter: NewLimiter(clk, 2, 15*time.Minute), Hasher: h, MaxHashes: 1, HashQueue: 8, HashWait: 20 * time.Millisecond})
		h.hold(t)
		first := make(chan error, 1)
		go func() {
			_, err := f.svc.CheckPassword(ctx, "ada@example.com", "wrong password", "10.2.2.2")
			first <- err
		}()
		for h.inflight.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		second := make(chan error, 1)
		go func() {
			_, err := f.svc.CheckPassword(ctx, "bob@example.com", "wrong password", "10.2.2.3")
			second <- err
		}()
		select {
		case err := <-second:
			if !errs.Is(err, errs.KindRateLimited) || RetryAfter(err) != time.Second {
				t.Fatalf("waiting past HashWait: %v (retry after %v)", err, RetryAfter(err))
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("a caller waited for a hash slot for 30 s (HashWait is 20 ms); %d hashes running", h.inflight.Load())
		}
		h.open()
		if err := <-first; !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("held attempt: %v", err)
		}
		// The timed-out attempt was not counted against its address (limit 2):
		// one real failure from there still leaves room for a sign-in.
		if _, err := f.svc.CheckPassword(ctx, "bob@example.com", "wrong password", "10.2.2.3"); !errs.Is(err, errs.KindUnauthorized) {
			t.Fatalf("second attempt from the address: %v", err)
		}
		if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "a long enough password", "10.2.2.3"); err != nil {
			t.Fatalf("the refused wait was counted against the address: %v", err)
		}
	})
}

// TestSuccessGivesBackItsSlot: right passwords in parallel are not held to
// the failure limit once they are through, and a success clears the
// account's failures.
func TestSuccessGivesBackItsSlot(t *testing.T) {
	eachFake(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		ctx := context.Background()
		f := setupWith(t, d, clk, Options{Limiter: NewLimiter(clk, 3, 15*time.Minute), MaxHashes: 1})
		for round := range 4 {
			for range 2 {
				if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "wrong password", ""); !errs.Is(err, errs.KindUnauthorized) {
					t.Fatalf("round %d: wrong password: %v", round, err)
				}
			}
			if _, err := f.svc.CheckPassword(ctx, "ada@example.com", "a long enough password", ""); err != nil {
				t.Fatalf("round %d: right password after 2 of 3 failures: %v", round, err)
			}
		}
	})
}

func setupWith(t *testing.T, d *db.DB, clk *clock.Fake, opt Options) fixture {
	t.Helper()
	if opt.Params.Memory == 0 {
		opt.Params = TestParams()
	}
	opt.SessionTTL = 24 * time.Hour
	svc := NewService(d, audit.New(d), opt)
	uid := insertUser(t, d, "Ada Agent", "ada@example.com", "agent")
	if err := svc.SetPassword(context.Background(), audit.System(), uid, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	insertUser(t, d, "Bob", "bob@example.com", "agent")
	return fixture{svc: svc, d: d, clk: clk, uid: uid}
}

func TestLimiterReserve(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewLimiter(clk, 3, 10*time.Minute)
	a1, w := l.Reserve("acct:a", "ip:1")
	a2, _ := l.Reserve("acct:a", "ip:1")
	a3, _ := l.Reserve("acct:b", "ip:1")
	if w != 0 || a1 == nil || a2 == nil || a3 == nil {
		t.Fatal("three slots on a limit of three refused")
	}
	// ip:1 is full of attempts under way: refused for a second, on every key
	// at once (acct:c gets no slot either).
	if a, w := l.Reserve("acct:c", "ip:1"); a != nil || w != time.Second {
		t.Fatalf("fourth attempt: %v, wait %v; want refused for 1s", a, w)
	}
	if _, w := l.Reserve("acct:c"); w != 0 {
		t.Fatal("a refused reservation took a slot on another key")
	}
	// Cheap checks count failures atomically: a full key refuses them too.
	if w := l.Fail("ip:1"); w != time.Second {
		t.Fatalf("Fail on a full key: %v", w)
	}
	a3.Cancel()
	a3.Cancel() // ending twice gives back once
	clk.Advance(time.Minute)
	a1.Failed()
	a2.Failed()
	if w := l.Wait("ip:1"); w != 0 {
		t.Fatalf("two failures of three: wait %v", w)
	}
	if w := l.Fail("ip:1"); w != 0 {
		t.Fatalf("third failure refused: %v", w)
	}
	if a, w := l.Reserve("ip:1"); a != nil || w != 10*time.Minute {
		t.Fatalf("after three failures: %v, wait %v; want 10m", a, w)
	}
	if w := l.Wait("acct:a"); w != 0 {
		t.Fatalf("acct:a has two failures of three: %v", w)
	}
	a, _ := l.Reserve("acct:a")
	a.Succeeded("acct:a")
	if a, _ := l.Reserve("acct:a"); a == nil {
		t.Fatal("success did not clear the account's failures")
	}
	var nilLimiter *Limiter
	if a, w := nilLimiter.Reserve("k"); a != nil || w != 0 || nilLimiter.Fail("k") != 0 {
		t.Fatal("a nil limiter limits")
	}
	a.Failed() // a nil-limiter attempt and a used one are safe to end
}

func TestAutoMaxHashesIsSizedFromMemory(t *testing.T) {
	if n := AutoMaxHashes(DefaultParams()); n < 1 || n > 2 {
		t.Errorf("64 MiB hashes within a 128 MiB budget: %d at once", n)
	}
	if n := AutoMaxHashes(Params{Memory: 512 * 1024}); n != 1 {
		t.Errorf("a hash larger than the budget: %d at once, want 1", n)
	}
	if n := AutoMaxHashes(TestParams()); n < 1 || n > 8 || n > runtime.NumCPU() {
		t.Errorf("1 MiB hashes: %d at once (CPUs %d, at most 8)", n, runtime.NumCPU())
	}
}
