package rules

import (
	"testing"
)

func validTrigger() Trigger {
	return Trigger{Title: "t", Active: true,
		Conditions: Conditions{All: []Condition{cnd("update_type", "is", "Create")}},
		Actions:    []Action{action("priority", "high")}}
}

func TestValidateNamesBadCondition(t *testing.T) {
	tr := validTrigger()
	tr.Conditions.All = []Condition{
		cnd("status", "is", "open"),
		cnd("priority", "is", "high"),
		cnd("priority", "foo", "high"),
	}
	err := tr.Validate()
	wantProblem(t, err, "conditions.all[2].operator", `"foo" is not a valid operator for field "priority"`)
	if f := invalidFields(t, err); len(f) != 1 {
		t.Errorf("only the bad element should be reported, got %v", f)
	}

	cases := []struct {
		c            Condition
		field, inMsg string
	}{
		{cnd("stauts", "is", "open"), "conditions.any[0].field", `"stauts" is not a valid condition field`},
		{cnd("priority", "is", "superhigh"), "conditions.any[0].value", `"superhigh" is not a valid priority`},
		{cnd("priority", "less_than", ""), "conditions.any[0].value", "needs a value"},
		{cnd("status", "is", ""), "conditions.any[0].value", "not a valid status"},
		{cnd("assignee_id", "is", "bob"), "conditions.any[0].value", `"bob" is not a valid ID`},
		{cnd("assignee_id", "is", -3), "conditions.any[0].value", "not a valid ID"},
		{cnd("current_tags", "includes", "  "), "conditions.any[0].value", "at least one tag"},
		{cnd("current_tags", "is", "vip"), "conditions.any[0].operator", "not a valid operator"},
		{cnd("via_id", "is", "999"), "conditions.any[0].value", "not a known channel"},
		{cnd("role", "is", "owner"), "conditions.any[0].value", "not a valid role"},
		{cnd("update_type", "is", "Delete"), "conditions.any[0].value", "Create or Change"},
		{cnd("comment_is_public", "is", "maybe"), "conditions.any[0].value", "true, false or not_relevant"},
		{cnd("custom_fields_12", "less_than", "abc"), "conditions.any[0].value", "must be a number"},
		{cnd("custom_fields_x", "is", "abc"), "conditions.any[0].field", "not a valid condition field"},
		{cnd("hours_since_created", "greater_than", "1"), "conditions.any[0].field", "not available in triggers"},
		{cnd("organization.plan", "is", "enterprise"), "conditions.any[0].value", "self_managed, saas"},
		{cnd("status", "is", map[string]any{"a": 1}), "conditions.any[0].value", "not a valid status"},
		{cnd("sla_breach", "is", "yes"), "conditions.any[0].value", "true or false"},
	}
	for _, tc := range cases {
		tr := validTrigger()
		tr.Conditions.Any = []Condition{tc.c}
		wantProblem(t, tr.Validate(), tc.field, tc.inMsg)
	}
}

func TestValidateTriggerShape(t *testing.T) {
	err := Trigger{}.Validate()
	wantProblem(t, err, "title", "blank")
	wantProblem(t, err, "conditions", "at least one condition")
	wantProblem(t, err, "actions", "at least one action")

	tr := validTrigger()
	tr.Actions = []Action{
		action("priority", "extreme"),
		action("explode", "now"),
		action("status", "closed"),
		action("comment_value", "hello"),
		action("notification_user", []any{"everyone", "s", "b"}),
		action("notification_webhook", []any{"wh1", "{\"id\": {{ticket.id}"}),
		action("assignee_id", "current_user"),
		action("set_tags", ""),
		action("remove_tags", ""),
	}
	err = tr.Validate()
	wantProblem(t, err, "actions[0].value", `"extreme" is not a valid priority`)
	wantProblem(t, err, "actions[1].field", `"explode" is not a valid action field`)
	wantProblem(t, err, "actions[2].value", `"closed" is not a valid status`)
	wantProblem(t, err, "actions[3].field", "not available in triggers")
	wantProblem(t, err, "actions[4].value", "not a valid recipient")
	wantProblem(t, err, "actions[5].value", "payload must be JSON")
	wantProblem(t, err, "actions[8].value", "at least one tag")
	f := invalidFields(t, err)
	for _, ok := range []string{"actions[6].value", "actions[7].value"} {
		if _, bad := f[ok]; bad {
			t.Errorf("%s should be valid: %v", ok, f[ok])
		}
	}
}

func TestValidateGeneric(t *testing.T) {
	if err := Validate(validTrigger()); err != nil {
		t.Fatal(err)
	}
	tr := validTrigger()
	if err := Validate(&tr); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, Validate(42), "rule", "not a rule")
	wantProblem(t, Validate(Macro{}), "actions", "at least one action")
	wantProblem(t, Validate(&View{}), "conditions.all", "at least one condition")
}

func closeSolved() Automation {
	return Automation{ID: 1, Title: "Close solved after 4 days", Active: true,
		Conditions: Conditions{All: []Condition{cnd("status", "is", "solved"), cnd("hours_since_solved", "greater_than", "96")}},
		Actions:    []Action{action("status", "closed")}}
}

