package kpi

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
)

// Granularity of a period.
type Granularity string

const (
	Month Granularity = "month"
	Week  Granularity = "week"
)

// Query asks for the indicators of the period containing At and the
// trend over the Periods before it (12 by default).
type Query struct {
	Period  Granularity
	At      time.Time
	Periods int
	Filter  Filter
}

// Span is one period: [Start, End) in days.
type Span struct {
	Label      string
	Start, End int
}

// Spans are the query's periods, oldest first, the last containing At.
func (q Query) Spans() []Span {
	n := q.Periods
	if n <= 0 {
		n = 12
	}
	at := q.At.UTC()
	out := make([]Span, n)
	for i := 0; i < n; i++ {
		var s, e time.Time
		var label string
		if q.Period == Week {
			d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
			d = d.AddDate(0, 0, -((int(d.Weekday())+6)%7)-7*(n-1-i)) // Monday
			s, e = d, d.AddDate(0, 0, 7)
			y, w := s.ISOWeek()
			label = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-W" + pad2(w)
		} else {
			s = time.Date(at.Year(), at.Month()-time.Month(n-1-i), 1, 0, 0, 0, 0, time.UTC)
			e = s.AddDate(0, 1, 0)
			label = s.Format("2006-01")
		}
		out[i] = Span{Label: label, Start: int(s.Unix() / 86400), End: int(e.Unix() / 86400)}
	}
	return out
}

func pad2(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// periodData is what the rollups hold for one period.
type periodData struct {
	c    Counters
	hist map[string]map[int]int64
}

// Engineer is a roster line the team indicators read.
type Engineer struct {
	ID        int64
	Name      string
	Region    string
	ManagerID int64
	Grade     string
	Title     string
	StartDate string
	EndDate   string
}

// Roster reads the active members.
func (s *Store) Roster(ctx context.Context) ([]Engineer, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Roster"), nil, func(r db.Scanner) (*Engineer, error) {
		var e Engineer
		err := r.Scan(&e.ID, &e.Name, &e.Region, &e.ManagerID, &e.Grade, &e.Title, &e.StartDate, &e.EndDate)
		return &e, err
	})
}

// OpexSettings are the operating-expense inputs (settings key kpi.opex).
type OpexSettings struct {
	Bands        []Band  `json:"bands"`
	NonHeadcount float64 `json:"non_headcount"`
	Plan         float64 `json:"plan"`
}

// DefaultOpex prices grades 5-12 (yearly, fully loaded).
func DefaultOpex() OpexSettings {
	var bands []Band
	for g := 5; g <= 12; g++ {
		bands = append(bands, Band{Grade: itoa(g), YearlyCost: float64(90000 + (g-5)*25000)})
	}
	return OpexSettings{Bands: bands}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// Opex reads the operating-expense settings.
func (s *Store) Opex(ctx context.Context) (OpexSettings, error) {
	o := DefaultOpex()
	var raw string
	err := s.d.QueryRow(ctx, s.q.Get("GetSetting"), []any{"kpi.opex"}, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return o, nil
	}
	if err != nil {
		return o, err
	}
	return o, json.Unmarshal([]byte(raw), &o)
}

// SetOpex stores the operating-expense settings.
func (s *Store) SetOpex(ctx context.Context, o OpexSettings) error {
	b, _ := json.Marshal(o)
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("PutSetting"), "kpi.opex", string(b), tx.Now.UnixMicro())
		return err
	})
}

