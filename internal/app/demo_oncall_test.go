package app

import (
	"context"
	"slices"
	"testing"

	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/team"
)

// TestOnCallDemo: the demo staffs every seeded schedule for the quarter
// from the roster (US Government only with cleared members), nobody is on
// call during their time off, there are overrides and swaps, and the
// quarter's load is balanced.
func TestOnCallDemo(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			a, _ := openDemoApp(t, e)
			scs, err := a.OnCall.Schedules(ctx)
			if err != nil || len(scs) != 4 {
				t.Fatalf("schedules %d %v", len(scs), err)
			}
			ros, err := a.OnCall.Roster(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var overrides int
			for _, sc := range scs {
				for _, l := range sc.Layers {
					if len(l.Members) == 0 {
						t.Errorf("%s / %s has nobody", sc.Name, l.Name)
					}
					if sc.Key == oncall.KeyUSGov {
						for _, u := range l.Members {
							if !slices.Contains(ros.Members[u].Specialties, team.SpecialtyUSGov) {
								t.Errorf("%s on US Government without the specialty", ros.Name(u))
							}
						}
					}
				}
				overrides += len(sc.Overrides)
				now := a.Clock.Now()
				flags, err := a.OnCall.Flags(ctx, sc.ID, now, now.AddDate(0, 0, 14))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range flags {
					if f.Kind == oncall.FlagTimeOff {
						t.Errorf("%s: %s on call during time off %s", sc.Name, ros.Name(f.UserID), f.Detail)
					}
				}
			}
			if overrides < 2 {
				t.Errorf("only %d overrides", overrides)
			}
			sw, err := a.OnCall.ListSwaps(ctx, oncall.SwapFilter{})
			if err != nil || len(sw) < 2 {
				t.Errorf("swaps %d %v", len(sw), err)
			}
			var accepted, pending bool
			for _, s := range sw {
				accepted = accepted || s.Status == oncall.SwapAccepted
				pending = pending || s.Status == oncall.SwapPending
			}
			if !accepted || !pending {
				t.Errorf("want an accepted and a pending swap: %+v", sw)
			}
			ceoc, _ := a.OnCall.ScheduleByKey(ctx, oncall.KeyCEOC)
			if who, _ := a.OnCall.OnCallAt(ctx, ceoc.ID, a.Clock.Now()); len(who) != 1 {
				t.Errorf("nobody on CEOC now")
			}
			qf, err := a.OnCall.Fairness(ctx, a.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if f := qf.Schedules[ceoc.ID]; f.Score < 0.5 || f.GapHours != 0 {
				t.Errorf("CEOC fairness score %.2f, gaps %.1f h", f.Score, f.GapHours)
			}
		})
	}
}
