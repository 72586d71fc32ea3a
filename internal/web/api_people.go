package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// Zendesk-shaped views: the stored records plus the fields clients expect.

type userJSON struct {
	people.User
	URL      string `json:"url"`
	TimeZone string `json:"time_zone"`
	Verified bool   `json:"verified"`
}

type orgJSON struct {
	people.Organization
	URL string `json:"url"`
}

type groupJSON struct {
	people.Group
	URL string `json:"url"`
}

type orgMembershipJSON struct {
	people.Membership
	OrganizationID int64  `json:"organization_id"`
	URL            string `json:"url"`
}

type groupMembershipJSON struct {
	people.Membership
	GroupID int64  `json:"group_id"`
	URL     string `json:"url"`
}

func (s *Server) userView(r *http.Request, u people.User) userJSON {
	return userJSON{User: u, URL: s.baseURL(r) + "/api/v2/users/" + strconv.FormatInt(u.ID, 10) + ".json", TimeZone: u.TimeZone, Verified: u.HasPassword}
}

func (s *Server) usersView(r *http.Request, us []people.User) []userJSON {
	out := make([]userJSON, len(us))
	for i, u := range us {
		out[i] = s.userView(r, u)
	}
	return out
}

func (s *Server) orgView(r *http.Request, o people.Organization) orgJSON {
	return orgJSON{Organization: o, URL: s.baseURL(r) + "/api/v2/organizations/" + strconv.FormatInt(o.ID, 10) + ".json"}
}

func (s *Server) orgsView(r *http.Request, os []people.Organization) []orgJSON {
	out := make([]orgJSON, len(os))
	for i, o := range os {
		out[i] = s.orgView(r, o)
	}
	return out
}

func (s *Server) groupView(r *http.Request, g people.Group) groupJSON {
	return groupJSON{Group: g, URL: s.baseURL(r) + "/api/v2/groups/" + strconv.FormatInt(g.ID, 10) + ".json"}
}

func (s *Server) orgMembershipsView(r *http.Request, ms []people.Membership) []orgMembershipJSON {
	out := make([]orgMembershipJSON, len(ms))
	for i, m := range ms {
		out[i] = orgMembershipJSON{Membership: m, OrganizationID: m.OtherID,
			URL: s.baseURL(r) + "/api/v2/organization_memberships/" + strconv.FormatInt(m.ID, 10) + ".json"}
	}
	return out
}

func (s *Server) groupMembershipsView(r *http.Request, ms []people.Membership) []groupMembershipJSON {
	out := make([]groupMembershipJSON, len(ms))
	for i, m := range ms {
		out[i] = groupMembershipJSON{Membership: m, GroupID: m.OtherID,
			URL: s.baseURL(r) + "/api/v2/group_memberships/" + strconv.FormatInt(m.ID, 10) + ".json"}
	}
	return out
}

func (s *Server) registerPeopleAPI() {
	s.handle("GET /api/v2/users", Staff, s.apiListUsers)
	s.handle("GET /api/v2/users/show_many", Staff, s.apiShowManyUsers)
	s.handle("GET /api/v2/users/search", Staff, s.apiSearchUsers)
	s.handle("GET /api/v2/users/{id}", Authenticated, s.apiShowUser)
	s.handle("POST /api/v2/users", Staff, s.apiCreateUser)
	s.handle("POST /api/v2/users/create_or_update", Staff, s.apiCreateOrUpdateUser)
	s.handle("PUT /api/v2/users/{id}", Staff, s.apiUpdateUser)
	s.handle("DELETE /api/v2/users/{id}", Admin, s.apiDeleteUser)
	s.handle("GET /api/v2/users/{id}/organization_memberships", Staff, s.apiListOrgMemberships)
	s.handle("GET /api/v2/users/{id}/group_memberships", Staff, s.apiListGroupMemberships)

	s.handle("GET /api/v2/organizations", Staff, s.apiListOrgs)
	s.handle("GET /api/v2/organizations/show_many", Staff, s.apiShowManyOrgs)
	s.handle("GET /api/v2/organizations/search", Staff, s.apiSearchOrgs)
	s.handle("GET /api/v2/organizations/{id}", Staff, s.apiShowOrg)
	s.handle("POST /api/v2/organizations", Admin, s.apiCreateOrg)
	s.handle("PUT /api/v2/organizations/{id}", Admin, s.apiUpdateOrg)
	s.handle("DELETE /api/v2/organizations/{id}", Admin, s.apiDeleteOrg)
	s.handle("GET /api/v2/organizations/{id}/users", Staff, s.apiOrgUsers)
	s.handle("GET /api/v2/organizations/{id}/organization_memberships", Staff, s.apiListOrgMemberships)

	s.handle("GET /api/v2/organization_memberships", Staff, s.apiListOrgMemberships)
	s.handle("GET /api/v2/organization_memberships/{mid}", Staff, s.apiShowOrgMembership)
	s.handle("POST /api/v2/organization_memberships", Admin, s.apiCreateOrgMembership)
	s.handle("DELETE /api/v2/organization_memberships/{mid}", Admin, s.apiDeleteOrgMembership)

	s.handle("GET /api/v2/groups", Staff, s.apiListGroups)
	s.handle("GET /api/v2/groups/{id}", Staff, s.apiShowGroup)
	s.handle("POST /api/v2/groups", Admin, s.apiCreateGroup)
	s.handle("PUT /api/v2/groups/{id}", Admin, s.apiUpdateGroup)
	s.handle("DELETE /api/v2/groups/{id}", Admin, s.apiDeleteGroup)
	s.handle("GET /api/v2/groups/{id}/memberships", Staff, s.apiListGroupMemberships)
	s.handle("GET /api/v2/group_memberships", Staff, s.apiListGroupMemberships)
	s.handle("GET /api/v2/group_memberships/{mid}", Staff, s.apiShowGroupMembership)
	s.handle("POST /api/v2/group_memberships", Admin, s.apiCreateGroupMembership)
	s.handle("DELETE /api/v2/group_memberships/{mid}", Admin, s.apiDeleteGroupMembership)
}

