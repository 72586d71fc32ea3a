package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/ticket"
)

func idOf(m map[string]any, key string) int64 {
	return int64(m[key].(map[string]any)["id"].(float64))
}

func TestTicketAPILifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users["end-user"]
		// Create with an inline new requester; 201, Location, audit.
		r, m := e.api("agent", "POST", "/api/v2/tickets.json", `{"ticket":{"subject":"Printer on fire","comment":{"body":"It **burns**"},
			"priority":"urgent","tags":["Fire","hardware"],"requester":{"name":"Wile","email":"wile@acme.example"},"unknown":{"a":1}}}`)
		if r.code != 201 || r.hdr.Get("Location") == "" {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		id := idOf(m, "ticket")
		tk := m["ticket"].(map[string]any)
		if tk["status"] != "new" || tk["priority"] != "urgent" || fmt.Sprint(tk["tags"]) != "[fire hardware]" || tk["url"] != e.ts.URL+fmt.Sprintf("/api/v2/tickets/%d.json", id) {
			t.Fatalf("created ticket: %s", r.body)
		}
		if m["audit"].(map[string]any)["events"] == nil {
			t.Fatalf("no audit: %s", r.body)
		}
		wile, err := e.ppl.UserByEmail(t.Context(), "wile@acme.example")
		if err != nil || int64(tk["requester_id"].(float64)) != wile.ID || wile.Role != "end-user" {
			t.Fatalf("inline requester: %v %v", wile, err)
		}
		// A second ticket for the signed-in customer.
		r, m = e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Login","comment":{"body":"Can't sign in"},"requester_id":%d}}`, cust.ID))
		if r.code != 201 {
			t.Fatalf("create 2: %d %s", r.code, r.body)
		}
		id2 := idOf(m, "ticket")

		// Update: a public reply and an internal note through ticket.comment.
		agentID := e.users["agent"].ID
		r, m = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", id2), fmt.Sprintf(`{"ticket":{"status":"pending","assignee_id":%d,"comment":{"body":"Try resetting your password","public":true}}}`, agentID))
		if r.code != 200 || m["ticket"].(map[string]any)["status"] != "pending" {
			t.Fatalf("update: %d %s", r.code, r.body)
		}
		stamp := m["ticket"].(map[string]any)["updated_stamp"].(string)
		e.clk.Advance(1e9)
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", id2), `{"ticket":{"comment":{"body":"Customer is on the SaaS plan","public":false}}}`); r.code != 200 {
			t.Fatalf("note: %d %s", r.code, r.body)
		}
		// safe_update with a stale stamp is a 409 and changes nothing.
		r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", id2), fmt.Sprintf(`{"ticket":{"status":"solved","safe_update":true,"updated_stamp":%q}}`, stamp))
		if r.code != 409 {
			t.Fatalf("stale safe_update: %d %s", r.code, r.body)
		}
		// Comments: agents see 3, the customer sees the 2 public ones.
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", id2), "")
		if r.code != 200 || len(m["comments"].([]any)) != 3 || m["count"].(float64) != 3 {
			t.Fatalf("agent comments: %d %s", r.code, r.body)
		}
		r, m = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", id2), "")
		if r.code != 200 || len(m["comments"].([]any)) != 2 || m["count"].(float64) != 2 || strings.Contains(r.body, "SaaS plan") {
			t.Fatalf("customer comments: %d %s", r.code, r.body)
		}
		// Customers read their own tickets only; others are 404, writes 403.
		if r, _ = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d", id2), ""); r.code != 200 {
			t.Fatalf("own ticket: %d", r.code)
		}
		if r, _ = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d", id), ""); r.code != 404 {
			t.Fatalf("other's ticket: %d %s", r.code, r.body)
		}
		r, m = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d", id, id2), "")
		if r.code != 200 || len(m["tickets"].([]any)) != 1 {
			t.Fatalf("customer show_many: %d %s", r.code, r.body)
		}
		r, m = e.api("end-user", "GET", fmt.Sprintf("/api/v2/users/%d/tickets/requested", cust.ID), "")
		if r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("requested: %d %s", r.code, r.body)
		}
		// Audits list the changes.
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/audits", id2), "")
		if r.code != 200 || len(m["audits"].([]any)) != 3 || !strings.Contains(r.body, `"field_name":"status","value":"pending","previous_value":"new"`) {
			t.Fatalf("audits: %d %s", r.code, r.body)
		}
		// Tags: set, add, remove.
		for _, step := range []struct{ method, body, want string }{
			{"POST", `{"tags":["a","b"]}`, `{"tags":["a","b"]}`},
			{"PUT", `{"tags":["c"]}`, `{"tags":["a","b","c"]}`},
			{"DELETE", `{"tags":["a"]}`, `{"tags":["b","c"]}`},
		} {
			r, _ = e.api("agent", step.method, fmt.Sprintf("/api/v2/tickets/%d/tags.json", id2), step.body)
			if r.code != 200 || strings.TrimSpace(r.body) != step.want {
				t.Fatalf("tags %s: %d %s", step.method, r.code, r.body)
			}
		}
		// Lists: offset with sort, and cursor pages that cover every ticket once.
		r, m = e.api("agent", "GET", "/api/v2/tickets.json?sort_by=priority&sort_order=desc&per_page=1", "")
		if r.code != 200 || idOf(map[string]any{"t": m["tickets"].([]any)[0]}, "t") != id || m["count"].(float64) != 2 || m["next_page"] == nil {
			t.Fatalf("offset list: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/tickets.json?page[size]=1", "")
		seen := []any{m["tickets"].([]any)[0].(map[string]any)["id"]}
		next := m["links"].(map[string]any)["next"].(string)
		r, m = e.api("agent", "GET", strings.TrimPrefix(next, e.ts.URL), "")
		seen = append(seen, m["tickets"].([]any)[0].(map[string]any)["id"])
		if r.code != 200 || m["meta"].(map[string]any)["has_more"] != false || fmt.Sprint(seen) != fmt.Sprintf("[%d %d]", id, id2) {
			t.Fatalf("cursor list: %v %s", seen, r.body)
		}
		// Search: free text and properties, with result_type.
		r, m = e.api("agent", "GET", "/api/v2/search.json?query="+urlq(`type:ticket "password" status:pending`), "")
		if r.code != 200 || m["count"].(float64) != 1 || m["results"].([]any)[0].(map[string]any)["result_type"] != "ticket" {
			t.Fatalf("search: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/search/count?query="+urlq("status<solved"), "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("search count: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", "/api/v2/search?query="+urlq("stauts:open"), ""); r.code != 422 || !strings.Contains(r.body, "stauts") {
			t.Fatalf("bad search: %d %s", r.code, r.body)
		}
		if r, m = e.api("end-user", "GET", "/api/v2/search?query="+urlq("SaaS"), ""); r.code != 200 || m["count"].(float64) != 0 {
			t.Fatalf("customer matched an internal note: %d %s", r.code, r.body)
		}
		if r, _ = e.api("end-user", "GET", "/api/v2/search?query="+urlq("type:user agent"), ""); r.code != 403 {
			t.Fatalf("customer user search: %d %s", r.code, r.body)
		}
		// Incremental export: both tickets, then an empty end of stream.
		e.clk.Advance(120e9)
		start := e.clk.Now().Add(-3600e9).Unix()
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/incremental/tickets/cursor.json?start_time=%d&per_page=1", start), "")
		if r.code != 200 || len(m["tickets"].([]any)) != 1 || m["end_of_stream"] != false {
			t.Fatalf("incremental 1: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "GET", strings.TrimPrefix(m["after_url"].(string), e.ts.URL), "")
		if r.code != 200 || len(m["tickets"].([]any)) != 1 || m["end_of_stream"] != true {
			t.Fatalf("incremental 2: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", fmt.Sprintf("/api/v2/incremental/tickets/cursor?start_time=%d", start), ""); r.code != 403 {
			t.Fatalf("incremental as agent: %d", r.code)
		}
		// Merge the first ticket into the second; the source is closed.
		r, _ = e.api("agent", "POST", fmt.Sprintf("/api/v2/tickets/%d/merge", id2), fmt.Sprintf(`{"ids":[%d],"target_comment":"Merged","source_comment":"Closing"}`, id))
		if r.code != 200 {
			t.Fatalf("merge: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d", id), "")
		if m["ticket"].(map[string]any)["status"] != "closed" {
			t.Fatalf("merged source: %s", r.body)
		}
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", id), `{"ticket":{"status":"open"}}`); r.code != 422 {
			t.Fatalf("closed ticket updated: %d %s", r.code, r.body)
		}
		// Delete: 204, then 404.
		if r, _ = e.api("agent", "DELETE", fmt.Sprintf("/api/v2/tickets/%d", id), ""); r.code != 204 {
			t.Fatalf("delete: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d", id), ""); r.code != 404 || !strings.Contains(r.body, "RecordNotFound") {
			t.Fatalf("deleted: %d %s", r.code, r.body)
		}
	})
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "+", `"`, "%22", "<", "%3C", ">", "%3E", ":", "%3A").Replace(s)
}

