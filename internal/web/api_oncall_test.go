package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// onCallWorld seeds the roster and the default schedules, filled for the
// quarter, and returns the members by name and an admin API token.
func onCallWorld(t *testing.T, e *env) (map[string]int64, map[string]*oncall.Schedule, string) {
	t.Helper()
	ctx := context.Background()
	sys := audit.System()
	if _, err := e.srv.Team.SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	ls, err := e.srv.Team.Levels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	level := map[string]int64{}
	for _, l := range ls {
		level[l.Key] = l.ID
	}
	ids := map[string]int64{}
	add := func(name, region string, manager bool, specs ...string) {
		email, role := strings.ToLower(name)+"@oncall.test", people.RoleAgent
		in := people.UserInput{Name: &name, Email: &email, Role: &role}
		if len(specs) > 0 {
			yes := true
			in.VerifiedCitizenship = &yes
		}
		u, err := e.ppl.CreateUser(ctx, sys, in)
		if err != nil {
			t.Fatal(err)
		}
		lvl := level["support-engineer"]
		if manager {
			lvl = level["manager-support-engineering"]
		}
		tz := map[string]string{"EMEA": "Europe/London", "APAC": "Australia/Sydney", "AMER": "America/New_York"}[region]
		mi := team.MemberInput{UserID: &u.ID, LevelID: &lvl, Region: &region, TimeZone: &tz}
		if len(specs) > 0 {
			mi.Specialties = &specs
		}
		if _, err := e.srv.Team.CreateMember(ctx, sys, mi); err != nil {
			t.Fatalf("member %s: %v", name, err)
		}
		ids[name] = u.ID
	}
	add("Emma", "EMEA", false)
	add("Eli", "EMEA", false)
	add("Aki", "APAC", false)
	add("Ana", "APAC", false)
	add("Max", "AMER", false)
	add("Gus", "AMER", false, team.SpecialtyUSGov)
	add("Gia", "AMER", false, team.SpecialtyUSGov)
	add("Elke", "EMEA", true)
	add("Mara", "AMER", true)
	if _, err := e.srv.OnCall.SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	scs, err := e.srv.OnCall.Schedules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*oncall.Schedule{}
	for i := range scs {
		if _, err := e.srv.OnCall.FillQuarter(ctx, sys, scs[i].ID, e.clk.Now(), nil); err != nil {
			t.Fatalf("fill %s: %v", scs[i].Name, err)
		}
		byKey[scs[i].Key] = &scs[i]
	}
	tok, _, err := e.auth.CreateAPIToken(ctx, sys, e.users[people.RoleAdmin].ID, "pagerduty script")
	if err != nil {
		t.Fatal(err)
	}
	return ids, byKey, tok
}

func pdJSON(t *testing.T, r resp, want int) map[string]any {
	t.Helper()
	if r.code != want {
		t.Fatalf("status %d, want %d: %.600s", r.code, want, r.body)
	}
	var m map[string]any
	if r.body != "" {
		if err := json.Unmarshal([]byte(r.body), &m); err != nil {
			t.Fatalf("%v: %.300s", err, r.body)
		}
	}
	return m
}

func pdErrCode(t *testing.T, r resp, status int, code float64) map[string]any {
	t.Helper()
	m := pdJSON(t, r, status)
	e, _ := m["error"].(map[string]any)
	if e == nil || e["code"] != code {
		t.Fatalf("error body %v, want code %v", m, code)
	}
	return e
}

func TestPagerDutySchedulesAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids, scs, tok := onCallWorld(t, e)
		pd := func(method, path, body string) resp {
			var rd *strings.Reader
			if body != "" {
				rd = strings.NewReader(body)
			} else {
				rd = strings.NewReader("")
			}
			return e.do(nil, method, path, rd, "Authorization", "Token token="+tok, "Accept", "application/vnd.pagerduty+json;version=2",
				"Content-Type", "application/json")
		}
		// Authentication: the PagerDuty header with a Frontline token; a
		// wrong one is PagerDuty's 401.
		pdErrCode(t, e.do(nil, "GET", "/pagerduty/users", nil, "Authorization", "Token token=wrong"), 401, 2006)
		pdErrCode(t, e.do(nil, "GET", "/pagerduty/users", nil), 401, 2006)
		pdErrCode(t, pd("GET", "/pagerduty/nothing_here", ""), 404, 2100)

		users := pdJSON(t, pd("GET", "/pagerduty/users", ""), 200)
		if users["limit"] != float64(25) || users["offset"] != float64(0) || users["more"] != false || users["total"] != nil {
			t.Fatalf("envelope %v", users)
		}
		n := len(users["users"].([]any))
		page := pdJSON(t, pd("GET", "/pagerduty/users?limit=2&offset=1&total=true", ""), 200)
		if len(page["users"].([]any)) != 2 || page["more"] != true || page["total"] != float64(n) {
			t.Fatalf("page %v (of %d)", page, n)
		}
		found := pdJSON(t, pd("GET", "/pagerduty/users?query=emma", ""), 200)["users"].([]any)
		if len(found) != 1 || found[0].(map[string]any)["id"] != fmt.Sprint(ids["Emma"]) || found[0].(map[string]any)["type"] != "user" {
			t.Fatalf("query %v", found)
		}
		pdErrCode(t, pd("GET", "/pagerduty/users?colour=red", ""), 400, 2001)
		pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/users/%d", ids["Eli"]), ""), 200)

		list := pdJSON(t, pd("GET", "/pagerduty/schedules", ""), 200)["schedules"].([]any)
		if len(list) != 4 {
			t.Fatalf("schedules %v", list)
		}
		ceoc, gov := scs[oncall.KeyCEOC], scs[oncall.KeyUSGov]
		now := e.clk.Now().UTC().Truncate(time.Hour)
		since, until := now.Format(time.RFC3339), now.Add(7*24*time.Hour).Format(time.RFC3339)
		win := "since=" + url.QueryEscape(since) + "&until=" + url.QueryEscape(until)
		one := pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/schedules/%d?%s&time_zone=Europe/Amsterdam", ceoc.ID, win), ""), 200)["schedule"].(map[string]any)
		layers := one["schedule_layers"].([]any)
		if len(layers) != 7 {
			t.Fatalf("layers %d", len(layers))
		}
		l0 := layers[0].(map[string]any)
		if l0["rotation_turn_length_seconds"] != float64(7*24*3600) || len(l0["restrictions"].([]any)) == 0 {
			t.Fatalf("layer %v", l0)
		}
		final := one["final_schedule"].(map[string]any)
		entries := final["rendered_schedule_entries"].([]any)
		if len(entries) < 20 || final["rendered_coverage_percentage"] != float64(100) {
			t.Fatalf("final schedule: %d entries, coverage %v", len(entries), final["rendered_coverage_percentage"])
		}
		first := entries[0].(map[string]any)
		if !strings.HasSuffix(first["start"].(string), "+01:00") && !strings.HasSuffix(first["start"].(string), "+02:00") {
			t.Fatalf("times not in the asked zone: %v", first)
		}
		pdErrCode(t, pd("GET", fmt.Sprintf("/pagerduty/schedules/%d?since=yesterday", ceoc.ID), ""), 400, 2001)
		onUsers := pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/schedules/%d/users?%s", ceoc.ID, win), ""), 200)["users"].([]any)
		if len(onUsers) < 3 {
			t.Fatalf("users on call on CEOC over a week: %v", onUsers)
		}
		pdErrCode(t, pd("GET", "/pagerduty/schedules/999999", ""), 404, 2100)

		// Overrides: the US Government rule is a 422 naming it.
		start, end := now.Add(48*time.Hour), now.Add(52*time.Hour)
		body := func(user int64) string {
			return fmt.Sprintf(`{"override":{"start":%q,"end":%q,"user":{"id":"%d","type":"user_reference"}}}`,
				start.Format(time.RFC3339), end.Format(time.RFC3339), user)
		}
		bad := pdErrCode(t, pd("POST", fmt.Sprintf("/pagerduty/schedules/%d/overrides", gov.ID), body(ids["Emma"])), 422, 2001)
		if !strings.Contains(fmt.Sprint(bad["errors"]), "US Government rule: Emma can't be on call on US Government") {
			t.Fatalf("rule not named: %v", bad)
		}
		made := pdJSON(t, pd("POST", fmt.Sprintf("/pagerduty/schedules/%d/overrides", gov.ID), body(ids["Gus"])), 201)["override"].(map[string]any)
		oid := made["id"].(string)
		multi := pd("POST", fmt.Sprintf("/pagerduty/schedules/%d/overrides", gov.ID), fmt.Sprintf(`{"overrides":[
			{"start":%q,"end":%q,"user":{"id":"%d"}},{"start":%q,"end":%q,"user":{"id":"%d"}}]}`,
			end.Format(time.RFC3339), end.Add(time.Hour).Format(time.RFC3339), ids["Gia"],
			end.Format(time.RFC3339), end.Add(time.Hour).Format(time.RFC3339), ids["Max"]))
		var statuses []map[string]any
		if multi.code != 201 || json.Unmarshal([]byte(multi.body), &statuses) != nil || len(statuses) != 2 ||
			statuses[0]["status"] != float64(201) || statuses[1]["status"] != float64(422) {
			t.Fatalf("multiple overrides: %d %s", multi.code, multi.body)
		}
		ovs := pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/schedules/%d/overrides?%s", gov.ID, win), ""), 200)["overrides"].([]any)
		if len(ovs) != 2 || ovs[0].(map[string]any)["id"] != oid {
			t.Fatalf("overrides %v", ovs)
		}

		// Oncalls: the override shows in the window; filters and paging.
		oc := pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/oncalls?schedule_ids[]=%d&%s&total=true", gov.ID, win), ""), 200)
		var gus bool
		for _, x := range oc["oncalls"].([]any) {
			m := x.(map[string]any)
			if m["escalation_level"] != float64(1) || m["schedule"].(map[string]any)["id"] != fmt.Sprint(gov.ID) {
				t.Fatalf("oncall %v", m)
			}
			if m["user"].(map[string]any)["id"] == fmt.Sprint(ids["Gus"]) && m["start"] == start.Format(time.RFC3339) {
				gus = true
			}
		}
		if !gus {
			t.Fatalf("override not among the oncalls: %v", oc)
		}
		cur := pdJSON(t, pd("GET", "/pagerduty/oncalls", ""), 200)["oncalls"].([]any)
		for _, x := range cur {
			m := x.(map[string]any)
			st, _ := time.Parse(time.RFC3339, m["start"].(string))
			en, _ := time.Parse(time.RFC3339, m["end"].(string))
			if st.After(e.clk.Now()) || !en.After(e.clk.Now()) {
				t.Fatalf("current oncall not current: %v", m)
			}
		}
		if len(cur) == 0 {
			t.Fatal("nobody on call now")
		}
		mine := pdJSON(t, pd("GET", fmt.Sprintf("/pagerduty/oncalls?user_ids[]=%d&earliest=true&%s", ids["Emma"], win), ""), 200)["oncalls"].([]any)
		perSchedule := map[string]int{}
		for _, x := range mine {
			m := x.(map[string]any)
			if m["user"].(map[string]any)["id"] != fmt.Sprint(ids["Emma"]) {
				t.Fatalf("user filter: %v", m)
			}
			perSchedule[m["schedule"].(map[string]any)["id"].(string)]++
		}
		for sid, k := range perSchedule {
			if k != 1 {
				t.Fatalf("earliest=true gave %d entries on schedule %s", k, sid)
			}
		}
		pg := pdJSON(t, pd("GET", "/pagerduty/oncalls?"+win+"&limit=3&offset=3&total=true", ""), 200)
		if len(pg["oncalls"].([]any)) != 3 || pg["more"] != true || pg["total"].(float64) < 7 {
			t.Fatalf("oncalls page %v", pg)
		}
		pdErrCode(t, pd("GET", "/pagerduty/oncalls?escalation_policy_id=1", ""), 400, 2001)

		if r := pd("DELETE", fmt.Sprintf("/pagerduty/schedules/%d/overrides/%s", gov.ID, oid), ""); r.code != 204 {
			t.Fatalf("delete %d %s", r.code, r.body)
		}
		pdErrCode(t, pd("DELETE", fmt.Sprintf("/pagerduty/schedules/%d/overrides/%s", gov.ID, oid), ""), 404, 2100)
		pdErrCode(t, pd("DELETE", fmt.Sprintf("/pagerduty/schedules/%d/overrides/%s", ceoc.ID, ovs[1].(map[string]any)["id"]), ""), 404, 2100)

		// A plain agent (no team permission) is refused in PagerDuty's shape.
		agentTok, _, err := e.auth.CreateAPIToken(context.Background(), audit.System(), e.users[people.RoleAgent].ID, "agent")
		if err != nil {
			t.Fatal(err)
		}
		r := e.do(nil, "POST", fmt.Sprintf("/pagerduty/schedules/%d/overrides", gov.ID), strings.NewReader(body(ids["Gus"])),
			"Authorization", "Token token="+agentTok, "Content-Type", "application/json")
		if r.code != 403 || !strings.Contains(r.body, `"code":2010`) {
			t.Fatalf("agent without team.manage: %d %s", r.code, r.body)
		}
	})
}

