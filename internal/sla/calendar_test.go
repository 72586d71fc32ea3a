package sla

import (
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

func weekdaysMonFri() []time.Weekday {
	return []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
}

// Test schedules.
func nyOffice() *Schedule {
	return &Schedule{Name: "NY", TimeZone: "America/New_York", Intervals: OfficeHours(9*60, 17*60, weekdaysMonFri()...)}
}

func nyOfficeHolidays() *Schedule {
	s := nyOffice()
	s.Holidays = []Holiday{
		{Name: "MLK Day", StartDate: "2024-01-15", EndDate: "2024-01-15"},
		{Name: "Independence Day", StartDate: "2024-07-04", EndDate: "2024-07-04"},
		{Name: "Winter break", StartDate: "2024-12-24", EndDate: "2024-12-26"},
	}
	return s
}

// nyWeekendNights is open Saturday 20:00 to Sunday 08:00, crossing midnight
// and both US clock changes (which happen Sunday 02:00).
func nyWeekendNights() *Schedule {
	return &Schedule{Name: "NY nights", TimeZone: "America/New_York", Intervals: OfficeHours(20*60, 8*60, time.Saturday)}
}

// londonNoSaturday is open around the clock except on Saturdays, so whole
// Sundays (when UK clocks change at 01:00 UTC) are business time.
func londonNoSaturday() *Schedule {
	return &Schedule{Name: "London", TimeZone: "Europe/London", Intervals: []Interval{{0, 6 * minutesPerDay}}}
}

// utcMondayNight is open Monday 22:00 to Tuesday 06:00 UTC.
func utcMondayNight(holidays ...Holiday) *Schedule {
	return &Schedule{Name: "UTC nights", TimeZone: "UTC", Intervals: OfficeHours(22*60, 6*60, time.Monday), Holidays: holidays}
}

// sydneyNights is open 18:00–02:00 Tuesday to Saturday with a holiday that
// cuts the part after midnight.
func sydneyNights() *Schedule {
	return &Schedule{Name: "Sydney nights", TimeZone: "Australia/Sydney",
		Intervals: OfficeHours(18*60, 2*60, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday),
		Holidays:  []Holiday{{Name: "Anzac Day", StartDate: "2024-04-25", EndDate: "2024-04-25"}}}
}

// saoPauloOldDST uses a zone whose historic clock changes happened at
// midnight (the start date had no 00:00).
func saoPauloOldDST() *Schedule {
	return &Schedule{Name: "SP", TimeZone: "America/Sao_Paulo", Intervals: OfficeHours(0, 24*60, time.Sunday, time.Saturday, time.Monday)}
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses "2006-01-02 15:04" in zone.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, mustLoc(t, zone))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// refOpen is an independent, minute-resolution definition of business
// hours: the instant's local wall clock is inside an interval on a date that
// is not a holiday.
func refOpen(s *Schedule, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	date := lt.Format(DateLayout)
	for _, h := range s.Holidays {
		if h.StartDate <= date && date <= h.EndDate {
			return false
		}
	}
	wm := int(lt.Weekday())*minutesPerDay + lt.Hour()*60 + lt.Minute()
	for _, in := range s.Intervals {
		if in.StartTime <= wm && wm < in.EndTime {
			return true
		}
	}
	return false
}

// refAdd steps minute by minute from a minute-aligned instant.
func refAdd(t testing.TB, s *Schedule, from time.Time, minutes int) time.Time {
	loc := mustLoc(t, s.TimeZone)
	cur := from
	for n := 0; n < minutes; cur = cur.Add(time.Minute) {
		if refOpen(s, loc, cur) {
			n++
		}
		if cur.Sub(from) > 400*24*time.Hour {
			t.Fatal("refAdd ran away")
		}
	}
	return cur
}

func refBetween(t testing.TB, s *Schedule, a, b time.Time) int {
	loc := mustLoc(t, s.TimeZone)
	n := 0
	for cur := a; cur.Before(b); cur = cur.Add(time.Minute) {
		if refOpen(s, loc, cur) {
			n++
		}
	}
	return n
}

func TestAddBusinessMinutes(t *testing.T) {
	const ny = "America/New_York"
	tests := []struct {
		name    string
		s       *Schedule
		from    time.Time
		minutes int
		want    time.Time
	}{
		{"within a day", nyOffice(), local(t, ny, "2024-01-08 10:00"), 60, utc(t, "2024-01-08T16:00:00Z")},
		{"before opening", nyOffice(), local(t, ny, "2024-01-08 07:00"), 30, utc(t, "2024-01-08T14:30:00Z")},
		{"zero minutes is from", nyOffice(), local(t, ny, "2024-01-13 07:00"), 0, local(t, ny, "2024-01-13 07:00")},
		{"negative minutes is from", nyOffice(), local(t, ny, "2024-01-13 07:00"), -5, local(t, ny, "2024-01-13 07:00")},
		{"exactly at closing is due at closing", nyOffice(), local(t, ny, "2024-01-12 16:00"), 60, utc(t, "2024-01-12T22:00:00Z")},
		{"over the weekend", nyOffice(), local(t, ny, "2024-01-12 16:00"), 120, utc(t, "2024-01-15T15:00:00Z")},
		{"from the weekend", nyOffice(), local(t, ny, "2024-01-13 12:00"), 1, utc(t, "2024-01-15T14:01:00Z")},
		{"seconds are kept", nyOffice(), local(t, ny, "2024-01-08 10:00").Add(30 * time.Second), 1, utc(t, "2024-01-08T15:01:30Z")},
		{"holiday skipped", nyOfficeHolidays(), local(t, ny, "2024-07-03 16:00"), 120, utc(t, "2024-07-05T14:00:00Z")},
		{"multi-day holiday skipped", nyOfficeHolidays(), local(t, ny, "2024-12-23 16:00"), 120, utc(t, "2024-12-27T15:00:00Z")},
		{"from inside a holiday", nyOfficeHolidays(), local(t, ny, "2024-12-25 11:00"), 60, utc(t, "2024-12-27T15:00:00Z")},
		{"US spring forward over weekend", nyOffice(), local(t, ny, "2024-03-08 16:00"), 120, utc(t, "2024-03-11T14:00:00Z")},
		{"US fall back over weekend", nyOffice(), local(t, ny, "2024-11-01 16:00"), 120, utc(t, "2024-11-04T15:00:00Z")},
		{"night shift across spring forward", nyWeekendNights(), local(t, ny, "2024-03-09 22:00"), 360, utc(t, "2024-03-10T09:00:00Z")},
		{"night shift across fall back", nyWeekendNights(), local(t, ny, "2024-11-02 22:00"), 360, utc(t, "2024-11-03T08:00:00Z")},
		{"night shift all of it in spring (11h)", nyWeekendNights(), local(t, ny, "2024-03-09 12:00"), 660, utc(t, "2024-03-10T12:00:00Z")},
		{"London spring forward: 00:00 GMT + 60", londonNoSaturday(), local(t, "Europe/London", "2024-03-30 12:00"), 60, utc(t, "2024-03-31T01:00:00Z")},
		{"London spring forward: lands after the gap", londonNoSaturday(), local(t, "Europe/London", "2024-03-30 12:00"), 90, utc(t, "2024-03-31T01:30:00Z")},
		{"London fall back: Sunday holds 25h", londonNoSaturday(), local(t, "Europe/London", "2024-10-26 12:00"), 1500, utc(t, "2024-10-28T00:00:00Z")},
		{"London fall back: repeated hour counted twice", londonNoSaturday(), local(t, "Europe/London", "2024-10-27 00:30"), 90, utc(t, "2024-10-27T01:00:00Z")},
		{"interval crossing midnight", utcMondayNight(), utc(t, "2024-01-08T22:00:00Z"), 180, utc(t, "2024-01-09T01:00:00Z")},
		{"holiday cuts the part after midnight", utcMondayNight(Holiday{Name: "h", StartDate: "2024-01-09", EndDate: "2024-01-09"}), utc(t, "2024-01-08T22:00:00Z"), 180, utc(t, "2024-01-15T23:00:00Z")},
		{"three weeks", nyOffice(), local(t, ny, "2024-01-08 09:00"), 3 * 2400, utc(t, "2024-01-26T22:00:00Z")},
		{"three weeks and a minute", nyOffice(), local(t, ny, "2024-01-08 09:00"), 3*2400 + 1, utc(t, "2024-01-29T14:01:00Z")},
		{"three weeks with a holiday", nyOfficeHolidays(), local(t, ny, "2024-01-08 09:00"), 3 * 2400, utc(t, "2024-01-29T22:00:00Z")},
		{"twenty weeks across DST", nyOffice(), local(t, ny, "2024-01-08 09:00"), 20 * 2400, utc(t, "2024-05-24T21:00:00Z")},
		{"a year of business time", nyOffice(), local(t, ny, "2024-01-01 09:00"), 262 * 480, utc(t, "2024-12-31T22:00:00Z")},
		{"calendar mode is elapsed time", nil, local(t, ny, "2024-03-10 01:30"), 60, utc(t, "2024-03-10T07:30:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddBusinessMinutes(tt.s, tt.from, tt.minutes)
			if !got.Equal(tt.want) {
				t.Fatalf("AddBusinessMinutes(%v, %d) = %v, want %v", tt.from, tt.minutes, got.UTC(), tt.want.UTC())
			}
			if got.Location() != tt.from.Location() {
				t.Errorf("result location %v, want from's %v", got.Location(), tt.from.Location())
			}
			if tt.minutes > 0 {
				if back := BusinessMinutesBetween(tt.s, tt.from, got); back != tt.minutes {
					t.Errorf("BusinessMinutesBetween(from, result) = %d, want %d", back, tt.minutes)
				}
			}
		})
	}
}

func TestBusinessMinutesBetween(t *testing.T) {
	const ny = "America/New_York"
	tests := []struct {
		name string
		s    *Schedule
		a, b time.Time
		want int
	}{
		{"a working week", nyOffice(), local(t, ny, "2024-01-08 00:00"), local(t, ny, "2024-01-15 00:00"), 2400},
		{"holiday week", nyOfficeHolidays(), local(t, ny, "2024-07-01 00:00"), local(t, ny, "2024-07-08 00:00"), 1920},
		{"partial days", nyOffice(), local(t, ny, "2024-01-08 16:30"), local(t, ny, "2024-01-09 09:45"), 75},
		{"weekend only", nyOffice(), local(t, ny, "2024-01-12 17:00"), local(t, ny, "2024-01-15 09:00"), 0},
		{"empty range", nyOffice(), local(t, ny, "2024-01-09 10:00"), local(t, ny, "2024-01-09 10:00"), 0},
		{"reversed range", nyOffice(), local(t, ny, "2024-01-09 11:00"), local(t, ny, "2024-01-09 10:00"), 0},
		{"partial minute rounds down", nyOffice(), local(t, ny, "2024-01-09 10:00"), local(t, ny, "2024-01-09 10:00").Add(59 * time.Second), 0},
		{"night across spring forward is 11h", nyWeekendNights(), local(t, ny, "2024-03-09 00:00"), local(t, ny, "2024-03-11 00:00"), 660},
		{"night across fall back is 13h", nyWeekendNights(), local(t, ny, "2024-11-02 00:00"), local(t, ny, "2024-11-04 00:00"), 780},
		{"London spring Sunday is 23h", londonNoSaturday(), local(t, "Europe/London", "2024-03-31 00:00"), local(t, "Europe/London", "2024-04-01 00:00"), 1380},
		{"London fall Sunday is 25h", londonNoSaturday(), local(t, "Europe/London", "2024-10-27 00:00"), local(t, "Europe/London", "2024-10-28 00:00"), 1500},
		{"London repeated hour", londonNoSaturday(), utc(t, "2024-10-27T00:00:00Z"), utc(t, "2024-10-27T01:00:00Z"), 60},
		{"year 2024", nyOffice(), local(t, ny, "2024-01-01 00:00"), local(t, ny, "2025-01-01 00:00"), 262 * 480},
		{"year 2024 with holidays", nyOfficeHolidays(), local(t, ny, "2024-01-01 00:00"), local(t, ny, "2025-01-01 00:00"), 257 * 480},
		{"calendar mode", nil, utc(t, "2024-03-09T12:00:00Z"), utc(t, "2024-03-10T12:00:00Z"), 1440},
		{"calendar mode across centuries", nil, utc(t, "1800-01-01T00:00:00Z"), utc(t, "2300-01-01T00:00:00Z"), 262_974_240},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BusinessMinutesBetween(tt.s, tt.a, tt.b); got != tt.want {
				t.Fatalf("BusinessMinutesBetween = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestCalendarAgainstReference compares the week-skipping implementation with
// a naive minute-by-minute walk on starts spread around clock changes.
func TestCalendarAgainstReference(t *testing.T) {
	schedules := []*Schedule{nyOfficeHolidays(), nyWeekendNights(), londonNoSaturday(), sydneyNights(), saoPauloOldDST()}
	bases := []time.Time{
		utc(t, "2024-03-07T00:00:00Z"), // US spring forward week
		utc(t, "2024-10-24T00:00:00Z"), // UK fall back week
		utc(t, "2024-04-02T00:00:00Z"), // Sydney fall back, Anzac Day
		utc(t, "2017-10-12T00:00:00Z"), // Sao Paulo midnight spring forward
		utc(t, "2018-02-15T00:00:00Z"), // Sao Paulo midnight fall back
	}
	amounts := []int{1, 59, 481, 1441, 3001}
	for _, s := range schedules {
		cal, err := NewCalendar(s)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		for _, base := range bases {
			for i := range 6 {
				from := base.Add(time.Duration(i) * 17 * time.Hour).Add(time.Duration(i*7) * time.Minute)
				for _, m := range amounts {
					want := refAdd(t, s, from, m)
					if got := cal.AddMinutes(from, m); !got.Equal(want) {
						t.Fatalf("%s: AddMinutes(%v, %d) = %v, want %v", s.Name, from, m, got.UTC(), want.UTC())
					}
				}
				to := from.Add(9 * 24 * time.Hour).Add(-13 * time.Minute)
				if got, want := cal.MinutesBetween(from, to), refBetween(t, s, from, to); got != want {
					t.Fatalf("%s: MinutesBetween(%v, %v) = %d, want %d", s.Name, from, to, got, want)
				}
			}
		}
	}
}

func TestCalendarIsOpen(t *testing.T) {
	const ny = "America/New_York"
	cal, err := NewCalendar(nyOfficeHolidays())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{local(t, ny, "2024-01-08 08:59"), false},
		{local(t, ny, "2024-01-08 09:00"), true},
		{local(t, ny, "2024-01-08 16:59"), true},
		{local(t, ny, "2024-01-08 17:00"), false},
		{local(t, ny, "2024-01-13 12:00"), false}, // Saturday
		{local(t, ny, "2024-07-04 12:00"), false}, // holiday
	}
	for _, tt := range tests {
		if got := cal.IsOpen(tt.at); got != tt.want {
			t.Errorf("IsOpen(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
	if !AlwaysOpen().IsOpen(time.Time{}) {
		t.Error("AlwaysOpen is closed")
	}
}

func TestCalendarWithoutBusinessTime(t *testing.T) {
	// Only reachable for unvalidated data: Validate requires an interval.
	s := &Schedule{Name: "empty", TimeZone: "UTC"}
	from := utc(t, "2024-01-01T00:00:00Z")
	if got := AddBusinessMinutes(s, from, 10); !got.IsZero() {
		t.Errorf("AddBusinessMinutes on an empty schedule = %v, want zero (never)", got)
	}
	if got := BusinessMinutesBetween(s, from, from.Add(time.Hour)); got != 0 {
		t.Errorf("BusinessMinutesBetween on an empty schedule = %d", got)
	}
}

func BenchmarkAddBusinessMinutesYear(b *testing.B) {
	cal, err := NewCalendar(nyOfficeHolidays())
	if err != nil {
		b.Fatal(err)
	}
	from := time.Date(2024, 1, 3, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		cal.AddMinutes(from, 250*480)
	}
}
