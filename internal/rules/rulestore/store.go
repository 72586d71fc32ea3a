// Package rulestore persists Frontline's business rules (triggers,
// automations, macros, views), webhooks and their delivery log, and runs the
// pure rules engine of package rules against the ticket store:
//
//   - triggers run inside the writing transaction of every ticket create and
//     update (a ticket.Store OnChange hook) and their field changes are
//     applied in that same transaction with ticket.Store.UpdateTx;
//   - notifications are written to the rule_notifications outbox and webhook
//     calls to webhook_deliveries in that transaction too, so they exist
//     exactly when the ticket change committed;
//   - RunAutomations evaluates automations against candidate tickets found
//     by indexed SQL, firing each at most once per ticket;
//   - DeliverWebhooks sends due deliveries, signed like Zendesk's, with
//     retries and a delivery log;
//   - ExecuteView runs a view as SQL over the tickets table.
package rulestore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Kind is the kind of a stored rule.
type Kind string

// Rule kinds.
const (
	KindTrigger    Kind = "trigger"
	KindAutomation Kind = "automation"
	KindMacro      Kind = "macro"
	KindView       Kind = "view"
)

// Options configure a Store.
type Options struct {
	// BaseURL is the public URL of this server, for {{ticket.url}}.
	BaseURL string
	// AccountName is {{ticket.account}}.
	AccountName string
	// HTTPClient sends webhooks (default: a client with a 10s timeout).
	HTTPClient *http.Client
	// Retry is the webhook retry schedule (default DefaultRetry()).
	Retry RetryPolicy
	// Notifier, when set, hands each notification to the mail channel in
	// the transaction that caused it (see MailNotifier); the outbox row is
	// then marked sent. Without one, notifications wait in the outbox for
	// PendingNotifications.
	Notifier Notifier
	// Partition applies restricted partitions (internal/brand) to views,
	// notifications and webhooks; nil applies none.
	Partition Partition
}

// Partition is what the rules need of restricted partitions
// (brand.Store implements it).
type Partition interface {
	// Hidden returns the restricted brands whose tickets do not exist for userID.
	Hidden(ctx context.Context, userID int64) ([]int64, error)
	// SeesTicketTx reports whether userID may receive the ticket's text.
	SeesTicketTx(ctx context.Context, tx *db.Tx, userID, ticketID int64) (bool, error)
	// TicketRestrictedTx reports whether the ticket belongs to a restricted brand.
	TicketRestrictedTx(ctx context.Context, tx *db.Tx, ticketID int64) (bool, error)
}

// Store persists rules and runs them.
type Store struct {
	d       *db.DB
	q       *db.Queries
	tickets *ticket.Store
	audit   *audit.Log
	log     *slog.Logger
	opt     Options
	wake    chan struct{} // poked after a commit that enqueued webhook deliveries
	jobs    *jobs.Queue   // set by UseJobs

	// The active triggers per version of the rules in config_versions (a
	// database trigger bumps it on any change to business_rules), read on
	// every ticket write; never modified once built.
	triggers db.Versioned[[]rules.Trigger]
}

// activeTriggers returns the active triggers in evaluation order, parsed
// once per configuration version instead of on every ticket write.
func (s *Store) activeTriggers(ctx context.Context, tx *db.Tx) ([]rules.Trigger, error) {
	var version int64
	if err := tx.QueryRowContext(ctx, s.q.Get("RulesVersion")).Scan(&version); err != nil {
		return nil, err
	}
	return s.triggers.Get(tx, version, func() ([]rules.Trigger, error) {
		return list(ctx, s, tx, triggerCodec(), true, nil)
	})
}

// New returns the rule store of d. Call Attach to run triggers on ticket
// changes.
func New(d *db.DB, tickets *ticket.Store, al *audit.Log, log *slog.Logger, opt Options) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	opt.Retry = opt.Retry.withDefaults()
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), tickets: tickets, audit: al,
		log: log, opt: opt, wake: make(chan struct{}, 1)}
}

