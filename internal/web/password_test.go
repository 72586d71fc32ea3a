package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// resetChoice is what a password reset ends besides the old password.
type resetChoice struct{ endSessions, revokeTokens bool }

// passwordResetPath is one way to set a user's password: by an admin (for
// someone else, choosing what ends) or by the user themself (other
// sessions always end; tokens as chosen).
type passwordResetPath struct {
	name string
	self bool
	// reset sets target's password from old to newPW; caller is the
	// target's own signed-in browser on self paths, an admin's otherwise.
	reset func(t *testing.T, e *env, caller *http.Client, target *people.User, old, newPW string, c resetChoice) resp
}

func formPost(t *testing.T, e *env, c *http.Client, page, action string, v url.Values) resp {
	t.Helper()
	m := csrfRe.FindStringSubmatch(e.do(c, "GET", page, nil).body)
	if m == nil {
		t.Fatalf("no CSRF token on %s", page)
	}
	v.Set("csrf_token", m[1])
	nr := &http.Client{Jar: c.Jar, CheckRedirect: noRedirect().CheckRedirect}
	return e.do(nr, "POST", action, strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded")
}

func checkbox(v url.Values, name string, on bool) {
	if on {
		v.Set(name, "on")
	}
}

func passwordResetPaths() []passwordResetPath {
	return []passwordResetPath{
		{"admin form", false, func(t *testing.T, e *env, admin *http.Client, u *people.User, old, newPW string, c resetChoice) resp {
			v := url.Values{"password": {newPW}}
			checkbox(v, "end_sessions", c.endSessions)
			checkbox(v, "revoke_tokens", c.revokeTokens)
			return formPost(t, e, admin, fmt.Sprintf("/admin/users/%d/tokens", u.ID), fmt.Sprintf("/admin/users/%d/password", u.ID), v)
		}},
		{"admin API", false, func(t *testing.T, e *env, _ *http.Client, u *people.User, old, newPW string, c resetChoice) resp {
			body := fmt.Sprintf(`{"password":%q,"end_sessions":%t,"revoke_tokens":%t}`, newPW, c.endSessions, c.revokeTokens)
			return e.do(nil, "POST", fmt.Sprintf("/api/v2/users/%d/password.json", u.ID), strings.NewReader(body),
				append(basic("admin@example.com", pw), "Content-Type", "application/json")...)
		}},
		{"self-service form", true, func(t *testing.T, e *env, own *http.Client, u *people.User, old, newPW string, c resetChoice) resp {
			v := url.Values{"previous_password": {old}, "password": {newPW}}
			checkbox(v, "revoke_tokens", c.revokeTokens)
			return formPost(t, e, own, "/settings/password", "/settings/password", v)
		}},
		{"self-service API", true, func(t *testing.T, e *env, _ *http.Client, u *people.User, old, newPW string, c resetChoice) resp {
			body := fmt.Sprintf(`{"previous_password":%q,"password":%q,"revoke_tokens":%t}`, old, newPW, c.revokeTokens)
			return e.do(nil, "PUT", fmt.Sprintf("/api/v2/users/%d/password.json", u.ID), strings.NewReader(body),
				append(basic(u.Email, old), "Content-Type", "application/json")...)
		}},
	}
}

// TestPasswordResetChoices is the class test over every way a password is
// set over HTTP: what ends with the old password (browser sessions, API
// tokens) is the caller's explicit choice, does exactly that, and is in
// the audit log; a self-service change always ends the user's other
// sessions and keeps the browser that made it.
func TestPasswordResetChoices(t *testing.T) {
	for _, p := range passwordResetPaths() {
		t.Run(p.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				ctx := context.Background()
				admin := signIn(t, e, "admin@example.com")
				choices := []resetChoice{{false, false}, {true, false}, {false, true}, {true, true}}
				if p.self {
					choices = []resetChoice{{true, false}, {true, true}}
				}
				for i, c := range choices {
					name, email, role := fmt.Sprintf("Reset %d", i), fmt.Sprintf("reset%d@example.com", i), people.RoleAgent
					u, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
					if err != nil {
						t.Fatal(err)
					}
					if err := e.auth.SetPassword(ctx, audit.System(), u.ID, pw); err != nil {
						t.Fatal(err)
					}
					elsewhere := signIn(t, e, email) // a browser somewhere else
					own := signIn(t, e, email)       // the browser making a self-service change
					token, _, err := e.auth.CreateAPIToken(ctx, audit.System(), u.ID, "script")
					if err != nil {
						t.Fatal(err)
					}
					caller := admin
					if p.self {
						caller = own
					}
					newPW := fmt.Sprintf("the new password %d", i)
					r := p.reset(t, e, caller, u, pw, newPW, c)
					if r.code != http.StatusOK && r.code != http.StatusSeeOther {
						t.Fatalf("%+v: reset answered %d %s", c, r.code, r.body)
					}
					works := func(c *http.Client, hdr ...string) bool {
						return e.do(c, "GET", "/api/v2/users/me.json", nil, hdr...).code == http.StatusOK
					}
					if got := works(elsewhere); got == c.endSessions {
						t.Errorf("%+v: a session elsewhere still works: %v", c, got)
					}
					if p.name == "self-service form" && !works(own) {
						t.Errorf("%+v: the browser that changed its password was signed out", c)
					}
					if got := works(nil, "Authorization", "Bearer "+token); got == c.revokeTokens {
						t.Errorf("%+v: the API token still works: %v", c, got)
					}
					// (checked without a client address, so that the failures of
					// this table do not add up against the test's one address)
					if _, err := e.auth.CheckPassword(ctx, email, pw, ""); err == nil {
						t.Errorf("%+v: the old password still works", c)
					}
					if _, err := e.auth.CheckPassword(ctx, email, newPW, ""); err != nil {
						t.Errorf("%+v: the new password does not work: %v", c, err)
					}
					entries, err := e.srv.Audit.List(ctx, audit.Filter{ObjectType: "user", ObjectID: u.ID})
					if err != nil {
						t.Fatal(err)
					}
					var after map[string]any
					for _, en := range entries { // newest first
						if en.Action == "user.password_changed" {
							_ = json.Unmarshal(en.After, &after)
							break
						}
					}
					if after["end_sessions"] != c.endSessions || after["revoke_tokens"] != c.revokeTokens ||
						after["self_service"] != p.self {
						t.Errorf("%+v: audited %v", c, after)
					}
				}
			})
		})
	}
}

