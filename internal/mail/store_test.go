package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/mail/mailtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// channel is the whole email channel on one database: the store, the real
// SMTP listener in front of it and a dispatcher sending through a real test
// relay.
type channel struct {
	d       *db.DB
	clk     *clock.Fake
	people  *people.Store
	tickets *ticket.Store
	store   *Store
	srv     *Server
	relay   *mailtest.Relay
	disp    *Dispatcher
	agent   *people.User
	support int64 // group of support@
	secur   int64 // group of security@
	org     int64 // owns customer.example
	failTx  atomic.Int32
	// dns is the zone sender verification sees: the signed domains
	// publish DKIM keys, and send signs their mail.
	dns *fakeDNS
}

// signedDomains are the domains whose mail send DKIM-signs (a sender of
// another domain is unverified).
var signedDomains = []string{"customer.example", "navy.example", "contoso.com", "nowhere.example", "example.com"}

var channelStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func eachChannel(t *testing.T, fn func(t *testing.T, c *channel)) {
	t.Helper()
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(channelStart); return clk }, func(t *testing.T, d *db.DB) {
		fn(t, newChannel(t, d, clk))
	})
}

func newChannel(t *testing.T, d *db.DB, clk *clock.Fake) *channel {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	c := &channel{d: d, clk: clk, people: people.NewStore(d, al), dns: newFakeDNS()}
	for _, dom := range signedDomains {
		c.dns.addDKIM(t, dom)
	}
	authn, err := NewAuthenticator(AuthConfig{Mode: AuthDNS, Resolver: c.dns})
	if err != nil {
		t.Fatal(err)
	}
	c.tickets = ticket.NewStore(d, al, t.TempDir(), 1<<20)
	sys := audit.System()
	sp := func(s string) *string { return &s }
	g, err := c.people.CreateGroup(ctx, sys, people.GroupInput{Name: sp("Support")})
	if err != nil {
		t.Fatal(err)
	}
	c.support = g.ID
	g2, err := c.people.CreateGroup(ctx, sys, people.GroupInput{Name: sp("Security")})
	if err != nil {
		t.Fatal(err)
	}
	c.secur = g2.ID
	org, err := c.people.CreateOrganization(ctx, sys, people.OrganizationInput{Name: sp("Customer Inc"), DomainNames: &[]string{"customer.example"}})
	if err != nil {
		t.Fatal(err)
	}
	c.org = org.ID
	c.agent, err = c.people.CreateUser(ctx, sys, people.UserInput{Name: sp("Ada Agent"), Email: sp("ada@example.com"), Role: sp("agent")})
	if err != nil {
		t.Fatal(err)
	}
	// A hook registered before the mail store's: it can fail the ticket
	// transaction on demand, as a crash before commit would.
	c.tickets.OnChange(func(context.Context, *db.Tx, *ticket.Change) error {
		if c.failTx.Load() > 0 {
			c.failTx.Add(-1)
			return errors.New("simulated failure before commit")
		}
		return nil
	})
	c.store, err = NewStore(d, c.tickets, c.people, StoreConfig{
		Mailboxes: []Mailbox{{Address: "support@example.com", Group: "Support"}, {Address: "Security@Example.com", GroupID: g2.ID}, {Address: "gov@example.com", Brand: "usgov"}},
		From:      Address{Name: "Example Support", Email: "support@example.com"},
		Outbound:  true,
		Auth:      authn,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.srv, err = NewServer(ServerConfig{Addr: "127.0.0.1:0", Domain: "mx.example.com", Mailboxes: c.store.ServerMailboxes()}, c.store)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.srv.Shutdown(sctx)
	})
	c.relay = mailtest.NewRelay(t)
	sender, err := NewSender(SenderConfig{Host: c.relay.Host(), Port: c.relay.Port(), TLS: TLSNone, Timeout: 5 * time.Second, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	c.disp = &Dispatcher{Store: c.store, Sender: sender, Clock: clk}
	return c
}

// send delivers raw to the listener over real SMTP and returns the reply
// code of the DATA command (250 on success). Mail from signedDomains is
// DKIM-signed first, as the sender's mail server would.
func (c *channel) send(t *testing.T, from string, to []string, raw []byte) int {
	t.Helper()
	if dom := domainOf(peekFrom(raw)); slices.Contains(signedDomains, dom) {
		raw = c.dns.sign(t, raw, dom)
	}
	return c.sendForged(t, from, to, raw)
}

// peekFrom is the address in raw's From header.
func peekFrom(raw []byte) string {
	return looseAddr(peekHeader(raw).Get("From")).Email
}

// sendForged is send without a signature: anyone can type any From.
func (c *channel) sendForged(t *testing.T, from string, to []string, raw []byte) int {
	t.Helper()
	cl, err := smtp.Dial(c.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	err = sendRaw(cl, from, to, raw)
	if err == nil {
		_ = cl.Quit()
		return 250
	}
	if code := smtpCode(err); code != 0 {
		return code
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return connReset // the server answered and closed while the client still wrote
	}
	t.Fatalf("send: %v", err)
	return 0
}

// connReset is sendForged's answer when the server closed the connection
// while the message was still being written (after refusing a line too
// long to read, before the client could read that answer).
const connReset = -1

func (c *channel) mustSend(t *testing.T, to string, raw []byte) {
	t.Helper()
	if code := c.send(t, "sender@client.test", []string{to}, raw); code != 250 {
		t.Fatalf("DATA answered %d, want 250", code)
	}
}

func (c *channel) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	err := c.d.Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (c *channel) tickets1(t *testing.T, f ticket.Filter) []ticket.Ticket {
	t.Helper()
	ts, err := c.tickets.List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (c *channel) onlyTicket(t *testing.T) *ticket.Ticket {
	t.Helper()
	ts := c.tickets1(t, ticket.Filter{})
	if len(ts) != 1 {
		t.Fatalf("%d tickets, want 1", len(ts))
	}
	return &ts[0]
}

func (c *channel) comments(t *testing.T, id int64) []ticket.Comment {
	t.Helper()
	cs, err := c.tickets.Comments(context.Background(), id, ticket.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (c *channel) emails(t *testing.T, id int64) []Email {
	t.Helper()
	es, err := c.store.TicketEmails(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (c *channel) reply(t *testing.T, id int64, body string, public bool) *ticket.Comment {
	t.Helper()
	_, aud, err := c.tickets.Update(context.Background(), ticket.Actor{UserID: c.agent.ID, Role: "agent"}, id,
		ticket.UpdateInput{Comment: &ticket.CommentInput{Body: body, Public: &public}})
	if err != nil {
		t.Fatal(err)
	}
	cs := c.comments(t, id)
	if aud == nil || len(cs) == 0 {
		t.Fatal("reply not stored")
	}
	return &cs[len(cs)-1]
}

// dispatch runs the outbox once and returns the messages the relay got
// during the run, parsed.
func (c *channel) dispatch(t *testing.T) (RunStats, []*Inbound) {
	t.Helper()
	before := len(c.relay.Messages())
	st, err := c.disp.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []*Inbound
	for _, m := range c.relay.Messages()[before:] {
		in, err := Parse(m.Raw)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in)
	}
	return st, out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// message builds a small RFC 5322 message.
func message(from, to, subject, id, inReplyTo, refs, body string, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 05 Jan 2026 10:00:00 +0000\r\nMessage-ID: <%s>\r\n", from, to, subject, id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", inReplyTo)
	}
	if refs != "" {
		fmt.Fprintf(&b, "References: %s\r\n", refs)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}

func TestInboundCreatesTicketOverSMTP(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		raw := fixture(t, "plain.eml")
		c.mustSend(t, "support@example.com", raw)

		tk := c.onlyTicket(t)
		if tk.Subject != "Printer on fire" || tk.Via.Channel != "email" || tk.Recipient != "support@example.com" {
			t.Errorf("ticket = %q via %q recipient %q", tk.Subject, tk.Via.Channel, tk.Recipient)
		}
		if tk.GroupID == nil || *tk.GroupID != c.support {
			t.Errorf("group = %v, want Support %d", tk.GroupID, c.support)
		}
		from, _ := tk.Via.Source["from"].(map[string]any)
		to, _ := tk.Via.Source["to"].(map[string]any)
		if from["address"] != "alice@customer.example" || from["name"] != "Alice Example" || to["address"] != "support@example.com" {
			t.Errorf("via source = %v", tk.Via.Source)
		}
		// The unknown sender became an end-user of the organization owning
		// the domain, and the ticket's organization follows.
		u, err := c.people.UserByEmail(ctx, "alice@customer.example")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != "end-user" || u.Name != "Alice Example" || u.OrganizationID == nil || *u.OrganizationID != c.org {
			t.Errorf("user = %+v", u)
		}
		if tk.RequesterID != u.ID || tk.OrganizationID == nil || *tk.OrganizationID != c.org {
			t.Errorf("requester %d org %v", tk.RequesterID, tk.OrganizationID)
		}
		cs := c.comments(t, tk.ID)
		if len(cs) != 1 || !strings.Contains(cs[0].Body, "3rd floor is on fire") || cs[0].AuthorID != u.ID || cs[0].Via.Channel != "email" {
			t.Fatalf("comments = %+v", cs)
		}
		// The raw message is kept byte for byte, linked to the comment.
		es := c.emails(t, tk.ID)
		if len(es) != 1 || es[0].MessageID != "CAB1x2y3z.4@mail.customer.example" || es[0].CommentID == nil || *es[0].CommentID != cs[0].ID {
			t.Fatalf("emails = %+v", es)
		}
		if es[0].Verdict != "accept" || es[0].Thread != "new" || es[0].EnvelopeFrom != "sender@client.test" || es[0].Mailbox != "support@example.com" {
			t.Errorf("email = %+v", es[0])
		}
		stored, err := c.store.RawEmail(ctx, es[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(bytes.ReplaceAll(stored, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))) ||
			!bytes.HasPrefix(stored, []byte("Return-Path: <sender@client.test>\r\n")) {
			t.Errorf("raw not kept:\n%.300s", stored)
		}
		if int(es[0].Size) != len(stored) {
			t.Errorf("size %d, raw %d", es[0].Size, len(stored))
		}

		// A redelivery (the sender never saw our 250) is acknowledged and
		// stored once.
		c.mustSend(t, "support@example.com", raw)
		if n := c.count(t, "tickets"); n != 1 {
			t.Errorf("tickets after duplicate = %d", n)
		}
		if n := c.count(t, "mail_messages"); n != 1 {
			t.Errorf("messages after duplicate = %d", n)
		}
		if _, err := c.store.RawEmail(ctx, es[0].ID+100); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("missing raw: %v", err)
		}
	})
}

func TestInboundMailboxGroupsAttachmentsAndCCs(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		raw := fixture(t, "alternative_inline_pdf.eml")
		// Sent to security@ (envelope): that mailbox's group takes it.
		c.mustSend(t, "security@example.com", raw)
		tk := c.onlyTicket(t)
		if tk.GroupID == nil || *tk.GroupID != c.secur || tk.Recipient != "security@example.com" {
			t.Errorf("group %v recipient %q", tk.GroupID, tk.Recipient)
		}
		// Cc: bob@contoso.com, ops@navy.example became users and CCs.
		if len(tk.CollaboratorIDs) != 2 {
			t.Fatalf("collaborators = %v", tk.CollaboratorIDs)
		}
		for _, e := range []string{"bob@contoso.com", "ops@navy.example"} {
			u, err := c.people.UserByEmail(context.Background(), e)
			if err != nil || !tk.IsCollaborator(u.ID) {
				t.Errorf("%s not a collaborator: %v", e, err)
			}
		}
		cs := c.comments(t, tk.ID)
		if len(cs) != 1 || len(cs[0].Attachments) != 2 {
			t.Fatalf("comment attachments = %+v", cs)
		}
		names := cs[0].Attachments[0].FileName + " " + cs[0].Attachments[1].FileName
		if !strings.Contains(names, ".pdf") || !strings.Contains(names, ".png") {
			t.Errorf("attachments = %s", names)
		}
	})
}

// TestBrandMailboxAndFollowUpStayInTheBrand: mail to a brand's own support
// address opens the ticket in that brand; a reply to the closed ticket opens
// a follow-up in the same brand, whatever mailbox it reached.
func TestBrandMailboxAndFollowUpStayInTheBrand(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		if err := c.d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO brands (name, subdomain, restricted, active, created_at, updated_at) VALUES ('US Government', 'usgov', TRUE, TRUE, 0, 0)")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var gov int64
		if err := c.d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT id FROM brands WHERE subdomain = 'usgov'").Scan(&gov)
		}); err != nil {
			t.Fatal(err)
		}
		raw := []byte("From: Pat Fed <pat@agency.example>\r\nTo: gov@example.com\r\nSubject: Clearance portal down\r\nMessage-ID: <gov-1@agency.example>\r\nDate: Mon, 05 Jan 2026 09:00:00 +0000\r\n\r\nThe portal is down.\r\n")
		c.mustSend(t, "gov@example.com", raw)
		tk := c.onlyTicket(t)
		if tk.BrandID != gov || tk.Recipient != "gov@example.com" {
			t.Fatalf("ticket in brand %d (recipient %q), want %d", tk.BrandID, tk.Recipient, gov)
		}
		agent := ticket.Actor{UserID: c.agent.ID, Role: "agent"}
		for _, st := range []string{ticket.StatusSolved, ticket.StatusClosed} {
			if _, _, err := c.tickets.Update(ctx, agent, tk.ID, ticket.UpdateInput{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		// The reply reaches the general mailbox: the follow-up stays in the brand.
		c.mustSend(t, "support@example.com", message("pat@agency.example", "support@example.com",
			"Re: Clearance portal down "+TicketToken(tk.ID), "gov-2@agency.example", "gov-1@agency.example", "", "It is down again."))
		ts, err := c.tickets.List(ctx, ticket.Filter{Limit: 10})
		if err != nil || len(ts) != 2 {
			t.Fatalf("%d tickets %v", len(ts), err)
		}
		for _, x := range ts {
			if x.BrandID != gov {
				t.Fatalf("ticket %d (%s) in brand %d, want %d", x.ID, x.Subject, x.BrandID, gov)
			}
		}
		// A customer of another brand (the sender is known, in the default
		// brand) writing to the restricted address: the mail is accepted and
		// the request is theirs, in their own brand (Restricted brand rule).
		if _, err := c.people.CreateUser(ctx, audit.System(), people.UserInput{Name: strp("Dee Default"), Email: strp("dee@example.org")}); err != nil {
			t.Fatal(err)
		}
		c.mustSend(t, "gov@example.com", message("dee@example.org", "gov@example.com", "Wrong door", "dee-1@example.org", "", "", "Hello."))
		ts, _ = c.tickets.List(ctx, ticket.Filter{Limit: 10})
		for _, x := range ts {
			if x.Subject == "Wrong door" && x.BrandID != 1 {
				t.Errorf("another brand's customer's mail to the restricted address is in brand %d", x.BrandID)
			}
		}
		if len(ts) != 3 {
			t.Errorf("%d tickets, want 3", len(ts))
		}
	})
}

func TestReplyThreadingBothWays(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("Alice <alice@customer.example>", "support@example.com",
			"VPN down", "first.1@customer.example", "", "", "The VPN is down.", "Cc: Bob <bob@customer.example>"))
		tk := c.onlyTicket(t)

		// An internal note sends nothing; a public agent reply is queued
		// in the same transaction and sent to the requester and the CC,
		// one copy each: both show the two recipients, each goes to one
		// and carries that recipient's reply token.
		c.reply(t, tk.ID, "Looking into it internally.", false)
		cm := c.reply(t, tk.ID, "Please restart the client.", true)
		out, err := c.store.TicketOutbox(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 2 || out[0].Status != "pending" || out[0].CommentID == nil || *out[0].CommentID != cm.ID {
			t.Fatalf("outbox = %+v", out)
		}
		st, sent := c.dispatch(t)
		if st.Sent != 2 || len(sent) != 2 {
			t.Fatalf("dispatch = %+v, %d sent", st, len(sent))
		}
		alice, _ := c.people.UserByEmail(ctx, "alice@customer.example")
		bob, _ := c.people.UserByEmail(ctx, "bob@customer.example")
		key, err := c.store.replyKey(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, who := range []*people.User{alice, bob} {
			m := sent[i]
			tok := ReplyToken(key, tk.ID, who.ID)
			if m.MessageID != OutboundMessageIDToken(tk.ID, cm.ID, tok, "example.com") || m.InReplyTo != "first.1@customer.example" ||
				strings.Join(m.References, " ") != "first.1@customer.example" {
				t.Errorf("threading: id %q in-reply-to %q refs %v", m.MessageID, m.InReplyTo, m.References)
			}
			if m.Subject != "Re: VPN down "+TicketToken(tk.ID) || m.From.Email != "support@example.com" ||
				len(m.ReplyTo) != 1 || m.ReplyTo[0].Email != PlusAddressToken("support@example.com", tk.ID, tok) {
				t.Errorf("subject %q from %v reply-to %v", m.Subject, m.From, m.ReplyTo)
			}
			if len(m.To) != 1 || m.To[0].Email != "alice@customer.example" || len(m.Cc) != 1 || m.Cc[0].Email != "bob@customer.example" {
				t.Errorf("to %v cc %v", m.To, m.Cc)
			}
			if !strings.Contains(m.Text, "Please restart the client.") || strings.Contains(m.Text, "internally") {
				t.Errorf("text = %q", m.Text)
			}
			if rcpts := c.relay.Messages()[i].To; strings.Join(rcpts, ",") != who.Email {
				t.Errorf("envelope recipients of copy %d = %v, want %s", i, rcpts, who.Email)
			}
		}
		wantID := sent[0].MessageID // Alice's copy
		out, _ = c.store.TicketOutbox(ctx, tk.ID)
		if out[0].Status != "sent" || out[0].SentAt == nil {
			t.Errorf("after send: %+v", out[0])
		}

		// The customer's reply (In-Reply-To our Message-ID, quoting it)
		// threads into the ticket; pending goes back to open.
		pending := ticket.StatusPending
		if _, _, err := c.tickets.Update(ctx, ticket.Actor{UserID: c.agent.ID, Role: "agent"}, tk.ID, ticket.UpdateInput{Status: &pending}); err != nil {
			t.Fatal(err)
		}
		c.mustSend(t, "support@example.com", message("Alice <alice@customer.example>", "support@example.com",
			"Re: VPN down "+TicketToken(tk.ID), "second.2@customer.example", wantID, "<first.1@customer.example> <"+wantID+">",
			"Restarted, works now.\n\nOn Mon, Jan 5, 2026 Example Support wrote:\n> Please restart the client.\n"))
		tk2 := c.onlyTicket(t)
		if tk2.Status != ticket.StatusOpen {
			t.Errorf("status after customer reply = %s", tk2.Status)
		}
		cs := c.comments(t, tk.ID)
		last := cs[len(cs)-1]
		if !strings.Contains(last.Body, "Restarted, works now.") || strings.Contains(last.Body, "> Please restart") {
			t.Errorf("reply body (quoted history must be trimmed) = %q", last.Body)
		}
		es := c.emails(t, tk.ID)
		if len(es) != 2 || es[1].Thread != string(ThreadOwnMessageID) {
			t.Fatalf("emails = %+v", es)
		}
		raw, _ := c.store.RawEmail(ctx, es[1].ID)
		if !bytes.Contains(raw, []byte("> Please restart the client.")) {
			t.Error("the raw message must keep the quoted history")
		}

		// The next agent reply threads after the customer's message.
		c.reply(t, tk.ID, "Glad to hear it.", true)
		_, sent = c.dispatch(t)
		if len(sent) != 2 || sent[0].InReplyTo != "second.2@customer.example" ||
			strings.Join(sent[0].References, " ") != "first.1@customer.example "+wantID+" second.2@customer.example" {
			for _, m := range sent {
				t.Logf("sent: in-reply-to %q refs %v", m.InReplyTo, m.References)
			}
			t.Fatalf("second reply threading: %d sent", len(sent))
		}

		// Bob (a CC) replies from a client that only keeps the subject
		// token; a reply to a stored inbound Message-ID threads too.
		c.mustSend(t, "support@example.com", message("bob@customer.example", "support@example.com",
			"Re: VPN down "+TicketToken(tk.ID), "third.3@customer.example", "", "", "Thanks from Bob."))
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"one more thing", "fourth.4@customer.example", "first.1@customer.example", "", "And the printer."))
		es = c.emails(t, tk.ID)
		if len(es) != 4 || es[2].Thread != string(ThreadToken) || es[3].Thread != string(ThreadStoredMessage) {
			t.Fatalf("emails = %+v", es)
		}
		if n := c.count(t, "tickets"); n != 1 {
			t.Fatalf("tickets = %d", n)
		}

		// A stranger quoting the token does not get into the ticket: a new
		// ticket is opened for them.
		c.mustSend(t, "support@example.com", message("mallory@evil.example", "support@example.com",
			"Re: VPN down "+TicketToken(tk.ID), "fifth.5@evil.example", "", "", "Let me in."))
		ts := c.tickets1(t, ticket.Filter{})
		if len(ts) != 2 || ts[1].ID == tk.ID {
			t.Fatalf("stranger threaded into the ticket: %d tickets", len(ts))
		}
		es = c.emails(t, ts[1].ID)
		if len(es) != 1 || !strings.HasPrefix(es[0].Thread, "new (sender may not write") {
			t.Errorf("stranger email = %+v", es)
		}
	})
}

