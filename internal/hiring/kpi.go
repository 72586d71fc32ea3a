package hiring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// QuarterOf is the plan quarter ("2027-Q1") of a year and month.
func QuarterOf(year, month int) string { return fmt.Sprintf("%d-Q%d", year, (month-1)/3+1) }

// PlanVsActual counts, for the KPI "hiring actual vs plan", the hires that
// started in year up to the end of month against the headcount the plan
// lines of year give up to month's quarter; ok is false when year has no
// plan line.
func (s *Store) PlanVsActual(ctx context.Context, year, month int) (actual, planned int, ok bool, err error) {
	var lines int
	if err = s.d.QueryRow(ctx, s.q.Get("PlannedHeadcount"), []any{QuarterOf(year, 1), QuarterOf(year, month)}, &lines, &planned); err != nil || lines == 0 {
		return 0, 0, false, err
	}
	end := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	err = s.d.QueryRow(ctx, s.q.Get("StartedHires"), []any{fmt.Sprintf("%d-01-01", year), end}, &actual)
	return actual, planned, err == nil, err
}

// TimeToFill is the median number of days from a vacancy's opening to its
// fill, over the vacancies filled in year-month; ok is false when none was.
func (s *Store) TimeToFill(ctx context.Context, year, month int) (days float64, ok bool, err error) {
	from := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	type span struct{ opened, closed int64 }
	spans, err := db.ReadList(ctx, s.d, s.q.Get("FilledDurations"), []any{from.UnixMicro(), from.AddDate(0, 1, 0).UnixMicro()}, func(r db.Scanner) (*span, error) {
		var x span
		return &x, r.Scan(&x.opened, &x.closed)
	})
	if err != nil || len(spans) == 0 {
		return 0, false, err
	}
	ds := make([]float64, len(spans))
	for i, x := range spans {
		ds[i] = float64(max(x.closed-x.opened, 0)) / 86400e6
	}
	return median(ds), true, nil
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// ProposedHire is a vacancy the capacity plan proposes.
type ProposedHire struct {
	Region      string
	Count       int
	Role        string // a pipeline key
	TargetStart string // YYYY-MM-DD
	Reason      string
}

// AddProposals adds proposed hires to the plan, one transaction for all:
// each adds its count to the plan line of its target start's quarter,
// region and role (created when missing), audited as the approver's.
func (s *Store) AddProposals(ctx context.Context, actor audit.Actor, ps []ProposedHire) (int, error) {
	added := 0
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		for i, p := range ps {
			t, err := time.Parse("2006-01-02", p.TargetStart)
			if err != nil {
				return errs.Invalid(fmt.Sprintf("proposals[%d].target_start_date", i), "must be a date YYYY-MM-DD")
			}
			in := PlanLineInput{Quarter: QuarterOf(t.Year(), int(t.Month())), Region: p.Region, Role: p.Role, Headcount: p.Count, HireBy: p.TargetStart, Notes: p.Reason}
			if err := in.Validate(); err != nil {
				return err
			}
			var pid int64
			if err := tx.QueryRowContext(ctx, s.q.Get("PipelineByKey"), in.Role).Scan(&pid); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return errs.Invalid("role", fmt.Sprintf("%q is not a role pipeline", in.Role))
				}
				return err
			}
			var id int64
			err = tx.QueryRowContext(ctx, s.q.Get("PlanLineByKey"), in.Quarter, in.Region, in.Role).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				err = tx.QueryRowContext(ctx, s.q.Get("InsertPlanLine"), in.Quarter, in.Region, in.Role, in.Headcount, in.HireBy, in.Notes, db.TS(tx.Now)).Scan(&id)
			case err == nil:
				_, err = tx.ExecContext(ctx, s.q.Get("AddPlanHeadcount"), id, in.Headcount, in.Notes, db.TS(tx.Now))
			}
			if err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, actor, "hiring.plan_line.proposal_approved", "hiring_plan_line", id, nil, in); err != nil {
				return err
			}
			added += p.Count
		}
		return nil
	})
	return added, err
}
