package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/bench"
	"github.com/frontline/frontline/internal/people"
)

// Targets of the sign-in storm measure.
const (
	stormPeakRSS = 500 << 20 // peak resident set of the server under the storm
	// stormReadyz bounds /readyz p99 during the storm: the readiness
	// handler's own deadline (after which it answers 503), i.e. a load
	// balancer probing with that timeout keeps the node in rotation.
	stormReadyz = 2 * time.Second
	// readyzEvery spaces the /readyz probes, idle and during the storm.
	readyzEvery = 20 * time.Millisecond
)

// benchSignin starts this binary's `serve` (production argon2id
// parameters) and fires o.storm concurrent wrong sign-ins at it for
// o.duration: every client from its own address (127.1.x.y), so that the
// per-address limit does not stop them and only the server-wide hash cap
// holds; alternately Basic email:password on the API and the /login form,
// back to back, ignoring Retry-After as an attacker would; one client in
// five guesses the password of a real account, the others of accounts
// that do not exist (which cost the same dummy hash). Before it, the same
// clients run a baseline storm of GET /healthz for as long. It reports the
// server's peak resident set, the answers (401 checked, 429 refused) and
// /readyz latency during the sign-in storm, each beside the baseline
// storm's (and idle figures in the notes).
func benchSignin(ctx context.Context, a *App, o benchOptions, rep *bench.Report, log io.Writer) error {
	email := fmt.Sprintf("signin-%d@bench.frontline.localhost", time.Now().UnixNano())
	name, role := "Sign-in Bench Agent", people.RoleAgent
	u, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		return err
	}
	if err := a.Auth.SetPassword(ctx, audit.System(), u.ID, randomPassword()); err != nil {
		return err
	}
	srv, err := startServe(ctx, a)
	if err != nil {
		return err
	}
	defer srv.stop()

	probe := &http.Client{Timeout: 30 * time.Second}
	readyz := func() (time.Duration, error) {
		t0 := time.Now()
		resp, err := probe.Get(srv.base + "/readyz")
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("/readyz: %d", resp.StatusCode)
		}
		return time.Since(t0), nil
	}
	// probeUntil calls /readyz every readyzEvery until stop is closed (or
	// n probes, when n > 0).
	probeUntil := func(stop <-chan struct{}, n int) bench.Latency {
		var ds []time.Duration
		errs, first := 0, ""
		for i := 0; n <= 0 || i < n; i++ {
			if d, err := readyz(); err != nil {
				if errs == 0 {
					first = err.Error()
				}
				errs++
			} else {
				ds = append(ds, d)
			}
			select {
			case <-stop:
				return bench.LatencyOf(ds, errs, first)
			case <-time.After(readyzEvery):
			}
		}
		return bench.LatencyOf(ds, errs, first)
	}

	idle := probeUntil(nil, 100)
	idleRSS, err := bench.ProcessRSS(srv.pid)
	if err != nil {
		return err
	}
	// The baseline storm: the same clients from the same addresses for the
	// same time, each asking GET /healthz back to back (no credentials).
	fmt.Fprintf(log, "measuring: baseline storm, %d clients asking /healthz for %s\n", o.storm, o.duration)
	base := runStorm(ctx, srv, o, probeUntil, func(ctx context.Context, w, i int) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.base+"/healthz", nil)
		return req
	})
	baseHWM, err := bench.ProcessPeakRSS(srv.pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "measuring: sign-in storm, %d concurrent wrong sign-ins for %s\n", o.storm, o.duration)
	storm := runStorm(ctx, srv, o, probeUntil, func(ctx context.Context, w, i int) *http.Request {
		target := fmt.Sprintf("nobody-%d@bench.frontline.localhost", w)
		if w%5 == 0 {
			target = email
		}
		guess := fmt.Sprintf("wrong guess %d-%d", w, i)
		if i%2 == 0 {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.base+"/api/v2/users/me.json", nil)
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(target+":"+guess)))
			return req
		}
		form := url.Values{"email": {target}, "password": {guess}}.Encode()
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.base+"/login", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	})
	hwm, err := bench.ProcessPeakRSS(srv.pid)
	if err != nil {
		return err
	}
	peakRSS := max(hwm, storm.peak)
	basePeak := max(baseHWM, base.peak)

	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	rep.Results = append(rep.Results, bench.Result{Name: fmt.Sprintf("sign-in storm (%d clients): peak server RSS", o.storm),
		Value: mb(peakRSS), Unit: "MB", Baseline: mb(basePeak), Ratio: float64(peakRSS) / float64(max(basePeak, 1)),
		Target: fmt.Sprintf("<= %d MB", stormPeakRSS>>20), Pass: peakRSS <= stormPeakRSS,
		Note: fmt.Sprintf("baseline: peak during the /healthz storm; idle %.0f MB; VmHWM of the `frontline serve` process", mb(idleRSS))})
	n401, n429 := storm.codes[http.StatusUnauthorized], storm.codes[http.StatusTooManyRequests]
	other, others := int64(0), []string{}
	for code, n := range storm.codes {
		if code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
			other += n
			others = append(others, fmt.Sprintf("%d x%d", code, n))
		}
	}
	note := fmt.Sprintf("%d checked (401), %d refused (429), %d other, %d failed requests; %.1f passwords checked/s; baseline storm: %d answers",
		n401, n429, other, storm.failures, float64(n401)/o.duration.Seconds(), base.answers())
	if len(others) > 0 {
		note += "; other: " + strings.Join(others, ", ")
	}
	if storm.firstFailure != "" {
		note += "; first failure: " + storm.firstFailure
	}
	rep.Info("  sign-in storm answers", float64(storm.answers()), "requests", "all 401 or 429", other == 0 && storm.failures == 0 && n401 > 0, note)
	rep.AtMostBeside("  /readyz during the storm", storm.probed, base.probed, stormReadyz,
		fmt.Sprintf("baseline: /readyz during the /healthz storm; idle p99 %.2f ms, p50 %.2f ms", float64(idle.P99)/1e6, float64(idle.P50)/1e6))
	return nil
}

