package web

// Zendesk endpoints that migrations use for history (ADR 0012): deleted
// tickets (restore, permanent deletion), the search export, the
// incremental ticket event export and the ticket import.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
	"github.com/frontline/frontline/internal/zquery"
)

func (s *Server) registerZendeskHistoryAPI() {
	s.handleNeeds("GET /api/v2/deleted_tickets", Staff, access.TicketsDelete, s.apiListDeletedTickets)
	s.handleNeeds("PUT /api/v2/deleted_tickets/{id}/restore", Staff, access.TicketsDelete, s.apiRestoreDeletedTicket)
	s.handleNeeds("PUT /api/v2/deleted_tickets/restore_many", Staff, access.TicketsDelete, s.apiRestoreDeletedTickets)
	s.handleNeeds("DELETE /api/v2/deleted_tickets/{id}", Staff, access.TicketsDelete, s.apiPurgeDeletedTicket)
	s.handleNeeds("DELETE /api/v2/deleted_tickets/destroy_many", Staff, access.TicketsDelete, s.apiBulk("deleted_tickets", "destroy_many"))
	s.handleNeeds("GET /api/v2/search/export", Staff, access.TicketsRead, s.apiSearchExport)
	s.handle("GET /api/v2/incremental/ticket_events", Admin, s.apiIncrementalTicketEvents)
	s.handle("POST /api/v2/imports/tickets", Admin, s.apiImportTicket)
	s.handle("POST /api/v2/imports/tickets/create_many", Admin, s.apiBulk("tickets", "import_many"))
}

// --- deleted tickets ---------------------------------------------------------------

type deletedTicketJSON struct {
	ID            int64          `json:"id"`
	Subject       string         `json:"subject"`
	Description   string         `json:"description"`
	Actor         map[string]any `json:"actor"`
	DeletedAt     time.Time      `json:"deleted_at"`
	PreviousState string         `json:"previous_state"`
}

var deletedTicketSorts = []string{"id", "subject", "deleted_at"}

func (s *Server) apiListDeletedTickets(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := ticket.DeletedFilter{SortBy: q.Get("sort_by"), Desc: q.Get("sort_order") == "desc", Offset: (p.page - 1) * p.perPage, Limit: p.perPage}
	if p.cursor && (q.Has("sort_by") || q.Has("sort_order")) {
		return errs.BadRequest("sort_by: cursor pages of deleted tickets go in id order; sort with page and per_page")
	}
	if p.cursor {
		// Cursor pages (node-zendesk asks page[size] here) go in id order.
		f = ticket.DeletedFilter{AfterID: p.afterID, Limit: p.size + 1}
	}
	if f.HiddenBrands, err = s.hiddenBrands(r); err != nil {
		return err
	}
	ds, n, err := s.Tickets.ListDeleted(r.Context(), f)
	if err != nil {
		return err
	}
	var actorIDs []int64
	for _, d := range ds {
		if d.ActorID != nil {
			actorIDs = append(actorIDs, *d.ActorID)
		}
	}
	names := map[int64]string{}
	if len(actorIDs) > 0 {
		us, err := s.People.GetUsers(r.Context(), actorIDs)
		if err != nil {
			return err
		}
		for _, u := range us {
			names[u.ID] = u.Name
		}
	}
	out := make([]deletedTicketJSON, len(ds))
	for i, d := range ds {
		out[i] = deletedTicketJSON{ID: d.ID, Subject: d.Subject, Description: d.Description, DeletedAt: d.DeletedAt, PreviousState: d.PreviousState}
		if d.ActorID != nil {
			out[i].Actor = map[string]any{"id": *d.ActorID, "name": names[*d.ActorID]}
		}
	}
	body, err := listBody(s, r, "deleted_tickets", p, out, func(d deletedTicketJSON) int64 { return d.ID }, func() (int, error) { return n, nil })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiRestoreDeletedTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "deleted ticket")
	if err != nil {
		return err
	}
	if _, err := s.Tickets.Restore(r.Context(), actorOf(PrincipalFrom(r.Context())), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// apiRestoreDeletedTickets restores ?ids= (each or none: the first that is
// not among the deleted tickets stops the request with a 404 naming it).
func (s *Server) apiRestoreDeletedTickets(w http.ResponseWriter, r *http.Request) error {
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil || len(ids) == 0 {
		return errs.BadRequest("ids: give the ids to restore as ?ids=1,2,3")
	}
	if len(ids) > 100 {
		return errs.Invalid("ids", "Bulk rule: at most 100 tickets per request")
	}
	sc, err := s.partitionScope(r)
	if err != nil {
		return err
	}
	for _, id := range ids {
		d, err := s.Tickets.GetDeleted(r.Context(), id)
		if err != nil {
			return err
		}
		if !sc.Sees(d.BrandID) {
			return errs.NotFound("deleted ticket")
		}
	}
	for _, id := range ids {
		if _, err := s.Tickets.Restore(r.Context(), actorOf(PrincipalFrom(r.Context())), id); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// apiPurgeDeletedTicket deletes a deleted ticket permanently, answered with
// a job status as in Zendesk. A ticket that is not deleted yet is a 404:
// deletion is soft first.
func (s *Server) apiPurgeDeletedTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "deleted ticket")
	if err != nil {
		return err
	}
	if _, err := s.Tickets.GetDeleted(r.Context(), id); err != nil {
		return err
	}
	raw, _ := json.Marshal(bulkItem{ID: id})
	p := PrincipalFrom(r.Context())
	j, err := s.Zendesk.Enqueue(r.Context(), "deleted_tickets/destroy_many", p.UserID, p.Role, []json.RawMessage{raw})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"job_status": s.jobView(r, *j)})
	return nil
}

