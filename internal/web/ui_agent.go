package web

// Agent workspace: sidebar of views with counts, sortable ticket list,
// ticket page with conversation, reply / internal note (Markdown), macros,
// properties, requester and organization panel, SLA badges and history.

import (
	"context"
	"fmt"
	"github.com/frontline/frontline/internal/access"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/tags"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

func (s *Server) registerAgentUI() {
	s.handle("GET /agent", Staff, func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/agent/tickets", http.StatusSeeOther)
		return nil
	})
	s.handle("GET /agent/tickets", Staff, s.agentTickets)
	s.handle("GET /agent/tickets/{id}", Staff, s.agentTicket)
	s.handle("POST /agent/tickets/{id}", Staff, s.agentUpdate)
}

// sidebarEntry is a view with its ticket count.
type sidebarEntry struct {
	TicketView
	Count  int
	Active bool
}

func (s *Server) viewSidebar(ctx context.Context, viewerID int64, active string) ([]sidebarEntry, error) {
	var out []sidebarEntry
	for _, v := range builtinViews() {
		n, err := s.Tickets.Count(ctx, v.filter(viewerID))
		if err != nil {
			return nil, err
		}
		out = append(out, sidebarEntry{TicketView: v.TicketView, Count: n, Active: v.Key == active})
	}
	if s.Views != nil {
		vs, err := s.Views.TicketViews(ctx, viewerID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if slices.ContainsFunc(out, func(e sidebarEntry) bool { return e.Title == v.Title }) {
				continue
			}
			n, err := s.Views.ViewCount(ctx, viewerID, v.Key)
			if err != nil {
				return nil, err
			}
			out = append(out, sidebarEntry{TicketView: v, Count: n, Active: v.Key == active})
		}
	}
	return out, nil
}

// sortOptions are the list's sortable columns: key, label, default direction desc.
var sortOptions = []struct {
	Key, Label string
}{
	{"updated_at", "Updated"},
	{"priority", "Priority"},
	{"created_at", "Created"},
	{"status", "Status"},
	{"id", "ID"},
}

