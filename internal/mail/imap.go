package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/riverqueue/river"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
)

// IMAPConfig is a mailbox to poll, for installs that cannot receive SMTP.
type IMAPConfig struct {
	Addr     string    // host:port
	TLS      TLSPolicy // none, mandatory (STARTTLS) or implicit (IMAPS); default implicit
	Username string
	Password string
	Folder   string // default INBOX
	// Batch bounds the messages fetched per poll (default 20).
	Batch     int
	Timeout   time.Duration // per connection; default 30s
	TLSConfig *tls.Config
	Logger    *slog.Logger
}

// ParseIMAPURL reads imaps://user:password@host[:993][/folder] (implicit
// TLS), imap://... (STARTTLS required) or imap+plain://... (no TLS, for a
// server on the same host). User and password are URL-encoded.
func ParseIMAPURL(raw string) (IMAPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User == nil {
		return IMAPConfig{}, errs.Invalid("imap", "must look like imaps://user:password@host/INBOX")
	}
	cfg := IMAPConfig{Username: u.User.Username(), Folder: strings.TrimPrefix(u.Path, "/")}
	cfg.Password, _ = u.User.Password()
	port := ""
	switch u.Scheme {
	case "imaps":
		cfg.TLS, port = TLSImplicit, "993"
	case "imap":
		cfg.TLS, port = TLSMandatory, "143"
	case "imap+plain":
		cfg.TLS, port = TLSNone, "143"
	default:
		return IMAPConfig{}, errs.Invalid("imap", "scheme must be imaps, imap or imap+plain")
	}
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), port)
	}
	if cfg.Username == "" {
		return IMAPConfig{}, errs.Invalid("imap", "needs a user name")
	}
	return cfg, nil
}

// IMAPPoller fetches unseen messages from a mailbox and hands each to a
// Deliverer; a message is flagged \Seen only after Deliver returned nil
// (committed), so a crash in between makes the next poll fetch it again and
// the store acknowledge it as a duplicate.
type IMAPPoller struct {
	cfg IMAPConfig
	d   Deliverer
	log *slog.Logger
}

// NewIMAPPoller validates cfg.
func NewIMAPPoller(cfg IMAPConfig, d Deliverer) (*IMAPPoller, error) {
	var v errs.Validation
	v.Check(cfg.Addr != "", "imap", "needs a host")
	v.Check(cfg.Username != "", "imap", "needs a user name")
	v.Check(d != nil, "imap", "needs a deliverer")
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSImplicit
	case TLSNone, TLSMandatory, TLSImplicit:
	default:
		v.Add("imap", "TLS must be none, mandatory or implicit")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if cfg.Folder == "" {
		cfg.Folder = "INBOX"
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &IMAPPoller{cfg: cfg, d: d, log: log}, nil
}

func (p *IMAPPoller) dial() (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: p.cfg.TLSConfig, Dialer: &net.Dialer{Timeout: p.cfg.Timeout}}
	switch p.cfg.TLS {
	case TLSNone:
		return imapclient.DialInsecure(p.cfg.Addr, opts)
	case TLSMandatory:
		return imapclient.DialStartTLS(p.cfg.Addr, opts)
	default:
		return imapclient.DialTLS(p.cfg.Addr, opts)
	}
}

// PollOnce delivers the folder's unseen messages (at most Batch) and
// returns how many were stored or acknowledged as duplicates. A message the
// Deliverer rejects permanently is flagged \Seen too (it would be rejected
// again); any other delivery error stops the poll, leaving the message
// unseen for the next one.
func (p *IMAPPoller) PollOnce(ctx context.Context) (int, error) {
	c, err := p.dial()
	if err != nil {
		return 0, fmt.Errorf("imap: connect %s: %w", p.cfg.Addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if err := c.Login(p.cfg.Username, p.cfg.Password).Wait(); err != nil {
		return 0, fmt.Errorf("imap: login: %w", err)
	}
	if _, err := c.Select(p.cfg.Folder, nil).Wait(); err != nil {
		return 0, fmt.Errorf("imap: select %s: %w", p.cfg.Folder, err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("imap: search: %w", err)
	}
	uids := found.AllUIDs()
	if len(uids) > p.cfg.Batch {
		uids = uids[:p.cfg.Batch]
	}
	if len(uids) == 0 {
		_ = c.Logout().Wait()
		return 0, nil
	}
	// Peek: reading must not set \Seen before the message is stored.
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return 0, fmt.Errorf("imap: fetch: %w", err)
	}
	n := 0
	var deliverErr error
	for _, m := range msgs {
		raw := m.FindBodySection(section)
		err := p.d.Deliver(ctx, Envelope{Channel: ChannelIMAP}, raw)
		var rej *RejectError
		if errors.As(err, &rej) {
			p.log.Warn("imap message rejected", "uid", m.UID, "reason", rej.Reason)
		} else if err != nil {
			deliverErr = fmt.Errorf("imap: deliver uid %d: %w", m.UID, err)
			break
		} else {
			n++
		}
		seen := imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}, Silent: true}
		if err := c.Store(imap.UIDSetNum(m.UID), &seen, nil).Close(); err != nil {
			return n, fmt.Errorf("imap: flag uid %d seen: %w", m.UID, err)
		}
	}
	if deliverErr != nil {
		return n, deliverErr
	}
	_ = c.Logout().Wait()
	return n, nil
}

// IMAPPollArgs is the periodic job that polls the IMAP mailbox.
type IMAPPollArgs struct{}

// Kind implements river.JobArgs.
func (IMAPPollArgs) Kind() string { return "mail.imap_poll" }

type imapWorker struct {
	river.WorkerDefaults[IMAPPollArgs]
	p *IMAPPoller
}

func (w *imapWorker) Work(ctx context.Context, _ *river.Job[IMAPPollArgs]) error {
	for {
		n, err := w.p.PollOnce(ctx)
		if n > 0 {
			w.p.log.Info("imap messages delivered", "count", n)
		}
		if err != nil || n < w.p.cfg.Batch {
			return err
		}
	}
}

// Timeout bounds one polling run.
func (w *imapWorker) Timeout(*river.Job[IMAPPollArgs]) time.Duration { return 10 * time.Minute }

// Schedule polls on q every interval (on one node at a time); call it
// before q starts.
func (p *IMAPPoller) Schedule(q *jobs.Queue, interval time.Duration) {
	jobs.AddWorker(q, &imapWorker{p: p})
	q.AddPeriodic(interval, IMAPPollArgs{}, true)
}
