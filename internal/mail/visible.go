package mail

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textTrimmer cuts quoted history and signatures from a plain-text reply.
type textTrimmer struct {
	// A line that starts an attribution ("On ... wrote:") in some language;
	// the attribution may be wrapped over up to three lines.
	attribStart *regexp.Regexp
	attrib      []*regexp.Regexp
	// Separators that start quoted history on their own.
	separator *regexp.Regexp
	// An Outlook horizontal rule, quoted history when followed by From:.
	rule *regexp.Regexp
	// Outlook header block: From: ... then Sent:/Date: ... then To:/Subject:.
	hdrFrom, hdrSent, hdrTo *regexp.Regexp
	sigDelim                *regexp.Regexp
	mobileSig               *regexp.Regexp
}

func newTextTrimmer() *textTrimmer {
	return &textTrimmer{
		attribStart: regexp.MustCompile(`(?i)^(on|le|am|el|op|il|em|den|dne)\s`),
		attrib: []*regexp.Regexp{
			regexp.MustCompile(`(?i)^on\s.{4,}\swrote\s*:$`),
			regexp.MustCompile(`(?i)^le\s.{4,}\sa\s+écrit\s*:$`),
			regexp.MustCompile(`(?i)^am\s.{4,}\sschrieb\s.*:$`),
			regexp.MustCompile(`(?i)^el\s.{4,}\sescribió\s*:$`),
			regexp.MustCompile(`(?i)^op\s.{4,}\sschreef\s.*:$`),
			regexp.MustCompile(`(?i)^il\s.{4,}\sha\s+scritto\s*:$`),
			regexp.MustCompile(`(?i)^em\s.{4,}\sescreveu\s*:$`),
			regexp.MustCompile(`(?i)^den\s.{4,}\sskrev\s.*:$`),
			// Gmail with ISO dates: "2025-01-06 10:00 GMT+01:00 John <j@x>:"
			regexp.MustCompile(`^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.*<[^<>\s]+@[^<>\s]+>\s*:$`),
		},
		separator: regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)\s*-{2,}$`),
		rule:      regexp.MustCompile(`^_{10,}$`),
		hdrFrom:   regexp.MustCompile(`(?i)^\*?(from|de|von|van|da)\*?:\*?\s+\S`),
		hdrSent:   regexp.MustCompile(`(?i)^\*?(sent|date|envoyé|gesendet|enviado|verzonden|inviato)\*?:`),
		hdrTo:     regexp.MustCompile(`(?i)^\*?(to|subject|à|an|para|aan|a|objet|betreff|asunto|onderwerp|oggetto)\*?:`),
		sigDelim:  regexp.MustCompile(`^--\s?$`),
		mobileSig: regexp.MustCompile(`(?i)^(sent from my .{1,40}|sent from (mail|outlook) for .{1,30}|get outlook for .{1,30}|sent from yahoo mail.{0,40}|envoyé de mon .{1,40}|von meinem .{1,40} gesendet|enviado desde mi .{1,40})$`),
	}
}

// trim returns the new content of a reply: text above the first
// attribution or separator, without trailing '>' quoted blocks and
// signatures. When nothing would remain, the whole text is returned.
func (t *textTrimmer) trim(text string) string {
	text = normalizeNewlines(text)
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i := range lines {
		if t.startsHistory(lines, i) {
			cut = i
			break
		}
	}
	lines = lines[:cut]

	// Drop trailing quoted blocks (interleaved quotes above new text stay,
	// they give the inline answers their context).
	lines = trimTrailing(lines, func(l string) bool {
		l = strings.TrimSpace(l)
		return l == "" || strings.HasPrefix(l, ">")
	})
	// Signature after the standard "-- " delimiter.
	for i := len(lines) - 1; i > 0; i-- {
		if t.sigDelim.MatchString(lines[i]) {
			lines = lines[:i]
			break
		}
	}
	// Mobile client signatures at the very end.
	lines = trimTrailing(lines, func(l string) bool {
		l = strings.TrimSpace(l)
		return l == "" || t.mobileSig.MatchString(l)
	})
	out := strings.TrimSpace(strings.Join(lines, "\n"))
	if out == "" {
		return collapseBlankLines(strings.TrimSpace(text))
	}
	return collapseBlankLines(out)
}

func trimTrailing(lines []string, drop func(string) bool) []string {
	for len(lines) > 0 && drop(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// startsHistory reports whether quoted history starts at lines[i].
func (t *textTrimmer) startsHistory(lines []string, i int) bool {
	l := strings.TrimSpace(lines[i])
	if l == "" || strings.HasPrefix(l, ">") {
		return false
	}
	if t.separator.MatchString(l) {
		return true
	}
	if t.rule.MatchString(l) {
		for j := i + 1; j < len(lines) && j <= i+3; j++ {
			if n := strings.TrimSpace(lines[j]); n != "" {
				return t.hdrFrom.MatchString(n)
			}
		}
		return false
	}
	if t.hdrFrom.MatchString(l) {
		sent, to := false, false
		for j := i + 1; j < len(lines) && j <= i+5; j++ {
			n := strings.TrimSpace(lines[j])
			sent = sent || t.hdrSent.MatchString(n)
			to = to || t.hdrTo.MatchString(n)
		}
		return sent && to
	}
	if t.attribStart.MatchString(l) || t.attrib[len(t.attrib)-1].MatchString(l) {
		joined := l
		for j := i; j < len(lines) && j < i+3; j++ {
			if j > i {
				joined += " " + strings.TrimSpace(lines[j])
			}
			if len(joined) > 400 {
				break
			}
			for _, re := range t.attrib {
				if re.MatchString(joined) {
					return true
				}
			}
		}
	}
	return false
}

func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
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
	return strings.Join(out, "\n")
}

// htmlTrimmer cuts quote containers and signatures out of an HTML reply.
type htmlTrimmer struct {
	quoteClasses []string
	quoteIDs     []string
	sigClasses   []string
	outlookRule  *regexp.Regexp
}

func newHTMLTrimmer() *htmlTrimmer {
	return &htmlTrimmer{
		quoteClasses: []string{"gmail_quote", "gmail_quote_container", "gmail_attr", "yahoo_quoted", "moz-cite-prefix", "outlookmessageheader", "protonmail_quote", "zmail_extra"},
		quoteIDs:     []string{"divrplyfwdmsg", "x_divrplyfwdmsg", "appendonsend", "olk_src_body_section", "mail-editor-reference-message-container", "stopspelling", "isforwardcontent", "replycontent"},
		sigClasses:   []string{"gmail_signature", "moz-signature"},
		// Outlook desktop wraps the From/Sent header block of the quoted
		// message in a div with this top border.
		outlookRule: regexp.MustCompile(`border-top:solid#(e1e1e1|b5c4df)`),
	}
}

