package mail

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail/mailtest"
)

func newTestSender(t *testing.T, r *mailtest.Relay, mod func(*SenderConfig)) *Sender {
	t.Helper()
	cfg := SenderConfig{
		Host:    r.Host(),
		Port:    r.Port(),
		TLS:     TLSNone,
		HELO:    "frontline.test",
		Timeout: 5 * time.Second,
		Clock:   clock.NewFake(time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)),
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func replyMessage() *Outbound {
	return &Outbound{
		From:       Address{Name: "Acme Support", Email: "support@example.com"},
		ReplyTo:    Address{Name: "Acme Support", Email: PlusAddress("support@example.com", 1234)},
		To:         []Address{{Name: "Alice Example", Email: "alice@customer.example"}},
		Cc:         []Address{{Name: "Bob", Email: "Bob@Contoso.com"}, {Email: "ops@navy.example"}},
		Subject:    "Re: Printer on fire",
		TicketID:   1234,
		Text:       "Hi Alice,\n\nThe technician is on the way.\n",
		HTML:       "<p>Hi Alice,</p><p>The technician is <b>on the way</b>.</p>",
		MessageID:  OutboundMessageID(1234, 5679, "example.com"),
		InReplyTo:  "CAH+reply.99@mail.gmail.com",
		References: []string{"CAB1x2y3z.4@mail.customer.example", "frontline.t1234.c5678@example.com"},
		Headers:    map[string]string{"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
		Attachments: []Attachment{
			{Filename: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")},
			{Filename: "logo.png", ContentType: "image/png", ContentID: "logo@example.com", Inline: true, Data: []byte("\x89PNG\r\n\x1a\nfake")},
		},
	}
}

func TestSenderThreadingHeadersOnTheWire(t *testing.T) {
	r := mailtest.NewRelay(t)
	s := newTestSender(t, r, nil)
	res, err := s.Send(context.Background(), replyMessage())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	eq(t, "accepted", res.Accepted, []string{"alice@customer.example", "bob@contoso.com", "ops@navy.example"})
	eq(t, "rejected", len(res.Rejected), 0)

	msgs := r.Messages()
	if len(msgs) != 1 {
		t.Fatalf("relay got %d messages", len(msgs))
	}
	m := msgs[0]
	eq(t, "MAIL FROM", m.From, "support@example.com")
	// Cc recipients really received via RCPT TO.
	eq(t, "RCPT TO", m.To, []string{"alice@customer.example", "bob@contoso.com", "ops@navy.example"})

	// Parse what went over the wire with our own parser.
	in, err := Parse(m.Raw)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Message-ID", in.MessageID, "frontline.t1234.c5679@example.com")
	eq(t, "In-Reply-To", in.InReplyTo, "CAH+reply.99@mail.gmail.com")
	eq(t, "References", in.References, []string{"CAB1x2y3z.4@mail.customer.example", "frontline.t1234.c5678@example.com", "CAH+reply.99@mail.gmail.com"})
	eq(t, "Subject", in.Subject, "Re: Printer on fire [#1234]")
	eq(t, "From", in.From, Address{Name: "Acme Support", Email: "support@example.com"})
	eq(t, "Reply-To", in.ReplyTo, []Address{{Name: "Acme Support", Email: "support+id1234@example.com"}})
	eq(t, "Cc", in.Cc, []Address{{Name: "Bob", Email: "bob@contoso.com"}, {Email: "ops@navy.example"}})
	eq(t, "Auto-Submitted", in.Header("Auto-Submitted"), "auto-replied")
	eq(t, "X-Auto-Response-Suppress", in.Header("X-Auto-Response-Suppress"), "All")
	eq(t, "Date", in.Date.UTC(), time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC))
	contains(t, in.Text, "The technician is on the way.")
	contains(t, in.HTML, "<b>on the way</b>")
	eq(t, "attachments", len(in.Attachments), 2)
	for _, a := range in.Attachments {
		switch a.Filename {
		case "invoice.pdf":
			eq(t, "pdf", string(a.Data), "%PDF-1.4 test")
			eq(t, "pdf inline", a.Inline, false)
		case "logo.png":
			eq(t, "cid", a.ContentID, "logo@example.com")
			eq(t, "png inline", a.Inline, true)
		default:
			t.Errorf("unexpected attachment %q", a.Filename)
		}
	}
	// Our notification coming back is recognised as a loop and as threaded.
	eq(t, "loop", Decide(in, nil, "support@example.com").Verdict, Drop)
	th, err := Resolve(&Inbound{MessageID: "x@y", InReplyTo: in.MessageID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "thread", th.TicketID, int64(1234))
	// Raw header lines, as mail clients read them.
	raw := string(m.Raw)
	contains(t, raw, "\r\nMessage-ID: <frontline.t1234.c5679@example.com>\r\n")
	contains(t, raw, "\r\nIn-Reply-To: <CAH+reply.99@mail.gmail.com>\r\n")
}

func TestSenderReferencesFromInReplyToOnly(t *testing.T) {
	r := mailtest.NewRelay(t)
	s := newTestSender(t, r, nil)
	m := &Outbound{From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@customer.example"}}, Subject: "Hi", Text: "x", InReplyTo: "<parent@customer.example>"}
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	in, err := Parse(r.Messages()[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "References", in.References, []string{"parent@customer.example"})
	eq(t, "generated id domain", strings.HasSuffix(in.MessageID, "@example.com"), true)
	eq(t, "no token without ticket", in.Subject, "Hi")
	eq(t, "no reply-to", len(in.ReplyTo), 0)
}

func TestSenderHTMLOnlyGetsTextPart(t *testing.T) {
	r := mailtest.NewRelay(t)
	s := newTestSender(t, r, nil)
	m := &Outbound{From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@customer.example"}}, Subject: "Hi", HTML: "<p>Hello <b>there</b></p><ul><li>one</li></ul>"}
	if _, err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	raw := string(r.Messages()[0].Raw)
	contains(t, raw, "multipart/alternative")
	in, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "text", in.Text, "Hello there\n\n- one")
}

func TestSenderErrorClassification(t *testing.T) {
	ctx := context.Background()
	t.Run("4xx on DATA is temporary", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.FailData(451, "4.3.0 try later", 1)
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, replyMessage())
		var se *SendError
		if !errors.As(err, &se) {
			t.Fatalf("err = %v", err)
		}
		eq(t, "permanent", se.Permanent, false)
		eq(t, "code", se.Code, 451)
		eq(t, "IsPermanent", IsPermanent(err), false)
		// The relay recovers: the retry goes through.
		if _, err := s.Send(ctx, replyMessage()); err != nil {
			t.Fatalf("retry: %v", err)
		}
		eq(t, "delivered", len(r.Messages()), 1)
	})
	t.Run("5xx on DATA is permanent", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.FailData(554, "5.7.1 message refused", 1)
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, replyMessage())
		eq(t, "IsPermanent", IsPermanent(err), true)
		var se *SendError
		errors.As(err, &se)
		eq(t, "code", se.Code, 554)
	})
	t.Run("5xx on MAIL FROM is permanent", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.FailMail(550, "5.7.1 sender not allowed", 1)
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, replyMessage())
		eq(t, "IsPermanent", IsPermanent(err), true)
	})
	t.Run("4xx on MAIL FROM is temporary", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.FailMail(421, "4.7.0 too many connections", 1)
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, replyMessage())
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want temporary", err)
		}
	})
	t.Run("one Cc refused 5xx: others still get it", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.RejectRcpt("ops@navy.example", 550, "5.1.1 no such user")
		s := newTestSender(t, r, nil)
		res, err := s.Send(ctx, replyMessage())
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "accepted", res.Accepted, []string{"alice@customer.example", "bob@contoso.com"})
		eq(t, "rejected", len(res.Rejected), 1)
		eq(t, "rejected addr", res.Rejected[0].Address, "ops@navy.example")
		eq(t, "rejected code", res.Rejected[0].Code, 550)
		eq(t, "relay rcpts", r.Messages()[0].To, []string{"alice@customer.example", "bob@contoso.com"})
	})
	t.Run("all recipients refused 5xx is permanent", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.RejectRcpt("a@customer.example", 550, "")
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, &Outbound{From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@customer.example"}}, Subject: "x", Text: "y"})
		eq(t, "IsPermanent", IsPermanent(err), true)
		eq(t, "nothing sent", len(r.Messages()), 0)
	})
	t.Run("one recipient 4xx defers the whole message", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		r.RejectRcpt("bob@contoso.com", 452, "4.2.2 mailbox full")
		s := newTestSender(t, r, nil)
		_, err := s.Send(ctx, replyMessage())
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want temporary", err)
		}
		eq(t, "nothing sent", len(r.Messages()), 0)
	})
	t.Run("connection refused is temporary", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		s, err := NewSender(SenderConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Send(ctx, replyMessage())
		var se *SendError
		if !errors.As(err, &se) || se.Permanent || se.Op != "connect" {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("mandatory TLS without STARTTLS is temporary", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		s := newTestSender(t, r, func(c *SenderConfig) { c.TLS = TLSMandatory })
		_, err := s.Send(ctx, replyMessage())
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want temporary", err)
		}
		eq(t, "nothing sent", len(r.Messages()), 0)
	})
	t.Run("invalid message is permanent", func(t *testing.T) {
		r := mailtest.NewRelay(t)
		s := newTestSender(t, r, nil)
		for name, m := range map[string]*Outbound{
			"no recipients":    {From: Address{Email: "support@example.com"}, Subject: "x"},
			"no from":          {To: []Address{{Email: "a@b.example"}}},
			"header injection": {From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@b.example"}}, Subject: "x\r\nBcc: victim@evil.example"},
			"reserved header":  {From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@b.example"}}, Headers: map[string]string{"message-id": "<x@y>"}},
			"bad header name":  {From: Address{Email: "support@example.com"}, To: []Address{{Email: "a@b.example"}}, Headers: map[string]string{"X Bad": "1"}},
			"bad address":      {From: Address{Email: "support@example.com"}, To: []Address{{Email: "not an address"}}},
		} {
			_, err := s.Send(ctx, m)
			if !IsPermanent(err) {
				t.Errorf("%s: err = %v, want permanent", name, err)
			}
			if !errs.Is(errors.Unwrap(err), errs.KindInvalid) {
				t.Errorf("%s: want a validation error inside, got %v", name, err)
			}
		}
		eq(t, "nothing sent", len(r.Messages()), 0)
		eq(t, "no connection for invalid messages", r.Connections(), 0)
	})
}

func TestSenderAuth(t *testing.T) {
	r := mailtest.NewRelay(t)
	r.RequireAuth("frontline", "s3cret")
	ok := newTestSender(t, r, func(c *SenderConfig) { c.Username, c.Password = "frontline", "s3cret" })
	if _, err := ok.Send(context.Background(), replyMessage()); err != nil {
		t.Fatalf("Send with credentials: %v", err)
	}
	eq(t, "delivered", len(r.Messages()), 1)

	bad := newTestSender(t, r, func(c *SenderConfig) { c.Username, c.Password = "frontline", "wrong" })
	_, err := bad.Send(context.Background(), replyMessage())
	// Bad credentials are a configuration problem, not the message's: keep
	// retrying until an operator fixes them.
	if err == nil || IsPermanent(err) {
		t.Fatalf("err = %v, want temporary", err)
	}
	anon := newTestSender(t, r, nil)
	_, err = anon.Send(context.Background(), replyMessage())
	if err == nil || IsPermanent(err) {
		t.Fatalf("unauthenticated send: err = %v, want temporary", err)
	}
	eq(t, "delivered", len(r.Messages()), 1)
}

func TestSenderContextCancelled(t *testing.T) {
	r := mailtest.NewRelay(t)
	s := newTestSender(t, r, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Send(ctx, replyMessage())
	if err == nil || IsPermanent(err) {
		t.Fatalf("err = %v, want temporary", err)
	}
}

func TestNewSenderValidation(t *testing.T) {
	if _, err := NewSender(SenderConfig{}); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("missing host: %v", err)
	}
	if _, err := NewSender(SenderConfig{Host: "h", TLS: "sometimes"}); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("bad tls: %v", err)
	}
	s, err := NewSender(SenderConfig{Host: "smtp.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "defaults", []any{s.cfg.Port, s.cfg.TLS, s.cfg.HELO}, []any{587, TLSMandatory, "localhost"})
	s, _ = NewSender(SenderConfig{Host: "smtp.example.com", TLS: TLSImplicit})
	eq(t, "implicit port", s.cfg.Port, 465)
}

func TestReplyReferences(t *testing.T) {
	eq(t, "append", ReplyReferences([]string{"a@x", "b@x"}, "c@x"), []string{"a@x", "b@x", "c@x"})
	eq(t, "no dup", ReplyReferences([]string{"a@x", "c@x"}, "c@x"), []string{"a@x", "c@x"})
	eq(t, "brackets", ReplyReferences([]string{"<a@x>"}, "<c@x>"), []string{"a@x", "c@x"})
	var long []string
	for i := range 50 {
		long = append(long, string(rune('a'+i%26))+strings.Repeat("x", i)+"@x")
	}
	got := ReplyReferences(long, "last@x")
	eq(t, "capped", len(got), maxReferences)
	eq(t, "keeps root", got[0], long[0])
	eq(t, "keeps parent", got[len(got)-1], "last@x")
}
