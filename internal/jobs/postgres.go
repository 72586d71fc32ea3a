package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/frontline/frontline/internal/db"
)

// migrateLock is the advisory lock key under which one node at a time
// applies River's migrations.
const migrateLock = 0x6a6f6273 // "jobs"

// newPostgresEngine runs River through its pgx driver on a small pool of its
// own (for fetching, LISTEN/NOTIFY and leader election). InsertTx reaches
// the pgx connection under a *db.Tx (database/sql over pgx) and lets River
// insert through it, inside that transaction.
func newPostgresEngine(q *Queue) (engine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(q.d.Target.DSN)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 6 // listener, fetch, completion, leader election and maintenance, Drain
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 30 * time.Second
	cfg.HealthCheckPeriod = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (engine, error) {
		pool.Close()
		return nil, err
	}
	// River qualifies its tables with the schema Frontline's connections use
	// (search_path: per-test schemas in dbtest, usually "public").
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fail(fmt.Errorf("find schema: %w", err))
	}
	driver := riverpgxv5.New(pool)
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: q.log, Schema: schema})
	if err != nil {
		return fail(err)
	}
	if err := migrate(ctx, pool, m); err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	e, err := newRiverEngine(q, driver, schema, func(tx *db.Tx, fn func(pgx.Tx) error) error {
		return tx.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("transaction is on a %T, not a pgx connection", dc)
			}
			return fn(&borrowedTx{conn: c.Conn()})
		})
	}, pool.Close)
	if err != nil {
		return fail(err)
	}
	return e, nil
}

// migrate applies River's migrations (each in its own transaction, as River
// requires) while holding a session advisory lock, so that of several nodes
// starting together one migrates and the others then find nothing to do.
func migrate(ctx context.Context, pool *pgxpool.Pool, m *rivermigrate.Migrator[pgx.Tx]) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrateLock)); err != nil {
		return err
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrateLock))
	}()
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}
