// Package search answers Zendesk search queries (GET /api/v2/search): it
// compiles a parsed zquery.Query into SQL over tickets, users, organizations
// and groups, with ranked full-text search of tickets (SQLite FTS5,
// PostgreSQL tsvector). The ticket text index is kept current by a
// ticket.Store hook inside each change's transaction.
package search

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Service runs searches and maintains the ticket text index.
type Service struct {
	d *db.DB
	q *db.Queries
}

// New returns the search service of d.
func New(d *db.DB) *Service {
	return &Service{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
}

// Hook keeps the text index of a changed ticket current; register it with
// ticket.Store.OnChange. The index rows are written just before the commit
// (db.Tx.Defer), all those of a SQLite group-commit batch together: SQLite's
// FTS5 writes its pending terms out as a new segment at every savepoint, and
// with a savepoint per call (and per upserting statement) each ticket became
// a segment of its own, merged again and again (a fifth of ticket creation
// at a million tickets).
func (s *Service) Hook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if c.Comment == nil && c.Prev != nil && c.Prev.Subject == c.Ticket.Subject {
		return nil // the indexed text did not change
	}
	it := indexItem{id: c.Ticket.ID}
	if c.Created() {
		// A new ticket's text is its subject and its one comment, at hand:
		// no need to read them back, and no index row to replace.
		it.created, it.subject = true, c.Ticket.Subject
		if c.Comment != nil && c.Comment.Public {
			it.public = c.Comment.PlainBody
		} else if c.Comment != nil {
			it.private = c.Comment.PlainBody
		}
	}
	tx.Defer(s, s.writeIndex, it)
	return nil
}

// indexItem is one ticket whose index row is to be written: a new ticket
// with its text, or a changed one to re-index from the database.
type indexItem struct {
	id                       int64
	created                  bool
	subject, public, private string
}

// writeIndex writes the gathered index rows: new tickets' rows first, in
// order, then each changed ticket once, from its text as it is now.
func (s *Service) writeIndex(ctx context.Context, tx *db.Tx, items []any) error {
	var changed []int64
	var created []indexItem
	for _, x := range items {
		it := x.(indexItem)
		if !it.created {
			if !slices.Contains(changed, it.id) {
				changed = append(changed, it.id)
			}
			continue
		}
		created = append(created, it)
	}
	// New tickets' rows in statements of up to 200 rows (one per ticket
	// was most of a bulk creation's statements).
	for len(created) > 0 {
		part := created[:min(200, len(created))]
		created = created[len(part):]
		var b strings.Builder
		b.WriteString(s.q.Get("InsertTicketTextsHead"))
		args := make([]any, 0, 4*len(part))
		for i, it := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "(CAST(%s AS BIGINT), %s, %s, %s)", tx.Dialect.Placeholder(n+1), tx.Dialect.Placeholder(n+2),
				tx.Dialect.Placeholder(n+3), tx.Dialect.Placeholder(n+4))
			args = append(args, it.id, indexText(it.subject), indexText(it.public), indexText(it.private))
		}
		b.WriteString(s.q.Get("InsertTicketTextsTail"))
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	for _, id := range changed {
		if err := s.IndexTicket(ctx, tx, id); err != nil && !errs.Is(err, errs.KindNotFound) {
			return err // a ticket deleted later in the batch has no row to write
		}
	}
	return nil
}

// IndexTicket rewrites the text index row of one ticket.
func (s *Service) IndexTicket(ctx context.Context, tx *db.Tx, id int64) error {
	var subject, desc, public, private string
	if err := tx.QueryRowContext(ctx, s.q.Get("TicketTexts"), id).Scan(&subject, &desc, &public, &private); err != nil {
		return db.MapError(err, "ticket")
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("DeleteTicketText"), id); err != nil {
		return err
	}
	// The description is the first public comment, already in public.
	_, err := tx.ExecContext(ctx, s.q.Get("InsertTicketText"), id, indexText(subject), indexText(public), indexText(private))
	return err
}

