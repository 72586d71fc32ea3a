package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// fixedOnCall is a fixed on-call table: schedule id -> users. Real
// schedules are the oncall package's; here only the paging is under test.
type fixedOnCall map[int64][]int64

func (f fixedOnCall) OnCallAt(_ context.Context, id int64, _ time.Time) ([]int64, error) {
	return f[id], nil
}

const (
	schedCEOC = 101
	schedSMOC = 102
	schedCMOC = 103
)

type env struct {
	d      *db.DB
	clk    *clock.Fake
	s      *Store
	q      *jobs.Queue
	ids    map[string]int64
	actors map[string]audit.Actor
	policy *Policy
	svc    *Service
}

func sp(s string) *string { return &s }

func newQueue(t *testing.T, d *db.DB, opts jobs.Options) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(d, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

func people4(t testing.TB, d *db.DB) (map[string]int64, map[string]audit.Actor) {
	t.Helper()
	ctx := context.Background()
	ps := people.NewStore(d, audit.New(d))
	ids, actors := map[string]int64{}, map[string]audit.Actor{}
	for _, n := range []string{"ceoc", "smoc", "senior1", "senior2", "cmoc", "ase"} {
		u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp(strings.ToUpper(n[:1]) + n[1:]), Email: sp(n + "@example.com"), Role: sp("agent")})
		if err != nil {
			t.Fatal(err)
		}
		ids[n], actors[n] = u.ID, audit.Actor{ID: u.ID, Role: "agent"}
	}
	u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp("Carol"), Email: sp("carol@example.com"), Role: sp("end-user")})
	if err != nil {
		t.Fatal(err)
	}
	ids["carol"], actors["carol"] = u.ID, audit.Actor{ID: u.ID, Role: "end-user"}
	return ids, actors
}

// newStore builds a node's store on d with the outbox of a real mail store.
func newStore(t *testing.T, d *db.DB, ids map[string]int64) *Store {
	t.Helper()
	al := audit.New(d)
	ms, err := mail.NewStore(d, ticket.NewStore(d, al, t.TempDir(), 1<<20), people.NewStore(d, al),
		mail.StoreConfig{From: mail.Address{Name: "Support", Email: "support@example.com"}, Outbound: true})
	if err != nil {
		t.Fatal(err)
	}
	oc := fixedOnCall{schedCEOC: {ids["ceoc"]}, schedSMOC: {ids["smoc"]}, schedCMOC: {ids["cmoc"]}}
	return NewStore(d, al, Options{OnCall: oc, Mail: ms, From: mail.Address{Name: "Frontline", Email: "oncall@example.com"}, BaseURL: "http://frontline.test"})
}

func setup(t *testing.T, d *db.DB, clk *clock.Fake) *env {
	t.Helper()
	e := &env{d: d, clk: clk}
	e.ids, e.actors = people4(t, d)
	e.s = newStore(t, d, e.ids)
	e.q = newQueue(t, d, jobs.TestOptions())
	e.s.UseJobs(e.q)
	ctx := context.Background()
	var err error
	e.policy, err = e.s.CreatePolicy(ctx, audit.System(), DefaultEmergencyPolicy(schedCEOC, schedSMOC, []int64{e.ids["senior1"], e.ids["senior2"]}))
	if err != nil {
		t.Fatal(err)
	}
	e.svc, err = e.s.CreateService(ctx, audit.System(), ServiceInput{Name: "Customer emergencies", EscalationPolicyID: e.policy.ID, Kind: "emergency"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) drain(t *testing.T) {
	t.Helper()
	if _, err := e.q.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (e *env) paged(t *testing.T, id int64) []string {
	t.Helper()
	ps, err := e.s.Pages(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d:%s", p.Step, p.UserName))
	}
	return out
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIncidentEscalatesOnTime: an unacknowledged emergency pages CEOC at
// once, the Support Manager On-Call after 10 minutes, the senior managers
// after 5 more, each with an email in the outbox; acknowledging stops it.
func TestIncidentEscalatesOnTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		e := setup(t, d, clk)
		inc, created, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "Customer down", Key: "ticket-1", Severity: 1})
		if err != nil || !created {
			t.Fatal(created, err)
		}
		e.drain(t)
		want := []string{"0:Ceoc"}
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("at once: %v", got)
		}
		clk.Advance(9*time.Minute + 59*time.Second)
		e.drain(t)
		if got := e.paged(t, inc.ID); len(got) != 1 {
			t.Fatalf("before 10 minutes: %v", got)
		}
		clk.Advance(time.Second)
		e.drain(t)
		want = append(want, "1:Smoc")
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after 10 minutes: %v", got)
		}
		clk.Advance(5 * time.Minute)
		e.drain(t)
		want = append(want, "2:Senior1", "2:Senior2")
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after 15 minutes: %v", got)
		}
		if n := count(t, d, "SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.incident%'"); n != 4 {
			t.Fatalf("%d page emails for 4 pages", n)
		}
		got, err := e.s.Get(ctx, inc.ID)
		if err != nil || got.Level != 3 || len(got.Assignees) != 2 {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := e.s.Acknowledge(ctx, e.actors["senior1"], inc.ID); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		e.drain(t)
		if got := e.paged(t, inc.ID); len(got) != 4 {
			t.Fatalf("paged after acknowledgement: %v", got)
		}
		tl, err := e.s.Timeline(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, l := range tl {
			types = append(types, l.Type)
		}
		if s := strings.Join(types, " "); s != "trigger escalate notify escalate notify escalate notify notify acknowledge" {
			t.Fatalf("timeline: %s", s)
		}
		if _, err := e.s.Resolve(ctx, e.actors["senior1"], inc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Acknowledge(ctx, e.actors["senior1"], inc.ID); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("acknowledging a resolved incident: %v", err)
		}
	})
}

