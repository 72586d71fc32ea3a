package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// reviewWorld adds two reports of the env's agent (who manages them).
func reviewWorld(t *testing.T, e *env) (alice, bob *people.User) {
	t.Helper()
	mgr := e.users[people.RoleAgent].ID
	mk := func(name string) *people.User {
		role, email := people.RoleAgent, strings.ToLower(name)+"@example.com"
		u, err := e.ppl.CreateUser(context.Background(), audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role, ManagerID: &mgr})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.auth.SetPassword(context.Background(), audit.System(), u.ID, pw); err != nil {
			t.Fatal(err)
		}
		return u
	}
	return mk("Alice"), mk("Bob")
}

func TestAccessReviewAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		alice, bob := reviewWorld(t, e)
		mgr := e.users[people.RoleAgent]
		if r, _ := e.api("agent", "POST", "/api/v2/access_reviews", `{"access_review":{}}`); r.code != 403 {
			t.Fatalf("an agent opened a review: %d", r.code)
		}
		if r, _ := e.api("end-user", "GET", "/api/v2/access_reviews", ""); r.code != 403 && r.code != 401 {
			t.Fatalf("a customer listed reviews: %d", r.code)
		}
		r, m := e.api("admin", "POST", "/api/v2/access_reviews.json", `{"access_review":{"name":"Q4 review","dormant_days":30}}`)
		if r.code != 201 {
			t.Fatalf("open: %d %s", r.code, r.body)
		}
		c := m["access_review"].(map[string]any)
		id := int64(c["id"].(float64))
		if c["lines_count"].(float64) != 4 || c["pending_count"].(float64) != 4 || c["status"] != "open" {
			t.Fatalf("campaign %v", c)
		}
		if r, _ := e.api("admin", "POST", "/api/v2/access_reviews", `{"access_review":{"dormant_days":0}}`); r.code != 422 || !strings.Contains(r.body, "dormant_days") {
			t.Fatalf("bad input: %d %s", r.code, r.body)
		}
		// The manager sees the campaign and only the lines they review.
		r, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/access_reviews/%d/lines", id), "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("manager's lines: %d %s", r.code, r.body)
		}
		var aliceLine, bobLine int64
		for _, l := range m["lines"].([]any) {
			l := l.(map[string]any)
			switch int64(l["user_id"].(float64)) {
			case alice.ID:
				aliceLine = int64(l["id"].(float64))
			case bob.ID:
				bobLine = int64(l["id"].(float64))
			}
			if l["access"].(map[string]any)["email"] == "" {
				t.Errorf("line without its access snapshot %v", l)
			}
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/access_reviews/%d/lines?reviewer_id=%d", id, e.users[people.RoleAdmin].ID), ""); r.code != 403 {
			t.Fatalf("manager asked for another reviewer's lines: %d", r.code)
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/access_reviews/%d/lines?decision=maybe", id), ""); r.code != 400 {
			t.Fatalf("bad decision filter: %d", r.code)
		}
		// Alice (a peer, not a reviewer) cannot see the campaign.
		if r, _ := e.api("alice", "GET", fmt.Sprintf("/api/v2/access_reviews/%d", id), ""); r.code != 404 {
			t.Fatalf("a non-reviewer sees the campaign: %d", r.code)
		}
		// Certify Bob; revoke Alice: her credentials stop working at once.
		if r, _ := e.api("agent", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/lines/%d/certify", id, bobLine), `{"note":"on the team"}`); r.code != 200 {
			t.Fatalf("certify: %d %s", r.code, r.body)
		}
		if r, _ := e.api("alice", "GET", "/api/v2/users/me", ""); r.code != 200 {
			t.Fatalf("alice before revocation: %d", r.code)
		}
		r, m = e.api("agent", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/lines/%d/revoke", id, aliceLine), "")
		if r.code != 200 || m["line"].(map[string]any)["decision"] != "revoked" || m["line"].(map[string]any)["decided_by"] != mgr.Name {
			t.Fatalf("revoke: %d %s", r.code, r.body)
		}
		if r, _ := e.api("alice", "GET", "/api/v2/users/me", ""); r.code != 401 {
			t.Fatalf("alice after revocation: %d", r.code)
		}
		// Nobody decides their own line; an admin decides any other.
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/access_reviews/%d/lines?decision=pending", id), "")
		if r.code != 200 || m["count"].(float64) != 2 {
			t.Fatalf("pending: %d %s", r.code, r.body)
		}
		for _, l := range m["lines"].([]any) {
			l := l.(map[string]any)
			who := int64(l["user_id"].(float64))
			r, _ := e.api("admin", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/lines/%d/certify", id, int64(l["id"].(float64))), "")
			if who == e.users[people.RoleAdmin].ID {
				if r.code != 422 || !strings.Contains(r.body, "Separation of duties rule") {
					t.Fatalf("admin certified themselves: %d %s", r.code, r.body)
				}
			} else if r.code != 200 {
				t.Fatalf("admin certify: %d %s", r.code, r.body)
			}
		}
		// Close; then nothing changes.
		if r, _ := e.api("agent", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/close", id), ""); r.code != 403 {
			t.Fatalf("agent closed: %d", r.code)
		}
		r, m = e.api("admin", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/close", id), "")
		if r.code != 200 || m["access_review"].(map[string]any)["status"] != "closed" {
			t.Fatalf("close: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", fmt.Sprintf("/api/v2/access_reviews/%d/lines/%d/certify", id, aliceLine), ""); r.code != 422 || !strings.Contains(r.body, "Closed campaign rule") {
			t.Fatalf("decision after close: %d %s", r.code, r.body)
		}
		// The record: CSV with every line and who decided.
		admin := signIn(t, e, "admin@example.com")
		cr := e.do(admin, "GET", fmt.Sprintf("/access-reviews/%d/export.csv", id), nil)
		recs, err := csv.NewReader(strings.NewReader(cr.body)).ReadAll()
		if cr.code != 200 || err != nil || len(recs) != 5 {
			t.Fatalf("csv: %d %v %d rows", cr.code, err, len(recs))
		}
		found := false
		for _, rec := range recs {
			if rec[4] == "alice@example.com" && rec[14] == "revoked" && rec[15] == mgr.Name {
				found = true
			}
		}
		if !found {
			t.Errorf("the CSV lacks alice's revocation: %v", recs)
		}
		if cr := e.do(signIn(t, e, "agent@example.com"), "GET", fmt.Sprintf("/access-reviews/%d/export.csv", id), nil); cr.code != 403 {
			t.Fatalf("agent exported: %d", cr.code)
		}
	})
}

// TestAccessReviewPages runs a review through the forms: an admin opens
// one, the manager revokes a report from the page, the report's browser
// session ends at once.
func TestAccessReviewPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		alice, _ := reviewWorld(t, e)
		aliceSignedIn := signIn(t, e, "alice@example.com")
		aliceBrowser := &http.Client{Jar: aliceSignedIn.Jar, CheckRedirect: noRedirect().CheckRedirect}
		if r := e.do(aliceBrowser, "GET", "/agent/tickets", nil); r.code != 200 {
			t.Fatalf("alice before: %d", r.code)
		}
		admin := signIn(t, e, "admin@example.com")
		r := formPost(t, e, admin, "/access-reviews", "/access-reviews", url.Values{"name": {"Spring review"}})
		loc := r.hdr.Get("Location")
		if r.code != 303 || !strings.HasPrefix(loc, "/access-reviews/") {
			t.Fatalf("open: %d %s %s", r.code, loc, r.body)
		}
		page := e.do(admin, "GET", loc, nil)
		if page.code != 200 || !strings.Contains(page.body, "Spring review") || !strings.Contains(page.body, "alice@example.com") {
			t.Fatalf("campaign page: %d", page.code)
		}
		mgr := signIn(t, e, "agent@example.com")
		mine := e.do(mgr, "GET", loc, nil)
		if !strings.Contains(mine.body, "alice@example.com") || strings.Contains(mine.body, "admin@example.com</span>") {
			t.Fatalf("the manager's page shows other reviewers' lines: %s", mine.body)
		}
		cs, err := e.srv.AccessReviews.List(context.Background(), accessreview.CampaignFilter{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("campaigns %v %v", cs, err)
		}
		lines, err := e.srv.AccessReviews.Lines(context.Background(), accessreview.LineFilter{CampaignID: cs[0].ID, ReviewerID: e.users[people.RoleAgent].ID})
		if err != nil {
			t.Fatal(err)
		}
		var line int64
		for _, l := range lines {
			if l.UserID == alice.ID {
				line = l.ID
			}
		}
		action := fmt.Sprintf("/access-reviews/%d/lines/%d", cs[0].ID, line)
		bob := signIn(t, e, "bob@example.com")
		if r := formPost(t, e, bob, "/team", action, url.Values{"decision": {"revoked"}}); r.code != 404 {
			t.Fatalf("a peer revoked: %d", r.code)
		}
		r = formPost(t, e, mgr, loc, action, url.Values{"decision": {"revoked"}, "note": {"left support"}})
		if r.code != 303 {
			t.Fatalf("revoke: %d %s", r.code, r.body)
		}
		if r := e.do(aliceBrowser, "GET", "/agent/tickets", nil); r.code == 200 || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
			t.Fatalf("alice's session still works after revocation: %d", r.code)
		}
		done := e.do(mgr, "GET", loc, nil)
		if !strings.Contains(done.body, "left support") || !strings.Contains(done.body, "<strong>revoked</strong>") {
			t.Errorf("the page does not show the revocation")
		}
	})
}
