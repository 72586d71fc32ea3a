package capacity

import (
	"math"
	"sort"
)

// Staffing is the workload model's parameters.
type Staffing struct {
	Deflection    float64 `json:"deflection"`      // share of demand self-served (0..1)
	HandleHours   float64 `json:"handle_hours"`    // engineer hours per ticket
	HoursPerMonth float64 `json:"hours_per_month"` // contracted hours per engineer per month
	Shrinkage     float64 `json:"shrinkage"`       // time off, holidays, training, meetings (0..1)
	Utilisation   float64 `json:"utilisation"`     // share of available time on tickets (0..1)
	ICPerManager  float64 `json:"ic_per_manager"`  // IC:manager target (10)
}

// Engineers is the exact (fractional) engineers a monthly volume needs:
// tickets x (1 - deflection) x handle / (hours x (1 - shrinkage) x utilisation).
func (s Staffing) Engineers(tickets float64) float64 {
	den := s.HoursPerMonth * (1 - s.Shrinkage) * s.Utilisation
	if den <= 0 {
		return 0
	}
	return tickets * (1 - s.Deflection) * s.HandleHours / den
}

// Required is the whole engineers and managers a monthly volume needs.
func (s Staffing) Required(tickets float64) (engineers, managers int) {
	e := s.Engineers(tickets)
	engineers = int(math.Ceil(e - 1e-9))
	per := s.ICPerManager
	if per <= 0 {
		per = 10
	}
	managers = int(math.Ceil(float64(engineers)/per - 1e-9))
	return engineers, managers
}

// ErlangB by the stable recursion B_0 = 1, B_k = A B_{k-1} / (k + A B_{k-1}).
func ErlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// ErlangC is the probability an arrival waits with n agents and traffic a
// (erlangs): N B / (N - A (1 - B)); 1 when n <= a.
func ErlangC(n int, a float64) float64 {
	if float64(n) <= a {
		return 1
	}
	b := ErlangB(n, a)
	return float64(n) * b / (float64(n) - a*(1-b))
}

// ServiceLevel is the share answered within t: 1 - P_wait e^{-(N-A) t / AHT}.
func ServiceLevel(n int, a, t, aht float64) float64 {
	if float64(n) <= a {
		return 0
	}
	return 1 - ErlangC(n, a)*math.Exp(-(float64(n)-a)*t/aht)
}

// ASA is the average speed of answer: P_wait AHT / (N - A).
func ASA(n int, a, aht float64) float64 {
	if float64(n) <= a {
		return math.Inf(1)
	}
	return ErlangC(n, a) * aht / (float64(n) - a)
}

// Coverage is an Erlang C staffing answer.
type Coverage struct {
	Traffic      float64 `json:"traffic_erlangs"`
	Agents       int     `json:"agents"`
	ServiceLevel float64 `json:"service_level"`
	Occupancy    float64 `json:"occupancy"`
	ASA          float64 `json:"asa"`
	Rostered     int     `json:"rostered"`
}

// ErlangStaff is the smallest N > A meeting the service level target within
// t and the maximum occupancy, and the rostered count ceil(N / (1 - shrinkage)).
// rate is arrivals per unit, aht and t in the same unit.
func ErlangStaff(rate, aht, t, target, maxOcc, shrinkage float64) Coverage {
	a := rate * aht
	n := int(math.Floor(a)) + 1
	if a == 0 {
		n = 1
	}
	for ; n < 10000; n++ {
		if ServiceLevel(n, a, t, aht) >= target && a/float64(n) <= maxOcc {
			break
		}
	}
	return Coverage{Traffic: a, Agents: n, ServiceLevel: ServiceLevel(n, a, t, aht), Occupancy: a / float64(n),
		ASA: ASA(n, a, aht), Rostered: int(math.Ceil(float64(n)/(1-shrinkage) - 1e-9))}
}

// Ramp is the productivity of a new hire by month since start (month 0 is
// the start month); after the curve, 1.
type Ramp []float64

// DefaultRamp: a quarter, half, three quarters, then full.
func DefaultRamp() Ramp { return Ramp{0.25, 0.5, 0.75} }

// At is the productivity k months after start (0 before the start).
func (r Ramp) At(k int) float64 {
	if k < 0 {
		return 0
	}
	if k < len(r) {
		return r[k]
	}
	return 1
}

// Person is one supply line: a member (Start before the horizon) or a
// vacancy (Start within it), with an optional leave month. Months are
// indexes into the horizon (0 = first month); Leave < 0 means staying.
type Person struct {
	Region  string
	Start   int // month index of start; negative = already on the roster and ramped
	Leave   int // month index the person is gone from; -1 = staying
	OffFrac []float64
}

// Supply is the effective engineers per month: members count 1 minus the
// share of the month they are off, new hires follow the ramp.
func Supply(people []Person, months int, ramp Ramp) map[string][]float64 {
	out := map[string][]float64{}
	for _, p := range people {
		row := out[p.Region]
		if row == nil {
			row = make([]float64, months)
			out[p.Region] = row
		}
		for m := 0; m < months; m++ {
			if p.Leave >= 0 && m >= p.Leave {
				break
			}
			v := 1.0
			if p.Start >= 0 {
				v = ramp.At(m - p.Start)
			}
			if m < len(p.OffFrac) {
				v *= 1 - p.OffFrac[m]
			}
			row[m] += v
		}
	}
	return out
}

// Proposal is a draft hiring-plan line.
type Proposal struct {
	Region      string `json:"region"`
	Count       int    `json:"count"`
	StartMonth  int    `json:"start_month"` // horizon index of the target start date
	NeededMonth int    `json:"needed_month"`
	Role        string `json:"role"` // "engineer" or "manager"
	Reason      string `json:"reason"`
}

// Propose drafts vacancies so that, with the ramp, supply covers required
// engineers in every month: for each region, walking the months, whenever
// the remaining gap is at least threshold engineers it proposes enough
// hires to start lead months earlier. Gaps in the first lead months are
// left to the plan's gap column: hiring cannot close them.
func Propose(required, supply map[string][]float64, ramp Ramp, lead int, threshold float64) []Proposal {
	regions := make([]string, 0, len(required))
	for r := range required {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	var out []Proposal
	for _, r := range regions {
		req := required[r]
		have := append([]float64(nil), supply[r]...)
		if len(have) < len(req) {
			have = append(have, make([]float64, len(req)-len(have))...)
		}
		for m := range req {
			if m < lead {
				continue // nobody hired now is productive before the lead time: a near-term gap for overtime or contractors
			}
			gap := req[m] - have[m]
			if gap < threshold {
				continue
			}
			start := max(m-lead, 0)
			per := ramp.At(m - start)
			n := int(math.Ceil(gap/per - 1e-9))
			out = append(out, Proposal{Region: r, Count: n, StartMonth: start, NeededMonth: m, Role: "engineer",
				Reason: "required engineers exceed supply"})
			for k := start; k < len(have); k++ {
				have[k] += float64(n) * ramp.At(k-start)
			}
		}
	}
	return out
}
