package people

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func str(s string) *string       { return &s }
func id(v int64) *int64          { return &v }
func bl(b bool) *bool            { return &b }
func list(v ...string) *[]string { return &v }

var admin = audit.Actor{ID: 0, Role: "system", IP: "127.0.0.1"}

func newStore(t *testing.T, d *db.DB) (*Store, *audit.Log) {
	a := audit.New(d)
	return NewStore(d, a), a
}

func mustUser(t *testing.T, s *Store, in UserInput) *User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), admin, in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	var de *errs.Error
	if !errs.Is(err, errs.KindInvalid) || !asErr(err, &de) || len(de.Fields[field]) == 0 {
		t.Fatalf("want invalid %s, got %v", field, err)
	}
}

func asErr(err error, de **errs.Error) bool {
	e, ok := err.(*errs.Error)
	if ok {
		*de = e
	}
	return ok
}

func TestUsersRoundTripWithStaffAttributes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		mgr := mustUser(t, s, UserInput{Name: str("Morgan"), Email: str("morgan@frontline.example"), Role: str(RoleAdmin)})
		u := mustUser(t, s, UserInput{
			Name: str("  Alex Kim "), Email: str("Alex.Kim@frontline.example"), Role: str(RoleAgent),
			JobTitle: str("Senior Support Engineer"), JobFamily: str("support-engineering"), Grade: str("8"),
			Region: str("amer"), TimeZone: str("America/New_York"), ManagerID: id(mgr.ID),
			VerifiedCitizenship: bl(true), Trainings: list("saas-basics", "Customer-Emergencies", "saas-basics"),
			Tags: list("vip", "Onboarding"), ExternalID: str("emp-42"),
		})
		got, err := s.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Alex Kim" || got.Region != "AMER" || got.TimeZone != "America/New_York" || *got.ManagerID != mgr.ID ||
			!got.VerifiedCitizenship || got.Grade != "8" || !got.Active || got.HasPassword || *got.ExternalID != "emp-42" {
			t.Fatalf("user %+v", got)
		}
		if !reflect.DeepEqual(got.Trainings, []string{"customer-emergencies", "saas-basics"}) || !reflect.DeepEqual(got.Tags, []string{"onboarding", "vip"}) {
			t.Fatalf("trainings %v tags %v", got.Trainings, got.Tags)
		}
		if !got.CreatedAt.Equal(d.Clock.Now()) {
			t.Fatalf("created_at %v, clock %v", got.CreatedAt, d.Clock.Now())
		}
		if byEmail, err := s.UserByEmail(ctx, "ALEX.KIM@frontline.example"); err != nil || byEmail.ID != u.ID {
			t.Fatalf("by email: %v %v", byEmail, err)
		}
		if byExt, err := s.UserByExternalID(ctx, "emp-42"); err != nil || byExt.ID != u.ID {
			t.Fatalf("by external id: %v %v", byExt, err)
		}
		// Update: replace trainings, clear tags, change role.
		upd, err := s.UpdateUser(ctx, admin, u.ID, UserInput{Trainings: list("saas-basics", "assessment-reviewer"), Tags: list(), Role: str(RoleAdmin)})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(upd.Trainings, []string{"assessment-reviewer", "saas-basics"}) || len(upd.Tags) != 0 || upd.Role != RoleAdmin ||
			upd.JobTitle != "Senior Support Engineer" {
			t.Fatalf("updated %+v", upd)
		}
		if _, err := s.GetUser(ctx, 999999); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("missing user: %v", err)
		}
		many, err := s.GetUsers(ctx, []int64{u.ID, 999999, mgr.ID})
		if err != nil || len(many) != 2 || many[0].ID != u.ID || many[1].ID != mgr.ID {
			t.Fatalf("GetUsers %v %v", many, err)
		}
		if deact, err := s.DeactivateUser(ctx, admin, u.ID); err != nil || deact.Active {
			t.Fatalf("deactivate %v %v", deact, err)
		}
	})
}

func TestUserValidationStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		first := mustUser(t, s, UserInput{Name: str("First"), Email: str("first@example.com"), ExternalID: str("x1")})
		customer := mustUser(t, s, UserInput{Name: str("Customer"), Email: str("c@example.com")})

		_, err := s.CreateUser(ctx, admin, UserInput{Name: str("Dup"), Email: str("FIRST@example.com")})
		fieldErr(t, err, "email")
		_, err = s.CreateUser(ctx, admin, UserInput{Name: str("Dup"), Email: str("dup@example.com"), ExternalID: str("x1")})
		fieldErr(t, err, "external_id")
		for field, in := range map[string]UserInput{
			"name":            {Name: str(" ")},
			"role":            {Name: str("X"), Role: str("boss")},
			"region":          {Name: str("X"), Region: str("MARS")},
			"iana_time_zone":  {Name: str("X"), TimeZone: str("Mars/Olympus")},
			"email":           {Name: str("X"), Email: str("not an email")},
			"manager_id":      {Name: str("X"), ManagerID: id(customer.ID)},
			"organization_id": {Name: str("X"), OrganizationID: id(424242)},
		} {
			_, err := s.CreateUser(ctx, admin, in)
			fieldErr(t, err, field)
		}
		_, err = s.UpdateUser(ctx, admin, first.ID, UserInput{Email: str("c@example.com"), Name: str("Renamed")})
		fieldErr(t, err, "email")
		got, _ := s.GetUser(ctx, first.ID)
		if got.Email != "first@example.com" || got.Name != "First" {
			t.Fatalf("failed update changed the user: %+v", got)
		}
		if n, err := s.CountUsers(ctx, UserFilter{}); err != nil || n != 2 {
			t.Fatalf("users stored: %d %v", n, err)
		}
	})
}

func TestOrganizationsDomainsAndMemberships(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		ase := mustUser(t, s, UserInput{Name: str("ASE"), Email: str("ase@frontline.example"), Role: str(RoleAgent)})
		grp, err := s.CreateGroup(ctx, admin, GroupInput{Name: str("Support EMEA")})
		if err != nil {
			t.Fatal(err)
		}
		org, err := s.CreateOrganization(ctx, admin, OrganizationInput{
			Name: str("Globex"), SupportPlan: str(PlanSaaS), Tier: str("Ultimate"), ASEUserID: id(ase.ID), GroupID: id(grp.ID),
			DomainNames: list("globex.example", "Globex.co.example"), SharedTickets: bl(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		if org.Tier != "ultimate" || *org.ASEUserID != ase.ID || !reflect.DeepEqual(org.DomainNames, []string{"globex.co.example", "globex.example"}) {
			t.Fatalf("org %+v", org)
		}
		if o, err := s.OrganizationForEmail(ctx, "hank@GLOBEX.example"); err != nil || o.ID != org.ID {
			t.Fatalf("for email %v %v", o, err)
		}
		if _, err := s.OrganizationForEmail(ctx, "x@elsewhere.example"); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("unknown domain: %v", err)
		}
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Other"), DomainNames: list("globex.example")})
		fieldErr(t, err, "domain_names")
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("GLOBEX")})
		fieldErr(t, err, "name")
		cust := mustUser(t, s, UserInput{Name: str("Cust"), Email: str("c@example.com")})
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Bad ASE"), ASEUserID: id(cust.ID)})
		fieldErr(t, err, "assigned_support_engineer_id")
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Bad plan"), SupportPlan: str("gold")})
		fieldErr(t, err, "support_plan")
		if n, _ := s.CountOrganizations(ctx, OrgFilter{}); n != 1 {
			t.Fatalf("rejected organizations were stored: %d", n)
		}
		// Replace domains.
		org, err = s.UpdateOrganization(ctx, admin, org.ID, OrganizationInput{DomainNames: list("globex.example")})
		if err != nil || !reflect.DeepEqual(org.DomainNames, []string{"globex.example"}) || org.SupportPlan != PlanSaaS {
			t.Fatalf("update %+v %v", org, err)
		}

		// A user with an organization gets a default membership; memberships are idempotent.
		u := mustUser(t, s, UserInput{Name: str("Hank"), Email: str("hank@globex.example"), OrganizationID: id(org.ID)})
		ms, _ := s.ListOrganizationMemberships(ctx, MembershipFilter{UserID: u.ID})
		if len(ms) != 1 || ms[0].OtherID != org.ID || !ms[0].IsDefault {
			t.Fatalf("memberships %+v", ms)
		}
		again, err := s.AddOrganizationMembership(ctx, admin, u.ID, org.ID, true)
		if err != nil || again.ID != ms[0].ID {
			t.Fatalf("second add %+v %v", again, err)
		}
		if _, err := s.AddOrganizationMembership(ctx, admin, u.ID, 99999, false); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("membership in missing org: %v", err)
		}
		if n, _ := s.CountUsers(ctx, UserFilter{OrganizationID: org.ID}); n != 1 {
			t.Fatalf("org users %d", n)
		}
		if err := s.RemoveOrganizationMembership(ctx, admin, ms[0].ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetUser(ctx, u.ID); got.OrganizationID != nil {
			t.Fatalf("organization kept after membership removal: %v", *got.OrganizationID)
		}

		// Groups take staff only; deleting a group removes its memberships.
		if _, err := s.AddGroupMembership(ctx, admin, u.ID, grp.ID, true); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("customer in group: %v", err)
		}
		gm, err := s.AddGroupMembership(ctx, admin, ase.ID, grp.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if gm2, err := s.AddGroupMembership(ctx, admin, ase.ID, grp.ID, true); err != nil || gm2.ID != gm.ID {
			t.Fatalf("idempotent group membership: %+v %v", gm2, err)
		}
		if n, _ := s.CountUsers(ctx, UserFilter{GroupID: grp.ID}); n != 1 {
			t.Fatalf("group users %d", n)
		}
		if err := s.DeleteGroup(ctx, admin, grp.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountGroupMemberships(ctx, MembershipFilter{OtherID: grp.ID}); n != 0 {
			t.Fatalf("memberships of deleted group: %d", n)
		}
		if gs, _ := s.ListGroups(ctx, GroupFilter{}); len(gs) != 0 {
			t.Fatalf("deleted group listed: %+v", gs)
		}
		if gs, _ := s.ListGroups(ctx, GroupFilter{IncludeDeleted: true}); len(gs) != 1 || !gs[0].Deleted {
			t.Fatalf("deleted group: %+v", gs)
		}
		if err := s.DeleteOrganization(ctx, admin, org.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetOrganization(ctx, org.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("deleted org: %v", err)
		}
		if _, err := s.OrganizationForEmail(ctx, "x@globex.example"); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("domains survived the org: %v", err)
		}
	})
}

