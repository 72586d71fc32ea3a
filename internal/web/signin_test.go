package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// countingHasher wraps the real argon2id hasher (test parameters) and
// records the most hashes that ran at once.
type countingHasher struct {
	inner    auth.Hasher
	inflight atomic.Int64
	max      atomic.Int64
	total    atomic.Int64
}

func (h *countingHasher) enter() func() {
	n := h.inflight.Add(1)
	h.total.Add(1)
	for m := h.max.Load(); n > m && !h.max.CompareAndSwap(m, n); m = h.max.Load() {
	}
	time.Sleep(2 * time.Millisecond) // widen the window in which hashes overlap
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

// fromAddress returns a client whose connections come from 127.0.0.x, so
// that the server sees a distinct client address per x (Linux routes all
// of 127/8 to the loopback interface).
func fromAddress(x int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(x/250), byte(2+x%250))}}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true},
		CheckRedirect: noRedirect().CheckRedirect,
	}
}

// TestParallelWrongSignInsAreLimited is the class test over every way a
// caller presents credentials over HTTP: wrong attempts fired at once are
// counted before they are checked, so no more than the limit (5 here) are
// answered 401 and the rest 429 with Retry-After; password hashes never run
// more at once than the cap (2 here), whatever the number of client
// addresses.
func TestParallelWrongSignInsAreLimited(t *testing.T) {
	const limit, n, hashCap = 5, 40, 2
	form := func(email, password string) (string, io.Reader, []string) {
		v := url.Values{"email": {email}, "password": {password}}
		return "/login", strings.NewReader(v.Encode()), []string{"Content-Type", "application/x-www-form-urlencoded"}
	}
	api := func(hdr []string) (string, io.Reader, []string) { return "/api/v2/users/me.json", nil, hdr }
	cases := []struct {
		name string
		// request builds attempt i; addresses says whether each attempt comes
		// from its own client address (then only the hash cap holds).
		request   func(e *env, i int) (path string, body io.Reader, hdr []string)
		addresses bool
		hashes    bool
	}{
		{"login form", func(e *env, i int) (string, io.Reader, []string) {
			return form("agent@example.com", fmt.Sprintf("wrong password %d", i))
		}, false, true},
		{"Basic email:password", func(e *env, i int) (string, io.Reader, []string) {
			return api(basic("agent@example.com", fmt.Sprintf("wrong password %d", i)))
		}, false, true},
		{"Basic email:password, a different unknown account each time", func(e *env, i int) (string, io.Reader, []string) {
			return api(basic(fmt.Sprintf("nobody%d@example.com", i), "wrong password"))
		}, false, true},
		{"Basic email/token:TOKEN", func(e *env, i int) (string, io.Reader, []string) {
			return api(basic("agent@example.com/token", fmt.Sprintf("flt_wrong%d", i)))
		}, false, false},
		{"Bearer TOKEN", func(e *env, i int) (string, io.Reader, []string) {
			return api([]string{"Authorization", fmt.Sprintf("Bearer flt_wrong%d", i)})
		}, false, false},
		{"login form from many addresses", func(e *env, i int) (string, io.Reader, []string) {
			return form(fmt.Sprintf("nobody%d@example.com", i), "wrong password")
		}, true, true},
		{"Basic email:password from many addresses", func(e *env, i int) (string, io.Reader, []string) {
			return api(basic(fmt.Sprintf("nobody%d@example.com", i), "wrong password"))
		}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &countingHasher{inner: auth.Argon2id{Params: auth.TestParams()}}
			var clk *clock.Fake
			dbtest.EachClock(t, func() clock.Clock {
				clk = clock.NewFake(time.Now().UTC().Truncate(time.Second))
				return clk
			}, func(t *testing.T, d *db.DB) {
				e := newEnvWith(t, d, clk, auth.Options{Params: auth.TestParams(), Limiter: auth.NewLimiter(clk, limit, 15*time.Minute),
					Hasher: h, MaxHashes: hashCap})
				h.max.Store(0)
				h.total.Store(0)
				var mu sync.Mutex
				codes := map[int]int{}
				var problems []string
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						path, body, hdr := tc.request(e, i)
						method := "GET"
						if body != nil {
							method = "POST"
						}
						req, _ := http.NewRequest(method, e.ts.URL+path, body)
						for j := 0; j+1 < len(hdr); j += 2 {
							req.Header.Set(hdr[j], hdr[j+1])
						}
						c := noRedirect()
						if tc.addresses {
							c = fromAddress(i)
						}
						<-start
						res, err := c.Do(req)
						if err != nil {
							mu.Lock()
							problems = append(problems, err.Error())
							mu.Unlock()
							return
						}
						b, _ := io.ReadAll(res.Body)
						res.Body.Close()
						mu.Lock()
						defer mu.Unlock()
						codes[res.StatusCode]++
						if res.StatusCode == 429 && (res.Header.Get("Retry-After") == "" ||
							!strings.Contains(string(b), "TooManyRequests") && !strings.Contains(string(b), "try again")) {
							problems = append(problems, fmt.Sprintf("429 without Retry-After or message: %v %s", res.Header, b))
						}
					}()
				}
				close(start)
				wg.Wait()
				if len(problems) > 0 {
					if tc.addresses && strings.Contains(problems[0], "assign requested address") {
						t.Skipf("cannot connect from 127.0.0.x here: %s", problems[0])
					}
					t.Fatal(problems[0])
				}
				if codes[401]+codes[429] != n {
					t.Errorf("answers other than 401 and 429: %v", codes)
				}
				if !tc.addresses && (codes[401] > limit || codes[429] == 0) {
					t.Errorf("%d parallel wrong attempts from one address, limit %d: %v", n, limit, codes)
				}
				if tc.addresses && codes[401] == 0 {
					t.Errorf("no attempt from distinct addresses was checked: %v", codes)
				}
				if m := h.max.Load(); m > hashCap {
					t.Errorf("%d password hashes ran at once; the cap is %d", m, hashCap)
				}
				if got := h.total.Load(); tc.hashes != (got > 0) || !tc.addresses && got > limit {
					t.Errorf("%d hashes for %d attempts (limit %d)", got, n, limit)
				}
			})
		})
	}
}
