package kpi

import (
	"math"
	"testing"
)

func near(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil, want %v", what, want)
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Fatalf("%s = %v, want %v", what, *got, want)
	}
}

func TestSSATHandWorked(t *testing.T) {
	// 19 good, 1 bad: 19/20 = 95% — exactly on target, green.
	v := SSAT(19, 1)
	near(t, "ssat", v, 0.95)
	if s := StatusOf(v, F(0.95), AtLeast, 0); s != Green {
		t.Fatalf("95%% vs >=95%% = %s", s)
	}
	// 18 good, 2 bad = 90%: red.
	if s := StatusOf(SSAT(18, 2), F(0.95), AtLeast, 0); s != Red {
		t.Fatalf("90%% = %s", s)
	}
	if SSAT(0, 0) != nil || StatusOf(SSAT(0, 0), F(0.95), AtLeast, 0) != NotAvailable {
		t.Fatal("no ratings must be not available")
	}
}

func TestSLAAchievement(t *testing.T) {
	near(t, "sla", SLAAchievement(47, 50), 0.94)
	if SLAAchievement(0, 0) != nil {
		t.Fatal("no SLA cycles must be nil")
	}
}

func TestQuantileLinear(t *testing.T) {
	xs := []float64{10, 1, 4, 7} // sorted 1 4 7 10
	near(t, "median", Quantile(xs, 0.5), 5.5)
	// p90: pos 0.9*3 = 2.7 → 7 + 0.7*3 = 9.1
	near(t, "p90", Quantile(xs, 0.9), 9.1)
	if xs[0] != 10 {
		t.Fatal("Quantile sorted its input")
	}
}

func TestTimeToResolveExcludesWaiting(t *testing.T) {
	h := int64(3600)
	rs := []Resolution{
		{Total: 10 * h, Waiting: 4 * h, NewOpen: 2 * h},  // 6 h
		{Total: 3 * h, Waiting: 0, NewOpen: 3 * h},       // 3 h
		{Total: 30 * h, Waiting: 20 * h, NewOpen: 5 * h}, // 10 h
	}
	med, p90 := TimeToResolve(rs)
	near(t, "median", med, 6)
	near(t, "p90", p90, 6+0.8*4) // pos 1.8: 6 + 0.8*(10-6)
	// wait ratio: median new+open 3 h / median total 10 h = 0.3 — green at <= 35%.
	r := WaitTimeRatio(rs)
	near(t, "wait ratio", r, 0.3)
	if StatusOf(r, F(0.35), AtMost, 0) != Green {
		t.Fatal("30% wait ratio must be green")
	}
	if WaitTimeRatio(nil) != nil {
		t.Fatal("no tickets: nil")
	}
}

func TestPerEngineerBaseline(t *testing.T) {
	// 40, 30, 20, 10 → mean 25, baseline 21.25: 20 and 10 below.
	mean, loads := PerEngineer(map[int64]int{1: 40, 2: 30, 3: 20, 4: 10}, nil, 0.85)
	near(t, "mean", mean, 25)
	below := 0
	for _, l := range loads {
		if l.Baseline != 21.25 {
			t.Fatalf("baseline %v", l.Baseline)
		}
		if l.Below {
			below++
			if l.Solved > 20 {
				t.Fatalf("%d marked below", l.Solved)
			}
		}
	}
	if below != 2 || loads[0].Solved != 40 {
		t.Fatalf("below %d, first %+v", below, loads[0])
	}
	if m, _ := PerEngineer(nil, nil, 0.85); m != nil {
		t.Fatal("no engineers: nil")
	}
}

func TestDeflectionZeroSafe(t *testing.T) {
	if Deflection(0, 100) != nil {
		t.Fatal("no KB data must be not available")
	}
	near(t, "deflection", Deflection(25, 75), 0.25)
}

func TestICManagerRatio(t *testing.T) {
	r := ICManagerRatio(22, 2)
	near(t, "ratio", r, 11)
	if StatusOf(r, F(10), AtMost, 0) != Red {
		t.Fatal("11:1 must be red against 10:1")
	}
	if ICManagerRatio(5, 0) != nil {
		t.Fatal("no managers: nil")
	}
}

