package web

// Admin pages: users and roles, organizations and plans, groups, API tokens
// (the shared /settings/tokens page), satisfaction ratings and the audit log.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/satisfaction"
)

func (s *Server) registerAdminUI() {
	s.handle("GET /admin", Admin, func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
		return nil
	})
	s.handle("GET /admin/users", Admin, s.adminUsers)
	s.handle("POST /admin/users", Admin, s.adminCreateUser)
	s.handle("POST /admin/users/{id}", Admin, s.adminUpdateUser)
	s.handle("GET /admin/organizations", Admin, s.adminOrgs)
	s.handle("POST /admin/organizations", Admin, s.adminCreateOrg)
	s.handle("GET /admin/groups", Admin, s.adminGroups)
	s.handle("POST /admin/groups", Admin, s.adminCreateGroup)
	s.handle("GET /admin/satisfaction", Admin, s.adminSatisfaction)
	s.handle("GET /admin/users/{id}/tokens", Admin, s.adminUserTokens)
	s.handle("POST /admin/users/{id}/tokens/{tid}/revoke", Admin, s.adminRevokeToken)
	s.handle("POST /admin/users/{id}/password", Admin, s.adminSetPassword) // ui_password.go
	s.handle("GET /admin/audit", Admin, s.adminAudit)
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminUsers(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderAdminUsers(w http.ResponseWriter, r *http.Request, status int, form map[string]string, problem string) error {
	ctx := r.Context()
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	role := q.Get("role")
	if role != "" && !people.ValidRole(role) {
		return errs.BadRequest("role must be end-user, agent or admin")
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return err
	}
	f := people.UserFilter{Role: role, Query: strings.TrimSpace(q.Get("q")), HiddenBrands: hidden}
	total, err := s.People.CountUsers(ctx, f)
	if err != nil {
		return err
	}
	f.Page = people.Page{Offset: (page - 1) * uiPerPage, Limit: uiPerPage}
	users, err := s.People.ListUsers(ctx, f)
	if err != nil {
		return err
	}
	orgs, err := s.People.ListOrganizations(ctx, people.OrgFilter{Page: people.Page{Limit: 1000}, HiddenBrands: hidden})
	if err != nil {
		return err
	}
	orgNames := map[int64]string{}
	for _, o := range orgs {
		orgNames[o.ID] = o.Name
	}
	if form == nil {
		form = map[string]string{"role": people.RoleEndUser}
	}
	s.render(w, r, status, "admin_users.html", map[string]any{
		"Title": "Users", "Section": "users", "Users": users, "Orgs": orgs, "OrgNames": orgNames, "Query": f.Query,
		"Role": role, "Pager": newPager(r, page, total), "Form": form, "Error": problem, "Flash": flashOf(w, r),
	})
	return nil
}

// formValues reads the named form fields, trimmed.
func formValues(r *http.Request, keys ...string) map[string]string {
	form := make(map[string]string, len(keys))
	for _, k := range keys {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return form
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	form := formValues(r, "name", "email", "role", "organization_id")
	in := people.UserInput{}
	name, email, role := form["name"], form["email"], form["role"]
	in.Name, in.Email, in.Role = &name, &email, &role
	invite, err := formBool(r, "invite")
	var u *people.User
	if err == nil {
		var org *int64
		if org, err = formID(r, "organization_id"); err == nil {
			in.OrganizationID = org
			u, err = s.People.CreateUser(r.Context(), p.Actor(clientIP(r)), in)
		}
	}
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminUsers(w, r, status, form, msg)
		})
	}
	if invite {
		return s.inviteUser(w, r, u) // ui_accounts.go
	}
	seeOther(w, r, "/admin/users", "User "+name+" created.")
	return nil
}

// adminUpdateUser changes a user's role, or deactivates them
// (action=deactivate); an admin cannot demote or deactivate themself here.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if id == p.UserID {
		return s.renderAdminUsers(w, r, http.StatusUnprocessableEntity, nil, "You cannot change your own role or deactivate yourself here.")
	}
	if r.PostFormValue("action") == "deactivate" {
		if r.PostFormValue("confirm") != "yes" {
			s.render(w, r, http.StatusOK, "admin_confirm.html", map[string]any{
				"Title": "Deactivate " + u.Name + "?", "Action": "/admin/users/" + strconv.FormatInt(id, 10),
				"Question": u.Name + " (" + u.Email + ") will no longer be able to sign in. Deactivate?",
				"Fields":   map[string]string{"action": "deactivate"}, "Yes": "Deactivate " + u.Name, "Back": "/admin/users",
			})
			return nil
		}
		if _, err := s.People.DeactivateUser(r.Context(), p.Actor(clientIP(r)), id); err != nil {
			return err
		}
		seeOther(w, r, "/admin/users", u.Name+" deactivated.")
		return nil
	}
	role := r.PostFormValue("role")
	if _, err := s.People.UpdateUser(r.Context(), p.Actor(clientIP(r)), id, people.UserInput{Role: &role}); err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminUsers(w, r, status, nil, msg)
		})
	}
	seeOther(w, r, "/admin/users", u.Name+" is now "+role+".")
	return nil
}

