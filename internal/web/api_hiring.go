package web

// Hiring (internal/hiring): the hiring plan, requisitions and vacancies,
// role pipelines, candidates, applications (advance, move, reject, hire),
// interviews, scorecards and sourcing events, in Greenhouse Harvest's
// shapes where the concept matches. Agents need hiring.interview to take
// part (they then see only what their part shows: the requisitions they
// manage, the interviews they take, blind assessments by candidate number)
// and hiring.manage (recruiters) to run hiring and see everything.
// Customers reach none of it.

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/hiring"
)

func (s *Server) registerHiringAPI() {
	if s.Hiring == nil {
		s.Hiring = hiring.NewStore(s.DB, s.Audit)
		if _, err := s.Hiring.SeedPipelines(context.Background()); err != nil {
			s.log.Error("hiring pipelines not seeded", "err", err)
		}
	}
	in, mg := access.HiringInterview, access.HiringManage
	s.handleNeeds("GET /api/v2/hiring/plan", Staff, in, s.apiHiringPlan)
	s.handleNeeds("PUT /api/v2/hiring/plan", Staff, mg, s.apiSaveHiringPlan)
	s.handleNeeds("GET /api/v2/hiring/pipelines", Staff, in, s.apiHiringPipelines)
	s.handleNeeds("GET /api/v2/hiring/requisitions", Staff, in, s.apiListRequisitions)
	s.handleNeeds("POST /api/v2/hiring/requisitions", Staff, mg, s.apiCreateRequisition)
	s.handleNeeds("GET /api/v2/hiring/requisitions/{id}", Staff, in, s.apiShowRequisition)
	s.handleNeeds("GET /api/v2/hiring/requisitions/{id}/board", Staff, in, s.apiRequisitionBoard)
	s.handleNeeds("POST /api/v2/hiring/requisitions/{id}/openings", Staff, mg, s.apiAddOpening)
	s.handleNeeds("GET /api/v2/hiring/vacancies", Staff, in, s.apiListVacancies)
	s.handleNeeds("GET /api/v2/hiring/vacancies/{id}", Staff, in, s.apiShowVacancy)
	s.handleNeeds("PUT /api/v2/hiring/vacancies/{id}", Staff, mg, s.apiUpdateVacancy)
	s.handleNeeds("GET /api/v2/hiring/candidates", Staff, in, s.apiListCandidates)
	s.handleNeeds("POST /api/v2/hiring/candidates", Staff, in, s.apiCreateCandidate)
	s.handleNeeds("GET /api/v2/hiring/candidates/{id}", Staff, in, s.apiShowCandidate)
	s.handleNeeds("DELETE /api/v2/hiring/candidates/{id}", Staff, mg, s.apiEraseCandidate)
	s.handleNeeds("POST /api/v2/hiring/candidates/{id}/merge", Staff, mg, s.apiMergeCandidate)
	s.handleNeeds("PUT /api/v2/hiring/candidates/{id}/demographics", Staff, mg, s.apiRecordDemographics)
	s.handleNeeds("GET /api/v2/hiring/demographics", Staff, mg, s.apiDemographicsReport)
	s.handleNeeds("GET /api/v2/hiring/applications", Staff, in, s.apiListApplications)
	s.handleNeeds("POST /api/v2/hiring/applications", Staff, mg, s.apiCreateApplication)
	s.handleNeeds("GET /api/v2/hiring/applications/{id}", Staff, in, s.apiShowApplication)
	s.handleNeeds("POST /api/v2/hiring/applications/{id}/advance", Staff, mg, s.apiAdvanceApplication)
	s.handleNeeds("POST /api/v2/hiring/applications/{id}/move", Staff, mg, s.apiMoveApplication)
	s.handleNeeds("POST /api/v2/hiring/applications/{id}/reject", Staff, mg, s.apiRejectApplication)
	s.handleNeeds("POST /api/v2/hiring/applications/{id}/hire", Staff, mg, s.apiHireApplication)
	s.handleNeeds("GET /api/v2/hiring/interviews", Staff, in, s.apiListInterviews)
	s.handleNeeds("POST /api/v2/hiring/interviews", Staff, mg, s.apiScheduleInterview)
	s.handleNeeds("GET /api/v2/hiring/interviews/{id}", Staff, in, s.apiShowInterview)
	s.handleNeeds("GET /api/v2/hiring/scorecards", Staff, in, s.apiListScorecards)
	s.handleNeeds("POST /api/v2/hiring/scorecards", Staff, in, s.apiSubmitScorecard)
	s.handleNeeds("GET /api/v2/hiring/scorecards/{id}", Staff, in, s.apiShowScorecard)
	s.handleNeeds("POST /api/v2/hiring/scorecards/{id}/feedback", Staff, in, s.apiGiveFeedback)
	s.handleNeeds("GET /api/v2/hiring/scorecard_feedback", Staff, in, s.apiMyFeedback)
	s.handleNeeds("GET /api/v2/hiring/sourcing_events", Staff, in, s.apiListSourcingEvents)
	s.handleNeeds("POST /api/v2/hiring/sourcing_events", Staff, mg, s.apiCreateSourcingEvent)
	s.handleNeeds("GET /api/v2/hiring/sourcing_events/{id}", Staff, in, s.apiShowSourcingEvent)
	s.handleNeeds("PUT /api/v2/hiring/interviewer_attributes/me", Staff, in, s.apiSetInterviewerAttributes)
}

