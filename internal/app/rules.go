package app

import (
	"context"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/rules/rulestore"
)

// automationsInterval is how often the automations run (Zendesk: hourly;
// Frontline's conditions may be fractional hours, so more often).
const automationsInterval = time.Minute

// openRules builds the business-rules store (triggers, automations, macros,
// views, webhooks), hooks the triggers into the ticket store (after the
// hooks wired before it, so triggers see fresh SLA state), hands
// notifications to the mail outbox when outbound mail is configured, runs
// automations and webhook deliveries on the job queue, and seeds the default
// views once per database.
func (a *App) openRules(ctx context.Context) error {
	c := a.Config
	opt := rulestore.Options{BaseURL: c.BaseURL, Partition: a.Brands}
	if from := c.mailFrom(); a.Mail != nil && c.RelayHost != "" && from.Email != "" {
		opt.Notifier = rulestore.MailNotifier(a.Mail, from)
	}
	a.Rules = rulestore.New(a.DB, a.Tickets, a.Audit, a.Log.With("component", "rules"), opt)
	a.Rules.Attach()
	if a.Jobs != nil {
		a.Rules.UseJobs(a.Jobs, automationsInterval)
	}
	n, err := a.Rules.SeedDefaultViews(ctx)
	if err != nil {
		return fmt.Errorf("seed default views: %w", err)
	}
	if n > 0 {
		a.Log.Info("default views created", "count", n)
	}
	return nil
}
