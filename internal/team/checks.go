package team

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// CheckUser refuses a manager that would close a reporting-line loop, for
// writes through the people store (PUT /api/v2/users/{id} with manager_id).
func (s *Store) CheckUser(ctx context.Context, tx *db.Tx, before, after *people.User) error {
	if after.ManagerID == nil || after.ID == 0 {
		return nil
	}
	if before != nil && before.ManagerID != nil && *before.ManagerID == *after.ManagerID {
		return nil
	}
	return CheckManager(s.managerOf(ctx, tx), s.nameOf(ctx, tx), after.ID, *after.ManagerID)
}

// CheckOrganization holds the Assigned Support Engineer rules when an
// organization names its ASE: a member of the roster must hold the ASE
// specialty, and nobody leads more than MaxASEAccounts accounts.
func (s *Store) CheckOrganization(ctx context.Context, tx *db.Tx, before, after *people.Organization) error {
	if after.ASEUserID == nil {
		return nil
	}
	if before != nil && before.ASEUserID != nil && *before.ASEUserID == *after.ASEUserID {
		return nil
	}
	ase := *after.ASEUserID
	name := s.nameOf(ctx, tx)(ase)
	member, err := s.count(ctx, tx, "IsMember", ase)
	if err != nil {
		return err
	}
	if member > 0 {
		specs, err := s.specialties(ctx, tx, ase)
		if err != nil {
			return err
		}
		if !slices.Contains(specs, SpecialtyASE) {
			return errs.Invalid("assigned_support_engineer_id", fmt.Sprintf(
				"Assigned Support Engineer rule: %s does not hold the Assigned Support Engineer specialty", name))
		}
	}
	var others int
	if err := tx.QueryRowContext(ctx, s.q.Get("AssignedElsewhere"), ase, after.ID).Scan(&others); err != nil {
		return err
	}
	return CheckASEAccounts(name, others)
}

func (s *Store) specialties(ctx context.Context, tx *db.Tx, id int64) ([]string, error) {
	out, err := scanStrings(ctx, tx, s.q.Get("MemberSpecialties"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return out, err
}
