package db

import "context"

// Analyze refreshes the planner statistics (after a bulk load).
func (d *DB) Analyze(ctx context.Context) error {
	_, err := d.W.ExecContext(ctx, "ANALYZE")
	return err
}
