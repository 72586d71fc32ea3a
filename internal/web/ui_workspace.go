package web

// The agent workspace beyond one ticket: a new ticket on behalf of a
// requester, merging, bulk edits from a view, delete and spam, the history
// in words, and the tickets recently opened in this browser.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

func (s *Server) registerWorkspaceUI() {
	s.handleNeeds("GET /agent/tickets/new", Staff, access.TicketsEdit, s.agentNewTicketPage)
	s.handleNeeds("POST /agent/tickets/new", Staff, access.TicketsEdit, s.agentNewTicket)
	s.handleNeeds("POST /agent/tickets/bulk", Staff, access.TicketsEdit, s.agentBulk)
	s.handleNeeds("POST /agent/tickets/{id}/merge", Staff, access.TicketsMerge, s.agentMerge)
	s.handleNeeds("POST /agent/tickets/{id}/ccs", Staff, access.TicketsEdit, s.agentCCs)
	s.handleNeeds("POST /agent/tickets/{id}/delete", Staff, access.TicketsDelete, s.agentDelete)
	s.handleNeeds("POST /agent/tickets/{id}/spam", Staff, access.TicketsDelete, s.agentSpam)
}

// --- new ticket on behalf of a requester ----------------------------------------

func (s *Server) agentNewTicketPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderNewTicket(w, r, http.StatusOK, map[string]string{"requester": r.URL.Query().Get("requester")}, "")
}

func (s *Server) renderNewTicket(w http.ResponseWriter, r *http.Request, status int, form map[string]string, problem string) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var found []people.User
	if q != "" {
		us, err := s.People.ListUsers(ctx, people.UserFilter{Query: q, Page: people.Page{Limit: 20}})
		if err != nil {
			return err
		}
		found = us
	}
	agents, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	groups, err := s.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	s.render(w, r, status, "agent_new.html", map[string]any{"Title": "New ticket", "Query": q, "Found": found, "Searched": q != "",
		"Form": form, "Error": problem, "Agents": agents, "Groups": groups, "Priorities": ticket.Priorities})
	return nil
}

// agentNewTicket opens a ticket for a requester chosen by search or typed
// as an email address (a new customer is created for an unknown address).
// The description is the agent's public comment; the requester is the
// customer.
func (s *Server) agentNewTicket(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	form := formValues(r, "requester", "requester_name", "subject", "body", "priority", "assignee_id", "group_id")
	fail := func(err error) error {
		return showProblem(err, func(status int, msg string) error { return s.renderNewTicket(w, r, status, form, msg) })
	}
	req := form["requester"]
	var requester *people.User
	var err error
	switch {
	case req == "":
		return fail(errs.Invalid("requester", "can't be blank: search for the customer or type their email"))
	case strings.Contains(req, "@"):
		requester, err = s.People.UserByEmail(ctx, req)
		if errs.Is(err, errs.KindNotFound) {
			name := form["requester_name"]
			if name == "" {
				name, _, _ = strings.Cut(req, "@")
			}
			role := people.RoleEndUser
			requester, err = s.People.CreateUser(ctx, p.Actor(clientIP(r)), people.UserInput{Name: &name, Email: &req, Role: &role})
		}
	default:
		id, perr := strconv.ParseInt(req, 10, 64)
		if perr != nil {
			return fail(errs.Invalid("requester", "must be an email address or a user chosen from the search"))
		}
		requester, err = s.People.GetUser(ctx, id)
	}
	if err != nil {
		return fail(err)
	}
	pub := true
	in := ticket.CreateInput{Subject: form["subject"], RequesterID: requester.ID, SubmitterID: p.UserID,
		Comment: ticket.CommentInput{Body: form["body"], Public: &pub, Markdown: true}}
	if v := form["priority"]; v != "" {
		in.Priority = &v
	}
	if in.AssigneeID, err = formID(r, "assignee_id"); err != nil {
		return fail(err)
	}
	if in.GroupID, err = formID(r, "group_id"); err != nil {
		return fail(err)
	}
	t, _, err := s.Tickets.Create(ctx, ticketActor(p), in)
	if err != nil {
		return fail(err)
	}
	seeOther(w, r, "/agent/tickets/"+strconv.FormatInt(t.ID, 10), fmt.Sprintf("Ticket #%d opened for %s.", t.ID, requester.Name))
	return nil
}

