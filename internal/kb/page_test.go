package kb

import (
	"context"
	"fmt"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

// TestArticlePageReadsWhatItsPartsRead: the article page's one read gives
// what Article, Section, Comments and ArticleAttachments give one by one,
// and nothing of an article the reader may not read.
func TestArticlePageReadsWhatItsPartsRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		st := f.st
		pub := f.article(f.pub.ID, "Back up", "Run the backup.", ArticleInput{})
		bare := f.article(f.pub.ID, "Restore", "Run the restore.", ArticleInput{})
		internal := f.article(f.int.ID, "Runbook", "Page on-call.", ArticleInput{})
		for i := range 2 {
			if _, err := st.CreateComment(ctx, customer, pub.ID, CommentInput{Body: sp(fmt.Sprintf("Comment %d", i))}); err != nil {
				t.Fatal(err)
			}
		}
		for i, inline := range []bool{false, true} {
			var file int64
			if err := d.W.QueryRowContext(ctx, `INSERT INTO attachments (token, file_name, content_type, size, sha256, created_at) VALUES ($1, $2, 'text/plain', 3, 'x', 0) RETURNING id`,
				fmt.Sprintf("tok%d", i), fmt.Sprintf("f%d.txt", i)).Scan(&file); err != nil {
				t.Fatal(err)
			}
			if _, err := st.AddAttachment(ctx, editor, pub.ID, file, inline); err != nil {
				t.Fatal(err)
			}
		}
		staffV := Viewer{UserID: 1, Staff: true}
		for _, c := range []struct {
			v  Viewer
			id int64
		}{{anon, pub.ID}, {customer, pub.ID}, {anon, bare.ID}, {staffV, internal.ID}} {
			page, err := st.ArticlePage(ctx, c.v, c.id)
			if err != nil {
				t.Fatalf("%+v reading %d: %v", c.v, c.id, err)
			}
			a, _ := st.Article(ctx, c.v, c.id)
			x, _ := st.Section(ctx, c.v, a.SectionID)
			cs, _ := st.Comments(ctx, c.v, c.id)
			files, _ := st.ArticleAttachments(ctx, c.v, c.id, nil)
			if page.Article.ID != a.ID || page.Article.Title != a.Title || page.Article.Body != a.Body {
				t.Errorf("article %+v, want %+v", page.Article, a)
			}
			if page.Section == nil || page.Section.ID != x.ID || page.Section.Name != x.Name {
				t.Errorf("section %+v, want %+v", page.Section, x)
			}
			if fmt.Sprint(page.Comments) != fmt.Sprint(cs) || fmt.Sprint(page.Attachments) != fmt.Sprint(files) {
				t.Errorf("comments %v / %v, attachments %v / %v", page.Comments, cs, page.Attachments, files)
			}
		}
		if page, _ := st.ArticlePage(ctx, anon, pub.ID); len(page.Comments) != 2 || len(page.Attachments) != 2 {
			t.Errorf("the page has %d comments and %d attachments, want 2 and 2", len(page.Comments), len(page.Attachments))
		}
		for _, v := range []Viewer{anon, customer} {
			if page, err := st.ArticlePage(ctx, v, internal.ID); errs.KindOf(err) != errs.KindNotFound || page != nil {
				t.Errorf("%+v read the internal article's page: %v", v, err)
			}
		}
		if _, err := st.ArticlePage(ctx, anon, 999999); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("a missing article: %v", err)
		}
	})
}
