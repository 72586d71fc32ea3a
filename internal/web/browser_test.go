package web

// Browser tests: Debian's Chromium driven with chromedp against a real
// server on a real database (both engines). They skip locally without
// Chromium and fail instead when FRONTLINE_REQUIRE_CHROMIUM=1 (.ci/run).
// Set FRONTLINE_SCREENSHOTS=DIR to keep the screenshots they check.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// chromiumPath finds Chromium, or skips (fails when it is required).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("FRONTLINE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "Chromium not found: install it with `apt-get install -y chromium` (or set FRONTLINE_CHROMIUM) to run the browser tests"
	if os.Getenv("FRONTLINE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + " (required: FRONTLINE_REQUIRE_CHROMIUM=1)")
	}
	t.Skip(msg)
	return ""
}

// browserEnv is a server with the help desk wired as in production.
type browserEnv struct {
	t       *testing.T
	url     string
	d       *db.DB
	ppl     *people.Store
	auth    *auth.Service
	tickets *ticket.Store
	sat     *satisfaction.Store
	users   map[string]*people.User // by short name
	org     *people.Organization
	macro   rules.Macro
	browser context.Context
	shots   string
	console *consoleLog
}

type consoleLog struct {
	mu   sync.Mutex
	msgs []string
}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, s)
}

func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		l := strings.ToLower(m)
		if strings.HasPrefix(l, "exception") || strings.HasPrefix(l, "error") || strings.Contains(l, "content security policy") || strings.Contains(l, "refused to") {
			out = append(out, m)
		}
	}
	return out
}

func newBrowserEnv(t *testing.T, d *db.DB, chrome string) *browserEnv {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ppl := people.NewStore(d, al)
	as := auth.NewService(d, al, auth.Options{Params: auth.TestParams()})
	tickets := ticket.NewStore(d, al, t.TempDir(), 1<<20)
	rs := rulestore.New(d, tickets, al, nil, rulestore.Options{AccountName: "Frontline"})
	if _, err := rs.SeedDefaultViews(context.Background()); err != nil {
		t.Fatal(err)
	}
	sat := satisfaction.NewStore(d, al)
	sr := search.New(d)
	tickets.OnChange(sr.Hook)
	slas := sla.NewService(sla.NewStore(d, al), sla.Options{})
	tickets.OnChange(slas.Hook)
	rs.Attach() // after the other hooks, as internal/app wires it (a trigger's change inside a creation must find the SLA rows written)
	if _, err := slas.Store.SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{DB: d, Auth: as, People: ppl, Tickets: tickets, Audit: al, Satisfaction: sat,
		Search: sr, SLAService: slas, Rules: rs, Macros: RulesMacros(rs), Views: RulesViews(rs), Version: "browser-test"})
	if err != nil {
		t.Fatal(err)
	}
	srv.ui.liveInterval = 200 * time.Millisecond
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &browserEnv{t: t, url: ts.URL, d: d, ppl: ppl, auth: as, tickets: tickets, sat: sat, users: map[string]*people.User{}, console: &consoleLog{}}

	sp := func(s string) *string { return &s }
	bp := func(b bool) *bool { return &b }
	mk := func(key, name, role string, org *int64) {
		email := key + "@example.com"
		u, err := ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role, OrganizationID: org})
		if err != nil {
			t.Fatal(err)
		}
		if err := as.SetPassword(ctx, audit.System(), u.ID, pw); err != nil {
			t.Fatal(err)
		}
		e.users[key] = u
	}
	mk("alice", "Alice Agent", people.RoleAgent, nil)
	mk("bob", "Bob Backup", people.RoleAgent, nil)
	mk("ada", "Ada Admin", people.RoleAdmin, nil)
	ase := e.users["alice"].ID
	e.org, err = ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: sp("Acme Rockets"),
		SupportPlan: sp(people.PlanSaaS), Tier: sp("premium"), ASEUserID: &ase, SharedTickets: bp(true), DomainNames: &[]string{"acme.test"},
		SharedComments: bp(true)}) // members may comment on (and so follow) each other's requests
	if err != nil {
		t.Fatal(err)
	}
	mk("carol", "Carol Customer", people.RoleEndUser, &e.org.ID)
	mk("dave", "Dave Colleague", people.RoleEndUser, &e.org.ID)
	if _, err := ppl.CreateGroup(ctx, audit.System(), people.GroupInput{Name: sp("Tier 2")}); err != nil {
		t.Fatal(err)
	}
	e.macro, err = rs.CreateMacro(ctx, audit.System(), rules.Macro{Title: "Ask for diagnostics", Active: true, Actions: []rules.Action{
		{Field: "status", Value: "pending"},
		{Field: "priority", Value: "high"},
		{Field: "current_tags", Value: "needs_logs"},
		{Field: "comment_value", Value: "Hi {{ticket.requester.name}},\n\nplease attach the output of `frontline diag` so we can look into #{{ticket.id}}."},
		{Field: "comment_mode_is_public", Value: "true"},
	}})
	if err != nil {
		t.Fatal(err)
	}

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000))
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start Chromium %s: %v", chrome, err)
	}
	e.browser = browser
	e.shots = os.Getenv("FRONTLINE_SCREENSHOTS")
	if e.shots == "" {
		e.shots = t.TempDir()
	} else {
		e.shots = filepath.Join(e.shots, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(e.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// session is one person's isolated browser context (own cookies).
type session struct {
	e    *browserEnv
	name string
	ctx  context.Context
}

func (e *browserEnv) session(name string) *session {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		e.t.Fatal(err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			e.console.add(name + " " + m.String() + " " + m.URL)
		}
	}()
	return &session{e: e, name: name, ctx: ctx}
}

// do runs steps with a deadline and fails the test with the page's text.
func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.e.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		s.e.t.Fatalf("%s: %s: %v\npage: %s", s.name, what, err, s.text("body"))
	}
}

