package ticket

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

type fixture struct {
	s      *Store
	d      *db.DB
	dir    string
	agent  Actor
	agent2 int64
	cust   Actor // in org (shared tickets)
	cust2  int64 // in org too
	cust3  int64 // no org
	org    int64
	org2   int64 // not shared
	group  int64
	gone   int64 // deleted group
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ps := people.NewStore(d, al)
	sys := audit.System()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Acme"), SharedTickets: bp(true)})
	must(err)
	org2, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Globex")})
	must(err)
	user := func(name, role string, org *int64) int64 {
		u, err := ps.CreateUser(ctx, sys, people.UserInput{Name: sp(name), Email: sp(strings.ToLower(name) + "@example.com"), Role: sp(role), OrganizationID: org})
		must(err)
		return u.ID
	}
	g, err := ps.CreateGroup(ctx, sys, people.GroupInput{Name: sp("Support")})
	must(err)
	g2, err := ps.CreateGroup(ctx, sys, people.GroupInput{Name: sp("Old")})
	must(err)
	must(ps.DeleteGroup(ctx, sys, g2.ID))
	dir := t.TempDir()
	f := &fixture{
		s: NewStore(d, al, dir, 1024), d: d, dir: dir,
		agent:  Actor{UserID: user("Alice", "agent", nil), Role: "agent"},
		agent2: user("Bob", "agent", nil),
		cust:   Actor{UserID: user("Carol", "end-user", &org.ID), Role: "end-user"},
		cust2:  user("Dave", "end-user", &org.ID),
		cust3:  user("Erin", "end-user", nil),
		org:    org.ID, org2: org2.ID, group: g.ID, gone: g2.ID,
	}
	return f
}

func (f *fixture) create(t *testing.T, actor Actor, in CreateInput) *Ticket {
	t.Helper()
	if in.Comment.Body == "" && in.Comment.HTMLBody == "" {
		in.Comment.Body = "Something is broken"
	}
	tk, _, err := f.s.Create(context.Background(), actor, in)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func eventsOf(a *Audit, typ string) map[string]Event {
	out := map[string]Event{}
	for _, e := range a.Events {
		if e.Type == typ {
			out[e.FieldName] = e
		}
	}
	return out
}

func jsonEq(t *testing.T, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("got %s, want %s", g, w)
	}
}

