package satisfaction

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func sp(s string) *string { return &s }

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		in    Input
		field string
	}{
		{Input{Score: " GOOD "}, ""},
		{Input{Score: "bad", Comment: "slow"}, ""},
		{Input{Score: ""}, "score"},
		{Input{Score: "meh"}, "score"},
		{Input{Score: "good", Comment: strings.Repeat("x", MaxComment+1)}, "comment"},
	} {
		err := c.in.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.in, err)
			}
			continue
		}
		var e *errs.Error
		if !errs.Is(err, errs.KindInvalid) || !asErr(err, &e) || e.Fields[c.field] == nil {
			t.Errorf("%+v: want invalid %s, got %v", c.in, c.field, err)
		}
	}
}

func asErr(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	*e = x
	return ok
}

func TestRateOnlySolvedByRequester(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		al := audit.New(d)
		ps := people.NewStore(d, al)
		ts := ticket.NewStore(d, al, t.TempDir(), 0)
		s := NewStore(d, al)
		mk := func(name, role string) *people.User {
			u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp(name), Email: sp(name + "@example.com"), Role: sp(role)})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		cust, other, agent := mk("cust", "end-user"), mk("other", "end-user"), mk("agent", "agent")
		tk, _, err := ts.Create(ctx, ticket.Actor{UserID: cust.ID, Role: "end-user"}, ticket.CreateInput{Subject: "Help", Comment: ticket.CommentInput{Body: "broken"}})
		if err != nil {
			t.Fatal(err)
		}
		ca := audit.Actor{ID: cust.ID, Role: "end-user"}
		if _, err := s.Rate(ctx, ca, tk.ID, Input{Score: "good"}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("rating an open ticket: %v", err)
		}
		if r, _ := s.ForTicket(ctx, tk.ID); r != nil {
			t.Fatalf("half-saved rating %+v", r)
		}
		st := "solved"
		if _, _, err := ts.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{Status: &st}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rate(ctx, audit.Actor{ID: other.ID, Role: "end-user"}, tk.ID, Input{Score: "good"}); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("rating by someone else: %v", err)
		}
		if _, err := s.Rate(ctx, ca, 999999, Input{Score: "good"}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("unknown ticket: %v", err)
		}
		r, err := s.Rate(ctx, ca, tk.ID, Input{Score: "bad", Comment: " too slow "})
		if err != nil {
			t.Fatal(err)
		}
		if r.Score != Bad || r.Comment != "too slow" || r.AssigneeID == nil || *r.AssigneeID != agent.ID || r.RequesterID != cust.ID {
			t.Fatalf("rating %+v", r)
		}
		r2, err := s.Rate(ctx, ca, tk.ID, Input{Score: "good", Comment: "sorted in the end"})
		if err != nil {
			t.Fatal(err)
		}
		if r2.ID != r.ID || r2.Score != Good {
			t.Fatalf("changed rating %+v (first %+v)", r2, r)
		}
		got, err := s.ForTicket(ctx, tk.ID)
		if err != nil || got == nil || got.Score != Good || got.Comment != "sorted in the end" {
			t.Fatalf("ForTicket %+v %v", got, err)
		}
		list, err := s.List(ctx, Filter{Score: Good})
		if err != nil || len(list) != 1 || list[0].ID != r.ID {
			t.Fatalf("List %+v %v", list, err)
		}
		if n, err := s.Count(ctx, Filter{Score: Bad}); err != nil || n != 0 {
			t.Fatalf("Count bad %d %v", n, err)
		}
		if n, err := s.Count(ctx, Filter{}); err != nil || n != 1 {
			t.Fatalf("Count %d %v", n, err)
		}
		entries, err := al.List(ctx, audit.Filter{ObjectType: "satisfaction_rating"})
		if err != nil || len(entries) != 2 || entries[0].Action != "satisfaction.update" || entries[1].Action != "satisfaction.create" {
			t.Fatalf("audit %+v %v", entries, err)
		}
	})
}

// TestListFilters: score, with or without a comment, and the time window,
// in lists and counts, on both engines.
func TestListFilters(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
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
		agent, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp("a"), Email: sp("a@example.com"), Role: sp("agent")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, in := range []Input{{Score: "good", Comment: "thanks"}, {Score: "bad"}, {Score: "good"}} {
			tk, _, err := ts.Create(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, ticket.CreateInput{Subject: "s", Comment: ticket.CommentInput{Body: "b"},
				RequesterID: cust.ID, AssigneeID: &agent.ID, Status: sp("solved")})
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Rate(ctx, audit.Actor{ID: cust.ID, Role: "end-user"}, tk.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
			clk.Advance(time.Hour)
		}
		for _, tc := range []struct {
			f    Filter
			want []int64
		}{
			{Filter{Comment: "with"}, ids[:1]},
			{Filter{Comment: "without"}, ids[1:]},
			{Filter{Score: Good, Comment: "without"}, ids[2:]},
			{Filter{Since: start.Add(time.Hour)}, ids[1:]},
			{Filter{Until: start.Add(time.Hour)}, ids[:1]},
			{Filter{Since: start.Add(30 * time.Minute), Until: start.Add(90 * time.Minute)}, ids[1:2]},
			{Filter{Score: Bad, Since: start.Add(2 * time.Hour)}, []int64{}},
		} {
			list, err := s.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, r := range list {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("%+v: %v, want %v", tc.f, got, tc.want)
			}
			if n, err := s.Count(ctx, tc.f); err != nil || n != len(tc.want) {
				t.Fatalf("count %+v: %d %v", tc.f, n, err)
			}
		}
		if _, err := s.List(ctx, Filter{Comment: "maybe"}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("bad comment filter: %v", err)
		}
	})
}
