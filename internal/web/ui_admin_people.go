package web

// Admin people pages beyond the lists: the audit log's filters (actor,
// object, action; session events folded away by default).

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// auditFilterForm is the audit log's filter form as typed.
type auditFilterForm struct {
	Actor, Action, ObjectID string
	ShowSessions            bool
	query                   url.Values // the filter without the page
}

// auditFilter reads the audit log's filters into f: actor by email or id,
// object id, action (or its prefix), and whether session events show (they
// do when asked, or when the action filter asks for them).
func (s *Server) auditFilter(ctx context.Context, q url.Values, f *audit.Filter) (auditFilterForm, error) {
	af := auditFilterForm{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		ObjectID: strings.TrimSpace(q.Get("object_id")), ShowSessions: q.Get("sessions") == "show", query: url.Values{}}
	for _, k := range []string{"actor", "type", "object_id", "action", "sessions"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			af.query.Set(k, v)
		}
	}
	if af.Actor != "" {
		if id, err := strconv.ParseInt(af.Actor, 10, 64); err == nil && id > 0 {
			f.ActorID = id
		} else {
			u, err := s.People.UserByEmail(ctx, af.Actor)
			if errs.Is(err, errs.KindNotFound) {
				return af, errs.BadRequest("actor: no user has the email %s", af.Actor)
			}
			if err != nil {
				return af, err
			}
			f.ActorID = u.ID
		}
	}
	if af.ObjectID != "" {
		id, err := strconv.ParseInt(af.ObjectID, 10, 64)
		if err != nil || id <= 0 {
			return af, errs.BadRequest("object_id must be a number")
		}
		f.ObjectID = id
	}
	f.Action = af.Action
	f.HideSessions = !af.ShowSessions && !strings.HasPrefix(af.Action, "session")
	return af, nil
}

// orgTiers are the tiers an organization is on (the SLA policies select
// on them).
var orgTiers = []string{"free", "premium", "ultimate"}

func (s *Server) registerPeopleUI() {
	s.handle("GET /admin/groups/{id}", Admin, s.adminGroup)
	s.handle("POST /admin/groups/{id}", Admin, s.adminUpdateGroup)
	s.handle("POST /admin/groups/{id}/delete", Admin, s.adminDeleteGroup)
	s.handle("POST /admin/groups/{id}/members", Admin, s.adminAddGroupMember)
	s.handle("POST /admin/groups/{id}/members/{mid}/remove", Admin, s.adminRemoveGroupMember)
	s.handle("GET /admin/organizations/{id}", Admin, s.adminOrg)
	s.handle("POST /admin/organizations/{id}", Admin, s.adminUpdateOrg)
	s.handle("POST /admin/organizations/{id}/delete", Admin, s.adminDeleteOrg)
	s.handleNeeds("GET /agent/users/{id}", Staff, access.UsersRead, s.agentUserPage)
	s.handleNeeds("POST /agent/users/{id}", Staff, access.UsersEdit, s.agentUpdateUser)
	s.handleNeeds("GET /agent/organizations/{id}", Staff, access.UsersRead, s.agentOrgPage)
	s.handleNeeds("POST /agent/organizations/{id}", Staff, access.OrganizationsEdit, s.agentUpdateOrg)
}

// --- groups ------------------------------------------------------------------------

func (s *Server) adminGroup(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminGroup(w, r, http.StatusOK, "")
}

func (s *Server) renderAdminGroup(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	g, err := s.People.GetGroup(ctx, id)
	if err != nil {
		return err
	}
	if g.Deleted {
		return errs.NotFound("group")
	}
	ms, err := s.People.ListGroupMemberships(ctx, people.MembershipFilter{OtherID: id, Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.UserID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	staff, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	staff = slices.DeleteFunc(staff, func(u people.User) bool { return slices.Contains(ids, u.ID) })
	s.render(w, r, status, "admin_group.html", map[string]any{"Title": "Group " + g.Name, "Section": "groups", "Group": g,
		"Members": ms, "Names": nm, "Candidates": staff, "Error": problem, "Flash": flashOf(w, r)})
	return nil
}

func groupPath(id int64) string { return "/admin/groups/" + strconv.FormatInt(id, 10) }

func (s *Server) adminUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	form := formValues(r, "name", "description")
	name, desc := form["name"], form["description"]
	if _, err := s.People.UpdateGroup(r.Context(), p.Actor(clientIP(r)), id, people.GroupInput{Name: &name, Description: &desc}); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderAdminGroup(w, r, status, msg) })
	}
	seeOther(w, r, groupPath(id), "Group "+name+" saved.")
	return nil
}

