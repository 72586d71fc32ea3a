package kpi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestBrandMigrationMovesExistingNumbers upgrades a database whose rollups
// were folded before cells had a brand (migrations up to 00142, cells and
// facts written in the old form, every ticket counted together) through
// 00144: the next fold moves the restricted brand's ticket out of the
// default brand's cells, so the stored rollups equal a recomputation and an
// outsider's numbers leave it out, on both engines.
func TestBrandMigrationMovesExistingNumbers(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, e.Target(t), clock.NewFake(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)), db.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			ms, err := db.Migrations(d.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			migrate := func(from, to int64) {
				t.Helper()
				n := 0
				for _, m := range ms {
					if m.Version >= from && m.Version <= to {
						if _, err := d.W.ExecContext(ctx, m.SQL); err != nil {
							t.Fatalf("%s: %v", m.Name, err)
						}
						n++
					}
				}
				if n == 0 {
					t.Fatalf("no migration in %d..%d", from, to)
				}
			}
			migrate(0, 142)
			at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC).UnixMicro()
			exec(t, d, "INSERT INTO users (id, name, role, region, created_at, updated_at) VALUES (1, 'Req', 'end-user', '', 0, 0), (2, 'Amy', 'agent', 'AMER', 0, 0)")
			exec(t, d, "INSERT INTO brands (id, name, subdomain, restricted, created_at, updated_at) VALUES (2, 'Gov', 'gov', TRUE, 0, 0)")
			for id, brand := range map[int64]int64{1: 1, 2: 2, 3: 2} {
				exec(t, d, "INSERT INTO tickets (id, subject, status, requester_id, submitter_id, assignee_id, created_at, updated_at, solved_at, brand_id) VALUES ($1, 's', 'solved', 1, 1, 2, $2, $3, $3, $4)",
					id, at, at+3600e6, brand)
			}
			// The fold as it was: every fact and cell without a brand.
			s := NewStore(d)
			var facts map[int64]*Fact
			if err := d.Read(ctx, func(tx *db.Tx) error {
				facts, err = s.computeFacts(ctx, tx, []int64{1, 2, 3})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			cells := map[CellKey]*Cell{}
			factCols := strings.TrimSuffix(strings.TrimSpace(s.q.Get("FactColumns")), ", brand_id")
			for _, f := range facts {
				f.BrandID = 1 // the old cell key's form is the new one's without "|1"
				cellsOf(*f, 1, cells)
				a := factArgs(f)
				exec(t, d, "INSERT INTO kpi_ticket_facts ("+factCols+") VALUES "+d.Dialect.ValuesRows(1, len(a)-1), a[:len(a)-1]...)
			}
			cellCols := strings.TrimSuffix(cellColumnsSQL, ", brand_id")
			for k, c := range cells {
				a := cellArgs(strings.TrimSuffix(k.String(), "|1"), k, c)
				exec(t, d, "INSERT INTO "+cellTable(k)+" ("+cellCols+") VALUES "+d.Dialect.ValuesRows(1, len(a)-1), a[:len(a)-1]...)
			}
			exec(t, d, "DELETE FROM kpi_dirty")
			migrate(143, 1<<40)

			if _, err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := s.Stored(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Recompute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Cells) != len(want.Cells) || len(want.Cells) != 8 { // 2 brands x 2 grains x (assignee, every assignee)
				t.Fatalf("after the migration: %d cells stored, %d recomputed, want 8", len(got.Cells), len(want.Cells))
			}
			for k, w := range want.Cells {
				if got.Cells[k] != w {
					t.Fatalf("cell %s: stored %+v, recomputed %+v", k, got.Cells[k], w)
				}
			}
			for _, f := range []Filter{{HiddenBrands: []int64{2}}, {}} {
				_, data, _, err := s.read(ctx, Query{Period: Month, At: time.UnixMicro(at), Periods: 1, Filter: f})
				if err != nil {
					t.Fatal(err)
				}
				if wantN := int64(3 - 2*len(f.HiddenBrands)); data[0].c.Solved != wantN || data[0].c.Created != wantN {
					t.Fatalf("%+v: %+v, want %d created and solved", f, data[0].c, wantN)
				}
			}
		})
	}
}
