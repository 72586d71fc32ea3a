package web

// Help Center article attachments (Zendesk Guide's Article Attachments):
// agents upload a file to an article (multipart "file", "inline"); readers
// of the article list and download it. The file is stored like a ticket
// attachment (content-addressed) but served only here, to readers of its
// article: the ticket attachment routes refuse it (visibleAttachment).
// Zendesk's /articles/attachments/{id} path is served as
// /article_attachments/{id} (hcLocales rewrites it: the mux cannot hold
// both it and /articles/{id}/... patterns).

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
)

func (s *Server) registerKBAttachmentsAPI() {
	base := hcAPI + "/articles/{id}/attachments"
	s.handle("GET "+base, Public, s.apiKBAttachments(nil))
	yes, no := true, false
	s.handle("GET "+base+"/inline", Public, s.apiKBAttachments(&yes))
	s.handle("GET "+base+"/block", Public, s.apiKBAttachments(&no))
	s.handle("POST "+base, Staff, s.apiKBCreateAttachment)
	s.handle("GET "+hcAPI+"/article_attachments/{id}", Public, s.apiKBAttachment)
	s.handle("DELETE "+hcAPI+"/article_attachments/{id}", Staff, s.apiKBDeleteAttachment)
	s.handle("GET /hc-files/{id}/{name}", Public, s.hcAttachmentFile)
}

func kbAttachmentDocs() map[string]apiDoc {
	a := "Help Center attachments"
	base := hcAPI + "/articles/{id}/attachments"
	return map[string]apiDoc{
		"GET " + base:                                   {summary: "An article's attachments (readers of the article)", tag: a, result: "article_attachments", list: true, paging: pagedNone},
		"GET " + base + "/inline":                       {summary: "An article's inline attachments (images its body shows)", tag: a, result: "article_attachments", list: true, paging: pagedNone},
		"GET " + base + "/block":                        {summary: "An article's block attachments (listed under it)", tag: a, result: "article_attachments", list: true, paging: pagedNone},
		"POST " + base:                                  {summary: "Upload an attachment to an article (agents; multipart: file, inline=true|false)", tag: a, result: "article_attachment"},
		"GET " + hcAPI + "/article_attachments/{id}":    {summary: "Show an article attachment (also at /articles/attachments/{id}, Zendesk's path)", tag: a, result: "article_attachment"},
		"DELETE " + hcAPI + "/article_attachments/{id}": {summary: "Delete an article attachment (agents; also at /articles/attachments/{id})", tag: a},
	}
}

func (s *Server) kbAttachmentView(r *http.Request, a kb.ArticleAttachment) kb.ArticleAttachment {
	base := s.baseURL(r) + brandPrefix(r)
	id := strconv.FormatInt(a.ID, 10)
	a.URL = base + hcAPI + "/articles/attachments/" + id + ".json"
	a.RelativePath = "/hc-files/" + id + "/" + url.PathEscape(a.FileName)
	a.ContentURL = base + a.RelativePath
	return a
}

func (s *Server) apiKBAttachments(inline *bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		article, err := pathID(r, "id", "article")
		if err != nil {
			return err
		}
		as, err := s.KB.ArticleAttachments(r.Context(), s.hcViewer(r), article, inline)
		if err != nil {
			return err
		}
		return writeAll(w, "article_attachments", viewAll(r, as, s.kbAttachmentView))
	}
}

func (s *Server) apiKBAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article attachment")
	if err != nil {
		return err
	}
	a, err := s.KB.ArticleAttachment(r.Context(), s.hcViewer(r), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "article_attachment", s.kbAttachmentView(r, *a))
}

func (s *Server) apiKBCreateAttachment(w http.ResponseWriter, r *http.Request) error {
	article, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if _, err := s.KB.Article(r.Context(), viewerOf(r), article); err != nil {
		return err
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return errs.Invalid("file", "a multipart form with the file in \"file\" is required")
	}
	defer f.Close()
	inline := false
	switch v := r.FormValue("inline"); v {
	case "", "false":
	case "true":
		inline = true
	default:
		return errs.Invalid("inline", "must be true or false")
	}
	up, err := s.Tickets.SaveUpload(r.Context(), actorOf(PrincipalFrom(r.Context())), fh.Filename, fh.Header.Get("Content-Type"), f)
	if err != nil {
		return err
	}
	a, err := s.KB.AddAttachment(r.Context(), actor(r), article, up.ID, inline)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "article_attachment", s.kbAttachmentView(r, *a))
}

func (s *Server) apiKBDeleteAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article attachment")
	if err != nil {
		return err
	}
	if err := s.KB.DeleteAttachment(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

// hcAttachmentFile serves an article attachment's content to readers of
// the article: images inline (the body shows them), anything else as a
// download; never sniffed, never run as a page.
func (s *Server) hcAttachmentFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "article attachment")
	if err != nil {
		return err
	}
	a, err := s.KB.ArticleAttachment(r.Context(), s.hcViewer(r), id)
	if err != nil {
		return err
	}
	_, rc, err := s.Tickets.OpenAttachment(r.Context(), a.FileID)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	disposition := "attachment"
	if previewable(a.ContentType) {
		disposition = "inline"
	}
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.FileName}))
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	_, err = io.Copy(w, rc)
	return err
}

// zendeskArticleAttachmentPath rewrites Zendesk's
// /api/v2/help_center/articles/attachments/{id} to the route's path.
func zendeskArticleAttachmentPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, hcAPI+"/articles/attachments/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	return hcAPI + "/article_attachments/" + rest, true
}
