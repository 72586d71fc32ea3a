package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/db"
)

// Baseline is the raw-insert baseline: one ticket-sized row per
// transaction into a scratch table of the measured database.
type Baseline struct {
	d *db.DB
	q *db.Queries
}

// NewBaseline creates (or empties) the baseline table.
func NewBaseline(ctx context.Context, d *db.DB) (*Baseline, error) {
	b := &Baseline{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
	err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, b.q.Get("CreateBaseline")); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, b.q.Get("ClearBaseline"))
		return err
	})
	return b, err
}

const baselineBody = "Our pipelines have been pending since the upgrade; runners show no jobs."

// Insert writes one row in its own transaction.
func (b *Baseline) Insert(ctx context.Context, id int64) error {
	return b.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, b.q.Get("InsertBaseline"), id, "Bench ticket: pipeline stuck", baselineBody, "new", tx.Now.UnixMicro())
		return err
	})
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
