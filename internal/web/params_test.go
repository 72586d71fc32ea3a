package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

// paramCase is one documented query parameter of a list endpoint: the whole
// query to send and, when Frontline honours it, what the result must be.
// A case without a check must be refused with a 400 naming the parameter
// (or the side-load).
type paramCase struct {
	query string
	check func(m map[string]any) error // nil: 400 naming names
	names string                       // what the 400 must name; the parameter's key when empty
	// unchanged: the parameter selects what the list holds anyway (e.g.
	// score=received when only received ratings are stored).
	unchanged bool
}

// listEndpoint is a list route with the parameters Zendesk documents for it.
type listEndpoint struct {
	path  string // concrete path
	base  string // query the route needs anyway (baseline), "" for none
	cases []paramCase
}

// paramFixture holds the ids the parameter walk refers to.
type paramFixture struct {
	orgA, orgB, g1, g2                                    int64
	cust2                                                 *people.User
	t1, t2, t3                                            int64
	view, schedule                                        int64
	macroShared, macroPersonal, macroGroup, macroInactive int64
	hook                                                  string
	t0                                                    time.Time
}

// firstSchedule seeds the default on-call schedules when there are none
// and returns the first one's id.
func firstSchedule(e *env) int64 {
	ctx := context.Background()
	if _, err := e.srv.OnCall.SeedDefaults(ctx); err != nil {
		e.t.Fatal(err)
	}
	ss, err := e.srv.OnCall.Schedules(ctx)
	if err != nil || len(ss) == 0 {
		e.t.Fatalf("no on-call schedule: %v", err)
	}
	return ss[0].ID
}

