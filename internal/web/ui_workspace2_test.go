package web

import (
	"regexp"

	"context"
	"fmt"
	"github.com/frontline/frontline/internal/audit"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// TestWorkspaceNewTicketOnBehalf: an agent finds a requester by name, or
// types a new address (a customer is created), and opens a ticket for them.
func TestWorkspaceNewTicketOnBehalf(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		page := e.do(ac, "GET", "/agent/tickets/new?q=end-user", nil).body
		if !strings.Contains(page, fmt.Sprintf(`href="/agent/tickets/new?requester=%d"`, e.users[people.RoleEndUser].ID)) {
			t.Fatalf("search by name does not offer the customer: %s", page)
		}
		form := formFields(t, page, "new-ticket-form")
		form.Set("requester", "dana@customer.example")
		form.Set("requester_name", "Dana Diaz")
		form.Set("subject", "Runner stuck")
		form.Set("body", "Dana called: the runner is stuck.")
		form.Set("priority", "high")
		r := e.do(ac, "POST", "/agent/tickets/new", strings.NewReader(form.Encode()), formCT...)
		if r.code != http.StatusOK || !strings.Contains(r.body, "opened for Dana Diaz") {
			t.Fatalf("new ticket: %d %s", r.code, r.body)
		}
		u, err := e.ppl.UserByEmail(ctx, "dana@customer.example")
		if err != nil || u.Role != people.RoleEndUser {
			t.Fatalf("new requester %+v %v", u, err)
		}
		list, _ := e.tickets.List(ctx, ticket.Filter{RequesterID: u.ID, Limit: 5})
		if len(list) != 1 || list[0].Subject != "Runner stuck" || list[0].Priority == nil || *list[0].Priority != "high" {
			t.Fatalf("tickets of the requester: %+v", list)
		}
		form.Set("requester", "")
		if r := e.do(ac, "POST", "/agent/tickets/new", strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Errorf("no requester: %d", r.code)
		}
	})
}

// TestWorkspaceBulkMergeSpamHistory: a bulk edit from a view says what
// changed; the history says it in words with names; the recent list
// follows the tickets opened; merge closes the source; spam deletes the
// ticket and suspends its requester.
func TestWorkspaceBulkMergeSpamHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		a := e.customerTicket(cust, "First", "one")
		b := e.customerTicket(cust, "Second", "two")
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		list := e.do(ac, "GET", "/agent/tickets?view=all", nil).body
		if !strings.Contains(list, `id="bulk-form"`) || !strings.Contains(list, fmt.Sprintf(`name="ids" value="%d"`, a.ID)) {
			t.Fatalf("no bulk form in the view: %s", list)
		}
		form := formFields(t, list, "bulk-form")
		form["ids"] = []string{fmt.Sprint(a.ID), fmt.Sprint(b.ID)}
		form.Set("assignee_id", fmt.Sprint(agent.ID))
		form.Set("status", "pending")
		form.Set("add_tags", "vip")
		r := e.do(ac, "POST", "/agent/tickets/bulk", strings.NewReader(form.Encode()), formCT...)
		want := "2 tickets of 2 updated: assigned to The agent; status Pending; tags &#43;vip."
		if r.code != http.StatusOK || !strings.Contains(r.body, want) {
			t.Fatalf("bulk summary: want %q in %d %s", want, r.code, r.body)
		}
		for _, id := range []int64{a.ID, b.ID} {
			got, _ := e.tickets.Get(ctx, id)
			if got.Status != "pending" || got.AssigneeID == nil || *got.AssigneeID != agent.ID || !strings.Contains(strings.Join(got.Tags, " "), "vip") {
				t.Errorf("#%d after bulk: %+v", id, got)
			}
		}
		page := e.do(ac, "GET", fmt.Sprintf("/agent/tickets/%d", a.ID), nil).body
		for _, w := range []string{"assigned to The agent", "status New → Pending", "tags &#43;vip", "opened the ticket"} {
			if !strings.Contains(page, w) {
				t.Errorf("history does not say %q", w)
			}
		}
		page = e.do(ac, "GET", fmt.Sprintf("/agent/tickets/%d", b.ID), nil).body
		if !strings.Contains(page, `id="opened-tickets"`) || !strings.Contains(page, fmt.Sprintf(`href="/agent/tickets/%d" class="opened-tab"`, a.ID)) {
			t.Errorf("the recent list does not offer #%d", a.ID)
		}

		csrf := csrfRe.FindStringSubmatch(page)[1]
		mf := url.Values{"csrf_token": {csrf}, "into": {fmt.Sprint(a.ID)}}
		if r := e.do(ac, "POST", fmt.Sprintf("/agent/tickets/%d/merge", b.ID), strings.NewReader(mf.Encode()), formCT...); r.code != 200 ||
			!strings.Contains(r.body, fmt.Sprintf("Ticket #%d merged into #%d", b.ID, a.ID)) {
			t.Fatalf("merge: %d %s", r.code, r.body)
		}
		if got, _ := e.tickets.Get(ctx, b.ID); got.Status != "closed" {
			t.Errorf("merged source is %s", got.Status)
		}

		spam := e.customerTicket(cust, "Buy now", "cheap")
		path := fmt.Sprintf("/agent/tickets/%d/spam", spam.ID)
		sf := url.Values{"csrf_token": {csrf}}
		if r := e.do(ac, "POST", path, strings.NewReader(sf.Encode()), formCT...); !strings.Contains(r.body, `id="confirm-yes"`) {
			t.Fatalf("spam without confirmation: %d", r.code)
		}
		if _, err := e.tickets.Get(ctx, spam.ID); err != nil {
			t.Fatal("the ticket went before confirmation")
		}
		sf.Set("confirm", "yes")
		if r := e.do(ac, "POST", path, strings.NewReader(sf.Encode()), formCT...); !strings.Contains(r.body, "deleted as spam") {
			t.Fatalf("spam: %d %s", r.code, r.body)
		}
		if _, err := e.tickets.Get(ctx, spam.ID); err == nil {
			t.Error("the spam ticket is still there")
		}
		if u, _ := e.ppl.GetUser(ctx, cust.ID); !u.Suspended {
			t.Error("the spammer is not suspended")
		}
	})
}

