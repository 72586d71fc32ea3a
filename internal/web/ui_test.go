package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

var formCT = []string{"Content-Type", "application/x-www-form-urlencoded"}

func (e *env) csrf(c *http.Client, path string) string {
	e.t.Helper()
	m := csrfRe.FindStringSubmatch(e.do(c, "GET", path, nil).body)
	if m == nil {
		e.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (e *env) customerTicket(requester *people.User, subject, body string) *ticket.Ticket {
	e.t.Helper()
	tk, _, err := e.tickets.Create(context.Background(), ticket.Actor{UserID: requester.ID, Role: requester.Role},
		ticket.CreateInput{Subject: subject, Comment: ticket.CommentInput{Body: body}})
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

func TestUIEscapingAndCustomerIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		name, email, role := "Other Customer", "other@example.com", people.RoleEndUser
		other, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.auth.SetPassword(ctx, audit.System(), other.ID, pw); err != nil {
			t.Fatal(err)
		}
		tk := e.customerTicket(cust, `Broken <script>alert("x")</script>`, "hello <img src=x onerror=alert(1)>")
		internal := false
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{
			Comment: &ticket.CommentInput{Body: "secret internal remark", Public: &internal}}); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/portal/tickets/%d", tk.ID)

		// The requester sees the public conversation, escaped, without the note.
		c := signIn(t, e, cust.Email)
		r := e.do(c, "GET", path, nil)
		if r.code != 200 || !strings.Contains(r.body, "Broken &lt;script&gt;") || strings.Contains(r.body, `<script>alert`) ||
			strings.Contains(r.body, "<img") || strings.Contains(r.body, "secret internal remark") {
			t.Fatalf("portal ticket: %d %s", r.code, r.body)
		}
		// The agent sees both, the note marked internal, and escaped too.
		ac := signIn(t, e, agent.Email)
		r = e.do(ac, "GET", fmt.Sprintf("/agent/tickets/%d", tk.ID), nil)
		if r.code != 200 || !strings.Contains(r.body, "secret internal remark") || !strings.Contains(r.body, `class="comment internal"`) ||
			strings.Contains(r.body, `<script>alert`) || strings.Contains(r.body, "<img") {
			t.Fatalf("agent ticket: %d %s", r.code, r.body)
		}
		if r := e.do(ac, "GET", "/agent/tickets?view=all", nil); !strings.Contains(r.body, "Broken &lt;script&gt;") || strings.Contains(r.body, `<script>alert`) {
			t.Fatalf("agent list not escaped: %s", r.body)
		}
		if csp := r.hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}

		// Someone else gets a 404 for the ticket and cannot reply, rate or list it.
		oc := signIn(t, e, other.Email)
		if r := e.do(oc, "GET", path, nil); r.code != 404 {
			t.Fatalf("other customer sees ticket: %d", r.code)
		}
		tok := e.csrf(oc, "/portal")
		if r := e.do(oc, "POST", path+"/reply", strings.NewReader("body=hi&csrf_token="+tok), formCT...); r.code != 404 {
			t.Fatalf("other customer replied: %d", r.code)
		}
		if r := e.do(oc, "GET", "/portal", nil); strings.Contains(r.body, "Broken") || !strings.Contains(r.body, "You have no requests") {
			t.Fatalf("other customer's list: %s", r.body)
		}
		// Customers are kept out of the agent workspace and admin.
		for _, p := range []string{"/agent/tickets", fmt.Sprintf("/agent/tickets/%d", tk.ID), "/admin/users"} {
			if r := e.do(c, "GET", p, nil); r.code != 403 {
				t.Errorf("customer GET %s: %d", p, r.code)
			}
		}
		// A form post without the CSRF token is refused and changes nothing.
		if r := e.do(c, "POST", path+"/reply", strings.NewReader("body=forged"), formCT...); r.code != 403 {
			t.Fatalf("reply without CSRF: %d", r.code)
		}
		if n, _ := e.tickets.CountComments(ctx, tk.ID, false); n != 2 {
			t.Fatalf("comments after refused posts: %d", n)
		}
		// An empty reply is a 422 with the message, nothing saved.
		tok = e.csrf(c, path)
		if r := e.do(c, "POST", path+"/reply", strings.NewReader("body=+&csrf_token="+tok), formCT...); r.code != 422 || !strings.Contains(r.body, "Comment: can&#39;t be blank") {
			t.Fatalf("empty reply: %d %s", r.code, r.body)
		}
		// Rating before the ticket is solved is refused with a message.
		if r := e.do(c, "POST", path+"/rating", strings.NewReader("score=good&csrf_token="+tok), formCT...); r.code != 422 {
			t.Fatalf("early rating: %d %s", r.code, r.body)
		}
	})
}

