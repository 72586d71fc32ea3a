package web

// Incident pages: the public status page (/status), the one-time
// acknowledge link of an email page (/incidents/ack, a confirmation page
// first so that a mail scanner fetching the link acknowledges nothing),
// the incidents list and an incident's page with its timeline, acknowledge,
// resolve, reassign, notes and CMOC status updates, and the customer
// emergency form of the portal (/portal/emergency). Customers see a banner
// on every page while a public incident is active.

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/ticket"
)

func (s *Server) registerIncidentUI() {
	s.openIncidents()
	read := access.TicketsRead
	s.handle("GET /status", Public, s.statusPage)
	s.handle("GET /incidents/ack", Public, s.ackPage)
	s.handle("POST /incidents/ack", Public, s.ackForm)
	s.handleNeeds("GET /incidents", Staff, read, s.incidentsPage)
	s.handleNeeds("GET /incidents/{id}", Staff, read, s.incidentPage)
	s.handleNeeds("POST /incidents/{id}/acknowledge", Staff, read, s.incidentAction)
	s.handleNeeds("POST /incidents/{id}/resolve", Staff, read, s.incidentAction)
	s.handleNeeds("POST /incidents/{id}/reassign", Staff, read, s.incidentAction)
	s.handleNeeds("POST /incidents/{id}/notes", Staff, read, s.incidentAction)
	s.handleNeeds("POST /incidents/{id}/updates", Staff, read, s.incidentAction)
	s.handle("GET /portal/emergency", Authenticated, s.emergencyForm)
	s.handle("POST /portal/emergency", Authenticated, s.emergencySubmit)
}

func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Incidents.PublicStatus(r.Context(), 7*24*time.Hour)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "status.html", map[string]any{"Title": "Status", "Status": p})
	return nil
}

func (s *Server) ackPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "incident_ack.html", map[string]any{"Title": "Acknowledge incident", "Token": r.URL.Query().Get("token")})
	return nil
}

func (s *Server) ackForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.BadRequest("malformed form")
	}
	inc, err := s.Incidents.AcknowledgeByToken(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		if errs.Is(err, errs.KindInvalid) {
			s.render(w, r, http.StatusUnprocessableEntity, "incident_ack.html", map[string]any{"Title": "Acknowledge incident", "Error": errMessage(err)})
			return nil
		}
		return err
	}
	s.render(w, r, http.StatusOK, "incident_ack.html", map[string]any{"Title": "Acknowledge incident", "Incident": inc})
	return nil
}

