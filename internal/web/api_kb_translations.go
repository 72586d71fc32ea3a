package web

// Help Center translations (Zendesk Guide): an article's, section's or
// category's text per locale (kb/translations.go), and the locale paths:
// /api/v2/help_center/{locale}/... reads the Help Center in that locale
// (hcLocales strips the locale and hcViewer reads it), as /hc/{locale}/...
// does for the pages.

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
)

const localeKey ctxKey = 5

// hcLocaleRE is a locale as a path segment: never one of the Help Center
// API's own words (articles, sections...), which are longer.
var hcLocaleRE = regexp.MustCompile(`^[A-Za-z]{2}(-[A-Za-z]{2,4})?$`)

// hcLocales serves /api/v2/help_center/{locale}/rest as
// /api/v2/help_center/rest read in that locale.
func (s *Server) hcLocales(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := zendeskArticleAttachmentPath(r.URL.Path); ok { // api_kb_attachments.go
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = p, ""
			r = r2
		}
		rest, ok := strings.CutPrefix(r.URL.Path, hcAPI+"/")
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		seg, tail, _ := strings.Cut(rest, "/")
		if !hcLocaleRE.MatchString(seg) || tail == "" {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(context.WithValue(r.Context(), localeKey, strings.ToLower(seg)))
		r2.URL.Path, r2.URL.RawPath = hcAPI+"/"+tail, ""
		next.ServeHTTP(w, r2)
	})
}

// hcLocale is the locale the request reads the Help Center in: its path's
// ({locale} of a page, or the API's locale prefix), "" for each item's own.
func hcLocale(r *http.Request) string {
	if l, ok := r.Context().Value(localeKey).(string); ok {
		return l
	}
	if l := r.PathValue("locale"); l != "" {
		if n, err := kb.NormLocale(l); err == nil {
			return n
		}
	}
	return ""
}

func (s *Server) registerKBTranslationsAPI() {
	for _, kind := range []string{kb.KindArticle, kb.KindSection, kb.KindCategory} {
		base := hcAPI + "/" + kbPlural(kind) + "/{id}/translations"
		s.handle("GET "+base, Public, s.apiKBTranslations(kind))
		s.handle("GET "+base+"/missing", Staff, s.apiKBMissingTranslations(kind))
		s.handle("GET "+base+"/{locale}", Public, s.apiKBTranslation(kind))
		s.handle("POST "+base, Staff, s.apiKBCreateTranslation(kind))
		s.handle("PUT "+base+"/{locale}", Staff, s.apiKBUpdateTranslation(kind))
	}
	s.handle("DELETE "+hcAPI+"/translations/{id}", Staff, s.apiKBDeleteTranslation)
	s.handle("GET "+hcAPI+"/locales", Public, s.apiKBLocales)
}

func kbTranslationDocs() map[string]apiDoc {
	tr := "Help Center translations"
	out := map[string]apiDoc{
		"DELETE " + hcAPI + "/translations/{id}": {summary: "Delete a translation (not a source locale's: that is the item itself)", tag: tr},
		"GET " + hcAPI + "/locales":              {summary: "The locales the Help Center has content in, and its default locale", tag: tr, result: "locales"},
	}
	for _, kind := range []string{kb.KindArticle, kb.KindSection, kb.KindCategory} {
		base := hcAPI + "/" + kbPlural(kind) + "/{id}/translations"
		out["GET "+base] = apiDoc{summary: "The " + kind + "'s translations the caller may read, its source locale's first (drafts: agents only)", tag: tr, result: "translations", list: true, paging: pagedNone}
		out["GET "+base+"/missing"] = apiDoc{summary: "The Help Center's locales the " + kind + " has no translation in (agents)", tag: tr, result: "locales"}
		out["GET "+base+"/{locale}"] = apiDoc{summary: "The " + kind + "'s translation in a locale", tag: tr, result: "translation"}
		out["POST "+base] = apiDoc{summary: "Translate the " + kind + " into a locale (Translation rule: not its source locale, one per locale)", tag: tr, body: "translation", result: "translation"}
		out["PUT "+base+"/{locale}"] = apiDoc{summary: "Update the " + kind + "'s translation in a locale (the source locale's changes the " + kind + ")", tag: tr, body: "translation", result: "translation"}
	}
	return out
}

