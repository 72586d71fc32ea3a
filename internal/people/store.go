package people

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"github.com/frontline/frontline/internal/tags"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store persists people. Every write runs in one transaction together with
// its audit entry.
type Store struct {
	d        *db.DB
	q        *db.Queries
	audit    *audit.Log
	limits   limits.Limits
	checkers []Checker
	onRegion []func(ctx context.Context, orgID int64)
}

// OnRegionChange calls h after an organization's region changed, once the
// change is committed (the SLA service runs its open tickets' clocks again
// on the new region's schedule).
func (s *Store) OnRegionChange(h func(ctx context.Context, orgID int64)) {
	s.onRegion = append(s.onRegion, h)
}

// Checker enforces rules another package owns on user and organization
// writes, inside their transaction (the team package refuses reporting-line
// cycles and holds the Assigned Support Engineer limits). before is nil on
// create; a returned error aborts the write.
type Checker interface {
	CheckUser(ctx context.Context, tx *db.Tx, before, after *User) error
	CheckOrganization(ctx context.Context, tx *db.Tx, before, after *Organization) error
}

// AddChecker adds c to the checks of every user and organization write.
// Call it while wiring, before the store is used.
func (s *Store) AddChecker(c Checker) { s.checkers = append(s.checkers, c) }

func (s *Store) checkUser(ctx context.Context, tx *db.Tx, before, after *User) error {
	for _, c := range s.checkers {
		if err := c.CheckUser(ctx, tx, before, after); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) checkOrganization(ctx context.Context, tx *db.Tx, before, after *Organization) error {
	for _, c := range s.checkers {
		if err := c.CheckOrganization(ctx, tx, before, after); err != nil {
			return err
		}
	}
	return nil
}

// NewStore returns the people store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, limits: limits.Default()}
}

// SetLimits sets the size limits (people use the tag limits); call it while
// wiring, before the store is used.
func (s *Store) SetLimits(l limits.Limits) { s.limits = l.OrDefault() }

// Page bounds a list: keyset (AfterID) or offset pagination.
type Page struct {
	AfterID int64
	Offset  int
	Limit   int // default 100, at most 1000
}

// Size is the page's size: Limit, 100 when unset, at most 1000.
func (p Page) Size() int { return p.limit() }

func (p Page) limit() int {
	if p.Limit <= 0 {
		return 100
	}
	return min(p.Limit, 1000)
}

// --- encoding helpers ----------------------------------------------------------

// encodeTags stores tags as " a b " so that `tags LIKE '% a %'` matches one tag.

func likePattern(q string) string {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return ""
	}
	r := strings.NewReplacer("%", "", "_", "")
	return "%" + r.Replace(q) + "%"
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// duplicate turns a unique violation into the 422 Zendesk returns.
func duplicate(err error, field string) error {
	if db.IsUnique(err) {
		return errs.Invalid(field, "has already been taken")
	}
	return err
}

// --- users ---------------------------------------------------------------------

type scanner = db.Scanner

func scanUser(r scanner) (*User, error) {
	var u User
	var org, mgr, crole sql.NullInt64
	var ext sql.NullString
	var tagText, trainings string
	err := r.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Active, &u.Suspended, &org, &ext, &u.Phone, &u.TimeZone,
		&u.Locale, &u.Details, &u.Notes, &tagText, &u.JobTitle, &u.JobFamily, &u.Grade, &u.Region, &mgr,
		&u.VerifiedCitizenship, &u.HasPassword, db.TimePtr(&u.LastLoginAt), db.Time(&u.CreatedAt), db.Time(&u.UpdatedAt),
		&trainings, &crole)
	if err != nil {
		return nil, err
	}
	if crole.Valid {
		u.CustomRoleID = &crole.Int64
	}
	if org.Valid {
		u.OrganizationID = &org.Int64
	}
	if mgr.Valid {
		u.ManagerID = &mgr.Int64
	}
	if ext.Valid {
		u.ExternalID = &ext.String
	}
	u.Tags, u.Trainings = tags.Decode(tagText), tags.Decode(trainings)
	return &u, nil
}

func (s *Store) getUser(ctx context.Context, tx *db.Tx, query string, arg any) (*User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, s.q.Get(query), arg))
	if err != nil {
		return nil, db.MapError(err, "user")
	}
	return u, nil
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, id int64) (u *User, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		u, err = s.getUser(ctx, tx, "GetUser", id)
		return err
	})
	return u, err
}

// GetUsers returns the users with the given ids, in that order; unknown ids are skipped.
func (s *Store) GetUsers(ctx context.Context, ids []int64) ([]User, error) {
	return db.ReadMany(ctx, s.d, ids, func(tx *db.Tx, id int64) (*User, error) { return s.getUser(ctx, tx, "GetUser", id) })
}

