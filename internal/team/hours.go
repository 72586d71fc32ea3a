package team

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Span is one stretch of working time on a weekday, in the member's local
// (wall-clock) time: "09:00" to "17:00". An end at or before the start runs
// past midnight into the next day (a "22:00"-"06:00" night shift); "24:00"
// is the end of the day.
type Span struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// WorkingHours are a member's spans per weekday ("monday" ... "sunday"),
// in local time, so they follow daylight-saving changes.
type WorkingHours map[string][]Span

var weekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// Weekdays lists the day keys Monday first, for display.
func Weekdays() []string { return append(slices.Clone(weekdays[1:]), weekdays[0]) }

// DefaultHours are Monday to Friday, 09:00 to 17:00.
func DefaultHours() WorkingHours {
	h := WorkingHours{}
	for _, d := range weekdays[1:6] {
		h[d] = []Span{{Start: "09:00", End: "17:00"}}
	}
	return h
}

// clock parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func clock(s string) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// minutes returns a span's start and end in minutes after the start of its
// day; an overnight span ends after 1440.
func (s Span) minutes() (start, end int, ok bool) {
	a, ok1 := clock(s.Start)
	b, ok2 := clock(s.End)
	if !ok1 || !ok2 || a == 1440 {
		return 0, 0, false
	}
	if b <= a {
		b += 1440
	}
	return a, b, true
}

// Validate reports bad days, times and overlaps, naming the element
// ("working_hours.monday[1].end").
func (h WorkingHours) Validate() error {
	var v errs.Validation
	days := make([]string, 0, len(h))
	for d := range h {
		days = append(days, d)
	}
	slices.Sort(days)
	type iv struct{ a, b int }
	var all []iv // week minutes, to find overlaps across days too
	for _, d := range days {
		di := slices.Index(weekdays, d)
		if di < 0 {
			v.Add("working_hours", fmt.Sprintf("%q is not a weekday (monday ... sunday)", d))
			continue
		}
		v.Check(len(h[d]) <= 4, "working_hours."+d, "at most 4 spans a day")
		for i, s := range h[d] {
			f := fmt.Sprintf("working_hours.%s[%d]", d, i)
			if _, ok := clock(s.Start); !ok || s.Start == "24:00" {
				v.Add(f+".start", "must be a time from 00:00 to 23:59")
				continue
			}
			if _, ok := clock(s.End); !ok {
				v.Add(f+".end", "must be a time from 00:00 to 24:00")
				continue
			}
			if s.Start == s.End {
				v.Add(f+".end", "must differ from start")
				continue
			}
			a, b, _ := s.minutes()
			a, b = a+di*1440, b+di*1440
			for _, o := range all {
				// compare on the weekly circle (a Saturday night shift wraps to Sunday)
				for _, shift := range []int{0, 7 * 1440, -7 * 1440} {
					if a < o.b+shift && o.a+shift < b {
						v.Add(f, "overlaps another span")
					}
				}
			}
			all = append(all, iv{a, b})
		}
	}
	return v.Err()
}

// OffRegion explains why the hours do not follow the region ("" when they
// do): work on a weekend, or outside 06:00-20:00 local time. Those need the
// Shift specialty.
func (h WorkingHours) OffRegion() string {
	for _, d := range []string{"saturday", "sunday"} {
		if len(h[d]) > 0 {
			return "works on " + d
		}
	}
	for _, d := range weekdays[1:6] {
		for _, s := range h[d] {
			a, b, ok := s.minutes()
			if ok && (a < 6*60 || b > 20*60) {
				return fmt.Sprintf("works %s-%s on %s", s.Start, s.End, d)
			}
		}
	}
	return ""
}

// WeeklyMinutes is the length of the working week.
func (h WorkingHours) WeeklyMinutes() int {
	n := 0
	for _, spans := range h {
		for _, s := range spans {
			if a, b, ok := s.minutes(); ok {
				n += b - a
			}
		}
	}
	return n
}

