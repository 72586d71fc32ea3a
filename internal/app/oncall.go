package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/jobs"
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

// scheduleOnCall flags gaps ahead on the schedules hourly (oncall.NotifyGaps):
// to the managers of each schedule's staff, by email when outbound mail is
// configured (the schedule page shows them either way).
func (a *App) scheduleOnCall() {
	o := oncall.NoticeOptions{BaseURL: a.Config.BaseURL}
	if from := a.Config.mailFrom(); a.Mail != nil && a.Config.RelayHost != "" && from.Email != "" {
		o.Mail, o.From = a.Mail, from
	}
	a.OnCall.SetNotices(o)
	jobs.AddWorker(a.Jobs, &onCallGapsWorker{a: a})
	a.Jobs.AddPeriodic(time.Hour, onCallGapsArgs{}, true)
}

type onCallGapsArgs struct{}

func (onCallGapsArgs) Kind() string { return "oncall.gaps" }

type onCallGapsWorker struct {
	river.WorkerDefaults[onCallGapsArgs]
	a *App
}

func (w *onCallGapsWorker) Work(ctx context.Context, _ *river.Job[onCallGapsArgs]) error {
	ns, err := w.a.OnCall.NotifyGaps(ctx)
	if err == nil && len(ns) > 0 {
		w.a.Log.Info("on-call gaps flagged", "notices", len(ns))
	}
	return err
}