// GetOrganizations returns the organizations with the given ids, in that
// order; unknown ids are skipped.
func (s *Store) GetOrganizations(ctx context.Context, ids []int64) ([]Organization, error) {
	return db.ReadMany(ctx, s.d, ids, func(tx *db.Tx, id int64) (*Organization, error) { return s.getOrg(ctx, tx, "GetOrganization", id) })
}

// GetGroups returns the groups with the given ids, in that order; unknown
// ids are skipped.
func (s *Store) GetGroups(ctx context.Context, ids []int64) ([]Group, error) {
	return db.ReadMany(ctx, s.d, ids, func(tx *db.Tx, id int64) (*Group, error) { return s.getGroup(ctx, tx, id) })
}

// UserByEmail finds a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (u *User, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		u, err = s.getUser(ctx, tx, "UserByEmail", strings.TrimSpace(email))
		return err
	})
	return u, err
}

// UserIDsByEmail finds the users of many emails with two queries (a bulk
// request's inline requesters): keys are the lower-cased emails found, as
// UserByEmail matches them (the primary email wins over a secondary one).
func (s *Store) UserIDsByEmail(ctx context.Context, emails []string) (map[string]int64, error) {
	out := map[string]int64{}
	var args []any
	seen := map[string]bool{}
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e != "" && !seen[e] {
			seen[e] = true
			args = append(args, e)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		in := tx.Dialect.ValuesRows(1, len(args)) // one "row" of markers: the parenthesised IN list
		for _, q := range []string{
			"SELECT lower(i.value), i.user_id FROM user_identities i WHERE i.type = 'email' AND lower(i.value) IN " + in,
			"SELECT lower(u.email), u.id FROM users u WHERE lower(u.email) IN " + in, // last: the primary wins
		} {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var e string
				var id int64
				if err := rows.Scan(&e, &id); err != nil {
					rows.Close()
					return err
				}
				out[e] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// UserByExternalID finds a user by external id.
func (s *Store) UserByExternalID(ctx context.Context, ext string) (u *User, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		u, err = s.getUser(ctx, tx, "UserByExternalID", ext)
		return err
	})
	return u, err
}

// UserFilter narrows ListUsers and CountUsers.
type UserFilter struct {
	Role           string
	Roles          []string // any of these roles (with Role, if given)
	OrganizationID int64
	GroupID        int64
	Query          string // substring of name or email, case-insensitive
	ExternalID     string // exactly this external id
	// HiddenBrands are the restricted brands whose users do not exist for
	// the viewer (brand.Scope.Hidden).
	HiddenBrands []int64
	Page
}

// partitioned adds the restricted partition condition (brand.VisibleSQL
// over col, bound at param) to a list or count query.
func partitioned(q, col, param string) string {
	cond := " AND " + brand.VisibleSQL(col, param) + " "
	q = strings.TrimSuffix(strings.TrimSpace(q), ";")
	if i := strings.LastIndex(q, "ORDER BY"); i >= 0 {
		return q[:i] + cond + q[i:]
	}
	return q + cond
}

func (f UserFilter) args() []any {
	roles := ""
	if f.Role != "" || len(f.Roles) > 0 {
		roles = " " + strings.Join(append([]string{f.Role}, f.Roles...), " ") + " "
	}
	return []any{roles, f.OrganizationID, f.GroupID, likePattern(f.Query), f.AfterID, f.ExternalID}
}

// checkQuery checks a search query: storable text of at most
// limits.QueryBytes.
func checkQuery(q string) error {
	if p := limits.Problem(q); p != "" {
		return errs.Invalid("query", p)
	}
	if len(q) > limits.QueryBytes {
		return errs.Invalid("query", limits.TooLongBytes(limits.QueryBytes))
	}
	return nil
}

// ListUsers lists users by id.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	if err := checkQuery(f.Query); err != nil {
		return nil, err
	}
	return db.ReadList(ctx, s.d, partitioned(s.q.Get("ListUsers"), "u.brand_id", "$9"),
		append(f.args(), f.limit(), f.Offset, brand.Encode(f.HiddenBrands)), scanUser)
}

// CountUsers counts the users matching f (pagination fields ignored except AfterID).
func (s *Store) CountUsers(ctx context.Context, f UserFilter) (int, error) {
	if err := checkQuery(f.Query); err != nil {
		return 0, err
	}
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, partitioned(s.q.Get("CountUsers"), "u.brand_id", "$7"), append(f.args(), brand.Encode(f.HiddenBrands))...).Scan(&n)
	})
	return n, err
}

