package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// syncBuffer is a goroutine-safe bytes.Buffer for a command's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testEnv(stdout, stderr io.Writer) Env {
	return Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" },
		Options: Options{PasswordParams: auth.TestParams()}}
}

// databaseArgs returns the --database/--data-dir flags for a fresh database of engine e.
func databaseArgs(t *testing.T, e dbtest.Engine) []string {
	tg := e.Target(t)
	if tg.Dialect == db.Postgres {
		return []string{"--database", tg.DSN, "--data-dir", t.TempDir()}
	}
	return []string{"--data-dir", t.TempDir()}
}

// TestServeEndToEnd is the README journey: start with no configuration but a
// database, read the printed one-time credentials, sign in, use the API, and
// shut down gracefully — on both engines.
func TestServeEndToEnd(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			args := append([]string{"serve", "--http", "127.0.0.1:0", "--smtp", "127.0.0.1:0", "--demo", "--demo-tickets", "40"}, databaseArgs(t, e)...)
			var stdout, stderr syncBuffer
			env := testEnv(&stdout, &stderr)
			ready := make(chan string, 1)
			env.Ready = func(addr string) { ready <- addr }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() { done <- Main(ctx, args, env) }()
			var base string
			select {
			case addr := <-ready:
				base = "http://" + addr
			case code := <-done:
				t.Fatalf("serve exited %d: %s", code, stderr.String())
			case <-time.After(30 * time.Second):
				t.Fatal("server did not start")
			}
			out := stdout.String()
			if !strings.Contains(out, "is running at "+base) {
				t.Fatalf("URL not printed: %s", out)
			}
			m := regexp.MustCompile(`as (\S+) with the one-time password: (\S+)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("first admin credentials not printed: %s", out)
			}
			adminEmail, adminPW := m[1], m[2]
			dm := regexp.MustCompile(`password for all: (\S+)\): agent (\S+), manager \S+, customer (\S+)`).FindStringSubmatch(out)
			if dm == nil {
				t.Fatalf("demo sign-ins not printed: %s", out)
			}

			get := func(c *http.Client, path string, hdr ...string) (int, string) {
				req, _ := http.NewRequest("GET", base+path, nil)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, body := get(http.DefaultClient, "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
				t.Fatalf("healthz %d %s", code, body)
			}
			if code, body := get(http.DefaultClient, "/readyz"); code != 200 {
				t.Fatalf("readyz %d %s", code, body)
			}

			// Browser sign-in with the printed credentials.
			jar, _ := cookiejar.New(nil)
			browser := &http.Client{Jar: jar}
			resp, err := browser.PostForm(base+"/login", url.Values{"email": {adminEmail}, "password": {adminPW}, "next": {"/"}})
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// The printed password is one-time: the first sign-in lands on the
			// account page until the admin chooses their own.
			if resp.StatusCode != 200 || !strings.Contains(string(page), `id="must-change"`) {
				t.Fatalf("first sign-in landed on %d: %s", resp.StatusCode, page)
			}
			csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(page))
			if csrf == nil {
				t.Fatal("no CSRF token on the account page")
			}
			newPW := adminPW + "-mine"
			resp, err = browser.PostForm(base+"/settings/password", url.Values{"csrf_token": {csrf[1]}, "previous_password": {adminPW}, "password": {newPW}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			resp, err = browser.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			page, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			// Staff land in the agent workspace.
			if resp.StatusCode != 200 || !strings.Contains(string(page), "Frontline Admin") || !strings.Contains(string(page), "All unsolved tickets") {
				t.Fatalf("sign-in landed on %d: %s", resp.StatusCode, page)
			}
			adminPW = newPW

			// API with the same credentials, as a Zendesk client sends them.
			req, _ := http.NewRequest("GET", base+"/api/v2/users/me.json", nil)
			req.SetBasicAuth(adminEmail, adminPW)
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var me struct {
				User struct {
					Role  string `json:"role"`
					Email string `json:"email"`
				} `json:"user"`
			}
			json.NewDecoder(resp.Body).Decode(&me)
			resp.Body.Close()
			if resp.StatusCode != 200 || me.User.Role != "admin" || me.User.Email != adminEmail {
				t.Fatalf("users/me %d %+v", resp.StatusCode, me)
			}
			// A demo agent signs in too.
			req, _ = http.NewRequest("GET", base+"/api/v2/users/me", nil)
			req.SetBasicAuth(dm[2], dm[1])
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"region":"AMER"`) {
				t.Fatalf("demo agent: %d %s", resp.StatusCode, body)
			}
			// The desk has history: the agent sees the tickets, the demo
			// customer a handful of requests of their own.
			basic := func(user, pw, path string) string {
				req, _ := http.NewRequest("GET", base+path, nil)
				req.SetBasicAuth(user, pw)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s as %s: %d %s", path, user, resp.StatusCode, b)
				}
				return string(b)
			}
			// 40 history tickets and the restricted brand's 5 (demo_restricted.go),
			// which the demo agent, a cleared US Government engineer, sees.
			if !strings.Contains(out, "demo history: 45 tickets over the last") {
				t.Fatalf("history not reported: %s", out)
			}
			if body := basic(dm[2], dm[1], "/api/v2/tickets.json?per_page=1"); !strings.Contains(body, `"count":45`) {
				t.Fatalf("the agent's tickets: %.500s", body)
			}
			var cust struct {
				User struct{ ID int64 } `json:"user"`
			}
			if err := json.Unmarshal([]byte(basic(dm[3], dm[1], "/api/v2/users/me")), &cust); err != nil {
				t.Fatal(err)
			}
			if body := basic(dm[3], dm[1], fmt.Sprintf("/api/v2/users/%d/tickets/requested", cust.User.ID)); !strings.Contains(body, `"count":7`) {
				t.Fatalf("the customer's requests: %.500s", body)
			}
			if code, body := get(http.DefaultClient, "/metrics"); code != 200 || !strings.Contains(body, `frontline_http_requests_total{code="200",route="GET /healthz"} 1`) {
				t.Fatalf("metrics %d: %.2000s", code, body)
			}

			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve exited %d after SIGTERM-equivalent: %s", code, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("server did not shut down")
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Fatalf("no shutdown log: %s", stderr.String())
			}
		})
	}
}

