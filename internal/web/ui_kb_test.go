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
