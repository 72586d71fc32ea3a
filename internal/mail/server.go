package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mailbox is one of our receiving addresses and where its mail goes.
type Mailbox struct {
	Address string
	GroupID int64
	Group   string // group name, used when GroupID is 0 (resolved by Store)
	Brand   string
}

// Envelope is the SMTP envelope of a received message. To holds the
// accepted recipients (all ours); Mailbox is the mailbox of the first one.
type Envelope struct {
	From    string // MAIL FROM; "" for the null sender <>
	To      []string
	Mailbox Mailbox
	// The SMTP client, for SPF: its IP address and the name it gave in
	// HELO/EHLO. Empty for mail fetched over IMAP.
	RemoteIP net.IP
	HELO     string
	Channel  string // "smtp" or "imap"
}

// Channels of Envelope.Channel.
const (
	ChannelSMTP = "smtp"
	ChannelIMAP = "imap"
)

// Deliverer receives accepted messages. Deliver must return nil only once the
// message is durably stored: the SMTP server answers 250 after that and the
// sender forgets the message. Any other error makes the server answer 451
// (temporary) so the sender retries later, except errors made by Reject or
// RejectCode, which give a permanent 5xx. Deliver may be called again for a
// message it already stored (a lost 250 makes the sender retry):
// deduplicate on Message-ID.
type Deliverer interface {
	Deliver(ctx context.Context, env Envelope, raw []byte) error
}

// RejectRecorder is implemented by Deliverers that keep the messages the
// server itself refuses before delivery (a line too long), for an admin to
// inspect. raw is what was received up to the refusal.
type RejectRecorder interface {
	RecordRejected(ctx context.Context, env Envelope, raw []byte, code, reason string) error
}

// DelivererFunc adapts a function to Deliverer.
type DelivererFunc func(ctx context.Context, env Envelope, raw []byte) error

// Deliver calls f.
func (f DelivererFunc) Deliver(ctx context.Context, env Envelope, raw []byte) error {
	return f(ctx, env, raw)
}

// RejectError is a permanent refusal of a message by the Deliverer.
type RejectError struct {
	Reason string
	// SMTP reply; 554 5.7.1 when zero.
	Code     int
	Enhanced [3]int
}

func (e *RejectError) Error() string { return "message rejected: " + e.Reason }

// Reject returns an error that makes the server refuse the message
// permanently (554 5.7.1), e.g. for a blocked sender.
func Reject(reason string) error { return &RejectError{Reason: reason} }

// RejectCode refuses a message permanently with the given 5xx reply, e.g.
// 554 5.6.0 for content the server will not process.
func RejectCode(code int, enhanced [3]int, reason string) error {
	return &RejectError{Reason: reason, Code: code, Enhanced: enhanced}
}

func (e *RejectError) smtp() *smtp.SMTPError {
	code, enh := e.Code, e.Enhanced
	if code < 500 || code > 599 {
		code, enh = 554, [3]int{5, 7, 1}
	}
	if enh[0] != 5 {
		enh = [3]int{5, 0, 0}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode(enh), Message: "Message rejected: " + oneLine(e.Reason)}
}

// ServerConfig configures the inbound SMTP server.
type ServerConfig struct {
	Addr            string             // listen address; default 127.0.0.1:2525
	Domain          string             // name announced in the greeting; default "localhost"
	Mailboxes       map[string]Mailbox // keyed by address (case-insensitive)
	MaxMessageBytes int64              // default 25 MiB
	MaxRecipients   int                // default 50
	MaxLineLength   int                // longest line of a command or of DATA; default 2000 (RFC 5321 asks for 1000)
	ReadTimeout     time.Duration      // per command; default 60s
	WriteTimeout    time.Duration      // default 60s
	DeliverTimeout  time.Duration      // bound on one Deliver call; default 2m
	TLSConfig       *tls.Config        // enables STARTTLS when set
	Logger          *slog.Logger       // default: discard
}

// Defaults for ServerConfig.
const (
	DefaultServerAddr      = "127.0.0.1:2525"
	DefaultMaxMessageBytes = 25 << 20
	DefaultMaxRecipients   = 50
	DefaultMaxLineLength   = 2000
)

// Server receives mail for the configured mailboxes over SMTP.
type Server struct {
	cfg       ServerConfig
	mailboxes map[string]Mailbox
	deliverer Deliverer
	log       *slog.Logger

	mu      sync.Mutex
	srv     *smtp.Server
	ln      net.Listener
	baseCtx context.Context
	done    chan struct{}
}

// NewServer validates cfg and returns a server that is not yet listening.
func NewServer(cfg ServerConfig, d Deliverer) (*Server, error) {
	if d == nil {
		return nil, errors.New("mail: nil Deliverer")
	}
	if len(cfg.Mailboxes) == 0 {
		return nil, errors.New("mail: no mailboxes configured")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultServerAddr
	}
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = DefaultMaxRecipients
	}
	if cfg.MaxLineLength <= 0 {
		cfg.MaxLineLength = DefaultMaxLineLength
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 60 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 60 * time.Second
	}
	if cfg.DeliverTimeout <= 0 {
		cfg.DeliverTimeout = 2 * time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	boxes := make(map[string]Mailbox, len(cfg.Mailboxes))
	for k, mb := range cfg.Mailboxes {
		if mb.Address == "" {
			mb.Address = k
		}
		key := BaseAddress(k)
		if !strings.Contains(key, "@") {
			return nil, fmt.Errorf("mail: invalid mailbox address %q", k)
		}
		boxes[key] = mb
	}
	return &Server{cfg: cfg, mailboxes: boxes, deliverer: d, log: log}, nil
}

