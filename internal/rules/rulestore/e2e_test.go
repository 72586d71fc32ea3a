package rulestore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

func sp(s string) *string { return &s }

type fixture struct {
	d       *db.DB
	clk     *clock.Fake
	rs      *Store
	tickets *ticket.Store
	ps      *people.Store
	admin   audit.Actor
	alice   ticket.Actor // agent in the SaaS group
	bob     int64        // agent
	saasCus ticket.Actor // customer of a SaaS organization
	smCus   ticket.Actor // customer of a self-managed organization
	saasGrp int64
	saasOrg int64
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setup builds people, tickets and the rule store; withSLA also wires the
// real SLA service's ticket hook first (as the app does), which keeps the
// per-ticket history pending and requester times are read from.
func setup(t testing.TB, d *db.DB, clk *clock.Fake, withSLA ...bool) *fixture {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ps := people.NewStore(d, al)
	sys := audit.System()
	saas, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Cloudy"), SupportPlan: sp("saas"), Tier: sp("premium")})
	must(t, err)
	sm, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Onprem"), SupportPlan: sp("self_managed")})
	must(t, err)
	user := func(name, role string, org *int64) int64 {
		u, err := ps.CreateUser(ctx, sys, people.UserInput{Name: sp(name), Email: sp(strings.ToLower(strings.Fields(name)[0]) + "@example.com"), Role: sp(role), OrganizationID: org})
		must(t, err)
		return u.ID
	}
	g, err := ps.CreateGroup(ctx, sys, people.GroupInput{Name: sp("SaaS support")})
	must(t, err)
	f := &fixture{d: d, clk: clk, ps: ps, admin: audit.Actor{Role: "admin"}, saasGrp: g.ID, saasOrg: saas.ID}
	f.alice = ticket.Actor{UserID: user("Alice Agent", "agent", nil), Role: "agent"}
	f.bob = user("Bob Agent", "agent", nil)
	f.saasCus = ticket.Actor{UserID: user("Carol Cloud", "end-user", &saas.ID), Role: "end-user"}
	f.smCus = ticket.Actor{UserID: user("Dan Onprem", "end-user", &sm.ID), Role: "end-user"}
	_, err = ps.AddGroupMembership(ctx, sys, f.alice.UserID, g.ID, true)
	must(t, err)
	f.tickets = ticket.NewStore(d, al, t.TempDir(), 1<<20)
	if len(withSLA) > 0 && withSLA[0] {
		f.tickets.OnChange(sla.NewService(sla.NewStore(d, al), sla.Options{}).Hook)
	}
	f.rs = New(d, f.tickets, al, nil, Options{BaseURL: "https://desk.example.com", Retry: RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 3}})
	f.rs.Attach()
	return f
}

func decode[T any](t testing.TB, s string) T {
	t.Helper()
	var v T
	must(t, json.Unmarshal([]byte(s), &v))
	return v
}

// hookServer is a real HTTP endpoint that verifies Zendesk signatures.
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	bodies   []string
	failNext int
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		ts := r.Header.Get(HeaderSignatureTimestamp)
		if ts == "" || !Verify(h.secret, ts, body, r.Header.Get(HeaderSignature)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if h.failNext > 0 {
			h.failNext--
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		h.bodies = append(h.bodies, string(body))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.bodies)
}

func startClock() func() clock.Clock {
	return func() clock.Clock { return clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }
}

