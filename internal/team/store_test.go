package team

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

var sys = audit.System()

type fixture struct {
	t   *testing.T
	d   *db.DB
	ppl *people.Store
	st  *Store
	lv  map[string]Level // by key
}

func sp(s string) *string { return &s }
func ip(v int64) *int64   { return &v }
func bp(b bool) *bool     { return &b }

func newFixture(t *testing.T, d *db.DB, holidays HolidaySource) *fixture {
	t.Helper()
	a := audit.New(d)
	f := &fixture{t: t, d: d, ppl: people.NewStore(d, a), st: NewStore(d, a, Options{Holidays: holidays}), lv: map[string]Level{}}
	f.st.Attach(f.ppl)
	return f
}

func (f *fixture) seed() {
	f.t.Helper()
	if ok, err := f.st.SeedDefaults(context.Background()); err != nil || !ok {
		f.t.Fatalf("seed: %v %v", ok, err)
	}
	ls, err := f.st.Levels(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, l := range ls {
		f.lv[l.Key] = l
	}
}

func (f *fixture) user(name, role string, in people.UserInput) *people.User {
	f.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@frontline.test"
	in.Name, in.Email, in.Role = &name, &email, &role
	u, err := f.ppl.CreateUser(context.Background(), sys, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) member(name, level, region string, mgr *Member, more MemberInput) *Member {
	f.t.Helper()
	u := f.user(name, people.RoleAgent, people.UserInput{})
	l := f.lv[level]
	more.UserID, more.LevelID, more.Region = &u.ID, &l.ID, &region
	if mgr != nil {
		more.ManagerID = &mgr.ID
	}
	m, err := f.st.CreateMember(context.Background(), sys, more)
	if err != nil {
		f.t.Fatalf("member %s: %v", name, err)
	}
	return m
}

func wantField(t *testing.T, err error, field, words string) {
	t.Helper()
	ps := fieldProblems(err)[field]
	if !errs.Is(err, errs.KindInvalid) || !strings.Contains(strings.Join(ps, "|"), words) {
		t.Fatalf("want 422 on %s naming %q, got %v", field, words, err)
	}
}

// TestSeedMigratesFreeTextTitles: existing staff are put on the roster;
// titles that match a level get it (and the handbook's spelling), the rest
// are flagged and visible on the member.
func TestSeedMigratesFreeTextTitles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		match := f.user("Sam Match", people.RoleAgent, people.UserInput{JobTitle: sp("senior support engineer"), Grade: sp("7"), Region: sp("EMEA"), Trainings: &[]string{"saas-basics"}})
		clash := f.user("Cleo Clash", people.RoleAgent, people.UserInput{JobTitle: sp("Staff Support Engineer"), Grade: sp("9"), Region: sp("AMER")})
		odd := f.user("Olly Odd", people.RoleAdmin, people.UserInput{JobTitle: sp("Senior Manager, Support"), Grade: sp("10"), Region: sp("AMER")})
		cust := f.user("Cara Customer", people.RoleEndUser, people.UserInput{})
		org, err := f.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Acme"), ASEUserID: &match.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.seed()
		if ok, err := f.st.SeedDefaults(ctx); ok || err != nil {
			t.Fatalf("second seed: %v %v", ok, err)
		}
		fams, err := f.st.Families(ctx)
		if err != nil || len(fams) != 3 || len(fams[0].Levels) != 5 || fams[0].Levels[3].Name != "Senior Support Engineer" || *fams[0].Levels[3].Grade != 7 {
			t.Fatalf("families %+v %v", fams, err)
		}
		if l := f.lv["vp-of-support"]; l.Grade != nil || l.Track != TrackManager {
			t.Errorf("VP %+v", l)
		}
		m, err := f.st.GetMember(ctx, match.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Title != "Senior Support Engineer" || *m.Grade != 7 || m.JobFamily != "Support Engineering" || m.IsManager || len(m.Flags) != 0 ||
			strings.Join(m.Specialties, ",") != SpecialtyASE || m.Trainings[0].Key != "saas-basics" || m.Trainings[0].Name != "Saas basics" {
			t.Errorf("matched member %+v", m)
		}
		if u, _ := f.ppl.GetUser(ctx, match.ID); u.JobTitle != "Senior Support Engineer" || u.JobFamily != "support-engineering" || u.Grade != "7" {
			t.Errorf("users row not normalised: %+v", u)
		}
		c, _ := f.st.GetMember(ctx, clash.ID)
		if c.Title != "Staff Support Engineer" || *c.Grade != 8 || len(c.Flags) != 1 || !strings.Contains(c.Flags[0], `old grade "9"`) {
			t.Errorf("grade clash %+v", c)
		}
		o, _ := f.st.GetMember(ctx, odd.ID)
		if o.LevelID != nil || len(o.Flags) != 1 || !strings.Contains(o.Flags[0], `"Senior Manager, Support"`) {
			t.Errorf("unmatched %+v", o)
		}
		if _, err := f.st.GetMember(ctx, cust.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("customer on the roster: %v", err)
		}
		// Setting the level settles the flag.
		o2, err := f.st.UpdateMember(ctx, sys, odd.ID, MemberInput{Level: sp("Senior Manager, Support Engineering")})
		if err != nil || len(o2.Flags) != 0 || *o2.Grade != 9 || !o2.IsManager {
			t.Errorf("after leveling %+v %v", o2, err)
		}
		if u, _ := f.ppl.GetUser(ctx, odd.ID); u.Grade != "9" || u.JobTitle != "Senior Manager, Support Engineering" {
			t.Errorf("people's fields follow the level: %+v", u)
		}
		_ = org
	})
}