// visible returns the plain text of the new part of an HTML reply.
func (t *htmlTrimmer) visible(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return htmlToText(src)
	}
	// Signatures first, they sit above the quote in Gmail replies.
	var sigs []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && hasAnyClass(n, t.sigClasses) {
			sigs = append(sigs, n)
		}
	}
	for _, n := range sigs {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && t.isQuote(n) {
			// Outlook web puts a rule right before the reply header.
			prev := n.PrevSibling
			for prev != nil && prev.Type == html.TextNode && strings.TrimSpace(prev.Data) == "" {
				prev = prev.PrevSibling
			}
			if prev != nil && prev.Type == html.ElementNode && prev.DataAtom == atom.Hr {
				n = prev
			}
			truncateAt(n)
			break
		}
	}
	return nodeText(doc)
}

func (t *htmlTrimmer) isQuote(n *html.Node) bool {
	if hasAnyClass(n, t.quoteClasses) {
		return true
	}
	id := strings.ToLower(attr(n, "id"))
	for _, q := range t.quoteIDs {
		if id == q {
			return true
		}
	}
	if n.DataAtom == atom.Blockquote && strings.EqualFold(attr(n, "type"), "cite") {
		return true
	}
	if n.DataAtom == atom.Div {
		style := strings.ToLower(strings.Join(strings.Fields(attr(n, "style")), ""))
		if t.outlookRule.MatchString(style) {
			return true
		}
	}
	return false
}