// zendeskListParams is the parameter table of every list endpoint in the
// route table: per route pattern, the query parameters (filters, sorts and
// side-loads) that Zendesk's API reference documents for it, from the page
// named in the comment (developer.zendesk.com/api-reference/ticketing/...;
// side-loads from /documentation/ticketing/using-the-zendesk-api/side_loading).
// Routes Frontline adds itself list no Zendesk parameters. Each case is
// either honoured (the check says what it does to the result) or refused
// with a 400 naming it; TestEveryListEndpointHonoursOrRefusesItsParameters
// walks them all.
func zendeskListParams(f *paramFixture, e *env) map[string]listEndpoint {
	n := func(v int64) string { return fmt.Sprint(v) }
	agent, admin, cust := e.users[people.RoleAgent], e.users[people.RoleAdmin], e.users[people.RoleEndUser]
	// The Zendesk ticket side-loads that Frontline does not have (yet).
	refusedTicketLoads := []paramCase{
		{query: "include=last_audits", names: "last_audits"}, {query: "include=dates", names: "dates"},
		{query: "include=sharing_agreements", names: "sharing_agreements"}, {query: "include=incident_counts", names: "incident_counts"},
		{query: "include=ticket_forms", names: "ticket_forms"},
	}
	ticketLoads := append([]paramCase{
		{query: "include=users", check: sideloaded("users", "tickets", "requester_id", "assignee_id")},
		{query: "include=groups", check: sideloaded("groups", "tickets", "group_id")},
		{query: "include=organizations", check: sideloaded("organizations", "tickets", "organization_id")},
		{query: "include=comment_count", check: everyItem("tickets", func(t map[string]any) bool { _, ok := t["comment_count"].(float64); return ok })},
		{query: "include=metric_sets", check: metricSets},
		{query: "include=users,groups", check: all(sideloaded("users", "tickets", "requester_id"), sideloaded("groups", "tickets", "group_id"))},
	}, refusedTicketLoads...)
	// Tickets: List Tickets (tickets/tickets#list-tickets) — external_id,
	// sort (cursor), sort_by/sort_order (offset) — and the ticket side-loads.
	ticketList := func(path string, extID string, ids ...int64) listEndpoint {
		return listEndpoint{path: path, cases: append([]paramCase{
			{query: "external_id=" + extID, check: idsAre("tickets", ids...)},
			{query: "external_id=nope", check: idsAre("tickets")},
			{query: "sort_by=id&sort_order=desc", check: sortedBy("tickets", "id", true)},
			{query: "sort_by=created_at&sort_order=desc", check: sortedBy("tickets", "id", true)},
			{query: "sort_by=updated_at", check: sortedBy("tickets", "updated_at", false)},
			{query: "sort_by=status&sort_order=desc", check: sortedBy("tickets", "status", true)},
			{query: "sort_by=subject&sort_order=desc", check: sortedBy("tickets", "subject", true)},
			{query: "sort_by=assignee"}, {query: "sort_by=assignee.name"}, {query: "sort_by=group"},
			{query: "sort_by=requester"}, {query: "sort_by=requester.name"},
			{query: "sort=-id&page[size]=100", check: sortedBy("tickets", "id", true)},
			{query: "sort=-updated_at&page[size]=100", names: "sort"},
			{query: "sort_order=sideways"},
		}, ticketLoads...)}
	}
	// Users: List Users (users/users#list-users) — role, role[],
	// permission_set, external_id; side-loads organizations, abilities,
	// roles, identities, groups, open_ticket_count.
	userList := func(path string, agents, staff []int64) listEndpoint {
		return listEndpoint{path: path, cases: []paramCase{
			{query: "role=agent", check: idsAre("users", agents...)},
			{query: "role[]=agent&role[]=admin", check: idsAre("users", staff...)},
			{query: "role=owner"},
			{query: "permission_set=7"},
			{query: "external_id=usr-ext-1", check: idsAre("users", f.cust2.ID)},
			{query: "include=organizations", check: sideloaded("organizations", "users", "organization_id")},
			{query: "include=groups", check: func(m map[string]any) error { return hasIDs(m, "groups", f.g1) }},
			{query: "include=abilities", names: "abilities"}, {query: "include=roles", names: "roles"},
			{query: "include=identities", names: "identities"}, {query: "include=open_ticket_count", names: "open_ticket_count"},
		}}
	}
	ruleSorts := func(key string) []paramCase {
		return []paramCase{
			{query: "sort_by=alphabetical", check: sortedBy(key, "title", false)},
			{query: "sort_by=alphabetical&sort_order=desc", check: sortedBy(key, "title", true)},
			{query: "sort_by=created_at&sort_order=desc", check: sortedBy(key, "id", true)},
			{query: "sort_by=updated_at", check: sortedBy(key, "updated_at", false)},
			{query: "sort_by=position&sort_order=desc", check: sortedBy(key, "position", true)},
			{query: "sort_by=usage_1h"}, {query: "sort_by=usage_24h"}, {query: "sort_by=usage_7d"}, {query: "sort_by=usage_30d"},
			{query: "sort_order=up"},
		}
	}
	trig := func(key string, active bool) []paramCase {
		cs := ruleSorts(key)
		if active {
			cs = append(cs, paramCase{query: "active=true", check: func(m map[string]any) error {
				return everyItem(key, func(r map[string]any) bool { return r["active"] == true })(m)
			}}, paramCase{query: "active=false", check: everyItem(key, func(r map[string]any) bool { return r["active"] == false })})
		}
		return append(cs, paramCase{query: "category_id=1"}, paramCase{query: "include=usage_24h", names: "include"})
	}
	macroCases := func(all bool) []paramCase {
		account := []int64{f.macroShared}
		if all {
			account = append(account, f.macroInactive)
		}
		cs := append(ruleSorts("macros"),
			paramCase{query: "access=personal", check: idsAre("macros", f.macroPersonal)},
			paramCase{query: "access=shared", check: idsAre("macros", f.macroGroup)},
			paramCase{query: "access=account", check: idsAre("macros", account...)},
			paramCase{query: "access=agents"},
			paramCase{query: "group_id=" + n(f.g1), check: idsAre("macros", f.macroGroup)},
			paramCase{query: "category=3"},
			paramCase{query: "include=usage_7d", names: "include"},
		)
		if all {
			cs = append(cs, paramCase{query: "active=false", check: idsAre("macros", f.macroInactive)},
				paramCase{query: "only_viewable=true"})
		}
		return cs
	}
	viewCases := func(all bool) []paramCase {
		cs := append(ruleSorts("views"),
			paramCase{query: "access=personal", check: everyItem("views", func(v map[string]any) bool {
				r, _ := v["restriction"].(map[string]any)
				return r != nil && r["type"] == "User"
			})},
			paramCase{query: "access=shared", check: everyItem("views", func(v map[string]any) bool {
				r, _ := v["restriction"].(map[string]any)
				return r != nil && r["type"] == "Group"
			})},
			paramCase{query: "access=account", check: everyItem("views", func(v map[string]any) bool { return v["restriction"] == nil })},
			paramCase{query: "group_id=" + n(f.g1), check: everyItem("views", func(v map[string]any) bool {
				r, _ := v["restriction"].(map[string]any)
				return r != nil && r["type"] == "Group"
			})},
		)
		if all {
			cs = append(cs, paramCase{query: "active=true", check: everyItem("views", func(v map[string]any) bool { return v["active"] == true })})
		}
		return cs
	}
	viewRun := func(key, id string) []paramCase {
		return []paramCase{
			{query: "sort_by=id&sort_order=desc", check: sortedBy(key, id, true)},
			{query: "sort_by=id&sort_order=asc", check: sortedBy(key, id, false)},
			{query: "sort_by=shoe_size"},
			{query: "sort_order=down"},
		}
	}
	membershipLoads := []paramCase{
		{query: "include=users", check: sideloaded("users", "group_memberships", "user_id")},
		{query: "include=groups", check: sideloaded("groups", "group_memberships", "group_id")},
	}
	since := f.t0.Add(time.Hour).Unix()
	table := map[string]listEndpoint{
		"GET /api/v2/tickets":                      ticketList("/api/v2/tickets", "tix-ext-1", f.t1),
		"GET /api/v2/users/{id}/tickets/requested": ticketList("/api/v2/users/"+n(f.cust2.ID)+"/tickets/requested", "tix-ext-2", f.t2),
		"GET /api/v2/users/{id}/tickets/ccd":       ticketList("/api/v2/users/"+n(cust.ID)+"/tickets/ccd", "tix-ext-2", f.t2),
		"GET /api/v2/users/{id}/tickets/assigned":  ticketList("/api/v2/users/"+n(agent.ID)+"/tickets/assigned", "tix-ext-1", f.t1),
		"GET /api/v2/organizations/{id}/tickets":   ticketList("/api/v2/organizations/"+n(f.orgA)+"/tickets", "tix-ext-3", f.t3),
		// Show Multiple Tickets (tickets/tickets#show-multiple-tickets): ids, and the side-loads.
		"GET /api/v2/tickets/show_many": {path: "/api/v2/tickets/show_many", base: "ids=" + n(f.t1) + "," + n(f.t2), cases: prefixed("ids="+n(f.t1)+","+n(f.t2)+"&", ticketLoads)},
		// List Comments (tickets/ticket_comments#list-comments): sort_order,
		// sort (cursor), include=users, include_inline_images.
		"GET /api/v2/tickets/{id}/comments": {path: "/api/v2/tickets/" + n(f.t1) + "/comments", cases: []paramCase{
			{query: "sort_order=desc", check: sortedBy("comments", "id", true)},
			{query: "sort=-created_at&page[size]=10", check: sortedBy("comments", "id", true)},
			{query: "sort=created_at&page[size]=10&sort_order=desc", names: "sort_order"},
			{query: "sort_order=newest"},
			{query: "sort=-author"},
			{query: "include=users", check: sideloaded("users", "comments", "author_id")},
			{query: "include_inline_images=true"},
		}},
		// List Audits for a Ticket (tickets/ticket_audits); side-loads users,
		// organizations, groups, tickets.
		"GET /api/v2/tickets/{id}/audits": {path: "/api/v2/tickets/" + n(f.t1) + "/audits", cases: []paramCase{
			{query: "sort_order=desc", check: sortedBy("audits", "id", true)},
			{query: "include=users", check: sideloaded("users", "audits", "author_id")},
			{query: "include=tickets", check: func(m map[string]any) error { return hasIDs(m, "tickets", f.t1) }},
			{query: "include=groups", check: func(m map[string]any) error { return hasIDs(m, "groups", f.g1) }},
			{query: "include=organizations", check: func(m map[string]any) error { return hasIDs(m, "organizations", f.orgB) }},
		}},
		// Incremental Ticket Export, Cursor/Time Based (ticket-management/incremental_exports):
		// start_time, cursor, per_page, exclude_deleted, include (ticket side-loads).
		"GET /api/v2/incremental/tickets/cursor": {path: "/api/v2/incremental/tickets/cursor", base: fmt.Sprintf("start_time=%d", f.t0.Add(-time.Hour).Unix()),
			cases: prefixed(fmt.Sprintf("start_time=%d&", f.t0.Add(-time.Hour).Unix()), []paramCase{
				{query: "per_page=1", check: count("tickets", 1)},
				{query: "include=users", check: sideloaded("users", "tickets", "requester_id")},
				{query: "include=comment_count", check: everyItem("tickets", func(t map[string]any) bool { _, ok := t["comment_count"].(float64); return ok })},
				{query: "exclude_deleted=true"},
			})},
		"GET /api/v2/incremental/tickets": {path: "/api/v2/incremental/tickets", base: fmt.Sprintf("start_time=%d", f.t0.Add(-time.Hour).Unix()),
			cases: prefixed(fmt.Sprintf("start_time=%d&", f.t0.Add(-time.Hour).Unix()), []paramCase{
				{query: "include=organizations", check: sideloaded("organizations", "tickets", "organization_id")},
				{query: "exclude_deleted=true"},
			})},
		// Search (ticketing/ticket-management/search#list-search-results):
		// query, sort_by, sort_order, include=<type>(<side-loads>).
		"GET /api/v2/search": {path: "/api/v2/search", base: "query=type:ticket", cases: prefixed("query=type:ticket&", []paramCase{
			{query: "sort_by=created_at&sort_order=desc", check: sortedBy("results", "id", true)},
			{query: "sort_by=updated_at&sort_order=asc", check: sortedBy("results", "updated_at", false)},
			{query: "sort_by=relevance_of_moon"},
			{query: "sort_order=ascending"},
			{query: "include=tickets(users)", check: sideloaded("users", "results", "requester_id")},
			{query: "include=tickets(groups,organizations)", check: all(sideloaded("groups", "results", "group_id"), sideloaded("organizations", "results", "organization_id"))},
			{query: "include=users", names: "include"},
			{query: "include=tickets(last_audits)", names: "last_audits"},
		})},
		// List Users, by organization too (users/users#list-users).
		"GET /api/v2/users":                    userList("/api/v2/users", []int64{agent.ID}, []int64{agent.ID, admin.ID}),
		"GET /api/v2/organizations/{id}/users": userList("/api/v2/organizations/"+n(f.orgA)+"/users", []int64{agent.ID}, []int64{agent.ID}),
		// Show Many Users (users/users#show-many-users): ids or external_ids; user side-loads.
		"GET /api/v2/users/show_many": {path: "/api/v2/users/show_many", base: "ids=" + n(cust.ID) + "," + n(admin.ID), cases: []paramCase{
			{query: "external_ids=usr-ext-1", check: idsAre("users", f.cust2.ID)},
			{query: "ids=" + n(f.cust2.ID) + "&include=organizations", check: func(m map[string]any) error { return hasIDs(m, "organizations", f.orgA) }},
			{query: "ids=" + n(f.cust2.ID) + "&external_ids=usr-ext-1"},
		}},
		// Search Users (users/users#search-users): query, external_id.
		"GET /api/v2/users/search": {path: "/api/v2/users/search", base: "query=the", cases: []paramCase{
			{query: "external_id=usr-ext-1", check: idsAre("users", f.cust2.ID)},
			{query: "query=casey", check: idsAre("users", f.cust2.ID)},
			{query: "query=casey&external_id=usr-ext-1"},
		}},
		// Organization Memberships (organizations/organization_memberships#list-memberships): paging only.
		"GET /api/v2/users/{id}/organization_memberships":         {path: "/api/v2/users/" + n(f.cust2.ID) + "/organization_memberships"},
		"GET /api/v2/organizations/{id}/organization_memberships": {path: "/api/v2/organizations/" + n(f.orgA) + "/organization_memberships"},
		"GET /api/v2/organization_memberships":                    {path: "/api/v2/organization_memberships"},
		// Group Memberships (groups/group_memberships#list-memberships); side-loads users, groups.
		"GET /api/v2/users/{id}/group_memberships": {path: "/api/v2/users/" + n(agent.ID) + "/group_memberships", cases: membershipLoads},
		"GET /api/v2/groups/{id}/memberships":      {path: "/api/v2/groups/" + n(f.g1) + "/memberships", cases: membershipLoads},
		"GET /api/v2/group_memberships":            {path: "/api/v2/group_memberships", cases: membershipLoads},
		// List Organizations (organizations/organizations#list-organizations); side-load abilities.
		"GET /api/v2/organizations": {path: "/api/v2/organizations", cases: []paramCase{{query: "include=abilities", names: "include"}}},
		// Show Many Organizations (organizations/organizations#show-many-organizations): ids or external_ids.
		"GET /api/v2/organizations/show_many": {path: "/api/v2/organizations/show_many", base: "ids=" + n(f.orgA), cases: []paramCase{
			{query: "external_ids=org-ext-b", check: idsAre("organizations", f.orgB)},
			{query: "ids=" + n(f.orgA) + "&external_ids=org-ext-b"},
		}},
		// Search Organizations (organizations/organizations#search-organizations-by-external-id): external_id, name.
		"GET /api/v2/organizations/search": {path: "/api/v2/organizations/search", base: "name=acme", cases: []paramCase{
			{query: "external_id=org-ext-b", check: idsAre("organizations", f.orgB)},
			{query: "name=acme&external_id=org-ext-b"},
		}},
		// List Groups (groups/groups#list-groups): exclude_deleted; side-load users.
		"GET /api/v2/groups": {path: "/api/v2/groups", cases: []paramCase{
			{query: "exclude_deleted=false", check: idsAre("groups", f.g1, f.g2)},
			{query: "exclude_deleted=maybe"},
			{query: "include=users", check: func(m map[string]any) error { return hasIDs(m, "users", agent.ID, admin.ID) }},
		}},
		// List Satisfaction Ratings (ticket-management/satisfaction_ratings): score, start_time, end_time.
		"GET /api/v2/satisfaction_ratings": {path: "/api/v2/satisfaction_ratings", cases: []paramCase{
			{query: "score=good", check: everyItem("satisfaction_ratings", func(r map[string]any) bool { return r["score"] == "good" })},
			{query: "score=bad", check: everyItem("satisfaction_ratings", func(r map[string]any) bool { return r["score"] == "bad" })},
			{query: "score=received", check: count("satisfaction_ratings", 2), unchanged: true},
			{query: "score=received_with_comment", check: count("satisfaction_ratings", 1)},
			{query: "score=good_with_comment", check: count("satisfaction_ratings", 1)},
			{query: "score=bad_without_comment", check: count("satisfaction_ratings", 1)},
			{query: "score=received_without_comment", check: everyItem("satisfaction_ratings", func(r map[string]any) bool { return r["comment"] == "" })},
			{query: "score=good_without_comment", check: count("satisfaction_ratings", 0)},
			{query: "score=bad_with_comment", check: count("satisfaction_ratings", 0)},
			{query: "score=offered"}, {query: "score=unoffered"}, {query: "score=great"},
			{query: fmt.Sprintf("start_time=%d", since), check: everyItem("satisfaction_ratings", func(r map[string]any) bool { return r["score"] == "bad" })},
			{query: fmt.Sprintf("end_time=%d", since), check: everyItem("satisfaction_ratings", func(r map[string]any) bool { return r["score"] == "good" })},
			{query: "start_time=yesterday"},
		}},
		// Triggers (business-rules/triggers#list-triggers, #list-active-triggers):
		// active, sort_by, sort_order, category_id, include (usage sideloads).
		"GET /api/v2/triggers":           {path: "/api/v2/triggers", cases: trig("triggers", true)},
		"GET /api/v2/triggers/active":    {path: "/api/v2/triggers/active", cases: trig("triggers", false)},
		"GET /api/v2/automations":        {path: "/api/v2/automations", cases: trig("automations", true)},
		"GET /api/v2/automations/active": {path: "/api/v2/automations/active", cases: trig("automations", false)},
		// Macros (business-rules/macros#list-macros, #list-active-macros): access,
		// active, category, group_id, include, only_viewable, sort_by, sort_order.
		"GET /api/v2/macros":        {path: "/api/v2/macros", cases: macroCases(true)},
		"GET /api/v2/macros/active": {path: "/api/v2/macros/active", cases: macroCases(false)},
		// Zendesk compatibility (api_zendesk.go): custom fields
		// (ticket_fields#list-ticket-fields: locale, creator), forms
		// (ticket_forms#list-ticket-forms: active, end_user_visible,
		// fallback_to_default, associated_to_brand), identities, job
		// statuses, incremental exports (start_time, cursor, per_page;
		// include refused), requests (status, sort_by, sort_order).
		"GET /api/v2/tickets/{id}/collaborators": {path: "/api/v2/tickets/" + n(f.t1) + "/collaborators"},
		"GET /api/v2/tickets/{id}/followers":     {path: "/api/v2/tickets/" + n(f.t1) + "/followers"},
		"GET /api/v2/tickets/{id}/email_ccs":     {path: "/api/v2/tickets/" + n(f.t1) + "/email_ccs"},
		"GET /api/v2/tickets/{id}/incidents": {path: "/api/v2/tickets/" + n(f.t1) + "/incidents", cases: []paramCase{
			{query: "include=dates", names: "dates"}}},
		"GET /api/v2/ticket_fields":       {path: "/api/v2/ticket_fields", cases: []paramCase{{query: "locale=fr"}, {query: "creator=true"}}},
		"GET /api/v2/user_fields":         {path: "/api/v2/user_fields"},
		"GET /api/v2/organization_fields": {path: "/api/v2/organization_fields"},
		"GET /api/v2/ticket_forms": {path: "/api/v2/ticket_forms", cases: []paramCase{{query: "active=true"}, {query: "end_user_visible=true"},
			{query: "fallback_to_default=true"}, {query: "associated_to_brand=true"}}},
		"GET /api/v2/job_statuses":          {path: "/api/v2/job_statuses"},
		"GET /api/v2/tags":                  {path: "/api/v2/tags", cases: []paramCase{{query: "page[size]=1", names: "page[size]"}}},
		"GET /api/v2/autocomplete/tags":     {path: "/api/v2/autocomplete/tags", base: "name=ta", cases: []paramCase{{query: "name=ta&per_page=1", names: "per_page"}}},
		"GET /api/v2/users/{id}/identities": {path: "/api/v2/users/" + n(cust.ID) + "/identities"},
		"GET /api/v2/incremental/users":     {path: "/api/v2/incremental/users", base: "start_time=0", cases: []paramCase{{query: "start_time=0&include=organizations", names: "include"}}},
		"GET /api/v2/incremental/users/cursor": {path: "/api/v2/incremental/users/cursor", base: "start_time=0", cases: []paramCase{
			{query: "start_time=0&per_page=1", check: func(m map[string]any) error {
				if len(m["users"].([]any)) != 1 || m["end_of_stream"] != false {
					return fmt.Errorf("per_page=1: %v users, end_of_stream %v", len(m["users"].([]any)), m["end_of_stream"])
				}
				return nil
			}}, {query: "start_time=0&include=organizations", names: "include"}}},
		"GET /api/v2/incremental/organizations": {path: "/api/v2/incremental/organizations", base: "start_time=0", cases: []paramCase{{query: "start_time=0&include=users", names: "include"}}},
		"GET /api/v2/requests": {path: "/api/v2/requests", cases: []paramCase{
			{query: "status=closed", unchanged: true, check: func(m map[string]any) error {
				if len(m["requests"].([]any)) != 0 {
					return fmt.Errorf("status=closed listed %d requests", len(m["requests"].([]any)))
				}
				return nil
			}}, {query: "sort_by=updated_at"}}},
		"GET /api/v2/requests/{id}/comments": {path: "/api/v2/requests/" + n(f.t1) + "/comments", cases: []paramCase{{query: "sort_order=desc", check: sortedBy("comments", "id", true)}, {query: "include=users", names: "include"}}},
		// Views (business-rules/views#list-views, #list-active-views): access,
		// active, group_id, sort_by, sort_order.
		"GET /api/v2/views":        {path: "/api/v2/views", cases: viewCases(true)},
		"GET /api/v2/views/active": {path: "/api/v2/views/active", cases: viewCases(false)},
		// List Tickets From a View, Execute View (business-rules/views): sort_by,
		// sort_order; execute also group_by, group_order.
		"GET /api/v2/views/{id}/tickets": {path: "/api/v2/views/" + n(f.view) + "/tickets", cases: viewRun("tickets", "id")},
		"GET /api/v2/views/{id}/execute": {path: "/api/v2/views/" + n(f.view) + "/execute", cases: append(viewRun("rows", "ticket_id"),
			paramCase{query: "group_by=status"}, paramCase{query: "group_order=desc"})},
		// Count Tickets in Views (business-rules/views#count-tickets-in-views): ids.
		"GET /api/v2/views/count_many": {path: "/api/v2/views/count_many", base: "ids=" + n(f.view)},
		// List Webhooks (webhooks/webhooks#list-webhooks): filter[name_contains],
		// filter[status], sort, page[before].
		"GET /api/v2/webhooks": {path: "/api/v2/webhooks", cases: []paramCase{
			{query: "filter[name_contains]=alp", check: everyItem("webhooks", func(w map[string]any) bool { return strings.Contains(w["name"].(string), "alp") })},
			{query: "filter[status]=inactive", check: everyItem("webhooks", func(w map[string]any) bool { return w["status"] == "inactive" })},
			{query: "filter[status]=broken"},
			{query: "sort=-name", check: sortedBy("webhooks", "name", true)},
			{query: "sort=status", check: sortedBy("webhooks", "status", false)},
			{query: "sort=endpoint"},
			{query: "page[before]=abc"},
		}},
		// List Webhook Invocations (webhooks/webhooks#list-webhook-invocations):
		// filter[from_ts], filter[to_ts], filter[status], sort.
		"GET /api/v2/webhooks/{id}/invocations": {path: "/api/v2/webhooks/" + f.hook + "/invocations", cases: []paramCase{
			{query: "filter[from_ts]=2024-01-01T00:00:00Z"}, {query: "filter[to_ts]=2024-01-01T00:00:00Z"},
			{query: "filter[status]=failed"}, {query: "sort=-timestamp"},
		}},
		// Schedules (ticket-management/schedules), SLA policies: no parameters.
		"GET /api/v2/business_hours/schedules":               {path: "/api/v2/business_hours/schedules"},
		"GET /api/v2/business_hours/schedules/{id}/holidays": {path: "/api/v2/business_hours/schedules/" + n(f.schedule) + "/holidays"},
		"GET /api/v2/slas/policies":                          {path: "/api/v2/slas/policies"},
		// Tags (ticket-management/tags#list-resource-tags): no parameters.
		"GET /api/v2/tickets/{id}/tags": {path: "/api/v2/tickets/" + n(f.t1) + "/tags"},
		// Frontline's own lists (no Zendesk parameters).
		"GET /api/v2/slas/reports/achievements":    {path: "/api/v2/slas/reports/achievements"},
		"GET /api/v2/tickets/{id}/sla_events":      {path: "/api/v2/tickets/" + n(f.t1) + "/sla_events"},
		"GET /api/v2/tickets/{id}/emails":          {path: "/api/v2/tickets/" + n(f.t1) + "/emails"},
		"GET /api/v2/tickets/{id}/outbound_emails": {path: "/api/v2/tickets/" + n(f.t1) + "/outbound_emails"},
		"GET /api/v2/rejected_emails":              {path: "/api/v2/rejected_emails"},
		// Custom roles (account-configuration/custom_roles#list-custom-roles):
		// no parameters.
		"GET /api/v2/custom_roles": {path: "/api/v2/custom_roles"},
		// The team's lists (Frontline's own; their filters are in
		// api_team_docs.go): the env's agent (EMEA) and admin (AMER) on the roster.
		"GET /api/v2/team/members": {base: rosterOf(e, map[int64]string{agent.ID: "EMEA", admin.ID: "AMER"}), path: "/api/v2/team/members", cases: []paramCase{
			{query: "region=EMEA", check: everyItem("members", func(m map[string]any) bool { return m["region"] == "EMEA" })},
			{query: "region=Mars"},
		}},
		"GET /api/v2/team/org_chart":    {path: "/api/v2/team/org_chart"},
		"GET /api/v2/team/job_families": {path: "/api/v2/team/job_families"},
		"GET /api/v2/team/levels":       {path: "/api/v2/team/levels"},
		"GET /api/v2/team/trainings":    {path: "/api/v2/team/trainings"},
		"GET /api/v2/team/time_off":     {path: "/api/v2/team/time_off"},
		"GET /api/v2/team/one_on_ones":  {path: "/api/v2/team/one_on_ones"},
		// Change control (Frontline's own; api_changes.go): a trigger with two
		// versions, two applied changes, a pending one, an emergency one.
		"GET /api/v2/config_changes": {path: "/api/v2/config_changes", base: changeWorld(e).base, cases: []paramCase{
			{query: "status=pending", check: everyItem("config_changes", func(m map[string]any) bool { return m["status"] == "pending" })},
			{query: "needs_review=true", check: everyItem("config_changes", func(m map[string]any) bool { return m["needs_review"] == true })},
			{query: "status=maybe"}, {query: "needs_review=perhaps"},
		}},
		"GET /api/v2/config_versions": {path: "/api/v2/config_versions", base: "object_type=trigger&object_id=" + n(changeWorld(e).trigger), cases: []paramCase{
			{query: "object_type=automation&object_id=" + n(changeWorld(e).trigger), check: func(m map[string]any) error {
				if vs, _ := m["config_versions"].([]any); len(vs) != 0 {
					return fmt.Errorf("versions of a trigger listed as an automation's")
				}
				return nil
			}},
			{query: "object_type=trigger&object_id=abc", names: "object_id"},
			{query: "object_type=ticket&object_id=1", names: "object_type"},
		}},
		"GET /api/v2/config_versions/{id}/diff": {path: "/api/v2/config_versions/" + n(changeWorld(e).first) + "/diff", cases: []paramCase{
			{query: "to=" + n(changeWorld(e).first), check: func(m map[string]any) error {
				if m["count"].(float64) != 0 {
					return fmt.Errorf("a version differs from itself: %v", m["diff"])
				}
				return nil
			}},
			{query: "to=abc"},
		}},
		// ASE accounts (Frontline's own; api_ase.go): the env's agent leads one.
		"GET /api/v2/ase/accounts": {path: "/api/v2/ase/accounts", base: "user_id=0", cases: []paramCase{
			{query: "user_id=" + n(admin.ID), check: func(m map[string]any) error {
				if as, _ := m["accounts"].([]any); len(as) != 0 {
					return fmt.Errorf("the admin leads no account: %v", as)
				}
				return nil
			}},
			{query: "user_id=abc"},
		}},
		"GET /api/v2/ase/accounts/{org_id}/environment_notes": {path: "/api/v2/ase/accounts/" + n(aseAccountOf(e)) + "/environment_notes"},
		"GET /api/v2/ase/accounts/{org_id}/review_calls":      {path: "/api/v2/ase/accounts/" + n(aseAccountOf(e)) + "/review_calls"},
		// Access reviews (Frontline's own; filters in api_access_reviews.go).
		"GET /api/v2/access_reviews": {path: "/api/v2/access_reviews"},
		// Brands (Zendesk's List Brands has no filters).
		"GET /api/v2/brands": {path: "/api/v2/brands"},
		// Deleted tickets, search export and ticket events (Zendesk's
		// parameters are the routes' own: tested in api_zendesk tests).
		"GET /api/v2/deleted_tickets":           {path: "/api/v2/deleted_tickets"},
		"GET /api/v2/search/export":             {path: "/api/v2/search/export", base: "query=status:open&filter[type]=ticket"},
		"GET /api/v2/incremental/ticket_events": {path: "/api/v2/incremental/ticket_events", base: "start_time=0"},
		// On-call and hiring (Frontline's own).
		"GET /api/v2/oncall/now":                         {path: "/api/v2/oncall/now"},
		"GET /api/v2/oncall/schedules/{id}/flags":        {path: "/api/v2/oncall/schedules/" + n(firstSchedule(e)) + "/flags"},
		"GET /api/v2/oncall/swaps":                       {path: "/api/v2/oncall/swaps"},
		"GET /api/v2/oncall/chat_webhooks":               {path: "/api/v2/oncall/chat_webhooks"},
		"GET /api/v2/hiring/plan":                        {path: "/api/v2/hiring/plan"},
		"GET /api/v2/hiring/pipelines":                   {path: "/api/v2/hiring/pipelines"},
		"GET /api/v2/hiring/requisitions":                {path: "/api/v2/hiring/requisitions"},
		"GET /api/v2/hiring/vacancies":                   {path: "/api/v2/hiring/vacancies"},
		"GET /api/v2/hiring/candidates":                  {path: "/api/v2/hiring/candidates"},
		"GET /api/v2/hiring/applications":                {path: "/api/v2/hiring/applications"},
		"GET /api/v2/hiring/interviews":                  {path: "/api/v2/hiring/interviews"},
		"GET /api/v2/hiring/scorecards":                  {path: "/api/v2/hiring/scorecards"},
		"GET /api/v2/hiring/scorecard_feedback":          {path: "/api/v2/hiring/scorecard_feedback"},
		"GET /api/v2/hiring/sourcing_events":             {path: "/api/v2/hiring/sourcing_events"},
		"GET /api/v2/hiring/demographics":                {path: "/api/v2/hiring/demographics"},
		"GET /api/v2/hiring/email_templates":             {path: "/api/v2/hiring/email_templates"},
		"GET /api/v2/hiring/candidates/{id}/emails":      {path: "/api/v2/hiring/candidates/" + paramsCandidate(e) + "/emails"},
		"GET /api/v2/hiring/candidates/{id}/attachments": {path: "/api/v2/hiring/candidates/" + paramsCandidate(e) + "/attachments"},
		"GET /api/v2/access_reviews/{id}/lines": {path: "/api/v2/access_reviews/" + accessReviewOf(e) + "/lines", cases: []paramCase{
			{query: "decision=pending", check: everyItem("lines", func(m map[string]any) bool { return m["decision"] == "pending" })},
			{query: "reviewer_id=" + n(admin.ID), check: everyItem("lines", func(m map[string]any) bool { return m["reviewer_id"] == float64(admin.ID) })},
			{query: "decision=maybe"},
		}},
		// KPIs and capacity (api_kpi.go): values depend on the data, so the
		// walk checks the trend length and refuses bad values by name.
		"GET /api/v2/kpis": {path: "/api/v2/kpis", cases: []paramCase{
			{query: "periods=3", check: func(m map[string]any) error {
				ks, _ := m["kpis"].([]any)
				if len(ks) == 0 || len(ks[0].(map[string]any)["trend"].([]any)) != 3 {
					return fmt.Errorf("trend is not 3 periods")
				}
				return nil
			}},
			{query: "period=year"}, {query: "region=MARS"}, {query: "plan=gold"}, {query: "group_id=x"}, {query: "date=2026-13-01"},
			{query: "manager_id=-1"}, {query: "member_id=x"}, {query: "brand_id=x"},
			// A brand without tickets: every count is zero (the env's tickets are the default brand's).
			{query: "brand_id=987654", check: func(m map[string]any) error {
				if es, _ := m["engineers"].([]any); len(es) != 0 {
					return fmt.Errorf("engineers with solves in a brand without tickets: %v", es)
				}
				return nil
			}}}},
		"GET /api/v2/kpis/{name}/series": {path: "/api/v2/kpis/ssat/series", cases: []paramCase{
			{query: "periods=2", check: func(m map[string]any) error {
				if ps, _ := m["series"].([]any); len(ps) != 2 {
					return fmt.Errorf("series is not 2 periods")
				}
				return nil
			}},
			{query: "period=day"}}},
		"GET /api/v2/capacity/forecast":  {path: "/api/v2/capacity/forecast", cases: []paramCase{{query: "region=MARS"}}},
		"GET /api/v2/capacity/scenarios": {path: "/api/v2/capacity/scenarios"},
	}
	maps.Copy(table, kbListParams(e)) // the Help Center (kb_api_test.go)
	return table
}

