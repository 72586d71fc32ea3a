package changecontrol

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

//go:embed queries.sql
var sqlFiles embed.FS

// SettingRequireApproval is the settings key of the approval requirement.
const SettingRequireApproval = "change_control.require_approval"

// Store keeps configuration changes and reads versions from the audit log.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
}

// NewStore returns the change store of d.
func NewStore(d *db.DB, a *audit.Log) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a}
}

func raw(s sql.NullString) json.RawMessage {
	if !s.Valid || s.String == "" {
		return nil
	}
	return json.RawMessage(s.String)
}

func rawText(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

func scanChange(r db.Scanner) (*Change, error) {
	var c Change
	var body string
	var oid, code, by, dec, rev sql.NullInt64
	var before, result sql.NullString
	if err := r.Scan(&c.ID, &c.Status, &c.Emergency, &c.Method, &c.Path, &body, &c.Description, &c.ObjectType, &oid, &before,
		&code, &result, &by, db.Time(&c.ProposedAt), &dec, db.TimePtr(&c.DecidedAt), &rev, db.TimePtr(&c.ReviewedAt)); err != nil {
		return nil, err
	}
	if body != "" {
		c.Body = json.RawMessage(body)
	}
	c.ObjectID, c.ProposedBy, c.DecidedBy, c.ReviewedBy = db.IDPtr(oid), db.IDPtr(by), db.IDPtr(dec), db.IDPtr(rev)
	c.Before, c.Result = raw(before), raw(result)
	if code.Valid {
		n := int(code.Int64)
		c.ResultCode = &n
	}
	if c.Status == "applying" { // claimed by an approval still running
		c.Status = Pending
	}
	c.NeedsReview = c.Emergency && c.ReviewedAt == nil
	return &c, nil
}

// Proposal is a change to record.
type Proposal struct {
	Method, Path string
	Body         json.RawMessage
	Description  string
	Before       json.RawMessage // the object as it is (nil for a creation)
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, actor audit.Actor, p Proposal, status string, emergency bool, code *int, result json.RawMessage) (int64, error) {
	g, oid, ok := Target(p.Method, p.Path)
	if !ok {
		return 0, errs.Invalid("path", fmt.Sprintf("%s %s is not a change to configuration under change control", p.Method, p.Path))
	}
	if len(p.Description) > 2000 {
		return 0, errs.Invalid("description", "must be at most 2000 characters")
	}
	var by *int64
	if actor.ID != 0 {
		by = &actor.ID
	}
	var c any
	var dec, decAt any
	if code != nil {
		c = *code
		dec, decAt = db.NullID(by), db.TS(tx.Now)
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.q.Get("Insert"), status, emergency, p.Method, p.Path, string(p.Body), p.Description, g.ObjectType,
		db.NullID(oid), rawText(p.Before), c, rawText(result), db.NullID(by), db.TS(tx.Now), dec, decAt).Scan(&id)
	return id, err
}

// Propose records a change for a second admin to approve.
func (s *Store) Propose(ctx context.Context, actor audit.Actor, p Proposal) (*Change, error) {
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = s.insert(ctx, tx, actor, p, Pending, false, nil, nil); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "config_change.proposed", "config_change", id, nil,
			map[string]any{"method": p.Method, "path": p.Path, "description": p.Description})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// RecordDirect records a change made directly: an emergency change (to be
// reviewed), or any change when approval is not required, with its outcome.
func (s *Store) RecordDirect(ctx context.Context, actor audit.Actor, p Proposal, emergency bool, code int, result json.RawMessage) (*Change, error) {
	status := Applied
	if code >= 300 {
		status = Failed
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = s.insert(ctx, tx, actor, p, status, emergency, &code, result); err != nil {
			return err
		}
		if !emergency {
			return nil
		}
		return s.audit.Record(ctx, tx, actor, "config_change.emergency", "config_change", id, nil,
			map[string]any{"method": p.Method, "path": p.Path, "description": p.Description, "status": code})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Get returns a change.
func (s *Store) Get(ctx context.Context, id int64) (c *Change, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		c, err = scanChange(tx.QueryRowContext(ctx, s.q.Get("Get"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("config change")
		}
		return err
	})
	return c, err
}

// Filter selects changes.
type Filter struct {
	Status      string
	NeedsReview bool
	Page        people.Page
}

// List returns changes oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Change, error) {
	return db.ReadList(ctx, s.d, s.q.Get("List"), []any{f.Page.AfterID, f.Status, f.NeedsReview, f.Page.Size(), max(f.Page.Offset, 0)}, scanChange)
}

// Count counts changes.
func (s *Store) Count(ctx context.Context, f Filter) (n int, err error) {
	err = s.d.QueryRow(ctx, s.q.Get("Count"), []any{f.Status, f.NeedsReview}, &n)
	return n, err
}

// Approve claims a pending change for approver (the four-eyes rule
// checked) and runs apply, which makes the change and returns its HTTP
// status and body; the outcome is recorded. A change is applied at most
// once, however many approvals race.
func (s *Store) Approve(ctx context.Context, approver audit.Actor, id int64, apply func(c *Change) (int, json.RawMessage, *int64)) (*Change, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := CheckApproval(*c, approver.ID); err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("Claim"), id, approver.ID, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("change %d was decided meanwhile", id)
		}
		return s.audit.Record(ctx, tx, approver, "config_change.approved", "config_change", id, nil, map[string]any{"path": c.Path})
	})
	if err != nil {
		return nil, err
	}
	code, result, oid := apply(c)
	status := Applied
	if code >= 300 {
		status = Failed
	}
	err = s.d.Write(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("Finish"), id, status, code, rawText(result), db.NullID(oid))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Reject turns a pending change down.
