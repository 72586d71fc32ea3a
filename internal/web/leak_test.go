package web

// Internal data must never reach a customer. leakWorld plants unique
// markers in everything that is internal (internal notes and their
// attachments, an internal first comment, the author of internal notes,
// agent-only ticket and user fields, group and organization internals);
// the tests below read every surface a customer can reach and prove that no
// marker comes back.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

// leakMarkers are planted only in internal data; no customer response may
// contain one (compared case-insensitively).
func leakMarkers() []string {
	return []string{
		"zqfirstnote",   // the internal first comment of ticket A
		"zqnotebody",    // internal notes on A, B and C
		"zqattname",     // an internal note's attachment name
		"zqattcontent",  // ... and its content
		"zqtagmark",     // ticket tags
		"zqextmark",     // ticket external id
		"zqcfmark",      // a custom field value
		"zqivanname",    // the agent who wrote only internal notes
		"zqivanmail",    // ... and his email
		"zqgroupname",   // the tickets' group
		"zqorgnotes",    // the organization's notes and details
		"zqusernotes",   // the customer's user notes, details and tags (agent-only)
		"zqforeign",     // another customer's ticket (not internal, but not theirs)
		"zqpendingnote", // an internal note added while a customer looks
		"zqkbinternal",  // internal, internal-section and draft Help Center articles
	}
}

// leakWorld is the planted help desk.
type leakWorld struct {
	e                  *env
	srv                *Server
	ts                 *httptest.Server
	carol              *people.User // the customer under test: org member, requester of A, CC on C
	dave               *people.User // her colleague, requester of B (shared through the organization)
	ivan               *people.User // agent who writes only internal notes
	agent              *people.User
	org                *people.Organization
	a, b, c, d, solved *ticket.Ticket // d: a stranger's ticket; solved: carol's, rated
	internalAtt        int64          // attachment of an internal note on C (C has no public attachment)
	publicAtt          int64          // attachment of a public reply on A
	carolToken         int64          // an API token of carol's
	firstPublicReply   string         // A's first public comment: what carol sees as its description
	kb                 kbLeakIDs      // the planted Help Center (kb_leak_test.go)
}