func TestOperatingExpenses(t *testing.T) {
	// 3 x P3 at 150k + 1 x M1 at 200k = 650k; +50k tools = 700k.
	// Plan 680k: +2.94% within 5%. Revenue 10M: 7%.
	o := OperatingExpenses(map[string]int{"P3": 3, "M1": 1, "X9": 2},
		[]Band{{"P3", 150000}, {"M1", 200000}}, 50000, 680000, 10_000_000)
	if o.Headcount != 650000 || o.Total != 700000 || o.Unbanded != 2 {
		t.Fatalf("%+v", o)
	}
	near(t, "vs plan", o.VsPlan, 20000.0/680000)
	near(t, "share", o.ShareRevenue, 0.07)
	if StatusOf(o.VsPlan, F(0), Within, 0.05) != Green {
		t.Fatal("+2.9% within 5% must be green")
	}
	if StatusOf(F(-0.06), F(0), Within, 0.05) != Red {
		t.Fatal("-6% must be red")
	}
	if z := OperatingExpenses(nil, nil, 0, 0, 0); z.VsPlan != nil || z.ShareRevenue != nil {
		t.Fatal("no plan/revenue must be nil")
	}
}

func TestSlope(t *testing.T) {
	ps := []Point{{"a", F(1)}, {"b", nil}, {"c", F(3)}, {"d", F(4)}}
	// x = 0,2,3 y = 1,3,4: slope = 1
	near(t, "slope", Slope(ps), 1)
	if Slope([]Point{{"a", F(1)}}) != nil {
		t.Fatal("one point: nil")
	}
}

func TestCatalogTargets(t *testing.T) {
	for _, name := range []string{"ssat", "sla_achievement", "time_to_resolve_median", "ic_manager_ratio", "customer_wait_time_ratio"} {
		if _, ok := DefOf(name); !ok {
			t.Fatalf("%s missing", name)
		}
	}
	d, _ := DefOf("ssat")
	i := d.Make(F(0.97), nil)
	if i.Status != Green || i.Trend == nil {
		t.Fatalf("%+v", i)
	}
}

func TestDurationsReplay(t *testing.T) {
	h := int64(3600e6)
	// new 0-1h, open 1-3h, pending 3-10h, open 10-11h, solved at 11h.
	ev := []Event{{1 * h, "open"}, {3 * h, "pending"}, {10 * h, "open"}, {11 * h, "solved"}, {20 * h, "open"}}
	w, no := Durations(0, "new", ev, 11*h)
	if w != 7*3600 || no != 4*3600 {
		t.Fatalf("waiting %d new+open %d", w, no)
	}
}

func TestHistQuantile(t *testing.T) {
	h := map[int]int64{}
	for _, s := range []int64{3600, 7200, 36000} {
		h[HistBucket(s)]++
	}
	m := HistQuantile(h, 0.5)
	if m == nil || math.Abs(*m-7200)/7200 > 0.05 {
		t.Fatalf("median %v", m)
	}
	if HistQuantile(map[int]int64{}, 0.5) != nil {
		t.Fatal("empty: nil")
	}
	if HistBucket(59) != 0 || HistBucket(60) != 1 || HistBucket(120) != 9 {
		t.Fatal("buckets")
	}
}

func TestFactContributions(t *testing.T) {
	f := Fact{TicketID: 1, CreatedDay: 10, SolvedDay: 12, Rating: -1, ResolveSecs: 100}
	f.SLA[0] = [2]int{2, 1}
	cs := f.Contributions()
	if len(cs) != 2 || cs[0].C.Created != 1 || cs[1].C.Bad != 1 || cs[1].C.SLA[0] != [2]int64{2, 1} {
		t.Fatalf("%+v", cs)
	}
	if len((Fact{SolvedDay: -1}).Contributions()) != 1 {
		t.Fatal("unsolved: one contribution")
	}
}