func TestReplyToClosedTicketOpensFollowUp(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Old issue", "old.1@customer.example", "", "", "Broken."))
		tk := c.onlyTicket(t)
		agent := ticket.Actor{UserID: c.agent.ID, Role: "agent"}
		for _, s := range []string{ticket.StatusSolved, ticket.StatusClosed} {
			if _, _, err := c.tickets.Update(ctx, agent, tk.ID, ticket.UpdateInput{Status: &s}); err != nil {
				t.Fatal(err)
			}
		}
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Re: Old issue "+TicketToken(tk.ID), "again.2@customer.example", "old.1@customer.example", "", "It broke again."))
		ts := c.tickets1(t, ticket.Filter{})
		if len(ts) != 2 {
			t.Fatalf("%d tickets, want a follow-up", len(ts))
		}
		f := ts[1]
		if f.Via.Source["rel"] != "follow_up" || fmt.Sprint(f.Via.Source["followup_source_id"]) != fmt.Sprint(tk.ID) {
			t.Errorf("follow-up via = %+v", f.Via)
		}
		if f.RequesterID != tk.RequesterID || f.Status != ticket.StatusNew || f.GroupID == nil || *f.GroupID != c.support {
			t.Errorf("follow-up = %+v", f)
		}
		if es := c.emails(t, f.ID); len(es) != 1 || es[0].Thread != "follow-up" {
			t.Errorf("emails = %+v", es)
		}
		if cs := c.comments(t, tk.ID); len(cs) != 1 {
			t.Errorf("the closed ticket changed: %d comments", len(cs))
		}
	})
}

