package rules

// The builders' catalog: which condition fields and actions a kind of rule
// takes, with their valid operators and, where the values are a fixed
// list, the values. The admin builders offer exactly these; what they
// build is validated like pasted JSON.

// Choice is a condition field or an action a builder offers.
type Choice struct {
	Field     string   `json:"field"`
	Operators []string `json:"operators,omitempty"` // conditions only
	Values    []string `json:"values,omitempty"`    // a fixed list; empty: free text or ids
	// IDs says the value is a user ("user"), group ("group") or webhook
	// ("webhook") id.
	IDs string `json:"ids,omitempty"`
	// Message says the action sends a message: "subject" (notification_user
	// and _group: [recipient, subject, body]) or "body" (notification_webhook:
	// [webhook id, body]).
	Message string `json:"message,omitempty"`
}

func kindScope(kind string) scope {
	switch kind {
	case "triggers", "trigger":
		return inTrigger
	case "automations", "automation":
		return inAutomation
	case "views", "view":
		return inView
	case "macros", "macro":
		return inMacro
	}
	return 0
}

var catalogConditionFields = []string{
	"status", "priority", "type", "group_id", "assignee_id", "requester_id", "organization_id",
	"organization.plan", "organization.tier", "current_tags", "via_id", "current_via_id",
	"comment_includes_word", "subject_includes_word", "comment_is_public", "update_type", "role", "sla_breach",
	"hours_since_created", "hours_since_updated", "hours_since_pending", "hours_since_solved", "hours_since_assigned",
}

// ConditionCatalog lists the condition fields of kind (triggers,
// automations, views) with their operators and values.
func ConditionCatalog(kind string) []Choice {
	sc := kindScope(kind)
	var out []Choice
	for _, name := range catalogConditionFields {
		spec, ok := lookupField(name)
		if !ok || spec.scope&sc == 0 || sc == inMacro {
			continue
		}
		c := Choice{Field: spec.name, Operators: spec.operators(sc), Values: spec.values}
		switch spec.typ {
		case ftID:
			c.IDs = "user"
			if name == "group_id" {
				c.IDs = "group"
			} else if name == "organization_id" {
				c.IDs = "organization"
			}
		case ftCommentPublic, ftBool:
			c.Values = []string{"true", "false"}
		case ftUpdateType:
			c.Values = []string{"Create", "Change"}
		case ftChannel:
			c.Values = []string{"web", "email", "api", "web_form", "mail"}
		}
		if spec.allowNone && len(c.Values) > 0 {
			c.Values = append([]string{""}, c.Values...)
		}
		out = append(out, c)
	}
	return out
}

// notifyUsers are the recipients notification_user names by role (or a
// user id); an automation has no current user.
func notifyUsers(sc scope) []string {
	if sc == inAutomation {
		return []string{"requester_id", "assignee_id", "requester_and_ccs"}
	}
	return []string{"requester_id", "assignee_id", "requester_and_ccs", "current_user"}
}

// ActionCatalog lists the actions of kind (triggers, automations, macros)
// with their values; notifications carry their message (Choice.Message).
func ActionCatalog(kind string) []Choice {
	sc := kindScope(kind)
	var out []Choice
	for _, c := range []Choice{
		{Field: "status", Values: Statuses()},
		{Field: "priority", Values: Priorities()},
		{Field: "type", Values: ticketTypes()},
		{Field: "assignee_id", IDs: "user"},
		{Field: "group_id", IDs: "group"},
		{Field: "set_tags"}, {Field: "current_tags"}, {Field: "remove_tags"},
		{Field: "comment_value"}, {Field: "comment_mode_is_public", Values: []string{"true", "false"}}, {Field: "subject"},
		{Field: "notification_user", Values: notifyUsers(sc), IDs: "user", Message: "subject"},
		{Field: "notification_group", Values: []string{"group_id"}, IDs: "group", Message: "subject"},
		{Field: "notification_webhook", IDs: "webhook", Message: "body"},
	} {
		if s, ok := actionScope(c.Field); ok && s&sc != 0 {
			out = append(out, c)
		}
	}
	return out
}
