package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

func trig(id int64, pos int, all []Condition, acts ...Action) Trigger {
	return Trigger{ID: id, Title: fmt.Sprintf("trigger %d", id), Active: true, Position: pos,
		Conditions: Conditions{All: all}, Actions: acts}
}

func TestTriggerRestartOrder(t *testing.T) {
	triggers := []Trigger{
		trig(3, 3, []Condition{cnd("current_tags", "includes", "escalated")}, action("group_id", 99)),
		trig(1, 1, []Condition{cnd("priority", "is", "urgent")}, action("current_tags", "escalated")),
		trig(2, 2, []Condition{cnd("current_tags", "includes", "vip")}, action("priority", "urgent")),
	}
	tk := baseTicket()
	tk.Priority = PriorityNormal
	res, err := RunTriggers(triggers, tk, tk, Update{})
	if err != nil {
		t.Fatal(err)
	}
	// Pass 1: only #2 matches; restart: #1 now matches; restart: #3.
	if want := []int64{2, 1, 3}; !slices.Equal(res.Fired, want) {
		t.Fatalf("fired %v, want %v", res.Fired, want)
	}
	if res.Ticket.Priority != PriorityUrgent || res.Ticket.GroupID != 99 || !slices.Contains(res.Ticket.Tags, "escalated") {
		t.Errorf("ticket = %+v", res.Ticket)
	}
	if slices.Contains(tk.Tags, "escalated") {
		t.Error("the caller's ticket was modified")
	}
}

