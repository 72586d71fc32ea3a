// Package oncall is on-call scheduling: schedules made of layers (each a
// rotation of ordered members with a turn length, a hand-off time and a time
// zone, limited by time-of-day and weekday restrictions), the higher layer
// winning, overrides on top; the final schedule rendered for a window with
// its gaps; fairness per member and quarter; the quarter generator; swaps;
// time-off and gap flags. The maths here is pure (no clock, no database):
// every function takes the instant it answers for. Store persists it.
//
// Wall-clock rules are read in the layer's own time zone, so daylight
// saving moves instants, not hours: a daily 09:00 hand-off in
// Europe/London is 09:00 local on both sides of the change, and the night
// a clock goes forward a 01:00-05:00 window lasts three hours. Hourly and
// custom turns are elapsed time (a 12-hour turn is 12 hours long whatever
// the clock does).
package oncall

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Turn units of a rotation.
const (
	TurnHourly = "hourly" // TurnCount hours of elapsed time
	TurnDaily  = "daily"  // TurnCount local days, handing off at HandoffTime
	TurnWeekly = "weekly" // TurnCount local weeks, handing off at HandoffTime
	TurnCustom = "custom" // TurnCount minutes of elapsed time
)

// TurnUnits lists the accepted turn units.
func TurnUnits() []string { return []string{TurnHourly, TurnDaily, TurnWeekly, TurnCustom} }

// Restriction limits a layer to a daily window: from Start to End local
// time ("HH:MM"; End "24:00" is midnight; End <= Start runs past midnight)
// on the listed weekdays (the day the window starts; empty: every day).
type Restriction struct {
	Weekdays []time.Weekday `json:"weekdays"`
	Start    string         `json:"start"`
	End      string         `json:"end"`
}

// Layer is one rotation of a schedule. Members take turns in order from
// the rotation start (StartDate at HandoffTime in TZ); a member listed
// twice takes two turns per cycle.
type Layer struct {
	ID           int64         `json:"id"`
	ScheduleID   int64         `json:"schedule_id"`
	Name         string        `json:"name"`
	Position     int           `json:"position"` // higher wins
	TZ           string        `json:"time_zone"`
	TurnUnit     string        `json:"turn_unit"`
	TurnCount    int           `json:"turn_count"`
	StartDate    string        `json:"start_date"`   // YYYY-MM-DD, local, the rotation's virtual start
	HandoffTime  string        `json:"handoff_time"` // HH:MM local
	EndDate      *string       `json:"end_date"`     // the layer stops at the start of this local date
	Restrictions []Restriction `json:"restrictions"`
	Members      []int64       `json:"members"`
	Pool         Pool          `json:"pool"`

	loc        *time.Location
	start      time.Time // the rotation's first hand-off instant
	end        time.Time // zero: open-ended
	startDay   int       // civil day number of StartDate
	handoffMin int
	windows    []window
}

// window is a prepared restriction (minutes of the day).
type window struct {
	days       [7]bool
	start, end int // end > start; end may pass 1440 (past midnight)
}

