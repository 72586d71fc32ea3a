package web

// Password pages: a user changes their own password (/settings/password);
// an admin sets another user's (/admin/users/{id}/password, on the user's
// sign-in page beside their API tokens), choosing what else ends.

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
)

// formBool reads a checkbox: absent or "off"/"false"/"0" is false, "on"/
// "true"/"1" is true, anything else a 400 naming it.
func formBool(r *http.Request, name string) (bool, error) {
	switch v := r.PostFormValue(name); v {
	case "", "off", "false", "0":
		return false, nil
	case "on", "true", "1":
		return true, nil
	default:
		return false, errs.BadRequest("%s must be on or off, not %q", name, v)
	}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPassword(w, r, http.StatusOK, "")
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	p := PrincipalFrom(r.Context())
	sessions, err := s.Auth.CountSessions(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	tokens, err := s.Auth.ListAPITokens(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	list, err := s.accountSessions(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, status, "password.html", map[string]any{"Title": "Your account", "OtherSessions": max(sessions-1, 0),
		"Tokens": len(tokens), "Error": problem, "Flash": flashOf(w, r), "MinLen": auth.MinPasswordLen,
		"Sessions": list, "MustChange": p.MustChangePassword})
	return nil
}

// changePassword changes the caller's own password: the current one is
// required, their other sessions end, this browser stays signed in, and
// their API tokens are revoked when they tick the box.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	revoke, err := formBool(r, "revoke_tokens")
	if err != nil {
		return err
	}
	out, err := s.Auth.ChangeOwnPassword(r.Context(), p, clientIP(r), r.PostFormValue("previous_password"),
		r.PostFormValue("password"), sessionCookie(r, p), revoke)
	if errs.Is(err, errs.KindRateLimited) {
		w.Header().Set("Retry-After", retryAfterSeconds(err))
		return s.renderPassword(w, r, http.StatusTooManyRequests, err.Error())
	}
	if err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderPassword(w, r, status, msg) })
	}
	msg := fmt.Sprintf("Password changed. %s signed out", plural(out.SessionsEnded, "other session", "other sessions"))
	if revoke {
		msg += fmt.Sprintf("; %s revoked", plural(out.TokensRevoked, "API token", "API tokens"))
	}
	seeOther(w, r, "/settings/password", msg+".")
	return nil
}

// adminSetPassword sets another user's password; the form says whether
// their sessions end and their API tokens are revoked.
func (s *Server) adminSetPassword(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.People.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	if id == p.UserID {
		return s.renderAdminUserTokens(w, r, http.StatusUnprocessableEntity, u,
			"To change your own password use /settings/password (it asks for your current one).")
	}
	end, err := formBool(r, "end_sessions")
	if err != nil {
		return err
	}
	revoke, err := formBool(r, "revoke_tokens")
	if err != nil {
		return err
	}
	out, err := s.Auth.ResetPassword(r.Context(), p.Actor(clientIP(r)), id, r.PostFormValue("password"),
		auth.PasswordReset{EndSessions: end, RevokeTokens: revoke})
	if err != nil {
		return showProblem(err, func(status int, msg string) error { return s.renderAdminUserTokens(w, r, status, u, msg) })
	}
	msg := "Password of " + u.Name + " set"
	if end {
		msg += "; " + plural(out.SessionsEnded, "session", "sessions") + " signed out"
	} else {
		msg += "; sessions kept"
	}
	if revoke {
		msg += "; " + plural(out.TokensRevoked, "API token", "API tokens") + " revoked"
	} else {
		msg += "; API tokens kept"
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"/tokens", msg+".")
	return nil
}
