package web

// The hiring pages (internal/hiring): the plan against the actual by
// quarter and region with the requisitions; a requisition with its
// vacancies and its pipeline board (columns are stages, cards are
// applications; moving a card runs the rules); the candidate page; my
// interviews and assessment reviews (blind: a candidate number); the
// scorecard form with the stage's interview kit; the source-a-thon page
// with each sourcer's count against the goal. Scope as in api_hiring.go.

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/hiring"
)

func (s *Server) registerHiringUI() {
	in, mg := access.HiringInterview, access.HiringManage
	s.handleNeeds("GET /hiring", Staff, in, s.hiringPage)
	s.handleNeeds("GET /hiring/requisitions/{id}", Staff, in, s.hiringRequisitionPage)
	s.handleNeeds("POST /hiring/applications/{id}/move", Staff, mg, s.hiringMoveForm)
	s.handleNeeds("GET /hiring/candidates/{id}", Staff, in, s.hiringCandidatePage)
	s.handleNeeds("POST /hiring/candidates/{id}/interviews", Staff, mg, s.hiringScheduleForm)
	s.handleNeeds("GET /hiring/interviews", Staff, in, s.hiringInterviewsPage)
	s.handleNeeds("POST /hiring/scorecards/{id}/feedback", Staff, in, s.hiringFeedbackForm)
	s.handleNeeds("GET /hiring/interviews/{id}/scorecard", Staff, in, s.hiringScorecardPage)
	s.handleNeeds("POST /hiring/interviews/{id}/scorecard", Staff, in, s.hiringScorecardForm)
	s.handleNeeds("GET /hiring/sourcing/{id}", Staff, in, s.hiringSourcingPage)
}

// planCell is plan against actual for one quarter and region.
type planCell struct {
	Quarter, Region         string
	Headcount, Open, Filled int
	Roles                   []string
}

func (s *Server) hiringPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lines, err := s.Hiring.Plan(ctx, "")
	if err != nil {
		return err
	}
	cells := map[string]*planCell{}
	var keys []string
	for _, l := range lines {
		k := l.Quarter + "/" + l.Region
		c := cells[k]
		if c == nil {
			c = &planCell{Quarter: l.Quarter, Region: l.Region}
			cells[k] = c
			keys = append(keys, k)
		}
		c.Headcount += l.Headcount
		c.Open += l.Vacancies - l.Filled
		c.Filled += l.Filled
		c.Roles = append(c.Roles, fmt.Sprintf("%s %d", l.Role, l.Headcount))
	}
	sort.Strings(keys)
	var plan []planCell
	for _, k := range keys {
		plan = append(plan, *cells[k])
	}
	rf := hiring.RequisitionFilter{}
	rf.Page.Limit = 200
	reqs, err := s.Hiring.ListRequisitions(ctx, rf)
	if err != nil {
		return err
	}
	ef := hiring.SourcingFilter{}
	ef.Page.Limit = 50
	events, err := s.Hiring.ListSourcingEvents(ctx, ef)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "hiring.html", map[string]any{"Title": "Hiring", "Plan": plan, "Lines": lines,
		"Requisitions": reqs, "Events": events, "Flash": flashOf(w, r)})
	return nil
}

func (s *Server) hiringRequisitionPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRequisition(w, r, http.StatusOK, "")
}

