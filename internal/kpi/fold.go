package kpi

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/frontline/frontline/internal/db"
)

// foldBatch is how many dirty tickets one fold transaction takes.
const foldBatch = 1000

// Refresh folds every dirty ticket into the rollup cells, in batches of
// foldBatch tickets per transaction; it returns how many it folded.
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
			var err error
			n, err = s.foldSome(ctx, tx, foldBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < foldBatch {
			if total >= vacuumAfter {
				return total, s.vacuum(ctx)
			}
			return total, nil
		}
	}
}

// vacuumAfter is the fold size after which the KPI tables are vacuumed
// (PostgreSQL; a checkpoint on SQLite): a large fold rewrites the same
// cells many times and empties the dirty queue, and until autovacuum comes
// by, reads wade through the dead rows (112 ms to find the queue empty
// after folding a million tickets).
const vacuumAfter = 50000

func (s *Store) vacuum(ctx context.Context) error {
	for _, t := range []string{"kpi_dirty", "kpi_cells_all", "kpi_cells", "kpi_ticket_facts"} {
		if err := s.d.VacuumTable(ctx, t); err != nil {
			return fmt.Errorf("kpi: vacuum %s: %w", t, err)
		}
	}
	return nil
}

// inList is "(p1, p2, ...)" for n parameters numbered from first.
func (s *Store) inList(first, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.d.Dialect.Placeholder(first + i))
	}
	b.WriteByte(')')
	return b.String()
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// foldSome takes up to limit dirty tickets and replaces each one's old
// fact by its current one in the cells: the cells a batch touches are read
// once, changed in memory and written back once.
func (s *Store) foldSome(ctx context.Context, tx *db.Tx, limit int) (int, error) {
	// One folder at a time across nodes: cells are rewritten whole.
	if _, err := tx.ExecContext(ctx, s.q.Get("LockFold")); err != nil {
		return 0, err
	}
	ids, err := readInts(ctx, tx, s.q.Get("TakeDirty"), limit)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("DeleteDirtyIn")+" "+s.inList(1, len(ids)), anys(ids)...); err != nil {
		return 0, err
	}
	old, err := s.factsOf(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	cur, err := s.computeFacts(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	delta := map[CellKey]*Cell{}
	var put []*Fact
	var gone []int64
	for _, id := range ids {
		o, c := old[id], cur[id]
		if o != nil && c != nil && *o == *c {
			continue
		}
		if o != nil {
			cellsOf(*o, -1, delta)
		}
		if c == nil {
			if o != nil {
				gone = append(gone, id)
			}
			continue
		}
		cellsOf(*c, 1, delta)
		put = append(put, c)
	}
	if err := s.applyCells(ctx, tx, delta); err != nil {
		return 0, err
	}
	if err := s.putFacts(ctx, tx, put); err != nil {
		return 0, err
	}
	for len(gone) > 0 {
		n := min(len(gone), 500)
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteFactsIn")+" "+s.inList(1, n), anys(gone[:n])...); err != nil {
			return 0, err
		}
		gone = gone[n:]
	}
	return len(ids), nil
}

