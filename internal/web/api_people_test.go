package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// api sends a JSON request as the user with the given role.
func (e *env) api(role, method, path, body string) (resp, map[string]any) {
	e.t.Helper()
	hdr := append(basic(role+"@example.com", pw), "Content-Type", "application/json")
	var r resp
	if body == "" {
		r = e.do(nil, method, path, nil, hdr...)
	} else {
		r = e.do(nil, method, path, strings.NewReader(body), hdr...)
	}
	var m map[string]any
	if strings.TrimSpace(r.body) != "" {
		if err := json.Unmarshal([]byte(r.body), &m); err != nil {
			e.t.Fatalf("%s %s: response is not JSON: %s", method, path, r.body)
		}
	}
	return r, m
}

func TestPeopleAPICreateValidateAndRefuse(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r, org := e.api("admin", "POST", "/api/v2/organizations.json", `{"organization":{"name":"Acme","support_plan":"saas","tier":"premium","domain_names":["acme.example"],"external_id":"crm-1"}}`)
		if r.code != 201 {
			t.Fatalf("create org: %d %s", r.code, r.body)
		}
		orgID := int64(org["organization"].(map[string]any)["id"].(float64))
		if url := org["organization"].(map[string]any)["url"].(string); url != e.ts.URL+fmt.Sprintf("/api/v2/organizations/%d.json", orgID) {
			t.Fatalf("org url %q", url)
		}
		r, u := e.api("agent", "POST", "/api/v2/users", fmt.Sprintf(`{"user":{"name":"Wile","email":"wile@acme.example","organization_id":%d,"external_id":"ext-9","unknown_field":{"x":1}}}`, orgID))
		if r.code != 201 || u["user"].(map[string]any)["role"] != "end-user" {
			t.Fatalf("agent creates end-user: %d %s", r.code, r.body)
		}
		before, _ := e.ppl.CountUsers(t.Context(), people.UserFilter{})

		cases := []struct {
			role, method, path, body string
			code                     int
			want                     string
		}{
			{"agent", "POST", "/api/v2/users", `{"user":{"name":"Dup","email":"WILE@acme.example"}}`, 422, `"email":[{"description":"Email: has already been taken","error":"DuplicateValue"}]`},
			{"agent", "POST", "/api/v2/users", `{"user":{"name":5}}`, 422, `"name":[{"description":"Name: must be a string, not number"`},
			{"agent", "POST", "/api/v2/users", `{"user":{"name":"X"`, 400, `"error":"InvalidParameters"`},
			{"agent", "POST", "/api/v2/users", `{"usr":{"name":"X"}}`, 400, `must be a JSON object with a \"user\" object`},
			{"agent", "POST", "/api/v2/users", `{"user":{"name":"Boss","email":"b@x.example","role":"admin"}}`, 403, `"error":"Forbidden"`},
			{"agent", "POST", "/api/v2/users", `{"user":{"name":"X","email":"x@x.example","region":"EMEA"}}`, 403, `"error":"Forbidden"`},
			{"agent", "PUT", fmt.Sprintf("/api/v2/users/%d", e.users["admin"].ID), `{"user":{"name":"Renamed"}}`, 403, `"error":"Forbidden"`},
			{"agent", "POST", "/api/v2/organizations", `{"organization":{"name":"Nope"}}`, 403, `"error":"Forbidden"`},
			{"end-user", "GET", "/api/v2/users", "", 403, `"error":"Forbidden"`},
			{"end-user", "GET", fmt.Sprintf("/api/v2/users/%d", e.users["agent"].ID), "", 403, `"error":"Forbidden"`},
			{"admin", "GET", "/api/v2/users/999999.json", "", 404, `{"error":"RecordNotFound","description":"Not found"}`},
			{"admin", "GET", "/api/v2/users/abc", "", 404, `RecordNotFound`},
			{"admin", "POST", "/api/v2/users", `{"user":{"name":"` + strings.Repeat("x", 5000) + `"}}`, 413, `RequestTooLarge`},
			{"admin", "POST", "/api/v2/users", `{"user":{"name":"X","organization_id":424242}}`, 422, `"organization_id"`},
			{"admin", "POST", "/api/v2/organizations", `{"organization":{"name":"Other","domain_names":["acme.example"]}}`, 422, `is already used by another organization`},
			{"admin", "GET", "/api/v2/users?per_page=500", "", 400, `per_page`},
			{"admin", "GET", "/api/v2/users?page[size]=0", "", 400, `page[size]`},
			{"admin", "GET", "/api/v2/users?page[after]=garbage!", "", 400, `page[after]`},
		}
		for _, tc := range cases {
			r, _ := e.api(tc.role, tc.method, tc.path, tc.body)
			if r.code != tc.code || !strings.Contains(r.body, tc.want) {
				t.Errorf("%s %s %s %.60s: %d %s; want %d with %s", tc.role, tc.method, tc.path, tc.body, r.code, r.body, tc.code, tc.want)
			}
		}
		if after, _ := e.ppl.CountUsers(t.Context(), people.UserFilter{}); after != before {
			t.Fatalf("refused requests changed the users: %d -> %d", before, after)
		}
		if n, _ := e.ppl.CountOrganizations(t.Context(), people.OrgFilter{}); n != 1 {
			t.Fatalf("refused requests changed the organizations: %d", n)
		}
		// The customer can read themself; a customer's own profile.
		if r, _ := e.api("end-user", "GET", fmt.Sprintf("/api/v2/users/%d.json", e.users["end-user"].ID), ""); r.code != 200 {
			t.Fatalf("self read: %d", r.code)
		}

		// Search by email, external_id and query; org search by external id; org users.
		for path, want := range map[string]int{
			"/api/v2/users/search.json?email=wile@acme.example":  1,
			"/api/v2/users/search?external_id=ext-9":             1,
			"/api/v2/users/search?query=wile":                    1,
			"/api/v2/users/search?email=nobody@x.example":        0,
			fmt.Sprintf("/api/v2/organizations/%d/users", orgID): 1,
		} {
			r, m := e.api("agent", "GET", path, "")
			if r.code != 200 || len(m["users"].([]any)) != want {
				t.Errorf("%s: %d %s", path, r.code, r.body)
			}
		}
		if r, m := e.api("agent", "GET", "/api/v2/organizations/search?external_id=crm-1", ""); r.code != 200 || len(m["organizations"].([]any)) != 1 {
			t.Errorf("org search: %d %s", r.code, r.body)
		}
		// create_or_update: matches by email (200), else creates (201).
		r, m := e.api("agent", "POST", "/api/v2/users/create_or_update", `{"user":{"email":"wile@acme.example","phone":"+1 555 0100","name":"Wile E."}}`)
		if r.code != 200 || m["user"].(map[string]any)["phone"] != "+1 555 0100" {
			t.Fatalf("create_or_update existing: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", "/api/v2/users/create_or_update", `{"user":{"email":"new@acme.example","name":"New"}}`); r.code != 201 {
			t.Fatalf("create_or_update new: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/users/show_many.json?ids=%d,999,%d", e.users["admin"].ID, e.users["agent"].ID), ""); r.code != 200 || len(m["users"].([]any)) != 2 {
			t.Fatalf("show_many: %d %s", r.code, r.body)
		}
	})
}

