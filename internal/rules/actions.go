package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EffectKind says what an Effect asks the caller to do.
type EffectKind string

// Effect kinds.
const (
	EffectNotifyUser  EffectKind = "notification_user"    // e-mail a user
	EffectNotifyGroup EffectKind = "notification_group"   // e-mail a group's agents
	EffectWebhook     EffectKind = "notification_webhook" // call a webhook
	EffectComment     EffectKind = "comment"              // add a comment (macros)
)

// Effect is a side effect an action asks for. Nothing is performed here;
// placeholders are already rendered with the final ticket.
type Effect struct {
	Kind   EffectKind `json:"kind"`
	RuleID int64      `json:"rule_id,omitempty"` // the trigger, automation or macro
	// Recipient is the notification_user recipient as written
	// ("requester_id", "assignee_id", "current_user", "requester_and_ccs" or
	// an ID); UserID is who it resolved to. For "requester_and_ccs" UserID
	// is the requester and the caller adds the CCs.
	Recipient string `json:"recipient,omitempty"`
	UserID    int64  `json:"user_id,omitempty"`
	GroupID   int64  `json:"group_id,omitempty"`   // notification_group
	WebhookID string `json:"webhook_id,omitempty"` // notification_webhook
	Subject   string `json:"subject,omitempty"`
	// Body is plain text for notifications and comments (placeholders
	// unescaped), and the JSON payload for webhooks (placeholder values
	// JSON-escaped).
	Body     string `json:"body,omitempty"`
	HTMLBody string `json:"html_body,omitempty"` // comment_value_html, values HTML-escaped
	Public   bool   `json:"public,omitempty"`    // comments
}

// act is a validated action.
type act struct {
	field       string // canonical
	str         string
	id          int64
	currentUser bool
	tags        []string
	customID    int64
	recipient   string
	subject     string
	body        string
	flag        bool
}

func actionScope(field string) (scope, bool) {
	all := inTrigger | inAutomation | inMacro
	switch field {
	case "status", "priority", "type", "group_id", "assignee_id", "set_tags", "current_tags", "remove_tags":
		return all, true
	case "notification_user", "notification_group", "notification_webhook":
		return inTrigger | inAutomation, true
	case "comment_value", "comment_value_html", "comment_mode_is_public", "subject":
		return inMacro, true
	}
	if _, ok := customFieldID(field); ok {
		return all, true
	}
	return 0, false
}

