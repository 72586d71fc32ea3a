package oncall

import (
	"strings"
	"testing"
	"time"
)

func TestFairnessHoursWeekendsAndScore(t *testing.T) {
	ams := zone(t, "Europe/Amsterdam")
	// Daily 24h turns, three members, one week from Monday: 1 gets Mon,
	// Thu, Sun; 2 Tue, Fri; 3 Wed, Sat.
	s := sched(Layer{TZ: "Europe/Amsterdam", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "00:00", Members: []int64{1, 2, 3}})
	from, to := local(ams, "2026-11-02 00:00"), local(ams, "2026-11-09 00:00")
	f := Fair(Render(s, from, to), []int64{1, 2, 3, 4}, ams, from, to)
	want := map[int64][2]float64{1: {72, 24}, 2: {48, 0}, 3: {48, 24}, 4: {0, 0}}
	for _, l := range f.Members {
		if w := want[l.UserID]; l.Hours != w[0] || l.WeekendHours != w[1] {
			t.Errorf("member %d: %+v want %v", l.UserID, l, w)
		}
	}
	if f.Score <= 0 || f.Score >= 1 {
		t.Fatalf("score %v", f.Score)
	}
	same := Fair([]Segment{{Start: from, End: from.Add(10 * time.Hour), UserID: 1}, {Start: from, End: from.Add(10 * time.Hour), UserID: 2}}, []int64{1, 2}, ams, from, to)
	if same.Score != 1 || same.Members[0].Balance != 1 {
		t.Fatalf("equal loads: %+v", same)
	}
	q0, q1 := Quarter(local(ams, "2026-11-15 10:00"), ams)
	if !q0.Equal(local(ams, "2026-10-01 00:00")) || !q1.Equal(local(ams, "2027-01-01 00:00")) || QuarterName(q0, ams) != "2026-Q4" {
		t.Fatalf("quarter %s %s", q0, q1)
	}
}

