package app

import (
	"context"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/zendesk"
)

// loadZendeskDemo adds the custom fields and ticket form a GitLab-style
// support desk keeps (ADR 0012), and the organizations' contract renewal
// dates; the ticket history is left as it is.
func (a *App) loadZendeskDemo(ctx context.Context) error {
	s := func(v string) *string { return &v }
	b := func(v bool) *bool { return &v }
	opts := func(pairs ...string) *[]zendesk.Option {
		var out []zendesk.Option
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, zendesk.Option{Name: pairs[i], Value: pairs[i+1]})
		}
		return &out
	}
	var ids []int64
	for _, in := range []zendesk.FieldInput{
		{Type: s("tagger"), Title: s("Product area"), Description: s("Which part of the product the request is about"),
			CustomFieldOptions: opts("CI/CD", "area_ci", "Source code", "area_scm", "Registry", "area_registry", "Billing", "area_billing")},
		{Type: s("multiselect"), Title: s("Deployment"), CustomFieldOptions: opts("SaaS", "deploy_saas", "Self-managed", "deploy_self_managed", "Dedicated", "deploy_dedicated")},
		{Type: s("integer"), Title: s("Affected users")},
		{Type: s("regexp"), Title: s("Customer reference"), RegexpForValidation: s(`^[A-Z]{2,5}-\d+$`)},
		{Type: s("checkbox"), Title: s("Outage"), Tag: s("outage")},
		{Type: s("date"), Title: s("Go-live date")},
	} {
		f, err := a.Zendesk.CreateField(ctx, zendesk.KindTicket, in)
		if err != nil {
			return fmt.Errorf("ticket field: %w", err)
		}
		ids = append(ids, f.ID)
	}
	if _, err := a.Zendesk.SaveForm(ctx, 0, zendesk.FormInput{Name: s("Technical support"), Default: b(true), TicketFieldIDs: &ids}); err != nil {
		return err
	}
	if _, err := a.Zendesk.SaveForm(ctx, 0, zendesk.FormInput{Name: s("Billing question"), TicketFieldIDs: &[]int64{ids[0]}}); err != nil {
		return err
	}
	if _, err := a.Zendesk.CreateField(ctx, zendesk.KindUser, zendesk.FieldInput{Type: s("dropdown"), Key: s("preferred_language"),
		Title: s("Preferred language"), CustomFieldOptions: opts("English", "en", "German", "de", "Japanese", "ja")}); err != nil {
		return err
	}
	if _, err := a.Zendesk.CreateField(ctx, zendesk.KindOrganization, zendesk.FieldInput{Type: s("date"), Key: s("contract_renewal"),
		Title: s("Contract renewal")}); err != nil {
		return err
	}
	orgs, err := a.People.ListOrganizations(ctx, people.OrgFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	now := a.Clock.Now()
	for i, o := range orgs {
		day := now.AddDate(0, 1+i%11, 0).Format(time.DateOnly)
		if err := a.Zendesk.SetValues(ctx, zendesk.KindOrganization, o.ID, map[string]any{"contract_renewal": day}); err != nil {
			return err
		}
	}
	return nil
}