func customFieldID(field string) (int64, bool) {
	rest, ok := strings.CutPrefix(field, "custom_fields_")
	if !ok || rest == "" || rest[0] == '+' || rest[0] == '-' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// compileAction validates a for scope sc; on failure it returns which part
// ("field" or "value") is wrong and why.
func compileAction(a Action, sc scope) (act, string, string) {
	field := a.Field
	if field == "ticket_type" {
		field = "type"
	}
	allowed, ok := actionScope(field)
	if !ok {
		return act{}, "field", fmt.Sprintf("%s is not a valid action field", quote(a.Field))
	}
	if allowed&sc == 0 {
		return act{}, "field", fmt.Sprintf("action %s is not available in %s", quote(a.Field), sc)
	}
	out := act{field: field}
	s, isScalar := scalar(a.Value)
	trimmed := strings.ToLower(strings.TrimSpace(s))
	enum := func(values []string, what string) string {
		if !isScalar || !slices.Contains(values, trimmed) {
			return fmt.Sprintf("%s is not a valid %s (%s)", quoteAny(a.Value), what, strings.Join(values, ", "))
		}
		out.str = trimmed
		return ""
	}
	var problem string
	switch field {
	case "status":
		values := []string{StatusOpen, StatusPending, StatusHold, StatusSolved}
		if sc == inAutomation {
			values = append(values, StatusClosed)
		}
		problem = enum(values, "status")
	case "priority":
		problem = enum(Priorities(), "priority")
	case "type":
		problem = enum(ticketTypes(), "type")
	case "group_id", "assignee_id":
		out.id, out.currentUser, problem = parseID(a.Value, field == "assignee_id" && sc != inAutomation)
	case "set_tags", "current_tags", "remove_tags":
		tags, ok := tagList(a.Value)
		switch {
		case !ok:
			problem = "must be a space-separated list of tags"
		case len(tags) == 0 && field != "set_tags":
			problem = "must name at least one tag"
		}
		out.tags = tags
	case "notification_user", "notification_group":
		problem = out.parseNotification(a.Value, field, sc)
	case "notification_webhook":
		problem = out.parseWebhook(a.Value)
	case "comment_value", "comment_value_html", "subject":
		if !isScalar {
			// Zendesk exports comment_value as ["channel:all", "text"].
			l, ok := list(a.Value)
			if !ok || len(l) == 0 || field != "comment_value" {
				problem = "must be text"
				break
			}
			s = l[len(l)-1]
		}
		if strings.TrimSpace(s) == "" {
			problem = "can't be blank"
		}
		out.body = s
	case "comment_mode_is_public":
		b, ok := parseBool(a.Value)
		if !ok {
			problem = fmt.Sprintf("%s must be true or false", quoteAny(a.Value))
		}
		out.flag = b
	default: // custom field
		out.customID, _ = customFieldID(field)
		out.field = "custom_fields_" + strconv.FormatInt(out.customID, 10)
		if !isScalar {
			l, ok := list(a.Value)
			if !ok {
				problem = "must be a text, number or list value"
				break
			}
			s = strings.Join(l, " ")
		}
		out.str = s
	}
	if problem != "" {
		return act{}, "value", problem
	}
	return out, "", ""
}

func (a *act) parseNotification(v any, field string, sc scope) string {
	l, ok := list(v)
	if !ok || len(l) < 3 {
		return "must be [recipient, subject, body]"
	}
	r := strings.TrimSpace(l[0])
	switch {
	case field == "notification_user" && (r == "requester_id" || r == "assignee_id" || r == "requester_and_ccs"):
	case field == "notification_user" && r == "current_user":
		if sc == inAutomation {
			return `"current_user" is not available in automations`
		}
	case field == "notification_group" && r == "group_id":
	default:
		id, err := strconv.ParseInt(r, 10, 64)
		if err != nil || id <= 0 {
			if field == "notification_group" {
				return fmt.Sprintf("%s is not a valid group (a group ID or \"group_id\")", quote(r))
			}
			return fmt.Sprintf("%s is not a valid recipient (requester_id, assignee_id, current_user, requester_and_ccs or a user ID)", quote(r))
		}
		a.id = id
	}
	if strings.TrimSpace(l[1]) == "" && strings.TrimSpace(l[2]) == "" {
		return "subject and body can't both be blank"
	}
	a.recipient, a.subject, a.body = r, l[1], l[2]
	return ""
}

func (a *act) parseWebhook(v any) string {
	l, ok := list(v)
	if !ok || len(l) < 1 || len(l) > 2 {
		return "must be [webhook_id, payload]"
	}
	a.recipient = strings.TrimSpace(l[0])
	if a.recipient == "" {
		return "webhook_id can't be blank"
	}
	if len(l) == 2 {
		a.body = l[1]
	}
	if strings.TrimSpace(a.body) != "" {
		rendered := RenderEscaped(a.body, samplePlaceholderData(), EscapeJSON)
		if !json.Valid([]byte(rendered)) {
			return "payload must be JSON (placeholders may appear inside strings or as bare numbers)"
		}
	}
	return ""
}

// pending is an effect whose recipients and placeholders are resolved once
// the final ticket is known.
type pending struct {
	ruleID int64
	a      act
}

// applyEnv is the context actions are applied in.
type applyEnv struct {
	ruleID int64
	userID int64     // the current user ("current_user"), 0 for none
	at     time.Time // when; zero leaves timestamps alone
}

// apply runs the actions on a copy of t, returning the new ticket and the
// effects still to be rendered.
func apply(acts []act, t Ticket, ae applyEnv) (Ticket, []pending) {
	before := t
	t = t.Clone()
	var out []pending
	for _, a := range acts {
		switch a.field {
		case "status":
			t.Status = a.str
		case "priority":
			t.Priority = a.str
		case "type":
			t.Type = a.str
		case "group_id":
			t.GroupID = a.id
		case "assignee_id":
			if a.currentUser {
				if ae.userID > 0 { // no current user (e.g. an anonymous API call): leave as is
					t.AssigneeID = ae.userID
				}
			} else {
				t.AssigneeID = a.id
			}
		case "set_tags":
			t.Tags = slices.Clone(a.tags)
		case "current_tags":
			for _, tag := range a.tags {
				if !slices.Contains(t.Tags, tag) {
					t.Tags = append(t.Tags, tag)
				}
			}
		case "remove_tags":
			t.Tags = slices.DeleteFunc(t.Tags, func(x string) bool { return slices.Contains(a.tags, x) })
		case "subject":
			t.Subject = a.body
		case "notification_user", "notification_group", "notification_webhook",
			"comment_value", "comment_value_html", "comment_mode_is_public":
			out = append(out, pending{ruleID: ae.ruleID, a: a})
		default:
			if a.customID != 0 {
				if t.CustomFields == nil {
					t.CustomFields = map[int64]string{}
				}
				t.CustomFields[a.customID] = a.str
			}
		}
	}
	if !ae.at.IsZero() {
		stamp(before, &t, ae.at)
	}
	return t, out
}

// stamp maintains the timestamps an update by rules changes.
func stamp(before Ticket, t *Ticket, at time.Time) {
	if len(Diff(before, *t)) == 0 {
		return
	}
	t.UpdatedAt = at
	if t.Status != before.Status {
		switch t.Status {
		case StatusPending:
			t.PendingAt = at
		case StatusSolved:
			t.SolvedAt = at
		}
	}
	if t.AssigneeID != before.AssigneeID {
		if t.AssigneeID == 0 {
			t.AssignedAt = time.Time{}
		} else {
			t.AssignedAt = at
		}
	}
}

// render resolves pending effects against the final ticket. Notifications
// to nobody (e.g. assignee_id on an unassigned ticket) are dropped; all
// comment actions of one rule form a single comment effect.
func render(ps []pending, data PlaceholderData) []Effect {
	var out []Effect
	comment := -1 // index of the comment effect in out
	t := data.Ticket
	for _, p := range ps {
		a := p.a
		switch a.field {
		case "notification_user":
			e := Effect{Kind: EffectNotifyUser, RuleID: p.ruleID, Recipient: a.recipient}
			switch a.recipient {
			case "requester_id", "requester_and_ccs":
				e.UserID = t.RequesterID
			case "assignee_id":
				e.UserID = t.AssigneeID
			case "current_user":
				e.UserID = data.CurrentUserID
			default:
				e.UserID = a.id
			}
			if e.UserID <= 0 {
				continue
			}
			e.Subject = Render(a.subject, data)
			e.Body = Render(a.body, data)
			out = append(out, e)
		case "notification_group":
			e := Effect{Kind: EffectNotifyGroup, RuleID: p.ruleID, Recipient: a.recipient, GroupID: a.id}
			if a.recipient == "group_id" {
				e.GroupID = t.GroupID
			}
			if e.GroupID <= 0 {
				continue
			}
			e.Subject = Render(a.subject, data)
			e.Body = Render(a.body, data)
			out = append(out, e)
		case "notification_webhook":
			out = append(out, Effect{Kind: EffectWebhook, RuleID: p.ruleID, WebhookID: a.recipient,
				Body: RenderEscaped(a.body, data, EscapeJSON)})
		case "comment_value", "comment_value_html", "comment_mode_is_public":
			if comment < 0 {
				out = append(out, Effect{Kind: EffectComment, RuleID: p.ruleID, Public: true})
				comment = len(out) - 1
			}
			c := &out[comment]
			switch a.field {
			case "comment_value":
				c.Body = joinParagraphs(c.Body, Render(a.body, data))
			case "comment_value_html":
				c.HTMLBody = joinParagraphs(c.HTMLBody, RenderEscaped(a.body, data, EscapeHTML))
			default:
				c.Public = a.flag
			}
		}
	}
	return out
}

func joinParagraphs(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}
