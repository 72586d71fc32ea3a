package oncall

// Restricted schedules (ADR 0019). A schedule may belong to a brand
// (Schedule.BrandID, the US Government schedule of the restricted US
// Government brand); it is then invisible to whoever the brand is hidden
// from: every read of the store (lists, one schedule, who is on call, the
// calendar, shifts, fairness, flags, and the writes that start from a
// schedule) answers as if it did not exist. Whose reads they are comes
// from the context: the web server installs ScopeReads (the caller of the
// request), a calendar feed reached by its token reads as its owner
// (WithHidden), and jobs, which have neither, see every schedule (paging a
// restricted schedule is not a read by anyone).

import (
	"context"
	"slices"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// PartitionOf returns the brands hidden from the caller of ctx.
type PartitionOf func(ctx context.Context) ([]int64, error)

// ScopeReads makes every read hide the schedules of the brands p hides.
func (s *Store) ScopeReads(p PartitionOf) { s.partition = p }

type hiddenKey struct{}

// WithHidden makes the reads under ctx hide the schedules of the brands
// hidden, whatever the context's caller (a calendar feed reads as the
// person who made it).
func WithHidden(ctx context.Context, hidden []int64) context.Context {
	return context.WithValue(ctx, hiddenKey{}, hidden)
}

func (s *Store) hidden(ctx context.Context) ([]int64, error) {
	if h, ok := ctx.Value(hiddenKey{}).([]int64); ok {
		return h, nil
	}
	if s.partition == nil {
		return nil, nil
	}
	return s.partition(ctx)
}

// visible says whether a schedule is seen by whoever the brands hidden are
// hidden from.
func visible(sc *Schedule, hidden []int64) bool {
	return sc.BrandID == nil || !slices.Contains(hidden, *sc.BrandID)
}

// view is the snapshot as the caller of ctx sees it: the shared one when
// nothing in it is hidden (the usual case, no copy), else one without the
// hidden schedules.
func (s *Store) view(ctx context.Context) (*snapshot, error) {
	sn, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	hidden, err := s.hidden(ctx)
	if err != nil || len(hidden) == 0 {
		return sn, err
	}
	if !slices.ContainsFunc(sn.list, func(sc *Schedule) bool { return !visible(sc, hidden) }) {
		return sn, nil
	}
	out := &snapshot{byID: map[int64]*Schedule{}}
	for _, sc := range sn.list {
		if visible(sc, hidden) {
			out.list = append(out.list, sc)
			out.byID[sc.ID] = sc
		}
	}
	return out, nil
}

// SetBrand puts a schedule in a brand's partition (nil: every brand's).
// Only someone who sees both the schedule and the brand may (a restricted
// brand's own administrators); audited.
func (s *Store) SetBrand(ctx context.Context, actor audit.Actor, scheduleID int64, brandID *int64) (*Schedule, error) {
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	if brandID != nil {
		hidden, err := s.hidden(ctx)
		if err != nil {
			return nil, err
		}
		if slices.Contains(hidden, *brandID) {
			return nil, errs.NotFound("brand")
		}
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("SetScheduleBrand"), scheduleID, db.NullID(brandID), db.TS(tx.Now)); err != nil {
			return db.MapError(err, "brand")
		}
		return s.audit.Record(ctx, tx, actor, "oncall.schedule.brand_set", "oncall_schedule", scheduleID,
			map[string]any{"brand_id": sc.BrandID}, map[string]any{"brand_id": brandID})
	})
	if err != nil {
		return nil, err
	}
	return s.Schedule(ctx, scheduleID)
}
