package sla

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store persists schedules and policies. Every write is validated first and
// runs in one transaction with its audit-log entry, so a rejected change
// leaves nothing behind.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
}

// NewStore returns the SLA configuration store of d.
func NewStore(d *db.DB, al *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "*.sql"), audit: al}
}

// Validate reports problems with a holiday on its own (fields "name",
// "start_date", "end_date").
func (h Holiday) Validate() error {
	var v errs.Validation
	checkName(&v, "name", h.Name)
	v.Check(h.Name != "", "name", "is required")
	start, err1 := time.Parse(DateLayout, h.StartDate)
	v.Check(err1 == nil, "start_date", "must be a date (YYYY-MM-DD)")
	end, err2 := time.Parse(DateLayout, h.EndDate)
	v.Check(err2 == nil, "end_date", "must be a date (YYYY-MM-DD)")
	if err1 == nil && err2 == nil {
		v.Check(!end.Before(start), "end_date", "must not be before start_date")
	}
	return v.Err()
}

func (s *Store) record(ctx context.Context, tx *db.Tx, a audit.Actor, action, typ string, id int64, before, after any) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, tx, a, action, typ, id, before, after)
}

// change describes one audited change of a configuration object in its
// transaction: cur reads the object as it is (nil for a creation), write
// makes the change and returns the id the audit entry is filed under, and
// after reads what to return and record (nil for a deletion).
type change[T any] struct {
	action, typ string // "sla_policy.update", "sla_policy"
	cur         func(tx *db.Tx) (*T, error)
	write       func(tx *db.Tx, cur *T) (int64, error)
	after       func(tx *db.Tx, id int64) (*T, error)
}

// apply runs c in one transaction with its audit-log entry.
func apply[T any](ctx context.Context, s *Store, a audit.Actor, c change[T]) (out *T, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		var cur *T
		var before, after any // untyped nil when absent
		if c.cur != nil {
			if cur, err = c.cur(tx); err != nil {
				return err
			}
			before = cur
		}
		id, err := c.write(tx, cur)
		if err != nil {
			return err
		}
		if c.after != nil {
			if out, err = c.after(tx, id); err != nil {
				return err
			}
			after = out
		}
		return s.record(ctx, tx, a, c.action, c.typ, id, before, after)
	})
	return out, err
}

// ---- schedules ----

func scanSchedule(sc interface{ Scan(...any) error }) (*Schedule, error) {
	var sch Schedule
	if err := sc.Scan(&sch.ID, &sch.Name, &sch.TimeZone, db.Time(&sch.CreatedAt), db.Time(&sch.UpdatedAt)); err != nil {
		return nil, err
	}
	sch.Intervals = []Interval{}
	return &sch, nil
}

func (s *Store) getSchedule(ctx context.Context, tx *db.Tx, id int64) (*Schedule, error) {
	sch, err := scanSchedule(tx.QueryRowContext(ctx, s.q.Get("GetSchedule"), id))
	if err != nil {
		return nil, db.MapError(err, "schedule")
	}
	rows, err := tx.QueryContext(ctx, s.q.Get("ScheduleIntervals"), id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sid int64
		var in Interval
		if err := rows.Scan(&sid, &in.StartTime, &in.EndTime); err != nil {
			rows.Close()
			return nil, err
		}
		sch.Intervals = append(sch.Intervals, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if sch.Holidays, err = s.holidays(ctx, tx, "ScheduleHolidays", id); err != nil {
		return nil, err
	}
	return sch, nil
}

func (s *Store) holidays(ctx context.Context, tx *db.Tx, query string, args ...any) ([]Holiday, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Holiday{}
	for rows.Next() {
		var h Holiday
		var sid int64
		if err := rows.Scan(&h.ID, &sid, &h.Name, &h.StartDate, &h.EndDate); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// GetSchedule returns a schedule with its intervals and holidays.
func (s *Store) GetSchedule(ctx context.Context, id int64) (out *Schedule, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.getSchedule(ctx, tx, id)
		return err
	})
	return out, err
}

// ListSchedules returns every schedule (oldest first: the first is the
// default schedule) with intervals and holidays.
func (s *Store) ListSchedules(ctx context.Context) (out []Schedule, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.listSchedules(ctx, tx)
		return err
	})
	return out, err
}