// TestTicketAPIRefusesBadInput checks each bad request gets its 4xx and
// leaves the stored tickets exactly as they were.
func TestTicketAPIRefusesBadInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r, m := e.api("agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"Keep me","comment":{"body":"original"}}}`)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		id := idOf(m, "ticket")
		snapshot := func() string {
			tk, err := e.tickets.Get(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := e.tickets.Count(t.Context(), ticket.Filter{})
			c, _ := e.tickets.CountComments(t.Context(), id, false)
			b, _ := json.Marshal(tk)
			return fmt.Sprintf("%d %d %s", n, c, b)
		}
		before := snapshot()
		p := fmt.Sprintf("/api/v2/tickets/%d", id)
		cases := []struct {
			role, method, path, body string
			code                     int
			want                     string
		}{
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x"`, 400, "InvalidParameters"},
			{"agent", "POST", "/api/v2/tickets", `{"tiket":{}}`, 400, `\"ticket\"`},
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":5,"comment":{"body":"x"}}}`, 422, `"subject"`},
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"x"},"priority":"critical"}}`, 422, `"priority"`},
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"x"},"tags":"notalist"}}`, 422, `"tags"`},
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"x"},"assignee_id":999999}}`, 422, `"assignee_id"`},
			{"agent", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"` + strings.Repeat("y", 5000) + `"}}}`, 413, "RequestTooLarge"},
			{"agent", "PUT", p, `{"ticket":{"status":"bogus"}}`, 422, `"status"`},
			{"agent", "PUT", p, `{"ticket":{"requester_id":999999,"status":"open","comment":{"body":"half"}}}`, 422, `"requester_id"`},
			{"agent", "PUT", p, `{"ticket":{"group_id":"abc"}}`, 422, `"group_id"`},
			{"agent", "PUT", p, `not json`, 400, "InvalidParameters"},
			{"agent", "PUT", "/api/v2/tickets/99999", `{"ticket":{"status":"open"}}`, 404, "RecordNotFound"},
			{"agent", "POST", p + "/merge", `{"ids":[99999]}`, 404, "RecordNotFound"},
			{"agent", "POST", p + "/tags", `{"tags":"x"}`, 422, `"tags"`},
			{"end-user", "PUT", p, `{"ticket":{"status":"open"}}`, 403, "Forbidden"},
			{"end-user", "POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"x"}}}`, 403, "Forbidden"},
			{"end-user", "DELETE", p, "", 403, "Forbidden"},
			{"end-user", "GET", "/api/v2/tickets", "", 403, "Forbidden"},
			{"agent", "GET", "/api/v2/tickets?sort_by=nope", "", 400, "sort_by"},
			{"agent", "GET", "/api/v2/tickets?page[size]=500", "", 400, "page[size]"},
		}
		for _, c := range cases {
			r, _ := e.api(c.role, c.method, c.path, c.body)
			if r.code != c.code || !strings.Contains(r.body, c.want) {
				t.Errorf("%s %s %s %.50s: %d %s; want %d with %s", c.role, c.method, c.path, c.body, r.code, r.body, c.code, c.want)
			}
		}
		anon := e.do(nil, "GET", p, nil)
		if anon.code != 401 || !strings.Contains(anon.body, "Couldn't authenticate you") {
			t.Errorf("anonymous: %d %s", anon.code, anon.body)
		}
		if after := snapshot(); after != before {
			t.Fatalf("refused requests changed the data:\n%s\n%s", before, after)
		}
	})
}

