package ticket

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/markup"
)

func sp(s string) *string { return &s }
func ip(v int64) *int64   { return &v }
func bp(b bool) *bool     { return &b }

var (
	t0    = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	agent = Actor{UserID: 7, Role: "agent"}
	cust  = Actor{UserID: 3, Role: "end-user"}
)

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := err.(*errs.Error)
	if !ok || e.Kind != errs.KindInvalid || len(e.Fields[field]) == 0 {
		t.Fatalf("want invalid %s, got %v", field, err)
	}
}

func TestSubjectFromDescription(t *testing.T) {
	long := strings.Repeat("word ", 40)
	s := SubjectFromDescription("  first line\n\nsecond " + long)
	if len([]rune(s)) > 80 || !strings.HasPrefix(s, "first line second word") {
		t.Fatalf("%q", s)
	}
	tk, err := newTicket(&CreateInput{RequesterID: 3}, "My printer\nis on fire", change{actor: cust, now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Subject != "My printer is on fire" || tk.RawSubject != tk.Subject {
		t.Fatalf("%q", tk.Subject)
	}
}

func TestValidation(t *testing.T) {
	c := change{actor: agent, now: t0}
	_, err := newTicket(&CreateInput{RequesterID: 3, Status: sp("bogus")}, "x", c)
	wantField(t, err, "status")
	_, err = newTicket(&CreateInput{RequesterID: 3, Priority: sp("meh")}, "x", c)
	wantField(t, err, "priority")
	_, err = newTicket(&CreateInput{RequesterID: 3, Type: sp("bug")}, "x", c)
	wantField(t, err, "type")
	_, err = newTicket(&CreateInput{RequesterID: 3}, "  ", c)
	wantField(t, err, "comment")
	_, err = newTicket(&CreateInput{RequesterID: 3, ProblemID: ip(4), Type: sp("question")}, "x", c)
	wantField(t, err, "problem_id")
	_, err = newTicket(&CreateInput{}, "x", change{actor: Actor{Role: "system"}, now: t0})
	wantField(t, err, "requester_id")
	tk, err := newTicket(&CreateInput{RequesterID: 3, Priority: sp("HIGH"), Type: sp("Incident")}, "x", c)
	if err != nil || *tk.Priority != "high" || *tk.Type != "incident" || tk.Status != StatusNew || tk.SubmitterID != 7 {
		t.Fatalf("%+v %v", tk, err)
	}
}

func TestClosedIsFinal(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusClosed, RequesterID: 3, AssigneeID: ip(7), Subject: "s"}
	_, err := applyUpdate(cur, &UpdateInput{Priority: sp("low")}, change{actor: agent, now: t0}, nil)
	wantField(t, err, "status")
	if e := err.(*errs.Error); e.Fields["status"][0] != "closed tickets can't be updated" {
		t.Fatal(e)
	}
}

func TestNoBackToNew(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusOpen, RequesterID: 3, Subject: "s"}
	_, err := applyUpdate(cur, &UpdateInput{Status: sp("new")}, change{actor: agent, now: t0}, nil)
	wantField(t, err, "status")
}

func TestCustomerReplyReopens(t *testing.T) {
	solvedAt := t0.Add(-time.Hour)
	for _, tc := range []struct {
		status string
		c      change
		in     UpdateInput
		want   string
	}{
		{StatusPending, change{actor: cust, now: t0, customerReply: true}, UpdateInput{}, StatusOpen},
		{StatusSolved, change{actor: cust, now: t0, customerReply: true}, UpdateInput{}, StatusOpen},
		{StatusHold, change{actor: cust, now: t0, customerReply: true}, UpdateInput{}, StatusHold},
		{StatusPending, change{actor: cust, now: t0}, UpdateInput{Subject: sp("x")}, StatusPending},                        // no comment
		{StatusPending, change{actor: agent, now: t0, publicReply: true}, UpdateInput{}, StatusPending},                    // an agent's reply
		{StatusSolved, change{actor: cust, now: t0, customerReply: true}, UpdateInput{Status: sp("solved")}, StatusSolved}, // explicit
	} {
		cur := &Ticket{ID: 1, Status: tc.status, RequesterID: 3, AssigneeID: ip(7), Subject: "s"}
		if tc.status == StatusSolved {
			cur.SolvedAt = &solvedAt
		}
		if tc.in.Status != nil {
			tc.c.statusGiven = true
		}
		got, err := applyUpdate(cur, &tc.in, tc.c, nil)
		if err != nil || got.Status != tc.want {
			t.Errorf("%s %+v: got %v %v, want %s", tc.status, tc.c, got.Status, err, tc.want)
		}
		if err == nil && tc.want == StatusOpen && got.SolvedAt != nil {
			t.Errorf("reopened ticket keeps solved_at")
		}
	}
}

