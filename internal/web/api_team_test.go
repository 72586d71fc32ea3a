package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// teamOrg seeds levels and a small organisation: a VP (admin), a manager,
// two engineers under the manager and one outsider agent. The env's agent
// and admin existed before the seeding, so they are on the roster too,
// without level or region (flagged).
type teamOrg struct {
	vp, mgr, eng, eng2, other *people.User
	levels                    map[string]int64
}

func (e *env) teamOrg() teamOrg {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.srv.Team.SeedDefaults(ctx); err != nil {
		e.t.Fatal(err)
	}
	o := teamOrg{levels: map[string]int64{}}
	ls, _ := e.srv.Team.Levels(ctx)
	for _, l := range ls {
		o.levels[l.Key] = l.ID
	}
	mk := func(name, role, level, region string, mgr *people.User) *people.User {
		email := strings.ToLower(strings.Fields(name)[0]) + "@team.test"
		u, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			e.t.Fatal(err)
		}
		if err := e.auth.SetPassword(ctx, audit.System(), u.ID, pw); err != nil {
			e.t.Fatal(err)
		}
		lid := o.levels[level]
		in := team.MemberInput{UserID: &u.ID, LevelID: &lid, Region: &region}
		if mgr != nil {
			in.ManagerID = &mgr.ID
		}
		if _, err := e.srv.Team.CreateMember(ctx, audit.System(), in); err != nil {
			e.t.Fatalf("member %s: %v", name, err)
		}
		return u
	}
	o.vp = mk("Vera VP", people.RoleAdmin, "vp-of-support", "AMER", nil)
	o.mgr = mk("Max Manager", people.RoleAgent, "manager-support-engineering", "EMEA", o.vp)
	o.eng = mk("Ella Engineer", people.RoleAgent, "senior-support-engineer", "EMEA", o.mgr)
	o.eng2 = mk("Emil Engineer", people.RoleAgent, "support-engineer", "APAC", o.mgr)
	o.other = mk("Otis Other", people.RoleAgent, "support-engineer", "AMER", o.vp)
	return o
}

func (e *env) as(u *people.User, method, path, body string, hdr ...string) resp {
	e.t.Helper()
	ct := "application/json"
	if len(hdr) == 0 {
		hdr = []string{"Content-Type", ct}
	}
	return e.do(nil, method, path, strings.NewReader(body), append(basic(u.Email, pw), hdr...)...)
}