func TestValidateAutomationRules(t *testing.T) {
	if err := closeSolved().Validate(); err != nil {
		t.Fatal(err)
	}

	a := closeSolved()
	a.Conditions.All = []Condition{cnd("status", "is", "solved")}
	wantProblem(t, a.Validate(), "conditions.all", "time-based condition")

	a = closeSolved()
	a.Conditions.Any = []Condition{cnd("hours_since_created", "greater_than", "5")}
	wantProblem(t, a.Validate(), "conditions.any[0].field", "must be under conditions.all")

	// Notification only: nothing stops it from firing forever.
	a = closeSolved()
	a.Actions = []Action{action("notification_user", []any{"requester_id", "s", "b"})}
	wantProblem(t, a.Validate(), "actions", "nullifies")

	// Setting the status to what the condition requires does not nullify.
	a = closeSolved()
	a.Actions = []Action{action("status", "solved")}
	wantProblem(t, a.Validate(), "actions", "nullifies")

	a = closeSolved()
	a.Actions = nil
	wantProblem(t, a.Validate(), "actions", "at least one action")

	a = closeSolved()
	a.Conditions.All = append(a.Conditions.All, cnd("update_type", "is", "Change"))
	wantProblem(t, a.Validate(), "conditions.all[2].field", "not available in automations")

	a = closeSolved()
	a.Conditions.All = append(a.Conditions.All, cnd("assignee_id", "is", "current_user"))
	wantProblem(t, a.Validate(), "conditions.all[2].value", "current_user")

	a = closeSolved()
	a.Conditions.All[1] = cnd("hours_since_solved", "greater_than", "soon")
	wantProblem(t, a.Validate(), "conditions.all[1].value", `hours must be a number`)
	a.Conditions.All[1] = cnd("hours_since_solved", "greater_than", "-1")
	wantProblem(t, a.Validate(), "conditions.all[1].value", `hours must be a number`)
	a.Conditions.All[1] = cnd("hours_since_solved", "greater_than_business_hours", "1")
	wantProblem(t, a.Validate(), "conditions.all[1].operator", "calendar hours")
	a.Conditions.All[1] = cnd("OPEN", "greater_than", "1")
	wantProblem(t, a.Validate(), "conditions.all[1].field", "not supported")

	// Nullifying forms that are accepted.
	ok := []Automation{
		{Title: "tag guard", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "not_includes", "a b")}},
			Actions: []Action{action("current_tags", "b")}},
		{Title: "tag removal", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "includes", "a b")}},
			Actions: []Action{action("remove_tags", "a b c")}},
		{Title: "set tags", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "includes", "a")}},
			Actions: []Action{action("set_tags", "z")}},
		{Title: "priority", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("priority", "less_than", "urgent")}},
			Actions: []Action{action("priority", "urgent")}},
		{Title: "assignee", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("assignee_id", "is", "")}},
			Actions: []Action{action("assignee_id", 5)}},
		{Title: "custom", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("custom_fields_9", "is_not", "done")}},
			Actions: []Action{action("custom_fields_9", "done")}},
		{Title: "pending clock", Conditions: Conditions{All: []Condition{cnd("PENDING", "greater_than", 1)}},
			Actions: []Action{action("status", "open")}},
	}
	for _, a := range ok {
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", a.Title, err)
		}
	}
	notOK := []Automation{
		{Title: "partial removal", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "includes", "a b")}},
			Actions: []Action{action("remove_tags", "a")}},
		{Title: "re-add removed", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "not_includes", "a")}},
			Actions: []Action{action("current_tags", "a"), action("remove_tags", "a")}},
		{Title: "set tags keeps", Conditions: Conditions{All: []Condition{cnd("NEW", "greater_than", 1), cnd("current_tags", "includes", "a")}},
			Actions: []Action{action("set_tags", "a z")}},
	}
	for _, a := range notOK {
		wantProblem(t, a.Validate(), "actions", "nullifies")
	}
}

func TestValidateMacroAndView(t *testing.T) {
	m := Macro{Title: "m", Actions: []Action{
		action("notification_user", []any{"requester_id", "s", "b"}),
		action("comment_value", []any{"channel:all", " "}),
		action("comment_mode_is_public", "perhaps"),
		action("subject", "New subject"),
	}, Restriction: map[string]any{"type": "Team", "id": 1}}
	err := m.Validate()
	wantProblem(t, err, "actions[0].field", "not available in macros")
	wantProblem(t, err, "actions[1].value", "blank")
	wantProblem(t, err, "actions[2].value", "true or false")
	wantProblem(t, err, "restriction", "User")

	v := View{Title: "v",
		Conditions:  Conditions{All: []Condition{cnd("status", "changed", nil)}, Any: []Condition{cnd("hours_since_updated", "less_than", 2)}},
		Execution:   Execution{SortBy: "mood", SortOrder: "sideways", GroupBy: "weather"},
		Restriction: &Restriction{Type: "Team"}}
	err = v.Validate()
	wantProblem(t, err, "conditions.all[0].operator", "not a valid operator")
	wantProblem(t, err, "conditions.any[0].field", "conditions.all")
	wantProblem(t, err, "execution.sort_by", "not a sortable column")
	wantProblem(t, err, "execution.group_by", "not a sortable column")
	wantProblem(t, err, "execution.sort_order", "asc or desc")
	wantProblem(t, err, "restriction.type", "User")
	wantProblem(t, err, "restriction.id", "ID")
}