// Attach registers the trigger hook on the ticket store. Call it once while
// wiring, before the ticket store is used.
func (s *Store) Attach() { s.tickets.OnChange(s.onTicketChange) }

// Wake returns a channel that receives after a commit enqueued webhook
// deliveries (a delivery loop may select on it to send promptly).
func (s *Store) Wake() <-chan struct{} { return s.wake }

func (s *Store) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// --- stored rules ----------------------------------------------------------------

// record is one business_rules row.
type record struct {
	id        int64
	kind      Kind
	title     string
	active    bool
	position  int
	restrType string
	restrIDs  []int64
	body      string
	isDefault bool
	createdAt time.Time
	updatedAt time.Time
}

func encodeIDs(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(' ')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(' ')
	}
	return b.String()
}

func decodeIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Fields(s) {
		if v, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

func scanRecord(r interface{ Scan(...any) error }) (*record, error) {
	var rec record
	var ids string
	var kind string
	if err := r.Scan(&rec.id, &kind, &rec.title, &rec.active, &rec.position, &rec.restrType, &ids, &rec.body,
		&rec.isDefault, db.Time(&rec.createdAt), db.Time(&rec.updatedAt)); err != nil {
		return nil, err
	}
	rec.kind = Kind(kind)
	rec.restrIDs = decodeIDs(ids)
	return &rec, nil
}

// restriction reads the restriction of a view or macro for storage.
func restrictionOf(v any) (string, []int64) {
	var r *rules.Restriction
	switch x := v.(type) {
	case *rules.Restriction:
		r = x
	case rules.Restriction:
		r = &x
	case map[string]any:
		b, _ := json.Marshal(x)
		var rr rules.Restriction
		if json.Unmarshal(b, &rr) == nil {
			r = &rr
		}
	}
	if r == nil || (r.Type != "User" && r.Type != "Group") {
		return "", nil
	}
	ids := slices.Clone(r.IDs)
	if r.ID > 0 && !slices.Contains(ids, r.ID) {
		ids = append([]int64{r.ID}, ids...)
	}
	return r.Type, ids
}

// Available reports whether a user in groups may see a rule restricted as
// restrType/restrIDs.
func available(restrType string, restrIDs []int64, userID int64, groups []int64) bool {
	switch restrType {
	case "":
		return true
	case "User":
		return userID > 0 && slices.Contains(restrIDs, userID)
	case "Group":
		for _, g := range groups {
			if slices.Contains(restrIDs, g) {
				return true
			}
		}
	}
	return false
}

func (s *Store) getRecord(ctx context.Context, tx *db.Tx, kind Kind, id int64) (*record, error) {
	rec, err := scanRecord(tx.QueryRowContext(ctx, s.q.Get("GetRule"), id, string(kind)))
	if err != nil {
		return nil, db.MapError(err, string(kind))
	}
	return rec, nil
}

func (s *Store) listRecords(ctx context.Context, tx *db.Tx, kind Kind, activeOnly bool) ([]record, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("ListRules"), string(kind), activeOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *rec)
	}
	return out, rows.Err()
}

// saveRecord inserts (rec.id == 0) or updates a rule and audits the change.
func (s *Store) saveRecord(ctx context.Context, tx *db.Tx, actor audit.Actor, rec *record, before any, after any) error {
	ids := encodeIDs(rec.restrIDs)
	if rec.id == 0 {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertRule"), string(rec.kind), rec.title, rec.active, rec.position,
			rec.restrType, ids, rec.body, rec.isDefault, db.TS(tx.Now)).Scan(&rec.id); err != nil {
			return db.MapError(err, string(rec.kind))
		}
		rec.createdAt = tx.Now
	} else {
		res, err := tx.ExecContext(ctx, s.q.Get("UpdateRule"), rec.id, string(rec.kind), rec.title, rec.active,
			rec.position, rec.restrType, ids, rec.body, db.TS(tx.Now))
		if err != nil {
			return db.MapError(err, string(rec.kind))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound(string(rec.kind))
		}
	}
	rec.updatedAt = tx.Now
	if s.audit == nil {
		return nil
	}
	action := string(rec.kind) + ".update"
	if before == nil {
		action = string(rec.kind) + ".create"
	}
	return s.audit.Record(ctx, tx, actor, action, string(rec.kind), rec.id, before, after)
}

