package app

import (
	"context"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// readPace reads the process's collector pace without changing it.
func readPace() (int, int64) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

// TestServePacesTheCollector: serve runs under its configured collector
// pace (settings over Go's variables over the defaults), logs it, and
// restores the process's pace when it stops.
func TestServePacesTheCollector(t *testing.T) {
	beforeP, beforeL := readPace()
	for _, c := range []struct {
		name    string
		args    []string
		env     map[string]string
		percent int
		limit   int64
		log     string
	}{
		{"defaults", nil, nil, 400, 512 << 20, "pace=\"GOGC=400 GOMEMLIMIT=512MiB\" from=\"default gc-percent, default memory-limit\""},
		{"Go's variables", nil, map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}, 150, 1 << 30, "from=\"GOGC, GOMEMLIMIT\""},
		{"settings", []string{"--gc-percent", "250", "--memory-limit", "300MiB"}, map[string]string{"GOGC": "150"}, 250, 300 << 20, "pace=\"GOGC=250 GOMEMLIMIT=300MiB\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			env := testEnv(&stdout, &stderr)
			env.Getenv = func(k string) string { return c.env[k] }
			type pace struct {
				p int
				l int64
			}
			got := make(chan pace, 1)
			env.Ready = func(string) {
				p, l := readPace()
				got <- pace{p, l}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			args := append([]string{"serve", "--http", "127.0.0.1:0", "--smtp", "", "--data-dir", t.TempDir()}, c.args...)
			go func() { done <- Main(ctx, args, env) }()
			select {
			case g := <-got:
				if g.p != c.percent || g.l != c.limit {
					t.Errorf("while serving: GOGC %d, limit %d; want %d, %d", g.p, g.l, c.percent, c.limit)
				}
			case code := <-done:
				t.Fatalf("serve exited %d: %s", code, stderr.String())
			case <-time.After(30 * time.Second):
				t.Fatal("server did not start")
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("serve exited %d: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.log) {
				t.Errorf("start log lacks %s:\n%s", c.log, stderr.String())
			}
			if p, l := readPace(); p != beforeP || l != beforeL {
				t.Errorf("after serve: GOGC %d, limit %d; want the process's %d, %d back", p, l, beforeP, beforeL)
			}
		})
	}
	var stdout, stderr syncBuffer
	env := testEnv(&stdout, &stderr)
	env.Getenv = func(k string) string { return map[string]string{"GOMEMLIMIT": "a lot"}[k] }
	if code := Main(context.Background(), []string{"serve", "--http", "127.0.0.1:0", "--smtp", "", "--data-dir", t.TempDir()}, env); code == 0 ||
		!strings.Contains(stderr.String(), `GOMEMLIMIT: "a lot" is not a size`) {
		t.Errorf("a bad GOMEMLIMIT: exit %d, %s", code, stderr.String())
	}
}