func TestCreateWithComment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk, aud, err := f.s.Create(ctx, f.cust, CreateInput{
			Comment:      CommentInput{Body: "My printer is on fire\nplease help https://example.com"},
			Tags:         []string{"Printer", "fire printer"},
			Priority:     sp("high"),
			CustomFields: []CustomField{{ID: 5, Value: "abc"}, {ID: 6, Value: 3}},
			Via:          &Via{Channel: ChannelEmail, Source: map[string]any{"from": map[string]any{"address": "carol@example.com"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if tk.ID == 0 || tk.Subject != "My printer is on fire please help https://example.com" ||
			tk.Description != "My printer is on fire\nplease help https://example.com" || tk.Status != StatusNew ||
			tk.RequesterID != f.cust.UserID || tk.SubmitterID != f.cust.UserID || !tk.IsPublic {
			t.Fatalf("%+v", tk)
		}
		if tk.OrganizationID == nil || *tk.OrganizationID != f.org {
			t.Fatalf("organization not defaulted from requester: %v", tk.OrganizationID)
		}
		if !reflect.DeepEqual(tk.Tags, []string{"fire", "printer"}) || *tk.Priority != "high" {
			t.Fatalf("%v %v", tk.Tags, tk.Priority)
		}
		jsonEq(t, tk.CustomFields, []CustomField{{5, "abc"}, {6, 3}})
		if tk.Via.Channel != ChannelEmail || tk.Via.Source["from"].(map[string]any)["address"] != "carol@example.com" {
			t.Fatalf("%+v", tk.Via)
		}
		if !tk.CreatedAt.Equal(d.Clock.Now()) || !tk.UpdatedStamp.Equal(tk.UpdatedAt) {
			t.Fatal(tk.CreatedAt)
		}
		// The audit: a Comment event and Create events.
		if aud == nil || aud.TicketID != tk.ID || aud.AuthorID != f.cust.UserID || aud.Events[0].Type != EventComment {
			t.Fatalf("%+v", aud)
		}
		ce := eventsOf(aud, EventCreate)
		if ce["status"].Value != "new" || ce["priority"].Value != "high" || ce["requester_id"].Value != f.cust.UserID ||
			ce["organization_id"].Value != f.org || ce["5"].Value != "abc" {
			t.Fatalf("%+v", ce)
		}
		jsonEq(t, ce["tags"].Value, []string{"fire", "printer"})
		if _, ok := ce["assignee_id"]; ok {
			t.Fatal("no assignee, no event")
		}
		cs, err := f.s.Comments(ctx, tk.ID, Page{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("%v %v", cs, err)
		}
		c := cs[0]
		if c.AuthorID != f.cust.UserID || !c.Public || c.PlainBody != tk.Description || !strings.Contains(c.HTMLBody, `<a href="https://example.com"`) || c.Type != "Comment" {
			t.Fatalf("%+v", c)
		}
		if aud.Events[0].ID != c.ID || aud.Events[0].Body != c.Body {
			t.Fatalf("%+v", aud.Events[0])
		}
		// Stored audits read back the same as returned.
		auds, err := f.s.Audits(ctx, tk.ID, Page{})
		if err != nil || len(auds) != 1 {
			t.Fatalf("%v %v", auds, err)
		}
		jsonEq(t, auds[0], aud)
		if n, _ := f.s.CountAudits(ctx, tk.ID); n != 1 {
			t.Fatal(n)
		}
		// An agent creating an assigned ticket for a customer with HTML: open, HTML sanitised.
		tk2, _, err := f.s.Create(ctx, f.agent, CreateInput{
			Subject: "Call back", RequesterID: f.cust3, AssigneeID: ip(f.agent2), GroupID: ip(f.group),
			Comment: CommentInput{HTMLBody: `<p>Hi <img src="x" onerror="alert(1)"></p>`, Public: bp(false)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if tk2.Status != StatusOpen || tk2.OrganizationID != nil || tk2.SubmitterID != f.agent.UserID || tk2.IsPublic || *tk2.GroupID != f.group {
			t.Fatalf("%+v", tk2)
		}
		cs, _ = f.s.Comments(ctx, tk2.ID, Page{})
		if strings.Contains(cs[0].HTMLBody, "onerror") || cs[0].Public || cs[0].AuthorID != f.agent.UserID {
			t.Fatalf("%+v", cs[0])
		}
	})
}

func TestCreateReferenceErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		cases := []struct {
			field string
			in    CreateInput
		}{
			{"requester_id", CreateInput{RequesterID: 9999}},
			{"assignee_id", CreateInput{RequesterID: f.cust3, AssigneeID: ip(9999)}},
			{"assignee_id", CreateInput{RequesterID: f.cust3, AssigneeID: ip(f.cust2)}},
			{"group_id", CreateInput{RequesterID: f.cust3, GroupID: ip(9999)}},
			{"group_id", CreateInput{RequesterID: f.cust3, GroupID: ip(f.gone)}},
			{"organization_id", CreateInput{RequesterID: f.cust3, OrganizationID: ip(9999)}},
			{"collaborator_ids", CreateInput{RequesterID: f.cust3, CollaboratorIDs: []int64{9999}}},
			{"problem_id", CreateInput{RequesterID: f.cust3, Type: sp("incident"), ProblemID: ip(9999)}},
			{"comment", CreateInput{RequesterID: f.cust3, Comment: CommentInput{Body: " "}}},
			{"uploads", CreateInput{RequesterID: f.cust3, Comment: CommentInput{Body: "x", Uploads: []string{"nope"}}}},
		}
		for _, c := range cases {
			in := c.in
			if in.Comment.Body == "" {
				in.Comment.Body = "hello"
			}
			_, _, err := f.s.Create(ctx, f.agent, in)
			wantField(t, err, c.field)
		}
		if n, _ := f.s.Count(ctx, Filter{}); n != 0 {
			t.Fatalf("%d tickets stored", n)
		}
		// Duplicate external ids are a 422 on external_id.
		f.create(t, f.agent, CreateInput{RequesterID: f.cust3, ExternalID: sp("ext-1")})
		_, _, err := f.s.Create(ctx, f.agent, CreateInput{RequesterID: f.cust3, ExternalID: sp("ext-1"), Comment: CommentInput{Body: "x"}})
		wantField(t, err, "external_id")
		// Problem/incident link.
		p := f.create(t, f.agent, CreateInput{RequesterID: f.cust3, Type: sp("problem")})
		inc := f.create(t, f.agent, CreateInput{RequesterID: f.cust3, Type: sp("incident"), ProblemID: ip(p.ID)})
		_, _, err = f.s.Create(ctx, f.agent, CreateInput{RequesterID: f.cust3, Type: sp("incident"), ProblemID: ip(inc.ID), Comment: CommentInput{Body: "x"}})
		wantField(t, err, "problem_id")
		if got, _ := f.s.Get(ctx, p.ID); !got.HasIncidents {
			t.Fatal("has_incidents")
		}
	})
}

func TestUpdateAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := f.create(t, f.cust, CreateInput{Subject: "Help", Priority: sp("low")})
		d.Clock.(*clock.Fake).Advance(time.Minute)
		got, aud, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{
			Status: sp("pending"), Priority: sp("urgent"), AssigneeID: ip(f.agent.UserID),
			Comment: &CommentInput{Body: "On it"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusPending || *got.Priority != "urgent" || *got.AssigneeID != f.agent.UserID || !got.UpdatedAt.Equal(d.Clock.Now()) {
			t.Fatalf("%+v", got)
		}
		ch := eventsOf(aud, EventChange)
		if len(ch) != 3 || aud.Events[0].Type != EventComment || len(aud.Events) != 4 {
			t.Fatalf("%+v", aud.Events)
		}
		if ch["status"].Value != "pending" || ch["status"].PreviousValue != "new" ||
			ch["priority"].Value != "urgent" || ch["priority"].PreviousValue != "low" ||
			ch["assignee_id"].Value != f.agent.UserID || ch["assignee_id"].PreviousValue != nil {
			t.Fatalf("%+v", ch)
		}
		if c := aud.Events[0]; c.Body != "On it" || !c.Public || c.AuthorID != f.agent.UserID {
			t.Fatalf("%+v", c)
		}
		auds, _ := f.s.Audits(ctx, tk.ID, Page{})
		if len(auds) != 2 {
			t.Fatal(len(auds))
		}
		jsonEq(t, auds[1], aud)
		if n, _ := f.s.CountComments(ctx, tk.ID, false); n != 2 {
			t.Fatal(n)
		}
		// A no-op update writes nothing.
		same, aud, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Status: sp("pending"), Tags: &[]string{}})
		if err != nil || aud != nil || !same.UpdatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("%v %v", aud, err)
		}
		if n, _ := f.s.CountAudits(ctx, tk.ID); n != 2 {
			t.Fatal(n)
		}
		// A public agent reply opens a new ticket.
		tk2 := f.create(t, f.cust, CreateInput{})
		got, _, err = f.s.Update(ctx, f.agent, tk2.ID, UpdateInput{Comment: &CommentInput{Body: "Hello"}})
		if err != nil || got.Status != StatusOpen {
			t.Fatalf("%v %v", got, err)
		}
		// Solving assigns the agent; solved_at set, cleared on reopen.
		got, _, err = f.s.Update(ctx, f.agent, tk2.ID, UpdateInput{Status: sp("solved")})
		if err != nil || got.SolvedAt == nil || *got.AssigneeID != f.agent.UserID {
			t.Fatalf("%+v %v", got, err)
		}
		got, _, err = f.s.Update(ctx, f.cust, tk2.ID, UpdateInput{Status: sp("open")})
		if err != nil || got.SolvedAt != nil {
			t.Fatalf("%+v %v", got, err)
		}
		// Unknown assignee: 422 naming the field.
		_, _, err = f.s.Update(ctx, f.agent, tk2.ID, UpdateInput{AssigneeID: ip(9999)})
		wantField(t, err, "assignee_id")
		_, _, err = f.s.Update(ctx, f.agent, 9999, UpdateInput{Status: sp("open")})
		if !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
		// Changing the requester moves the ticket to the new requester's organization.
		got, _, err = f.s.Update(ctx, f.agent, tk2.ID, UpdateInput{RequesterID: ip(f.cust3)})
		if err != nil || got.OrganizationID != nil || got.RequesterID != f.cust3 {
			t.Fatalf("%+v %v", got, err)
		}
	})
}

func TestClosedIsFinalInStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := f.create(t, f.cust, CreateInput{})
		closed, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Status: sp("closed")})
		if err != nil || closed.Status != StatusClosed {
			t.Fatal(err)
		}
		d.Clock.(*clock.Fake).Advance(time.Minute)
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Priority: sp("high"), Comment: &CommentInput{Body: "more"}})
		wantField(t, err, "status")
		after, _ := f.s.Get(ctx, tk.ID)
		jsonEq(t, after, closed)
		if n, _ := f.s.CountComments(ctx, tk.ID, false); n != 1 {
			t.Fatal(n)
		}
		if n, _ := f.s.CountAudits(ctx, tk.ID); n != 2 {
			t.Fatal(n)
		}
	})
}

func TestSafeUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := f.create(t, f.cust, CreateInput{})
		stale := tk.UpdatedAt
		d.Clock.(*clock.Fake).Advance(time.Second)
		cur, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Priority: sp("low"), SafeUpdate: true, UpdatedStamp: &stale})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Priority: sp("high"), SafeUpdate: true, UpdatedStamp: &stale,
			Comment: &CommentInput{Body: "x"}})
		e, ok := err.(*errs.Error)
		if !ok || e.Kind != errs.KindConflict || e.Message != "the ticket was updated by someone else" {
			t.Fatalf("%v", err)
		}
		after, _ := f.s.Get(ctx, tk.ID)
		jsonEq(t, after, cur)
		if n, _ := f.s.CountComments(ctx, tk.ID, false); n != 1 {
			t.Fatal(n)
		}
	})
}

