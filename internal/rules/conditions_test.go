package rules

import (
	"encoding/json"
	"testing"
	"time"
)

type condCase struct {
	name string
	c    Condition
	want bool
}

// runConds evaluates each condition in scope sc against e.
func runConds(t *testing.T, sc scope, e *env, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		cc, part, problem := compileCondition(tc.c, sc)
		if problem != "" {
			t.Errorf("%s: %s invalid: %s", tc.name, part, problem)
			continue
		}
		if got := cc.eval(e); got != tc.want {
			t.Errorf("%s: %+v = %v, want %v", tc.name, tc.c, got, tc.want)
		}
	}
}

func baseTicket() Ticket {
	return Ticket{
		ID: 42, Subject: "Printer on fire", Description: "It is burning", Status: StatusOpen, Priority: PriorityHigh,
		Type: "incident", GroupID: 7, AssigneeID: 11, RequesterID: 21, SubmitterID: 21, OrganizationID: 31,
		OrgPlan: "saas", OrgTier: "premium", Tags: []string{"vip", "printer"}, Channel: "email",
		CustomFields: map[int64]string{100: "enterprise_plan", 200: "17.5", 300: "red green", 400: "n/a"},
		CreatedAt:    t0().Add(-50 * time.Hour), UpdatedAt: t0().Add(-2 * time.Hour),
	}
}

func TestOrderedOperators(t *testing.T) {
	tk := baseTicket()
	e := &env{t: tk}
	runConds(t, inView, e, []condCase{
		{"status is", cnd("status", "is", "open"), true},
		{"status is (case)", cnd("status", "is", "OPEN"), true},
		{"status is_not", cnd("status", "is_not", "open"), false},
		{"status < solved", cnd("status", "less_than", "solved"), true},
		{"status < open", cnd("status", "less_than", "open"), false},
		{"status <= open", cnd("status", "less_than_equal", "open"), true},
		{"status > new", cnd("status", "greater_than", "new"), true},
		{"status > open", cnd("status", "greater_than", "open"), false},
		{"status >= open", cnd("status", "greater_than_equal", "open"), true},
		{"status >= pending", cnd("status", "greater_than_equal", "pending"), false},
		{"priority > normal", cnd("priority", "greater_than", "normal"), true},
		{"priority < urgent", cnd("priority", "less_than", "urgent"), true},
		{"priority < high", cnd("priority", "less_than", "high"), false},
		{"priority is none", cnd("priority", "is", ""), false},
		{"tier > free", cnd("organization.tier", "greater_than", "free"), true},
		{"tier >= ultimate", cnd("organization.tier", "greater_than_equal", "ultimate"), false},
	})
	tk.Priority = ""
	runConds(t, inView, &env{t: tk}, []condCase{
		{"no priority is none", cnd("priority", "is", ""), true},
		{"no priority < urgent", cnd("priority", "less_than", "urgent"), false},
		{"no priority > low", cnd("priority", "greater_than", "low"), false},
		{"no priority is_not high", cnd("priority", "is_not", "high"), true},
	})
}

func TestEnumChannelBoolOperators(t *testing.T) {
	tk := baseTicket()
	tk.SLABreached = true
	runConds(t, inView, &env{t: tk}, []condCase{
		{"type is", cnd("type", "is", "incident"), true},
		{"type is_not", cnd("type", "is_not", "incident"), false},
		{"plan is", cnd("organization.plan", "is", "saas"), true},
		{"plan is_not", cnd("organization.plan", "is_not", "self_managed"), true},
		{"via_id 4 is email", cnd("via_id", "is", json.Number("4")), true},
		{"channel is email", cnd("channel", "is", "email"), true},
		{"via_id is_not web", cnd("via_id", "is_not", "web"), true},
		{"sla_breach true", cnd("sla_breach", "is", "true"), true},
		{"sla_breach is_not true", cnd("sla_breach", "is_not", true), false},
		{"sla_breach false", cnd("sla_breach", "is", false), false},
	})
}

