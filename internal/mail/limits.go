package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
)

// Limits bound the work of parsing one message. enmime's boundary readers
// nest one bufio.Reader per open multipart level and re-read the levels
// below at every end of input, so the cost of a message grows about
// twofold per level of nesting (40 unclosed levels in 2.5 KB would take
// hours). Parse therefore
//
//   - pre-scans the raw bytes (linear, see scanMIME) and refuses messages
//     whose multipart nesting is deeper than MaxDepth or that have more
//     than MaxParts parts, before enmime sees them;
//   - never lets enmime open more than max(16, MaxDepth) multipart
//     containers in one message, whatever the pre-scan estimated: further
//     containers are read as opaque parts (the raw message keeps them), so
//     the nesting cost stays bounded even for input built to fool the
//     pre-scan;
//   - aborts the parse when Timeout has passed or the caller's context is
//     done: every read enmime makes from the message and every media type
//     it parses checks the clock, and the abort unwinds enmime at once.
type Limits struct {
	MaxDepth int           // multipart nesting levels; default 10
	MaxParts int           // MIME parts; default 500
	Timeout  time.Duration // one parse; default 10s
}

// Defaults for Limits.
const (
	DefaultMaxMIMEDepth = 10
	DefaultMaxMIMEParts = 500
	DefaultParseTimeout = 10 * time.Second
	// minContainerCap is the fewest multipart containers enmime may open.
	minContainerCap = 16
	// maxKnownBoundaries bounds the boundaries the pre-scan matches lines
	// against; past it any line holding "--" counts as a part start.
	maxKnownBoundaries = 64
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxMIMEDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxMIMEParts
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultParseTimeout
	}
	return l
}

// Limit codes of LimitError.
const (
	LimitMIMEDepth = "mime-depth"
	LimitMIMEParts = "mime-parts"
	LimitParseTime = "parse-time"
	// LimitLineLength is a DATA line longer than the SMTP server takes.
	LimitLineLength = "line-length"
)

// LimitError is a message refused because parsing it would exceed Limits.
// It is permanent: the same message is refused again.
type LimitError struct {
	Code   string // LimitMIMEDepth, LimitMIMEParts or LimitParseTime
	Reason string
}

func (e *LimitError) Error() string { return e.Reason }

// MIMEShape is what the pre-scan found.
type MIMEShape struct {
	Depth int // multipart nesting levels (0: not multipart)
	Parts int // MIME parts, the root included
}

// CheckMIME pre-scans raw against l without parsing it; see scanMIME.
func CheckMIME(raw []byte, l Limits) (MIMEShape, error) {
	l = l.withDefaults()
	sh, lerr := scanMIME(raw, l.MaxDepth, l.MaxParts)
	if lerr != nil {
		return sh, lerr
	}
	return sh, nil
}

// scanMIME estimates the multipart structure of raw in one pass over its
// lines and stops at the first limit exceeded. It follows what enmime does
// (a header block ends at the first empty line; a part header declares a
// boundary in its Content-Type, parsed with enmime's own media type
// parser; a boundary line of an outer level ends every level inside it)
// and errs on the side of counting more: a line that merely contains
// "--boundary" of any boundary seen so far starts a part, while a level
// ends only on a line that starts with its exact delimiter.
func scanMIME(raw []byte, maxDepth, maxParts int) (MIMEShape, *LimitError) {
	sh := MIMEShape{Parts: 1}
	var stack []string // open boundaries, outermost first; "" for one that could not be read
	var known [][]byte // "--" + every boundary declared so far
	var block [][]byte // lines of the header block being read
	inHeader := true   // the top-level header comes first
	manyBoundaries := false

	finishBlock := func() *LimitError {
		b, declared := blockBoundary(block)
		block = block[:0]
		if !declared {
			return nil
		}
		stack = append(stack, b)
		if len(stack) > sh.Depth {
			sh.Depth = len(stack)
		}
		if sh.Depth > maxDepth {
			return &LimitError{Code: LimitMIMEDepth, Reason: fmt.Sprintf("MIME structure nested deeper than %d levels", maxDepth)}
		}
		if b != "" {
			if len(known) >= maxKnownBoundaries {
				manyBoundaries = true
			} else {
				known = append(known, []byte("--"+b))
			}
		}
		return nil
	}
	possibleDelimiter := func(line []byte) bool {
		if !bytes.Contains(line, []byte("--")) {
			return false
		}
		if manyBoundaries {
			return true
		}
		for _, k := range known {
			if bytes.Contains(line, k) {
				return true
			}
		}
		return false
	}
	startPart := func() *LimitError {
		sh.Parts++
		if sh.Parts > maxParts {
			return &LimitError{Code: LimitMIMEParts, Reason: fmt.Sprintf("more than %d MIME parts", maxParts)}
		}
		inHeader = true
		return nil
	}

	rest := raw
	for len(rest) > 0 {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if inHeader {
			if len(line) == 0 {
				inHeader = false
				if err := finishBlock(); err != nil {
					return sh, err
				}
				continue
			}
			if len(stack) == 0 || !possibleDelimiter(line) {
				block = append(block, line)
				continue
			}
			// A boundary inside a header block ends the part early.
			inHeader = false
			if err := finishBlock(); err != nil {
				return sh, err
			}
		}
		if len(stack) == 0 {
			break // not multipart, or every level has ended: the rest is epilogue
		}
		if i, term := strictBoundary(line, stack); i >= 0 {
			if term {
				stack = stack[:i]
				continue
			}
			stack = stack[:i+1]
			if err := startPart(); err != nil {
				return sh, err
			}
			continue
		}
		if possibleDelimiter(line) {
			if err := startPart(); err != nil {
				return sh, err
			}
		}
	}
	if inHeader {
		if err := finishBlock(); err != nil {
			return sh, err
		}
	}
	return sh, nil
}

