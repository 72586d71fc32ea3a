package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	netmail "net/mail"
	"net/textproto"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/jhillyerd/enmime/v2"
	"github.com/microcosm-cc/bluemonday"

	"github.com/frontline/frontline/internal/errs"
)

// SynthesizedIDDomain is the domain of Message-IDs made up by Parse for
// messages that carry none.
const SynthesizedIDDomain = "synthesized.frontline.invalid"

// maxWarnings bounds Inbound.Warnings so that a pathological message cannot
// blow up the parse result.
const maxWarnings = 20

// Address is a mailbox. Email is lower-cased; Name is the decoded display name.
type Address struct {
	Name  string
	Email string
}

// String formats the address for a header ("Name <email>" or "email").
func (a Address) String() string {
	if a.Email == "" {
		return a.Name
	}
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

// IsZero reports whether the address is empty.
func (a Address) IsZero() bool { return a.Email == "" && a.Name == "" }

// Attachment is a non-body MIME part. Inline parts (usually images referenced
// from the HTML with cid:ContentID) have Inline set.
type Attachment struct {
	Filename    string
	ContentType string
	ContentID   string // without angle brackets
	Inline      bool
	Data        []byte
}

// Forward describes the original message of a forwarded email, as far as it
// could be recovered. From may hold only a name when the forwarding client
// did not include the address.
type Forward struct {
	From    Address
	Subject string
}

// Bounce holds the details of a delivery status notification (RFC 3464).
// Fields are empty when the report did not include them.
type Bounce struct {
	Recipient         string // Final-Recipient (or Original-Recipient) address
	Action            string // failed, delayed, delivered, relayed, expanded
	Status            string // enhanced status code, e.g. 5.1.1
	Diagnostic        string // Diagnostic-Code text
	OriginalMessageID string // Message-ID of the message that bounced, when returned
}

// Permanent reports whether the bounce is a permanent failure (5.x.x status
// or Action: failed).
func (b *Bounce) Permanent() bool {
	return strings.HasPrefix(b.Status, "5") || strings.EqualFold(b.Action, "failed")
}

// Inbound is a parsed inbound email.
type Inbound struct {
	// MessageID without angle brackets. When the message has none, a stable
	// ID is derived from a hash of the raw bytes and MessageIDSynthesized is set.
	MessageID            string
	MessageIDSynthesized bool
	InReplyTo            string
	References           []string // oldest first, as in the header

	From       Address
	To         []Address
	Cc         []Address
	ReplyTo    []Address
	ReturnPath string // envelope sender from Return-Path; "" for a null sender <>
	Subject    string
	Date       time.Time // zero when missing or unparseable

	Text        string // full plain text (converted from HTML when no text part exists)
	HTML        string // raw HTML; never render it, use SafeHTML
	SafeHTML    string // HTML sanitized with bluemonday's UGC policy
	VisibleText string // Text with quoted history and signatures trimmed, for display

	Attachments []Attachment

	AutoSubmitted       bool // auto-replies, out-of-office, read receipts, null sender
	IsBulk              bool // newsletters, mailing lists
	IsBounce            bool // delivery status notifications
	AutoReplySuppressed bool // sender asked for no auto-replies (X-Auto-Response-Suppress)
	Bounce              *Bounce
	Forwarded           *Forward // non-nil when the message forwards another one

	// Headers holds every top-level header, RFC 2047-decoded, keyed by
	// canonical name (textproto.CanonicalMIMEHeaderKey).
	Headers map[string][]string
	// Warnings lists problems that were tolerated while parsing.
	Warnings []string
}

// Header returns the first value of the named header.
func (in *Inbound) Header(name string) string {
	v := in.Headers[textproto.CanonicalMIMEHeaderKey(name)]
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Parser parses raw messages. It is safe for concurrent use.
type Parser struct {
	mimeOptions []enmime.Option
	limits      Limits
	policy      *bluemonday.Policy
	html        *htmlTrimmer
	text        *textTrimmer
}

// NewParser returns a Parser with the default Limits. Building one compiles
// the sanitizer policy, so long-lived callers should keep theirs.
func NewParser() *Parser { return NewParserWithLimits(Limits{}) }

// NewParserWithLimits returns a Parser that refuses messages beyond l
// (zero fields take the defaults).
func NewParserWithLimits(l Limits) *Parser {
	return &Parser{
		mimeOptions: []enmime.Option{
			enmime.SkipMalformedParts(true),
			enmime.MultipartWOBoundaryAsSinglePart(true),
			enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
			enmime.MaxStoredPartErrors(maxWarnings),
			// Trust a declared charset; only guess when none is stated.
			enmime.DisableCharacterDetection(true),
		},
		limits: l.withDefaults(),
		policy: SanitizePolicy(),
		html:   newHTMLTrimmer(),
		text:   newTextTrimmer(),
	}
}

// Limits returns the parser's limits (defaults filled in).
func (p *Parser) Limits() Limits { return p.limits }

// SanitizePolicy returns the policy used for SafeHTML: bluemonday's UGC
// policy plus cid: URLs so that inline images can be rewritten by the UI.
func SanitizePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("cid")
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// Parse parses raw with a fresh Parser. See Parser.Parse.
func Parse(raw []byte) (*Inbound, error) { return NewParser().Parse(raw) }

// Parse parses raw without a context; see ParseContext.
func (p *Parser) Parse(raw []byte) (*Inbound, error) {
	return p.ParseContext(context.Background(), raw)
}

// ParseContext parses a raw RFC 5322 message. Malformed messages yield
// whatever could be recovered, with Warnings; an error (kind Invalid) is
// returned only when nothing usable exists. A message beyond the parser's
// Limits (checked before parsing, and the parse time while parsing) is a
// *LimitError; when ctx ends first, ctx's error is returned. Text fields
// are valid UTF-8 without NUL bytes (others are replaced by U+FFFD).
func (p *Parser) ParseContext(ctx context.Context, raw []byte) (*Inbound, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errs.Invalid("message", "empty message")
	}
	if _, lerr := scanMIME(raw, p.limits.MaxDepth, p.limits.MaxParts); lerr != nil {
		return nil, lerr
	}
	deadline := time.Now().Add(p.limits.Timeout)
	env, guard, err := p.readEnvelope(ctx, deadline, raw)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, &LimitError{Code: LimitParseTime, Reason: fmt.Sprintf("parsing took longer than %s", p.limits.Timeout)}
		}
		return nil, &errs.Error{Kind: errs.KindInvalid, Message: "unparseable email message", Err: err}
	}
	in, err := p.fromEnvelope(ctx, deadline, raw, env)
	if err != nil {
		return nil, err
	}
	if guard.flattened {
		in.Warnings = appendWarning(in.Warnings, fmt.Sprintf("more than %d multipart containers: the rest were kept as opaque parts", guard.maxContainers))
	}
	sanitizeInbound(in)
	return in, nil
}

