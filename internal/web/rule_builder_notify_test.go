package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/people"
)

// The trigger builder offers the notification actions with a recipient, a
// subject and a message; the built trigger notifies when it fires, its
// placeholders filled. Dragging rows saves the whole order at once.
func TestRuleBuilderNotificationsAndOrder(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		page := e.do(ac, "GET", "/admin/rules?kind=triggers", nil).body
		for _, want := range []string{`<option value="notification_user">`, `<option value="notification_group">`, `<option value="notification_webhook">`, `id="act_0_subject"`, `id="act_0_body"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the trigger builder lacks %s", want)
			}
		}
		if macros := e.do(ac, "GET", "/admin/rules?kind=macros", nil).body; strings.Contains(macros, `<option value="notification_user">`) {
			t.Error("the macro builder offers a notification (Zendesk macros cannot notify)")
		}
		form := formFields(t, page, "builder-form")
		form.Set("title", "Tell the requester")
		form.Set("all_0_field", "update_type")
		form.Set("all_0_op", "is")
		form.Set("all_0_value", "Create")
		form.Set("act_0_field", "notification_user")
		form.Set("act_0_value", "requester_id")
		form.Set("act_0_subject", "[#{{ticket.id}}] We have your request")
		form.Set("act_0_body", "Hello {{ticket.requester.name}}, we are on it.")
		form.Set("do", "preview")
		r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...)
		if r.code != 200 || !strings.Contains(r.body, "&#34;notification_user&#34;") || !strings.Contains(r.body, "[#{{ticket.id}}] We have your request") {
			t.Fatalf("preview: %d %s", r.code, r.body)
		}
		form.Set("do", "save")
		if r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...); !strings.Contains(r.body, "“Tell the requester” added") {
			t.Fatalf("save: %d %s", r.code, r.body)
		}
		trs, _ := e.srv.Rules.ListTriggers(ctx, false)
		if len(trs) != 1 || len(trs[0].Actions) != 1 || fmt.Sprint(trs[0].Actions[0].Value) != "[requester_id [#{{ticket.id}}] We have your request Hello {{ticket.requester.name}}, we are on it.]" {
			t.Fatalf("the saved trigger: %+v", trs)
		}
		tk := e.customerTicket(e.users[people.RoleEndUser], "Cannot sign in", "help")
		var subject, to string
		if err := e.srv.DB.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT subject, email FROM rule_notifications WHERE ticket_id = $1", tk.ID).Scan(&subject, &to)
		}); err != nil {
			t.Fatalf("the built trigger did not notify: %v", err)
		}
		if subject != fmt.Sprintf("[#%d] We have your request", tk.ID) || to != e.users[people.RoleEndUser].Email {
			t.Errorf("notification %q to %q", subject, to)
		}
		// A notification without a recipient is refused by the rules, on the builder page.
		form.Set("title", "Nobody")
		form.Set("act_0_value", "")
		if r := e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Errorf("a notification without a recipient: %d", r.code)
		}

		// Order: three triggers, reversed in one request.
		for _, title := range []string{"Second", "Third"} {
			f := formFields(t, page, "builder-form")
			f.Set("title", title)
			f.Set("all_0_field", "status")
			f.Set("all_0_op", "is")
			f.Set("all_0_value", "new")
			f.Set("act_0_field", "current_tags")
			f.Set("act_0_value", strings.ToLower(title))
			f.Set("do", "save")
			e.do(ac, "POST", "/admin/rules/triggers/build", strings.NewReader(f.Encode()), formCT...)
		}
		trs, _ = e.srv.Rules.ListTriggers(ctx, false)
		if len(trs) != 3 {
			t.Fatalf("%d triggers", len(trs))
		}
		csrf := csrfRe.FindStringSubmatch(e.do(ac, "GET", "/admin/rules?kind=triggers", nil).body)[1]
		order := func(ids string) resp {
			return e.do(ac, "POST", "/admin/rules/triggers/order", strings.NewReader(url.Values{"csrf_token": {csrf}, "ids": {ids}}.Encode()),
				append(formCT, "Accept", "application/json")...)
		}
		rev := fmt.Sprintf("%d,%d,%d", trs[2].ID, trs[1].ID, trs[0].ID)
		if r := order(rev); r.code != 200 {
			t.Fatalf("order: %d %s", r.code, r.body)
		}
		after, _ := e.srv.Rules.ListTriggers(ctx, false)
		if got := fmt.Sprintf("%d,%d,%d", after[0].ID, after[1].ID, after[2].ID); got != rev || after[0].Position != 1 || after[2].Position != 3 {
			t.Errorf("order after the drag: %s (positions %d..%d), want %s", got, after[0].Position, after[2].Position, rev)
		}
		for _, bad := range []string{fmt.Sprintf("%d,%d", trs[0].ID, trs[1].ID), fmt.Sprintf("%d,%d,%d", trs[0].ID, trs[0].ID, trs[1].ID),
			fmt.Sprintf("%d,%d,999999", trs[0].ID, trs[1].ID), "x"} {
			if r := order(bad); r.code != http.StatusUnprocessableEntity {
				t.Errorf("order %q: %d, want 422", bad, r.code)
			}
		}
		if again, _ := e.srv.Rules.ListTriggers(ctx, false); again[0].ID != after[0].ID {
			t.Error("a refused order changed the order")
		}
		if r := e.do(ac, "GET", "/admin/rules?kind=triggers", nil); !strings.Contains(r.body, `data-order-url="/admin/rules/triggers/order"`) ||
			!strings.Contains(r.body, fmt.Sprintf(`<tr data-id="%d"`, after[0].ID)) {
			t.Error("the rules table is not draggable")
		}
	})
}