func TestListsPaginateByKeysetAndOffset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		var ids []int64
		for i, name := range []string{"Ann", "Bob", "Cid", "Dee", "Eve"} {
			role := RoleEndUser
			if i%2 == 0 {
				role = RoleAgent
			}
			ids = append(ids, mustUser(t, s, UserInput{Name: str(name), Email: str(strings.ToLower(name) + "@example.com"), Role: str(role)}).ID)
		}
		page, _ := s.ListUsers(ctx, UserFilter{Page: Page{Limit: 2}})
		next, _ := s.ListUsers(ctx, UserFilter{Page: Page{Limit: 2, AfterID: page[1].ID}})
		off, _ := s.ListUsers(ctx, UserFilter{Page: Page{Limit: 2, Offset: 2}})
		if len(page) != 2 || page[0].ID != ids[0] || len(next) != 2 || next[0].ID != ids[2] || off[0].ID != ids[2] || off[1].ID != ids[3] {
			t.Fatalf("pages %v %v %v", page, next, off)
		}
		agents, _ := s.ListUsers(ctx, UserFilter{Role: RoleAgent})
		if len(agents) != 3 {
			t.Fatalf("agents %d", len(agents))
		}
		if n, _ := s.CountUsers(ctx, UserFilter{Query: "DEE"}); n != 1 {
			t.Fatalf("query count %d", n)
		}
		if n, _ := s.CountUsers(ctx, UserFilter{Role: RoleAgent, Query: "example.com"}); n != 3 {
			t.Fatalf("role+query count %d", n)
		}
		found, _ := s.ListUsers(ctx, UserFilter{Query: "bob"})
		if len(found) != 1 || found[0].Name != "Bob" {
			t.Fatalf("search %v", found)
		}
		// LIKE wildcards in the query are dropped, never interpreted.
		if n, _ := s.CountUsers(ctx, UserFilter{Query: "%"}); n != 5 {
			t.Fatalf("wildcard query %d", n)
		}
	})
}

