package oncall

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// WeekendWeight is how much a weekend hour weighs in a member's load
// against a weekday hour (a weekend on call costs more).
const WeekendWeight = 1.5

// Quarter is the calendar quarter holding t in loc: its first instant and
// the first instant of the next.
func Quarter(t time.Time, loc *time.Location) (time.Time, time.Time) {
	lt := t.In(loc)
	m := time.Month((int(lt.Month())-1)/3*3 + 1)
	from := time.Date(lt.Year(), m, 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 3, 0)
}

// QuarterName is "2026-Q4".
func QuarterName(t time.Time, loc *time.Location) string {
	lt := t.In(loc)
	return fmt.Sprintf("%d-Q%d", lt.Year(), (int(lt.Month())-1)/3+1)
}

// Load is one member's share of on-call over a period.
type Load struct {
	UserID       int64   `json:"user_id"`
	Hours        float64 `json:"hours"`
	WeekendHours float64 `json:"weekend_hours"`
	Shifts       int     `json:"shifts"`
	// Balance is the member's weighted load over the mean of the pool's
	// (1 is an exactly fair share; 1.5 is half again as much).
	Balance float64 `json:"balance"`
}

// Weighted is hours with weekend hours weighing WeekendWeight.
func (l Load) Weighted() float64 { return l.Hours + (WeekendWeight-1)*l.WeekendHours }

// Fairness is the load of every member of a pool over a period.
type Fairness struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Members []Load    `json:"members"`
	// Score is 1 minus the coefficient of variation of the weighted
	// loads, floored at 0: 1 when everyone carries the same, lower as the
	// spread grows.
	Score    float64 `json:"score"`
	GapHours float64 `json:"gap_hours"`
}

// weekendHours is how much of [from, to) falls on a Saturday or Sunday in
// loc.
func weekendHours(from, to time.Time, loc *time.Location) float64 {
	var h float64
	for t := from; t.Before(to); {
		lt := t.In(loc)
		next := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
		if next.After(to) {
			next = to
		}
		if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday {
			h += next.Sub(t).Hours()
		}
		t = next
	}
	return h
}

// Fair measures segments (a rendered schedule, or several concatenated)
// for the members of pool (members with no hours count, with zero) with
// weekends read in loc.
func Fair(segs []Segment, pool []int64, loc *time.Location, from, to time.Time) Fairness {
	by := map[int64]*Load{}
	for _, u := range pool {
		if by[u] == nil {
			by[u] = &Load{UserID: u}
		}
	}
	f := Fairness{From: from, To: to}
	for _, g := range segs {
		if g.UserID == 0 {
			if g.Source == SourceGap {
				f.GapHours += g.Duration().Hours()
			}
			continue
		}
		l := by[g.UserID]
		if l == nil {
			l = &Load{UserID: g.UserID}
			by[g.UserID] = l
		}
		l.Hours += g.Duration().Hours()
		l.WeekendHours += weekendHours(g.Start, g.End, loc)
		l.Shifts++
	}
	for _, l := range by {
		f.Members = append(f.Members, *l)
	}
	slices.SortFunc(f.Members, func(a, b Load) int { return cmp.Compare(a.UserID, b.UserID) })
	f.Score = balance(f.Members)
	return f
}

// balance fills each member's Balance and returns the pool's score.
func balance(ms []Load) float64 {
	if len(ms) == 0 {
		return 1
	}
	var sum float64
	for _, l := range ms {
		sum += l.Weighted()
	}
	mean := sum / float64(len(ms))
	if mean == 0 {
		return 1
	}
	var ss float64
	for i := range ms {
		w := ms[i].Weighted()
		ms[i].Balance = math.Round(w/mean*100) / 100
		ss += (w - mean) * (w - mean)
	}
	cv := math.Sqrt(ss/float64(len(ms))) / mean
	return math.Round(math.Max(0, 1-cv)*1000) / 1000
}

// --- time off and gaps ---------------------------------------------------------

// Away is a member's absence as instants (time off read on their own
// calendar).
type Away struct {
	UserID int64
	Start  time.Time
	End    time.Time
	Detail string
}

// Kinds of flag.
const (
	FlagTimeOff = "time_off" // the person on call is off
	FlagGap     = "gap"      // nobody is on call
)

