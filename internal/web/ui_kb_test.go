package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
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

// TestKBArticleEditor: an agent whose role manages the knowledge base
// writes an article in the editor (the preview sanitised as it will be
// stored), publishes it and edits it again; a refused move names its rule;
// an agent whose role only reads the Help Center (forum_access readonly)
// reaches neither the editor nor the API's writes, and the writes are
// audited with their actor.
func TestKBArticleEditor(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqkbinternal")
		agent := e.users[people.RoleAgent]
		c := signIn(t, e, agent.Email)
		page := e.do(c, "GET", fmt.Sprintf("/agent/kb/articles/new?section_id=%d", f.secEN), nil)
		if page.code != 200 || !strings.Contains(page.body, `id="kb-editor"`) {
			t.Fatalf("editor: %d %.300s", page.code, page.body)
		}
		csrf := e.csrf(c, "/agent/kb/articles/new")
		post := func(path string, v url.Values) resp {
			v.Set("csrf_token", csrf)
			return e.do(c, "POST", path, strings.NewReader(v.Encode()), formCT...)
		}
		body := "Run `gitlab-ctl reconfigure`.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
		pv := post("/agent/kb/preview", url.Values{"body_markdown": {body}})
		if pv.code != 200 || !strings.Contains(pv.body, "<code>gitlab-ctl reconfigure</code>") || strings.Contains(pv.body, "<script") || strings.Contains(pv.body, "<img") {
			t.Fatalf("preview: %d %s", pv.code, pv.body)
		}
		r := post("/agent/kb/articles", url.Values{"title": {"Reconfigure after an upgrade"}, "section_id": {fmt.Sprint(f.secEN)},
			"body_markdown": {body}, "labels": {"upgrade, omnibus"}, "visibility": {"public"}, "status": {"published"}})
		if r.code != 200 || !strings.Contains(r.body, "Article saved (published)") || strings.Contains(r.body, "<script>alert") {
			t.Fatalf("create: %d %.500s", r.code, r.body)
		}
		_, m := e.api("agent", "GET", hcAPI+"/articles/search.json?query=reconfigure", "")
		res := items(m, "results")
		if len(res) != 1 || res[0]["draft"] != false {
			t.Fatalf("published article not found: %v", m)
		}
		id := int64(num(res[0]["id"]))
		if ed := e.do(c, "GET", fmt.Sprintf("/hc/articles/%d", id), nil); !strings.Contains(ed.body, `id="kb-edit"`) {
			t.Fatal("the article page has no edit link for its editor")
		}
		if ed := e.do(c, "GET", fmt.Sprintf("/agent/kb/articles/%d/edit", id), nil); ed.code != 200 || !strings.Contains(ed.body, "omnibus, upgrade") {
			t.Fatalf("edit form: %d", ed.code)
		}
		r = post(fmt.Sprintf("/agent/kb/articles/%d", id), url.Values{"title": {"Reconfigure after upgrading"}, "section_id": {fmt.Sprint(f.secEN)},
			"body_markdown": {"Run it again."}, "visibility": {"internal"}, "status": {"published"}})
		if r.code != 200 {
			t.Fatalf("update: %d %.300s", r.code, r.body)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/hc/articles/%d", id), nil); r.code != 404 {
			t.Fatalf("the article made internal still reaches anonymous readers: %d", r.code)
		}
		r = post(fmt.Sprintf("/agent/kb/articles/%d", id), url.Values{"title": {""}, "section_id": {fmt.Sprint(f.secEN)}, "visibility": {"internal"}, "status": {"published"}})
		if r.code != 422 || !strings.Contains(r.body, "title") {
			t.Fatalf("empty title: %d %.300s", r.code, r.body)
		}
		// A reader of the Help Center only.
		readonly := access.AgentDefaults()
		readonly.ForumAccess = "readonly"
		reader := e.agentWith("Rea Der", readonly)
		rc := signIn(t, e, reader.Email)
		if r := e.do(rc, "GET", "/agent/kb/articles/new", nil); r.code != 403 {
			t.Fatalf("reader opens the editor: %d", r.code)
		}
		if r := e.do(rc, "GET", fmt.Sprintf("/hc/articles/%d", id), nil); r.code != 200 || strings.Contains(r.body, `id="kb-edit"`) {
			t.Fatalf("reader's article page: %d", r.code)
		}
		w := e.do(nil, "POST", fmt.Sprintf("%s/sections/%d/articles.json", hcAPI, f.secEN), strings.NewReader(`{"article":{"title":"Nope","body":"x"}}`),
			append(basic(reader.Email, pw), "Content-Type", "application/json")...)
		if w.code != 403 {
			t.Fatalf("reader writes through the API: %d %s", w.code, w.body)
		}
		if v := e.do(nil, "POST", fmt.Sprintf("%s/articles/%d/up.json", hcAPI, f.public), strings.NewReader(""), append(basic(reader.Email, pw), "Content-Type", "application/json")...); v.code != 200 {
			t.Fatalf("reader votes: %d %s", v.code, v.body)
		}
		entries, err := e.srv.Audit.List(context.Background(), audit.Filter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, en := range entries {
			if en.ObjectID == id && en.ActorID == agent.ID {
				seen[en.Action] = true
			}
		}
		if !seen["kb.article_created"] || !seen["kb.article_updated"] {
			t.Fatalf("audit of the editor's writes: %v", seen)
		}
	})
}
