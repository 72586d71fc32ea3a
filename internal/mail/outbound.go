package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/errs"
)

// Outbound is an email to send.
type Outbound struct {
	From    Address
	ReplyTo Address // optional, e.g. PlusAddress(mailbox, ticketID)
	To      []Address
	Cc      []Address
	// EnvelopeFrom is the SMTP MAIL FROM (bounce address); From when empty.
	EnvelopeFrom string
	// EnvelopeTo are the SMTP RCPT TO addresses; To and Cc when empty. A
	// per-recipient copy shows every recipient but goes to one.
	EnvelopeTo []string `json:",omitempty"`
	Subject    string
	// TicketID, when set, puts the ticket token in the subject.
	TicketID int64
	Text     string // plain text; derived from HTML when empty
	HTML     string // optional
	// MessageID without brackets (see OutboundMessageID); generated from
	// From's domain when empty, but callers should set it so that retries
	// keep the same ID.
	MessageID  string
	InReplyTo  string   // parent Message-ID, without brackets
	References []string // parent's References; InReplyTo is appended if missing
	Date       time.Time
	// Headers are extra headers, e.g. "Auto-Submitted: auto-replied" and
	// "X-Auto-Response-Suppress: All" for automatic notifications. Headers
	// the builder owns (From, To, Message-ID, Content-Type...) are refused.
	Headers     map[string]string
	Attachments []Attachment
}

// maxReferences bounds the References header: the first ID (thread root)
// and the most recent ones are kept.
const maxReferences = 20

// ReplyReferences returns the References of a reply to a message with the
// given References and Message-ID (RFC 5322 3.6.4).
func ReplyReferences(parentRefs []string, parentID string) []string {
	out := append([]string(nil), parentRefs...)
	if parentID != "" && (len(out) == 0 || out[len(out)-1] != parentID) {
		out = append(out, parentID)
	}
	return trimReferences(out)
}

func trimReferences(refs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range refs {
		r = strings.Trim(strings.TrimSpace(r), "<>")
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) > maxReferences {
		out = append(out[:1], out[len(out)-maxReferences+1:]...)
	}
	return out
}

// TLSPolicy says how the Sender secures the relay connection.
type TLSPolicy string

const (
	TLSNone          TLSPolicy = "none"          // plain SMTP
	TLSOpportunistic TLSPolicy = "opportunistic" // STARTTLS when offered
	TLSMandatory     TLSPolicy = "mandatory"     // STARTTLS required (default)
	TLSImplicit      TLSPolicy = "implicit"      // SMTPS, TLS from the first byte (port 465)
)

// SenderConfig configures the SMTP relay.
type SenderConfig struct {
	Host      string
	Port      int // default 587 (465 for TLSImplicit)
	Username  string
	Password  string
	TLS       TLSPolicy // default mandatory
	TLSConfig *tls.Config
	HELO      string        // default "localhost"
	Timeout   time.Duration // per connection; default 30s
	Clock     clock.Clock   // for Date headers; default wall clock
}

// SendResult reports a successful send. Rejected lists recipients the relay
// refused permanently while others accepted the message.
type SendResult struct {
	Accepted []string
	Rejected []RecipientError
	Response string // relay's answer to the message data
}

// RecipientError is one refused recipient.
type RecipientError struct {
	Address string
	Code    int
	Message string
}

// SendError is a failed send. Permanent errors (5xx for the message or all
// recipients, invalid messages) must not be retried; others (4xx, network,
// TLS, authentication, timeouts) should be.
type SendError struct {
	Permanent bool
	Code      int // SMTP reply code, 0 when none
	Op        string
	Err       error
}

