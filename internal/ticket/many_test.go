package ticket

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestCreateMany: tickets created in one batch are stored as Create stores
// them (ticket, first comment, creation audit, collaborators, hooks), in
// order; one bad item fails the batch, which then stores nothing.
func TestCreateMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		hooked := []int64{}
		f.s.OnChange(func(ctx context.Context, tx *db.Tx, c *Change) error {
			if c.Created() {
				hooked = append(hooked, c.Ticket.ID)
			}
			return nil
		})
		ins := []CreateInput{
			{Subject: "one", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "first **one**"}, Tags: []string{"a"}, ExternalID: sp("ext-1")},
			{Subject: "two", RequesterID: f.cust3, AssigneeID: &f.agent.UserID, GroupID: &f.group, CollaboratorIDs: []int64{f.cust2},
				Comment: CommentInput{Body: "note", Public: bp(false)}, Priority: sp("high")},
			{RequesterID: f.cust.UserID, Comment: CommentInput{Body: "no subject here"}},
		}
		ts, err := f.s.CreateMany(ctx, f.agent, ins)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 3 || ts[0].ID >= ts[1].ID || ts[1].ID >= ts[2].ID || ts[0].Subject != "one" || ts[2].Subject != "no subject here" {
			t.Fatalf("created %+v", ts)
		}
		for i, tk := range ts {
			got, err := f.s.Get(ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(tk)
			if string(a) != string(b) {
				t.Fatalf("ticket %d returned\n%s\nstored\n%s", i, b, a)
			}
			cs, _ := f.s.Comments(ctx, tk.ID, Page{})
			as, _ := f.s.Audits(ctx, tk.ID, Page{})
			if len(cs) != 1 || len(as) != 1 || as[0].Events[0].Type != EventComment || as[0].Events[0].ID != cs[0].ID {
				t.Fatalf("ticket %d comments %+v audits %+v", i, cs, as)
			}
		}
		if ts[1].OrganizationID != nil || ts[0].OrganizationID == nil || *ts[0].OrganizationID != f.org || len(ts[1].CollaboratorIDs) != 1 || ts[1].IsPublic {
			t.Fatalf("defaults: %+v %+v", ts[0], ts[1])
		}
		if len(hooked) != 3 || hooked[0] != ts[0].ID || hooked[2] != ts[2].ID {
			t.Fatalf("hooks %v", hooked)
		}
		n0, _ := f.s.Count(ctx, Filter{})
		_, err = f.s.CreateMany(ctx, f.agent, []CreateInput{
			{Subject: "ok", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "x"}},
			{Subject: "bad", RequesterID: 999999, Comment: CommentInput{Body: "x"}},
		})
		var ie *ItemError
		if !errors.As(err, &ie) || ie.Index != 1 {
			t.Fatalf("bad item: %v", err)
		}
		if _, err = f.s.CreateMany(ctx, f.agent, []CreateInput{{Subject: "dup", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "x"}, ExternalID: sp("ext-1")}}); err == nil {
			t.Fatal("duplicate external id accepted")
		}
		if n, _ := f.s.Count(ctx, Filter{}); n != n0 {
			t.Fatalf("a failed batch stored %d tickets", n-n0)
		}
	})
}
