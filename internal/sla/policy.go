package sla

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Metric names, as Zendesk spells them in policy_metrics[].metric.
const (
	MetricFirstReplyTime     = "first_reply_time"
	MetricNextReplyTime      = "next_reply_time"
	MetricPeriodicUpdateTime = "periodic_update_time"
	MetricPausableUpdateTime = "pausable_update_time"
	MetricRequesterWaitTime  = "requester_wait_time"
	MetricAgentWorkTime      = "agent_work_time"
)

// Ticket priorities, lowest first.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Ticket statuses, in Zendesk's order.
const (
	StatusNew     = "new"
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusHold    = "hold"
	StatusSolved  = "solved"
	StatusClosed  = "closed"
)

// MaxTargetMinutes bounds a policy target (366 days).
const MaxTargetMinutes = 366 * 24 * 60

// Metrics returns every supported metric name in the canonical order used
// for Compute's output.
func Metrics() []string {
	return []string{
		MetricFirstReplyTime, MetricNextReplyTime, MetricPeriodicUpdateTime,
		MetricPausableUpdateTime, MetricRequesterWaitTime, MetricAgentWorkTime,
	}
}

// Priorities returns the ticket priorities, lowest first.
func Priorities() []string {
	return []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
}

// Statuses returns the ticket statuses in Zendesk's order.
func Statuses() []string {
	return []string{StatusNew, StatusOpen, StatusPending, StatusHold, StatusSolved, StatusClosed}
}

// Condition is one filter condition, e.g. {"field":"organization.tier",
// "operator":"is","value":"premium"}. Value holds what JSON decoding gives:
// a string, json.Number, bool, nil or []any.
type Condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

// UnmarshalJSON keeps numeric values exact (as json.Number) so that large IDs
// survive a round trip.
func (c *Condition) UnmarshalJSON(data []byte) error {
	var raw struct {
		Field    string          `json:"field"`
		Operator string          `json:"operator"`
		Value    json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	c.Field, c.Operator, c.Value = raw.Field, raw.Operator, nil
	if len(raw.Value) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw.Value))
	dec.UseNumber()
	return dec.Decode(&c.Value)
}

// Filter selects the tickets a policy applies to: every All condition must
// hold and, when Any is not empty, at least one Any condition.
type Filter struct {
	All []Condition `json:"all"`
	Any []Condition `json:"any"`
}

// MarshalJSON writes empty lists as [] like Zendesk does, never null.
func (f Filter) MarshalJSON() ([]byte, error) {
	type plain Filter
	p := plain(f)
	if p.All == nil {
		p.All = []Condition{}
	}
	if p.Any == nil {
		p.Any = []Condition{}
	}
	return json.Marshal(p)
}

// PolicyMetric is one target: Target minutes for Metric on tickets of
// Priority, counted in business hours or calendar time.
type PolicyMetric struct {
	Priority      string `json:"priority"`
	Metric        string `json:"metric"`
	Target        int    `json:"target"`
	BusinessHours bool   `json:"business_hours"`
}

// Policy is an SLA policy in the shape Zendesk serves at /api/v2/slas/policies.
type Policy struct {
	ID            int64          `json:"id,omitzero"`
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	Position      int            `json:"position"`
	Filter        Filter         `json:"filter"`
	PolicyMetrics []PolicyMetric `json:"policy_metrics"`
	CreatedAt     time.Time      `json:"created_at,omitzero"`
	UpdatedAt     time.Time      `json:"updated_at,omitzero"`
}

// Target returns the policy's target for metric on tickets of priority.
func (p *Policy) Target(priority, metric string) (PolicyMetric, bool) {
	if p == nil {
		return PolicyMetric{}, false
	}
	for _, m := range p.PolicyMetrics {
		if m.Priority == priority && m.Metric == metric {
			return m, true
		}
	}
	return PolicyMetric{}, false
}

