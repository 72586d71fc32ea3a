package web

// The on-call pages: who is on call now on every schedule (with the next
// hand-off and problems ahead), a schedule's calendar (week or month: the
// final schedule by layer, override and gap; its layers; overrides; flags
// with suggested replacements), my shifts with swap requests, and the
// quarter's fairness table. Calendar feeds (iCal) are reached by a secret
// token, without signing in.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
)

func (s *Server) registerOnCallUI() {
	read, manage := access.TeamRead, access.TeamManage
	s.handleNeeds("GET /oncall", Staff, read, s.onCallNow)
	s.handleNeeds("GET /oncall/schedules/{id}", Staff, read, s.onCallSchedule)
	s.handleNeeds("POST /oncall/schedules/{id}/overrides", Staff, manage, s.onCallOverrideForm)
	s.handleNeeds("POST /oncall/schedules/{id}/overrides/{oid}/delete", Staff, manage, s.onCallOverrideDelete)
	s.handleNeeds("POST /oncall/schedules/{id}/generate", Staff, manage, s.onCallGenerate)
	s.handleNeeds("POST /oncall/schedules/{id}/layers/{lid}", Staff, manage, s.onCallLayerForm)
	s.handleNeeds("POST /oncall/schedules/{id}/feed", Staff, read, s.onCallScheduleFeed)
	s.handleNeeds("GET /oncall/mine", Staff, read, s.onCallMine)
	s.handleNeeds("POST /oncall/mine/feed", Staff, read, s.onCallMyFeed)
	s.handleNeeds("POST /oncall/swaps", Staff, read, s.onCallSwapForm)
	s.handleNeeds("POST /oncall/swaps/{id}/{action}", Staff, read, s.onCallSwapDecide)
	s.handleNeeds("GET /oncall/fairness", Staff, read, s.onCallFairness)
	s.handle("GET /oncall/ical/{token}", Public, s.onCallICal)
}

// ocNames maps roster ids to names (and 0 to "nobody").
func ocNames(ros oncall.Roster) map[int64]string {
	out := map[int64]string{0: "nobody"}
	for id, m := range ros.Members {
		out[id] = m.Name
	}
	return out
}

// --- who is on call now -----------------------------------------------------------

type ocNowRow struct {
	oncall.Now
	Flags int
	First *oncall.Flag
}

func (s *Server) onCallNow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	nows, err := s.OnCall.WhoIsOnCall(ctx, now)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(ctx)
	if err != nil {
		return err
	}
	var rows []ocNowRow
	for _, n := range nows {
		row := ocNowRow{Now: n}
		flags, err := s.OnCall.Flags(ctx, n.ScheduleID, now, now.Add(14*24*time.Hour))
		if err != nil {
			return err
		}
		row.Flags = len(flags)
		if len(flags) > 0 {
			row.First = &flags[0]
		}
		rows = append(rows, row)
	}
	emergencies, err := s.openEmergencies(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "oncall_now.html", map[string]any{"Title": "On call now", "Section": "now", "Rows": rows,
		"Names": ocNames(ros), "Now": now, "Flash": flashOf(w, r), "Emergencies": emergencies})
	return nil
}

// --- a schedule's calendar ----------------------------------------------------------

type ocDay struct {
	Date     time.Time
	Segments []oncall.Segment
	Other    bool // outside the month shown
}

// ocCalendar cuts the final schedule into the days of the view (in the
// schedule's zone).
func ocCalendar(sc oncall.Schedule, loc *time.Location, view string, date time.Time) (days []ocDay, from, to, prev, next time.Time) {
	d := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, loc)
	monday := func(t time.Time) time.Time {
		off := (int(t.Weekday()) + 6) % 7
		return time.Date(t.Year(), t.Month(), t.Day()-off, 0, 0, 0, 0, loc)
	}
	var month time.Month
	if view == "month" {
		first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
		month = first.Month()
		from = monday(first)
		last := first.AddDate(0, 1, 0)
		to = monday(last.AddDate(0, 0, 6))
		prev, next = first.AddDate(0, -1, 0), first.AddDate(0, 1, 0)
	} else {
		from = monday(d)
		to = from.AddDate(0, 0, 7)
		prev, next = from.AddDate(0, 0, -7), to
	}
	segs := oncall.Render(sc, from, to)
	for day := from; day.Before(to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		end := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
		od := ocDay{Date: day, Other: view == "month" && day.Month() != month}
		for _, g := range segs {
			if g.End.After(day) && g.Start.Before(end) {
				c := g
				if c.Start.Before(day) {
					c.Start = day
				}
				if c.End.After(end) {
					c.End = end
				}
				od.Segments = append(od.Segments, c)
			}
		}
		days = append(days, od)
	}
	return days, from, to, prev, next
}

