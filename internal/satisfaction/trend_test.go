package satisfaction

import (
	"context"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// TestTrendByWeekAgentAndGroup: ratings over three weeks by two agents in
// two groups are counted per ISO week (empty weeks included), per agent
// and per group; a rating of a restricted brand's ticket is left out for
// whoever the brand is hidden from; List and Count narrow to an agent or
// a group.
func TestTrendByWeekAgentAndGroup(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // Monday of 2026-W45
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		al := audit.New(d)
		ps := people.NewStore(d, al)
		ts := ticket.NewStore(d, al, t.TempDir(), 0)
		s := NewStore(d, al)
		cust, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp("c"), Email: sp("c@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		agent := func(n string) int64 {
			u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp(n), Email: sp(n + "@example.com"), Role: sp("agent")})
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		group := func(n string) int64 {
			g, err := ps.CreateGroup(ctx, audit.System(), people.GroupInput{Name: sp(n)})
			if err != nil {
				t.Fatal(err)
			}
			return g.ID
		}
		ann, bo := agent("ann"), agent("bo")
		emea, amer := group("EMEA"), group("AMER")
		rate := func(who, grp int64, score string) int64 {
			tk, _, err := ts.Create(ctx, ticket.Actor{UserID: who, Role: "agent"}, ticket.CreateInput{Subject: "s", Comment: ticket.CommentInput{Body: "b"},
				RequesterID: cust.ID, AssigneeID: &who, GroupID: &grp, Status: sp("solved")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Rate(ctx, audit.Actor{ID: cust.ID, Role: "end-user"}, tk.ID, Input{Score: score}); err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		// W45: ann good, ann bad, bo good. W46: nothing. W47: bo bad, bo good.
		rate(ann, emea, Good)
		rate(ann, emea, Bad)
		rate(bo, amer, Good)
		clk.Advance(14 * 24 * time.Hour)
		rate(bo, amer, Bad)
		restricted := rate(bo, amer, Good)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO brands (id, name, subdomain, restricted, created_at, updated_at) VALUES (9, 'Gov', 'gov', TRUE, 0, 0)"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "UPDATE tickets SET brand_id = 9 WHERE id = $1", restricted)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tr, err := s.TrendOf(ctx, Filter{}, 4, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			key       string
			good, bad int
		}{{"2026-W44", 0, 0}, {"2026-W45", 2, 1}, {"2026-W46", 0, 0}, {"2026-W47", 1, 1}}
		if len(tr.Weeks) != 4 {
			t.Fatalf("weeks %+v", tr.Weeks)
		}
		for i, w := range want {
			if b := tr.Weeks[i]; b.Key != w.key || b.Good != w.good || b.Bad != w.bad {
				t.Fatalf("week %d: %+v, want %+v", i, b, w)
			}
		}
		if tr.Weeks[1].GoodPct() < 66 || tr.Weeks[1].GoodPct() > 67 || tr.Weeks[0].GoodPct() != -1 {
			t.Fatalf("good shares %v %v", tr.Weeks[1].GoodPct(), tr.Weeks[0].GoodPct())
		}
		if len(tr.Agents) != 2 || tr.Agents[0].ID != bo || tr.Agents[0].Good != 2 || tr.Agents[0].Bad != 1 || tr.Agents[1].ID != ann {
			t.Fatalf("agents %+v", tr.Agents)
		}
		if len(tr.Groups) != 2 || tr.Groups[0].ID != amer || tr.Groups[1].ID != emea || tr.Groups[1].Total() != 2 {
			t.Fatalf("groups %+v", tr.Groups)
		}
		hidden, err := s.TrendOf(ctx, Filter{Hidden: []int64{9}}, 4, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if w := hidden.Weeks[3]; w.Good != 0 || w.Bad != 1 {
			t.Fatalf("the restricted rating counted for an outsider: %+v", w)
		}
		if n, err := s.Count(ctx, Filter{AssigneeID: ann}); err != nil || n != 2 {
			t.Fatalf("count by agent: %d %v", n, err)
		}
		if list, err := s.List(ctx, Filter{GroupID: amer, Hidden: []int64{9}}); err != nil || len(list) != 2 {
			t.Fatalf("list by group, outsider: %d %v", len(list), err)
		}
	})
}
