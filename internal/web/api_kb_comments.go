package web

// Help Center article comments (Zendesk Guide's Article Comments API) and
// the article page's comment form. The rules are the store's
// (kb/comments.go): readers of an article comment on it, the author or
// staff change a comment.

import (
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
)

func (s *Server) registerKBCommentsAPI() {
	base := hcAPI + "/articles/{id}/comments"
	s.handle("GET "+base, Public, s.apiKBComments)
	s.handle("GET "+base+"/{comment_id}", Public, s.apiKBComment)
	s.handle("POST "+base, Authenticated, s.apiKBCreateComment)
	s.handle("PUT "+base+"/{comment_id}", Authenticated, s.apiKBUpdateComment)
	s.handle("DELETE "+base+"/{comment_id}", Authenticated, s.apiKBDeleteComment)
	s.handle("GET "+hcAPI+"/users/{id}/comments", Authenticated, s.apiKBUserComments)
	s.handle("POST /hc/articles/{id}/comments", Authenticated, s.hcComment)
	s.handle("POST /hc/articles/{id}/comments/{comment_id}/delete", Authenticated, s.hcDeleteComment)
}

func kbCommentDocs() map[string]apiDoc {
	c := "Help Center comments"
	base := hcAPI + "/articles/{id}/comments"
	return map[string]apiDoc{
		"GET " + base:                           {summary: "An article's comments (readers of the article)", tag: c, result: "comments", list: true},
		"GET " + base + "/{comment_id}":         {summary: "Show a comment", tag: c, result: "comment"},
		"POST " + base:                          {summary: "Comment on an article (signed in; Comments disabled rule)", tag: c, body: "comment", result: "comment"},
		"PUT " + base + "/{comment_id}":         {summary: "Change a comment (its author or an agent: Comment author rule)", tag: c, body: "comment", result: "comment"},
		"DELETE " + base + "/{comment_id}":      {summary: "Delete a comment (its author or an agent)", tag: c},
		"GET " + hcAPI + "/users/{id}/comments": {summary: "A user's comments on the articles the caller may read (yourself, or agents: anyone)", tag: c, result: "comments", list: true},
	}
}

func (s *Server) kbCommentView(r *http.Request, c kb.Comment) kb.Comment {
	base := s.baseURL(r) + brandPrefix(r)
	a, id := strconv.FormatInt(c.SourceID, 10), strconv.FormatInt(c.ID, 10)
	c.URL = base + hcAPI + "/articles/" + a + "/comments/" + id + ".json"
	c.HTMLURL = base + "/hc/" + c.Locale + "/articles/" + a + "#comment-" + id
	return c
}

func (s *Server) commentIDs(r *http.Request) (int64, int64, error) {
	article, err := pathID(r, "id", "article")
	if err != nil {
		return 0, 0, err
	}
	if r.PathValue("comment_id") == "" {
		return article, 0, nil
	}
	id, err := pathID(r, "comment_id", "comment")
	return article, id, err
}

func (s *Server) apiKBComments(w http.ResponseWriter, r *http.Request) error {
	article, _, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	cs, err := s.KB.Comments(r.Context(), s.hcViewer(r), article)
	if err != nil {
		return err
	}
	return pageSlice(s, w, r, "comments", viewAll(r, cs, s.kbCommentView), func(c kb.Comment) int64 { return c.ID }, nil)
}

func (s *Server) apiKBComment(w http.ResponseWriter, r *http.Request) error {
	article, id, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	c, err := s.KB.Comment(r.Context(), s.hcViewer(r), article, id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "comment", s.kbCommentView(r, *c))
}

func (s *Server) apiKBCreateComment(w http.ResponseWriter, r *http.Request) error {
	article, _, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	var in kb.CommentInput
	if err := decodeBody(r, "comment", &in); err != nil {
		return err
	}
	c, err := s.KB.CreateComment(r.Context(), s.hcViewer(r), article, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "comment", s.kbCommentView(r, *c))
}

func (s *Server) apiKBUpdateComment(w http.ResponseWriter, r *http.Request) error {
	article, id, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	var in kb.CommentInput
	if err := decodeBody(r, "comment", &in); err != nil {
		return err
	}
	c, err := s.KB.UpdateComment(r.Context(), s.hcViewer(r), article, id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "comment", s.kbCommentView(r, *c))
}

func (s *Server) apiKBDeleteComment(w http.ResponseWriter, r *http.Request) error {
	article, id, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	if err := s.KB.DeleteComment(r.Context(), s.hcViewer(r), article, id); err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *Server) apiKBUserComments(w http.ResponseWriter, r *http.Request) error {
	user, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	v := s.hcViewer(r)
	if !v.Staff && v.UserID != user {
		return errs.Forbidden("a customer lists their own comments only")
	}
	cs, err := s.KB.UserComments(r.Context(), v, user)
	if err != nil {
		return err
	}
	return pageSlice(s, w, r, "comments", viewAll(r, cs, s.kbCommentView), func(c kb.Comment) int64 { return c.ID }, nil)
}

// hcComment posts the article page's comment form (plain text, escaped
// into a paragraph).
func (s *Server) hcComment(w http.ResponseWriter, r *http.Request) error {
	article, _, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	body := "<p>" + strings.ReplaceAll(html.EscapeString(strings.TrimSpace(r.PostFormValue("body"))), "\n", "<br>") + "</p>"
	if _, err := s.KB.CreateComment(r.Context(), s.hcViewer(r), article, kb.CommentInput{Body: &body}); err != nil {
		return err
	}
	seeOther(w, r, "/hc/articles/"+strconv.FormatInt(article, 10)+"#comments", "Your comment is posted.")
	return nil
}

func (s *Server) hcDeleteComment(w http.ResponseWriter, r *http.Request) error {
	article, id, err := s.commentIDs(r)
	if err != nil {
		return err
	}
	if err := s.KB.DeleteComment(r.Context(), s.hcViewer(r), article, id); err != nil {
		return err
	}
	seeOther(w, r, "/hc/articles/"+strconv.FormatInt(article, 10)+"#comments", "Comment deleted.")
	return nil
}
