package web

// The on-call schedules as PagerDuty's REST API v2 shows them (users,
// schedules with their layers and rendered final schedule, overrides,
// oncalls), under /pagerduty/ with the plumbing of api_pagerduty.go, so
// that scripts and tools written for PagerDuty read Frontline's schedules.
// Ids are Frontline's numeric ids written as strings.

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/oncall"
)

// openOnCall builds the on-call store when the app gave none.
func (s *Server) openOnCall() {
	if s.OnCall == nil && s.DB != nil && s.Team != nil {
		s.OnCall = oncall.NewStore(s.DB, s.Audit, s.Team)
	}
}

func (s *Server) registerOnCallAPI() {
	read, manage := access.TeamRead, access.TeamManage
	s.handleNeeds("GET /pagerduty/users", Staff, read, s.pdUsers)
	s.handleNeeds("GET /pagerduty/users/{id}", Staff, read, s.pdUser)
	s.handleNeeds("GET /pagerduty/schedules", Staff, read, s.pdSchedules)
	s.handleNeeds("GET /pagerduty/schedules/{id}", Staff, read, s.pdSchedule)
	s.handleNeeds("GET /pagerduty/schedules/{id}/users", Staff, read, s.pdScheduleUsers)
	s.handleNeeds("GET /pagerduty/schedules/{id}/overrides", Staff, read, s.pdOverrides)
	s.handleNeeds("POST /pagerduty/schedules/{id}/overrides", Staff, manage, s.pdCreateOverrides)
	s.handleNeeds("DELETE /pagerduty/schedules/{id}/overrides/{override_id}", Staff, manage, s.pdDeleteOverride)
	s.handleNeeds("GET /pagerduty/oncalls", Staff, read, s.pdOncalls)
}

// pdTimes formats instants in the zone a request asks for (time_zone,
// UTC by default), as PagerDuty does.
type pdTimes struct{ loc *time.Location }

func (p pdTimes) f(t time.Time) string { return t.In(p.loc).Format(time.RFC3339) }

func pdZone(r *http.Request) (pdTimes, error) {
	tz := r.URL.Query().Get("time_zone")
	if tz == "" {
		return pdTimes{time.UTC}, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return pdTimes{}, errs.BadRequest("time_zone must be an IANA time zone")
	}
	return pdTimes{loc}, nil
}

func (s *Server) pdUserRef(r *http.Request, ros oncall.Roster, id int64) pdRef {
	return pdRef{ID: pdID(id), Type: "user_reference", Summary: ros.Name(id), Self: s.pdSelf(r, "/users/"+pdID(id)),
		HTMLURL: s.baseURL(r) + "/team/members/" + pdID(id)}
}

func (s *Server) pdScheduleRef(r *http.Request, sc *oncall.Schedule) pdRef {
	return pdRef{ID: pdID(sc.ID), Type: "schedule_reference", Summary: sc.Name, Self: s.pdSelf(r, "/schedules/"+pdID(sc.ID)),
		HTMLURL: s.baseURL(r) + "/oncall/schedules/" + pdID(sc.ID)}
}

// --- users ------------------------------------------------------------------------

func (s *Server) pdUserBody(r *http.Request, ros oncall.Roster, id int64) map[string]any {
	m := ros.Members[id]
	role := "user"
	if m.Role == "admin" {
		role = "admin"
	}
	return map[string]any{"id": pdID(id), "type": "user", "summary": m.Name, "name": m.Name, "email": m.Email,
		"time_zone": m.TimeZone, "role": role, "job_title": m.Title, "description": m.Region,
		"self": s.pdSelf(r, "/users/"+pdID(id)), "html_url": s.baseURL(r) + "/team/members/" + pdID(id),
		"teams": []any{}, "contact_methods": []any{}, "notification_rules": []any{}}
}

func (s *Server) pdUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "query", "include[]"); err != nil {
		return err
	}
	p, err := pdParsePage(q)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	needle := strings.ToLower(strings.TrimSpace(q.Get("query")))
	var all []map[string]any
	for _, id := range ros.Order {
		m := ros.Members[id]
		if !m.Active || (needle != "" && !strings.Contains(strings.ToLower(m.Name+" "+m.Email), needle)) {
			continue
		}
		all = append(all, s.pdUserBody(r, ros, id))
	}
	writeJSON(w, http.StatusOK, pdList("users", p, all))
	return nil
}

