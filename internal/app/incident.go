package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
)

// openIncidents wires incidents and paging (internal/incident): the on-call
// schedules answer who a level pages, pages are emailed through the outbox
// when outbound mail is configured, escalation timers, reminders and chat
// webhooks run on the job queue, and new emergency tickets open incidents
// (a ticket hook). On first start the default policies and services are
// created on the seeded schedules: customer emergencies (CEOC, then the
// Support Manager On-Call after 10 minutes, then the senior managers after
// 5 more) and production monitoring (CMOC).
func (a *App) openIncidents(ctx context.Context) error {
	opt := incident.Options{OnCall: a.OnCall, BaseURL: a.Config.BaseURL, Log: a.Log}
	if from := a.Config.mailFrom(); a.Mail != nil && a.Config.RelayHost != "" && from.Email != "" {
		opt.Mail, opt.From = a.Mail, from
	}
	a.Incidents = incident.NewStore(a.DB, a.Audit, opt)
	a.Incidents.UseJobs(a.Jobs)
	a.Incidents.SetEmergencies(a.Tickets, a.workingASE, a.Config.EmergencyMailbox)
	a.Tickets.OnChange(a.Incidents.TicketHook)
	d := incident.Defaults{}
	for key, dst := range map[string]*int64{oncall.KeyCEOC: &d.CEOC, oncall.KeySMOC: &d.SMOC, oncall.KeyCMOC: &d.CMOC} {
		sc, err := a.OnCall.ScheduleByKey(ctx, key)
		if errs.Is(err, errs.KindNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("incident defaults: schedule %s: %w", key, err)
		}
		*dst = sc.ID
	}
	if d.CEOC == 0 || d.SMOC == 0 || d.CMOC == 0 {
		return nil // schedules deleted by an admin: policies are made by hand
	}
	var err error
	if d.SeniorManagers, err = a.seniorManagers(ctx); err != nil {
		return err
	}
	if _, _, err := a.Incidents.EnsureDefaults(ctx, d); err != nil {
		return fmt.Errorf("incident defaults: %w", err)
	}
	return nil
}

// seniorManagers are the active staff at a senior-manager level or above
// (the third level of the emergency policy).
func (a *App) seniorManagers(ctx context.Context) ([]int64, error) {
	rows, err := a.DB.R.QueryContext(ctx, `SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id JOIN team_levels l ON l.id = m.level_id
		WHERE u.active AND u.role IN ('agent', 'admin') AND (l.key LIKE 'senior-manager%' OR l.key LIKE 'director%') ORDER BY u.id LIMIT 5`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// workingASE is an organization's Assigned Support Engineer when they are
// within their working hours (and not on time off) at t.
func (a *App) workingASE(ctx context.Context, orgID int64, t time.Time) (int64, bool) {
	var ase sql.NullInt64
	err := a.DB.R.QueryRowContext(ctx, "SELECT ase_user_id FROM organizations WHERE id = $1", orgID).Scan(&ase)
	if err != nil || !ase.Valid {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			a.Log.Warn("emergency: ASE lookup", "org", orgID, "err", err)
		}
		return 0, false
	}
	av, err := a.Team.Available(ctx, ase.Int64, t)
	if err != nil || !av.Available {
		return 0, false
	}
	return ase.Int64, true
}
