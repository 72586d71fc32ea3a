package markup

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// xssPayloads are classic vectors; each must come out of Sanitize (and of
// Markdown, which must not pass raw HTML through at all) harmless.
func xssPayloads() []string {
	return []string{
		`<script>alert(1)</script>`,
		`<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
		`<scr<script>ipt>alert(1)</scr</script>ipt>`,
		`<img src=x onerror=alert(1)>`,
		`<img src="https://ok.example/a.png" onerror="alert(1)" onload=alert(2)>`,
		`<IMG SRC="javascript:alert('XSS');">`,
		`<img src=JaVaScRiPt:alert(1)>`,
		`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
		`<a href="javascript:alert(1)">click</a>`,
		`<a href="JaVaScRiPt:alert(1)">click</a>`,
		`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>`,
		`<a href="&#x6A;avascript&colon;alert(1)">click</a>`,
		`<a href="jav&#x09;ascript:alert(1)">click</a>`,
		`<a href=" javascript:alert(1)">click</a>`,
		`<a href="vbscript:msgbox(1)">click</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>`,
		`<svg onload=alert(1)><circle r=1 /></svg>`,
		`<svg><script>alert(1)</script></svg>`,
		`<iframe src="https://evil.example/"></iframe>`,
		`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
		`<div style="width: expression(alert(1));">x</div>`,
		`<style>body{background:url("javascript:alert(1)")}</style>`,
		`<body onload=alert(1)>`,
		`<p onclick="alert(1)" onmouseover=alert(2)>hover</p>`,
		`<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">`,
		`<form action="javascript:alert(1)"><input type=submit formaction="javascript:alert(2)"></form>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<base href="javascript:alert(1)//">`,
		`<details open ontoggle=alert(1)>`,
		`<a href="https://ok.example/" onfocus="alert(1)" autofocus>ok</a>`,
		`"><script>alert(1)</script>`,
		`<!--<img src="--><img src=x onerror=alert(1)//">`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<a href="java` + "\x00" + `script:alert(1)">click</a>`,
		`<img src="https://ok.example/x.png" style="background:url(javascript:alert(1))">`,
		`<link rel="stylesheet" href="https://evil.example/x.css">`,
		`<textarea><script>alert(1)</script></textarea>`,
	}
}

// assertSafe fails when checkSafe finds a problem in out.
func assertSafe(t *testing.T, what, in, out string) {
	t.Helper()
	if err := checkSafe(out); err != nil {
		t.Fatalf("%s(%q) = %q: %v", what, in, out, err)
	}
}

// checkSafe reports a script element or other active element, an on* or
// style attribute, or a javascript:, vbscript: or data: URL in a URL
// attribute.
func checkSafe(out string) error {
	if strings.Contains(strings.ToLower(out), "<script") {
		return errors.New("contains <script")
	}
	tagRE := regexp.MustCompile(`<[^>]*>`)
	nameRE := regexp.MustCompile(`^</?([a-zA-Z0-9:-]+)`)
	quotedRE := regexp.MustCompile(`"[^"]*"|'[^']*'`)
	onRE := regexp.MustCompile(`(?i)[\s/](on[a-z0-9_-]*|style)\s*=`)
	attrRE := regexp.MustCompile(`(?i)([a-z:-]+)\s*=\s*"([^"]*)"`)
	for _, tag := range tagRE.FindAllString(out, -1) {
		if m := nameRE.FindStringSubmatch(tag); m != nil {
			switch strings.ToLower(m[1]) {
			case "script", "iframe", "svg", "style", "object", "embed", "form", "input", "base", "meta", "link", "math", "textarea":
				return fmt.Errorf("has a %s element", m[1])
			}
		}
		if onRE.MatchString(quotedRE.ReplaceAllString(tag, `""`)) {
			return fmt.Errorf("has an on* or style attribute in %s", tag)
		}
		for _, m := range attrRE.FindAllStringSubmatch(tag, -1) {
			switch strings.ToLower(m[1]) {
			case "href", "src", "action", "formaction", "xlink:href", "cite", "background", "srcset":
			default:
				continue
			}
			v := strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, strings.ToLower(html.UnescapeString(m[2])))
			for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
				if strings.HasPrefix(v, bad) {
					return fmt.Errorf("has a %s URL in %s", bad, tag)
				}
			}
		}
	}
	return nil
}

