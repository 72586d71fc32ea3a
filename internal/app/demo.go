package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// DemoResult says what LoadDemo created. Besides the counts and the
// sign-ins it lists the people and accounts later demo data works with
// (the help-desk history assigns tickets to EngineersByRegion, files them
// for CustomersByOrg, routes them to GroupIDs).
type DemoResult struct {
	Organizations, Groups, Staff, Customers int
	Password                                string
	AgentEmail, ManagerEmail, CustomerEmail string

	// EngineersByRegion lists the user ids of the engineers who work
	// tickets (the Support Engineering family, leavers excluded) by region.
	EngineersByRegion map[string][]int64
	// ManagersByRegion lists the support managers (Manager and Senior
	// Manager, Support Engineering) by region.
	ManagersByRegion map[string][]int64
	// GroupIDs maps a region (and "Operations") to its group.
	GroupIDs map[string]int64
	// OrganizationIDs lists the customer organizations; CustomersByOrg their
	// end-users; ASEByOrg the Assigned Support Engineer of those that have one.
	OrganizationIDs []int64
	CustomersByOrg  map[int64][]int64
	ASEByOrg        map[int64]int64
}

const demoSetting = "demo.loaded"

// demoStaff is one person of the demo department.
type demoStaff struct {
	name, email, role, level, region, tz, manager string
	started                                       string // years-months ago: "3y2m"
	specialties                                   []string
	trainings                                     []string
	citizen                                       bool
	customRole                                    string
	hours                                         team.WorkingHours
	left                                          int // left this many days ago (0: on the team)
}

