package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/people"
)

func TestHiringUI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		h := e.srv.Hiring
		agent, admin := e.users[people.RoleAgent], e.users[people.RoleAdmin]
		tr, region := []string{hiring.TrainingStage1, hiring.TrainingStage2}, "AMER"
		if _, err := e.ppl.UpdateUser(ctx, audit.System(), agent.ID, people.UserInput{Trainings: &tr, Region: &region}); err != nil {
			t.Fatal(err)
		}
		boss := audit.Actor{ID: admin.ID, Role: "admin"}
		if _, err := h.SavePlanLine(ctx, boss, hiring.PlanLineInput{Quarter: "2027-Q1", Region: "AMER", Role: "support-engineer", Headcount: 2}); err != nil {
			t.Fatal(err)
		}
		req, err := h.CreateRequisition(ctx, boss, hiring.RequisitionInput{RequisitionID: "1001", Name: "Support Engineer", Role: "support-engineer", Region: "AMER", Openings: 1})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(first string) (*hiring.Candidate, *hiring.Application) {
			c, err := h.CreateCandidate(ctx, boss, hiring.CandidateInput{FirstName: first, LastName: "Quill", Emails: []string{strings.ToLower(first) + "@mail.example"}})
			if err != nil {
				t.Fatal(err)
			}
			a, err := h.Apply(ctx, boss, c.ID, req.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			return c, a
		}
		_, failed := mk("Fern")
		blind, fresh := mk("Basil")
		var tech, panel int64
		ps, _ := h.Pipelines(ctx)
		for _, st := range ps[0].Stages {
			switch st.Kind {
			case hiring.KindTechnical:
				tech = st.ID
			case hiring.KindPanel:
				panel = st.ID
			}
		}
		past := e.clk.Now().Add(-time.Hour)
		iv, err := h.ScheduleInterview(ctx, boss, hiring.InterviewInput{ApplicationID: failed.ID, StageID: tech, ScheduledAt: past, Interviewers: []int64{agent.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.SubmitScorecard(ctx, audit.Actor{ID: agent.ID, Role: "agent"}, hiring.ScorecardInput{InterviewID: iv.ID, OverallRecommendation: "no", KeyTakeAways: "k", Pros: "p", Cons: "c"}); err != nil {
			t.Fatal(err)
		}
		review, err := h.ScheduleInterview(ctx, boss, hiring.InterviewInput{ApplicationID: fresh.ID, ScheduledAt: past, Submission: "My answers to scenario 3"})
		if err != nil || review.Interviewers[0] != agent.ID {
			t.Fatal(err, review)
		}

		// The recruiter's pages: plan against actual, the board; moving a
		// card after a failed technical interview into the panel is refused.
		ac := signIn(t, e, admin.Email)
		if r := e.do(ac, "GET", "/hiring", nil); r.code != 200 || !strings.Contains(r.body, "Plan against actual") || !strings.Contains(r.body, "2027-Q1") || !strings.Contains(r.body, "1001") {
			t.Fatalf("hiring page: %d %.500s", r.code, r.body)
		}
		page := fmt.Sprintf("/hiring/requisitions/%d", req.ID)
		r := e.do(ac, "GET", page, nil)
		if r.code != 200 || !strings.Contains(r.body, `id="board"`) || !strings.Contains(r.body, "Fern Quill") || !strings.Contains(r.body, "1001-1") {
			t.Fatalf("requisition page: %d %.800s", r.code, r.body)
		}
		tok := e.csrf(ac, page)
		move := func(app int64, to int64) resp {
			v := url.Values{"csrf_token": {tok}, "to_stage_id": {fmt.Sprint(to)}, "requisition_id": {fmt.Sprint(req.ID)}}
			return e.do(ac, "POST", fmt.Sprintf("/hiring/applications/%d/move", app), strings.NewReader(v.Encode()), formCT...)
		}
		if r := move(failed.ID, panel); r.code != 422 || !strings.Contains(r.body, "Failed technical interview rule") {
			t.Fatalf("move to panel after a failed technical: %d %.500s", r.code, r.body)
		}
		if r := move(fresh.ID, tech); r.code != 200 || !strings.Contains(r.body, "moved to Technical interview") {
			t.Fatalf("move: %d %.500s", r.code, r.body)
		}

		// The reviewer's pages: the assessment shows a number, never the name.
		gc := signIn(t, e, agent.Email)
		r = e.do(gc, "GET", "/hiring/interviews", nil)
		if r.code != 200 || !strings.Contains(r.body, hiring.CandidateNumber(blind.ID)) || strings.Contains(r.body, "Basil") {
			t.Fatalf("my reviews: %d %.800s", r.code, r.body)
		}
		form := fmt.Sprintf("/hiring/interviews/%d/scorecard", review.ID)
		r = e.do(gc, "GET", form, nil)
		if r.code != 200 || !strings.Contains(r.body, "Written English") || !strings.Contains(r.body, "scenario 3") || strings.Contains(r.body, "Basil") {
			t.Fatalf("review form: %d %.800s", r.code, r.body)
		}
		if r := e.do(gc, "GET", fmt.Sprintf("/hiring/candidates/%d", blind.ID), nil); r.code != 404 {
			t.Fatalf("blind reviewer opened the candidate page: %d", r.code)
		}
		gtok := e.csrf(gc, form)
		post := func(v url.Values) resp {
			v.Set("csrf_token", gtok)
			return e.do(gc, "POST", form, strings.NewReader(v.Encode()), formCT...)
		}
		if r := post(url.Values{"overall_recommendation": {"yes"}, "key_take_aways": {"solid"}}); r.code != 422 || !strings.Contains(r.body, "Scorecard content rule") {
			t.Fatalf("incomplete scorecard: %d %.500s", r.code, r.body)
		}
		r = post(url.Values{"overall_recommendation": {"yes"}, "key_take_aways": {"solid"}, "pros": {"clear"}, "cons": {"slow"},
			"attribute": {"Written English"}, "rating:Written English": {"strong_yes"}})
		if r.code != 200 || !strings.Contains(r.body, "Scorecard submitted") {
			t.Fatalf("scorecard: %d %.500s", r.code, r.body)
		}
		// Scheduling from the candidate page runs the rules: a panel of two
		// without a Support Manager or an opted-in member is refused.
		cpage := fmt.Sprintf("/hiring/candidates/%d", blind.ID)
		ctok := e.csrf(ac, cpage)
		schedule := func(stage int64, ids ...int64) resp {
			v := url.Values{"csrf_token": {ctok}, "application_id": {fmt.Sprint(fresh.ID)}, "stage_id": {fmt.Sprint(stage)}, "start": {"2030-01-07T10:00"}}
			for _, id := range ids {
				v.Add("interviewer_ids", fmt.Sprint(id))
			}
			return e.do(ac, "POST", cpage+"/interviews", strings.NewReader(v.Encode()), formCT...)
		}
		if r := schedule(panel, admin.ID, agent.ID); r.code != 422 || !strings.Contains(r.body, "Behavioural panel rule") {
			t.Fatalf("panel without a manager: %d %.500s", r.code, r.body)
		}
		if r := schedule(tech, agent.ID); r.code != 200 || !strings.Contains(r.body, "Technical interview scheduled for 2030-01-07 10:00") {
			t.Fatalf("technical: %d %.500s", r.code, r.body)
		}

		// The recruiter's candidate page shows the scorecard and the history.
		r = e.do(ac, "GET", fmt.Sprintf("/hiring/candidates/%d", blind.ID), nil)
		if r.code != 200 || !strings.Contains(r.body, "Basil Quill") || !strings.Contains(r.body, "solid") || !strings.Contains(r.body, "Technical interview") {
			t.Fatalf("candidate page: %d %.800s", r.code, r.body)
		}
		ev, err := h.CreateSourcingEvent(ctx, boss, hiring.SourcingEventInput{Name: "Sip 'n Source", Region: "AMER", StartsOn: "2027-01-04"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.CreateCandidate(ctx, audit.Actor{ID: agent.ID, Role: "agent"}, hiring.CandidateInput{FirstName: "Pat", SourcingEventID: &ev.ID}); err != nil {
			t.Fatal(err)
		}
		if r := e.do(gc, "GET", fmt.Sprintf("/hiring/sourcing/%d", ev.ID), nil); r.code != 200 || !strings.Contains(r.body, `<progress max="40" value="1">`) {
			t.Fatalf("source-a-thon: %d %.800s", r.code, r.body)
		}
	})
}
