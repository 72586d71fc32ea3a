package web

import (
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/people"
)

// The OpenAPI document is built from the route table itself (paths, methods,
// access policies) plus the per-route notes below, and its schemas are
// reflected from the Go types the handlers encode, so it cannot drift from
// what the server does. A test requires a note for every API route.

// apiDoc describes one API route for the OpenAPI document.
type apiDoc struct {
	summary string
	tag     string
	body    string // request envelope key, "" for none
	result  string // response envelope key, "" for 204
	list    bool   // paginated list (both pagination styles unless paging says otherwise)
	paging  paging // pagination parameters, when not those of list
	query   []string
	sortBy  []string // values of sort_by (with sort_order asc|desc)
	sort    []string // fields of the cursor-style sort (field or -field)
	include []string // side-loads of include=
	raw     string   // content type of a non-JSON 200 response
	// flat is the type of a request body that is not enveloped (the
	// password routes, as in Zendesk); status200 answers a POST with 200.
	flat      reflect.Type
	status200 bool
}

func peopleAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"GET /api/v2/users/me":                                    {summary: "The authenticated user", tag: "Users", result: "user"},
		"GET /api/v2/users":                                       {summary: "List users (role, or several role[]; external_id)", tag: "Users", result: "users", list: true, query: []string{"role", "role[]", "external_id"}, include: userIncludes},
		"GET /api/v2/users/show_many":                             {summary: "Show many users by ids or external_ids", tag: "Users", result: "users", query: []string{"ids", "external_ids"}, include: userIncludes},
		"GET /api/v2/users/search":                                {summary: "Search users by query, email or external_id", tag: "Users", result: "users", list: true, query: []string{"query", "email", "external_id"}},
		"GET /api/v2/users/{id}":                                  {summary: "Show a user (customers: only themself)", tag: "Users", result: "user"},
		"POST /api/v2/users":                                      {summary: "Create a user", tag: "Users", body: "user", result: "user"},
		"POST /api/v2/users/create_or_update":                     {summary: "Create or update a user matched by external_id, then email", tag: "Users", body: "user", result: "user"},
		"PUT /api/v2/users/{id}":                                  {summary: "Update a user", tag: "Users", body: "user", result: "user"},
		"DELETE /api/v2/users/{id}":                               {summary: "Deactivate a user", tag: "Users", result: "user"},
		"GET /api/v2/users/{id}/organization_memberships":         {summary: "A user's organization memberships", tag: "Organization memberships", result: "organization_memberships", list: true},
		"GET /api/v2/users/{id}/group_memberships":                {summary: "A user's group memberships", tag: "Group memberships", result: "group_memberships", list: true, include: membershipIncludes},
		"GET /api/v2/organizations":                               {summary: "List organizations", tag: "Organizations", result: "organizations", list: true},
		"GET /api/v2/organizations/show_many":                     {summary: "Show many organizations by ids or external_ids", tag: "Organizations", result: "organizations", query: []string{"ids", "external_ids"}},
		"GET /api/v2/organizations/search":                        {summary: "Find an organization by external_id or name", tag: "Organizations", result: "organizations", query: []string{"external_id", "name"}},
		"GET /api/v2/organizations/{id}":                          {summary: "Show an organization", tag: "Organizations", result: "organization"},
		"POST /api/v2/organizations":                              {summary: "Create an organization", tag: "Organizations", body: "organization", result: "organization"},
		"PUT /api/v2/organizations/{id}":                          {summary: "Update an organization", tag: "Organizations", body: "organization", result: "organization"},
		"DELETE /api/v2/organizations/{id}":                       {summary: "Delete an organization", tag: "Organizations"},
		"GET /api/v2/organizations/{id}/users":                    {summary: "An organization's users (role, role[], external_id)", tag: "Organizations", result: "users", list: true, query: []string{"role", "role[]", "external_id"}, include: userIncludes},
		"GET /api/v2/organizations/{id}/organization_memberships": {summary: "An organization's memberships", tag: "Organization memberships", result: "organization_memberships", list: true},
		"GET /api/v2/organization_memberships":                    {summary: "List organization memberships", tag: "Organization memberships", result: "organization_memberships", list: true},
		"GET /api/v2/organization_memberships/{mid}":              {summary: "Show an organization membership", tag: "Organization memberships", result: "organization_membership"},
		"POST /api/v2/organization_memberships":                   {summary: "Add a user to an organization", tag: "Organization memberships", body: "organization_membership", result: "organization_membership"},
		"DELETE /api/v2/organization_memberships/{mid}":           {summary: "Remove an organization membership", tag: "Organization memberships"},
		"GET /api/v2/groups":                                      {summary: "List groups (exclude_deleted=false lists deleted ones too)", tag: "Groups", result: "groups", list: true, query: []string{"exclude_deleted"}, include: []string{"users"}},
		"GET /api/v2/groups/{id}":                                 {summary: "Show a group", tag: "Groups", result: "group"},
		"POST /api/v2/groups":                                     {summary: "Create a group", tag: "Groups", body: "group", result: "group"},
		"PUT /api/v2/groups/{id}":                                 {summary: "Update a group", tag: "Groups", body: "group", result: "group"},
		"DELETE /api/v2/groups/{id}":                              {summary: "Delete a group", tag: "Groups"},
		"GET /api/v2/groups/{id}/memberships":                     {summary: "A group's memberships", tag: "Group memberships", result: "group_memberships", list: true, include: membershipIncludes},
		"GET /api/v2/group_memberships":                           {summary: "List group memberships", tag: "Group memberships", result: "group_memberships", list: true, include: membershipIncludes},
		"GET /api/v2/group_memberships/{mid}":                     {summary: "Show a group membership", tag: "Group memberships", result: "group_membership"},
		"POST /api/v2/group_memberships":                          {summary: "Add an agent to a group", tag: "Group memberships", body: "group_membership", result: "group_membership"},
		"DELETE /api/v2/group_memberships/{mid}":                  {summary: "Remove a group membership", tag: "Group memberships"},
		"GET /api/v2/openapi":                                     {summary: "This document", tag: "Meta"},
	}
}

