package team

import (
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

func fieldProblems(err error) map[string][]string {
	if e, ok := err.(*errs.Error); ok {
		return e.Fields
	}
	return nil
}

func TestSlugAndDefaults(t *testing.T) {
	if got := Slug("Manager, Support Engineering"); got != "manager-support-engineering" {
		t.Errorf("slug %q", got)
	}
	want := map[string]int{
		"Customer Support Representative": 5, "Associate Support Engineer": 5, "Support Engineer": 6,
		"Senior Support Engineer": 7, "Staff Support Engineer": 8, "Manager, Support Engineering": 8,
		"Senior Manager, Support Engineering": 9, "Director of Support": 0, "Director of Support Readiness": 0,
		"VP of Support": 0, "Support Operations Specialist": 6, "Manager, Support Operations": 8,
	}
	seen := 0
	for _, f := range DefaultFamilies() {
		for _, l := range f.Levels {
			g, ok := want[l.Name]
			if !ok || g != l.Grade {
				t.Errorf("level %s grade %d (want %d, known %v)", l.Name, l.Grade, g, ok)
			}
			if (l.Track == TrackManager) != (strings.Contains(l.Name, "Manager") || strings.Contains(l.Name, "Director") || strings.Contains(l.Name, "VP")) {
				t.Errorf("level %s on track %s", l.Name, l.Track)
			}
			seen++
		}
	}
	if seen != len(want) {
		t.Errorf("%d levels, want %d", seen, len(want))
	}
	for _, r := range SpanRules() { // the span rules name levels that exist
		found := false
		for _, f := range DefaultFamilies() {
			for _, l := range f.Levels {
				found = found || Slug(l.Name) == r.Level
			}
		}
		if !found {
			t.Errorf("span rule names unknown level %s", r.Level)
		}
	}
	for _, k := range aseLevels {
		found := false
		for _, l := range DefaultFamilies()[0].Levels {
			found = found || Slug(l.Name) == k
		}
		if !found {
			t.Errorf("ASE level %s unknown", k)
		}
	}
}

// TestSpecialtyRules is the table of every specialty rule, each refusal
// naming its rule.
func TestSpecialtyRules(t *testing.T) {
	office := DefaultHours()
	night := WorkingHours{"monday": {{Start: "22:00", End: "06:00"}}}
	cases := []struct {
		name  string
		specs []string
		facts SpecialtyFacts
		field string // "" = accepted
		words string
	}{
		{"ASE at Senior", []string{SpecialtyASE}, SpecialtyFacts{LevelKey: "senior-support-engineer", Hours: office}, "", ""},
		{"ASE nearing Senior", []string{SpecialtyASE}, SpecialtyFacts{LevelKey: "support-engineer", Hours: office}, "", ""},
		{"ASE at Staff", []string{SpecialtyASE}, SpecialtyFacts{LevelKey: "staff-support-engineer", Hours: office}, "", ""},
		{"ASE as Associate", []string{SpecialtyASE}, SpecialtyFacts{LevelKey: "associate-support-engineer", Hours: office}, "specialties", "nearing or at Senior"},
		{"ASE without level", []string{SpecialtyASE}, SpecialtyFacts{Hours: office}, "specialties", "nearing or at Senior"},
		{"ASE as manager", []string{SpecialtyASE}, SpecialtyFacts{LevelKey: "manager-support-engineering", Hours: office}, "specialties", "nearing or at Senior"},
		{"dropping ASE with accounts", nil, SpecialtyFacts{LevelKey: "support-engineer", AssignedCount: 2, Hours: office}, "specialties", "2 accounts are assigned"},
		{"US Gov verified", []string{SpecialtyUSGov}, SpecialtyFacts{VerifiedCitizen: true, Hours: office}, "", ""},
		{"US Gov unverified", []string{SpecialtyUSGov}, SpecialtyFacts{Hours: office}, "specialties", "verified US citizenship"},
		{"night hours with Shift", []string{SpecialtyShift}, SpecialtyFacts{Hours: night}, "", ""},
		{"night hours without Shift", nil, SpecialtyFacts{Hours: night}, "working_hours", "Shift specialty"},
		{"unknown specialty", []string{"wizard"}, SpecialtyFacts{Hours: office}, "specialties", "not a specialty"},
	}
	for _, c := range cases {
		err := CheckSpecialties(c.specs, c.facts)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		ps := fieldProblems(err)[c.field]
		if !errs.Is(err, errs.KindInvalid) || len(ps) == 0 || !strings.Contains(strings.Join(ps, ";"), c.words) {
			t.Errorf("%s: %v, want %s naming %q", c.name, err, c.field, c.words)
		}
	}
	if err := CheckASEAccounts("Alex", 4); err != nil {
		t.Errorf("5th account: %v", err)
	}
	err := CheckASEAccounts("Alex", 5)
	if ps := fieldProblems(err)["assigned_support_engineer_id"]; len(ps) != 1 || !strings.Contains(ps[0], "Assigned Support Engineer rule: at most 5") {
		t.Errorf("6th account: %v", err)
	}
}

func TestMatchLevel(t *testing.T) {
	g := func(v int) *int { return &v }
	levels := []Level{{ID: 1, Key: "senior-support-engineer", Name: "Senior Support Engineer", Grade: g(7)},
		{ID: 2, Key: "vp-of-support", Name: "VP of Support"}}
	cases := []struct {
		title, grade string
		id           int64
		note         bool
	}{
		{"Senior Support Engineer", "7", 1, false},
		{"  senior support-engineer ", "", 1, false},
		{"Senior Support Engineer", "8", 1, true},
		{"VP of Support", "12", 2, true},
		{"VP of Support", "", 2, false},
		{"Senior Manager, Support", "10", 0, false},
		{"", "7", 0, false},
	}
	for _, c := range cases {
		l, note := MatchLevel(levels, c.title, c.grade)
		var id int64
		if l != nil {
			id = l.ID
		}
		if id != c.id || (note != "") != c.note {
			t.Errorf("%q/%q: level %d note %q", c.title, c.grade, id, note)
		}
	}
}

func TestMemberValidateAndFlags(t *testing.T) {
	start, end := "2026-02-01", "2026-01-01"
	m := Member{ID: 5, Region: "MARS", TimeZone: "Nowhere/City", StartDate: &start, EndDate: &end,
		ManagerID: ptr(int64(5)), WorkingHours: WorkingHours{"funday": nil}}
	ps := fieldProblems(m.Validate())
	for _, f := range []string{"region", "time_zone", "end_date", "manager_id", "working_hours"} {
		if len(ps[f]) == 0 {
			t.Errorf("no problem on %s: %v", f, ps)
		}
	}
	f := Member{Region: "EMEA", LegacyTitle: "Senior Manager, Support", LegacyGrade: "10", Specialties: []string{SpecialtyUSGov},
		WorkingHours: DefaultHours(), AssignedCount: 6}
	flags := strings.Join(f.computeFlags(), "|")
	for _, want := range []string{`old title "Senior Manager, Support"`, "verified US citizenship", "6 accounts are assigned", "leads 6 assigned accounts"} {
		if !strings.Contains(flags, want) {
			t.Errorf("flags %q lack %q", flags, want)
		}
	}
	ok := Member{Region: "EMEA", LevelID: ptr(int64(1)), LevelKey: "support-engineer", Grade: ptr(6), LegacyGrade: "6", WorkingHours: DefaultHours()}
	if got := ok.computeFlags(); len(got) != 0 {
		t.Errorf("clean member flagged %v", got)
	}
}

func TestTimeOffValidate(t *testing.T) {
	cases := []struct {
		t     TimeOff
		field string
		days  float64
	}{
		{TimeOff{Type: "vacation", StartDate: "2026-03-02", EndDate: "2026-03-06"}, "", 5},
		{TimeOff{Type: "sick", StartDate: "2026-03-02", EndDate: "2026-03-02", StartHalfDay: true}, "", 0.5},
		{TimeOff{Type: "vacation", StartDate: "2026-03-02", EndDate: "2026-03-04", StartHalfDay: true, EndHalfDay: true}, "", 2},
		{TimeOff{Type: "vacation", StartDate: "2026-03-02", EndDate: "2026-03-02", StartHalfDay: true, EndHalfDay: true}, "end_half_day", 0},
		{TimeOff{Type: "holiday-ish", StartDate: "2026-03-02", EndDate: "2026-03-02"}, "type", 0},
		{TimeOff{Type: "vacation", StartDate: "2026-03-05", EndDate: "2026-03-02"}, "end_date", 0},
		{TimeOff{Type: "vacation", StartDate: "2026-3-5", EndDate: "2026-03-06"}, "start_date", 0},
		{TimeOff{Type: "parental", StartDate: "2026-01-01", EndDate: "2027-06-01"}, "end_date", 0},
	}
	for i, c := range cases {
		err := c.t.Validate("")
		if c.field == "" {
			if err != nil || c.t.Days != c.days {
				t.Errorf("case %d: %v days %v", i, err, c.t.Days)
			}
			continue
		}
		if len(fieldProblems(err)[c.field]) == 0 {
			t.Errorf("case %d: %v, want a problem on %s", i, err, c.field)
		}
	}
	if len(fieldProblems((&TimeOff{Type: "other", StartDate: "2026-01-01", EndDate: "2026-01-01"}).Validate(strings.Repeat("x", 1001)))["reason"]) == 0 {
		t.Error("long reason accepted")
	}
}

func TestOneOnOneRulesAndCadence(t *testing.T) {
	chain := []int64{10, 20, 30} // member 1 reports to 10, who reports to 20, then 30
	cases := []struct {
		o     OneOnOne
		field string
	}{
		{OneOnOne{MemberID: 1, ManagerID: 10, Type: OneOnOneKind, HeldOn: "2026-01-05"}, ""},
		{OneOnOne{MemberID: 1, ManagerID: 20, Type: SkipLevelKind, HeldOn: "2026-01-05"}, ""},
		{OneOnOne{MemberID: 1, ManagerID: 30, Type: SkipLevelKind, HeldOn: "2026-01-05"}, ""},
		{OneOnOne{MemberID: 1, ManagerID: 20, Type: OneOnOneKind, HeldOn: "2026-01-05"}, "member_id"},
		{OneOnOne{MemberID: 1, ManagerID: 10, Type: SkipLevelKind, HeldOn: "2026-01-05"}, "member_id"},
		{OneOnOne{MemberID: 1, ManagerID: 99, Type: SkipLevelKind, HeldOn: "2026-01-05"}, "member_id"},
		{OneOnOne{MemberID: 1, ManagerID: 10, Type: OneOnOneKind, HeldOn: "2026-01-06"}, "held_on"},
		{OneOnOne{MemberID: 1, ManagerID: 10, Type: "coffee", HeldOn: "2026-01-05"}, "type"},
	}
	for i, c := range cases {
		err := ValidateOneOnOne(&c.o, "", "2026-01-05", chain)
		if c.field == "" && err != nil || c.field != "" && len(fieldProblems(err)[c.field]) == 0 {
			t.Errorf("case %d: %v (want %q)", i, err, c.field)
		}
	}
	if err := ValidateOneOnOne(&OneOnOne{MemberID: 1, ManagerID: 10, Type: SkipLevelKind, HeldOn: "2026-01-05"}, "", "2026-01-05", nil); err == nil {
		t.Error("skip-level for a member without managers accepted")
	}
	last := "2025-12-15"
	if c := CadenceOf("2026-01-05", 1, "A", OneOnOneKind, &last, nil); !c.Overdue || c.DueOn != "2025-12-29" {
		t.Errorf("overdue 1:1 %+v", c)
	}
	if c := CadenceOf("2026-01-05", 1, "A", SkipLevelKind, &last, nil); c.Overdue || c.DueOn != "2026-03-15" {
		t.Errorf("skip-level %+v", c)
	}
	start := "2026-01-01"
	if c := CadenceOf("2026-01-05", 1, "A", OneOnOneKind, nil, &start); c.Overdue || c.DueOn != "2026-01-15" {
		t.Errorf("new starter %+v", c)
	}
	if !CanSeePrivate(10, 1, chain) || !CanSeePrivate(1, 1, chain) || CanSeePrivate(99, 1, chain) {
		t.Error("private data rule")
	}
}
