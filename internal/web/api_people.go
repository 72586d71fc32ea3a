package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/zendesk"
)

// Zendesk-shaped views: the stored records plus the fields clients expect.

type userJSON struct {
	people.User
	zendeskUserKeys
	URL      string `json:"url"`
	TimeZone string `json:"time_zone"`
	Verified bool   `json:"verified"`
}

type orgJSON struct {
	people.Organization
	OrganizationFields map[string]any `json:"organization_fields"`
	URL                string         `json:"url"`
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
	return s.userViewWith(r, u, s.fieldValues(r, zendesk.KindUser, []int64{u.ID})[u.ID])
}

func (s *Server) userViewWith(r *http.Request, u people.User, fields map[string]any) userJSON {
	return userJSON{User: u, zendeskUserKeys: userKeys(u, fields), URL: s.baseURL(r) + "/api/v2/users/" + strconv.FormatInt(u.ID, 10) + ".json", TimeZone: u.TimeZone, Verified: u.HasPassword}
}

func (s *Server) usersView(r *http.Request, us []people.User) []userJSON {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	vals := s.fieldValues(r, zendesk.KindUser, ids)
	out := make([]userJSON, len(us))
	for i, u := range us {
		out[i] = s.userViewWith(r, u, vals[u.ID])
	}
	return out
}

func (s *Server) orgView(r *http.Request, o people.Organization) orgJSON {
	return orgJSON{Organization: o, OrganizationFields: orgValues(s.fieldValues(r, zendesk.KindOrganization, []int64{o.ID}), o.ID), URL: s.baseURL(r) + "/api/v2/organizations/" + strconv.FormatInt(o.ID, 10) + ".json"}
}

func (s *Server) orgsView(r *http.Request, os []people.Organization) []orgJSON {
	return viewAll(r, os, s.orgView)
}

func (s *Server) groupView(r *http.Request, g people.Group) groupJSON {
	return groupJSON{Group: g, URL: s.baseURL(r) + "/api/v2/groups/" + strconv.FormatInt(g.ID, 10) + ".json"}
}

func (s *Server) groupsView(r *http.Request, gs []people.Group) []groupJSON {
	return viewAll(r, gs, s.groupView)
}

func (s *Server) orgMembershipView(r *http.Request, m people.Membership) orgMembershipJSON {
	return orgMembershipJSON{Membership: m, OrganizationID: m.OtherID,
		URL: s.baseURL(r) + "/api/v2/organization_memberships/" + strconv.FormatInt(m.ID, 10) + ".json"}
}

func (s *Server) orgMembershipsView(r *http.Request, ms []people.Membership) []orgMembershipJSON {
	return viewAll(r, ms, s.orgMembershipView)
}

func (s *Server) groupMembershipView(r *http.Request, m people.Membership) groupMembershipJSON {
	return groupMembershipJSON{Membership: m, GroupID: m.OtherID,
		URL: s.baseURL(r) + "/api/v2/group_memberships/" + strconv.FormatInt(m.ID, 10) + ".json"}
}

func (s *Server) groupMembershipsView(r *http.Request, ms []people.Membership) []groupMembershipJSON {
	return viewAll(r, ms, s.groupMembershipView)
}

