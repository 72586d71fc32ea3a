package web

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/backup"
	"github.com/frontline/frontline/internal/db"
)

func TestAdminBackupsPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := signIn(t, e, "admin@example.com")
		r := e.do(admin, "GET", "/admin/backups", nil)
		if r.code != 200 || !strings.Contains(r.body, "none recorded") || !strings.Contains(r.body, "--backup-dir") {
			t.Fatalf("empty page: %d %s", r.code, r.body)
		}
		st := backup.NewStore(e.srv.DB)
		e.srv.Backups = st
		e.srv.BackupSchedule = backup.Schedule{Dir: "/var/backups/frontline", Every: 24 * time.Hour, Keep: backup.Retention{Daily: 7, Weekly: 4}}
		ctx := context.Background()
		m := backup.Manifest{SchemaVersion: 21, Tables: map[string]db.TableSum{"tickets": {Rows: 1200}}, Files: []backup.File{{Path: "database.sqlite"}, {Path: "attachments/ab/x"}}}
		if err := st.Add(ctx, "frontline-20261203T020000Z.backup", "scheduled", e.clk.Now().Add(-26*time.Hour), m, 3<<20, nil); err != nil {
			t.Fatal(err)
		}
		if err := st.Add(ctx, "frontline-20261204T020000Z.backup", "scheduled", e.clk.Now().Add(-2*time.Hour), backup.Manifest{}, 0, errors.New("disk <full>")); err != nil {
			t.Fatal(err)
		}
		r = e.do(admin, "GET", "/admin/backups", nil)
		for _, want := range []string{"frontline-20261203T020000Z.backup</code>, 3.0 MB", "1200 rows in 1 tables and 1 attachment files", "every 24h0m0s into <code>/var/backups/frontline</code>", "<strong>failed</strong>: disk &lt;full&gt;", "Next scheduled"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if r := e.do(signIn(t, e, "agent@example.com"), "GET", "/admin/backups", nil); r.code != 403 {
			t.Fatalf("agent: %d", r.code)
		}
	})
}