// kbPlural is the path word of a kind of item.
func kbPlural(kind string) string {
	if kind == kb.KindCategory {
		return "categories"
	}
	return kind + "s"
}

// kbTranslationView fills a translation's addresses.
func (s *Server) kbTranslationView(r *http.Request, kind string, t kb.Translation) kb.Translation {
	base := s.baseURL(r) + brandPrefix(r)
	id := strconv.FormatInt(t.SourceID, 10)
	t.URL = base + hcAPI + "/" + kbPlural(kind) + "/" + id + "/translations/" + t.Locale + ".json"
	t.HTMLURL = base + "/hc/" + t.Locale + "/" + kbPlural(kind) + "/" + id
	if kind == kb.KindCategory {
		t.HTMLURL = base + "/hc/" + t.Locale + "#category-" + id
	}
	if !viewerOf(r).Staff {
		t.BodyMarkdown = ""
	}
	return t
}

// translationSource is the item a translation route addresses and the
// caller as its reader (in its own locale: the route names the locale).
func (s *Server) translationSource(r *http.Request, kind string) (int64, kb.Viewer, error) {
	id, err := pathID(r, "id", kind)
	v := s.hcViewer(r)
	v.Locale = ""
	return id, v, err
}

// translationInput is the item a translation write addresses and its body.
func translationInput(r *http.Request, kind string) (int64, kb.TranslationInput, error) {
	var in kb.TranslationInput
	id, err := pathID(r, "id", kind)
	if err == nil {
		err = decodeBody(r, "translation", &in)
	}
	return id, in, err
}

func (s *Server) apiKBTranslations(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, v, err := s.translationSource(r, kind)
		if err != nil {
			return err
		}
		ts, err := s.KB.Translations(r.Context(), v, kind, id)
		if err != nil {
			return err
		}
		for i := range ts {
			ts[i] = s.kbTranslationView(r, kind, ts[i])
		}
		return writeAll(w, "translations", ts)
	}
}

func (s *Server) apiKBTranslation(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, v, err := s.translationSource(r, kind)
		if err != nil {
			return err
		}
		t, err := s.KB.Translation(r.Context(), v, kind, id, r.PathValue("locale"))
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, "translation", s.kbTranslationView(r, kind, *t))
	}
}

func (s *Server) apiKBMissingTranslations(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, v, err := s.translationSource(r, kind)
		if err != nil {
			return err
		}
		ts, err := s.KB.Translations(r.Context(), v, kind, id)
		if err != nil {
			return err
		}
		all, err := s.KB.Locales(r.Context())
		if err != nil {
			return err
		}
		missing := slices.DeleteFunc(all, func(l string) bool {
			return slices.ContainsFunc(ts, func(t kb.Translation) bool { return t.Locale == l })
		})
		writeJSON(w, http.StatusOK, map[string]any{"locales": missing})
		return nil
	}
}

func (s *Server) apiKBCreateTranslation(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, in, err := translationInput(r, kind)
		if err != nil {
			return err
		}
		t, err := s.KB.CreateTranslation(r.Context(), actor(r), kind, id, in)
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusCreated, "translation", s.kbTranslationView(r, kind, *t))
	}
}

func (s *Server) apiKBUpdateTranslation(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, in, err := translationInput(r, kind)
		if err != nil {
			return err
		}
		if in.Locale != nil && !strings.EqualFold(*in.Locale, r.PathValue("locale")) {
			return errs.Invalid("locale", "is the path's locale; a translation does not move to another locale")
		}
		t, err := s.KB.UpdateTranslation(r.Context(), actor(r), kind, id, r.PathValue("locale"), in)
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, "translation", s.kbTranslationView(r, kind, *t))
	}
}

func (s *Server) apiKBDeleteTranslation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "translation")
	if err != nil {
		return err
	}
	if err := s.KB.DeleteTranslation(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *Server) apiKBLocales(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.KB.Locales(r.Context())
	if err != nil {
		return err
	}
	if !slices.Contains(ls, kb.DefaultLocale) {
		ls = append([]string{kb.DefaultLocale}, ls...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"locales": ls, "default_locale": kb.DefaultLocale})
	return nil
}