func (s *Server) registerPeopleAPI() {
	orgs, groups := s.orgAPI(), s.groupAPI()
	orgMemberships, groupMemberships := s.orgMembershipAPI(), s.groupMembershipAPI()

	s.handle("GET /api/v2/users", Staff, s.apiListUsers)
	s.handle("GET /api/v2/users/show_many", Staff, s.apiShowManyUsers)
	s.handle("GET /api/v2/users/search", Staff, s.apiSearchUsers)
	s.handle("GET /api/v2/users/{id}", Authenticated, s.apiShowUser)
	s.handle("POST /api/v2/users", Staff, s.withFieldValues(zendesk.KindUser, s.apiCreateUser))
	s.handle("POST /api/v2/users/create_or_update", Staff, s.withFieldValues(zendesk.KindUser, s.apiCreateOrUpdateUser))
	s.handle("PUT /api/v2/users/{id}", Staff, s.withFieldValues(zendesk.KindUser, s.apiUpdateUser))
	s.handle("DELETE /api/v2/users/{id}", Admin, s.apiDeleteUser)
	s.handle("GET /api/v2/users/{id}/organization_memberships", Staff, s.apiListOrgMemberships)
	s.handle("GET /api/v2/users/{id}/group_memberships", Staff, s.apiListGroupMemberships)

	s.handle("GET /api/v2/organizations", Staff, s.apiListOrgs)
	s.handle("GET /api/v2/organizations/show_many", Staff, s.apiShowManyOrgs)
	s.handle("GET /api/v2/organizations/search", Staff, s.apiSearchOrgs)
	s.handle("GET /api/v2/organizations/{id}", Staff, orgs.show)
	s.handle("POST /api/v2/organizations", Admin, s.withFieldValues(zendesk.KindOrganization, orgs.createOne))
	s.handle("PUT /api/v2/organizations/{id}", Admin, s.withFieldValues(zendesk.KindOrganization, orgs.updateOne))
	s.handle("DELETE /api/v2/organizations/{id}", Admin, orgs.deleteOne)
	s.handle("GET /api/v2/organizations/{id}/users", Staff, s.apiOrgUsers)
	s.handle("GET /api/v2/organizations/{id}/organization_memberships", Staff, s.apiListOrgMemberships)

	s.handle("GET /api/v2/organization_memberships", Staff, s.apiListOrgMemberships)
	s.handle("GET /api/v2/organization_memberships/{mid}", Staff, orgMemberships.show)
	s.handle("POST /api/v2/organization_memberships", Admin, orgMemberships.createOne)
	s.handle("DELETE /api/v2/organization_memberships/{mid}", Admin, orgMemberships.deleteOne)

	s.handle("GET /api/v2/groups", Staff, s.apiListGroups)
	s.handle("GET /api/v2/groups/{id}", Staff, groups.show)
	s.handle("POST /api/v2/groups", Admin, groups.createOne)
	s.handle("PUT /api/v2/groups/{id}", Admin, groups.updateOne)
	s.handle("DELETE /api/v2/groups/{id}", Admin, groups.deleteOne)
	s.handle("GET /api/v2/groups/{id}/memberships", Staff, s.apiListGroupMemberships)
	s.handle("GET /api/v2/group_memberships", Staff, s.apiListGroupMemberships)
	s.handle("GET /api/v2/group_memberships/{mid}", Staff, groupMemberships.show)
	s.handle("POST /api/v2/group_memberships", Admin, groupMemberships.createOne)
	s.handle("DELETE /api/v2/group_memberships/{mid}", Admin, groupMemberships.deleteOne)
}

// --- users -------------------------------------------------------------------------

func userID(u userJSON) int64 { return u.ID }

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, f people.UserFilter) error {
	var err error
	if f.HiddenBrands, err = s.hiddenBrands(r); err != nil {
		return err
	}
	return listPaged(s, w, r, "users", &f, &f.Page, s.People.ListUsers, s.People.CountUsers, s.usersView, userID,
		func(body map[string]any, us []userJSON) error { return s.sideloadUsers(r, body, us) })
}

// userListFilter reads List Users' filters: role or role[] (several),
// external_id.
func userListFilter(r *http.Request) (people.UserFilter, error) {
	q := r.URL.Query()
	f := people.UserFilter{ExternalID: q.Get("external_id")}
	for _, k := range []string{"role", "role[]"} {
		for _, role := range q[k] {
			if !people.ValidRole(role) {
				return f, errs.BadRequest("%s: must be end-user, agent or admin, not %q", k, role)
			}
			f.Roles = append(f.Roles, role)
		}
	}
	return f, nil
}

