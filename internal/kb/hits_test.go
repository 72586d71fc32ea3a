package kb

import (
	"context"
	"slices"
	"strings"
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

		// PostgreSQL's anonymous flag (migration 00158), written by
		// IndexRows, is what the migration filled it from: the row holds
		// a level-0 source reader token. Rows of every kind are here: a
		// translation, internal and signed-in articles, one in an internal
		// section, a draft.
		f.article(f.pub.ID, "Signed-in quota", "Quota for customers.", ArticleInput{Visibility: sp("signed_in")})
		f.article(f.int.ID, "Runbook quota", "Quota runbook.", ArticleInput{})
		f.article(f.pub.ID, "Draft quota", "Quota draft.", ArticleInput{Status: ptr(Draft)})
		if d.Dialect == db.Postgres {
			var rows, differ, open int
			if err := d.R.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE anonymous <> (scope::text ~ '''zzr0b[0-9]+s''')),
				count(*) FILTER (WHERE anonymous) FROM kb_search`).Scan(&rows, &differ, &open); err != nil {
				t.Fatal(err)
			}
			if differ != 0 || open == 0 || open == rows {
				t.Fatalf("%d of %d index rows have the anonymous flag, %d of them not as their reader tokens say", open, rows, differ)
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

// TestSearchPathsAgree: kb.Store.rank reads whole tiers with their
// promoted flags and the count with the last tier; it must give the page
// and count that reading the four tiers one by one and counting apart
// gives (referenceRank), with and without the count, for words in nearly
// every article (past the cap), in a few hundred and in a few, in titles
// and bodies, for each reader, with promoted articles, pages and filters.
// Every search has a store of its own, so none answers from a hit cache.
func TestSearchPathsAgree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed := NewStore(d, audit.New(d))
		if _, err := seed.SeedSynthetic(ctx, 1500, 7); err != nil {
			t.Fatal(err)
		}
		// Statistics now, not from autovacuum halfway (PostgreSQL's common words).
		if _, err := d.W.ExecContext(ctx, d.Dialect.AnalyzeSQL()); err != nil {
			t.Fatal(err)
		}
		cats, err := seed.Categories(ctx, staff)
		if err != nil || len(cats) == 0 {
			t.Fatal(cats, err)
		}
		capped, headFull := 0, 0
		for _, text := range []string{SyntheticWord(0), SyntheticWord(0) + " " + SyntheticWord(1), "backup", "upgrade", "runner timeout", "backup " + SyntheticWord(9), SyntheticWord(700), "saml ldap"} {
			for _, v := range []Viewer{anon, customer, staff} {
				for _, q := range []Query{{Limit: 25}, {Limit: 100}, {Offset: 50, Limit: 25}, {Limit: 10, CategoryID: cats[0].ID}, {Limit: 5}} {
					q.Viewer, q.Text = v, text
					wantIDs, wantN, heads := referenceRank(t, NewStore(d, audit.New(d)), q)
					counted, n, err := NewStore(d, audit.New(d)).SearchCount(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					plain, err := NewStore(d, audit.New(d)).Search(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					ids := func(rs []Result) (out []int64) {
						for _, r := range rs {
							out = append(out, r.ID)
						}
						return out
					}
					if !slices.Equal(ids(counted), wantIDs) || !slices.Equal(ids(plain), wantIDs) || n != wantN {
						t.Fatalf("%q %+v: counted %v (%d), uncounted %v, reference %v (%d)", text, q, ids(counted), n, ids(plain), wantIDs, wantN)
					}
					if n == maxHits {
						capped++
					}
					if heads > q.Offset+q.Limit {
						headFull++
					}
				}
			}
		}
		if capped == 0 || headFull == 0 {
			t.Fatalf("capped searches %d, pages filled from titles %d: a path went untested", capped, headFull)
		}
	})
}

// referenceRank is Search and its count read the plain way: the four
// tiers one after the other, each limited to what the page still needs,
// and the count apart. It also says how many hits the title tier has.
func referenceRank(t *testing.T, st *Store, q Query) ([]int64, int, int) {
	t.Helper()
	ctx := context.Background()
	fts, _, _ := st.ftsQuery(q)
	var err error
	if q.Viewer, err = st.scoped(ctx, q.Viewer); err != nil {
		t.Fatal(err)
	}
	scope, promoted := st.scope(q, false), st.scope(q, true)
	want := q.Offset + q.Limit
	var ids []int64
	seen := map[int64]bool{}
	n, heads := 0, 0
	err = st.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		if fts, _, err = st.indexQuery(ctx, tx, q, fts); err != nil {
			return err
		}
		for _, tier := range []struct{ stmt, scope string }{{"SearchHead", promoted}, {"SearchHead", scope}, {"SearchAll", promoted}, {"SearchAll", scope}} {
			if len(ids) >= want {
				break
			}
			got, err := db.QueryList(ctx, tx, st.q.Get(tier.stmt), st.d.Dialect.PlannedForValues(fts, tier.scope, want-len(ids)+len(seen)), func(r db.Scanner) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil {
				return err
			}
			for _, id := range got {
				if !seen[id] && len(ids) < want {
					ids = append(ids, id)
				}
				seen[id] = true
			}
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM ("+strings.Replace(st.q.Get("SearchHead"), "LIMIT $3", "LIMIT 100000", 1)+") h", fts, scope).Scan(&heads); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, st.q.Get("CountSearch"), fts, scope).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) <= q.Offset {
		return nil, n, heads
	}
	return ids[q.Offset:], n, heads
}

// TestCommonWordsAreLeftOut: in a Help Center of at least 500 articles, a
// word more than half of the latest 1,000 hold is left out of a search of
// several words (the search finds what the other words find, and counts
// it so); a word alone, a word being typed and the words of a small Help
// Center are always searched.
func TestCommonWordsAreLeftOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// Small: "backup" is in every article, and still searched.
		f.article(f.pub.ID, "Backup restore", "Restore from the latest backup.", ArticleInput{})
		f.article(f.pub.ID, "Backup storage", "Where backups go.", ArticleInput{})
		if res, _ := f.st.Search(ctx, Query{Viewer: anon, Text: "backup restore"}); len(res) != 1 {
			t.Fatalf("small Help Center: %d results for two words", len(res))
		}
		if _, err := f.st.SeedSynthetic(ctx, 1200, 11); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.ExecContext(ctx, d.Dialect.AnalyzeSQL()); err != nil { // PostgreSQL's word shares
			t.Fatal(err)
		}
		common, rare := SyntheticWord(0), "backup" // in nearly every article; in about one in four
		ids := func(text string, prefix bool) ([]int64, int) {
			res, n, err := NewStore(d, audit.New(d)).SearchCount(ctx, Query{Viewer: staff, Text: text, Prefix: prefix, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range res {
				out = append(out, r.ID)
			}
			return out, n
		}
		withCommon, n1 := ids(rare+" "+common, false)
		alone, n2 := ids(rare, false)
		if len(alone) == 0 || !slices.Equal(withCommon, alone) || n1 != n2 {
			t.Fatalf("with the common word %d hits (%d), without %d (%d)", len(withCommon), n1, len(alone), n2)
		}
		if got, n := ids(common, false); len(got) == 0 || n != maxHits {
			t.Fatalf("a common word alone: %d hits, count %d", len(got), n)
		}
		// A rare word is never left out: both words must match.
		rare2 := SyntheticWord(900)
		both, _ := ids(rare+" "+rare2, false)
		one, _ := ids(rare2, false)
		if len(both) >= len(one) && len(one) > 0 {
			t.Fatalf("%q found %d, %q alone %d: the rarer word was left out", rare+" "+rare2, len(both), rare2, len(one))
		}
		// The last word, being typed, is kept even when common.
		err := d.Read(ctx, func(tx *db.Tx) error {
			var gen int64
			if err := tx.QueryRowContext(ctx, f.st.q.Get("IndexGen")).Scan(&gen); err != nil {
				return err
			}
			for _, c := range []struct {
				prefix, dropped bool
			}{{false, true}, {true, false}} {
				_, dropped, err := f.st.withoutCommon(ctx, tx, gen, Query{Text: rare + " " + common, Prefix: c.prefix})
				if err != nil {
					return err
				}
				if dropped != c.dropped {
					t.Errorf("prefix %v: common word left out %v", c.prefix, dropped)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
