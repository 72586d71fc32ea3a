package web

import (
	"reflect"

	"github.com/frontline/frontline/internal/kb"
)

// OpenAPI notes for the Help Center routes (openapi.go).
func kbAPIDocs() map[string]apiDoc {
	hc, ar, df := "Help Center", "Help Center articles", "Deflection"
	articleQuery := []string{"locale", "label_names"}
	docs := map[string]apiDoc{
		"GET " + hcAPI + "/categories":                {summary: "Categories (locale filters)", tag: hc, result: "categories", list: true, query: []string{"locale"}},
		"GET " + hcAPI + "/categories/{id}":           {summary: "Show a category", tag: hc, result: "category"},
		"POST " + hcAPI + "/categories":               {summary: "Create a category (agents)", tag: hc, body: "category", result: "category"},
		"PUT " + hcAPI + "/categories/{id}":           {summary: "Update a category (agents)", tag: hc, body: "category", result: "category"},
		"DELETE " + hcAPI + "/categories/{id}":        {summary: "Delete an empty category (agents)", tag: hc},
		"GET " + hcAPI + "/sections":                  {summary: "Sections the caller may see (locale filters; include=categories)", tag: hc, result: "sections", list: true, query: []string{"locale"}, include: []string{"categories"}},
		"GET " + hcAPI + "/categories/{id}/sections":  {summary: "A category's sections", tag: hc, result: "sections", list: true, query: []string{"locale"}, include: []string{"categories"}},
		"GET " + hcAPI + "/sections/{id}":             {summary: "Show a section", tag: hc, result: "section"},
		"POST " + hcAPI + "/categories/{id}/sections": {summary: "Create a section in a category (parent_section_id nests it; visibility public|signed_in|internal)", tag: hc, body: "section", result: "section"},
		"PUT " + hcAPI + "/sections/{id}":             {summary: "Update a section (Section tree rule: no cycles, parent in the same category)", tag: hc, body: "section", result: "section"},
		"DELETE " + hcAPI + "/sections/{id}":          {summary: "Delete a section without articles or subsections", tag: hc},
		"GET " + hcAPI + "/articles":                  {summary: "Articles the caller may read (customers: published, public or signed-in; agents: all, drafts too)", tag: ar, result: "articles", list: true, query: articleQuery, include: kbIncludes},
		"GET " + hcAPI + "/sections/{id}/articles":    {summary: "A section's articles", tag: ar, result: "articles", list: true, query: articleQuery, include: kbIncludes},
		"GET " + hcAPI + "/categories/{id}/articles":  {summary: "A category's articles", tag: ar, result: "articles", list: true, query: articleQuery, include: kbIncludes},
		"GET " + hcAPI + "/articles/search":           {summary: "Ranked full-text search of published articles the caller may read, with snippets (query required; category, section, label_names, locale filter); 25 per page unless per_page says, at most 1,000 results", tag: ar, result: "results", list: true, paging: pagedOffset, query: []string{"query", "locale", "category", "section", "label_names"}},
		"GET " + hcAPI + "/articles/labels":           {summary: "Labels of the articles the caller may read", tag: ar, result: "labels", list: true},
		"GET " + hcAPI + "/articles/{id}":             {summary: "Show an article (not found when the caller may not read it)", tag: ar, result: "article"},
		"POST " + hcAPI + "/sections/{id}/articles":   {summary: "Create an article (body HTML or body_markdown; draft unless draft=false or status)", tag: ar, body: "article", result: "article"},
		"PUT " + hcAPI + "/articles/{id}":             {summary: "Update an article; a revision is kept (Editorial flow rule: draft, review, published)", tag: ar, body: "article", result: "article"},
		"DELETE " + hcAPI + "/articles/{id}":          {summary: "Delete an article", tag: ar},
		"GET " + hcAPI + "/articles/{id}/revisions":   {summary: "An article's kept revisions (agents)", tag: ar, result: "revisions", list: true, paging: pagedNone},
		"POST " + hcAPI + "/articles/{id}/up":         {summary: "Vote an article up (signed in; again replaces the vote)", tag: ar, result: "vote"},
		"POST " + hcAPI + "/articles/{id}/down":       {summary: "Vote an article down", tag: ar, result: "vote"},
		"GET " + hcAPI + "/articles/{id}/votes":       {summary: "An article's votes (agents)", tag: ar, result: "votes", list: true, paging: pagedNone},
		"GET " + hcAPI + "/articles/{id}/tickets":     {summary: "The tickets that linked the article (agents)", tag: ar, result: "ticket_ids"},
		"POST " + hcAPI + "/articles/{id}/tickets":    {summary: "Link a ticket to the article ({\"link\":{\"ticket_id\":n}})", tag: ar, result: "ticket_ids"},
		"GET " + hcAPI + "/deflection/suggestions":    {summary: "Articles suggested while a customer types a request (from 3 characters; the last word a prefix)", tag: df, result: "results", list: true, paging: pagedNone, query: []string{"query", "locale"}},
		"GET " + hcAPI + "/deflection/stats":          {summary: "Deflection rate (72-hour window), self-service ratio, suggestion resolution rate since ?since= (default 30 days)", tag: df, result: "deflection", query: []string{"since"}},
	}
	for k, d := range kbTranslationDocs() { // api_kb_translations.go
		docs[k] = d
	}
	for k, d := range kbCommentDocs() { // api_kb_comments.go
		docs[k] = d
	}
	for k, d := range kbAttachmentDocs() { // api_kb_attachments.go
		docs[k] = d
	}
	return docs
}

func kbEnvelopes() map[string]envelope {
	return map[string]envelope{
		"category":           {reflect.TypeOf(kb.Category{}), reflect.TypeOf(kb.CategoryInput{})},
		"section":            {reflect.TypeOf(kb.Section{}), reflect.TypeOf(kb.SectionInput{})},
		"article":            {reflect.TypeOf(kb.Article{}), reflect.TypeOf(kb.ArticleInput{})},
		"vote":               {reflect.TypeOf(kb.VoteRecord{}), nil},
		"deflection":         {reflect.TypeOf(kb.Deflection{}), nil},
		"ticket_ids":         {reflect.TypeOf(int64(0)), nil},
		"categories":         {reflect.TypeOf([]kb.Category{}), nil},
		"result":             {reflect.TypeOf(kbResult{}), nil},
		"label":              {reflect.TypeOf(kbLabel{}), nil},
		"translation":        {reflect.TypeOf(kb.Translation{}), reflect.TypeOf(kb.TranslationInput{})},
		"revision":           {reflect.TypeOf(kb.Revision{}), nil},
		"locales":            {reflect.TypeOf([]string{}), nil},
		"comment":            {reflect.TypeOf(kb.Comment{}), reflect.TypeOf(kb.CommentInput{})},
		"article_attachment": {reflect.TypeOf(kb.ArticleAttachment{}), nil},
	}
}