func hiringAPIDocs() map[string]apiDoc {
	h := "Hiring"
	return map[string]apiDoc{
		"GET /api/v2/hiring/plan":                         {summary: "The hiring plan: headcount per quarter, region and role with the actual (vacancies, filled)", tag: h, result: "plan_lines", query: []string{"quarter"}},
		"PUT /api/v2/hiring/plan":                         {summary: "Create or update the plan line of a quarter, region and role", tag: h, body: "plan_line", result: "plan_line", status200: true},
		"GET /api/v2/hiring/pipelines":                    {summary: "Role pipelines: stages with durations, interview kits and knockout rules", tag: h, result: "pipelines"},
		"GET /api/v2/hiring/requisitions":                 {summary: "Requisitions (Greenhouse jobs)", tag: h, result: "requisitions", list: true, query: []string{"region", "status"}},
		"POST /api/v2/hiring/requisitions":                {summary: "Create a requisition with its draft openings (1001-1, 1001-2 ...)", tag: h, body: "requisition", result: "requisition"},
		"GET /api/v2/hiring/requisitions/{id}":            {summary: "Show a requisition with its openings", tag: h, result: "requisition"},
		"GET /api/v2/hiring/requisitions/{id}/board":      {summary: "A requisition's pipeline board: a column per stage with its active applications", tag: h, result: "board"},
		"POST /api/v2/hiring/requisitions/{id}/openings":  {summary: "Add a draft opening to a requisition", tag: h, body: "opening", result: "vacancy"},
		"GET /api/v2/hiring/vacancies":                    {summary: "Vacancies (openings) with opening_id, job_title, region, hiring_manager_id, status, type, target and actual start date, candidate_id", tag: h, result: "vacancies", list: true, query: []string{"region", "status", "requisition_id"}},
		"GET /api/v2/hiring/vacancies/{id}":               {summary: "Show a vacancy", tag: h, result: "vacancy"},
		"PUT /api/v2/hiring/vacancies/{id}":               {summary: "Change a vacancy's status (draft, approved, open, offer, closed with a reason), type or target start date", tag: h, body: "vacancy", result: "vacancy"},
		"GET /api/v2/hiring/candidates":                   {summary: "Candidates the caller may see (recruiters: all; others: those of requisitions they manage or interviews they take)", tag: h, result: "candidates", list: true, query: []string{"email", "sourcing_event_id"}},
		"POST /api/v2/hiring/candidates":                  {summary: "Add a candidate or prospect (credited to its sourcer); a duplicate email is refused unless allow_duplicate", tag: h, body: "candidate", result: "candidate"},
		"GET /api/v2/hiring/candidates/{id}":              {summary: "Show a candidate (a read by a non-recruiter is audited)", tag: h, result: "candidate", query: []string{"export"}},
		"DELETE /api/v2/hiring/candidates/{id}":           {summary: "Erase a candidate on request: anonymised, funnel metrics kept", tag: h},
		"POST /api/v2/hiring/candidates/{id}/merge":       {summary: "Merge this duplicate into primary_candidate_id", tag: h, flat: reflect.TypeOf(candidateMergeInput{}), result: "candidate", status200: true},
		"PUT /api/v2/hiring/candidates/{id}/demographics": {summary: "Record a candidate's voluntary demographic answers (US roles only); kept apart and never returned", tag: h, flat: reflect.TypeOf(hiring.Demographics{}), result: ""},
		"GET /api/v2/hiring/demographics":                 {summary: "Demographic answers in aggregate; groups under 5 show no count", tag: h, result: "demographics"},
		"GET /api/v2/hiring/applications":                 {summary: "Applications the caller may see", tag: h, result: "applications", list: true, query: []string{"job_id", "candidate_id", "status"}},
		"POST /api/v2/hiring/applications":                {summary: "Add an application of a candidate to a requisition (at its first stage)", tag: h, body: "application", result: "application"},
		"GET /api/v2/hiring/applications/{id}":            {summary: "Show an application with its stage history and time in each stage", tag: h, result: "application"},
		"POST /api/v2/hiring/applications/{id}/advance":   {summary: "Advance to the next stage (from_stage_id must be the current one)", tag: h, flat: reflect.TypeOf(stageInput{}), result: "application", status200: true},
		"POST /api/v2/hiring/applications/{id}/move":      {summary: "Move to any stage of the pipeline (the stage rules run)", tag: h, flat: reflect.TypeOf(stageInput{}), result: "application", status200: true},
		"POST /api/v2/hiring/applications/{id}/reject":    {summary: "Reject with a reason; open interviews are cancelled", tag: h, flat: reflect.TypeOf(rejectInput{}), result: "application", status200: true},
		"POST /api/v2/hiring/applications/{id}/hire":      {summary: "Hire into a vacancy of the requisition with a start date; the vacancy is filled", tag: h, flat: reflect.TypeOf(hiring.HireInput{}), result: "application", status200: true},
		"GET /api/v2/hiring/interviews":                   {summary: "Interviews (mine=true: the caller's own); assessments show a candidate number only", tag: h, result: "interviews", list: true, query: []string{"application_id", "status", "mine"}},
		"POST /api/v2/hiring/interviews":                  {summary: "Schedule an interview with its interviewers (training gates, panel, referrer and failed-technical rules); an assessment without interviewers is routed round-robin", tag: h, body: "interview", result: "interview"},
		"GET /api/v2/hiring/interviews/{id}":              {summary: "Show an interview", tag: h, result: "interview"},
		"GET /api/v2/hiring/scorecards":                   {summary: "Scorecards the caller may see: an interviewer sees others of an application only after submitting their own", tag: h, result: "scorecards", list: true, query: []string{"application_id", "interview_id"}},
		"POST /api/v2/hiring/scorecards":                  {summary: "Submit one's scorecard for an interview (assigned interviewers, once, not before the interview)", tag: h, body: "scorecard", result: "scorecard"},
		"GET /api/v2/hiring/scorecards/{id}":              {summary: "Show a scorecard", tag: h, result: "scorecard"},
		"POST /api/v2/hiring/scorecards/{id}/feedback":    {summary: "Give feedback on another interviewer's scorecard (the hiring manager or a recruiter); delivered to its author only", tag: h, flat: reflect.TypeOf(feedbackInput{}), result: "scorecard_feedback"},
		"GET /api/v2/hiring/scorecard_feedback":           {summary: "Feedback on the caller's scorecards, and the feedback they gave", tag: h, result: "scorecard_feedbacks"},
		"GET /api/v2/hiring/sourcing_events":              {summary: "Source-a-thons with each sourcer's count against the goal", tag: h, result: "sourcing_events", list: true},
		"POST /api/v2/hiring/sourcing_events":             {summary: "Define a source-a-thon (goals default to 40 a month, 10 a week)", tag: h, body: "sourcing_event", result: "sourcing_event"},
		"GET /api/v2/hiring/sourcing_events/{id}":         {summary: "Show a source-a-thon with its progress", tag: h, result: "sourcing_event"},
		"PUT /api/v2/hiring/interviewer_attributes/me":    {summary: "Opt in (or out) as a non-male interviewer for the panel rule; visible to schedulers only", tag: h, flat: reflect.TypeOf(attributesInput{}), result: "interviewer_attributes"},
	}
}