func TestLoopsAndAutoReplies(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		// A bounce is kept (raw retrievable) but creates nothing.
		c.mustSend(t, "support@example.com", fixture(t, "bounce.eml"))
		// Mail from our own address (a loop through a forwarder) too.
		c.mustSend(t, "support@example.com", message("Example Support <support@example.com>", "support@example.com",
			"Re: Something [#1]", "loop.1@example.com", "", "", "looping"))
		// Our own outbound message coming back.
		c.mustSend(t, "support@example.com", message("someone@customer.example", "support@example.com",
			"Fwd", OutboundMessageID(1, 2, "example.com"), "", "", "echo"))
		if n := c.count(t, "tickets"); n != 0 {
			t.Fatalf("loops created %d tickets", n)
		}
		if n := c.count(t, "users WHERE email = 'mailer-daemon@mail.example.com'"); n != 0 {
			t.Error("a bounce created a user")
		}
		var verdicts []string
		err := c.d.Read(context.Background(), func(tx *db.Tx) error {
			rows, err := tx.QueryContext(context.Background(), "SELECT verdict FROM mail_messages ORDER BY id")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					return err
				}
				verdicts = append(verdicts, v)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(verdicts, ",") != "drop,drop,drop" {
			t.Errorf("verdicts = %v", verdicts)
		}
		e, err := c.store.GetEmail(context.Background(), 1)
		if err != nil || e.TicketID != nil || !strings.Contains(e.Reason, "delivery status") {
			t.Errorf("bounce = %+v, %v", e, err)
		}

		// An out-of-office reply is accepted as a ticket, flagged so that
		// nothing answers it automatically.
		c.mustSend(t, "support@example.com", fixture(t, "out_of_office.eml"))
		tk := c.onlyTicket(t)
		if tk.Via.Source["auto_reply_suppressed"] != true {
			t.Errorf("via = %+v", tk.Via.Source)
		}
		es := c.emails(t, tk.ID)
		if len(es) != 1 || es[0].Verdict != "accept-no-auto-reply" {
			t.Errorf("emails = %+v", es)
		}
		// Nothing was queued in response to any of it.
		if n := c.count(t, "mail_outbox"); n != 0 {
			t.Errorf("outbox = %d", n)
		}
	})
}