func TestNewBecomesOpen(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusNew, RequesterID: 3, Subject: "s"}
	// Assigning by an agent opens it.
	got, err := applyUpdate(cur, &UpdateInput{AssigneeID: ip(7)}, change{actor: agent, now: t0}, nil)
	if err != nil || got.Status != StatusOpen {
		t.Fatalf("%v %v", got, err)
	}
	// A public agent reply opens it.
	got, err = applyUpdate(cur, &UpdateInput{}, change{actor: agent, now: t0, publicReply: true}, nil)
	if err != nil || got.Status != StatusOpen {
		t.Fatalf("%v %v", got, err)
	}
	// An explicit status wins.
	got, err = applyUpdate(cur, &UpdateInput{AssigneeID: ip(7), Status: sp("new")}, change{actor: agent, now: t0}, nil)
	if err != nil || got.Status != StatusNew {
		t.Fatalf("%v %v", got, err)
	}
	// A customer's change keeps it new.
	got, err = applyUpdate(cur, &UpdateInput{Subject: sp("x")}, change{actor: cust, now: t0}, nil)
	if err != nil || got.Status != StatusNew {
		t.Fatalf("%v %v", got, err)
	}
	// Created by an agent with an assignee: open.
	tk, err := newTicket(&CreateInput{RequesterID: 3, AssigneeID: ip(7)}, "x", change{actor: agent, now: t0})
	if err != nil || tk.Status != StatusOpen {
		t.Fatalf("%v %v", tk, err)
	}
}

func TestSolvingNeedsAssignee(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusOpen, RequesterID: 3, Subject: "s"}
	// An agent solving an unassigned ticket is assigned.
	got, err := applyUpdate(cur, &UpdateInput{Status: sp("solved")}, change{actor: agent, now: t0}, nil)
	if err != nil || got.AssigneeID == nil || *got.AssigneeID != 7 || got.SolvedAt == nil || !got.SolvedAt.Equal(t0) {
		t.Fatalf("%+v %v", got, err)
	}
	// A customer (or the system) can't.
	_, err = applyUpdate(cur, &UpdateInput{Status: sp("solved")}, change{actor: cust, now: t0}, nil)
	wantField(t, err, "assignee_id")
	_, err = applyUpdate(cur, &UpdateInput{Status: sp("solved")}, change{actor: Actor{Role: "system"}, now: t0}, nil)
	wantField(t, err, "assignee_id")
	// Reopening clears solved_at; solved -> closed keeps it.
	solved := got
	later := t0.Add(time.Hour)
	re, err := applyUpdate(solved, &UpdateInput{Status: sp("open")}, change{actor: agent, now: later}, nil)
	if err != nil || re.SolvedAt != nil {
		t.Fatalf("%+v %v", re, err)
	}
	cl, err := applyUpdate(solved, &UpdateInput{Status: sp("closed")}, change{actor: agent, now: later}, nil)
	if err != nil || cl.SolvedAt == nil || !cl.SolvedAt.Equal(t0) {
		t.Fatalf("%+v %v", cl, err)
	}
}