// accessReviewOf opens an access review as the env's admin and returns its id.
// paramsCandidate is a candidate (made once per env) whose emails and
// attachments the walk lists.
func paramsCandidate(e *env) string {
	e.t.Helper()
	ctx := context.Background()
	list, err := e.srv.Hiring.ListCandidates(ctx, hiring.CandidateFilter{Viewer: hiring.Viewer{Recruiter: true}, Email: "walk@mail.example"})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) > 0 {
		return fmt.Sprint(list[0].ID)
	}
	c, err := e.srv.Hiring.CreateCandidate(ctx, audit.Actor{ID: e.users[people.RoleAdmin].ID, Role: people.RoleAdmin},
		hiring.CandidateInput{FirstName: "Walk", LastName: "Er", Emails: []string{"walk@mail.example"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprint(c.ID)
}

func accessReviewOf(e *env) string {
	e.t.Helper()
	ctx, admin := context.Background(), audit.Actor{ID: e.users[people.RoleAdmin].ID, Role: people.RoleAdmin}
	c, err := e.srv.AccessReviews.Open(ctx, admin, accessreview.Input{})
	if err != nil {
		e.t.Fatal(err)
	}
	ls, err := e.srv.AccessReviews.Lines(ctx, accessreview.LineFilter{CampaignID: c.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range ls { // one decided line, so that the decision filter shows
		if l.UserID != admin.ID {
			if _, err := e.srv.AccessReviews.Decide(ctx, admin, c.ID, l.ID, accessreview.Certified, ""); err != nil {
				e.t.Fatal(err)
			}
			break
		}
	}
	return fmt.Sprint(c.ID)
}

// TestEveryListEndpointHonoursOrRefusesItsParameters walks every list
// endpoint of the route table with the parameters Zendesk documents for it:
// each is honoured (it changes the result as specified) or refused with a
// 400 naming it; any other parameter is a 400 naming it too.
func TestEveryListEndpointHonoursOrRefusesItsParameters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		withSLA(t, e)
		ms, err := mail.NewStore(e.srv.DB, e.tickets, e.ppl, mail.StoreConfig{Mailboxes: []mail.Mailbox{{Address: "support@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.Mail = ms
		f := paramsFixture(t, e)
		table := zendeskListParams(f, e)
		docs, env := apiDocs(), envelopes()
		for _, rt := range e.srv.Routes() {
			method, _, _ := strings.Cut(rt.Pattern, " ")
			d, ok := docs[rt.Pattern]
			if !rt.API || method != "GET" || !ok || d.result == "" || d.raw != "" {
				continue
			}
			if e, ok := env[d.result]; ok && e.out.Kind() != reflect.Slice && !d.list {
				continue // one record, not a list
			}
			ep, ok := table[rt.Pattern]
			if !ok {
				t.Errorf("%s: a list endpoint with no entry in zendeskListParams", rt.Pattern)
				continue
			}
			delete(table, rt.Pattern)
			get := func(query string) (resp, map[string]any) {
				p := ep.path
				if query != "" {
					p += "?" + query
				}
				return e.api("admin", "GET", p, "")
			}
			baseR, base := get(ep.base)
			if baseR.code != 200 {
				t.Errorf("%s?%s: baseline %d %s", ep.path, ep.base, baseR.code, baseR.body)
				continue
			}
			for _, c := range ep.cases {
				r, m := get(c.query)
				if c.check == nil {
					name := c.names
					if name == "" {
						name, _, _ = strings.Cut(c.query[strings.LastIndex(c.query, "&")+1:], "=")
					}
					if r.code != 400 || !strings.Contains(r.body, `"InvalidParameters"`) || !strings.Contains(r.body, name) {
						t.Errorf("%s?%s: %d %.300s; want 400 naming %s", ep.path, c.query, r.code, r.body, name)
					}
					continue
				}
				if r.code != 200 {
					t.Errorf("%s?%s: %d %.300s", ep.path, c.query, r.code, r.body)
					continue
				}
				if err := c.check(m); err != nil {
					t.Errorf("%s?%s: not honoured: %v\n%.600s", ep.path, c.query, err, r.body)
				}
				if sameJSON(m, base) != c.unchanged {
					t.Errorf("%s?%s: the same result as without it; the fixture does not show the parameter's effect", ep.path, c.query)
				}
			}
			// Anything else is refused, naming it; so is a parameter given twice.
			q := "frobnicate=1"
			if ep.base != "" {
				q = ep.base + "&" + q
			}
			if r, _ := get(q); r.code != 400 || !strings.Contains(r.body, "frobnicate") {
				t.Errorf("%s?%s: %d %.200s; want 400 naming frobnicate", ep.path, q, r.code, r.body)
			}
			if ep.base != "" {
				if r, _ := get(ep.base + "&" + ep.base); r.code != 400 {
					t.Errorf("%s?%s twice: %d %.200s; want 400", ep.path, ep.base, r.code, r.body)
				}
			}
		}
		for pattern := range table {
			t.Errorf("zendeskListParams names %s, which is not a list route", pattern)
		}
	})
}

// paramsFixture makes data in which every honoured parameter changes a
// result: two organizations, a live and a deleted group, a customer with
// an external id, three tickets, two ratings an hour apart, rules of each
// kind in two states, two webhooks.
func paramsFixture(t *testing.T, e *env) *paramFixture {
	t.Helper()
	f := &paramFixture{t0: e.clk.Now()}
	agent, admin, cust := e.users[people.RoleAgent], e.users[people.RoleAdmin], e.users[people.RoleEndUser]
	must := func(r resp, m map[string]any) map[string]any {
		t.Helper()
		if r.code >= 300 {
			t.Fatalf("fixture: %d %s", r.code, r.body)
		}
		return m
	}
	id := func(m map[string]any, key string) int64 { return idOf(m, key) }
	f.orgA = id(must(e.api("admin", "POST", "/api/v2/organizations", `{"organization":{"name":"Acme","external_id":"org-ext-a"}}`)), "organization")
	f.orgB = id(must(e.api("admin", "POST", "/api/v2/organizations", `{"organization":{"name":"Beta","external_id":"org-ext-b"}}`)), "organization")
	must(e.api("admin", "PUT", fmt.Sprintf("/api/v2/users/%d", cust.ID), fmt.Sprintf(`{"user":{"organization_id":%d}}`, f.orgB)))
	f.g1 = id(must(e.api("admin", "POST", "/api/v2/groups", `{"group":{"name":"Tier 1"}}`)), "group")
	f.g2 = id(must(e.api("admin", "POST", "/api/v2/groups", `{"group":{"name":"Legacy"}}`)), "group")
	must(e.api("admin", "DELETE", fmt.Sprintf("/api/v2/groups/%d", f.g2), ""))
	for _, u := range []int64{agent.ID, admin.ID} {
		must(e.api("admin", "POST", "/api/v2/group_memberships", fmt.Sprintf(`{"group_membership":{"user_id":%d,"group_id":%d}}`, u, f.g1)))
	}
	u := must(e.api("admin", "POST", "/api/v2/users", fmt.Sprintf(`{"user":{"name":"Casey","email":"casey@acme.example","external_id":"usr-ext-1","organization_id":%d}}`, f.orgA)))
	f.cust2, _ = e.ppl.GetUser(t.Context(), id(u, "user"))
	must(e.api("admin", "POST", "/api/v2/organization_memberships", fmt.Sprintf(`{"organization_membership":{"user_id":%d,"organization_id":%d}}`, agent.ID, f.orgA)))

	f.t1 = id(must(e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Alpha","external_id":"tix-ext-1","comment":{"body":"one"},
		"requester_id":%d,"group_id":%d,"assignee_id":%d,"priority":"high"}}`, cust.ID, f.g1, agent.ID))), "ticket")
	e.clk.Advance(time.Minute)
	must(e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", f.t1), `{"ticket":{"status":"open","comment":{"body":"reply","public":true}}}`))
	e.clk.Advance(time.Minute)
	must(e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", f.t1), `{"ticket":{"comment":{"body":"note","public":false}}}`))
	e.clk.Advance(time.Minute)
	f.t2 = id(must(e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Beta","external_id":"tix-ext-2","comment":{"body":"two"},
		"requester_id":%d,"collaborator_ids":[%d],"priority":"low"}}`, f.cust2.ID, cust.ID))), "ticket")
	e.clk.Advance(time.Minute)
	f.t3 = id(must(e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Gamma","external_id":"tix-ext-3","comment":{"body":"three"},
		"requester_id":%d,"assignee_id":%d,"group_id":%d,"status":"pending"}}`, f.cust2.ID, agent.ID, f.g1))), "ticket")
	e.clk.Advance(time.Minute)
	// A ticket of another customer in the same organization, CC'ing the first one, assigned elsewhere.
	t4 := id(must(e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Delta","comment":{"body":"four"},
		"requester_id":%d,"collaborator_ids":[%d],"assignee_id":%d,"group_id":%d,"status":"pending"}}`, f.cust2.ID, cust.ID, admin.ID, f.g1))), "ticket")
	e.clk.Advance(time.Minute)
	must(e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", f.t1), `{"ticket":{"priority":"urgent"}}`)) // t1 updated last
	// Two ratings two hours apart: good with a comment, then bad without.
	for _, tk := range []int64{t4, f.t2} {
		must(e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk), `{"ticket":{"status":"solved"}}`))
		e.clk.Advance(time.Minute)
	}
	f.t0 = e.clk.Now()
	for i, tk := range []int64{f.t2, t4} {
		in := satisfaction.Input{Score: "good", Comment: "quick"}
		if i == 1 {
			in = satisfaction.Input{Score: "bad"}
			e.clk.Advance(2 * time.Hour)
		}
		if _, err := e.srv.Satisfaction.Rate(t.Context(), audit.Actor{ID: f.cust2.ID, Role: people.RoleEndUser}, tk, in); err != nil {
			t.Fatal(err)
		}
	}
	e.clk.Advance(time.Hour)

	// Rules: for triggers and automations an active "Zeta" and an inactive "Alpha" created after it.
	for _, kind := range []string{"trigger", "automation"} {
		conds := `{"all":[{"field":"status","operator":"is","value":"open"}]}`
		acts := `[{"field":"priority","value":"high"}]`
		if kind == "automation" {
			conds = `{"all":[{"field":"status","operator":"is","value":"pending"},{"field":"PENDING","operator":"greater_than","value":"24"}]}`
			acts = `[{"field":"status","value":"open"}]`
		}
		// By position Mike, Zeta, Alpha (inactive), Kilo: neither in
		// alphabetical nor in creation order, with or without Alpha.
		for _, title := range []string{"Mike", "Zeta", "Alpha", "Kilo"} {
			m := must(e.api("admin", "POST", "/api/v2/"+kind+"s", fmt.Sprintf(`{%q:{"title":%q,"active":%t,"conditions":%s,"actions":%s}}`, kind, title, title != "Alpha", conds, acts)))
			e.clk.Advance(time.Minute)
			if title == "Mike" { // updated last
				defer func(id int64) {
					must(e.api("admin", "PUT", fmt.Sprintf("/api/v2/%ss/%d", kind, id), fmt.Sprintf(`{%q:{"description":"touched"}}`, kind)))
				}(id(m, kind))
			}
		}
	}
	macro := func(title, restriction string, active bool) int64 {
		return id(must(e.api("admin", "POST", "/api/v2/macros", fmt.Sprintf(`{"macro":{"title":%q,"active":%t,"restriction":%s,"actions":[{"field":"status","value":"solved"}]}}`, title, active, restriction))), "macro")
	}
	// By position Mid, Zed, Apple, Kilo (inactive); Mid updated last.
	f.macroGroup = macro("Mid group", fmt.Sprintf(`{"type":"Group","id":%d}`, f.g1), true)
	e.clk.Advance(time.Minute)
	f.macroShared = macro("Zed shared", "null", true)
	e.clk.Advance(time.Minute)
	f.macroPersonal = macro("Apple personal", fmt.Sprintf(`{"type":"User","id":%d}`, admin.ID), true)
	e.clk.Advance(time.Minute)
	f.macroInactive = macro("Kilo shared", "null", false)
	e.clk.Advance(time.Minute)
	must(e.api("admin", "PUT", fmt.Sprintf("/api/v2/macros/%d", f.macroGroup), `{"macro":{"description":"touched"}}`))
	view := func(title, restriction string, active bool) int64 {
		return id(must(e.api("admin", "POST", "/api/v2/views", fmt.Sprintf(`{"view":{"title":%q,"active":%t,"restriction":%s,"all":[{"field":"status","operator":"less_than","value":"closed"}],
			"output":{"columns":["subject","status"],"sort_by":"updated_at","sort_order":"desc"}}}`, title, active, restriction))), "view")
	}
	// By position Mike, Zulu, Bravo, Kilo (inactive); Mike updated last.
	mike := view("Mike group", fmt.Sprintf(`{"type":"Group","id":%d}`, f.g1), true)
	e.clk.Advance(time.Minute)
	f.view = view("Zulu open", "null", true)
	e.clk.Advance(time.Minute)
	view("Bravo mine", fmt.Sprintf(`{"type":"User","id":%d}`, admin.ID), true)
	e.clk.Advance(time.Minute)
	view("Kilo shared", "null", false)
	e.clk.Advance(time.Minute)
	must(e.api("admin", "PUT", fmt.Sprintf("/api/v2/views/%d", mike), `{"view":{"description":"touched"}}`))
	for _, w := range []struct{ name, status string }{{"beta hook", "inactive"}, {"alpha hook", "active"}, {"gamma hook", "active"}} {
		m := must(e.api("admin", "POST", "/api/v2/webhooks", fmt.Sprintf(`{"webhook":{"name":%q,"status":%q,"endpoint":"https://hooks.example/%s","subscriptions":["conditional_ticket_events"]}}`,
			w.name, w.status, strings.ReplaceAll(w.name, " ", "-"))))
		f.hook = m["webhook"].(map[string]any)["id"].(string)
	}
	f.schedule = id(must(e.api("admin", "POST", "/api/v2/business_hours/schedules", `{"schedule":{"name":"EMEA","time_zone":"Europe/Amsterdam"}}`)), "schedule")
	return f
}