func plantLeaks(t *testing.T, e *env) *leakWorld {
	t.Helper()
	ctx := context.Background()
	sys := audit.System()
	al := audit.New(e.srv.DB)
	s := func(v string) *string { return &v }
	b := func(v bool) *bool { return &v }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &leakWorld{e: e, agent: e.users[people.RoleAgent], firstPublicReply: "We raised your quota, see the settings page."}
	var err error
	grp, err := e.ppl.CreateGroup(ctx, sys, people.GroupInput{Name: s("Zqgroupname Escalations"), Description: s("zqgroupname")})
	must(err)
	w.org, err = e.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: s("Acme Rockets"), Notes: s("zqorgnotes churn risk"),
		Details: s("zqorgnotes details"), SharedTickets: b(true), SharedComments: b(false), Tags: &[]string{"zqorgnotes"}})
	must(err)
	user := func(name, email, role string, org *int64, notes bool) *people.User {
		in := people.UserInput{Name: s(name), Email: s(email), Role: s(role), OrganizationID: org}
		if notes {
			in.Notes, in.Details, in.Tags = s("zqusernotes difficult"), s("zqusernotes details"), &[]string{"zqusernotes"}
		}
		u, err := e.ppl.CreateUser(ctx, sys, in)
		must(err)
		must(e.auth.SetPassword(ctx, sys, u.ID, pw))
		return u
	}
	w.carol = user("Carol Customer", "carol@example.com", people.RoleEndUser, &w.org.ID, true)
	w.dave = user("Dave Colleague", "dave@example.com", people.RoleEndUser, &w.org.ID, false)
	stranger := user("Sam Stranger", "sam@example.com", people.RoleEndUser, nil, false)
	w.ivan = user("Zqivanname Internal", "zqivanmail@example.com", people.RoleAgent, nil, false)
	ivan := ticket.Actor{UserID: w.ivan.ID, Role: "agent"}
	agent := ticket.Actor{UserID: w.agent.ID, Role: "agent"}
	internal := b(false)
	note := func(tk *ticket.Ticket, body string, uploads ...string) {
		t.Helper()
		_, _, err := e.tickets.Update(ctx, ivan, tk.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: body, Public: internal, Uploads: uploads}})
		must(err)
	}
	upload := func(actor ticket.Actor, name, content string) *ticket.Attachment {
		a, err := e.tickets.SaveUpload(ctx, actor, name, "text/plain", strings.NewReader(content))
		must(err)
		return a
	}
	// A: carol's, opened by ivan with an internal note, agent-only fields set.
	w.a, _, err = e.tickets.Create(ctx, ivan, ticket.CreateInput{
		Subject: "Quota raise", RequesterID: w.carol.ID, GroupID: &grp.ID, Tags: []string{"zqtagmark"}, ExternalID: s("zqextmark"),
		CustomFields: []ticket.CustomField{{ID: 7, Value: "zqcfmark"}}, Priority: s("high"),
		Comment: ticket.CommentInput{Body: "zqfirstnote this customer is on a watch list", Public: internal},
	})
	must(err)
	pub := upload(agent, "settings.txt", "public settings")
	w.publicAtt = pub.ID
	_, _, err = e.tickets.Update(ctx, agent, w.a.ID, ticket.UpdateInput{AssigneeID: &w.agent.ID,
		Comment: &ticket.CommentInput{Body: w.firstPublicReply, Uploads: []string{pub.Token}}})
	must(err)
	note(w.a, "zqnotebody second thoughts")
	// B: dave's, shared with carol through the organization.
	w.b, _, err = e.tickets.Create(ctx, ticket.Actor{UserID: w.dave.ID, Role: "end-user"}, ticket.CreateInput{
		Subject: "Launch window", Comment: ticket.CommentInput{Body: "When is the next launch window?"}})
	must(err)
	_, _, err = e.tickets.Update(ctx, agent, w.b.ID, ticket.UpdateInput{GroupID: &grp.ID, AssigneeID: &w.ivan.ID, Tags: &[]string{"zqtagmark"}})
	must(err)
	note(w.b, "zqnotebody on the shared ticket")
	// C: a stranger's, carol CC'd; its only attachment is internal.
	w.c, _, err = e.tickets.Create(ctx, agent, ticket.CreateInput{Subject: "Fuel order", RequesterID: stranger.ID,
		CollaboratorIDs: []int64{w.carol.ID}, Comment: ticket.CommentInput{Body: "Ordering fuel for the launch."}})
	must(err)
	att := upload(ivan, "zqattname.txt", "zqattcontent")
	w.internalAtt = att.ID
	note(w.c, "zqnotebody see the attached", att.Token)
	// D: the stranger's alone.
	w.d, _, err = e.tickets.Create(ctx, ticket.Actor{UserID: stranger.ID, Role: "end-user"}, ticket.CreateInput{
		Subject: "zqforeign subject", Comment: ticket.CommentInput{Body: "zqforeign body"}})
	must(err)
	// E: carol's, solved and rated, with an internal note.
	w.solved, _, err = e.tickets.Create(ctx, ticket.Actor{UserID: w.carol.ID, Role: "end-user"}, ticket.CreateInput{
		Subject: "Old question", Comment: ticket.CommentInput{Body: "How do I reset the counter?"}})
	must(err)
	note(w.solved, "zqnotebody before solving")
	_, _, err = e.tickets.Update(ctx, agent, w.solved.ID, ticket.UpdateInput{Status: s("solved"), Comment: &ticket.CommentInput{Body: "Press reset."}})
	must(err)
	_, err = satisfaction.NewStore(e.srv.DB, al).Rate(ctx, audit.Actor{ID: w.carol.ID, Role: people.RoleEndUser}, w.solved.ID, satisfaction.Input{Score: "good", Comment: "thanks"})
	must(err)
	_, tok, err := e.auth.CreateAPIToken(ctx, sys, w.carol.ID, "script")
	must(err)
	w.carolToken = tok.ID

	// The server with every module, as the application wires it.
	rs := rulestore.New(e.srv.DB, e.tickets, al, nil, rulestore.Options{})
	slas := sla.NewService(sla.NewStore(e.srv.DB, al), sla.Options{})
	w.srv, err = New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, Search: search.New(e.srv.DB),
		Rules: rs, SLAService: slas, SLA: slaBadges{svc: slas, now: e.clk.Now}, Views: RulesViews(rs), Macros: RulesMacros(rs), Version: "test"})
	must(err)
	w.ts = httptest.NewServer(w.srv)
	t.Cleanup(w.ts.Close)
	w.kb = plantKBLeaks(t, e)
	return w
}

// leakReq is one request a customer makes.
type leakReq struct {
	method, path, body string
	form               bool // a browser form post (session cookie and CSRF token)
	basic              bool // HTTP Basic auth instead of the browser session
}

// leakCheck is the outcome of one customer request.
type leakCheck struct {
	req  leakReq
	code int
	hdr  http.Header
	body string
}

// customer makes requests as carol: API requests with Basic auth, pages
// and form posts with a browser session.
type customer struct {
	w       *leakWorld
	browser *http.Client
	csrf    string
}

func (w *leakWorld) customer(t *testing.T, u *people.User) *customer {
	t.Helper()
	e := *w.e
	e.ts = w.ts
	c := signIn(t, &e, u.Email)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &customer{w: w, browser: c, csrf: e.csrf(c, "/portal")}
}

func (c *customer) do(t *testing.T, r leakReq, email string) leakCheck {
	t.Helper()
	e := *c.w.e
	e.ts = c.w.ts
	var out resp
	switch {
	case r.form:
		body := r.body
		if body != "" {
			body += "&"
		}
		out = e.do(c.browser, r.method, r.path, strings.NewReader(body+"csrf_token="+url.QueryEscape(c.csrf)), formCT...)
	case r.basic || strings.HasPrefix(r.path, "/api/") || strings.HasPrefix(r.path, "/attachments/"):
		hdr := append(basic(email, pw), "Content-Type", "application/json")
		out = e.do(nil, r.method, r.path, strings.NewReader(r.body), hdr...)
	default:
		out = e.do(c.browser, r.method, r.path, strings.NewReader(r.body))
	}
	return leakCheck{req: r, code: out.code, hdr: out.hdr, body: out.body}
}