// TestPolicyRepeats: with nobody acknowledging, a policy repeated once
// walks its levels twice and then stops, noting that it is exhausted; a
// level with nobody on call is skipped at once.
func TestPolicyRepeats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		e := setup(t, d, clk)
		p, err := e.s.CreatePolicy(ctx, audit.System(), PolicyInput{Name: "Two levels", NumLoops: 1, Rules: []Rule{
			{DelayMinutes: 5, Targets: []Target{{Kind: TargetSchedule, ID: 999}}}, // nobody on call
			{DelayMinutes: 5, Targets: []Target{{Kind: TargetUser, ID: e.ids["smoc"]}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := e.s.CreateService(ctx, audit.System(), ServiceInput{Name: "Two", EscalationPolicyID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		inc, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: svc.ID, Title: "x"})
		if err != nil {
			t.Fatal(err)
		}
		for range 6 {
			e.drain(t)
			clk.Advance(5 * time.Minute)
		}
		e.drain(t)
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != "[1:Smoc 3:Smoc]" {
			t.Fatalf("pages: %v", got)
		}
		tl, _ := e.s.Timeline(ctx, inc.ID)
		if last := tl[len(tl)-1]; !strings.Contains(last.Summary, "exhausted") {
			t.Fatalf("last: %+v", last)
		}
		if _, err := e.s.CreatePolicy(ctx, audit.System(), PolicyInput{Name: "bad", Rules: []Rule{{DelayMinutes: 0}}}); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Escalation rule") {
			t.Fatalf("invalid policy: %v", err)
		}
	})
}

// TestTwoNodesPageOnce: two nodes (own pools, own River clients) work the
// escalation timers of the same incidents; every page is written and
// emailed exactly once, on both engines. A third "restarted" node joins
// mid-way.
func TestTwoNodesPageOnce(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFake(time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC))
			d1 := dbtest.Open(t, eng, clk)
			d2, err := db.Open(ctx, d1.Target, clk, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			e := setup(t, d1, clk)
			s2 := newStore(t, d2, e.ids)
			opts := jobs.TestOptions()
			opts.ID = "node2"
			q2 := newQueue(t, d2, opts)
			s2.UseJobs(q2)
			for _, q := range []*jobs.Queue{e.q, q2} {
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = q.Stop(context.Background()) })
			}
			const n = 12
			for i := range n {
				st := e.s
				if i%2 == 1 {
					st = s2
				}
				if _, _, err := st.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: fmt.Sprint("incident ", i), Key: fmt.Sprint("k", i)}); err != nil {
					t.Fatal(err)
				}
			}
			waitPages := func(want int) {
				t.Helper()
				deadline := time.Now().Add(30 * time.Second)
				for count(t, d1, "SELECT count(*) FROM incident_pages") < want && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
				pending := func() int {
					return count(t, d1, `SELECT count(*) FROM river_job WHERE kind = 'incident.wake' AND state NOT IN ('completed', 'cancelled', 'discarded') AND scheduled_at <= $1`, clk.Now())
				}
				for pending() > 0 && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
				time.Sleep(150 * time.Millisecond)
			}
			waitPages(n)
			clk.Advance(10 * time.Minute)
			waitPages(2 * n)
			clk.Advance(5 * time.Minute)
			waitPages(4 * n)
			if got := count(t, d1, "SELECT count(*) FROM incident_pages"); got != 4*n {
				t.Fatalf("%d pages for %d incidents (want %d)", got, n, 4*n)
			}
			if got := count(t, d1, "SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.incident%'"); got != 4*n {
				t.Fatalf("%d page emails (want %d)", got, 4*n)
			}
			if got := count(t, d1, "SELECT count(*) FROM incident_log_entries WHERE type = 'notify'"); got != 4*n {
				t.Fatalf("%d notify entries (want %d)", got, 4*n)
			}
			// A step job run again (a retry, a node restarted mid-run) pages nobody.
			if _, err := s2.escalate(ctx, EscalateArgs{IncidentID: 1, Step: 0}); err != nil {
				t.Fatal(err)
			}
			if got := count(t, d1, "SELECT count(*) FROM incident_pages"); got != 4*n {
				t.Fatalf("re-run step: %d pages", got)
			}
		})
	}
}