// userIncludes are the side-loads of user lists.
var userIncludes = []string{"organizations", "groups"}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	f, err := userListFilter(r)
	if err != nil {
		return err
	}
	return s.listUsers(w, r, f)
}

func (s *Server) apiOrgUsers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	if _, err := s.People.GetOrganization(r.Context(), id); err != nil {
		return err
	}
	f, err := userListFilter(r)
	if err != nil {
		return err
	}
	f.OrganizationID = id
	return s.listUsers(w, r, f)
}

// oneOf returns the one of names given in the query; giving several is a
// 400 (their results would differ), giving none returns "".
func oneOf(r *http.Request, names ...string) (string, error) {
	q := r.URL.Query()
	var given []string
	for _, n := range names {
		if q.Get(n) != "" {
			given = append(given, n)
		}
	}
	if len(given) > 1 {
		return "", errs.BadRequest("%s: give only one of %s", given[len(given)-1], strings.Join(names, ", "))
	}
	if len(given) == 0 {
		return "", nil
	}
	return given[0], nil
}

// externalIDs splits show_many's external_ids=a,b (at most 100).
func externalIDs(v string) ([]string, error) {
	out := includeList(v)
	if len(out) > 100 {
		return nil, errs.BadRequest("external_ids: at most 100 per request")
	}
	return out, nil
}

func (s *Server) apiShowManyUsers(w http.ResponseWriter, r *http.Request) error {
	by, err := oneOf(r, "ids", "external_ids")
	if err != nil {
		return err
	}
	us := []people.User{}
	if by == "external_ids" {
		exts, err := externalIDs(r.URL.Query().Get("external_ids"))
		if err != nil {
			return err
		}
		for _, ext := range exts {
			u, err := s.People.UserByExternalID(r.Context(), ext)
			if us, err = foundOne(us, u, err); err != nil {
				return err
			}
		}
	} else {
		ids, err := parseIDs(r.URL.Query().Get("ids"))
		if err != nil {
			return err
		}
		if us, err = s.People.GetUsers(r.Context(), ids); err != nil {
			return err
		}
	}
	if us, err = visibleRecords(s, r, "user", us, func(u people.User) int64 { return u.ID }); err != nil {
		return err
	}
	views := s.usersView(r, us)
	body := map[string]any{"users": views, "count": len(views), "next_page": nil, "previous_page": nil}
	return writeBody(w, body, s.sideloadUsers(r, body, views))
}

// foundOne adds a record a lookup found to out; a record not found is no error.
func foundOne[T any](out []T, v *T, err error) ([]T, error) {
	if err == nil {
		return append(out, *v), nil
	}
	if errs.Is(err, errs.KindNotFound) {
		return out, nil
	}
	return out, err
}

// apiSearchUsers answers /users/search?query=|email=|external_id=.
func (s *Server) apiSearchUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by, err := oneOf(r, "query", "email", "external_id")
	if err != nil {
		return err
	}
	var u *people.User
	switch by {
	case "external_id":
		u, err = s.People.UserByExternalID(r.Context(), q.Get("external_id"))
	case "email":
		u, err = s.People.UserByEmail(r.Context(), q.Get("email"))
	case "query":
		query := q.Get("query")
		if v, ok := strings.CutPrefix(query, "email:"); ok {
			query = v
		}
		return s.listUsers(w, r, people.UserFilter{Query: query})
	default:
		return errs.BadRequest("give query, email or external_id")
	}
	found, err := foundOne([]people.User{}, u, err)
	if err != nil {
		return err
	}
	if found, err = visibleRecords(s, r, "user", found, func(u people.User) int64 { return u.ID }); err != nil {
		return err
	}
	return writeAll(w, "users", s.usersView(r, found))
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
	return writeRecord(w, http.StatusOK, "user", s.userForCaller(r, *u))
}