func (s *Server) agentTickets(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	ctx := r.Context()
	q := r.URL.Query()
	key := q.Get("view")
	if key == "" {
		key = "unsolved"
	}
	sortBy := q.Get("sort")
	if sortBy == "" {
		sortBy = "updated_at"
	}
	slaSort := sortBy == "sla_due" && s.Rules != nil
	if !slaSort && !slices.Contains(ticket.SortKeys(), sortBy) {
		return errs.BadRequest("sort must be one of %s", strings.Join(ticket.SortKeys(), ", "))
	}
	desc := q.Get("dir") != "asc"
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	side, err := s.viewSidebar(ctx, p.UserID, key)
	if err != nil {
		return err
	}
	var title string
	var total int
	var list []ticket.Ticket
	vq := ViewQuery{SortBy: sortBy, Desc: desc, Offset: (page - 1) * uiPerPage, Limit: uiPerPage}
	if i := slices.IndexFunc(builtinViews(), func(v builtinView) bool { return v.Key == key }); i >= 0 {
		v := builtinViews()[i]
		title = v.Title
		f := v.filter(p.UserID)
		if total, err = s.Tickets.Count(ctx, f); err != nil {
			return err
		}
		if slaSort {
			// The rules module runs the same view as SQL sorted by the next
			// SLA breach (soonest first; tickets without one last).
			order := "asc"
			if q.Get("dir") == "desc" {
				order = "desc"
			}
			rv := rules.View{Title: v.Title, Active: true, Conditions: v.conds,
				Execution: rules.Execution{SortBy: "sla_next_breach_at", SortOrder: order}}
			if list, _, err = s.Rules.ViewTickets(ctx, rv, p.UserID, rulestore.ViewPage{Offset: vq.Offset, Limit: vq.Limit}); err != nil {
				return err
			}
		} else {
			f.SortBy, f.Desc, f.Offset, f.Limit = vq.SortBy, vq.Desc, vq.Offset, vq.Limit
			if list, err = s.Tickets.List(ctx, f); err != nil {
				return err
			}
		}
	} else {
		j := slices.IndexFunc(side, func(e sidebarEntry) bool { return e.Key == key })
		if j < 0 || s.Views == nil {
			return errs.NotFound("view")
		}
		title, total = side[j].Title, side[j].Count
		if list, err = s.Views.ViewTickets(ctx, p.UserID, key, vq); err != nil {
			return err
		}
	}
	var ids, people []int64
	for _, t := range list {
		ids = append(ids, t.ID)
		people = append(people, t.RequesterID)
		if t.AssigneeID != nil {
			people = append(people, *t.AssigneeID)
		}
	}
	nm, err := s.userNames(ctx, people)
	if err != nil {
		return err
	}
	badges, err := s.slaBadges(ctx, ids)
	if err != nil {
		return err
	}
	type col struct {
		Key, Label, URL, Sort string // Sort: ascending, descending or ""
	}
	var cols []col
	for _, o := range sortOptions {
		c := col{Key: o.Key, Label: o.Label}
		nq := r.URL.Query()
		nq.Set("sort", o.Key)
		nq.Del("page")
		nq.Del("dir")
		if o.Key == sortBy {
			if desc {
				c.Sort = "descending"
				nq.Set("dir", "asc")
			} else {
				c.Sort = "ascending"
			}
		}
		c.URL = "/agent/tickets?" + nq.Encode()
		cols = append(cols, c)
	}
	slaCol := col{Key: "sla_due", Label: "SLA"}
	if s.Rules != nil {
		nq := r.URL.Query()
		nq.Set("sort", "sla_due")
		nq.Del("page")
		nq.Del("dir")
		if slaSort {
			if q.Get("dir") == "desc" {
				slaCol.Sort = "descending"
			} else {
				slaCol.Sort = "ascending"
				nq.Set("dir", "desc")
			}
		}
		slaCol.URL = "/agent/tickets?" + nq.Encode()
	}
	agents, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	macros, err := s.macrosFor(ctx, PrincipalFrom(ctx))
	if err != nil {
		return err
	}
	canCreate, err := s.may(r, access.TicketsEdit) // the "New ticket" page's permission
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "agent_tickets.html", map[string]any{
		"CanCreate": canCreate, "SLACol": slaCol, "Agents": agents, "Macros": macros, "Statuses": ticket.Statuses, "Back": r.URL.RequestURI(),
		"Title": title, "Sidebar": side, "View": key, "Tickets": list, "Names": nm, "SLA": badges,
		"Cols": cols, "Pager": newPager(r, page, total), "Flash": flashOf(w, r), "Wide": true, "Query": "", "CanSearch": s.Search != nil,
	})
	return nil
}

func (s *Server) slaBadges(ctx context.Context, ids []int64) (map[int64][]SLABadge, error) {
	if s.SLA == nil || len(ids) == 0 {
		return map[int64][]SLABadge{}, nil
	}
	return s.SLA.SLABadges(ctx, ids)
}

// ticketForm is the state of the agent's update form.
// ticketProps are the ticket properties the agent form edits.
type ticketProps struct {
	Status     string
	Priority   string
	Type       string
	AssigneeID int64
	GroupID    int64
	Tags       string
}

func propsOf(t *ticket.Ticket) ticketProps {
	p := ticketProps{Status: t.Status, Tags: strings.Join(t.Tags, " ")}
	if t.Priority != nil {
		p.Priority = *t.Priority
	}
	if t.Type != nil {
		p.Type = *t.Type
	}
	if t.AssigneeID != nil {
		p.AssigneeID = *t.AssigneeID
	}
	if t.GroupID != nil {
		p.GroupID = *t.GroupID
	}
	return p
}

