// Package zquery parses Zendesk's search query syntax (the query parameter
// of GET /api/v2/search) into a normalised AST that the store turns into SQL.
// It is pure: it never reads the clock, relative dates are resolved against
// the now passed to Parse.
//
// # Syntax
//
//	word "a phrase"        free text; every entry must match (AND)
//	-word -"a phrase"      excluded free text
//	field:value            equality (Eq); -field:value is Ne
//	field<v field<=v       comparisons, only on status, priority and dates
//	field>v field>=v
//	field:"two words"      quoted value; \" and \\ escape inside quotes
//	field:print*           prefix match on a bare (unquoted) value
//	type:ticket            ticket | user | organization | group
//	order_by:updated       created | updated | priority | status | ticket_type
//	sort:desc              asc | desc
//
// Field names are case-insensitive; string values and free text are
// lowercased (the store must compare case-insensitively). A leading "-"
// negates a term; a lone "-" is ignored.
//
// # Combination
//
// Terms on the same field with the same operator and negation are merged
// into one Term whose Values are OR'ed (status:open status:pending is one
// term matching either; -tags:a -tags:b is one Ne term matching neither).
// Comparison terms are never merged (created>X created<Y is a range). All
// Terms are AND'ed with each other and with the free text.
//
// # Unknown fields
//
// Unlike Zendesk, which treats unknown properties loosely, an unknown field
// name is an error (errs.Invalid("query", `unknown field "foo" ...`)) whether
// or not the query has a type: it catches typos such as stauts:open. Text
// that merely looks like field:value ("re:", "http://...") must be quoted.
// With an explicit type, a field that the type does not have is also an
// error; without one, the query applies to the types that have every field
// used (see Query.Types), and a query whose fields no single type has is an
// error.
//
// # Values
//
// See Value. Dates: YYYY-MM-DD (a whole day in the Parse location),
// ISO 8601 timestamps (RFC 3339, or 2006-01-02T15:04[:05] in the Parse
// location; second precision) and relative times such as 4hours, 2days
// (minute(s), hour(s), day(s), week(s), month(s), year(s)), meaning that
// long before now; relative times need a comparison (created>4hours is
// "created in the last 4 hours", updated<2days "not updated for 2 days").
// Use Value.Interval to turn a date term into SQL bounds.
package zquery

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// MaxQueryLen is the longest query Parse accepts, in bytes.
const MaxQueryLen = 4096

// Object types accepted by type:.
const (
	TypeTicket       = "ticket"
	TypeUser         = "user"
	TypeOrganization = "organization"
	TypeGroup        = "group"
)

// Op is a term's comparison operator.
type Op uint8

const (
	Eq Op = iota // field:value
	Ne           // -field:value (Negated is then always true)
	Lt           // field<value
	Le           // field<=value
	Gt           // field>value
	Ge           // field>=value
)