// purgeDeletedItem is the per-item handler of permanent deletions (jobs).
func (s *Server) purgeDeletedItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "deleted ticket")
	if err != nil {
		return err
	}
	if err := s.Tickets.Purge(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- search export -----------------------------------------------------------------

var exportTypes = []string{zquery.TypeTicket, zquery.TypeUser, zquery.TypeOrganization, zquery.TypeGroup}

// apiSearchExport is Zendesk's search export: the matches of one type
// (filter[type]), cursor-paged in id order, without the 1,000-result cap.
func (s *Server) apiSearchExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	typ := q.Get("filter[type]")
	if !slices.Contains(exportTypes, typ) {
		return errs.BadRequest("filter[type]: give one of ticket, user, organization, group")
	}
	size := 100
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return errs.BadRequest("page[size]: must be a number from 1 to 1000")
		}
		size = n
	}
	var after int64
	if c := q.Get("page[after]"); c != "" {
		id, err := decodeCursor(c)
		if err != nil {
			return err
		}
		after = id
	}
	req, err := s.searchRequest(r)
	if err != nil {
		return err
	}
	hits, err := s.Search.Export(r.Context(), req, typ, after, size+1)
	if err != nil {
		return err
	}
	more := len(hits) > size
	if more {
		hits = hits[:size]
	}
	body := map[string]any{"facets": nil}
	results, err := s.searchResults(r, hits, body, nil)
	if err != nil {
		return err
	}
	meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if len(hits) > 0 {
		meta["after_cursor"] = encodeCursor(hits[len(hits)-1].ID)
	}
	if more {
		links["next"] = s.pageURL(r, map[string]string{"page[after]": meta["after_cursor"].(string), "page[size]": strconv.Itoa(size)})
	}
	body["results"], body["meta"], body["links"] = results, meta, links
	writeJSON(w, http.StatusOK, body)
	return nil
}

// --- incremental ticket events -------------------------------------------------------