// apiDocs merges the route notes of every API area.
// membershipIncludes are the side-loads of group membership lists.
var membershipIncludes = []string{"users", "groups"}

func apiDocs() map[string]apiDoc {
	m := peopleAPIDocs()
	for _, more := range []map[string]apiDoc{satisfactionAPIDocs(), ticketAPIDocs(), mailAPIDocs(), slaAPIDocs(), rulesAPIDocs(), teamAPIDocs(), passwordAPIDocs(), accessReviewAPIDocs(), changeAPIDocs(), aseAPIDocs(), zendeskAPIDocs(), kpiAPIDocs(), kbAPIDocs(), onCallAPIDocs(), chatWebhookAPIDocs(), hiringAPIDocs(), hiringMailAPIDocs(), brandAPIDocs()} {
		maps.Copy(m, more)
	}
	return m
}

// envelopes merges the envelope types of every API area.
func envelopes() map[string]envelope {
	m := peopleEnvelopes()
	maps.Copy(m, ticketEnvelopes())
	maps.Copy(m, satisfactionEnvelopes())
	maps.Copy(m, mailEnvelopes())
	maps.Copy(m, rulesEnvelopes())
	maps.Copy(m, slaEnvelopes())
	maps.Copy(m, teamEnvelopes())
	maps.Copy(m, accessReviewEnvelopes())
	maps.Copy(m, changeEnvelopes())
	maps.Copy(m, aseEnvelopes())
	maps.Copy(m, zendeskEnvelopes())
	maps.Copy(m, kpiEnvelopes())
	maps.Copy(m, kbEnvelopes())
	maps.Copy(m, onCallEnvelopes())
	maps.Copy(m, chatWebhookEnvelopes())
	maps.Copy(m, hiringEnvelopes())
	maps.Copy(m, hiringMailEnvelopes())
	maps.Copy(m, brandEnvelopes())
	return m
}

// envelope is what one JSON envelope key carries: the type a response
// encodes and the type a request body decodes into.
type envelope struct{ out, in reflect.Type }

func peopleEnvelopes() map[string]envelope {
	return map[string]envelope{
		"user":                    {reflect.TypeOf(userJSON{}), reflect.TypeOf(people.UserInput{})},
		"organization":            {reflect.TypeOf(orgJSON{}), reflect.TypeOf(people.OrganizationInput{})},
		"group":                   {reflect.TypeOf(groupJSON{}), reflect.TypeOf(people.GroupInput{})},
		"organization_membership": {reflect.TypeOf(orgMembershipJSON{}), reflect.TypeOf(membershipInput{})},
		"group_membership":        {reflect.TypeOf(groupMembershipJSON{}), reflect.TypeOf(membershipInput{})},
		"password_change":         {reflect.TypeOf(passwordChangeJSON{}), passwordInputType},
	}
}

var passwordInputType = reflect.TypeOf(passwordInput{})

// singular returns the envelope key of one item of a list key.
func singular(key string) string { return strings.TrimSuffix(key, "s") }

var timeType = reflect.TypeOf(time.Time{})

// schemaOf reflects a JSON schema from a Go type's json tags.
func schemaOf(t reflect.Type) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		props := map[string]any{}
		collectProps(t, props)
		s = map[string]any{"type": "object", "properties": props}
	case t.Kind() == reflect.Slice:
		s = map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case t.Kind() == reflect.Map:
		s = map[string]any{"type": "object"}
	case t.Kind() == reflect.Bool:
		s = map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		s = map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		s = map[string]any{"type": "number"}
	case t.Kind() == reflect.String:
		s = map[string]any{"type": "string"}
	default:
		s = map[string]any{}
	}
	if nullable {
		s["nullable"] = true
	}
	return s
}

func collectProps(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			collectProps(f.Type, props)
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, seen := props[name]; !seen {
			props[name] = schemaOf(f.Type)
		}
	}
}

var pathParam = regexp.MustCompile(`\{([^}$]+)\}`)