// TestUserFiltersAndBatchReads: several roles at once, the external_id
// filter (in lists and counts), and the batch reads behind side-loads, on
// both engines.
func TestUserFiltersAndBatchReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		cust := mustUser(t, s, UserInput{Name: str("Cus"), Email: str("cus@example.com"), ExternalID: str("crm-7")})
		agent := mustUser(t, s, UserInput{Name: str("Age"), Email: str("age@example.com"), Role: str(RoleAgent)})
		boss := mustUser(t, s, UserInput{Name: str("Bos"), Email: str("bos@example.com"), Role: str(RoleAdmin)})
		userIDs := func(f UserFilter) []int64 {
			t.Helper()
			us, err := s.ListUsers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.CountUsers(ctx, f)
			if err != nil || n != len(us) {
				t.Fatalf("count %d %v for %d listed", n, err, len(us))
			}
			out := []int64{}
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		for _, tc := range []struct {
			f    UserFilter
			want []int64
		}{
			{UserFilter{Roles: []string{RoleAgent, RoleAdmin}}, []int64{agent.ID, boss.ID}},
			{UserFilter{Role: RoleEndUser, Roles: []string{RoleAdmin}}, []int64{cust.ID, boss.ID}},
			{UserFilter{ExternalID: "crm-7"}, []int64{cust.ID}},
			{UserFilter{ExternalID: "crm-7", Role: RoleAgent}, []int64{}},
			{UserFilter{ExternalID: "crm-%"}, []int64{}},
		} {
			if got := userIDs(tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%+v: %v, want %v", tc.f, got, tc.want)
			}
		}
		org, err := s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Org")})
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.CreateGroup(ctx, admin, GroupInput{Name: str("G")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGroupMembership(ctx, admin, agent.ID, g.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGroupMembership(ctx, admin, boss.ID, g.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddOrganizationMembership(ctx, admin, cust.ID, org.ID, true); err != nil {
			t.Fatal(err)
		}
		orgs, err := s.GetOrganizations(ctx, []int64{999, org.ID})
		if err != nil || len(orgs) != 1 || orgs[0].ID != org.ID {
			t.Fatalf("GetOrganizations %v %v", orgs, err)
		}
		gs, err := s.GetGroups(ctx, []int64{g.ID, 999})
		if err != nil || len(gs) != 1 || gs[0].ID != g.ID {
			t.Fatalf("GetGroups %v %v", gs, err)
		}
		byUser, err := s.GroupMembershipsOfUsers(ctx, []int64{agent.ID, cust.ID})
		if err != nil || len(byUser) != 1 || byUser[0].UserID != agent.ID || byUser[0].OtherID != g.ID {
			t.Fatalf("GroupMembershipsOfUsers %+v %v", byUser, err)
		}
		byGroup, err := s.GroupMembershipsOfGroups(ctx, []int64{g.ID})
		if err != nil || len(byGroup) != 2 {
			t.Fatalf("GroupMembershipsOfGroups %+v %v", byGroup, err)
		}
		om, err := s.OrganizationMembershipsOfUsers(ctx, []int64{cust.ID, agent.ID})
		if err != nil || len(om) != 1 || om[0].OtherID != org.ID {
			t.Fatalf("OrganizationMembershipsOfUsers %+v %v", om, err)
		}
	})
}

func TestChangesAreAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, log := newStore(t, d)
		actor := audit.Actor{ID: 0, Role: "system", IP: "10.1.2.3"}
		u := mustUser(t, s, UserInput{Name: str("Sam"), Email: str("sam@example.com"), Role: str(RoleEndUser)})
		if _, err := s.UpdateUser(ctx, actor, u.ID, UserInput{Role: str(RoleAgent)}); err != nil {
			t.Fatal(err)
		}
		g, _ := s.CreateGroup(ctx, actor, GroupInput{Name: str("Tier 2")})
		m, err := s.AddGroupMembership(ctx, actor, u.ID, g.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveGroupMembership(ctx, actor, m.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSetting(ctx, actor, "mail.from", "support@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSetting(ctx, actor, "mail.from", "help@example.com"); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := s.GetSetting(ctx, "mail.from"); err != nil || !ok || v != "help@example.com" {
			t.Fatalf("setting %q %v %v", v, ok, err)
		}
		if _, ok, _ := s.GetSetting(ctx, "nope"); ok {
			t.Fatal("unset setting reported set")
		}

		entries, err := log.List(ctx, audit.Filter{ObjectType: "user", ObjectID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		var roleChange *audit.Entry
		for i := range entries {
			if entries[i].Action == "user.role_changed" {
				roleChange = &entries[i]
			}
		}
		if roleChange == nil || string(roleChange.Before) != `{"role":"end-user"}` || string(roleChange.After) != `{"role":"agent"}` ||
			roleChange.IP != "10.1.2.3" || !roleChange.CreatedAt.Equal(d.Clock.Now()) {
			t.Fatalf("role change audit %+v in %+v", roleChange, entries)
		}
		gm, _ := log.List(ctx, audit.Filter{ObjectType: "group_membership", ObjectID: m.ID})
		if len(gm) != 2 || gm[0].Action != "group_membership.deleted" || gm[1].Action != "group_membership.created" || gm[0].After != nil {
			t.Fatalf("membership audit %+v", gm)
		}
		st, _ := log.List(ctx, audit.Filter{ObjectType: "setting"})
		if len(st) != 2 {
			t.Fatalf("setting audit %+v", st)
		}
		var before map[string]string
		json.Unmarshal(st[0].Before, &before)
		if before["value"] != "support@example.com" || !strings.Contains(string(st[0].After), "help@example.com") {
			t.Fatalf("setting before/after %s %s", st[0].Before, st[0].After)
		}
		// A rejected change leaves no audit entry behind.
		n := len(entries)
		_, _ = s.UpdateUser(ctx, actor, u.ID, UserInput{Region: str("MARS")})
		after, _ := log.List(ctx, audit.Filter{ObjectType: "user", ObjectID: u.ID})
		if len(after) != n {
			t.Fatalf("rejected update was audited: %d -> %d", n, len(after))
		}
		// Keyset pagination of the log.
		all, _ := log.List(ctx, audit.Filter{})
		older, _ := log.List(ctx, audit.Filter{BeforeID: all[1].ID})
		if len(older) != len(all)-2 {
			t.Fatalf("audit keyset %d of %d", len(older), len(all))
		}
	})
}

// TestUserIDsByEmailMatchesAsUserByEmail: the bulk lookup of inline
// requesters finds what UserByEmail finds, one email at a time: any case,
// secondary emails too, the primary winning.
func TestUserIDsByEmailMatchesAsUserByEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newStore(t, d)
		a := mustUser(t, s, UserInput{Name: str("Ann"), Email: str("ann@acme.example"), Role: str(RoleEndUser)})
		b := mustUser(t, s, UserInput{Name: str("Bo"), Email: str("bo@acme.example"), Role: str(RoleEndUser)})
		if err := d.Write(ctx, func(tx *db.Tx) error {
			// Ann's old address; and Bo's primary listed as someone else's secondary (the primary wins).
			_, err := tx.ExecContext(ctx, "INSERT INTO user_identities (user_id, type, value, created_at, updated_at) VALUES ($1, 'email', 'Ann.Old@acme.example', 0, 0), ($2, 'email', 'BO@acme.example', 0, 0)", a.ID, a.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		emails := []string{"ANN@acme.example", "ann.old@ACME.example", "bo@acme.example", "nobody@acme.example", " "}
		got, err := s.UserIDsByEmail(ctx, emails)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"ann@acme.example": a.ID, "ann.old@acme.example": a.ID, "bo@acme.example": b.ID}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for _, e := range emails[:3] {
			if u, err := s.UserByEmail(ctx, e); err != nil || u.ID != got[strings.ToLower(e)] {
				t.Fatalf("%s: UserByEmail %v %v, bulk %d", e, u, err, got[strings.ToLower(e)])
			}
		}
	})
}