// TestTeamMembersAPI: the member shape the issue lists, the filters, both
// pagination styles, and writes by the manager chain only.
func TestTeamMembersAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		r := e.as(o.other, "GET", "/api/v2/team/members.json?per_page=2", "")
		var page struct {
			Members  []map[string]any `json:"members"`
			Count    int              `json:"count"`
			NextPage *string          `json:"next_page"`
		}
		if err := json.Unmarshal([]byte(r.body), &page); err != nil || r.code != 200 || page.Count != 7 || len(page.Members) != 2 || page.NextPage == nil {
			t.Fatalf("list: %d %s", r.code, r.body)
		}
		for _, f := range []string{"id", "user_id", "name", "email", "job_family", "level", "title", "grade", "is_manager", "region",
			"time_zone", "manager_id", "specialties", "trainings", "start_date", "end_date"} {
			if _, ok := page.Members[0][f]; !ok {
				t.Errorf("member lacks %q: %v", f, page.Members[0])
			}
		}
		r = e.as(o.other, "GET", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), "")
		var one struct {
			Member team.Member `json:"member"`
		}
		json.Unmarshal([]byte(r.body), &one)
		m := one.Member
		if r.code != 200 || m.ID != o.eng.ID || m.UserID != o.eng.ID || m.Title != "Senior Support Engineer" || m.Level != "Senior Support Engineer" ||
			*m.Grade != 7 || m.IsManager || m.JobFamily != "Support Engineering" || *m.ManagerID != o.mgr.ID || m.Region != "EMEA" {
			t.Errorf("member %d %+v", r.code, m)
		}
		// Cursor pages walk everyone once.
		var ids []int64
		next := "/api/v2/team/members.json?page[size]=2"
		for next != "" {
			r := e.as(o.other, "GET", next, "")
			var cp struct {
				Members []team.Member `json:"members"`
				Meta    struct {
					HasMore bool `json:"has_more"`
				} `json:"meta"`
				Links struct {
					Next *string `json:"next"`
				} `json:"links"`
			}
			json.Unmarshal([]byte(r.body), &cp)
			for _, m := range cp.Members {
				ids = append(ids, m.ID)
			}
			next = ""
			if cp.Meta.HasMore {
				next = strings.TrimPrefix(*cp.Links.Next, e.ts.URL)
			}
		}
		if len(ids) != 7 || !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] }) {
			t.Errorf("cursor walk %v", ids)
		}
		for q, want := range map[string]int{"region=emea": 2, fmt.Sprintf("manager_id=%d", o.mgr.ID): 2, "level_id=" + fmt.Sprint(o.levels["support-engineer"]): 2, "query=ella": 1} {
			r := e.as(o.other, "GET", "/api/v2/team/members?"+q, "")
			json.Unmarshal([]byte(r.body), &page)
			if r.code != 200 || page.Count != want {
				t.Errorf("%s: %d count %d, want %d", q, r.code, page.Count, want)
			}
		}
		for _, q := range []string{"region=MARS", "status=gone", "manager_id=x", "specialty=wizard"} {
			if r := e.as(o.other, "GET", "/api/v2/team/members?"+q, ""); r.code != 400 || !strings.Contains(r.body, "InvalidParameters") {
				t.Errorf("%s: %d %s", q, r.code, r.body)
			}
		}
		// Writes: the manager chain yes (a manager moves a report's level), others no.
		body := fmt.Sprintf(`{"member": {"level_id": %d, "skills": ["Kubernetes"]}}`, o.levels["staff-support-engineer"])
		if r := e.as(o.other, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), body); r.code != 403 {
			t.Errorf("outsider writes: %d", r.code)
		}
		if r := e.as(o.eng, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), body); r.code != 403 {
			t.Errorf("self-promotion: %d", r.code)
		}
		if r := e.as(o.mgr, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), body); r.code != 200 || !strings.Contains(r.body, `"grade":8`) {
			t.Errorf("manager writes: %d %s", r.code, r.body)
		}
		if r := e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), `{"member": {"skills": ["Git"]}}`); r.code != 200 {
			t.Errorf("the manager's manager writes: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), `{"member": {"verified_us_citizenship": true}}`); r.code != 403 {
			t.Errorf("manager attests citizenship: %d", r.code)
		}
		// Rules are 422s naming the field.
		for body, field := range map[string]string{
			`{"member": {"specialties": ["us_government"]}}`:                                    "specialties",
			fmt.Sprintf(`{"member": {"manager_id": %d}}`, o.eng.ID):                             "manager_id",
			`{"member": {"region": "MARS"}}`:                                                    "region",
			`{"member": {"working_hours": {"saturday": [{"start": "09:00", "end": "17:00"}]}}}`: "working_hours",
			`{"member": {"trainings": [{"key": "juggling"}]}}`:                                  "trainings[0].key",
		} {
			target := o.eng2.ID
			if field == "manager_id" {
				target = o.mgr.ID // the manager under their own report
			}
			r := e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/team/members/%d", target), body)
			if r.code != 422 || !strings.Contains(r.body, `"`+field+`"`) || !strings.Contains(r.body, "RecordInvalid") {
				t.Errorf("%s: %d %s", body, r.code, r.body)
			}
		}
		r = e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.mgr.ID), fmt.Sprintf(`{"member": {"manager_id": %d}}`, o.eng.ID))
		if !strings.Contains(r.body, "reporting-line cycle") {
			t.Errorf("cycle message: %s", r.body)
		}
		// Creating a member: admins (or team.manage) only.
		if r := e.as(o.mgr, "POST", "/api/v2/team/members", `{"member": {"name": "New Hire", "email": "new@team.test", "region": "APAC", "level": "Associate Support Engineer"}}`); r.code != 403 {
			t.Errorf("manager creates: %d", r.code)
		}
		r = e.as(o.vp, "POST", "/api/v2/team/members", `{"member": {"name": "New Hire", "email": "new@team.test", "region": "APAC", "level": "Associate Support Engineer", "time_zone": "Asia/Singapore"}}`)
		if r.code != 201 || !strings.Contains(r.body, `"title":"Associate Support Engineer"`) || !strings.Contains(r.body, `"grade":5`) {
			t.Errorf("create: %d %s", r.code, r.body)
		}
		if u, err := e.ppl.UserByEmail(context.Background(), "new@team.test"); err != nil || u.Role != "agent" || u.JobTitle != "Associate Support Engineer" {
			t.Errorf("new hire user %+v %v", u, err)
		}
	})
}

