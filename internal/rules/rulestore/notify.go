package rulestore

import (
	"context"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/mail"
)

// Notifier delivers a rule notification inside the transaction of the
// ticket change that caused it.
type Notifier interface {
	NotifyTx(ctx context.Context, tx *db.Tx, n Notification) error
}

// MailNotifier queues notifications in the mail channel's durable outbox
// (mail.Store.EnqueueTx) from the given sender, marked as automatic mail so
// that auto-responders stay quiet.
func MailNotifier(m *mail.Store, from mail.Address) Notifier { return mailNotifier{m: m, from: from} }

type mailNotifier struct {
	m    *mail.Store
	from mail.Address
}

func (n mailNotifier) NotifyTx(ctx context.Context, tx *db.Tx, note Notification) error {
	domain := "frontline.invalid"
	if _, d, ok := strings.Cut(n.from.Email, "@"); ok && d != "" {
		domain = d
	}
	return n.m.EnqueueTx(ctx, tx, note.TicketID, 0, &mail.Outbound{
		From:     n.from,
		To:       []mail.Address{{Email: note.Email}},
		Subject:  note.Subject,
		TicketID: note.TicketID,
		Text:     note.Body,
		// Deterministic, so a retried send keeps its ID.
		MessageID: "frontline.t" + strconv.FormatInt(note.TicketID, 10) + ".n" + strconv.FormatInt(note.ID, 10) + "@" + domain,
		Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
	})
}