// Start listens on cfg.Addr and serves in the background. ctx is the parent
// of every Deliver call's context: cancelling it aborts deliveries in flight
// (their senders get 451 and retry). Stop the server with Shutdown.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("mail: server already started")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: listen %s: %w", s.cfg.Addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Addr = ln.Addr().String()
	srv.Domain = s.cfg.Domain
	srv.MaxMessageBytes = s.cfg.MaxMessageBytes
	srv.MaxRecipients = s.cfg.MaxRecipients
	srv.MaxLineLength = s.cfg.MaxLineLength
	srv.ReadTimeout = s.cfg.ReadTimeout
	srv.WriteTimeout = s.cfg.WriteTimeout
	srv.TLSConfig = s.cfg.TLSConfig
	srv.ErrorLog = slogAdapter{s.log}
	s.srv, s.ln, s.baseCtx, s.done = srv, ln, ctx, make(chan struct{})
	go func() {
		defer close(s.done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.log.Error("smtp server stopped", "err", err)
		}
	}()
	s.log.Info("smtp server listening", "addr", srv.Addr)
	return nil
}

// Addr returns the address the server listens on ("" before Start).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting connections and waits for open sessions to end;
// when ctx expires first, remaining connections are closed and ctx's error
// returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, ln, done := s.srv, s.ln, s.done
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	// Serve may not have registered the listener yet when Shutdown comes
	// right after Start; closing it ourselves ends Serve in any case.
	_ = ln.Close()
	if err != nil && ctx.Err() != nil {
		_ = srv.Close()
	}
	<-done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// lookupMailbox maps a recipient (plus tags allowed) to its mailbox.
func (s *Server) lookupMailbox(rcpt string) (Mailbox, bool) {
	mb, ok := s.mailboxes[BaseAddress(rcpt)]
	return mb, ok
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	se := &session{s: s, c: c}
	if c.Conn() != nil {
		se.remote = c.Conn().RemoteAddr().String()
		if ta, ok := c.Conn().RemoteAddr().(*net.TCPAddr); ok {
			se.remoteIP = ta.IP
		}
	}
	return se, nil
}

type session struct {
	s        *Server
	c        *smtp.Conn
	remote   string
	remoteIP net.IP

	from    string
	hasFrom bool
	to      []string
	box     Mailbox
}

func (se *session) Reset() {
	se.from, se.hasFrom, se.to, se.box = "", false, nil, Mailbox{}
}

func (se *session) Logout() error { return nil }

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.Reset()
	se.from, se.hasFrom = from, true
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	mb, ok := se.s.lookupMailbox(to)
	if !ok {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	if len(se.to) == 0 {
		se.box = mb
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	// Final delivery adds Return-Path (RFC 5321 4.4) so parsing sees the
	// envelope sender, exactly as for mail fetched over IMAP.
	fmt.Fprintf(&buf, "Return-Path: <%s>\r\n", sanitizeEnvelopeAddr(se.from))
	env := Envelope{From: se.from, To: append([]string(nil), se.to...), Mailbox: se.box,
		RemoteIP: se.remoteIP, HELO: se.c.Hostname(), Channel: ChannelSMTP}
	ctx, cancel := context.WithTimeout(se.s.baseCtx, se.s.cfg.DeliverTimeout)
	defer cancel()
	if _, err := buf.ReadFrom(r); err != nil {
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) {
			return err // 552 message too big
		}
		if errors.Is(err, smtp.ErrTooLongLine) {
			// Permanent: the same message would fail again. What arrived is
			// kept for an admin (the connection ends after this reply).
			reason := fmt.Sprintf("a line is longer than %d bytes (RFC 5321 allows 1000)", se.s.cfg.MaxLineLength)
			se.s.log.Info("mail rejected", "remote", se.remote, "from", se.from, "reason", reason)
			if rr, ok := se.s.deliverer.(RejectRecorder); ok {
				if err := rr.RecordRejected(ctx, env, buf.Bytes(), LimitLineLength, reason+"; message truncated where the line began"); err != nil {
					se.s.log.Error("recording a rejected message failed", "err", err)
				}
			}
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message rejected: " + reason}
		}
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Error reading message, try again later"}
	}
	err := se.s.deliverer.Deliver(ctx, env, buf.Bytes())
	if err == nil {
		se.s.log.Info("mail delivered", "remote", se.remote, "from", se.from, "to", se.to, "bytes", buf.Len())
		return nil
	}
	var rej *RejectError
	if errors.As(err, &rej) {
		se.s.log.Info("mail rejected", "remote", se.remote, "from", se.from, "reason", rej.Reason)
		return rej.smtp()
	}
	se.s.log.Error("mail delivery failed", "remote", se.remote, "from", se.from, "err", err)
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, try again later"}
}

// sanitizeEnvelopeAddr keeps the address on one header line.
func sanitizeEnvelopeAddr(a string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '<' || r == '>' {
			return -1
		}
		return r
	}, a)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// slogAdapter lets go-smtp log through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Printf(format string, v ...any) { a.l.Warn(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Println(v ...any)               { a.l.Warn(strings.TrimSpace(fmt.Sprintln(v...))) }