func TestUIAgentListPagesSortsAndUpdates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		var last *ticket.Ticket
		for i := 1; i <= 30; i++ {
			last = e.customerTicket(cust, fmt.Sprintf("Question number %02d", i), "body")
			e.clk.Advance(time.Second)
		}
		ac := signIn(t, e, agent.Email)
		r := e.do(ac, "GET", "/agent/tickets?view=all&sort=id&dir=asc", nil)
		if r.code != 200 || strings.Count(r.body, `<tr data-href=`) != 25 || !strings.Contains(r.body, "Page 1 of 2 · 30 in all") ||
			!strings.Contains(r.body, "Question number 01") || strings.Contains(r.body, "Question number 26") {
			t.Fatalf("page 1: %d %s", r.code, r.body)
		}
		r = e.do(ac, "GET", "/agent/tickets?view=all&sort=id&dir=asc&page=2", nil)
		if strings.Count(r.body, `<tr data-href=`) != 5 || !strings.Contains(r.body, "Question number 30") || !strings.Contains(r.body, `rel="prev"`) {
			t.Fatalf("page 2: %s", r.body)
		}
		r = e.do(ac, "GET", "/agent/tickets?view=all", nil) // updated, newest first
		if i, j := strings.Index(r.body, "Question number 30"), strings.Index(r.body, "Question number 29"); i < 0 || j < 0 || i > j {
			t.Fatalf("default sort is not newest first")
		}
		for _, bad := range []string{"/agent/tickets?sort=bogus", "/agent/tickets?page=0", "/agent/tickets?view=nope"} {
			if r := e.do(ac, "GET", bad, nil); r.code != 400 && r.code != 404 {
				t.Errorf("%s: %d", bad, r.code)
			}
		}
		if r := e.do(ac, "GET", "/agent/tickets?view=mine", nil); !strings.Contains(r.body, "Nothing is assigned to you") {
			t.Fatalf("empty state: %s", r.body)
		}

		// The update form: assign to me, priority, tags and an internal note
		// in one audited change.
		path := fmt.Sprintf("/agent/tickets/%d", last.ID)
		page := e.do(ac, "GET", path, nil).body
		tok := csrfRe.FindStringSubmatch(page)[1]
		stamp := strings.Split(strings.Split(page, `name="updated_stamp" value="`)[1], `"`)[0]
		form := url.Values{"csrf_token": {tok}, "updated_stamp": {stamp}, "assignee_id": {fmt.Sprint(agent.ID)}, "group_id": {"0"},
			"status": {"open"}, "priority": {"urgent"}, "type": {"incident"}, "tags": {"vip, outage"}, "mode": {"internal"}, "body": {"**escalated** to eng"}}
		nr := &http.Client{Jar: ac.Jar, CheckRedirect: noRedirect().CheckRedirect}
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("update: %d %s", r.code, r.body)
		}
		got, _ := e.tickets.Get(ctx, last.ID)
		if got.AssigneeID == nil || *got.AssigneeID != agent.ID || *got.Priority != "urgent" || *got.Type != "incident" ||
			strings.Join(got.Tags, " ") != "outage vip" || got.Status != "open" {
			t.Fatalf("after update: %+v", got)
		}
		cs, _ := e.tickets.Comments(ctx, last.ID, ticket.Page{})
		if len(cs) != 2 || cs[1].Public || !strings.Contains(cs[1].HTMLBody, "<strong>escalated</strong>") {
			t.Fatalf("note: %+v", cs)
		}
		// Replaying the same (now stale) form is refused as a conflict.
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != 409 || !strings.Contains(r.body, "Someone else updated this ticket") {
			t.Fatalf("stale form: %d", r.code)
		}
		// An invalid status is a 422 naming it; nothing changes.
		page = e.do(ac, "GET", path, nil).body
		form.Set("updated_stamp", strings.Split(strings.Split(page, `name="updated_stamp" value="`)[1], `"`)[0])
		form.Set("status", "bogus")
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != 422 || !strings.Contains(r.body, "Status") {
			t.Fatalf("bad status: %d %s", r.code, r.body)
		}
		if n, _ := e.tickets.CountComments(ctx, last.ID, false); n != 2 {
			t.Fatalf("half-saved: %d comments", n)
		}
		if r := e.do(ac, "GET", "/agent/tickets?view=mine", nil); !strings.Contains(r.body, "Question number 30") {
			t.Fatalf("mine view: %s", r.body)
		}
	})
}

