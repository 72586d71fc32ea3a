package web

// The ASE workspace: my accounts (as their ASE or cover) with open
// tickets, SLA and cadence standing, recent satisfaction, the customer's
// environment (editable, versioned) and review calls.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/team"
)

func (s *Server) registerASEUI() {
	read := access.TeamRead
	s.handleNeeds("GET /ase", Staff, read, s.aseWorkspace)
	s.handleNeeds("POST /ase/accounts/{org_id}/settings", Staff, read, s.aseSettingsForm)
	s.handleNeeds("POST /ase/accounts/{org_id}/environment", Staff, read, s.aseNoteForm)
	s.handleNeeds("POST /ase/accounts/{org_id}/calls", Staff, read, s.aseCallForm)
}

func (s *Server) aseWorkspace(w http.ResponseWriter, r *http.Request) error {
	return s.renderASE(w, r, http.StatusOK, "")
}

func (s *Server) renderASE(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	me := PrincipalFrom(ctx).UserID
	user := me
	if v := r.URL.Query().Get("user_id"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			if ok, _ := s.managesTeam(r); ok {
				user = n
			}
		}
	}
	accts, err := s.ASE.Accounts(ctx, user)
	if err != nil {
		return err
	}
	var views []*ase.AccountView
	for _, a := range accts {
		v, err := s.ASE.View(ctx, a)
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	names := map[int64]string{}
	staff, _ := s.staffNames(r)
	for id, n := range staff {
		names[id] = n
	}
	s.render(w, r, status, "ase.html", map[string]any{"Title": "My accounts", "Section": "ase", "Accounts": views, "Names": names,
		"MyID": me, "Error": problem, "Flash": flashOf(w, r), "Now": s.now()})
	return nil
}

// staffNames maps staff ids to names for the workspace's labels.
func (s *Server) staffNames(r *http.Request) (map[int64]string, error) {
	ms, err := s.Team.AllMembers(r.Context(), team.MemberFilter{})
	out := map[int64]string{}
	for _, m := range ms {
		out[m.ID] = m.Name
	}
	return out, err
}

func (s *Server) aseFormProblem(w http.ResponseWriter, r *http.Request, err error) error {
	if msg, status, ok := problemText(err); ok {
		return s.renderASE(w, r, status, msg)
	}
	return err
}

func (s *Server) aseSettingsForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	f := r.PostForm
	var in ase.AccountInput
	if v := strings.TrimSpace(f.Get("cover_user_id")); f.Has("cover_user_id") {
		n, _ := strconv.ParseInt(v, 10, 64)
		in.CoverUserID = &n
	}
	back := f.Get("return_to_ase") != ""
	in.ReturnToASE = &back
	if v := f.Get("cadence"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s.renderASE(w, r, http.StatusUnprocessableEntity, "Update cadence: a number of business days.")
		}
		in.CadenceBusinessDays = &n
	}
	if _, err := s.ASE.UpdateAccount(r.Context(), actor(r), a.OrganizationID, in); err != nil {
		return s.aseFormProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/ase#account-%d", a.OrganizationID), a.OrganizationName+": arrangement saved.")
	return nil
}

func (s *Server) aseNoteForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	f := r.PostForm
	n, err := s.ASE.AddNote(r.Context(), actor(r), a.OrganizationID, ase.NoteInput{ProductVersion: f.Get("product_version"),
		Deployment: f.Get("deployment"), Architecture: f.Get("architecture")})
	if err != nil {
		return s.aseFormProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/ase#account-%d", a.OrganizationID), fmt.Sprintf("%s: environment saved as version %d.", a.OrganizationName, n.Version))
	return nil
}

func (s *Server) aseCallForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.aseAccountFor(r, true)
	if err != nil {
		return err
	}
	f := r.PostForm
	at, err := time.Parse("2006-01-02T15:04", f.Get("scheduled_at"))
	if err != nil {
		return s.renderASE(w, r, http.StatusUnprocessableEntity, "Review call: a date and time (UTC).")
	}
	if _, err := s.ASE.AddCall(r.Context(), actor(r), a.OrganizationID, ase.CallInput{ScheduledAt: &at, Agenda: f.Get("agenda")}); err != nil {
		return s.aseFormProblem(w, r, err)
	}
	seeOther(w, r, fmt.Sprintf("/ase#account-%d", a.OrganizationID), a.OrganizationName+": review call scheduled.")
	return nil
}
