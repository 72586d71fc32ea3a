package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Throughput is the rate of an operation run by several workers at once.
type Throughput struct {
	Ops     int64         `json:"ops"`
	Errors  int64         `json:"errors"`
	Elapsed time.Duration `json:"elapsed_ns"`
	PerSec  float64       `json:"per_sec"`
	// FirstError is the first failure, if any (a benchmark with errors is
	// reported, never silently counted as fast).
	FirstError string `json:"first_error,omitempty"`
}

// RunThroughput calls op from workers goroutines until d has passed and
// returns the completed operations per second. op gets the worker number
// and a per-worker sequence number. Operations under way at the deadline
// finish (they are counted, and the elapsed time includes them): cutting
// them off would measure cancellations, not work.
func RunThroughput(ctx context.Context, workers int, d time.Duration, op func(ctx context.Context, worker, seq int) error) Throughput {
	var ops, errors atomic.Int64
	var first sync.Once
	var firstErr string
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; ctx.Err() == nil && time.Now().Before(deadline); seq++ {
				if err := op(ctx, w, seq); err != nil {
					if ctx.Err() != nil {
						return // the whole run was cancelled
					}
					errors.Add(1)
					first.Do(func() { firstErr = err.Error() })
					continue
				}
				ops.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	return Throughput{Ops: ops.Load(), Errors: errors.Load(), Elapsed: el, PerSec: float64(ops.Load()) / el.Seconds(), FirstError: firstErr}
}

// Plus merges two runs of the same operation (their operations and time
// add up).
func (t Throughput) Plus(o Throughput) Throughput {
	out := Throughput{Ops: t.Ops + o.Ops, Errors: t.Errors + o.Errors, Elapsed: t.Elapsed + o.Elapsed, FirstError: t.FirstError}
	if out.FirstError == "" {
		out.FirstError = o.FirstError
	}
	if out.Elapsed > 0 {
		out.PerSec = float64(out.Ops) / out.Elapsed.Seconds()
	}
	return out
}

// Latency is the distribution of one operation's duration, run sequentially.
type Latency struct {
	N      int           `json:"n"`
	Errors int           `json:"errors"`
	P50    time.Duration `json:"p50_ns"`
	P95    time.Duration `json:"p95_ns"`
	P99    time.Duration `json:"p99_ns"`
	Max    time.Duration `json:"max_ns"`
	// FirstError is the first failure, if any.
	FirstError string `json:"first_error,omitempty"`
}

// RunLatency calls op n times one after another (after warm warm-up calls)
// and returns percentiles of the successful calls.
func RunLatency(ctx context.Context, n, warm int, op func(ctx context.Context, i int) error) Latency {
	for i := range warm {
		_ = op(ctx, i)
	}
	var ds []time.Duration
	l := Latency{N: n}
	for i := range n {
		t0 := time.Now()
		err := op(ctx, warm+i)
		el := time.Since(t0)
		if err != nil {
			if l.Errors == 0 {
				l.FirstError = err.Error()
			}
			l.Errors++
			continue
		}
		ds = append(ds, el)
	}
	if len(ds) == 0 {
		return l
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	l.P50, l.P95, l.P99, l.Max = pct(0.50), pct(0.95), pct(0.99), ds[len(ds)-1]
	return l
}

// Result is one line of the report: a measured figure, its baseline from
// the same run where it has one, and the target it is held to.
type Result struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline,omitempty"`
	Ratio    float64 `json:"ratio,omitempty"`
	Target   string  `json:"target"`
	Pass     bool    `json:"pass"`
	Note     string  `json:"note,omitempty"`
}

// Report is the whole run.
type Report struct {
	Engine    string         `json:"engine"`
	Tickets   int            `json:"tickets"`
	When      time.Time      `json:"when"`
	Command   string         `json:"command"`
	Generated map[string]any `json:"generated,omitempty"`
	Results   []Result       `json:"results"`
}

// AtLeastRatio records a rate held to a fraction of its baseline.
func (r *Report) AtLeastRatio(name string, got, baseline Throughput, min float64, note string) {
	ratio := 0.0
	if baseline.PerSec > 0 {
		ratio = got.PerSec / baseline.PerSec
	}
	if got.Errors > 0 || baseline.Errors > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" errors: %d/%d, first: %s%s", got.Errors, baseline.Errors, got.FirstError, baseline.FirstError))
	}
	r.Results = append(r.Results, Result{Name: name, Value: got.PerSec, Unit: "ops/s", Baseline: baseline.PerSec, Ratio: ratio,
		Target: fmt.Sprintf(">= %.0f%% of baseline", min*100), Pass: ratio >= min && got.Errors == 0, Note: note})
}

