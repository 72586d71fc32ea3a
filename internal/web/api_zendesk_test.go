package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func idsOf(v any) []int64 {
	var out []int64
	for _, x := range v.([]any) {
		out = append(out, int64(x.(float64)))
	}
	return out
}

// TestZendeskCCsAndFollowers: collaborators, email_ccs and followers as
// Zendesk takes them (ids, emails, {name, email}, actions), creating
// end-users for unknown CC emails.
func TestZendeskCCsAndFollowers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust, agent, admin := e.users["end-user"], e.users["agent"], e.users["admin"]
		r, m := e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"CCs","comment":{"body":"x"},"requester_id":%d,
			"collaborators":[%d,"new.cc@example.com",{"name":"Road Runner","email":"beep@example.com"}],"followers":[{"user_id":%d,"action":"put"}]}}`, cust.ID, admin.ID, agent.ID))
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		tk := m["ticket"].(map[string]any)
		id := int64(tk["id"].(float64))
		cc, err := e.ppl.UserByEmail(t.Context(), "new.cc@example.com")
		if err != nil || cc.Role != "end-user" {
			t.Fatalf("cc user: %v %v", cc, err)
		}
		rr, err := e.ppl.UserByEmail(t.Context(), "beep@example.com")
		if err != nil || rr.Name != "Road Runner" {
			t.Fatalf("named cc: %v %v", rr, err)
		}
		got := idsOf(tk["collaborator_ids"])
		for _, want := range []int64{admin.ID, cc.ID, rr.ID, agent.ID} {
			if !slices.Contains(got, want) {
				t.Fatalf("collaborator_ids %v lacks %d", got, want)
			}
		}
		if f := idsOf(tk["follower_ids"]); !slices.Contains(f, agent.ID) || !slices.Contains(f, admin.ID) || len(f) != 2 {
			t.Fatalf("follower_ids %v", f)
		}
		// additional_collaborators takes emails; email_ccs removes with action delete.
		r, m = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), `{"ticket":{"additional_collaborators":["late@example.com"],
			"email_ccs":[{"user_email":"beep@example.com","action":"delete"}]}}`)
		if r.code != 200 {
			t.Fatalf("update: %d %s", r.code, r.body)
		}
		late, err := e.ppl.UserByEmail(t.Context(), "late@example.com")
		if err != nil {
			t.Fatal(err)
		}
		got = idsOf(m["ticket"].(map[string]any)["collaborator_ids"])
		if !slices.Contains(got, late.ID) || slices.Contains(got, rr.ID) {
			t.Fatalf("after update %v (late %d, removed %d)", got, late.ID, rr.ID)
		}
		// A follower must be an agent.
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), fmt.Sprintf(`{"ticket":{"followers":[{"user_id":%d}]}}`, cust.ID)); r.code != 422 {
			t.Fatalf("customer follower: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), `{"ticket":{"collaborators":[true]}}`); r.code != 422 {
			t.Fatalf("bad entry: %d %s", r.code, r.body)
		}
		// tickets/{id}/collaborators lists the users.
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/collaborators.json", id), "")
		if r.code != 200 || len(m["users"].([]any)) != len(got) {
			t.Fatalf("collaborators: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/followers.json", id), "")
		if r.code != 200 || len(m["users"].([]any)) != 2 {
			t.Fatalf("followers: %d %s", r.code, r.body)
		}
		// Customers cannot list them.
		if r, _ = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d/collaborators.json", id), ""); r.code != 403 {
			t.Fatalf("customer collaborators: %d", r.code)
		}
	})
}

// TestZendeskCustomFields: ticket, user and organization fields (CRUD, the
// types' rules), their values on ticket create/update (validated; tagger,
// multiselect and checkbox tags), on users and organizations, and in search.
func TestZendeskCustomFields(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mk := func(path, body string) int64 {
			t.Helper()
			r, m := e.api("admin", "POST", path, body)
			if r.code != 201 {
				t.Fatalf("%s: %d %s", path, r.code, r.body)
			}
			for _, v := range m {
				return int64(v.(map[string]any)["id"].(float64))
			}
			return 0
		}
		tier := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"tagger","title":"Tier","custom_field_options":[{"name":"Gold","value":"tier_gold"},{"name":"Silver","value":"tier_silver"}]}}`)
		os := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"multiselect","title":"OS","custom_field_options":[{"name":"Linux","value":"os_linux"},{"name":"Mac","value":"os_mac"}]}}`)
		vip := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"checkbox","title":"VIP","tag":"vip"}}`)
		seats := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"integer","title":"Seats"}}`)
		sku := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"regexp","title":"SKU","regexp_for_validation":"^[A-Z]{3}-\\d+$"}}`)
		day := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"date","title":"Go-live"}}`)
		amount := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"decimal","title":"Amount","required":true}}`)
		note := mk("/api/v2/ticket_fields.json", `{"ticket_field":{"type":"textarea","title":"Note"}}`)
		// The Custom field rule refuses bad definitions.
		for _, bad := range []string{`{"ticket_field":{"type":"tagger","title":"No options"}}`, `{"ticket_field":{"type":"regexp","title":"No re"}}`,
			`{"ticket_field":{"type":"colour","title":"x"}}`, `{"ticket_field":{"type":"text","title":""}}`} {
			if r, _ := e.api("admin", "POST", "/api/v2/ticket_fields.json", bad); r.code != 422 {
				t.Fatalf("bad field %s: %d %s", bad, r.code, r.body)
			}
		}
		if r, _ := e.api("agent", "POST", "/api/v2/ticket_fields.json", `{"ticket_field":{"type":"text","title":"x"}}`); r.code != 403 {
			t.Fatalf("agent creates a field: %d", r.code)
		}
		r, m := e.api("agent", "GET", "/api/v2/ticket_fields.json", "")
		if r.code != 200 || len(m["ticket_fields"].([]any)) != 8 {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		cust := e.users["end-user"]
		r, m = e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"F","comment":{"body":"x"},"requester_id":%d,"custom_fields":[
			{"id":%d,"value":"tier_gold"},{"id":%d,"value":["os_linux","os_mac"]},{"id":%d,"value":true},{"id":%d,"value":"12"},
			{"id":%d,"value":"ABC-12"},{"id":%d,"value":"2026-01-31"},{"id":%d,"value":1.5},{"id":%d,"value":"long text"}]}}`,
			cust.ID, tier, os, vip, seats, sku, day, amount, note))
		if r.code != 201 {
			t.Fatalf("create with fields: %d %s", r.code, r.body)
		}
		tk := m["ticket"].(map[string]any)
		id := int64(tk["id"].(float64))
		tags := fmt.Sprint(tk["tags"])
		for _, want := range []string{"tier_gold", "os_linux", "os_mac", "vip"} {
			if !strings.Contains(tags, want) {
				t.Fatalf("tags %s lack %s", tags, want)
			}
		}
		if !strings.Contains(r.body, fmt.Sprintf(`{"id":%d,"value":12}`, seats)) || fmt.Sprint(tk["fields"]) != fmt.Sprint(tk["custom_fields"]) {
			t.Fatalf("integer not normalised or fields differ: %s", r.body)
		}
		// Bad values are refused, naming the field.
		for _, bad := range []string{
			fmt.Sprintf(`{"id":%d,"value":"tier_bronze"}`, tier), fmt.Sprintf(`{"id":%d,"value":"12.5"}`, seats),
			fmt.Sprintf(`{"id":%d,"value":"abc-1"}`, sku), fmt.Sprintf(`{"id":%d,"value":"31/01/2026"}`, day),
			fmt.Sprintf(`{"id":%d,"value":["os_bsd"]}`, os), fmt.Sprintf(`{"id":%d,"value":"maybe"}`, vip),
		} {
			r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), `{"ticket":{"custom_fields":[`+bad+`]}}`)
			if r.code != 422 || !strings.Contains(r.body, "Custom field rule") {
				t.Fatalf("bad value %s: %d %s", bad, r.code, r.body)
			}
		}
		// Changing the tagger swaps its tag; unchecking removes the checkbox tag.
		r, m = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), fmt.Sprintf(`{"ticket":{"custom_fields":[{"id":%d,"value":"tier_silver"},{"id":%d,"value":false}]}}`, tier, vip))
		tags = fmt.Sprint(m["ticket"].(map[string]any)["tags"])
		if r.code != 200 || !strings.Contains(tags, "tier_silver") || strings.Contains(tags, "tier_gold") || strings.Contains(tags, "vip") {
			t.Fatalf("tag swap: %d %s", r.code, tags)
		}
		// Solving needs the required field: clearing it refuses the solve.
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id), fmt.Sprintf(`{"ticket":{"status":"solved","custom_fields":[{"id":%d,"value":null}]}}`, amount)); r.code != 422 {
			t.Fatalf("solve without required: %d %s", r.code, r.body)
		}
		// Search finds the field's tag.
		r, m = e.api("agent", "GET", "/api/v2/search.json?query="+url.QueryEscape("tags:tier_silver"), "")
		if r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("search by field tag: %d %s", r.code, r.body)
		}
		// User fields: keyed, validated, shown on every user.
		mk("/api/v2/user_fields.json", `{"user_field":{"type":"dropdown","key":"plan","title":"Plan","custom_field_options":[{"name":"Pro","value":"pro"}]}}`)
		mk("/api/v2/user_fields.json", `{"user_field":{"type":"date","key":"renewal","title":"Renewal"}}`)
		if r, _ := e.api("admin", "POST", "/api/v2/user_fields.json", `{"user_field":{"type":"text","title":"No key"}}`); r.code != 422 {
			t.Fatalf("user field without key: %d", r.code)
		}
		r, m = e.api("agent", "PUT", fmt.Sprintf("/api/v2/users/%d.json", cust.ID), `{"user":{"user_fields":{"plan":"pro","renewal":"2027-03-01"}}}`)
		if r.code != 200 || fmt.Sprint(m["user"].(map[string]any)["user_fields"]) != "map[plan:pro renewal:2027-03-01]" {
			t.Fatalf("user fields: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/users/%d.json", cust.ID), `{"user":{"user_fields":{"plan":"free"}}}`); r.code != 422 {
			t.Fatalf("bad user field: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/users/%d.json", e.users["agent"].ID), "")
		if r.code != 200 || fmt.Sprint(m["user"].(map[string]any)["user_fields"]) != "map[plan:<nil> renewal:<nil>]" {
			t.Fatalf("unset user fields: %s", r.body)
		}
		// Organization fields.
		mk("/api/v2/organization_fields.json", `{"organization_field":{"type":"integer","key":"seats","title":"Seats"}}`)
		r, m = e.api("admin", "POST", "/api/v2/organizations.json", `{"organization":{"name":"Acme","organization_fields":{"seats":"40"}}}`)
		if r.code != 201 || fmt.Sprint(m["organization"].(map[string]any)["organization_fields"]) != "map[seats:40]" {
			t.Fatalf("org fields: %d %s", r.code, r.body)
		}
		// Update and delete a field.
		if r, _ = e.api("admin", "PUT", fmt.Sprintf("/api/v2/ticket_fields/%d.json", note), `{"ticket_field":{"title":"Notes"}}`); r.code != 200 || !strings.Contains(r.body, `"title":"Notes"`) {
			t.Fatalf("update field: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "PUT", fmt.Sprintf("/api/v2/ticket_fields/%d.json", note), `{"ticket_field":{"type":"text"}}`); r.code != 422 {
			t.Fatalf("type change: %d", r.code)
		}
		if r, _ = e.api("admin", "DELETE", fmt.Sprintf("/api/v2/ticket_fields/%d.json", note), ""); r.code != 204 {
			t.Fatalf("delete field: %d", r.code)
		}
		// Ticket forms group fields; customers see end-user visible ones.
		r, m = e.api("admin", "POST", "/api/v2/ticket_forms.json", fmt.Sprintf(`{"ticket_form":{"name":"Billing","ticket_field_ids":[%d,%d],"default":true}}`, tier, seats))
		if r.code != 201 {
			t.Fatalf("form: %d %s", r.code, r.body)
		}
		e.api("admin", "POST", "/api/v2/ticket_forms.json", `{"ticket_form":{"name":"Internal","end_user_visible":false}}`)
		if r, _ := e.api("admin", "POST", "/api/v2/ticket_forms.json", `{"ticket_form":{"name":"Bad","ticket_field_ids":[999999]}}`); r.code != 422 {
			t.Fatalf("form with unknown field: %d", r.code)
		}
		r, m = e.api("end-user", "GET", "/api/v2/ticket_forms.json", "")
		if r.code != 200 || len(m["ticket_forms"].([]any)) != 1 {
			t.Fatalf("customer forms: %d %s", r.code, r.body)
		}
	})
}

// TestZendeskBulkJobs: create_many, update_many (both forms), destroy_many,
// users/create_many, create_or_update_many and organizations/create_many
// answer a job status whose results name each item, errors included.
func TestZendeskBulkJobs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users["end-user"]
		job := func(role, method, path, body string) map[string]any {
			t.Helper()
			r, m := e.api(role, method, path, body)
			if r.code != 200 {
				t.Fatalf("%s %s: %d %s", method, path, r.code, r.body)
			}
			id := m["job_status"].(map[string]any)["id"].(string)
			r, m = e.api(role, "GET", "/api/v2/job_statuses/"+id+".json", "")
			js := m["job_status"].(map[string]any)
			if r.code != 200 || js["status"] != "completed" {
				t.Fatalf("job %s: %d %s", id, r.code, r.body)
			}
			return js
		}
		js := job("agent", "POST", "/api/v2/tickets/create_many.json", fmt.Sprintf(`{"tickets":[{"subject":"a","comment":{"body":"a"},"requester_id":%d},
			{"subject":"b","comment":{"body":"b"},"requester_id":%d,"external_id":"ext-b"},{"subject":"c","comment":{"body":""}}]}`, cust.ID, cust.ID))
		res := js["results"].([]any)
		if len(res) != 3 || js["total"].(float64) != 3 || js["progress"].(float64) != 3 {
			t.Fatalf("results: %v", js)
		}
		r0, r1, r2 := res[0].(map[string]any), res[1].(map[string]any), res[2].(map[string]any)
		if r0["status"] != "Created" || r0["success"] != true || r1["external_id"] != "ext-b" || r2["success"] != false || r2["error"] == "" {
			t.Fatalf("per-item results: %v", res)
		}
		a, b := int64(r0["id"].(float64)), int64(r1["id"].(float64))
		js = job("agent", "PUT", fmt.Sprintf("/api/v2/tickets/update_many.json?ids=%d,%d", a, b), `{"ticket":{"status":"pending","additional_tags":["bulk"]}}`)
		for _, id := range []int64{a, b} {
			tk, _ := e.tickets.Get(t.Context(), id)
			if tk.Status != "pending" || !slices.Contains(tk.Tags, "bulk") {
				t.Fatalf("update_many ids: %+v", tk)
			}
		}
		job("agent", "PUT", "/api/v2/tickets/update_many.json", fmt.Sprintf(`{"tickets":[{"id":%d,"priority":"high"},{"id":%d,"priority":"low"}]}`, a, b))
		if tk, _ := e.tickets.Get(t.Context(), b); *tk.Priority != "low" {
			t.Fatalf("update_many list: %v", *tk.Priority)
		}
		// Agents without tickets.delete are refused; admins delete.
		js = job("admin", "DELETE", fmt.Sprintf("/api/v2/tickets/destroy_many.json?ids=%d,%d", a, 999999), "")
		res = js["results"].([]any)
		if res[0].(map[string]any)["status"] != "Deleted" || res[1].(map[string]any)["success"] != false {
			t.Fatalf("destroy_many: %v", res)
		}
		if _, err := e.tickets.Get(t.Context(), a); err == nil {
			t.Fatal("ticket survived destroy_many")
		}
		js = job("agent", "POST", "/api/v2/users/create_many.json", `{"users":[{"name":"U1","email":"u1@example.com"},{"name":"U2","email":"u2@example.com","role":"admin"}]}`)
		res = js["results"].([]any)
		if res[0].(map[string]any)["status"] != "Created" || res[1].(map[string]any)["success"] != false {
			t.Fatalf("users/create_many (an agent can't create admins): %v", res)
		}
		js = job("agent", "POST", "/api/v2/users/create_or_update_many.json", `{"users":[{"name":"U1 renamed","email":"u1@example.com"},{"name":"U3","email":"u3@example.com"}]}`)
		res = js["results"].([]any)
		if res[0].(map[string]any)["status"] != "Updated" || res[1].(map[string]any)["status"] != "Created" {
			t.Fatalf("create_or_update_many: %v", res)
		}
		if u, _ := e.ppl.UserByEmail(t.Context(), "u1@example.com"); u.Name != "U1 renamed" {
			t.Fatalf("not updated: %v", u.Name)
		}
		js = job("admin", "POST", "/api/v2/organizations/create_many.json", `{"organizations":[{"name":"O1"},{"name":"O2"}]}`)
		if js["results"].([]any)[1].(map[string]any)["status"] != "Created" {
			t.Fatalf("organizations/create_many: %v", js)
		}
		// Limits and shapes.
		if r, _ := e.api("agent", "POST", "/api/v2/tickets/create_many.json", `{"ticket":{}}`); r.code != 400 {
			t.Fatalf("no tickets array: %d", r.code)
		}
		many := strings.Repeat(`{"subject":"x","comment":{"body":"x"}},`, 101)
		if r, _ := e.api("agent", "POST", "/api/v2/tickets/create_many.json", `{"tickets":[`+strings.TrimSuffix(many, ",")+`]}`); r.code != 422 && r.code != 413 {
			t.Fatalf("101 tickets: %d", r.code)
		}
		// Another agent does not see the job.
		r, m := e.api("agent", "GET", "/api/v2/job_statuses.json", "")
		if r.code != 200 || len(m["job_statuses"].([]any)) == 0 {
			t.Fatalf("job list: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "GET", "/api/v2/job_statuses.json", ""); r.code != 403 {
			t.Fatalf("customer jobs: %d", r.code)
		}
	})
}

// TestZendeskIdentitiesAndRequests: identities (primary recorded, secondary
// emails matched by email lookups, make_primary, verify, delete), counts,
// the incremental user export and the end-user Requests API.
func TestZendeskIdentitiesAndRequests(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users["end-user"]
		base := fmt.Sprintf("/api/v2/users/%d/identities", cust.ID)
		r, m := e.api("end-user", "GET", base+".json", "")
		if r.code != 200 || len(m["identities"].([]any)) != 1 || m["identities"].([]any)[0].(map[string]any)["primary"] != true {
			t.Fatalf("identities: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "POST", base+".json", `{"identity":{"type":"email","value":"second@example.com"}}`)
		if r.code != 201 {
			t.Fatalf("add identity: %d %s", r.code, r.body)
		}
		iid := int64(m["identity"].(map[string]any)["id"].(float64))
		if r, _ = e.api("agent", "POST", base+".json", `{"identity":{"type":"email","value":"agent@example.com"}}`); r.code != 422 {
			t.Fatalf("someone else's email: %d", r.code)
		}
		e.api("agent", "POST", base+".json", `{"identity":{"type":"phone_number","value":"+15555550100"}}`)
		// Email matching finds the user by a secondary email.
		if u, err := e.ppl.UserByEmail(t.Context(), "SECOND@example.com"); err != nil || u.ID != cust.ID {
			t.Fatalf("match by secondary: %v %v", u, err)
		}
		if r, m = e.api("agent", "PUT", fmt.Sprintf("%s/%d/verify.json", base, iid), ""); r.code != 200 || m["identity"].(map[string]any)["verified"] != true {
			t.Fatalf("verify: %d %s", r.code, r.body)
		}
		// Customers read only their own identities.
		if r, _ = e.api("end-user", "GET", fmt.Sprintf("/api/v2/users/%d/identities.json", e.users["agent"].ID), ""); r.code != 404 {
			t.Fatalf("other's identities: %d", r.code)
		}
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("%s/%d/make_primary.json", base, iid), ""); r.code != 200 {
			t.Fatalf("make_primary: %d %s", r.code, r.body)
		}
		if u, _ := e.ppl.GetUser(t.Context(), cust.ID); u.Email != "second@example.com" {
			t.Fatalf("primary email %s", u.Email)
		}
		if u, err := e.ppl.UserByEmail(t.Context(), "end-user@example.com"); err != nil || u.ID != cust.ID {
			t.Fatalf("old email no longer matches: %v", err)
		}
		if r, _ = e.api("agent", "DELETE", fmt.Sprintf("%s/%d.json", base, iid), ""); r.code != 422 {
			t.Fatalf("delete primary: %d", r.code)
		}
		// Back to the first email (it stayed as a secondary identity); the
		// other one can then be deleted.
		r, m = e.api("agent", "GET", base+".json", "")
		first := m["identities"].([]any)[0].(map[string]any)
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("%s/%d/make_primary.json", base, int64(first["id"].(float64))), ""); r.code != 200 {
			t.Fatalf("make_primary back: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "DELETE", fmt.Sprintf("%s/%d.json", base, iid), ""); r.code != 204 {
			t.Fatalf("delete secondary: %d %s", r.code, r.body)
		}
		// Counts.
		r, m = e.api("agent", "GET", "/api/v2/users/count.json", "")
		if r.code != 200 || m["count"].(map[string]any)["value"].(float64) != 3 {
			t.Fatalf("users/count: %d %s", r.code, r.body)
		}
		// Incremental users: cursor walk of one per page reaches every user.
		e.clk.Advance(2 * time.Minute)
		seen := 0
		path := "/api/v2/incremental/users/cursor.json?start_time=0&per_page=1"
		for i := 0; i < 10; i++ {
			r, m = e.api("admin", "GET", path, "")
			if r.code != 200 {
				t.Fatalf("incremental: %d %s", r.code, r.body)
			}
			seen += len(m["users"].([]any))
			if m["end_of_stream"] == true {
				break
			}
			path = strings.TrimPrefix(m["after_url"].(string), e.ts.URL) + "&per_page=1"
		}
		if seen != 3 {
			t.Fatalf("incremental saw %d users", seen)
		}
		// Requests: a customer creates, reads, comments; solves once assigned.
		r, m = e.api("end-user", "POST", "/api/v2/requests.json", `{"request":{"subject":"Help","comment":{"body":"Broken"}}}`)
		if r.code != 201 {
			t.Fatalf("create request: %d %s", r.code, r.body)
		}
		rid := int64(m["request"].(map[string]any)["id"].(float64))
		if m["request"].(map[string]any)["requester_id"].(float64) != float64(cust.ID) {
			t.Fatalf("requester: %s", r.body)
		}
		if r, _ = e.api("end-user", "PUT", fmt.Sprintf("/api/v2/requests/%d.json", rid), `{"request":{"solved":true}}`); r.code != 422 {
			t.Fatalf("solve unassigned: %d", r.code)
		}
		e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", rid), fmt.Sprintf(`{"ticket":{"assignee_id":%d,"comment":{"body":"internal","public":false}}}`, e.users["agent"].ID))
		r, m = e.api("end-user", "PUT", fmt.Sprintf("/api/v2/requests/%d.json", rid), `{"request":{"comment":{"body":"Thanks"},"solved":true}}`)
		if r.code != 200 || m["request"].(map[string]any)["status"] != "solved" {
			t.Fatalf("solve: %d %s", r.code, r.body)
		}
		r, m = e.api("end-user", "GET", fmt.Sprintf("/api/v2/requests/%d/comments.json", rid), "")
		if r.code != 200 || len(m["comments"].([]any)) != 2 || strings.Contains(r.body, "internal") {
			t.Fatalf("request comments: %d %s", r.code, r.body)
		}
		r, m = e.api("end-user", "GET", "/api/v2/requests.json", "")
		if r.code != 200 || len(m["requests"].([]any)) != 1 {
			t.Fatalf("requests: %d %s", r.code, r.body)
		}
	})
}

// Documented keys of Zendesk's ticket, user and organization objects
// (developer.zendesk.com/api-reference/ticketing/tickets/tickets/#json-format,
// .../users/users/#json-format, .../organizations/organizations/#json-format),
// write-only keys (comment, requester, collaborators, email_ccs, followers,
// macro_ids, safe_update, updated_stamp...) left out.
var (
	zendeskTicketKeyList = []string{"allow_attachments", "allow_channelback", "assignee_id", "brand_id", "collaborator_ids", "created_at",
		"custom_fields", "custom_status_id", "description", "due_at", "email_cc_ids", "external_id", "fields", "follower_ids", "followup_ids",
		"forum_topic_id", "from_messaging_channel", "generated_timestamp", "group_id", "has_incidents", "id", "is_public", "organization_id",
		"priority", "problem_id", "raw_subject", "recipient", "requester_id", "satisfaction_rating", "sharing_agreement_ids", "status",
		"subject", "submitter_id", "tags", "ticket_form_id", "type", "updated_at", "url", "via", "encoded_id"}
	zendeskUserKeyList = []string{"active", "alias", "chat_only", "created_at", "custom_role_id", "default_group_id", "details", "email",
		"external_id", "iana_time_zone", "id", "last_login_at", "locale", "locale_id", "moderator", "name", "notes", "only_private_comments",
		"organization_id", "phone", "photo", "report_csv", "restricted_agent", "role", "role_type", "shared", "shared_agent",
		"shared_phone_number", "signature", "suspended", "tags", "ticket_restriction", "time_zone", "two_factor_auth_enabled", "updated_at",
		"url", "user_fields", "verified"}
	zendeskOrgKeyList = []string{"created_at", "details", "domain_names", "external_id", "group_id", "id", "name", "notes",
		"organization_fields", "shared_comments", "shared_tickets", "tags", "updated_at", "url"}
)

// TestZendeskObjectKeys compares every object against the documented key
// lists: each key is present (null where it does not apply).
func TestZendeskObjectKeys(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		check := func(what string, obj map[string]any, keys []string) {
			t.Helper()
			for _, k := range keys {
				if _, ok := obj[k]; !ok {
					t.Errorf("%s lacks the documented key %q", what, k)
				}
			}
		}
		_, m := e.api("admin", "POST", "/api/v2/organizations.json", `{"organization":{"name":"Keys Inc"}}`)
		check("organization", m["organization"].(map[string]any), zendeskOrgKeyList)
		_, m = e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"k","comment":{"body":"k"},"requester_id":%d}}`, e.users["end-user"].ID))
		tk := m["ticket"].(map[string]any)
		check("created ticket", tk, zendeskTicketKeyList)
		if tk["brand_id"] == nil || tk["satisfaction_rating"] != nil || tk["ticket_form_id"] != nil { // every ticket has a brand (ADR 0019)
			t.Errorf("keys that do not apply are not null: %v", tk)
		}
		for _, path := range []string{fmt.Sprintf("/api/v2/tickets/%d.json", int64(tk["id"].(float64))), "/api/v2/tickets.json", "/api/v2/incremental/tickets/cursor.json?start_time=0"} {
			if strings.Contains(path, "incremental") {
				e.clk.Advance(2 * time.Minute)
			}
			r, m := e.api("admin", "GET", path, "")
			if r.code != 200 {
				t.Fatalf("%s: %d %s", path, r.code, r.body)
			}
			if one, ok := m["ticket"].(map[string]any); ok {
				check(path, one, zendeskTicketKeyList)
			} else {
				check(path, m["tickets"].([]any)[0].(map[string]any), zendeskTicketKeyList)
			}
		}
		r, m := e.api("admin", "GET", "/api/v2/users.json", "")
		if r.code != 200 {
			t.Fatal(r.body)
		}
		for _, u := range m["users"].([]any) {
			check("user", u.(map[string]any), zendeskUserKeyList)
			if u.(map[string]any)["phone"] != nil {
				t.Errorf("phone is not null for a user without one: %v", u)
			}
		}
		_, m = e.api("admin", "GET", "/api/v2/organizations.json", "")
		check("listed organization", m["organizations"].([]any)[0].(map[string]any), zendeskOrgKeyList)
	})
}

