package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// borrowedTx presents a transaction that database/sql opened on a pgx
// connection (a *db.Tx on PostgreSQL) as a pgx.Tx, so that River's pgx driver
// inserts jobs inside it. Statements go straight to the connection, which is
// inside the caller's transaction; the caller alone commits or rolls back.
// Nested transactions are savepoints.
type borrowedTx struct {
	conn  *pgx.Conn
	depth int // 0 for the caller's transaction, n for the n-th nested savepoint
	done  bool
}

var errBorrowed = errors.New("jobs: the surrounding transaction belongs to the caller; it commits or rolls back")

func (t *borrowedTx) Begin(ctx context.Context) (pgx.Tx, error) {
	if t.done {
		return nil, pgx.ErrTxClosed
	}
	n := &borrowedTx{conn: t.conn, depth: t.depth + 1}
	if _, err := t.conn.Exec(ctx, "SAVEPOINT "+n.savepoint()); err != nil {
		return nil, err
	}
	return n, nil
}

func (t *borrowedTx) savepoint() string { return fmt.Sprintf("frontline_jobs_sp_%d", t.depth) }

func (t *borrowedTx) Commit(ctx context.Context) error {
	if t.depth == 0 {
		return errBorrowed
	}
	if t.done {
		return pgx.ErrTxClosed
	}
	t.done = true
	_, err := t.conn.Exec(ctx, "RELEASE SAVEPOINT "+t.savepoint())
	return err
}

func (t *borrowedTx) Rollback(ctx context.Context) error {
	if t.depth == 0 {
		return errBorrowed
	}
	if t.done {
		return pgx.ErrTxClosed
	}
	t.done = true
	if _, err := t.conn.Exec(ctx, "ROLLBACK TO SAVEPOINT "+t.savepoint()); err != nil {
		return err
	}
	_, err := t.conn.Exec(ctx, "RELEASE SAVEPOINT "+t.savepoint())
	return err
}

func (t *borrowedTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	return t.conn.CopyFrom(ctx, table, cols, src)
}

func (t *borrowedTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return t.conn.SendBatch(ctx, b)
}

func (t *borrowedTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (t *borrowedTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.conn.Prepare(ctx, name, sql)
}

func (t *borrowedTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.conn.Exec(ctx, sql, args...)
}

func (t *borrowedTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.conn.Query(ctx, sql, args...)
}

func (t *borrowedTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.conn.QueryRow(ctx, sql, args...)
}

func (t *borrowedTx) Conn() *pgx.Conn { return t.conn }
