package web

// Accounts: one-time set-password links (an admin hands one over), the
// "forgot password" page, and redeeming a link.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
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
// (no account enumeration). With outbound mail on, an active account with a
// password-capable role gets a reset link by email through the outbox;
// without it, the page says what to do instead.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.sendsMail() {
		notice := "No outbound mail relay is configured, so no email can be sent: ask an administrator for a one-time set-password link (Admin → Users → the user's page)."
		s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Forgot your password?", "Mode": "done", "Notice": notice})
		return nil
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if u, err := s.People.UserByEmail(r.Context(), email); err == nil && u.Active && !u.Suspended {
		token, exp, err := s.Auth.IssuePasswordLink(r.Context(), audit.Actor{ID: u.ID, Role: u.Role, IP: clientIP(r)}, u.ID, auth.LinkReset, passwordLinkTTL)
		if err != nil {
			return err
		}
		link := s.baseURL(r) + "/password/set?token=" + url.QueryEscape(token)
		body := fmt.Sprintf("Hello %s,\n\nSomeone (we hope you) asked to reset your Frontline password. Choose a new one here:\n\n%s\n\n"+
			"The link works once, until %s. If you did not ask, ignore this email: your password stays as it is.\n",
			u.Name, link, exp.UTC().Format("2 Jan 2006 15:04 MST"))
		if err := s.Mail.QueueNotice(r.Context(), mail.Address{Name: u.Name, Email: u.Email}, "Reset your Frontline password", body); err != nil {
			return err
		}
	} else if err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	notice := "If an active account uses " + email + ", a one-time link to set a new password is on its way by email."
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Forgot your password?", "Mode": "done", "Notice": notice})
	return nil
}

// sendsMail reports whether account emails can go out (a relay and the
// mail channel).
func (s *Server) sendsMail() bool { return s.relayConfigured() && s.Mail != nil && s.Mail.Sends() }

// inviteUser gives a newly created user a one-time invitation link: by
// email through the outbox when mail goes out, otherwise on the admin's
// screen to hand over.
func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request, u *people.User) error {
	p := PrincipalFrom(r.Context())
	token, exp, err := s.Auth.IssuePasswordLink(r.Context(), p.Actor(clientIP(r)), u.ID, auth.LinkInvitation, passwordLinkTTL)
	if err != nil {
		return err
	}
	link := s.baseURL(r) + "/password/set?token=" + url.QueryEscape(token)
	if s.sendsMail() && u.Email != "" {
		body := fmt.Sprintf("Hello %s,\n\n%s invited you to Frontline. Choose your password here to sign in:\n\n%s\n\n"+
			"The link works once, until %s.\n", u.Name, p.Name, link, exp.UTC().Format("2 Jan 2006 15:04 MST"))
		if err := s.Mail.QueueNotice(r.Context(), mail.Address{Name: u.Name, Email: u.Email}, "You are invited to Frontline", body); err != nil {
			return err
		}
		seeOther(w, r, "/admin/users", "User "+u.Name+" created; invitation emailed to "+u.Email+" (the link works until "+
			exp.UTC().Format("2 Jan 15:04 MST")+").")
		return nil
	}
	s.renderPasswordLink(w, r, http.StatusOK, map[string]any{"Title": "Invitation for " + u.Name, "Mode": "issued",
		"Name": u.Name, "Link": link, "Expires": exp})
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