func (s *Store) listSchedules(ctx context.Context, tx *db.Tx) ([]Schedule, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("ListSchedules"))
	if err != nil {
		return nil, err
	}
	out := []Schedule{}
	idx := map[int64]int{}
	for rows.Next() {
		sch, err := scanSchedule(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[sch.ID] = len(out)
		sch.Holidays = []Holiday{}
		out = append(out, *sch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.q.Get("ListIntervals"))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sid int64
		var in Interval
		if err := rows.Scan(&sid, &in.StartTime, &in.EndTime); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			out[i].Intervals = append(out[i].Intervals, in)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.q.Get("ListHolidays"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h Holiday
		var sid int64
		if err := rows.Scan(&h.ID, &sid, &h.Name, &h.StartDate, &h.EndDate); err != nil {
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			out[i].Holidays = append(out[i].Holidays, h)
		}
	}
	return out, rows.Err()
}

func (s *Store) writeIntervals(ctx context.Context, tx *db.Tx, id int64, ins []Interval) error {
	if _, err := tx.ExecContext(ctx, s.q.Get("DeleteIntervals"), id); err != nil {
		return err
	}
	sorted := slices.Clone(ins)
	slices.SortFunc(sorted, func(a, b Interval) int { return a.StartTime - b.StartTime })
	for _, in := range sorted {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertInterval"), id, in.StartTime, in.EndTime); err != nil {
			return db.MapError(err, "interval")
		}
	}
	return nil
}

func (s *Store) createSchedule(ctx context.Context, tx *db.Tx, in Schedule) (int64, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertSchedule"), in.Name, in.TimeZone, db.TS(tx.Now)).Scan(&id); err != nil {
		return 0, db.MapError(err, "schedule")
	}
	if err := s.writeIntervals(ctx, tx, id, in.Intervals); err != nil {
		return 0, err
	}
	for _, h := range in.Holidays {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertHoliday"), id, h.Name, h.StartDate, h.EndDate); err != nil {
			return 0, db.MapError(err, "holiday")
		}
	}
	return id, nil
}

// CreateSchedule validates and stores a schedule with its intervals and
// holidays.
func (s *Store) CreateSchedule(ctx context.Context, a audit.Actor, in Schedule) (*Schedule, error) {
	return apply(ctx, s, a, change[Schedule]{action: "sla_schedule.create", typ: "sla_schedule",
		write: func(tx *db.Tx, _ *Schedule) (int64, error) { return s.createSchedule(ctx, tx, in) },
		after: s.scheduleGetter(ctx)})
}

func (s *Store) scheduleGetter(ctx context.Context) func(tx *db.Tx, id int64) (*Schedule, error) {
	return func(tx *db.Tx, id int64) (*Schedule, error) { return s.getSchedule(ctx, tx, id) }
}

// ScheduleInput is a partial schedule update: nil fields are kept.
type ScheduleInput struct {
	Name      *string     `json:"name"`
	TimeZone  *string     `json:"time_zone"`
	Intervals *[]Interval `json:"intervals"`
}

// UpdateSchedule changes a schedule's name, time zone and/or weekly
// intervals (holidays have their own calls).
func (s *Store) UpdateSchedule(ctx context.Context, a audit.Actor, id int64, in ScheduleInput) (*Schedule, error) {
	get := s.scheduleGetter(ctx)
	return apply(ctx, s, a, change[Schedule]{action: "sla_schedule.update", typ: "sla_schedule", after: get,
		cur:   func(tx *db.Tx) (*Schedule, error) { return get(tx, id) },
		write: func(tx *db.Tx, cur *Schedule) (int64, error) { return id, s.updateSchedule(ctx, tx, id, cur, in) }})
}

func (s *Store) updateSchedule(ctx context.Context, tx *db.Tx, id int64, cur *Schedule, in ScheduleInput) error {
	next := *cur
	if in.Name != nil {
		next.Name = *in.Name
	}
	if in.TimeZone != nil {
		next.TimeZone = *in.TimeZone
	}
	if in.Intervals != nil {
		next.Intervals = *in.Intervals
	}
	if err := next.Validate(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("UpdateSchedule"), id, next.Name, next.TimeZone, db.TS(tx.Now)); err != nil {
		return db.MapError(err, "schedule")
	}
	if in.Intervals != nil {
		return s.writeIntervals(ctx, tx, id, next.Intervals)
	}
	return nil
}

