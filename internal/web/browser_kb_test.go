package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/kb"
)

// TestBrowserKBDeflection: a customer types a request subject in a real
// browser, sees suggested articles after the pause (never the internal
// ones), opens one, and ends with "this answered my question": no ticket
// is filed, and the session counts as offered and answered.
func TestBrowserKBDeflection(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		st := kb.NewStore(d, audit.New(d))
		newKBFixture(t, st, e.users["alice"].ID, "zqkbinternal")

		carol := e.session("carol")
		carol.login("carol@example.com", "#new-request")
		carol.do("open the form", chromedp.Click(chromedp.CSS("#new-request")), chromedp.WaitVisible(chromedp.CSS("#subject")))
		carol.do("type two letters", chromedp.SendKeys(chromedp.CSS("#subject"), "up"))
		time.Sleep(900 * time.Millisecond)
		if n := carol.eval(`String(document.querySelectorAll(".hc-suggestion").length)`); n != "0" {
			t.Fatalf("%s suggestions after two letters", n)
		}
		carol.do("type the question", chromedp.SendKeys(chromedp.CSS("#subject"), "grade escalation runbook to 17"),
			chromedp.WaitVisible(chromedp.CSS(".hc-suggestion")))
		carol.mustContain("suggestions", "#hc-suggestions", "Upgrade to 17.0")
		carol.mustNotContain("suggestions", "#hc-suggestions", "zqkbinternal", "runbook")
		carol.shot("kb-suggestions", "#hc-suggestions")
		// The article opens in a new tab; read it here instead.
		href := carol.eval(`document.querySelector(".hc-suggestion").getAttribute("href")`)
		carol.navigate("open the suggestion", chromedp.Navigate(e.url+href))
		carol.mustContain("article", "main", "Back up first")
		carol.navigate("answered", chromedp.Click(chromedp.CSS("#answered")))
		carol.mustContain("after", "main", "No request was filed")
		carol.navigate("portal", chromedp.Navigate(e.url+"/portal"))
		carol.mustContain("portal", "main", "You have no requests here yet")

		dfl, err := st.Deflection(context.Background(), time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if dfl.Offered != 1 || dfl.Answered != 1 || dfl.TicketUsers != 0 || dfl.HelpCenterSessions != 1 {
			t.Fatalf("deflection %+v", dfl)
		}
	})
}
