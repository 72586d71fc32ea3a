package web

// The Assigned Support Engineer area (internal/ase): an ASE's accounts with
// their open tickets, cadence standing, satisfaction, environment notes and
// review calls; the arrangement (cover, hand-back, cadence) set by the ASE,
// admins or team managers.

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/errs"
)

func (s *Server) registerASEAPI() {
	if s.ASE == nil {
		s.ASE = ase.NewService(s.DB, s.Audit, s.Tickets, s.Team, nil)
	}
	read := access.TeamRead
	s.handleNeeds("GET /api/v2/ase/accounts", Staff, read, s.apiASEAccounts)
	s.handleNeeds("GET /api/v2/ase/accounts/{org_id}", Staff, read, s.apiASEAccount)
	s.handleNeeds("PUT /api/v2/ase/accounts/{org_id}", Staff, read, s.apiUpdateASEAccount) // the ASE, admins, team.manage
	s.handleNeeds("GET /api/v2/ase/accounts/{org_id}/environment_notes", Staff, read, s.apiASENotes)
	s.handleNeeds("POST /api/v2/ase/accounts/{org_id}/environment_notes", Staff, read, s.apiAddASENote)
	s.handleNeeds("GET /api/v2/ase/accounts/{org_id}/review_calls", Staff, read, s.apiASECalls)
	s.handleNeeds("POST /api/v2/ase/accounts/{org_id}/review_calls", Staff, read, s.apiAddASECall)
}

func aseAPIDocs() map[string]apiDoc {
	t := "Assigned Support Engineers"
	return map[string]apiDoc{
		"GET /api/v2/ase/accounts":                             {summary: "The ASE accounts the caller leads or covers (user_id=: someone else's; every one with user_id=0, admins and team.manage)", tag: t, result: "accounts", query: []string{"user_id"}},
		"GET /api/v2/ase/accounts/{org_id}":                    {summary: "An account's workspace: arrangement, open tickets with cadence standing and next SLA breach, satisfaction of 90 days, environment, review calls", tag: t, result: "account"},
		"PUT /api/v2/ase/accounts/{org_id}":                    {summary: "Set the cover, hand-back and update cadence (business days) of an account (its ASE, admins, team.manage)", tag: t, body: "account", result: "account"},
		"GET /api/v2/ase/accounts/{org_id}/environment_notes":  {summary: "Every version of the customer's environment notes, newest first", tag: t, result: "environment_notes"},
		"POST /api/v2/ase/accounts/{org_id}/environment_notes": {summary: "Record a new version of the environment notes (version, deployment, architecture)", tag: t, body: "environment_note", result: "environment_note"},
		"GET /api/v2/ase/accounts/{org_id}/review_calls":       {summary: "Scheduled review calls", tag: t, result: "review_calls"},
		"POST /api/v2/ase/accounts/{org_id}/review_calls":      {summary: "Schedule a review call", tag: t, body: "review_call", result: "review_call"},
	}
}

func aseEnvelopes() map[string]envelope {
	return map[string]envelope{
		"accounts":          {reflect.TypeOf([]ase.Account{}), nil},
		"account":           {reflect.TypeOf(ase.AccountView{}), reflect.TypeOf(ase.AccountInput{})},
		"environment_notes": {reflect.TypeOf([]ase.Note{}), nil},
		"environment_note":  {reflect.TypeOf(ase.Note{}), reflect.TypeOf(ase.NoteInput{})},
		"review_calls":      {reflect.TypeOf([]ase.Call{}), nil},
		"review_call":       {reflect.TypeOf(ase.Call{}), reflect.TypeOf(ase.CallInput{})},
	}
}

// aseAccountFor returns an account the caller may work on: its ASE or
// cover, admins and team.manage (write); on read, also any staff member
// (the organization's page shows its ASE).
func (s *Server) aseAccountFor(r *http.Request, write bool) (*ase.Account, error) {
	id, err := pathID(r, "org_id", "organization")
	if err != nil {
		return nil, err
	}
	a, err := s.ASE.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if a.ASEUserID == nil {
		return nil, errs.NotFound("ASE account")
	}
	if !write {
		return a, nil
	}
	me := PrincipalFrom(r.Context()).UserID
	if (a.ASEUserID != nil && *a.ASEUserID == me) || (a.CoverUserID != nil && *a.CoverUserID == me) {
		return a, nil
	}
	if ok, err := s.managesTeam(r); err != nil || ok {
		return a, err
	}
	return nil, errs.Forbidden("only the account's ASE, their cover, admins and team managers change it")
}

func (s *Server) apiASEAccounts(w http.ResponseWriter, r *http.Request) error {
	user := PrincipalFrom(r.Context()).UserID
	if v := r.URL.Query().Get("user_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return errs.BadRequest("user_id: must be an id (0: every account)")
		}
		if n != user {
			if ok, err := s.managesTeam(r); err != nil || !ok {
				if err == nil {
					err = errs.Forbidden("only admins and team managers list other engineers' accounts")
				}
				return err
			}
		}
		user = n
	}
	as, err := s.ASE.Accounts(r.Context(), user)
	if err != nil {
		return err
	}
	return writeAll(w, "accounts", as)
}

func (s *Server) apiASEAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, false)
	if err != nil {
		return err
	}
	v, err := s.ASE.View(r.Context(), *a)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "account", v)
}

func (s *Server) apiUpdateASEAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	var in ase.AccountInput
	if err := decodeBody(r, "account", &in); err != nil {
		return err
	}
	if _, err := s.ASE.UpdateAccount(r.Context(), actor(r), a.OrganizationID, in); err != nil {
		return err
	}
	return s.apiASEAccount(w, r)
}

func (s *Server) apiASENotes(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, false)
	if err != nil {
		return err
	}
	ns, err := s.ASE.Notes(r.Context(), a.OrganizationID)
	if err != nil {
		return err
	}
	return writeAll(w, "environment_notes", ns)
}

func (s *Server) apiAddASENote(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	var in ase.NoteInput
	if err := decodeBody(r, "environment_note", &in); err != nil {
		return err
	}
	n, err := s.ASE.AddNote(r.Context(), actor(r), a.OrganizationID, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "environment_note", n)
}

func (s *Server) apiASECalls(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, false)
	if err != nil {
		return err
	}
	cs, err := s.ASE.Calls(r.Context(), a.OrganizationID)
	if err != nil {
		return err
	}
	return writeAll(w, "review_calls", cs)
}

func (s *Server) apiAddASECall(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	var in ase.CallInput
	if err := decodeBody(r, "review_call", &in); err != nil {
		return err
	}
	c, err := s.ASE.AddCall(r.Context(), actor(r), a.OrganizationID, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "review_call", c)
}
