package web

// Setting passwords over the API, as Zendesk does: an admin sets another
// user's password (POST /api/v2/users/{id}/password), a user changes their
// own with the previous one (PUT). What else ends with the old password is
// an explicit, audited choice (auth.PasswordReset).

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
)

// passwordInput is the body of both password routes (not enveloped, as in
// Zendesk).
type passwordInput struct {
	Password *string `json:"password"`
	// PreviousPassword is the caller's current password (PUT only).
	PreviousPassword *string `json:"previous_password"`
	// EndSessions signs the user out of every browser session (POST only;
	// default true). A change of one's own password always ends the other
	// sessions.
	EndSessions *bool `json:"end_sessions"`
	// RevokeTokens deletes the user's API tokens (default false).
	RevokeTokens *bool `json:"revoke_tokens"`
}

// passwordChangeJSON reports what a password change did.
type passwordChangeJSON struct {
	UserID        int64 `json:"user_id"`
	EndSessions   bool  `json:"end_sessions"`
	RevokeTokens  bool  `json:"revoke_tokens"`
	SessionsEnded int64 `json:"sessions_ended"`
	TokensRevoked int64 `json:"tokens_revoked"`
}

func (s *Server) registerPasswordAPI() {
	s.handle("POST /api/v2/users/{id}/password", Admin, s.apiSetPassword)
	s.handle("PUT /api/v2/users/{id}/password", Authenticated, s.apiChangeOwnPassword)
}

// decodeFlat reads a JSON object body (no envelope) into dst, with
// decodeBody's errors: malformed JSON 400, a field of the wrong type 422
// naming it.
func decodeFlat(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errs.BadRequest("request body is empty; expected a JSON object")
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return jsonError(err, "")
	}
	return nil
}

func orDefault(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// apiSetPassword: an admin sets another user's password, choosing whether
// the user's sessions end (default yes) and their API tokens are revoked
// (default no).
func (s *Server) apiSetPassword(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	var in passwordInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	if id == p.UserID {
		return errs.Forbidden("change your own password with PUT /api/v2/users/%d/password and your previous_password", id)
	}
	if in.PreviousPassword != nil {
		return errs.BadRequest("previous_password is for PUT (changing your own password), not for setting another user's")
	}
	if _, err := s.People.GetUser(r.Context(), id); err != nil {
		return err
	}
	if in.Password == nil || *in.Password == "" {
		return errs.Invalid("password", "can't be blank")
	}
	reset := auth.PasswordReset{EndSessions: orDefault(in.EndSessions, true), RevokeTokens: orDefault(in.RevokeTokens, false)}
	out, err := s.Auth.ResetPassword(r.Context(), p.Actor(clientIP(r)), id, *in.Password, reset)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"password_change": passwordChangeJSON{UserID: id, EndSessions: reset.EndSessions,
		RevokeTokens: reset.RevokeTokens, SessionsEnded: out.SessionsEnded, TokensRevoked: out.TokensRevoked}})
	return nil
}

// apiChangeOwnPassword: a user changes their own password with their
// previous one; their other sessions end (the one calling, if any, stays),
// their API tokens are revoked when they ask.
func (s *Server) apiChangeOwnPassword(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	var in passwordInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	if id != p.UserID {
		return errs.Forbidden("you can only change your own password")
	}
	if in.EndSessions != nil {
		return errs.BadRequest("end_sessions cannot be chosen here: changing your own password always ends your other sessions")
	}
	prev, pw := "", ""
	if in.PreviousPassword != nil {
		prev = *in.PreviousPassword
	}
	if in.Password != nil {
		pw = *in.Password
	}
	revoke := orDefault(in.RevokeTokens, false)
	out, err := s.Auth.ChangeOwnPassword(r.Context(), p, clientIP(r), prev, pw, sessionCookie(r, p), revoke)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"password_change": passwordChangeJSON{UserID: id, EndSessions: true,
		RevokeTokens: revoke, SessionsEnded: out.SessionsEnded, TokensRevoked: out.TokensRevoked}})
	return nil
}

// sessionCookie returns the session cookie value of a caller signed in by
// session, "" otherwise.
func sessionCookie(r *http.Request, p *auth.Principal) string {
	if p == nil || p.Via != "session" {
		return ""
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func passwordAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"POST /api/v2/users/{id}/password": {summary: "Set another user's password (admins); end_sessions (default true) and revoke_tokens (default false) say what else ends",
			tag: "Users", flat: passwordInputType, result: "password_change", status200: true},
		"PUT /api/v2/users/{id}/password": {summary: "Change your own password with previous_password; your other sessions end, revoke_tokens (default false) revokes your API tokens",
			tag: "Users", flat: passwordInputType, result: "password_change"},
	}
}
