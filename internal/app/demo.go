package app

import (
	"context"
	"fmt"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/people"
)

// DemoResult says what LoadDemo created.
type DemoResult struct {
	Organizations, Groups, Staff, Customers int
	Password                                string
	AgentEmail, ManagerEmail, CustomerEmail string
}

const demoSetting = "demo.loaded"

// LoadDemo fills an empty install with a support department to explore:
// regional groups, staff across AMER/EMEA/APAC with managers and trainings,
// customer organizations on each plan and tier, and their users. It returns
// nil when demo data was loaded before. Every demo account gets the same
// generated password, returned once.
func (a *App) LoadDemo(ctx context.Context) (*DemoResult, error) {
	if _, ok, err := a.People.GetSetting(ctx, demoSetting); err != nil || ok {
		return nil, err
	}
	sys := audit.System()
	res := &DemoResult{Password: auth.NewSecret(12)}
	str := func(s string) *string { return &s }
	id := func(v int64) *int64 { return &v }
	bl := func(b bool) *bool { return &b }
	list := func(v ...string) *[]string { return &v }

	groups := map[string]int64{}
	for _, g := range []struct{ name, desc string }{
		{"Support AMER", "Customer support, Americas"},
		{"Support EMEA", "Customer support, Europe, Middle East and Africa"},
		{"Support APAC", "Customer support, Asia-Pacific"},
		{"Support Operations", "Tooling, rules and reporting for the support team"},
	} {
		grp, err := a.People.CreateGroup(ctx, sys, people.GroupInput{Name: str(g.name), Description: str(g.desc), IsPublic: bl(true)})
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g.name, err)
		}
		groups[g.name] = grp.ID
		res.Groups++
	}

	type staff struct {
		name, email, role, title, family, grade, region, tz, manager string
		trainings                                                    []string
		citizen                                                      bool
	}
	staffList := []staff{
		{"Morgan Reyes", "morgan.reyes@frontline.example", "admin", "Senior Manager, Support", "support-management", "10", "AMER", "America/Chicago", "", []string{"manager-onboarding", "customer-emergencies"}, false},
		{"Priya Natarajan", "priya.natarajan@frontline.example", "agent", "Manager, Support", "support-management", "9", "EMEA", "Europe/London", "morgan.reyes@frontline.example", []string{"manager-onboarding", "customer-emergencies"}, false},
		{"Kenji Watanabe", "kenji.watanabe@frontline.example", "agent", "Manager, Support", "support-management", "9", "APAC", "Asia/Tokyo", "morgan.reyes@frontline.example", []string{"manager-onboarding"}, false},
		{"Alex Kim", "alex.kim@frontline.example", "agent", "Senior Support Engineer", "support-engineering", "8", "AMER", "America/New_York", "morgan.reyes@frontline.example", []string{"saas-basics", "self-managed-basics", "customer-emergencies", "assessment-reviewer"}, true},
		{"Jordan Blake", "jordan.blake@frontline.example", "agent", "Support Engineer", "support-engineering", "7", "AMER", "America/Los_Angeles", "morgan.reyes@frontline.example", []string{"saas-basics"}, false},
		{"Sofia Rossi", "sofia.rossi@frontline.example", "agent", "Support Engineer", "support-engineering", "7", "EMEA", "Europe/Rome", "priya.natarajan@frontline.example", []string{"self-managed-basics", "customer-emergencies"}, false},
		{"Lukas Weber", "lukas.weber@frontline.example", "agent", "Staff Support Engineer", "support-engineering", "9", "EMEA", "Europe/Berlin", "priya.natarajan@frontline.example", []string{"saas-basics", "self-managed-basics", "assessment-reviewer"}, false},
		{"Mei Chen", "mei.chen@frontline.example", "agent", "Support Engineer", "support-engineering", "7", "APAC", "Australia/Sydney", "kenji.watanabe@frontline.example", []string{"saas-basics"}, false},
		{"Ravi Kumar", "ravi.kumar@frontline.example", "agent", "Support Operations Specialist", "support-operations", "7", "APAC", "Asia/Kolkata", "kenji.watanabe@frontline.example", nil, false},
	}
	byEmail := map[string]int64{}
	for _, s := range staffList {
		in := people.UserInput{
			Name: str(s.name), Email: str(s.email), Role: str(s.role), JobTitle: str(s.title), JobFamily: str(s.family),
			Grade: str(s.grade), Region: str(s.region), TimeZone: str(s.tz), Trainings: list(s.trainings...),
			VerifiedCitizenship: bl(s.citizen),
		}
		if s.manager != "" {
			in.ManagerID = id(byEmail[s.manager])
		}
		u, err := a.People.CreateUser(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("staff %s: %w", s.email, err)
		}
		byEmail[s.email] = u.ID
		if err := a.Auth.SetPassword(ctx, sys, u.ID, res.Password); err != nil {
			return nil, err
		}
		grp := "Support " + s.region
		if s.family == "support-operations" {
			grp = "Support Operations"
		}
		if _, err := a.People.AddGroupMembership(ctx, sys, u.ID, groups[grp], true); err != nil {
			return nil, fmt.Errorf("membership %s: %w", s.email, err)
		}
		res.Staff++
	}
	res.AgentEmail, res.ManagerEmail = "alex.kim@frontline.example", "morgan.reyes@frontline.example"

	type org struct {
		name, plan, tier, domain, ase, group string
		shared                               bool
		customers                            [][2]string
	}
	orgs := []org{
		{"Acme Rockets", "saas", "ultimate", "acme.example", "alex.kim@frontline.example", "Support AMER", true,
			[][2]string{{"Wile E. Coyote", "wile@acme.example"}, {"Road Runner", "beep@acme.example"}}},
		{"Globex", "self_managed", "premium", "globex.example", "lukas.weber@frontline.example", "Support EMEA", false,
			[][2]string{{"Hank Scorpio", "hank@globex.example"}, {"Frank Grimes", "frank@globex.example"}}},
		{"Initech", "self_managed", "free", "initech.example", "", "", false,
			[][2]string{{"Peter Gibbons", "peter@initech.example"}}},
		{"Umbrella Pharma", "saas", "premium", "umbrella.example", "", "Support APAC", true,
			[][2]string{{"Ada Wong", "ada@umbrella.example"}}},
	}
	for _, o := range orgs {
		in := people.OrganizationInput{Name: str(o.name), SupportPlan: str(o.plan), Tier: str(o.tier),
			DomainNames: list(o.domain), SharedTickets: bl(o.shared), SharedComments: bl(o.shared), Tags: list(o.plan, o.tier)}
		if o.ase != "" {
			in.ASEUserID = id(byEmail[o.ase])
		}
		if o.group != "" {
			in.GroupID = id(groups[o.group])
		}
		created, err := a.People.CreateOrganization(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("organization %s: %w", o.name, err)
		}
		res.Organizations++
		for _, c := range o.customers {
			u, err := a.People.CreateUser(ctx, sys, people.UserInput{Name: str(c[0]), Email: str(c[1]), OrganizationID: id(created.ID)})
			if err != nil {
				return nil, fmt.Errorf("customer %s: %w", c[1], err)
			}
			if err := a.Auth.SetPassword(ctx, sys, u.ID, res.Password); err != nil {
				return nil, err
			}
			res.Customers++
		}
	}
	res.CustomerEmail = "wile@acme.example"
	if err := a.loadSLADemo(ctx); err != nil { // regional public holidays (sla.go)
		return nil, fmt.Errorf("SLA demo data: %w", err)
	}
	if _, err := a.loadDemoHistory(ctx, res); err != nil { // months of help-desk history (demo_history.go)
		return nil, fmt.Errorf("demo history: %w", err)
	}
	if err := a.People.SetSetting(ctx, sys, demoSetting, "true"); err != nil {
		return nil, err
	}
	return res, nil
}