// leaked returns the markers in a response, leaving out what the request
// itself carried (a search query echoed in next_page).
func (lc leakCheck) leaked() []string {
	text := strings.ToLower(lc.body)
	for k, vs := range lc.hdr {
		text += "\n" + strings.ToLower(k+": "+strings.Join(vs, ", "))
	}
	if u, err := url.Parse(lc.req.path); err == nil {
		for _, vs := range u.Query() {
			for _, v := range vs {
				v = strings.ToLower(v)
				for _, form := range []string{v, url.QueryEscape(v), strings.ReplaceAll(url.QueryEscape(v), "+", "%20"), url.PathEscape(v)} {
					text = strings.ReplaceAll(text, strings.ToLower(form), "")
				}
			}
		}
	}
	var out []string
	for _, m := range leakMarkers() {
		if strings.Contains(text, m) {
			out = append(out, m)
		}
	}
	return out
}

// customerProbes lists, for every route a customer can reach (public or
// authenticated), the requests that exercise it with the planted data.
// TestNoCustomerSurfaceLeaksInternalData fails for a customer-reachable
// route that has no entry here.
func (w *leakWorld) customerProbes() map[string][]leakReq {
	id := func(tk *ticket.Ticket) string { return strconv.FormatInt(tk.ID, 10) }
	all := []*ticket.Ticket{w.a, w.b, w.c, w.d, w.solved}
	perTicket := func(method, format string, extra ...string) []leakReq {
		var out []leakReq
		for _, tk := range all {
			for _, x := range append([]string{""}, extra...) {
				out = append(out, leakReq{method: method, path: fmt.Sprintf(format, tk.ID) + x})
			}
		}
		return out
	}
	me := strconv.FormatInt(w.carol.ID, 10)
	ids := id(w.a) + "," + id(w.b) + "," + id(w.c) + "," + id(w.d) + "," + id(w.solved)
	att := func(aid int64, name string) []leakReq {
		return []leakReq{{method: "GET", path: fmt.Sprintf("/api/v2/attachments/%d", aid)}, {method: "GET", path: fmt.Sprintf("/attachments/%d/%s", aid, name)}}
	}
	var searches, counts []leakReq
	for _, q := range w.searchProbeQueries() {
		v := url.Values{"query": {q}}.Encode()
		searches = append(searches, leakReq{method: "GET", path: "/api/v2/search.json?" + v}, leakReq{method: "GET", path: "/api/v2/search.json?per_page=1&" + v})
		counts = append(counts, leakReq{method: "GET", path: "/api/v2/search/count.json?" + v})
	}
	pageEach := func(format string) []leakReq {
		return perTicket("GET", format, "?sort_order=desc", "?page[size]=1", "?per_page=1&page=2")
	}
	probes := map[string][]leakReq{
		"GET /healthz": {{method: "GET", path: "/healthz"}},
		// The incident area (ui_incidents.go, api_incidents.go): the public
		// status page and feed, the acknowledge link, the Events API (a
		// routing key is its credential), the emergency form.
		"GET /status":                       {{method: "GET", path: "/status"}},
		"GET /status.json":                  {{method: "GET", path: "/status.json"}},
		"GET /incidents/ack":                {{method: "GET", path: "/incidents/ack?token=forged"}},
		"POST /incidents/ack":               {{method: "POST", path: "/incidents/ack", body: "token=forged", form: true}},
		"POST /pagerduty/v2/enqueue":        {{method: "POST", path: "/pagerduty/v2/enqueue", body: `{"routing_key":"0123456789abcdef0123456789abcdef","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"info"}}`}},
		"GET /portal/emergency":             {{method: "GET", path: "/portal/emergency"}},
		"POST /portal/emergency":            {{method: "POST", path: "/portal/emergency", body: "subject=down&description=all", form: true}},
		"GET /readyz":                       {{method: "GET", path: "/readyz"}},
		"GET /metrics":                      {{method: "GET", path: "/metrics"}},
		"GET /static/":                      {{method: "GET", path: "/static/app.css"}, {method: "GET", path: "/static/htmx.min.js"}},
		"GET /login":                        {{method: "GET", path: "/login"}},
		"POST /login":                       {{method: "POST", path: "/login", body: "email=carol%40example.com&password=wrong"}},
		"POST /logout":                      {{method: "POST", path: "/logout", basic: true}}, // no browser session to end
		"GET /{$}":                          {{method: "GET", path: "/"}},
		"GET /api/v2/openapi":               {{method: "GET", path: "/api/v2/openapi.json"}},
		"/api/":                             {{method: "GET", path: "/api/v2/no_such_thing.json"}},
		"/pagerduty/":                       {{method: "GET", path: "/pagerduty/no_such_thing"}},
		"GET /oncall/ical/{token}":          {{method: "GET", path: "/oncall/ical/not-a-token.ics"}},
		"GET /settings/tokens":              {{method: "GET", path: "/settings/tokens"}},
		"POST /settings/tokens":             {{method: "POST", path: "/settings/tokens", body: "description=ci", form: true}},
		"POST /settings/tokens/{id}/revoke": {{method: "POST", path: fmt.Sprintf("/settings/tokens/%d/revoke", w.carolToken), form: true}},
		"GET /settings/password":            {{method: "GET", path: "/settings/password"}},
		"POST /settings/password":           {{method: "POST", path: "/settings/password", body: "previous_password=&password=short", form: true}},
		"POST /settings/sessions/{sid}/end": {{method: "POST", path: "/settings/sessions/0123456789abcdef/end", form: true}},
		"GET /password/forgot":              {{method: "GET", path: "/password/forgot"}},
		"POST /password/forgot":             {{method: "POST", path: "/password/forgot", body: "email=ivan%40example.com", form: true}},
		"GET /password/set":                 {{method: "GET", path: "/password/set?token=guessed"}},
		"POST /password/set":                {{method: "POST", path: "/password/set", body: "token=guessed&password=another+long+password", form: true}},
		"POST /admin/users/{id}/password-link": {{method: "POST", path: "/admin/users/" + me + "/password-link", form: true},
			{method: "POST", path: fmt.Sprintf("/admin/users/%d/password-link", w.ivan.ID), form: true}},
		"PUT /api/v2/users/{id}/password": {{method: "PUT", path: "/api/v2/users/" + me + "/password.json", body: `{"previous_password":"wrong guess here","password":"another long password"}`},
			{method: "PUT", path: fmt.Sprintf("/api/v2/users/%d/password.json", w.ivan.ID), body: `{"previous_password":"x","password":"another long password"}`}},
		"GET /api/v2/users/me":              {{method: "GET", path: "/api/v2/users/me.json"}},
		"GET /api/v2/users/{id}":            {{method: "GET", path: "/api/v2/users/" + me + ".json"}, {method: "GET", path: fmt.Sprintf("/api/v2/users/%d.json", w.ivan.ID)}},
		"GET /api/v2/search":                searches,
		"GET /api/v2/search/count":          counts,
		"GET /api/v2/tickets/{id}/metrics":  perTicket("GET", "/api/v2/tickets/%d/metrics.json"),
		"GET /api/v2/tickets/show_many":     {{method: "GET", path: "/api/v2/tickets/show_many.json?ids=" + ids}},
		"GET /api/v2/tickets/{id}":          perTicket("GET", "/api/v2/tickets/%d.json"),
		"GET /api/v2/tickets/{id}/comments": pageEach("/api/v2/tickets/%d/comments.json"),
		"GET /api/v2/users/{id}/tickets/requested": {
			{method: "GET", path: "/api/v2/users/" + me + "/tickets/requested.json"}, {method: "GET", path: "/api/v2/users/" + me + "/tickets/requested.json?page[size]=1"},
			{method: "GET", path: "/api/v2/users/" + me + "/tickets/requested.json?sort_by=updated_at&sort_order=desc"},
			{method: "GET", path: fmt.Sprintf("/api/v2/users/%d/tickets/requested.json", w.dave.ID)},
		},
		"GET /api/v2/users/{id}/tickets/ccd":           {{method: "GET", path: "/api/v2/users/" + me + "/tickets/ccd.json"}},
		"POST /api/v2/uploads":                         {{method: "POST", path: "/api/v2/uploads.json?filename=mine.txt", body: "my own file"}},
		"GET /api/v2/attachments/{id}":                 append(att(w.internalAtt, "zqattname.txt"), att(w.publicAtt, "settings.txt")[0]),
		"GET /attachments/{id}/{name}":                 append(att(w.internalAtt, "zqattname.txt")[1:], att(w.publicAtt, "settings.txt")[1], att(w.kb.rawInternal, "x.txt")[1]),
		"GET /thumbnails/{id}":                         {{method: "GET", path: fmt.Sprintf("/thumbnails/%d", w.internalAtt)}, {method: "GET", path: fmt.Sprintf("/thumbnails/%d", w.publicAtt)}},
		"GET /api/v2/tickets/{id}/satisfaction_rating": perTicket("GET", "/api/v2/tickets/%d/satisfaction_rating.json"),
		"POST /api/v2/tickets/{id}/satisfaction_rating": {
			{method: "POST", path: "/api/v2/tickets/" + id(w.solved) + "/satisfaction_rating.json", body: `{"satisfaction_rating":{"score":"bad","comment":"slow"}}`},
			{method: "POST", path: "/api/v2/tickets/" + id(w.a) + "/satisfaction_rating.json", body: `{"satisfaction_rating":{"score":"good"}}`},
		},
		"GET /portal": {
			{method: "GET", path: "/portal"}, {method: "GET", path: "/portal?scope=org"}, {method: "GET", path: "/portal?status=open"},
			{method: "GET", path: "/portal?scope=org&status=solved"},
		},
		"GET /portal/new":                  {{method: "GET", path: "/portal/new"}},
		"POST /portal/tickets":             {{method: "POST", path: "/portal/tickets", body: "subject=New+one&body=Hello", form: true}},
		"GET /portal/tickets/{id}":         perTicket("GET", "/portal/tickets/%d"),
		"POST /portal/tickets/{id}/reply":  w.formEach("/portal/tickets/%d/reply", "body=More+details"),
		"POST /portal/tickets/{id}/rating": w.formEach("/portal/tickets/%d/rating", "score=good&comment=ok"),
		"POST /portal/tickets/{id}/follow": append(w.formEach("/portal/tickets/%d/follow", "follow=1"), w.formEach("/portal/tickets/%d/follow", "follow=0")...),
		// Zendesk compatibility (api_zendesk.go).
		"GET /api/v2/ticket_forms":      {{method: "GET", path: "/api/v2/ticket_forms.json"}},
		"GET /api/v2/ticket_forms/{id}": {{method: "GET", path: "/api/v2/ticket_forms/1.json"}},
		"GET /api/v2/users/{id}/identities": {{method: "GET", path: "/api/v2/users/" + me + "/identities.json"},
			{method: "GET", path: fmt.Sprintf("/api/v2/users/%d/identities.json", w.ivan.ID)}},
		"GET /api/v2/users/{id}/identities/{iid}": {{method: "GET", path: "/api/v2/users/" + me + "/identities/1.json"},
			{method: "GET", path: fmt.Sprintf("/api/v2/users/%d/identities/1.json", w.ivan.ID)}},
		"GET /api/v2/requests":               {{method: "GET", path: "/api/v2/requests.json"}, {method: "GET", path: "/api/v2/requests.json?page[size]=1"}, {method: "GET", path: "/api/v2/requests.json?status=open,solved"}},
		"GET /api/v2/requests/{id}":          perTicket("GET", "/api/v2/requests/%d.json"),
		"GET /api/v2/requests/{id}/comments": pageEach("/api/v2/requests/%d/comments.json"),
		"POST /api/v2/requests":              {{method: "POST", path: "/api/v2/requests.json", body: `{"request":{"subject":"From the API","comment":{"body":"Hello"}}}`}},
		"PUT /api/v2/requests/{id}":          w.jsonEach("PUT", "/api/v2/requests/%d.json", `{"request":{"comment":{"body":"More"}}}`),
	}
	maps.Copy(probes, w.kbProbes())
	return probes
}