func (s *Server) pdUser(w http.ResponseWriter, r *http.Request) error {
	if err := pdCheckParams(r.URL.Query(), "include[]"); err != nil {
		return err
	}
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	if _, ok := ros.Members[id]; !ok {
		return errs.NotFound("user")
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.pdUserBody(r, ros, id)})
	return nil
}

// --- schedules --------------------------------------------------------------------

type pdEntry struct {
	Start string `json:"start"`
	End   string `json:"end"`
	User  pdRef  `json:"user"`
}

func (s *Server) pdEntries(r *http.Request, ros oncall.Roster, tf pdTimes, segs []oncall.Segment) []pdEntry {
	out := []pdEntry{}
	for _, g := range segs {
		if g.UserID == 0 {
			continue
		}
		out = append(out, pdEntry{Start: tf.f(g.Start), End: tf.f(g.End), User: s.pdUserRef(r, ros, g.UserID)})
	}
	return out
}

// coverage is the share of [from, to) with someone on call, in percent.
func coverage(segs []oncall.Segment, from, to time.Time) float64 {
	var on time.Duration
	for _, g := range segs {
		if g.UserID != 0 {
			on += g.Duration()
		}
	}
	if !from.Before(to) {
		return 0
	}
	return float64(int(float64(on)/float64(to.Sub(from))*10000)) / 100
}

// pdRestrictions writes a layer's restrictions the PagerDuty way: a
// window on every day is a daily_restriction, a window on listed days one
// weekly_restriction per day (start_day_of_week 1 = Monday).
func pdRestrictions(l *oncall.Layer) []map[string]any {
	out := []map[string]any{}
	for _, rs := range l.Restrictions {
		a, _ := time.Parse("15:04", rs.Start)
		end := rs.End
		if end == "24:00" {
			end = "00:00"
		}
		b, _ := time.Parse("15:04", end)
		dur := b.Sub(a)
		if dur <= 0 {
			dur += 24 * time.Hour
		}
		if len(rs.Weekdays) == 0 || len(rs.Weekdays) == 7 {
			out = append(out, map[string]any{"type": "daily_restriction", "start_time_of_day": rs.Start + ":00", "duration_seconds": int(dur.Seconds())})
			continue
		}
		for _, d := range rs.Weekdays {
			iso := int(d)
			if iso == 0 {
				iso = 7
			}
			out = append(out, map[string]any{"type": "weekly_restriction", "start_time_of_day": rs.Start + ":00", "start_day_of_week": iso,
				"duration_seconds": int(dur.Seconds())})
		}
	}
	return out
}

func (s *Server) pdScheduleBody(r *http.Request, ros oncall.Roster, sc *oncall.Schedule, tf pdTimes, from, to time.Time, full bool) map[string]any {
	users := []pdRef{}
	for _, u := range sc.Pool() {
		users = append(users, s.pdUserRef(r, ros, u))
	}
	body := map[string]any{"id": pdID(sc.ID), "type": "schedule", "summary": sc.Name, "name": sc.Name, "description": sc.Description,
		"time_zone": sc.TZ, "self": s.pdSelf(r, "/schedules/"+pdID(sc.ID)), "html_url": s.baseURL(r) + "/oncall/schedules/" + pdID(sc.ID),
		"users": users, "escalation_policies": []any{}, "teams": []any{}}
	if !full {
		return body
	}
	var layers []map[string]any
	for i := range sc.Layers {
		l := &sc.Layers[i]
		lu := []map[string]any{}
		for _, u := range l.Members {
			lu = append(lu, map[string]any{"user": s.pdUserRef(r, ros, u)})
		}
		segs := oncall.RenderLayer(*l, from, to)
		var end any
		if l.EndDate != nil {
			end = *l.EndDate
		}
		layers = append(layers, map[string]any{"id": pdID(l.ID), "name": l.Name, "start": tf.f(l.VirtualStart()), "end": end,
			"rotation_virtual_start": tf.f(l.VirtualStart()), "rotation_turn_length_seconds": int(l.TurnLength().Seconds()),
			"users": lu, "restrictions": pdRestrictions(l), "rendered_schedule_entries": s.pdEntries(r, ros, tf, segs),
			"rendered_coverage_percentage": coverage(segs, from, to)})
	}
	// PagerDuty lists the highest layer first, as Frontline keeps them.
	if layers == nil {
		layers = []map[string]any{}
	}
	var ovs []oncall.Segment
	for _, o := range sc.Overrides {
		if o.Start.Before(to) && o.End.After(from) {
			ovs = append(ovs, oncall.Segment{Start: maxT(o.Start, from), End: minT(o.End, to), UserID: o.UserID})
		}
	}
	slices.SortFunc(ovs, func(a, b oncall.Segment) int { return a.Start.Compare(b.Start) })
	final := oncall.Render(*sc, from, to)
	body["schedule_layers"] = layers
	body["overrides_subschedule"] = map[string]any{"name": "Overrides", "rendered_schedule_entries": s.pdEntries(r, ros, tf, ovs),
		"rendered_coverage_percentage": coverage(ovs, from, to)}
	body["final_schedule"] = map[string]any{"name": "Final Schedule", "rendered_schedule_entries": s.pdEntries(r, ros, tf, final),
		"rendered_coverage_percentage": coverage(final, from, to)}
	return body
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Server) pdSchedules(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "query", "include[]", "time_zone"); err != nil {
		return err
	}
	p, err := pdParsePage(q)
	if err != nil {
		return err
	}
	tf, err := pdZone(r)
	if err != nil {
		return err
	}
	scs, err := s.OnCall.Schedules(r.Context())
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	needle := strings.ToLower(strings.TrimSpace(q.Get("query")))
	var all []map[string]any
	for i := range scs {
		if needle != "" && !strings.Contains(strings.ToLower(scs[i].Name), needle) {
			continue
		}
		all = append(all, s.pdScheduleBody(r, ros, &scs[i], tf, time.Time{}, time.Time{}, false))
	}
	writeJSON(w, http.StatusOK, pdList("schedules", p, all))
	return nil
}