// fromEnvelope fills an Inbound from enmime's envelope.
func (p *Parser) fromEnvelope(ctx context.Context, deadline time.Time, raw []byte, env *enmime.Envelope) (*Inbound, error) {
	in := &Inbound{Headers: map[string][]string{}}
	for _, k := range env.GetHeaderKeys() {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		in.Headers[ck] = append(in.Headers[ck], env.GetHeaderValues(k)...)
	}
	if len(in.Headers) == 0 {
		return nil, errs.Invalid("message", "no header section found")
	}
	for _, e := range env.Errors {
		if len(in.Warnings) >= maxWarnings {
			break
		}
		in.Warnings = append(in.Warnings, e.Error())
	}

	in.MessageID = firstMsgID(in.Header("Message-Id"))
	if in.MessageID == "" {
		sum := sha256.Sum256(raw)
		in.MessageID = hex.EncodeToString(sum[:16]) + "@" + SynthesizedIDDomain
		in.MessageIDSynthesized = true
	}
	in.InReplyTo = firstMsgID(in.Header("In-Reply-To"))
	in.References = msgIDList(strings.Join(in.Headers["References"], " "))

	in.From = firstAddr(p.addrList(env, in, "From"))
	if in.From.IsZero() {
		in.From = firstAddr(p.addrList(env, in, "Sender"))
	}
	in.To = p.addrList(env, in, "To")
	in.Cc = p.addrList(env, in, "Cc")
	in.ReplyTo = p.addrList(env, in, "Reply-To")
	in.ReturnPath = parseReturnPath(in.Header("Return-Path"))
	in.Subject = cleanHeaderText(in.Header("Subject"))
	if d, err := env.Date(); err == nil {
		in.Date = d
	} else if in.Header("Date") != "" {
		in.Warnings = appendWarning(in.Warnings, "unparseable Date header: "+err.Error())
	}

	in.Text = normalizeNewlines(env.Text)
	in.HTML = env.HTML
	if in.HTML != "" {
		in.SafeHTML = strings.TrimSpace(p.policy.Sanitize(in.HTML))
	}
	in.Attachments = collectAttachments(env)

	p.classify(env, in)
	in.Forwarded = p.detectForward(ctx, deadline, env, in)
	in.VisibleText = p.visibleText(env, in)

	if in.From.IsZero() && in.Subject == "" && strings.TrimSpace(in.Text) == "" && in.HTML == "" && len(in.Attachments) == 0 {
		return nil, errs.Invalid("message", "no sender, subject, body or attachment found")
	}
	return in, nil
}

