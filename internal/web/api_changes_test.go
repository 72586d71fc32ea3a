package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

const changeTrigger = `{"trigger": {"title": "Tag refunds",
	"conditions": {"all": [{"field": "comment_includes_word", "operator": "includes", "value": "refund"}], "any": []},
	"actions": [{"field": "current_tags", "value": "refund"}]}}`

// secondAdmin adds another admin ("ops") who can sign in with pw.
func secondAdmin(t *testing.T, e *env) {
	t.Helper()
	name, email, role := "Ops Admin", "ops@example.com", people.RoleAdmin
	u, err := e.ppl.CreateUser(context.Background(), audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.SetPassword(context.Background(), audit.System(), u.ID, pw); err != nil {
		t.Fatal(err)
	}
}

func obj(m map[string]any, key string) map[string]any { o, _ := m[key].(map[string]any); return o }

func TestChangeControl(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		secondAdmin(t, e)
		r, m := e.api("admin", "POST", "/api/v2/triggers", changeTrigger)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		id := int64(obj(m, "trigger")["id"].(float64))
		path := fmt.Sprintf("/api/v2/triggers/%d", id)
		// Without approval: direct changes go through and are recorded.
		if r, _ := e.api("admin", "PUT", path, `{"trigger": {"title": "Tag refund requests"}}`); r.code != 200 {
			t.Fatalf("direct update: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "GET", "/api/v2/config_changes?status=applied", "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("recorded changes: %d %s", r.code, r.body)
		}
		// Versions and their diff.
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/config_versions?object_type=trigger&object_id=%d", id), "")
		vs, _ := m["config_versions"].([]any)
		if r.code != 200 || len(vs) != 2 {
			t.Fatalf("versions: %d %s", r.code, r.body)
		}
		v1 := int64(vs[0].(map[string]any)["id"].(float64))
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/config_versions/%d/diff", v1), "")
		if r.code != 200 || !strings.Contains(r.body, `"path":"title"`) || !strings.Contains(r.body, "Tag refund requests") || m["count"].(float64) != 1 {
			t.Fatalf("diff: %d %s", r.code, r.body)
		}
		// Roll back to version 1 in one call.
		r, m = e.api("admin", "POST", fmt.Sprintf("/api/v2/config_versions/%d/rollback", v1), "")
		if r.code != 200 || obj(m, "config_change")["status"] != "applied" {
			t.Fatalf("rollback: %d %s", r.code, r.body)
		}
		if _, m := e.api("admin", "GET", path, ""); obj(m, "trigger")["title"] != "Tag refunds" {
			t.Fatalf("after rollback: %v", m)
		}

		// Require approval.
		if r, _ := e.api("agent", "PUT", "/api/v2/change_control", `{"change_control": {"require_approval": true}}`); r.code != 403 {
			t.Fatalf("agent toggled: %d", r.code)
		}
		if r, m := e.api("admin", "PUT", "/api/v2/change_control", `{"change_control": {"require_approval": true}}`); r.code != 200 || obj(m, "change_control")["require_approval"] != true {
			t.Fatalf("require approval: %d %s", r.code, r.body)
		}
		r, _ = e.api("admin", "PUT", path, `{"trigger": {"title": "Sneaky"}}`)
		if r.code != 422 || !strings.Contains(r.body, "Change control rule") {
			t.Fatalf("direct change with approval required: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "POST", "/api/v2/triggers", changeTrigger); r.code != 422 {
			t.Fatalf("direct creation with approval required: %d", r.code)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/change_control", `{"change_control": {"require_approval": false}}`); r.code != 422 {
			t.Fatalf("approval switched off directly: %d", r.code)
		}
		// Propose; the proposer cannot approve; another admin does, and exactly the proposal is applied.
		r, m = e.api("admin", "POST", "/api/v2/config_changes", fmt.Sprintf(`{"config_change": {"method": "PUT", "path": %q, "body": {"trigger": {"title": "Tag refunds (reviewed)"}}, "description": "clearer title"}}`, path))
		if r.code != 201 || obj(m, "config_change")["status"] != "pending" || obj(m, "config_change")["before"] == nil {
			t.Fatalf("propose: %d %s", r.code, r.body)
		}
		cid := int64(obj(m, "config_change")["id"].(float64))
		if r, _ := e.api("admin", "POST", fmt.Sprintf("/api/v2/config_changes/%d/approve", cid), ""); r.code != 422 || !strings.Contains(r.body, "Four-eyes rule") {
			t.Fatalf("self-approval: %d %s", r.code, r.body)
		}
		if _, m := e.api("admin", "GET", path, ""); obj(m, "trigger")["title"] != "Tag refunds" {
			t.Fatal("a pending change was applied")
		}
		// Two approvals racing: one applies, the other is refused.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do(nil, "POST", fmt.Sprintf("/api/v2/config_changes/%d/approve", cid), nil, basic("ops@example.com", pw)...)
				codes[i] = r.code
			}()
		}
		wg.Wait()
		if !(codes[0] == 200 && codes[1] != 200 || codes[1] == 200 && codes[0] != 200) {
			t.Fatalf("racing approvals: %v", codes)
		}
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/config_changes/%d", cid), "")
		if c := obj(m, "config_change"); c["status"] != "applied" || c["result_code"].(float64) != 200 {
			t.Fatalf("approved change: %s", r.body)
		}
		if _, m := e.api("admin", "GET", path, ""); obj(m, "trigger")["title"] != "Tag refunds (reviewed)" {
			t.Fatalf("approved change not applied: %v", m)
		}
		// A proposal that breaks a rule fails when applied, and says why.
		_, m = e.api("admin", "POST", "/api/v2/config_changes", fmt.Sprintf(`{"config_change": {"method": "PUT", "path": %q, "body": {"trigger": {"conditions": {"all": [{"field": "nonsense", "operator": "is", "value": "x"}]}}}}}`, path))
		bad := int64(obj(m, "config_change")["id"].(float64))
		r = e.do(nil, "POST", fmt.Sprintf("/api/v2/config_changes/%d/approve", bad), nil, basic("ops@example.com", pw)...)
		if r.code != 200 || !strings.Contains(r.body, `"status":"failed"`) || !strings.Contains(r.body, "nonsense") {
			t.Fatalf("failing proposal: %d %s", r.code, r.body)
		}
		// Reject.
		_, m = e.api("admin", "POST", "/api/v2/config_changes", fmt.Sprintf(`{"config_change": {"method": "DELETE", "path": %q}}`, path))
		del := int64(obj(m, "config_change")["id"].(float64))
		r = e.do(nil, "POST", fmt.Sprintf("/api/v2/config_changes/%d/reject", del), strings.NewReader(`{"note": "still needed"}`), append(basic("ops@example.com", pw), "Content-Type", "application/json")...)
		if r.code != 200 || !strings.Contains(r.body, `"status":"rejected"`) {
			t.Fatalf("reject: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "GET", path, ""); r.code != 200 {
			t.Fatal("a rejected deletion was applied")
		}
		// An emergency change goes through, flagged for review by someone else.
		r = e.do(nil, "PUT", path, strings.NewReader(`{"trigger": {"active": false}}`), append(basic("admin@example.com", pw), "Content-Type", "application/json", EmergencyHeader, "refund storm tagging every ticket")...)
		if r.code != 200 {
			t.Fatalf("emergency change: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "GET", "/api/v2/config_changes?needs_review=true", "")
		if r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("emergency not flagged: %s", r.body)
		}
		em := m["config_changes"].([]any)[0].(map[string]any)
		if em["description"] != "refund storm tagging every ticket" || em["emergency"] != true {
			t.Fatalf("emergency record %v", em)
		}
		eid := int64(em["id"].(float64))
		if r, _ := e.api("admin", "POST", fmt.Sprintf("/api/v2/config_changes/%d/review", eid), ""); r.code != 422 {
			t.Fatalf("self-review: %d", r.code)
		}
		if r := e.do(nil, "POST", fmt.Sprintf("/api/v2/config_changes/%d/review", eid), nil, basic("ops@example.com", pw)...); r.code != 200 {
			t.Fatalf("review: %d %s", r.code, r.body)
		}
		// A rollback while approval is required is a proposal.
		r, m = e.api("admin", "POST", fmt.Sprintf("/api/v2/config_versions/%d/rollback", v1), "")
		if r.code != 200 || obj(m, "config_change")["status"] != "pending" || !strings.Contains(obj(m, "config_change")["description"].(string), "Roll back trigger") {
			t.Fatalf("rollback under approval: %d %s", r.code, r.body)
		}
		// The admin page refuses direct rule edits too.
		admin := signIn(t, e, "admin@example.com")
		if r := formPost(t, e, admin, "/admin/rules?kind=trigger", fmt.Sprintf("/admin/rules/trigger/%d/toggle", id), url.Values{}); r.code != 422 || !strings.Contains(r.body, "Change control rule") {
			t.Fatalf("admin form under approval: %d", r.code)
		}
		// Switching approval off is a change like the others.
		_, m = e.api("admin", "POST", "/api/v2/config_changes", `{"config_change": {"method": "PUT", "path": "/api/v2/change_control", "body": {"change_control": {"require_approval": false}}}}`)
		off := int64(obj(m, "config_change")["id"].(float64))
		if r := e.do(nil, "POST", fmt.Sprintf("/api/v2/config_changes/%d/approve", off), nil, basic("ops@example.com", pw)...); r.code != 200 || !strings.Contains(r.body, `"status":"applied"`) {
			t.Fatalf("approve switching off: %d %s", r.code, r.body)
		}
		if _, m := e.api("admin", "GET", "/api/v2/change_control", ""); obj(m, "change_control")["require_approval"] != false {
			t.Fatalf("approval still required: %v", m)
		}
		_ = http.StatusOK
	})
}

// TestChangeControlPages: an admin requires approval, proposes nothing by
// form (the rule page refuses), another admin approves a proposal from the
// page, and a version is rolled back from the history page.
func TestChangeControlPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		secondAdmin(t, e)
		_, m := e.api("admin", "POST", "/api/v2/triggers", changeTrigger)
		id := int64(obj(m, "trigger")["id"].(float64))
		path := fmt.Sprintf("/api/v2/triggers/%d", id)
		e.api("admin", "PUT", path, `{"trigger": {"title": "Second title"}}`)
		admin, ops := signIn(t, e, "admin@example.com"), signIn(t, e, "ops@example.com")
		if r := formPost(t, e, admin, "/admin/changes", "/admin/changes/settings", url.Values{"require_approval": {"true"}}); r.code != 303 {
			t.Fatalf("require: %d %s", r.code, r.body)
		}
		_, m = e.api("admin", "POST", "/api/v2/config_changes", fmt.Sprintf(`{"config_change": {"method": "PUT", "path": %q, "body": {"trigger": {"title": "Third <title>"}}, "description": "rename"}}`, path))
		cid := int64(obj(m, "config_change")["id"].(float64))
		page := e.do(admin, "GET", "/admin/changes", nil)
		if !strings.Contains(page.body, "You proposed it") || !strings.Contains(page.body, "Third &lt;title&gt;") || !strings.Contains(page.body, "<code>title</code>") {
			t.Fatalf("the proposer's page: %s", page.body)
		}
		if r := formPost(t, e, admin, "/admin/changes", fmt.Sprintf("/admin/changes/%d/approve", cid), url.Values{}); r.code != 422 || !strings.Contains(r.body, "Four-eyes rule") {
			t.Fatalf("self-approval by form: %d", r.code)
		}
		if r := formPost(t, e, ops, "/admin/changes", fmt.Sprintf("/admin/changes/%d/approve", cid), url.Values{}); r.code != 303 {
			t.Fatalf("approve by form: %d %s", r.code, r.body)
		}
		if _, m := e.api("admin", "GET", path, ""); obj(m, "trigger")["title"] != "Third <title>" {
			t.Fatalf("not applied: %v", m)
		}
		hist := e.do(admin, "GET", fmt.Sprintf("/admin/changes/versions?object_type=trigger&object_id=%d", id), nil)
		if hist.code != 200 || !strings.Contains(hist.body, "Version 3") || !strings.Contains(hist.body, "Roll back to version 1") {
			t.Fatalf("history page: %d %s", hist.code, hist.body)
		}
		_, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/config_versions?object_type=trigger&object_id=%d", id), "")
		v1 := int64(m["config_versions"].([]any)[0].(map[string]any)["id"].(float64))
		r := formPost(t, e, admin, fmt.Sprintf("/admin/changes/versions?object_type=trigger&object_id=%d", id), fmt.Sprintf("/admin/changes/versions/%d/rollback", v1), url.Values{})
		if r.code != 303 {
			t.Fatalf("rollback by form: %d %s", r.code, r.body)
		}
		_, m = e.api("admin", "GET", "/api/v2/config_changes?status=pending", "")
		if m["count"].(float64) != 1 {
			t.Fatalf("the rollback under approval is not a proposal: %v", m)
		}
	})
}
