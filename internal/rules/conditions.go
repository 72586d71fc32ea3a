package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Condition operators (Zendesk's names). The change operators are
// trigger-only; changed_to, changed_from, not_changed_to and
// not_changed_from are accepted as aliases of value, value_previous,
// not_value and not_value_previous.
const (
	opIs               = "is"
	opIsNot            = "is_not"
	opLessThan         = "less_than"
	opGreaterThan      = "greater_than"
	opLessThanEqual    = "less_than_equal"
	opGreaterThanEqual = "greater_than_equal"
	opIncludes         = "includes"
	opNotIncludes      = "not_includes"
	opPresent          = "present"
	opNotPresent       = "not_present"
	opChanged          = "changed"
	opNotChanged       = "not_changed"
	opValue            = "value"
	opValuePrevious    = "value_previous"
	opNotValue         = "not_value"
	opNotValuePrevious = "not_value_previous"
)

func canonicalOperator(op string) string {
	switch op {
	case "changed_to":
		return opValue
	case "changed_from":
		return opValuePrevious
	case "not_changed_to":
		return opNotValue
	case "not_changed_from":
		return opNotValuePrevious
	}
	return op
}

func changeOperators() []string {
	return []string{opChanged, opNotChanged, opValue, opValuePrevious, opNotValue, opNotValuePrevious}
}

func comparisonOperators() []string {
	return []string{opIs, opIsNot, opLessThan, opGreaterThan, opLessThanEqual, opGreaterThanEqual}
}

// operators lists the operators valid for the field in the given scope.
func (s fieldSpec) operators(sc scope) []string {
	var ops []string
	switch s.typ {
	case ftOrdered, ftHours:
		ops = comparisonOperators()
	case ftEnum, ftChannel, ftRole, ftBool, ftCommentPublic:
		ops = []string{opIs, opIsNot}
	case ftID:
		ops = []string{opIs, opIsNot, opPresent, opNotPresent}
	case ftTags:
		ops = []string{opIncludes, opNotIncludes}
	case ftWords:
		ops = []string{opIncludes, opNotIncludes, opIs, opIsNot}
	case ftUpdateType:
		ops = []string{opIs}
	case ftCustom:
		ops = append(comparisonOperators(), opPresent, opNotPresent, opIncludes, opNotIncludes)
	}
	if s.changes && sc == inTrigger {
		ops = append(ops, changeOperators()...)
	}
	return ops
}

// cond is a validated, normalized condition.
type cond struct {
	spec        fieldSpec
	op          string
	str         string // normalized scalar value
	id          int64
	currentUser bool
	tags        []string   // ftTags, ftCustom includes
	phrases     [][]string // ftWords includes/not_includes
	num         float64    // ftCustom ordering
	dur         time.Duration
	flag        bool
}

func (c cond) needsValue() bool {
	switch c.op {
	case opChanged, opNotChanged, opPresent, opNotPresent:
		return false
	}
	return true
}

// compileCondition validates c for scope sc. On failure it returns which
// part ("field", "operator" or "value") is wrong and why.
func compileCondition(c Condition, sc scope) (cond, string, string) {
	spec, ok := lookupField(c.Field)
	if !ok {
		if msg, known := unsupportedField(c.Field); known {
			return cond{}, "field", msg
		}
		return cond{}, "field", fmt.Sprintf("%s is not a valid condition field", quote(c.Field))
	}
	if spec.scope&sc == 0 {
		return cond{}, "field", fmt.Sprintf("condition field %s is not available in %s", quote(c.Field), sc)
	}
	op := canonicalOperator(c.Operator)
	if op == "" && (spec.typ == ftUpdateType || spec.typ == ftCommentPublic) {
		op = opIs // Zendesk exports these with an empty operator
	}
	if spec.typ == ftHours && strings.HasSuffix(op, "_business_hours") {
		return cond{}, "operator", fmt.Sprintf("%s is not supported: hours conditions use calendar hours", quote(c.Operator))
	}
	if !slices.Contains(spec.operators(sc), op) {
		return cond{}, "operator", fmt.Sprintf("%s is not a valid operator for field %s", quote(c.Operator), quote(c.Field))
	}
	out := cond{spec: spec, op: op}
	if !out.needsValue() {
		return out, "", ""
	}
	if problem := out.parseValue(c.Value, sc); problem != "" {
		return cond{}, "value", problem
	}
	return out, "", ""
}

func (c *cond) parseValue(v any, sc scope) string {
	s, isScalar := scalar(v)
	trimmed := strings.TrimSpace(s)
	switch c.spec.typ {
	case ftOrdered, ftEnum:
		val := strings.ToLower(trimmed)
		if !isScalar || (val == "" && !c.spec.allowNone) || (val != "" && !slices.Contains(c.spec.values, val)) {
			return fmt.Sprintf("%s is not a valid %s (%s)", quoteAny(v), c.spec.name, strings.Join(c.spec.values, ", "))
		}
		if val == "" && c.spec.typ == ftOrdered && c.op != opIs && c.op != opIsNot && !isChangeOp(c.op) {
			return fmt.Sprintf("%s needs a value to compare with", quote(c.op))
		}
		c.str = val
	case ftID:
		id, cu, problem := parseID(v, c.spec.currentUser && sc != inAutomation)
		if problem != "" {
			return problem
		}
		c.id, c.currentUser = id, cu
		c.str = idString(id)
	case ftTags:
		tags, ok := tagList(v)
		if !ok || len(tags) == 0 {
			return "must name at least one tag"
		}
		c.tags = tags
	case ftChannel:
		ch, ok := channel(trimmed)
		if !isScalar || !ok {
			return fmt.Sprintf("%s is not a known channel or via_id", quoteAny(v))
		}
		c.str = ch
	case ftWords:
		if !isScalar || trimmed == "" {
			return "must be one or more words"
		}
		c.str = strings.ToLower(trimmed)
		c.phrases = phrases(s)
		if (c.op == opIncludes || c.op == opNotIncludes) && len(c.phrases) == 0 {
			return "must contain at least one word"
		}
	case ftCommentPublic:
		switch strings.ToLower(trimmed) {
		case "true", "requester_can_see_comment":
			c.str = "true"
		case "false":
			c.str = "false"
		case "not_relevant":
			c.str = "not_relevant"
		default:
			return fmt.Sprintf("%s must be true, false or not_relevant", quoteAny(v))
		}
	case ftUpdateType:
		switch strings.ToLower(trimmed) {
		case "create":
			c.str = "Create"
		case "change":
			c.str = "Change"
		default:
			return fmt.Sprintf("%s must be Create or Change", quoteAny(v))
		}
	case ftRole:
		r := normalizeRole(trimmed)
		if !slices.Contains(userRoles(), r) {
			return fmt.Sprintf("%s is not a valid role (end-user, agent, admin)", quoteAny(v))
		}
		c.str = r
	case ftBool:
		b, ok := parseBool(v)
		if !ok {
			return fmt.Sprintf("%s must be true or false", quoteAny(v))
		}
		c.flag = b
	case ftHours:
		d, problem := parseHours(v)
		if problem != "" {
			return problem
		}
		c.dur = d
	case ftCustom:
		if !isScalar {
			l, ok := list(v)
			if !ok {
				return "must be a text, number or list value"
			}
			s = strings.Join(l, " ")
			trimmed = strings.TrimSpace(s)
		}
		switch c.op {
		case opLessThan, opGreaterThan, opLessThanEqual, opGreaterThanEqual:
			n, ok := number(trimmed)
			if !ok {
				return fmt.Sprintf("%s must be a number for %s", quoteAny(v), c.op)
			}
			c.num = n
		case opIncludes, opNotIncludes:
			c.tags = strings.Fields(s)
			if len(c.tags) == 0 {
				return "must name at least one value"
			}
		}
		c.str = trimmed
	}
	return ""
}

func isChangeOp(op string) bool { return slices.Contains(changeOperators(), op) }

func normalizeRole(r string) string {
	r = strings.ToLower(strings.TrimSpace(r))
	if r == "end_user" || r == "enduser" {
		return "end-user"
	}
	return r
}

// env is what conditions are evaluated against.
type env struct {
	t      Ticket
	before *Ticket   // nil: no change information (automations, views)
	upd    *Update   // nil outside triggers
	now    time.Time // zero outside automations and views: hours conditions are false
	userID int64     // the current user, 0 for none
}

func (e *env) comment() *Comment {
	if e.upd == nil {
		return nil
	}
	return e.upd.Comment
}

// change reports whether the field changed in this update, with its old
// and new values.
func (e *env) change(s fieldSpec) (string, string, bool) {
	if e.before != nil {
		if o, n := fieldString(s, *e.before), fieldString(s, e.t); o != n {
			return o, n, true
		}
	}
	if e.upd != nil {
		if ch, ok := e.upd.Changes[s.name]; ok {
			o, n := ch[0], ch[1]
			if s.typ == ftID {
				o, n = idString(idOf(o)), idString(idOf(n))
			}
			if o != n {
				return o, n, true
			}
		}
	}
	cur := fieldString(s, e.t)
	return cur, cur, false
}

func (c cond) eval(e *env) bool {
	switch c.op {
	case opChanged, opNotChanged, opValue, opValuePrevious, opNotValue, opNotValuePrevious:
		o, n, changed := e.change(c.spec)
		switch c.op {
		case opChanged:
			return changed
		case opNotChanged:
			return !changed
		case opValue:
			return changed && c.equals(n, e.userID)
		case opValuePrevious:
			return changed && c.equals(o, e.userID)
		case opNotValue:
			return !(changed && c.equals(n, e.userID))
		default:
			return !(changed && c.equals(o, e.userID))
		}
	}
	switch c.spec.typ {
	case ftOrdered, ftEnum, ftID, ftCustom:
		return c.matchValue(fieldString(c.spec, e.t), e.userID)
	case ftChannel:
		if c.spec.name == "current_via_id" {
			via := ""
			if e.upd != nil {
				via, _ = channel(e.upd.Via)
			}
			return (via == c.str) == (c.op == opIs)
		}
		return c.matchValue(e.t.Channel, e.userID)
	case ftTags:
		has := false
		for _, tag := range c.tags {
			if slices.Contains(e.t.Tags, tag) {
				has = true
				break
			}
		}
		return has == (c.op == opIncludes)
	case ftWords:
		var text string
		present := true
		if c.spec.name == "subject_includes_word" {
			text = e.t.Subject
		} else if cm := e.comment(); cm != nil {
			text = cm.Body
		} else {
			present = false
		}
		var hit bool
		switch c.op {
		case opIncludes, opNotIncludes:
			toks := words(text)
			for _, p := range c.phrases {
				if containsPhrase(toks, p) {
					hit = true
					break
				}
			}
			hit = hit && present
			return hit == (c.op == opIncludes)
		default: // is / is_not: contains the string
			hit = present && strings.Contains(strings.ToLower(text), c.str)
			return hit == (c.op == opIs)
		}
	case ftCommentPublic:
		cm := e.comment()
		var hit bool
		switch c.str {
		case "true":
			hit = cm != nil && cm.Public
		case "false":
			hit = cm != nil && !cm.Public
		default:
			hit = cm != nil
		}
		return hit == (c.op == opIs)
	case ftUpdateType:
		if e.upd == nil {
			return false
		}
		got := "Change"
		if e.upd.IsNew {
			got = "Create"
		}
		return got == c.str
	case ftRole:
		hit := e.upd != nil && normalizeRole(e.upd.CurrentUserRole) == c.str
		return hit == (c.op == opIs)
	case ftBool:
		return (e.t.SLABreached == c.flag) == (c.op == opIs)
	case ftHours:
		return c.evalHours(e.t, e.now)
	}
	return false
}

// equals compares a field value (as fieldString renders it) with the
// condition value, for the change operators.
func (c cond) equals(v string, userID int64) bool {
	switch c.spec.typ {
	case ftID:
		return idOf(v) == c.target(userID)
	case ftOrdered, ftEnum:
		return strings.ToLower(v) == c.str
	}
	return v == c.str
}

// target is the ID an ID condition compares with; "current_user" without a
// current user is -1, which matches no ticket.
func (c cond) target(userID int64) int64 {
	if !c.currentUser {
		return c.id
	}
	if userID <= 0 {
		return -1
	}
	return userID
}

// matchValue evaluates a non-change condition on a scalar field's value.
func (c cond) matchValue(v string, userID int64) bool {
	switch c.spec.typ {
	case ftOrdered:
		switch c.op {
		case opIs:
			return v == c.str
		case opIsNot:
			return v != c.str
		}
		got, want := rank(c.spec.values, v), rank(c.spec.values, c.str)
		if got < 0 {
			return false
		}
		switch c.op {
		case opLessThan:
			return got < want
		case opLessThanEqual:
			return got <= want
		case opGreaterThan:
			return got > want
		case opGreaterThanEqual:
			return got >= want
		}
	case ftEnum, ftChannel:
		return (v == c.str) == (c.op == opIs)
	case ftID:
		id := idOf(v)
		switch c.op {
		case opIs:
			return id == c.target(userID)
		case opIsNot:
			return id != c.target(userID)
		case opPresent:
			return id != 0
		case opNotPresent:
			return id == 0
		}
	case ftCustom:
		switch c.op {
		case opIs:
			return v == c.str
		case opIsNot:
			return v != c.str
		case opPresent:
			return v != ""
		case opNotPresent:
			return v == ""
		case opIncludes, opNotIncludes:
			return anyToken(v, c.tags) == (c.op == opIncludes)
		default:
			return compareNumber(v, c.op, c.num)
		}
	}
	return false
}

func anyToken(v string, values []string) bool {
	for _, tok := range strings.Fields(v) {
		if slices.Contains(values, tok) {
			return true
		}
	}
	return false
}

func compareNumber(v, op string, want float64) bool {
	got, ok := number(v)
	if !ok {
		return false
	}
	switch op {
	case opLessThan:
		return got < want
	case opLessThanEqual:
		return got <= want
	case opGreaterThan:
		return got > want
	case opGreaterThanEqual:
		return got >= want
	}
	return false
}

// hoursWindow returns [lo, hi) as offsets from now: the timestamps for
// which "is N hours" holds. Since-conditions: N < elapsed <= N+1h;
// until-conditions: N <= remaining < N+1h.
func (c cond) hoursWindow() (time.Duration, time.Duration) {
	if c.spec.clock.until {
		return c.dur, c.dur + time.Hour
	}
	return -c.dur - time.Hour, -c.dur
}

// evalHours evaluates a time-based condition. A never-set timestamp, a
// missing now, or a ticket outside the clock's statuses makes it false.
func (c cond) evalHours(t Ticket, now time.Time) bool {
	clk := c.spec.clock
	ts := clk.get(t)
	if ts.IsZero() || now.IsZero() {
		return false
	}
	if clk.statuses != nil && !slices.Contains(clk.statuses, t.Status) {
		return false
	}
	if c.op == opIs || c.op == opIsNot {
		lo, hi := c.hoursWindow()
		in := !ts.Before(now.Add(lo)) && ts.Before(now.Add(hi))
		return in == (c.op == opIs)
	}
	op, offset := c.timeComparison()
	return compareTime(ts, op, now.Add(offset))
}

// timeComparison turns an ordering hours condition into
// "timestamp OP now+offset".
func (c cond) timeComparison() (Op, time.Duration) {
	if c.spec.clock.until { // remaining = ts - now
		switch c.op {
		case opLessThan:
			return OpLt, c.dur
		case opLessThanEqual:
			return OpLe, c.dur
		case opGreaterThan:
			return OpGt, c.dur
		default:
			return OpGe, c.dur
		}
	}
	switch c.op { // elapsed = now - ts
	case opLessThan:
		return OpGt, -c.dur
	case opLessThanEqual:
		return OpGe, -c.dur
	case opGreaterThan:
		return OpLt, -c.dur
	default:
		return OpLe, -c.dur
	}
}

func compareTime(ts time.Time, op Op, bound time.Time) bool {
	switch op {
	case OpLt:
		return ts.Before(bound)
	case OpLe:
		return !ts.After(bound)
	case OpGt:
		return ts.After(bound)
	case OpGe:
		return !ts.Before(bound)
	}
	return false
}

// compiledConditions is a validated Conditions.
type compiledConditions struct {
	all, any []cond
}

func (cc compiledConditions) match(e *env) bool {
	for _, c := range cc.all {
		if !c.eval(e) {
			return false
		}
	}
	if len(cc.any) == 0 {
		return true
	}
	for _, c := range cc.any {
		if c.eval(e) {
			return true
		}
	}
	return false
}
