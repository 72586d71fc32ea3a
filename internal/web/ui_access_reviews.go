package web

// The access review pages: campaigns (admins open and close them), a
// campaign's lines with certify and revoke for their reviewer, a
// print-friendly record and its CSV for auditors.

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/people"
)

func (s *Server) registerAccessReviewUI() {
	read := access.TeamRead
	s.handleNeeds("GET /access-reviews", Staff, read, s.accessReviewsPage)
	s.handle("POST /access-reviews", Admin, s.openAccessReviewForm)
	s.handleNeeds("GET /access-reviews/{id}", Staff, read, s.accessReviewPage)
	s.handle("GET /access-reviews/{id}/export.csv", Admin, s.accessReviewCSV)
	s.handle("POST /access-reviews/{id}/close", Admin, s.closeAccessReviewForm)
	s.handleNeeds("POST /access-reviews/{id}/lines/{line_id}", Staff, read, s.decideLineForm)
}

func (s *Server) accessReviewsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessReviews(w, r, http.StatusOK, "")
}

func (s *Server) renderAccessReviews(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	f := accessreview.CampaignFilter{ReviewerID: reviewerScope(r)}
	f.Page.Limit = 200
	cs, err := s.AccessReviews.List(r.Context(), f)
	if err != nil {
		return err
	}
	for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 { // newest first
		cs[i], cs[j] = cs[j], cs[i]
	}
	s.render(w, r, status, "access_reviews.html", map[string]any{"Title": "Access reviews", "Section": "access", "Campaigns": cs,
		"IsAdmin": reviewerScope(r) == 0, "Error": problem, "Flash": flashOf(w, r),
		"DefaultDue": s.now().Add(accessreview.DefaultDuration).UTC().Format("2006-01-02")})
	return nil
}

func (s *Server) openAccessReviewForm(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	in := accessreview.Input{Name: strings.TrimSpace(f.Get("name"))}
	if v := f.Get("due_on"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return s.renderAccessReviews(w, r, http.StatusUnprocessableEntity, "Due date: not a date (YYYY-MM-DD).")
		}
		d = d.Add(24*time.Hour - time.Second) // the end of that day (UTC)
		in.DueAt = &d
	}
	c, err := s.AccessReviews.Open(r.Context(), actor(r), in)
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderAccessReviews(w, r, status, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/access-reviews/%d", c.ID), fmt.Sprintf("Access review opened with %d accounts.", c.Lines))
	return nil
}

func (s *Server) accessReviewPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessReview(w, r, http.StatusOK, "")
}

func (s *Server) renderAccessReview(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	c, err := s.visibleCampaign(r, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := accessreview.LineFilter{CampaignID: id, ReviewerID: reviewerScope(r), Decision: q.Get("decision")}
	switch f.Decision {
	case "", accessreview.Pending, accessreview.Certified, accessreview.Revoked:
	default:
		f.Decision = ""
	}
	f.Page.Limit = 1000
	var lines []accessreview.Line
	for {
		ls, err := s.AccessReviews.Lines(r.Context(), f)
		if err != nil {
			return err
		}
		lines = append(lines, ls...)
		if len(ls) < f.Page.Limit {
			break
		}
		f.Page.AfterID = ls[len(ls)-1].ID
	}
	me := PrincipalFrom(r.Context())
	s.render(w, r, status, "access_review.html", map[string]any{"Title": c.Name, "Section": "access", "Campaign": c, "Lines": lines,
		"IsAdmin": me.Role == people.RoleAdmin, "MyID": me.UserID, "Decision": f.Decision, "Error": problem, "Flash": flashOf(w, r),
		"Overdue": c.Status == "open" && !s.now().Before(c.DueAt)})
	return nil
}

func (s *Server) decideLineForm(w http.ResponseWriter, r *http.Request) error {
	l, err := s.visibleLine(r)
	if err != nil {
		return err
	}
	decision := r.PostForm.Get("decision")
	out, err := s.AccessReviews.Decide(r.Context(), actor(r), l.CampaignID, l.ID, decision, strings.TrimSpace(r.PostForm.Get("note")))
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderAccessReview(w, r, status, msg)
		}
		return err
	}
	what := "certified"
	if out.Decision == accessreview.Revoked {
		what = "revoked: the account is deactivated, its sessions ended and its API tokens revoked"
	}
	seeOther(w, r, fmt.Sprintf("/access-reviews/%d#line-%d", l.CampaignID, l.ID), fmt.Sprintf("%s: %s.", out.Snapshot.Name, what))
	return nil
}

func (s *Server) closeAccessReviewForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	if _, err := s.AccessReviews.Close(r.Context(), actor(r), id); err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderAccessReview(w, r, status, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/access-reviews/%d", id), "Access review closed; its record is final.")
	return nil
}

func (s *Server) accessReviewCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	c, err := s.AccessReviews.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeAccessReviewCSV(w, r, c)
}