// --- merge, delete, spam ----------------------------------------------------------

func (s *Server) agentMerge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	into, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("into")), "#"), 10, 64)
	if err != nil || into <= 0 {
		return s.ticketProblem(w, r, id, errs.Invalid("into", "must be the number of the ticket to merge into"))
	}
	if _, err := s.Tickets.Merge(ctx, ticketActor(p), into, []int64{id}, "", "", false); err != nil {
		return s.ticketProblem(w, r, id, err)
	}
	seeOther(w, r, "/agent/tickets/"+strconv.FormatInt(into, 10), fmt.Sprintf("Ticket #%d merged into #%d and closed.", id, into))
	return nil
}

// agentCCs adds a CC (follower) by email — a new customer for an unknown
// address, as on the new-ticket page — or removes one (remove=user id).
// CCs get the ticket's public replies by email and follow it in the portal.
func (s *Server) agentCCs(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	t, err := s.pathTicket(r)
	if err != nil {
		return err
	}
	id := t.ID
	var in ticket.UpdateInput
	flash := ""
	if v := strings.TrimSpace(r.PostFormValue("remove")); v != "" {
		uid, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || !t.IsCollaborator(uid) {
			return s.ticketProblem(w, r, id, errs.Invalid("remove", "is not a CC of this ticket"))
		}
		rest := slices.DeleteFunc(slices.Clone(t.CollaboratorIDs), func(x int64) bool { return x == uid })
		in.CollaboratorIDs = &rest
		flash = "CC removed."
	} else {
		email := strings.TrimSpace(r.PostFormValue("add"))
		if !strings.Contains(email, "@") {
			return s.ticketProblem(w, r, id, errs.Invalid("add", "must be an email address"))
		}
		u, err := s.People.UserByEmail(ctx, email)
		if errs.Is(err, errs.KindNotFound) {
			name, _, _ := strings.Cut(email, "@")
			role := people.RoleEndUser
			u, err = s.People.CreateUser(ctx, p.Actor(clientIP(r)), people.UserInput{Name: &name, Email: &email, Role: &role})
		}
		if err != nil {
			return s.ticketProblem(w, r, id, err)
		}
		in.AdditionalCollaborators = []int64{u.ID}
		flash = u.Name + " is CC'd: they get the public replies."
	}
	if _, _, err := s.Tickets.Update(ctx, ticketActor(p), id, in); err != nil {
		return s.ticketProblem(w, r, id, err)
	}
	seeOther(w, r, "/agent/tickets/"+strconv.FormatInt(id, 10), flash)
	return nil
}

// pathTicket reads the ticket a route's {id} names.
func (s *Server) pathTicket(r *http.Request) (*ticket.Ticket, error) {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return nil, err
	}
	return s.Tickets.Get(r.Context(), id)
}

// ticketProblem shows a refused action on the ticket's page.
func (s *Server) ticketProblem(w http.ResponseWriter, r *http.Request, id int64, cause error) error {
	msg, status, ok := problemText(cause)
	if !ok {
		return cause
	}
	t, err := s.Tickets.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderAgentTicket(w, r, status, t, formOf(t), msg)
}

// confirmFirst renders a confirmation unless the form says confirm=yes.
func (s *Server) confirmFirst(w http.ResponseWriter, r *http.Request, title, question, yes, back string) bool {
	if r.PostFormValue("confirm") == "yes" {
		return false
	}
	s.render(w, r, http.StatusOK, "admin_confirm.html", map[string]any{"Title": title, "Question": question,
		"Action": r.URL.Path, "Yes": yes, "Back": back})
	return true
}

