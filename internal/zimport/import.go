package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

// Target is where records are written: stores on a database handle whose
// clock the importer sets to each record's time. Only the hooks the caller
// attached run (the search index; no triggers, SLAs or mail).
type Target struct {
	DB      *db.DB
	Clock   *clock.Fake
	People  *people.Store
	Tickets *ticket.Store
	Zendesk *zendesk.Store
	// Ratings and Rules, when set, receive satisfaction ratings and
	// business rules (rules.go); without them those are reported.
	Ratings *satisfaction.Store
	Rules   *rulestore.Store
	// SLA, when set, receives business-hours schedules and SLA policies
	// (config.go); webhooks go to Rules.
	SLA *sla.Store
}

// Count is what happened to one kind of record.
type Count struct {
	Seen, Created, Updated, Unchanged, Failed int
}

// Report is an import's outcome.
type Report struct {
	Counts   map[string]*Count
	Unmapped []string // what could not be copied, and why
	Waits    int      // 429 answers waited for
}

// Importer copies a Source into a Target.
type Importer struct {
	Src      Source
	T        Target
	Progress io.Writer // per-kind progress lines; nil: none

	rep  Report
	role map[int64]string              // local user id -> role
	seen map[string]map[int64]mapEntry // import_map of this source, by kind and source id
	// seenStr is the part of import_map whose source ids are not numbers
	// (Zendesk's webhook ids).
	seenStr map[string]map[string]mapEntry
}

// Kinds is the import order (references point backwards).
var Kinds = []string{"ticket_fields", "user_fields", "organization_fields", "ticket_forms", "groups", "organizations", "users",
	"group_memberships", "tickets", "satisfaction_ratings", "schedules", "slas/policies", "webhooks", "triggers", "automations", "macros", "views"}

// Run imports everything; a record that fails is reported and skipped.
func (im *Importer) Run(ctx context.Context) (*Report, error) {
	im.rep = Report{Counts: map[string]*Count{}}
	im.role = map[int64]string{}
	if err := im.loadMap(ctx); err != nil {
		return &im.rep, err
	}
	for _, k := range append(slices.Clone(Kinds), "identities") {
		im.rep.Counts[k] = &Count{}
	}
	for _, kind := range Kinds {
		err := im.Src.Each(ctx, kind, func(items []json.RawMessage) error {
			if kind == "tickets" {
				err := im.tickets(ctx, items) // batch.go
				im.progress(kind)
				return err
			}
			if kind == "webhooks" {
				im.webhooks(ctx, items) // config.go
				im.progress(kind)
				return nil
			}
			for _, it := range items {
				if err := ctx.Err(); err != nil {
					return err
				}
				im.one(ctx, kind, it)
			}
			im.progress(kind)
			return nil
		})
		if err != nil && ctx.Err() == nil && (kind == "satisfaction_ratings" || slices.Contains(RuleKinds, kind) || slices.Contains(ConfigKinds, kind)) {
			im.unmapped("%s: not read (%v)", kind, err) // what the account lets us read of them is copied
			continue
		}
		if err != nil {
			return &im.rep, fmt.Errorf("%s: %w", kind, err)
		}
	}
	if hs, ok := im.Src.(*HTTPSource); ok {
		im.rep.Waits = hs.Waits
	}
	return &im.rep, nil
}

func (im *Importer) progress(kind string) {
	if im.Progress == nil {
		return
	}
	c := im.rep.Counts[kind]
	done := c.Created + c.Updated + c.Unchanged + c.Failed
	bar := strings.Repeat("#", min(20, 20*done/max(c.Seen, 1))) + strings.Repeat(".", 20-min(20, 20*done/max(c.Seen, 1)))
	fmt.Fprintf(im.Progress, "%-20s [%s] %d (created %d, updated %d, unchanged %d, failed %d)\n", kind, bar, c.Seen, c.Created, c.Updated, c.Unchanged, c.Failed)
}

func (im *Importer) unmapped(format string, args ...any) {
	im.rep.Unmapped = append(im.rep.Unmapped, fmt.Sprintf(format, args...))
}

// --- the import map ----------------------------------------------------------------

type mapEntry struct {
	id      int64
	updated string
}