func TestPeopleAPIPaginationBothWays(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for i := 0; i < 7; i++ {
			if r, _ := e.api("admin", "POST", "/api/v2/users", fmt.Sprintf(`{"user":{"name":"User %d","email":"u%d@example.com"}}`, i, i)); r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
		}
		total := 10 // 3 fixture users + 7
		// Offset pages with absolute next/previous URLs and a count.
		seen := map[float64]bool{}
		next := e.ts.URL + "/api/v2/users.json?per_page=3"
		pages := 0
		for next != "" {
			r, m := e.api("admin", "GET", strings.TrimPrefix(next, e.ts.URL), "")
			if r.code != 200 || m["count"].(float64) != float64(total) {
				t.Fatalf("offset page: %d %s", r.code, r.body)
			}
			for _, u := range m["users"].([]any) {
				seen[u.(map[string]any)["id"].(float64)] = true
			}
			if pages > 0 && m["previous_page"] == nil {
				t.Fatalf("page %d has no previous_page", pages+1)
			}
			next, _ = m["next_page"].(string)
			if next != "" && !strings.HasPrefix(next, e.ts.URL+"/api/v2/users.json?") {
				t.Fatalf("next_page not absolute: %s", next)
			}
			pages++
		}
		if len(seen) != total || pages != 4 {
			t.Fatalf("offset pagination saw %d users in %d pages", len(seen), pages)
		}
		// Cursor pages follow links.next until has_more is false.
		seen = map[float64]bool{}
		next = e.ts.URL + "/api/v2/users?page[size]=4"
		pages = 0
		for next != "" {
			r, m := e.api("admin", "GET", strings.TrimPrefix(next, e.ts.URL), "")
			if r.code != 200 {
				t.Fatalf("cursor page: %d %s", r.code, r.body)
			}
			meta := m["meta"].(map[string]any)
			for _, u := range m["users"].([]any) {
				seen[u.(map[string]any)["id"].(float64)] = true
			}
			next, _ = m["links"].(map[string]any)["next"].(string)
			if (next != "") != meta["has_more"].(bool) {
				t.Fatalf("links.next %q disagrees with has_more %v", next, meta["has_more"])
			}
			pages++
		}
		if len(seen) != total || pages != 3 {
			t.Fatalf("cursor pagination saw %d users in %d pages", len(seen), pages)
		}
	})
}

func TestGroupsAndMembershipsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r, g := e.api("admin", "POST", "/api/v2/groups", `{"group":{"name":"Support EMEA","description":"Europe"}}`)
		if r.code != 201 {
			t.Fatalf("create group: %d %s", r.code, r.body)
		}
		gid := int64(g["group"].(map[string]any)["id"].(float64))
		body := fmt.Sprintf(`{"group_membership":{"user_id":%d,"group_id":%d,"default":true}}`, e.users["agent"].ID, gid)
		r, m := e.api("admin", "POST", "/api/v2/group_memberships.json", body)
		if r.code != 201 || m["group_membership"].(map[string]any)["group_id"].(float64) != float64(gid) {
			t.Fatalf("membership: %d %s", r.code, r.body)
		}
		mid := int64(m["group_membership"].(map[string]any)["id"].(float64))
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/group_memberships/%d.json", mid), ""); r.code != 200 ||
			m["group_membership"].(map[string]any)["group_id"].(float64) != float64(gid) ||
			!strings.HasSuffix(m["group_membership"].(map[string]any)["url"].(string), fmt.Sprintf("/api/v2/group_memberships/%d.json", mid)) {
			t.Fatalf("show membership: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/groups/%d", gid), ""); r.code != 200 ||
			!strings.HasSuffix(m["group"].(map[string]any)["url"].(string), fmt.Sprintf("/api/v2/groups/%d.json", gid)) {
			t.Fatalf("show group: %d %s", r.code, r.body)
		}
		bad := fmt.Sprintf(`{"group_membership":{"user_id":%d,"group_id":%d}}`, e.users["end-user"].ID, gid)
		if r, _ := e.api("admin", "POST", "/api/v2/group_memberships", bad); r.code != 422 || !strings.Contains(r.body, "must be an agent or admin") {
			t.Fatalf("customer in group: %d %s", r.code, r.body)
		}
		for _, path := range []string{fmt.Sprintf("/api/v2/groups/%d/memberships", gid), fmt.Sprintf("/api/v2/users/%d/group_memberships.json", e.users["agent"].ID), "/api/v2/group_memberships"} {
			if r, m := e.api("agent", "GET", path, ""); r.code != 200 || len(m["group_memberships"].([]any)) != 1 {
				t.Fatalf("%s: %d %s", path, r.code, r.body)
			}
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2/group_memberships/%d", mid), ""); r.code != 403 {
			t.Fatalf("agent deletes membership: %d", r.code)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/group_memberships/%d", mid), ""); r.code != 204 || r.body != "" {
			t.Fatalf("delete membership: %d %q", r.code, r.body)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/group_memberships/%d", mid), ""); r.code != 404 {
			t.Fatalf("delete again: %d", r.code)
		}
		if r, _ := e.api("admin", "PUT", fmt.Sprintf("/api/v2/groups/%d", gid), `{"group":{"name":"Support Europe"}}`); r.code != 200 || !strings.Contains(r.body, "Support Europe") {
			t.Fatalf("rename group: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/groups/%d", gid), ""); r.code != 204 {
			t.Fatalf("delete group: %d", r.code)
		}
		if r, m := e.api("agent", "GET", "/api/v2/groups", ""); r.code != 200 || len(m["groups"].([]any)) != 0 {
			t.Fatalf("groups after delete: %d %s", r.code, r.body)
		}
		// Organization memberships.
		_, o := e.api("admin", "POST", "/api/v2/organizations", `{"organization":{"name":"Initech"}}`)
		oid := int64(o["organization"].(map[string]any)["id"].(float64))
		r, om := e.api("admin", "POST", "/api/v2/organization_memberships", fmt.Sprintf(`{"organization_membership":{"user_id":%d,"organization_id":%d}}`, e.users["end-user"].ID, oid))
		if r.code != 201 || om["organization_membership"].(map[string]any)["organization_id"].(float64) != float64(oid) {
			t.Fatalf("org membership: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/organizations/%d/organization_memberships", oid), ""); r.code != 200 || len(m["organization_memberships"].([]any)) != 1 {
			t.Fatalf("org memberships: %d %s", r.code, r.body)
		}
		omid := int64(om["organization_membership"].(map[string]any)["id"].(float64))
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/organization_memberships/%d", omid), ""); r.code != 200 ||
			m["organization_membership"].(map[string]any)["organization_id"].(float64) != float64(oid) ||
			!strings.HasSuffix(m["organization_membership"].(map[string]any)["url"].(string), fmt.Sprintf("/api/v2/organization_memberships/%d.json", omid)) {
			t.Fatalf("show org membership: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/organizations/show_many?ids=%d,999999", oid), ""); r.code != 200 ||
			len(m["organizations"].([]any)) != 1 || m["count"].(float64) != 1 {
			t.Fatalf("show_many organizations: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/organization_memberships/%d", omid), ""); r.code != 204 || r.body != "" {
			t.Fatalf("delete org membership: %d %q", r.code, r.body)
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/organization_memberships/%d", omid), ""); r.code != 404 {
			t.Fatalf("deleted org membership: %d", r.code)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/organizations/%d", oid), ""); r.code != 204 {
			t.Fatalf("delete org: %d", r.code)
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/organizations/%d", oid), ""); r.code != 404 {
			t.Fatalf("deleted org: %d", r.code)
		}
	})
}
