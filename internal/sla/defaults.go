package sla

import "time"

// DefaultSchedules returns the shipped regional schedules, each open Monday to
// Friday 09:00–17:00 local time with no holidays (IDs are left for the store
// to assign):
//
//   - AMER in America/New_York: Eastern time is where most North American
//     business hours overlap (09:00–17:00 ET is 06:00–14:00 Pacific); teams
//     serving the West Coast should switch to America/Los_Angeles.
//   - EMEA in Europe/Amsterdam: Central European Time covers most of the
//     region's working population (it is 08:00–16:00 in London).
//   - APAC in Australia/Sydney.
//
// Each call returns fresh values the caller may modify.
func DefaultSchedules() []Schedule {
	hours := func() []Interval {
		return OfficeHours(9*60, 17*60, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	}
	return []Schedule{
		{Name: "AMER", TimeZone: "America/New_York", Intervals: hours()},
		{Name: "EMEA", TimeZone: "Europe/Amsterdam", Intervals: hours()},
		{Name: "APAC", TimeZone: "Australia/Sydney", Intervals: hours()},
	}
}

// Global24x5Schedule returns a schedule open around the clock Monday 00:00 to
// Saturday 00:00 UTC: the "24x5" hours GitLab's published targets assume.
// Pairing DefaultPolicies with it reproduces GitLab's page (a 24-hour target
// is 24 weekday hours); paired with a 09:00–17:00 regional schedule the same
// 24 business hours last three working days.
func Global24x5Schedule() Schedule {
	return Schedule{
		Name:      "Global 24x5",
		TimeZone:  "UTC",
		Intervals: []Interval{{StartTime: 1 * minutesPerDay, EndTime: 6 * minutesPerDay}},
	}
}

// Policy titles of DefaultPolicies.
const (
	PolicyPrioritySupport = "Priority Support (Premium/Ultimate)"
	PolicyStandardSupport = "Standard Support"
)

// DefaultPolicies returns the shipped SLA policies, modelled on GitLab's
// public support SLA page (about.gitlab.com/support, "Priority Support" and
// "Standard Support (Legacy)"), with Zendesk priorities standing for GitLab
// severities (urgent = S1 emergency, high = S2, normal = S3, low = S4):
//
//  1. Priority Support, for organizations on the premium or ultimate tier
//     (self-managed and SaaS alike, as on GitLab's page): first reply
//     urgent 30 minutes in calendar time (24x7), high 4 hours, normal 8 hours,
//     low 24 hours, in business hours.
//  2. Standard Support, for every other ticket (the free tier and
//     organizations without a tier): GitLab's "next business day" — a first
//     reply within 24 business hours at every priority.
//
// GitLab publishes first-response targets only; the next_reply_time targets
// are Frontline's choice and mirror each policy's first-reply targets.
// IDs and timestamps are left for the store to assign.
func DefaultPolicies() []Policy {
	priority := []PolicyMetric{
		{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 30, BusinessHours: false},
		{Priority: PriorityHigh, Metric: MetricFirstReplyTime, Target: 4 * 60, BusinessHours: true},
		{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 8 * 60, BusinessHours: true},
		{Priority: PriorityLow, Metric: MetricFirstReplyTime, Target: 24 * 60, BusinessHours: true},
	}
	var standard []PolicyMetric
	for _, p := range []string{PriorityUrgent, PriorityHigh, PriorityNormal, PriorityLow} {
		standard = append(standard, PolicyMetric{Priority: p, Metric: MetricFirstReplyTime, Target: 24 * 60, BusinessHours: true})
	}
	withNext := func(ms []PolicyMetric) []PolicyMetric {
		out := append([]PolicyMetric(nil), ms...)
		for _, m := range ms {
			m.Metric = MetricNextReplyTime
			out = append(out, m)
		}
		return out
	}
	return []Policy{
		{
			Title:       PolicyPrioritySupport,
			Description: "Premium and Ultimate organizations: 30-minute emergency response around the clock, 4/8/24 business hours for high/normal/low.",
			Position:    1,
			Filter: Filter{Any: []Condition{
				{Field: "organization.tier", Operator: OpIs, Value: "premium"},
				{Field: "organization.tier", Operator: OpIs, Value: "ultimate"},
			}},
			PolicyMetrics: withNext(priority),
		},
		{
			Title:         PolicyStandardSupport,
			Description:   "Everyone else: next business day (24 business hours) at every priority.",
			Position:      2,
			PolicyMetrics: withNext(standard),
		},
	}
}