func TestIDOperators(t *testing.T) {
	tk := baseTicket()
	runConds(t, inView, &env{t: tk, userID: 11}, []condCase{
		{"assignee is current_user", cnd("assignee_id", "is", "current_user"), true},
		{"assignee is_not current_user", cnd("assignee_id", "is_not", "current_user"), false},
		{"assignee is 11 (number)", cnd("assignee_id", "is", json.Number("11")), true},
		{"assignee is 11 (int)", cnd("assignee_id", "is", 11), true},
		{"assignee is none", cnd("assignee_id", "is", ""), false},
		{"assignee present", cnd("assignee_id", "present", nil), true},
		{"org not_present", cnd("organization_id", "not_present", nil), false},
		{"group is_not 8", cnd("group_id", "is_not", "8"), true},
		{"requester is current_user", cnd("requester_id", "is", "current_user"), false},
	})
	runConds(t, inView, &env{t: tk, userID: 0}, []condCase{
		{"no current user: is", cnd("assignee_id", "is", "current_user"), false},
		{"no current user: is_not", cnd("assignee_id", "is_not", "current_user"), true},
	})
	tk.AssigneeID = 0
	runConds(t, inView, &env{t: tk}, []condCase{
		{"unassigned is none", cnd("assignee_id", "is", ""), true},
		{"unassigned is null", cnd("assignee_id", "is", nil), true},
		{"unassigned not_present", cnd("assignee_id", "not_present", ""), true},
		{"unassigned is current_user without user", cnd("assignee_id", "is", "current_user"), false},
	})
}

func TestTagOperators(t *testing.T) {
	runConds(t, inView, &env{t: baseTicket()}, []condCase{
		{"includes one of", cnd("current_tags", "includes", "urgent vip"), true},
		{"includes none", cnd("current_tags", "includes", "urgent billing"), false},
		{"includes case-insensitive value", cnd("current_tags", "includes", "VIP"), true},
		{"includes list value", cnd("current_tags", "includes", []any{"x", "printer"}), true},
		{"not_includes", cnd("current_tags", "not_includes", "urgent billing"), true},
		{"not_includes one present", cnd("current_tags", "not_includes", "urgent printer"), false},
		{"tags alias", cnd("tags", "includes", "vip"), true},
	})
}

func TestCustomFieldOperators(t *testing.T) {
	runConds(t, inTrigger, &env{t: baseTicket()}, []condCase{
		{"is", cnd("custom_fields_100", "is", "enterprise_plan"), true},
		{"is_not", cnd("custom_fields_100", "is_not", "enterprise_plan"), false},
		{"present", cnd("custom_fields_100", "present", nil), true},
		{"not_present unset", cnd("custom_fields_999", "not_present", nil), true},
		{"present unset", cnd("custom_fields_999", "present", nil), false},
		{"includes multi-select", cnd("custom_fields_300", "includes", "blue green"), true},
		{"not_includes multi-select", cnd("custom_fields_300", "not_includes", "blue"), true},
		{"less_than numeric", cnd("custom_fields_200", "less_than", "20"), true},
		{"greater_than numeric", cnd("custom_fields_200", "greater_than", json.Number("17.5")), false},
		{"greater_than_equal numeric", cnd("custom_fields_200", "greater_than_equal", 17.5), true},
		{"numeric op on text", cnd("custom_fields_400", "less_than", "5"), false},
	})
}

