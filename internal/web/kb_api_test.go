package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func kbs(v string) *string { return &v }
func kbb(v bool) *bool     { return &v }

// kbFixture is a small Help Center: an English and a German category with
// a section each, a public published article in each (the English one
// labelled "upgrade"), an internal article, a draft, and an internal
// section with an article. Internal content carries marker in its title
// and body.
type kbFixture struct {
	catEN, catDE, secEN, secDE, secInt          int64
	public, german, internal, draft, inInternal int64
	cPublic, cInternal                          int64 // an agent's comments on the public and the internal article
}

func newKBFixture(t testing.TB, st *kb.Store, author int64, marker string) kbFixture {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var f kbFixture
	ed := audit.Actor{ID: author, Role: "agent"}
	c, err := st.CreateCategory(ctx, ed, kb.CategoryInput{Name: kbs("Self-managed")})
	must(err)
	f.catEN = c.ID
	c, err = st.CreateCategory(ctx, ed, kb.CategoryInput{Name: kbs("Selbst betrieben"), Locale: kbs("de-de")})
	must(err)
	f.catDE = c.ID
	sec := func(cat int64, name, loc, vis string) int64 {
		x, err := st.CreateSection(ctx, ed, cat, kb.SectionInput{Name: &name, Locale: &loc, Visibility: &vis})
		must(err)
		return x.ID
	}
	f.secEN, f.secDE, f.secInt = sec(f.catEN, "Upgrades", "en-us", "public"), sec(f.catDE, "Aktualisierung", "de-de", "public"), sec(f.catEN, "Runbooks", "en-us", "internal")
	art := func(section int64, title, body, vis string, draft bool, labels ...string) int64 {
		a, err := st.CreateArticle(ctx, ed, section, kb.ArticleInput{Title: &title, BodyMarkdown: &body, Visibility: &vis, Draft: &draft, LabelNames: &labels})
		must(err)
		return a.ID
	}
	f.public = art(f.secEN, "Upgrade to 17.0", "Back up first, then run the upgrade.", "public", false, "upgrade")
	f.german = art(f.secDE, "Upgrade auf 17.0", "Zuerst sichern, dann das Upgrade starten.", "public", false)
	f.internal = art(f.secEN, marker+" upgrade escalation runbook", "Page storage on-call "+marker, "internal", false, marker)
	f.draft = art(f.secEN, marker+" upgrade draft", "Unreviewed "+marker, "public", true)
	f.inInternal = art(f.secInt, marker+" upgrade quotas", "Internal section "+marker, "public", false)
	// Translations: the public article's into French, and the hidden
	// articles' and section's (their text carries the marker too).
	tr := func(kind string, id int64, loc, title string, draft bool) {
		_, err := st.CreateTranslation(ctx, ed, kind, id, kb.TranslationInput{Locale: &loc, Title: &title, BodyMarkdown: nil, Draft: &draft})
		must(err)
	}
	tr(kb.KindArticle, f.public, "fr", "Mise à niveau vers 17.0", false)
	tr(kb.KindArticle, f.public, "es", "Actualizar a 17.0 "+marker, true) // a draft translation of a public article
	tr(kb.KindArticle, f.internal, "fr", marker+" runbook interne", false)
	tr(kb.KindArticle, f.inInternal, "fr", marker+" quotas internes", false)
	tr(kb.KindSection, f.secInt, "fr", marker+" procédures", false)
	agentView := kb.Viewer{UserID: author, Staff: true}
	comment := func(article int64, body string) int64 {
		c, err := st.CreateComment(ctx, agentView, article, kb.CommentInput{Body: &body})
		must(err)
		return c.ID
	}
	f.cPublic = comment(f.public, "Also works on 16.11.")
	f.cInternal = comment(f.internal, "Page "+marker+" storage first.")
	return f
}

