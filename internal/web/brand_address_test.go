package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/people"
)

func TestBrandOfHostAndPath(t *testing.T) {
	host := "help.agency.example"
	list := []brand.Brand{{ID: 1, Subdomain: "support", Active: true, Default: true},
		{ID: 2, Subdomain: "gov", HostMapping: &host, Path: "/gov", Active: true},
		{ID: 3, Subdomain: "old", Path: "/old", Active: false}}
	for _, c := range []struct {
		host string
		want int64
	}{{"help.agency.example", 2}, {"HELP.agency.example:8443", 2}, {"gov.support.example", 2}, {"gov.localhost:8080", 2},
		{"support.example", 0}, {"localhost", 0}, {"127.0.0.1:8080", 0}, {"old.support.example", 0}, {"support.support.example", 0}} {
		got := int64(0)
		if b := brandOfHost(list, c.host); b != nil {
			got = b.ID
		}
		if got != c.want {
			t.Errorf("brandOfHost(%q) = %d, want %d", c.host, got, c.want)
		}
	}
	for _, c := range []struct {
		path, rest string
		want       int64
	}{{"/gov", "/", 2}, {"/gov/hc/articles/7", "/hc/articles/7", 2}, {"/government", "", 0}, {"/old/hc", "", 0}, {"/hc", "", 0}} {
		b, rest := brandOfPath(list, c.path)
		got := int64(0)
		if b != nil {
			got = b.ID
		}
		if got != c.want || rest != c.rest {
			t.Errorf("brandOfPath(%q) = %d %q, want %d %q", c.path, got, rest, c.want, c.rest)
		}
	}
}

