package rulestore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// TestTriggerLoopIsCapped: more than rules.MaxTriggerFirings firings in
// one update apply no trigger change at all, but the person's own change
// is saved; a smaller chain of triggers, each enabled by the one before,
// all fire in one update.
func TestTriggerLoopIsCapped(t *testing.T) {
	dbtest.EachClock(t, startClock(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk0(d))
		mk := func(i int, cond string) {
			_, err := f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, fmt.Sprintf(`{"title": "t%d", "active": true, "position": %d,
				"conditions": {"all": [%s, {"field": "current_tags", "operator": "not_includes", "value": "s%d"}]},
				"actions": [{"field": "current_tags", "value": "s%d"}]}`, i, 1000-i, cond, i, i)))
			must(t, err)
		}
		// A chain: t_i needs s_(i-1); positions run backwards so every firing
		// restarts the scan from the top.
		const chain = 20
		mk(0, `{"field": "current_tags", "operator": "includes", "value": "go"}`)
		for i := 1; i < chain; i++ {
			mk(i, fmt.Sprintf(`{"field": "current_tags", "operator": "includes", "value": "s%d"}`, i-1))
		}
		tk, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "chain", Tags: []string{"go"}, Comment: ticket.CommentInput{Body: "x"}})
		must(t, err)
		if len(tk.Tags) != chain+1 {
			t.Fatalf("chain of %d triggers: tags %v", chain, tk.Tags)
		}
		for i := chain; i <= rules.MaxTriggerFirings; i++ {
			mk(i, `{"field": "current_tags", "operator": "includes", "value": "loop"}`)
		}
		tk, _, err = f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "loop", Tags: []string{"go", "loop"}, Comment: ticket.CommentInput{Body: "x"}})
		must(t, err)
		if len(tk.Tags) != 2 || tk.Subject != "loop" {
			t.Fatalf("capped update applied trigger changes or lost the ticket: %+v", tk.Tags)
		}
	})
}

func clk0(d *db.DB) *clock.Fake { return d.Clock.(*clock.Fake) }

// Triggers are kept parsed in memory per configuration version: one added
// on another node, or switched off by SQL by hand, takes effect on the next
// ticket here.
func TestTriggerCacheFollowsChangesFromAnywhere(t *testing.T) {
	dbtest.EachClock(t, startClock(), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk0(d))
		create := func() *ticket.Ticket {
			tk, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "hello", Comment: ticket.CommentInput{Body: "x"}})
			must(t, err)
			return tk
		}
		if tk := create(); len(tk.Tags) != 0 {
			t.Fatalf("no triggers yet, tags %v", tk.Tags)
		}
		d2, err := db.Open(ctx, d.Target, d.Clock, db.Options{MaxConns: 2})
		must(t, err)
		defer d2.Close()
		other := New(d2, ticket.NewStore(d2, audit.New(d2), t.TempDir(), 0), audit.New(d2), nil, Options{})
		tr, err := other.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, `{"title": "tag all", "active": true,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
			"actions": [{"field": "current_tags", "value": "seen"}]}`))
		must(t, err)
		if tk := create(); !slices.Equal(tk.Tags, []string{"seen"}) {
			t.Fatalf("a trigger added on another node did not fire here: tags %v", tk.Tags)
		}
		must(t, d2.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE business_rules SET active = FALSE WHERE id = $1", tr.ID)
			return err
		}))
		if tk := create(); len(tk.Tags) != 0 {
			t.Fatalf("a trigger switched off by SQL still fired: tags %v", tk.Tags)
		}
	})
}
