package incident

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// Event is a PagerDuty Events API v2 event.
type Event struct {
	RoutingKey  string        `json:"routing_key"`
	EventAction string        `json:"event_action"`
	DedupKey    string        `json:"dedup_key"`
	Payload     *EventPayload `json:"payload"`
	Client      string        `json:"client"`
	ClientURL   string        `json:"client_url"`
	Links       []any         `json:"links"`
	Images      []any         `json:"images"`
}

// EventPayload is the payload of a trigger event.
type EventPayload struct {
	Summary       string          `json:"summary"`
	Source        string          `json:"source"`
	Severity      string          `json:"severity"`
	Timestamp     string          `json:"timestamp"`
	Component     string          `json:"component"`
	Group         string          `json:"group"`
	Class         string          `json:"class"`
	CustomDetails json.RawMessage `json:"custom_details"`
}

// eventSeverity maps PagerDuty's event severities to incident severities
// (0: not one of them).
func eventSeverity(s string) int {
	switch s {
	case "critical":
		return 1
	case "error":
		return 2
	case "warning":
		return 3
	case "info":
		return 4
	}
	return 0
}

// Validate checks an event as PagerDuty does (400 "invalid event" when not).
func (e *Event) Validate() error {
	var v errs.Validation
	v.Check(e.RoutingKey != "", "routing_key", "Events rule: routing_key is required")
	v.Check(len(e.RoutingKey) == 32 || e.RoutingKey == "", "routing_key", "Events rule: routing_key is 32 characters")
	v.Check(len(e.DedupKey) <= MaxKey, "dedup_key", "Events rule: dedup_key is at most 255 characters")
	switch e.EventAction {
	case "trigger":
		if e.Payload == nil {
			v.Add("payload", "Events rule: a trigger event has a payload")
			break
		}
		v.Check(strings.TrimSpace(e.Payload.Summary) != "", "payload.summary", "Events rule: payload.summary is required")
		v.Check(len(e.Payload.Summary) <= 1024, "payload.summary", "Events rule: payload.summary is at most 1024 characters")
		v.Check(strings.TrimSpace(e.Payload.Source) != "", "payload.source", "Events rule: payload.source is required")
		v.Check(eventSeverity(e.Payload.Severity) > 0, "payload.severity", "Events rule: payload.severity is critical, error, warning or info")
	case "acknowledge", "resolve":
		v.Check(e.DedupKey != "", "dedup_key", "Events rule: dedup_key is required to "+e.EventAction)
	default:
		v.Add("event_action", "Events rule: event_action is trigger, acknowledge or resolve")
	}
	return v.Err()
}

// Enqueue processes an Events API v2 event and returns its dedup key once
// the change is committed: a trigger opens an incident on the routing
// key's service (or notes itself on the open incident with the same dedup
// key), acknowledge and resolve act on the open incident with that key (or
// on nothing, as PagerDuty, when there is none).
func (s *Store) Enqueue(ctx context.Context, e Event) (string, error) {
	if err := e.Validate(); err != nil {
		return "", err
	}
	svc, err := s.ServiceByKey(ctx, e.RoutingKey)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return "", errs.Invalid("routing_key", "Events rule: no service has this routing key")
		}
		return "", err
	}
	if e.EventAction == "trigger" {
		in := TriggerInput{ServiceID: svc.ID, Title: e.Payload.Summary, Key: e.DedupKey, Severity: eventSeverity(e.Payload.Severity), Source: SourceEvents}
		if svc.Kind == "monitoring" {
			in.Source = SourceMonitoring
		}
		if in.Severity >= 3 {
			in.Urgency = "low"
		}
		var d strings.Builder
		d.WriteString("Source: " + e.Payload.Source)
		for _, kv := range [][2]string{{"Component", e.Payload.Component}, {"Group", e.Payload.Group}, {"Class", e.Payload.Class}, {"Client", e.Client}, {"Client URL", e.ClientURL}} {
			if kv[1] != "" {
				d.WriteString("\n" + kv[0] + ": " + kv[1])
			}
		}
		if len(e.Payload.CustomDetails) > 0 && string(e.Payload.CustomDetails) != "null" {
			d.WriteString("\nDetails: " + string(e.Payload.CustomDetails))
		}
		in.Description = d.String()
		if in.Key == "" {
			in.Key = newKey()
		}
		if err := in.Validate(); err != nil {
			return "", err
		}
		// One transaction (the service read in it), retried once more if
		// another node opened the same key meanwhile (the unique index).
		for attempt := 0; ; attempt++ {
			err = s.d.Write(ctx, func(tx *db.Tx) error {
				_, _, err := s.triggerOn(ctx, tx, audit.System(), svc, in)
				return err
			})
			if !db.IsUnique(err) || attempt == 2 {
				break
			}
		}
		if err != nil {
			return "", err
		}
		return in.Key, nil
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		inc, err := scanIncident(tx.QueryRowContext(ctx, s.q.Get("OpenByKey"), svc.ID, e.DedupKey))
		if errs.Is(err, errs.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.EventAction == "acknowledge" {
			if inc.Status == Acknowledged {
				return nil
			}
			return s.acknowledgeTx(ctx, tx, audit.System(), inc.ID, "events")
		}
		return s.resolveTx(ctx, tx, audit.System(), inc.ID, "events")
	})
	if err != nil {
		return "", err
	}
	return e.DedupKey, nil
}
