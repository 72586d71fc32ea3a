package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
)

// loadIncidentDemo writes the incident part of the demo through the domain
// stores on a clock set to the past (a handle of its own, as the history):
//
//   - the emergency policy's last level becomes the roster's senior
//     managers;
//   - a resolved customer emergency: the incident of the latest solved
//     emergency ticket of the history (paged to whoever was on call,
//     acknowledged four minutes later, a note, resolved when the ticket was
//     solved), or, without a history, one three days ago at 02:14 UTC;
//   - an incident from monitoring (an Events API v2 event on the
//     "Production monitoring" service, whose integration key is listed by
//     GET /pagerduty/services?include[]=integrations) opened 50 minutes
//     ago, acknowledged by the CMOC, with status updates on /status; it is
//     still active (the customer portal shows its banner).
func (a *App) loadIncidentDemo(ctx context.Context, res *DemoResult) error {
	if a.Incidents == nil || a.OnCall == nil {
		return nil
	}
	if err := a.demoEmergencyPolicy(ctx); err != nil {
		return err
	}
	monitoring, err := a.Incidents.ServiceByName(ctx, incident.MonitoringService)
	if err != nil {
		return err
	}
	now := a.Clock.Now().UTC()
	clk := clock.NewFake(now.AddDate(0, 0, -3).Truncate(24 * time.Hour).Add(2*time.Hour + 14*time.Minute))
	d, err := db.Open(ctx, a.DB.Target, clk, db.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	al := audit.New(d)
	st := incident.NewStore(d, al, incident.Options{OnCall: a.OnCall, BaseURL: a.Config.BaseURL})

	manager, err := a.People.UserByEmail(ctx, res.ManagerEmail)
	if err != nil {
		return err
	}
	responder := func(id int64) audit.Actor { // the first person paged, else the demo manager
		if ps, err := st.Pages(ctx, id); err == nil && len(ps) > 0 {
			return audit.Actor{ID: ps[0].UserID, Role: "agent"}
		}
		return audit.Actor{ID: manager.ID, Role: manager.Role}
	}

	// The resolved customer emergency: on the latest solved emergency of
	// the history (tagged by the demo's trigger) when there is one, else
	// on its own; no ticket is added to the history.
	if err := a.demoEmergency(ctx, st, clk, responder); err != nil {
		return fmt.Errorf("demo emergency: %w", err)
	}

	// The active incident from monitoring, with its status updates.
	clk.Set(now.Add(-50 * time.Minute))
	key, err := st.Enqueue(ctx, incident.Event{RoutingKey: monitoring.IntegrationKey, EventAction: "trigger", DedupKey: "demo-ci-runners-queue",
		Payload: &incident.EventPayload{Summary: "CI jobs queued longer than 10 minutes on shared runners", Source: "prometheus.shipyard.example",
			Severity: "error", Component: "ci-runners", Group: "production"}})
	if err != nil {
		return fmt.Errorf("demo monitoring incident: %w", err)
	}
	list, _, err := st.List(ctx, incident.Filter{IncidentKey: key, Limit: 1})
	if err != nil || len(list) == 0 {
		return fmt.Errorf("demo monitoring incident: %v", err)
	}
	id := list[0].ID
	if err := st.StepNow(ctx, id); err != nil {
		return err
	}
	clk.Advance(6 * time.Minute)
	cmoc := responder(id)
	if _, err := st.Acknowledge(ctx, cmoc, id); err != nil {
		return err
	}
	clk.Advance(2 * time.Minute)
	if _, err := st.PostUpdate(ctx, cmoc, id, incident.Investigating, "CI jobs on shared runners wait longer than usual to start. We are investigating."); err != nil {
		return err
	}
	clk.Advance(17 * time.Minute)
	if _, err := st.PostUpdate(ctx, cmoc, id, incident.Identified, "A runner manager lost its cloud credentials after a rotation; about a third of the shared runner capacity is offline. We are restoring it."); err != nil {
		return err
	}
	// The latest update on the App's own store: its reminder is on the job queue.
	if _, err := a.Incidents.PostUpdate(ctx, cmoc, id, incident.Monitoring, "Capacity is restored and queued jobs are starting; we are watching queue times."); err != nil {
		return err
	}
	return nil
}

// demoEmergencyPolicy makes the roster's senior managers the last level of
// the customer-emergency policy (the policy was made at start, before the
// roster existed).
func (a *App) demoEmergencyPolicy(ctx context.Context) error {
	id, err := a.Incidents.PolicyByName(ctx, incident.EmergencyPolicyName)
	if err != nil || id == 0 {
		return err
	}
	seniors, err := a.seniorManagers(ctx)
	if err != nil || len(seniors) == 0 {
		return err
	}
	ids := map[string]int64{}
	for _, k := range []string{oncall.KeyCEOC, oncall.KeySMOC} {
		sc, err := a.OnCall.ScheduleByKey(ctx, k)
		if errs.Is(err, errs.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ids[k] = sc.ID
	}
	_, err = a.Incidents.UpdatePolicy(ctx, audit.System(), id, incident.DefaultEmergencyPolicy(ids[oncall.KeyCEOC], ids[oncall.KeySMOC], seniors))
	return err
}

// demoEmergency writes the resolved customer emergency on the past clock.
func (a *App) demoEmergency(ctx context.Context, st *incident.Store, clk *clock.Fake, responder func(int64) audit.Actor) error {
	svc, err := a.Incidents.ServiceByName(ctx, incident.EmergencyServiceName)
	if err != nil {
		return err
	}
	in := incident.TriggerInput{ServiceID: svc.ID, Severity: 1, Urgency: "high", Source: incident.SourceEmergency}
	resolveAt := clk.Now().Add(2 * time.Hour)
	var tid, oid sql.NullInt64
	var subject, org string
	var created time.Time
	var solved *time.Time
	err = a.DB.R.QueryRowContext(ctx, `SELECT t.id, t.organization_id, t.subject, o.name, t.created_at, t.solved_at FROM tickets t
		JOIN organizations o ON o.id = t.organization_id
		WHERE t.tags LIKE '%emergency%' AND t.status IN ('solved', 'closed') AND t.solved_at IS NOT NULL AND o.tier IN ('premium', 'ultimate')
		ORDER BY t.created_at DESC LIMIT 1`).Scan(&tid, &oid, &subject, &org, db.Time(&created), db.TimePtr(&solved))
	switch {
	case err == nil:
		t, o := tid.Int64, oid.Int64
		in.TicketID, in.OrganizationID = &t, &o
		in.Key = fmt.Sprintf("ticket-%d", t)
		in.Title = fmt.Sprintf("Customer emergency (%s): %s", org, subject)
		in.Description = fmt.Sprintf("Ticket #%d, urgent, first reply due within 30 minutes.", t)
		clk.Set(created)
		if solved != nil && solved.After(created.Add(10*time.Minute)) {
			resolveAt = *solved
		} else {
			resolveAt = created.Add(2 * time.Hour)
		}
	case errors.Is(err, sql.ErrNoRows):
		in.Title = "Customer emergency: production instance down after upgrade to 17.3"
		in.Description = "Every page returns 502 and CI pipelines fail since the upgrade; 1,200 developers blocked."
	default:
		return err
	}
	inc, _, err := st.Trigger(ctx, audit.System(), in)
	if err != nil {
		return err
	}
	if err := st.StepNow(ctx, inc.ID); err != nil {
		return err
	}
	clk.Advance(4 * time.Minute)
	who := responder(inc.ID)
	if _, err := st.Acknowledge(ctx, who, inc.ID); err != nil {
		return err
	}
	clk.Advance(10 * time.Minute)
	if _, err := st.AddNote(ctx, who, inc.ID, "On a call with the customer: Puma workers fail on a missing secret after the upgrade; restoring gitlab-secrets.json from the backup."); err != nil {
		return err
	}
	if resolveAt.After(clk.Now()) {
		clk.Set(resolveAt)
	}
	_, err = st.Resolve(ctx, who, inc.ID)
	return err
}
