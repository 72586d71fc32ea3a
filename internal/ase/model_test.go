package ase

import (
	"testing"
	"time"

	"github.com/frontline/frontline/internal/team"
)

func TestRoute(t *testing.T) {
	ase, cover := int64(7), int64(9)
	for _, c := range []struct {
		aseOn, coverOn bool
		hasCover       bool
		want           int64
		toCover        bool
	}{
		{true, true, true, 7, false},
		{true, false, false, 7, false},
		{false, true, true, 9, true},
		{false, false, true, 0, false},
		{false, true, false, 0, false},
	} {
		var cv *int64
		if c.hasCover {
			cv = &cover
		}
		got, toCover := Route(&ase, cv, c.aseOn, c.coverOn)
		if (got == nil && c.want != 0) || (got != nil && *got != c.want) || toCover != c.toCover {
			t.Errorf("%+v: %v %v", c, got, toCover)
		}
	}
	if !IsEmergency([]string{"vip", "emergency"}) || IsEmergency([]string{"urgent"}) {
		t.Error("emergency tag")
	}
}

func TestCadenceBusinessDaysAcrossWeekendsHolidaysAndDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c := team.Calendar{Loc: ny, Hours: team.DefaultHours(),
		Holidays: []team.Holiday{{Name: "Thanksgiving", StartDate: "2026-11-26", EndDate: "2026-11-26"}}}
	// Friday 2026-10-30 15:00 EDT; 2 business days -> Tuesday 2026-11-03
	// 15:00 EST (the clocks went back on Sunday 1 November).
	last := time.Date(2026, 10, 30, 15, 0, 0, 0, ny)
	due, ok := CadenceDue(c, last, 2)
	if !ok || !due.Equal(time.Date(2026, 11, 3, 15, 0, 0, 0, ny)) || due.UTC().Hour() != 20 {
		t.Fatalf("due %v (UTC %v)", due, due.UTC())
	}
	// Wednesday before Thanksgiving, 1 business day -> Friday.
	due, _ = CadenceDue(c, time.Date(2026, 11, 25, 10, 0, 0, 0, ny), 1)
	if !due.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, ny)) {
		t.Fatalf("over the holiday: %v", due)
	}
	if _, ok := CadenceDue(c, last, 0); ok {
		t.Fatal("no cadence, no due date")
	}
	if _, ok := CadenceDue(team.Calendar{Hours: team.WorkingHours{}}, last, 1); ok {
		t.Fatal("a calendar without working days has no due date")
	}
	// Overdue and warning.
	st, _ := Cadence(c, last, time.Date(2026, 11, 3, 15, 0, 0, 0, ny), 2)
	if !st.Overdue {
		t.Fatal("at the due moment it is overdue")
	}
	st, _ = Cadence(c, last, time.Date(2026, 11, 3, 9, 0, 0, 0, ny), 2)
	if st.Overdue || !st.Warning {
		t.Fatalf("six hours before: %+v", st)
	}
	st, _ = Cadence(c, last, time.Date(2026, 11, 2, 9, 0, 0, 0, ny), 2)
	if st.Overdue || st.Warning {
		t.Fatalf("a day before: %+v", st)
	}
	if err := (AccountInput{CoverUserID: ptr(7)}).Validate(ptr(7)); err == nil {
		t.Fatal("the ASE covers themself")
	}
}

func ptr(v int64) *int64 { return &v }