// --- users -------------------------------------------------------------------------

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, f people.UserFilter) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f.Page = p.store()
	us, err := s.People.ListUsers(r.Context(), f)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, "users", p, s.usersView(r, us), func(u userJSON) int64 { return u.ID },
		func() (int, error) { f.Page = people.Page{}; return s.People.CountUsers(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	role := q.Get("role")
	if role == "" {
		role = q.Get("role[]")
	}
	if role != "" && !people.ValidRole(role) {
		return errs.BadRequest("role: must be end-user, agent or admin")
	}
	return s.listUsers(w, r, people.UserFilter{Role: role})
}

func (s *Server) apiOrgUsers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	if _, err := s.People.GetOrganization(r.Context(), id); err != nil {
		return err
	}
	return s.listUsers(w, r, people.UserFilter{OrganizationID: id})
}

func (s *Server) apiShowManyUsers(w http.ResponseWriter, r *http.Request) error {
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil {
		return err
	}
	us, err := s.People.GetUsers(r.Context(), ids)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersView(r, us), "next_page": nil, "previous_page": nil, "count": len(us)})
	return nil
}

// apiSearchUsers answers /users/search?query=|email=|external_id=.
func (s *Server) apiSearchUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var found []people.User
	switch {
	case q.Get("external_id") != "":
		u, err := s.People.UserByExternalID(r.Context(), q.Get("external_id"))
		if err == nil {
			found = append(found, *u)
		} else if !errs.Is(err, errs.KindNotFound) {
			return err
		}
	case q.Get("email") != "":
		u, err := s.People.UserByEmail(r.Context(), q.Get("email"))
		if err == nil {
			found = append(found, *u)
		} else if !errs.Is(err, errs.KindNotFound) {
			return err
		}
	case q.Get("query") != "":
		query := q.Get("query")
		if v, ok := strings.CutPrefix(query, "email:"); ok {
			query = v
		}
		return s.listUsers(w, r, people.UserFilter{Query: query})
	default:
		return errs.BadRequest("give query, email or external_id")
	}
	if found == nil {
		found = []people.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersView(r, found), "next_page": nil, "previous_page": nil, "count": len(found)})
	return nil
}

func (s *Server) apiShowUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	if !p.IsStaff() && p.UserID != id {
		return errs.Forbidden("end-users may only read their own profile")
	}
	u, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userView(r, *u)})
	return nil
}