func TestTriggerFiresOncePerUpdate(t *testing.T) {
	// Both stay true after firing and undo each other; each fires once.
	triggers := []Trigger{
		trig(1, 1, []Condition{cnd("status", "is", "open")}, action("current_tags", "seen")),
		trig(2, 2, []Condition{cnd("priority", "is", "low")}, action("priority", "high")),
		trig(3, 3, []Condition{cnd("priority", "is", "high")}, action("priority", "low")),
		{ID: 4, Title: "inactive", Active: false, Conditions: Conditions{All: []Condition{cnd("status", "is", "open")}}, Actions: []Action{action("status", "solved")}},
		{ID: 5, Title: "invalid", Active: true, Conditions: Conditions{All: []Condition{cnd("status", "is", "opne")}}, Actions: []Action{action("status", "solved")}},
	}
	tk := baseTicket()
	tk.Priority = PriorityLow
	res, err := RunTriggers(triggers, tk, tk, Update{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 3}; !slices.Equal(res.Fired, want) {
		t.Fatalf("fired %v, want %v", res.Fired, want)
	}
	if res.Ticket.Priority != PriorityLow || res.Ticket.Status != StatusOpen {
		t.Errorf("ticket = %+v", res.Ticket)
	}
	if !slices.Equal(res.Invalid, []int64{5}) {
		t.Errorf("invalid = %v", res.Invalid)
	}
}

func TestTriggerLoopCap(t *testing.T) {
	var triggers []Trigger
	for i := range 150 {
		triggers = append(triggers, trig(int64(i+1), i, []Condition{cnd("status", "is", "open")}, action("current_tags", fmt.Sprintf("t%d", i))))
	}
	tk := baseTicket()
	res, err := RunTriggers(triggers, tk, tk, Update{})
	var le *LoopError
	if !errors.As(err, &le) || le.Limit != MaxTriggerFirings {
		t.Fatalf("err = %v", err)
	}
	if !res.Capped || len(res.Fired) != MaxTriggerFirings {
		t.Fatalf("capped=%v fired=%d", res.Capped, len(res.Fired))
	}
	// Exactly MaxTriggerFirings is fine.
	res, err = RunTriggers(triggers[:MaxTriggerFirings], tk, tk, Update{})
	if err != nil || res.Capped || len(res.Fired) != MaxTriggerFirings {
		t.Fatalf("at the limit: err=%v capped=%v fired=%d", err, res.Capped, len(res.Fired))
	}
}

func TestTriggerChangeConditionsSeeTriggerChanges(t *testing.T) {
	triggers := []Trigger{
		trig(1, 1, []Condition{cnd("priority", "changed_to", "urgent")}, action("group_id", 55)),
		trig(2, 2, []Condition{cnd("current_tags", "includes", "outage")}, action("priority", "urgent")),
	}
	tk := baseTicket()
	after := tk.Clone()
	after.Tags = append(after.Tags, "outage")
	res, err := RunTriggers(triggers, tk, after, Update{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Fired, []int64{2, 1}) || res.Ticket.GroupID != 55 {
		t.Fatalf("fired %v group %d", res.Fired, res.Ticket.GroupID)
	}
}

func autoAssignByPlan() []Trigger {
	return []Trigger{
		trig(10, 1, []Condition{cnd("update_type", "is", "Create"), cnd("organization.plan", "is", "saas"), cnd("group_id", "is", "")},
			action("group_id", "100"), action("current_tags", "saas")),
		trig(11, 2, []Condition{cnd("update_type", "is", "Create"), cnd("organization.plan", "is", "self_managed"), cnd("group_id", "is", "")},
			action("group_id", "200"), action("current_tags", "self_managed")),
		trig(12, 3, []Condition{cnd("update_type", "is", "Create"), cnd("organization.tier", "is", "ultimate")},
			action("priority", "high")),
	}
}

func TestAutoAssignByPlan(t *testing.T) {
	for _, tc := range []struct {
		plan, tier string
		group      int64
		priority   string
	}{
		{"saas", "premium", 100, ""},
		{"self_managed", "ultimate", 200, PriorityHigh},
		{"", "", 0, ""},
	} {
		tk := Ticket{ID: 1, Status: StatusNew, OrgPlan: tc.plan, OrgTier: tc.tier, RequesterID: 5}
		res, err := RunTriggers(autoAssignByPlan(), Ticket{}, tk, Update{IsNew: true, CurrentUserRole: "end-user", CurrentUserID: 5})
		if err != nil {
			t.Fatal(err)
		}
		if res.Ticket.GroupID != tc.group || res.Ticket.Priority != tc.priority {
			t.Errorf("plan %q: group %d priority %q", tc.plan, res.Ticket.GroupID, res.Ticket.Priority)
		}
	}
	// Updates do not re-route.
	tk := Ticket{ID: 1, Status: StatusOpen, OrgPlan: "saas"}
	res, _ := RunTriggers(autoAssignByPlan(), tk, tk, Update{})
	if len(res.Fired) != 0 {
		t.Errorf("fired on update: %v", res.Fired)
	}
}

func notifyRequesterOnReply() Trigger {
	return trig(20, 1,
		[]Condition{cnd("update_type", "is", "Change"), cnd("comment_is_public", "is", "true"), cnd("role", "is_not", "end-user")},
		action("notification_user", []any{"requester_id", "[{{ticket.account}}] Re: {{ticket.title}}",
			"Hi {{ticket.requester.first_name}},\n\n{{ticket.latest_public_comment}}\n\n{{current_user.name}} - {{ticket.url}}"}))
}

func TestNotifyRequesterOnPublicAgentReply(t *testing.T) {
	tk := baseTicket()
	data := PlaceholderData{AccountName: "Acme", TicketURL: "https://desk.acme.test/tickets/42",
		Users: map[int64]Person{21: {Name: "Ann Lee", Email: "ann@x.test"}, 11: {Name: "Bo Agent"}}}
	upd := Update{CurrentUserRole: "agent", CurrentUserID: 11, Comment: &Comment{Body: "We replaced the toner.", Public: true, AuthorRole: "agent"}, Data: data}
	res, err := RunTriggers([]Trigger{notifyRequesterOnReply()}, tk, tk, upd)
	if err != nil {
		t.Fatal(err)
	}
	want := []Effect{{Kind: EffectNotifyUser, RuleID: 20, Recipient: "requester_id", UserID: 21,
		Subject: "[Acme] Re: Printer on fire",
		Body:    "Hi Ann,\n\nWe replaced the toner.\n\nBo Agent - https://desk.acme.test/tickets/42"}}
	if !reflect.DeepEqual(res.Effects, want) {
		t.Fatalf("effects = %#v", res.Effects)
	}
	for name, u := range map[string]Update{
		"private note":   {CurrentUserRole: "agent", Comment: &Comment{Body: "x", Public: false}},
		"end-user reply": {CurrentUserRole: "end-user", Comment: &Comment{Body: "x", Public: true}},
		"no comment":     {CurrentUserRole: "agent"},
		"creation":       {IsNew: true, CurrentUserRole: "agent", Comment: &Comment{Body: "x", Public: true}},
	} {
		res, _ := RunTriggers([]Trigger{notifyRequesterOnReply()}, tk, tk, u)
		if len(res.Effects) != 0 {
			t.Errorf("%s: effects %v", name, res.Effects)
		}
	}
}

func TestTagFromText(t *testing.T) {
	tr := trig(30, 1, []Condition{cnd("comment_includes_word", "includes", `refund "money back" chargeback`)},
		action("current_tags", "billing refund_request"), action("remove_tags", "printer"))
	tk := baseTicket()
	for body, tagged := range map[string]bool{
		"Please REFUND me.":                 true,
		"I want my money back!":             true,
		"refunded already, thanks":          false,
		"the money is back":                 false,
		"Filed a chargeback with my bank":   true,
		"Nothing to see here":               false,
		"Printer fixed. Money\nback please": true,
	} {
		res, err := RunTriggers([]Trigger{tr}, tk, tk, Update{Comment: &Comment{Body: body, Public: true}})
		if err != nil {
			t.Fatal(err)
		}
		has := slices.Contains(res.Ticket.Tags, "refund_request")
		if has != tagged {
			t.Errorf("%q: tagged=%v", body, has)
		}
		if tagged && (!slices.Equal(res.Ticket.Tags, []string{"vip", "billing", "refund_request"})) {
			t.Errorf("%q: tags %v", body, res.Ticket.Tags)
		}
	}
}

func TestEffectsRenderedWithFinalTicket(t *testing.T) {
	triggers := []Trigger{
		trig(1, 1, []Condition{cnd("update_type", "is", "Create")},
			action("notification_user", []any{"assignee_id", "New ticket #{{ticket.id}}", "Assigned to {{ticket.assignee.name}} in {{ticket.group.name}}"}),
			action("notification_group", []any{"group_id", "New in group", "{{ticket.title}}"}),
			action("notification_webhook", []any{"wh-1", `{"id": {{ticket.id}}, "title": "{{ticket.title}}", "status": "{{ticket.status}}"}`})),
		trig(2, 2, []Condition{cnd("assignee_id", "is", "")}, action("assignee_id", 77), action("group_id", 8), action("status", "open")),
	}
	tk := Ticket{ID: 9, Subject: `He said "hi" \o/`, Status: StatusNew}
	upd := Update{IsNew: true, Data: PlaceholderData{Users: map[int64]Person{77: {Name: "Cy"}}, Groups: map[int64]string{8: "Tier 2"}}}
	res, err := RunTriggers(triggers, Ticket{}, tk, upd)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Effects) != 3 {
		t.Fatalf("effects = %#v", res.Effects)
	}
	if e := res.Effects[0]; e.UserID != 77 || e.Body != "Assigned to Cy in Tier 2" || e.Subject != "New ticket #9" {
		t.Errorf("user notification = %#v", e)
	}
	if e := res.Effects[1]; e.Kind != EffectNotifyGroup || e.GroupID != 8 {
		t.Errorf("group notification = %#v", e)
	}
	wh := res.Effects[2]
	var payload struct {
		ID     int64
		Title  string
		Status string
	}
	if err := json.Unmarshal([]byte(wh.Body), &payload); err != nil {
		t.Fatalf("webhook payload %q: %v", wh.Body, err)
	}
	if wh.WebhookID != "wh-1" || payload.ID != 9 || payload.Title != tk.Subject || payload.Status != "Open" {
		t.Errorf("webhook = %#v / %+v", wh, payload)
	}
	// Recipients that resolve to nobody are dropped.
	res, _ = RunTriggers(triggers[:1], Ticket{}, tk, Update{IsNew: true})
	if len(res.Effects) != 1 || res.Effects[0].Kind != EffectWebhook {
		t.Errorf("effects without assignee/group = %#v", res.Effects)
	}
}

func TestTriggerTimestamps(t *testing.T) {
	tr := trig(1, 1, []Condition{cnd("comment_includes_word", "includes", "thanks")}, action("status", "solved"), action("assignee_id", "current_user"))
	tk := baseTicket()
	tk.AssigneeID = 0
	res, err := RunTriggers([]Trigger{tr}, tk, tk, Update{At: t0(), CurrentUserID: 11, Comment: &Comment{Body: "thanks!"}})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Ticket
	if got.Status != StatusSolved || !got.SolvedAt.Equal(t0()) || !got.UpdatedAt.Equal(t0()) || got.AssigneeID != 11 || !got.AssignedAt.Equal(t0()) {
		t.Errorf("ticket = %+v", got)
	}
	// "current_user" without a current user leaves the assignee alone.
	tk.AssigneeID = 3
	res, _ = RunTriggers([]Trigger{tr}, tk, tk, Update{Comment: &Comment{Body: "thanks"}})
	if res.Ticket.AssigneeID != 3 {
		t.Errorf("assignee = %d", res.Ticket.AssigneeID)
	}
	// Without At timestamps are left to the caller.
	res, _ = RunTriggers([]Trigger{tr}, tk, tk, Update{Comment: &Comment{Body: "thanks!"}})
	if !res.Ticket.SolvedAt.IsZero() || !res.Ticket.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Errorf("timestamps changed without At: %+v", res.Ticket)
	}
}