// Validate reports every problem with p as a KindInvalid error whose fields
// name the offending element, e.g. "filter.all[1].field" or
// "policy_metrics[0].target".
func (p *Policy) Validate() error {
	var v errs.Validation
	checkName(&v, "title", p.Title)
	checkLongText(&v, "description", p.Description)
	v.Check(strings.TrimSpace(p.Title) != "", "title", "is required")
	v.Check(p.Position >= 0, "position", "must not be negative")
	validateConditions(&v, "filter.all", p.Filter.All)
	validateConditions(&v, "filter.any", p.Filter.Any)
	seen := map[[2]string]int{}
	for i, m := range p.PolicyMetrics {
		f := fmt.Sprintf("policy_metrics[%d]", i)
		okP := slices.Contains(Priorities(), m.Priority)
		okM := slices.Contains(Metrics(), m.Metric)
		v.Check(okP, f+".priority", fmt.Sprintf("unknown priority %q", m.Priority))
		v.Check(okM, f+".metric", fmt.Sprintf("unknown metric %q", m.Metric))
		v.Check(m.Target > 0, f+".target", "must be positive")
		v.Check(m.Target <= MaxTargetMinutes, f+".target", fmt.Sprintf("must be at most %d minutes", MaxTargetMinutes))
		if okP && okM {
			key := [2]string{m.Priority, m.Metric}
			if j, dup := seen[key]; dup {
				v.Add(f, fmt.Sprintf("duplicate target for priority %s and metric %s (see policy_metrics[%d])", m.Priority, m.Metric, j))
			} else {
				seen[key] = i
			}
		}
	}
	return v.Err()
}

func validateConditions(v *errs.Validation, prefix string, cs []Condition) {
	for i, c := range cs {
		f := fmt.Sprintf("%s[%d]", prefix, i)
		spec, ok := lookupField(c.Field)
		if !ok {
			v.Add(f+".field", fmt.Sprintf("unknown field %q", c.Field))
			continue
		}
		if !slices.Contains(spec.kind.operators(), c.Operator) {
			v.Add(f+".operator", fmt.Sprintf("operator %q is not allowed for %s (allowed: %s)", c.Operator, c.Field, strings.Join(spec.kind.operators(), ", ")))
			continue
		}
		if _, problem := spec.normalize(c.Value); problem != "" {
			v.Add(f+".value", problem)
		}
	}
}

// TicketAttrs are the ticket properties policy filters look at.
type TicketAttrs struct {
	Priority       string
	Type           string
	Status         string
	GroupID        int64
	OrganizationID int64
	Tags           []string
	Channel        string // via channel: "email", "web", "api", "chat", ...
	OrgPlan        string // "self_managed" or "saas"
	OrgTier        string // "free", "premium" or "ultimate"
	OrgHasASE      bool   // the organization has an assigned support engineer
	RequesterRole  string // "end-user", "agent" or "admin"
	BrandID        int64  // the ticket's brand (a restricted partition may have its own policies)
	OrgRegion      string // the organization's region: the schedule its clocks run on
}

// Matches reports whether the ticket satisfies f. An empty filter matches
// every ticket; an invalid condition never matches.
func (f Filter) Matches(a TicketAttrs) bool {
	for _, c := range f.All {
		if !c.Matches(a) {
			return false
		}
	}
	if len(f.Any) == 0 {
		return true
	}
	for _, c := range f.Any {
		if c.Matches(a) {
			return true
		}
	}
	return false
}

// SelectPolicy returns the first policy whose filter matches the ticket, in
// ascending Position (ties: lower ID, then slice order), or nil. Whether the
// policy has a target for the ticket's priority is not considered, as in
// Zendesk: a matching policy without one leaves the ticket without targets.
func SelectPolicy(policies []Policy, a TicketAttrs) *Policy {
	idx := make([]int, len(policies))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		pi, pj := &policies[i], &policies[j]
		switch {
		case pi.Position != pj.Position:
			return pi.Position - pj.Position
		case pi.ID < pj.ID:
			return -1
		case pi.ID > pj.ID:
			return 1
		}
		return 0
	})
	for _, i := range idx {
		if policies[i].Filter.Matches(a) {
			return &policies[i]
		}
	}
	return nil
}
