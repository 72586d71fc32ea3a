package ticket

import (
	"context"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

// TestSoftDeleteRestorePurge: a deleted ticket leaves the live tables, is
// listed among the deleted tickets, comes back under its id with its
// comments, audits and collaborators, and a permanent deletion drops it.
func TestSoftDeleteRestorePurge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		reindexed := []int64{}
		f.s.OnRestore(func(ctx context.Context, tx *db.Tx, id int64) error { reindexed = append(reindexed, id); return nil })
		tk := f.create(t, f.agent, CreateInput{Subject: "Printer", RequesterID: f.cust.UserID, CollaboratorIDs: []int64{f.cust2}})
		if _, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Comment: &CommentInput{Body: "second"}, Status: sp(StatusPending), AssigneeID: &f.agent.UserID}); err != nil {
			t.Fatal(err)
		}
		other := f.create(t, f.agent, CreateInput{Subject: "Other", RequesterID: f.cust.UserID})
		if err := f.s.SoftDelete(ctx, f.agent, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Get(ctx, tk.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("deleted ticket still readable: %v", err)
		}
		if n, _ := f.s.Count(ctx, Filter{}); n != 1 {
			t.Fatalf("count after delete %d", n)
		}
		ds, n, err := f.s.ListDeleted(ctx, DeletedFilter{})
		if err != nil || n != 1 || len(ds) != 1 || ds[0].ID != tk.ID || ds[0].Subject != "Printer" || ds[0].PreviousState != StatusPending ||
			ds[0].ActorID == nil || *ds[0].ActorID != f.agent.UserID || !ds[0].DeletedAt.Equal(d.Clock.Now()) {
			t.Fatalf("deleted list %+v %d %v", ds, n, err)
		}
		// Outside its brand's partition the deleted ticket is not listed.
		if ds, n, err := f.s.ListDeleted(ctx, DeletedFilter{HiddenBrands: []int64{tk.BrandID}}); err != nil || n != 0 || len(ds) != 0 {
			t.Fatalf("hidden brand's deleted ticket listed: %+v %d %v", ds, n, err)
		}
		if ds, n, err := f.s.ListDeleted(ctx, DeletedFilter{HiddenBrands: []int64{tk.BrandID + 1}, Limit: 10}); err != nil || n != 1 || len(ds) != 1 || ds[0].BrandID != tk.BrandID {
			t.Fatalf("another brand hidden: %+v %d %v", ds, n, err)
		}
		if d, err := f.s.GetDeleted(ctx, tk.ID); err != nil || d.BrandID != tk.BrandID {
			t.Fatalf("deleted ticket's brand: %+v %v", d, err)
		}
		if err := f.s.SoftDelete(ctx, f.agent, tk.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		back, err := f.s.Restore(ctx, f.agent, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.ID != tk.ID || back.Subject != "Printer" || back.Status != StatusPending || len(back.CollaboratorIDs) != 1 || back.CollaboratorIDs[0] != f.cust2 {
			t.Fatalf("restored %+v", back)
		}
		if cs, _ := f.s.Comments(ctx, tk.ID, Page{}); len(cs) != 2 || cs[1].PlainBody != "second" {
			t.Fatalf("restored comments %+v", cs)
		}
		if as, _ := f.s.Audits(ctx, tk.ID, Page{}); len(as) != 2 {
			t.Fatalf("restored audits %d", len(as))
		}
		if len(reindexed) != 1 || reindexed[0] != tk.ID {
			t.Fatalf("restore hooks %v", reindexed)
		}
		if _, n, _ := f.s.ListDeleted(ctx, DeletedFilter{}); n != 0 {
			t.Fatalf("still deleted: %d", n)
		}
		if _, err := f.s.Restore(ctx, f.agent, tk.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("second restore: %v", err)
		}
		// The restored ticket takes updates as before.
		if _, _, err := f.s.Update(ctx, f.agent, tk.ID, UpdateInput{Comment: &CommentInput{Body: "third"}}); err != nil {
			t.Fatal(err)
		}
		// Permanent deletion: soft first, then purge.
		if err := f.s.Purge(ctx, other.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("purge of a live ticket: %v", err)
		}
		if err := f.s.SoftDelete(ctx, f.agent, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Purge(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Restore(ctx, f.agent, other.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("restore after purge: %v", err)
		}
		// Tickets deleted more than 30 days ago are purged.
		if err := f.s.SoftDelete(ctx, f.agent, tk.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.PurgeDeletedBefore(ctx, d.Clock.Now().Add(-30*24*time.Hour)); err != nil || n != 0 {
			t.Fatalf("purge of recent: %d %v", n, err)
		}
		if n, err := f.s.PurgeDeletedBefore(ctx, d.Clock.Now().Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
	})
}

// TestImportKeepsTimes: an imported ticket keeps its created, updated and
// solved times and each comment's, runs only history hooks, and its audits
// are in the incremental event export at their times.
func TestImportKeepsTimes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var normal, history int
		f.s.OnChange(func(ctx context.Context, tx *db.Tx, c *Change) error { normal++; return nil })
		f.s.OnHistoryChange(func(ctx context.Context, tx *db.Tx, c *Change) error { history++; return nil })
		at := func(s string) *time.Time {
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return &v
		}
		in := ImportInput{
			CreateInput: CreateInput{Subject: "Old", RequesterID: f.cust.UserID, AssigneeID: &f.agent.UserID, Status: sp(StatusClosed),
				Comment: CommentInput{Body: "first", AuthorID: &f.cust.UserID}},
			Comments: []ImportComment{
				{CommentInput: CommentInput{Body: "reply", AuthorID: &f.agent.UserID}, CreatedAt: at("2020-01-02T10:00:00Z")},
				{CommentInput: CommentInput{Body: "thanks", AuthorID: &f.cust.UserID}, CreatedAt: at("2020-01-03T10:00:00Z")},
			},
			CreatedAt: at("2020-01-01T10:00:00Z"), UpdatedAt: at("2020-01-05T10:00:00Z"), SolvedAt: at("2020-01-04T10:00:00Z"),
		}
		tk, err := f.s.Import(ctx, f.agent, in)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != StatusClosed || !tk.CreatedAt.Equal(*in.CreatedAt) || !tk.UpdatedAt.Equal(*in.UpdatedAt) ||
			tk.SolvedAt == nil || !tk.SolvedAt.Equal(*in.SolvedAt) || tk.Description != "first" {
			t.Fatalf("imported %+v", tk)
		}
		cs, _ := f.s.Comments(ctx, tk.ID, Page{})
		if len(cs) != 3 || !cs[0].CreatedAt.Equal(*in.CreatedAt) || !cs[1].CreatedAt.Equal(*in.Comments[0].CreatedAt) ||
			cs[2].AuthorID != f.cust.UserID || !cs[2].CreatedAt.Equal(*in.Comments[1].CreatedAt) {
			t.Fatalf("comments %+v", cs)
		}
		if normal != 0 || history == 0 {
			t.Fatalf("hooks: normal %d history %d", normal, history)
		}
		if _, err := f.s.Import(ctx, f.agent, ImportInput{CreateInput: CreateInput{Subject: "x", RequesterID: f.cust.UserID, Comment: CommentInput{Body: "x"}},
			CreatedAt: ptrTime(d.Clock.Now().Add(time.Hour))}); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("future import: %v", err)
		}
		// A live change after the import; the event export lists every
		// audit in time order, comments with their text when asked.
		live := f.create(t, f.agent, CreateInput{Subject: "Now", RequesterID: f.cust.UserID})
		as, err := f.s.AuditsSince(ctx, time.Unix(0, 0), 0, 100, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 4 || !as[0].CreatedAt.Equal(*in.CreatedAt) || as[len(as)-1].TicketID != live.ID {
			t.Fatalf("audits since %+v", as)
		}
		var bodies []string
		for _, a := range as {
			for _, e := range a.Events {
				if e.Type == EventComment {
					bodies = append(bodies, e.PlainBody)
				}
			}
		}
		if len(bodies) != 4 || bodies[1] != "reply" {
			t.Fatalf("comment events %v", bodies)
		}
		page, _ := f.s.AuditsSince(ctx, as[1].CreatedAt, as[1].ID, 2, false)
		if len(page) != 2 || page[0].ID != as[2].ID {
			t.Fatalf("after cursor %+v", page)
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }
