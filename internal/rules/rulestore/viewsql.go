package rulestore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// Views run as SQL over the tickets table: rules.View.Filter compiles the
// conditions to predicates on ticket columns (with rules.Filter.Match as the
// reference semantics) and this file turns those into a WHERE clause, an
// ORDER BY and a keyset condition. Only portable SQL is produced (LIKE,
// IN, COALESCE, CASE), so both engines run the same text.

type colType int

const (
	ctText colType = iota // NULL reads as ""
	ctID                  // NULL reads as 0
	ctTime                // BIGINT microseconds, NULL never matches
	ctTags                // " a b " text
	ctBool                // a boolean SQL expression
)

type colSQL struct {
	expr     string
	typ      colType
	nullable bool
	org      bool // needs the organizations join
}

// SLA columns come from the SLA store's per-ticket metrics (migration
// 00005): the next breach is the earliest due time of a running target,
// the last breach the latest breach time, and "breached" any metric whose
// current cycle missed its target.
const (
	// tickets.sla_next_breach_at is that minimum, kept by the SLA service
	// with "none" as the largest BIGINT so that it can be indexed.
	slaNextBreachSQL = "NULLIF(t.sla_next_breach_at, 9223372036854775807)"
	slaLastBreachSQL = "(SELECT max(sm.breached_at) FROM sla_ticket_metrics sm WHERE sm.ticket_id = t.id)"
	slaBreachedSQL   = "EXISTS (SELECT 1 FROM sla_ticket_metrics sm WHERE sm.ticket_id = t.id AND sm.status = 'breached')"
)

// The "hours since" times Zendesk keeps per ticket come from the ticket's
// own audits (its change history): when it last entered pending, when its
// current assignee was set, and the last update by its requester and by its
// assignee. Audit events are JSON text written by package ticket as
// {"type":...,"field_name":...,"value":...}; the LIKE patterns below match
// that encoding (snapshots use the same expressions, see TicketTimes).
const (
	pendingAtSQL          = `(SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.events LIKE '%"field\_name":"status","value":"pending"%' ESCAPE '\')`
	assignedAtSQL         = `(CASE WHEN t.assignee_id IS NULL THEN NULL ELSE (SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.events LIKE '%"field\_name":"assignee\_id"%' ESCAPE '\') END)`
	requesterUpdatedAtSQL = "(SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.author_id = t.requester_id)"
	assigneeUpdatedAtSQL  = "(SELECT max(a.created_at) FROM ticket_audits a WHERE a.ticket_id = t.id AND a.author_id = t.assignee_id)"
)

// viewColumns maps rules.Col* columns to SQL. Custom fields are handled by
// customField (is / is_not only).
func viewColumns() map[string]colSQL {
	return map[string]colSQL{
		rules.ColID:                 {expr: "t.id", typ: ctID},
		rules.ColSubject:            {expr: "t.subject", typ: ctText},
		rules.ColStatus:             {expr: "t.status", typ: ctText},
		rules.ColPriority:           {expr: "t.priority", typ: ctText, nullable: true},
		rules.ColType:               {expr: "t.type", typ: ctText, nullable: true},
		rules.ColGroupID:            {expr: "t.group_id", typ: ctID, nullable: true},
		rules.ColAssigneeID:         {expr: "t.assignee_id", typ: ctID, nullable: true},
		rules.ColRequesterID:        {expr: "t.requester_id", typ: ctID},
		rules.ColSubmitterID:        {expr: "t.submitter_id", typ: ctID},
		rules.ColOrganizationID:     {expr: "t.organization_id", typ: ctID, nullable: true},
		rules.ColOrgPlan:            {expr: "o.support_plan", typ: ctText, nullable: true, org: true},
		rules.ColOrgTier:            {expr: "o.tier", typ: ctText, nullable: true, org: true},
		rules.ColTags:               {expr: "t.tags", typ: ctTags},
		rules.ColVia:                {expr: "t.via_channel", typ: ctText},
		rules.ColCreatedAt:          {expr: "t.created_at", typ: ctTime},
		rules.ColUpdatedAt:          {expr: "t.updated_at", typ: ctTime},
		rules.ColSolvedAt:           {expr: "t.solved_at", typ: ctTime, nullable: true},
		rules.ColDueAt:              {expr: "t.due_at", typ: ctTime, nullable: true},
		rules.ColSLANextBreachAt:    {expr: slaNextBreachSQL, typ: ctTime, nullable: true},
		rules.ColSLALastBreachAt:    {expr: slaLastBreachSQL, typ: ctTime, nullable: true},
		rules.ColSLABreached:        {expr: slaBreachedSQL, typ: ctBool},
		rules.ColPendingAt:          {expr: pendingAtSQL, typ: ctTime, nullable: true},
		rules.ColRequesterUpdatedAt: {expr: requesterUpdatedAtSQL, typ: ctTime, nullable: true},
		rules.ColAssignedAt:         {expr: assignedAtSQL, typ: ctTime, nullable: true},
		rules.ColAssigneeUpdatedAt:  {expr: assigneeUpdatedAtSQL, typ: ctTime, nullable: true},
	}
}

