// Package kpi computes the support department's performance indicators
// (../shared/reference/kpi-capacity.md): satisfaction, SLA achievement,
// time to resolve, customer wait time ratio, tickets per engineer,
// deflection, IC:manager ratio, headcount, operating expenses and hiring.
// The maths here is pure: inputs are counts and durations the store reads,
// outputs are values, targets, red/green status and trends. Every ratio is
// zero-safe: with no denominator an indicator is "not available" (nil
// value), never 0% or NaN.
package kpi

import (
	"math"
	"sort"
)

// Direction says which side of the target is good.
type Direction string

const (
	AtLeast Direction = "at_least" // value >= target is green (SSAT, SLA)
	AtMost  Direction = "at_most"  // value <= target is green (wait ratio, IC:manager, opex share)
	Within  Direction = "within"   // |value - target| <= tolerance (opex vs plan)
	Tracked Direction = "tracked"  // no fixed target: reported only
)

// Status of an indicator against its target.
type Status string

const (
	Green        Status = "green"
	Red          Status = "red"
	NotAvailable Status = "not_available"
	Reported     Status = "reported"
)

// Indicator is one KPI's value for a period.
type Indicator struct {
	Name       string    `json:"name"`
	Title      string    `json:"title"`
	Definition string    `json:"definition"`
	Unit       string    `json:"unit"`
	Value      *float64  `json:"value"`
	Target     *float64  `json:"target"`
	Direction  Direction `json:"direction"`
	Tolerance  float64   `json:"tolerance,omitempty"`
	Status     Status    `json:"status"`
	Trend      []Point   `json:"trend"`
	Detail     string    `json:"detail,omitempty"`
}

// Point is one bucket of a trend (a month or a week).
type Point struct {
	Period string   `json:"period"`
	Value  *float64 `json:"value"`
}

// Ratio is num/den, nil when den is zero.
func Ratio(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	v := num / den
	return &v
}

// F returns a pointer to v.
func F(v float64) *float64 { return &v }

// SSAT = good / (good + bad); unanswered surveys are not counted.
func SSAT(good, bad int) *float64 { return Ratio(float64(good), float64(good+bad)) }

// SLAAchievement = cycles achieved / cycles where the SLA applied.
func SLAAchievement(achieved, applied int) *float64 {
	return Ratio(float64(achieved), float64(applied))
}

// Resolution is one solved ticket's durations in seconds: Total from
// creation to solve, Waiting the time spent waiting on others (pending and
// on-hold — engineering/R&D or the customer), New+Open the time the
// customer waited on support.
type Resolution struct {
	Total   int64
	Waiting int64
	NewOpen int64
}

// Quantile is the linear-interpolation quantile (q in [0,1]) of xs; nil
// when xs is empty. xs is not modified.
func Quantile(xs []float64, q float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	v := s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
	return &v
}

// TimeToResolve returns the median and p90 resolution time in hours,
// excluding time waiting on others.
func TimeToResolve(rs []Resolution) (median, p90 *float64) {
	xs := make([]float64, 0, len(rs))
	for _, r := range rs {
		h := float64(max(r.Total-r.Waiting, 0)) / 3600
		xs = append(xs, h)
	}
	return Quantile(xs, 0.5), Quantile(xs, 0.9)
}

// WaitTimeRatio = median time in new+open / median resolution time (the
// full resolution time, so the ratio says what share of a ticket's life the
// customer waited on support).
func WaitTimeRatio(rs []Resolution) *float64 {
	open := make([]float64, 0, len(rs))
	total := make([]float64, 0, len(rs))
	for _, r := range rs {
		open = append(open, float64(r.NewOpen))
		total = append(total, float64(r.Total))
	}
	mo, mt := Quantile(open, 0.5), Quantile(total, 0.5)
	if mo == nil || mt == nil || *mt == 0 {
		return nil
	}
	return F(*mo / *mt)
}

// EngineerLoad is one engineer's solved count against the baseline.
type EngineerLoad struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Solved   int     `json:"solved"`
	Baseline float64 `json:"baseline"`
	Below    bool    `json:"below_baseline"`
}