// A delivery whose transaction fails before commit is answered 451 and
// leaves nothing behind; the sender's retry stores it exactly once.
func TestCrashBeforeCommitLosesNothing(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		raw := message("carol@customer.example", "support@example.com", "Disk full", "crash.1@customer.example", "", "", "The disk is full.")
		c.failTx.Store(1)
		if code := c.send(t, "carol@customer.example", []string{"support@example.com"}, raw); code != 451 {
			t.Fatalf("failed delivery answered %d, want 451", code)
		}
		if n, m := c.count(t, "tickets"), c.count(t, "mail_messages"); n != 0 || m != 0 {
			t.Fatalf("after failed commit: %d tickets, %d messages", n, m)
		}
		if code := c.send(t, "carol@customer.example", []string{"support@example.com"}, raw); code != 250 {
			t.Fatalf("retry answered %d", code)
		}
		if code := c.send(t, "carol@customer.example", []string{"support@example.com"}, raw); code != 250 {
			t.Fatalf("second retry answered %d", code)
		}
		if n, m := c.count(t, "tickets"), c.count(t, "mail_messages"); n != 1 || m != 1 {
			t.Fatalf("after retries: %d tickets, %d messages", n, m)
		}

		// The connection dies in the middle of DATA: nothing is stored,
		// nothing was acknowledged.
		conn, err := net.Dial("tcp", c.srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 512)
		step := func(line string) {
			if line != "" {
				if _, err := conn.Write([]byte(line)); err != nil {
					t.Fatal(err)
				}
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := conn.Read(buf); err != nil {
				t.Fatal(err)
			}
		}
		step("")
		step("EHLO client.test\r\n")
		step("MAIL FROM:<dan@customer.example>\r\n")
		step("RCPT TO:<support@example.com>\r\n")
		step("DATA\r\n")
		half := message("dan@customer.example", "support@example.com", "Half", "half.1@customer.example", "", "", "This message never ends")
		if _, err := conn.Write(half); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		time.Sleep(100 * time.Millisecond)
		if n, m := c.count(t, "tickets"), c.count(t, "mail_messages"); n != 1 || m != 1 {
			t.Fatalf("after a dropped connection: %d tickets, %d messages", n, m)
		}
	})
}

