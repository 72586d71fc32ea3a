package web

// Permissions on top of route policies (docs/adr/0007-permissions.md).
// A route's Policy says which base roles reach it; its Permission says what
// an agent's role (a custom role, or the plain agent's defaults) must grant:
// on a staff or authenticated route an agent without it is refused; on an
// admin route it opens the route to agents whose role grants it (Support
// Operations managing business rules). Admins hold every permission;
// customers are never asked for one (their access is decided per record).
// Most routes get their permission from routeAccessFor below, by area, so
// a new route under a known prefix is covered at once; the route-policy
// tests walk the table and require a permission on every staff route that
// is not a signed-in basic.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/tags"
)

// routeAccess is what a route asks of an agent beyond its policy.
type routeAccess struct {
	perm access.Permission
	// refine looks at the request itself (after the body limit and form
	// parsing): a ticket update that only adds an internal note needs less
	// than one that changes fields or replies publicly.
	refine func(s *Server, r *http.Request, g access.Set) error
}

// signedInBasics are the non-public routes every signed-in user reaches
// whatever their permissions: their own account, the portal and their own
// uploads.
var signedInBasics = []string{
	"POST /logout", "GET /{$}", "GET /settings/tokens", "POST /settings/tokens", "POST /settings/tokens/{id}/revoke",
	"GET /settings/password", "POST /settings/password", "PUT /api/v2/users/{id}/password", "POST /settings/sessions/{sid}/end",
	"GET /api/v2/users/me", "GET /portal", "GET /portal/new", "POST /portal/tickets", "GET /portal/tickets/{id}",
	"POST /portal/tickets/{id}/reply", "POST /portal/tickets/{id}/rating", "POST /portal/tickets/{id}/follow",
	"GET /api/v2/custom_roles", "GET /api/v2/custom_roles/{id}",
	"POST /hc/answered",                               // "this answered my question" on the request form
	"GET /portal/emergency", "POST /portal/emergency", // the customer emergency form (ui_incidents.go; the Emergency rule decides)
	// Votes on an article are anyone's who may read it (the store checks).
	"POST /api/v2/help_center/articles/{id}/up", "POST /api/v2/help_center/articles/{id}/down",
	// Comments on an article are anyone's who may read it; their author or
	// staff change them (the store's Comment author rule).
	"POST /api/v2/help_center/articles/{id}/comments", "PUT /api/v2/help_center/articles/{id}/comments/{comment_id}",
	"DELETE /api/v2/help_center/articles/{id}/comments/{comment_id}", "GET /api/v2/help_center/users/{id}/comments",
	"POST /hc/articles/{id}/comments", "POST /hc/articles/{id}/comments/{comment_id}/delete",
	"GET /api/v2/brands", "GET /api/v2/brands/{id}", // brand records (not their restricted data: ADR 0019)
}

// SignedInBasic reports whether a route needs no permission by design.
func SignedInBasic(pattern string) bool { return slices.Contains(signedInBasics, pattern) }

// routeAccessFor decides a route's permission by area: explicit wins, then
// the path's area and the method.
func routeAccessFor(pattern string, policy Policy, explicit access.Permission) routeAccess {
	ra := areaAccess(pattern, policy, explicit)
	if policy == Admin && !slices.Contains(access.AdminGrants(), ra.perm) {
		return routeAccess{} // only a grant opens an admin route; otherwise admins only
	}
	return ra
}