// TestMemberRulesOnBothEngines: every rule is a 422 naming the field.
func TestMemberRulesOnBothEngines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		vp := f.member("Vera VP", "vp-of-support", "AMER", nil, MemberInput{})
		mgr := f.member("Max Manager", "manager-support-engineering", "AMER", vp, MemberInput{})
		eng := f.member("Ella Engineer", "senior-support-engineer", "AMER", mgr, MemberInput{Specialties: &[]string{SpecialtyASE}})
		assoc := f.member("Ari Associate", "associate-support-engineer", "EMEA", mgr, MemberInput{})

		_, err := f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{Specialties: &[]string{SpecialtyASE}})
		wantField(t, err, "specialties", "nearing or at Senior")
		_, err = f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{Specialties: &[]string{SpecialtyUSGov}})
		wantField(t, err, "specialties", "verified US citizenship")
		if m, err := f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{Specialties: &[]string{SpecialtyUSGov}, VerifiedCitizenship: bp(true)}); err != nil || m.Specialties[0] != SpecialtyUSGov {
			t.Fatalf("US gov with citizenship: %+v %v", m, err)
		}
		night := WorkingHours{"monday": {{Start: "22:00", End: "06:00"}}}
		_, err = f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{WorkingHours: &night})
		wantField(t, err, "working_hours", "Shift specialty")
		if _, err := f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{WorkingHours: &night, Specialties: &[]string{SpecialtyUSGov, "shift"}}); err != nil {
			t.Fatalf("shift: %v", err)
		}
		// Reporting-line cycles are refused, through the team and through people.
		_, err = f.st.UpdateMember(ctx, sys, vp.ID, MemberInput{ManagerID: &eng.ID})
		wantField(t, err, "manager_id", "Vera VP → Ella Engineer → Max Manager → Vera VP")
		_, err = f.ppl.UpdateUser(ctx, sys, vp.ID, people.UserInput{ManagerID: &mgr.ID})
		wantField(t, err, "manager_id", "reporting-line cycle")
		_, err = f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{ManagerID: ip(424242)})
		wantField(t, err, "manager_id", "not on the roster")
		_, err = f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{Region: sp("MARS"), TimeZone: sp("Mars/Olympus"), StartDate: sp("2026-02-30")})
		for _, fld := range []string{"region", "time_zone", "start_date"} {
			wantField(t, err, fld, "")
		}
		_, err = f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{Trainings: &[]MemberTrainingInput{{Key: "juggling"}, {Key: "interview-training", CompletedAt: "2099-01-01"}}})
		wantField(t, err, "trainings[0].key", "not in the training catalog")
		wantField(t, err, "trainings[1].completed_at", "future")
		_, err = f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{Level: sp("Wizard")})
		wantField(t, err, "level", `"Wizard" is not a level`)

		// Trainings with dates, by key or name; people's trainings list shows them too.
		m, err := f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{Trainings: &[]MemberTrainingInput{
			{Key: "Interview training", CompletedAt: "2025-11-03"}, {Key: "stage-1-assessment-review", CompletedAt: "2025-12-01"}}})
		if err != nil || len(m.Trainings) != 2 || m.Trainings[0].Key != "interview-training" || m.Trainings[0].CompletedAt != "2025-11-03" ||
			m.Trainings[1].Name != "Stage 1 Assessment Review" {
			t.Fatalf("trainings %+v %v", m, err)
		}
		if u, _ := f.ppl.GetUser(ctx, eng.ID); strings.Join(u.Trainings, ",") != "interview-training,stage-1-assessment-review" {
			t.Errorf("people trainings %v", u.Trainings)
		}
		// An update that changes nothing writes no audit entry.
		before := auditCount(t, d, eng.ID)
		if _, err := f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{Region: sp("AMER")}); err != nil {
			t.Fatal(err)
		}
		if after := auditCount(t, d, eng.ID); after != before {
			t.Errorf("no-op update audited: %d -> %d", before, after)
		}
		// A leaver is kept, out of the current roster.
		if _, err := f.st.UpdateMember(ctx, sys, assoc.ID, MemberInput{EndDate: sp("2025-12-31")}); err != nil {
			t.Fatal(err)
		}
		cur, _ := f.st.CountMembers(ctx, MemberFilter{})
		all, _ := f.st.CountMembers(ctx, MemberFilter{Status: "all"})
		former, _ := f.st.ListMembers(ctx, MemberFilter{Status: "former"})
		if cur != 3 || all != 4 || len(former) != 1 || former[0].ID != assoc.ID {
			t.Errorf("current %d all %d former %v", cur, all, former)
		}
		got, _ := f.st.ListMembers(ctx, MemberFilter{Specialty: SpecialtyASE, Region: "AMER", ManagerID: mgr.ID})
		if len(got) != 1 || got[0].ID != eng.ID {
			t.Errorf("filtered %v", got)
		}
		if _, err := f.st.ListMembers(ctx, MemberFilter{Status: "gone"}); !errs.Is(err, errs.KindBadRequest) {
			t.Errorf("bad status: %v", err)
		}
	})
}

