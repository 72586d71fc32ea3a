package incident

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/ticket"
)

// TestShiftHandoverOfOpenEmergencies: an acknowledged emergency belongs to
// the CEOC engineer who was paged; when CEOC hands off, the sweep (run by
// two nodes at once) hands it to the incoming engineer exactly once: the
// incident's and the ticket's assignee, a timeline line, one email listing
// the open emergencies. A gap keeps the owner; a resolved emergency and an
// incident of another kind of service are not handed over.
func TestShiftHandoverOfOpenEmergencies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		clk.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
		e := setup(t, d, clk)
		oc := e.s.opt.OnCall.(fixedOnCall)
		al := audit.New(d)
		tickets := ticket.NewStore(d, al, t.TempDir(), 1<<20)
		e.s.SetEmergencies(tickets, nil, "")
		carol := ticket.Actor{UserID: e.ids["carol"], Role: "end-user"}
		open := func(title string, svc int64) (*Incident, int64) {
			t.Helper()
			tk, _, err := tickets.Create(ctx, carol, ticket.CreateInput{Subject: title, Comment: ticket.CommentInput{Body: "help"}})
			if err != nil {
				t.Fatal(err)
			}
			tid := tk.ID
			inc, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: svc, Title: title, Key: title, Severity: 1, Urgency: "high", TicketID: &tid})
			if err != nil {
				t.Fatal(err)
			}
			return inc, tid
		}
		general, err := e.s.CreateService(ctx, audit.System(), ServiceInput{Name: "Internal tooling", EscalationPolicyID: e.policy.ID})
		if err != nil {
			t.Fatal(err)
		}
		down, downTicket := open("Production down", e.svc.ID)
		slow, _ := open("Pipelines slow", e.svc.ID)
		other, _ := open("Tooling broken", general.ID)
		e.drain(t)
		for _, inc := range []*Incident{down, slow} {
			if _, err := e.s.Acknowledge(ctx, e.actors["ceoc"], inc.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.Resolve(ctx, e.actors["ceoc"], slow.ID); err != nil {
			t.Fatal(err)
		}
		// Same shift: nothing to hand over.
		if got, err := e.s.Handover(ctx); err != nil || len(got) != 0 {
			t.Fatalf("same shift: %+v, %v", got, err)
		}

		// 12:00: CEOC hands off to Cmoc. Two nodes sweep at once.
		clk.Advance(4 * time.Hour)
		oc[schedCEOC] = []int64{e.ids["cmoc"]}
		s2 := newStore(t, d, e.ids)
		s2.SetOnCall(oc)
		s2.SetEmergencies(tickets, nil, "")
		var wg sync.WaitGroup
		var mu sync.Mutex
		var handed []Handed
		for _, s := range []*Store{e.s, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h, err := s.Handover(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				handed = append(handed, h...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(handed) != 1 || handed[0].IncidentID != down.ID {
			t.Fatalf("hand-overs by two nodes: %+v (want incident %d once)", handed, down.ID)
		}
		got, err := e.s.Get(ctx, down.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Assignees) != 1 || got.Assignees[0] != e.ids["cmoc"] || got.Status != Acknowledged {
			t.Fatalf("after hand-over: assignees %v status %s", got.Assignees, got.Status)
		}
		tk, err := tickets.Get(ctx, downTicket)
		if err != nil {
			t.Fatal(err)
		}
		if tk.AssigneeID == nil || *tk.AssigneeID != e.ids["cmoc"] {
			t.Fatalf("ticket assignee %v, want the incoming engineer %d", tk.AssigneeID, e.ids["cmoc"])
		}
		tl, _ := e.s.Timeline(ctx, down.ID)
		if last := tl[len(tl)-1]; !strings.Contains(last.Summary, "Shift hand-over: Cmoc on call now and owns it (was Ceoc)") {
			t.Fatalf("timeline ends with %+v", last)
		}
		if n := count(t, d, "SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.handover%'"); n != 1 {
			t.Fatalf("%d hand-over emails, want 1", n)
		}
		var msg string
		if err := d.R.QueryRow("SELECT message FROM mail_outbox WHERE message_id LIKE 'frontline.handover%'").Scan(&msg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, "cmoc@example.com") || !strings.Contains(msg, "Production down") || strings.Contains(msg, "Pipelines slow") {
			t.Fatalf("hand-over email:\n%s", msg)
		}
		if g, _ := e.s.Get(ctx, other.ID); len(g.Assignees) != 1 || g.Assignees[0] != e.ids["ceoc"] {
			t.Fatalf("a general incident was handed over: %v", g.Assignees)
		}
		// Swept again: nothing more.
		if got, err := e.s.Handover(ctx); err != nil || len(got) != 0 {
			t.Fatalf("second sweep: %+v, %v", got, err)
		}
		// A gap at that level: the owner keeps it.
		oc[schedCEOC] = nil
		if got, err := e.s.Handover(ctx); err != nil || len(got) != 0 {
			t.Fatalf("gap: %+v, %v", got, err)
		}
		// The periodic wake-up job sweeps too.
		oc[schedCEOC] = []int64{e.ids["ceoc"]}
		if err := e.q.Insert(ctx, WakeArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		if g, _ := e.s.Get(ctx, down.ID); len(g.Assignees) != 1 || g.Assignees[0] != e.ids["ceoc"] {
			t.Fatalf("the wake-up job did not hand over: %v", g.Assignees)
		}
	})
}

// checkedOnCall is a fixed on-call table that also answers which schedules
// exist.
type checkedOnCall struct{ fixedOnCall }

func (c checkedOnCall) HasSchedule(_ context.Context, id int64) (bool, error) {
	_, ok := c.fixedOnCall[id]
	return ok, nil
}

// TestPolicyEditorRulesAndChatWebhooks: a policy edited to page an unknown
// schedule or a customer is refused by the rule; chat webhooks are
// created, changed (active, service) and deleted with their deliveries,
// each audited, and a bad URL or format is refused.
func TestPolicyEditorRulesAndChatWebhooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		e := setup(t, d, clk)
		e.s.SetOnCall(checkedOnCall{e.s.opt.OnCall.(fixedOnCall)})
		in := DefaultEmergencyPolicy(schedCEOC, 999, nil)
		if _, err := e.s.UpdatePolicy(ctx, audit.System(), e.policy.ID, in); err == nil || !strings.Contains(err.Error(), "schedule 999 does not exist") {
			t.Fatalf("unknown schedule: %v", err)
		}
		in = DefaultEmergencyPolicy(schedCEOC, schedSMOC, []int64{e.ids["carol"]})
		if _, err := e.s.UpdatePolicy(ctx, audit.System(), e.policy.ID, in); err == nil || !strings.Contains(err.Error(), "is not an active agent") {
			t.Fatalf("customer as target: %v", err)
		}
		in = DefaultEmergencyPolicy(schedCEOC, schedSMOC, []int64{e.ids["senior1"]})
		in.Rules[0].DelayMinutes = 5
		p, err := e.s.UpdatePolicy(ctx, e.actors["smoc"], e.policy.ID, in)
		if err != nil || p.Rules[0].DelayMinutes != 5 || len(p.Rules) != 3 {
			t.Fatalf("edit: %+v, %v", p, err)
		}

		if _, err := e.s.CreateWebhook(ctx, audit.System(), "Ops", "irc", "https://chat.example/hook", nil); err == nil {
			t.Fatal("irc format accepted")
		}
		if _, err := e.s.CreateWebhook(ctx, audit.System(), "Ops", FormatSlack, "ftp://chat.example/hook", nil); err == nil {
			t.Fatal("ftp URL accepted")
		}
		w, err := e.s.CreateWebhook(ctx, audit.System(), "Ops", FormatSlack, "https://chat.example/hook", nil)
		if err != nil {
			t.Fatal(err)
		}
		inc, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "Down", Key: "k1", Severity: 1, Urgency: "high"})
		if err != nil {
			t.Fatal(err)
		}
		e.s.StepNow(ctx, inc.ID)
		if n := count(t, d, "SELECT count(*) FROM incident_deliveries WHERE webhook_id = $1", w.ID); n == 0 {
			t.Fatal("no delivery queued for the webhook")
		}
		off, svc := false, e.svc.ID
		w2, err := e.s.UpdateWebhook(ctx, e.actors["smoc"], w.ID, WebhookChange{Active: &off, ServiceID: &svc})
		if err != nil || w2.Active || w2.ServiceID == nil || *w2.ServiceID != svc || w2.URL != w.URL {
			t.Fatalf("update: %+v, %v", w2, err)
		}
		bad := "not a url"
		if _, err := e.s.UpdateWebhook(ctx, audit.System(), w.ID, WebhookChange{URL: &bad}); err == nil {
			t.Fatal("bad URL accepted on update")
		}
		if g, _ := e.s.Webhook(ctx, w.ID); g.URL != w.URL {
			t.Fatalf("a refused update changed the URL: %q", g.URL)
		}
		// Inactive: a new step queues nothing for it.
		before := count(t, d, "SELECT count(*) FROM incident_deliveries WHERE webhook_id = $1", w.ID)
		if _, err := e.s.Acknowledge(ctx, e.actors["ceoc"], inc.ID); err != nil {
			t.Fatal(err)
		}
		if after := count(t, d, "SELECT count(*) FROM incident_deliveries WHERE webhook_id = $1", w.ID); after != before {
			t.Fatalf("inactive webhook got %d new deliveries", after-before)
		}
		if err := e.s.DeleteWebhook(ctx, e.actors["smoc"], w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Webhook(ctx, w.ID); err == nil {
			t.Fatal("deleted webhook still read")
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action LIKE 'incident_webhook.%'"); n != 3 {
			t.Fatalf("%d webhook audit entries, want 3", n)
		}
	})
}

