package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/ticket"
)

// TestAdminSatisfactionTrend: the admin page charts the weekly share of
// good ratings, breaks the ratings down by agent and group, and narrows
// the list of comments to one agent; a malformed id is a 400.
func TestAdminSatisfactionTrend(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent, cust := e.users[people.RoleAgent], e.users[people.RoleEndUser]
		solved := "solved"
		for i, sc := range []string{satisfaction.Good, satisfaction.Bad, satisfaction.Good} {
			tk, _, err := e.tickets.Create(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, ticket.CreateInput{Subject: fmt.Sprint("t", i),
				Comment: ticket.CommentInput{Body: "b"}, RequesterID: cust.ID, AssigneeID: &agent.ID, Status: &solved})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.srv.Satisfaction.Rate(ctx, audit.Actor{ID: cust.ID, Role: "end-user"}, tk.ID, satisfaction.Input{Score: sc, Comment: fmt.Sprint("zqcomment", i)}); err != nil {
				t.Fatal(err)
			}
		}
		admin := basic(e.users[people.RoleAdmin].Email, pw)
		r := e.do(nil, "GET", "/admin/satisfaction", nil, admin...)
		if r.code != 200 || !strings.Contains(r.body, `id="satisfaction-trend"`) || !strings.Contains(r.body, "<svg") || !strings.Contains(r.body, `id="by-agent"`) {
			t.Fatalf("page: %d %.500s", r.code, r.body)
		}
		if !strings.Contains(r.body, fmt.Sprintf(`href="/admin/satisfaction?assignee_id=%d"`, agent.ID)) || !strings.Contains(r.body, "67%") {
			t.Fatal("the agent's row (2 good of 3: 67%) is missing")
		}
		n := e.do(nil, "GET", fmt.Sprintf("/admin/satisfaction?assignee_id=%d&score=bad", agent.ID), nil, admin...)
		if n.code != 200 || !strings.Contains(n.body, `id="narrowed"`) || !strings.Contains(n.body, "zqcomment1") || strings.Contains(n.body, "zqcomment0") {
			t.Fatalf("narrowed to the agent's bad ratings: %d", n.code)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/admin/satisfaction?assignee_id=%d", admin0(e)), nil, admin...); r.code != 200 || strings.Contains(r.body, "zqcomment") {
			t.Fatalf("another agent's narrowed page shows these ratings: %d", r.code)
		}
		if r := e.do(nil, "GET", "/admin/satisfaction?group_id=abc", nil, admin...); r.code != 400 {
			t.Fatalf("malformed group: %d", r.code)
		}
	})
}

func admin0(e *env) int64 { return e.users[people.RoleAdmin].ID }