// ticketForm is the agent's update form: the properties as shown, the
// properties the form was rendered against (Base, sent back as orig_*
// fields), the reply being written and the ticket's stamp.
type ticketForm struct {
	ticketProps
	// Base is what the properties were when the form was rendered. A
	// submit changes only the fields that differ from it, so a form left
	// open never reverts another agent's change to a field this agent
	// did not touch.
	Base       ticketProps
	Body       string
	Internal   bool
	Stamp      string // the ticket's updated_at when the form was rendered (safe update)
	MacroTitle string
	// Uploads are files already stored for this reply (kept across a
	// refused submit so the agent need not attach them again).
	Uploads []ticket.Attachment
	// Unsaved lists, after a conflict, the property changes of this
	// agent that were not applied ("priority: urgent").
	Unsaved []string
}

func formOf(t *ticket.Ticket) ticketForm {
	p := propsOf(t)
	return ticketForm{ticketProps: p, Base: p, Stamp: t.UpdatedAt.UTC().Format(time.RFC3339Nano)}
}

func (s *Server) agentTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	t, err := s.Tickets.Get(r.Context(), id)
	if err != nil {
		return err
	}
	f := formOf(t)
	problem := ""
	if m := r.URL.Query().Get("macro"); m != "" {
		if f, err = s.applyMacro(r, t, f, m); err != nil {
			var ok bool
			if problem, _, ok = problemText(err); !ok {
				return err
			}
		}
	}
	return s.renderAgentTicket(w, r, http.StatusOK, t, f, problem)
}

func (s *Server) renderAgentTicket(w http.ResponseWriter, r *http.Request, status int, t *ticket.Ticket, f ticketForm, problem string) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	comments, err := s.Tickets.Comments(ctx, t.ID, ticket.Page{Limit: 1000})
	if err != nil {
		return err
	}
	audits, err := s.Tickets.Audits(ctx, t.ID, ticket.Page{Desc: true, Limit: 100})
	if err != nil {
		return err
	}
	ids := []int64{t.RequesterID, t.SubmitterID}
	if t.AssigneeID != nil {
		ids = append(ids, *t.AssigneeID)
	}
	for _, c := range comments {
		ids = append(ids, c.AuthorID)
	}
	ids = append(ids, historyIDs(audits)...)
	ids = append(ids, t.CollaboratorIDs...)
	var org *people.Organization
	if t.OrganizationID != nil {
		if org, err = s.People.GetOrganization(ctx, *t.OrganizationID); err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		if org != nil && org.ASEUserID != nil {
			ids = append(ids, *org.ASEUserID)
		}
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return err
	}
	requester := nm[t.RequesterID]
	recent, err := s.Tickets.List(ctx, ticket.Filter{RequesterID: t.RequesterID, SortBy: "updated_at", Desc: true, Limit: 6})
	if err != nil {
		return err
	}
	recent = slices.DeleteFunc(recent, func(x ticket.Ticket) bool { return x.ID == t.ID })
	agents, err := s.staffUsers(ctx)
	if err != nil {
		return err
	}
	groups, err := s.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	macros, err := s.macrosFor(ctx, p)
	if err != nil {
		return err
	}
	badges, err := s.slaBadges(ctx, []int64{t.ID})
	if err != nil {
		return err
	}
	var slaView *sla.View
	if s.SLAService != nil {
		if slaView, err = s.SLAService.View(ctx, t.ID); err != nil {
			return err
		}
	}
	gnames, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	opened, err := s.recentTickets(w, r, t.ID) // ui_workspace.go
	if err != nil {
		return err
	}
	var rating *satisfaction.Rating
	if s.Satisfaction != nil {
		if rating, err = s.Satisfaction.ForTicket(ctx, t.ID); err != nil {
			return err
		}
	}
	fields, others, err := s.ticketFieldViews(ctx, t)
	if err != nil {
		return err
	}
	canEdit, err := s.may(r, access.TicketsEdit)
	if err != nil {
		return err
	}
	s.render(w, r, status, "agent_ticket.html", map[string]any{
		"CanEditCCs": canEdit && t.Status != ticket.StatusClosed, "Fields": fields, "OtherFields": others,
		"Title": fmt.Sprintf("#%d %s", t.ID, t.Subject), "Ticket": t, "Comments": comments, "Audits": audits,
		"Names": nm, "Requester": requester, "Org": org, "Recent": recent, "Agents": agents, "Groups": groups,
		"Macros": macros, "SLA": badges[t.ID], "Form": f, "Error": problem, "Flash": flashOf(w, r),
		"Statuses": ticket.Statuses, "Priorities": ticket.Priorities, "Types": ticket.Types,
		"Closed": t.Status == ticket.StatusClosed, "Rating": rating, "Wide": true, "SLAView": slaView,
		"SubmitAs": submitAsButtons(), "RelayOn": s.relayConfigured(),
		"History": historyWords(audits, nm, gnames), "Opened": opened,
	})
	return nil
}