func (s *Server) adminOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminOrgs(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderAdminOrgs(w http.ResponseWriter, r *http.Request, status int, form map[string]string, problem string) error {
	ctx := r.Context()
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return err
	}
	f := people.OrgFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), HiddenBrands: hidden}
	total, err := s.People.CountOrganizations(ctx, f)
	if err != nil {
		return err
	}
	f.Page = people.Page{Offset: (page - 1) * uiPerPage, Limit: uiPerPage}
	orgs, err := s.People.ListOrganizations(ctx, f)
	if err != nil {
		return err
	}
	var ids []int64
	for _, o := range orgs {
		if o.ASEUserID != nil {
			ids = append(ids, *o.ASEUserID)
		}
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	agents, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{"support_plan": people.PlanSaaS, "tier": "free"}
	}
	s.render(w, r, status, "admin_orgs.html", map[string]any{
		"Title": "Organizations", "Section": "organizations", "Orgs": orgs, "Names": nm, "Agents": agents, "Tiers": orgTiers, "Regions": s.regionNames(ctx),
		"Query": f.Query, "Pager": newPager(r, page, total), "Form": form, "Error": problem, "Flash": flashOf(w, r),
	})
	return nil
}

func (s *Server) adminCreateOrg(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	form := formValues(r, "name", "support_plan", "tier", "domain_names", "assigned_support_engineer_id", "shared_tickets", "region")
	name, plan, tier, region := form["name"], form["support_plan"], form["tier"], form["region"]
	domains := strings.FieldsFunc(form["domain_names"], func(r rune) bool { return r == ',' || r == ' ' })
	shared := form["shared_tickets"] == "on"
	in := people.OrganizationInput{Name: &name, SupportPlan: &plan, Tier: &tier, DomainNames: &domains, SharedTickets: &shared, Region: &region}
	ase, err := formID(r, "assigned_support_engineer_id")
	if err == nil {
		in.ASEUserID = ase
		_, err = s.People.CreateOrganization(r.Context(), p.Actor(clientIP(r)), in)
	}
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminOrgs(w, r, status, form, msg)
		})
	}
	seeOther(w, r, "/admin/organizations", "Organization "+name+" created.")
	return nil
}

func (s *Server) adminGroups(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminGroups(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderAdminGroups(w http.ResponseWriter, r *http.Request, status int, form map[string]string, problem string) error {
	ctx := r.Context()
	groups, err := s.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	counts := map[int64]int{}
	for _, g := range groups {
		n, err := s.People.CountUsers(ctx, people.UserFilter{GroupID: g.ID})
		if err != nil {
			return err
		}
		counts[g.ID] = n
	}
	if form == nil {
		form = map[string]string{}
	}
	s.render(w, r, status, "admin_groups.html", map[string]any{
		"Title": "Groups", "Section": "groups", "Groups": groups, "Members": counts, "Form": form, "Error": problem, "Flash": flashOf(w, r),
	})
	return nil
}

func (s *Server) adminCreateGroup(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	name, desc := strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("description"))
	_, err := s.People.CreateGroup(r.Context(), p.Actor(clientIP(r)), people.GroupInput{Name: &name, Description: &desc})
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminGroups(w, r, status, map[string]string{"name": name, "description": desc}, msg)
		})
	}
	seeOther(w, r, "/admin/groups", "Group "+name+" created.")
	return nil
}

