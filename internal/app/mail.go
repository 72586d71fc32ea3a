package app

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/frontline/frontline/internal/mail"
)

// newMailStore builds the email channel's store from the configuration and
// registers its ticket hook (outbound replies are queued in the comment's
// transaction). With a relay configured, the outbox is sent by jobs on
// a.Jobs (so call it after openJobs, before Serve starts the queue).
func newMailStore(a *App, c Config, log *slog.Logger, resolver mail.Resolver) (*mail.Store, error) {
	outbound := c.RelayHost != "" && c.mailFrom().Email != ""
	authn, err := mail.NewAuthenticator(mail.AuthConfig{Mode: c.MailAuth, TrustedAuthServIDs: c.MailTrustedAuth,
		Timeout: c.MailAuthTimeout, Resolver: resolver})
	if err != nil {
		return nil, err
	}
	s, err := mail.NewStore(a.DB, a.Tickets, a.People, mail.StoreConfig{
		Mailboxes:  c.Mailboxes,
		From:       c.mailFrom(),
		Outbound:   outbound,
		Logger:     log,
		Limits:     c.MailLimits,
		Auth:       authn,
		Unverified: c.MailUnverified,
	})
	if err != nil {
		return nil, err
	}
	log.Info("inbound mail verification", "mode", string(authn.Mode()), "unverified", string(c.MailUnverified))
	if c.IMAP != nil {
		ic := *c.IMAP
		ic.Logger = log
		p, err := mail.NewIMAPPoller(ic, s)
		if err != nil {
			return nil, err
		}
		p.Schedule(a.Jobs, c.IMAPInterval)
		log.Info("polling IMAP mailbox", "addr", ic.Addr, "folder", ic.Folder, "every", c.IMAPInterval)
	}
	if !outbound {
		return s, nil
	}
	sender, err := mail.NewSender(mail.SenderConfig{
		Host: c.RelayHost, Port: c.RelayPort, Username: c.RelayUser, Password: c.RelayPassword, TLS: c.RelayTLS,
		Clock: a.Clock,
	})
	if err != nil {
		return nil, err
	}
	s.UseJobs(a.Jobs, &mail.Dispatcher{
		Store: s, Sender: sender, Clock: a.Clock, Logger: log,
		Retry: mail.RetryPolicy{Jitter: 0.2, Rand: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))},
	}, 5*time.Minute)
	log.Info("outbound mail through relay", "host", c.RelayHost, "port", c.RelayPort, "tls", string(c.RelayTLS))
	return s, nil
}

// startMail starts the inbound SMTP listener unless it is disabled; stop
// shuts it down after the deliveries in progress have finished.
func (a *App) startMail(ctx context.Context) (stop func(), err error) {
	c := a.Config
	switch {
	case c.SMTPAddr == "":
		a.Log.Info("inbound SMTP disabled (--smtp is empty)")
		return func() {}, nil
	case len(c.Mailboxes) == 0:
		a.Log.Warn("inbound SMTP not started: no --mailboxes configured")
		return func() {}, nil
	}
	srv, err := mail.NewServer(mail.ServerConfig{
		Addr: c.SMTPAddr, Domain: "frontline", Mailboxes: a.Mail.ServerMailboxes(), Logger: a.Log,
		MaxMessageBytes: c.MaxBodyBytes * 5,
		// A message's parse is bounded by --mail-parse-timeout; the rest of
		// the delivery (DNS checks, the transaction) gets the default on top.
		DeliverTimeout: 2*time.Minute + c.MailLimits.Timeout + c.MailAuthTimeout,
	}, a.Mail)
	if err != nil {
		return nil, err
	}
	// Deliveries run on a context that outlives the shutdown signal, so
	// that a message being stored is committed and acknowledged.
	if err := srv.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	a.SMTPAddr = srv.Addr()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			a.Log.Warn("smtp shutdown", "err", err)
		}
	}, nil
}