func (s *Store) deleteRecord(ctx context.Context, actor audit.Actor, kind Kind, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		rec, err := s.getRecord(ctx, tx, kind, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteRule"), id, string(kind)); err != nil {
			return err
		}
		if s.audit == nil {
			return nil
		}
		return s.audit.Record(ctx, tx, actor, string(kind)+".delete", string(kind), id, json.RawMessage(rec.body), nil)
	})
}

// ruleCodec converts one rule type to and from records.
type ruleCodec[T any] struct {
	kind     Kind
	validate func(T) error
	meta     func(T) (title string, active bool, position int, restr any)
	fill     func(*T, *record)
	clear    func(*T) // zero ID and timestamps before storing the body
}

func (c ruleCodec[T]) toRecord(v T, id int64) (*record, error) {
	if err := c.validate(v); err != nil {
		return nil, err
	}
	c.clear(&v)
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	title, active, pos, restr := c.meta(v)
	rt, ids := restrictionOf(restr)
	return &record{id: id, kind: c.kind, title: strings.TrimSpace(title), active: active, position: pos,
		restrType: rt, restrIDs: ids, body: string(body)}, nil
}

func (c ruleCodec[T]) fromRecord(rec *record) (T, error) {
	var v T
	if err := json.Unmarshal([]byte(rec.body), &v); err != nil {
		return v, err
	}
	c.fill(&v, rec)
	return v, nil
}

func triggerCodec() ruleCodec[rules.Trigger] {
	return ruleCodec[rules.Trigger]{
		kind:     KindTrigger,
		validate: func(t rules.Trigger) error { return t.Validate() },
		meta:     func(t rules.Trigger) (string, bool, int, any) { return t.Title, t.Active, t.Position, nil },
		fill: func(t *rules.Trigger, r *record) {
			t.ID, t.Title, t.Active, t.Position, t.CreatedAt, t.UpdatedAt = r.id, r.title, r.active, r.position, r.createdAt, r.updatedAt
		},
		clear: func(t *rules.Trigger) { t.ID, t.CreatedAt, t.UpdatedAt = 0, time.Time{}, time.Time{} },
	}
}

func automationCodec() ruleCodec[rules.Automation] {
	return ruleCodec[rules.Automation]{
		kind:     KindAutomation,
		validate: func(a rules.Automation) error { return a.Validate() },
		meta:     func(a rules.Automation) (string, bool, int, any) { return a.Title, a.Active, a.Position, nil },
		fill: func(a *rules.Automation, r *record) {
			a.ID, a.Title, a.Active, a.Position, a.CreatedAt, a.UpdatedAt = r.id, r.title, r.active, r.position, r.createdAt, r.updatedAt
		},
		clear: func(a *rules.Automation) { a.ID, a.CreatedAt, a.UpdatedAt = 0, time.Time{}, time.Time{} },
	}
}

func macroCodec() ruleCodec[rules.Macro] {
	return ruleCodec[rules.Macro]{
		kind:     KindMacro,
		validate: func(m rules.Macro) error { return m.Validate() },
		meta:     func(m rules.Macro) (string, bool, int, any) { return m.Title, m.Active, m.Position, m.Restriction },
		fill: func(m *rules.Macro, r *record) {
			m.ID, m.Title, m.Active, m.Position, m.CreatedAt, m.UpdatedAt = r.id, r.title, r.active, r.position, r.createdAt, r.updatedAt
		},
		clear: func(m *rules.Macro) { m.ID, m.CreatedAt, m.UpdatedAt = 0, time.Time{}, time.Time{} },
	}
}

