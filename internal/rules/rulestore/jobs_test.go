package rulestore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// TestRulesRunOnTheJobQueue drives automations and webhook deliveries
// (including a retry after backoff) through internal/jobs on both engines.
func TestRulesRunOnTheJobQueue(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk)
		q, err := jobs.New(d, nil, jobs.TestOptions())
		must(t, err)
		t.Cleanup(q.Close)
		f.rs.UseJobs(q, time.Minute)
		srv := newHookServer(t)
		wh, err := f.rs.CreateWebhook(ctx, f.admin, WebhookInput{Name: sp("Pager"), Endpoint: sp(srv.URL)})
		must(t, err)
		srv.secret = wh.Secret()
		_, err = f.rs.CreateAutomation(ctx, f.admin, decode[rules.Automation](t, fmt.Sprintf(`{"title": "Escalate", "active": true,
			"conditions": {"all": [{"field": "priority", "operator": "is", "value": "urgent"},
			                       {"field": "hours_since_created", "operator": "greater_than", "value": "0.5"},
			                       {"field": "current_tags", "operator": "not_includes", "value": "escalated"}]},
			"actions": [{"field": "current_tags", "value": "escalated"},
			            {"field": "notification_webhook", "value": ["%s", "{\"ticket\": {{ticket.id}}}"]}]}`, wh.ID)))
		must(t, err)
		tk, _, err := f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "down", Priority: sp("urgent"), Comment: ticket.CommentInput{Body: "x"}})
		must(t, err)
		clk.Advance(31 * time.Minute)
		srv.failNext = 1
		must(t, q.Insert(ctx, AutomationsArgs{}, nil))
		drainAll(t, q)
		got, err := f.tickets.Get(ctx, tk.ID)
		must(t, err)
		if !slices.Contains(got.Tags, "escalated") {
			t.Fatalf("automation job did not run: %v", got.Tags)
		}
		if len(srv.received()) != 0 {
			t.Fatalf("first attempt should have failed: %v", srv.received())
		}
		clk.Advance(time.Minute) // the retry's backoff
		drainAll(t, q)
		if r := srv.received(); len(r) != 1 || r[0] != fmt.Sprintf(`{"ticket": %d}`, tk.ID) {
			log, _ := f.rs.Deliveries(ctx, mustID(t, wh.ID), 0, 10)
			var jobsState []string
			rows, err := d.R.QueryContext(ctx, "SELECT kind, state, scheduled_at, attempt FROM river_job ORDER BY id")
			if err == nil {
				for rows.Next() {
					var k, st string
					var at any
					var n int
					_ = rows.Scan(&k, &st, &at, &n)
					jobsState = append(jobsState, fmt.Sprint(k, " ", st, " ", at, " ", n))
				}
				rows.Close()
			}
			t.Fatalf("webhook after retry: %v\nlog %+v\njobs %v (now %v)", r, log, jobsState, clk.Now())
		}
		log, err := f.rs.Deliveries(ctx, mustID(t, wh.ID), 0, 10)
		must(t, err)
		if len(log) != 1 || log[0].Status != "success" || log[0].Attempts != 2 {
			t.Fatalf("log: %+v", log)
		}
	})
}

// drainAll runs due jobs until none is left (jobs enqueued by jobs too).
func drainAll(t *testing.T, q *jobs.Queue) {
	t.Helper()
	for range 10 {
		n, err := q.Drain(context.Background())
		must(t, err)
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs keep coming")
}
