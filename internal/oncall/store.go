package oncall

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps schedules, layers, overrides, swaps and calendar feeds. It
// reads the team roster (members, specialties, time off) from team.Store.
// Every node keeps the prepared schedules in memory and reloads them when
// config_versions 'oncall' moves (triggers bump it on every change), so
// "who is on call at T" is one indexed read and arithmetic.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
	team  *team.Store
	cache db.Versioned[*snapshot]
	// notices wire the gap notices' email (gaps.go)
	notices NoticeOptions
	// partition names the brands hidden from a context's caller
	// (partition.go); nil: every schedule is visible
	partition PartitionOf
}

// snapshot is every schedule, prepared, at one version. Shared by
// readers: never modified once built.
type snapshot struct {
	list []*Schedule
	byID map[int64]*Schedule
}

// NewStore returns the on-call store of d.
func NewStore(d *db.DB, a *audit.Log, t *team.Store) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, team: t}
}

// --- loading ---------------------------------------------------------------------

func (s *Store) snap(ctx context.Context) (*snapshot, error) {
	var out *snapshot
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var version int64
		if err := tx.QueryRowContext(ctx, s.q.Get("Version")).Scan(&version); err != nil {
			return err
		}
		var err error
		out, err = s.cache.Get(tx, version, func() (*snapshot, error) { return s.load(ctx, tx) })
		return err
	})
	return out, err
}

