package kpi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/frontline/frontline/internal/capacity"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// CapacityInput reads what the capacity plan needs: up to two years of
// weekly created tickets per region (from the rollups; the region is the
// assignee's) ending before the current week, and the roster with leavers
// and time off. The plan starts at the month of now. The tickets of the
// hidden brands (the viewer's brand.Scope.Hidden) are left out.
func (s *Store) CapacityInput(ctx context.Context, now time.Time, hidden []int64) (capacity.Input, error) {
	if _, err := s.Refresh(ctx); err != nil {
		return capacity.Input{}, err
	}
	now = now.UTC()
	today := int(now.Unix() / 86400)
	weekStart := today - (int(now.Weekday())+6)%7 // Monday
	from := weekStart - 104*7
	in := capacity.Input{Start: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), Weekly: map[string][]float64{}, Months: 12}
	first := map[string]int{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		w, args := Filter{HiddenBrands: hidden}.where([]any{WeekOf(from), WeekOf(weekStart)})
		rows, err := tx.QueryContext(ctx, s.q.Get("WeeklyCreatedByRegion")+w+" GROUP BY region, period", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var region string
			var week int
			var n int64
			if err := rows.Scan(&region, &week, &n); err != nil {
				return err
			}
			if region == "" {
				continue
			}
			w := week - WeekOf(from)
			row := in.Weekly[region]
			if row == nil {
				row = make([]float64, 104)
				in.Weekly[region] = row
				first[region] = w
			}
			row[w] += float64(n)
			first[region] = min(first[region], w)
		}
		return rows.Err()
	})
	if err != nil {
		return in, err
	}
	// History starts at the region's first week with tickets.
	for r, row := range in.Weekly {
		in.Weekly[r] = row[first[r]:]
	}
	roster, err := s.Roster(ctx)
	if err != nil {
		return in, err
	}
	hasReports := map[int64]bool{}
	for _, e := range roster {
		hasReports[e.ManagerID] = true
	}
	off := map[int64][]time.Time{}
	type span struct {
		user       int64
		start, end string
	}
	spans, err := db.ReadList(ctx, s.d, s.q.Get("TimeOffAfter"), []any{now.Format("2006-01-02")}, func(r db.Scanner) (*span, error) {
		var x span
		return &x, r.Scan(&x.user, &x.start, &x.end)
	})
	if err != nil {
		return in, err
	}
	for _, x := range spans {
		a, err1 := time.Parse("2006-01-02", x.start)
		b, err2 := time.Parse("2006-01-02", x.end)
		if err1 != nil || err2 != nil {
			continue
		}
		for d := a; !d.After(b) && d.Before(now.AddDate(1, 1, 0)); d = d.AddDate(0, 0, 1) {
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				off[x.user] = append(off[x.user], d)
			}
		}
	}
	for _, e := range roster {
		m := capacity.Member{Region: e.Region, Manager: hasReports[e.ID], OffDays: off[e.ID]}
		if e.EndDate != "" {
			if t, err := time.Parse("2006-01-02", e.EndDate); err == nil {
				m.Leaves = &t
			}
		}
		in.Members = append(in.Members, m)
	}
	return in, nil
}

// CapacityParams reads the plan's parameters (settings key
// capacity.params; the defaults otherwise).
func (s *Store) CapacityParams(ctx context.Context) (capacity.Params, error) {
	p := capacity.DefaultParams()
	var raw string
	err := s.d.QueryRow(ctx, s.q.Get("GetSetting"), []any{"capacity.params"}, &raw)
	if err != nil {
		if isNoRows(err) {
			return p, nil
		}
		return p, err
	}
	return p, json.Unmarshal([]byte(raw), &p)
}

// SetCapacityParams stores the plan's parameters.
func (s *Store) SetCapacityParams(ctx context.Context, p capacity.Params) error {
	b, _ := json.Marshal(p)
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("PutSetting"), "capacity.params", string(b), tx.Now.UnixMicro())
		return err
	})
}

