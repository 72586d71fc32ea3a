package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/rules"
)

// TestAdminEditsAndDeletesRules edits a trigger as Zendesk JSON (a bad
// condition is refused with its path and nothing changes) and deletes it.
func TestAdminEditsAndDeletesRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		tr, err := e.srv.Rules.CreateTrigger(ctx, audit.System(), rules.Trigger{Title: "Tag printers", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{{Field: "status", Operator: "is", Value: "new"}}},
			Actions:    []rules.Action{{Field: "set_tags", Value: "printer"}}})
		if err != nil {
			t.Fatal(err)
		}
		admin := signIn(t, e, "admin@example.com")
		path := "/admin/rules/triggers/" + strconv.FormatInt(tr.ID, 10)
		post := func(p string, form url.Values) resp {
			form.Set("csrf_token", e.csrf(admin, "/admin/rules?kind=triggers"))
			return e.do(admin, "POST", p, strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		}
		bad := `{"trigger": {"title": "Tag printers", "conditions": {"all": [{"field": "status", "operator": "sideways", "value": "new"}]}, "actions": [{"field": "set_tags", "value": "printer"}]}}`
		r := post(path, url.Values{"json": {bad}})
		if r.code != 422 || !strings.Contains(r.body, "all[0].operator") || !strings.Contains(r.body, "sideways") {
			t.Fatalf("bad edit: %d %s", r.code, r.body)
		}
		if got, _ := e.srv.Rules.GetTrigger(ctx, tr.ID); got.Conditions.All[0].Operator != "is" {
			t.Fatalf("refused edit changed the trigger: %+v", got)
		}
		good := `{"trigger": {"title": "Tag printer tickets", "active": true, "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}]}, "actions": [{"field": "set_tags", "value": "printer hardware"}]}}`
		if r := post(path, url.Values{"json": {good}}); r.code != 200 || !strings.Contains(r.body, "Saved.") { // after the redirect
			t.Fatalf("edit: %d %s", r.code, r.body)
		}
		if got, _ := e.srv.Rules.GetTrigger(ctx, tr.ID); got.Title != "Tag printer tickets" {
			t.Fatalf("edit not saved: %+v", got)
		}
		if r := post(path+"/delete", url.Values{}); r.code != 200 || !strings.Contains(r.body, "Deleted.") {
			t.Fatalf("delete: %d %s", r.code, r.body)
		}
		if _, err := e.srv.Rules.GetTrigger(ctx, tr.ID); err == nil {
			t.Fatal("deleted trigger still there")
		}
		if r := e.do(signIn(t, e, "agent@example.com"), "POST", path+"/delete", nil); r.code != 403 {
			t.Fatalf("agent delete: %d", r.code)
		}
	})
}

// TestAdminManagesWebhooks adds and edits a webhook as JSON from the admin page.
func TestAdminManagesWebhooks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := signIn(t, e, "admin@example.com")
		post := func(p, src string) resp {
			form := url.Values{"json": {src}, "csrf_token": {e.csrf(admin, "/admin/rules?kind=webhooks")}}
			return e.do(admin, "POST", p, strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		}
		if r := post("/admin/rules/webhooks", `{"webhook": {"name": "Chat", "endpoint": "not a url", "http_method": "POST", "request_format": "json", "status": "active", "subscriptions": ["conditional_ticket_events"]}}`); r.code != 422 || !strings.Contains(r.body, "ndpoint") {
			t.Fatalf("bad webhook: %d", r.code)
		}
		r := post("/admin/rules/webhooks", `{"webhook": {"name": "Chat", "endpoint": "https://chat.example.com/hook", "http_method": "POST", "request_format": "json", "status": "active", "subscriptions": ["conditional_ticket_events"]}}`)
		if r.code != 200 || !strings.Contains(r.body, "https://chat.example.com/hook") {
			t.Fatalf("add webhook: %d %s", r.code, r.body)
		}
		ws, err := e.srv.Rules.ListWebhooks(t.Context())
		if err != nil || len(ws) != 1 {
			t.Fatalf("webhooks %v %v", ws, err)
		}
		if r := post("/admin/rules/webhooks/"+ws[0].ID, `{"webhook": {"status": "inactive"}}`); r.code != 200 {
			t.Fatalf("edit webhook: %d", r.code)
		}
		if w, _ := e.srv.Rules.GetWebhook(t.Context(), mustID(t, ws[0].ID)); w == nil || w.Status != "inactive" || w.Endpoint != "https://chat.example.com/hook" {
			t.Fatalf("edited %+v", w)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
