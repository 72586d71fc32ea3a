// Package dbtest runs store tests on every engine: SQLite always, PostgreSQL
// when it is reachable. In CI (CI=true or FRONTLINE_REQUIRE_POSTGRES=1) an
// unreachable PostgreSQL fails the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
)

// DefaultPostgresURL is used when FRONTLINE_TEST_POSTGRES is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL returns the server URL tests use.
func PostgresURL() string {
	if v := os.Getenv("FRONTLINE_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgresURL
}

// PostgresRequired reports whether tests must fail rather than skip when
// PostgreSQL is unreachable.
func PostgresRequired() bool {
	return os.Getenv("CI") == "true" || os.Getenv("FRONTLINE_REQUIRE_POSTGRES") == "1"
}

func probePostgres() error {
	c, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.PingContext(ctx)
}

// Engine is one database engine under test.
type Engine struct {
	Name string
	// Target opens a fresh, empty database of this engine for t.
	Target func(t testing.TB) db.Target
}

// Engines lists SQLite and PostgreSQL.
func Engines() []Engine {
	return []Engine{
		{Name: "sqlite", Target: func(t testing.TB) db.Target {
			return db.Target{Dialect: db.SQLite, Path: filepath.Join(t.TempDir(), "test.db")}
		}},
		{Name: "postgres", Target: postgresTarget},
	}
}

// postgresTarget creates an empty schema on the test server and returns a
// target whose connections use it; the schema is dropped when t ends. It skips
// (or fails in CI) when PostgreSQL is unreachable.
func postgresTarget(t testing.TB) db.Target {
	t.Helper()
	if err := probePostgres(); err != nil {
		msg := fmt.Sprintf("PostgreSQL not reachable at %s (%v); set FRONTLINE_TEST_POSTGRES or start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", PostgresURL(), err)
		if PostgresRequired() {
			t.Fatal(msg)
		}
		t.Skip("skipping PostgreSQL half: " + msg)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return db.Target{Dialect: db.Postgres, DSN: u.String()}
}

// Open opens a migrated database of engine e for t, with the given clock
// (a fake clock at 2026-01-05 09:00 UTC when nil).
func Open(t testing.TB, e Engine, clk clock.Clock) *db.DB {
	t.Helper()
	if clk == nil {
		clk = clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	}
	d, err := db.Open(context.Background(), e.Target(t), clk, db.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return d
}

// Each runs fn as a subtest on every engine with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e, nil))
		})
	}
}

// EachClock is Each with a caller-supplied clock per engine.
func EachClock(t *testing.T, clk func() clock.Clock, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e, clk()))
		})
	}
}
