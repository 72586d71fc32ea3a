package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/bench"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

// benchOptions are the flags of `frontline bench`.
type benchOptions struct {
	tickets  int
	clients  int
	duration time.Duration
	samples  int
	jsonPath string
	keep     bool
	skipRSS  bool
	profile  string
	only     string
	rounds   int
	storm    int
}

// want reports whether the measure named m is to run (--only lists them).
func (o benchOptions) want(m string) bool {
	if o.only == "" {
		return true
	}
	for _, x := range strings.Split(o.only, ",") {
		if strings.TrimSpace(x) == m {
			return true
		}
	}
	return false
}

// cmdBench generates (or tops up to) the requested number of tickets and
// measures the help desk against baselines taken in the same run.
func cmdBench(ctx context.Context, args []string, env Env) error {
	var o benchOptions
	extra := func(fs *flag.FlagSet) {
		fs.IntVar(&o.tickets, "tickets", 1000000, "tickets in the measured database (generated when fewer exist)")
		fs.IntVar(&o.clients, "clients", 8, "concurrent HTTP clients for the throughput measures")
		fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each throughput measure runs")
		fs.IntVar(&o.samples, "samples", 500, "queries per latency measure")
		fs.StringVar(&o.jsonPath, "json", "", "also write the report as JSON to this file")
		fs.BoolVar(&o.keep, "keep", false, "keep the generated SQLite database (default: a temporary data directory, removed after)")
		fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the measures (not the generation) to this file")
		fs.IntVar(&o.rounds, "rounds", 3, "interleaved rounds of the creation measure and its baselines (each gets --duration / rounds)")
		fs.StringVar(&o.only, "only", "", "run only these measures, comma-separated: create, get, queue, search, kpi, server, signin (default: all)")
		fs.BoolVar(&o.skipRSS, "skip-server", false, "skip the measures that start this binary's server as a subprocess (server, signin)")
		fs.IntVar(&o.storm, "storm", 500, "concurrent wrong sign-ins of the signin measure (each from its own 127.1.x.y address)")
	}
	// Without --database and --data-dir, measure a fresh SQLite file in a
	// temporary directory.
	tmp := ""
	if !hasFlag(args, "database") && !hasFlag(args, "data-dir") && env.Getenv("FRONTLINE_DATABASE") == "" && env.Getenv("FRONTLINE_DATA_DIR") == "" {
		dir, err := os.MkdirTemp("", "frontline-bench-")
		if err != nil {
			return err
		}
		tmp = dir
		args = append([]string{"--data-dir", dir}, args...)
	}
	if !hasFlag(args, "log-level") && env.Getenv("FRONTLINE_LOG_LEVEL") == "" {
		args = append([]string{"--log-level", "error"}, args...) // no per-request lines while measuring
	}
	a, rest, err := setup(ctx, "bench", args, env, extra)
	if err != nil {
		return err
	}
	defer func() {
		a.Close()
		if tmp != "" && !o.keep {
			os.RemoveAll(tmp)
		} else if tmp != "" {
			fmt.Fprintf(env.Stderr, "kept the benchmark database in %s\n", tmp)
		}
	}()
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	restore, err := applyGC(a, env) // measured as serve runs
	if err != nil {
		return err
	}
	defer restore()
	if o.tickets < 100 || o.clients < 1 || o.duration <= 0 || o.samples < 10 || o.rounds < 1 || o.storm < 1 || o.storm > 60000 {
		return usageError{"bench needs --tickets >= 100, --clients >= 1, --duration > 0, --samples >= 10, --rounds >= 1 and --storm from 1 to 60000"}
	}
	for _, m := range strings.Split(o.only, ",") {
		if m = strings.TrimSpace(m); o.only != "" && !slices.Contains([]string{"create", "get", "queue", "search", "kpi", "server", "signin"}, m) {
			return usageError{fmt.Sprintf("--only: unknown measure %q (create, get, queue, search, kpi, server, signin)", m)}
		}
	}
	rep, err := runBench(ctx, a, o, env.Stderr)
	if err != nil {
		return err
	}
	rep.Command = "frontline bench " + strings.Join(args, " ")
	rep.WriteTable(env.Stdout)
	if o.jsonPath != "" {
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonPath, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if !rep.Passed() {
		fmt.Fprintln(env.Stdout, "some targets were missed (see MISSED above)")
	}
	return nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// progressBar draws one line per phase on w.
func progressBar(w io.Writer) bench.Progress {
	start := time.Now()
	return func(phase string, done, total int) {
		pct := 100 * done / max(1, total)
		bar := strings.Repeat("#", pct/4) + strings.Repeat(".", 25-pct/4)
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(w, "\r%-10s [%s] %3d%% %d/%d (%.0f/s)", phase, bar, pct, done, total, rate)
		if done >= total {
			fmt.Fprintln(w)
			start = time.Now()
		}
	}
}

func runBench(ctx context.Context, a *App, o benchOptions, log io.Writer) (*bench.Report, error) {
	rep := &bench.Report{Engine: string(a.DB.Dialect), When: time.Now()}
	have, err := a.Tickets.Count(ctx, ticket.Filter{})
	if err != nil {
		return nil, err
	}
	if have < o.tickets {
		fmt.Fprintf(log, "generating %d tickets on %s\n", o.tickets-have, a.DB.Target.Describe())
		g, err := bench.Generate(ctx, a.DB, bench.Size{Tickets: o.tickets - have, Seed: uint64(have + 1)}, progressBar(log))
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		rep.Generated = map[string]any{"tickets": o.tickets - have, "rows": g.RowsTotal, "seconds": g.Elapsed.Seconds(),
			"rows_per_sec": float64(g.RowsTotal) / g.Elapsed.Seconds()}
		rep.Info("bulk generation", float64(g.RowsTotal)/g.Elapsed.Seconds(), "rows/s", "(bulk path)", true,
			fmt.Sprintf("%d rows in %.1f s", g.RowsTotal, g.Elapsed.Seconds()))
	}
	rep.Tickets, err = a.Tickets.Count(ctx, ticket.Filter{})
	if err != nil {
		return nil, err
	}
	if o.profile != "" { // the measures only, not the generation
		f, err := os.Create(o.profile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}

	// An agent with an API token drives the HTTP measures.
	email := fmt.Sprintf("bench-%d@bench.frontline.localhost", time.Now().UnixNano())
	name, role := "Bench Agent", people.RoleAdmin
	agent, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		return nil, err
	}
	token, _, err := a.Auth.CreateAPIToken(ctx, audit.System(), agent.ID, "bench")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: a.Web}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.clients * 2, MaxConnsPerHost: o.clients * 2}, Timeout: 30 * time.Second}
	call := func(ctx context.Context, method, path string, body []byte, want int) error {
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 200)]))
		}
		return nil
	}
	minID, maxID, err := ticketIDRange(ctx, a.DB)
	if err != nil {
		return nil, err
	}
	customers, err := a.People.ListUsers(ctx, people.UserFilter{Role: people.RoleEndUser, Page: people.Page{Limit: 1000}})
	if err != nil || len(customers) == 0 {
		return nil, fmt.Errorf("no customers to file tickets for: %v", err)
	}

	// 1. Ticket creation through the API vs raw single-row inserts.
	var createdRate bench.Throughput // for the KPI upkeep ratio
	if o.want("create") {
		baseline, err := bench.NewBaseline(ctx, a.DB)
		if err != nil {
			return nil, err
		}
		defer baseline.Close()
		var seq atomic.Int64
		rngs := make([]*rand.Rand, o.clients)
		for w := range rngs {
			rngs[w] = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
		}
		// The three rates are measured in interleaved rounds, so that the
		// machine's drift (other work on a shared host) weighs on all of
		// them alike; each round starts from the same database.
		var raw, rawTickets, created bench.Throughput
		var rounds []string
		part := o.duration / time.Duration(o.rounds)
		for r := range o.rounds {
			fmt.Fprintf(log, "measuring: creation, round %d of %d: scratch-table inserts, ticket-row inserts, API\n", r+1, o.rounds)
			raw = raw.Plus(bench.RunThroughput(ctx, o.clients, part, func(ctx context.Context, w, i int) error {
				return baseline.Insert(ctx, seq.Add(1))
			}))
			tb, err := bench.NewTicketBaseline(ctx, a.DB)
			if err != nil {
				return nil, err
			}
			rt := bench.RunThroughput(ctx, o.clients, part, func(ctx context.Context, w, i int) error {
				cust := customers[(w*7919+i)%len(customers)]
				var org int64
				if cust.OrganizationID != nil {
					org = *cust.OrganizationID
				}
				return tb.Insert(ctx, cust.ID, org)
			})
			if err := tb.Close(ctx); err != nil {
				return nil, fmt.Errorf("remove the baseline's ticket rows: %w", err)
			}
			cr := bench.RunThroughput(ctx, o.clients, part, func(ctx context.Context, w, i int) error {
				cust := customers[(w*7919+i)%len(customers)]
				subject, text := bench.TicketText(rngs[w])
				body, _ := json.Marshal(map[string]any{"ticket": map[string]any{
					"subject": subject, "requester_id": cust.ID,
					"priority": []string{"low", "normal", "high", "urgent"}[i%4], "tags": []string{"bench", "ci"},
					// Filed on behalf of the customer (as an integration or a form
					// would): the customer's public comment starts the SLA clocks,
					// so the SLA timers are scheduled as jobs in the same commit.
					"comment": map[string]any{"body": text, "author_id": cust.ID},
				}})
				return call(ctx, "POST", "/api/v2/tickets.json", body, http.StatusCreated)
			})
			// The created tickets and their timer jobs go again: the next
			// round, the other measures and the next run see the generated
			// help desk.
			if err := bench.RemoveTicketsAfter(ctx, a.DB, maxID); err != nil {
				return nil, fmt.Errorf("remove the created tickets: %w", err)
			}
			rawTickets, created = rawTickets.Plus(rt), created.Plus(cr)
			if rt.PerSec > 0 {
				rounds = append(rounds, fmt.Sprintf("%.2f", cr.PerSec/rt.PerSec))
			}
		}
		createdRate = created
		rep.AtLeastRatio("create ticket via API (8 clients)", created, rawTickets, 0.40,
			"baseline: raw ticket rows, each a prepared single-row INSERT into tickets committed alone, same clients; rounds: "+strings.Join(rounds, ", "))
		rep.RatioInfo("  same, against a scratch table", created, raw,
			"baseline: prepared single-row INSERT into an index-free scratch table, each committed alone")
	}
	// 2. Get ticket vs a trivial JSON handler, same server and clients.
	if o.want("get") {
		fmt.Fprintln(log, "measuring: trivial JSON handler (baseline) and get ticket")
		trivial := bench.RunThroughput(ctx, o.clients, o.duration, func(ctx context.Context, w, i int) error {
			return call(ctx, "GET", "/healthz", nil, http.StatusOK)
		})
		ids, err := sampleTicketIDs(ctx, a.DB, minID, maxID, 4096)
		if err != nil {
			return nil, err
		}
		got := bench.RunThroughput(ctx, o.clients, o.duration, func(ctx context.Context, w, i int) error {
			return call(ctx, "GET", "/api/v2/tickets/"+strconv.FormatInt(ids[(w*131+i)%len(ids)], 10)+".json", nil, http.StatusOK)
		})
		rep.AtLeastRatio("get ticket via API (8 clients)", got, trivial, 0.30, "baseline: GET /healthz on the same server")
	}
	// 3. The queue: first page of unsolved tickets by SLA due.
	if o.want("queue") {
		fmt.Fprintln(log, "measuring: view first page (50 unsolved tickets by SLA due)")
		queue, err := a.benchQueue(ctx, agent.ID)
		if err != nil {
			return nil, err
		}
		rep.AtMost("view first page, 50 by SLA due", bench.RunLatency(ctx, o.samples, 20, func(ctx context.Context, i int) error {
			n, err := queue(ctx)
			if err == nil && n != 50 {
				err = fmt.Errorf("the queue returned %d tickets, want 50", n)
			}
			return err
		}), 10*time.Millisecond, "")
	}
	// 4. Ranked full-text search.
	if o.want("search") {
		fmt.Fprintln(log, "measuring: ranked full-text search")
		terms := bench.SearchTerms()
		rep.AtMost("ranked full-text search", bench.RunLatency(ctx, o.samples, 20, func(ctx context.Context, i int) error {
			q, err := zquery.Parse("type:ticket "+terms[i%len(terms)], time.Now(), time.UTC)
			if err != nil {
				return err
			}
			_, _, err = a.Search.Search(ctx, &search.Request{Query: q, Viewer: search.Viewer{UserID: agent.ID}, Limit: 25})
			return err
		}), 20*time.Millisecond, "25 results by relevance, 1-2 word queries")
	}
	// 4b. KPI rollups, overview and capacity plan (bench_kpi.go).
	if o.want("kpi") {
		if err := benchKPI(ctx, a, o, createdRate, rep, log); err != nil {
			return nil, fmt.Errorf("kpi: %w", err)
		}
	}
	// 5. An idle server on this database: memory and start-up time.
	if o.want("server") && !o.skipRSS {
		fmt.Fprintln(log, "measuring: idle server memory and start-up")
		if err := benchServer(ctx, a, rep); err != nil {
			rep.Info("idle server RSS", 0, "MB", "<= 150 MB", false, "could not run: "+err.Error())
		}
	}
	// 6. Wrong sign-ins fired at once: memory and readiness (bench_signin.go).
	if o.want("signin") && !o.skipRSS {
		if err := benchSignin(ctx, a, o, rep, log); err != nil {
			rep.Info("sign-in storm: peak server RSS", 0, "MB", fmt.Sprintf("<= %d MB", stormPeakRSS>>20), false, "could not run: "+err.Error())
		}
	}
	return rep, nil
}