func auditCount(t *testing.T, d *db.DB, id int64) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE object_type = 'team_member' AND object_id = $1", []any{id}, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAssignedSupportEngineerLimit: the 6th account is a 422 naming the
// rule; so is naming someone without the specialty, and dropping the
// specialty while accounts are assigned.
func TestAssignedSupportEngineerLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		ase := f.member("Ada ASE", "senior-support-engineer", "EMEA", nil, MemberInput{Specialties: &[]string{SpecialtyASE}})
		plain := f.member("Pat Plain", "senior-support-engineer", "EMEA", nil, MemberInput{})
		var last *people.Organization
		for i := range MaxASEAccounts {
			o, err := f.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Account " + string(rune('A'+i))), ASEUserID: &ase.ID})
			if err != nil {
				t.Fatalf("account %d: %v", i+1, err)
			}
			last = o
		}
		_, err := f.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Account F"), ASEUserID: &ase.ID})
		wantField(t, err, "assigned_support_engineer_id", "Assigned Support Engineer rule: at most 5 assigned accounts per engineer (Ada ASE already leads 5)")
		o6, err := f.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Account F")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.ppl.UpdateOrganization(ctx, sys, o6.ID, people.OrganizationInput{ASEUserID: &ase.ID})
		wantField(t, err, "assigned_support_engineer_id", "at most 5")
		_, err = f.ppl.UpdateOrganization(ctx, sys, o6.ID, people.OrganizationInput{ASEUserID: &plain.ID})
		wantField(t, err, "assigned_support_engineer_id", "does not hold the Assigned Support Engineer specialty")
		// Editing one of the five keeps working; moving it frees a slot.
		if _, err := f.ppl.UpdateOrganization(ctx, sys, last.ID, people.OrganizationInput{Tier: sp("premium")}); err != nil {
			t.Fatalf("edit of an assigned account: %v", err)
		}
		_, err = f.st.UpdateMember(ctx, sys, ase.ID, MemberInput{Specialties: &[]string{}})
		wantField(t, err, "specialties", "5 accounts are assigned")
		if _, err := f.ppl.UpdateOrganization(ctx, sys, last.ID, people.OrganizationInput{ASEUserID: ip(0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ppl.UpdateOrganization(ctx, sys, o6.ID, people.OrganizationInput{ASEUserID: &ase.ID}); err != nil {
			t.Fatalf("5th again: %v", err)
		}
		accts, err := f.st.AssignedAccounts(ctx, ase.ID)
		if err != nil || len(accts) != 5 {
			t.Errorf("accounts %v %v", accts, err)
		}
		if m, _ := f.st.GetMember(ctx, ase.ID); len(m.Flags) != 0 {
			t.Errorf("flags %v", m.Flags)
		}
	})
}

// TestTimeOffAvailabilityAndHolidays records time off and asks the one
// availability function through the store, with a regional holiday.
func TestTimeOffAvailabilityAndHolidays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		holidays := func(context.Context) (map[string][]Holiday, error) {
			return map[string][]Holiday{"EMEA": {{Name: "Boxing Day", StartDate: "2026-12-26", EndDate: "2026-12-28"}}}, nil
		}
		f := newFixture(t, d, holidays)
		f.seed()
		m := f.member("Greta", "support-engineer", "EMEA", nil, MemberInput{TimeZone: sp("Europe/Berlin")})
		_, err := f.st.CreateTimeOff(ctx, sys, TimeOffInput{MemberID: &m.ID, Type: sp("sabbatical"), StartDate: sp("2026-03-05"), EndDate: sp("2026-03-01")})
		wantField(t, err, "type", "must be one of")
		wantField(t, err, "end_date", "before start_date")
		_, err = f.st.CreateTimeOff(ctx, sys, TimeOffInput{MemberID: ip(999999), Type: sp("vacation"), StartDate: sp("2026-03-02")})
		wantField(t, err, "member_id", "not on the roster")
		off, err := f.st.CreateTimeOff(ctx, audit.Actor{ID: m.ID}, TimeOffInput{MemberID: &m.ID, Type: sp("vacation"), StartDate: sp("2026-03-02"),
			EndDate: sp("2026-03-03"), EndHalfDay: bp(true), Reason: sp("family wedding")})
		if err != nil || off.Days != 1.5 || *off.Reason != "family wedding" || off.EndDate != "2026-03-03" || *off.CreatedByID != m.ID {
			t.Fatalf("time off %+v %v", off, err)
		}
		var logged string
		if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE object_type = 'team_time_off' AND object_id = $1", []any{off.ID}, &logged); err != nil || strings.Contains(logged, "wedding") {
			t.Errorf("the private reason reached the audit log: %s %v", logged, err)
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		for local, want := range map[string]string{
			"2026-03-02 10:00": ReasonTimeOff,
			"2026-03-03 11:00": ReasonTimeOff,
			"2026-03-03 13:00": ReasonAvailable,
			"2026-03-04 10:00": ReasonAvailable,
			"2026-12-28 10:00": ReasonHoliday,
			"2026-03-07 10:00": ReasonOffHours,
		} {
			at, _ := time.ParseInLocation("2006-01-02 15:04", local, berlin)
			got, err := f.st.Available(ctx, m.ID, at)
			if err != nil || got.Reason != want {
				t.Errorf("%s: %+v %v, want %s", local, got, err, want)
			}
		}
		if _, err := f.st.Available(ctx, 987654, time.Now()); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("unknown member: %v", err)
		}
		up, err := f.st.UpdateTimeOff(ctx, sys, off.ID, TimeOffInput{EndHalfDay: bp(false), Type: sp("family_and_friends")})
		if err != nil || up.Days != 2 || *up.Reason != "family wedding" || up.Type != "family_and_friends" {
			t.Errorf("update %+v %v", up, err)
		}
		list, err := f.st.ListTimeOff(ctx, TimeOffFilter{Region: "EMEA", From: "2026-03-03", To: "2026-03-10"})
		if err != nil || len(list) != 1 || list[0].MemberName != "Greta" {
			t.Errorf("overlap list %v %v", list, err)
		}
		if list, _ := f.st.ListTimeOff(ctx, TimeOffFilter{From: "2026-03-04"}); len(list) != 0 {
			t.Errorf("an entry ending before From listed: %v", list)
		}
		if err := f.st.DeleteTimeOff(ctx, sys, off.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.st.CountTimeOff(ctx, TimeOffFilter{}); n != 0 {
			t.Errorf("%d left after delete", n)
		}
	})
}

