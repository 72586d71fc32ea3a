package brand

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store keeps brands and answers viewers' scopes.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
}

// NewStore returns the brand store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a}
}

func scanBrand(r db.Scanner) (*Brand, error) {
	var b Brand
	var host string
	if err := r.Scan(&b.ID, &b.Name, &b.Subdomain, &host, &b.Path, &b.Active, &b.Default, &b.Restricted,
		&b.RequiredSpecialty, &b.RequiresCitizenship, &b.SignatureTemplate, &b.ThemeName,
		db.Time(&b.CreatedAt), db.Time(&b.UpdatedAt)); err != nil {
		return nil, err
	}
	if host != "" {
		b.HostMapping = &host
	}
	b.TicketFormIDs = []int64{}
	b.HelpCenterState = "enabled"
	b.HasHelpCenter = true
	return &b, nil
}

// List returns every brand, oldest first.
func (s *Store) List(ctx context.Context) ([]Brand, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListBrands"), nil, scanBrand)
}

// Get returns one brand.
func (s *Store) Get(ctx context.Context, id int64) (*Brand, error) {
	var b *Brand
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		b, err = s.get(ctx, tx, id)
		return err
	})
	return b, err
}

func (s *Store) get(ctx context.Context, tx *db.Tx, id int64) (*Brand, error) {
	b, err := scanBrand(tx.QueryRowContext(ctx, s.q.Get("GetBrand"), id))
	return b, db.MapError(err, "brand")
}

func hostOf(b *Brand) string {
	if b.HostMapping == nil {
		return ""
	}
	return *b.HostMapping
}

// Create adds a brand.
func (s *Store) Create(ctx context.Context, actor audit.Actor, in Input) (*Brand, error) {
	b := Brand{Active: true}
	if err := in.apply(&b); err != nil {
		return nil, err
	}
	var out *Brand
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertBrand"), b.Name, b.Subdomain, hostOf(&b), b.Path, b.Active,
			b.Default, b.Restricted, b.RequiredSpecialty, b.RequiresCitizenship, b.SignatureTemplate, b.ThemeName,
			db.TS(tx.Now)).Scan(&id); err != nil {
			return conflict(err)
		}
		if b.Default {
			if _, err := tx.ExecContext(ctx, s.q.Get("ClearDefault"), id); err != nil {
				return err
			}
		}
		var err error
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "brand.create", "brand", id, nil, out)
	})
	return out, err
}

func conflict(err error) error {
	if db.IsUnique(err) {
		return errs.Invalid("subdomain", "Unique brand rule: another brand has this name or subdomain")
	}
	return err
}

// Update changes a brand.
func (s *Store) Update(ctx context.Context, actor audit.Actor, id int64, in Input) (*Brand, error) {
	var out *Brand
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		b := *before
		if in.Default != nil && !*in.Default && before.Default {
			return errs.Invalid("default", "Default brand rule: make another brand the default instead")
		}
		if err := in.apply(&b); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateBrand"), id, b.Name, b.Subdomain, hostOf(&b), b.Path, b.Active,
			b.Default, b.Restricted, b.RequiredSpecialty, b.RequiresCitizenship, b.SignatureTemplate, b.ThemeName,
			db.TS(tx.Now)); err != nil {
			return conflict(err)
		}
		if b.Default && !before.Default {
			if _, err := tx.ExecContext(ctx, s.q.Get("ClearDefault"), id); err != nil {
				return err
			}
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "brand.update", "brand", id, before, out)
	})
	return out, err
}

// Delete removes a brand nothing belongs to; the default brand stays.
func (s *Store) Delete(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Default {
			return errs.Invalid("default", "Default brand rule: the default brand cannot be deleted")
		}
		var n int64
		if err := tx.QueryRowContext(ctx, s.q.Get("BrandInUse"), id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Invalid("id", "Brand in use rule: tickets, users or organizations belong to this brand")
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteBrand"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "brand.delete", "brand", id, before, nil)
	})
}

// Scope reads the viewer's facts and the restricted brands now (never from
// a session) and applies Cleared. userID 0 (anonymous, system) sees no
// restricted brand.
func (s *Store) Scope(ctx context.Context, userID int64) (Scope, error) {
	if userID == 0 { // the restricted brands are all there is to read: one statement
		restricted, err := db.ReadList(ctx, s.d, s.q.Get("RestrictedBrands"), nil, scanBrand)
		if err != nil {
			return Scope{}, err
		}
		return ScopeFor(restricted, Facts{}), nil
	}
	var sc Scope
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		sc, err = s.ScopeTx(ctx, tx, userID)
		return err
	})
	return sc, err
}