// A brand's address (its path or its host mapping) serves that brand's
// Help Center and files requests in that brand; a restricted brand's Help
// Center is its insiders' and customers' only, at any address, and
// anonymous readers and outsiders there find nothing.
func TestBrandAddressesServeTheirHelpCenter(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantPartition(t, e)
		get := func(u *people.User, path string, hdr ...string) resp {
			t.Helper()
			if u != nil {
				hdr = append(hdr, basic(u.Email, pw)...)
			}
			return e.do(nil, "GET", path, nil, hdr...)
		}
		art := "/hc/articles/" + itoa(w.rart)
		api := "/api/v2/help_center/articles/" + itoa(w.rart)
		byHost := []string{"Host", "help.agency.example"}
		// Insiders and the brand's customer read it at the brand's addresses.
		for _, u := range []*people.User{w.insider, w.insideAdmin, w.rcust} {
			for _, c := range []struct {
				path string
				hdr  []string
			}{{"/usgov" + art, nil}, {"/usgov" + api, nil}, {art, byHost}, {api + ".json", byHost},
				{"/usgov/hc/search?query=enclave", nil}, {"/usgov/hc/suggest?query=enclave+back", nil}} {
				if r := get(u, c.path, c.hdr...); r.code != 200 || !strings.Contains(strings.ToLower(r.body), "zqrarticle") {
					t.Errorf("%s: GET %s %v: %d %.200s", u.Email, c.path, c.hdr, r.code, r.body)
				}
			}
			// At the default address it is another brand's article.
			if r := get(u, api); r.code != 404 {
				t.Errorf("%s: the restricted article at the default address: %d", u.Email, r.code)
			}
		}
		// Each of those reads is audited (who, what, when).
		entries, err := audit.New(e.srv.DB).List(context.Background(), audit.Filter{ActorID: w.insider.ID, ObjectType: "kb_article"})
		if err != nil {
			t.Fatal(err)
		}
		reads := 0
		for _, en := range entries {
			if en.Action == "restricted.read" {
				reads++
			}
		}
		if reads < 6 {
			t.Errorf("the insider's Help Center reads audited %d times, want 6", reads)
		}
		if r := get(w.insider, "/usgov/hc"); r.code != 200 || !strings.Contains(r.body, "US Government Help Center") ||
			!strings.Contains(r.body, `href="/usgov/hc/sections/`+itoa(w.rsec)+`"`) || !strings.Contains(r.body, `action="/usgov/hc/search"`) {
			t.Errorf("the brand path's home page keeps its links under the path: %d %.600s", r.code, r.body)
		}
		// Outsiders and anonymous readers at the brand's addresses: nothing.
		for _, u := range []*people.User{e.users[people.RoleAgent], e.users[people.RoleAdmin], e.users[people.RoleEndUser], nil} {
			who := "anonymous"
			if u != nil {
				who = u.Email
			}
			for _, c := range []struct {
				path string
				hdr  []string
			}{{"/usgov/hc", nil}, {"/usgov" + art, nil}, {"/usgov" + api, nil}, {art, byHost}, {"/hc", byHost},
				{"/usgov/hc/search?query=enclave", nil}, {"/usgov/hc/suggest?query=enclave+back", nil},
				{"/usgov/api/v2/help_center/articles/search?query=enclave", nil}, {"/usgov/api/v2/help_center/articles", nil},
				{"/usgov/api/v2/help_center/categories", nil}, {"/usgov/api/v2/help_center/sections/" + itoa(w.rsec), nil},
				{"/usgov/api/v2/help_center/categories/" + itoa(w.rcat), nil}, {"/usgov/api/v2/help_center/articles/labels", nil},
				{"/usgov/api/v2/help_center/deflection/suggestions?query=enclave", nil}} {
				r := get(u, c.path, c.hdr...)
				low := strings.ToLower(r.body)
				for _, m := range restrictedMarkers {
					if strings.Contains(low, m) {
						t.Errorf("%s: GET %s %v shows %q (%d)", who, c.path, c.hdr, m, r.code)
					}
				}
			}
			if r := get(u, "/usgov/hc"); r.code != 200 || !strings.Contains(r.body, `id="hc-closed"`) {
				t.Errorf("%s: the restricted Help Center's home does not say it is closed: %d", who, r.code)
			}
		}
		// An outside agent cannot write into the restricted Help Center.
		out := e.users[people.RoleAdmin]
		for _, c := range []struct{ method, path, body string }{
			{"PUT", "/usgov" + api, `{"article":{"title":"x"}}`},
			{"POST", "/usgov/api/v2/help_center/sections/" + itoa(w.rsec) + "/articles", `{"article":{"title":"x","body":"x"}}`},
			{"DELETE", "/usgov/api/v2/help_center/categories/" + itoa(w.rcat), ""},
			{"POST", "/api/v2/help_center/categories", `{"category":{"name":"x","brand_id":` + itoa(w.rb.ID) + `}}`},
		} {
			r := e.do(nil, c.method, c.path, strings.NewReader(c.body), append(basic(out.Email, pw), "Content-Type", "application/json")...)
			if r.code != 404 && r.code != 422 {
				t.Errorf("outside admin: %s %s -> %d, want 404 or 422: %.200s", c.method, c.path, r.code, r.body)
			}
		}
		// A category created at the brand's address is that brand's.
		r := e.do(nil, "POST", "/usgov/api/v2/help_center/categories", strings.NewReader(`{"category":{"name":"Enclave upgrades"}}`),
			append(basic(w.insideAdmin.Email, pw), "Content-Type", "application/json")...)
		if r.code != 201 || !strings.Contains(r.body, `"brand_id":`+itoa(w.rb.ID)) || !strings.Contains(r.body, `/usgov/hc/en-us`) {
			t.Errorf("a category created at the brand path: %d %.300s", r.code, r.body)
		}

		// Requests filed at a brand's address are that brand's; a customer
		// of another brand cannot file into a restricted one (the rule).
		file := func(u *people.User, path string) resp {
			t.Helper()
			c := signIn(t, e, u.Email)
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			form := url.Values{"subject": {"Enclave upgrade"}, "body": {"Please help."}, "csrf_token": {e.csrf(c, "/portal/new")}}
			return e.do(c, "POST", path, strings.NewReader(form.Encode()), formCT...)
		}
		r = file(w.rcust, "/usgov/portal/tickets")
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/usgov/portal/tickets/") {
			t.Fatalf("the brand's customer filing at its path: %d %v %.300s", r.code, r.hdr.Get("Location"), r.body)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.hdr.Get("Location"), "/usgov/portal/tickets/"), 10, 64)
		if tk, err := e.tickets.Get(context.Background(), id); err != nil || tk.BrandID != w.rb.ID {
			t.Errorf("the request filed at the brand's path: %+v %v", tk, err)
		}
		r = file(e.users[people.RoleEndUser], "/usgov/portal/tickets")
		if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Restricted brand rule") {
			t.Errorf("another brand's customer filing into the restricted brand: %d %.300s", r.code, r.body)
		}
	})
}
