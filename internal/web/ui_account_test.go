package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
)

var setLinkRe = regexp.MustCompile(`/password/set\?token=[A-Za-z0-9_%-]+`)

// withOutbound gives the environment outbound mail (a relay and the mail
// channel with a From address).
func withOutbound(t *testing.T, e *env) *mail.Store {
	t.Helper()
	ms, err := mail.NewStore(e.srv.DB, e.tickets, e.ppl, mail.StoreConfig{Mailboxes: []mail.Mailbox{{Address: "support@example.com"}},
		From: mail.Address{Name: "Support", Email: "support@example.com"}, Outbound: true})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Mail = ms
	e.srv.Email = &EmailSettings{RelayHost: "smtp.example.com", RelayPort: 587}
	return ms
}

// TestAccountInvitation: an admin adds a user with an invitation; without
// a relay the link is shown to hand over, with one it is emailed through
// the outbox (and not shown). The link sets the password once.
func TestAccountInvitation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		add := func(name, email string) resp {
			form := formFields(t, e.do(ac, "GET", "/admin/users", nil).body, "user-form")
			form.Set("name", name)
			form.Set("email", email)
			form.Set("role", "agent")
			form.Set("invite", "on")
			return e.do(ac, "POST", "/admin/users", strings.NewReader(form.Encode()), formCT...)
		}
		r := add("Priya Patel", "priya@example.com")
		link := setLinkRe.FindString(r.body)
		if r.code != http.StatusOK || link == "" || !strings.Contains(r.body, "No outbound email") {
			t.Fatalf("invitation without a relay: %d %s", r.code, r.body)
		}
		page := e.do(nil, "GET", link, nil)
		form := formFields(t, page.body, "set-password-form")
		form.Set("password", "priya's own password")
		if r := e.do(nil, "POST", "/password/set", strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("set password: %d %s", r.code, r.body)
		}
		if _, err := e.auth.CheckPassword(context.Background(), "priya@example.com", "priya's own password", ""); err != nil {
			t.Fatalf("the invited user cannot sign in: %v", err)
		}
		if r := e.do(nil, "GET", link, nil); r.code != http.StatusNotFound {
			t.Errorf("a used link: %d", r.code)
		}

		ms := withOutbound(t, e)
		r = add("Alex Kim", "alex@example.com")
		if r.code != http.StatusOK || !strings.Contains(r.body, "invitation emailed to alex@example.com") || setLinkRe.MatchString(r.body) {
			t.Fatalf("invitation with a relay: %d %s", r.code, r.body)
		}
		q, err := ms.NoticeOutbox(context.Background(), "alex@example.com")
		if err != nil || len(q) != 1 || !setLinkRe.MatchString(q[0].Message.Text) {
			t.Fatalf("queued invitation %+v %v", q, err)
		}
	})
}

// TestAccountForgotPassword: with a relay, "forgot password" emails a
// reset link to an existing account and answers the same for an unknown
// address (nothing queued); without one it says no email can be sent.
func TestAccountForgotPassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r := e.do(nil, "GET", "/login", nil); !strings.Contains(r.body, "/password/forgot") {
			t.Fatal("no forgot-password link on /login")
		}
		ask := func(email string) resp {
			form := formFields(t, e.do(nil, "GET", "/password/forgot", nil).body, "forgot-form")
			form.Set("email", email)
			return e.do(nil, "POST", "/password/forgot", strings.NewReader(form.Encode()), formCT...)
		}
		if r := ask("agent@example.com"); !strings.Contains(r.body, "No outbound mail relay") {
			t.Errorf("without a relay: %s", r.body)
		}
		ms := withOutbound(t, e)
		known, unknown := ask("agent@example.com"), ask("nobody@example.com")
		if known.code != 200 || unknown.code != 200 || !strings.Contains(known.body, "on its way") ||
			strings.ReplaceAll(known.body, "agent@example.com", "X") != strings.ReplaceAll(unknown.body, "nobody@example.com", "X") {
			t.Errorf("answers differ:\n%s\n%s", known.body, unknown.body)
		}
		q, _ := ms.NoticeOutbox(context.Background(), "agent@example.com")
		if none, _ := ms.NoticeOutbox(context.Background(), "nobody@example.com"); len(q) != 1 || len(none) != 0 {
			t.Fatalf("queued: %d for the agent, %d for nobody", len(q), len(none))
		}
		link := setLinkRe.FindString(q[0].Message.Text)
		form := formFields(t, e.do(nil, "GET", link, nil).body, "set-password-form")
		form.Set("password", "the agent's new password")
		if r := e.do(nil, "POST", "/password/set", strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("reset: %d %s", r.code, r.body)
		}
		if _, err := e.auth.CheckPassword(context.Background(), "agent@example.com", "the agent's new password", ""); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAccountSessionsAndOneTimePassword: the account page lists the
// user's browsers and signs one out; a one-time password sends every page
// to the account page until it is changed.
func TestAccountSessionsAndOneTimePassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent := e.users[people.RoleAgent]
		here := signIn(t, e, agent.Email)
		there := signIn(t, e, agent.Email)
		page := e.do(here, "GET", "/settings/password", nil).body
		if strings.Count(page, `class="session-row"`) != 2 || !strings.Contains(page, "this browser") {
			t.Fatalf("account page sessions: %s", page)
		}
		m := regexp.MustCompile(`action="(/settings/sessions/[0-9a-f]+/end)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no sign-out button for the other browser")
		}
		form := url.Values{"csrf_token": {csrfRe.FindStringSubmatch(page)[1]}}
		if r := e.do(here, "POST", m[1], strings.NewReader(form.Encode()), formCT...); r.code != 200 || !strings.Contains(r.body, "Session signed out") {
			t.Fatalf("end session: %d %s", r.code, r.body)
		}
		if r := e.do(there, "GET", "/settings/password", nil); strings.Contains(r.body, "session-row") {
			t.Errorf("the signed-out browser still sees the account page")
		}

		if err := e.auth.RequirePasswordChange(ctx, agent.ID); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		if _, err := c.PostForm(e.ts.URL+"/login", url.Values{"email": {agent.Email}, "password": {pw}}); err != nil {
			t.Fatal(err)
		}
		r := e.do(c, "GET", "/agent/tickets", nil)
		if !strings.Contains(r.body, `id="must-change"`) {
			t.Fatalf("a one-time password reached the queue: %d %s", r.code, r.body)
		}
		page = r.body
		form = formFields(t, page, "password-form")
		form.Set("previous_password", pw)
		form.Set("password", "my very own password")
		if r := e.do(c, "POST", "/settings/password", strings.NewReader(form.Encode()), formCT...); r.code != 200 {
			t.Fatalf("change: %d %s", r.code, r.body)
		}
		if r := e.do(c, "GET", "/agent/tickets", nil); strings.Contains(r.body, `id="must-change"`) || r.code != 200 {
			t.Errorf("after the change the queue is still refused: %d", r.code)
		}
	})
}