// stormResult is what one storm of requests got.
type stormResult struct {
	codes        map[int]int64
	failures     int64
	firstFailure string
	probed       bench.Latency // /readyz during the storm
	peak         int64         // largest VmRSS sampled
}

func (r stormResult) answers() int64 {
	var n int64
	for _, c := range r.codes {
		n += c
	}
	return n
}

// runStorm has o.storm clients, each from its own address (127.1.x.y),
// send the requests build makes back to back for o.duration, while
// /readyz is probed and the server's resident set sampled.
func runStorm(ctx context.Context, srv *servedProcess, o benchOptions, probeUntil func(stop <-chan struct{}, n int) bench.Latency,
	build func(ctx context.Context, worker, seq int) *http.Request) stormResult {
	var mu sync.Mutex
	res := stormResult{codes: map[int]int64{}}
	deadline := time.Now().Add(o.duration)
	stop := make(chan struct{})
	probeDone := make(chan struct{})
	go func() { res.probed = probeUntil(stop, 0); close(probeDone) }()
	var peak atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if rss, err := bench.ProcessRSS(srv.pid); err == nil && rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range o.storm {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 1, byte(w/250), byte(1+w%250))}, Timeout: 10 * time.Second}
			c := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
				Transport: &http.Transport{DialContext: d.DialContext, MaxConnsPerHost: 1}}
			defer c.CloseIdleConnections()
			for i := 0; ctx.Err() == nil && time.Now().Before(deadline); i++ {
				resp, err := c.Do(build(ctx, w, i))
				mu.Lock()
				if err != nil {
					if res.failures == 0 {
						res.firstFailure = err.Error()
					}
					res.failures++
					mu.Unlock()
					continue
				}
				res.codes[resp.StatusCode]++
				mu.Unlock()
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-probeDone
	<-sampled
	res.peak = peak.Load()
	return res
}
