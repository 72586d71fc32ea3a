package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

// invalidFields returns the sorted field names of a KindInvalid error.
func invalidFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("error %v is not a KindInvalid *errs.Error", err)
	}
	return slices.Sorted(maps.Keys(e.Fields))
}

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Schedule)
		want   []string
	}{
		{"valid", func(*Schedule) {}, nil},
		{"valid with holidays", func(s *Schedule) {
			s.Holidays = []Holiday{{Name: "NY", StartDate: "2024-12-31", EndDate: "2025-01-01"}}
		}, nil},
		{"Rails zone name", func(s *Schedule) { s.TimeZone = "Eastern Time (US & Canada)" }, nil},
		{"missing name and zone", func(s *Schedule) { s.Name, s.TimeZone = "", "" }, []string{"name", "time_zone"}},
		{"unknown zone", func(s *Schedule) { s.TimeZone = "Mars/Olympus_Mons" }, []string{"time_zone"}},
		{"Local is not a zone", func(s *Schedule) { s.TimeZone = "Local" }, []string{"time_zone"}},
		{"no intervals", func(s *Schedule) { s.Intervals = nil }, []string{"intervals"}},
		{"end before start", func(s *Schedule) { s.Intervals[2].EndTime = s.Intervals[2].StartTime - 1 }, []string{"intervals[2].end_time"}},
		{"empty interval", func(s *Schedule) { s.Intervals[1].EndTime = s.Intervals[1].StartTime }, []string{"intervals[1].end_time"}},
		{"out of range", func(s *Schedule) {
			s.Intervals = append(s.Intervals, Interval{StartTime: -5, EndTime: 10081})
		}, []string{"intervals[5].end_time", "intervals[5].start_time"}},
		{"overlap names the later interval", func(s *Schedule) {
			s.Intervals = append(s.Intervals, Interval{StartTime: s.Intervals[2].StartTime + 60, EndTime: s.Intervals[2].EndTime + 60})
		}, []string{"intervals[5]"}},
		{"adjacent intervals are fine", func(s *Schedule) {
			s.Intervals = append(s.Intervals, Interval{StartTime: s.Intervals[4].EndTime, EndTime: s.Intervals[4].EndTime + 60})
		}, nil},
		{"bad holiday", func(s *Schedule) {
			s.Holidays = []Holiday{
				{Name: "ok", StartDate: "2024-01-01", EndDate: "2024-01-01"},
				{Name: "", StartDate: "2024-13-01", EndDate: "01/02/2024"},
				{Name: "backwards", StartDate: "2024-05-02", EndDate: "2024-05-01"},
			}
		}, []string{"holidays[1].end_date", "holidays[1].name", "holidays[1].start_date", "holidays[2].end_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := nyOffice()
			tt.mutate(s)
			if got := invalidFields(t, s.Validate()); !slices.Equal(got, tt.want) {
				t.Fatalf("Validate fields = %v, want %v", got, tt.want)
			}
			if _, err := NewCalendar(s); (err == nil) != (tt.want == nil) {
				t.Errorf("NewCalendar error = %v, want error %v", err, tt.want != nil)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	base := func() *Policy {
		return &Policy{
			Title: "Gold",
			Filter: Filter{
				All: []Condition{{Field: "organization.plan", Operator: OpIs, Value: "saas"}},
				Any: []Condition{{Field: "tags", Operator: OpIncludes, Value: "vip enterprise"}},
			},
			PolicyMetrics: []PolicyMetric{
				{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 30},
				{Priority: PriorityUrgent, Metric: MetricNextReplyTime, Target: 60, BusinessHours: true},
			},
		}
	}
	tests := []struct {
		name   string
		mutate func(*Policy)
		want   []string
	}{
		{"valid", func(*Policy) {}, nil},
		{"every default policy is valid", func(p *Policy) { *p = DefaultPolicies()[0] }, nil},
		{"missing title", func(p *Policy) { p.Title = "  " }, []string{"title"}},
		{"negative position", func(p *Policy) { p.Position = -1 }, []string{"position"}},
		{"unknown field", func(p *Policy) {
			p.Filter.All = append(p.Filter.All, Condition{Field: "shoe_size", Operator: OpIs, Value: "9"})
		}, []string{"filter.all[1].field"}},
		{"operator not allowed for field", func(p *Policy) {
			p.Filter.Any[0].Operator = OpIs
		}, []string{"filter.any[0].operator"}},
		{"ordering operator on an unordered field", func(p *Policy) {
			p.Filter.All[0].Operator = OpLessThan
		}, []string{"filter.all[0].operator"}},
		{"bad values", func(p *Policy) {
			p.Filter.All = append(p.Filter.All,
				Condition{Field: "organization.tier", Operator: OpIs, Value: "platinum"},
				Condition{Field: "organization_id", Operator: OpIs, Value: "abc"},
				Condition{Field: "organization.ase", Operator: OpIs, Value: "maybe"},
				Condition{Field: "via_id", Operator: OpIs, Value: "999"},
				Condition{Field: "tags", Operator: OpNotIncludes, Value: "   "},
				Condition{Field: "priority", Operator: OpGreaterThan, Value: "critical"},
			)
		}, []string{"filter.all[1].value", "filter.all[2].value", "filter.all[3].value", "filter.all[4].value", "filter.all[5].value", "filter.all[6].value"}},
		{"good values of every kind", func(p *Policy) {
			p.Filter.All = append(p.Filter.All,
				Condition{Field: "organization_id", Operator: OpIsNot, Value: json.Number("360033549136")},
				Condition{Field: "group_id", Operator: OpIs, Value: nil},
				Condition{Field: "via_id", Operator: OpIs, Value: float64(4)},
				Condition{Field: "channel", Operator: OpIsNot, Value: "chat"},
				Condition{Field: "current_tags", Operator: OpIncludes, Value: []any{"a", "b c"}},
				Condition{Field: "organization.ase", Operator: OpIs, Value: true},
				Condition{Field: "requester.role", Operator: OpIs, Value: "end-user"},
				Condition{Field: "status", Operator: OpLessThan, Value: "solved"},
				Condition{Field: "type", Operator: OpIs, Value: "incident"},
			)
		}, nil},
		{"unknown metric and priority", func(p *Policy) {
			p.PolicyMetrics = append(p.PolicyMetrics, PolicyMetric{Priority: "critical", Metric: "resolution_time", Target: 5})
		}, []string{"policy_metrics[2].metric", "policy_metrics[2].priority"}},
		{"non-positive and huge targets", func(p *Policy) {
			p.PolicyMetrics[0].Target = 0
			p.PolicyMetrics[1].Target = MaxTargetMinutes + 1
		}, []string{"policy_metrics[0].target", "policy_metrics[1].target"}},
		{"duplicate target", func(p *Policy) {
			p.PolicyMetrics = append(p.PolicyMetrics, PolicyMetric{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 45, BusinessHours: true})
		}, []string{"policy_metrics[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.mutate(p)
			if got := invalidFields(t, p.Validate()); !slices.Equal(got, tt.want) {
				t.Fatalf("Validate fields = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultsAreValid(t *testing.T) {
	for _, p := range DefaultPolicies() {
		if err := p.Validate(); err != nil {
			t.Errorf("default policy %q: %v", p.Title, err)
		}
	}
	for _, s := range append(DefaultSchedules(), Global24x5Schedule()) {
		if err := s.Validate(); err != nil {
			t.Errorf("default schedule %q: %v", s.Name, err)
		}
		cal, err := NewCalendar(&s)
		if err != nil {
			t.Fatal(err)
		}
		want := 5 * 8 * 60
		if s.Name == "Global 24x5" {
			want = 5 * 24 * 60
		}
		if got := cal.WeeklyMinutes(); got != want {
			t.Errorf("schedule %q: %d weekly minutes, want %d", s.Name, got, want)
		}
	}
	// Fresh values each call: callers may modify them.
	a := DefaultPolicies()
	a[0].PolicyMetrics[0].Target = 1
	if DefaultPolicies()[0].PolicyMetrics[0].Target == 1 {
		t.Error("DefaultPolicies shares state between calls")
	}
}

func TestDefaultPolicyTargets(t *testing.T) {
	policies := DefaultPolicies()
	tests := []struct {
		tier     string
		priority string
		metric   string
		want     PolicyMetric
	}{
		{"ultimate", PriorityUrgent, MetricFirstReplyTime, PolicyMetric{PriorityUrgent, MetricFirstReplyTime, 30, false}},
		{"premium", PriorityHigh, MetricFirstReplyTime, PolicyMetric{PriorityHigh, MetricFirstReplyTime, 240, true}},
		{"premium", PriorityNormal, MetricFirstReplyTime, PolicyMetric{PriorityNormal, MetricFirstReplyTime, 480, true}},
		{"premium", PriorityLow, MetricFirstReplyTime, PolicyMetric{PriorityLow, MetricFirstReplyTime, 1440, true}},
		{"premium", PriorityHigh, MetricNextReplyTime, PolicyMetric{PriorityHigh, MetricNextReplyTime, 240, true}},
		{"free", PriorityUrgent, MetricFirstReplyTime, PolicyMetric{PriorityUrgent, MetricFirstReplyTime, 1440, true}},
		{"", PriorityLow, MetricNextReplyTime, PolicyMetric{PriorityLow, MetricNextReplyTime, 1440, true}},
	}
	for _, tt := range tests {
		p := SelectPolicy(policies, TicketAttrs{OrgTier: tt.tier, Priority: tt.priority})
		if p == nil {
			t.Fatalf("tier %q: no policy", tt.tier)
		}
		got, ok := p.Target(tt.priority, tt.metric)
		if !ok || got != tt.want {
			t.Errorf("tier %q %s %s: got %+v (%v) from %q, want %+v", tt.tier, tt.priority, tt.metric, got, ok, p.Title, tt.want)
		}
	}
}

func TestSelectPolicy(t *testing.T) {
	policies := []Policy{
		{ID: 1, Title: "catch-all", Position: 9},
		{ID: 2, Title: "urgent email", Position: 2, Filter: Filter{All: []Condition{
			{Field: "priority", Operator: OpIs, Value: "urgent"},
			{Field: "via_id", Operator: OpIs, Value: "4"},
		}}},
		{ID: 3, Title: "saas ultimate with ASE", Position: 1, Filter: Filter{All: []Condition{
			{Field: "organization.plan", Operator: OpIs, Value: "saas"},
			{Field: "organization.tier", Operator: OpIs, Value: "ultimate"},
			{Field: "organization.ase", Operator: OpIs, Value: "true"},
		}}},
		{ID: 4, Title: "vip tags", Position: 3, Filter: Filter{
			All: []Condition{{Field: "tags", Operator: OpNotIncludes, Value: "spam test"}},
			Any: []Condition{
				{Field: "tags", Operator: OpIncludes, Value: "vip enterprise"},
				{Field: "organization_id", Operator: OpIs, Value: float64(42)},
			},
		}},
		{ID: 5, Title: "above free, not agents", Position: 4, Filter: Filter{All: []Condition{
			{Field: "organization.tier", Operator: OpGreaterThan, Value: "free"},
			{Field: "requester.role", Operator: OpIsNot, Value: "agent"},
		}}},
		{ID: 6, Title: "high or above, self-managed", Position: 5, Filter: Filter{All: []Condition{
			{Field: "priority", Operator: OpGreaterThan, Value: "normal"},
			{Field: "organization.plan", Operator: OpIs, Value: "self_managed"},
		}}},
		{ID: 7, Title: "tied position, lower ID wins", Position: 9, Filter: Filter{All: []Condition{
			{Field: "group_id", Operator: OpIs, Value: "7"},
		}}},
		{ID: 8, Title: "restricted brand", Position: 0, Filter: Filter{All: []Condition{
			{Field: "brand_id", Operator: OpIs, Value: "2"},
		}}},
		{ID: 0, Title: "invalid condition never matches", Position: 0, Filter: Filter{All: []Condition{
			{Field: "organization.tier", Operator: OpIs, Value: "platinum"},
		}}},
	}
	tests := []struct {
		name  string
		attrs TicketAttrs
		want  string
	}{
		{"nothing special", TicketAttrs{Priority: "normal"}, "catch-all"},
		{"the restricted brand's own policy first", TicketAttrs{Priority: "urgent", Channel: "email", BrandID: 2}, "restricted brand"},
		{"another brand is not the restricted one", TicketAttrs{Priority: "normal", BrandID: 1}, "catch-all"},
		{"urgent by email via numeric via_id", TicketAttrs{Priority: "urgent", Channel: "email"}, "urgent email"},
		{"urgent by web", TicketAttrs{Priority: "urgent", Channel: "web"}, "catch-all"},
		{"plan, tier and ASE all hold", TicketAttrs{OrgPlan: "saas", OrgTier: "ultimate", OrgHasASE: true, Priority: "urgent", Channel: "email"}, "saas ultimate with ASE"},
		{"no ASE", TicketAttrs{OrgPlan: "saas", OrgTier: "ultimate", RequesterRole: "end-user"}, "above free, not agents"},
		{"any: tag", TicketAttrs{Tags: []string{"billing", "VIP"}}, "vip tags"},
		{"any: organization", TicketAttrs{OrganizationID: 42}, "vip tags"},
		{"all: excluded tag", TicketAttrs{Tags: []string{"vip", "test"}}, "catch-all"},
		{"any: none holds", TicketAttrs{Tags: []string{"billing"}, OrganizationID: 41}, "catch-all"},
		{"tier above free, but agent", TicketAttrs{OrgTier: "premium", RequesterRole: "agent"}, "catch-all"},
		{"free tier is not above free", TicketAttrs{OrgTier: "free"}, "catch-all"},
		{"empty tier is not comparable", TicketAttrs{OrgTier: ""}, "catch-all"},
		{"priority greater than normal", TicketAttrs{Priority: "high", OrgPlan: "self_managed"}, "high or above, self-managed"},
		{"priority not greater than normal", TicketAttrs{Priority: "normal", OrgPlan: "self_managed"}, "catch-all"},
		{"tie broken by ID", TicketAttrs{GroupID: 7}, "catch-all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := SelectPolicy(policies, tt.attrs)
			if p == nil || p.Title != tt.want {
				t.Fatalf("SelectPolicy = %v, want %q", p, tt.want)
			}
		})
	}
	if p := SelectPolicy(policies[1:2], TicketAttrs{}); p != nil {
		t.Errorf("no match should give nil, got %q", p.Title)
	}
}

// TestZendeskJSONRoundTrip decodes Zendesk-shaped documents and checks that
// encoding them again yields the same JSON.
func TestZendeskJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		into func() any
	}{
		{"sla policy", `{"sla_policy":{"id":25,"title":"Silver Plan","description":"Organizations: Silver Plan","position":3,
			"filter":{"all":[{"field":"type","operator":"is","value":"incident"},{"field":"via_id","operator":"is","value":"4"},
			{"field":"organization_id","operator":"is","value":360033549136},{"field":"organization.ase","operator":"is","value":true}],"any":[]},
			"policy_metrics":[{"priority":"low","metric":"first_reply_time","target":60,"business_hours":false},
			{"priority":"urgent","metric":"requester_wait_time","target":480,"business_hours":true}],
			"created_at":"2015-03-17T22:50:26Z","updated_at":"2015-03-17T22:50:26Z"}}`,
			func() any {
				return &struct {
					Policy Policy `json:"sla_policy"`
				}{}
			}},
		{"schedule", `{"schedule":{"id":1,"name":"East Coast","time_zone":"America/New_York",
			"intervals":[{"start_time":1980,"end_time":2460},{"start_time":3420,"end_time":3900}],
			"holidays":[{"id":9,"name":"New Year","start_date":"2021-12-30","end_date":"2022-01-02"}]}}`,
			func() any {
				return &struct {
					Schedule Schedule `json:"schedule"`
				}{}
			}},
		{"new policy without id keeps empty filter lists", `{"sla_policy":{"title":"t","description":"","position":0,
			"filter":{"all":[],"any":[]},"policy_metrics":[]}}`,
			func() any {
				return &struct {
					Policy Policy `json:"sla_policy"`
				}{}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.into()
			if err := json.Unmarshal([]byte(tt.doc), v); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(tt.doc)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, want.Bytes()) {
				t.Fatalf("round trip changed the document:\n got %s\nwant %s", out, want.Bytes())
			}
		})
	}

	// The decoded policy is usable: valid, and its large ID matches exactly.
	var doc struct {
		Policy Policy `json:"sla_policy"`
	}
	if err := json.Unmarshal([]byte(tests[0].doc), &doc); err != nil {
		t.Fatal(err)
	}
	if err := doc.Policy.Validate(); err != nil {
		t.Fatal(err)
	}
	attrs := TicketAttrs{Type: "incident", Channel: "email", OrganizationID: 360033549136, OrgHasASE: true}
	if !doc.Policy.Filter.Matches(attrs) {
		t.Error("decoded Zendesk filter does not match its ticket")
	}
	attrs.OrganizationID++
	if doc.Policy.Filter.Matches(attrs) {
		t.Error("decoded Zendesk filter matches another organization")
	}
}
