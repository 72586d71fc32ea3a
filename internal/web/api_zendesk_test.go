package web

import (
	"fmt"
	"slices"
	"testing"
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
