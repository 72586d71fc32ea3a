package web

// The incident area (internal/incident) in PagerDuty's shapes: the Events
// API v2 (POST /pagerduty/v2/enqueue, authenticated by the routing key
// alone, as PagerDuty's), and the REST API v2 subset for services,
// escalation policies, incidents (acknowledge, resolve, reassign, notes)
// and log entries, under /pagerduty/ with the shared plumbing of
// api_pagerduty.go. The public status page's JSON feed is /status.json.

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
)

func (s *Server) openIncidents() {
	if s.Incidents == nil {
		// Without the app's wiring: no jobs, schedules or mail, and the
		// emergency form's ticket opens no incident (the app adds the hook).
		s.Incidents = incident.NewStore(s.DB, s.Audit, incident.Options{BaseURL: s.BaseURL, Log: s.log})
		s.Incidents.SetEmergencies(s.Tickets, nil, "")
		if s.openOnCall(); s.OnCall != nil {
			s.Incidents.SetOnCall(s.OnCall)
		}
	}
}

func (s *Server) registerIncidentAPI() {
	s.openIncidents()
	read := access.TicketsRead // every agent who works tickets may be on call
	s.handle("POST /pagerduty/v2/enqueue", Public, s.apiEnqueue)
	s.handle("GET /status.json", Public, s.apiStatus)
	s.handleNeeds("GET /pagerduty/services", Staff, read, s.pdServices)
	s.handleNeeds("GET /pagerduty/services/{id}", Staff, read, s.pdService)
	s.handleNeeds("GET /pagerduty/escalation_policies", Staff, read, s.pdPolicies)
	s.handleNeeds("GET /pagerduty/escalation_policies/{id}", Staff, read, s.pdPolicy)
	s.handleNeeds("GET /pagerduty/incidents", Staff, read, s.pdIncidents)
	s.handleNeeds("GET /pagerduty/incidents/{id}", Staff, read, s.pdIncident)
	s.handleNeeds("PUT /pagerduty/incidents/{id}", Staff, read, s.pdUpdateIncident)
	s.handleNeeds("GET /pagerduty/incidents/{id}/notes", Staff, read, s.pdNotes)
	s.handleNeeds("POST /pagerduty/incidents/{id}/notes", Staff, read, s.pdAddNote)
	s.handleNeeds("GET /pagerduty/incidents/{id}/log_entries", Staff, read, s.pdIncidentLog)
	s.handleNeeds("GET /pagerduty/log_entries", Staff, read, s.pdLogEntries)
}

// --- Events API v2 ---------------------------------------------------------------

// apiEnqueue takes one event. 202 comes only after the change committed;
// an invalid event is PagerDuty's 400 {"status":"invalid event"}.
func (s *Server) apiEnqueue(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	var ev incident.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{"Malformed JSON: " + err.Error()}})
		return nil
	}
	key, err := s.Incidents.Enqueue(r.Context(), ev)
	if err != nil {
		if !errs.Is(err, errs.KindInvalid) {
			return err
		}
		var de *errs.Error
		var list []string
		if errors.As(err, &de) {
			for f, ps := range de.Fields {
				for _, p := range ps {
					list = append(list, f+": "+p)
				}
			}
			slices.Sort(list)
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": list})
		return nil
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "success", "message": "Event processed", "dedup_key": key})
	return nil
}

// apiStatus is the public status page feed: active and recent incidents
// (7 days) with their updates, nothing internal.
func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Incidents.PublicStatus(r.Context(), 7*24*time.Hour)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=15")
	writeJSON(w, http.StatusOK, p)
	return nil
}

// --- shapes ----------------------------------------------------------------------

func (s *Server) pdRefOf(r *http.Request, typ, path string, id int64, summary string) pdRef {
	return pdRef{ID: pdID(id), Type: typ, Summary: summary, Self: s.pdSelf(r, path+"/"+pdID(id))}
}