func TestTagsAndCollaborators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		tk := f.create(t, f.cust, CreateInput{Tags: []string{"a"}, CollaboratorIDs: []int64{f.cust2, f.cust.UserID}})
		if !reflect.DeepEqual(tk.CollaboratorIDs, []int64{f.cust2}) || !reflect.DeepEqual(tk.EmailCCIDs, tk.CollaboratorIDs) {
			t.Fatalf("requester is not a CC: %v", tk.CollaboratorIDs)
		}
		got, err := f.s.AddTags(ctx, f.agent, tk.ID, []string{"B c", "a"})
		if err != nil || !reflect.DeepEqual(got.Tags, []string{"a", "b", "c"}) {
			t.Fatalf("%v %v", got, err)
		}
		got, err = f.s.RemoveTags(ctx, f.agent, tk.ID, []string{"A"})
		if err != nil || !reflect.DeepEqual(got.Tags, []string{"b", "c"}) {
			t.Fatalf("%v %v", got, err)
		}
		got, err = f.s.SetTags(ctx, f.agent, tk.ID, []string{"z"})
		if err != nil || !reflect.DeepEqual(got.Tags, []string{"z"}) {
			t.Fatalf("%v %v", got, err)
		}
		auds, _ := f.s.Audits(ctx, tk.ID, Page{Desc: true, Limit: 1})
		tagEv := eventsOf(&auds[0], EventChange)["tags"]
		jsonEq(t, tagEv.Value, []string{"z"})
		jsonEq(t, tagEv.PreviousValue, []string{"b", "c"})

		got, aud, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{AdditionalCollaborators: []int64{f.cust3, f.cust2}})
		if err != nil || !reflect.DeepEqual(got.CollaboratorIDs, []int64{f.cust2, f.cust3}) {
			t.Fatalf("%v %v", got, err)
		}
		jsonEq(t, eventsOf(aud, EventChange)["collaborator_ids"].PreviousValue, []int64{f.cust2})
		got, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{CollaboratorIDs: &[]int64{f.cust3}})
		if err != nil || !reflect.DeepEqual(got.CollaboratorIDs, []int64{f.cust3}) {
			t.Fatalf("%v %v", got, err)
		}
		list, _ := f.s.List(ctx, Filter{CollaboratorID: f.cust3})
		if len(list) != 1 || list[0].ID != tk.ID {
			t.Fatal(list)
		}
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{AdditionalCollaborators: []int64{9999}})
		wantField(t, err, "collaborator_ids")
	})
}

func ids(ts []Ticket) []int64 {
	out := []int64{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func TestListAndVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		a := f.create(t, f.cust, CreateInput{Priority: sp("low")})                                                       // cust, org
		b := f.create(t, Actor{UserID: f.cust2, Role: "end-user"}, CreateInput{Priority: sp("urgent")})                  // cust2, org (shared)
		c := f.create(t, Actor{UserID: f.cust3, Role: "end-user"}, CreateInput{CollaboratorIDs: []int64{f.cust.UserID}}) // cust3, cc cust
		e := f.create(t, Actor{UserID: f.cust3, Role: "end-user"}, CreateInput{OrganizationID: ip(f.org2)})
		g := f.create(t, f.agent, CreateInput{RequesterID: f.cust3, AssigneeID: ip(f.agent2), GroupID: ip(f.group)})

		check := func(fl Filter, want ...int64) {
			t.Helper()
			got, err := f.s.List(ctx, fl)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = []int64{}
			}
			if !reflect.DeepEqual(ids(got), want) {
				t.Fatalf("filter %+v: got %v, want %v", fl, ids(got), want)
			}
			n, err := f.s.Count(ctx, Filter{RequesterID: fl.RequesterID, AssigneeID: fl.AssigneeID, OrganizationID: fl.OrganizationID,
				GroupID: fl.GroupID, CollaboratorID: fl.CollaboratorID, Statuses: fl.Statuses, Visibility: fl.Visibility})
			if err != nil || (fl.Limit == 0 && fl.AfterID == 0 && fl.Offset == 0 && n != len(want)) {
				t.Fatalf("count %d %v", n, err)
			}
		}
		check(Filter{}, a.ID, b.ID, c.ID, e.ID, g.ID)
		check(Filter{Desc: true}, g.ID, e.ID, c.ID, b.ID, a.ID)
		check(Filter{RequesterID: f.cust3}, c.ID, e.ID, g.ID)
		check(Filter{AssigneeID: f.agent2}, g.ID)
		check(Filter{GroupID: f.group}, g.ID)
		check(Filter{OrganizationID: f.org}, a.ID, b.ID)
		check(Filter{Statuses: []string{"open"}}, g.ID)
		check(Filter{Statuses: []string{"new", "open"}}, a.ID, b.ID, c.ID, e.ID, g.ID)
		check(Filter{SortBy: "priority", Desc: true}, b.ID, a.ID, g.ID, e.ID, c.ID)
		check(Filter{SortBy: "status"}, a.ID, b.ID, c.ID, e.ID, g.ID)
		check(Filter{AfterID: b.ID, Limit: 2}, c.ID, e.ID)
		check(Filter{Offset: 3}, e.ID, g.ID)
		// Customer visibility: own, CC'd, shared org.
		check(Filter{Visibility: &Visibility{UserID: f.cust.UserID, OrgIDs: []int64{f.org}}}, a.ID, b.ID, c.ID)
		check(Filter{Visibility: &Visibility{UserID: f.cust.UserID}}, a.ID, c.ID)
		check(Filter{Visibility: &Visibility{UserID: f.cust3}}, c.ID, e.ID, g.ID)
		check(Filter{Visibility: &Visibility{UserID: 9999}})
		if _, err := f.s.List(ctx, Filter{SortBy: "subject; DROP TABLE tickets"}); !errs.Is(err, errs.KindInvalid) {
			t.Fatal(err)
		}
		if _, err := f.s.List(ctx, Filter{Statuses: []string{"nope"}}); !errs.Is(err, errs.KindInvalid) {
			t.Fatal(err)
		}
		// GetMany keeps the order and skips missing ids.
		many, err := f.s.GetMany(ctx, []int64{c.ID, 9999, a.ID})
		if err != nil || !reflect.DeepEqual(ids(many), []int64{c.ID, a.ID}) {
			t.Fatal(many, err)
		}
		// Delete is hard.
		if err := f.s.Delete(ctx, f.agent, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Get(ctx, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
		if _, err := f.s.Comments(ctx, c.ID, Page{}); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
		if err := f.s.Delete(ctx, f.agent, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
	})
}

// TestListByExternalIDSubjectAndCommentCounts: the external_id filter (with
// the other filters and in counts), the subject sort and the comment counts
// lists side-load, on both engines.
func TestListByExternalIDSubjectAndCommentCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		a := f.create(t, f.agent, CreateInput{RequesterID: f.cust.UserID, Subject: "beta", ExternalID: sp("crm-1")})
		b := f.create(t, f.agent, CreateInput{RequesterID: f.cust3, Subject: "Alpha", ExternalID: sp("crm-2")})
		c := f.create(t, f.agent, CreateInput{RequesterID: f.cust3, Subject: "gamma"})
		for _, tc := range []struct {
			f    Filter
			want []int64
		}{
			{Filter{ExternalID: "crm-1"}, []int64{a.ID}},
			{Filter{ExternalID: "crm-2", RequesterID: f.cust3}, []int64{b.ID}},
			{Filter{ExternalID: "crm-1", RequesterID: f.cust3}, []int64{}},
			{Filter{ExternalID: "nope"}, []int64{}},
			{Filter{SortBy: "subject"}, []int64{b.ID, a.ID, c.ID}},
			{Filter{SortBy: "subject", Desc: true}, []int64{c.ID, a.ID, b.ID}},
		} {
			got, err := f.s.List(ctx, tc.f)
			if err != nil || !reflect.DeepEqual(ids(got), tc.want) {
				t.Fatalf("%+v: %v %v, want %v", tc.f, ids(got), err, tc.want)
			}
			if n, err := f.s.Count(ctx, tc.f); err != nil || n != len(tc.want) {
				t.Fatalf("count %+v: %d %v", tc.f, n, err)
			}
		}
		if _, _, err := f.s.Update(ctx, f.agent, a.ID, UpdateInput{Comment: &CommentInput{Body: "note", Public: bp(false)}}); err != nil {
			t.Fatal(err)
		}
		all, err := f.s.CommentCounts(ctx, []int64{a.ID, b.ID, 9999}, false)
		if err != nil || !reflect.DeepEqual(all, map[int64]int{a.ID: 2, b.ID: 1}) {
			t.Fatalf("comment counts %v %v", all, err)
		}
		pub, err := f.s.CommentCounts(ctx, []int64{a.ID}, true)
		if err != nil || !reflect.DeepEqual(pub, map[int64]int{a.ID: 1}) {
			t.Fatalf("public comment counts %v %v", pub, err)
		}
	})
}

