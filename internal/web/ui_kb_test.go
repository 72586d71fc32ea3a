package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// TestHelpCenterPagesAndDeflection: the public pages show what the reader
// may see; a customer's suggestions, click and "this answered my question"
// are recorded for the session and counted in the deflection figures (the
// anonymous reader above is a second session).
func TestHelpCenterPagesAndDeflection(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqkbinternal")
		r := e.do(nil, "GET", "/hc", nil)
		if r.code != 200 || !strings.Contains(r.body, "Upgrades") || strings.Contains(r.body, "Runbooks") {
			t.Fatalf("/hc: %d %.500s", r.code, r.body)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/hc/en-us/articles/%d", f.public), nil); r.code != 200 || !strings.Contains(r.body, "Back up first") {
			t.Fatalf("public article: %d", r.code)
		}
		for _, id := range []int64{f.internal, f.draft, f.inInternal} {
			if r := e.do(nil, "GET", fmt.Sprintf("/hc/articles/%d", id), nil); r.code != 404 || strings.Contains(r.body, "zqkbinternal") {
				t.Fatalf("article %d: %d", id, r.code)
			}
		}
		if r := e.do(nil, "GET", "/hc/search?query=upgrade", nil); !strings.Contains(r.body, "<em>upgrade</em>") || strings.Contains(r.body, "zqkbinternal") {
			t.Fatalf("search page: %.800s", r.body)
		}
		cust := e.users[people.RoleEndUser]
		c := signIn(t, e, cust.Email)
		if r := e.do(c, "GET", "/portal/new", nil); !strings.Contains(r.body, `hx-get="/hc/suggest"`) {
			t.Fatal("the request form does not ask for suggestions")
		}
		if r := e.do(c, "GET", "/hc/suggest?subject=up", nil); strings.Contains(r.body, "<li>") {
			t.Fatal("suggestions under 3 characters")
		}
		r = e.do(c, "GET", "/hc/suggest?subject="+url.QueryEscape("how to upgr"), nil)
		if !strings.Contains(r.body, "Upgrade to 17.0") || strings.Contains(r.body, "zqkbinternal") {
			t.Fatalf("suggestions: %s", r.body)
		}
		e.do(c, "GET", fmt.Sprintf("/hc/articles/%d?from=suggest", f.public), nil)
		csrf := e.csrf(c, "/portal/new")
		r = e.do(c, "POST", "/hc/answered", strings.NewReader(url.Values{"csrf_token": {csrf}, "article_id": {fmt.Sprint(f.public)}}.Encode()),
			"Content-Type", "application/x-www-form-urlencoded")
		if r.code != 200 || !strings.Contains(r.body, "No request was filed") {
			t.Fatalf("answered: %d %.300s", r.code, r.body)
		}
		_, m := e.api("admin", "GET", hcAPI+"/deflection/stats.json", "")
		d := m["deflection"].(map[string]any)
		if num(d["suggestions_offered"]) != 1 || num(d["suggestions_answered"]) != 1 || num(d["help_center_sessions"]) != 2 || num(d["pending_sessions"]) != 2 {
			t.Fatalf("deflection %v", d)
		}
		if r, _ := e.api(people.RoleEndUser, "GET", hcAPI+"/deflection/stats.json", ""); r.code != 403 {
			t.Fatalf("customer reads deflection stats: %d", r.code)
		}
	})
}

// TestKBFromTickets: an agent searches articles from the ticket page and
// gets links to insert; a reply holding an article's link links the ticket
// to it; "start an article" makes a draft from the conversation.
func TestKBFromTickets(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqkbinternal")
		r, m := e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"Upgrade stuck at 16.7","requester_id":%d,"comment":{"body":"The package refuses to upgrade."}}}`, e.users[people.RoleEndUser].ID))
		if r.code != 201 {
			t.Fatalf("ticket: %d %s", r.code, r.body)
		}
		tid := idOf(m, "ticket")
		c := signIn(t, e, e.users[people.RoleAgent].Email)
		page := e.do(c, "GET", fmt.Sprintf("/agent/tickets/%d", tid), nil)
		if !strings.Contains(page.body, `id="kb-q"`) || !strings.Contains(page.body, `id="kb-draft"`) {
			t.Fatal("the ticket page has no article search or draft button")
		}
		hits := e.do(c, "GET", "/agent/kb/search?q=upgr", nil)
		if !strings.Contains(hits.body, fmt.Sprintf(`/hc/articles/%d"`, f.public)) || !strings.Contains(hits.body, "data-insert-link") {
			t.Fatalf("agent search: %s", hits.body)
		}
		link := fmt.Sprintf("%s/hc/articles/%d", e.ts.URL, f.public)
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tid), fmt.Sprintf(`{"ticket":{"comment":{"body":"See [the upgrade guide](%s).","public":true}}}`, link)); r.code != 200 {
			t.Fatalf("reply: %d %s", r.code, r.body)
		}
		_, m = e.api("agent", "GET", fmt.Sprintf("%s/articles/%d/tickets.json", hcAPI, f.public), "")
		if ids := m["ticket_ids"].([]any); len(ids) != 1 || num(ids[0]) != tid {
			t.Fatalf("linked tickets %v", m)
		}
		csrf := e.csrf(c, fmt.Sprintf("/agent/tickets/%d", tid))
		r = e.do(c, "POST", fmt.Sprintf("/agent/tickets/%d/kb_draft", tid), strings.NewReader(url.Values{"csrf_token": {csrf}, "section_id": {fmt.Sprint(f.secEN)}}.Encode()),
			"Content-Type", "application/x-www-form-urlencoded")
		if r.code != 200 || !strings.Contains(r.body, "Upgrade stuck at 16.7") || !strings.Contains(r.body, "The package refuses to upgrade.") || !strings.Contains(r.body, "Draft started") {
			t.Fatalf("draft: %d %.600s", r.code, r.body)
		}
		_, m = e.api("agent", "GET", hcAPI+"/articles.json?label_names=", "")
		found := false
		for _, a := range items(m, "articles") {
			if a["title"] == "Upgrade stuck at 16.7" && a["draft"] == true && strings.Contains(a["body_markdown"].(string), "## Problem") {
				found = true
			}
		}
		if !found {
			t.Fatal("no draft from the ticket")
		}
		if r := e.do(signIn(t, e, e.users[people.RoleEndUser].Email), "GET", "/agent/kb/search?q=upgr", nil); r.code != 403 {
			t.Fatalf("customer agent search: %d", r.code)
		}
	})
}
