package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/frontline/frontline/internal/backup"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
)

// cmdBackup writes a backup of the instance named by --data-dir/--database
// to --to. The server may be running: the database copy is consistent and
// taken without stopping writers. The file appears only once complete.
func cmdBackup(ctx context.Context, args []string, env Env) error {
	var to string
	cfg, rest, err := parseFlags("backup", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "file to write the backup to (required; must not exist)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("backup takes no arguments (got %q); name the file with --to", rest[0])}
	}
	if to == "" {
		return usageError{"backup needs --to FILE"}
	}
	m, size, err := backupTo(ctx, cfg, env, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s (%d bytes): %s database at schema version %d, %d tables, %d rows, %d attachment files\n",
		to, size, m.Engine, m.SchemaVersion, len(m.Tables), m.Rows(), len(m.Files)-1)
	return nil
}

// backupTo takes a backup of cfg's instance into the file to.
func backupTo(ctx context.Context, cfg Config, env Env, to string) (backup.Manifest, int64, error) {
	target, err := db.ParseTarget(cfg.Database, cfg.DataDir)
	if err != nil {
		return backup.Manifest{}, 0, err
	}
	if target.Dialect == db.SQLite {
		if _, err := os.Stat(target.Path); err != nil {
			return backup.Manifest{}, 0, fmt.Errorf("no database at %s (check --data-dir or --database)", target.Path)
		}
	}
	clk := env.Options.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	d, err := db.Open(ctx, target, clk, db.Options{MaxConns: 2})
	if err != nil {
		return backup.Manifest{}, 0, err
	}
	defer d.Close()
	started := clk.Now()
	m, size, err := backup.WriteFile(ctx, backup.Source{DB: d, AttachmentsDir: filepath.Join(cfg.DataDir, "attachments"), Version: Version(), Now: started}, to)
	// Recorded for /admin/backups; a database not yet migrated to hold the
	// records (an older schema) still gets its backup.
	if rerr := backup.NewStore(d).Add(context.WithoutCancel(ctx), filepath.Base(to), "manual", started, m, size, err); rerr != nil {
		fmt.Fprintf(env.Stderr, "frontline: note: the backup was not recorded for the admin page: %v\n", rerr)
	}
	if err != nil {
		return m, 0, fmt.Errorf("backup failed, nothing written to %s: %w", to, err)
	}
	return m, size, nil
}

// cmdRestore restores a backup file into the (empty) instance named by
// --data-dir/--database.
func cmdRestore(ctx context.Context, args []string, env Env) error {
	cfg, rest, err := parseFlags("restore", args, env, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{"restore needs exactly one backup file: frontline restore [--data-dir DIR | --database URL] FILE"}
	}
	target, err := db.ParseTarget(cfg.Database, cfg.DataDir)
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	m, err := backup.Restore(ctx, f, backup.Target{DB: target, DataDir: cfg.DataDir})
	if err != nil {
		var dmg *backup.Damaged
		if errors.As(err, &dmg) {
			return fmt.Errorf("%s: %w; nothing was restored", rest[0], err)
		}
		return fmt.Errorf("restore %s: %w", rest[0], err)
	}
	fmt.Fprintf(env.Stdout, "restored %s into %s: schema version %d, %d tables, %d rows checked against the backup, %d attachment files (taken %s by Frontline %s)\n",
		rest[0], target.Describe(), m.SchemaVersion, len(m.Tables), m.Rows(), len(m.Files)-1, m.CreatedAt.Format("2006-01-02 15:04 UTC"), m.FrontlineVersion)
	return nil
}