// TestTeamPrivateDataAndTimeOff: time-off reasons and 1:1 notes are seen
// by the member, the pair and the manager chain only — not by an admin
// outside the chain.
func TestTeamPrivateDataAndTimeOff(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		outsideAdmin := e.users[people.RoleAdmin]
		r := e.as(o.eng, "POST", "/api/v2/team/time_off", `{"time_off": {"type": "sick", "start_date": "2026-02-02", "end_date": "2026-02-03", "end_half_day": true, "reason": "dentist, then recovery"}}`)
		if r.code != 201 || !strings.Contains(r.body, `"days":1.5`) || !strings.Contains(r.body, "dentist") {
			t.Fatalf("own time off: %d %s", r.code, r.body)
		}
		var created struct {
			TimeOff team.TimeOff `json:"time_off"`
		}
		json.Unmarshal([]byte(r.body), &created)
		path := fmt.Sprintf("/api/v2/team/time_off/%d", created.TimeOff.ID)
		for _, c := range []struct {
			who  *people.User
			sees bool
		}{{o.eng, true}, {o.mgr, true}, {o.vp, true}, {o.eng2, false}, {o.other, false}, {outsideAdmin, false}} {
			r := e.as(c.who, "GET", path, "")
			if r.code != 200 || strings.Contains(r.body, "dentist") != c.sees {
				t.Errorf("%s sees the reason=%v: %d %s", c.who.Name, c.sees, r.code, r.body)
			}
			l := e.as(c.who, "GET", "/api/v2/team/time_off?region=EMEA&start_date=2026-02-01&end_date=2026-02-28", "")
			if l.code != 200 || !strings.Contains(l.body, `"count":1`) || strings.Contains(l.body, "dentist") != c.sees {
				t.Errorf("%s list: %d %s", c.who.Name, l.code, l.body)
			}
		}
		if r := e.as(o.eng2, "POST", "/api/v2/team/time_off", fmt.Sprintf(`{"time_off": {"member_id": %d, "type": "vacation", "start_date": "2026-03-02"}}`, o.eng.ID)); r.code != 403 {
			t.Errorf("a peer records someone's time off: %d", r.code)
		}
		if r := e.as(o.mgr, "PUT", path, `{"time_off": {"type": "holiday"}}`); r.code != 422 || !strings.Contains(r.body, `"type"`) {
			t.Errorf("bad type: %d %s", r.code, r.body)
		}
		if r := e.as(o.eng, "GET", "/api/v2/team/time_off?start_date=02-02-2026", ""); r.code != 400 {
			t.Errorf("bad date: %d", r.code)
		}
		// 1:1s: the manager records; the pair and the chain read notes.
		r = e.as(o.mgr, "POST", "/api/v2/team/one_on_ones", fmt.Sprintf(`{"one_on_one": {"member_id": %d, "held_on": "2026-01-02", "notes": "considering the ASE track"}}`, o.eng.ID))
		if r.code != 201 {
			t.Fatalf("1:1: %d %s", r.code, r.body)
		}
		var oo struct {
			OneOnOne team.OneOnOne `json:"one_on_one"`
		}
		json.Unmarshal([]byte(r.body), &oo)
		if r := e.as(o.other, "POST", "/api/v2/team/one_on_ones", fmt.Sprintf(`{"one_on_one": {"member_id": %d}}`, o.eng.ID)); r.code != 422 || !strings.Contains(r.body, "direct manager") {
			t.Errorf("an outsider's 1:1: %d %s", r.code, r.body)
		}
		p := fmt.Sprintf("/api/v2/team/one_on_ones/%d", oo.OneOnOne.ID)
		for _, c := range []struct {
			who  *people.User
			code int
			sees bool
		}{{o.eng, 200, true}, {o.mgr, 200, true}, {o.vp, 200, true}, {o.eng2, 404, false}, {outsideAdmin, 200, false}} {
			r := e.as(c.who, "GET", p, "")
			if r.code != c.code || strings.Contains(r.body, "ASE track") != c.sees {
				t.Errorf("%s reads the 1:1: %d %s", c.who.Name, r.code, r.body)
			}
		}
		if r := e.as(o.eng2, "GET", fmt.Sprintf("/api/v2/team/one_on_ones?member_id=%d", o.eng.ID), ""); r.code != 403 {
			t.Errorf("a peer lists someone's 1:1s: %d", r.code)
		}
		if r := e.as(o.vp, "GET", fmt.Sprintf("/api/v2/team/one_on_ones?manager_id=%d", o.mgr.ID), ""); r.code != 200 || !strings.Contains(r.body, "ASE track") {
			t.Errorf("the chain lists: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "GET", "/api/v2/team/one_on_ones", ""); r.code != 200 || !strings.Contains(r.body, `"count":1`) {
			t.Errorf("own 1:1s: %d %s", r.code, r.body)
		}
		var logged string
		e.srv.DB.QueryRow(context.Background(), "SELECT COALESCE(after_json, '') FROM audit_log WHERE object_type = 'team_one_on_one'", nil, &logged)
		if strings.Contains(logged, "ASE track") {
			t.Error("1:1 notes in the audit log")
		}
		// Availability: the one function, through the API.
		r = e.as(o.other, "GET", fmt.Sprintf("/api/v2/team/members/%d/availability?at=2026-02-02T10:00:00Z", o.eng.ID), "")
		if r.code != 200 || !strings.Contains(r.body, `"reason":"time_off"`) {
			t.Errorf("availability: %d %s", r.code, r.body)
		}
		if r := e.as(o.other, "GET", fmt.Sprintf("/api/v2/team/members/%d/availability?at=tomorrow", o.eng.ID), ""); r.code != 400 {
			t.Errorf("bad at: %d", r.code)
		}
	})
}

