package mail

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nestedMessage builds a multipart message nested depth levels deep (each
// level one part holding the next), the shape of the attack in issue 15:
// closed says whether each level gets its terminator.
func nestedMessage(depth int, closed bool) []byte {
	var b strings.Builder
	b.WriteString("From: deep@acc.example\r\nTo: support@example.com\r\nSubject: deep\r\nMessage-ID: <deep" + fmt.Sprint(depth, closed) + "@acc.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nx\r\n", depth-1)
	if closed {
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
	}
	return []byte(b.String())
}

// wideMessage has n text parts in one multipart/mixed.
func wideMessage(n int) []byte {
	var b strings.Builder
	b.WriteString("From: wide@acc.example\r\nSubject: wide\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n")
	for i := range n {
		fmt.Fprintf(&b, "--w\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
	}
	b.WriteString("--w--\r\n")
	return []byte(b.String())
}

// The regression of issue 15: the 40-deep message of the acceptance check
// (and deeper ones) is refused by the pre-scan instead of pinning a core
// for hours.
func TestParseRefusesDeepNesting(t *testing.T) {
	p := NewParser()
	for _, depth := range []int{11, 25, 40, 200} {
		for _, closed := range []bool{false, true} {
			_, err := p.Parse(nestedMessage(depth, closed))
			var le *LimitError
			if !errors.As(err, &le) || le.Code != LimitMIMEDepth {
				t.Fatalf("depth %d closed=%v: err = %v, want a %s LimitError", depth, closed, err, LimitMIMEDepth)
			}
			contains(t, le.Error(), "deeper than 10 levels")
		}
	}
	// At the limit the message parses, and its text is found.
	in, err := p.Parse(nestedMessage(10, false))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "text", strings.TrimSpace(in.Text), "x")
}

func TestParseRefusesTooManyParts(t *testing.T) {
	p := NewParserWithLimits(Limits{MaxParts: 50})
	if _, err := p.Parse(wideMessage(49)); err != nil {
		t.Fatalf("49 parts + root: %v", err)
	}
	_, err := p.Parse(wideMessage(50))
	var le *LimitError
	if !errors.As(err, &le) || le.Code != LimitMIMEParts {
		t.Fatalf("err = %v, want %s", err, LimitMIMEParts)
	}
}

// The pre-scan's estimate, over shapes whose structure is known, and over
// every fixture (real mail stays well within the limits).
func TestScanMIMEShapes(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want MIMEShape
	}{
		{"plain", "Subject: x\r\n\r\nhello -- world\r\n", MIMEShape{0, 1}},
		{"nested 3 closed", string(nestedMessage(3, true)), MIMEShape{3, 4}},
		{"nested 5 open", string(nestedMessage(5, false)), MIMEShape{5, 6}},
		{"wide", string(wideMessage(7)), MIMEShape{1, 8}},
		{"folded content-type", "Content-Type: multipart/mixed;\r\n\tboundary=\"a b\"\r\n\r\n--a b\r\nContent-Type: multipart/alternative;\r\n boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--a b\r\n\r\ny\r\n--a b--\r\n", MIMEShape{2, 4}},
		// Siblings: an outer delimiter ends the inner level.
		{"siblings", "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=i1\r\n\r\n--i1\r\n\r\na\r\n--o\r\nContent-Type: multipart/alternative; boundary=i2\r\n\r\n--i2\r\n\r\nb\r\n--o--\r\n", MIMEShape{2, 5}},
		// A boundary that cannot be read still counts as a level.
		{"unreadable boundary", "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/mixed; boundary=\"unterminated\r\n\r\nx\r\n", MIMEShape{2, 2}},
		// A line merely containing a known boundary starts a part.
		{"lenient delimiter", "Content-Type: multipart/mixed; boundary=o\r\n\r\nxx--o \r\n\r\na\r\n", MIMEShape{1, 2}},
	}
	for _, c := range cases {
		got, err := CheckMIME([]byte(c.raw), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: shape %+v, want %+v", c.name, got, c.want)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, f := range files {
		sh, err := CheckMIME(readFixture(t, filepath.Base(f)), Limits{})
		if err != nil || sh.Depth > 3 {
			t.Errorf("%s: shape %+v, err %v", f, sh, err)
		}
	}
}

// Whatever the pre-scan lets through, enmime never opens more than
// max(16, MaxDepth) containers: a message that slipped past the pre-scan
// (here: the pre-scan is skipped) still parses, with the deeper levels
// kept as opaque parts.
func TestParseGuardCapsContainers(t *testing.T) {
	p := NewParser()
	env, g, err := p.readEnvelope(context.Background(), time.Time{}, nestedMessage(60, false))
	if err != nil {
		t.Fatal(err)
	}
	if !g.flattened {
		t.Error("60 containers opened without flattening")
	}
	if env.Root == nil {
		t.Fatal("no root part")
	}
	depth := 0
	for part := env.Root; part != nil; part = part.FirstChild {
		depth++
	}
	if depth > minContainerCap+2 {
		t.Errorf("enmime nested %d levels, want at most %d", depth, minContainerCap+2)
	}
}

// A message within the limits but with more containers than the cap (20
// sibling multipart/alternative parts) keeps its structure as far as the
// cap goes: the root stays multipart, the first bodies are found, and the
// rest are opaque parts (the raw message keeps everything).
func TestParseManyContainersDegradesGracefully(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: wide@customer.example\r\nSubject: wide\r\nContent-Type: multipart/mixed; boundary=root\r\n\r\n")
	for i := range 20 {
		fmt.Fprintf(&b, "--root\r\nContent-Type: multipart/alternative; boundary=alt%d\r\n\r\n--alt%d\r\nContent-Type: text/plain\r\n\r\nbody %d\r\n--alt%d--\r\n", i, i, i, i)
	}
	b.WriteString("--root--\r\n")
	in, err := NewParser().Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, in.Text, "body 0")
	contains(t, in.Text, "body 14")
	notContains(t, in.Text, "body 15")
	if len(in.Attachments) != 5 {
		t.Errorf("%d opaque parts, want 5", len(in.Attachments))
	}
	contains(t, strings.Join(in.Warnings, "\n"), "more than 16 multipart containers")
}

