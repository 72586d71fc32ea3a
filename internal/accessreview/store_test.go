package accessreview

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

type fixture struct {
	s      *Store
	ppl    *people.Store
	auth   *auth.Service
	clk    *clock.Fake
	ids    map[string]int64
	actors map[string]audit.Actor
}

func strp(s string) *string { return &s }

// setup: an admin (Ada), a manager (Max) with two agents (Alice, Bob), an
// agent without a manager (Nia), a customer; Alice has an old unused
// token and Bob a fresh one; Alice signed in long ago.
func setup(t *testing.T, d *db.DB, clk *clock.Fake) *fixture {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	f := &fixture{ppl: people.NewStore(d, al), clk: clk, ids: map[string]int64{}, actors: map[string]audit.Actor{}}
	f.auth = auth.NewService(d, al, auth.Options{Params: auth.TestParams()})
	revoke := func(ctx context.Context, actor audit.Actor, userID int64, reason string) error {
		if _, err := f.ppl.DeactivateUser(ctx, actor, userID); err != nil {
			return err
		}
		_, _, err := f.auth.EndAccess(ctx, actor, userID, reason)
		return err
	}
	f.s = NewStore(d, al, revoke)
	mk := func(key, role string, manager string) {
		in := people.UserInput{Name: strp(strings.ToUpper(key[:1]) + key[1:]), Email: strp(key + "@example.com"), Role: &role}
		if manager != "" {
			m := f.ids[manager]
			in.ManagerID = &m
		}
		u, err := f.ppl.CreateUser(ctx, audit.System(), in)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[key] = u.ID
		f.actors[key] = audit.Actor{ID: u.ID, Role: role}
	}
	mk("ada", "admin", "")
	mk("max", "agent", "")
	mk("alice", "agent", "max")
	mk("bob", "agent", "max")
	mk("nia", "agent", "")
	mk("carol", "end-user", "")
	g, err := f.ppl.CreateGroup(ctx, audit.System(), people.GroupInput{Name: strp("Support EMEA")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.AddGroupMembership(ctx, audit.System(), f.ids["alice"], g.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.auth.CreateAPIToken(ctx, audit.System(), f.ids["alice"], "old script"); err != nil {
		t.Fatal(err)
	}
	if err := f.auth.SetPassword(ctx, audit.System(), f.ids["alice"], "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.auth.Login(ctx, "alice@example.com", "correct horse battery", "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(120 * 24 * time.Hour)
	if _, _, err := f.auth.CreateAPIToken(ctx, audit.System(), f.ids["bob"], "fresh"); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCampaignEndToEnd(t *testing.T) {
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)) }, func(t *testing.T, d *db.DB) {
		clk := d.Clock.(*clock.Fake)
		f := setup(t, d, clk)
		ctx := context.Background()
		c, err := f.s.Open(ctx, f.actors["ada"], Input{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Access review 2026-Q3" || c.Status != "open" || c.Lines != 5 || c.Pending != 5 {
			t.Fatalf("campaign %+v", c)
		}
		lines, err := f.s.Lines(ctx, LineFilter{CampaignID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]Line{}
		for _, l := range lines {
			by[strings.TrimSuffix(l.Snapshot.Email, "@example.com")] = l
		}
		if _, ok := by["carol"]; ok {
			t.Fatal("a customer is in the review")
		}
		alice := by["alice"]
		if alice.ReviewerID == nil || *alice.ReviewerID != f.ids["max"] || alice.Reviewer != "Max" {
			t.Errorf("alice's reviewer %v %q", alice.ReviewerID, alice.Reviewer)
		}
		if !slices.Equal(alice.Snapshot.Groups, []string{"Support EMEA"}) || len(alice.Snapshot.Tokens) != 1 || alice.Snapshot.Manager != "Max" {
			t.Errorf("alice's snapshot %+v", alice.Snapshot)
		}
		if !slices.Contains(alice.Flags, FlagDormant) || !slices.Contains(alice.Flags, FlagStaleToken) {
			t.Errorf("alice's flags %v", alice.Flags)
		}
		if bob := by["bob"]; slices.Contains(bob.Flags, FlagStaleToken) || !slices.Contains(bob.Flags, FlagNeverSigned) {
			t.Errorf("bob's flags %v", bob.Flags)
		}
		// Nia has no manager: the owner (Ada) reviews her; Ada herself has no
		// reviewer but another admin.
		if nia := by["nia"]; nia.ReviewerID == nil || *nia.ReviewerID != f.ids["ada"] || !slices.Contains(nia.Flags, FlagNoManager) {
			t.Errorf("nia %+v", nia)
		}
		if ada := by["ada"]; ada.ReviewerID != nil || !slices.Contains(ada.Flags, FlagAdmin) {
			t.Errorf("ada %+v", ada)
		}

		// Rules: only the reviewer or an admin; never oneself.
		if _, err := f.s.Decide(ctx, f.actors["bob"], c.ID, alice.ID, Certified, ""); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("a peer certified: %v", err)
		}
		if _, err := f.s.Decide(ctx, f.actors["ada"], c.ID, by["ada"].ID, Certified, ""); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Separation of duties rule") {
			t.Fatalf("self-certification: %v", err)
		}
		if _, err := f.s.Decide(ctx, f.actors["max"], c.ID, alice.ID, "maybe", ""); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("bad decision: %v", err)
		}
		l, err := f.s.Decide(ctx, f.actors["max"], c.ID, by["bob"].ID, Certified, "still on the team")
		if err != nil || l.Decision != Certified || l.DecidedByName != "Max" || l.DecidedAt == nil {
			t.Fatalf("certify: %+v %v", l, err)
		}
		// Revocation takes effect at once: account off, sessions and tokens gone.
		if _, err := f.s.Decide(ctx, f.actors["max"], c.ID, alice.ID, Revoked, "moved to sales"); err != nil {
			t.Fatal(err)
		}
		u, err := f.ppl.GetUser(ctx, f.ids["alice"])
		if err != nil || u.Active {
			t.Fatalf("alice still active: %+v %v", u, err)
		}
		if n, _ := f.auth.CountSessions(ctx, f.ids["alice"]); n != 0 {
			t.Errorf("alice keeps %d sessions", n)
		}
		if ts, _ := f.auth.ListAPITokens(ctx, f.ids["alice"]); len(ts) != 0 {
			t.Errorf("alice keeps %d tokens", len(ts))
		}
		if _, err := f.auth.CheckPassword(ctx, "alice@example.com", "correct horse battery", "127.0.0.1"); err == nil {
			t.Error("alice can still sign in")
		}

		// Past the deadline, unanswered lines escalate once: Nia's (Ada has no
		// manager, so it stays with her, marked), Max's own line (owner Ada).
		clk.Advance(15 * 24 * time.Hour)
		n, err := f.s.Escalate(ctx)
		if err != nil || n != 3 {
			t.Fatalf("escalated %d %v", n, err)
		}
		if n, err := f.s.Escalate(ctx); err != nil || n != 0 {
			t.Fatalf("escalated again %d %v", n, err)
		}
		mx, _ := f.s.Line(ctx, c.ID, by["max"].ID)
		if mx.EscalatedAt == nil || mx.ReviewerID == nil || *mx.ReviewerID != f.ids["ada"] {
			t.Errorf("max's line after escalation %+v", mx)
		}

		// Close: immutable record.
		if _, err := f.s.Close(ctx, f.actors["max"], c.ID); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("an agent closed: %v", err)
		}
		c, err = f.s.Close(ctx, f.actors["ada"], c.ID)
		if err != nil || c.Status != "closed" || c.Certified != 1 || c.Revoked != 1 || c.Pending != 3 || c.Escalated != 3 {
			t.Fatalf("closed %+v %v", c, err)
		}
		if _, err := f.s.Decide(ctx, f.actors["ada"], c.ID, by["nia"].ID, Certified, ""); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Closed campaign rule") {
			t.Fatalf("decision after close: %v", err)
		}
		if _, err := f.s.Close(ctx, f.actors["ada"], c.ID); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("closed twice: %v", err)
		}
		// Listing: a reviewer sees campaigns with their lines; counts.
		if cs, err := f.s.List(ctx, CampaignFilter{ReviewerID: f.ids["bob"]}); err != nil || len(cs) != 0 {
			t.Fatalf("bob sees %d campaigns %v", len(cs), err)
		}
		if n, err := f.s.CountLines(ctx, LineFilter{CampaignID: c.ID, Decision: Pending}); err != nil || n != 3 {
			t.Fatalf("pending count %d %v", n, err)
		}
	})
}