func TestRestartKeepsDataAndDoesNotReprintCredentials(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		var stdout, stderr syncBuffer
		if code := Main(context.Background(), []string{"demo", "--data-dir", dir, "--demo-tickets", "20"}, testEnv(&stdout, &stderr)); code != 0 {
			t.Fatalf("demo exit %d: %s", code, stderr.String())
		}
		want := "demo data loaded: 31 organizations, 4 groups, 42 staff, 82 customers"
		if i == 1 {
			want = "demo data is already loaded"
		}
		if !strings.Contains(stdout.String(), want) {
			t.Fatalf("run %d: %q lacks %q", i, stdout.String(), want)
		}
	}
}

func TestCommandErrorsAreOneClearLine(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"migrate", "--database", "postgres://nobody@127.0.0.1:1/nowhere?connect_timeout=2"}, 1, "frontline: cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/nowhere"},
		{[]string{"migrate", "--database", "mysql://root@localhost/x"}, 1, `frontline: database "mysql://root@localhost/x": unsupported scheme "mysql"`},
		{[]string{"migrate", "--database", "postgres://"}, 1, "frontline: database URL"},
		{[]string{"serve", "--http", "nonsense"}, 1, `frontline: invalid http (from flag --http): "nonsense" is not host:port`},
		{[]string{"serve", "--no-such-flag"}, 2, "frontline: flag provided but not defined: -no-such-flag"},
		{[]string{"frobnicate"}, 2, `frontline: unknown command "frobnicate"`},
		{[]string{"user", "create", "--data-dir", "DATA", "--email", "x@example.com"}, 2, "frontline: user create needs --email and --name"},
		{[]string{"user", "create", "--data-dir", "DATA", "--email", "not-an-email", "--name", "X"}, 1, "frontline: email is not a valid email address"},
		{[]string{"user", "create", "--data-dir", "DATA", "--email", "x@example.com", "--name", "X", "--role", "boss"}, 1, "frontline: role must be one of end-user, agent, admin"},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		for i, a := range tc.args {
			if a == "DATA" {
				tc.args[i] = dir
			}
		}
		var stdout, stderr syncBuffer
		code := Main(context.Background(), tc.args, testEnv(&stdout, &stderr))
		var first string
		n := 0
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.HasPrefix(line, "frontline:") {
				first = line
				n++
			}
		}
		if code != tc.code || !strings.HasPrefix(first, tc.want) || n != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}