func (s *Store) load(ctx context.Context, tx *db.Tx) (*snapshot, error) {
	sn := &snapshot{byID: map[int64]*Schedule{}}
	rows, err := tx.QueryContext(ctx, s.q.Get("AllSchedules"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sc Schedule
		var brand sql.NullInt64
		if err := rows.Scan(&sc.ID, &sc.Key, &sc.Name, &sc.Description, &sc.TZ, &sc.RequiredSpecialty, &brand, db.Time(&sc.CreatedAt), db.Time(&sc.UpdatedAt)); err != nil {
			rows.Close()
			return nil, err
		}
		sc.BrandID = db.IDPtr(brand)
		sc.Layers, sc.Overrides = []Layer{}, []Override{}
		sn.list = append(sn.list, &sc)
		sn.byID[sc.ID] = &sc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	members := map[int64][]int64{}
	rows, err = tx.QueryContext(ctx, s.q.Get("AllLayerMembers"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l, u int64
		if err := rows.Scan(&l, &u); err != nil {
			rows.Close()
			return nil, err
		}
		members[l] = append(members[l], u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.q.Get("AllLayers"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		l, err := scanLayer(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		l.Members = members[l.ID]
		if l.Members == nil {
			l.Members = []int64{}
		}
		if sc := sn.byID[l.ScheduleID]; sc != nil {
			sc.Layers = append(sc.Layers, *l)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.q.Get("AllOverrides"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		o, err := scanOverride(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if sc := sn.byID[o.ScheduleID]; sc != nil {
			sc.Overrides = append(sc.Overrides, *o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, sc := range sn.list {
		if err := sc.Prepare(); err != nil {
			return nil, fmt.Errorf("schedule %d: %w", sc.ID, err)
		}
	}
	return sn, nil
}

func scanLayer(r db.Scanner) (*Layer, error) {
	var l Layer
	var end sql.NullString
	var restr string
	var created, updated time.Time
	if err := r.Scan(&l.ID, &l.ScheduleID, &l.Name, &l.Position, &l.TZ, &l.TurnUnit, &l.TurnCount, &l.StartDate, &l.HandoffTime,
		&end, &restr, &l.Pool.Region, &l.Pool.Track, db.Time(&created), db.Time(&updated)); err != nil {
		return nil, err
	}
	if end.Valid {
		l.EndDate = &end.String
	}
	if err := json.Unmarshal([]byte(restr), &l.Restrictions); err != nil {
		return nil, err
	}
	if l.Restrictions == nil {
		l.Restrictions = []Restriction{}
	}
	return &l, nil
}

func scanOverride(r db.Scanner) (*Override, error) {
	var o Override
	var swap, by sql.NullInt64
	if err := r.Scan(&o.ID, &o.ScheduleID, &o.UserID, db.Time(&o.Start), db.Time(&o.End), &o.Reason, &swap, &by, db.Time(&o.CreatedAt)); err != nil {
		return nil, err
	}
	o.SwapID, o.CreatedBy = db.IDPtr(swap), db.IDPtr(by)
	return &o, nil
}

// clone is a copy of a cached schedule the caller may change.
func clone(sc *Schedule) Schedule {
	c := *sc
	c.Layers = slices.Clone(sc.Layers)
	for i := range c.Layers {
		c.Layers[i].Members = slices.Clone(c.Layers[i].Members)
	}
	c.Overrides = slices.Clone(sc.Overrides)
	if sc.BrandID != nil {
		b := *sc.BrandID
		c.BrandID = &b
	}
	return c
}

// Schedules lists every schedule with its layers and overrides (copies).
func (s *Store) Schedules(ctx context.Context) ([]Schedule, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Schedule, 0, len(sn.list))
	for _, sc := range sn.list {
		out = append(out, clone(sc))
	}
	return out, nil
}

// Schedule is one schedule (a copy).
func (s *Store) Schedule(ctx context.Context, id int64) (*Schedule, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	sc := sn.byID[id]
	if sc == nil {
		return nil, errs.NotFound("schedule")
	}
	c := clone(sc)
	return &c, nil
}

// HasSchedule reports whether schedule id exists (escalation policies
// check their schedule targets with it).
func (s *Store) HasSchedule(ctx context.Context, id int64) (bool, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return false, err
	}
	return sn.byID[id] != nil, nil
}

// ScheduleByKey is the schedule with key (ceoc, cmoc, ...).
func (s *Store) ScheduleByKey(ctx context.Context, key string) (*Schedule, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	for _, sc := range sn.list {
		if sc.Key == key {
			c := clone(sc)
			return &c, nil
		}
	}
	return nil, errs.NotFound("schedule")
}

// OnCallAt is who is on call on schedule scheduleID at instant at (empty
// in a gap). The incident package pages through it.
func (s *Store) OnCallAt(ctx context.Context, scheduleID int64, at time.Time) ([]int64, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	sc := sn.byID[scheduleID]
	if sc == nil {
		return nil, errs.NotFound("schedule")
	}
	return Resolve(*sc, at), nil
}

// Now is one schedule's state at an instant: who is on call, until when,
// and who is next.
type Now struct {
	Schedule    Schedule  `json:"-"`
	ScheduleID  int64     `json:"schedule_id"`
	Name        string    `json:"name"`
	OnCall      []int64   `json:"on_call"`
	NextHandoff time.Time `json:"next_handoff"` // zero: no change within two weeks
	Next        []int64   `json:"next"`
}

// WhoIsOnCall answers for every schedule at t.
func (s *Store) WhoIsOnCall(ctx context.Context, t time.Time) ([]Now, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Now, 0, len(sn.list))
	for _, sc := range sn.list {
		next, who := NextHandoff(*sc, t, 14*24*time.Hour)
		out = append(out, Now{Schedule: *sc, ScheduleID: sc.ID, Name: sc.Name, OnCall: Resolve(*sc, t), NextHandoff: next, Next: who})
	}
	return out, nil
}

// --- the roster --------------------------------------------------------------------

// Roster is what the on-call rules read of the team at one time.
type Roster struct {
	Members map[int64]team.Member
	Order   []int64 // by name
}

// Member is the staffing view of a roster member.
func (r Roster) Member(id int64) (Member, bool) {
	m, ok := r.Members[id]
	if !ok {
		return Member{}, false
	}
	return Member{ID: id, Name: m.Name, Active: m.Active, Specialties: m.Specialties}, true
}

// Name is a member's name ("user N" when unknown).
func (r Roster) Name(id int64) string {
	if m, ok := r.Members[id]; ok {
		return m.Name
	}
	if id == 0 {
		return "nobody"
	}
	return fmt.Sprintf("user %d", id)
}

// Roster reads the current team members (leavers are listed inactive).
func (s *Store) Roster(ctx context.Context) (Roster, error) {
	ms, err := s.team.AllMembers(ctx, team.MemberFilter{Status: "all", ByName: true})
	if err != nil {
		return Roster{}, err
	}
	r := Roster{Members: map[int64]team.Member{}}
	today := s.d.Clock.Now().UTC().Format(team.DateLayout)
	for _, m := range ms {
		if m.Left(today) {
			m.Active = false
		}
		r.Members[m.ID] = m
		r.Order = append(r.Order, m.ID)
	}
	return r, nil
}

// Away is every member's time off overlapping [from, to), as instants on
// each member's own calendar (a half day off is from or until midday).
func (s *Store) Away(ctx context.Context, r Roster, from, to time.Time) ([]Away, error) {
	offs, err := s.team.ListTimeOff(ctx, team.TimeOffFilter{From: from.AddDate(0, 0, -1).UTC().Format(team.DateLayout),
		To: to.AddDate(0, 0, 1).UTC().Format(team.DateLayout), Page: people.Page{Limit: 100000}})
	if err != nil {
		return nil, err
	}
	var out []Away
	for _, o := range offs {
		loc := time.UTC
		if m, ok := r.Members[o.MemberID]; ok {
			if l, err := time.LoadLocation(m.TimeZone); err == nil {
				loc = l
			}
		}
		sd, err1 := time.ParseInLocation(team.DateLayout, o.StartDate, loc)
		ed, err2 := time.ParseInLocation(team.DateLayout, o.EndDate, loc)
		if err1 != nil || err2 != nil {
			continue
		}
		start := sd
		if o.StartHalfDay {
			start = time.Date(sd.Year(), sd.Month(), sd.Day(), 12, 0, 0, 0, loc)
		}
		end := time.Date(ed.Year(), ed.Month(), ed.Day()+1, 0, 0, 0, 0, loc)
		if o.EndHalfDay {
			end = time.Date(ed.Year(), ed.Month(), ed.Day(), 12, 0, 0, 0, loc)
		}
		out = append(out, Away{UserID: o.MemberID, Start: start, End: end, Detail: strings.ReplaceAll(o.Type, "_", " ") + " " + o.StartDate + " to " + o.EndDate})
	}
	return out, nil
}

// poolOf is who may fill layer l of sc: active members matching the
// layer's pool and the schedule's specialty, by name.
func poolOf(r Roster, sc *Schedule, l *Layer) []int64 {
	var out []int64
	for _, id := range r.Order {
		m := r.Members[id]
		if !m.Active || (l.Pool.Region != "" && m.Region != l.Pool.Region) {
			continue
		}
		if l.Pool.Track == team.TrackManager && !m.IsManager || l.Pool.Track == team.TrackIC && m.IsManager {
			continue
		}
		if sc.RequiredSpecialty != "" && !slices.Contains(m.Specialties, sc.RequiredSpecialty) {
			continue
		}
		out = append(out, id)
	}
	return out
}

// staffOf is who staffs a schedule: its layers' members, then everyone
// its layers' pools may draw on.
func staffOf(r Roster, sc *Schedule) []int64 {
	staff := sc.Pool()
	for i := range sc.Layers {
		for _, u := range poolOf(r, sc, &sc.Layers[i]) {
			if !slices.Contains(staff, u) {
				staff = append(staff, u)
			}
		}
	}
	return staff
}

// --- flags and fairness ----------------------------------------------------------

// Flags lists the problems of a schedule in [from, to): stretches on which
// the person on call is off (with suggested replacements: available, least
// loaded this quarter) and gaps.
func (s *Store) Flags(ctx context.Context, scheduleID int64, from, to time.Time) ([]Flag, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	away, err := s.Away(ctx, r, from, to)
	if err != nil {
		return nil, err
	}
	loc := scheduleLoc(*sc)
	q0, q1 := Quarter(from, loc)
	fair := Fair(Render(*sc, q0, q1), sc.Pool(), loc, q0, q1)
	load := map[int64]float64{}
	for _, l := range fair.Members {
		load[l.UserID] = l.Weighted()
	}
	var active []int64
	for _, u := range staffOf(r, sc) {
		if m, ok := r.Member(u); ok && m.Active {
			active = append(active, u)
		}
	}
	return Check(Render(*sc, from, to), active, away, load), nil
}

// Fairness measures every schedule over the quarter holding t (weekends in
// each schedule's zone); All sums them per member.
type QuarterFairness struct {
	Quarter   string             `json:"quarter"`
	From      time.Time          `json:"from"`
	To        time.Time          `json:"to"`
	Schedules map[int64]Fairness `json:"schedules"`
	All       Fairness           `json:"all"`
	Names     map[int64]string   `json:"-"`
}

// Fairness computes the quarter's fairness table.
func (s *Store) Fairness(ctx context.Context, t time.Time) (*QuarterFairness, error) {
	scs, err := s.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	q0, q1 := Quarter(t, time.UTC)
	out := &QuarterFairness{Quarter: QuarterName(t, time.UTC), From: q0, To: q1, Schedules: map[int64]Fairness{}}
	var allSegs []Segment
	var pool []int64
	for _, sc := range scs {
		loc := scheduleLoc(sc)
		segs := Render(sc, q0, q1)
		out.Schedules[sc.ID] = Fair(segs, sc.Pool(), loc, q0, q1)
		allSegs = append(allSegs, segs...)
		for _, u := range sc.Pool() {
			if !slices.Contains(pool, u) {
				pool = append(pool, u)
			}
		}
	}
	out.All = Fair(allSegs, pool, time.UTC, q0, q1)
	return out, nil
}

// --- writes ------------------------------------------------------------------------

// SeedDefaults creates the default schedules when there are none (no
// members: FillQuarter staffs them from the roster).
func (s *Store) SeedDefaults(ctx context.Context) (bool, error) {
	seeded := false
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("CountSchedules")).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, sc := range DefaultSchedules() {
			if _, err := s.insertSchedule(ctx, tx, audit.System(), sc); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}

func (s *Store) insertSchedule(ctx context.Context, tx *db.Tx, actor audit.Actor, sc Schedule) (int64, error) {
	if err := sc.Validate(); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertSchedule"), sc.Key, sc.Name, sc.Description, sc.TZ, sc.RequiredSpecialty, db.TS(tx.Now)).Scan(&id); err != nil {
		return 0, db.MapError(err, "schedule")
	}
	for _, l := range sc.Layers {
		l.ScheduleID = id
		if _, err := s.insertLayer(ctx, tx, &l); err != nil {
			return 0, err
		}
	}
	return id, s.audit.Record(ctx, tx, actor, "oncall.schedule.created", "oncall_schedule", id, nil,
		map[string]any{"key": sc.Key, "name": sc.Name, "layers": len(sc.Layers)})
}

func (s *Store) insertLayer(ctx context.Context, tx *db.Tx, l *Layer) (int64, error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	restr, err := json.Marshal(l.Restrictions)
	if err != nil {
		return 0, err
	}
	if l.Restrictions == nil {
		restr = []byte("[]")
	}
	var end any
	if l.EndDate != nil {
		end = *l.EndDate
	}
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertLayer"), l.ScheduleID, l.Name, l.Position, l.TZ, l.TurnUnit, l.TurnCount,
		l.StartDate, l.HandoffTime, end, string(restr), l.Pool.Region, l.Pool.Track, db.TS(tx.Now)).Scan(&l.ID); err != nil {
		return 0, err
	}
	return l.ID, s.setMembers(ctx, tx, l.ID, l.Members)
}

func (s *Store) setMembers(ctx context.Context, tx *db.Tx, layer int64, members []int64) error {
	if _, err := tx.ExecContext(ctx, s.q.Get("DeleteLayerMembers"), layer); err != nil {
		return err
	}
	for i, u := range members {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertLayerMember"), layer, i, u); err != nil {
			return db.MapError(err, "member")
		}
	}
	return nil
}

// LayerInput changes a layer; nil fields are kept.
type LayerInput struct {
	Name         *string        `json:"name"`
	Position     *int           `json:"position"`
	TZ           *string        `json:"time_zone"`
	TurnUnit     *string        `json:"turn_unit"`
	TurnCount    *int           `json:"turn_count"`
	StartDate    *string        `json:"start_date"`
	HandoffTime  *string        `json:"handoff_time"`
	Restrictions *[]Restriction `json:"restrictions"`
	Members      *[]int64       `json:"members"`
}

// SaveLayer creates (layerID 0) or updates a layer of a schedule. Every
// member must be an active member of the team, and hold the schedule's
// required specialty (US Government rule).
func (s *Store) SaveLayer(ctx context.Context, actor audit.Actor, scheduleID, layerID int64, in LayerInput) (*Layer, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	l := Layer{ScheduleID: scheduleID, TurnUnit: TurnWeekly, TurnCount: 1, HandoffTime: "09:00", TZ: sc.TZ,
		StartDate: s.d.Clock.Now().In(scheduleLoc(*sc)).Format(team.DateLayout), Position: len(sc.Layers) + 1}
	var before *Layer
	if layerID != 0 {
		i := slices.IndexFunc(sc.Layers, func(x Layer) bool { return x.ID == layerID })
		if i < 0 {
			return nil, errs.NotFound("layer")
		}
		l = sc.Layers[i]
		b := l
		before = &b
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&l.Name, in.Name)
	set(&l.TZ, in.TZ)
	set(&l.TurnUnit, in.TurnUnit)
	set(&l.StartDate, in.StartDate)
	set(&l.HandoffTime, in.HandoffTime)
	if in.Position != nil {
		l.Position = *in.Position
	}
	if in.TurnCount != nil {
		l.TurnCount = *in.TurnCount
	}
	if in.Restrictions != nil {
		l.Restrictions = *in.Restrictions
	}
	if in.Members != nil {
		l.Members = *in.Members
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckStaffing(sc, "members", l.Members, r.Member); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if layerID == 0 {
			if _, err := s.insertLayer(ctx, tx, &l); err != nil {
				return err
			}
			return s.audit.Record(ctx, tx, actor, "oncall.layer.created", "oncall_schedule", scheduleID, nil, l)
		}
		restr, err := json.Marshal(l.Restrictions)
		if err != nil {
			return err
		}
		var end any
		if l.EndDate != nil {
			end = *l.EndDate
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateLayer"), l.ID, l.Name, l.Position, l.TZ, l.TurnUnit, l.TurnCount,
			l.StartDate, l.HandoffTime, end, string(restr), l.Pool.Region, l.Pool.Track, db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.setMembers(ctx, tx, l.ID, l.Members); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "oncall.layer.updated", "oncall_schedule", scheduleID, before, l)
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// CreateOverride puts a user on call for a window on a schedule (staffing
// and US Government rules apply), audited.
func (s *Store) CreateOverride(ctx context.Context, actor audit.Actor, scheduleID int64, o Override) (*Override, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	o.ScheduleID = scheduleID
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckStaffing(sc, "user", []int64{o.UserID}, r.Member); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error { return s.insertOverride(ctx, tx, actor, &o) })
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func (s *Store) insertOverride(ctx context.Context, tx *db.Tx, actor audit.Actor, o *Override) error {
	o.Start, o.End = o.Start.UTC().Truncate(time.Second), o.End.UTC().Truncate(time.Second)
	if actor.ID != 0 {
		id := actor.ID
		o.CreatedBy = &id
	}
	o.CreatedAt = tx.Now
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertOverride"), o.ScheduleID, o.UserID, db.TS(o.Start), db.TS(o.End), o.Reason,
		db.NullID(o.SwapID), db.NullID(o.CreatedBy), db.TS(tx.Now)).Scan(&o.ID); err != nil {
		return db.MapError(err, "override")
	}
	return s.audit.Record(ctx, tx, actor, "oncall.override.created", "oncall_schedule", o.ScheduleID, nil, o)
}

// DeleteOverride removes an override of a schedule, audited.
func (s *Store) DeleteOverride(ctx context.Context, actor audit.Actor, scheduleID, overrideID int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		o, err := scanOverride(tx.QueryRowContext(ctx, s.q.Get("GetOverride"), overrideID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && o.ScheduleID != scheduleID) {
			return errs.NotFound("override")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("ClearSwapOverride"), overrideID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteOverride"), overrideID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "oncall.override.deleted", "oncall_schedule", scheduleID, o, nil)
	})
}

// Overrides lists a schedule's overrides overlapping [from, to) (all when
// both are zero), oldest first.
func (s *Store) Overrides(ctx context.Context, scheduleID int64, from, to time.Time) ([]Override, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	out := []Override{}
	for _, o := range sc.Overrides {
		if (!to.IsZero() && !o.Start.Before(to)) || (!from.IsZero() && !o.End.After(from)) {
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Override) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// --- swaps -------------------------------------------------------------------------

func scanSwap(r db.Scanner) (*Swap, error) {
	var w Swap
	var taker, ov sql.NullInt64
	if err := r.Scan(&w.ID, &w.ScheduleID, &w.RequesterID, &taker, db.Time(&w.Start), db.Time(&w.End), &w.Note, &w.Status, &ov,
		db.TimePtr(&w.DecidedAt), db.Time(&w.CreatedAt), db.Time(&w.UpdatedAt)); err != nil {
		return nil, err
	}
	w.TakerID, w.OverrideID = db.IDPtr(taker), db.IDPtr(ov)
	return &w, nil
}

// GetSwap reads one swap.
func (s *Store) GetSwap(ctx context.Context, id int64) (*Swap, error) {
	var w *Swap
	err := s.d.Read(ctx, func(tx *db.Tx) (err error) {
		w, err = scanSwap(tx.QueryRowContext(ctx, s.q.Get("GetSwap"), id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("swap")
	}
	return w, err
}

// SwapFilter narrows ListSwaps: a schedule, a member (requested by them,
// asked of them, or open to anyone), a status; only swaps not yet ended.
type SwapFilter struct {
	ScheduleID int64
	UserID     int64
	Status     string
}

// ListSwaps lists swaps by start.
func (s *Store) ListSwaps(ctx context.Context, f SwapFilter) ([]Swap, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListSwaps"), []any{f.ScheduleID, f.UserID, f.Status, db.TS(s.d.Clock.Now())}, scanSwap)
}

// RequestSwap asks that someone takes [Start, End) of the requester's
// shift (the requester is the actor: only the member on call asks). The
// request is audited.
func (s *Store) RequestSwap(ctx context.Context, actor audit.Actor, scheduleID int64, w Swap) (*Swap, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	w.ScheduleID, w.RequesterID, w.Status = scheduleID, actor.ID, SwapPending
	w.Start, w.End = w.Start.UTC().Truncate(time.Second), w.End.UTC().Truncate(time.Second)
	if err := CheckSwapRequest(*sc, &w, s.d.Clock.Now()); err != nil {
		return nil, err
	}
	if w.TakerID != nil {
		r, err := s.Roster(ctx)
		if err != nil {
			return nil, err
		}
		if err := CheckStaffing(sc, "taker_id", []int64{*w.TakerID}, r.Member); err != nil {
			return nil, err
		}
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertSwap"), scheduleID, w.RequesterID, db.NullID(w.TakerID), db.TS(w.Start), db.TS(w.End),
			w.Note, db.TS(tx.Now)).Scan(&w.ID); err != nil {
			return err
		}
		w.CreatedAt, w.UpdatedAt = tx.Now, tx.Now
		return s.audit.Record(ctx, tx, actor, "oncall.swap.requested", "oncall_schedule", scheduleID, nil, w)
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// AcceptSwap: the actor takes the shift. The window becomes an override
// for them (staffing and US Government rules, and their time off, apply);
// audited.
func (s *Store) AcceptSwap(ctx context.Context, actor audit.Actor, swapID int64) (*Swap, error) {
	w, err := s.GetSwap(ctx, swapID)
	if err != nil {
		return nil, err
	}
	sc, err := s.Schedule(ctx, w.ScheduleID)
	if err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	away, err := s.Away(ctx, r, w.Start, w.End)
	if err != nil {
		return nil, err
	}
	if err := CheckSwapAccept(w, actor.ID, away, s.d.Clock.Now()); err != nil {
		return nil, err
	}
	if err := CheckStaffing(sc, "taker_id", []int64{actor.ID}, r.Member); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		before := *w
		o := Override{ScheduleID: w.ScheduleID, UserID: actor.ID, Start: w.Start, End: w.End, SwapID: &w.ID,
			Reason: fmt.Sprintf("swap #%d: takes %s's shift", w.ID, r.Name(w.RequesterID))}
		if err := s.insertOverride(ctx, tx, actor, &o); err != nil {
			return err
		}
		taker := actor.ID
		res, err := tx.ExecContext(ctx, s.q.Get("DecideSwap"), w.ID, SwapAccepted, taker, o.ID, actor.ID, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Invalid("status", "Swap rule: this swap is no longer pending")
		}
		now := tx.Now
		w.Status, w.TakerID, w.OverrideID, w.DecidedAt, w.UpdatedAt = SwapAccepted, &taker, &o.ID, &now, now
		return s.audit.Record(ctx, tx, actor, "oncall.swap.accepted", "oncall_schedule", w.ScheduleID, before, w)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// DecideSwap declines (the named taker) or cancels (the requester) a
// pending swap, audited. Admins may do either.
func (s *Store) DecideSwap(ctx context.Context, actor audit.Actor, swapID int64, status string) (*Swap, error) {
	w, err := s.GetSwap(ctx, swapID)
	if err != nil {
		return nil, err
	}
	admin := actor.Role == people.RoleAdmin
	switch {
	case status != SwapDeclined && status != SwapCancelled:
		return nil, errs.Invalid("status", "must be declined or cancelled")
	case w.Status != SwapPending:
		return nil, errs.Invalid("status", "Swap rule: this swap is "+w.Status+", not pending")
	case status == SwapCancelled && actor.ID != w.RequesterID && !admin:
		return nil, errs.Forbidden("only the requester cancels a swap")
	case status == SwapDeclined && !admin && (w.TakerID == nil || *w.TakerID != actor.ID):
		return nil, errs.Forbidden("only the member asked declines a swap")
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		before := *w
		res, err := tx.ExecContext(ctx, s.q.Get("DecideSwap"), w.ID, status, db.NullID(w.TakerID), nil, actor.ID, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Invalid("status", "Swap rule: this swap is no longer pending")
		}
		now := tx.Now
		w.Status, w.DecidedAt, w.UpdatedAt = status, &now, now
		return s.audit.Record(ctx, tx, actor, "oncall.swap."+status, "oncall_schedule", w.ScheduleID, before, w)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// --- the quarter ---------------------------------------------------------------------

// FillQuarter staffs every layer of a schedule for the quarter holding t
// from the roster (each layer's pool, the schedule's specialty), balanced
// against the load the schedules generated before it carry, and covers
// members' time off with overrides. prior carries load across schedules
// (nil: none); the returned plan's fairness includes it.
func (s *Store) FillQuarter(ctx context.Context, actor audit.Actor, scheduleID int64, t time.Time, prior map[int64]float64) (*Plan, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	loc := scheduleLoc(*sc)
	q0, q1 := Quarter(t, loc)
	away, err := s.Away(ctx, r, q0, q1)
	if err != nil {
		return nil, err
	}
	var pool []int64
	for i := range sc.Layers {
		l := &sc.Layers[i]
		lp := poolOf(r, sc, l)
		if len(lp) == 0 {
			continue
		}
		l.Members = lp // the generator orders each layer's eligible members
		for _, u := range lp {
			if !slices.Contains(pool, u) {
				pool = append(pool, u)
			}
		}
	}
	if len(pool) == 0 {
		return nil, errs.Invalid("members", "Generator rule: nobody on the roster can staff "+sc.Name)
	}
	plan, err := Generate(*sc, q0, q1, pool, away, prior)
	if err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		for _, l := range sc.Layers {
			order, ok := plan.Orders[l.ID]
			if !ok {
				continue
			}
			if err := s.setMembers(ctx, tx, l.ID, order); err != nil {
				return err
			}
		}
		for i := range plan.Overrides {
			if err := s.insertOverride(ctx, tx, actor, &plan.Overrides[i]); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, actor, "oncall.quarter.generated", "oncall_schedule", scheduleID, nil,
			map[string]any{"quarter": QuarterName(t, loc), "orders": plan.Orders, "overrides": len(plan.Overrides), "score": plan.Fairness.Score})
	})
	if err != nil {
		return nil, err
	}
	return &plan, nil
}

// --- calendar feeds ---------------------------------------------------------------

// Feed is what a calendar token opens: a schedule, or a member's shifts
// on every schedule.
type Feed struct {
	ID         int64
	ScheduleID int64
	UserID     int64
	// Owner is whose eyes the feed reads with (partition.go): the member
	// of a "my shifts" feed, else who made it.
	Owner int64
}

// CreateFeed makes a new secret feed address for a schedule (scheduleID)
// or a member's shifts (userID), replacing the previous one; the token is
// returned once and stored hashed.
func (s *Store) CreateFeed(ctx context.Context, actor audit.Actor, scheduleID, userID int64) (string, error) {
	if (scheduleID == 0) == (userID == 0) {
		return "", errs.Invalid("feed", "is a schedule's or a member's")
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if scheduleID != 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, s.q.Get("ScheduleExists"), scheduleID).Scan(&id); err != nil {
				return db.MapError(err, "schedule")
			}
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteFeeds"), scheduleID, userID); err != nil {
			return err
		}
		var sid, uid any
		if scheduleID != 0 {
			sid = scheduleID
		}
		if userID != 0 {
			uid = userID
		}
		var creator any
		if actor.ID != 0 {
			creator = actor.ID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertFeed"), auth.HashToken(tok), sid, uid, creator, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "oncall.feed.created", "oncall_feed", id, nil, map[string]any{"schedule_id": scheduleID, "user_id": userID})
	})
	return tok, err
}

// FeedByToken resolves a feed token (not found when unknown).
func (s *Store) FeedByToken(ctx context.Context, token string) (*Feed, error) {
	var f Feed
	var sid, uid, by sql.NullInt64
	err := s.d.QueryRow(ctx, s.q.Get("FeedByHash"), []any{auth.HashToken(token)}, &f.ID, &sid, &uid, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("feed")
	}
	if err != nil {
		return nil, err
	}
	f.ScheduleID, f.UserID, f.Owner = sid.Int64, uid.Int64, by.Int64
	if f.UserID != 0 {
		f.Owner = f.UserID
	}
	return &f, nil
}

// Shift is one stretch of a member's on-call on a schedule.
type Shift struct {
	Segment
	ScheduleID   int64  `json:"schedule_id"`
	ScheduleName string `json:"schedule_name"`
}

// ShiftsOf lists a member's shifts on every schedule in [from, to).
func (s *Store) ShiftsOf(ctx context.Context, userID int64, from, to time.Time) ([]Shift, error) {
	scs, err := s.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	var out []Shift
	for _, sc := range scs {
		for _, g := range Render(sc, from, to) {
			if g.UserID == userID {
				out = append(out, Shift{Segment: g, ScheduleID: sc.ID, ScheduleName: sc.Name})
			}
		}
	}
	slices.SortFunc(out, func(a, b Shift) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// OnCallAll is who is on call at instant at on every schedule (by
// schedule id): one read of the configuration version, then arithmetic.
func (s *Store) OnCallAll(ctx context.Context, at time.Time) (map[int64][]int64, error) {
	sn, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]int64, len(sn.list))
	for _, sc := range sn.list {
		out[sc.ID] = Resolve(*sc, at)
	}
	return out, nil
}
