package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
	"golang.org/x/net/publicsuffix"
)

// Sender verification. Nothing in a message proves who wrote it: From is
// whatever the sender typed. A message is "verified" when its From domain
// is vouched for by DKIM (a valid signature of an aligned domain) or SPF
// (the connecting client is allowed to send for an aligned envelope
// domain) — the identifier alignment of DMARC (RFC 7489), relaxed unless
// the domain's DMARC record asks for strict — or, behind a relay that
// checks mail itself, when that relay's Authentication-Results header says
// so (RFC 8601).

// AuthMode says how senders are verified.
type AuthMode string

const (
	// AuthDNS checks DKIM, SPF and DMARC here, with DNS lookups.
	AuthDNS AuthMode = "dns"
	// AuthRelay trusts the topmost Authentication-Results header when its
	// authserv-id is one of AuthConfig.TrustedAuthServIDs.
	AuthRelay AuthMode = "relay"
	// AuthOff verifies nothing: every message is unverified.
	AuthOff AuthMode = "none"
)

// Resolver is the DNS the checks use; *net.Resolver implements it, tests
// inject their own zone.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// AuthConfig configures an Authenticator.
type AuthConfig struct {
	Mode AuthMode // default AuthDNS
	// Resolver for AuthDNS; net.DefaultResolver when nil.
	Resolver Resolver
	// TrustedAuthServIDs are the authserv-ids (e.g. "mx.example.com") whose
	// Authentication-Results are believed, for AuthRelay.
	TrustedAuthServIDs []string
	// Timeout bounds the DNS lookups of one message (default 5s); what is
	// not answered by then counts as no result.
	Timeout time.Duration
	// CheckPrivateSPF also runs SPF for clients on loopback and private
	// addresses (normally skipped: such a client is a local relay, whose
	// address says nothing about the sender's domain).
	CheckPrivateSPF bool
}

// AuthResult is the verdict on a sender.
type AuthResult string

const (
	AuthPass AuthResult = "pass" // From's domain vouched for the message
	AuthFail AuthResult = "fail" // a check for From's domain failed
	AuthNone AuthResult = "none" // no evidence either way
)

// SenderAuth is the outcome of verifying one message.
type SenderAuth struct {
	Result  AuthResult `json:"result"`
	Method  string     `json:"method"`  // what decided: dkim, spf, relay; "" when nothing passed
	Details string     `json:"details"` // the evidence, e.g. "dkim=pass header.d=example.com; spf=none"
}

// Verified reports whether the sender was authenticated.
func (a SenderAuth) Verified() bool { return a.Result == AuthPass }

// Authenticator verifies senders; it is safe for concurrent use.
type Authenticator struct {
	cfg     AuthConfig
	trusted map[string]bool
}

// NewAuthenticator validates cfg.
func NewAuthenticator(cfg AuthConfig) (*Authenticator, error) {
	if cfg.Mode == "" {
		cfg.Mode = AuthDNS
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	a := &Authenticator{cfg: cfg, trusted: map[string]bool{}}
	for _, id := range cfg.TrustedAuthServIDs {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" {
			a.trusted[id] = true
		}
	}
	switch cfg.Mode {
	case AuthDNS, AuthOff:
	case AuthRelay:
		if len(a.trusted) == 0 {
			return nil, errors.New("mail: relay verification needs the trusted authserv-id of the relay")
		}
	default:
		return nil, fmt.Errorf("mail: unknown verification mode %q (dns, relay or none)", cfg.Mode)
	}
	return a, nil
}

// Mode returns the verification mode.
func (a *Authenticator) Mode() AuthMode { return a.cfg.Mode }

// Verify checks the sender (From) of in; raw is the message as received.
func (a *Authenticator) Verify(ctx context.Context, env Envelope, raw []byte, in *Inbound) SenderAuth {
	fromDomain := domainOf(in.From.Email)
	if fromDomain == "" {
		return SenderAuth{Result: AuthNone, Details: "no From domain"}
	}
	switch a.cfg.Mode {
	case AuthRelay:
		return a.verifyRelay(in, fromDomain)
	case AuthDNS:
		ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
		defer cancel()
		return a.verifyDNS(ctx, env, raw, in, fromDomain)
	}
	return SenderAuth{Result: AuthNone, Details: "sender verification is off"}
}

func domainOf(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[at+1:])), ".")
}

// orgDomain is the organizational domain (public suffix + 1 label).
func orgDomain(d string) string {
	if o, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return o
	}
	return d
}

// aligned is DMARC identifier alignment of an authenticated domain with
// the From domain.
func aligned(authDomain, fromDomain string, strict bool) bool {
	authDomain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(authDomain)), ".")
	if authDomain == "" {
		return false
	}
	if strict {
		return authDomain == fromDomain
	}
	return orgDomain(authDomain) == orgDomain(fromDomain)
}

type dnsChecks struct {
	dkimPass, dkimFail []string // signing domains
	dkimNote           string
	spf                spf.Result
	spfDomain          string
	spfNote            string
}

