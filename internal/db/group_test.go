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

// TestDeferGathersTheBatchsWork: work deferred by concurrent SQLite writes
// reaches its batcher once per batch, without the items of calls that
// failed, inside the transaction that commits them; a failing batcher fails
// every call of its batch and keeps nothing.
func TestDeferGathersTheBatchsWork(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Target{Dialect: SQLite, Path: filepath.Join(t.TempDir(), "d.db")}, clock.Real{}, Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE item (k INTEGER PRIMARY KEY)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	var failBatcher atomic.Bool
	batcher := func(ctx context.Context, tx *Tx, items []any) error {
		calls.Add(1)
		if failBatcher.Load() {
			return errors.New("batcher failed")
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, "INSERT INTO item (k) VALUES ($1)", it); err != nil {
				return err
			}
		}
		return nil
	}
	type key struct{}
	const n = 120
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Write(ctx, func(tx *Tx) error {
				tx.Defer(key{}, batcher, i)
				if i%4 == 1 {
					return fmt.Errorf("call %d refused", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var stored int
	if err := d.Read(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, "SELECT count(*) FROM item").Scan(&stored) }); err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, err := range errs {
		if (err != nil) != (i%4 == 1) {
			t.Fatalf("call %d: err %v", i, err)
		}
		if err == nil {
			want++
		}
	}
	if stored != want {
		t.Fatalf("%d items stored, want %d (the failed calls' items must be dropped)", stored, want)
	}
	if c := calls.Load(); c >= n-n/4 {
		t.Errorf("the batcher ran %d times for %d successful calls: no batch shared it", c, want)
	}
	// A failing batcher: the call fails and nothing of it is kept.
	failBatcher.Store(true)
	err = d.Write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO item (k) VALUES (100000)"); err != nil {
			return err
		}
		tx.Defer(key{}, batcher, 100001)
		return nil
	})
	if err == nil {
		t.Fatal("a failing batcher did not fail the write")
	}
	var left int
	if err := d.Read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM item WHERE k >= 100000").Scan(&left)
	}); err != nil || left != 0 {
		t.Fatalf("after a failed batcher %d rows of the write remain (err %v)", left, err)
	}
}