// TestRealisticRuleSet runs the rule set end to end on both
// engines: auto-assign by plan, tag from text (re-evaluated so a later
// trigger sees the tag), notify the requester on an agent's public reply,
// escalate urgent unassigned tickets after 30 minutes through a signed
// webhook, and close solved tickets after 4 days.
func TestRealisticRuleSet(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk)
		srv := newHookServer(t)
		wh, err := f.rs.CreateWebhook(ctx, f.admin, WebhookInput{Name: sp("Pager"), Endpoint: sp(srv.URL + "/hook")})
		must(t, err)
		srv.secret = wh.Secret()

		trig := func(js string) {
			t.Helper()
			_, err := f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, js))
			must(t, err)
		}
		// Position 1 runs first but only matches once "Tag refunds" added the tag.
		trig(`{"title": "Refunds are high priority", "active": true, "position": 1,
			"conditions": {"all": [{"field": "current_tags", "operator": "includes", "value": "billing"},
			                       {"field": "priority", "operator": "is_not", "value": "high"}]},
			"actions": [{"field": "priority", "value": "high"}]}`)
		trig(`{"title": "Tag refunds", "active": true, "position": 2,
			"conditions": {"all": [{"field": "comment_includes_word", "operator": "includes", "value": "refund"}]},
			"actions": [{"field": "current_tags", "value": "billing"}]}`)
		trig(fmt.Sprintf(`{"title": "Auto-assign SaaS", "active": true, "position": 3,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"},
			                       {"field": "organization.plan", "operator": "is", "value": "saas"}]},
			"actions": [{"field": "group_id", "value": "%d"}, {"field": "assignee_id", "value": "%d"}]}`, f.saasGrp, f.alice.UserID))
		trig(`{"title": "Notify requester of reply", "active": true, "position": 4,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Change"},
			                       {"field": "comment_is_public", "operator": "is", "value": "true"},
			                       {"field": "role", "operator": "is_not", "value": "end_user"}]},
			"actions": [{"field": "notification_user", "value": ["requester_id", "[#{{ticket.id}}] {{ticket.title}}",
			            "Hi {{ticket.requester.first_name}},\n\n{{ticket.latest_public_comment}}"]}]}`)
		auto := func(js string) rules.Automation {
			t.Helper()
			a, err := f.rs.CreateAutomation(ctx, f.admin, decode[rules.Automation](t, js))
			must(t, err)
			return a
		}
		auto(`{"title": "Close solved after 4 days", "active": true, "position": 1,
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "solved"},
			                       {"field": "SOLVED", "operator": "greater_than", "value": "96"}]},
			"actions": [{"field": "status", "value": "closed"}]}`)
		auto(fmt.Sprintf(`{"title": "Escalate urgent unassigned", "active": true, "position": 2,
			"conditions": {"all": [{"field": "priority", "operator": "is", "value": "urgent"},
			                       {"field": "assignee_id", "operator": "is", "value": ""},
			                       {"field": "status", "operator": "less_than", "value": "solved"},
			                       {"field": "hours_since_created", "operator": "greater_than", "value": "0.5"},
			                       {"field": "current_tags", "operator": "not_includes", "value": "escalated"}]},
			"actions": [{"field": "current_tags", "value": "escalated"},
			            {"field": "notification_webhook", "value": ["%s", "{\"ticket\": {{ticket.id}}, \"title\": \"{{ticket.title}}\", \"requester\": \"{{ticket.requester.name}}\"}"]}]}`, wh.ID))

		// 1. A SaaS customer asks for a refund: assigned by plan, tagged from
		// the text, and the tag's trigger (checked first) fires after it.
		t1, _, err := f.tickets.Create(ctx, f.saasCus, ticket.CreateInput{Subject: "Refund \"please\"", Comment: ticket.CommentInput{Body: "I want a refund for March."}})
		must(t, err)
		if deref(t1.AssigneeID) != f.alice.UserID || deref(t1.GroupID) != f.saasGrp {
			t.Fatalf("not auto-assigned by plan: assignee %v group %v", t1.AssigneeID, t1.GroupID)
		}
		if !slices.Contains(t1.Tags, "billing") || deref(t1.Priority) != "high" {
			t.Fatalf("tag/priority triggers: tags %v priority %v", t1.Tags, t1.Priority)
		}
		audits, err := f.tickets.Audits(ctx, t1.ID, ticket.Page{})
		must(t, err)
		if len(audits) != 2 || audits[1].Via.Channel != ViaRule {
			t.Fatalf("want the creation audit and one rule audit, got %+v", audits)
		}
		if n, _ := f.rs.TicketNotifications(ctx, t1.ID); len(n) != 0 {
			t.Fatalf("creation notified: %+v", n)
		}
		// A self-managed customer's ticket is not auto-assigned.
		t2, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "Cluster down", Priority: sp("urgent"), Comment: ticket.CommentInput{Body: "Everything is on fire"}})
		must(t, err)
		if t2.AssigneeID != nil || slices.Contains(t2.Tags, "billing") {
			t.Fatalf("self-managed ticket changed by triggers: %+v", t2)
		}

		// 2. Alice replies publicly: the requester is notified with the
		// rendered template; an internal note notifies nobody.
		_, _, err = f.tickets.Update(ctx, f.alice, t1.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "Refund issued."}})
		must(t, err)
		priv := false
		_, _, err = f.tickets.Update(ctx, f.alice, t1.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "note", Public: &priv}})
		must(t, err)
		ns, err := f.rs.TicketNotifications(ctx, t1.ID)
		must(t, err)
		if len(ns) != 1 {
			t.Fatalf("want one notification, got %+v", ns)
		}
		want := Notification{ID: ns[0].ID, TicketID: t1.ID, RuleID: ns[0].RuleID, UserID: f.saasCus.UserID, Email: "carol@example.com",
			Subject: fmt.Sprintf("[#%d] Refund \"please\"", t1.ID), Body: "Hi Carol,\n\nRefund issued.", Status: "pending"}
		if ns[0] != want {
			t.Fatalf("notification\n got %+v\nwant %+v", ns[0], want)
		}
		pend, err := f.rs.PendingNotifications(ctx, 0, 10)
		must(t, err)
		if len(pend) != 1 {
			t.Fatalf("pending: %+v", pend)
		}
		must(t, f.rs.MarkNotification(ctx, pend[0].ID, true))
		if pend, _ = f.rs.PendingNotifications(ctx, 0, 10); len(pend) != 0 {
			t.Fatalf("sent notification still pending")
		}

		// 3. Escalation: not before 30 minutes, then once, through the webhook.
		clk.Advance(20 * time.Minute)
		st, err := f.rs.RunAutomations(ctx)
		must(t, err)
		if st.Fired != 0 {
			t.Fatalf("fired too early: %+v", st)
		}
		clk.Advance(15 * time.Minute)
		srv.failNext = 1 // the first delivery attempt fails and is retried
		st, err = f.rs.RunAutomations(ctx)
		must(t, err)
		if st.Fired != 1 || st.Updated != 1 {
			t.Fatalf("escalation: %+v", st)
		}
		got, err := f.tickets.Get(ctx, t2.ID)
		must(t, err)
		if !slices.Contains(got.Tags, "escalated") {
			t.Fatalf("not escalated: %v", got.Tags)
		}
		if st, _ = f.rs.RunAutomations(ctx); st.Fired != 0 {
			t.Fatalf("escalated twice: %+v", st)
		}
		ds, err := f.rs.DeliverWebhooks(ctx)
		must(t, err)
		if ds.Retrying != 1 || len(srv.received()) != 0 {
			t.Fatalf("first attempt: %+v %v", ds, srv.received())
		}
		if ds, _ = f.rs.DeliverWebhooks(ctx); ds != (DeliveryStats{}) {
			t.Fatalf("retried before its backoff: %+v", ds)
		}
		clk.Advance(time.Minute)
		ds, err = f.rs.DeliverWebhooks(ctx)
		must(t, err)
		if ds.Sent != 1 {
			t.Fatalf("retry: %+v", ds)
		}
		wantBody := fmt.Sprintf(`{"ticket": %d, "title": "Cluster down", "requester": "Dan Onprem"}`, t2.ID)
		if r := srv.received(); len(r) != 1 || r[0] != wantBody {
			t.Fatalf("webhook bodies %q, want %q", r, wantBody)
		}
		whID := mustID(t, wh.ID)
		log, err := f.rs.Deliveries(ctx, whID, 0, 10)
		must(t, err)
		if len(log) != 1 || log[0].Status != "success" || log[0].Attempts != 2 || log[0].LastStatus != 200 || log[0].TicketID != t2.ID {
			t.Fatalf("delivery log: %+v", log)
		}

		// 4. Alice solves the refund ticket; it closes after 4 days, not before.
		_, _, err = f.tickets.Update(ctx, f.alice, t1.ID, ticket.UpdateInput{Status: sp("solved")})
		must(t, err)
		clk.Advance(95 * time.Hour)
		st, err = f.rs.RunAutomations(ctx)
		must(t, err)
		if got, _ := f.tickets.Get(ctx, t1.ID); got.Status != "solved" {
			t.Fatalf("closed early: %s (%+v)", got.Status, st)
		}
		clk.Advance(2 * time.Hour)
		_, err = f.rs.RunAutomations(ctx)
		must(t, err)
		if got, _ := f.tickets.Get(ctx, t1.ID); got.Status != "closed" {
			t.Fatalf("not closed after 4 days: %s", got.Status)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	_, err := fmt.Sscan(s, &id)
	must(t, err)
	return id
}