// kbListParams is the Help Center's part of the parameter walk
// (help_center/articles#list-articles, sections#list-sections,
// categories#list-categories, articles#search-articles): locale and
// label_names filter; include=users, sections, categories side-load;
// include=translations and sort_by (not kept) are refused.
func kbListParams(e *env) map[string]listEndpoint {
	f := newKBFixture(e.t, e.srv.KB, e.users[people.RoleAdmin].ID, "zqparam")
	n := func(v int64) string { return fmt.Sprint(v) }
	articleCases := func(ids []int64, label []int64, de []int64) []paramCase {
		return []paramCase{
			{query: "locale=de-de", check: idsAre("articles", de...)},
			{query: "label_names=upgrade", check: idsAre("articles", label...)},
			{query: "include=users", check: sideloaded("users", "articles", "author_id")},
			{query: "include=sections", check: sideloaded("sections", "articles", "section_id")},
			{query: "include=categories", check: func(m map[string]any) error {
				if len(items(m, "categories")) == 0 {
					return fmt.Errorf("no categories side-loaded")
				}
				return nil
			}},
			{query: "include=translations", names: "translations"},
			{query: "sort_by=title"},
		}
	}
	all := []int64{f.public, f.german, f.internal, f.draft, f.inInternal}
	search := func(q string) string { return "query=" + url.QueryEscape(q) }
	return map[string]listEndpoint{
		"GET " + hcAPI + "/articles": {path: hcAPI + "/articles", cases: articleCases(all, []int64{f.public}, []int64{f.german})},
		"GET " + hcAPI + "/sections/{id}/articles": {path: hcAPI + "/sections/" + n(f.secEN) + "/articles", cases: []paramCase{
			{query: "locale=de-de", check: idsAre("articles")},
			{query: "label_names=upgrade", check: idsAre("articles", f.public)},
			{query: "include=users", check: sideloaded("users", "articles", "author_id")},
			{query: "include=sections", check: sideloaded("sections", "articles", "section_id")},
			{query: "include=translations", names: "translations"},
			{query: "sort_by=title"},
		}},
		"GET " + hcAPI + "/categories/{id}/articles": {path: hcAPI + "/categories/" + n(f.catDE) + "/articles", cases: []paramCase{
			{query: "locale=en-us", check: idsAre("articles")},
			{query: "include=categories", check: idsAre("categories", f.catDE)},
			{query: "include=translations", names: "translations"},
		}},
		"GET " + hcAPI + "/sections": {path: hcAPI + "/sections", cases: []paramCase{
			{query: "locale=de-de", check: idsAre("sections", f.secDE)},
			{query: "include=categories", check: sideloaded("categories", "sections", "category_id")},
			{query: "include=translations", names: "translations"},
		}},
		"GET " + hcAPI + "/categories/{id}/sections": {path: hcAPI + "/categories/" + n(f.catEN) + "/sections", cases: []paramCase{
			{query: "locale=de-de", check: idsAre("sections")},
			{query: "include=categories", check: idsAre("categories", f.catEN)},
		}},
		"GET " + hcAPI + "/categories": {path: hcAPI + "/categories", cases: []paramCase{
			{query: "locale=de-de", check: idsAre("categories", f.catDE)},
			{query: "include=translations", names: "include"},
		}},
		"GET " + hcAPI + "/articles/search": {path: hcAPI + "/articles/search", base: search("upgrade"), cases: []paramCase{
			{query: search("upgrade") + "&locale=de-de", check: idsAre("results", f.german)},
			{query: search("upgrade") + "&label_names=upgrade", check: idsAre("results", f.public)},
			{query: search("upgrade") + "&category=" + n(f.catDE), check: idsAre("results", f.german)},
			{query: search("upgrade") + "&section=" + n(f.secEN), check: idsAre("results", f.public, f.internal)},
			{query: search("upgrade") + "&per_page=1", check: count("results", 1)},
			{query: search("upgrade") + "&sort_by=created_at", names: "sort_by"},
		}},
		"GET " + hcAPI + "/articles/labels":                      {path: hcAPI + "/articles/labels"},
		"GET " + hcAPI + "/articles/{id}/translations":           {path: hcAPI + "/articles/" + n(f.public) + "/translations"},
		"GET " + hcAPI + "/articles/{id}/translations/missing":   {path: hcAPI + "/articles/" + n(f.public) + "/translations/missing"},
		"GET " + hcAPI + "/sections/{id}/translations":           {path: hcAPI + "/sections/" + n(f.secInt) + "/translations"},
		"GET " + hcAPI + "/sections/{id}/translations/missing":   {path: hcAPI + "/sections/" + n(f.secInt) + "/translations/missing"},
		"GET " + hcAPI + "/categories/{id}/translations":         {path: hcAPI + "/categories/" + n(f.catEN) + "/translations"},
		"GET " + hcAPI + "/categories/{id}/translations/missing": {path: hcAPI + "/categories/" + n(f.catEN) + "/translations/missing"},
		"GET " + hcAPI + "/locales":                              {path: hcAPI + "/locales"},
		"GET " + hcAPI + "/articles/{id}/attachments":            {path: hcAPI + "/articles/" + n(f.public) + "/attachments"},
		"GET " + hcAPI + "/articles/{id}/attachments/inline":     {path: hcAPI + "/articles/" + n(f.public) + "/attachments/inline"},
		"GET " + hcAPI + "/articles/{id}/attachments/block":      {path: hcAPI + "/articles/" + n(f.public) + "/attachments/block"},
		"GET " + hcAPI + "/articles/{id}/comments":               {path: hcAPI + "/articles/" + n(f.public) + "/comments"},
		"GET " + hcAPI + "/users/{id}/comments":                  {path: hcAPI + "/users/" + n(e.users[people.RoleAdmin].ID) + "/comments"},
		"GET " + hcAPI + "/articles/{id}/revisions":              {path: hcAPI + "/articles/" + n(f.public) + "/revisions"},
		"GET " + hcAPI + "/articles/{id}/votes":                  {path: hcAPI + "/articles/" + n(f.public) + "/votes"},
		"GET " + hcAPI + "/deflection/suggestions": {path: hcAPI + "/deflection/suggestions", base: search("upgr"), cases: []paramCase{
			{query: search("upgr") + "&locale=de-de", check: idsAre("results", f.german)},
		}},
	}
}

