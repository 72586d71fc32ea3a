package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// Zendesk-shaped ticket views.

type ticketJSON struct {
	ticket.Ticket
	zendeskTicketKeys
	URL string `json:"url"`
	// Side-loads (include=comment_count, include=metric_sets).
	CommentCount *int              `json:"comment_count,omitempty"`
	MetricSet    *ticketMetricJSON `json:"metric_set,omitempty"`
}

func (s *Server) ticketURL(r *http.Request, id int64) string {
	return s.baseURL(r) + "/api/v2/tickets/" + strconv.FormatInt(id, 10) + ".json"
}

// ticketView is the staff view of a ticket; routes a customer can reach use
// ticketForCaller (api_customer.go).
func (s *Server) ticketView(r *http.Request, t ticket.Ticket) ticketJSON {
	return s.ticketViewWith(r, t, s.staffAmong(r, []ticket.Ticket{t}))
}

func (s *Server) ticketViewWith(r *http.Request, t ticket.Ticket, staff map[int64]bool) ticketJSON {
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.CollaboratorIDs == nil {
		t.CollaboratorIDs = []int64{}
	}
	t.EmailCCIDs = t.CollaboratorIDs
	if t.CustomFields == nil {
		t.CustomFields = []ticket.CustomField{}
	}
	return ticketJSON{Ticket: t, zendeskTicketKeys: documentedKeys(t, staff), URL: s.ticketURL(r, t.ID)}
}

func (s *Server) ticketsView(r *http.Request, ts []ticket.Ticket) []ticketJSON {
	out := make([]ticketJSON, len(ts))
	staff := s.staffAmong(r, ts)
	for i, t := range ts {
		out[i] = s.ticketViewWith(r, t, staff)
	}
	return out
}

// attachmentURL is where an attachment's bytes are served.
func (s *Server) attachmentURL(r *http.Request, a ticket.Attachment) string {
	return s.baseURL(r) + "/attachments/" + strconv.FormatInt(a.ID, 10) + "/" + url.PathEscape(a.FileName)
}

func (s *Server) fillAttachments(r *http.Request, as []ticket.Attachment) []ticket.Attachment {
	if as == nil {
		return []ticket.Attachment{}
	}
	for i := range as {
		as[i].ContentURL = s.attachmentURL(r, as[i])
	}
	return as
}

func (s *Server) commentsView(r *http.Request, cs []ticket.Comment) []ticket.Comment {
	for i := range cs {
		cs[i].Attachments = s.fillAttachments(r, cs[i].Attachments)
	}
	return cs
}

func (s *Server) auditView(r *http.Request, a *ticket.Audit) *ticket.Audit {
	if a == nil {
		return nil
	}
	for i := range a.Events {
		if a.Events[i].Type == ticket.EventComment {
			a.Events[i].Attachments = s.fillAttachments(r, a.Events[i].Attachments)
		}
	}
	return a
}

// actorOf is the ticket actor of the signed-in caller.
func actorOf(p *auth.Principal) ticket.Actor {
	if p == nil {
		return ticket.Actor{Role: "system"}
	}
	return ticket.Actor{UserID: p.UserID, Role: p.Role}
}

// visibility returns the list restriction of a customer (nil for staff):
// their own and CC'd tickets, and those of their organizations that share
// tickets (the portal's customer scope).
func (s *Server) visibility(r *http.Request) (*ticket.Visibility, error) {
	p := PrincipalFrom(r.Context())
	if p.IsStaff() {
		return nil, nil
	}
	sc, err := s.scopeOf(r.Context(), p.UserID)
	if err != nil {
		return nil, err
	}
	return &ticket.Visibility{UserID: p.UserID, OrgIDs: sc.Shared}, nil
}

// canSee applies the same rule as visibility to one ticket.
func canSee(v *ticket.Visibility, t *ticket.Ticket) bool {
	if v == nil {
		return true
	}
	return ticket.CanSee(t, v.UserID, people.RoleEndUser, v.OrgIDs, func(int64) bool { return true })
}

// visibleTicket loads a ticket the caller may see; others are 404 so that
// customers cannot probe for ids.
func (s *Server) visibleTicket(r *http.Request) (*ticket.Ticket, *ticket.Visibility, error) {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return nil, nil, err
	}
	v, err := s.visibility(r)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Tickets.Get(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if !canSee(v, t) {
		return nil, nil, errs.NotFound("ticket")
	}
	if sc, err := s.partitionScope(r); err != nil {
		return nil, nil, err
	} else if !sc.Sees(t.BrandID) {
		return nil, nil, errs.NotFound("ticket")
	}
	return t, v, nil
}

