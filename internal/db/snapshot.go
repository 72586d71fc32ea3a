package db

// Consistent online copies of the database and their restoration
// (frontline backup / restore, docs/adr/0014-backup.md). Like every other
// engine difference, how each engine is copied lives here: SQLite writes a
// copy with VACUUM INTO from one read transaction; PostgreSQL runs pg_dump
// on a snapshot exported from a REPEATABLE READ transaction, in which the
// row counts and checksums of the manifest are read too, so the manifest
// describes exactly the rows the dump holds.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// TableSum is what a copy says of one table: its rows and an
// order-independent checksum of their values.
type TableSum struct {
	Rows int64  `json:"rows"`
	Sum  string `json:"sha256"`
}

// SnapshotInfo describes a copy written by Snapshot.
type SnapshotInfo struct {
	// File is the copy's file name inside the directory given to Snapshot.
	File          string
	SchemaVersion int64
	Tables        map[string]TableSum
}

// SnapshotFile is the name of the database copy inside a backup for each engine.
func SnapshotFile(d Dialect) string {
	if d == Postgres {
		return "database.pgdump"
	}
	return "database.sqlite"
}

// Snapshot writes a consistent copy of the whole database into dir while
// writers go on, and describes it.
func (d *DB) Snapshot(ctx context.Context, dir string) (SnapshotInfo, error) {
	if d.Dialect == Postgres {
		return d.snapshotPostgres(ctx, dir)
	}
	return d.snapshotSQLite(ctx, dir)
}

func (d *DB) snapshotSQLite(ctx context.Context, dir string) (SnapshotInfo, error) {
	name := SnapshotFile(SQLite)
	dst := filepath.Join(dir, name)
	// A connection of its own (not query_only): VACUUM INTO reads the
	// database in one read transaction, which in WAL mode never blocks
	// the writer, and writes a compact copy.
	pool, err := sql.Open("sqlite", sqliteDSN(d.Target.Path, false, false))
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer pool.Close()
	if _, err := pool.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return SnapshotInfo{}, fmt.Errorf("copy SQLite database: %w", err)
	}
	info, err := DescribeSQLiteFile(ctx, dst)
	info.File = name
	return info, err
}

// DescribeSQLiteFile reads the schema version, row counts and checksums of
// a SQLite copy, after checking its integrity.
func DescribeSQLiteFile(ctx context.Context, path string) (SnapshotInfo, error) {
	pool, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	var ok string
	if err := pool.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil {
		return SnapshotInfo{}, fmt.Errorf("the database copy is unreadable: %v", err)
	}
	if ok != "ok" {
		return SnapshotInfo{}, fmt.Errorf("the database copy is damaged: %s", ok)
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer tx.Rollback()
	return describe(ctx, tx, SQLite)
}

// describe reads, in tx, the schema version and each table's sum.
func describe(ctx context.Context, tx *sql.Tx, d Dialect) (SnapshotInfo, error) {
	var info SnapshotInfo
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&info.SchemaVersion); err != nil {
		return info, fmt.Errorf("read schema version: %w", err)
	}
	tables, err := listTables(ctx, tx, d)
	if err != nil {
		return info, err
	}
	info.Tables = map[string]TableSum{}
	for _, t := range tables {
		s, err := sumTable(ctx, tx, t)
		if err != nil {
			return info, fmt.Errorf("table %s: %w", t, err)
		}
		info.Tables[t] = s
	}
	return info, nil
}

func listTables(ctx context.Context, tx *sql.Tx, d Dialect) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if d == Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// sumTable counts a table's rows and adds up a hash of each row's values
// (a sum, so the order rows come in does not matter).
func sumTable(ctx context.Context, tx *sql.Tx, table string) (TableSum, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return TableSum{}, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	var acc [4]uint64
	var buf bytes.Buffer
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, err
		}
		buf.Reset()
		for _, v := range vals {
			writeValue(&buf, v)
		}
		h := sha256.Sum256(buf.Bytes())
		for i := range acc {
			acc[i] += binary.BigEndian.Uint64(h[i*8:])
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	var out [32]byte
	for i := range acc {
		binary.BigEndian.PutUint64(out[i*8:], acc[i])
	}
	return TableSum{Rows: n, Sum: hex.EncodeToString(out[:])}, nil
}

func writeValue(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("\x00N")
	case []byte:
		fmt.Fprintf(b, "\x00B%d:", len(x))
		b.Write(x)
	case string:
		fmt.Fprintf(b, "\x00S%d:", len(x))
		b.WriteString(x)
	case time.Time:
		fmt.Fprintf(b, "\x00T%d", x.UnixNano())
	default:
		fmt.Fprintf(b, "\x00V%T:%v", v, v)
	}
}

// pgSchema is the schema a PostgreSQL connection works in.
func pgSchema(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (string, error) {
	var s sql.NullString
	if err := q.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s); err != nil {
		return "", err
	}
	if !s.Valid || s.String == "" {
		return "", errors.New("the connection has no current schema (check search_path)")
	}
	return s.String, nil
}

