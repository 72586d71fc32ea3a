package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/kpi"
)

// TestKPIAPI: indicators with value, target and status from the rollups;
// engineers see their own only; the capacity plan is readable by staff with
// reports.read, scenarios are saved by team.manage or admins; unknown parameters are refused; the gauges on /metrics.
func TestKPIAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		ctx := context.Background()
		var ids []int64
		for i, asg := range []int64{o.eng.ID, o.eng.ID, o.eng2.ID} {
			r := e.as(o.vp, "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"t%d","comment":{"body":"b"},"assignee_id":%d}}`, i, asg))
			if r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			var m map[string]map[string]any
			_ = json.Unmarshal([]byte(r.body), &m)
			ids = append(ids, int64(m["ticket"]["id"].(float64)))
		}
		for _, id := range ids[:2] {
			if r := e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/tickets/%d", id), `{"ticket":{"status":"solved"}}`); r.code != 200 {
				t.Fatalf("solve: %d %s", r.code, r.body)
			}
		}
		now := e.clk.Now().UnixMicro()
		if err := e.srv.DB.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO satisfaction_ratings (ticket_id, requester_id, score, created_at, updated_at) VALUES ($1, $2, 'good', $3, $3), ($4, $2, 'bad', $3, $3)",
				ids[0], o.vp.ID, now, ids[1])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		get := func(path string) (int, map[string]any) {
			t.Helper()
			r := e.as(o.vp, "GET", path, "")
			var m map[string]any
			_ = json.Unmarshal([]byte(r.body), &m)
			return r.code, m
		}
		byName := func(m map[string]any) map[string]map[string]any {
			out := map[string]map[string]any{}
			ks, _ := m["kpis"].([]any)
			for _, k := range ks {
				km := k.(map[string]any)
				out[km["name"].(string)] = km
			}
			return out
		}
		code, m := get("/api/v2/kpis")
		if code != 200 {
			t.Fatalf("kpis: %d %v", code, m)
		}
		ks := byName(m)
		ssat := ks["ssat"]
		if ssat == nil || ssat["value"] != 0.5 || ssat["target"] != 0.95 || ssat["status"] != "red" || len(ssat["trend"].([]any)) != 12 {
			t.Fatalf("ssat: %v", ssat)
		}
		if ks["deflection"]["status"] != "not_available" || ks["hiring_vs_plan"]["value"] != nil {
			t.Fatalf("deflection/hiring must be not available: %v %v", ks["deflection"], ks["hiring_vs_plan"])
		}
		if ks["kb_deflection_rate"] == nil || ks["kb_deflection_rate"]["value"] != nil {
			t.Fatalf("kb_deflection_rate without sessions: %v", ks["kb_deflection_rate"])
		}
		// The knowledge base is the deflection source: a session that viewed an
		// article this month and filed no ticket within 72 hours is deflected,
		// one that filed a ticket is not.
		at := e.clk.Now().Add(-80 * time.Hour)
		if at.UTC().Month() == e.clk.Now().UTC().Month() {
			if err := e.srv.KB.RecordEvents(ctx, []kb.Event{{Session: "s1", Kind: kb.EventView, ArticleID: 1, At: at},
				{Session: "s2", Kind: kb.EventView, ArticleID: 1, At: at}, {Session: "s2", Kind: kb.EventTicket, At: at.Add(time.Hour)}}); err != nil {
				t.Fatal(err)
			}
			_, m = get("/api/v2/kpis")
			ks = byName(m)
			if ks["kb_deflection_rate"]["value"] != 0.5 || ks["deflection"]["value"] == nil {
				t.Fatalf("deflection from the knowledge base: %v %v", ks["kb_deflection_rate"], ks["deflection"])
			}
		}
		if ks["tickets_per_engineer"]["value"] != 2.0 { // eng solved 2, the only engineer with solves
			t.Fatalf("per engineer: %v", ks["tickets_per_engineer"])
		}
		// An engineer sees their own view and not a colleague's.
		engGet := func(path string) (int, map[string]any) {
			r := e.as(o.eng2, "GET", path, "")
			var m map[string]any
			_ = json.Unmarshal([]byte(r.body), &m)
			return r.code, m
		}
		if code, m := engGet("/api/v2/kpis"); code != 200 || byName(m)["ssat"]["value"] != nil {
			t.Fatalf("engineer's own view (no rated tickets): %d %v", code, byName(m)["ssat"])
		}
		if code, _ := engGet(fmt.Sprintf("/api/v2/kpis?member_id=%d", o.eng.ID)); code != 403 {
			t.Fatalf("engineer reading a colleague: %d", code)
		}
		if code, m := engGet("/api/v2/capacity/plan"); code != 200 || m["plan"] == nil {
			t.Fatalf("engineer reading the plan: %d", code)
		}
		// The manager sees their team.
		r := e.as(o.mgr, "GET", fmt.Sprintf("/api/v2/kpis?manager_id=%d&period=week", o.mgr.ID), "")
		if r.code != 200 || !strings.Contains(r.body, `"ssat"`) {
			t.Fatalf("manager's team: %d %.300s", r.code, r.body)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/kpis?frobnicate=1", ""); r.code != 400 || !strings.Contains(r.body, "frobnicate") {
			t.Fatalf("unknown parameter: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/kpis/nope/series", ""); r.code != 404 {
			t.Fatalf("unknown indicator: %d", r.code)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/kpis/ssat/series?periods=3", ""); r.code != 200 || strings.Count(r.body, `"period"`) != 3 {
			t.Fatalf("series: %d %s", r.code, r.body)
		}
		// Capacity: plan, scenarios side by side.
		r = e.as(o.mgr, "GET", "/api/v2/capacity/plan", "")
		if r.code != 200 || !strings.Contains(r.body, `"proposed_vacancies"`) || !strings.Contains(r.body, `"EMEA"`) {
			t.Fatalf("plan: %d %.400s", r.code, r.body)
		}
		if r := e.as(o.mgr, "POST", "/api/v2/capacity/scenarios", `{"scenario":{"name":"x","changes":{}}}`); r.code != 403 {
			t.Fatalf("a manager without team.manage saving a scenario: %d", r.code)
		}
		r = e.as(o.vp, "POST", "/api/v2/capacity/scenarios", `{"scenario":{"name":"Volume +20%","changes":{"volume_change":0.2}}}`)
		if r.code != 201 || !strings.Contains(r.body, `"yearly_cost"`) {
			t.Fatalf("scenario: %d %s", r.code, r.body)
		}
		if r := e.as(o.vp, "POST", "/api/v2/capacity/scenarios", `{"scenario":{"name":"bad","changes":{"attrition":2}}}`); r.code != 422 {
			t.Fatalf("bad scenario: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/capacity/scenarios", ""); r.code != 200 || !strings.Contains(r.body, "Volume +20%") {
			t.Fatalf("scenarios: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/capacity/forecast?region=EMEA", ""); r.code != 200 {
			t.Fatalf("forecast: %d %s", r.code, r.body)
		}
		// Approving proposals needs the hiring module: a 422 naming the rule
		// until it is wired, then the sink receives the plan's proposals.
		if r := e.as(o.vp, "POST", "/api/v2/capacity/plan/approve", `{}`); r.code != 422 || !strings.Contains(r.body, "Hiring module rule") {
			t.Fatalf("approve without hiring: %d %s", r.code, r.body)
		}
		sink := &fakeSink{}
		e.srv.KPI.Vacancies = sink
		if r := e.as(o.vp, "POST", "/api/v2/capacity/plan/approve", `{}`); r.code != 201 || sink.approver != o.vp.ID {
			t.Fatalf("approve: %d %s", r.code, r.body)
		}
		// The department's figures are behind the metrics token.
		if r := e.do(nil, "GET", "/metrics", nil); r.code != 401 || strings.Contains(r.body, "frontline_kpi") {
			t.Fatalf("metrics without the token: %d", r.code)
		}
		if r := e.do(nil, "GET", "/metrics", nil, "Authorization", "Bearer not-the-metrics-token"); r.code != 401 {
			t.Fatalf("metrics with a wrong token: %d", r.code)
		}
		if r := e.do(nil, "GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken); r.code != 200 || !strings.Contains(r.body, `frontline_kpi{name="ssat"} 0.5`) {
			t.Fatalf("metrics lack the SSAT gauge: %d", r.code)
		}
	}, func(d *Deps) { d.MetricsToken = testMetricsToken })
}

const testMetricsToken = "metrics-token-0123456789"

// TestMetricsWithoutTokenLeaveOutKPIs: without a metrics token /metrics is
// open (operations gauges) and publishes none of the department's KPIs.
func TestMetricsWithoutTokenLeaveOutKPIs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.do(nil, "GET", "/metrics", nil)
		if r.code != 200 || !strings.Contains(r.body, "go_goroutines") {
			t.Fatalf("metrics: %d", r.code)
		}
		if strings.Contains(r.body, "frontline_kpi") {
			t.Fatal("the department's KPIs are published on an open /metrics")
		}
	})
}

type fakeSink struct {
	approver int64
	got      []kpi.Vacancy
}

func (f *fakeSink) ApproveVacancies(_ context.Context, by int64, vs []kpi.Vacancy) (int, error) {
	f.approver, f.got = by, vs
	return len(vs), nil
}
