package kb

// Article comments (Zendesk Guide's Article Comments): signed-in readers
// comment on the articles they may read; the author or staff edit and
// delete. Rules: the Comments disabled rule (an article with comments
// disabled takes none), a body is required (at most 10,000 characters),
// and only its author or staff change a comment (the Comment author rule).

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// MaxCommentChars bounds a comment's body.
const MaxCommentChars = 10000

// Comment is one article comment in Zendesk's shape.
type Comment struct {
	ID         int64     `json:"id"`
	URL        string    `json:"url"`
	HTMLURL    string    `json:"html_url"`
	Body       string    `json:"body"` // sanitised HTML
	AuthorID   int64     `json:"author_id"`
	SourceID   int64     `json:"source_id"`
	SourceType string    `json:"source_type"`
	Locale     string    `json:"locale"`
	VoteSum    int       `json:"vote_sum"`
	VoteCount  int       `json:"vote_count"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CommentInput creates or changes a comment; Body is HTML (sanitised).
type CommentInput struct {
	Body   *string `json:"body"`
	Locale *string `json:"locale"`
}

func scanComment(sc interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	err := sc.Scan(&c.ID, &c.SourceID, &c.AuthorID, &c.Body, &c.Locale, db.Time(&c.CreatedAt), db.Time(&c.UpdatedAt))
	c.SourceType = "Article"
	return c, err
}

func (s *Store) comments(ctx context.Context, query string, args ...any) ([]Comment, error) {
	return db.ReadList(ctx, s.d, s.q.Get(query), args, func(r db.Scanner) (*Comment, error) {
		c, err := scanComment(r)
		return &c, err
	})
}

// Comments lists the comments of an article v may read.
func (s *Store) Comments(ctx context.Context, v Viewer, article int64) ([]Comment, error) {
	v.Locale = ""
	if _, err := s.Article(ctx, v, article); err != nil {
		return nil, err
	}
	return s.comments(ctx, "ListComments", article)
}

// Comment reads one comment of an article v may read.
func (s *Store) Comment(ctx context.Context, v Viewer, article, id int64) (*Comment, error) {
	v.Locale = ""
	if _, err := s.Article(ctx, v, article); err != nil {
		return nil, err
	}
	var c Comment
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		c, err = scanComment(tx.QueryRowContext(ctx, s.q.Get("GetComment"), article, id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("comment")
	}
	return &c, err
}

// UserComments lists a user's comments on the articles v may read.
func (s *Store) UserComments(ctx context.Context, v Viewer, user int64) ([]Comment, error) {
	all, err := s.comments(ctx, "CommentsOfUser", user)
	if err != nil {
		return nil, err
	}
	v.Locale = ""
	readable := map[int64]bool{}
	out := []Comment{}
	for _, c := range all {
		ok, seen := readable[c.SourceID]
		if !seen {
			_, err := s.Article(ctx, v, c.SourceID)
			if err != nil && !errs.Is(err, errs.KindNotFound) {
				return nil, err
			}
			ok = err == nil
			readable[c.SourceID] = ok
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// commentBody checks and sanitises a comment's body.
func (s *Store) commentBody(body *string) (string, error) {
	if body == nil || strings.TrimSpace(*body) == "" {
		return "", errs.Invalid("body", "is required")
	}
	if utf8.RuneCountInString(*body) > MaxCommentChars {
		return "", errs.Invalid("body", "is at most 10,000 characters")
	}
	h := s.md.Sanitize(*body)
	if strings.TrimSpace(s.md.HTMLToText(h)) == "" {
		return "", errs.Invalid("body", "has no text once sanitised")
	}
	return h, nil
}

// CreateComment adds v's comment to an article v may read.
func (s *Store) CreateComment(ctx context.Context, v Viewer, article int64, in CommentInput) (*Comment, error) {
	if v.UserID <= 0 {
		return nil, errs.Forbidden("sign in to comment")
	}
	v.Locale = ""
	a, err := s.Article(ctx, v, article)
	if err != nil {
		return nil, err
	}
	if a.CommentsDisabled {
		return nil, errs.Invalid("comments_disabled", "Comments disabled rule: this article takes no comments")
	}
	body, err := s.commentBody(in.Body)
	if err != nil {
		return nil, err
	}
	loc := a.Locale
	if in.Locale != nil && *in.Locale != "" {
		if loc, err = NormLocale(*in.Locale); err != nil {
			return nil, err
		}
	}
	var id int64
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertComment"), article, v.UserID, body, loc, db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Actor{ID: v.UserID}, "kb.comment_created", "kb_article", article, nil,
			map[string]any{"comment_id": id, "locale": loc})
	})
	if err != nil {
		return nil, err
	}
	return s.Comment(ctx, v, article, id)
}

// changeable reads a comment v may change: its author's, or any for staff.
func (s *Store) changeable(ctx context.Context, v Viewer, article, id int64) (*Comment, error) {
	if v.UserID <= 0 {
		return nil, errs.Forbidden("sign in to change a comment")
	}
	c, err := s.Comment(ctx, v, article, id)
	if err != nil {
		return nil, err
	}
	if c.AuthorID != v.UserID && !v.Staff {
		return nil, errs.Invalid("author_id", "Comment author rule: only its author or an agent changes a comment")
	}
	return c, nil
}

// UpdateComment changes a comment's body.
func (s *Store) UpdateComment(ctx context.Context, v Viewer, article, id int64, in CommentInput) (*Comment, error) {
	if _, err := s.changeable(ctx, v, article, id); err != nil {
		return nil, err
	}
	body, err := s.commentBody(in.Body)
	if err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateComment"), id, body, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Actor{ID: v.UserID}, "kb.comment_updated", "kb_article", article, nil, map[string]any{"comment_id": id})
	})
	if err != nil {
		return nil, err
	}
	return s.Comment(ctx, v, article, id)
}

// DeleteComment deletes a comment.
func (s *Store) DeleteComment(ctx context.Context, v Viewer, article, id int64) error {
	c, err := s.changeable(ctx, v, article, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteComment"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Actor{ID: v.UserID}, "kb.comment_deleted", "kb_article", article,
			map[string]any{"comment_id": id, "author_id": c.AuthorID}, nil)
	})
}
