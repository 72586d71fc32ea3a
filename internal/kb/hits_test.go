package kb

import (
	"context"
	"slices"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestSearchHitCacheFollowsEveryIndexWrite: a repeated search is answered
// from the hit cache, and every kind of write to the text index — through
// this store or another one on the same database (another instance) —
// makes the next search read the index again: visibility, promotion, a
// title edit, a translation, a section's visibility, deletion. An entry of
// one reader never answers another, and pages past the entry are read.
func TestSearchHitCacheFollowsEveryIndexWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		other := NewStore(d, audit.New(d)) // a second instance
		a := f.article(f.pub.ID, "Backup restore", "Restore from the latest backup.", ArticleInput{})
		b := f.article(f.pub.ID, "Object storage copies", "Send each backup to S3.", ArticleInput{})
		c := f.article(f.pub.ID, "Disk space", "A backup needs twice the space.", ArticleInput{})
		search := func(v Viewer, want ...int64) {
			t.Helper()
			res, n, err := f.st.SearchCount(ctx, Query{Viewer: v, Text: "backup"})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range res {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, want) || n != len(want) {
				t.Fatalf("search found %v (count %d), want %v", got, n, want)
			}
		}
		used := func() int {
			f.st.hits.mu.Lock()
			defer f.st.hits.mu.Unlock()
			return f.st.hits.used
		}
		search(anon, a.ID, b.ID, c.ID)
		search(anon, a.ID, b.ID, c.ID)
		if used() != 1 {
			t.Fatalf("the repeated search was not answered from the cache (%d)", used())
		}
		search(staff, a.ID, b.ID, c.ID) // another reader: its own entry
		if used() != 1 {
			t.Fatal("a staff search used the anonymous reader's entry")
		}

		if _, err := f.st.UpdateArticle(ctx, editor, a.ID, ArticleInput{Visibility: sp("internal")}); err != nil {
			t.Fatal(err)
		}
		search(anon, b.ID, c.ID)
		search(staff, a.ID, b.ID, c.ID)

		if _, err := other.UpdateArticle(ctx, editor, c.ID, ArticleInput{Promoted: bp(true)}); err != nil {
			t.Fatal(err)
		}
		search(anon, c.ID, b.ID) // promoted first among body matches

		if _, err := other.UpdateArticle(ctx, editor, b.ID, ArticleInput{Title: sp("Object storage"), BodyMarkdown: sp("Send each copy to S3.")}); err != nil {
			t.Fatal(err)
		}
		search(anon, c.ID)

		de := "de-de"
		tr, err := other.CreateTranslation(ctx, editor, "article", b.ID, TranslationInput{Locale: &de, Title: sp("Backup in den Objektspeicher"), BodyMarkdown: sp("Jedes Backup nach S3."), Draft: bp(false)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.st.Search(ctx, Query{Viewer: anon, Text: "backup", Locale: de})
		if err != nil || len(res) != 1 || res[0].ID != b.ID || res[0].Title != tr.Title {
			t.Fatalf("translation not found: %+v %v", res, err)
		}

		if _, err := other.UpdateSection(ctx, editor, f.pub.ID, SectionInput{Visibility: sp("internal")}); err != nil {
			t.Fatal(err)
		}
		search(anon)
		if _, err := other.UpdateSection(ctx, editor, f.pub.ID, SectionInput{Visibility: sp("public")}); err != nil {
			t.Fatal(err)
		}
		search(anon, c.ID)

		if err := other.DeleteArticle(ctx, editor, c.ID); err != nil {
			t.Fatal(err)
		}
		search(anon)
		search(staff, a.ID)

		// A later page than the entry holds is read from the index.
		var many []int64
		for i := range 30 {
			many = append(many, f.article(f.pub.ID, "Quota "+string(rune('a'+i)), "Quota notes.", ArticleInput{}).ID)
		}
		for _, page := range []struct{ off, lim int }{{0, 10}, {0, 10}, {20, 10}} {
			res, n, err := f.st.SearchCount(ctx, Query{Viewer: anon, Text: "quota", Offset: page.off, Limit: page.lim})
			if err != nil || n != 30 || len(res) != 10 || res[0].ID != many[page.off] || res[9].ID != many[page.off+9] {
				t.Fatalf("page %+v: %d results, count %d, %v", page, len(res), n, err)
			}
		}
	})
}

// TestHitCacheKeepsItsSize: the least recently used entry goes first.
func TestHitCacheKeepsItsSize(t *testing.T) {
	c := newHitCache(2)
	c.put(hitEntry{key: "a", gen: 1, ids: []int64{1}, whole: true, total: 1})
	c.put(hitEntry{key: "b", gen: 1, ids: []int64{2}, whole: true, total: 1})
	if _, ok := c.get("a", 1, 10, true); !ok {
		t.Fatal("a missing")
	}
	c.put(hitEntry{key: "c", gen: 1, ids: []int64{3}, whole: true, total: 1})
	if _, ok := c.get("b", 1, 10, true); ok {
		t.Fatal("b, the least recently used, was kept")
	}
	if _, ok := c.get("a", 2, 10, true); ok {
		t.Fatal("an entry of another index state was used")
	}
	if _, ok := c.get("c", 1, 10, true); !ok || c.order.Len() != 1 {
		t.Fatalf("c missing or stale a kept: %d", c.order.Len())
	}
	c.put(hitEntry{key: "d", gen: 1, ids: []int64{4, 5}, total: -1})
	if _, ok := c.get("d", 1, 2, true); ok {
		t.Fatal("an uncounted entry answered a counted search")
	}
	if _, ok := c.get("d", 1, 3, false); ok {
		t.Fatal("a partial entry answered a longer page")
	}
	if e, ok := c.get("d", 1, 2, false); !ok || len(e.ids) != 2 {
		t.Fatal("d missing")
	}
}
