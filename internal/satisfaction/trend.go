package satisfaction

// The satisfaction trend: good and bad ratings per week (ISO weeks,
// Monday to Sunday in UTC) over the last weeks, and per agent and per
// group over the same window, each with its share of good ratings. The
// ratings are read once with the list's filter (the viewer's partition
// included) and bucketed here.

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/frontline/frontline/internal/db"
)

// Bucket counts the ratings of one week, agent or group.
type Bucket struct {
	Key  string    `json:"key"`           // "2026-W49" for a week
	ID   int64     `json:"id,omitempty"`  // the agent or group (0: none)
	From time.Time `json:"from,omitzero"` // a week's Monday
	Good int       `json:"good"`
	Bad  int       `json:"bad"`
}

// Total is how many ratings the bucket holds.
func (b Bucket) Total() int { return b.Good + b.Bad }

// GoodPct is the share of good ratings in percent, or -1 without ratings.
func (b Bucket) GoodPct() float64 {
	if b.Total() == 0 {
		return -1
	}
	return 100 * float64(b.Good) / float64(b.Total())
}

// Trend is the ratings of a window by week, agent and group.
type Trend struct {
	Weeks  []Bucket `json:"weeks"`  // oldest first, every week of the window
	Agents []Bucket `json:"agents"` // most ratings first
	Groups []Bucket `json:"groups"`
}

// monday is the start (UTC) of the ISO week holding t.
func monday(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// TrendOf reads the ratings of the weeks weeks up to now (this week
// included) that match f (its Since and Until are replaced by the window)
// and buckets them.
func (s *Store) TrendOf(ctx context.Context, f Filter, weeks int, now time.Time) (*Trend, error) {
	if weeks <= 0 {
		weeks = 12
	}
	first := monday(now).AddDate(0, 0, -7*(weeks-1))
	f.Since, f.Until = first, monday(now).AddDate(0, 0, 7)
	args, err := f.args()
	if err != nil {
		return nil, err
	}
	tr := &Trend{}
	for i := 0; i < weeks; i++ {
		from := first.AddDate(0, 0, 7*i)
		y, w := from.ISOWeek()
		tr.Weeks = append(tr.Weeks, Bucket{Key: isoKey(y, w), From: from})
	}
	agents, groups := map[int64]*Bucket{}, map[int64]*Bucket{}
	add := func(b *Bucket, good bool) {
		if good {
			b.Good++
		} else {
			b.Bad++
		}
	}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, partitioned(s.q.Get("RatingFacts")), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var score string
			var assignee, group sql.NullInt64
			var at time.Time
			if err := rows.Scan(&score, &assignee, &group, db.Time(&at)); err != nil {
				return err
			}
			good := score == Good
			if i := int(monday(at).Sub(first) / (7 * 24 * time.Hour)); i >= 0 && i < len(tr.Weeks) {
				add(&tr.Weeks[i], good)
			}
			for _, m := range []struct {
				by map[int64]*Bucket
				id sql.NullInt64
			}{{agents, assignee}, {groups, group}} {
				b := m.by[m.id.Int64]
				if b == nil {
					b = &Bucket{ID: m.id.Int64}
					m.by[m.id.Int64] = b
				}
				add(b, good)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	list := func(by map[int64]*Bucket) []Bucket {
		out := make([]Bucket, 0, len(by))
		for _, b := range by {
			out = append(out, *b)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Total() != out[j].Total() {
				return out[i].Total() > out[j].Total()
			}
			return out[i].ID < out[j].ID
		})
		return out
	}
	tr.Agents, tr.Groups = list(agents), list(groups)
	return tr, nil
}

func isoKey(y, w int) string { return fmt.Sprintf("%d-W%02d", y, w) }
