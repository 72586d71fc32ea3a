package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// groupCommit runs concurrent Write calls on SQLite's single writer
// connection together: one transaction, each call inside a savepoint of its
// own, one commit for all of them. A call whose function fails is rolled
// back to its savepoint and gets its error; the others are unaffected. No
// call returns before the commit that makes its work durable, so
// acknowledgements still follow commits. The pages that consecutive writes
// share (the newest leaf of each index) are written to the WAL once per
// batch instead of once per call.
//
// There is no background goroutine: the first caller to find no batch
// running leads one batch (its own call and those queued behind it) and
// then hands the lead to the first call still queued.
type groupCommit struct {
	d        *DB
	maxBatch int

	mu      sync.Mutex
	queue   []*writeReq
	leading bool
	batches int64 // batches run (for tests), under mu
}

type writeReq struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	err   error
	after []func()
	panic any
	done  chan struct{} // closed when err, after and panic are set
	lead  chan struct{} // closed when this call is to lead the next batch
}

func newGroupCommit(d *DB) *groupCommit { return &groupCommit{d: d, maxBatch: 64} }

// write runs fn in a batch and returns once the batch has committed.
func (g *groupCommit) write(ctx context.Context, fn func(tx *Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{}), lead: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, req)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		g.runLead()
	}
	for {
		select {
		case <-req.done:
			if req.panic != nil {
				panic(req.panic)
			}
			if req.err != nil {
				return req.err
			}
			for _, f := range req.after {
				f()
			}
			return nil
		case <-req.lead:
			req.lead = nil // a nil channel never fires again
			g.runLead()
		}
	}
}

// runLead runs one batch (the leader's call is its first) and passes the
// lead on, or ends leading when nothing is queued.
func (g *groupCommit) runLead() {
	g.mu.Lock()
	n := min(len(g.queue), g.maxBatch)
	batch := append([]*writeReq(nil), g.queue[:n]...)
	g.queue = g.queue[n:]
	g.batches++
	g.mu.Unlock()

	g.d.runBatch(batch)
	// Statements used twice get prepared now that the connection is free.
	g.d.wcache.flush(context.Background())

	g.mu.Lock()
	if len(g.queue) == 0 {
		g.leading = false
		g.mu.Unlock()
		return
	}
	next := g.queue[0]
	g.mu.Unlock()
	close(next.lead)
}

// runBatch runs the calls of batch in one transaction on the writer.
func (d *DB) runBatch(batch []*writeReq) {
	ctx := context.Background() // the batch outlives any one caller's context
	finish := func(err error) {
		for _, r := range batch {
			if r.err == nil && r.panic == nil {
				r.err = err
			}
			if r.err != nil || r.panic != nil {
				r.after = nil
			}
			close(r.done)
		}
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		finish(err)
		return
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	tx := &Tx{Tx: stx, Dialect: d.Dialect, conn: conn, cache: d.wcache}
	ran := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if err := d.runSavepoint(ctx, stx, tx, r); err != nil {
			// The transaction itself failed: nothing of the batch is kept.
			_ = stx.Rollback()
			finish(err)
			return
		}
		if r.err == nil && r.panic == nil {
			ran++
		}
	}
	if ran == 0 {
		_ = stx.Rollback()
		finish(nil)
		return
	}
	if err := tx.flushDeferred(ctx); err != nil {
		_ = stx.Rollback()
		finish(err)
		return
	}
	finish(stx.Commit())
}

// runSavepoint runs one call inside a savepoint; its own failure (error or
// panic) rolls back only its work. The returned error is one of the
// transaction, which ends the batch.
func (d *DB) runSavepoint(ctx context.Context, stx *sql.Tx, tx *Tx, r *writeReq) (txErr error) {
	if _, err := stx.ExecContext(ctx, "SAVEPOINT frontline_call"); err != nil {
		return err
	}
	tx.Now, tx.after = d.Clock.Now().UTC(), nil
	mark := tx.mark()
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
		}()
		r.err = r.fn(tx)
	}()
	if r.err != nil || r.panic != nil {
		tx.reset(mark)
		if _, err := stx.ExecContext(ctx, "ROLLBACK TO frontline_call"); err != nil {
			return fmt.Errorf("roll back a failed write: %w", err)
		}
	} else {
		r.after = tx.after
	}
	_, err := stx.ExecContext(ctx, "RELEASE frontline_call")
	return err
}
