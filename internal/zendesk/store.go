package zendesk

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store persists custom fields, forms, field values, identities and job
// statuses.
type Store struct {
	d     *db.DB
	q     *db.Queries
	queue *jobs.Queue // nil: bulk jobs run in the request
	run   Runner
	batch BatchRunner
}

// NewStore returns the store of d.
func NewStore(d *db.DB) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
}

// DB is the store's database (the jobs run their writes on it).
func (s *Store) DB() *db.DB { return s.d }

func checkKind(kind string) error {
	if kind != KindTicket && kind != KindUser && kind != KindOrganization {
		return errs.Invalid("kind", "must be ticket, user or organization")
	}
	return nil
}

func scanField(r db.Scanner) (*Field, error) {
	var f Field
	var re, tag, opts string
	if err := r.Scan(&f.ID, &f.Kind, &f.Type, &f.Key, &f.Title, &f.Description, &f.Position, &f.Active, &f.Required,
		&re, &tag, &opts, db.Time(&f.CreatedAt), db.Time(&f.UpdatedAt)); err != nil {
		return nil, err
	}
	f.RegexpForValidation, f.Tag, f.RawTitle = nonEmpty(re), nonEmpty(tag), f.Title
	if err := json.Unmarshal([]byte(opts), &f.CustomFieldOptions); err != nil || f.CustomFieldOptions == nil {
		f.CustomFieldOptions = []Option{}
	}
	return &f, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Fields lists the fields of a kind, in position order.
func (s *Store) Fields(ctx context.Context, kind string) ([]Field, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	return db.ReadList(ctx, s.d, s.q.Get("ListFields"), []any{kind}, scanField)
}

// Field returns one field of a kind.
func (s *Store) Field(ctx context.Context, kind string, id int64) (f *Field, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		f, err = s.field(ctx, tx, kind, id)
		return err
	})
	return f, err
}

func (s *Store) field(ctx context.Context, tx *db.Tx, kind string, id int64) (*Field, error) {
	f, err := scanField(tx.QueryRowContext(ctx, s.q.Get("GetField"), id, kind))
	if err != nil {
		return nil, db.MapError(err, kind+" field")
	}
	return f, nil
}

// newOptionIDs numbers new options after the highest id of the field.
func newOptionIDs(f *Field, base int64) {
	next := base * 1000
	for _, o := range f.CustomFieldOptions {
		next = max(next, o.ID)
	}
	for i := range f.CustomFieldOptions {
		if f.CustomFieldOptions[i].ID == 0 {
			next++
			f.CustomFieldOptions[i].ID = next
		}
	}
}

// CreateField adds a field.
func (s *Store) CreateField(ctx context.Context, kind string, in FieldInput) (*Field, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	f := &Field{Kind: kind, Active: true}
	if err := f.Apply(in); err != nil {
		return nil, err
	}
	var out *Field
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var id int64
		opts, _ := json.Marshal(f.CustomFieldOptions)
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertField"), kind, f.Type, f.Key, f.Title, f.Description, f.Position, f.Active,
			f.Required, deref(f.RegexpForValidation), deref(f.Tag), string(opts), tx.Now.UnixMicro()).Scan(&id); err != nil {
			return conflict(err, "key")
		}
		if f.IsChoice() { // option ids are unique across fields: field id * 1000 + n
			newOptionIDs(f, id)
			opts, _ := json.Marshal(f.CustomFieldOptions)
			if _, err := tx.ExecContext(ctx, s.q.Get("UpdateField"), id, f.Type, f.Key, f.Title, f.Description, f.Position, f.Active,
				f.Required, deref(f.RegexpForValidation), deref(f.Tag), string(opts), tx.Now.UnixMicro()); err != nil {
				return err
			}
		}
		var err error
		out, err = s.field(ctx, tx, kind, id)
		return err
	})
	return out, err
}

func isUnique(err error) bool { return errs.Is(db.MapError(err, "x"), errs.KindConflict) }

func conflict(err error, field string) error {
	if isUnique(err) {
		return errs.Invalid(field, "is already taken")
	}
	return err
}