// ScopeTx is Scope inside a transaction.
func (s *Store) ScopeTx(ctx context.Context, tx *db.Tx, userID int64) (Scope, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("RestrictedBrands"))
	if err != nil {
		return Scope{}, err
	}
	var restricted []Brand
	for rows.Next() {
		b, err := scanBrand(rows)
		if err != nil {
			rows.Close()
			return Scope{}, err
		}
		restricted = append(restricted, *b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Scope{}, err
	}
	f := Facts{UserID: userID}
	if len(restricted) > 0 && userID != 0 {
		err := tx.QueryRowContext(ctx, s.q.Get("ViewerFacts"), userID).Scan(&f.Role, &f.Active, &f.VerifiedCitizen, &f.BrandID)
		if errors.Is(err, sql.ErrNoRows) {
			f.UserID = 0
		} else if err != nil {
			return Scope{}, err
		} else {
			srows, err := tx.QueryContext(ctx, s.q.Get("ViewerSpecialties"), userID)
			if err != nil {
				return Scope{}, err
			}
			for srows.Next() {
				var sp string
				if err := srows.Scan(&sp); err != nil {
					srows.Close()
					return Scope{}, err
				}
				f.Specialties = append(f.Specialties, sp)
			}
			srows.Close()
		}
	}
	sc := ScopeFor(restricted, f)
	sc.UserID = userID
	return sc, nil
}

// Check refuses a brand id that does not exist for the viewer (404, as for
// an unknown brand) or is inactive.
func (s *Store) Check(ctx context.Context, sc Scope, id int64) error {
	if !sc.Sees(id) {
		return errs.NotFound("brand")
	}
	b, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if !b.Active {
		return errs.Invalid("brand_id", "Active brand rule: the brand is inactive")
	}
	return nil
}

// SetUserBrand moves a user to a brand.
func (s *Store) SetUserBrand(ctx context.Context, actor audit.Actor, userID, brandID int64) error {
	return s.setBrand(ctx, actor, "SetUserBrand", "user", userID, brandID)
}

// SetOrganizationBrand moves an organization to a brand.
func (s *Store) SetOrganizationBrand(ctx context.Context, actor audit.Actor, orgID, brandID int64) error {
	return s.setBrand(ctx, actor, "SetOrganizationBrand", "organization", orgID, brandID)
}

func (s *Store) setBrand(ctx context.Context, actor audit.Actor, query, what string, id, brandID int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.get(ctx, tx, brandID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q.Get(query), id, brandID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound(what)
		}
		return s.audit.Record(ctx, tx, actor, what+".brand", what, id, nil, map[string]int64{"brand_id": brandID})
	})
}

// BrandOf returns the brand of a ticket, user or organization (what is
// "ticket", "user" or "organization"); a missing row is not found.
func (s *Store) BrandOf(ctx context.Context, what string, id int64) (int64, error) {
	q := map[string]string{"ticket": "TicketBrand", "user": "UserBrand", "organization": "OrganizationBrand", "deleted_ticket": "DeletedTicketBrand",
		"kb_category": "KBCategoryBrand", "kb_section": "KBSectionBrand", "kb_article": "KBArticleBrand"}[what]
	if q == "" {
		return 0, errs.NotFound(what)
	}
	var b int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return db.MapError(tx.QueryRowContext(ctx, s.q.Get(q), id).Scan(&b), what)
	})
	return b, err
}

// BrandsOf returns the brand of each existing ticket, user or
// organization (what) of ids.
func (s *Store) BrandsOf(ctx context.Context, what string, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	table := map[string]string{"ticket": "tickets", "user": "users", "organization": "organizations"}[what]
	if len(ids) == 0 || table == "" {
		return out, nil
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, brand_id FROM "+table+" WHERE id IN ("+strings.Join(parts, ", ")+")")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, b int64
			if err := rows.Scan(&id, &b); err != nil {
				return err
			}
			out[id] = b
		}
		return rows.Err()
	})
	return out, err
}

// RecordRead audits a read of restricted data by an insider: who (the
// scope's user), what (objectType and ids, with the route) and when. Reads
// of unrestricted data, or by nobody, record nothing.
func (s *Store) RecordRead(ctx context.Context, sc Scope, ip, route, objectType string, ids []int64) error {
	if sc.UserID == 0 || len(ids) == 0 {
		return nil
	}
	var one int64
	if len(ids) == 1 {
		one = ids[0]
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Actor{ID: sc.UserID, IP: ip}, "restricted.read", objectType, one, nil,
			map[string]any{"route": route, "ids": ids})
	})
}

// Hidden returns the restricted brands hidden from userID now.
func (s *Store) Hidden(ctx context.Context, userID int64) ([]int64, error) {
	sc, err := s.Scope(ctx, userID)
	return sc.Hidden, err
}

// SeesTicketTx reports whether the ticket's data exists for userID (for
// notifications: restricted ticket text goes to insiders only).
func (s *Store) SeesTicketTx(ctx context.Context, tx *db.Tx, userID, ticketID int64) (bool, error) {
	var b int64
	if err := tx.QueryRowContext(ctx, s.q.Get("TicketBrand"), ticketID).Scan(&b); err != nil {
		return false, db.MapError(err, "ticket")
	}
	sc, err := s.ScopeTx(ctx, tx, userID)
	if err != nil {
		return false, err
	}
	return sc.Sees(b), nil
}

// TicketRestrictedTx reports whether a ticket belongs to a restricted brand
// (its events leave through no webhook: webhook targets are outside every
// partition).
func (s *Store) TicketRestrictedTx(ctx context.Context, tx *db.Tx, ticketID int64) (bool, error) {
	var restricted bool
	err := tx.QueryRowContext(ctx, s.q.Get("TicketRestricted"), ticketID).Scan(&restricted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return restricted, err
}
