package access

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps custom roles and answers which permissions a user holds.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
}

// NewStore returns the access store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a}
}

func scanRole(r db.Scanner) (*Role, error) {
	var x Role
	var conf string
	if err := r.Scan(&x.ID, &x.Name, &x.Description, &x.RoleType, &conf, db.Time(&x.CreatedAt), db.Time(&x.UpdatedAt), &x.TeamMemberCount); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(conf), &x.Configuration); err != nil {
		return nil, fmt.Errorf("custom role %d: %w", x.ID, err)
	}
	x.Permissions = x.Configuration.Permissions().List()
	return &x, nil
}

// SeedDefaults creates the default custom roles once per database.
func (s *Store) SeedDefaults(ctx context.Context) (seeded bool, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		seeded = false
		res, err := tx.ExecContext(ctx, s.q.Get("MarkSeeded"), db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		for _, r := range DefaultRoles() {
			if _, err := s.insert(ctx, tx, audit.System(), r); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, actor audit.Actor, r Role) (int64, error) {
	conf, err := json.Marshal(r.Configuration)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertRole"), r.Name, r.Description, r.RoleType, string(conf), db.TS(tx.Now)).Scan(&id); err != nil {
		if db.IsUnique(err) {
			return 0, errs.Invalid("name", "has already been taken")
		}
		return 0, err
	}
	return id, s.audit.Record(ctx, tx, actor, "custom_role.created", "custom_role", id, nil, r)
}

// ListRoles lists the custom roles by id.
func (s *Store) ListRoles(ctx context.Context) ([]Role, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListRoles"), nil, scanRole)
}

func (s *Store) getRole(ctx context.Context, tx *db.Tx, id int64) (*Role, error) {
	r, err := scanRole(tx.QueryRowContext(ctx, s.q.Get("GetRole"), id))
	if err != nil {
		return nil, db.MapError(err, "custom role")
	}
	return r, nil
}

// GetRole returns one custom role.
func (s *Store) GetRole(ctx context.Context, id int64) (r *Role, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		r, err = s.getRole(ctx, tx, id)
		return err
	})
	return r, err
}

func apply(r *Role, in RoleInput) error {
	if in.Name != nil {
		r.Name = *in.Name
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.RoleType != nil {
		r.RoleType = *in.RoleType
	}
	c, err := MergeConfiguration(r.Configuration, in.Configuration)
	if err != nil {
		return err
	}
	r.Configuration = c
	return r.Validate()
}

// CreateRole adds a custom role. Configuration keys not given take the
// plain agent's values.
func (s *Store) CreateRole(ctx context.Context, actor audit.Actor, in RoleInput) (*Role, error) {
	r := Role{Configuration: AgentDefaults()}
	if err := apply(&r, in); err != nil {
		return nil, err
	}
	var out *Role
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		id, err := s.insert(ctx, tx, actor, r)
		if err != nil {
			return err
		}
		out, err = s.getRole(ctx, tx, id)
		return err
	})
	return out, err
}

// UpdateRole changes the given fields and configuration keys.
func (s *Store) UpdateRole(ctx context.Context, actor audit.Actor, id int64, in RoleInput) (*Role, error) {
	var out *Role
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getRole(ctx, tx, id)
		if err != nil {
			return err
		}
		r := *before
		if err := apply(&r, in); err != nil {
			return err
		}
		conf, err := json.Marshal(r.Configuration)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateRole"), id, r.Name, r.Description, r.RoleType, string(conf), db.TS(tx.Now)); err != nil {
			if db.IsUnique(err) {
				return errs.Invalid("name", "has already been taken")
			}
			return err
		}
		if out, err = s.getRole(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "custom_role.updated", "custom_role", id, before, out)
	})
	return out, err
}

// DeleteRole removes a role nobody holds.
func (s *Store) DeleteRole(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getRole(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.TeamMemberCount > 0 {
			return errs.Invalid("custom_role", fmt.Sprintf("%d agents hold %s; give them another role first", before.TeamMemberCount, before.Name))
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteRole"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "custom_role.deleted", "custom_role", id, before, nil)
	})
}

// Grant is what one user may do.
type Grant struct {
	Role         string // end-user, agent, admin
	CustomRoleID *int64
	Permissions  Set
}

// Of answers the permissions of user id, read now: admins hold every
// permission, agents those of their custom role (the plain agent's without
// one), end-users none (their access is decided per record).
func (s *Store) Of(ctx context.Context, id int64) (Grant, error) {
	var g Grant
	var crole sql.NullInt64
	var conf string
	err := s.d.QueryRow(ctx, s.q.Get("UserRole"), []any{id}, &g.Role, &crole, &conf)
	if err != nil {
		return g, db.MapError(err, "user")
	}
	switch g.Role {
	case "admin":
		g.Permissions = Everything()
	case "agent":
		c := AgentDefaults()
		if crole.Valid {
			g.CustomRoleID = &crole.Int64
			c = Configuration{}
			if err := json.Unmarshal([]byte(conf), &c); err != nil {
				return g, fmt.Errorf("custom role %d: %w", crole.Int64, err)
			}
		}
		g.Permissions = c.Permissions()
	default:
		g.Permissions = Set{}
	}
	return g, nil
}