// truncateAt removes n and everything after it in document order.
func truncateAt(n *html.Node) {
	for cur := n; cur.Parent != nil; cur = cur.Parent {
		for s := cur.NextSibling; s != nil; {
			next := s.NextSibling
			cur.Parent.RemoveChild(s)
			s = next
		}
	}
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAnyClass(n *html.Node, classes []string) bool {
	for c := range strings.FieldsSeq(strings.ToLower(attr(n, "class"))) {
		for _, want := range classes {
			if c == want {
				return true
			}
		}
	}
	return false
}

// htmlToText renders HTML as readable plain text.
func htmlToText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return ""
	}
	return nodeText(doc)
}

func nodeText(n *html.Node) string {
	w := &textWriter{}
	w.walk(n, false)
	return collapseBlankLines(strings.TrimSpace(w.b.String()))
}

type textWriter struct {
	b strings.Builder
	// pendingSpace is set after whitespace in inline text; it is written
	// before the next word unless a line break comes first.
	pendingSpace bool
}

// breakLines makes sure the output ends with at least n newlines.
func (w *textWriter) breakLines(n int) {
	w.pendingSpace = false
	if w.b.Len() == 0 {
		return
	}
	s := w.b.String()
	have := len(s) - len(strings.TrimRight(s, "\n"))
	for ; have < n; have++ {
		w.b.WriteByte('\n')
	}
}

func (w *textWriter) text(s string, pre bool) {
	if pre {
		w.b.WriteString(s)
		return
	}
	s = strings.ReplaceAll(s, "\u00a0", " ")
	words := strings.Fields(s)
	if len(words) == 0 {
		if s != "" {
			w.pendingSpace = true
		}
		return
	}
	if startsWithSpace(s) {
		w.pendingSpace = true
	}
	for i, word := range words {
		if (i > 0 || w.pendingSpace) && w.b.Len() > 0 && !endsWithNewline(&w.b) {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(word)
		w.pendingSpace = false
	}
	if endsWithSpace(s) {
		w.pendingSpace = true
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n") != s }
func endsWithNewline(b *strings.Builder) bool {
	s := b.String()
	return s != "" && s[len(s)-1] == '\n'
}

func (w *textWriter) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data, pre)
		return
	case html.CommentNode, html.DoctypeNode:
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Head, atom.Script, atom.Style, atom.Title, atom.Template, atom.Noscript, atom.Object, atom.Iframe:
			return
		case atom.Br:
			w.b.WriteByte('\n')
			w.pendingSpace = false
			return
		case atom.Hr:
			w.breakLines(1)
			w.b.WriteString("---")
			w.breakLines(1)
			return
		case atom.Img:
			if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
				w.text(" ["+alt+"] ", false)
			}
			return
		}
	}
	before, after := 0, 0
	prefix := ""
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Table, atom.Ul, atom.Ol, atom.Pre:
			before, after = 2, 2
		case atom.Div, atom.Tr, atom.Li, atom.Dt, atom.Dd, atom.Dl, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address, atom.Center, atom.Form, atom.Fieldset, atom.Figure, atom.Main, atom.Nav, atom.Aside:
			before, after = 1, 1
		case atom.Td, atom.Th:
			if n.PrevSibling != nil {
				w.text(" ", false)
			}
		}
		if n.DataAtom == atom.Li {
			prefix = "- "
		}
		if n.DataAtom == atom.Pre {
			pre = true
		}
	}
	if before > 0 {
		w.breakLines(before)
	}
	if prefix != "" {
		w.b.WriteString(prefix)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, pre)
	}
	if after > 0 {
		w.breakLines(after)
	}
}