// demoRoster follows the handbook: a VP, a Director of Support and a
// Director of Support Readiness, a Senior Manager per hemisphere, a Manager
// per region (two in AMER), about thirty engineers of every level across
// AMER, EMEA and APAC (Assigned Support Engineers, US Government engineers
// with verified citizenship, two Shift engineers), and Support Operations.
func demoRoster() []demoStaff {
	const ase, gov, shift = team.SpecialtyASE, team.SpecialtyUSGov, team.SpecialtyShift
	interview := []string{"interview-training", "stage-1-assessment-review", "stage-2-technical-interview"}
	review := []string{"interview-training", "stage-1-assessment-review"}
	evenings := team.WorkingHours{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		evenings[d] = []team.Span{{Start: "17:00", End: "01:00"}}
	}
	weekends := team.WorkingHours{}
	for _, d := range []string{"thursday", "friday", "saturday", "sunday"} {
		weekends[d] = []team.Span{{Start: "08:00", End: "18:00"}}
	}
	e := func(s string) string { return s + "@frontline.example" }
	return []demoStaff{
		{name: "Dana Whitfield", email: e("dana.whitfield"), role: "admin", level: "VP of Support", region: "AMER", tz: "America/New_York", started: "6y", trainings: interview},
		{name: "Morgan Reyes", email: e("morgan.reyes"), role: "admin", level: "Director of Support", region: "AMER", tz: "America/Chicago", manager: e("dana.whitfield"), started: "5y3m", trainings: interview},
		{name: "Inès Moreau", email: e("ines.moreau"), role: "admin", level: "Director of Support Readiness", region: "EMEA", tz: "Europe/Paris", manager: e("dana.whitfield"), started: "3y1m", trainings: review},
		{name: "Carlos Mendes", email: e("carlos.mendes"), role: "agent", level: "Senior Manager, Support Engineering", region: "AMER", tz: "America/Chicago", manager: e("morgan.reyes"), started: "4y6m", trainings: interview, customRole: "Team Lead"},
		{name: "Priya Natarajan", email: e("priya.natarajan"), role: "agent", level: "Senior Manager, Support Engineering", region: "EMEA", tz: "Europe/London", manager: e("morgan.reyes"), started: "4y", trainings: interview, customRole: "Team Lead"},
		// AMER
		{name: "Aisha Bello", email: e("aisha.bello"), role: "agent", level: "Manager, Support Engineering", region: "AMER", tz: "America/New_York", manager: e("carlos.mendes"), started: "3y2m", trainings: interview, citizen: true, specialties: []string{gov}},
		{name: "Tom Becker", email: e("tom.becker"), role: "agent", level: "Manager, Support Engineering", region: "AMER", tz: "America/Los_Angeles", manager: e("carlos.mendes"), started: "2y8m", trainings: interview},
		{name: "Grace Liu", email: e("grace.liu"), role: "agent", level: "Staff Support Engineer", region: "AMER", tz: "America/Denver", manager: e("carlos.mendes"), started: "5y", trainings: interview},
		{name: "Alex Kim", email: e("alex.kim"), role: "agent", level: "Senior Support Engineer", region: "AMER", tz: "America/New_York", manager: e("aisha.bello"), started: "3y4m", trainings: interview, citizen: true, specialties: []string{ase, gov}},
		{name: "Maya Patel", email: e("maya.patel"), role: "agent", level: "Senior Support Engineer", region: "AMER", tz: "America/New_York", manager: e("aisha.bello"), started: "2y10m", trainings: review, citizen: true, specialties: []string{gov}},
		{name: "Jordan Blake", email: e("jordan.blake"), role: "agent", level: "Support Engineer", region: "AMER", tz: "America/Los_Angeles", manager: e("aisha.bello"), started: "1y9m", trainings: []string{"interview-training"}},
		{name: "Olivia Turner", email: e("olivia.turner"), role: "agent", level: "Support Engineer", region: "AMER", tz: "America/Toronto", manager: e("aisha.bello"), started: "1y2m"},
		{name: "Ethan Brooks", email: e("ethan.brooks"), role: "agent", level: "Associate Support Engineer", region: "AMER", tz: "America/New_York", manager: e("aisha.bello"), started: "0y7m"},
		{name: "Noah Rivera", email: e("noah.rivera"), role: "agent", level: "Customer Support Representative", region: "AMER", tz: "America/Chicago", manager: e("aisha.bello"), started: "0y11m"},
		{name: "Sam Okafor", email: e("sam.okafor"), role: "agent", level: "Support Engineer", region: "AMER", tz: "America/New_York", manager: e("aisha.bello"), started: "2y1m", specialties: []string{shift}, hours: evenings},
		{name: "Chris Nguyen", email: e("chris.nguyen"), role: "agent", level: "Senior Support Engineer", region: "AMER", tz: "America/Los_Angeles", manager: e("tom.becker"), started: "3y", trainings: interview, specialties: []string{ase}},
		{name: "Riley Johnson", email: e("riley.johnson"), role: "agent", level: "Support Engineer", region: "AMER", tz: "America/Denver", manager: e("tom.becker"), started: "1y6m", citizen: true, specialties: []string{gov}, trainings: []string{"interview-training"}},
		{name: "Ben Carter", email: e("ben.carter"), role: "agent", level: "Support Engineer", region: "AMER", tz: "America/Los_Angeles", manager: e("tom.becker"), started: "1y1m"},
		{name: "Dev Sharma", email: e("dev.sharma"), role: "agent", level: "Associate Support Engineer", region: "AMER", tz: "America/Los_Angeles", manager: e("tom.becker"), started: "0y1m"},
		// EMEA
		{name: "Anna Kowalski", email: e("anna.kowalski"), role: "agent", level: "Manager, Support Engineering", region: "EMEA", tz: "Europe/Warsaw", manager: e("priya.natarajan"), started: "3y7m", trainings: interview},
		{name: "Lukas Weber", email: e("lukas.weber"), role: "agent", level: "Staff Support Engineer", region: "EMEA", tz: "Europe/Berlin", manager: e("priya.natarajan"), started: "4y9m", trainings: interview, specialties: []string{ase}},
		{name: "Jonas Eriksson", email: e("jonas.eriksson"), role: "agent", level: "Senior Support Engineer", region: "EMEA", tz: "Europe/Stockholm", manager: e("anna.kowalski"), started: "2y5m", trainings: interview, specialties: []string{ase}},
		{name: "Emma Jansen", email: e("emma.jansen"), role: "agent", level: "Senior Support Engineer", region: "EMEA", tz: "Europe/Amsterdam", manager: e("anna.kowalski"), started: "2y2m", trainings: review},
		{name: "Sofia Rossi", email: e("sofia.rossi"), role: "agent", level: "Support Engineer", region: "EMEA", tz: "Europe/Rome", manager: e("anna.kowalski"), started: "1y8m", trainings: []string{"interview-training"}},
		{name: "Fatima El-Amin", email: e("fatima.el-amin"), role: "agent", level: "Support Engineer", region: "EMEA", tz: "Africa/Cairo", manager: e("anna.kowalski"), started: "1y3m"},
		{name: "Zara Ahmed", email: e("zara.ahmed"), role: "agent", level: "Support Engineer", region: "EMEA", tz: "Europe/London", manager: e("anna.kowalski"), started: "0y10m"},
		{name: "Nadia Petrova", email: e("nadia.petrova"), role: "agent", level: "Support Engineer", region: "EMEA", tz: "Europe/Sofia", manager: e("anna.kowalski"), started: "1y5m", specialties: []string{shift}, hours: weekends},
		{name: "Pierre Dubois", email: e("pierre.dubois"), role: "agent", level: "Associate Support Engineer", region: "EMEA", tz: "Europe/Paris", manager: e("anna.kowalski"), started: "0y5m"},
		{name: "Liam O'Connor", email: e("liam.oconnor"), role: "agent", level: "Customer Support Representative", region: "EMEA", tz: "Europe/Dublin", manager: e("anna.kowalski"), started: "0y9m"},
		{name: "Oscar Lind", email: e("oscar.lind"), role: "agent", level: "Support Engineer", region: "EMEA", tz: "Europe/Stockholm", manager: e("anna.kowalski"), started: "2y", left: 60},
		// APAC
		{name: "Kenji Watanabe", email: e("kenji.watanabe"), role: "agent", level: "Manager, Support Engineering", region: "APAC", tz: "Asia/Tokyo", manager: e("priya.natarajan"), started: "3y3m", trainings: interview},
		{name: "Arjun Mehta", email: e("arjun.mehta"), role: "agent", level: "Senior Support Engineer", region: "APAC", tz: "Asia/Kolkata", manager: e("kenji.watanabe"), started: "2y9m", trainings: interview, specialties: []string{ase}},
		{name: "Jack Wilson", email: e("jack.wilson"), role: "agent", level: "Senior Support Engineer", region: "APAC", tz: "Australia/Sydney", manager: e("kenji.watanabe"), started: "2y4m", trainings: review},
		{name: "Mei Chen", email: e("mei.chen"), role: "agent", level: "Support Engineer", region: "APAC", tz: "Australia/Sydney", manager: e("kenji.watanabe"), started: "1y7m", trainings: []string{"interview-training"}},
		{name: "Chloe Wong", email: e("chloe.wong"), role: "agent", level: "Support Engineer", region: "APAC", tz: "Asia/Singapore", manager: e("kenji.watanabe"), started: "1y"},
		{name: "Hiro Tanaka", email: e("hiro.tanaka"), role: "agent", level: "Associate Support Engineer", region: "APAC", tz: "Asia/Tokyo", manager: e("kenji.watanabe"), started: "0y6m"},
		{name: "Siti Rahman", email: e("siti.rahman"), role: "agent", level: "Customer Support Representative", region: "APAC", tz: "Asia/Kuala_Lumpur", manager: e("kenji.watanabe"), started: "0y8m"},
		// Support Operations
		{name: "Elena García", email: e("elena.garcia"), role: "admin", level: "Manager, Support Operations", region: "EMEA", tz: "Europe/Madrid", manager: e("ines.moreau"), started: "3y", trainings: review},
		{name: "Ravi Kumar", email: e("ravi.kumar"), role: "agent", level: "Support Operations Specialist", region: "APAC", tz: "Asia/Kolkata", manager: e("elena.garcia"), started: "1y10m", customRole: "Support Operations"},
		{name: "Lena Fischer", email: e("lena.fischer"), role: "agent", level: "Support Operations Specialist", region: "EMEA", tz: "Europe/Berlin", manager: e("elena.garcia"), started: "1y4m", customRole: "Support Operations"},
	}
}