// apiIncrementalTicketEvents is Zendesk's incremental ticket event export:
// every audit from start_time (Unix seconds) as a ticket event with its
// child events (field creations and changes; comments with
// include=comment_events), oldest first, continued from end_time. Events
// of the same second may repeat across pages, as in Zendesk.
func (s *Server) apiIncrementalTicketEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	n, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
	if err != nil || n < 0 {
		return errs.BadRequest("start_time: must be a Unix time in seconds")
	}
	start := time.Unix(n, 0).UTC()
	if start.After(s.DB.Clock.Now().Add(-time.Minute)) {
		return errs.BadRequest("start_time: must be more than a minute in the past")
	}
	limit := 1000
	if v := q.Get("per_page"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 || k > 1000 {
			return errs.BadRequest("per_page: must be a number from 1 to 1000")
		}
		limit = k
	}
	comments := slices.Contains(includeList(q.Get("include")), "comment_events")
	as, err := s.Tickets.AuditsSince(r.Context(), start.Add(-time.Microsecond), 1<<63-1, limit+1, comments)
	if err != nil {
		return err
	}
	end := len(as) <= limit
	if !end {
		as = as[:limit]
	}
	// A restricted brand's tickets have no events for outsiders (ADR 0019);
	// the page still ends where the unfiltered one does.
	var tids []int64
	for _, a := range as {
		if !slices.Contains(tids, a.TicketID) {
			tids = append(tids, a.TicketID)
		}
	}
	visible, err := s.visibleIDs(r.Context(), "ticket", tids)
	if err != nil {
		return err
	}
	events := make([]map[string]any, 0, len(as))
	for _, a := range as {
		if slices.Contains(visible, a.TicketID) {
			events = append(events, ticketEventView(a, comments))
		}
	}
	endTime := n
	if len(as) > 0 {
		endTime = as[len(as)-1].CreatedAt.Unix()
		if !end && endTime == n {
			endTime++ // a full page within one second: move on (as Zendesk's one-second resolution does)
		}
	}
	nq := url.Values{"start_time": {strconv.FormatInt(endTime, 10)}}
	for _, k := range []string{"include", "per_page"} {
		if v := q.Get(k); v != "" {
			nq.Set(k, v)
		}
	}
	body := map[string]any{"ticket_events": events, "count": len(events), "end_time": endTime, "end_of_stream": end,
		"next_page": s.baseURL(r) + "/api/v2/incremental/ticket_events.json?" + nq.Encode()}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// ticketEventView is one audit as Zendesk's ticket event: each field set or
// changed is a child event keyed by its field name.
func ticketEventView(a ticket.Audit, comments bool) map[string]any {
	children := []map[string]any{}
	for _, e := range a.Events {
		c := map[string]any{"id": e.ID, "via": a.Via.Channel, "via_reference_id": nil, "event_type": e.Type}
		switch e.Type {
		case ticket.EventComment:
			if !comments {
				continue
			}
			c["author_id"], c["body"], c["html_body"], c["plain_body"], c["public"] = e.AuthorID, e.Body, e.HTMLBody, e.PlainBody, e.Public
			c["attachments"], c["audit_id"], c["created_at"], c["type"] = e.Attachments, a.ID, a.CreatedAt, "Comment"
			if c["attachments"] == nil || len(e.Attachments) == 0 {
				c["attachments"] = []any{}
			}
		default:
			c["field_name"] = e.FieldName
			c[e.FieldName] = e.Value
			if e.Type == ticket.EventChange {
				c["previous_value"] = e.PreviousValue
			}
		}
		children = append(children, c)
	}
	var updater any
	if a.AuthorID != 0 {
		updater = a.AuthorID
	}
	return map[string]any{"id": a.ID, "ticket_id": a.TicketID, "timestamp": a.CreatedAt.Unix(), "created_at": a.CreatedAt,
		"updater_id": updater, "via": a.Via.Channel, "system": a.Via.Source, "event_type": "Audit", "merged_ticket_ids": []int64{},
		"child_events": children}
}

// --- ticket import -------------------------------------------------------------------

