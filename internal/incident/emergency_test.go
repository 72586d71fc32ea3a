package incident

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// TestCustomerEmergency: a customer of a premium organization submits an
// emergency on a Saturday night: the ticket is urgent with a 30-minute
// calendar-time first-reply target (the SLA module's Priority Support
// policy), an incident pages CEOC, and the organization's ASE is notified
// when working (here: the finder says so). A free-tier customer is refused
// by the rule; mail to the emergency mailbox becomes an urgent emergency.
func TestCustomerEmergency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		clk.Set(time.Date(2026, 1, 10, 23, 0, 0, 0, time.UTC)) // a Saturday, 23:00 UTC
		e := setup(t, d, clk)
		al := audit.New(d)
		ps := people.NewStore(d, al)
		tickets := ticket.NewStore(d, al, t.TempDir(), 1<<20)
		slaStore := sla.NewStore(d, al)
		if _, err := slaStore.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		slaSvc := sla.NewService(slaStore, sla.Options{})
		tickets.OnPrepare(slaSvc.Prepare)
		tickets.OnChange(slaSvc.Hook)
		tickets.OnChange(e.s.TicketHook)
		aseCalls := 0
		e.s.SetEmergencies(tickets, func(_ context.Context, org int64, _ time.Time) (int64, bool) {
			aseCalls++
			return e.ids["ase"], true
		}, "emergency@example.com")
		premium, err := ps.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: sp("Acme"), Tier: sp("premium")})
		if err != nil {
			t.Fatal(err)
		}
		free, err := ps.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: sp("Hobby"), Tier: sp("free")})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(name string, org int64) ticket.Actor {
			u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp(name), Email: sp(strings.ToLower(name) + "@cust.example"), Role: sp("end-user"), OrganizationID: &org})
			if err != nil {
				t.Fatal(err)
			}
			return ticket.Actor{UserID: u.ID, Role: "end-user"}
		}
		dana, fred := mk("Dana", premium.ID), mk("Fred", free.ID)
		if _, _, err := e.s.SubmitEmergency(ctx, fred, EmergencyInput{Subject: "Down", Description: "All down"}); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Emergency rule") {
			t.Fatalf("free tier: %v", err)
		}
		tk, inc, err := e.s.SubmitEmergency(ctx, dana, EmergencyInput{Subject: "Production down", Description: "Every pipeline fails with 500."})
		if err != nil || inc == nil {
			t.Fatal(inc, err)
		}
		if tk.Priority == nil || *tk.Priority != "urgent" || inc.Severity != 1 || inc.Source != SourceEmergency || inc.TicketID == nil || *inc.TicketID != tk.ID {
			t.Fatalf("ticket %+v incident %+v", tk, inc)
		}
		ms, err := slaSvc.Metrics(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range ms {
			if m.Metric == sla.MetricFirstReplyTime {
				found = true
				if m.Target != 30 || m.BusinessHours || m.DueAt == nil || !m.DueAt.Equal(clk.Now().Add(30*time.Minute)) {
					t.Fatalf("first reply: %+v", m)
				}
			}
		}
		if !found {
			t.Fatalf("no first reply target: %+v", ms)
		}
		e.drain(t)
		if got := e.paged(t, inc.ID); fmt.Sprint(got) != "[-1000:Ase 0:Ceoc]" {
			t.Fatalf("pages: %v", got)
		}
		// The emergency mailbox: a ticket in through it becomes urgent and pages.
		tk2, _, err := tickets.Create(ctx, dana, ticket.CreateInput{Subject: "Registry down", Comment: ticket.CommentInput{Body: "x"},
			Recipient: "Emergency@example.com", Via: &ticket.Via{Channel: "email"}})
		if err != nil {
			t.Fatal(err)
		}
		tk2, err = tickets.Get(ctx, tk2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tk2.Priority == nil || *tk2.Priority != "urgent" {
			t.Fatalf("mailbox ticket: %+v", tk2)
		}
		list, _, _ := e.s.List(ctx, Filter{IncidentKey: emergencyKey(tk2.ID)})
		if len(list) != 1 {
			t.Fatalf("mailbox emergency: %+v", list)
		}
		if tl, _ := e.s.Timeline(ctx, list[0].ID); len(tl) != 3 || tl[0].Type != "trigger" || tl[1].Type != "annotate" || tl[2].Type != "notify" {
			t.Fatalf("mailbox emergency timeline (one trigger, the ASE notice): %+v", tl)
		}
		// An ordinary ticket opens nothing.
		tk3, _, err := tickets.Create(ctx, dana, ticket.CreateInput{Subject: "Question", Comment: ticket.CommentInput{Body: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if list, _, _ := e.s.List(ctx, Filter{IncidentKey: emergencyKey(tk3.ID)}); len(list) != 0 {
			t.Fatalf("ordinary ticket opened %+v", list)
		}
	})
}
