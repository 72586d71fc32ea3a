package db

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/frontline/frontline/internal/clock"
)

// TestStatementCache checks SQLite statements are prepared after their
// second use, reused inside and across transactions on both pools, and
// that rollbacks and errors behave as unprepared statements do.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Target{Dialect: SQLite, Path: filepath.Join(t.TempDir(), "c.db")}, clock.Real{}, Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
		return err
	}))
	const ins = "INSERT INTO kv (k, v) VALUES ($1, $2)"
	const get = "SELECT v FROM kv WHERE k = $1"
	for i := range 5 {
		must(d.Write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, ins, i, "v")
			return err
		}))
	}
	if _, ok := d.wcache.stmts[ins]; !ok {
		t.Fatal("a statement used in five transactions was not prepared")
	}
	// A prepared statement still reports constraint errors, and a rolled
	// back transaction leaves nothing.
	err = d.Write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, ins, 99, "x"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, ins, 1, "dup")
		return err
	})
	if err == nil {
		t.Fatal("duplicate key accepted")
	}
	for range 3 {
		var v string
		err := d.Read(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, get, 99).Scan(&v) })
		if err == nil {
			t.Fatal("rolled-back row is visible")
		}
	}
	var n int
	must(d.Read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT k FROM kv ORDER BY k")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n++
		}
		return rows.Err()
	}))
	if n != 5 {
		t.Fatalf("%d rows", n)
	}
	if _, ok := d.rcache.stmts[get]; !ok {
		t.Fatal("the reader pool did not prepare its repeated query")
	}
}