func (e *SendError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("mail: %s failure during %s: %v", kind, e.Op, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Temporary reports whether the send may succeed later.
func (e *SendError) Temporary() bool { return !e.Permanent }

// IsPermanent reports whether err is a send error that must not be retried.
// Errors of unknown origin count as temporary.
func IsPermanent(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent
	}
	return errs.Is(err, errs.KindInvalid)
}

// Sender sends Outbound messages through an SMTP relay. One connection is
// opened per message.
type Sender struct {
	cfg   SenderConfig
	clock clock.Clock
}

// NewSender validates cfg.
func NewSender(cfg SenderConfig) (*Sender, error) {
	var v errs.Validation
	v.Check(cfg.Host != "", "host", "is required")
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSMandatory
	case TLSNone, TLSOpportunistic, TLSMandatory, TLSImplicit:
	default:
		v.Add("tls", "must be none, opportunistic, mandatory or implicit")
	}
	v.Check(cfg.Port >= 0 && cfg.Port < 65536, "port", "is out of range")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.HELO == "" {
		cfg.HELO = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	c := cfg.Clock
	if c == nil {
		c = clock.Real{}
	}
	return &Sender{cfg: cfg, clock: c}, nil
}

func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithHELO(s.cfg.HELO),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.cfg.TLSConfig))
	}
	if s.cfg.Username != "" {
		// Without TLS only PLAIN is possible, and go-mail sends it only to
		// a loopback relay; with TLS the best offered mechanism is used.
		auth := gomail.SMTPAuthAutoDiscover
		if s.cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// Send delivers m to all its recipients. Recipients the relay refuses
// permanently are skipped (reported in SendResult.Rejected) as long as one
// recipient accepts; a temporary refusal of any recipient aborts the whole
// message so that a retry does not duplicate it for the others.
func (s *Sender) Send(ctx context.Context, m *Outbound) (SendResult, error) {
	msg, err := s.Build(m)
	if err != nil {
		return SendResult{}, &SendError{Permanent: true, Op: "build", Err: err}
	}
	from := m.EnvelopeFrom
	if from == "" {
		from = m.From.Email
	}
	rcpts := recipients(m)

	c, err := s.client()
	if err != nil {
		return SendResult{}, &SendError{Permanent: false, Op: "configure", Err: err}
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		// Connection, TLS and authentication problems are not the message's
		// fault: always retry them.
		return SendResult{}, &SendError{Permanent: false, Code: replyCode(err), Op: "connect", Err: err}
	}
	defer func() { _ = c.CloseWithSMTPClient(sc) }()
	stop := context.AfterFunc(ctx, func() { _ = sc.Close() })
	defer stop()

	if err := sc.Mail(angle(from)); err != nil {
		_ = sc.Reset()
		return SendResult{}, classify("MAIL FROM", err)
	}
	var res SendResult
	var temp error
	for _, r := range rcpts {
		err := sc.Rcpt(angle(r))
		if err == nil {
			res.Accepted = append(res.Accepted, r)
			continue
		}
		code := replyCode(err)
		if code >= 500 && code < 600 {
			res.Rejected = append(res.Rejected, RecipientError{Address: r, Code: code, Message: err.Error()})
			continue
		}
		temp = err
		break
	}
	if temp != nil {
		_ = sc.Reset()
		return SendResult{}, classify("RCPT TO", temp)
	}
	if len(res.Accepted) == 0 {
		_ = sc.Reset()
		first := res.Rejected[0]
		return res, &SendError{Permanent: true, Code: first.Code, Op: "RCPT TO", Err: errors.New("all recipients refused: " + first.Message)}
	}
	w, err := sc.Data()
	if err != nil {
		return SendResult{}, classify("DATA", err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		_ = w.Close()
		return SendResult{}, classify("DATA", err)
	}
	if err := w.Close(); err != nil {
		return SendResult{}, classify("DATA", err)
	}
	if dc, ok := w.(*gosmtp.DataCloser); ok {
		res.Response = dc.ServerResponse()
	}
	return res, nil
}

// angle formats an address for MAIL FROM / RCPT TO.
func angle(addr string) string {
	return (&netmail.Address{Address: addr}).String()
}

// classify turns a relay error into a SendError: 5xx permanent, everything
// else temporary.
//
// Authentication refusals (530, 534, 535, 538, or any reply mentioning
// authentication) are relay configuration problems, not the message's, so
// they stay temporary until an operator fixes the credentials.
func classify(op string, err error) *SendError {
	code := replyCode(err)
	permanent := code >= 500 && code < 600
	switch {
	case code == 530 || code == 534 || code == 535 || code == 538:
		permanent = false
	case strings.Contains(strings.ToLower(err.Error()), "authenticat"):
		permanent = false
	}
	return &SendError{Permanent: permanent, Code: code, Op: op, Err: err}
}

// replyCode extracts the SMTP reply code from an error, 0 when none.
func replyCode(err error) int {
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		return tpe.Code
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return 0
	}
	// go-mail sometimes flattens server replies into plain errors.
	s := err.Error()
	if len(s) >= 4 && (s[0] == '4' || s[0] == '5') && s[3] == ' ' {
		if n, err := strconv.Atoi(s[:3]); err == nil {
			return n
		}
	}
	return 0
}

func recipients(m *Outbound) []string {
	seen := map[string]bool{}
	var out []string
	if len(m.EnvelopeTo) > 0 {
		for _, a := range m.EnvelopeTo {
			e := normalizeEmail(a)
			if e != "" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
		return out
	}
	for _, list := range [][]Address{m.To, m.Cc} {
		for _, a := range list {
			e := normalizeEmail(a.Email)
			if e != "" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	return out
}

// reservedHeader reports whether Build sets the header itself, so it
// cannot be overridden via Outbound.Headers.
func reservedHeader(canonical string) bool {
	switch canonical {
	case "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Message-Id", "In-Reply-To", "References",
		"Date", "Mime-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
		"Return-Path", "Sender":
		return true
	}
	return false
}

// Build turns m into a go-mail message, validating it.
func (s *Sender) Build(m *Outbound) (*gomail.Msg, error) {
	var v errs.Validation
	v.Check(m.From.Email != "", "from", "is required")
	v.Check(len(recipients(m)) > 0, "to", "needs at least one recipient")
	checkLine := func(field, val string) {
		v.Check(!strings.ContainsAny(val, "\r\n\x00"), field, "must be a single line")
	}
	checkLine("subject", m.Subject)
	checkLine("message_id", m.MessageID)
	checkLine("in_reply_to", m.InReplyTo)
	checkLine("envelope_from", m.EnvelopeFrom)
	for _, r := range m.References {
		checkLine("references", r)
	}
	for k, val := range m.Headers {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		v.Check(!reservedHeader(ck), "headers", ck+" is set by the sender")
		v.Check(validHeaderName(k), "headers", "invalid header name "+strconv.Quote(k))
		checkLine("headers", val)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(m.From.Name, m.From.Email); err != nil {
		return nil, errs.Invalid("from", err.Error())
	}
	if m.EnvelopeFrom != "" {
		if err := msg.EnvelopeFrom(m.EnvelopeFrom); err != nil {
			return nil, errs.Invalid("envelope_from", err.Error())
		}
	}
	for _, a := range m.To {
		if err := msg.AddToFormat(a.Name, a.Email); err != nil {
			return nil, errs.Invalid("to", err.Error())
		}
	}
	for _, a := range m.Cc {
		if err := msg.AddCcFormat(a.Name, a.Email); err != nil {
			return nil, errs.Invalid("cc", err.Error())
		}
	}
	if m.ReplyTo.Email != "" {
		if err := msg.ReplyToFormat(m.ReplyTo.Name, m.ReplyTo.Email); err != nil {
			return nil, errs.Invalid("reply_to", err.Error())
		}
	}
	subject := m.Subject
	if m.TicketID > 0 {
		subject = SubjectWithToken(subject, m.TicketID)
	}
	msg.Subject(subject)

	id := strings.Trim(m.MessageID, "<> ")
	if id == "" {
		id = randomMessageID(m.From.Email)
	}
	msg.SetMessageIDWithValue(id)
	if irt := strings.Trim(m.InReplyTo, "<> "); irt != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+irt+">")
	}
	if refs := ReplyReferences(m.References, strings.Trim(m.InReplyTo, "<> ")); len(refs) > 0 {
		msg.SetGenHeader(gomail.HeaderReferences, "<"+strings.Join(refs, "> <")+">")
	}
	date := m.Date
	if date.IsZero() {
		date = s.clock.Now()
	}
	msg.SetDateWithValue(date)
	for k, val := range m.Headers {
		msg.SetGenHeader(gomail.Header(textproto.CanonicalMIMEHeaderKey(k)), val)
	}

	text := m.Text
	if text == "" && m.HTML != "" {
		text = htmlToText(m.HTML)
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		name := a.Filename
		if name == "" {
			name = "attachment"
		}
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		var err error
		if a.Inline {
			if a.ContentID != "" {
				opts = append(opts, gomail.WithFileContentID(strings.Trim(a.ContentID, "<>")))
			}
			err = msg.EmbedReader(name, bytes.NewReader(a.Data), opts...)
		} else {
			err = msg.AttachReader(name, bytes.NewReader(a.Data), opts...)
		}
		if err != nil {
			return nil, errs.Invalid("attachments", err.Error())
		}
	}
	return msg, nil
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r > '~' || r == ':' {
			return false
		}
	}
	return true
}

func randomMessageID(from string) string {
	_, domain, ok := strings.Cut(from, "@")
	if !ok || domain == "" {
		domain = "localhost"
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "frontline." + hex.EncodeToString(b[:]) + "@" + strings.ToLower(domain)
}