func hiringEnvelopes() map[string]envelope {
	return map[string]envelope{
		"plan_line":              {reflect.TypeOf(hiring.PlanLine{}), reflect.TypeOf(hiring.PlanLineInput{})},
		"pipeline":               {reflect.TypeOf(hiring.Pipeline{}), nil},
		"requisition":            {reflect.TypeOf(hiring.Requisition{}), reflect.TypeOf(hiring.RequisitionInput{})},
		"board":                  {reflect.TypeOf(boardJSON{}), nil},
		"opening":                {reflect.TypeOf(hiring.Vacancy{}), reflect.TypeOf(openingInput{})},
		"vacancy":                {reflect.TypeOf(hiring.Vacancy{}), reflect.TypeOf(hiring.VacancyInput{})},
		"vacancies":              {reflect.TypeOf([]hiring.Vacancy{}), nil},
		"candidate":              {reflect.TypeOf(hiring.Candidate{}), reflect.TypeOf(hiring.CandidateInput{})},
		"application":            {reflect.TypeOf(hiring.Application{}), reflect.TypeOf(applicationInput{})},
		"interview":              {reflect.TypeOf(hiring.Interview{}), reflect.TypeOf(hiring.InterviewInput{})},
		"scorecard":              {reflect.TypeOf(hiring.Scorecard{}), reflect.TypeOf(hiring.ScorecardInput{})},
		"sourcing_event":         {reflect.TypeOf(hiring.SourcingEvent{}), reflect.TypeOf(hiring.SourcingEventInput{})},
		"interviewer_attributes": {reflect.TypeOf(attributesInput{}), nil},
		"scorecard_feedback":     {reflect.TypeOf(hiring.Feedback{}), reflect.TypeOf(feedbackInput{})},
		"demographics":           {reflect.TypeOf([]hiring.DemographicGroup{}), nil},
	}
}