// UpdateField changes a field.
func (s *Store) UpdateField(ctx context.Context, kind string, id int64, in FieldInput) (*Field, error) {
	var out *Field
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		f, err := s.field(ctx, tx, kind, id)
		if err != nil {
			return err
		}
		if in.Type != nil && *in.Type != f.Type {
			return errs.Invalid("type", "Custom field rule: a field's type can't change")
		}
		if err := f.Apply(in); err != nil {
			return err
		}
		newOptionIDs(f, id)
		opts, _ := json.Marshal(f.CustomFieldOptions)
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateField"), id, f.Type, f.Key, f.Title, f.Description, f.Position, f.Active,
			f.Required, deref(f.RegexpForValidation), deref(f.Tag), string(opts), tx.Now.UnixMicro()); err != nil {
			return conflict(err, "key")
		}
		out, err = s.field(ctx, tx, kind, id)
		return err
	})
	return out, err
}

// DeleteField removes a field (stored values stay on tickets, as Zendesk).
func (s *Store) DeleteField(ctx context.Context, kind string, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.field(ctx, tx, kind, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteField"), id, kind)
		return err
	})
}

// --- forms ---------------------------------------------------------------------

func scanForm(r db.Scanner) (*Form, error) {
	var f Form
	var ids string
	if err := r.Scan(&f.ID, &f.Name, &f.DisplayName, &f.Position, &f.Active, &f.Default, &f.EndUserVisible, &ids,
		db.Time(&f.CreatedAt), db.Time(&f.UpdatedAt)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ids), &f.TicketFieldIDs); err != nil || f.TicketFieldIDs == nil {
		f.TicketFieldIDs = []int64{}
	}
	f.RawName, f.RawDisplayName, f.InAllBrands = f.Name, f.DisplayName, true
	return &f, nil
}

// Forms lists the ticket forms.
func (s *Store) Forms(ctx context.Context) ([]Form, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListForms"), nil, scanForm)
}

// Form returns one ticket form.
func (s *Store) Form(ctx context.Context, id int64) (f *Form, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		f, err = s.form(ctx, tx, id)
		return err
	})
	return f, err
}

func (s *Store) form(ctx context.Context, tx *db.Tx, id int64) (*Form, error) {
	f, err := scanForm(tx.QueryRowContext(ctx, s.q.Get("GetForm"), id))
	if err != nil {
		return nil, db.MapError(err, "ticket form")
	}
	return f, nil
}

// checkFormFields requires every field of a form to be a ticket field.
func (s *Store) checkFormFields(ctx context.Context, tx *db.Tx, f *Form) error {
	for _, id := range f.TicketFieldIDs {
		if _, err := s.field(ctx, tx, KindTicket, id); err != nil {
			return errs.Invalid("ticket_field_ids", "Ticket form rule: field "+itoa(id)+" is not a ticket field")
		}
	}
	return nil
}

