package gcpolicy

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolvePrecedence(t *testing.T) {
	for _, c := range []struct {
		name           string
		percent, limit string
		env            map[string]string
		want           Policy
		from           string
	}{
		{"defaults", "", "", nil, Policy{Percent: 400, Limit: 512 << 20}, "default gc-percent, default memory-limit"},
		{"Go's variables", "", "", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"}, Policy{Percent: 150, Limit: 2 << 30}, "GOGC, GOMEMLIMIT"},
		{"settings over variables", "off", "1024MiB", map[string]string{"GOGC": "150", "GOMEMLIMIT": "2GiB"}, Policy{Percent: -1, Limit: 1 << 30}, "gc-percent setting, memory-limit setting"},
		{"one of each", "200", "", map[string]string{"GOMEMLIMIT": "off"}, Policy{Percent: 200, Limit: math.MaxInt64}, "gc-percent setting, GOMEMLIMIT"},
	} {
		got, err := Resolve(c.percent, c.limit, env(c.env))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Percent != c.want.Percent || got.Limit != c.want.Limit || got.From != c.from {
			t.Errorf("%s: got %+v, want %+v from %q", c.name, got, c.want, c.from)
		}
	}
}

func TestResolveNamesTheBadValue(t *testing.T) {
	for _, c := range []struct {
		percent, limit string
		env            map[string]string
		want           string
	}{
		{"5", "", nil, `gc-percent: "5" is not a percentage`},
		{"", "lots", nil, `memory-limit: "lots" is not a size`},
		{"", "", map[string]string{"GOGC": "fast"}, `GOGC: "fast"`},
		{"", "", map[string]string{"GOMEMLIMIT": "12MiB"}, `GOMEMLIMIT: "12MiB" is under 64MiB`},
		{"", "9999999999999TiB", nil, "is not a size"},
		{"", "-1GiB", nil, "is not a size"},
	} {
		_, err := Resolve(c.percent, c.limit, env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Resolve(%q, %q, %v) = %v, want an error with %q", c.percent, c.limit, c.env, err, c.want)
		}
	}
}

func TestParseLimitUnits(t *testing.T) {
	for in, want := range map[string]int64{"67108864": 64 << 20, "65536KiB": 64 << 20, "100MiB": 100 << 20, "3GiB": 3 << 30, "1TiB": 1 << 40, " 80 MiB ": 80 << 20, "OFF": math.MaxInt64} {
		if got, err := ParseLimit(in); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestString(t *testing.T) {
	for p, want := range map[Policy]string{
		{Percent: 400, Limit: 512 << 20}:      "GOGC=400 GOMEMLIMIT=512MiB",
		{Percent: -1, Limit: 3 << 30}:         "GOGC=off GOMEMLIMIT=3GiB",
		{Percent: 100, Limit: math.MaxInt64}:  "GOGC=100 GOMEMLIMIT=off",
		{Percent: 100, Limit: 64<<20 + 1}:     "GOGC=100 GOMEMLIMIT=67108865B",
		{Percent: 100, Limit: 64<<20 + 1<<10}: "GOGC=100 GOMEMLIMIT=65537KiB",
	} {
		if got := p.String(); got != want {
			t.Errorf("%+v: %q, want %q", p, got, want)
		}
	}
}

func TestApplySetsAndRestores(t *testing.T) {
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	beforeLimit := debug.SetMemoryLimit(-1) // -1 reads without changing
	restore := Policy{Percent: 321, Limit: 700 << 20}.Apply()
	if got := debug.SetGCPercent(321); got != 321 {
		t.Errorf("GC percent after Apply = %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 700<<20 {
		t.Errorf("memory limit after Apply = %d", got)
	}
	restore()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("GC percent after restore = %d, want %d", got, before)
	}
	if got := debug.SetMemoryLimit(-1); got != beforeLimit {
		t.Errorf("memory limit after restore = %d, want %d", got, beforeLimit)
	}
}
