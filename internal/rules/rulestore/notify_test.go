package rulestore

import (
	"context"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// TestNotificationsGoToTheMailOutbox wires the real mail store: a trigger's
// notification is queued in the mail outbox in the ticket's transaction.
func TestNotificationsGoToTheMailOutbox(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk)
		ms, err := mail.NewStore(d, f.tickets, f.ps, mail.StoreConfig{From: mail.Address{Name: "Support", Email: "support@desk.example"}, Outbound: true})
		must(t, err)
		f.rs.opt.Notifier = MailNotifier(ms, mail.Address{Name: "Support", Email: "support@desk.example"})
		_, err = f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, `{"title": "Acknowledge", "active": true,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
			"actions": [{"field": "notification_user", "value": ["requester_id", "Received: {{ticket.title}}", "Hello {{ticket.requester.name}}, we got ticket {{ticket.id}}."]}]}`))
		must(t, err)
		tk, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "Slow queries", Comment: ticket.CommentInput{Body: "help"}})
		must(t, err)
		out, err := ms.TicketOutbox(ctx, tk.ID)
		must(t, err)
		var mine []mail.OutboxEntry
		for _, e := range out {
			if strings.Contains(e.MessageID, ".n") {
				mine = append(mine, e)
			}
		}
		if len(mine) != 1 || mine[0].Status != "pending" || len(mine[0].Message.To) != 1 || mine[0].Message.To[0].Email != "dan@example.com" ||
			mine[0].Message.Subject != "Received: Slow queries" || mine[0].Message.Headers["Auto-Submitted"] != "auto-generated" {
			t.Fatalf("outbox: %+v", out)
		}
		ns, err := f.rs.TicketNotifications(ctx, tk.ID)
		must(t, err)
		if len(ns) != 1 || ns[0].Status != "sent" || !strings.Contains(ns[0].Body, "Dan Onprem") {
			t.Fatalf("notification log: %+v", ns)
		}
		if p, _ := f.rs.PendingNotifications(ctx, 0, 10); len(p) != 0 {
			t.Fatalf("handed-over notification still pending: %+v", p)
		}
	})
}

// TestNotificationDescriptionIsWhatTheCustomerSees: {{ticket.description}}
// renders the first public comment, so a ticket opened with an internal
// note never mails that note to the requester (or to a webhook).
func TestNotificationDescriptionIsWhatTheCustomerSees(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk)
		ms, err := mail.NewStore(d, f.tickets, f.ps, mail.StoreConfig{From: mail.Address{Name: "Support", Email: "support@desk.example"}, Outbound: true})
		must(t, err)
		f.rs.opt.Notifier = MailNotifier(ms, mail.Address{Name: "Support", Email: "support@desk.example"})
		_, err = f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, `{"title": "Echo", "active": true,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
			"actions": [{"field": "notification_user", "value": ["requester_id", "About {{ticket.title}}", "You wrote: [{{ticket.description}}]"]}]}`))
		must(t, err)
		internal := false
		tk, _, err := f.tickets.Create(ctx, f.alice, ticket.CreateInput{Subject: "Call notes", RequesterID: f.smCus.UserID,
			Comment: ticket.CommentInput{Body: "zqinternalmarker customer sounded annoyed", Public: &internal}})
		must(t, err)
		ns, err := f.rs.TicketNotifications(ctx, tk.ID)
		must(t, err)
		if len(ns) != 1 {
			t.Fatalf("notifications: %+v", ns)
		}
		if strings.Contains(ns[0].Body, "zqinternalmarker") || !strings.Contains(ns[0].Body, "You wrote: []") {
			t.Fatalf("internal first comment mailed to the requester: %q", ns[0].Body)
		}
	})
}