func appendWarning(w []string, s string) []string {
	if len(w) >= maxWarnings {
		return w
	}
	return append(w, s)
}

// addrList parses an address header, falling back to a lenient scan for
// addresses when the header is not RFC 5322 compliant.
func (p *Parser) addrList(env *enmime.Envelope, in *Inbound, key string) []Address {
	if len(in.Headers[textproto.CanonicalMIMEHeaderKey(key)]) == 0 {
		return nil
	}
	list, err := env.AddressList(key)
	if err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			if a == nil {
				continue
			}
			out = append(out, Address{Name: cleanHeaderText(a.Name), Email: normalizeEmail(a.Address)})
		}
		return out
	}
	in.Warnings = appendWarning(in.Warnings, fmt.Sprintf("malformed %s header: %v", key, err))
	return looseAddrList(in.Header(key))
}

var (
	// Compiled once and never reassigned.
	emailRe   = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_` + "`" + `{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*`)
	msgIDRe   = regexp.MustCompile(`<([^<>\s]+)>`)
	fwdSubjRe = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|wg|tr|rv)\s*:`)
)

// looseAddrList extracts addresses from a malformed header value.
func looseAddrList(v string) []Address {
	var out []Address
	for _, part := range splitOutsideBrackets(v) {
		if a := looseAddr(part); a.Email != "" {
			out = append(out, a)
		}
	}
	return out
}

// splitOutsideBrackets splits on commas and semicolons that are not inside
// <...> or quotes; a comma inside a bare display name ("Smith, John <j@x>")
// is kept by re-joining pieces that hold no address.
func splitOutsideBrackets(v string) []string {
	var parts []string
	var cur strings.Builder
	depth, quoted := 0, false
	for _, r := range v {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '<' && !quoted:
			depth++
		case r == '>' && !quoted && depth > 0:
			depth--
		case (r == ',' || r == ';') && depth == 0 && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	parts = append(parts, cur.String())
	// Re-join name fragments with the following piece.
	var out []string
	pending := ""
	for _, s := range parts {
		if !strings.Contains(s, "@") {
			pending += s + ","
			continue
		}
		out = append(out, pending+s)
		pending = ""
	}
	return out
}

// looseAddr parses "Name <email>", "Name [mailto:email]", "email" or a bare
// name, tolerating anything net/mail rejects.
func looseAddr(s string) Address {
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}
	}
	if a, err := netmail.ParseAddress(s); err == nil {
		return Address{Name: cleanHeaderText(a.Name), Email: normalizeEmail(a.Address)}
	}
	email := emailRe.FindString(s)
	name := s
	if i := strings.IndexAny(s, "<["); i >= 0 {
		name = s[:i]
	} else if email != "" {
		name = strings.Replace(s, email, "", 1)
	}
	name = strings.Trim(strings.TrimSpace(name), `"'`)
	name = strings.TrimRight(strings.TrimSpace(name), ",;")
	return Address{Name: cleanHeaderText(name), Email: normalizeEmail(email)}
}

func firstAddr(l []Address) Address {
	if len(l) == 0 {
		return Address{}
	}
	return l[0]
}

func normalizeEmail(s string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(s), "<>"))
}