func readInts(ctx context.Context, tx *db.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const cellCols = 25

// cellColumnsSQL lists kpi_cells' columns in the order cellArgs gives them.
const cellColumnsSQL = `ckey, grain, period, region, group_id, assignee_id, plan, tier, created, solved, good, bad,
sla_applied, sla_achieved, frt_applied, frt_achieved, nrt_applied, nrt_achieved, rwt_applied, rwt_achieved, resolve_secs,
h_ttr, h_open, h_total, brand_id`

func cellArgs(ckey string, k CellKey, c *Cell) []any {
	x := c.C
	return []any{ckey, k.Grain, k.Period, k.Region, k.GroupID, k.AssigneeID, k.Plan, k.Tier, x.Created, x.Solved, x.Good, x.Bad,
		x.SLA[0][0], x.SLA[0][1], x.SLA[1][0], x.SLA[1][1], x.SLA[2][0], x.SLA[2][1], x.SLA[3][0], x.SLA[3][1], x.ResolveSecs,
		EncodeHist(c.Hist[0]), EncodeHist(c.Hist[1]), EncodeHist(c.Hist[2]), k.BrandID}
}

// scanCell reads a cell row selected as ckey-less "grain ... h_total"
// columns into k and c.
func scanCell(r db.Scanner, k *CellKey, c *Cell) error {
	var h [3][]byte
	x := &c.C
	if err := r.Scan(&k.Grain, &k.Period, &k.Region, &k.GroupID, &k.AssigneeID, &k.Plan, &k.Tier, &x.Created, &x.Solved, &x.Good, &x.Bad,
		&x.SLA[0][0], &x.SLA[0][1], &x.SLA[1][0], &x.SLA[1][1], &x.SLA[2][0], &x.SLA[2][1], &x.SLA[3][0], &x.SLA[3][1], &x.ResolveSecs,
		&h[0], &h[1], &h[2], &k.BrandID); err != nil {
		return err
	}
	for i := range h {
		if len(h[i]) == 0 {
			continue
		}
		if c.Hist[i] == nil {
			c.Hist[i] = map[int]int64{}
		}
		if err := DecodeHist(h[i], c.Hist[i]); err != nil {
			return err
		}
	}
	return nil
}

// cellTable is the table of a cell: the coarse cells (every assignee)
// have their own.
func cellTable(k CellKey) string {
	if k.AssigneeID == AnyAssignee {
		return "kpi_cells_all"
	}
	return "kpi_cells"
}

// applyCells adds delta to the stored cells, the coarse and the full ones
// each in their table.
func (s *Store) applyCells(ctx context.Context, tx *db.Tx, delta map[CellKey]*Cell) error {
	coarse := map[CellKey]*Cell{}
	for k, c := range delta {
		if cellTable(k) == "kpi_cells_all" {
			coarse[k] = c
			delete(delta, k)
		}
	}
	if err := s.applyCellsIn(ctx, tx, "kpi_cells", delta); err != nil {
		return err
	}
	return s.applyCellsIn(ctx, tx, "kpi_cells_all", coarse)
}

// applyCellsIn adds delta to the cells of table: it reads the touched
// cells, adds, and writes back the changed ones (deleting those left empty).
func (s *Store) applyCellsIn(ctx context.Context, tx *db.Tx, table string, delta map[CellKey]*Cell) error {
	if len(delta) == 0 {
		return nil
	}
	type keyed struct {
		k CellKey
		s string
	}
	keys := make([]keyed, 0, len(delta))
	for k := range delta {
		keys = append(keys, keyed{k, k.String()})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].s < keys[j].s })
	stored := make(map[CellKey]*Cell, len(keys))
	for i := 0; i < len(keys); i += 500 {
		part := keys[i:min(i+500, len(keys))]
		args := make([]any, len(part))
		for j, k := range part {
			args[j] = k.s
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+strings.TrimPrefix(cellColumnsSQL, "ckey, ")+" FROM "+table+" WHERE ckey IN "+s.inList(1, len(part)), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k CellKey
			c := &Cell{}
			if err := scanCell(rows, &k, c); err != nil {
				rows.Close()
				return err
			}
			stored[k] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var upsert []keyed
	var drop []any
	for _, k := range keys {
		c := stored[k.k]
		if c == nil {
			c = &Cell{}
			stored[k.k] = c
		}
		c.merge(delta[k.k])
		if c.empty() {
			drop = append(drop, k.s)
		} else {
			upsert = append(upsert, k)
		}
	}
	for len(drop) > 0 {
		n := min(len(drop), 500)
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE ckey IN "+s.inList(1, n), drop[:n]...); err != nil {
			return err
		}
		drop = drop[n:]
	}
	for len(upsert) > 0 {
		n := min(len(upsert), 100)
		args := make([]any, 0, n*cellCols)
		for _, k := range upsert[:n] {
			args = append(args, cellArgs(k.s, k.k, stored[k.k])...)
		}
		q := "INSERT INTO " + table + " (" + cellColumnsSQL + ") VALUES " + s.d.Dialect.ValuesRows(n, cellCols) + " " + s.q.Get("CellConflict")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("kpi: write cells: %w", err)
		}
		upsert = upsert[n:]
	}
	return nil
}

