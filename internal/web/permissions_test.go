package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
)

// nothing is a configuration that grants no permission at all.
func nothing() access.Configuration {
	return access.Configuration{TicketAccess: "none", TicketCommentAccess: "none", EndUserProfileAccess: "none",
		ReportAccess: "none", ManageTeamMembers: "none", HiringAccess: "none", ForumAccess: "readonly"}
}

// granting is the smallest configuration that grants p.
func granting(p access.Permission) access.Configuration {
	c := nothing()
	switch p {
	case access.TicketsRead:
		c.TicketAccess = "all"
	case access.TicketsEdit:
		c.TicketAccess, c.TicketEditing = "all", true
	case access.TicketsPublicComment:
		c.TicketAccess, c.TicketCommentAccess = "all", "public"
	case access.TicketsDelete:
		c.TicketAccess, c.TicketDeletion = "all", true
	case access.TicketsMerge:
		c.TicketAccess, c.TicketMerge = "all", true
	case access.TicketsTags:
		c.TicketAccess, c.TicketTagEditing = "all", true
	case access.UsersRead:
		c.EndUserProfileAccess = "readonly"
	case access.UsersEdit:
		c.EndUserProfileAccess = "edit"
	case access.OrganizationsEdit:
		c.OrganizationEditing = true
	case access.BusinessRulesManage:
		c.ManageBusinessRules = true
	case access.SLAsManage:
		c.ManageSLAs = true
	case access.ReportsRead:
		c.ReportAccess = "readonly"
	case access.TeamRead:
		c.ManageTeamMembers = "readonly"
	case access.TeamManage:
		c.ManageTeamMembers = "full"
	case access.KnowledgeBaseManage:
		c.ForumAccess = "full"
	case access.HiringInterview:
		c.HiringAccess = "interviewer"
	case access.HiringManage:
		c.HiringAccess = "full"
	}
	return c
}

// agentWith makes an agent holding a custom role with configuration c.
func (e *env) agentWith(name string, c access.Configuration) *people.User {
	e.t.Helper()
	ctx := context.Background()
	conf, _ := json.Marshal(c)
	role, err := e.srv.Access.CreateRole(ctx, audit.System(), access.RoleInput{Name: &name, Configuration: conf})
	if err != nil {
		e.t.Fatal(err)
	}
	email, r := strings.ToLower(strings.ReplaceAll(name, " ", "-"))+"@example.com", people.RoleAgent
	u, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &r, CustomRoleID: &role.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.auth.SetPassword(ctx, audit.System(), u.ID, pw); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// TestEveryRouteEnforcesItsPermission walks the route table of a server
// with every module: every staff route names a permission (or is a
// signed-in basic); an agent whose role grants nothing is refused on every
// route with a permission; an agent holding just that permission gets past
// it (also on the admin routes it opens); an agent holding every
// permission is still refused on admin routes no permission opens.
func TestEveryRouteEnforcesItsPermission(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		al := audit.New(e.srv.DB)
		rs := rulestore.New(e.srv.DB, e.tickets, al, nil, rulestore.Options{})
		slas := sla.NewService(sla.NewStore(e.srv.DB, al), sla.Options{})
		srv, err := New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, Search: search.New(e.srv.DB),
			Rules: rs, SLAService: slas, Views: RulesViews(rs), Macros: RulesMacros(rs), Version: "test",
			Access: e.srv.Access, Team: e.srv.Team})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		e2 := *e
		e2.ts = ts
		none := e.agentWith("Grants Nothing", nothing())
		all := access.Configuration{TicketAccess: "all", TicketEditing: true, TicketCommentAccess: "public", TicketDeletion: true,
			TicketMerge: true, TicketTagEditing: true, EndUserProfileAccess: "full", OrganizationEditing: true, ManageBusinessRules: true,
			ManageSLAs: true, ReportAccess: "full", ManageTeamMembers: "full", HiringAccess: "full", ForumAccess: "full"}
		if len(all.Permissions()) != len(access.All()) {
			t.Fatalf("the 'all' configuration grants %v", all.Permissions().List())
		}
		everything := e.agentWith("Grants Everything", all)
		holders := map[access.Permission]*people.User{}
		for _, p := range access.All() {
			if !granting(p).Permissions().Has(p) {
				t.Fatalf("granting(%s) does not grant it", p)
			}
			holders[p] = e.agentWith("Only "+strings.ReplaceAll(string(p), ".", " "), granting(p))
		}
		do := func(u *people.User, method, path string, api bool) resp {
			ct := "application/json"
			if !api {
				ct = formCT[1]
			}
			body := "{}"
			if !api {
				body = ""
			}
			return e2.do(nil, method, path, strings.NewReader(body), append(basic(u.Email, pw), "Content-Type", ct)...)
		}
		checked, used := 0, map[access.Permission]bool{}
		for _, rt := range srv.Routes() {
			if rt.Policy == Public {
				continue
			}
			method, path := concretePath(rt.Pattern)
			if rt.Permission == "" {
				if rt.Policy != Admin && !SignedInBasic(rt.Pattern) {
					t.Errorf("%s (policy %s) has no permission and is not a signed-in basic", rt.Pattern, rt.Policy)
				}
				if rt.Policy == Admin {
					if r := do(everything, method, path, apiLike(rt)); r.code != 403 {
						t.Errorf("agent with every permission on admin-only %s: %d", rt.Pattern, r.code)
					}
				}
				continue
			}
			checked++
			used[rt.Permission] = true
			if rt.Policy == Admin && !strings.Contains(fmt.Sprint(access.AdminGrants()), string(rt.Permission)) {
				t.Errorf("%s: admin route opened by %s, which is not an admin grant", rt.Pattern, rt.Permission)
			}
			if r := do(none, method, path, apiLike(rt)); r.code != 403 {
				t.Errorf("agent without %s on %s: %d", rt.Permission, rt.Pattern, r.code)
			}
			if r := do(holders[rt.Permission], method, path, apiLike(rt)); r.code == 403 || r.code == 401 {
				t.Errorf("agent with only %s on %s: %d %.200s", rt.Permission, rt.Pattern, r.code, r.body)
			}
		}
		if checked < 100 {
			t.Errorf("only %d routes carry a permission", checked)
		}
		for _, p := range access.All() {
			if !used[p] && p != access.HiringInterview && p != access.HiringManage && p != access.TicketsPublicComment {
				t.Errorf("no route uses %s", p)
			}
		}
	})
}

