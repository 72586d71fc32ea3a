package bench

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/db"
)

// Baseline is the raw-insert baseline: one ticket-sized row per
// statement, each committed on its own (autocommit), through a prepared
// statement straight on the database pool: no Frontline transaction
// machinery, no grouping of commits.
type Baseline struct {
	d    *db.DB
	stmt *sql.Stmt
}

// NewBaseline creates (or empties) the baseline table.
func NewBaseline(ctx context.Context, d *db.DB) (*Baseline, error) {
	q := db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")
	if err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, q.Get("CreateBaseline")); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, q.Get("ClearBaseline"))
		return err
	}); err != nil {
		return nil, err
	}
	st, err := d.W.PrepareContext(ctx, q.Get("InsertBaseline"))
	if err != nil {
		return nil, err
	}
	return &Baseline{d: d, stmt: st}, nil
}

const baselineBody = "Our pipelines have been pending since the upgrade; runners show no jobs."

// Insert writes and commits one row.
func (b *Baseline) Insert(ctx context.Context, id int64) error {
	_, err := b.stmt.ExecContext(ctx, id, "Bench ticket: pipeline stuck", baselineBody, "new", b.d.Clock.Now().UnixMicro())
	return err
}

// Close releases the prepared statement.
func (b *Baseline) Close() error { return b.stmt.Close() }

// TicketBaseline is the raw ticket-row baseline: one ticket row per
// statement, inserted into the tickets table itself (with its secondary
// indexes, at the size being measured) and committed on its own, through a
// prepared statement straight on the database pool. It is what creating a
// ticket costs the database at the least; the API adds authentication,
// validation, the description, the audit, the text index, the SLA state and
// timers, and the triggers.
type TicketBaseline struct {
	d      *db.DB
	q      *db.Queries
	stmt   *sql.Stmt
	fromID int64
}

// BaselineSubject marks the rows the ticket baseline inserts (and removes).
const BaselineSubject = "Bench baseline ticket: pipeline stuck"

// NewTicketBaseline prepares the ticket-row baseline; rows it inserts get
// ids above the current largest one.
func NewTicketBaseline(ctx context.Context, d *db.DB) (*TicketBaseline, error) {
	q := db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")
	b := &TicketBaseline{d: d, q: q}
	var err error
	if b.fromID, err = maxID(ctx, d, "tickets"); err != nil {
		return nil, err
	}
	// Rows a run left behind when it was interrupted go first.
	if err := b.remove(ctx, 0); err != nil {
		return nil, err
	}
	st, err := d.W.PrepareContext(ctx, q.Get("InsertBaselineTicket"))
	if err != nil {
		return nil, err
	}
	b.stmt = st
	return b, nil
}

// remove deletes the baseline's rows above id from, and clears what the
// delete left (db.VacuumTable: on PostgreSQL the dead rows, which the
// newest-first scans of the other measures would otherwise step over; on
// SQLite the write-ahead log).
func (b *TicketBaseline) remove(ctx context.Context, from int64) error {
	var n int64
	if err := b.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, b.q.Get("DeleteBaselineTickets"), from, BaselineSubject)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	}); err != nil || n == 0 {
		return err
	}
	return b.d.VacuumTable(ctx, "tickets")
}

// Insert writes and commits one ticket row for requester (in org, 0 for none).
func (b *TicketBaseline) Insert(ctx context.Context, requester, org int64) error {
	var o any
	if org != 0 {
		o = org
	}
	_, err := b.stmt.ExecContext(ctx, BaselineSubject, baselineBody, requester, o, b.d.Clock.Now().UnixMicro())
	return err
}

// Close releases the statement and deletes the rows the baseline inserted.
func (b *TicketBaseline) Close(ctx context.Context) error {
	return errors.Join(b.stmt.Close(), b.remove(ctx, b.fromID))
}

// RemoveTicketsAfter deletes the tickets with ids above id (with all that
// belongs to them, their SLA metrics among them), and clears what the
// delete left (db.VacuumTable). The SLA wake-up jobs they scheduled stay: each serves every
// ticket due at its moment, and finds nothing of theirs left to fire.
func RemoveTicketsAfter(ctx context.Context, d *db.DB, id int64) error {
	q := db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, q.Get("DeleteTicketsAfter"), id)
		return err
	}); err != nil {
		return err
	}
	return d.VacuumTable(ctx, "tickets")
}

// SearchTerms are the free-text queries of the search measure: single
// words and pairs from the generated vocabulary, common and rare.
func SearchTerms() []string {
	var out []string
	for i, w := range vocabulary {
		if i%3 == 0 {
			out = append(out, w)
		} else {
			out = append(out, w+" "+vocabulary[(i*7)%len(vocabulary)])
		}
	}
	return out
}

// ProcessRSS reads a process's resident set size in bytes (Linux).
func ProcessRSS(pid int) (int64, error) { return procStatusBytes(pid, "VmRSS") }

// ProcessPeakRSS reads a process's peak resident set size ("high water
// mark") in bytes (Linux).
func ProcessPeakRSS(pid int) (int64, error) { return procStatusBytes(pid, "VmHWM") }

// procStatusBytes reads one "Field: N kB" line of /proc/PID/status.
func procStatusBytes(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			f := strings.Fields(v)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("unexpected %s line %q", field, sc.Text())
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