func TestUserCreateAndToken(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dbArgs := databaseArgs(t, e)
			var stdout, stderr syncBuffer
			env := testEnv(&stdout, &stderr)
			env.Stdin = strings.NewReader("a chosen password\n")
			args := append([]string{"user", "create", "--email", "sam@frontline.example", "--name", "Sam Support", "--role", "agent", "--password-stdin"}, dbArgs...)
			if code := Main(context.Background(), args, env); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), "(role agent)") || strings.Contains(stdout.String(), "password:") {
				t.Fatalf("stdout %q", stdout.String())
			}
			stdout = syncBuffer{}
			if code := Main(context.Background(), append([]string{"user", "token", "--email", "SAM@frontline.example"}, dbArgs...), env); code != 0 {
				t.Fatalf("token exit %d: %s", code, stderr.String())
			}
			tok := regexp.MustCompile(auth.TokenPrefix + `\S+`).FindString(stdout.String())
			if tok == "" {
				t.Fatalf("no token printed: %s", stdout.String())
			}
			// Both credentials work against a server on the same database.
			cfg, _, err := LoadConfig(newFlagSet(), dbArgs, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(context.Background(), cfg, NewLogger(cfg, io.Discard), env.Options)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if _, err := a.Auth.CheckPassword(context.Background(), "sam@frontline.example", "a chosen password", ""); err != nil {
				t.Fatal(err)
			}
			if p, err := a.Auth.TokenPrincipal(context.Background(), "sam@frontline.example", tok, ""); err != nil || p.Role != "agent" {
				t.Fatalf("token: %+v %v", p, err)
			}
		})
	}
}

// TestUserCreateResetsAsChosen: `frontline user create` on an existing
// user resets the password, and what else ends is the operator's explicit
// choice (--end-sessions, default on; --revoke-tokens, default off), said
// on stdout and audited.
func TestUserCreateResetsAsChosen(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dbArgs := databaseArgs(t, e)
			var stdout, stderr syncBuffer
			env := testEnv(&stdout, &stderr)
			run := func(pw string, flags ...string) string {
				t.Helper()
				stdout = syncBuffer{}
				env.Stdin = strings.NewReader(pw + "\n")
				args := append(append([]string{"user", "create", "--email", "rae@frontline.example", "--name", "Rae", "--password-stdin"}, flags...), dbArgs...)
				if code := Main(ctx, args, env); code != 0 {
					t.Fatalf("%v: exit %d: %s", flags, code, stderr.String())
				}
				return stdout.String()
			}
			run("the first password")
			cfg, _, err := LoadConfig(newFlagSet(), dbArgs, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(ctx, cfg, NewLogger(cfg, io.Discard), env.Options)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			for i, tc := range []struct {
				flags               []string
				endSessions, revoke bool
				say                 string
			}{
				{nil, true, false, "1 session signed out; API tokens kept"},
				{[]string{"--end-sessions=false"}, false, false, "sessions kept; API tokens kept"},
				{[]string{"--revoke-tokens"}, true, true, "1 session signed out; 1 API token revoked"},
				{[]string{"--end-sessions=false", "--revoke-tokens"}, false, true, "sessions kept; 1 API token revoked"},
			} {
				old, pw := fmt.Sprintf("password number %d", i-1), fmt.Sprintf("password number %d", i)
				if i == 0 {
					old = "the first password"
				}
				sess, p, err := a.Auth.Login(ctx, "rae@frontline.example", old, "", "")
				if err != nil {
					t.Fatal(err)
				}
				tok, _, err := a.Auth.CreateAPIToken(ctx, audit.System(), p.UserID, "script")
				if err != nil {
					t.Fatal(err)
				}
				if out := run(pw, tc.flags...); !strings.Contains(out, tc.say) {
					t.Errorf("%v: stdout %q, want %q", tc.flags, out, tc.say)
				}
				_, sessErr := a.Auth.SessionPrincipal(ctx, sess.Token)
				_, tokErr := a.Auth.TokenPrincipal(ctx, "", tok, "")
				if (sessErr != nil) != tc.endSessions || (tokErr != nil) != tc.revoke {
					t.Errorf("%v: session error %v, token error %v", tc.flags, sessErr, tokErr)
				}
				entries, _ := a.Audit.List(ctx, audit.Filter{ObjectType: "user", ObjectID: p.UserID})
				var after map[string]any
				_ = json.Unmarshal(entries[0].After, &after)
				if entries[0].Action != "user.password_changed" || after["end_sessions"] != tc.endSessions || after["revoke_tokens"] != tc.revoke {
					t.Errorf("%v: audited %s %v", tc.flags, entries[0].Action, after)
				}
				// Clean slate for the next row: no session or token left over.
				_, _ = a.Auth.ResetPassword(ctx, audit.System(), p.UserID, pw, auth.PasswordReset{EndSessions: true, RevokeTokens: true})
			}
		})
	}
}
