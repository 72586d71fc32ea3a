package mail

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// fakeDNS is a zone for the verification tests: TXT records by name, and
// A/AAAA for SPF "a" mechanisms. Anything else does not exist.
type fakeDNS struct {
	mu    sync.Mutex
	txt   map[string][]string
	ips   map[string][]net.IPAddr
	keys  map[string]ed25519.PrivateKey // DKIM keys by domain (selector "s1")
	calls int
}

func newFakeDNS() *fakeDNS {
	return &fakeDNS{txt: map[string][]string{}, ips: map[string][]net.IPAddr{}, keys: map[string]ed25519.PrivateKey{}}
}

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (f *fakeDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if v, ok := f.txt[strings.TrimSuffix(strings.ToLower(name), ".")]; ok {
		return v, nil
	}
	return nil, notFound(name)
}

func (f *fakeDNS) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	return nil, notFound(name)
}

func (f *fakeDNS) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.ips[strings.TrimSuffix(strings.ToLower(host), ".")]; ok {
		return v, nil
	}
	return nil, notFound(host)
}

func (f *fakeDNS) LookupAddr(_ context.Context, addr string) ([]string, error) {
	return nil, notFound(addr)
}

func (f *fakeDNS) setTXT(name string, v ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.txt[name] = v
}

// addDKIM publishes a new ed25519 key for domain under selector s1.
func (f *fakeDNS) addDKIM(t testing.TB, domain string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f.setTXT("s1._domainkey."+domain, "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(pub))
	f.mu.Lock()
	f.keys[domain] = priv
	f.mu.Unlock()
}

// sign DKIM-signs raw (made CRLF) as domain, with that domain's key.
func (f *fakeDNS) sign(t testing.TB, raw []byte, domain string) []byte {
	t.Helper()
	f.mu.Lock()
	key := f.keys[domain]
	f.mu.Unlock()
	if key == nil {
		t.Fatalf("no DKIM key for %s", domain)
	}
	raw = crlf(raw)
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{Domain: domain, Selector: "s1", Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func crlf(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

func verifyRaw(t *testing.T, a *Authenticator, env Envelope, raw []byte) SenderAuth {
	t.Helper()
	in, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return a.Verify(context.Background(), env, raw, in)
}

func TestVerifyDNS(t *testing.T) {
	dns := newFakeDNS()
	dns.addDKIM(t, "customer.example")
	dns.addDKIM(t, "mail.customer.example")
	dns.addDKIM(t, "bulk-sender.example")
	dns.addDKIM(t, "strict.example")
	dns.addDKIM(t, "mail.strict.example")
	dns.setTXT("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
	dns.setTXT("customer.example", "v=spf1 ip4:203.0.113.5 -all")
	a, err := NewAuthenticator(AuthConfig{Mode: AuthDNS, Resolver: dns})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(from string) []byte {
		return []byte("From: " + from + "\r\nTo: support@example.com\r\nSubject: hi\r\nMessage-ID: <m@x>\r\n\r\nHello there.\r\n")
	}
	public := net.ParseIP("203.0.113.5")
	other := net.ParseIP("198.51.100.7")
	cases := []struct {
		name   string
		raw    []byte
		env    Envelope
		result AuthResult
		method string
		detail string
	}{
		{"dkim aligned", dns.sign(t, msg("alice@customer.example"), "customer.example"), Envelope{}, AuthPass, "dkim", "dkim=pass header.d=customer.example"},
		{"dkim subdomain relaxed", dns.sign(t, msg("alice@customer.example"), "mail.customer.example"), Envelope{}, AuthPass, "dkim", ""},
		{"dkim other domain", dns.sign(t, msg("alice@customer.example"), "bulk-sender.example"), Envelope{}, AuthNone, "", "dkim=pass header.d=bulk-sender.example"},
		{"dkim strict policy", dns.sign(t, msg("ceo@strict.example"), "mail.strict.example"), Envelope{}, AuthNone, "", "dmarc p=reject"},
		{"dkim strict exact", dns.sign(t, msg("ceo@strict.example"), "strict.example"), Envelope{}, AuthPass, "dkim", ""},
		{"dkim body tampered", bytes.Replace(dns.sign(t, msg("alice@customer.example"), "customer.example"), []byte("Hello there."), []byte("Pay me now."), 1), Envelope{}, AuthFail, "", "dkim=fail header.d=customer.example"},
		{"unsigned", msg("alice@customer.example"), Envelope{}, AuthNone, "", "dkim=none"},
		{"spf pass", msg("alice@customer.example"), Envelope{From: "bounce@customer.example", RemoteIP: public, HELO: "mx.customer.example"}, AuthPass, "spf", "spf=pass"},
		{"spf fail", msg("alice@customer.example"), Envelope{From: "bounce@customer.example", RemoteIP: other, HELO: "evil.example"}, AuthFail, "", "spf=fail"},
		{"spf pass unaligned", msg("alice@other.example"), Envelope{From: "bounce@customer.example", RemoteIP: public}, AuthNone, "", "spf=pass"},
		{"local client skips spf", msg("alice@customer.example"), Envelope{From: "bounce@customer.example", RemoteIP: net.ParseIP("127.0.0.1")}, AuthNone, "", "local client"},
		{"no from", []byte("Subject: x\r\n\r\nbody\r\n"), Envelope{}, AuthNone, "", "no From domain"},
	}
	for _, c := range cases {
		got := verifyRaw(t, a, c.env, c.raw)
		if got.Result != c.result || got.Method != c.method || !strings.Contains(got.Details, c.detail) {
			t.Errorf("%s: %+v, want %s %q containing %q", c.name, got, c.result, c.method, c.detail)
		}
	}
	// An unsigned message from a local client costs no DNS lookup at all
	// (nothing could pass).
	before := dns.calls
	verifyRaw(t, a, Envelope{RemoteIP: net.ParseIP("127.0.0.1")}, msg("alice@customer.example"))
	eq(t, "lookups", dns.calls, before)
}

func TestVerifyRelay(t *testing.T) {
	a, err := NewAuthenticator(AuthConfig{Mode: AuthRelay, TrustedAuthServIDs: []string{"MX.Example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	msg := func(from string, ars ...string) []byte {
		var b strings.Builder
		for _, ar := range ars {
			b.WriteString("Authentication-Results: " + ar + "\r\n")
		}
		b.WriteString("From: " + from + "\r\nSubject: hi\r\n\r\nbody\r\n")
		return []byte(b.String())
	}
	cases := []struct {
		name   string
		raw    []byte
		result AuthResult
	}{
		{"dmarc pass", msg("a@customer.example", "mx.example.com; dmarc=pass header.from=customer.example"), AuthPass},
		{"dmarc fail", msg("a@customer.example", "mx.example.com; dmarc=fail header.from=customer.example"), AuthFail},
		{"dkim aligned", msg("a@customer.example", "mx.example.com; dkim=pass header.d=mail.customer.example"), AuthPass},
		{"dkim unaligned", msg("a@customer.example", "mx.example.com; dkim=pass header.d=evil.example"), AuthNone},
		{"spf aligned", msg("a@customer.example", "mx.example.com; spf=pass smtp.mailfrom=bounce@customer.example"), AuthPass},
		{"dmarc about another from", msg("a@customer.example", "mx.example.com; dmarc=pass header.from=evil.example"), AuthNone},
		{"untrusted relay", msg("a@customer.example", "evil.example; dmarc=pass header.from=customer.example"), AuthNone},
		// The sender's own forged header sits below the relay's: only the
		// topmost counts.
		{"forged below", msg("a@customer.example", "mx.example.com; dmarc=fail header.from=customer.example", "mx.example.com; dmarc=pass header.from=customer.example"), AuthFail},
		{"none", msg("a@customer.example"), AuthNone},
	}
	for _, c := range cases {
		if got := verifyRaw(t, a, Envelope{}, c.raw); got.Result != c.result {
			t.Errorf("%s: %+v, want %s", c.name, got, c.result)
		}
	}
	if _, err := NewAuthenticator(AuthConfig{Mode: AuthRelay}); err == nil {
		t.Error("relay mode without a trusted authserv-id accepted")
	}
	if _, err := NewAuthenticator(AuthConfig{Mode: "maybe"}); err == nil {
		t.Error("unknown mode accepted")
	}
}

func TestReplyTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := ReplyToken(key, 12, 34)
	if !strings.HasPrefix(tok, "u34k") || len(tok) != len("u34k")+replyTokenMAC {
		t.Fatalf("token %q", tok)
	}
	eq(t, "valid", validReplyToken(key, tok, 12, 34), true)
	eq(t, "other user", validReplyToken(key, tok, 12, 35), false)
	eq(t, "other ticket", validReplyToken(key, tok, 13, 34), false)
	eq(t, "other key", validReplyToken([]byte("another key of 32 bytes........."), tok, 12, 34), false)
	// Carried in our Message-ID (In-Reply-To / References) or in the
	// Reply-To plus address.
	id := OutboundMessageIDToken(12, 99, tok, "example.com")
	if tk, c, ok := ParseOutboundMessageID(id); !ok || tk != 12 || c != 99 {
		t.Fatalf("ParseOutboundMessageID(%q) = %d %d %v", id, tk, c, ok)
	}
	in := &Inbound{MessageID: "r@x", InReplyTo: id}
	eq(t, "in-reply-to", hasReplyToken(key, in, 34, 12), true)
	eq(t, "someone else", hasReplyToken(key, in, 35, 12), false)
	plus := PlusAddressToken("support@example.com", 12, tok)
	eq(t, "plus", plus, "support+id12."+tok+"@example.com")
	eq(t, "base", BaseAddress(plus), "support@example.com")
	if got, ok := ParseTicketToken("", []Address{{Email: plus}}); !ok || got != 12 {
		t.Errorf("ParseTicketToken(%s) = %d %v", plus, got, ok)
	}
	in = &Inbound{MessageID: "r2@x", To: []Address{{Email: plus}}}
	eq(t, "to", hasReplyToken(key, in, 34, 12), true)
	eq(t, "no token", hasReplyToken(key, &Inbound{MessageID: "r3@x", InReplyTo: OutboundMessageID(12, 99, "example.com")}, 34, 12), false)
}