func (s *Server) adminDeleteGroup(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	g, err := s.People.GetGroup(r.Context(), id)
	if err != nil {
		return err
	}
	if s.confirmFirst(w, r, "Delete group "+g.Name+"?", "Its memberships end; tickets of the group keep their other properties and lose the group.",
		"Delete "+g.Name, groupPath(id)) {
		return nil
	}
	if err := s.People.DeleteGroup(r.Context(), p.Actor(clientIP(r)), id); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderAdminGroup(w, r, status, msg) })
	}
	seeOther(w, r, "/admin/groups", "Group "+g.Name+" deleted.")
	return nil
}

func (s *Server) adminAddGroupMember(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	uid, err := formID(r, "user_id")
	if err != nil {
		return err
	}
	if uid == nil || *uid <= 0 {
		return s.renderAdminGroup(w, r, http.StatusUnprocessableEntity, "Choose the agent to add.")
	}
	if _, err := s.People.AddGroupMembership(r.Context(), p.Actor(clientIP(r)), *uid, id, false); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderAdminGroup(w, r, status, msg) })
	}
	nm, err := s.userNames(r.Context(), []int64{*uid})
	if err != nil {
		return err
	}
	seeOther(w, r, groupPath(id), nm.Name(*uid)+" added to the group.")
	return nil
}

func (s *Server) adminRemoveGroupMember(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	mid, err := pathID(r, "mid", "membership")
	if err != nil {
		return err
	}
	m, err := s.People.GetGroupMembership(r.Context(), mid)
	if err != nil {
		return err
	}
	if m.OtherID != id {
		return errs.NotFound("membership")
	}
	if err := s.People.RemoveGroupMembership(r.Context(), p.Actor(clientIP(r)), mid); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderAdminGroup(w, r, status, msg) })
	}
	nm, err := s.userNames(r.Context(), []int64{m.UserID})
	if err != nil {
		return err
	}
	seeOther(w, r, groupPath(id), nm.Name(m.UserID)+" removed from the group.")
	return nil
}

// --- organizations ---------------------------------------------------------------------

func orgPath(prefix string, id int64) string {
	return prefix + "/organizations/" + strconv.FormatInt(id, 10)
}

func (s *Server) adminOrg(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgPage(w, r, http.StatusOK, "/admin", "")
}

func (s *Server) agentOrgPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgPage(w, r, http.StatusOK, "/agent", "")
}

// renderOrgPage shows an organization: plan, tier, ASE, domains, notes,
// members and latest tickets, with the edit form for those allowed.
func (s *Server) renderOrgPage(w http.ResponseWriter, r *http.Request, status int, prefix, problem string) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	o, err := s.People.GetOrganization(ctx, id)
	if err != nil {
		return err
	}
	members, err := s.People.ListUsers(ctx, people.UserFilter{OrganizationID: id, Page: people.Page{Limit: 100}})
	if err != nil {
		return err
	}
	tickets, err := s.Tickets.List(ctx, ticket.Filter{OrganizationID: id, SortBy: "updated_at", Desc: true, Limit: 20})
	if err != nil {
		return err
	}
	ids := []int64{}
	if o.ASEUserID != nil {
		ids = append(ids, *o.ASEUserID)
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	agents, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	canEdit, err := s.may(r, access.OrganizationsEdit)
	if err != nil {
		return err
	}
	s.render(w, r, status, "org_page.html", map[string]any{"Title": o.Name, "Section": "organizations", "Org": o, "Members": members,
		"Tickets": tickets, "Names": nm, "Agents": agents, "Tiers": orgTiers, "Regions": s.regionNames(r.Context()), "Prefix": prefix, "CanEdit": canEdit,
		"Admin": prefix == "/admin", "Error": problem, "Flash": flashOf(w, r)})
	return nil
}

func (s *Server) adminUpdateOrg(w http.ResponseWriter, r *http.Request) error {
	return s.updateOrg(w, r, "/admin")
}