func (s *Server) pdServiceShape(r *http.Request, svc incident.Service, policies map[int64]string, full bool) map[string]any {
	integ := map[string]any{
		"id": pdID(svc.ID), "type": "events_api_v2_inbound_integration_reference", "summary": "Events API v2",
		"self": s.pdSelf(r, "/services/"+pdID(svc.ID)+"/integrations/"+pdID(svc.ID)),
	}
	if full {
		integ["type"] = "events_api_v2_inbound_integration"
		integ["name"] = "Events API v2"
		integ["integration_key"] = svc.IntegrationKey
		integ["created_at"] = svc.CreatedAt
	}
	return map[string]any{
		"id": pdID(svc.ID), "type": "service", "summary": svc.Name, "name": svc.Name, "description": svc.Description,
		"status": "active", "created_at": svc.CreatedAt, "updated_at": svc.UpdatedAt, "self": s.pdSelf(r, "/services/"+pdID(svc.ID)),
		"html_url":                s.baseURL(r) + "/incidents?service_id=" + pdID(svc.ID),
		"escalation_policy":       s.pdRefOf(r, "escalation_policy_reference", "/escalation_policies", svc.EscalationPolicyID, policies[svc.EscalationPolicyID]),
		"integrations":            []map[string]any{integ},
		"incident_urgency_rule":   map[string]any{"type": "constant", "urgency": "high"},
		"acknowledgement_timeout": nil, "auto_resolve_timeout": nil, "alert_creation": "create_alerts_and_incidents",
		"teams": []any{},
	}
}

func (s *Server) policyNames(r *http.Request) (map[int64]string, []incident.Policy, error) {
	ps, err := s.Incidents.Policies(r.Context())
	if err != nil {
		return nil, nil, err
	}
	m := map[int64]string{}
	for _, p := range ps {
		m[p.ID] = p.Name
	}
	return m, ps, nil
}

func pdIncludes(r *http.Request, what string) bool {
	for _, k := range []string{"include[]", "include"} {
		for _, v := range r.URL.Query()[k] {
			if slices.Contains(strings.Split(v, ","), what) {
				return true
			}
		}
	}
	return false
}

func (s *Server) pdServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "include[]", "include", "query", "sort_by", "time_zone", "team_ids[]"); err != nil {
		return err
	}
	page, err := pdParsePage(q)
	if err != nil {
		return err
	}
	names, _, err := s.policyNames(r)
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return err
	}
	full := pdIncludes(r, "integrations")
	needle := strings.ToLower(q.Get("query"))
	var out []map[string]any
	for _, svc := range svcs {
		if needle != "" && !strings.Contains(strings.ToLower(svc.Name), needle) {
			continue
		}
		out = append(out, s.pdServiceShape(r, svc, names, full))
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, pdList("services", page, out))
	return nil
}

func (s *Server) pdService(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	if err := pdCheckParams(r.URL.Query(), "include[]", "include"); err != nil {
		return err
	}
	svc, err := s.Incidents.Service(r.Context(), id)
	if err != nil {
		return err
	}
	names, _, err := s.policyNames(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"service": s.pdServiceShape(r, *svc, names, pdIncludes(r, "integrations"))})
	return nil
}

// scheduleName is an on-call schedule's name for a policy target.
func (s *Server) scheduleName(r *http.Request, id int64) string {
	if s.OnCall != nil {
		if sc, err := s.OnCall.Schedule(r.Context(), id); err == nil {
			return sc.Name
		}
	}
	return "Schedule " + pdID(id)
}

func (s *Server) pdPolicyShape(r *http.Request, p incident.Policy, users map[int64]string, svcs []incident.Service) map[string]any {
	rules := []map[string]any{}
	for _, ru := range p.Rules {
		targets := []pdRef{}
		for _, t := range ru.Targets {
			if t.Kind == incident.TargetUser {
				targets = append(targets, s.pdRefOf(r, "user_reference", "/users", t.ID, users[t.ID]))
			} else {
				targets = append(targets, s.pdRefOf(r, "schedule_reference", "/schedules", t.ID, s.scheduleName(r, t.ID)))
			}
		}
		rules = append(rules, map[string]any{"id": pdID(ru.ID), "escalation_delay_in_minutes": ru.DelayMinutes, "targets": targets})
	}
	services := []pdRef{}
	for _, svc := range svcs {
		if svc.EscalationPolicyID == p.ID {
			services = append(services, s.pdRefOf(r, "service_reference", "/services", svc.ID, svc.Name))
		}
	}
	return map[string]any{
		"id": pdID(p.ID), "type": "escalation_policy", "summary": p.Name, "name": p.Name, "description": p.Description,
		"num_loops": p.NumLoops, "on_call_handoff_notifications": "if_has_services", "escalation_rules": rules,
		"services": services, "teams": []any{}, "self": s.pdSelf(r, "/escalation_policies/"+pdID(p.ID)),
		"html_url": s.baseURL(r) + "/incidents#policy-" + pdID(p.ID),
	}
}

