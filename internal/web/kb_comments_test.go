package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// Comments through the Guide API and the article page: a customer comments
// on a public article and edits their own; another's comment is theirs to
// leave alone; agents delete; the page lists them and posts the form.
func TestKBCommentsAPIAndPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqcm")
		base := fmt.Sprintf("%s/articles/%d/comments", hcAPI, f.public)
		r, m := e.api("end-user", "POST", base, `{"comment":{"body":"<p>Worked on <b>17.1</b></p>"}}`)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		c := m["comment"].(map[string]any)
		if c["source_type"] != "Article" || fmt.Sprint(c["source_id"]) != fmt.Sprint(f.public) || c["body"] != "<p>Worked on <b>17.1</b></p>" ||
			!strings.HasSuffix(c["url"].(string), fmt.Sprintf("/comments/%v.json", c["id"])) {
			t.Errorf("the comment's shape: %v", c)
		}
		if r, m := e.api("end-user", "GET", base, ""); r.code != 200 || fmt.Sprint(m["count"]) != "2" {
			t.Errorf("list: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "PUT", fmt.Sprintf("%s/%d", base, f.cPublic), `{"comment":{"body":"mine"}}`); r.code != 422 || !strings.Contains(r.body, "Comment author rule") {
			t.Errorf("a customer edits an agent's comment: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "PUT", fmt.Sprintf("%s/%v", base, c["id"]), `{"comment":{"body":"Worked on 17.2 too"}}`); r.code != 200 {
			t.Errorf("the author's edit: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "POST", fmt.Sprintf("%s/articles/%d/comments", hcAPI, f.internal), `{"comment":{"body":"x"}}`); r.code != 404 {
			t.Errorf("a comment on an internal article: %d", r.code)
		}
		if r, _ := e.api("end-user", "GET", fmt.Sprintf("%s/users/%d/comments", hcAPI, e.users[people.RoleAgent].ID), ""); r.code != 403 {
			t.Errorf("a customer listing an agent's comments: %d", r.code)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("%s/users/%d/comments", hcAPI, e.users[people.RoleAgent].ID), ""); r.code != 200 || fmt.Sprint(m["count"]) != "2" {
			t.Errorf("an agent's own comments: %d %s", r.code, r.body)
		}
		// The page: the list and the form.
		c2 := signIn(t, e, e.users[people.RoleEndUser].Email)
		page := e.do(c2, "GET", fmt.Sprintf("/hc/articles/%d", f.public), nil).body
		if !strings.Contains(page, "Worked on 17.2 too") || !strings.Contains(page, `id="comment-form"`) {
			t.Fatalf("the article page's comments: %s", page)
		}
		form := url.Values{"csrf_token": {csrfRe.FindStringSubmatch(page)[1]}, "body": {"Line one\n<script>x</script>"}}
		if r := e.do(c2, "POST", fmt.Sprintf("/hc/articles/%d/comments", f.public), strings.NewReader(form.Encode()), formCT...); r.code != 200 ||
			!strings.Contains(r.body, "Line one<br>&lt;script&gt;x&lt;/script&gt;") {
			t.Errorf("the page's form: %d", r.code)
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("%s/%v", base, c["id"]), ""); r.code != 204 {
			t.Errorf("an agent deletes: %d %s", r.code, r.body)
		}
	})
}
