package rulestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// TestViewSQLMatchesReference builds varied tickets (with SLA metrics) and
// checks, on both engines, that every view's SQL returns exactly the
// tickets rules.Filter.Match accepts, in rules.Filter.Compare order, through
// keyset pages, offset pages and count.
func TestViewSQLMatchesReference(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk, true)
		rng := rand.New(rand.NewPCG(7, 11))
		pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
		var ids []int64
		for i := range 40 {
			clk.Advance(time.Duration(rng.IntN(120)+1) * time.Minute)
			in := ticket.CreateInput{Subject: fmt.Sprintf("ticket %02d", i), Comment: ticket.CommentInput{Body: "hello"}}
			if p := pick("", "low", "normal", "high", "urgent"); p != "" {
				in.Priority = sp(p)
			}
			if ty := pick("", "question", "incident"); ty != "" {
				in.Type = sp(ty)
			}
			in.Tags = []string{pick("a", "b", "c"), pick("", "b", "vip")}
			switch i % 8 {
			case 0:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: "gold"}}
			case 1:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: 3}}
			case 2:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: []any{"a", "b"}}, {ID: 8, Value: 2.5}}
			case 3:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: true}}
			case 4:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: ""}, {ID: 70, Value: "gold"}}
			case 5:
				in.CustomFields = []ticket.CustomField{{ID: 7, Value: nil}, {ID: 8, Value: "50% <off>"}}
			}
			actor := f.saasCus
			if rng.IntN(2) == 0 {
				actor = f.smCus
			}
			switch rng.IntN(3) {
			case 0:
				in.AssigneeID = &f.alice.UserID
			case 1:
				in.AssigneeID = &f.bob
			}
			if rng.IntN(2) == 0 {
				in.GroupID = &f.saasGrp
			}
			if rng.IntN(3) == 0 {
				in.Via = &ticket.Via{Channel: "email"}
			}
			tk, _, err := f.tickets.Create(ctx, actor, in)
			must(t, err)
			ids = append(ids, tk.ID)
			if tk.AssigneeID != nil && rng.IntN(3) == 0 {
				st := pick("pending", "solved", "hold")
				_, _, err := f.tickets.Update(ctx, f.alice, tk.ID, ticket.UpdateInput{Status: &st})
				must(t, err)
			}
			// SLA metrics, written as the SLA store keeps them.
			now := clk.Now()
			switch rng.IntN(4) {
			case 0:
				_, err = d.W.ExecContext(ctx, `INSERT INTO sla_ticket_metrics (ticket_id, metric, status, due_at, updated_at)
					VALUES ($1, 'test_metric', 'active', $2, $3)`, tk.ID, db.TS(now.Add(time.Duration(rng.IntN(300))*time.Minute)), db.TS(now))
			case 1:
				_, err = d.W.ExecContext(ctx, `INSERT INTO sla_ticket_metrics (ticket_id, metric, status, due_at, breached_at, updated_at)
					VALUES ($1, 'test_metric', 'breached', $2, $2, $3)`, tk.ID, db.TS(now.Add(-time.Hour)), db.TS(now))
			}
			must(t, err)
			// ... with the queue's sort key the SLA store keeps beside them.
			_, err = d.W.ExecContext(ctx, `UPDATE tickets SET sla_next_breach_at = COALESCE((SELECT min(sm.due_at)
				FROM sla_ticket_metrics sm WHERE sm.ticket_id = $1 AND sm.status = 'active'), 9223372036854775807) WHERE id = $1`, tk.ID)
			must(t, err)
		}
		clk.Advance(90 * time.Minute)

		views := rules.DefaultViews()
		for _, js := range []string{
			`{"title": "hot", "all": [{"field": "priority", "operator": "greater_than", "value": "normal"}],
			  "any": [{"field": "assignee_id", "operator": "is", "value": ""}, {"field": "group_id", "operator": "is", "value": "GROUP"}],
			  "output": {"sort_by": "priority", "sort_order": "desc"}}`,
			`{"title": "tags", "all": [{"field": "current_tags", "operator": "includes", "value": "a vip"}],
			  "output": {"group_by": "status", "sort_by": "updated_at", "sort_order": "asc"}}`,
			`{"title": "plan", "all": [{"field": "current_tags", "operator": "not_includes", "value": "a"},
			  {"field": "organization.plan", "operator": "is", "value": "saas"}], "output": {"sort_by": "solved_at", "sort_order": "desc"}}`,
			`{"title": "pending", "all": [{"field": "status", "operator": "is", "value": "pending"}, {"field": "hours_since_pending", "operator": "greater_than", "value": "1"}],
			  "output": {"sort_by": "updated_at", "sort_order": "desc"}}`,
			`{"title": "requester", "all": [{"field": "hours_since_requester_update", "operator": "greater_than", "value": "12"}], "output": {"sort_by": "priority"}}`,
			`{"title": "assigned", "all": [{"field": "hours_since_assigned", "operator": "greater_than", "value": "3"}], "output": {"sort_by": "assigned_at", "sort_order": "desc"}}`,
			`{"title": "assignee quiet", "all": [{"field": "assignee_id", "operator": "present", "value": null}, {"field": "hours_since_assignee_update", "operator": "greater_than", "value": "10"},
			  {"field": "hours_since_assignee_update", "operator": "less_than", "value": "30"}]}`,
			`{"title": "cf gold", "all": [{"field": "custom_fields_7", "operator": "is", "value": "gold"}]}`,
			`{"title": "cf not 3", "all": [{"field": "custom_fields_7", "operator": "is_not", "value": "3"}, {"field": "custom_fields_7", "operator": "present", "value": null}]}`,
			`{"title": "cf absent", "all": [{"field": "custom_fields_7", "operator": "not_present", "value": null}], "any": [{"field": "custom_fields_8", "operator": "is", "value": "2.5"}, {"field": "custom_fields_8", "operator": "is", "value": "50% <off>"}]}`,
			`{"title": "cf multi", "all": [{"field": "status", "operator": "less_than", "value": "closed"}], "any": [{"field": "custom_fields_7", "operator": "is", "value": "a b"}, {"field": "custom_fields_7", "operator": "is", "value": "true"}]}`,
			`{"title": "window", "all": [{"field": "hours_since_created", "operator": "is", "value": "6"}], "output": {"sort_by": "created_at"}}`,
			`{"title": "breached", "all": [{"field": "sla_breach", "operator": "is", "value": "true"}, {"field": "type", "operator": "is_not", "value": "incident"}],
			  "output": {"sort_by": "sla_next_breach_at", "sort_order": "desc"}}`,
			`{"title": "email unassigned", "all": [{"field": "via_id", "operator": "is", "value": "email"}, {"field": "assignee_id", "operator": "is_not", "value": "BOB"},
			  {"field": "priority", "operator": "is_not", "value": ""}], "output": {"group_by": "assignee", "sort_by": "type"}}`,
		} {
			views = append(views, decode[rules.View](t, strings.NewReplacer("GROUP", fmt.Sprint(f.saasGrp), "BOB", fmt.Sprint(f.bob)).Replace(js)))
		}

		var snaps []rules.Ticket
		must(t, d.Read(ctx, func(tx *db.Tx) error {
			l := f.rs.lookups(ctx, tx)
			for _, id := range ids {
				tk, err := f.tickets.GetTx(ctx, tx, id)
				if err != nil {
					return err
				}
				s, err := l.snapshot(tk)
				if err != nil {
					return err
				}
				snaps = append(snaps, s)
			}
			return nil
		}))
		now := clk.Now()
		nonEmpty := 0
		for _, v := range views {
			fl, err := v.Filter()
			must(t, err)
			var want []int64
			matched := slices.Clone(snaps)
			matched = slices.DeleteFunc(matched, func(s rules.Ticket) bool { return !fl.Match(s, f.alice.UserID, now) })
			slices.SortStableFunc(matched, fl.Compare)
			for _, s := range matched {
				want = append(want, s.ID)
			}
			if len(want) > 0 {
				nonEmpty++
			}
			var keyset []int64
			after := ""
			for range 50 {
				res, err := f.rs.ExecuteView(ctx, v, f.alice.UserID, ViewPage{After: after, Limit: 3})
				must(t, err)
				keyset = append(keyset, res.IDs...)
				if !res.HasMore {
					break
				}
				after = res.After
			}
			var offset []int64
			for page := 0; ; page++ {
				res, err := f.rs.ExecuteView(ctx, v, f.alice.UserID, ViewPage{Offset: page * 4, Limit: 4})
				must(t, err)
				offset = append(offset, res.IDs...)
				if !res.HasMore {
					break
				}
			}
			n, err := f.rs.CountView(ctx, v, f.alice.UserID)
			must(t, err)
			t.Logf("view %q: %d of %d tickets", v.Title, len(want), len(snaps))
			if !slices.Equal(keyset, want) || !slices.Equal(offset, want) || n != len(want) {
				t.Errorf("view %q:\n  want   %v\n  keyset %v\n  offset %v\n  count  %d", v.Title, want, keyset, offset, n)
			}
		}
		if nonEmpty < len(views)-2 {
			t.Fatalf("only %d of %d views matched anything; the data does not exercise them", nonEmpty, len(views))
		}
	})
}