// viewSQL is a view compiled for execution.
type viewSQL struct {
	f       rules.Filter
	cols    map[string]colSQL
	joinOrg bool
}

func unsupported(col string) string {
	return fmt.Sprintf("%s is not available in views on this server yet (ticket column %q is not stored)", strconv.Quote(col), col)
}

// compileViewSQL validates that every condition and the sort can run as
// SQL; errors name the condition (conditions.all[2].field) or
// execution.sort_by / execution.group_by.
func compileViewSQL(v rules.View) (*viewSQL, error) {
	f, err := v.Filter()
	if err != nil {
		return nil, err
	}
	cols := viewColumns()
	var ve errs.Validation
	for _, g := range []struct {
		name  string
		conds []rules.Condition
	}{{"all", v.Conditions.All}, {"any", v.Conditions.Any}} {
		for i, c := range g.conds {
			one := rules.View{Title: "x", Conditions: rules.Conditions{All: []rules.Condition{c}}}
			cf, err := one.Filter()
			if err != nil {
				continue // reported by Validate already
			}
			for _, p := range cf.All {
				if p.Column == rules.ColCustomField {
					if p.Op != rules.OpIn && p.Op != rules.OpNotIn {
						ve.Add(fmt.Sprintf("conditions.%s[%d].operator", g.name, i),
							fmt.Sprintf("%s is not available for custom fields in views yet (is, is_not, present, not_present are)", strconv.Quote(c.Operator)))
					}
					continue
				}
				if _, ok := cols[p.Column]; !ok {
					ve.Add(fmt.Sprintf("conditions.%s[%d].field", g.name, i), unsupported(c.Field))
					break
				}
			}
		}
	}
	for i, k := range f.Sort {
		if _, ok := cols[k.Column]; !ok {
			field := "execution.sort_by"
			if i == 0 && v.Execution.GroupBy != "" {
				field = "execution.group_by"
			}
			ve.Add(field, unsupported(k.Column))
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	if len(f.Sort) > 0 && f.Sort[0].Column == rules.ColSLANextBreachAt && !f.Sort[0].Desc {
		// The queue: unsolved tickets by SLA due. Tickets without a
		// running target sort last, so reading tickets_sla_next_breach_idx
		// in order finds the first page at once; a status index would
		// fetch every unsolved ticket and sort them (SQLite 3.54 prefers
		// it). Status conditions on an expression keep that index out.
		st := cols[rules.ColStatus]
		st.expr = "(t.status || '')"
		cols[rules.ColStatus] = st
	}
	out := &viewSQL{f: f, cols: cols}
	for _, p := range append(slices.Clone(f.All), f.Any...) {
		out.joinOrg = out.joinOrg || cols[p.Column].org
	}
	return out, nil
}

// sqlBuilder collects SQL text and numbered arguments.
type sqlBuilder struct {
	args []any
}

func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// sqlValue converts a resolved predicate value to a SQL argument.
func sqlValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UnixMicro()
	}
	return v
}

func isNone(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case int64:
		return x == 0
	}
	return false
}

func (b *sqlBuilder) inList(vals []any) string {
	ps := make([]string, len(vals))
	for i, v := range vals {
		ps[i] = b.arg(sqlValue(v))
	}
	return strings.Join(ps, ", ")
}

