package rules

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Ticket columns used by Filter predicates and sort keys. "organization.*"
// columns come from the ticket's organization (a join); ColCustomField
// refers to the custom field Predicate.FieldID.
const (
	ColID                 = "id"
	ColSubject            = "subject"
	ColStatus             = "status"
	ColPriority           = "priority"
	ColType               = "type"
	ColGroupID            = "group_id"
	ColAssigneeID         = "assignee_id"
	ColRequesterID        = "requester_id"
	ColSubmitterID        = "submitter_id"
	ColOrganizationID     = "organization_id"
	ColOrgPlan            = "organization.plan"
	ColOrgTier            = "organization.tier"
	ColTags               = "tags"
	ColVia                = "via"
	ColCustomField        = "custom_field"
	ColSLABreached        = "sla_breached"
	ColCreatedAt          = "created_at"
	ColUpdatedAt          = "updated_at"
	ColAssignedAt         = "assigned_at"
	ColSolvedAt           = "solved_at"
	ColPendingAt          = "pending_at"
	ColRequesterUpdatedAt = "requester_updated_at"
	ColAssigneeUpdatedAt  = "assignee_updated_at"
	ColDueAt              = "due_at"
	ColSLANextBreachAt    = "sla_next_breach_at"
	ColSLALastBreachAt    = "sla_last_breach_at"
)

// Op is a Filter predicate operator.
type Op string

// Predicate operators. For non-time columns NULL must be read as the
// column's "none" value ("" for text, 0 for IDs, false for booleans), e.g.
// COALESCE(priority, ”). Time columns compare with bounds and never match
// NULL (a never-set timestamp).
const (
	OpIn         Op = "in"          // column = one of Values; no Values matches nothing
	OpNotIn      Op = "not_in"      // column equals none of Values
	OpTagsAny    Op = "tags_any"    // the column's space-separated tokens include one of Values
	OpTagsNone   Op = "tags_none"   // ... include none of Values
	OpLt         Op = "lt"          // column < Values[0]
	OpLe         Op = "le"          // column <= Values[0]
	OpGt         Op = "gt"          // column > Values[0]
	OpGe         Op = "ge"          // column >= Values[0]
	OpBetween    Op = "between"     // Values[0] <= column < Values[1]
	OpNotBetween Op = "not_between" // column not NULL and not between
)

// CurrentUser stands for the ID of the user looking at the view.
type CurrentUser struct{}

// Relative stands for now plus the duration (negative: in the past).
type Relative time.Duration

// Predicate is one normalized test on a ticket column. Values hold string
// (text and enum columns, tags), int64 or CurrentUser (ID columns), bool
// (ColSLABreached), float64 (ordering on a custom field, which compares
// numerically; non-numeric values never match) or Relative (time columns).
// Use Args to resolve CurrentUser and Relative into SQL arguments.
type Predicate struct {
	Column  string `json:"column"`
	FieldID int64  `json:"field_id,omitempty"` // ColCustomField only
	Op      Op     `json:"op"`
	Values  []any  `json:"values"`
}

// SortKey orders view results. NULL time values sort last in both
// directions. When Ranking is set the column sorts by its value's position
// in Ranking (values not listed, such as no priority, come first).
type SortKey struct {
	Column  string   `json:"column"`
	Desc    bool     `json:"desc,omitempty"`
	Ranking []string `json:"ranking,omitempty"`
}

// Filter is a view compiled to a query plan: every All predicate must hold
// and, when Any is not empty, at least one Any predicate. Sort is the group
// key (if any), the sort key, then id ascending as a tie-breaker.
type Filter struct {
	All  []Predicate `json:"all"`
	Any  []Predicate `json:"any"`
	Sort []SortKey   `json:"sort"`
}

// Filter validates the view and compiles it to a query plan.
func (v View) Filter() (Filter, error) {
	conds, err := compileView(v)
	if err != nil {
		return Filter{}, err
	}
	var f Filter
	for _, c := range conds.all {
		for _, p := range predicates(c) {
			if !slices.ContainsFunc(f.All, p.equal) {
				f.All = append(f.All, p)
			}
		}
	}
	for _, c := range conds.any {
		f.Any = append(f.Any, predicates(c)...) // time conditions, the only multi-predicate ones, are never under any
	}
	e := v.Execution
	if e.GroupBy != "" {
		desc, _ := parseOrder(e.GroupOrder)
		k, _ := sortColumn(e.GroupBy)
		k.Desc = desc
		f.Sort = append(f.Sort, k)
	}
	sortBy := e.SortBy
	if sortBy == "" {
		sortBy = ColCreatedAt
	}
	k, _ := sortColumn(sortBy)
	k.Desc, _ = parseOrder(e.SortOrder)
	f.Sort = append(f.Sort, k)
	if k.Column != ColID {
		f.Sort = append(f.Sort, SortKey{Column: ColID})
	}
	return f, nil
}

