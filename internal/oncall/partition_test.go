package oncall

import (
	"context"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

type viewerKey struct{}

// TestRestrictedScheduleOnlyForClearedOnBothEngines: the US Government
// schedule put in a restricted brand is, for someone the brand is hidden
// from, absent from every read and write of the store; the cleared see it;
// a job (no caller) pages it; a feed reads as its owner; a brand one cannot
// see cannot be given to a schedule.
func TestRestrictedScheduleOnlyForClearedOnBothEngines(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(start) }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, d.Clock.(*clock.Fake))
		f.roster()
		if _, err := f.st.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		gov, _ := f.st.ScheduleByKey(ctx, KeyUSGov)
		if _, err := f.st.FillQuarter(ctx, audit.System(), gov.ID, start, nil); err != nil {
			t.Fatal(err)
		}
		name, sub, yes, spec := "US Government", "usgov", true, "us_government"
		b, err := brand.NewStore(d, f.al).Create(ctx, audit.System(), brand.Input{Name: &name, Subdomain: &sub, Restricted: &yes, RequiredSpecialty: &spec})
		if err != nil {
			t.Fatal(err)
		}
		f.st.ScopeReads(func(ctx context.Context) ([]int64, error) {
			h, _ := ctx.Value(viewerKey{}).([]int64)
			return h, nil
		})
		outsider := context.WithValue(ctx, viewerKey{}, []int64{b.ID})
		if _, err := f.st.SetBrand(outsider, audit.System(), gov.ID, &b.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("an outsider gave the schedule a brand hidden from them: %v", err)
		}
		if _, err := f.st.SetBrand(ctx, audit.System(), gov.ID, &b.ID); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 4, 15, 0, 0, 0, time.UTC) // Wednesday, Pacific morning: US Government hours
		for _, who := range []struct {
			name string
			ctx  context.Context
			sees bool
		}{{"outsider", outsider, false}, {"insider", ctx, true}, {"feed read as an insider", WithHidden(outsider, nil), true},
			{"feed read as an outsider", WithHidden(ctx, []int64{b.ID}), false}} {
			c := who.ctx
			scs, err := f.st.Schedules(c)
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, sc := range scs {
				listed = listed || sc.ID == gov.ID
			}
			_, getErr := f.st.Schedule(c, gov.ID)
			_, onErr := f.st.OnCallAt(c, gov.ID, at)
			has, _ := f.st.HasSchedule(c, gov.ID)
			nows, _ := f.st.WhoIsOnCall(c, at)
			inNow := false
			for _, n := range nows {
				inNow = inNow || n.ScheduleID == gov.ID
			}
			shifts, _ := f.st.ShiftsOf(c, f.ids["Gus"], start, start.Add(14*24*time.Hour))
			govShifts := 0
			for _, sh := range shifts {
				if sh.ScheduleID == gov.ID {
					govShifts++
				}
			}
			_, ovErr := f.st.CreateOverride(c, audit.System(), gov.ID, Override{UserID: f.ids["Gia"], Start: at, End: at.Add(time.Hour)})
			_, flagErr := f.st.Flags(c, gov.ID, at, at.Add(24*time.Hour))
			if who.sees {
				if !listed || getErr != nil || onErr != nil || !has || !inNow || govShifts == 0 || ovErr != nil || flagErr != nil {
					t.Fatalf("%s: listed %v get %v oncall %v has %v now %v shifts %d override %v flags %v", who.name, listed, getErr, onErr, has, inNow, govShifts, ovErr, flagErr)
				}
				continue
			}
			if listed || !errs.Is(getErr, errs.KindNotFound) || !errs.Is(onErr, errs.KindNotFound) || has || inNow || govShifts != 0 ||
				!errs.Is(ovErr, errs.KindNotFound) || !errs.Is(flagErr, errs.KindNotFound) {
				t.Fatalf("%s sees the restricted schedule: listed %v get %v oncall %v has %v now %v shifts %d override %v flags %v",
					who.name, listed, getErr, onErr, has, inNow, govShifts, ovErr, flagErr)
			}
		}
		// A job has no caller: paging resolves the schedule.
		if who, err := f.st.OnCallAt(ctx, gov.ID, at); err != nil || len(who) != 1 {
			t.Fatalf("paging the restricted schedule: %v %v", who, err)
		}
		if got := actions(t, f.al); !contains(got, "oncall.schedule.brand_set") {
			t.Fatalf("brand change not audited: %v", got)
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
