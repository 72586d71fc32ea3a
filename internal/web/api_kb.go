package web

// The Help Center API (/api/v2/help_center/...), compatible with Zendesk
// Guide: categories, sections, articles (CRUD, by section and category,
// search, labels, votes, translations), the request form's deflection
// suggestions, and Frontline's linked tickets and deflection figures.
// Anyone reads what the article's visibility allows (anonymous: public;
// customers: public and signed-in; staff: everything, drafts included);
// agents write. An article a reader may not see is not found.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// openKB builds the knowledge base store when the app gave none, with its
// ticket hook (replies that link articles; the app registers it itself).
func (s *Server) openKB() {
	if s.KB == nil && s.DB != nil {
		if s.Audit == nil {
			s.Audit = audit.New(s.DB)
		}
		s.KB = kb.NewStore(s.DB, s.Audit)
		if s.Tickets != nil {
			s.Tickets.OnChange(s.KB.TicketHook)
		}
	}
}

// viewerOf is the request's caller as a knowledge base reader of every
// brand's content (staff tools; restricted brands stay hidden from those
// not cleared: kb/partition.go).
func viewerOf(r *http.Request) kb.Viewer {
	p := PrincipalFrom(r.Context())
	if p == nil {
		return kb.Viewer{}
	}
	return kb.Viewer{UserID: p.UserID, Staff: p.IsStaff()}
}

// hcViewer is the caller as a reader of the Help Center of the brand whose
// address the request came to (brand_address.go). When the brand cannot be
// read, nothing is (a brand id no content has).
func (s *Server) hcViewer(r *http.Request) kb.Viewer {
	v := viewerOf(r)
	b, err := s.requestBrandID(r)
	if err != nil {
		s.log.Warn("help center brand", "err", err)
		b = -1
	}
	v.Brand = b
	v.Locale = hcLocale(r) // api_kb_translations.go
	return v
}

const hcAPI = "/api/v2/help_center"

func (s *Server) registerKBAPI() {
	s.openKB()
	// Categories.
	s.handle("GET "+hcAPI+"/categories", Public, s.apiKBCategories)
	s.handle("GET "+hcAPI+"/categories/{id}", Public, s.apiKBCategory)
	s.handle("POST "+hcAPI+"/categories", Staff, s.apiKBCreateCategory)
	s.handle("PUT "+hcAPI+"/categories/{id}", Staff, s.apiKBUpdateCategory)
	s.handle("DELETE "+hcAPI+"/categories/{id}", Staff, s.apiKBDeleteCategory)
	// Sections.
	s.handle("GET "+hcAPI+"/sections", Public, s.apiKBSections)
	s.handle("GET "+hcAPI+"/categories/{id}/sections", Public, s.apiKBSections)
	s.handle("GET "+hcAPI+"/sections/{id}", Public, s.apiKBSection)
	s.handle("POST "+hcAPI+"/categories/{id}/sections", Staff, s.apiKBCreateSection)
	s.handle("PUT "+hcAPI+"/sections/{id}", Staff, s.apiKBUpdateSection)
	s.handle("DELETE "+hcAPI+"/sections/{id}", Staff, s.apiKBDeleteSection)
	// Articles.
	s.handle("GET "+hcAPI+"/articles", Public, s.apiKBArticles)
	s.handle("GET "+hcAPI+"/sections/{id}/articles", Public, s.apiKBArticles)
	s.handle("GET "+hcAPI+"/categories/{id}/articles", Public, s.apiKBArticles)
	s.handle("GET "+hcAPI+"/articles/search", Public, s.apiKBSearch)
	s.handle("GET "+hcAPI+"/articles/labels", Public, s.apiKBLabels)
	s.handle("GET "+hcAPI+"/articles/{id}", Public, s.apiKBArticle)
	s.handle("POST "+hcAPI+"/sections/{id}/articles", Staff, s.apiKBCreateArticle)
	s.handle("PUT "+hcAPI+"/articles/{id}", Staff, s.apiKBUpdateArticle)
	s.handle("DELETE "+hcAPI+"/articles/{id}", Staff, s.apiKBDeleteArticle)
	s.handle("GET "+hcAPI+"/articles/{id}/revisions", Staff, s.apiKBRevisions)
	s.handle("POST "+hcAPI+"/articles/{id}/up", Authenticated, s.apiKBVote(1))
	s.handle("POST "+hcAPI+"/articles/{id}/down", Authenticated, s.apiKBVote(-1))
	s.handle("GET "+hcAPI+"/articles/{id}/votes", Staff, s.apiKBVotes)
	s.handleNeeds("GET "+hcAPI+"/articles/{id}/tickets", Staff, access.TicketsRead, s.apiKBLinkedTickets)
	s.handleNeeds("POST "+hcAPI+"/articles/{id}/tickets", Staff, access.TicketsRead, s.apiKBLinkTicket)
	s.registerKBTranslationsAPI() // api_kb_translations.go
	s.registerKBCommentsAPI()     // api_kb_comments.go
	s.registerKBAttachmentsAPI()  // api_kb_attachments.go
	// Deflection.
	s.handle("GET "+hcAPI+"/deflection/suggestions", Public, s.apiKBSuggestions)
	s.handleNeeds("GET "+hcAPI+"/deflection/stats", Staff, access.ReportsRead, s.apiKBDeflection)
}