type candidateMergeInput struct {
	PrimaryCandidateID int64 `json:"primary_candidate_id"`
}

type stageInput struct {
	FromStageID int64 `json:"from_stage_id"`
	ToStageID   int64 `json:"to_stage_id"`
}

type rejectInput struct {
	RejectionReason string `json:"rejection_reason"`
	Notes           string `json:"notes"`
}

type openingInput struct {
	Type            string `json:"type"`
	TargetStartDate string `json:"target_start_date"`
}

type applicationInput struct {
	CandidateID int64  `json:"candidate_id"`
	JobID       int64  `json:"job_id"`
	CreditedTo  *int64 `json:"credited_to_id"`
}

type feedbackInput struct {
	Body string `json:"body"`
}

type attributesInput struct {
	NonMale bool `json:"non_male"`
}

type boardJSON struct {
	Requisition *hiring.Requisition  `json:"requisition"`
	Columns     []hiring.BoardColumn `json:"columns"`
}

// hiringViewer is the caller as the hiring store scopes reads.
func (s *Server) hiringViewer(r *http.Request) (hiring.Viewer, error) {
	p := PrincipalFrom(r.Context())
	rec, err := s.can(r, access.HiringManage)
	if err != nil {
		return hiring.Viewer{}, err
	}
	return hiring.Viewer{UserID: p.UserID, Recruiter: rec}, nil
}

func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.BadRequest("%s: must be an id", name)
	}
	return n, nil
}

func queryRegion(r *http.Request) (string, error) {
	v := r.URL.Query().Get("region")
	if v != "" && !hiring.ValidRegion(v) {
		return "", errs.BadRequest("region: must be AMER, EMEA or APAC")
	}
	return v, nil
}

func same[T any](_ *http.Request, v []T) []T { return v }

func (s *Server) apiHiringPlan(w http.ResponseWriter, r *http.Request) error {
	lines, err := s.Hiring.Plan(r.Context(), r.URL.Query().Get("quarter"))
	if err != nil {
		return err
	}
	return writeAll(w, "plan_lines", lines)
}

func (s *Server) apiSaveHiringPlan(w http.ResponseWriter, r *http.Request) error {
	var in hiring.PlanLineInput
	if err := decodeBody(r, "plan_line", &in); err != nil {
		return err
	}
	pl, err := s.Hiring.SavePlanLine(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "plan_line", pl)
}

func (s *Server) apiHiringPipelines(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Hiring.Pipelines(r.Context())
	if err != nil {
		return err
	}
	return writeAll(w, "pipelines", ps)
}

func (s *Server) apiListRequisitions(w http.ResponseWriter, r *http.Request) error {
	region, err := queryRegion(r)
	if err != nil {
		return err
	}
	f := hiring.RequisitionFilter{Region: region, Status: r.URL.Query().Get("status")}
	return listPaged(s, w, r, "requisitions", &f, &f.Page, s.Hiring.ListRequisitions, s.Hiring.CountRequisitions, same[hiring.Requisition],
		func(q hiring.Requisition) int64 { return q.ID }, nil)
}