// read sums the rollup cells per period of q (one statement), with the
// solves per assignee in the last period.
func (s *Store) read(ctx context.Context, q Query) ([]Span, []periodData, map[int64]int, error) {
	spans := q.Spans()
	data := make([]periodData, len(spans))
	for i := range data {
		data[i].hist = map[string]map[int]int64{}
	}
	grain := GrainMonth
	if q.Period == Week {
		grain = GrainWeek
	}
	index := make(map[int]int, len(spans))
	for i, sp := range spans {
		index[periodOf(grain, sp.Start)] = i
	}
	first, last := periodOf(grain, spans[0].Start), periodOf(grain, spans[len(spans)-1].Start)
	solvedBy := map[int64]int{}
	w, args := q.Filter.where([]any{grain, first, last})
	read := "ReadCells"
	if q.Filter.Assignees == nil {
		read = "ReadCoarseCells" // every assignee's, in their own table
	}
	w2, args2 := q.Filter.where([]any{grain, last})
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get(read)+w, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var h [3][]byte
		for rows.Next() {
			var period int
			var c Counters
			if err := rows.Scan(&period, &c.Created, &c.Solved, &c.Good, &c.Bad, &c.SLA[0][0], &c.SLA[0][1], &c.SLA[1][0], &c.SLA[1][1],
				&c.SLA[2][0], &c.SLA[2][1], &c.SLA[3][0], &c.SLA[3][1], &c.ResolveSecs, &h[0], &h[1], &h[2]); err != nil {
				return err
			}
			i, ok := index[period]
			if !ok {
				continue
			}
			d := &data[i]
			d.c.Add(c, 1)
			for k, kind := range histKinds {
				if len(h[k]) == 0 {
					continue
				}
				m := d.hist[kind]
				if m == nil {
					m = map[int]int64{}
					d.hist[kind] = m
				}
				if err := DecodeHist(h[k], m); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, s.q.Get("SolvedByAssignee")+w2+" GROUP BY assignee_id", args2...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			solvedBy[id] = int(n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, nil, err
	}
	for id, n := range solvedBy {
		if n <= 0 {
			delete(solvedBy, id)
		}
	}
	return spans, data, solvedBy, nil
}

// value computes a rollup-based indicator from one period's data.
func value(name string, p periodData) *float64 {
	c := p.c
	hours := func(v *float64) *float64 {
		if v == nil {
			return nil
		}
		return F(*v / 3600)
	}
	switch name {
	case "ssat":
		return SSAT(int(c.Good), int(c.Bad))
	case "sla_achievement":
		return SLAAchievement(int(c.SLA[0][1]), int(c.SLA[0][0]))
	case "sla_first_reply_time":
		return SLAAchievement(int(c.SLA[1][1]), int(c.SLA[1][0]))
	case "sla_next_reply_time":
		return SLAAchievement(int(c.SLA[2][1]), int(c.SLA[2][0]))
	case "sla_requester_wait_time":
		return SLAAchievement(int(c.SLA[3][1]), int(c.SLA[3][0]))
	case "time_to_resolve_median":
		return hours(HistQuantile(p.hist[HistTTR], 0.5))
	case "time_to_resolve_p90":
		return hours(HistQuantile(p.hist[HistTTR], 0.9))
	case "customer_wait_time_ratio":
		o, t := HistQuantile(p.hist[HistOpen], 0.5), HistQuantile(p.hist[HistTotal], 0.5)
		if o == nil || t == nil || *t == 0 {
			return nil
		}
		return F(*o / *t)
	case "tickets_created":
		return F(float64(c.Created))
	case "tickets_solved":
		return F(float64(c.Solved))
	}
	return nil
}

// rollupNames are the indicators with a trend from the rollups.
var rollupNames = map[string]bool{"ssat": true, "sla_achievement": true, "sla_first_reply_time": true, "sla_next_reply_time": true,
	"sla_requester_wait_time": true, "time_to_resolve_median": true, "time_to_resolve_p90": true, "customer_wait_time_ratio": true}

// Overview is every indicator for q (folding dirty tickets first).
func (s *Store) Overview(ctx context.Context, q Query) ([]Indicator, []EngineerLoad, error) {
	if _, err := s.Refresh(ctx); err != nil {
		return nil, nil, err
	}
	spans, data, solvedBy, err := s.read(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	return s.overviewOf(ctx, q, spans, data, solvedBy)
}

// Page is what one indicator's page shows: its series (hasSeries false for
// an indicator without one) and every indicator's value, from ONE fold and
// ONE read of the rollups (Series and then Overview would read them twice).
func (s *Store) Page(ctx context.Context, name string, q Query) (series []Point, hasSeries bool, inds []Indicator, err error) {
	if _, err := s.Refresh(ctx); err != nil {
		return nil, false, nil, err
	}
	spans, data, solvedBy, err := s.read(ctx, q)
	if err != nil {
		return nil, false, nil, err
	}
	series, hasSeries = seriesOf(name, spans, data)
	inds, _, err = s.overviewOf(ctx, q, spans, data, solvedBy)
	return series, hasSeries, inds, err
}

// hasRollupSeries reports whether indicator name has a series from the rollups.
func hasRollupSeries(name string) bool {
	return rollupNames[name] || name == "tickets_created" || name == "tickets_solved"
}

// seriesOf is indicator name's value in each period read (false: it has no series).
func seriesOf(name string, spans []Span, data []periodData) ([]Point, bool) {
	if !hasRollupSeries(name) {
		return nil, false
	}
	out := make([]Point, len(spans))
	for i := range spans {
		out[i] = Point{Period: spans[i].Label, Value: value(name, data[i])}
	}
	return out, true
}

// overviewOf computes every indicator from rollups already read.
func (s *Store) overviewOf(ctx context.Context, q Query, spans []Span, data []periodData, solvedBy map[int64]int) ([]Indicator, []EngineerLoad, error) {
	roster, err := s.Roster(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[int64]string{}
	for _, e := range roster {
		names[e.ID] = e.Name
	}
	last := len(spans) - 1
	at := q.At.UTC()
	var out []Indicator
	var loads []EngineerLoad
	for _, d := range Catalog() {
		var ind Indicator
		switch {
		case rollupNames[d.Name]:
			trend := make([]Point, len(spans))
			for i := range spans {
				trend[i] = Point{Period: spans[i].Label, Value: value(d.Name, data[i])}
			}
			ind = d.Make(trend[last].Value, trend)
		case d.Name == "tickets_per_engineer":
			var mean *float64
			mean, loads = PerEngineer(solvedBy, names, 0.85)
			ind = d.Make(mean, nil)
		case d.Name == "deflection":
			var v *float64
			if s.Deflection != nil {
				v = Deflection(s.Deflection.Deflected(at.Year(), int(at.Month())), int(data[last].c.Created))
			}
			ind = d.Make(v, nil)
			if s.Deflection == nil {
				ind.Detail = "not available until the knowledge base reports self-service resolutions"
			}
		case d.Name == "kb_deflection_rate":
			var v *float64
			if s.Deflection != nil {
				if r, ok := s.Deflection.DeflectionRate(at.Year(), int(at.Month())); ok {
					v = F(r)
				}
			}
			ind = d.Make(v, nil)
			if s.Deflection == nil {
				ind.Detail = "not available until the knowledge base reports deflection events"
			}
		case d.Name == "ic_manager_ratio" || d.Name == "headcount":
			ics, mgrs := teamCounts(roster, q.Filter)
			if d.Name == "headcount" {
				ind = d.Make(F(float64(ics+mgrs)), nil)
			} else {
				ind = d.Make(ICManagerRatio(ics, mgrs), nil)
			}
		case d.Name == "opex_share_of_revenue" || d.Name == "opex_vs_plan":
			o, err := s.opex(ctx, roster)
			if err != nil {
				return nil, nil, err
			}
			v := o.ShareRevenue
			if d.Name == "opex_vs_plan" {
				v = o.VsPlan
			}
			ind = d.Make(v, nil)
		case d.Name == "hiring_vs_plan" || d.Name == "time_to_fill":
			var v *float64
			if s.Hiring != nil {
				if d.Name == "hiring_vs_plan" {
					if a, p, ok := s.Hiring.HiringActualVsPlan(at.Year(), int(at.Month())); ok {
						v = Ratio(float64(a), float64(p))
					}
				} else if days, ok := s.Hiring.TimeToFillDays(at.Year(), int(at.Month())); ok {
					v = F(days)
				}
			}
			ind = d.Make(v, nil)
			if s.Hiring == nil {
				ind.Detail = "not available until the hiring module is installed"
			}
		default:
			continue
		}
		out = append(out, ind)
	}
	return out, loads, nil
}

// teamCounts counts individual contributors and managers (members with
// reports) within the filter's region or team.
func teamCounts(roster []Engineer, f Filter) (ics, mgrs int) {
	hasReports := map[int64]bool{}
	for _, e := range roster {
		if e.ManagerID != 0 {
			hasReports[e.ManagerID] = true
		}
	}
	in := map[int64]bool{}
	for _, id := range f.Assignees {
		in[id] = true
	}
	for _, e := range roster {
		if f.Region != "" && e.Region != f.Region {
			continue
		}
		if f.Assignees != nil && !in[e.ID] {
			continue
		}
		if hasReports[e.ID] {
			mgrs++
		} else {
			ics++
		}
	}
	return ics, mgrs
}

func (s *Store) opex(ctx context.Context, roster []Engineer) (Opex, error) {
	set, err := s.Opex(ctx)
	if err != nil {
		return Opex{}, err
	}
	var revenue int64
	if err := s.d.QueryRow(ctx, s.q.Get("Revenue"), nil, &revenue); err != nil {
		return Opex{}, err
	}
	grades := map[string]int{}
	for _, e := range roster {
		grades[e.Grade]++
	}
	return OperatingExpenses(grades, set.Bands, set.NonHeadcount, set.Plan, float64(revenue)), nil
}

// Series is one indicator's trend for q (nil ok false for an unknown or
// roster-only indicator).
func (s *Store) Series(ctx context.Context, name string, q Query) ([]Point, bool, error) {
	if !hasRollupSeries(name) {
		return nil, false, nil
	}
	if _, err := s.Refresh(ctx); err != nil {
		return nil, true, err
	}
	spans, data, _, err := s.read(ctx, q)
	if err != nil {
		return nil, true, err
	}
	out, _ := seriesOf(name, spans, data)
	return out, true, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// TicketRow is one ticket behind a number (the drill-down).
type TicketRow struct {
	ID          int64
	Subject     string
	ResolveSecs int64
	Rating      int
	SLAApplied  int
	SLAAchieved int
}

// Tickets lists up to limit tickets solved in span under the filter,
// the latest solved first (the tickets behind an indicator's value).
func (s *Store) Tickets(ctx context.Context, sp Span, f Filter, limit int) ([]TicketRow, error) {
	w, args := f.where([]any{sp.Start, sp.End})
	w = strings.NewReplacer(" region ", " f.region ", " group_id ", " f.group_id ", " plan ", " f.plan ", " tier ", " f.tier ", " assignee_id ", " f.assignee_id ", " brand_id ", " f.brand_id ").Replace(w)
	q := s.q.Get("SolvedTickets") + w + " ORDER BY f.solved_day DESC, f.ticket_id DESC LIMIT " + strconv.Itoa(limit)
	return db.ReadList(ctx, s.d, q, args, func(r db.Scanner) (*TicketRow, error) {
		var t TicketRow
		return &t, r.Scan(&t.ID, &t.Subject, &t.ResolveSecs, &t.Rating, &t.SLAApplied, &t.SLAAchieved)
	})
}