// factCols is the number of FactColumns.
const factCols = 21

func factArgs(f *Fact) []any {
	return []any{f.TicketID, f.CreatedDay, f.SolvedDay, f.Region, f.GroupID, f.AssigneeID,
		f.Plan, f.Tier, f.ResolveSecs, f.WaitingSecs, f.NewOpenSecs, f.Rating, f.SLA[0][0], f.SLA[0][1], f.SLA[1][0], f.SLA[1][1],
		f.SLA[2][0], f.SLA[2][1], f.SLA[3][0], f.SLA[3][1], f.BrandID}
}

// putFacts stores facts, many rows a statement.
func (s *Store) putFacts(ctx context.Context, tx *db.Tx, facts []*Fact) error {
	for len(facts) > 0 {
		n := min(len(facts), 200)
		args := make([]any, 0, n*factCols)
		for _, f := range facts[:n] {
			args = append(args, factArgs(f)...)
		}
		q := "INSERT INTO kpi_ticket_facts (" + s.q.Get("FactColumns") + ") VALUES " + s.d.Dialect.ValuesRows(n, factCols) + " " + s.q.Get("FactConflict")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("kpi: write facts: %w", err)
		}
		facts = facts[n:]
	}
	return nil
}

func scanFact(sc interface{ Scan(...any) error }) (Fact, error) {
	var f Fact
	err := sc.Scan(&f.TicketID, &f.CreatedDay, &f.SolvedDay, &f.Region, &f.GroupID, &f.AssigneeID, &f.Plan, &f.Tier,
		&f.ResolveSecs, &f.WaitingSecs, &f.NewOpenSecs, &f.Rating, &f.SLA[0][0], &f.SLA[0][1], &f.SLA[1][0], &f.SLA[1][1],
		&f.SLA[2][0], &f.SLA[2][1], &f.SLA[3][0], &f.SLA[3][1], &f.BrandID)
	return f, err
}