// TestZendeskTags: the tag list with counts and tag autocompletion.
func TestZendeskTags(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for i, tags := range []string{`["printer","prio"]`, `["printer"]`, `["network"]`} {
			r, _ := e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"t%d","comment":{"body":"x"},"tags":%s}}`, i, tags))
			if r.code != 201 {
				t.Fatal(r.body)
			}
		}
		r, m := e.api("agent", "GET", "/api/v2/tags.json", "")
		if r.code != 200 || m["count"].(float64) != 3 || fmt.Sprint(m["tags"].([]any)[0]) != "map[count:2 name:printer]" {
			t.Fatalf("tags: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/tags.json?per_page=1&page=2", "")
		if r.code != 200 || len(m["tags"].([]any)) != 1 || m["next_page"] == nil {
			t.Fatalf("tags page 2: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/autocomplete/tags.json?name=pr", "")
		if r.code != 200 || fmt.Sprint(m["tags"]) != "[printer prio]" {
			t.Fatalf("autocomplete: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", "/api/v2/autocomplete/tags.json?name=p", ""); r.code != 400 {
			t.Fatalf("one letter: %d", r.code)
		}
		if r, _ = e.api("end-user", "GET", "/api/v2/tags.json", ""); r.code != 403 {
			t.Fatalf("customer tags: %d", r.code)
		}
	})
}
