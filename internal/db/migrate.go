package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one step of the single ordered migration chain.
type Migration struct {
	Version int64
	Name    string
	SQL     string // rendered for the dialect
}

// Migrations returns the chain rendered for d. Files are named
// NNNNN_description.sql and hold goose annotations; only the Up section is used.
func Migrations(d Dialect) ([]Migration, error) {
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int64]string{}
	for _, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version number and '_'", base)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, base, v)
		}
		seen[v] = base
		b, err := migrationFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		up := string(b)
		if i := strings.Index(up, "-- +goose Up"); i >= 0 {
			up = up[i+len("-- +goose Up"):]
		}
		if i := strings.Index(up, "-- +goose Down"); i >= 0 {
			up = up[:i]
		}
		out = append(out, Migration{Version: v, Name: base, SQL: d.RenderDDL(up)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// provider builds the goose provider; locked adds PostgreSQL's advisory
// session lock, which only migrating needs (the lock is one per database
// server database, shared by every schema, so a status read must not wait
// for another schema's migration).
func (d *DB) provider(log *slog.Logger, locked bool) (*goose.Provider, error) {
	ms, err := Migrations(d.Dialect)
	if err != nil {
		return nil, err
	}
	var gms []*goose.Migration
	for _, m := range ms {
		script := m.SQL
		gms = append(gms, goose.NewGoMigration(m.Version, &goose.GoFunc{
			RunTx: func(ctx context.Context, tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, script); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
				return nil
			},
		}, nil))
	}
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(gms...),
	}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	if d.Dialect == Postgres && locked {
		// Several Frontline nodes may start at once against one PostgreSQL:
		// an advisory lock lets exactly one of them migrate.
		// The lock is per schema: nodes migrating the same schema take turns,
		// while databases in other schemas of the same server (tests, other
		// instances) do not wait for one another.
		var schema string
		if err := d.W.QueryRow("SELECT current_database() || '.' || current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("read the schema to migrate: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("frontline-migrate:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() & 0x7fffffffffffffff)))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.W, nil, opts...)
}

// Migrate applies every pending migration and returns how many ran.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) (int, error) {
	p, err := d.provider(log, true)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// MigrationStatus reports the applied and pending versions.
func (d *DB) MigrationStatus(ctx context.Context) (current int64, pending int, err error) {
	if v := d.migrated.Load(); v > 0 {
		return v, 0, nil
	}
	p, err := d.provider(nil, false)
	if err != nil {
		return 0, 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range st {
		if s.State == goose.StatePending {
			pending++
		} else if s.Source.Version > current {
			current = s.Source.Version
		}
	}
	if pending == 0 && current > 0 {
		d.migrated.Store(current)
	}
	return current, pending, nil
}