// DeleteSchedule removes a schedule with its intervals and holidays.
// Tickets that used it fall back to the default schedule on their next
// change.
func (s *Store) DeleteSchedule(ctx context.Context, a audit.Actor, id int64) error {
	_, err := apply(ctx, s, a, change[Schedule]{action: "sla_schedule.delete", typ: "sla_schedule",
		cur: func(tx *db.Tx) (*Schedule, error) { return s.getSchedule(ctx, tx, id) },
		write: func(tx *db.Tx, _ *Schedule) (int64, error) {
			_, err := tx.ExecContext(ctx, s.q.Get("DeleteSchedule"), id)
			return id, db.MapError(err, "schedule")
		}})
	return err
}

// Holidays lists a schedule's holidays.
func (s *Store) Holidays(ctx context.Context, scheduleID int64) (out []Holiday, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		if _, err := s.getSchedule(ctx, tx, scheduleID); err != nil {
			return err
		}
		out, err = s.holidays(ctx, tx, "ScheduleHolidays", scheduleID)
		return err
	})
	return out, err
}

// GetHoliday returns one holiday of a schedule.
func (s *Store) GetHoliday(ctx context.Context, scheduleID, id int64) (out *Holiday, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		hs, err := s.holidays(ctx, tx, "GetHoliday", scheduleID, id)
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			return errs.NotFound("holiday")
		}
		out = &hs[0]
		return nil
	})
	return out, err
}

// CreateHoliday adds a holiday to a schedule.
func (s *Store) CreateHoliday(ctx context.Context, a audit.Actor, scheduleID int64, h Holiday) (*Holiday, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return s.holidayChange(ctx, a, "sla_holiday.create", scheduleID, 0, &h, func(tx *db.Tx) error {
		if _, err := s.getSchedule(ctx, tx, scheduleID); err != nil {
			return err
		}
		return db.MapError(tx.QueryRowContext(ctx, s.q.Get("InsertHoliday"), scheduleID, h.Name, h.StartDate, h.EndDate).Scan(&h.ID), "holiday")
	})
}

// UpdateHoliday replaces a holiday's name and dates.
func (s *Store) UpdateHoliday(ctx context.Context, a audit.Actor, scheduleID, id int64, h Holiday) (*Holiday, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	h.ID = id
	return s.holidayChange(ctx, a, "sla_holiday.update", scheduleID, id, &h, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("UpdateHoliday"), scheduleID, id, h.Name, h.StartDate, h.EndDate)
		return db.MapError(err, "holiday")
	})
}

// DeleteHoliday removes a holiday.
func (s *Store) DeleteHoliday(ctx context.Context, a audit.Actor, scheduleID, id int64) error {
	_, err := s.holidayChange(ctx, a, "sla_holiday.delete", scheduleID, id, nil, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteHoliday"), scheduleID, id)
		return err
	})
	return err
}

// holidayChange runs one audited change of holiday id (0: a new one) of a
// schedule: write makes it, the schedule is touched, and the entry is filed
// under the schedule with the holiday before (unless new) and after (h, nil
// for a deletion).
func (s *Store) holidayChange(ctx context.Context, a audit.Actor, action string, scheduleID, id int64, h *Holiday, write func(tx *db.Tx) error) (*Holiday, error) {
	c := change[Holiday]{action: action, typ: "sla_schedule",
		write: func(tx *db.Tx, _ *Holiday) (int64, error) {
			if err := write(tx); err != nil {
				return 0, err
			}
			_, err := tx.ExecContext(ctx, s.q.Get("TouchSchedule"), scheduleID, db.TS(tx.Now))
			return scheduleID, err
		}}
	if id != 0 {
		c.cur = func(tx *db.Tx) (*Holiday, error) {
			hs, err := s.holidays(ctx, tx, "GetHoliday", scheduleID, id)
			if err == nil && len(hs) == 0 {
				err = errs.NotFound("holiday")
			}
			if err != nil {
				return nil, err
			}
			return &hs[0], nil
		}
	}
	if h != nil {
		c.after = func(*db.Tx, int64) (*Holiday, error) { return h, nil }
	}
	return apply(ctx, s, a, c)
}

// ---- policies ----

