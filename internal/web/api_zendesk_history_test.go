package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/ticket"
)

// TestZendeskDeletedTickets: DELETE /tickets/{id} is soft; the ticket is
// listed among the deleted tickets, restored under its id (one or many),
// and deleted permanently only from there, as a job.
func TestZendeskDeletedTickets(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users["end-user"]
		mk := func(subject string) int64 {
			r, m := e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":%q,"comment":{"body":"body of %s"},"requester_id":%d}}`, subject, subject, cust.ID))
			if r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			return int64(m["ticket"].(map[string]any)["id"].(float64))
		}
		a, b, c := mk("Alpha"), mk("Bravo"), mk("Charlie")
		for _, id := range []int64{a, b} {
			if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", id), ""); r.code != 204 {
				t.Fatalf("delete: %d %s", r.code, r.body)
			}
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d.json", a), ""); r.code != 404 {
			t.Fatalf("deleted ticket shown: %d", r.code)
		}
		r, m := e.api("agent", "GET", "/api/v2/deleted_tickets.json?sort_by=subject&sort_order=desc", "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		ds := m["deleted_tickets"].([]any)
		d0 := ds[0].(map[string]any)
		if d0["subject"] != "Bravo" || d0["previous_state"] != "new" || d0["actor"].(map[string]any)["id"].(float64) != float64(e.users["agent"].ID) ||
			d0["description"] != "body of Bravo" || d0["deleted_at"] == nil {
			t.Fatalf("deleted ticket %v", d0)
		}
		if r, _ := e.api("agent", "GET", "/api/v2/deleted_tickets.json?sort_by=status", ""); r.code != 400 {
			t.Fatalf("bad sort: %d", r.code)
		}
		if r, _ := e.api("end-user", "GET", "/api/v2/deleted_tickets.json", ""); r.code != 403 {
			t.Fatalf("customer list: %d", r.code)
		}
		// Restore one: it is back under its id, found by search again.
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", a), ""); r.code != 200 {
			t.Fatalf("restore: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d.json", a), "")
		if r.code != 200 || m["ticket"].(map[string]any)["subject"] != "Alpha" {
			t.Fatalf("restored: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/search.json?query="+url.QueryEscape("Alpha"), "")
		if r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("restored ticket not found by search: %s", r.body)
		}
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", a), ""); r.code != 404 {
			t.Fatalf("restore twice: %d", r.code)
		}
		// Permanent deletion needs a deleted ticket; it is a job.
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", c), ""); r.code != 404 {
			t.Fatalf("purge of a live ticket: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", b), "")
		if r.code != 200 || m["job_status"] == nil {
			t.Fatalf("purge: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", b), ""); r.code != 404 {
			t.Fatalf("restore after purge: %d", r.code)
		}
		// Many at once.
		for _, id := range []int64{a, c} {
			if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", id), ""); r.code != 204 {
				t.Fatalf("delete: %d", r.code)
			}
		}
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/deleted_tickets/restore_many.json?ids=%d,%d", a, b), ""); r.code != 404 {
			t.Fatalf("restore_many with a purged id: %d", r.code)
		}
		if n, _ := e.tickets.Count(t.Context(), ticket.Filter{}); n != 0 {
			t.Fatalf("a refused restore_many restored %d", n)
		}
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/deleted_tickets/restore_many.json?ids=%d,%d", a, c), ""); r.code != 200 {
			t.Fatalf("restore_many: %d %s", r.code, r.body)
		}
		for _, id := range []int64{a, c} {
			if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", id), ""); r.code != 204 {
				t.Fatalf("delete: %d", r.code)
			}
		}
		r, m = e.api("agent", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/destroy_many.json?ids=%d,%d", a, c), "")
		if r.code != 200 {
			t.Fatalf("destroy_many: %d %s", r.code, r.body)
		}
		id := m["job_status"].(map[string]any)["id"].(string)
		_, m = e.api("agent", "GET", "/api/v2/job_statuses/"+id+".json", "")
		js := m["job_status"].(map[string]any)
		if js["status"] != "completed" || len(js["results"].([]any)) != 2 || js["results"].([]any)[0].(map[string]any)["status"] != "Deleted" {
			t.Fatalf("destroy_many job: %v", js)
		}
		if _, n, _ := e.tickets.ListDeleted(t.Context(), ticket.DeletedFilter{}); n != 0 {
			t.Fatalf("left deleted: %d", n)
		}
	})
}