// predicate renders one predicate with its values resolved by Args.
func (b *sqlBuilder) predicate(c colSQL, p rules.Predicate, vals []any) string {
	e := c.expr
	if c.typ == ctBool {
		want := len(vals) == 1 && vals[0] == true
		if (p.Op == rules.OpIn) != want {
			return "NOT " + e
		}
		return e
	}
	switch p.Op {
	case rules.OpIn, rules.OpNotIn:
		var none bool
		var others []any
		for _, v := range vals {
			if isNone(v) {
				none = true
			} else {
				others = append(others, v)
			}
		}
		noneSQL := e + " IS NULL"
		if c.typ == ctText {
			noneSQL = "(" + e + " IS NULL OR " + e + " = '')"
		}
		if !c.nullable {
			if c.typ == ctText {
				noneSQL = e + " = ''"
			} else {
				noneSQL = e + " = 0"
			}
		}
		if p.Op == rules.OpIn {
			switch {
			case len(vals) == 0:
				return "1 = 0"
			case none && len(others) == 0:
				return noneSQL
			case none:
				return "(" + noneSQL + " OR " + e + " IN (" + b.inList(others) + "))"
			}
			return e + " IN (" + b.inList(others) + ")"
		}
		switch {
		case len(vals) == 0:
			return "1 = 1"
		case none && len(others) == 0:
			return "NOT " + noneSQL
		case none:
			return "NOT " + noneSQL + " AND " + e + " NOT IN (" + b.inList(others) + ")"
		case c.nullable:
			return "(" + noneSQL + " OR " + e + " NOT IN (" + b.inList(others) + "))"
		}
		return e + " NOT IN (" + b.inList(others) + ")"
	case rules.OpTagsAny, rules.OpTagsNone:
		if len(vals) == 0 {
			if p.Op == rules.OpTagsAny {
				return "1 = 0"
			}
			return "1 = 1"
		}
		ors := make([]string, len(vals))
		for i, v := range vals {
			s, _ := v.(string)
			ors[i] = e + ` LIKE ` + b.arg("% "+likeEscape(s)+" %") + ` ESCAPE '\'`
		}
		hit := "(" + strings.Join(ors, " OR ") + ")"
		if p.Op == rules.OpTagsNone {
			return "NOT " + hit
		}
		return hit
	case rules.OpLt, rules.OpLe, rules.OpGt, rules.OpGe:
		op := map[rules.Op]string{rules.OpLt: "<", rules.OpLe: "<=", rules.OpGt: ">", rules.OpGe: ">="}[p.Op]
		if p.Column == rules.ColSLANextBreachAt && (p.Op == rules.OpLt || p.Op == rules.OpLe) {
			// "None" is the largest value, so it is never before X: the
			// sort-key column answers directly, from its index.
			return "t.sla_next_breach_at " + op + " " + b.arg(sqlValue(vals[0]))
		}
		return e + " " + op + " " + b.arg(sqlValue(vals[0]))
	case rules.OpBetween:
		return "(" + e + " >= " + b.arg(sqlValue(vals[0])) + " AND " + e + " < " + b.arg(sqlValue(vals[1])) + ")"
	case rules.OpNotBetween:
		return "(" + e + " IS NOT NULL AND NOT (" + e + " >= " + b.arg(sqlValue(vals[0])) + " AND " + e + " < " + b.arg(sqlValue(vals[1])) + "))"
	}
	return "1 = 0"
}

func (b *sqlBuilder) pred(cols map[string]colSQL, p rules.Predicate, now time.Time, viewerID int64) string {
	if p.Column == rules.ColCustomField {
		return b.customField(p)
	}
	return b.predicate(cols[p.Column], p, p.Args(now, viewerID))
}

// customField renders is / is_not (OpIn / OpNotIn with one text value, ""
// meaning not present) on a custom field. Custom fields are stored by the
// ticket store as the JSON text [{"id":5,"value":...}, ...] (encoding/json,
// values normalised to strings, numbers, booleans or lists); a value
// matches when its entry is encoded exactly as the value would be: a
// string, the same number or boolean, or the list of its space-separated
// words (a multi-select). Rules compare the value as text the same way.
func (b *sqlBuilder) customField(p rules.Predicate) string {
	v, _ := p.Values[0].(string)
	entry := `{"id":` + strconv.FormatInt(p.FieldID, 10) + `,"value":`
	like := func(valueJSON string, suffix string) string {
		return "t.custom_fields LIKE " + b.arg("%"+likeEscape(entry+valueJSON)+suffix) + ` ESCAPE '\'`
	}
	var cond string
	if v == "" {
		// Present: an entry whose value is not null, "" or [].
		cond = "(" + like("", "%") + " AND NOT " + like("null}", "%") + " AND NOT " + like(`""}`, "%") + " AND NOT " + like("[]}", "%") + ")"
		if p.Op == rules.OpIn {
			return "NOT " + cond
		}
		return cond
	}
	var ors []string
	for _, enc := range customEncodings(v) {
		ors = append(ors, like(enc+"}", "%"))
	}
	cond = "(" + strings.Join(ors, " OR ") + ")"
	if p.Op == rules.OpNotIn {
		return "NOT " + cond
	}
	return cond
}

