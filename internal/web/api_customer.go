package web

// What customers are shown. Staff get tickets and users as stored; a
// customer (an end-user reading a ticket they may see, or their own user)
// gets an allow-list of fields: the ticket fields Zendesk's Requests API
// gives end-users, with the customer description (the first public
// comment), and their own user without agents' notes about them. A field
// added to ticket.Ticket or people.User stays agent-only until it is added
// here. TestNoCustomerSurfaceLeaksInternalData plants markers in the
// agent-only fields and reads every customer surface.

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/frontline/frontline/internal/ticket"
)

// isCustomer reports whether the caller gets the customer views (anyone
// who is not staff).
func isCustomer(r *http.Request) bool {
	p := PrincipalFrom(r.Context())
	return p == nil || !p.IsStaff()
}

// customerTicketJSON is a ticket as its requester, CCs and organization see
// it. Left out: tags, external_id, custom_fields, submitter_id, problem_id,
// has_incidents, raw_subject and updated_stamp (input of staff updates).
type customerTicketJSON struct {
	ID              int64      `json:"id"`
	URL             string     `json:"url"`
	Subject         string     `json:"subject"`
	Description     string     `json:"description"`
	Type            *string    `json:"type"`
	Priority        *string    `json:"priority"`
	Status          string     `json:"status"`
	Recipient       string     `json:"recipient"`
	RequesterID     int64      `json:"requester_id"`
	AssigneeID      *int64     `json:"assignee_id"`
	OrganizationID  *int64     `json:"organization_id"`
	GroupID         *int64     `json:"group_id"`
	CollaboratorIDs []int64    `json:"collaborator_ids"`
	EmailCCIDs      []int64    `json:"email_cc_ids"`
	Via             ticket.Via `json:"via"`
	DueAt           *time.Time `json:"due_at"`
	IsPublic        bool       `json:"is_public"`
	MergedIntoID    *int64     `json:"merged_into_id,omitempty"`
	SolvedAt        *time.Time `json:"solved_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// MarshalJSON writes the staff view, or the customer view of a ticket
// viewed by a customer.
func (t ticketJSON) MarshalJSON() ([]byte, error) {
	if !t.customer {
		type staffView ticketJSON // without this method
		return json.Marshal(staffView(t))
	}
	return json.Marshal(customerTicketJSON{
		ID: t.ID, URL: t.URL, Subject: t.Subject, Description: t.CustomerDescription(), Type: t.Type, Priority: t.Priority,
		Status: t.Status, Recipient: t.Recipient, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID,
		OrganizationID: t.OrganizationID, GroupID: t.GroupID, CollaboratorIDs: t.CollaboratorIDs, EmailCCIDs: t.EmailCCIDs,
		Via: t.Via, DueAt: t.DueAt, IsPublic: t.IsPublic, MergedIntoID: t.MergedIntoID, SolvedAt: t.SolvedAt,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	})
}

// customerUserJSON is a customer's own user record. Left out: agents'
// notes, details and tags about them, their external id and the staff
// attributes.
type customerUserJSON struct {
	ID             int64      `json:"id"`
	URL            string     `json:"url"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Role           string     `json:"role"`
	Active         bool       `json:"active"`
	Suspended      bool       `json:"suspended"`
	OrganizationID *int64     `json:"organization_id"`
	Phone          string     `json:"phone"`
	IANATimeZone   string     `json:"iana_time_zone"`
	TimeZone       string     `json:"time_zone"`
	Locale         string     `json:"locale"`
	Verified       bool       `json:"verified"`
	LastLoginAt    *time.Time `json:"last_login_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// MarshalJSON writes the staff view, or the customer view of a user read
// by a customer (themself).
func (u userJSON) MarshalJSON() ([]byte, error) {
	if !u.customer {
		type staffView userJSON // without this method
		return json.Marshal(staffView(u))
	}
	return json.Marshal(customerUserJSON{
		ID: u.ID, URL: u.URL, Name: u.Name, Email: u.Email, Role: u.Role, Active: u.Active, Suspended: u.Suspended,
		OrganizationID: u.OrganizationID, Phone: u.Phone, IANATimeZone: u.User.TimeZone, TimeZone: u.TimeZone, Locale: u.Locale,
		Verified: u.Verified, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	})
}
