package web

// The public Help Center (/hc): home with categories and sections, section
// and article pages, search; the request form's suggestions (htmx, after a
// pause, from 3 characters) and "this answered my question". Every read
// goes through the knowledge base store with the caller as viewer, so an
// article's visibility holds here as in the API. Article views, suggestion
// clicks, offers, answers and filed requests are recorded per browser
// session (the frontline_hc cookie) for the deflection figures.

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/ticket"
)

const hcCookie = "frontline_hc"

func (s *Server) registerKBUI() {
	s.openKB()
	s.handle("GET /hc", Public, s.hcHome)
	s.handle("GET /hc/{locale}", Public, s.hcHome)
	s.handle("GET /hc/sections/{id}", Public, s.hcSection)
	s.handle("GET /hc/{locale}/sections/{id}", Public, s.hcSection)
	s.handle("GET /hc/articles/{id}", Public, s.hcArticle)
	s.handle("GET /hc/{locale}/articles/{id}", Public, s.hcArticle)
	s.handle("GET /hc/search", Public, s.hcSearch)
	s.handle("GET /hc/suggest", Public, s.hcSuggest)
	s.handle("POST /hc/answered", Authenticated, s.hcAnswered)
	s.registerKBAgentUI()
}

// hcSession is the browser's Help Center session id, set when missing.
func hcSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(hcCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: hcCookie, Value: id, Path: "/", MaxAge: 30 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	return id
}

// hcRecord records a deflection event for a customer or anonymous reader
// (agents reading articles are not deflection).
func (s *Server) hcRecord(w http.ResponseWriter, r *http.Request, kind string, article int64) {
	v := s.hcViewer(r)
	if v.Staff {
		return
	}
	if err := s.KB.RecordEvent(r.Context(), kb.Event{Session: hcSession(w, r), Kind: kind, ArticleID: article, UserID: v.UserID}); err != nil {
		s.log.Warn("help center event", "kind", kind, "err", err)
	}
}

// kbTicketFiled records that the session filed a request (ui_portal.go).
func (s *Server) kbTicketFiled(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(hcCookie); err == nil {
		s.hcRecord(w, r, kb.EventTicket, 0)
	}
}

func (s *Server) hcHome(w http.ResponseWriter, r *http.Request) error {
	if loc := r.PathValue("locale"); loc != "" {
		if _, err := kb.NormLocale(loc); err != nil {
			return errs.NotFound("page")
		}
	}
	ctx := r.Context()
	v := s.hcViewer(r)
	cats, err := s.KB.Categories(ctx, v)
	if err != nil {
		return err
	}
	secs, err := s.KB.Sections(ctx, v, 0)
	if err != nil {
		return err
	}
	type catView struct {
		kb.Category
		Sections []kb.Section
	}
	var out []catView
	for _, c := range cats {
		cv := catView{Category: c}
		for _, x := range secs {
			if x.CategoryID == c.ID && x.ParentSectionID == nil {
				cv.Sections = append(cv.Sections, x)
			}
		}
		if len(cv.Sections) > 0 {
			out = append(out, cv)
		}
	}
	promoted, err := s.KB.Articles(ctx, kb.ArticleFilter{Viewer: kb.Viewer{UserID: v.UserID, Brand: v.Brand}, Limit: 200})
	if err != nil {
		return err
	}
	var top []kb.Article
	for _, a := range promoted {
		if a.Promoted && len(top) < 8 {
			top = append(top, a)
		}
	}
	data := map[string]any{"Title": "Help Center", "Categories": out, "Promoted": top, "Flash": flashOf(w, r)}
	if b, err := s.requestBrand(r); err != nil {
		return err
	} else if b != nil {
		data["BrandName"], data["Title"] = b.Name, b.Name+" Help Center"
		data["Closed"] = !s.seesBrand(r, b.ID)
	}
	s.render(w, r, http.StatusOK, "hc_home.html", data)
	return nil
}

