package kb

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestTranslationsRulesAndReadingInALocale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.article(f.pub.ID, "Back up a self-managed instance", "Run the **backup** task.", ArticleInput{})
		other := f.article(f.pub.ID, "Restore a backup", "Run the restore task.", ArticleInput{})
		st := f.st
		// The rules.
		for _, c := range []struct {
			name string
			in   TranslationInput
		}{
			{"the source locale", TranslationInput{Locale: sp("en-US"), Title: sp("x")}},
			{"no locale", TranslationInput{Title: sp("x")}},
			{"a malformed locale", TranslationInput{Locale: sp("French"), Title: sp("x")}},
			{"no title", TranslationInput{Locale: sp("fr")}},
		} {
			if _, err := st.CreateTranslation(ctx, editor, KindArticle, a.ID, c.in); errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("%s: %v, want a 422", c.name, err)
			}
		}
		fr, err := st.CreateTranslation(ctx, editor, KindArticle, a.ID, TranslationInput{Locale: sp("fr"), Title: sp("Sauvegarder une instance"),
			BodyMarkdown: sp("Lancez la tâche de **sauvegarde**.")})
		if err != nil || fr.Locale != "fr" || fr.Body != "<p>Lancez la tâche de <strong>sauvegarde</strong>.</p>\n" || fr.SourceType != "Article" {
			t.Fatalf("French translation: %+v %v", fr, err)
		}
		if _, err := st.CreateTranslation(ctx, editor, KindArticle, a.ID, TranslationInput{Locale: sp("fr"), Title: sp("Encore")}); err == nil ||
			errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("a second French translation: %v", err)
		}
		if _, err := st.CreateTranslation(ctx, editor, KindArticle, other.ID, TranslationInput{Locale: sp("de"), Title: sp("Wiederherstellen"), Draft: bp(true)}); err != nil {
			t.Fatal(err)
		}
		reader := Viewer{UserID: 5}
		list, err := st.Translations(ctx, reader, KindArticle, a.ID)
		if err != nil || len(list) != 2 || list[0].Locale != "en-us" || list[1].Locale != "fr" {
			t.Fatalf("translations: %+v %v", list, err)
		}
		// Reading in a locale: the translation's text, or not found.
		inFr := Viewer{UserID: 5, Locale: "fr"}
		got, err := st.Article(ctx, inFr, a.ID)
		if err != nil || got.Title != "Sauvegarder une instance" || got.Locale != "fr" || got.SourceLocale != "en-us" {
			t.Fatalf("the article in French: %+v %v", got, err)
		}
		if _, err := st.Article(ctx, inFr, other.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("an article without French text, read in French: %v", err)
		}
		if _, err := st.Article(ctx, Viewer{UserID: 5, Locale: "de"}, other.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("a reader read a draft German translation: %v", err)
		}
		if got, err := st.Article(ctx, Viewer{UserID: 1, Staff: true, Locale: "de"}, other.ID); err != nil || got.Title != "Wiederherstellen" {
			t.Errorf("staff read the draft German translation: %+v %v", got, err)
		}
		as, err := st.Articles(ctx, ArticleFilter{Viewer: reader, Locale: "fr"})
		if err != nil || len(as) != 1 || as[0].ID != a.ID || as[0].Title != "Sauvegarder une instance" {
			t.Errorf("articles in French: %+v %v", as, err)
		}
		if n, _ := st.CountArticles(ctx, ArticleFilter{Viewer: reader, Locale: "fr"}); n != 1 {
			t.Errorf("French articles counted %d, want 1", n)
		}
		// Search reads translations in their locale, sources without one.
		find := func(v Viewer, loc, text string) []Result {
			t.Helper()
			res, err := st.Search(ctx, Query{Viewer: v, Text: text, Locale: loc})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if res := find(reader, "fr", "sauvegarde"); len(res) != 1 || res[0].ID != a.ID || res[0].Title != "Sauvegarder une instance" || res[0].Locale != "fr" {
			t.Errorf("French search: %+v", res)
		}
		if res := find(reader, "", "sauvegarde"); len(res) != 0 {
			t.Errorf("a search without a locale found a translation: %+v", res)
		}
		if res := find(reader, "", "backup"); len(res) != 2 {
			t.Errorf("a search without a locale: %d results, want the two sources", len(res))
		}
		if res := find(reader, "de", "wiederherstellen"); len(res) != 0 {
			t.Errorf("a reader found a draft translation: %+v", res)
		}
		if res := find(Viewer{UserID: 1, Staff: true}, "de", "wiederherstellen"); len(res) != 0 {
			t.Errorf("search found a draft translation: %+v", res)
		}
		if err := st.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if res := find(reader, "fr", "sauvegarde"); len(res) != 1 {
			t.Errorf("French search after a reindex: %+v", res)
		}
		// Changing the source outdates the translation; updating it does not.
		if _, err := st.UpdateArticle(ctx, editor, a.ID, ArticleInput{BodyMarkdown: sp("Run the backup task nightly.")}); err != nil {
			t.Fatal(err)
		}
		if tr, _ := st.Translation(ctx, reader, KindArticle, a.ID, "fr"); tr == nil || !tr.Outdated {
			t.Errorf("the French translation after the source changed: %+v", tr)
		}
		if tr, err := st.UpdateTranslation(ctx, editor, KindArticle, a.ID, "fr", TranslationInput{Title: sp("Sauvegarder chaque nuit")}); err != nil || tr.Outdated || tr.Title != "Sauvegarder chaque nuit" {
			t.Errorf("the updated French translation: %+v %v", tr, err)
		}
		// The source locale's translation is the article itself.
		if tr, err := st.UpdateTranslation(ctx, editor, KindArticle, a.ID, "en-us", TranslationInput{Title: sp("Back up nightly")}); err != nil || tr.Title != "Back up nightly" {
			t.Errorf("the source translation: %+v %v", tr, err)
		}
		if cur, _ := st.Article(ctx, staff, a.ID); cur.Title != "Back up nightly" {
			t.Errorf("the source translation did not change the article: %q", cur.Title)
		}
		// Sections and categories read in a locale.
		if _, err := st.CreateTranslation(ctx, editor, KindSection, f.pub.ID, TranslationInput{Locale: sp("fr"), Title: sp("Sauvegardes")}); err != nil {
			t.Fatal(err)
		}
		if x, err := st.Section(ctx, inFr, f.pub.ID); err != nil || x.Name != "Sauvegardes" || x.Locale != "fr" {
			t.Errorf("the section in French: %+v %v", x, err)
		}
		if _, err := st.CreateTranslation(ctx, editor, KindSection, f.int.ID, TranslationInput{Locale: sp("fr"), Title: sp("x")}); err != nil {
			t.Fatal(err) // staff may translate an internal section
		}
		if _, err := st.Translations(ctx, reader, KindSection, f.int.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("a reader listed an internal section's translations: %v", err)
		}
		// Deleting.
		if err := st.DeleteTranslation(ctx, editor, fr.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Article(ctx, inFr, a.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("after deleting the French translation: %v", err)
		}
		if res := find(reader, "fr", "sauvegarder"); len(res) != 0 {
			t.Errorf("French search after the translation was deleted: %+v", res)
		}
		if err := st.DeleteArticle(ctx, editor, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := d.Read(ctx, func(tx *db.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM kb_translations WHERE source_type = 'article' AND source_id = $1", other.ID).Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("a deleted article left %d translations", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPromotedTranslationsRankFirst: a search in a locale ranks the
// translations of promoted articles first, as it does the sources (on
// PostgreSQL the promoted tier is read from the promoted rows' own index,
// migration 00157, so a translation's row must carry its article's flag,
// also after the article is promoted later).
func TestPromotedTranslationsRankFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		st := f.st
		var ids []int64
		for i, promoted := range []bool{false, true, false} {
			a := f.article(f.pub.ID, fmt.Sprintf("Backup %d", i), "Run the backup task.", ArticleInput{Promoted: bp(promoted)})
			if _, err := st.CreateTranslation(ctx, editor, KindArticle, a.ID, TranslationInput{Locale: sp("fr"), Title: sp(fmt.Sprintf("Tâche %d", i)),
				BodyMarkdown: sp("Lancez la sauvegarde."), Draft: bp(false)}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		// Promoted first; the order within a part is the index rows' (a
		// translation's row id is minus its id), so only the parts are
		// held here.
		order := func(promoted, rest []int64) {
			t.Helper()
			q := Query{Viewer: customer, Text: "sauvegarde", Locale: "fr"}
			res, err := st.Search(ctx, q)
			counted, n, err2 := st.SearchCount(ctx, q)
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			for _, got := range [][]Result{res, counted} {
				var head, tail []int64
				for i, r := range got {
					if i < len(promoted) {
						head = append(head, r.ID)
					} else {
						tail = append(tail, r.ID)
					}
				}
				slices.Sort(head)
				slices.Sort(tail)
				if fmt.Sprint(head) != fmt.Sprint(promoted) || fmt.Sprint(tail) != fmt.Sprint(rest) || n != len(promoted)+len(rest) {
					t.Errorf("French search: %v then %v (count %d), want %v then %v", head, tail, n, promoted, rest)
				}
			}
		}
		order([]int64{ids[1]}, []int64{ids[0], ids[2]})
		if _, err := st.UpdateArticle(ctx, editor, ids[2], ArticleInput{Promoted: bp(true)}); err != nil {
			t.Fatal(err)
		}
		order([]int64{ids[1], ids[2]}, []int64{ids[0]})
	})
}
