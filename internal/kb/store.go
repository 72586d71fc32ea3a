package kb

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/markup"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store persists the knowledge base. Every write of content (categories,
// sections, articles) is audited in its own transaction, with its actor.
type Store struct {
	d         *db.DB
	q         *db.Queries
	md        *markup.Renderer
	audit     *audit.Log
	partition PartitionOf // partition.go
	hits      *hitCache   // hits.go
	common    commonWords // hits.go
}

// NewStore returns the knowledge base store of d, auditing to a.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), md: markup.New(), audit: a, hits: newHitCache(512)}
}

// audited is what the audit log keeps of an article (not its body: the
// revisions keep that).
func audited(a Article) map[string]any {
	return map[string]any{"id": a.ID, "title": a.Title, "section_id": a.SectionID, "status": a.Status, "visibility": a.Visibility.String(),
		"locale": a.Locale, "promoted": a.Promoted, "label_names": a.LabelNames}
}

// Now is the store clock's time.
func (s *Store) Now() time.Time { return s.d.Clock.Now() }

// --- categories ------------------------------------------------------------------

func scanCategory(sc interface{ Scan(...any) error }) (Category, error) {
	var c Category
	err := sc.Scan(&c.ID, &c.Name, &c.Description, &c.Locale, &c.Position, &c.Outdated, db.Time(&c.CreatedAt), db.Time(&c.UpdatedAt), &c.BrandID)
	c.SourceLocale = c.Locale
	return c, err
}

// Categories lists the categories of v's Help Center (categories carry no
// visibility: their sections and articles do; brands do).
func (s *Store) Categories(ctx context.Context, v Viewer) ([]Category, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var out []Category
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListCategories"), v.Brand, v.hiddenParam())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCategory(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, s.categoriesIn(ctx, v, out)
}

func (s *Store) categoriesIn(ctx context.Context, v Viewer, cs []Category) error {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return s.namesIn(ctx, v.Staff, KindCategory, v.Locale, ids, func(i int, t *Translation) {
		cs[i].Name, cs[i].Description, cs[i].Locale, cs[i].Outdated = t.Title, t.Body, t.Locale, t.Outdated
	})
}

func (s *Store) sectionsIn(ctx context.Context, v Viewer, xs []Section) error {
	ids := make([]int64, len(xs))
	for i, x := range xs {
		ids[i] = x.ID
	}
	return s.namesIn(ctx, v.Staff, KindSection, v.Locale, ids, func(i int, t *Translation) {
		xs[i].Name, xs[i].Description, xs[i].Locale, xs[i].Outdated = t.Title, t.Body, t.Locale, t.Outdated
	})
}

// Category reads one category of v's Help Center.
func (s *Store) Category(ctx context.Context, v Viewer, id int64) (*Category, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var c Category
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		c, err = scanCategory(tx.QueryRowContext(ctx, s.q.Get("GetCategory"), id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.Sees(c.BrandID)) {
		return nil, errs.NotFound("category")
	}
	if err != nil {
		return nil, err
	}
	one := []Category{c}
	return &one[0], s.categoriesIn(ctx, v, one)
}

// brandFor checks the brand a category is created in or moved to: one the
// editor sees (a hidden brand is not found, whatever the id).
func (s *Store) brandFor(ctx context.Context, id int64) (int64, error) {
	v, err := s.scoped(ctx, staff)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("BrandExists"), id).Scan(&n)
	}); err != nil {
		return 0, err
	}
	if n == 0 || !v.Sees(id) {
		return 0, errs.Invalid("brand_id", "no such brand")
	}
	return id, nil
}

// CreateCategory adds a category.
func (s *Store) CreateCategory(ctx context.Context, actor audit.Actor, in CategoryInput) (*Category, error) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return nil, errs.Invalid("name", "is required")
	}
	loc, err := NormLocale(deref(in.Locale))
	if err != nil {
		return nil, err
	}
	brandID := defaultBrand
	if in.BrandID != nil {
		if brandID, err = s.brandFor(ctx, *in.BrandID); err != nil {
			return nil, err
		}
	}
	var id int64
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertCategory"), strings.TrimSpace(*in.Name), deref(in.Description), loc, derefInt(in.Position), db.TS(tx.Now), brandID).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.category_created", "kb_category", id, nil, map[string]any{"name": strings.TrimSpace(*in.Name), "locale": loc, "brand_id": brandID})
	})
	if err != nil {
		return nil, err
	}
	return s.Category(ctx, staff, id)
}

// UpdateCategory changes a category.
func (s *Store) UpdateCategory(ctx context.Context, actor audit.Actor, id int64, in CategoryInput) (*Category, error) {
	c, err := s.Category(ctx, staff, id)
	if err != nil {
		return nil, err
	}
	before := *c
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			return nil, errs.Invalid("name", "is required")
		}
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.Position != nil {
		c.Position = *in.Position
	}
	var secs []int64
	if in.BrandID != nil {
		if c.BrandID, err = s.brandFor(ctx, *in.BrandID); err != nil {
			return nil, err
		}
		if c.BrandID != before.BrandID { // the index rows of its articles carry the brand
			if secs, err = s.ids(ctx, "SectionsOfCategory", id); err != nil {
				return nil, err
			}
		}
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateCategory"), id, c.Name, c.Description, c.Position, db.TS(tx.Now), c.BrandID); err != nil {
			return err
		}
		for _, x := range secs {
			if err := s.execAll(ctx, tx, x, sectionReindex()...); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, actor, "kb.category_updated", "kb_category", id,
			map[string]any{"name": before.Name, "position": before.Position, "brand_id": before.BrandID},
			map[string]any{"name": c.Name, "position": c.Position, "brand_id": c.BrandID})
	})
	if err != nil {
		return nil, err
	}
	return s.Category(ctx, staff, id)
}

