package kpi

import "context"

// Def is an indicator's fixed definition and target.
type Def struct {
	Name       string
	Title      string
	Definition string
	Unit       string
	Target     *float64
	Direction  Direction
	Tolerance  float64
}

// Catalog is every indicator, in the overview's order. Targets come from the
// reference (kpi-capacity.md).
func Catalog() []Def {
	return []Def{
		{"ssat", "Support Satisfaction (SSAT)", "good / (good + bad) ratings; unanswered surveys excluded", "ratio", F(0.95), AtLeast, 0},
		{"sla_achievement", "SLA achievement", "SLA cycles achieved / cycles where an SLA applied (all metrics)", "ratio", F(0.95), AtLeast, 0},
		{"sla_first_reply_time", "SLA achievement: first reply", "first replies within target / tickets where the first-reply SLA applied", "ratio", F(0.95), AtLeast, 0},
		{"sla_next_reply_time", "SLA achievement: next reply", "next replies within target / next-reply cycles", "ratio", F(0.95), AtLeast, 0},
		{"sla_requester_wait_time", "SLA achievement: requester wait", "requester wait within target / cycles", "ratio", F(0.95), AtLeast, 0},
		{"time_to_resolve_median", "Time to resolve (median)", "median hours from creation to solve, excluding time pending or on hold (waiting on others)", "hours", nil, Tracked, 0},
		{"time_to_resolve_p90", "Time to resolve (p90)", "90th percentile hours to solve, excluding time waiting on others", "hours", nil, Tracked, 0},
		{"customer_wait_time_ratio", "Customer wait time ratio", "median time in new+open / median resolution time", "ratio", F(0.35), AtMost, 0},
		{"tickets_per_engineer", "Tickets solved per engineer", "tickets solved / engineers with solves in the period; each engineer's baseline is 85% of the team mean", "tickets", nil, Tracked, 0},
		{"deflection", "Ticket deflection", "self-service resolutions / (self-service + tickets); from the knowledge base", "ratio", nil, Tracked, 0},
		{"kb_deflection_rate", "Help Center deflection rate", "sessions that viewed an article and filed no ticket within 72 hours / sessions that viewed an article (first view in the month); from the knowledge base's events", "ratio", nil, Tracked, 0},
		{"ic_manager_ratio", "IC:manager ratio", "individual contributors per people manager on the roster", "ratio", F(10), AtMost, 0},
		{"headcount", "Headcount", "active members on the roster", "people", nil, Tracked, 0},
		{"opex_share_of_revenue", "Operating expenses / revenue", "(headcount at grade bands + non-headcount spend) / annual revenue of organizations", "ratio", F(0.10), AtMost, 0},
		{"opex_vs_plan", "Operating expenses vs plan", "(spend - plan) / plan; within 5% is green", "ratio", F(0), Within, 0.05},
		{"hiring_vs_plan", "Hiring actual vs plan", "hires started / hires planned to date; from the hiring module", "ratio", F(1), AtLeast, 0},
		{"time_to_fill", "Time to fill", "median days from opening a position to its accepted offer; from the hiring module", "days", F(50), AtMost, 0},
	}
}

// DefOf finds an indicator's definition by name.
func DefOf(name string) (Def, bool) {
	for _, d := range Catalog() {
		if d.Name == name {
			return d, true
		}
	}
	return Def{}, false
}

// Make builds a rated indicator from its definition.
func (d Def) Make(value *float64, trend []Point) Indicator {
	i := Indicator{Name: d.Name, Title: d.Title, Definition: d.Definition, Unit: d.Unit, Value: value,
		Target: d.Target, Direction: d.Direction, Tolerance: d.Tolerance, Trend: trend}
	if i.Trend == nil {
		i.Trend = []Point{}
	}
	i.Rate()
	return i
}

// Hiring is what the hiring module (issue 17) reports; until it lands the
// source is absent and the hiring indicators are "not available".
type Hiring interface {
	// HiringActualVsPlan returns hires started and hires planned up to the
	// period's end; ok false when no plan exists.
	HiringActualVsPlan(year int, month int) (actual, planned int, ok bool)
	// TimeToFillDays returns the median days to fill positions filled in the
	// period; ok false when none.
	TimeToFillDays(year int, month int) (days float64, ok bool)
}

// Deflections is what the knowledge base (issue 20) reports.
type Deflections interface {
	// Deflected returns self-service resolutions in the period.
	Deflected(year int, month int) int
	// DeflectionRate returns the event-based deflection rate of the
	// period's sessions; ok false when no session viewed an article.
	DeflectionRate(year int, month int) (rate float64, ok bool)
}

// Vacancy is a proposed vacancy as the hiring module receives it.
type Vacancy struct {
	Region      string `json:"region"`
	Count       int    `json:"count"`
	Role        string `json:"role"`
	TargetStart string `json:"target_start_date"`
	Reason      string `json:"reason"`
}

// VacancySink is the hiring module's side of "approve proposed vacancies":
// it turns the capacity plan's proposals into draft hiring-plan lines in
// one transaction and returns how many lines it created. Nil until the
// hiring module (issue 17) is wired.
type VacancySink interface {
	ApproveVacancies(ctx context.Context, approverID int64, vs []Vacancy) (int, error)
}