func viewCodec(s *Store) ruleCodec[rules.View] {
	return ruleCodec[rules.View]{
		kind: KindView,
		validate: func(v rules.View) error {
			if err := v.Validate(); err != nil {
				return err
			}
			_, err := compileViewSQL(v)
			return err
		},
		meta: func(v rules.View) (string, bool, int, any) { return v.Title, v.Active, v.Position, v.Restriction },
		fill: func(v *rules.View, r *record) {
			v.ID, v.Title, v.Active, v.Position, v.CreatedAt, v.UpdatedAt = r.id, r.title, r.active, r.position, r.createdAt, r.updatedAt
		},
		clear: func(v *rules.View) { v.ID, v.CreatedAt, v.UpdatedAt = 0, time.Time{}, time.Time{} },
	}
}

// create validates and stores v; nothing is stored when it is invalid.
func create[T any](ctx context.Context, s *Store, c ruleCodec[T], actor audit.Actor, v T) (T, error) {
	var out T
	rec, err := c.toRecord(v, 0)
	if err != nil {
		return out, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		r := *rec
		if err := s.saveRecord(ctx, tx, actor, &r, nil, json.RawMessage(r.body)); err != nil {
			return err
		}
		out, err = c.fromRecord(&r)
		return err
	})
	return out, err
}

// update replaces rule id with v (validated; nothing is stored when invalid).
func update[T any](ctx context.Context, s *Store, c ruleCodec[T], actor audit.Actor, id int64, v T) (T, error) {
	var out T
	rec, err := c.toRecord(v, id)
	if err != nil {
		return out, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		prev, err := s.getRecord(ctx, tx, c.kind, id)
		if err != nil {
			return err
		}
		r := *rec
		if err := s.saveRecord(ctx, tx, actor, &r, json.RawMessage(prev.body), json.RawMessage(r.body)); err != nil {
			return err
		}
		r.createdAt = prev.createdAt
		r.isDefault = prev.isDefault
		out, err = c.fromRecord(&r)
		return err
	})
	return out, err
}

func get[T any](ctx context.Context, s *Store, c ruleCodec[T], id int64) (T, *record, error) {
	var out T
	var rec *record
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		if rec, err = s.getRecord(ctx, tx, c.kind, id); err != nil {
			return err
		}
		out, err = c.fromRecord(rec)
		return err
	})
	return out, rec, err
}

func list[T any](ctx context.Context, s *Store, tx *db.Tx, c ruleCodec[T], activeOnly bool, visible func(*record) bool) ([]T, error) {
	recs, err := s.listRecords(ctx, tx, c.kind, activeOnly)
	if err != nil {
		return nil, err
	}
	out := []T{}
	for i := range recs {
		if visible != nil && !visible(&recs[i]) {
			continue
		}
		v, err := c.fromRecord(&recs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func listRead[T any](ctx context.Context, s *Store, c ruleCodec[T], activeOnly bool, visible func(*record) bool) ([]T, error) {
	var out []T
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = list(ctx, s, tx, c, activeOnly, visible)
		return err
	})
	return out, err
}

// Viewer is who looks at views and macros: personal and group ones are
// only available to their user or group members. Admin sees all.
type Viewer struct {
	UserID   int64
	GroupIDs []int64
	Admin    bool
}

func (v *Viewer) sees(r *record) bool {
	return v == nil || v.Admin || available(r.restrType, r.restrIDs, v.UserID, v.GroupIDs)
}

// ViewerFor returns the Viewer of a user: its group memberships.
func (s *Store) ViewerFor(ctx context.Context, userID int64, admin bool) (*Viewer, error) {
	v := &Viewer{UserID: userID, Admin: admin}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		v.GroupIDs, err = s.userGroups(ctx, tx, userID)
		return err
	})
	return v, err
}

