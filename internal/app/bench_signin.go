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
// holds; alternately Basic email:password on the API and the /login form;
// one client in five guesses the password of a real account, the others
// of accounts that do not exist (which cost the same dummy hash). It
// reports the server's peak resident set against its idle one, the
// answers (401 checked, 429 refused), and /readyz latency during the storm
// against /readyz idle.
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

	fmt.Fprintf(log, "measuring: sign-in storm, %d concurrent wrong sign-ins for %s\n", o.storm, o.duration)
	idle := probeUntil(nil, 100)
	idleRSS, err := bench.ProcessRSS(srv.pid)
	if err != nil {
		return err
	}

	var codes sync.Map // status code -> *atomic.Int64
	count := func(code int) {
		v, _ := codes.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	var failures atomic.Int64
	var firstFailure atomic.Value
	deadline := time.Now().Add(o.duration)
	stop := make(chan struct{})
	var probed bench.Latency
	probeDone := make(chan struct{})
	go func() { probed = probeUntil(stop, 0); close(probeDone) }()
	var peak atomic.Int64
	go func() { // VmRSS sampled as well as the kernel's high-water mark
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
			target := fmt.Sprintf("nobody-%d@bench.frontline.localhost", w)
			if w%5 == 0 {
				target = email
			}
			for i := 0; ctx.Err() == nil && time.Now().Before(deadline); i++ {
				guess := fmt.Sprintf("wrong guess %d-%d", w, i)
				var req *http.Request
				if i%2 == 0 {
					req, _ = http.NewRequestWithContext(ctx, "GET", srv.base+"/api/v2/users/me.json", nil)
					req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(target+":"+guess)))
				} else {
					form := url.Values{"email": {target}, "password": {guess}}.Encode()
					req, _ = http.NewRequestWithContext(ctx, "POST", srv.base+"/login", strings.NewReader(form))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := c.Do(req)
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				count(resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-probeDone
	hwm, err := bench.ProcessPeakRSS(srv.pid)
	if err != nil {
		return err
	}
	peakRSS := max(hwm, peak.Load())

	var n401, n429, other int64
	var others []string
	codes.Range(func(k, v any) bool {
		n := v.(*atomic.Int64).Load()
		switch k.(int) {
		case http.StatusUnauthorized:
			n401 = n
		case http.StatusTooManyRequests:
			n429 = n
		default:
			other += n
			others = append(others, fmt.Sprintf("%d x%d", k.(int), n))
		}
		return true
	})
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	rep.Results = append(rep.Results, bench.Result{Name: fmt.Sprintf("sign-in storm (%d clients): peak server RSS", o.storm),
		Value: mb(peakRSS), Unit: "MB", Baseline: mb(idleRSS), Ratio: float64(peakRSS) / float64(max(idleRSS, 1)),
		Target: fmt.Sprintf("<= %d MB", stormPeakRSS>>20), Pass: peakRSS <= stormPeakRSS,
		Note: "baseline: the same server idle just before the storm; VmHWM of the `frontline serve` process"})
	note := fmt.Sprintf("%d checked (401), %d refused (429), %d other, %d failed requests; %.1f passwords checked/s",
		n401, n429, other, failures.Load(), float64(n401)/o.duration.Seconds())
	if other > 0 {
		note += "; other: " + strings.Join(others, ", ")
	}
	if f, ok := firstFailure.Load().(string); ok {
		note += "; first failure: " + f
	}
	rep.Info("  sign-in storm answers", float64(n401+n429+other), "requests", "all 401 or 429", other == 0 && failures.Load() == 0 && n401 > 0, note)
	rep.AtMostBeside("  /readyz during the storm", probed, idle, stormReadyz, "baseline: /readyz of the same server idle")
	return nil
}