// Concurrent redeliveries of one message store it once.
func TestConcurrentDuplicateDeliveries(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		raw := message("erin@customer.example", "support@example.com", "Race", "race.1@customer.example", "", "", "Twice at once.")
		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errc <- c.store.Deliver(context.Background(), Envelope{From: "erin@customer.example", To: []string{"support@example.com"}}, raw)
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Errorf("Deliver: %v", err)
			}
		}
		if n, m := c.count(t, "tickets"), c.count(t, "mail_messages"); n != 1 || m != 1 {
			t.Fatalf("%d tickets, %d messages", n, m)
		}
	})
}

func TestUnparseableMessageIsRejected(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		if code := c.send(t, "x@client.test", []string{"support@example.com"}, []byte("\r\n\r\n")); code != 554 {
			t.Errorf("empty message answered %d, want 554", code)
		}
		if n := c.count(t, "mail_messages"); n != 0 {
			t.Errorf("messages = %d", n)
		}
	})
}

func TestOutboxRetriesWithBackoffThenFails(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Retry me", "retry.1@customer.example", "", "", "Hello."))
		tk := c.onlyTicket(t)
		c.reply(t, tk.ID, "Answer one.", true)

		// The relay is down for a moment: the item stays pending with one
		// failed attempt and is due again after the first backoff.
		c.relay.FailData(451, "4.3.0 try later", 1)
		st, sent := c.dispatch(t)
		if st.Retry != 1 || len(sent) != 0 {
			t.Fatalf("first run = %+v", st)
		}
		out, _ := c.store.TicketOutbox(ctx, tk.ID)
		if out[0].Status != "pending" || out[0].Attempts != 1 || !out[0].NextAttemptAt.Equal(c.clk.Now().Add(DefaultRetryPolicy().Base)) ||
			!strings.Contains(out[0].LastError, "try later") {
			t.Fatalf("after failure: %+v", out[0])
		}
		if st, _ := c.dispatch(t); st.Claimed != 0 {
			t.Fatalf("claimed before the backoff elapsed: %+v", st)
		}
		c.clk.Advance(DefaultRetryPolicy().Base)
		if st, sent := c.dispatch(t); st.Sent != 1 || len(sent) != 1 || sent[0].MessageID != out[0].MessageID {
			t.Fatalf("retry = %+v", st)
		}

		// A permanent refusal is recorded and never retried.
		c.reply(t, tk.ID, "Answer two.", true)
		c.relay.FailData(554, "5.7.1 rejected", 1)
		if st, _ := c.dispatch(t); st.Failed != 1 {
			t.Fatalf("permanent = %+v", st)
		}
		c.clk.Advance(24 * time.Hour)
		if st, _ := c.dispatch(t); st.Claimed != 0 {
			t.Fatalf("a failed item was claimed again: %+v", st)
		}
		out, _ = c.store.TicketOutbox(ctx, tk.ID)
		if len(out) != 2 || out[1].Status != "failed" || out[1].Attempts != 1 {
			t.Fatalf("outbox = %+v", out)
		}
		if st, err := c.store.Stats(ctx); err != nil || st.Inbound != 1 || st.Outbox["sent"] != 1 || st.Outbox["failed"] != 1 || st.Outbox["pending"] != 0 {
			t.Fatalf("stats = %+v, %v", st, err)
		}

		// A claimed item is leased: a second dispatcher does not see it.
		c.reply(t, tk.ID, "Answer three.", true)
		items, err := c.store.Claim(ctx, c.clk.Now(), 10)
		if err != nil || len(items) != 1 {
			t.Fatalf("claim = %v, %v", items, err)
		}
		if again, _ := c.store.Claim(ctx, c.clk.Now(), 10); len(again) != 0 {
			t.Fatalf("claimed twice: %v", again)
		}
		c.clk.Advance(6 * time.Minute) // the first dispatcher died: the lease expires
		if again, _ := c.store.Claim(ctx, c.clk.Now(), 10); len(again) != 1 || again[0].ID != items[0].ID {
			t.Fatalf("expired lease not reclaimed: %v", again)
		}
	})
}