// cleanHeaderText collapses whitespace (including folded line breaks) and
// strips control characters from a decoded header value.
func cleanHeaderText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// firstMsgID returns the first <id> of a Message-ID/In-Reply-To value, or the
// bare value when it has no brackets but looks like an ID.
func firstMsgID(v string) string {
	if m := msgIDRe.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, " \t\r\n<>") {
		return ""
	}
	return v
}

// msgIDList parses a References value. IDs keep their order; duplicates are
// dropped.
func msgIDList(v string) []string {
	var ids []string
	if ms := msgIDRe.FindAllStringSubmatch(v, -1); ms != nil {
		for _, m := range ms {
			ids = append(ids, m[1])
		}
	} else {
		for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
			if strings.Contains(f, "@") {
				ids = append(ids, f)
			}
		}
	}
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func parseReturnPath(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || v == "<>" {
		return ""
	}
	if m := msgIDRe.FindStringSubmatch(v); m != nil {
		return normalizeEmail(m[1])
	}
	return normalizeEmail(v)
}

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// collectAttachments gathers attachments, inline parts and other non-body
// parts (e.g. images in multipart/related without a disposition, delivery
// status reports, calendar invites).
func collectAttachments(env *enmime.Envelope) []Attachment {
	seen := map[*enmime.Part]bool{}
	var out []Attachment
	add := func(parts []*enmime.Part) {
		for _, p := range parts {
			if p == nil || seen[p] {
				continue
			}
			seen[p] = true
			isBody := (p.ContentType == "text/plain" || p.ContentType == "text/html") &&
				p.FileName == "" && p.Disposition != "attachment"
			if isBody || strings.HasPrefix(p.ContentType, "multipart/") {
				continue
			}
			ct := p.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			out = append(out, Attachment{
				Filename:    attachmentName(p, ct),
				ContentType: ct,
				ContentID:   strings.Trim(strings.TrimSpace(p.ContentID), "<>"),
				Inline:      p.Disposition == "inline" || (p.Disposition == "" && p.ContentID != ""),
				Data:        p.Content,
			})
		}
	}
	add(env.Attachments)
	add(env.Inlines)
	add(env.OtherParts)
	// Containers beyond the parser's cap were read as opaque leaves (see
	// parseGuard): keep their content visible as text parts.
	if env.Root != nil {
		for _, p := range env.Root.DepthMatchAll(func(p *enmime.Part) bool {
			return p.Parent != nil && p.FirstChild == nil && strings.HasPrefix(p.ContentType, "multipart/") && len(p.Content) > 0
		}) {
			if !seen[p] {
				seen[p] = true
				out = append(out, Attachment{Filename: "part-" + strings.ReplaceAll(p.PartID, ".", "-") + ".txt", ContentType: "text/plain", Data: p.Content})
			}
		}
	}
	return out
}

// attachmentName returns a safe file name: no directories, no control
// characters; synthesized from the part ID and type when missing.
func attachmentName(p *enmime.Part, ct string) string {
	name := strings.ReplaceAll(p.FileName, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" || name == ".." {
		ext := extensionFor(ct)
		id := strings.ReplaceAll(p.PartID, ".", "-")
		if id == "" {
			id = "0"
		}
		name = "part-" + id + ext
	}
	return name
}

// extensionFor maps common types to an extension; the table is fixed so
// names do not depend on the host's mime.types.
func extensionFor(ct string) string {
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	case "application/zip":
		return ".zip"
	case "text/plain", "message/delivery-status", "message/global-delivery-status", "text/rfc822-headers":
		return ".txt"
	case "text/html":
		return ".html"
	case "text/calendar":
		return ".ics"
	case "message/rfc822", "message/global":
		return ".eml"
	}
	return ""
}

// classify sets AutoSubmitted, IsBulk, IsBounce, AutoReplySuppressed and
// Bounce from headers, sender and MIME structure.
func (p *Parser) classify(env *enmime.Envelope, in *Inbound) {
	h := func(k string) string { return strings.ToLower(strings.TrimSpace(in.Header(k))) }

	if as := h("Auto-Submitted"); as != "" {
		if v, _, _ := strings.Cut(as, ";"); strings.TrimSpace(v) != "no" {
			in.AutoSubmitted = true
		}
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Autoreply-From", "X-Mail-Autoreply", "X-Fc-Machinegenerated"} {
		if v := h(k); v != "" && v != "no" && v != "false" {
			in.AutoSubmitted = true
		}
	}
	nullSender := len(in.Headers["Return-Path"]) > 0 && in.ReturnPath == ""
	if nullSender {
		in.AutoSubmitted = true
	}
	subj := strings.ToLower(in.Subject)
	for _, pre := range []string{"automatic reply:", "auto-reply:", "autoreply:", "auto reply:", "out of office:", "out of office autoreply:", "auto:"} {
		if strings.HasPrefix(subj, pre) {
			in.AutoSubmitted = true
		}
	}
	if sup := h("X-Auto-Response-Suppress"); sup != "" {
		for f := range strings.FieldsFuncSeq(sup, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			switch f {
			case "all", "oof", "autoreply":
				in.AutoReplySuppressed = true
			}
		}
	}

	switch h("Precedence") {
	case "bulk", "junk", "list":
		in.IsBulk = true
	}
	if h("List-Id") != "" || h("List-Unsubscribe") != "" || h("List-Post") != "" {
		in.IsBulk = true
	}

	rootType, params, _ := mime.ParseMediaType(in.Header("Content-Type"))
	reportType := strings.ToLower(params["report-type"])
	if rootType == "multipart/report" && reportType == "disposition-notification" {
		in.AutoSubmitted = true // read receipt
	}
	local, _, _ := strings.Cut(in.From.Email, "@")
	isDaemon := local == "mailer-daemon" || local == "mailer_daemon"
	isPostmaster := local == "postmaster"
	bounceSubject := false
	for _, pre := range []string{"undelivered mail returned to sender", "delivery status notification", "mail delivery failed", "undeliverable:", "returned mail:", "delivery failure", "failure notice", "mail delivery subsystem"} {
		if strings.HasPrefix(subj, pre) {
			bounceSubject = true
		}
	}
	switch {
	case rootType == "multipart/report" && reportType == "delivery-status":
		in.IsBounce = true
	case isDaemon:
		in.IsBounce = true
	case h("X-Failed-Recipients") != "":
		in.IsBounce = true
	case bounceSubject && (isPostmaster || nullSender || in.AutoSubmitted):
		in.IsBounce = true
	case isPostmaster && nullSender:
		in.IsBounce = true
	}
	if in.IsBounce {
		in.AutoSubmitted = true
		in.Bounce = parseBounce(env)
	}
}

// parseBounce reads the message/delivery-status part and the returned
// original headers of a DSN.
func parseBounce(env *enmime.Envelope) *Bounce {
	b := &Bounce{}
	if env.Root == nil {
		return b
	}
	for _, part := range env.Root.DepthMatchAll(func(p *enmime.Part) bool { return true }) {
		switch part.ContentType {
		case "message/delivery-status", "message/global-delivery-status":
			parseDSNFields(part.Content, b)
		case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers", "message/global":
			if b.OriginalMessageID == "" {
				b.OriginalMessageID = headerMsgID(part.Content)
			}
		}
	}
	if b.Recipient == "" {
		if v := env.GetHeader("X-Failed-Recipients"); v != "" {
			b.Recipient = normalizeEmail(strings.TrimSpace(strings.Split(v, ",")[0]))
		}
	}
	return b
}

func parseDSNFields(content []byte, b *Bounce) {
	// A DSN is a per-message block then per-recipient blocks, each in header
	// syntax (with folding); the first recipient block wins.
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	for range 50 {
		h, err := r.ReadMIMEHeader()
		if fr := h.Get("Final-Recipient"); fr != "" || h.Get("Original-Recipient") != "" {
			if fr == "" {
				fr = h.Get("Original-Recipient")
			}
			if _, addr, ok := strings.Cut(fr, ";"); ok {
				fr = addr
			}
			b.Recipient = normalizeEmail(fr)
			b.Action = strings.ToLower(strings.TrimSpace(h.Get("Action")))
			b.Status = strings.TrimSpace(h.Get("Status"))
			d := h.Get("Diagnostic-Code")
			if _, rest, ok := strings.Cut(d, ";"); ok {
				d = rest
			}
			b.Diagnostic = cleanHeaderText(d)
			return
		}
		if err != nil {
			return
		}
	}
}

