package sla

import (
	"math"
	"slices"
	"time"
)

const (
	secondsPerDay = 24 * 60 * 60
	minutesPerDay = 24 * 60
	// zoneMargin widens the instant range searched for a local date so that
	// any UTC offset (real ones stay within ±15h) is covered.
	zoneMargin = 2 * secondsPerDay
	// maxMinutes is the largest whole-minute amount a time.Duration can hold.
	maxMinutes = math.MaxInt64 / int64(time.Minute)
)

// window is an open period of one weekday in minutes after local midnight,
// [start, end), 0 <= start < end <= 1440.
type window struct{ start, end int }

// dayRange is an inclusive range of local dates as days since 1970-01-01.
type dayRange struct{ first, last int64 }

// span is an instant range [a, b) in Unix seconds.
type span struct{ a, b int64 }

// Calendar is a compiled Schedule: the form every computation uses. It is
// immutable and safe for concurrent use. The zero value is not usable; build
// one with NewCalendar or AlwaysOpen.
//
// Business time is the measure of the set of instants whose local wall-clock
// time falls inside an interval on a local date that is not a holiday. So on
// a spring-forward day an interval 00:00–06:00 holds 5 real hours, and on a
// fall-back day it holds 7; intervals never contain the skipped hour and count
// a repeated hour twice when both occurrences fall inside them.
type Calendar struct {
	loc      *time.Location
	always   bool
	days     [7][]window // indexed by time.Weekday
	weekly   int64       // nominal business minutes per week
	holidays []dayRange  // sorted, merged
}

// AlwaysOpen returns the 24x7 calendar used for calendar-hours targets:
// business time equals elapsed time.
func AlwaysOpen() *Calendar { return &Calendar{loc: time.UTC, always: true, weekly: MinutesPerWeek} }