// markerStore mimics how the store persists automation markers.
type markerStore map[int64]bool

func (m markerStore) fired(id int64) bool { return m[id] }

func (m markerStore) apply(r Result) {
	for _, id := range r.Fired {
		m[id] = true
	}
	for _, id := range r.ClearMarkers {
		delete(m, id)
	}
}

func TestCloseSolvedAfterFourDays(t *testing.T) {
	autos := []Automation{closeSolved()}
	tk := baseTicket()
	tk.Status = StatusSolved
	tk.SolvedAt = t0().Add(-95 * time.Hour)
	markers := markerStore{}

	res := RunAutomations(autos, tk, t0(), markers.fired, PlaceholderData{})
	if len(res.Fired) != 0 || res.Ticket.Status != StatusSolved {
		t.Fatalf("fired too early: %+v", res)
	}
	now := t0().Add(2 * time.Hour) // 97 hours after solving
	res = RunAutomations(autos, tk, now, markers.fired, PlaceholderData{})
	if !slices.Equal(res.Fired, []int64{1}) || res.Ticket.Status != StatusClosed || !res.Ticket.UpdatedAt.Equal(now) {
		t.Fatalf("result = %+v", res)
	}
	markers.apply(res)
	// Closed tickets are left alone.
	res = RunAutomations(autos, res.Ticket, now.Add(time.Hour), markers.fired, PlaceholderData{})
	if len(res.Fired)+len(res.ClearMarkers)+len(res.Effects) != 0 {
		t.Fatalf("closed ticket touched: %+v", res)
	}
}