// checkUserWrite enforces who may set what: agents manage end-users; only
// admins create or change staff, roles and staff attributes.
func checkUserWrite(r *http.Request, target *people.User, in *people.UserInput) error {
	p := PrincipalFrom(r.Context())
	if p.IsAdmin() {
		return nil
	}
	if target != nil && target.IsStaff() && target.ID != p.UserID {
		return errs.Forbidden("only admins can change agents and admins")
	}
	if in.Role != nil && (people.IsStaff(*in.Role) || (target != nil && *in.Role != target.Role)) {
		return errs.Forbidden("only admins can set roles")
	}
	if in.Grade != nil || in.JobFamily != nil || in.ManagerID != nil || in.VerifiedCitizenship != nil || in.Region != nil {
		return errs.Forbidden("only admins can set staff attributes")
	}
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in people.UserInput
	if err := decodeBody(r, "user", &in); err != nil {
		return err
	}
	if err := checkUserWrite(r, nil, &in); err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	u, err := s.People.CreateUser(r.Context(), p.Actor(clientIP(r)), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": s.userView(r, *u)})
	return nil
}

// apiCreateOrUpdateUser matches by external_id, then email (Zendesk's rule).
func (s *Server) apiCreateOrUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var in people.UserInput
	if err := decodeBody(r, "user", &in); err != nil {
		return err
	}
	var existing *people.User
	var err error
	if in.ExternalID != nil && *in.ExternalID != "" {
		existing, err = s.People.UserByExternalID(r.Context(), *in.ExternalID)
	}
	if existing == nil && in.Email != nil && *in.Email != "" {
		existing, err = s.People.UserByEmail(r.Context(), *in.Email)
	}
	if err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	if err := checkUserWrite(r, existing, &in); err != nil {
		return err
	}
	actor := PrincipalFrom(r.Context()).Actor(clientIP(r))
	if existing == nil {
		u, err := s.People.CreateUser(r.Context(), actor, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"user": s.userView(r, *u)})
		return nil
	}
	u, err := s.People.UpdateUser(r.Context(), actor, existing.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userView(r, *u)})
	return nil
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	var in people.UserInput
	if err := decodeBody(r, "user", &in); err != nil {
		return err
	}
	target, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if err := checkUserWrite(r, target, &in); err != nil {
		return err
	}
	u, err := s.People.UpdateUser(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userView(r, *u)})
	return nil
}

func (s *Server) apiDeleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	if id == p.UserID {
		return errs.Invalid("id", "you can't delete yourself")
	}
	u, err := s.People.DeactivateUser(r.Context(), p.Actor(clientIP(r)), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userView(r, *u)})
	return nil
}

// --- organizations -------------------------------------------------------------

