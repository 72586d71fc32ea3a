package oncall

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
)

// TestGapsFlaggedAheadOnceOnBothEngines: the seeded schedules, not yet
// staffed, have gaps this week; two nodes flag each gap once between them,
// to the managers of the people who staff the schedule, with one email
// each through the outbox; a second run flags nothing; once CEOC is filled
// for the quarter it has no gap left to flag.
func TestGapsFlaggedAheadOnceOnBothEngines(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(start) }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, d.Clock.(*clock.Fake))
		f.roster()
		elke := f.ids["Elke"]
		for _, n := range []string{"Emma", "Eli", "Aki", "Max", "Gus"} {
			if _, err := f.tm.UpdateMember(ctx, audit.System(), f.ids[n], teamManager(elke)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.st.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		al := audit.New(d)
		ms, err := mail.NewStore(d, ticket.NewStore(d, al, t.TempDir(), 1<<20), people.NewStore(d, al),
			mail.StoreConfig{From: mail.Address{Name: "Support", Email: "support@example.com"}, Outbound: true})
		if err != nil {
			t.Fatal(err)
		}
		opts := NoticeOptions{Mail: ms, From: mail.Address{Name: "Frontline", Email: "oncall@example.com"}, BaseURL: "http://frontline.test"}
		f.st.SetNotices(opts)
		st2 := NewStore(d, al, f.tm)
		st2.SetNotices(opts)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var all []GapNotice
		for _, s := range []*Store{f.st, st2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ns, err := s.NotifyGaps(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				all = append(all, ns...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		ceoc, _ := f.st.ScheduleByKey(ctx, KeyCEOC)
		ceocGaps := 0
		for _, n := range all {
			k := fmt.Sprint(n.ScheduleID, n.Start)
			if seen[k] {
				t.Fatalf("gap %v of schedule %d flagged twice", n.Start, n.ScheduleID)
			}
			seen[k] = true
			if n.ScheduleID == ceoc.ID {
				ceocGaps++
				if len(n.Recipients) != 1 || n.Recipients[0] != elke {
					t.Fatalf("CEOC gap told %v, want the staff's manager %d", n.Recipients, elke)
				}
			}
			if !n.End.After(start) || n.Start.After(start.Add(7*24*time.Hour)) {
				t.Fatalf("gap %v–%v outside the week ahead", n.Start, n.End)
			}
		}
		if ceocGaps == 0 || len(all) < 4 {
			t.Fatalf("%d notices (%d on CEOC) for four unstaffed schedules", len(all), ceocGaps)
		}
		var mails int
		if err := d.R.QueryRow("SELECT count(*) FROM mail_outbox WHERE message_id LIKE 'frontline.oncall-gap%'").Scan(&mails); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, n := range all {
			want += len(n.Recipients)
		}
		if mails != want {
			t.Fatalf("%d gap emails, want %d (one per notice and recipient)", mails, want)
		}
		var msg string
		if err := d.R.QueryRow("SELECT message FROM mail_outbox WHERE message_id LIKE 'frontline.oncall-gap%' ORDER BY id LIMIT 1").Scan(&msg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, "nobody is on call on") || !strings.Contains(msg, "http://frontline.test/oncall/schedules/") {
			t.Fatalf("gap email:\n%s", msg)
		}
		if again, err := f.st.NotifyGaps(ctx); err != nil || len(again) != 0 {
			t.Fatalf("second run: %d notices, %v", len(again), err)
		}
		ns, err := f.st.GapNotices(ctx, ceoc.ID, start)
		if err != nil || len(ns) != ceocGaps {
			t.Fatalf("GapNotices: %d, %v (want %d)", len(ns), err, ceocGaps)
		}
		// Staffed for the quarter, CEOC has no gap left: a day later nothing
		// new is flagged on it.
		if _, err := f.st.FillQuarter(ctx, audit.System(), ceoc.ID, start, nil); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(24 * time.Hour)
		later, err := f.st.NotifyGaps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range later {
			if n.ScheduleID == ceoc.ID {
				t.Fatalf("filled CEOC still flagged: %+v", n)
			}
		}
	})
}

func teamManager(id int64) team.MemberInput { return team.MemberInput{ManagerID: &id} }
