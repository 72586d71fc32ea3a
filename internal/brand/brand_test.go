package brand

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestClearedIsTheOneRule(t *testing.T) {
	gov := Brand{ID: 2, Restricted: true, RequiredSpecialty: "us_government", RequiresCitizenship: true}
	open := Brand{ID: 1}
	for _, c := range []struct {
		name string
		b    Brand
		f    Facts
		want bool
	}{
		{"unrestricted brand, anyone", open, Facts{}, true},
		{"cleared agent", gov, Facts{UserID: 5, Role: "agent", Active: true, VerifiedCitizen: true, Specialties: []string{"ase", "us_government"}}, true},
		{"cleared admin", gov, Facts{UserID: 5, Role: "admin", Active: true, VerifiedCitizen: true, Specialties: []string{"us_government"}}, true},
		{"admin without the specialty", gov, Facts{UserID: 5, Role: "admin", Active: true, VerifiedCitizen: true}, false},
		{"specialty without citizenship", gov, Facts{UserID: 5, Role: "agent", Active: true, Specialties: []string{"us_government"}}, false},
		{"inactive cleared agent", gov, Facts{UserID: 5, Role: "agent", VerifiedCitizen: true, Specialties: []string{"us_government"}}, false},
		{"the brand's customer", gov, Facts{UserID: 7, Role: "end-user", Active: true, BrandID: 2}, true},
		{"another brand's customer", gov, Facts{UserID: 7, Role: "end-user", Active: true, BrandID: 1}, false},
		{"nobody", gov, Facts{Active: true, Role: "admin", VerifiedCitizen: true, Specialties: []string{"us_government"}}, false},
	} {
		if got := Cleared(c.b, c.f); got != c.want {
			t.Errorf("%s: Cleared = %v, want %v", c.name, got, c.want)
		}
	}
	sc := ScopeFor([]Brand{gov, {ID: 3, Restricted: true, RequiredSpecialty: "x"}}, Facts{UserID: 5, Role: "agent", Active: true, VerifiedCitizen: true, Specialties: []string{"us_government"}})
	if !sc.Sees(1) || !sc.Sees(2) || sc.Sees(3) || !sc.Audited(2) || sc.Audited(1) || sc.Param() != " 3 " {
		t.Errorf("scope %+v", sc)
	}
}

func TestRestrictedBrandRulesAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d, audit.New(d))
		str := func(v string) *string { return &v }
		yes := true
		if _, err := s.Create(ctx, audit.System(), Input{Name: str("Gov"), Subdomain: str("gov"), Restricted: &yes}); err == nil ||
			!strings.Contains(fmt.Sprintf("%+v", err.(*errs.Error).Fields), "Restricted brand rule") {
			t.Fatalf("restricted brand without a specialty: %v", err)
		}
		gov, err := s.Create(ctx, audit.System(), Input{Name: str("Gov"), Subdomain: str("gov"), Restricted: &yes,
			RequiredSpecialty: str("us_government"), RequiresCitizenship: &yes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, audit.System(), Input{Name: str("Other"), Subdomain: str("GOV")}); err == nil {
			t.Fatal("a second brand with the same subdomain was accepted")
		}
		if err := s.Delete(ctx, audit.System(), DefaultID); err == nil {
			t.Fatal("the default brand was deleted")
		}
		var agent int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (name, email, role, verified_citizenship, created_at, updated_at)
				VALUES ('A', 'a@example.com', 'agent', TRUE, 0, 0) RETURNING id`).Scan(&agent); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO team_members (user_id, created_at, updated_at) VALUES ($1, 0, 0)", agent); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO team_member_specialties (user_id, specialty) VALUES ($1, 'us_government')", agent)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sc, err := s.Scope(ctx, agent)
		if err != nil || !sc.Sees(gov.ID) || !sc.Audited(gov.ID) {
			t.Fatalf("cleared agent: %+v %v", sc, err)
		}
		// The rule's SQL form agrees with Sees, on this engine.
		var visible int
		if err := d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM brands b WHERE "+VisibleSQL("b.id", "$1"), Encode([]int64{gov.ID})).Scan(&visible)
		}); err != nil || visible != 1 {
			t.Fatalf("VisibleSQL hiding the restricted brand: %d brands visible, %v", visible, err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "DELETE FROM team_member_specialties WHERE user_id = $1", agent)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if sc, err = s.Scope(ctx, agent); err != nil || sc.Sees(gov.ID) {
			t.Fatalf("after losing the specialty: %+v %v", sc, err)
		}
		if sc, err := s.Scope(ctx, 0); err != nil || sc.Sees(gov.ID) {
			t.Fatalf("nobody: %+v %v", sc, err)
		}
	})
}
