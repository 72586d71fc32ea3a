package app

import (
	"context"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/oncall"
)

// OnCallDemo says what loadOnCallDemo made.
type OnCallDemo struct {
	Filled    int // schedules staffed for the quarter
	Overrides int // overrides made by hand (besides the generator's time-off cover)
	Swaps     int
}

// loadOnCallDemo staffs the seeded schedules for the current quarter from
// the demo roster (balanced across schedules, the roster's time off
// covered by overrides), then adds what a live department has: two
// overrides by a manager, a swap already accepted and one still open.
func (a *App) loadOnCallDemo(ctx context.Context, byEmail map[string]int64) (*OnCallDemo, error) {
	sys := audit.System()
	now := a.Clock.Now().UTC()
	scs, err := a.OnCall.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	out := &OnCallDemo{}
	prior := map[int64]float64{}
	for _, sc := range scs {
		plan, err := a.OnCall.FillQuarter(ctx, sys, sc.ID, now, prior)
		if err != nil {
			return nil, fmt.Errorf("fill %s: %w", sc.Name, err)
		}
		for _, l := range plan.Fairness.Members {
			prior[l.UserID] += l.Weighted()
		}
		out.Filled++
	}
	ceoc, err := a.OnCall.ScheduleByKey(ctx, oncall.KeyCEOC)
	if err != nil {
		return nil, err
	}
	manager := audit.Actor{ID: byEmail["priya.natarajan@frontline.example"], Role: "agent"}
	ams, err := time.LoadLocation(ceoc.TZ)
	if err != nil {
		return nil, err
	}
	day := func(offset, hour int) time.Time {
		d := now.In(ams).AddDate(0, 0, offset)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, ams)
	}
	// someoneElse is another member of the layer on call at t.
	someoneElse := func(sc *oncall.Schedule, t time.Time) (holder, other int64, ok bool) {
		who := oncall.Resolve(*sc, t)
		if len(who) == 0 {
			return 0, 0, false
		}
		for _, l := range sc.Layers {
			if l.At(t) == who[0] {
				for _, u := range l.Members {
					if u != who[0] {
						return who[0], u, true
					}
				}
			}
		}
		return 0, 0, false
	}
	// Overrides: tomorrow's EMEA morning and an APAC night next week.
	for _, w := range [][2]time.Time{{day(1, 10), day(1, 13)}, {day(8, 1), day(8, 5)}} {
		if _, other, ok := someoneElse(ceoc, w[0]); ok {
			if _, err := a.OnCall.CreateOverride(ctx, manager, ceoc.ID, oncall.Override{UserID: other, Start: w[0], End: w[1],
				Reason: "covers a customer training session"}); err != nil {
				return nil, fmt.Errorf("demo override: %w", err)
			}
			out.Overrides++
		}
		ceoc, _ = a.OnCall.Schedule(ctx, ceoc.ID)
	}
	// Swaps: one accepted (in three days), one open to anyone (in five).
	for i, off := range []int{3, 5} {
		start, end := day(off, 11), day(off, 15)
		holder, other, ok := someoneElse(ceoc, start)
		if !ok || len(oncall.Resolve(*ceoc, end.Add(-time.Minute))) == 0 || oncall.Resolve(*ceoc, end.Add(-time.Minute))[0] != holder {
			continue
		}
		sw, err := a.OnCall.RequestSwap(ctx, audit.Actor{ID: holder, Role: "agent"}, ceoc.ID,
			oncall.Swap{Start: start, End: end, Note: "dentist appointment"})
		if err != nil {
			return nil, fmt.Errorf("demo swap: %w", err)
		}
		out.Swaps++
		if i == 0 {
			if _, err := a.OnCall.AcceptSwap(ctx, audit.Actor{ID: other, Role: "agent"}, sw.ID); err != nil {
				return nil, fmt.Errorf("demo swap accept: %w", err)
			}
			ceoc, _ = a.OnCall.Schedule(ctx, ceoc.ID)
		}
	}
	return out, nil
}