func TestSanitizeXSS(t *testing.T) {
	r := New()
	payloads := xssPayloads()
	if len(payloads) < 20 {
		t.Fatalf("only %d payloads", len(payloads))
	}
	for _, p := range payloads {
		assertSafe(t, "Sanitize", p, r.Sanitize(p))
		assertSafe(t, "Markdown", p, r.Markdown(p))
		assertSafe(t, "Markdown", "text "+p, r.Markdown("text "+p))
		assertSafe(t, "PlainToHTML", p, r.PlainToHTML(p))
		if txt := r.HTMLToText(p); strings.Contains(txt, "alert(1)") && strings.Contains(p, "<script>alert(1)") && !strings.Contains(p, "textarea") {
			t.Errorf("HTMLToText(%q) = %q shows script content", p, txt)
		}
	}
}

func TestCheckSafeCatches(t *testing.T) {
	// The checker itself must be able to fail.
	for _, bad := range []string{
		`<SCRIPT>x</SCRIPT>`, `<img src=x onerror=alert(1)>`, `<p/onclick="x">`, `<a href=" JAVA&#x0A;SCRIPT:x">`,
		`<img src="data:image/png;base64,AA">`, `<div style="x">`, `<svg>`, `<iframe src="https://x">`,
	} {
		if checkSafe(bad) == nil {
			t.Errorf("checkSafe accepted %q", bad)
		}
	}
	if err := checkSafe(`<p title="onclick=x">javascript:alert(1) &lt;script&gt; style=x</p>`); err != nil {
		t.Errorf("checkSafe rejected harmless text: %v", err)
	}
}

