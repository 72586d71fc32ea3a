package app

import (
	"context"
	"fmt"

	"github.com/frontline/frontline/internal/oncall"
)

// openOnCall builds the on-call store on the team roster and seeds the
// default schedules (CEOC, CMOC, Support Manager On-Call, US Government)
// on first start, without members: the quarter generator staffs them.
func (a *App) openOnCall(ctx context.Context) error {
	a.OnCall = oncall.NewStore(a.DB, a.Audit, a.Team)
	seeded, err := a.OnCall.SeedDefaults(ctx)
	if err != nil {
		return fmt.Errorf("seed on-call schedules: %w", err)
	}
	if seeded {
		a.Log.Info("default on-call schedules created (CEOC, CMOC, Support Manager On-Call, US Government)")
	}
	return nil
}
