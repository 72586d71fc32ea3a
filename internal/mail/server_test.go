package mail

import (
	"bytes"
	"context"
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// memDeliverer stores deliveries in memory and can be told to fail.
type memDeliverer struct {
	mu        sync.Mutex
	fail      error
	envs      []Envelope
	raws      [][]byte
	seenIDs   map[string]bool
	duplicate int
	p         *Parser
}

func newMemDeliverer() *memDeliverer {
	return &memDeliverer{seenIDs: map[string]bool{}, p: NewParser()}
}

func (m *memDeliverer) Deliver(_ context.Context, env Envelope, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	in, err := m.p.Parse(raw)
	if err != nil {
		return Reject(err.Error())
	}
	if m.seenIDs[in.MessageID] { // dedup as the store must
		m.duplicate++
		return nil
	}
	m.seenIDs[in.MessageID] = true
	m.envs = append(m.envs, env)
	m.raws = append(m.raws, raw)
	return nil
}

func (m *memDeliverer) setFail(err error) {
	m.mu.Lock()
	m.fail = err
	m.mu.Unlock()
}

func (m *memDeliverer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.envs)
}

func startServer(t *testing.T, cfg ServerConfig, d Deliverer) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Mailboxes == nil {
		cfg.Mailboxes = map[string]Mailbox{
			"Support@Example.com": {GroupID: 1, Brand: "acme"},
			"billing@example.com": {Address: "billing@example.com", GroupID: 2, Brand: "acme"},
		}
	}
	s, err := NewServer(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// sendRaw runs one SMTP transaction and returns the error of the final
// DATA reply (or of the first failing command).
func sendRaw(c *smtp.Client, from string, to []string, raw []byte) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

func smtpCode(err error) int {
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		return tpe.Code
	}
	return 0
}

func TestServerDeliversToConfiguredMailbox(t *testing.T) {
	d := newMemDeliverer()
	s := startServer(t, ServerConfig{}, d)
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") || strings.HasSuffix(s.Addr(), ":0") {
		t.Fatalf("Addr = %q", s.Addr())
	}
	c := dial(t, s.Addr())
	raw := readFixture(t, "gmail_reply.eml")
	// Plus-addressed recipient maps to the support mailbox.
	if err := sendRaw(c, "alice@customer.example", []string{"support+id1234@example.com", "billing@example.com"}, raw); err != nil {
		t.Fatalf("send: %v", err)
	}
	if d.count() != 1 {
		t.Fatalf("deliveries = %d", d.count())
	}
	env := d.envs[0]
	eq(t, "from", env.From, "alice@customer.example")
	eq(t, "to", env.To, []string{"support+id1234@example.com", "billing@example.com"})
	eq(t, "mailbox", env.Mailbox, Mailbox{Address: "Support@Example.com", GroupID: 1, Brand: "acme"})
	got := d.raws[0]
	if !bytes.HasPrefix(got, []byte("Return-Path: <alice@customer.example>\r\n")) {
		t.Errorf("Return-Path not prepended: %q", got[:60])
	}
	if !bytes.HasSuffix(got, raw) {
		t.Error("message body altered")
	}
	in, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "parsed return path", in.ReturnPath, "alice@customer.example")
	eq(t, "visible", in.VisibleText, "Thanks, that fixed it!\n\nBest,\nAlice")
}

func TestServerNullSenderMarksAutoSubmitted(t *testing.T) {
	d := newMemDeliverer()
	s := startServer(t, ServerConfig{}, d)
	c := dial(t, s.Addr())
	raw := []byte("From: Some System <system@vendor.example>\r\nTo: support@example.com\r\nSubject: notice\r\nMessage-ID: <n1@vendor.example>\r\n\r\nhello\r\n")
	if err := sendRaw(c, "", []string{"support@example.com"}, raw); err != nil {
		t.Fatal(err)
	}
	in, err := Parse(d.raws[0])
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "auto", in.AutoSubmitted, true)
	eq(t, "decision", Decide(in, nil, "support@example.com").Verdict, AcceptNoAutoReply)
}

