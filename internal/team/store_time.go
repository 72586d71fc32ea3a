package team

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/sla"
)

// HolidaysFromSLA reads regional public holidays from the business-hours
// schedules: the schedule named like a region (AMER, EMEA, APAC) holds its
// holidays, as the SLA module's region_<name> rule does.
func HolidaysFromSLA(st *sla.Store) HolidaySource {
	return func(ctx context.Context) (map[string][]Holiday, error) {
		schedules, err := st.ListSchedules(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string][]Holiday{}
		for _, sch := range schedules {
			r := strings.ToUpper(sch.Name)
			if !ValidRegion(r) {
				continue
			}
			for _, h := range sch.Holidays {
				out[r] = append(out[r], Holiday{Name: h.Name, StartDate: h.StartDate, EndDate: h.EndDate})
			}
		}
		return out, nil
	}
}

// Holidays returns the public holidays by region (none without a source).
func (s *Store) Holidays(ctx context.Context) (map[string][]Holiday, error) {
	if s.opt.Holidays == nil {
		return map[string][]Holiday{}, nil
	}
	return s.opt.Holidays(ctx)
}

// --- time off ---------------------------------------------------------------------

func scanTimeOff(r db.Scanner) (*TimeOff, error) {
	var t TimeOff
	var by sql.NullInt64
	var reason string
	err := r.Scan(&t.ID, &t.MemberID, &t.Type, &t.StartDate, &t.EndDate, &t.StartHalfDay, &t.EndHalfDay, &reason, &by,
		db.Time(&t.CreatedAt), db.Time(&t.UpdatedAt), &t.MemberName, &t.Region)
	if err != nil {
		return nil, err
	}
	t.Reason, t.CreatedByID = &reason, intPtr(by)
	_ = t.Validate(reason) // computes Days
	return &t, nil
}

func (s *Store) getTimeOff(ctx context.Context, tx *db.Tx, id int64) (*TimeOff, error) {
	t, err := scanTimeOff(tx.QueryRowContext(ctx, s.q.Get("GetTimeOff"), id))
	if err != nil {
		return nil, db.MapError(err, "time off")
	}
	return t, nil
}

// GetTimeOff returns one entry with its reason (callers redact it).
func (s *Store) GetTimeOff(ctx context.Context, id int64) (t *TimeOff, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		t, err = s.getTimeOff(ctx, tx, id)
		return err
	})
	return t, err
}

// TimeOffFilter narrows ListTimeOff: a member, a region, and entries that
// overlap From..To (dates, either may be empty).
type TimeOffFilter struct {
	MemberID int64
	Region   string
	From, To string
	ByID     bool // order by id (cursor pages) instead of start date
	people.Page
}

func (f TimeOffFilter) args() ([]any, error) {
	for _, d := range []struct{ name, v string }{{"start_date", f.From}, {"end_date", f.To}} {
		if _, ok := ParseDate(d.v); d.v != "" && !ok {
			return nil, errs.BadRequest("%s: must be a date (YYYY-MM-DD)", d.name)
		}
	}
	if f.Region != "" && !ValidRegion(f.Region) {
		return nil, errs.BadRequest("region: must be AMER, EMEA or APAC")
	}
	return []any{f.MemberID, f.Region, f.From, f.To, f.AfterID}, nil
}

// ListTimeOff lists entries by start date (or id).
func (s *Store) ListTimeOff(ctx context.Context, f TimeOffFilter) ([]TimeOff, error) {
	args, err := f.args()
	if err != nil {
		return nil, err
	}
	q := "ListTimeOff"
	if f.ByID {
		q = "ListTimeOffByID"
	}
	return db.ReadList(ctx, s.d, s.q.Get(q), append(args, limitOf(f.Page), max(f.Offset, 0)), scanTimeOff)
}

// CountTimeOff counts the entries matching f.
func (s *Store) CountTimeOff(ctx context.Context, f TimeOffFilter) (n int, err error) {
	args, err := f.args()
	if err != nil {
		return 0, err
	}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountTimeOff"), args...).Scan(&n)
	})
	return n, err
}

