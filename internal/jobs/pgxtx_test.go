package jobs

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestBorrowedTxNestsWithSavepoints checks the pgx view of a *db.Tx that
// River's pgx driver uses: statements run in the caller's transaction,
// nested transactions are savepoints, and only the caller ends the outer one.
func TestBorrowedTxNestsWithSavepoints(t *testing.T) {
	for _, e := range dbtest.Engines() {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, e, nil)
			if _, err := d.W.Exec("CREATE TABLE borrowed (v INT)"); err != nil {
				t.Fatal(err)
			}
			errRollback := errors.New("roll back")
			err := d.Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO borrowed VALUES (1)"); err != nil {
					return err
				}
				return tx.Raw(func(dc any) error {
					bt := &borrowedTx{conn: dc.(*stdlib.Conn).Conn()}
					if err := bt.Commit(ctx); !errors.Is(err, errBorrowed) {
						t.Errorf("outer Commit: %v", err)
					}
					if err := bt.Rollback(ctx); !errors.Is(err, errBorrowed) {
						t.Errorf("outer Rollback: %v", err)
					}
					var n int
					if err := bt.QueryRow(ctx, "SELECT count(*) FROM borrowed").Scan(&n); err != nil || n != 1 {
						t.Fatalf("the borrowed tx does not see the caller's row: %d, %v", n, err)
					}
					kept, err := bt.Begin(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := kept.Exec(ctx, "INSERT INTO borrowed VALUES (2)"); err != nil {
						t.Fatal(err)
					}
					dropped, err := kept.Begin(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := dropped.Exec(ctx, "INSERT INTO borrowed VALUES (3)"); err != nil {
						t.Fatal(err)
					}
					if err := dropped.Rollback(ctx); err != nil {
						t.Fatal(err)
					}
					if err := kept.Commit(ctx); err != nil {
						t.Fatal(err)
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			got := func() []int {
				rows, err := d.R.Query("SELECT v FROM borrowed ORDER BY v")
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var vs []int
				for rows.Next() {
					var v int
					if err := rows.Scan(&v); err != nil {
						t.Fatal(err)
					}
					vs = append(vs, v)
				}
				return vs
			}
			if vs := got(); len(vs) != 2 || vs[0] != 1 || vs[1] != 2 {
				t.Fatalf("rows = %v, want [1 2]", vs)
			}
			// The caller's rollback undoes what went through the borrowed tx.
			err = d.Write(ctx, func(tx *db.Tx) error {
				if err := tx.Raw(func(dc any) error {
					_, err := (&borrowedTx{conn: dc.(*stdlib.Conn).Conn()}).Exec(ctx, "INSERT INTO borrowed VALUES (4)")
					return err
				}); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
			if vs := got(); len(vs) != 2 {
				t.Fatalf("rows = %v after the caller rolled back", vs)
			}
		})
	}
}
