package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/people"
)

// TestKillDuringPagingLosesNoPageAndSendsNoneTwice fires Events API v2
// triggers at a node and kills it with SIGKILL while it pages. On SQLite
// the node comes back on the same data; on PostgreSQL a second node shares
// the database (and the killed one comes back too). Afterwards every
// trigger answered 202 has its incident, every incident paged each of its
// first level's two people exactly once, and the outbox holds exactly one
// page email per page.
func TestKillDuringPagingLosesNoPageAndSendsNoneTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			// Outbound mail to a relay that is never there: pages queue in the
			// outbox (sending them is the mail module's at-least-once affair).
			dead, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			relayPort := fmt.Sprint(dead.Addr().(*net.TCPAddr).Port)
			dead.Close()
			args := append(databaseArgs(t, e), "--relay-host", "127.0.0.1", "--relay-port", relayPort, "--relay-tls", "none",
				"--mail-from", "Frontline <oncall@example.com>")
			c, err := load(t, args, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			var targets []incident.Target
			for _, n := range []string{"Pia Pager", "Quin Pager"} {
				email, role := fmt.Sprintf("pager%d@example.com", len(targets)), people.RoleAgent
				name := n
				u, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
				if err != nil {
					t.Fatal(err)
				}
				targets = append(targets, incident.Target{Kind: incident.TargetUser, ID: u.ID})
			}
			pol, err := a.Incidents.CreatePolicy(ctx, audit.System(), incident.PolicyInput{Name: "Kill test",
				Rules: []incident.Rule{{DelayMinutes: 30, Targets: targets}}})
			if err != nil {
				t.Fatal(err)
			}
			svc, err := a.Incidents.CreateService(ctx, audit.System(), incident.ServiceInput{Name: "Kill test", EscalationPolicyID: pol.ID, Kind: "monitoring"})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()

			nodes := []*node{startNode(t, args)}
			if c.Database != "" {
				nodes = append(nodes, startNode(t, args))
			}
			var mu sync.Mutex
			acked := map[string]bool{}
			var next atomic.Int64
			var afterKill atomic.Int64
			var killed atomic.Bool
			stop := make(chan struct{})
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 10 * time.Second}
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						key := fmt.Sprintf("kill-%d", next.Add(1))
						body, _ := json.Marshal(map[string]any{"routing_key": svc.IntegrationKey, "event_action": "trigger", "dedup_key": key,
							"payload": map[string]any{"summary": "Disk full on " + key, "source": "kill-test", "severity": "critical"}})
						mu.Lock()
						addr := nodes[(w+len(acked))%len(nodes)].addr
						if killed.Load() {
							addr = nodes[len(nodes)-1].addr // the node still (or again) up
						}
						mu.Unlock()
						resp, err := client.Post("http://"+addr+"/pagerduty/v2/enqueue", "application/json", bytes.NewReader(body))
						if err != nil {
							time.Sleep(20 * time.Millisecond)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						time.Sleep(15 * time.Millisecond) // a steady alert storm, not a flood
						if resp.StatusCode == http.StatusAccepted {
							mu.Lock()
							acked[key] = true
							mu.Unlock()
							if killed.Load() {
								afterKill.Add(1)
							}
						}
					}
				}()
			}
			time.Sleep(1500 * time.Millisecond)
			nodes[0].kill() // mid-paging, SIGKILL
			mu.Lock()
			killed.Store(true)
			restarted := startNode(t, args) // the killed node comes back on the same data
			nodes = append(nodes, restarted)
			mu.Unlock()
			time.Sleep(1500 * time.Millisecond)
			close(stop)
			wg.Wait()
			stopped := time.Now()
			if afterKill.Load() == 0 {
				t.Fatal("no trigger was acknowledged after the kill")
			}

			target, err := db.ParseTarget(c.Database, c.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			d, err := db.Open(ctx, target, a.Clock, db.Options{MaxConns: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			count := func(q string, args ...any) int {
				var n int
				if err := d.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			// Every acknowledged trigger is an incident, paged twice at step 0,
			// in time: the restarted node's wake-up sweep, or the survivor's,
			// takes what the killed node left due (within the minute sweep).
			deadline := time.Now().Add(150 * time.Second)
			for {
				incs := count("SELECT count(*) FROM incidents WHERE service_id = $1", svc.ID)
				pages := count("SELECT count(*) FROM incident_pages p JOIN incidents i ON i.id = p.incident_id WHERE i.service_id = $1", svc.ID)
				if incs >= len(acked) && pages == 2*incs {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d acknowledged triggers, %d incidents, %d pages (want %d)", len(acked), incs, pages, 2*incs)
				}
				time.Sleep(250 * time.Millisecond)
			}
			stored := countRows(t, d, "SELECT incident_key FROM incidents WHERE service_id = $1", svc.ID)
			for k := range acked {
				if stored[k] != 1 {
					t.Errorf("acknowledged trigger %s stored as %d incidents", k, stored[k])
				}
			}
			incs := count("SELECT count(*) FROM incidents WHERE service_id = $1", svc.ID)
			if n := count("SELECT count(*) FROM (SELECT incident_id, user_id FROM incident_pages GROUP BY incident_id, user_id HAVING count(*) > 1) x"); n != 0 {
				t.Errorf("%d people paged twice for one incident", n)
			}
			if n := count("SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.incident%'"); n != 2*incs {
				t.Errorf("%d page emails in the outbox for %d incidents (want %d: one per page)", n, incs, 2*incs)
			}
			t.Logf("%s: %d triggers acknowledged (%d after the kill), %d incidents, %d pages, all paged %s after the load stopped",
				e.Name, len(acked), afterKill.Load(), incs, 2*incs, time.Since(stopped).Round(100*time.Millisecond))
		})
	}
}