func (s *Server) hcSection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "section")
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.hcViewer(r)
	x, err := s.KB.Section(ctx, v, id)
	if err != nil {
		return err
	}
	all, err := s.KB.Sections(ctx, v, x.CategoryID)
	if err != nil {
		return err
	}
	var children []kb.Section
	for _, c := range all {
		if c.ParentSectionID != nil && *c.ParentSectionID == x.ID {
			children = append(children, c)
		}
	}
	arts, err := s.KB.Articles(ctx, kb.ArticleFilter{Viewer: v, SectionID: x.ID, Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "hc_section.html", map[string]any{"Title": x.Name, "Section": x, "Children": children, "Articles": arts})
	return nil
}

func (s *Server) hcArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := s.hcViewer(r)
	page, err := s.KB.ArticlePage(ctx, v, id)
	if err == nil {
		err = s.auditArticleReads(r, *page.Article)
	}
	if err != nil {
		return err
	}
	a := page.Article
	kind := kb.EventView
	if r.URL.Query().Get("from") == "suggest" {
		kind = kb.EventClick
	}
	s.hcRecord(w, r, kind, a.ID)
	data := map[string]any{"Title": a.Title, "Article": a, "Body": trustedHTML(a.Body), "Flash": flashOf(w, r)}
	if page.Section != nil {
		data["Section"] = page.Section
	}
	cs := page.Comments
	names := map[int64]string{}
	for _, c := range cs {
		if _, ok := names[c.AuthorID]; !ok {
			names[c.AuthorID] = "A reader"
			if u, err := s.People.GetUser(ctx, c.AuthorID); err == nil {
				names[c.AuthorID] = u.Name
			}
		}
	}
	type commentView struct {
		kb.Comment
		Author    string
		HTML      template.HTML
		CanDelete bool
	}
	var views []commentView
	for _, c := range cs {
		views = append(views, commentView{c, names[c.AuthorID], trustedHTML(c.Body), v.Staff || (v.UserID != 0 && c.AuthorID == v.UserID)})
	}
	data["Comments"] = views
	block := false // inline images are in the body
	data["Files"] = viewAll(r, kb.FilterInline(page.Attachments, &block), s.kbAttachmentView)
	if v.Staff {
		if ids, err := s.KB.LinkedTickets(ctx, a.ID); err == nil {
			data["Tickets"] = ids
		}
		if ok, err := s.can(r, access.KnowledgeBaseManage); err == nil && ok {
			data["CanEdit"] = true
		}
	}
	s.render(w, r, http.StatusOK, "hc_article.html", data)
	return nil
}

func (s *Server) hcSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("query")
	data := map[string]any{"Title": "Search the Help Center", "Query": q}
	if q != "" {
		res, err := s.KB.Search(r.Context(), kb.Query{Viewer: s.hcViewer(r), Text: q, Limit: 25})
		if err == nil {
			err = s.auditResultReads(r, res)
		}
		if err != nil {
			return err
		}
		data["Results"] = hcResults(res)
	}
	s.render(w, r, http.StatusOK, "hc_search.html", data)
	return nil
}

type hcResult struct {
	kb.Result
	SnippetHTML any
}

func hcResults(res []kb.Result) []hcResult {
	out := make([]hcResult, len(res))
	for i, x := range res {
		out[i] = hcResult{Result: x, SnippetHTML: trustedHTML(x.Snippet)} // escaped by the store, <em> marks only
	}
	return out
}

// hcSuggest answers the request form's htmx call with a list of articles
// (nothing under 3 characters).
func (s *Server) hcSuggest(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("subject")
	if q == "" {
		q = r.URL.Query().Get("query")
	}
	res, err := s.KB.Suggest(r.Context(), s.hcViewer(r), q, "")
	if err == nil {
		err = s.auditResultReads(r, res)
	}
	if err != nil {
		return err
	}
	if len(res) > 0 {
		s.hcRecord(w, r, kb.EventOffered, 0)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return s.tmpl["hc_search.html"].ExecuteTemplate(w, "hc_suggestions", map[string]any{"Results": hcResults(res), "BP": brandPrefix(r)})
}

// hcAnswered ends a request without a ticket: "this answered my question".
func (s *Server) hcAnswered(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostFormValue("article_id"), 10, 64)
	s.hcRecord(w, r, kb.EventAnswered, id)
	seeOther(w, r, "/hc", "Glad it helped. No request was filed.")
	return nil
}

