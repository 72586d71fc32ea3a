package web

// Admin page for SLA policies and business-hours schedules: read from the
// SLA service, added, edited and deleted as Zendesk JSON (the same shapes
// as /api/v2/slas/policies and /api/v2/business_hours/schedules, validated
// by the SLA store: a bad field is refused by name and nothing is saved).
// Holidays are managed through the API.

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/sla"
)

func (s *Server) registerAdminSLAUI() {
	if s.SLAService == nil {
		return
	}
	s.handle("GET /admin/sla", Admin, s.adminSLA)
	s.handle("POST /admin/sla/{kind}", Admin, s.adminSLAWrite)
	s.handle("POST /admin/sla/{kind}/{id}", Admin, s.adminSLAWrite)
	s.handle("POST /admin/sla/{kind}/{id}/delete", Admin, s.adminSLADelete)
}

// slaPolicyRow is one policy with its targets grouped by metric.
type slaPolicyRow struct {
	sla.Policy
	JSON       string // the policy as Zendesk JSON, or a refused edit's text
	EditError  string
	Conditions string
	Targets    map[string]map[string]string // metric label -> priority -> "4h (business)"
	Metrics    []string
}

type slaScheduleRow struct {
	sla.Schedule
	JSON      string
	EditError string
	Hours     string
}

func minutesText(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	if m > 60 {
		return fmt.Sprintf("%dh %dm", m/60, m%60)
	}
	return fmt.Sprintf("%dm", m)
}

// weekHours describes a schedule's weekly intervals (minutes from Sunday
// 00:00 local time) as "Mon 09:00–17:00, ...".
func weekHours(iv []sla.Interval) string {
	var parts []string
	for _, i := range iv {
		day := time.Weekday((i.StartTime / (24 * 60)) % 7).String()[:3]
		clock := func(m int) string { m %= 24 * 60; return fmt.Sprintf("%02d:%02d", m/60, m%60) }
		end := clock(i.EndTime)
		if i.EndTime-i.StartTime >= 24*60 {
			end = time.Weekday((i.EndTime / (24 * 60)) % 7).String()[:3] + " " + end
		}
		parts = append(parts, day+" "+clock(i.StartTime)+"–"+end)
	}
	if len(parts) == 0 {
		return "never open"
	}
	return strings.Join(parts, ", ")
}

func (s *Server) adminSLA(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdminSLA(w, r, http.StatusOK, slaEdit{})
}

// slaEdit is a refused add or edit to show again: kind (policies or
// schedules), the record (0 for an add), the text and the problem.
type slaEdit struct {
	kind, src, problem string
	id                 int64
}

func (s *Server) renderAdminSLA(w http.ResponseWriter, r *http.Request, status int, e slaEdit) error {
	ctx := r.Context()
	ps, err := s.SLAService.Store.ListPolicies(ctx)
	if err != nil {
		return err
	}
	ss, err := s.SLAService.Store.ListSchedules(ctx)
	if err != nil {
		return err
	}
	var policies []slaPolicyRow
	for _, p := range ps {
		row := slaPolicyRow{Policy: p, Targets: map[string]map[string]string{}, JSON: indent(map[string]any{"sla_policy": p})}
		if e.kind == "policies" && e.id == p.ID {
			row.JSON, row.EditError = e.src, e.problem
		}
		var conds []string
		for _, c := range p.Filter.All {
			conds = append(conds, fmt.Sprintf("%s %s %v", c.Field, c.Operator, c.Value))
		}
		if len(p.Filter.Any) > 0 {
			var anyOf []string
			for _, c := range p.Filter.Any {
				anyOf = append(anyOf, fmt.Sprintf("%s %s %v", c.Field, c.Operator, c.Value))
			}
			conds = append(conds, "any of ("+strings.Join(anyOf, "; ")+")")
		}
		row.Conditions = strings.Join(conds, " and ")
		for _, m := range p.PolicyMetrics {
			label := strings.ReplaceAll(m.Metric, "_", " ")
			if row.Targets[label] == nil {
				row.Targets[label] = map[string]string{}
				row.Metrics = append(row.Metrics, label)
			}
			v := minutesText(m.Target)
			if m.BusinessHours {
				v += " business"
			} else {
				v += " calendar"
			}
			row.Targets[label][m.Priority] = v
		}
		policies = append(policies, row)
	}
	var schedules []slaScheduleRow
	for _, sc := range ss {
		row := slaScheduleRow{Schedule: sc, Hours: weekHours(sc.Intervals), JSON: indent(map[string]any{"schedule": sc})}
		if e.kind == "schedules" && e.id == sc.ID {
			row.JSON, row.EditError = e.src, e.problem
		}
		schedules = append(schedules, row)
	}
	data := map[string]any{
		"Title": "SLA policies", "Section": "sla", "Policies": policies, "Schedules": schedules,
		"Priorities": []string{"urgent", "high", "normal", "low"}, "Flash": flashOf(w, r),
	}
	if e.id == 0 && e.kind != "" {
		data["New"+e.kind] = e.src
		data["New"+e.kind+"Error"] = e.problem
	}
	s.render(w, r, status, "admin_sla.html", data)
	return nil
}

// adminSLAWrite adds (no id) or replaces (id) a policy or schedule from JSON.
func (s *Server) adminSLAWrite(w http.ResponseWriter, r *http.Request) error {
	ctx, kind := r.Context(), r.PathValue("kind")
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id", "record"); err != nil {
			return err
		}
	}
	src := strings.TrimSpace(r.PostFormValue("json"))
	actor := actor(r)
	st := s.SLAService.Store
	var err error
	switch kind {
	case "policies":
		if id == 0 {
			var p sla.Policy
			if err = decodeRuleJSON(src, "sla_policy", &p); err == nil {
				_, err = st.CreatePolicy(ctx, actor, p)
			}
		} else {
			var in sla.PolicyInput
			if err = decodeRuleJSON(src, "sla_policy", &in); err == nil {
				_, err = st.UpdatePolicy(ctx, actor, id, in)
			}
		}
	case "schedules":
		if id == 0 {
			var sc sla.Schedule
			if err = decodeRuleJSON(src, "schedule", &sc); err == nil {
				_, err = st.CreateSchedule(ctx, actor, sc)
			}
		} else {
			var in sla.ScheduleInput
			if err = decodeRuleJSON(src, "schedule", &in); err == nil {
				_, err = st.UpdateSchedule(ctx, actor, id, in)
			}
		}
	default:
		return errs.NotFound("SLA record kind")
	}
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminSLA(w, r, status, slaEdit{kind: kind, id: id, src: src, problem: msg})
		})
	}
	seeOther(w, r, "/admin/sla", "Saved.")
	return nil
}

// adminSLADelete deletes a policy or schedule.
func (s *Server) adminSLADelete(w http.ResponseWriter, r *http.Request) error {
	ctx, kind := r.Context(), r.PathValue("kind")
	id, err := pathID(r, "id", "record")
	if err != nil {
		return err
	}
	actor := actor(r)
	switch kind {
	case "policies":
		err = s.SLAService.Store.DeletePolicy(ctx, actor, id)
	case "schedules":
		err = s.SLAService.Store.DeleteSchedule(ctx, actor, id)
	default:
		return errs.NotFound("SLA record kind")
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/admin/sla", "Deleted.")
	return nil
}
