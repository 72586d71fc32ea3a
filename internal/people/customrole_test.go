package people

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
)

// TestCustomRoleAssignment: only agents hold a custom role, it must exist,
// and becoming an admin drops it.
func TestCustomRoleAssignment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, a := newStore(t, d)
		roles := access.NewStore(d, a)
		lead, err := roles.CreateRole(ctx, admin, access.RoleInput{Name: str("Team Lead")})
		if err != nil {
			t.Fatal(err)
		}
		u := mustUser(t, s, UserInput{Name: str("Lee"), Email: str("lee@frontline.example"), Role: str(RoleAgent), CustomRoleID: &lead.ID})
		if u.CustomRoleID == nil || *u.CustomRoleID != lead.ID {
			t.Fatalf("custom role not stored: %+v", u.CustomRoleID)
		}
		_, err = s.UpdateUser(ctx, admin, u.ID, UserInput{CustomRoleID: id(987654)})
		fieldErr(t, err, "custom_role_id")
		_, err = s.CreateUser(ctx, admin, UserInput{Name: str("Ada"), Email: str("ada@frontline.example"), Role: str(RoleAdmin), CustomRoleID: &lead.ID})
		fieldErr(t, err, "custom_role_id")
		if r, _ := roles.GetRole(ctx, lead.ID); r.TeamMemberCount != 1 {
			t.Errorf("team_member_count %d", r.TeamMemberCount)
		}
		up, err := s.UpdateUser(ctx, admin, u.ID, UserInput{Role: str(RoleAdmin)})
		if err != nil || up.CustomRoleID != nil {
			t.Fatalf("promoted to admin keeps a custom role: %+v %v", up, err)
		}
		back, err := s.UpdateUser(ctx, admin, u.ID, UserInput{Role: str(RoleAgent), CustomRoleID: &lead.ID})
		if err != nil || *back.CustomRoleID != lead.ID {
			t.Fatal(err)
		}
		cleared, err := s.UpdateUser(ctx, admin, u.ID, UserInput{CustomRoleID: id(0)})
		if err != nil || cleared.CustomRoleID != nil {
			t.Fatalf("0 clears: %+v %v", cleared, err)
		}
	})
}
