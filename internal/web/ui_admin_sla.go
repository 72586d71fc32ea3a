package web

// Admin page for SLA policies and business-hours schedules, read from the
// SLA service (changed through /api/v2/slas/policies and
// /api/v2/business_hours/schedules).

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/sla"
)

func (s *Server) registerAdminSLAUI() {
	if s.SLAService == nil {
		return
	}
	s.handle("GET /admin/sla", Admin, s.adminSLA)
}

// slaPolicyRow is one policy with its targets grouped by metric.
type slaPolicyRow struct {
	sla.Policy
	Conditions string
	Targets    map[string]map[string]string // metric label -> priority -> "4h (business)"
	Metrics    []string
}

type slaScheduleRow struct {
	sla.Schedule
	Hours string
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
		row := slaPolicyRow{Policy: p, Targets: map[string]map[string]string{}}
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
		schedules = append(schedules, slaScheduleRow{Schedule: sc, Hours: weekHours(sc.Intervals)})
	}
	s.render(w, r, http.StatusOK, "admin_sla.html", map[string]any{
		"Title": "SLA policies", "Section": "sla", "Policies": policies, "Schedules": schedules,
		"Priorities": []string{"urgent", "high", "normal", "low"},
	})
	return nil
}
