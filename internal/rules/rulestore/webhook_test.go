package rulestore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

func TestSignIsZendesksHMAC(t *testing.T) {
	ts, body := "2026-03-02T09:00:00Z", []byte(`{"a":1}`)
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write([]byte(ts + string(body)))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := Sign("s3cret", ts, body); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if !Verify("s3cret", ts, body, want) || Verify("s3cret", ts, []byte(`{"a":2}`), want) || Verify("other", ts, body, want) {
		t.Fatal("Verify accepts a changed body or secret")
	}
}

// TestWebhookFailuresAndInactiveHooks: a 4xx other than 408/429 fails at
// once, 5xx is retried until MaxAttempts, and inactive webhooks get nothing.
func TestWebhookFailuresAndInactiveHooks(t *testing.T) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = startClock()().(*clock.Fake); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, clk)
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			if r.URL.Path == "/gone" {
				w.WriteHeader(http.StatusGone)
				return
			}
			w.WriteHeader(http.StatusInternalServerError)
		}))
		defer srv.Close()
		mk := func(name string) *Webhook {
			w, err := f.rs.CreateWebhook(ctx, f.admin, WebhookInput{Name: sp(name), Endpoint: sp(srv.URL + "/" + name)})
			must(t, err)
			return w
		}
		gone, flaky, off, deleted := mk("gone"), mk("flaky"), mk("off"), mk("deleted")
		_, err := f.rs.UpdateWebhook(ctx, f.admin, mustID(t, off.ID), WebhookInput{Status: sp("inactive")})
		must(t, err)
		_, err = f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, fmt.Sprintf(`{"title": "hooks", "active": true,
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
			"actions": [{"field": "notification_webhook", "value": ["%s", "{\"id\": {{ticket.id}}}"]},
			            {"field": "notification_webhook", "value": ["%s", "{\"id\": {{ticket.id}}}"]},
			            {"field": "notification_webhook", "value": ["%s", "{}"]},
			            {"field": "notification_webhook", "value": ["%s", "{}"]}]}`, gone.ID, flaky.ID, off.ID, deleted.ID)))
		must(t, err)
		// A rule naming a webhook that does not exist is refused...
		_, err = f.rs.CreateTrigger(ctx, f.admin, decode[rules.Trigger](t, `{"title": "x", "active": true,
			"conditions": {"all": [{"field": "status", "operator": "is", "value": "open"}]},
			"actions": [{"field": "notification_webhook", "value": ["999999", "{}"]}]}`))
		var e *errs.Error
		if !asErr(err, &e) || len(e.Fields["actions[0].value"]) == 0 {
			t.Fatalf("unknown webhook accepted: %v", err)
		}
		// ...and one deleted since is skipped when the rule fires.
		must(t, f.rs.DeleteWebhook(ctx, f.admin, mustID(t, deleted.ID)))
		_, _, err = f.tickets.Create(ctx, f.smCus, ticket.CreateInput{Subject: "x", Comment: ticket.CommentInput{Body: "y"}})
		must(t, err)
		st, err := f.rs.DeliverWebhooks(ctx)
		must(t, err)
		if st.Failed != 1 || st.Retrying != 1 || calls.Load() != 2 {
			t.Fatalf("first pass: %+v, %d calls", st, calls.Load())
		}
		for i := 0; i < 5; i++ {
			clk.Advance(time.Hour)
			_, err := f.rs.DeliverWebhooks(ctx)
			must(t, err)
		}
		for _, c := range []struct {
			w        *Webhook
			status   string
			attempts int
			last     int
		}{{gone, "failed", 1, 410}, {flaky, "failed", 3, 500}} {
			log, err := f.rs.Deliveries(ctx, mustID(t, c.w.ID), 0, 10)
			must(t, err)
			if len(log) != 1 || log[0].Status != c.status || log[0].Attempts != c.attempts || log[0].LastStatus != c.last || log[0].LastError == "" {
				t.Fatalf("%s log: %+v", c.w.Name, log)
			}
		}
		if log, _ := f.rs.Deliveries(ctx, mustID(t, off.ID), 0, 10); len(log) != 0 {
			t.Fatalf("inactive webhook got deliveries: %+v", log)
		}
		if calls.Load() != 4 {
			t.Fatalf("%d calls, want 4 (1 + 3 tries)", calls.Load())
		}
	})
}
