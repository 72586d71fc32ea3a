package rulestore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// FuzzViewSQL is a differential fuzz of the view compiler: for any view
// that validates, the SQL (run on SQLite over a few varied tickets) returns
// exactly what rules.Filter.Match and Compare say, with as many arguments
// as placeholders.
func FuzzViewSQL(f *testing.F) {
	f.Add("status", "less_than", "solved", "priority", "status", "is", "pending", "desc")
	f.Add("priority", "greater_than", "normal", "", "assignee_id", "is", "", "asc")
	f.Add("current_tags", "includes", "a vip", "updated_at", "organization.plan", "is", "saas", "desc")
	f.Add("hours_since_created", "is", "1", "created_at", "type", "is_not", "", "asc")
	f.Add("via_id", "is", "email", "sla_next_breach_at", "sla_breach", "is", "false", "desc")
	f.Add("organization.tier", "less_than", "ultimate", "assignee", "requester_id", "is", "current_user", "asc")
	f.Add("hours_since_pending", "less_than", "2", "solved_at", "current_tags", "not_includes", "b", "desc")
	f.Add("custom_fields_7", "is", "a b", "created_at", "custom_fields_7", "not_present", "", "desc")
	f.Add("custom_fields_7", "is_not", "3", "priority", "custom_fields_7", "is", "a_%", "asc")
	f.Add("hours_since_assigned", "greater_than", "1", "assigned_at", "hours_since_requester_update", "less_than", "3", "asc")
	d := dbtest.Open(f, dbtest.Engines()[0], nil)
	fx := setup(f, d, clk0(d), true)
	ctx := context.Background()
	var snaps []rules.Ticket
	for i := range 9 {
		in := ticket.CreateInput{Subject: fmt.Sprint("t", i), Comment: ticket.CommentInput{Body: "x"}, Tags: []string{[]string{"a", "b", "vip"}[i%3]}}
		if p := []string{"", "low", "urgent"}[i%3]; p != "" {
			in.Priority = sp(p)
		}
		if i%2 == 0 {
			in.AssigneeID = &fx.alice.UserID
		}
		if i%4 == 0 {
			in.Via = &ticket.Via{Channel: "email"}
		}
		in.CustomFields = []ticket.CustomField{{ID: 7, Value: []any{"gold", 3, []any{"a", "b"}, "", true, nil, "x y", 2.5, "a_%"}[i]}}
		actor := []ticket.Actor{fx.saasCus, fx.smCus}[i%2]
		tk, _, err := fx.tickets.Create(ctx, actor, in)
		must(f, err)
		if i%3 == 0 && tk.AssigneeID != nil {
			st := []string{"pending", "solved"}[i%2]
			_, _, err = fx.tickets.Update(ctx, fx.alice, tk.ID, ticket.UpdateInput{Status: &st})
			must(f, err)
		}
		fx.clk.Advance(37 * time.Minute)
	}
	must(f, d.Read(ctx, func(tx *db.Tx) error {
		l := fx.rs.lookups(ctx, tx)
		ts, err := fx.tickets.List(ctx, ticket.Filter{Limit: 100})
		if err != nil {
			return err
		}
		for i := range ts {
			s, err := l.snapshot(&ts[i])
			if err != nil {
				return err
			}
			snaps = append(snaps, s)
		}
		return nil
	}))
	f.Fuzz(func(t *testing.T, field, op, value, sortBy, field2, op2, value2, order string) {
		raw, _ := json.Marshal(map[string]any{
			"title":  "fuzz",
			"all":    []any{map[string]any{"field": field, "operator": op, "value": value}},
			"any":    []any{map[string]any{"field": field2, "operator": op2, "value": value2}},
			"output": map[string]any{"sort_by": sortBy, "sort_order": order},
		})
		var v rules.View
		if err := json.Unmarshal(raw, &v); err != nil {
			return
		}
		vs, err := compileViewSQL(v)
		if err != nil {
			return
		}
		b := &sqlBuilder{}
		where := vs.where(b, time.Now(), fx.alice.UserID)
		for i := 1; i <= len(b.args); i++ {
			if !containsPlaceholder(where, i) {
				t.Fatalf("argument $%d unused in %s", i, where)
			}
		}
		if containsPlaceholder(where, len(b.args)+1) {
			t.Fatalf("placeholder without argument in %s", where)
		}
		fl, _ := v.Filter()
		now := d.Clock.Now()
		var want []int64
		m := slices.Clone(snaps)
		m = slices.DeleteFunc(m, func(s rules.Ticket) bool { return !fl.Match(s, fx.alice.UserID, now) })
		slices.SortStableFunc(m, fl.Compare)
		for _, s := range m {
			want = append(want, s.ID)
		}
		var got []int64
		after := ""
		for range 20 {
			res, err := fx.rs.ExecuteView(ctx, v, fx.alice.UserID, ViewPage{After: after, Limit: 2})
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			got = append(got, res.IDs...)
			if !res.HasMore {
				break
			}
			after = res.After
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s\n got %v\nwant %v", raw, got, want)
		}
	})
}

func containsPlaceholder(s string, i int) bool {
	p := fmt.Sprintf("$%d", i)
	for j := 0; j+len(p) <= len(s); j++ {
		if s[j:j+len(p)] == p && (j+len(p) == len(s) || s[j+len(p)] < '0' || s[j+len(p)] > '9') {
			return true
		}
	}
	return false
}