func TestWordAndCommentOperators(t *testing.T) {
	tk := baseTicket()
	upd := &Update{Comment: &Comment{Body: "Hi, I want a REFUND! Money-back now.", Public: true, AuthorRole: "end-user"},
		CurrentUserRole: "end_user", Via: "web", IsNew: false}
	e := &env{t: tk, upd: upd}
	runConds(t, inTrigger, e, []condCase{
		{"includes word", cnd("comment_includes_word", "includes", "refund"), true},
		{"includes any word", cnd("comment_includes_word", "includes", "invoice refund"), true},
		{"whole words only", cnd("comment_includes_word", "includes", "refunds"), false},
		{"quoted phrase", cnd("comment_includes_word", "includes", `"money back"`), true},
		{"phrase order matters", cnd("comment_includes_word", "includes", `"back money"`), false},
		{"not_includes", cnd("comment_includes_word", "not_includes", "invoice cancel"), true},
		{"not_includes hit", cnd("comment_includes_word", "not_includes", "invoice refund"), false},
		{"is = contains string", cnd("comment_includes_word", "is", "a refund!"), true},
		{"is_not string", cnd("comment_includes_word", "is_not", "a refund!"), false},
		{"subject word", cnd("subject_includes_word", "includes", "fire"), true},
		{"public comment", cnd("comment_is_public", "is", "true"), true},
		{"private comment", cnd("comment_is_public", "is", "false"), false},
		{"comment present", cnd("comment_is_public", "is", "not_relevant"), true},
		{"comment not public", cnd("comment_is_public", "is_not", "true"), false},
		{"empty operator means is", cnd("comment_is_public", "", "requester_can_see_comment"), true},
		{"role end-user alias", cnd("role", "is", "end-user"), true},
		{"role is_not agent", cnd("role", "is_not", "agent"), true},
		{"update change", cnd("update_type", "is", "Change"), true},
		{"update create", cnd("update_type", "is", "create"), false},
		{"current via", cnd("current_via_id", "is", "0"), true},
		{"current via not api", cnd("current_via_id", "is_not", "api"), true},
	})
	noComment := &env{t: tk, upd: &Update{IsNew: true}}
	runConds(t, inTrigger, noComment, []condCase{
		{"no comment: includes", cnd("comment_includes_word", "includes", "refund"), false},
		{"no comment: not_includes", cnd("comment_includes_word", "not_includes", "refund"), true},
		{"no comment: is", cnd("comment_includes_word", "is", "refund"), false},
		{"no comment: public", cnd("comment_is_public", "is", "true"), false},
		{"no comment: present", cnd("comment_is_public", "is", "not_relevant"), false},
		{"no comment: is_not public", cnd("comment_is_public", "is_not", "true"), true},
		{"create", cnd("update_type", "is", "Create"), true},
	})
}

func TestChangeOperators(t *testing.T) {
	before := baseTicket()
	after := before.Clone()
	after.Status = StatusPending
	after.AssigneeID = 12
	upd := &Update{CurrentUserID: 12, Changes: map[string][2]string{"custom_fields_100": {"a", "b"}, "priority": {"high", "high"}}}
	e := &env{t: after, before: &before, upd: upd, userID: 12}
	runConds(t, inTrigger, e, []condCase{
		{"changed", cnd("status", "changed", nil), true},
		{"not_changed", cnd("status", "not_changed", nil), false},
		{"priority not_changed", cnd("priority", "not_changed", ""), true},
		{"value", cnd("status", "value", "pending"), true},
		{"changed_to alias", cnd("status", "changed_to", "pending"), true},
		{"value wrong", cnd("status", "value", "solved"), false},
		{"value_previous", cnd("status", "value_previous", "open"), true},
		{"changed_from alias", cnd("status", "changed_from", "new"), false},
		{"not_value", cnd("status", "not_value", "pending"), false},
		{"not_value other", cnd("status", "not_changed_to", "solved"), true},
		{"not_value_previous", cnd("status", "not_value_previous", "open"), false},
		{"assignee changed to current user", cnd("assignee_id", "value", "current_user"), true},
		{"assignee changed from 11", cnd("assignee_id", "value_previous", 11), true},
		{"custom field via Update.Changes", cnd("custom_fields_100", "changed_to", "b"), true},
		{"unchanged group not_value", cnd("group_id", "not_value", "7"), true},
		{"unchanged group value", cnd("group_id", "value", "7"), false},
	})
	// A new ticket: the zero before ticket makes every set field "changed".
	created := &env{t: after, before: &Ticket{}, upd: &Update{IsNew: true}}
	runConds(t, inTrigger, created, []condCase{
		{"create: status changed to pending", cnd("status", "value", "pending"), true},
		{"create: priority changed", cnd("priority", "changed", nil), true},
	})
}