// customEncodings lists the JSON encodings of stored values that read as
// text v (see customValue).
func customEncodings(v string) []string {
	enc := func(x any) string {
		j, _ := json.Marshal(x)
		return string(j)
	}
	out := []string{enc(v)}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
		out = append(out, enc(n))
	} else if f, err := strconv.ParseFloat(v, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == v {
		out = append(out, enc(f))
	}
	if v == "true" || v == "false" {
		out = append(out, v)
	}
	if words := strings.Split(v, " "); len(words) > 1 && !slices.Contains(words, "") {
		out = append(out, enc(words))
	}
	return out
}

// where renders the WHERE clause (without the keyword) for viewer at now.
func (v *viewSQL) where(b *sqlBuilder, now time.Time, viewerID int64) string {
	var all []string
	for _, p := range v.f.All {
		all = append(all, b.pred(v.cols, p, now, viewerID))
	}
	if len(v.f.Any) > 0 {
		var anyOf []string
		for _, p := range v.f.Any {
			anyOf = append(anyOf, b.pred(v.cols, p, now, viewerID))
		}
		all = append(all, "("+strings.Join(anyOf, " OR ")+")")
	}
	if len(all) == 0 {
		return "1 = 1"
	}
	return strings.Join(all, " AND ")
}

const (
	maxMicros = "9223372036854775807"
	minMicros = "-9223372036854775807"
)

// sortExpr is the SQL of one sort key: NULL-free, so that keyset
// comparisons work (NULL times sort last in both directions, as
// rules.Filter.Compare does).
func (v *viewSQL) sortExpr(k rules.SortKey) string {
	c := v.cols[k.Column]
	if len(k.Ranking) > 0 {
		var b strings.Builder
		b.WriteString("CASE " + c.expr)
		for i, r := range k.Ranking {
			fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(r, "'", "''"), i)
		}
		b.WriteString(" ELSE -1 END")
		return b.String()
	}
	if !c.nullable {
		return c.expr
	}
	if k.Column == rules.ColSLANextBreachAt && !k.Desc {
		// "None" is stored as the largest value: the column itself sorts
		// NULL-last and reads tickets_sla_next_breach_idx in order.
		return "t.sla_next_breach_at"
	}
	switch c.typ {
	case ctTime:
		if k.Desc {
			return "COALESCE(" + c.expr + ", " + minMicros + ")"
		}
		return "COALESCE(" + c.expr + ", " + maxMicros + ")"
	case ctID:
		return "COALESCE(" + c.expr + ", 0)"
	}
	return "COALESCE(" + c.expr + ", '')"
}

func (v *viewSQL) from() string {
	if v.joinOrg {
		return "FROM tickets t LEFT JOIN organizations o ON o.id = t.organization_id"
	}
	return "FROM tickets t"
}

// ViewPage asks for one page of a view: keyset (After, a cursor from a
// previous page) or offset.
type ViewPage struct {
	After  string
	Offset int
	Limit  int // 1..1000, default 100
}

// ViewResult is one page of ticket ids with the cursor after the last.
type ViewResult struct {
	IDs     []int64
	After   string // cursor of the last id ("" when the page is empty)
	HasMore bool
}