// TestDepartmentRolesRouteByRoute: the roles the department needs, asked
// of real routes — a recruiter who is no support agent, a light agent
// (internal notes only), support operations (business rules), a plain
// agent (no admin routes).
func TestDepartmentRolesRouteByRoute(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.srv.Access.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Team.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		roles, _ := e.srv.Access.ListRoles(ctx)
		cfg := map[string]access.Configuration{}
		for _, r := range roles {
			cfg[r.Name] = r.Configuration
		}
		recruiter := e.agentWith("Rita Recruiter", cfg["Recruiter"])
		light := e.agentWith("Len Light", cfg["Light Agent"])
		ops := e.agentWith("Otto Ops", cfg["Support Operations"])
		lead := e.agentWith("Lea Lead", cfg["Team Lead"])
		plain := e.users[people.RoleAgent]
		tk := e.customerTicket(e.users[people.RoleEndUser], "Printer on fire", "It is on fire.")
		tpath := fmt.Sprintf("/api/v2/tickets/%d", tk.ID)
		as := func(u *people.User, method, path, body string) resp {
			var rd *strings.Reader
			if body != "" {
				rd = strings.NewReader(body)
			} else {
				rd = strings.NewReader("")
			}
			return e.do(nil, method, path, rd, append(basic(u.Email, pw), "Content-Type", "application/json")...)
		}
		cases := []struct {
			who          *people.User
			method, path string
			body         string
			want         int
		}{
			{recruiter, "GET", "/api/v2/tickets", "", 403},
			{recruiter, "GET", tpath, "", 403},
			{recruiter, "GET", "/api/v2/users", "", 403},
			{recruiter, "GET", "/api/v2/search?query=fire", "", 403},
			{recruiter, "GET", "/api/v2/team/members", "", 200},
			{recruiter, "GET", "/api/v2/team/summary", "", 200},
			{recruiter, "GET", "/api/v2/users/me", "", 200},
			{light, "GET", tpath, "", 200},
			{light, "PUT", tpath, `{"ticket": {"comment": {"body": "internal thought", "public": false}}}`, 200},
			{light, "PUT", tpath, `{"ticket": {"comment": {"body": "hello customer"}}}`, 403},
			{light, "PUT", tpath, `{"ticket": {"status": "solved"}}`, 403},
			{light, "POST", "/api/v2/tickets", `{"ticket": {"subject": "x", "comment": {"body": "y"}}}`, 403},
			{light, "DELETE", tpath, "", 403},
			{light, "GET", "/api/v2/satisfaction_ratings", "", 403},
			{plain, "PUT", tpath, `{"ticket": {"priority": "high", "comment": {"body": "on it"}}}`, 200},
			{plain, "POST", "/api/v2/triggers", `{"trigger": {"title": "t", "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}]}, "actions": [{"field": "priority", "value": "high"}]}}`, 403},
			{plain, "GET", "/api/v2/team/roster", "", 403},
			{ops, "POST", "/api/v2/triggers", `{"trigger": {"title": "t", "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}]}, "actions": [{"field": "priority", "value": "high"}]}}`, 201},
			{ops, "GET", "/api/v2/team/roster", "", 200},
			{ops, "GET", "/api/v2/incremental/tickets/cursor?start_time=0", "", 403},
			{ops, "DELETE", fmt.Sprintf("/api/v2/users/%d", plain.ID), "", 403},
			{lead, "POST", "/api/v2/organizations", `{"organization": {"name": "Led Org"}}`, 201},
			{plain, "POST", "/api/v2/organizations", `{"organization": {"name": "Plain Org"}}`, 403},
			{lead, "POST", "/api/v2/webhooks", "{}", 403},
		}
		for _, c := range cases {
			r := as(c.who, c.method, c.path, c.body)
			if r.code != c.want {
				t.Errorf("%s %s %s: %d %.300s, want %d", c.who.Name, c.method, c.path, r.code, r.body, c.want)
			}
		}
		got, _ := e.tickets.Get(ctx, tk.ID)
		if got.Status == "solved" {
			t.Error("the light agent solved the ticket")
		}
		// The agent form: a light agent's internal note goes through with the
		// fields as they are; a changed field or a public reply does not.
		c := signIn(t, e, light.Email)
		page := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		tok := e.csrf(c, page)
		form := func(mode, status, priority string) resp {
			v := url.Values{"csrf_token": {tok}, "mode": {mode}, "body": {"a note from " + mode}, "status": {status},
				"priority": {priority}, "type": {""}, "assignee_id": {""}, "group_id": {""}, "tags": {strings.Join(got.Tags, " ")}}
			if got.Priority != nil && priority == "" {
				v.Set("priority", *got.Priority)
			}
			return e.do(c, "POST", page, strings.NewReader(v.Encode()), formCT...)
		}
		if r := form("internal", got.Status, ""); r.code != 200 || !strings.Contains(r.body, "Internal note added") {
			t.Errorf("light agent's note through the form: %d %.300s", r.code, r.body)
		}
		got, _ = e.tickets.Get(ctx, tk.ID)
		if r := form("internal", "pending", ""); r.code != 403 {
			t.Errorf("light agent changing the status through the form: %d", r.code)
		}
		if r := form("public", got.Status, ""); r.code != 403 {
			t.Errorf("light agent replying publicly through the form: %d", r.code)
		}
	})
}

