package kb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/frontline/frontline/internal/db"
)

// ArticlePage is what the Help Center's article page shows: the article,
// its section (nil when the reader may not see it), its comments and its
// attachments.
type ArticlePage struct {
	Article     *Article
	Section     *Section
	Comments    []Comment
	Attachments []ArticleAttachment // inline and block, in upload order
}

// ArticlePage reads the article page for v in one transaction: the reader's
// restricted brands are looked up once and the article is read once (with
// Article, Section, Comments and ArticleAttachments one after another, the
// article was read three times, each read in a transaction of its own).
// An article v may not read is not found, as with Article.
func (s *Store) ArticlePage(ctx context.Context, v Viewer, id int64) (*ArticlePage, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var (
		a      Article
		x      Section
		xFound bool
		page   ArticlePage
	)
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = s.readArticle(ctx, tx, v, id); err != nil {
			return err
		}
		x, err = scanSection(tx.QueryRowContext(ctx, s.q.Get("GetSection"), a.SectionID))
		switch {
		case err == nil:
			xFound = v.seesSection(x)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if page.Comments, err = db.QueryList(ctx, tx, s.q.Get("ListComments"), []any{a.ID}, func(r db.Scanner) (Comment, error) {
			return scanComment(r)
		}); err != nil {
			return err
		}
		page.Attachments, err = db.QueryList(ctx, tx, s.q.Get("ListArticleAttachments"), []any{a.ID}, func(r db.Scanner) (ArticleAttachment, error) {
			return scanArticleAttachment(r)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if page.Article, err = s.inLocale(ctx, v, a); err != nil {
		return nil, err
	}
	if xFound {
		one := []Section{x}
		if err := s.sectionsIn(ctx, v, one); err != nil {
			return nil, err
		}
		page.Section = &one[0]
	}
	return &page, nil
}