// --- checks ------------------------------------------------------------------------

func items(m map[string]any, key string) []map[string]any {
	raw, _ := m[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		if o, ok := v.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func num(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		var n int64
		fmt.Sscan(x, &n)
		return n
	}
	return 0
}

func idsAre(key string, want ...int64) func(map[string]any) error {
	return func(m map[string]any) error {
		var got []int64
		for _, it := range items(m, key) {
			got = append(got, num(it["id"]))
		}
		a, b := slices.Clone(got), slices.Clone(want)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			return fmt.Errorf("%s ids %v, want %v", key, got, want)
		}
		return nil
	}
}

func count(key string, n int) func(map[string]any) error {
	return func(m map[string]any) error {
		if got := len(items(m, key)); got != n {
			return fmt.Errorf("%d %s, want %d", got, key, n)
		}
		return nil
	}
}

func everyItem(key string, ok func(map[string]any) bool) func(map[string]any) error {
	return func(m map[string]any) error {
		its := items(m, key)
		if len(its) == 0 {
			return fmt.Errorf("no %s", key)
		}
		for _, it := range its {
			if !ok(it) {
				return fmt.Errorf("%s item %v does not match", key, it["id"])
			}
		}
		return nil
	}
}

func hasIDs(m map[string]any, key string, want ...int64) error {
	got := map[int64]bool{}
	for _, it := range items(m, key) {
		got[num(it["id"])] = true
	}
	for _, w := range want {
		if !got[w] {
			return fmt.Errorf("side-loaded %s lack %d (have %v)", key, w, got)
		}
	}
	return nil
}