func (s *Server) onCallSchedule(w http.ResponseWriter, r *http.Request) error {
	return s.renderOnCallSchedule(w, r, http.StatusOK, "", "")
}

func (s *Server) renderOnCallSchedule(w http.ResponseWriter, r *http.Request, status int, problem, feed string) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	sc, err := s.OnCall.Schedule(ctx, id)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(ctx)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(sc.TZ)
	if err != nil {
		loc = time.UTC
	}
	q := r.URL.Query()
	view := q.Get("view")
	if view != "month" {
		view = "week"
	}
	date := s.now().In(loc)
	if v := q.Get("date"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			return errs.BadRequest("date must be YYYY-MM-DD")
		}
		date = d
	}
	days, from, to, prev, next := ocCalendar(*sc, loc, view, date)
	var weeks [][]ocDay
	for i := 0; i < len(days); i += 7 {
		weeks = append(weeks, days[i:min(i+7, len(days))])
	}
	flags, err := s.OnCall.Flags(ctx, id, maxT(from, s.now()), maxT(to, s.now()))
	if err != nil {
		return err
	}
	ovs, err := s.OnCall.Overrides(ctx, id, from, to)
	if err != nil {
		return err
	}
	notices, err := s.OnCall.GapNotices(ctx, id, s.now())
	if err != nil {
		return err
	}
	layerNames := map[int64]string{}
	for _, l := range sc.Layers {
		layerNames[l.ID] = l.Name
	}
	manage, err := s.managesTeam(r)
	if err != nil {
		return err
	}
	var eligible []int64
	for _, mid := range ros.Order {
		m, _ := ros.Member(mid)
		if m.Active && (sc.RequiredSpecialty == "" || slices.Contains(m.Specialties, sc.RequiredSpecialty)) {
			eligible = append(eligible, mid)
		}
	}
	s.render(w, r, status, "oncall_schedule.html", map[string]any{"Title": sc.Name, "Section": "schedule", "Wide": true,
		"Schedule": sc, "Weeks": weeks, "View": view, "Loc": loc, "Prev": prev.Format("2006-01-02"), "Next": next.Format("2006-01-02"),
		"From": from, "To": to, "Flags": flags, "Overrides": ovs, "LayerNames": layerNames, "Names": ocNames(ros), "CanManage": manage,
		"Eligible": eligible, "Error": problem, "FeedURL": feed, "Flash": flashOf(w, r), "Notices": notices})
	return nil
}

// ocFormTime reads a datetime-local form value in loc.
func ocFormTime(r *http.Request, name string, loc *time.Location) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, errs.Invalid(name, "must be a date and time")
}

