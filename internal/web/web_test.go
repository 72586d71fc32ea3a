package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/ticket"
)

type env struct {
	t       *testing.T
	srv     *Server
	ts      *httptest.Server
	ppl     *people.Store
	tickets *ticket.Store
	auth    *auth.Service
	clk     *clock.Fake
	users   map[string]*people.User // by role
	changes *changeFixture          // the change-control fixture, once made (params_test.go)
}

const pw = "a long enough password"

func newEnv(t *testing.T, d *db.DB, clk *clock.Fake, opts ...func(*Deps)) *env {
	t.Helper()
	return newEnvWith(t, d, clk, auth.Options{Params: auth.TestParams(), Limiter: auth.NewLimiter(clk, 5, 15*time.Minute)}, opts...)
}

// newEnvWith is newEnv with the auth service's options given.
func newEnvWith(t *testing.T, d *db.DB, clk *clock.Fake, opt auth.Options, opts ...func(*Deps)) *env {
	t.Helper()
	a := audit.New(d)
	ppl := people.NewStore(d, a)
	as := auth.NewService(d, a, opt)
	tickets := ticket.NewStore(d, a, t.TempDir(), 2048)
	sr := search.New(d)
	tickets.OnHistoryChange(sr.Hook)
	tickets.OnRestore(sr.IndexTicket)
	rs := rulestore.New(d, tickets, a, nil, rulestore.Options{})
	rs.Attach()
	deps := Deps{DB: d, Auth: as, People: ppl, Tickets: tickets, Search: sr, Rules: rs, Version: "test", MaxBodyBytes: 4096}
	for _, o := range opts {
		o(&deps)
	}
	srv, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &env{t: t, srv: srv, ts: ts, ppl: ppl, tickets: tickets, auth: as, clk: clk, users: map[string]*people.User{}}
	for _, role := range []string{people.RoleEndUser, people.RoleAgent, people.RoleAdmin} {
		name, email, r := "The "+role, role+"@example.com", role
		u, err := ppl.CreateUser(context.Background(), audit.System(), people.UserInput{Name: &name, Email: &email, Role: &r})
		if err != nil {
			t.Fatal(err)
		}
		if err := as.SetPassword(context.Background(), audit.System(), u.ID, pw); err != nil {
			t.Fatal(err)
		}
		e.users[role] = u
	}
	return e
}

func each(t *testing.T, fn func(t *testing.T, e *env), opts ...func(*Deps)) {
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock {
		clk = clock.NewFake(time.Now().UTC().Truncate(time.Second))
		return clk
	}, func(t *testing.T, d *db.DB) { fn(t, newEnv(t, d, clk, opts...)) })
}

type resp struct {
	code int
	hdr  http.Header
	body string
}

func (e *env) do(c *http.Client, method, path string, body io.Reader, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" { // the client sends req.Host, not a Host header
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = noRedirect()
	}
	r, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, string(b)}
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func basic(user, pass string) []string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return []string{"Authorization", req.Header.Get("Authorization")}
}

func TestAPIAuthenticationSchemes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		agent := e.users[people.RoleAgent]
		tok, _, err := e.auth.CreateAPIToken(context.Background(), audit.System(), agent.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		for name, hdr := range map[string][]string{
			"basic password": basic(agent.Email, pw),
			"basic token":    basic(agent.Email+"/token", tok),
			"bearer":         {"Authorization", "Bearer " + tok},
		} {
			for _, path := range []string{"/api/v2/users/me", "/api/v2/users/me.json"} {
				r := e.do(nil, "GET", path, nil, hdr...)
				var body struct {
					User people.User `json:"user"`
				}
				if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.code != 200 || body.User.ID != agent.ID || body.User.Role != "agent" {
					t.Errorf("%s %s: %d %s", name, path, r.code, r.body)
				}
				if !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
					t.Errorf("content type %q", r.hdr.Get("Content-Type"))
				}
			}
		}
		for name, hdr := range map[string][]string{
			"wrong password":        basic(agent.Email, "not the password"),
			"token of another user": basic(e.users[people.RoleAdmin].Email+"/token", tok),
			"garbage bearer":        {"Authorization", "Bearer nope"},
			"malformed basic":       {"Authorization", "Basic !!!"},
			"unknown scheme":        {"Authorization", "Digest abc"},
			"nothing":               {},
		} {
			r := e.do(nil, "GET", "/api/v2/users/me.json", nil, hdr...)
			if r.code != 401 || strings.TrimSpace(r.body) != `{"error":"Couldn't authenticate you"}` {
				t.Errorf("%s: %d %s", name, r.code, r.body)
			}
			if r.hdr.Get("Retry-After") != "" {
				t.Errorf("%s: Retry-After on a %d", name, r.code)
			}
		}
		r := e.do(nil, "GET", "/api/v2/no/such/thing.json", nil, basic(agent.Email, pw)...)
		if r.code != 404 || !strings.Contains(r.body, `"error":"RecordNotFound"`) {
			t.Errorf("unknown API path: %d %s", r.code, r.body)
		}
	})
}