// --- views ---------------------------------------------------------------------

func (s *Server) kbArticleView(r *http.Request, a kb.Article) kb.Article {
	base := s.baseURL(r) + brandPrefix(r)
	a.URL = base + hcAPI + "/" + a.Locale + "/articles/" + strconv.FormatInt(a.ID, 10) + ".json"
	a.HTMLURL = base + "/hc/" + a.Locale + "/articles/" + strconv.FormatInt(a.ID, 10)
	if !s.hcViewer(r).Staff {
		a.BodyMarkdown = "" // the source is the editors'; readers get the HTML
		a.LinkedTickets = 0
		a.FlaggedForReview = false
	}
	return a
}

func (s *Server) kbSectionView(r *http.Request, x kb.Section) kb.Section {
	base := s.baseURL(r) + brandPrefix(r)
	x.URL = base + hcAPI + "/" + x.Locale + "/sections/" + strconv.FormatInt(x.ID, 10) + ".json"
	x.HTMLURL = base + "/hc/" + x.Locale + "/sections/" + strconv.FormatInt(x.ID, 10)
	return x
}

func (s *Server) kbCategoryView(r *http.Request, c kb.Category) kb.Category {
	base := s.baseURL(r) + brandPrefix(r)
	c.URL = base + hcAPI + "/" + c.Locale + "/categories/" + strconv.FormatInt(c.ID, 10) + ".json"
	c.HTMLURL = base + "/hc/" + c.Locale + "#category-" + strconv.FormatInt(c.ID, 10)
	return c
}

// pageSlice answers a whole in-memory list in the route's pagination,
// with side (when set) adding the side-loads of the page's items.
func pageSlice[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, items []T, idOf func(T) int64, side func(body map[string]any, page []T) error) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	var page []T
	if p.cursor {
		for _, it := range items {
			if idOf(it) > p.afterID {
				page = append(page, it)
			}
			if len(page) > p.size {
				break
			}
		}
	} else {
		lo := min((p.page-1)*p.perPage, len(items))
		page = items[lo:min(lo+p.perPage, len(items))]
	}
	if page == nil {
		page = []T{}
	}
	body, err := listBody(s, r, key, p, page, idOf, func() (int, error) { return len(items), nil })
	if err == nil && side != nil {
		err = side(body, body[key].([]T))
	}
	return writeBody(w, body, err)
}

// kbIncludes are the Help Center side-loads Frontline has (Zendesk also
// documents translations, refused with a 400 until translations are kept).
var kbIncludes = []string{"users", "sections", "categories"}

// kbSideloads adds what include= asks for: the authors, sections and
// categories the items refer to (sections and categories as the reader may
// see them).
func (s *Server) kbSideloads(r *http.Request, body map[string]any, users, sections, categories []int64) error {
	want := includes(r)
	ctx := r.Context()
	v := s.hcViewer(r)
	if want["sections"] || want["categories"] {
		for _, id := range sections {
			x, err := s.KB.Section(ctx, v, id)
			if err != nil {
				continue
			}
			if want["sections"] {
				list, _ := body["sections"].([]kb.Section)
				body["sections"] = append(list, s.kbSectionView(r, *x))
			}
			categories = append(categories, x.CategoryID)
		}
		if want["sections"] && body["sections"] == nil {
			body["sections"] = []kb.Section{}
		}
	}
	if want["categories"] {
		out, seen := []kb.Category{}, map[int64]bool{}
		for _, id := range categories {
			if seen[id] {
				continue
			}
			seen[id] = true
			if c, err := s.KB.Category(ctx, v, id); err == nil {
				out = append(out, s.kbCategoryView(r, *c))
			}
		}
		body["categories"] = out
	}
	if want["users"] {
		sl := newSideload(r)
		sl.user(users...)
		return s.writeSideloads(r, body, sl)
	}
	return nil
}

