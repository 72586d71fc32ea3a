package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
)

// node is a `frontline serve` subprocess (this test binary, see TestMain).
type node struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
}

func startNode(t *testing.T, dbArgs []string) *node {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(exe, append([]string{"serve", "--http", addr, "--smtp", "", "--log-level", "error"}, dbArgs...)...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{addr: addr, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(n.done) }()
	t.Cleanup(func() { n.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return n
			}
		}
		select {
		case <-n.done:
			t.Fatalf("node on %s exited before it was ready", addr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("node on %s not ready in 60 s", addr)
	return nil
}

// kill ends the node with SIGKILL: no graceful shutdown, no flush.
func (n *node) kill() {
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.done
}

// failoverProxy is the "one address" in front of the nodes: it sends each
// request to the next node in turn and, when a node refuses the
// connection, to the next one. A request that fails after it was sent is
// answered 502 (never retried: it may have been applied).
type failoverProxy struct {
	nodes []string
	next  atomic.Uint64
	tr    *http.Transport
}

func (p *failoverProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	start := int(p.next.Add(1))
	for i := range p.nodes {
		target := p.nodes[(start+i)%len(p.nodes)]
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, "http://"+target+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := p.tr.RoundTrip(req)
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				continue // down: try the next node
			}
			http.Error(w, "upstream failed: "+err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no node up", http.StatusBadGateway)
}

// TestNodeKillLosesNoAcknowledgedWrite creates tickets through one
// address while a node is killed with SIGKILL. On PostgreSQL two nodes
// share the database behind a failover proxy and the survivor keeps
// serving; on SQLite (one node) the node is restarted on the same data.
// Every creation answered 201 must be in the database afterwards.
func TestNodeKillLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			args := databaseArgs(t, e)
			c, err := load(t, args, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			name, email, role := "Load Admin", "load@example.com", people.RoleAdmin
			u, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Auth.CreateAPIToken(ctx, audit.System(), u.ID, "load")
			if err != nil {
				t.Fatal(err)
			}
			a.Close()

			nodes := []*node{startNode(t, args)}
			if c.Database != "" { // PostgreSQL: a second node on the same database
				nodes = append(nodes, startNode(t, args))
			}
			proxy := &failoverProxy{tr: &http.Transport{MaxIdleConnsPerHost: 8}}
			for _, n := range nodes {
				proxy.nodes = append(proxy.nodes, n.addr)
			}
			front := &http.Server{Handler: proxy}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go front.Serve(ln)
			defer front.Close()
			base := "http://" + ln.Addr().String()

			var mu sync.Mutex
			acked := map[string]bool{}
			var afterKill, failed atomic.Int64
			var killed atomic.Bool
			stop := make(chan struct{})
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 20 * time.Second}
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						subject := fmt.Sprintf("kill-load %d-%d", w, i)
						body, _ := json.Marshal(map[string]any{"ticket": map[string]any{"subject": subject, "comment": map[string]any{"body": "load"}}})
						req, _ := http.NewRequest("POST", base+"/api/v2/tickets", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+token)
						resp, err := client.Do(req)
						if err != nil {
							failed.Add(1)
							time.Sleep(20 * time.Millisecond)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked[subject] = true
							mu.Unlock()
							if killed.Load() {
								afterKill.Add(1)
							}
						} else {
							failed.Add(1)
							time.Sleep(20 * time.Millisecond)
						}
					}
				}()
			}
			time.Sleep(1500 * time.Millisecond)
			nodes[0].kill() // mid-load, SIGKILL
			killed.Store(true)
			if len(nodes) == 1 { // SQLite: the node comes back on the same data
				n := startNode(t, args)
				proxy.nodes = []string{n.addr}
				nodes = append(nodes, n)
			}
			time.Sleep(1500 * time.Millisecond)
			close(stop)
			wg.Wait()

			if afterKill.Load() == 0 {
				t.Fatalf("no write was acknowledged after the kill (%d failed requests)", failed.Load())
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
			stored := countRows(t, d, "SELECT subject FROM tickets WHERE subject LIKE 'kill-load %'")
			lost := 0
			for s := range acked {
				if stored[s] == 0 {
					lost++
					if lost <= 5 {
						t.Errorf("acknowledged %q is not stored", s)
					}
				}
			}
			for s, n := range stored {
				if n > 1 {
					t.Errorf("%q stored %d times", s, n)
				}
			}
			t.Logf("%s: %d acknowledged (%d after the kill), %d stored, %d failed or refused requests, %d lost",
				e.Name, len(acked), afterKill.Load(), len(stored), failed.Load(), lost)
		})
	}
}

// countRows counts how many times each value of the one-column query q
// is stored (what a kill test compares with what was acknowledged).
func countRows(t *testing.T, d *db.DB, q string, args ...any) map[string]int {
	t.Helper()
	rows, err := d.R.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out[v]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
