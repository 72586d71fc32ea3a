package mail

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/frontline/frontline/internal/ticket"
)

// manyParts is a multipart message with n parts.
func manyParts(n int) []byte {
	var b strings.Builder
	b.WriteString("From: many@customer.example\r\nTo: support@example.com\r\nSubject: many\r\nMessage-ID: <many@customer.example>\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n")
	for i := range n {
		fmt.Fprintf(&b, "--m\r\nContent-Type: text/plain\r\n\r\n%d\r\n", i)
	}
	b.WriteString("--m--\r\n")
	return []byte(b.String())
}

// returnPath is what the listener prepends to every message it receives.
func returnPath(from string) []byte { return []byte("Return-Path: <" + from + ">\r\n") }

// Every hostile message ends in a defined outcome, on both engines: either
// a permanent 5xx with the message kept byte-exact in mail_rejected for an
// admin, or a 250 with the message stored byte-exact in mail_messages and
// every text field storable (valid UTF-8, no NUL). Nothing is answered
// 451 (which makes relays retry for days, then bounce).
func TestHostileMessagesEndInADefinedOutcome(t *testing.T) {
	nul := message("Alice <alice@customer.example>", "support@example.com", "Printer\x00 on fire", "nul.1@customer.example", "", "",
		"Line one\x00line two")
	badUTF8 := []byte("From: =?utf-8?Q?Al=FFice?= <alice@customer.example>\r\nTo: support@example.com\r\nSubject: caf\xe9 \xff\xfe\r\n" +
		"Message-ID: <utf8.1@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBad \xff\xfe bytes \xc3\x28 here\r\n")
	longHeader := []byte("From: alice@customer.example\r\nTo: support@example.com\r\nSubject: long\r\nX-Long: " +
		strings.Repeat("a", 100<<10) + "\r\n\r\nbody\r\n")
	cases := []struct {
		name     string
		raw      []byte
		forged   bool // not DKIM-signed even when the domain could sign
		code     int
		rejected string // reason code kept in mail_rejected; "" when stored
		check    func(t *testing.T, c *channel)
	}{
		{name: "deep nesting (40 unclosed levels)", raw: nestedMessage(40, false), code: 554, rejected: LimitMIMEDepth},
		{name: "deep nesting (200 closed levels)", raw: nestedMessage(200, true), code: 554, rejected: LimitMIMEDepth},
		{name: "too many parts", raw: manyParts(600), code: 554, rejected: LimitMIMEParts},
		{name: "100 KB header line", raw: longHeader, code: 554, rejected: LimitLineLength},
		{name: "unparseable", raw: []byte("\r\n\r\n"), code: 554, rejected: RejectUnparseable},
		{name: "forged staff From", raw: message("Ada Agent <ada@example.com>", "support@example.com", "Refund approved",
			"forged.1@example.com", "", "", "Approved, refund sent."), forged: true, code: 550, rejected: RejectUnauthenticated},
		{name: "NUL bytes", raw: nul, code: 250, check: func(t *testing.T, c *channel) {
			tk := c.onlyTicket(t)
			eq(t, "subject", tk.Subject, "Printer on fire")
			body := c.comments(t, tk.ID)[0].Body
			contains(t, body, "Line one\uFFFDline two")
		}},
		{name: "300-character subject", raw: message("alice@customer.example", "support@example.com", strings.Repeat("é", 300),
			"long.1@customer.example", "", "", "Long subject."), code: 250, check: func(t *testing.T, c *channel) {
			tk := c.onlyTicket(t)
			eq(t, "ticket subject", tk.Subject, strings.Repeat("é", 255))
			eq(t, "email subject", c.emails(t, tk.ID)[0].Subject, strings.Repeat("é", 300))
		}},
		{name: "invalid UTF-8", raw: badUTF8, code: 250, check: func(t *testing.T, c *channel) {
			tk := c.onlyTicket(t)
			contains(t, tk.Subject, "\uFFFD")
			body := c.comments(t, tk.ID)[0].Body
			contains(t, body, "Bad \uFFFD bytes \uFFFD( here")
		}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			eachChannel(t, func(t *testing.T, c *channel) {
				ctx := context.Background()
				// Signed as the sender's server would (unless forged), and
				// ending in CRLF as the SMTP client sends it.
				sent := tc.raw
				if dom := domainOf(peekFrom(sent)); !tc.forged && slices.Contains(signedDomains, dom) {
					sent = c.dns.sign(t, sent, dom)
				}
				if !bytes.HasSuffix(sent, []byte("\r\n")) {
					sent = append(sent[:len(sent):len(sent)], "\r\n"...)
				}
				send := c.sendForged
				code := send(t, "sender@client.test", []string{"support@example.com"}, sent)
				if code == connReset && tc.rejected == LimitLineLength {
					code = tc.code // refused mid-line: the stored refusal below says how
				}
				if code != tc.code {
					t.Fatalf("DATA answered %d, want %d", code, tc.code)
				}
				if tc.rejected != "" {
					if n, m := c.count(t, "tickets"), c.count(t, "mail_messages"); n != 0 || m != 0 {
						t.Errorf("refused message created %d tickets, %d messages", n, m)
					}
					rs, err := c.store.ListRejected(ctx, 0, 0, 10)
					if err != nil || len(rs) != 1 {
						t.Fatalf("rejected = %+v, %v", rs, err)
					}
					r := rs[0]
					if r.Code != tc.rejected || r.Channel != ChannelSMTP || r.EnvelopeFrom != "sender@client.test" ||
						strings.Join(r.Recipients, ",") != "support@example.com" || r.Reason == "" {
						t.Errorf("rejected = %+v", r)
					}
					raw, err := c.store.RawRejected(ctx, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					want := append(returnPath("sender@client.test"), sent...)
					if tc.rejected == LimitLineLength {
						// Only what arrived before the long line could be kept.
						if !bytes.HasPrefix(want, raw) || len(raw) < len(returnPath("")) || int(r.Size) != len(raw) {
							t.Errorf("kept %d bytes, not a prefix of what was sent", len(raw))
						}
					} else if !bytes.Equal(raw, want) || int(r.Size) != len(raw) {
						t.Errorf("raw not kept byte-exact: %d bytes kept, %d sent", len(raw), len(want))
					}
					if got := counterValue(t, c.store.metrics.rejected.WithLabelValues(ChannelSMTP, tc.rejected)); got != 1 {
						t.Errorf("rejected counter = %v", got)
					}
					// Sent again (a relay that retries anyway): kept once.
					if tc.rejected != LimitLineLength {
						send(t, "sender@client.test", []string{"support@example.com"}, sent)
						if n := c.count(t, "mail_rejected"); n != 1 {
							t.Errorf("retry kept again: %d rows", n)
						}
					}
					return
				}
				if n := c.count(t, "mail_messages"); n != 1 {
					t.Fatalf("messages = %d", n)
				}
				tk := c.onlyTicket(t)
				es := c.emails(t, tk.ID)
				raw, err := c.store.RawEmail(ctx, es[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(raw, append(returnPath("sender@client.test"), sent...)) {
					t.Errorf("raw not kept byte-exact:\n%q", raw)
				}
				for _, s := range []string{es[0].Subject, es[0].FromName, es[0].FromEmail, es[0].MessageID, tk.Subject, c.comments(t, tk.ID)[0].Body} {
					if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
						t.Errorf("stored text not clean: %q", s)
					}
				}
				if tc.check != nil {
					tc.check(t, c)
				}
			})
		})
	}
}

// Forged mail: nothing in From proves who wrote it.
//   - A forged reply "from" the requester still becomes her comment
//     (flagged for agents), but the Cc it names is not added: only a
//     reply carrying the requester's reply token may add CCs.
//   - A forged agent is refused (550) and kept; the agent's real,
//     authenticated reply becomes the agent's public comment.
func TestForgedSendersGainNothing(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("Alice <alice@customer.example>", "support@example.com",
			"Invoice question", "inv.1@customer.example", "", "", "Where is my invoice?"))
		tk := c.onlyTicket(t)
		alice, err := c.people.UserByEmail(ctx, "alice@customer.example")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := tk.Via.Source["unverified_sender"].(bool); v || tk.Via.Source["sender_auth"] != "pass" {
			t.Errorf("verified ticket flagged: %v", tk.Via.Source)
		}

		// Mallory forges a reply from Alice, Cc herself.
		forged := message("Alice <alice@customer.example>", "support@example.com", "Re: Invoice question "+TicketToken(tk.ID),
			"forged.2@evil.example", "inv.1@customer.example", "", "Please also send it to my colleague.", "Cc: Mallory <mallory@evil.example>")
		if code := c.sendForged(t, "mallory@evil.example", []string{"support@example.com"}, forged); code != 250 {
			t.Fatalf("forged reply answered %d", code)
		}
		tk = c.onlyTicket(t)
		if len(tk.CollaboratorIDs) != 0 {
			t.Fatalf("forged Cc became a collaborator: %v", tk.CollaboratorIDs)
		}
		if _, err := c.people.UserByEmail(ctx, "mallory@evil.example"); err == nil {
			t.Error("the forged Cc was even made a user")
		}
		cs := c.comments(t, tk.ID)
		last := cs[len(cs)-1]
		if last.AuthorID != alice.ID || last.Via.Source["unverified_sender"] != true {
			t.Errorf("forged reply: author %d via %v", last.AuthorID, last.Via.Source)
		}
		es := c.emails(t, tk.ID)
		fe := es[len(es)-1]
		if fe.Auth != "none" || !fe.Unverified || !strings.Contains(fe.Notes, "CCs not added") || fe.AuthDetails == "" {
			t.Errorf("forged email record = %+v", fe)
		}
		if es[0].Unverified || es[0].Auth != "pass" || !strings.Contains(es[0].AuthDetails, "dkim=pass header.d=customer.example") {
			t.Errorf("genuine email record = %+v", es[0])
		}

		// Mallory forges the agent: refused and kept, nothing written.
		before := len(c.comments(t, tk.ID))
		fakeAgent := message("Ada Agent <ada@example.com>", "support@example.com", "Re: Invoice question "+TicketToken(tk.ID),
			"forged.3@evil.example", "inv.1@customer.example", "", "Your account is closed, pay here: https://evil.example")
		if code := c.sendForged(t, "mallory@evil.example", []string{"support@example.com"}, fakeAgent); code != 550 {
			t.Fatalf("forged agent answered %d, want 550", code)
		}
		if n := len(c.comments(t, tk.ID)); n != before {
			t.Fatalf("forged agent mail added %d comments", n-before)
		}
		rs, _ := c.store.ListRejected(ctx, 0, 0, 10)
		if len(rs) != 1 || rs[0].Code != RejectUnauthenticated || !strings.Contains(rs[0].Reason, "ada@example.com") {
			t.Fatalf("rejected = %+v", rs)
		}

		// The agent's real mail (signed by example.com) is her public reply,
		// sent to Alice with Alice's reply token.
		c.mustSend(t, "support@example.com", message("Ada Agent <ada@example.com>", "support@example.com",
			"Re: Invoice question "+TicketToken(tk.ID), "real.4@example.com", "inv.1@customer.example", "", "Sent it again."))
		cs = c.comments(t, tk.ID)
		last = cs[len(cs)-1]
		if last.AuthorID != c.agent.ID || !last.Public {
			t.Fatalf("agent reply: author %d public %v", last.AuthorID, last.Public)
		}
		_, sent := c.dispatch(t)
		if len(sent) != 1 {
			t.Fatalf("%d sent", len(sent))
		}

		// Alice answers it (her client keeps In-Reply-To) and copies Dave:
		// the reply token binds the reply to her, so Dave is added — even
		// when her mail arrives unsigned.
		reply := message("Alice <alice@customer.example>", "support@example.com", "Re: Invoice question "+TicketToken(tk.ID),
			"inv.5@customer.example", sent[0].MessageID, "<inv.1@customer.example> <"+sent[0].MessageID+">", "Thanks! Adding Dave.",
			"Cc: Dave <dave@customer.example>")
		if code := c.sendForged(t, "alice@customer.example", []string{"support@example.com"}, reply); code != 250 {
			t.Fatalf("tokened reply answered %d", code)
		}
		tk = c.onlyTicket(t)
		dave, err := c.people.UserByEmail(ctx, "dave@customer.example")
		if err != nil || !tk.IsCollaborator(dave.ID) {
			t.Fatalf("Dave not added by the tokened reply: %v %v", tk.CollaboratorIDs, err)
		}
		// Mallory replaying Alice's token as herself gains nothing: the
		// token is Alice's.
		replay := message("Mallory <mallory@evil.example>", "support@example.com", "Re: Invoice question "+TicketToken(tk.ID),
			"replay.6@evil.example", sent[0].MessageID, "", "Me too.", "Cc: Eve <eve@evil.example>")
		c.sendForged(t, "mallory@evil.example", []string{"support@example.com"}, replay)
		if n := c.count(t, "tickets"); n != 2 {
			t.Errorf("tickets = %d (Mallory, a stranger, must get her own)", n)
		}
		if _, err := c.people.UserByEmail(ctx, "eve@evil.example"); err == nil {
			t.Error("the unverified stranger's Cc became a user")
		}
	})
}