// CreateTimeOff records an absence: "no ask, must tell", so there is no
// approval; the entry counts at once.
func (s *Store) CreateTimeOff(ctx context.Context, actor audit.Actor, in TimeOffInput) (out *TimeOff, err error) {
	t := TimeOff{}
	if in.MemberID != nil {
		t.MemberID = *in.MemberID
	}
	reason := in.Apply(&t, nil)
	r := ""
	if reason != nil {
		r = *reason
	}
	var v errs.Validation
	v.Check(t.MemberID != 0, "member_id", "is required")
	merge(&v, t.Validate(r))
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if n, err := s.count(ctx, tx, "IsMember", t.MemberID); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return errs.Invalid("member_id", "is not on the roster")
		}
		var id int64
		var by any
		if actor.ID != 0 {
			by = actor.ID
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertTimeOff"), t.MemberID, t.Type, t.StartDate, t.EndDate,
			t.StartHalfDay, t.EndHalfDay, r, by, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		if out, err = s.getTimeOff(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_time_off.created", "team_time_off", id, nil, redacted(out))
	})
	return out, err
}

// redacted is an entry as the audit log keeps it: the private reason is
// not copied there.
func redacted(t *TimeOff) TimeOff {
	c := *t
	c.Reason = nil
	return c
}

// UpdateTimeOff changes an entry (its member stays).
func (s *Store) UpdateTimeOff(ctx context.Context, actor audit.Actor, id int64, in TimeOffInput) (out *TimeOff, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getTimeOff(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.MemberID != nil && *in.MemberID != before.MemberID {
			return errs.Invalid("member_id", "can't be changed; record a new entry")
		}
		t := *before
		reason := in.Apply(&t, before.Reason)
		if err := t.Validate(*reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateTimeOff"), id, t.Type, t.StartDate, t.EndDate, t.StartHalfDay,
			t.EndHalfDay, *reason, db.TS(tx.Now)); err != nil {
			return err
		}
		if out, err = s.getTimeOff(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_time_off.updated", "team_time_off", id, redacted(before), redacted(out))
	})
	return out, err
}

// DeleteTimeOff removes an entry.
func (s *Store) DeleteTimeOff(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getTimeOff(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteTimeOff"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "team_time_off.deleted", "team_time_off", id, redacted(before), nil)
	})
}

// --- availability -------------------------------------------------------------------

// Calendar reads what decides a member's availability around instant t
// (their hours, dates, time off within two days of t, their region's
// holidays).
func (s *Store) Calendar(ctx context.Context, id int64, t time.Time) (Calendar, error) {
	var c Calendar
	var tz, region, hours string
	var start, end sql.NullString
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("MemberCalendar"), id).Scan(&tz, &region, &hours, &start, &end)
	})
	if err != nil {
		return c, db.MapError(err, "team member")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	c.Loc, c.StartDate, c.EndDate, c.Hours = loc, strPtr(start), strPtr(end), DefaultHours()
	if hours != "" {
		if err := json.Unmarshal([]byte(hours), &c.Hours); err != nil {
			return c, err
		}
	}
	day := t.In(loc)
	offs, err := s.ListTimeOff(ctx, TimeOffFilter{MemberID: id, From: day.AddDate(0, 0, -2).Format(DateLayout),
		To: day.AddDate(0, 0, 2).Format(DateLayout), Page: people.Page{Limit: 1000}})
	if err != nil {
		return c, err
	}
	for i := range offs {
		c.TimeOff = append(c.TimeOff, offs[i].Away())
	}
	hol, err := s.Holidays(ctx)
	if err != nil {
		return c, err
	}
	c.Holidays = hol[region]
	return c, nil
}

// Available answers whether member id works at instant t (see Available).
func (s *Store) Available(ctx context.Context, id int64, t time.Time) (Availability, error) {
	c, err := s.Calendar(ctx, id, t)
	if err != nil {
		return Availability{}, err
	}
	return Available(c, t), nil
}