// checkStaff verifies that id names an agent or admin.
func (s *Store) checkStaff(ctx context.Context, tx *db.Tx, id int64, field string) error {
	var role string
	err := tx.QueryRowContext(ctx, s.q.Get("UserRole"), id).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Invalid(field, "does not refer to an existing user")
	}
	if err != nil {
		return err
	}
	if !IsStaff(role) {
		return errs.Invalid(field, "must be an agent or admin")
	}
	return nil
}

func (s *Store) checkUserRefs(ctx context.Context, tx *db.Tx, u *User) error {
	if u.CustomRoleID != nil {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("CustomRoleExists"), *u.CustomRoleID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("custom_role_id", "does not refer to an existing custom role")
		}
	}
	if u.ManagerID != nil {
		if err := s.checkStaff(ctx, tx, *u.ManagerID, "manager_id"); err != nil {
			return err
		}
	}
	if u.OrganizationID != nil {
		if _, err := s.getOrg(ctx, tx, "GetOrganization", *u.OrganizationID); err != nil {
			if errs.Is(err, errs.KindNotFound) {
				return errs.Invalid("organization_id", "does not refer to an existing organization")
			}
			return err
		}
	}
	return nil
}

// CreateUser adds a user. Defaults: role end-user, active, UTC, en-US.
func (s *Store) CreateUser(ctx context.Context, actor audit.Actor, in UserInput) (*User, error) {
	u := &User{Role: RoleEndUser, Active: true, TimeZone: "UTC", Locale: "en-US", Tags: []string{}, Trainings: []string{}}
	if err := in.check(); err != nil {
		return nil, err
	}
	in.apply(u)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := in.checkLists(u, nil, s.limits); err != nil {
		return nil, err
	}
	var out *User
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkUserRefs(ctx, tx, u); err != nil {
			return err
		}
		if err := s.checkUser(ctx, tx, nil, u); err != nil {
			return err
		}
		var email any
		if u.Email != "" {
			email = u.Email
		}
		var id int64
		err := tx.QueryRowContext(ctx, s.q.Get("InsertUser"), u.Name, email, u.Role, u.Active, u.Suspended,
			nullInt(u.OrganizationID), nullStr(u.ExternalID), u.Phone, u.TimeZone, u.Locale, u.Details, u.Notes,
			tags.Encode(u.Tags), u.JobTitle, u.JobFamily, u.Grade, u.Region, nullInt(u.ManagerID),
			u.VerifiedCitizenship, db.TS(tx.Now), nullInt(u.CustomRoleID)).Scan(&id)
		if err != nil {
			return userConflict(err)
		}
		if err := s.syncTrainings(ctx, tx, id, nil, u.Trainings); err != nil {
			return err
		}
		if u.OrganizationID != nil {
			if _, err := s.addOrgMembership(ctx, tx, actor, id, *u.OrganizationID, true); err != nil {
				return err
			}
		}
		if out, err = s.getUser(ctx, tx, "GetUser", id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "user.created", "user", id, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// userConflict names the field of a unique violation on users.
func userConflict(err error) error {
	if !db.IsUnique(err) {
		return db.MapError(err, "user")
	}
	msg := err.Error()
	if strings.Contains(msg, "external_id") {
		return errs.Invalid("external_id", "has already been taken")
	}
	return errs.Invalid("email", "has already been taken")
}

func (s *Store) syncTrainings(ctx context.Context, tx *db.Tx, userID int64, before, after []string) error {
	had := map[string]bool{}
	for _, t := range before {
		had[t] = true
	}
	keep := map[string]bool{}
	for _, t := range after {
		keep[t] = true
		if !had[t] {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertTraining"), userID, t, db.TS(tx.Now)); err != nil {
				return err
			}
		}
	}
	for _, t := range before {
		if !keep[t] {
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteTraining"), userID, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateUser changes the given fields of a user.
func (s *Store) UpdateUser(ctx context.Context, actor audit.Actor, id int64, in UserInput) (*User, error) {
	var out *User
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getUser(ctx, tx, "GetUser", id)
		if err != nil {
			return err
		}
		u := *before
		u.Tags = append([]string(nil), before.Tags...)
		u.Trainings = append([]string(nil), before.Trainings...)
		if err := in.check(); err != nil {
			return err
		}
		in.apply(&u)
		if err := u.Validate(); err != nil {
			return err
		}
		if err := in.checkLists(&u, before, s.limits); err != nil {
			return err
		}
		if err := s.checkUserRefs(ctx, tx, &u); err != nil {
			return err
		}
		if err := s.checkUser(ctx, tx, before, &u); err != nil {
			return err
		}
		var email any
		if u.Email != "" {
			email = u.Email
		}
		_, err = tx.ExecContext(ctx, s.q.Get("UpdateUser"), id, u.Name, email, u.Role, u.Active, u.Suspended,
			nullInt(u.OrganizationID), nullStr(u.ExternalID), u.Phone, u.TimeZone, u.Locale, u.Details, u.Notes,
			tags.Encode(u.Tags), u.JobTitle, u.JobFamily, u.Grade, u.Region, nullInt(u.ManagerID),
			u.VerifiedCitizenship, db.TS(tx.Now), nullInt(u.CustomRoleID))
		if err != nil {
			return userConflict(err)
		}
		if err := s.syncTrainings(ctx, tx, id, before.Trainings, u.Trainings); err != nil {
			return err
		}
		if u.OrganizationID != nil && !sameID(u.OrganizationID, before.OrganizationID) {
			if _, err := s.addOrgMembership(ctx, tx, actor, id, *u.OrganizationID, true); err != nil {
				return err
			}
		}
		if out, err = s.getUser(ctx, tx, "GetUser", id); err != nil {
			return err
		}
		if before.Role != out.Role {
			if err := s.audit.Record(ctx, tx, actor, "user.role_changed", "user", id,
				map[string]string{"role": before.Role}, map[string]string{"role": out.Role}); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, actor, "user.updated", "user", id, before, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// DeactivateUser is Zendesk's user deletion: the user stays for history but
// can no longer sign in.
func (s *Store) DeactivateUser(ctx context.Context, actor audit.Actor, id int64) (*User, error) {
	f := false
	return s.UpdateUser(ctx, actor, id, UserInput{Active: &f})
}

// --- organizations -------------------------------------------------------------

func scanOrg(r scanner) (*Organization, error) {
	var o Organization
	var ext sql.NullString
	var ase, grp sql.NullInt64
	var tagText, domains string
	err := r.Scan(&o.ID, &o.Name, &ext, &o.Details, &o.Notes, &o.SupportPlan, &o.Tier, &ase, &grp,
		&o.SharedTickets, &o.SharedComments, &tagText, db.Time(&o.CreatedAt), db.Time(&o.UpdatedAt), &domains, &o.Region)
	if err != nil {
		return nil, err
	}
	if ext.Valid {
		o.ExternalID = &ext.String
	}
	if ase.Valid {
		o.ASEUserID = &ase.Int64
	}
	if grp.Valid {
		o.GroupID = &grp.Int64
	}
	o.Tags, o.DomainNames = tags.Decode(tagText), tags.Decode(domains)
	return &o, nil
}

func (s *Store) getOrg(ctx context.Context, tx *db.Tx, query string, arg any) (*Organization, error) {
	o, err := scanOrg(tx.QueryRowContext(ctx, s.q.Get(query), arg))
	if err != nil {
		return nil, db.MapError(err, "organization")
	}
	return o, nil
}

func (s *Store) readOrg(ctx context.Context, query string, arg any) (o *Organization, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		o, err = s.getOrg(ctx, tx, query, arg)
		return err
	})
	return o, err
}

// GetOrganization returns one organization.
func (s *Store) GetOrganization(ctx context.Context, id int64) (*Organization, error) {
	return s.readOrg(ctx, "GetOrganization", id)
}

// OrganizationByExternalID finds an organization by external id.
func (s *Store) OrganizationByExternalID(ctx context.Context, ext string) (*Organization, error) {
	return s.readOrg(ctx, "OrganizationByExternalID", ext)
}

// OrganizationByName finds an organization by name, ignoring case.
func (s *Store) OrganizationByName(ctx context.Context, name string) (*Organization, error) {
	return s.readOrg(ctx, "OrganizationByName", strings.TrimSpace(name))
}

// OrganizationForEmail finds the organization owning the address's domain.
func (s *Store) OrganizationForEmail(ctx context.Context, email string) (*Organization, error) {
	_, domain, ok := strings.Cut(strings.TrimSpace(email), "@")
	if !ok || domain == "" {
		return nil, errs.NotFound("organization")
	}
	return s.readOrg(ctx, "OrganizationByDomain", strings.ToLower(domain))
}

// OrgFilter narrows ListOrganizations.
type OrgFilter struct {
	Query string
	// HiddenBrands are the restricted brands whose organizations do not
	// exist for the viewer (brand.Scope.Hidden).
	HiddenBrands []int64
	Page
}

// ListOrganizations lists organizations by id.
func (s *Store) ListOrganizations(ctx context.Context, f OrgFilter) ([]Organization, error) {
	if err := checkQuery(f.Query); err != nil {
		return nil, err
	}
	return db.ReadList(ctx, s.d, partitioned(s.q.Get("ListOrganizations"), "o.brand_id", "$5"),
		[]any{likePattern(f.Query), f.AfterID, f.limit(), f.Offset, brand.Encode(f.HiddenBrands)}, scanOrg)
}

// CountOrganizations counts organizations matching f.
func (s *Store) CountOrganizations(ctx context.Context, f OrgFilter) (int, error) {
	if err := checkQuery(f.Query); err != nil {
		return 0, err
	}
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, partitioned(s.q.Get("CountOrganizations"), "o.brand_id", "$3"), likePattern(f.Query), f.AfterID,
			brand.Encode(f.HiddenBrands)).Scan(&n)
	})
	return n, err
}

func (s *Store) checkOrgRefs(ctx context.Context, tx *db.Tx, o *Organization) error {
	if o.ASEUserID != nil {
		if err := s.checkStaff(ctx, tx, *o.ASEUserID, "assigned_support_engineer_id"); err != nil {
			return err
		}
	}
	if o.GroupID != nil {
		g, err := s.getGroup(ctx, tx, *o.GroupID)
		if err != nil || g.Deleted {
			if err == nil || errs.Is(err, errs.KindNotFound) {
				return errs.Invalid("group_id", "does not refer to an existing group")
			}
			return err
		}
	}
	for _, d := range o.DomainNames {
		var owner int64
		err := tx.QueryRowContext(ctx, s.q.Get("DomainOwner"), d).Scan(&owner)
		if err == nil && owner != o.ID {
			return errs.Invalid("domain_names", d+" is already used by another organization")
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}

func (s *Store) writeDomains(ctx context.Context, tx *db.Tx, o *Organization) error {
	if _, err := tx.ExecContext(ctx, s.q.Get("DeleteDomains"), o.ID); err != nil {
		return err
	}
	for _, d := range o.DomainNames {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertDomain"), o.ID, d); err != nil {
			return duplicate(err, "domain_names")
		}
	}
	return nil
}

func orgConflict(err error) error {
	if !db.IsUnique(err) {
		return db.MapError(err, "organization")
	}
	if strings.Contains(err.Error(), "external_id") {
		return errs.Invalid("external_id", "has already been taken")
	}
	return errs.Invalid("name", "has already been taken")
}

// CreateOrganization adds an organization (defaults: self-managed, free tier).
func (s *Store) CreateOrganization(ctx context.Context, actor audit.Actor, in OrganizationInput) (*Organization, error) {
	o := &Organization{SupportPlan: PlanSelfManaged, Tier: "free", Tags: []string{}, DomainNames: []string{}}
	if err := in.check(); err != nil {
		return nil, err
	}
	in.apply(o)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := in.checkLists(o, nil, s.limits); err != nil {
		return nil, err
	}
	var out *Organization
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkOrgRefs(ctx, tx, o); err != nil {
			return err
		}
		if err := s.checkOrganization(ctx, tx, nil, o); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, s.q.Get("InsertOrganization"), o.Name, nullStr(o.ExternalID), o.Details, o.Notes,
			o.SupportPlan, o.Tier, nullInt(o.ASEUserID), nullInt(o.GroupID), o.SharedTickets, o.SharedComments,
			tags.Encode(o.Tags), db.TS(tx.Now), o.Region).Scan(&o.ID)
		if err != nil {
			return orgConflict(err)
		}
		if err := s.writeDomains(ctx, tx, o); err != nil {
			return err
		}
		if out, err = s.getOrg(ctx, tx, "GetOrganization", o.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "organization.created", "organization", o.ID, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateOrganization changes the given fields of an organization.
func (s *Store) UpdateOrganization(ctx context.Context, actor audit.Actor, id int64, in OrganizationInput) (*Organization, error) {
	var out *Organization
	regionChanged := false
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getOrg(ctx, tx, "GetOrganization", id)
		if err != nil {
			return err
		}
		o := *before
		if err := in.check(); err != nil {
			return err
		}
		in.apply(&o)
		if err := o.Validate(); err != nil {
			return err
		}
		if err := in.checkLists(&o, before, s.limits); err != nil {
			return err
		}
		if err := s.checkOrgRefs(ctx, tx, &o); err != nil {
			return err
		}
		if err := s.checkOrganization(ctx, tx, before, &o); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q.Get("UpdateOrganization"), id, o.Name, nullStr(o.ExternalID), o.Details, o.Notes,
			o.SupportPlan, o.Tier, nullInt(o.ASEUserID), nullInt(o.GroupID), o.SharedTickets, o.SharedComments,
			tags.Encode(o.Tags), db.TS(tx.Now), o.Region)
		if err != nil {
			return orgConflict(err)
		}
		if in.DomainNames != nil {
			if err := s.writeDomains(ctx, tx, &o); err != nil {
				return err
			}
		}
		if out, err = s.getOrg(ctx, tx, "GetOrganization", id); err != nil {
			return err
		}
		regionChanged = before.Region != out.Region
		return s.audit.Record(ctx, tx, actor, "organization.updated", "organization", id, before, out)
	})
	if err != nil {
		return nil, err
	}
	if regionChanged {
		for _, h := range s.onRegion {
			h(ctx, id)
		}
	}
	return out, nil
}

