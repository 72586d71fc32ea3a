package mail

import (
	"context"
	"strings"
	"testing"
)

// TestNoticeGoesThroughTheOutbox: an account email that belongs to no
// ticket is queued, listed for its address and sent by the dispatcher
// through the relay, marked as automatic.
func TestNoticeGoesThroughTheOutbox(t *testing.T) {
	eachChannel(t, func(t *testing.T, c *channel) {
		ctx := context.Background()
		if err := c.store.QueueNotice(ctx, Address{Name: "New Person", Email: "New@Customer.example"}, "You are invited",
			"Set your password: https://desk.example/password/set?token=abc"); err != nil {
			t.Fatal(err)
		}
		if err := c.store.QueueNotice(ctx, Address{Email: "  "}, "x", "y"); err == nil {
			t.Error("a notice without an address was queued")
		}
		q, err := c.store.NoticeOutbox(ctx, "new@customer.example")
		if err != nil || len(q) != 1 || q[0].Status != "pending" {
			t.Fatalf("queued notices %+v %v", q, err)
		}
		st, sent := c.dispatch(t)
		if st.Sent != 1 || len(sent) != 1 {
			t.Fatalf("dispatch %+v", st)
		}
		if sent[0].Subject != "You are invited" || !strings.Contains(sent[0].Text, "password/set?token=abc") {
			t.Errorf("sent %q %q", sent[0].Subject, sent[0].Text)
		}
		if q, _ := c.store.NoticeOutbox(ctx, "new@customer.example"); q[0].Status != "sent" {
			t.Errorf("after dispatch: %+v", q[0])
		}
	})
}