// --- categories ----------------------------------------------------------------

func (s *Server) apiKBCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.KB.Categories(r.Context(), s.hcViewer(r))
	if err != nil {
		return err
	}
	if loc := r.URL.Query().Get("locale"); loc != "" {
		out := cs[:0]
		for _, c := range cs {
			if c.Locale == strings.ToLower(loc) {
				out = append(out, c)
			}
		}
		cs = out
	}
	return pageSlice(s, w, r, "categories", viewAll(r, cs, s.kbCategoryView), func(c kb.Category) int64 { return c.ID }, nil)
}

func (s *Server) apiKBCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	c, err := s.KB.Category(r.Context(), s.hcViewer(r), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "category", s.kbCategoryView(r, *c))
}

func (s *Server) apiKBCreateCategory(w http.ResponseWriter, r *http.Request) error {
	var in kb.CategoryInput
	if err := decodeBody(r, "category", &in); err != nil {
		return err
	}
	if in.BrandID == nil { // the Help Center of the address it was created at
		b, err := s.requestBrandID(r)
		if err != nil {
			return err
		}
		in.BrandID = &b
	}
	c, err := s.KB.CreateCategory(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "category", s.kbCategoryView(r, *c))
}

func (s *Server) apiKBUpdateCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	var in kb.CategoryInput
	if err := decodeBody(r, "category", &in); err != nil {
		return err
	}
	c, err := s.KB.UpdateCategory(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "category", s.kbCategoryView(r, *c))
}

func (s *Server) apiKBDeleteCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	if err := s.KB.DeleteCategory(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

// --- sections ------------------------------------------------------------------

func (s *Server) apiKBSections(w http.ResponseWriter, r *http.Request) error {
	var cat int64
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id", "category")
		if err != nil {
			return err
		}
		if _, err := s.KB.Category(r.Context(), s.hcViewer(r), id); err != nil {
			return err
		}
		cat = id
	}
	xs, err := s.KB.Sections(r.Context(), s.hcViewer(r), cat)
	if err != nil {
		return err
	}
	if loc := r.URL.Query().Get("locale"); loc != "" {
		out := xs[:0]
		for _, x := range xs {
			if x.Locale == strings.ToLower(loc) {
				out = append(out, x)
			}
		}
		xs = out
	}
	return pageSlice(s, w, r, "sections", viewAll(r, xs, s.kbSectionView), func(x kb.Section) int64 { return x.ID },
		func(body map[string]any, page []kb.Section) error {
			var cats []int64
			for _, x := range page {
				cats = append(cats, x.CategoryID)
			}
			return s.kbSideloads(r, body, nil, nil, cats)
		})
}

func (s *Server) apiKBSection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "section")
	if err != nil {
		return err
	}
	x, err := s.KB.Section(r.Context(), s.hcViewer(r), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "section", s.kbSectionView(r, *x))
}

func (s *Server) apiKBCreateSection(w http.ResponseWriter, r *http.Request) error {
	cat, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	var in kb.SectionInput
	if err := decodeBody(r, "section", &in); err != nil {
		return err
	}
	x, err := s.KB.CreateSection(r.Context(), actor(r), cat, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "section", s.kbSectionView(r, *x))
}

func (s *Server) apiKBUpdateSection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "section")
	if err != nil {
		return err
	}
	var in kb.SectionInput
	if err := decodeBody(r, "section", &in); err != nil {
		return err
	}
	x, err := s.KB.UpdateSection(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "section", s.kbSectionView(r, *x))
}