func (s *Server) policyUsers(r *http.Request, ps []incident.Policy) (map[int64]string, error) {
	var ids []int64
	for _, p := range ps {
		for _, ru := range p.Rules {
			for _, t := range ru.Targets {
				if t.Kind == incident.TargetUser {
					ids = append(ids, t.ID)
				}
			}
		}
	}
	return s.Incidents.UserNames(r.Context(), ids)
}

func (s *Server) pdPolicies(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "query", "include[]", "include", "sort_by", "user_ids[]", "team_ids[]"); err != nil {
		return err
	}
	page, err := pdParsePage(q)
	if err != nil {
		return err
	}
	_, ps, err := s.policyNames(r)
	if err != nil {
		return err
	}
	users, err := s.policyUsers(r, ps)
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return err
	}
	needle := strings.ToLower(q.Get("query"))
	out := []map[string]any{}
	for _, p := range ps {
		if needle == "" || strings.Contains(strings.ToLower(p.Name), needle) {
			out = append(out, s.pdPolicyShape(r, p, users, svcs))
		}
	}
	writeJSON(w, http.StatusOK, pdList("escalation_policies", page, out))
	return nil
}

func (s *Server) pdPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	if err := pdCheckParams(r.URL.Query(), "include[]", "include"); err != nil {
		return err
	}
	p, err := s.Incidents.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	users, err := s.policyUsers(r, []incident.Policy{*p})
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"escalation_policy": s.pdPolicyShape(r, *p, users, svcs)})
	return nil
}

func (s *Server) pdIncidentShapes(r *http.Request, list []incident.Incident) ([]map[string]any, error) {
	var ids []int64
	for _, inc := range list {
		ids = append(ids, inc.Assignees...)
		if inc.AcknowledgedBy != nil {
			ids = append(ids, *inc.AcknowledgedBy)
		}
	}
	users, err := s.Incidents.UserNames(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	names, _, err := s.policyNames(r)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(list))
	for _, inc := range list {
		assignments := []map[string]any{}
		if inc.Status != incident.Resolved {
			for _, u := range inc.Assignees {
				assignments = append(assignments, map[string]any{"at": inc.UpdatedAt, "assignee": s.pdRefOf(r, "user_reference", "/users", u, users[u])})
			}
		}
		acks := []map[string]any{}
		if inc.Status == incident.Acknowledged && inc.AcknowledgedAt != nil {
			var by any
			if inc.AcknowledgedBy != nil {
				by = s.pdRefOf(r, "user_reference", "/users", *inc.AcknowledgedBy, users[*inc.AcknowledgedBy])
			}
			acks = append(acks, map[string]any{"at": inc.AcknowledgedAt, "acknowledger": by})
		}
		last := inc.CreatedAt
		for _, t := range []*time.Time{inc.AcknowledgedAt, inc.ResolvedAt} {
			if t != nil && t.After(last) {
				last = *t
			}
		}
		out = append(out, map[string]any{
			"id": pdID(inc.ID), "type": "incident", "summary": "[#" + pdID(inc.ID) + "] " + inc.Title, "incident_number": inc.ID,
			"title": inc.Title, "description": inc.Title, "status": inc.Status, "urgency": inc.Urgency, "incident_key": inc.IncidentKey,
			"created_at": inc.CreatedAt, "updated_at": inc.UpdatedAt, "last_status_change_at": last, "resolved_at": inc.ResolvedAt,
			"service":           s.pdRefOf(r, "service_reference", "/services", inc.ServiceID, inc.ServiceName),
			"escalation_policy": s.pdRefOf(r, "escalation_policy_reference", "/escalation_policies", inc.EscalationPolicyID, names[inc.EscalationPolicyID]),
			"assignments":       assignments, "acknowledgements": acks, "priority": nil, "teams": []any{},
			"severity": inc.Severity, "source": inc.Source, "escalation_level": inc.Level,
			"self": s.pdSelf(r, "/incidents/"+pdID(inc.ID)), "html_url": s.baseURL(r) + "/incidents/" + pdID(inc.ID),
		})
	}
	return out, nil
}

