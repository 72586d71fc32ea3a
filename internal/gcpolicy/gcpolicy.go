// Package gcpolicy paces the Go garbage collector of a Frontline server.
//
// Go's default (GOGC=100, no memory limit) starts a collection each time
// the heap has grown by as much as survived the last one. A server whose
// live heap is small (12 MB in the knowledge-base benchmark) then collects
// every few dozen requests, and on a two-core machine each collection's
// concurrent mark (5-9 ms) slows the requests it overlaps: it was the
// largest part of the search API's p99 (docs/performance.md). Frontline
// therefore lets the heap grow to five times what survives (GOGC=400)
// under a soft memory limit of 512 MiB, past which the runtime collects
// as often as it must to stay under it.
//
// Go's own GOGC and GOMEMLIMIT environment variables keep their meaning:
// a setting left empty takes the variable when it is set, and the default
// otherwise. The package is pure except for Apply.
package gcpolicy

import (
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// Defaults of a server process.
const (
	DefaultPercent = 400
	DefaultLimit   = 512 << 20
)

// Policy is the collector's pace: Percent as GOGC (-1: off), Limit as
// GOMEMLIMIT in bytes (math.MaxInt64: none).
type Policy struct {
	Percent int
	Limit   int64
	// From says where each value came from, for the startup log.
	From string
}

// Resolve is the policy of the settings percent and limit ("" for
// unset), then of Go's GOGC and GOMEMLIMIT in getenv, then the defaults.
func Resolve(percent, limit string, getenv func(string) string) (Policy, error) {
	pc, pcFrom, err := choose(percent, "gc-percent", "GOGC", getenv, ParsePercent, DefaultPercent)
	if err != nil {
		return Policy{}, err
	}
	lim, limFrom, err := choose(limit, "memory-limit", "GOMEMLIMIT", getenv, ParseLimit, int64(DefaultLimit))
	if err != nil {
		return Policy{}, err
	}
	return Policy{Percent: pc, Limit: lim, From: pcFrom + ", " + limFrom}, nil
}

// choose is the value of the setting name (given as setting, "" when
// unset), else of Go's variable env, else def; and where it came from.
func choose[T any](setting, name, env string, getenv func(string) string, parse func(string) (T, error), def T) (T, string, error) {
	from, v := name+" setting", setting
	if v == "" {
		from, v = env, getenv(env)
	}
	if v == "" {
		return def, "default " + name, nil
	}
	got, err := parse(v)
	if err != nil {
		return def, "", fmt.Errorf("%s: %w", strings.TrimSuffix(from, " setting"), err)
	}
	return got, from, nil
}

// ParsePercent reads a GOGC value: a whole number from 10 to 10000, or
// "off".
func ParsePercent(s string) (int, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 10 || n > 10000 {
		return 0, fmt.Errorf("%q is not a percentage from 10 to 10000, or off", s)
	}
	return n, nil
}

// units of a memory limit, as GOMEMLIMIT writes them.
var units = []struct {
	suffix string
	shift  uint
}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}

// ParseLimit reads a GOMEMLIMIT value: a whole number of bytes with an
// optional unit (B, KiB, MiB, GiB, TiB), at least 64 MiB, or "off".
func ParseLimit(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") {
		return math.MaxInt64, nil
	}
	num, shift := s, uint(0)
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			num, shift = strings.TrimSpace(v), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("%q is not a size such as 512MiB or 2GiB, or off", s)
	}
	if n<<shift < 64<<20 {
		return 0, fmt.Errorf("%q is under 64MiB, too little for the server", s)
	}
	return n << shift, nil
}

// Apply sets p on the running process and returns what restores the
// previous pace (tests and benchmarks).
func (p Policy) Apply() (restore func()) {
	oldPercent := debug.SetGCPercent(p.Percent)
	oldLimit := debug.SetMemoryLimit(p.Limit)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// String is p as GOGC and GOMEMLIMIT would be written.
func (p Policy) String() string {
	pc := "off"
	if p.Percent >= 0 {
		pc = strconv.Itoa(p.Percent)
	}
	lim := "off"
	if p.Limit != math.MaxInt64 {
		lim = strconv.FormatInt(p.Limit, 10) + "B"
		for _, u := range units[:4] {
			if p.Limit%(1<<u.shift) == 0 {
				lim = strconv.FormatInt(p.Limit>>u.shift, 10) + u.suffix
				break
			}
		}
	}
	return "GOGC=" + pc + " GOMEMLIMIT=" + lim
}