func (s *Server) apiKBDeleteSection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "section")
	if err != nil {
		return err
	}
	if err := s.KB.DeleteSection(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

// --- articles ------------------------------------------------------------------

func articleSide(s *Server, r *http.Request) func(body map[string]any, page []kb.Article) error {
	return func(body map[string]any, page []kb.Article) error {
		var users, secs []int64
		for _, a := range page {
			users, secs = append(users, a.AuthorID), append(secs, a.SectionID)
		}
		return s.kbSideloads(r, body, users, dedupe(secs), nil)
	}
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) apiKBArticles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := kb.ArticleFilter{Viewer: s.hcViewer(r), Label: q.Get("label_names")}
	f.Locale = f.Viewer.Locale // the path's locale, unless ?locale= says
	if strings.Contains(f.Label, ",") {
		return errs.BadRequest("label_names: one label at a time")
	}
	if loc := q.Get("locale"); loc != "" {
		l, err := kb.NormLocale(loc)
		if err != nil {
			return errs.BadRequest("locale: %v", err)
		}
		f.Locale = l
	}
	switch {
	case strings.HasPrefix(r.Pattern, "GET "+hcAPI+"/sections/"):
		id, err := pathID(r, "id", "section")
		if err != nil {
			return err
		}
		if _, err := s.KB.Section(r.Context(), f.Viewer, id); err != nil {
			return err
		}
		f.SectionID = id
	case strings.HasPrefix(r.Pattern, "GET "+hcAPI+"/categories/"):
		id, err := pathID(r, "id", "category")
		if err != nil {
			return err
		}
		if _, err := s.KB.Category(r.Context(), s.hcViewer(r), id); err != nil {
			return err
		}
		f.CategoryID = id
	}
	var page people.Page
	return listPaged(s, w, r, "articles", &f, &page,
		func(ctx context.Context, f kb.ArticleFilter) ([]kb.Article, error) {
			f.AfterID, f.Offset, f.Limit = page.AfterID, page.Offset, page.Limit
			as, err := s.KB.Articles(ctx, f)
			if err == nil {
				err = s.auditArticleReads(r, as...)
			}
			return as, err
		}, s.KB.CountArticles,
		func(r *http.Request, as []kb.Article) []kb.Article { return viewAll(r, as, s.kbArticleView) },
		func(a kb.Article) int64 { return a.ID }, articleSide(s, r))
}

func (s *Server) apiKBArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	a, err := s.KB.Article(r.Context(), s.hcViewer(r), id)
	if err != nil {
		return err
	}
	if err := s.auditArticleReads(r, *a); err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "article", s.kbArticleView(r, *a))
}

func (s *Server) apiKBCreateArticle(w http.ResponseWriter, r *http.Request) error {
	sec, err := pathID(r, "id", "section")
	if err != nil {
		return err
	}
	var in kb.ArticleInput
	if err := decodeBody(r, "article", &in); err != nil {
		return err
	}
	a, err := s.KB.CreateArticle(r.Context(), actor(r), sec, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "article", s.kbArticleView(r, *a))
}

func (s *Server) apiKBUpdateArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	var in kb.ArticleInput
	if err := decodeBody(r, "article", &in); err != nil {
		return err
	}
	a, err := s.KB.UpdateArticle(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "article", s.kbArticleView(r, *a))
}

func (s *Server) apiKBDeleteArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if err := s.KB.DeleteArticle(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *Server) apiKBRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if _, err := s.KB.Article(r.Context(), s.hcViewer(r), id); err != nil {
		return err
	}
	revs, err := s.KB.Revisions(r.Context(), id)
	if err != nil {
		return err
	}
	return writeAll(w, "revisions", revs)
}

// kbLabel is a label of the Help Center's articles.
type kbLabel struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (s *Server) apiKBLabels(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.KB.Labels(r.Context(), s.hcViewer(r))
	if err != nil {
		return err
	}
	out := make([]kbLabel, len(ls))
	for i, l := range ls {
		out[i] = kbLabel{ID: int64(i + 1), Name: l}
	}
	return pageSlice(s, w, r, "labels", out, func(l kbLabel) int64 { return l.ID }, nil)
}

func (s *Server) apiKBVote(value int) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "article")
		if err != nil {
			return err
		}
		v := s.hcViewer(r)
		if _, err := s.KB.Vote(r.Context(), v, id, value); err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, "vote", kb.VoteRecord{UserID: v.UserID, Value: value, ItemID: id, ItemType: "Article", CreatedAt: s.KB.Now()})
	}
}

func (s *Server) apiKBVotes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if _, err := s.KB.Article(r.Context(), s.hcViewer(r), id); err != nil {
		return err
	}
	vs, err := s.KB.Votes(r.Context(), id)
	if err != nil {
		return err
	}
	return writeAll(w, "votes", vs)
}

func (s *Server) apiKBLinkedTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if _, err := s.KB.Article(r.Context(), s.hcViewer(r), id); err != nil {
		return err
	}
	ids, err := s.KB.LinkedTickets(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_ids": ids, "count": len(ids)})
	return nil
}

