package app

import (
	"context"
	"fmt"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/team"
)

// openTeam builds the permission model and the team area: custom roles
// (seeded once), and the support organisation, whose rules also guard
// writes through the people store (reporting-line cycles, the Assigned
// Support Engineer limits) and whose holidays come from the SLA schedules.
// On first start the handbook's job families and levels are seeded and the
// existing agents and admins are put on the roster.
func (a *App) openTeam(ctx context.Context) error {
	a.Access = access.NewStore(a.DB, a.Audit)
	if seeded, err := a.Access.SeedDefaults(ctx); err != nil {
		return fmt.Errorf("seed custom roles: %w", err)
	} else if seeded {
		a.Log.Info("default custom roles created (Light Agent, Team Lead, Support Operations, Recruiter)")
	}
	opt := team.Options{}
	if a.SLA != nil {
		opt.Holidays = team.HolidaysFromSLA(a.SLA.Store)
	}
	a.Team = team.NewStore(a.DB, a.Audit, opt)
	a.Team.Attach(a.People)
	if seeded, err := a.Team.SeedDefaults(ctx); err != nil {
		return fmt.Errorf("seed job families: %w", err)
	} else if seeded {
		a.Log.Info("job families and levels created; existing staff put on the roster")
	}
	return nil
}
