package zquery

import (
	"slices"
	"strconv"
	"strings"
)

// fieldKind says how a field's values are parsed.
type fieldKind uint8

const (
	fkText    fieldKind = iota // free-form string; wildcards allowed
	fkEnum                     // fixed set of values
	fkOrdered                  // fixed, ordered set; comparisons allowed
	fkTime                     // date or time; comparisons allowed
	fkPerson                   // id, email or name; maybe "me" and "none"; wildcards allowed
	fkRef                      // id or name; maybe "none"; wildcards allowed
	fkBool                     // true or false
	fkToken                    // lowercase identifier (via)
)

// typeSet is a set of object types.
type typeSet uint8

const (
	tTicket typeSet = 1 << iota
	tUser
	tOrg
	tGroup
	tAll = tTicket | tUser | tOrg | tGroup
)

func typeBit(typ string) (typeSet, bool) {
	switch typ {
	case TypeTicket:
		return tTicket, true
	case TypeUser:
		return tUser, true
	case TypeOrganization:
		return tOrg, true
	case TypeGroup:
		return tGroup, true
	}
	return 0, false
}

type fieldSpec struct {
	name  string // canonical
	kind  fieldKind
	types typeSet
	me    bool // accepts "me"
	none  bool // accepts "none"
}

// fieldSpecs lists every named field (custom_field_<id> aside), each with
// its aliases; lookupField and Fields read it. It is a function so that the
// table is not a mutable package variable.
func fieldSpecs() []struct {
	spec    fieldSpec
	aliases []string
} {
	type entry = struct {
		spec    fieldSpec
		aliases []string
	}
	return []entry{
		{fieldSpec{name: "status", kind: fkOrdered, types: tTicket}, nil},
		{fieldSpec{name: "priority", kind: fkOrdered, types: tTicket}, nil},
		{fieldSpec{name: "ticket_type", kind: fkEnum, types: tTicket}, nil},
		{fieldSpec{name: "role", kind: fkEnum, types: tUser}, nil},
		{fieldSpec{name: "tags", kind: fkText, types: tTicket | tUser | tOrg}, []string{"tag"}},
		{fieldSpec{name: "assignee", kind: fkPerson, types: tTicket, me: true, none: true}, nil},
		{fieldSpec{name: "requester", kind: fkPerson, types: tTicket, me: true}, nil},
		{fieldSpec{name: "submitter", kind: fkPerson, types: tTicket, me: true}, nil},
		{fieldSpec{name: "cc", kind: fkPerson, types: tTicket, me: true}, nil},
		{fieldSpec{name: "commenter", kind: fkPerson, types: tTicket, me: true}, nil},
		{fieldSpec{name: "group", kind: fkRef, types: tTicket, none: true}, nil},
		{fieldSpec{name: "organization", kind: fkRef, types: tTicket | tUser, none: true}, nil},
		{fieldSpec{name: "brand", kind: fkRef, types: tTicket}, nil},
		{fieldSpec{name: "subject", kind: fkText, types: tTicket}, nil},
		{fieldSpec{name: "description", kind: fkText, types: tTicket}, nil},
		{fieldSpec{name: "comment", kind: fkText, types: tTicket}, nil},
		{fieldSpec{name: "fieldvalue", kind: fkText, types: tTicket}, nil},
		{fieldSpec{name: "via", kind: fkToken, types: tTicket}, nil},
		{fieldSpec{name: "created", kind: fkTime, types: tAll}, nil},
		{fieldSpec{name: "updated", kind: fkTime, types: tAll}, nil},
		{fieldSpec{name: "solved", kind: fkTime, types: tTicket}, nil},
		{fieldSpec{name: "due_date", kind: fkTime, types: tTicket}, nil},
		{fieldSpec{name: "external_id", kind: fkText, types: tTicket | tUser | tOrg}, nil},
		{fieldSpec{name: "has_attachment", kind: fkBool, types: tTicket}, nil},
		{fieldSpec{name: "email", kind: fkText, types: tUser}, nil},
		{fieldSpec{name: "phone", kind: fkText, types: tUser}, nil},
		{fieldSpec{name: "name", kind: fkText, types: tUser | tOrg | tGroup}, nil},
		{fieldSpec{name: "details", kind: fkText, types: tOrg}, nil},
		{fieldSpec{name: "notes", kind: fkText, types: tOrg}, nil},
	}
}

// CustomFieldPrefix starts the name of a custom ticket field term
// (custom_field_<id>).
const CustomFieldPrefix = "custom_field_"

// Fields returns the canonical names of the fields that the object type
// has, in a stable order; custom ticket fields appear once as
// CustomFieldPrefix + "<id>". Callers that treat fields one by one (the
// customer rules of internal/search, and their tests) walk this list, so a
// field added here is noticed there.
func Fields(typ string) []string {
	set, ok := typeBit(typ)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range fieldSpecs() {
		if e.spec.types&set != 0 {
			out = append(out, e.spec.name)
		}
	}
	if set == tTicket {
		out = append(out, CustomFieldPrefix+"<id>")
	}
	return out
}

// lookupField resolves a lowercased field name (aliases included).
func lookupField(name string) (fieldSpec, bool) {
	for _, e := range fieldSpecs() {
		if e.spec.name == name || slices.Contains(e.aliases, name) {
			return e.spec, true
		}
	}
	if id, ok := strings.CutPrefix(name, CustomFieldPrefix); ok {
		if !allDigits(id) {
			return fieldSpec{}, false
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return fieldSpec{}, false
		}
		return fieldSpec{name: CustomFieldPrefix + strconv.FormatInt(n, 10), kind: fkText, types: tTicket}, true
	}
	return fieldSpec{}, false
}

// orderedValues returns the ordered value set of status or priority, nil for
// other fields.
func orderedValues(field string) []string {
	switch field {
	case "status":
		return []string{"new", "open", "pending", "hold", "solved", "closed"}
	case "priority":
		return []string{"low", "normal", "high", "urgent"}
	}
	return nil
}

// enumValues returns the value set of an enumerated or ordered field.
func enumValues(field string) []string {
	switch field {
	case "ticket_type":
		return []string{"question", "incident", "problem", "task"}
	case "role":
		return []string{"end-user", "agent", "admin"}
	}
	return orderedValues(field)
}

// canonicalEnum maps a lowercased value (or alias) to the canonical value.
func canonicalEnum(field, v string) (string, bool) {
	switch {
	case field == "status" && (v == "on-hold" || v == "on_hold" || v == "onhold"):
		return "hold", true
	case field == "role" && (v == "end_user" || v == "enduser"):
		return "end-user", true
	}
	for _, e := range enumValues(field) {
		if e == v {
			return e, true
		}
	}
	return "", false
}

func canonicalOrderBy(v string) (string, bool) {
	switch v {
	case "created", "created_at":
		return "created", true
	case "updated", "updated_at":
		return "updated", true
	case "priority", "status", "ticket_type":
		return v, true
	}
	return "", false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