// TestAdminAuditFilters: the audit log filters by actor, object and
// action, with sign-ins folded away unless asked for.
func TestAdminAuditFilters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		signIn(t, e, e.users[people.RoleAgent].Email)
		agentID := e.users[people.RoleAgent].ID
		page := e.do(ac, "GET", "/admin/audit", nil).body
		if strings.Contains(page, "<code>session.created</code>") || !strings.Contains(page, `id="sessions-folded"`) {
			t.Errorf("session events are not folded by default")
		}
		page = e.do(ac, "GET", "/admin/audit?sessions=show", nil).body
		if !strings.Contains(page, "<code>session.created</code>") {
			t.Errorf("session events do not show when asked")
		}
		page = e.do(ac, "GET", "/admin/audit?actor=agent%40example.com&action=session", nil).body
		if n := strings.Count(page, `class="audit-row"`); n != 1 || !strings.Contains(page, "<code>session.created</code>") {
			t.Errorf("actor+action filter: %d rows", n)
		}
		page = e.do(ac, "GET", fmt.Sprintf("/admin/audit?type=user&object_id=%d&action=user", agentID), nil).body
		if n := strings.Count(page, `class="audit-row"`); n < 1 || strings.Contains(page, "<code>session.") {
			t.Errorf("object filter: %d rows", n)
		}
		if r := e.do(ac, "GET", "/admin/audit?actor=nobody%40example.com", nil); r.code != http.StatusBadRequest {
			t.Errorf("unknown actor: %d", r.code)
		}
	})
}

