package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/sla"
)

// openSLA builds the SLA service, hooks it into the ticket store (every
// ticket write recomputes the ticket's targets in its transaction and
// schedules breach and warning timers as jobs on a.Jobs) and seeds the
// default regional schedules and policies once per database.
func (a *App) openSLA(ctx context.Context) error {
	a.SLA = sla.NewService(sla.NewStore(a.DB, a.Audit), sla.Options{Log: a.Log.With("component", "sla")})
	a.SLA.UseJobs(a.Jobs)
	a.Tickets.OnPrepare(a.SLA.Prepare) // a new ticket's row is written with its queue sort key
	a.Tickets.OnChange(a.SLA.Hook)
	// The Region rule on organizations, and their open tickets' clocks run
	// again on the new region's schedule when it changes (sla/region.go).
	a.People.AddChecker(a.SLA.Store.RegionChecker())
	a.People.OnRegionChange(func(ctx context.Context, orgID int64) {
		if err := a.SLA.RecheckOrganization(ctx, orgID); err != nil {
			a.Log.Warn("SLA recheck after a region change", "organization", orgID, "err", err)
		}
	})
	seeded, err := a.SLA.Store.SeedDefaults(ctx)
	if err != nil {
		return fmt.Errorf("seed SLA defaults: %w", err)
	}
	if seeded {
		a.Log.Info("default SLA policies and AMER/EMEA/APAC business hours created")
	}
	return nil
}

// loadSLADemo adds last year's, this year's and next year's public holidays
// to the regional schedules (the schedules and policies themselves are
// seeded on first start); the demo history reaches back into last year.
func (a *App) loadSLADemo(ctx context.Context) error {
	if a.SLA == nil {
		return nil
	}
	if _, err := a.SLA.Store.SeedDefaults(ctx); err != nil {
		return err
	}
	schedules, err := a.SLA.Store.ListSchedules(ctx)
	if err != nil {
		return err
	}
	year := a.Clock.Now().Year()
	holidays := map[string][]struct{ name, date string }{
		"AMER": {{"New Year's Day", "01-01"}, {"Independence Day", "07-04"}, {"Christmas Day", "12-25"}},
		"EMEA": {{"New Year's Day", "01-01"}, {"Christmas Day", "12-25"}, {"Boxing Day", "12-26"}},
		"APAC": {{"New Year's Day", "01-01"}, {"Australia Day", "01-26"}, {"Anzac Day", "04-25"}, {"Christmas Day", "12-25"}},
	}
	for _, s := range schedules {
		for _, y := range []int{year - 1, year, year + 1} {
			for _, h := range holidays[strings.ToUpper(s.Name)] {
				date := fmt.Sprintf("%d-%s", y, h.date)
				if _, err := a.SLA.Store.CreateHoliday(ctx, audit.System(), s.ID, sla.Holiday{Name: h.name, StartDate: date, EndDate: date}); err != nil {
					return fmt.Errorf("holiday %s on %s: %w", h.name, s.Name, err)
				}
			}
		}
	}
	return nil
}
