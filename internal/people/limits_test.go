package people

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/limits"
)

// peopleState is every user, organization, group and setting as stored.
func peopleState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	us, err := s.ListUsers(ctx, UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	os, err := s.ListOrganizations(ctx, OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := s.ListGroups(ctx, GroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.AllSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{us, os, gs, st})
	return string(b)
}

// TestPeopleBadTextTable runs the bad-input table of issue 15 against every
// text field of users, organizations, groups and settings on both engines:
// each is a 422 naming the field and nothing stored changes (a NUL was a
// 500 on PostgreSQL and stored on SQLite).
func TestPeopleBadTextTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		u := mustUser(t, s, UserInput{Name: str("Kept"), Email: str("kept@example.com")})
		o, err := s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Kept org")})
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.CreateGroup(ctx, admin, GroupInput{Name: str("Kept group")})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetSetting(ctx, admin, "kept", "value"); err != nil {
			t.Fatal(err)
		}
		before := peopleState(t, s)
		bad := map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "surrogate": "\xed\xa0\x80", "over-long": strings.Repeat("x", limits.LongTextBytes+1)}
		for _, b := range bad {
			users := map[string]UserInput{
				"name": {Name: &b}, "email": {Email: &b}, "phone": {Phone: &b}, "locale": {Locale: &b},
				"details": {Details: &b}, "notes": {Notes: &b}, "external_id": {ExternalID: &b},
				"job_title": {JobTitle: &b}, "job_family": {JobFamily: &b}, "grade": {Grade: &b},
				"iana_time_zone": {TimeZone: &b}, "region": {Region: &b},
				"tags": {Tags: list("ok", b)}, "trainings": {Trainings: list(b)},
			}
			for field, in := range users {
				_, err := s.UpdateUser(ctx, admin, u.ID, in)
				fieldErr(t, err, field)
				if in.Name == nil {
					in.Name = str("New")
				}
				_, err = s.CreateUser(ctx, admin, in)
				fieldErr(t, err, field)
			}
			orgs := map[string]OrganizationInput{
				"name": {Name: &b}, "external_id": {ExternalID: &b}, "details": {Details: &b}, "notes": {Notes: &b},
				"tier": {Tier: &b}, "support_plan": {SupportPlan: &b}, "domain_names": {DomainNames: list(b)}, "tags": {Tags: list(b)},
			}
			for field, in := range orgs {
				_, err := s.UpdateOrganization(ctx, admin, o.ID, in)
				fieldErr(t, err, field)
				if in.Name == nil {
					in.Name = str("New org")
				}
				_, err = s.CreateOrganization(ctx, admin, in)
				fieldErr(t, err, field)
			}
			groups := map[string]GroupInput{"name": {Name: &b}, "description": {Description: &b}}
			for field, in := range groups {
				_, err := s.UpdateGroup(ctx, admin, g.ID, in)
				fieldErr(t, err, field)
				if in.Name == nil {
					in.Name = str("New group")
				}
				_, err = s.CreateGroup(ctx, admin, in)
				fieldErr(t, err, field)
			}
			fieldErr(t, s.SetSetting(ctx, admin, "kept", b), "value")
			fieldErr(t, s.SetSetting(ctx, admin, b, "v"), "key")
		}
		if got := peopleState(t, s); got != before {
			t.Errorf("stored people changed:\n%s\n%s", before, got)
		}
	})
}

// TestPeopleLimits: names and single-line fields are at most 255
// characters, tags follow the tag limits, control characters are stored
// visibly; a record stored before a limit was lowered can still change.
func TestPeopleLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		u := mustUser(t, s, UserInput{Name: str(strings.Repeat("é", 255)), Tags: list("a", "b", "c", "longer-tag"),
			Details: str("line 1\nline 2\x1b[0m"), JobTitle: str("Head\tof\nsupport")})
		if u.Details != "line 1\nline 2␛[0m" || u.JobTitle != "Head of support" {
			t.Fatalf("%q %q", u.Details, u.JobTitle)
		}
		_, err := s.CreateUser(ctx, admin, UserInput{Name: str(strings.Repeat("é", 256))})
		fieldErr(t, err, "name")
		s.SetLimits(limits.Limits{TagChars: 5, Tags: 2})
		if _, err := s.UpdateUser(ctx, admin, u.ID, UserInput{Phone: str("+31 20 123")}); err != nil {
			t.Fatalf("old tags must not block other changes: %v", err)
		}
		_, err = s.UpdateUser(ctx, admin, u.ID, UserInput{Tags: list("a", "b", "c", "longer-tag", "d")})
		fieldErr(t, err, "tags")
		_, err = s.UpdateUser(ctx, admin, u.ID, UserInput{Tags: list("sixsix")})
		fieldErr(t, err, "tags")
		if _, err := s.UpdateUser(ctx, admin, u.ID, UserInput{Tags: list("a", "longer-tag")}); err != nil {
			t.Fatalf("a kept tag is fine: %v", err)
		}
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Many"), DomainNames: list("a.example", "b.example", "c.example")})
		fieldErr(t, err, "domain_names")
		_, err = s.CreateOrganization(ctx, admin, OrganizationInput{Name: str("Long"), DomainNames: list(strings.Repeat("a", 250) + ".example")})
		fieldErr(t, err, "domain_names")
	})
}

// TestSearchQueryLimits: a user or organization search longer than a
// search box holds is a 422 naming the query (SQLite refused LIKE patterns
// over 50,000 bytes with an error, a 500); NUL and invalid UTF-8 too.
func TestSearchQueryLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		for _, q := range []string{strings.Repeat("x", 60000), "a\x00b", "a\xffb"} {
			_, err := s.ListUsers(ctx, UserFilter{Query: q})
			fieldErr(t, err, "query")
			_, err = s.CountUsers(ctx, UserFilter{Query: q})
			fieldErr(t, err, "query")
			_, err = s.ListOrganizations(ctx, OrgFilter{Query: q})
			fieldErr(t, err, "query")
			_, err = s.CountOrganizations(ctx, OrgFilter{Query: q})
			fieldErr(t, err, "query")
		}
		if _, err := s.ListUsers(ctx, UserFilter{Query: strings.Repeat("é", limits.NameChars*4)}); err != nil {
			t.Fatal(err)
		}
	})
}
