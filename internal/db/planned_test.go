package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestPlannedForValues: a statement sent with PlannedForValues answers as
// any other; on PostgreSQL it is not kept as a prepared statement (so it is
// planned for each call's values), while a plain one is.
func TestPlannedForValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const planned = "SELECT CAST($1 AS BIGINT) + 1 AS planned_for_values"
		const plain = "SELECT CAST($1 AS BIGINT) + 2 AS plain_statement"
		if d.Dialect == db.SQLite {
			if got := d.Dialect.PlannedForValues(1, "a"); fmt.Sprint(got) != "[1 a]" {
				t.Fatalf("SQLite arguments changed: %v", got)
			}
		}
		err := d.Read(ctx, func(tx *db.Tx) error {
			var a, b int64
			if err := tx.QueryRowContext(ctx, planned, d.Dialect.PlannedForValues(int64(41))...).Scan(&a); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, plain, int64(40)).Scan(&b); err != nil {
				return err
			}
			if a != 42 || b != 42 {
				t.Errorf("answers %d and %d, want 42", a, b)
			}
			if d.Dialect != db.Postgres {
				return nil
			}
			count := func(q string) (n int) {
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := count(planned); n != 0 {
				t.Errorf("the planned-for-values statement is prepared (%d), so a generic plan could be reused", n)
			}
			if n := count(plain); n != 1 {
				t.Errorf("the plain statement is prepared %d times, want 1 (the check would prove nothing)", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
