package web

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// SLA API: business-hours schedules (Zendesk /api/v2/business_hours), SLA
// policies (/api/v2/slas/policies), a ticket's metrics
// (/api/v2/tickets/{id}/metrics) with Frontline's per-target "sla" block,
// breach events and achievement reports. Without Deps.SLAService the
// routes answer 404.

func (s *Server) registerSLAAPI() {
	if s.SLA == nil && s.SLAService != nil {
		s.SLA = slaBadges{svc: s.SLAService, now: s.now}
	}
	schedules, policies := s.scheduleAPI(), s.slaPolicyAPI()
	s.handle("GET /api/v2/business_hours/schedules", Staff, s.withSLA(s.apiListSchedules))
	s.handle("GET /api/v2/business_hours/schedules/{id}", Staff, s.withSLA(schedules.show))
	s.handle("POST /api/v2/business_hours/schedules", Admin, s.withSLA(schedules.createOne))
	s.handle("PUT /api/v2/business_hours/schedules/{id}", Admin, s.withSLA(schedules.updateOne))
	s.handle("PUT /api/v2/business_hours/schedules/{id}/workweek", Admin, s.withSLA(s.apiUpdateWorkweek))
	s.handle("DELETE /api/v2/business_hours/schedules/{id}", Admin, s.withSLA(schedules.deleteOne))
	s.handle("GET /api/v2/business_hours/schedules/{id}/holidays", Staff, s.withSLA(s.apiListHolidays))
	s.handle("GET /api/v2/business_hours/schedules/{id}/holidays/{hid}", Staff, s.withSLA(s.apiShowHoliday))
	s.handle("POST /api/v2/business_hours/schedules/{id}/holidays", Admin, s.withSLA(s.apiCreateHoliday))
	s.handle("PUT /api/v2/business_hours/schedules/{id}/holidays/{hid}", Admin, s.withSLA(s.apiUpdateHoliday))
	s.handle("DELETE /api/v2/business_hours/schedules/{id}/holidays/{hid}", Admin, s.withSLA(s.apiDeleteHoliday))
	s.handle("GET /api/v2/slas/policies", Staff, s.withSLA(s.apiListPolicies))
	s.handle("GET /api/v2/slas/policies/{id}", Staff, s.withSLA(policies.show))
	s.handle("POST /api/v2/slas/policies", Admin, s.withSLA(policies.createOne))
	s.handle("PUT /api/v2/slas/policies/reorder", Admin, s.withSLA(s.apiReorderPolicies))
	s.handle("PUT /api/v2/slas/policies/{id}", Admin, s.withSLA(policies.updateOne))
	s.handle("DELETE /api/v2/slas/policies/{id}", Admin, s.withSLA(policies.deleteOne))
	s.handle("GET /api/v2/slas/reports/achievements", Staff, s.withSLA(s.apiSLAReport))
	s.handle("GET /api/v2/tickets/{id}/metrics", Authenticated, s.withSLA(s.apiTicketMetrics))
	s.handle("GET /api/v2/tickets/{id}/sla_events", Staff, s.withSLA(s.apiTicketSLAEvents))
}

// withSLA serves h when this server has an SLA service and answers 404
// without one; h may use s.SLAService and slaStore.
func (s *Server) withSLA(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := s.slaService(); err != nil {
			return err
		}
		return h(w, r)
	}
}

// slaStore is the SLA service's store (behind withSLA; the service may be
// set after the routes are registered).
func (s *Server) slaStore() *sla.Store { return s.SLAService.Store }

// --- schedules ---------------------------------------------------------------------

func (s *Server) apiListSchedules(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.slaStore().ListSchedules(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "schedules", ss)
}

// scheduleInput is the body of POST/PUT schedule: Zendesk creates a new
// schedule open Monday to Friday 09:00-17:00 unless intervals are given.
type scheduleInput struct {
	Name      *string         `json:"name"`
	TimeZone  *string         `json:"time_zone"`
	Intervals *[]sla.Interval `json:"intervals"`
}

