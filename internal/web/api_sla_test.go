package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// withSLA gives the test server an SLA service hooked into its ticket store.
func withSLA(t *testing.T, e *env) *sla.Service {
	t.Helper()
	svc := sla.NewService(sla.NewStore(e.srv.DB, audit.New(e.srv.DB)), sla.Options{})
	e.tickets.OnChange(svc.Hook)
	e.srv.SLAService = svc
	e.srv.SLA = slaBadges{svc: svc, now: e.clk.Now}
	return svc
}

func TestSLAConfigAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		withSLA(t, e)
		// Zendesk's default workweek when no intervals are given.
		r, m := e.api("admin", "POST", "/api/v2/business_hours/schedules.json", `{"schedule":{"name":"AMER","time_zone":"Eastern Time (US & Canada)"}}`)
		if r.code != 201 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		sch := m["schedule"].(map[string]any)
		sid := int64(sch["id"].(float64))
		if n := len(sch["intervals"].([]any)); n != 5 {
			t.Fatalf("intervals %v", sch["intervals"])
		}
		base := fmt.Sprintf("/api/v2/business_hours/schedules/%d", sid)
		// Bad input is a 422 naming the field, and nothing changes.
		for _, c := range []struct{ method, path, body, field string }{
			{"POST", "/api/v2/business_hours/schedules", `{"schedule":{"name":"X","time_zone":"Mars/Base"}}`, "time_zone"},
			{"PUT", base + "/workweek", `{"workweek":{"intervals":[{"start_time":600,"end_time":500}]}}`, "intervals[0].end_time"},
			{"POST", base + "/holidays", `{"holiday":{"name":"Bad","start_date":"2026-13-01","end_date":"2026-12-01"}}`, "start_date"},
			{"POST", "/api/v2/slas/policies", `{"sla_policy":{"title":"P","policy_metrics":[{"priority":"high","metric":"coffee_time","target":5,"business_hours":false}]}}`, "coffee_time"},
			{"POST", "/api/v2/slas/policies", `{"sla_policy":{"title":"P","filter":{"all":[{"field":"shoe_size","operator":"is","value":"9"}]}}}`, "filter.all[0].field"},
			{"POST", "/api/v2/slas/policies", `{"sla_policy":{"title":"P","policy_metrics":[{"priority":"high","metric":"first_reply_time","target":"soon"}]}}`, "target"},
		} {
			r, _ := e.api("admin", c.method, c.path, c.body)
			if r.code != 422 || !strings.Contains(r.body, c.field) {
				t.Errorf("%s %s: %d %s (want 422 naming %s)", c.method, c.path, r.code, r.body, c.field)
			}
		}
		if r, _ := e.api("admin", "POST", "/api/v2/slas/policies", `{"sla_policy":{"title":`); r.code != 400 {
			t.Errorf("malformed JSON: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", "/api/v2/slas/policies.json", ""); r.code != 200 || len(m["sla_policies"].([]any)) != 0 {
			t.Fatalf("nothing saved: %d %s", r.code, r.body)
		}
		// Holidays and the workweek.
		r, m = e.api("admin", "POST", base+"/holidays", `{"holiday":{"name":"Christmas","start_date":"2026-12-25","end_date":"2026-12-25"}}`)
		if r.code != 201 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		hid := int64(m["holiday"].(map[string]any)["id"].(float64))
		if r, m := e.api("admin", "PUT", fmt.Sprintf("%s/holidays/%d", base, hid), `{"holiday":{"end_date":"2026-12-26"}}`); r.code != 200 || m["holiday"].(map[string]any)["name"] != "Christmas" {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", base+"/workweek", `{"workweek":{"intervals":[{"start_time":1980,"end_time":2460}]}}`); r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", base, "")
		got := m["schedule"].(map[string]any)
		if r.code != 200 || got["time_zone"] != "Eastern Time (US & Canada)" || len(got["intervals"].([]any)) != 1 || len(got["holidays"].([]any)) != 1 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", base+"/holidays", `{"holiday":{"name":"x","start_date":"2026-01-01","end_date":"2026-01-01"}}`); r.code != 403 {
			t.Fatalf("agent write: %d", r.code)
		}
		if r, _ := e.api("end-user", "GET", "/api/v2/slas/policies", ""); r.code != 403 {
			t.Fatalf("customer read: %d", r.code)
		}
		// Policies: create, update, reorder, delete.
		var ids []int64
		for _, title := range []string{"Premium", "Standard"} {
			r, m := e.api("admin", "POST", "/api/v2/slas/policies", `{"sla_policy":{"title":"`+title+`","filter":{"all":[{"field":"organization.tier","operator":"is","value":"premium"}],"any":[]},
				"policy_metrics":[{"priority":"urgent","metric":"first_reply_time","target":30,"business_hours":false}]}}`)
			if r.code != 201 {
				t.Fatalf("%d %s", r.code, r.body)
			}
			ids = append(ids, int64(m["sla_policy"].(map[string]any)["id"].(float64)))
		}
		if r, m := e.api("admin", "PUT", fmt.Sprintf("/api/v2/slas/policies/%d", ids[1]), `{"sla_policy":{"filter":{"all":[],"any":[]}}}`); r.code != 200 ||
			len(m["sla_policy"].(map[string]any)["filter"].(map[string]any)["all"].([]any)) != 0 || len(m["sla_policy"].(map[string]any)["policy_metrics"].([]any)) != 1 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/slas/policies/reorder", fmt.Sprintf(`{"sla_policy_ids":[%d]}`, ids[1])); r.code != 422 {
			t.Fatalf("partial reorder: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "PUT", "/api/v2/slas/policies/reorder.json", fmt.Sprintf(`{"sla_policy_ids":[%d,%d]}`, ids[1], ids[0]))
		if r.code != 200 || int64(m["sla_policies"].([]any)[0].(map[string]any)["id"].(float64)) != ids[1] {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "DELETE", fmt.Sprintf("/api/v2/slas/policies/%d", ids[0]), ""); r.code != 204 {
			t.Fatalf("%d", r.code)
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/slas/policies/%d", ids[0]), ""); r.code != 404 {
			t.Fatalf("%d", r.code)
		}
	})
}

func TestTicketMetricsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := withSLA(t, e)
		if _, err := svc.Store.CreatePolicy(ctx, audit.System(), sla.Policy{Title: "All", PolicyMetrics: []sla.PolicyMetric{
			{Priority: "high", Metric: sla.MetricFirstReplyTime, Target: 60},
			{Priority: "high", Metric: sla.MetricNextReplyTime, Target: 120},
		}}); err != nil {
			t.Fatal(err)
		}
		cust := e.users[people.RoleEndUser]
		name, email := "Other", "other@example.com"
		other, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email})
		if err != nil {
			t.Fatal(err)
		}
		prio := "high"
		tk, _, err := e.tickets.Create(ctx, ticket.Actor{UserID: cust.ID, Role: "end-user"}, ticket.CreateInput{Comment: ticket.CommentInput{Body: "Down"}, Priority: &prio})
		if err != nil {
			t.Fatal(err)
		}
		theirs, _, err := e.tickets.Create(ctx, ticket.Actor{UserID: other.ID, Role: "end-user"}, ticket.CreateInput{Comment: ticket.CommentInput{Body: "Mine"}, Priority: &prio})
		if err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(45 * time.Minute)
		r, m := e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d/metrics.json", tk.ID), "")
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		tm := m["ticket_metric"].(map[string]any)
		if tm["ticket_id"].(float64) != float64(tk.ID) || tm["reply_time_in_minutes"] != nil || tm["replies"].(float64) != 0 {
			t.Fatalf("%s", r.body)
		}
		metrics := tm["sla"].(map[string]any)["metrics"].([]any)
		first := metrics[0].(map[string]any)
		if len(metrics) != 1 || first["metric"] != "first_reply_time" || first["status"] != "active" || first["time_left_minutes"].(float64) != 15 || first["target"].(float64) != 60 {
			t.Fatalf("%v", metrics)
		}
		// Another customer's ticket is not found.
		if r, _ := e.api("end-user", "GET", fmt.Sprintf("/api/v2/tickets/%d/metrics", theirs.ID), ""); r.code != 404 {
			t.Fatalf("other's ticket: %d %s", r.code, r.body)
		}
		// No events yet: empty lists, not null.
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/sla_events", tk.ID), "")
		if evs, ok := m["sla_events"].([]any); r.code != 200 || !ok || len(evs) != 0 {
			t.Fatalf("no events: %d %s", r.code, r.body)
		}
		if hist, ok := m["sla_achievements"].([]any); !ok || len(hist) != 0 {
			t.Fatalf("no achievements: %s", r.body)
		}
		// Late reply: breached, with a breach event and history.
		e.clk.Advance(30 * time.Minute)
		agent := e.users[people.RoleAgent]
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "Looking"}}); err != nil {
			t.Fatal(err)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/metrics", tk.ID), "")
		tm = m["ticket_metric"].(map[string]any)
		reply := tm["reply_time_in_minutes"].(map[string]any)
		if r.code != 200 || reply["calendar"].(float64) != 75 || tm["replies"].(float64) != 1 ||
			tm["reply_time_in_seconds"].(map[string]any)["calendar"].(float64) != 75*60 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		first = tm["sla"].(map[string]any)["metrics"].([]any)[0].(map[string]any)
		if first["status"] != "breached" || first["breached_at"] == nil {
			t.Fatalf("%v", first)
		}
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/sla_events", tk.ID), "")
		if evs := m["sla_events"].([]any); r.code != 200 || len(evs) != 1 || evs[0].(map[string]any)["kind"] != "breach" {
			t.Fatalf("%d %s", r.code, r.body)
		}
		if hist := m["sla_achievements"].([]any); len(hist) != 1 || hist[0].(map[string]any)["achieved"] != false {
			t.Fatalf("%s", r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/slas/reports/achievements", "")
		if rows := m["sla_achievements"].([]any); r.code != 200 || len(rows) != 1 || rows[0].(map[string]any)["breached"].(float64) != 1 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		// The UI badges: once the timers ran, the other ticket's first reply
		// is breached and still running.
		if _, err := svc.FireDue(ctx, 10); err != nil {
			t.Fatal(err)
		}
		badges, err := e.srv.SLA.SLABadges(ctx, []int64{tk.ID, theirs.ID})
		if err != nil || len(badges[tk.ID]) != 0 || len(badges[theirs.ID]) != 1 || !badges[theirs.ID][0].Breached || badges[theirs.ID][0].Metric != "first reply" {
			t.Fatalf("%v %v", badges, err)
		}
	})
}

func TestSLAScheduleAndPolicyRecordsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Without an SLA service every SLA route is a 404, before the body is read.
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v2/business_hours/schedules"}, {"POST", "/api/v2/business_hours/schedules"},
			{"GET", "/api/v2/business_hours/schedules/1/holidays/1"}, {"PUT", "/api/v2/slas/policies/1"},
			{"PUT", "/api/v2/slas/policies/reorder"}, {"GET", "/api/v2/slas/reports/achievements"},
		} {
			if r, _ := e.api("admin", c.method, c.path, "{"); r.code != 404 || !strings.Contains(r.body, "RecordNotFound") {
				t.Fatalf("%s %s without SLA: %d %s", c.method, c.path, r.code, r.body)
			}
		}
		withSLA(t, e)
		r, m := e.api("admin", "POST", "/api/v2/business_hours/schedules", `{"schedule":{"name":"EMEA","time_zone":"UTC"}}`)
		if r.code != 201 {
			t.Fatalf("create schedule: %d %s", r.code, r.body)
		}
		sid := int64(m["schedule"].(map[string]any)["id"].(float64))
		base := fmt.Sprintf("/api/v2/business_hours/schedules/%d", sid)
		if r, m = e.api("agent", "GET", "/api/v2/business_hours/schedules", ""); r.code != 200 || m["count"].(float64) != 1 ||
			len(m["schedules"].([]any)) != 1 || m["next_page"] != nil || m["previous_page"] != nil {
			t.Fatalf("list schedules: %d %s", r.code, r.body)
		}
		if r, m = e.api("admin", "PUT", base, `{"schedule":{"name":"Europe"}}`); r.code != 200 ||
			m["schedule"].(map[string]any)["name"] != "Europe" || m["schedule"].(map[string]any)["time_zone"] != "UTC" {
			t.Fatalf("update schedule: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "PUT", base+"/workweek", `{"workweek":{}}`); r.code != 422 || !strings.Contains(r.body, "workweek.intervals") {
			t.Fatalf("workweek without intervals: %d %s", r.code, r.body)
		}
		// Holidays: list, show, delete.
		r, m = e.api("admin", "POST", base+"/holidays", `{"holiday":{"name":"New Year","start_date":"2027-01-01","end_date":"2027-01-01"}}`)
		if r.code != 201 {
			t.Fatalf("create holiday: %d %s", r.code, r.body)
		}
		hid := int64(m["holiday"].(map[string]any)["id"].(float64))
		if r, m = e.api("agent", "GET", base+"/holidays", ""); r.code != 200 || len(m["holidays"].([]any)) != 1 {
			t.Fatalf("list holidays: %d %s", r.code, r.body)
		}
		if r, m = e.api("agent", "GET", fmt.Sprintf("%s/holidays/%d", base, hid), ""); r.code != 200 || m["holiday"].(map[string]any)["name"] != "New Year" {
			t.Fatalf("show holiday: %d %s", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", fmt.Sprintf("%s/holidays/x", base), ""); r.code != 404 {
			t.Fatalf("bad holiday id: %d %s", r.code, r.body)
		}
		if r, _ = e.api("admin", "DELETE", fmt.Sprintf("%s/holidays/%d", base, hid), ""); r.code != 204 || r.body != "" {
			t.Fatalf("delete holiday: %d %q", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", fmt.Sprintf("%s/holidays/%d", base, hid), ""); r.code != 404 {
			t.Fatalf("deleted holiday: %d %s", r.code, r.body)
		}
		// A policy reads back with its URL, alone and in the list.
		r, m = e.api("admin", "POST", "/api/v2/slas/policies", `{"sla_policy":{"title":"Gold","description":"d","policy_metrics":[{"priority":"high","metric":"first_reply_time","target":60,"business_hours":false}]}}`)
		if r.code != 201 || m["sla_policy"].(map[string]any)["description"] != "d" {
			t.Fatalf("create policy: %d %s", r.code, r.body)
		}
		pid := int64(m["sla_policy"].(map[string]any)["id"].(float64))
		url := fmt.Sprintf("/api/v2/slas/policies/%d.json", pid)
		if r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/slas/policies/%d", pid), ""); r.code != 200 ||
			m["sla_policy"].(map[string]any)["title"] != "Gold" || !strings.HasSuffix(m["sla_policy"].(map[string]any)["url"].(string), url) {
			t.Fatalf("show policy: %d %s", r.code, r.body)
		}
		if r, m = e.api("agent", "GET", "/api/v2/slas/policies", ""); r.code != 200 || m["count"].(float64) != 1 ||
			!strings.HasSuffix(m["sla_policies"].([]any)[0].(map[string]any)["url"].(string), url) {
			t.Fatalf("list policies: %d %s", r.code, r.body)
		}
		// Deleting the schedule.
		if r, _ = e.api("agent", "DELETE", base, ""); r.code != 403 {
			t.Fatalf("agent deletes schedule: %d", r.code)
		}
		if r, _ = e.api("admin", "DELETE", base, ""); r.code != 204 || r.body != "" {
			t.Fatalf("delete schedule: %d %q", r.code, r.body)
		}
		if r, _ = e.api("agent", "GET", base, ""); r.code != 404 {
			t.Fatalf("deleted schedule: %d %s", r.code, r.body)
		}
	})
}