// Scenario is a saved what-if: changes to the plan's parameters.
type Scenario struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Changes   WhatIf    `json:"changes"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// WhatIf changes a plan: volume +x, deflection +points, attrition.
type WhatIf struct {
	VolumeChange    *float64 `json:"volume_change,omitempty"`
	DeflectionDelta *float64 `json:"deflection_points,omitempty"`
	Attrition       *float64 `json:"attrition,omitempty"`
	HandleHours     *float64 `json:"handle_hours,omitempty"`
	Shrinkage       *float64 `json:"shrinkage,omitempty"`
}

// Apply returns p with the what-if applied, checking ranges.
func (w WhatIf) Apply(p capacity.Params) (capacity.Params, error) {
	if w.VolumeChange != nil {
		if *w.VolumeChange < -0.9 || *w.VolumeChange > 10 {
			return p, errs.Invalid("volume_change", "must be between -0.9 and 10")
		}
		p.VolumeChange = *w.VolumeChange
	}
	if w.DeflectionDelta != nil {
		d := p.Deflection + *w.DeflectionDelta/100
		if d < 0 || d >= 1 {
			return p, errs.Invalid("deflection_points", "deflection must stay between 0 and 100%")
		}
		p.Deflection = d
	}
	if w.Attrition != nil {
		if *w.Attrition < 0 || *w.Attrition >= 1 {
			return p, errs.Invalid("attrition", "must be between 0 and 1")
		}
		p.Attrition = *w.Attrition
	}
	if w.HandleHours != nil {
		if *w.HandleHours <= 0 || *w.HandleHours > 100 {
			return p, errs.Invalid("handle_hours", "must be between 0 and 100")
		}
		p.HandleHours = *w.HandleHours
	}
	if w.Shrinkage != nil {
		if *w.Shrinkage < 0 || *w.Shrinkage >= 0.9 {
			return p, errs.Invalid("shrinkage", "must be between 0 and 0.9")
		}
		p.Shrinkage = *w.Shrinkage
	}
	return p, nil
}

// SaveScenario stores a what-if.
func (s *Store) SaveScenario(ctx context.Context, name string, w WhatIf, by int64) (Scenario, error) {
	if name == "" || len(name) > 200 {
		return Scenario{}, errs.Invalid("name", "is required (at most 200 characters)")
	}
	if _, err := w.Apply(capacity.DefaultParams()); err != nil {
		return Scenario{}, err
	}
	b, _ := json.Marshal(w)
	sc := Scenario{Name: name, Changes: w, CreatedBy: by}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		sc.CreatedAt = time.UnixMicro(tx.Now.UnixMicro()).UTC()
		return tx.QueryRowContext(ctx, s.q.Get("InsertScenario"), name, string(b), by, tx.Now.UnixMicro()).Scan(&sc.ID)
	})
	return sc, err
}

// Scenarios lists the saved what-ifs.
func (s *Store) Scenarios(ctx context.Context) ([]Scenario, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListScenarios"), nil, func(r db.Scanner) (*Scenario, error) {
		var sc Scenario
		var raw string
		var at int64
		if err := r.Scan(&sc.ID, &sc.Name, &raw, &sc.CreatedBy, &at); err != nil {
			return nil, err
		}
		sc.CreatedAt = db.FromMicros(at)
		return &sc, json.Unmarshal([]byte(raw), &sc.Changes)
	})
}

// DeleteScenario removes a what-if.
func (s *Store) DeleteScenario(ctx context.Context, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteScenario"), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("scenario")
		}
		return nil
	})
}

// SetRevenueByTier gives organizations of a tier without a revenue one
// (the demo's customers).
func (s *Store) SetRevenueByTier(ctx context.Context, revenue map[string]int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		for tier, v := range revenue {
			if _, err := tx.ExecContext(ctx, s.q.Get("SetRevenueByTier"), tier, v); err != nil {
				return err
			}
		}
		return nil
	})
}