func (w *leakWorld) jsonEach(method, format, body string) []leakReq {
	var out []leakReq
	for _, tk := range []*ticket.Ticket{w.a, w.b, w.c, w.d, w.solved} {
		out = append(out, leakReq{method: method, path: fmt.Sprintf(format, tk.ID), body: body})
	}
	return out
}

func (w *leakWorld) formEach(format, body string) []leakReq {
	var out []leakReq
	for _, tk := range []*ticket.Ticket{w.a, w.b, w.c, w.d, w.solved} {
		out = append(out, leakReq{method: "POST", path: fmt.Sprintf(format, tk.ID), body: body, form: true})
	}
	return out
}

// searchProbe is a customer search that internal data could decide: the
// listed tickets must not be among its results (or the term is refused).
type searchProbe struct {
	q       string
	notHits []*ticket.Ticket
	hits    []*ticket.Ticket // must be found: excluding internal text must not hide a ticket
}

// searchProbes covers every ticket field of the query language (the test
// fails for a field without a probe) and free text.
func (w *leakWorld) searchProbes() map[string][]searchProbe {
	f := fmt.Sprintf
	ivan := w.ivan.ID
	all := []*ticket.Ticket{w.a, w.b, w.c, w.d, w.solved}
	visible := []*ticket.Ticket{w.a, w.b, w.c, w.solved}
	return map[string][]searchProbe{
		"status":       {{q: "status<closed", notHits: []*ticket.Ticket{w.d}}},
		"priority":     {{q: "priority>=low", notHits: []*ticket.Ticket{w.d}}},
		"ticket_type":  {{q: "-ticket_type:task", notHits: []*ticket.Ticket{w.d}}},
		"tags":         {{q: "tags:zqtagmark", notHits: all}, {q: "-tags:zqtagmark", hits: nil, notHits: []*ticket.Ticket{w.d}}},
		"assignee":     {{q: "assignee:zqivanmail@example.com", notHits: all}, {q: "assignee:zqivanname*", notHits: all}},
		"requester":    {{q: "requester:me", notHits: []*ticket.Ticket{w.b, w.c, w.d}}},
		"submitter":    {{q: f("submitter:%d", ivan), notHits: all}},
		"cc":           {{q: "cc:me", notHits: []*ticket.Ticket{w.a, w.b, w.d}}},
		"commenter":    {{q: f("commenter:%d", ivan), notHits: all}, {q: f("-commenter:%d", ivan), hits: visible}, {q: "commenter:zqivanmail@example.com", notHits: all}},
		"group":        {{q: `group:"zqgroupname escalations"`, notHits: all}, {q: "group:zqgroupname*", notHits: all}},
		"organization": {{q: f("organization:%d", w.org.ID), notHits: []*ticket.Ticket{w.d}}},
		"brand":        {{q: "brand:1", notHits: all}},
		"subject":      {{q: "subject:zqforeign", notHits: all}},
		"description":  {{q: "description:zqfirstnote", notHits: all}, {q: "-description:zqfirstnote", hits: visible}},
		"comment":      {{q: "comment:zqnotebody", notHits: all}, {q: "comment:zqfirstnote", notHits: all}, {q: "-comment:zqnotebody", hits: visible}},
		"fieldvalue":   {{q: "fieldvalue:zqcfmark", notHits: all}},
		"via":          {{q: "via:web", notHits: []*ticket.Ticket{w.d}}},
		"created":      {{q: "created>2000-01-01", notHits: []*ticket.Ticket{w.d}}},
		"updated":      {{q: "updated>2000-01-01 order_by:updated", notHits: []*ticket.Ticket{w.d}}},
		"solved":       {{q: "solved>2000-01-01", notHits: []*ticket.Ticket{w.a, w.b, w.c, w.d}}},
		"due_date":     {{q: "-due_date>2000-01-01", notHits: []*ticket.Ticket{w.d}}},
		"external_id":  {{q: "external_id:zqextmark", notHits: all}},
		"has_attachment": {{q: "has_attachment:true", notHits: []*ticket.Ticket{w.b, w.c, w.d, w.solved}},
			{q: "has_attachment:false", hits: []*ticket.Ticket{w.b, w.c, w.solved}}},
		"custom_field_<id>": {{q: "custom_field_7:zqcfmark", notHits: all}},
		"": {
			{q: "zqnotebody", notHits: all}, {q: "zqfirstnote", notHits: all}, {q: `"second thoughts"`, notHits: all},
			{q: "zqnoteb*", notHits: all}, {q: "zqforeign", notHits: all}, {q: "-zqnotebody", hits: visible},
			{q: `"watch list"`, notHits: all}, {q: "quota", hits: []*ticket.Ticket{w.a}},
		},
	}
}

