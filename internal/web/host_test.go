package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
)

// hostile are request headers an attacker controls; none of their values may
// reach a response unless the peer is a trusted proxy.
var hostile = []string{"Host", "evil-host.example", "X-Forwarded-Host", "evil-fwd.example", "X-Forwarded-Proto", "gopher",
	"X-Forwarded-For", "198.51.100.66", "Forwarded", "host=evil-forwarded.example"}

func leaksHostile(r resp) string {
	for _, bad := range []string{"evil-host", "evil-fwd", "evil-forwarded", "gopher:", "198.51.100.66"} {
		if strings.Contains(r.body, bad) {
			return bad + " in the body"
		}
		for k, vs := range r.hdr {
			for _, v := range vs {
				if strings.Contains(v, bad) {
					return bad + " in header " + k
				}
			}
		}
	}
	return ""
}

// TestHostileHostHeaderNeverReflected walks every GET route, and the writes
// that answer a Location, with a hostile Host and forwarded headers from an
// untrusted peer: links use the server's own address, never the request's.
func TestHostileHostHeaderNeverReflected(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := basic("admin@example.com", pw)
		_, m := e.api("admin", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"s","comment":{"body":"b"},"requester_id":%d}}`, e.users["end-user"].ID))
		id := idOf(m, "ticket")
		for i := 0; i < 3; i++ { // enough for a next_page
			e.api("admin", "POST", "/api/v2/tickets", `{"ticket":{"subject":"s","comment":{"body":"b"}}}`)
		}
		r := e.do(nil, "POST", "/api/v2/tickets.json", strings.NewReader(`{"ticket":{"subject":"s","comment":{"body":"b"}}}`),
			append(append(admin, "Content-Type", "application/json"), hostile...)...)
		if r.code != 201 || !strings.HasPrefix(r.hdr.Get("Location"), e.ts.URL+"/api/v2/tickets/") {
			t.Fatalf("create: %d Location %q", r.code, r.hdr.Get("Location"))
		}
		if bad := leaksHostile(r); bad != "" {
			t.Errorf("POST /api/v2/tickets: %s", bad)
		}
		r = e.do(nil, "GET", "/api/v2/tickets.json?per_page=2", nil, append(admin, hostile...)...)
		if !strings.Contains(r.body, `"next_page":"`+e.ts.URL+`/api/v2/tickets.json?page=2`) {
			t.Errorf("next_page does not use the server's address %s: %s", e.ts.URL, r.body)
		}
		for _, rt := range e.srv.Routes() {
			method, path := concretePath(rt.Pattern)
			if method != "GET" || strings.HasSuffix(path, "/live") {
				continue
			}
			path = strings.ReplaceAll(path, "/1", fmt.Sprintf("/%d", id))
			r := e.do(nil, method, path, nil, append(admin, hostile...)...)
			if bad := leaksHostile(r); bad != "" {
				t.Errorf("GET %s (%d): %s", path, r.code, bad)
			}
		}
		// Anonymous callers are sent to the sign-in page with a relative Location.
		if r := e.do(nil, "GET", "/agent/tickets", nil, hostile...); leaksHostile(r) != "" || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
			t.Errorf("sign-in redirect: %v", r.hdr)
		}
		// Audit entries record the peer, not X-Forwarded-For.
		if r, _ := e.api("admin", "POST", "/api/v2/groups", `{"group":{"name":"G1"}}`); r.code != 201 {
			t.Fatalf("group: %d", r.code)
		}
		e.do(nil, "POST", "/api/v2/groups", strings.NewReader(`{"group":{"name":"G2"}}`), append(append(admin, "Content-Type", "application/json"), hostile...)...)
		entries, _ := audit.New(e.srv.DB).List(t.Context(), audit.Filter{ObjectType: "group"})
		for _, en := range entries {
			if en.IP != "127.0.0.1" {
				t.Errorf("audit IP %q from an untrusted peer's X-Forwarded-For", en.IP)
			}
		}
	})
}

// TestTrustedProxyForwardedHeaders: behind a configured trusted proxy the
// forwarded scheme, host and client address are honoured; a base URL set
// explicitly wins over them.
func TestTrustedProxyForwardedHeaders(t *testing.T) {
	trusted := func(d *Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }
	each(t, func(t *testing.T, e *env) {
		d := e.srv.DB
		fwd := []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "help.example.com", "X-Forwarded-For", "203.0.113.9, 127.0.0.1"}
		hdr := append(append(basic("admin@example.com", pw), "Content-Type", "application/json"), fwd...)
		r := e.do(nil, "POST", "/api/v2/groups", strings.NewReader(`{"group":{"name":"Tier 2"}}`), hdr...)
		if r.code != 201 || !strings.Contains(r.body, `"url":"https://help.example.com/api/v2/groups/`) {
			t.Fatalf("trusted proxy: %d %s", r.code, r.body)
		}
		entries, _ := audit.New(d).List(context.Background(), audit.Filter{ObjectType: "group"})
		if len(entries) != 1 || entries[0].IP != "203.0.113.9" {
			t.Fatalf("audit IP behind a trusted proxy: %+v", entries)
		}
		// A forwarded host that is not a host is ignored.
		r = e.do(nil, "GET", "/api/v2/users/me", nil, append(basic("admin@example.com", pw), "X-Forwarded-Host", "evil.example/path?x", "X-Forwarded-Proto", "javascript")...)
		if !strings.Contains(r.body, `"url":"`+e.ts.URL+`/api/v2/users/`) {
			t.Fatalf("malformed forwarded host: %s", r.body)
		}

		deps := e.srv.Deps
		deps.BaseURL = "https://support.example.org"
		srv, err := New(deps)
		if err != nil {
			t.Fatal(err)
		}
		e2 := *e
		e2.srv, e2.ts = srv, httptest.NewServer(srv)
		defer e2.ts.Close()
		r = e2.do(nil, "GET", "/api/v2/users/me", nil, append(basic("admin@example.com", pw), fwd...)...)
		if !strings.Contains(r.body, `"url":"https://support.example.org/api/v2/users/`) {
			t.Fatalf("explicit base URL: %s", r.body)
		}
	}, trusted)
}