func TestTagAndCollaboratorUpdates(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusOpen, RequesterID: 3, Subject: "s", Tags: []string{"a", "b"}, CollaboratorIDs: []int64{5}}
	got, err := applyUpdate(cur, &UpdateInput{AdditionalTags: []string{"C d", "a"}, RemoveTags: []string{"B"},
		AdditionalCollaborators: []int64{3, 9, 5}}, change{actor: agent, now: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Tags, []string{"a", "c", "d"}) || !reflect.DeepEqual(got.CollaboratorIDs, []int64{5, 9}) {
		t.Fatalf("%v %v", got.Tags, got.CollaboratorIDs)
	}
	if !reflect.DeepEqual(cur.Tags, []string{"a", "b"}) {
		t.Fatal("applyUpdate changed its input")
	}
	ev := changeEvents(cur, got)
	if len(ev) != 2 || ev[0].FieldName != "tags" || ev[1].FieldName != "collaborator_ids" {
		t.Fatalf("%+v", ev)
	}
}

func TestChangeEventsAndCustomFields(t *testing.T) {
	cur := &Ticket{ID: 1, Status: StatusOpen, RequesterID: 3, Subject: "s", Tags: []string{},
		CustomFields: []CustomField{{ID: 10, Value: "x"}}}
	got, err := applyUpdate(cur, &UpdateInput{Priority: sp("urgent"), CustomFields: []CustomField{{ID: 10, Value: "y"}, {ID: 2, Value: true}}},
		change{actor: agent, now: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.CustomFields[0].ID != 2 || got.CustomFields[1].Value != "y" {
		t.Fatalf("%+v", got.CustomFields)
	}
	ev := changeEvents(cur, got)
	b, _ := json.Marshal(ev)
	want := `[{"type":"Change","field_name":"priority","value":"urgent"},{"type":"Change","field_name":"2","value":true},{"type":"Change","field_name":"10","value":"y","previous_value":"x"}]`
	if string(b) != want {
		t.Fatalf("%s", b)
	}
	if ev := changeEvents(cur, cur.clone()); len(ev) != 0 {
		t.Fatalf("no-op change gave %v", ev)
	}
}

func TestCanSee(t *testing.T) {
	tk := &Ticket{RequesterID: 3, CollaboratorIDs: []int64{4}, OrganizationID: ip(50)}
	shared := func(org int64) bool { return org == 50 }
	notShared := func(int64) bool { return false }
	cases := []struct {
		viewer int64
		role   string
		orgs   []int64
		shared func(int64) bool
		want   bool
	}{
		{99, "agent", nil, nil, true},
		{99, "admin", nil, nil, true},
		{3, "end-user", nil, nil, true},
		{4, "end-user", nil, nil, true},
		{5, "end-user", []int64{50}, shared, true},
		{5, "end-user", []int64{50}, notShared, false},
		{5, "end-user", []int64{51}, shared, false},
		{5, "end-user", nil, nil, false},
		{0, "end-user", []int64{50}, shared, false},
	}
	for i, c := range cases {
		if got := CanSee(tk, c.viewer, c.role, c.orgs, c.shared); got != c.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
}

func TestCommentRender(t *testing.T) {
	r := markup.New()
	body, h, plain := (&CommentInput{Body: "Hello\nsee https://example.com"}).Render(r)
	if body != plain || !strings.Contains(h, `href="https://example.com"`) {
		t.Fatalf("%q %q %q", body, h, plain)
	}
	body, h, plain = (&CommentInput{HTMLBody: `<p>Hi <b>there</b><script>alert(1)</script></p>`}).Render(r)
	if strings.Contains(h, "script") || !strings.Contains(plain, "Hi") || body != plain {
		t.Fatalf("%q %q %q", body, h, plain)
	}
	if !(&CommentInput{}).IsPublic() || (&CommentInput{Public: bp(false)}).IsPublic() {
		t.Fatal("public default")
	}
}

func TestEventJSON(t *testing.T) {
	b, _ := json.Marshal(Event{ID: 1, Type: EventComment, Body: "x", Public: true, AuthorID: 3})
	if !strings.Contains(string(b), `"attachments":[]`) || strings.Contains(string(b), "field_name") {
		t.Fatalf("%s", b)
	}
	b, _ = json.Marshal(Event{ID: 2, Type: EventChange, FieldName: "assignee_id", Value: nil, PreviousValue: int64(4)})
	if string(b) != `{"id":2,"type":"Change","field_name":"assignee_id","value":null,"previous_value":4}` {
		t.Fatalf("%s", b)
	}
}