// trustedHTML marks HTML the knowledge base made safe: article bodies
// rendered and sanitised by markup at write, snippets escaped by the store
// with only <em> marks added.
func trustedHTML(s string) template.HTML { return template.HTML(s) } // #nosec G203 -- sanitised or escaped, see above

// --- the agent's side: search while replying, a draft from a ticket ---------------

func (s *Server) registerKBAgentUI() {
	s.handle("GET /agent/kb/search", Staff, s.agentKBSearch)
	// The article editor: agents whose role manages the knowledge base.
	m := access.KnowledgeBaseManage
	s.handleNeeds("GET /agent/kb/articles/new", Staff, m, s.agentKBNew)
	s.handleNeeds("GET /agent/kb/articles/{id}/edit", Staff, m, s.agentKBEdit)
	s.handleNeeds("POST /agent/kb/articles", Staff, m, s.agentKBSave)
	s.handleNeeds("POST /agent/kb/articles/{id}", Staff, m, s.agentKBSave)
	s.handleNeeds("POST /agent/kb/preview", Staff, m, s.agentKBPreview)
	s.handleNeeds("POST /agent/tickets/{id}/kb_draft", Staff, access.KnowledgeBaseManage, s.agentKBDraft)
}

// agentKBSearch answers the ticket page's article search (htmx): each hit
// with a button that inserts a link to it into the reply (app.js); the
// reply then links the ticket to the article (kb.Store.TicketHook).
func (s *Server) agentKBSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	// The ticket's brand's Help Center: a reply links the customer to the
	// articles of their own brand, at its address.
	v, base := s.hcViewer(r), s.baseURL(r)
	if raw := r.URL.Query().Get("ticket_id"); raw != "" {
		b, err := s.ticketBrand(r, raw)
		if err != nil {
			return err
		}
		v.Brand, base = b.ID, s.brandBaseURL(r, b)
	}
	var res []kb.Result
	if len([]rune(q)) >= 3 {
		var err error
		if res, err = s.KB.Search(r.Context(), kb.Query{Viewer: v, Text: q, Prefix: true, Limit: 8}); err == nil {
			err = s.auditResultReads(r, res)
		}
		if err != nil {
			return err
		}
	}
	type hit struct {
		hcResult
		Link string
	}
	out := make([]hit, len(res))
	for i, x := range res {
		out[i] = hit{hcResult: hcResults(res[i : i+1])[0], Link: base + "/hc/articles/" + strconv.FormatInt(x.ID, 10)}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return s.tmpl["hc_search.html"].ExecuteTemplate(w, "hc_agent_hits", map[string]any{"Hits": out, "Query": q})
}

// agentKBDraft starts an article draft from a ticket: the subject as the
// title, the public conversation as Markdown, in the section chosen (the
// first one when none is), then opens it.
func (s *Server) agentKBDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	ctx := r.Context()
	// The draft copies the conversation: an editor whose role does not read
	// tickets is answered as if the ticket did not exist.
	if ok, err := s.can(r, access.TicketsRead); err != nil {
		return err
	} else if !ok {
		return errs.NotFound("ticket")
	}
	t, err := s.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	cs, err := s.Tickets.Comments(ctx, id, ticket.Page{Limit: 1000})
	if err != nil {
		return err
	}
	var texts []string
	for _, c := range cs {
		if c.Public {
			texts = append(texts, c.PlainBody)
		}
	}
	title, body := kb.DraftFromTicket(t.Subject, texts)
	section, _ := strconv.ParseInt(r.PostFormValue("section_id"), 10, 64)
	if section == 0 { // the first section of the ticket's brand's Help Center
		v := viewerOf(r)
		v.Brand = t.BrandID
		secs, err := s.KB.Sections(ctx, v, 0)
		if err != nil {
			return err
		}
		if len(secs) == 0 {
			return errs.Invalid("section_id", "create a Help Center section first")
		}
		section = secs[0].ID
	}
	draft := true
	a, err := s.KB.CreateArticle(ctx, actor(r), section, kb.ArticleInput{Title: &title, BodyMarkdown: &body, Draft: &draft})
	if err != nil {
		return err
	}
	if err := s.KB.LinkTicket(ctx, a.ID, id); err != nil {
		return err
	}
	seeOther(w, r, "/hc/articles/"+strconv.FormatInt(a.ID, 10), "Draft started from ticket #"+strconv.FormatInt(id, 10)+"; edit it through the Help Center API or publish it when reviewed.")
	return nil
}

