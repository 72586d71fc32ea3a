// Package incident runs incidents and paging: escalation policies (ordered
// levels of users and on-call schedules, a delay per level, a repeat count),
// services with integration keys (the PagerDuty Events API v2 routing key),
// incidents (trigger, acknowledge, resolve, reassign, notes, a timeline),
// paging each level in turn until someone acknowledges (durable River jobs,
// idempotent across retries and nodes), email pages with a signed one-time
// acknowledge link through the mail outbox, chat webhooks in Slack,
// Microsoft Teams and Mattermost formats, customer emergencies, and the
// Communications Manager On-Call's status updates with their cadence and
// the public status page. The rules here are pure and tested without a
// database; see docs/adr/0018-incidents-paging.md.
package incident

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Incident statuses (PagerDuty's).
const (
	Triggered    = "triggered"
	Acknowledged = "acknowledged"
	Resolved     = "resolved"
)

// Public (status page) states of an incident, in the order they usually go.
const (
	Investigating = "investigating"
	Identified    = "identified"
	Monitoring    = "monitoring"
	StateResolved = "resolved"
)

// Sources of incidents.
const (
	SourceManual     = "manual"
	SourceEvents     = "events"
	SourceEmergency  = "emergency"
	SourceMonitoring = "monitoring"
)

// Target kinds of an escalation level.
const (
	TargetUser     = "user"
	TargetSchedule = "schedule"
)

// Names of the default policies and services seeded by EnsureDefaults.
const (
	EmergencyPolicyName  = "Customer emergencies"
	CMOCPolicyName       = "Incident communications (CMOC)"
	EmergencyServiceName = "Customer emergencies"
	MonitoringService    = "Production monitoring"
)

// Target is one recipient of a level: a user, or whoever is on call on a
// schedule at the moment the level is paged.
type Target struct {
	Kind string `json:"type"` // user | schedule
	ID   int64  `json:"id"`
}

// Rule is one level of an escalation policy: its targets are paged, and if
// nobody acknowledges within DelayMinutes the next level is.
type Rule struct {
	ID           int64    `json:"id"`
	DelayMinutes int      `json:"escalation_delay_in_minutes"`
	Targets      []Target `json:"targets"`
}

// Policy is an escalation policy. NumLoops is how many more times the
// levels are walked after the first pass when still nobody acknowledged.
type Policy struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	NumLoops    int       `json:"num_loops"`
	Rules       []Rule    `json:"escalation_rules"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PolicyInput creates or replaces a policy.
type PolicyInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	NumLoops    int    `json:"num_loops"`
	Rules       []Rule `json:"escalation_rules"`
}

// Limits of a policy (GoAlert's and PagerDuty's ranges).
const (
	MaxLevels   = 20
	MaxLoops    = 9
	MaxDelayMin = 9000
	MinDelayMin = 1
)

// Validate checks a policy: a name, 1..MaxLevels levels each with at least
// one target and a delay within range, a repeat count within range.
func (in *PolicyInput) Validate() error {
	var v errs.Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.Name != "", "name", "is required")
	v.Check(len(in.Name) <= 255, "name", "is longer than 255 characters")
	v.Check(in.NumLoops >= 0 && in.NumLoops <= MaxLoops, "num_loops", fmt.Sprintf("Escalation rule: repeat from 0 to %d times", MaxLoops))
	if len(in.Rules) == 0 || len(in.Rules) > MaxLevels {
		v.Add("escalation_rules", fmt.Sprintf("Escalation rule: a policy has 1 to %d levels", MaxLevels))
	}
	for i, r := range in.Rules {
		f := fmt.Sprintf("escalation_rules[%d]", i)
		if r.DelayMinutes < MinDelayMin || r.DelayMinutes > MaxDelayMin {
			v.Add(f+".escalation_delay_in_minutes", fmt.Sprintf("Escalation rule: a level waits %d to %d minutes", MinDelayMin, MaxDelayMin))
		}
		if len(r.Targets) == 0 {
			v.Add(f+".targets", "Escalation rule: every level pages at least one user or schedule")
		}
		for _, t := range r.Targets {
			if (t.Kind != TargetUser && t.Kind != TargetSchedule) || t.ID <= 0 {
				v.Add(f+".targets", "Escalation rule: a target is a user or a schedule with an id")
				break
			}
		}
	}
	return v.Err()
}

// Steps is how many escalation steps a policy takes before it stops: every
// level once per pass, 1+NumLoops passes.
func (p *Policy) Steps() int { return len(p.Rules) * (1 + p.NumLoops) }

// Level is the level (0-based index into Rules) that step pages, and false
// when the policy has no such step (it is exhausted).
func (p *Policy) Level(step int) (int, bool) {
	if step < 0 || len(p.Rules) == 0 || step >= p.Steps() {
		return 0, false
	}
	return step % len(p.Rules), true
}

// Service is a PagerDuty-style service: incidents of it page its policy;
// monitoring sends events with its integration key as the routing key.
type Service struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	Description        string    `json:"description"`
	EscalationPolicyID int64     `json:"escalation_policy_id"`
	IntegrationKey     string    `json:"integration_key"`
	Kind               string    `json:"kind"` // general | emergency | monitoring
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// ServiceInput creates a service.
type ServiceInput struct {
	Name               string `json:"name"`
	Description        string `json:"description"`
	EscalationPolicyID int64  `json:"escalation_policy_id"`
	Kind               string `json:"kind"`
}

// Validate checks a service.
func (in *ServiceInput) Validate() error {
	var v errs.Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.Name != "", "name", "is required")
	v.Check(in.EscalationPolicyID > 0, "escalation_policy_id", "Service rule: a service pages an escalation policy")
	if in.Kind == "" {
		in.Kind = "general"
	}
	v.Check(in.Kind == "general" || in.Kind == "emergency" || in.Kind == "monitoring", "kind", "is general, emergency or monitoring")
	return v.Err()
}

// Incident is one incident.
type Incident struct {
	ID                 int64      `json:"id"`
	ServiceID          int64      `json:"service_id"`
	ServiceName        string     `json:"service_name"`
	EscalationPolicyID int64      `json:"escalation_policy_id"`
	Title              string     `json:"title"`
	Description        string     `json:"description"`
	Status             string     `json:"status"`
	Urgency            string     `json:"urgency"`
	Severity           int        `json:"severity"`
	Source             string     `json:"source"`
	IncidentKey        string     `json:"incident_key"`
	Public             bool       `json:"public"`
	PublicState        string     `json:"public_state"`
	TicketID           *int64     `json:"ticket_id"`
	OrganizationID     *int64     `json:"organization_id"`
	Step               int        `json:"step"`
	Level              int        `json:"escalation_level"`
	Assignees          []int64    `json:"assignee_ids"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	AcknowledgedAt     *time.Time `json:"acknowledged_at"`
	AcknowledgedBy     *int64     `json:"acknowledged_by"`
	ResolvedAt         *time.Time `json:"resolved_at"`
	ResolvedBy         *int64     `json:"resolved_by"`
	NextUpdateDue      *time.Time `json:"next_update_due"`
}

