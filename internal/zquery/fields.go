package zquery

import (
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

// lookupField resolves a lowercased field name (aliases included).
func lookupField(name string) (fieldSpec, bool) {
	switch name {
	case "status", "priority":
		return fieldSpec{name: name, kind: fkOrdered, types: tTicket}, true
	case "ticket_type", "role":
		ts := tTicket
		if name == "role" {
			ts = tUser
		}
		return fieldSpec{name: name, kind: fkEnum, types: ts}, true
	case "tags", "tag":
		return fieldSpec{name: "tags", kind: fkText, types: tTicket | tUser | tOrg}, true
	case "assignee":
		return fieldSpec{name: name, kind: fkPerson, types: tTicket, me: true, none: true}, true
	case "requester", "submitter", "cc", "commenter":
		return fieldSpec{name: name, kind: fkPerson, types: tTicket, me: true}, true
	case "group":
		return fieldSpec{name: name, kind: fkRef, types: tTicket, none: true}, true
	case "organization":
		return fieldSpec{name: name, kind: fkRef, types: tTicket | tUser, none: true}, true
	case "brand":
		return fieldSpec{name: name, kind: fkRef, types: tTicket}, true
	case "subject", "description", "comment", "fieldvalue":
		return fieldSpec{name: name, kind: fkText, types: tTicket}, true
	case "via":
		return fieldSpec{name: name, kind: fkToken, types: tTicket}, true
	case "created", "updated":
		return fieldSpec{name: name, kind: fkTime, types: tAll}, true
	case "solved", "due_date":
		return fieldSpec{name: name, kind: fkTime, types: tTicket}, true
	case "external_id":
		return fieldSpec{name: name, kind: fkText, types: tTicket | tUser | tOrg}, true
	case "has_attachment":
		return fieldSpec{name: name, kind: fkBool, types: tTicket}, true
	case "email", "phone":
		return fieldSpec{name: name, kind: fkText, types: tUser}, true
	case "name":
		return fieldSpec{name: name, kind: fkText, types: tUser | tOrg | tGroup}, true
	case "details", "notes":
		return fieldSpec{name: name, kind: fkText, types: tOrg}, true
	}
	if id, ok := strings.CutPrefix(name, "custom_field_"); ok {
		if !allDigits(id) {
			return fieldSpec{}, false
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return fieldSpec{}, false
		}
		return fieldSpec{name: "custom_field_" + strconv.FormatInt(n, 10), kind: fkText, types: tTicket}, true
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