func TestMerge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		target := f.create(t, f.cust, CreateInput{})
		s1 := f.create(t, Actor{UserID: f.cust2, Role: "end-user"}, CreateInput{CollaboratorIDs: []int64{f.cust3}})
		s2 := f.create(t, f.cust, CreateInput{})
		closed := f.create(t, f.cust, CreateInput{})
		if _, _, err := f.s.Update(ctx, f.agent, closed.ID, UpdateInput{Status: sp("closed")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Merge(ctx, f.agent, target.ID, []int64{s1.ID, target.ID}, "", "", false); !errs.Is(err, errs.KindInvalid) {
			t.Fatal(err)
		}
		if _, err := f.s.Merge(ctx, f.agent, target.ID, []int64{s1.ID, closed.ID}, "", "", false); !errs.Is(err, errs.KindInvalid) {
			t.Fatal(err)
		}
		if _, err := f.s.Merge(ctx, f.agent, closed.ID, []int64{s1.ID}, "", "", false); !errs.Is(err, errs.KindInvalid) {
			t.Fatal(err)
		}
		if got, _ := f.s.Get(ctx, s1.ID); got.Status != StatusNew {
			t.Fatal("failed merge changed a source")
		}
		got, err := f.s.Merge(ctx, f.agent, target.ID, []int64{s1.ID, s2.ID}, "", "", false)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.CollaboratorIDs, []int64{f.cust2, f.cust3}) {
			t.Fatalf("collaborators %v", got.CollaboratorIDs)
		}
		cs, _ := f.s.Comments(ctx, target.ID, Page{})
		if len(cs) != 2 || cs[1].Public || cs[1].Body != fmt.Sprintf("Requests #%d, #%d were closed and merged into this request.", s1.ID, s2.ID) {
			t.Fatalf("%+v", cs)
		}
		for _, id := range []int64{s1.ID, s2.ID} {
			src, _ := f.s.Get(ctx, id)
			if src.Status != StatusClosed || src.MergedIntoID == nil || *src.MergedIntoID != target.ID || *src.AssigneeID != f.agent.UserID {
				t.Fatalf("%+v", src)
			}
			cs, _ := f.s.Comments(ctx, id, Page{Desc: true, Limit: 1})
			if cs[0].Public || cs[0].Body != fmt.Sprintf("Request #%d was closed and merged into request #%d.", id, target.ID) {
				t.Fatalf("%+v", cs[0])
			}
		}
	})
}

