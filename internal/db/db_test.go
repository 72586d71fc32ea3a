package db_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestMigrationsApplyOnceAndAreIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("second Migrate ran %d migrations, want 0", n)
		}
		cur, pending, err := d.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := db.Migrations(d.Dialect)
		if pending != 0 || cur != ms[len(ms)-1].Version {
			t.Fatalf("status = (%d, %d pending), want (%d, 0)", cur, pending, ms[len(ms)-1].Version)
		}
	})
}

func TestMigrationsRenderEveryToken(t *testing.T) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		ms, err := db.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if strings.Contains(m.SQL, "{{") {
				t.Errorf("%s on %s keeps an unrendered token", m.Name, d)
			}
		}
	}
}

func TestTransactionsCarryClockAndMapErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var id int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx,
				`INSERT INTO groups (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id`,
				"Support", db.TS(tx.Now)).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		var created time.Time
		err = d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT created_at FROM groups WHERE id = $1`, id).Scan(db.Time(&created))
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := d.Clock.Now(); !created.Equal(want) {
			t.Fatalf("created_at = %v, want the clock's %v", created, want)
		}

		// A duplicate name (case-insensitively) is a conflict and rolls back the whole transaction.
		err = d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO groups (name, created_at, updated_at) VALUES ('Other', 1, 1)`); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO groups (name, created_at, updated_at) VALUES ('SUPPORT', 1, 1)`)
			return db.MapError(err, "group")
		})
		if !errs.Is(err, errs.KindConflict) {
			t.Fatalf("duplicate insert: got %v, want a conflict", err)
		}
		var n int
		_ = d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM groups`).Scan(&n)
		})
		if n != 1 {
			t.Fatalf("after rolled back transaction: %d groups, want 1", n)
		}

		// A missing row maps to not found; a dangling reference to invalid.
		err = d.Read(ctx, func(tx *db.Tx) error {
			var x int64
			return db.MapError(tx.QueryRowContext(ctx, `SELECT id FROM groups WHERE id = 999`).Scan(&x), "group")
		})
		if !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("missing row: got %v, want not found", err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO group_memberships (user_id, group_id, created_at, updated_at) VALUES (12345, $1, 1, 1)`, id)
			return db.MapError(err, "group membership")
		})
		if !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("dangling foreign key: got %v, want invalid", err)
		}
	})
}

func TestAfterCommitRunsOnlyOnCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ran := 0
		_ = d.Write(ctx, func(tx *db.Tx) error {
			tx.AfterCommit(func() { ran++ })
			return errors.New("boom")
		})
		if ran != 0 {
			t.Fatal("after-commit hook ran on rollback")
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { tx.AfterCommit(func() { ran++ }); return nil }); err != nil {
			t.Fatal(err)
		}
		if ran != 1 {
			t.Fatalf("after-commit hook ran %d times, want 1", ran)
		}
	})
}

func TestParseTarget(t *testing.T) {
	cases := []struct {
		in      string
		dialect db.Dialect
		errPart string
	}{
		{"", db.SQLite, ""},
		{"/var/lib/frontline/x.db", db.SQLite, ""},
		{"sqlite:x.db", db.SQLite, ""},
		{"postgres://u@localhost:5432/frontline?sslmode=disable", db.Postgres, ""},
		{"postgresql://u:secret@db/frontline", db.Postgres, ""},
		{"mysql://root@localhost/x", "", "unsupported scheme \"mysql\""},
		{"postgres:///nohost", "", "names no host"},
		{"x.db?cache=shared", "", "SQLite options are set by Frontline"},
	}
	for _, c := range cases {
		got, err := db.ParseTarget(c.in, "/data")
		if c.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), c.errPart) {
				t.Errorf("ParseTarget(%q) error = %v, want one containing %q", c.in, err, c.errPart)
			}
			continue
		}
		if err != nil || got.Dialect != c.dialect {
			t.Errorf("ParseTarget(%q) = %v, %v; want dialect %s", c.in, got, err, c.dialect)
		}
	}
	if got, _ := db.ParseTarget("", "/data"); got.Path != "/data/frontline.db" {
		t.Errorf("default path = %q", got.Path)
	}
}

func TestOpenUnreachablePostgresIsOneClearLine(t *testing.T) {
	tg, err := db.ParseTarget("postgres://nobody:pw@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Open(context.Background(), tg, nil, db.Options{})
	if err == nil {
		t.Fatal("expected an error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot connect to PostgreSQL") || strings.Contains(msg, "pw@") || strings.Contains(msg, "\n") {
		t.Fatalf("unclear or leaking error: %q", msg)
	}
}

func TestQueriesEngineVariants(t *testing.T) {
	src := "-- name: A\nSELECT 1;\n-- name: B\nSELECT 2\n-- name: B postgres\nSELECT 3\n"
	fsys := mapFS{"q.sql": src}
	qs, err := db.LoadQueries(db.SQLite, fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if qs.Get("A") != "SELECT 1" || qs.Get("B") != "SELECT 2" {
		t.Fatalf("sqlite got A=%q B=%q", qs.Get("A"), qs.Get("B"))
	}
	qp, err := db.LoadQueries(db.Postgres, fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if qp.Get("B") != "SELECT 3" {
		t.Fatalf("postgres got B=%q", qp.Get("B"))
	}
	if _, err := db.LoadQueries(db.SQLite, mapFS{"q.sql": "-- name: A\nSELECT 1\n-- name: A\nSELECT 2\n"}, "*.sql"); err == nil {
		t.Fatal("duplicate query names accepted")
	}
	qi, err := db.LoadQueries(db.SQLite, mapFS{"q.sql": "-- name: Cols\nid, name\n-- name: Q\nSELECT {{Cols}} FROM t\n"}, "*.sql")
	if err != nil || qi.Get("Q") != "SELECT id, name FROM t" {
		t.Fatalf("include: %v %q", err, qi.Get("Q"))
	}
	if _, err := db.LoadQueries(db.SQLite, mapFS{"q.sql": "-- name: Q\nSELECT {{Nope}}\n"}, "*.sql"); err == nil {
		t.Fatal("unknown include accepted")
	}
	if _, err := db.LoadQueries(db.SQLite, mapFS{"q.sql": "-- name: A mysql\nSELECT 1\n"}, "*.sql"); err == nil {
		t.Fatal("unknown engine accepted")
	}
	// Comments that introduce the next block are not part of this one, so a
	// fragment can be extended on its last line; comments inside stay.
	qc, err := db.LoadQueries(db.SQLite, mapFS{"q.sql": "-- name: F\nSELECT x -- inline\nFROM t\n-- keep\nWHERE a = 1\n\n-- about G\n--\n\n-- name: G\nSELECT 2\n"}, "*.sql")
	if err != nil || qc.Get("F") != "SELECT x -- inline\nFROM t\n-- keep\nWHERE a = 1" || qc.Get("G") != "SELECT 2" {
		t.Fatalf("comments: %v %q", err, qc.Get("F"))
	}
}

func TestQueryRowReadsCommittedDataOutsideATransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := "SELECT version FROM config_versions WHERE name = $1"
		var before int64
		if err := d.QueryRow(ctx, q, []any{"rules"}, &before); err != nil {
			t.Fatal(err)
		}
		// Several calls: on SQLite the statement is prepared after its second use.
		for i := range 4 {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, "UPDATE config_versions SET version = version + 1 WHERE name = 'rules'")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var v int64
			if err := d.QueryRow(ctx, q, []any{"rules"}, &v); err != nil {
				t.Fatal(err)
			}
			if v != before+int64(i)+1 {
				t.Fatalf("read %d after %d bumps of %d", v, i+1, before)
			}
		}
		var v int64
		if err := d.QueryRow(ctx, q, []any{"no such"}, &v); !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("missing row: err = %v, want sql.ErrNoRows", err)
		}
	})
}

func TestDeferredWorkRunsBeforeTheCommitOnEveryEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ran := 0
		bump := func(ctx context.Context, tx *db.Tx, items []any) error {
			ran++
			_, err := tx.ExecContext(ctx, "UPDATE config_versions SET version = version + $1 WHERE name = 'rules'", len(items))
			return err
		}
		read := func() (v int64) {
			if err := d.QueryRow(ctx, "SELECT version FROM config_versions WHERE name = 'rules'", nil, &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := read()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			tx.Defer("k", bump, 1, 2)
			tx.Defer("k", bump, 3)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != before+3 || ran != 1 {
			t.Fatalf("version %d after deferring 3 items from %d, batcher ran %d times", got, before, ran)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			tx.Defer("k", bump, 4)
			return errors.New("refused")
		}); err == nil {
			t.Fatal("want the call's error")
		}
		if got := read(); got != before+3 || ran != 1 {
			t.Fatalf("a failed write's deferred work ran: version %d, runs %d", got, ran)
		}
	})
}

// Deleting a ticket or a comment must not read whole tables: every column
// that refers to tickets or ticket_comments leads an index (the engines look
// the referring rows up on each delete).
func TestReferencesToTicketsAreIndexed(t *testing.T) {
	// Per engine: (table, column) of each reference to tickets or comments,
	// and (table, leading column) of each index.
	catalog := map[db.Dialect][2]string{
		db.Postgres: {`
SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.confrelid::regclass::text IN ('tickets', 'ticket_comments')`, `
SELECT i.indrelid::regclass::text, a.attname FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]`},
		db.SQLite: {`
SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
WHERE m.type = 'table' AND f."table" IN ('tickets', 'ticket_comments')`, `
SELECT m.name, COALESCE(ii.name, '') FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii
WHERE m.type = 'table' AND ii.seqno = 0
UNION ALL
SELECT m.name, ti.name FROM sqlite_master m, pragma_table_info(m.name) ti
WHERE m.type = 'table' AND ti.pk = 1 AND upper(ti.type) = 'INTEGER'`},
	}
	type ref struct{ table, column string }
	pairs := func(ctx context.Context, tx *db.Tx, q string) ([]ref, error) {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []ref
		for rows.Next() {
			var r ref
			if err := rows.Scan(&r.table, &r.column); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rows.Err()
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var refs, indexes []ref
		err := d.Read(ctx, func(tx *db.Tx) (err error) {
			if refs, err = pairs(ctx, tx, catalog[d.Dialect][0]); err != nil {
				return err
			}
			indexes, err = pairs(ctx, tx, catalog[d.Dialect][1])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) < 10 {
			t.Fatalf("found only %d references to tickets and comments: %v", len(refs), refs)
		}
		for _, r := range refs {
			if !slices.Contains(indexes, r) {
				t.Errorf("%s.%s refers to tickets or comments but leads no index", r.table, r.column)
			}
		}
	})
}

func TestExecBatchRunsInOrderInTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		read := func() (v int64) {
			if err := d.QueryRow(ctx, "SELECT version FROM config_versions WHERE name = 'sla'", nil, &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := read()
		bump := "UPDATE config_versions SET version = version + $1 WHERE name = 'sla'"
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.ExecBatch(ctx, db.Stmt{SQL: bump, Args: []any{1}}, db.Stmt{SQL: bump, Args: []any{10}},
				db.Stmt{SQL: "UPDATE config_versions SET version = version * 2 WHERE name = 'sla'"})
		}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != (before+11)*2 {
			t.Fatalf("version %d, want (%d+11)*2: the statements ran out of order or not at all", got, before)
		}
		// A failing statement fails the batch and the transaction keeps nothing.
		err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.ExecBatch(ctx, db.Stmt{SQL: bump, Args: []any{5}},
				db.Stmt{SQL: "INSERT INTO config_versions (name, version) VALUES ('sla', 1)"}, db.Stmt{SQL: bump, Args: []any{7}})
		})
		if err == nil || !db.IsUnique(err) {
			t.Fatalf("duplicate key in a batch: err = %v, want a unique violation", err)
		}
		if got := read(); got != (before+11)*2 {
			t.Fatalf("a failed batch left version %d", got)
		}
	})
}

func TestVersionedKeepsOnlyCommittedNewerValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var v db.Versioned[string]
		builds := 0
		get := func(version int64, val string, fail bool) string {
			var got string
			err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				got, err = v.Get(tx, version, func() (string, error) { builds++; return val, nil })
				if err == nil && fail {
					err = errors.New("roll back")
				}
				return err
			})
			if (err != nil) != fail {
				t.Fatalf("Write: %v", err)
			}
			return got
		}
		get(5, "rolled back", true) // built, not kept
		if got := get(5, "five", false); got != "five" || builds != 2 {
			t.Fatalf("got %q after %d builds: a rolled-back value was kept", got, builds)
		}
		if got := get(5, "not built", false); got != "five" || builds != 2 {
			t.Fatalf("got %q after %d builds, want the kept value", got, builds)
		}
		get(4, "older", false) // an older version is built for its reader but never kept
		if got := get(5, "not built", false); got != "five" || builds != 3 {
			t.Fatalf("got %q after %d builds: an older version replaced a newer one", got, builds)
		}
	})
}

// TestBulkHandleRelaxesOnlyItsOwnCommits: a handle opened with Bulk does
// not flush each commit (SQLite synchronous=NORMAL, PostgreSQL
// synchronous_commit=off) while an ordinary handle on the same database
// keeps full durability, and what the bulk handle writes is there for the
// ordinary one.
func TestBulkHandleRelaxesOnlyItsOwnCommits(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			tg := e.Target(t)
			clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
			open := func(bulk bool) *db.DB {
				d, err := db.Open(ctx, tg, clk, db.Options{MaxConns: 2, Bulk: bulk})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				return d
			}
			plain := open(false)
			if _, err := plain.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			bulk := open(true)
			durability := func(d *db.DB) string {
				var v string
				err := d.Write(ctx, func(tx *db.Tx) error {
					q := "SHOW synchronous_commit"
					if d.Dialect == db.SQLite {
						q = "PRAGMA synchronous"
					}
					return tx.QueryRowContext(ctx, q).Scan(&v)
				})
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			want := map[db.Dialect][2]string{db.SQLite: {"2", "1"}, db.Postgres: {"on", "off"}}[tg.Dialect] // FULL/NORMAL, on/off
			if got := durability(plain); got != want[0] {
				t.Fatalf("ordinary handle: durability %q, want %q", got, want[0])
			}
			if got := durability(bulk); got != want[1] {
				t.Fatalf("bulk handle: durability %q, want %q", got, want[1])
			}
			if err := bulk.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO groups (name, created_at, updated_at) VALUES ($1, $2, $2)`, "Bulk", db.TS(tx.Now))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := plain.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM groups WHERE name = 'Bulk'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("row written in bulk seen %d times by the ordinary handle (%v)", n, err)
			}
		})
	}
}

