// Package db opens the database (SQLite or PostgreSQL), runs migrations and
// provides transactions that carry the injected clock. Domain packages keep
// their SQL in .sql files beside them and load it with LoadQueries; every
// engine difference is handled in dialect.go.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/frontline/frontline/internal/clock"
)

var errNoRows = sql.ErrNoRows

// DB is an open database: a writer pool and a reader pool (the same pool on
// PostgreSQL; on SQLite one writer connection and several read-only ones).
type DB struct {
	Dialect Dialect
	Target  Target
	Clock   clock.Clock
	W       *sql.DB
	R       *sql.DB

	mu      sync.Mutex
	onClose []func()
	// wcache and rcache keep prepared statements of the SQLite pools.
	wcache, rcache *stmtCache
	// group batches concurrent writes on SQLite's one writer connection.
	group *groupCommit
	// migrated is the schema version once every migration of this binary
	// was seen applied (0 until then): migrations are never undone under a
	// running server, so MigrationStatus need not ask again.
	migrated atomic.Int64
}

// Options tune Open.
type Options struct {
	// MaxConns bounds the PostgreSQL pool and the SQLite reader pool.
	MaxConns int
	// Bulk opens a handle for loading many small transactions in a row
	// (the demo history): its commits are not flushed to disk one by one
	// (SQLite synchronous=NORMAL with a larger WAL; PostgreSQL
	// synchronous_commit=off). A crash may lose its last commits but never
	// corrupts the database, and the next ordinary commit on any handle
	// makes them durable with its own (one WAL on either engine).
	Bulk bool
}

// Open connects to the target and checks the connection.
func Open(ctx context.Context, t Target, clk clock.Clock, opt Options) (*DB, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = max(4, runtime.GOMAXPROCS(0)*2)
	}
	d := &DB{Dialect: t.Dialect, Target: t, Clock: clk}
	switch t.Dialect {
	case Postgres:
		dsn := t.DSN
		if opt.Bulk {
			dsn = postgresBulkDSN(dsn)
		}
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(opt.MaxConns)
		pool.SetMaxIdleConns(opt.MaxConns)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		d.W, d.R = pool, pool
	case SQLite:
		if dir := filepath.Dir(t.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory %s: %w", dir, err)
			}
		}
		w, err := sql.Open("sqlite", sqliteDSN(t.Path, false, opt.Bulk))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", t.Path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		d.W = w
		// Create the file and switch it to WAL before readers attach.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", t.Path, err)
		}
		r, err := sql.Open("sqlite", sqliteDSN(t.Path, true, false))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", t.Path, err)
		}
		r.SetMaxOpenConns(opt.MaxConns)
		r.SetMaxIdleConns(opt.MaxConns)
		d.R = r
		d.wcache, d.rcache = newStmtCache(w), newStmtCache(r)
		d.group = newGroupCommit(d)
	default:
		return nil, fmt.Errorf("unknown database dialect %q", t.Dialect)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Ping(pctx); err != nil {
		d.Close()
		if t.Dialect == Postgres {
			return nil, fmt.Errorf("cannot connect to PostgreSQL at %s: %v", redact(t.DSN), err)
		}
		return nil, fmt.Errorf("cannot open SQLite database %s: %v", t.Path, err)
	}
	return d, nil
}

// Ping checks both pools.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	if d.R != d.W {
		return d.R.PingContext(ctx)
	}
	return nil
}

// OnClose registers fn to run when d is closed, before its pools close (for
// resources tied to the database, such as the job queue's own connections).
func (d *DB) OnClose(fn func()) {
	d.mu.Lock()
	d.onClose = append(d.onClose, fn)
	d.mu.Unlock()
}

// Close runs the OnClose functions (last registered first) and closes the pools.
func (d *DB) Close() error {
	d.mu.Lock()
	fns := d.onClose
	d.onClose = nil
	d.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	for _, c := range []*stmtCache{d.wcache, d.rcache} {
		if c != nil {
			c.close()
		}
	}
	var err error
	if d.R != nil && d.R != d.W {
		err = d.R.Close()
	}
	if d.W != nil {
		err = errors.Join(err, d.W.Close())
	}
	return err
}

// Tx is a transaction with the time at which it started, taken once from the
// injected clock, so every row it writes carries the same timestamp.
type Tx struct {
	*sql.Tx
	Now     time.Time
	Dialect Dialect
	after   []func()
	conn    *sql.Conn
	cache   *stmtCache           // the pool's prepared statements (SQLite)
	stmts   map[string]*sql.Stmt // those prepared on this transaction
	batches []*deferred          // work gathered for one statement before the commit (Defer)
}

// Batcher writes the items gathered by Defer under one key, in the
// transaction, just before it commits.
type Batcher func(ctx context.Context, tx *Tx, items []any) error

type deferred struct {
	key   any
	fn    Batcher
	items []any
}