func TestUILiveStream(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.srv.ui.liveInterval = 50 * time.Millisecond
		cust, agent, admin := e.users[people.RoleEndUser], e.users[people.RoleAgent], e.users[people.RoleAdmin]
		tk := e.customerTicket(cust, "Live one", "body")
		ac := signIn(t, e, agent.Email)
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/agent/tickets/%d/live", e.ts.URL, tk.ID), nil)
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		resp, err := ac.Do(req.WithContext(sctx))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		events := make(chan string, 10)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			var ev string
			for sc.Scan() {
				line := sc.Text()
				if v, ok := strings.CutPrefix(line, "event: "); ok {
					ev = v
				}
				if v, ok := strings.CutPrefix(line, "data: "); ok {
					events <- ev + " " + v
				}
			}
			close(events)
		}()
		next := func(want string) string {
			t.Helper()
			select {
			case ev := <-events:
				if !strings.HasPrefix(ev, want+" ") {
					t.Fatalf("event %q, want %s", ev, want)
				}
				return ev
			case <-time.After(5 * time.Second):
				t.Fatalf("no %s event", want)
			}
			return ""
		}
		// The admin starts replying: the agent's stream names them.
		adc := signIn(t, e, admin.Email)
		tok := e.csrf(adc, fmt.Sprintf("/agent/tickets/%d", tk.ID))
		path := fmt.Sprintf("/agent/tickets/%d/replying", tk.ID)
		if r := e.do(adc, "POST", path, strings.NewReader("active=1&csrf_token="+tok), formCT...); r.code != 204 {
			t.Fatalf("replying: %d", r.code)
		}
		var data struct{ Names []string }
		ev := next("replying")
		if err := json.Unmarshal([]byte(strings.SplitN(ev, " ", 2)[1]), &data); err != nil || len(data.Names) != 1 || data.Names[0] != admin.Name {
			t.Fatalf("replying event %q", ev)
		}
		if r := e.do(adc, "POST", path, strings.NewReader("active=maybe&csrf_token="+tok), formCT...); r.code != 422 {
			t.Fatalf("bad active: %d", r.code)
		}
		// A change by someone else is announced.
		e.clk.Advance(time.Second)
		prio := "high"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: admin.ID, Role: "admin"}, tk.ID, ticket.UpdateInput{Priority: &prio}); err != nil {
			t.Fatal(err)
		}
		next("changed")
		// The mark expires when it is not refreshed.
		e.clk.Advance(replyingTTL + time.Second)
		ev = next("replying")
		if !strings.Contains(ev, `"names":null`) && !strings.Contains(ev, `"names":[]`) {
			t.Fatalf("expired replying event %q", ev)
		}
		// Shutting down ends the stream (a graceful shutdown does not wait for it).
		e.srv.CloseStreams()
		select {
		case ev, ok := <-events:
			if ok {
				t.Fatalf("event %q after CloseStreams", ev)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the stream stayed open after CloseStreams")
		}
	})
}

func TestSatisfactionAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		tk := e.customerTicket(cust, "Rate me", "body")
		path := fmt.Sprintf("/api/v2/tickets/%d/satisfaction_rating.json", tk.ID)
		jsonCT := []string{"Content-Type", "application/json"}
		custAuth := append(basic(cust.Email, pw), jsonCT...)
		if r := e.do(nil, "GET", path, nil, custAuth...); r.code != 200 || !strings.Contains(r.body, `"score":"unoffered"`) {
			t.Fatalf("unsolved: %d %s", r.code, r.body)
		}
		body := `{"satisfaction_rating": {"score": "good", "comment": "great"}}`
		if r := e.do(nil, "POST", path, strings.NewReader(body), custAuth...); r.code != 422 {
			t.Fatalf("rating unsolved: %d %s", r.code, r.body)
		}
		solved := "solved"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		if r := e.do(nil, "GET", path, nil, custAuth...); !strings.Contains(r.body, `"score":"offered"`) {
			t.Fatalf("solved: %s", r.body)
		}
		if r := e.do(nil, "POST", path, strings.NewReader(body), append(basic(agent.Email, pw), jsonCT...)...); r.code != 403 {
			t.Fatalf("agent rating: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", path, strings.NewReader(`{"satisfaction_rating": {"score": "meh"}}`), custAuth...); r.code != 422 || !strings.Contains(r.body, `"score"`) {
			t.Fatalf("bad score: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", path, strings.NewReader(`{"satisfaction_rating": {"score": 1}}`), custAuth...); r.code != 422 {
			t.Fatalf("wrong type: %d %s", r.code, r.body)
		}
		r := e.do(nil, "POST", path, strings.NewReader(body), custAuth...)
		var out struct {
			Rating ratingJSON `json:"satisfaction_rating"`
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.code != 200 || out.Rating.Score != "good" || out.Rating.Comment != "great" ||
			out.Rating.AssigneeID == nil || *out.Rating.AssigneeID != agent.ID || !strings.HasSuffix(out.Rating.URL, fmt.Sprintf("/satisfaction_ratings/%d.json", out.Rating.ID)) {
			t.Fatalf("rate: %d %s", r.code, r.body)
		}
		agentAuth := basic(agent.Email, pw)
		if r := e.do(nil, "GET", fmt.Sprintf("/api/v2/satisfaction_ratings/%d", out.Rating.ID), nil, agentAuth...); r.code != 200 || !strings.Contains(r.body, `"comment":"great"`) {
			t.Fatalf("show: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/api/v2/satisfaction_ratings?score=good", nil, agentAuth...); r.code != 200 || !strings.Contains(r.body, `"count":1`) {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/api/v2/satisfaction_ratings?score=bad&page[size]=10", nil, agentAuth...); r.code != 200 || !strings.Contains(r.body, `"satisfaction_ratings":[]`) {
			t.Fatalf("list bad: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/api/v2/satisfaction_ratings", nil, custAuth...); r.code != 403 {
			t.Fatalf("customer list: %d", r.code)
		}
		// Someone who cannot see the ticket gets a 404, not a 403.
		name, email, role := "Stranger", "stranger@example.com", people.RoleEndUser
		st, _ := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		_ = e.auth.SetPassword(ctx, audit.System(), st.ID, pw)
		if r := e.do(nil, "POST", path, strings.NewReader(body), append(basic(email, pw), jsonCT...)...); r.code != 404 {
			t.Fatalf("stranger: %d", r.code)
		}
	})
}

// TestUIRoutesWithEveryModuleEnforcePolicies walks the route table of a
// server wired with every optional module (rules, SLA, search), so the
// admin and search pages that exist only then are checked too: anonymous
// browsers are sent to sign in, and customers and agents are refused where
// the policy says so.
func TestUIRoutesWithEveryModuleEnforcePolicies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		al := audit.New(e.srv.DB)
		rs := rulestore.New(e.srv.DB, e.tickets, al, nil, rulestore.Options{})
		slas := sla.NewService(sla.NewStore(e.srv.DB, al), sla.Options{})
		srv, err := New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, Search: search.New(e.srv.DB),
			Rules: rs, SLAService: slas, Views: RulesViews(rs), Macros: RulesMacros(rs), Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		e2 := *e
		e2.ts = ts
		rank := map[string]Policy{people.RoleEndUser: Authenticated, people.RoleAgent: Staff, people.RoleAdmin: Admin}
		seen := map[string]bool{}
		for _, rt := range srv.Routes() {
			if apiLike(rt) {
				continue
			}
			seen[rt.Pattern] = true
			method, path := concretePath(rt.Pattern)
			if rt.Policy == Public {
				continue
			}
			r := e2.do(nil, method, path, strings.NewReader(""), formCT...)
			if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s %s: %d %s", method, path, r.code, r.hdr.Get("Location"))
			}
			for role, level := range rank {
				if level >= rt.Policy {
					continue
				}
				r := e2.do(nil, method, path, strings.NewReader(""), append(basic(role+"@example.com", pw), formCT...)...)
				if r.code != 403 {
					t.Errorf("%s on %s %s (policy %s): %d, want 403", role, method, path, rt.Policy, r.code)
				}
			}
		}
		for _, want := range []string{"GET /admin/rules", "POST /admin/rules/{kind}/{id}/toggle", "GET /admin/sla", "GET /agent/search",
			"GET /agent/tickets/{id}/live", "POST /admin/users/{id}",
			// Every portal route (README's table lists them too: TestPortalRoutesAreDocumentedAndGuarded).
			"GET /portal", "GET /portal/new", "POST /portal/tickets", "GET /portal/tickets/{id}", "POST /portal/tickets/{id}/reply",
			"POST /portal/tickets/{id}/rating", "POST /portal/tickets/{id}/follow"} {
			if !seen[want] {
				t.Errorf("route %s is not registered", want)
			}
		}
	})
}

