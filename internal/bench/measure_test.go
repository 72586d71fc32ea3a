package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRunThroughputCountsErrors(t *testing.T) {
	tp := RunThroughput(context.Background(), 3, 30*time.Millisecond, func(ctx context.Context, w, i int) error {
		if i%2 == 1 {
			return errors.New("boom")
		}
		return nil
	})
	if tp.Ops == 0 || tp.Errors == 0 || tp.FirstError != "boom" || tp.PerSec <= 0 {
		t.Fatalf("%+v", tp)
	}
}

func TestRunLatencyPercentiles(t *testing.T) {
	calls := 0
	l := RunLatency(context.Background(), 100, 5, func(ctx context.Context, i int) error {
		calls++
		if i == 7 {
			return errors.New("bad")
		}
		return nil
	})
	if calls != 105 || l.N != 100 || l.Errors != 1 || l.FirstError != "bad" || l.P50 > l.P99 || l.P99 > l.Max {
		t.Fatalf("calls %d, %+v", calls, l)
	}
}

func TestReportVerdicts(t *testing.T) {
	var r Report
	r.AtLeastRatio("fast", Throughput{PerSec: 50}, Throughput{PerSec: 100}, 0.40, "")
	if !r.Passed() || r.Results[0].Ratio != 0.5 {
		t.Fatalf("%+v", r.Results)
	}
	r.AtLeastRatio("slow", Throughput{PerSec: 30}, Throughput{PerSec: 100}, 0.40, "")
	r.AtLeastRatio("erroring", Throughput{PerSec: 90, Errors: 1, FirstError: "x"}, Throughput{PerSec: 100}, 0.40, "")
	r.AtMost("query", Latency{N: 10, P99: 15 * time.Millisecond}, 10*time.Millisecond, "")
	for i, want := range []bool{true, false, false, false} {
		if r.Results[i].Pass != want {
			t.Errorf("%s: pass %v", r.Results[i].Name, r.Results[i].Pass)
		}
	}
	var b strings.Builder
	r.WriteTable(&b)
	if strings.Count(b.String(), "MISSED") != 3 || !strings.Contains(b.String(), "0.50") {
		t.Fatalf("table:\n%s", b.String())
	}
	b.Reset()
	if err := r.WriteJSON(&b); err != nil || !strings.Contains(b.String(), `"ratio": 0.3`) {
		t.Fatalf("json %v:\n%s", err, b.String())
	}
}

func TestThroughputPlusAddsRuns(t *testing.T) {
	a := Throughput{Ops: 100, Elapsed: time.Second, PerSec: 100}
	b := Throughput{Ops: 300, Errors: 2, Elapsed: time.Second, PerSec: 300, FirstError: "boom"}
	got := Throughput{}.Plus(a).Plus(b)
	if got.Ops != 400 || got.Errors != 2 || got.Elapsed != 2*time.Second || got.PerSec != 200 || got.FirstError != "boom" {
		t.Fatalf("%+v", got)
	}
}