func areaAccess(pattern string, policy Policy, explicit access.Permission) routeAccess {
	if policy == Public {
		return routeAccess{}
	}
	if explicit != "" {
		return routeAccess{perm: explicit}
	}
	if SignedInBasic(pattern) {
		return routeAccess{}
	}
	method, path, _ := strings.Cut(pattern, " ")
	read := method == "GET" || method == "HEAD"
	has := func(prefixes ...string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return path == p || strings.HasPrefix(path, p+"/") })
	}
	switch {
	// Tickets and what serves them.
	case pattern == "PUT /api/v2/tickets/{id}" || pattern == "POST /agent/tickets/{id}":
		return routeAccess{perm: access.TicketsRead, refine: refineTicketUpdate}
	case pattern == "POST /api/v2/tickets":
		return routeAccess{perm: access.TicketsEdit}
	case pattern == "DELETE /api/v2/tickets/{id}":
		return routeAccess{perm: access.TicketsDelete}
	case pattern == "POST /api/v2/tickets/{id}/merge":
		return routeAccess{perm: access.TicketsMerge}
	case strings.HasPrefix(path, "/api/v2/tickets/{id}/tags") && !read:
		return routeAccess{perm: access.TicketsTags}
	case has("/api/v2/satisfaction_ratings", "/api/v2/slas/reports"):
		return routeAccess{perm: access.ReportsRead}
	case has("/api/v2/tickets", "/agent", "/api/v2/search", "/api/v2/views", "/api/v2/macros", "/api/v2/incremental/tickets",
		"/api/v2/uploads", "/api/v2/attachments", "/attachments", "/thumbnails") || strings.HasSuffix(path, "/tickets/requested") ||
		strings.HasSuffix(path, "/tickets/ccd") || strings.HasSuffix(path, "/tickets/assigned") || strings.HasSuffix(path, "/{id}/tickets"):
		return routeAccess{perm: access.TicketsRead}
	// Business rules and SLAs: agents read them; admins, and roles that
	// grant it, change them.
	case has("/api/v2/triggers", "/api/v2/automations"):
		if read {
			return routeAccess{perm: access.TicketsRead}
		}
		return routeAccess{perm: access.BusinessRulesManage}
	case has("/api/v2/webhooks", "/admin/rules"):
		return routeAccess{perm: access.BusinessRulesManage}
	case has("/api/v2/slas", "/api/v2/business_hours"):
		if read {
			return routeAccess{perm: access.TicketsRead}
		}
		return routeAccess{perm: access.SLAsManage}
	case has("/admin/sla"):
		return routeAccess{perm: access.SLAsManage}
	// Customers, organizations, groups.
	case has("/api/v2/organizations") && (method == "POST" || method == "PUT") && !strings.Contains(path, "membership"):
		return routeAccess{perm: access.OrganizationsEdit}
	case has("/api/v2/users") && (method == "POST" || method == "PUT"):
		return routeAccess{perm: access.UsersEdit}
	case has("/api/v2/users", "/api/v2/organizations", "/api/v2/groups", "/api/v2/organization_memberships", "/api/v2/group_memberships") && read:
		return routeAccess{perm: access.UsersRead}
	// The knowledge base: agents who work tickets read what only staff
	// reads (drafts, revisions, votes); writing it takes
	// knowledge_base.manage (voting is a signed-in basic).
	case has("/api/v2/help_center", "/agent/kb") && !read:
		return routeAccess{perm: access.KnowledgeBaseManage}
	case has("/api/v2/help_center"):
		return routeAccess{perm: access.TicketsRead}
	// The team area registers its permissions explicitly (api_team.go).
	case has("/api/v2/team", "/team") && read:
		return routeAccess{perm: access.TeamRead}
	}
	return routeAccess{}
}

type grantKey struct{}