func TestSanitize(t *testing.T) {
	r := New()
	tests := []struct{ in, want string }{
		{`<p><b>bold</b> <em>it</em></p>`, `<p><b>bold</b> <em>it</em></p>`},
		{`<a href="https://example.com/a?b=1&amp;c=2">x</a>`, `<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">x</a>`},
		{`<a href="https://x.example" target="_self" rel="opener">x</a>`, `<a href="https://x.example" rel="nofollow noopener" target="_blank">x</a>`},
		{`<a href="/hc/articles/1" target="_blank">x</a>`, `<a href="/hc/articles/1" target="_blank" rel="nofollow noopener">x</a>`},
		{`<a href="mailto:a@example.com">mail</a>`, `<a href="mailto:a@example.com" rel="nofollow">mail</a>`},
		{`<a href="javascript:alert(1)">click</a>`, `click`},
		{`<img src="cid:part1@example.com" alt="logo"><img src="/x.png"><img src="//evil.example/x.png">`, `<img src="cid:part1@example.com" alt="logo">`},
		{`<img src="HTTPS://cdn.example/a.png" width="10" height="50%" onerror="x">`, `<img src="https://cdn.example/a.png" width="10" height="50%">`},
		{`<p style="color:red" class="big" id="main" dir="rtl">p</p>`, `<p>p</p>`},
		{`<pre><code class="language-go">x</code></pre><code class="evil">y</code>`, `<pre><code class="language-go">x</code></pre><code>y</code>`},
		{`<table><tr><td colspan="2" align="center" bgcolor="red">c</td></tr></table>`, `<table><tr><td colspan="2" align="center">c</td></tr></table>`},
		{`<script>alert(1)</script>after`, `after`},
		{`<style>p{}</style><title>t</title><iframe>i</iframe>text`, `text`},
		{`<font face="x"><center>kept</center></font><!-- comment -->`, `kept`},
		{`a < b & c > d`, `a &lt; b &amp; c &gt; d`},
	}
	for _, tt := range tests {
		if got := r.Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	r := New()
	tests := []struct{ in, want string }{
		{"**bold** _it_ ~~gone~~ `code`", "<p><strong>bold</strong> <em>it</em> <del>gone</del> <code>code</code></p>\n"},
		{"# Title\n\npara", "<h1>Title</h1>\n<p>para</p>\n"},
		{"line1\nline2", "<p>line1<br>\nline2</p>\n"},
		{"- a\n- b\n\n1. x\n2. y", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"},
		{"| a | b |\n|:--|--:|\n| 1 | 2 |",
			"<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"},
		{"see https://example.com/x.", `<p>see <a href="https://example.com/x" rel="nofollow noopener" target="_blank">https://example.com/x</a>.</p>` + "\n"},
		{"see www.example.com", `<p>see <a href="http://www.example.com" rel="nofollow noopener" target="_blank">www.example.com</a></p>` + "\n"},
		{"[docs](https://example.com/docs \"The docs\")", `<p><a href="https://example.com/docs" title="The docs" rel="nofollow noopener" target="_blank">docs</a></p>` + "\n"},
		{"[rel](/tickets/1)", `<p><a href="/tickets/1" rel="nofollow">rel</a></p>` + "\n"},
		{"![cat](https://img.example/cat.png)", `<p><img src="https://img.example/cat.png" alt="cat"></p>` + "\n"},
		{"```go\nfmt.Println(\"<x>\")\n```", "<pre><code class=\"language-go\">fmt.Println(&#34;&lt;x&gt;&#34;)\n</code></pre>\n"},
		{"[x](javascript:alert(1)) [y](data:text/html,x)", "<p>x y</p>\n"},
		{"hello <b onclick=x>raw</b> <script>alert(1)</script>", "<p>hello &lt;b onclick=x&gt;raw&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"<div>\nblock html\n</div>", "<p>&lt;div&gt;<br>\nblock html<br>\n&lt;/div&gt;</p>\n"},
		{"<!-- note -->", "<p>&lt;!-- note --&gt;</p>\n"},
		{"<https://example.com/x>", `<p><a href="https://example.com/x" rel="nofollow noopener" target="_blank">https://example.com/x</a></p>` + "\n"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := r.Markdown(tt.in); got != tt.want {
			t.Errorf("Markdown(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownShowsPastedMarkup: HTML and XML pasted into a Markdown comment
// (config snippets, exception names, log lines) is shown as text, so the
// plain text (what search indexes) keeps it and a body of only markup is
// not blank (issue 15).
func TestMarkdownShowsPastedMarkup(t *testing.T) {
	r := New()
	for _, in := range []string{
		"<server><port>8080</port></server>",
		"<NullPointerException>",
		"Caused by: <NullPointerException> at <init>",
		"<?xml version=\"1.0\"?>\n<config>\n  <port>8080</port>\n</config>",
		"<!-- hidden? -->",
		"<script>alert(1)</script>",
		"</div>",
	} {
		h := r.Markdown(in)
		assertSafe(t, "Markdown", in, h)
		got := r.HTMLToText(h)
		want := strings.Join(strings.Fields(in), " ")
		if strings.Join(strings.Fields(got), " ") != want {
			t.Errorf("HTMLToText(Markdown(%q)) = %q (via %q); want the markup as text", in, got, h)
		}
	}
	h := r.Markdown("<server><port>8080</port></server>")
	if !strings.Contains(h, "&lt;server&gt;&lt;port&gt;8080&lt;/port&gt;&lt;/server&gt;") {
		t.Errorf("Markdown shows %q; want the tags escaped and visible", h)
	}
}

// TestMarkdownOutputBounded: reference links repeat their destination at
// every use, so a small source could render to an enormous page; the output
// is bounded by a multiple of the source (else the source is shown as plain
// text).
func TestMarkdownOutputBounded(t *testing.T) {
	r := New()
	src := "[a]: https://example.com/" + strings.Repeat("x", 20000) + "\n\n" + strings.Repeat("[a] ", 5000)
	h := r.Markdown(src)
	if max := MaxMarkdownBytes(len(src)); len(h) > max {
		t.Fatalf("Markdown of %d bytes gave %d bytes (bound %d)", len(src), len(h), max)
	}
	assertSafe(t, "Markdown", src[:100], h)
	if !strings.Contains(h, "[a]") {
		t.Fatalf("the fallback should show the source as text")
	}
	// Ordinary Markdown stays Markdown.
	if got := r.Markdown("**b** [a]\n\n[a]: https://example.com/"); !strings.Contains(got, "<strong>b</strong>") || !strings.Contains(got, `href="https://example.com/"`) {
		t.Fatalf("%q", got)
	}
}

// TestRenderedSizeBounds: the renderers expand text by a bounded factor,
// which keeps stored comments (and list pages) bounded by the comment limit.
func TestRenderedSizeBounds(t *testing.T) {
	r := New()
	for _, unit := range []string{"\"", "'", "<", "&", "\n", "a\n\n", "www.a ", "http://a ", "x https://a.example/\"", "\x1b"} {
		in := strings.Repeat(unit, 4096/len(unit))
		if got := len(r.PlainToHTML(in)); got > MaxMarkdownBytes(len(in)) {
			t.Errorf("PlainToHTML(%q x %d) = %d bytes > %d", unit, 4096/len(unit), got, MaxMarkdownBytes(len(in)))
		}
		if got := len(r.HTMLToText(in)); got > len(in) {
			t.Errorf("HTMLToText(%q...) = %d bytes > %d", unit, got, len(in))
		}
	}
	// Nested lists indent by depth: deep nesting must not square the size.
	deep := strings.Repeat("<ul>", 2000) + strings.Repeat("<li>x", 2000)
	if got := len(r.HTMLToText(deep)); got > 4*len(deep) {
		t.Errorf("HTMLToText of %d bytes of nested lists = %d bytes", len(deep), got)
	}
	ol := `<ol start="999999999">` + strings.Repeat("<li>", 2000)
	if got := len(r.HTMLToText(ol)); got > 4*len(ol) {
		t.Errorf("HTMLToText of %d bytes of numbered items = %d bytes", len(ol), got)
	}
}

func TestPlainToHTML(t *testing.T) {
	r := New()
	tests := []struct{ in, want string }{
		{"", ""},
		{" \n\t\n", ""},
		{"hello", "<p>hello</p>"},
		{"a < b & \"c\"", "<p>a &lt; b &amp; &#34;c&#34;</p>"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"one\ntwo\r\nthree", "<p>one<br>\ntwo<br>\nthree</p>"},
		{"para 1\n\n\n  \npara 2\r\rpara 3", "<p>para 1</p>\n<p>para 2</p>\n<p>para 3</p>"},
		{"go to https://example.com/a?b=1&c=2.", `<p>go to <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">https://example.com/a?b=1&amp;c=2</a>.</p>`},
		{"(see https://en.wikipedia.org/wiki/Foo_(bar))", `<p>(see <a href="https://en.wikipedia.org/wiki/Foo_(bar)" rel="nofollow noopener" target="_blank">https://en.wikipedia.org/wiki/Foo_(bar)</a>)</p>`},
		{"(http://x.example)", `<p>(<a href="http://x.example" rel="nofollow noopener" target="_blank">http://x.example</a>)</p>`},
		{"www.example.org, HTTPS://A.example!", `<p><a href="http://www.example.org" rel="nofollow noopener" target="_blank">www.example.org</a>, <a href="https://A.example" rel="nofollow noopener" target="_blank">HTTPS://A.example</a>!</p>`},
		{"bare http:// and www. only", "<p>bare http:// and www. only</p>"},
		{`x https://a.example/"onmouseover="alert(1)`, `<p>x <a href="https://a.example/" rel="nofollow noopener" target="_blank">https://a.example/</a>&#34;onmouseover=&#34;alert(1)</p>`},
		{"javascript:alert(1)", "<p>javascript:alert(1)</p>"},
	}
	for _, tt := range tests {
		if got := r.PlainToHTML(tt.in); got != tt.want {
			t.Errorf("PlainToHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	r := New()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain &amp; simple &lt;tag&gt; &eacute;t&eacute; &#x1F600; &nbsp;x", "plain & simple <tag> été 😀  x"},
		{"<p>one</p><p>two</p>", "one\n\ntwo"},
		{"<div>a</div><div>b</div>c", "a\nb\nc"},
		{"<p>line1<br>line2<br/>line3</p>", "line1\nline2\nline3"},
		{"<p>  lots \n of\t  space  </p>", "lots of space"},
		{"<h1>Title</h1>text<hr>after", "Title\n\ntext\n\n---\n\nafter"},
		{"<ul><li>one</li><li>two<ol start=\"3\"><li>x</li><li>y</li></ol></li></ul>end", "- one\n- two\n  3. x\n  4. y\n\nend"},
		{"<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a | b\n1 | 2"},
		{`<a href="https://example.com/docs">the docs</a>`, "the docs (https://example.com/docs)"},
		{`<a href="https://example.com/">https://example.com</a> <a href="mailto:a@b.example">a@b.example</a> <a href="http://www.x.example">www.x.example</a>`,
			"https://example.com a@b.example www.x.example"},
		{`<a href="https://example.com/x"></a>`, "https://example.com/x"},
		{`<a href="javascript:alert(1)">click</a> <a name="anchor">here</a>`, "click here"},
		{`<a href="https://a.example/?q=1&amp;r=2">q</a>`, "q (https://a.example/?q=1&r=2)"},
		{`<img src="https://x.example/logo.png" alt="ACME logo"> <img src="x.png">`, "ACME logo"},
		{"<pre>  indented\n\n    code</pre>after", "indented\n\n    code\n\nafter"},
		{"<p>before<pre>  keep  spaces</pre></p>", "before\n\n  keep  spaces"},
		{`<html><head><title>T</title><style>p{color:red}</style><script>alert(1)</script></head><body><!-- hidden --><p>Hi</p></body></html>`, "Hi"},
		{`<blockquote><p>quoted</p></blockquote><p>reply</p>`, "quoted\n\nreply"},
		{`<span>inline</span><b>bold</b> <i>it</i>`, "inlinebold it"},
		{"unclosed <b>tags <p>para", "unclosed tags\n\npara"},
		{`a < b > c`, "a < b > c"},
	}
	for _, tt := range tests {
		if got := r.HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestRoundTrips(t *testing.T) {
	r := New()
	// Plain text survives PlainToHTML then HTMLToText (modulo whitespace
	// normalisation: trailing spaces, runs of blank lines).
	for _, text := range []string{
		"hello",
		"Hi Jane,\n\nThe printer is on fire.\nPlease help!\n\nThanks,\nBob",
		"a < b && c > d \"quoted\" 'single'",
		"See https://example.com/help?x=1&y=2 and www.example.org.",
		"mail me: bob@example.com",
		"- not\n- a list",
		"unicode: été 😀",
	} {
		html := r.PlainToHTML(text)
		if got := r.HTMLToText(html); got != text {
			t.Errorf("HTMLToText(PlainToHTML(%q)) = %q (via %q)", text, got, html)
		}
	}
	// Markdown to HTML to text keeps the words and structure.
	md := "# Release\n\nFixed **login** bug, see [issue](https://example.com/i/1).\n\n- one\n- two\n\n| k | v |\n|---|---|\n| a | 1 |"
	want := "Release\n\nFixed login bug, see issue (https://example.com/i/1).\n\n- one\n- two\n\nk | v\na | 1"
	if got := r.HTMLToText(r.Markdown(md)); got != want {
		t.Errorf("HTMLToText(Markdown(%q))\n got %q\nwant %q", md, got, want)
	}
	// Re-sanitising reaches a fixed point (the second pass may only reorder
	// the rel and target attributes the first one added).
	for _, in := range append(xssPayloads(), `<p>ok <a href="https://e.example">e</a> <img src="cid:x" alt="y"></p>`, r.Markdown(md)) {
		twice := r.Sanitize(r.Sanitize(in))
		if thrice := r.Sanitize(twice); thrice != twice {
			t.Errorf("Sanitize has no fixed point on %q:\n%q\n%q", in, twice, thrice)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = r.Markdown("**x** https://example.com") + r.Sanitize("<b>y</b>") + r.HTMLToText("<p>z</p>")
		}()
	}
	wg.Wait()
	for _, got := range results[1:] {
		if got != results[0] {
			t.Fatalf("concurrent results differ: %q vs %q", got, results[0])
		}
	}
}

// TestSameOriginArticleAttachmentImages: an article body may show its own
// inline images by their content_url path; no other relative image source
// is kept.
func TestSameOriginArticleAttachmentImages(t *testing.T) {
	r := New()
	for _, src := range []string{"/hc-files/12/shot.png", "/usgov/hc-files/12/shot%20one.png"} {
		if out := r.Markdown("![shot](" + src + ")"); !strings.Contains(out, `src="`+src+`"`) {
			t.Errorf("%s dropped: %s", src, out)
		}
	}
	for _, src := range []string{"/agent/tickets/1", "/hc-files/12/../../logout", "//evil.example/x.png", "/hc-files/x/y.png",
		"javascript:alert(1)", "/hc-files/12/a.png?x=/logout"} {
		if out := r.Sanitize(`<img src="` + src + `">`); strings.Contains(out, "src=") {
			t.Errorf("%s kept: %s", src, out)
		}
	}
}
