package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/team"
)

// StartHires makes the hires whose start date has come team members: an
// agent account with the requisition's level (or the role's entry level),
// region, the hiring manager as manager and the start date, linked to the
// vacancy they filled. It is idempotent: a hire already on the team is
// skipped, and an account that exists for the hire's email is reused.
func (a *App) StartHires(ctx context.Context) (int, error) {
	today := a.Clock.Now().UTC().Format(team.DateLayout)
	due, err := a.Hiring.DueStarts(ctx, today)
	if err != nil {
		return 0, err
	}
	sys := audit.System()
	n := 0
	for _, st := range due {
		in := team.MemberInput{Region: &st.Region, ManagerID: st.HiringManagerID, StartDate: &st.StartDate}
		if st.LevelKey != "" {
			in.Level = &st.LevelKey
		}
		if st.Email != "" {
			if u, err := a.People.UserByEmail(ctx, st.Email); err == nil {
				in.UserID = &u.ID
			}
		}
		if in.UserID == nil {
			name, email := st.Name, st.Email
			in.Name = &name
			if email != "" {
				in.Email = &email
			}
		}
		m, err := a.Team.CreateMember(ctx, sys, in)
		if err != nil {
			return n, fmt.Errorf("start of %s (%s): %w", st.Name, st.OpeningID, err)
		}
		if err := a.Hiring.MarkStarted(ctx, sys, st.VacancyID, m.UserID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// hiringArgs is the hourly hiring job: hires whose start date has come
// join the team; candidates whose retention period ended are anonymised;
// interviewers with an overdue scorecard are reminded by email, once.
type hiringArgs struct{}

func (hiringArgs) Kind() string { return "app.hiring" }

type hiringWorker struct {
	river.WorkerDefaults[hiringArgs]
	a *App
}

func (w *hiringWorker) Work(ctx context.Context, _ *river.Job[hiringArgs]) error {
	started, err := w.a.StartHires(ctx)
	if err != nil {
		return err
	}
	anon, err := w.a.Hiring.AnonymizeDue(ctx)
	if err != nil {
		return err
	}
	reminded, err := w.a.Hiring.RemindScorecards(ctx)
	if err != nil {
		return err
	}
	if started+anon+reminded > 0 {
		w.a.Log.Info("hiring", "started", started, "anonymised", anon, "scorecard_reminders", reminded)
	}
	return nil
}

func (a *App) scheduleHiring() {
	jobs.AddWorker(a.Jobs, &hiringWorker{a: a})
	a.Jobs.AddPeriodic(time.Hour, hiringArgs{}, true)
}