func (s *Server) writeUser(w http.ResponseWriter, r *http.Request, status int, u *people.User) error {
	return writeRecord(w, status, "user", s.userView(r, *u))
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
	if in.Grade != nil || in.JobFamily != nil || in.ManagerID != nil || in.VerifiedCitizenship != nil || in.Region != nil || in.CustomRoleID != nil {
		return errs.Forbidden("only admins can set staff attributes")
	}
	return nil
}

// createUser creates a user that checkUserWrite allows and answers 201.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, in people.UserInput) error {
	u, err := s.People.CreateUser(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return s.writeUser(w, r, http.StatusCreated, u)
}

// updateUser updates a user that checkUserWrite allows and answers 200.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, id int64, in people.UserInput) error {
	u, err := s.People.UpdateUser(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return s.writeUser(w, r, http.StatusOK, u)
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in people.UserInput
	if err := decodeBody(r, "user", &in); err != nil {
		return err
	}
	if err := checkUserWrite(r, nil, &in); err != nil {
		return err
	}
	return s.createUser(w, r, in)
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
	if existing == nil {
		return s.createUser(w, r, in)
	}
	return s.updateUser(w, r, existing.ID, in)
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
	return s.updateUser(w, r, id, in)
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
	return s.writeUser(w, r, http.StatusOK, u)
}

// --- organizations -------------------------------------------------------------

func (s *Server) orgAPI() recordAPI[people.OrganizationInput, people.Organization, orgJSON] {
	return recordAPI[people.OrganizationInput, people.Organization, orgJSON]{key: "organization",
		get: s.People.GetOrganization, create: s.People.CreateOrganization,
		update: s.People.UpdateOrganization, del: s.People.DeleteOrganization, view: s.orgView}
}

func (s *Server) apiListOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.listOrgs(w, r, people.OrgFilter{})
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, f people.OrgFilter) error {
	var err error
	if f.HiddenBrands, err = s.hiddenBrands(r); err != nil {
		return err
	}
	return listPaged(s, w, r, "organizations", &f, &f.Page, s.People.ListOrganizations, s.People.CountOrganizations,
		s.orgsView, func(o orgJSON) int64 { return o.ID }, nil)
}

func (s *Server) apiShowManyOrgs(w http.ResponseWriter, r *http.Request) error {
	by, err := oneOf(r, "ids", "external_ids")
	if err != nil {
		return err
	}
	out := []people.Organization{}
	if by == "external_ids" {
		exts, err := externalIDs(r.URL.Query().Get("external_ids"))
		if err != nil {
			return err
		}
		for _, ext := range exts {
			o, err := s.People.OrganizationByExternalID(r.Context(), ext)
			if out, err = foundOne(out, o, err); err != nil {
				return err
			}
		}
		return writeAll(w, "organizations", s.orgsView(r, out))
	}
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil {
		return err
	}
	if out, err = s.People.GetOrganizations(r.Context(), ids); err != nil {
		return err
	}
	if out, err = visibleRecords(s, r, "organization", out, func(o people.Organization) int64 { return o.ID }); err != nil {
		return err
	}
	return writeAll(w, "organizations", s.orgsView(r, out))
}

func (s *Server) apiSearchOrgs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by, err := oneOf(r, "external_id", "name")
	if err != nil {
		return err
	}
	var o *people.Organization
	switch by {
	case "external_id":
		o, err = s.People.OrganizationByExternalID(r.Context(), q.Get("external_id"))
	case "name":
		o, err = s.People.OrganizationByName(r.Context(), q.Get("name"))
	default:
		return errs.BadRequest("give external_id or name")
	}
	out, err := foundOne([]people.Organization{}, o, err)
	if err != nil {
		return err
	}
	if out, err = visibleRecords(s, r, "organization", out, func(o people.Organization) int64 { return o.ID }); err != nil {
		return err
	}
	return writeAll(w, "organizations", s.orgsView(r, out))
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
	return listPaged(s, w, r, "organization_memberships", &f, &f.Page,
		s.People.ListOrganizationMemberships, s.People.CountOrganizationMemberships,
		s.orgMembershipsView, func(m orgMembershipJSON) int64 { return m.ID }, nil)
}

