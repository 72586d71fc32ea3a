package backup

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestScheduledBackupsWithRetention runs the scheduler on an injected
// clock on both engines: a backup when none exists, none again before the
// interval, one per day after, failures recorded, and the retention
// deleting the files (and only those) it no longer keeps.
func TestScheduledBackupsWithRetention(t *testing.T) {
	start := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		other := filepath.Join(dir, "not-a-backup.txt")
		if err := os.WriteFile(other, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		s := &Scheduler{Store: NewStore(d), Clock: clk, Source: Source{DB: d, Version: "test"},
			Schedule: Schedule{Dir: dir, Every: 24 * time.Hour, Keep: Retention{Daily: 3, Weekly: 2}}}
		ran, err := s.RunIfDue(ctx)
		if err != nil || !ran {
			t.Fatalf("first run: ran=%v err=%v", ran, err)
		}
		clk.Advance(23 * time.Hour)
		if ran, err := s.RunIfDue(ctx); err != nil || ran {
			t.Fatalf("before the interval: ran=%v err=%v", ran, err)
		}
		clk.Advance(time.Hour)
		for day := 1; day < 20; day++ {
			if ran, err := s.RunIfDue(ctx); err != nil || !ran {
				t.Fatalf("day %d: ran=%v err=%v", day, ran, err)
			}
			clk.Advance(24 * time.Hour)
		}
		kept, err := s.Store.Kept(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range kept {
			names = append(names, r.FileName)
			if r.Status != "ok" || r.Size <= 0 || r.Tables == 0 || r.SchemaVersion == 0 {
				t.Errorf("record %+v", r)
			}
		}
		// Days 17, 18, 19 (Nov 18-20) and the newest of the week before (Nov 15, a Sunday).
		want := []string{"frontline-20261115T020000Z.backup", "frontline-20261118T020000Z.backup", "frontline-20261119T020000Z.backup", "frontline-20261120T020000Z.backup"}
		if !slices.Equal(names, want) {
			t.Fatalf("kept %v, want %v", names, want)
		}
		es, _ := os.ReadDir(dir)
		var files []string
		for _, e := range es {
			files = append(files, e.Name())
		}
		if !slices.Equal(files, append(slices.Clone(want), "not-a-backup.txt")) {
			t.Fatalf("files left %v", files)
		}
		// Each kept file restores-checks: a good archive.
		f, err := os.Open(filepath.Join(dir, want[3]))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := Extract(f, t.TempDir()); err != nil {
			t.Fatal(err)
		}
		// A backup that cannot be taken is recorded as failed, keeps the last
		// good one, and is tried again at the next run.
		broken, err := db.Open(ctx, d.Target, clk, db.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		broken.Close()
		broken.Target.Path = filepath.Join(other, "gone.db") // SQLite opens its own connection
		s.Source.DB = broken
		if _, err := s.RunIfDue(ctx); err == nil {
			t.Fatal("a backup of a closed database succeeded")
		}
		recs, err := s.Store.List(ctx, 1)
		if err != nil || len(recs) != 1 || recs[0].Status != "failed" || recs[0].Error == "" {
			t.Fatalf("failed backup recorded as %+v (%v)", recs, err)
		}
		if ran, err := s.RunIfDue(ctx); !ran || err == nil {
			t.Fatalf("a failed backup is not retried: ran=%v err=%v", ran, err)
		}
		last, err := s.Store.LastOK(ctx)
		if err != nil || last == nil || last.FileName != want[3] {
			t.Fatalf("last good %+v %v", last, err)
		}
	})
}