// importCommentInput is a comment of an imported ticket; value is the body
// in Zendesk's import.
type importCommentInput struct {
	AuthorID  *int64     `json:"author_id"`
	Value     string     `json:"value"`
	Body      string     `json:"body"`
	HTMLBody  string     `json:"html_body"`
	Public    *bool      `json:"public"`
	Uploads   []string   `json:"uploads"`
	CreatedAt *time.Time `json:"created_at"`
}

func (c importCommentInput) comment() ticket.CommentInput {
	body := c.Body
	if body == "" {
		body = c.Value
	}
	return ticket.CommentInput{Body: body, HTMLBody: c.HTMLBody, Public: c.Public, Uploads: c.Uploads, AuthorID: c.AuthorID}
}

// importTicketInput is what the import adds to a ticket creation.
type importTicketInput struct {
	Comments    []importCommentInput `json:"comments"`
	Description string               `json:"description"`
	CreatedAt   *time.Time           `json:"created_at"`
	UpdatedAt   *time.Time           `json:"updated_at"`
	SolvedAt    *time.Time           `json:"solved_at"`
}

// apiImportTicket is Zendesk's ticket import: a historical ticket with its
// comments, authors and timestamps (created_at, updated_at, solved_at and
// each comment's created_at), which fires no trigger, SLA timer or
// notification. The first comment (comment, else comments[0], else the
// description) is the ticket's description.
func (s *Server) apiImportTicket(w http.ResponseWriter, r *http.Request) error {
	var raw json.RawMessage
	if err := decodeBody(r, "ticket", &raw); err != nil {
		return err
	}
	in, err := s.importInput(r, raw)
	if err != nil {
		return err
	}
	t, err := s.Tickets.Import(r.Context(), actorOf(PrincipalFrom(r.Context())), *in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.ticketURL(r, t.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": s.ticketView(r, *t)})
	return nil
}

// importInput reads an imported ticket from its ticket object raw.
func (s *Server) importInput(r *http.Request, raw json.RawMessage) (*ticket.ImportInput, error) {
	var imp importTicketInput
	if err := json.Unmarshal(raw, &imp); err != nil {
		return nil, jsonError(err, "ticket")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, jsonError(err, "ticket")
	}
	firstAt := imp.CreatedAt
	rest := imp.Comments
	if _, ok := m["comment"]; !ok {
		var first ticket.CommentInput
		switch {
		case len(imp.Comments) > 0:
			first, rest = imp.Comments[0].comment(), imp.Comments[1:]
			if firstAt == nil {
				firstAt = imp.Comments[0].CreatedAt
			}
		case imp.Description != "":
			first = ticket.CommentInput{Body: imp.Description}
		default:
			return nil, errs.Invalid("comments", "Import rule: an imported ticket needs a comment, comments or a description")
		}
		b, _ := json.Marshal(first)
		m["comment"] = b
	}
	delete(m, "comments")
	raw, _ = json.Marshal(m)
	in, err := s.createInput(r, raw, func(ticket.CreateInput) error { return nil })
	if err != nil {
		return nil, err
	}
	out := &ticket.ImportInput{CreateInput: *in, CreatedAt: firstAt, UpdatedAt: imp.UpdatedAt, SolvedAt: imp.SolvedAt}
	for _, c := range rest {
		out.Comments = append(out.Comments, ticket.ImportComment{CommentInput: c.comment(), CreatedAt: c.CreatedAt})
	}
	return out, nil
}

// runBulkBatch is the bulk write path of tickets/create_many and
// imports/tickets/create_many: the chunk's tickets are read as their
// single requests read them, then written in one transaction
// (ticket.Store.CreateMany, ImportMany). Any failure gives nil, and the
// job works the chunk item by item through the single handler instead,
// which gives each item its own result.
func (s *Server) runBulkBatch(ctx context.Context, j *zendesk.JobStatus, from int, items []json.RawMessage) []zendesk.JobResult {
	if j.JobType != "tickets/create_many" && j.JobType != "tickets/import_many" {
		return nil
	}
	u, err := s.People.GetUser(ctx, j.ActorID)
	if err != nil {
		return nil
	}
	p := &auth.Principal{UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Via: "job"}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, principalKey, p), "POST", "/api/v2/tickets", nil)
	if err != nil {
		return nil
	}
	// The inline requesters' users are read at once; the items are then read
	// side by side (their other lookups wait on the database, not on the
	// processor).
	bodies := make([]json.RawMessage, len(items))
	for i := range items {
		var it bulkItem
		if json.Unmarshal(items[i], &it) != nil || len(it.Body) == 0 || checkJSONText(it.Body, "") != nil {
			return nil // an unreadable item: the items go one by one, for their own results
		}
		bodies[i] = it.Body
	}
	req = req.WithContext(s.bulkRequesters(req.Context(), bodies))
	creates := make([]ticket.CreateInput, len(items))
	imports := make([]ticket.ImportInput, len(items))
	failed := make([]bool, len(items))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(8, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if j.JobType == "tickets/import_many" {
					in, err := s.importInput(req, bodies[i])
					if failed[i] = err != nil; err == nil {
						imports[i] = *in
					}
					continue
				}
				in, err := s.createInput(req, bodies[i], nil)
				if failed[i] = err != nil; err == nil {
					creates[i] = *in
				}
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	if slices.Contains(failed, true) {
		return nil
	}
	var ts []*ticket.Ticket
	if j.JobType == "tickets/import_many" {
		ts, err = s.Tickets.ImportMany(ctx, actorOf(p), imports)
	} else {
		ts, err = s.Tickets.CreateMany(ctx, actorOf(p), creates)
	}
	if err != nil {
		return nil
	}
	out := make([]zendesk.JobResult, len(ts))
	for i, t := range ts {
		out[i] = zendesk.JobResult{ID: t.ID, Action: "create", Success: true, Status: "Created"}
		if t.ExternalID != nil {
			out[i].ExternalID = *t.ExternalID
		}
	}
	return out
}

// zendeskHistoryAPIDocs are the OpenAPI notes of the routes above.
func zendeskHistoryAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"GET /api/v2/deleted_tickets":                 {summary: "Deleted tickets (restorable; deleted permanently after 30 days)", tag: "Deleted tickets", result: "deleted_tickets", list: true, sortBy: deletedTicketSorts},
		"PUT /api/v2/deleted_tickets/{id}/restore":    {summary: "Restore a deleted ticket under its id, with its comments and audits", tag: "Deleted tickets"},
		"PUT /api/v2/deleted_tickets/restore_many":    {summary: "Restore the deleted tickets ?ids= (up to 100)", tag: "Deleted tickets", query: []string{"ids"}},
		"DELETE /api/v2/deleted_tickets/{id}":         {summary: "Delete a deleted ticket permanently, as a job (a live ticket must be deleted first)", tag: "Deleted tickets", result: "job_status"},
		"DELETE /api/v2/deleted_tickets/destroy_many": {summary: "Delete the deleted tickets ?ids= permanently, as a job", tag: "Deleted tickets", result: "job_status", query: []string{"ids"}},
		"GET /api/v2/search/export":                   {summary: "Export search results of one type (filter[type]: ticket, user, organization, group), cursor-paged (page[size] up to 1000), without the 1,000-result cap", tag: "Search", result: "results", paging: pagedCursor, query: []string{"query", "filter[type]"}},
		"GET /api/v2/incremental/ticket_events":       {summary: "Incremental ticket event export from start_time (Unix seconds): audits with child events; include=comment_events adds comments", tag: "Incremental export", result: "ticket_events", query: []string{"start_time", "per_page"}, include: []string{"comment_events"}},
		"POST /api/v2/imports/tickets":                {summary: "Import a historical ticket: comments with authors and created_at, created_at, updated_at, solved_at kept; no triggers, SLAs or notifications", tag: "Ticket import", body: "ticket", result: "ticket"},
		"POST /api/v2/imports/tickets/create_many":    {summary: "Import up to 100 historical tickets as a job", tag: "Ticket import", result: "job_status", status200: true},
	}
}