func TestChangedSince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		fake := d.Clock.(*clock.Fake)
		start := fake.Now()
		a := f.create(t, f.cust, CreateInput{})
		b := f.create(t, f.cust, CreateInput{}) // same updated_at as a
		fake.Advance(time.Minute)
		c := f.create(t, f.cust, CreateInput{})
		fake.Advance(time.Minute)
		if _, _, err := f.s.Update(ctx, f.agent, a.ID, UpdateInput{Priority: sp("high")}); err != nil {
			t.Fatal(err)
		}
		all, err := f.s.ChangedSince(ctx, start, 0, 0)
		if err != nil || !reflect.DeepEqual(ids(all), []int64{b.ID, c.ID, a.ID}) {
			t.Fatal(ids(all), err)
		}
		// Page through two at a time with the (updated_at, id) cursor.
		var seen []int64
		cur, after := start, int64(0)
		for {
			page, err := f.s.ChangedSince(ctx, cur, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen = append(seen, ids(page)...)
			last := page[len(page)-1]
			cur, after = last.UpdatedAt, last.ID
		}
		if !reflect.DeepEqual(seen, []int64{b.ID, c.ID, a.ID}) {
			t.Fatal(seen)
		}
		later, _ := f.s.ChangedSince(ctx, start.Add(90*time.Second), 0, 10)
		if !reflect.DeepEqual(ids(later), []int64{a.ID}) {
			t.Fatal(ids(later))
		}
	})
}

func TestUploads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		content := []byte("hello attachment")
		up, err := f.s.SaveUpload(ctx, f.cust, "../notes.txt", "", bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if up.Token == "" || up.FileName != "notes.txt" || !strings.HasPrefix(up.ContentType, "text/plain") || up.Size != int64(len(content)) {
			t.Fatalf("%+v", up)
		}
		if _, err := os.Stat(filepath.Join(f.dir, up.SHA256[:2], up.SHA256)); err != nil {
			t.Fatal(err)
		}
		tk, aud, err := f.s.Create(ctx, f.cust, CreateInput{Comment: CommentInput{Body: "see file", Uploads: []string{up.Token}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(aud.Events[0].Attachments) != 1 || aud.Events[0].Attachments[0].ID != up.ID {
			t.Fatalf("%+v", aud.Events[0])
		}
		cs, _ := f.s.Comments(ctx, tk.ID, Page{})
		if len(cs[0].Attachments) != 1 || cs[0].Attachments[0].FileName != "notes.txt" || cs[0].Attachments[0].Token != "" {
			t.Fatalf("%+v", cs[0].Attachments)
		}
		meta, rc, err := f.s.OpenAttachment(ctx, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, content) || *meta.CommentID != cs[0].ID || *meta.TicketID != tk.ID {
			t.Fatalf("%q %+v", b, meta)
		}
		// A used token can't be attached again.
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Comment: &CommentInput{Body: "again", Uploads: []string{up.Token}}})
		wantField(t, err, "uploads")
		// Oversize: rejected, nothing stored.
		_, err = f.s.SaveUpload(ctx, f.cust, "big.bin", "application/octet-stream", bytes.NewReader(make([]byte, 1025)))
		if !errs.Is(err, errs.KindTooLarge) {
			t.Fatal(err)
		}
		var files []string
		filepath.Walk(f.dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if len(files) != 1 {
			t.Fatalf("files %v", files)
		}
		if _, _, err := f.s.OpenAttachment(ctx, up.ID+1); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
		// Deleting the ticket deletes the attachment rows.
		if err := f.s.Delete(ctx, f.agent, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.GetAttachment(ctx, up.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatal(err)
		}
	})
}

func TestConcurrentCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		errc := make(chan error, 160)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					tk, _, err := f.s.Create(ctx, f.cust, CreateInput{Subject: fmt.Sprintf("g%d-%d", g, i), Comment: CommentInput{Body: "x"}})
					if err != nil {
						errc <- err
						continue
					}
					mu.Lock()
					seen[tk.ID] = true
					mu.Unlock()
				}
			}(g)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		if len(seen) != 160 {
			t.Fatalf("%d distinct ids", len(seen))
		}
		if n, _ := f.s.Count(ctx, Filter{}); n != 160 {
			t.Fatal(n)
		}
	})
}

func TestHooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var seen []string
		// A hook that tags urgent tickets (writing through UpdateTx, as
		// triggers do) and one that vetoes a subject.
		f.s.OnChange(func(ctx context.Context, tx *db.Tx, c *Change) error {
			seen = append(seen, fmt.Sprintf("%v/%d/%s", c.Created(), c.Depth, c.Ticket.Status))
			if c.Depth == 0 && c.Ticket.Priority != nil && *c.Ticket.Priority == "urgent" && !slices.Contains(c.Ticket.Tags, "escalated") {
				_, _, err := f.s.UpdateTx(ctx, tx, Actor{Role: "system"}, c.Ticket.ID, UpdateInput{AdditionalTags: []string{"escalated"}})
				return err
			}
			return nil
		})
		f.s.OnChange(func(ctx context.Context, tx *db.Tx, c *Change) error {
			if c.Ticket.Subject == "veto" {
				return errs.Invalid("subject", "vetoed by hook")
			}
			return nil
		})
		tk := f.create(t, f.cust, CreateInput{Subject: "Down", Priority: sp("urgent")})
		if !slices.Contains(tk.Tags, "escalated") {
			t.Fatalf("hook change not returned: %v", tk.Tags)
		}
		if len(seen) != 2 || seen[0] != "true/0/new" || seen[1] != "false/1/new" {
			t.Fatalf("hook calls %v", seen)
		}
		auds, err := f.s.Audits(ctx, tk.ID, Page{})
		if err != nil || len(auds) != 2 {
			t.Fatalf("audits %d %v", len(auds), err)
		}
		// A failing hook rolls back the whole change.
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Subject: sp("veto")})
		if !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("veto: %v", err)
		}
		got, _ := f.s.Get(ctx, tk.ID)
		if got.Subject != "Down" {
			t.Fatalf("vetoed update was kept: %q", got.Subject)
		}
		if _, _, err := f.s.Create(ctx, f.cust, CreateInput{Subject: "veto", Comment: CommentInput{Body: "x"}}); err == nil {
			t.Fatal("vetoed create succeeded")
		}
		n, _ := f.s.Count(ctx, Filter{})
		if n != 1 {
			t.Fatalf("vetoed create left a ticket: %d", n)
		}
	})
}

