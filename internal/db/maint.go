package db

import "context"

// Analyze refreshes the planner statistics after a bulk load (and on
// PostgreSQL also vacuums, so that index-only scans need no heap visits).
func (d *DB) Analyze(ctx context.Context) error {
	_, err := d.W.ExecContext(ctx, d.Dialect.AnalyzeSQL())
	return err
}

// VacuumTable clears what a mass delete from table left behind: the dead row
// versions on PostgreSQL (autovacuum does it too, later), the write-ahead
// log on SQLite (a checkpoint). It must run outside a transaction.
func (d *DB) VacuumTable(ctx context.Context, table string) error {
	_, err := d.W.ExecContext(ctx, d.Dialect.VacuumTableSQL(table))
	return err
}