// loadMap reads what earlier runs copied from this source, once.
func (im *Importer) loadMap(ctx context.Context) error {
	im.seen = map[string]map[int64]mapEntry{}
	im.seenStr = map[string]map[string]mapEntry{}
	return im.T.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT kind, source_id, target_id, source_updated FROM import_map WHERE source = $1", im.Src.Name())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, src, updated string
			var id int64
			if err := rows.Scan(&kind, &src, &id, &updated); err != nil {
				return err
			}
			im.remember(kind, src, mapEntry{id, updated})
		}
		return rows.Err()
	})
}

func (im *Importer) lookup(_ context.Context, kind string, srcID int64) (id int64, updated string, ok bool) {
	if srcID == 0 {
		return 0, "", false
	}
	e, ok := im.seen[kind][srcID]
	return e.id, e.updated, ok
}

func (im *Importer) mapped(ctx context.Context, kind string, srcID *int64) *int64 {
	if srcID == nil {
		return nil
	}
	if id, _, ok := im.lookup(ctx, kind, *srcID); ok {
		return &id
	}
	return nil
}

// remember notes a row of import_map: by its source id as text, and as a
// number too when it is one (Zendesk's ids but its webhooks').
func (im *Importer) remember(kind, src string, e mapEntry) {
	if im.seenStr[kind] == nil {
		im.seenStr[kind] = map[string]mapEntry{}
	}
	im.seenStr[kind][src] = e
	if n, err := strconv.ParseInt(src, 10, 64); err == nil {
		if im.seen[kind] == nil {
			im.seen[kind] = map[int64]mapEntry{}
		}
		im.seen[kind][n] = e
	}
}

func (im *Importer) record(ctx context.Context, kind string, srcID, id int64, updated string) error {
	return im.recordStr(ctx, kind, strconv.FormatInt(srcID, 10), id, updated)
}

// at sets the target clock to a record's time (now when it has none).
func (im *Importer) at(t *time.Time) {
	if t != nil && !t.IsZero() {
		im.T.Clock.Set(*t)
	}
}

// --- records -----------------------------------------------------------------------

type base struct {
	ID        int64      `json:"id"`
	UpdatedAt *time.Time `json:"updated_at"`
	CreatedAt *time.Time `json:"created_at"`
}

func stamp(b base) string {
	if b.UpdatedAt == nil {
		return "imported"
	}
	return b.UpdatedAt.UTC().Format(time.RFC3339Nano)
}

func (im *Importer) one(ctx context.Context, kind string, raw json.RawMessage) {
	c := im.rep.Counts[kind]
	c.Seen++
	var b base
	if err := json.Unmarshal(raw, &b); err != nil || b.ID == 0 {
		c.Failed++
		im.unmapped("%s: a record without an id", kind)
		return
	}
	mapKind := kind
	if id, updated, ok := im.lookup(ctx, mapKind, b.ID); ok && updated == stamp(b) {
		c.Unchanged++
		if kind == "users" {
			if u, err := im.T.People.GetUser(ctx, id); err == nil {
				im.role[id] = u.Role
			}
		}
		return
	}
	var (
		id      int64
		created bool
		err     error
	)
	switch kind {
	case "ticket_fields", "user_fields", "organization_fields":
		id, created, err = im.field(ctx, strings.TrimSuffix(kind, "_fields"), b, raw)
	case "ticket_forms":
		id, created, err = im.form(ctx, b, raw)
	case "groups":
		id, created, err = im.group(ctx, b, raw)
	case "organizations":
		id, created, err = im.org(ctx, b, raw)
	case "users":
		id, created, err = im.user(ctx, b, raw)
	case "group_memberships":
		id, created, err = im.groupMembership(ctx, raw)
	case "tickets":
		id, created, err = im.ticket(ctx, b, raw)
	case "satisfaction_ratings":
		id, created, err = im.rating(ctx, b, raw)
	case "triggers", "automations", "macros", "views":
		id, created, err = im.rule(ctx, kind, b, raw)
	case "schedules":
		id, created, err = im.schedule(ctx, b, raw) // config.go
	case "slas/policies":
		id, created, err = im.policy(ctx, b, raw)
	}
	if err == errSkip {
		c.Unchanged++
		return
	}
	if err != nil {
		c.Failed++
		im.unmapped("%s %d: %v", strings.TrimSuffix(kind, "s"), b.ID, err)
		return
	}
	if err := im.record(ctx, mapKind, b.ID, id, stamp(b)); err != nil {
		c.Failed++
		im.unmapped("%s %d: recording it: %v", kind, b.ID, err)
		return
	}
	if created {
		c.Created++
	} else {
		c.Updated++
	}
}