func (s *Server) pdIncidents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "statuses[]", "statuses", "incident_key", "service_ids[]", "service_ids", "since", "until", "date_range",
		"urgencies[]", "sort_by", "include[]", "include", "time_zone", "team_ids[]", "user_ids[]"); err != nil {
		return err
	}
	page, err := pdParsePage(q)
	if err != nil {
		return err
	}
	f := incident.Filter{IncidentKey: q.Get("incident_key"), Limit: page.Limit, Offset: page.Offset}
	for _, k := range []string{"statuses[]", "statuses"} {
		for _, v := range q[k] {
			for _, st := range strings.Split(v, ",") {
				if st != incident.Triggered && st != incident.Acknowledged && st != incident.Resolved {
					return errs.BadRequest("statuses must be triggered, acknowledged or resolved")
				}
				f.Statuses = append(f.Statuses, st)
			}
		}
	}
	if f.ServiceIDs, err = pdIDs(q, "service_ids"); err != nil {
		return err
	}
	if since, err := pdTime(q, "since"); err != nil {
		return err
	} else if !since.IsZero() {
		f.Since = &since
	}
	if until, err := pdTime(q, "until"); err != nil {
		return err
	} else if !until.IsZero() {
		f.Until = &until
	}
	if sb := q.Get("sort_by"); sb != "" {
		switch sb {
		case "created_at", "created_at:asc", "incident_number", "incident_number:asc":
			f.OldestFirst = true
		case "created_at:desc", "incident_number:desc":
		default:
			return errs.BadRequest("sort_by must be created_at or incident_number, :asc or :desc")
		}
	}
	list, total, err := s.Incidents.List(r.Context(), f)
	if err != nil {
		return err
	}
	shapes, err := s.pdIncidentShapes(r, list)
	if err != nil {
		return err
	}
	var tot any
	if page.Total {
		tot = total
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": shapes, "limit": page.Limit, "offset": page.Offset,
		"more": page.Offset+len(list) < total, "total": tot})
	return nil
}

func (s *Server) pdIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	if err := pdCheckParams(r.URL.Query(), "include[]", "include"); err != nil {
		return err
	}
	return s.writePDIncident(w, r, id, http.StatusOK)
}

func (s *Server) writePDIncident(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	inc, err := s.Incidents.Get(r.Context(), id)
	if err != nil {
		return err
	}
	shapes, err := s.pdIncidentShapes(r, []incident.Incident{*inc})
	if err != nil {
		return err
	}
	writeJSON(w, status, map[string]any{"incident": shapes[0]})
	return nil
}

func incidentActor(r *http.Request) audit.Actor {
	p := PrincipalFrom(r.Context())
	if p == nil {
		return audit.System()
	}
	return audit.Actor{ID: p.UserID, Role: p.Role}
}