// TestOneOnOnesAndCadence: who may record which kind, and overdue flags.
func TestOneOnOnesAndCadence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		start := "2025-06-01"
		sm := f.member("Sol Senior", "senior-manager-support-engineering", "AMER", nil, MemberInput{StartDate: &start})
		mgr := f.member("Mia Manager", "manager-support-engineering", "AMER", sm, MemberInput{StartDate: &start})
		e1 := f.member("Eli One", "support-engineer", "AMER", mgr, MemberInput{StartDate: &start})
		e2 := f.member("Eve Two", "support-engineer", "AMER", mgr, MemberInput{StartDate: &start})
		today := f.st.Today() // the fake clock's 2026-01-05
		recent := time.Now().UTC().Format(DateLayout)
		_ = recent
		o, err := f.st.RecordOneOnOne(ctx, sys, mgr.ID, OneOnOneInput{MemberID: &e1.ID, HeldOn: sp("2026-01-02"), Notes: sp("wants to grow into ASE")})
		if err != nil || *o.Notes != "wants to grow into ASE" || o.ManagerName != "Mia Manager" {
			t.Fatalf("1:1 %+v %v", o, err)
		}
		_, err = f.st.RecordOneOnOne(ctx, sys, sm.ID, OneOnOneInput{MemberID: &e1.ID, Type: sp(OneOnOneKind)})
		wantField(t, err, "member_id", "direct manager")
		if _, err := f.st.RecordOneOnOne(ctx, sys, sm.ID, OneOnOneInput{MemberID: &e2.ID, Type: sp(SkipLevelKind), HeldOn: sp("2025-12-01")}); err != nil {
			t.Fatal(err)
		}
		_, err = f.st.RecordOneOnOne(ctx, sys, mgr.ID, OneOnOneInput{MemberID: &e2.ID, HeldOn: sp("2099-01-01")})
		wantField(t, err, "held_on", "future")
		cad, err := f.st.Cadences(ctx, mgr.ID, today)
		if err != nil || len(cad) != 2 {
			t.Fatalf("cadences %v %v", cad, err)
		}
		for _, c := range cad {
			switch c.MemberID {
			case e1.ID:
				if c.Overdue || *c.LastHeld != "2026-01-02" {
					t.Errorf("e1 %+v", c)
				}
			case e2.ID:
				if !c.Overdue || c.LastHeld != nil {
					t.Errorf("e2 never had a 1:1 since June: %+v", c)
				}
			}
		}
		cad, _ = f.st.Cadences(ctx, sm.ID, today) // mgr: 1:1, e1/e2: skip-levels
		kinds := map[string]int{}
		for _, c := range cad {
			kinds[c.Type+map[bool]string{true: " overdue", false: ""}[c.Overdue]]++
		}
		if kinds["one_on_one overdue"] != 1 || kinds["skip_level"] != 1 || kinds["skip_level overdue"] != 1 {
			t.Errorf("senior manager's cadences %v", kinds)
		}
		n, _ := f.st.CountOneOnOnes(ctx, OneOnOneFilter{MemberID: e1.ID})
		if n != 1 {
			t.Errorf("count %d", n)
		}
		var logged string
		if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE object_type = 'team_one_on_one' AND object_id = $1", []any{o.ID}, &logged); err != nil || strings.Contains(logged, "ASE") {
			t.Errorf("private notes in the audit log: %s %v", logged, err)
		}
	})
}