// Flag is a problem ahead in a schedule.
type Flag struct {
	Kind        string    `json:"kind"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	UserID      int64     `json:"user_id,omitempty"`
	Detail      string    `json:"detail,omitempty"`
	Suggestions []int64   `json:"suggestions,omitempty"` // available, least loaded first
}

// awayDuring is the first absence of user overlapping [from, to).
func awayDuring(away []Away, user int64, from, to time.Time) (Away, bool) {
	for _, a := range away {
		if a.UserID == user && a.Start.Before(to) && from.Before(a.End) {
			return a, true
		}
	}
	return Away{}, false
}

// Suggest lists up to n members of pool who could take [from, to) instead
// of user: not user, not away then, least loaded first (pool order breaks
// ties).
func Suggest(pool []int64, user int64, from, to time.Time, away []Away, load map[int64]float64, n int) []int64 {
	var out []int64
	for _, u := range pool {
		if u == user || slices.Contains(out, u) {
			continue
		}
		if _, off := awayDuring(away, u, from, to); off {
			continue
		}
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(a, b int64) int { return cmp.Compare(load[a], load[b]) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Check flags a rendered schedule: every stretch on which the person on
// call is away (with up to three suggested replacements from pool) and
// every gap.
func Check(segs []Segment, pool []int64, away []Away, load map[int64]float64) []Flag {
	var out []Flag
	for _, g := range segs {
		if g.UserID == 0 {
			if g.Source == SourceGap {
				out = append(out, Flag{Kind: FlagGap, Start: g.Start, End: g.End, Detail: "nobody is on call"})
			}
			continue
		}
		for _, a := range away {
			if a.UserID != g.UserID || !a.Start.Before(g.End) || !g.Start.Before(a.End) {
				continue
			}
			from, to := maxTime(a.Start, g.Start), minTime(a.End, g.End)
			out = append(out, Flag{Kind: FlagTimeOff, Start: from, End: to, UserID: g.UserID, Detail: a.Detail,
				Suggestions: Suggest(pool, g.UserID, from, to, away, load, 3)})
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Pool is every member listed in the schedule's layers, in first-seen order.
func (s *Schedule) Pool() []int64 {
	var out []int64
	for _, l := range s.Layers {
		for _, u := range l.Members {
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out
}

// --- the quarter generator -----------------------------------------------------

// Plan is a generated quarter: each layer's member order (rotated so the
// turn holding the quarter's start goes to the first of the balanced
// order) and overrides that cover members' time off.
type Plan struct {
	Orders    map[int64][]int64 `json:"orders"` // layer id -> members
	Overrides []Override        `json:"overrides"`
	Fairness  Fairness          `json:"fairness"`
}

// Generate fills [from, to) for s from pool (the eligible members; nil:
// the schedule's own): each layer, highest first, takes the pool members
// it already lists (all of the pool when it lists none of them) ordered
// least loaded first so that the members who get an extra turn are the
// ones who carry least so far; then every stretch on which the person on
// call is away goes, as an override, to the least loaded available member.
// prior is load already carried (other schedules of the quarter).
func Generate(s Schedule, from, to time.Time, pool []int64, away []Away, prior map[int64]float64) (Plan, error) {
	if err := s.Prepare(); err != nil {
		return Plan{}, errs.Invalid("layers", err.Error())
	}
	if !from.Before(to) {
		return Plan{}, errs.Invalid("until", "must be after since")
	}
	if pool == nil {
		pool = s.Pool()
	}
	if len(pool) == 0 {
		return Plan{}, errs.Invalid("members", "Generator rule: the schedule has nobody to put on call")
	}
	load := map[int64]float64{}
	for u, h := range prior {
		load[u] = h
	}
	loc := scheduleLoc(s)
	plan := Plan{Orders: map[int64][]int64{}}
	layers := slices.Clone(s.Layers)
	for i := range layers {
		l := &layers[i]
		var members []int64
		for _, u := range l.Members {
			if slices.Contains(pool, u) && !slices.Contains(members, u) {
				members = append(members, u)
			}
		}
		if len(members) == 0 {
			members = slices.Clone(pool)
		}
		slices.SortStableFunc(members, func(a, b int64) int { return cmp.Compare(load[a], load[b]) })
		// rotate: the turn holding max(from, start) goes to members[0]
		t := from
		if t.Before(l.start) {
			t = l.start
		}
		k, _, _, ok := l.turn(t)
		if !ok {
			k = 0
		}
		n := len(members)
		order := make([]int64, n)
		for j, u := range members {
			order[((k+j)%n+n)%n] = u
		}
		l.Members = order
		plan.Orders[l.ID] = order
		for _, g := range RenderLayer(*l, from, to) {
			load[g.UserID] += g.Duration().Hours() + (WeekendWeight-1)*weekendHours(g.Start, g.End, loc)
		}
	}
	gen := Schedule{ID: s.ID, TZ: s.TZ, Layers: layers, Overrides: slices.Clone(s.Overrides)}
	if err := gen.Prepare(); err != nil {
		return Plan{}, err
	}
	// Reset the load to what the final schedule gives, then cover time off.
	load = map[int64]float64{}
	for u, h := range prior {
		load[u] = h
	}
	segs := Render(gen, from, to)
	for _, g := range segs {
		if g.UserID != 0 {
			load[g.UserID] += g.Duration().Hours() + (WeekendWeight-1)*weekendHours(g.Start, g.End, loc)
		}
	}
	for _, fl := range Check(segs, pool, away, load) {
		if fl.Kind != FlagTimeOff || len(fl.Suggestions) == 0 {
			continue
		}
		taker := fl.Suggestions[0]
		w := fl.End.Sub(fl.Start).Hours() + (WeekendWeight-1)*weekendHours(fl.Start, fl.End, loc)
		load[taker] += w
		load[fl.UserID] -= w
		plan.Overrides = append(plan.Overrides, Override{ScheduleID: s.ID, UserID: taker, Start: fl.Start, End: fl.End,
			Reason: "time off: " + fl.Detail})
	}
	for i, o := range plan.Overrides {
		o.ID = int64(1<<40 + i) // newer than any stored override
		gen.Overrides = append(gen.Overrides, o)
	}
	_ = gen.Prepare()
	plan.Fairness = Fair(Render(gen, from, to), pool, loc, from, to)
	return plan, nil
}

// scheduleLoc is the schedule's zone (UTC when unset or unknown).
func scheduleLoc(s Schedule) *time.Location {
	if loc, err := time.LoadLocation(s.TZ); err == nil && s.TZ != "" {
		return loc
	}
	return time.UTC
}