// pdUpdateIncident is PUT /incidents/{id}: {"incident": {"type":
// "incident", "status": "acknowledged"|"resolved", "assignments": [...]}}.
func (s *Server) pdUpdateIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Type        string `json:"type"`
		Status      string `json:"status"`
		Assignments []struct {
			Assignee struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"assignee"`
		} `json:"assignments"`
	}
	if err := decodeBody(r, "incident", &in); err != nil {
		return err
	}
	if in.Type != "" && in.Type != "incident" && in.Type != "incident_reference" {
		return errs.Invalid("type", "must be incident")
	}
	ctx, actor := r.Context(), incidentActor(r)
	if len(in.Assignments) > 0 {
		var users []int64
		for _, a := range in.Assignments {
			uid, err := parseID(a.Assignee.ID)
			if err != nil {
				return errs.Invalid("assignments", "Reassign rule: an assignee is a user id")
			}
			users = append(users, uid)
		}
		if _, err := s.Incidents.Reassign(ctx, actor, id, users); err != nil {
			return err
		}
	}
	switch in.Status {
	case "":
	case incident.Acknowledged:
		_, err = s.Incidents.Acknowledge(ctx, actor, id)
	case incident.Resolved:
		_, err = s.Incidents.Resolve(ctx, actor, id)
	default:
		err = errs.Invalid("status", "Incident status rule: set acknowledged or resolved")
	}
	if err != nil {
		return err
	}
	return s.writePDIncident(w, r, id, http.StatusOK)
}

func parseID(v string) (int64, error) {
	var id int64
	if err := json.Unmarshal([]byte(v), &id); err != nil || id <= 0 {
		return 0, errs.BadRequest("not an id")
	}
	return id, nil
}

func (s *Server) pdNoteShape(r *http.Request, n incident.Note) map[string]any {
	var user any
	if n.UserID != nil {
		user = s.pdRefOf(r, "user_reference", "/users", *n.UserID, n.UserName)
	}
	return map[string]any{"id": pdID(n.ID), "user": user, "content": n.Content, "created_at": n.CreatedAt, "channel": map[string]any{"summary": "The PagerDuty website or APIs"}}
}

func (s *Server) pdNotes(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	if err := pdCheckParams(r.URL.Query()); err != nil {
		return err
	}
	if _, err := s.Incidents.Get(r.Context(), id); err != nil {
		return err
	}
	notes, err := s.Incidents.Notes(r.Context(), id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, n := range notes {
		out = append(out, s.pdNoteShape(r, n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": out})
	return nil
}

func (s *Server) pdAddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Content string `json:"content"`
	}
	if err := decodeBody(r, "note", &in); err != nil {
		return err
	}
	n, err := s.Incidents.AddNote(r.Context(), incidentActor(r), id, in.Content)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"note": s.pdNoteShape(r, *n)})
	return nil
}

func (s *Server) pdLogShape(r *http.Request, l incident.LogEntry) map[string]any {
	var agent any
	if l.UserID != nil {
		agent = s.pdRefOf(r, "user_reference", "/users", *l.UserID, l.UserName)
	}
	typ := l.Type + "_log_entry"
	switch l.Type {
	case "status_update", "reminder":
		typ = "annotate_log_entry"
	}
	return map[string]any{
		"id": pdID(l.ID), "type": typ, "summary": l.Summary, "created_at": l.CreatedAt, "agent": agent,
		"channel":  map[string]any{"type": pdOrDefault(l.Channel, "auto")},
		"incident": s.pdRefOf(r, "incident_reference", "/incidents", l.IncidentID, ""),
		"self":     s.pdSelf(r, "/log_entries/"+pdID(l.ID)),
	}
}

func pdOrDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (s *Server) pdIncidentLog(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := pdCheckParams(q, "include[]", "is_overview", "time_zone"); err != nil {
		return err
	}
	page, err := pdParsePage(q)
	if err != nil {
		return err
	}
	if _, err := s.Incidents.Get(r.Context(), id); err != nil {
		return err
	}
	tl, err := s.Incidents.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, l := range tl {
		out = append(out, s.pdLogShape(r, l))
	}
	writeJSON(w, http.StatusOK, pdList("log_entries", page, out))
	return nil
}

func (s *Server) pdLogEntries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "since", "until", "include[]", "is_overview", "time_zone", "team_ids[]"); err != nil {
		return err
	}
	page, err := pdParsePage(q)
	if err != nil {
		return err
	}
	f := incident.LogFilter{Limit: page.Limit, Offset: page.Offset}
	if since, err := pdTime(q, "since"); err != nil {
		return err
	} else if !since.IsZero() {
		f.Since = &since
	}
	if until, err := pdTime(q, "until"); err != nil {
		return err
	} else if !until.IsZero() {
		f.Until = &until
	}
	list, total, err := s.Incidents.LogEntries(r.Context(), f)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, l := range list {
		out = append(out, s.pdLogShape(r, l))
	}
	var tot any
	if page.Total {
		tot = total
	}
	writeJSON(w, http.StatusOK, map[string]any{"log_entries": out, "limit": page.Limit, "offset": page.Offset, "more": page.Offset+len(list) < total, "total": tot})
	return nil
}