func (s *Server) agentUpdateOrg(w http.ResponseWriter, r *http.Request) error {
	return s.updateOrg(w, r, "/agent")
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, prefix string) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	form := formValues(r, "name", "support_plan", "tier", "notes", "domain_names", "region")
	name, plan, tier, notes, region := form["name"], form["support_plan"], form["tier"], form["notes"], form["region"]
	fail := func(err error) error {
		return showProblem(err, func(status int, msg string) error { return s.renderOrgPage(w, r, status, prefix, msg) })
	}
	if !slices.Contains(orgTiers, tier) {
		return fail(errs.Invalid("tier", "must be one of "+strings.Join(orgTiers, ", ")))
	}
	domains := strings.FieldsFunc(form["domain_names"], func(c rune) bool { return c == ',' || c == ' ' })
	in := people.OrganizationInput{Name: &name, SupportPlan: &plan, Tier: &tier, Notes: &notes, DomainNames: &domains, Region: &region}
	if in.ASEUserID, err = formID(r, "assigned_support_engineer_id"); err != nil {
		return fail(err)
	}
	if in.ASEUserID == nil {
		zero := int64(0)
		in.ASEUserID = &zero
	}
	if _, err := s.People.UpdateOrganization(r.Context(), p.Actor(clientIP(r)), id, in); err != nil {
		return fail(err)
	}
	seeOther(w, r, orgPath(prefix, id), "Organization "+name+" saved.")
	return nil
}

func (s *Server) adminDeleteOrg(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	o, err := s.People.GetOrganization(r.Context(), id)
	if err != nil {
		return err
	}
	if s.confirmFirst(w, r, "Delete organization "+o.Name+"?", "Its members stay as customers without an organization.",
		"Delete "+o.Name, orgPath("/admin", id)) {
		return nil
	}
	if err := s.People.DeleteOrganization(r.Context(), p.Actor(clientIP(r)), id); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderOrgPage(w, r, status, "/admin", msg) })
	}
	seeOther(w, r, "/admin/organizations", "Organization "+o.Name+" deleted.")
	return nil
}

// --- users ---------------------------------------------------------------------------

// agentUserPage shows a person: profile, organization, their requests and
// the staff's notes, with the edit form for those allowed.
func (s *Server) agentUserPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUserPage(w, r, http.StatusOK, "")
}

func (s *Server) renderUserPage(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(ctx, id)
	if err != nil {
		return err
	}
	var org *people.Organization
	if u.OrganizationID != nil {
		if org, err = s.People.GetOrganization(ctx, *u.OrganizationID); err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
	}
	requested, err := s.Tickets.List(ctx, ticket.Filter{RequesterID: id, SortBy: "updated_at", Desc: true, Limit: 20})
	if err != nil {
		return err
	}
	canEdit, err := s.may(r, access.UsersEdit)
	if err != nil {
		return err
	}
	canEdit = canEdit && (!people.IsStaff(u.Role) || PrincipalFrom(ctx).IsAdmin())
	canCreate, err := s.may(r, access.TicketsEdit)
	if err != nil {
		return err
	}
	s.render(w, r, status, "user_page.html", map[string]any{"Title": u.Name, "User": u, "Org": org, "Tickets": requested,
		"CanEdit": canEdit, "CanCreate": canCreate, "Error": problem, "Flash": flashOf(w, r)})
	return nil
}

// agentUpdateUser saves a person's profile and notes; only admins change
// staff this way.
func (s *Server) agentUpdateUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(ctx, id)
	if err != nil {
		return err
	}
	if people.IsStaff(u.Role) && !p.IsAdmin() {
		return errs.Forbidden("only administrators edit staff profiles")
	}
	form := formValues(r, "name", "phone", "time_zone", "notes")
	name, phone, tz, notes := form["name"], form["phone"], form["time_zone"], form["notes"]
	if _, err := s.People.UpdateUser(ctx, p.Actor(clientIP(r)), id, people.UserInput{Name: &name, Phone: &phone, TimeZone: &tz, Notes: &notes}); err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderUserPage(w, r, status, msg) })
	}
	seeOther(w, r, "/agent/users/"+strconv.FormatInt(id, 10), name+" saved.")
	return nil
}

// may reports whether the caller holds perm (admins hold everything).
func (s *Server) may(r *http.Request, perm access.Permission) (bool, error) {
	p := PrincipalFrom(r.Context())
	if p == nil || !p.IsStaff() {
		return false, nil
	}
	if p.IsAdmin() {
		return true, nil
	}
	g, err := s.grantOf(r.Context(), p)
	if err != nil {
		return false, err
	}
	return g[perm], nil
}