// DeleteCategory deletes an empty category.
func (s *Store) DeleteCategory(ctx context.Context, actor audit.Actor, id int64) error {
	c, err := s.Category(ctx, staff, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("CategoryInUse"), id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("the category still has %d sections", n)
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteCategory"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.category_deleted", "kb_category", id, map[string]any{"name": c.Name}, nil)
	})
}

// --- sections --------------------------------------------------------------------

func scanSection(sc interface{ Scan(...any) error }) (Section, error) {
	var x Section
	var parent sql.NullInt64
	err := sc.Scan(&x.ID, &x.CategoryID, &parent, &x.Name, &x.Description, &x.Locale, &x.Position, &x.Visibility, db.Time(&x.CreatedAt), db.Time(&x.UpdatedAt), &x.BrandID)
	if parent.Valid {
		x.ParentSectionID = &parent.Int64
	}
	x.SourceLocale, x.Sorting, x.VisibilityName = x.Locale, "manual", x.Visibility.String()
	return x, err
}

// Sections lists the sections v may see, of one category when category > 0.
func (s *Store) Sections(ctx context.Context, v Viewer, category int64) ([]Section, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var out []Section
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListSections"), int(v.Max()), category, v.Brand, v.hiddenParam())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanSection(rows)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, s.sectionsIn(ctx, v, out)
}

// Section reads one section v may see.
func (s *Store) Section(ctx context.Context, v Viewer, id int64) (*Section, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var x Section
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		x, err = scanSection(tx.QueryRowContext(ctx, s.q.Get("GetSection"), id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.seesSection(x)) {
		return nil, errs.NotFound("section")
	}
	if err != nil {
		return nil, err
	}
	one := []Section{x}
	return &one[0], s.sectionsIn(ctx, v, one)
}

var staff = Viewer{UserID: -1, Staff: true}

// seesSection says whether v (already scoped) may see section x.
func (v Viewer) seesSection(x Section) bool {
	return x.Visibility <= v.Max() && v.Sees(x.BrandID)
}

func auditedSection(x Section) map[string]any {
	return map[string]any{"name": x.Name, "category_id": x.CategoryID, "parent_section_id": x.ParentSectionID, "visibility": x.Visibility.String(), "locale": x.Locale}
}

// CreateSection adds a section to a category.
func (s *Store) CreateSection(ctx context.Context, actor audit.Actor, category int64, in SectionInput) (*Section, error) {
	in.CategoryID = &category
	x := Section{Locale: DefaultLocale}
	if err := s.applySection(ctx, &x, in); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertSection"), x.CategoryID, nullID(x.ParentSectionID), x.Name, x.Description, x.Locale, x.Position, int(x.Visibility), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.section_created", "kb_section", id, nil, auditedSection(x))
	})
	if err != nil {
		return nil, err
	}
	return s.Section(ctx, staff, id)
}

// UpdateSection changes a section.
func (s *Store) UpdateSection(ctx context.Context, actor audit.Actor, id int64, in SectionInput) (*Section, error) {
	x, err := s.Section(ctx, staff, id)
	if err != nil {
		return nil, err
	}
	before := auditedSection(*x)
	if err := s.applySection(ctx, x, in); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateSection"), id, x.CategoryID, nullID(x.ParentSectionID), x.Name, x.Description, x.Position, int(x.Visibility), db.TS(tx.Now)); err != nil {
			return err
		}
		// The index rows of its articles carry its visibility and category.
		if err := s.execAll(ctx, tx, id, sectionReindex()...); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.section_updated", "kb_section", id, before, auditedSection(*x))
	})
	if err != nil {
		return nil, err
	}
	return s.Section(ctx, staff, id)
}

// applySection checks in against the tree: the category exists, a parent
// section is in the same category and not the section itself or below it
// (the Section tree rule).
func (s *Store) applySection(ctx context.Context, x *Section, in SectionInput) error {
	if in.Name != nil {
		x.Name = strings.TrimSpace(*in.Name)
	}
	if x.Name == "" {
		return errs.Invalid("name", "is required")
	}
	if in.Description != nil {
		x.Description = *in.Description
	}
	if in.Position != nil {
		x.Position = *in.Position
	}
	if in.Locale != nil {
		loc, err := NormLocale(*in.Locale)
		if err != nil {
			return err
		}
		x.Locale = loc
	}
	if in.Visibility != nil {
		v, err := ParseVisibility(*in.Visibility)
		if err != nil {
			return err
		}
		x.Visibility = v
	}
	if in.CategoryID != nil {
		if _, err := s.Category(ctx, staff, *in.CategoryID); err != nil {
			return errs.Invalid("category_id", "no such category")
		}
		x.CategoryID = *in.CategoryID
	}
	if in.ParentSectionID != nil {
		if *in.ParentSectionID == 0 {
			x.ParentSectionID = nil
		} else {
			p := *in.ParentSectionID
			for seen := 0; p != 0 && seen < 64; seen++ {
				if p == x.ID {
					return errs.Invalid("parent_section_id", "Section tree rule: a section cannot be inside itself")
				}
				ps, err := s.Section(ctx, staff, p)
				if err != nil {
					return errs.Invalid("parent_section_id", "no such section")
				}
				if ps.CategoryID != x.CategoryID {
					return errs.Invalid("parent_section_id", "Section tree rule: the parent section is in another category")
				}
				p = 0
				if ps.ParentSectionID != nil {
					p = *ps.ParentSectionID
				}
			}
			x.ParentSectionID = in.ParentSectionID
		}
	}
	return nil
}

