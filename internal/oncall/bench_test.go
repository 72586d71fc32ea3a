package oncall

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// benchSchedules builds n schedules of 3 layers each (a weekly 24x7 base,
// a daily weekday 09-17 layer, an hourly 12-hour weekend layer, in zones
// around the world) and overrides spread over a month around base.
func benchSchedules(n, overrides int, users []int64, base time.Time) []Schedule {
	zones := []string{"Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "America/Los_Angeles", "Europe/Amsterdam"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(k int) []int64 {
		out := make([]int64, k)
		for i := range out {
			out[i] = users[rng.IntN(len(users))]
		}
		return out
	}
	var out []Schedule
	for i := 0; i < n; i++ {
		tz := zones[i%len(zones)]
		out = append(out, Schedule{ID: int64(i + 1), Key: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("Schedule %d", i), TZ: tz, Layers: []Layer{
			{ID: int64(i*3 + 1), Name: "base", Position: 1, TZ: tz, TurnUnit: TurnWeekly, TurnCount: 1, StartDate: "2026-01-05", HandoffTime: "09:00", Members: pick(6)},
			{ID: int64(i*3 + 2), Name: "weekdays", Position: 2, TZ: tz, TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-01-05", HandoffTime: "09:00",
				Restrictions: []Restriction{{Weekdays: weekdays, Start: "09:00", End: "17:00"}}, Members: pick(5)},
			{ID: int64(i*3 + 3), Name: "weekends", Position: 3, TZ: tz, TurnUnit: TurnHourly, TurnCount: 12, StartDate: "2026-01-03", HandoffTime: "08:00",
				Restrictions: []Restriction{{Weekdays: weekend, Start: "08:00", End: "20:00"}}, Members: pick(4)},
		}})
	}
	for k := 0; k < overrides; k++ {
		sc := &out[k%n]
		st := base.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
		sc.Overrides = append(sc.Overrides, Override{ID: int64(k + 1), ScheduleID: sc.ID, UserID: users[rng.IntN(len(users))],
			Start: st, End: st.Add(time.Duration(1+rng.IntN(12)) * time.Hour)})
	}
	for i := range out {
		if err := out[i].Prepare(); err != nil {
			panic(err)
		}
	}
	return out
}

// timer measures each iteration's wall time.
type timer struct {
	wall []time.Duration
	w0   time.Time
}

func newTimer(b *testing.B) *timer { return &timer{wall: make([]time.Duration, 0, b.N)} }

func (t *timer) start() { t.w0 = time.Now() }

func (t *timer) stop() { t.wall = append(t.wall, time.Since(t.w0)) }

// report gives the 50th and 99th percentiles (wall clock: on a shared
// machine they include waiting for a core).
func (t *timer) report(b *testing.B) {
	slices.Sort(t.wall)
	if n := len(t.wall); n > 0 {
		b.ReportMetric(float64(t.wall[n/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(t.wall[n*99/100].Nanoseconds()), "p99-ns")
	}
}

var benchBase = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkWhoIsOnCall answers "who is on call at T" on 50 schedules of 3
// layers with 1,000 overrides (one op = all 50 schedules). Target: p99 <=
// 1 ms.
func BenchmarkWhoIsOnCall(b *testing.B) {
	users := make([]int64, 40)
	for i := range users {
		users[i] = int64(i + 1)
	}
	scs := benchSchedules(50, 1000, users, benchBase)
	rng := rand.New(rand.NewPCG(3, 4))
	tm := newTimer(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := benchBase.Add(time.Duration(rng.IntN(30*24*60)) * time.Minute)
		tm.start()
		n := 0
		for j := range scs {
			n += len(Resolve(scs[j], t))
		}
		tm.stop()
		if n == 0 {
			b.Fatal("nobody on call")
		}
	}
	tm.report(b)
}

// BenchmarkMonthFinalSchedule renders one schedule (3 layers, 20
// overrides) for a month. Target: <= 20 ms.
func BenchmarkMonthFinalSchedule(b *testing.B) {
	users := []int64{1, 2, 3, 4, 5, 6, 7, 8}
	scs := benchSchedules(50, 1000, users, benchBase)
	from, to := benchBase, benchBase.AddDate(0, 1, 0)
	tm := newTimer(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tm.start()
		segs := Render(scs[i%len(scs)], from, to)
		tm.stop()
		if len(segs) < 30 {
			b.Fatalf("only %d segments", len(segs))
		}
	}
	tm.report(b)
}

// BenchmarkStoreOnCallAll is the same question through the store on
// SQLite: one read of the configuration version, the cached prepared
// schedules, 50 answers.
func BenchmarkStoreOnCallAll(b *testing.B) {
	e := dbtest.Engines()[0]
	d := dbtest.Open(b, e, nil)
	ctx := context.Background()
	al := audit.New(d)
	ppl := people.NewStore(d, al)
	var users []int64
	for i := 0; i < 40; i++ {
		name, email, role := fmt.Sprintf("Engineer %d", i), fmt.Sprintf("e%d@bench.test", i), people.RoleAgent
		u, err := ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			b.Fatal(err)
		}
		users = append(users, u.ID)
	}
	st := NewStore(d, al, team.NewStore(d, al, team.Options{}))
	scs := benchSchedules(50, 1000, users, benchBase)
	err := d.Write(ctx, func(tx *db.Tx) error {
		for _, sc := range scs {
			id, err := st.insertSchedule(ctx, tx, audit.System(), sc)
			if err != nil {
				return err
			}
			for _, o := range sc.Overrides {
				o.ScheduleID = id
				if err := st.insertOverride(ctx, tx, audit.System(), &o); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.OnCallAll(ctx, benchBase); err != nil { // warm the cache
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	tm := newTimer(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := benchBase.Add(time.Duration(rng.IntN(30*24*60)) * time.Minute)
		tm.start()
		all, err := st.OnCallAll(ctx, t)
		tm.stop()
		if err != nil || len(all) != 50 {
			b.Fatal(len(all), err)
		}
	}
	tm.report(b)
}