// DeleteOrganization removes an organization; its users stay, without it.
func (s *Store) DeleteOrganization(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getOrg(ctx, tx, "GetOrganization", id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteOrganization"), id); err != nil {
			return db.MapError(err, "organization")
		}
		return s.audit.Record(ctx, tx, actor, "organization.deleted", "organization", id, before, nil)
	})
}

// --- groups --------------------------------------------------------------------

func scanGroup(r scanner) (*Group, error) {
	var g Group
	if err := r.Scan(&g.ID, &g.Name, &g.Description, &g.IsPublic, &g.Deleted, db.Time(&g.CreatedAt), db.Time(&g.UpdatedAt)); err != nil {
		return nil, err
	}
	return &g, nil
}

func (s *Store) getGroup(ctx context.Context, tx *db.Tx, id int64) (*Group, error) {
	g, err := scanGroup(tx.QueryRowContext(ctx, s.q.Get("GetGroup"), id))
	if err != nil {
		return nil, db.MapError(err, "group")
	}
	return g, nil
}

// GetGroup returns one group (deleted ones included).
func (s *Store) GetGroup(ctx context.Context, id int64) (g *Group, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		g, err = s.getGroup(ctx, tx, id)
		return err
	})
	return g, err
}

// GroupFilter narrows ListGroups.
type GroupFilter struct {
	IncludeDeleted bool
	Page
}