func (s *Server) renderRequisition(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	id, err := pathID(r, "id", "requisition")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	req, err := s.Hiring.GetRequisition(r.Context(), id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": "Requisition " + req.RequisitionID, "Req": req, "Recruiter": v.Recruiter, "Error": problem, "Flash": flashOf(w, r)}
	if v.Recruiter || (req.HiringManagerID != nil && *req.HiringManagerID == v.UserID) {
		_, cols, err := s.Hiring.Board(r.Context(), id, 20) // the first 20 cards of each column, all counted
		if err != nil {
			return err
		}
		data["Board"] = boardView(cols)
	}
	s.render(w, r, status, "hiring_requisition.html", data)
	return nil
}

// boardColumn is a board column with the move form's options, built once
// per column (every card in it is at the same stage) instead of per card.
type boardColumn struct {
	hiring.BoardColumn
	Options template.HTML
}

func boardView(cols []hiring.BoardColumn) []boardColumn {
	out := make([]boardColumn, len(cols))
	for i, c := range cols {
		var b strings.Builder
		for _, o := range cols {
			sel := ""
			if o.Stage.ID == c.Stage.ID {
				sel = " selected"
			}
			fmt.Fprintf(&b, `<option value="%d"%s>%s</option>`, o.Stage.ID, sel, template.HTMLEscapeString(o.Stage.Name))
		}
		out[i] = boardColumn{BoardColumn: c, Options: template.HTML(b.String())} // #nosec G203 -- ids and escaped names
	}
	return out
}

func (s *Server) hiringMoveForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	to, err := strconv.ParseInt(r.PostFormValue("to_stage_id"), 10, 64)
	if err != nil {
		return errs.BadRequest("to_stage_id: must be a stage id")
	}
	a, err := s.Hiring.Move(r.Context(), actor(r), id, to)
	if err != nil {
		if msg, st, ok := problemText(err); ok {
			req := r.PostFormValue("requisition_id")
			r.SetPathValue("id", req)
			return s.renderRequisition(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/hiring/requisitions/%d", a.JobID), fmt.Sprintf("%s moved to %s.", a.CandidateName, a.CurrentStage.Name))
	return nil
}

func (s *Server) hiringCandidatePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCandidate(w, r, http.StatusOK, "")
}

// candidateAppView is an application on the candidate page with the
// scorecards the viewer may see and the stages it can be scheduled at.
type candidateAppView struct {
	App         *hiring.Application
	Cards       []hiring.Scorecard
	Stages      []hiring.Stage
	CanFeedback bool // the hiring manager or a recruiter
}

func (s *Server) renderCandidate(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	c, err := s.Hiring.GetCandidate(r.Context(), v, id)
	if err != nil {
		return err
	}
	stagesOf := map[int64][]hiring.Stage{}
	if v.Recruiter {
		ps, err := s.Hiring.Pipelines(r.Context())
		if err != nil {
			return err
		}
		for _, p := range ps {
			stagesOf[p.ID] = p.Stages
		}
	}
	var apps []candidateAppView
	for _, aid := range c.ApplicationIDs {
		a, err := s.Hiring.GetApplication(r.Context(), v, aid)
		if errs.KindOf(err) == errs.KindNotFound {
			continue
		}
		if err != nil {
			return err
		}
		cards, err := s.Hiring.ListScorecards(r.Context(), hiring.ScorecardFilter{Viewer: v, ApplicationID: aid})
		if err != nil {
			return err
		}
		req, err := s.Hiring.GetRequisition(r.Context(), a.JobID)
		if err != nil {
			return err
		}
		view := candidateAppView{App: a, Cards: cards,
			CanFeedback: v.Recruiter || (req.HiringManagerID != nil && *req.HiringManagerID == v.UserID)}
		if v.Recruiter && a.Status == hiring.AppActive {
			view.Stages = stagesOf[req.PipelineID]
		}
		apps = append(apps, view)
	}
	data := map[string]any{"Title": c.FirstName + " " + c.LastName, "C": c, "Apps": apps, "Recruiter": v.Recruiter, "Error": problem,
		"Flash": flashOf(w, r), "Start": s.now().Add(24 * time.Hour).UTC().Format("2006-01-02T15:04")}
	if v.Recruiter {
		ms, err := s.Hiring.Schedulable(r.Context())
		if err != nil {
			return err
		}
		data["Members"] = ms
	}
	// Email from templates and the candidate's files (api_hiring_mail.go).
	if data["Templates"], err = s.Hiring.Templates(r.Context()); err != nil {
		return err
	}
	if data["Emails"], err = s.Hiring.EmailsOf(r.Context(), c); err != nil {
		return err
	}
	if data["Files"], err = s.candidateFiles(r.Context(), c); err != nil {
		return err
	}
	s.render(w, r, status, "hiring_candidate.html", data)
	return nil
}

// hiringScheduleForm schedules an interview from the candidate page; the
// rules (training gates, panel, referrer, failed technical) answer 422.
func (s *Server) hiringScheduleForm(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	app, err1 := strconv.ParseInt(f.Get("application_id"), 10, 64)
	stage, err2 := strconv.ParseInt(f.Get("stage_id"), 10, 64)
	if err1 != nil || err2 != nil {
		return errs.BadRequest("application_id and stage_id must be ids")
	}
	at, err := time.Parse("2006-01-02T15:04", f.Get("start"))
	if err != nil {
		return s.renderCandidate(w, r, http.StatusUnprocessableEntity, "Start: not a date and time.")
	}
	in := hiring.InterviewInput{ApplicationID: app, StageID: stage, ScheduledAt: at}
	for _, v := range f["interviewer_ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.BadRequest("interviewer_ids must be ids")
		}
		in.Interviewers = append(in.Interviewers, n)
	}
	iv, err := s.Hiring.ScheduleInterview(r.Context(), actor(r), in)
	if err != nil {
		if msg, st, ok := problemText(err); ok {
			return s.renderCandidate(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, "/hiring/candidates/"+r.PathValue("id"), fmt.Sprintf("%s scheduled for %s.", iv.Stage.Name, iv.ScheduledAt.UTC().Format("2006-01-02 15:04 MST")))
	return nil
}

func (s *Server) hiringInterviewsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	f := hiring.InterviewFilter{Viewer: v, Interviewer: v.UserID}
	f.Page.Limit = 200
	ivs, err := s.Hiring.ListInterviews(r.Context(), f)
	if err != nil {
		return err
	}
	var interviews, reviews []hiring.Interview
	for _, iv := range blindInterviews(hiring.Viewer{UserID: v.UserID})(r, ivs) {
		if iv.Status == "cancelled" {
			continue
		}
		if iv.Stage.Kind == hiring.KindAssessment {
			reviews = append(reviews, iv)
		} else {
			interviews = append(interviews, iv)
		}
	}
	fb, err := s.Hiring.FeedbackFor(r.Context(), v.UserID)
	if err != nil {
		return err
	}
	var received []hiring.Feedback
	for _, f := range fb {
		if f.AuthorID != v.UserID {
			received = append(received, f)
		}
	}
	s.render(w, r, http.StatusOK, "hiring_interviews.html", map[string]any{"Title": "My interviews", "Interviews": interviews, "Reviews": reviews,
		"Feedback": received, "Now": s.now(), "Flash": flashOf(w, r)})
	return nil
}

// myInterview returns an interview the caller is assigned to (else not found).
func (s *Server) myInterview(r *http.Request) (*hiring.Interview, error) {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return nil, err
	}
	iv, err := s.Hiring.GetInterview(r.Context(), id)
	if err != nil {
		return nil, err
	}
	me := PrincipalFrom(r.Context()).UserID
	for _, u := range iv.Interviewers {
		if u == me {
			return iv, nil
		}
	}
	return nil, errs.NotFound("interview")
}

func (s *Server) hiringScorecardPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderScorecardForm(w, r, http.StatusOK, "")
}

