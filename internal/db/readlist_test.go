package db_test

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestReadListIsOneStatement: ReadList answers rows in order, again when
// its statement is cached (SQLite), and on PostgreSQL sends the statement
// alone, without the BEGIN READ ONLY and COMMIT of a read transaction
// around it.
func TestReadListIsOneStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		type row struct{ n int64 }
		scan := func(r db.Scanner) (*row, error) {
			var x row
			return &x, r.Scan(&x.n)
		}
		const q = "SELECT 3 UNION ALL SELECT 1 UNION ALL SELECT 2 ORDER BY 1"
		for range 3 { // the statement cache prepares it on its second use
			got, err := db.ReadList(ctx, d, q, nil, scan)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[0].n != 1 || got[2].n != 3 {
				t.Fatalf("rows %v", got)
			}
		}
		if _, err := db.ReadList(ctx, d, "SELECT no_such_column FROM no_such_table", nil, scan); err == nil {
			t.Fatal("a bad statement gave no error")
		}
		if d.Dialect != db.Postgres {
			return
		}
		const readOnly = "SELECT current_setting('transaction_read_only')"
		got, err := db.ReadList(ctx, d, readOnly, nil, func(r db.Scanner) (*string, error) {
			var s string
			return &s, r.Scan(&s)
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != "off" {
			t.Errorf("ReadList's statement ran in a read-only transaction (%v): it was sent inside BEGIN ... COMMIT", got)
		}
		// The check can fail: inside a read transaction the statement says on.
		var inTx string
		if err := d.Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, readOnly).Scan(&inTx) }); err != nil {
			t.Fatal(err)
		}
		if inTx != "on" {
			t.Errorf("a read transaction says transaction_read_only=%q: the check proves nothing", inTx)
		}
	})
}