func (s *Server) apiListOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.listOrgs(w, r, people.OrgFilter{})
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, f people.OrgFilter) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f.Page = p.store()
	os, err := s.People.ListOrganizations(r.Context(), f)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, "organizations", p, s.orgsView(r, os), func(o orgJSON) int64 { return o.ID },
		func() (int, error) { f.Page = people.Page{}; return s.People.CountOrganizations(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowManyOrgs(w http.ResponseWriter, r *http.Request) error {
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil {
		return err
	}
	out := []people.Organization{}
	for _, id := range ids {
		o, err := s.People.GetOrganization(r.Context(), id)
		if errs.Is(err, errs.KindNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		out = append(out, *o)
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": s.orgsView(r, out), "next_page": nil, "previous_page": nil, "count": len(out)})
	return nil
}

func (s *Server) apiSearchOrgs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var o *people.Organization
	var err error
	switch {
	case q.Get("external_id") != "":
		o, err = s.People.OrganizationByExternalID(r.Context(), q.Get("external_id"))
	case q.Get("name") != "":
		o, err = s.People.OrganizationByName(r.Context(), q.Get("name"))
	default:
		return errs.BadRequest("give external_id or name")
	}
	out := []people.Organization{}
	if err == nil {
		out = append(out, *o)
	} else if !errs.Is(err, errs.KindNotFound) {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": s.orgsView(r, out), "next_page": nil, "previous_page": nil, "count": len(out)})
	return nil
}

func (s *Server) apiShowOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	o, err := s.People.GetOrganization(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization": s.orgView(r, *o)})
	return nil
}

func (s *Server) apiCreateOrg(w http.ResponseWriter, r *http.Request) error {
	var in people.OrganizationInput
	if err := decodeBody(r, "organization", &in); err != nil {
		return err
	}
	o, err := s.People.CreateOrganization(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"organization": s.orgView(r, *o)})
	return nil
}

func (s *Server) apiUpdateOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	var in people.OrganizationInput
	if err := decodeBody(r, "organization", &in); err != nil {
		return err
	}
	o, err := s.People.UpdateOrganization(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization": s.orgView(r, *o)})
	return nil
}

func (s *Server) apiDeleteOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	if err := s.People.DeleteOrganization(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- memberships ---------------------------------------------------------------

// membershipFilter reads {id} as the user (users/{id}/...), organization
// (organizations/{id}/...) or group (groups/{id}/...) the list belongs to.
func membershipFilter(r *http.Request) (people.MembershipFilter, error) {
	var f people.MembershipFilter
	if r.PathValue("id") == "" {
		return f, nil
	}
	id, err := pathID(r, "id", "record")
	if err != nil {
		return f, err
	}
	if strings.HasPrefix(r.URL.Path, "/api/v2/users/") {
		f.UserID = id
	} else {
		f.OtherID = id
	}
	return f, nil
}

func (s *Server) apiListOrgMemberships(w http.ResponseWriter, r *http.Request) error {
	f, err := membershipFilter(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f.Page = p.store()
	ms, err := s.People.ListOrganizationMemberships(r.Context(), f)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, "organization_memberships", p, s.orgMembershipsView(r, ms), func(m orgMembershipJSON) int64 { return m.ID },
		func() (int, error) {
			f.Page = people.Page{}
			return s.People.CountOrganizationMemberships(r.Context(), f)
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowOrgMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "mid", "organization membership")
	if err != nil {
		return err
	}
	m, err := s.People.GetOrganizationMembership(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization_membership": s.orgMembershipsView(r, []people.Membership{*m})[0]})
	return nil
}

type membershipInput struct {
	UserID         int64 `json:"user_id"`
	OrganizationID int64 `json:"organization_id"`
	GroupID        int64 `json:"group_id"`
	Default        bool  `json:"default"`
}

func (s *Server) apiCreateOrgMembership(w http.ResponseWriter, r *http.Request) error {
	var in membershipInput
	if err := decodeBody(r, "organization_membership", &in); err != nil {
		return err
	}
	m, err := s.People.AddOrganizationMembership(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), in.UserID, in.OrganizationID, in.Default)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"organization_membership": s.orgMembershipsView(r, []people.Membership{*m})[0]})
	return nil
}

func (s *Server) apiDeleteOrgMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "mid", "organization membership")
	if err != nil {
		return err
	}
	if err := s.People.RemoveOrganizationMembership(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- groups ----------------------------------------------------------------------

func (s *Server) apiListGroups(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f := people.GroupFilter{Page: p.store()}
	gs, err := s.People.ListGroups(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]groupJSON, len(gs))
	for i, g := range gs {
		views[i] = s.groupView(r, g)
	}
	body, err := listBody(s, r, "groups", p, views, func(g groupJSON) int64 { return g.ID },
		func() (int, error) { f.Page = people.Page{}; return s.People.CountGroups(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	g, err := s.People.GetGroup(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group": s.groupView(r, *g)})
	return nil
}

func (s *Server) apiCreateGroup(w http.ResponseWriter, r *http.Request) error {
	var in people.GroupInput
	if err := decodeBody(r, "group", &in); err != nil {
		return err
	}
	g, err := s.People.CreateGroup(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"group": s.groupView(r, *g)})
	return nil
}

func (s *Server) apiUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	var in people.GroupInput
	if err := decodeBody(r, "group", &in); err != nil {
		return err
	}
	g, err := s.People.UpdateGroup(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group": s.groupView(r, *g)})
	return nil
}

func (s *Server) apiDeleteGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	if err := s.People.DeleteGroup(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiListGroupMemberships(w http.ResponseWriter, r *http.Request) error {
	f, err := membershipFilter(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f.Page = p.store()
	ms, err := s.People.ListGroupMemberships(r.Context(), f)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, "group_memberships", p, s.groupMembershipsView(r, ms), func(m groupMembershipJSON) int64 { return m.ID },
		func() (int, error) { f.Page = people.Page{}; return s.People.CountGroupMemberships(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowGroupMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "mid", "group membership")
	if err != nil {
		return err
	}
	m, err := s.People.GetGroupMembership(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group_membership": s.groupMembershipsView(r, []people.Membership{*m})[0]})
	return nil
}

func (s *Server) apiCreateGroupMembership(w http.ResponseWriter, r *http.Request) error {
	var in membershipInput
	if err := decodeBody(r, "group_membership", &in); err != nil {
		return err
	}
	m, err := s.People.AddGroupMembership(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), in.UserID, in.GroupID, in.Default)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"group_membership": s.groupMembershipsView(r, []people.Membership{*m})[0]})
	return nil
}

func (s *Server) apiDeleteGroupMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "mid", "group membership")
	if err != nil {
		return err
	}
	if err := s.People.RemoveGroupMembership(r.Context(), PrincipalFrom(r.Context()).Actor(clientIP(r)), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
