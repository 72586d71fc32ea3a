package audit

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestListFiltersByActionAndFoldsSessions: an action filter matches the
// action or its prefix; HideSessions leaves out session.* entries.
func TestListFiltersByActionAndFoldsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		write(t, l, d, 2, "session.created")
		write(t, l, d, 3, "ticket.updated")
		write(t, l, d, 1, "ticket.deleted")
		count := func(f Filter) int {
			t.Helper()
			es, err := l.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if n := count(Filter{}); n != 6 {
			t.Errorf("all: %d", n)
		}
		if n := count(Filter{HideSessions: true}); n != 4 {
			t.Errorf("sessions folded: %d", n)
		}
		if n := count(Filter{Action: "ticket"}); n != 4 {
			t.Errorf("ticket.*: %d", n)
		}
		if n := count(Filter{Action: "ticket.deleted"}); n != 1 {
			t.Errorf("ticket.deleted: %d", n)
		}
		if n := count(Filter{Action: "tick"}); n != 0 {
			t.Errorf("a partial word matched: %d", n)
		}
		if n := count(Filter{Action: "session", HideSessions: true}); n != 0 {
			t.Errorf("sessions shown while folded: %d", n)
		}
	})
}
