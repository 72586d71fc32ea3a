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

// The verdict on the sender is on the stored email (API) and, for an
// unverified sender, flagged on the agent's ticket page; messages refused
// with a 5xx are listed for admins with their reason and raw download.
func TestMailVerdictAndRejectedMessages(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock {
		clk = clock.NewFake(time.Now().UTC().Truncate(time.Second))
		return clk
	}, func(t *testing.T, d *db.DB) {
		e, ms := mailEnv(t, d, clk)
		ctx := context.Background()
		env := mail.Envelope{From: "zed@customer.example", To: []string{"support@example.com"}}
		raw := "From: Zed <zed@customer.example>\r\nTo: support@example.com\r\nSubject: Help\r\nMessage-ID: <help.2@customer.example>\r\n\r\nPlease help.\r\n"
		if err := ms.Deliver(ctx, env, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		ts, _ := e.tickets.List(ctx, ticket.Filter{})
		id := ts[0].ID
		r, body := e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/emails.json", id), "")
		em := body["emails"].([]any)[0].(map[string]any)
		if r.code != 200 || em["sender_auth"] != "none" || em["unverified"] != true || em["sender_auth_details"] == "" {
			t.Fatalf("email verdict: %d %v", r.code, em)
		}
		page := e.do(signIn(t, e, "agent@example.com"), "GET", fmt.Sprintf("/agent/tickets/%d", id), nil)
		if page.code != 200 || !strings.Contains(page.body, "Unverified sender") {
			t.Fatalf("ticket page: %d, flag shown: %v", page.code, strings.Contains(page.body, "Unverified sender"))
		}

		var deep strings.Builder
		deep.WriteString("From: deep@acc.example\r\nSubject: deep <b>\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
		for i := 1; i < 40; i++ {
			fmt.Fprintf(&deep, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
		}
		err := ms.Deliver(ctx, mail.Envelope{From: "deep@acc.example", To: []string{"support@example.com"}}, []byte(deep.String()))
		if err == nil || !strings.Contains(err.Error(), "deeper than") {
			t.Fatalf("deep message: %v", err)
		}
		r, body = e.api("admin", "GET", "/api/v2/rejected_emails.json?per_page=10", "")
		if r.code != 200 || body["count"] != float64(1) {
			t.Fatalf("rejected: %d %s", r.code, r.body)
		}
		rej := body["rejected_emails"].([]any)[0].(map[string]any)
		rid := int64(rej["id"].(float64))
		rawURL := fmt.Sprintf("/api/v2/rejected_emails/%d/raw", rid)
		if rej["code"] != mail.LimitMIMEDepth || rej["raw_url"] != e.ts.URL+rawURL || rej["subject"] != "deep <b>" || rej["envelope_from"] != "deep@acc.example" {
			t.Errorf("rejected email = %v", rej)
		}
		got := e.do(nil, "GET", rawURL, nil, basic("admin@example.com", pw)...)
		if got.code != 200 || got.body != deep.String() || got.hdr.Get("Content-Type") != "message/rfc822" {
			t.Fatalf("raw: %d %v", got.code, got.hdr)
		}
		if r, _ := e.api("admin", "GET", fmt.Sprintf("/api/v2/rejected_emails/%d", rid), ""); r.code != 200 || !strings.Contains(r.body, `"rejected_email"`) {
			t.Errorf("show: %d %s", r.code, r.body)
		}
		// Cursor pages, and no parameter is ignored.
		if r, body := e.api("admin", "GET", "/api/v2/rejected_emails?page[size]=1", ""); r.code != 200 || body["meta"].(map[string]any)["has_more"] != false {
			t.Errorf("cursor page: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "GET", "/api/v2/rejected_emails?code=mime-depth", ""); r.code != 400 || !strings.Contains(r.body, "code") {
			t.Errorf("unknown parameter: %d %s", r.code, r.body)
		}
		for _, role := range []string{"agent", "end-user"} {
			if r, _ := e.api(role, "GET", rawURL, ""); r.code != 403 {
				t.Errorf("%s raw = %d", role, r.code)
			}
		}
		if r, _ := e.api("admin", "GET", fmt.Sprintf("/api/v2/rejected_emails/%d/raw", rid+1), ""); r.code != 404 {
			t.Errorf("missing raw = %d", r.code)
		}

		// The admin page lists it, escaped, with a working download link.
		admin := signIn(t, e, "admin@example.com")
		p := e.do(admin, "GET", "/admin/email", nil)
		link := fmt.Sprintf("/admin/email/rejected/%d/raw", rid)
		if p.code != 200 || !strings.Contains(p.body, "mime-depth") || !strings.Contains(p.body, link) ||
			!strings.Contains(p.body, "deep &lt;b&gt;") || !strings.Contains(p.body, "from unverified senders") ||
			!strings.Contains(p.body, "<strong>unverified</strong> (none)") || !strings.Contains(p.body, fmt.Sprintf(`href="/agent/tickets/%d"`, id)) {
			t.Fatalf("admin page: %d\n%s", p.code, p.body)
		}
		if dl := e.do(admin, "GET", link, nil); dl.code != 200 || dl.body != deep.String() {
			t.Errorf("admin download: %d", dl.code)
		}
	})
}
