package web

// CCs and followers as Zendesk takes them on ticket create and update
// (collaborators, additional_collaborators, email_ccs, followers,
// email_cc_ids, follower_ids; entries as ids, emails or {name, email}),
// and the ticket keys Zendesk documents that Frontline has no concept for
// (ADR 0012): Frontline keeps one CC list; followers are the CCs who are
// staff, email_cc_ids all CCs.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// ccKeys are the CC inputs this file resolves (collaborator_ids, a plain id
// list that replaces the CCs, is decoded by the ticket input itself).
var ccKeys = []string{"collaborators", "additional_collaborators", "email_ccs", "followers", "email_cc_ids", "follower_ids"}

// ccEntry is one CC or follower of the input before it is resolved to a user.
type ccEntry struct {
	key    string // the input key, for errors
	id     int64
	email  string
	name   string
	remove bool // action "delete" (email_ccs, followers)
}

// ccInput is what a create or update asks of the CC list.
type ccInput struct {
	entries []ccEntry
}

// takeCCs removes the CC keys from a raw ticket object and parses them.
func takeCCs(raw json.RawMessage) (json.RawMessage, ccInput, error) {
	var in ccInput
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return raw, in, jsonError(err, "ticket")
	}
	found := false
	for _, k := range ccKeys {
		v, ok := m[k]
		if !ok {
			continue
		}
		found = true
		delete(m, k)
		if string(v) == "null" {
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return raw, in, errs.Invalid(k, "must be an array of user ids, emails or {name, email} objects")
		}
		for i, item := range items {
			e, err := parseCC(k, item)
			if err != nil {
				return raw, in, errs.Invalid(k+"["+strconv.Itoa(i)+"]", err.Error())
			}
			in.entries = append(in.entries, e)
		}
	}
	if !found {
		return raw, in, nil
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw, in, err
	}
	return out, in, nil
}

type ccProblem string

func (p ccProblem) Error() string { return string(p) }

// parseCC reads one entry: 123, "123", "a@b.c", {"name","email"} or
// {"user_id","user_email","user_name","action"}.
func parseCC(key string, item json.RawMessage) (ccEntry, error) {
	e := ccEntry{key: key}
	var n json.Number
	var s string
	switch {
	case json.Unmarshal(item, &n) == nil:
		id, err := n.Int64()
		if err != nil || id <= 0 {
			return e, ccProblem("is not a user id")
		}
		e.id = id
	case json.Unmarshal(item, &s) == nil:
		s = strings.TrimSpace(s)
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			e.id = id
		} else if strings.Contains(s, "@") {
			e.email = s
		} else {
			return e, ccProblem("is neither a user id nor an email")
		}
	default:
		var o struct {
			UserID    *json.Number `json:"user_id"`
			ID        *json.Number `json:"id"`
			UserEmail string       `json:"user_email"`
			Email     string       `json:"email"`
			UserName  string       `json:"user_name"`
			Name      string       `json:"name"`
			Action    string       `json:"action"`
		}
		if err := json.Unmarshal(item, &o); err != nil {
			return e, ccProblem("must be a user id, an email or an object with user_id or email")
		}
		idn := o.UserID
		if idn == nil {
			idn = o.ID
		}
		if idn != nil {
			id, err := idn.Int64()
			if err != nil || id <= 0 {
				return e, ccProblem("user_id is not a user id")
			}
			e.id = id
		}
		e.email = strings.TrimSpace(o.UserEmail + o.Email)
		e.name = strings.TrimSpace(o.UserName + o.Name)
		switch strings.ToLower(o.Action) {
		case "", "put":
		case "delete":
			e.remove = true
		default:
			return e, ccProblem("action must be put or delete")
		}
		if e.id == 0 && e.email == "" {
			return e, ccProblem("needs a user_id or an email")
		}
	}
	return e, nil
}

// resolve turns the entries into user ids: unknown emails become end-users
// (as Zendesk does for CCs); followers must be existing staff.
func (s *Server) resolveCCs(r *http.Request, in ccInput) (add, remove []int64, err error) {
	for _, e := range in.entries {
		id := e.id
		follower := e.key == "followers" || e.key == "follower_ids"
		if id == 0 {
			u, err := s.People.UserByEmail(r.Context(), e.email)
			switch {
			case err == nil:
				id = u.ID
			case !errs.Is(err, errs.KindNotFound):
				return nil, nil, err
			case e.remove:
				continue // removing an unknown address changes nothing
			case follower:
				return nil, nil, errs.Invalid(e.key, fmt.Sprintf("no agent has the email %s (followers must be agents)", e.email))
			default:
				name := e.name
				if name == "" {
					name, _, _ = strings.Cut(e.email, "@")
				}
				email, role := e.email, people.RoleEndUser
				p := PrincipalFrom(r.Context())
				u, err := s.People.CreateUser(r.Context(), p.Actor(clientIP(r)), people.UserInput{Name: &name, Email: &email, Role: &role})
				if errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid) {
					u, err = s.People.UserByEmail(r.Context(), email) // created meanwhile by a concurrent item
				}
				if err != nil {
					return nil, nil, err
				}
				id = u.ID
			}
		}
		if follower && !e.remove {
			u, err := s.People.GetUser(r.Context(), id)
			if errs.Is(err, errs.KindNotFound) {
				return nil, nil, errs.Invalid(e.key, fmt.Sprintf("user %d does not exist", id))
			}
			if err != nil {
				return nil, nil, err
			}
			if !u.IsStaff() {
				return nil, nil, errs.Invalid(e.key, fmt.Sprintf("user %d is not an agent (followers must be agents)", id))
			}
		}
		if e.remove {
			remove = append(remove, id)
		} else {
			add = append(add, id)
		}
	}
	return add, remove, nil
}