func (s *Server) registerTicketAPI() {
	s.handle("GET /api/v2/tickets", Staff, s.apiListTickets)
	s.handle("GET /api/v2/tickets/show_many", Authenticated, s.apiShowManyTickets)
	s.handle("GET /api/v2/tickets/{id}", Authenticated, s.apiShowTicket)
	s.handle("POST /api/v2/tickets", Staff, s.apiCreateTicket)
	s.handle("PUT /api/v2/tickets/{id}", Staff, s.apiUpdateTicket)
	s.handle("DELETE /api/v2/tickets/{id}", Staff, s.apiDeleteTicket)
	s.handle("POST /api/v2/tickets/{id}/merge", Staff, s.apiMergeTickets)
	s.handle("GET /api/v2/tickets/{id}/comments", Authenticated, s.apiTicketComments)
	s.handle("GET /api/v2/tickets/{id}/audits", Staff, s.apiTicketAudits)
	s.handle("GET /api/v2/tickets/{id}/tags", Staff, s.apiTicketTags)
	s.handle("GET /api/v2/tickets/{id}/collaborators", Staff, s.apiTicketCollaborators)
	s.handle("GET /api/v2/tickets/{id}/followers", Staff, s.apiTicketCCsOf(true))
	s.handle("GET /api/v2/tickets/{id}/email_ccs", Staff, s.apiTicketCCsOf(false))
	s.handle("GET /api/v2/tickets/{id}/incidents", Staff, s.apiTicketIncidents)
	s.handle("GET /api/v2/tickets/count", Staff, s.apiCount(func(r *http.Request) (int, error) {
		hidden, err := s.hiddenBrands(r)
		if err != nil {
			return 0, err
		}
		return s.Tickets.Count(r.Context(), ticket.Filter{HiddenBrands: hidden})
	}))
	s.handle("POST /api/v2/tickets/{id}/tags", Staff, s.apiSetTicketTags)
	s.handle("PUT /api/v2/tickets/{id}/tags", Staff, s.apiAddTicketTags)
	s.handle("DELETE /api/v2/tickets/{id}/tags", Staff, s.apiRemoveTicketTags)
	s.handle("GET /api/v2/users/{id}/tickets/requested", Authenticated, s.apiUserTickets("requested"))
	s.handle("GET /api/v2/users/{id}/tickets/assigned", Staff, s.apiUserTickets("assigned"))
	s.handle("GET /api/v2/users/{id}/tickets/ccd", Authenticated, s.apiUserTickets("ccd"))
	s.handle("GET /api/v2/organizations/{id}/tickets", Staff, s.apiOrgTickets)
	s.handle("GET /api/v2/incremental/tickets/cursor", Admin, s.apiIncrementalTickets)
	s.handle("GET /api/v2/incremental/tickets", Admin, s.apiIncrementalTicketsByTime)
	s.handle("POST /api/v2/uploads", Authenticated, s.apiUpload)
	s.handle("GET /api/v2/attachments/{id}", Authenticated, s.apiShowAttachment)
	s.handle("GET /attachments/{id}/{name}", Authenticated, s.downloadAttachment)
	s.handle("GET /thumbnails/{id}", Authenticated, s.attachmentThumbnail) // thumbnail.go
}

// --- lists -------------------------------------------------------------------------

// listTickets answers a ticket list in Zendesk's shape with both pagination
// styles. Offset pagination honours sort_by/sort_order; cursor pagination
// walks ids (descending with sort_order=desc).
func (s *Server) listTickets(w http.ResponseWriter, r *http.Request, f ticket.Filter) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f.ExternalID = q.Get("external_id")
	f.Desc = q.Get("sort_order") == "desc"
	if q.Has("sort") { // cursor style: sort=-updated_at
		v := q.Get("sort")
		f.Desc = strings.HasPrefix(v, "-")
		f.SortBy = strings.TrimPrefix(v, "-")
	} else {
		f.SortBy = q.Get("sort_by")
	}
	if f.SortBy != "" && !slices.Contains(ticket.SortKeys(), f.SortBy) {
		return errs.BadRequest("sort_by: must be one of %s", strings.Join(ticket.SortKeys(), ", "))
	}
	if p.cursor {
		if f.SortBy != "" && f.SortBy != "id" {
			return errs.BadRequest("sort: cursor pagination sorts by id only; use offset pagination (page, per_page) to sort by %s", f.SortBy)
		}
		f.AfterID, f.Limit = p.afterID, p.size+1
	} else {
		f.Offset, f.Limit = (p.page-1)*p.perPage, p.perPage
	}
	if f.HiddenBrands, err = s.hiddenBrands(r); err != nil {
		return err
	}
	ts, err := s.Tickets.List(r.Context(), f)
	if err != nil {
		return err
	}
	if err := s.auditTicketReads(r, ts); err != nil {
		return err
	}
	count := func() (int, error) { f.AfterID = 0; return s.Tickets.Count(r.Context(), f) }
	body, err := listBody(s, r, "tickets", p, s.ticketsView(r, ts), func(t ticketJSON) int64 { return t.ID }, count)
	if err != nil {
		return err
	}
	views := body["tickets"].([]ticketJSON)
	if err := s.sideloadTickets(r, body, views); err != nil {
		return err
	}
	body["tickets"] = viewsForCaller(r, views)
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiListTickets(w http.ResponseWriter, r *http.Request) error {
	f := ticket.Filter{}
	if st := r.URL.Query().Get("status"); st != "" {
		f.Statuses = strings.Split(st, ",")
	}
	return s.listTickets(w, r, f)
}

