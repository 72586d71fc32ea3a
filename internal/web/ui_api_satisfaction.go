package web

// Zendesk's satisfaction rating API: a ticket's rating, rating a solved
// ticket as its requester, and listing ratings for staff.

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/satisfaction"
)

// ratingJSON is Zendesk's satisfaction_rating object. Score is good or bad
// for a given rating; a ticket without one shows "offered" (solved, the
// requester may rate) or "unoffered".
type ratingJSON struct {
	ID          int64      `json:"id,omitempty"`
	URL         string     `json:"url,omitempty"`
	TicketID    int64      `json:"ticket_id"`
	RequesterID int64      `json:"requester_id,omitempty"`
	AssigneeID  *int64     `json:"assignee_id"`
	GroupID     *int64     `json:"group_id"`
	Score       string     `json:"score"`
	Comment     string     `json:"comment"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
}

func (s *Server) ratingView(r *http.Request, x satisfaction.Rating) ratingJSON {
	return ratingJSON{ID: x.ID, URL: s.baseURL(r) + "/api/v2/satisfaction_ratings/" + strconv.FormatInt(x.ID, 10) + ".json",
		TicketID: x.TicketID, RequesterID: x.RequesterID, AssigneeID: x.AssigneeID, GroupID: x.GroupID,
		Score: x.Score, Comment: x.Comment, CreatedAt: &x.CreatedAt, UpdatedAt: &x.UpdatedAt}
}

func (s *Server) registerSatisfactionAPI() {
	s.handle("GET /api/v2/satisfaction_ratings", Staff, s.apiListRatings)
	s.handle("GET /api/v2/satisfaction_ratings/{id}", Staff, s.apiShowRating)
	s.handle("GET /api/v2/tickets/{id}/satisfaction_rating", Authenticated, s.apiTicketRating)
	s.handle("POST /api/v2/tickets/{id}/satisfaction_rating", Authenticated, s.apiRateTicket)
}

func satisfactionAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"GET /api/v2/satisfaction_ratings":              {summary: "List satisfaction ratings (score: good, bad, received, each optionally _with_comment/_without_comment; start_time/end_time: Unix seconds)", tag: "Satisfaction ratings", result: "satisfaction_ratings", list: true, query: []string{"score", "start_time", "end_time"}},
		"GET /api/v2/satisfaction_ratings/{id}":         {summary: "Show a satisfaction rating", tag: "Satisfaction ratings", result: "satisfaction_rating"},
		"GET /api/v2/tickets/{id}/satisfaction_rating":  {summary: "A ticket's satisfaction rating (score offered/unoffered when not rated)", tag: "Satisfaction ratings", result: "satisfaction_rating"},
		"POST /api/v2/tickets/{id}/satisfaction_rating": {summary: "Rate a solved ticket as its requester (good or bad, optional comment); rating again changes it", tag: "Satisfaction ratings", body: "satisfaction_rating", result: "satisfaction_rating"},
	}
}

func satisfactionEnvelopes() map[string]envelope {
	return map[string]envelope{
		"satisfaction_rating": {reflect.TypeOf(ratingJSON{}), reflect.TypeOf(satisfaction.Input{})},
	}
}

// ratingFilter reads Zendesk's score (good, bad, received and each
// _with_comment/_without_comment; offered and unoffered are not stored
// ratings) and start_time/end_time (Unix seconds, when the rating was given).
func ratingFilter(r *http.Request) (satisfaction.Filter, error) {
	var f satisfaction.Filter
	q := r.URL.Query()
	if v, ok := first(q, "score"); ok {
		score, comment, _ := strings.Cut(v, "_")
		switch comment {
		case "", "with_comment", "without_comment":
		default:
			score = "?"
		}
		switch score {
		case satisfaction.Good, satisfaction.Bad:
			f.Score = score
		case "received":
		case "offered", "unoffered":
			if comment == "" {
				return f, errs.BadRequest("score: %s lists tickets not rated yet; this list holds given ratings only (good, bad, received, with _with_comment or _without_comment)", v)
			}
			fallthrough
		default:
			return f, errs.BadRequest("score: must be good, bad or received, optionally with _with_comment or _without_comment, not %q", v)
		}
		f.Comment = strings.TrimSuffix(comment, "_comment")
	}
	for name, dst := range map[string]*time.Time{"start_time": &f.Since, "end_time": &f.Until} {
		if v, ok := first(q, name); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return f, errs.BadRequest("%s: must be a Unix time in seconds, not %q", name, v)
			}
			*dst = time.Unix(n, 0).UTC()
		}
	}
	return f, nil
}

func (s *Server) apiListRatings(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f, err := ratingFilter(r)
	if err != nil {
		return err
	}
	pg := p.store()
	f.AfterID, f.Offset, f.Limit = pg.AfterID, pg.Offset, pg.Limit
	if f.Hidden, err = s.hiddenBrands(r); err != nil {
		return err
	}
	list, err := s.Satisfaction.List(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]ratingJSON, len(list))
	for i, x := range list {
		views[i] = s.ratingView(r, x)
	}
	body, err := listBody(s, r, "satisfaction_ratings", p, views, func(x ratingJSON) int64 { return x.ID },
		func() (int, error) { f.AfterID = 0; return s.Satisfaction.Count(r.Context(), f) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowRating(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "satisfaction rating")
	if err != nil {
		return err
	}
	x, err := s.Satisfaction.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"satisfaction_rating": s.ratingView(r, *x)})
	return nil
}

func (s *Server) apiTicketRating(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	x, err := s.Satisfaction.ForTicket(r.Context(), t.ID)
	if err != nil {
		return err
	}
	var out ratingJSON
	switch {
	case x != nil:
		out = s.ratingView(r, *x)
	case satisfaction.Ratable(t.Status):
		out = ratingJSON{TicketID: t.ID, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID, GroupID: t.GroupID, Score: "offered"}
	default:
		out = ratingJSON{TicketID: t.ID, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID, GroupID: t.GroupID, Score: "unoffered"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"satisfaction_rating": out})
	return nil
}

// apiRateTicket records the requester's rating: 200 with the rating, 403
// for anyone but the requester, 422 before the ticket is solved or for a
// score other than good or bad.
func (s *Server) apiRateTicket(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.visibleTicket(r)
	if err != nil {
		return err
	}
	var in satisfaction.Input
	if err := decodeBody(r, "satisfaction_rating", &in); err != nil {
		return err
	}
	p := PrincipalFrom(r.Context())
	x, err := s.Satisfaction.Rate(r.Context(), p.Actor(clientIP(r)), t.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"satisfaction_rating": s.ratingView(r, *x)})
	return nil
}