// TestPasswordResetRefusals: who may set whose password, and bad input.
func TestPasswordResetRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		json := []string{"Content-Type", "application/json"}
		adm, agent, cust := e.users[people.RoleAdmin], e.users[people.RoleAgent], e.users[people.RoleEndUser]
		cases := []struct {
			name, method, path, user, body string
			code                           int
			want                           string
		}{
			{"agent sets another's password", "POST", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), agent.Email, `{"password":"a brand new password"}`, 403, "Forbidden"},
			{"admin sets their own without the old one", "POST", fmt.Sprintf("/api/v2/users/%d/password", adm.ID), adm.Email, `{"password":"a brand new password"}`, 403, "Forbidden"},
			{"customer changes another's", "PUT", fmt.Sprintf("/api/v2/users/%d/password", agent.ID), cust.Email, `{"previous_password":"` + pw + `","password":"a brand new password"}`, 403, "Forbidden"},
			{"wrong previous password", "PUT", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), cust.Email, `{"previous_password":"not it at all","password":"a brand new password"}`, 422, "previous_password"},
			{"missing previous password", "PUT", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), cust.Email, `{"password":"a brand new password"}`, 422, "previous_password"},
			{"too short", "POST", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), adm.Email, `{"password":"short"}`, 422, "too short"},
			{"end_sessions not a boolean", "POST", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), adm.Email, `{"password":"a brand new password","end_sessions":"yes"}`, 422, "end_sessions"},
			{"revoke_tokens not a boolean", "PUT", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), cust.Email, `{"previous_password":"` + pw + `","password":"a brand new password","revoke_tokens":1}`, 422, "revoke_tokens"},
			{"no such user", "POST", "/api/v2/users/999999/password", adm.Email, `{"password":"a brand new password"}`, 404, "RecordNotFound"},
			{"malformed JSON", "POST", fmt.Sprintf("/api/v2/users/%d/password", cust.ID), adm.Email, `{"password":`, 400, "InvalidParameters"},
		}
		for _, tc := range cases {
			r := e.do(nil, tc.method, tc.path, strings.NewReader(tc.body), append(basic(tc.user, pw), json...)...)
			if r.code != tc.code || !strings.Contains(r.body, tc.want) {
				t.Errorf("%s: %d %s; want %d with %q", tc.name, r.code, r.body, tc.code, tc.want)
			}
		}
		// Nothing above changed a password.
		for _, u := range []*people.User{adm, agent, cust} {
			if r := e.do(nil, "GET", "/api/v2/users/me", nil, basic(u.Email, pw)...); r.code != 200 {
				t.Errorf("%s's password changed: %d", u.Email, r.code)
			}
		}
		// The admin form refuses the admin's own account (the self-service
		// page asks for the current password).
		admin := signIn(t, e, adm.Email)
		r := formPost(t, e, admin, fmt.Sprintf("/admin/users/%d/tokens", adm.ID), fmt.Sprintf("/admin/users/%d/password", adm.ID),
			url.Values{"password": {"a brand new password"}, "end_sessions": {"on"}})
		if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "/settings/password") {
			t.Errorf("admin form on own account: %d %.300s", r.code, r.body)
		}
		// A wrong current password on the self-service form is shown, not applied.
		own := signIn(t, e, agent.Email)
		r = formPost(t, e, own, "/settings/password", "/settings/password", url.Values{"previous_password": {"not it at all"}, "password": {"a brand new password"}})
		if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Previous password: is incorrect") {
			t.Errorf("wrong current password on the form: %d %.300s", r.code, r.body)
		}
	})
}
