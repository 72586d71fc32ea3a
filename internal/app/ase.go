package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/mail"
)

// openASE wires the Assigned Support Engineer workflows: routing of new
// tickets (a ticket hook, after the team area it reads availability from)
// and the reminders, emailed through the outbox when a sender address is
// configured.
func (a *App) openASE() {
	a.ASE = ase.NewService(a.DB, a.Audit, a.Tickets, a.Team, a.aseReminder())
	a.Tickets.OnChange(a.ASE.Hook)
}

// aseReminder emails the ASE (or the cover holding the ticket) that an
// agreed update is overdue; nil when no sender address is configured (the
// reminder is then recorded and shown on the workspace only).
func (a *App) aseReminder() ase.Reminder {
	from := a.Config.MailFrom
	if from.Email == "" && len(a.Config.Mailboxes) > 0 {
		from = mail.Address{Email: a.Config.Mailboxes[0].Address}
	}
	if from.Email == "" || a.Mail == nil {
		return nil
	}
	domain := from.Email[strings.LastIndexByte(from.Email, '@')+1:]
	return func(ctx context.Context, tx *db.Tx, ticketID, userID int64, st ase.CadenceState) error {
		var name, email string
		if err := tx.QueryRowContext(ctx, "SELECT name, email FROM users WHERE id = $1", userID).Scan(&name, &email); err != nil {
			return err
		}
		m := &mail.Outbound{From: from, To: []mail.Address{{Name: name, Email: email}}, TicketID: ticketID,
			Subject: fmt.Sprintf("Update overdue on ticket #%d", ticketID),
			Text: fmt.Sprintf("The update cadence agreed with this customer makes a public update on ticket #%d due at %s (last public update %s).\n\n%s/agent/tickets/%d\n",
				ticketID, st.DueAt.UTC().Format("2006-01-02 15:04 UTC"), st.LastPublicUpdate.UTC().Format("2006-01-02 15:04 UTC"), a.Config.BaseURL, ticketID),
			MessageID: "frontline.ase." + strconv.FormatInt(ticketID, 10) + "." + strconv.FormatInt(st.DueAt.Unix(), 10) + "@" + domain,
			Headers:   map[string]string{"Auto-Submitted": "auto-generated"}, Date: tx.Now}
		return a.Mail.EnqueueTx(ctx, tx, ticketID, 0, m)
	}
}