// LoadDemo fills an empty install with a support department to explore:
// regional groups, the roster of demoRoster (levels, managers, specialties,
// trainings, time off, 1:1s), a recruiter and a light agent (custom roles),
// customer organizations on each plan and tier with their Assigned Support
// Engineers, and their users. It returns nil when demo data was loaded
// before. Every demo account gets the same generated password, returned
// once.
func (a *App) LoadDemo(ctx context.Context) (*DemoResult, error) {
	if _, ok, err := a.People.GetSetting(ctx, demoSetting); err != nil || ok {
		return nil, err
	}
	sys := audit.System()
	res := &DemoResult{Password: auth.NewSecret(12), EngineersByRegion: map[string][]int64{}, ManagersByRegion: map[string][]int64{},
		GroupIDs: map[string]int64{}, CustomersByOrg: map[int64][]int64{}, ASEByOrg: map[int64]int64{}}
	str := func(s string) *string { return &s }
	id := func(v int64) *int64 { return &v }
	bl := func(b bool) *bool { return &b }
	list := func(v ...string) *[]string { return &v }
	now := a.Clock.Now().UTC()
	date := func(t time.Time) string { return t.Format(team.DateLayout) }
	var passwords []int64 // users whose password is set at the end

	groups := map[string]int64{}
	for _, g := range []struct{ key, name, desc string }{
		{"AMER", "Support AMER", "Customer support, Americas"},
		{"EMEA", "Support EMEA", "Customer support, Europe, Middle East and Africa"},
		{"APAC", "Support APAC", "Customer support, Asia-Pacific"},
		{"Operations", "Support Operations", "Tooling, rules and reporting for the support team"},
	} {
		grp, err := a.People.CreateGroup(ctx, sys, people.GroupInput{Name: str(g.name), Description: str(g.desc), IsPublic: bl(true)})
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g.name, err)
		}
		groups[g.name] = grp.ID
		res.GroupIDs[g.key] = grp.ID
		res.Groups++
	}
	if err := a.loadSLADemo(ctx); err != nil { // regional public holidays (sla.go), before time off is read against them
		return nil, fmt.Errorf("SLA demo data: %w", err)
	}

	roles := map[string]int64{}
	if a.Access != nil {
		rs, err := a.Access.ListRoles(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			roles[r.Name] = r.ID
		}
	}
	levels := map[string]int64{}
	ls, err := a.Team.Levels(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		levels[l.Name] = l.ID
	}

	byEmail := map[string]int64{}
	roster := demoRoster()
	for i, s := range roster {
		in := people.UserInput{Name: str(s.name), Email: str(s.email), Role: str(s.role), Region: str(s.region), TimeZone: str(s.tz)}
		if rid, ok := roles[s.customRole]; ok && s.role == people.RoleAgent {
			in.CustomRoleID = id(rid)
		}
		u, err := a.People.CreateUser(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("staff %s: %w", s.email, err)
		}
		byEmail[s.email] = u.ID
		started := ago(now, s.started)
		mi := team.MemberInput{UserID: id(u.ID), LevelID: id(levels[s.level]), Region: str(s.region), TimeZone: str(s.tz),
			StartDate: str(date(started)), Specialties: list(s.specialties...), VerifiedCitizenship: bl(s.citizen)}
		if s.manager != "" {
			mi.ManagerID = id(byEmail[s.manager])
		}
		if s.hours != nil {
			mi.WorkingHours = &s.hours
		}
		if s.left > 0 {
			mi.EndDate = str(date(now.AddDate(0, 0, -s.left)))
		}
		var ts []team.MemberTrainingInput
		for j, t := range s.trainings { // completed some months after joining
			at := started.AddDate(0, 2+j*3+i%4, 0)
			if at.After(now) {
				at = now.AddDate(0, 0, -7)
			}
			ts = append(ts, team.MemberTrainingInput{Key: t, CompletedAt: date(at)})
		}
		if ts != nil {
			mi.Trainings = &ts
		}
		if _, err := a.Team.CreateMember(ctx, sys, mi); err != nil {
			return nil, fmt.Errorf("member %s: %w", s.email, err)
		}
		grp := "Support " + s.region
		if strings.Contains(s.level, "Operations") {
			grp = "Support Operations"
		}
		if s.left > 0 {
			f := false
			if _, err := a.People.UpdateUser(ctx, sys, u.ID, people.UserInput{Active: &f}); err != nil {
				return nil, err
			}
		} else {
			if _, err := a.People.AddGroupMembership(ctx, sys, u.ID, groups[grp], true); err != nil {
				return nil, fmt.Errorf("membership %s: %w", s.email, err)
			}
			passwords = append(passwords, u.ID)
			switch {
			case strings.HasSuffix(s.level, "Support Engineer") || s.level == "Customer Support Representative":
				res.EngineersByRegion[s.region] = append(res.EngineersByRegion[s.region], u.ID)
			case strings.HasSuffix(s.level, "Manager, Support Engineering"):
				res.ManagersByRegion[s.region] = append(res.ManagersByRegion[s.region], u.ID)
			}
		}
		res.Staff++
	}
	// Two people outside the support roster whose roles the permission
	// model expresses: a recruiter (no tickets, no customer data) and a
	// developer consulted on tickets as a light agent (internal notes only).
	for _, x := range []struct{ name, email, role string }{
		{"Rosa Alvarez", "rosa.alvarez@frontline.example", "Recruiter"},
		{"Felix Novak", "felix.novak@frontline.example", "Light Agent"},
	} {
		in := people.UserInput{Name: str(x.name), Email: str(x.email), Role: str(people.RoleAgent), Region: str("EMEA"), TimeZone: str("Europe/Prague")}
		if rid, ok := roles[x.role]; ok {
			in.CustomRoleID = id(rid)
		}
		u, err := a.People.CreateUser(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("staff %s: %w", x.email, err)
		}
		passwords = append(passwords, u.ID)
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
		{"Cyberdyne Systems", "self_managed", "ultimate", "cyberdyne.example", "alex.kim@frontline.example", "Support AMER", true,
			[][2]string{{"Miles Dyson", "miles@cyberdyne.example"}, {"Sarah Connor", "sarah@cyberdyne.example"}}},
		{"Stark Industries", "self_managed", "ultimate", "stark.example", "chris.nguyen@frontline.example", "Support AMER", false,
			[][2]string{{"Pepper Potts", "pepper@stark.example"}}},
		{"Wayne Enterprises", "saas", "ultimate", "wayne.example", "chris.nguyen@frontline.example", "Support AMER", true,
			[][2]string{{"Lucius Fox", "lucius@wayne.example"}}},
		{"Soylent Foods", "self_managed", "premium", "soylent.example", "jonas.eriksson@frontline.example", "Support EMEA", false,
			[][2]string{{"Sol Roth", "sol@soylent.example"}}},
		{"Wonka Industries", "saas", "ultimate", "wonka.example", "jonas.eriksson@frontline.example", "Support EMEA", true,
			[][2]string{{"Charlie Bucket", "charlie@wonka.example"}}},
		{"Tyrell Corporation", "self_managed", "ultimate", "tyrell.example", "arjun.mehta@frontline.example", "Support APAC", false,
			[][2]string{{"Rachael Tyrell", "rachael@tyrell.example"}, {"Eldon Tyrell", "eldon@tyrell.example"}}},
		{"US Digital Service", "self_managed", "ultimate", "usds.example", "alex.kim@frontline.example", "Support AMER", false,
			[][2]string{{"Pat Federal", "pat@usds.example"}}},
	}
	for _, o := range orgs {
		in := people.OrganizationInput{Name: str(o.name), SupportPlan: str(o.plan), Tier: str(o.tier),
			DomainNames: list(o.domain), SharedTickets: bl(o.shared), SharedComments: bl(o.shared), Tags: list(o.plan, o.tier)}
		if o.ase != "" {
			in.ASEUserID = id(byEmail[o.ase])
		}
		if o.group != "" {
			in.GroupID = id(groups[o.group])
			in.Region = str(strings.TrimPrefix(o.group, "Support ")) // its SLA clocks run on that region's hours
		}
		created, err := a.People.CreateOrganization(ctx, sys, in)
		if err != nil {
			return nil, fmt.Errorf("organization %s: %w", o.name, err)
		}
		res.Organizations++
		res.OrganizationIDs = append(res.OrganizationIDs, created.ID)
		if created.ASEUserID != nil {
			res.ASEByOrg[created.ID] = *created.ASEUserID
		}
		for _, c := range o.customers {
			u, err := a.People.CreateUser(ctx, sys, people.UserInput{Name: str(c[0]), Email: str(c[1]), OrganizationID: id(created.ID)})
			if err != nil {
				return nil, fmt.Errorf("customer %s: %w", c[1], err)
			}
			passwords = append(passwords, u.ID)
			res.CustomersByOrg[created.ID] = append(res.CustomersByOrg[created.ID], u.ID)
			res.Customers++
		}
	}
	res.CustomerEmail = "wile@acme.example"
	if err := a.loadTeamDemo(ctx, roster, byEmail, now); err != nil {
		return nil, err
	}
	if err := a.Auth.SetSharedPassword(ctx, sys, passwords, res.Password); err != nil { // hashed once
		return nil, err
	}
	kbd, err := a.loadKBDemo(ctx, res, byEmail[res.AgentEmail]) // the Help Center, before the history (demo_kb.go)
	if err != nil {
		return nil, fmt.Errorf("demo help center: %w", err)
	}
	if _, err := a.loadDemoHistory(ctx, res); err != nil { // months of help-desk history (demo_history.go)
		return nil, fmt.Errorf("demo history: %w", err)
	}
	if err := a.linkKBDemo(ctx, kbd); err != nil { // history tickets link the articles about them
		return nil, fmt.Errorf("demo help center links: %w", err)
	}
	if err := a.loadKPIDemo(ctx); err != nil { // revenue, operating plan, capacity parameters (demo_kpi.go)
		return nil, fmt.Errorf("KPI demo: %w", err)
	}
	if err := a.loadZendeskDemo(ctx); err != nil { // custom fields and forms (demo_zendesk.go)
		return nil, fmt.Errorf("zendesk demo data: %w", err)
	}
	if err := a.loadASEDemo(ctx, res); err != nil { // demo_ase.go
		return nil, fmt.Errorf("ASE demo: %w", err)
	}
	if err := a.loadRestrictedDemo(ctx, res, byEmail); err != nil { // demo_restricted.go
		return nil, fmt.Errorf("restricted brand demo: %w", err)
	}
	if err := a.loadAccessReviewDemo(ctx, byEmail); err != nil { // demo_ops.go
		return nil, fmt.Errorf("access review demo: %w", err)
	}
	if _, err := a.loadOnCallDemo(ctx, byEmail); err != nil { // demo_oncall.go
		return nil, fmt.Errorf("on-call demo: %w", err)
	}
	if err := a.loadIncidentDemo(ctx, res); err != nil { // demo_incident.go
		return nil, fmt.Errorf("incident demo: %w", err)
	}
	if err := a.loadHiringDemo(ctx, byEmail); err != nil { // demo_hiring.go
		return nil, fmt.Errorf("hiring demo: %w", err)
	}
	if err := a.People.SetSetting(ctx, sys, demoSetting, "true"); err != nil {
		return nil, err
	}
	return res, nil
}