// factsOf reads the stored facts of ids.
func (s *Store) factsOf(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Fact, error) {
	out := map[int64]*Fact{}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		rows, err := tx.QueryContext(ctx, s.q.Get("GetFactsIn")+" "+s.inList(1, len(part)), anys(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			f, err := scanFact(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[f.TicketID] = &f
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
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

// source is what a ticket's fact is computed from.
type source struct {
	status  string
	created int64
	solved  sql.NullInt64
	fact    Fact
	initial string
	events  []Event
}

// ComputeFact reads ticket id's sources and returns its fact (nil when the
// ticket is gone).
func (s *Store) ComputeFact(ctx context.Context, tx *db.Tx, id int64) (*Fact, error) {
	m, err := s.computeFacts(ctx, tx, []int64{id})
	return m[id], err
}

// computeFacts reads the sources of ids (three statements per 500) and
// returns their facts; gone tickets are absent.
func (s *Store) computeFacts(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Fact, error) {
	out := map[int64]*Fact{}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		if err := s.computePart(ctx, tx, part, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) computePart(ctx context.Context, tx *db.Tx, ids []int64, out map[int64]*Fact) error {
	in := s.inList(1, len(ids))
	args := anys(ids)
	src := map[int64]*source{}
	rows, err := tx.QueryContext(ctx, s.q.Get("SourceTickets")+" "+in, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		x := &source{initial: "new"}
		f := &x.fact
		if err := rows.Scan(&f.TicketID, &x.status, &x.created, &x.solved, &f.GroupID, &f.AssigneeID, &f.Region, &f.Plan, &f.Tier, &f.Rating, &f.BrandID); err != nil {
			rows.Close()
			return err
		}
		src[f.TicketID] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	solved := make([]any, 0, len(src))
	for _, id := range ids {
		if x := src[id]; x != nil && (x.status == "solved" || x.status == "closed") && x.solved.Valid {
			solved = append(solved, id)
		}
	}
	if len(solved) > 0 {
		in := s.inList(1, len(solved))
		rows, err := tx.QueryContext(ctx, s.q.Get("SourceAchievementsIn")+" "+in, solved...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var metric string
			var ok bool
			if err := rows.Scan(&id, &metric, &ok); err != nil {
				rows.Close()
				return err
			}
			x := src[id]
			inc := 0
			if ok {
				inc = 1
			}
			x.fact.SLA[0][0]++
			x.fact.SLA[0][1] += inc
			if i := slaIndex(metric); i > 0 {
				x.fact.SLA[i][0]++
				x.fact.SLA[i][1] += inc
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, s.q.Get("SourceEventsIn")+" "+in+" ORDER BY ticket_id, at, id", solved...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, at int64
			var kind, to string
			if err := rows.Scan(&id, &kind, &at, &to); err != nil {
				rows.Close()
				return err
			}
			x := src[id]
			if kind == "created" {
				if to != "" {
					x.initial = to
				}
				continue
			}
			if kind == "status_changed" {
				x.events = append(x.events, Event{At: at, ToStatus: to})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for id, x := range src {
		f := x.fact
		f.CreatedDay, f.SolvedDay = Day(x.created), -1
		if !((x.status == "solved" || x.status == "closed") && x.solved.Valid) {
			f.Rating = 0
		} else {
			f.SolvedDay = Day(x.solved.Int64)
			total := max((x.solved.Int64-x.created)/1e6, 0)
			f.WaitingSecs, f.NewOpenSecs = Durations(x.created, x.initial, x.events, x.solved.Int64)
			f.WaitingSecs = min(f.WaitingSecs, total)
			f.ResolveSecs = total - f.WaitingSecs
		}
		out[id] = &f
	}
	return nil
}

// Rollup is the rollups' whole content, for comparisons: cell counters by
// cell key, histogram counts by "cell key|kind|bucket".
type Rollup struct {
	Cells map[string]Counters
	Hist  map[string]int64
}

func (r Rollup) addCell(k CellKey, c *Cell) {
	if c.C != (Counters{}) {
		r.Cells[k.String()] = c.C
	}
	for i, h := range c.Hist {
		for b, n := range h {
			if n != 0 {
				r.Hist[fmt.Sprintf("%s|%s|%d", k, histKinds[i], b)] = n
			}
		}
	}
}

// Stored reads the rollup cells as stored.
func (s *Store) Stored(ctx context.Context) (Rollup, error) {
	r := Rollup{Cells: map[string]Counters{}, Hist: map[string]int64{}}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		for _, table := range []string{"kpi_cells", "kpi_cells_all"} {
			rows, err := tx.QueryContext(ctx, "SELECT "+strings.TrimPrefix(cellColumnsSQL, "ckey, ")+" FROM "+table)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k CellKey
				c := &Cell{}
				if err := scanCell(rows, &k, c); err != nil {
					rows.Close()
					return err
				}
				if (k.AssigneeID == AnyAssignee) != (table == "kpi_cells_all") {
					rows.Close()
					return fmt.Errorf("kpi: cell %s stored in %s", k, table)
				}
				r.addCell(k, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// Recompute builds the rollups from scratch from every ticket's sources
// (not from the stored facts), for the equality test and repairs.
func (s *Store) Recompute(ctx context.Context) (Rollup, error) {
	r := Rollup{Cells: map[string]Counters{}, Hist: map[string]int64{}}
	cells := map[CellKey]*Cell{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		ids, err := readInts(ctx, tx, "SELECT id FROM tickets ORDER BY id")
		if err != nil {
			return err
		}
		facts, err := s.computeFacts(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, f := range facts {
			cellsOf(*f, 1, cells)
		}
		return nil
	})
	for k, c := range cells {
		r.addCell(k, c)
	}
	return r, err
}
