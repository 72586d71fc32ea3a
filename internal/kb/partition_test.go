package kb

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

// Each brand's Help Center reads its own content; a restricted brand's
// content does not exist for those it is hidden from, in reads, search,
// suggestions, labels and writes; moving a category moves its articles'
// index rows.
func TestHelpCenterContentPerBrand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var gov int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO brands (name, subdomain, restricted, required_specialty, created_at, updated_at)
				VALUES ('Gov', 'gov', TRUE, 'us_government', 0, 0) RETURNING id`).Scan(&gov)
		}); err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, d) // the default brand's category
		open := f.article(f.pub.ID, "Enclave backups for everyone", "How to back up.", ArticleInput{LabelNames: &[]string{"open"}})
		gcat, err := f.st.CreateCategory(ctx, editor, CategoryInput{Name: sp("Enclave"), BrandID: &gov})
		if err != nil || gcat.BrandID != gov {
			t.Fatalf("category in the restricted brand: %+v %v", gcat, err)
		}
		gsec, err := f.st.CreateSection(ctx, editor, gcat.ID, SectionInput{Name: sp("Enclave runbooks")})
		if err != nil {
			t.Fatal(err)
		}
		secret := f.article(gsec.ID, "Enclave backups in the restricted cloud", "How to back up the enclave.", ArticleInput{LabelNames: &[]string{"fedramp"}})

		search := func(v Viewer) []int64 {
			t.Helper()
			res, err := f.st.Search(ctx, Query{Viewer: v, Text: "enclave backups"})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range res {
				ids = append(ids, r.ID)
			}
			return ids
		}
		def, govHC := Viewer{UserID: 7, Brand: 1}, Viewer{UserID: 7, Brand: gov}
		if got := search(def); len(got) != 1 || got[0] != open.ID {
			t.Errorf("the default Help Center's search: %v, want only %d", got, open.ID)
		}
		if got := search(govHC); len(got) != 1 || got[0] != secret.ID {
			t.Errorf("the restricted Help Center's search: %v, want only %d", got, secret.ID)
		}
		if got := search(Viewer{UserID: 7}); len(got) != 1 || got[0] != open.ID {
			t.Errorf("a search without a brand reads the default brand's: %v", got)
		}
		if _, err := f.st.Article(ctx, def, secret.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("another brand's article by id: %v", err)
		}
		if a, err := f.st.Article(ctx, govHC, secret.ID); err != nil || a.ID != secret.ID {
			t.Errorf("the brand's own article: %v", err)
		}
		if cs, _ := f.st.Categories(ctx, def); len(cs) != 1 || cs[0].ID != f.cat.ID {
			t.Errorf("the default Help Center's categories: %+v", cs)
		}
		if n, _ := f.st.CountArticles(ctx, ArticleFilter{Viewer: govHC}); n != 1 {
			t.Errorf("the restricted Help Center counts %d articles, want 1", n)
		}
		if res, _ := f.st.Suggest(ctx, def, "enclave restricted clo", ""); len(res) != 0 && res[0].ID == secret.ID {
			t.Errorf("a suggestion crossed brands: %+v", res)
		}

		// Hidden: the restricted brand does not exist for an outsider,
		// staff tools (every brand) included.
		outsider := Viewer{UserID: 9, Staff: true, Hidden: []int64{gov}}
		if _, err := f.st.Article(ctx, outsider, secret.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("an outsider read the restricted article: %v", err)
		}
		if _, err := f.st.Section(ctx, outsider, gsec.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("an outsider read the restricted section: %v", err)
		}
		if _, err := f.st.Category(ctx, outsider, gcat.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("an outsider read the restricted category: %v", err)
		}
		if as, _ := f.st.Articles(ctx, ArticleFilter{Viewer: outsider}); len(as) != 1 || as[0].ID != open.ID {
			t.Errorf("an outsider's article list: %d articles", len(as))
		}
		if ls, _ := f.st.Labels(ctx, outsider); len(ls) != 1 || ls[0] != "open" {
			t.Errorf("an outsider's labels: %v", ls)
		}
		hiddenGov := outsider
		hiddenGov.Brand = gov
		if got := search(hiddenGov); len(got) != 0 {
			t.Errorf("an outsider searched the restricted Help Center: %v", got)
		}

		// The same through the context's partition (the web server's hook):
		// writes too.
		f.st.ScopeReads(func(context.Context) ([]int64, error) { return []int64{gov}, nil })
		if _, err := f.st.Article(ctx, staff, secret.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("the hook: staff read the restricted article: %v", err)
		}
		if _, err := f.st.UpdateArticle(ctx, editor, secret.ID, ArticleInput{Title: sp("x")}); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("the hook: an outsider changed the restricted article: %v", err)
		}
		if _, err := f.st.CreateSection(ctx, editor, gcat.ID, SectionInput{Name: sp("x")}); err == nil {
			t.Error("the hook: an outsider added a section to the restricted category")
		}
		if _, err := f.st.CreateCategory(ctx, editor, CategoryInput{Name: sp("x"), BrandID: &gov}); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("the hook: an outsider created a category in the restricted brand: %v", err)
		}
		if err := f.st.DeleteCategory(ctx, editor, gcat.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("the hook: an outsider deleted the restricted category: %v", err)
		}
		f.st.ScopeReads(nil)

		// Moving the default category to the restricted brand moves its
		// articles out of the default Help Center's search.
		if _, err := f.st.UpdateCategory(ctx, editor, f.cat.ID, CategoryInput{BrandID: &gov}); err != nil {
			t.Fatal(err)
		}
		if got := search(def); len(got) != 0 {
			t.Errorf("after the move the default Help Center still finds %v", got)
		}
		if got := search(govHC); len(got) != 2 {
			t.Errorf("after the move the restricted Help Center finds %v, want both", got)
		}
		if _, err := f.st.UpdateCategory(ctx, editor, f.cat.ID, CategoryInput{BrandID: ptrInt64(999)}); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("a category moved to a brand that does not exist: %v", err)
		}
	})
}

func ptrInt64(n int64) *int64 { return &n }