func (s *Server) agentDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	t, err := s.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	back := "/agent/tickets/" + strconv.FormatInt(id, 10)
	if s.confirmFirst(w, r, fmt.Sprintf("Delete ticket #%d?", id), fmt.Sprintf("“%s” and its conversation will be deleted.", t.Subject),
		"Delete ticket", back) {
		return nil
	}
	if err := s.Tickets.Delete(ctx, ticketActor(PrincipalFrom(ctx)), id); err != nil {
		return s.ticketProblem(w, r, id, err)
	}
	seeOther(w, r, "/agent/tickets", fmt.Sprintf("Ticket #%d deleted.", id))
	return nil
}

// agentSpam deletes the ticket and suspends its requester, so that their
// further mail and portal requests are refused. Staff are never suspended
// this way.
func (s *Server) agentSpam(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	t, err := s.pathTicket(r)
	if err != nil {
		return err
	}
	id := t.ID
	u, err := s.People.GetUser(ctx, t.RequesterID)
	if err != nil {
		return err
	}
	if people.IsStaff(u.Role) {
		return s.ticketProblem(w, r, id, errs.Invalid("requester", fmt.Sprintf("%s is staff: delete the ticket instead of marking it as spam", u.Name)))
	}
	back := "/agent/tickets/" + strconv.FormatInt(id, 10)
	if s.confirmFirst(w, r, fmt.Sprintf("Mark ticket #%d as spam?", id),
		fmt.Sprintf("The ticket is deleted and %s (%s) is suspended: their further requests are refused.", u.Name, u.Email),
		"Mark as spam", back) {
		return nil
	}
	if err := s.Tickets.Delete(ctx, ticketActor(p), id); err != nil {
		return s.ticketProblem(w, r, id, err)
	}
	yes := true
	if _, err := s.People.UpdateUser(ctx, p.Actor(clientIP(r)), u.ID, people.UserInput{Suspended: &yes}); err != nil {
		return err
	}
	seeOther(w, r, "/agent/tickets", fmt.Sprintf("Ticket #%d deleted as spam; %s suspended.", id, u.Name))
	return nil
}

// --- bulk edit -----------------------------------------------------------------------

// agentBulk applies one change to the tickets ticked in a view: assignee,
// status, tags added, and a macro, and says what changed.
func (s *Server) agentBulk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/agent/tickets") || strings.HasPrefix(back, "//") {
		back = "/agent/tickets"
	}
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errs.Invalid("ids", fmt.Sprintf("%q is not a ticket number", v))
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		seeOther(w, r, back, "No tickets ticked: nothing changed.")
		return nil
	}
	if len(ids) > 100 {
		return errs.Invalid("ids", "at most 100 tickets at once")
	}
	var base ticket.UpdateInput
	var said []string
	assignee, err := formID(r, "assignee_id")
	if err != nil {
		return err
	}
	if assignee != nil {
		base.AssigneeID = assignee
		if *assignee == 0 {
			said = append(said, "unassigned")
		} else {
			nm, err := s.userNames(ctx, []int64{*assignee})
			if err != nil {
				return err
			}
			said = append(said, "assigned to "+nm.Name(*assignee))
		}
	}
	if st := strings.TrimSpace(r.PostFormValue("status")); st != "" {
		base.Status = &st
		said = append(said, "status "+titleCase(st))
	}
	if tags := strings.Fields(strings.ReplaceAll(r.PostFormValue("add_tags"), ",", " ")); len(tags) > 0 {
		base.AdditionalTags = tags
		said = append(said, "tags +"+strings.Join(tags, " +"))
	}
	macro := strings.TrimSpace(r.PostFormValue("macro"))
	if len(said) == 0 && macro == "" {
		seeOther(w, r, back, "No change chosen: nothing changed.")
		return nil
	}
	var failed []string
	done, macroTitle := 0, ""
	for _, id := range ids {
		in := base
		if macro != "" {
			t, err := s.Tickets.Get(ctx, id)
			if err != nil {
				failed = append(failed, fmt.Sprintf("#%d: %s", id, problemMessage(err)))
				continue
			}
			f, err := s.applyMacro(r, t, formOf(t), macro)
			if err != nil {
				failed = append(failed, fmt.Sprintf("#%d: %s", id, problemMessage(err)))
				continue
			}
			macroTitle = f.MacroTitle
			in = macroUpdate(f, base)
		}
		if _, _, err := s.Tickets.Update(ctx, ticketActor(p), id, in); err != nil {
			failed = append(failed, fmt.Sprintf("#%d: %s", id, problemMessage(err)))
			continue
		}
		done++
	}
	if macroTitle != "" {
		said = append(said, "macro “"+macroTitle+"” applied")
	}
	msg := fmt.Sprintf("%s of %d updated: %s.", plural(int64(done), "ticket", "tickets"), len(ids), strings.Join(said, "; "))
	if len(failed) > 0 {
		msg += " Not changed: " + strings.Join(failed, "; ") + "."
	}
	seeOther(w, r, back, msg)
	return nil
}

