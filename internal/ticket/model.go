// Package ticket holds help-desk tickets with their comments, audits (the
// Zendesk change history), collaborators (CCs) and attachments. The structs
// serialise with Zendesk API v2 field names. The rules that decide how a
// ticket may change are pure functions in this file; Store persists them,
// writing every change and its ticket audit in one transaction.
package ticket

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
	"github.com/frontline/frontline/internal/markup"
	"github.com/frontline/frontline/internal/tags"
)

// Statuses, in their Zendesk order.
const (
	StatusNew     = "new"
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusHold    = "hold"
	StatusSolved  = "solved"
	StatusClosed  = "closed"
)

// Statuses lists the statuses in their natural order.
var Statuses = []string{StatusNew, StatusOpen, StatusPending, StatusHold, StatusSolved, StatusClosed}

// Priorities, lowest first.
var Priorities = []string{"low", "normal", "high", "urgent"}

// Types of ticket.
const (
	TypeQuestion = "question"
	TypeIncident = "incident"
	TypeProblem  = "problem"
	TypeTask     = "task"
)

// Types lists the ticket types.
var Types = []string{TypeQuestion, TypeIncident, TypeProblem, TypeTask}

// Via channels.
const (
	ChannelWeb   = "web"
	ChannelEmail = "email"
	ChannelAPI   = "api"
)

// ValidStatus reports whether s is a known status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// ValidPriority reports whether p is a known priority.
func ValidPriority(p string) bool { return slices.Contains(Priorities, p) }

// ValidType reports whether t is a known type.
func ValidType(t string) bool { return slices.Contains(Types, t) }

// IsStaffRole reports whether role belongs to the support team. The "system"
// role (CLI, mail loop, jobs) counts as staff.
func IsStaffRole(role string) bool { return role == "agent" || role == "admin" || role == "system" }

// Actor is who makes a change. UserID 0 means Frontline itself.
type Actor struct {
	UserID int64
	Role   string // end-user, agent, admin or system
}

// IsStaff reports whether the actor is an agent, admin or the system.
func (a Actor) IsStaff() bool { return IsStaffRole(a.Role) }

// Via says how a ticket, comment or audit came in.
type Via struct {
	Channel string         `json:"channel"`
	Source  map[string]any `json:"source"`
}

func (v Via) normalized() Via {
	if v.Channel == "" {
		v.Channel = ChannelWeb
	}
	if v.Source == nil {
		v.Source = map[string]any{}
	}
	return v
}

