package db

import "context"

// Analyze refreshes the planner statistics after a bulk load (and on
// PostgreSQL also vacuums, so that index-only scans need no heap visits).
func (d *DB) Analyze(ctx context.Context) error {
	_, err := d.W.ExecContext(ctx, d.Dialect.AnalyzeSQL())
	return err
}
