package app

import (
	"context"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/kpi"
)

// hiringKPI is the hiring module as the KPI store's source of "hiring
// actual vs plan" and "time to fill", and as the sink the capacity plan's
// proposed vacancies are approved into.
type hiringKPI struct{ h *hiring.Store }

var (
	_ kpi.Hiring      = hiringKPI{}
	_ kpi.VacancySink = hiringKPI{}
)

func (k hiringKPI) HiringActualVsPlan(year, month int) (actual, planned int, ok bool) {
	a, p, ok, err := k.h.PlanVsActual(context.Background(), year, month)
	return a, p, ok && err == nil
}

func (k hiringKPI) TimeToFillDays(year, month int) (float64, bool) {
	d, ok, err := k.h.TimeToFill(context.Background(), year, month)
	return d, ok && err == nil
}

// capacityRoles maps the capacity plan's roles to the hiring pipelines.
var capacityRoles = map[string]string{"engineer": "support-engineer", "manager": "support-manager"}

func (k hiringKPI) ApproveVacancies(ctx context.Context, approverID int64, vs []kpi.Vacancy) (int, error) {
	ps := make([]hiring.ProposedHire, 0, len(vs))
	for _, v := range vs {
		role := capacityRoles[v.Role]
		if role == "" {
			role = v.Role
		}
		ps = append(ps, hiring.ProposedHire{Region: v.Region, Count: v.Count, Role: role, TargetStart: v.TargetStart, Reason: v.Reason})
	}
	return k.h.AddProposals(ctx, audit.Actor{ID: approverID, Role: "user"}, ps)
}
