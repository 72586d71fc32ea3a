// Package mailtest provides a real SMTP relay on a loopback port for tests:
// it captures received messages and can be told to refuse recipients or
// messages with chosen reply codes.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the relay accepted.
type Message struct {
	From string   // MAIL FROM
	To   []string // accepted RCPT TO addresses, lower-cased
	Raw  []byte   // message data as received (CRLF line endings)
}

// Relay is a capturing SMTP server on 127.0.0.1.
type Relay struct {
	srv *smtp.Server
	ln  net.Listener

	mu          sync.Mutex
	msgs        []Message
	rcptReplies map[string]*smtp.SMTPError
	dataFails   []*smtp.SMTPError
	mailFails   []*smtp.SMTPError
	user, pass  string
	conns       int
}

// NewRelay starts a relay on 127.0.0.1 with a free port and stops it when
// the test ends.
func NewRelay(tb testing.TB) *Relay {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	r := &Relay{ln: ln, rcptReplies: map[string]*smtp.SMTPError{}}
	srv := smtp.NewServer(smtp.BackendFunc(r.newSession))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 32 << 20
	srv.ErrorLog = nopLogger{}
	r.srv = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	tb.Cleanup(func() {
		_ = srv.Close()
		_ = ln.Close() // Serve may not have registered ln yet
		<-done
	})
	return r
}

// Addr is host:port of the relay.
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// Host is the relay's IP address.
func (r *Relay) Host() string { return r.ln.Addr().(*net.TCPAddr).IP.String() }

// Port is the relay's TCP port.
func (r *Relay) Port() int { return r.ln.Addr().(*net.TCPAddr).Port }

// RequireAuth makes the relay demand AUTH PLAIN with these credentials
// before MAIL FROM.
func (r *Relay) RequireAuth(username, password string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.user, r.pass = username, password
}

// RejectRcpt makes RCPT TO addr fail with code (4xx or 5xx) from now on.
func (r *Relay) RejectRcpt(addr string, code int, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rcptReplies[strings.ToLower(addr)] = reply(code, msg)
}

// FailData makes the next n messages fail after DATA with code.
func (r *Relay) FailData(code int, msg string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.dataFails = append(r.dataFails, reply(code, msg))
	}
}

// FailMail makes the next n MAIL FROM commands fail with code.
func (r *Relay) FailMail(code int, msg string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.mailFails = append(r.mailFails, reply(code, msg))
	}
}

// Messages returns a copy of the accepted messages, oldest first.
func (r *Relay) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, len(r.msgs))
	for i, m := range r.msgs {
		out[i] = Message{From: m.From, To: append([]string(nil), m.To...), Raw: bytes.Clone(m.Raw)}
	}
	return out
}

// Connections returns how many connections the relay has accepted.
func (r *Relay) Connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

func reply(code int, msg string) *smtp.SMTPError {
	if msg == "" {
		msg = "refused by test relay (" + strconv.Itoa(code) + ")"
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
}

func (r *Relay) newSession(*smtp.Conn) (smtp.Session, error) {
	r.mu.Lock()
	r.conns++
	needAuth := r.user != ""
	r.mu.Unlock()
	s := &session{r: r, needAuth: needAuth}
	if needAuth {
		return &authSession{s}, nil
	}
	return s, nil
}

type session struct {
	r        *Relay
	needAuth bool
	authed   bool
	from     string
	to       []string
}

type authSession struct{ *session }

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (a *authSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		a.r.mu.Lock()
		ok := username == a.r.user && password == a.r.pass
		a.r.mu.Unlock()
		if !ok {
			return smtp.ErrAuthFailed
		}
		a.authed = true
		return nil
	}), nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.needAuth && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if len(s.r.mailFails) > 0 {
		e := s.r.mailFails[0]
		s.r.mailFails = s.r.mailFails[1:]
		return e
	}
	s.from, s.to = from, nil
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	to = strings.ToLower(to)
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if e, ok := s.r.rcptReplies[to]; ok {
		return e
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(rd io.Reader) error {
	raw, err := io.ReadAll(rd)
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return se
		}
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if len(s.r.dataFails) > 0 {
		e := s.r.dataFails[0]
		s.r.dataFails = s.r.dataFails[1:]
		return e
	}
	s.r.msgs = append(s.r.msgs, Message{From: s.from, To: append([]string(nil), s.to...), Raw: raw})
	return nil
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}