type hiddenKey struct{}

// TestRestrictedEmergencyListedOnlyForCleared: an emergency of a ticket in
// a brand hidden from the caller is left out of List and LogEntries; the
// cleared (nothing hidden) and jobs (no caller) see it; TicketOf names its
// ticket for the web server's guard.
func TestRestrictedEmergencyListedOnlyForCleared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, d.Clock.(*clock.Fake))
		tickets := ticket.NewStore(d, audit.New(d), t.TempDir(), 1<<20)
		tk, _, err := tickets.Create(ctx, ticket.Actor{UserID: e.ids["carol"], Role: "end-user"}, ticket.CreateInput{Subject: "Enclave down", Comment: ticket.CommentInput{Body: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO brands (id, name, subdomain, restricted, created_at, updated_at) VALUES (7, 'Gov', 'gov', TRUE, 0, 0)"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "UPDATE tickets SET brand_id = 7 WHERE id = $1", tk.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tid := tk.ID
		restricted, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "Enclave down", Key: "r1", TicketID: &tid})
		if err != nil {
			t.Fatal(err)
		}
		open, _, err := e.s.Trigger(ctx, audit.System(), TriggerInput{ServiceID: e.svc.ID, Title: "Registry down", Key: "o1"})
		if err != nil {
			t.Fatal(err)
		}
		e.s.ScopeReads(func(ctx context.Context) ([]int64, error) {
			h, _ := ctx.Value(hiddenKey{}).([]int64)
			return h, nil
		})
		outsider := context.WithValue(ctx, hiddenKey{}, []int64{7})
		for _, c := range []struct {
			name string
			ctx  context.Context
			want int
		}{{"outsider", outsider, 1}, {"cleared", ctx, 2}} {
			list, total, err := e.s.List(c.ctx, Filter{})
			if err != nil || len(list) != c.want || total != c.want {
				t.Fatalf("%s: %d listed, %d total, %v (want %d)", c.name, len(list), total, err, c.want)
			}
			logs, _, err := e.s.LogEntries(c.ctx, LogFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			sawRestricted := false
			for _, l := range logs {
				sawRestricted = sawRestricted || l.IncidentID == restricted.ID
			}
			if sawRestricted != (c.name == "cleared") {
				t.Fatalf("%s: restricted incident's log entries shown: %v", c.name, sawRestricted)
			}
		}
		if got, err := e.s.TicketOf(ctx, restricted.ID); err != nil || got != tk.ID {
			t.Fatalf("TicketOf: %d %v", got, err)
		}
		if got, err := e.s.TicketOf(ctx, open.ID); err != nil || got != 0 {
			t.Fatalf("TicketOf of a monitoring incident: %d %v", got, err)
		}
	})
}