func (s *Server) staffUsers(ctx context.Context) ([]people.User, error) {
	var out []people.User
	for _, role := range []string{people.RoleAgent, people.RoleAdmin} {
		us, err := s.People.ListUsers(ctx, people.UserFilter{Role: role, Page: people.Page{Limit: 1000}})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if u.Active && !u.Suspended {
				out = append(out, u)
			}
		}
	}
	slices.SortFunc(out, func(a, b people.User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// macrosFor lists the active macros the agent may use.
func (s *Server) macrosFor(ctx context.Context, p *auth.Principal) ([]rules.Macro, error) {
	if s.Macros == nil {
		return nil, nil
	}
	all, err := s.Macros.ListMacros(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := s.People.ListGroupMemberships(ctx, people.MembershipFilter{UserID: p.UserID, Page: people.Page{Limit: 1000}})
	if err != nil {
		return nil, err
	}
	var groups []int64
	for _, m := range ms {
		groups = append(groups, m.OtherID)
	}
	var out []rules.Macro
	for _, m := range all {
		if m.Active && rules.MacroAvailable(m, p.UserID, groups) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b rules.Macro) int { return a.Position - b.Position })
	return out, nil
}

// rulesTicket is the snapshot rules evaluate for t.
func rulesTicket(t *ticket.Ticket, org *people.Organization) rules.Ticket {
	rt := rules.Ticket{
		ID: t.ID, Subject: t.Subject, Description: t.Description, Status: t.Status,
		Priority: deref(t.Priority), Type: deref(t.Type), GroupID: derefID(t.GroupID), AssigneeID: derefID(t.AssigneeID),
		RequesterID: t.RequesterID, SubmitterID: t.SubmitterID, OrganizationID: derefID(t.OrganizationID),
		Tags: slices.Clone(t.Tags), Channel: t.Via.Channel, CustomFields: map[int64]string{},
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
	if t.SolvedAt != nil {
		rt.SolvedAt = *t.SolvedAt
	}
	if t.DueAt != nil {
		rt.DueAt = *t.DueAt
	}
	if org != nil {
		rt.OrgPlan, rt.OrgTier = org.SupportPlan, org.Tier
	}
	for _, f := range t.CustomFields {
		if f.Value != nil {
			rt.CustomFields[f.ID] = eventValue(f.Value)
		}
	}
	return rt
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// applyMacro previews macro idText on t and returns the form prefilled with
// its changes and comment; nothing is saved until the agent submits.
func (s *Server) applyMacro(r *http.Request, t *ticket.Ticket, f ticketForm, idText string) (ticketForm, error) {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	mid, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return f, errs.Invalid("macro", "is not a valid macro id")
	}
	macros, err := s.macrosFor(ctx, p)
	if err != nil {
		return f, err
	}
	i := slices.IndexFunc(macros, func(m rules.Macro) bool { return m.ID == mid })
	if i < 0 {
		return f, errs.Invalid("macro", "is not available to you")
	}
	m := macros[i]
	var org *people.Organization
	if t.OrganizationID != nil {
		if org, err = s.People.GetOrganization(ctx, *t.OrganizationID); err != nil {
			return f, err
		}
	}
	ids := []int64{t.RequesterID, p.UserID}
	if t.AssigneeID != nil {
		ids = append(ids, *t.AssigneeID)
	}
	for _, a := range m.Actions {
		if a.Field == "assignee_id" {
			if n, err := strconv.ParseInt(fmt.Sprint(a.Value), 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
	}
	nm, err := s.userNames(ctx, ids)
	if err != nil {
		return f, err
	}
	data := rules.PlaceholderData{Users: map[int64]rules.Person{}, AccountName: "Frontline",
		TicketURL: s.baseURL(r) + "/portal/tickets/" + strconv.FormatInt(t.ID, 10)}
	for id, u := range nm {
		data.Users[id] = rules.Person{Name: u.Name, Email: u.Email}
	}
	if org != nil {
		data.Organizations = map[int64]string{org.ID: org.Name}
	}
	res, err := rules.ApplyMacro(m, rulesTicket(t, org), rules.Actor{ID: p.UserID, Role: p.Role}, data)
	if err != nil {
		return f, err
	}
	f.Status, f.Priority, f.Type = res.Ticket.Status, res.Ticket.Priority, res.Ticket.Type
	f.AssigneeID, f.GroupID = res.Ticket.AssigneeID, res.Ticket.GroupID
	f.Tags = strings.Join(res.Ticket.Tags, " ")
	if c, ok := res.Comment(); ok {
		f.Body = c.Body
		f.Internal = !c.Public
	}
	f.MacroTitle = m.Title
	return f, nil
}

// agentUpdate applies the update form: comment (public reply or internal
// note, Markdown, attachments) and properties, as one audited change. Only
// the properties the agent changed from those the form was rendered with
// are sent. The form carries the ticket's updated_at; if someone else
// changed the ticket meanwhile the change is refused and the page shows
// the ticket as it is now, keeping the reply being written.
func (s *Server) agentUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	cur, err := s.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	f := ticketForm{
		Body: r.PostFormValue("body"), Internal: r.PostFormValue("mode") == "internal",
		Stamp: r.PostFormValue("updated_stamp"),
	}
	in, err := s.agentInput(r, &f)
	if err == nil && in.Status != nil {
		merged := slices.Clone(cur.CustomFields)
		for _, c := range in.CustomFields {
			merged = slices.DeleteFunc(merged, func(x ticket.CustomField) bool { return x.ID == c.ID })
			merged = append(merged, c)
		}
		err = s.requiredTicketFields(ctx, merged, in.Status)
	}
	if err == nil {
		_, _, err = s.Tickets.Update(ctx, ticketActor(p), id, in)
	}
	if err != nil {
		msg, status, ok := problemText(err)
		if !ok {
			return err
		}
		if errs.Is(err, errs.KindConflict) {
			if cur, err = s.Tickets.Get(ctx, id); err != nil {
				return err
			}
			f = conflictForm(cur, f)
			msg = "Someone else updated this ticket while you were working on it. The properties now show their change; your reply is kept. Submit again to send it."
			if len(f.Unsaved) > 0 {
				msg += " Your property changes were not saved: " + strings.Join(f.Unsaved, "; ") + "."
			}
		}
		return s.renderAgentTicket(w, r, status, cur, f, msg)
	}
	s.ui.live.clearReplying(id, p.UserID)
	flash := "Ticket updated."
	if strings.TrimSpace(f.Body) != "" {
		flash = "Public reply added and emailed to the requester."
		if !s.relayConfigured() {
			flash = "Public reply added. No outbound mail relay is configured, so it was not emailed: the requester sees it in the portal."
		}
		if f.Internal {
			flash = "Internal note added."
		}
	}
	if r.PostFormValue("next") == "list" {
		seeOther(w, r, "/agent/tickets", fmt.Sprintf("Ticket #%d updated.", id))
		return nil
	}
	seeOther(w, r, "/agent/tickets/"+strconv.FormatInt(id, 10), flash)
	return nil
}

// conflictForm is the form shown after a refused stale submit: the
// ticket's current properties and stamp, the agent's reply and uploads
// kept, and the property changes the agent had made listed as unsaved.
func conflictForm(cur *ticket.Ticket, sent ticketForm) ticketForm {
	f := formOf(cur)
	f.Body, f.Internal, f.Uploads = sent.Body, sent.Internal, sent.Uploads
	mine, base := sent.ticketProps, sent.Base
	note := func(field, v string) {
		if v == "" {
			v = "none"
		}
		f.Unsaved = append(f.Unsaved, field+": "+v)
	}
	if mine.Status != base.Status {
		note("status", mine.Status)
	}
	if mine.Priority != base.Priority {
		note("priority", mine.Priority)
	}
	if mine.Type != base.Type {
		note("type", mine.Type)
	}
	if mine.AssigneeID != base.AssigneeID {
		note("assignee", idText(mine.AssigneeID))
	}
	if mine.GroupID != base.GroupID {
		note("group", idText(mine.GroupID))
	}
	if !slices.Equal(splitTags(mine.Tags), splitTags(base.Tags)) {
		note("tags", mine.Tags)
	}
	return f
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

// splitTags reads the tags field (separated by spaces, commas or lines)
// into normalised tags.
func splitTags(v string) []string {
	return tags.Normalize(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }))
}

// postField returns a form field's value and whether the form had it.
func postField(r *http.Request, name string) (string, bool) {
	v := r.PostFormValue(name)
	_, ok := r.PostForm[name]
	return v, ok
}

// agentInput reads the form's properties into f and turns what the agent
// changed into an update. A property is sent only when the form has it and
// it differs from its orig_ field (the value the form was rendered with);
// a form without orig_ fields sends every property it has. Tags are sent
// as additions and removals, so tags another agent added meanwhile stay.
// submitAsStatuses are the statuses an agent submits a ticket as.
var submitAsStatuses = []string{ticket.StatusOpen, ticket.StatusPending, ticket.StatusHold, ticket.StatusSolved}

// submitAsButtons are the composer's "Submit as" buttons.
func submitAsButtons() []struct{ Value, Label string } {
	labels := map[string]string{ticket.StatusOpen: "Open", ticket.StatusPending: "Pending", ticket.StatusHold: "On-hold", ticket.StatusSolved: "Solved"}
	var out []struct{ Value, Label string }
	for _, st := range submitAsStatuses {
		out = append(out, struct{ Value, Label string }{st, labels[st]})
	}
	return out
}

// relayConfigured reports whether public replies leave as email (an
// outbound relay is configured).
func (s *Server) relayConfigured() bool { return s.Email != nil && s.Email.RelayHost != "" }

func (s *Server) agentInput(r *http.Request, f *ticketForm) (ticket.UpdateInput, error) {
	p := PrincipalFrom(r.Context())
	var in ticket.UpdateInput
	var v errs.Validation
	// field reads name and its orig_ twin into *cur and *base; it reports
	// whether the agent changed it.
	field := func(name string, cur, base *string) bool {
		val, ok := postField(r, name)
		orig, hasOrig := postField(r, "orig_"+name)
		*cur, *base = strings.TrimSpace(val), strings.TrimSpace(orig)
		if !hasOrig {
			*base = *cur
		}
		return ok && (!hasOrig || *cur != *base)
	}
	idField := func(name string, cur, base *int64) *int64 {
		val, ok := postField(r, name)
		orig, hasOrig := postField(r, "orig_"+name)
		c, err1 := parseFormID(strings.TrimSpace(val))
		b, err2 := parseFormID(strings.TrimSpace(orig))
		if err1 != nil || err2 != nil {
			v.Add(name, "is not a valid id")
			return nil
		}
		if !hasOrig {
			b = c
		}
		*cur, *base = c, b
		if !ok || (hasOrig && c == b) {
			return nil
		}
		return &c
	}
	if field("status", &f.Status, &f.Base.Status) && f.Status != "" {
		in.Status = &f.Status
	}
	// Submit as <status> (Zendesk's split submit button) sets the status
	// with the reply, so a public reply does not leave a new ticket "new".
	if sa, ok := postField(r, "submit_as"); ok && sa != "" {
		if !slices.Contains(submitAsStatuses, sa) {
			v.Add("submit_as", "must be one of "+strings.Join(submitAsStatuses, ", "))
		} else {
			f.Status = sa
			in.Status = &f.Status
		}
	}
	if field("priority", &f.Priority, &f.Base.Priority) {
		in.Priority = &f.Priority
	}
	if field("type", &f.Type, &f.Base.Type) {
		in.Type = &f.Type
	}
	in.AssigneeID = idField("assignee_id", &f.AssigneeID, &f.Base.AssigneeID)
	in.GroupID = idField("group_id", &f.GroupID, &f.Base.GroupID)
	if field("tags", &f.Tags, &f.Base.Tags) {
		now := splitTags(f.Tags)
		if _, hasOrig := postField(r, "orig_tags"); !hasOrig {
			in.Tags = &now
		} else {
			was := splitTags(f.Base.Tags)
			for _, t := range now {
				if !slices.Contains(was, t) {
					in.AdditionalTags = append(in.AdditionalTags, t)
				}
			}
			for _, t := range was {
				if !slices.Contains(now, t) {
					in.RemoveTags = append(in.RemoveTags, t)
				}
			}
		}
	}
	if err := s.formCustomFields(r, &in); err != nil {
		return in, err
	}
	if f.Stamp != "" {
		ts, err := time.Parse(time.RFC3339Nano, f.Stamp)
		if err != nil {
			v.Add("updated_stamp", "is not a valid time")
		} else {
			in.SafeUpdate, in.UpdatedStamp = true, &ts
		}
	}
	if err := v.Err(); err != nil {
		return in, err
	}
	kept, err := s.keptUploads(r)
	if err != nil {
		return in, err
	}
	saved, err := s.saveUploadFiles(r, ticketActor(p))
	if err != nil {
		return in, err
	}
	f.Uploads = append(kept, saved...)
	uploads := make([]string, len(f.Uploads))
	for i, a := range f.Uploads {
		uploads[i] = a.Token
	}
	if strings.TrimSpace(f.Body) != "" || len(uploads) > 0 {
		public := !f.Internal
		in.Comment = &ticket.CommentInput{Body: f.Body, Markdown: true, Public: &public, Uploads: uploads, Via: &ticket.Via{Channel: ticket.ChannelWeb}}
	}
	in.Via = &ticket.Via{Channel: ticket.ChannelWeb}
	return in, nil
}

// parseFormID reads an id field's value; empty is 0 (none).
func parseFormID(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, errs.Invalid("id", "is not a valid id")
	}
	return id, nil
}

// keptUploads returns the files of an earlier, refused submit of this
// reply (upload_token fields): uploads of the agent not yet attached.
func (s *Server) keptUploads(r *http.Request) ([]ticket.Attachment, error) {
	actor := ticketActor(PrincipalFrom(r.Context()))
	var out []ticket.Attachment
	for _, tok := range r.PostForm["upload_token"] {
		a, err := s.Tickets.PendingUpload(r.Context(), actor, strings.TrimSpace(tok))
		if errs.Is(err, errs.KindNotFound) {
			return nil, errs.Invalid("attachments", "an attachment kept from your earlier submit is gone; attach it again")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// saveUploads stores the files of a multipart form's "attachments" field
// and returns their upload tokens.
func (s *Server) saveUploads(r *http.Request, actor ticket.Actor) ([]string, error) {
	as, err := s.saveUploadFiles(r, actor)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Token
	}
	return out, nil
}

// saveUploadFiles stores the files of a multipart form's "attachments"
// field and returns them, each with its upload token.
func (s *Server) saveUploadFiles(r *http.Request, actor ticket.Actor) ([]ticket.Attachment, error) {
	if r.MultipartForm == nil || r.MultipartForm.File == nil {
		return nil, nil
	}
	var out []ticket.Attachment
	for _, fh := range r.MultipartForm.File["attachments"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		a, err := s.Tickets.SaveUpload(r.Context(), actor, fh.Filename, fh.Header.Get("Content-Type"), f)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// ticketFieldView is one custom ticket field as the agent ticket page edits
// it (form fields cf_<id>, with orig_cf_<id> holding the value shown).
type ticketFieldView struct {
	ID       int64
	Title    string
	Type     string
	Required bool
	Value    string   // the value as the form shows it
	Values   []string // a multiselect's chosen values
	Options  []zendesk.Option
}

// Name is the field's form name.
func (v ticketFieldView) Name() string { return "cf_" + strconv.FormatInt(v.ID, 10) }

// Chosen reports whether a multiselect has option value o.
func (v ticketFieldView) Chosen(o string) bool { return slices.Contains(v.Values, o) }

// ticketFieldViews returns the active ticket fields with t's values, and
// the values of t for fields without an active definition (shown as they
// are).
func (s *Server) ticketFieldViews(ctx context.Context, t *ticket.Ticket) ([]ticketFieldView, []ticket.CustomField, error) {
	var defs []zendesk.Field
	if s.Zendesk != nil {
		var err error
		if defs, err = s.Zendesk.Fields(ctx, zendesk.KindTicket); err != nil {
			return nil, nil, err
		}
	}
	value := func(id int64) any {
		for _, c := range t.CustomFields {
			if c.ID == id {
				return c.Value
			}
		}
		return nil
	}
	var out []ticketFieldView
	shown := map[int64]bool{}
	for _, d := range defs {
		if !d.Active {
			continue
		}
		shown[d.ID] = true
		v := ticketFieldView{ID: d.ID, Title: d.Title, Type: d.Type, Required: d.Required, Options: d.CustomFieldOptions}
		switch x := value(d.ID).(type) {
		case nil:
			if d.Type == "checkbox" {
				v.Value = "false"
			}
		case []any:
			for _, e := range x {
				v.Values = append(v.Values, fmt.Sprint(e))
			}
			v.Value = strings.Join(v.Values, " ")
		case []string:
			v.Values = slices.Clone(x)
			v.Value = strings.Join(x, " ")
		case float64:
			v.Value = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			v.Value = fmt.Sprint(x)
		}
		out = append(out, v)
	}
	var others []ticket.CustomField
	for _, c := range t.CustomFields {
		if !shown[c.ID] && c.Value != nil {
			others = append(others, c)
		}
	}
	return out, others, nil
}

// formCustomFields adds to in the custom field values the agent changed on
// the ticket page (a field is sent only when it differs from its orig_
// twin, so a stale form does not revert another agent's value), checked
// by the field rules, with the tags choice fields set and clear.
func (s *Server) formCustomFields(r *http.Request, in *ticket.UpdateInput) error {
	if s.Zendesk == nil {
		return nil
	}
	defs, err := s.Zendesk.Fields(r.Context(), zendesk.KindTicket)
	if err != nil {
		return err
	}
	for _, d := range defs {
		name := "cf_" + strconv.FormatInt(d.ID, 10)
		vals, ok := r.PostForm[name]
		if !ok || !d.Active {
			continue
		}
		orig, hasOrig := postField(r, "orig_"+name)
		var cur string
		var val any
		switch d.Type {
		case "checkbox":
			cur = strconv.FormatBool(slices.Contains(vals, "true"))
			val = cur == "true"
		case "multiselect":
			var chosen []string
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" && !slices.Contains(chosen, v) {
					chosen = append(chosen, v)
				}
			}
			if len(chosen) > 0 {
				val = chosen
			}
			sorted := slices.Sorted(slices.Values(chosen))
			cur = strings.Join(sorted, " ")
			orig = strings.Join(slices.Sorted(slices.Values(strings.Fields(orig))), " ")
		default:
			cur = strings.TrimSpace(vals[len(vals)-1])
			if cur != "" {
				val = cur
			}
		}
		if hasOrig && cur == strings.TrimSpace(orig) {
			continue
		}
		in.CustomFields = append(in.CustomFields, ticket.CustomField{ID: d.ID, Value: val})
	}
	set, clear, err := s.checkTicketFields(r.Context(), in.CustomFields)
	if err != nil {
		return err
	}
	in.AdditionalTags = append(in.AdditionalTags, set...)
	for _, t := range clear {
		if !slices.Contains(set, t) && !slices.Contains(in.RemoveTags, t) {
			in.RemoveTags = append(in.RemoveTags, t)
		}
	}
	return nil
}
