package rulestore

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// Zendesk's webhook signing headers.
const (
	HeaderSignature          = "X-Zendesk-Webhook-Signature"
	HeaderSignatureTimestamp = "X-Zendesk-Webhook-Signature-Timestamp"
	HeaderWebhookID          = "X-Zendesk-Webhook-Id"
	HeaderInvocationID       = "X-Zendesk-Webhook-Invocation-Id"
)

// Sign returns Zendesk's webhook signature: base64(HMAC-SHA256(secret,
// timestamp + body)).
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks a signature made by Sign (constant time).
func Verify(secret, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// Webhook is a Zendesk-shaped webhook (/api/v2/webhooks). IDs are strings
// in Zendesk's API; ours are decimal.
type Webhook struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Endpoint      string    `json:"endpoint"`
	HTTPMethod    string    `json:"http_method"`
	RequestFormat string    `json:"request_format"`
	Status        string    `json:"status"`
	Subscriptions []string  `json:"subscriptions"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	secret        string
}

// Secret returns the signing secret.
func (w *Webhook) Secret() string { return w.secret }

// WebhookInput creates or changes a webhook; nil means unchanged (on
// update) or the default (on create).
type WebhookInput struct {
	Name          *string  `json:"name"`
	Description   *string  `json:"description"`
	Endpoint      *string  `json:"endpoint"`
	HTTPMethod    *string  `json:"http_method"`
	RequestFormat *string  `json:"request_format"`
	Status        *string  `json:"status"`
	Subscriptions []string `json:"subscriptions"`
}

// maxEndpoint bounds a webhook's URL (the de-facto limit of browsers and
// proxies).
const maxEndpoint = 2048

func (in *WebhookInput) apply(w *Webhook) error {
	set := func(dst *string, p *string) {
		if p != nil {
			*dst = strings.TrimSpace(*p)
		}
	}
	set(&w.Name, in.Name)
	set(&w.Description, in.Description)
	set(&w.Endpoint, in.Endpoint)
	set(&w.HTTPMethod, in.HTTPMethod)
	set(&w.RequestFormat, in.RequestFormat)
	set(&w.Status, in.Status)
	w.HTTPMethod = strings.ToUpper(w.HTTPMethod)
	var v errs.Validation
	for field, text := range map[string]string{"name": w.Name, "description": w.Description, "endpoint": w.Endpoint,
		"http_method": w.HTTPMethod, "request_format": w.RequestFormat, "status": w.Status} {
		if p := limits.Problem(text); p != "" {
			v.Add(field, p)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	v.Check(w.Name != "", "name", "can't be blank")
	v.Check(utf8.RuneCountInString(w.Name) <= limits.NameChars, "name", limits.TooLongChars(limits.NameChars))
	v.Check(len(w.Description) <= limits.LongTextBytes, "description", limits.TooLongBytes(limits.LongTextBytes))
	v.Check(len(w.Endpoint) <= maxEndpoint, "endpoint", limits.TooLongChars(maxEndpoint))
	u, err := url.Parse(w.Endpoint)
	v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", "endpoint", "must be an http or https URL")
	v.Check(slices.Contains([]string{"POST", "PUT", "PATCH", "GET", "DELETE"}, w.HTTPMethod), "http_method", "must be one of POST, PUT, PATCH, GET, DELETE")
	v.Check(w.RequestFormat == "json", "request_format", "must be json")
	v.Check(w.Status == "active" || w.Status == "inactive", "status", "must be active or inactive")
	for _, sub := range in.Subscriptions {
		v.Check(sub == "conditional_ticket_events", "subscriptions", fmt.Sprintf("%q is not supported (conditional_ticket_events)", sub))
	}
	return v.Err()
}

func scanWebhook(r db.Scanner) (*Webhook, error) {
	var w Webhook
	var id int64
	if err := r.Scan(&id, &w.Name, &w.Description, &w.Endpoint, &w.HTTPMethod, &w.RequestFormat, &w.Status, &w.secret,
		db.Time(&w.CreatedAt), db.Time(&w.UpdatedAt)); err != nil {
		return nil, err
	}
	w.ID = strconv.FormatInt(id, 10)
	w.Subscriptions = []string{"conditional_ticket_events"}
	return &w, nil
}

func (s *Store) getWebhook(ctx context.Context, tx *db.Tx, id int64) (*Webhook, error) {
	w, err := scanWebhook(tx.QueryRowContext(ctx, s.q.Get("GetWebhook"), id))
	return w, db.MapError(err, "webhook")
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateWebhook validates and stores a webhook with a new signing secret.
func (s *Store) CreateWebhook(ctx context.Context, a audit.Actor, in WebhookInput) (*Webhook, error) {
	w := &Webhook{HTTPMethod: "POST", RequestFormat: "json", Status: "active"}
	if err := in.apply(w); err != nil {
		return nil, err
	}
	var out *Webhook
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertWebhook"), w.Name, w.Description, w.Endpoint, w.HTTPMethod,
			w.RequestFormat, w.Status, newSecret(), db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "webhook")
		}
		var err error
		if out, err = s.getWebhook(ctx, tx, id); err != nil {
			return err
		}
		if s.audit != nil {
			return s.audit.Record(ctx, tx, a, "webhook.create", "webhook", id, nil, out)
		}
		return nil
	})
	return out, err
}

// UpdateWebhook changes a webhook (the secret is kept).
func (s *Store) UpdateWebhook(ctx context.Context, a audit.Actor, id int64, in WebhookInput) (*Webhook, error) {
	var out *Webhook
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		prev, err := s.getWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		w := *prev
		if err := in.apply(&w); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateWebhook"), id, w.Name, w.Description, w.Endpoint, w.HTTPMethod,
			w.RequestFormat, w.Status, db.TS(tx.Now)); err != nil {
			return db.MapError(err, "webhook")
		}
		if out, err = s.getWebhook(ctx, tx, id); err != nil {
			return err
		}
		if s.audit != nil {
			return s.audit.Record(ctx, tx, a, "webhook.update", "webhook", id, prev, out)
		}
		return nil
	})
	return out, err
}

// GetWebhook returns webhook id.
func (s *Store) GetWebhook(ctx context.Context, id int64) (*Webhook, error) {
	var out *Webhook
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.getWebhook(ctx, tx, id)
		return err
	})
	return out, err
}

// ListWebhooks returns all webhooks by id.
func (s *Store) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListWebhooks"), nil, scanWebhook)
}

// DeleteWebhook deletes a webhook and its delivery log.
func (s *Store) DeleteWebhook(ctx context.Context, a audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		prev, err := s.getWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteWebhook"), id); err != nil {
			return err
		}
		if s.audit != nil {
			return s.audit.Record(ctx, tx, a, "webhook.delete", "webhook", id, prev, nil)
		}
		return nil
	})
}

// Delivery is one webhook invocation and its outcome (the delivery log).
type Delivery struct {
	ID            int64     `json:"id"`
	WebhookID     string    `json:"webhook_id"`
	TicketID      int64     `json:"ticket_id,omitempty"`
	RuleID        int64     `json:"rule_id,omitempty"`
	Payload       string    `json:"payload"`
	Status        string    `json:"status"` // pending, success, failed
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastStatus    int       `json:"last_status_code"`
	LastError     string    `json:"last_error"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func scanDelivery(r interface{ Scan(...any) error }) (*Delivery, error) {
	var d Delivery
	var wid int64
	if err := r.Scan(&d.ID, &wid, &d.TicketID, &d.RuleID, &d.Payload, &d.Status, &d.Attempts, db.Time(&d.NextAttemptAt),
		&d.LastStatus, &d.LastError, db.Time(&d.CreatedAt), db.Time(&d.UpdatedAt)); err != nil {
		return nil, err
	}
	d.WebhookID = strconv.FormatInt(wid, 10)
	return &d, nil
}

// Deliveries lists a webhook's deliveries, newest first, with ids below
// beforeID (0: from the newest).
func (s *Store) Deliveries(ctx context.Context, webhookID, beforeID int64, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	out := []Delivery{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		if _, err := s.getWebhook(ctx, tx, webhookID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("ListDeliveries"), webhookID, beforeID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return rows.Err()
	})
	return out, err
}

// RetryPolicy is the webhook retry schedule: Base * 2^(attempt-1), capped
// at Max, for at most MaxAttempts tries.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	MaxAttempts int
}