// DeleteSection deletes a section without articles or subsections.
func (s *Store) DeleteSection(ctx context.Context, actor audit.Actor, id int64) error {
	x, err := s.Section(ctx, staff, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("SectionInUse"), id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("the section still has %d articles or sections", n)
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteSection"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.section_deleted", "kb_section", id, auditedSection(*x), nil)
	})
}

// --- articles --------------------------------------------------------------------

func scanArticle(sc interface{ Scan(...any) error }, extra ...any) (Article, error) {
	var a Article
	var labels string
	dest := []any{&a.ID, &a.SectionID, &a.AuthorID, &a.Title, &a.BodyMarkdown, &a.Body, &a.Locale, &a.SourceLocale, &a.Status, &a.Promoted,
		&a.Position, &labels, &a.Outdated, &a.CommentsDisabled, &a.Visibility, &a.VoteSum, &a.VoteCount, &a.LinkedTickets,
		db.Time(&a.CreatedAt), db.Time(&a.EditedAt), db.Time(&a.UpdatedAt), &a.BrandID}
	err := sc.Scan(append(dest, extra...)...)
	a.LabelNames = splitLabels(labels)
	a.ContentTagIDs = []string{}
	a.Draft = a.Status != Published
	a.VisibilityName = a.Visibility.String()
	a.FlaggedForReview = NeedsReview(a.VoteSum, a.VoteCount, a.LinkedTickets)
	return a, err
}

func splitLabels(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, ",") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func joinLabels(l []string) string {
	if len(l) == 0 {
		return ","
	}
	return "," + strings.Join(l, ",") + ","
}

// ArticleFilter selects articles.
type ArticleFilter struct {
	Viewer     Viewer
	SectionID  int64
	CategoryID int64
	Locale     string
	Label      string
	AfterID    int64
	Offset     int
	Limit      int
}

func (f ArticleFilter) args() []any {
	return []any{int(f.Viewer.Max()), f.Viewer.Staff, f.Viewer.Brand, f.Viewer.hiddenParam(), f.SectionID, f.CategoryID, f.Locale, strings.ToLower(f.Label)}
}

// Articles lists the articles f's viewer may read, by id.
func (s *Store) Articles(ctx context.Context, f ArticleFilter) ([]Article, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var err error
	if f.Viewer, err = s.scoped(ctx, f.Viewer); err != nil {
		return nil, err
	}
	var out []Article
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("ListArticles"), append(f.args(), f.AfterID, f.Limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanArticle(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return s.articlesIn(ctx, f.Viewer.Staff, f.Locale, out, true)
}

// CountArticles counts the articles Articles would list without paging.
func (s *Store) CountArticles(ctx context.Context, f ArticleFilter) (int, error) {
	var err error
	if f.Viewer, err = s.scoped(ctx, f.Viewer); err != nil {
		return 0, err
	}
	var n int
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountArticles"), f.args()...).Scan(&n)
	})
	return n, err
}

// Article reads one article v may read; any other is not found (a reader
// does not learn that an internal article exists).
func (s *Store) Article(ctx context.Context, v Viewer, id int64) (*Article, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var a Article
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		a, err = s.readArticle(ctx, tx, v, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.inLocale(ctx, v, a)
}

// readArticle reads one article v (already scoped) may read in tx; any
// other is not found.
func (s *Store) readArticle(ctx context.Context, tx *db.Tx, v Viewer, id int64) (Article, error) {
	a, err := scanArticle(tx.QueryRowContext(ctx, s.q.Get("GetArticle"), int(v.Max()), v.Staff, v.Brand, v.hiddenParam(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.NotFound("article")
	}
	return a, err
}

// inLocale is a in v's locale; not found when it has no text there.
func (s *Store) inLocale(ctx context.Context, v Viewer, a Article) (*Article, error) {
	in, err := s.articlesIn(ctx, v.Staff, v.Locale, []Article{a}, false)
	if err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, errs.NotFound("article") // nothing in that locale
	}
	return &in[0], nil
}

// CreateArticle adds an article to a section, as a draft unless the input
// says otherwise, with its first revision.
func (s *Store) CreateArticle(ctx context.Context, actor audit.Actor, section int64, in ArticleInput) (*Article, error) {
	author := actor.ID
	sec, err := s.Section(ctx, staff, section)
	if err != nil {
		return nil, err
	}
	a := Article{SectionID: section, AuthorID: author, Status: Draft, Locale: sec.Locale, Visibility: sec.Visibility}
	if in.AuthorID != nil && *in.AuthorID > 0 {
		a.AuthorID = *in.AuthorID
	}
	in.SectionID = nil
	if err := s.applyArticle(ctx, &a, in, true); err != nil {
		return nil, err
	}
	var id int64
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertArticle"), a.SectionID, a.AuthorID, a.Title, a.BodyMarkdown, a.Body, s.text(a),
			a.Locale, string(a.Status), a.Promoted, a.Position, joinLabels(a.LabelNames), a.Outdated, a.CommentsDisabled, int(a.Visibility), db.TS(tx.Now)).Scan(&id); err != nil {
			return err
		}
		a.ID = id
		if err := s.afterWrite(ctx, tx, &a, author); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.article_created", "kb_article", id, nil, audited(a))
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, staff, id)
}