// TestPeoplePages: a user's page shows their profile and requests and
// saves notes; an organization's page edits its tier from the list (a
// tier outside it is refused); groups gain and lose members, are renamed
// and deleted after a confirmation.
func TestPeoplePages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust := e.users[people.RoleEndUser]
		tk := e.customerTicket(cust, "Where is my invoice", "?")
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		page := e.do(ac, "GET", fmt.Sprintf("/agent/users/%d", cust.ID), nil).body
		if !strings.Contains(page, fmt.Sprintf(`href="/agent/tickets/%d"`, tk.ID)) || !strings.Contains(page, cust.Email) {
			t.Fatalf("user page: %s", page)
		}
		form := formFields(t, page, "user-edit-form")
		form.Set("notes", "Prefers email.")
		if r := e.do(ac, "POST", fmt.Sprintf("/agent/users/%d", cust.ID), strings.NewReader(form.Encode()), formCT...); !strings.Contains(r.body, "Prefers email.") {
			t.Fatalf("notes not saved: %d", r.code)
		}

		name, tier := "Globex", "free"
		org, err := e.ppl.CreateOrganization(ctx, audit0(), people.OrganizationInput{Name: &name, Tier: &tier})
		if err != nil {
			t.Fatal(err)
		}
		page = e.do(ac, "GET", fmt.Sprintf("/admin/organizations/%d", org.ID), nil).body
		form = formFields(t, page, "org-edit-form")
		form.Set("tier", "ultimate")
		if r := e.do(ac, "POST", fmt.Sprintf("/admin/organizations/%d", org.ID), strings.NewReader(form.Encode()), formCT...); r.code != 200 {
			t.Fatalf("org edit: %d %s", r.code, r.body)
		}
		if o, _ := e.ppl.GetOrganization(ctx, org.ID); o.Tier != "ultimate" {
			t.Errorf("tier is %s", o.Tier)
		}
		form.Set("tier", "platinum")
		if r := e.do(ac, "POST", fmt.Sprintf("/admin/organizations/%d", org.ID), strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Errorf("tier outside the list: %d", r.code)
		}

		gname := "Billing"
		g, err := e.ppl.CreateGroup(ctx, audit0(), people.GroupInput{Name: &gname})
		if err != nil {
			t.Fatal(err)
		}
		gp := fmt.Sprintf("/admin/groups/%d", g.ID)
		page = e.do(ac, "GET", gp, nil).body
		form = formFields(t, page, "add-member-form")
		form.Set("user_id", fmt.Sprint(e.users[people.RoleAgent].ID))
		r := e.do(ac, "POST", gp+"/members", strings.NewReader(form.Encode()), formCT...)
		if !strings.Contains(r.body, "The agent added to the group") || strings.Count(r.body, `class="member"`) != 1 {
			t.Fatalf("add member: %d", r.code)
		}
		m := regexpFind(r.body, `action="(`+gp+`/members/[0-9]+/remove)"`)
		csrf := csrfRe.FindStringSubmatch(r.body)[1]
		if r := e.do(ac, "POST", m, strings.NewReader("csrf_token="+url.QueryEscape(csrf)), formCT...); strings.Contains(r.body, `class="member"`) {
			t.Errorf("member not removed")
		}
		form = formFields(t, e.do(ac, "GET", gp, nil).body, "group-edit-form")
		form.Set("name", "Billing EMEA")
		e.do(ac, "POST", gp, strings.NewReader(form.Encode()), formCT...)
		if got, _ := e.ppl.GetGroup(ctx, g.ID); got.Name != "Billing EMEA" {
			t.Errorf("group name %q", got.Name)
		}
		del := url.Values{"csrf_token": {csrf}}
		if r := e.do(ac, "POST", gp+"/delete", strings.NewReader(del.Encode()), formCT...); !strings.Contains(r.body, `id="confirm-yes"`) {
			t.Fatal("group delete without confirmation")
		}
		del.Set("confirm", "yes")
		e.do(ac, "POST", gp+"/delete", strings.NewReader(del.Encode()), formCT...)
		if got, err := e.ppl.GetGroup(ctx, g.ID); err == nil && !got.Deleted {
			t.Error("group not deleted")
		}
	})
}

