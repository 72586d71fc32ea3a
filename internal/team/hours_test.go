package team

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func ptr[T any](v T) *T { return &v }

// TestAvailableAcrossDaylightSaving reads working hours on the member's own
// wall clock: the same UTC instant is inside the hours on one side of a
// daylight-saving change and outside on the other.
func TestAvailableAcrossDaylightSaving(t *testing.T) {
	ny := Calendar{Loc: mustLoc(t, "America/New_York"), Hours: DefaultHours()}
	syd := Calendar{Loc: mustLoc(t, "Australia/Sydney"), Hours: DefaultHours()}
	ams := Calendar{Loc: mustLoc(t, "Europe/Amsterdam"), Hours: DefaultHours()}
	cases := []struct {
		name   string
		cal    Calendar
		at     string
		want   bool
		reason string
	}{
		// US DST starts Sunday 2026-03-08: 13:30 UTC is 08:30 EST on Friday, 09:30 EDT on Monday.
		{"NY friday before DST, 08:30 EST", ny, "2026-03-06T13:30:00Z", false, ReasonOffHours},
		{"NY monday after DST, 09:30 EDT", ny, "2026-03-09T13:30:00Z", true, ReasonAvailable},
		// 21:30 UTC is 16:30 EST (working) but 17:30 EDT (not).
		{"NY friday 16:30 EST", ny, "2026-03-06T21:30:00Z", true, ReasonAvailable},
		{"NY monday 17:30 EDT", ny, "2026-03-09T21:30:00Z", false, ReasonOffHours},
		// Sydney DST ends Sunday 2026-04-05: 22:30 UTC is 09:30 AEDT (Thu 2 Apr) and 08:30 AEST (Mon 6 Apr... Tue local).
		{"Sydney before DST end, 09:30 AEDT", syd, "2026-04-01T22:30:00Z", true, ReasonAvailable},
		{"Sydney after DST end, 08:30 AEST", syd, "2026-04-06T22:30:00Z", false, ReasonOffHours},
		// Europe DST ends Sunday 2026-10-25: 16:30 UTC is 18:30 CEST / 17:30 CET; 15:30 UTC is 17:30 / 16:30.
		{"Amsterdam 16:30 CET after the change", ams, "2026-10-26T15:30:00Z", true, ReasonAvailable},
		{"Amsterdam 17:30 CEST before the change", ams, "2026-10-23T15:30:00Z", false, ReasonOffHours},
		{"weekend", ams, "2026-10-24T10:00:00Z", false, ReasonOffHours},
		{"start is inclusive", ams, "2026-10-26T08:00:00Z", true, ReasonAvailable}, // 09:00 CET
		{"end is exclusive", ams, "2026-10-26T16:00:00Z", false, ReasonOffHours},   // 17:00 CET
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		got := Available(c.cal, at)
		if got.Available != c.want || got.Reason != c.reason {
			t.Errorf("%s: %+v, want available=%v reason=%s", c.name, got, c.want, c.reason)
		}
	}
}

// TestAvailableNightShiftAndDSTNight covers a shift past midnight, also on
// the night the clocks change.
func TestAvailableNightShiftAndDSTNight(t *testing.T) {
	cal := Calendar{Loc: mustLoc(t, "America/New_York"), Hours: WorkingHours{
		"saturday": {{Start: "22:00", End: "06:00"}},
		"monday":   {{Start: "22:00", End: "06:00"}},
	}}
	cases := []struct {
		at   string
		want bool
	}{
		{"2026-03-08T03:30:00Z", true},  // Sat 22:30 EST
		{"2026-03-08T06:30:00Z", true},  // Sun 01:30 EST, after midnight of the Saturday shift
		{"2026-03-08T07:30:00Z", true},  // Sun 03:30 EDT (02:00-03:00 does not exist that night)
		{"2026-03-08T10:30:00Z", false}, // Sun 06:30 EDT: the shift ended at 06:00 local
		{"2026-03-08T09:59:00Z", true},  // Sun 05:59 EDT
		{"2026-03-10T02:00:00Z", true},  // Mon 22:00 EDT: the Monday shift starts
		{"2026-03-10T01:59:00Z", false}, // Mon 21:59 EDT
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		got := Available(cal, at)
		if got.Available != c.want {
			t.Errorf("%s (%s): %+v, want %v", c.at, got.LocalTime, got, c.want)
		}
	}
}

