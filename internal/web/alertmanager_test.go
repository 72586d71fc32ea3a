package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/people"
)

// alertmanagerBinary is Debian's prometheus-alertmanager, or "" (the test
// then skips locally and fails under CI, where .ci/run installs it).
func alertmanagerBinary(t *testing.T) string {
	for _, name := range []string{"prometheus-alertmanager", "alertmanager"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "Prometheus Alertmanager not installed (apt-get install prometheus-alertmanager; .ci/run installs it)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("skipping: " + msg)
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestAlertmanagerPagesFrontline: a real Prometheus Alertmanager, configured
// with a pagerduty_configs receiver whose url is Frontline's Events API and
// whose routing_key is a service's integration key, fires an alert: it
// opens one incident; the alert resolving resolves it.
func TestAlertmanagerPagesFrontline(t *testing.T) {
	bin := alertmanagerBinary(t)
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := e.srv.Incidents
		agent := e.users[people.RoleAgent]
		p, err := st.CreatePolicy(ctx, audit.System(), incident.PolicyInput{Name: "CMOC", Rules: []incident.Rule{
			{DelayMinutes: 15, Targets: []incident.Target{{Kind: incident.TargetUser, ID: agent.ID}}}}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := st.CreateService(ctx, audit.System(), incident.ServiceInput{Name: "Production monitoring", EscalationPolicyID: p.ID, Kind: "monitoring"})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cfg := fmt.Sprintf(`route:
  receiver: frontline
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: frontline
    pagerduty_configs:
      - routing_key: %q
        url: %q
        send_resolved: true
        severity: critical
`, svc.IntegrationKey, e.ts.URL+"/pagerduty/v2/enqueue")
		if err := os.WriteFile(filepath.Join(dir, "alertmanager.yml"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		addr := freeAddr(t)
		cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "alertmanager.yml"), "--storage.path="+filepath.Join(dir, "data"),
			"--web.listen-address="+addr, "--cluster.listen-address=")
		var logs strings.Builder
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		am := "http://" + addr
		deadline := time.Now().Add(20 * time.Second)
		for {
			r, err := http.Get(am + "/-/ready")
			if err == nil {
				r.Body.Close()
				if r.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("alertmanager not ready: %v\n%s", err, logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
		post := func(ends string) {
			t.Helper()
			body := `[{"labels":{"alertname":"DiskFull","instance":"db1","severity":"critical"},"annotations":{"summary":"Disk full on db1"}` + ends + `}]`
			r, err := http.Post(am+"/api/v2/alerts", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("post alert: %d", r.StatusCode)
			}
		}
		waitFor := func(what string, ok func([]incident.Incident) bool) []incident.Incident {
			t.Helper()
			deadline := time.Now().Add(30 * time.Second)
			for {
				list, _, err := st.List(ctx, incident.Filter{ServiceIDs: []int64{svc.ID}, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				if ok(list) {
					return list
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: incidents %+v\nalertmanager:\n%s", what, list, logs.String())
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		post("")
		list := waitFor("the alert opened no incident", func(l []incident.Incident) bool { return len(l) > 0 })
		inc := list[0]
		if len(list) != 1 || inc.Status != incident.Triggered || inc.Source != incident.SourceMonitoring || inc.Severity != 1 ||
			!strings.Contains(inc.Title, "DiskFull") && !strings.Contains(inc.Title, "Disk full") {
			t.Fatalf("incident from Alertmanager: %+v", list)
		}
		post(fmt.Sprintf(`,"endsAt":%q`, time.Now().UTC().Add(-time.Second).Format(time.RFC3339)))
		waitFor("the resolved alert did not resolve the incident", func(l []incident.Incident) bool {
			return len(l) == 1 && l[0].Status == incident.Resolved
		})
		t.Logf("Alertmanager's incident: %q, dedup key %s", inc.Title, inc.IncidentKey)
	})
}
