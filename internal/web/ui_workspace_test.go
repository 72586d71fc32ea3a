package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

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