// TestDedupAcrossNodes: the same dedup key sent concurrently through two
// nodes opens one incident; after it is resolved the key opens a new one.
func TestDedupAcrossNodes(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFake(time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC))
			d1 := dbtest.Open(t, eng, clk)
			d2, err := db.Open(ctx, d1.Target, clk, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			e := setup(t, d1, clk)
			s2 := newStore(t, d2, e.ids)
			var wg sync.WaitGroup
			keys := make([]string, 40)
			errc := make(chan error, len(keys))
			for i := range keys {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st := e.s
					if i%2 == 1 {
						st = s2
					}
					k, err := st.Enqueue(ctx, Event{RoutingKey: e.svc.IntegrationKey, EventAction: "trigger", DedupKey: "disk-full",
						Payload: &EventPayload{Summary: "Disk full", Source: "db1", Severity: "critical"}})
					keys[i] = k
					errc <- err
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := count(t, d1, "SELECT count(*) FROM incidents WHERE incident_key = 'disk-full'"); n != 1 {
				t.Fatalf("%d incidents for one dedup key", n)
			}
			if _, err := e.s.Enqueue(ctx, Event{RoutingKey: e.svc.IntegrationKey, EventAction: "resolve", DedupKey: "disk-full"}); err != nil {
				t.Fatal(err)
			}
			list, total, err := e.s.List(ctx, Filter{IncidentKey: "disk-full"})
			if err != nil || total != 1 || list[0].Status != Resolved {
				t.Fatalf("%+v %d %v", list, total, err)
			}
			if _, err := s2.Enqueue(ctx, Event{RoutingKey: e.svc.IntegrationKey, EventAction: "trigger", DedupKey: "disk-full",
				Payload: &EventPayload{Summary: "Disk full again", Source: "db1", Severity: "warning"}}); err != nil {
				t.Fatal(err)
			}
			if n := count(t, d1, "SELECT count(*) FROM incidents WHERE incident_key = 'disk-full'"); n != 2 {
				t.Fatalf("%d incidents after resolve and trigger", n)
			}
			_, err = e.s.Enqueue(ctx, Event{RoutingKey: "0123456789abcdef0123456789abcdef", EventAction: "trigger",
				Payload: &EventPayload{Summary: "x", Source: "y", Severity: "critical"}})
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("unknown routing key: %v", err)
			}
			_, err = e.s.Enqueue(ctx, Event{RoutingKey: e.svc.IntegrationKey, EventAction: "trigger", Payload: &EventPayload{Summary: "x", Source: "y", Severity: "bad"}})
			if !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Events rule") {
				t.Fatalf("bad severity: %v", err)
			}
		})
	}
}

// TestAcknowledgeLink: a page's signed link acknowledges as the paged
// user, once; a forged link is refused.
func TestAcknowledgeLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, d.Clock.(*clock.Fake))
		inc, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "x"})
		if err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		ps, _ := e.s.Pages(ctx, inc.ID)
		tok, err := e.s.AckTokenOf(ctx, ps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var msg string
		if err := d.R.QueryRow("SELECT message FROM mail_outbox WHERE message_id LIKE 'frontline.incident%'").Scan(&msg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, "/incidents/ack?token="+tok) {
			t.Fatalf("the email lacks the link: %s", msg)
		}
		forged := tok[:len(tok)-2] + "AA"
		if _, err := e.s.AcknowledgeByToken(ctx, forged); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("forged: %v", err)
		}
		got, err := e.s.AcknowledgeByToken(ctx, tok)
		if err != nil || got.Status != Acknowledged || got.AcknowledgedBy == nil || *got.AcknowledgedBy != e.ids["ceoc"] {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := e.s.AcknowledgeByToken(ctx, tok); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "used already") {
			t.Fatalf("second use: %v", err)
		}
	})
}

