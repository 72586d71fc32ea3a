package app

import (
	"context"
	"testing"

	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/hiring"
)

// TestHiringDemo: the demo's hiring data is what the issue asks for and
// went through the rules: open vacancies in every region, about sixty
// candidates in pipelines with scorecards, a failed technical interview
// that cancelled its panel, a source-a-thon with its sourcers' counts, the
// plan's actual against next quarter's lines.
func TestHiringDemo(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			a, _ := openDemoApp(t, e)
			h := a.Hiring
			all := hiring.Viewer{Recruiter: true}
			vs, err := h.ListVacancies(ctx, hiring.VacancyFilter{Status: hiring.OpeningOpen})
			if err != nil {
				t.Fatal(err)
			}
			regions := map[string]bool{}
			for _, v := range vs {
				regions[v.Region] = true
			}
			if len(regions) != 3 {
				t.Fatalf("open vacancies in %v", regions)
			}
			if n, _ := h.CountApplications(ctx, hiring.ApplicationFilter{Viewer: all}); n != 60 {
				t.Fatalf("%d applications", n)
			}
			stages := map[string]bool{}
			apps, _ := h.ListApplications(ctx, hiring.ApplicationFilter{Viewer: all, Status: hiring.AppActive})
			for _, ap := range apps {
				stages[ap.CurrentStage.Kind] = true
			}
			if len(stages) < 5 {
				t.Fatalf("active applications only at %v", stages)
			}
			if n, _ := h.CountScorecards(ctx, hiring.ScorecardFilter{Viewer: all}); n < 60 {
				t.Fatalf("%d scorecards", n)
			}
			if n, _ := h.CountInterviews(ctx, hiring.InterviewFilter{Viewer: all, Status: "cancelled"}); n == 0 {
				t.Fatal("no panel cancelled by a failed technical interview")
			}
			evs, _ := h.ListSourcingEvents(ctx, hiring.SourcingFilter{})
			if len(evs) == 0 || len(evs[0].Progress) == 0 || evs[0].Name != "Sip 'n Source" {
				t.Fatalf("source-a-thons %+v", evs)
			}
			lines, _ := h.Plan(ctx, "")
			filled := 0
			for _, l := range lines {
				filled += l.Filled
			}
			if len(lines) != 7 || filled != 1 || lines[0].Vacancies == 0 {
				t.Fatalf("plan %+v", lines)
			}
		})
	}
}