func (im *Importer) field(ctx context.Context, kind string, b base, raw json.RawMessage) (int64, bool, error) {
	var in zendesk.FieldInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, false, err
	}
	if in.Type != nil && *in.Type == "partialcreditcard" || in.Type != nil && *in.Type == "lookup" {
		return 0, false, fmt.Errorf("field type %s is not supported", *in.Type)
	}
	for _, sys := range []string{"subject", "description", "status", "tickettype", "priority", "group", "assignee", "custom_status"} {
		if in.Type != nil && *in.Type == sys {
			return 0, false, nil // a system field: Frontline has it natively
		}
	}
	if kind == zendesk.KindTicket && in.Key != nil {
		in.Key = nil
	}
	if id, _, ok := im.lookup(ctx, kind+"_fields", b.ID); ok {
		in.Type = nil
		f, err := im.T.Zendesk.UpdateField(ctx, kind, id, in)
		if err != nil {
			return 0, false, err
		}
		return f.ID, false, nil
	}
	if in.CustomFieldOptions != nil {
		for i := range *in.CustomFieldOptions {
			(*in.CustomFieldOptions)[i].ID = 0
		}
	}
	f, err := im.T.Zendesk.CreateField(ctx, kind, in)
	if err != nil {
		return 0, false, err
	}
	return f.ID, true, nil
}

func (im *Importer) form(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	var in zendesk.FormInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, false, err
	}
	if in.TicketFieldIDs != nil {
		var ids []int64
		for _, src := range *in.TicketFieldIDs {
			if id := im.mapped(ctx, "ticket_fields", &src); id != nil {
				ids = append(ids, *id)
			}
		}
		in.TicketFieldIDs = &ids
	}
	id, _, ok := im.lookup(ctx, "ticket_forms", b.ID)
	f, err := im.T.Zendesk.SaveForm(ctx, id, in)
	if err != nil {
		return 0, false, err
	}
	return f.ID, !ok, nil
}

func (im *Importer) group(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	var in people.GroupInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, false, err
	}
	if id, _, ok := im.lookup(ctx, "groups", b.ID); ok {
		g, err := im.T.People.UpdateGroup(ctx, audit.System(), id, in)
		if err != nil {
			return 0, false, err
		}
		return g.ID, false, nil
	}
	gs, err := im.T.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return 0, false, err
	}
	for _, g := range gs {
		if in.Name != nil && strings.EqualFold(g.Name, *in.Name) {
			return g.ID, false, nil
		}
	}
	im.at(b.CreatedAt)
	g, err := im.T.People.CreateGroup(ctx, audit.System(), in)
	if err != nil {
		return 0, false, err
	}
	return g.ID, true, nil
}

func (im *Importer) org(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	var in people.OrganizationInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return 0, false, err
	}
	var extra struct {
		Fields map[string]any `json:"organization_fields"`
	}
	_ = json.Unmarshal(raw, &extra)
	in.GroupID = im.mapped(ctx, "groups", in.GroupID)
	in.ASEUserID = nil // a Frontline attribute
	id, _, ok := im.lookup(ctx, "organizations", b.ID)
	if !ok && in.Name != nil {
		if o, err := im.T.People.OrganizationByName(ctx, *in.Name); err == nil {
			id, ok = o.ID, true
		}
	}
	created := false
	if ok {
		if _, err := im.T.People.UpdateOrganization(ctx, audit.System(), id, in); err != nil {
			return 0, false, err
		}
	} else {
		im.at(b.CreatedAt)
		o, err := im.T.People.CreateOrganization(ctx, audit.System(), in)
		if err != nil {
			return 0, false, err
		}
		id, created = o.ID, true
	}
	return id, created, im.values(ctx, zendesk.KindOrganization, id, extra.Fields)
}