// newSchedule is the schedule a POST creates.
func (in scheduleInput) newSchedule() sla.Schedule {
	sch := sla.Schedule{Intervals: sla.OfficeHours(9*60, 17*60, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)}
	if in.Name != nil {
		sch.Name = *in.Name
	}
	if in.TimeZone != nil {
		sch.TimeZone = *in.TimeZone
	}
	if in.Intervals != nil {
		sch.Intervals = *in.Intervals
	}
	return sch
}

func (s *Server) scheduleAPI() recordAPI[scheduleInput, sla.Schedule, sla.Schedule] {
	return recordAPI[scheduleInput, sla.Schedule, sla.Schedule]{key: "schedule",
		get: func(ctx context.Context, id int64) (*sla.Schedule, error) { return s.slaStore().GetSchedule(ctx, id) },
		create: func(ctx context.Context, a audit.Actor, in scheduleInput) (*sla.Schedule, error) {
			return s.slaStore().CreateSchedule(ctx, a, in.newSchedule())
		},
		update: func(ctx context.Context, a audit.Actor, id int64, in scheduleInput) (*sla.Schedule, error) {
			return s.slaStore().UpdateSchedule(ctx, a, id, sla.ScheduleInput{Name: in.Name, TimeZone: in.TimeZone, Intervals: in.Intervals})
		},
		del: func(ctx context.Context, a audit.Actor, id int64) error {
			return s.slaStore().DeleteSchedule(ctx, a, id)
		},
		view: asStored[sla.Schedule]}
}

// apiUpdateWorkweek is Zendesk's PUT .../workweek {"workweek": {"intervals": [...]}}.
func (s *Server) apiUpdateWorkweek(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	var in struct {
		Intervals *[]sla.Interval `json:"intervals"`
	}
	if err := decodeBody(r, "workweek", &in); err != nil {
		return err
	}
	if in.Intervals == nil {
		return errs.Invalid("workweek.intervals", "is required")
	}
	out, err := s.slaStore().UpdateSchedule(r.Context(), actor(r), id, sla.ScheduleInput{Intervals: in.Intervals})
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "workweek", map[string]any{"intervals": out.Intervals})
}

// --- holidays ----------------------------------------------------------------------

// holidayIDs reads the {id} schedule and, unless only the schedule is
// wanted, the {hid} holiday of a holiday route.
func holidayIDs(r *http.Request, withHoliday bool) (scheduleID, holidayID int64, err error) {
	if scheduleID, err = pathID(r, "id", "schedule"); err != nil || !withHoliday {
		return scheduleID, 0, err
	}
	holidayID, err = pathID(r, "hid", "holiday")
	return scheduleID, holidayID, err
}

func (s *Server) apiListHolidays(w http.ResponseWriter, r *http.Request) error {
	id, _, err := holidayIDs(r, false)
	if err != nil {
		return err
	}
	hs, err := s.slaStore().Holidays(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "holidays", hs)
}

func (s *Server) apiShowHoliday(w http.ResponseWriter, r *http.Request) error {
	id, hid, err := holidayIDs(r, true)
	if err != nil {
		return err
	}
	h, err := s.slaStore().GetHoliday(r.Context(), id, hid)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "holiday", h)
}

func (s *Server) apiCreateHoliday(w http.ResponseWriter, r *http.Request) error {
	id, _, err := holidayIDs(r, false)
	if err != nil {
		return err
	}
	var in sla.Holiday
	if err := decodeBody(r, "holiday", &in); err != nil {
		return err
	}
	h, err := s.slaStore().CreateHoliday(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "holiday", h)
}

func (s *Server) apiUpdateHoliday(w http.ResponseWriter, r *http.Request) error {
	id, hid, err := holidayIDs(r, true)
	if err != nil {
		return err
	}
	cur, err := s.slaStore().GetHoliday(r.Context(), id, hid)
	if err != nil {
		return err
	}
	in := *cur // fields not sent are kept
	if err := decodeBody(r, "holiday", &in); err != nil {
		return err
	}
	h, err := s.slaStore().UpdateHoliday(r.Context(), actor(r), id, hid, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "holiday", h)
}