func TestAPIRateLimitsGuessing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for i := 0; i < 5; i++ {
			if r := e.do(nil, "GET", "/api/v2/users/me", nil, basic("agent@example.com", "guess")...); r.code != 401 {
				t.Fatalf("guess %d: %d", i, r.code)
			}
		}
		r := e.do(nil, "GET", "/api/v2/users/me", nil, basic("agent@example.com", pw)...)
		if r.code != 429 || r.hdr.Get("Retry-After") != "900" || !strings.Contains(r.body, "TooManyRequests") {
			t.Fatalf("after 5 guesses: %d %v %s", r.code, r.hdr, r.body)
		}
		e.clk.Advance(15 * time.Minute)
		if r := e.do(nil, "GET", "/api/v2/users/me", nil, basic("agent@example.com", pw)...); r.code != 200 {
			t.Fatalf("after the window: %d", r.code)
		}
	})
}

// apiLike says a route answers errors in JSON (401 to the anonymous, no
// sign-in redirect): the Zendesk-compatible API and the PagerDuty-compatible
// routes (which follow PagerDuty's conventions, not the Zendesk ones).
func apiLike(rt Route) bool {
	_, path, _ := strings.Cut(rt.Pattern, " ")
	return rt.API || isPagerDutyPath(path)
}

// concretePath turns a mux pattern into a request path.
func concretePath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = strings.ReplaceAll(path, "{$}", "")
	path = regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "1")
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "x"
	}
	return method, path
}

// TestEveryRouteEnforcesItsPolicy walks the route table: every route has a
// policy, anonymous callers are refused on every non-public route, and each
// role is refused where its policy says so.
func TestEveryRouteEnforcesItsPolicy(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		routes := e.srv.Routes()
		if len(routes) < 10 {
			t.Fatalf("only %d routes registered", len(routes))
		}
		rank := map[string]Policy{people.RoleEndUser: Authenticated, people.RoleAgent: Staff, people.RoleAdmin: Admin}
		for _, rt := range routes {
			if rt.Policy < Public || rt.Policy > Admin {
				t.Errorf("%s has no valid policy", rt.Pattern)
				continue
			}
			method, path := concretePath(rt.Pattern)
			if rt.Policy == Public {
				continue
			}
			r := e.do(nil, method, path, strings.NewReader("{}"), "Content-Type", "application/json")
			if apiLike(rt) { // PagerDuty routes answer JSON errors too (api_pagerduty.go)
				if r.code != 401 {
					t.Errorf("anonymous %s %s: %d", method, path, r.code)
				}
			} else if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login?next=") {
				t.Errorf("anonymous %s %s: %d %v", method, path, r.code, r.hdr.Get("Location"))
			}
			for role, level := range rank {
				if level >= rt.Policy {
					continue
				}
				r := e.do(nil, method, path, strings.NewReader("{}"), append(basic(role+"@example.com", pw), "Content-Type", "application/json")...)
				if r.code != 403 {
					t.Errorf("%s on %s %s (policy %s): %d, want 403", role, method, path, rt.Policy, r.code)
				}
			}
		}
	})
}