// TestMigrationStatusIsRememberedOnceComplete: /readyz asks for the
// migration status on every probe; once a handle has seen every migration
// applied it answers from memory (a version table changed behind its back
// is not read again), while a handle that has not seen it asks.
func TestMigrationStatusIsRememberedOnceComplete(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			target := e.Target(t)
			open := func() *db.DB {
				d, err := db.Open(ctx, target, clock.NewFake(time.Now()), db.Options{MaxConns: 2})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				return d
			}
			d := open()
			if _, pending, err := d.MigrationStatus(ctx); err != nil || pending == 0 {
				t.Fatalf("empty database: %d pending (%v)", pending, err)
			}
			if _, err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			cur, pending, err := d.MigrationStatus(ctx)
			if err != nil || pending != 0 {
				t.Fatalf("after migrating: %d pending (%v)", pending, err)
			}
			if _, err := d.W.ExecContext(ctx, "DELETE FROM goose_db_version WHERE version_id = "+strconv.FormatInt(cur, 10)); err != nil {
				t.Fatal(err)
			}
			if c2, p2, err := d.MigrationStatus(ctx); err != nil || p2 != 0 || c2 != cur {
				t.Fatalf("remembered status = (%d, %d pending, %v), want (%d, 0)", c2, p2, err, cur)
			}
			if _, p3, err := open().MigrationStatus(ctx); err != nil || p3 != 1 {
				t.Fatalf("a new handle: %d pending (%v), want 1", p3, err)
			}
		})
	}
}