// values copies the custom field values the target has fields for.
func (im *Importer) values(ctx context.Context, kind string, id int64, in map[string]any) error {
	if len(in) == 0 {
		return nil
	}
	fs, err := im.T.Zendesk.Fields(ctx, kind)
	if err != nil {
		return err
	}
	keep := map[string]any{}
	for k, v := range in {
		if v != nil && slices.ContainsFunc(fs, func(f zendesk.Field) bool { return f.Key == k }) {
			keep[k] = v
		}
	}
	vals, err := im.T.Zendesk.CheckValues(ctx, kind, keep)
	if err != nil {
		return err
	}
	return im.T.Zendesk.SetValues(ctx, kind, id, vals)
}

type srcUser struct {
	people.UserInput
	ID             int64          `json:"id"`
	OrganizationID *int64         `json:"organization_id"`
	TimeZone       *string        `json:"iana_time_zone"`
	Fields         map[string]any `json:"user_fields"`
}

func (im *Importer) user(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	var su srcUser
	if err := json.Unmarshal(raw, &su); err != nil {
		return 0, false, err
	}
	in := people.UserInput{Name: su.Name, Email: su.Email, Role: su.Role, Active: su.Active, Suspended: su.Suspended,
		ExternalID: su.ExternalID, Phone: su.Phone, TimeZone: su.TimeZone, Locale: su.Locale, Details: su.Details, Notes: su.Notes, Tags: su.Tags}
	if su.OrganizationID != nil {
		in.OrganizationID = im.mapped(ctx, "organizations", su.OrganizationID)
	}
	id, _, ok := im.lookup(ctx, "users", b.ID)
	if !ok && su.Email != nil && *su.Email != "" {
		if u, err := im.T.People.UserByEmail(ctx, *su.Email); err == nil {
			id, ok = u.ID, true
		}
	}
	created := false
	if ok {
		cur, err := im.T.People.GetUser(ctx, id)
		if err != nil {
			return 0, false, err
		}
		if cur.Role == people.RoleAdmin {
			in.Role = nil // never demote a local admin
		}
		if _, err := im.T.People.UpdateUser(ctx, audit.System(), id, in); err != nil {
			return 0, false, err
		}
	} else {
		im.at(b.CreatedAt)
		u, err := im.T.People.CreateUser(ctx, audit.System(), in)
		if err != nil {
			return 0, false, err
		}
		id, created = u.ID, true
	}
	if u, err := im.T.People.GetUser(ctx, id); err == nil {
		im.role[id] = u.Role
	}
	if err := im.values(ctx, zendesk.KindUser, id, su.Fields); err != nil {
		return 0, false, err
	}
	return id, created, im.identities(ctx, b.ID, id, su.Email)
}

// identities copies a user's secondary emails and phone numbers.
func (im *Importer) identities(ctx context.Context, srcID, id int64, primary *string) error {
	is, err := im.Src.Identities(ctx, srcID)
	if err != nil {
		im.unmapped("user %d: identities not read (%v)", srcID, err)
		return nil
	}
	c := im.rep.Counts["identities"]
	for _, raw := range is {
		var in zendesk.IdentityInput
		if json.Unmarshal(raw, &in) != nil || (in.Type != "email" && in.Type != "phone_number") {
			continue
		}
		c.Seen++
		if primary != nil && strings.EqualFold(in.Value, *primary) {
			c.Unchanged++
			continue
		}
		if _, err := im.T.Zendesk.AddIdentity(ctx, id, in); err != nil {
			if errs.Is(err, errs.KindInvalid) && strings.Contains(err.Error(), "belongs to a user already") {
				c.Unchanged++
				continue
			}
			c.Failed++
			im.unmapped("user %d: identity %s: %v", srcID, in.Value, err)
			continue
		}
		c.Created++
	}
	return nil
}

func (im *Importer) groupMembership(ctx context.Context, raw json.RawMessage) (int64, bool, error) {
	var m struct {
		UserID  int64 `json:"user_id"`
		GroupID int64 `json:"group_id"`
		Default bool  `json:"default"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return 0, false, err
	}
	u, g := im.mapped(ctx, "users", &m.UserID), im.mapped(ctx, "groups", &m.GroupID)
	if u == nil || g == nil {
		return 0, false, fmt.Errorf("user %d or group %d was not imported", m.UserID, m.GroupID)
	}
	gm, err := im.T.People.AddGroupMembership(ctx, audit.System(), *u, *g, m.Default)
	if errs.Is(err, errs.KindConflict) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return gm.ID, true, nil
}
