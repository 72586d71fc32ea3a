package sla

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// MinutesPerWeek is the length of the Zendesk schedule week: interval minutes
// run from 0 (Sunday 00:00 local time) to 10080 (the following Sunday 00:00).
const MinutesPerWeek = 7 * 24 * 60

// DateLayout is the layout of holiday dates ("YYYY-MM-DD").
const DateLayout = "2006-01-02"

// Interval is one open period of the business week, in minutes since Sunday
// 00:00 local (wall-clock) time. StartTime is inclusive, EndTime exclusive. An
// interval may cross midnight (Mon 22:00 to Tue 06:00 is 2760..3240); a period
// crossing the end of the week must be split in two ([x, 10080] and [0, y]).
type Interval struct {
	StartTime int `json:"start_time"`
	EndTime   int `json:"end_time"`
}

// Holiday closes whole local days, StartDate to EndDate inclusive.
type Holiday struct {
	ID        int64  `json:"id,omitzero"`
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// Schedule is a business-hours schedule in the shape Zendesk serves at
// /api/v2/business_hours/schedules. TimeZone is an IANA name
// ("America/New_York"); a few Zendesk/Rails display names such as
// "Eastern Time (US & Canada)" are accepted as aliases.
type Schedule struct {
	ID        int64      `json:"id,omitzero"`
	Name      string     `json:"name"`
	TimeZone  string     `json:"time_zone"`
	Intervals []Interval `json:"intervals"`
	Holidays  []Holiday  `json:"holidays,omitempty"`
	CreatedAt time.Time  `json:"created_at,omitzero"`
	UpdatedAt time.Time  `json:"updated_at,omitzero"`
}

// Validate reports every problem with s as a KindInvalid error whose fields
// name the offending element, e.g. "intervals[2].end_time".
func (s *Schedule) Validate() error {
	var v errs.Validation
	checkName(&v, "name", s.Name)
	v.Check(s.Name != "", "name", "is required")
	if s.TimeZone == "" {
		v.Add("time_zone", "is required")
	} else if _, err := LoadZone(s.TimeZone); err != nil {
		v.Add("time_zone", fmt.Sprintf("unknown time zone %q", s.TimeZone))
	}
	v.Check(len(s.Intervals) > 0, "intervals", "must contain at least one interval")
	for i, in := range s.Intervals {
		f := fmt.Sprintf("intervals[%d]", i)
		v.Check(in.StartTime >= 0 && in.StartTime < MinutesPerWeek, f+".start_time", fmt.Sprintf("must be between 0 and %d", MinutesPerWeek-1))
		v.Check(in.EndTime > 0 && in.EndTime <= MinutesPerWeek, f+".end_time", fmt.Sprintf("must be between 1 and %d", MinutesPerWeek))
		v.Check(in.EndTime > in.StartTime, f+".end_time", "must be after start_time")
	}
	// Overlaps between otherwise valid intervals: compare each with every
	// earlier one so the error names the later element in input order.
	valid := func(in Interval) bool {
		return in.StartTime >= 0 && in.EndTime <= MinutesPerWeek && in.EndTime > in.StartTime
	}
	for j := range s.Intervals {
		for i := range j {
			a, b := s.Intervals[i], s.Intervals[j]
			if valid(a) && valid(b) && a.StartTime < b.EndTime && b.StartTime < a.EndTime {
				v.Add(fmt.Sprintf("intervals[%d]", j), fmt.Sprintf("overlaps intervals[%d]", i))
				break
			}
		}
	}
	for i, h := range s.Holidays {
		f := fmt.Sprintf("holidays[%d]", i)
		v.Check(h.Name != "", f+".name", "is required")
		start, err1 := time.Parse(DateLayout, h.StartDate)
		v.Check(err1 == nil, f+".start_date", "must be a date (YYYY-MM-DD)")
		end, err2 := time.Parse(DateLayout, h.EndDate)
		v.Check(err2 == nil, f+".end_date", "must be a date (YYYY-MM-DD)")
		if err1 == nil && err2 == nil {
			v.Check(!end.Before(start), f+".end_date", "must not be before start_date")
		}
	}
	return v.Err()
}

// LoadZone resolves an IANA time-zone name, or one of the common Zendesk
// (Rails) display names, to a location.
func LoadZone(name string) (*time.Location, error) {
	if iana := railsZone(name); iana != "" {
		name = iana
	}
	if name == "" || name == "Local" {
		// "" and "Local" would silently mean UTC / the server's zone.
		return nil, fmt.Errorf("sla: unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}

// railsZone maps the Zendesk time_zone display names most often seen in
// imports to IANA names; it returns "" for anything else.
func railsZone(name string) string {
	switch name {
	case "Eastern Time (US & Canada)":
		return "America/New_York"
	case "Central Time (US & Canada)":
		return "America/Chicago"
	case "Mountain Time (US & Canada)":
		return "America/Denver"
	case "Pacific Time (US & Canada)":
		return "America/Los_Angeles"
	case "London", "Edinburgh":
		return "Europe/London"
	case "Amsterdam":
		return "Europe/Amsterdam"
	case "Berlin":
		return "Europe/Berlin"
	case "Paris":
		return "Europe/Paris"
	case "Sydney":
		return "Australia/Sydney"
	case "Tokyo":
		return "Asia/Tokyo"
	case "Singapore":
		return "Asia/Singapore"
	}
	return ""
}

// weekdayInterval returns the interval open from startMin to endMin (minutes
// after local midnight) on weekday d.
// An end at or before the start runs past midnight into the next day.
func weekdayInterval(d time.Weekday, startMin, endMin int) Interval {
	start := int(d)*24*60 + startMin
	end := int(d)*24*60 + endMin
	if endMin <= startMin {
		end += 24 * 60
	}
	return Interval{StartTime: start, EndTime: end}
}

// OfficeHours returns intervals open from startMin to endMin (minutes after
// local midnight) on each of days. When endMin <= startMin the period runs
// past midnight; a Saturday period crossing into Sunday is split at the end
// of the week.
func OfficeHours(startMin, endMin int, days ...time.Weekday) []Interval {
	var out []Interval
	for _, d := range days {
		in := weekdayInterval(d, startMin, endMin)
		if in.EndTime > MinutesPerWeek {
			out = append(out, Interval{StartTime: in.StartTime, EndTime: MinutesPerWeek}, Interval{StartTime: 0, EndTime: in.EndTime - MinutesPerWeek})
			continue
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.StartTime - b.StartTime })
	return out
}

// checkName checks a name or title: storable text (no NUL, valid UTF-8) of
// at most limits.NameChars characters.
func checkName(v *errs.Validation, field, s string) {
	if p := limits.Problem(s); p != "" {
		v.Add(field, p)
		return
	}
	v.Check(utf8.RuneCountInString(s) <= limits.NameChars, field, limits.TooLongChars(limits.NameChars))
}

// checkLongText checks a description: storable text of at most
// limits.LongTextBytes.
func checkLongText(v *errs.Validation, field, s string) {
	if p := limits.Problem(s); p != "" {
		v.Add(field, p)
		return
	}
	v.Check(len(s) <= limits.LongTextBytes, field, limits.TooLongBytes(limits.LongTextBytes))
}