func TestQuarterlyReviewOpensOncePerQuarter(t *testing.T) {
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)) }, func(t *testing.T, d *db.DB) {
		clk := d.Clock.(*clock.Fake)
		f := setup(t, d, clk) // the clock is now in September (Q3)
		ctx := context.Background()
		for i, want := range []bool{true, false} {
			ok, err := f.s.OpenQuarterly(ctx)
			if err != nil || ok != want {
				t.Fatalf("run %d: opened %v %v", i, ok, err)
			}
		}
		clk.Advance(40 * 24 * time.Hour) // into Q4
		if ok, err := f.s.OpenQuarterly(ctx); err != nil || !ok {
			t.Fatalf("next quarter: %v %v", ok, err)
		}
		cs, _ := f.s.List(ctx, CampaignFilter{})
		if len(cs) != 2 || cs[0].Name != "Access review 2026-Q3" || cs[1].Name != "Access review 2026-Q4" || cs[1].CreatedBy != nil {
			t.Fatalf("campaigns %+v", cs)
		}
	})
}

func TestLeaversLoseAccess(t *testing.T) {
	dbtest.EachClock(t, func() clock.Clock { return clock.NewFake(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)) }, func(t *testing.T, d *db.DB) {
		clk := d.Clock.(*clock.Fake)
		f := setup(t, d, clk)
		ctx := context.Background()
		now := clk.Now()
		for _, m := range []struct {
			who, end string
		}{{"bob", now.AddDate(0, 0, -1).Format("2006-01-02")}, {"alice", now.AddDate(0, 0, 10).Format("2006-01-02")}} {
			if _, err := d.W.ExecContext(ctx, "INSERT INTO team_members (user_id, end_date, created_at, updated_at) VALUES ($1, $2, 0, 0)", f.ids[m.who], m.end); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := f.s.DeactivateLeavers(ctx, now.Format("2006-01-02"))
		if err != nil || !slices.Equal(ids, []int64{f.ids["bob"]}) {
			t.Fatalf("leavers %v %v", ids, err)
		}
		if u, _ := f.ppl.GetUser(ctx, f.ids["bob"]); u.Active {
			t.Error("bob is still active")
		}
		if ts, _ := f.auth.ListAPITokens(ctx, f.ids["bob"]); len(ts) != 0 {
			t.Error("bob keeps his token")
		}
		if u, _ := f.ppl.GetUser(ctx, f.ids["alice"]); !u.Active {
			t.Error("alice, leaving later, was deactivated")
		}
		if ids, err := f.s.DeactivateLeavers(ctx, now.Format("2006-01-02")); err != nil || len(ids) != 0 {
			t.Fatalf("second run %v %v", ids, err)
		}
	})
}