// sortColumn maps Zendesk's sort/group names to a sort key.
func sortColumn(name string) (SortKey, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "created", "created_at":
		return SortKey{Column: ColCreatedAt}, true
	case "updated", "updated_at":
		return SortKey{Column: ColUpdatedAt}, true
	case "priority":
		return SortKey{Column: ColPriority, Ranking: Priorities()}, true
	case "status":
		return SortKey{Column: ColStatus, Ranking: Statuses()}, true
	case "nice_id", "id":
		return SortKey{Column: ColID}, true
	case "sla_next_breach_at", "nearest_sla_breach", "next_sla_breach":
		return SortKey{Column: ColSLANextBreachAt}, true
	case "solved", "solved_at":
		return SortKey{Column: ColSolvedAt}, true
	case "assigned", "assigned_at":
		return SortKey{Column: ColAssignedAt}, true
	case "type", "ticket_type":
		return SortKey{Column: ColType, Ranking: ticketTypes()}, true
	case "subject":
		return SortKey{Column: ColSubject}, true
	case "group", "group_id":
		return SortKey{Column: ColGroupID}, true
	case "assignee", "assignee_id":
		return SortKey{Column: ColAssigneeID}, true
	case "requester", "requester_id":
		return SortKey{Column: ColRequesterID}, true
	case "organization", "organization_id":
		return SortKey{Column: ColOrganizationID}, true
	}
	return SortKey{}, false
}

func idColumn(field string) string {
	switch field {
	case "group_id":
		return ColGroupID
	case "assignee_id":
		return ColAssigneeID
	case "requester_id":
		return ColRequesterID
	case "submitter_id":
		return ColSubmitterID
	}
	return ColOrganizationID
}