func TestInvalidRulesAreRejectedWholeAndNamed(t *testing.T) {
	dbtest.EachClock(t, startClock(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, nil)
		bad := decode[rules.Trigger](t, `{"title": "x", "active": true,
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "open"},
			                       {"field": "priority", "operator": "foo", "value": "high"}]},
			"actions": [{"field": "status", "value": "solved"}]}`)
		_, err := f.rs.CreateTrigger(ctx, f.admin, bad)
		var e *errs.Error
		if !errs.Is(err, errs.KindInvalid) || !asErr(err, &e) || len(e.Fields["conditions.all[1].operator"]) == 0 {
			t.Fatalf("want invalid conditions.all[1].operator, got %v", err)
		}
		if ts, _ := f.rs.ListTriggers(ctx, false); len(ts) != 0 {
			t.Fatalf("invalid trigger stored: %+v", ts)
		}
		good := decode[rules.Trigger](t, `{"title": "ok", "active": true,
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "open"}]},
			"actions": [{"field": "priority", "value": "high"}]}`)
		tr, err := f.rs.CreateTrigger(ctx, f.admin, good)
		must(t, err)
		bad.Title = "changed"
		if _, err := f.rs.UpdateTrigger(ctx, f.admin, tr.ID, bad); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("update with bad rule: %v", err)
		}
		if got, _ := f.rs.GetTrigger(ctx, tr.ID); got.Title != "ok" {
			t.Fatalf("invalid update half-saved: %+v", got)
		}
		// Views must be executable as SQL: custom-field comparisons are not (yet).
		_, err = f.rs.CreateView(ctx, f.admin, decode[rules.View](t, `{"title": "v", "active": true,
			"all": [{"field": "status", "operator": "is", "value": "open"}],
			"any": [{"field": "custom_fields_5", "operator": "greater_than", "value": "2"}]}`))
		if !asErr(err, &e) || len(e.Fields["conditions.any[0].operator"]) == 0 {
			t.Fatalf("want invalid conditions.any[0].operator, got %v", err)
		}
		// Webhooks.
		if _, err := f.rs.CreateWebhook(ctx, f.admin, WebhookInput{Name: sp("x"), Endpoint: sp("ftp://x")}); !asErr(err, &e) || len(e.Fields["endpoint"]) == 0 {
			t.Fatalf("bad endpoint: %v", err)
		}
	})
}