// execAll runs the named statements, each with the one argument id.
// sectionReindex writes a section's articles' index rows again (their
// translations' too): its visibility, category and brand are in them.
func sectionReindex() []string {
	return []string{"UnindexSectionHeads", "UnindexSection", "IndexSection", "IndexSectionHeads",
		"UnindexSectionTrHeads", "UnindexSectionTr", "IndexSectionTr", "IndexSectionTrHeads"}
}

func (s *Store) execAll(ctx context.Context, tx *db.Tx, id int64, names ...string) error {
	index := false
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, s.q.Get(n), id); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		index = index || indexWrite(n)
	}
	if index {
		return s.bumpIndexGen(ctx, tx)
	}
	return nil
}

// Render is an article body's Markdown as it would be stored: rendered and
// sanitised (the editor's preview).
func (s *Store) Render(markdown string) string { return s.md.Markdown(markdown) }

// text is what search indexes of an article's body.
func (s *Store) text(a Article) string { return s.md.HTMLToText(a.Body) }

func (s *Store) afterWrite(ctx context.Context, tx *db.Tx, a *Article, editor int64) error {
	if err := s.execAll(ctx, tx, a.ID, "UnindexArticle", "UnindexHead", "IndexArticle", "IndexHead",
		"UnindexArticleTrHeads", "UnindexArticleTr", "IndexArticleTr", "IndexArticleTrHeads"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.q.Get("InsertRevision"), a.ID, editor, a.Title, a.BodyMarkdown, string(a.Status), db.TS(tx.Now))
	return err
}

// UpdateArticle changes an article and keeps a revision.
func (s *Store) UpdateArticle(ctx context.Context, actor audit.Actor, id int64, in ArticleInput) (*Article, error) {
	editor := actor.ID
	a, err := s.Article(ctx, staff, id)
	if err != nil {
		return nil, err
	}
	before := audited(*a)
	srcTitle, srcBody := a.Title, a.Body
	if err := s.applyArticle(ctx, a, in, false); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateArticle"), id, a.SectionID, a.Title, a.BodyMarkdown, a.Body, s.text(*a), a.Locale, string(a.Status),
			a.Promoted, a.Position, joinLabels(a.LabelNames), a.Outdated, a.CommentsDisabled, int(a.Visibility), db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.afterWrite(ctx, tx, a, editor); err != nil {
			return err
		}
		if a.Title != srcTitle || a.Body != srcBody { // its translations no longer say the same
			if _, err := tx.ExecContext(ctx, s.q.Get("OutdateTranslations"), KindArticle, id); err != nil {
				return err
			}
		}
		action := "kb.article_updated"
		if before["status"] != a.Status && a.Status == Published {
			action = "kb.article_published"
		}
		return s.audit.Record(ctx, tx, actor, action, "kb_article", id, before, audited(*a))
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, staff, id)
}

func (s *Store) applyArticle(ctx context.Context, a *Article, in ArticleInput, create bool) error {
	if in.Title != nil {
		a.Title = strings.TrimSpace(*in.Title)
	}
	if a.Title == "" {
		return errs.Invalid("title", "is required")
	}
	if len(a.Title) > 255 {
		return errs.Invalid("title", "is at most 255 characters")
	}
	switch {
	case in.BodyMarkdown != nil && in.Body != nil:
		return errs.Invalid("body", "give body (HTML) or body_markdown, not both")
	case in.BodyMarkdown != nil:
		a.BodyMarkdown, a.Body = *in.BodyMarkdown, s.md.Markdown(*in.BodyMarkdown)
	case in.Body != nil:
		a.Body = s.md.Sanitize(*in.Body)
		a.BodyMarkdown = ""
	}
	if in.Locale != nil {
		loc, err := NormLocale(*in.Locale)
		if err != nil {
			return err
		}
		a.Locale = loc
		if create {
			a.SourceLocale = loc
		}
	}
	if a.SourceLocale == "" {
		a.SourceLocale = a.Locale
	}
	if in.SectionID != nil && *in.SectionID != a.SectionID {
		sec, err := s.Section(ctx, staff, *in.SectionID)
		if err != nil {
			return errs.Invalid("section_id", "no such section")
		}
		a.SectionID = sec.ID
	}
	to := a.Status
	if in.Draft != nil {
		to = Published
		if *in.Draft {
			to = Draft
		}
	}
	if in.Status != nil {
		to = *in.Status
	}
	if to != a.Status {
		if !CanMove(a.Status, to) {
			return errs.Invalid("status", fmt.Sprintf("Editorial flow rule: an article cannot go from %s to %s", a.Status, to))
		}
		a.Status = to
	}
	if in.Promoted != nil {
		a.Promoted = *in.Promoted
	}
	if in.Position != nil {
		a.Position = *in.Position
	}
	if in.Outdated != nil {
		a.Outdated = *in.Outdated
	}
	if in.CommentsDisabled != nil {
		a.CommentsDisabled = *in.CommentsDisabled
	}
	if in.LabelNames != nil {
		l, err := NormLabels(*in.LabelNames)
		if err != nil {
			return err
		}
		a.LabelNames = l
	}
	if in.Visibility != nil {
		v, err := ParseVisibility(*in.Visibility)
		if err != nil {
			return err
		}
		a.Visibility = v
	}
	return nil
}

