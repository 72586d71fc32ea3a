package ticket

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// badText is the bad-input table of issue 15 for one text field: what no
// engine may store (NUL, invalid UTF-8) and what is over a limit.
func badText() map[string]string {
	return map[string]string{
		"NUL":           "a\x00b",
		"invalid UTF-8": "a\xffb",
		"cut UTF-8":     "caf\xc3",
		"surrogate":     "a\xed\xa0\x80b", // U+D800 encoded in UTF-8
	}
}

// ticketState is what a ticket write may change: the ticket, its comments
// and audits.
func ticketState(t *testing.T, f *fixture, id int64) string {
	t.Helper()
	ctx := context.Background()
	tk, err := f.s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := f.s.Comments(ctx, id, Page{})
	if err != nil {
		t.Fatal(err)
	}
	as, err := f.s.Audits(ctx, id, Page{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{tk, cs, as})
	return string(b)
}

func countTickets(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.s.Count(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantInvalid fails unless err is a validation error naming field.
func wantInvalid(t *testing.T, what string, err error, field string) {
	t.Helper()
	var e *errs.Error
	if err == nil || !errorsAs(err, &e) || e.Kind != errs.KindInvalid || len(e.Fields[field]) == 0 {
		t.Errorf("%s: want a validation error on %s, got %v", what, field, err)
	}
}

func errorsAs(err error, e **errs.Error) bool {
	de, ok := err.(*errs.Error)
	if ok {
		*e = de
	}
	return ok
}

// TestTicketBadTextTable runs the bad-input table against every text field
// a ticket create and update take, on both engines: each is a 422 naming
// the field, nothing is stored, and the ticket stays as it was (a NUL was a
// 500 on PostgreSQL and stored on SQLite).
func TestTicketBadTextTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		tk := f.create(t, f.agent, CreateInput{Subject: "kept", Tags: []string{"keep"}, RequesterID: f.cust.UserID})
		before := ticketState(t, f, tk.ID)
		n := countTickets(t, f)
		for name, bad := range badText() {
			creates := map[string]CreateInput{
				"subject":           {Subject: bad},
				"comment.body":      {Comment: CommentInput{Body: bad}},
				"comment.html_body": {Comment: CommentInput{HTMLBody: "<p>" + bad + "</p>"}},
				"tags":              {Tags: []string{"ok", bad}},
				"external_id":       {ExternalID: &bad},
				"recipient":         {Recipient: bad},
			}
			for field, in := range creates {
				in.RequesterID = f.cust.UserID
				if in.Comment.Body == "" && in.Comment.HTMLBody == "" {
					in.Comment.Body = "fine"
				}
				_, _, err := f.s.Create(ctx, f.agent, in)
				wantInvalid(t, "create "+name+" "+field, err, field)
			}
			updates := map[string]UpdateInput{
				"subject":           {Subject: &bad},
				"comment.body":      {Comment: &CommentInput{Body: bad}},
				"comment.html_body": {Comment: &CommentInput{HTMLBody: bad}},
				"tags":              {Tags: &[]string{bad}},
				"additional_tags":   {AdditionalTags: []string{bad}},
				"remove_tags":       {RemoveTags: []string{bad}},
				"external_id":       {ExternalID: &bad},
			}
			for field, in := range updates {
				_, _, err := f.s.Update(ctx, f.agent, tk.ID, in)
				wantInvalid(t, "update "+name+" "+field, err, field)
			}
			_, err := f.s.AddTags(ctx, f.agent, tk.ID, []string{bad})
			wantInvalid(t, "add tags "+name, err, "tags")
			_, err = f.s.Merge(ctx, f.agent, tk.ID, []int64{f.create(t, f.agent, CreateInput{RequesterID: f.cust.UserID}).ID}, bad, "", true)
			wantInvalid(t, "merge "+name, err, "target_comment")
			n++ // the merge source above
		}
		if got := ticketState(t, f, tk.ID); got != before {
			t.Errorf("the ticket changed:\n%s\n%s", before, got)
		}
		if got := countTickets(t, f); got != n {
			t.Errorf("%d tickets, want %d", got, n)
		}
	})
}