// The generator orders each rotation least loaded first (so those with
// the most already get no extra turn), and covers time off with overrides
// to the least loaded available member.
func TestGenerateBalancesAndCoversTimeOff(t *testing.T) {
	ams := zone(t, "Europe/Amsterdam")
	s := sched(Layer{ID: 1, TZ: "Europe/Amsterdam", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-01-05", HandoffTime: "09:00", Members: []int64{1, 2, 3, 4}})
	from, to := Quarter(local(ams, "2026-11-15 10:00"), ams)
	prior := map[int64]float64{1: 500, 2: 0, 3: 300, 4: 100}
	away := []Away{{UserID: 2, Start: local(ams, "2026-10-01 00:00"), End: local(ams, "2026-12-31 00:00"), Detail: "parental"}}
	plan, err := Generate(s, from, to, nil, away, prior)
	if err != nil {
		t.Fatal(err)
	}
	order := plan.Orders[1]
	if len(order) != 4 {
		t.Fatalf("order %v", order)
	}
	// The turn holding the quarter's start goes to the least loaded (2).
	k, _, _, _ := s.Layers[0].turn(from)
	if order[k%4] != 2 || order[(k+1)%4] != 4 || order[(k+2)%4] != 3 || order[(k+3)%4] != 1 {
		t.Fatalf("order %v from turn %d", order, k)
	}
	if len(plan.Overrides) == 0 {
		t.Fatal("time off not covered")
	}
	for _, o := range plan.Overrides {
		if o.UserID == 2 || !strings.Contains(o.Reason, "parental") {
			t.Fatalf("override %+v", o)
		}
	}
	var two float64
	for _, l := range plan.Fairness.Members {
		if l.UserID == 2 {
			two = l.Hours
		}
	}
	// 2 is only on call on 31 December (after the time off ends).
	if two > 48 {
		t.Fatalf("member on leave still carries %v hours", two)
	}
	if plan.Fairness.GapHours != 0 {
		t.Fatalf("gaps %v", plan.Fairness.GapHours)
	}
}

func TestTimeOffFlagsAndSuggestions(t *testing.T) {
	s := sched(Layer{TZ: "UTC", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "00:00",
		Restrictions: []Restriction{{Start: "00:00", End: "20:00"}}, Members: []int64{1, 2, 3, 4}},
		// evenings: nobody yet (a gap); 22-24 is outside every layer (not flagged)
		Layer{TZ: "UTC", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "00:00",
			Restrictions: []Restriction{{Start: "20:00", End: "22:00"}}})
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	segs := Render(s, day, day.Add(48*time.Hour))
	away := []Away{
		{UserID: 1, Start: day.Add(6 * time.Hour), End: day.Add(12 * time.Hour), Detail: "dentist"},
		{UserID: 3, Start: day, End: day.Add(72 * time.Hour), Detail: "vacation"},
	}
	flags := Check(segs, s.Pool(), away, map[int64]float64{2: 10, 4: 5})
	var off, gaps int
	for _, f := range flags {
		switch f.Kind {
		case FlagGap:
			gaps++
		case FlagTimeOff:
			off++
			if f.UserID != 1 || !f.Start.Equal(day.Add(6*time.Hour)) || !f.End.Equal(day.Add(12*time.Hour)) {
				t.Fatalf("flag %+v", f)
			}
			// 3 is away, 4 is less loaded than 2.
			if len(f.Suggestions) != 2 || f.Suggestions[0] != 4 || f.Suggestions[1] != 2 {
				t.Fatalf("suggestions %v", f.Suggestions)
			}
		}
	}
	if off != 1 || gaps != 2 {
		t.Fatalf("flags %+v", flags)
	}
}

func TestStaffingAndSwapRules(t *testing.T) {
	gov := Schedule{Name: "US Government", RequiredSpecialty: "us_government"}
	members := map[int64]Member{
		1: {ID: 1, Name: "Cleared", Active: true, Specialties: []string{"us_government"}},
		2: {ID: 2, Name: "Ada", Active: true},
		3: {ID: 3, Name: "Gone", Active: false},
	}
	of := func(id int64) (Member, bool) { m, ok := members[id]; return m, ok }
	if err := CheckStaffing(&gov, "members", []int64{1}, of); err != nil {
		t.Fatal(err)
	}
	err := CheckStaffing(&gov, "members", []int64{1, 2, 3, 99}, of)
	msg := errString(err, "members")
	if !strings.Contains(msg, "US Government rule: Ada can't be on call on US Government") || !strings.Contains(msg, "user 3 is not an active member") || !strings.Contains(msg, "user 99") {
		t.Fatalf("staffing: %v", msg)
	}
	s := sched(Layer{TZ: "UTC", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "00:00", Members: []int64{1, 2}})
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	now := day.Add(-time.Hour)
	w := &Swap{RequesterID: 1, Start: day.Add(2 * time.Hour), End: day.Add(10 * time.Hour)}
	if err := CheckSwapRequest(s, w, now); err != nil {
		t.Fatal(err)
	}
	bad := &Swap{RequesterID: 2, Start: day.Add(2 * time.Hour), End: day.Add(10 * time.Hour)}
	if err := CheckSwapRequest(s, bad, now); !strings.Contains(errString(err, "start"), "Swap rule: the requester is not on call") {
		t.Fatalf("not on call: %v", err)
	}
	late := &Swap{RequesterID: 1, Start: day.Add(2 * time.Hour), End: day.Add(10 * time.Hour)}
	if err := CheckSwapRequest(s, late, day.Add(11*time.Hour)); err == nil {
		t.Fatal("swap of an ended shift accepted")
	}
	w.Status = SwapPending
	if err := CheckSwapAccept(w, 1, nil, now); err == nil {
		t.Fatal("requester accepted own swap")
	}
	if err := CheckSwapAccept(w, 2, []Away{{UserID: 2, Start: day, End: day.Add(3 * time.Hour), Detail: "off"}}, now); err == nil {
		t.Fatal("taker on time off accepted")
	}
	named := int64(3)
	w.TakerID = &named
	if err := CheckSwapAccept(w, 2, nil, now); err == nil {
		t.Fatal("someone else than the named taker accepted")
	}
	w.TakerID = nil
	if err := CheckSwapAccept(w, 2, nil, now); err != nil {
		t.Fatal(err)
	}
	w.Status = SwapAccepted
	if err := CheckSwapAccept(w, 2, nil, now); err == nil {
		t.Fatal("accepted twice")
	}
}
