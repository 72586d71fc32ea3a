package sla

import (
	"testing"
	"time"
)

// FuzzAddBusinessMinutes checks the invariants of AddBusinessMinutes and
// BusinessMinutesBetween on schedules with holidays, intervals crossing
// midnight and clock changes:
//   - the result is not before from, and exactly minutes of business time
//     lie between them;
//   - the result is the earliest such instant: it ends business time (the
//     instant just before it is open) and one second earlier falls short;
//   - the result is monotonic in minutes and in from.
func FuzzAddBusinessMinutes(f *testing.F) {
	f.Add(uint8(0), int64(1710000000), uint32(120), uint16(0))        // US spring forward
	f.Add(uint8(1), int64(1711846800), uint32(61), uint16(3600))      // UK spring forward
	f.Add(uint8(2), int64(1713960000), uint32(500), uint16(59))       // Anzac Day, Sydney nights
	f.Add(uint8(3), int64(1508025600), uint32(1440), uint16(1))       // Sao Paulo midnight DST
	f.Add(uint8(0), int64(1704067200), uint32(3*2400), uint16(65535)) // three weeks
	schedules := []*Schedule{nyOfficeHolidays(), londonNoSaturday(), sydneyNights(), saoPauloOldDST(), nyWeekendNights(), utcMondayNight()}
	cals := make([]*Calendar, len(schedules))
	for i, s := range schedules {
		c, err := NewCalendar(s)
		if err != nil {
			f.Fatal(err)
		}
		cals[i] = c
	}
	f.Fuzz(func(t *testing.T, which uint8, unix int64, minutes uint32, shift uint16) {
		cal := cals[int(which)%len(cals)]
		// Keep from between 1990 and ~2090 and the target under ~2 years of 40h weeks.
		const lo, span = int64(631152000), int64(100 * 365 * 24 * 3600)
		from := time.Unix(lo+((unix%span)+span)%span, int64(shift)*1e6).UTC()
		m := int(minutes % 200000)

		got := cal.AddMinutes(from, m)
		if got.Before(from) {
			t.Fatalf("AddMinutes(%v, %d) = %v is before from", from, m, got)
		}
		if d := cal.Between(from, got); d != time.Duration(m)*time.Minute {
			t.Fatalf("Between(%v, AddMinutes(+%d) = %v) = %v", from, m, got, d)
		}
		if back := cal.MinutesBetween(from, got); back != m {
			t.Fatalf("MinutesBetween(%v, AddMinutes(+%d) = %v) = %d", from, m, got, back)
		}
		if m == 0 {
			if !got.Equal(from) {
				t.Fatalf("AddMinutes(%v, 0) = %v", from, got)
			}
			return
		}
		if !cal.IsOpen(got.Add(-time.Nanosecond)) {
			t.Fatalf("AddMinutes(%v, %d) = %v: the instant before it is not business time", from, m, got)
		}
		if short := cal.MinutesBetween(from, got.Add(-time.Second)); short != m-1 {
			t.Fatalf("AddMinutes(%v, %d) = %v is not the earliest: a second earlier has %d minutes", from, m, got, short)
		}
		if more := cal.AddMinutes(from, m+1); !more.After(got) {
			t.Fatalf("AddMinutes(+%d) = %v not after AddMinutes(+%d) = %v", m+1, more, m, got)
		}
		later := from.Add(time.Duration(shift) * time.Second)
		if l := cal.AddMinutes(later, m); l.Before(got) {
			t.Fatalf("AddMinutes(%v, %d) = %v is before AddMinutes(%v, %d) = %v", later, m, l, from, m, got)
		}
	})
}