func (w *leakWorld) searchProbeQueries() []string {
	var out []string
	for _, ps := range w.searchProbes() {
		for _, p := range ps {
			out = append(out, p.q)
		}
	}
	slices.Sort(out)
	return out
}

// TestNoCustomerSurfaceLeaksInternalData walks the route table as a
// customer: every route a customer can reach is exercised with the planted
// tickets (a reachable route the test does not know fails it), every other
// route refuses the customer, and no response carries a marker of internal
// data. Every search term is tried on data only internal text or agent-only
// fields could match.
func TestNoCustomerSurfaceLeaksInternalData(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantLeaks(t, e)
		carol := w.customer(t, w.carol)
		probes := w.customerProbes()
		known := map[string]bool{}
		exercised := 0
		check := func(lc leakCheck) {
			t.Helper()
			exercised++
			if lc.code >= 500 {
				t.Errorf("%s %s: %d %s", lc.req.method, lc.req.path, lc.code, lc.body)
			}
			if m := lc.leaked(); len(m) > 0 {
				t.Errorf("%s %s (%d) shows a customer %v:\n%s", lc.req.method, lc.req.path, lc.code, m, lc.body)
			}
		}
		// Search first (the route walk below changes tickets): every term,
		// as JSON results and as a count.
		sp := w.searchProbes()
		for _, field := range append(zquery.Fields(zquery.TypeTicket), "") {
			if len(sp[field]) == 0 {
				t.Errorf("search field %q has no leak probe", field)
			}
		}
		for field, ps := range sp {
			for _, p := range ps {
				v := url.Values{"query": {p.q}}.Encode()
				r := carol.do(t, leakReq{method: "GET", path: "/api/v2/search.json?" + v}, w.carol.Email)
				if r.code == http.StatusUnprocessableEntity && len(p.hits) == 0 {
					continue // refused for customers
				}
				var body struct {
					Results []struct {
						ID         int64  `json:"id"`
						ResultType string `json:"result_type"`
					} `json:"results"`
					Count int `json:"count"`
				}
				if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.code != 200 {
					t.Errorf("%s: search %q: %d %s", field, p.q, r.code, r.body)
					continue
				}
				got := map[int64]bool{}
				for _, x := range body.Results {
					got[x.ID] = x.ResultType == "ticket"
				}
				for _, tk := range p.notHits {
					if got[tk.ID] {
						t.Errorf("%s: customer search %q found ticket %q", field, p.q, tk.Subject)
					}
				}
				for _, tk := range p.hits {
					if !got[tk.ID] {
						t.Errorf("%s: customer search %q misses ticket %q (internal data decided it)", field, p.q, tk.Subject)
					}
				}
				c := carol.do(t, leakReq{method: "GET", path: "/api/v2/search/count.json?" + v}, w.carol.Email)
				if !strings.Contains(c.body, fmt.Sprintf(`"count":%d`, body.Count)) || body.Count != len(body.Results) {
					t.Errorf("%s: %q: count %s for %d results", field, p.q, c.body, len(body.Results))
				}
			}
		}

		for _, rt := range w.srv.Routes() {
			known[rt.Pattern] = true
			if rt.Policy > Authenticated {
				// Staff and admin routes refuse the customer, and say nothing.
				method, path := concretePath(rt.Pattern)
				path = strings.Replace(path, "/1", "/"+strconv.FormatInt(w.a.ID, 10), 1)
				for _, r := range []leakReq{{method: method, path: path}, {method: method, path: path, form: !strings.HasPrefix(path, "/api/")}} {
					lc := carol.do(t, r, w.carol.Email)
					if lc.code != http.StatusForbidden {
						t.Errorf("customer %s %s: %d, want 403", method, path, lc.code)
					}
					check(lc)
				}
				continue
			}
			reqs := probes[rt.Pattern]
			if len(reqs) == 0 {
				t.Errorf("route %s (%s) is reachable by customers but the leak test does not exercise it: add it to customerProbes", rt.Pattern, rt.Policy)
				continue
			}
			for _, r := range reqs {
				check(carol.do(t, r, w.carol.Email))
			}
		}
		for pattern := range probes {
			if !known[pattern] {
				t.Errorf("customerProbes names %s, which is not a route", pattern)
			}
		}

		// A note added while the customer watches reaches no surface either.
		if _, _, err := e.tickets.Update(context.Background(), ticket.Actor{UserID: w.ivan.ID, Role: "agent"}, w.a.ID,
			ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "zqpendingnote", Public: new(bool)}}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fmt.Sprintf("/api/v2/tickets/%d.json", w.a.ID), fmt.Sprintf("/api/v2/tickets/%d/comments.json", w.a.ID),
			fmt.Sprintf("/portal/tickets/%d", w.a.ID), "/api/v2/search.json?query=zqpendingnote"} {
			check(carol.do(t, leakReq{method: "GET", path: path}, w.carol.Email))
		}
		if exercised < 100 {
			t.Errorf("only %d customer requests made", exercised)
		}
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "leak test: %d customer requests over %d routes\n", exercised, len(w.srv.Routes()))
		}
	})
}