// Open says the incident is not resolved.
func (i *Incident) Open() bool { return i.Status != Resolved }

// TriggerInput opens an incident.
type TriggerInput struct {
	ServiceID      int64
	Title          string
	Description    string
	Key            string // dedup key (incident_key); generated when empty
	Severity       int    // 1..4; 0 = 2
	Urgency        string // high | low; "" = high
	Source         string
	Public         bool
	TicketID       *int64
	OrganizationID *int64
}

// MaxKey is the longest dedup key (PagerDuty's).
const MaxKey = 255

// Validate checks a trigger.
func (in *TriggerInput) Validate() error {
	var v errs.Validation
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.Title != "", "title", "is required")
	if len(in.Title) > 1024 {
		in.Title = in.Title[:1024]
	}
	v.Check(len(in.Key) <= MaxKey, "dedup_key", fmt.Sprintf("Dedup rule: a dedup key has at most %d characters", MaxKey))
	if in.Severity == 0 {
		in.Severity = 2
	}
	v.Check(in.Severity >= 1 && in.Severity <= 4, "severity", "is 1 to 4")
	if in.Urgency == "" {
		in.Urgency = "high"
	}
	v.Check(in.Urgency == "high" || in.Urgency == "low", "urgency", "is high or low")
	if in.Source == "" {
		in.Source = SourceManual
	}
	return v.Err()
}

// CanMove says whether an incident in status from may go to status to:
// triggered -> acknowledged -> resolved, triggered -> resolved, and an
// acknowledged incident may be re-triggered (reassign). A resolved incident
// is final (a new trigger with its key opens a new one).
func CanMove(from, to string) error {
	switch {
	case from == Resolved:
		return errs.Invalid("status", "Incident status rule: a resolved incident cannot change")
	case from == to && to == Acknowledged:
		return nil // acknowledging again changes nothing
	case to == Acknowledged && from == Triggered, to == Resolved, to == Triggered && from == Acknowledged:
		return nil
	}
	return errs.Invalid("status", fmt.Sprintf("Incident status rule: %s cannot become %s", from, to))
}