// ListGroups lists groups by id.
func (s *Store) ListGroups(ctx context.Context, f GroupFilter) ([]Group, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListGroups"), []any{f.IncludeDeleted, f.AfterID, f.limit(), f.Offset}, scanGroup)
}

// CountGroups counts groups matching f.
func (s *Store) CountGroups(ctx context.Context, f GroupFilter) (int, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountGroups"), f.IncludeDeleted, f.AfterID).Scan(&n)
	})
	return n, err
}

func (in *GroupInput) apply(g *Group) {
	set(&g.Name, in.Name)
	set(&g.Description, in.Description)
	set(&g.IsPublic, in.IsPublic)
}

// CreateGroup adds a group.
func (s *Store) CreateGroup(ctx context.Context, actor audit.Actor, in GroupInput) (*Group, error) {
	g := &Group{IsPublic: true}
	if err := in.check(); err != nil {
		return nil, err
	}
	in.apply(g)
	if err := g.Validate(); err != nil {
		return nil, err
	}
	var out *Group
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertGroup"), g.Name, g.Description, g.IsPublic, db.TS(tx.Now)).Scan(&g.ID); err != nil {
			return duplicate(err, "name")
		}
		var err error
		if out, err = s.getGroup(ctx, tx, g.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "group.created", "group", g.ID, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateGroup changes the given fields of a group.
func (s *Store) UpdateGroup(ctx context.Context, actor audit.Actor, id int64, in GroupInput) (*Group, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return s.writeGroup(ctx, actor, id, "group.updated", func(g *Group) error {
		in.apply(g)
		return g.Validate()
	})
}

// DeleteGroup marks a group deleted and removes its memberships.
func (s *Store) DeleteGroup(ctx context.Context, actor audit.Actor, id int64) error {
	_, err := s.writeGroup(ctx, actor, id, "group.deleted", func(g *Group) error {
		g.Deleted = true
		return nil
	})
	return err
}

func (s *Store) writeGroup(ctx context.Context, actor audit.Actor, id int64, action string, change func(*Group) error) (*Group, error) {
	var out *Group
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		before, err := s.getGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Deleted {
			return errs.NotFound("group")
		}
		g := *before
		if err := change(&g); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateGroup"), id, g.Name, g.Description, g.IsPublic, g.Deleted, db.TS(tx.Now)); err != nil {
			return duplicate(err, "name")
		}
		if g.Deleted {
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteGroupMemberships"), id); err != nil {
				return err
			}
		}
		if out, err = s.getGroup(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, action, "group", id, before, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- memberships ---------------------------------------------------------------

// MembershipFilter narrows membership lists: UserID and/or OtherID (the
// organization or group).
type MembershipFilter struct {
	UserID, OtherID int64
	Page
}

func scanMembership(r scanner) (*Membership, error) {
	var m Membership
	if err := r.Scan(&m.ID, &m.UserID, &m.OtherID, &m.IsDefault, db.Time(&m.CreatedAt), db.Time(&m.UpdatedAt)); err != nil {
		return nil, err
	}
	return &m, nil
}

func (s *Store) listMemberships(ctx context.Context, query string, f MembershipFilter) ([]Membership, error) {
	return db.ReadList(ctx, s.d, s.q.Get(query), []any{f.UserID, f.OtherID, f.AfterID, f.limit(), f.Offset}, scanMembership)
}

// membershipsOf lists, in one read, the memberships query returns for each id.
func (s *Store) membershipsOf(ctx context.Context, query string, ids []int64) ([]Membership, error) {
	out := []Membership{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		for _, id := range ids {
			rows, err := tx.QueryContext(ctx, s.q.Get(query), id)
			if err != nil {
				return err
			}
			for rows.Next() {
				m, err := scanMembership(rows)
				if err != nil {
					rows.Close()
					return err
				}
				out = append(out, *m)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// GroupMembershipsOfUsers lists the group memberships of the given users
// (for side-loading their groups).
func (s *Store) GroupMembershipsOfUsers(ctx context.Context, userIDs []int64) ([]Membership, error) {
	return s.membershipsOf(ctx, "GroupMembershipsOfUser", userIDs)
}

// GroupMembershipsOfGroups lists the memberships of the given groups (for
// side-loading their members).
func (s *Store) GroupMembershipsOfGroups(ctx context.Context, groupIDs []int64) ([]Membership, error) {
	return s.membershipsOf(ctx, "GroupMembershipsOfGroup", groupIDs)
}

// OrganizationMembershipsOfUsers lists the organization memberships of the
// given users (for side-loading their organizations).
func (s *Store) OrganizationMembershipsOfUsers(ctx context.Context, userIDs []int64) ([]Membership, error) {
	return s.membershipsOf(ctx, "OrgMembershipsOfUser", userIDs)
}

func (s *Store) countMemberships(ctx context.Context, query string, f MembershipFilter) (int, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get(query), f.UserID, f.OtherID, f.AfterID).Scan(&n)
	})
	return n, err
}

func (s *Store) getMembership(ctx context.Context, query string, id int64, what string) (m *Membership, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		m, err = scanMembership(tx.QueryRowContext(ctx, s.q.Get(query), id))
		return db.MapError(err, what)
	})
	return m, err
}

