package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/ticket"
)

// TestEmailOverTheLimits sends mail longer than --max-comment-bytes and
// --max-subject through the real SMTP listener: it is accepted (250, so
// the sender does not retry forever), the ticket's comment is cut at the
// limit with a note, the subject is cut, and the raw message is kept whole
// for an agent to read (issue 15).
func TestEmailOverTheLimits(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			args := append([]string{"--http", "127.0.0.1:0", "--smtp", "127.0.0.1:0", "--mailboxes", "help@example.com",
				"--max-comment-bytes", "4096", "--max-subject", "30"}, databaseArgs(t, e)...)
			c, err := load(t, args, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ready := make(chan string, 1)
			done := make(chan error, 1)
			go func() { done <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
			select {
			case <-ready:
			case err := <-done:
				t.Fatalf("serve: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not start")
			}
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			var log strings.Builder
			for i := range 400 {
				fmt.Fprintf(&log, "2026-01-05 09:00:%02d ERROR connection refused (attempt %d)\r\n", i%60, i)
			}
			subject := "Production is down since the upgrade to 17.2 this morning"
			msg := "From: Kim <kim@customer.example>\r\nTo: help@example.com\r\nSubject: " + subject +
				"\r\nMessage-ID: <big.1@customer.example>\r\n\r\n" + log.String()
			if err := smtp.SendMail(a.SMTPAddr, nil, "kim@customer.example", []string{"help@example.com"}, []byte(msg)); err != nil {
				t.Fatalf("SMTP refused the long message: %v", err)
			}
			ts, err := a.Tickets.List(ctx, ticket.Filter{})
			if err != nil || len(ts) != 1 {
				t.Fatalf("tickets = %+v, %v", ts, err)
			}
			tk := ts[0]
			if tk.Subject != subject[:30] || len(tk.Description) > 4096 || !strings.HasPrefix(tk.Description, "2026-01-05 09:00:00 ERROR") ||
				!strings.Contains(tk.Description, "was cut here") {
				t.Fatalf("subject %q, description (%d bytes) ends %q", tk.Subject, len(tk.Description), tk.Description[max(0, len(tk.Description)-200):])
			}
			ems, err := a.Mail.TicketEmails(ctx, tk.ID)
			if err != nil || len(ems) != 1 {
				t.Fatalf("emails %+v %v", ems, err)
			}
			raw, err := a.Mail.RawEmail(ctx, ems[0].ID)
			if err != nil || !strings.Contains(string(raw), "(attempt 399)") {
				t.Fatalf("the raw message is not kept whole: %d bytes, %v", len(raw), err)
			}
		})
	}
}