// applyCCsToUpdate folds resolved CC changes into an update.
func applyCCsToUpdate(in *ticket.UpdateInput, cur *ticket.Ticket, add, remove []int64) {
	if len(remove) == 0 {
		in.AdditionalCollaborators = append(in.AdditionalCollaborators, add...)
		return
	}
	base := cur.CollaboratorIDs
	if in.CollaboratorIDs != nil {
		base = *in.CollaboratorIDs
	}
	next := slices.Clone(base)
	next = append(next, in.AdditionalCollaborators...)
	next = append(next, add...)
	next = slices.DeleteFunc(next, func(id int64) bool { return slices.Contains(remove, id) })
	in.AdditionalCollaborators = nil
	in.CollaboratorIDs = &next
}

// --- documented ticket keys -------------------------------------------------------

// zendeskTicketKeys are the ticket keys of Zendesk's documentation that
// Frontline fills from its own model or answers with their "does not
// apply" value.
type zendeskTicketKeys struct {
	Fields               []ticket.CustomField `json:"fields"`
	FollowerIDs          []int64              `json:"follower_ids"`
	FollowupIDs          []int64              `json:"followup_ids"`
	SatisfactionRating   any                  `json:"satisfaction_rating"`
	TicketFormID         *int64               `json:"ticket_form_id"`
	GeneratedTimestamp   int64                `json:"generated_timestamp"`
	AllowChannelback     bool                 `json:"allow_channelback"`
	AllowAttachments     bool                 `json:"allow_attachments"`
	ForumTopicID         *int64               `json:"forum_topic_id"`
	SharingAgreementIDs  []int64              `json:"sharing_agreement_ids"`
	FromMessagingChannel bool                 `json:"from_messaging_channel"`
	CustomStatusID       *int64               `json:"custom_status_id"`
	EncodedID            string               `json:"encoded_id"`
}

// documentedKeys fills the Zendesk-only keys of a staff ticket view;
// staff says which CCs are agents (the followers).
func documentedKeys(t ticket.Ticket, staff map[int64]bool) zendeskTicketKeys {
	k := zendeskTicketKeys{
		Fields: t.CustomFields, FollowerIDs: []int64{}, FollowupIDs: []int64{}, SharingAgreementIDs: []int64{},
		GeneratedTimestamp: t.UpdatedAt.Unix(), AllowAttachments: true, EncodedID: strings.ToUpper(strconv.FormatInt(t.ID, 36)),
	}
	if k.Fields == nil {
		k.Fields = []ticket.CustomField{}
	}
	for _, id := range t.CollaboratorIDs {
		if staff[id] {
			k.FollowerIDs = append(k.FollowerIDs, id)
		}
	}
	return k
}

// staffAmong returns which of the users are agents or admins (one query).
func (s *Server) staffAmong(r *http.Request, ts []ticket.Ticket) map[int64]bool {
	var ids []int64
	for _, t := range ts {
		ids = append(ids, t.CollaboratorIDs...)
	}
	out := map[int64]bool{}
	if len(ids) == 0 || s.People == nil {
		return out
	}
	slices.Sort(ids)
	us, err := s.People.GetUsers(r.Context(), slices.Compact(ids))
	if err != nil {
		s.log.Error("ticket followers", "err", err) // the view then lists no followers
		return out
	}
	for _, u := range us {
		out[u.ID] = u.IsStaff()
	}
	return out
}

// --- GET /api/v2/tickets/{id}/collaborators ---------------------------------------

func (s *Server) apiTicketCollaborators(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	us, err := s.People.GetUsers(r.Context(), t.CollaboratorIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersView(r, us), "count": len(us), "next_page": nil, "previous_page": nil})
	return nil
}

// apiTicketFollowers and apiTicketEmailCCs list the followers (staff CCs)
// and all CCs.
func (s *Server) apiTicketCCsOf(staffOnly bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, _, err := s.visibleTicket(r)
		if err != nil {
			return err
		}
		us, err := s.People.GetUsers(r.Context(), t.CollaboratorIDs)
		if err != nil {
			return err
		}
		if staffOnly {
			us = slices.DeleteFunc(us, func(u people.User) bool { return !u.IsStaff() })
		}
		writeJSON(w, http.StatusOK, map[string]any{"users": s.usersView(r, us), "count": len(us), "next_page": nil, "previous_page": nil})
		return nil
	}
}

// apiTicketIncidents lists the incidents linked to a problem ticket.
func (s *Server) apiTicketIncidents(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	return s.listTickets(w, r, ticket.Filter{ProblemID: t.ID})
}

// apiCount answers Zendesk's {"count": {"value": n, "refreshed_at": ...}}.
func (s *Server) apiCount(count func(r *http.Request) (int, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n, err := count(r)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": s.DB.Clock.Now().UTC()}})
		return nil
	}
}
