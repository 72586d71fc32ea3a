package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// TestWorkspaceSLASortOnEveryBuiltinView: sorting any built-in view by the
// next SLA breach lists its tickets (it gave a 422 page, "a view needs at
// least one condition", on "All tickets" and "Pending tickets").
func TestWorkspaceSLASortOnEveryBuiltinView(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.customerTicket(e.users[people.RoleEndUser], "Sorted by SLA", "help")
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		for _, v := range builtinViews() {
			for _, dir := range []string{"asc", "desc"} {
				r := e.do(ac, "GET", "/agent/tickets?view="+v.Key+"&sort=sla_due&dir="+dir, nil)
				if r.code != http.StatusOK {
					t.Errorf("view %s sorted by SLA %s: %d %s", v.Key, dir, r.code, r.body)
				}
			}
		}
		if r := e.do(ac, "GET", "/agent/tickets?view=all&sort=sla_due", nil); !strings.Contains(r.body, "Sorted by SLA") {
			t.Errorf("All tickets sorted by SLA does not list the ticket")
		}
	})
}

// TestWorkspaceSubmitAs: the composer offers Submit as Open / Pending /
// On-hold / Solved; a public reply submitted as Pending sets the status
// with the reply (there were no such buttons), and an unknown status is
// refused.
func TestWorkspaceSubmitAs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tk := e.customerTicket(e.users[people.RoleEndUser], "Submit as", "help")
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		path := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		page := e.do(ac, "GET", path, nil).body
		for _, b := range []string{"submit-as-open", "submit-as-pending", "submit-as-hold", "submit-as-solved"} {
			if !strings.Contains(page, `id="`+b+`"`) {
				t.Errorf("composer has no %s button", b)
			}
		}
		form := formFields(t, page, "update-form")
		form.Set("body", "We are on it.")
		form.Set("submit_as", "pending")
		if r := e.do(ac, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusOK {
			t.Fatalf("submit as pending: %d %s", r.code, r.body)
		}
		got, _ := e.tickets.Get(ctx, tk.ID)
		if got.Status != "pending" {
			t.Fatalf("after a public reply submitted as Pending the ticket is %q", got.Status)
		}
		form = formFields(t, e.do(ac, "GET", path, nil).body, "update-form")
		form.Set("submit_as", "closed")
		if r := e.do(ac, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Fatalf("submit as closed: %d, want 422", r.code)
		}
	})
}

// TestWorkspaceReplyFlashSaysWhatHappens: with no outbound relay the page
// does not claim a reply was emailed; with one it says so.
func TestWorkspaceReplyFlashSaysWhatHappens(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tk := e.customerTicket(e.users[people.RoleEndUser], "Relay", "help")
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		path := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		reply := func(text string) string {
			t.Helper()
			page := e.do(ac, "GET", path, nil).body
			form := formFields(t, page, "update-form")
			form.Set("body", text)
			return e.do(ac, "POST", path, strings.NewReader(form.Encode()), formCT...).body
		}
		if page := e.do(ac, "GET", path, nil).body; strings.Contains(page, "Public replies are emailed") {
			t.Errorf("composer says replies are emailed with no relay configured")
		}
		body := reply("first")
		if strings.Contains(body, "Reply sent") || strings.Contains(body, "emailed to the requester") || !strings.Contains(body, "not emailed") {
			t.Errorf("flash with no relay does not say the reply was not emailed")
		}
		e.srv.Email = &EmailSettings{RelayHost: "smtp.example.com", RelayPort: 587}
		if body := reply("second"); !strings.Contains(body, "emailed to the requester") {
			t.Errorf("flash with a relay does not say the reply was emailed")
		}
	})
}

// TestWorkspaceUnknownURLStyled: an unknown URL answers the styled error
// page (404, HTML, with the top bar for a signed-in user); API paths keep
// their JSON 404.
func TestWorkspaceUnknownURLStyled(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.do(nil, "GET", "/no/such/page", nil)
		if r.code != http.StatusNotFound || !strings.Contains(r.body, "<html") || strings.Contains(r.body, "404 page not found") {
			t.Fatalf("anonymous unknown URL: %d %s", r.code, r.body)
		}
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		if r := e.do(ac, "GET", "/agent/nothing-here", nil); r.code != http.StatusNotFound || !strings.Contains(r.body, "Sign out") {
			t.Fatalf("signed-in unknown URL: %d", r.code)
		}
		if r := e.do(nil, "GET", "/api/v2/nothing", nil); r.code != http.StatusNotFound || !strings.Contains(r.body, "RecordNotFound") {
			t.Fatalf("API unknown path: %d %s", r.code, r.body)
		}
	})
}