func (s *Server) renderScorecardForm(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	iv, err := s.myInterview(r)
	if err != nil {
		return err
	}
	ps, err := s.Hiring.Pipelines(r.Context())
	if err != nil {
		return err
	}
	var stage hiring.Stage
	for _, p := range ps {
		for _, st := range p.Stages {
			if st.ID == iv.Stage.ID {
				stage = st
			}
		}
	}
	view := blindInterviews(hiring.Viewer{UserID: PrincipalFrom(r.Context()).UserID})(r, []hiring.Interview{*iv})[0]
	s.render(w, r, status, "hiring_scorecard.html", map[string]any{"Title": "Scorecard", "IV": view, "Stage": stage, "Error": problem, "Form": r.PostForm})
	return nil
}

func (s *Server) hiringScorecardForm(w http.ResponseWriter, r *http.Request) error {
	iv, err := s.myInterview(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := hiring.ScorecardInput{InterviewID: iv.ID, OverallRecommendation: f.Get("overall_recommendation"), KeyTakeAways: f.Get("key_take_aways"),
		Pros: f.Get("pros"), Cons: f.Get("cons"), PrivateNotes: f.Get("private_notes")}
	for _, name := range f["attribute"] {
		if rating := f.Get("rating:" + name); rating != "" {
			in.Attributes = append(in.Attributes, hiring.Attribute{Name: name, Type: "Skills", Rating: rating, Note: strings.TrimSpace(f.Get("note:" + name))})
		}
	}
	if _, err := s.Hiring.SubmitScorecard(r.Context(), actor(r), in); err != nil {
		if msg, st, ok := problemText(err); ok {
			return s.renderScorecardForm(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, "/hiring/interviews", "Scorecard submitted.")
	return nil
}

// hiringFeedbackForm gives feedback on a scorecard from the candidate page.
func (s *Server) hiringFeedbackForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "scorecard")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	sc, err := s.Hiring.GetScorecard(r.Context(), v, id)
	if err != nil {
		return err
	}
	a, err := s.Hiring.GetApplication(r.Context(), hiring.Viewer{Recruiter: true}, sc.ApplicationID)
	if err != nil {
		return err
	}
	r.SetPathValue("id", strconv.FormatInt(a.CandidateID, 10))
	if _, err := s.Hiring.GiveFeedback(r.Context(), actor(r), v, id, r.PostFormValue("body")); err != nil {
		if msg, st, ok := problemText(err); ok {
			return s.renderCandidate(w, r, st, msg)
		}
		return err
	}
	seeOther(w, r, fmt.Sprintf("/hiring/candidates/%d", a.CandidateID), "Feedback sent to the interviewer.")
	return nil
}

func (s *Server) hiringSourcingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "sourcing event")
	if err != nil {
		return err
	}
	e, err := s.Hiring.GetSourcingEvent(r.Context(), id)
	if err != nil {
		return err
	}
	total := 0
	for _, p := range e.Progress {
		total += p.Count
	}
	s.render(w, r, http.StatusOK, "hiring_sourcing.html", map[string]any{"Title": e.Name, "E": e, "Total": total, "Today": s.now().UTC().Format(time.DateOnly)})
	return nil
}

// hiringFuncs are the template helpers of the hiring pages.
func hiringFuncs() map[string]any {
	return map[string]any{
		"days": func(seconds int64) string { return strconv.FormatFloat(float64(seconds)/86400, 'f', 1, 64) },
		"sub":  func(a, b int) int { return a - b },
	}
}
