package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

// TestBrowserHiringPanelRuleAndBlindReview: in a real browser, a recruiter
// who schedules a behavioural panel that breaks the panel rule sees the
// rule named on the candidate page and nothing is scheduled; the engineer
// who reviews the candidate's assessment sees a candidate number and the
// submission, never the candidate's name, email or files, and the
// candidate's page does not exist for them.
func TestBrowserHiringPanelRuleAndBlindReview(t *testing.T) {
	chrome := chromiumPath(t)
	dbtest.EachClock(t, func() clock.Clock { return clock.Real{} }, func(t *testing.T, d *db.DB) {
		e := newBrowserEnv(t, d, chrome)
		ctx := context.Background()
		sys := audit.System()
		if _, err := team.NewStore(d, audit.New(d), team.Options{}).SeedDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		alice := e.users["alice"]
		tr, region := []string{hiring.TrainingStage1}, "EMEA"
		if _, err := e.ppl.UpdateUser(ctx, sys, alice.ID, people.UserInput{Trainings: &tr, Region: &region}); err != nil {
			t.Fatal(err)
		}
		h := hiring.NewStore(d, audit.New(d)) // the server's store reads the same database
		boss := audit.Actor{ID: e.users["ada"].ID, Role: people.RoleAdmin}
		req, err := h.CreateRequisition(ctx, boss, hiring.RequisitionInput{RequisitionID: "2001", Name: "Support Engineer", Role: "support-engineer", Region: "EMEA", Openings: 1})
		if err != nil {
			t.Fatal(err)
		}
		c, err := h.CreateCandidate(ctx, boss, hiring.CandidateInput{FirstName: "Basil", LastName: "Quillfeather", Emails: []string{"basil@mail.example"}})
		if err != nil {
			t.Fatal(err)
		}
		app, err := h.Apply(ctx, boss, c.ID, req.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.AddAttachment(ctx, boss, hiring.Viewer{UserID: boss.ID, Recruiter: true}, c.ID, "resume", "basil-resume.pdf", []byte("%PDF-1.7\nBasil\n")); err != nil {
			t.Fatal(err)
		}
		review, err := h.ScheduleInterview(ctx, boss, hiring.InterviewInput{ApplicationID: app.ID, ScheduledAt: time.Now().Add(-time.Hour), Submission: "Scenario 3: I would ask for the SOS bundle first."})
		if err != nil || len(review.Interviewers) != 1 || review.Interviewers[0] != alice.ID {
			t.Fatalf("assessment not routed to the only trained reviewer: %+v %v", review, err)
		}
		var panel int64
		ps, _ := h.Pipelines(ctx)
		for _, p := range ps {
			for _, st := range p.Stages {
				if p.Key == "support-engineer" && st.Kind == hiring.KindPanel {
					panel = st.ID
				}
			}
		}

		// The recruiter breaks the panel rule: one interviewer, no manager.
		rec := e.session("recruiter")
		rec.login(e.users["ada"].Email, ".sidebar")
		form := fmt.Sprintf("#schedule-%d", app.ID)
		rec.do("candidate page", chromedp.Navigate(fmt.Sprintf("%s/hiring/candidates/%d", e.url, c.ID)), chromedp.WaitVisible(chromedp.CSS(form)))
		rec.mustContain("candidate page", "main", "Basil", "basil-resume.pdf")
		rec.do("choose the panel and one interviewer",
			chromedp.SetValue(chromedp.CSS(form+" select[name=stage_id]"), fmt.Sprint(panel)),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelectorAll(%q).forEach(o => { o.selected = o.value === %q })`, form+" select[name=interviewer_ids] option", fmt.Sprint(alice.ID))))
		rec.navigate("schedule", chromedp.Click(chromedp.CSS(form+" button[type=submit]")))
		rec.mustContain("panel refused", "p.error", "Behavioural panel rule")
		rec.shot("hiring-panel-rule", "p.error")
		if ivs, err := h.ListInterviews(ctx, hiring.InterviewFilter{Viewer: hiring.Viewer{Recruiter: true}, ApplicationID: app.ID}); err != nil || len(ivs) != 1 {
			t.Fatalf("the refused panel was stored: %d interviews, %v", len(ivs), err)
		}

		// The blind reviewer.
		rv := e.session("reviewer")
		rv.login(alice.Email, ".sidebar")
		rv.do("my reviews", chromedp.Navigate(e.url+"/hiring/interviews"), chromedp.WaitVisible(chromedp.CSS("main")))
		rv.mustContain("my reviews", "main", hiring.CandidateNumber(c.ID))
		rv.mustNotContain("my reviews", "main", "Basil", "Quillfeather", "basil@mail.example")
		rv.do("review", chromedp.Navigate(fmt.Sprintf("%s/hiring/interviews/%d/scorecard", e.url, review.ID)), chromedp.WaitVisible(chromedp.CSS("main h1")))
		rv.mustContain("review", "main", hiring.CandidateNumber(c.ID), "SOS bundle")
		rv.mustNotContain("review", "main", "Basil", "Quillfeather", "basil@mail.example", "basil-resume.pdf")
		if n := rv.eval(`String(document.querySelectorAll("a[href*='/hiring/candidates/'], a[href*='/attachments/']").length)`); n != "0" {
			t.Errorf("the blind review links to the candidate or their files (%s links)", n)
		}
		rv.shot("hiring-blind-review", "main h1")
		rv.do("candidate page", chromedp.Navigate(fmt.Sprintf("%s/hiring/candidates/%d", e.url, c.ID)), chromedp.WaitVisible(chromedp.CSS("body")))
		if body := rv.text("body"); strings.Contains(body, "Basil") || !strings.Contains(strings.ToLower(body), "not found") {
			t.Errorf("the blind reviewer reached the candidate's page:\n%s", body)
		}
	})
}