// sideloaded checks that the top-level key holds exactly the records the
// listed items refer to through fields.
func sideloaded(key, list string, fields ...string) func(map[string]any) error {
	return func(m map[string]any) error {
		want := map[int64]bool{}
		for _, it := range items(m, list) {
			for _, f := range fields {
				if v := num(it[f]); v != 0 {
					want[v] = true
				}
			}
		}
		if len(want) == 0 {
			return fmt.Errorf("the %s refer to no %s; the fixture does not show the side-load", list, key)
		}
		got := map[int64]bool{}
		for _, it := range items(m, key) {
			got[num(it["id"])] = true
		}
		for id := range want {
			if !got[id] {
				return fmt.Errorf("%s side-load lacks %d (has %v)", key, id, got)
			}
		}
		return nil
	}
}

func metricSets(m map[string]any) error {
	sets := items(m, "metric_sets")
	if len(sets) == 0 || len(sets) != len(items(m, "tickets")) {
		return fmt.Errorf("%d metric_sets for %d tickets", len(sets), len(items(m, "tickets")))
	}
	for _, s := range sets {
		if _, ok := s["replies"]; !ok || num(s["ticket_id"]) == 0 {
			return fmt.Errorf("metric set %v", s)
		}
	}
	return everyItem("tickets", func(t map[string]any) bool { ms, _ := t["metric_set"].(map[string]any); return ms != nil })(m)
}