// TestRosterImportAllOrNothingAndIdempotent imports an HR export: a bad
// file is refused whole with every line named; a good one creates, a
// second run changes nothing, and an export reads back the same.
func TestRosterImportAllOrNothingAndIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		existing := f.member("Old Timer", "staff-support-engineer", "EMEA", nil, MemberInput{})
		f.user("Cus Tomer", people.RoleEndUser, people.UserInput{})
		good := "email,name,title,grade,region,time_zone,manager_email,start_date,end_date,specialties,skills,verified_us_citizen\n" +
			"vp@hr.test,Val VP,VP of Support,,AMER,America/New_York,,2019-01-07,,,,false\n" +
			"eng@hr.test,Ed Eng,Senior Support Engineer,7,AMER,America/Chicago,mgr@hr.test,2023-03-01,,ASE,Kubernetes;Git,true\n" + // manager listed after
			"mgr@hr.test,Mo Mgr,\"Manager, Support Engineering\",8,AMER,America/New_York,vp@hr.test,2021-05-03,,,,false\n" +
			"old.timer@frontline.test,Old Timer,Staff Support Engineer,8,EMEA,Europe/Dublin,vp@hr.test,,,,,false\n"
		bad := strings.Replace(good, "Senior Support Engineer,7", "Senior Support Engineer,9", 1) +
			"cus.tomer@frontline.test,Cus Tomer,Support Engineer,6,EMEA,UTC,,,,,,false\n" +
			"gov@hr.test,Gov,Support Engineer,6,AMER,UTC,nobody@hr.test,,,US Government,,false\n" +
			"a@hr.test,A,Support Engineer,6,AMER,UTC,b@hr.test,,,,,\n" +
			"b@hr.test,B,Support Engineer,6,AMER,UTC,a@hr.test,,,,,\n"
		rows, problems := ParseRoster(strings.NewReader(bad))
		if len(problems) != 0 {
			t.Fatal(problems)
		}
		_, err := f.st.ImportRoster(ctx, sys, rows, nil)
		ps := fieldProblems(err)
		for line, want := range map[string]string{
			"line 3": "grade 9 does not match Senior Support Engineer (grade 7)",
			"line 6": "customer (end-user) account",
			"line 7": "nobody@hr.test is neither in the file nor on the roster",
			"line 8": "the reporting line loops: a@hr.test → b@hr.test → a@hr.test",
			"line 9": "loops",
		} {
			if !strings.Contains(strings.Join(ps[line], "|"), want) {
				t.Errorf("%s: %v lacks %q", line, ps[line], want)
			}
		}
		if !strings.Contains(strings.Join(ps["line 7"], "|"), "verified US citizenship") {
			t.Errorf("line 7 specialty: %v", ps["line 7"])
		}
		if n, _ := f.st.CountMembers(ctx, MemberFilter{Status: "all"}); n != 1 {
			t.Fatalf("a rejected file changed the roster: %d members", n)
		}
		if id, _, _ := userID(t, d, "vp@hr.test"); id != 0 {
			t.Fatal("a rejected file created users")
		}
		rows, _ = ParseRoster(strings.NewReader(good))
		res, err := f.st.ImportRoster(ctx, sys, rows, nil)
		if err != nil || res != (ImportResult{Rows: 4, Created: 3, Updated: 1}) {
			t.Fatalf("import %+v %v", res, err)
		}
		res, err = f.st.ImportRoster(ctx, sys, rows, nil)
		if err != nil || res != (ImportResult{Rows: 4, Unchanged: 4}) {
			t.Fatalf("second import %+v %v", res, err)
		}
		eid, _, _ := userID(t, d, "eng@hr.test")
		e, _ := f.st.GetMember(ctx, eid)
		mid, _, _ := userID(t, d, "mgr@hr.test")
		if e.Title != "Senior Support Engineer" || *e.ManagerID != mid || e.TimeZone != "America/Chicago" || !e.VerifiedCitizenship ||
			e.Specialties[0] != SpecialtyASE || strings.Join(e.Skills, ",") != "Git,Kubernetes" || *e.StartDate != "2023-03-01" || e.Role != people.RoleAgent {
			t.Errorf("imported %+v", e)
		}
		if o, _ := f.st.GetMember(ctx, existing.ID); o.TimeZone != "Europe/Dublin" || o.ManagerID == nil {
			t.Errorf("existing member not updated %+v", o)
		}
		var buf bytes.Buffer
		if err := f.st.ExportRoster(ctx, &buf, MemberFilter{Status: "all"}); err != nil {
			t.Fatal(err)
		}
		rows, problems = ParseRoster(&buf)
		if len(problems) != 0 {
			t.Fatal(problems)
		}
		res, err = f.st.ImportRoster(ctx, sys, rows, nil)
		if err != nil || res.Unchanged != 4 || res.Created+res.Updated != 0 {
			t.Errorf("export re-imported: %+v %v\n%s", res, err, buf.String())
		}
	})
}

