package app

import (
	"context"

	"github.com/frontline/frontline/internal/kpi"
)

// loadKPIDemo configures the KPI and capacity demo: customers' annual
// revenue by tier, the operating plan (non-headcount spend and a plan a few
// percent above the roster's cost at the grade bands), and the capacity
// parameters. The demo's history is a small sample of a department's
// volume (about 200 tickets a month for 40 people), so its handle time is
// set to a tier-2 ticket's full engineering day (8 h: reproduction,
// investigation, follow-up); at that handle time EMEA, which takes the
// most tickets per engineer in the history, is under-staffed and the plan
// proposes vacancies there. Finally the rollups are folded once.
func (a *App) loadKPIDemo(ctx context.Context) error {
	s := a.KPI
	if err := s.SetRevenueByTier(ctx, map[string]int64{"free": 0, "premium": 1_200_000, "ultimate": 4_800_000}); err != nil {
		return err
	}
	roster, err := s.Roster(ctx)
	if err != nil {
		return err
	}
	o := kpi.DefaultOpex()
	grades := map[string]int{}
	for _, e := range roster {
		grades[e.Grade]++
	}
	cost := kpi.OperatingExpenses(grades, o.Bands, 0, 0, 0).Headcount
	o.NonHeadcount = 650_000
	o.Plan = (cost + o.NonHeadcount) * 1.03
	if err := s.SetOpex(ctx, o); err != nil {
		return err
	}
	p, err := s.CapacityParams(ctx)
	if err != nil {
		return err
	}
	p.HandleHours = 8
	if err := s.SetCapacityParams(ctx, p); err != nil {
		return err
	}
	_, err = s.Refresh(ctx)
	return err
}