// kbLeakIDs is the Help Center planted in the leak world.
type kbLeakIDs struct {
	kbFixture
	filePublic, fileInternal int64 // article attachments (the internal one's name and content carry the marker)
	rawInternal              int64 // the internal attachment's stored file
}

func plantKBLeaks(t *testing.T, e *env) kbLeakIDs {
	w := kbLeakIDs{kbFixture: newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqkbinternal")}
	w.filePublic, _ = addKBFile(t, e, w.public, "diagram.txt", "the upgrade diagram")
	w.fileInternal, w.rawInternal = addKBFile(t, e, w.internal, "zqkbinternal-runbook.txt", "zqkbinternal steps")
	return w
}

// addKBFile uploads a file to an article as its author would.
func addKBFile(t *testing.T, e *env, article int64, name, content string) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	agent := e.users[people.RoleAgent]
	up, err := e.tickets.SaveUpload(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, name, "text/plain", strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.srv.KB.AddAttachment(ctx, audit.Actor{ID: agent.ID}, article, up.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, up.ID
}

// kbProbes reads every customer-reachable Help Center route, for the
// public, internal, draft and internal-section articles alike.
func (w *leakWorld) kbProbes() map[string][]leakReq {
	f := w.kb
	get := func(format string, ids ...int64) []leakReq {
		var out []leakReq
		for _, id := range ids {
			p := fmt.Sprintf(format, id)
			out = append(out, leakReq{method: "GET", path: p}, leakReq{method: "GET", path: p + ".json?page[size]=1"})
		}
		return out
	}
	arts := []int64{f.public, f.german, f.internal, f.draft, f.inInternal}
	post := func(format string) []leakReq {
		var out []leakReq
		for _, id := range arts {
			out = append(out, leakReq{method: "POST", path: fmt.Sprintf(format, id), basic: true})
		}
		return out
	}
	var searches []leakReq
	for _, q := range []string{"upgrade", "escalation runbook", "draft", "quotas", "storage on-call"} {
		v := url.Values{"query": {q}}.Encode()
		searches = append(searches, leakReq{method: "GET", path: hcAPI + "/articles/search.json?" + v})
	}
	var suggestions []leakReq
	for _, q := range []string{"upg", "upgrade esc", "escalation", "runbook", "quotas", "draf"} {
		suggestions = append(suggestions, leakReq{method: "GET", path: hcAPI + "/deflection/suggestions.json?" + url.Values{"query": {q}}.Encode()})
	}
	return map[string][]leakReq{
		"GET " + hcAPI + "/categories":                 {{method: "GET", path: hcAPI + "/categories.json"}},
		"GET " + hcAPI + "/categories/{id}":            get(hcAPI+"/categories/%d", f.catEN, f.catDE),
		"GET " + hcAPI + "/sections":                   {{method: "GET", path: hcAPI + "/sections.json"}},
		"GET " + hcAPI + "/categories/{id}/sections":   get(hcAPI+"/categories/%d/sections", f.catEN),
		"GET " + hcAPI + "/sections/{id}":              append(get(hcAPI+"/sections/%d", f.secEN, f.secInt), get(hcAPI+"/fr/sections/%d", f.secEN, f.secInt)...),
		"GET " + hcAPI + "/articles":                   {{method: "GET", path: hcAPI + "/articles.json"}, {method: "GET", path: hcAPI + "/articles.json?label_names=zqkbinternal"}, {method: "GET", path: hcAPI + "/fr/articles.json"}, {method: "GET", path: hcAPI + "/es/articles.json"}, {method: "GET", path: hcAPI + "/fr/articles.json?locale=fr"}},
		"GET " + hcAPI + "/sections/{id}/articles":     get(hcAPI+"/sections/%d/articles", f.secEN, f.secInt),
		"GET " + hcAPI + "/categories/{id}/articles":   get(hcAPI+"/categories/%d/articles", f.catEN),
		"GET " + hcAPI + "/articles/search":            searches,
		"GET " + hcAPI + "/articles/labels":            {{method: "GET", path: hcAPI + "/articles/labels.json"}},
		"GET " + hcAPI + "/articles/{id}/comments":     get(hcAPI+"/articles/%d/comments", arts...),
		"GET " + hcAPI + "/users/{id}/comments":        {{method: "GET", path: fmt.Sprintf("%s/users/%d/comments.json", hcAPI, w.ivan.ID)}, {method: "GET", path: fmt.Sprintf("%s/users/%d/comments.json", hcAPI, w.carol.ID)}},
		"GET " + hcAPI + "/articles/{id}":              append(append(get(hcAPI+"/articles/%d", arts...), get(hcAPI+"/fr/articles/%d", arts...)...), get(hcAPI+"/es/articles/%d", arts...)...),
		"GET " + hcAPI + "/articles/{id}/translations": get(hcAPI+"/articles/%d/translations", arts...),
		"GET " + hcAPI + "/articles/{id}/translations/{locale}": append(get(hcAPI+"/articles/%d/translations/fr", arts...),
			get(hcAPI+"/articles/%d/translations/es", arts...)...),
		"GET " + hcAPI + "/sections/{id}/translations":            get(hcAPI+"/sections/%d/translations", f.secEN, f.secInt),
		"GET " + hcAPI + "/sections/{id}/translations/{locale}":   get(hcAPI+"/sections/%d/translations/fr", f.secEN, f.secInt),
		"GET " + hcAPI + "/categories/{id}/translations":          get(hcAPI+"/categories/%d/translations", f.catEN),
		"GET " + hcAPI + "/categories/{id}/translations/{locale}": get(hcAPI+"/categories/%d/translations/fr", f.catEN),
		"GET " + hcAPI + "/locales":                               {{method: "GET", path: hcAPI + "/locales.json"}},
		"GET " + hcAPI + "/articles/{id}/comments/{comment_id}": append(get(hcAPI+"/articles/%d/comments/"+fmt.Sprint(f.cInternal), arts...),
			get(hcAPI+"/articles/%d/comments/"+fmt.Sprint(f.cPublic), arts...)...),
		"POST " + hcAPI + "/articles/{id}/comments": commentWrites("POST", hcAPI+"/articles/%d/comments", `{"comment":{"body":"me too"}}`, arts),
		"PUT " + hcAPI + "/articles/{id}/comments/{comment_id}": append(commentWrites("PUT", hcAPI+"/articles/%d/comments/"+fmt.Sprint(f.cInternal), `{"comment":{"body":"x"}}`, arts),
			commentWrites("PUT", hcAPI+"/articles/%d/comments/"+fmt.Sprint(f.cPublic), `{"comment":{"body":"x"}}`, arts)...),
		"DELETE " + hcAPI + "/articles/{id}/comments/{comment_id}": commentWrites("DELETE", hcAPI+"/articles/%d/comments/"+fmt.Sprint(f.cInternal), "", arts),
		"GET " + hcAPI + "/articles/{id}/attachments":              get(hcAPI+"/articles/%d/attachments", arts...),
		"GET " + hcAPI + "/articles/{id}/attachments/inline":       get(hcAPI+"/articles/%d/attachments/inline", arts...),
		"GET " + hcAPI + "/articles/{id}/attachments/block":        get(hcAPI+"/articles/%d/attachments/block", arts...),
		"GET " + hcAPI + "/article_attachments/{id}": append(get(hcAPI+"/article_attachments/%d", w.kb.filePublic, w.kb.fileInternal),
			get(hcAPI+"/articles/attachments/%d", w.kb.filePublic, w.kb.fileInternal)...),
		"GET /hc-files/{id}/{name}": {{method: "GET", path: fmt.Sprintf("/hc-files/%d/x.txt", w.kb.fileInternal)},
			{method: "GET", path: fmt.Sprintf("/hc-files/%d/x.txt", w.kb.filePublic)}},
		"POST /hc/articles/{id}/comments":                     hcCommentForms("/hc/articles/%d/comments", arts),
		"POST /hc/articles/{id}/comments/{comment_id}/delete": hcCommentForms("/hc/articles/%d/comments/"+fmt.Sprint(f.cInternal)+"/delete", arts),

		"POST " + hcAPI + "/articles/{id}/up":      post(hcAPI + "/articles/%d/up.json"),
		"POST " + hcAPI + "/articles/{id}/down":    post(hcAPI + "/articles/%d/down.json"),
		"GET " + hcAPI + "/deflection/suggestions": suggestions,
		// The public pages.
		"GET /hc":                        {{method: "GET", path: "/hc"}},
		"GET /hc/{locale}":               {{method: "GET", path: "/hc/en-us"}, {method: "GET", path: "/hc/de-de"}},
		"GET /hc/sections/{id}":          get("/hc/sections/%d", f.secEN, f.secDE, f.secInt),
		"GET /hc/{locale}/sections/{id}": get("/hc/en-us/sections/%d", f.secEN, f.secInt),
		"GET /hc/articles/{id}":          get("/hc/articles/%d", arts...),
		"GET /hc/{locale}/articles/{id}": get("/hc/en-us/articles/%d", arts...),
		"GET /hc/search":                 hcGets("/hc/search?query=", "upgrade", "escalation runbook", "draft", "quotas"),
		"GET /hc/suggest":                hcGets("/hc/suggest?subject=", "upgrade", "upgrade esc", "runbook", "quotas", "draf"),
		"POST /hc/answered":              {{method: "POST", path: "/hc/answered", body: "article_id=" + fmt.Sprint(f.internal), form: true}},
	}
}

// TestKBAPIZendeskShapesAndPermissions: agents write in Zendesk's shapes;
// customers and anonymous callers read only what visibility allows, cannot
// write, and vote only when signed in.
func TestKBAPIZendeskShapesAndPermissions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r, m := e.api("agent", "POST", hcAPI+"/categories.json", `{"category":{"name":"SaaS","description":"Hosted"}}`)
		if r.code != 201 {
			t.Fatalf("create category: %d %s", r.code, r.body)
		}
		cat := idOf(m, "category")
		r, m = e.api("agent", "POST", fmt.Sprintf("%s/categories/%d/sections.json", hcAPI, cat), `{"section":{"name":"SSO"}}`)
		if r.code != 201 {
			t.Fatalf("create section: %d %s", r.code, r.body)
		}
		sec := idOf(m, "section")
		r, m = e.api("agent", "POST", fmt.Sprintf("%s/sections/%d/articles.json", hcAPI, sec),
			`{"article":{"title":"Configure SAML with Okta","body":"<p>Use the <b>ACS URL</b>.</p><script>alert(1)</script>","label_names":["sso","SAML"],"draft":false,"promoted":true}}`)
		if r.code != 201 {
			t.Fatalf("create article: %d %s", r.code, r.body)
		}
		a := m["article"].(map[string]any)
		for _, k := range []string{"id", "url", "html_url", "title", "body", "locale", "source_locale", "section_id", "author_id", "draft", "promoted", "position",
			"label_names", "content_tag_ids", "user_segment_id", "permission_group_id", "outdated", "vote_sum", "vote_count", "comments_disabled", "created_at", "edited_at", "updated_at"} {
			if _, ok := a[k]; !ok {
				t.Errorf("article lacks %s", k)
			}
		}
		if strings.Contains(a["body"].(string), "script") || a["draft"] != false || a["locale"] != "en-us" {
			t.Fatalf("article %v", a)
		}
		id := num(a["id"])
		r, m = e.api("agent", "POST", fmt.Sprintf("%s/sections/%d/articles.json", hcAPI, sec), `{"article":{"title":"SSO break-glass account","body_markdown":"Ask **on-call**.","visibility":"internal","draft":false}}`)
		if r.code != 201 {
			t.Fatal(r.code, r.body)
		}
		internal := idOf(m, "article")
		// Customers: read public, not internal; no writes.
		if r, _ := e.api(people.RoleEndUser, "GET", fmt.Sprintf("%s/articles/%d.json", hcAPI, id), ""); r.code != 200 {
			t.Fatalf("customer read: %d", r.code)
		}
		if r, _ := e.api(people.RoleEndUser, "GET", fmt.Sprintf("%s/articles/%d.json", hcAPI, internal), ""); r.code != 404 {
			t.Fatalf("customer read internal: %d", r.code)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("%s/articles/%d.json", hcAPI, internal), nil); r.code != 404 {
			t.Fatalf("anonymous read internal: %d", r.code)
		}
		if r, _ := e.api(people.RoleEndUser, "POST", fmt.Sprintf("%s/sections/%d/articles.json", hcAPI, sec), `{"article":{"title":"x","body":"y"}}`); r.code != 403 {
			t.Fatalf("customer create: %d", r.code)
		}
		if r, _ := e.api(people.RoleEndUser, "PUT", fmt.Sprintf("%s/articles/%d.json", hcAPI, id), `{"article":{"title":"pwned"}}`); r.code != 403 {
			t.Fatalf("customer update: %d", r.code)
		}
		_, m = e.api(people.RoleEndUser, "GET", hcAPI+"/articles/search.json?query=sso", "")
		if n := len(items(m, "results")); n != 1 {
			t.Fatalf("customer search sso: %d results %v", n, m)
		}
		_, m = e.api("agent", "GET", hcAPI+"/articles/search.json?query=sso", "")
		if n := len(items(m, "results")); n != 2 {
			t.Fatalf("agent search sso: %d results", n)
		}
		// Votes.
		if r, m := e.api(people.RoleEndUser, "POST", fmt.Sprintf("%s/articles/%d/up.json", hcAPI, id), ""); r.code != 200 || num(m["vote"].(map[string]any)["value"]) != 1 {
			t.Fatalf("vote: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", fmt.Sprintf("%s/articles/%d/up.json", hcAPI, id), nil); r.code != 401 {
			t.Fatalf("anonymous vote: %d", r.code)
		}
		_, m = e.api("agent", "GET", fmt.Sprintf("%s/articles/%d.json", hcAPI, id), "")
		if num(m["article"].(map[string]any)["vote_sum"]) != 1 {
			t.Fatalf("vote_sum %v", m)
		}
		// Update keeps a revision; a ticket link shows on the article.
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("%s/articles/%d.json", hcAPI, id), `{"article":{"title":"Configure SAML single sign-on with Okta"}}`); r.code != 200 {
			t.Fatalf("update: %d %s", r.code, r.body)
		}
		_, m = e.api("agent", "GET", fmt.Sprintf("%s/articles/%d/revisions.json", hcAPI, id), "")
		if len(items(m, "revisions")) != 2 {
			t.Fatalf("revisions %v", m)
		}
		if r, _ := e.api("agent", "POST", fmt.Sprintf("%s/articles/%d/tickets.json", hcAPI, id), `{"link":{"ticket_id":999999}}`); r.code != 422 {
			t.Fatalf("link to no ticket: %d", r.code)
		}
		// Unknown parameters and unknown side-loads are refused.
		if r, _ := e.api("agent", "GET", hcAPI+"/articles.json?x=1", ""); r.code != 400 {
			t.Fatalf("x=1: %d", r.code)
		}
		if r, _ := e.api("agent", "GET", hcAPI+"/articles.json?include=translations", ""); r.code != 400 {
			t.Fatalf("include=translations: %d", r.code)
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("%s/sections/%d.json", hcAPI, sec), ""); r.code != 409 {
			t.Fatalf("delete a section with articles: %d", r.code)
		}
	})
}

