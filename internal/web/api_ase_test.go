package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// TestASEAreaAPIAndWorkspace: the ASE of an account (the env's agent, on
// the roster with the ASE specialty) sees it, sets the cadence and cover,
// records environment versions and a review call; a peer may read but not
// change it; customers reach nothing.
func TestASEAreaAPIAndWorkspace(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rosterOf(e, map[int64]string{e.users[people.RoleAgent].ID: "AMER", e.users[people.RoleAdmin].ID: "AMER"})
		agent, admin := e.users[people.RoleAgent], e.users[people.RoleAdmin]
		lv, _ := e.srv.Team.Levels(ctx)
		var senior int64
		for _, l := range lv {
			if l.Key == "senior-support-engineer" {
				senior = l.ID
			}
		}
		specs := []string{team.SpecialtyASE}
		if _, err := e.srv.Team.UpdateMember(ctx, audit.System(), agent.ID, team.MemberInput{LevelID: &senior, Specialties: &specs}); err != nil {
			t.Fatal(err)
		}
		name := "Initech"
		org, err := e.ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &name, ASEUserID: &agent.ID})
		if err != nil {
			t.Fatal(err)
		}
		r, m := e.api("agent", "GET", "/api/v2/ase/accounts", "")
		if r.code != 200 || len(m["accounts"].([]any)) != 1 {
			t.Fatalf("my accounts: %d %s", r.code, r.body)
		}
		path := fmt.Sprintf("/api/v2/ase/accounts/%d", org.ID)
		if r, _ := e.api("agent", "PUT", path, fmt.Sprintf(`{"account": {"update_cadence_business_days": 2, "cover_user_id": %d}}`, admin.ID)); r.code != 200 {
			t.Fatalf("set cadence: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "PUT", path, fmt.Sprintf(`{"account": {"cover_user_id": %d}}`, agent.ID)); r.code != 422 || !strings.Contains(r.body, "Cover rule") {
			t.Fatalf("self cover: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", path+"/environment_notes", `{"environment_note": {"product_version": "16.4", "deployment": "Omnibus on 3 VMs"}}`); r.code != 201 {
			t.Fatalf("note: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", path+"/environment_notes", `{"environment_note": {"product_version": "16.5", "deployment": "Omnibus on 3 VMs"}}`); r.code != 201 {
			t.Fatalf("note 2: %d %s", r.code, r.body)
		}
		at := e.clk.Now().Add(48 * 3600e9).UTC().Format("2006-01-02T15:04:05Z")
		if r, _ := e.api("agent", "POST", path+"/review_calls", fmt.Sprintf(`{"review_call": {"scheduled_at": %q, "agenda": "Q1 review"}}`, at)); r.code != 201 {
			t.Fatalf("call: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", path, "")
		acct := obj(m, "account")
		if r.code != 200 || acct["update_cadence_business_days"].(float64) != 2 || obj(acct, "environment")["version"].(float64) != 2 || len(acct["review_calls"].([]any)) != 1 {
			t.Fatalf("account: %d %s", r.code, r.body)
		}
		// Someone else's accounts: admins and team managers only.
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/ase/accounts?user_id=%d", admin.ID), ""); r.code != 403 {
			t.Fatalf("agent lists another's accounts: %d", r.code)
		}
		if r, m := e.api("admin", "GET", "/api/v2/ase/accounts?user_id=0", ""); r.code != 200 || len(m["accounts"].([]any)) != 1 {
			t.Fatalf("admin lists all: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "GET", path, ""); r.code != 403 {
			t.Fatalf("customer: %d", r.code)
		}
		// The workspace page and its forms.
		page := e.do(signIn(t, e, "agent@example.com"), "GET", "/ase", nil)
		if page.code != 200 || !strings.Contains(page.body, "Initech") || !strings.Contains(page.body, "version 2") || !strings.Contains(page.body, "Q1 review") {
			t.Fatalf("workspace: %d", page.code)
		}
		rr := formPost(t, e, signIn(t, e, "agent@example.com"), "/ase", fmt.Sprintf("/ase/accounts/%d/settings", org.ID), url.Values{"cadence": {"3"}, "return_to_ase": {"on"}, "cover_user_id": {fmt.Sprint(admin.ID)}})
		if rr.code != 303 {
			t.Fatalf("settings form: %d %s", rr.code, rr.body)
		}
		if a, _ := e.srv.ASE.Account(ctx, org.ID); a.CadenceBusinessDays != 3 {
			t.Fatalf("cadence after the form: %+v", a)
		}
	})
}
