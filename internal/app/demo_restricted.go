package app

import (
	"context"
	"fmt"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

// demoRestrictedEngineers are the roster's cleared US Government
// engineers who work the restricted brand's queue.
var demoRestrictedEngineers = []string{"maya.patel@frontline.example", "riley.johnson@frontline.example"}

// demoRestrictedTickets are the restricted brand's requests.
var demoRestrictedTickets = []struct{ subject, body, priority string }{
	{"FedRAMP environment: runners stuck in pending after upgrade", "After the 17.2 upgrade in our FedRAMP Moderate enclave, shared runners stay in pending. Logs are redacted per our ATO; we can share sanitised excerpts only.", "high"},
	{"SAML assertion rejected by the agency IdP (CAC login)", "CAC-based SSO fails with an audience mismatch since the IdP certificate rotation. No screen sharing is allowed on this network.", "urgent"},
	{"Request for sanitised log review procedure", "Please confirm the procedure for reviewing sanitised logs under our contract; raw logs cannot leave the enclave.", "normal"},
	{"Geo replication lag on the air-gapped secondary", "The air-gapped Geo secondary lags about six hours behind; the transfer window is nightly.", "normal"},
	{"License true-up for the agency's second program office", "The second program office needs 300 additional seats under the same contract vehicle.", "low"},
}

// loadRestrictedDemo creates the restricted US Government brand
// (docs/adr/0019-restricted-partitions.md): its own organization and
// customers, and tickets assigned to two cleared engineers of the roster
// (US Government Support specialty, verified US citizenship). The first
// admin, who holds neither, does not see any of it.
func (a *App) loadRestrictedDemo(ctx context.Context, res *DemoResult, byEmail map[string]int64) error {
	sys := audit.System()
	str := func(s string) *string { return &s }
	bl := func(b bool) *bool { return &b }
	b, err := a.Brands.Create(ctx, sys, brand.Input{Name: str("Frontline US Government"), Subdomain: str("usgov"),
		Path: str("/usgov"), Restricted: bl(true), RequiredSpecialty: str(team.SpecialtyUSGov), RequiresCitizenship: bl(true),
		SignatureTemplate: str("Frontline US Government Support (US persons only)"), ThemeName: str("USGov")})
	if err != nil {
		return fmt.Errorf("restricted brand: %w", err)
	}
	org, err := a.People.CreateOrganization(ctx, sys, people.OrganizationInput{Name: str("Federal Energy Agency"),
		SupportPlan: str("self_managed"), Tier: str("ultimate"), DomainNames: &[]string{"energy-agency.example"},
		Tags: &[]string{"us_government", "restricted"}})
	if err != nil {
		return fmt.Errorf("restricted organization: %w", err)
	}
	if err := a.Brands.SetOrganizationBrand(ctx, sys, org.ID, b.ID); err != nil {
		return err
	}
	// The US Government on-call schedule is the brand's: only the cleared
	// see it (oncall/partition.go).
	if gov, err := a.OnCall.ScheduleByKey(ctx, oncall.KeyUSGov); err == nil {
		if _, err := a.OnCall.SetBrand(ctx, sys, gov.ID, &b.ID); err != nil {
			return fmt.Errorf("restricted schedule: %w", err)
		}
	}
	if err := a.loadRestrictedHelpCenter(ctx, b.ID); err != nil {
		return err
	}
	var customers []int64
	for _, c := range [][2]string{{"Jordan Fed", "jordan@energy-agency.example"}, {"Casey Civil", "casey@energy-agency.example"}} {
		u, err := a.People.CreateUser(ctx, sys, people.UserInput{Name: str(c[0]), Email: str(c[1]), OrganizationID: &org.ID})
		if err != nil {
			return fmt.Errorf("restricted customer %s: %w", c[1], err)
		}
		if err := a.Brands.SetUserBrand(ctx, sys, u.ID, b.ID); err != nil {
			return err
		}
		customers = append(customers, u.ID)
	}
	if a.Config.DemoTickets <= 0 { // no help-desk history asked for: the brand and its customers only
		return nil
	}
	pub := true
	group := res.GroupIDs["AMER"] // the cleared engineers' group
	for i, t := range demoRestrictedTickets {
		engineer := byEmail[demoRestrictedEngineers[i%len(demoRestrictedEngineers)]]
		prio, bid := t.priority, b.ID
		requester := customers[i%len(customers)]
		tk, _, err := a.Tickets.Create(ctx, ticket.Actor{UserID: requester, Role: people.RoleEndUser}, ticket.CreateInput{
			Subject: t.subject, Comment: ticket.CommentInput{Body: t.body, Public: &pub}, Priority: &prio, BrandID: &bid,
			Via: &ticket.Via{Channel: ticket.ChannelWeb}, Tags: []string{"us_government"},
		})
		if err != nil {
			return fmt.Errorf("restricted ticket: %w", err)
		}
		if _, _, err := a.Tickets.Update(ctx, ticket.Actor{UserID: engineer, Role: people.RoleAgent}, tk.ID,
			ticket.UpdateInput{AssigneeID: &engineer, GroupID: &group}); err != nil {
			return fmt.Errorf("restricted ticket assignment: %w", err)
		}
	}
	return nil
}

// demoRestrictedArticles are the US Government brand's own Help Center
// (at /usgov/hc): read by its customers and cleared staff only.
var demoRestrictedArticles = []struct{ title, body, visibility string }{
	{"Sharing sanitised logs from an enclave", "Raw logs never leave the enclave. Run the bundled redaction script, review its output with your ISSO, then attach the sanitised archive to your request.\n\n1. `frontline-redact --input logs/ --output sanitised/`\n2. Check the report for any remaining hostnames.\n3. Attach `sanitised.tar.gz`.", "public"},
	{"Support without screen sharing", "Our US Government team works without screen sharing. Expect step-by-step instructions and requests for sanitised command output instead.", "public"},
	{"Upgrading an air-gapped FedRAMP installation", "Download the signed packages on a connected host, verify their checksums, move them across the boundary per your transfer procedure, then upgrade one minor version at a time.", "signed_in"},
	{"Runbook: CAC/SAML certificate rotation at an agency", "Internal: when the agency rotates its IdP certificate, ask for the new metadata through the secure channel; never over email. Update the SAML settings in a change window.", "internal"},
}

// loadRestrictedHelpCenter writes the restricted brand's Help Center.
func (a *App) loadRestrictedHelpCenter(ctx context.Context, brandID int64) error {
	if a.KB == nil {
		return nil
	}
	sys := audit.System()
	str := func(s string) *string { return &s }
	cat, err := a.KB.CreateCategory(ctx, sys, kb.CategoryInput{Name: str("US Government support"),
		Description: str("For agencies served by the restricted US Government support team."), BrandID: &brandID})
	if err != nil {
		return fmt.Errorf("restricted help center: %w", err)
	}
	sec, err := a.KB.CreateSection(ctx, sys, cat.ID, kb.SectionInput{Name: str("Working with the US Government team")})
	if err != nil {
		return fmt.Errorf("restricted help center: %w", err)
	}
	draft := false
	for _, d := range demoRestrictedArticles {
		if _, err := a.KB.CreateArticle(ctx, sys, sec.ID, kb.ArticleInput{Title: str(d.title), BodyMarkdown: str(d.body),
			Visibility: str(d.visibility), Draft: &draft, LabelNames: &[]string{"us_government"}}); err != nil {
			return fmt.Errorf("restricted article %q: %w", d.title, err)
		}
	}
	return nil
}
