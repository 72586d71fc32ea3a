package zimport

// Satisfaction ratings and business rules (triggers, automations, macros,
// views): copied where every reference they hold maps to an imported
// record, reported otherwise (ADR 0012).

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/satisfaction"
)

// RuleKinds are the business rules the importer copies, after the tickets.
var RuleKinds = []string{"triggers", "automations", "macros", "views"}

type srcRating struct {
	ID          int64      `json:"id"`
	TicketID    int64      `json:"ticket_id"`
	RequesterID int64      `json:"requester_id"`
	Score       string     `json:"score"`
	Comment     string     `json:"comment"`
	CreatedAt   *time.Time `json:"created_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
}

// rating copies a satisfaction rating at its time, as its requester gave
// it. Offered and unoffered ratings hold no score: they are skipped.
func (im *Importer) rating(ctx context.Context, b base, raw json.RawMessage) (int64, bool, error) {
	if im.T.Ratings == nil {
		return 0, false, fmt.Errorf("satisfaction ratings are not imported here")
	}
	var r srcRating
	if err := json.Unmarshal(raw, &r); err != nil {
		return 0, false, err
	}
	score := strings.TrimSuffix(r.Score, "_with_comment")
	if score != "good" && score != "bad" {
		return 0, false, errSkip
	}
	t := im.mapped(ctx, "tickets", &r.TicketID)
	if t == nil {
		return 0, false, fmt.Errorf("its ticket %d was not imported", r.TicketID)
	}
	req := im.mapped(ctx, "users", &r.RequesterID)
	if req == nil {
		return 0, false, fmt.Errorf("its requester %d was not imported", r.RequesterID)
	}
	_, _, existed := im.lookup(ctx, "satisfaction_ratings", b.ID)
	im.at(r.UpdatedAt)
	if r.UpdatedAt == nil {
		im.at(r.CreatedAt)
	}
	got, err := im.T.Ratings.Rate(ctx, audit.Actor{ID: *req, Role: "end-user"}, *t, satisfaction.Input{Score: score, Comment: r.Comment})
	if err != nil {
		return 0, false, err
	}
	return got.ID, !existed, nil
}

// errSkip marks a record with nothing to copy (counted unchanged).
var errSkip = fmt.Errorf("nothing to copy")

// rule copies one trigger, automation, macro or view, its references
// (groups, users, organizations, custom fields, forms) mapped to the
// imported records. A rule that refers to something not imported (a
// webhook, a target, a record that failed) is reported, not copied.
func (im *Importer) rule(ctx context.Context, kind string, b base, raw json.RawMessage) (int64, bool, error) {
	if im.T.Rules == nil {
		return 0, false, fmt.Errorf("business rules are not imported here")
	}
	id, _, existed := im.lookup(ctx, kind, b.ID)
	sys := audit.System()
	switch kind {
	case "triggers", "automations":
		var r rules.Trigger
		if err := json.Unmarshal(raw, &r); err != nil {
			return 0, false, err
		}
		if err := im.mapConditions(ctx, &r.Conditions); err != nil {
			return 0, false, err
		}
		if err := im.mapActions(ctx, r.Actions); err != nil {
			return 0, false, err
		}
		if kind == "automations" {
			a := rules.Automation{Title: r.Title, Active: r.Active, Position: r.Position, Description: r.Description, Conditions: r.Conditions, Actions: r.Actions}
			if existed {
				got, err := im.T.Rules.UpdateAutomation(ctx, sys, id, a)
				return got.ID, false, err
			}
			got, err := im.T.Rules.CreateAutomation(ctx, sys, a)
			return got.ID, true, err
		}
		r.ID, r.CategoryID = 0, ""
		if existed {
			got, err := im.T.Rules.UpdateTrigger(ctx, sys, id, r)
			return got.ID, false, err
		}
		got, err := im.T.Rules.CreateTrigger(ctx, sys, r)
		return got.ID, true, err
	case "macros":
		var m rules.Macro
		if err := json.Unmarshal(raw, &m); err != nil {
			return 0, false, err
		}
		m.ID = 0
		if err := im.mapActions(ctx, m.Actions); err != nil {
			return 0, false, err
		}
		if m.Restriction != nil {
			b, _ := json.Marshal(m.Restriction)
			var rs rules.Restriction
			if err := json.Unmarshal(b, &rs); err != nil {
				return 0, false, fmt.Errorf("restriction: %v", err)
			}
			if err := im.mapRestriction(ctx, &rs); err != nil {
				return 0, false, err
			}
			m.Restriction = rs
		}
		if existed {
			got, err := im.T.Rules.UpdateMacro(ctx, sys, id, m)
			return got.ID, false, err
		}
		got, err := im.T.Rules.CreateMacro(ctx, sys, m)
		return got.ID, true, err
	case "views":
		var v rules.View
		if err := json.Unmarshal(raw, &v); err != nil {
			return 0, false, err
		}
		v.ID = 0
		if err := im.mapConditions(ctx, &v.Conditions); err != nil {
			return 0, false, err
		}
		if v.Restriction != nil {
			if err := im.mapRestriction(ctx, v.Restriction); err != nil {
				return 0, false, err
			}
		}
		if existed {
			got, err := im.T.Rules.UpdateView(ctx, sys, id, v)
			return got.ID, false, err
		}
		got, err := im.T.Rules.CreateView(ctx, sys, v)
		return got.ID, true, err
	}
	return 0, false, fmt.Errorf("unknown rule kind %s", kind)
}

// refKinds are the rule fields whose value is a record id, and the kind
// of record.
var refKinds = map[string]string{
	"group_id": "groups", "assignee_id": "users", "requester_id": "users", "submitter_id": "users",
	"organization_id": "organizations", "ticket_form_id": "ticket_forms", "notification_group": "groups",
	"notification_user": "users", "follower": "users", "cc": "users",
}

// mapRef maps a rule value that may be a record id of kind; words
// ("current_user", "requester_id", "") stay as they are.
func (im *Importer) mapRef(ctx context.Context, field, kind string, v any) (any, error) {
	var n int64
	switch x := v.(type) {
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return v, nil
		}
		n = i
	case float64:
		n = int64(x)
	case string:
		i, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return v, nil // a word such as current_user
		}
		n = i
	default:
		return v, nil
	}
	id := im.mapped(ctx, kind, &n)
	if id == nil {
		return nil, fmt.Errorf("%s refers to %s %d, which was not imported", field, strings.TrimSuffix(kind, "s"), n)
	}
	if _, isString := v.(string); isString {
		return strconv.FormatInt(*id, 10), nil
	}
	return json.Number(strconv.FormatInt(*id, 10)), nil
}

// mapField maps one condition's or action's field and value.
func (im *Importer) mapField(ctx context.Context, field string, v any) (string, any, error) {
	switch {
	case strings.HasPrefix(field, "notification_webhook"):
		m, err := im.mapWebhook(field, v) // config.go
		return field, m, err
	case strings.HasPrefix(field, "notification_target"):
		return "", nil, fmt.Errorf("%s: targets (Zendesk's retired URL targets) are not imported; use a webhook", field)
	case strings.HasPrefix(field, "custom_fields_"):
		n, err := strconv.ParseInt(strings.TrimPrefix(field, "custom_fields_"), 10, 64)
		if err != nil {
			return field, v, nil
		}
		id := im.mapped(ctx, "ticket_fields", &n)
		if id == nil {
			return "", nil, fmt.Errorf("%s: ticket field %d was not imported", field, n)
		}
		return "custom_fields_" + strconv.FormatInt(*id, 10), v, nil
	}
	kind, ok := refKinds[field]
	if !ok {
		return field, v, nil
	}
	if list, isList := v.([]any); isList && len(list) > 0 {
		// Notifications: [recipient, subject, body].
		out := append([]any{}, list...)
		m, err := im.mapRef(ctx, field, kind, list[0])
		if err != nil {
			return "", nil, err
		}
		out[0] = m
		return field, out, nil
	}
	m, err := im.mapRef(ctx, field, kind, v)
	return field, m, err
}

func (im *Importer) mapConditions(ctx context.Context, c *rules.Conditions) error {
	for _, list := range [][]rules.Condition{c.All, c.Any} {
		for i := range list {
			f, v, err := im.mapField(ctx, list[i].Field, list[i].Value)
			if err != nil {
				return err
			}
			list[i].Field, list[i].Value = f, v
		}
	}
	return nil
}

func (im *Importer) mapActions(ctx context.Context, as []rules.Action) error {
	for i := range as {
		f, v, err := im.mapField(ctx, as[i].Field, as[i].Value)
		if err != nil {
			return err
		}
		as[i].Field, as[i].Value = f, v
	}
	return nil
}

func (im *Importer) mapRestriction(ctx context.Context, r *rules.Restriction) error {
	kind := "users"
	if r.Type == "Group" {
		kind = "groups"
	}
	if r.ID != 0 {
		id := im.mapped(ctx, kind, &r.ID)
		if id == nil {
			return fmt.Errorf("restriction: %s %d was not imported", strings.TrimSuffix(kind, "s"), r.ID)
		}
		r.ID = *id
	}
	for i, src := range r.IDs {
		id := im.mapped(ctx, kind, &src)
		if id == nil {
			return fmt.Errorf("restriction: %s %d was not imported", strings.TrimSuffix(kind, "s"), src)
		}
		r.IDs[i] = *id
	}
	return nil
}
