package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/frontline/frontline/internal/errs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ReadMany reads the objects with the given ids with get, in one read
// transaction and in the order given; ids get reports as not found are
// skipped (show_many semantics).
func ReadMany[T any](ctx context.Context, d *DB, ids []int64, get func(tx *Tx, id int64) (*T, error)) ([]T, error) {
	out := []T{}
	err := d.Read(ctx, func(tx *Tx) error {
		out = out[:0]
		for _, id := range ids {
			v, err := get(tx, id)
			if errs.Is(err, errs.KindNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, *v)
		}
		return nil
	})
	return out, err
}

// Stmt is one statement of ExecBatch.
type Stmt struct {
	SQL  string
	Args []any
}

// ExecBatch runs statements that return no rows, in order, in the
// transaction, and stops at the first that fails. On PostgreSQL they go to
// the server together (a pgx pipeline: one round trip instead of one per
// statement); SQLite runs in-process and runs them one after another. The
// statements must not depend on each other's results beyond what the
// database sees (each still runs after the one before it).
func (tx *Tx) ExecBatch(ctx context.Context, stmts ...Stmt) error {
	if tx.Dialect != Postgres || len(stmts) < 2 {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
				return err
			}
		}
		return nil
	}
	return tx.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: a PostgreSQL transaction on a %T connection", dc)
		}
		b := &pgx.Batch{}
		for _, st := range stmts {
			b.Queue(st.SQL, st.Args...)
		}
		br := c.Conn().SendBatch(ctx, b)
		for range stmts {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
}

// Scanner is a row to scan (*sql.Row, *sql.Rows).
type Scanner interface{ Scan(...any) error }

// ReadList runs one read-only query outside a transaction, as QueryRow
// does (one round trip on PostgreSQL instead of three: a single statement
// reads one consistent snapshot on its own), and scans each row with scan,
// in order.
func ReadList[T any](ctx context.Context, d *DB, query string, args []any, scan func(Scanner) (*T, error)) ([]T, error) {
	rows, done, err := d.query(ctx, query, args)
	defer done()
	if err != nil {
		return []T{}, err
	}
	return collect(rows, func(r Scanner) (T, error) { // closes rows before done
		v, err := scan(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	})
}

// QueryList runs one query in tx and scans each row with scan, in order.
func QueryList[T any](ctx context.Context, tx *Tx, query string, args []any, scan func(Scanner) (T, error)) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return []T{}, err
	}
	return collect(rows, scan)
}

// collect scans each of rows with scan, in order, and closes them.
func collect[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
