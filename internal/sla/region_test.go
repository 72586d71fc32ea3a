package sla

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// An organization's region chooses its tickets' schedule (no tag needed),
// the Region rule refuses a region naming no schedule, and changing the
// region runs the open tickets' clocks on the new schedule.
func TestOrganizationRegionChoosesTheSchedule(t *testing.T) {
	start := time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC) // Friday: 16:00 CET, 11:00 EDT
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, clk)
		ctx := context.Background()
		e.people.AddChecker(e.store.RegionChecker())
		rechecked := 0
		e.people.OnRegionChange(func(ctx context.Context, org int64) {
			rechecked++
			if err := e.svc.RecheckOrganization(ctx, org); err != nil {
				t.Error(err)
			}
		})
		u, err := e.people.GetUser(ctx, e.premium.UserID)
		if err != nil || u.OrganizationID == nil {
			t.Fatalf("the premium customer's organization: %+v %v", u, err)
		}
		org := *u.OrganizationID
		sys := audit.System()
		if _, err := e.people.UpdateOrganization(ctx, sys, org, people.OrganizationInput{Region: sp("Mars")}); errs.KindOf(err) != errs.KindInvalid ||
			!strings.Contains(err.Error(), "Region rule") {
			t.Fatalf("a region naming no schedule: %v", err)
		}
		o, err := e.people.UpdateOrganization(ctx, sys, org, people.OrganizationInput{Region: sp("emea")})
		if err != nil || o.Region != "EMEA" {
			t.Fatalf("region emea: %+v %v", o, err)
		}
		// A ticket without any tag runs on the EMEA schedule: 1 hour on
		// Friday, 3 on Monday 09:00-12:00 CEST.
		id := e.create(t, e.premium, "normal")
		wantTime(t, "EMEA due_at", e.metric(t, id, MetricFirstReplyTime).DueAt, time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC))
		// The organization moves to AMER: 4 business hours from 11:00 EDT.
		if _, err := e.people.UpdateOrganization(ctx, sys, org, people.OrganizationInput{Region: sp("AMER")}); err != nil {
			t.Fatal(err)
		}
		if rechecked != 2 { // "" -> EMEA, EMEA -> AMER
			t.Errorf("the region changes rechecked %d times, want 2", rechecked)
		}
		wantTime(t, "AMER due_at", e.metric(t, id, MetricFirstReplyTime).DueAt, time.Date(2026, 3, 27, 19, 0, 0, 0, time.UTC))
		// Other edits do not recheck.
		if _, err := e.people.UpdateOrganization(ctx, sys, org, people.OrganizationInput{Notes: sp("renewal in May")}); err != nil {
			t.Fatal(err)
		}
		if rechecked != 2 {
			t.Errorf("an edit without a region change rechecked (%d)", rechecked)
		}
	})
}
