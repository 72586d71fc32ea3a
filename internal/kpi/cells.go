package kpi

import (
	"encoding/binary"
	"fmt"
	"sort"
	"time"
)

// Grains of the rollup cells.
const (
	GrainWeek  = 0
	GrainMonth = 1
)

// WeekOf is the ISO week (Monday-based) of a UTC day number, counted from
// the week of 1969-12-29.
func WeekOf(day int) int {
	d := day + 3
	if d < 0 {
		return -((-d + 6) / 7)
	}
	return d / 7
}

// MonthOf is the calendar month of a UTC day number, as year*12 + month-1.
func MonthOf(day int) int {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// periodOf is the period of day at grain g.
func periodOf(g, day int) int {
	if g == GrainWeek {
		return WeekOf(day)
	}
	return MonthOf(day)
}

// CellKey identifies a rollup cell.
type CellKey struct {
	Grain, Period int
	Dims
}

func (k CellKey) String() string {
	return fmt.Sprintf("%d|%d|%s|%d|%d|%s|%s|%d", k.Grain, k.Period, k.Region, k.GroupID, k.AssigneeID, k.Plan, k.Tier, k.BrandID)
}

// Cell is one rollup cell's content: counters and the three duration
// histograms (bucket → count).
type Cell struct {
	C    Counters
	Hist [3]map[int]int64 // HistTTR, HistOpen, HistTotal
}

var histKinds = [3]string{HistTTR, HistOpen, HistTotal}

// empty reports whether the cell holds nothing (it is then deleted).
func (c *Cell) empty() bool {
	if c.C != (Counters{}) {
		return false
	}
	for _, h := range c.Hist {
		for _, n := range h {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// add adds a contribution times sign.
func (c *Cell) add(k Contribution, sign int64) {
	c.C.Add(k.C, sign)
	for i, kind := range histKinds {
		b, ok := k.Hist[kind]
		if !ok {
			continue
		}
		if c.Hist[i] == nil {
			c.Hist[i] = map[int]int64{}
		}
		c.Hist[i][b] += sign
		if c.Hist[i][b] == 0 {
			delete(c.Hist[i], b)
		}
	}
}

// merge adds o's content.
func (c *Cell) merge(o *Cell) {
	c.C.Add(o.C, 1)
	for i := range o.Hist {
		for b, n := range o.Hist[i] {
			if c.Hist[i] == nil {
				c.Hist[i] = map[int]int64{}
			}
			c.Hist[i][b] += n
		}
	}
}

// AnyAssignee is the assignee of the coarse cells, which sum every
// assignee's (reads without an assignee filter take only those).
const AnyAssignee = -1

// cellsOf adds what a fact contributes to every grain's cells, times sign:
// the cell of its dimensions and the coarse cell without its assignee.
func cellsOf(f Fact, sign int64, into map[CellKey]*Cell) {
	for _, k := range f.Contributions() {
		for g := GrainWeek; g <= GrainMonth; g++ {
			for _, asg := range [2]int64{k.Dims.AssigneeID, AnyAssignee} {
				key := CellKey{Grain: g, Period: periodOf(g, k.Day), Dims: k.Dims}
				key.AssigneeID = asg
				c := into[key]
				if c == nil {
					c = &Cell{}
					into[key] = c
				}
				c.add(k, sign)
			}
		}
	}
}

// EncodeHist is a histogram's stored form: its non-zero buckets in order,
// each as the varint gap from the previous bucket and the varint count
// (nil when empty). Counts are never negative in a stored cell.
func EncodeHist(h map[int]int64) []byte {
	keys := make([]int, 0, len(h))
	for b, n := range h {
		if n != 0 {
			keys = append(keys, b)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Ints(keys)
	out := make([]byte, 0, len(keys)*3)
	prev := 0
	for _, b := range keys {
		out = binary.AppendVarint(out, int64(b-prev))
		out = binary.AppendVarint(out, h[b])
		prev = b
	}
	return out
}

// DecodeHist adds a stored histogram into h.
func DecodeHist(p []byte, h map[int]int64) error {
	b := 0
	for len(p) > 0 {
		gap, n := binary.Varint(p)
		if n <= 0 {
			return fmt.Errorf("kpi: damaged histogram")
		}
		p = p[n:]
		cnt, m := binary.Varint(p)
		if m <= 0 {
			return fmt.Errorf("kpi: damaged histogram")
		}
		p = p[m:]
		b += int(gap)
		h[b] += cnt
	}
	return nil
}
