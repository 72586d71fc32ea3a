package rules

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func viewByTitle(t *testing.T, title string) View {
	t.Helper()
	for _, v := range DefaultViews() {
		if v.Title == title {
			return v
		}
	}
	t.Fatalf("no default view %q", title)
	return View{}
}

func TestDefaultViewsFilters(t *testing.T) {
	views := DefaultViews()
	if len(views) != 6 {
		t.Fatalf("got %d default views", len(views))
	}
	for _, v := range views {
		if err := v.Validate(); err != nil {
			t.Errorf("%s: %v", v.Title, err)
		}
	}
	unsolved := Predicate{Column: ColStatus, Op: OpIn, Values: []any{"new", "open", "pending", "hold"}}

	f, err := viewByTitle(t, "Your unsolved tickets").Filter()
	if err != nil {
		t.Fatal(err)
	}
	want := Filter{
		All:  []Predicate{{Column: ColAssigneeID, Op: OpIn, Values: []any{CurrentUser{}}}, unsolved},
		Sort: []SortKey{{Column: ColUpdatedAt, Desc: true}, {Column: ColID}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("your unsolved = %+v", f)
	}

	f, _ = viewByTitle(t, "Unassigned tickets").Filter()
	if !reflect.DeepEqual(f.All[0], Predicate{Column: ColAssigneeID, Op: OpIn, Values: []any{int64(0)}}) {
		t.Errorf("unassigned = %+v", f.All)
	}

	f, _ = viewByTitle(t, "SLA breaching soon").Filter()
	wantSLA := []Predicate{unsolved, {Column: ColSLANextBreachAt, Op: OpLt, Values: []any{Relative(2 * time.Hour)}}}
	if !reflect.DeepEqual(f.All, wantSLA) || !reflect.DeepEqual(f.Sort[0], SortKey{Column: ColSLANextBreachAt}) {
		t.Errorf("sla = %+v", f)
	}

	f, _ = viewByTitle(t, "Recently solved tickets").Filter()
	wantSolved := []Predicate{
		{Column: ColStatus, Op: OpIn, Values: []any{"solved", "closed"}}, // status > hold and the solved clock's status, merged
		{Column: ColSolvedAt, Op: OpGt, Values: []any{Relative(-168 * time.Hour)}},
	}
	if !reflect.DeepEqual(f.All, wantSolved) || !f.Sort[0].Desc || f.Sort[0].Column != ColSolvedAt {
		t.Errorf("recently solved = %+v", f)
	}
	args := f.All[1].Args(t0(), 5)
	if !reflect.DeepEqual(args, []any{t0().Add(-168 * time.Hour)}) {
		t.Errorf("args = %v", args)
	}
}

func TestDefaultViewsMatch(t *testing.T) {
	mine := Ticket{ID: 1, Status: StatusOpen, AssigneeID: 5}
	other := Ticket{ID: 2, Status: StatusPending, AssigneeID: 6}
	unassigned := Ticket{ID: 3, Status: StatusNew}
	solvedRecently := Ticket{ID: 4, Status: StatusSolved, AssigneeID: 5, SolvedAt: t0().Add(-24 * time.Hour)}
	solvedLongAgo := Ticket{ID: 5, Status: StatusClosed, SolvedAt: t0().Add(-200 * time.Hour)}
	breaching := Ticket{ID: 6, Status: StatusOpen, SLANextBreachAt: t0().Add(time.Hour)}
	all := []Ticket{mine, other, unassigned, solvedRecently, solvedLongAgo, breaching}
	want := map[string][]int64{
		"Your unsolved tickets":   {1},
		"Unassigned tickets":      {3, 6},
		"All unsolved tickets":    {1, 2, 3, 6},
		"SLA breaching soon":      {6},
		"Recently solved tickets": {4},
		"Pending tickets":         {2},
	}
	for _, v := range DefaultViews() {
		var got []int64
		for _, tk := range all {
			if Match(v, tk, 5, t0()) {
				got = append(got, tk.ID)
			}
		}
		if !slices.Equal(got, want[v.Title]) {
			t.Errorf("%s: got %v, want %v", v.Title, got, want[v.Title])
		}
	}
	if Match(View{}, mine, 5, t0()) {
		t.Error("an invalid view matched")
	}
}

func TestZendeskViewFilter(t *testing.T) {
	var doc struct{ View View }
	mustJSON(t, zendeskView, &doc)
	f, err := doc.View.Filter()
	if err != nil {
		t.Fatal(err)
	}
	wantAny := []Predicate{
		{Column: ColTags, Op: OpTagsAny, Values: []any{"vip", "enterprise"}},
		{Column: ColOrganizationID, Op: OpIn, Values: []any{int64(360000111222)}},
	}
	if !reflect.DeepEqual(f.Any, wantAny) {
		t.Errorf("any = %+v", f.Any)
	}
	wantSort := []SortKey{{Column: ColStatus, Ranking: Statuses()}, {Column: ColUpdatedAt, Desc: true}, {Column: ColID}}
	if !reflect.DeepEqual(f.Sort, wantSort) {
		t.Errorf("sort = %+v", f.Sort)
	}
	tk := Ticket{ID: 1, Status: StatusOpen, Priority: PriorityUrgent, AssigneeID: 9, Tags: []string{"vip"}}
	if !f.Match(tk, 9, t0()) || f.Match(tk, 8, t0()) {
		t.Error("current_user not resolved")
	}
	tk.Tags = nil
	if f.Match(tk, 9, t0()) {
		t.Error("any-conditions ignored")
	}
}

func TestFilterSort(t *testing.T) {
	v := View{Title: "x", Conditions: Conditions{All: []Condition{cnd("status", "less_than", "solved")}},
		Execution: Execution{GroupBy: "priority", GroupOrder: "desc", SortBy: "nearest_sla_breach"}}
	f, err := v.Filter()
	if err != nil {
		t.Fatal(err)
	}
	tickets := []Ticket{
		{ID: 1, Priority: PriorityUrgent},
		{ID: 2, Priority: PriorityUrgent, SLANextBreachAt: t0().Add(2 * time.Hour)},
		{ID: 3, Priority: PriorityUrgent, SLANextBreachAt: t0().Add(time.Hour)},
		{ID: 4, Priority: ""},
		{ID: 5, Priority: PriorityLow, SLANextBreachAt: t0()},
		{ID: 6, Priority: PriorityUrgent},
	}
	slices.SortFunc(tickets, f.Compare)
	var ids []int64
	for _, tk := range tickets {
		ids = append(ids, tk.ID)
	}
	if want := []int64{3, 2, 1, 6, 5, 4}; !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
}

// viewConditionPool holds view-valid conditions covering every predicate shape.
func viewConditionPool() []Condition {
	return []Condition{
		cnd("status", "is", "open"), cnd("status", "is_not", "pending"), cnd("status", "less_than", "solved"),
		cnd("status", "greater_than_equal", "pending"), cnd("priority", "less_than_equal", "normal"),
		cnd("priority", "is", ""), cnd("priority", "is_not", ""), cnd("priority", "greater_than", "low"),
		cnd("type", "is", "incident"), cnd("type", "is_not", ""), cnd("organization.plan", "is", "saas"),
		cnd("organization.tier", "less_than", "ultimate"), cnd("group_id", "is", "1"), cnd("group_id", "is", ""),
		cnd("assignee_id", "is", "current_user"), cnd("assignee_id", "is_not", "current_user"),
		cnd("assignee_id", "present", nil), cnd("requester_id", "not_present", nil), cnd("organization_id", "is_not", 2),
		cnd("current_tags", "includes", "a b"), cnd("current_tags", "not_includes", "c"),
		cnd("via_id", "is", "4"), cnd("channel", "is_not", "web"), cnd("sla_breach", "is", "true"), cnd("sla_breach", "is_not", "true"),
		cnd("custom_fields_1", "is", "x"), cnd("custom_fields_1", "present", nil), cnd("custom_fields_1", "not_present", nil),
		cnd("custom_fields_2", "less_than", "5"), cnd("custom_fields_2", "greater_than_equal", "2.5"),
		cnd("custom_fields_3", "includes", "red blue"), cnd("custom_fields_3", "not_includes", "red"),
	}
}

func timeConditionPool() []Condition {
	var out []Condition
	for _, f := range []string{"hours_since_created", "hours_since_updated", "hours_since_pending", "hours_since_solved",
		"hours_since_assigned", "hours_until_next_sla_breach", "hours_since_last_sla_breach", "hours_until_due_date", "hours_since_due_date"} {
		for _, op := range comparisonOperators() {
			for _, h := range []string{"0", "0.5", "1", "2"} {
				out = append(out, cnd(f, op, h))
			}
		}
	}
	return out
}

func randomTicket(r *rand.Rand, now time.Time) Ticket {
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	id := func() int64 { return int64(r.IntN(3)) }
	ts := func() time.Time {
		if r.IntN(4) == 0 {
			return time.Time{}
		}
		// Half-hour steps hit the window boundaries exactly.
		return now.Add(time.Duration(r.IntN(13)-6) * 30 * time.Minute)
	}
	tags := []string{}
	for _, tag := range []string{"a", "b", "c", "d"} {
		if r.IntN(2) == 0 {
			tags = append(tags, tag)
		}
	}
	return Ticket{
		ID: r.Int64N(100), Status: pick(Statuses()...), Priority: pick("", "low", "normal", "high", "urgent"),
		Type: pick("", "question", "incident"), GroupID: id(), AssigneeID: id(), RequesterID: id(), OrganizationID: id(),
		OrgPlan: pick("", "saas", "self_managed"), OrgTier: pick("", "free", "premium", "ultimate"), Tags: tags,
		Channel: pick("web", "email", "api"), SLABreached: r.IntN(2) == 0,
		CustomFields: map[int64]string{1: pick("", "x", "y"), 2: pick("", "1", "2.5", "7", "n/a"), 3: pick("", "red", "blue green", "green")},
		CreatedAt:    ts(), UpdatedAt: ts(), PendingAt: ts(), SolvedAt: ts(), AssignedAt: ts(),
		SLANextBreachAt: ts(), SLALastBreachAt: ts(), DueAt: ts(),
	}
}

// The compiled Filter (what SQL implements) must agree with evaluating the
// view's conditions directly.
func TestFilterAgreesWithConditions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pool, timed := viewConditionPool(), timeConditionPool()
	for i := range 3000 {
		var v View
		v.Title = "random"
		for range 1 + r.IntN(3) {
			v.Conditions.All = append(v.Conditions.All, pool[r.IntN(len(pool))])
		}
		if r.IntN(2) == 0 {
			v.Conditions.All = append(v.Conditions.All, timed[r.IntN(len(timed))])
		}
		for range r.IntN(3) {
			v.Conditions.Any = append(v.Conditions.Any, pool[r.IntN(len(pool))])
		}
		f, err := v.Filter()
		if err != nil {
			t.Fatalf("view %d: %v", i, err)
		}
		conds, _ := compileView(v)
		for range 20 {
			tk := randomTicket(r, t0())
			user := int64(r.IntN(3))
			direct := conds.match(&env{t: tk, now: t0(), userID: user})
			if got := f.Match(tk, user, t0()); got != direct {
				t.Fatalf("filter %v, conditions %v\nview %+v\nfilter %+v\nticket %+v user %d", got, direct, v.Conditions, f, tk, user)
			}
		}
	}
}