// SaveForm creates (id 0) or updates a ticket form; a default form makes
// the others non-default.
func (s *Store) SaveForm(ctx context.Context, id int64, in FormInput) (*Form, error) {
	var out *Form
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		f := &Form{Active: true, EndUserVisible: true}
		if id != 0 {
			var err error
			if f, err = s.form(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := f.Apply(in); err != nil {
			return err
		}
		if err := s.checkFormFields(ctx, tx, f); err != nil {
			return err
		}
		ids, _ := json.Marshal(f.TicketFieldIDs)
		now := tx.Now.UnixMicro()
		if id == 0 {
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertForm"), f.Name, f.DisplayName, f.Position, f.Active, f.Default,
				f.EndUserVisible, string(ids), now).Scan(&id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, s.q.Get("UpdateForm"), id, f.Name, f.DisplayName, f.Position, f.Active, f.Default,
			f.EndUserVisible, string(ids), now); err != nil {
			return err
		}
		if f.Default {
			if _, err := tx.ExecContext(ctx, s.q.Get("ClearDefaultForm"), id); err != nil {
				return err
			}
		}
		var err error
		out, err = s.form(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteForm removes a ticket form.
func (s *Store) DeleteForm(ctx context.Context, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.form(ctx, tx, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteForm"), id)
		return err
	})
}

// --- values of users and organizations ---------------------------------------------

// Values returns the custom field values of a user or organization by
// field key; every active field of the kind is present (null when unset).
func (s *Store) Values(ctx context.Context, kind string, ownerIDs []int64) (map[int64]map[string]any, error) {
	fields, err := s.Fields(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[string]any{}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		for _, id := range ownerIDs {
			m := map[string]any{}
			for _, f := range fields {
				m[f.Key] = nil
			}
			var raw string
			err := tx.QueryRowContext(ctx, s.q.Get("GetValues"), kind, id).Scan(&raw)
			if err == nil {
				var stored map[string]any
				_ = json.Unmarshal([]byte(raw), &stored)
				for _, f := range fields {
					if v, ok := stored[f.Key]; ok {
						m[f.Key] = v
					}
				}
			} else if db.MapError(err, "values") != nil && !errs.Is(db.MapError(err, "values"), errs.KindNotFound) {
				return err
			}
			out[id] = m
		}
		return nil
	})
	return out, err
}

// CheckValues normalises the given values of a user or organization
// against the fields of the kind (unknown keys are refused).
func (s *Store) CheckValues(ctx context.Context, kind string, in map[string]any) (map[string]any, error) {
	fields, err := s.Fields(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	prefix := kind + "_fields."
	for k, v := range in {
		i := slices.IndexFunc(fields, func(f Field) bool { return f.Key == k })
		if i < 0 {
			return nil, errs.Invalid(prefix+k, "Custom field rule: there is no "+kind+" field with this key")
		}
		nv, err := fields[i].Normalize(prefix+k, v)
		if err != nil {
			return nil, err
		}
		out[k] = nv
	}
	return out, nil
}

// SetValues merges checked values into a user's or organization's fields.
func (s *Store) SetValues(ctx context.Context, kind string, ownerID int64, vals map[string]any) error {
	if len(vals) == 0 {
		return nil
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		cur := map[string]any{}
		var raw string
		if err := tx.QueryRowContext(ctx, s.q.Get("GetValues"), kind, ownerID).Scan(&raw); err == nil {
			_ = json.Unmarshal([]byte(raw), &cur)
		}
		for k, v := range vals {
			if v == nil {
				delete(cur, k)
			} else {
				cur[k] = v
			}
		}
		b, _ := json.Marshal(cur)
		_, err := tx.ExecContext(ctx, s.q.Get("PutValues"), kind, ownerID, string(b), tx.Now.UnixMicro())
		return err
	})
}

// --- identities ----------------------------------------------------------------

// Identity is one way to reach a user: an email address or a phone number.
type Identity struct {
	ID                 int64     `json:"id"`
	UserID             int64     `json:"user_id"`
	Type               string    `json:"type"`
	Value              string    `json:"value"`
	Verified           bool      `json:"verified"`
	Primary            bool      `json:"primary"`
	DeliverableState   string    `json:"deliverable_state"`
	UndeliverableCount int       `json:"undeliverable_count"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func scanIdentity(r db.Scanner) (*Identity, error) {
	var i Identity
	if err := r.Scan(&i.ID, &i.UserID, &i.Type, &i.Value, &i.Verified, db.Time(&i.CreatedAt), db.Time(&i.UpdatedAt), &i.Primary); err != nil {
		return nil, err
	}
	i.DeliverableState = "deliverable"
	return &i, nil
}

// Identities lists a user's identities; the primary email is one of them
// (recorded on first read, so it keeps its id when it stops being primary).
func (s *Store) Identities(ctx context.Context, userID int64) ([]Identity, error) {
	if err := s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("EnsurePrimaryIdentity"), userID, tx.Now.UnixMicro())
		return err
	}); err != nil {
		return nil, err
	}
	return db.ReadList(ctx, s.d, s.q.Get("ListIdentities"), []any{userID}, scanIdentity)
}

// IdentityInput adds an identity.
type IdentityInput struct {
	Type     string `json:"type"`
	Value    string `json:"value"`
	Verified bool   `json:"verified"`
}

// AddIdentity adds an email or phone number to a user (Identity rule: an
// email belongs to one user).
func (s *Store) AddIdentity(ctx context.Context, userID int64, in IdentityInput) (*Identity, error) {
	in.Value = strings.TrimSpace(in.Value)
	var v errs.Validation
	v.Check(in.Type == "email" || in.Type == "phone_number", "type", "must be email or phone_number")
	v.Check(in.Value != "", "value", "can't be blank")
	if in.Type == "email" {
		v.Check(strings.Count(in.Value, "@") == 1 && !strings.ContainsAny(in.Value, " <>"), "value", "is not an email address")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Identities(ctx, userID); err != nil { // records the primary first
		return nil, err
	}
	var out *Identity
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if in.Type == "email" {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE lower(email) = lower($1)", in.Value).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.Invalid("value", "Identity rule: this email belongs to a user already")
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertIdentity"), userID, in.Type, in.Value, in.Verified, tx.Now.UnixMicro()).Scan(&id); err != nil {
			if isUnique(err) {
				return errs.Invalid("value", "Identity rule: this "+strings.ReplaceAll(in.Type, "_", " ")+" belongs to a user already")
			}
			return err
		}
		var err error
		out, err = scanIdentity(tx.QueryRowContext(ctx, s.q.Get("GetIdentity"), id, userID))
		return err
	})
	return out, err
}

// Identity returns one identity of a user.
func (s *Store) Identity(ctx context.Context, userID, id int64) (i *Identity, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		i, err = scanIdentity(tx.QueryRowContext(ctx, s.q.Get("GetIdentity"), id, userID))
		return db.MapError(err, "identity")
	})
	return i, err
}

// VerifyIdentity marks an identity verified.
func (s *Store) VerifyIdentity(ctx context.Context, userID, id int64) (*Identity, error) {
	if err := s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("VerifyIdentity"), id, userID, tx.Now.UnixMicro())
		return err
	}); err != nil {
		return nil, err
	}
	return s.Identity(ctx, userID, id)
}

// DeleteIdentity removes a secondary identity (the primary email stays:
// Identity rule).
func (s *Store) DeleteIdentity(ctx context.Context, userID, id int64) error {
	i, err := s.Identity(ctx, userID, id)
	if err != nil {
		return err
	}
	if i.Primary {
		return errs.Invalid("primary", "Identity rule: the primary email can't be deleted; make another identity primary first")
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("DeleteIdentity"), id, userID)
		return err
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// newID returns a random job id (32 hex digits, as Zendesk's).
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Mark is a record's position in an incremental export.
type Mark struct {
	ID        int64
	UpdatedAt time.Time
}

// ChangedSince lists the users or organizations changed after (start,
// afterID) in (updated_at, id) order: the incremental exports' keyset.
func (s *Store) ChangedSince(ctx context.Context, what string, start time.Time, afterID int64, limit int) ([]Mark, error) {
	q := "UsersChangedSince"
	if what == "organizations" {
		q = "OrganizationsChangedSince"
	}
	return db.ReadList(ctx, s.d, s.q.Get(q), []any{start.UnixMicro(), afterID, limit}, func(r db.Scanner) (*Mark, error) {
		var m Mark
		return &m, r.Scan(&m.ID, db.Time(&m.UpdatedAt))
	})
}

// TagCount is a tag and how many tickets carry it.
type TagCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// TicketTags counts the tags of all tickets, most used first (then by
// name); prefix keeps the tags that start with it.
func (s *Store) TicketTags(ctx context.Context, prefix string) ([]TagCount, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	like := ""
	if prefix != "" {
		like = "% " + strings.NewReplacer(`\`, "", "%", "", "_", "").Replace(prefix) + "%"
	}
	counts := map[string]int{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("TicketTagLists"), like)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var list string
			if err := rows.Scan(&list); err != nil {
				return err
			}
			for _, t := range strings.Fields(list) {
				if strings.HasPrefix(t, prefix) {
					counts[t]++
				}
			}
		}
		return rows.Err()
	})
	out := make([]TagCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, TagCount{k, n})
	}
	slices.SortFunc(out, func(a, b TagCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, err
}
