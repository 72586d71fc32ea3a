package oncall

import (
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func local(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func sched(layers ...Layer) Schedule {
	s := Schedule{ID: 1, Name: "test", TZ: "UTC", Layers: layers}
	for i := range s.Layers {
		if s.Layers[i].ID == 0 {
			s.Layers[i].ID = int64(i + 1)
		}
		if s.Layers[i].Name == "" {
			s.Layers[i].Name = "layer"
		}
	}
	if err := s.Prepare(); err != nil {
		panic(err)
	}
	return s
}

func on(s Schedule, t time.Time) int64 {
	if u := Resolve(s, t); len(u) == 1 {
		return u[0]
	} else if len(u) > 1 {
		panic("more than one")
	}
	return 0
}

// A daily 09:00 hand-off in London stays at 09:00 local across both
// changes of 2026 (29 March, 25 October): the turns that span them last 23
// and 25 hours.
func TestDailyHandoffAcrossLondonDST(t *testing.T) {
	ldn := zone(t, "Europe/London")
	s := sched(Layer{TZ: "Europe/London", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-03-01", HandoffTime: "09:00", Members: []int64{1, 2, 3}})
	// 2026-03-28 is day 27 from the start: 27 % 3 == 0 -> member 1.
	if got := on(s, local(ldn, "2026-03-28 09:00")); got != 1 {
		t.Fatalf("28 March 09:00: %d", got)
	}
	if got := on(s, local(ldn, "2026-03-29 08:59")); got != 1 {
		t.Fatalf("29 March 08:59 BST: %d", got)
	}
	if got := on(s, local(ldn, "2026-03-29 09:00")); got != 2 {
		t.Fatalf("29 March 09:00 BST: %d", got)
	}
	segs := Render(s, local(ldn, "2026-03-28 00:00"), local(ldn, "2026-03-31 00:00"))
	var spring Segment
	for _, g := range segs {
		if g.Start.Equal(local(ldn, "2026-03-28 09:00")) {
			spring = g
		}
	}
	if spring.Duration() != 23*time.Hour || spring.UserID != 1 {
		t.Fatalf("the turn over the spring change: %+v (%v)", spring, spring.Duration())
	}
	segs = Render(s, local(ldn, "2026-10-24 09:00"), local(ldn, "2026-10-26 09:00"))
	if len(segs) != 2 || segs[0].Duration() != 25*time.Hour || segs[1].Duration() != 24*time.Hour {
		t.Fatalf("autumn: %+v", segs)
	}
	if segs[0].End.In(ldn).Format("15:04 MST") != "09:00 GMT" {
		t.Fatalf("autumn hand-off at %s", segs[0].End.In(ldn))
	}
}

// A weekly Monday 09:00 hand-off in New York: the weeks holding 8 March
// and 1 November 2026 last 167 and 169 hours.
func TestWeeklyHandoffAcrossNewYorkDST(t *testing.T) {
	ny := zone(t, "America/New_York")
	s := sched(Layer{TZ: "America/New_York", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-01-05", HandoffTime: "09:00", Members: []int64{10, 20}})
	segs := Render(s, local(ny, "2026-03-02 09:00"), local(ny, "2026-03-16 09:00"))
	if len(segs) != 2 || segs[0].Duration() != 167*time.Hour || segs[1].Duration() != 168*time.Hour {
		t.Fatalf("spring: %+v", segs)
	}
	// 2026-01-05 + 8 weeks = 2026-03-02: turn 8 -> member 10.
	if segs[0].UserID != 10 || segs[1].UserID != 20 {
		t.Fatalf("spring members: %+v", segs)
	}
	segs = Render(s, local(ny, "2026-10-26 09:00"), local(ny, "2026-11-09 09:00"))
	if len(segs) != 2 || segs[0].Duration() != 169*time.Hour {
		t.Fatalf("autumn: %+v", segs)
	}
	for _, g := range segs {
		if l := g.Start.In(ny); l.Weekday() != time.Monday || l.Hour() != 9 {
			t.Fatalf("hand-off at %s", l)
		}
	}
}

// A 01:00-05:00 window in Sydney lasts 5 hours the night the clocks go
// back (5 April 2026, 03:00 -> 02:00) and 3 hours the night they go
// forward (4 October 2026, 02:00 -> 03:00).
func TestRestrictionWindowAcrossSydneyDST(t *testing.T) {
	syd := zone(t, "Australia/Sydney")
	s := sched(Layer{TZ: "Australia/Sydney", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-01-06", HandoffTime: "00:00",
		Restrictions: []Restriction{{Start: "01:00", End: "05:00"}}, Members: []int64{7}})
	hours := func(day string) time.Duration {
		var d time.Duration
		for _, g := range Render(s, local(syd, day+" 00:00"), local(syd, day+" 12:00")) {
			if g.UserID == 7 {
				d += g.Duration()
			}
		}
		return d
	}
	if h := hours("2026-04-05"); h != 5*time.Hour {
		t.Fatalf("DST end night: %v", h)
	}
	if h := hours("2026-10-04"); h != 3*time.Hour {
		t.Fatalf("DST start night: %v", h)
	}
	if h := hours("2026-06-01"); h != 4*time.Hour {
		t.Fatalf("ordinary night: %v", h)
	}
}

// Hourly turns are elapsed time: 12-hour turns starting at 08:00 London
// hand off at 07:00 and 19:00 after the spring change.
func TestHourlyTurnsAreElapsedTime(t *testing.T) {
	ldn := zone(t, "Europe/London")
	s := sched(Layer{TZ: "Europe/London", TurnUnit: TurnHourly, TurnCount: 12, StartDate: "2026-03-28", HandoffTime: "08:00", Members: []int64{1, 2}})
	segs := Render(s, local(ldn, "2026-03-28 08:00"), local(ldn, "2026-03-30 08:00"))
	for _, g := range segs {
		if g.Duration() > 12*time.Hour {
			t.Fatalf("turn longer than 12h: %+v", g)
		}
	}
	if got := segs[2].Start.In(ldn).Format("15:04"); got != "09:00" {
		t.Fatalf("third turn starts %s (12h after 21:00 GMT = 09:00 BST)", got)
	}
	// custom: 90-minute turns
	c := sched(Layer{TZ: "UTC", TurnUnit: TurnCustom, TurnCount: 90, StartDate: "2026-01-01", HandoffTime: "00:00", Members: []int64{1, 2, 3}})
	if got := on(c, time.Date(2026, 1, 1, 4, 29, 0, 0, time.UTC)); got != 3 {
		t.Fatalf("custom turn: %d", got)
	}
	if got := on(c, time.Date(2026, 1, 1, 4, 30, 0, 0, time.UTC)); got != 1 {
		t.Fatalf("custom turn wraps: %d", got)
	}
}

// Higher layers win where they have someone; overrides sit on top, the
// newer winning; nobody is a gap, rendered as such.
func TestLayersOverridesAndGaps(t *testing.T) {
	ams := zone(t, "Europe/Amsterdam")
	weekday := Layer{ID: 1, Position: 1, TZ: "Europe/Amsterdam", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "09:00",
		Restrictions: []Restriction{{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Start: "09:00", End: "17:00"}}, Members: []int64{1, 2}}
	weekend := Layer{ID: 2, Position: 2, TZ: "Europe/Amsterdam", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "09:00",
		Restrictions: []Restriction{{Weekdays: []time.Weekday{0, 6}, Start: "09:00", End: "17:00"}}, Members: []int64{3, 4}}
	all := Layer{ID: 3, Position: 3, TZ: "Europe/Amsterdam", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "12:00",
		Restrictions: []Restriction{{Weekdays: []time.Weekday{3}, Start: "12:00", End: "13:00"}}, Members: []int64{9}}
	// A layer with nobody in it: its hours are a gap, not "off".
	evenings := Layer{ID: 4, Position: 0, TZ: "Europe/Amsterdam", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "17:00",
		Restrictions: []Restriction{{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Start: "17:00", End: "21:00"}}}
	s := sched(weekday, weekend, all, evenings)
	if got := on(s, local(ams, "2026-11-04 10:00")); got != 1 {
		t.Fatalf("Wednesday 10:00: %d", got)
	}
	if got := on(s, local(ams, "2026-11-04 12:30")); got != 9 {
		t.Fatalf("higher layer at 12:30: %d", got)
	}
	if got := on(s, local(ams, "2026-11-04 18:00")); got != 0 {
		t.Fatalf("evening gap: %d", got)
	}
	if got := on(s, local(ams, "2026-11-07 10:00")); got != 4 { // Saturday: day 5 -> 4 (index 1)
		t.Fatalf("Saturday: %d", got)
	}
	if got := on(s, local(ams, "2026-11-09 10:00")); got != 2 { // next Monday: week 1 -> 2
		t.Fatalf("next week: %d", got)
	}
	s.Overrides = []Override{
		{ID: 1, UserID: 5, Start: local(ams, "2026-11-04 00:00"), End: local(ams, "2026-11-05 00:00")},
		{ID: 2, UserID: 6, Start: local(ams, "2026-11-04 11:00"), End: local(ams, "2026-11-04 12:00")},
	}
	_ = s.Prepare()
	if got := on(s, local(ams, "2026-11-04 11:30")); got != 6 {
		t.Fatalf("newer override: %d", got)
	}
	if got := on(s, local(ams, "2026-11-04 20:00")); got != 5 {
		t.Fatalf("override in a gap: %d", got)
	}
	from, to := local(ams, "2026-11-03 00:00"), local(ams, "2026-11-06 00:00")
	segs := Render(s, from, to)
	if !segs[0].Start.Equal(from) || !segs[len(segs)-1].End.Equal(to) {
		t.Fatal("render does not cover the window")
	}
	for i := 1; i < len(segs); i++ {
		if !segs[i].Start.Equal(segs[i-1].End) {
			t.Fatalf("hole between %+v and %+v", segs[i-1], segs[i])
		}
		if segs[i].UserID == segs[i-1].UserID && segs[i].Source == segs[i-1].Source && segs[i].LayerID == segs[i-1].LayerID && segs[i].OverrideID == segs[i-1].OverrideID {
			t.Fatalf("unmerged neighbours %+v %+v", segs[i-1], segs[i])
		}
	}
	var gaps, off, overrides int
	for _, g := range segs {
		switch g.Source {
		case SourceGap, SourceOff:
			if g.Source == SourceGap {
				gaps++
			} else {
				off++
			}
			if g.UserID != 0 {
				t.Fatal("gap with a user")
			}
		case SourceOverride:
			overrides++
		}
	}
	// Tue 00-09 off, 09-17 layer, 17-21 gap, 21-24 off; Wed override 5, 6, 5; Thu the same as Tue.
	if gaps != 2 || off != 4 || overrides != 3 || len(segs) != 11 {
		t.Fatalf("gaps %d off %d overrides %d: %+v", gaps, off, overrides, segs)
	}
	// Every instant agrees with Resolve.
	for t0 := from; t0.Before(to); t0 = t0.Add(17 * time.Minute) {
		want := on(s, t0)
		for _, g := range segs {
			if !t0.Before(g.Start) && t0.Before(g.End) && g.UserID != want {
				t.Fatalf("render %d, resolve %d at %s", g.UserID, want, t0)
			}
		}
	}
	next, who := NextHandoff(s, local(ams, "2026-11-04 10:00"), 48*time.Hour)
	if !next.Equal(local(ams, "2026-11-04 11:00")) || len(who) != 1 || who[0] != 6 {
		t.Fatalf("next hand-off %s %v", next, who)
	}
}

// A window running past midnight belongs to the weekday it starts on.
func TestOvernightRestriction(t *testing.T) {
	ams := zone(t, "Europe/Amsterdam")
	s := sched(Layer{TZ: "Europe/Amsterdam", TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-11-02", HandoffTime: "00:00",
		Restrictions: []Restriction{{Weekdays: []time.Weekday{time.Friday}, Start: "21:00", End: "01:00"}}, Members: []int64{1}})
	for at, want := range map[string]int64{
		"2026-11-06 20:59": 0, "2026-11-06 21:00": 1, "2026-11-07 00:30": 1, "2026-11-07 01:00": 0,
		"2026-11-05 23:00": 0, "2026-11-06 00:30": 0,
	} {
		if got := on(s, local(ams, at)); got != want {
			t.Errorf("%s: %d want %d", at, got, want)
		}
	}
}

func TestLayerValidation(t *testing.T) {
	l := Layer{Name: "x", TZ: "Mars/Olympus", TurnUnit: "fortnightly", StartDate: "2026-13-01", HandoffTime: "25:00",
		Restrictions: []Restriction{{Start: "9", End: "17:00"}}}
	err := l.Validate()
	for _, f := range []string{"time_zone", "turn_unit", "start_date", "handoff_time", "restrictions"} {
		if !strings.Contains(errString(err, f), " ") {
			t.Errorf("no problem for %s: %v", f, err)
		}
	}
	ok := Layer{Name: "ok", TZ: "UTC", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-01-01", HandoffTime: "09:00", Members: []int64{1}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func errString(err error, field string) string {
	e, ok := err.(*errs.Error)
	if !ok {
		return ""
	}
	return strings.Join(e.Fields[field], "; ")
}
