package kpi

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/db"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps the rollups and answers the indicators from them.
type Store struct {
	d *db.DB
	q *db.Queries
	// mu serialises this node's folding of dirty tickets (the database
	// serialises nodes: a dirty row is taken by the DELETE that removes it).
	mu sync.Mutex
	// Hiring and Deflection are the hiring (issue 17) and knowledge-base
	// (issue 20) sources; nil until those modules are wired.
	Hiring     Hiring
	Deflection Deflections
	Vacancies  VacancySink
}

// NewStore returns the KPI store of d.
func NewStore(d *db.DB) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
}

// Refresh folds every dirty ticket into the rollups, in batches of batch
// tickets per transaction; it returns how many it folded.
func (s *Store) Refresh(ctx context.Context) (int, error) {
	var pending int
	if err := s.d.QueryRow(ctx, s.q.Get("AnyDirty"), nil, &pending); err != nil || pending == 0 {
		return 0, err // nothing to fold: no write transaction
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for {
		n := 0
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			ids, err := s.takeDirty(ctx, tx, 500)
			if err != nil {
				return err
			}
			n = len(ids)
			for _, id := range ids {
				if err := s.fold(ctx, tx, id); err != nil {
					return fmt.Errorf("kpi: fold ticket %d: %w", id, err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < 500 {
			return total, nil
		}
	}
}

func (s *Store) takeDirty(ctx context.Context, tx *db.Tx, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("TakeDirty"), limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	taken := ids[:0]
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteDirty"), id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n > 0 { // another node took it
			taken = append(taken, id)
		}
	}
	return taken, nil
}

// fold replaces ticket id's old fact by its current one in the buckets.
func (s *Store) fold(ctx context.Context, tx *db.Tx, id int64) error {
	old, err := s.getFact(ctx, tx, id)
	if err != nil {
		return err
	}
	cur, err := s.ComputeFact(ctx, tx, id)
	if err != nil {
		return err
	}
	if old != nil {
		if cur != nil && *old == *cur {
			return nil
		}
		if err := s.apply(ctx, tx, *old, -1); err != nil {
			return err
		}
	}
	if cur == nil {
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteFact"), id)
		return err
	}
	if err := s.apply(ctx, tx, *cur, 1); err != nil {
		return err
	}
	f := cur
	_, err = tx.ExecContext(ctx, s.q.Get("PutFact"), f.TicketID, f.CreatedDay, f.SolvedDay, f.Region, f.GroupID, f.AssigneeID,
		f.Plan, f.Tier, f.ResolveSecs, f.WaitingSecs, f.NewOpenSecs, f.Rating, f.SLA[0][0], f.SLA[0][1], f.SLA[1][0], f.SLA[1][1],
		f.SLA[2][0], f.SLA[2][1], f.SLA[3][0], f.SLA[3][1])
	return err
}

func (s *Store) apply(ctx context.Context, tx *db.Tx, f Fact, sign int64) error {
	for _, c := range f.Contributions() {
		k := c.C
		_, err := tx.ExecContext(ctx, s.q.Get("AddDaily"), c.Day, c.Dims.Region, c.Dims.GroupID, c.Dims.AssigneeID, c.Dims.Plan, c.Dims.Tier,
			sign*k.Created, sign*k.Solved, sign*k.Good, sign*k.Bad, sign*k.SLA[0][0], sign*k.SLA[0][1], sign*k.SLA[1][0], sign*k.SLA[1][1],
			sign*k.SLA[2][0], sign*k.SLA[2][1], sign*k.SLA[3][0], sign*k.SLA[3][1], sign*k.ResolveSecs)
		if err != nil {
			return err
		}
		for _, kind := range []string{HistTTR, HistOpen, HistTotal} {
			b, ok := c.Hist[kind]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("AddHist"), c.Day, c.Dims.Region, c.Dims.GroupID, c.Dims.AssigneeID,
				c.Dims.Plan, c.Dims.Tier, kind, b, sign); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanFact(sc interface{ Scan(...any) error }) (Fact, error) {
	var f Fact
	err := sc.Scan(&f.TicketID, &f.CreatedDay, &f.SolvedDay, &f.Region, &f.GroupID, &f.AssigneeID, &f.Plan, &f.Tier,
		&f.ResolveSecs, &f.WaitingSecs, &f.NewOpenSecs, &f.Rating, &f.SLA[0][0], &f.SLA[0][1], &f.SLA[1][0], &f.SLA[1][1],
		&f.SLA[2][0], &f.SLA[2][1], &f.SLA[3][0], &f.SLA[3][1])
	return f, err
}

func (s *Store) getFact(ctx context.Context, tx *db.Tx, id int64) (*Fact, error) {
	f, err := scanFact(tx.QueryRowContext(ctx, s.q.Get("GetFact"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// slaIndex maps an SLA metric to its Fact.SLA row (0 is every metric).
func slaIndex(metric string) int {
	switch metric {
	case "first_reply_time":
		return 1
	case "next_reply_time":
		return 2
	case "requester_wait_time":
		return 3
	}
	return -1
}

// ComputeFact reads ticket id's sources and returns its fact (nil when the
// ticket is gone).
func (s *Store) ComputeFact(ctx context.Context, tx *db.Tx, id int64) (*Fact, error) {
	var status string
	var created int64
	var solved sql.NullInt64
	f := Fact{TicketID: id}
	err := tx.QueryRowContext(ctx, s.q.Get("SourceTicket"), id).Scan(&status, &created, &solved, &f.GroupID, &f.AssigneeID,
		&f.Region, &f.Plan, &f.Tier, &f.Rating)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f.CreatedDay, f.SolvedDay = Day(created), -1
	isSolved := (status == "solved" || status == "closed") && solved.Valid
	if !isSolved {
		f.Rating = 0
		return &f, nil
	}
	f.SolvedDay = Day(solved.Int64)
	rows, err := tx.QueryContext(ctx, s.q.Get("SourceAchievements"), id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var metric string
		var ok bool
		if err := rows.Scan(&metric, &ok); err != nil {
			rows.Close()
			return nil, err
		}
		inc := 0
		if ok {
			inc = 1
		}
		f.SLA[0][0]++
		f.SLA[0][1] += inc
		if i := slaIndex(metric); i > 0 {
			f.SLA[i][0]++
			f.SLA[i][1] += inc
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.q.Get("SourceEvents"), id)
	if err != nil {
		return nil, err
	}
	initial := "new"
	var evs []Event
	for rows.Next() {
		var kind, to string
		var at int64
		if err := rows.Scan(&kind, &at, &to); err != nil {
			rows.Close()
			return nil, err
		}
		if kind == "created" {
			if to != "" {
				initial = to
			}
			continue
		}
		if kind == "status_changed" {
			evs = append(evs, Event{At: at, ToStatus: to})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	total := max((solved.Int64-created)/1e6, 0)
	f.WaitingSecs, f.NewOpenSecs = Durations(created, initial, evs, solved.Int64)
	f.WaitingSecs = min(f.WaitingSecs, total)
	f.ResolveSecs = total - f.WaitingSecs
	return &f, nil
}

// Rollup is a whole rollup's content, for comparisons.
type Rollup struct {
	Daily map[string]Counters
	Hist  map[string]int64
}

func dimKey(day int, d Dims) string {
	return fmt.Sprintf("%d|%s|%d|%d|%s|%s", day, d.Region, d.GroupID, d.AssigneeID, d.Plan, d.Tier)
}

// Stored reads the rollups as stored (zero buckets dropped).
func (s *Store) Stored(ctx context.Context) (Rollup, error) {
	r := Rollup{Daily: map[string]Counters{}, Hist: map[string]int64{}}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("AllDaily"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var day int
			var d Dims
			var c Counters
			if err := rows.Scan(&day, &d.Region, &d.GroupID, &d.AssigneeID, &d.Plan, &d.Tier, &c.Created, &c.Solved, &c.Good, &c.Bad,
				&c.SLA[0][0], &c.SLA[0][1], &c.SLA[1][0], &c.SLA[1][1], &c.SLA[2][0], &c.SLA[2][1], &c.SLA[3][0], &c.SLA[3][1], &c.ResolveSecs); err != nil {
				return err
			}
			if c != (Counters{}) {
				r.Daily[dimKey(day, d)] = c
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		hr, err := tx.QueryContext(ctx, s.q.Get("AllHist"))
		if err != nil {
			return err
		}
		defer hr.Close()
		for hr.Next() {
			var day, bucket int
			var d Dims
			var kind string
			var n int64
			if err := hr.Scan(&day, &d.Region, &d.GroupID, &d.AssigneeID, &d.Plan, &d.Tier, &kind, &bucket, &n); err != nil {
				return err
			}
			r.Hist[fmt.Sprintf("%s|%s|%d", dimKey(day, d), kind, bucket)] = n
		}
		return hr.Err()
	})
	return r, err
}

// Recompute builds the rollups from scratch from every ticket's sources
// (not from the stored facts), for the equality test and repairs.
func (s *Store) Recompute(ctx context.Context) (Rollup, error) {
	r := Rollup{Daily: map[string]Counters{}, Hist: map[string]int64{}}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id FROM tickets ORDER BY id")
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			f, err := s.ComputeFact(ctx, tx, id)
			if err != nil || f == nil {
				return err
			}
			for _, c := range f.Contributions() {
				k := dimKey(c.Day, c.Dims)
				v := r.Daily[k]
				v.Add(c.C, 1)
				r.Daily[k] = v
				for kind, b := range c.Hist {
					r.Hist[fmt.Sprintf("%s|%s|%d", k, kind, b)]++
				}
			}
		}
		return nil
	})
	for k, v := range r.Daily {
		if v == (Counters{}) {
			delete(r.Daily, k)
		}
	}
	return r, err
}

// Filter narrows the indicators to a slice of the department.
type Filter struct {
	Region    string
	GroupID   int64
	Assignees []int64 // a member, or a manager's team
	Plan      string
	Tier      string
}

// where is the filter as SQL conditions appended to a query whose
// parameters so far are args.
func (f Filter) where(args []any) (string, []any) {
	var b strings.Builder
	add := func(cond string, v any) {
		args = append(args, v)
		fmt.Fprintf(&b, " AND %s $%d", cond, len(args))
	}
	if f.Region != "" {
		add("region =", f.Region)
	}
	if f.GroupID != 0 {
		add("group_id =", f.GroupID)
	}
	if f.Plan != "" {
		add("plan =", f.Plan)
	}
	if f.Tier != "" {
		add("tier =", f.Tier)
	}
	if f.Assignees != nil {
		if len(f.Assignees) == 0 {
			b.WriteString(" AND 1 = 0")
		} else {
			b.WriteString(" AND assignee_id IN (")
			for i, id := range f.Assignees {
				if i > 0 {
					b.WriteString(", ")
				}
				args = append(args, id)
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteString(")")
		}
	}
	return b.String(), args
}
