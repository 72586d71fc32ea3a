package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/people"
)

// TestEscalationPolicyEditorAndChatWebhooks: escalation policies are
// written in PagerDuty's shapes (POST, a partial PUT; an unknown field,
// services or a missing schedule refused by name) and through the editor
// form; chat webhooks through Frontline's API and their admin page. Only
// on-call managers (team.manage) write; agents read policies but not
// webhooks (their URLs are secrets).
func TestEscalationPolicyEditorAndChatWebhooks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sched := firstSchedule(e)
		agent, admin := e.users[people.RoleAgent], e.users[people.RoleAdmin]
		tok, _, err := e.auth.CreateAPIToken(ctx, audit.System(), admin.ID, "pd")
		if err != nil {
			t.Fatal(err)
		}
		atok, _, err := e.auth.CreateAPIToken(ctx, audit.System(), agent.ID, "pd")
		if err != nil {
			t.Fatal(err)
		}
		pd := func(tok, method, path, body string) resp {
			t.Helper()
			return e.do(nil, method, path, strings.NewReader(body), "Authorization", "Token token="+tok, "Content-Type", "application/json")
		}
		body := fmt.Sprintf(`{"escalation_policy":{"type":"escalation_policy","name":"Database on-call","num_loops":2,
			"escalation_rules":[{"escalation_delay_in_minutes":15,"targets":[{"id":"%d","type":"schedule_reference"}]},
			{"escalation_delay_in_minutes":5,"targets":[{"id":"%d","type":"user_reference"}]}]}}`, sched, admin.ID)
		if r := pd(atok, "POST", "/pagerduty/escalation_policies", body); r.code != 403 {
			t.Fatalf("agent creates a policy: %d %s", r.code, r.body)
		}
		r := pd(tok, "POST", "/pagerduty/escalation_policies", body)
		var out struct {
			Policy struct {
				ID       string `json:"id"`
				Name     string `json:"name"`
				NumLoops int    `json:"num_loops"`
				Rules    []struct {
					Delay   int `json:"escalation_delay_in_minutes"`
					Targets []struct{ ID, Type string }
				} `json:"escalation_rules"`
				HTMLURL string `json:"html_url"`
			} `json:"escalation_policy"`
		}
		if r.code != 201 || json.Unmarshal([]byte(r.body), &out) != nil || out.Policy.Name != "Database on-call" || len(out.Policy.Rules) != 2 ||
			out.Policy.Rules[0].Targets[0].Type != "schedule_reference" || out.Policy.NumLoops != 2 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		id := out.Policy.ID
		// PUT changes only what it names.
		r = pd(tok, "PUT", "/pagerduty/escalation_policies/"+id, `{"escalation_policy":{"name":"Database on-call (EMEA)"}}`)
		if r.code != 200 || !strings.Contains(r.body, `"Database on-call (EMEA)"`) || !strings.Contains(r.body, `"escalation_delay_in_minutes":15`) {
			t.Fatalf("partial put: %d %s", r.code, r.body)
		}
		for _, c := range []struct{ body, want string }{
			{`{"escalation_policy":{"name":"x","color":"red"}}`, "color"},
			{`{"escalation_policy":{"services":[{"id":"1","type":"service_reference"}]}}`, "services"},
			{`{"escalation_policy":{"escalation_rules":[{"escalation_delay_in_minutes":5,"targets":[{"id":"999999","type":"schedule_reference"}]}]}}`, "schedule 999999 does not exist"},
			{`{"escalation_policy":{"escalation_rules":[{"escalation_delay_in_minutes":5,"targets":[{"id":"1","type":"team_reference"}]}]}}`, "Escalation rule"},
			{`{"escalation_policy":{"escalation_rules":[]}}`, "Escalation rule"},
		} {
			r := pd(tok, "PUT", "/pagerduty/escalation_policies/"+id, c.body)
			if r.code/100 != 4 || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, `"error"`) {
				t.Errorf("%s: %d %s", c.body, r.code, r.body)
			}
		}
		if r := pd(tok, "GET", "/pagerduty/escalation_policies/"+id, ""); !strings.Contains(r.body, `"Database on-call (EMEA)"`) || !strings.Contains(r.body, `"num_loops":2`) {
			t.Fatalf("a refused PUT changed the policy: %s", r.body)
		}

		// The editor form: a manager (admin) edits the levels; an agent is refused.
		pid := 0
		fmt.Sscan(id, &pid)
		edit := fmt.Sprintf("/incidents/policies/%d/edit", pid)
		ac := signIn(t, e, admin.Email)
		page := e.do(ac, "GET", edit, nil)
		if page.code != 200 || !strings.Contains(page.body, `name="targets_0"`) || !strings.Contains(page.body, fmt.Sprintf(`value="schedule:%d" selected`, sched)) {
			t.Fatalf("editor: %d %.600s", page.code, page.body)
		}
		v := url.Values{"name": {"Database on-call"}, "description": {"edited"}, "num_loops": {"1"},
			"delay_0": {"20"}, "targets_0": {fmt.Sprintf("schedule:%d", sched), fmt.Sprintf("user:%d", agent.ID)},
			"delay_1": {"5"}, "delay_2": {"10"}, "targets_2": {fmt.Sprintf("user:%d", admin.ID)}}
		if r := formPost(t, e, ac, edit, edit, v); r.code != 303 {
			t.Fatalf("editor save: %d %.600s", r.code, r.body)
		}
		p, err := e.srv.Incidents.Policy(ctx, int64(pid))
		if err != nil || p.NumLoops != 1 || len(p.Rules) != 2 || p.Rules[0].DelayMinutes != 20 || len(p.Rules[0].Targets) != 2 || p.Rules[1].Targets[0].ID != admin.ID {
			t.Fatalf("after the editor (the empty middle level dropped): %+v %v", p, err)
		}
		v.Set("delay_0", "0")
		if r := formPost(t, e, ac, edit, edit, v); r.code != 422 || !strings.Contains(r.body, "Escalation rule") {
			t.Fatalf("a zero delay: %d %.400s", r.code, r.body)
		}
		gc := signIn(t, e, agent.Email)
		if r := e.do(gc, "GET", edit, nil); r.code != 403 {
			t.Fatalf("agent opens the editor: %d", r.code)
		}
		if r := e.do(gc, "GET", "/incidents", nil); r.code != 200 || strings.Contains(r.body, "/incidents/policies/new") || !strings.Contains(r.body, "Database on-call") {
			t.Fatalf("agent's incidents page: %d", r.code)
		}
		if r := e.do(ac, "GET", "/incidents", nil); !strings.Contains(r.body, "/incidents/policies/new") || !strings.Contains(r.body, edit) {
			t.Fatal("manager's incidents page has no editor links")
		}

		// Chat webhooks: the API, then the page.
		if r, _ := e.api("agent", "GET", "/api/v2/oncall/chat_webhooks", ""); r.code != 403 {
			t.Fatalf("agent lists webhooks: %d", r.code)
		}
		r, _ = e.api("admin", "POST", "/api/v2/oncall/chat_webhooks", `{"chat_webhook":{"name":"Ops room","format":"teams","url":"https://teams.example/hook/1"}}`)
		var wh struct {
			W incident.Webhook `json:"chat_webhook"`
		}
		if r.code != 201 || json.Unmarshal([]byte(r.body), &wh) != nil || wh.W.Format != "teams" || !wh.W.Active || wh.W.ServiceID != nil {
			t.Fatalf("create webhook: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "POST", "/api/v2/oncall/chat_webhooks", `{"chat_webhook":{"name":"x","format":"irc","url":"https://x.example"}}`); r.code != 422 || !strings.Contains(r.body, "Webhook rule") {
			t.Fatalf("irc: %d %s", r.code, r.body)
		}
		hook := fmt.Sprintf("/api/v2/oncall/chat_webhooks/%d", wh.W.ID)
		if r, _ := e.api("admin", "PUT", hook, `{"chat_webhook":{"active":false}}`); r.code != 200 || !strings.Contains(r.body, `"active":false`) || !strings.Contains(r.body, "teams.example") {
			t.Fatalf("switch off: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "GET", "/api/v2/oncall/chat_webhooks", ""); r.code != 200 || !strings.Contains(r.body, `"count":1`) {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		wp := e.do(ac, "GET", "/incidents/webhooks", nil)
		if wp.code != 200 || !strings.Contains(wp.body, "Ops room") || !strings.Contains(wp.body, "Switch on") {
			t.Fatalf("webhooks page: %d %.500s", wp.code, wp.body)
		}
		if r := formPost(t, e, ac, "/incidents/webhooks", "/incidents/webhooks", url.Values{"name": {"Mattermost"}, "format": {"mattermost"}, "url": {"https://mm.example/hooks/abc"}, "service_id": {""}}); r.code != 303 {
			t.Fatalf("add on the page: %d %.400s", r.code, r.body)
		}
		if r := formPost(t, e, ac, "/incidents/webhooks", fmt.Sprintf("/incidents/webhooks/%d/delete", wh.W.ID), url.Values{}); r.code != 303 {
			t.Fatalf("remove on the page: %d", r.code)
		}
		if r, _ := e.api("admin", "GET", hook, ""); r.code != 404 {
			t.Fatalf("removed webhook: %d", r.code)
		}
		if r := e.do(gc, "GET", "/incidents/webhooks", nil); r.code != 403 {
			t.Fatalf("agent opens the webhooks page: %d", r.code)
		}
	})
}
