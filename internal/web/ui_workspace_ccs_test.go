package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// TestAgentEditsCCs: an agent CCs a colleague of the requester by email
// (an unknown address becomes a customer) and removes them again from the
// ticket page; a non-CC cannot be "removed"; the ticket records both.
func TestAgentEditsCCs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust := e.users[people.RoleEndUser]
		tk := e.customerTicket(cust, "Runner stuck", "The runner is stuck")
		agent := e.users[people.RoleAgent]
		c := signIn(t, e, agent.Email)
		page := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		if r := e.do(c, "GET", page, nil); r.code != 200 || !strings.Contains(r.body, `id="add-cc"`) {
			t.Fatalf("ticket page: %d", r.code)
		}
		if r := formPost(t, e, c, page, page+"/ccs", url.Values{"add": {"pat.colleague@customer.test"}}); r.code != 303 {
			t.Fatalf("add: %d %.300s", r.code, r.body)
		}
		u, err := e.ppl.UserByEmail(ctx, "pat.colleague@customer.test")
		if err != nil || u.Role != people.RoleEndUser {
			t.Fatalf("the new CC: %+v %v", u, err)
		}
		got, _ := e.tickets.Get(ctx, tk.ID)
		if !slices.Contains(got.CollaboratorIDs, u.ID) {
			t.Fatalf("CCs %v lack %d", got.CollaboratorIDs, u.ID)
		}
		if r := e.do(c, "GET", page, nil); !strings.Contains(r.body, "pat.colleague") {
			t.Fatal("the page does not list the new CC")
		}
		if r := formPost(t, e, c, page, page+"/ccs", url.Values{"remove": {fmt.Sprint(agent.ID)}}); r.code != 422 {
			t.Fatalf("removing a non-CC: %d", r.code)
		}
		if r := formPost(t, e, c, page, page+"/ccs", url.Values{"remove": {fmt.Sprint(u.ID)}}); r.code != 303 {
			t.Fatalf("remove: %d %.300s", r.code, r.body)
		}
		got, _ = e.tickets.Get(ctx, tk.ID)
		if slices.Contains(got.CollaboratorIDs, u.ID) {
			t.Fatalf("CC %d still on %v", u.ID, got.CollaboratorIDs)
		}
		if r := formPost(t, e, c, page, page+"/ccs", url.Values{"add": {"not-an-address"}}); r.code != 422 {
			t.Fatalf("a bad address: %d", r.code)
		}
	})
}
