package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestRulesAPITriggersValidateAndFire(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		body := `{"trigger": {"title": "Tag refunds",
			"conditions": {"all": [{"field": "comment_includes_word", "operator": "includes", "value": "refund"}], "any": []},
			"actions": [{"field": "current_tags", "value": "billing"}, {"field": "priority", "value": "high"}]}}`
		if r, _ := e.api("agent", "POST", "/api/v2/triggers.json", body); r.code != 403 {
			t.Fatalf("agent created a trigger: %d %s", r.code, r.body)
		}
		r, m := e.api("admin", "POST", "/api/v2/triggers.json", body)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		tr := m["trigger"].(map[string]any)
		id := int64(tr["id"].(float64))
		if tr["active"] != true || tr["position"].(float64) != 1 {
			t.Fatalf("defaults: %s", r.body)
		}
		// A bad condition is a 422 naming it; nothing is stored.
		r, m = e.api("admin", "POST", "/api/v2/triggers", `{"trigger": {"title": "bad",
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "open"}, {"field": "priority", "operator": "bigger", "value": "high"}]},
			"actions": [{"field": "status", "value": "solved"}]}}`)
		if r.code != 422 || !strings.Contains(r.body, "conditions.all[1].operator") {
			t.Fatalf("invalid: %d %s", r.code, r.body)
		}
		if r, m = e.api("agent", "GET", "/api/v2/triggers", ""); r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		// An agent's public reply mentioning a refund is tagged by the trigger.
		r, m = e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket": {"subject": "Money", "comment": {"body": "I want a refund"}, "requester_id": %d}}`, e.users["end-user"].ID))
		if r.code != 201 {
			t.Fatalf("ticket: %d %s", r.code, r.body)
		}
		tk := m["ticket"].(map[string]any)
		if fmt.Sprint(tk["tags"]) != "[billing]" || tk["priority"] != "high" {
			t.Fatalf("trigger did not fire through the API: %s", r.body)
		}
		// Partial update: deactivate; an invalid update changes nothing.
		if r, m = e.api("admin", "PUT", fmt.Sprintf("/api/v2/triggers/%d", id), `{"trigger": {"active": false}}`); r.code != 200 || m["trigger"].(map[string]any)["active"] != false || m["trigger"].(map[string]any)["title"] != "Tag refunds" {
			t.Fatalf("deactivate: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "PUT", fmt.Sprintf("/api/v2/triggers/%d", id), `{"trigger": {"title": "x", "actions": [{"field": "nope", "value": 1}]}}`); r.code != 422 || !strings.Contains(r.body, "actions[0].field") {
			t.Fatalf("bad update: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "GET", "/api/v2/triggers/active", ""); r.code != 200 || len(m["triggers"].([]any)) != 0 {
			t.Fatalf("active list: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/triggers/%d", id), ""); m["trigger"].(map[string]any)["title"] != "Tag refunds" {
			t.Fatalf("half-saved update: %s", r.body)
		}
		// Automations must be able to fire only once (Zendesk's rule).
		r, _ = e.api("admin", "POST", "/api/v2/automations", `{"automation": {"title": "a",
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "pending"}, {"field": "PENDING", "operator": "greater_than", "value": "24"}]},
			"actions": [{"field": "priority", "value": "high"}]}}`)
		if r.code != 422 {
			t.Fatalf("non-nullifying automation accepted: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "DELETE", fmt.Sprintf("/api/v2/triggers/%d", id), ""); r.code != 204 {
			t.Fatalf("delete: %d %s", r.code, r.body)
		}
	})
}

func TestRulesAPIViewsAndMacros(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		agent := e.users["agent"]
		cust := e.users["end-user"]
		var ids []int64
		for i, prio := range []string{"low", "urgent", "high", "urgent"} {
			assignee := "null"
			if i%2 == 0 {
				assignee = fmt.Sprint(agent.ID)
			}
			r, m := e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket": {"subject": "t%d", "comment": {"body": "x"}, "priority": %q, "assignee_id": %s, "requester_id": %d}}`, i, prio, assignee, cust.ID))
			if r.code != 201 {
				t.Fatalf("ticket: %d %s", r.code, r.body)
			}
			ids = append(ids, idOf(m, "ticket"))
			e.clk.Advance(1e9)
		}
		// A shared view (admin) and a personal one (agent, made personal automatically).
		r, m := e.api("admin", "POST", "/api/v2/views", `{"view": {"title": "Urgent", "all": [{"field": "priority", "operator": "is", "value": "urgent"}],
			"output": {"columns": ["status", "subject", "priority"], "sort_by": "created_at", "sort_order": "desc"}}}`)
		if r.code != 201 {
			t.Fatalf("view: %d %s", r.code, r.body)
		}
		shared := idOf(m, "view")
		r, m = e.api("agent", "POST", "/api/v2/views", `{"view": {"title": "Mine", "all": [{"field": "assignee_id", "operator": "is", "value": "current_user"}], "output": {"sort_by": "priority", "sort_order": "desc"}}}`)
		if r.code != 201 || fmt.Sprint(m["view"].(map[string]any)["restriction"]) != fmt.Sprintf("map[id:%d type:User]", agent.ID) {
			t.Fatalf("personal view: %d %s", r.code, r.body)
		}
		mine := idOf(m, "view")
		if r, _ = e.api("agent", "POST", "/api/v2/views", `{"view": {"title": "G", "restriction": {"type": "Group", "id": 1}, "all": [{"field": "status", "operator": "is", "value": "new"}]}}`); r.code != 403 {
			t.Fatalf("agent made a group view: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/views/%d", shared), `{"view": {"title": "x"}}`); r.code != 403 {
			t.Fatalf("agent changed a shared view: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "POST", "/api/v2/views", `{"view": {"title": "bad", "all": [{"field": "custom_fields_9", "operator": "less_than", "value": "3"}]}}`); r.code != 422 || !strings.Contains(r.body, "conditions.all[0].operator") {
			t.Fatalf("unexecutable view: %d %s", r.code, r.body)
		}
		// Tickets in view order, through cursor pages of one.
		var got []int64
		next := fmt.Sprintf("/api/v2/views/%d/tickets?page[size]=1", shared)
		for next != "" {
			r, m = e.api("agent", "GET", strings.TrimPrefix(next, e.ts.URL), "")
			if r.code != 200 {
				t.Fatalf("view tickets: %d %s", r.code, r.body)
			}
			for _, tk := range m["tickets"].([]any) {
				got = append(got, int64(tk.(map[string]any)["id"].(float64)))
			}
			next, _ = m["links"].(map[string]any)["next"].(string)
		}
		if want := []int64{ids[3], ids[1]}; !slices.Equal(got, want) {
			t.Fatalf("shared view: %v, want %v", got, want)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/views/%d/execute", mine), "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("execute: %d %s", r.code, r.body)
		}
		rows := m["rows"].([]any)
		if len(rows) != 2 || rows[0].(map[string]any)["ticket_id"].(float64) != float64(ids[2]) || rows[0].(map[string]any)["priority"] != "high" {
			t.Fatalf("execute rows (priority desc): %s", r.body)
		}
		for _, path := range []string{"tickets", "execute"} {
			if r, _ = e.api("agent", "GET", fmt.Sprintf("/api/v2/views/%d/%s?page[size]=101", shared, path), ""); r.code != 400 || !strings.Contains(r.body, "page[size]") {
				t.Fatalf("view %s with a bad page size: %d %s", path, r.code, r.body)
			}
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/views/%d/execute?per_page=1", mine), "")
		if r.code != 200 || m["count"].(float64) != 2 || len(m["rows"].([]any)) != 1 || m["next_page"] == nil || m["view"] == nil {
			t.Fatalf("execute, offset page: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/views/count_many?ids=%d,%d", shared, mine), "")
		if r.code != 200 || fmt.Sprint(m["view_counts"].([]any)[0].(map[string]any)["value"], m["view_counts"].([]any)[1].(map[string]any)["value"]) != "2 2" {
			t.Fatalf("count_many: %d %s", r.code, r.body)
		}
		// The admin sees the agent's personal view too; nobody else's list has it.
		if r, m = e.api("admin", "GET", "/api/v2/views", ""); len(m["views"].([]any)) != 2 {
			t.Fatalf("admin views: %s", r.body)
		}

		// Macros: preview without saving.
		r, m = e.api("admin", "POST", "/api/v2/macros", `{"macro": {"title": "Close as fixed", "actions": [{"field": "status", "value": "solved"},
			{"field": "current_tags", "value": "fixed"}, {"field": "comment_value", "value": "Hi {{ticket.requester.name}}, fixed in #{{ticket.id}}."}]}}`)
		if r.code != 201 {
			t.Fatalf("macro: %d %s", r.code, r.body)
		}
		mac := idOf(m, "macro")
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/macros/%d/apply", ids[0], mac), "")
		if r.code != 200 {
			t.Fatalf("apply: %d %s", r.code, r.body)
		}
		res := m["result"].(map[string]any)
		if res["ticket"].(map[string]any)["status"] != "solved" || res["comment"].(map[string]any)["body"] != fmt.Sprintf("Hi %s, fixed in #%d.", cust.Name, ids[0]) {
			t.Fatalf("apply result: %s", r.body)
		}
		if r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d", ids[0]), ""); m["ticket"].(map[string]any)["status"] == "solved" {
			t.Fatalf("apply saved the ticket: %s", r.body)
		}
		if r, _ = e.api("agent", "DELETE", fmt.Sprintf("/api/v2/macros/%d", mac), ""); r.code != 403 {
			t.Fatalf("agent deleted a shared macro: %d %s", r.code, r.body)
		}
	})
}