// The markers are where the test says: staff do see them (else the test
// above proves nothing).
func TestLeakMarkersArePlanted(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantLeaks(t, e)
		staff := func(path string) string {
			r := e.do(nil, "GET", path, nil, basic(e.users[people.RoleAdmin].Email, pw)...)
			return strings.ToLower(r.body)
		}
		text := staff(fmt.Sprintf("/api/v2/tickets/%d.json", w.a.ID)) + staff(fmt.Sprintf("/api/v2/tickets/%d/comments.json", w.c.ID)) +
			staff(fmt.Sprintf("/api/v2/tickets/%d/comments.json", w.a.ID)) + staff(fmt.Sprintf("/api/v2/users/%d.json", w.carol.ID)) +
			staff(fmt.Sprintf("/api/v2/users/%d.json", w.ivan.ID)) + staff(fmt.Sprintf("/api/v2/organizations/%d.json", w.org.ID)) +
			staff("/api/v2/groups.json") + staff(fmt.Sprintf("/attachments/%d/x", w.internalAtt)) + staff(fmt.Sprintf("/api/v2/tickets/%d.json", w.d.ID)) +
			staff(fmt.Sprintf("/api/v2/help_center/articles/%d.json", w.kb.internal))
		for _, m := range leakMarkers() {
			if m == "zqpendingnote" {
				continue // added by the test itself
			}
			if !strings.Contains(text, m) {
				t.Errorf("marker %s is not planted", m)
			}
		}
	})
}

