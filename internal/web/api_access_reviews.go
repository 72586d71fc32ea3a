package web

// Access reviews (internal/accessreview): admins open and close campaigns;
// each line's reviewer (an account's manager or a named reviewer) and
// admins certify or revoke; a reviewer who is not an admin sees only the
// campaigns and lines they review.

import (
	"context"
	"encoding/csv"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

func (s *Server) registerAccessReviewAPI() {
	if s.AccessReviews == nil {
		s.AccessReviews = accessreview.NewStore(s.DB, s.Audit, s.RevokeAccess)
	}
	read := access.TeamRead
	s.handleNeeds("GET /api/v2/access_reviews", Staff, read, s.apiListAccessReviews)
	s.handle("POST /api/v2/access_reviews", Admin, s.apiOpenAccessReview)
	s.handleNeeds("GET /api/v2/access_reviews/{id}", Staff, read, s.apiShowAccessReview)
	s.handle("POST /api/v2/access_reviews/{id}/close", Admin, s.apiCloseAccessReview)
	s.handleNeeds("GET /api/v2/access_reviews/{id}/lines", Staff, read, s.apiListAccessReviewLines)
	s.handleNeeds("GET /api/v2/access_reviews/{id}/lines/{line_id}", Staff, read, s.apiShowAccessReviewLine)
	s.handleNeeds("POST /api/v2/access_reviews/{id}/lines/{line_id}/certify", Staff, read, s.apiDecideLine(accessreview.Certified))
	s.handleNeeds("POST /api/v2/access_reviews/{id}/lines/{line_id}/revoke", Staff, read, s.apiDecideLine(accessreview.Revoked))
}

// RevokeAccess ends an account's access at once: it is deactivated (every
// request checks that), its sessions end and its API tokens are revoked.
func (s *Server) RevokeAccess(ctx context.Context, a audit.Actor, userID int64, reason string) error {
	if _, err := s.People.DeactivateUser(ctx, a, userID); err != nil {
		return err
	}
	_, _, err := s.Auth.EndAccess(ctx, a, userID, reason)
	return err
}

func accessReviewAPIDocs() map[string]apiDoc {
	ar := "Access reviews"
	return map[string]apiDoc{
		"GET /api/v2/access_reviews":             {summary: "Access review campaigns (admins: all; others: those with lines they review)", tag: ar, result: "access_reviews", list: true},
		"POST /api/v2/access_reviews":            {summary: "Open a campaign: every active staff account becomes a line for its manager (or reviewer_id) to certify or revoke", tag: ar, body: "access_review", result: "access_review"},
		"GET /api/v2/access_reviews/{id}":        {summary: "Show a campaign with its counts", tag: ar, result: "access_review"},
		"POST /api/v2/access_reviews/{id}/close": {summary: "Close a campaign: its record never changes afterwards", tag: ar, result: "access_review", status200: true},
		"GET /api/v2/access_reviews/{id}/lines": {summary: "A campaign's lines: each account's access as it was when the campaign opened, flags, reviewer and decision (a reviewer sees their own lines)", tag: ar,
			result: "lines", list: true, query: []string{"decision", "reviewer_id"}},
		"GET /api/v2/access_reviews/{id}/lines/{line_id}":          {summary: "Show a line", tag: ar, result: "line"},
		"POST /api/v2/access_reviews/{id}/lines/{line_id}/certify": {summary: "Certify a line (its reviewer or an admin; never one's own)", tag: ar, flat: reflect.TypeOf(decisionInput{}), result: "line", status200: true},
		"POST /api/v2/access_reviews/{id}/lines/{line_id}/revoke":  {summary: "Revoke a line: the account is deactivated, its sessions ended and tokens revoked at once", tag: ar, flat: reflect.TypeOf(decisionInput{}), result: "line", status200: true},
	}
}

func accessReviewEnvelopes() map[string]envelope {
	return map[string]envelope{
		"access_review": {reflect.TypeOf(accessreview.Campaign{}), reflect.TypeOf(accessreview.Input{})},
		"line":          {reflect.TypeOf(accessreview.Line{}), nil},
	}
}

type decisionInput struct {
	Note string `json:"note"`
}

// reviewerScope is 0 for an admin (every line) or the caller's id.
func reviewerScope(r *http.Request) int64 {
	p := PrincipalFrom(r.Context())
	if p.Role == people.RoleAdmin {
		return 0
	}
	return p.UserID
}

// visibleCampaign returns campaign id if the caller may see it: admins
// all, others those with a line they review (else not found).
func (s *Server) visibleCampaign(r *http.Request, id int64) (*accessreview.Campaign, error) {
	c, err := s.AccessReviews.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if scope := reviewerScope(r); scope != 0 {
		n, err := s.AccessReviews.CountLines(r.Context(), accessreview.LineFilter{CampaignID: id, ReviewerID: scope})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errs.NotFound("access review")
		}
	}
	return c, nil
}

func (s *Server) apiListAccessReviews(w http.ResponseWriter, r *http.Request) error {
	f := accessreview.CampaignFilter{ReviewerID: reviewerScope(r)}
	return listPaged(s, w, r, "access_reviews", &f, &f.Page, s.AccessReviews.List, s.AccessReviews.Count,
		func(_ *http.Request, cs []accessreview.Campaign) []accessreview.Campaign { return cs },
		func(c accessreview.Campaign) int64 { return c.ID }, nil)
}

