package search

import (
	"context"
	"fmt"
	"slices"
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
func bp(b bool) *bool     { return &b }

type world struct {
	s       *Service
	tickets *ticket.Store
	d       *db.DB
	agent   ticket.Actor
	cust    ticket.Actor
	other   ticket.Actor
	org     int64
	group   int64
	ids     map[string]int64
}

func setup(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ps := people.NewStore(d, al)
	sys := audit.System()
	org, err := ps.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Acme Rockets"), SharedTickets: bp(true)})
	if err != nil {
		t.Fatal(err)
	}
	g, err := ps.CreateGroup(ctx, sys, people.GroupInput{Name: sp("Support EMEA")})
	if err != nil {
		t.Fatal(err)
	}
	user := func(name, role string, org *int64) ticket.Actor {
		u, err := ps.CreateUser(ctx, sys, people.UserInput{Name: sp(name), Email: sp(name + "@example.com"), Role: sp(role), OrganizationID: org})
		if err != nil {
			t.Fatal(err)
		}
		return ticket.Actor{UserID: u.ID, Role: role}
	}
	w := &world{s: New(d), d: d, tickets: ticket.NewStore(d, al, t.TempDir(), 0), org: org.ID, group: g.ID, ids: map[string]int64{}}
	w.tickets.OnChange(w.s.Hook)
	w.agent = user("alice", "agent", nil)
	w.cust = user("carol", "end-user", &org.ID)
	w.other = user("erin", "end-user", nil)
	clk := d.Clock.(*clock.Fake)
	mk := func(key string, actor ticket.Actor, in ticket.CreateInput) {
		tk, _, err := w.tickets.Create(ctx, actor, in)
		if err != nil {
			t.Fatal(err)
		}
		w.ids[key] = tk.ID
		clk.Advance(time.Hour)
	}
	mk("printer", w.cust, ticket.CreateInput{Subject: "Printer on fire", Priority: sp("urgent"), Tags: []string{"hardware", "fire"},
		Comment: ticket.CommentInput{Body: "The office printer is burning since the last firmware upgrade."}})
	mk("runner", w.cust, ticket.CreateInput{Subject: "CI runner stuck", Priority: sp("high"), Tags: []string{"ci"},
		Comment: ticket.CommentInput{Body: "Pipelines hang on the shared runner after the upgrade."}})
	mk("billing", w.other, ticket.CreateInput{Subject: "Invoice question", Priority: sp("low"), Type: sp("question"),
		Comment: ticket.CommentInput{Body: "Why was I charged twice?"}})
	mk("sso", w.agent, ticket.CreateInput{Subject: "SAML login fails", RequesterID: w.other.UserID, AssigneeID: &w.agent.UserID,
		GroupID: &g.ID, Priority: sp("normal"), ExternalID: sp("JIRA-7"),
		CustomFields: []ticket.CustomField{{ID: 42, Value: "gitlab.com"}},
		Comment:      ticket.CommentInput{Body: "SAML assertion rejected: clock skew."}})
	// An internal note that customers must not be able to match.
	if _, _, err := w.tickets.Update(ctx, w.agent, w.ids["runner"], ticket.UpdateInput{
		Comment: &ticket.CommentInput{Body: "Suspect the kubernetes executor", Public: bp(false)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.tickets.Update(ctx, w.agent, w.ids["billing"], ticket.UpdateInput{
		Status: sp("solved"), AssigneeID: &w.agent.UserID, Comment: &ticket.CommentInput{Body: "Refunded the duplicate charge."},
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) find(t *testing.T, viewer Viewer, query string) []string {
	t.Helper()
	q, err := Parse(query, w.d.Clock.Now(), time.UTC)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	res, total, err := w.s.Search(context.Background(), &Request{Query: q, Viewer: viewer})
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	if total != len(res) {
		t.Fatalf("%q: total %d for %d results", query, total, len(res))
	}
	names := map[int64]string{}
	for k, id := range w.ids {
		names[id] = k
	}
	var out []string
	for _, r := range res {
		if r.ResultType == "ticket" {
			out = append(out, names[r.ID])
		} else {
			out = append(out, fmt.Sprintf("%s:%d", r.ResultType, r.ID))
		}
	}
	return out
}

func TestTicketSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := Viewer{UserID: w.agent.UserID}
		created := d.Clock.Now().Add(-3 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
		cases := []struct {
			q    string
			want []string // in order when ordered, else as a set
			set  bool
		}{
			{"type:ticket upgrade", []string{"printer", "runner"}, true},
			{"type:ticket \"firmware upgrade\"", []string{"printer"}, false},
			{"type:ticket firm*", []string{"printer"}, false},
			{"type:ticket upgrade -pipelines", []string{"printer"}, false},
			{"type:ticket kubernetes", []string{"runner"}, false}, // internal note, staff may match
			{"status<solved order_by:created sort:asc", []string{"printer", "runner", "sso"}, false},
			{"status:solved", []string{"billing"}, false},
			{"priority>=high order_by:priority sort:desc", []string{"printer", "runner"}, false},
			{"tags:fire", []string{"printer"}, false},
			{"tags:hard*", []string{"printer"}, false},
			{"-tags:fire type:ticket order_by:created sort:asc", []string{"runner", "billing", "sso"}, false},
			{"assignee:none type:ticket", []string{"printer", "runner"}, true},
			{"assignee:me status:solved", []string{"billing"}, false},
			{"assignee:alice@example.com order_by:created sort:asc", []string{"billing", "sso"}, false},
			{"requester:carol@example.com", []string{"printer", "runner"}, true},
			{"organization:\"acme rockets\" type:ticket", []string{"printer", "runner"}, true},
			{"group:\"support emea\"", []string{"sso"}, false},
			{fmt.Sprintf("group:%d", w.group), []string{"sso"}, false},
			{"ticket_type:question", []string{"billing"}, false},
			{"created>" + created + " type:ticket order_by:created sort:asc", []string{"billing", "sso"}, false},
			{"subject:saml", []string{"sso"}, false},
			{"external_id:jira-7", []string{"sso"}, false},
			{"custom_field_42:gitlab.com", []string{"sso"}, false},
			{"comment:refunded", []string{"billing"}, false},
			{"commenter:me type:ticket", []string{"runner", "billing", "sso"}, true},
			{"type:ticket nosuchword", nil, false},
			{"status<new", nil, false},
		}
		for _, c := range cases {
			got := w.find(t, staff, c.q)
			want := c.want
			if c.set {
				slices.Sort(got)
				want = slices.Sorted(slices.Values(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q: got %v, want %v", c.q, got, want)
			}
		}
		// Relevance: the older ticket that names the word in its subject
		// (and body) ranks above the newer one that only mentions it once.
		if got := w.find(t, staff, "type:ticket upgrade"); !slices.Equal(got, []string{"runner", "printer"}) {
			t.Errorf("newest first among equals: %v", got)
		}
		if _, _, err := w.tickets.Update(context.Background(), w.agent, w.ids["printer"], ticket.UpdateInput{
			Subject: sp("Upgrade set the printer on fire"),
		}); err != nil {
			t.Fatal(err)
		}
		if got := w.find(t, staff, "type:ticket upgrade"); !slices.Equal(got, []string{"printer", "runner"}) {
			t.Errorf("ranked: %v", got)
		}
	})
}

func TestCustomerSearchIsRestricted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		carol := Viewer{UserID: w.cust.UserID, Visibility: &ticket.Visibility{UserID: w.cust.UserID}}
		erin := Viewer{UserID: w.other.UserID, Visibility: &ticket.Visibility{UserID: w.other.UserID}}
		if got := w.find(t, carol, "upgrade"); len(got) != 2 {
			t.Errorf("carol upgrade: %v", got)
		}
		if got := w.find(t, carol, "kubernetes"); len(got) != 0 {
			t.Errorf("internal note matched for a customer: %v", got)
		}
		if got := w.find(t, erin, "upgrade"); len(got) != 0 {
			t.Errorf("erin sees others' tickets: %v", got)
		}
		slices.Sort(w.find(t, erin, "status<closed"))
		if got := w.find(t, erin, "status<closed order_by:created sort:asc"); !slices.Equal(got, []string{"billing", "sso"}) {
			t.Errorf("erin's own: %v", got)
		}
		q, _ := Parse("type:user carol", d.Clock.Now(), time.UTC)
		if n := len(Types(&Request{Query: q, Viewer: carol})); n != 0 {
			t.Errorf("customers must not search users: %d types", n)
		}
	})
}

func TestPeopleSearchAndErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := Viewer{UserID: w.agent.UserID}
		if got := w.find(t, staff, "type:user role:agent"); len(got) != 1 || got[0] != fmt.Sprintf("user:%d", w.agent.UserID) {
			t.Errorf("role:agent: %v", got)
		}
		if got := w.find(t, staff, "type:user carol"); len(got) != 1 || got[0] != fmt.Sprintf("user:%d", w.cust.UserID) {
			t.Errorf("user free text: %v", got)
		}
		if got := w.find(t, staff, "type:organization acme"); len(got) != 1 || got[0] != fmt.Sprintf("organization:%d", w.org) {
			t.Errorf("org: %v", got)
		}
		if got := w.find(t, staff, "type:group emea"); len(got) != 1 || got[0] != fmt.Sprintf("group:%d", w.group) {
			t.Errorf("group: %v", got)
		}
		// Without a type, free text spans every type: the organization
		// "Acme Rockets" and no ticket mention "rockets".
		if got := w.find(t, staff, "rockets"); len(got) != 1 || got[0] != fmt.Sprintf("organization:%d", w.org) {
			t.Errorf("mixed: %v", got)
		}
		// brand: every ticket is in the default brand (id 1) until moved.
		if got := w.find(t, staff, "type:ticket brand:99"); len(got) != 0 {
			t.Errorf("brand:99: %v", got)
		}
		if got := w.find(t, staff, "type:ticket brand:1"); len(got) == 0 {
			t.Errorf("brand:1 finds no ticket")
		}
		for _, bad := range []string{"", "stauts:open"} {
			q, err := Parse(bad, d.Clock.Now(), time.UTC)
			if err == nil {
				_, _, err = w.s.Search(context.Background(), &Request{Query: q, Viewer: staff})
			}
			if !errs.Is(err, errs.KindInvalid) {
				t.Errorf("%q: %v", bad, err)
			}
		}
		// Pagination over the mixed result list.
		q, _ := Parse("status<closed", d.Clock.Now(), time.UTC)
		all, total, _ := w.s.Search(context.Background(), &Request{Query: q, Viewer: staff})
		page2, total2, _ := w.s.Search(context.Background(), &Request{Query: q, Viewer: staff, Offset: 2, Limit: 2})
		if total != 4 || total2 != 4 || len(page2) != 2 || page2[0] != all[2] || page2[1] != all[3] {
			t.Errorf("pages: %v / %v", all, page2)
		}
	})
}