func escalateUrgentUnassigned() Automation {
	return Automation{ID: 7, Title: "Escalate urgent unassigned after 30 minutes", Active: true, Position: 1,
		Conditions: Conditions{All: []Condition{
			cnd("priority", "is", "urgent"), cnd("assignee_id", "is", ""),
			cnd("hours_since_created", "greater_than", "0.5"), cnd("group_id", "is_not", "99"),
		}},
		Actions: []Action{action("group_id", "99"), action("current_tags", "escalated"),
			action("notification_group", []any{"99", "Urgent ticket #{{ticket.id}} unassigned", "{{ticket.title}} is waiting"})}}
}

func TestEscalateUrgentUnassignedAfter30Minutes(t *testing.T) {
	a := escalateUrgentUnassigned()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	tk := Ticket{ID: 5, Subject: "Site down", Status: StatusNew, Priority: PriorityUrgent, CreatedAt: t0()}
	res := RunAutomations([]Automation{a}, tk, t0().Add(29*time.Minute), nil, PlaceholderData{})
	if len(res.Fired) != 0 {
		t.Fatal("fired before 30 minutes")
	}
	res = RunAutomations([]Automation{a}, tk, t0().Add(30*time.Minute), nil, PlaceholderData{})
	if len(res.Fired) != 0 {
		t.Fatal("fired at exactly 30 minutes (greater_than is strict)")
	}
	res = RunAutomations([]Automation{a}, tk, t0().Add(31*time.Minute), nil, PlaceholderData{})
	if !slices.Equal(res.Fired, []int64{7}) || res.Ticket.GroupID != 99 {
		t.Fatalf("result = %+v", res)
	}
	want := Effect{Kind: EffectNotifyGroup, RuleID: 7, Recipient: "99", GroupID: 99, Subject: "Urgent ticket #5 unassigned", Body: "Site down is waiting"}
	if len(res.Effects) != 1 || res.Effects[0] != want {
		t.Errorf("effects = %#v", res.Effects)
	}
	// Assigned tickets are not escalated.
	tk.AssigneeID = 3
	if res := RunAutomations([]Automation{a}, tk, t0().Add(2*time.Hour), nil, PlaceholderData{}); len(res.Fired) != 0 {
		t.Error("escalated an assigned ticket")
	}
}

