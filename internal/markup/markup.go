// Package markup renders ticket comment bodies: Markdown and plain text to
// safe HTML, sanitising HTML from elsewhere (email bodies, API html_body),
// and HTML to plain text (Zendesk's plain_body). It is pure and does no I/O.
//
// Every HTML result goes through one allow-list policy:
//   - formatting, headings, lists, quotes, code, tables, details, hr, br;
//   - a[href] with http, https, mailto, tel, cid or relative URLs; every link
//     gets rel="nofollow", absolute (http/https) links also target="_blank"
//     and rel="nofollow noopener"; an author's target="_blank" is kept;
//   - img[src] only with http://, https:// or cid: URLs (no relative, no
//     data:), plus alt, title, width, height;
//   - no script, style, iframe, object, form or svg elements (script, style,
//     iframe, object and title content is dropped too), no style, class
//     (except code class="language-*"), id or on* attributes, no
//     javascript:, vbscript: or data: URLs, no comments.
package markup

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// Renderer converts and sanitises comment bodies. Create it with New; it is
// immutable and safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy // HTML output
	text   *bluemonday.Policy // normaliser in front of HTMLToText
	urlRE  *regexp.Regexp     // URLs in plain text
}

// New returns a Renderer.
func New() *Renderer {
	return &Renderer{
		md: goldmark.New(
			goldmark.WithExtensions(
				extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
				extension.Strikethrough,
				extension.Linkify,
			),
			// Comments are typed in a textarea: a single newline is a
			// line break, as in Zendesk. Raw HTML is not passed through
			// (goldmark replaces it with a comment, which the policy drops).
			goldmark.WithRendererOptions(gmhtml.WithHardWraps()),
		),
		policy: htmlPolicy(),
		text:   textPolicy(),
		urlRE:  regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`),
	}
}

func htmlPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel", "cid")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowElements(
		"p", "br", "div", "span", "hr",
		"b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "sub", "sup", "small", "mark",
		"code", "pre", "kbd", "samp", "var", "blockquote", "q", "cite", "abbr",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
		"figure", "figcaption", "details", "summary",
	)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("a", "abbr", "img")
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^\s*(https?://|cid:)`)).OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|center|right)$`)).OnElements("td", "th")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]+$`)).OnElements("code")
	return p
}

// textPolicy keeps only what HTMLToText looks at, and normalises the markup
// so that the simple scanner in text.go can read it: tags are well formed,
// attribute values double-quoted and escaped, text escaped, no comments, and
// no script, style or title content.
func textPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowElements(
		"p", "br", "div", "hr", "pre", "blockquote",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "tr", "th", "td", "caption",
		"section", "article", "aside", "header", "footer", "main", "nav", "address", "center",
		"figure", "figcaption", "details", "summary",
	)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return p
}

// Markdown renders Markdown (CommonMark with GFM tables, strikethrough and
// autolinks; single newlines become <br>) to sanitised HTML. Raw HTML in the
// source is dropped, not escaped.
func (r *Renderer) Markdown(src string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		// Only a failing writer makes Convert fail; bytes.Buffer does not.
		return r.PlainToHTML(src)
	}
	return r.policy.Sanitize(buf.String())
}

// Sanitize cleans HTML from outside (email bodies, API html_body) with the
// package policy. Disallowed elements are removed but their text is kept,
// except script, style, iframe, object and title content.
func (r *Renderer) Sanitize(h string) string {
	return r.policy.Sanitize(h)
}

// PlainToHTML renders plain text as HTML: text is escaped, http(s):// and
// www. URLs become links, blank lines separate <p> paragraphs and single
// newlines become <br>. Empty or blank text gives "".
func (r *Renderer) PlainToHTML(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var b strings.Builder
	inPara := false
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if inPara {
				b.WriteString("</p>")
				inPara = false
			}
			continue
		}
		if inPara {
			b.WriteString("<br>\n")
		} else {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("<p>")
			inPara = true
		}
		r.linkify(&b, line)
	}
	if inPara {
		b.WriteString("</p>")
	}
	return r.policy.Sanitize(b.String())
}

// linkify writes line escaped, with URLs turned into links.
func (r *Renderer) linkify(b *strings.Builder, line string) {
	last := 0
	for _, m := range r.urlRE.FindAllStringIndex(line, -1) {
		u := trimURL(line[m[0]:m[1]])
		prefixLen := len("www.")
		if strings.HasPrefix(strings.ToLower(u), "http") {
			prefixLen = strings.Index(u, "//") + 2
		}
		if len(u) <= prefixLen {
			continue
		}
		href := u
		if strings.EqualFold(u[:4], "www.") {
			href = "http://" + u
		}
		b.WriteString(html.EscapeString(line[last:m[0]]))
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(href))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(u))
		b.WriteString("</a>")
		last = m[0] + len(u)
	}
	b.WriteString(html.EscapeString(line[last:]))
}

// trimURL drops trailing punctuation that more likely ends the sentence than
// the URL, and closing brackets without an opening one in the URL.
func trimURL(u string) string {
	for u != "" {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'\"*", c) >= 0:
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		case c == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
