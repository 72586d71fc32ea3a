package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// An organization's region is chosen from the SLA schedules on its page and
// read and written through the Zendesk organizations API; the Region rule
// answers 422 naming it.
func TestOrganizationRegionInPagesAndAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := withSLA(t, e)
		if _, err := svc.Store.SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		e.ppl.AddChecker(svc.Store.RegionChecker())
		name := "Initech"
		org, err := e.ppl.CreateOrganization(ctx, audit0(), people.OrganizationInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		ac := signIn(t, e, e.users[people.RoleAdmin].Email)
		page := e.do(ac, "GET", fmt.Sprintf("/agent/organizations/%d", org.ID), nil).body
		for _, want := range []string{`<option value="EMEA">EMEA</option>`, `<option value="AMER">AMER</option>`, `none (the default schedule)`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the organization page lacks %q", want)
			}
		}
		form := formFields(t, page, "org-edit-form")
		form.Set("region", "EMEA")
		if r := e.do(ac, "POST", fmt.Sprintf("/agent/organizations/%d", org.ID), strings.NewReader(form.Encode()), formCT...); r.code != 200 ||
			!strings.Contains(r.body, "EMEA business hours") {
			t.Fatalf("region saved from the page: %d", r.code)
		}
		form.Set("region", "Mars")
		if r := e.do(ac, "POST", fmt.Sprintf("/agent/organizations/%d", org.ID), strings.NewReader(form.Encode()), formCT...); r.code != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Region rule") {
			t.Errorf("a region naming no schedule from the page: %d", r.code)
		}
		r, m := e.api("admin", "GET", fmt.Sprintf("/api/v2/organizations/%d.json", org.ID), "")
		if r.code != 200 || m["organization"].(map[string]any)["region"] != "EMEA" {
			t.Fatalf("the API's region: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "PUT", fmt.Sprintf("/api/v2/organizations/%d.json", org.ID), `{"organization":{"region":"apac"}}`)
		if r.code != 200 || m["organization"].(map[string]any)["region"] != "APAC" {
			t.Fatalf("the API sets the region (the schedule's spelling kept): %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "PUT", fmt.Sprintf("/api/v2/organizations/%d.json", org.ID), `{"organization":{"region":"Mars"}}`); r.code != 422 || !strings.Contains(r.body, "Region rule") {
			t.Errorf("the API with a region naming no schedule: %d %s", r.code, r.body)
		}
		if o, _ := e.ppl.GetOrganization(ctx, org.ID); o.Region != "APAC" {
			t.Errorf("a refused region changed the stored one: %q", o.Region)
		}
	})
}