func TestAutomationAtMostOnceAndMarkers(t *testing.T) {
	nudge := Automation{ID: 3, Title: "Nudge stale open tickets", Active: true,
		Conditions: Conditions{All: []Condition{cnd("status", "is", "open"), cnd("hours_since_updated", "greater_than", "24"), cnd("current_tags", "not_includes", "nudged")}},
		Actions:    []Action{action("current_tags", "nudged"), action("notification_user", []any{"assignee_id", "Stale", "#{{ticket.id}}"})}}
	markers := markerStore{}
	tk := baseTicket()
	tk.UpdatedAt = t0().Add(-25 * time.Hour)

	res := RunAutomations([]Automation{nudge}, tk, t0(), markers.fired, PlaceholderData{})
	if !slices.Equal(res.Fired, []int64{3}) || len(res.Effects) != 1 {
		t.Fatalf("first run = %+v", res)
	}
	markers.apply(res)
	tk = res.Ticket

	// A marker with matching conditions (e.g. the store replays an old
	// snapshot) must not fire again.
	stale := baseTicket()
	stale.UpdatedAt = t0().Add(-25 * time.Hour)
	if res := RunAutomations([]Automation{nudge}, stale, t0().Add(time.Hour), markers.fired, PlaceholderData{}); len(res.Fired) != 0 || len(res.ClearMarkers) != 0 {
		t.Fatalf("fired twice: %+v", res)
	}

	// Nullified (tag present): the marker is cleared.
	if !MarkerStale(nudge, tk, t0().Add(time.Hour)) {
		t.Error("MarkerStale should report a nullified automation")
	}
	res = RunAutomations([]Automation{nudge}, tk, t0().Add(time.Hour), markers.fired, PlaceholderData{})
	if len(res.Fired) != 0 || !slices.Equal(res.ClearMarkers, []int64{3}) {
		t.Fatalf("second run = %+v", res)
	}
	markers.apply(res)

	// An agent removes the tag; a day later the automation may fire again.
	tk.Tags = slices.DeleteFunc(tk.Tags, func(s string) bool { return s == "nudged" })
	tk.UpdatedAt = t0().Add(2 * time.Hour)
	if res := RunAutomations([]Automation{nudge}, tk, t0().Add(10*time.Hour), markers.fired, PlaceholderData{}); len(res.Fired) != 0 {
		t.Fatal("fired before 24h since the update")
	}
	res = RunAutomations([]Automation{nudge}, tk, t0().Add(27*time.Hour), markers.fired, PlaceholderData{})
	if !slices.Equal(res.Fired, []int64{3}) {
		t.Fatalf("re-armed run = %+v", res)
	}
}

func TestAutomationsSeeEarlierChanges(t *testing.T) {
	tagOld := Automation{ID: 2, Title: "Tag old solved", Active: true, Position: 2,
		Conditions: Conditions{All: []Condition{cnd("status", "is", "solved"), cnd("hours_since_solved", "greater_than", "48"), cnd("current_tags", "not_includes", "old")}},
		Actions:    []Action{action("current_tags", "old")}}
	autos := []Automation{tagOld, closeSolved()} // closeSolved has Position 0
	tk := baseTicket()
	tk.Status = StatusSolved
	tk.SolvedAt = t0().Add(-100 * time.Hour)
	res := RunAutomations(autos, tk, t0(), nil, PlaceholderData{})
	if !slices.Equal(res.Fired, []int64{1}) || slices.Contains(res.Ticket.Tags, "old") {
		t.Fatalf("result = %+v", res)
	}
	ok, err := AutomationMatches(tagOld, tk, t0())
	if err != nil || !ok {
		t.Fatalf("AutomationMatches = %v, %v", ok, err)
	}
}