// CustomField is the value of one custom ticket field.
type CustomField struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// Ticket is a support request.
type Ticket struct {
	ID              int64         `json:"id"`
	ExternalID      *string       `json:"external_id"`
	Type            *string       `json:"type"`
	Subject         string        `json:"subject"`
	RawSubject      string        `json:"raw_subject"`
	Description     string        `json:"description"`
	Priority        *string       `json:"priority"`
	Status          string        `json:"status"`
	Recipient       string        `json:"recipient"`
	RequesterID     int64         `json:"requester_id"`
	SubmitterID     int64         `json:"submitter_id"`
	AssigneeID      *int64        `json:"assignee_id"`
	OrganizationID  *int64        `json:"organization_id"`
	GroupID         *int64        `json:"group_id"`
	CollaboratorIDs []int64       `json:"collaborator_ids"`
	EmailCCIDs      []int64       `json:"email_cc_ids"` // same as CollaboratorIDs
	Tags            []string      `json:"tags"`
	CustomFields    []CustomField `json:"custom_fields"`
	Via             Via           `json:"via"`
	ProblemID       *int64        `json:"problem_id"`
	DueAt           *time.Time    `json:"due_at"`
	IsPublic        bool          `json:"is_public"`
	HasIncidents    bool          `json:"has_incidents"`
	MergedIntoID    *int64        `json:"merged_into_id,omitempty"`
	SolvedAt        *time.Time    `json:"solved_at"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	UpdatedStamp    time.Time     `json:"updated_stamp"` // same as UpdatedAt (input of safe_update)
	// BrandID is the ticket's brand (internal/brand); restricted brands'
	// tickets exist only for the brand's insiders.
	BrandID int64 `json:"brand_id"`

	// PublicDescription is nil when the first comment is public (it is
	// then the description); otherwise it is the first public comment's
	// text, "" while there is none. Read it through CustomerDescription.
	PublicDescription *string `json:"-"`
}

// CustomerDescription is the description customers see: the first public
// comment, "" while there is none. Description, the first comment, may be
// an internal note, which customers must never see.
func (t *Ticket) CustomerDescription() string {
	if t.PublicDescription != nil {
		return *t.PublicDescription
	}
	return t.Description
}

// IsCollaborator reports whether user id is CC'd on t.
func (t *Ticket) IsCollaborator(id int64) bool { return slices.Contains(t.CollaboratorIDs, id) }

func (t *Ticket) clone() *Ticket {
	c := *t
	c.CollaboratorIDs = slices.Clone(t.CollaboratorIDs)
	c.Tags = slices.Clone(t.Tags)
	c.CustomFields = slices.Clone(t.CustomFields)
	c.PublicDescription = copyPtr(t.PublicDescription)
	return &c
}

// Attachment is a file uploaded for a comment.
type Attachment struct {
	ID          int64     `json:"id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	ContentURL  string    `json:"content_url"` // filled by the HTTP layer
	Inline      bool      `json:"inline"`
	Token       string    `json:"-"` // the upload token, only used before attaching
	SHA256      string    `json:"-"`
	TicketID    *int64    `json:"-"`
	CommentID   *int64    `json:"-"`
	AuthorID    *int64    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Comment is a public reply or an internal note on a ticket.
type Comment struct {
	ID          int64        `json:"id"`
	TicketID    int64        `json:"ticket_id"`
	Type        string       `json:"type"` // always "Comment"
	AuthorID    int64        `json:"author_id"`
	Body        string       `json:"body"`
	HTMLBody    string       `json:"html_body"`
	PlainBody   string       `json:"plain_body"`
	Public      bool         `json:"public"`
	Attachments []Attachment `json:"attachments"`
	Via         Via          `json:"via"`
	CreatedAt   time.Time    `json:"created_at"`
}

// Audit is one change of a ticket with all its events (a Zendesk ticket audit).
type Audit struct {
	ID        int64     `json:"id"`
	TicketID  int64     `json:"ticket_id"`
	AuthorID  int64     `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	Via       Via       `json:"via"`
	Events    []Event   `json:"events"`
}

// Event types.
const (
	EventCreate  = "Create"
	EventChange  = "Change"
	EventComment = "Comment"
)

// Event is one part of an audit: a field set on creation (Create), a field
// changed (Change, with the previous value) or a comment added (Comment).
// Event ids are derived: a Comment event has the id of its comment, other
// events audit id × 1000 + position.
type Event struct {
	ID            int64  `json:"id"`
	Type          string `json:"type"`
	FieldName     string `json:"field_name,omitempty"`
	Value         any    `json:"value"`
	PreviousValue any    `json:"previous_value,omitempty"`
	// Comment events.
	AuthorID    int64        `json:"author_id,omitempty"`
	Body        string       `json:"body,omitempty"`
	HTMLBody    string       `json:"html_body,omitempty"`
	PlainBody   string       `json:"plain_body,omitempty"`
	Public      bool         `json:"public"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// MarshalJSON writes the fields Zendesk shows for the event's type.
func (e Event) MarshalJSON() ([]byte, error) {
	switch e.Type {
	case EventComment:
		atts := e.Attachments
		if atts == nil {
			atts = []Attachment{}
		}
		return json.Marshal(struct {
			ID          int64        `json:"id"`
			Type        string       `json:"type"`
			AuthorID    int64        `json:"author_id"`
			Body        string       `json:"body"`
			HTMLBody    string       `json:"html_body"`
			PlainBody   string       `json:"plain_body"`
			Public      bool         `json:"public"`
			Attachments []Attachment `json:"attachments"`
		}{e.ID, e.Type, e.AuthorID, e.Body, e.HTMLBody, e.PlainBody, e.Public, atts})
	case EventChange:
		return json.Marshal(struct {
			ID            int64  `json:"id"`
			Type          string `json:"type"`
			FieldName     string `json:"field_name"`
			Value         any    `json:"value"`
			PreviousValue any    `json:"previous_value"`
		}{e.ID, e.Type, e.FieldName, e.Value, e.PreviousValue})
	default:
		return json.Marshal(struct {
			ID        int64  `json:"id"`
			Type      string `json:"type"`
			FieldName string `json:"field_name,omitempty"`
			Value     any    `json:"value"`
		}{e.ID, e.Type, e.FieldName, e.Value})
	}
}

// storedEvent is how events are kept in ticket_audits.events.
type storedEvent struct {
	Type          string `json:"type"`
	FieldName     string `json:"field_name,omitempty"`
	Value         any    `json:"value,omitempty"`
	PreviousValue any    `json:"previous_value,omitempty"`
	CommentID     int64  `json:"comment_id,omitempty"`
}

// CommentInput is a comment to add.
type CommentInput struct {
	Body     string   `json:"body"`
	HTMLBody string   `json:"html_body"`
	Public   *bool    `json:"public"`  // default true
	Uploads  []string `json:"uploads"` // upload tokens
	AuthorID *int64   `json:"author_id"`
	Via      *Via     `json:"-"` // default: the ticket change's via
	// Markdown says Body is Markdown (the agent workspace and the portal):
	// it is rendered to HTML here, after the limits are checked.
	Markdown bool `json:"-"`
}

// empty reports whether the comment has no text and no uploads.
func (c *CommentInput) empty() bool {
	return strings.TrimSpace(c.Body) == "" && strings.TrimSpace(c.HTMLBody) == "" && len(c.Uploads) == 0
}

// IsPublic reports the comment's visibility (default public).
func (c *CommentInput) IsPublic() bool { return c.Public == nil || *c.Public }

// Render returns the comment's plain body, sanitised HTML body and
// plain-text body: given HTML is sanitised and converted to text; a
// Markdown body is rendered to HTML and that to text; a plain body is
// rendered to HTML. Text that renders to nothing (a body of only markup)
// keeps its source as the plain text, so it is never blank.
func (c *CommentInput) Render(r *markup.Renderer) (body, htmlBody, plain string) {
	if strings.TrimSpace(c.HTMLBody) != "" {
		htmlBody = r.Sanitize(c.HTMLBody)
		plain = r.HTMLToText(htmlBody)
		body = c.Body
		if strings.TrimSpace(body) == "" {
			body = plain
		}
		return body, htmlBody, plain
	}
	body = strings.TrimRight(strings.ReplaceAll(c.Body, "\r\n", "\n"), " \t\n")
	if c.Markdown {
		htmlBody = r.Markdown(body)
		plain = r.HTMLToText(htmlBody)
		if strings.TrimSpace(plain) == "" {
			plain = body
		}
		return body, htmlBody, plain
	}
	return body, r.PlainToHTML(body), body
}

// truncatedNote ends a comment that was cut to the limit (see
// renderComment); it names what was kept.
func truncatedNote(limit int) string {
	return fmt.Sprintf("\n\n[Frontline: this message was longer than %d bytes and was cut here; the complete message is kept as the original email.]", limit)
}

// renderComment checks a comment against the limits and renders it. field
// names the comment in errors ("comment"). A comment that would be refused
// for its size is cut at the limit with a note instead when truncate is set
// (mail, which cannot be refused: the raw message is kept).
func renderComment(r *markup.Renderer, in *CommentInput, l limits.Limits, field string, truncate bool) (body, htmlBody, plain string, err error) {
	var v errs.Validation
	max := l.CommentBytes
	cp := *in
	limits.CheckText(&v, field+".body", &cp.Body, max)
	limits.CheckText(&v, field+".html_body", &cp.HTMLBody, max)
	if err := v.Err(); err != nil {
		e := err.(*errs.Error)
		tooLong := func(f string) bool {
			for _, p := range e.Fields[f] {
				if !strings.Contains(p, "too long") {
					return false
				}
			}
			return true
		}
		if !truncate || !tooLong(field+".body") || !tooLong(field+".html_body") {
			return "", "", "", err
		}
		note := truncatedNote(max)
		if len(cp.Body) > max {
			cp.Body = limits.Cut(cp.Body, max-len(note)) + note
		}
		if len(cp.HTMLBody) > max {
			cp.HTMLBody = limits.Cut(cp.HTMLBody, max-len(note)-7) + "<p>" + strings.TrimSpace(note) + "</p>"
		}
	}
	body, htmlBody, plain = cp.Render(r)
	// HTML may spell control characters as character references (&#27;).
	body, plain = limits.Text(body), limits.Text(plain)
	if len(plain) > max {
		if !truncate {
			return "", "", "", errs.Invalid(field+".body", "is too long as text "+strings.TrimPrefix(limits.TooLongBytes(max), "is too long "))
		}
		note := truncatedNote(max)
		plain = limits.Cut(plain, max-len(note)) + note
		body, htmlBody = plain, r.PlainToHTML(plain)
	}
	if len(htmlBody) > l.MaxHTMLBytes() {
		if !truncate {
			return "", "", "", errs.Invalid(field+".body", fmt.Sprintf("is too long once formatted as HTML (%d bytes; the maximum is %d)", len(htmlBody), l.MaxHTMLBytes()))
		}
		htmlBody = r.PlainToHTML(plain)
	}
	return body, htmlBody, plain, nil
}

// CreateInput carries a new ticket. Pointers distinguish "not given".
type CreateInput struct {
	Subject         string        `json:"subject"`
	Comment         CommentInput  `json:"comment"`
	RequesterID     int64         `json:"requester_id"` // default: the actor
	SubmitterID     int64         `json:"submitter_id"` // default: the actor, else the requester
	AssigneeID      *int64        `json:"assignee_id"`
	GroupID         *int64        `json:"group_id"`
	OrganizationID  *int64        `json:"organization_id"` // default: the requester's organization; 0 = none
	Status          *string       `json:"status"`          // default new (open when assigned by an agent)
	Priority        *string       `json:"priority"`
	Type            *string       `json:"type"`
	Tags            []string      `json:"tags"`
	CollaboratorIDs []int64       `json:"collaborator_ids"`
	CustomFields    []CustomField `json:"custom_fields"`
	ExternalID      *string       `json:"external_id"`
	Recipient       string        `json:"recipient"`
	Via             *Via          `json:"via"`
	DueAt           *time.Time    `json:"due_at"`
	ProblemID       *int64        `json:"problem_id"`
	// BrandID is the ticket's brand; nil takes the requester's brand.
	BrandID *int64 `json:"brand_id"`
}

// UpdateInput carries the changes of a ticket update; nil means unchanged.
// For the id fields, 0 clears; for priority and type, "" clears; a zero
// DueAt clears the due date.
type UpdateInput struct {
	Subject                 *string       `json:"subject"`
	Comment                 *CommentInput `json:"comment"`
	RequesterID             *int64        `json:"requester_id"`
	AssigneeID              *int64        `json:"assignee_id"`
	GroupID                 *int64        `json:"group_id"`
	OrganizationID          *int64        `json:"organization_id"`
	Status                  *string       `json:"status"`
	Priority                *string       `json:"priority"`
	Type                    *string       `json:"type"`
	Tags                    *[]string     `json:"tags"`
	AdditionalTags          []string      `json:"additional_tags"`
	RemoveTags              []string      `json:"remove_tags"`
	CollaboratorIDs         *[]int64      `json:"collaborator_ids"`
	AdditionalCollaborators []int64       `json:"additional_collaborators"`
	CustomFields            []CustomField `json:"custom_fields"` // merged by id
	ExternalID              *string       `json:"external_id"`
	DueAt                   *time.Time    `json:"due_at"`
	ProblemID               *int64        `json:"problem_id"`
	Via                     *Via          `json:"via"`
	SafeUpdate              bool          `json:"safe_update"`
	UpdatedStamp            *time.Time    `json:"updated_stamp"`

	mergedInto *int64 // set by Merge only
	// tagsName names AdditionalTags and RemoveTags in errors when the
	// caller took them as "tags" (AddTags, RemoveTags); default
	// "additional_tags" and "remove_tags".
	tagsName string
}

// --- pure rules ----------------------------------------------------------------

// ErrClosed is returned for any change of a closed ticket (Zendesk: 422).
func errClosed() error { return errs.Invalid("status", "closed tickets can't be updated") }

// SubjectFromDescription returns the default subject: the first 80
// characters of the description's first non-blank text, whitespace collapsed.
func SubjectFromDescription(desc string) string {
	s := strings.Join(strings.Fields(desc), " ")
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:80]))
}

