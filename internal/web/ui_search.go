package web

// Agent search: the Zendesk query syntax (status:open priority>normal
// "exact words" tags:vip requester:me ...) over tickets, people and
// organizations, from the box at the top of the workspace sidebar. Each
// kind is a tab with its count; ticket results show a snippet of the
// description around the first word searched, highlighted. People found
// by name lead to their tickets (a ticket found by its requester's name).

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
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

// searchTab is one kind of result with its count.
type searchTab struct {
	Type, Label string
	Count       int
	Current     bool
}

// snippetPart is a piece of a snippet: highlighted when Hit.
type snippetPart struct {
	Text string
	Hit  bool
}

type ticketHit struct {
	ticket.Ticket
	Snippet []snippetPart
}

// searchWords are the plain words of a query (not field:value terms or
// operators), lower-cased, for highlighting.
func searchWords(q string) []string {
	var out []string
	for _, f := range strings.Fields(q) {
		f = strings.Trim(f, `"`)
		if f == "" || strings.ContainsAny(f, ":<>=") || strings.HasPrefix(f, "-") {
			continue
		}
		out = append(out, strings.ToLower(f))
	}
	return out
}

// snippet cuts text around the first of words (about width runes) and
// marks every occurrence of the words in it; nil when none occurs.
func snippet(text string, words []string, width int) []snippetPart {
	text = strings.Join(strings.Fields(text), " ")
	low := strings.ToLower(text)
	if len(low) != len(text) { // lower-casing changed byte lengths (rare scripts): match on the text as written
		low = text
	}
	first := -1
	for _, w := range words {
		if i := strings.Index(low, w); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return nil
	}
	r := []rune(text)
	at := len([]rune(text[:first]))
	from := max(0, at-width/3)
	to := min(len(r), from+width)
	for from > 0 && !unicode.IsSpace(r[from-1]) && at-from < width/2 { // start at a word
		from--
	}
	cut := string(r[from:to])
	lowCut := strings.ToLower(cut)
	if len(lowCut) != len(cut) {
		lowCut = cut
	}
	var parts []snippetPart
	if from > 0 {
		parts = append(parts, snippetPart{Text: "…"})
	}
	for i := 0; i < len(cut); {
		hit := ""
		for _, w := range words {
			if strings.HasPrefix(lowCut[i:], w) && len(w) > len(hit) {
				hit = w
			}
		}
		if hit != "" {
			parts = append(parts, snippetPart{Text: cut[i : i+len(hit)], Hit: true})
			i += len(hit)
			continue
		}
		j := i + 1
		for j < len(cut) && !func() bool {
			for _, w := range words {
				if strings.HasPrefix(lowCut[j:], w) {
					return true
				}
			}
			return false
		}() {
			j++
		}
		parts = append(parts, snippetPart{Text: cut[i:j]})
		i = j
	}
	if to < len(r) {
		parts = append(parts, snippetPart{Text: "…"})
	}
	return parts
}

func (s *Server) agentSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := PrincipalFrom(ctx)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	kind := r.URL.Query().Get("type")
	switch kind {
	case "":
		kind = zquery.TypeTicket
	case zquery.TypeTicket, zquery.TypeUser, zquery.TypeOrganization:
	default:
		return errs.BadRequest("type must be ticket, user or organization")
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	side, err := s.viewSidebar(ctx, p.UserID, "")
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "Search", "Sidebar": side, "Query": q, "Type": kind, "Wide": true, "Searched": q != "", "CanSearch": true}
	if q == "" {
		s.render(w, r, http.StatusOK, "agent_search.html", data)
		return nil
	}
	hidden, err := s.hiddenBrands(r)
	if err != nil {
		return err
	}
	viewer := search.Viewer{UserID: p.UserID, HiddenBrands: hidden}
	run := func(typ string, offset, limit int) ([]search.Result, int, error) {
		parsed, err := zquery.Parse("type:"+typ+" "+q, s.now(), time.UTC)
		if err != nil {
			return nil, 0, err
		}
		return s.Search.Search(ctx, &search.Request{Query: parsed, Viewer: viewer, Offset: offset, Limit: limit})
	}
	var tabs []searchTab
	var res []search.Result
	total := 0
	for _, t := range []struct{ typ, label string }{{zquery.TypeTicket, "Tickets"}, {zquery.TypeUser, "People"}, {zquery.TypeOrganization, "Organizations"}} {
		offset, limit := 0, 1
		if t.typ == kind {
			offset, limit = (page-1)*uiPerPage, uiPerPage
		}
		got, n, err := run(t.typ, offset, limit)
		if err != nil && t.typ != kind {
			// A query of ticket fields (status:open) means nothing for
			// people: that tab has no count, the asked one still answers.
			if _, _, ok := problemText(err); ok {
				tabs = append(tabs, searchTab{Type: t.typ, Label: t.label, Count: -1})
				continue
			}
		}
		if err != nil {
			msg, status, ok := problemText(err)
			if !ok {
				return err
			}
			data["Error"] = msg
			s.render(w, r, status, "agent_search.html", data)
			return nil
		}
		if t.typ == kind {
			res, total = got, n
		}
		tabs = append(tabs, searchTab{Type: t.typ, Label: t.label, Count: n, Current: t.typ == kind})
	}
	data["Tabs"], data["Pager"] = tabs, newPager(r, page, total)
	var ids []int64
	for _, x := range res {
		ids = append(ids, x.ID)
	}
	switch kind {
	case zquery.TypeTicket:
		hits, nm, err := s.ticketHits(ctx, ids, searchWords(q))
		if err != nil {
			return err
		}
		data["Tickets"], data["Names"] = hits, nm
	case zquery.TypeUser:
		us, err := s.People.GetUsers(ctx, ids)
		if err != nil {
			return err
		}
		data["Users"] = inOrder(ids, us, func(u people.User) int64 { return u.ID })
	case zquery.TypeOrganization:
		os, err := s.People.GetOrganizations(ctx, ids)
		if err != nil {
			return err
		}
		data["Orgs"] = inOrder(ids, os, func(o people.Organization) int64 { return o.ID })
	}
	s.render(w, r, http.StatusOK, "agent_search.html", data)
	return nil
}

// inOrder returns items in the order of ids (search rank).
func inOrder[T any](ids []int64, items []T, id func(T) int64) []T {
	byID := map[int64]T{}
	for _, it := range items {
		byID[id(it)] = it
	}
	out := []T{}
	for _, i := range ids {
		if it, ok := byID[i]; ok {
			out = append(out, it)
		}
	}
	return out
}

// ticketHits reads the tickets found, in rank order, with snippets of
// their descriptions, and the names of their people.
func (s *Server) ticketHits(ctx context.Context, ids []int64, words []string) ([]ticketHit, names, error) {
	got, err := s.Tickets.GetMany(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	list := inOrder(ids, got, func(t ticket.Ticket) int64 { return t.ID })
	var ppl []int64
	hits := make([]ticketHit, len(list))
	for i, t := range list {
		ppl = append(ppl, t.RequesterID, derefID(t.AssigneeID))
		hits[i] = ticketHit{Ticket: t, Snippet: snippet(t.Description, words, 160)}
	}
	nm, err := s.userNames(ctx, ppl)
	return hits, nm, err
}
