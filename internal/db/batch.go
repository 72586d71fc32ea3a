package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

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