// The parse stops when its time is up or its context ends: the first is
// a permanent LimitError, the second the context's error (a temporary
// failure: the sender retries).
func TestParseTimeAndContext(t *testing.T) {
	p := NewParser()
	raw := nestedMessage(8, false)
	_, g, err := p.readEnvelope(context.Background(), time.Now().Add(-time.Second), raw)
	if !errors.Is(err, context.DeadlineExceeded) || g == nil {
		t.Fatalf("expired deadline: err = %v", err)
	}
	pt := NewParserWithLimits(Limits{Timeout: time.Nanosecond})
	_, err = pt.Parse(raw)
	var le *LimitError
	if !errors.As(err, &le) || le.Code != LimitParseTime {
		t.Fatalf("1ns parse timeout: err = %v, want %s", err, LimitParseTime)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.ParseContext(ctx, raw); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: err = %v", err)
	}
}

// FuzzParseNested generates nested and wide multipart structures (open or
// closed levels, junk between them, LF or CRLF) and checks that every one
// is either refused by the limits or parsed within a bound that is
// hundreds of times what the limits allow in practice (a few
// milliseconds): the cost can no longer grow with the nesting.
func FuzzParseNested(f *testing.F) {
	f.Add(uint8(40), uint8(1), uint64(0), []byte(""), true)
	f.Add(uint8(10), uint8(1), uint64(0), []byte(""), true)
	f.Add(uint8(10), uint8(3), uint64(0x155), []byte("--b1 junk"), false)
	f.Add(uint8(16), uint8(2), uint64(0xffff), []byte("x"), true)
	f.Add(uint8(9), uint8(40), uint64(0), []byte("Content-Type: multipart/mixed; boundary=b0"), true)
	f.Add(uint8(255), uint8(0), uint64(1<<63), []byte("\r"), false)
	p := NewParser()
	f.Fuzz(func(t *testing.T, depth, width uint8, closeMask uint64, junk []byte, crlf bool) {
		raw := fuzzStructure(int(depth), int(width), closeMask, junk, crlf)
		start := time.Now()
		_, err := p.Parse(raw)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("depth %d width %d: parse took %v (err %v)", depth, width, d, err)
		}
	})
}

func fuzzStructure(depth, width int, closeMask uint64, junk []byte, crlf bool) []byte {
	nl := "\n"
	if crlf {
		nl = "\r\n"
	}
	if len(junk) > 200 {
		junk = junk[:200]
	}
	var b strings.Builder
	b.WriteString("From: f@acc.example" + nl + "Subject: fuzz" + nl + "Content-Type: multipart/mixed; boundary=b0" + nl + nl)
	for i := 1; i <= depth; i++ {
		for w := 0; w < width%8; w++ {
			fmt.Fprintf(&b, "--b%d%sContent-Type: text/plain%s%s%s%s", i-1, nl, nl, nl, junk, nl)
		}
		fmt.Fprintf(&b, "--b%d%sContent-Type: multipart/mixed; boundary=b%d%s%s", i-1, nl, i, nl, nl)
		b.Write(junk)
		b.WriteString(nl)
	}
	for i := depth; i >= 0; i-- {
		if closeMask&(1<<(uint(i)%64)) != 0 {
			fmt.Fprintf(&b, "--b%d--%s", i, nl)
		}
	}
	return []byte(b.String())
}

// BenchmarkParseAtDepthLimit is the worst nesting the default limits let
// through (10 unclosed levels): what one hostile message can cost.
func BenchmarkParseAtDepthLimit(b *testing.B) {
	p := NewParser()
	raw := nestedMessage(DefaultMaxMIMEDepth, false)
	for b.Loop() {
		if _, err := p.Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefuseDeep is the cost of refusing the 40-deep message of
// issue 15 (the pre-scan only).
func BenchmarkRefuseDeep(b *testing.B) {
	p := NewParser()
	raw := nestedMessage(40, false)
	for b.Loop() {
		if _, err := p.Parse(raw); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkScanMIME10MB is the pre-scan over a 10 MB message of 400 parts.
func BenchmarkScanMIME10MB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Content-Type: multipart/mixed; boundary=w\r\n\r\n")
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 2) + "\r\n"
	for i := range 400 {
		fmt.Fprintf(&sb, "--w\r\nContent-Type: application/octet-stream; name=f%d\r\nContent-Transfer-Encoding: base64\r\n\r\n", i)
		for range 10 << 20 / 400 / len(line) {
			sb.WriteString(line)
		}
	}
	sb.WriteString("--w--\r\n")
	raw := []byte(sb.String())
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if sh, err := CheckMIME(raw, Limits{}); err != nil || sh.Parts != 401 {
			b.Fatal(sh, err)
		}
	}
}
