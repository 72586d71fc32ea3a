package sla

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Filter operators.
const (
	OpIs          = "is"
	OpIsNot       = "is_not"
	OpIncludes    = "includes"
	OpNotIncludes = "not_includes"
	OpLessThan    = "less_than"
	OpGreaterThan = "greater_than"
)

type fieldKind int

const (
	kindEnum    fieldKind = iota // one of values; is/is_not
	kindOrdered                  // one of values, which are ordered; also less_than/greater_than
	kindID                       // a record ID, 0 meaning none
	kindTags                     // space-separated tags; includes/not_includes
	kindBool                     // true/false
	kindChannel                  // a via channel name or a Zendesk numeric via_id
)

func (k fieldKind) operators() []string {
	switch k {
	case kindOrdered:
		return []string{OpIs, OpIsNot, OpLessThan, OpGreaterThan}
	case kindTags:
		return []string{OpIncludes, OpNotIncludes}
	}
	return []string{OpIs, OpIsNot}
}

type fieldSpec struct {
	kind   fieldKind
	values []string // allowed values for enum/ordered kinds, lowest first
	get    func(TicketAttrs) any
}

// lookupField returns the filter fields Frontline supports. "current_tags"
// (Zendesk's name) is an alias of "tags", "channel" of "via_id".
func lookupField(name string) (fieldSpec, bool) {
	switch name {
	case "priority":
		return fieldSpec{kindOrdered, Priorities(), func(a TicketAttrs) any { return a.Priority }}, true
	case "status":
		return fieldSpec{kindOrdered, Statuses(), func(a TicketAttrs) any { return a.Status }}, true
	case "type":
		return fieldSpec{kindEnum, []string{"question", "incident", "problem", "task"}, func(a TicketAttrs) any { return a.Type }}, true
	case "group_id":
		return fieldSpec{kind: kindID, get: func(a TicketAttrs) any { return a.GroupID }}, true
	case "organization_id":
		return fieldSpec{kind: kindID, get: func(a TicketAttrs) any { return a.OrganizationID }}, true
	case "brand_id":
		return fieldSpec{kind: kindID, get: func(a TicketAttrs) any { return a.BrandID }}, true
	case "tags", "current_tags":
		return fieldSpec{kind: kindTags, get: func(a TicketAttrs) any { return a.Tags }}, true
	case "via_id", "channel":
		return fieldSpec{kind: kindChannel, get: func(a TicketAttrs) any { return a.Channel }}, true
	case "organization.plan":
		return fieldSpec{kindEnum, []string{"self_managed", "saas"}, func(a TicketAttrs) any { return a.OrgPlan }}, true
	case "organization.tier":
		return fieldSpec{kindOrdered, []string{"free", "premium", "ultimate"}, func(a TicketAttrs) any { return a.OrgTier }}, true
	case "organization.ase":
		return fieldSpec{kind: kindBool, get: func(a TicketAttrs) any { return a.OrgHasASE }}, true
	case "requester.role":
		return fieldSpec{kindEnum, []string{"end-user", "agent", "admin"}, func(a TicketAttrs) any { return a.RequesterRole }}, true
	}
	return fieldSpec{}, false
}

// normalize converts a condition value to its canonical Go form (string,
// int64, []string or bool), or explains why it cannot.
func (s fieldSpec) normalize(v any) (any, string) {
	switch s.kind {
	case kindEnum, kindOrdered:
		str, ok := scalarString(v)
		str = strings.ToLower(strings.TrimSpace(str))
		if !ok || !slices.Contains(s.values, str) {
			return nil, fmt.Sprintf("must be one of %s", strings.Join(s.values, ", "))
		}
		return str, ""
	case kindID:
		if v == nil {
			return int64(0), ""
		}
		str, ok := scalarString(v)
		if !ok {
			return nil, "must be an ID"
		}
		if strings.TrimSpace(str) == "" {
			return int64(0), ""
		}
		n, err := strconv.ParseInt(strings.TrimSpace(str), 10, 64)
		if err != nil || n < 0 {
			return nil, "must be an ID"
		}
		return n, ""
	case kindTags:
		var tags []string
		switch t := v.(type) {
		case string:
			tags = strings.Fields(strings.ToLower(t))
		case []string:
			for _, x := range t {
				tags = append(tags, strings.Fields(strings.ToLower(x))...)
			}
		case []any:
			for _, x := range t {
				xs, ok := x.(string)
				if !ok {
					return nil, "must be a space-separated list of tags"
				}
				tags = append(tags, strings.Fields(strings.ToLower(xs))...)
			}
		default:
			return nil, "must be a space-separated list of tags"
		}
		if len(tags) == 0 {
			return nil, "must name at least one tag"
		}
		return tags, ""
	case kindBool:
		switch t := v.(type) {
		case bool:
			return t, ""
		case string:
			if b, err := strconv.ParseBool(t); err == nil {
				return b, ""
			}
		}
		return nil, "must be true or false"
	case kindChannel:
		str, ok := scalarString(v)
		str = strings.ToLower(strings.TrimSpace(str))
		if !ok || str == "" {
			return nil, "must be a channel name or a via_id number"
		}
		if n, err := strconv.Atoi(str); err == nil {
			ch, known := viaChannel(n)
			if !known {
				return nil, fmt.Sprintf("unknown via_id %d", n)
			}
			return ch, ""
		}
		return str, ""
	}
	return nil, "unsupported field"
}

// scalarString renders a JSON scalar as a string; integral numbers without
// exponent or fraction.
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return strconv.FormatInt(n, 10), true
		}
		return t.String(), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return strconv.FormatInt(int64(t), 10), true
		}
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// viaChannel maps the Zendesk via_id numbers policies commonly use (see
// Zendesk's "Via types reference") to Frontline channel names.
func viaChannel(id int) (string, bool) {
	switch id {
	case 0:
		return "web", true
	case 4:
		return "email", true
	case 5:
		return "api", true
	case 29:
		return "chat", true
	case 30:
		return "twitter", true
	case 33, 34, 35:
		return "voice", true
	case 38, 41:
		return "facebook", true
	}
	return "", false
}

// Matches reports whether the ticket satisfies the condition. Unknown fields,
// operators or invalid values never match. less_than/greater_than never match
// a ticket whose value is empty or unknown.
func (c Condition) Matches(a TicketAttrs) bool {
	spec, ok := lookupField(c.Field)
	if !ok || !slices.Contains(spec.kind.operators(), c.Operator) {
		return false
	}
	want, problem := spec.normalize(c.Value)
	if problem != "" {
		return false
	}
	got := spec.get(a)
	switch spec.kind {
	case kindEnum, kindOrdered, kindChannel:
		g := strings.ToLower(got.(string))
		w := want.(string)
		switch c.Operator {
		case OpIs:
			return g == w
		case OpIsNot:
			return g != w
		case OpLessThan, OpGreaterThan:
			gi, wi := slices.Index(spec.values, g), slices.Index(spec.values, w)
			if gi < 0 {
				return false
			}
			if c.Operator == OpLessThan {
				return gi < wi
			}
			return gi > wi
		}
	case kindID:
		eq := got.(int64) == want.(int64)
		return eq == (c.Operator == OpIs)
	case kindBool:
		eq := got.(bool) == want.(bool)
		return eq == (c.Operator == OpIs)
	case kindTags:
		has := false
		for _, t := range want.([]string) {
			if slices.ContainsFunc(got.([]string), func(x string) bool { return strings.EqualFold(x, t) }) {
				has = true
				break
			}
		}
		return has == (c.Operator == OpIncludes)
	}
	return false
}
