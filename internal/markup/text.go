package markup

import (
	"html"
	"strconv"
	"strings"
	"unicode"
)

// HTMLToText renders HTML as plain text, as for Zendesk's plain_body:
// paragraphs, headings, quotes, tables and lists become separate lines
// (blank lines between paragraphs), <br> a newline, list items "- " or
// "1. ", table cells are joined with " | ", links read "text (url)" (just the
// text when it is the URL itself), images their alt text. Entities are
// decoded, runs of whitespace collapse except inside <pre>, script, style
// and title content is dropped, and lines carry no trailing spaces.
func (r *Renderer) HTMLToText(h string) string {
	// The policy's output is well formed: attribute values are quoted and
	// escaped and text escaped, so a '<' always starts a tag and a '>'
	// always ends one.
	s := r.text.Sanitize(h)
	var w textWriter
	for len(s) > 0 {
		if s[0] == '<' {
			end := strings.IndexByte(s, '>')
			if end < 0 {
				w.text(html.UnescapeString(s[1:]))
				break
			}
			w.tag(s[1:end])
			s = s[end+1:]
			continue
		}
		end := strings.IndexByte(s, '<')
		if end < 0 {
			end = len(s)
		}
		w.text(html.UnescapeString(s[:end]))
		s = s[end:]
	}
	return w.finish()
}

// maxIndent is the deepest list level HTMLToText indents.
const maxIndent = 4

type listState struct {
	ordered bool
	next    int
}

type linkState struct {
	href  string
	start int // offset in b where the link text starts
}

type textWriter struct {
	b     strings.Builder
	pre   int
	lists []listState
	links []linkState
	cells int  // cells written in the current table row
	space bool // collapsed whitespace not yet written
}

// newline ends the current line, if any.
func (w *textWriter) newline() {
	w.space = false
	if w.b.Len() > 0 && !strings.HasSuffix(w.b.String(), "\n") {
		w.b.WriteByte('\n')
	}
}

// blankLine ends the current line and leaves an empty one, if anything was
// written.
func (w *textWriter) blankLine() {
	if w.b.Len() == 0 {
		return
	}
	w.newline()
	if !strings.HasSuffix(w.b.String(), "\n\n") {
		w.b.WriteByte('\n')
	}
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		w.flushSpace()
		w.b.WriteString(s)
		return
	}
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			w.space = true
			continue
		}
		w.flushSpace()
		w.b.WriteRune(r)
	}
}

// flushSpace writes the pending collapsed whitespace, unless at the start
// of a line or after a space.
func (w *textWriter) flushSpace() {
	if w.space {
		if cur := w.b.String(); cur != "" && !strings.HasSuffix(cur, "\n") && !strings.HasSuffix(cur, " ") {
			w.b.WriteByte(' ')
		}
		w.space = false
	}
}

// tag handles the inside of a tag, e.g. `a href="x"`, `/p` or `br/`.
func (w *textWriter) tag(t string) {
	closing := strings.HasPrefix(t, "/")
	t = strings.TrimPrefix(t, "/")
	name, attrs, _ := strings.Cut(t, " ")
	name = strings.TrimSuffix(strings.ToLower(name), "/")
	if closing {
		w.closeTag(name)
		return
	}
	switch name {
	case "br":
		w.space = false
		w.b.WriteByte('\n')
	case "hr":
		w.blankLine()
		w.b.WriteString("---")
		w.blankLine()
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "dl", "figure", "details":
		w.blankLine()
	case "pre":
		w.blankLine()
		w.pre++
	case "ul", "ol":
		if len(w.lists) == 0 {
			w.blankLine()
		} else {
			w.newline()
		}
		l := listState{ordered: name == "ol", next: 1}
		if n, err := strconv.Atoi(attr(attrs, "start")); err == nil {
			l.next = n
		}
		w.lists = append(w.lists, l)
	case "li":
		w.newline()
		marker := "- "
		if n := len(w.lists); n > 0 {
			// Indent by depth, but no deeper than maxIndent levels: deeply
			// nested lists must not square the size of the text.
			w.b.WriteString(strings.Repeat("  ", min(n-1, maxIndent)))
			if l := &w.lists[n-1]; l.ordered {
				marker = strconv.Itoa(l.next) + ". "
				l.next++
			}
		}
		w.b.WriteString(marker)
	case "tr":
		w.newline()
		w.cells = 0
	case "td", "th":
		if w.cells > 0 {
			w.space = false
			w.b.WriteString(" | ")
		}
		w.cells++
	case "a":
		w.links = append(w.links, linkState{href: attr(attrs, "href"), start: w.b.Len()})
	case "img":
		w.text(attr(attrs, "alt"))
	default: // div, section, dt, dd, caption, summary, ...
		w.newline()
	}
}

func (w *textWriter) closeTag(name string) {
	switch name {
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "dl", "figure", "details":
		w.blankLine()
	case "pre":
		if w.pre > 0 {
			w.pre--
		}
		w.blankLine()
	case "ul", "ol":
		if len(w.lists) > 0 {
			w.lists = w.lists[:len(w.lists)-1]
		}
		if len(w.lists) == 0 {
			w.blankLine()
		} else {
			w.newline()
		}
	case "td", "th", "br", "hr", "img":
	case "a":
		if len(w.links) == 0 {
			return
		}
		l := w.links[len(w.links)-1]
		w.links = w.links[:len(w.links)-1]
		if l.href == "" {
			return
		}
		label := ""
		if l.start <= w.b.Len() {
			label = strings.TrimSpace(w.b.String()[l.start:])
		}
		switch {
		case label == "":
			w.text(l.href)
		case sameURL(label, l.href):
		default:
			w.text(" (" + l.href + ")")
		}
	default:
		w.newline()
	}
}

// sameURL reports whether a link's text already shows its href.
func sameURL(label, href string) bool {
	norm := func(s string) string { return strings.TrimSuffix(strings.ToLower(s), "/") }
	l, h := norm(label), norm(href)
	return l == h || "mailto:"+l == h || "tel:"+l == h || "http://"+l == h || "https://"+l == h
}

// attr returns the unescaped value of the attribute key in attrs, which the
// policy writes as key="escaped value" pairs separated by spaces.
func attr(attrs, key string) string {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " /")
		k, rest, ok := strings.Cut(attrs, `="`)
		if !ok {
			return ""
		}
		v, after, _ := strings.Cut(rest, `"`)
		if k == key {
			return html.UnescapeString(v)
		}
		attrs = after
	}
	return ""
}

func (w *textWriter) finish() string {
	lines := strings.Split(strings.ReplaceAll(w.b.String(), "\u00a0", " "), "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
