package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// TestTeamPages renders every team page with data, escapes names, and
// drives the forms with their permission rules.
func TestTeamPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		o := e.teamOrg()
		evil := "<script>alert(1)</script>"
		if _, err := e.ppl.UpdateUser(ctx, audit.System(), o.eng2.ID, people.UserInput{Name: &evil}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Team.CreateTimeOff(ctx, audit.System(), team.TimeOffInput{MemberID: &o.eng.ID, Type: ptrTo("vacation"),
			StartDate: ptrTo(e.clk.Now().Format(team.DateLayout)), Reason: ptrTo("secret reason")}); err != nil {
			t.Fatal(err)
		}
		mgr := signIn(t, e, o.mgr.Email)
		other := signIn(t, e, o.other.Email)
		for path, want := range map[string][]string{
			"/team":                      {"Ella Engineer", "Senior Support Engineer", "IC:manager", "people match", "flagged"},
			"/team?region=EMEA":          {"Ella Engineer", "2 people match"},
			"/team/org":                  {"Vera VP", "Max Manager", "2 reports"},
			"/team/mine":                 {"direct reports", "Away this week", "Ella Engineer", "vacation", "Overdue 1:1s"},
			"/team/time-off?region=EMEA": {"Time off · EMEA", "Ella Engineer", "vacation"},
			fmt.Sprintf("/team/members/%d", o.eng.ID): {"Ella Engineer", "Max Manager", "Vera VP", "secret reason", "Record time off", "Edit profile"},
		} {
			r := e.do(mgr, "GET", path, nil)
			if r.code != 200 {
				t.Errorf("%s: %d", path, r.code)
				continue
			}
			for _, w := range want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
			if strings.Contains(r.body, evil) {
				t.Errorf("%s does not escape a name", path)
			}
		}
		// An outsider sees the member without the private reason or the forms.
		r := e.do(other, "GET", fmt.Sprintf("/team/members/%d", o.eng.ID), nil)
		if r.code != 200 || strings.Contains(r.body, "secret reason") || strings.Contains(r.body, "Edit profile") || strings.Contains(r.body, "one-on-one-form") {
			t.Errorf("outsider's view: %d", r.code)
		}
		// Forms: the manager records a 1:1 and edits; an outsider may not.
		tok := e.csrf(mgr, "/team/mine")
		r = e.do(mgr, "POST", fmt.Sprintf("/team/members/%d/one-on-ones", o.eng.ID), strings.NewReader(url.Values{"csrf_token": {tok}, "type": {"one_on_one"},
			"held_on": {e.clk.Now().Format(team.DateLayout)}, "notes": {"talked growth"}}.Encode()), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "1:1 recorded.") || !strings.Contains(r.body, "talked growth") {
			t.Errorf("1:1 form: %d %s", r.code, r.body)
		}
		r = e.do(mgr, "POST", fmt.Sprintf("/team/members/%d", o.eng.ID), strings.NewReader(url.Values{"csrf_token": {tok}, "region": {"MARS"}}.Encode()), formCT...)
		if r.code != 422 || !strings.Contains(r.body, "Region: must be one of") {
			t.Errorf("bad edit: %d", r.code)
		}
		r = e.do(mgr, "POST", fmt.Sprintf("/team/members/%d", o.eng.ID), strings.NewReader(url.Values{"csrf_token": {tok}, "region": {"APAC"}, "time_zone": {"Asia/Tokyo"}}.Encode()), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "Profile saved.") {
			t.Errorf("edit: %d %s", r.code, r.body)
		}
		if m, _ := e.srv.Team.GetMember(ctx, o.eng.ID); m.Region != "APAC" || m.TimeZone != "Asia/Tokyo" {
			t.Errorf("edit not saved: %+v", m)
		}
		otok := e.csrf(other, "/team")
		r = e.do(other, "POST", fmt.Sprintf("/team/members/%d", o.eng.ID), strings.NewReader(url.Values{"csrf_token": {otok}, "region": {"EMEA"}}.Encode()), formCT...)
		if r.code != 403 {
			t.Errorf("outsider edits: %d", r.code)
		}
		r = e.do(other, "POST", fmt.Sprintf("/team/members/%d/time-off", o.other.ID), strings.NewReader(url.Values{"csrf_token": {otok}, "type": {"sick"},
			"start_date": {e.clk.Now().Format(team.DateLayout)}, "end_half_day": {"1"}}.Encode()), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "Time off recorded.") || !strings.Contains(r.body, "until midday") {
			t.Errorf("own time off form: %d %s", r.code, r.body)
		}
		if r := e.do(other, "GET", "/team/time-off?region=MARS", nil); r.code != 400 {
			t.Errorf("bad region: %d", r.code)
		}
		if r := e.do(nil, "GET", "/team", nil, basic(e.users[people.RoleEndUser].Email, pw)...); r.code != 403 {
			t.Errorf("customer: %d", r.code)
		}
	})
}