// TestChatWebhooks: Slack, Microsoft Teams and Mattermost receivers (a
// real local HTTP server) get the page, the acknowledgement and the
// resolution in their formats, each once.
func TestChatWebhooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		got := map[string][]map[string]any{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil || r.Header.Get("Content-Type") != "application/json" {
				http.Error(w, "bad", 400)
				return
			}
			mu.Lock()
			got[r.URL.Path] = append(got[r.URL.Path], m)
			mu.Unlock()
			_, _ = io.WriteString(w, "ok")
		}))
		defer srv.Close()
		e := setup(t, d, d.Clock.(*clock.Fake))
		for _, f := range []string{FormatSlack, FormatTeams, FormatMattermost} {
			if _, err := e.s.CreateWebhook(ctx, audit.System(), f, f, srv.URL+"/"+f, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.CreateWebhook(ctx, audit.System(), "x", "irc", srv.URL, nil); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("irc: %v", err)
		}
		inc, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "Pipeline outage"})
		if err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		if _, err := e.s.Acknowledge(ctx, e.actors["ceoc"], inc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Resolve(ctx, e.actors["ceoc"], inc.ID); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		mu.Lock()
		defer mu.Unlock()
		for _, f := range []string{"/slack", "/teams", "/mattermost"} {
			if len(got[f]) != 3 {
				t.Fatalf("%s got %d posts: %v", f, len(got[f]), got[f])
			}
		}
		// Deliveries run as separate jobs, in any order.
		find := func(path, key, word string) map[string]any {
			for _, m := range got[path] {
				if strings.Contains(fmt.Sprint(m[key]), word) {
					return m
				}
			}
			t.Fatalf("%s: no post with %q in %s: %v", path, word, key, got[path])
			return nil
		}
		if m := find("/slack", "text", "[Triggered] Incident #"); m["attachments"] == nil {
			t.Fatalf("slack: %v", m)
		}
		if c := find("/teams", "title", "[Acknowledged]"); c["@type"] != "MessageCard" || c["potentialAction"] == nil {
			t.Fatalf("teams: %v", c)
		}
		if m := find("/mattermost", "text", "[Resolved]"); m["username"] != "Frontline" {
			t.Fatalf("mattermost: %v", m)
		}
		if n := count(t, d, "SELECT count(*) FROM incident_deliveries WHERE status = 'sent'"); n != 9 {
			t.Fatalf("%d sent deliveries", n)
		}
	})
}

// TestStatusUpdatesCadence: a monitoring incident is due an update after
// the severity's interval; CMOC is reminded when it is overdue; updates go
// on the status page, and the final one resolves the incident.
func TestStatusUpdatesCadence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		e := setup(t, d, clk)
		cp, err := e.s.CreatePolicy(ctx, audit.System(), PolicyInput{Name: "CMOC", Rules: []Rule{{DelayMinutes: 15, Targets: []Target{{Kind: TargetSchedule, ID: schedCMOC}}}}})
		if err != nil {
			t.Fatal(err)
		}
		mon, err := e.s.CreateService(ctx, audit.System(), ServiceInput{Name: "Monitoring", EscalationPolicyID: cp.ID, Kind: "monitoring"})
		if err != nil {
			t.Fatal(err)
		}
		dk, err := e.s.Enqueue(ctx, Event{RoutingKey: mon.IntegrationKey, EventAction: "trigger", DedupKey: "api-5xx",
			Payload: &EventPayload{Summary: "API error rate above 5%", Source: "prometheus", Severity: "critical"}})
		if err != nil {
			t.Fatal(err)
		}
		list, _, _ := e.s.List(ctx, Filter{IncidentKey: dk})
		inc := list[0]
		if inc.Source != SourceMonitoring || inc.Severity != 1 || inc.NextUpdateDue == nil || !inc.NextUpdateDue.Equal(clk.Now().Add(10*time.Minute)) {
			t.Fatalf("%+v", inc)
		}
		e.drain(t)
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != "[0:Cmoc]" {
			t.Fatalf("pages: %v", got)
		}
		if _, err := e.s.Acknowledge(ctx, e.actors["cmoc"], inc.ID); err != nil {
			t.Fatal(err)
		}
		reminders := func() int {
			return count(t, d, "SELECT count(*) FROM incident_log_entries WHERE type = 'reminder' AND incident_id = $1", inc.ID)
		}
		clk.Advance(5 * time.Minute)
		if _, err := e.s.PostUpdate(ctx, e.actors["cmoc"], inc.ID, Identified, "A bad deploy; rolling back."); err != nil {
			t.Fatal(err)
		}
		clk.Advance(6 * time.Minute) // the first due time passed, but an update came before it
		e.drain(t)
		if reminders() != 0 {
			t.Fatal("reminded although the update came in time")
		}
		clk.Advance(5 * time.Minute) // 11 minutes since the update: overdue
		e.drain(t)
		if reminders() != 1 {
			t.Fatalf("%d reminders when overdue", reminders())
		}
		got, _ := e.s.Get(ctx, inc.ID)
		if !got.Overdue(clk.Now()) {
			t.Fatal("not overdue")
		}
		page, err := e.s.PublicStatus(ctx, 7*24*time.Hour)
		if err != nil || len(page.Active) != 1 || page.Indicator != "critical" || page.Active[0].State != Identified {
			t.Fatalf("%+v %v", page, err)
		}
		if _, err := e.s.PostUpdate(ctx, e.actors["cmoc"], inc.ID, "fixed", "x"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("bad state: %v", err)
		}
		if _, err := e.s.PostUpdate(ctx, e.actors["cmoc"], inc.ID, StateResolved, "Rolled back; error rate normal."); err != nil {
			t.Fatal(err)
		}
		page, _ = e.s.PublicStatus(ctx, 7*24*time.Hour)
		if len(page.Active) != 0 || len(page.Recent) != 1 || len(page.Recent[0].Updates) != 2 || page.Indicator != "none" {
			t.Fatalf("%+v", page)
		}
		got, _ = e.s.Get(ctx, inc.ID)
		if got.Status != Resolved {
			t.Fatalf("%+v", got)
		}
	})
}