// TestTicketLimits: every limit is enforced by the store, whoever calls it,
// with a 422 naming the field; at the limit is fine.
func TestTicketLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.s.SetLimits(limits.Limits{CommentBytes: 1000, SubjectChars: 20, TagChars: 8, Tags: 5})
		ctx := context.Background()
		tk := f.create(t, f.agent, CreateInput{Subject: "kept", RequesterID: f.cust.UserID})
		before := ticketState(t, f, tk.ID)
		n := countTickets(t, f)
		tooMany := []string{"a", "b", "c", "d", "e", "f"}
		manyCCs := make([]int64, limits.Collaborators+1)
		for i := range manyCCs {
			manyCCs[i] = int64(1000 + i)
		}
		bigField := []CustomField{{ID: 1, Value: strings.Repeat("x", limits.CustomFieldsBytes)}}
		bigVia := &Via{Channel: "api", Source: map[string]any{"x": strings.Repeat("v", limits.ViaBytes)}}
		creates := map[string]CreateInput{
			"subject":           {Subject: strings.Repeat("é", 21)},
			"comment.body":      {Comment: CommentInput{Body: strings.Repeat("x", 1001)}},
			"comment.html_body": {Comment: CommentInput{HTMLBody: "<p>" + strings.Repeat("x", 1000) + "</p>"}},
			"tags":              {Tags: []string{"waytoolong"}},
			"collaborator_ids":  {CollaboratorIDs: manyCCs},
			"custom_fields":     {CustomFields: bigField},
			"via":               {Via: bigVia},
			"external_id":       {ExternalID: ptr(strings.Repeat("e", limits.NameChars+1))},
		}
		creates["tags "] = CreateInput{Tags: tooMany}
		for field, in := range creates {
			in.RequesterID = f.cust.UserID
			if in.Comment.Body == "" && in.Comment.HTMLBody == "" {
				in.Comment.Body = "fine"
			}
			_, _, err := f.s.Create(ctx, f.agent, in)
			wantInvalid(t, "create "+field, err, strings.TrimSpace(field))
		}
		// A Markdown comment (agent workspace, portal) is measured as typed.
		_, _, err := f.s.Create(ctx, f.agent, CreateInput{RequesterID: f.cust.UserID, Comment: CommentInput{Body: strings.Repeat("y", 1001), Markdown: true}})
		wantInvalid(t, "create markdown", err, "comment.body")
		updates := map[string]UpdateInput{
			"subject":          {Subject: ptr(strings.Repeat("s", 21))},
			"comment.body":     {Comment: &CommentInput{Body: strings.Repeat("x", 1001)}},
			"tags":             {Tags: &tooMany},
			"additional_tags":  {AdditionalTags: []string{"waytoolong"}},
			"collaborator_ids": {CollaboratorIDs: &manyCCs},
			"custom_fields":    {CustomFields: bigField},
			"via":              {Via: bigVia},
		}
		updates["tags "] = UpdateInput{AdditionalTags: tooMany}
		for field, in := range updates {
			_, _, err := f.s.Update(ctx, f.agent, tk.ID, in)
			field = strings.TrimSpace(field)
			if field == "tags" && in.Tags == nil {
				field = "additional_tags"
			}
			wantInvalid(t, "update "+field, err, field)
		}
		if got := ticketState(t, f, tk.ID); got != before {
			t.Errorf("the ticket changed:\n%s\n%s", before, got)
		}
		if got := countTickets(t, f); got != n {
			t.Errorf("%d tickets, want %d", got, n)
		}
		// At the limits everything is accepted.
		ok := f.create(t, f.agent, CreateInput{RequesterID: f.cust.UserID, Subject: strings.Repeat("é", 20),
			Tags: []string{"a", "b", "c", "d", "eeeeeeee"}, Comment: CommentInput{Body: strings.Repeat("é", 500)}})
		if len(ok.Tags) != 5 || len([]rune(ok.Subject)) != 20 || len(ok.Description) != 1000 {
			t.Fatalf("%+v", ok)
		}
	})
}

// TestTicketLimitsKeepOldData: a ticket stored before a limit was lowered
// can still change; only what grows is held to the new limits.
func TestTicketLimitsKeepOldData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		tk := f.create(t, f.agent, CreateInput{RequesterID: f.cust.UserID, Subject: strings.Repeat("s", 100),
			Tags: []string{"a", "b", "c", "longer-tag"}, Comment: CommentInput{Body: strings.Repeat("x", 5000)}})
		f.s.SetLimits(limits.Limits{CommentBytes: 1000, SubjectChars: 20, TagChars: 5, Tags: 2})
		pri := "high"
		got, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Priority: &pri, RemoveTags: []string{"a"}})
		if err != nil || *got.Priority != "high" || len(got.Tags) != 3 || got.Subject != tk.Subject {
			t.Fatalf("%+v %v", got, err)
		}
		_, _, err = f.s.Update(ctx, f.agent, tk.ID, UpdateInput{AdditionalTags: []string{"z"}})
		wantInvalid(t, "grow", err, "additional_tags")
	})
}

