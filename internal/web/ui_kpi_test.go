package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
)

// TestKPIPages: the overview with SVG sparklines and red/green, the
// indicator page with its chart and the tickets behind the value, the Key
// Review, CSV export, the capacity page; an engineer's own view.
func TestKPIPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		ctx := context.Background()
		r := e.as(o.vp, "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Upgrade <b>stuck</b>","comment":{"body":"b"},"assignee_id":%d,"status":"solved"}}`, o.eng.ID))
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		if err := e.srv.DB.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO satisfaction_ratings (ticket_id, requester_id, score, created_at, updated_at) SELECT id, requester_id, 'good', created_at, created_at FROM tickets")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mgr := signIn(t, e, o.mgr.Email)
		eng := signIn(t, e, o.eng2.Email)
		for path, want := range map[string][]string{
			"/kpis":                  {"Support Satisfaction (SSAT)", "<svg", "kpi-green", "<td>100.0%</td>", "≤ 10:1", "Download CSV", "Ella Engineer"},
			"/kpis?region=EMEA":      {"Support Satisfaction (SSAT)"},
			"/kpis/ssat":             {"<svg", "Upgrade &lt;b&gt;stuck&lt;/b&gt;", "Tickets solved in"},
			"/kpis/review":           {"Key Review", "Definition"},
			"/kpis/export.csv":       {"name,title,value,target,status", "ssat,"},
			"/capacity":              {"Capacity plan", "Proposed vacancies", "EMEA", "<svg"},
			"/capacity/plan.csv":     {"region,month,volume"},
			"/kpis/ic_manager_ratio": {"IC:manager ratio"},
		} {
			r := e.do(mgr, "GET", path, nil)
			if r.code != 200 {
				t.Errorf("%s: %d %.300s", path, r.code, r.body)
				continue
			}
			for _, w := range want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		if r := e.do(mgr, "GET", "/kpis/nope", nil); r.code != 404 {
			t.Errorf("unknown indicator page: %d", r.code)
		}
		// The engineer's own view: nothing rated of theirs, and no filters.
		r = e.do(eng, "GET", "/kpis", nil)
		if r.code != 200 || !strings.Contains(r.body, "Your own indicators") || strings.Contains(r.body, `name="member_id"`) || strings.Contains(r.body, "<td>100.0%</td>") {
			t.Errorf("engineer's view: %d own=%v filter=%v full=%v", r.code, strings.Contains(r.body, "Your own indicators"), strings.Contains(r.body, `name="member_id"`), strings.Contains(r.body, "<td>100.0%</td>"))
		}
		if r := e.do(eng, "GET", fmt.Sprintf("/kpis?member_id=%d", o.eng.ID), nil); r.code != 403 {
			t.Errorf("engineer reading a colleague's page: %d", r.code)
		}
	})
}