func (s *Store) userExists(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var role string
	err := tx.QueryRowContext(ctx, s.q.Get("UserRole"), id).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.Invalid("user_id", "does not refer to an existing user")
	}
	return role, err
}

func (s *Store) addOrgMembership(ctx context.Context, tx *db.Tx, actor audit.Actor, userID, orgID int64, isDefault bool) (*Membership, error) {
	if _, err := s.userExists(ctx, tx, userID); err != nil {
		return nil, err
	}
	if _, err := s.getOrg(ctx, tx, "GetOrganization", orgID); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return nil, errs.Invalid("organization_id", "does not refer to an existing organization")
		}
		return nil, err
	}
	m, err := scanMembership(tx.QueryRowContext(ctx, s.q.Get("OrgMembershipByPair"), userID, orgID))
	created := false
	if errors.Is(err, sql.ErrNoRows) {
		created = true
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertOrgMembership"), userID, orgID, false, db.TS(tx.Now)).Scan(&id); err != nil {
			return nil, db.MapError(err, "organization membership")
		}
		m = &Membership{ID: id, UserID: userID, OtherID: orgID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
	} else if err != nil {
		return nil, err
	}
	if isDefault && !m.IsDefault {
		if _, err := tx.ExecContext(ctx, s.q.Get("ClearOrgDefaults"), userID, db.TS(tx.Now)); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetOrgDefault"), m.ID, db.TS(tx.Now)); err != nil {
			return nil, err
		}
		m.IsDefault, m.UpdatedAt = true, tx.Now
	}
	if created {
		if err := s.audit.Record(ctx, tx, actor, "organization_membership.created", "organization_membership", m.ID, nil, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// AddOrganizationMembership puts a user in an organization; adding an
// existing pair returns it unchanged (except for becoming the default).
func (s *Store) AddOrganizationMembership(ctx context.Context, actor audit.Actor, userID, orgID int64, isDefault bool) (m *Membership, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		m, err = s.addOrgMembership(ctx, tx, actor, userID, orgID, isDefault)
		return err
	})
	return m, err
}