func userID(t *testing.T, d *db.DB, email string) (int64, string, error) {
	t.Helper()
	var id int64
	var role string
	err := d.QueryRow(context.Background(), "SELECT id, role FROM users WHERE email = $1", []any{email}, &id, &role)
	if err != nil {
		return 0, "", nil
	}
	return id, role, nil
}

func TestSummaryOrgChartAndLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		vp := f.member("Vic VP", "vp-of-support", "AMER", nil, MemberInput{})
		m1 := f.member("Mo One", "manager-support-engineering", "EMEA", vp, MemberInput{})
		for i := range 3 {
			f.member("Eng "+string(rune('A'+i)), "support-engineer", "EMEA", m1, MemberInput{})
		}
		gone := f.member("Gone Girl", "support-engineer", "APAC", m1, MemberInput{EndDate: sp("2025-01-01")})
		s, err := f.st.Summary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Headcount != 5 || s.ICs != 3 || s.Managers != 2 || *s.ICManagerRatio != 1.5 || s.ByRegion["EMEA"].Headcount != 4 ||
			*s.ByRegion["EMEA"].ICManagerRatio != 3 || s.ByRegion["APAC"].Headcount != 0 || s.ByLevel["Support Engineer"] != 3 {
			t.Errorf("summary %+v", s)
		}
		tr, err := f.st.OrgChart(ctx)
		if err != nil || len(tr.Roots) != 1 || tr.Roots[0].Size != 5 || tr.ByID[gone.ID] != nil {
			t.Errorf("org chart %+v %v", tr.Roots, err)
		}
		// Grades are configurable; the members' grade follows.
		l, err := f.st.UpdateLevel(ctx, sys, f.lv["support-engineer"].ID, LevelInput{Grade: func() *int { g := 16; return &g }()})
		if err != nil || *l.Grade != 16 {
			t.Fatalf("level %+v %v", l, err)
		}
		ms, _ := f.st.ListMembers(ctx, MemberFilter{LevelID: l.ID})
		if len(ms) != 3 || *ms[0].Grade != 16 {
			t.Errorf("members after grade change %+v", ms)
		}
		if u, _ := f.ppl.GetUser(ctx, ms[0].ID); u.Grade != "16" {
			t.Errorf("users.grade %q", u.Grade)
		}
		_, err = f.st.UpdateLevel(ctx, sys, l.ID, LevelInput{Track: sp("manager")})
		wantField(t, err, "track", "members hold the level")
		err = f.st.DeleteLevel(ctx, sys, l.ID)
		wantField(t, err, "level", "members hold Support Engineer")
		fam, err := f.st.CreateFamily(ctx, sys, FamilyInput{Name: sp("Support Readiness")})
		if err != nil || fam.Key != "support-readiness" {
			t.Fatalf("family %+v %v", fam, err)
		}
		_, err = f.st.CreateFamily(ctx, sys, FamilyInput{Name: sp("support readiness")})
		wantField(t, err, "name", "taken")
		nl, err := f.st.CreateLevel(ctx, sys, fam.ID, LevelInput{Name: sp("Readiness Analyst"), Track: sp("ic")})
		if err != nil || nl.Grade != nil || nl.FamilyID != fam.ID {
			t.Fatalf("new level %+v %v", nl, err)
		}
		if err := f.st.DeleteLevel(ctx, sys, nl.ID); err != nil {
			t.Fatal(err)
		}
		tr2, err := f.st.CreateTraining(ctx, sys, TrainingInput{Name: sp("CMOC shadowing")})
		if err != nil || tr2.Key != "cmoc-shadowing" || tr2.Builtin {
			t.Fatalf("training %+v %v", tr2, err)
		}
		ts, _ := f.st.Trainings(ctx)
		if len(ts) != 4 || !ts[0].Builtin {
			t.Errorf("catalog %+v", ts)
		}
		err = f.st.DeleteTraining(ctx, sys, ts[0].ID)
		wantField(t, err, "training", "built-in")
	})
}