func (s *Server) adminSatisfaction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	score := q.Get("score")
	if score != "" && score != satisfaction.Good && score != satisfaction.Bad {
		return errs.BadRequest("score must be good or bad")
	}
	idParam := func(name string) (int64, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, errs.BadRequest("%s must be an id", name)
		}
		return n, nil
	}
	assignee, err := idParam("assignee_id")
	if err != nil {
		return err
	}
	group, err := idParam("group_id")
	if err != nil {
		return err
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return err
	}
	f := satisfaction.Filter{Score: score, Hidden: hidden, AssigneeID: assignee, GroupID: group}
	total, err := s.Satisfaction.Count(ctx, f)
	if err != nil {
		return err
	}
	lf := f
	lf.Offset, lf.Limit = (page-1)*uiPerPage, uiPerPage
	list, err := s.Satisfaction.List(ctx, lf)
	if err != nil {
		return err
	}
	good, err := s.Satisfaction.Count(ctx, satisfaction.Filter{Score: satisfaction.Good, Hidden: hidden, AssigneeID: assignee, GroupID: group})
	if err != nil {
		return err
	}
	all, err := s.Satisfaction.Count(ctx, satisfaction.Filter{Hidden: hidden, AssigneeID: assignee, GroupID: group})
	if err != nil {
		return err
	}
	// The trend: 12 weeks, and per agent and group (satisfaction.TrendOf).
	tr, err := s.Satisfaction.TrendOf(ctx, satisfaction.Filter{Hidden: hidden, AssigneeID: assignee, GroupID: group}, 12, s.now())
	if err != nil {
		return err
	}
	var pcts []*float64
	var labels []string
	for _, b := range tr.Weeks {
		if p := b.GoodPct(); p >= 0 {
			pcts = append(pcts, &p)
		} else {
			pcts = append(pcts, nil)
		}
		labels = append(labels, b.From.Format("2 Jan"))
	}
	var ids []int64
	for _, x := range list {
		ids = append(ids, x.RequesterID, derefID(x.AssigneeID))
	}
	for _, b := range tr.Agents {
		ids = append(ids, b.ID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	groups, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	pct := -1
	if all > 0 {
		pct = good * 100 / all
	}
	narrow := url.Values{}
	if assignee != 0 {
		narrow.Set("assignee_id", strconv.FormatInt(assignee, 10))
	}
	if group != 0 {
		narrow.Set("group_id", strconv.FormatInt(group, 10))
	}
	s.render(w, r, http.StatusOK, "admin_satisfaction.html", map[string]any{
		"Title": "Satisfaction", "Section": "satisfaction", "Ratings": list, "Names": nm, "Score": score,
		"GoodPct": pct, "Pager": newPager(r, page, total), "Trend": tr, "GroupNames": groups,
		"Chart":      svgLine([][]*float64{pcts}, 640, 180, labels, "Share of good ratings by week (%)"),
		"AssigneeID": assignee, "GroupID": group, "Narrow": narrow.Encode(),
	})
	return nil
}

// adminAudit pages the audit log newest first by keyset (?before=ID).
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	var before int64
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errs.BadRequest("before must be an entry id")
		}
		before = n
	}
	f := audit.Filter{ObjectType: strings.TrimSpace(q.Get("type")), BeforeID: before, Limit: uiPerPage + 1}
	af, err := s.auditFilter(ctx, q, &f) // ui_admin_people.go
	if err != nil {
		return err
	}
	entries, err := s.Audit.List(ctx, f)
	if err != nil {
		return err
	}
	next := ""
	if len(entries) > uiPerPage {
		entries = entries[:uiPerPage]
		nq := r.URL.Query()
		nq.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = "/admin/audit?" + nq.Encode()
	}
	if entries, err = s.visibleAuditEntries(r, entries); err != nil {
		return err
	}
	var ids []int64
	for _, e := range entries {
		ids = append(ids, e.ActorID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_audit.html", map[string]any{
		"Title": "Audit log", "Section": "audit", "Entries": entries, "Names": nm, "Type": f.ObjectType,
		"Next": next, "First": before != 0, "Filter": af, "Newest": "/admin/audit?" + af.query.Encode(),
	})
	return nil
}

// adminUserTokens shows a user's sign-in: their API tokens (never their
// secrets), their sessions and the form that sets their password.
func (s *Server) adminUserTokens(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderAdminUserTokens(w, r, http.StatusOK, u, "")
}

func (s *Server) renderAdminUserTokens(w http.ResponseWriter, r *http.Request, status int, u *people.User, problem string) error {
	toks, err := s.Auth.ListAPITokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	sessions, err := s.Auth.CountSessions(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "admin_tokens.html", map[string]any{
		"Title": "API tokens of " + u.Name, "Section": "users", "User": u, "Tokens": toks, "Sessions": sessions,
		"Error": problem, "Flash": flashOf(w, r), "MinLen": auth.MinPasswordLen,
	})
	return nil
}

// adminRevokeToken revokes one of a user's API tokens.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	tid, err := pathID(r, "tid", "api token")
	if err != nil {
		return err
	}
	t, err := s.Auth.GetAPIToken(r.Context(), tid)
	if err != nil {
		return err
	}
	if t.UserID != id {
		return errs.NotFound("api token")
	}
	if err := s.Auth.RevokeAPIToken(r.Context(), p.Actor(clientIP(r)), tid); err != nil {
		return err
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"/tokens", "Token "+t.Prefix+"… revoked.")
	return nil
}

// regionNames are the regions an organization may have: the names of the
// SLA business-hours schedules (the Region rule, sla/region.go).
func (s *Server) regionNames(ctx context.Context) []string {
	if s.SLAService == nil {
		return nil
	}
	schedules, err := s.SLAService.Store.ListSchedules(ctx)
	if err != nil {
		s.log.Warn("regions", "err", err)
		return nil
	}
	out := make([]string, len(schedules))
	for i, sc := range schedules {
		out[i] = sc.Name
	}
	return out
}
