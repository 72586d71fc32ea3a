package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/jobs"
)

// openJobs builds the background-job queue (River, internal/jobs) right
// after the migrations, which also applies River's own migrations. Services
// wired after it register their workers on a.Jobs; Serve starts it.
func (a *App) openJobs() error {
	q, err := jobs.New(a.DB, a.Log, jobs.Options{})
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	a.Jobs = q
	return nil
}

// purgeSessionsArgs is the hourly job that deletes expired browser sessions.
type purgeSessionsArgs struct{}

func (purgeSessionsArgs) Kind() string { return "app.purge_sessions" }

type purgeSessionsWorker struct {
	river.WorkerDefaults[purgeSessionsArgs]
	a *App
}

func (w *purgeSessionsWorker) Work(ctx context.Context, _ *river.Job[purgeSessionsArgs]) error {
	n, err := w.a.Auth.PurgeExpiredSessions(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.a.Log.Info("purged expired sessions", "count", n)
	}
	return nil
}

// purgeDeletedTicketsArgs is the hourly job that deletes permanently the
// tickets deleted more than 30 days ago (Zendesk keeps them as long).
type purgeDeletedTicketsArgs struct{}

func (purgeDeletedTicketsArgs) Kind() string { return "app.purge_deleted_tickets" }

type purgeDeletedTicketsWorker struct {
	river.WorkerDefaults[purgeDeletedTicketsArgs]
	a *App
}

func (w *purgeDeletedTicketsWorker) Work(ctx context.Context, _ *river.Job[purgeDeletedTicketsArgs]) error {
	n, err := w.a.Tickets.PurgeDeletedBefore(ctx, w.a.DB.Clock.Now().Add(-30*24*time.Hour))
	if n > 0 {
		w.a.Log.Info("purged deleted tickets", "count", n)
	}
	return err
}

// backupArgs is the periodic job that takes a scheduled backup when one is
// due (the records say when the last one was taken, so a restart neither
// skips nor repeats one).
type backupArgs struct{}

func (backupArgs) Kind() string { return "app.backup" }

type backupWorker struct {
	river.WorkerDefaults[backupArgs]
	a *App
}

func (w *backupWorker) Work(ctx context.Context, _ *river.Job[backupArgs]) error {
	_, err := w.a.Backups.RunIfDue(ctx)
	return err
}

// Timeout lets a large backup run longer than River's default minute.
func (w *backupWorker) Timeout(*river.Job[backupArgs]) time.Duration { return 6 * time.Hour }

// accessReviewArgs is the hourly job that escalates the unanswered lines of
// access reviews past their due date and deactivates leavers.
type accessReviewArgs struct{}

func (accessReviewArgs) Kind() string { return "app.access_reviews" }

type accessReviewWorker struct {
	river.WorkerDefaults[accessReviewArgs]
	a *App
}

func (w *accessReviewWorker) Work(ctx context.Context, _ *river.Job[accessReviewArgs]) error {
	if w.a.Config.AccessReviews == "quarterly" {
		opened, err := w.a.AccessReviews.OpenQuarterly(ctx)
		if err != nil {
			return err
		}
		if opened {
			w.a.Log.Info("this quarter's access review opened")
		}
	}
	n, err := w.a.AccessReviews.Escalate(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.a.Log.Info("access review lines escalated", "count", n)
	}
	left, err := w.a.AccessReviews.DeactivateLeavers(ctx, w.a.Team.Today())
	if err != nil {
		return err
	}
	if len(left) > 0 {
		w.a.Log.Info("leavers deactivated", "users", left)
	}
	return nil
}

// aseArgs is the periodic job that hands covered tickets back to their
// returning ASE and reminds of overdue agreed updates.
type aseArgs struct{}

func (aseArgs) Kind() string { return "app.ase" }

type aseWorker struct {
	river.WorkerDefaults[aseArgs]
	a *App
}

func (w *aseWorker) Work(ctx context.Context, _ *river.Job[aseArgs]) error {
	back, err := w.a.ASE.ReturnTickets(ctx)
	if err != nil {
		return err
	}
	sent, err := w.a.ASE.Remind(ctx)
	if err != nil {
		return err
	}
	if back+sent > 0 {
		w.a.Log.Info("ASE accounts", "handed_back", back, "reminders", sent)
	}
	return nil
}

// sealAuditArgs is the periodic job that chains new audit entries
// (internal/audit/chain.go).
type sealAuditArgs struct{}

func (sealAuditArgs) Kind() string { return "app.seal_audit" }

type sealAuditWorker struct {
	river.WorkerDefaults[sealAuditArgs]
	a *App
}

// Work seals at most 5,000 entries a run (a run every minute, never at
// start-up): a database that predates the chain, or the demo's history, is
// sealed over the following minutes in small steps instead of one burst.
func (w *sealAuditWorker) Work(ctx context.Context, _ *river.Job[sealAuditArgs]) error {
	_, err := w.a.Audit.Seal(ctx, 5000)
	return err
}

// foldKPIArgs is the periodic job that folds tickets changed since the
// last fold into the KPI rollups, so a read rarely has a queue to fold.
type foldKPIArgs struct{}

func (foldKPIArgs) Kind() string { return "app.fold_kpi" }

type foldKPIWorker struct {
	river.WorkerDefaults[foldKPIArgs]
	a *App
}

func (w *foldKPIWorker) Work(ctx context.Context, _ *river.Job[foldKPIArgs]) error {
	_, err := w.a.KPI.Refresh(ctx)
	return err
}

// scheduleHousekeeping registers the periodic housekeeping jobs (once per
// interval across nodes: only the elected leader enqueues them).
func (a *App) scheduleHousekeeping() {
	jobs.AddWorker(a.Jobs, &purgeSessionsWorker{a: a})
	a.Jobs.AddPeriodic(time.Hour, purgeSessionsArgs{}, true)
	jobs.AddWorker(a.Jobs, &purgeDeletedTicketsWorker{a: a})
	a.Jobs.AddPeriodic(time.Hour, purgeDeletedTicketsArgs{}, true)
	jobs.AddWorker(a.Jobs, &sealAuditWorker{a: a})
	a.Jobs.AddPeriodic(time.Minute, sealAuditArgs{}, false)
	jobs.AddWorker(a.Jobs, &foldKPIWorker{a: a})
	a.Jobs.AddPeriodic(15*time.Second, foldKPIArgs{}, false)
	jobs.AddWorker(a.Jobs, &aseWorker{a: a})
	a.Jobs.AddPeriodic(10*time.Minute, aseArgs{}, true)
	jobs.AddWorker(a.Jobs, &accessReviewWorker{a: a})
	a.Jobs.AddPeriodic(time.Hour, accessReviewArgs{}, true)
	a.scheduleHiring() // starts of hires, retention (hiring.go)
	a.scheduleOnCall() // gaps ahead flagged to managers (oncall.go)
	if a.Config.BackupDir != "" {
		jobs.AddWorker(a.Jobs, &backupWorker{a: a})
		a.Jobs.AddPeriodic(10*time.Minute, backupArgs{}, true)
	}
}

// startJobs starts working jobs; stop waits up to 15 seconds for running
// jobs to finish.
func (a *App) startJobs(ctx context.Context) (stop func(), err error) {
	if err := a.Jobs.Start(ctx); err != nil {
		return nil, err
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		if err := a.Jobs.Stop(sctx); err != nil {
			a.Log.Warn("stop job queue", "err", err)
		}
	}, nil
}
