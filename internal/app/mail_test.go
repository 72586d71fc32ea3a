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

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/mail/mailtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func TestParseMailboxes(t *testing.T) {
	got, err := ParseMailboxes(" Support@Example.com=Support , security@example.com=7,billing@example.com,gov@example.com=Government#USGov,fed@example.com#2")
	if err != nil {
		t.Fatal(err)
	}
	want := []mail.Mailbox{{Address: "support@example.com", Group: "Support"}, {Address: "security@example.com", GroupID: 7}, {Address: "billing@example.com"},
		{Address: "gov@example.com", Group: "Government", Brand: "usgov"}, {Address: "fed@example.com", Brand: "2"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %+v", got)
	}
	for _, bad := range []string{"support", "a@x.com,a@x.com", "a+tag@x.com", "Name <a@x.com>"} {
		if _, err := ParseMailboxes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := load(t, []string{"--relay-tls", "sometimes"}, nil); err == nil || !strings.Contains(err.Error(), "invalid relay-tls") {
		t.Errorf("relay-tls: %v", err)
	}
	if _, err := load(t, []string{"--imap", "pop3://u:topsecret@host"}, nil); err == nil || strings.Contains(err.Error(), "topsecret") ||
		!strings.Contains(err.Error(), "invalid imap") {
		t.Errorf("imap error must name the setting and hide the password: %v", err)
	}
	if c, err := load(t, []string{"--imap", "imaps://u:p@imap.example.com/Support", "--imap-interval", "30s"}, nil); err != nil ||
		c.IMAP == nil || c.IMAP.Addr != "imap.example.com:993" || c.IMAP.Folder != "Support" || c.IMAPInterval != 30*time.Second {
		t.Errorf("imap: %+v %v", c.IMAP, err)
	}
	c, err := load(t, []string{"--mail-from", "Help Desk <Help@Example.com>"}, nil)
	if err != nil || c.MailFrom != (mail.Address{Name: "Help Desk", Email: "help@example.com"}) || c.SMTPAddr != "127.0.0.1:2525" {
		t.Errorf("mail-from: %+v %v", c.MailFrom, err)
	}
}

// TestServeRunsTheEmailChannel: serve listens for SMTP, turns mail into a
// ticket, and sends an agent's public reply through the configured relay.
func TestServeRunsTheEmailChannel(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			relay := mailtest.NewRelay(t)
			args := append([]string{"--http", "127.0.0.1:0", "--smtp", "127.0.0.1:0", "--mailboxes", "help@example.com",
				"--relay-host", relay.Host(), "--relay-port", fmt.Sprint(relay.Port()), "--relay-tls", "none"}, databaseArgs(t, e)...)
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

			msg := "From: Kim <kim@customer.example>\r\nTo: help@example.com\r\nSubject: Broken login\r\nMessage-ID: <login.1@customer.example>\r\n\r\nI cannot sign in.\r\n"
			if err := smtp.SendMail(a.SMTPAddr, nil, "kim@customer.example", []string{"help@example.com"}, []byte(msg)); err != nil {
				t.Fatalf("SMTP: %v", err)
			}
			ts, err := a.Tickets.List(ctx, ticket.Filter{})
			if err != nil || len(ts) != 1 || ts[0].Subject != "Broken login" || ts[0].Via.Channel != "email" {
				t.Fatalf("tickets = %+v, %v", ts, err)
			}
			name, email, role := "Agent", "agent@example.com", people.RoleAgent
			agent, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				t.Fatal(err)
			}
			pub := true
			if _, _, err := a.Tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, ts[0].ID,
				ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "Reset your password.", Public: &pub}}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for len(relay.Messages()) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			ms := relay.Messages()
			if len(ms) != 1 || strings.Join(ms[0].To, ",") != "kim@customer.example" {
				t.Fatalf("relay got %d messages", len(ms))
			}
			in, err := mail.Parse(ms[0].Raw)
			if err != nil || in.InReplyTo != "login.1@customer.example" || !strings.Contains(in.Text, "Reset your password.") ||
				in.From.Email != "help@example.com" {
				t.Fatalf("sent = %+v, %v", in, err)
			}
		})
	}
}
