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
	"net/http"
	"time"

	"github.com/frontline/frontline/internal/people"
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
	// CommentCount counts public comments (include=comment_count, the one
	// side-load customers may ask for).
	CommentCount *int `json:"comment_count,omitempty"`
}

// customerTicket is the customer view of t.
func (s *Server) customerTicket(r *http.Request, t ticket.Ticket) customerTicketJSON {
	return customerTicketOf(s.ticketView(r, t))
}

// customerTicketOf is the customer view of a staff ticket view v (defaults
// filled in, side-loads done).
func customerTicketOf(v ticketJSON) customerTicketJSON {
	return customerTicketJSON{
		ID: v.ID, URL: v.URL, Subject: v.Subject, Description: v.CustomerDescription(), Type: v.Type, Priority: v.Priority,
		Status: v.Status, Recipient: v.Recipient, RequesterID: v.RequesterID, AssigneeID: v.AssigneeID,
		OrganizationID: v.OrganizationID, GroupID: v.GroupID, CollaboratorIDs: v.CollaboratorIDs, EmailCCIDs: v.EmailCCIDs,
		Via: v.Via, DueAt: v.DueAt, IsPublic: v.IsPublic, MergedIntoID: v.MergedIntoID, SolvedAt: v.SolvedAt,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, CommentCount: v.CommentCount,
	}
}

// viewForCaller is the view for the caller of a staff ticket view v
// (ticketView, side-loads done): v itself for staff, its customer view for
// a customer. Every route a customer can reach that shows tickets uses it
// (or viewsForCaller).
func viewForCaller(r *http.Request, v ticketJSON) any {
	if isCustomer(r) {
		return customerTicketOf(v)
	}
	return v
}

// viewsForCaller is viewForCaller for a list.
func viewsForCaller(r *http.Request, vs []ticketJSON) any {
	if isCustomer(r) {
		return viewAll(r, vs, func(_ *http.Request, v ticketJSON) customerTicketJSON { return customerTicketOf(v) })
	}
	return vs
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

// userForCaller is the view of u for the caller: the customer view for a
// customer (who may read only themself), else the staff view (userView).
func (s *Server) userForCaller(r *http.Request, u people.User) any {
	v := s.userView(r, u)
	if !isCustomer(r) {
		return v
	}
	return customerUserJSON{
		ID: v.ID, URL: v.URL, Name: v.Name, Email: v.Email, Role: v.Role, Active: v.Active, Suspended: v.Suspended,
		OrganizationID: v.OrganizationID, Phone: v.User.Phone, IANATimeZone: v.User.TimeZone, TimeZone: v.TimeZone, Locale: v.Locale,
		Verified: v.Verified, LastLoginAt: v.LastLoginAt, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
	}
}