// grantOf reads an agent's permissions (one indexed read).
func (s *Server) grantOf(ctx context.Context, p *auth.Principal) (access.Set, error) {
	if p == nil {
		return access.Set{}, nil
	}
	if p.IsAdmin() {
		return access.Everything(), nil
	}
	g, err := s.Access.Of(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	return g.Permissions, nil
}

// can reports whether the caller holds p (admins hold everything).
func (s *Server) can(r *http.Request, p access.Permission) (bool, error) {
	if g, ok := r.Context().Value(grantKey{}).(access.Set); ok {
		return g.Has(p), nil
	}
	g, err := s.grantOf(r.Context(), PrincipalFrom(r.Context()))
	return g.Has(p), err
}

// authorize applies a route's policy and permission to caller p, and keeps
// an agent's permissions on the request for handlers.
func (s *Server) authorize(r *http.Request, policy Policy, ra routeAccess, p *auth.Principal) (*http.Request, error) {
	err := policy.allows(p)
	if p == nil || !p.IsStaff() || p.IsAdmin() || (ra.perm == "" && ra.refine == nil) {
		return r, err
	}
	if err != nil && (policy != Admin || ra.perm == "") {
		return r, err // an admin route that no permission opens
	}
	g, gerr := s.grantOf(r.Context(), p)
	if gerr != nil {
		return r, gerr
	}
	r = r.WithContext(context.WithValue(r.Context(), grantKey{}, g))
	if ra.perm != "" && !g.Has(ra.perm) {
		if err != nil {
			return r, err
		}
		return r, errs.Forbidden("your role does not include %s", ra.perm)
	}
	return r, nil
}

// refined runs a route's request check for agents.
func (s *Server) refined(r *http.Request, ra routeAccess, p *auth.Principal) error {
	if ra.refine == nil || p == nil || !p.IsStaff() || p.IsAdmin() {
		return nil
	}
	g, ok := r.Context().Value(grantKey{}).(access.Set)
	if !ok {
		var err error
		if g, err = s.grantOf(r.Context(), p); err != nil {
			return err
		}
	}
	return ra.refine(s, r, g)
}

// refineTicketUpdate: changing a ticket's fields needs tickets.edit, a
// public reply tickets.public_comment; an internal note alone needs only
// tickets.read (a light agent's note).
func refineTicketUpdate(s *Server, r *http.Request, g access.Set) error {
	fieldsChanged, public := false, false
	if strings.HasPrefix(r.URL.Path, "/api/") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return bodyError(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var env struct {
			Ticket map[string]json.RawMessage `json:"ticket"`
		}
		if json.Unmarshal(body, &env) != nil || env.Ticket == nil {
			return nil // the handler answers the malformed body
		}
		for k, v := range env.Ticket {
			switch k {
			case "comment":
				var c struct {
					Public *bool `json:"public"`
				}
				if json.Unmarshal(v, &c) == nil && (c.Public == nil || *c.Public) && string(v) != "null" {
					public = true
				}
			case "safe_update", "updated_stamp":
			default:
				fieldsChanged = true
			}
		}
	} else {
		public = r.PostFormValue("mode") != "internal" && strings.TrimSpace(r.PostFormValue("body")) != ""
		changed, err := s.formChangesTicket(r)
		if err != nil {
			return err
		}
		fieldsChanged = changed
	}
	if fieldsChanged && !g.Has(access.TicketsEdit) {
		return errs.Forbidden("your role does not include %s: you may add internal notes only", access.TicketsEdit)
	}
	if public && !g.Has(access.TicketsPublicComment) {
		return errs.Forbidden("your role does not include %s: write an internal note instead", access.TicketsPublicComment)
	}
	return nil
}

// formChangesTicket reports whether the agent ticket form changes any
// field (it always sends all of them, pre-filled with the current values).
func (s *Server) formChangesTicket(r *http.Request) (bool, error) {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return false, err
	}
	t, err := s.Tickets.Get(r.Context(), id)
	if err != nil {
		return false, err
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	f := r.PostForm
	form := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	formNum := func(k string) int64 {
		v, err := strconv.ParseInt(form(k), 10, 64)
		if err != nil {
			return -1 // not an id: the handler reports it
		}
		return v
	}
	split := strings.FieldsFunc(form("tags"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	switch {
	case f.Has("status") && form("status") != "" && form("status") != t.Status,
		f.Has("priority") && form("priority") != str(t.Priority),
		f.Has("type") && form("type") != str(t.Type),
		f.Has("assignee_id") && (form("assignee_id") != "" || t.AssigneeID != nil) && formNum("assignee_id") != num(t.AssigneeID),
		f.Has("group_id") && (form("group_id") != "" || t.GroupID != nil) && formNum("group_id") != num(t.GroupID),
		f.Has("tags") && !slices.Equal(tags.Normalize(split), tags.Normalize(t.Tags)):
		return true, nil
	}
	return false, nil
}