func hcGets(prefix string, qs ...string) []leakReq {
	var out []leakReq
	for _, q := range qs {
		out = append(out, leakReq{method: "GET", path: prefix + url.QueryEscape(q)})
	}
	return out
}

// commentWrites are a customer's comment writes on each article.
func commentWrites(method, format, body string, arts []int64) []leakReq {
	var out []leakReq
	for _, id := range arts {
		out = append(out, leakReq{method: method, path: fmt.Sprintf(format, id), body: body, basic: true})
	}
	return out
}

// hcCommentForms are the article page's comment forms posted on each article.
func hcCommentForms(format string, arts []int64) []leakReq {
	var out []leakReq
	for _, id := range arts {
		out = append(out, leakReq{method: "POST", path: fmt.Sprintf(format, id), body: "body=me+too", form: true})
	}
	return out
}

// TestKBSearchPagesAsZendeskGuide: article search gives 25 results a page
// unless per_page says (Zendesk Guide's default; the desk's lists give 100),
// with page_count and next_page to match, and refuses cursor paging and
// per_page beyond 100.
func TestKBSearchPagesAsZendeskGuide(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cat, err := e.srv.KB.CreateCategory(ctx, audit.System(), kb.CategoryInput{Name: ptrTo("Quotas")})
		if err != nil {
			t.Fatal(err)
		}
		sec, err := e.srv.KB.CreateSection(ctx, audit.System(), cat.ID, kb.SectionInput{Name: ptrTo("Storage")})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if _, err := e.srv.KB.CreateArticle(ctx, audit.System(), sec.ID, kb.ArticleInput{Title: ptrTo(fmt.Sprintf("Storage quota %d", i)),
				BodyMarkdown: ptrTo("Raise the zorbquota of a project."), Draft: ptrTo(false)}); err != nil {
				t.Fatal(err)
			}
		}
		get := func(query string) (int, map[string]any) {
			r := e.do(nil, "GET", hcAPI+"/articles/search.json?"+query, nil)
			var m map[string]any
			_ = json.Unmarshal([]byte(r.body), &m)
			return r.code, m
		}
		code, m := get("query=zorbquota")
		if code != 200 || len(m["results"].([]any)) != 25 || num(m["count"]) != 30 || num(m["per_page"]) != 25 || num(m["page_count"]) != 2 {
			t.Fatalf("first page: %d results=%d count=%v per_page=%v page_count=%v", code, len(m["results"].([]any)), m["count"], m["per_page"], m["page_count"])
		}
		next, _ := m["next_page"].(string)
		if !strings.Contains(next, "page=2") || !strings.Contains(next, "per_page=25") {
			t.Fatalf("next_page %q", next)
		}
		if code, m = get("query=zorbquota&page=2"); code != 200 || len(m["results"].([]any)) != 5 || m["next_page"] != nil {
			t.Fatalf("second page: %d %v", code, m)
		}
		if code, m = get("query=zorbquota&per_page=100"); code != 200 || len(m["results"].([]any)) != 30 || num(m["page_count"]) != 1 {
			t.Fatalf("per_page=100: %d %v", code, m["page_count"])
		}
		for _, bad := range []string{"query=zorbquota&per_page=101", "query=zorbquota&per_page=0", "query=zorbquota&page[size]=10"} {
			if code, _ := get(bad); code != 400 {
				t.Errorf("%s: %d, want 400", bad, code)
			}
		}
	})
}