// ago reads "3y2m" (years and months before now).
func ago(now time.Time, s string) time.Time {
	var y, m int
	if s != "" {
		_, _ = fmt.Sscanf(strings.ReplaceAll(strings.ReplaceAll(s, "y", " "), "m", ""), "%d %d", &y, &m)
	}
	return now.AddDate(-y, -m, 0)
}

// loadTeamDemo records time off around today (this week's absences, half
// days, past and future holidays) and a history of 1:1s and skip-levels,
// some of them overdue so that managers' pages show the flag.
func (a *App) loadTeamDemo(ctx context.Context, roster []demoStaff, byEmail map[string]int64, now time.Time) error {
	sys := audit.System()
	day := func(offset int) *string {
		d := now.AddDate(0, 0, offset).Format(team.DateLayout)
		return &d
	}
	str := func(s string) *string { return &s }
	b := func(v bool) *bool { return &v }
	monday := int(time.Monday - now.Weekday())
	if monday > 0 {
		monday -= 7
	}
	offs := []struct {
		email, kind  string
		from, to     int
		startH, endH bool
		reason       string
	}{
		{"sofia.rossi", "vacation", monday + 1, monday + 4, false, false, "Family trip to Sicily"},
		{"maya.patel", "sick", monday, monday, false, false, "Flu"},
		{"chris.nguyen", "conference", monday + 2, monday + 3, false, false, "Speaking at a DevOps conference"},
		{"mei.chen", "family_and_friends", monday + 4, monday + 4, false, false, ""},
		{"jordan.blake", "vacation", monday + 3, monday + 3, true, false, "Afternoon off: school play"},
		{"arjun.mehta", "vacation", 10, 20, false, false, "Wedding in Pune"},
		{"emma.jansen", "parental", -40, 50, false, false, "Parental leave"},
		{"anna.kowalski", "vacation", -30, -26, false, false, ""},
		{"grace.liu", "training", 3, 3, false, true, "Kubernetes workshop in the morning"},
		{"kenji.watanabe", "vacation", 25, 29, false, false, ""},
		{"ben.carter", "sick", -12, -11, false, false, ""},
		{"zara.ahmed", "vacation", monday + 2, monday + 2, true, false, ""},
	}
	for _, o := range offs {
		mid := byEmail[o.email+"@frontline.example"]
		in := team.TimeOffInput{MemberID: &mid, Type: str(o.kind), StartDate: day(o.from), EndDate: day(o.to),
			StartHalfDay: b(o.startH), EndHalfDay: b(o.endH), Reason: str(o.reason)}
		if _, err := a.Team.CreateTimeOff(ctx, audit.Actor{ID: mid, Role: people.RoleAgent}, in); err != nil {
			return fmt.Errorf("time off of %s: %w", o.email, err)
		}
	}
	// 1:1s: every manager meets each direct report every week or two; a
	// few have slipped (overdue), and senior managers hold skip-levels.
	notes := []string{
		"Talked about the ASE track and which accounts could fit.",
		"Ticket load is fine; wants more pairing on Kubernetes escalations.",
		"Reviewed last month's satisfaction comments together.",
		"Planning time off over the holidays; cover arranged.",
		"Interested in becoming an interviewer: will take the interview training.",
		"Discussed the on-call rotation and a swap next month.",
	}
	n := 0
	for _, s := range roster {
		if s.manager == "" || s.left > 0 {
			continue
		}
		mgr, member := byEmail[s.manager], byEmail[s.email]
		slipped := n%7 == 3 // about one in seven is overdue
		last := 3 + n%9
		if slipped {
			last = 20 + n%15
		}
		started := ago(now, s.started).Format(team.DateLayout)
		for k := 0; k < 4; k++ {
			held := day(-(last + 14*k))
			if *held < started {
				break
			}
			if _, err := a.Team.RecordOneOnOne(ctx, sys, mgr, team.OneOnOneInput{MemberID: &member, HeldOn: held, Notes: str(notes[(n+k)%len(notes)])}); err != nil {
				return fmt.Errorf("1:1 of %s: %w", s.email, err)
			}
		}
		n++
	}
	chains := map[string]string{}
	for _, s := range roster {
		chains[s.email] = s.manager
	}
	for i, s := range roster { // skip-levels: the manager's manager, every quarter or so
		grand := chains[s.manager]
		if s.manager == "" || grand == "" || s.left > 0 || i%3 == 0 {
			continue
		}
		member := byEmail[s.email]
		if _, err := a.Team.RecordOneOnOne(ctx, sys, byEmail[grand], team.OneOnOneInput{MemberID: &member, Type: str(team.SkipLevelKind),
			HeldOn: day(-(10 + i*3)), Notes: str("Skip-level: how the team works, what would help.")}); err != nil {
			return fmt.Errorf("skip-level of %s: %w", s.email, err)
		}
	}
	return nil
}
