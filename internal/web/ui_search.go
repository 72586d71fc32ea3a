package web

// Agent search: the Zendesk query syntax (status:open priority>normal
// "exact words" tags:vip requester:me ...) over tickets, from the box at the
// top of the workspace sidebar.

import (
	"net/http"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zquery"
)

func (s *Server) registerSearchUI() {
	if s.Search == nil {
		return
	}
	s.handle("GET /agent/search", Staff, s.agentSearch)
}

func (s *Server) agentSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	side, err := s.viewSidebar(ctx, p.UserID, "")
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "Search", "Sidebar": side, "Query": q, "Wide": true, "Searched": q != "", "CanSearch": true}
	if q == "" {
		s.render(w, r, http.StatusOK, "agent_search.html", data)
		return nil
	}
	parsed, err := zquery.Parse("type:ticket "+q, s.now(), time.UTC)
	if err != nil {
		msg, status, ok := problemText(err)
		if !ok {
			return err
		}
		data["Error"] = msg
		s.render(w, r, status, "agent_search.html", data)
		return nil
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return err
	}
	res, total, err := s.Search.Search(ctx, &search.Request{Query: parsed, Viewer: search.Viewer{UserID: p.UserID, HiddenBrands: hidden},
		Offset: (page - 1) * uiPerPage, Limit: uiPerPage})
	if err != nil {
		return err
	}
	var ids []int64
	for _, x := range res {
		if x.ResultType == zquery.TypeTicket {
			ids = append(ids, x.ID)
		}
	}
	list := []ticket.Ticket{}
	if len(ids) > 0 {
		got, err := s.Tickets.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		byID := map[int64]ticket.Ticket{}
		for _, t := range got {
			byID[t.ID] = t
		}
		for _, id := range ids {
			if t, ok := byID[id]; ok {
				list = append(list, t)
			}
		}
	}
	var people []int64
	for _, t := range list {
		people = append(people, t.RequesterID, derefID(t.AssigneeID))
	}
	nm, err := s.userNames(ctx, people)
	if err != nil {
		return err
	}
	data["Tickets"], data["Names"], data["Pager"] = list, nm, newPager(r, page, total)
	s.render(w, r, http.StatusOK, "agent_search.html", data)
	return nil
}