var feedRE = regexp.MustCompile(`/oncall/ical/[A-Za-z0-9_-]+\.ics`)

func TestOnCallPagesAndFeeds(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids, scs, _ := onCallWorld(t, e)
		admin := basic("admin@example.com", pw)
		get := func(path string) resp { return e.do(nil, "GET", path, nil, admin...) }
		ceoc := scs[oncall.KeyCEOC]
		if r := get("/oncall"); r.code != 200 || !strings.Contains(r.body, "Customer Emergency On-Call (CEOC)") || !strings.Contains(r.body, "US Government") {
			t.Fatalf("now: %d %.300s", r.code, r.body)
		}
		for _, v := range []string{"week", "month"} {
			r := get(fmt.Sprintf("/oncall/schedules/%d?view=%s", ceoc.ID, v))
			if r.code != 200 || !strings.Contains(r.body, "oc-seg oc-layer") || !strings.Contains(r.body, "AMER weekend late") {
				t.Fatalf("%s view: %d %.300s", v, r.code, r.body)
			}
		}
		if r := get("/oncall/fairness"); r.code != 200 || !strings.Contains(r.body, "Emma") || !strings.Contains(r.body, "balance score") {
			t.Fatalf("fairness: %d %.300s", r.code, r.body)
		}
		// Open emergencies are listed with their owner for the next hand-over.
		pol, err := e.srv.Incidents.CreatePolicy(context.Background(), audit.System(), incident.DefaultEmergencyPolicy(ceoc.ID, ceoc.ID, nil))
		if err != nil {
			t.Fatal(err)
		}
		esvc, err := e.srv.Incidents.CreateService(context.Background(), audit.System(), incident.ServiceInput{Name: "Customer emergencies", EscalationPolicyID: pol.ID, Kind: "emergency"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.srv.Incidents.Trigger(context.Background(), audit.System(), incident.TriggerInput{ServiceID: esvc.ID, Title: "Registry down for Acme", Key: "em1", Severity: 1, Urgency: "high"}); err != nil {
			t.Fatal(err)
		}
		if r := get("/oncall"); !strings.Contains(r.body, `id="open-emergencies"`) || !strings.Contains(r.body, "Registry down for Acme") {
			t.Fatalf("open emergencies not listed on /oncall: %.300s", r.body)
		}
		// A layer emptied opens a gap: flagged to the managers and shown.
		usg := scs[oncall.KeyUSGov]
		if _, err := e.srv.OnCall.SaveLayer(context.Background(), audit.System(), usg.ID, usg.Layers[0].ID, oncall.LayerInput{Members: &[]int64{}}); err != nil {
			t.Fatal(err)
		}
		if ns, err := e.srv.OnCall.NotifyGaps(context.Background()); err != nil || len(ns) == 0 {
			t.Fatalf("gap notices: %v %v", ns, err)
		}
		if r := get(fmt.Sprintf("/oncall/schedules/%d", usg.ID)); r.code != 200 || !strings.Contains(r.body, `id="gap-notices"`) {
			t.Fatalf("schedule page without its gap notices: %d", r.code)
		}
		emma := basic("emma@oncall.test", pw)
		if err := e.auth.SetPassword(context.Background(), audit.System(), ids["Emma"], pw); err != nil {
			t.Fatal(err)
		}
		if r := e.do(nil, "GET", "/oncall/mine", nil, emma...); r.code != 200 || !strings.Contains(r.body, "My shifts") {
			t.Fatalf("mine: %d %.300s", r.code, r.body)
		}
		// A schedule feed, then a member feed; the token is the only key.
		r := e.do(nil, "POST", fmt.Sprintf("/oncall/schedules/%d/feed", ceoc.ID), strings.NewReader(""), append(admin, "Content-Type", formCT[1])...)
		path := feedRE.FindString(r.body)
		if r.code != 200 || path == "" {
			t.Fatalf("feed: %d %.400s", r.code, r.body)
		}
		cal := e.do(nil, "GET", path, nil)
		if cal.code != 200 || !strings.HasPrefix(cal.hdr.Get("Content-Type"), "text/calendar") || strings.Count(cal.body, "BEGIN:VEVENT") < 20 {
			t.Fatalf("ical: %d %s %.300s", cal.code, cal.hdr.Get("Content-Type"), cal.body)
		}
		if again := e.do(nil, "GET", path, nil); again.body[strings.Index(again.body, "UID:"):strings.Index(again.body, "UID:")+40] !=
			cal.body[strings.Index(cal.body, "UID:"):strings.Index(cal.body, "UID:")+40] {
			t.Fatal("UIDs differ between fetches")
		}
		if r := e.do(nil, "GET", "/oncall/ical/not-a-token.ics", nil); r.code != 404 {
			t.Fatalf("unknown token: %d", r.code)
		}
		r = e.do(nil, "POST", "/oncall/mine/feed", strings.NewReader(""), append(emma, "Content-Type", formCT[1])...)
		mp := feedRE.FindString(r.body)
		if r.code != 200 || mp == "" {
			t.Fatalf("my feed: %d", r.code)
		}
		if c := e.do(nil, "GET", mp, nil); c.code != 200 || !strings.Contains(c.body, "X-WR-CALNAME:On-call shifts of Emma") {
			t.Fatalf("my ical: %d %.300s", c.code, c.body)
		}
		// US Government rule in the override form: the page names it.
		r = e.do(nil, "POST", fmt.Sprintf("/oncall/schedules/%d/overrides", scs[oncall.KeyUSGov].ID),
			strings.NewReader(url.Values{"user_id": {fmt.Sprint(ids["Emma"])}, "start": {"2030-01-07T06:00"}, "end": {"2030-01-07T10:00"}}.Encode()),
			append(admin, "Content-Type", formCT[1])...)
		if r.code != 422 || !strings.Contains(r.body, "US Government rule") {
			t.Fatalf("override form: %d %.400s", r.code, r.body)
		}
		// A made override leads to the week it is in, wherever that is.
		r = e.do(nil, "POST", fmt.Sprintf("/oncall/schedules/%d/overrides", scs[oncall.KeyUSGov].ID),
			strings.NewReader(url.Values{"user_id": {fmt.Sprint(ids["Gus"])}, "start": {"2030-01-09T06:00"}, "end": {"2030-01-09T10:00"}}.Encode()),
			append(admin, "Content-Type", formCT[1])...)
		if loc := r.hdr.Get("Location"); r.code != 303 || !strings.HasSuffix(loc, fmt.Sprintf("/oncall/schedules/%d?view=week&date=2030-01-09", scs[oncall.KeyUSGov].ID)) {
			t.Fatalf("override form: %d to %q %.400s", r.code, loc, r.body)
		}
		gov := scs[oncall.KeyUSGov]
		r = e.do(nil, "POST", fmt.Sprintf("/oncall/schedules/%d/layers/%d", gov.ID, gov.Layers[0].ID),
			strings.NewReader(url.Values{"members": {"Gus\nEmma"}}.Encode()), append(admin, "Content-Type", formCT[1])...)
		if r.code != 422 || !strings.Contains(r.body, "US Government rule: Emma can&#39;t be on call") {
			t.Fatalf("layer form: %d %.400s", r.code, r.body)
		}
		r = e.do(nil, "POST", fmt.Sprintf("/oncall/schedules/%d/layers/%d", gov.ID, gov.Layers[0].ID),
			strings.NewReader(url.Values{"members": {"gia@oncall.test\nGus"}, "turn_unit": {"daily"}, "turn_count": {"2"}}.Encode()),
			append(admin, "Content-Type", formCT[1])...)
		if r.code != 303 {
			t.Fatalf("layer form: %d %.400s", r.code, r.body)
		}
		if got, _ := e.srv.OnCall.Schedule(context.Background(), gov.ID); got.Layers[0].ID != gov.Layers[0].ID ||
			fmt.Sprint(got.Layers[0].Members) != fmt.Sprint([]int64{ids["Gia"], ids["Gus"]}) || got.Layers[0].TurnUnit != "daily" || got.Layers[0].TurnCount != 2 {
			t.Fatalf("layer saved as %+v", got.Layers[0])
		}
	})
}

func TestOnCallNativeAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids, scs, _ := onCallWorld(t, e)
		ctx := context.Background()
		for _, n := range []string{"Emma", "Eli"} {
			if err := e.auth.SetPassword(ctx, audit.System(), ids[n], pw); err != nil {
				t.Fatal(err)
			}
		}
		as := func(who string) []string {
			return append(basic(strings.ToLower(who)+"@oncall.test", pw), "Content-Type", "application/json")
		}
		now := pdJSON(t, e.do(nil, "GET", "/api/v2/oncall/now.json", nil, as("Emma")...), 200)["on_call"].([]any)
		if len(now) != 4 {
			t.Fatalf("now %v", now)
		}
		pdJSON(t, e.do(nil, "GET", fmt.Sprintf("/api/v2/oncall/schedules/%d/flags?days=30", scs[oncall.KeyCEOC].ID), nil, as("Emma")...), 200)
		if r := e.do(nil, "GET", fmt.Sprintf("/api/v2/oncall/schedules/%d/flags?days=900", scs[oncall.KeyCEOC].ID), nil, as("Emma")...); r.code != 400 {
			t.Fatalf("days=900: %d", r.code)
		}
		f := pdJSON(t, e.do(nil, "GET", "/api/v2/oncall/fairness", nil, as("Emma")...), 200)["fairness"].(map[string]any)
		if f["quarter"] == "" || len(f["all"].(map[string]any)["members"].([]any)) < 5 {
			t.Fatalf("fairness %v", f)
		}
		// Find a future stretch on which Emma or Eli is on call on CEOC; the holder asks, the other takes it.
		ceoc, _ := e.srv.OnCall.Schedule(ctx, scs[oncall.KeyCEOC].ID)
		var holder, other string
		var start time.Time
		for h := 24; h < 24*21 && holder == ""; h++ {
			t0 := e.clk.Now().Truncate(time.Hour).Add(time.Duration(h) * time.Hour)
			t1 := t0.Add(time.Hour)
			a, b := oncall.Resolve(*ceoc, t0), oncall.Resolve(*ceoc, t1.Add(-time.Second))
			if len(a) == 1 && len(b) == 1 && a[0] == b[0] {
				switch a[0] {
				case ids["Emma"]:
					holder, other, start = "Emma", "Eli", t0
				case ids["Eli"]:
					holder, other, start = "Eli", "Emma", t0
				}
			}
		}
		if holder == "" {
			t.Fatal("no EMEA shift found")
		}
		body := fmt.Sprintf(`{"swap":{"start":%q,"end":%q,"note":"school run"}}`, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
		wrong := e.do(nil, "POST", fmt.Sprintf("/api/v2/oncall/schedules/%d/swaps", ceoc.ID), strings.NewReader(body), as(other)...)
		if wrong.code != 422 || !strings.Contains(wrong.body, "Swap rule") {
			t.Fatalf("swap by someone not on call: %d %s", wrong.code, wrong.body)
		}
		sw := pdJSON(t, e.do(nil, "POST", fmt.Sprintf("/api/v2/oncall/schedules/%d/swaps", ceoc.ID), strings.NewReader(body), as(holder)...), 201)["swap"].(map[string]any)
		list := pdJSON(t, e.do(nil, "GET", "/api/v2/oncall/swaps?status=pending", nil, as(other)...), 200)["swaps"].([]any)
		if len(list) != 1 {
			t.Fatalf("open swaps %v", list)
		}
		acc := pdJSON(t, e.do(nil, "POST", fmt.Sprintf("/api/v2/oncall/swaps/%v/accept", sw["id"]), strings.NewReader("{}"), as(other)...), 200)["swap"].(map[string]any)
		if acc["status"] != "accepted" || acc["override_id"] == nil {
			t.Fatalf("accepted %v", acc)
		}
		if who, _ := e.srv.OnCall.OnCallAt(ctx, ceoc.ID, start.Add(time.Minute)); len(who) != 1 || who[0] != ids[other] {
			t.Fatalf("after the swap %v", who)
		}
		if r := e.do(nil, "POST", fmt.Sprintf("/api/v2/oncall/swaps/%v/cancel", sw["id"]), strings.NewReader("{}"), as(holder)...); r.code != 422 {
			t.Fatalf("cancel an accepted swap: %d %s", r.code, r.body)
		}
	})
}

// TestOnCallScheduleBrandAPI: an on-call manager puts a schedule in a
// brand's partition and takes it out; an unknown brand is refused; an
// agent may not.
func TestOnCallScheduleBrandAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sched := firstSchedule(e)
		path := fmt.Sprintf("/api/v2/oncall/schedules/%d/brand", sched)
		if r, _ := e.api("agent", "PUT", path, `{"schedule_brand":{"brand_id":1}}`); r.code != 403 {
			t.Fatalf("agent: %d", r.code)
		}
		if r, _ := e.api("admin", "PUT", path, `{"schedule_brand":{"brand_id":1}}`); r.code != 200 || !strings.Contains(r.body, `"brand_id":1`) {
			t.Fatalf("set: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", path, `{"schedule_brand":{"brand_id":99999}}`); r.code != 404 && r.code != 422 {
			t.Fatalf("unknown brand: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", path, `{"schedule_brand":{"brand_id":null}}`); r.code != 200 || !strings.Contains(r.body, `"brand_id":null`) {
			t.Fatalf("clear: %d %s", r.code, r.body)
		}
	})
}