// String returns the operator's name.
func (o Op) String() string {
	switch o {
	case Eq:
		return "eq"
	case Ne:
		return "ne"
	case Lt:
		return "lt"
	case Le:
		return "le"
	case Gt:
		return "gt"
	case Ge:
		return "ge"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// symbol is the operator as written in a query.
func (o Op) symbol() string {
	switch o {
	case Lt:
		return "<"
	case Le:
		return "<="
	case Gt:
		return ">"
	case Ge:
		return ">="
	}
	return ":"
}

// ValueKind says which of Value's fields hold the value.
type ValueKind uint8

const (
	KindString ValueKind = iota + 1 // Text (lowercased)
	KindInt                         // Int: a record id (assignee, group, organization, ...)
	KindTime                        // From, To: the instants [From, To)
	KindBool                        // Bool (has_attachment)
	KindMe                          // "me": the searching user (assignee, requester, submitter, cc, commenter)
	KindNone                        // "none": the field is empty (assignee, group, organization)
)

// Value is one normalised term value.
type Value struct {
	Kind ValueKind
	// Text is the canonical textual form, for every kind: the lowercased
	// string, the decimal id, "true"/"false", "me", "none", or the date as
	// YYYY-MM-DD, an RFC 3339 UTC timestamp or a relative time like 4hours.
	// For ordered and enumerated fields it is the canonical enum value.
	Text string
	Int  int64
	Bool bool
	// From and To (UTC) bound a time value: the half-open range [From, To)
	// of the day for a date, of the second for a timestamp or a relative
	// time.
	From, To time.Time
	// Wildcard means Text is a prefix (the query value ended in *).
	Wildcard bool
}

// Interval returns the instants x that satisfy "x op v" for a KindTime
// value as the half-open range from <= x < to, where a zero from or to means
// unbounded. Ne gives the same range as Eq (the caller negates). Dates are
// whole days: created>2024-01-01 means from 2024-01-02 00:00 on,
// created<=2024-01-01 means before 2024-01-02 00:00.
func (v Value) Interval(op Op) (from, to time.Time) {
	switch op {
	case Lt:
		return time.Time{}, v.From
	case Le:
		return time.Time{}, v.To
	case Gt:
		return v.To, time.Time{}
	case Ge:
		return v.From, time.Time{}
	}
	return v.From, v.To
}

// Term is one condition on a field.
type Term struct {
	// Field is the canonical field name: "tags" for tag/tags,
	// "custom_field_<id>" with the id without leading zeros, otherwise the
	// lowercased name.
	Field string
	Op    Op
	// Values are OR'ed for Eq (any matches) and Ne (none may match).
	// Comparison terms have exactly one value.
	Values []Value
	// Negated means the whole term is excluded: the store emits
	// NOT (condition). It is true for every Ne term and for negated
	// comparisons (-created>2024-01-01 stays Gt with Negated set).
	Negated bool
	// Wildcard reports whether any value is a prefix (Value.Wildcard).
	Wildcard bool
}

// Query is a parsed search query.
type Query struct {
	// Type is ticket, user, organization or group; "" means all types.
	Type  string
	Terms []Term
	// OrderBy is created, updated, priority, status, ticket_type or "".
	OrderBy string
	// Sort is asc, desc or "" (not given).
	Sort string
	// FreeText holds the words and phrases that must all match, lowercased,
	// phrases with whitespace collapsed to single spaces. A trailing * on a
	// word is kept: the store may treat it as a prefix match.
	FreeText []string
	// ExcludedText holds negated words and phrases (-word, -"a phrase").
	ExcludedText []string
}

// Types returns the object types the query can match: the explicit Type, or
// else those types that have every field in Terms (free text applies to all
// types, order_by does not restrict).
func (q *Query) Types() []string {
	if q.Type != "" {
		return []string{q.Type}
	}
	var out []string
	for _, typ := range []string{TypeTicket, TypeUser, TypeOrganization, TypeGroup} {
		ok := true
		for _, t := range q.Terms {
			if !AppliesTo(t.Field, typ) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, typ)
		}
	}
	return out
}

// AppliesTo reports whether the canonical field exists on the object type.
func AppliesTo(field, typ string) bool {
	spec, ok := lookupField(field)
	if !ok {
		return false
	}
	set, ok := typeBit(typ)
	return ok && spec.types&set != 0
}

// ExpandOrdered returns the explicit set of values an ordered-field term
// (status: new<open<pending<hold<solved<closed, priority:
// low<normal<high<urgent) selects, in the field's order, ignoring Negated:
// status<solved gives [new open pending hold], status:open status:hold gives
// [open hold]. The store emits field IN (set), wrapped in NOT when
// t.Negated; an empty, non-nil set (status<new) matches nothing. It returns
// nil for other fields.
func ExpandOrdered(t Term) []string {
	order := orderedValues(t.Field)
	if order == nil {
		return nil
	}
	sel := make([]bool, len(order))
	for _, v := range t.Values {
		i := slices.Index(order, v.Text)
		if i < 0 {
			continue
		}
		lo, hi := i, i+1
		switch t.Op {
		case Lt:
			lo, hi = 0, i
		case Le:
			lo = 0
		case Gt:
			lo, hi = i+1, len(order)
		case Ge:
			hi = len(order)
		}
		for j := lo; j < hi; j++ {
			sel[j] = true
		}
	}
	out := []string{}
	for i, ok := range sel {
		if ok {
			out = append(out, order[i])
		}
	}
	return out
}

// String returns the query in canonical syntax; Parse(q.String()) with the
// same now and location yields an equal Query.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	var parts []string
	if q.Type != "" {
		parts = append(parts, "type:"+q.Type)
	}
	for _, t := range q.Terms {
		for _, v := range t.Values {
			var b strings.Builder
			if t.Negated {
				b.WriteByte('-')
			}
			b.WriteString(t.Field)
			b.WriteString(t.Op.symbol())
			b.WriteString(formatValue(v))
			parts = append(parts, b.String())
		}
	}
	for _, s := range q.FreeText {
		parts = append(parts, quote(s))
	}
	for _, s := range q.ExcludedText {
		parts = append(parts, "-"+quote(s))
	}
	if q.OrderBy != "" {
		parts = append(parts, "order_by:"+q.OrderBy)
	}
	if q.Sort != "" {
		parts = append(parts, "sort:"+q.Sort)
	}
	return strings.Join(parts, " ")
}

func formatValue(v Value) string {
	if v.Wildcard {
		return v.Text + "*"
	}
	if bareSafe(v.Text) {
		return v.Text
	}
	return quote(v.Text)
}

// bareSafe reports whether s reads back unchanged as an unquoted value.
func bareSafe(s string) bool {
	if s == "" || strings.HasSuffix(s, "*") {
		return false
	}
	for _, r := range s {
		if r == '"' || isSpace(r) {
			return false
		}
	}
	return true
}

func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

func invalid(format string, a ...any) error {
	return errs.Invalid("query", fmt.Sprintf(format, a...))
}