// TestNewTicketLinkFollowsThePermission: an agent who may only read
// tickets is not offered "New ticket" (the page would refuse them); an
// agent who may edit is.
func TestNewTicketLinkFollowsThePermission(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rc := granting(access.TicketsRead)
		rc.EndUserProfileAccess = "readonly"
		ec := granting(access.TicketsEdit)
		ec.EndUserProfileAccess = "readonly"
		reader, editor := e.agentWith("Read Only", rc), e.agentWith("Editor", ec)
		cust := e.users[people.RoleEndUser]
		for _, c := range []struct {
			u    *people.User
			want bool
		}{{reader, false}, {editor, true}} {
			list := e.do(nil, "GET", "/agent/tickets", nil, basic(c.u.Email, pw)...)
			page := e.do(nil, "GET", fmt.Sprintf("/agent/users/%d", cust.ID), nil, basic(c.u.Email, pw)...)
			if list.code != 200 || page.code != 200 {
				t.Fatalf("%s: list %d, user page %d", c.u.Name, list.code, page.code)
			}
			if got := strings.Contains(list.body, `id="new-ticket"`); got != c.want {
				t.Errorf("%s: New ticket on the list %v, want %v", c.u.Name, got, c.want)
			}
			if got := strings.Contains(page.body, `id="new-ticket-for"`); got != c.want {
				t.Errorf("%s: New ticket on the user page %v, want %v", c.u.Name, got, c.want)
			}
		}
	})
}