// navigate runs steps that load a new page (a form submit, a link) and
// waits until that new page has loaded, so that a later wait cannot match
// an element of the old one.
func (s *session) navigate(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.e.t.Helper()
	all := append([]chromedp.Action[chromedp.Void]{chromedp.Evaluate[chromedp.Void](`window.__frontlineOld = true`)}, steps...)
	s.do(what, all...)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__frontlineOld && document.readyState === "complete"`))
		cancel()
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			s.e.t.Fatalf("%s: %s: the new page did not load (%v)\npage: %s", s.name, what, err, s.text("body"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *session) text(css string) string {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return v
}

func (s *session) eval(js string) string {
	s.e.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		s.e.t.Fatalf("%s: eval %s: %v", s.name, js, err)
	}
	return v
}

func (s *session) login(email string, expect string) {
	s.e.t.Helper()
	s.do("sign in as "+email,
		chromedp.Navigate(s.e.url+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(expect)),
	)
}

// shot takes a full-page screenshot and checks that the page rendered:
// a real PNG that is not blank, no error or template text, and the key
// elements present.
func (s *session) shot(name string, keys ...string) {
	s.e.t.Helper()
	for _, k := range keys {
		s.do("wait for "+k+" on "+name, chromedp.WaitVisible(chromedp.CSS(k)))
	}
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.e.t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		s.e.t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 300 {
		s.e.t.Errorf("screenshot %s is only %v", name, b)
	}
	if n := colours(img); n < 8 {
		s.e.t.Errorf("screenshot %s looks blank (%d colours)", name, n)
	}
	if err := os.WriteFile(filepath.Join(s.e.shots, name+".png"), buf, 0o644); err != nil {
		s.e.t.Fatal(err)
	}
	body := s.text("body")
	for _, bad := range []string{"template:", "internal error", "Something went wrong", "missing template", "<no value>", "%!"} {
		if strings.Contains(body, bad) {
			s.e.t.Errorf("page %s shows %q:\n%s", name, bad, body)
		}
	}
	if title := s.eval("document.title"); !strings.HasSuffix(title, "Frontline") {
		s.e.t.Errorf("page %s has title %q", name, title)
	}
}

// colours counts distinct colours on a sample grid of img.
func colours(img image.Image) int {
	b := img.Bounds()
	seen := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	return len(seen)
}

func (s *session) mustContain(where, css string, want ...string) {
	s.e.t.Helper()
	got := s.text(css)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			s.e.t.Errorf("%s: %s (%s) lacks %q:\n%s", s.name, where, css, w, got)
		}
	}
}

func (s *session) mustNotContain(where, css string, bad ...string) {
	s.e.t.Helper()
	got := s.text(css)
	for _, b := range bad {
		if strings.Contains(got, b) {
			s.e.t.Errorf("%s: %s (%s) shows %q:\n%s", s.name, where, css, b, got)
		}
	}
}

// TestBrowserJourneys is the end-to-end journey: a customer submits a
// request with an attachment, an agent finds it in a view, adds an internal
// note, replies with a macro and solves it, the customer sees the reply
// (not the note) and rates it; another agent sees live that the ticket is
// being replied to and that it changed; admin pages render.
func TestBrowserJourneys(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		ctx := context.Background()

		// The customer signs in and lands on the portal's empty state.
		carol := e.session("carol")
		carol.login("carol@example.com", "#new-request")
		carol.mustContain("portal", "main", "You have no requests here yet")
		carol.shot("portal-empty", "#new-request")

		// Submitting without a description is refused with a message; the
		// subject is kept.
		carol.do("open the form", chromedp.Click(chromedp.CSS("#new-request")), chromedp.WaitVisible(chromedp.CSS("#subject")))
		carol.do("submit without description",
			chromedp.SendKeys(chromedp.CSS("#subject"), "Rocket engine <b>stalls</b> on launch"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("body").removeAttribute("required")`),
			chromedp.Click(chromedp.CSS("#submit-request")),
			chromedp.WaitVisible(chromedp.CSS("#form-error")))
		carol.mustContain("validation", "#form-error", "Description: can't be blank")
		if v := carol.eval(`document.getElementById("subject").value`); v != "Rocket engine <b>stalls</b> on launch" {
			t.Errorf("subject not kept: %q", v)
		}

		// Now a full request with Markdown, a script attempt and an attachment.
		logFile := filepath.Join(t.TempDir(), "engine.log")
		if err := os.WriteFile(logFile, []byte("T+0.4s ignition\nT+0.9s STALL\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		carol.do("submit request",
			chromedp.SendKeys(chromedp.CSS("#body"), "The engine **stalls** at T+0.9s.\n<script>window.pwned=1</script>\nSee the log."),
			chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{logFile}),
			chromedp.Click(chromedp.CSS("#submit-request")),
			chromedp.WaitVisible(chromedp.CSS(".flash")))
		carol.mustContain("after submit", "main", "has been received", "Rocket engine <b>stalls</b> on launch", "engine.log", "Carol Customer")
		if got := carol.eval(`document.querySelector(".comment .body strong") ? document.querySelector(".comment .body strong").textContent : ""`); got != "stalls" {
			t.Errorf("Markdown bold not rendered: %q", got)
		}
		if got := carol.eval(`String(window.pwned === 1 || document.querySelector(".comment .body script") !== null || document.querySelector("h1 b") !== null)`); got != "false" {
			t.Errorf("untrusted content was not escaped/sanitised")
		}
		carol.shot("portal-ticket-new", ".comment", "#reply-form")
		list, err := e.tickets.List(ctx, ticket.Filter{RequesterID: e.users["carol"].ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("tickets of carol: %v %v", list, err)
		}
		tk := list[0]
		tid := fmt.Sprint(tk.ID)
		if tk.OrganizationID == nil || *tk.OrganizationID != e.org.ID || tk.Status != "new" {
			t.Fatalf("created ticket %+v", tk)
		}
		cs, err := e.tickets.Comments(ctx, tk.ID, ticket.Page{})
		if err != nil || len(cs) != 1 || len(cs[0].Attachments) != 1 || cs[0].Attachments[0].FileName != "engine.log" || cs[0].Attachments[0].Size != 29 {
			t.Fatalf("comment/attachment stored: %+v %v", cs, err)
		}

		// The agent sees it in the "New tickets" view, with counts in the sidebar.
		alice := e.session("alice")
		alice.login("alice@example.com", "#ticket-list")
		alice.mustContain("sidebar", ".sidebar", "New tickets", "All unsolved tickets", "Unassigned tickets", "SLA breaching soon")
		if n := alice.eval(`document.querySelector('[data-view-count="new"]').textContent`); n != "1" {
			t.Errorf("new view count %q", n)
		}
		// The rules module's "Unassigned tickets" view (a saved view, run as SQL) counts it too.
		if n := alice.eval(`Array.from(document.querySelectorAll(".sidebar a")).find(a => a.textContent.includes("Unassigned")).querySelector(".count").textContent`); n != "1" {
			t.Errorf("unassigned view count %q", n)
		}
		if n := strings.Count(alice.text(".sidebar"), "All unsolved tickets"); n != 1 {
			t.Errorf("All unsolved listed %d times", n)
		}
		alice.do("open New view", chromedp.Click(chromedp.CSS(`.sidebar a[href="/agent/tickets?view=new"]`)),
			chromedp.WaitVisible(chromedp.CSS(`a[aria-current="page"][href="/agent/tickets?view=new"]`)))
		alice.mustContain("list", "#ticket-list", "Rocket engine <b>stalls</b> on launch", "Carol Customer", "new")
		alice.shot("agent-list", "#ticket-list", ".sidebar")
		// Sorting by priority marks the column.
		alice.navigate("sort by priority", chromedp.Click(chromedp.CSS(`th a[href*="sort=priority"]`)))
		alice.do("sorted", chromedp.WaitVisible(chromedp.CSS(`th[aria-sort] a[href*="sort=priority"]`)))

		alice.navigate("sort by SLA due", chromedp.Click(chromedp.CSS(`th a[href*="sort=sla_due"]`)))
		alice.do("sorted by SLA", chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"] a[href*="sort=sla_due"]`)))
		alice.mustContain("SLA sorted list", "#ticket-list", "Rocket engine")
		// Search (the Zendesk query syntax) finds it; "/" focuses the box.
		alice.do("search", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("/"),
			chromedp.SendKeys(chromedp.CSS("#search-q"), "stalls status<solved\n"), chromedp.WaitVisible(chromedp.CSS("#search-results")))
		alice.mustContain("search results", "#search-results", "Rocket engine", "Carol Customer")
		alice.do("search nothing", chromedp.Navigate(e.url+"/agent/search?q="+url.QueryEscape("status:solved")), chromedp.WaitVisible(chromedp.CSS(".empty")))
		alice.mustContain("no results", "main", "No tickets match")
		alice.navigate("back to view", chromedp.Click(chromedp.CSS(`.sidebar a[href="/agent/tickets?view=new"]`)))
		alice.navigate("sort by priority again", chromedp.Click(chromedp.CSS(`th a[href*="sort=priority"]`)))
		// Keyboard: j selects the first row, o opens it.
		alice.do("keyboard open", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
			chromedp.KeyEvent("j"), chromedp.KeyEvent("o"),
			chromedp.WaitVisible(chromedp.CSS("#update-form")))
		alice.mustContain("requester panel", ".context", "Carol Customer", "carol@example.com", "Acme Rockets", "SaaS", "premium", "Alice Agent")
		alice.mustContain("conversation", ".conversation", "stalls", "engine.log", "Public reply")
		alice.shot("agent-ticket", "#update-form", ".requester", ".org")

		// Bob opens the same ticket; he will see Alice replying, then her change.
		bob := e.session("bob")
		bob.login("bob@example.com", "#ticket-list")
		bob.do("open ticket", chromedp.Navigate(e.url+"/agent/tickets/"+tid), chromedp.WaitVisible(chromedp.CSS("#update-form")))

		// Internal note (keyboard "i" switches the composer), with Markdown.
		alice.navigate("reload", chromedp.Reload())
		alice.do("internal note",
			chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
			chromedp.KeyEvent("i"),
			chromedp.SendKeys(chromedp.CSS("#body"), "Looks like the *igniter* firmware, checking with eng."))
		if got := alice.eval(`document.querySelector('input[name=mode][value=internal]').checked ? "internal" : "public"`); got != "internal" {
			t.Errorf("i did not switch to internal note: %s", got)
		}
		bob.do("see alice replying", chromedp.WaitVisible(chromedp.CSS("#live-replying")))
		bob.mustContain("presence", "#live-replying", "Alice Agent is also replying")
		bob.shot("agent-ticket-collision", "#live-replying")
		alice.do("submit note", chromedp.Click(chromedp.CSS("#submit-update")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		alice.mustContain("flash", ".flash", "Internal note added.")
		alice.mustContain("note", ".comment.internal", "Internal note", "igniter")
		if got := alice.eval(`document.querySelector(".comment.internal .body").textContent.trim()`); !strings.HasPrefix(got, "Looks like") {
			t.Errorf("the shortcut key leaked into the note: %q", got)
		}
		if got := alice.eval(`document.querySelector(".comment.internal .body em").textContent`); got != "igniter" {
			t.Errorf("note Markdown: %q", got)
		}
		bob.do("see the change", chromedp.WaitVisible(chromedp.CSS("#live-changed")))

		// Bob's stale form is refused instead of overwriting Alice's change.
		bob.do("stale submit", chromedp.SetValue(chromedp.CSS("#priority"), "low"), chromedp.Click(chromedp.CSS("#submit-update")),
			chromedp.WaitVisible(chromedp.CSS("#form-error")))
		bob.mustContain("conflict", "#form-error", "Someone else updated this ticket")

		// The macro fills the composer and properties; the agent submits.
		alice.navigate("apply macro",
			chromedp.SetValue(chromedp.CSS("#macro"), fmt.Sprint(e.macro.ID)),
			chromedp.Click(chromedp.CSS("#apply-macro")))
		alice.mustContain("macro legend", ".composer legend", "Ask for diagnostics")
		if body := alice.eval(`document.getElementById("body").value`); !strings.Contains(body, "Hi Carol Customer,") || !strings.Contains(body, "#"+tid) {
			t.Errorf("macro comment: %q", body)
		}
		if st := alice.eval(`document.getElementById("status").value + " " + document.getElementById("priority").value + " " + document.getElementById("tags").value`); st != "pending high needs_logs" {
			t.Errorf("macro properties: %q", st)
		}
		alice.shot("agent-ticket-macro", "#body")
		alice.do("submit macro reply", chromedp.Click(chromedp.CSS("#submit-update")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		alice.mustContain("flash", ".flash", "Public reply added.")
		alice.do("open history", chromedp.Click(chromedp.CSS("#history summary")))
		alice.mustContain("history", "#history", "status", "→ Pending", "added a public reply", "added an internal note")
		got, err := e.tickets.Get(ctx, tk.ID)
		if err != nil || got.Status != "pending" || got.Priority == nil || *got.Priority != "high" || !slices.Contains(got.Tags, "needs_logs") {
			t.Fatalf("after macro: %+v %v", got, err)
		}

		// The customer sees the reply but not the internal note.
		carol.do("reload", chromedp.Navigate(e.url+"/portal/tickets/"+tid), chromedp.WaitVisible(chromedp.CSS(".conversation")))
		carol.mustContain("reply", ".conversation", "Hi Carol Customer", "frontline diag", "Alice Agent")
		carol.mustNotContain("no internal note", "main", "igniter", "Internal note")
		carol.mustContain("status", ".meta", "pending")
		// A colleague in the organization sees it under organization requests.
		dave := e.session("dave")
		dave.login("dave@example.com", "#new-request")
		dave.do("org requests", chromedp.Navigate(e.url+"/portal?scope=org"), chromedp.WaitVisible(chromedp.CSS("#request-list")))
		dave.mustContain("org list", "#request-list", "Rocket engine", "Carol Customer")
		dave.shot("portal-org-requests", "#request-list")
		// Dave follows it: he is CC'd and finds it under his own requests.
		dave.do("open org ticket", chromedp.Click(chromedp.CSS("#request-list a")), chromedp.WaitVisible(chromedp.CSS("#follow-form")))
		dave.navigate("follow", chromedp.Click(chromedp.CSS("#follow-form button")))
		dave.mustContain("followed", ".flash", "You are following this request")
		if got, _ := e.tickets.Get(ctx, tk.ID); !got.IsCollaborator(e.users["dave"].ID) {
			t.Errorf("dave is not CC'd: %v", got.CollaboratorIDs)
		}
		dave.do("own list", chromedp.Navigate(e.url+"/portal"), chromedp.WaitVisible(chromedp.CSS("#request-list")))
		dave.mustContain("own list", "#request-list", "Rocket engine")

		// The customer replies, which reopens the request.
		carol.do("customer reply", chromedp.SendKeys(chromedp.CSS("#body"), "Here is the `diag` output: all green."),
			chromedp.Click(chromedp.CSS("#submit-reply")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		carol.mustContain("reply shown", ".conversation", "all green")
		if got, _ := e.tickets.Get(ctx, tk.ID); got.Status != "open" {
			t.Errorf("customer reply left status %s", got.Status)
		}

		// The agent solves it. The customer's reply started the premium
		// organization's next-reply SLA, shown as a badge.
		alice.do("open again", chromedp.Navigate(e.url+"/agent/tickets/"+tid), chromedp.WaitVisible(chromedp.CSS(".ticket-head .sla")))
		alice.mustContain("SLA badge", ".ticket-head .meta", "next reply due in")
		// The SLA panel lists each target: first reply achieved by the
		// macro reply, next reply running with its time left.
		alice.mustContain("SLA panel", "#sla-panel", "first reply time", "achieved", "next reply time", "active", "left")
		alice.shot("agent-ticket-sla", ".ticket-head .sla", "#sla-panel")
		alice.do("solve",
			chromedp.SendKeys(chromedp.CSS("#body"), "Fixed in firmware 2.4.1."),
			chromedp.SetValue(chromedp.CSS("#status"), "solved"),
			chromedp.Click(chromedp.CSS("#submit-update")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		alice.mustContain("solved", ".meta", "solved")

		// The customer rates the solved request.
		carol.do("open solved", chromedp.Navigate(e.url+"/portal/tickets/"+tid), chromedp.WaitVisible(chromedp.CSS("#rating-form")))
		carol.shot("portal-ticket-solved", "#rating-form")
		carol.do("rate", chromedp.Click(chromedp.CSS(`input[name=score][value=good]`)),
			chromedp.SendKeys(chromedp.CSS("#rating-comment"), "Quick and clear, thanks!"),
			chromedp.Click(chromedp.CSS("#submit-rating")), chromedp.WaitVisible(chromedp.CSS("#current-rating")))
		carol.mustContain("rated", "main", "Thank you for your feedback", "You rated this", "Good", "Quick and clear")
		r, err := e.sat.ForTicket(ctx, tk.ID)
		if err != nil || r == nil || r.Score != "good" || r.Comment != "Quick and clear, thanks!" || r.RequesterID != e.users["carol"].ID {
			t.Fatalf("rating stored: %+v %v", r, err)
		}
		carol.do("list", chromedp.Navigate(e.url+"/portal"), chromedp.WaitVisible(chromedp.CSS("#request-list")))
		carol.mustContain("own list", "#request-list", "Rocket engine", "solved")
		carol.shot("portal-list", "#request-list")

		// A customer cannot reach the agent workspace or another org's ticket.
		carol.do("agent page refused", chromedp.Navigate(e.url+"/agent/tickets/"+tid), chromedp.WaitVisible(chromedp.CSS(".error")))
		carol.mustContain("403", "main", "403")

		// Admin pages render with their data.
		ada := e.session("ada")
		ada.login("ada@example.com", ".sidebar")
		ada.mustContain("empty state", "main", "No tickets in this view")
		ada.do("users", chromedp.Navigate(e.url+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("table")))
		ada.mustContain("users", "table", "Carol Customer", "Acme Rockets", "agent")
		ada.shot("admin-users", "table", ".tabs")
		ada.do("add org with bad plan",
			chromedp.Navigate(e.url+"/admin/organizations"), chromedp.WaitVisible(chromedp.CSS("#o-name")),
			chromedp.SendKeys(chromedp.CSS("#o-name"), "Globex"),
			// The tier is chosen from a list; a forged value is still refused by the server.
			chromedp.Evaluate[chromedp.Void](`var o = document.createElement("option"); o.value = "two words"; document.getElementById("o-tier").appendChild(o)`),
			chromedp.SetValue(chromedp.CSS("#o-tier"), "two words"),
			chromedp.Click(chromedp.CSS(`#org-form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS("#form-error")))
		ada.mustContain("org error", "#form-error", "Tier")
		ada.do("add org",
			chromedp.SetValue(chromedp.CSS("#o-tier"), "ultimate"),
			chromedp.Click(chromedp.CSS(`#org-form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")))
		ada.mustContain("orgs", "table", "Acme Rockets", "Globex", "premium", "ultimate", "Alice Agent")
		ada.shot("admin-organizations", "table")
		ada.do("groups", chromedp.Navigate(e.url+"/admin/groups"), chromedp.WaitVisible(chromedp.CSS("table")))
		ada.mustContain("groups", "table", "Tier 2")
		ada.do("satisfaction", chromedp.Navigate(e.url+"/admin/satisfaction"), chromedp.WaitVisible(chromedp.CSS("table")))
		ada.mustContain("satisfaction", "main", "100%", "Quick and clear", "Alice Agent")
		ada.shot("admin-satisfaction", "table")
		ada.do("audit", chromedp.Navigate(e.url+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		ada.mustContain("audit", "table.audit", "organization.create", "satisfaction.create")
		ada.shot("admin-audit", "table.audit")
		// Roles: Dave becomes an agent.
		ada.do("users again", chromedp.Navigate(e.url+"/admin/users?q=dave"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#role-%d", e.users["dave"].ID))))
		ada.do("promote dave", chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#role-%d", e.users["dave"].ID)), "agent"),
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#user-%d .role-form button", e.users["dave"].ID))), chromedp.WaitVisible(chromedp.CSS(".flash")))
		ada.mustContain("promoted", ".flash", "Dave Colleague is now agent")
		if u, _ := e.ppl.GetUser(ctx, e.users["dave"].ID); u.Role != "agent" {
			t.Errorf("dave's role: %s", u.Role)
		}
		// Business rules: the macro is listed; a trigger with a bad condition
		// is refused naming it, a good one is added and can be switched off.
		ada.do("macros", chromedp.Navigate(e.url+"/admin/rules?kind=macros"), chromedp.WaitVisible(chromedp.CSS("#rules")))
		ada.mustContain("macros", "#rules", "Ask for diagnostics", "active")
		ada.do("bad trigger", chromedp.Navigate(e.url+"/admin/rules?kind=triggers"), chromedp.WaitVisible(chromedp.CSS("#rule-json")),
			chromedp.SendKeys(chromedp.CSS("#rule-json"), `{"trigger": {"title": "Tag VIP", "active": true, "conditions": {"all": [{"field": "priority", "operator": "bogus", "value": "urgent"}]}, "actions": [{"field": "current_tags", "value": "vip"}]}}`),
			chromedp.Click(chromedp.CSS("#rule-form button")), chromedp.WaitVisible(chromedp.CSS("#form-error")))
		ada.mustContain("bad trigger", "#form-error", "conditions.all[0].operator")
		ada.do("good trigger", chromedp.SetValue(chromedp.CSS("#rule-json"), `{"trigger": {"title": "Tag VIP", "active": true, "conditions": {"all": [{"field": "priority", "operator": "is", "value": "urgent"}]}, "actions": [{"field": "current_tags", "value": "vip"}]}}`),
			chromedp.Click(chromedp.CSS("#rule-form button")), chromedp.WaitVisible(chromedp.CSS("#rules")))
		ada.mustContain("trigger listed", "#rules", "Tag VIP", "active")
		ada.shot("admin-rules", "#rules", "#rule-form")
		ada.navigate("deactivate trigger", chromedp.Click(chromedp.CSS("#rules form.toggle button")))
		ada.mustContain("trigger off", "#rules", "inactive")
		ada.do("sla", chromedp.Navigate(e.url+"/admin/sla"), chromedp.WaitVisible(chromedp.CSS("#schedules")))
		ada.mustContain("sla", "main", "Priority Support (Premium/Ultimate)", "Standard Support", "first reply time", "30m calendar", "4h business", "AMER", "Europe/Amsterdam", "Mon 09:00–17:00")
		ada.shot("admin-sla", "#schedules", ".targets")
		ada.do("tokens", chromedp.Navigate(e.url+"/settings/tokens"), chromedp.SendKeys(chromedp.CSS("#description"), "reports"),
			chromedp.Click(chromedp.CSS(`form[action="/settings/tokens"] button`)), chromedp.WaitVisible(chromedp.CSS("#new-token")))
		ada.shot("settings-tokens", "#new-token")
		// An admin sees and revokes another user's token.
		if _, _, err := e.auth.CreateAPIToken(ctx, audit.System(), e.users["bob"].ID, "bob's script"); err != nil {
			t.Fatal(err)
		}
		ada.do("bob's tokens", chromedp.Navigate(fmt.Sprintf("%s/admin/users/%d/tokens", e.url, e.users["bob"].ID)), chromedp.WaitVisible(chromedp.CSS("#tokens")))
		ada.mustContain("bob's tokens", "#tokens", "bob's script")
		ada.navigate("revoke", chromedp.Click(chromedp.CSS("#tokens button")))
		ada.mustContain("revoked", "main", "revoked", "Bob Backup has no API tokens")
		// The admin sets Bob's password, choosing to keep his sessions.
		ada.navigate("set bob's password", chromedp.SendKeys(chromedp.CSS("#new-password"), "a password set by ada"),
			chromedp.Click(chromedp.CSS(`#password-form input[name="end_sessions"]`)),
			chromedp.Click(chromedp.CSS("#password-form button")))
		ada.mustContain("password set", "main", "Password of Bob Backup set; sessions kept; API tokens kept.")
		ada.shot("admin-user-password", "#password-form")

		if p := e.console.problems(); len(p) > 0 {
			t.Errorf("browser console problems:\n%s", strings.Join(p, "\n"))
		}
	})
}