// TestReassign: reassigning an acknowledged incident pages the new user at
// once and restarts the escalation; old timers do nothing.
func TestReassign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		e := setup(t, d, clk)
		inc, _, _ := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "x"})
		e.drain(t)
		if _, err := e.s.Acknowledge(ctx, e.actors["ceoc"], inc.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Reassign(ctx, e.actors["ceoc"], inc.ID, []int64{e.ids["senior1"]})
		if err != nil || got.Status != Triggered {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := e.s.Reassign(ctx, e.actors["ceoc"], inc.ID, []int64{e.ids["carol"]}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("reassign to a customer: %v", err)
		}
		e.drain(t)
		if p := e.paged(t, inc.ID); fmt.Sprint(p) != "[0:Ceoc -1:Senior1]" {
			t.Fatalf("%v", p)
		}
		clk.Advance(10 * time.Minute)
		e.drain(t)
		if p := e.paged(t, inc.ID); fmt.Sprint(p) != "[0:Ceoc -1:Senior1 1:Smoc]" {
			t.Fatalf("%v", p)
		}
		if _, err := e.s.AddNote(ctx, e.actors["smoc"], inc.ID, "Looking at it"); err != nil {
			t.Fatal(err)
		}
		notes, _ := e.s.Notes(ctx, inc.ID)
		if len(notes) != 1 || notes[0].UserName != "Smoc" {
			t.Fatalf("%+v", notes)
		}
	})
}

// TestRestartedNodeLosesNoPage: a node commits triggers and dies before
// any job runs (its queue never started); a node started afterwards on the
// same database pages every one of them once, and taking the due work
// again (a repeated wake-up, the minute sweep) pages nobody twice.
func TestRestartedNodeLosesNoPage(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFake(time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC))
			d1 := dbtest.Open(t, eng, clk)
			e := setup(t, d1, clk)
			for i := range 5 {
				if _, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: fmt.Sprint("x", i)}); err != nil {
					t.Fatal(err)
				}
			}
			// The first node is gone: only the database remains.
			d2, err := db.Open(ctx, d1.Target, clk, db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d2.Close() })
			s2 := newStore(t, d2, e.ids)
			q2 := newQueue(t, d2, jobs.TestOptions())
			s2.UseJobs(q2)
			if _, err := q2.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			if n := count(t, d1, "SELECT count(*) FROM incident_pages"); n != 5 {
				t.Fatalf("%d pages after the restart, want 5", n)
			}
			for range 3 {
				if _, err := s2.FireDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			clk.Advance(10 * time.Minute)
			for range 2 {
				if _, err := s2.FireDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if n := count(t, d1, "SELECT count(*) FROM incident_pages"); n != 10 {
				t.Fatalf("%d pages after 10 minutes, want 10", n)
			}
			if n := count(t, d1, "SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.incident%'"); n != 10 {
				t.Fatalf("%d page emails, want 10", n)
			}
		})
	}
}