// The policy for unverified mail: reject refuses it (550, kept), accept
// stores it without the flag; verified mail passes either way.
func TestUnverifiedPolicies(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		for _, policy := range []UnverifiedPolicy{UnverifiedReject, UnverifiedAccept} {
			c.store.cfg.Unverified = policy
			id := "pol." + string(policy) + "@customer.example"
			code := c.sendForged(t, "x@client.test", []string{"support@example.com"},
				message("carol@customer.example", "support@example.com", "Policy "+string(policy), id, "", "", "Hi."))
			switch policy {
			case UnverifiedReject:
				if code != 550 {
					t.Fatalf("reject policy answered %d", code)
				}
				rs, _ := c.store.ListRejected(ctx, 0, 0, 10)
				if len(rs) != 1 || rs[0].Code != RejectUnauthenticated || rs[0].MessageID != id {
					t.Fatalf("rejected = %+v", rs)
				}
				// Verified mail still gets in.
				c.mustSend(t, "support@example.com", message("carol@customer.example", "support@example.com", "Signed", "pol.signed@customer.example", "", "", "Hi."))
				if n := c.count(t, "tickets"); n != 1 {
					t.Fatalf("tickets = %d", n)
				}
			case UnverifiedAccept:
				if code != 250 {
					t.Fatalf("accept policy answered %d", code)
				}
				ts := c.tickets1(t, ticket.Filter{})
				last := ts[len(ts)-1]
				if _, flagged := last.Via.Source["unverified_sender"]; flagged || last.Via.Source["sender_auth"] != "none" {
					t.Errorf("accept policy: via %v", last.Via.Source)
				}
			}
		}
		if _, err := NewStore(c.d, c.tickets, c.people, StoreConfig{Unverified: "maybe"}); err == nil {
			t.Error("unknown policy accepted")
		}
	})
}