// errMessage is the message of a domain error for a page.
func errMessage(err error) string {
	var parts []string
	if de, ok := err.(*errs.Error); ok {
		for _, ps := range de.Fields {
			parts = append(parts, ps...)
		}
		if len(parts) == 0 {
			return de.Message
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	open, _, err := s.Incidents.List(ctx, incident.Filter{Statuses: []string{incident.Triggered, incident.Acknowledged}, Limit: 100})
	if err != nil {
		return err
	}
	recent, _, err := s.Incidents.List(ctx, incident.Filter{Statuses: []string{incident.Resolved}, Limit: 25})
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(ctx)
	if err != nil {
		return err
	}
	pols, err := s.Incidents.Policies(ctx)
	if err != nil {
		return err
	}
	users, err := s.policyUsers(r, pols)
	if err != nil {
		return err
	}
	schedules := map[int64]string{}
	for _, p := range pols {
		for _, ru := range p.Rules {
			for _, t := range ru.Targets {
				if t.Kind == incident.TargetSchedule {
					schedules[t.ID] = s.scheduleName(r, t.ID)
				}
			}
		}
	}
	canManage, err := s.may(r, access.TeamManage)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "incidents.html", map[string]any{"Title": "Incidents", "Open": open, "Recent": recent,
		"Services": svcs, "Policies": pols, "Users": users, "Schedules": schedules, "Now": s.now(), "Flash": flashOf(w, r),
		"ShowKeys": PrincipalFrom(ctx).IsAdmin(), "CanManage": canManage})
	return nil
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderIncident(w, r, http.StatusOK, "")
}

func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	inc, err := s.Incidents.Get(ctx, id)
	if err != nil {
		return err
	}
	tl, err := s.Incidents.Timeline(ctx, id)
	if err != nil {
		return err
	}
	notes, err := s.Incidents.Notes(ctx, id)
	if err != nil {
		return err
	}
	ups, err := s.Incidents.Updates(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.Incidents.UserNames(ctx, inc.Assignees)
	if err != nil {
		return err
	}
	staff, _ := s.staffNames(r)
	s.render(w, r, status, "incident.html", map[string]any{"Title": "Incident #" + strconv.FormatInt(id, 10), "Incident": inc,
		"Timeline": tl, "Notes": notes, "Updates": ups, "Assignees": names, "Staff": staff, "Error": problem,
		"Flash": flashOf(w, r), "Overdue": inc.Overdue(s.now()), "Cadence": incident.UpdateInterval(inc.Severity, inc.PublicState)})
	return nil
}

func (s *Server) incidentAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.BadRequest("malformed form")
	}
	actor := incidentActor(r)
	action := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	flash := ""
	switch action {
	case "acknowledge":
		_, err = s.Incidents.Acknowledge(ctx, actor, id)
		flash = "Acknowledged: escalation stopped."
	case "resolve":
		_, err = s.Incidents.Resolve(ctx, actor, id)
		flash = "Resolved."
	case "reassign":
		uid, perr := strconv.ParseInt(r.PostForm.Get("user_id"), 10, 64)
		if perr != nil {
			err = errs.Invalid("user_id", "Reassign rule: choose someone")
		} else {
			_, err = s.Incidents.Reassign(ctx, actor, id, []int64{uid})
		}
		flash = "Reassigned and paged."
	case "notes":
		_, err = s.Incidents.AddNote(ctx, actor, id, r.PostForm.Get("content"))
		flash = "Note added."
	case "updates":
		_, err = s.Incidents.PostUpdate(ctx, actor, id, r.PostForm.Get("state"), r.PostForm.Get("message"))
		flash = "Status update posted on /status."
	}
	if err != nil {
		if errs.Is(err, errs.KindInvalid) {
			return s.renderIncident(w, r, http.StatusUnprocessableEntity, errMessage(err))
		}
		return err
	}
	seeOther(w, r, "/incidents/"+strconv.FormatInt(id, 10), flash)
	return nil
}

func (s *Server) emergencyForm(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	if p.IsStaff() {
		return errs.Forbidden("the emergency form is for customers")
	}
	problem := ""
	if err := s.Incidents.CanSubmitEmergency(r.Context(), p.UserID); err != nil {
		problem = errMessage(err)
	}
	s.render(w, r, http.StatusOK, "portal_emergency.html", map[string]any{"Title": "Report an emergency", "Refused": problem})
	return nil
}

func (s *Server) emergencySubmit(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	if p.IsStaff() {
		return errs.Forbidden("the emergency form is for customers")
	}
	if err := r.ParseForm(); err != nil {
		return errs.BadRequest("malformed form")
	}
	in := incident.EmergencyInput{Subject: r.PostForm.Get("subject"), Description: r.PostForm.Get("description")}
	t, _, err := s.Incidents.SubmitEmergency(r.Context(), ticket.Actor{UserID: p.UserID, Role: p.Role}, in)
	if err != nil {
		if errs.Is(err, errs.KindInvalid) {
			s.render(w, r, http.StatusUnprocessableEntity, "portal_emergency.html", map[string]any{"Title": "Report an emergency",
				"Error": errMessage(err), "Subject": in.Subject, "Description": in.Description})
			return nil
		}
		return err
	}
	seeOther(w, r, "/portal/tickets/"+strconv.FormatInt(t.ID, 10), "Emergency received: the on-call engineer is being paged and answers within 30 minutes.")
	return nil
}

// incidentBanner is the active public incident customers see on every page.
func (s *Server) incidentBanner(r *http.Request) *incident.StatusEntry {
	if s.Incidents == nil {
		return nil
	}
	p, err := s.Incidents.PublicStatus(r.Context(), 0)
	if err != nil || len(p.Active) == 0 {
		return nil
	}
	return &p.Active[0]
}
