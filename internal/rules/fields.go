package rules

import (
	"strconv"
	"strings"
	"time"
)

// scope says in which kind of rule a field or action may appear.
type scope uint8

const (
	inTrigger scope = 1 << iota
	inAutomation
	inView
	inMacro

	anyConditionScope = inTrigger | inAutomation | inView
)

func (s scope) String() string {
	switch s {
	case inTrigger:
		return "triggers"
	case inAutomation:
		return "automations"
	case inView:
		return "views"
	case inMacro:
		return "macros"
	}
	return "rules"
}

type fieldType uint8

const (
	ftOrdered       fieldType = iota // status, priority, organization.tier
	ftEnum                           // type, organization.plan
	ftID                             // group_id, assignee_id, ...
	ftTags                           // current_tags
	ftChannel                        // via_id, current_via_id
	ftCustom                         // custom_fields_<id>
	ftWords                          // comment_includes_word, subject_includes_word
	ftCommentPublic                  // comment_is_public
	ftUpdateType                     // update_type
	ftRole                           // role
	ftBool                           // sla_breach
	ftHours                          // hours_since_* / hours_until_*
)

// clock describes a time-based condition.
type clock struct {
	column   string // timestamp column in Filter predicates
	until    bool   // hours until the timestamp rather than since
	get      func(Ticket) time.Time
	statuses []string // the condition only holds while the ticket has one of these statuses
}

type fieldSpec struct {
	name        string // canonical name
	typ         fieldType
	scope       scope
	values      []string // ftOrdered/ftEnum values, lowest first
	allowNone   bool     // "" is a valid value
	currentUser bool     // "current_user" is a valid value
	changes     bool     // change operators are valid (triggers only)
	customID    int64
	clock       *clock
}

// lookupField resolves a condition field name (aliases included).
func lookupField(name string) (fieldSpec, bool) {
	all := anyConditionScope
	timed := inAutomation | inView
	switch name {
	case "status":
		return fieldSpec{name: "status", typ: ftOrdered, scope: all, values: Statuses(), changes: true}, true
	case "priority":
		return fieldSpec{name: "priority", typ: ftOrdered, scope: all, values: Priorities(), allowNone: true, changes: true}, true
	case "type", "ticket_type":
		return fieldSpec{name: "type", typ: ftEnum, scope: all, values: ticketTypes(), allowNone: true, changes: true}, true
	case "group_id":
		return fieldSpec{name: "group_id", typ: ftID, scope: all, changes: true}, true
	case "assignee_id":
		return fieldSpec{name: "assignee_id", typ: ftID, scope: all, currentUser: true, changes: true}, true
	case "requester_id":
		return fieldSpec{name: "requester_id", typ: ftID, scope: all, currentUser: true, changes: true}, true
	case "submitter_id":
		return fieldSpec{name: "submitter_id", typ: ftID, scope: all, currentUser: true, changes: true}, true
	case "organization_id":
		return fieldSpec{name: "organization_id", typ: ftID, scope: all, changes: true}, true
	case "organization.plan":
		return fieldSpec{name: "organization.plan", typ: ftEnum, scope: all, values: orgPlans(), allowNone: true}, true
	case "organization.tier":
		return fieldSpec{name: "organization.tier", typ: ftOrdered, scope: all, values: orgTiers(), allowNone: true}, true
	case "current_tags", "tags":
		return fieldSpec{name: "current_tags", typ: ftTags, scope: all}, true
	case "via_id", "channel":
		return fieldSpec{name: "via_id", typ: ftChannel, scope: all}, true
	case "current_via_id":
		return fieldSpec{name: "current_via_id", typ: ftChannel, scope: inTrigger}, true
	case "comment_includes_word":
		return fieldSpec{name: "comment_includes_word", typ: ftWords, scope: inTrigger}, true
	case "subject_includes_word":
		return fieldSpec{name: "subject_includes_word", typ: ftWords, scope: inTrigger | inAutomation}, true
	case "comment_is_public":
		return fieldSpec{name: "comment_is_public", typ: ftCommentPublic, scope: inTrigger}, true
	case "update_type":
		return fieldSpec{name: "update_type", typ: ftUpdateType, scope: inTrigger}, true
	case "role":
		return fieldSpec{name: "role", typ: ftRole, scope: inTrigger, values: userRoles()}, true
	case "sla_breach":
		return fieldSpec{name: "sla_breach", typ: ftBool, scope: all}, true
	}
	if c, canonical, ok := lookupClock(name); ok {
		return fieldSpec{name: canonical, typ: ftHours, scope: timed, clock: c}, true
	}
	if rest, ok := strings.CutPrefix(name, "custom_fields_"); ok && rest != "" && rest[0] != '+' && rest[0] != '-' {
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
			return fieldSpec{name: "custom_fields_" + strconv.FormatInt(id, 10), typ: ftCustom, scope: all, customID: id, changes: true}, true
		}
	}
	return fieldSpec{}, false
}