func sortedBy(key, field string, desc bool) func(map[string]any) error {
	return func(m map[string]any) error {
		its := items(m, key)
		if len(its) < 2 {
			return fmt.Errorf("%d %s: too few to see an order", len(its), key)
		}
		rank := func(v any) string {
			switch x := v.(type) {
			case float64:
				return fmt.Sprintf("%020d", int64(x))
			case string:
				if i := slices.Index([]string{"new", "open", "pending", "hold", "solved", "closed"}, x); i >= 0 && field == "status" {
					return fmt.Sprint(i)
				}
				if field == "id" {
					return fmt.Sprintf("%020s", x)
				}
				return strings.ToLower(x)
			}
			return fmt.Sprint(v)
		}
		vals := make([]string, len(its))
		for i, it := range its {
			vals[i] = rank(it[field])
		}
		ok := sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i] < vals[j] })
		if desc {
			ok = sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i] > vals[j] })
		}
		if !ok {
			return fmt.Errorf("%s not sorted by %s (desc %v): %v", key, field, desc, vals)
		}
		return nil
	}
}

func all(checks ...func(map[string]any) error) func(map[string]any) error {
	return func(m map[string]any) error {
		for _, c := range checks {
			if err := c(m); err != nil {
				return err
			}
		}
		return nil
	}
}

