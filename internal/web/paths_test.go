package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// uncleanVariants are the unclean spellings of a clean path that some
// clients send: doubled slashes (a base URL ending in "/" joined with
// "/tickets.json"), "." and ".." segments, a trailing slash.
func uncleanVariants(path string, api bool) []string {
	first, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	out := []string{
		"/" + strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "//"), // every slash doubled
		"/" + path, // leading double slash
		"/" + first + "/./" + rest,
		"/" + first + "/zz/../" + rest,
		"/./" + strings.TrimPrefix(path, "/"),
	}
	if rest == "" {
		out = out[:2]
	}
	if api {
		out = append(out, path+"/", path+".json/")
	}
	return out
}

// TestUncleanPathsAreServedDirectly walks the route table: every route, on
// every method, answers an unclean spelling of its path exactly as it
// answers the clean one (same status, same policy decision), never with a
// redirect that clients drop for writes.
func TestUncleanPathsAreServedDirectly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, rt := range e.srv.Routes() {
			method, path := concretePath(rt.Pattern)
			if path == "/" || strings.HasSuffix(path, "/x") && strings.Count(path, "/") == 2 {
				continue // the root and subtree roots have no unclean spelling of their own
			}
			hdr := []string{"Content-Type", "application/json"}
			want := e.do(nil, method, path, strings.NewReader("{}"), hdr...)
			for _, p := range uncleanVariants(path, rt.API) {
				got := e.do(nil, method, p, strings.NewReader("{}"), hdr...)
				if got.code != want.code || got.code >= 300 && got.code < 400 && got.hdr.Get("Location") != want.hdr.Get("Location") {
					t.Errorf("anonymous %s %s: %d %s; the clean %s answers %d %s", method, p, got.code, got.hdr.Get("Location"), path, want.code, want.hdr.Get("Location"))
				}
			}
		}

		// Writes through unclean paths take effect, on every method.
		r, m := e.api("agent", "POST", "/api/v2//tickets.json", `{"ticket":{"subject":"slash","comment":{"body":"x"},"external_id":"dbl-1"}}`)
		if r.code != 201 {
			t.Fatalf("POST //tickets: %d %s", r.code, r.body)
		}
		id := idOf(m, "ticket")
		if r, m := e.api("agent", "PUT", fmt.Sprintf("/api/v2/./tickets//%d.json", id), `{"ticket":{"priority":"high"}}`); r.code != 200 || m["ticket"].(map[string]any)["priority"] != "high" {
			t.Fatalf("PUT /./tickets//id: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("//api/v2/tickets/%d/", id), ""); r.code != 200 || m["ticket"].(map[string]any)["priority"] != "high" {
			t.Fatalf("GET //tickets/id/: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "POST", "/api/v2/webhooks", `{"webhook":{"name":"hook","endpoint":"https://hooks.example/x","http_method":"POST","request_format":"json","status":"active","subscriptions":["conditional_ticket_events"]}}`)
		if r.code != 201 {
			t.Fatalf("webhook: %d %s", r.code, r.body)
		}
		wid := m["webhook"].(map[string]any)["id"].(string)
		if r, m := e.api("admin", "PATCH", "/api/v2//webhooks/../webhooks/"+wid, `{"webhook":{"name":"renamed"}}`); r.code != 200 || m["webhook"].(map[string]any)["name"] != "renamed" {
			t.Fatalf("PATCH unclean webhook path: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("/api/v2//tickets/%d", id), ""); r.code != 204 {
			t.Fatalf("DELETE //tickets/id: %d %s", r.code, r.body)
		}
		if _, err := e.tickets.Get(t.Context(), id); err == nil {
			t.Fatal("DELETE through a doubled slash answered but the ticket is still there")
		}

		// The route policy applies to the cleaned path: ".." cannot climb
		// from a public prefix into a protected route, encoded dots and
		// slashes that would change the path are refused, the browser UI
		// is cleaned too.
		for _, tc := range []struct {
			role, path string
			code       int
		}{
			{"", "/static/../api/v2/users", 401},
			{"", "/healthz/../api/v2/users.json", 401},
			{people.RoleEndUser, "/api/v2/users/me/../../users", 403},
			{people.RoleAgent, "/api/v2/users/me/../../users", 200},
			{people.RoleEndUser, "/api/v2/tickets/1/%2e%2e/%2e%2e/users", 400},
			{people.RoleAgent, "/api/v2//tickets/%2e%2e/users", 400},
			{"", "/static/..%2f..%2fgo.mod", 400},
			{"", "/static/../../../../etc/passwd", 404},
			{people.RoleAgent, "//agent//tickets", 200},
			{people.RoleEndUser, "/portal/./new", 200},
		} {
			var hdr []string
			if tc.role != "" {
				hdr = basic(tc.role+"@example.com", pw)
			}
			if r := e.do(nil, "GET", tc.path, nil, hdr...); r.code != tc.code {
				t.Errorf("%q GET %s: %d, want %d (%.200s)", tc.role, tc.path, r.code, tc.code, r.body)
			}
		}
	})
}

// TestCanonicalPath is the cleaning rule itself.
func TestCanonicalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v2//tickets.json":   "/api/v2/tickets.json",
		"//api/v2/tickets":        "/api/v2/tickets",
		"/api/v2/./tickets/1":     "/api/v2/tickets/1",
		"/api/v2/x/../tickets":    "/api/v2/tickets",
		"/../../api/v2/tickets":   "/api/v2/tickets",
		"/api/v2/tickets/":        "/api/v2/tickets",
		"/api/v2/tickets.json/":   "/api/v2/tickets.json",
		"/api/":                   "/api/",
		"/api//":                  "/api/",
		"/agent//tickets/":        "/agent/tickets/",
		"/static/":                "/static/",
		"/":                       "/",
		"//":                      "/",
		"/api/v2/tickets":         "/api/v2/tickets",
		"/portal/tickets/7/reply": "/portal/tickets/7/reply",
	} {
		if got := canonicalPath(in); got != want {
			t.Errorf("canonicalPath(%q) = %q, want %q", in, got, want)
		}
	}
}