// The outbox entry commits or rolls back with the comment that caused it.
func TestOutboxIsTransactionalWithTheComment(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Atomic", "atomic.1@customer.example", "", "", "Hello."))
		tk := c.onlyTicket(t)
		c.failTx.Store(1)
		pub := true
		_, _, err := c.tickets.Update(context.Background(), ticket.Actor{UserID: c.agent.ID, Role: "agent"}, tk.ID,
			ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "lost", Public: &pub}})
		if err == nil {
			t.Fatal("update should have failed")
		}
		if n := c.count(t, "mail_outbox"); n != 0 {
			t.Fatalf("outbox has %d items for a rolled back comment", n)
		}
		// A customer's own public comment is not mailed back to them.
		_, _, err = c.tickets.Update(context.Background(), ticket.Actor{UserID: tk.RequesterID, Role: "end-user"}, tk.ID,
			ticket.UpdateInput{Comment: &ticket.CommentInput{Body: "me again", Public: &pub}})
		if err != nil {
			t.Fatal(err)
		}
		if n := c.count(t, "mail_outbox"); n != 0 {
			t.Fatalf("outbox has %d items for a customer comment", n)
		}
	})
}

// An agent's reply carries its attachments, read from the attachment
// store when the message is sent.
func TestOutboundReplyCarriesAttachments(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Logs please", "logs.1@customer.example", "", "", "Which logs?"))
		tk := c.onlyTicket(t)
		agent := ticket.Actor{UserID: c.agent.ID, Role: "agent"}
		up, err := c.tickets.SaveUpload(ctx, agent, "howto.txt", "text/plain", strings.NewReader("run collect-logs.sh"))
		if err != nil {
			t.Fatal(err)
		}
		pub := true
		if _, _, err := c.tickets.Update(ctx, agent, tk.ID, ticket.UpdateInput{Comment: &ticket.CommentInput{
			Body: "See the attached instructions.", Public: &pub, Uploads: []string{up.Token}}}); err != nil {
			t.Fatal(err)
		}
		_, sent := c.dispatch(t)
		if len(sent) != 1 || len(sent[0].Attachments) != 1 {
			t.Fatalf("sent %d messages: %+v", len(sent), sent)
		}
		a := sent[0].Attachments[0]
		if a.Filename != "howto.txt" || string(a.Data) != "run collect-logs.sh" || !strings.HasPrefix(a.ContentType, "text/plain") {
			t.Errorf("attachment = %s %s %q", a.Filename, a.ContentType, a.Data)
		}
	})
}