// DeleteArticle deletes an article with its votes, links and revisions.
func (s *Store) DeleteArticle(ctx context.Context, actor audit.Actor, id int64) error {
	a, err := s.Article(ctx, staff, id)
	if err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.execAll(ctx, tx, id, "UnindexArticle", "UnindexHead", "UnindexArticleTrHeads", "UnindexArticleTr", "DeleteTranslationsOf", "DeleteArticle"); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "kb.article_deleted", "kb_article", id, audited(*a), nil)
	})
}

// Revision is one kept version of an article.
type Revision struct {
	ID           int64     `json:"id"`
	AuthorID     int64     `json:"author_id"`
	Title        string    `json:"title"`
	BodyMarkdown string    `json:"body_markdown"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
}

// Revisions lists an article's kept versions, oldest first.
func (s *Store) Revisions(ctx context.Context, id int64) ([]Revision, error) {
	var out []Revision
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("Revisions"), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Revision
			if err := rows.Scan(&r.ID, &r.AuthorID, &r.Title, &r.BodyMarkdown, &r.Status, db.Time(&r.CreatedAt)); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// Labels lists the labels of the articles v may read.
func (s *Store) Labels(ctx context.Context, v Viewer) ([]string, error) {
	v, err := s.scoped(ctx, v)
	if err != nil {
		return nil, err
	}
	var out []string
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("Labels"), int(v.Max()), v.Staff, v.Brand, v.hiddenParam())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			for _, x := range splitLabels(l) {
				if !slices.Contains(out, x) {
					out = append(out, x)
				}
			}
		}
		return rows.Err()
	})
	slices.Sort(out)
	return out, err
}

// --- search ----------------------------------------------------------------------

// Query is a full-text search.
type Query struct {
	Viewer     Viewer
	Text       string
	Prefix     bool // the last word may be a prefix (suggestions while typing)
	Any        bool // any word may match (suggestions: stop words and words under 3 letters left out)
	SectionID  int64
	CategoryID int64
	Locale     string
	Label      string
	Offset     int
	Limit      int
}

// Result is an article found with its snippet (HTML: the body's text,
// escaped, with the matched terms in <em>).
type Result struct {
	Article
	Snippet string `json:"snippet"`
}

// ftsQuery is q's text as the engine's full-text query, with the terms
// (lower-cased, a prefix ending in *) the snippets mark.
func (s *Store) ftsQuery(q Query) (string, []string, bool) {
	words := queryWords(q)
	if q.Any {
		var kept []string
		for _, w := range words {
			if len([]rune(strings.TrimSuffix(w, "*"))) >= 3 && !stopWord(strings.TrimSuffix(w, "*")) {
				kept = append(kept, w)
			}
		}
		fts, ok := s.d.Dialect.FullTextAny(kept)
		return fts, kept, ok
	}
	fts, ok := s.d.Dialect.FullText(words)
	return fts, words, ok
}

// queryWords are q's words, lower-cased, at most 12, the last ending in *
// when it is a prefix.
func queryWords(q Query) []string {
	words := strings.FieldsFunc(strings.ToLower(q.Text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 12 {
		words = words[:12]
	}
	if q.Prefix && len(words) > 0 {
		words[len(words)-1] += "*"
	}
	return words
}

// scope is the query on the index rows' scope tokens (migration 00120):
// the reader's level, and the locale, section, category and label
// filters. Every token is letters and digits (a label is a phrase between
// its markers), so no filter value reaches the engine's query syntax.
func (s *Store) scope(q Query, promoted bool) string {
	out, _ := s.d.Dialect.FullText(scopeEntries(q, promoted)) // never empty: the level is there
	return out
}

// scopeEntries are the tokens (a label: its phrase) scope asks for, the
// reader token first.
func scopeEntries(q Query, promoted bool) []string {
	// The reader token: level, brand and, without a locale, source texts
	// only (migration 00152).
	reader := readerToken(q)
	if promoted {
		reader = promotedToken(q)
	}
	entries := []string{reader}
	if q.Locale != "" {
		entries = append(entries, "zzloc"+hex.EncodeToString([]byte(strings.ToLower(q.Locale))))
	}
	if q.SectionID > 0 {
		entries = append(entries, fmt.Sprintf("zzs%d", q.SectionID))
	}
	if q.CategoryID > 0 {
		entries = append(entries, fmt.Sprintf("zzc%d", q.CategoryID))
	}
	if l := strings.ToLower(strings.TrimSpace(q.Label)); l != "" {
		entries = append(entries, "zzlab"+l+" zzend")
	}
	return entries
}

// anonymousScope says whether q's scope query is an anonymous reader's
// token alone (no locale, section, category or label filter): such a
// search reads the statements of the rows anonymous readers may find
// (searchStmt).
func anonymousScope(q Query) bool {
	return q.Viewer.Max() == Public && len(scopeEntries(q, false)) == 1
}

// searchStmt is the name of the statement a search reads the index with:
// for an anonymous scope, the Anonymous variant of the statements that
// have one (migration 00158; the promoted tiers have their own partial
// indexes already).
func searchStmt(name string, anonymous bool) string {
	switch name {
	case "SearchHead", "SearchAll", "SearchHeadHits", "SearchHits", "CountSearch":
		if anonymous {
			return name + "Anonymous"
		}
	}
	return name
}

// readerToken is the scope token of the rows q's reader may find: level,
// brand and, without a locale, source texts only (zzr<level>b<brand>[s]).
func readerToken(q Query) string {
	t := fmt.Sprintf("zzr%db%d", int(q.Viewer.Max()), q.Viewer.searchBrand())
	if q.Locale == "" {
		t += "s"
	}
	return t
}

// promotedToken is readerToken on the rows of promoted articles (migration
// 00156).
func promotedToken(q Query) string { return readerToken(q) + "p" }

// stopWord says whether a word is left out of suggestion queries (it
// matches everything).
func stopWord(w string) bool {
	switch w {
	case "the", "and", "how", "can", "for", "with", "not", "our", "you", "are", "was", "what", "why", "does", "when", "from", "after", "this", "that":
		return true
	}
	return false
}

// Search finds the published articles q's viewer may read, best first:
// every word in the title or labels above every word anywhere, promoted
// articles first within each, then by id. Each tier is read from the text
// index in id order, filtered by the scope and limited there, and only
// until the page is full; columns and snippets are read for the page.
func (s *Store) Search(ctx context.Context, q Query) ([]Result, error) {
	res, _, err := s.search(ctx, q, false)
	return res, err
}

// SearchCount is Search with the count of what it finds without paging,
// up to 1,000 (Zendesk's search, too, returns at most 1,000 results); the
// count is not read again when the tiers were read whole.
func (s *Store) SearchCount(ctx context.Context, q Query) ([]Result, int, error) {
	return s.search(ctx, q, true)
}

func (s *Store) search(ctx context.Context, q Query, count bool) ([]Result, int, error) {
	fts, terms, ok := s.ftsQuery(q)
	if !ok {
		return []Result{}, 0, nil
	}
	var err error
	if q.Viewer, err = s.scoped(ctx, q.Viewer); err != nil {
		return nil, 0, err
	}
	if slices.Contains(q.Viewer.Hidden, q.Viewer.searchBrand()) {
		return []Result{}, 0, nil // a brand hidden from the reader has nothing to find
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 25
	}
	q.Offset = max(0, min(q.Offset, 1000))
	scope, promoted := s.scope(q, false), s.scope(q, true)
	flag := promotedToken(q) // a hit's token when promoted
	want := q.Offset + q.Limit
	out := []Result{}
	total := 0
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		fts, gen, err := s.indexQuery(ctx, tx, q, fts)
		if err != nil {
			return err
		}
		key := hitKey(fts, scope)
		var ids []int64
		if e, ok := s.hits.get(key, gen, want, count); ok {
			ids, total = e.ids[:min(want, len(e.ids))], e.total
		} else {
			var err error
			if ids, total, err = s.rank(ctx, tx, fts, scope, promoted, flag, want, count, anonymousScope(q)); err != nil {
				return err
			}
			s.hits.put(hitEntry{key: key, gen: gen, ids: ids, whole: len(ids) < want, total: total})
		}
		if len(ids) <= q.Offset {
			return nil
		}
		ids = ids[q.Offset:]
		list, _ := json.Marshal(ids)
		rows, err := tx.QueryContext(ctx, s.q.Get("SearchPage"), q.Viewer.Staff, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		// Rows come in any order: each goes to its id's place.
		place := make(map[int64]int, len(ids))
		for i, id := range ids {
			place[id] = i
		}
		found := make([]Result, len(ids))
		for rows.Next() {
			var text, trTitle, trBody, trLocale string
			var key int64
			a, err := scanArticle(rows, &text, &key, &trTitle, &trBody, &trLocale)
			if err != nil {
				return err
			}
			if key < 0 { // a translation's row: its article in its text
				a.Title, a.Body, a.Locale, a.BodyMarkdown = trTitle, trBody, trLocale, ""
			}
			if i, ok := place[key]; ok {
				found[i] = Result{Article: a, Snippet: Snippet(text, terms, 24)}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		out = found[:0]
		for _, r := range found {
			if r.ID != 0 { // an id whose article went since the index was read
				out = append(out, r)
			}
		}
		return nil
	})
	return out, total, err
}

// rank reads the ids of the hits of fts within scope, best first, up to
// want, and (if count) the count up to 1,000; -1 when not counted. The
// tiers, best first: every word in the title or labels, then anywhere;
// promoted articles (the promoted scope; flag is their token) first within
// each. Each tier either fills the page or is read whole, so the ids of
// the tiers before it are all known and excluded here rather than by the
// engine. A tier read whole with each hit's promoted flag needs no read of
// its promoted part.
func (s *Store) rank(ctx context.Context, tx *db.Tx, fts, scope, promoted, flag string, want int, count, anonymous bool) ([]int64, int, error) {
	planned := s.d.Dialect.PlannedForValues // each index read is planned for its words
	get := func(stmt string) string { return s.q.Get(searchStmt(stmt, anonymous)) }
	var ids []int64
	seen := map[int64]bool{}
	take := func(tier []int64) {
		for _, id := range tier {
			if !seen[id] && len(ids) < want {
				ids = append(ids, id)
			}
			seen[id] = true
		}
	}
	tier := func(stmt, scope string) error {
		if len(ids) >= want {
			return nil
		}
		got, err := db.QueryList(ctx, tx, get(stmt), planned(fts, scope, want-len(ids)+len(seen)), func(r db.Scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		take(got)
		return err
	}
	hits := func(stmt string, limit int) ([]indexHit, error) {
		return db.QueryList(ctx, tx, get(stmt), planned(flag, fts, scope, limit), func(r db.Scanner) (indexHit, error) {
			var h indexHit
			return h, r.Scan(&h.id, &h.promoted)
		})
	}
	// whole takes a tier read whole: its promoted hits first, then the
	// rest, in id order. Where the engine gave no flags, the promoted part
	// is read with stmt's Promoted statement.
	whole := func(got []indexHit, stmt string) error {
		slices.SortFunc(got, func(a, b indexHit) int { return cmp.Compare(a.id, b.id) })
		prom := []int64{}
		known := true
		for _, h := range got {
			known = known && h.promoted.Valid
			if h.promoted.Bool {
				prom = append(prom, h.id)
			}
		}
		if !known {
			if err := tier(stmt+"Promoted", promoted); err != nil {
				return err
			}
		}
		take(prom)
		take(hitIDs(got))
		return nil
	}

	// Title and labels: the page and one more tell whether it is whole.
	head, err := hits("SearchHeadHits", want+1)
	if err != nil {
		return nil, 0, err
	}
	if len(head) <= want {
		err = whole(head, "SearchHead")
	} else {
		if err = tier("SearchHeadPromoted", promoted); err == nil {
			take(hitIDs(head)) // in id order: the page fills from them
		}
	}
	if err != nil {
		return nil, 0, err
	}
	if len(ids) >= want {
		if !count {
			return ids, -1, nil
		}
		var total int
		err := tx.QueryRowContext(ctx, get("CountSearch"), planned(fts, scope)...).Scan(&total)
		return ids, total, err
	}

	if count {
		// Anywhere, and the count, from one read of every hit up to the
		// cap instead of a promoted tier, a tier and a count that each
		// walk the words' doclists again. The engine counts and sends only
		// the rows that can reach the page (as tier asks for them: the
		// ids already taken are among the first rows).
		var total int
		all, err := db.QueryList(ctx, tx, get("SearchHits"), planned(flag, fts, scope, maxHits+1, want-len(ids)+len(seen)), func(r db.Scanner) (indexHit, error) {
			var h indexHit
			return h, r.Scan(&h.id, &h.promoted, &total)
		})
		if err != nil {
			return nil, 0, err
		}
		if total <= maxHits {
			return ids, total, whole(all, "SearchAll")
		}
		if err := tier("SearchAllPromoted", promoted); err != nil {
			return nil, 0, err
		}
		return ids, maxHits, tier("SearchAll", scope)
	}
	// Uncounted (suggestions): only as far as the page.
	if err := tier("SearchAllPromoted", promoted); err != nil {
		return nil, 0, err
	}
	if err := tier("SearchAll", scope); err != nil {
		return nil, 0, err
	}
	if len(ids) < want {
		return ids, len(ids), nil // every tier read whole: that is all there is
	}
	return ids, -1, nil
}

// indexHit is a text index row a search found, and whether it is in the
// promoted scope (not Valid where the engine does not say).
type indexHit struct {
	id       int64
	promoted sql.NullBool
}

func hitIDs(hs []indexHit) []int64 {
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.id
	}
	return ids
}

// maxHits is the most a search counts (Zendesk's search, too, returns at
// most 1,000 results).
const maxHits = 1000

// CountSearch counts what Search finds without paging, up to 1,000.
func (s *Store) CountSearch(ctx context.Context, q Query) (int, error) {
	fts, _, ok := s.ftsQuery(q)
	if !ok {
		return 0, nil
	}
	var err error
	if q.Viewer, err = s.scoped(ctx, q.Viewer); err != nil {
		return 0, err
	}
	if slices.Contains(q.Viewer.Hidden, q.Viewer.searchBrand()) {
		return 0, nil
	}
	var n int
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		fts, _, err := s.indexQuery(ctx, tx, q, fts)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q.Get(searchStmt("CountSearch", anonymousScope(q))), s.d.Dialect.PlannedForValues(fts, s.scope(q, false))...).Scan(&n)
	})
	return n, err
}

// Suggest answers the request form while the customer types: up to five
// published articles, the last word a prefix, from 3 characters on.
func (s *Store) Suggest(ctx context.Context, v Viewer, text, locale string) ([]Result, error) {
	if len([]rune(strings.TrimSpace(text))) < 3 {
		return []Result{}, nil
	}
	q := Query{Viewer: v, Text: text, Prefix: true, Locale: locale, Limit: 5}
	res, err := s.Search(ctx, q)
	if err != nil || len(res) > 0 {
		return res, err
	}
	q.Any = true // no article holds every word: the best holding any
	return s.Search(ctx, q)
}

// --- votes, links, events --------------------------------------------------------

// Vote records a signed-in user's up (+1) or down (-1) vote on an article
// they may read; voting again replaces the vote.
func (s *Store) Vote(ctx context.Context, v Viewer, id int64, value int) (*Article, error) {
	if v.UserID <= 0 {
		return nil, errs.Forbidden("sign in to vote")
	}
	if _, err := s.Article(ctx, v, id); err != nil {
		return nil, err
	}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpsertVote"), id, v.UserID, value, db.TS(tx.Now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q.Get("TallyVotes"), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, v, id)
}

// VoteRecord is one vote in Zendesk's shape.
type VoteRecord struct {
	UserID    int64     `json:"user_id"`
	Value     int       `json:"value"`
	ItemID    int64     `json:"item_id"`
	ItemType  string    `json:"item_type"`
	CreatedAt time.Time `json:"created_at"`
}

// Votes lists an article's votes.
func (s *Store) Votes(ctx context.Context, id int64) ([]VoteRecord, error) {
	out := []VoteRecord{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("Votes"), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := VoteRecord{ItemID: id, ItemType: "Article"}
			if err := rows.Scan(&r.UserID, &r.Value, db.Time(&r.CreatedAt)); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// LinkTicket records that a ticket linked an article (an agent inserted its
// link in a reply); linking twice is one link.
func (s *Store) LinkTicket(ctx context.Context, article, ticket int64) error {
	if _, err := s.Article(ctx, staff, article); err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("LinkTicket"), article, ticket, db.TS(tx.Now))
		return err
	})
}

func (s *Store) ids(ctx context.Context, query string, id int64) ([]int64, error) {
	out := []int64{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get(query), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	return out, err
}

// LinkedTickets lists the tickets that linked an article.
func (s *Store) LinkedTickets(ctx context.Context, article int64) ([]int64, error) {
	return s.ids(ctx, "LinkedTickets", article)
}

// ArticlesOfTicket lists the articles a ticket linked.
func (s *Store) ArticlesOfTicket(ctx context.Context, ticket int64) ([]int64, error) {
	return s.ids(ctx, "ArticlesOfTicket", ticket)
}

// LinkArticlesIn links every article of this Help Center that text links
// to (/hc/articles/{id}), for a ticket's new reply: the ticket-link hook.
func (s *Store) LinkArticlesIn(ctx context.Context, ticket int64, text string) error {
	for _, id := range ArticleLinks(text) {
		if err := s.LinkTicket(ctx, id, ticket); err != nil && errs.KindOf(err) != errs.KindNotFound {
			return err
		}
	}
	return nil
}

// RecordEvent stores a deflection event at the store clock's time.
func (s *Store) RecordEvent(ctx context.Context, e Event) error {
	if e.Session == "" {
		return errs.Invalid("session", "is required")
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		at := e.At
		if at.IsZero() {
			at = tx.Now
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("EventDurability")); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q.Get("InsertEvent"), e.Session, e.Kind, nullID(ptrIf(e.ArticleID)), nullID(ptrIf(e.UserID)), db.TS(at))
		return err
	})
}

// DeflectionOfMonth computes the self-service figures of the sessions
// that first viewed an article in a calendar month (UTC), as of now: the
// KPI module's period.
func (s *Store) DeflectionOfMonth(ctx context.Context, year, month int) (Deflection, error) {
	from := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	ev, err := s.events(ctx, "EventsBetween", db.TS(from), db.TS(to.Add(DeflectionWindow)))
	if err != nil {
		return Deflection{}, err
	}
	return DeflectionIn(ev, s.d.Clock.Now(), from, to), nil
}

// Deflected is the kpi.Deflections source: the month's deflected sessions
// (an article viewed, no ticket within 72 hours). A read error counts none.
func (s *Store) Deflected(year, month int) int {
	d, err := s.DeflectionOfMonth(context.Background(), year, month)
	if err != nil {
		return 0
	}
	return d.DeflectedSessions
}

// DeflectionRate is the kpi.Deflections source of the event-based rate:
// the month's deflected sessions over its sessions that viewed an article
// (windows closed); ok is false while there are none.
func (s *Store) DeflectionRate(year, month int) (float64, bool) {
	d, err := s.DeflectionOfMonth(context.Background(), year, month)
	if err != nil || d.ViewSessions == 0 {
		return 0, false
	}
	return d.Rate, true
}

// Deflection computes the self-service figures over the events since.
func (s *Store) Deflection(ctx context.Context, since time.Time) (Deflection, error) {
	ev, err := s.events(ctx, "Events", db.TS(since))
	if err != nil {
		return Deflection{}, err
	}
	return ComputeDeflection(ev, s.d.Clock.Now()), nil
}

func (s *Store) events(ctx context.Context, query string, args ...any) ([]Event, error) {
	var ev []Event
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Event
			if err := rows.Scan(&e.Session, &e.Kind, &e.ArticleID, &e.UserID, db.Time(&e.At)); err != nil {
				return err
			}
			ev = append(ev, e)
		}
		return rows.Err()
	})
	return ev, err
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func nullID(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}

func ptrIf(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}