func TestReindex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		ctx := context.Background()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "DELETE FROM ticket_fts")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := w.find(t, Viewer{UserID: w.agent.UserID}, "type:ticket upgrade"); len(got) != 0 {
			t.Fatalf("emptied index still matches: %v", got)
		}
		_, n, err := w.s.Reindex(ctx, 0, 3)
		if err != nil || n != 4 {
			t.Fatalf("reindex: %d %v", n, err)
		}
		if got := w.find(t, Viewer{UserID: w.agent.UserID}, "type:ticket upgrade"); len(got) != 2 {
			t.Fatalf("after reindex: %v", got)
		}
	})
}

// TestDeletedTicketsLeaveTheIndex: a deleted ticket is found by no search,
// with or without other conditions.
func TestDeletedTicketsLeaveTheIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := Viewer{UserID: w.agent.UserID}
		if err := w.tickets.Delete(context.Background(), w.agent, w.ids["printer"]); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"type:ticket upgrade", "type:ticket upgrade status<closed", "type:ticket firmware"} {
			for _, got := range w.find(t, staff, q) {
				if got == "printer" || got == "" {
					t.Errorf("%q found the deleted ticket: %v", q, got)
				}
			}
		}
		var n int
		if err := d.Read(context.Background(), func(tx *db.Tx) error {
			return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM ticket_fts").Scan(&n)
		}); err != nil || n != 3 {
			t.Fatalf("index rows %d %v", n, err)
		}
	})
}

