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
// transaction).
func newMailStore(a *App, c Config, log *slog.Logger) (*mail.Store, error) {
	return mail.NewStore(a.DB, a.Tickets, a.People, mail.StoreConfig{
		Mailboxes: c.Mailboxes,
		From:      c.mailFrom(),
		Outbound:  c.RelayHost != "" && c.mailFrom().Email != "",
		Logger:    log,
	})
}

// startMail starts the inbound SMTP listener (unless disabled) and the
// outbox dispatcher (when a relay is configured). stop shuts both down:
// the listener finishes the deliveries in progress first.
func (a *App) startMail(ctx context.Context) (stop func(), err error) {
	c := a.Config
	var srv *mail.Server
	switch {
	case c.SMTPAddr == "":
		a.Log.Info("inbound SMTP disabled (--smtp is empty)")
	case len(c.Mailboxes) == 0:
		a.Log.Warn("inbound SMTP not started: no --mailboxes configured")
	default:
		srv, err = mail.NewServer(mail.ServerConfig{
			Addr: c.SMTPAddr, Domain: "frontline", Mailboxes: a.Mail.ServerMailboxes(), Logger: a.Log,
			MaxMessageBytes: c.MaxBodyBytes * 5,
		}, a.Mail)
		if err != nil {
			return nil, err
		}
		// Deliveries run on a context that outlives the shutdown signal,
		// so that a message being stored is committed and acknowledged.
		if err := srv.Start(context.WithoutCancel(ctx)); err != nil {
			return nil, err
		}
		a.SMTPAddr = srv.Addr()
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	if c.RelayHost != "" {
		sender, err := mail.NewSender(mail.SenderConfig{
			Host: c.RelayHost, Port: c.RelayPort, Username: c.RelayUser, Password: c.RelayPassword, TLS: c.RelayTLS,
			Clock: a.Clock,
		})
		if err != nil {
			cancel()
			a.stopSMTP(srv)
			return nil, err
		}
		d := &mail.Dispatcher{
			Store: a.Mail, Sender: sender, Clock: a.Clock, Logger: a.Log,
			Retry: mail.RetryPolicy{Jitter: 0.2, Rand: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))},
		}
		go func() {
			defer close(done)
			a.Mail.RunOutbox(rctx, d, 30*time.Second)
		}()
		a.Log.Info("outbound mail through relay", "host", c.RelayHost, "port", c.RelayPort, "tls", string(c.RelayTLS))
	} else {
		close(done)
		a.Log.Info("outbound mail disabled (no --relay-host)")
	}
	return func() {
		a.stopSMTP(srv)
		cancel()
		<-done
	}, nil
}

func (a *App) stopSMTP(srv *mail.Server) {
	if srv == nil {
		return
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		a.Log.Warn("smtp shutdown", "err", err)
	}
}