func (s *Store) scanPolicies(ctx context.Context, tx *db.Tx, query string, args ...any) ([]Policy, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get(query), args...)
	if err != nil {
		return nil, err
	}
	out := []Policy{}
	for rows.Next() {
		var p Policy
		var filter string
		if err := rows.Scan(&p.ID, &p.Title, &p.Description, &p.Position, &filter, db.Time(&p.CreatedAt), db.Time(&p.UpdatedAt)); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(filter), &p.Filter); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sla: policy %d: stored filter: %w", p.ID, err)
		}
		p.PolicyMetrics = []PolicyMetric{}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	idx := map[int64]int{}
	for i, p := range out {
		idx[p.ID] = i
	}
	q, margs := "ListPolicyMetrics", []any(nil)
	if len(out) == 1 {
		q, margs = "PolicyMetrics", []any{out[0].ID}
	}
	rows, err = tx.QueryContext(ctx, s.q.Get(q), margs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var m PolicyMetric
		if err := rows.Scan(&pid, &m.Priority, &m.Metric, &m.Target, &m.BusinessHours); err != nil {
			return nil, err
		}
		if i, ok := idx[pid]; ok {
			out[i].PolicyMetrics = append(out[i].PolicyMetrics, m)
		}
	}
	return out, rows.Err()
}

func (s *Store) getPolicy(ctx context.Context, tx *db.Tx, id int64) (*Policy, error) {
	ps, err := s.scanPolicies(ctx, tx, "GetPolicy", id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errs.NotFound("sla_policy")
	}
	return &ps[0], nil
}

// ListPolicies returns every policy in evaluation order.
func (s *Store) ListPolicies(ctx context.Context) (out []Policy, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.scanPolicies(ctx, tx, "ListPolicies")
		return err
	})
	return out, err
}

// GetPolicy returns one policy.
func (s *Store) GetPolicy(ctx context.Context, id int64) (out *Policy, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.getPolicy(ctx, tx, id)
		return err
	})
	return out, err
}

func (s *Store) writePolicyMetrics(ctx context.Context, tx *db.Tx, id int64, ms []PolicyMetric) error {
	if _, err := tx.ExecContext(ctx, s.q.Get("DeletePolicyMetrics"), id); err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertPolicyMetric"), id, m.Priority, m.Metric, m.Target, m.BusinessHours); err != nil {
			return db.MapError(err, "policy_metrics")
		}
	}
	return nil
}

func (s *Store) createPolicy(ctx context.Context, tx *db.Tx, p Policy) (int64, error) {
	if p.Position == 0 {
		var maxPos int
		if err := tx.QueryRowContext(ctx, s.q.Get("MaxPolicyPosition")).Scan(&maxPos); err != nil {
			return 0, err
		}
		p.Position = maxPos + 1
	}
	if err := p.Validate(); err != nil {
		return 0, err
	}
	filter, err := json.Marshal(p.Filter)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertPolicy"), p.Title, p.Description, p.Position, string(filter), db.TS(tx.Now)).Scan(&id); err != nil {
		return 0, db.MapError(err, "sla_policy")
	}
	return id, s.writePolicyMetrics(ctx, tx, id, p.PolicyMetrics)
}

// CreatePolicy validates and stores a policy. A zero Position puts it last.
func (s *Store) CreatePolicy(ctx context.Context, a audit.Actor, p Policy) (*Policy, error) {
	return apply(ctx, s, a, change[Policy]{action: "sla_policy.create", typ: "sla_policy",
		write: func(tx *db.Tx, _ *Policy) (int64, error) { return s.createPolicy(ctx, tx, p) },
		after: s.policyGetter(ctx)})
}

func (s *Store) policyGetter(ctx context.Context) func(tx *db.Tx, id int64) (*Policy, error) {
	return func(tx *db.Tx, id int64) (*Policy, error) { return s.getPolicy(ctx, tx, id) }
}

// PolicyInput is a partial policy update: nil fields are kept; a given
// policy_metrics list replaces the old one.
type PolicyInput struct {
	Title         *string         `json:"title"`
	Description   *string         `json:"description"`
	Position      *int            `json:"position"`
	Filter        *Filter         `json:"filter"`
	PolicyMetrics *[]PolicyMetric `json:"policy_metrics"`
}

