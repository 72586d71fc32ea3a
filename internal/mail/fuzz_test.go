package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// FuzzParse checks that Parse never panics, that SafeHTML never carries
// script elements or event handler attributes, that text is storable
// (valid UTF-8, no NUL) and that no input takes long, whatever the input
// (the Limits refuse what would).
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("Content-Type: text/html\r\n\r\n<img src=x onerror=alert(1)><scr<script>ipt>alert(1)</script>"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=\"\"\r\n\r\n--\r\n\r\n"))
	f.Add([]byte("From: <>\r\nReferences: <<<>>>\r\n\r\n"))
	f.Add(nestedMessage(40, false))
	f.Add(nestedMessage(10, true))
	f.Add(manyParts(30))
	f.Add([]byte("From: a\x00b <x@y>\r\nSubject: \xff\xfe\r\n\r\n\x00\xc3\x28"))
	p := NewParser()
	f.Fuzz(func(t *testing.T, raw []byte) {
		start := time.Now()
		in, err := p.Parse(raw)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("parse took %v (err %v)", d, err)
		}
		if err != nil {
			return
		}
		for _, s := range []string{in.Subject, in.From.Name, in.From.Email, in.Text, in.VisibleText, in.SafeHTML, in.MessageID} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("text not storable: %q", s)
			}
		}
		if in.MessageID == "" {
			t.Fatal("empty MessageID")
		}
		checkSafeHTML(t, in.SafeHTML)
		_ = Decide(in, nil, "support@example.com")
		if _, err := Resolve(in, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// checkSafeHTML fails when s contains a script tag or any on* attribute.
func checkSafeHTML(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(strings.ToLower(s), "<script") {
		t.Fatalf("SafeHTML contains <script: %q", s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if strings.EqualFold(string(name), "script") {
			t.Fatalf("SafeHTML has a script element: %q", s)
		}
		for hasAttr {
			var key, val []byte
			key, val, hasAttr = z.TagAttr()
			k := strings.ToLower(string(key))
			if strings.HasPrefix(k, "on") {
				t.Fatalf("SafeHTML has handler attribute %s=%q: %q", k, val, s)
			}
			urlAttr := k == "href" || k == "src" || k == "cite" || k == "action" || k == "background" || k == "poster"
			if urlAttr && strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(val))), "javascript:") {
				t.Fatalf("SafeHTML has a javascript: URL in %s: %q", k, s)
			}
		}
	}
}

func TestSafeHTMLFixture(t *testing.T) {
	in := parseFixture(t, "xss_html.eml")
	checkSafeHTML(t, in.SafeHTML)
	for _, bad := range []string{"<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<form", "<input", "style="} {
		notContains(t, strings.ToLower(in.SafeHTML), bad)
	}
	contains(t, in.SafeHTML, `<a href="https://ok.example/page" rel="nofollow noopener" target="_blank">legit link</a>`)
	// The raw HTML is kept as received, for the record.
	contains(t, in.HTML, "<script>")
	// Headers are text; the subject is not sanitized but must never be
	// rendered as HTML.
	eq(t, "Subject", in.Subject, "Hello <script>alert(1)</script>")
}