// LogEntry is one line of an incident's timeline.
type LogEntry struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	Type       string    `json:"type"`
	UserID     *int64    `json:"user_id"`
	UserName   string    `json:"user_name"`
	Channel    string    `json:"channel"`
	Summary    string    `json:"summary"`
	CreatedAt  time.Time `json:"created_at"`
}

// Note is a note on an incident.
type Note struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	UserID     *int64    `json:"user_id"`
	UserName   string    `json:"user_name"`
	Content    string    `json:"content"`
	CreatedAt  time.Time `json:"created_at"`
}

// StatusUpdate is one public update of an incident (status page).
type StatusUpdate struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	State      string    `json:"state"`
	Message    string    `json:"message"`
	CreatedAt  time.Time `json:"created_at"`
}

// ValidState says whether s is a public state.
func ValidState(s string) bool {
	return s == Investigating || s == Identified || s == Monitoring || s == StateResolved
}

// UpdateInterval is how soon after an update in state the next one is due
// (the reference's CMOC cadence): severity 1 every 10/10/30 minutes while
// investigating/identified/monitoring, severities 2-4 every 15/30/60. A
// resolved incident needs no more updates (0).
func UpdateInterval(severity int, state string) time.Duration {
	sev1 := severity <= 1
	switch state {
	case Investigating:
		if sev1 {
			return 10 * time.Minute
		}
		return 15 * time.Minute
	case Identified:
		if sev1 {
			return 10 * time.Minute
		}
		return 30 * time.Minute
	case Monitoring:
		if sev1 {
			return 30 * time.Minute
		}
		return 60 * time.Minute
	}
	return 0
}

// Chat webhook formats.
const (
	FormatSlack      = "slack"
	FormatTeams      = "teams"
	FormatMattermost = "mattermost"
)

// Webhook is a chat incoming webhook incidents are posted to.
type Webhook struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Format    string    `json:"format"`
	URL       string    `json:"url"`
	ServiceID *int64    `json:"service_id"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// ChatMessage is what a chat webhook posts about an incident.
type ChatMessage struct {
	Title string // e.g. "[Triggered] #12 Database down"
	Text  string
	Link  string
	Color string // hex without #
}

// ChatBody renders m in a webhook format: Slack's and Mattermost's incoming
// webhooks take {"text", "attachments"}, Microsoft Teams' connectors a
// MessageCard.
func ChatBody(format string, m ChatMessage) (map[string]any, error) {
	text := m.Text
	if m.Link != "" {
		text += "\n" + m.Link
	}
	switch format {
	case FormatSlack:
		return map[string]any{
			"text": m.Title,
			"attachments": []map[string]any{{
				"color": "#" + m.Color, "title": m.Title, "title_link": m.Link, "text": m.Text, "fallback": m.Title,
			}},
		}, nil
	case FormatMattermost:
		return map[string]any{
			"username": "Frontline",
			"text":     "#### " + m.Title + "\n" + text,
		}, nil
	case FormatTeams:
		card := map[string]any{
			"@type": "MessageCard", "@context": "https://schema.org/extensions",
			"summary": m.Title, "title": m.Title, "text": m.Text, "themeColor": m.Color,
		}
		if m.Link != "" {
			card["potentialAction"] = []map[string]any{{
				"@type": "OpenUri", "name": "Open incident",
				"targets": []map[string]string{{"os": "default", "uri": m.Link}},
			}}
		}
		return card, nil
	}
	return nil, errs.Invalid("format", "Webhook rule: the format is slack, teams or mattermost")
}

// statusColor is the chat colour of a status.
func statusColor(status string) string {
	switch status {
	case Acknowledged:
		return "f2c744"
	case Resolved:
		return "2eb886"
	}
	return "d40e0d"
}

// AckToken is the signed one-time acknowledge link token of page pageID:
// the page id and an HMAC-SHA256 of it under key, base64url.
func AckToken(key []byte, pageID int64) string {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(pageID))
	m := hmac.New(sha256.New, key)
	m.Write([]byte("incident-ack:"))
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(append(b, m.Sum(nil)[:16]...))
}

// ErrBadToken is a forged, damaged or unknown acknowledge token.
var ErrBadToken = errors.New("incident: invalid acknowledge link")

// ParseAckToken checks tok's signature under key and returns its page id.
func ParseAckToken(key []byte, tok string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 24 {
		return 0, ErrBadToken
	}
	id := int64(binary.BigEndian.Uint64(raw[:8]))
	if want := AckToken(key, id); !hmac.Equal([]byte(want), []byte(tok)) {
		return 0, ErrBadToken
	}
	return id, nil
}