// TestUISortBySLADue lists a view by the next SLA breach, soonest first,
// through the rules module's view SQL.
func TestUISortBySLADue(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		al := audit.New(e.srv.DB)
		rs := rulestore.New(e.srv.DB, e.tickets, al, nil, rulestore.Options{})
		slas := sla.NewService(sla.NewStore(e.srv.DB, al), sla.Options{})
		e.tickets.OnChange(slas.Hook)
		if _, err := slas.Store.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		srv, err := New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, Rules: rs, SLAService: slas, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		e2 := *e
		e2.ts = ts
		agent := e.users[people.RoleAgent]
		// A premium organization's customer: urgent is 30 calendar minutes,
		// low 24 business hours.
		oname, tier := "Premium Co", "premium"
		org, err := e.ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &oname, Tier: &tier})
		if err != nil {
			t.Fatal(err)
		}
		name, email, role := "Pat Premium", "pat@example.com", people.RoleEndUser
		cust, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role, OrganizationID: &org.ID})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(subject, prio string) {
			tk := e.customerTicket(cust, subject, "body")
			if prio != "" {
				if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{Priority: &prio}); err != nil {
					t.Fatal(err)
				}
			}
		}
		mk("Low one", "low")
		mk("No priority", "")
		mk("Urgent one", "urgent")
		ac := signIn(t, &e2, agent.Email)
		r := e2.do(ac, "GET", "/agent/tickets?view=unsolved&sort=sla_due", nil)
		u, l := strings.Index(r.body, "Urgent one"), strings.Index(r.body, "Low one")
		if r.code != 200 || u < 0 || l < 0 || u > l || !strings.Contains(r.body, `aria-sort="ascending"><a href="/agent/tickets?dir=desc&amp;sort=sla_due&amp;view=unsolved">SLA ↑`) {
			t.Fatalf("sla sort: %d urgent@%d low@%d\n%s", r.code, u, l, r.body)
		}
		r = e2.do(ac, "GET", "/agent/tickets?view=unsolved&sort=sla_due&dir=desc", nil)
		if u, l := strings.Index(r.body, "Urgent one"), strings.Index(r.body, "Low one"); u < l {
			t.Fatalf("descending sla sort: urgent@%d low@%d", u, l)
		}
		// Without the rules module there is no SLA sort.
		bare, err := New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		bts := httptest.NewServer(bare)
		defer bts.Close()
		e3 := *e
		e3.ts = bts
		if r := e3.do(signIn(t, &e3, agent.Email), "GET", "/agent/tickets?sort=sla_due", nil); r.code != 400 || strings.Contains(r.body, "sort=sla_due") {
			t.Fatalf("sla sort without the rules module: %d", r.code)
		}
	})
}

// TestAdminFormsShowProblems: a bad value on an admin form renders the page
// again with the problem and the values typed; a good one redirects.
func TestAdminFormsShowProblems(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := signIn(t, e, e.users["admin"].Email)
		post := func(path string, form url.Values) resp {
			form.Set("csrf_token", e.csrf(c, path))
			return e.do(c, "POST", path, strings.NewReader(form.Encode()), formCT...)
		}
		r := post("/admin/users", url.Values{"name": {" Zed "}, "email": {"not-an-email"}, "role": {"agent"}})
		if r.code != 422 || !strings.Contains(r.body, "Email") || !strings.Contains(r.body, `value="not-an-email"`) {
			t.Fatalf("bad user: %d %s", r.code, r.body)
		}
		r = post("/admin/organizations", url.Values{"name": {""}, "support_plan": {"saas"}, "tier": {"free"}})
		if r.code != 422 || !strings.Contains(r.body, "Name") {
			t.Fatalf("bad organization: %d %s", r.code, r.body)
		}
		r = post("/admin/groups", url.Values{"name": {""}, "description": {"kept"}})
		if r.code != 422 || !strings.Contains(r.body, "kept") {
			t.Fatalf("bad group: %d %s", r.code, r.body)
		}
		if r = post("/admin/groups", url.Values{"name": {"Tier 2"}}); r.code != 200 || !strings.Contains(r.body, "Group Tier 2 created.") {
			t.Fatalf("good group: %d %s", r.code, r.body)
		}
	})
}