// PerEngineer returns the team mean of tickets solved per engineer and each
// engineer against the baseline of share (0.85) of that mean. Engineers
// with zero solved tickets count in the mean (they are on the team).
func PerEngineer(solved map[int64]int, names map[int64]string, share float64) (mean *float64, loads []EngineerLoad) {
	if len(solved) == 0 {
		return nil, nil
	}
	total := 0
	for _, n := range solved {
		total += n
	}
	m := float64(total) / float64(len(solved))
	base := share * m
	for id, n := range solved {
		loads = append(loads, EngineerLoad{ID: id, Name: names[id], Solved: n, Baseline: base, Below: float64(n) < base})
	}
	sort.Slice(loads, func(i, j int) bool {
		if loads[i].Solved != loads[j].Solved {
			return loads[i].Solved > loads[j].Solved
		}
		return loads[i].ID < loads[j].ID
	})
	return &m, loads
}

// Deflection = self-service resolutions / (self-service + tickets); nil
// until the knowledge base reports any self-service sessions.
func Deflection(deflected, tickets int) *float64 {
	if deflected == 0 {
		return nil
	}
	return Ratio(float64(deflected), float64(deflected+tickets))
}

// ICManagerRatio = individual contributors per manager; nil with no managers.
func ICManagerRatio(ics, managers int) *float64 { return Ratio(float64(ics), float64(managers)) }

// Band is the yearly cost of one grade (fully loaded).
type Band struct {
	Grade      string  `json:"grade"`
	YearlyCost float64 `json:"yearly_cost"`
}

// Opex is the operating-expense computation.
type Opex struct {
	Headcount    float64  `json:"headcount_cost"`
	NonHeadcount float64  `json:"non_headcount_cost"`
	Total        float64  `json:"total"`
	Plan         float64  `json:"plan"`
	VsPlan       *float64 `json:"vs_plan"`          // (total - plan) / plan
	Revenue      float64  `json:"revenue"`          // annual recurring revenue
	ShareRevenue *float64 `json:"share_of_revenue"` // total / revenue
	Unbanded     int      `json:"unbanded_members"` // members whose grade has no band
}

// OperatingExpenses prices the roster (grade → count) at the bands, adds
// non-headcount spend and compares with the plan and revenue (all yearly).
func OperatingExpenses(grades map[string]int, bands []Band, nonHeadcount, plan, revenue float64) Opex {
	cost := map[string]float64{}
	for _, b := range bands {
		cost[b.Grade] = b.YearlyCost
	}
	var o Opex
	for g, n := range grades {
		c, ok := cost[g]
		if !ok {
			o.Unbanded += n
			continue
		}
		o.Headcount += c * float64(n)
	}
	o.NonHeadcount = nonHeadcount
	o.Total = o.Headcount + nonHeadcount
	o.Plan, o.Revenue = plan, revenue
	if plan != 0 {
		o.VsPlan = F((o.Total - plan) / plan)
	}
	o.ShareRevenue = Ratio(o.Total, revenue)
	return o
}

// StatusOf rates a value against a target.
func StatusOf(value, target *float64, dir Direction, tolerance float64) Status {
	if value == nil {
		return NotAvailable
	}
	if target == nil || dir == Tracked {
		return Reported
	}
	v, t := *value, *target
	const eps = 1e-9
	switch dir {
	case AtLeast:
		if v+eps >= t {
			return Green
		}
	case AtMost:
		if v <= t+eps {
			return Green
		}
	case Within:
		if math.Abs(v-t) <= tolerance+eps {
			return Green
		}
	}
	return Red
}

// Rate fills an indicator's status from its value and target.
func (i *Indicator) Rate() { i.Status = StatusOf(i.Value, i.Target, i.Direction, i.Tolerance) }

// Slope is the least-squares slope of the trend's available points per
// period (nil with fewer than two), so "improving" is a sign, not a guess.
func Slope(ps []Point) *float64 {
	var n, sx, sy, sxx, sxy float64
	for i, p := range ps {
		if p.Value == nil {
			continue
		}
		x := float64(i)
		n++
		sx += x
		sy += *p.Value
		sxx += x * x
		sxy += x * *p.Value
	}
	if n < 2 {
		return nil
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return nil
	}
	return F((n*sxy - sx*sy) / d)
}
