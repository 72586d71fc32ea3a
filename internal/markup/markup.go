// Package markup renders ticket comment bodies: Markdown and plain text to
// safe HTML, sanitising HTML from elsewhere (email bodies, API html_body),
// and HTML to plain text (Zendesk's plain_body). It is pure and does no I/O.
//
// Every HTML result goes through one allow-list policy:
//   - formatting, headings, lists, quotes, code, tables, details, hr, br;
//   - a[href] with http, https, mailto, tel, cid or relative URLs; every link
//     gets rel="nofollow", absolute (http/https) links also target="_blank"
//     and rel="nofollow noopener"; an author's target="_blank" is kept;
//   - img[src] only with http://, https:// or cid: URLs (no data:), or a
//     same-origin Help Center article attachment (/hc-files/{id}/{name},
//     under a brand path too; no other relative URL), plus alt, title,
//     width, height;
//   - no script, style, iframe, object, form or svg elements (script, style,
//     iframe, object and title content is dropped too), no style, class
//     (except code class="language-*"), id or on* attributes, no
//     javascript:, vbscript: or data: URLs, no comments.
package markup

import (
	"bytes"
	"errors"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
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
			// line break, as in Zendesk. Raw HTML is not passed through:
			// it is shown as text (rawAsText), because in a support
			// comment it is almost always pasted configuration, XML or a
			// log line (<server><port>8080</port></server>,
			// <NullPointerException>) that must stay visible and
			// searchable.
			goldmark.WithRendererOptions(gmhtml.WithHardWraps(),
				renderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
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
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^\s*(https?://|cid:|(/[a-z0-9-]+)?/hc-files/[0-9]+/[^/?#\\]+$)`)).OnElements("img")
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
// source is shown as text (escaped), not interpreted and not dropped.
//
// The result is at most MaxMarkdownBytes(len(src)) bytes: reference links
// repeat their destination at every use, so a few kilobytes of source could
// otherwise render to hundreds of megabytes. A source that would exceed the
// bound is rendered as plain text instead (PlainToHTML).
func (r *Renderer) Markdown(src string) string {
	limit := MaxMarkdownBytes(len(src))
	buf := cappedBuffer{limit: limit}
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return r.PlainToHTML(src)
	}
	out := r.policy.Sanitize(buf.String())
	if len(out) > limit {
		return r.PlainToHTML(src)
	}
	return out
}

var errTooLarge = errors.New("markup: rendered HTML over its bound")

// cappedBuffer is a bytes.Buffer that refuses to grow past limit, so that
// rendering stops early instead of allocating the whole expansion.
type cappedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, errTooLarge
	}
	return b.Buffer.Write(p)
}

func (b *cappedBuffer) WriteString(s string) (int, error) {
	if b.Len()+len(s) > b.limit {
		return 0, errTooLarge
	}
	return b.Buffer.WriteString(s)
}

// rawAsText renders the raw HTML goldmark finds in Markdown (inline tags,
// HTML blocks, comments, processing instructions) escaped, as the text the
// author typed. An HTML block becomes a paragraph whose lines are joined
// by <br>, like any other typed lines.
type rawAsText struct{}

func (rawAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawText)
	reg.Register(ast.KindHTMLBlock, renderBlockText)
}

func renderRawText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		if _, err := w.WriteString(html.EscapeString(string(seg.Value(source)))); err != nil {
			return ast.WalkStop, err
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderBlockText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var lines []string
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		lines = append(lines, string(line.Value(source)))
	}
	if n.HasClosure() {
		lines = append(lines, string(n.ClosureLine.Value(source)))
	}
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimRight(l, "\r\n")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("<br>\n")
		}
		b.WriteString(html.EscapeString(l))
	}
	if b.Len() == 0 {
		return ast.WalkContinue, nil
	}
	if _, err := w.WriteString("<p>" + b.String() + "</p>\n"); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkContinue, nil
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

// MaxMarkdownBytes bounds the HTML that Markdown and PlainToHTML produce
// from n bytes of source.
func MaxMarkdownBytes(n int) int { return 16*n + 4096 }