// strictBoundary finds the outermost open level whose exact delimiter
// ("--b" then white space or end of line) or terminator ("--b--") starts
// line.
func strictBoundary(line []byte, stack []string) (level int, terminator bool) {
	if !bytes.HasPrefix(line, []byte("--")) {
		return -1, false
	}
	for i, b := range stack {
		if b == "" || !bytes.HasPrefix(line[2:], []byte(b)) {
			continue
		}
		after := line[2+len(b):]
		if bytes.HasPrefix(after, []byte("--")) {
			return i, true
		}
		if len(after) == 0 || after[0] == ' ' || after[0] == '\t' || after[0] == '\r' {
			return i, false
		}
	}
	return -1, false
}

// blockBoundary reads the boundary a header block declares. declared is
// true when its Content-Type has a boundary parameter, or when any of its
// lines mentions "boundary" at all (then b may be "", a level that only an
// outer boundary ends).
func blockBoundary(block [][]byte) (b string, declared bool) {
	mentions := false
	for _, l := range block {
		if containsFold(l, "boundary") {
			mentions = true
			break
		}
	}
	if !mentions {
		return "", false
	}
	// Unfold as enmime does: lines starting with white space or without a
	// colon continue the previous header.
	var headers []string
	for _, l := range block {
		s := string(l)
		colon := strings.IndexByte(s, ':')
		if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') || colon <= 0 {
			if len(headers) > 0 {
				headers[len(headers)-1] += " " + strings.TrimSpace(s)
			}
			continue
		}
		headers = append(headers, strings.TrimSpace(s))
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		if !strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			continue
		}
		_, params, _, err := mediatype.ParseWithOptions(strings.TrimSpace(value), mediatype.ParseOptions{})
		if err == nil && params["boundary"] != "" {
			return params["boundary"], true
		}
		break // enmime reads the first Content-Type only
	}
	return "", true
}

func containsFold(b []byte, lowerWord string) bool {
	return bytes.Contains(bytes.ToLower(b), []byte(lowerWord))
}

// parseGuard bounds one enmime parse: it is the message reader and the
// media type parser enmime calls for every part header.
type parseGuard struct {
	ctx           context.Context
	deadline      time.Time
	r             io.Reader
	kept          map[string]bool // Content-Type values with a boundary: whether it was kept
	containers    int             // boundaries kept
	maxContainers int
	flattened     bool
}

// errParseAborted is the panic value that unwinds enmime when the guard's
// time is up; Parser.readEnvelope recovers it.
type errParseAborted struct{ err error }

func newParseGuard(ctx context.Context, deadline time.Time, raw []byte, maxDepth int) *parseGuard {
	return &parseGuard{ctx: ctx, deadline: deadline, r: bytes.NewReader(raw), kept: map[string]bool{},
		maxContainers: max(minContainerCap, maxDepth)}
}

func (g *parseGuard) check() {
	if err := g.ctx.Err(); err != nil {
		panic(errParseAborted{err})
	}
	if !g.deadline.IsZero() && !time.Now().Before(g.deadline) {
		panic(errParseAborted{context.DeadlineExceeded})
	}
}

// Read implements io.Reader over the raw message.
func (g *parseGuard) Read(p []byte) (int, error) {
	g.check()
	return g.r.Read(p)
}

// mediaType is enmime's media type parser with the container cap: the
// first maxContainers distinct Content-Type values with a boundary keep
// it, later ones lose it (their part is read as an opaque leaf). enmime
// parses a value several times (the part header, the text check before
// descending, the envelope's body search): each time gets the same answer.
// Identical values need no counting: a level cannot nest inside one with
// the same boundary (the outer level takes every delimiter first).
func (g *parseGuard) mediaType(ctype string) (string, map[string]string, []string, error) {
	g.check()
	mt, params, invalid, err := mediatype.ParseWithOptions(ctype, mediatype.ParseOptions{})
	if params["boundary"] == "" {
		return mt, params, invalid, err
	}
	keep, seen := g.kept[ctype]
	if !seen {
		keep = g.containers < g.maxContainers
		if keep {
			g.containers++
		}
		g.kept[ctype] = keep
	}
	if !keep {
		delete(params, "boundary")
		g.flattened = true
	}
	return mt, params, invalid, err
}

// readEnvelope runs enmime on raw under the guard. A parse stopped by the
// guard returns errParseAborted's error: ctx's, or DeadlineExceeded.
func (p *Parser) readEnvelope(ctx context.Context, deadline time.Time, raw []byte) (env *enmime.Envelope, g *parseGuard, err error) {
	g = newParseGuard(ctx, deadline, raw, p.limits.MaxDepth)
	parser := enmime.NewParser(append(p.mimeOptions[:len(p.mimeOptions):len(p.mimeOptions)],
		enmime.SetCustomParseMediaType(g.mediaType))...)
	defer func() {
		if r := recover(); r != nil {
			ab, ok := r.(errParseAborted)
			if !ok {
				panic(r)
			}
			env, err = nil, ab.err
		}
	}()
	env, err = parser.ReadEnvelope(g)
	return env, g, err
}
