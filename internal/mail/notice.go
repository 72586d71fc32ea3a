package mail

import (
	"context"
	"strings"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// Sends reports whether outbound mail is on (a relay and a From address).
func (s *Store) Sends() bool { return s.cfg.Outbound }

// QueueNotice puts an account email (an invitation or a password reset)
// that belongs to no ticket into the durable outbox, sent by the outbox
// dispatcher like a reply. It refuses when outbound mail is off; the caller
// then shows what would have been sent (a set-password link) instead.
func (s *Store) QueueNotice(ctx context.Context, to Address, subject, text string) error {
	if !s.cfg.Outbound {
		return errs.Conflict("outbound mail is off (no relay configured)")
	}
	to.Email = normalizeEmail(to.Email)
	if to.Email == "" || strings.ContainsAny(to.Email, "\r\n") {
		return errs.Invalid("to", "needs an email address")
	}
	m := &Outbound{
		From:      s.cfg.From,
		To:        []Address{to},
		Subject:   subject,
		Text:      text,
		MessageID: randomMessageID(s.cfg.From.Email),
		Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		m.Date = tx.Now
		return s.enqueue(ctx, tx, 0, 0, m, nil)
	})
}

// NoticeOutbox lists the queued account emails (those of no ticket) to an
// address, oldest first.
func (s *Store) NoticeOutbox(ctx context.Context, email string) ([]OutboxEntry, error) {
	all, err := db.ReadList(ctx, s.d, s.q.Get("NoticeOutbox"), nil, scanOutbox)
	if err != nil {
		return nil, err
	}
	email = normalizeEmail(email)
	var out []OutboxEntry
	for _, e := range all {
		for _, a := range e.Message.To {
			if normalizeEmail(a.Email) == email {
				out = append(out, e)
				break
			}
		}
	}
	return out, nil
}