func (s *Server) apiDeleteHoliday(w http.ResponseWriter, r *http.Request) error {
	id, hid, err := holidayIDs(r, true)
	if err != nil {
		return err
	}
	if err := s.slaStore().DeleteHoliday(r.Context(), actor(r), id, hid); err != nil {
		return err
	}
	return writeNoContent(w)
}

// --- policies ----------------------------------------------------------------------

type slaPolicyJSON struct {
	sla.Policy
	URL string `json:"url"`
}

func (s *Server) slaPolicyView(r *http.Request, p sla.Policy) slaPolicyJSON {
	return slaPolicyJSON{Policy: p, URL: s.baseURL(r) + "/api/v2/slas/policies/" + strconv.FormatInt(p.ID, 10) + ".json"}
}

// newPolicy is the policy a POST creates.
func newPolicy(in sla.PolicyInput) sla.Policy {
	var p sla.Policy
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Position != nil {
		p.Position = *in.Position
	}
	if in.Filter != nil {
		p.Filter = *in.Filter
	}
	if in.PolicyMetrics != nil {
		p.PolicyMetrics = *in.PolicyMetrics
	}
	return p
}

func (s *Server) slaPolicyAPI() recordAPI[sla.PolicyInput, sla.Policy, slaPolicyJSON] {
	return recordAPI[sla.PolicyInput, sla.Policy, slaPolicyJSON]{key: "sla_policy",
		get: func(ctx context.Context, id int64) (*sla.Policy, error) { return s.slaStore().GetPolicy(ctx, id) },
		create: func(ctx context.Context, a audit.Actor, in sla.PolicyInput) (*sla.Policy, error) {
			return s.slaStore().CreatePolicy(ctx, a, newPolicy(in))
		},
		update: func(ctx context.Context, a audit.Actor, id int64, in sla.PolicyInput) (*sla.Policy, error) {
			return s.slaStore().UpdatePolicy(ctx, a, id, in)
		},
		del:  func(ctx context.Context, a audit.Actor, id int64) error { return s.slaStore().DeletePolicy(ctx, a, id) },
		view: s.slaPolicyView}
}

func (s *Server) apiListPolicies(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.slaStore().ListPolicies(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "sla_policies", viewAll(r, ps, s.slaPolicyView))
}

// apiReorderPolicies is Zendesk's PUT /api/v2/slas/policies/reorder with
// {"sla_policy_ids": [3, 1, 2]}.
func (s *Server) apiReorderPolicies(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		IDs *[]int64 `json:"sla_policy_ids"`
	}
	if _, err := readJSON(r, &in, "sla_policy_ids"); err != nil {
		return err
	}
	if in.IDs == nil {
		return errs.BadRequest("request body must be a JSON object with a %q array", "sla_policy_ids")
	}
	ps, err := s.slaStore().ReorderPolicies(r.Context(), actor(r), *in.IDs)
	if err != nil {
		return err
	}
	return writeAll(w, "sla_policies", viewAll(r, ps, s.slaPolicyView))
}

// --- ticket metrics and events -------------------------------------------------------