func (s *Server) ocScheduleLoc(r *http.Request) (*oncall.Schedule, *time.Location, error) {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.OnCall.Schedule(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(sc.TZ)
	if err != nil {
		loc = time.UTC
	}
	return sc, loc, nil
}

func (s *Server) onCallOverrideForm(w http.ResponseWriter, r *http.Request) error {
	sc, loc, err := s.ocScheduleLoc(r)
	if err != nil {
		return err
	}
	var week string // the override's first day, once made
	err = func() error {
		start, err := ocFormTime(r, "start", loc)
		if err != nil {
			return err
		}
		end, err := ocFormTime(r, "end", loc)
		if err != nil {
			return err
		}
		uid, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
		if err != nil {
			return errs.Invalid("user", "must be chosen")
		}
		_, err = s.OnCall.CreateOverride(r.Context(), actor(r), sc.ID, oncall.Override{UserID: uid, Start: start, End: end,
			Reason: strings.TrimSpace(r.PostFormValue("reason"))})
		week = start.In(loc).Format("2006-01-02")
		return err
	}()
	if msg, status, ok := problemText(err); ok {
		return s.renderOnCallSchedule(w, r, status, msg, "")
	} else if err != nil {
		return err
	}
	// Back to the week the override is in, where it shows (not this week's).
	seeOther(w, r, fmt.Sprintf("/oncall/schedules/%d?view=week&date=%s", sc.ID, week), "Override added.")
	return nil
}

// onCallLayerForm changes a layer: its rotation (turn, hand-off, start)
// and its members in turn, one name or email a line (the staffing and US
// Government rules apply).
func (s *Server) onCallLayerForm(w http.ResponseWriter, r *http.Request) error {
	sc, _, err := s.ocScheduleLoc(r)
	if err != nil {
		return err
	}
	lid, err := pathID(r, "lid", "layer")
	if err != nil {
		return err
	}
	err = func() error {
		ros, err := s.OnCall.Roster(r.Context())
		if err != nil {
			return err
		}
		members := []int64{}
		for _, line := range strings.Split(r.PostFormValue("members"), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			found := int64(0)
			for _, id := range ros.Order {
				m := ros.Members[id]
				if strings.EqualFold(m.Name, line) || strings.EqualFold(m.Email, line) {
					found = id
					break
				}
			}
			if found == 0 {
				return errs.Invalid("members", fmt.Sprintf("%q is not a member of the team", line))
			}
			members = append(members, found)
		}
		in := oncall.LayerInput{Members: &members}
		str := func(name string) *string {
			if v := strings.TrimSpace(r.PostFormValue(name)); v != "" {
				return &v
			}
			return nil
		}
		in.TurnUnit, in.HandoffTime, in.StartDate = str("turn_unit"), str("handoff_time"), str("start_date")
		if v := str("turn_count"); v != nil {
			n, err := strconv.Atoi(*v)
			if err != nil {
				return errs.Invalid("turn_count", "must be a number")
			}
			in.TurnCount = &n
		}
		_, err = s.OnCall.SaveLayer(r.Context(), actor(r), sc.ID, lid, in)
		return err
	}()
	if msg, status, ok := problemText(err); ok {
		return s.renderOnCallSchedule(w, r, status, msg, "")
	} else if err != nil {
		return err
	}
	seeOther(w, r, fmt.Sprintf("/oncall/schedules/%d", sc.ID), "Layer saved.")
	return nil
}

func (s *Server) onCallOverrideDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	oid, err := pathID(r, "oid", "override")
	if err != nil {
		return err
	}
	if err := s.OnCall.DeleteOverride(r.Context(), actor(r), id, oid); err != nil {
		return err
	}
	seeOther(w, r, fmt.Sprintf("/oncall/schedules/%d", id), "Override removed.")
	return nil
}

func (s *Server) onCallGenerate(w http.ResponseWriter, r *http.Request) error {
	sc, _, err := s.ocScheduleLoc(r)
	if err != nil {
		return err
	}
	plan, err := s.OnCall.FillQuarter(r.Context(), actor(r), sc.ID, s.now(), nil)
	if msg, status, ok := problemText(err); ok {
		return s.renderOnCallSchedule(w, r, status, msg, "")
	} else if err != nil {
		return err
	}
	seeOther(w, r, fmt.Sprintf("/oncall/schedules/%d", sc.ID), fmt.Sprintf("Quarter filled: %d overrides cover time off; balance score %.2f.",
		len(plan.Overrides), plan.Fairness.Score))
	return nil
}

func (s *Server) feedURL(r *http.Request, tok string) string {
	return s.baseURL(r) + "/oncall/ical/" + tok + ".ics"
}

func (s *Server) onCallScheduleFeed(w http.ResponseWriter, r *http.Request) error {
	sc, _, err := s.ocScheduleLoc(r)
	if err != nil {
		return err
	}
	tok, err := s.OnCall.CreateFeed(r.Context(), actor(r), sc.ID, 0)
	if err != nil {
		return err
	}
	return s.renderOnCallSchedule(w, r, http.StatusOK, "", s.feedURL(r, tok))
}

// --- my shifts and swaps --------------------------------------------------------------

func (s *Server) onCallMine(w http.ResponseWriter, r *http.Request) error {
	return s.renderOnCallMine(w, r, http.StatusOK, "", "")
}

