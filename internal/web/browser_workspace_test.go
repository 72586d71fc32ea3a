package web

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/ticket"
)

// TestBrowserWorkspaceJourney: an admin invites an agent (no relay: the
// one-time link is shown), the agent sets a password through it and signs
// in; the admin builds a trigger from the lists; the agent opens two
// tickets on behalf of a customer (the trigger fires on both), bulk-edits
// them from a view and merges one into the other. The main pages are
// screenshot at 1366 px and at 375 px, where the header folds into a menu,
// lists are cards and nothing is wider than the screen.
func TestBrowserWorkspaceJourney(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		ctx := context.Background()
		url := e.url

		ada := e.session("ada")
		ada.do("desktop", chromedp.EmulateViewport(1366, 900))
		ada.login(e.users["ada"].Email, "#main-nav") // the signed-in top bar: the login page has a main too
		ada.do("users", chromedp.Navigate(url+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("#user-form")))
		ada.do("fill invite", chromedp.SendKeys(chromedp.CSS("#u-name"), "Nina Newcomer"),
			chromedp.SendKeys(chromedp.CSS("#u-email"), "nina@example.com"), chromedp.SetValue(chromedp.CSS("#u-role"), "agent"))
		ada.navigate("invite", chromedp.Click(chromedp.CSS("#user-form button[type=submit]")))
		link := ada.eval(`(document.getElementById("password-link") || {}).value || ""`)
		if !strings.Contains(link, "/password/set?token=") {
			t.Fatalf("no set-password link shown: %s", ada.text("main"))
		}

		nina := e.session("nina")
		nina.do("desktop", chromedp.EmulateViewport(1366, 900))
		nina.do("open link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#set-password-form")))
		nina.navigate("set password", chromedp.SendKeys(chromedp.CSS("#new-password"), "nina's own password"),
			chromedp.Click(chromedp.CSS("#set-password-form button[type=submit]")))
		nina.do("sign in", chromedp.WaitVisible(chromedp.CSS("#email")), chromedp.SendKeys(chromedp.CSS("#email"), "nina@example.com"),
			chromedp.SendKeys(chromedp.CSS("#password"), "nina's own password"),
			chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("main")))
		ninaUser, err := e.ppl.UserByEmail(ctx, "nina@example.com")
		if err != nil {
			t.Fatal(err)
		}

		// The admin builds a trigger from the lists.
		ada.do("rules", chromedp.Navigate(url+"/admin/rules?kind=triggers"), chromedp.WaitVisible(chromedp.CSS("#builder-form")))
		ada.do("build", chromedp.SendKeys(chromedp.CSS("#b-title"), "Outages are urgent"),
			chromedp.SetValue(chromedp.CSS("#all_0_field"), "subject_includes_word"), chromedp.SetValue(chromedp.CSS("#all_0_op"), "includes"),
			chromedp.SendKeys(chromedp.CSS("#all_0_value"), "outage"),
			chromedp.SetValue(chromedp.CSS("#all_1_field"), "update_type"), chromedp.SetValue(chromedp.CSS("#all_1_op"), "is"),
			chromedp.SendKeys(chromedp.CSS("#all_1_value"), "Create"),
			chromedp.SetValue(chromedp.CSS("#act_0_field"), "priority"), chromedp.SendKeys(chromedp.CSS("#act_0_value"), "urgent"))
		// A notification action: choosing it shows its subject and message.
		if hidden := ada.eval(`(function(){var f=document.getElementById("act_1_field"); f.value="notification_user";
			f.dispatchEvent(new Event("change")); return String(document.getElementById("act_1_subject").closest(".b-message").hidden)})()`); hidden != "false" {
			t.Fatalf("the notification's message fields stay hidden: %s", hidden)
		}
		if hidden := ada.eval(`String(document.getElementById("act_0_subject").closest(".b-message").hidden)`); hidden != "true" {
			t.Errorf("a priority action shows message fields: %s", hidden)
		}
		ada.do("notify", chromedp.SendKeys(chromedp.CSS("#act_1_value"), "requester_id"),
			chromedp.SendKeys(chromedp.CSS("#act_1_subject"), "[#{{ticket.id}}] Outage noted"),
			chromedp.SendKeys(chromedp.CSS("#act_1_body"), "We are on it."))
		ada.navigate("preview", chromedp.Click(chromedp.CSS("#builder-preview")))
		if src := ada.eval(`document.getElementById("rule-json").value`); !strings.Contains(src, `"subject_includes_word"`) {
			t.Fatalf("preview JSON: %s", src)
		}
		ada.shot("workspace-builder", "#builder-form", "#rule-json")
		ada.navigate("save", chromedp.Click(chromedp.CSS("#builder-save")))
		ada.mustContain("trigger saved", "main", "Outages are urgent")
		// A second trigger pasted as JSON, then dragged above the first: the
		// order is saved at once.
		ada.do("paste", chromedp.SendKeys(chromedp.CSS("#rule-json"), `{"trigger":{"title":"Tag web requests","conditions":{"all":[{"field":"update_type","operator":"is","value":"Create"}]},"actions":[{"field":"current_tags","value":"web"}]}}`))
		ada.navigate("add", chromedp.Click(chromedp.CSS("#rule-form button[type=submit]")))
		ada.mustContain("pasted trigger", "main", "Tag web requests")
		dragged := ada.eval(`(function(){var rows=document.querySelectorAll("#rules tbody tr[data-id]"); if(rows.length<2) return "few";
			var a=rows[rows.length-1], b=rows[0], dt=new DataTransfer(), box=b.getBoundingClientRect();
			a.dispatchEvent(new DragEvent("dragstart",{bubbles:true,dataTransfer:dt}));
			b.dispatchEvent(new DragEvent("dragover",{bubbles:true,cancelable:true,dataTransfer:dt,clientY:box.top+1}));
			b.dispatchEvent(new DragEvent("drop",{bubbles:true,cancelable:true,dataTransfer:dt}));
			a.dispatchEvent(new DragEvent("dragend",{bubbles:true,dataTransfer:dt}));
			return a.getAttribute("data-id")})()`)
		movedFirst := false
		for range 10 {
			time.Sleep(300 * time.Millisecond) // the order is saved by the script's request
			ada.do("reload rules", chromedp.Navigate(url+"/admin/rules?kind=triggers"), chromedp.WaitVisible(chromedp.CSS("#rules")))
			if ada.eval(`document.querySelector("#rules tbody tr[data-id]").getAttribute("data-id")`) == dragged {
				movedFirst = true
				break
			}
		}
		if !movedFirst {
			t.Errorf("dragging trigger %s to the top did not save the order", dragged)
		}

		// The new agent opens two tickets for Carol, found by name.
		open := func(subject string) int64 {
			nina.do("new "+subject, chromedp.Navigate(url+"/agent/tickets/new?q=Carol"), chromedp.WaitVisible(chromedp.CSS("#requester-results")))
			nina.navigate("pick Carol", chromedp.Click(chromedp.CSS("#requester-results a.pick-requester")))
			nina.do("fill "+subject, chromedp.WaitVisible(chromedp.CSS("#new-ticket-form")),
				chromedp.SendKeys(chromedp.CSS("#nt-subject"), subject), chromedp.SendKeys(chromedp.CSS("#nt-body"), "Carol phoned about it."))
			nina.navigate("open "+subject, chromedp.Click(chromedp.CSS("#nt-submit")))
			nina.mustContain("opened "+subject, "main", "opened for Carol Customer")
			list, err := e.tickets.List(ctx, ticket.Filter{RequesterID: e.users["carol"].ID, SortBy: "created_at", Desc: true, Limit: 1})
			if err != nil || len(list) != 1 || list[0].Subject != subject {
				t.Fatalf("ticket %q not found: %v %v", subject, list, err)
			}
			if list[0].Priority == nil || *list[0].Priority != "urgent" {
				t.Errorf("the built trigger did not fire on %q", subject)
			}
			var note string
			if err := e.d.Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT subject FROM rule_notifications WHERE ticket_id = $1", list[0].ID).Scan(&note)
			}); err != nil || note != fmt.Sprintf("[#%d] Outage noted", list[0].ID) {
				t.Errorf("the built trigger's notification on %q: %q %v", subject, note, err)
			}
			return list[0].ID
		}
		first, second := open("Registry outage in EU"), open("Another outage report")

		// Bulk edit from the view.
		nina.do("view", chromedp.Navigate(url+"/agent/tickets?view=all"), chromedp.WaitVisible(chromedp.CSS("#bulk-form")))
		nina.do("tick", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input.bulk-pick[value="%d"]`, first))),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`input.bulk-pick[value="%d"]`, second))),
			chromedp.SetValue(chromedp.CSS("#bulk-status"), "pending"),
			chromedp.SetValue(chromedp.CSS("#bulk-assignee"), strconv.FormatInt(ninaUser.ID, 10)),
			chromedp.SendKeys(chromedp.CSS("#bulk-tags"), "outage"))
		nina.navigate("apply", chromedp.Click(chromedp.CSS("#bulk-apply")))
		nina.mustContain("bulk summary", "main", "2 tickets of 2 updated", "assigned to Nina Newcomer", "status Pending")
		nina.shot("workspace-list-1366", "#ticket-list", "#bulk-form")

		// Merge the second into the first.
		nina.do("second", chromedp.Navigate(fmt.Sprintf("%s/agent/tickets/%d", url, second)), chromedp.WaitVisible(chromedp.CSS("#merge-form")))
		if h := nina.eval(`document.getElementById("history").textContent`); !strings.Contains(h, "assigned to Nina Newcomer") || !strings.Contains(h, "status Open → Pending") && !strings.Contains(h, "status New → Pending") {
			t.Errorf("history not in words: %s", h)
		}
		nina.do("merge into", chromedp.SendKeys(chromedp.CSS("#merge-into"), strconv.FormatInt(first, 10)))
		nina.navigate("merge", chromedp.Click(chromedp.CSS("#merge-submit")))
		nina.mustContain("merged", "main", fmt.Sprintf("Ticket #%d merged into #%d", second, first))
		if got, _ := e.tickets.Get(ctx, second); got.Status != "closed" {
			t.Errorf("merged ticket is %s", got.Status)
		}
		nina.shot("workspace-ticket-1366", "#update-form", "#opened-tickets")

		// On a phone.
		nina.do("phone", chromedp.EmulateViewport(375, 800))
		for _, p := range []struct{ path, key string }{
			{"/agent/tickets?view=all", "#ticket-list"},
			{fmt.Sprintf("/agent/tickets/%d", first), "#update-form"},
			{"/agent/tickets/new", "#new-ticket-form"},
			{"/settings/password", "#sessions"},
		} {
			nina.do("phone "+p.path, chromedp.Navigate(url+p.path), chromedp.WaitVisible(chromedp.CSS(p.key)))
			if w, _ := strconv.Atoi(nina.eval(`String(document.documentElement.scrollWidth)`)); w > 375 {
				t.Errorf("%s is %dpx wide on a 375px screen", p.path, w)
			}
			if v := nina.eval(`getComputedStyle(document.getElementById("main-nav")).display`); v != "none" {
				t.Errorf("%s: the header's links are not folded (display %s)", p.path, v)
			}
			phoneShot(t, nina, "workspace-phone-"+strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(strings.Trim(p.path, "/")))
		}
		nina.do("phone list", chromedp.Navigate(url+"/agent/tickets?view=all"), chromedp.WaitVisible(chromedp.CSS("#ticket-list")))
		if v := nina.eval(`getComputedStyle(document.querySelector("#ticket-list thead")).display`); v != "none" {
			t.Errorf("the ticket list is not cards on a phone (thead %s)", v)
		}
		nina.do("menu", chromedp.Click(chromedp.CSS("#menu-toggle")))
		if v := nina.eval(`getComputedStyle(document.getElementById("main-nav")).display`); v == "none" {
			t.Errorf("the menu does not open")
		}
		if p := e.console.problems(); len(p) > 0 {
			t.Errorf("browser console problems:\n%s", strings.Join(p, "\n"))
		}
	})
}

// phoneShot takes a full-page screenshot at phone width and checks it is a
// real, non-blank PNG no wider than the screen.
func phoneShot(t *testing.T, s *session, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() > 375 || b.Dy() < 300 {
		t.Errorf("phone screenshot %s is %v", name, b)
	}
	if n := colours(img); n < 8 {
		t.Errorf("phone screenshot %s looks blank (%d colours)", name, n)
	}
	if err := os.WriteFile(filepath.Join(s.e.shots, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