// pdWindow reads since/until: since defaults to now, until to two weeks
// after since; at most 93 days (a quarter and a bit).
func (s *Server) pdWindow(r *http.Request) (time.Time, time.Time, error) {
	q := r.URL.Query()
	since, err := pdTime(q, "since")
	if err != nil {
		return since, since, err
	}
	until, err := pdTime(q, "until")
	if err != nil {
		return since, until, err
	}
	if since.IsZero() {
		since = s.DB.Clock.Now()
	}
	if until.IsZero() {
		until = since.Add(14 * 24 * time.Hour)
	}
	switch {
	case !since.Before(until):
		return since, until, errs.BadRequest("until must be after since")
	case until.Sub(since) > 93*24*time.Hour:
		return since, until, errs.BadRequest("the window from since to until must be at most 93 days")
	}
	return since, until, nil
}

func (s *Server) pdSchedule(w http.ResponseWriter, r *http.Request) error {
	if err := pdCheckParams(r.URL.Query(), "since", "until", "time_zone", "overflow", "include_next_oncall"); err != nil {
		return err
	}
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	tf, err := pdZone(r)
	if err != nil {
		return err
	}
	from, to, err := s.pdWindow(r)
	if err != nil {
		return err
	}
	sc, err := s.OnCall.Schedule(r.Context(), id)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedule": s.pdScheduleBody(r, ros, sc, tf, from, to, true)})
	return nil
}