// TestOrgGraphCacheFollowsEveryWriter: the org graph is kept per version
// of the team data; a change through any writer (the team store, people's
// users and organizations, SQL by hand) is seen at once.
func TestOrgGraphCacheFollowsEveryWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.seed()
		vp := f.member("Vic VP", "vp-of-support", "AMER", nil, MemberInput{})
		eng := f.member("Eli Eng", "senior-support-engineer", "AMER", vp, MemberInput{Specialties: &[]string{SpecialtyASE}})
		node := func(id int64) Node {
			ns, err := f.st.Nodes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.ID == id {
					return n
				}
			}
			t.Fatalf("node %d missing", id)
			return Node{}
		}
		if n := node(eng.ID); n.Name != "Eli Eng" || *n.ManagerID != vp.ID || n.Flagged {
			t.Fatalf("node %+v", n)
		}
		if _, err := f.ppl.UpdateUser(ctx, sys, eng.ID, people.UserInput{Name: sp("Eli Engineer")}); err != nil {
			t.Fatal(err)
		}
		if n := node(eng.ID); n.Name != "Eli Engineer" {
			t.Errorf("rename through people not seen: %+v", n)
		}
		if _, err := f.st.UpdateMember(ctx, sys, eng.ID, MemberInput{ManagerID: ip(0)}); err != nil {
			t.Fatal(err)
		}
		if n := node(eng.ID); n.ManagerID != nil {
			t.Errorf("manager change not seen: %+v", n)
		}
		// Six accounts written by hand (past the limit): the member is flagged.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			for i := range 6 {
				if _, err := tx.ExecContext(ctx, "INSERT INTO organizations (name, ase_user_id, created_at, updated_at) VALUES ($1, $2, 1, 1)", fmt.Sprintf("Org %d", i), eng.ID); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n := node(eng.ID); !n.Flagged {
			t.Errorf("accounts written by hand not seen: %+v", n)
		}
		if _, err := f.st.UpdateLevel(ctx, sys, f.lv["senior-support-engineer"].ID, LevelInput{Name: sp("Senior Engineer")}); err != nil {
			t.Fatal(err)
		}
		if n := node(eng.ID); n.Level != "Senior Engineer" {
			t.Errorf("level rename not seen: %+v", n)
		}
	})
}