func asErr(err error, target **errs.Error) bool {
	e, ok := err.(*errs.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestPendingReminderAndRequesterTimes: hours_since_pending and
// hours_since_requester_update come from the ticket's audits, in
// automations and in views, on both engines.
func TestPendingReminderAndRequesterTimes(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk, true)
		_, err := f.rs.CreateAutomation(ctx, f.admin, decode[rules.Automation](t, `{"title": "Remind after 2 days pending", "active": true,
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "pending"},
			                       {"field": "PENDING", "operator": "greater_than", "value": "48"},
			                       {"field": "current_tags", "operator": "not_includes", "value": "reminded"}]},
			"actions": [{"field": "current_tags", "value": "reminded"},
			            {"field": "notification_user", "value": ["requester_id", "Still need help with {{ticket.title}}?", "Reply to reopen."]}]}`))
		must(t, err)
		tk, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "Backups", Comment: ticket.CommentInput{Body: "failing"}})
		must(t, err)
		clk.Advance(10 * time.Hour)
		st := "pending"
		_, _, err = f.tickets.Update(ctx, f.alice, tk.ID, ticket.UpdateInput{Status: &st, Comment: &ticket.CommentInput{Body: "Can you send logs?"}})
		must(t, err)
		waiting := decode[rules.View](t, `{"title": "Waiting on customer > 1 day", "all": [{"field": "status", "operator": "is", "value": "pending"},
			{"field": "hours_since_pending", "operator": "greater_than", "value": "24"}]}`)
		quiet := decode[rules.View](t, `{"title": "Requester quiet > 5h", "all": [{"field": "hours_since_requester_update", "operator": "greater_than", "value": "5"}]}`)
		count := func(v rules.View) int {
			n, err := f.rs.CountView(ctx, v, f.alice.UserID)
			must(t, err)
			return n
		}
		if count(waiting) != 0 || count(quiet) != 1 {
			t.Fatalf("views right after pending: waiting %d quiet %d", count(waiting), count(quiet))
		}
		clk.Advance(47 * time.Hour)
		if s, _ := f.rs.RunAutomations(ctx); s.Fired != 0 {
			t.Fatalf("reminded after 47h pending: %+v", s)
		}
		if count(waiting) != 1 {
			t.Fatalf("waiting view after 47h: %d", count(waiting))
		}
		clk.Advance(2 * time.Hour)
		s, err := f.rs.RunAutomations(ctx)
		must(t, err)
		if s.Fired != 1 {
			t.Fatalf("no reminder after 49h pending: %+v", s)
		}
		ns, err := f.rs.TicketNotifications(ctx, tk.ID)
		must(t, err)
		if len(ns) != 1 || ns[0].UserID != f.smCus.UserID || ns[0].Subject != "Still need help with Backups?" {
			t.Fatalf("reminder: %+v", ns)
		}
		// The customer replies: the requester-quiet view drops the ticket.
		_, _, err = f.tickets.Update(ctx, f.smCus, tk.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "logs attached"}})
		must(t, err)
		if count(quiet) != 0 {
			t.Fatalf("requester update not seen")
		}
	})
}

func TestDefaultViewsSeededOnce(t *testing.T) {
	dbtest.EachClock(t, startClock(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk0(d))
		n, err := f.rs.SeedDefaultViews(ctx)
		must(t, err)
		if n != len(rules.DefaultViews()) {
			t.Fatalf("seeded %d of %d default views", n, len(rules.DefaultViews()))
		}
		vs, err := f.rs.ListViews(ctx, true, nil)
		must(t, err)
		must(t, f.rs.DeleteView(ctx, f.admin, vs[0].ID))
		if n, err = f.rs.SeedDefaultViews(ctx); err != nil || n != 0 {
			t.Fatalf("seeded again: %d %v", n, err)
		}
		if vs2, _ := f.rs.ListViews(ctx, true, nil); len(vs2) != len(vs)-1 {
			t.Fatalf("views after delete and re-seed: %d", len(vs2))
		}
	})
}