type membershipInput struct {
	UserID         int64 `json:"user_id"`
	OrganizationID int64 `json:"organization_id"`
	GroupID        int64 `json:"group_id"`
	Default        bool  `json:"default"`
}

func (s *Server) orgMembershipAPI() recordAPI[membershipInput, people.Membership, orgMembershipJSON] {
	return recordAPI[membershipInput, people.Membership, orgMembershipJSON]{key: "organization_membership", param: "mid", what: "organization membership",
		get: s.People.GetOrganizationMembership,
		create: func(ctx context.Context, a audit.Actor, in membershipInput) (*people.Membership, error) {
			return s.People.AddOrganizationMembership(ctx, a, in.UserID, in.OrganizationID, in.Default)
		},
		del: s.People.RemoveOrganizationMembership, view: s.orgMembershipView}
}

// --- groups ----------------------------------------------------------------------

func (s *Server) groupAPI() recordAPI[people.GroupInput, people.Group, groupJSON] {
	return recordAPI[people.GroupInput, people.Group, groupJSON]{key: "group",
		get: s.People.GetGroup, create: s.People.CreateGroup,
		update: s.People.UpdateGroup, del: s.People.DeleteGroup, view: s.groupView}
}

// apiListGroups lists groups: live ones, deleted ones too with
// exclude_deleted=false (Zendesk's default is to list them; Frontline's
// without the parameter is not to); include=users side-loads the members.
func (s *Server) apiListGroups(w http.ResponseWriter, r *http.Request) error {
	var f people.GroupFilter
	if v, ok := first(r.URL.Query(), "exclude_deleted"); ok {
		ex, err := strconv.ParseBool(v)
		if err != nil {
			return errs.BadRequest("exclude_deleted: must be true or false, not %q", v)
		}
		f.IncludeDeleted = !ex
	}
	return listPaged(s, w, r, "groups", &f, &f.Page, s.People.ListGroups, s.People.CountGroups,
		s.groupsView, func(g groupJSON) int64 { return g.ID }, func(body map[string]any, gs []groupJSON) error {
			sl := newSideload(r)
			if !sl.want["users"] {
				return nil
			}
			ids := make([]int64, len(gs))
			for i, g := range gs {
				ids[i] = g.ID
			}
			ms, err := s.People.GroupMembershipsOfGroups(r.Context(), ids)
			if err != nil {
				return err
			}
			for _, m := range ms {
				sl.user(m.UserID)
			}
			return s.writeSideloads(r, body, sl)
		})
}

func (s *Server) apiListGroupMemberships(w http.ResponseWriter, r *http.Request) error {
	f, err := membershipFilter(r)
	if err != nil {
		return err
	}
	return listPaged(s, w, r, "group_memberships", &f, &f.Page,
		s.People.ListGroupMemberships, s.People.CountGroupMemberships,
		s.groupMembershipsView, func(m groupMembershipJSON) int64 { return m.ID }, func(body map[string]any, ms []groupMembershipJSON) error {
			plain := make([]people.Membership, len(ms))
			for i, m := range ms {
				plain[i] = m.Membership
			}
			return s.sideloadMemberships(r, body, plain, true)
		})
}

func (s *Server) groupMembershipAPI() recordAPI[membershipInput, people.Membership, groupMembershipJSON] {
	return recordAPI[membershipInput, people.Membership, groupMembershipJSON]{key: "group_membership", param: "mid", what: "group membership",
		get: s.People.GetGroupMembership,
		create: func(ctx context.Context, a audit.Actor, in membershipInput) (*people.Membership, error) {
			return s.People.AddGroupMembership(ctx, a, in.UserID, in.GroupID, in.Default)
		},
		del: s.People.RemoveGroupMembership, view: s.groupMembershipView}
}