func (s *Server) renderOnCallMine(w http.ResponseWriter, r *http.Request, status int, problem, feed string) error {
	ctx := r.Context()
	me := PrincipalFrom(ctx).UserID
	now := s.now()
	shifts, err := s.OnCall.ShiftsOf(ctx, me, now, now.Add(42*24*time.Hour))
	if err != nil {
		return err
	}
	swaps, err := s.OnCall.ListSwaps(ctx, oncall.SwapFilter{UserID: me})
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(ctx)
	if err != nil {
		return err
	}
	scs, err := s.OnCall.Schedules(ctx)
	if err != nil {
		return err
	}
	schedNames := map[int64]string{}
	for _, sc := range scs {
		schedNames[sc.ID] = sc.Name
	}
	away, err := s.OnCall.Away(ctx, ros, now, now.Add(42*24*time.Hour))
	if err != nil {
		return err
	}
	type shiftRow struct {
		oncall.Shift
		Off string
	}
	var rows []shiftRow
	for _, sh := range shifts {
		row := shiftRow{Shift: sh}
		for _, a := range away {
			if a.UserID == me && a.Start.Before(sh.End) && sh.Start.Before(a.End) {
				row.Off = a.Detail
			}
		}
		rows = append(rows, row)
	}
	var colleagues []int64
	for _, id := range ros.Order {
		if m := ros.Members[id]; m.Active && id != me {
			colleagues = append(colleagues, id)
		}
	}
	s.render(w, r, status, "oncall_mine.html", map[string]any{"Title": "My shifts", "Section": "mine", "Shifts": rows, "Swaps": swaps,
		"Names": ocNames(ros), "Schedules": schedNames, "MyID": me, "Colleagues": colleagues, "Error": problem, "FeedURL": feed,
		"Flash": flashOf(w, r)})
	return nil
}

func (s *Server) onCallMyFeed(w http.ResponseWriter, r *http.Request) error {
	tok, err := s.OnCall.CreateFeed(r.Context(), actor(r), 0, PrincipalFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	return s.renderOnCallMine(w, r, http.StatusOK, "", s.feedURL(r, tok))
}

func (s *Server) onCallSwapForm(w http.ResponseWriter, r *http.Request) error {
	err := func() error {
		sid, err := strconv.ParseInt(r.PostFormValue("schedule_id"), 10, 64)
		if err != nil {
			return errs.Invalid("schedule_id", "must be chosen")
		}
		start, err := ocFormTime(r, "start", time.UTC)
		if err != nil {
			return err
		}
		end, err := ocFormTime(r, "end", time.UTC)
		if err != nil {
			return err
		}
		sw := oncall.Swap{Start: start, End: end, Note: strings.TrimSpace(r.PostFormValue("note"))}
		if v := r.PostFormValue("taker_id"); v != "" && v != "0" {
			t, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errs.Invalid("taker_id", "must be a colleague")
			}
			sw.TakerID = &t
		}
		_, err = s.OnCall.RequestSwap(r.Context(), actor(r), sid, sw)
		return err
	}()
	if msg, status, ok := problemText(err); ok {
		return s.renderOnCallMine(w, r, status, msg, "")
	} else if err != nil {
		return err
	}
	seeOther(w, r, "/oncall/mine", "Swap requested.")
	return nil
}

func (s *Server) onCallSwapDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "swap")
	if err != nil {
		return err
	}
	var msg string
	switch r.PathValue("action") {
	case "accept":
		_, err = s.OnCall.AcceptSwap(r.Context(), actor(r), id)
		msg = "Swap accepted: the shift is yours."
	case "decline":
		_, err = s.OnCall.DecideSwap(r.Context(), actor(r), id, oncall.SwapDeclined)
		msg = "Swap declined."
	case "cancel":
		_, err = s.OnCall.DecideSwap(r.Context(), actor(r), id, oncall.SwapCancelled)
		msg = "Swap cancelled."
	default:
		return errs.NotFound("action")
	}
	if text, status, ok := problemText(err); ok {
		return s.renderOnCallMine(w, r, status, text, "")
	} else if err != nil {
		return err
	}
	seeOther(w, r, "/oncall/mine", msg)
	return nil
}

// --- fairness ------------------------------------------------------------------------