// Create returns the ticket built in memory (asStored) instead of reading it
// back; it must be exactly what a read returns, whatever the input.
func TestCreateReturnsTheStoredTicket(t *testing.T) {
	// A clock with nanoseconds, which the database keeps to the microsecond.
	at := func() clock.Clock { return clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 123456789, time.UTC)) }
	dbtest.EachClock(t, at, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		due := time.Date(2026, 12, 24, 17, 30, 15, 123456789, time.FixedZone("X", 3600))
		ext := "EXT-1"
		inputs := []struct {
			actor Actor
			in    CreateInput
		}{
			{f.cust, CreateInput{Subject: "Plain"}},
			{f.agent, CreateInput{Subject: "Everything", RequesterID: f.cust2, AssigneeID: &f.agent.UserID, GroupID: &f.group,
				Priority: sp("HIGH"), Type: sp("Incident"), Tags: []string{"b", "A", "a", " c "}, CollaboratorIDs: []int64{f.cust3, f.agent2, f.cust3},
				CustomFields: []CustomField{{ID: 7, Value: 12.5}, {ID: 3, Value: map[string]any{"x": []any{1, "y"}}}, {ID: 9, Value: nil}},
				ExternalID:   &ext, Recipient: " support@example.com ", DueAt: &due, Status: sp("pending"),
				Via:     &Via{Channel: "email", Source: map[string]any{"from": map[string]any{"address": "a@b.c"}, "n": 3}},
				Comment: CommentInput{Body: "**bold**", Public: bp(false)}}},
			{f.agent, CreateInput{Subject: "Solved at once", RequesterID: f.cust3, Status: sp("solved"), OrganizationID: &f.org2}},
			{f.agent, CreateInput{Subject: "No org", RequesterID: f.cust.UserID, OrganizationID: new(int64)}},
		}
		for i, c := range inputs {
			if c.in.Comment.Body == "" {
				c.in.Comment.Body = "Something is broken"
			}
			got, _, err := f.s.Create(ctx, c.actor, c.in)
			if err != nil {
				t.Fatalf("input %d: %v", i, err)
			}
			read, err := f.s.Get(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, read) {
				t.Errorf("input %d: Create returned\n%#v\nbut a read gives\n%#v", i, got, read)
			}
		}
	})
}

// TestCustomerDescriptionIsTheFirstPublicComment: a ticket created with an
// internal note keeps it as the staff description, while what customers see
// as the description is the first public comment ("" until there is one),
// on every read path; a blank subject is never taken from an internal note.
func TestCustomerDescriptionIsTheFirstPublicComment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		pub := f.create(t, f.cust, CreateInput{Subject: "Public", Comment: CommentInput{Body: "my printer burns"}})
		if pub.CustomerDescription() != "my printer burns" || pub.Description != "my printer burns" {
			t.Fatalf("public first comment: %q / %q", pub.CustomerDescription(), pub.Description)
		}
		priv := f.create(t, f.agent, CreateInput{Subject: "Proactive", RequesterID: f.cust.UserID,
			Comment: CommentInput{Body: "internal: customer is on a watch list", Public: bp(false)}})
		reads := func(id int64) map[string]*Ticket {
			t.Helper()
			got, err := f.s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			many, err := f.s.GetMany(ctx, []int64{id})
			if err != nil || len(many) != 1 {
				t.Fatal(err)
			}
			list, err := f.s.List(ctx, Filter{RequesterID: f.cust.UserID})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list, func(x Ticket) bool { return x.ID == id })
			if i < 0 {
				t.Fatal("not listed")
			}
			since, err := f.s.ChangedSince(ctx, time.Time{}, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			j := slices.IndexFunc(since, func(x Ticket) bool { return x.ID == id })
			return map[string]*Ticket{"get": got, "get many": &many[0], "list": &list[i], "changed since": &since[j]}
		}
		check := func(step, want string) {
			t.Helper()
			for how, tk := range reads(priv.ID) {
				if tk.CustomerDescription() != want || tk.Description != "internal: customer is on a watch list" {
					t.Errorf("%s, %s: customer description %q (want %q), staff description %q", step, how, tk.CustomerDescription(), want, tk.Description)
				}
			}
		}
		if priv.CustomerDescription() != "" {
			t.Errorf("created: customer description %q", priv.CustomerDescription())
		}
		check("created", "")
		if _, _, err := f.s.Update(ctx, f.agent, priv.ID, UpdateInput{Comment: &CommentInput{Body: "another note", Public: bp(false)}}); err != nil {
			t.Fatal(err)
		}
		check("second internal note", "")
		up, _, err := f.s.Update(ctx, f.agent, priv.ID, UpdateInput{Comment: &CommentInput{Body: "Hello, we raised your quota."}})
		if err != nil {
			t.Fatal(err)
		}
		if up.CustomerDescription() != "Hello, we raised your quota." {
			t.Errorf("update result: %q", up.CustomerDescription())
		}
		check("first public reply", "Hello, we raised your quota.")
		if _, _, err := f.s.Update(ctx, f.cust, priv.ID, UpdateInput{Comment: &CommentInput{Body: "thanks"}}); err != nil {
			t.Fatal(err)
		}
		check("second public reply", "Hello, we raised your quota.")

		// The default subject is the description's start: never an internal note's.
		_, _, err = f.s.Create(ctx, f.agent, CreateInput{RequesterID: f.cust.UserID,
			Comment: CommentInput{Body: "internal: do not tell the customer", Public: bp(false)}})
		if !errs.Is(err, errs.KindInvalid) {
			t.Errorf("blank subject with an internal first comment: %v", err)
		}
	})
}

