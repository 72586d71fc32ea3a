package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// mailEnv is the test server with the email channel wired in.
func mailEnv(t *testing.T, d *db.DB, clk *clock.Fake) (*env, *mail.Store) {
	t.Helper()
	a := audit.New(d)
	ppl := people.NewStore(d, a)
	as := auth.NewService(d, a, auth.Options{Params: auth.TestParams(), Limiter: auth.NewLimiter(clk, 5, 15*time.Minute)})
	tickets := ticket.NewStore(d, a, t.TempDir(), 1<<20)
	ms, err := mail.NewStore(d, tickets, ppl, mail.StoreConfig{
		Mailboxes: []mail.Mailbox{{Address: "support@example.com"}},
		From:      mail.Address{Email: "support@example.com"}, Outbound: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{DB: d, Auth: as, People: ppl, Tickets: tickets, Mail: ms, Version: "test", MaxBodyBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &env{t: t, srv: srv, ts: ts, ppl: ppl, tickets: tickets, auth: as, clk: clk, users: map[string]*people.User{}}
	for _, role := range []string{people.RoleEndUser, people.RoleAgent, people.RoleAdmin} {
		name, email, r := "The "+role, role+"@example.com", role
		u, err := ppl.CreateUser(context.Background(), audit.System(), people.UserInput{Name: &name, Email: &email, Role: &r})
		if err != nil {
			t.Fatal(err)
		}
		if err := as.SetPassword(context.Background(), audit.System(), u.ID, pw); err != nil {
			t.Fatal(err)
		}
		e.users[role] = u
	}
	return e, ms
}

func TestMailAPIRawEmailForAgentsOnly(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock {
		clk = clock.NewFake(time.Now().UTC().Truncate(time.Second))
		return clk
	}, func(t *testing.T, d *db.DB) {
		e, ms := mailEnv(t, d, clk)
		raw := "From: Zed <zed@customer.example>\r\nTo: support@example.com\r\nSubject: Help\r\nMessage-ID: <help.1@customer.example>\r\n\r\nPlease help.\r\n"
		if err := ms.Deliver(context.Background(), mail.Envelope{From: "zed@customer.example", To: []string{"support@example.com"}}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		ts, err := e.tickets.List(context.Background(), ticket.Filter{})
		if err != nil || len(ts) != 1 {
			t.Fatalf("tickets: %v %v", ts, err)
		}
		id := ts[0].ID

		r, body := e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/emails.json", id), "")
		if r.code != 200 {
			t.Fatalf("emails: %d %s", r.code, r.body)
		}
		list := body["emails"].([]any)
		if len(list) != 1 {
			t.Fatalf("emails = %s", r.body)
		}
		em := list[0].(map[string]any)
		eid := int64(em["id"].(float64))
		rawURL := fmt.Sprintf("/api/v2/tickets/%d/emails/%d/raw", id, eid)
		if em["message_id"] != "help.1@customer.example" || em["raw_url"] != e.ts.URL+rawURL || em["from_email"] != "zed@customer.example" {
			t.Errorf("email = %v", em)
		}

		got := e.do(nil, "GET", rawURL, nil, basic("agent@example.com", pw)...)
		if got.code != 200 || got.body != raw || got.hdr.Get("Content-Type") != "message/rfc822" ||
			!strings.Contains(got.hdr.Get("Content-Disposition"), fmt.Sprintf("ticket-%d-email-%d.eml", id, eid)) {
			t.Fatalf("raw: %d %q %v", got.code, got.body, got.hdr)
		}

		// An agent's public reply shows up in the outbox listing.
		pub := true
		if _, _, err := e.tickets.Update(context.Background(), ticket.Actor{UserID: e.users["agent"].ID, Role: "agent"}, id,
			ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "On it.", Public: &pub}}); err != nil {
			t.Fatal(err)
		}
		r, body = e.api("admin", "GET", fmt.Sprintf("/api/v2/tickets/%d/outbound_emails", id), "")
		if r.code != 200 || !strings.Contains(r.body, `"status":"pending"`) || !strings.Contains(r.body, "zed@customer.example") ||
			!strings.Contains(r.body, fmt.Sprintf("Re: Help [#%d]", id)) {
			t.Fatalf("outbound: %d %s", r.code, r.body)
		}

		for _, tc := range []struct {
			role, path string
			code       int
		}{
			{"end-user", rawURL, 403},
			{"end-user", fmt.Sprintf("/api/v2/tickets/%d/emails", id), 403},
			{"agent", fmt.Sprintf("/api/v2/tickets/%d/emails/%d/raw", id+1, eid), 404},
			{"agent", fmt.Sprintf("/api/v2/tickets/%d/emails/%d/raw", id, eid+1), 404},
			{"agent", "/api/v2/tickets/999/emails", 404},
		} {
			if r, _ := e.api(tc.role, "GET", tc.path, ""); r.code != tc.code {
				t.Errorf("%s GET %s = %d, want %d", tc.role, tc.path, r.code, tc.code)
			}
		}
		if r := e.do(nil, "GET", rawURL, nil); r.code != 401 {
			t.Errorf("anonymous raw = %d", r.code)
		}
	})
}