// The IMAP path applies the same limits and verification: a refused
// message is kept (channel imap), counted, and flagged \Seen so that it is
// not fetched again.
func TestIMAPRefusesAndKeepsHostileMail(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		box := newIMAPBox(t)
		cfg, err := ParseIMAPURL("imap+plain://support:s3cret@" + box.addr + "/INBOX")
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewIMAPPoller(cfg, c.store)
		if err != nil {
			t.Fatal(err)
		}
		deep := nestedMessage(40, false)
		box.add(t, deep)
		box.add(t, message("Ada Agent <ada@example.com>", "support@example.com", "forged", "imap.forged@evil.example", "", "", "x"))
		box.add(t, message("bob@customer.example", "support@example.com", "fine", "imap.ok@customer.example", "", "", "ok"))
		n, err := p.PollOnce(ctx)
		if err != nil || n != 1 {
			t.Fatalf("poll = %d, %v", n, err)
		}
		if u := box.unseen(t); u != 0 {
			t.Errorf("%d unseen: refused messages must be flagged too", u)
		}
		rs, _ := c.store.ListRejected(ctx, 0, 0, 10)
		if len(rs) != 2 || rs[0].Channel != ChannelIMAP || rs[1].Code != LimitMIMEDepth || rs[0].Code != RejectUnauthenticated {
			t.Fatalf("rejected = %+v", rs)
		}
		raw, _ := c.store.RawRejected(ctx, rs[1].ID)
		if !bytes.Equal(crlf(raw), crlf(deep)) {
			t.Error("IMAP message not kept byte-exact")
		}
		for code, want := range map[string]float64{LimitMIMEDepth: 1, RejectUnauthenticated: 1} {
			if got := counterValue(t, c.store.metrics.rejected.WithLabelValues(ChannelIMAP, code)); got != want {
				t.Errorf("imap %s counter = %v", code, got)
			}
		}
		if got := counterValue(t, c.store.metrics.inbound.WithLabelValues(ChannelIMAP, "stored")); got != 1 {
			t.Errorf("imap stored counter = %v", got)
		}
		// Bob's message (unsigned here: IMAP copies carry what the sender
		// sent, and bob's domain signs only via send) is stored flagged.
		ts := c.tickets1(t, ticket.Filter{})
		if len(ts) != 1 || ts[0].Via.Source["unverified_sender"] != true {
			t.Errorf("tickets = %+v", ts)
		}
	})
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