func audit0() audit.Actor { return audit.System() }

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestRuleBuilder: a trigger built from the lists previews as JSON, saves,
// and fires; a condition with an operator its field does not take is
// refused naming it; rules move up and down.
func TestRuleBuilder(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		page := e.do(ac, "GET", "/admin/rules?kind=triggers", nil).body
		if !strings.Contains(page, `id="builder-form"`) || !strings.Contains(page, `<option value="update_type">`) {
			t.Fatalf("no trigger builder: %s", page)
		}
		if views := e.do(ac, "GET", "/admin/rules?kind=views", nil).body; strings.Contains(views, `<option value="update_type">`) {
			t.Error("the view builder offers a trigger-only field")
		}
		form := formFields(t, page, "builder-form")
		form.Set("title", "Tag urgent VIPs")
		form.Set("all_0_field", "update_type")
		form.Set("all_0_op", "is")
		form.Set("all_0_value", "Create")
		form.Set("all_1_field", "subject_includes_word")
		form.Set("all_1_op", "includes")
		form.Set("all_1_value", "outage")
		form.Set("act_0_field", "priority")
		form.Set("act_0_value", "urgent")
		form.Set("act_1_field", "current_tags")
		form.Set("act_1_value", "vip")
		form.Set("do", "preview")
		r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "&#34;subject_includes_word&#34;") || !strings.Contains(r.body, `value="Tag urgent VIPs"`) {
			t.Fatalf("preview: %d %s", r.code, r.body)
		}
		form.Set("do", "save")
		if r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...); !strings.Contains(r.body, "Trigger “Tag urgent VIPs” added.") {
			t.Fatalf("save: %d %s", r.code, r.body)
		}
		tk := e.customerTicket(e.users[people.RoleEndUser], "Total outage in EMEA", "down")
		got, _ := e.tickets.Get(ctx, tk.ID)
		if got.Priority == nil || *got.Priority != "urgent" || !strings.Contains(strings.Join(got.Tags, " "), "vip") {
			t.Errorf("the built trigger did not fire: %+v", got)
		}

		form.Set("title", "Bad")
		form.Set("all_1_op", "less_than")
		if r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Errorf("invalid operator: %d", r.code)
		}

		// Move the new trigger up and back down.
		list := e.do(ac, "GET", "/admin/rules?kind=triggers", nil).body
		mv := regexpFind(list, `action="(/admin/rules/triggers/[0-9]+/move)"`)
		trs, _ := e.srv.Rules.ListTriggers(ctx, false)
		if len(trs) < 2 {
			// A second trigger so that there is somewhere to move.
			f2 := formFields(t, page, "builder-form")
			f2.Set("title", "Second")
			f2.Set("all_0_field", "status")
			f2.Set("all_0_op", "is")
			f2.Set("all_0_value", "new")
			f2.Set("act_0_field", "current_tags")
			f2.Set("act_0_value", "seen")
			f2.Set("do", "save")
			e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(f2.Encode()), formCT...)
			trs, _ = e.srv.Rules.ListTriggers(ctx, false)
		}
		first := trs[0].ID
		_ = mv
		csrf := csrfRe.FindStringSubmatch(list)[1]
		down := url.Values{"csrf_token": {csrf}, "dir": {"down"}}
		if r := e.do(ac, "POST", fmt.Sprintf("/admin/rules/triggers/%d/move", first), strings.NewReader(down.Encode()), formCT...); !strings.Contains(r.body, "moved down") {
			t.Fatalf("move down: %d %s", r.code, r.body)
		}
		trs, _ = e.srv.Rules.ListTriggers(ctx, false)
		if trs[0].ID == first {
			t.Errorf("the trigger is still first after moving down")
		}
	})
}

// TestRuleBuilderMacroAndView: a macro (actions only, active once saved)
// and a view (conditions only) are built from the lists too.
func TestRuleBuilderMacroAndView(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		page := e.do(ac, "GET", "/admin/rules?kind=macros", nil).body
		form := formFields(t, page, "builder-form")
		form.Set("title", "Ask for logs")
		form.Set("act_0_field", "status")
		form.Set("act_0_value", "pending")
		form.Set("act_1_field", "comment_value")
		form.Set("act_1_value", "Please attach the logs.")
		form.Set("do", "save")
		if r := e.do(ac, "POST", "/admin/rules/macros/build", strings.NewReader(form.Encode()), formCT...); !strings.Contains(r.body, "“Ask for logs” added") {
			t.Fatalf("macro: %d %s", r.code, r.body)
		}
		ms, _ := e.srv.Rules.ListMacros(ctx, false, nil)
		if len(ms) != 1 || !ms[0].Active {
			t.Errorf("macros %+v", ms)
		}
		page = e.do(ac, "GET", "/admin/rules?kind=views", nil).body
		form = formFields(t, page, "builder-form")
		form.Set("title", "Urgent ones")
		form.Set("all_0_field", "priority")
		form.Set("all_0_op", "is")
		form.Set("all_0_value", "urgent")
		form.Set("do", "save")
		if r := e.do(ac, "POST", "/admin/rules/views/build", strings.NewReader(form.Encode()), formCT...); !strings.Contains(r.body, "“Urgent ones” added") {
			t.Fatalf("view: %d %s", r.code, r.body)
		}
	})
}