// With a job queue, the outbox is dispatched by jobs: one inserted with
// the queued message, one at the time of each retry.
func TestOutboxRunsOnJobs(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		q, err := jobs.New(c.d, slog.New(slog.DiscardHandler), jobs.TestOptions())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(q.Close)
		c.store.UseJobs(q, c.disp, time.Hour)

		c.mustSend(t, "support@example.com", message("alice@customer.example", "support@example.com",
			"Jobs", "jobs.1@customer.example", "", "", "Hello."))
		tk := c.onlyTicket(t)
		c.reply(t, tk.ID, "Sent by a job.", true)
		c.relay.FailData(451, "4.3.0 later", 1)
		if n, err := q.Drain(ctx); err != nil || n == 0 {
			t.Fatalf("drain: %d %v", n, err)
		}
		out, _ := c.store.TicketOutbox(ctx, tk.ID)
		if len(c.relay.Messages()) != 0 || out[0].Attempts != 1 || out[0].Status != "pending" {
			t.Fatalf("after a failed run: %d sent, %+v", len(c.relay.Messages()), out[0])
		}
		if _, err := q.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if len(c.relay.Messages()) != 0 {
			t.Fatal("retried before its backoff")
		}
		c.clk.Advance(DefaultRetryPolicy().Base)
		if n, err := q.Drain(ctx); err != nil || n == 0 {
			t.Fatalf("drain after backoff: %d %v", n, err)
		}
		ms := c.relay.Messages()
		if len(ms) != 1 || !strings.Contains(string(ms[0].Raw), "Sent by a job.") {
			t.Fatalf("relay got %d messages", len(ms))
		}
		out, _ = c.store.TicketOutbox(ctx, tk.ID)
		if out[0].Status != "sent" {
			t.Errorf("outbox = %+v", out[0])
		}
	})
}