// pdScheduleUsers lists the users on call on a schedule in since..until
// (PagerDuty's "list users on call").
func (s *Server) pdScheduleUsers(w http.ResponseWriter, r *http.Request) error {
	if err := pdCheckParams(r.URL.Query(), "since", "until"); err != nil {
		return err
	}
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	from, to, err := s.pdWindow(r)
	if err != nil {
		return err
	}
	sc, err := s.OnCall.Schedule(r.Context(), id)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	seen := map[int64]bool{}
	for _, g := range oncall.Render(*sc, from, to) {
		if g.UserID != 0 && !seen[g.UserID] {
			seen[g.UserID] = true
			out = append(out, s.pdUserBody(r, ros, g.UserID))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

// --- overrides --------------------------------------------------------------------

func (s *Server) pdOverrideBody(r *http.Request, ros oncall.Roster, tf pdTimes, o *oncall.Override) map[string]any {
	return map[string]any{"id": pdID(o.ID), "type": "override", "start": tf.f(o.Start), "end": tf.f(o.End),
		"user": s.pdUserRef(r, ros, o.UserID)}
}

func (s *Server) pdOverrides(w http.ResponseWriter, r *http.Request) error {
	if err := pdCheckParams(r.URL.Query(), "since", "until", "time_zone", "editable", "overflow"); err != nil {
		return err
	}
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	tf, err := pdZone(r)
	if err != nil {
		return err
	}
	from, to, err := s.pdWindow(r)
	if err != nil {
		return err
	}
	editable, err := pdBool(r.URL.Query(), "editable")
	if err != nil {
		return err
	}
	if editable && from.Before(s.DB.Clock.Now()) {
		from = s.DB.Clock.Now()
	}
	os, err := s.OnCall.Overrides(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for i := range os {
		if editable && os[i].End.Before(s.DB.Clock.Now()) {
			continue
		}
		out = append(out, s.pdOverrideBody(r, ros, tf, &os[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"overrides": out})
	return nil
}

// pdOverrideInput is one override as PagerDuty clients send it.
type pdOverrideInput struct {
	Start string `json:"start"`
	End   string `json:"end"`
	User  struct {
		ID string `json:"id"`
	} `json:"user"`
}

func (in pdOverrideInput) override() (oncall.Override, error) {
	var o oncall.Override
	var v errs.Validation
	st, err1 := time.Parse(time.RFC3339, in.Start)
	en, err2 := time.Parse(time.RFC3339, in.End)
	v.Check(err1 == nil, "start", "must be an ISO 8601 date-time")
	v.Check(err2 == nil, "end", "must be an ISO 8601 date-time")
	uid, ok := parseUserID(in.User.ID)
	v.Check(ok, "user", "must reference a user by id")
	if err := v.Err(); err != nil {
		return o, err
	}
	return oncall.Override{UserID: uid, Start: st, End: en}, nil
}

func parseUserID(s string) (int64, bool) {
	ids, err := parseIDs(s)
	if err != nil || len(ids) != 1 {
		return 0, false
	}
	return ids[0], true
}

// pdCreateOverrides takes {"override": {...}} (answered with the override)
// or {"overrides": [...]} (answered with a status per override, as
// PagerDuty's multiple-override endpoint).
func (s *Server) pdCreateOverrides(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	var env struct {
		Override  *pdOverrideInput  `json:"override"`
		Overrides []pdOverrideInput `json:"overrides"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return jsonError(err, "override")
	}
	if err := checkJSONText(raw, ""); err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	tf := pdTimes{time.UTC}
	if env.Override != nil {
		o, err := env.Override.override()
		if err != nil {
			return err
		}
		created, err := s.OnCall.CreateOverride(r.Context(), actor(r), id, o)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"override": s.pdOverrideBody(r, ros, tf, created)})
		return nil
	}
	if len(env.Overrides) == 0 {
		return errs.BadRequest("request body must be a JSON object with an \"override\" or \"overrides\"")
	}
	if len(env.Overrides) > 100 {
		return errs.BadRequest("at most 100 overrides at once")
	}
	if _, err := s.OnCall.Schedule(r.Context(), id); err != nil {
		return err
	}
	out := []map[string]any{}
	for _, in := range env.Overrides {
		o, err := in.override()
		if err == nil {
			var created *oncall.Override
			if created, err = s.OnCall.CreateOverride(r.Context(), actor(r), id, o); err == nil {
				out = append(out, map[string]any{"status": 201, "override": s.pdOverrideBody(r, ros, tf, created)})
				continue
			}
		}
		status, body := pagerDutyErrorBody(err)
		if status >= 500 {
			return err
		}
		out = append(out, map[string]any{"status": status, "errors": body.Error.Errors,
			"override": map[string]any{"start": in.Start, "end": in.End, "user": map[string]any{"id": in.User.ID, "type": "user_reference"}}})
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) pdDeleteOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	oid, err := pdPathID(r, "override_id")
	if err != nil {
		return err
	}
	if err := s.OnCall.DeleteOverride(r.Context(), actor(r), id, oid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- oncalls ----------------------------------------------------------------------

// pdOncalls lists who is on call: for each schedule, the final schedule's
// entries overlapping since..until (the current ones when neither is
// given), escalation_level 1 (a schedule on its own). earliest=true keeps
// the earliest entry per user and schedule. Ordered by schedule, start.
func (s *Server) pdOncalls(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := pdCheckParams(q, "since", "until", "earliest", "schedule_ids[]", "user_ids[]", "escalation_policy_ids[]", "time_zone", "include[]"); err != nil {
		return err
	}
	policyIDs, err := pdIDs(q, "escalation_policy_ids")
	if err != nil {
		return err
	}
	p, err := pdParsePage(q)
	if err != nil {
		return err
	}
	tf, err := pdZone(r)
	if err != nil {
		return err
	}
	earliest, err := pdBool(q, "earliest")
	if err != nil {
		return err
	}
	schedIDs, err := pdIDs(q, "schedule_ids")
	if err != nil {
		return err
	}
	userIDs, err := pdIDs(q, "user_ids")
	if err != nil {
		return err
	}
	now := s.DB.Clock.Now()
	from, to := now, now
	if v := q.Get("since"); v != "" && v == q.Get("until") {
		// Equal since and until ask for one instant, as both left out
		// ask for now.
		if from, err = pdTime(q, "since"); err != nil {
			return err
		}
		to = from
	} else if q.Get("since") != "" || q.Get("until") != "" {
		if from, to, err = s.pdWindow(r); err != nil {
			return err
		}
	}
	scs, err := s.OnCall.Schedules(r.Context())
	if err != nil {
		return err
	}
	ros, err := s.OnCall.Roster(r.Context())
	if err != nil {
		return err
	}
	// As PagerDuty: an on-call is a user on a level of an escalation policy,
	// through a schedule of that level or named on it directly; a schedule
	// no policy uses is listed without one (unless policies are asked for).
	type level struct {
		policy *incident.Policy
		n      int // escalation_level, from 1
	}
	type directLevel struct {
		level
		user int64
	}
	levelsOf := map[int64][]level{} // schedule id -> the levels that page it
	var direct []directLevel
	if s.Incidents != nil {
		pols, err := s.Incidents.Policies(r.Context())
		if err != nil {
			return err
		}
		for i := range pols {
			pol := &pols[i]
			if len(policyIDs) > 0 && !slices.Contains(policyIDs, pol.ID) {
				continue
			}
			for li, rule := range pol.Rules {
				for _, tg := range rule.Targets {
					switch tg.Kind {
					case "schedule":
						levelsOf[tg.ID] = append(levelsOf[tg.ID], level{pol, li + 1})
					case "user":
						direct = append(direct, directLevel{level{pol, li + 1}, tg.ID})
					}
				}
			}
		}
	}
	policyRef := func(pol *incident.Policy) any {
		if pol == nil {
			return nil
		}
		return s.pdRefOf(r, "escalation_policy_reference", "/escalation_policies", pol.ID, pol.Name)
	}
	all := []map[string]any{}
	for i := range scs {
		sc := &scs[i]
		if len(schedIDs) > 0 && !slices.Contains(schedIDs, sc.ID) {
			continue
		}
		levels := levelsOf[sc.ID]
		if len(levels) == 0 {
			if len(policyIDs) > 0 {
				continue
			}
			levels = []level{{nil, 1}}
		}
		var segs []oncall.Segment
		if from.Equal(to) {
			// the current shift: from its start to its end
			for _, g := range oncall.Render(*sc, from.Add(-31*24*time.Hour), from.Add(31*24*time.Hour)) {
				if !from.Before(g.Start) && from.Before(g.End) {
					segs = append(segs, g)
				}
			}
		} else {
			segs = oncall.Render(*sc, from, to)
		}
		seen := map[int64]bool{}
		for _, g := range segs {
			if g.UserID == 0 || (len(userIDs) > 0 && !slices.Contains(userIDs, g.UserID)) || (earliest && seen[g.UserID]) {
				continue
			}
			seen[g.UserID] = true
			for _, lv := range levels {
				all = append(all, map[string]any{"user": s.pdUserRef(r, ros, g.UserID), "schedule": s.pdScheduleRef(r, sc),
					"escalation_policy": policyRef(lv.policy), "escalation_level": lv.n, "start": tf.f(g.Start), "end": tf.f(g.End)})
			}
		}
	}
	if len(schedIDs) == 0 { // users named on a level directly are always on call there (no schedule, no start or end)
		for _, d := range direct {
			if len(userIDs) > 0 && !slices.Contains(userIDs, d.user) {
				continue
			}
			all = append(all, map[string]any{"user": s.pdUserRef(r, ros, d.user), "schedule": nil,
				"escalation_policy": policyRef(d.policy), "escalation_level": d.n, "start": nil, "end": nil})
		}
	}
	writeJSON(w, http.StatusOK, pdList("oncalls", p, all))
	return nil
}