func prefixed(p string, cs []paramCase) []paramCase {
	out := make([]paramCase, len(cs))
	for i, c := range cs {
		c.query = p + c.query
		out[i] = c
	}
	return out
}

func sameJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestEveryAPIRouteRefusesUnknownParameters walks the whole route table (not
// only lists, every method): an unknown query parameter is a 400 naming it,
// before the handler runs, so a refused write changes nothing.
func TestEveryAPIRouteRefusesUnknownParameters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		before, _ := e.tickets.Count(t.Context(), ticket.Filter{})
		for _, rt := range e.srv.Routes() {
			method, path := concretePath(rt.Pattern)
			if !rt.API || !strings.Contains(rt.Pattern, " ") {
				continue
			}
			r := e.do(nil, method, path+"?frobnicate=1", strings.NewReader(`{"ticket":{"subject":"x","comment":{"body":"y"}}}`),
				append(basic("admin@example.com", pw), "Content-Type", "application/json")...)
			if r.code != 400 || !strings.Contains(r.body, "frobnicate") || !strings.Contains(r.body, "InvalidParameters") {
				t.Errorf("%s %s?frobnicate=1: %d %.200s", method, path, r.code, r.body)
			}
		}
		if after, _ := e.tickets.Count(t.Context(), ticket.Filter{}); after != before {
			t.Fatalf("refused requests created tickets: %d -> %d", before, after)
		}
	})
}

