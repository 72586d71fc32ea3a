package app

import (
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/web"
)

// mailSettings are the email channel's settings.
func mailSettings() []setting {
	return []setting{
		{"smtp", mail.DefaultServerAddr, "inbound SMTP listen address (empty disables the listener)", func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("%q is not host:port", v)
				}
			}
			c.SMTPAddr = v
			return nil
		}},
		{"mailboxes", "support@frontline.localhost", "receiving addresses, comma-separated, each optionally =group (name or id) and #brand (id or subdomain: a brand's own support address, whose new tickets are in that brand): support@x.com=Support,security@x.com=Security,gov@x.com=Government#usgov", func(c *Config, v string) error {
			boxes, err := ParseMailboxes(v)
			c.Mailboxes = boxes
			return err
		}},
		{"mail-from", "", "From of outbound mail (\"Name <address>\"; default: the first mailbox); replies use the mailbox a ticket came in on", func(c *Config, v string) error {
			c.MailFrom = mail.Address{}
			if strings.TrimSpace(v) == "" {
				return nil
			}
			a, err := netmail.ParseAddress(v)
			if err != nil {
				return fmt.Errorf("%q is not an email address", v)
			}
			c.MailFrom = mail.Address{Name: a.Name, Email: strings.ToLower(a.Address)}
			return nil
		}},
		{"relay-host", "", "SMTP relay for outbound mail (empty: no outbound mail)", func(c *Config, v string) error {
			c.RelayHost = strings.TrimSpace(v)
			return nil
		}},
		{"relay-port", "587", "SMTP relay port", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("%q is not a port number", v)
			}
			c.RelayPort = n
			return nil
		}},
		{"relay-user", "", "SMTP relay user name (empty: no authentication)", func(c *Config, v string) error { c.RelayUser = v; return nil }},
		{"relay-password", "", "SMTP relay password", func(c *Config, v string) error { c.RelayPassword = v; return nil }},
		{"imap", "", "IMAP mailbox to poll instead of or besides SMTP: imaps://user:password@host/INBOX (imap:// STARTTLS, imap+plain:// no TLS)", func(c *Config, v string) error {
			c.IMAP = nil
			if strings.TrimSpace(v) == "" {
				return nil
			}
			cfg, err := mail.ParseIMAPURL(v)
			if err != nil {
				return fmt.Errorf("%q is not an imaps://user:password@host/folder URL", redactURL(v))
			}
			c.IMAP = &cfg
			return nil
		}},
		{"imap-interval", "1m", "how often the IMAP mailbox is polled", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return fmt.Errorf("%q is not a duration of at least 1s", v)
			}
			c.IMAPInterval = d
			return nil
		}},
		{"mail-max-mime-depth", strconv.Itoa(mail.DefaultMaxMIMEDepth), "inbound mail nested deeper than this many multipart levels is refused (554) and kept for admins", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 40 {
				return fmt.Errorf("%q is not a number from 1 to 40", v)
			}
			c.MailLimits.MaxDepth = n
			return nil
		}},
		{"mail-max-mime-parts", strconv.Itoa(mail.DefaultMaxMIMEParts), "inbound mail with more MIME parts is refused (554) and kept for admins", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100000 {
				return fmt.Errorf("%q is not a number from 1 to 100000", v)
			}
			c.MailLimits.MaxParts = n
			return nil
		}},
		{"mail-parse-timeout", mail.DefaultParseTimeout.String(), "longest parse of one inbound message; a longer one is refused (554) and kept for admins", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 100*time.Millisecond {
				return fmt.Errorf("%q is not a duration of at least 100ms", v)
			}
			c.MailLimits.Timeout = d
			return nil
		}},
		{"mail-auth", string(mail.AuthDNS), "how inbound senders are verified: dns (DKIM, SPF and DMARC checked here), relay (Authentication-Results of --mail-trusted-authserv-id) or none", func(c *Config, v string) error {
			switch m := mail.AuthMode(v); m {
			case mail.AuthDNS, mail.AuthRelay, mail.AuthOff:
				c.MailAuth = m
				return nil
			}
			return fmt.Errorf("%q is not dns, relay or none", v)
		}},
		{"mail-trusted-authserv-id", "", "authserv-ids (comma-separated) of the relays whose topmost Authentication-Results header is believed, for --mail-auth relay", func(c *Config, v string) error {
			c.MailTrustedAuth = nil
			for id := range strings.SplitSeq(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					if strings.ContainsAny(id, " \t;") {
						return fmt.Errorf("%q is not an authserv-id", id)
					}
					c.MailTrustedAuth = append(c.MailTrustedAuth, id)
				}
			}
			return nil
		}},
		{"mail-auth-timeout", "5s", "bound on the DNS lookups verifying one inbound message", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 100*time.Millisecond {
				return fmt.Errorf("%q is not a duration of at least 100ms", v)
			}
			c.MailAuthTimeout = d
			return nil
		}},
		{"mail-unverified", string(mail.UnverifiedFlag), "inbound mail whose sender is not verified: flag (ticket or comment from the claimed end-user, flagged for agents), accept (same, unflagged) or reject (550); staff addresses are never trusted unverified", func(c *Config, v string) error {
			switch p := mail.UnverifiedPolicy(v); p {
			case mail.UnverifiedAccept, mail.UnverifiedFlag, mail.UnverifiedReject:
				c.MailUnverified = p
				return nil
			}
			return fmt.Errorf("%q is not accept, flag or reject", v)
		}},
		{"relay-tls", "mandatory", "relay TLS: none, opportunistic, mandatory (STARTTLS) or implicit (SMTPS)", func(c *Config, v string) error {
			switch p := mail.TLSPolicy(v); p {
			case mail.TLSNone, mail.TLSOpportunistic, mail.TLSMandatory, mail.TLSImplicit:
				c.RelayTLS = p
				return nil
			}
			return fmt.Errorf("%q is not none, opportunistic, mandatory or implicit", v)
		}},
	}
}

