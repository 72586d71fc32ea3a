package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net/textproto"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontline/frontline/internal/db"
)

// Reason codes of rejected messages besides the Limit codes.
const (
	RejectUnparseable     = "unparseable"
	RejectUnauthenticated = "unauthenticated"
)

// Rejected is a message refused with a permanent 5xx and kept for an admin
// (without its raw bytes; see RawRejected).
type Rejected struct {
	ID           int64     `json:"id"`
	Channel      string    `json:"channel"` // smtp or imap
	Remote       string    `json:"remote"`  // SMTP client address
	EnvelopeFrom string    `json:"envelope_from"`
	Recipients   []string  `json:"recipients"`
	MessageID    string    `json:"message_id"`  // as far as the header could be read
	FromHeader   string    `json:"from_header"` // idem
	Subject      string    `json:"subject"`     // idem
	Code         string    `json:"code"`        // mime-depth, mime-parts, parse-time, line-length, unparseable, unauthenticated
	Reason       string    `json:"reason"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	ReceivedAt   time.Time `json:"received_at"`
}

// mailMetrics counts the inbound channel for /metrics, by channel.
type mailMetrics struct {
	inbound  *prometheus.CounterVec // outcome: stored, duplicate, rejected, failed
	rejected *prometheus.CounterVec // code
	auth     *prometheus.CounterVec // result: pass, fail, none
}

func newMailMetrics() *mailMetrics {
	return &mailMetrics{
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontline_mail_inbound_total", Help: "Inbound messages by channel (smtp, imap) and outcome (stored, duplicate, rejected, failed).",
		}, []string{"channel", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontline_mail_rejected_total", Help: "Inbound messages refused permanently, by channel and reason code (mime-depth, mime-parts, parse-time, line-length, unparseable, unauthenticated).",
		}, []string{"channel", "code"}),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontline_mail_sender_auth_total", Help: "Sender verification results of parsed inbound messages (pass, fail, none).",
		}, []string{"result"}),
	}
}

// Collectors returns the channel's Prometheus metrics, to register on the
// server's registry.
func (s *Store) Collectors() []prometheus.Collector {
	return []prometheus.Collector{s.metrics.inbound, s.metrics.rejected, s.metrics.auth}
}

func channelOf(env Envelope) string {
	if env.Channel == "" {
		return ChannelSMTP
	}
	return env.Channel
}

// RecordRejected keeps a refused message byte-exact with its reason (a
// message already kept for the same reason is not stored twice) and counts
// it. It implements RejectRecorder.
func (s *Store) RecordRejected(ctx context.Context, env Envelope, raw []byte, code, reason string) error {
	ch := channelOf(env)
	s.metrics.rejected.WithLabelValues(ch, code).Inc()
	s.metrics.inbound.WithLabelValues(ch, "rejected").Inc()
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])
	h := peekHeader(raw)
	msgID := firstMsgID(h.Get("Message-Id"))
	if len(reason) > 2000 {
		reason = reason[:2000]
	}
	remote := ""
	if env.RemoteIP != nil {
		remote = env.RemoteIP.String()
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.q.Get("RejectedBySHA256"), hash, code).Scan(&id)
		if err == nil {
			return nil // a retry of a message already kept
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRowContext(ctx, s.q.Get("InsertRejected"), ch, remote, cleanText(env.From),
			cleanText(strings.Join(env.To, " ")), cleanText(msgID), clip(cleanHeaderText(h.Get("From")), 500),
			clip(cleanHeaderText(h.Get("Subject")), 500), code, cleanText(reason), int64(len(raw)), hash, raw,
			db.TS(tx.Now)).Scan(&id)
	})
}

// reject keeps the message and returns the permanent refusal for the
// sender.
func (s *Store) reject(ctx context.Context, env Envelope, raw []byte, code, reason string, smtpCode int, enhanced [3]int) error {
	if err := s.RecordRejected(ctx, env, raw, code, reason); err != nil {
		// Not kept: let the sender retry rather than lose the message.
		return err
	}
	s.log.Info("inbound mail rejected", "code", code, "reason", reason, "from", env.From, "channel", channelOf(env))
	return RejectCode(smtpCode, enhanced, reason)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// peekHeader reads the top-level header block leniently, at most 256 KiB,
// without parsing the message.
func peekHeader(raw []byte) textproto.MIMEHeader {
	r := textproto.NewReader(bufio.NewReader(io.LimitReader(bytes.NewReader(raw), 256<<10)))
	h, _ := r.ReadMIMEHeader()
	out := textproto.MIMEHeader{}
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, cleanText(v))
		}
	}
	return out
}

func scanRejected(r db.Scanner) (*Rejected, error) {
	var e Rejected
	var rcpts string
	if err := r.Scan(&e.ID, &e.Channel, &e.Remote, &e.EnvelopeFrom, &rcpts, &e.MessageID, &e.FromHeader, &e.Subject,
		&e.Code, &e.Reason, &e.Size, &e.SHA256, db.Time(&e.ReceivedAt)); err != nil {
		return nil, err
	}
	e.Recipients = strings.Fields(rcpts)
	if e.Recipients == nil {
		e.Recipients = []string{}
	}
	return &e, nil
}

// ListRejected returns rejected messages newest first: up to limit with
// an id below before (0: from the newest), skipping offset.
func (s *Store) ListRejected(ctx context.Context, before int64, offset, limit int) ([]Rejected, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return db.ReadList(ctx, s.d, s.q.Get("ListRejected"), []any{before, limit, offset}, scanRejected)
}

// CountRejected counts the rejected messages kept.
func (s *Store) CountRejected(ctx context.Context) (n int, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountRejected")).Scan(&n)
	})
	return n, err
}

// GetRejected returns one rejected message.
func (s *Store) GetRejected(ctx context.Context, id int64) (e *Rejected, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		e, err = scanRejected(tx.QueryRowContext(ctx, s.q.Get("GetRejected"), id))
		return db.MapError(err, "rejected email")
	})
	return e, err
}

// RawRejected returns a rejected message's bytes as received.
func (s *Store) RawRejected(ctx context.Context, id int64) (raw []byte, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return db.MapError(tx.QueryRowContext(ctx, s.q.Get("RawRejected"), id).Scan(&raw), "rejected email")
	})
	return raw, err
}