// TestInvalidSortOrderIsRefusedEverywhere: an invalid sort_order (or
// sort_by) is one behaviour on every list, a 400 naming it; it used to be
// ignored on users, comments, satisfaction ratings and views.
func TestInvalidSortOrderIsRefusedEverywhere(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, m := e.api("agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"s","comment":{"body":"b"}}}`)
		id := idOf(m, "ticket")
		_, m = e.api("admin", "POST", "/api/v2/views", `{"view":{"title":"v","all":[{"field":"status","operator":"less_than","value":"closed"}]}}`)
		view := idOf(m, "view")
		for _, p := range []string{"/api/v2/tickets", "/api/v2/users", fmt.Sprintf("/api/v2/tickets/%d/comments", id), fmt.Sprintf("/api/v2/tickets/%d/audits", id),
			"/api/v2/satisfaction_ratings", "/api/v2/views", fmt.Sprintf("/api/v2/views/%d/tickets", view), "/api/v2/macros", "/api/v2/triggers",
			"/api/v2/search?query=s&", "/api/v2/groups", "/api/v2/organizations"} {
			sep := "?"
			if strings.HasSuffix(p, "&") {
				sep = ""
			}
			for _, q := range []string{"sort_order=sideways", "sort_by=mood"} {
				r, _ := e.api("admin", "GET", p+sep+q, "")
				name, _, _ := strings.Cut(q, "=")
				if r.code != 400 || !strings.Contains(r.body, name) {
					t.Errorf("%s%s%s: %d %.200s", p, sep, q, r.code, r.body)
				}
			}
		}
	})
}

// TestCustomersMayNotSideLoadStaffRecords: on the routes customers may call,
// side-loading users, groups, organizations or metric sets is refused; the
// public comment count is allowed and counts public comments only.
func TestCustomersMayNotSideLoadStaffRecords(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users[people.RoleEndUser]
		_, m := e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"s","comment":{"body":"b"},"requester_id":%d,"assignee_id":%d}}`, cust.ID, e.users[people.RoleAgent].ID))
		id := idOf(m, "ticket")
		e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", id), `{"ticket":{"comment":{"body":"internal","public":false}}}`)
		for _, p := range []string{
			fmt.Sprintf("/api/v2/tickets/%d?include=users", id),
			fmt.Sprintf("/api/v2/tickets/show_many?ids=%d&include=groups", id),
			fmt.Sprintf("/api/v2/users/%d/tickets/requested?include=organizations", cust.ID),
			fmt.Sprintf("/api/v2/tickets/%d/comments?include=users", id),
			"/api/v2/search?query=s&include=tickets(users)",
		} {
			if r, _ := e.api("end-user", "GET", p, ""); r.code != 403 || strings.Contains(r.body, "agent@example.com") {
				t.Errorf("customer %s: %d %.200s", p, r.code, r.body)
			}
		}
		r, m := e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d?include=comment_count", id), "")
		if r.code != 200 || m["ticket"].(map[string]any)["comment_count"] != float64(1) {
			t.Fatalf("customer comment_count: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d?include=comment_count,users", id), "")
		if r.code != 200 || m["ticket"].(map[string]any)["comment_count"] != float64(2) || len(items(m, "users")) != 2 {
			t.Fatalf("agent comment_count and users: %d %s", r.code, r.body)
		}
	})
}

// rosterOf puts the given staff on the team roster in the given regions;
// it returns the (empty) base query of the roster list.
func rosterOf(e *env, regions map[int64]string) string {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.srv.Team.SeedDefaults(ctx); err != nil {
		e.t.Fatal(err)
	}
	for id, region := range regions {
		if _, err := e.srv.Team.UpdateMember(ctx, audit.System(), id, team.MemberInput{Region: &region}); err != nil {
			e.t.Fatal(err)
		}
	}
	return ""
}

type changeFixture struct {
	base           string
	trigger, first int64
}

// changeWorld makes (once per env) a trigger with two versions and the
// changes the change-control lists show.
func changeWorld(e *env) changeFixture {
	e.t.Helper()
	if e.changes != nil {
		return *e.changes
	}
	r, m := e.api("admin", "POST", "/api/v2/triggers", changeTrigger)
	if r.code != 201 {
		e.t.Fatalf("trigger: %d %s", r.code, r.body)
	}
	id := int64(obj(m, "trigger")["id"].(float64))
	path := fmt.Sprintf("/api/v2/triggers/%d", id)
	if r, _ := e.api("admin", "PUT", path, `{"trigger": {"title": "Renamed"}}`); r.code != 200 {
		e.t.Fatalf("update: %d", r.code)
	}
	if r, _ := e.api("admin", "POST", "/api/v2/config_changes", fmt.Sprintf(`{"config_change": {"method": "DELETE", "path": %q}}`, path)); r.code != 201 {
		e.t.Fatalf("propose: %d %s", r.code, r.body)
	}
	if r := e.do(nil, "PUT", path, strings.NewReader(`{"trigger": {"active": false}}`), append(basic("admin@example.com", pw), "Content-Type", "application/json", EmergencyHeader, "storm")...); r.code != 200 {
		e.t.Fatalf("emergency: %d", r.code)
	}
	_, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/config_versions?object_type=trigger&object_id=%d", id), "")
	first := int64(m["config_versions"].([]any)[0].(map[string]any)["id"].(float64))
	e.changes = &changeFixture{trigger: id, first: first}
	return *e.changes
}

// aseAccountOf makes (once) the env's agent the ASE of an organization and
// returns its id.
func aseAccountOf(e *env) int64 {
	e.t.Helper()
	ctx := context.Background()
	name := "ASE account"
	if o, err := e.ppl.OrganizationByName(ctx, name); err == nil {
		return o.ID
	}
	agent := e.users[people.RoleAgent]
	rosterOf(e, map[int64]string{agent.ID: "EMEA"}) // as the team members case has it
	lv, _ := e.srv.Team.Levels(ctx)
	var senior int64
	for _, l := range lv {
		if l.Key == "senior-support-engineer" {
			senior = l.ID
		}
	}
	specs := []string{team.SpecialtyASE}
	if _, err := e.srv.Team.UpdateMember(ctx, audit.System(), agent.ID, team.MemberInput{LevelID: &senior, Specialties: &specs}); err != nil {
		e.t.Fatal(err)
	}
	o, err := e.ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &name, ASEUserID: &agent.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}
