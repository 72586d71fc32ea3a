package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/frontline/frontline/internal/clock"
)

// TestGroupCommit runs many concurrent writes on SQLite: each succeeds or
// fails on its own (a failing or panicking call leaves nothing and does not
// disturb the others), after-commit work runs only for committed calls, and
// concurrent calls share commits.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Target{Dialect: SQLite, Path: filepath.Join(t.TempDir(), "g.db")}, clock.Real{}, Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.group == nil {
		t.Fatal("SQLite writes are not grouped")
	}
	if err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE g (k INTEGER PRIMARY KEY, txid INTEGER NOT NULL)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const n = 200
	var wg sync.WaitGroup
	var afters atomic.Int64
	errs := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = d.Write(ctx, func(tx *Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO g (k, txid) VALUES ($1, $2)", i, tx.Now.UnixNano()); err != nil {
					return err
				}
				tx.AfterCommit(func() { afters.Add(1) })
				switch i % 10 {
				case 3:
					return fmt.Errorf("call %d refused", i)
				case 7:
					panic(fmt.Sprintf("call %d panicked", i))
				case 9: // a constraint error after a good statement
					_, err := tx.ExecContext(ctx, "INSERT INTO g (k, txid) VALUES ($1, 0)", i)
					return err
				}
				return nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i := range n {
		switch i % 10 {
		case 3:
			if errs[i] == nil || errs[i].Error() != fmt.Sprintf("call %d refused", i) {
				t.Errorf("call %d: %v", i, errs[i])
			}
		case 7:
			if panics[i] != fmt.Sprintf("call %d panicked", i) {
				t.Errorf("call %d: panic %v", i, panics[i])
			}
		case 9:
			if errs[i] == nil {
				t.Errorf("call %d: duplicate key accepted", i)
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("call %d: %v %v", i, errs[i], panics[i])
			}
			ok++
		}
	}
	var rows int
	var bad int
	if err := d.Read(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM g").Scan(&rows); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM g WHERE k % 10 IN (3, 7, 9)").Scan(&bad)
	}); err != nil {
		t.Fatal(err)
	}
	if rows != ok || bad != 0 || afters.Load() != int64(ok) {
		t.Fatalf("rows %d (want %d), rows of failed calls %d, after-commit runs %d", rows, ok, bad, afters.Load())
	}
	d.group.mu.Lock()
	batches := d.group.batches
	d.group.mu.Unlock()
	if batches >= n {
		t.Fatalf("%d concurrent writes ran in %d batches: none shared a commit", n, batches)
	}
	t.Logf("%d writes in %d batches", n, batches)
	// A caller whose context is already done is not run.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = d.Write(cctx, func(tx *Tx) error { t.Error("ran a cancelled call"); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled call: %v", err)
	}
}
