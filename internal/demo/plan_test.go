package demo

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/sla"
)

var testNow = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

// fixture builds regional teams on the default SLA schedules and the demo's
// extra customer organizations (plus one with an assigned engineer and the
// featured customer), with ids.
func fixture(t *testing.T) ([]*Team, []*Org, int64) {
	t.Helper()
	var teams []*Team
	next := int64(1)
	id := func() int64 { next++; return next }
	for _, s := range sla.DefaultSchedules() {
		cal, err := sla.NewCalendar(&s)
		if err != nil {
			t.Fatal(err)
		}
		tm := &Team{Region: s.Name, GroupID: id(), Calendar: cal}
		for i := range 3 {
			tm.Engineers = append(tm.Engineers, Agent{ID: id(), Name: s.Name + " Engineer " + string(rune('A'+i)), Role: "agent"})
		}
		tm.Leads = []Agent{{ID: id(), Name: s.Name + " Manager", Role: "agent"}}
		teams = append(teams, tm)
	}
	var orgs []*Org
	for _, co := range CustomerOrgs(16) {
		loc, err := time.LoadLocation(co.TimeZone)
		if err != nil {
			t.Fatal(err)
		}
		o := &Org{ID: id(), Name: co.Name, Region: co.Region, Plan: co.Plan, Tier: co.Tier}
		for _, p := range co.People {
			o.Customers = append(o.Customers, Customer{ID: id(), Name: p.Name, Email: p.Email, Location: loc})
		}
		orgs = append(orgs, o)
	}
	ny, _ := time.LoadLocation("America/New_York")
	acme := &Org{ID: id(), Name: "Acme Rockets", Region: "AMER", Plan: "saas", Tier: "ultimate", ASE: teams[0].Engineers[0].ID,
		Customers: []Customer{{ID: id(), Name: "Wile E. Coyote", Email: "wile@acme.example", Location: ny}, {ID: id(), Name: "Road Runner", Email: "beep@acme.example", Location: ny}}}
	orgs = append(orgs, acme)
	return teams, orgs, acme.Customers[0].ID
}

func plan(t *testing.T, n int) ([]*TicketPlan, []*Team, []*Org, int64) {
	teams, orgs, featured := fixture(t)
	cfg := Config{Now: testNow, Days: 183, Tickets: n, Seed: 16, Featured: featured}
	return Plan(cfg, teams, orgs), teams, orgs, featured
}

func TestPlanIsDeterministic(t *testing.T) {
	teams, orgs, featured := fixture(t)
	cfg := Config{Now: testNow, Days: 183, Tickets: 400, Seed: 16, Featured: featured}
	a, b := Plan(cfg, teams, orgs), Plan(cfg, teams, orgs)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans with the same seed differ")
	}
	cfg.Seed = 17
	if c := Plan(cfg, teams, orgs); reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same plan")
	}
}

// TestPlanShape: the requested number of tickets, over the period, in
// creation order, each with steps in time order before now; every flow of
// a conversation occurs.
func TestPlanShape(t *testing.T) {
	plans, _, _, _ := plan(t, 3000)
	if len(plans) != 3000 {
		t.Fatalf("%d plans", len(plans))
	}
	start := testNow.AddDate(0, 0, -183)
	if first := plans[0].Created; first.After(testNow.AddDate(0, 0, -175)) || first.Before(start) {
		t.Fatalf("first ticket at %v", first)
	}
	var holds, pendingAtNow, reopened, ratings, notes, urgentFree int
	for i, p := range plans {
		if i > 0 && p.Created.Before(plans[i-1].Created) {
			t.Fatalf("plan %d out of creation order", i)
		}
		if !p.Created.Before(testNow) || p.Created.Before(start) {
			t.Fatalf("plan %d created at %v", i, p.Created)
		}
		last := p.Created
		for j, s := range p.Steps {
			if !s.At.After(last) || !s.At.Before(testNow) {
				t.Fatalf("plan %d step %d at %v (previous %v, now %v)", i, j, s.At, last, testNow)
			}
			last = s.At
			switch {
			case s.Status == "hold":
				holds++
			case s.Kind == Rate:
				ratings++
			case s.Kind == AgentUpdate && !s.Public:
				notes++
			}
		}
		if n := len(p.Steps); n > 0 && p.Steps[n-1].Status == "pending" {
			pendingAtNow++
		}
		if p.Reopened {
			reopened++
		}
		if p.Org.Tier == "free" && p.Priority == "urgent" {
			urgentFree++
		}
	}
	if holds < 50 || pendingAtNow < 100 || reopened < 50 || ratings < 300 || notes < 300 || urgentFree != 0 {
		t.Fatalf("holds %d, pending %d, reopened %d, ratings %d, notes %d, urgent free-tier %d", holds, pendingAtNow, reopened, ratings, notes, urgentFree)
	}
}

// TestWeeklySeasonality: weekdays are several times busier than weekends
// (in the customer's own calendar).
func TestWeeklySeasonality(t *testing.T) {
	plans, _, _, _ := plan(t, 3000)
	var byDay [7]int
	for _, p := range plans {
		byDay[p.Created.In(p.Requester.Location).Weekday()]++
	}
	weekday := float64(byDay[1]+byDay[2]+byDay[3]+byDay[4]+byDay[5]) / 5
	weekend := float64(byDay[0]+byDay[6]) / 2
	if weekday < 3*weekend || byDay[time.Monday] <= byDay[time.Friday] {
		t.Fatalf("tickets by weekday %v", byDay)
	}
}