// normalizeIDs sorts and de-duplicates ids, dropping zeros and skip.
func normalizeIDs(in []int64, skip int64) []int64 {
	out := []int64{}
	for _, id := range in {
		if id > 0 && id != skip && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// mergeCustomFields overlays changes on cur by id, sorted by id.
func mergeCustomFields(cur, changes []CustomField) []CustomField {
	out := slices.Clone(cur)
	for _, c := range changes {
		i := slices.IndexFunc(out, func(f CustomField) bool { return f.ID == c.ID })
		if i >= 0 {
			out[i].Value = c.Value
		} else {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if out == nil {
		out = []CustomField{}
	}
	return out
}

func nonZero(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func nonEmpty(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

func lowerPtr(s string) *string {
	return nonEmpty(strings.ToLower(s))
}

// validate checks the fields of t that do not need the database.
func (t *Ticket) validate() error {
	var v errs.Validation
	v.Check(ValidStatus(t.Status), "status", "must be one of new, open, pending, hold, solved, closed")
	if t.Priority != nil {
		v.Check(ValidPriority(*t.Priority), "priority", "must be one of low, normal, high, urgent")
	}
	if t.Type != nil {
		v.Check(ValidType(*t.Type), "type", "must be one of question, incident, problem, task")
	}
	v.Check(t.RequesterID > 0, "requester_id", "can't be blank")
	if t.ProblemID != nil {
		v.Check(t.Type != nil && *t.Type == TypeIncident, "problem_id", "can only be set on incidents")
		v.Check(*t.ProblemID != t.ID || t.ID == 0, "problem_id", "can't be the ticket itself")
	}
	for _, f := range t.CustomFields {
		v.Check(f.ID > 0, "custom_fields", "need a positive id")
	}
	return v.Err()
}

// change describes what the rules need to know about one create or update.
type change struct {
	actor       Actor
	now         time.Time
	limits      limits.Limits // zero: the defaults
	statusGiven bool          // the caller set the status explicitly
	publicReply bool          // a public comment is added by a member of staff
	// customerReply: a public comment is added by an end-user (the requester
	// or a CC, by email, portal or API).
	customerReply bool
	email         bool // the change comes by email
	// tagsField names the tags in errors: "additional_tags" when an update
	// only adds tags, else "tags".
	tagsField string
}

// lim returns the limits that apply.
func (c change) lim() limits.Limits { return c.limits.OrDefault() }

// settle applies the automatic rules to t, the new state of prev (nil on
// create), and validates it:
//   - a ticket that left "new" can't go back to it;
//   - new becomes open when an agent assigns it or replies publicly, unless
//     the status was given;
//   - a pending or solved ticket is reopened when an end-user adds a public
//     comment, unless the status was given (as Zendesk does);
//   - solving (or closing) requires an assignee: when there is none and the
//     actor is a member of staff with a user id, the actor is assigned (the
//     Zendesk agent UI does the same), otherwise it is a 422 on assignee_id;
//   - solved_at is set when the ticket becomes solved or closed and cleared
//     when it is reopened;
//   - a blank subject defaults to the start of the description; tags and
//     collaborators are normalised.
//
// The closed-is-final rule is checked by the caller before any change is
// applied (see applyUpdate).
func settle(prev, t *Ticket, c change) error {
	l := c.lim()
	t.Subject = strings.TrimSpace(limits.Line(t.Subject))
	if t.Subject == "" {
		t.Subject = limits.CutChars(SubjectFromDescription(t.Description), l.SubjectChars)
	}
	if prev == nil || t.Subject != prev.Subject {
		t.RawSubject = t.Subject
	}
	t.Tags = tags.Normalize(t.Tags)
	t.CollaboratorIDs = normalizeIDs(t.CollaboratorIDs, t.RequesterID)
	if c.email {
		t.CollaboratorIDs = capNewIDs(prev, t.CollaboratorIDs, limits.Collaborators)
	}
	t.EmailCCIDs = t.CollaboratorIDs
	if t.CustomFields == nil {
		t.CustomFields = []CustomField{}
	}
	t.Status = strings.ToLower(strings.TrimSpace(t.Status))
	if err := t.validate(); err != nil {
		return err
	}
	if err := checkGrowth(prev, t, l, c.tagsField); err != nil {
		return err
	}
	if prev != nil && prev.Status != StatusNew && t.Status == StatusNew {
		return errs.Invalid("status", "can't be set back to new")
	}
	if t.Status == StatusNew && !c.statusGiven && c.actor.IsStaff() {
		assigned := t.AssigneeID != nil && (prev == nil || prev.AssigneeID == nil || *prev.AssigneeID != *t.AssigneeID)
		if assigned || c.publicReply {
			t.Status = StatusOpen
		}
	}
	if prev != nil && c.customerReply && !c.statusGiven && (t.Status == StatusPending || t.Status == StatusSolved) {
		t.Status = StatusOpen
	}
	done := t.Status == StatusSolved || t.Status == StatusClosed
	if done && t.AssigneeID == nil {
		if !c.actor.IsStaff() || c.actor.UserID == 0 || c.actor.Role == "system" {
			return errs.Invalid("assignee_id", "is required when solving")
		}
		id := c.actor.UserID
		t.AssigneeID = &id
	}
	switch {
	case !done:
		t.SolvedAt = nil
	case t.SolvedAt == nil || prev == nil || (prev.Status != StatusSolved && prev.Status != StatusClosed):
		now := c.now
		t.SolvedAt = &now
	}
	return nil
}

// checkGrowth holds what a change adds to the limits; what was stored
// before a limit was lowered may stay (prev is nil on create).
func checkGrowth(prev, t *Ticket, l limits.Limits, tagsField string) error {
	if tagsField == "" {
		tagsField = "tags"
	}
	var v errs.Validation
	var p Ticket
	if prev != nil {
		p = *prev
	}
	if prev == nil || t.Subject != p.Subject {
		v.Check(utf8.RuneCountInString(t.Subject) <= l.SubjectChars, "subject", limits.TooLongChars(l.SubjectChars))
	}
	tags.CheckLimits(&v, tagsField, t.Tags, p.Tags, l.TagChars, l.Tags)
	if n := len(t.CollaboratorIDs); n > limits.Collaborators && n > len(p.CollaboratorIDs) {
		v.Add("collaborator_ids", limits.TooMany(limits.Collaborators, "collaborators"))
	}
	if !sameJSON(t.CustomFields, p.CustomFields) {
		cur, _ := json.Marshal(t.CustomFields)
		old, _ := json.Marshal(p.CustomFields)
		if len(cur) > limits.CustomFieldsBytes && len(cur) > len(old) {
			v.Add("custom_fields", fmt.Sprintf("are too long together (maximum is %d bytes as JSON)", limits.CustomFieldsBytes))
		}
	}
	return v.Err()
}

// capNewIDs keeps the collaborators prev had and adds new ones while there
// is room under max: mail is not refused for having many recipients, its
// extra CCs are not added (Zendesk does the same beyond its 48).
func capNewIDs(prev *Ticket, ids []int64, max int) []int64 {
	var had []int64
	if prev != nil {
		had = prev.CollaboratorIDs
	}
	room := max - len(had)
	return slices.DeleteFunc(ids, func(id int64) bool {
		if slices.Contains(had, id) {
			return false
		}
		if room > 0 {
			room--
			return false
		}
		return true
	})
}

// checkVia checks a via given by a caller, normalising a copy.
func checkVia(v *errs.Validation, field string, via **Via) {
	if *via == nil {
		return
	}
	c := **via
	b, _ := json.Marshal(c)
	if len(b) > limits.ViaBytes {
		v.Add(field, fmt.Sprintf("is too long (maximum is %d bytes as JSON)", limits.ViaBytes))
		return
	}
	limits.CheckLine(v, field+".channel", &c.Channel, limits.NameChars)
	*via = &c
}

// checkLine checks the single-line text *p when given, normalising a copy
// (the caller's string is not changed).
func checkLine(v *errs.Validation, field string, p **string, maxChars int) {
	if *p == nil {
		return
	}
	s := **p
	limits.CheckLine(v, field, &s, maxChars)
	*p = &s
}

// checkCreate checks and normalises the text fields of a creation (the
// comment is checked by renderComment). Mail is not refused for a long
// subject: it is cut.
func checkCreate(in *CreateInput, l limits.Limits, email bool) error {
	var v errs.Validation
	if email && limits.Problem(in.Subject) == "" {
		in.Subject = limits.CutChars(strings.TrimSpace(limits.Line(in.Subject)), l.SubjectChars)
	}
	limits.CheckLine(&v, "subject", &in.Subject, math.MaxInt) // the length is checked in settle
	checkLine(&v, "external_id", &in.ExternalID, limits.NameChars)
	limits.CheckLine(&v, "recipient", &in.Recipient, limits.NameChars)
	tags.CheckRaw(&v, "tags", in.Tags)
	checkVia(&v, "via", &in.Via)
	checkVia(&v, "comment.via", &in.Comment.Via)
	return v.Err()
}

// checkUpdate checks and normalises the text fields of an update.
func checkUpdate(in *UpdateInput) error {
	var v errs.Validation
	checkLine(&v, "subject", &in.Subject, math.MaxInt) // the length is checked in settle
	checkLine(&v, "external_id", &in.ExternalID, limits.NameChars)
	if in.Tags != nil {
		tags.CheckRaw(&v, "tags", *in.Tags)
	}
	add, rm := "additional_tags", "remove_tags"
	if in.tagsName != "" {
		add, rm = in.tagsName, in.tagsName
	}
	tags.CheckRaw(&v, add, in.AdditionalTags)
	tags.CheckRaw(&v, rm, in.RemoveTags)
	checkVia(&v, "via", &in.Via)
	if in.Comment != nil {
		c := *in.Comment
		checkVia(&v, "comment.via", &c.Via)
		in.Comment = &c
	}
	return v.Err()
}

// fieldInput is what a creation and an update both may set: a nil field is
// left as it is; 0 clears an id and "" a priority or type.
type fieldInput struct {
	assignee, group, organization *int64
	status, priority, typ         *string
}

// setFields applies in to t and reports whether a status was given.
func setFields(t *Ticket, in fieldInput) (statusGiven bool) {
	if in.assignee != nil {
		t.AssigneeID = nonZero(*in.assignee)
	}
	if in.group != nil {
		t.GroupID = nonZero(*in.group)
	}
	if in.organization != nil {
		t.OrganizationID = nonZero(*in.organization)
	}
	if in.status != nil && strings.TrimSpace(*in.status) != "" {
		t.Status, statusGiven = *in.status, true
	}
	if in.priority != nil {
		t.Priority = lowerPtr(*in.priority)
	}
	if in.typ != nil {
		t.Type = lowerPtr(*in.typ)
	}
	return statusGiven
}

// newTicket builds a ticket from in with its defaults, without the database
// checks. The organization default is filled in by the store.
func newTicket(in *CreateInput, body string, c change) (*Ticket, error) {
	c.email = in.Via != nil && in.Via.Channel == ChannelEmail
	if err := checkCreate(in, c.lim(), c.email); err != nil {
		return nil, err
	}
	t := &Ticket{
		Subject:         in.Subject,
		Description:     body,
		Status:          StatusNew,
		Recipient:       strings.TrimSpace(in.Recipient),
		RequesterID:     in.RequesterID,
		SubmitterID:     in.SubmitterID,
		Tags:            in.Tags,
		CollaboratorIDs: in.CollaboratorIDs,
		CustomFields:    mergeCustomFields(nil, in.CustomFields),
		IsPublic:        in.Comment.IsPublic(),
		CreatedAt:       c.now,
		UpdatedAt:       c.now,
		UpdatedStamp:    c.now,
		DueAt:           in.DueAt,
	}
	if t.RequesterID == 0 {
		t.RequesterID = c.actor.UserID
	}
	if t.SubmitterID == 0 {
		t.SubmitterID = c.actor.UserID
	}
	if t.SubmitterID == 0 {
		t.SubmitterID = t.RequesterID
	}
	c.statusGiven = setFields(t, fieldInput{in.AssigneeID, in.GroupID, in.OrganizationID, in.Status, in.Priority, in.Type})
	if in.ProblemID != nil {
		t.ProblemID = nonZero(*in.ProblemID)
	}
	if in.ExternalID != nil {
		t.ExternalID = nonEmpty(*in.ExternalID)
	}
	if in.Via != nil {
		t.Via = in.Via.normalized()
	} else {
		t.Via = Via{}.normalized()
	}
	if t.DueAt != nil && t.DueAt.IsZero() {
		t.DueAt = nil
	}
	var v errs.Validation
	v.Check(strings.TrimSpace(body) != "", "comment", "can't be blank (the first comment is the description)")
	if !in.Comment.IsPublic() {
		// Customers see no description until the first public comment,
		// and no subject taken from an internal note.
		t.PublicDescription = new(string)
		v.Check(strings.TrimSpace(in.Subject) != "", "subject", "can't be blank when the first comment is internal (it would be taken from the note)")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := settle(nil, t, c); err != nil {
		return nil, err
	}
	return t, nil
}

// applyUpdate returns the new state of cur after in, with the rules applied.
// Closed tickets can't change at all. requesterOrg is the organization of
// the new requester when the requester changes (nil otherwise or when the
// requester has none).
func applyUpdate(cur *Ticket, in *UpdateInput, c change, requesterOrg *int64) (*Ticket, error) {
	if cur.Status == StatusClosed {
		return nil, errClosed()
	}
	if err := checkUpdate(in); err != nil {
		return nil, err
	}
	c.email = in.Via != nil && in.Via.Channel == ChannelEmail
	if in.Tags == nil && len(in.AdditionalTags) > 0 {
		c.tagsField = "additional_tags"
		if in.tagsName != "" {
			c.tagsField = in.tagsName
		}
	}
	t := cur.clone()
	if in.Subject != nil {
		t.Subject = *in.Subject
		if strings.TrimSpace(t.Subject) == "" {
			t.Subject = cur.Subject // a blank subject keeps the old one
		}
	}
	if in.RequesterID != nil && *in.RequesterID != cur.RequesterID {
		t.RequesterID = *in.RequesterID
		if in.OrganizationID == nil {
			t.OrganizationID = requesterOrg
		}
	}
	c.statusGiven = setFields(t, fieldInput{in.AssigneeID, in.GroupID, in.OrganizationID, in.Status, in.Priority, in.Type})
	if in.Tags != nil {
		t.Tags = slices.Clone(*in.Tags)
	}
	if len(in.AdditionalTags) > 0 {
		t.Tags = append(tags.Normalize(t.Tags), tags.Normalize(in.AdditionalTags)...)
	}
	if len(in.RemoveTags) > 0 {
		rm := tags.Normalize(in.RemoveTags)
		t.Tags = slices.DeleteFunc(tags.Normalize(t.Tags), func(s string) bool { return slices.Contains(rm, s) })
	}
	if in.CollaboratorIDs != nil {
		t.CollaboratorIDs = slices.Clone(*in.CollaboratorIDs)
	}
	t.CollaboratorIDs = append(t.CollaboratorIDs, in.AdditionalCollaborators...)
	if len(in.CustomFields) > 0 {
		t.CustomFields = mergeCustomFields(t.CustomFields, in.CustomFields)
	}
	if in.ExternalID != nil {
		t.ExternalID = nonEmpty(*in.ExternalID)
	}
	if in.DueAt != nil {
		if in.DueAt.IsZero() {
			t.DueAt = nil
		} else {
			d := in.DueAt.UTC()
			t.DueAt = &d
		}
	}
	if in.ProblemID != nil {
		t.ProblemID = nonZero(*in.ProblemID)
	}
	if in.mergedInto != nil {
		t.MergedIntoID = in.mergedInto
	}
	if err := settle(cur, t, c); err != nil {
		return nil, err
	}
	return t, nil
}

// --- events --------------------------------------------------------------------

func ptrValue[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func timeValue(p *time.Time) any {
	if p == nil {
		return nil
	}
	return p.UTC().Format(time.RFC3339)
}

// fieldValues lists the audited fields of t in a stable order.
func fieldValues(t *Ticket) []struct {
	name  string
	value any
} {
	type fv = struct {
		name  string
		value any
	}
	out := []fv{
		{"subject", t.Subject},
		{"requester_id", t.RequesterID},
		{"submitter_id", t.SubmitterID},
		{"status", t.Status},
		{"priority", ptrValue(t.Priority)},
		{"type", ptrValue(t.Type)},
		{"assignee_id", ptrValue(t.AssigneeID)},
		{"group_id", ptrValue(t.GroupID)},
		{"organization_id", ptrValue(t.OrganizationID)},
		{"tags", orEmpty(t.Tags)},
		{"collaborator_ids", orEmpty(t.CollaboratorIDs)},
		{"external_id", ptrValue(t.ExternalID)},
		{"due_at", timeValue(t.DueAt)},
		{"problem_id", ptrValue(t.ProblemID)},
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case []int64:
		return len(x) == 0
	}
	return false
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// createEvents lists the Create events of a new ticket: every field set.
func createEvents(t *Ticket) []storedEvent {
	var out []storedEvent
	for _, f := range fieldValues(t) {
		if f.name == "status" || !isEmptyValue(f.value) {
			out = append(out, storedEvent{Type: EventCreate, FieldName: f.name, Value: f.value})
		}
	}
	for _, cf := range t.CustomFields {
		out = append(out, storedEvent{Type: EventCreate, FieldName: strconv.FormatInt(cf.ID, 10), Value: cf.Value})
	}
	return out
}

// changeEvents lists the Change events between prev and t.
func changeEvents(prev, t *Ticket) []storedEvent {
	var out []storedEvent
	before := fieldValues(prev)
	for i, f := range fieldValues(t) {
		if !sameJSON(before[i].value, f.value) {
			out = append(out, storedEvent{Type: EventChange, FieldName: f.name, Value: f.value, PreviousValue: before[i].value})
		}
	}
	old := map[int64]any{}
	for _, cf := range prev.CustomFields {
		old[cf.ID] = cf.Value
	}
	for _, cf := range t.CustomFields {
		if p, ok := old[cf.ID]; !ok || !sameJSON(p, cf.Value) {
			out = append(out, storedEvent{Type: EventChange, FieldName: strconv.FormatInt(cf.ID, 10), Value: cf.Value, PreviousValue: p})
		}
	}
	if !sameJSON(prev.MergedIntoID, t.MergedIntoID) {
		out = append(out, storedEvent{Type: EventChange, FieldName: "merged_into_id", Value: ptrValue(t.MergedIntoID), PreviousValue: ptrValue(prev.MergedIntoID)})
	}
	return out
}

// --- access --------------------------------------------------------------------

// CanSee reports whether a viewer may see t: staff see every ticket;
// end-users see the tickets they requested or are CC'd on, and those of
// their organizations when sharedOrg says the organization shares tickets.
func CanSee(t *Ticket, viewerID int64, role string, viewerOrgIDs []int64, sharedOrg func(orgID int64) bool) bool {
	if t == nil {
		return false
	}
	if IsStaffRole(role) {
		return true
	}
	if viewerID == 0 {
		return false
	}
	if t.RequesterID == viewerID || t.IsCollaborator(viewerID) {
		return true
	}
	if t.OrganizationID != nil && slices.Contains(viewerOrgIDs, *t.OrganizationID) && sharedOrg != nil {
		return sharedOrg(*t.OrganizationID)
	}
	return false
}

// MaxJSONBytes bounds the JSON of one ticket as the API writes it (without
// HTML escaping), from the limits l and the fixed ones, so that a list page
// is bounded too (per_page at most 100; see README "Limits"):
//   - the fields that are not text take at most what a ticket with every id
//     at its largest, every date at its longest and every text empty takes;
//   - the description (the first comment's plain text) is at most
//     l.CommentBytes bytes, and JSON at most doubles stored text (quotes,
//     backslashes, newlines, U+2028; other control characters are stored as
//     pictures, so no six-byte \u00XX escapes);
//   - single-line text (subject and raw_subject, tags, external_id,
//     recipient) is bounded in characters, and a single-line character is
//     at most four bytes however JSON writes it (line separators are
//     stored as spaces);
//   - custom fields and via are bounded as JSON; CCs by count (each id at
//     most 19 digits and a comma, twice: collaborator_ids and email_cc_ids).
func MaxJSONBytes(l limits.Limits) int {
	l = l.OrDefault()
	big := int64(math.MaxInt64)
	longest := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -14*3600))
	word := func(s string) *string { return &s }
	skeleton := Ticket{ID: big, ExternalID: word(""), Type: word(TypeQuestion), Priority: word("normal"), Status: StatusPending,
		RequesterID: big, SubmitterID: big, AssigneeID: &big, OrganizationID: &big, GroupID: &big, CollaboratorIDs: []int64{},
		EmailCCIDs: []int64{}, Tags: []string{}, CustomFields: []CustomField{}, Via: Via{Source: map[string]any{}},
		ProblemID: &big, DueAt: &longest, IsPublic: true, HasIncidents: true, MergedIntoID: &big, SolvedAt: &longest,
		CreatedAt: longest, UpdatedAt: longest, UpdatedStamp: longest}
	b, _ := json.Marshal(skeleton)
	n := len(b)
	n += 2 * l.CommentBytes
	n += 2 * 4 * l.SubjectChars
	n += l.Tags * (4*l.TagChars + 3)
	n += 2 * 4 * limits.NameChars
	n += limits.CustomFieldsBytes + limits.ViaBytes
	n += 2 * limits.Collaborators * 20
	// The API adds Zendesk's documented keys (internal/web/api_zendesk_ccs.go):
	// "fields" repeats custom_fields, follower_ids is at most the CCs, and
	// the constants and nulls take a few hundred bytes.
	n += limits.CustomFieldsBytes + limits.Collaborators*20 + 512
	return n
}