// UpdatePolicy changes a policy. Tickets pick the change up on their next
// update (as in Zendesk, targets are not recomputed retroactively).
func (s *Store) UpdatePolicy(ctx context.Context, a audit.Actor, id int64, in PolicyInput) (*Policy, error) {
	get := s.policyGetter(ctx)
	return apply(ctx, s, a, change[Policy]{action: "sla_policy.update", typ: "sla_policy", after: get,
		cur:   func(tx *db.Tx) (*Policy, error) { return get(tx, id) },
		write: func(tx *db.Tx, cur *Policy) (int64, error) { return id, s.updatePolicy(ctx, tx, id, cur, in) }})
}

func (s *Store) updatePolicy(ctx context.Context, tx *db.Tx, id int64, cur *Policy, in PolicyInput) error {
	next := *cur
	if in.Title != nil {
		next.Title = *in.Title
	}
	if in.Description != nil {
		next.Description = *in.Description
	}
	if in.Position != nil {
		next.Position = *in.Position
	}
	if in.Filter != nil {
		next.Filter = *in.Filter
	}
	if in.PolicyMetrics != nil {
		next.PolicyMetrics = *in.PolicyMetrics
	}
	if err := next.Validate(); err != nil {
		return err
	}
	filter, err := json.Marshal(next.Filter)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("UpdatePolicy"), id, next.Title, next.Description, next.Position, string(filter), db.TS(tx.Now)); err != nil {
		return db.MapError(err, "sla_policy")
	}
	if in.PolicyMetrics != nil {
		return s.writePolicyMetrics(ctx, tx, id, next.PolicyMetrics)
	}
	return nil
}

// DeletePolicy removes a policy. Tickets under it keep their recorded
// history and are re-evaluated against the remaining policies on their next
// change.
func (s *Store) DeletePolicy(ctx context.Context, a audit.Actor, id int64) error {
	_, err := apply(ctx, s, a, change[Policy]{action: "sla_policy.delete", typ: "sla_policy",
		cur: func(tx *db.Tx) (*Policy, error) { return s.getPolicy(ctx, tx, id) },
		write: func(tx *db.Tx, _ *Policy) (int64, error) {
			_, err := tx.ExecContext(ctx, s.q.Get("DeletePolicy"), id)
			return id, err
		}})
	return err
}

// ReorderPolicies sets the evaluation order: ids must list every policy
// exactly once (Zendesk's PUT /api/v2/slas/policies/reorder).
func (s *Store) ReorderPolicies(ctx context.Context, a audit.Actor, ids []int64) (out []Policy, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.scanPolicies(ctx, tx, "ListPolicies")
		if err != nil {
			return err
		}
		have := map[int64]bool{}
		for _, p := range cur {
			have[p.ID] = true
		}
		seen := map[int64]bool{}
		for i, id := range ids {
			f := fmt.Sprintf("sla_policy_ids[%d]", i)
			if !have[id] {
				return errs.Invalid(f, fmt.Sprintf("no SLA policy has id %d", id))
			}
			if seen[id] {
				return errs.Invalid(f, fmt.Sprintf("id %d is listed twice", id))
			}
			seen[id] = true
		}
		if len(ids) != len(cur) {
			return errs.Invalid("sla_policy_ids", fmt.Sprintf("must list all %d policies", len(cur)))
		}
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, s.q.Get("SetPolicyPosition"), id, i+1, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		if out, err = s.scanPolicies(ctx, tx, "ListPolicies"); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "sla_policy.reorder", "sla_policy", 0, ids, nil)
	})
	return out, err
}

// SeedDefaults stores the default regional schedules (DefaultSchedules) and
// policies (DefaultPolicies) once per database: the first call, from any
// node, seeds; later calls (and concurrent ones) do nothing, even when an
// admin has since deleted them. It reports whether it seeded.
func (s *Store) SeedDefaults(ctx context.Context) (seeded bool, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		seeded = false
		res, err := tx.ExecContext(ctx, s.q.Get("MarkSeeded"), db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		for _, sch := range DefaultSchedules() {
			if _, err := s.createSchedule(ctx, tx, sch); err != nil {
				return err
			}
		}
		for _, p := range DefaultPolicies() {
			if _, err := s.createPolicy(ctx, tx, p); err != nil {
				return err
			}
		}
		seeded = true
		return s.record(ctx, tx, audit.System(), "sla.seed_defaults", "sla_policy", 0, nil, nil)
	})
	return seeded, err
}

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func idOf(n sql.NullInt64) int64 {
	if n.Valid {
		return n.Int64
	}
	return 0
}