// sampleTicketIDs picks n ids of existing tickets, spread at random over
// [lo, hi] (ids of deleted tickets are skipped: each pick is the first
// ticket at or after a random id).
func sampleTicketIDs(ctx context.Context, d *db.DB, lo, hi int64, n int) ([]int64, error) {
	rng := rand.New(rand.NewPCG(uint64(hi), 11))
	ids := make([]int64, 0, n)
	err := d.Read(ctx, func(tx *db.Tx) error {
		for range n {
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM tickets WHERE id >= $1 ORDER BY id LIMIT 1", lo+rng.Int64N(hi-lo+1)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err == nil && len(ids) == 0 {
		err = errors.New("no tickets to read")
	}
	return ids, err
}

func ticketIDRange(ctx context.Context, d *db.DB) (lo, hi int64, err error) {
	err = d.QueryRow(ctx, "SELECT COALESCE(min(id), 0), COALESCE(max(id), 0) FROM tickets", nil, &lo, &hi)
	if err == nil && hi == 0 {
		err = errors.New("no tickets to read")
	}
	return lo, hi, err
}

// benchServer starts this binary's `serve` on the measured database, times
// how long it takes to answer /readyz, lets it idle and reads its resident
// memory.
func benchServer(ctx context.Context, a *App, rep *bench.Report) error {
	srv, err := startServe(ctx, a)
	if err != nil {
		return err
	}
	defer srv.stop()
	rep.Info("server start-up to ready", srv.ready.Seconds()*1000, "ms", "(reported)", true, "process start until /readyz answers 200")
	time.Sleep(3 * time.Second) // idle
	rss, err := bench.ProcessRSS(srv.pid)
	if err != nil {
		return err
	}
	mb := float64(rss) / (1 << 20)
	rep.Info("idle server RSS", mb, "MB", "<= 150 MB", mb <= 150, "resident set of the idle `frontline serve` process")
	return nil
}

// servedProcess is this binary's `serve` running as a subprocess.
type servedProcess struct {
	base  string // http://host:port
	pid   int
	ready time.Duration // from process start until /readyz answered 200
	stop  func()
}

// startServe starts this binary's `serve` on the measured database (no SMTP
// listener, errors-only log, production password hashing) and waits until
// /readyz answers 200.
func startServe(ctx context.Context, a *App) (*servedProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dbArg := a.Config.Database
	if dbArg == "" {
		dbArg = "sqlite:" + filepath.Join(a.Config.DataDir, "frontline.db")
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--database", dbArg, "--data-dir", a.Config.DataDir, "--http", addr, "--smtp", "", "--log-level", "error")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	for time.Since(start) < 60*time.Second {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &servedProcess{base: "http://" + addr, pid: cmd.Process.Pid, ready: time.Since(start), stop: stop}, nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	return nil, errors.New("the server did not become ready within 60 s")
}

// benchQueue returns the measured queue query: the first 50 unsolved
// tickets ordered by SLA due, as the agent's SLA view shows them.
func (a *App) benchQueue(ctx context.Context, agentID int64) (func(ctx context.Context) (int, error), error) {
	v := rules.View{Title: "Unsolved by SLA due", Active: true,
		Conditions: rules.Conditions{All: []rules.Condition{{Field: "status", Operator: "less_than", Value: "solved"}}},
		Execution:  rules.Execution{Columns: []string{"subject", "status", "priority"}, SortBy: "sla_next_breach_at", SortOrder: "asc"}}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (int, error) {
		res, err := a.Rules.ExecuteView(ctx, v, agentID, rulestore.ViewPage{Limit: 50})
		return len(res.IDs), err
	}, nil
}