// TestZendeskSearchExportAndEvents: the search export pages one type by
// cursor beyond a page; the incremental ticket event export lists audits
// from start_time with child events, comments with include=comment_events.
func TestZendeskSearchExportAndEvents(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust := e.users["end-user"]
		var ids []int64
		for i := range 5 {
			r, m := e.api("agent", "POST", "/api/v2/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"export %d","comment":{"body":"zebra crossing %d"},"requester_id":%d}}`, i, i, cust.ID))
			if r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			ids = append(ids, int64(m["ticket"].(map[string]any)["id"].(float64)))
		}
		var got []int64
		next := "/api/v2/search/export.json?query=zebra&filter[type]=ticket&page[size]=2"
		for pages := 0; next != ""; pages++ {
			if pages > 5 {
				t.Fatal("export does not end")
			}
			r, m := e.api("agent", "GET", next, "")
			if r.code != 200 {
				t.Fatalf("export: %d %s", r.code, r.body)
			}
			for _, x := range m["results"].([]any) {
				res := x.(map[string]any)
				if res["result_type"] != "ticket" {
					t.Fatalf("result %v", res)
				}
				got = append(got, int64(res["id"].(float64)))
			}
			next = ""
			if l, _ := m["links"].(map[string]any)["next"].(string); l != "" {
				u, _ := url.Parse(l)
				next = u.RequestURI()
			}
			if (next != "") != m["meta"].(map[string]any)["has_more"].(bool) {
				t.Fatalf("has_more and links.next disagree: %s", r.body)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Fatalf("exported %v, want %v", got, ids)
		}
		for _, bad := range []string{"/api/v2/search/export.json?query=zebra", "/api/v2/search/export.json?query=zebra&filter[type]=ticket&page[size]=1001",
			"/api/v2/search/export.json?query=zebra&filter[type]=ticket&page=2"} {
			if r, _ := e.api("agent", "GET", bad, ""); r.code != 400 {
				t.Fatalf("%s: %d", bad, r.code)
			}
		}
		if r, m := e.api("agent", "GET", "/api/v2/search/export.json?query=zebra&filter[type]=user", ""); r.code != 200 || len(m["results"].([]any)) != 0 {
			t.Fatalf("users: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "GET", "/api/v2/search/export.json?query=zebra&filter[type]=ticket", ""); r.code != 403 {
			t.Fatalf("customer export: %d", r.code)
		}
		// Ticket events.
		if r, _ := e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", ids[0]), `{"ticket":{"priority":"high","comment":{"body":"later note"}}}`); r.code != 200 {
			t.Fatalf("update: %d", r.code)
		}
		e.clk.Advance(2 * time.Minute)
		start := e.clk.Now().Add(-time.Hour).Unix()
		r, m := e.api("admin", "GET", fmt.Sprintf("/api/v2/incremental/ticket_events.json?start_time=%d&include=comment_events", start), "")
		if r.code != 200 || m["count"].(float64) != 6 || m["end_of_stream"] != true {
			t.Fatalf("events: %d %s", r.code, r.body)
		}
		evs := m["ticket_events"].([]any)
		last := evs[len(evs)-1].(map[string]any)
		if last["ticket_id"].(float64) != float64(ids[0]) || last["event_type"] != "Audit" {
			t.Fatalf("last event %v", last)
		}
		var sawChange, sawComment bool
		for _, c := range last["child_events"].([]any) {
			ce := c.(map[string]any)
			if ce["event_type"] == "Change" && ce["priority"] == "high" && ce["field_name"] == "priority" {
				sawChange = true
			}
			if ce["event_type"] == "Comment" && strings.Contains(ce["body"].(string), "later note") {
				sawComment = true
			}
		}
		if !sawChange || !sawComment {
			t.Fatalf("child events %v", last["child_events"])
		}
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/incremental/ticket_events.json?start_time=%d&per_page=4", start), "")
		if r.code != 200 || m["count"].(float64) != 4 || m["end_of_stream"] != false || !strings.Contains(m["next_page"].(string), "start_time=") {
			t.Fatalf("paged events: %d %s", r.code, r.body)
		}
		for _, c := range m["ticket_events"].([]any)[0].(map[string]any)["child_events"].([]any) {
			if c.(map[string]any)["event_type"] == "Comment" {
				t.Fatalf("comment without include: %v", c)
			}
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/incremental/ticket_events.json?start_time=%d", start), ""); r.code != 403 {
			t.Fatalf("agent events: %d", r.code)
		}
	})
}

