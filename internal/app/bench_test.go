package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/bench"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestBenchCommand runs `frontline bench` at a toy size on both engines:
// it generates, measures every figure and writes the table and the JSON.
// Only the report's shape is checked, never a speed (timing is the
// benchmark's job, not a test's).
func TestBenchCommand(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "bench.json")
			args := append([]string{"bench", "--tickets", "400", "--duration", "150ms", "--samples", "10", "--clients", "2",
				"--skip-server", "--json", jsonPath}, databaseArgs(t, e)...)
			var stdout, stderr syncBuffer // the server's goroutines may log while the bench prints
			if code := Main(context.Background(), args, testEnv(&stdout, &stderr)); code != 0 {
				t.Fatalf("bench exited %d: %s", code, stderr.String())
			}
			for _, want := range []string{"create ticket via API", "get ticket via API", "view first page", "ranked full-text search", "bulk generation",
				"kpi: rollup", "KPI overview", "KPI indicator page", "12-month forecast and plan"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("table lacks %q:\n%s", want, stdout.String())
				}
			}
			b, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			var rep bench.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Tickets < 400 || len(rep.Results) != 10 || rep.Engine != e.Name {
				t.Fatalf("report %+v", rep)
			}
			for _, r := range rep.Results {
				if r.Value <= 0 || strings.Contains(r.Note, "errors:") {
					t.Errorf("%s: value %v note %q", r.Name, r.Value, r.Note)
				}
			}
		})
	}
}

// TestBenchSigninStorm runs the sign-in storm measure at a toy size on both
// engines: a real `serve` subprocess (this test binary, see TestMain) with
// production password hashing, a /healthz storm and then wrong sign-ins
// from 20 addresses. Only the
// report's shape and the kinds of answer are checked, never a speed or a
// size.
func TestBenchSigninStorm(t *testing.T) {
	t.Setenv(runMainEnv, "1") // inherited by the server subprocess
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "bench.json")
			args := append([]string{"bench", "--only", "signin", "--tickets", "100", "--duration", "1s", "--storm", "20",
				"--json", jsonPath}, databaseArgs(t, e)...)
			var stdout, stderr syncBuffer
			if code := Main(context.Background(), args, testEnv(&stdout, &stderr)); code != 0 {
				t.Fatalf("bench exited %d: %s", code, stderr.String())
			}
			b, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			var rep bench.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			got := map[string]bench.Result{}
			for _, r := range rep.Results {
				got[strings.TrimSpace(r.Name)] = r
			}
			rss, answers, ready := got["sign-in storm (20 clients): peak server RSS"], got["sign-in storm answers"], got["/readyz during the storm p99"]
			if rss.Value <= 0 || rss.Baseline <= 0 || rss.Value < rss.Baseline {
				t.Errorf("peak RSS %+v", rss)
			}
			if !answers.Pass || answers.Value <= 0 || !strings.Contains(answers.Note, "0 other, 0 failed requests") {
				t.Errorf("answers %+v", answers)
			}
			// (whether /readyz kept within its bound is the benchmark's verdict,
			// not this test's: it depends on the machine)
			if ready.Value <= 0 || ready.Baseline <= 0 || !strings.Contains(ready.Note, "n=") {
				t.Errorf("/readyz %+v", ready)
			}
			if t.Failed() {
				t.Logf("report:\n%s", stdout.String())
			}
		})
	}
}
