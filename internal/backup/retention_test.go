package backup

import (
	"slices"
	"testing"
	"time"
)

func TestRetentionKeepsDailyAndWeekly(t *testing.T) {
	// Backups at 02:00 every day for 40 days ending Friday 2026-12-04, plus
	// a second one on the last day at 14:00.
	end := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	var taken []time.Time
	for d := 39; d >= 0; d-- {
		taken = append(taken, end.AddDate(0, 0, -d))
	}
	taken = append(taken, end.Add(12*time.Hour))
	drop := Retention{Daily: 7, Weekly: 4}.Prune(taken, time.UTC)
	kept := map[string]bool{}
	dropped := map[int]bool{}
	for _, i := range drop {
		dropped[i] = true
	}
	for i, tm := range taken {
		if !dropped[i] {
			kept[tm.Format("2006-01-02 15")] = true
		}
	}
	// Daily: Dec 4 (the 14:00 one, the newest of the day), Dec 3, 2, 1, Nov 30, 29, 28.
	// Weekly (ISO weeks, newest of each): week of Nov 30 -> Dec 4 14:00 (already kept),
	// week of Nov 23 -> Nov 29, week of Nov 16 -> Nov 22, week of Nov 9 -> Nov 15.
	want := []string{"2026-12-04 14", "2026-12-03 02", "2026-12-02 02", "2026-12-01 02", "2026-11-30 02",
		"2026-11-29 02", "2026-11-28 02", "2026-11-22 02", "2026-11-15 02"}
	var got []string
	for k := range kept {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v\nwant %v", got, want)
	}
	if len(drop) != len(taken)-len(want) {
		t.Fatalf("dropped %d of %d", len(drop), len(taken))
	}
	// Oldest first.
	for i := 1; i < len(drop); i++ {
		if taken[drop[i]].Before(taken[drop[i-1]]) {
			t.Fatalf("drop order not oldest first: %v", drop)
		}
	}
}

func TestRetentionAlwaysKeepsTheNewest(t *testing.T) {
	now := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	if drop := (Retention{}).Prune([]time.Time{now.Add(-time.Hour), now}, time.UTC); !slices.Equal(drop, []int{0}) {
		t.Fatalf("drop %v, want [0]", drop)
	}
	if drop := (Retention{Daily: 3}).Prune(nil, time.UTC); len(drop) != 0 {
		t.Fatal(drop)
	}
}
