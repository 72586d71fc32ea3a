package markup

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzSanitize checks that no input makes Sanitize, Markdown or PlainToHTML
// emit a script element, an on* attribute or a javascript:/vbscript:/data:
// URL, and that HTMLToText never panics and leaves no trailing spaces,
// leading or trailing whitespace, or runs of blank lines.
func FuzzSanitize(f *testing.F) {
	for _, p := range xssPayloads() {
		f.Add(p)
	}
	f.Add("**md** [x](javascript:alert(1)) ![i](data:image/png;base64,AA) www.example.com")
	f.Add("<a href=\"https://e.example\" target=_blank>e</a><ol start=2><li>x<table><td>y")
	f.Add("\v<p>\u00a0x\v</p>\v<pre>\v\n\n\n\ny \n</pre>")
	r := New()
	f.Fuzz(func(t *testing.T, in string) {
		assertSafe(t, "Sanitize", in, r.Sanitize(in))
		assertSafe(t, "Markdown", in, r.Markdown(in))
		assertSafe(t, "PlainToHTML", in, r.PlainToHTML(in))
		txt := r.HTMLToText(in)
		if strings.Contains(txt, "\n\n\n") || txt != strings.TrimSpace(txt) {
			t.Fatalf("HTMLToText(%q) = %q has surplus blank lines or outer space", in, txt)
		}
		for _, line := range strings.Split(txt, "\n") {
			if strings.TrimRightFunc(line, unicode.IsSpace) != line {
				t.Fatalf("HTMLToText(%q) = %q has trailing spaces", in, txt)
			}
		}
	})
}