// TestEmailOverLimits: mail cannot be refused for its size (the sender
// would retry forever and cannot shorten a forwarded log), so a comment
// that arrives by email is cut at the limit with a note saying so (the raw
// message is kept by the mail store), its subject is cut, and CCs beyond the
// limit are not added.
func TestEmailOverLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.s.SetLimits(limits.Limits{CommentBytes: 1000, SubjectChars: 20})
		ctx := context.Background()
		via := Via{Channel: ChannelEmail, Source: map[string]any{"from": map[string]any{"address": "carol@example.com"}}}
		long := strings.Repeat("line of a forwarded log é\n", 200)
		tk, _, err := f.s.Create(ctx, f.cust, CreateInput{Subject: strings.Repeat("Subject ", 10), RequesterID: f.cust.UserID,
			Comment: CommentInput{Body: long, Via: &via}, Via: &via, CollaboratorIDs: []int64{f.cust2}})
		if err != nil {
			t.Fatal(err)
		}
		if len([]rune(tk.Subject)) != 20 || len(tk.Description) > 1000 || !strings.Contains(tk.Description, "cut") ||
			!strings.HasPrefix(tk.Description, "line of a forwarded log é") {
			t.Fatalf("subject %q, description (%d bytes) %q", tk.Subject, len(tk.Description), tk.Description)
		}
		cs, err := f.s.Comments(ctx, tk.ID, Page{})
		if err != nil || len(cs) != 1 || len(cs[0].Body) > 1000 || !strings.HasSuffix(strings.TrimSpace(cs[0].PlainBody), "email.]") {
			t.Fatalf("%+v %v", cs, err)
		}
		// A reply by email too.
		_, _, err = f.s.Update(ctx, f.cust, tk.ID, UpdateInput{Comment: &CommentInput{Body: long, Via: &via}, Via: &via})
		if err != nil {
			t.Fatal(err)
		}
		// The same comment through the API is refused.
		_, _, err = f.s.Update(ctx, f.cust, tk.ID, UpdateInput{Comment: &CommentInput{Body: long}})
		wantInvalid(t, "api", err, "comment.body")
	})
}

// TestCommentText: control characters are stored visibly, a body of only
// markup is not blank, and Markdown keeps pasted XML in the plain text (the
// description, which search indexes).
func TestCommentText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		tk, _, err := f.s.Create(ctx, f.cust, CreateInput{Subject: "Tab\there\nnext\x1b[0m",
			Comment: CommentInput{Body: "<NullPointerException>", Markdown: true}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Subject != "Tab here next␛[0m" || tk.Description != "<NullPointerException>" {
			t.Fatalf("subject %q description %q", tk.Subject, tk.Description)
		}
		up, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Comment: &CommentInput{Body: "log:\n\x1b[31mred\x1b[0m\x7f", Markdown: true}, Tags: &[]string{"A\x01b"}})
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := f.s.Comments(ctx, tk.ID, Page{})
		last := cs[len(cs)-1]
		if last.Body != "log:\n␛[31mred␛[0m␡" || !strings.Contains(last.PlainBody, "␛[31mred") || !reflect.DeepEqual(up.Tags, []string{"a␁b"}) {
			t.Fatalf("%q %q %q", last.Body, last.PlainBody, up.Tags)
		}
		_, _, err = f.s.Create(ctx, f.cust, CreateInput{Subject: "x", Comment: CommentInput{Body: "<server><port>8080</port></server>", Markdown: true}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestEmailCCsCapped: mail with more recipients than the CC limit keeps the
// CCs a ticket had and adds new ones up to the limit; the API is refused.
func TestEmailCCsCapped(t *testing.T) {
	var ids []int64
	for i := range limits.Collaborators + 20 {
		ids = append(ids, int64(100+i))
	}
	email := &Via{Channel: ChannelEmail}
	tk, err := newTicket(&CreateInput{RequesterID: 3, CollaboratorIDs: ids, Via: email}, "x", change{actor: cust, now: t0})
	if err != nil || len(tk.CollaboratorIDs) != limits.Collaborators {
		t.Fatalf("%v %v", len(tk.CollaboratorIDs), err)
	}
	_, err = newTicket(&CreateInput{RequesterID: 3, CollaboratorIDs: ids}, "x", change{actor: cust, now: t0})
	wantField(t, err, "collaborator_ids")
	cur := &Ticket{ID: 1, Status: StatusOpen, RequesterID: 3, Subject: "s", CollaboratorIDs: ids[10:]}
	got, err := applyUpdate(cur, &UpdateInput{AdditionalCollaborators: ids[:15], Via: email}, change{actor: cust, now: t0}, nil)
	if err != nil || len(got.CollaboratorIDs) != len(ids)-10 {
		t.Fatalf("%d %v", len(got.CollaboratorIDs), err)
	}
	_, err = applyUpdate(cur, &UpdateInput{AdditionalCollaborators: ids[:15]}, change{actor: cust, now: t0}, nil)
	wantField(t, err, "collaborator_ids")
}