// TestCustomerSeesFirstPublicCommentAsDescription: a ticket opened with an
// internal note shows customers the first public comment as its description
// ("" before there is one) on every surface that serialises tickets, and
// no agent-only field; staff still get the real description.
func TestCustomerSeesFirstPublicCommentAsDescription(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantLeaks(t, e)
		ctx := context.Background()
		quiet, _, err := e.tickets.Create(ctx, ticket.Actor{UserID: w.ivan.ID, Role: "agent"}, ticket.CreateInput{
			Subject: "Heads-up", RequesterID: w.carol.ID, Comment: ticket.CommentInput{Body: "zqfirstnote only", Public: new(bool)}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{w.a.ID: w.firstPublicReply, quiet.ID: ""}
		get := func(email, path string) string {
			t.Helper()
			r := e.do(nil, "GET", path, nil, basic(email, pw)...)
			if r.code != 200 {
				t.Fatalf("%s %s: %d %s", email, path, r.code, r.body)
			}
			return r.body
		}
		agentOnly := []string{"tags", "external_id", "custom_fields", "submitter_id", "problem_id", "has_incidents"}
		checkTickets := func(surface string, list []map[string]any) {
			t.Helper()
			seen := 0
			for _, tk := range list {
				id := int64(tk["id"].(float64))
				wd, ok := want[id]
				if !ok {
					continue
				}
				seen++
				if d, _ := tk["description"].(string); d != wd {
					t.Errorf("%s: ticket %d description %q, want %q", surface, id, d, wd)
				}
				for _, k := range agentOnly {
					if _, has := tk[k]; has {
						t.Errorf("%s: ticket %d shows the agent-only %s to its requester", surface, id, k)
					}
				}
			}
			if seen == 0 {
				t.Errorf("%s: the tickets are not there", surface)
			}
		}
		one := func(body string) []map[string]any {
			var m struct{ Ticket map[string]any }
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatal(err)
			}
			return []map[string]any{m.Ticket}
		}
		many := func(key string) func(string) []map[string]any {
			return func(body string) []map[string]any {
				var m map[string][]map[string]any
				_ = json.Unmarshal([]byte(body), &m)
				return m[key]
			}
		}
		for _, id := range []int64{w.a.ID, quiet.ID} {
			checkTickets("show", one(get(w.carol.Email, fmt.Sprintf("/api/v2/tickets/%d.json", id))))
		}
		surfaces := map[string]struct {
			path  string
			parse func(string) []map[string]any
		}{
			"show_many":       {fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d", w.a.ID, quiet.ID), many("tickets")},
			"requested":       {fmt.Sprintf("/api/v2/users/%d/tickets/requested.json", w.carol.ID), many("tickets")},
			"requested pages": {fmt.Sprintf("/api/v2/users/%d/tickets/requested.json?page[size]=10", w.carol.ID), many("tickets")},
			"search":          {"/api/v2/search.json?query=" + url.QueryEscape("requester:me"), many("results")},
		}
		for name, s := range surfaces {
			checkTickets(name, s.parse(get(w.carol.Email, s.path)))
		}
		// Staff see the internal first comment as the description.
		var st struct{ Ticket ticket.Ticket }
		_ = json.Unmarshal([]byte(get(w.agent.Email, fmt.Sprintf("/api/v2/tickets/%d.json", quiet.ID))), &st)
		if st.Ticket.Description != "zqfirstnote only" {
			t.Errorf("staff description %q", st.Ticket.Description)
		}
		if !strings.Contains(get(w.agent.Email, fmt.Sprintf("/api/v2/tickets/%d.json", w.a.ID)), `"tags":["zqtagmark"]`) {
			t.Error("staff lost the tags")
		}
		// A CC'd customer gets the customer view too.
		ccd := many("tickets")(get(w.carol.Email, fmt.Sprintf("/api/v2/users/%d/tickets/ccd.json", w.carol.ID)))
		if len(ccd) != 1 || ccd[0]["tags"] != nil || ccd[0]["description"] != "Ordering fuel for the launch." {
			t.Errorf("ccd: %v", ccd)
		}
		// The customer's own user record hides agents' notes about them.
		me := get(w.carol.Email, "/api/v2/users/me.json")
		for _, k := range []string{`"notes"`, `"details"`, `"tags"`} {
			if strings.Contains(me, k) {
				t.Errorf("users/me shows the customer %s: %s", k, me)
			}
		}
	})
}