// openAPI builds the document from the registered routes.
func (s *Server) openAPI(r *http.Request) map[string]any {
	docs, env := apiDocs(), envelopes()
	paths := map[string]any{}
	errorRef := map[string]any{"$ref": "#/components/responses/Error"}
	for _, rt := range s.routes {
		if !rt.API {
			continue
		}
		d, ok := docs[rt.Pattern]
		if !ok {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		op := map[string]any{
			"summary":            d.summary,
			"tags":               []string{d.tag},
			"x-frontline-policy": rt.Policy.String(),
		}
		if rt.Permission != "" {
			op["x-frontline-permission"] = string(rt.Permission)
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		paged := d.pagingOf().params()
		for _, q := range d.allowedParams() {
			if slices.Contains(paged, q) {
				continue
			}
			schema := map[string]any{"type": "string"}
			switch q {
			case "sort_by":
				if len(d.sortBy) > 0 {
					schema["enum"] = d.sortBy
				}
			case "sort_order":
				schema["enum"] = []string{"asc", "desc"}
			case "sort":
				var vals []string
				for _, f := range d.sort {
					vals = append(vals, f, "-"+f)
				}
				schema["enum"] = vals
			}
			param := map[string]any{"name": q, "in": "query", "schema": schema}
			if q == "include" && len(d.include) > 0 {
				param["description"] = "comma-separated side-loads: " + strings.Join(d.include, ", ")
			}
			params = append(params, param)
		}
		for _, q := range paged {
			params = append(params, map[string]any{"$ref": "#/components/parameters/" + strings.NewReplacer("[", "_", "]", "").Replace(q)})
		}
		if params != nil {
			op["parameters"] = params
		}
		if d.body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"type": "object", "required": []string{d.body},
					"properties": map[string]any{d.body: schemaOf(env[d.body].in)}}}}}
		}
		if d.flat != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
				"schema": schemaOf(d.flat)}}}
		}
		responses := map[string]any{"400": errorRef, "401": errorRef, "403": errorRef, "404": errorRef, "422": errorRef, "429": errorRef}
		switch {
		case d.result == "" && path == "/api/v2/openapi":
			responses["200"] = map[string]any{"description": "OpenAPI 3.0 document"}
		case d.raw != "":
			responses["200"] = map[string]any{"description": "OK", "content": map[string]any{d.raw: map[string]any{
				"schema": map[string]any{"type": "string", "format": "binary"}}}}
		case d.result == "":
			responses["204"] = map[string]any{"description": "Deleted"}
		default:
			var schema map[string]any
			if e, ok := env[d.result]; ok {
				schema = schemaOf(e.out)
			} else {
				schema = map[string]any{"type": "array", "items": schemaOf(env[singular(d.result)].out)}
			}
			props := map[string]any{d.result: schema}
			if d.list {
				for k, v := range map[string]any{"count": map[string]any{"type": "integer"}, "next_page": map[string]any{"type": "string", "nullable": true},
					"previous_page": map[string]any{"type": "string", "nullable": true}, "meta": map[string]any{"type": "object"}, "links": map[string]any{"type": "object"}} {
					props[k] = v
				}
			}
			code := "200"
			if method == "POST" && !d.status200 {
				code = "201"
			}
			responses[code] = map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"type": "object", "properties": props}}}}
		}
		op["responses"] = responses
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(method)] = op
	}
	pageParam := func(name, desc string, typ string) map[string]any {
		return map[string]any{"name": name, "in": "query", "description": desc, "schema": map[string]any{"type": typ}}
	}
	tags := []string{}
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.tag] {
			seen[d.tag] = true
			tags = append(tags, d.tag)
		}
	}
	sort.Strings(tags)
	var tagObjs []any
	for _, t := range tags {
		tagObjs = append(tagObjs, map[string]any{"name": t})
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Frontline API", "version": s.Version,
			"description": "Zendesk API v2 compatible help-desk API. Paths also answer with a .json suffix. A query parameter a route does not list is a 400 naming it."},
		"servers":  []any{map[string]any{"url": s.baseURL(r)}},
		"tags":     tagObjs,
		"security": []any{map[string]any{"basic": []string{}}, map[string]any{"bearer": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"basic":  map[string]any{"type": "http", "scheme": "basic", "description": "email:password or email/token:API_TOKEN"},
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API token"},
			},
			"parameters": map[string]any{
				"page":       pageParam("page", "offset pagination: page number from 1", "integer"),
				"per_page":   pageParam("per_page", "offset pagination: items per page, at most 100", "integer"),
				"page_size":  pageParam("page[size]", "cursor pagination: items per page, at most 100", "integer"),
				"page_after": pageParam("page[after]", "cursor pagination: meta.after_cursor of the previous page", "string"),
			},
			"responses": map[string]any{
				"Error": map[string]any{"description": "Zendesk-style error", "content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"type": "object", "properties": map[string]any{
						"error": map[string]any{"type": "string"}, "description": map[string]any{"type": "string"},
						"details": map[string]any{"type": "object"}}}}}},
			},
		},
	}
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPI(r))
	return nil
}