// DefaultRetry retries for about a day: 1m, 2m, 4m ... capped at 4h, 10 tries.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{Base: time.Minute, Max: 4 * time.Hour, MaxAttempts: 10}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetry()
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max < p.Base {
		p.Max = max(d.Max, p.Base)
	}
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	return p
}

// Backoff is the delay after the attempt-th failed try.
func (p RetryPolicy) Backoff(attempt int) time.Duration {
	d := p.Base
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// leaseTime is how long a claimed delivery is hidden from other workers
// while its request is in flight (longer than any client timeout).
const leaseTime = 5 * time.Minute

// DeliveryStats counts what one DeliverWebhooks pass did.
type DeliveryStats struct {
	Sent, Failed, Retrying int
}

// DeliverWebhooks sends every delivery that is due at the clock's now (a
// sweep; with UseJobs each delivery also has its own job). Each is one
// signed request, made outside any transaction: a claimed delivery is
// leased, so several nodes may run this. 2xx is success; other answers and
// network errors are retried with backoff until MaxAttempts, except 4xx
// other than 408 and 429, which fail at once.
func (s *Store) DeliverWebhooks(ctx context.Context) (DeliveryStats, error) {
	var st DeliveryStats
	now := s.d.Clock.Now()
	ids, err := db.ReadList(ctx, s.d, s.q.Get("DueDeliveries"), []any{db.TS(now), 100}, scanID)
	if err != nil {
		return st, err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		status, err := s.deliver(ctx, id)
		if err != nil {
			return st, err
		}
		switch status {
		case "success":
			st.Sent++
		case "failed":
			st.Failed++
		case "pending":
			st.Retrying++
		}
	}
	return st, nil
}

// deliver makes one attempt at delivery id if it is due and unclaimed and
// returns its new status ("" when there was nothing to do).
func (s *Store) deliver(ctx context.Context, id int64) (string, error) {
	var d *Delivery
	var w *Webhook
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		d, w = nil, nil
		res, err := tx.ExecContext(ctx, s.q.Get("ClaimDelivery"), id, db.TS(tx.Now), db.TS(tx.Now.Add(leaseTime)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // not due, done, or another worker has it
		}
		if d, err = scanDelivery(tx.QueryRowContext(ctx, s.q.Get("GetDelivery"), id)); err != nil {
			return err
		}
		wid, _ := strconv.ParseInt(d.WebhookID, 10, 64)
		w, err = s.getWebhook(ctx, tx, wid)
		return err
	})
	if err != nil || d == nil {
		return "", err
	}
	code, sendErr := s.send(ctx, w, d)
	d.Attempts++
	d.LastStatus = code
	d.LastError = ""
	status := "success"
	next := d.NextAttemptAt
	if sendErr != nil {
		d.LastError = sendErr.Error()
		if len(d.LastError) > 1000 {
			d.LastError = d.LastError[:1000]
		}
		permanent := code >= 400 && code < 500 && code != 408 && code != 429
		if permanent || d.Attempts >= s.opt.Retry.MaxAttempts {
			status = "failed"
		} else {
			status = "pending"
			next = s.d.Clock.Now().Add(s.opt.Retry.Backoff(d.Attempts))
		}
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("FinishDelivery"), id, status, d.Attempts, db.TS(next), d.LastStatus,
			d.LastError, db.TS(tx.Now)); err != nil {
			return err
		}
		if status == "pending" {
			return s.scheduleDelivery(ctx, tx, id, next)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if status != "success" {
		s.log.Warn("webhook delivery failed", "webhook", w.ID, "delivery", id, "attempt", d.Attempts, "status", status, "err", d.LastError)
	}
	return status, nil
}

// send makes one signed request; it returns the HTTP status (0 when none)
// and an error unless the answer was 2xx.
func (s *Store) send(ctx context.Context, w *Webhook, d *Delivery) (int, error) {
	body := []byte(d.Payload)
	ts := s.d.Clock.Now().UTC().Format(time.RFC3339)
	var rd io.Reader = bytes.NewReader(body)
	if w.HTTPMethod == "GET" || w.HTTPMethod == "DELETE" {
		rd = nil
		body = nil
	}
	req, err := http.NewRequestWithContext(ctx, w.HTTPMethod, w.Endpoint, rd)
	if err != nil {
		return 0, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("User-Agent", "Frontline-Webhook")
	req.Header.Set(HeaderSignatureTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.secret, ts, body))
	req.Header.Set(HeaderWebhookID, w.ID)
	req.Header.Set(HeaderInvocationID, strconv.FormatInt(d.ID, 10))
	resp, err := s.opt.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("endpoint answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