func (d *DB) snapshotPostgres(ctx context.Context, dir string) (SnapshotInfo, error) {
	name := SnapshotFile(Postgres)
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer tx.Rollback()
	var snap string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snap); err != nil {
		return SnapshotInfo{}, fmt.Errorf("export snapshot: %w", err)
	}
	schema, err := pgSchema(ctx, tx)
	if err != nil {
		return SnapshotInfo{}, err
	}
	uri, err := libpqURI(d.Target.DSN)
	if err != nil {
		return SnapshotInfo{}, err
	}
	// pg_dump reads the exported snapshot while this transaction holds it
	// open; the manifest's sums are read in the same snapshot meanwhile.
	dump := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+snap, "--schema="+schema, "--file="+filepath.Join(dir, name), "--dbname="+uri)
	var stderr bytes.Buffer
	dump.Stderr = &stderr
	if err := dump.Start(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("run pg_dump (install the PostgreSQL client tools): %w", err)
	}
	info, derr := describe(ctx, tx, Postgres)
	if err := dump.Wait(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if derr != nil {
		return SnapshotInfo{}, derr
	}
	info.File = name
	return info, nil
}

// libpqURI turns a pgx DSN into one the PostgreSQL client tools accept:
// run-time parameters (search_path, synchronous_commit) go into options.
func libpqURI(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	libpq := map[string]bool{"host": true, "port": true, "dbname": true, "user": true, "password": true,
		"sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true, "sslpassword": true,
		"connect_timeout": true, "application_name": true, "target_session_attrs": true, "passfile": true}
	q := u.Query()
	out := url.Values{}
	var opts []string
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case libpq[k]:
			out[k] = q[k]
		case k == "options":
			opts = append(opts, q.Get(k))
		default:
			// Any other key is a run-time parameter for pgx; libpq takes it as -c.
			opts = append(opts, "-c "+k+"="+strings.ReplaceAll(q.Get(k), " ", `\ `))
		}
	}
	if len(opts) > 0 {
		out.Set("options", strings.Join(opts, " "))
	}
	// libpq decodes %20, not '+', as a space.
	u.RawQuery = strings.ReplaceAll(out.Encode(), "+", "%20")
	return u.String(), nil
}

// RestoreSnapshot loads a copy written by Snapshot (file, of dialect
// from) into this database, which must be empty, and returns the restored
// database's description for checking against the backup's manifest. On
// SQLite the copy is put in place by the caller (RestoreSQLiteFile);
// this is PostgreSQL's half.
func (d *DB) RestoreSnapshot(ctx context.Context, file string, from Dialect, schema string) (SnapshotInfo, error) {
	if from != d.Dialect {
		return SnapshotInfo{}, fmt.Errorf("the backup is of a %s database and cannot be restored into %s (restore it into the same kind of database)", from, d.Dialect)
	}
	if d.Dialect != Postgres {
		return SnapshotInfo{}, errors.New("RestoreSnapshot is for PostgreSQL; a SQLite copy is put in place with RestoreSQLiteFile")
	}
	cur, err := pgSchema(ctx, d.W)
	if err != nil {
		return SnapshotInfo{}, err
	}
	if schema != "" && cur != schema {
		return SnapshotInfo{}, fmt.Errorf("the backup holds schema %q but the target database works in %q; set search_path=%s on the --database URL or restore into a database whose schema is %q", schema, cur, schema, schema)
	}
	var n int
	if err := d.W.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n); err != nil {
		return SnapshotInfo{}, err
	}
	if n > 0 {
		return SnapshotInfo{}, fmt.Errorf("the target database is not empty: schema %q has %d tables; restore into an empty database", cur, n)
	}
	uri, err := libpqURI(d.Target.DSN)
	if err != nil {
		return SnapshotInfo{}, err
	}
	// The schema exists already (it is the target's): leave its own entry
	// out of the restore list, restore everything else in one transaction.
	var list bytes.Buffer
	ls := exec.CommandContext(ctx, "pg_restore", "--list", file)
	ls.Stdout = &list
	var stderr bytes.Buffer
	ls.Stderr = &stderr
	if err := ls.Run(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("pg_restore --list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var keep bytes.Buffer
	for line := range strings.SplitSeq(list.String(), "\n") {
		if strings.Contains(line, " SCHEMA - ") {
			continue
		}
		keep.WriteString(line + "\n")
	}
	lf, err := os.CreateTemp("", "frontline-restore-*.list")
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer os.Remove(lf.Name())
	if _, err := lf.Write(keep.Bytes()); err != nil {
		lf.Close()
		return SnapshotInfo{}, err
	}
	lf.Close()
	stderr.Reset()
	rs := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
		"--single-transaction", "--use-list="+lf.Name(), "--dbname="+uri, file)
	rs.Stderr = &stderr
	if err := rs.Run(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("pg_restore: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	tx, err := d.W.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer tx.Rollback()
	return describe(ctx, tx, Postgres)
}

// SnapshotSchema is the PostgreSQL schema this database works in ("" on SQLite).
func (d *DB) SnapshotSchema(ctx context.Context) (string, error) {
	if d.Dialect != Postgres {
		return "", nil
	}
	return pgSchema(ctx, d.W)
}
