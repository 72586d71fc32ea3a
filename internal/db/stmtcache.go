package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements of one SQLite pool. The SQLite driver
// prepares every statement anew (parsing took a fifth of the CPU of a
// ticket write); pgx caches statements itself, so PostgreSQL has none.
// A statement is prepared after the transaction that used it a second time
// (once its connection is back in the pool: SQLite has one writer
// connection, and preparing needs one), so one-off dynamic SQL (searches,
// views) is not kept; at most maxCached are kept.
type stmtCache struct {
	pool    *sql.DB
	mu      sync.Mutex
	seen    map[string]bool
	pending map[string]bool
	stmts   map[string]*sql.Stmt
}

const (
	maxCached = 1000
	maxSeen   = 10000
)

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, seen: map[string]bool{}, pending: map[string]bool{}, stmts: map[string]*sql.Stmt{}}
}

// get returns the pool-level prepared statement of query, or nil when it
// is not prepared (yet).
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	switch {
	case c.seen[query]:
		if len(c.stmts)+len(c.pending) < maxCached {
			c.pending[query] = true
		}
	case len(c.seen) < maxSeen:
		c.seen[query] = true
	}
	return nil
}

// flush prepares the statements asked for twice; call it with no
// transaction of the pool open on this goroutine.
func (c *stmtCache) flush(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.pending = map[string]bool{}
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue // not preparable on its own (it still runs unprepared)
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// stmt returns query prepared on the transaction's connection, or nil. The
// statement closes with the transaction.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.cache == nil {
		return nil
	}
	if st, ok := tx.stmts[query]; ok {
		return st
	}
	ps := tx.cache.get(query)
	if ps == nil {
		return nil
	}
	st := tx.Tx.StmtContext(ctx, ps)
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st
}

// ExecContext runs a statement in the transaction (prepared once per
// connection on SQLite).
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