func TestApplyMacroPreview(t *testing.T) {
	var doc struct{ Macro Macro }
	mustJSON(t, zendeskMacro, &doc)
	tk := baseTicket()
	orig := tk.Clone()
	data := PlaceholderData{Users: map[int64]Person{21: {Name: "Ann Lee"}, 900: {Name: "Dee Agent"}}}
	res, err := ApplyMacro(doc.Macro, tk, Actor{ID: 900, Role: "agent"}, data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tk, orig) {
		t.Error("ApplyMacro modified its input")
	}
	wantChanges := map[string][2]string{
		"priority":                   {"high", "low"},
		"status":                     {"open", "pending"},
		"assignee_id":                {"11", "900"},
		"current_tags":               {"vip printer", "vip printer no_response"},
		"custom_fields_360011112222": {"", "downgraded"},
	}
	if !reflect.DeepEqual(res.Changes, wantChanges) {
		t.Errorf("changes = %v", res.Changes)
	}
	c, ok := res.Comment()
	if !ok || !c.Public || c.RuleID != 360111111111 {
		t.Fatalf("comment = %#v", c)
	}
	if want := "Hi Ann,\n\nWe have not heard back from you, so we lowered the priority of #42.\n\nDee Agent"; c.Body != want {
		t.Errorf("comment body = %q", c.Body)
	}
	if !res.Ticket.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Error("macro preview touched timestamps")
	}

	private := Macro{ID: 2, Title: "Internal note", Actions: []Action{
		action("comment_value_html", "<p>Escalated by {{current_user.name}}</p>"),
		action("comment_mode_is_public", false), action("subject", "[ESC] {{ticket.title}}"),
	}}
	res, err = ApplyMacro(private, tk, Actor{ID: 901}, PlaceholderData{Users: map[int64]Person{901: {Name: "<script>"}}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = res.Comment()
	if c.Public || c.HTMLBody != "<p>Escalated by &lt;script&gt;</p>" {
		t.Errorf("html comment = %#v", c)
	}
	// Subject is set literally; placeholders are not rendered in fields.
	if res.Ticket.Subject != "[ESC] {{ticket.title}}" {
		t.Errorf("subject = %q", res.Ticket.Subject)
	}
	if _, err := ApplyMacro(Macro{Title: "bad"}, tk, Actor{}, PlaceholderData{}); err == nil {
		t.Error("invalid macro applied")
	}
}

func TestMacroAvailable(t *testing.T) {
	cases := []struct {
		r    any
		user int64
		grps []int64
		want bool
	}{
		{nil, 1, nil, true},
		{map[string]any{"type": "User", "id": json.Number("1")}, 1, nil, true},
		{map[string]any{"type": "User", "id": 2.0}, 1, nil, false},
		{map[string]any{"type": "Group", "id": 5, "ids": []any{5, 6}}, 1, []int64{6}, true},
		{&Restriction{Type: "Group", ID: 5}, 1, []int64{7}, false},
		{"garbage", 1, nil, false},
	}
	for i, tc := range cases {
		if got := MacroAvailable(Macro{Restriction: tc.r}, tc.user, tc.grps); got != tc.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
}

func TestDiff(t *testing.T) {
	a := baseTicket()
	b := a.Clone()
	b.Status, b.AssigneeID, b.Subject = StatusSolved, 0, "x"
	delete(b.CustomFields, 100)
	d := Diff(a, b)
	want := map[string][2]string{"status": {"open", "solved"}, "assignee_id": {"11", ""}, "subject": {a.Subject, "x"}, "custom_fields_100": {"enterprise_plan", ""}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("diff = %v", d)
	}
	if len(Diff(a, a.Clone())) != 0 {
		t.Error("diff of equal tickets")
	}
}