func TestTicketAttachments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		up := func(role, name, body string) (resp, map[string]any) {
			hdr := append(basic(role+"@example.com", pw), "Content-Type", "text/plain")
			r := e.do(nil, "POST", "/api/v2/uploads.json?filename="+name, strings.NewReader(body), hdr...)
			var m map[string]any
			json.Unmarshal([]byte(r.body), &m)
			return r, m
		}
		r, m := up("agent", "log.txt", "stack trace here")
		if r.code != 201 {
			t.Fatalf("upload: %d %s", r.code, r.body)
		}
		token := m["upload"].(map[string]any)["token"].(string)
		cust := e.users["end-user"]
		r, m = e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Logs","requester_id":%d,"comment":{"body":"See log","uploads":[%q]}}}`, cust.ID, token))
		if r.code != 201 {
			t.Fatalf("create with upload: %d %s", r.code, r.body)
		}
		id := idOf(m, "ticket")
		r, m = e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d/comments", id), "")
		atts := m["comments"].([]any)[0].(map[string]any)["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments: %s", r.body)
		}
		url := atts[0].(map[string]any)["content_url"].(string)
		got := e.do(nil, "GET", strings.TrimPrefix(url, e.ts.URL), nil, basic("end-user@example.com", pw)...)
		if got.code != 200 || got.body != "stack trace here" || !strings.HasPrefix(got.hdr.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %v %s", got.code, got.hdr, got.body)
		}
		// Another customer may not fetch it.
		r, m = e.api("agent", "POST", "/api/v2/users", `{"user":{"name":"Other","email":"other@example.com"}}`)
		if r.code != 201 {
			t.Fatal(r.body)
		}
		if err := e.auth.SetPassword(t.Context(), audit.System(), idOf(m, "user"), pw); err != nil {
			t.Fatal(err)
		}
		if got := e.do(nil, "GET", strings.TrimPrefix(url, e.ts.URL), nil, basic("other@example.com", pw)...); got.code != 404 {
			t.Fatalf("other customer downloaded: %d", got.code)
		}
		// Too large: over the store's 2 KiB test limit.
		if r, _ = up("agent", "big.bin", strings.Repeat("z", 3000)); r.code != 413 {
			t.Fatalf("oversize upload: %d %s", r.code, r.body)
		}
		if r, _ = up("agent", "", "x"); r.code != 400 {
			t.Fatalf("no filename: %d %s", r.code, r.body)
		}
	})
}
