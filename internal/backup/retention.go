package backup

import (
	"fmt"
	"sort"
	"time"
)

// Retention says which scheduled backups are kept: the newest backup of
// each of the last Daily days that have one, and the newest of each of the
// last Weekly ISO weeks that have one (grandfather-father-son without the
// grandfather). The newest backup is always kept.
type Retention struct {
	Daily, Weekly int
}

// Prune returns the indexes of the backups (by the time each was taken) that
// the retention no longer keeps, oldest first. Days and weeks are counted
// in loc.
func (r Retention) Prune(taken []time.Time, loc *time.Location) []int {
	idx := make([]int, len(taken))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return taken[idx[a]].After(taken[idx[b]]) }) // newest first
	keep := map[int]bool{}
	if len(idx) > 0 {
		keep[idx[0]] = true
	}
	days, weeks := map[string]bool{}, map[string]bool{}
	for _, i := range idx {
		t := taken[i].In(loc)
		day := t.Format("2006-01-02")
		if !days[day] && len(days) < r.Daily {
			days[day] = true
			keep[i] = true
		}
		y, w := t.ISOWeek()
		week := fmt.Sprintf("%d-%02d", y, w)
		if !weeks[week] && len(weeks) < r.Weekly {
			weeks[week] = true
			keep[i] = true
		}
	}
	var drop []int
	for j := len(idx) - 1; j >= 0; j-- {
		if !keep[idx[j]] {
			drop = append(drop, idx[j])
		}
	}
	return drop
}
