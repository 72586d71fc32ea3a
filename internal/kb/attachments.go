package kb

// Article attachments (Zendesk Guide's Article Attachments): a stored file
// (the ticket store keeps the content) bound to one article, inline (an
// image its body shows) or block (listed under it). Read by whoever may
// read the article; added and deleted by staff who see it.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// ArticleAttachment is one article attachment in Zendesk's shape.
type ArticleAttachment struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	ArticleID    int64     `json:"article_id"`
	FileID       int64     `json:"-"` // the stored file (attachments table)
	FileName     string    `json:"file_name"`
	ContentURL   string    `json:"content_url"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	Inline       bool      `json:"inline"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	RelativePath string    `json:"relative_path"`
}

func scanArticleAttachment(sc interface{ Scan(...any) error }) (ArticleAttachment, error) {
	var a ArticleAttachment
	err := sc.Scan(&a.ID, &a.ArticleID, &a.FileID, &a.FileName, &a.ContentType, &a.Size, &a.Inline, db.Time(&a.CreatedAt))
	a.UpdatedAt = a.CreatedAt
	return a, err
}

// ArticleAttachments lists an article's attachments (inline nil: all).
func (s *Store) ArticleAttachments(ctx context.Context, v Viewer, article int64, inline *bool) ([]ArticleAttachment, error) {
	v.Locale = ""
	if _, err := s.Article(ctx, v, article); err != nil {
		return nil, err
	}
	all, err := db.ReadList(ctx, s.d, s.q.Get("ListArticleAttachments"), []any{article}, func(r db.Scanner) (*ArticleAttachment, error) {
		a, err := scanArticleAttachment(r)
		return &a, err
	})
	return FilterInline(all, inline), err
}

// FilterInline keeps the attachments whose Inline is *inline (all of them
// when inline is nil): images shown in the body, or files listed under it.
func FilterInline(all []ArticleAttachment, inline *bool) []ArticleAttachment {
	out := []ArticleAttachment{}
	for _, a := range all {
		if inline == nil || a.Inline == *inline {
			out = append(out, a)
		}
	}
	return out
}

// ArticleAttachment reads one attachment of an article v may read.
func (s *Store) ArticleAttachment(ctx context.Context, v Viewer, id int64) (*ArticleAttachment, error) {
	var a ArticleAttachment
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		a, err = scanArticleAttachment(tx.QueryRowContext(ctx, s.q.Get("GetArticleAttachment"), id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("article attachment")
	}
	if err != nil {
		return nil, err
	}
	v.Locale = ""
	if _, err := s.Article(ctx, v, a.ArticleID); err != nil {
		return nil, errs.NotFound("article attachment")
	}
	return &a, nil
}

// AddAttachment binds a stored file to an article staff may see.
func (s *Store) AddAttachment(ctx context.Context, actor audit.Actor, article, file int64, inline bool) (*ArticleAttachment, error) {
	if _, err := s.Article(ctx, staff, article); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertArticleAttachment"), article, file, inline, db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "attachment")
		}
		return s.audit.Record(ctx, tx, actor, "kb.attachment_added", "kb_article", article, nil, map[string]any{"article_attachment_id": id, "inline": inline})
	})
	if err != nil {
		return nil, err
	}
	return s.ArticleAttachment(ctx, staff, id)
}

// DeleteAttachment unbinds an attachment from its article.
func (s *Store) DeleteAttachment(ctx context.Context, actor audit.Actor, id int64) error {
	a, err := s.ArticleAttachment(ctx, staff, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteArticleAttachment"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.attachment_deleted", "kb_article", a.ArticleID,
			map[string]any{"article_attachment_id": id, "file_name": a.FileName}, nil)
	})
}

// IsArticleAttachment reports whether a stored file belongs to an article
// (the ticket attachment routes do not serve it).
func (s *Store) IsArticleAttachment(ctx context.Context, file int64) (bool, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("IsArticleAttachment"), file).Scan(&n)
	})
	return n > 0, err
}