func (s *Server) apiUserTickets(which string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "user")
		if err != nil {
			return err
		}
		p := PrincipalFrom(r.Context())
		if !p.IsStaff() && id != p.UserID {
			return errs.Forbidden("end-users may only list their own tickets")
		}
		if _, err := s.People.GetUser(r.Context(), id); err != nil {
			return err
		}
		f := ticket.Filter{}
		switch which {
		case "requested":
			f.RequesterID = id
		case "assigned":
			f.AssigneeID = id
		case "ccd":
			f.CollaboratorID = id
		}
		return s.listTickets(w, r, f)
	}
}

func (s *Server) apiOrgTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "organization")
	if err != nil {
		return err
	}
	if _, err := s.People.GetOrganization(r.Context(), id); err != nil {
		return err
	}
	return s.listTickets(w, r, ticket.Filter{OrganizationID: id})
}

func (s *Server) apiShowManyTickets(w http.ResponseWriter, r *http.Request) error {
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil {
		return err
	}
	v, err := s.visibility(r)
	if err != nil {
		return err
	}
	ts, err := s.Tickets.GetMany(r.Context(), ids)
	if err != nil {
		return err
	}
	ts = slices.DeleteFunc(ts, func(t ticket.Ticket) bool { return !canSee(v, &t) })
	if ts, err = s.visibleTickets(r, ts); err != nil {
		return err
	}
	if err := s.auditTicketReads(r, ts); err != nil {
		return err
	}
	views := s.ticketsView(r, ts)
	body := map[string]any{"next_page": nil, "previous_page": nil, "count": len(ts)}
	if err := s.sideloadTickets(r, body, views); err != nil {
		return err
	}
	body["tickets"] = viewsForCaller(r, views)
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowTicket(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	views := []ticketJSON{s.ticketView(r, *t)}
	body := map[string]any{}
	if err := s.sideloadTickets(r, body, views); err != nil {
		return err
	}
	body["ticket"] = viewForCaller(r, views[0])
	writeJSON(w, http.StatusOK, body)
	return nil
}

// --- writes ------------------------------------------------------------------------

// requesterInput is Zendesk's inline requester on ticket creation:
// {"requester": {"name": ..., "email": ...}} finds or creates the end-user.
type requesterInput struct {
	Requester *struct {
		Name     string `json:"name"`
		Email    string `json:"email"`
		LocaleID any    `json:"locale_id"`
	} `json:"requester"`
}

// resolveRequester returns the id of the inline requester, creating an
// end-user for an unknown email.
func (s *Server) resolveRequester(r *http.Request, in *requesterInput) (int64, error) {
	rq := in.Requester
	email := strings.TrimSpace(rq.Email)
	if email == "" {
		return 0, errs.Invalid("requester", "needs an email")
	}
	known, _ := r.Context().Value(requesterCacheKey{}).(*requesterCache)
	if id, ok := known.get(email); ok {
		return id, nil
	}
	u, err := s.People.UserByEmail(r.Context(), email)
	if err == nil {
		return u.ID, nil
	}
	if !errs.Is(err, errs.KindNotFound) {
		return 0, err
	}
	name := strings.TrimSpace(rq.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	role := people.RoleEndUser
	p := PrincipalFrom(r.Context())
	u, err = s.People.CreateUser(r.Context(), p.Actor(clientIP(r)), people.UserInput{Name: &name, Email: &email, Role: &role})
	if errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid) {
		// Created meanwhile by a concurrent request (a bulk job's items
		// run side by side): use that user.
		if again, aerr := s.People.UserByEmail(r.Context(), email); aerr == nil {
			return again.ID, nil
		}
	}
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

// requesterCache holds the users of a bulk request's inline requesters,
// read with one query before its items are read (bulkRequesters), so that
// each item need not look its requester up.
type requesterCache struct {
	ids map[string]int64 // lower-cased email -> user id
}

type requesterCacheKey struct{}

func (c *requesterCache) get(email string) (int64, bool) {
	if c == nil {
		return 0, false
	}
	id, ok := c.ids[strings.ToLower(email)]
	return id, ok
}

// bulkRequesters reads the users of the items' inline requester emails
// into a cache on ctx (read-only afterwards: the items' goroutines share it).
func (s *Server) bulkRequesters(ctx context.Context, bodies []json.RawMessage) context.Context {
	var emails []string
	for _, b := range bodies {
		var it struct {
			Requester *struct {
				Email string `json:"email"`
			} `json:"requester"`
		}
		if json.Unmarshal(b, &it) == nil && it.Requester != nil {
			emails = append(emails, it.Requester.Email)
		}
	}
	ids, err := s.People.UserIDsByEmail(ctx, emails)
	if err != nil || len(ids) == 0 {
		return ctx // each item looks its requester up
	}
	return context.WithValue(ctx, requesterCacheKey{}, &requesterCache{ids: ids})
}

func (s *Server) apiCreateTicket(w http.ResponseWriter, r *http.Request) error {
	var raw json.RawMessage
	if err := decodeBody(r, "ticket", &raw); err != nil {
		return err
	}
	in, err := s.createInput(r, raw, nil)
	if err != nil {
		return err
	}
	t, aud, err := s.Tickets.Create(r.Context(), actorOf(PrincipalFrom(r.Context())), *in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.ticketURL(r, t.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": s.ticketView(r, *t), "audit": s.auditView(r, aud)})
	return nil
}

// createInput reads a ticket creation (CCs, inline requester, custom
// fields) from the ticket object raw; check, when given, refuses a bad
// ticket before an inline requester is created (it defaults to the store's
// CheckCreate).
func (s *Server) createInput(r *http.Request, raw json.RawMessage, check func(ticket.CreateInput) error) (*ticket.CreateInput, error) {
	raw, ccs, err := takeCCs(raw)
	if err != nil {
		return nil, err
	}
	var in ticket.CreateInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, jsonError(err, "ticket")
	}
	var rq requesterInput
	if err := json.Unmarshal(raw, &rq); err != nil {
		return nil, jsonError(err, "requester")
	}
	p := PrincipalFrom(r.Context())
	if check == nil {
		check = func(in ticket.CreateInput) error { return s.Tickets.CheckCreate(actorOf(p), in) }
	}
	// Refuse a bad ticket before creating its inline requester, so that a
	// refused request stores nothing.
	if err := check(in); err != nil {
		return nil, err
	}
	if in.RequesterID != 0 { // a restricted brand's customer does not exist for outsiders
		if keep, err := s.visibleIDs(r.Context(), "user", []int64{in.RequesterID}); err != nil {
			return nil, err
		} else if len(keep) == 0 {
			return nil, errs.Invalid("requester_id", "no such user")
		}
	}
	if in.BrandID != nil {
		sc, err := s.partitionScope(r)
		if err != nil {
			return nil, err
		}
		if err := s.Brands.Check(r.Context(), sc, *in.BrandID); err != nil {
			return nil, err
		}
	}
	if rq.Requester != nil && in.RequesterID == 0 {
		if in.RequesterID, err = s.resolveRequester(r, &rq); err != nil {
			return nil, err
		}
	}
	add, remove, err := s.resolveCCs(r, ccs)
	if err != nil {
		return nil, err
	}
	in.CollaboratorIDs = slices.DeleteFunc(append(in.CollaboratorIDs, add...), func(id int64) bool { return slices.Contains(remove, id) })
	set, clear, err := s.checkTicketFields(r.Context(), in.CustomFields)
	if err != nil {
		return nil, err
	}
	if err := s.requiredTicketFields(r.Context(), in.CustomFields, in.Status); err != nil {
		return nil, err
	}
	in.Tags = slices.DeleteFunc(append(in.Tags, set...), func(t string) bool { return slices.Contains(clear, t) && !slices.Contains(set, t) })
	if in.Via == nil {
		in.Via = &ticket.Via{Channel: ticket.ChannelAPI}
	}
	return &in, nil
}

func (s *Server) apiUpdateTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := decodeBody(r, "ticket", &raw); err != nil {
		return err
	}
	raw, ccs, err := takeCCs(raw)
	if err != nil {
		return err
	}
	var in ticket.UpdateInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return jsonError(err, "ticket")
	}
	if len(ccs.entries) > 0 {
		cur, err := s.Tickets.Get(r.Context(), id)
		if err != nil {
			return err
		}
		add, remove, err := s.resolveCCs(r, ccs)
		if err != nil {
			return err
		}
		applyCCsToUpdate(&in, cur, add, remove)
	}
	set, clear, err := s.checkTicketFields(r.Context(), in.CustomFields)
	if err != nil {
		return err
	}
	in.AdditionalTags = append(in.AdditionalTags, set...)
	for _, t := range clear {
		if !slices.Contains(set, t) {
			in.RemoveTags = append(in.RemoveTags, t)
		}
	}
	if in.Status != nil {
		cur, err := s.Tickets.Get(r.Context(), id)
		if err != nil {
			return err
		}
		merged := slices.Clone(cur.CustomFields)
		for _, c := range in.CustomFields {
			merged = slices.DeleteFunc(merged, func(x ticket.CustomField) bool { return x.ID == c.ID })
			merged = append(merged, c)
		}
		if err := s.requiredTicketFields(r.Context(), merged, in.Status); err != nil {
			return err
		}
	}
	if in.Via == nil {
		in.Via = &ticket.Via{Channel: ticket.ChannelAPI}
	}
	t, aud, err := s.Tickets.Update(r.Context(), actorOf(PrincipalFrom(r.Context())), id, in)
	if err != nil {
		return err
	}
	body := map[string]any{"ticket": s.ticketView(r, *t)}
	if aud != nil {
		body["audit"] = s.auditView(r, aud)
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiDeleteTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	// As in Zendesk, a deleted ticket goes to the deleted tickets first
	// (restorable; deleted permanently there or after 30 days).
	if err := s.Tickets.SoftDelete(r.Context(), actorOf(PrincipalFrom(r.Context())), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mergeInput is the body of POST /tickets/{id}/merge (no envelope).
type mergeInput struct {
	IDs                   []int64 `json:"ids"`
	TargetComment         string  `json:"target_comment"`
	SourceComment         string  `json:"source_comment"`
	TargetCommentIsPublic *bool   `json:"target_comment_is_public"`
	SourceCommentIsPublic *bool   `json:"source_comment_is_public"`
}

func (s *Server) apiMergeTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	var in mergeInput
	if _, err := readJSON(r, &in, ""); err != nil {
		return err
	}
	public := true
	if in.TargetCommentIsPublic != nil {
		public = *in.TargetCommentIsPublic
	} else if in.SourceCommentIsPublic != nil {
		public = *in.SourceCommentIsPublic
	}
	t, err := s.Tickets.Merge(r.Context(), actorOf(PrincipalFrom(r.Context())), id, in.IDs, in.TargetComment, in.SourceComment, public)
	if err != nil {
		return err
	}
	// Zendesk answers a job status; the merge here is already complete.
	writeJSON(w, http.StatusOK, map[string]any{
		"job_status": map[string]any{
			"id": fmt.Sprintf("merge-%d", t.ID), "status": "completed", "total": len(in.IDs), "progress": len(in.IDs),
			"message": "Completed", "url": nil,
			"results": map[string]any{"target_ticket_id": t.ID, "source_ticket_ids": in.IDs},
		},
		"ticket": s.ticketView(r, *t),
	})
	return nil
}

// --- comments and audits -----------------------------------------------------------

func (s *Server) apiTicketComments(w http.ResponseWriter, r *http.Request) error {
	t, v, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	sp := p.ticketPage(r.URL.Query().Get("sort_order") == "desc" || r.URL.Query().Get("sort") == "-created_at")
	// Customers never see internal notes; paging over public comments
	// only keeps their counts and cursors consistent.
	sp.PublicOnly = v != nil
	cs, err := s.Tickets.Comments(r.Context(), t.ID, sp)
	if err != nil {
		return err
	}
	body, err := listBody(s, r, "comments", p, s.commentsView(r, cs), func(c ticket.Comment) int64 { return c.ID },
		func() (int, error) { return s.Tickets.CountComments(r.Context(), t.ID, sp.PublicOnly) })
	if err != nil {
		return err
	}
	sl := newSideload(r)
	for _, c := range body["comments"].([]ticket.Comment) {
		sl.user(c.AuthorID)
	}
	if err := s.writeSideloads(r, body, sl); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiTicketAudits(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	sp := p.ticketPage(r.URL.Query().Get("sort_order") == "desc")
	as, err := s.Tickets.Audits(r.Context(), t.ID, sp)
	if err != nil {
		return err
	}
	for i := range as {
		s.auditView(r, &as[i])
	}
	body, err := listBody(s, r, "audits", p, as, func(a ticket.Audit) int64 { return a.ID },
		func() (int, error) { return s.Tickets.CountAudits(r.Context(), t.ID) })
	if err != nil {
		return err
	}
	// Side-loads: the audits' authors and the people their events name,
	// the ticket, its group and organization.
	sl := newSideload(r)
	sl.ticket(t.ID)
	sl.group(derefID(t.GroupID))
	sl.org(derefID(t.OrganizationID))
	for _, a := range body["audits"].([]ticket.Audit) {
		sl.user(a.AuthorID)
	}
	if err := s.writeSideloads(r, body, sl); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// ticketPage is the ticket store's page for a comments or audits list:
// keyset in cursor mode (one extra row tells whether more follow), else
// offset.
func (p pageReq) ticketPage(desc bool) ticket.Page {
	if p.cursor {
		return ticket.Page{AfterID: p.afterID, Limit: p.size + 1, Desc: desc}
	}
	return ticket.Page{Offset: (p.page - 1) * p.perPage, Limit: p.perPage, Desc: desc}
}

// --- tags --------------------------------------------------------------------------

func readTags(r *http.Request) ([]string, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	var in struct {
		Tags []string `json:"tags"`
	}
	// Zendesk takes {"tags": [...]}; some clients send the bare array.
	prefix := ""
	if trimmed := strings.TrimSpace(string(body)); strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal(body, &in.Tags); err != nil {
			return nil, jsonError(err, "tags")
		}
		prefix = "tags"
	} else if err := json.Unmarshal(body, &in); err != nil {
		return nil, jsonError(err, "tags")
	}
	if err := checkJSONText(body, prefix); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		return nil, errs.BadRequest("request body must be a JSON object with a \"tags\" array")
	}
	return in.Tags, nil
}

func (s *Server) writeTags(w http.ResponseWriter, t *ticket.Ticket) {
	tags := t.Tags
	if tags == nil {
		tags = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": tags})
}

func (s *Server) apiTicketTags(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	s.writeTags(w, t)
	return nil
}

func (s *Server) tagsHandler(w http.ResponseWriter, r *http.Request, op func(ticket.Actor, int64, []string) (*ticket.Ticket, error)) error {
	id, err := pathID(r, "id", "ticket")
	if err != nil {
		return err
	}
	tags, err := readTags(r)
	if err != nil {
		return err
	}
	t, err := op(actorOf(PrincipalFrom(r.Context())), id, tags)
	if err != nil {
		return err
	}
	s.writeTags(w, t)
	return nil
}

func (s *Server) apiSetTicketTags(w http.ResponseWriter, r *http.Request) error {
	return s.tagsHandler(w, r, func(a ticket.Actor, id int64, tags []string) (*ticket.Ticket, error) {
		return s.Tickets.SetTags(r.Context(), a, id, tags)
	})
}

func (s *Server) apiAddTicketTags(w http.ResponseWriter, r *http.Request) error {
	return s.tagsHandler(w, r, func(a ticket.Actor, id int64, tags []string) (*ticket.Ticket, error) {
		return s.Tickets.AddTags(r.Context(), a, id, tags)
	})
}

func (s *Server) apiRemoveTicketTags(w http.ResponseWriter, r *http.Request) error {
	return s.tagsHandler(w, r, func(a ticket.Actor, id int64, tags []string) (*ticket.Ticket, error) {
		return s.Tickets.RemoveTags(r.Context(), a, id, tags)
	})
}

// --- incremental export ------------------------------------------------------------

// incrementalCursor encodes the (updated_at, id) position of the export.
func encodeIncremental(t time.Time, id int64) string {
	return encodeOpaque(fmt.Sprintf("inc:%d:%d", t.UnixMicro(), id))
}

func decodeIncremental(c string) (time.Time, int64, error) {
	v, err := decodeOpaque(c)
	if err == nil {
		var us, id int64
		if _, err = fmt.Sscanf(v, "inc:%d:%d", &us, &id); err == nil {
			return time.UnixMicro(us).UTC(), id, nil
		}
	}
	return time.Time{}, 0, errs.BadRequest("cursor: invalid cursor")
}

// apiIncrementalTickets is Zendesk's cursor-based incremental ticket export:
// tickets changed since start_time in (updated_at, id) order; follow
// after_cursor until end_of_stream.
func (s *Server) apiIncrementalTickets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var start time.Time
	var afterID int64
	cursor := q.Get("cursor")
	if cursor != "" && q.Get("start_time") != "" {
		// Some clients send both, the cursor as the text "undefined" on
		// the first call: a cursor that does not decode defers to start_time.
		if _, _, err := decodeIncremental(cursor); err != nil {
			cursor = ""
		}
	}
	switch {
	case cursor != "":
		var err error
		if start, afterID, err = decodeIncremental(cursor); err != nil {
			return err
		}
	case q.Get("start_time") != "":
		n, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
		if err != nil || n < 0 {
			return errs.BadRequest("start_time: must be a Unix time in seconds")
		}
		start = time.Unix(n, 0).UTC()
		if start.After(s.DB.Clock.Now().Add(-time.Minute)) {
			return errs.BadRequest("start_time: must be more than a minute in the past")
		}
		// Tickets updated exactly at start_time are included.
		start = start.Add(-time.Microsecond)
		afterID = 1<<63 - 1
	default:
		return errs.BadRequest("give start_time (Unix seconds) or cursor")
	}
	perPage := 1000
	v := q.Get("per_page")
	if v == "" {
		v = q.Get("page[size]")
	}
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return errs.BadRequest("per_page: must be a number from 1 to 1000")
		}
		perPage = n
	}
	ts, err := s.Tickets.ChangedSince(r.Context(), start, afterID, perPage+1)
	if err != nil {
		return err
	}
	end := len(ts) <= perPage
	if !end {
		ts = ts[:perPage]
	}
	if len(ts) > 0 {
		last := ts[len(ts)-1]
		cursor = encodeIncremental(last.UpdatedAt, last.ID)
	} else if cursor == "" {
		cursor = encodeIncremental(start, afterID)
	}
	// The cursor walks past hidden tickets; they are dropped from the page.
	if ts, err = s.visibleTickets(r, ts); err != nil {
		return err
	}
	if err := s.auditTicketReads(r, ts); err != nil {
		return err
	}
	nq := url.Values{"cursor": {cursor}}
	for _, k := range []string{"include", "per_page", "page[size]"} {
		if v := q.Get(k); v != "" {
			nq.Set(k, v)
		}
	}
	next := s.baseURL(r) + "/api/v2/incremental/tickets/cursor.json?" + nq.Encode()
	views := s.ticketsView(r, ts)
	body := map[string]any{
		"tickets": views, "after_cursor": cursor, "before_cursor": nil,
		"after_url": next, "before_url": nil, "end_of_stream": end, "count": len(ts),
	}
	if err := s.sideloadTickets(r, body, views); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// apiIncrementalTickets is Zendesk's time-based incremental ticket export:
// up to 1000 tickets updated at or after start_time (Unix seconds), oldest
// first; next_page continues from end_time, so a ticket may repeat across
// pages, as Zendesk documents.
func (s *Server) apiIncrementalTicketsByTime(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.ParseInt(r.URL.Query().Get("start_time"), 10, 64)
	if err != nil || n < 0 {
		return errs.BadRequest("start_time: must be a Unix time in seconds")
	}
	start := time.Unix(n, 0).UTC()
	if start.After(s.DB.Clock.Now().Add(-time.Minute)) {
		return errs.BadRequest("start_time: must be more than a minute in the past")
	}
	const limit = 1000
	ts, err := s.Tickets.ChangedSince(r.Context(), start.Add(-time.Microsecond), 1<<63-1, limit)
	if err != nil {
		return err
	}
	end := n
	if len(ts) > 0 {
		end = ts[len(ts)-1].UpdatedAt.Unix()
	}
	more := len(ts) >= limit
	if ts, err = s.visibleTickets(r, ts); err != nil {
		return err
	}
	if err := s.auditTicketReads(r, ts); err != nil {
		return err
	}
	nq := url.Values{"start_time": {strconv.FormatInt(end, 10)}}
	if v := r.URL.Query().Get("include"); v != "" {
		nq.Set("include", v)
	}
	next := s.baseURL(r) + "/api/v2/incremental/tickets.json?" + nq.Encode()
	views := s.ticketsView(r, ts)
	body := map[string]any{
		"tickets": views, "count": len(ts), "end_time": end, "next_page": next, "end_of_stream": !more,
	}
	if err := s.sideloadTickets(r, body, views); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// --- attachments -------------------------------------------------------------------

// apiUpload stores a file and answers an upload token to pass in a comment's
// "uploads" (POST /api/v2/uploads?filename=NAME with the raw bytes).
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.URL.Query().Get("filename"))
	if name == "" {
		return errs.BadRequest("filename: give the file name as ?filename=")
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt == "application/x-www-form-urlencoded" {
		ct = "application/octet-stream"
	}
	a, err := s.Tickets.SaveUpload(r.Context(), actorOf(PrincipalFrom(r.Context())), name, ct, r.Body)
	if err != nil {
		return bodyError(err)
	}
	a.ContentURL = s.attachmentURL(r, *a)
	writeJSON(w, http.StatusCreated, map[string]any{"upload": map[string]any{
		"token": a.Token, "expires_at": a.CreatedAt.Add(72 * time.Hour), "attachment": a, "attachments": []ticket.Attachment{*a},
	}})
	return nil
}

// visibleAttachment loads an attachment the caller may read: staff read
// all; customers read their own uploads and public comments' files on
// tickets they may see.
func (s *Server) visibleAttachment(r *http.Request) (*ticket.Attachment, error) {
	id, err := pathID(r, "id", "attachment")
	if err != nil {
		return nil, err
	}
	a, err := s.Tickets.GetAttachment(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if a.TicketID == nil && s.KB != nil { // an article's file is served to the article's readers only (api_kb_attachments.go)
		if kbFile, err := s.KB.IsArticleAttachment(r.Context(), a.ID); err != nil {
			return nil, err
		} else if kbFile {
			return nil, errs.NotFound("attachment")
		}
	}
	p := PrincipalFrom(r.Context())
	if p.IsStaff() {
		return a, nil
	}
	if a.TicketID == nil {
		if a.AuthorID != nil && *a.AuthorID == p.UserID {
			return a, nil
		}
		return nil, errs.NotFound("attachment")
	}
	v, err := s.visibility(r)
	if err != nil {
		return nil, err
	}
	t, err := s.Tickets.Get(r.Context(), *a.TicketID)
	if err != nil || !canSee(v, t) {
		return nil, errs.NotFound("attachment")
	}
	if a.CommentID != nil {
		pub, err := s.Tickets.CommentIsPublic(r.Context(), *a.CommentID)
		if err != nil || !pub {
			return nil, errs.NotFound("attachment")
		}
	}
	return a, nil
}

func (s *Server) apiShowAttachment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleAttachment(r)
	if err != nil {
		return err
	}
	a.ContentURL = s.attachmentURL(r, *a)
	writeJSON(w, http.StatusOK, map[string]any{"attachment": a})
	return nil
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleAttachment(r)
	if err != nil {
		return err
	}
	_, rc, err := s.Tickets.OpenAttachment(r.Context(), a.ID)
	if err != nil {
		return err
	}
	defer rc.Close()
	// Served as a download with the stored type; never rendered inline as
	// HTML from our origin.
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}))
	w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
	_, err = io.Copy(w, rc)
	return err
}