func (s *Server) apiKBLinkTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	var in struct {
		TicketID int64 `json:"ticket_id"`
	}
	if err := decodeBody(r, "link", &in); err != nil {
		return err
	}
	if t, err := s.Tickets.Get(r.Context(), in.TicketID); err != nil {
		return errs.Invalid("ticket_id", "no such ticket")
	} else if vis, err := s.visibleTickets(r, []ticket.Ticket{*t}); err != nil {
		return err
	} else if len(vis) == 0 {
		return errs.Invalid("ticket_id", "no such ticket")
	}
	if err := s.KB.LinkTicket(r.Context(), id, in.TicketID); err != nil {
		return err
	}
	return s.apiKBLinkedTickets(w, r)
}

// --- search and deflection -------------------------------------------------------

func (s *Server) kbQuery(r *http.Request) (kb.Query, error) {
	q := r.URL.Query()
	k := kb.Query{Viewer: s.hcViewer(r), Text: q.Get("query"), Label: q.Get("label_names")}
	k.Locale = k.Viewer.Locale // the path's locale, unless ?locale= says
	if strings.TrimSpace(k.Text) == "" {
		return k, errs.BadRequest("query: required")
	}
	if strings.Contains(k.Label, ",") {
		return k, errs.BadRequest("label_names: one label at a time")
	}
	if loc := q.Get("locale"); loc != "" {
		l, err := kb.NormLocale(loc)
		if err != nil {
			return k, errs.BadRequest("locale: %v", err)
		}
		k.Locale = l
	}
	for name, dst := range map[string]*int64{"category": &k.CategoryID, "section": &k.SectionID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return k, errs.BadRequest("%s: must be an id", name)
			}
			*dst = n
		}
	}
	return k, nil
}

// kbResult is a search hit: the article with its snippet and result_type.
type kbResult struct {
	kb.Article
	Snippet    string `json:"snippet"`
	ResultType string `json:"result_type"`
}

// kbSearchPerPage is the article search's page when per_page is not given:
// 25, as in Zendesk Guide's article search (the desk's search gives 100).
const kbSearchPerPage = 25

func (s *Server) apiKBSearch(w http.ResponseWriter, r *http.Request) error {
	k, err := s.kbQuery(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	if !r.URL.Query().Has("per_page") {
		p.perPage = kbSearchPerPage
	}
	k.Offset, k.Limit = (p.page-1)*p.perPage, p.perPage
	res, n, err := s.KB.SearchCount(r.Context(), k)
	if err == nil {
		err = s.auditResultReads(r, res)
	}
	if err != nil {
		return err
	}
	out := make([]kbResult, len(res))
	for i, x := range res {
		out[i] = kbResult{Article: s.kbArticleView(r, x.Article), Snippet: x.Snippet, ResultType: "article"}
	}
	body := map[string]any{"results": out, "count": n, "page": p.page, "per_page": p.perPage, "page_count": (n + p.perPage - 1) / p.perPage,
		"next_page": nil, "previous_page": nil}
	if p.page*p.perPage < n {
		body["next_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page + 1), "per_page": strconv.Itoa(p.perPage)})
	}
	if p.page > 1 {
		body["previous_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page - 1), "per_page": strconv.Itoa(p.perPage)})
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// apiKBSuggestions answers the request form while the customer types.
func (s *Server) apiKBSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	loc := ""
	if l := q.Get("locale"); l != "" {
		n, err := kb.NormLocale(l)
		if err != nil {
			return errs.BadRequest("locale: %v", err)
		}
		loc = n
	}
	res, err := s.KB.Suggest(r.Context(), s.hcViewer(r), q.Get("query"), loc)
	if err == nil {
		err = s.auditResultReads(r, res)
	}
	if err != nil {
		return err
	}
	out := make([]kbResult, len(res))
	for i, x := range res {
		out[i] = kbResult{Article: s.kbArticleView(r, x.Article), Snippet: x.Snippet, ResultType: "article"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out, "count": len(out)})
	return nil
}

func (s *Server) apiKBDeflection(w http.ResponseWriter, r *http.Request) error {
	since := s.KB.Now().Add(-30 * 24 * time.Hour)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return errs.BadRequest("since: must be an RFC 3339 time")
		}
		since = t
	}
	d, err := s.KB.Deflection(r.Context(), since)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "deflection", d)
}