// TestFollowingGivesNoCommentRights: following a shared organization ticket
// (becoming a CC) is refused where the organization does not let members
// comment on each other's tickets, so following cannot open a way to reply
// (on the portal or by email, as a CC); unfollowing is always allowed.
func TestFollowingGivesNoCommentRights(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantLeaks(t, e)
		carol := w.customer(t, w.carol)
		follow := carol.do(t, leakReq{method: "POST", path: fmt.Sprintf("/portal/tickets/%d/follow", w.b.ID), body: "follow=1", form: true}, w.carol.Email)
		if follow.code != http.StatusForbidden {
			t.Errorf("follow without comment rights: %d %s", follow.code, follow.body)
		}
		if got, _ := e.tickets.Get(context.Background(), w.b.ID); got.IsCollaborator(w.carol.ID) {
			t.Fatal("carol became a CC of a ticket she may not comment on")
		}
		reply := carol.do(t, leakReq{method: "POST", path: fmt.Sprintf("/portal/tickets/%d/reply", w.b.ID), body: "body=sneaky", form: true}, w.carol.Email)
		if reply.code != http.StatusForbidden {
			t.Errorf("reply on a shared ticket without comment rights: %d", reply.code)
		}
		page := carol.do(t, leakReq{method: "GET", path: fmt.Sprintf("/portal/tickets/%d", w.b.ID)}, w.carol.Email)
		if page.code != 200 || strings.Contains(page.body, `id="follow-form"`) || strings.Contains(page.body, `id="reply-form"`) {
			t.Errorf("read-only shared ticket offers follow or reply: %d", page.code)
		}
		// Where the organization shares comments, members may follow (and reply).
		shared := true
		if _, err := e.ppl.UpdateOrganization(context.Background(), audit.System(), w.org.ID, people.OrganizationInput{SharedComments: &shared}); err != nil {
			t.Fatal(err)
		}
		page = carol.do(t, leakReq{method: "GET", path: fmt.Sprintf("/portal/tickets/%d", w.b.ID)}, w.carol.Email)
		if !strings.Contains(page.body, `id="follow-form"`) {
			t.Error("no follow button where the organization shares comments")
		}
		if r := carol.do(t, leakReq{method: "POST", path: fmt.Sprintf("/portal/tickets/%d/follow", w.b.ID), body: "follow=1", form: true}, w.carol.Email); r.code != http.StatusSeeOther {
			t.Errorf("follow with comment rights: %d %s", r.code, r.body)
		}
		shared = false
		if _, err := e.ppl.UpdateOrganization(context.Background(), audit.System(), w.org.ID, people.OrganizationInput{SharedComments: &shared}); err != nil {
			t.Fatal(err)
		}
		if r := carol.do(t, leakReq{method: "POST", path: fmt.Sprintf("/portal/tickets/%d/follow", w.b.ID), body: "follow=0", form: true}, w.carol.Email); r.code != http.StatusSeeOther {
			t.Errorf("unfollow: %d %s", r.code, r.body)
		}
		if got, _ := e.tickets.Get(context.Background(), w.b.ID); got.IsCollaborator(w.carol.ID) {
			t.Error("unfollow left carol CC'd")
		}
	})
}

// TestPortalRoutesAreDocumentedAndGuarded: every portal route is in the
// README's HTTP surface table, and every portal route on a ticket answers
// 404 to a customer who may not see the ticket (ids do not leak).
func TestPortalRoutesAreDocumentedAndGuarded(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var table []string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `") {
			table = append(table, line)
		}
	}
	code := regexp.MustCompile("`([^`]+)`")
	documented := func(method, path string) bool {
		for _, line := range table {
			first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
			for _, cell := range code.FindAllStringSubmatch(first, -1) {
				m, p, ok := strings.Cut(cell[1], " ")
				if !ok {
					continue
				}
				p, _, _ = strings.Cut(p, "[?")
				if p == path && slices.Contains(strings.Split(m, "/"), method) {
					return true
				}
			}
		}
		return false
	}
	each(t, func(t *testing.T, e *env) {
		w := plantLeaks(t, e)
		carol := w.customer(t, w.carol)
		portal := 0
		for _, rt := range w.srv.Routes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			if !strings.HasPrefix(path, "/portal") {
				continue
			}
			portal++
			if !documented(method, path) {
				t.Errorf("portal route %s is not in README's HTTP surface table", rt.Pattern)
			}
			if rt.Policy != Authenticated {
				t.Errorf("portal route %s has policy %s", rt.Pattern, rt.Policy)
			}
			if strings.Contains(path, "{id}") {
				r := leakReq{method: method, path: strings.Replace(path, "{id}", strconv.FormatInt(w.d.ID, 10), 1), form: method == "POST", body: "follow=1&score=good&body=x"}
				if lc := carol.do(t, r, w.carol.Email); lc.code != http.StatusNotFound {
					t.Errorf("%s on a ticket she may not see: %d, want 404", rt.Pattern, lc.code)
				}
			}
		}
		if portal < 7 {
			t.Errorf("only %d portal routes", portal)
		}
	})
}