// macroUpdate turns a macro's prefilled form into an update (only what the
// macro changed), with the bulk form's own choices on top.
func macroUpdate(f ticketForm, bulk ticket.UpdateInput) ticket.UpdateInput {
	in := bulk
	m, b := f.ticketProps, f.Base
	if m.Status != b.Status && in.Status == nil {
		in.Status = &m.Status
	}
	if m.Priority != b.Priority {
		in.Priority = &m.Priority
	}
	if m.Type != b.Type {
		in.Type = &m.Type
	}
	if m.AssigneeID != b.AssigneeID && in.AssigneeID == nil {
		in.AssigneeID = &m.AssigneeID
	}
	if m.GroupID != b.GroupID {
		in.GroupID = &m.GroupID
	}
	if m.Tags != b.Tags {
		tags := append(strings.Fields(m.Tags), bulk.AdditionalTags...)
		in.Tags, in.AdditionalTags = &tags, nil
	}
	if strings.TrimSpace(f.Body) != "" {
		pub := !f.Internal
		in.Comment = &ticket.CommentInput{Body: f.Body, Public: &pub, Markdown: true}
	}
	return in
}

func problemMessage(err error) string {
	if msg, _, ok := problemText(err); ok {
		return msg
	}
	return "failed"
}

func titleCase(s string) string {
	if s == "" {
		return "none"
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// --- history in words ----------------------------------------------------------------

// historyItem is one audit of a ticket told in words.
type historyItem struct {
	Audit ticket.Audit
	Who   string
	Said  string
}

func eventID(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func listOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case string:
		return strings.Fields(x)
	}
	return nil
}

// historyIDs are the users named by the audits' events (assignees,
// requesters).
func historyIDs(audits []ticket.Audit) []int64 {
	var ids []int64
	for _, a := range audits {
		ids = append(ids, a.AuthorID)
		for _, e := range a.Events {
			switch e.FieldName {
			case "assignee_id", "requester_id", "submitter_id":
				ids = append(ids, eventID(e.Value), eventID(e.PreviousValue))
			}
		}
	}
	return ids
}

// historyWords tells each audit as one sentence: "assigned to Alex;
// priority High -> Urgent; added a public reply".
func historyWords(audits []ticket.Audit, nm names, groups map[int64]string) []historyItem {
	out := make([]historyItem, 0, len(audits))
	for _, a := range audits {
		var parts []string
		created := false
		for _, e := range a.Events {
			if e.Type == ticket.EventComment {
				if e.Public {
					parts = append(parts, "added a public reply")
				} else {
					parts = append(parts, "added an internal note")
				}
				continue
			}
			if e.Type == ticket.EventCreate && !created {
				created = true
				parts = append(parts, "opened the ticket")
			}
			if w := eventWords(e, nm, groups); w != "" {
				parts = append(parts, w)
			}
		}
		out = append(out, historyItem{Audit: a, Who: nm.Name(a.AuthorID), Said: strings.Join(parts, "; ")})
	}
	return out
}

func eventWords(e ticket.Event, nm names, groups map[int64]string) string {
	person := func(v any) string {
		if id := eventID(v); id > 0 {
			return nm.Name(id)
		}
		return "nobody"
	}
	group := func(v any) string {
		if id := eventID(v); id > 0 {
			if g, ok := groups[id]; ok {
				return g
			}
			return "group " + strconv.FormatInt(id, 10)
		}
		return "none"
	}
	create := e.Type == ticket.EventCreate
	switch e.FieldName {
	case "subject", "description", "comment":
		if create {
			return ""
		}
		return e.FieldName + " changed"
	case "assignee_id":
		if eventID(e.Value) == 0 {
			if create {
				return ""
			}
			return "unassigned (was " + person(e.PreviousValue) + ")"
		}
		if create || eventID(e.PreviousValue) == 0 {
			return "assigned to " + person(e.Value)
		}
		return "assigned to " + person(e.Value) + " (was " + person(e.PreviousValue) + ")"
	case "requester_id", "submitter_id":
		field := strings.TrimSuffix(e.FieldName, "_id")
		if create {
			return field + " " + person(e.Value)
		}
		return field + " " + person(e.PreviousValue) + " → " + person(e.Value)
	case "group_id":
		if create {
			if eventID(e.Value) == 0 {
				return ""
			}
			return "group " + group(e.Value)
		}
		return "group " + group(e.PreviousValue) + " → " + group(e.Value)
	case "tags":
		now, was := listOf(e.Value), listOf(e.PreviousValue)
		var diff []string
		for _, t := range now {
			if !slices.Contains(was, t) {
				diff = append(diff, "+"+t)
			}
		}
		for _, t := range was {
			if !slices.Contains(now, t) {
				diff = append(diff, "-"+t)
			}
		}
		if len(diff) == 0 {
			return ""
		}
		return "tags " + strings.Join(diff, " ")
	case "status", "priority", "type":
		if create {
			if eventValue(e.Value) == "—" {
				return ""
			}
			return e.FieldName + " " + titleCase(fmt.Sprint(e.Value))
		}
		return e.FieldName + " " + titleCase(strings.Trim(eventValue(e.PreviousValue), "—")) + " → " + titleCase(strings.Trim(eventValue(e.Value), "—"))
	}
	if create {
		if eventValue(e.Value) == "—" {
			return ""
		}
		return strings.ReplaceAll(e.FieldName, "_", " ") + " " + eventValue(e.Value)
	}
	return strings.ReplaceAll(e.FieldName, "_", " ") + " " + eventValue(e.PreviousValue) + " → " + eventValue(e.Value)
}

// --- recently opened tickets ------------------------------------------------------

const recentCookie = "fl_recent"

// recentTickets records id as the latest ticket opened in this browser and
// returns the others, most recent first (at most 8).
func (s *Server) recentTickets(w http.ResponseWriter, r *http.Request, id int64) ([]ticket.Ticket, error) {
	var ids []int64
	if c, err := r.Cookie(recentCookie); err == nil {
		for _, f := range strings.Split(c.Value, ".") {
			if n, err := strconv.ParseInt(f, 10, 64); err == nil && n > 0 && n != id && !slices.Contains(ids, n) && len(ids) < 8 {
				ids = append(ids, n)
			}
		}
	}
	if id > 0 {
		parts := []string{strconv.FormatInt(id, 10)}
		for _, n := range ids {
			parts = append(parts, strconv.FormatInt(n, 10))
		}
		http.SetCookie(w, &http.Cookie{Name: recentCookie, Value: strings.Join(parts, "."), Path: "/agent", MaxAge: 7 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ts, err := s.Tickets.GetMany(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]ticket.Ticket{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	var out []ticket.Ticket
	for _, n := range ids {
		if t, ok := byID[n]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// groupNames maps group ids to names.
func (s *Server) groupNames(ctx context.Context) (map[int64]string, error) {
	gs, err := s.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(gs))
	for _, g := range gs {
		out[g.ID] = g.Name
	}
	return out, nil
}