// Override puts one user on call for a window, above every layer. When
// overrides overlap, the later one (higher id) wins.
type Override struct {
	ID         int64     `json:"id"`
	ScheduleID int64     `json:"schedule_id"`
	UserID     int64     `json:"user_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Reason     string    `json:"reason,omitempty"`
	SwapID     *int64    `json:"swap_id,omitempty"`
	CreatedBy  *int64    `json:"created_by_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Schedule is the layers and overrides of one on-call schedule.
// RequiredSpecialty, when set, is the team specialty every member and
// override user must hold (US Government: us_government).
type Schedule struct {
	ID                int64      `json:"id"`
	Key               string     `json:"key"`
	Name              string     `json:"name"`
	Description       string     `json:"description"`
	TZ                string     `json:"time_zone"`
	RequiredSpecialty string     `json:"required_specialty"`
	BrandID           *int64     `json:"brand_id"` // a restricted brand's schedule (partition.go); nil: every brand's
	Layers            []Layer    `json:"layers"`
	Overrides         []Override `json:"overrides"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`

	ovBounds [][2]int64 // Overrides' [start, end) in Unix nanoseconds, same order (prepared)
	ovFirst  *Override  // &Overrides[0] when ovBounds was made (a replaced slice is prepared again)
}

// clockMinutes parses "HH:MM" (00:00-24:00).
func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// civil day numbers: days since 1970-01-01 of a local date.
func dayNumber(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayOf(t time.Time) int { return dayNumber(t.Date()) }

// dateOfDay is the local date of day number n.
func dateOfDay(n int) (int, time.Month, int) {
	return time.Unix(int64(n)*86400, 0).UTC().Date()
}

// at is local wall time minute min of day n in loc (min may pass 1440).
func at(n, min int, loc *time.Location) time.Time {
	y, m, d := dateOfDay(n)
	return time.Date(y, m, d, 0, min, 0, 0, loc)
}

// Validate checks a layer and prepares it for resolving.
func (l *Layer) Validate() error {
	var v errs.Validation
	l.Name = strings.TrimSpace(l.Name)
	v.Check(l.Name != "", "name", "can't be blank")
	v.Check(len(l.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	if err := l.prepare(); err != nil {
		var de *errs.Error
		if e, ok := err.(*errs.Error); ok {
			de = e
		}
		if de != nil {
			for f, ps := range de.Fields {
				for _, p := range ps {
					v.Add(f, p)
				}
			}
		} else {
			v.Add("layer", err.Error())
		}
	}
	return v.Err()
}

// prepare parses the layer's fields once.
func (l *Layer) prepare() error {
	var v errs.Validation
	loc, err := time.LoadLocation(l.TZ)
	if l.TZ == "" || err != nil {
		v.Add("time_zone", "must be an IANA time zone (Europe/Amsterdam)")
		loc = time.UTC
	}
	l.loc = loc
	v.Check(slices.Contains(TurnUnits(), l.TurnUnit), "turn_unit", "must be one of hourly, daily, weekly, custom")
	switch l.TurnUnit {
	case TurnCustom:
		v.Check(l.TurnCount >= 15 && l.TurnCount <= 60*24*28, "turn_count", "must be 15 to 40320 minutes for a custom turn")
	case TurnHourly:
		v.Check(l.TurnCount >= 1 && l.TurnCount <= 24*28, "turn_count", "must be 1 to 672 hours")
	default:
		v.Check(l.TurnCount >= 1 && l.TurnCount <= 52, "turn_count", "must be 1 to 52")
	}
	sd, err := time.Parse("2006-01-02", l.StartDate)
	v.Check(err == nil, "start_date", "must be a date (YYYY-MM-DD)")
	hm, ok := clockMinutes(l.HandoffTime)
	v.Check(ok && hm < 1440, "handoff_time", "must be a time of day (HH:MM)")
	l.handoffMin = hm
	l.startDay = dayOf(sd)
	l.start = at(l.startDay, hm, loc)
	l.end = time.Time{}
	if l.EndDate != nil {
		ed, err := time.Parse("2006-01-02", *l.EndDate)
		v.Check(err == nil && !ed.Before(sd), "end_date", "must be a date on or after the start date")
		if err == nil {
			l.end = at(dayOf(ed), 0, loc)
		}
	}
	v.Check(len(l.Members) <= 200, "members", "must list at most 200 members")
	v.Check(len(l.Restrictions) <= 28, "restrictions", "must be at most 28")
	l.windows = make([]window, 0, len(l.Restrictions))
	for _, r := range l.Restrictions {
		a, ok1 := clockMinutes(r.Start)
		b, ok2 := clockMinutes(r.End)
		if !ok1 || !ok2 || a >= 1440 {
			v.Add("restrictions", fmt.Sprintf("%s-%s must be times of day (HH:MM)", r.Start, r.End))
			continue
		}
		if b <= a {
			b += 1440
		}
		w := window{start: a, end: b}
		if len(r.Weekdays) == 0 {
			w.days = [7]bool{true, true, true, true, true, true, true}
		}
		for _, d := range r.Weekdays {
			if d < 0 || d > 6 {
				v.Add("restrictions", "weekdays must be 0 (Sunday) to 6 (Saturday)")
				continue
			}
			w.days[d] = true
		}
		l.windows = append(l.windows, w)
	}
	return v.Err()
}

// Prepare validates and prepares every layer of the schedule (sorted by
// position, highest first) and sorts overrides (newest first). Resolve and
// Render call it when needed; a store prepares once per load.
func (s *Schedule) Prepare() error {
	for i := range s.Layers {
		if err := s.Layers[i].prepare(); err != nil {
			return fmt.Errorf("layer %q: %w", s.Layers[i].Name, err)
		}
	}
	slices.SortStableFunc(s.Layers, func(a, b Layer) int { return b.Position - a.Position })
	slices.SortStableFunc(s.Overrides, func(a, b Override) int {
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	s.ovBounds, s.ovFirst = make([][2]int64, len(s.Overrides)), nil
	if len(s.Overrides) > 0 {
		s.ovFirst = &s.Overrides[0]
	}
	for i, o := range s.Overrides {
		s.ovBounds[i] = [2]int64{o.Start.UnixNano(), o.End.UnixNano()}
	}
	return nil
}

func (l *Layer) ready() bool { return l.loc != nil }

// turn is the index of the turn holding t and that turn's bounds; ok is
// false before the rotation starts or after it ends.
func (l *Layer) turn(t time.Time) (k int, from, to time.Time, ok bool) {
	if t.Before(l.start) || (!l.end.IsZero() && !t.Before(l.end)) {
		return 0, time.Time{}, time.Time{}, false
	}
	switch l.TurnUnit {
	case TurnHourly, TurnCustom:
		d := time.Duration(l.TurnCount) * time.Hour
		if l.TurnUnit == TurnCustom {
			d = time.Duration(l.TurnCount) * time.Minute
		}
		k = int(t.Sub(l.start) / d)
		from = l.start.Add(time.Duration(k) * d)
		to = from.Add(d)
	default:
		days := l.TurnCount
		if l.TurnUnit == TurnWeekly {
			days *= 7
		}
		lt := t.In(l.loc)
		n := dayOf(lt)
		// the hand-off of day n; before it, t belongs to the previous day
		if t.Before(at(n, l.handoffMin, l.loc)) {
			n--
		}
		k = (n - l.startDay) / days
		from = at(l.startDay+k*days, l.handoffMin, l.loc)
		to = at(l.startDay+(k+1)*days, l.handoffMin, l.loc)
	}
	if !l.end.IsZero() && to.After(l.end) {
		to = l.end
	}
	return k, from, to, true
}

// inWindow reports whether t falls in the layer's restrictions (always
// when it has none).
func (l *Layer) inWindow(t time.Time) bool {
	if len(l.windows) == 0 {
		return true
	}
	lt := t.In(l.loc)
	min := lt.Hour()*60 + lt.Minute()
	wd := lt.Weekday()
	for _, w := range l.windows {
		if w.days[wd] && w.start <= min && min < w.end {
			return true
		}
		if w.end > 1440 && w.days[(wd+6)%7] && min < w.end-1440 {
			return true
		}
	}
	return false
}

// At is who the layer puts on call at t (0: nobody).
func (l *Layer) At(t time.Time) int64 {
	if !l.ready() || len(l.Members) == 0 || !l.inWindow(t) {
		return 0
	}
	k, _, _, ok := l.turn(t)
	if !ok {
		return 0
	}
	return l.Members[k%len(l.Members)]
}

// Sources of a rendered segment.
const (
	SourceLayer    = "layer"
	SourceOverride = "override"
	SourceGap      = "gap" // a layer's hours, but nobody on call: a problem
	SourceOff      = "off" // outside every layer's hours (a schedule that only covers part of the week)
)

// Segment is one stretch of a rendered schedule: one user (0 in a gap)
// from Start to End, and where it comes from.
type Segment struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	UserID     int64     `json:"user_id"`
	Source     string    `json:"source"`
	LayerID    int64     `json:"layer_id,omitempty"`
	OverrideID int64     `json:"override_id,omitempty"`
}

// Duration is the segment's length.
func (g Segment) Duration() time.Duration { return g.End.Sub(g.Start) }

// who answers for one instant: the newest override covering t, else the
// highest layer with someone on call.
func (s *Schedule) who(t time.Time) Segment {
	if s.overridesReady() {
		n := t.UnixNano()
		for i, b := range s.ovBounds {
			if b[0] <= n && n < b[1] {
				o := &s.Overrides[i]
				return Segment{UserID: o.UserID, Source: SourceOverride, OverrideID: o.ID}
			}
		}
	} else {
		for _, o := range s.Overrides {
			if !t.Before(o.Start) && t.Before(o.End) {
				return Segment{UserID: o.UserID, Source: SourceOverride, OverrideID: o.ID}
			}
		}
	}
	for i := range s.Layers {
		if u := s.Layers[i].At(t); u != 0 {
			return Segment{UserID: u, Source: SourceLayer, LayerID: s.Layers[i].ID}
		}
	}
	for i := range s.Layers {
		if s.Layers[i].covers(t) {
			return Segment{Source: SourceGap}
		}
	}
	return Segment{Source: SourceOff}
}

// covers reports whether t is in the layer's hours (inside its rotation's
// life and its restrictions), whether or not it has anyone to put on call.
func (l *Layer) covers(t time.Time) bool {
	if !l.ready() || t.Before(l.start) || (!l.end.IsZero() && !t.Before(l.end)) {
		return false
	}
	return l.inWindow(t)
}

// overridesReady reports whether ovBounds describes Overrides.
func (s *Schedule) overridesReady() bool {
	return len(s.ovBounds) == len(s.Overrides) && (len(s.Overrides) == 0 || s.ovFirst == &s.Overrides[0])
}

func (s *Schedule) ensure() {
	if !s.overridesReady() {
		_ = s.Prepare()
		return
	}
	for i := range s.Layers {
		if !s.Layers[i].ready() {
			_ = s.Prepare()
			return
		}
	}
}

// Resolve is who is on call on the schedule at t: the user of the newest
// override covering t, else of the highest layer that has someone; empty
// in a gap. (One user at a time, as PagerDuty's final schedule; a slice so
// that shadows can be added.)
func Resolve(s Schedule, t time.Time) []int64 {
	s.ensure()
	if g := s.who(t); g.UserID != 0 {
		return []int64{g.UserID}
	}
	return nil
}

// boundaries lists every instant in (from, to) at which the answer may
// change: turn hand-offs, restriction edges, override edges.
func (s *Schedule) boundaries(from, to time.Time) []time.Time {
	var out []time.Time
	add := func(t time.Time) {
		if t.After(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	for _, o := range s.Overrides {
		add(o.Start)
		add(o.End)
	}
	for i := range s.Layers {
		l := &s.Layers[i]
		add(l.start)
		if !l.end.IsZero() {
			add(l.end)
		}
		t := from
		if t.Before(l.start) {
			t = l.start
		}
		for guard := 0; t.Before(to) && guard < 100000; guard++ {
			_, _, end, ok := l.turn(t)
			if !ok {
				break
			}
			add(end)
			t = end
		}
		if len(l.windows) > 0 {
			first, last := dayOf(from.In(l.loc))-1, dayOf(to.In(l.loc))+1
			for n := first; n <= last; n++ {
				y, m, d := dateOfDay(n)
				wd := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
				for _, w := range l.windows {
					if w.days[wd] {
						add(at(n, w.start, l.loc))
						add(at(n, w.end, l.loc))
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// Render is the final schedule from from to to: consecutive segments
// covering the whole window, neighbours with the same user and source
// merged. Stretches with nobody on call have UserID 0: Source gap inside
// some layer's hours (a problem), Source off outside every layer's hours
// (US Government only covers weekdays).
func Render(s Schedule, from, to time.Time) []Segment {
	s.ensure()
	if !from.Before(to) {
		return nil
	}
	cuts := append([]time.Time{from}, s.boundaries(from, to)...)
	cuts = append(cuts, to)
	var out []Segment
	for i := 0; i+1 < len(cuts); i++ {
		g := s.who(cuts[i])
		g.Start, g.End = cuts[i], cuts[i+1]
		if n := len(out); n > 0 && out[n-1].UserID == g.UserID && out[n-1].Source == g.Source &&
			out[n-1].LayerID == g.LayerID && out[n-1].OverrideID == g.OverrideID {
			out[n-1].End = g.End
			continue
		}
		out = append(out, g)
	}
	return out
}

// RenderLayer is one layer alone from from to to (its own entries, as
// PagerDuty's rendered layer), gaps left out.
func RenderLayer(l Layer, from, to time.Time) []Segment {
	s := Schedule{Layers: []Layer{l}}
	if s.Prepare() != nil {
		return nil
	}
	var out []Segment
	for _, g := range Render(s, from, to) {
		if g.UserID != 0 {
			out = append(out, g)
		}
	}
	return out
}

// NextHandoff is the first instant after t at which who is on call
// changes, looking at most horizon ahead (zero when nothing changes).
func NextHandoff(s Schedule, t time.Time, horizon time.Duration) (time.Time, []int64) {
	s.ensure()
	cur := s.who(t)
	for _, b := range s.boundaries(t, t.Add(horizon)) {
		if g := s.who(b); g.UserID != cur.UserID {
			if g.UserID == 0 {
				return b, nil
			}
			return b, []int64{g.UserID}
		}
	}
	return time.Time{}, nil
}

// Pool says whom the quarter generator draws a layer's members from: a
// region and a track of the team roster (empty: any). A schedule's
// required specialty applies on top.
type Pool struct {
	Region string `json:"region"`
	Track  string `json:"track"`
}

// VirtualStart is the rotation's first hand-off instant (PagerDuty's
// rotation_virtual_start); zero before the layer is prepared.
func (l *Layer) VirtualStart() time.Time { return l.start }

// TurnLength is a turn's nominal length (daily and weekly turns follow the
// local clock, so a turn over a daylight-saving change is an hour shorter
// or longer).
func (l *Layer) TurnLength() time.Duration {
	switch l.TurnUnit {
	case TurnHourly:
		return time.Duration(l.TurnCount) * time.Hour
	case TurnCustom:
		return time.Duration(l.TurnCount) * time.Minute
	case TurnDaily:
		return time.Duration(l.TurnCount) * 24 * time.Hour
	}
	return time.Duration(l.TurnCount) * 7 * 24 * time.Hour
}
