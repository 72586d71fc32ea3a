package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/sla"
)

// TestAdminEditsSLA adds, edits and deletes SLA policies and schedules as
// Zendesk JSON from the admin page; refused input names the field and
// saves nothing.
func TestAdminEditsSLA(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		st := sla.NewStore(e.srv.DB, audit.New(e.srv.DB))
		srv, err := New(Deps{DB: e.srv.DB, Auth: e.auth, People: e.ppl, Tickets: e.tickets, SLAService: sla.NewService(st, sla.Options{}), Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		e2 := *e
		e2.ts = ts
		admin := signIn(t, &e2, "admin@example.com")
		post := func(p, src string) resp {
			form := url.Values{"json": {src}, "csrf_token": {e2.csrf(admin, "/admin/sla")}}
			return e2.do(admin, "POST", p, strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		}
		if r := e2.do(admin, "GET", "/admin/sla", nil); r.code != 200 || strings.Contains(r.body, "no value") {
			t.Fatalf("page: %d", r.code)
		}
		r := post("/admin/sla/policies", `{"sla_policy": {"title": "Premium", "policy_metrics": [{"priority": "urgent", "metric": "first_reply_time", "target": -5}]}}`)
		if r.code != 422 || !strings.Contains(r.body, "target") {
			t.Fatalf("bad policy: %d %s", r.code, r.body)
		}
		if ps, _ := st.ListPolicies(ctx); len(ps) != 0 {
			t.Fatalf("refused policy saved: %+v", ps)
		}
		r = post("/admin/sla/policies", `{"sla_policy": {"title": "Premium", "position": 1, "filter": {"all": [], "any": []},
			"policy_metrics": [{"priority": "urgent", "metric": "first_reply_time", "target": 30, "business_hours": false}]}}`)
		if r.code != 200 || !strings.Contains(r.body, "Saved.") {
			t.Fatalf("add policy: %d %s", r.code, r.body)
		}
		ps, _ := st.ListPolicies(ctx)
		if len(ps) != 1 || ps[0].PolicyMetrics[0].Target != 30 {
			t.Fatalf("policies %+v", ps)
		}
		r = post("/admin/sla/policies/"+itoa(ps[0].ID), `{"sla_policy": {"title": "Premium support"}}`)
		if r.code != 200 {
			t.Fatalf("edit policy: %d %s", r.code, r.body)
		}
		if ps, _ = st.ListPolicies(ctx); ps[0].Title != "Premium support" || len(ps[0].PolicyMetrics) != 1 {
			t.Fatalf("edited %+v", ps)
		}
		r = post("/admin/sla/schedules", `{"schedule": {"name": "EMEA", "time_zone": "Mars/Olympus", "intervals": [{"start_time": 1980, "end_time": 2460}]}}`)
		if r.code != 422 || !strings.Contains(r.body, "time") {
			t.Fatalf("bad schedule: %d %s", r.code, r.body)
		}
		r = post("/admin/sla/schedules", `{"schedule": {"name": "EMEA", "time_zone": "Europe/Dublin", "intervals": [{"start_time": 1980, "end_time": 2460}]}}`)
		if r.code != 200 || !strings.Contains(r.body, "Europe/Dublin") {
			t.Fatalf("add schedule: %d %s", r.code, r.body)
		}
		if r := post("/admin/sla/policies/"+itoa(ps[0].ID)+"/delete", ""); r.code != 200 || !strings.Contains(r.body, "Deleted.") {
			t.Fatalf("delete: %d", r.code)
		}
		if ps, _ = st.ListPolicies(ctx); len(ps) != 0 {
			t.Fatalf("not deleted: %+v", ps)
		}
	})
}
