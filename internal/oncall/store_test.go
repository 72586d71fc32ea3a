package oncall

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

type fixture struct {
	t     *testing.T
	d     *db.DB
	al    *audit.Log
	ppl   *people.Store
	tm    *team.Store
	st    *Store
	clk   *clock.Fake
	ids   map[string]int64
	level map[string]int64
}

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }
func ptr(v int64) *int64  { return &v }

func newFixture(t *testing.T, d *db.DB, clk *clock.Fake) *fixture {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	f := &fixture{t: t, d: d, al: al, ppl: people.NewStore(d, al), tm: team.NewStore(d, al, team.Options{}), clk: clk,
		ids: map[string]int64{}, level: map[string]int64{}}
	f.tm.Attach(f.ppl)
	f.st = NewStore(d, al, f.tm)
	if _, err := f.tm.SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	ls, err := f.tm.Levels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		f.level[l.Key] = l.ID
	}
	return f
}

// member adds a roster member: region, manager or engineer, specialties.
func (f *fixture) member(name, region string, manager bool, specs ...string) int64 {
	f.t.Helper()
	ctx := context.Background()
	email := strings.ToLower(name) + "@frontline.test"
	role := people.RoleAgent
	in := people.UserInput{Name: &name, Email: &email, Role: &role}
	if slices.Contains(specs, team.SpecialtyUSGov) {
		in.VerifiedCitizenship = bp(true)
	}
	u, err := f.ppl.CreateUser(ctx, audit.System(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	lvl := f.level["support-engineer"]
	if manager {
		lvl = f.level["manager-support-engineering"]
	}
	tz := map[string]string{"EMEA": "Europe/London", "APAC": "Australia/Sydney", "AMER": "America/New_York"}[region]
	mi := team.MemberInput{UserID: &u.ID, LevelID: &lvl, Region: &region, TimeZone: &tz}
	if len(specs) > 0 {
		mi.Specialties = &specs
	}
	if _, err := f.tm.CreateMember(ctx, audit.System(), mi); err != nil {
		f.t.Fatalf("member %s: %v", name, err)
	}
	f.ids[name] = u.ID
	return u.ID
}

func (f *fixture) roster() {
	for _, n := range []string{"Emma", "Eli", "Eve"} {
		f.member(n, "EMEA", false)
	}
	for _, n := range []string{"Aki", "Ana"} {
		f.member(n, "APAC", false)
	}
	for _, n := range []string{"Max", "Mia", "Mo"} {
		f.member(n, "AMER", false)
	}
	f.member("Gus", "AMER", false, team.SpecialtyUSGov)
	f.member("Gia", "AMER", false, team.SpecialtyUSGov)
	f.member("Elke", "EMEA", true)
	f.member("Ari", "APAC", true)
	f.member("Mara", "AMER", true)
}

func wantRule(t *testing.T, err error, field, words string) {
	t.Helper()
	if errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("want a 422 on %s, got %v", field, err)
	}
	var de *errs.Error
	if e, ok := err.(*errs.Error); ok {
		de = e
	}
	if de == nil || !strings.Contains(strings.Join(de.Fields[field], "; "), words) {
		t.Fatalf("want %q on %s, got %v (%v)", words, field, err, de)
	}
}

func actions(t *testing.T, al *audit.Log) []string {
	t.Helper()
	es, err := al.List(context.Background(), audit.Filter{ObjectType: "oncall_schedule", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func TestSeedFillAndRulesOnBothEngines(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday in Q4
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(start) }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := d.Clock.(*clock.Fake)
		f := newFixture(t, d, clk)
		f.roster()
		if ok, err := f.st.SeedDefaults(ctx); err != nil || !ok {
			t.Fatalf("seed %v %v", ok, err)
		}
		if ok, err := f.st.SeedDefaults(ctx); err != nil || ok {
			t.Fatalf("second seed %v %v", ok, err)
		}
		scs, err := f.st.Schedules(ctx)
		if err != nil || len(scs) != 4 {
			t.Fatalf("schedules %d %v", len(scs), err)
		}
		ceoc, _ := f.st.ScheduleByKey(ctx, KeyCEOC)
		gov, _ := f.st.ScheduleByKey(ctx, KeyUSGov)
		if len(ceoc.Layers) != 7 || gov.RequiredSpecialty != team.SpecialtyUSGov {
			t.Fatalf("seeded %+v %+v", ceoc.Layers, gov)
		}
		// Before staffing, CEOC is one long gap.
		if who, err := f.st.OnCallAt(ctx, ceoc.ID, start); err != nil || len(who) != 0 {
			t.Fatalf("unstaffed: %v %v", who, err)
		}
		// Time off for Emma next week: the generator covers it.
		if _, err := f.tm.CreateTimeOff(ctx, audit.System(), team.TimeOffInput{MemberID: ptr(f.ids["Emma"]), Type: sp("vacation"),
			StartDate: sp("2026-11-09"), EndDate: sp("2026-11-13")}); err != nil {
			t.Fatal(err)
		}
		prior := map[int64]float64{}
		for _, sc := range scs {
			plan, err := f.st.FillQuarter(ctx, audit.System(), sc.ID, start, prior)
			if err != nil {
				t.Fatalf("fill %s: %v", sc.Name, err)
			}
			for _, l := range plan.Fairness.Members {
				prior[l.UserID] += l.Weighted()
			}
		}
		ceoc, _ = f.st.Schedule(ctx, ceoc.ID)
		gov, _ = f.st.Schedule(ctx, gov.ID)
		emea := []int64{f.ids["Emma"], f.ids["Eli"], f.ids["Eve"]}
		for _, l := range ceoc.Layers {
			if l.Name == "EMEA" {
				if len(l.Members) != 3 || !slices.ContainsFunc(l.Members, func(u int64) bool { return slices.Contains(emea, u) }) {
					t.Fatalf("EMEA layer %v", l.Members)
				}
				for _, u := range l.Members {
					if !slices.Contains(emea, u) {
						t.Fatalf("non-EMEA member %d on the EMEA layer", u)
					}
				}
			}
		}
		for _, l := range gov.Layers {
			for _, u := range l.Members {
				if u != f.ids["Gus"] && u != f.ids["Gia"] {
					t.Fatalf("uncleared member %d on US Government", u)
				}
			}
		}
		ams, _ := time.LoadLocation("Europe/Amsterdam")
		at := func(s string) time.Time { return local(ams, s) }
		who, err := f.st.OnCallAt(ctx, ceoc.ID, at("2026-11-04 10:00"))
		if err != nil || len(who) != 1 || !slices.Contains(emea, who[0]) {
			t.Fatalf("CEOC Wednesday 10:00: %v %v", who, err)
		}
		who, _ = f.st.OnCallAt(ctx, ceoc.ID, at("2026-11-04 03:00"))
		if len(who) != 1 || (who[0] != f.ids["Aki"] && who[0] != f.ids["Ana"]) {
			t.Fatalf("CEOC 03:00 is APAC: %v", who)
		}
		who, _ = f.st.OnCallAt(ctx, ceoc.ID, at("2026-11-11 10:00"))
		if len(who) != 1 || who[0] == f.ids["Emma"] {
			t.Fatalf("Emma on call during her vacation: %v", who)
		}
		if _, err := f.st.OnCallAt(ctx, 99999, start); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("unknown schedule: %v", err)
		}

		// US Government rule, on layers and overrides.
		_, err = f.st.SaveLayer(ctx, audit.System(), gov.ID, gov.Layers[0].ID, LayerInput{Members: &[]int64{f.ids["Gus"], f.ids["Max"]}})
		wantRule(t, err, "members", "US Government rule: Max can't be on call on US Government")
		pac, _ := time.LoadLocation("America/Los_Angeles")
		o := Override{UserID: f.ids["Eve"], Start: local(pac, "2026-11-05 05:00"), End: local(pac, "2026-11-05 11:00")}
		_, err = f.st.CreateOverride(ctx, audit.System(), gov.ID, o)
		wantRule(t, err, "user", "US Government rule: Eve can't be on call")
		cur, _ := f.st.OnCallAt(ctx, gov.ID, local(pac, "2026-11-05 06:00"))
		other := f.ids["Gus"]
		if len(cur) == 1 && cur[0] == other {
			other = f.ids["Gia"]
		}
		o.UserID = other
		ov, err := f.st.CreateOverride(ctx, audit.System(), gov.ID, o)
		if err != nil {
			t.Fatal(err)
		}
		// A second node (another Store on the same database) sees it at once.
		st2 := NewStore(d, f.al, f.tm)
		if who, _ := st2.OnCallAt(ctx, gov.ID, local(pac, "2026-11-05 06:00")); len(who) != 1 || who[0] != other {
			t.Fatalf("override not seen by a second store: %v", who)
		}
		if err := f.st.DeleteOverride(ctx, audit.System(), gov.ID, ov.ID); err != nil {
			t.Fatal(err)
		}
		if who, _ := st2.OnCallAt(ctx, gov.ID, local(pac, "2026-11-05 06:00")); !slices.Equal(who, cur) {
			t.Fatalf("after delete: %v want %v", who, cur)
		}
		if err := f.st.DeleteOverride(ctx, audit.System(), gov.ID, ov.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("second delete: %v", err)
		}

		// Time off flagged with suggestions: Eli off on a day they are on call.
		day := at("2026-11-18 10:00")
		onDay, _ := f.st.OnCallAt(ctx, ceoc.ID, day)
		victim := onDay[0]
		vm, _ := f.tm.GetMember(ctx, victim)
		date := day.In(time.UTC).Format(team.DateLayout)
		if _, err := f.tm.CreateTimeOff(ctx, audit.System(), team.TimeOffInput{MemberID: &victim, Type: sp("sick"), StartDate: &date, EndDate: &date}); err != nil {
			t.Fatal(err)
		}
		flags, err := f.st.Flags(ctx, ceoc.ID, at("2026-11-18 00:00"), at("2026-11-19 00:00"))
		if err != nil {
			t.Fatal(err)
		}
		var off *Flag
		for i := range flags {
			if flags[i].Kind == FlagTimeOff && flags[i].UserID == victim {
				off = &flags[i]
			}
		}
		if off == nil || len(off.Suggestions) == 0 || slices.Contains(off.Suggestions, victim) {
			t.Fatalf("time off of %s not flagged with suggestions: %+v", vm.Name, flags)
		}

		// Swaps: only the member on call asks; another accepts; both audited.
		w0, w1 := at("2026-11-25 10:00"), at("2026-11-25 14:00")
		holder, _ := f.st.OnCallAt(ctx, ceoc.ID, w0)
		notHolder := emea[0]
		if notHolder == holder[0] {
			notHolder = emea[1]
		}
		_, err = f.st.RequestSwap(ctx, audit.Actor{ID: notHolder, Role: "agent"}, ceoc.ID, Swap{Start: w0, End: w1})
		wantRule(t, err, "start", "Swap rule: the requester is not on call")
		sw, err := f.st.RequestSwap(ctx, audit.Actor{ID: holder[0], Role: "agent"}, ceoc.ID, Swap{Start: w0, End: w1, Note: "dentist"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.st.AcceptSwap(ctx, audit.Actor{ID: holder[0], Role: "agent"}, sw.ID)
		wantRule(t, err, "taker_id", "Swap rule: the requester can't accept")
		mine, err := f.st.ListSwaps(ctx, SwapFilter{UserID: notHolder})
		if err != nil || len(mine) != 1 {
			t.Fatalf("open swaps for a member: %v %v", mine, err)
		}
		acc, err := f.st.AcceptSwap(ctx, audit.Actor{ID: notHolder, Role: "agent"}, sw.ID)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Status != SwapAccepted || acc.OverrideID == nil {
			t.Fatalf("accepted %+v", acc)
		}
		if who, _ := f.st.OnCallAt(ctx, ceoc.ID, w0.Add(time.Hour)); len(who) != 1 || who[0] != notHolder {
			t.Fatalf("taker not on call: %v", who)
		}
		if _, err := f.st.AcceptSwap(ctx, audit.Actor{ID: notHolder, Role: "agent"}, sw.ID); err == nil {
			t.Fatal("accepted twice")
		}
		sw2, err := f.st.RequestSwap(ctx, audit.Actor{ID: holder[0], Role: "agent"}, ceoc.ID, Swap{Start: w1, End: w1.Add(time.Hour), TakerID: &notHolder})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.DecideSwap(ctx, audit.Actor{ID: holder[0], Role: "agent"}, sw2.ID, SwapDeclined); errs.KindOf(err) != errs.KindForbidden {
			t.Fatalf("requester declined: %v", err)
		}
		if d, err := f.st.DecideSwap(ctx, audit.Actor{ID: notHolder, Role: "agent"}, sw2.ID, SwapDeclined); err != nil || d.Status != SwapDeclined {
			t.Fatalf("decline %v %v", d, err)
		}
		acts := actions(t, f.al)
		for _, a := range []string{"oncall.swap.requested", "oncall.swap.accepted", "oncall.swap.declined", "oncall.override.created",
			"oncall.override.deleted", "oncall.quarter.generated", "oncall.schedule.created"} {
			if !slices.Contains(acts, a) {
				t.Errorf("no audit %s in %v", a, acts)
			}
		}

		// Fairness over the quarter: every staffed member has hours.
		qf, err := f.st.Fairness(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		if qf.Quarter != "2026-Q4" || len(qf.All.Members) < 10 || qf.All.Score <= 0 {
			t.Fatalf("fairness %+v", qf.All)
		}
		cf := qf.Schedules[ceoc.ID]
		for _, l := range cf.Members {
			if l.Hours == 0 {
				t.Errorf("CEOC member %d has no hours", l.UserID)
			}
		}

		// Calendar feeds: a token opens its feed only.
		tok, err := f.st.CreateFeed(ctx, audit.System(), ceoc.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		fd, err := f.st.FeedByToken(ctx, tok)
		if err != nil || fd.ScheduleID != ceoc.ID || fd.UserID != 0 {
			t.Fatalf("feed %+v %v", fd, err)
		}
		tok2, _ := f.st.CreateFeed(ctx, audit.System(), ceoc.ID, 0)
		if _, err := f.st.FeedByToken(ctx, tok); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("replaced token still opens: %v", err)
		}
		if _, err := f.st.FeedByToken(ctx, tok2); err != nil {
			t.Fatal(err)
		}
		shifts, err := f.st.ShiftsOf(ctx, notHolder, start, start.AddDate(0, 1, 0))
		if err != nil || len(shifts) == 0 {
			t.Fatalf("shifts %v %v", shifts, err)
		}
	})
}
