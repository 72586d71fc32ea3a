package web

import (
	"net/http"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// Side-loading (Zendesk's include=): the records a response refers to,
// added as top-level arrays ("users", "groups", "organizations",
// "tickets"), plus the per-ticket comment_count and metric sets. Which
// side-loads a route offers is in its apiDoc; checkQuery has refused the
// others, and any but comment_count for customers.

// sideload collects the ids of the records to side-load, each once, in the
// order first referred to.
type sideload struct {
	want                         map[string]bool
	users, groups, orgs, tickets []int64
	seenU, seenG, seenO, seenT   map[int64]bool
}

func newSideload(r *http.Request) *sideload {
	return &sideload{want: includes(r), seenU: map[int64]bool{}, seenG: map[int64]bool{}, seenO: map[int64]bool{}, seenT: map[int64]bool{}}
}

func add(list *[]int64, seen map[int64]bool, ids ...int64) {
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			*list = append(*list, id)
		}
	}
}

func (sl *sideload) user(ids ...int64)   { add(&sl.users, sl.seenU, ids...) }
func (sl *sideload) group(ids ...int64)  { add(&sl.groups, sl.seenG, ids...) }
func (sl *sideload) org(ids ...int64)    { add(&sl.orgs, sl.seenO, ids...) }
func (sl *sideload) ticket(ids ...int64) { add(&sl.tickets, sl.seenT, ids...) }

// refsOf notes the people a ticket refers to.
func (sl *sideload) refsOf(t ticket.Ticket) {
	sl.user(t.RequesterID, t.SubmitterID, derefID(t.AssigneeID))
	sl.user(t.CollaboratorIDs...)
	sl.group(derefID(t.GroupID))
	sl.org(derefID(t.OrganizationID))
}

// write adds the wanted side-loads to body.
func (s *Server) writeSideloads(r *http.Request, body map[string]any, sl *sideload) error {
	ctx := r.Context()
	if sl.want["users"] {
		us, err := s.People.GetUsers(ctx, sl.users)
		if err != nil {
			return err
		}
		if us, err = visibleRecords(s, r, "user", us, func(u people.User) int64 { return u.ID }); err != nil {
			return err
		}
		body["users"] = s.usersView(r, us)
	}
	if sl.want["groups"] {
		gs, err := s.People.GetGroups(ctx, sl.groups)
		if err != nil {
			return err
		}
		body["groups"] = s.groupsView(r, gs)
	}
	if sl.want["organizations"] {
		os, err := s.People.GetOrganizations(ctx, sl.orgs)
		if err != nil {
			return err
		}
		if os, err = visibleRecords(s, r, "organization", os, func(o people.Organization) int64 { return o.ID }); err != nil {
			return err
		}
		body["organizations"] = s.orgsView(r, os)
	}
	if sl.want["tickets"] {
		ts, err := s.Tickets.GetMany(ctx, sl.tickets)
		if err != nil {
			return err
		}
		if ts, err = s.visibleTickets(r, ts); err != nil {
			return err
		}
		body["tickets"] = s.ticketsView(r, ts)
	}
	return nil
}

// ticketIncludes are the side-loads of ticket lists and of one ticket.
var ticketIncludes = []string{"users", "groups", "organizations", "comment_count", "metric_sets"}

// sideloadTickets adds what include= asks for to a body holding ts: the
// referred users, groups and organizations, each ticket's comment_count
// (public comments only for customers) and metric set (also as the
// top-level metric_sets).
func (s *Server) sideloadTickets(r *http.Request, body map[string]any, ts []ticketJSON) error {
	sl := newSideload(r)
	if len(sl.want) == 0 {
		return nil
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
		sl.refsOf(t.Ticket)
	}
	if sl.want["comment_count"] {
		counts, err := s.Tickets.CommentCounts(r.Context(), ids, !PrincipalFrom(r.Context()).IsStaff())
		if err != nil {
			return err
		}
		for i := range ts {
			n := counts[ts[i].ID]
			ts[i].CommentCount = &n
		}
	}
	if sl.want["metric_sets"] {
		if s.SLAService == nil {
			return errs.BadRequest("include: metric_sets needs the SLA service, which this server does not run")
		}
		sets := make([]ticketMetricJSON, 0, len(ts))
		for i := range ts {
			m, err := s.ticketMetric(r, &ts[i].Ticket)
			if err != nil {
				return err
			}
			ts[i].MetricSet = &m
			sets = append(sets, m)
		}
		body["metric_sets"] = sets
	}
	return s.writeSideloads(r, body, sl)
}

// sideloadUsers adds the organizations and groups of users.
func (s *Server) sideloadUsers(r *http.Request, body map[string]any, us []userJSON) error {
	sl := newSideload(r)
	if len(sl.want) == 0 {
		return nil
	}
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
		sl.org(derefID(u.OrganizationID))
	}
	if sl.want["organizations"] {
		ms, err := s.People.OrganizationMembershipsOfUsers(r.Context(), ids)
		if err != nil {
			return err
		}
		for _, m := range ms {
			sl.org(m.OtherID)
		}
	}
	if sl.want["groups"] {
		ms, err := s.People.GroupMembershipsOfUsers(r.Context(), ids)
		if err != nil {
			return err
		}
		for _, m := range ms {
			sl.group(m.OtherID)
		}
	}
	return s.writeSideloads(r, body, sl)
}

// sideloadMemberships adds the users and groups (or organizations) of
// memberships.
func (s *Server) sideloadMemberships(r *http.Request, body map[string]any, ms []people.Membership, groups bool) error {
	sl := newSideload(r)
	for _, m := range ms {
		sl.user(m.UserID)
		if groups {
			sl.group(m.OtherID)
		} else {
			sl.org(m.OtherID)
		}
	}
	return s.writeSideloads(r, body, sl)
}

// includeScoped parses search's include=<type>(<side-loads>)[,...], e.g.
// tickets(users,groups): per result type, its side-loads.
func includeScoped(v string, allowed map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	rest := strings.TrimSpace(v)
	for rest != "" {
		open := strings.IndexByte(rest, '(')
		close := strings.IndexByte(rest, ')')
		if open <= 0 || close < open {
			return nil, errs.BadRequest("include: give the result type and its side-loads, e.g. include=tickets(users,groups), not %q", v)
		}
		typ := strings.TrimSpace(rest[:open])
		offered, ok := allowed[typ]
		if !ok {
			return nil, errs.BadRequest("include: %s results have no side-loads here (side-loads: %s)", typ, describeScoped(allowed))
		}
		for _, inc := range includeList(rest[open+1 : close]) {
			if !contains(offered, inc) {
				return nil, errs.BadRequest("include: %s(%s) is not supported here (side-loads: %s)", typ, inc, describeScoped(allowed))
			}
			out[typ] = append(out[typ], inc)
		}
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest[close+1:]), ","))
	}
	return out, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func describeScoped(allowed map[string][]string) string {
	var parts []string
	for _, typ := range []string{"tickets", "users"} {
		if incs, ok := allowed[typ]; ok {
			parts = append(parts, typ+"("+strings.Join(incs, ",")+")")
		}
	}
	return strings.Join(parts, ", ")
}

// withIncludes is r asking for exactly incs (to reuse the list side-loaders
// for one result type of a search).
func withIncludes(r *http.Request, incs []string) *http.Request {
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	q.Set("include", strings.Join(incs, ","))
	r2.URL.RawQuery = q.Encode()
	return r2
}
