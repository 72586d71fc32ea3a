package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

// What a customer's search term may do to the planted ticket.
const (
	hidden  = "hidden"  // staff match the ticket, the customer must not (internal data)
	shown   = "shown"   // the customer matches the ticket (visible data; negation of internal data)
	refused = "refused" // the term is refused for customers (agent-only field or lookup)
)

type customerCase struct {
	q, want string
}

// plantSecret adds a ticket that carol requested but whose internal data
// (first comment, a note with an attachment, the note's author, agent-only
// fields) carries markers; it returns the ticket's id and the ids of the
// agent who wrote only internal notes and of the agent who replied publicly.
func plantSecret(t *testing.T, d *db.DB, w *world) (id, ivan, alice, cc int64) {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ps := people.NewStore(d, al)
	u, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp("Ivan Internal"), Email: sp("ivan@example.com"), Role: sp("agent")})
	if err != nil {
		t.Fatal(err)
	}
	ccu, err := ps.CreateUser(ctx, audit.System(), people.UserInput{Name: sp("Dora Cc"), Email: sp("dora@example.com"), Role: sp("end-user")})
	if err != nil {
		t.Fatal(err)
	}
	ivanA := ticket.Actor{UserID: u.ID, Role: "agent"}
	due := d.Clock.Now().Add(72 * time.Hour)
	tk, _, err := w.tickets.Create(ctx, ivanA, ticket.CreateInput{
		Subject: "Quota raise", RequesterID: w.cust.UserID, GroupID: &w.group, Priority: sp("high"), Type: sp("task"),
		Tags: []string{"zqtagmarker"}, ExternalID: sp("zqextmarker"), DueAt: &due, CollaboratorIDs: []int64{ccu.ID},
		CustomFields: []ticket.CustomField{{ID: 7, Value: "zqcfmarker"}},
		Comment:      ticket.CommentInput{Body: "zqdescmarker customer is on a watch list", Public: bp(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.tickets.Update(ctx, w.agent, tk.ID, ticket.UpdateInput{
		AssigneeID: &w.agent.UserID, Comment: &ticket.CommentInput{Body: "We raised your quota, see the public answer."},
	}); err != nil {
		t.Fatal(err)
	}
	up, err := w.tickets.SaveUpload(ctx, ivanA, "zqattmarker.txt", "text/plain", strings.NewReader("zqattbody"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.tickets.Update(ctx, ivanA, tk.ID, ticket.UpdateInput{
		Comment: &ticket.CommentInput{Body: "zqnotemarker second thoughts about this customer", Public: bp(false), Uploads: []string{up.Token}},
	}); err != nil {
		t.Fatal(err)
	}
	w.ids["secret"] = tk.ID
	return tk.ID, u.ID, w.agent.UserID, ccu.ID
}

// customerCases decides, for every ticket field the query language has and
// for free text, what a customer's term matches on the planted ticket. The
// test fails when zquery gains a ticket field that has no case here.
func customerCases(ivan, alice, cc, group, org int64) map[string][]customerCase {
	f := fmt.Sprintf
	return map[string][]customerCase{
		"status":      {{"status:open", shown}, {"status<solved", shown}},
		"priority":    {{"priority:high", shown}, {"priority>normal", shown}},
		"ticket_type": {{"ticket_type:task", shown}},
		"tags":        {{"tags:zqtagmarker", refused}, {"-tags:zqtagmarker", refused}, {"tags:zq*", refused}},
		"assignee":    {{f("assignee:%d", alice), shown}, {"assignee:alice@example.com", refused}, {"assignee:alice", refused}},
		"requester":   {{"requester:me", shown}, {"requester:carol@example.com", refused}},
		"submitter":   {{f("submitter:%d", ivan), refused}, {"submitter:me", refused}},
		"cc":          {{f("cc:%d", cc), shown}, {"cc:dora@example.com", refused}},
		"commenter": {
			{f("commenter:%d", ivan), hidden}, {f("-commenter:%d", ivan), shown}, {f("commenter:%d", alice), shown},
			{"commenter:ivan@example.com", refused}, {"commenter:ivan*", refused},
		},
		"group":        {{f("group:%d", group), shown}, {`group:"support emea"`, refused}, {"group:support*", refused}},
		"organization": {{f("organization:%d", org), shown}, {`organization:"acme rockets"`, refused}},
		"brand":        {{"brand:1", refused}},
		"subject":      {{"subject:quota", shown}},
		"description": {
			{"description:zqdescmarker", hidden}, {"-description:zqdescmarker", shown},
			// The customer's description is the first public comment.
			{`description:"public answer"`, shown},
		},
		"comment": {
			{"comment:zqnotemarker", hidden}, {"comment:zqdescmarker", hidden}, {"-comment:zqnotemarker", shown},
			{`comment:"public answer"`, shown},
		},
		"fieldvalue":        {{"fieldvalue:zqcfmarker", refused}},
		"via":               {{"via:web", shown}},
		"created":           {{"created>2000-01-01", shown}},
		"updated":           {{"updated>2000-01-01", shown}},
		"solved":            {{"-solved>2000-01-01", shown}},
		"due_date":          {{"due_date>2000-01-01", shown}},
		"external_id":       {{"external_id:zqextmarker", refused}, {"-external_id:zqextmarker", refused}},
		"has_attachment":    {{"has_attachment:true", hidden}, {"has_attachment:false", shown}, {"-has_attachment:true", shown}},
		"custom_field_<id>": {{"custom_field_7:zqcfmarker", refused}},
		// Free text: words, phrases, prefixes and exclusions.
		"": {
			{"zqnotemarker", hidden}, {"zqdescmarker", hidden}, {`"second thoughts"`, hidden}, {"zqnotem*", hidden},
			{`"watch list"`, hidden}, {"-zqnotemarker", shown}, {`-"second thoughts"`, shown}, {"quota answer", shown},
		},
	}
}

// TestCustomerSearchTermsSeeOnlyWhatCustomersSee walks every ticket term of
// the query language: as a customer, no term, negated term, free-text
// entry or exclusion is decided by internal notes, their authors and
// attachments, the internal first comment or an agent-only field; counts
// agree with the results.
func TestCustomerSearchTermsSeeOnlyWhatCustomersSee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id, ivan, alice, cc := plantSecret(t, d, w)
		cases := customerCases(ivan, alice, cc, w.group, w.org)
		for _, field := range append(zquery.Fields(zquery.TypeTicket), "") {
			if len(cases[field]) == 0 {
				t.Errorf("ticket field %q has no customer case: decide what a customer may match with it", field)
			}
		}
		carol := Viewer{UserID: w.cust.UserID, Visibility: &ticket.Visibility{UserID: w.cust.UserID}}
		staff := Viewer{UserID: w.agent.UserID}
		ctx := context.Background()
		run := func(v Viewer, query string) ([]Result, int, error) {
			q, err := Parse("type:ticket "+query, d.Clock.Now(), time.UTC)
			if err != nil {
				return nil, 0, err
			}
			r := &Request{Query: q, Viewer: v}
			res, total, err := w.s.Search(ctx, r)
			if err != nil {
				return nil, 0, err
			}
			counts, err := w.s.Count(ctx, r)
			if err != nil {
				return nil, 0, err
			}
			if counts[zquery.TypeTicket] != total || total != len(res) {
				t.Errorf("%q: count %d, total %d, %d results", query, counts[zquery.TypeTicket], total, len(res))
			}
			return res, total, nil
		}
		has := func(res []Result) bool {
			return slices.ContainsFunc(res, func(r Result) bool { return r.ID == id })
		}
		for field, cs := range cases {
			for _, c := range cs {
				res, _, err := run(carol, c.q)
				switch c.want {
				case refused:
					if !errs.Is(err, errs.KindInvalid) {
						t.Errorf("%s: customer %q: want it refused, got %v (%d results)", field, c.q, err, len(res))
					}
					continue
				case hidden:
					sres, _, serr := run(staff, c.q)
					if serr != nil || !has(sres) {
						t.Errorf("%s: staff %q does not find the ticket (%v): the case proves nothing", field, c.q, serr)
					}
					if err != nil || has(res) {
						t.Errorf("%s: customer %q matched internal data (err %v)", field, c.q, err)
					}
				case shown:
					if err != nil || !has(res) {
						t.Errorf("%s: customer %q does not find the ticket (err %v)", field, c.q, err)
					}
				}
			}
		}
	})
}

// TestCustomerRankingIgnoresInternalText: the relevance order a customer
// gets does not move when internal notes repeat a query word.
func TestCustomerRankingIgnoresInternalText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		ctx := context.Background()
		var ids []int64
		for i := range 3 {
			tk, _, err := w.tickets.Create(ctx, w.cust, ticket.CreateInput{Subject: fmt.Sprintf("Question %d", i),
				Comment: ticket.CommentInput{Body: "the zqrankword appears once here"}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
		carol := Viewer{UserID: w.cust.UserID, Visibility: &ticket.Visibility{UserID: w.cust.UserID}}
		order := func(v Viewer, query string) []int64 {
			q, err := Parse(query, d.Clock.Now(), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			res, _, err := w.s.Search(ctx, &Request{Query: q, Viewer: v})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range res {
				out = append(out, r.ID)
			}
			return out
		}
		before := order(carol, "zqrankword")
		// The oldest ticket gets the word many times over in internal
		// notes, which would rank it first on the agents' full text.
		for range 3 {
			if _, _, err := w.tickets.Update(ctx, w.agent, ids[0], ticket.UpdateInput{Comment: &ticket.CommentInput{
				Body: strings.Repeat("zqrankword ", 20), Public: bp(false)}}); err != nil {
				t.Fatal(err)
			}
		}
		if after := order(carol, "zqrankword"); !slices.Equal(before, after) || len(after) != 3 {
			t.Errorf("customer ranking moved with internal notes: %v, then %v", before, after)
		}
		for _, q := range []string{"zqrankword order_by:updated", "zqrankword order_by:created sort:asc", "zqrankword order_by:priority"} {
			if got := order(carol, q); len(got) != 3 {
				t.Errorf("%q: %v", q, got)
			}
		}
	})
}