func strValues(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// predicates compiles one validated view condition.
func predicates(c cond) []Predicate {
	inOrNot := func(col string, v any) Predicate {
		op := OpIn
		if c.op == opIsNot {
			op = OpNotIn
		}
		return Predicate{Column: col, Op: op, Values: []any{v}}
	}
	switch c.spec.typ {
	case ftOrdered:
		col := ColStatus
		switch c.spec.name {
		case "priority":
			col = ColPriority
		case "organization.tier":
			col = ColOrgTier
		}
		if c.op == opIs || c.op == opIsNot {
			return []Predicate{inOrNot(col, c.str)}
		}
		var in []string
		for _, v := range c.spec.values {
			if c.matchValue(v, 0) {
				in = append(in, v)
			}
		}
		return []Predicate{{Column: col, Op: OpIn, Values: strValues(in)}}
	case ftEnum:
		col := ColType
		if c.spec.name == "organization.plan" {
			col = ColOrgPlan
		}
		return []Predicate{inOrNot(col, c.str)}
	case ftChannel:
		return []Predicate{inOrNot(ColVia, c.str)}
	case ftBool:
		return []Predicate{inOrNot(ColSLABreached, c.flag)}
	case ftID:
		col := idColumn(c.spec.name)
		switch c.op {
		case opPresent:
			return []Predicate{{Column: col, Op: OpNotIn, Values: []any{int64(0)}}}
		case opNotPresent:
			return []Predicate{{Column: col, Op: OpIn, Values: []any{int64(0)}}}
		}
		var v any = c.id
		if c.currentUser {
			v = CurrentUser{}
		}
		return []Predicate{inOrNot(col, v)}
	case ftTags:
		op := OpTagsAny
		if c.op == opNotIncludes {
			op = OpTagsNone
		}
		return []Predicate{{Column: ColTags, Op: op, Values: strValues(c.tags)}}
	case ftCustom:
		p := Predicate{Column: ColCustomField, FieldID: c.spec.customID}
		switch c.op {
		case opIs, opIsNot:
			p = inOrNot(ColCustomField, c.str)
			p.FieldID = c.spec.customID
		case opPresent:
			p.Op, p.Values = OpNotIn, []any{""}
		case opNotPresent:
			p.Op, p.Values = OpIn, []any{""}
		case opIncludes:
			p.Op, p.Values = OpTagsAny, strValues(c.tags)
		case opNotIncludes:
			p.Op, p.Values = OpTagsNone, strValues(c.tags)
		case opLessThan:
			p.Op, p.Values = OpLt, []any{c.num}
		case opLessThanEqual:
			p.Op, p.Values = OpLe, []any{c.num}
		case opGreaterThan:
			p.Op, p.Values = OpGt, []any{c.num}
		case opGreaterThanEqual:
			p.Op, p.Values = OpGe, []any{c.num}
		}
		return []Predicate{p}
	case ftHours:
		clk := c.spec.clock
		var out []Predicate
		if clk.statuses != nil {
			out = append(out, Predicate{Column: ColStatus, Op: OpIn, Values: strValues(clk.statuses)})
		}
		if c.op == opIs || c.op == opIsNot {
			lo, hi := c.hoursWindow()
			op := OpBetween
			if c.op == opIsNot {
				op = OpNotBetween
			}
			return append(out, Predicate{Column: clk.column, Op: op, Values: []any{Relative(lo), Relative(hi)}})
		}
		op, offset := c.timeComparison()
		return append(out, Predicate{Column: clk.column, Op: op, Values: []any{Relative(offset)}})
	}
	return nil
}

func (p Predicate) equal(q Predicate) bool {
	return p.Column == q.Column && p.FieldID == q.FieldID && p.Op == q.Op && slices.Equal(p.Values, q.Values)
}

// Args returns the predicate's values as SQL arguments: CurrentUser becomes
// currentUserID (-1 when there is none, matching no ticket) and Relative
// becomes now plus the offset.
func (p Predicate) Args(now time.Time, currentUserID int64) []any {
	out := make([]any, len(p.Values))
	for i, v := range p.Values {
		switch t := v.(type) {
		case CurrentUser:
			if currentUserID <= 0 {
				out[i] = int64(-1)
			} else {
				out[i] = currentUserID
			}
		case Relative:
			out[i] = now.Add(time.Duration(t))
		default:
			out[i] = v
		}
	}
	return out
}

// column returns a ticket's value for a predicate column: string, int64,
// bool or time.Time.
func column(t Ticket, col string, fieldID int64) any {
	switch col {
	case ColID:
		return t.ID
	case ColSubject:
		return t.Subject
	case ColStatus:
		return t.Status
	case ColPriority:
		return t.Priority
	case ColType:
		return t.Type
	case ColGroupID:
		return t.GroupID
	case ColAssigneeID:
		return t.AssigneeID
	case ColRequesterID:
		return t.RequesterID
	case ColSubmitterID:
		return t.SubmitterID
	case ColOrganizationID:
		return t.OrganizationID
	case ColOrgPlan:
		return t.OrgPlan
	case ColOrgTier:
		return t.OrgTier
	case ColTags:
		return strings.Join(t.Tags, " ")
	case ColVia:
		return t.Channel
	case ColCustomField:
		return t.CustomFields[fieldID]
	case ColSLABreached:
		return t.SLABreached
	case ColCreatedAt:
		return t.CreatedAt
	case ColUpdatedAt:
		return t.UpdatedAt
	case ColAssignedAt:
		return t.AssignedAt
	case ColSolvedAt:
		return t.SolvedAt
	case ColPendingAt:
		return t.PendingAt
	case ColRequesterUpdatedAt:
		return t.RequesterUpdatedAt
	case ColAssigneeUpdatedAt:
		return t.AssigneeUpdatedAt
	case ColDueAt:
		return t.DueAt
	case ColSLANextBreachAt:
		return t.SLANextBreachAt
	case ColSLALastBreachAt:
		return t.SLALastBreachAt
	}
	return nil
}

func conditionOperator(op Op) string {
	switch op {
	case OpLt:
		return opLessThan
	case OpLe:
		return opLessThanEqual
	case OpGt:
		return opGreaterThan
	}
	return opGreaterThanEqual
}

// Match reports whether the ticket satisfies the predicate, with the
// semantics the store's SQL must have.
func (p Predicate) Match(t Ticket, currentUserID int64, now time.Time) bool {
	args := p.Args(now, currentUserID)
	val := column(t, p.Column, p.FieldID)
	switch p.Op {
	case OpIn, OpNotIn:
		return slices.Contains(args, val) == (p.Op == OpIn)
	case OpTagsAny, OpTagsNone:
		s, _ := val.(string)
		hit := false
		for _, tok := range strings.Fields(s) {
			if slices.Contains(args, any(tok)) {
				hit = true
				break
			}
		}
		return hit == (p.Op == OpTagsAny)
	case OpLt, OpLe, OpGt, OpGe:
		if len(args) != 1 {
			return false
		}
		switch v := val.(type) {
		case time.Time:
			bound, ok := args[0].(time.Time)
			return ok && !v.IsZero() && compareTime(v, p.Op, bound)
		case string:
			want, ok := args[0].(float64)
			return ok && compareNumber(v, conditionOperator(p.Op), want)
		}
	case OpBetween, OpNotBetween:
		v, ok := val.(time.Time)
		if !ok || v.IsZero() || len(args) != 2 {
			return false
		}
		lo, ok1 := args[0].(time.Time)
		hi, ok2 := args[1].(time.Time)
		if !ok1 || !ok2 {
			return false
		}
		in := !v.Before(lo) && v.Before(hi)
		return in == (p.Op == OpBetween)
	}
	return false
}

// Match reports whether the ticket belongs in the filtered list.
func (f Filter) Match(t Ticket, currentUserID int64, now time.Time) bool {
	for _, p := range f.All {
		if !p.Match(t, currentUserID, now) {
			return false
		}
	}
	if len(f.Any) == 0 {
		return true
	}
	for _, p := range f.Any {
		if p.Match(t, currentUserID, now) {
			return true
		}
	}
	return false
}

// Compare orders two tickets by the filter's sort keys (<0: a first).
func (f Filter) Compare(a, b Ticket) int {
	for _, k := range f.Sort {
		va, vb := column(a, k.Column, 0), column(b, k.Column, 0)
		if ta, ok := va.(time.Time); ok {
			tb := vb.(time.Time)
			switch {
			case ta.IsZero() && tb.IsZero():
				continue
			case ta.IsZero():
				return 1
			case tb.IsZero():
				return -1
			}
		}
		c := compareValues(va, vb, k.Ranking)
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func compareValues(a, b any, ranking []string) int {
	switch x := a.(type) {
	case string:
		y := b.(string)
		if ranking != nil {
			return rank(ranking, x) - rank(ranking, y)
		}
		return strings.Compare(x, y)
	case int64:
		y := b.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	case time.Time:
		return x.Compare(b.(time.Time))
	}
	return 0
}

// Match reports whether the ticket appears in the view for the given user
// at now. It is the reference the store's SQL is tested against; an invalid
// view matches nothing.
func Match(v View, t Ticket, currentUserID int64, now time.Time) bool {
	f, err := v.Filter()
	if err != nil {
		return false
	}
	return f.Match(t, currentUserID, now)
}

// DefaultViews returns the views a new account starts with (IDs 0: the
// store assigns them).
func DefaultViews() []View {
	c := func(field, op, value string) Condition { return Condition{Field: field, Operator: op, Value: value} }
	unsolved := c("status", opLessThan, StatusSolved)
	cols := []string{"status", "subject", "requester", "updated", "assignee", "priority"}
	mk := func(pos int, title string, sortBy, order string, all ...Condition) View {
		return View{Title: title, Active: true, Position: pos, Conditions: Conditions{All: all},
			Execution: Execution{Columns: cols, SortBy: sortBy, SortOrder: order}}
	}
	return []View{
		mk(1, "Your unsolved tickets", "updated_at", "desc", c("assignee_id", opIs, "current_user"), unsolved),
		mk(2, "Unassigned tickets", "created_at", "asc", c("assignee_id", opIs, ""), unsolved),
		mk(3, "All unsolved tickets", "updated_at", "desc", unsolved),
		mk(4, "SLA breaching soon", "sla_next_breach_at", "asc", unsolved, c("hours_until_next_sla_breach", opLessThan, "2")),
		mk(5, "Recently solved tickets", "solved_at", "desc", c("status", opGreaterThan, StatusHold), c("hours_since_solved", opLessThan, strconv.Itoa(7*24))),
		mk(6, "Pending tickets", "updated_at", "desc", c("status", opIs, StatusPending)),
	}
}
