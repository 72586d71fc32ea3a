package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
)

// TestBrowserAccessReview runs an access review in a real browser: the
// admin opens one, Bob (Alice's manager) revokes Alice's access from the
// review page with a note, and Alice — signed in in her own browser all
// along — is signed out on her next click. The review page and the
// printed record are checked on a phone screen too.
func TestBrowserAccessReview(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		bob := e.users["bob"].ID
		if _, err := e.ppl.UpdateUser(context.Background(), audit.System(), e.users["alice"].ID, people.UserInput{ManagerID: &bob}); err != nil {
			t.Fatal(err)
		}
		alice := e.session("alice")
		alice.login("alice@example.com", "#sidebar")

		admin := e.session("ada")
		admin.login("ada@example.com", "#sidebar")
		admin.navigate("open the reviews", chromedp.Navigate(e.url+"/access-reviews"))
		admin.navigate("open a review",
			chromedp.SendKeys(chromedp.CSS("#open-review input[name=name]"), "Browser review"),
			chromedp.Click(chromedp.CSS("#open-review button[type=submit]")))
		admin.mustContain("the new review", "#campaign-status", "Open", "accounts")
		admin.shot("access-review-admin", "#lines")

		mgr := e.session("bob")
		mgr.login("bob@example.com", "#sidebar")
		mgr.navigate("bob's reviews", chromedp.Navigate(e.url+"/access-reviews"))
		mgr.mustContain("bob's list", "#campaigns", "Browser review")
		mgr.navigate("open it", chromedp.Click(chromedp.CSS("#campaigns a")))
		lines := mgr.text("#lines")
		if !strings.Contains(lines, "alice@example.com") || strings.Contains(lines, "ada@example.com") {
			t.Fatalf("bob's lines: %s", lines)
		}
		line := mgr.eval(`document.querySelector("#lines tr[data-decision=pending]").id`)
		mgr.do("note", chromedp.SendKeys(chromedp.CSS("#"+line+" input[name=note]"), "moved to sales"))
		mgr.navigate("revoke", chromedp.Click(chromedp.CSS("#"+line+" button[value=revoked]")))
		mgr.mustContain("the flash", ".flash", "revoked", "deactivated")
		mgr.mustContain("the decided line", "#"+line, "revoked", "moved to sales")

		// Alice's next click lands on the sign-in page.
		alice.navigate("alice clicks", chromedp.Navigate(e.url+"/agent/tickets"))
		alice.do("signed out", chromedp.WaitVisible(chromedp.CSS("#email")))

		// On a phone the review page does not overflow.
		mgr.do("phone", chromedp.EmulateViewport(375, 800))
		mgr.navigate("reload", chromedp.Reload())
		if w := mgr.eval(`String(document.documentElement.scrollWidth)`); w != "375" {
			if n, _ := strconv.Atoi(w); n > 375 {
				t.Errorf("the review page is %spx wide on a 375px screen", w)
			}
		}
		if p := e.console.problems(); len(p) > 0 {
			t.Errorf("browser console: %v", p)
		}
	})
}