func TestReviewerAndEscalationRules(t *testing.T) {
	one, two, three := int64(1), int64(2), int64(3)
	if r, nm := ReviewerFor(&three, 1, &two, true, &one); *r != 3 || nm {
		t.Fatal("named reviewer first")
	}
	if r, nm := ReviewerFor(nil, 1, &two, true, &three); *r != 2 || nm {
		t.Fatal("manager second")
	}
	if r, nm := ReviewerFor(nil, 1, &two, false, &three); *r != 3 || !nm {
		t.Fatal("inactive manager: owner")
	}
	if r, _ := ReviewerFor(&one, 1, nil, false, &one); r != nil {
		t.Fatal("never oneself")
	}
	l := Line{UserID: 1, ReviewerID: &two}
	if to := EscalateTo(l, &three, &one); *to != 3 {
		t.Fatal("reviewer's manager first")
	}
	if to := EscalateTo(l, nil, &two); to != nil {
		t.Fatal("not to the same reviewer")
	}
	if to := EscalateTo(l, &one, nil); to != nil {
		t.Fatal("not to the account itself")
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	old := now.AddDate(0, 0, -91)
	s := Snapshot{Role: "agent", CreatedAt: old, LastLoginAt: &old, Tokens: []Token{{CreatedAt: now.AddDate(0, 0, -5)}}}
	if f := Flags(s, now, 90, 90, false); !slices.Equal(f, []string{FlagDormant}) {
		t.Fatalf("flags %v", f)
	}
	s.LastLoginAt = nil
	if f := Flags(s, now, 90, 3, true); !slices.Equal(f, []string{FlagNeverSigned, FlagDormant, FlagStaleToken, FlagNoManager}) {
		t.Fatalf("flags %v", f)
	}
	var in Input
	if err := in.Normalise(now); err != nil || in.Name != "Access review 2026-Q2" || *in.DormantDays != 90 || !in.DueAt.After(now) {
		t.Fatalf("defaults %+v %v", in, err)
	}
	past := now.Add(-time.Hour)
	bad := Input{DueAt: &past, TokenDays: new(int)}
	if err := bad.Normalise(now); err == nil || !strings.Contains(err.Error(), "due_at") {
		t.Fatalf("bad input %v", err)
	}
}
