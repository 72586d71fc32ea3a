package kpi

import (
	"math"
	"sort"
)

// Dims are a bucket's filter dimensions.
type Dims struct {
	Region     string
	GroupID    int64
	AssigneeID int64
	Plan       string
	Tier       string
	BrandID    int64 // the ticket's brand: reads leave out the brands hidden from the viewer
}

// Fact is what one ticket contributes to the day buckets: its creation to
// CreatedDay, everything about its resolution to SolvedDay (-1 unsolved).
type Fact struct {
	TicketID   int64
	CreatedDay int
	SolvedDay  int
	Dims
	ResolveSecs int64     // creation to solve, excluding time waiting on others
	WaitingSecs int64     // pending + on-hold
	NewOpenSecs int64     // new + open
	Rating      int       // +1 good, -1 bad, 0 none
	SLA         [4][2]int // [all, first reply, next reply, requester wait] x [applied, achieved]
}

// Counters are the summable columns of a day bucket.
type Counters struct {
	Created, Solved, Good, Bad int64
	SLA                        [4][2]int64
	ResolveSecs                int64
}

// Add adds o times sign.
func (c *Counters) Add(o Counters, sign int64) {
	c.Created += sign * o.Created
	c.Solved += sign * o.Solved
	c.Good += sign * o.Good
	c.Bad += sign * o.Bad
	for i := range c.SLA {
		c.SLA[i][0] += sign * o.SLA[i][0]
		c.SLA[i][1] += sign * o.SLA[i][1]
	}
	c.ResolveSecs += sign * o.ResolveSecs
}

// Histogram kinds.
const (
	HistTTR   = "ttr"
	HistOpen  = "open"
	HistTotal = "total"
)

// Contribution is one bucket row a fact adds to.
type Contribution struct {
	Day  int
	Dims Dims
	C    Counters
	Hist map[string]int // kind → bucket (solved contributions only)
}

// Contributions are the bucket rows a fact adds to: its creation day and,
// when solved, its solve day.
func (f Fact) Contributions() []Contribution {
	out := []Contribution{{Day: f.CreatedDay, Dims: f.Dims, C: Counters{Created: 1}}}
	if f.SolvedDay < 0 {
		return out
	}
	c := Counters{Solved: 1, ResolveSecs: f.ResolveSecs}
	if f.Rating > 0 {
		c.Good = 1
	} else if f.Rating < 0 {
		c.Bad = 1
	}
	for i := range f.SLA {
		c.SLA[i][0], c.SLA[i][1] = int64(f.SLA[i][0]), int64(f.SLA[i][1])
	}
	out = append(out, Contribution{Day: f.SolvedDay, Dims: f.Dims, C: c, Hist: map[string]int{
		HistTTR: HistBucket(f.ResolveSecs), HistOpen: HistBucket(f.NewOpenSecs),
		HistTotal: HistBucket(f.ResolveSecs + f.WaitingSecs)}})
	return out
}

// HistBucket is a duration's histogram bucket: 8 buckets per doubling of
// minutes (about 9% wide), 0 for under a minute.
func HistBucket(secs int64) int {
	if secs < 60 {
		return 0
	}
	return 1 + int(math.Floor(8*math.Log2(float64(secs)/60)))
}

// BucketSecs is a bucket's representative duration (its geometric middle).
func BucketSecs(b int) float64 {
	if b <= 0 {
		return 30
	}
	return 60 * math.Pow(2, (float64(b-1)+0.5)/8)
}

// HistQuantile is the q-quantile of a histogram (bucket → count), in
// seconds, nil when empty; within half a bucket (about 4.5%) of the exact
// nearest-rank value.
func HistQuantile(h map[int]int64, q float64) *float64 {
	var total int64
	keys := make([]int, 0, len(h))
	for b, n := range h {
		if n > 0 {
			total += n
			keys = append(keys, b)
		}
	}
	if total == 0 {
		return nil
	}
	sort.Ints(keys)
	rank := int64(math.Ceil(q * float64(total)))
	rank = max(rank, 1)
	var seen int64
	for _, b := range keys {
		seen += h[b]
		if seen >= rank {
			return F(BucketSecs(b))
		}
	}
	return F(BucketSecs(keys[len(keys)-1]))
}

// Event is a ticket's status history entry.
type Event struct {
	At       int64 // microseconds
	ToStatus string
}

// Durations replays a ticket's status changes from creation (createdAt,
// initial status) to end (the solve time) and returns the seconds spent
// waiting on others (pending, hold) and in new+open.
func Durations(createdAt int64, initial string, events []Event, end int64) (waiting, newOpen int64) {
	status, at := initial, createdAt
	flush := func(until int64) {
		if until <= at {
			return
		}
		d := (until - at) / 1e6
		switch status {
		case "pending", "hold":
			waiting += d
		case "new", "open":
			newOpen += d
		}
		at = until
	}
	for _, e := range events {
		if e.At > end {
			break
		}
		flush(e.At)
		if e.ToStatus != "" {
			status = e.ToStatus
		}
	}
	flush(end)
	return waiting, newOpen
}

// Day is the UTC day number of a microsecond timestamp.
func Day(micros int64) int { return int(math.Floor(float64(micros) / 86400e6)) }