// A new ticket's index row is written from the change at hand; it must be
// the row a full re-index of the ticket writes.
func TestNewTicketIndexRowEqualsReindexedRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		ctx := context.Background()
		row := func(id int64) string {
			q := "SELECT subject || '|' || public_text || '|' || private_text FROM ticket_fts WHERE rowid = $1"
			if d.Dialect == db.Postgres {
				q = "SELECT CAST(doc_public AS TEXT) || '|' || CAST(doc_all AS TEXT) FROM ticket_fts WHERE ticket_id = $1"
			}
			var s string
			if err := d.Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, q, id).Scan(&s) }); err != nil {
				t.Fatal(err)
			}
			return s
		}
		for _, in := range []ticket.CreateInput{
			{Subject: "Runner offline", Comment: ticket.CommentInput{Body: "The **shared** runner went away"}},
			{Subject: "Private start", Comment: ticket.CommentInput{Body: "Internal: customer escalated", Public: bp(false)}},
			{Subject: "HTML", Comment: ticket.CommentInput{HTMLBody: "<p>Pipeline <b>stuck</b></p>"}},
		} {
			tk, _, err := w.tickets.Create(ctx, w.agent, in)
			if err != nil {
				t.Fatal(err)
			}
			created := row(tk.ID)
			if err := d.Write(ctx, func(tx *db.Tx) error { return w.s.IndexTicket(ctx, tx, tk.ID) }); err != nil {
				t.Fatal(err)
			}
			if again := row(tk.ID); again != created || created == "" {
				t.Errorf("%q: index row at creation %q, after re-indexing %q", in.Subject, created, again)
			}
		}
	})
}

// A ticket deleted before its deferred index row is written gets no row
// (on SQLite the row would outlive it: the delete trigger already ran).
func TestDeletedTicketGetsNoIndexRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		ctx := context.Background()
		var id int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, "SELECT max(id) FROM tickets").Scan(&id); err != nil {
				return err
			}
			tx.Defer(w.s, w.s.writeIndex, indexItem{id: id, created: true, subject: "ghost", public: "ghost"})
			_, err := tx.ExecContext(ctx, "DELETE FROM tickets WHERE id = $1", id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		q := "SELECT count(*) FROM ticket_fts WHERE rowid = $1"
		if d.Dialect == db.Postgres {
			q = "SELECT count(*) FROM ticket_fts WHERE ticket_id = $1"
		}
		var n int
		if err := d.QueryRow(ctx, q, []any{id}, &n); err != nil || n != 0 {
			t.Fatalf("%d index rows for a deleted ticket (err %v)", n, err)
		}
	})
}
