package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/search"
)

// searchSorts are the values of the search's sort_by.
var searchSorts = []string{"relevance", "updated_at", "created_at", "priority", "status", "ticket_type"}

// searchIncludes are the side-loads of search results, per result type
// (include=tickets(users,groups)).
var searchIncludes = map[string][]string{"tickets": ticketIncludes}

func (s *Server) registerSearchAPI() {
	s.handle("GET /api/v2/search", Authenticated, s.apiSearch)
	s.handle("GET /api/v2/search/count", Authenticated, s.apiSearchCount)
}

// searchRequest parses ?query= for the caller. Dates are read in the
// caller's time zone.
func (s *Server) searchRequest(r *http.Request) (*search.Request, error) {
	p := PrincipalFrom(r.Context())
	loc := time.UTC
	if u, err := s.People.GetUser(r.Context(), p.UserID); err == nil {
		if l, err := time.LoadLocation(u.TimeZone); err == nil {
			loc = l
		}
	}
	q, err := search.Parse(r.URL.Query().Get("query"), s.DB.Clock.Now(), loc)
	if err != nil {
		return nil, err
	}
	// sort_by and sort_order are checked against searchSorts by checkQuery;
	// order_by: and sort: in the query win over them.
	if q.OrderBy == "" {
		switch v := r.URL.Query().Get("sort_by"); v {
		case "", "relevance":
		default:
			q.OrderBy = map[string]string{"updated_at": "updated", "created_at": "created"}[v]
			if q.OrderBy == "" {
				q.OrderBy = v
			}
		}
	}
	if q.Sort == "" {
		q.Sort = r.URL.Query().Get("sort_order")
	}
	vis, err := s.visibility(r)
	if err != nil {
		return nil, err
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return nil, err
	}
	req := &search.Request{Query: q, Viewer: search.Viewer{UserID: p.UserID, Visibility: vis, HiddenBrands: hidden}}
	if vis != nil && len(search.Types(req)) == 0 {
		return nil, errs.Forbidden("end-users may only search their tickets")
	}
	return req, nil
}

// apiSearch answers Zendesk's unified search: results of every matching
// type, each with its result_type, offset-paginated.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	req, err := s.searchRequest(r)
	if err != nil {
		return err
	}
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	if p.cursor {
		return errs.BadRequest("search uses offset pagination (page, per_page)")
	}
	if p.page*p.perPage > 1000 {
		return errs.BadRequest("page: search returns at most 1000 results; narrow the query")
	}
	scoped, err := includeScoped(r.URL.Query().Get("include"), searchIncludes)
	if err != nil {
		return err
	}
	if !PrincipalFrom(r.Context()).IsStaff() {
		for _, inc := range scoped["tickets"] {
			if inc != "comment_count" {
				return errs.Forbidden("include: end-users may not side-load %s", inc)
			}
		}
	}
	req.Offset, req.Limit = (p.page-1)*p.perPage, p.perPage
	hits, total, err := s.Search.Search(r.Context(), req)
	if err != nil {
		return err
	}
	body := map[string]any{"count": total, "next_page": nil, "previous_page": nil, "facets": nil}
	results, err := s.searchResults(r, hits, body, scoped)
	if err != nil {
		return err
	}
	body["results"] = results
	if p.page*p.perPage < min(total, 1000) {
		body["next_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page + 1), "per_page": strconv.Itoa(p.perPage)})
	}
	if p.page > 1 {
		body["previous_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page - 1), "per_page": strconv.Itoa(p.perPage)})
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiSearchCount(w http.ResponseWriter, r *http.Request) error {
	req, err := s.searchRequest(r)
	if err != nil {
		return err
	}
	counts, err := s.Search.Count(r.Context(), req)
	if err != nil {
		return err
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": n})
	return nil
}

// searchResults loads the records of hits, in order, each with result_type,
// and adds the side-loads scoped asks for (per result type) to body.
func (s *Server) searchResults(r *http.Request, hits []search.Result, body map[string]any, scoped map[string][]string) ([]map[string]any, error) {
	ctx := r.Context()
	var ticketIDs, userIDs []int64
	for _, h := range hits {
		switch h.ResultType {
		case "ticket":
			ticketIDs = append(ticketIDs, h.ID)
		case "user":
			userIDs = append(userIDs, h.ID)
		}
	}
	records := map[string]any{}
	key := func(typ string, id int64) string { return typ + ":" + strconv.FormatInt(id, 10) }
	views := []ticketJSON{}
	if len(ticketIDs) > 0 {
		ts, err := s.Tickets.GetMany(ctx, ticketIDs)
		if err != nil {
			return nil, err
		}
		if ts, err = s.visibleTickets(r, ts); err != nil { // the search filtered them already; belt and braces
			return nil, err
		}
		if err := s.auditTicketReads(r, ts); err != nil {
			return nil, err
		}
		views = s.ticketsView(r, ts)
	}
	if incs := scoped["tickets"]; len(incs) > 0 {
		if err := s.sideloadTickets(withIncludes(r, incs), body, views); err != nil {
			return nil, err
		}
	}
	for _, t := range views {
		records[key("ticket", t.ID)] = viewForCaller(r, t)
	}
	if len(userIDs) > 0 {
		us, err := s.People.GetUsers(ctx, userIDs)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			records[key("user", u.ID)] = s.userView(r, u)
		}
	}
	for _, h := range hits {
		switch h.ResultType {
		case "organization":
			o, err := s.People.GetOrganization(ctx, h.ID)
			if err != nil {
				return nil, err
			}
			records[key("organization", o.ID)] = s.orgView(r, *o)
		case "group":
			g, err := s.People.GetGroup(ctx, h.ID)
			if err != nil {
				return nil, err
			}
			records[key("group", g.ID)] = s.groupView(r, *g)
		}
	}
	out := []map[string]any{}
	for _, h := range hits {
		rec, ok := records[key(h.ResultType, h.ID)]
		if !ok {
			continue // deleted between the search and the load
		}
		m, err := toMap(rec)
		if err != nil {
			return nil, err
		}
		m["result_type"] = h.ResultType
		out = append(out, m)
	}
	return out, nil
}