func (s *Server) apiOpenAccessReview(w http.ResponseWriter, r *http.Request) error {
	var in accessreview.Input
	if err := decodeBody(r, "access_review", &in); err != nil {
		return err
	}
	c, err := s.AccessReviews.Open(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.baseURL(r)+"/api/v2/access_reviews/"+strconv.FormatInt(c.ID, 10)+".json")
	return writeRecord(w, http.StatusCreated, "access_review", c)
}

func (s *Server) apiShowAccessReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	c, err := s.visibleCampaign(r, id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "access_review", c)
}

func (s *Server) apiCloseAccessReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	c, err := s.AccessReviews.Close(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "access_review", c)
}

// lineFilter reads a lines list's filters; a reviewer is held to their own lines.
func lineFilter(r *http.Request, campaign int64) (accessreview.LineFilter, error) {
	q := r.URL.Query()
	f := accessreview.LineFilter{CampaignID: campaign, Decision: q.Get("decision")}
	switch f.Decision {
	case "", accessreview.Pending, accessreview.Certified, accessreview.Revoked:
	default:
		return f, errs.BadRequest("decision: must be pending, certified or revoked")
	}
	if v := q.Get("reviewer_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, errs.BadRequest("reviewer_id: must be an id")
		}
		f.ReviewerID = n
	}
	if scope := reviewerScope(r); scope != 0 {
		if f.ReviewerID != 0 && f.ReviewerID != scope {
			return f, errs.Forbidden("a reviewer sees only the lines they review")
		}
		f.ReviewerID = scope
	}
	return f, nil
}

func (s *Server) apiListAccessReviewLines(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	if _, err := s.visibleCampaign(r, id); err != nil {
		return err
	}
	f, err := lineFilter(r, id)
	if err != nil {
		return err
	}
	return listPaged(s, w, r, "lines", &f, &f.Page, s.AccessReviews.Lines, s.AccessReviews.CountLines,
		func(_ *http.Request, ls []accessreview.Line) []accessreview.Line { return ls },
		func(l accessreview.Line) int64 { return l.ID }, nil)
}

// visibleLine returns a line the caller may see (admins, or its reviewer).
func (s *Server) visibleLine(r *http.Request) (*accessreview.Line, error) {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return nil, err
	}
	lid, err := pathID(r, "line_id", "access review line")
	if err != nil {
		return nil, err
	}
	l, err := s.AccessReviews.Line(r.Context(), id, lid)
	if err != nil {
		return nil, err
	}
	if scope := reviewerScope(r); scope != 0 && (l.ReviewerID == nil || *l.ReviewerID != scope) {
		return nil, errs.NotFound("access review line")
	}
	return l, nil
}

func (s *Server) apiShowAccessReviewLine(w http.ResponseWriter, r *http.Request) error {
	l, err := s.visibleLine(r)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "line", l)
}

func (s *Server) apiDecideLine(decision string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		l, err := s.visibleLine(r)
		if err != nil {
			return err
		}
		var in decisionInput
		if r.ContentLength != 0 {
			if err := decodeFlat(r, &in); err != nil {
				return err
			}
		}
		out, err := s.AccessReviews.Decide(r.Context(), actor(r), l.CampaignID, l.ID, decision, strings.TrimSpace(in.Note))
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, "line", out)
	}
}

// writeAccessReviewCSV writes a campaign's whole record as CSV.
func (s *Server) writeAccessReviewCSV(w http.ResponseWriter, r *http.Request, c *accessreview.Campaign) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="access-review-`+strconv.FormatInt(c.ID, 10)+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"campaign", "line_id", "user_id", "name", "email", "role", "custom_role", "groups", "manager", "last_sign_in",
		"api_tokens", "flags", "reviewer", "escalated_at", "decision", "decided_by", "decided_at", "note"})
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	f := accessreview.LineFilter{CampaignID: c.ID}
	f.Page.Limit = 1000
	for {
		ls, err := s.AccessReviews.Lines(r.Context(), f)
		if err != nil {
			return err
		}
		for _, l := range ls {
			var toks []string
			for _, t := range l.Snapshot.Tokens {
				toks = append(toks, t.Prefix+"… created "+t.CreatedAt.UTC().Format("2006-01-02")+", last used "+orNever(ts(t.LastUsedAt)))
			}
			rec := []string{c.Name, strconv.FormatInt(l.ID, 10), strconv.FormatInt(l.UserID, 10), l.Snapshot.Name, l.Snapshot.Email,
				l.Snapshot.Role, l.Snapshot.CustomRole, strings.Join(l.Snapshot.Groups, "; "), l.Snapshot.Manager,
				ts(l.Snapshot.LastLoginAt), strings.Join(toks, "; "), strings.Join(l.Flags, " "), l.Reviewer,
				ts(l.EscalatedAt), l.Decision, l.DecidedByName, ts(l.DecidedAt), l.Note}
			team.SafeCells(rec)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if len(ls) < f.Page.Limit {
			break
		}
		f.Page.AfterID = ls[len(ls)-1].ID
	}
	cw.Flush()
	return cw.Error()
}

func orNever(s string) string {
	if s == "" {
		return "never"
	}
	return s
}