// TestPublicDescriptionMigrationBackfill runs the backfill of migration
// 00014 over tickets written before it (the column cleared): each gets the
// customer description the store would have kept.
func TestPublicDescriptionMigrationBackfill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		pub := f.create(t, f.cust, CreateInput{Subject: "Public", Comment: CommentInput{Body: "public start"}})
		quiet := f.create(t, f.agent, CreateInput{Subject: "Quiet", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "note", Public: bp(false)}})
		later := f.create(t, f.agent, CreateInput{Subject: "Later", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "note", Public: bp(false)}})
		for _, body := range []string{"first public", "second public"} {
			if _, _, err := f.s.Update(ctx, f.agent, later.ID, UpdateInput{Comment: &CommentInput{Body: body}}); err != nil {
				t.Fatal(err)
			}
		}
		want := map[int64]string{pub.ID: "public start", quiet.ID: "", later.ID: "first public"}
		ms, err := db.Migrations(d.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ms, func(m db.Migration) bool { return m.Version == 14 })
		if i < 0 {
			t.Fatal("no migration 14")
		}
		var backfill []string
		for _, stmt := range strings.Split(ms[i].SQL, ";") {
			if s := strings.TrimSpace(stmt); strings.Contains(s, "UPDATE tickets") {
				backfill = append(backfill, s)
			}
		}
		if len(backfill) != 1 {
			t.Fatalf("backfill statements: %q", backfill)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE tickets SET public_description = NULL"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, backfill[0])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for id, w := range want {
			tk, err := f.s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if tk.CustomerDescription() != w || (id == pub.ID) != (tk.PublicDescription == nil) {
				t.Errorf("ticket %q: customer description %q (stored %v), want %q", tk.Subject, tk.CustomerDescription(), tk.PublicDescription, w)
			}
		}
	})
}

// TestDefaultPriorityFromTheOrganizationsTier: a ticket created without a
// priority takes its organization's tier's, case-insensitively; one with a
// priority keeps it; a tier not mapped or no organization leaves it unset;
// an invalid priority is refused when wiring.
func TestDefaultPriorityFromTheOrganizationsTier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		al := audit.New(d)
		ps := people.NewStore(d, al)
		st := NewStore(d, al, t.TempDir(), 1<<20)
		if err := st.SetDefaultPriorities(map[string]string{"Premium": "sevenish"}); err == nil {
			t.Fatal("an invalid priority accepted")
		}
		if err := st.SetDefaultPriorities(map[string]string{"Premium": "normal", "ultimate": "high"}); err != nil {
			t.Fatal(err)
		}
		org := func(name, tier string) *int64 {
			o, err := ps.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &name, Tier: &tier})
			if err != nil {
				t.Fatal(err)
			}
			return &o.ID
		}
		premium, free := org("Acme", "premium"), org("Hobby", "free")
		requester := func(email string, o *int64) int64 {
			name, role := email, "end-user"
			u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role, OrganizationID: o})
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		for _, c := range []struct {
			who   int64
			asked string
			want  string
		}{{requester("a@acme.test", premium), "", "normal"}, {requester("b@acme.test", premium), "urgent", "urgent"},
			{requester("c@hobby.test", free), "", ""}, {requester("d@nowhere.test", nil), "", ""}} {
			in := CreateInput{Subject: "Help", Comment: CommentInput{Body: "x"}}
			if c.asked != "" {
				in.Priority = &c.asked
			}
			tk, _, err := st.Create(ctx, Actor{UserID: c.who, Role: "end-user"}, in)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if tk.Priority != nil {
				got = *tk.Priority
			}
			if got != c.want {
				t.Errorf("requester %d asking %q: priority %q, want %q", c.who, c.asked, got, c.want)
			}
		}
	})
}
