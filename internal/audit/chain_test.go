package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

func write(t *testing.T, l *Log, d *db.DB, n int, what string) {
	t.Helper()
	for i := range n {
		err := d.Write(context.Background(), func(tx *db.Tx) error {
			return l.Record(context.Background(), tx, Actor{ID: int64(i + 1), Role: "admin", IP: "10.0.0.1"}, what, "ticket", int64(i+1),
				map[string]any{"status": "open"}, map[string]any{"status": "solved", "note": "ünïcode \"quoted\""})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditChainSealsAndDetectsTampering seals entries in rounds, verifies
// the chain, and finds a changed, a deleted and a re-sequenced entry.
func TestAuditChainSealsAndDetectsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		write(t, l, d, 7, "ticket.update")
		if n, err := l.Seal(ctx, 5); err != nil || n != 5 {
			t.Fatalf("first round sealed %d %v", n, err)
		}
		write(t, l, d, 3, "ticket.create")
		if n, err := l.Seal(ctx, 100); err != nil || n != 5 {
			t.Fatalf("second round sealed %d %v", n, err)
		}
		if n, _ := l.Seal(ctx, 100); n != 0 {
			t.Fatal("sealed twice")
		}
		write(t, l, d, 1, "user.update") // not sealed yet
		v, err := l.Verify(ctx)
		if err != nil || !v.Intact() || v.Sealed != 10 || v.Unsealed != 1 {
			t.Fatalf("verify %+v %v", v, err)
		}
		if !strings.Contains(v.String(), "intact: 10 entries verified, 1 recent") {
			t.Fatal(v.String())
		}
		var id4 int64
		if err := d.QueryRow(ctx, "SELECT id FROM audit_log WHERE seq = 4", nil, &id4); err != nil {
			t.Fatal(err)
		}
		// An edited entry.
		if _, err := d.W.ExecContext(ctx, "UPDATE audit_log SET after_json = '{\"status\":\"open\"}' WHERE seq = 4"); err != nil {
			t.Fatal(err)
		}
		v, _ = l.Verify(ctx)
		if v.Intact() || v.BrokenSeq != 4 || v.BrokenID != id4 || v.Sealed != 3 || !strings.Contains(v.String(), "broken at entry 4") {
			t.Fatalf("edited entry: %+v", v)
		}
		// Put it back: intact again (the hash covers content, not when it was checked).
		if _, err := d.W.ExecContext(ctx, "UPDATE audit_log SET after_json = '{\"note\":\"ünïcode \\\"quoted\\\"\",\"status\":\"solved\"}' WHERE seq = 4"); err != nil {
			t.Fatal(err)
		}
		if v, _ := l.Verify(ctx); !v.Intact() {
			t.Fatalf("restored entry: %+v", v)
		}
		// A deleted entry.
		if _, err := d.W.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 6"); err != nil {
			t.Fatal(err)
		}
		v, _ = l.Verify(ctx)
		if v.Intact() || v.BrokenSeq != 6 || !strings.Contains(v.Problem, "missing") {
			t.Fatalf("deleted entry: %+v", v)
		}
		// An entry moved to another place in the chain.
		if _, err := d.W.ExecContext(ctx, "UPDATE audit_log SET seq = 6 WHERE seq = 7"); err != nil {
			t.Fatal(err)
		}
		v, _ = l.Verify(ctx)
		if v.Intact() || v.BrokenSeq != 6 || strings.Contains(v.Problem, "missing") {
			t.Fatalf("moved entry: %+v", v)
		}
	})
}