// ParseMailboxes parses "addr[=group][#brand],...": group is a group id or
// name, brand a brand id or subdomain (a brand's own support address).
func ParseMailboxes(v string) ([]mail.Mailbox, error) {
	var out []mail.Mailbox
	seen := map[string]bool{}
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		item, brandOf, _ := strings.Cut(item, "#")
		addr, group, _ := strings.Cut(item, "=")
		addr, group = strings.ToLower(strings.TrimSpace(addr)), strings.TrimSpace(group)
		if a, err := netmail.ParseAddress(addr); err != nil || a.Address != addr || strings.Contains(addr, "+") {
			return nil, fmt.Errorf("%q is not a plain email address", addr)
		}
		if seen[addr] {
			return nil, fmt.Errorf("mailbox %s is listed twice", addr)
		}
		seen[addr] = true
		mb := mail.Mailbox{Address: addr, Brand: strings.ToLower(strings.TrimSpace(brandOf))}
		if id, err := strconv.ParseInt(group, 10, 64); err == nil && id > 0 {
			mb.GroupID = id
		} else {
			mb.Group = group
		}
		out = append(out, mb)
	}
	return out, nil
}

// mailFrom is the outbound From: mail-from, else the first mailbox.
func (c Config) mailFrom() mail.Address {
	if c.MailFrom.Email != "" {
		return c.MailFrom
	}
	if len(c.Mailboxes) > 0 {
		return mail.Address{Name: "Support", Email: c.Mailboxes[0].Address}
	}
	return mail.Address{}
}

// redactURL hides the password of a URL in error messages.
func redactURL(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		return u.Redacted()
	}
	return "(unparseable URL)"
}

// emailSettings is what the admin email page shows of c (no secrets).
func emailSettings(c Config) *web.EmailSettings {
	es := &web.EmailSettings{SMTPAddr: c.SMTPAddr, RelayHost: c.RelayHost, RelayPort: c.RelayPort, RelayUser: c.RelayUser,
		RelayTLS: string(c.RelayTLS), IMAPInterval: c.IMAPInterval.String(),
		Auth: string(c.MailAuth), TrustedRelay: strings.Join(c.MailTrustedAuth, ", "), Unverified: string(c.MailUnverified)}
	lim := c.MailLimits
	if lim.MaxDepth == 0 {
		lim.MaxDepth = mail.DefaultMaxMIMEDepth
	}
	if lim.MaxParts == 0 {
		lim.MaxParts = mail.DefaultMaxMIMEParts
	}
	if lim.Timeout == 0 {
		lim.Timeout = mail.DefaultParseTimeout
	}
	es.MaxMIMEDepth, es.MaxMIMEParts, es.ParseTimeout = lim.MaxDepth, lim.MaxParts, lim.Timeout.String()
	if c.MailFrom.Email != "" {
		es.From = c.MailFrom.String()
	}
	for _, m := range c.Mailboxes {
		g := m.Group
		if g == "" && m.GroupID != 0 {
			g = "#" + strconv.FormatInt(m.GroupID, 10)
		}
		es.Mailboxes = append(es.Mailboxes, web.EmailMailbox{Address: m.Address, Group: g})
	}
	if c.IMAP != nil {
		folder := c.IMAP.Folder
		if folder == "" {
			folder = "INBOX"
		}
		es.IMAP = c.IMAP.Addr + "/" + folder
	}
	return es
}