// TestRegionalTimeOfDay: customers write in their daytime, so each
// region's tickets come at other UTC hours.
func TestRegionalTimeOfDay(t *testing.T) {
	plans, _, _, _ := plan(t, 3000)
	daytime := map[string][2]int{}
	utcHours := map[string]*[24]int{"AMER": {}, "EMEA": {}, "APAC": {}}
	for _, p := range plans {
		h := p.Created.In(p.Requester.Location).Hour()
		d := daytime[p.Org.Region]
		d[1]++
		if h >= 7 && h < 19 {
			d[0]++
		}
		daytime[p.Org.Region] = d
		utcHours[p.Org.Region][p.Created.UTC().Hour()]++
	}
	peak := map[string]int{}
	for region, d := range daytime {
		if d[1] < 300 || float64(d[0]) < 0.8*float64(d[1]) {
			t.Fatalf("%s: %d of %d tickets in local daytime", region, d[0], d[1])
		}
		best := 0
		for h, n := range utcHours[region] {
			if n > utcHours[region][best] {
				best = h
			}
		}
		peak[region] = best
	}
	// AMER's busiest UTC hours are afternoons, EMEA's mornings, APAC's the night.
	if !(peak["AMER"] >= 13 && peak["AMER"] <= 22 && peak["EMEA"] >= 6 && peak["EMEA"] <= 15 && (peak["APAC"] >= 20 || peak["APAC"] <= 8)) {
		t.Fatalf("busiest UTC hour per region: %v", peak)
	}
}

// TestTextsAreFilledIn: no template placeholder is left in any text.
func TestTextsAreFilledIn(t *testing.T) {
	plans, _, _, _ := plan(t, 3000)
	re := regexp.MustCompile(`\{[a-z_]+\}`)
	check := func(what, s string) {
		if m := re.FindString(s); m != "" {
			t.Fatalf("%s keeps %s: %q", what, m, s)
		}
		if strings.TrimSpace(s) == "" && what != "rating comment" {
			t.Fatalf("%s is empty", what)
		}
	}
	subjects := map[string]bool{}
	for _, p := range plans {
		check("subject", p.Subject)
		check("description", p.Body)
		subjects[p.Subject] = true
		for _, s := range p.Steps {
			if s.Kind == Rate {
				check("rating comment", s.GoodComment)
				for _, c := range s.BadComments {
					check("bad rating comment", c)
				}
				continue
			}
			check("comment", s.Body)
		}
	}
	if len(subjects) < 100 {
		t.Fatalf("only %d different subjects", len(subjects))
	}
}

// TestEngineers: tickets go to engineers of their organization's region,
// mostly to its assigned support engineer when it has one.
func TestEngineers(t *testing.T) {
	plans, teams, _, _ := plan(t, 2000)
	ase, aseTotal := 0, 0
	for _, p := range plans {
		if p.Org.ASE != 0 {
			aseTotal++
			if p.Engineer.ID == p.Org.ASE {
				ase++
			}
			continue
		}
		var team *Team
		for _, tm := range teams {
			if tm.Region == p.Org.Region {
				team = tm
			}
		}
		found := false
		for _, e := range team.Engineers {
			found = found || e.ID == p.Engineer.ID
		}
		if !found || p.Team != team {
			t.Fatalf("a %s ticket went to %+v", p.Org.Region, p.Engineer)
		}
	}
	if aseTotal == 0 || float64(ase) < 0.6*float64(aseTotal) {
		t.Fatalf("%d of %d tickets of an org with an ASE went to the ASE", ase, aseTotal)
	}
}

// TestFeaturedCustomer: the printed customer sign-in gets a handful of
// requests of their own, one in each state, and no others.
func TestFeaturedCustomer(t *testing.T) {
	plans, _, _, featured := plan(t, 500)
	var last []string
	for _, p := range plans {
		if p.Requester.ID != featured {
			continue
		}
		if !p.Featured {
			t.Fatal("the featured customer got a random ticket")
		}
		st := "new"
		for _, s := range p.Steps {
			if s.Status != "" {
				st = s.Status
			}
		}
		last = append(last, st)
	}
	want := []string{"solved", "solved", "solved", "solved", "pending", "open", "new"}
	if !reflect.DeepEqual(last, want) {
		t.Fatalf("featured tickets end %v, want %v", last, want)
	}
}

// TestTopicsFitTheOrganization: customers file only topics of their plan
// (no self-managed upgrade from a SaaS customer, no SaaS outage from a
// self-managed one), and every topic is filed.
func TestTopicsFitTheOrganization(t *testing.T) {
	plans, _, _, _ := plan(t, 3000)
	byTopic := map[string]int{}
	for _, p := range plans {
		byTopic[p.Topic]++
		for _, tp := range Topics {
			if tp.Key == p.Topic && tp.Plan != "" && tp.Plan != p.Org.Plan {
				t.Fatalf("a %s customer filed %s", p.Org.Plan, p.Topic)
			}
		}
	}
	for _, tp := range Topics {
		if byTopic[tp.Key] == 0 {
			t.Fatalf("no %s ticket", tp.Key)
		}
	}
}
