package mail

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/frontline/frontline/internal/ticket"
)

// imapBox is a real IMAP server (go-imap's in-memory backend) on a
// loopback port with one user and an INBOX.
type imapBox struct {
	addr string
	user *imapmemserver.User
}

func newIMAPBox(t *testing.T) *imapBox {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("support", "s3cret")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger:       nopIMAPLog{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &imapBox{addr: ln.Addr().String(), user: user}
}

type nopIMAPLog struct{}

func (nopIMAPLog) Printf(string, ...any) {}

func (b *imapBox) add(t *testing.T, raw []byte, flags ...imap.Flag) {
	t.Helper()
	if _, err := b.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Flags: flags}); err != nil {
		t.Fatal(err)
	}
}

// unseen counts the INBOX's messages without \Seen, over IMAP.
func (b *imapBox) unseen(t *testing.T) int {
	t.Helper()
	c, err := imapclient.DialInsecure(b.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("support", "s3cret").Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	d, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return len(d.AllUIDs())
}

func TestIMAPPollingDeliversOnceAndOnlyAfterCommit(t *testing.T) {
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
		box.add(t, fixture(t, "plain.eml"))
		box.add(t, message("bob@customer.example", "Support <support@example.com>", "Second", "imap.2@customer.example", "", "", "Hi."))
		box.add(t, message("old@customer.example", "support@example.com", "Already read", "imap.old@customer.example", "", "", "Old."), imap.FlagSeen)

		n, err := p.PollOnce(ctx)
		if err != nil || n != 2 {
			t.Fatalf("poll = %d, %v", n, err)
		}
		if got := c.count(t, "tickets"); got != 2 {
			t.Fatalf("tickets = %d", got)
		}
		ts := c.tickets1(t, ticket.Filter{})
		if ts[0].Recipient != "support@example.com" || ts[0].GroupID == nil || *ts[0].GroupID != c.support {
			t.Errorf("mailbox from To: recipient %q group %v", ts[0].Recipient, ts[0].GroupID)
		}
		if u := box.unseen(t); u != 0 {
			t.Fatalf("%d messages still unseen", u)
		}
		if n, err := p.PollOnce(ctx); err != nil || n != 0 {
			t.Fatalf("second poll = %d, %v", n, err)
		}

		// The store fails before commit: the message stays unseen and
		// nothing is stored; the next poll stores it once.
		box.add(t, message("carol@customer.example", "support@example.com", "Third", "imap.3@customer.example", "", "", "Again."))
		c.failTx.Store(1)
		if _, err := p.PollOnce(ctx); err == nil {
			t.Fatal("poll with a failing store reported no error")
		}
		if u, got := box.unseen(t), c.count(t, "tickets"); u != 1 || got != 2 {
			t.Fatalf("after a failed delivery: %d unseen, %d tickets", u, got)
		}
		if n, err := p.PollOnce(ctx); err != nil || n != 1 {
			t.Fatalf("retry poll = %d, %v", n, err)
		}
		// The same message again (e.g. flagging failed after the commit)
		// is acknowledged without a second ticket.
		box.add(t, message("carol@customer.example", "support@example.com", "Third", "imap.3@customer.example", "", "", "Again."))
		if n, err := p.PollOnce(ctx); err != nil || n != 1 {
			t.Fatalf("duplicate poll = %d, %v", n, err)
		}
		if got, m := c.count(t, "tickets"), c.count(t, "mail_messages"); got != 3 || m != 3 {
			t.Fatalf("%d tickets, %d messages", got, m)
		}
		if u := box.unseen(t); u != 0 {
			t.Errorf("%d unseen", u)
		}

		// Wrong password: a clear error, nothing else.
		bad := cfg
		bad.Password = "nope"
		pb, _ := NewIMAPPoller(bad, c.store)
		if _, err := pb.PollOnce(ctx); err == nil {
			t.Error("login with a wrong password succeeded")
		}
	})
}

func TestParseIMAPURL(t *testing.T) {
	cfg, err := ParseIMAPURL("imaps://help%40acme.com:p%3Ass@imap.acme.com/Support")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "imap.acme.com:993" || cfg.TLS != TLSImplicit || cfg.Username != "help@acme.com" || cfg.Password != "p:ss" || cfg.Folder != "Support" {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg, _ := ParseIMAPURL("imap://u:p@h"); cfg.Addr != "h:143" || cfg.TLS != TLSMandatory {
		t.Errorf("imap:// = %+v", cfg)
	}
	for _, bad := range []string{"pop3://u:p@h", "imaps://h", "not a url", "imaps://:p@h"} {
		if _, err := ParseIMAPURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