// RatioInfo records a rate and its ratio to a baseline without a target.
func (r *Report) RatioInfo(name string, got, baseline Throughput, note string) {
	ratio := 0.0
	if baseline.PerSec > 0 {
		ratio = got.PerSec / baseline.PerSec
	}
	if baseline.Errors > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" errors: %d, first: %s", baseline.Errors, baseline.FirstError))
	}
	r.Results = append(r.Results, Result{Name: name, Value: got.PerSec, Unit: "ops/s", Baseline: baseline.PerSec, Ratio: ratio,
		Target: "(reported)", Pass: baseline.Errors == 0, Note: note})
}

// AtMost records a latency percentile held to a bound.
func (r *Report) AtMost(name string, l Latency, bound time.Duration, note string) {
	if l.Errors > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" errors: %d, first: %s", l.Errors, l.FirstError))
	}
	r.Results = append(r.Results, Result{Name: name + " p99", Value: ms(l.P99), Unit: "ms",
		Target: fmt.Sprintf("<= %s", bound), Pass: l.P99 <= bound && l.Errors == 0 && l.N > 0,
		Note: strings.TrimSpace(fmt.Sprintf("p50 %.2f ms, p95 %.2f ms, max %.2f ms, n=%d %s", ms(l.P50), ms(l.P95), ms(l.Max), l.N, note))})
}

// AtMostBeside records a latency percentile held to a bound, beside the
// same percentile of a baseline run (the operation under no load).
func (r *Report) AtMostBeside(name string, l, baseline Latency, bound time.Duration, note string) {
	if l.Errors > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" errors: %d, first: %s", l.Errors, l.FirstError))
	}
	if baseline.Errors > 0 {
		note = strings.TrimSpace(note + fmt.Sprintf(" baseline errors: %d, first: %s", baseline.Errors, baseline.FirstError))
	}
	ratio := 0.0
	if baseline.P99 > 0 {
		ratio = float64(l.P99) / float64(baseline.P99)
	}
	r.Results = append(r.Results, Result{Name: name + " p99", Value: ms(l.P99), Unit: "ms", Baseline: ms(baseline.P99), Ratio: ratio,
		Target: fmt.Sprintf("<= %s", bound), Pass: l.P99 <= bound && l.Errors == 0 && l.N > 0,
		Note: strings.TrimSpace(fmt.Sprintf("p50 %.2f ms, max %.2f ms, n=%d; baseline p50 %.2f ms, n=%d %s",
			ms(l.P50), ms(l.Max), l.N, ms(baseline.P50), baseline.N, note))})
}

// LatencyOf summarises durations measured elsewhere (errors counted
// apart) like RunLatency does.
func LatencyOf(ds []time.Duration, errors int, firstError string) Latency {
	l := Latency{N: len(ds) + errors, Errors: errors, FirstError: firstError}
	if len(ds) == 0 {
		return l
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	l.P50, l.P95, l.P99, l.Max = pct(0.50), pct(0.95), pct(0.99), ds[len(ds)-1]
	return l
}

// Info records a figure without a target.
func (r *Report) Info(name string, value float64, unit, target string, pass bool, note string) {
	r.Results = append(r.Results, Result{Name: name, Value: value, Unit: unit, Target: target, Pass: pass, Note: note})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Passed reports whether every target was met.
func (r *Report) Passed() bool {
	for _, x := range r.Results {
		if !x.Pass {
			return false
		}
	}
	return true
}

// WriteTable prints the report as an aligned text table.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "frontline bench — %s, %d tickets, %s\n", r.Engine, r.Tickets, r.When.UTC().Format(time.RFC3339))
	width := 0
	for _, x := range r.Results {
		width = max(width, len(x.Name))
	}
	fmt.Fprintf(w, "%-*s  %14s  %14s  %7s  %-22s  %s\n", width, "measure", "value", "baseline", "ratio", "target", "result")
	for _, x := range r.Results {
		base, ratio := "", ""
		if x.Baseline != 0 {
			base, ratio = fmt.Sprintf("%.1f %s", x.Baseline, x.Unit), fmt.Sprintf("%.2f", x.Ratio)
		}
		verdict := "ok"
		if !x.Pass {
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "%-*s  %14s  %14s  %7s  %-22s  %s", width, x.Name, fmt.Sprintf("%.2f %s", x.Value, x.Unit), base, ratio, x.Target, verdict)
		if x.Note != "" {
			fmt.Fprintf(w, "  (%s)", x.Note)
		}
		fmt.Fprintln(w)
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