func encodeViewCursor(vals []any) string {
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeViewCursor(c string, n int) ([]any, error) {
	bad := errs.BadRequest("page[after]: invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, bad
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil || len(vals) != n {
		return nil, bad
	}
	for i, v := range vals {
		switch x := v.(type) {
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				return nil, bad
			}
			vals[i] = n
		case string:
		default:
			return nil, bad
		}
	}
	return vals, nil
}

// ExecuteView returns one page of the ids of the tickets in view v as seen
// by viewerID now, in the view's order.
func (s *Store) ExecuteView(ctx context.Context, v rules.View, viewerID int64, p ViewPage) (ViewResult, error) {
	vs, err := compileViewSQL(v)
	if err != nil {
		return ViewResult{}, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	b := &sqlBuilder{}
	where := vs.where(b, s.d.Clock.Now(), viewerID)
	if where, err = s.partitioned(ctx, b, where, viewerID); err != nil {
		return ViewResult{}, err
	}
	exprs := make([]string, len(vs.f.Sort))
	order := make([]string, len(vs.f.Sort))
	for i, k := range vs.f.Sort {
		exprs[i] = vs.sortExpr(k)
		order[i] = exprs[i]
		if k.Desc {
			order[i] += " DESC"
		}
	}
	if p.After != "" {
		vals, err := decodeViewCursor(p.After, len(exprs))
		if err != nil {
			return ViewResult{}, err
		}
		var ors []string
		for i := range exprs {
			var ands []string
			for j := 0; j < i; j++ {
				ands = append(ands, exprs[j]+" = "+b.arg(vals[j]))
			}
			op := " > "
			if vs.f.Sort[i].Desc {
				op = " < "
			}
			ands = append(ands, exprs[i]+op+b.arg(vals[i]))
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		where += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	query := "SELECT t.id, " + strings.Join(exprs, ", ") + " " + vs.from() + " WHERE " + where +
		" ORDER BY " + strings.Join(order, ", ") + " LIMIT " + b.arg(limit+1) + " OFFSET " + b.arg(max(p.Offset, 0))
	var res ViewResult
	var last []any
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		res, last = ViewResult{}, nil
		rows, err := tx.QueryContext(ctx, query, b.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			vals := make([]any, len(exprs))
			ptrs := []any{&id}
			for i := range vals {
				ptrs = append(ptrs, &vals[i])
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			if len(res.IDs) == limit {
				res.HasMore = true
				break
			}
			res.IDs = append(res.IDs, id)
			last = vals
		}
		return rows.Err()
	})
	if err != nil {
		return ViewResult{}, err
	}
	if last != nil {
		for i, v := range last {
			switch x := v.(type) {
			case []byte:
				last[i] = string(x)
			case int:
				last[i] = int64(x)
			case int32:
				last[i] = int64(x)
			}
		}
		res.After = encodeViewCursor(last)
	}
	return res, nil
}

// partitioned adds the restricted partition condition (brand.VisibleSQL)
// for viewerID to a view's where clause.
func (s *Store) partitioned(ctx context.Context, b *sqlBuilder, where string, viewerID int64) (string, error) {
	if s.opt.Partition == nil {
		return where, nil
	}
	hidden, err := s.opt.Partition.Hidden(ctx, viewerID)
	if err != nil || len(hidden) == 0 {
		return where, err
	}
	return "(" + where + ") AND " + brand.VisibleSQL("t.brand_id", b.arg(brand.Encode(hidden))), nil
}

// CountView counts the tickets in view v for viewerID now.
func (s *Store) CountView(ctx context.Context, v rules.View, viewerID int64) (int, error) {
	vs, err := compileViewSQL(v)
	if err != nil {
		return 0, err
	}
	b := &sqlBuilder{}
	where, err := s.partitioned(ctx, b, vs.where(b, s.d.Clock.Now(), viewerID), viewerID)
	if err != nil {
		return 0, err
	}
	query := "SELECT count(*) " + vs.from() + " WHERE " + where
	var n int
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, query, b.args...).Scan(&n)
	})
	return n, err
}

// ViewTickets is ExecuteView returning the tickets themselves, in order.
func (s *Store) ViewTickets(ctx context.Context, v rules.View, viewerID int64, p ViewPage) ([]ticket.Ticket, ViewResult, error) {
	res, err := s.ExecuteView(ctx, v, viewerID, p)
	if err != nil || len(res.IDs) == 0 {
		return []ticket.Ticket{}, res, err
	}
	ts, err := s.tickets.GetMany(ctx, res.IDs)
	if err != nil {
		return nil, res, err
	}
	byID := make(map[int64]ticket.Ticket, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	out := make([]ticket.Ticket, 0, len(res.IDs))
	for _, id := range res.IDs {
		if t, ok := byID[id]; ok {
			out = append(out, t)
		}
	}
	return out, res, nil
}