// Defer adds items to the work gathered under key, which fn writes in one
// go just before the transaction commits: once per transaction, or once per
// group-commit batch on SQLite, whose calls then share one statement (one
// River insert for the timers of every ticket in the batch, say). The items
// of a call that fails are dropped with the rest of its work; a failing fn
// fails the whole transaction (or batch). fn must accept items that are the
// same more than once (two calls may gather the same one).
func (tx *Tx) Defer(key any, fn Batcher, items ...any) {
	for _, b := range tx.batches {
		if b.key == key {
			b.items = append(b.items, items...)
			return
		}
	}
	tx.batches = append(tx.batches, &deferred{key: key, fn: fn, items: items})
}

// mark returns how much deferred work the transaction holds, for reset.
func (tx *Tx) mark() []int {
	m := make([]int, len(tx.batches))
	for i, b := range tx.batches {
		m[i] = len(b.items)
	}
	return m
}

// reset drops the deferred work added since mark m.
func (tx *Tx) reset(m []int) {
	tx.batches = tx.batches[:len(m)]
	for i, n := range m {
		tx.batches[i].items = tx.batches[i].items[:n]
	}
}

// flushDeferred runs the gathered work (before the commit).
func (tx *Tx) flushDeferred(ctx context.Context) error {
	bs := tx.batches
	tx.batches = nil
	for _, b := range bs {
		if len(b.items) == 0 {
			continue
		}
		if err := b.fn(ctx, tx, b.items); err != nil {
			return err
		}
	}
	return nil
}

// Raw runs f with the driver connection that carries this transaction (a
// *stdlib.Conn of pgx on PostgreSQL, a modernc connection on SQLite), for
// libraries that must take part in the transaction through their own driver
// (River's pgx driver, see internal/jobs). f must not commit or roll back.
func (tx *Tx) Raw(f func(driverConn any) error) error {
	if tx.conn == nil {
		return errors.New("db: transaction has no connection")
	}
	return tx.conn.Raw(f)
}

// AfterCommit registers fn to run once the transaction has committed (for
// example to wake a job runner or publish a live update).
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Write runs fn in a read-write transaction and commits it. Serialization
// failures and busy errors are retried a few times; fn must therefore be
// safe to run again.
func (d *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if d.group != nil {
			err = d.group.write(ctx, fn)
		} else {
			err = d.run(ctx, d.W, false, fn)
		}
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
		}
	}
	return err
}

// Read runs fn in a read-only transaction.
func (d *DB) Read(ctx context.Context, fn func(tx *Tx) error) error {
	return d.run(ctx, d.R, true, fn)
}

// QueryRow runs one read-only query outside a transaction and scans its
// row into dest: a single statement reads one consistent snapshot on its
// own, so it needs no BEGIN and COMMIT (one round trip on PostgreSQL
// instead of three). It returns sql.ErrNoRows when there is no row.
func (d *DB) QueryRow(ctx context.Context, query string, args []any, dest ...any) error {
	rows, done, err := d.query(ctx, query, args)
	defer done()
	if err != nil {
		return err
	}
	defer rows.Close() // before done
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	return rows.Scan(dest...)
}

// query runs one read-only query outside a transaction (QueryRow, ReadList). done,
// called once the rows are closed, prepares what the statement cache asks
// for (it needs a connection of the pool the rows hold one of).
func (d *DB) query(ctx context.Context, query string, args []any) (rows *sql.Rows, done func(), err error) {
	done = func() {}
	if d.rcache != nil {
		done = func() { d.rcache.flush(context.WithoutCancel(ctx)) }
		if st := d.rcache.get(query); st != nil {
			rows, err = st.QueryContext(ctx, args...)
			return rows, done, err
		}
	}
	rows, err = d.R.QueryContext(ctx, query, args...)
	return rows, done, err
}

func (d *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(tx *Tx) error) error {
	after, err := d.runTx(ctx, pool, readOnly, fn)
	for _, c := range []*stmtCache{d.wcache, d.rcache} {
		if c != nil && c.pool == pool {
			c.flush(context.WithoutCancel(ctx))
		}
	}
	if err != nil {
		return err
	}
	// After-commit work runs once the connection is back in the pool (on
	// SQLite it is the only writer connection).
	for _, f := range after {
		f()
	}
	return nil
}

func (d *DB) runTx(ctx context.Context, pool *sql.DB, readOnly bool, fn func(tx *Tx) error) ([]func(), error) {
	opts := &sql.TxOptions{ReadOnly: readOnly && d.Dialect == Postgres}
	// The transaction runs on a dedicated connection so that Tx.Raw can reach it.
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	tx := &Tx{Tx: stx, Now: d.Clock.Now().UTC(), Dialect: d.Dialect, conn: conn}
	switch {
	case pool == d.W && d.wcache != nil:
		tx.cache = d.wcache
	case pool == d.R && d.rcache != nil:
		tx.cache = d.rcache
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return nil, err
	}
	if err := tx.flushDeferred(ctx); err != nil {
		_ = stx.Rollback()
		return nil, err
	}
	if err := stx.Commit(); err != nil {
		return nil, err
	}
	return tx.after, nil
}
