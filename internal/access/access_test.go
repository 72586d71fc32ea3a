package access

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func fields(err error) map[string][]string {
	if e, ok := err.(*errs.Error); ok {
		return e.Fields
	}
	return nil
}

// TestDefaultRolesExpressTheDepartment: the roles the issue names are
// expressible, each with exactly what it needs.
func TestDefaultRolesExpressTheDepartment(t *testing.T) {
	roles := map[string]Set{}
	for _, r := range DefaultRoles() {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		roles[r.Name] = r.Configuration.Permissions()
	}
	agent := AgentDefaults().Permissions()
	cases := []struct {
		name     string
		set      Set
		has, not []Permission
	}{
		{"plain agent", agent, []Permission{TicketsRead, TicketsEdit, TicketsPublicComment, TicketsDelete, UsersEdit, ReportsRead, TeamRead, KnowledgeBaseManage},
			[]Permission{OrganizationsEdit, BusinessRulesManage, SLAsManage, TeamManage, HiringManage}},
		{"Light Agent", roles["Light Agent"], []Permission{TicketsRead, UsersRead, TeamRead},
			[]Permission{TicketsEdit, TicketsPublicComment, TicketsDelete, TicketsMerge, UsersEdit, ReportsRead, KnowledgeBaseManage}},
		{"Team Lead", roles["Team Lead"], []Permission{TicketsEdit, OrganizationsEdit, SLAsManage, ReportsRead},
			[]Permission{BusinessRulesManage, TeamManage}},
		{"Support Operations", roles["Support Operations"], []Permission{BusinessRulesManage, SLAsManage, TeamManage, OrganizationsEdit, ReportsRead},
			[]Permission{HiringManage}},
		{"Recruiter", roles["Recruiter"], []Permission{HiringManage, HiringInterview, TeamRead},
			[]Permission{TicketsRead, TicketsEdit, UsersRead, ReportsRead, TeamManage, KnowledgeBaseManage}},
		// A role stored before forum_access existed keeps what it could do:
		// agents who read tickets wrote articles; one without tickets did not.
		{"stored agent role", Configuration{TicketAccess: "all", TicketCommentAccess: "public", EndUserProfileAccess: "none",
			ReportAccess: "none", ManageTeamMembers: "none", HiringAccess: "none"}.Permissions(), []Permission{KnowledgeBaseManage}, nil},
		{"stored role without tickets", Configuration{TicketAccess: "none"}.Permissions(), nil, []Permission{KnowledgeBaseManage}},
		{"readonly Guide", Configuration{TicketAccess: "all", ForumAccess: "readonly"}.Permissions(), []Permission{TicketsRead}, []Permission{KnowledgeBaseManage}},
	}
	for _, c := range cases {
		for _, p := range c.has {
			if !c.set.Has(p) {
				t.Errorf("%s lacks %s", c.name, p)
			}
		}
		for _, p := range c.not {
			if c.set.Has(p) {
				t.Errorf("%s has %s", c.name, p)
			}
		}
	}
	for _, p := range AdminGrants() {
		if agent.Has(p) {
			t.Errorf("the plain agent holds %s, which opens admin routes", p)
		}
	}
	if len(Everything()) != len(All()) {
		t.Error("admins do not hold every permission")
	}
}

func TestConfigurationRefusesWhatItCannotEnforce(t *testing.T) {
	_, err := MergeConfiguration(AgentDefaults(), json.RawMessage(`{"macro_access": "full", "ticket_editing": false}`))
	if ps := fields(err)["configuration.macro_access"]; len(ps) == 0 || !strings.Contains(ps[0], "not a Frontline permission") {
		t.Errorf("unknown key: %v", err)
	}
	c, err := MergeConfiguration(AgentDefaults(), json.RawMessage(`{"ticket_access": "within-groups"}`))
	if err != nil {
		t.Fatal(err)
	}
	if ps := fields(c.Validate())["configuration.ticket_access"]; len(ps) == 0 || !strings.Contains(ps[0], "not supported by Frontline yet") {
		t.Errorf("within-groups: %v", ps)
	}
	_, err = MergeConfiguration(AgentDefaults(), json.RawMessage(`{"ticket_editing": "yes"}`))
	if len(fields(err)["configuration.ticket_editing"]) == 0 {
		t.Errorf("wrong type: %v", err)
	}
	c, err = MergeConfiguration(AgentDefaults(), json.RawMessage(`{"ticket_editing": false}`))
	if err != nil || c.TicketEditing || c.TicketAccess != "all" {
		t.Errorf("partial merge %+v %v", c, err)
	}
}

func TestRolesStoreAndGrants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d, audit.New(d))
		if ok, err := s.SeedDefaults(ctx); !ok || err != nil {
			t.Fatalf("seed %v %v", ok, err)
		}
		if ok, _ := s.SeedDefaults(ctx); ok {
			t.Fatal("seeded twice")
		}
		roles, err := s.ListRoles(ctx)
		if err != nil || len(roles) != 4 || roles[3].Name != "Recruiter" || strings.Contains(strings.Join(roles[3].Permissions, ","), "tickets") {
			t.Fatalf("roles %+v %v", roles, err)
		}
		name := "Night Shift"
		r, err := s.CreateRole(ctx, audit.System(), RoleInput{Name: &name, Configuration: json.RawMessage(`{"ticket_deletion": false}`)})
		if err != nil || r.Configuration.TicketDeletion || !r.Configuration.TicketEditing {
			t.Fatalf("create %+v %v", r, err)
		}
		_, err = s.CreateRole(ctx, audit.System(), RoleInput{Name: &name})
		if len(fields(err)["name"]) == 0 {
			t.Errorf("duplicate name: %v", err)
		}
		up, err := s.UpdateRole(ctx, audit.System(), r.ID, RoleInput{Configuration: json.RawMessage(`{"report_access": "none"}`)})
		if err != nil || up.Configuration.ReportAccess != "none" || up.Configuration.TicketDeletion {
			t.Fatalf("update %+v %v", up, err)
		}
		var agent, adm, cust int64
		for _, u := range []struct {
			dst  *int64
			role string
			cr   any
		}{{&agent, "agent", r.ID}, {&adm, "admin", nil}, {&cust, "end-user", nil}} {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "INSERT INTO users (name, email, role, custom_role_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 1) RETURNING id",
					u.role, u.role+"@x.test", u.role, u.cr).Scan(u.dst)
			}); err != nil {
				t.Fatal(err)
			}
		}
		g, err := s.Of(ctx, agent)
		if err != nil || g.Permissions.Has(TicketsDelete) || g.Permissions.Has(ReportsRead) || !g.Permissions.Has(TicketsEdit) || *g.CustomRoleID != r.ID {
			t.Errorf("agent with role: %+v %v", g, err)
		}
		if g, _ := s.Of(ctx, adm); !g.Permissions.Has(HiringManage) || !g.Permissions.Has(TeamManage) {
			t.Errorf("admin %+v", g)
		}
		if g, _ := s.Of(ctx, cust); len(g.Permissions) != 0 {
			t.Errorf("end-user %+v", g)
		}
		if _, err := s.Of(ctx, 999999); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("unknown user %v", err)
		}
		if err := s.DeleteRole(ctx, audit.System(), r.ID); len(fields(err)["custom_role"]) == 0 {
			t.Errorf("delete of a held role: %v", err)
		}
		if err := s.DeleteRole(ctx, audit.System(), roles[0].ID); err != nil {
			t.Fatal(err)
		}
	})
}