// lookupClock resolves the time-based fields. Frontline names are
// hours_since_*/hours_until_*; Zendesk's JSON names (NEW, SOLVED,
// assigned_at, until_sla_next_breach_at, ...) are aliases. Note that
// Zendesk's "sla_next_breach_at" means hours since the last SLA breach.
func lookupClock(name string) (*clock, string, bool) {
	switch name {
	case "hours_since_created", "NEW":
		return &clock{column: ColCreatedAt, get: func(t Ticket) time.Time { return t.CreatedAt }}, "hours_since_created", true
	case "hours_since_updated", "updated_at":
		return &clock{column: ColUpdatedAt, get: func(t Ticket) time.Time { return t.UpdatedAt }}, "hours_since_updated", true
	case "hours_since_pending", "PENDING":
		return &clock{column: ColPendingAt, get: func(t Ticket) time.Time { return t.PendingAt }, statuses: []string{StatusPending}}, "hours_since_pending", true
	case "hours_since_solved", "SOLVED":
		return &clock{column: ColSolvedAt, get: func(t Ticket) time.Time { return t.SolvedAt }, statuses: []string{StatusSolved, StatusClosed}}, "hours_since_solved", true
	case "hours_since_assigned", "assigned_at":
		return &clock{column: ColAssignedAt, get: func(t Ticket) time.Time { return t.AssignedAt }}, "hours_since_assigned", true
	case "hours_since_requester_update", "requester_updated_at":
		return &clock{column: ColRequesterUpdatedAt, get: func(t Ticket) time.Time { return t.RequesterUpdatedAt }}, "hours_since_requester_update", true
	case "hours_since_assignee_update", "assignee_updated_at":
		return &clock{column: ColAssigneeUpdatedAt, get: func(t Ticket) time.Time { return t.AssigneeUpdatedAt }}, "hours_since_assignee_update", true
	case "hours_since_due_date", "due_date", "due_at":
		return &clock{column: ColDueAt, get: func(t Ticket) time.Time { return t.DueAt }}, "hours_since_due_date", true
	case "hours_until_due_date", "until_due_date":
		return &clock{column: ColDueAt, until: true, get: func(t Ticket) time.Time { return t.DueAt }}, "hours_until_due_date", true
	case "hours_until_next_sla_breach", "until_sla_next_breach_at":
		return &clock{column: ColSLANextBreachAt, until: true, get: func(t Ticket) time.Time { return t.SLANextBreachAt }}, "hours_until_next_sla_breach", true
	case "hours_since_last_sla_breach", "sla_next_breach_at":
		return &clock{column: ColSLALastBreachAt, get: func(t Ticket) time.Time { return t.SLALastBreachAt }}, "hours_since_last_sla_breach", true
	}
	return nil, "", false
}

// unsupportedField explains Zendesk fields Frontline deliberately rejects.
func unsupportedField(name string) (string, bool) {
	switch name {
	case "OPEN", "HOLD", "CLOSED", "hours_since_open", "hours_since_hold", "hours_since_closed":
		return quote(name) + " is not supported: Frontline does not record when a ticket entered open, on-hold or closed", true
	}
	return "", false
}

// fieldString is the ticket's value of a scalar field as a string (IDs in
// decimal, "" for none); it is what change detection compares.
func fieldString(s fieldSpec, t Ticket) string {
	switch s.name {
	case "status":
		return t.Status
	case "priority":
		return t.Priority
	case "type":
		return t.Type
	case "group_id":
		return idString(t.GroupID)
	case "assignee_id":
		return idString(t.AssigneeID)
	case "requester_id":
		return idString(t.RequesterID)
	case "submitter_id":
		return idString(t.SubmitterID)
	case "organization_id":
		return idString(t.OrganizationID)
	case "organization.plan":
		return t.OrgPlan
	case "organization.tier":
		return t.OrgTier
	case "via_id":
		return t.Channel
	}
	if s.typ == ftCustom {
		return t.CustomFields[s.customID]
	}
	return ""
}

// diffFields are the fields Diff and change detection compare.
func diffFields() []string {
	return []string{"status", "priority", "type", "group_id", "assignee_id", "requester_id", "submitter_id", "organization_id"}
}

// Diff returns the fields that differ between two snapshots, keyed by
// canonical condition field name, as (old, new): the scalar fields, custom
// fields ("custom_fields_<id>"), "subject" and "current_tags" (space-separated).
func Diff(before, after Ticket) map[string][2]string {
	out := map[string][2]string{}
	for _, name := range diffFields() {
		spec, _ := lookupField(name)
		if o, n := fieldString(spec, before), fieldString(spec, after); o != n {
			out[name] = [2]string{o, n}
		}
	}
	for id, n := range after.CustomFields {
		if o := before.CustomFields[id]; o != n {
			out["custom_fields_"+strconv.FormatInt(id, 10)] = [2]string{o, n}
		}
	}
	for id, o := range before.CustomFields {
		if _, ok := after.CustomFields[id]; !ok && o != "" {
			out["custom_fields_"+strconv.FormatInt(id, 10)] = [2]string{o, ""}
		}
	}
	if before.Subject != after.Subject {
		out["subject"] = [2]string{before.Subject, after.Subject}
	}
	if o, n := strings.Join(before.Tags, " "), strings.Join(after.Tags, " "); o != n {
		out["current_tags"] = [2]string{o, n}
	}
	return out
}