func signIn(t *testing.T, e *env, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	r, err := c.PostForm(e.ts.URL+"/login", url.Values{"email": {email}, "password": {pw}, "next": {"/settings/tokens"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || !strings.Contains(string(b), "API tokens") {
		t.Fatalf("sign-in: %d %s", r.StatusCode, b)
	}
	return c
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func TestBrowserSessionAndCSRF(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Wrong password re-renders the form with a message and no cookie.
		r := e.do(nil, "POST", "/login", strings.NewReader("email=agent%40example.com&password=nope"), "Content-Type", "application/x-www-form-urlencoded")
		if r.code != 401 || !strings.Contains(r.body, "did not match") || r.hdr.Get("Set-Cookie") != "" {
			t.Fatalf("bad login: %d %s", r.code, r.body)
		}
		// An open redirect in next is neutralised.
		r = e.do(nil, "POST", "/login", strings.NewReader("email=agent%40example.com&password="+url.QueryEscape(pw)+"&next=%2F%2Fevil.example"), "Content-Type", "application/x-www-form-urlencoded")
		if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/" {
			t.Fatalf("next=//evil: %d %s", r.code, r.hdr.Get("Location"))
		}
		cookie := r.hdr.Get("Set-Cookie")
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("cookie flags: %s", cookie)
		}

		c := signIn(t, e, "agent@example.com")
		page := e.do(c, "GET", "/settings/tokens", nil)
		m := csrfRe.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no CSRF token in page: %s", page.body)
		}
		form := "description=ci+script"
		ct := []string{"Content-Type", "application/x-www-form-urlencoded"}
		if r := e.do(c, "POST", "/settings/tokens", strings.NewReader(form), ct...); r.code != 403 {
			t.Fatalf("POST without CSRF token: %d", r.code)
		}
		if r := e.do(c, "POST", "/settings/tokens", strings.NewReader(form+"&csrf_token=forged"), ct...); r.code != 403 {
			t.Fatalf("POST with forged CSRF token: %d", r.code)
		}
		// A cross-site browser request is refused even with the token.
		if r := e.do(c, "POST", "/settings/tokens", strings.NewReader(form+"&csrf_token="+m[1]), append(ct, "Sec-Fetch-Site", "cross-site")...); r.code != 403 {
			t.Fatalf("cross-site POST: %d", r.code)
		}
		if toks, _ := e.auth.ListAPITokens(context.Background(), e.users["agent"].ID); len(toks) != 0 {
			t.Fatalf("refused requests created tokens: %+v", toks)
		}
		r = e.do(c, "POST", "/settings/tokens", strings.NewReader(form+"&csrf_token="+m[1]), ct...)
		secret := regexp.MustCompile(`<code id="new-token">([^<]+)</code>`).FindStringSubmatch(r.body)
		if r.code != 201 || secret == nil {
			t.Fatalf("create token: %d %s", r.code, r.body)
		}
		// The header form of the token works too (htmx sends it).
		if r := e.do(c, "POST", "/settings/tokens", strings.NewReader("description=x"), append(ct, "X-CSRF-Token", m[1])...); r.code != 201 {
			t.Fatalf("header CSRF: %d", r.code)
		}
		// The new token authenticates API calls, which need no CSRF token.
		if r := e.do(nil, "GET", "/api/v2/users/me", nil, "Authorization", "Bearer "+secret[1]); r.code != 200 {
			t.Fatalf("issued token: %d", r.code)
		}
		// Another user cannot revoke it; its owner can.
		toks, _ := e.auth.ListAPITokens(context.Background(), e.users["agent"].ID)
		other := signIn(t, e, "end-user@example.com")
		om := csrfRe.FindStringSubmatch(e.do(other, "GET", "/settings/tokens", nil).body)
		path := "/settings/tokens/" + itoa(toks[0].ID) + "/revoke"
		if r := e.do(other, "POST", path, strings.NewReader("csrf_token="+om[1]), ct...); r.code != 404 {
			t.Fatalf("foreign revoke: %d", r.code)
		}
		nr := &http.Client{Jar: c.Jar, CheckRedirect: noRedirect().CheckRedirect}
		if r := e.do(nr, "POST", path, strings.NewReader("csrf_token="+m[1]), ct...); r.code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/api/v2/users/me", nil, "Authorization", "Bearer "+secret[1]); r.code != 401 {
			t.Fatalf("revoked token still works: %d", r.code)
		}
		// Sign out ends the session server-side.
		if r := e.do(nr, "POST", "/logout", strings.NewReader("csrf_token="+m[1]), ct...); r.code != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.code)
		}
		if r := e.do(nr, "GET", "/", nil); r.code != http.StatusSeeOther {
			t.Fatalf("after logout: %d", r.code)
		}
	})
}

