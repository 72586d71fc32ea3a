package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAPICoversEveryAPIRoute keeps the API description true: every API
// route is documented with its policy, and nothing documented is missing.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.do(nil, "GET", "/api/v2/openapi.json", nil)
		if r.code != 200 {
			t.Fatalf("openapi: %d %s", r.code, r.body)
		}
		var doc struct {
			OpenAPI string                               `json:"openapi"`
			Paths   map[string]map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.OpenAPI != "3.0.3" {
			t.Fatalf("document: %v %.200s", err, r.body)
		}
		docs := apiDocs()
		n := 0
		for _, rt := range e.srv.Routes() {
			if !rt.API || !strings.Contains(rt.Pattern, " ") {
				continue
			}
			n++
			if _, ok := docs[rt.Pattern]; !ok {
				t.Errorf("API route %s has no entry in apiDocs", rt.Pattern)
				continue
			}
			method, path, _ := strings.Cut(rt.Pattern, " ")
			op := doc.Paths[path][strings.ToLower(method)]
			if op == nil || op["x-frontline-policy"] != rt.Policy.String() {
				t.Errorf("%s missing or wrong policy in document: %v", rt.Pattern, op)
			}
		}
		if n != len(docs) {
			t.Errorf("%d API routes but %d documented entries (stale entries in apiDocs?)", n, len(docs))
		}
		// Schemas are reflected from the real types.
		props := doc.Paths["/api/v2/users/{id}"]["get"]["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["properties"].(map[string]any)["user"].(map[string]any)["properties"].(map[string]any)
		for _, f := range []string{"id", "email", "role", "organization_id", "region", "trainings", "url", "time_zone"} {
			if props[f] == nil {
				t.Errorf("user schema lacks %s", f)
			}
		}
	})
}
