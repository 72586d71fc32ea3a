package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// WriteFile takes a backup of src into the file path, written under a
// temporary name in the same directory and renamed once synced, so the
// file appears only complete. It returns the manifest and the file's size.
func WriteFile(ctx context.Context, src Source, path string) (Manifest, int64, error) {
	if _, err := os.Stat(path); err == nil {
		return Manifest{}, 0, fmt.Errorf("%s exists already; choose a new file name", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return Manifest{}, 0, err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	m, err := Write(ctx, src, f)
	if err == nil {
		err = f.Sync()
	}
	var size int64
	if st, serr := f.Stat(); serr == nil {
		size = st.Size()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return m, 0, err
	}
	return m, size, nil
}

// Schedule is the scheduled backups' configuration.
type Schedule struct {
	Dir   string        // where backups are written; "" turns scheduling off
	Every time.Duration // how often
	Keep  Retention
}

// Scheduler takes a backup when one is due and applies the retention.
// The server runs it from a periodic durable job (internal/app), so only
// one node runs it at a time, and "due" is read from the records, so a
// restart neither skips nor repeats one.
type Scheduler struct {
	Store    *Store
	Schedule Schedule
	Clock    clock.Clock
	Log      *slog.Logger
	// Source is what is backed up (its Now is set at each run).
	Source Source
}

// RunIfDue takes a scheduled backup when the last good one started at
// least Every ago (or there is none) and prunes the ones the retention no longer
// keeps. It reports whether it took one.
func (s *Scheduler) RunIfDue(ctx context.Context) (bool, error) {
	if s.Schedule.Dir == "" {
		return false, nil
	}
	now := s.Clock.Now()
	last, err := s.Store.LastScheduled(ctx)
	if err != nil {
		return false, err
	}
	if last != nil && now.Sub(last.StartedAt) < s.Schedule.Every {
		return false, nil
	}
	if err := os.MkdirAll(s.Schedule.Dir, 0o750); err != nil {
		return false, err
	}
	name := "frontline-" + now.UTC().Format("20060102T150405Z") + ".backup"
	src := s.Source
	src.Now = now
	m, size, berr := WriteFile(ctx, src, filepath.Join(s.Schedule.Dir, name))
	if err := s.Store.Add(context.WithoutCancel(ctx), name, "scheduled", now, m, size, berr); err != nil {
		return true, errors.Join(berr, err)
	}
	if berr != nil {
		return true, fmt.Errorf("scheduled backup %s: %w", name, berr)
	}
	if s.Log != nil {
		s.Log.Info("scheduled backup written", "file", name, "bytes", size, "rows", m.Rows())
	}
	return true, s.prune(ctx)
}

func (s *Scheduler) prune(ctx context.Context) error {
	kept, err := s.Store.Kept(ctx)
	if err != nil {
		return err
	}
	taken := make([]time.Time, len(kept))
	for i, r := range kept {
		taken[i] = r.StartedAt
	}
	for _, i := range s.Schedule.Keep.Prune(taken, time.UTC) {
		r := kept[i]
		if err := os.Remove(filepath.Join(s.Schedule.Dir, r.FileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("prune backup %s: %w", r.FileName, err)
		}
		if err := s.Store.MarkPruned(ctx, r.ID); err != nil {
			return err
		}
	}
	return nil
}