// indexText is text as the index gets it: angle brackets become spaces, so
// that PostgreSQL's text-search parser does not take pasted XML or
// exception names (<server>, <NullPointerException>) for markup tags and
// leave their words out (FTS5 splits on them anyway).
func indexText(s string) string {
	if !strings.ContainsAny(s, "<>") {
		return s
	}
	return strings.NewReplacer("<", " ", ">", " ").Replace(s)
}

// Reindex rebuilds the text index of every ticket, in batches (for imports
// and the benchmark's bulk load). It returns the number of tickets indexed.
func (s *Service) Reindex(ctx context.Context, fromID int64, batch int) (last int64, n int, err error) {
	last = fromID
	for {
		var ids []int64
		err = s.d.Write(ctx, func(tx *db.Tx) error {
			ids = ids[:0]
			rows, err := tx.QueryContext(ctx, "SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT $2", last, batch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				if err := s.IndexTicket(ctx, tx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(ids) == 0 {
			return last, n, err
		}
		last, n = ids[len(ids)-1], n+len(ids)
	}
}

// Viewer is who searches: "me" resolves to UserID; a non-nil Visibility
// restricts tickets to what a customer may see (and excludes internal
// notes from text matching).
type Viewer struct {
	UserID     int64
	Visibility *ticket.Visibility
	// HiddenBrands are the restricted brands whose tickets, users and
	// organizations do not exist for the viewer (brand.Scope.Hidden).
	HiddenBrands []int64
}

// Request is one page of a search.
type Request struct {
	Query  *zquery.Query
	Viewer Viewer
	Offset int
	Limit  int
}

// Result is one hit: ResultType is ticket, user, organization or group.
type Result struct {
	ResultType string
	ID         int64
}

// builder accumulates a WHERE clause and its arguments.
type builder struct {
	q     *db.Queries
	conds []string
	args  []any
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *builder) add(cond string, negated bool) {
	if negated {
		cond = "NOT COALESCE((" + cond + "), FALSE)"
	}
	b.conds = append(b.conds, "("+cond+")")
}

func (b *builder) where() string {
	if len(b.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(b.conds, " AND ")
}

// fragment returns a named SQL fragment with $N bound to a new argument.
func (b *builder) fragment(name string, v any) string {
	return strings.ReplaceAll(b.q.Get(name), "$N", b.arg(v))
}

func like(v zquery.Value) string {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v.Text)
	if v.Wildcard {
		return esc + "%"
	}
	return esc
}

// textEq matches a lowercased text column exactly or, for a wildcard, by prefix.
func (b *builder) textEq(col string, v zquery.Value) string {
	if v.Wildcard {
		return "lower(" + col + ") LIKE " + b.arg(like(v)) + ` ESCAPE '\'`
	}
	return "lower(" + col + ") = " + b.arg(v.Text)
}

// textContains matches a value anywhere in a text column.
func (b *builder) textContains(col string, v zquery.Value) string {
	return "lower(" + col + ") LIKE " + b.arg("%"+like(zquery.Value{Text: v.Text})+"%") + ` ESCAPE '\'`
}

// tagMatch matches a tag in a " a b " tag column.
func (b *builder) tagMatch(col string, v zquery.Value) string {
	return col + " LIKE " + b.arg("% "+like(v)+func() string {
		if v.Wildcard {
			return ""
		}
		return " %"
	}()) + ` ESCAPE '\'`
}

// timeRange bounds a microsecond column by a date term.
func (b *builder) timeRange(col string, t zquery.Term, v zquery.Value) string {
	from, to := v.Interval(t.Op)
	var parts []string
	if !from.IsZero() {
		parts = append(parts, col+" >= "+b.arg(from.UnixMicro()))
	}
	if !to.IsZero() {
		parts = append(parts, col+" < "+b.arg(to.UnixMicro()))
	}
	if len(parts) == 0 {
		return col + " IS NOT NULL"
	}
	return strings.Join(parts, " AND ")
}

// userRef matches a person field: an id, "me", "none", or a name or email.
func (b *builder) userRef(col string, v zquery.Value, me int64) string {
	switch v.Kind {
	case zquery.KindMe:
		return col + " = " + b.arg(me)
	case zquery.KindInt:
		return col + " = " + b.arg(v.Int)
	case zquery.KindNone:
		return col + " IS NULL"
	}
	return col + " IN (SELECT u.id FROM users u WHERE " + b.textEq("u.email", v) + " OR " + b.textEq("u.name", v) + ")"
}

// nameRef matches an organization or group field: an id, "none", or a name.
func (b *builder) nameRef(col, table string, v zquery.Value) string {
	switch v.Kind {
	case zquery.KindInt:
		return col + " = " + b.arg(v.Int)
	case zquery.KindNone:
		return col + " IS NULL"
	}
	return col + " IN (SELECT x.id FROM " + table + " x WHERE " + b.textEq("x.name", v) + ")"
}

// anyOf ORs one condition per value of a term.
func anyOf(t zquery.Term, f func(v zquery.Value) (string, error)) (string, error) {
	var parts []string
	for _, v := range t.Values {
		c, err := f(v)
		if err != nil {
			return "", err
		}
		parts = append(parts, "("+c+")")
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

func unsupported(field, typ string) error {
	return errs.Invalid("query", fmt.Sprintf("the field %q can't be searched on %s records", field, typ))
}

// inList renders col IN (values) for an expanded enum set.
func (b *builder) inList(col string, vals []string) string {
	if len(vals) == 0 {
		return "FALSE"
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = b.arg(v)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

// Customer access to ticket terms. A customer's term may be decided only by
// what customers can read of a ticket they may see: the customer view of
// the ticket (internal/web: no tags, external id, custom fields or
// submitter), its public comments with their authors and attachments, and
// the first public comment as its description. Names and emails of people
// and groups live in records customers cannot read.
type access uint8

const (
	accessRefused access = iota // agent-only: refused with a 422 naming the field
	accessOpen                  // a field of the customer view, compiled as for staff
	accessIDs                   // a reference by id, me or none only
	accessPublic                // compiled over public comments and the customer description
)

// customerAccess decides each ticket field of zquery.Fields for customers;
// a field not named here (one added later) is refused until it is decided.
func customerAccess(field string) access {
	switch field {
	case "status", "priority", "ticket_type", "subject", "via", "created", "updated", "solved", "due_date":
		return accessOpen
	case "assignee", "requester", "cc", "group", "organization":
		return accessIDs
	case "comment", "description", "has_attachment", "commenter": // commenter: by id, like accessIDs
		return accessPublic
	}
	return accessRefused // tags, submitter, external_id, fieldvalue, custom_field_<id>, brand
}

// checkCustomerTerm refuses a customer's term that customers may not use.
func checkCustomerTerm(t zquery.Term) error {
	a := customerAccess(t.Field)
	if strings.HasPrefix(t.Field, zquery.CustomFieldPrefix) || a == accessRefused {
		return errs.Invalid("query", fmt.Sprintf("the field %q can't be searched by customers", t.Field))
	}
	if a == accessIDs || t.Field == "commenter" {
		for _, v := range t.Values {
			if v.Wildcard || (v.Kind != zquery.KindInt && v.Kind != zquery.KindMe && v.Kind != zquery.KindNone) {
				return errs.Invalid("query", fmt.Sprintf("customers search %s by id (or me, none), not by name or email", t.Field))
			}
		}
	}
	return nil
}

// ticketTerm compiles one term over tickets t. With public set (a
// customer's search), comments, their authors and attachments are the
// public ones and the description is the customer description.
func (b *builder) ticketTerm(t zquery.Term, me int64, public bool) (string, error) {
	pubComment := ""
	if public {
		pubComment = " AND cm.public"
	}
	switch t.Field {
	case "status", "priority":
		col := "t.status"
		if t.Field == "priority" {
			col = "COALESCE(t.priority, '')"
		}
		return b.inList(col, zquery.ExpandOrdered(t)), nil
	case "ticket_type":
		vals := make([]string, len(t.Values))
		for i, v := range t.Values {
			vals[i] = v.Text
		}
		return b.inList("COALESCE(t.type, '')", vals), nil
	case "created", "updated", "solved", "due_date":
		col := map[string]string{"created": "t.created_at", "updated": "t.updated_at", "solved": "t.solved_at", "due_date": "t.due_at"}[t.Field]
		return b.timeRange(col, t, t.Values[0]), nil
	}
	return anyOf(t, func(v zquery.Value) (string, error) {
		switch t.Field {
		case "tags":
			return b.tagMatch("t.tags", v), nil
		case "assignee":
			return b.userRef("t.assignee_id", v, me), nil
		case "requester":
			return b.userRef("t.requester_id", v, me), nil
		case "submitter":
			return b.userRef("t.submitter_id", v, me), nil
		case "cc":
			return "EXISTS (SELECT 1 FROM ticket_collaborators cc WHERE cc.ticket_id = t.id AND " + b.userRef("cc.user_id", v, me) + ")", nil
		case "commenter":
			return "EXISTS (SELECT 1 FROM ticket_comments cm WHERE cm.ticket_id = t.id" + pubComment + " AND " + b.userRef("cm.author_id", v, me) + ")", nil
		case "group":
			return b.nameRef("t.group_id", "groups", v), nil
		case "organization":
			return b.nameRef("t.organization_id", "organizations", v), nil
		case "brand":
			return b.nameRef("t.brand_id", "brands", v), nil
		case "subject":
			return b.textContains("t.subject", v), nil
		case "description":
			if public {
				return b.textContains("COALESCE(t.public_description, t.description)", v), nil
			}
			return b.textContains("t.description", v), nil
		case "comment":
			return "EXISTS (SELECT 1 FROM ticket_comments cm WHERE cm.ticket_id = t.id" + pubComment + " AND " + b.textContains("cm.plain_body", v) + ")", nil
		case "via":
			return "t.via_channel = " + b.arg(v.Text), nil
		case "external_id":
			return b.textEq("COALESCE(t.external_id, '')", v), nil
		case "has_attachment":
			c := "EXISTS (SELECT 1 FROM attachments x WHERE x.ticket_id = t.id)"
			if public {
				c = "EXISTS (SELECT 1 FROM attachments x JOIN ticket_comments cm ON cm.id = x.comment_id WHERE x.ticket_id = t.id" + pubComment + ")"
			}
			if !v.Bool {
				c = "NOT " + c
			}
			return c, nil
		case "fieldvalue":
			return b.textContains("t.custom_fields", v), nil
		}
		if id, ok := strings.CutPrefix(t.Field, "custom_field_"); ok {
			// custom_fields is the JSON array [{"id":N,"value":V},...].
			key := `"id":` + id + `,"value":`
			str := b.textContains("t.custom_fields", zquery.Value{Text: key + strconv.Quote(v.Text)})
			raw := b.textContains("t.custom_fields", zquery.Value{Text: key + v.Text + "}"})
			return "(" + str + " OR " + raw + ")", nil
		}
		return "", unsupported(t.Field, "ticket")
	})
}

// userTerm compiles one term over users u.
func (b *builder) userTerm(t zquery.Term) (string, error) {
	switch t.Field {
	case "created", "updated":
		return b.timeRange("u."+t.Field+"_at", t, t.Values[0]), nil
	case "role":
		vals := make([]string, len(t.Values))
		for i, v := range t.Values {
			vals[i] = v.Text
		}
		return b.inList("u.role", vals), nil
	}
	return anyOf(t, func(v zquery.Value) (string, error) {
		switch t.Field {
		case "tags":
			return b.tagMatch("u.tags", v), nil
		case "organization":
			return b.nameRef("u.organization_id", "organizations", v), nil
		case "email", "name", "external_id":
			return b.textEq("COALESCE(u."+t.Field+", '')", v), nil
		case "phone":
			return b.textContains("u.phone", v), nil
		}
		return "", unsupported(t.Field, "user")
	})
}

// orgTerm compiles one term over organizations o.
func (b *builder) orgTerm(t zquery.Term) (string, error) {
	switch t.Field {
	case "created", "updated":
		return b.timeRange("o."+t.Field+"_at", t, t.Values[0]), nil
	}
	return anyOf(t, func(v zquery.Value) (string, error) {
		switch t.Field {
		case "tags":
			return b.tagMatch("o.tags", v), nil
		case "name", "external_id":
			return b.textEq("COALESCE(o."+t.Field+", '')", v), nil
		case "details", "notes":
			return b.textContains("o."+t.Field, v), nil
		}
		return "", unsupported(t.Field, "organization")
	})
}

// groupTerm compiles one term over groups g.
func (b *builder) groupTerm(t zquery.Term) (string, error) {
	switch t.Field {
	case "created", "updated":
		return b.timeRange("g."+t.Field+"_at", t, t.Values[0]), nil
	}
	return anyOf(t, func(v zquery.Value) (string, error) {
		if t.Field == "name" {
			return b.textEq("g.name", v), nil
		}
		return "", unsupported(t.Field, "group")
	})
}

// freeTextLike matches free-text entries against columns with LIKE (users,
// organizations, groups: short texts without a full-text index).
func (b *builder) freeTextLike(q *zquery.Query, cols ...string) {
	for i, list := range [][]string{q.FreeText, q.ExcludedText} {
		for _, e := range list {
			v := zquery.Value{Text: strings.TrimSuffix(e, "*")}
			var parts []string
			for _, c := range cols {
				parts = append(parts, b.textContains("COALESCE("+c+", '')", v))
			}
			b.add(strings.Join(parts, " OR "), i == 1)
		}
	}
}

// plan is a compiled search over one record type.
type plan struct {
	from, where, order string
	args               []any
	// ranked, when set, selects (id, score) candidates for a relevance
	// ordered page; its count is capped at MaxRanked.
	ranked     string
	rankedArgs []any
}

// MaxRanked bounds a relevance-ranked ticket search: the most recent
// MaxRanked matches are ranked (Zendesk, too, returns at most 1,000 results).
const MaxRanked = 1000

func (s *Service) compile(typ string, r *Request) (*plan, error) {
	b := &builder{q: s.q}
	q := r.Query
	var order string
	desc := q.Sort != "asc"
	dir := " DESC"
	if !desc {
		dir = ""
	}
	switch typ {
	case zquery.TypeTicket:
		match := "TextMatchAll"
		if r.Viewer.Visibility != nil {
			match = "TextMatchPublic"
		}
		// filters adds every condition but the free-text match to a builder.
		filters := func(b *builder) error {
			customer := r.Viewer.Visibility != nil
			for _, t := range q.Terms {
				if customer {
					if err := checkCustomerTerm(t); err != nil {
						return err
					}
				}
				c, err := b.ticketTerm(t, r.Viewer.UserID, customer)
				if err != nil {
					return err
				}
				b.add(c, t.Negated)
			}
			if len(r.Viewer.HiddenBrands) > 0 {
				b.add(brand.VisibleSQL("t.brand_id", b.arg(brand.Encode(r.Viewer.HiddenBrands))), false)
			}
			if v := r.Viewer.Visibility; v != nil {
				vis := "t.requester_id = " + b.arg(v.UserID) +
					" OR EXISTS (SELECT 1 FROM ticket_collaborators vc WHERE vc.ticket_id = t.id AND vc.user_id = " + b.arg(v.UserID) + ")"
				if len(v.OrgIDs) > 0 {
					ids := make([]string, len(v.OrgIDs))
					for i, id := range v.OrgIDs {
						ids[i] = b.arg(id)
					}
					vis += " OR t.organization_id IN (" + strings.Join(ids, ", ") + ")"
				}
				b.add(vis, false)
			}
			for _, e := range q.ExcludedText {
				if ex, ok := s.d.Dialect.FullText([]string{e}); ok {
					b.add("t.id IN ("+b.fragment(match, ex)+")", true)
				}
			}
			return nil
		}
		if err := filters(b); err != nil {
			return nil, err
		}
		fts, hasText := s.d.Dialect.FullText(q.FreeText)
		p := &plan{from: "tickets t"}
		if hasText && q.OrderBy == "" {
			// Ranked: the text index drives, newest matches first, and
			// relevance orders the most recent MaxRanked of them.
			rb := &builder{q: s.q}
			if err := filters(rb); err != nil {
				return nil, err
			}
			var cands string
			if where := rb.where(); where == "TRUE" && match == "TextMatchAll" {
				cands = rb.fragment("RankedTextOnlyAll", fts)
			} else {
				cands = rb.fragment("Ranked"+match, fts) + " AND " + where
			}
			cands += " ORDER BY " + s.q.Get("RankedOrder") + " LIMIT " + strconv.Itoa(MaxRanked)
			p.ranked, p.rankedArgs = cands, rb.args
		}
		if hasText {
			b.add("t.id IN ("+b.fragment(match, fts)+")", false)
		}
		switch q.OrderBy {
		case "created":
			order = "t.created_at" + dir + ", t.id" + dir
		case "priority":
			order = "CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END" + dir + ", t.id" + dir
		case "status":
			order = "CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'hold' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END" + dir + ", t.id" + dir
		case "ticket_type":
			order = "COALESCE(t.type, '')" + dir + ", t.id" + dir
		default:
			order = "t.updated_at" + dir + ", t.id" + dir
		}
		p.where, p.order, p.args = b.where(), order, b.args
		return p, nil
	case zquery.TypeUser:
		for _, t := range q.Terms {
			c, err := b.userTerm(t)
			if err != nil {
				return nil, err
			}
			b.add(c, t.Negated)
		}
		if len(r.Viewer.HiddenBrands) > 0 {
			b.add(brand.VisibleSQL("u.brand_id", b.arg(brand.Encode(r.Viewer.HiddenBrands))), false)
		}
		b.freeTextLike(q, "u.name", "u.email", "u.phone", "u.external_id")
		return &plan{from: "users u", where: b.where(), order: orderOf(q, "u", dir), args: b.args}, nil
	case zquery.TypeOrganization:
		for _, t := range q.Terms {
			c, err := b.orgTerm(t)
			if err != nil {
				return nil, err
			}
			b.add(c, t.Negated)
		}
		if len(r.Viewer.HiddenBrands) > 0 {
			b.add(brand.VisibleSQL("o.brand_id", b.arg(brand.Encode(r.Viewer.HiddenBrands))), false)
		}
		b.freeTextLike(q, "o.name", "o.details", "o.notes", "o.external_id")
		return &plan{from: "organizations o", where: b.where(), order: orderOf(q, "o", dir), args: b.args}, nil
	case zquery.TypeGroup:
		for _, t := range q.Terms {
			c, err := b.groupTerm(t)
			if err != nil {
				return nil, err
			}
			b.add(c, t.Negated)
		}
		b.add("NOT g.deleted", false)
		b.freeTextLike(q, "g.name", "g.description")
		return &plan{from: "groups g", where: b.where(), order: orderOf(q, "g", dir), args: b.args}, nil
	}
	return nil, errs.Invalid("query", "unknown type "+typ)
}

func orderOf(q *zquery.Query, alias, dir string) string {
	if q.OrderBy == "created" {
		return alias + ".created_at" + dir + ", " + alias + ".id" + dir
	}
	return alias + ".updated_at" + dir + ", " + alias + ".id" + dir
}

// Types returns the record types a request searches: a customer searches
// tickets only.
func Types(r *Request) []string {
	if r.Viewer.Visibility != nil {
		if r.Query.Type != "" && r.Query.Type != zquery.TypeTicket {
			return nil
		}
		for _, t := range r.Query.Terms {
			if !zquery.AppliesTo(t.Field, zquery.TypeTicket) {
				return nil
			}
		}
		return []string{zquery.TypeTicket}
	}
	return r.Query.Types()
}

// Count counts the matches of each searched type exactly.
func (s *Service) Count(ctx context.Context, r *Request) (map[string]int, error) {
	out := map[string]int{}
	for _, typ := range Types(r) {
		p, err := s.compile(typ, r)
		if err != nil {
			return nil, err
		}
		if out[typ], err = s.count(ctx, "SELECT count(*) FROM "+p.from+" WHERE "+p.where, p.args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) count(ctx context.Context, query string, args []any) (n int, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, query, args...).Scan(&n) })
	return n, err
}

// Search returns one page of results: the matches of each searched type in
// turn (tickets, users, organizations, groups), each type in its own order,
// and the total. Tickets with free text and no order_by come by relevance,
// ranked among their MaxRanked most recent matches, which caps their count.
func (s *Service) Search(ctx context.Context, r *Request) ([]Result, int, error) {
	limit := r.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	type part struct {
		typ    string
		p      *plan
		count  int
		ranked []Result // ranked rows, in order, when p.ranked is set
	}
	var parts []part
	total := 0
	for _, typ := range Types(r) {
		p, err := s.compile(typ, r)
		if err != nil {
			return nil, 0, err
		}
		var n int
		var ranked []Result
		if p.ranked != "" {
			// At most MaxRanked rows: read them once, count and order here.
			ranked, err = s.rank(ctx, typ, p)
			n = len(ranked)
		} else {
			n, err = s.count(ctx, "SELECT count(*) FROM "+p.from+" WHERE "+p.where, p.args)
		}
		if err != nil {
			return nil, 0, err
		}
		parts = append(parts, part{typ, p, n, ranked})
		total += n
	}
	out := []Result{}
	skip := max(r.Offset, 0)
	for _, pt := range parts {
		if skip >= pt.count {
			skip -= pt.count
			continue
		}
		want := limit - len(out)
		if want <= 0 {
			break
		}
		if pt.p.ranked != "" {
			out = append(out, pt.ranked[skip:min(len(pt.ranked), skip+want)]...)
			skip = 0
			continue
		}
		alias := strings.Fields(pt.p.from)[1]
		query := "SELECT " + alias + ".id FROM " + pt.p.from + " WHERE " + pt.p.where + " ORDER BY " + pt.p.order +
			" LIMIT " + strconv.Itoa(want) + " OFFSET " + strconv.Itoa(skip)
		err := s.d.Read(ctx, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, query, pt.p.args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				out = append(out, Result{ResultType: pt.typ, ID: id})
			}
			return rows.Err()
		})
		if err != nil {
			return nil, 0, err
		}
		skip = 0
	}
	return out, total, nil
}

// rank reads the ranked candidates of p and orders them by score, then
// newest first.
func (s *Service) rank(ctx context.Context, typ string, p *plan) ([]Result, error) {
	type scored struct {
		id    int64
		score float64
	}
	var rows []scored
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows = rows[:0]
		rs, err := tx.QueryContext(ctx, p.ranked, p.rankedArgs...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var x scored
			if err := rs.Scan(&x.id, &x.score); err != nil {
				return err
			}
			rows = append(rows, x)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	out := make([]Result, len(rows))
	for i, x := range rows {
		out[i] = Result{ResultType: typ, ID: x.id}
	}
	return out, nil
}

// Parse parses a query string for viewer at now (dates in loc).
func Parse(query string, now time.Time, loc *time.Location) (*zquery.Query, error) {
	if strings.TrimSpace(query) == "" {
		return nil, errs.Invalid("query", "can't be blank")
	}
	return zquery.Parse(query, now, loc)
}

// Export returns up to limit matches of one type after the id afterID, in
// id order, unranked and without the 1,000-result cap (Zendesk's search
// export, cursor-paged).
func (s *Service) Export(ctx context.Context, r *Request, typ string, afterID int64, limit int) ([]Result, error) {
	if !slices.Contains(Types(r), typ) {
		return []Result{}, nil
	}
	p, err := s.compile(typ, r)
	if err != nil {
		return nil, err
	}
	alias := strings.Fields(p.from)[1]
	args := append(slices.Clone(p.args), afterID)
	query := "SELECT " + alias + ".id FROM " + p.from + " WHERE (" + p.where + ") AND " + alias + ".id > " +
		s.d.Dialect.Placeholder(len(args)) + " ORDER BY " + alias + ".id LIMIT " + strconv.Itoa(max(1, min(limit, 1001)))
	out := []Result{}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out = append(out, Result{ResultType: typ, ID: id})
		}
		return rows.Err()
	})
	return out, err
}