// --- the article editor ---------------------------------------------------------------

// kbEditorFields are the editor's form fields.
func kbEditorFields() []string {
	return []string{"title", "section_id", "body_markdown", "labels", "visibility", "status", "promoted"}
}

func (s *Server) renderKBEditor(w http.ResponseWriter, r *http.Request, status int, a *kb.Article, form map[string]string, problem string) error {
	secs, err := s.KB.Sections(r.Context(), viewerOf(r), 0)
	if err != nil {
		return err
	}
	title := "New article"
	if a != nil {
		title = "Edit: " + a.Title
	}
	data := map[string]any{"Title": title, "Form": form, "Sections": secs, "Error": problem,
		"Visibilities": []string{"public", "signed_in", "internal"}, "Statuses": []string{"draft", "review", "published"},
		"Preview": trustedHTML(s.KB.Render(form["body_markdown"]))} // rendered and sanitised by markup
	if a != nil {
		data["Article"] = a
	}
	s.render(w, r, status, "kb_edit.html", data)
	return nil
}

// agentKBNew opens the editor on a new draft (in the section asked for).
func (s *Server) agentKBNew(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"section_id": r.URL.Query().Get("section_id"), "visibility": "public", "status": "draft"}
	return s.renderKBEditor(w, r, http.StatusOK, nil, form, "")
}

// agentKBEdit opens the editor on an article.
func (s *Server) agentKBEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	a, err := s.KB.Article(r.Context(), viewerOf(r), id)
	if err != nil {
		return err
	}
	form := map[string]string{"title": a.Title, "section_id": strconv.FormatInt(a.SectionID, 10), "body_markdown": a.BodyMarkdown,
		"labels": strings.Join(a.LabelNames, ", "), "visibility": a.VisibilityName, "status": string(a.Status)}
	if a.Promoted {
		form["promoted"] = "1"
	}
	return s.renderKBEditor(w, r, http.StatusOK, a, form, "")
}

// agentKBSave creates or updates an article from the editor; a refused
// change shows the form again with the rule that refused it.
func (s *Server) agentKBSave(w http.ResponseWriter, r *http.Request) error {
	form := formValues(r, kbEditorFields()...)
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id", "article"); err != nil {
			return err
		}
	}
	section, _ := strconv.ParseInt(form["section_id"], 10, 64)
	title, body, vis := form["title"], form["body_markdown"], form["visibility"]
	st := kb.Status(form["status"])
	promoted := form["promoted"] == "1"
	labels := []string{}
	for _, l := range strings.Split(form["labels"], ",") {
		if l = strings.TrimSpace(l); l != "" {
			labels = append(labels, l)
		}
	}
	in := kb.ArticleInput{Title: &title, BodyMarkdown: &body, Visibility: &vis, Status: &st, Promoted: &promoted, LabelNames: &labels}
	var a *kb.Article
	var err error
	var current *kb.Article
	if id == 0 {
		a, err = s.KB.CreateArticle(r.Context(), actor(r), section, in)
	} else {
		if current, err = s.KB.Article(r.Context(), viewerOf(r), id); err != nil {
			return err
		}
		if st == current.Status {
			in.Status = nil // saving without moving in the editorial flow
		}
		in.SectionID = &section
		a, err = s.KB.UpdateArticle(r.Context(), actor(r), id, in)
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.KindInvalid || k == errs.KindNotFound {
			return s.renderKBEditor(w, r, http.StatusUnprocessableEntity, current, form, err.Error())
		}
		return err
	}
	seeOther(w, r, "/hc/articles/"+strconv.FormatInt(a.ID, 10), "Article saved ("+string(a.Status)+").")
	return nil
}

// agentKBPreview answers the editor's preview (htmx): the Markdown
// rendered and sanitised exactly as it would be stored.
func (s *Server) agentKBPreview(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte(s.KB.Render(r.PostFormValue("body_markdown"))))
	return err
}