// A permanent bounce of one of our replies marks it failed with the
// diagnostic and is filed on the ticket; it creates nothing else.
func TestBounceMarksOutboundFailed(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		c.mustSend(t, "support@example.com", message("nobody@nowhere.example", "support@example.com",
			"Bouncy", "bouncy.1@nowhere.example", "", "", "Hi."))
		tk := c.onlyTicket(t)
		cm := c.reply(t, tk.ID, "Reply that will bounce.", true)
		if st, _ := c.dispatch(t); st.Sent != 1 {
			t.Fatalf("dispatch = %+v", st)
		}
		sentOut, _ := c.store.TicketOutbox(ctx, tk.ID)
		id := sentOut[0].MessageID
		if !strings.HasPrefix(id, strings.TrimSuffix(OutboundMessageID(tk.ID, cm.ID, "example.com"), "@example.com")+".u") {
			t.Fatalf("outbound Message-ID %q carries no reply token", id)
		}
		bounce := bytes.ReplaceAll(fixture(t, "bounce.eml"), []byte("frontline.t77.c88@example.com"), []byte(id))
		c.mustSend(t, "support@example.com", bounce)

		out, _ := c.store.TicketOutbox(ctx, tk.ID)
		if out[0].Status != "failed" || !strings.Contains(out[0].LastError, "bounced: 5.1.1 nobody@nowhere.example") {
			t.Fatalf("outbox = %+v", out[0])
		}
		es := c.emails(t, tk.ID)
		if len(es) != 2 || es[1].Verdict != "drop" || es[1].CommentID != nil || es[1].Thread != "bounce of "+id {
			t.Fatalf("emails = %+v", es)
		}
		if cs := c.comments(t, tk.ID); len(cs) != 2 {
			t.Errorf("the bounce added a comment: %d", len(cs))
		}
		if n := c.count(t, "tickets"); n != 1 {
			t.Errorf("tickets = %d", n)
		}
	})
}

func strp(s string) *string { return &s }