// TestAvailableTimeOffHolidaysAndDates checks every reason, half days
// included, on the member's local date.
func TestAvailableTimeOffHolidaysAndDates(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	cal := Calendar{Loc: loc, Hours: DefaultHours(), StartDate: ptr("2026-01-05"), EndDate: ptr("2026-12-31"),
		TimeOff: []Away{
			{StartDate: "2026-02-02", EndDate: "2026-02-06"},                  // a week off
			{StartDate: "2026-02-10", EndDate: "2026-02-10", StartHalf: true}, // afternoon off
			{StartDate: "2026-02-12", EndDate: "2026-02-13", EndHalf: true},   // Thu + Fri morning
		},
		Holidays: []Holiday{{Name: "Christmas Day", StartDate: "2026-12-25", EndDate: "2026-12-25"}},
	}
	at := func(local string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		local  string
		want   bool
		reason string
	}{
		{"2026-01-02 10:00", false, ReasonNotStarted},
		{"2026-01-05 10:00", true, ReasonAvailable},
		{"2027-01-04 10:00", false, ReasonLeft},
		{"2026-12-25 10:00", false, ReasonHoliday},
		{"2026-02-04 10:00", false, ReasonTimeOff},
		{"2026-02-09 10:00", true, ReasonAvailable},
		{"2026-02-10 11:59", true, ReasonAvailable},
		{"2026-02-10 12:00", false, ReasonTimeOff},
		{"2026-02-12 16:00", false, ReasonTimeOff},
		{"2026-02-13 11:00", false, ReasonTimeOff},
		{"2026-02-13 12:30", true, ReasonAvailable},
		{"2026-02-13 18:00", false, ReasonOffHours},
	}
	for _, c := range cases {
		got := Available(cal, at(c.local))
		if got.Available != c.want || got.Reason != c.reason {
			t.Errorf("%s: %+v, want %v %s", c.local, got, c.want, c.reason)
		}
	}
	// The local date decides: 23:30 UTC on Christmas Eve is already the 25th in Berlin.
	if got := Available(Calendar{Loc: loc, Hours: WorkingHours{"friday": {{Start: "00:00", End: "24:00"}}},
		Holidays: cal.Holidays}, time.Date(2026, 12, 24, 23, 30, 0, 0, time.UTC)); got.Reason != ReasonHoliday {
		t.Errorf("holiday on the local date: %+v", got)
	}
}

func TestWorkingHoursValidateAndShiftRule(t *testing.T) {
	bad := []WorkingHours{
		{"mondays": {{Start: "09:00", End: "17:00"}}},
		{"monday": {{Start: "9:00", End: "17:00"}}},
		{"monday": {{Start: "09:00", End: "24:30"}}},
		{"monday": {{Start: "24:00", End: "06:00"}}},
		{"monday": {{Start: "09:00", End: "09:00"}}},
		{"monday": {{Start: "09:00", End: "13:00"}, {Start: "12:00", End: "17:00"}}},
		{"monday": {{Start: "22:00", End: "06:00"}}, "tuesday": {{Start: "05:00", End: "09:00"}}},
		{"saturday": {{Start: "20:00", End: "04:00"}}, "sunday": {{Start: "03:00", End: "05:00"}}},
	}
	for i, h := range bad {
		if h.Validate() == nil {
			t.Errorf("case %d %v: accepted", i, h)
		}
	}
	good := []WorkingHours{DefaultHours(), {}, {"monday": {{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "24:00"}}},
		{"sunday": {{Start: "22:00", End: "06:00"}}, "monday": {{Start: "06:00", End: "10:00"}}}}
	for i, h := range good {
		if err := h.Validate(); err != nil {
			t.Errorf("good case %d: %v", i, err)
		}
	}
	if DefaultHours().OffRegion() != "" {
		t.Error("office hours flagged as off-region")
	}
	for _, h := range []WorkingHours{
		{"saturday": {{Start: "09:00", End: "17:00"}}},
		{"monday": {{Start: "05:00", End: "13:00"}}},
		{"monday": {{Start: "14:00", End: "22:00"}}},
		{"monday": {{Start: "22:00", End: "06:00"}}},
	} {
		if h.OffRegion() == "" {
			t.Errorf("%v: not flagged as off-region", h)
		}
	}
	if got := DefaultHours().Summary(); got != "Mon-Fri 09:00-17:00" {
		t.Errorf("summary %q", got)
	}
	if got := DefaultHours().WeeklyMinutes(); got != 40*60 {
		t.Errorf("weekly minutes %d", got)
	}
}