// NewCalendar validates s and compiles it. A nil schedule yields AlwaysOpen.
func NewCalendar(s *Schedule) (*Calendar, error) {
	if s == nil {
		return AlwaysOpen(), nil
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return compile(s), nil
}

// compile builds a Calendar without validating: an unknown zone falls back to
// UTC, intervals are clamped to the week and merged, unparsable holidays are
// ignored. Stored schedules are validated on write, so this only matters for
// data that bypassed Validate.
func compile(s *Schedule) *Calendar {
	if s == nil {
		return AlwaysOpen()
	}
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	c := &Calendar{loc: loc}
	for _, in := range s.Intervals {
		lo, hi := max(in.StartTime, 0), min(in.EndTime, MinutesPerWeek)
		for d := range 7 {
			ds := d * minutesPerDay
			a, b := max(lo, ds), min(hi, ds+minutesPerDay)
			if a < b {
				c.days[d] = append(c.days[d], window{a - ds, b - ds})
			}
		}
	}
	full := true
	for d := range c.days {
		c.days[d] = mergeWindows(c.days[d])
		for _, w := range c.days[d] {
			c.weekly += int64(w.end - w.start)
		}
		full = full && len(c.days[d]) == 1 && c.days[d][0] == window{0, minutesPerDay}
	}
	for _, h := range s.Holidays {
		a, err1 := time.Parse(DateLayout, h.StartDate)
		b, err2 := time.Parse(DateLayout, h.EndDate)
		if err1 != nil || err2 != nil || b.Before(a) {
			continue
		}
		c.holidays = append(c.holidays, dayRange{dayNum(a.Date()), dayNum(b.Date())})
	}
	c.holidays = mergeRanges(c.holidays)
	c.always = full && len(c.holidays) == 0
	return c
}

func mergeWindows(ws []window) []window {
	slices.SortFunc(ws, func(a, b window) int { return a.start - b.start })
	var out []window
	for _, w := range ws {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

func mergeRanges(rs []dayRange) []dayRange {
	slices.SortFunc(rs, func(a, b dayRange) int {
		switch {
		case a.first < b.first:
			return -1
		case a.first > b.first:
			return 1
		}
		return 0
	})
	var out []dayRange
	for _, r := range rs {
		if n := len(out); n > 0 && r.first <= out[n-1].last+1 {
			out[n-1].last = max(out[n-1].last, r.last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// WeeklyMinutes returns the nominal business minutes in a week without
// holidays or clock changes.
func (c *Calendar) WeeklyMinutes() int { return int(c.weekly) }

// IsOpen reports whether t is inside business hours.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.always {
		return true
	}
	lt := t.In(c.loc)
	day := dayNum(lt.Date())
	if _, ok := c.holidayAt(day); ok {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	for _, w := range c.days[lt.Weekday()] {
		if w.start <= m && m < w.end {
			return true
		}
	}
	return false
}

// AddMinutes returns the earliest instant at which minutes of business time
// have elapsed since from (from itself when minutes <= 0). Amounts beyond what
// a time.Duration holds (~292 years) are clamped. For a schedule with no open
// time at all it returns the zero Time, meaning "never".
func (c *Calendar) AddMinutes(from time.Time, minutes int) time.Time {
	m := min(int64(minutes), maxMinutes)
	return c.Add(from, time.Duration(m)*time.Minute)
}

// Add is AddMinutes for an arbitrary duration of business time.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if c.always {
		return from.Add(d)
	}
	if c.weekly == 0 {
		return time.Time{}
	}
	weekly := time.Duration(c.weekly) * time.Minute
	need := d
	startDay := c.localDay(from)
	var buf []span
	for day := startDay; ; {
		if r, ok := c.holidayAt(day); ok {
			day = r.last + 1
			continue
		}
		buf = c.dayRanges(day, buf[:0])
		for _, s := range buf {
			a, b := time.Unix(s.a, 0), time.Unix(s.b, 0)
			if !b.After(from) {
				continue
			}
			if a.Before(from) {
				a = from
			}
			avail := b.Sub(a)
			if avail >= need {
				return a.Add(need).In(from.Location())
			}
			need -= avail
		}
		day++
		if need > weekly {
			// Whole weeks strictly after from's date, leaving at least some
			// time to place inside an actual window.
			n := c.skippableWeeks(day, int64((need-1)/weekly))
			day += 7 * n
			need -= time.Duration(n) * weekly
		}
	}
}

// MinutesBetween returns the whole business minutes in [a, b) (0 if b <= a).
func (c *Calendar) MinutesBetween(a, b time.Time) int {
	m, _ := c.between(a, b)
	return int(min(m, math.MaxInt))
}

// Between returns the business time in [a, b) (0 if b <= a), saturating at
// the largest time.Duration.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	m, rem := c.between(a, b)
	if m >= maxMinutes {
		return math.MaxInt64
	}
	return time.Duration(m)*time.Minute + rem
}

// between returns business time in [a, b) as whole minutes plus a remainder
// below one minute, so that ranges longer than a Duration stay exact.
func (c *Calendar) between(a, b time.Time) (int64, time.Duration) {
	if !b.After(a) {
		return 0, 0
	}
	var acc minuteAcc
	if c.always {
		secs := b.Unix() - a.Unix()
		ns := time.Duration(b.Nanosecond() - a.Nanosecond())
		acc.min = secs / 60
		acc.add(time.Duration(secs%60)*time.Second + ns)
		return acc.min, acc.rem
	}
	if c.weekly == 0 {
		return 0, 0
	}
	firstDay, lastDay := c.localDay(a), c.localDay(b)
	var buf []span
	for day := firstDay; day <= lastDay; {
		if r, ok := c.holidayAt(day); ok {
			day = r.last + 1
			continue
		}
		// Dates strictly after a's date and before b's date lie wholly inside
		// [a, b), so fixed-offset weeks among them count nominally.
		if day > firstDay && day+7 <= lastDay {
			if n := c.skippableWeeks(day, (lastDay-day)/7); n > 0 {
				acc.min += n * c.weekly
				day += 7 * n
				continue
			}
		}
		buf = c.dayRanges(day, buf[:0])
		for _, s := range buf {
			x, y := time.Unix(s.a, 0), time.Unix(s.b, 0)
			if x.Before(a) {
				x = a
			}
			if y.After(b) {
				y = b
			}
			if y.After(x) {
				acc.add(y.Sub(x))
			}
		}
		day++
	}
	return acc.min, acc.rem
}

// minuteAcc accumulates durations as whole minutes plus a sub-minute rest.
type minuteAcc struct {
	min int64
	rem time.Duration
}

func (m *minuteAcc) add(d time.Duration) {
	m.rem += d
	m.min += int64(m.rem / time.Minute)
	m.rem %= time.Minute
	if m.rem < 0 {
		m.rem += time.Minute
		m.min--
	}
}

// dayRanges appends to buf the instant ranges (sorted) during which local
// date day is open. Around a clock change an interval may yield two ranges.
func (c *Calendar) dayRanges(day int64, buf []span) []span {
	ws := c.days[weekday(day)]
	if len(ws) == 0 {
		return buf
	}
	base := day * secondsPerDay // the date's midnight read as UTC seconds
	hi := base + secondsPerDay + zoneMargin
	first := len(buf)
	periods := 0
	for p := time.Unix(base-zoneMargin, 0).In(c.loc); ; periods++ {
		_, off := p.Zone()
		start, end := p.ZoneBounds()
		for _, w := range ws {
			a := base + int64(w.start)*60 - int64(off)
			b := base + int64(w.end)*60 - int64(off)
			if !start.IsZero() {
				a = max(a, start.Unix())
			}
			if !end.IsZero() {
				b = min(b, end.Unix())
			}
			if a < b {
				buf = append(buf, span{a, b})
			}
		}
		if end.IsZero() || end.Unix() >= hi {
			break
		}
		p = end
	}
	if periods > 0 {
		slices.SortFunc(buf[first:], func(x, y span) int {
			switch {
			case x.a < y.a:
				return -1
			case x.a > y.a:
				return 1
			}
			return 0
		})
	}
	return buf
}

// skippableWeeks returns how many whole weeks (at most maxN) starting at
// local date day contain no holiday and no change of UTC offset, so that each
// holds exactly the nominal weekly business time.
func (c *Calendar) skippableWeeks(day, maxN int64) int64 {
	if maxN <= 0 {
		return 0
	}
	n := maxN
	if next, ok := c.nextHoliday(day); ok {
		n = min(n, (next-day)/7)
	}
	base := day * secondsPerDay
	_, end := time.Unix(base-zoneMargin, 0).In(c.loc).ZoneBounds()
	if !end.IsZero() {
		// Every range of dates [day, day+7n) lies before base+7n days+margin.
		n = min(n, (end.Unix()-zoneMargin-base)/(7*secondsPerDay))
	}
	return max(n, 0)
}

// holidayAt returns the holiday range containing day.
func (c *Calendar) holidayAt(day int64) (dayRange, bool) {
	i, _ := slices.BinarySearchFunc(c.holidays, day, func(r dayRange, d int64) int {
		if r.last < d {
			return -1
		}
		if r.first > d {
			return 1
		}
		return 0
	})
	if i < len(c.holidays) && c.holidays[i].first <= day && day <= c.holidays[i].last {
		return c.holidays[i], true
	}
	return dayRange{}, false
}

// nextHoliday returns the first holiday date at or after day.
func (c *Calendar) nextHoliday(day int64) (int64, bool) {
	i, _ := slices.BinarySearchFunc(c.holidays, day, func(r dayRange, d int64) int {
		if r.last < d {
			return -1
		}
		return 1
	})
	if i == len(c.holidays) {
		return 0, false
	}
	return max(c.holidays[i].first, day), true
}

func (c *Calendar) localDay(t time.Time) int64 { return dayNum(t.In(c.loc).Date()) }

// dayNum returns the days between 1970-01-01 and the given civil date.
func dayNum(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

// weekday returns the day of the week of a dayNum (1970-01-01 was a Thursday).
func weekday(day int64) time.Weekday {
	return time.Weekday(((day % 7) + 7 + int64(time.Thursday)) % 7)
}

// AddBusinessMinutes returns the instant at which minutes of business time
// under s have elapsed after from. A nil s means calendar (24x7) time. s is
// compiled leniently (see Calendar); callers doing many computations should
// build a Calendar once with NewCalendar.
func AddBusinessMinutes(s *Schedule, from time.Time, minutes int) time.Time {
	return compile(s).AddMinutes(from, minutes)
}

// BusinessMinutesBetween returns the whole business minutes under s in
// [a, b). A nil s means calendar (24x7) time.
func BusinessMinutesBetween(s *Schedule, a, b time.Time) int {
	return compile(s).MinutesBetween(a, b)
}