// TestWorkspacePasswordLink: the sign-in page offers "forgot password"
// (which says what really happens with no relay); an admin's one-time
// set-password link sets the password once, then is spent; an unknown
// link is refused; a customer cannot create links.
func TestWorkspacePasswordLink(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r := e.do(nil, "GET", "/login", nil); !strings.Contains(r.body, `href="/password/forgot"`) {
			t.Fatalf("no forgot-password link on /login")
		}
		if r := e.do(nil, "POST", "/password/forgot", strings.NewReader("email=agent%40example.com"), formCT...); r.code != 200 || !strings.Contains(r.body, "No outbound mail relay is configured") {
			t.Fatalf("forgot: %d %s", r.code, r.body)
		}
		cust := e.users[people.RoleEndUser]
		cc := signIn(t, e, cust.Email)
		path := fmt.Sprintf("/admin/users/%d/password-link", cust.ID)
		csrf := func(c *http.Client) string {
			m := csrfRe.FindStringSubmatch(e.do(c, "GET", "/settings/tokens", nil).body)
			if m == nil {
				t.Fatal("no csrf")
			}
			return m[1]
		}
		if r := e.do(cc, "POST", path, strings.NewReader("csrf_token="+csrf(cc)), formCT...); r.code != http.StatusForbidden {
			t.Fatalf("customer creates a link: %d", r.code)
		}
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		r := e.do(ac, "POST", path, strings.NewReader("csrf_token="+csrf(ac)), formCT...)
		m := regexp.MustCompile(`/password/set\?token=([A-Za-z0-9_%-]+)`).FindStringSubmatch(r.body)
		if r.code != 200 || m == nil {
			t.Fatalf("admin link: %d %s", r.code, r.body)
		}
		token, _ := url.QueryUnescape(m[1])
		if r := e.do(nil, "GET", "/password/set?token="+url.QueryEscape(token), nil); r.code != 200 || !strings.Contains(r.body, "set-password-form") {
			t.Fatalf("set page: %d", r.code)
		}
		set := func(tok, pass string) resp {
			return e.do(nil, "POST", "/password/set", strings.NewReader(url.Values{"token": {tok}, "password": {pass}}.Encode()), formCT...)
		}
		if r := set(token, "short"); r.code != http.StatusUnprocessableEntity {
			t.Fatalf("short password: %d", r.code)
		}
		if r := set(token, "a brand new long password"); r.code != http.StatusSeeOther && r.code != 200 {
			t.Fatalf("redeem: %d %s", r.code, r.body)
		}
		if _, err := e.auth.CheckPassword(context.Background(), cust.Email, "a brand new long password", "127.0.0.1"); err != nil {
			t.Fatalf("new password does not work: %v", err)
		}
		if r := set(token, "yet another long password"); r.code != http.StatusNotFound {
			t.Fatalf("link used twice: %d", r.code)
		}
		if r := e.do(nil, "GET", "/password/set?token=guessed", nil); r.code != http.StatusNotFound {
			t.Fatalf("unknown link: %d", r.code)
		}
		e.clk.Advance(passwordLinkTTL + time.Second)
		tok2, _, err := e.auth.IssuePasswordLink(context.Background(), audit.System(), cust.ID, "invitation", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(2 * time.Hour)
		if r := set(tok2, "expired link password"); r.code != http.StatusNotFound {
			t.Fatalf("expired link: %d", r.code)
		}
	})
}

// TestWorkspaceTopBar: a customer's top bar has no "API tokens" link (the
// page stays reachable), an agent's has no "Portal" link.
func TestWorkspaceTopBar(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		nav := func(body string) string {
			i := strings.Index(body, `<nav aria-label="Main"`)
			j := strings.Index(body[i:], "</nav>")
			return body[i : i+j]
		}
		cc := signIn(t, e, e.users[people.RoleEndUser].Email)
		if n := nav(e.do(cc, "GET", "/portal", nil).body); strings.Contains(n, "/settings/tokens") || !strings.Contains(n, "My requests") {
			t.Errorf("customer top bar: %s", n)
		}
		ac := signIn(t, e, e.users[people.RoleAgent].Email)
		if n := nav(e.do(ac, "GET", "/agent/tickets", nil).body); strings.Contains(n, `href="/portal"`) || !strings.Contains(n, "/settings/tokens") {
			t.Errorf("agent top bar: %s", n)
		}
	})
}

// TestWorkspaceDeactivateAsksFirst: the Deactivate button leads to a
// confirmation page; only its confirm button deactivates.
func TestWorkspaceDeactivateAsksFirst(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		m := csrfRe.FindStringSubmatch(e.do(ac, "GET", "/admin/users", nil).body)
		if m == nil {
			t.Fatal("no csrf")
		}
		agent := e.users[people.RoleAgent]
		path := fmt.Sprintf("/admin/users/%d", agent.ID)
		r := e.do(ac, "POST", path, strings.NewReader("action=deactivate&csrf_token="+url.QueryEscape(m[1])), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "confirm-yes") {
			t.Fatalf("deactivate without confirmation: %d", r.code)
		}
		if u, _ := e.ppl.GetUser(ctx, agent.ID); !u.Active {
			t.Fatal("deactivated without confirmation")
		}
		form := formFields(t, r.body, "confirm-form")
		e.do(ac, "POST", path, strings.NewReader(form.Encode()), formCT...)
		if u, _ := e.ppl.GetUser(ctx, agent.ID); u.Active {
			t.Fatal("confirmed deactivation did not deactivate")
		}
	})
}