// GetOrganizationMembership returns one organization membership.
func (s *Store) GetOrganizationMembership(ctx context.Context, id int64) (*Membership, error) {
	return s.getMembership(ctx, "GetOrgMembership", id, "organization membership")
}

// ListOrganizationMemberships lists organization memberships.
func (s *Store) ListOrganizationMemberships(ctx context.Context, f MembershipFilter) ([]Membership, error) {
	return s.listMemberships(ctx, "ListOrgMemberships", f)
}

// CountOrganizationMemberships counts organization memberships.
func (s *Store) CountOrganizationMemberships(ctx context.Context, f MembershipFilter) (int, error) {
	return s.countMemberships(ctx, "CountOrgMemberships", f)
}

// RemoveOrganizationMembership takes a user out of an organization (and
// clears it as the user's organization).
func (s *Store) RemoveOrganizationMembership(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		m, err := scanMembership(tx.QueryRowContext(ctx, s.q.Get("GetOrgMembership"), id))
		if err != nil {
			return db.MapError(err, "organization membership")
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteOrgMembership"), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("ClearUserOrganization"), m.UserID, m.OtherID, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "organization_membership.deleted", "organization_membership", id, m, nil)
	})
}

// AddGroupMembership puts an agent or admin in a group.
func (s *Store) AddGroupMembership(ctx context.Context, actor audit.Actor, userID, groupID int64, isDefault bool) (*Membership, error) {
	var m *Membership
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		role, err := s.userExists(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !IsStaff(role) {
			return errs.Invalid("user_id", "must be an agent or admin")
		}
		g, err := s.getGroup(ctx, tx, groupID)
		if errs.Is(err, errs.KindNotFound) || (err == nil && g.Deleted) {
			return errs.Invalid("group_id", "does not refer to an existing group")
		}
		if err != nil {
			return err
		}
		m, err = scanMembership(tx.QueryRowContext(ctx, s.q.Get("GroupMembershipByPair"), userID, groupID))
		if err == nil {
			return nil // idempotent
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if isDefault {
			if _, err := tx.ExecContext(ctx, s.q.Get("ClearGroupDefaults"), userID, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertGroupMembership"), userID, groupID, isDefault, db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "group membership")
		}
		m = &Membership{ID: id, UserID: userID, OtherID: groupID, IsDefault: isDefault, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		return s.audit.Record(ctx, tx, actor, "group_membership.created", "group_membership", id, nil, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// GetGroupMembership returns one group membership.
func (s *Store) GetGroupMembership(ctx context.Context, id int64) (*Membership, error) {
	return s.getMembership(ctx, "GetGroupMembership", id, "group membership")
}

// ListGroupMemberships lists group memberships.
func (s *Store) ListGroupMemberships(ctx context.Context, f MembershipFilter) ([]Membership, error) {
	return s.listMemberships(ctx, "ListGroupMemberships", f)
}

// CountGroupMemberships counts group memberships.
func (s *Store) CountGroupMemberships(ctx context.Context, f MembershipFilter) (int, error) {
	return s.countMemberships(ctx, "CountGroupMemberships", f)
}

// RemoveGroupMembership takes a user out of a group.
func (s *Store) RemoveGroupMembership(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		m, err := scanMembership(tx.QueryRowContext(ctx, s.q.Get("GetGroupMembership"), id))
		if err != nil {
			return db.MapError(err, "group membership")
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteGroupMembership"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "group_membership.deleted", "group_membership", id, m, nil)
	})
}

// --- settings ------------------------------------------------------------------

// GetSetting returns a setting's value and whether it is set.
func (s *Store) GetSetting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("GetSetting"), key).Scan(&value)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting stores a setting, audited with its old and new value.
func (s *Store) SetSetting(ctx context.Context, actor audit.Actor, key, value string) error {
	key = strings.TrimSpace(key)
	var v errs.Validation
	if limits.CheckLine(&v, "key", &key, 200) {
		v.Check(key != "", "key", "must be 1 to 200 characters")
	}
	limits.CheckText(&v, "value", &value, limits.LongTextBytes)
	if err := v.Err(); err != nil {
		return err
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		var before any
		var old string
		err := tx.QueryRowContext(ctx, s.q.Get("GetSetting"), key).Scan(&old)
		switch {
		case err == nil:
			before = map[string]string{"key": key, "value": old}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpsertSetting"), key, value, db.TS(tx.Now)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "setting.updated", "setting", 0, before, map[string]string{"key": key, "value": value})
	})
}

// AllSettings returns every setting.
func (s *Store) AllSettings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("AllSettings"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			out[k] = v
		}
		return rows.Err()
	})
	return out, err
}