// ticketAPIDocs are the OpenAPI notes of the ticket, search and attachment routes.
func ticketAPIDocs() map[string]apiDoc {
	// List Tickets: offset sort_by/sort_order, cursor sort, external_id, side-loads.
	list := func(summary string, query ...string) apiDoc {
		return apiDoc{summary: summary, tag: "Tickets", result: "tickets", list: true, query: append(query, "external_id"),
			sortBy: ticket.SortKeys(), sort: []string{"id", "updated_at", "status"}, include: ticketIncludes}
	}
	return map[string]apiDoc{
		"GET /api/v2/tickets":                      list("List tickets (status: comma-separated statuses)", "status"),
		"GET /api/v2/tickets/show_many":            {summary: "Show many tickets (customers: those they may see, in the requester's view without agent-only fields)", tag: "Tickets", result: "tickets", query: []string{"ids"}, include: ticketIncludes},
		"GET /api/v2/tickets/{id}":                 {summary: "Show a ticket (customers: the requester's view: description is the first public comment, no agent-only fields)", tag: "Tickets", result: "ticket", include: ticketIncludes},
		"POST /api/v2/tickets":                     {summary: "Create a ticket (inline requester {name, email} creates the end-user)", tag: "Tickets", body: "ticket", result: "ticket"},
		"PUT /api/v2/tickets/{id}":                 {summary: "Update a ticket; ticket.comment adds a public reply or internal note; safe_update + updated_stamp lock optimistically", tag: "Tickets", body: "ticket", result: "ticket"},
		"DELETE /api/v2/tickets/{id}":              {summary: "Delete a ticket", tag: "Tickets"},
		"POST /api/v2/tickets/{id}/merge":          {summary: "Merge tickets (ids) into this one", tag: "Tickets", result: "job_status"},
		"GET /api/v2/tickets/{id}/comments":        {summary: "A ticket's comments (customers: public replies only)", tag: "Tickets", result: "comments", list: true, sort: []string{"created_at"}, include: []string{"users"}},
		"GET /api/v2/tickets/{id}/audits":          {summary: "A ticket's audits (change history)", tag: "Tickets", result: "audits", list: true, query: []string{"sort_order"}, include: []string{"users", "groups", "organizations", "tickets"}},
		"GET /api/v2/tickets/{id}/tags":            {summary: "A ticket's tags", tag: "Tags", result: "tags"},
		"GET /api/v2/tickets/{id}/collaborators":   {summary: "A ticket's CCs and followers (users)", tag: "Tickets", result: "users"},
		"GET /api/v2/tickets/{id}/followers":       {summary: "A ticket's followers (the CCs who are agents)", tag: "Tickets", result: "users"},
		"GET /api/v2/tickets/{id}/email_ccs":       {summary: "A ticket's email CCs", tag: "Tickets", result: "users"},
		"GET /api/v2/tickets/{id}/incidents":       list("The incidents of a problem ticket"),
		"GET /api/v2/tickets/count":                {summary: "Count tickets", tag: "Tickets", result: "count"},
		"POST /api/v2/tickets/{id}/tags":           {summary: "Set a ticket's tags", tag: "Tags", result: "tags"},
		"PUT /api/v2/tickets/{id}/tags":            {summary: "Add tags to a ticket", tag: "Tags", result: "tags"},
		"DELETE /api/v2/tickets/{id}/tags":         {summary: "Remove tags from a ticket", tag: "Tags", result: "tags"},
		"GET /api/v2/users/{id}/tickets/requested": list("Tickets a user requested"),
		"GET /api/v2/users/{id}/tickets/assigned":  list("Tickets assigned to an agent"),
		"GET /api/v2/users/{id}/tickets/ccd":       list("Tickets a user is CC'd on"),
		"GET /api/v2/organizations/{id}/tickets":   list("An organization's tickets"),
		"GET /api/v2/incremental/tickets":          {summary: "Time-based incremental ticket export (start_time in Unix seconds)", tag: "Incremental export", result: "tickets", query: []string{"start_time"}, include: ticketIncludes},
		"GET /api/v2/incremental/tickets/cursor":   {summary: "Incremental ticket export from start_time, then by cursor", tag: "Incremental export", result: "tickets", query: []string{"start_time", "cursor", "per_page", "page[size]"}, include: ticketIncludes},
		"POST /api/v2/uploads":                     {summary: "Upload a file (raw body); pass the token in comment.uploads", tag: "Attachments", result: "upload", query: []string{"filename"}},
		"GET /api/v2/attachments/{id}":             {summary: "Show an attachment", tag: "Attachments", result: "attachment"},
		"GET /api/v2/search":                       {summary: "Search tickets, users, organizations and groups (Zendesk query syntax); results carry result_type; include=tickets(users,groups,organizations,comment_count,metric_sets),users(organizations,groups)", tag: "Search", result: "results", paging: pagedOffset, query: []string{"query", "include"}, sortBy: searchSorts},
		"GET /api/v2/search/count":                 {summary: "Count search results", tag: "Search", result: "count", query: []string{"query"}},
	}
}

// ticketEnvelopes are the JSON envelope types of the ticket routes.
func ticketEnvelopes() map[string]envelope {
	return map[string]envelope{
		"ticket":     {reflect.TypeOf(ticketJSON{}), reflect.TypeOf(ticket.UpdateInput{})},
		"comment":    {reflect.TypeOf(ticket.Comment{}), reflect.TypeOf(ticket.CommentInput{})},
		"audit":      {reflect.TypeOf(ticket.Audit{}), nil},
		"attachment": {reflect.TypeOf(ticket.Attachment{}), nil},
		"upload": {reflect.TypeOf(struct {
			Token      string            `json:"token"`
			Attachment ticket.Attachment `json:"attachment"`
		}{}), nil},
		"tag":        {reflect.TypeOf(""), nil},
		"result":     {reflect.TypeOf(map[string]any{}), nil},
		"job_status": {reflect.TypeOf(map[string]any{}), nil},
		"count":      {reflect.TypeOf(0), nil},
	}
}