func TestHoursOperators(t *testing.T) {
	tk := baseTicket() // created 50h ago, updated 2h ago, status open
	tk.Status = StatusSolved
	tk.SolvedAt = t0().Add(-96*time.Hour - time.Minute)
	tk.SLANextBreachAt = t0().Add(90 * time.Minute)
	tk.SLALastBreachAt = t0().Add(-3 * time.Hour)
	e := &env{t: tk, now: t0()}
	runConds(t, inAutomation, e, []condCase{
		{"created > 49", cnd("hours_since_created", "greater_than", "49"), true},
		{"created > 50 (exactly 50)", cnd("hours_since_created", "greater_than", "50"), false},
		{"created >= 50", cnd("hours_since_created", "greater_than_equal", "50"), true},
		{"created < 50", cnd("hours_since_created", "less_than", "50"), false},
		{"created <= 50", cnd("hours_since_created", "less_than_equal", "50"), true},
		{"NEW alias", cnd("NEW", "greater_than", 24), true},
		{"created is 49 (49 < h <= 50)", cnd("hours_since_created", "is", "49"), true},
		{"created is 50", cnd("hours_since_created", "is", "50"), false},
		{"created is_not 49", cnd("hours_since_created", "is_not", "49"), false},
		{"updated fractional 1.5 < 2", cnd("hours_since_updated", "greater_than", "1.5"), true},
		{"solved > 96", cnd("SOLVED", "greater_than", "96"), true},
		{"solved > 96.1", cnd("hours_since_solved", "greater_than", "96.1"), false},
		{"pending: wrong status", cnd("hours_since_pending", "greater_than", "0"), false},
		{"never assigned", cnd("hours_since_assigned", "less_than", "1000"), false},
		{"never assigned is_not", cnd("hours_since_assigned", "is_not", "1"), false},
		{"until breach < 2", cnd("hours_until_next_sla_breach", "less_than", "2"), true},
		{"until breach < 1.5 (exactly)", cnd("hours_until_next_sla_breach", "less_than", "1.5"), false},
		{"until breach is 1 (1 <= h < 2)", cnd("until_sla_next_breach_at", "is", "1"), true},
		{"since last breach > 2", cnd("hours_since_last_sla_breach", "greater_than", "2"), true},
		{"zendesk sla_next_breach_at means since last breach", cnd("sla_next_breach_at", "greater_than", "0"), true},
	})
	// Without now (trigger-like context) every time condition is false.
	runConds(t, inAutomation, &env{t: tk}, []condCase{
		{"no now", cnd("hours_since_created", "greater_than", "1"), false},
	})
	// Past breach: remaining time is negative.
	tk.SLANextBreachAt = t0().Add(-time.Hour)
	runConds(t, inView, &env{t: tk, now: t0()}, []condCase{
		{"overdue breach < 2", cnd("hours_until_next_sla_breach", "less_than", "2"), true},
		{"overdue breach >= 0", cnd("hours_until_next_sla_breach", "greater_than_equal", "0"), false},
	})
}

func TestConditionsAllAny(t *testing.T) {
	tk := baseTicket()
	mk := func(all, anyc []Condition) compiledConditions {
		var cc compiledConditions
		for _, c := range all {
			x, _, p := compileCondition(c, inView)
			if p != "" {
				t.Fatal(p)
			}
			cc.all = append(cc.all, x)
		}
		for _, c := range anyc {
			x, _, p := compileCondition(c, inView)
			if p != "" {
				t.Fatal(p)
			}
			cc.any = append(cc.any, x)
		}
		return cc
	}
	yes, no := cnd("status", "is", "open"), cnd("status", "is", "new")
	e := &env{t: tk}
	cases := []struct {
		all, any []Condition
		want     bool
	}{
		{[]Condition{yes}, nil, true},
		{[]Condition{yes, no}, nil, false},
		{[]Condition{yes}, []Condition{no, yes}, true},
		{[]Condition{yes}, []Condition{no}, false},
		{nil, []Condition{no}, false},
		{nil, nil, true},
	}
	for i, tc := range cases {
		if got := mk(tc.all, tc.any).match(e); got != tc.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
}
