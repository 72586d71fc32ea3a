package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
)

// pagerDutyClientDir holds the Node harness around the off-the-shelf
// @pagerduty/pdjs client, pinned in its package-lock.json.
const pagerDutyClientDir = "../../test/pagerduty-node"

// requirePagerDutyClient makes pdjs available: installed with `npm ci` when
// missing. Without Node.js or npm a local run skips; CI fails.
func requirePagerDutyClient(t *testing.T) {
	t.Helper()
	skip := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		skip("Node.js not installed; the pdjs compatibility test needs it (apt-get install -y nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(pagerDutyClientDir, "node_modules", "@pagerduty", "pdjs")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = pagerDutyClientDir
	if out, err := cmd.CombinedOutput(); err != nil {
		skip("could not install @pagerduty/pdjs with npm ci: " + err.Error() + "\n" + string(out))
	}
}

// TestPagerDutyNodeClientIncidents drives services, escalation policies,
// incidents (filtered, paged with pdjs's next()), acknowledge, notes,
// resolve and log entries through the npm client @pagerduty/pdjs (code not
// written here), on both engines.
func TestPagerDutyNodeClientIncidents(t *testing.T) {
	requirePagerDutyClient(t)
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := e.srv.Incidents
		agent := e.users[people.RoleAgent]
		p, err := st.CreatePolicy(ctx, audit.System(), incident.PolicyInput{Name: "Customer emergencies", Rules: []incident.Rule{
			{DelayMinutes: 10, Targets: []incident.Target{{Kind: incident.TargetUser, ID: agent.ID}}}}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := st.CreateService(ctx, audit.System(), incident.ServiceInput{Name: "Customer emergencies", EscalationPolicyID: p.ID, Kind: "emergency"})
		if err != nil {
			t.Fatal(err)
		}
		const open = 5
		for i := range open {
			if _, _, err := st.Trigger(ctx, audit.System(), incident.TriggerInput{ServiceID: svc.ID, Title: "Database primary unreachable " + strconv.Itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		tok, _, err := e.auth.CreateAPIToken(ctx, audit.System(), agent.ID, "pdjs")
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("node", "incidents.js")
		cmd.Dir = pagerDutyClientDir
		cmd.Env = append(os.Environ(), "FRONTLINE_URL="+e.ts.URL, "TOKEN="+tok, "EMAIL="+agent.Email, "KEY="+svc.IntegrationKey,
			"INCIDENTS="+strconv.Itoa(open))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pdjs run failed: %v\n%s", err, out)
		}
		t.Logf("%s", out)
	})
}

// TestPagerDutyNodeClientSchedules drives users, schedules (the rendered
// final schedule in a requested zone), schedule users, overrides,
// on-calls and escalation policy writes through @pagerduty/pdjs, on both
// engines.
func TestPagerDutyNodeClientSchedules(t *testing.T) {
	requirePagerDutyClient(t)
	each(t, func(t *testing.T, e *env) {
		ids, scs, tok := onCallWorld(t, e)
		since := e.clk.Now().UTC().Truncate(24 * time.Hour)
		cmd := exec.Command("node", "schedules.js")
		cmd.Dir = pagerDutyClientDir
		cmd.Env = append(os.Environ(), "FRONTLINE_URL="+e.ts.URL, "TOKEN="+tok, "SCHEDULE="+strconv.FormatInt(scs[oncall.KeyCEOC].ID, 10),
			"USER="+strconv.FormatInt(ids["Elke"], 10), "SINCE="+since.Format(time.RFC3339), "UNTIL="+since.Add(7*24*time.Hour).Format(time.RFC3339))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pdjs run failed: %v\n%s", err, out)
		}
		t.Logf("%s", out)
	})
}
