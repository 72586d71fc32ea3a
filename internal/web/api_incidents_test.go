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

// TestIncidentsPagerDutyAPI drives the incident area over HTTP in
// PagerDuty's shapes: Events API v2 (dedup, 202 after commit, 400 for an
// invalid event), services with their integration keys, escalation
// policies, incidents (filters, acknowledge, resolve, notes, log entries)
// with "Authorization: Token token=...", the public status page and feed,
// the customer banner, the one-time acknowledge link and the emergency
// form's rule.
func TestIncidentsPagerDutyAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := e.srv.Incidents
		agent, admin := e.users[people.RoleAgent], e.users[people.RoleAdmin]
		p, err := st.CreatePolicy(ctx, audit.System(), incident.PolicyInput{Name: "Ops", NumLoops: 1, Rules: []incident.Rule{
			{DelayMinutes: 10, Targets: []incident.Target{{Kind: incident.TargetUser, ID: agent.ID}}},
			{DelayMinutes: 5, Targets: []incident.Target{{Kind: incident.TargetUser, ID: admin.ID}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := st.CreateService(ctx, audit.System(), incident.ServiceInput{Name: "Production monitoring", EscalationPolicyID: p.ID, Kind: "monitoring"})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.auth.CreateAPIToken(ctx, audit.System(), agent.ID, "pd")
		if err != nil {
			t.Fatal(err)
		}
		pd := []string{"Authorization", "Token token=" + tok, "Content-Type", "application/json"}
		get := func(path string, v any) resp {
			t.Helper()
			r := e.do(nil, "GET", path, nil, pd...)
			if v != nil && r.code == 200 {
				if err := json.Unmarshal([]byte(r.body), v); err != nil {
					t.Fatal(err)
				}
			}
			return r
		}

		// Services list the integration key only with include[]=integrations.
		var sv struct {
			Services []struct {
				ID           string           `json:"id"`
				Integrations []map[string]any `json:"integrations"`
			} `json:"services"`
			More bool `json:"more"`
		}
		if r := get("/pagerduty/services?include[]=integrations", &sv); r.code != 200 || len(sv.Services) != 1 || sv.Services[0].Integrations[0]["integration_key"] != svc.IntegrationKey {
			t.Fatalf("services: %d %s", r.code, r.body)
		}
		if r := get("/pagerduty/services", nil); strings.Contains(r.body, svc.IntegrationKey) {
			t.Fatalf("key without include: %s", r.body)
		}
		if r := get("/pagerduty/services?bogus=1", nil); r.code != 400 || !strings.Contains(r.body, `"code":2001`) {
			t.Fatalf("unknown param: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/pagerduty/services", nil); r.code != 401 {
			t.Fatalf("anonymous: %d", r.code)
		}
		// On-calls per escalation policy level, as PagerDuty lists them: users
		// named on a level directly have no schedule and no start or end.
		var oc struct {
			Oncalls []struct {
				User             struct{ ID string }  `json:"user"`
				Schedule         *struct{ ID string } `json:"schedule"`
				EscalationPolicy struct{ ID string }  `json:"escalation_policy"`
				EscalationLevel  int                  `json:"escalation_level"`
				Start            *string              `json:"start"`
			} `json:"oncalls"`
		}
		if r := get(fmt.Sprintf("/pagerduty/oncalls?escalation_policy_ids[]=%s", pdID(p.ID)), &oc); r.code != 200 || len(oc.Oncalls) != 2 {
			t.Fatalf("oncalls of the policy: %d %s", r.code, r.body)
		}
		for i, want := range []int64{agent.ID, admin.ID} {
			o := oc.Oncalls[i]
			if o.User.ID != pdID(want) || o.EscalationLevel != i+1 || o.EscalationPolicy.ID != pdID(p.ID) || o.Schedule != nil || o.Start != nil {
				t.Fatalf("oncall %d: %+v", i, o)
			}
		}
		oc.Oncalls = nil
		if r := get(fmt.Sprintf("/pagerduty/oncalls?escalation_policy_ids[]=%s&user_ids[]=%s", pdID(p.ID), pdID(admin.ID)), &oc); r.code != 200 || len(oc.Oncalls) != 1 || oc.Oncalls[0].EscalationLevel != 2 {
			t.Fatalf("oncalls of the policy for the admin: %d %s", r.code, r.body)
		}
		oc.Oncalls = nil
		if r := get("/pagerduty/oncalls?escalation_policy_ids[]=999999", &oc); r.code != 200 || len(oc.Oncalls) != 0 {
			t.Fatalf("another policy: %d %s", r.code, r.body)
		}
		var ep map[string]any
		if r := get("/pagerduty/escalation_policies", &ep); r.code != 200 || !strings.Contains(r.body, `"escalation_delay_in_minutes":10`) || !strings.Contains(r.body, `"num_loops":1`) {
			t.Fatalf("policies: %d %s", r.code, r.body)
		}

		// Events API v2: the same dedup key twice opens one incident.
		ev := func(action, key, sev string) resp {
			b := fmt.Sprintf(`{"routing_key":%q,"event_action":%q,"dedup_key":%q,"payload":{"summary":"API 5xx above 5%%","source":"prometheus","severity":%q}}`, svc.IntegrationKey, action, key, sev)
			return e.do(nil, "POST", "/pagerduty/v2/enqueue", strings.NewReader(b), "Content-Type", "application/json")
		}
		for range 2 {
			if r := ev("trigger", "api-5xx", "critical"); r.code != 202 || !strings.Contains(r.body, `"dedup_key":"api-5xx"`) || !strings.Contains(r.body, `"message":"Event processed"`) {
				t.Fatalf("enqueue: %d %s", r.code, r.body)
			}
		}
		if r := ev("trigger", "x", "disaster"); r.code != 400 || !strings.Contains(r.body, `"status":"invalid event"`) {
			t.Fatalf("invalid: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", "/pagerduty/v2/enqueue", strings.NewReader(`{`)); r.code != 400 {
			t.Fatalf("malformed: %d %s", r.code, r.body)
		}
		var list struct {
			Incidents []map[string]any `json:"incidents"`
			Total     *int             `json:"total"`
			More      bool             `json:"more"`
		}
		if r := get("/pagerduty/incidents?statuses[]=triggered&statuses[]=acknowledged&incident_key=api-5xx&total=true", &list); r.code != 200 || len(list.Incidents) != 1 || *list.Total != 1 {
			t.Fatalf("incidents: %d %s", r.code, r.body)
		}
		inc := list.Incidents[0]
		id := inc["id"].(string)
		if inc["status"] != "triggered" || inc["incident_key"] != "api-5xx" || inc["urgency"] != "high" {
			t.Fatalf("incident: %v", inc)
		}
		if r := get("/pagerduty/incidents?statuses[]=closed", nil); r.code != 400 {
			t.Fatalf("bad status: %d", r.code)
		}
		// Acknowledge, a note, resolve.
		if r := e.do(nil, "PUT", "/pagerduty/incidents/"+id, strings.NewReader(`{"incident":{"type":"incident","status":"acknowledged"}}`), append(pd, "From", "agent@example.com")...); r.code != 200 || !strings.Contains(r.body, `"status":"acknowledged"`) || !strings.Contains(r.body, `"acknowledger"`) {
			t.Fatalf("acknowledge: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", "/pagerduty/incidents/"+id+"/notes", strings.NewReader(`{"note":{"content":"Rolling back 16.4.1"}}`), pd...); r.code != 201 || !strings.Contains(r.body, "Rolling back") {
			t.Fatalf("note: %d %s", r.code, r.body)
		}
		if r := get("/pagerduty/incidents/"+id+"/notes", nil); r.code != 200 || !strings.Contains(r.body, "The agent") {
			t.Fatalf("notes: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "PUT", "/pagerduty/incidents/"+id, strings.NewReader(`{"incident":{"type":"incident","status":"closed"}}`), pd...); r.code != 422 || !strings.Contains(r.body, "Incident status rule") {
			t.Fatalf("bad status: %d %s", r.code, r.body)
		}

		// CMOC posts an update: it is on /status, /status.json and the customer's banner.
		if _, err := st.PostUpdate(ctx, audit.Actor{ID: agent.ID, Role: "agent"}, pdMustID(t, id), incident.Identified, "A bad deploy; rolling back."); err != nil {
			t.Fatal(err)
		}
		if r := e.do(nil, "GET", "/status", nil); r.code != 200 || !strings.Contains(r.body, "API 5xx above 5%") || !strings.Contains(r.body, "rolling back") {
			t.Fatalf("status: %d %s", r.code, r.body)
		}
		var feed incident.StatusPage
		r := e.do(nil, "GET", "/status.json", nil)
		if err := json.Unmarshal([]byte(r.body), &feed); err != nil || len(feed.Active) != 1 || feed.Indicator != "critical" || strings.Contains(r.body, "prometheus") {
			t.Fatalf("feed: %s", r.body)
		}
		cust := signIn(t, e, "end-user@example.com")
		if page := e.do(cust, "GET", "/portal", nil); !strings.Contains(page.body, `id="incident-banner"`) {
			t.Fatalf("no banner: %s", page.body)
		}
		if page := e.do(cust, "GET", "/portal/emergency", nil); page.code != 200 || !strings.Contains(page.body, "Emergency rule") {
			t.Fatalf("emergency form for a customer without emergency support: %d", page.code)
		}
		if r := e.do(nil, "PUT", "/pagerduty/incidents/"+id, strings.NewReader(`{"incident":{"type":"incident","status":"resolved"}}`), pd...); r.code != 200 || !strings.Contains(r.body, `"status":"resolved"`) {
			t.Fatalf("resolve: %d %s", r.code, r.body)
		}
		if page := e.do(cust, "GET", "/portal", nil); strings.Contains(page.body, `id="incident-banner"`) {
			t.Fatal("banner after resolution")
		}
		var logs struct {
			LogEntries []map[string]any `json:"log_entries"`
		}
		if r := get("/pagerduty/log_entries?limit=100", &logs); r.code != 200 || len(logs.LogEntries) < 5 {
			t.Fatalf("log entries: %d %s", r.code, r.body)
		}
		types := map[string]bool{}
		for _, l := range logs.LogEntries {
			types[l["type"].(string)] = true
		}
		for _, want := range []string{"trigger_log_entry", "acknowledge_log_entry", "resolve_log_entry", "annotate_log_entry"} {
			if !types[want] {
				t.Fatalf("no %s in %v", want, types)
			}
		}
		// The customer reaches none of the staff routes.
		if r := e.do(cust, "GET", "/incidents", nil); r.code != 403 {
			t.Fatalf("customer on /incidents: %d", r.code)
		}

		// The one-time acknowledge link: a confirmation page, then once.
		inc2, _, err := st.Trigger(ctx, audit.System(), incident.TriggerInput{ServiceID: svc.ID, Title: "Runner fleet down"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.DB.W.Exec("INSERT INTO incident_pages (incident_id, step, user_id, created_at) VALUES ($1, 0, $2, 0)", inc2.ID, agent.ID); err != nil {
			t.Fatal(err)
		}
		ps, _ := st.Pages(ctx, inc2.ID)
		ack, _ := st.AckTokenOf(ctx, ps[0].ID)
		if r := e.do(nil, "GET", "/incidents/ack?token="+ack, nil); r.code != 200 || !strings.Contains(r.body, `id="ack-submit"`) {
			t.Fatalf("ack page: %d", r.code)
		}
		if got, _ := st.Get(ctx, inc2.ID); got.Status != incident.Triggered {
			t.Fatal("the GET acknowledged")
		}
		form := url.Values{"token": {ack}}.Encode()
		if r := e.do(nil, "POST", "/incidents/ack", strings.NewReader(form), "Content-Type", "application/x-www-form-urlencoded"); r.code != 200 || !strings.Contains(r.body, "acknowledged") {
			t.Fatalf("ack: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "POST", "/incidents/ack", strings.NewReader(form), "Content-Type", "application/x-www-form-urlencoded"); r.code != 422 || !strings.Contains(r.body, "used already") {
			t.Fatalf("second ack: %d %s", r.code, r.body)
		}
		// The staff pages.
		ag := signIn(t, e, "agent@example.com")
		if page := e.do(ag, "GET", fmt.Sprintf("/incidents/%d", inc2.ID), nil); page.code != 200 || !strings.Contains(page.body, "Runner fleet down") || !strings.Contains(page.body, `id="timeline"`) {
			t.Fatalf("incident page: %d", page.code)
		}
		if page := e.do(ag, "GET", "/incidents", nil); page.code != 200 || !strings.Contains(page.body, "Runner fleet down") || strings.Contains(page.body, svc.IntegrationKey) {
			t.Fatalf("incidents page: %d", page.code)
		}
	})
}

func pdMustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