func TestRulesAPIWebhooksAdminOnly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r, _ := e.api("agent", "GET", "/api/v2/webhooks", ""); r.code != 403 {
			t.Fatalf("agent listed webhooks: %d", r.code)
		}
		r, _ := e.api("admin", "POST", "/api/v2/webhooks", `{"webhook": {"name": "x", "endpoint": "not a url", "http_method": "BREW"}}`)
		if r.code != 422 || !strings.Contains(r.body, "endpoint") || !strings.Contains(r.body, "http_method") {
			t.Fatalf("invalid webhook: %d %s", r.code, r.body)
		}
		r, m := e.api("admin", "POST", "/api/v2/webhooks", `{"webhook": {"name": "Pager", "endpoint": "https://hooks.example.com/in", "subscriptions": ["conditional_ticket_events"]}}`)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		wh := m["webhook"].(map[string]any)
		id := wh["id"].(string)
		if wh["status"] != "active" || wh["http_method"] != "POST" || strings.Contains(r.body, "secret") {
			t.Fatalf("webhook: %s", r.body)
		}
		if r, m = e.api("admin", "GET", "/api/v2/webhooks/"+id, ""); r.code != 200 || m["webhook"].(map[string]any)["name"] != "Pager" || strings.Contains(r.body, "secret") {
			t.Fatalf("show: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "GET", "/api/v2/webhooks/"+id+"/signing_secret", "")
		if r.code != 200 || len(m["signing_secret"].(map[string]any)["secret"].(string)) != 64 {
			t.Fatalf("secret: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "GET", "/api/v2/webhooks/"+id+"/invocations", ""); r.code != 200 || len(m["invocations"].([]any)) != 0 {
			t.Fatalf("invocations: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "GET", "/api/v2/webhooks/"+id+"/invocations?page[size]=5", ""); r.code != 200 || m["meta"].(map[string]any)["has_more"] != false {
			t.Fatalf("invocations page: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "GET", "/api/v2/webhooks/"+id+"/invocations?page[size]=0", ""); r.code != 400 || !strings.Contains(r.body, "page[size]") {
			t.Fatalf("invocations bad page size: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "PATCH", "/api/v2/webhooks/"+id, `{"webhook": {"status": "inactive"}}`); r.code != 200 || m["webhook"].(map[string]any)["status"] != "inactive" || m["webhook"].(map[string]any)["name"] != "Pager" {
			t.Fatalf("patch: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "DELETE", "/api/v2/webhooks/"+id, ""); r.code != 204 {
			t.Fatalf("delete: %d", r.code)
		}
	})
}

func TestRulesAPIPersonalMacrosAndViews(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		agent := e.users["agent"]
		personalTo := fmt.Sprintf("map[id:%d type:User]", agent.ID)
		for _, c := range []struct{ key, plural, body, shared string }{
			{"macro", "macros", `{"macro": {"title": "Mine", "actions": [{"field": "status", "value": "open"}]}}`,
				`{"macro": {"title": "Shared", "actions": [{"field": "status", "value": "open"}]}}`},
			{"view", "views", `{"view": {"title": "Mine", "all": [{"field": "status", "operator": "is", "value": "new"}]}}`,
				`{"view": {"title": "Shared", "all": [{"field": "status", "operator": "is", "value": "new"}]}}`},
		} {
			base := "/api/v2/" + c.plural
			r, m := e.api("agent", "POST", base, c.body)
			if r.code != 201 || fmt.Sprint(m[c.key].(map[string]any)["restriction"]) != personalTo {
				t.Fatalf("%s: personal create: %d %s", c.key, r.code, r.body)
			}
			mine := idOf(m, c.key)
			r, m = e.api("admin", "POST", base, c.shared)
			if r.code != 201 || m[c.key].(map[string]any)["restriction"] != nil {
				t.Fatalf("%s: shared create: %d %s", c.key, r.code, r.body)
			}
			shared := idOf(m, c.key)
			if r, m = e.api("agent", "GET", fmt.Sprintf("%s/%d", base, mine), ""); r.code != 200 || m[c.key].(map[string]any)["title"] != "Mine" {
				t.Fatalf("%s: show: %d %s", c.key, r.code, r.body)
			}
			r, m = e.api("agent", "PUT", fmt.Sprintf("%s/%d", base, mine), fmt.Sprintf(`{%q: {"title": "Mine too"}}`, c.key))
			if r.code != 200 || m[c.key].(map[string]any)["title"] != "Mine too" || fmt.Sprint(m[c.key].(map[string]any)["restriction"]) != personalTo {
				t.Fatalf("%s: personal update: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "PUT", fmt.Sprintf("%s/%d", base, mine), fmt.Sprintf(`{%q: {"restriction": null}}`, c.key)); r.code != 200 {
				t.Fatalf("%s: agent update without restriction: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "PUT", fmt.Sprintf("%s/%d", base, mine), fmt.Sprintf(`{%q: {"restriction": {"type": "Group", "id": 1}}}`, c.key)); r.code != 403 {
				t.Fatalf("%s: agent shares a personal one: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "PUT", fmt.Sprintf("%s/%d", base, shared), fmt.Sprintf(`{%q: {"title": "x"}}`, c.key)); r.code != 403 {
				t.Fatalf("%s: agent changed a shared one: %d %s", c.key, r.code, r.body)
			}
			if r, m = e.api("admin", "PUT", fmt.Sprintf("%s/%d", base, shared), fmt.Sprintf(`{%q: {"title": "Shared too"}}`, c.key)); r.code != 200 || m[c.key].(map[string]any)["title"] != "Shared too" {
				t.Fatalf("%s: admin update: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "DELETE", fmt.Sprintf("%s/%d", base, shared), ""); r.code != 403 {
				t.Fatalf("%s: agent deleted a shared one: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "DELETE", fmt.Sprintf("%s/%d", base, mine), ""); r.code != 204 || r.body != "" {
				t.Fatalf("%s: personal delete: %d %q", c.key, r.code, r.body)
			}
			if r, _ = e.api("agent", "GET", fmt.Sprintf("%s/%d", base, mine), ""); r.code != 404 {
				t.Fatalf("%s: deleted: %d %s", c.key, r.code, r.body)
			}
			if r, _ = e.api("admin", "DELETE", fmt.Sprintf("%s/%d", base, shared), ""); r.code != 204 {
				t.Fatalf("%s: admin delete: %d %s", c.key, r.code, r.body)
			}
		}
	})
}
