package bench

import (
	"bufio"
	"context"
	"database/sql"
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
func ProcessRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmRSS line %q", sc.Text())
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