func TestServerRejectsUnknownRecipient(t *testing.T) {
	d := newMemDeliverer()
	s := startServer(t, ServerConfig{}, d)
	c := dial(t, s.Addr())
	if err := c.Mail("x@customer.example"); err != nil {
		t.Fatal(err)
	}
	err := c.Rcpt("nobody@example.com")
	eq(t, "code", smtpCode(err), 550)
	contains(t, err.Error(), "5.1.1")
	// The session goes on: a valid recipient in the same transaction works.
	if err := c.Rcpt("billing@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("From: x@customer.example\r\nSubject: s\r\n\r\nb\r\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	eq(t, "delivered", d.count(), 1)
	eq(t, "mailbox", d.envs[0].Mailbox.GroupID, int64(2))
	eq(t, "to", d.envs[0].To, []string{"billing@example.com"})
}

func TestServerMessageTooBig(t *testing.T) {
	d := newMemDeliverer()
	s := startServer(t, ServerConfig{MaxMessageBytes: 1024}, d)
	c := dial(t, s.Addr())
	big := "From: a@customer.example\r\nSubject: big\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 200)
	err := sendRaw(c, "a@customer.example", []string{"support@example.com"}, []byte(big))
	eq(t, "code", smtpCode(err), 552)
	eq(t, "delivered", d.count(), 0)
	// The connection is still usable for a small message.
	if err := sendRaw(c, "a@customer.example", []string{"support@example.com"}, []byte("From: a@customer.example\r\nSubject: small\r\n\r\nok\r\n")); err != nil {
		t.Fatalf("small message after 552: %v", err)
	}
	eq(t, "delivered", d.count(), 1)
}

func TestServerMaxRecipients(t *testing.T) {
	d := newMemDeliverer()
	s := startServer(t, ServerConfig{MaxRecipients: 1}, d)
	c := dial(t, s.Addr())
	if err := c.Mail("a@customer.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@example.com"); err != nil {
		t.Fatal(err)
	}
	err := c.Rcpt("billing@example.com")
	if code := smtpCode(err); code/100 != 4 {
		t.Errorf("second recipient: code %d (%v), want 4xx", code, err)
	}
}

// A failing store must make the sender retry: 451, nothing acknowledged;
// the retry succeeds once the store is back.
func TestServerDeliverFailureIsTemporaryAndRetrySucceeds(t *testing.T) {
	d := newMemDeliverer()
	d.setFail(errors.New("database is down"))
	s := startServer(t, ServerConfig{}, d)
	raw := readFixture(t, "plain.eml")

	c := dial(t, s.Addr())
	err := sendRaw(c, "alice@customer.example", []string{"support@example.com"}, raw)
	if code := smtpCode(err); code != 451 {
		t.Fatalf("code = %d (%v), want 451", code, err)
	}
	notContains(t, err.Error(), "database") // internal errors are not leaked
	eq(t, "delivered", d.count(), 0)
	_ = c.Quit()

	// Later, the sending MTA retries on a new connection.
	d.setFail(nil)
	c2 := dial(t, s.Addr())
	if err := sendRaw(c2, "alice@customer.example", []string{"support@example.com"}, raw); err != nil {
		t.Fatalf("retry: %v", err)
	}
	eq(t, "delivered", d.count(), 1)
	// A duplicate retry (e.g. our 250 was lost) is deduplicated by Message-ID.
	if err := sendRaw(c2, "alice@customer.example", []string{"support@example.com"}, raw); err != nil {
		t.Fatal(err)
	}
	eq(t, "delivered", d.count(), 1)
	eq(t, "duplicates", d.duplicate, 1)
}

func TestServerRejectIsPermanent(t *testing.T) {
	d := newMemDeliverer()
	d.setFail(Reject("sender is blocked"))
	s := startServer(t, ServerConfig{}, d)
	c := dial(t, s.Addr())
	err := sendRaw(c, "spam@bad.example", []string{"support@example.com"}, []byte("From: spam@bad.example\r\nSubject: buy\r\n\r\nx\r\n"))
	eq(t, "code", smtpCode(err), 554)
	contains(t, err.Error(), "sender is blocked")
}

func TestServerDeliverContextDeadline(t *testing.T) {
	var mu sync.Mutex
	var deadline time.Time
	d := DelivererFunc(func(ctx context.Context, _ Envelope, _ []byte) error {
		mu.Lock()
		defer mu.Unlock()
		deadline, _ = ctx.Deadline()
		return nil
	})
	s := startServer(t, ServerConfig{DeliverTimeout: time.Minute}, d)
	c := dial(t, s.Addr())
	if err := sendRaw(c, "a@customer.example", []string{"support@example.com"}, []byte("Subject: s\r\n\r\nb\r\n")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if left := time.Until(deadline); left <= 0 || left > time.Minute {
		t.Errorf("Deliver context deadline in %v, want within 1m", left)
	}
}

func TestServerShutdownWaitsThenForces(t *testing.T) {
	d := newMemDeliverer()
	s, err := NewServer(ServerConfig{Addr: "127.0.0.1:0", Mailboxes: map[string]Mailbox{"support@example.com": {}}}, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Error("second Start succeeded")
	}
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	// An idle open connection keeps graceful shutdown waiting until ctx ends,
	// then it is closed.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = s.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want deadline exceeded", err)
	}
	if _, err := smtp.Dial(s.Addr()); err == nil {
		t.Error("server still accepting after Shutdown")
	}
}

func TestNewServerValidation(t *testing.T) {
	d := newMemDeliverer()
	if _, err := NewServer(ServerConfig{}, d); err == nil {
		t.Error("no mailboxes accepted")
	}
	if _, err := NewServer(ServerConfig{Mailboxes: map[string]Mailbox{"support": {}}}, d); err == nil {
		t.Error("invalid mailbox accepted")
	}
	if _, err := NewServer(ServerConfig{Mailboxes: map[string]Mailbox{"a@b.example": {}}}, nil); err == nil {
		t.Error("nil deliverer accepted")
	}
	s, err := NewServer(ServerConfig{Mailboxes: map[string]Mailbox{"a@b.example": {}}}, d)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "default addr", s.cfg.Addr, DefaultServerAddr)
	eq(t, "not started", s.Addr(), "")
}