func (s *Store) userGroups(ctx context.Context, tx *db.Tx, userID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("UserGroupIDs"), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// --- typed API ---------------------------------------------------------------------

// CreateTrigger validates and stores a trigger.
func (s *Store) CreateTrigger(ctx context.Context, a audit.Actor, t rules.Trigger) (rules.Trigger, error) {
	if err := s.checkWebhooks(ctx, t.Validate, t.Actions); err != nil {
		return rules.Trigger{}, err
	}
	return create(ctx, s, triggerCodec(), a, t)
}

// UpdateTrigger replaces trigger id.
func (s *Store) UpdateTrigger(ctx context.Context, a audit.Actor, id int64, t rules.Trigger) (rules.Trigger, error) {
	if err := s.checkWebhooks(ctx, t.Validate, t.Actions); err != nil {
		return rules.Trigger{}, err
	}
	return update(ctx, s, triggerCodec(), a, id, t)
}

// checkWebhooks reports notification_webhook actions naming a webhook that
// does not exist (after the rule's own validation, which comes first).
func (s *Store) checkWebhooks(ctx context.Context, validate func() error, acts []rules.Action) error {
	if err := validate(); err != nil {
		return err
	}
	var v errs.Validation
	for i, a := range acts {
		if a.Field != "notification_webhook" {
			continue
		}
		l, ok := a.Value.([]any)
		if !ok || len(l) == 0 {
			continue
		}
		ref := strings.TrimSpace(fmt.Sprint(l[0]))
		missing := fmt.Sprintf("webhook %q does not exist", ref)
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil || id <= 0 {
			v.Add(fmt.Sprintf("actions[%d].value", i), missing)
			continue
		}
		switch _, err := s.GetWebhook(ctx, id); {
		case errs.Is(err, errs.KindNotFound):
			v.Add(fmt.Sprintf("actions[%d].value", i), missing)
		case err != nil:
			return err
		}
	}
	return v.Err()
}

// GetTrigger returns trigger id.
func (s *Store) GetTrigger(ctx context.Context, id int64) (rules.Trigger, error) {
	t, _, err := get(ctx, s, triggerCodec(), id)
	return t, err
}

// ListTriggers returns the triggers in position order.
func (s *Store) ListTriggers(ctx context.Context, activeOnly bool) ([]rules.Trigger, error) {
	return listRead(ctx, s, triggerCodec(), activeOnly, nil)
}

// DeleteTrigger deletes trigger id.
func (s *Store) DeleteTrigger(ctx context.Context, a audit.Actor, id int64) error {
	return s.deleteRecord(ctx, a, KindTrigger, id)
}

// CreateAutomation validates and stores an automation.
func (s *Store) CreateAutomation(ctx context.Context, a audit.Actor, v rules.Automation) (rules.Automation, error) {
	if err := s.checkWebhooks(ctx, v.Validate, v.Actions); err != nil {
		return rules.Automation{}, err
	}
	return create(ctx, s, automationCodec(), a, v)
}

// UpdateAutomation replaces automation id.
func (s *Store) UpdateAutomation(ctx context.Context, a audit.Actor, id int64, v rules.Automation) (rules.Automation, error) {
	if err := s.checkWebhooks(ctx, v.Validate, v.Actions); err != nil {
		return rules.Automation{}, err
	}
	return update(ctx, s, automationCodec(), a, id, v)
}

// GetAutomation returns automation id.
func (s *Store) GetAutomation(ctx context.Context, id int64) (rules.Automation, error) {
	v, _, err := get(ctx, s, automationCodec(), id)
	return v, err
}

// ListAutomations returns the automations in position order.
func (s *Store) ListAutomations(ctx context.Context, activeOnly bool) ([]rules.Automation, error) {
	return listRead(ctx, s, automationCodec(), activeOnly, nil)
}

// DeleteAutomation deletes automation id (and its fired markers).
func (s *Store) DeleteAutomation(ctx context.Context, a audit.Actor, id int64) error {
	return s.deleteRecord(ctx, a, KindAutomation, id)
}

// CreateMacro validates and stores a macro.
func (s *Store) CreateMacro(ctx context.Context, a audit.Actor, m rules.Macro) (rules.Macro, error) {
	return create(ctx, s, macroCodec(), a, m)
}

// UpdateMacro replaces macro id.
func (s *Store) UpdateMacro(ctx context.Context, a audit.Actor, id int64, m rules.Macro) (rules.Macro, error) {
	return update(ctx, s, macroCodec(), a, id, m)
}

// GetMacro returns macro id if v may see it (nil v: anyone).
func (s *Store) GetMacro(ctx context.Context, id int64, v *Viewer) (rules.Macro, error) {
	m, rec, err := get(ctx, s, macroCodec(), id)
	if err == nil && !v.sees(rec) {
		return rules.Macro{}, errs.NotFound("macro")
	}
	return m, err
}

// ListMacros returns the macros v may see, in position order.
func (s *Store) ListMacros(ctx context.Context, activeOnly bool, v *Viewer) ([]rules.Macro, error) {
	return listRead(ctx, s, macroCodec(), activeOnly, v.sees)
}

// DeleteMacro deletes macro id.
func (s *Store) DeleteMacro(ctx context.Context, a audit.Actor, id int64) error {
	return s.deleteRecord(ctx, a, KindMacro, id)
}

// CreateView validates and stores a view.
func (s *Store) CreateView(ctx context.Context, a audit.Actor, v rules.View) (rules.View, error) {
	return create(ctx, s, viewCodec(s), a, v)
}

// UpdateView replaces view id.
func (s *Store) UpdateView(ctx context.Context, a audit.Actor, id int64, v rules.View) (rules.View, error) {
	return update(ctx, s, viewCodec(s), a, id, v)
}

// GetView returns view id if vw may see it (nil vw: anyone).
func (s *Store) GetView(ctx context.Context, id int64, vw *Viewer) (rules.View, error) {
	v, rec, err := get(ctx, s, viewCodec(s), id)
	if err == nil && !vw.sees(rec) {
		return rules.View{}, errs.NotFound("view")
	}
	return v, err
}

// ListViews returns the views vw may see, in position order.
func (s *Store) ListViews(ctx context.Context, activeOnly bool, vw *Viewer) ([]rules.View, error) {
	return listRead(ctx, s, viewCodec(s), activeOnly, vw.sees)
}

// DeleteView deletes view id.
func (s *Store) DeleteView(ctx context.Context, a audit.Actor, id int64) error {
	return s.deleteRecord(ctx, a, KindView, id)
}

// SeedDefaultViews stores the default shared views (rules.DefaultViews) once
// per database; it returns how many it added.
func (s *Store) SeedDefaultViews(ctx context.Context) (int, error) {
	n := 0
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		n = 0
		// A settings marker, written in the same transaction, makes this
		// once per database (several nodes may start together), even after
		// an admin deleted the default views.
		var key string
		err := tx.QueryRowContext(ctx, s.q.Get("MarkDefaultViewsSeeded"), db.TS(tx.Now)).Scan(&key)
		if isNoRows(err) {
			return nil
		} else if err != nil {
			return err
		}
		c := viewCodec(s)
		for _, v := range rules.DefaultViews() {
			rec, err := c.toRecord(v, 0)
			if err != nil {
				s.log.Info("default view not seeded", "view", v.Title, "reason", err)
				continue
			}
			rec.isDefault = true
			if err := s.saveRecord(ctx, tx, audit.System(), rec, nil, json.RawMessage(rec.body)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// NextPosition is one past the highest position of kind (for new rules
// created without a position).
func (s *Store) NextPosition(ctx context.Context, kind Kind) (int, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("MaxPosition"), string(kind)).Scan(&n)
	})
	return n + 1, err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
