package rules

import (
	"slices"
	"time"
)

// Ticket status and priority values, lowest first (Zendesk's ordering, used
// by less_than/greater_than conditions).
const (
	StatusNew     = "new"
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusHold    = "hold"
	StatusSolved  = "solved"
	StatusClosed  = "closed"

	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Statuses returns the ticket statuses in Zendesk order.
func Statuses() []string {
	return []string{StatusNew, StatusOpen, StatusPending, StatusHold, StatusSolved, StatusClosed}
}

// Priorities returns the ticket priorities, lowest first.
func Priorities() []string {
	return []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
}

func ticketTypes() []string { return []string{"question", "incident", "problem", "task"} }
func orgPlans() []string    { return []string{"self_managed", "saas"} }
func orgTiers() []string    { return []string{"free", "premium", "ultimate"} }
func userRoles() []string   { return []string{"end-user", "agent", "admin"} }

// Ticket is the snapshot of a ticket that rules are evaluated against. The
// ticket package fills it. String fields hold canonical lowercase values
// ("open", "urgent", "email"); IDs are 0 for none; zero times mean never.
type Ticket struct {
	ID          int64
	Subject     string
	Description string
	Status      string // new, open, pending, hold, solved, closed
	Priority    string // low, normal, high, urgent, or "" for none
	Type        string // question, incident, problem, task, or ""

	GroupID        int64
	AssigneeID     int64
	RequesterID    int64
	SubmitterID    int64
	OrganizationID int64
	OrgPlan        string // self_managed | saas | "" (no organization)
	OrgTier        string // free | premium | ultimate | ""

	Tags         []string         // lowercase
	Channel      string           // the via channel the ticket came from: web, email, api, chat, ...
	CustomFields map[int64]string // custom field ID -> value (multi-select values space-separated)

	CreatedAt  time.Time
	UpdatedAt  time.Time
	AssignedAt time.Time // when the current assignee was set; zero when unassigned
	SolvedAt   time.Time // when the ticket was last solved
	PendingAt  time.Time // when the ticket last entered pending

	// Optional timestamps for the remaining Zendesk "hours since" conditions;
	// zero (never) makes those conditions false.
	RequesterUpdatedAt time.Time
	AssigneeUpdatedAt  time.Time
	DueAt              time.Time // task due date

	SLABreached     bool
	SLANextBreachAt time.Time // next breach of a running SLA target; zero = none
	SLALastBreachAt time.Time // most recent breach; zero = never
}

// Clone returns a deep copy of t (Tags and CustomFields are not shared).
func (t Ticket) Clone() Ticket {
	t.Tags = slices.Clone(t.Tags)
	if t.CustomFields != nil {
		cf := make(map[int64]string, len(t.CustomFields))
		for k, v := range t.CustomFields {
			cf[k] = v
		}
		t.CustomFields = cf
	}
	return t
}

// Comment is the comment added by the update that triggers run for.
type Comment struct {
	Body       string
	Public     bool
	AuthorRole string // end-user, agent, admin
}

// Update is the context of one ticket create/update that triggers run for.
type Update struct {
	IsNew bool // the ticket is being created (update_type "Create")
	// Changes lists field changes the before/after snapshots cannot show,
	// keyed by canonical condition field name ("status", "assignee_id",
	// "custom_fields_123"); values are (old, new), IDs in decimal, "" for
	// none. Differences between the before and after tickets are detected
	// automatically and take precedence.
	Changes         map[string][2]string
	Comment         *Comment // nil when the update adds no comment
	CurrentUserRole string   // end-user, agent, admin ("end_user" accepted)
	CurrentUserID   int64
	Via             string // channel of this update (current_via_id)
	// At is when the update happens. When set, actions that change the
	// ticket also maintain UpdatedAt, PendingAt, SolvedAt and AssignedAt.
	At time.Time
	// Data supplies names, URLs etc. for placeholders in notifications and
	// webhook payloads; its Ticket and CurrentUserID are filled in by
	// RunTriggers.
	Data PlaceholderData
}

// Actor is the agent applying a macro.
type Actor struct {
	ID   int64
	Role string
}