func TestOperationalEndpointsAndLimits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r := e.do(nil, "GET", "/healthz", nil); r.code != 200 || !strings.Contains(r.body, `"status":"ok"`) {
			t.Fatalf("healthz %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/readyz", nil); r.code != 200 || !strings.Contains(r.body, "ready") {
			t.Fatalf("readyz %d %s", r.code, r.body)
		}
		// Paths the server rewrites (.json, unclean) count under their route.
		for _, p := range []string{"/api/v2/users/me", "/api/v2/users/me.json", "/api/v2//users/me.json"} {
			e.do(nil, "GET", p, nil)
		}
		r := e.do(nil, "GET", "/metrics", nil)
		if r.code != 200 || !strings.Contains(r.body, `frontline_http_requests_total{code="401",route="GET /api/v2/users/me"} 3`) ||
			!strings.Contains(r.body, "go_goroutines") || !strings.Contains(r.body, "frontline_db_open_connections") ||
			!strings.Contains(r.body, "frontline_password_hashes_running 0") || !strings.Contains(r.body, "frontline_password_hashes_waiting 0") {
			t.Fatalf("metrics: %d %.3000s", r.code, r.body)
		}
		if r := e.do(nil, "GET", "/static/vendor/htmx-2.0.11.min.js", nil); r.code != 200 || !strings.Contains(r.body, "htmx") {
			t.Fatalf("vendored htmx: %d", r.code)
		}
		if r := e.do(nil, "GET", "/login", nil); r.code != 200 || !strings.Contains(r.hdr.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Fatalf("login page: %d %v", r.code, r.hdr)
		}
		// Oversize bodies are refused with 413 (the limit here is 4 KiB).
		big := strings.NewReader("description=" + strings.Repeat("x", 8192))
		c := signIn(t, e, "agent@example.com")
		token := csrfRe.FindStringSubmatch(e.do(c, "GET", "/settings/tokens", nil).body)[1]
		if r := e.do(c, "POST", "/settings/tokens", big, "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", token); r.code != 413 {
			t.Fatalf("oversize: %d %s", r.code, r.body)
		}
		if toks, _ := e.auth.ListAPITokens(context.Background(), e.users["agent"].ID); len(toks) != 0 {
			t.Fatalf("oversize request created a token: %+v", toks)
		}
	})
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		err    error
		status int
		body   string
	}{
		{errsInvalid(), 422, `{"error":"RecordInvalid","description":"Record validation errors","details":{"email":[{"description":"Email: has already been taken","error":"DuplicateValue"}]}}`},
		{errsNotFound(), 404, `{"error":"RecordNotFound","description":"Not found"}`},
		{errsUnauth(), 401, `{"error":"Couldn't authenticate you"}`},
		{io.ErrUnexpectedEOF, 500, `{"error":"InternalError","description":"Something went wrong on our side; it has been logged."}`},
	}
	for _, tc := range cases {
		status, body := errorBody(tc.err)
		b, _ := json.Marshal(body)
		if status != tc.status || string(b) != tc.body {
			t.Errorf("%v: %d %s; want %d %s", tc.err, status, b, tc.status, tc.body)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func errsInvalid() error {
	var v errs.Validation
	v.Add("email", "has already been taken")
	return v.Err()
}

func errsNotFound() error { return errs.NotFound("user") }

func errsUnauth() error { return errs.Unauthorized("bad token") }