func (s *Server) apiCreateRequisition(w http.ResponseWriter, r *http.Request) error {
	var in hiring.RequisitionInput
	if err := decodeBody(r, "requisition", &in); err != nil {
		return err
	}
	q, err := s.Hiring.CreateRequisition(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.baseURL(r)+"/api/v2/hiring/requisitions/"+strconv.FormatInt(q.ID, 10)+".json")
	return writeRecord(w, http.StatusCreated, "requisition", q)
}

func (s *Server) apiShowRequisition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "requisition")
	if err != nil {
		return err
	}
	q, err := s.Hiring.GetRequisition(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "requisition", q)
}

// apiRequisitionBoard: recruiters and the requisition's hiring manager see the board.
func (s *Server) apiRequisitionBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "requisition")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	q, cols, err := s.Hiring.Board(r.Context(), id, 25) // the newest 25 of each stage; count has them all
	if err != nil {
		return err
	}
	if !v.Recruiter && (q.HiringManagerID == nil || *q.HiringManagerID != v.UserID) {
		return errs.NotFound("requisition")
	}
	return writeRecord(w, http.StatusOK, "board", boardJSON{Requisition: q, Columns: cols})
}

func (s *Server) apiAddOpening(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "requisition")
	if err != nil {
		return err
	}
	var in openingInput
	if err := decodeBody(r, "opening", &in); err != nil {
		return err
	}
	v, err := s.Hiring.AddOpening(r.Context(), actor(r), id, in.Type, in.TargetStartDate)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "vacancy", v)
}

func (s *Server) apiListVacancies(w http.ResponseWriter, r *http.Request) error {
	region, err := queryRegion(r)
	if err != nil {
		return err
	}
	req, err := queryID(r, "requisition_id")
	if err != nil {
		return err
	}
	f := hiring.VacancyFilter{Region: region, Status: r.URL.Query().Get("status"), RequisitionID: req}
	return listPaged(s, w, r, "vacancies", &f, &f.Page, s.Hiring.ListVacancies, s.Hiring.CountVacancies, same[hiring.Vacancy],
		func(v hiring.Vacancy) int64 { return v.ID }, nil)
}

func (s *Server) apiShowVacancy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "vacancy")
	if err != nil {
		return err
	}
	v, err := s.Hiring.GetVacancy(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "vacancy", v)
}

func (s *Server) apiUpdateVacancy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "vacancy")
	if err != nil {
		return err
	}
	var in hiring.VacancyInput
	if err := decodeBody(r, "vacancy", &in); err != nil {
		return err
	}
	v, err := s.Hiring.UpdateVacancy(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "vacancy", v)
}

func (s *Server) apiListCandidates(w http.ResponseWriter, r *http.Request) error {
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	ev, err := queryID(r, "sourcing_event_id")
	if err != nil {
		return err
	}
	f := hiring.CandidateFilter{Viewer: v, Email: r.URL.Query().Get("email"), SourcingEventID: ev}
	return listPaged(s, w, r, "candidates", &f, &f.Page, s.Hiring.ListCandidates, s.Hiring.CountCandidates, same[hiring.Candidate],
		func(c hiring.Candidate) int64 { return c.ID }, nil)
}

func (s *Server) apiCreateCandidate(w http.ResponseWriter, r *http.Request) error {
	var in hiring.CandidateInput
	if err := decodeBody(r, "candidate", &in); err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	if !v.Recruiter && in.SourcingEventID == nil {
		return errs.Invalid("sourcing_event_id", "Sourcing rule: members who are not recruiters add prospects to a sourcing event")
	}
	c, err := s.Hiring.CreateCandidate(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	if !v.Recruiter {
		// A sourcer is credited with the prospect but does not browse the pipeline.
		return writeRecord(w, http.StatusCreated, "candidate", map[string]any{"id": c.ID, "sourced_by_id": c.SourcedBy, "sourcing_event_id": c.SourcingEventID})
	}
	return writeRecord(w, http.StatusCreated, "candidate", c)
}

func (s *Server) apiShowCandidate(w http.ResponseWriter, r *http.Request) error {
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
	if r.URL.Query().Get("export") == "true" {
		if !v.Recruiter {
			return errs.NotFound("candidate")
		}
		apps, err := s.Hiring.ListApplications(r.Context(), hiring.ApplicationFilter{Viewer: v, CandidateID: id})
		if err != nil {
			return err
		}
		var cards []hiring.Scorecard
		for _, a := range apps {
			sc, err := s.Hiring.ListScorecards(r.Context(), hiring.ScorecardFilter{Viewer: v, ApplicationID: a.ID})
			if err != nil {
				return err
			}
			cards = append(cards, sc...)
		}
		emails, err := s.Hiring.EmailsOf(r.Context(), c)
		if err != nil {
			return err
		}
		files, err := s.candidateFiles(r.Context(), c)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"candidate": c, "applications": apps, "scorecards": cards, "emails": emails, "attachments": files})
		return nil
	}
	return writeRecord(w, http.StatusOK, "candidate", c)
}