// ticketMetricJSON is Zendesk's ticket_metric object plus Frontline's "sla"
// block (the active policy's targets, evaluated at the request).
type ticketMetricJSON struct {
	ID        int64     `json:"id"`
	TicketID  int64     `json:"ticket_id"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	sla.ZendeskMetrics
	SLA *sla.View `json:"sla"`
}

func (s *Server) apiTicketMetrics(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	m, err := s.ticketMetric(r, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_metric": m})
	return nil
}

// ticketMetric is t's metric set, evaluated now (the SLA service must run).
func (s *Server) ticketMetric(r *http.Request, t *ticket.Ticket) (ticketMetricJSON, error) {
	v, err := s.SLAService.View(r.Context(), t.ID)
	if err != nil {
		return ticketMetricJSON{}, err
	}
	return ticketMetricJSON{
		ID: t.ID, TicketID: t.ID, URL: s.baseURL(r) + "/api/v2/tickets/" + strconv.FormatInt(t.ID, 10) + "/metrics.json",
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, ZendeskMetrics: v.Zendesk, SLA: v,
	}, nil
}

func (s *Server) apiTicketSLAEvents(w http.ResponseWriter, r *http.Request) error {
	svc := s.SLAService
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	evs, err := svc.Events(r.Context(), t.ID)
	if err != nil {
		return err
	}
	hist, err := svc.Achievements(r.Context(), t.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sla_events": evs, "sla_achievements": hist})
	return nil
}

// apiSLAReport counts achieved and breached metric cycles per policy and
// metric, completed in [start_time, end_time) (Unix seconds; default the
// last 30 days).
func (s *Server) apiSLAReport(w http.ResponseWriter, r *http.Request) error {
	svc := s.SLAService
	now := s.now()
	from, to := now.Add(-30*24*time.Hour), now.Add(time.Second)
	for name, dst := range map[string]*time.Time{"start_time": &from, "end_time": &to} {
		if v := strings.TrimSpace(r.URL.Query().Get(name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return errs.Invalid(name, "must be a Unix time in seconds")
			}
			*dst = time.Unix(n, 0).UTC()
		}
	}
	rows, err := svc.Summary(r.Context(), from, to)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []sla.SummaryRow{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sla_achievements": rows, "start_time": from.Unix(), "end_time": to.Unix()})
	return nil
}

// --- UI badges ---------------------------------------------------------------------

// slaBadges serves the agent UI's SLA badges from the SLA service.
type slaBadges struct {
	svc *sla.Service
	now func() time.Time
}

var slaMetricLabels = map[string]string{
	sla.MetricFirstReplyTime:     "first reply",
	sla.MetricNextReplyTime:      "next reply",
	sla.MetricPeriodicUpdateTime: "periodic update",
	sla.MetricPausableUpdateTime: "pausable update",
	sla.MetricRequesterWaitTime:  "requester wait",
	sla.MetricAgentWorkTime:      "agent work",
}

func (b slaBadges) SLABadges(ctx context.Context, ids []int64) (map[int64][]SLABadge, error) {
	running, err := b.svc.Running(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]SLABadge{}
	for id, ms := range running {
		for _, m := range ms {
			badge := SLABadge{Metric: slaMetricLabels[m.Metric], Breached: m.Status == string(sla.StageBreached), Paused: m.Status == string(sla.StagePaused)}
			switch {
			case m.DueAt != nil:
				badge.DueAt = *m.DueAt
			case badge.Paused:
				// Time left when the clock resumes.
				badge.DueAt = b.now().Add(time.Duration(m.Target-m.ElapsedMinutes) * time.Minute)
			}
			out[id] = append(out[id], badge)
		}
	}
	return out, nil
}

// slaService is the SLA service, or a 404 when this server has none.
func (s *Server) slaService() (*sla.Service, error) {
	if s.SLAService == nil {
		return nil, errs.NotFound("route")
	}
	return s.SLAService, nil
}

// slaAPIDocs are the OpenAPI notes of the SLA routes.
func slaAPIDocs() map[string]apiDoc {
	sched, pol := "Business hours", "SLA policies"
	return map[string]apiDoc{
		"GET /api/v2/business_hours/schedules":                        {summary: "List business-hours schedules (the first is the default; a region_<name> ticket tag or a group named after a schedule picks another)", tag: sched, result: "schedules"},
		"GET /api/v2/business_hours/schedules/{id}":                   {summary: "Show a schedule with its intervals and holidays", tag: sched, result: "schedule"},
		"POST /api/v2/business_hours/schedules":                       {summary: "Create a schedule (Monday-Friday 09:00-17:00 unless intervals are given)", tag: sched, body: "schedule", result: "schedule"},
		"PUT /api/v2/business_hours/schedules/{id}":                   {summary: "Update a schedule's name, time zone or intervals", tag: sched, body: "schedule", result: "schedule"},
		"PUT /api/v2/business_hours/schedules/{id}/workweek":          {summary: "Replace a schedule's weekly intervals (minutes since Sunday 00:00)", tag: sched, body: "workweek", result: "workweek"},
		"DELETE /api/v2/business_hours/schedules/{id}":                {summary: "Delete a schedule", tag: sched},
		"GET /api/v2/business_hours/schedules/{id}/holidays":          {summary: "A schedule's holidays", tag: sched, result: "holidays"},
		"GET /api/v2/business_hours/schedules/{id}/holidays/{hid}":    {summary: "Show a holiday", tag: sched, result: "holiday"},
		"POST /api/v2/business_hours/schedules/{id}/holidays":         {summary: "Add a holiday", tag: sched, body: "holiday", result: "holiday"},
		"PUT /api/v2/business_hours/schedules/{id}/holidays/{hid}":    {summary: "Update a holiday", tag: sched, body: "holiday", result: "holiday"},
		"DELETE /api/v2/business_hours/schedules/{id}/holidays/{hid}": {summary: "Delete a holiday", tag: sched},
		"GET /api/v2/slas/policies":                                   {summary: "List SLA policies in evaluation order", tag: pol, result: "sla_policies"},
		"GET /api/v2/slas/policies/{id}":                              {summary: "Show an SLA policy", tag: pol, result: "sla_policy"},
		"POST /api/v2/slas/policies":                                  {summary: "Create an SLA policy (filter all/any, policy_metrics)", tag: pol, body: "sla_policy", result: "sla_policy"},
		"PUT /api/v2/slas/policies/reorder":                           {summary: "Set the evaluation order: sla_policy_ids lists every policy", tag: pol, result: "sla_policies"},
		"PUT /api/v2/slas/policies/{id}":                              {summary: "Update an SLA policy", tag: pol, body: "sla_policy", result: "sla_policy"},
		"DELETE /api/v2/slas/policies/{id}":                           {summary: "Delete an SLA policy", tag: pol},
		"GET /api/v2/slas/reports/achievements":                       {summary: "Achieved and breached metric cycles per policy and metric (Unix start_time/end_time)", tag: pol, result: "sla_achievements", query: []string{"start_time", "end_time"}},
		"GET /api/v2/tickets/{id}/metrics":                            {summary: "A ticket's metrics (Zendesk ticket_metric) with its SLA targets, time left and status", tag: "Tickets", result: "ticket_metric"},
		"GET /api/v2/tickets/{id}/sla_events":                         {summary: "A ticket's SLA breach and warning events and achievement history", tag: "Tickets", result: "sla_events"},
	}
}

// slaEnvelopes are the JSON envelope types of the SLA routes.
func slaEnvelopes() map[string]envelope {
	return map[string]envelope{
		"schedule": {reflect.TypeOf(sla.Schedule{}), reflect.TypeOf(scheduleInput{})},
		"workweek": {reflect.TypeOf(struct {
			Intervals []sla.Interval `json:"intervals"`
		}{}), reflect.TypeOf(struct {
			Intervals []sla.Interval `json:"intervals"`
		}{})},
		"holiday":         {reflect.TypeOf(sla.Holiday{}), reflect.TypeOf(sla.Holiday{})},
		"sla_policy":      {reflect.TypeOf(slaPolicyJSON{}), reflect.TypeOf(sla.PolicyInput{})},
		"sla_policies":    {reflect.TypeOf([]slaPolicyJSON{}), nil},
		"sla_achievement": {reflect.TypeOf(sla.SummaryRow{}), nil},
		"ticket_metric":   {reflect.TypeOf(ticketMetricJSON{}), nil},
		"sla_event":       {reflect.TypeOf(sla.Breach{}), nil},
	}
}