func (s *Store) Reject(ctx context.Context, actor audit.Actor, id int64, reason string) (*Change, error) {
	why, _ := json.Marshal(map[string]string{"reason": reason})
	return s.settle(ctx, actor, id, func(c Change) error { return CheckApproval(c, actor.ID) },
		"Reject", []any{id, actor.ID, nil, string(why)}, "config_change.rejected", map[string]any{"reason": reason})
}

// Review marks an emergency change as reviewed after the fact.
func (s *Store) Review(ctx context.Context, actor audit.Actor, id int64, note string) (*Change, error) {
	return s.settle(ctx, actor, id, func(c Change) error { return CheckReview(c, actor.ID) },
		"Review", []any{id, actor.ID, nil}, "config_change.reviewed", map[string]any{"note": note})
}

// settle checks a change against rule and runs query (its third argument
// is set to the transaction's time), audited as action.
func (s *Store) settle(ctx context.Context, actor audit.Actor, id int64, rule func(Change) error, query string, args []any, action string, after map[string]any) (*Change, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		c, err := scanChange(tx.QueryRowContext(ctx, s.q.Get("Get"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("config change")
		}
		if err != nil {
			return err
		}
		if err := rule(*c); err != nil {
			return err
		}
		args[2] = db.TS(tx.Now)
		if _, err := tx.ExecContext(ctx, s.q.Get(query), args...); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, action, "config_change", id, nil, after)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Versions lists the versions of a guarded object, oldest first (1..n).
func (s *Store) Versions(ctx context.Context, objectType string, objectID int64) ([]Version, error) {
	if _, ok := GuardedType(objectType); !ok {
		return nil, errs.BadRequest("object_type: %q is not configuration under change control", objectType)
	}
	vs, err := db.ReadList(ctx, s.d, s.q.Get("Versions"), []any{objectType, objectID, objectType + ".create", objectType + ".update", objectType + ".delete"}, scanVersion)
	for i := range vs {
		vs[i].Version = i + 1
	}
	return vs, err
}

func scanVersion(r db.Scanner) (*Version, error) {
	var v Version
	var actor sql.NullInt64
	var after sql.NullString
	if err := r.Scan(&v.ID, &v.Action, &v.ObjectType, &v.ObjectID, &actor, db.Time(&v.CreatedAt), &after); err != nil {
		return nil, err
	}
	v.ActorID, v.Snapshot = db.IDPtr(actor), raw(after)
	return &v, nil
}

// Version returns one version by its audit entry's id.
func (s *Store) Version(ctx context.Context, auditID int64) (*Version, error) {
	var typ string
	var oid sql.NullInt64
	err := s.d.QueryRow(ctx, "SELECT object_type, object_id FROM audit_log WHERE id = $1", []any{auditID}, &typ, &oid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !oid.Valid) {
		return nil, errs.NotFound("config version")
	}
	if err != nil {
		return nil, err
	}
	if _, ok := GuardedType(typ); !ok {
		return nil, errs.NotFound("config version")
	}
	vs, err := s.Versions(ctx, typ, oid.Int64)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.ID == auditID {
			return &v, nil
		}
	}
	return nil, errs.NotFound("config version")
}