func (s *Server) apiEraseCandidate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return err
	}
	if err := s.Hiring.Erase(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *Server) apiMergeCandidate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return err
	}
	var in candidateMergeInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	c, err := s.Hiring.MergeCandidates(r.Context(), actor(r), id, in.PrimaryCandidateID)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "candidate", c)
}

func (s *Server) apiListApplications(w http.ResponseWriter, r *http.Request) error {
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	job, err := queryID(r, "job_id")
	if err != nil {
		return err
	}
	cand, err := queryID(r, "candidate_id")
	if err != nil {
		return err
	}
	f := hiring.ApplicationFilter{Viewer: v, RequisitionID: job, CandidateID: cand, Status: r.URL.Query().Get("status")}
	return listPaged(s, w, r, "applications", &f, &f.Page, s.Hiring.ListApplications, s.Hiring.CountApplications, same[hiring.Application],
		func(a hiring.Application) int64 { return a.ID }, nil)
}

func (s *Server) apiCreateApplication(w http.ResponseWriter, r *http.Request) error {
	var in applicationInput
	if err := decodeBody(r, "application", &in); err != nil {
		return err
	}
	a, err := s.Hiring.Apply(r.Context(), actor(r), in.CandidateID, in.JobID, in.CreditedTo)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "application", a)
}

func (s *Server) apiShowApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	a, err := s.Hiring.GetApplication(r.Context(), v, id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "application", a)
}

func (s *Server) applicationAction(w http.ResponseWriter, r *http.Request, do func(id int64) (*hiring.Application, error)) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	a, err := do(id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "application", a)
}

func (s *Server) apiAdvanceApplication(w http.ResponseWriter, r *http.Request) error {
	var in stageInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	return s.applicationAction(w, r, func(id int64) (*hiring.Application, error) {
		return s.Hiring.Advance(r.Context(), actor(r), id, in.FromStageID)
	})
}

func (s *Server) apiMoveApplication(w http.ResponseWriter, r *http.Request) error {
	var in stageInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	return s.applicationAction(w, r, func(id int64) (*hiring.Application, error) {
		return s.Hiring.Move(r.Context(), actor(r), id, in.ToStageID)
	})
}

func (s *Server) apiRejectApplication(w http.ResponseWriter, r *http.Request) error {
	var in rejectInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	return s.applicationAction(w, r, func(id int64) (*hiring.Application, error) {
		return s.Hiring.Reject(r.Context(), actor(r), id, in.RejectionReason)
	})
}

func (s *Server) apiHireApplication(w http.ResponseWriter, r *http.Request) error {
	var in hiring.HireInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	return s.applicationAction(w, r, func(id int64) (*hiring.Application, error) {
		return s.Hiring.Hire(r.Context(), actor(r), id, in)
	})
}

// blindInterviews leaves the candidate id out of the assessments a
// non-recruiter reviews: a reviewer sees the candidate number only.
func blindInterviews(v hiring.Viewer) func(*http.Request, []hiring.Interview) []hiring.Interview {
	return func(_ *http.Request, is []hiring.Interview) []hiring.Interview {
		for i := range is {
			if !v.Recruiter && is[i].Stage.Kind == hiring.KindAssessment {
				is[i].CandidateID = 0
			}
		}
		return is
	}
}

func (s *Server) apiListInterviews(w http.ResponseWriter, r *http.Request) error {
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	app, err := queryID(r, "application_id")
	if err != nil {
		return err
	}
	f := hiring.InterviewFilter{Viewer: v, ApplicationID: app, Status: r.URL.Query().Get("status")}
	switch r.URL.Query().Get("mine") {
	case "true":
		f.Interviewer = v.UserID
	case "", "false":
	default:
		return errs.BadRequest("mine: must be true or false")
	}
	return listPaged(s, w, r, "interviews", &f, &f.Page, s.Hiring.ListInterviews, s.Hiring.CountInterviews, blindInterviews(v),
		func(i hiring.Interview) int64 { return i.ID }, nil)
}

