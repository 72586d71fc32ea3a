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
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// TestBrowserOnCallJourney runs the on-call area in a real browser: a
// manager sees who is on call and the open emergency with its owner, reads
// CEOC's calendar by week and month, puts an engineer on an override,
// writes an escalation policy in the editor and edits it, adds a chat
// webhook and switches it off, acknowledges the incident from its page and
// reads the fairness table; an engineer opens her shifts and asks for a
// swap. The pages are checked on a 375-pixel phone screen too.
func TestBrowserOnCallJourney(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		ctx := context.Background()
		sys := audit.System()
		al := audit.New(d)
		st := team.NewStore(d, al, team.Options{}) // the data behind the server's own stores
		if _, err := st.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		levels := map[string]int64{}
		ls, _ := st.Levels(ctx)
		for _, l := range ls {
			levels[l.Key] = l.ID
		}
		place := func(id int64, level, region, tz string) {
			lid := levels[level]
			if _, err := st.UpdateMember(ctx, sys, id, team.MemberInput{LevelID: &lid, Region: &region, TimeZone: &tz}); err != nil {
				t.Fatal(err)
			}
		}
		place(e.users["alice"].ID, "support-engineer", "EMEA", "Europe/London")
		place(e.users["bob"].ID, "support-engineer", "AMER", "America/New_York")
		for i, region := range []string{"EMEA", "APAC", "APAC", "AMER"} {
			name := fmt.Sprintf("Engineer %d", i)
			email := fmt.Sprintf("engineer%d@example.com", i)
			role := people.RoleAgent
			u, err := e.ppl.CreateUser(ctx, sys, people.UserInput{Name: &name, Email: &email, Role: &role})
			if err != nil {
				t.Fatal(err)
			}
			lid, tz := levels["support-engineer"], map[string]string{"EMEA": "Europe/Dublin", "APAC": "Asia/Singapore", "AMER": "America/Chicago"}[region]
			if _, err := st.CreateMember(ctx, sys, team.MemberInput{UserID: &u.ID, LevelID: &lid, Region: &region, TimeZone: &tz}); err != nil {
				t.Fatal(err)
			}
		}
		oc := oncall.NewStore(d, al, st)
		if _, err := oc.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		ceoc, err := oc.ScheduleByKey(ctx, oncall.KeyCEOC)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := oc.FillQuarter(ctx, sys, ceoc.ID, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		inc := incident.NewStore(d, al, incident.Options{OnCall: oc})
		pol, err := inc.CreatePolicy(ctx, sys, incident.DefaultEmergencyPolicy(ceoc.ID, ceoc.ID, nil))
		if err != nil {
			t.Fatal(err)
		}
		svc, err := inc.CreateService(ctx, sys, incident.ServiceInput{Name: "Customer emergencies", EscalationPolicyID: pol.ID, Kind: "emergency"})
		if err != nil {
			t.Fatal(err)
		}
		emergency, _, err := inc.Trigger(ctx, sys, incident.TriggerInput{ServiceID: svc.ID, Title: "Registry down for Acme", Key: "browser-1", Severity: 1, Urgency: "high"})
		if err != nil {
			t.Fatal(err)
		}
		if err := inc.StepNow(ctx, emergency.ID); err != nil {
			t.Fatal(err)
		}
		url := e.url

		s := e.session("ada")
		s.login("ada@example.com", "#sidebar")
		s.navigate("who is on call", chromedp.Navigate(url+"/oncall"))
		s.mustContain("on call now", ".oncall-now", "Customer Emergency On-Call")
		s.mustContain("open emergencies", "#open-emergencies", "Registry down for Acme", "owned by")
		s.shot("oncall-now", ".oncall-now", "#open-emergencies")

		sched := fmt.Sprintf("/oncall/schedules/%d", ceoc.ID)
		s.navigate("the CEOC calendar", chromedp.Click(chromedp.CSS(`a[href="`+sched+`"]`)))
		s.do("calendar", chromedp.WaitVisible(chromedp.CSS(".oncall-cal")))
		if n := s.eval(`String(document.querySelectorAll(".oncall-cal .oc-layer").length)`); n == "0" {
			t.Fatal("the week shows no shifts")
		}
		s.navigate("month view", chromedp.Click(chromedp.CSS(`nav.tabs a[href="?view=month"]`)))
		if n, _ := strconv.Atoi(s.eval(`String(document.querySelectorAll(".oncall-cal td").length)`)); n < 28 {
			t.Fatalf("the month shows %d days", n)
		}
		s.shot("oncall-month", ".oncall-cal")

		// An override for Bob tomorrow 10:00-12:00 (the schedule's zone).
		loc, _ := time.LoadLocation(ceoc.TZ)
		day := time.Now().In(loc).AddDate(0, 0, 1).Format("2006-01-02")
		s.navigate("week view", chromedp.Navigate(url+sched+"?view=week&date="+day))
		bob := strconv.FormatInt(e.users["bob"].ID, 10)
		s.do("fill the override", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const f = document.querySelector('form[action$="/overrides"]');
			f.querySelector('select[name=user_id]').value = %q;
			f.querySelector('input[name=start]').value = %q;
			f.querySelector('input[name=end]').value = %q;
			f.querySelector('input[name=reason]').value = 'covering a dentist visit';
		})()`, bob, day+"T10:00", day+"T12:00")))
		s.navigate("save the override", chromedp.Click(chromedp.CSS(`form[action$="/overrides"] button[type=submit]`)))
		s.mustContain("the override", "main", "Bob Backup", "covering a dentist visit")

		// The escalation policy editor: a new policy, then an edit.
		s.navigate("incidents", chromedp.Navigate(url+"/incidents"))
		s.navigate("new policy", chromedp.Click(chromedp.CSS(`a[href="/incidents/policies/new"]`)))
		s.do("fill the policy", chromedp.SendKeys(chromedp.CSS("#policy-form input[name=name]"), "Database on-call"),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
				const f = document.getElementById('policy-form');
				f.querySelector('select[name=targets_0] option[value="schedule:%d"]').selected = true;
				f.querySelector('input[name=delay_0]').value = '7';
				f.querySelector('select[name=targets_1] option[value="user:%d"]').selected = true;
			})()`, ceoc.ID, e.users["ada"].ID)))
		s.shot("policy-editor", "#policy-form")
		s.navigate("save the policy", chromedp.Click(chromedp.CSS("#policy-form button[type=submit]")))
		s.mustContain("the saved policy", "#policies ~ article:last-of-type", "Database on-call", "after 7 minutes")
		edit := s.eval(`[...document.querySelectorAll("article")].find(a => a.textContent.includes("Database on-call")).querySelector("a[href$='/edit']").getAttribute("href")`)
		s.navigate("edit the policy", chromedp.Navigate(url+edit))
		s.do("change the delay", chromedp.Evaluate[chromedp.Void](`document.querySelector('#policy-form input[name=delay_0]').value = '12'`))
		s.navigate("save again", chromedp.Click(chromedp.CSS("#policy-form button[type=submit]")))
		s.mustContain("the edited policy", "#policies ~ article:last-of-type", "after 12 minutes")
		// A level with a zero delay is refused by the rule, on the form.
		s.navigate("edit again", chromedp.Navigate(url+edit))
		s.do("zero delay", chromedp.Evaluate[chromedp.Void](`document.querySelector('#policy-form input[name=delay_0]').removeAttribute('min'); document.querySelector('#policy-form input[name=delay_0]').value = '0'`))
		s.navigate("save a zero delay", chromedp.Click(chromedp.CSS("#policy-form button[type=submit]")))
		s.mustContain("the refusal", ".error", "Escalation rule")

		// Chat webhooks.
		s.navigate("webhooks", chromedp.Navigate(url+"/incidents/webhooks"))
		s.do("fill the webhook", chromedp.SendKeys(chromedp.CSS("#webhook-form input[name=name]"), "Ops room"),
			chromedp.SendKeys(chromedp.CSS("#webhook-form input[name=url]"), "https://chat.example/hooks/ops"),
			chromedp.SetValue(chromedp.CSS("#webhook-form select[name=format]"), "mattermost"))
		s.navigate("add the webhook", chromedp.Click(chromedp.CSS("#webhook-form button[type=submit]")))
		s.mustContain("the webhook", "#chat-webhooks", "Ops room", "mattermost", "on")
		s.navigate("switch it off", chromedp.Click(chromedp.CSS(`#chat-webhooks form[action$="/change"] button`)))
		s.mustContain("switched off", "#chat-webhooks", "off", "Switch on")
		s.shot("chat-webhooks", "#chat-webhooks")

		// The incident page: acknowledge.
		s.navigate("the incident", chromedp.Navigate(fmt.Sprintf("%s/incidents/%d", url, emergency.ID)))
		s.navigate("acknowledge", chromedp.Click(chromedp.CSS("#acknowledge")))
		s.mustContain("acknowledged", "#incident-status", "acknowledged")
		s.mustContain("the timeline", "#timeline", "Acknowledged")
		s.shot("incident", "#timeline")

		s.navigate("fairness", chromedp.Navigate(url+"/oncall/fairness"))
		s.mustContain("fairness", "main", "balance score")
		s.shot("oncall-fairness", "main")

		// Alice: her shifts, and a swap request.
		a := e.session("alice")
		a.login("alice@example.com", "#sidebar")
		a.navigate("my shifts", chromedp.Navigate(url+"/oncall/mine"))
		a.mustContain("my shifts", "main", "My shifts", "Customer Emergency On-Call")
		a.do("note", chromedp.SendKeys(chromedp.CSS(`form[action="/oncall/swaps"] input[name=note]`), "family wedding"))
		a.navigate("request a swap", chromedp.Click(chromedp.CSS(`form[action="/oncall/swaps"] button[type=submit]`)))
		a.mustContain("the swap", "main", "family wedding", "pending")
		a.shot("oncall-mine", "main")

		// On a phone nothing is wider than the screen but the calendar's own scroller.
		s.do("phone", chromedp.EmulateViewport(375, 800))
		for _, p := range []string{"/oncall", sched + "?view=week", "/oncall/fairness", "/incidents", edit, "/incidents/webhooks", fmt.Sprintf("/incidents/%d", emergency.ID)} {
			s.do("phone "+p, chromedp.Navigate(url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			if w := s.eval(`String(document.documentElement.scrollWidth)`); w != "375" {
				if n, _ := strconv.Atoi(w); n > 375 {
					t.Errorf("%s is %spx wide on a 375px screen", p, w)
				}
			}
		}
		if strings.Contains(s.text("body"), "template:") {
			t.Fatal("a template error on a phone page")
		}
		if p := e.console.problems(); len(p) > 0 {
			t.Errorf("browser console problems:\n%s", strings.Join(p, "\n"))
		}
	})
}
