package web

// The account page (/settings/password): a user changes their password and
// sees and ends their browser sessions. A session whose password is the
// first admin's one-time password is sent there before anything else.

import (
	"net/http"

	"github.com/frontline/frontline/internal/auth"
)

func (s *Server) registerAccountUI() {
	s.handle("POST /settings/sessions/{sid}/end", Authenticated, s.endOwnSession)
}

// oneTimePasswordAllows lists the pages a user who must change their
// one-time password may still open.
func oneTimePasswordAllows(path string) bool {
	switch path {
	case "/settings/password", "/settings/sessions/{sid}/end", "/logout", "/login", "/static/":
		return true
	}
	return false
}

// mustChangePassword sends a user with a one-time password to change it.
func mustChangePassword(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		seeOther(w, r, "/settings/password", "Your password is a one-time password: choose your own before you continue.")
		return
	}
	http.Error(w, "change your one-time password first (/settings/password)", http.StatusForbidden)
}

// accountSessions lists the caller's sessions for the account page.
func (s *Server) accountSessions(r *http.Request, p *auth.Principal) ([]auth.SessionInfo, error) {
	return s.Auth.ListSessions(r.Context(), p.UserID, sessionCookie(r, p))
}

// endOwnSession signs out one of the caller's other browsers.
func (s *Server) endOwnSession(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	if err := s.Auth.EndSession(r.Context(), p.Actor(clientIP(r)), p.UserID, r.PathValue("sid")); err != nil {
		return err
	}
	seeOther(w, r, "/settings/password", "Session signed out.")
	return nil
}
