package kb

// Translations (Zendesk Guide): an article's, section's or category's text
// in a locale other than its source locale. The source locale's text is
// the item itself (its "source translation", listed first and changed by
// changing the item); the others are kb_translations rows (migration
// 00152). A reader reads an item in a locale (Viewer.Locale, the
// /api/v2/help_center/{locale}/... and /hc/{locale}/... paths): the
// translation's text over the item's, or not found when the item has no
// published text in that locale. Changing an article's source text flags
// its translations outdated.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// Kinds of translated items, as Zendesk names them in source_type.
const (
	KindArticle  = "article"
	KindSection  = "section"
	KindCategory = "category"
)

// Translation is an item's text in one locale, in Zendesk Guide's shape.
type Translation struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	HTMLURL      string    `json:"html_url"`
	SourceID     int64     `json:"source_id"`
	SourceType   string    `json:"source_type"` // Article, Section, Category
	Locale       string    `json:"locale"`
	Title        string    `json:"title"`
	Body         string    `json:"body"` // sanitised HTML (articles), the description (sections, categories)
	BodyMarkdown string    `json:"body_markdown,omitempty"`
	Outdated     bool      `json:"outdated"`
	Draft        bool      `json:"draft"`
	Hidden       bool      `json:"hidden"`
	CreatedByID  int64     `json:"created_by_id"`
	UpdatedByID  int64     `json:"updated_by_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	kind         string
}

// TranslationInput creates or changes a translation; nil leaves a field.
// Body is HTML (sanitised), BodyMarkdown Markdown (rendered); for sections
// and categories the body is the description, kept as given.
type TranslationInput struct {
	Locale       *string `json:"locale"`
	Title        *string `json:"title"`
	Body         *string `json:"body"`
	BodyMarkdown *string `json:"body_markdown"`
	Draft        *bool   `json:"draft"`
	Outdated     *bool   `json:"outdated"`
}

func sourceTypeOf(kind string) string {
	if kind == "" {
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

func scanTranslation(sc interface{ Scan(...any) error }) (Translation, error) {
	var t Translation
	err := sc.Scan(&t.ID, &t.kind, &t.SourceID, &t.Locale, &t.Title, &t.BodyMarkdown, &t.Body, &t.Draft, &t.Outdated,
		&t.CreatedByID, &t.UpdatedByID, db.Time(&t.CreatedAt), db.Time(&t.UpdatedAt))
	t.SourceType = sourceTypeOf(t.kind)
	return t, err
}

// source is a translated item's own (source locale) text.
type source struct {
	id           int64
	locale       string
	title, body  string
	markdown     string
	draft        bool
	outdated     bool
	author       int64
	created, upd time.Time
}

// sourceOf reads an item v may read, in its source locale.
func (s *Store) sourceOf(ctx context.Context, v Viewer, kind string, id int64) (*source, error) {
	v.Locale = ""
	switch kind {
	case KindArticle:
		a, err := s.Article(ctx, v, id)
		if err != nil {
			return nil, err
		}
		return &source{a.ID, a.SourceLocale, a.Title, a.Body, a.BodyMarkdown, a.Draft, a.Outdated, a.AuthorID, a.CreatedAt, a.UpdatedAt}, nil
	case KindSection:
		x, err := s.Section(ctx, v, id)
		if err != nil {
			return nil, err
		}
		return &source{x.ID, x.SourceLocale, x.Name, x.Description, "", false, x.Outdated, 0, x.CreatedAt, x.UpdatedAt}, nil
	case KindCategory:
		c, err := s.Category(ctx, v, id)
		if err != nil {
			return nil, err
		}
		return &source{c.ID, c.SourceLocale, c.Name, c.Description, "", false, c.Outdated, 0, c.CreatedAt, c.UpdatedAt}, nil
	}
	return nil, errs.NotFound("translation")
}

func (src *source) translation(kind string) Translation {
	return Translation{ID: src.id, SourceID: src.id, SourceType: sourceTypeOf(kind), Locale: src.locale, Title: src.title,
		Body: src.body, BodyMarkdown: src.markdown, Draft: src.draft, Outdated: src.outdated, CreatedByID: src.author,
		UpdatedByID: src.author, CreatedAt: src.created, UpdatedAt: src.upd, kind: kind}
}

// Translations lists an item's translations v may read, its source
// locale's first.
func (s *Store) Translations(ctx context.Context, v Viewer, kind string, id int64) ([]Translation, error) {
	src, err := s.sourceOf(ctx, v, kind, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.ReadList(ctx, s.d, s.q.Get("ListTranslations"), []any{kind, id, v.Staff}, scanTranslationRef)
	return append([]Translation{src.translation(kind)}, rows...), err
}

func scanTranslationRef(r db.Scanner) (*Translation, error) {
	t, err := scanTranslation(r)
	return &t, err
}

// Translation reads an item's translation in a locale.
func (s *Store) Translation(ctx context.Context, v Viewer, kind string, id int64, locale string) (*Translation, error) {
	src, err := s.sourceOf(ctx, v, kind, id)
	if err != nil {
		return nil, err
	}
	loc, err := NormLocale(locale)
	if err != nil {
		return nil, errs.NotFound("translation")
	}
	if loc == src.locale {
		t := src.translation(kind)
		return &t, nil
	}
	return s.translationRow(ctx, v.Staff, kind, id, loc)
}

func (s *Store) translationRow(ctx context.Context, staff bool, kind string, id int64, loc string) (*Translation, error) {
	var t Translation
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		t, err = scanTranslation(tx.QueryRowContext(ctx, s.q.Get("GetTranslation"), kind, id, loc, staff))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("translation")
	}
	return &t, err
}

// body renders a translation input's body for its kind.
func (s *Store) translationBody(kind string, t *Translation, in TranslationInput) error {
	switch {
	case in.Body != nil && in.BodyMarkdown != nil:
		return errs.Invalid("body", "give body (HTML) or body_markdown, not both")
	case kind != KindArticle && in.Body != nil:
		t.Body, t.BodyMarkdown = strings.TrimSpace(*in.Body), ""
	case kind != KindArticle && in.BodyMarkdown != nil:
		return errs.Invalid("body_markdown", "only articles have Markdown bodies")
	case in.BodyMarkdown != nil:
		t.BodyMarkdown, t.Body = *in.BodyMarkdown, s.md.Markdown(*in.BodyMarkdown)
	case in.Body != nil:
		t.Body, t.BodyMarkdown = s.md.Sanitize(*in.Body), ""
	}
	return nil
}

// CreateTranslation adds an item's text in another locale. The Translation
// rule: the source locale's text is the item's own (change the item), and
// an item has one translation per locale.
func (s *Store) CreateTranslation(ctx context.Context, actor audit.Actor, kind string, id int64, in TranslationInput) (*Translation, error) {
	src, err := s.sourceOf(ctx, staff, kind, id)
	if err != nil {
		return nil, err
	}
	if in.Locale == nil || strings.TrimSpace(*in.Locale) == "" {
		return nil, errs.Invalid("locale", "is required")
	}
	loc, err := NormLocale(*in.Locale)
	if err != nil {
		return nil, err
	}
	if loc == src.locale {
		return nil, errs.Invalid("locale", "Translation rule: "+loc+" is the source locale; its text is the "+kind+"'s own")
	}
	t := Translation{kind: kind}
	if in.Title != nil {
		t.Title = strings.TrimSpace(*in.Title)
	}
	if t.Title == "" || len(t.Title) > 255 {
		return nil, errs.Invalid("title", "is required (at most 255 characters)")
	}
	if err := s.translationBody(kind, &t, in); err != nil {
		return nil, err
	}
	if in.Draft != nil {
		t.Draft = *in.Draft
	}
	var newID int64
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertTranslation"), kind, id, loc, t.Title, t.BodyMarkdown, t.Body, s.md.HTMLToText(t.Body), t.Draft,
			actor.ID, db.TS(tx.Now)).Scan(&newID); err != nil {
			if db.IsUnique(err) {
				return errs.Invalid("locale", "Translation rule: the "+kind+" already has a "+loc+" translation; update it instead")
			}
			return err
		}
		if err := s.execAll(ctx, tx, newID, "IndexTranslation", "IndexTrHead"); err != nil { // searched in its locale
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.translation_created", "kb_"+kind, id, nil,
			map[string]any{"translation_id": newID, "locale": loc, "title": t.Title, "draft": t.Draft})
	})
	if err != nil {
		return nil, err
	}
	return s.translationRow(ctx, true, kind, id, loc)
}

// UpdateTranslation changes an item's translation in a locale; the source
// locale's is the item's own text (the item is changed).
func (s *Store) UpdateTranslation(ctx context.Context, actor audit.Actor, kind string, id int64, locale string, in TranslationInput) (*Translation, error) {
	src, err := s.sourceOf(ctx, staff, kind, id)
	if err != nil {
		return nil, err
	}
	loc, err := NormLocale(locale)
	if err != nil {
		return nil, errs.NotFound("translation")
	}
	if loc == src.locale {
		switch kind {
		case KindArticle:
			_, err = s.UpdateArticle(ctx, actor, id, ArticleInput{Title: in.Title, Body: in.Body, BodyMarkdown: in.BodyMarkdown, Draft: in.Draft, Outdated: in.Outdated})
		case KindSection:
			_, err = s.UpdateSection(ctx, actor, id, SectionInput{Name: in.Title, Description: in.Body})
		case KindCategory:
			_, err = s.UpdateCategory(ctx, actor, id, CategoryInput{Name: in.Title, Description: in.Body})
		}
		if err != nil {
			return nil, err
		}
		return s.Translation(ctx, staff, kind, id, loc)
	}
	t, err := s.translationRow(ctx, true, kind, id, loc)
	if err != nil {
		return nil, err
	}
	before := map[string]any{"title": t.Title, "draft": t.Draft, "outdated": t.Outdated}
	if in.Title != nil {
		if t.Title = strings.TrimSpace(*in.Title); t.Title == "" || len(t.Title) > 255 {
			return nil, errs.Invalid("title", "is required (at most 255 characters)")
		}
	}
	if err := s.translationBody(kind, t, in); err != nil {
		return nil, err
	}
	if in.Draft != nil {
		t.Draft = *in.Draft
	}
	t.Outdated = false // updated: in step with its source again, unless said otherwise
	if in.Outdated != nil {
		t.Outdated = *in.Outdated
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateTranslation"), t.ID, t.Title, t.BodyMarkdown, t.Body, s.md.HTMLToText(t.Body), t.Draft, t.Outdated, actor.ID, db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.execAll(ctx, tx, t.ID, "UnindexTrHead", "UnindexTranslation", "IndexTranslation", "IndexTrHead"); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.translation_updated", "kb_"+kind, id, before,
			map[string]any{"translation_id": t.ID, "locale": loc, "title": t.Title, "draft": t.Draft, "outdated": t.Outdated})
	})
	if err != nil {
		return nil, err
	}
	return s.translationRow(ctx, true, kind, id, loc)
}

// DeleteTranslation deletes a translation by its id (a source translation
// is the item itself and is not deleted this way: Zendesk refuses it too).
func (s *Store) DeleteTranslation(ctx context.Context, actor audit.Actor, translationID int64) error {
	var t Translation
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		t, err = scanTranslation(tx.QueryRowContext(ctx, s.q.Get("GetTranslationByID"), translationID))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound("translation")
	}
	if err != nil {
		return err
	}
	if _, err := s.sourceOf(ctx, staff, t.kind, t.SourceID); err != nil {
		return errs.NotFound("translation") // its item is hidden from the caller
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.execAll(ctx, tx, translationID, "UnindexTrHead", "UnindexTranslation", "DeleteTranslation"); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.translation_deleted", "kb_"+t.kind, t.SourceID,
			map[string]any{"translation_id": t.ID, "locale": t.Locale, "title": t.Title}, nil)
	})
}

// Locales are the locales the Help Center has content in.
func (s *Store) Locales(ctx context.Context) ([]string, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Locales"), nil, func(r db.Scanner) (*string, error) {
		var l string
		return &l, r.Scan(&l)
	})
}

// translationsIn reads the translations in locale of items of a kind.
func (s *Store) translationsIn(ctx context.Context, staff bool, kind, locale string, ids []int64) (map[int64]Translation, error) {
	out := map[int64]Translation{}
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	rows, err := db.ReadList(ctx, s.d, s.q.Get("TranslationsIn"), []any{kind, locale, staff, string(list)}, scanTranslationRef)
	for _, t := range rows {
		out[t.SourceID] = t
	}
	return out, err
}

// inLocale puts articles in locale: each one's translation over its own
// text; an article with neither is left out (keep false) or kept as it is.
func (s *Store) articlesIn(ctx context.Context, staff bool, locale string, as []Article, keep bool) ([]Article, error) {
	if locale == "" {
		return as, nil
	}
	var ids []int64
	for _, a := range as {
		if a.SourceLocale != locale {
			ids = append(ids, a.ID)
		}
	}
	tr, err := s.translationsIn(ctx, staff, KindArticle, locale, ids)
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if a.SourceLocale != locale {
			t, ok := tr[a.ID]
			if !ok {
				if keep {
					out = append(out, a)
				}
				continue
			}
			a.Title, a.Body, a.BodyMarkdown, a.Locale, a.Outdated = t.Title, t.Body, t.BodyMarkdown, t.Locale, t.Outdated
		}
		out = append(out, a)
	}
	return out, nil
}

// namesIn puts sections or categories (their name and description) in locale.
func (s *Store) namesIn(ctx context.Context, staff bool, kind, locale string, ids []int64, apply func(i int, t *Translation)) error {
	if locale == "" {
		return nil
	}
	tr, err := s.translationsIn(ctx, staff, kind, locale, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if t, ok := tr[id]; ok {
			apply(i, &t)
		}
	}
	return nil
}
