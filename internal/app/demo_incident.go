package app

import (
	"context"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// loadIncidentDemo writes the incident part of the demo through the domain
// stores on a clock set to the past (a handle of its own, as the history):
//
//   - the emergency policy's last level becomes the roster's senior
//     managers;
//   - a customer emergency three days ago at 02:14 UTC (an urgent ticket of
//     a premium organization, paged to whoever was on call, acknowledged,
//     answered within its 30 minutes, resolved two hours later);
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
	tickets := ticket.NewStore(d, al, a.Config.DataDir+"/attachments", a.Config.MaxAttachmentBytes)
	slas := sla.NewService(sla.NewStore(d, al), sla.Options{})
	slas.SetTimers(&timerHeap{}) // the past's timers are not run: the reply comes in time
	tickets.OnPrepare(slas.Prepare)
	tickets.OnChange(slas.Hook)
	st := incident.NewStore(d, al, incident.Options{OnCall: a.OnCall, BaseURL: a.Config.BaseURL})
	st.SetEmergencies(tickets, nil, "")
	tickets.OnChange(st.TicketHook)

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

	// The resolved customer emergency.
	var customer int64
	for _, org := range res.OrganizationIDs {
		o, err := a.People.GetOrganization(ctx, org)
		if err != nil {
			return err
		}
		if incident.EmergencyEligible(o.Tier) && len(res.CustomersByOrg[org]) > 0 {
			customer = res.CustomersByOrg[org][0]
			break
		}
	}
	if customer != 0 {
		tk, inc, err := st.SubmitEmergency(ctx, ticket.Actor{UserID: customer, Role: "end-user"}, incident.EmergencyInput{
			Subject:     "Production instance down after upgrade to 17.3",
			Description: "Since the upgrade an hour ago every page returns 502 and CI pipelines fail. 1,200 developers blocked. We already rolled back the load balancer change; no effect.",
		})
		if err != nil {
			return fmt.Errorf("demo emergency: %w", err)
		}
		if inc != nil {
			if err := st.StepNow(ctx, inc.ID); err != nil {
				return err
			}
			clk.Advance(4 * time.Minute)
			who := responder(inc.ID)
			if _, err := st.Acknowledge(ctx, who, inc.ID); err != nil {
				return err
			}
			clk.Advance(8 * time.Minute)
			body := "I am on it. Please run `gitlab-ctl status` and send the output of `gitlab-ctl tail puma` for the last 10 minutes; we will join a call at once if you share a bridge."
			if _, _, err := tickets.Update(ctx, ticket.Actor{UserID: who.ID, Role: who.Role}, tk.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: body}, AssigneeID: &who.ID}); err != nil {
				return fmt.Errorf("demo emergency reply: %w", err)
			}
			if _, err := st.AddNote(ctx, who, inc.ID, "On a call with the customer: Puma workers fail on a missing secret after the upgrade; regenerating gitlab-secrets.json from backup."); err != nil {
				return err
			}
			clk.Advance(2 * time.Hour)
			if _, err := st.Resolve(ctx, who, inc.ID); err != nil {
				return err
			}
			solved := "solved"
			if _, _, err := tickets.Update(ctx, ticket.Actor{UserID: who.ID, Role: who.Role}, tk.ID, ticket.UpdateInput{Status: &solved,
				Comment: &ticket.CommentInput{Body: "The instance is back: the restored secrets file fixed the Puma workers. Root cause and prevention in the follow-up ticket."}}); err != nil {
				return err
			}
		}
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