// headerMsgID returns the Message-ID found in a header block.
func headerMsgID(content []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	h, _ := r.ReadMIMEHeader() // partial headers are fine
	return firstMsgID(h.Get("Message-Id"))
}

// forwardMarkers start the forwarded part of a message body.
var forwardMarkerRe = regexp.MustCompile(`(?im)^[ \t>*]*(?:-{2,}\s*(?:forwarded message|original message|mensaje reenviado|message transféré|weitergeleitete nachricht)\s*-{2,}|begin forwarded message:|début du message réexpédié\s*:|anfang der weitergeleiteten nachricht:)\s*$`)

// detectForward recognises forwarded messages: a forward prefix in the
// subject, a forward marker in the body, or an attached message/rfc822.
func (p *Parser) detectForward(ctx context.Context, deadline time.Time, env *enmime.Envelope, in *Inbound) *Forward {
	if in.IsBounce {
		return nil
	}
	subjectFwd := fwdSubjRe.MatchString(in.Subject)
	body := in.Text
	loc := forwardMarkerRe.FindStringIndex(body)
	// "Original Message" is also a reply separator; it only means forward
	// together with a forward subject.
	if loc != nil && !subjectFwd && strings.Contains(strings.ToLower(body[loc[0]:loc[1]]), "original message") {
		loc = nil
	}
	if loc == nil && subjectFwd {
		// Outlook forwards: "____" rule then a From: line.
		if m := outlookRuleRe.FindStringIndex(body); m != nil {
			loc = m
		}
	}
	if loc != nil {
		f := &Forward{}
		parseForwardHeaders(body[loc[1]:], f)
		return f
	}
	for _, a := range in.Attachments {
		if a.ContentType != "message/rfc822" {
			continue
		}
		f := &Forward{}
		// The attached message is parsed under the same limits and clock.
		if _, lerr := scanMIME(a.Data, p.limits.MaxDepth, p.limits.MaxParts); lerr != nil {
			return f
		}
		if inner, _, err := p.readEnvelope(ctx, deadline, a.Data); err == nil {
			if l, err := inner.AddressList("From"); err == nil && len(l) > 0 && l[0] != nil {
				f.From = Address{Name: cleanHeaderText(l[0].Name), Email: normalizeEmail(l[0].Address)}
			}
			f.Subject = cleanHeaderText(inner.GetHeader("Subject"))
		}
		return f
	}
	if subjectFwd {
		return &Forward{}
	}
	return nil
}

var outlookRuleRe = regexp.MustCompile(`(?m)^_{10,}\s*$`)

// parseForwardHeaders reads the From/Subject lines that follow a forward
// marker.
func parseForwardHeaders(s string, f *Forward) {
	lines := strings.Split(s, "\n")
	seen := 0
	for _, line := range lines {
		line = strings.TrimSpace(strings.TrimLeft(line, "> \t"))
		if line == "" {
			if seen > 0 {
				break
			}
			continue
		}
		if seen++; seen > 12 {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.Trim(k, "* \t"))
		v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "*"))
		switch k {
		case "from", "de", "von", "van", "da":
			if f.From.IsZero() {
				f.From = looseAddr(v)
			}
		case "subject", "objet", "betreff", "asunto", "onderwerp", "oggetto":
			if f.Subject == "" {
				f.Subject = cleanHeaderText(v)
			}
		}
	}
}

// visibleText derives the display text.
func (p *Parser) visibleText(env *enmime.Envelope, in *Inbound) string {
	hasPlain := env.Root != nil && env.Root.DepthMatchFirst(func(part *enmime.Part) bool {
		return part.ContentType == "text/plain" && part.Disposition != "attachment"
	}) != nil
	if !hasPlain && len(in.Headers["Content-Type"]) == 0 {
		hasPlain = true // no MIME at all: plain text body
	}
	if in.Forwarded != nil {
		// The forwarded content is the point of the message: keep it.
		if hasPlain || in.HTML == "" {
			return strings.TrimSpace(in.Text)
		}
		return strings.TrimSpace(htmlToText(in.HTML))
	}
	if hasPlain || in.HTML == "" {
		return p.text.trim(in.Text)
	}
	return p.text.trim(p.html.visible(in.HTML))
}