// TestZendeskTicketImport: imports/tickets keeps every timestamp and
// comment author and fires no trigger; create_many imports as a job.
func TestZendeskTicketImport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust, agent := e.users["end-user"], e.users["agent"]
		// A trigger that would tag the ticket: history fires none.
		if r, _ := e.api("admin", "POST", "/api/v2/triggers.json", `{"trigger": {"title": "Tag jams",
			"conditions": {"all": [{"field": "comment_includes_word", "operator": "includes", "value": "jams"}], "any": []},
			"actions": [{"field": "current_tags", "value": "triggered"}]}}`); r.code != 201 {
			t.Fatalf("trigger: %d %s", r.code, r.body)
		}
		body := fmt.Sprintf(`{"ticket":{"subject":"Old printer","requester_id":%d,"assignee_id":%d,"status":"solved","tags":["legacy"],
			"created_at":"2019-03-01T09:00:00Z","updated_at":"2019-03-05T09:00:00Z","solved_at":"2019-03-04T09:00:00Z",
			"comments":[{"author_id":%d,"value":"It jams","created_at":"2019-03-01T09:00:00Z"},
			            {"author_id":%d,"body":"Try rebooting","public":true,"created_at":"2019-03-02T09:00:00Z"},
			            {"author_id":%d,"html_body":"<p>Internal</p>","public":false,"created_at":"2019-03-03T09:00:00Z"}]}}`,
			cust.ID, agent.ID, cust.ID, agent.ID, agent.ID)
		r, m := e.api("admin", "POST", "/api/v2/imports/tickets.json", body)
		if r.code != 201 {
			t.Fatalf("import: %d %s", r.code, r.body)
		}
		tk := m["ticket"].(map[string]any)
		if tk["created_at"] != "2019-03-01T09:00:00Z" || tk["updated_at"] != "2019-03-05T09:00:00Z" || tk["status"] != "solved" || tk["description"] != "It jams" {
			t.Fatalf("imported %v", tk)
		}
		id := int64(tk["id"].(float64))
		got, _ := e.tickets.Get(t.Context(), id)
		if got.SolvedAt == nil || got.SolvedAt.Format(time.RFC3339) != "2019-03-04T09:00:00Z" {
			t.Fatalf("solved_at %v", got.SolvedAt)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", id), "")
		cs := m["comments"].([]any)
		if r.code != 200 || len(cs) != 3 || cs[1].(map[string]any)["created_at"] != "2019-03-02T09:00:00Z" ||
			cs[2].(map[string]any)["public"] != false || cs[0].(map[string]any)["author_id"].(float64) != float64(cust.ID) {
			t.Fatalf("comments: %d %s", r.code, r.body)
		}
		// The history is in the search index, further comments included.
		if r, m := e.api("agent", "GET", "/api/v2/search.json?query=rebooting", ""); r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("imported comment not found by search: %d %s", r.code, r.body)
		}
		if slices.Contains(got.Tags, "triggered") || !slices.Contains(got.Tags, "legacy") {
			t.Fatalf("tags %v: a trigger fired on history", got.Tags)
		}
		// Only admins import.
		if r, _ := e.api("agent", "POST", "/api/v2/imports/tickets.json", body); r.code != 403 {
			t.Fatalf("agent import: %d", r.code)
		}
		if r, _ := e.api("admin", "POST", "/api/v2/imports/tickets.json", fmt.Sprintf(`{"ticket":{"subject":"x","requester_id":%d}}`, cust.ID)); r.code != 422 {
			t.Fatalf("no comment: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "POST", "/api/v2/imports/tickets/create_many.json", fmt.Sprintf(`{"tickets":[
			{"subject":"one","requester_id":%d,"created_at":"2018-01-01T00:00:00Z","comments":[{"value":"first"}]},
			{"subject":"two","requester_id":%d,"description":"second","status":"closed","assignee_id":%d,"created_at":"2018-02-01T00:00:00Z","updated_at":"2018-02-02T00:00:00Z"}]}`, cust.ID, cust.ID, agent.ID))
		if r.code != 200 {
			t.Fatalf("create_many: %d %s", r.code, r.body)
		}
		jid := m["job_status"].(map[string]any)["id"].(string)
		_, m = e.api("admin", "GET", "/api/v2/job_statuses/"+jid+".json", "")
		res := m["job_status"].(map[string]any)["results"].([]any)
		if len(res) != 2 || res[0].(map[string]any)["status"] != "Created" || res[1].(map[string]any)["status"] != "Created" {
			t.Fatalf("import job: %v", m)
		}
		two, _ := e.tickets.Get(t.Context(), int64(res[1].(map[string]any)["id"].(float64)))
		if two.Status != "closed" || two.CreatedAt.Format(time.RFC3339) != "2018-02-01T00:00:00Z" || two.UpdatedAt.Format(time.RFC3339) != "2018-02-02T00:00:00Z" {
			t.Fatalf("imported closed ticket %+v", two)
		}
	})
}