func (s *Server) apiScheduleInterview(w http.ResponseWriter, r *http.Request) error {
	var in hiring.InterviewInput
	if err := decodeBody(r, "interview", &in); err != nil {
		return err
	}
	iv, err := s.Hiring.ScheduleInterview(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "interview", iv)
}

func (s *Server) apiShowInterview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	n := 1
	if !v.Recruiter {
		if n, err = s.Hiring.CountInterviews(r.Context(), hiring.InterviewFilter{Viewer: v, ID: id}); err != nil {
			return err
		}
	}
	if n == 0 {
		return errs.NotFound("interview")
	}
	iv, err := s.Hiring.GetInterview(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "interview", blindInterviews(v)(r, []hiring.Interview{*iv})[0])
}

func (s *Server) apiListScorecards(w http.ResponseWriter, r *http.Request) error {
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	app, err := queryID(r, "application_id")
	if err != nil {
		return err
	}
	iv, err := queryID(r, "interview_id")
	if err != nil {
		return err
	}
	f := hiring.ScorecardFilter{Viewer: v, ApplicationID: app, InterviewID: iv}
	return listPaged(s, w, r, "scorecards", &f, &f.Page, s.Hiring.ListScorecards, s.Hiring.CountScorecards, same[hiring.Scorecard],
		func(c hiring.Scorecard) int64 { return c.ID }, nil)
}

func (s *Server) apiSubmitScorecard(w http.ResponseWriter, r *http.Request) error {
	var in hiring.ScorecardInput
	if err := decodeBody(r, "scorecard", &in); err != nil {
		return err
	}
	sc, err := s.Hiring.SubmitScorecard(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "scorecard", sc)
}

func (s *Server) apiShowScorecard(w http.ResponseWriter, r *http.Request) error {
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
	return writeRecord(w, http.StatusOK, "scorecard", sc)
}

func (s *Server) apiListSourcingEvents(w http.ResponseWriter, r *http.Request) error {
	var f hiring.SourcingFilter
	return listPaged(s, w, r, "sourcing_events", &f, &f.Page, s.Hiring.ListSourcingEvents, s.Hiring.CountSourcingEvents, same[hiring.SourcingEvent],
		func(e hiring.SourcingEvent) int64 { return e.ID }, nil)
}

func (s *Server) apiCreateSourcingEvent(w http.ResponseWriter, r *http.Request) error {
	var in hiring.SourcingEventInput
	if err := decodeBody(r, "sourcing_event", &in); err != nil {
		return err
	}
	e, err := s.Hiring.CreateSourcingEvent(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "sourcing_event", e)
}

func (s *Server) apiShowSourcingEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "sourcing event")
	if err != nil {
		return err
	}
	e, err := s.Hiring.GetSourcingEvent(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "sourcing_event", e)
}

func (s *Server) apiSetInterviewerAttributes(w http.ResponseWriter, r *http.Request) error {
	var in attributesInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	a := actor(r)
	if err := s.Hiring.SetNonMale(r.Context(), a, a.ID, in.NonMale); err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "interviewer_attributes", in)
}

func (s *Server) apiGiveFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "scorecard")
	if err != nil {
		return err
	}
	var in feedbackInput
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	v, err := s.hiringViewer(r)
	if err != nil {
		return err
	}
	if _, err := s.Hiring.GetScorecard(r.Context(), v, id); err != nil {
		return err
	}
	f, err := s.Hiring.GiveFeedback(r.Context(), actor(r), v, id, in.Body)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "scorecard_feedback", f)
}

func (s *Server) apiMyFeedback(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.Hiring.FeedbackFor(r.Context(), PrincipalFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	return writeAll(w, "scorecard_feedbacks", fs)
}

func (s *Server) apiRecordDemographics(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "candidate")
	if err != nil {
		return err
	}
	var in hiring.Demographics
	if err := decodeFlat(r, &in); err != nil {
		return err
	}
	if err := s.Hiring.RecordDemographics(r.Context(), actor(r), id, in); err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *Server) apiDemographicsReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Hiring.DemographicsReport(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"demographics": rep, "minimum_group": hiring.MinGroup})
	return nil
}
