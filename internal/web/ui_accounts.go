package web

// Accounts: one-time set-password links (an admin hands one over), the
// "forgot password" page, and redeeming a link.

import (
	"net/http"
	"net/url"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
)

// passwordLinkTTL is how long a set-password link works.
const passwordLinkTTL = 72 * time.Hour

func (s *Server) registerAccountsUI() {
	s.handle("GET /password/forgot", Public, s.forgotPage)
	s.handle("POST /password/forgot", Public, s.forgotSubmit)
	s.handle("GET /password/set", Public, s.setPasswordPage)
	s.handle("POST /password/set", Public, s.setPasswordSubmit)
	s.handle("POST /admin/users/{id}/password-link", Admin, s.adminPasswordLink)
}

func (s *Server) renderPasswordLink(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	data["MinLen"] = auth.MinPasswordLen
	s.render(w, r, status, "password_link.html", data)
}

func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) error {
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Forgot your password?", "Mode": "forgot"})
	return nil
}

// forgotSubmit answers the same whether or not the address has an account
// (no account enumeration). Frontline does not email reset links yet, so it
// says what to do instead.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	notice := "Frontline does not email password resets: ask an administrator for a one-time set-password link (Admin → Users → the user's page)."
	if !s.relayConfigured() {
		notice = "No outbound mail relay is configured, so no email can be sent: ask an administrator for a one-time set-password link (Admin → Users → the user's page)."
	}
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Forgot your password?", "Mode": "done", "Notice": notice})
	return nil
}

func (s *Server) setPasswordPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if _, _, err := s.Auth.PasswordLinkUser(r.Context(), token); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			s.renderPasswordLink(w, r, http.StatusNotFound, map[string]any{"Title": "Set your password", "Mode": "done",
				"Error": "This link is unknown, used or expired. Ask an administrator for a new one."})
			return nil
		}
		return err
	}
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Set your password", "Mode": "set", "Token": token})
	return nil
}

func (s *Server) setPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	if _, err := s.Auth.RedeemPasswordLink(r.Context(), token, r.PostFormValue("password"), clientIP(r)); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			s.renderPasswordLink(w, r, http.StatusNotFound, map[string]any{"Title": "Set your password", "Mode": "done",
				"Error": "This link is unknown, used or expired. Ask an administrator for a new one."})
			return nil
		}
		return showProblem(err, func(status int, msg string) error {
			s.renderPasswordLink(w, r, status, map[string]any{"Title": "Set your password", "Mode": "set", "Token": token, "Error": msg})
			return nil
		})
	}
	seeOther(w, r, "/login", "Password set. Sign in with it.")
	return nil
}

// adminPasswordLink creates a one-time set-password link for a user and
// shows it for the admin to hand over (no email is sent).
func (s *Server) adminPasswordLink(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	token, exp, err := s.Auth.IssuePasswordLink(r.Context(), p.Actor(clientIP(r)), id, auth.LinkInvitation, passwordLinkTTL)
	if err != nil {
		return err
	}
	link := s.baseURL(r) + "/password/set?token=" + url.QueryEscape(token)
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Set-password link", "Mode": "issued",
		"Name": u.Name, "Link": link, "Expires": exp})
	return nil
}