// Summary is a short text of the hours ("Mon-Fri 09:00-17:00").
func (h WorkingHours) Summary() string {
	var parts []string
	prev, first, last := "", "", ""
	flush := func() {
		if prev == "" {
			return
		}
		days := first
		if last != first {
			days += "-" + last
		}
		parts = append(parts, days+" "+prev)
	}
	for _, d := range Weekdays() {
		var ss []string
		for _, s := range h[d] {
			ss = append(ss, s.Start+"-"+s.End)
		}
		cur := strings.Join(ss, ", ")
		short := strings.ToUpper(d[:1]) + d[1:3]
		if cur != "" && cur == prev {
			last = short
			continue
		}
		flush()
		prev, first, last = cur, short, short
	}
	flush()
	if len(parts) == 0 {
		return "no working hours"
	}
	return strings.Join(parts, "; ")
}

// --- availability ----------------------------------------------------------------

// Away is one absence on local calendar dates, StartDate to EndDate
// inclusive. StartHalf: the first day is off from midday only; EndHalf: the
// last day is off until midday only.
type Away struct {
	StartDate string
	EndDate   string
	StartHalf bool
	EndHalf   bool
}

// Holiday is a public holiday of the member's region, whole local days.
type Holiday struct {
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// Calendar is everything that decides whether a member works at an instant.
type Calendar struct {
	Loc       *time.Location
	Hours     WorkingHours
	StartDate *string // first day on the team
	EndDate   *string // last day on the team (leavers)
	TimeOff   []Away
	Holidays  []Holiday
}

// Reasons an availability answer gives.
const (
	ReasonAvailable  = "available"
	ReasonNotStarted = "not_started"
	ReasonLeft       = "left"
	ReasonHoliday    = "public_holiday"
	ReasonTimeOff    = "time_off"
	ReasonOffHours   = "outside_working_hours"
)

// Availability is the answer for one instant.
type Availability struct {
	Available bool   `json:"available"`
	Reason    string `json:"reason"`
	Detail    string `json:"detail,omitempty"`
	LocalTime string `json:"local_time"` // the instant on the member's clock
}

const midday = 12 * 60

// Available answers "is the member working at instant t": on the team that
// day, not on a public holiday of their region, not off (whole or half
// day), and inside their working hours — all read on the member's own
// wall clock, so daylight-saving changes move the instant, not the hours.
// On-call, ASE cover and capacity planning ask this one function.
func Available(c Calendar, t time.Time) Availability {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	date := lt.Format(DateLayout)
	minute := lt.Hour()*60 + lt.Minute()
	out := Availability{LocalTime: lt.Format("Mon 2006-01-02 15:04 MST")}
	switch {
	case c.StartDate != nil && date < *c.StartDate:
		out.Reason, out.Detail = ReasonNotStarted, "starts on "+*c.StartDate
		return out
	case c.EndDate != nil && date > *c.EndDate:
		out.Reason, out.Detail = ReasonLeft, "left on "+*c.EndDate
		return out
	}
	for _, h := range c.Holidays {
		if h.StartDate <= date && date <= h.EndDate {
			out.Reason, out.Detail = ReasonHoliday, h.Name
			return out
		}
	}
	for _, a := range c.TimeOff {
		if date < a.StartDate || date > a.EndDate {
			continue
		}
		from, to := 0, 1440
		if date == a.StartDate && a.StartHalf {
			from = midday
		}
		if date == a.EndDate && a.EndHalf {
			to = midday
		}
		if from <= minute && minute < to {
			out.Reason, out.Detail = ReasonTimeOff, a.StartDate+" to "+a.EndDate
			return out
		}
	}
	day := int(lt.Weekday())
	for _, s := range c.Hours[weekdays[day]] {
		if a, b, ok := s.minutes(); ok && a <= minute && minute < b {
			out.Available, out.Reason = true, ReasonAvailable
			return out
		}
	}
	for _, s := range c.Hours[weekdays[(day+6)%7]] { // last night's shift running past midnight
		if a, b, ok := s.minutes(); ok && b > 1440 && minute < b-1440 && a < 1440 {
			out.Available, out.Reason = true, ReasonAvailable
			return out
		}
	}
	out.Reason = ReasonOffHours
	return out
}

// AwayOn reports whether any absence or holiday covers part of date.
func (c Calendar) AwayOn(date string) (string, bool) {
	for _, h := range c.Holidays {
		if h.StartDate <= date && date <= h.EndDate {
			return h.Name, true
		}
	}
	for _, a := range c.TimeOff {
		if a.StartDate <= date && date <= a.EndDate {
			half := (date == a.StartDate && a.StartHalf) || (date == a.EndDate && a.EndHalf)
			if half {
				return "half day off", true
			}
			return "off", true
		}
	}
	return "", false
}