func (a *Authenticator) verifyDNS(ctx context.Context, env Envelope, raw []byte, in *Inbound, fromDomain string) SenderAuth {
	var c dnsChecks
	lookupTXT := func(name string) ([]string, error) { return a.cfg.Resolver.LookupTXT(ctx, name) }
	if len(in.Headers["Dkim-Signature"]) > 0 {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookupTXT, MaxVerifications: 5})
		if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
			c.dkimNote = "dkim=temperror"
		}
		for _, v := range vs {
			if v.Err == nil {
				c.dkimPass = append(c.dkimPass, strings.ToLower(v.Domain))
			} else {
				c.dkimFail = append(c.dkimFail, strings.ToLower(v.Domain))
			}
		}
	}
	c.spf, c.spfDomain = spf.None, domainOf(env.From)
	if c.spfDomain == "" && env.HELO != "" {
		c.spfDomain = strings.ToLower(env.HELO)
	}
	switch ip := env.RemoteIP; {
	case ip == nil:
		c.spfNote = "spf=none (no client address)"
	case !a.cfg.CheckPrivateSPF && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()):
		c.spfNote = "spf=none (local client " + ip.String() + ")"
	default:
		c.spf, _ = spf.CheckHostWithSender(ip, env.HELO, env.From, spf.WithResolver(a.cfg.Resolver), spf.WithContext(ctx))
		c.spfNote = fmt.Sprintf("spf=%s smtp.mailfrom=%s", c.spf, c.spfDomain)
	}

	strictDKIM, strictSPF := false, false
	dmarcNote := ""
	candidate := c.spf == spf.Pass && aligned(c.spfDomain, fromDomain, false)
	for _, d := range c.dkimPass {
		candidate = candidate || aligned(d, fromDomain, false)
	}
	if candidate {
		// The domain may ask for strict alignment.
		rec, err := dmarc.LookupWithOptions(fromDomain, &dmarc.LookupOptions{LookupTXT: lookupTXT})
		if errors.Is(err, dmarc.ErrNoPolicy) && orgDomain(fromDomain) != fromDomain {
			rec, err = dmarc.LookupWithOptions(orgDomain(fromDomain), &dmarc.LookupOptions{LookupTXT: lookupTXT})
		}
		if err == nil && rec != nil {
			strictDKIM, strictSPF = rec.DKIMAlignment == dmarc.AlignmentStrict, rec.SPFAlignment == dmarc.AlignmentStrict
			dmarcNote = "dmarc p=" + string(rec.Policy)
		}
	}

	var notes []string
	for _, d := range c.dkimPass {
		notes = append(notes, "dkim=pass header.d="+d)
	}
	for _, d := range c.dkimFail {
		notes = append(notes, "dkim=fail header.d="+d)
	}
	if c.dkimNote != "" {
		notes = append(notes, c.dkimNote)
	}
	if len(in.Headers["Dkim-Signature"]) == 0 {
		notes = append(notes, "dkim=none")
	}
	notes = append(notes, c.spfNote)
	if dmarcNote != "" {
		notes = append(notes, dmarcNote)
	}
	details := strings.Join(notes, "; ")

	for _, d := range c.dkimPass {
		if aligned(d, fromDomain, strictDKIM) {
			return SenderAuth{Result: AuthPass, Method: "dkim", Details: details}
		}
	}
	if c.spf == spf.Pass && aligned(c.spfDomain, fromDomain, strictSPF) {
		return SenderAuth{Result: AuthPass, Method: "spf", Details: details}
	}
	for _, d := range c.dkimFail {
		if aligned(d, fromDomain, false) {
			return SenderAuth{Result: AuthFail, Details: details}
		}
	}
	if c.spf == spf.Fail && aligned(c.spfDomain, fromDomain, false) {
		return SenderAuth{Result: AuthFail, Details: details}
	}
	return SenderAuth{Result: AuthNone, Details: details}
}

// verifyRelay reads the topmost Authentication-Results header: the one the
// relay in front of us added last. Headers further down may have been
// written by anyone, the sender included.
func (a *Authenticator) verifyRelay(in *Inbound, fromDomain string) SenderAuth {
	ars := in.Headers["Authentication-Results"]
	if len(ars) == 0 {
		return SenderAuth{Result: AuthNone, Details: "no Authentication-Results header"}
	}
	id, results, err := authres.Parse(ars[0])
	if err != nil {
		return SenderAuth{Result: AuthNone, Details: "unreadable Authentication-Results header"}
	}
	if !a.trusted[strings.ToLower(id)] {
		return SenderAuth{Result: AuthNone, Details: "topmost Authentication-Results is from untrusted " + oneLine(id)}
	}
	details := "relay " + id + ": " + oneLine(ars[0][len(id):])
	details = strings.TrimSuffix(strings.Replace(details, ": ;", ":", 1), ";")
	fail := false
	for _, r := range results {
		if d, ok := r.(*authres.DMARCResult); ok {
			from := domainOf("@" + d.From)
			if d.From != "" && from != fromDomain {
				continue // about another From
			}
			switch d.Value {
			case authres.ResultPass:
				return SenderAuth{Result: AuthPass, Method: "relay", Details: details}
			case authres.ResultFail:
				return SenderAuth{Result: AuthFail, Details: details}
			}
		}
	}
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DKIMResult:
			if r.Value == authres.ResultPass && aligned(r.Domain, fromDomain, false) {
				return SenderAuth{Result: AuthPass, Method: "relay", Details: details}
			}
			fail = fail || r.Value == authres.ResultFail && aligned(r.Domain, fromDomain, false)
		case *authres.SPFResult:
			dom := domainOf(r.From)
			if dom == "" {
				dom = strings.ToLower(r.From)
			}
			if r.Value == authres.ResultPass && aligned(dom, fromDomain, false) {
				return SenderAuth{Result: AuthPass, Method: "relay", Details: details}
			}
			fail = fail || r.Value == authres.ResultFail && aligned(dom, fromDomain, false)
		}
	}
	if fail {
		return SenderAuth{Result: AuthFail, Details: details}
	}
	return SenderAuth{Result: AuthNone, Details: details}
}