func (s *Server) onCallFairness(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	at := s.now()
	if v := r.URL.Query().Get("date"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return errs.BadRequest("date must be YYYY-MM-DD")
		}
		at = d
	}
	qf, err := s.OnCall.Fairness(ctx, at)
	if err != nil {
		return err
	}
	scs, err := s.OnCall.Schedules(ctx)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(ctx)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "oncall_fairness.html", map[string]any{"Title": "On-call fairness " + qf.Quarter, "Section": "fairness",
		"F": qf, "Schedules": scs, "Names": ocNames(ros), "Prev": qf.From.AddDate(0, -3, 0).Format("2006-01-02"),
		"Next": qf.To.Format("2006-01-02")})
	return nil
}

// --- calendar feeds ------------------------------------------------------------------

// onCallICal serves a feed by its secret token: a schedule's shifts, or a
// member's on every schedule, from a week back to 90 days ahead.
func (s *Server) onCallICal(w http.ResponseWriter, r *http.Request) error {
	tok := strings.TrimSuffix(r.PathValue("token"), ".ics")
	f, err := s.OnCall.FeedByToken(r.Context(), tok)
	if err != nil {
		return err
	}
	// The feed reads with its owner's eyes: a restricted schedule's feed
	// stops when its owner is no longer cleared.
	ctx := r.Context()
	if s.Brands != nil {
		sc, err := s.Brands.Scope(ctx, f.Owner)
		if err != nil {
			return err
		}
		ctx = oncall.WithHidden(ctx, sc.Hidden)
	}
	now := s.now()
	from, to := now.AddDate(0, 0, -7), now.AddDate(0, 0, 90)
	ros, err := s.OnCall.Roster(ctx)
	if err != nil {
		return err
	}
	host := r.Host
	if u := s.baseURL(r); u != "" {
		host = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	}
	var name string
	var evs []oncall.ICalEvent
	if f.ScheduleID != 0 {
		sc, err := s.OnCall.Schedule(ctx, f.ScheduleID)
		if err != nil {
			return err
		}
		name = sc.Name
		for _, g := range oncall.Render(*sc, from, to) {
			if g.UserID == 0 {
				continue
			}
			evs = append(evs, oncall.ICalEvent{ScheduleID: sc.ID, UserID: g.UserID, Start: g.Start, End: g.End,
				Summary: ros.Name(g.UserID) + " on call: " + sc.Name, Description: ocSource(g, sc)})
		}
	} else {
		name = "On-call shifts of " + ros.Name(f.UserID)
		shifts, err := s.OnCall.ShiftsOf(ctx, f.UserID, from, to)
		if err != nil {
			return err
		}
		for _, sh := range shifts {
			evs = append(evs, oncall.ICalEvent{ScheduleID: sh.ScheduleID, UserID: f.UserID, Start: sh.Start, End: sh.End,
				Summary: "On call: " + sh.ScheduleName})
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write([]byte(oncall.ICal(name, host, now, evs)))
	return nil
}

// ocSource says where a segment comes from.
func ocSource(g oncall.Segment, sc *oncall.Schedule) string {
	switch g.Source {
	case oncall.SourceOverride:
		return "override"
	case oncall.SourceLayer:
		for _, l := range sc.Layers {
			if l.ID == g.LayerID {
				return "layer " + l.Name
			}
		}
	}
	return g.Source
}

// onCallFuncs are the template helpers of the on-call pages.
func onCallFuncs() map[string]any {
	return map[string]any{
		"ocTime": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") },
		"ocDay":  func(t time.Time) string { return t.Format("Mon 2 Jan") },
		"ocWhen": func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") },
		"ocLocal": func(t time.Time) string {
			return t.UTC().Format("2006-01-02T15:04")
		},
		"ocHours": func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"ocUnits": oncall.TurnUnits,
		"ocDays": func(ws []time.Weekday) string {
			if len(ws) == 0 || len(ws) == 7 {
				return "every day"
			}
			var out []string
			for _, d := range ws {
				out = append(out, d.String()[:3])
			}
			return strings.Join(out, ", ")
		},
	}
}

// openEmergencies are the open incidents of the emergency services: what
// the next shift hand-over gives to the incoming engineer.
func (s *Server) openEmergencies(r *http.Request) ([]incident.Incident, error) {
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, sv := range svcs {
		if sv.Kind == "emergency" {
			ids = append(ids, sv.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	list, _, err := s.Incidents.List(r.Context(), incident.Filter{Statuses: []string{incident.Triggered, incident.Acknowledged}, ServiceIDs: ids, Limit: 50})
	return list, err
}