// TestTeamSummaryAndRosterCSV: the summary's ratio, and a roster import
// that is refused whole with every bad line named, then applied, then
// idempotent.
func TestTeamSummaryAndRosterCSV(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		r := e.as(o.other, "GET", "/api/v2/team/summary.json", "")
		var sum struct {
			Summary team.Summary `json:"summary"`
		}
		if err := json.Unmarshal([]byte(r.body), &sum); err != nil || r.code != 200 || sum.Summary.Headcount != 7 || sum.Summary.ICs != 3 || sum.Summary.Unleveled != 2 || sum.Summary.Flagged != 2 ||
			sum.Summary.Managers != 2 || *sum.Summary.ICManagerRatio != 1.5 || sum.Summary.ByRegion["EMEA"].Headcount != 2 || !strings.Contains(r.body, "ic_manager_ratio") {
			t.Errorf("summary: %d %s", r.code, r.body)
		}
		r = e.as(o.other, "GET", "/api/v2/team/org_chart", "")
		if r.code != 200 || !strings.Contains(r.body, `"count":7`) || !strings.Contains(r.body, `"name":"Vera VP"`) {
			t.Errorf("org chart: %d %.300s", r.code, r.body)
		}
		csv := "Work Email,Full Name,Job Title,Grade,Region,Manager Email\n" +
			"ella@team.test,Ella Engineer,Senior Support Engineer,7,EMEA,max@team.test\n" +
			"nina@team.test,Nina New,Support Engineer,6,APAC,max@team.test\n" +
			"bad-row@team.test,,Wizard,1,MARS,ghost@team.test\n" +
			"omar@team.test,Omar,Support Engineer,7,AMER,vera@team.test\n"
		hdr := []string{"Content-Type", "text/csv"}
		if r := e.as(o.mgr, "POST", "/api/v2/team/roster", csv, hdr...); r.code != 403 {
			t.Errorf("a manager imports: %d", r.code)
		}
		r = e.as(o.vp, "POST", "/api/v2/team/roster", csv, hdr...)
		if r.code != 422 || !strings.Contains(r.body, `"line 4"`) || !strings.Contains(r.body, "Line 4: name can't be blank") ||
			!strings.Contains(r.body, `"line 5"`) || !strings.Contains(r.body, "grade 7 does not match Support Engineer (grade 6)") {
			t.Fatalf("bad file: %d %s", r.code, r.body)
		}
		if _, err := e.ppl.UserByEmail(context.Background(), "nina@team.test"); err == nil {
			t.Error("a refused file created a user")
		}
		if r := e.as(o.vp, "POST", "/api/v2/team/roster", csv, "Content-Type", "application/json"); r.code != 400 {
			t.Errorf("JSON content type: %d", r.code)
		}
		good := strings.Join(strings.Split(csv, "\n")[:3], "\n") + "\n"
		r = e.as(o.vp, "POST", "/api/v2/team/roster", good, hdr...)
		if r.code != 200 || !strings.Contains(r.body, `"created":1`) {
			t.Fatalf("good file: %d %s", r.code, r.body)
		}
		r = e.as(o.vp, "POST", "/api/v2/team/roster", good, hdr...)
		if r.code != 200 || !strings.Contains(r.body, `"unchanged":2`) {
			t.Errorf("again: %d %s", r.code, r.body)
		}
		r = e.as(o.vp, "GET", "/api/v2/team/roster", "")
		if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/csv") || !strings.Contains(r.body, "nina@team.test,Nina New,Support Engineer,6,APAC") ||
			!strings.Contains(r.body, "max@team.test") {
			t.Errorf("export: %d %s", r.code, r.body)
		}
		// Job families and grades.
		r = e.as(o.other, "GET", "/api/v2/team/job_families", "")
		if r.code != 200 || !strings.Contains(r.body, `"name":"Senior Manager, Support Engineering"`) || !strings.Contains(r.body, `"count":3`) {
			t.Errorf("job families: %d %.300s", r.code, r.body)
		}
		if r := e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/team/levels/%d", o.levels["vp-of-support"]), `{"level": {"grade": 12}}`); r.code != 200 || !strings.Contains(r.body, `"grade":12`) {
			t.Errorf("configure a grade: %d %s", r.code, r.body)
		}
		if r := e.as(o.mgr, "PUT", fmt.Sprintf("/api/v2/team/levels/%d", o.levels["vp-of-support"]), `{"level": {"grade": 13}}`); r.code != 403 {
			t.Errorf("a manager changes grades: %d", r.code)
		}
	})
}

// TestASELimitThroughTheOrganizationsAPI: the 6th assigned account is a
// 422 naming the rule.
func TestASELimitThroughTheOrganizationsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.teamOrg()
		if r := e.as(o.vp, "PUT", fmt.Sprintf("/api/v2/team/members/%d", o.eng.ID), `{"member": {"specialties": ["assigned_support_engineer"]}}`); r.code != 200 {
			t.Fatalf("ASE: %d %s", r.code, r.body)
		}
		for i := 1; i <= 6; i++ {
			r := e.as(o.vp, "POST", "/api/v2/organizations", fmt.Sprintf(`{"organization": {"name": "Account %d", "assigned_support_engineer_id": %d}}`, i, o.eng.ID))
			want := 201
			if i == 6 {
				want = 422
			}
			if r.code != want {
				t.Fatalf("account %d: %d %s", i, r.code, r.body)
			}
			if i == 6 && !strings.Contains(r.body, "Assigned Support Engineer rule: at most 5 assigned accounts") {
				t.Errorf("6th: %s", r.body)
			}
		}
	})
}
