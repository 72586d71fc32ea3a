package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// TestBrowserTeamJourney extends the browser journeys with the team area:
// a manager reads the roster, filters it, opens the org chart of a
// 120-person department, opens a report's page and records a 1:1 and time
// off, checks "my team" and the region calendar; every page is checked for
// a horizontal overflow on a 375-pixel phone screen.
func TestBrowserTeamJourney(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		ctx := context.Background()
		st := team.NewStore(d, audit.New(d), team.Options{}) // the data behind the server's own team store
		if _, err := st.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		levels := map[string]int64{}
		ls, _ := st.Levels(ctx)
		for _, l := range ls {
			levels[l.Key] = l.ID
		}
		// A department of 120 (a VP, 4 senior managers, 12 managers, 103
		// engineers), and the env's three staff users, put on the roster when
		// the levels were seeded.
		sys := audit.System()
		mk := func(name, role, level, region string, mgr int64) int64 {
			email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@dept.test"
			u, err := e.ppl.CreateUser(ctx, sys, people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				t.Fatal(err)
			}
			lid := levels[level]
			in := team.MemberInput{UserID: &u.ID, LevelID: &lid, Region: &region}
			if mgr != 0 {
				in.ManagerID = &mgr
			}
			if _, err := st.CreateMember(ctx, sys, in); err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		regions := team.Regions()
		vp := mk("Vera Vp", people.RoleAdmin, "vp-of-support", "AMER", 0)
		var managers []int64
		for i := range 4 {
			sm := mk(fmt.Sprintf("Senior Manager %d", i), people.RoleAgent, "senior-manager-support-engineering", regions[i%3], vp)
			for j := range 3 {
				managers = append(managers, mk(fmt.Sprintf("Manager %d%d", i, j), people.RoleAgent, "manager-support-engineering", regions[i%3], sm))
			}
		}
		for i := range 103 {
			mk(fmt.Sprintf("Engineer %03d", i), people.RoleAgent, "support-engineer", regions[i%3], managers[i%len(managers)])
		}
		// Alice (the browser env's agent, put on the roster when the levels
		// were seeded) gets a level and a manager.
		alice := e.users["alice"].ID
		lid, region := levels["senior-support-engineer"], "EMEA"
		if _, err := st.UpdateMember(ctx, sys, alice, team.MemberInput{LevelID: &lid, Region: &region, ManagerID: &managers[1]}); err != nil {
			t.Fatal(err)
		}
		mgr := managers[1]
		mgrUser, _ := e.ppl.GetUser(ctx, mgr)
		if err := e.auth.SetPassword(ctx, sys, mgr, pw); err != nil {
			t.Fatal(err)
		}
		s := e.session("manager")
		s.login(mgrUser.Email, ".sidebar")
		url := e.url

		s.do("roster", chromedp.Navigate(url+"/team"), chromedp.WaitVisible(chromedp.CSS("#roster")))
		s.mustContain("roster", "#team-stats", "123", "IC:manager")
		s.mustContain("roster count", "#roster-count", "123 people match")
		s.shot("team-roster", "#roster", "#roster-filters")
		s.navigate("filter EMEA", chromedp.SetValue(chromedp.CSS("#f-region"), "EMEA"), chromedp.Click(chromedp.CSS("#roster-filters button")))
		s.mustContain("filtered", "#roster-count", "people match")
		s.mustContain("filtered rows", "#roster", "EMEA")
		s.mustNotContain("filtered rows", "#roster", "AMER")

		s.do("org chart", chromedp.Navigate(url+"/team/org"), chromedp.WaitVisible(chromedp.CSS("#orgchart")))
		s.mustContain("org chart", "#orgchart", "Vera Vp", "Senior Manager 0", "reports")
		if n := s.eval(`String(document.querySelectorAll("#orgchart li").length)`); n != "123" {
			t.Errorf("org chart lists %s people", n)
		}
		s.shot("team-org", "#orgchart")

		s.do("member", chromedp.Navigate(fmt.Sprintf("%s/team/members/%d", url, alice)), chromedp.WaitVisible(chromedp.CSS("#profile")))
		s.mustContain("chain", "#chain", "Vera Vp", "Senior Manager 0", mgrUser.Name, "Alice Agent")
		s.mustContain("profile", "#profile", "Senior Support Engineer", "EMEA")
		today := time.Now().UTC().Format(team.DateLayout)
		s.navigate("record 1:1", chromedp.SendKeys(chromedp.CSS("#oo-notes"), "Wants to become an ASE."), chromedp.Click(chromedp.CSS("#add-one-on-one")))
		s.mustContain("1:1 recorded", "#one-on-ones", today, "Wants to become an ASE")
		s.do("time off", chromedp.SetValue(chromedp.CSS("#to-start"), today), chromedp.SetValue(chromedp.CSS("#to-end"), today),
			chromedp.SendKeys(chromedp.CSS("#to-reason"), "Moving house"))
		s.navigate("submit time off", chromedp.Click(chromedp.CSS("#add-time-off")))
		s.mustContain("time off", "#time-off", "vacation", "Moving house")
		s.shot("team-member", "#profile", "#time-off", "#one-on-ones")

		s.do("my team", chromedp.Navigate(url+"/team/mine"), chromedp.WaitVisible(chromedp.CSS("#my-reports")))
		s.mustContain("my team", "main", "direct reports", "Alice Agent", "vacation")
		s.shot("team-mine", "#my-reports", "#away")

		s.do("calendar", chromedp.Navigate(url+"/team/time-off?region=EMEA"), chromedp.WaitVisible(chromedp.CSS("#calendar")))
		s.mustContain("calendar", "#calendar", "Alice Agent")
		if n := s.eval(`String(document.querySelectorAll("#calendar td.off").length)`); n != "1" {
			t.Errorf("calendar marks %s days off", n)
		}
		s.shot("team-calendar", "#calendar")

		// On a phone: nothing but the calendar's own scroller is wider than the screen.
		s.do("phone", chromedp.EmulateViewport(375, 800))
		for _, p := range []string{"/team", "/team/org", fmt.Sprintf("/team/members/%d", alice), "/team/mine", "/team/time-off?region=EMEA"} {
			s.do("phone "+p, chromedp.Navigate(url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			if w := s.eval(`String(document.documentElement.scrollWidth)`); w != "375" {
				if n, _ := strconv.Atoi(w); n > 375 {
					t.Errorf("%s is %spx wide on a 375px screen", p, w)
				}
			}
		}
		if p := e.console.problems(); len(p) > 0 {
			t.Errorf("browser console problems:\n%s", strings.Join(p, "\n"))
		}
	})
}
