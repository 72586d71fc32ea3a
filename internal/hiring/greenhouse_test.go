package hiring

import (
	"context"
	"strings"
	"testing"
)

func ghFiles(badApp bool) []GHFile {
	jobs := `{"jobs": [
  {"id": 9001, "name": "Support Engineer", "requisition_id": "3001", "status": "open",
   "offices": [{"id": 1, "name": "EMEA remote"}], "departments": [{"id": 2, "name": "Support"}],
   "hiring_team": {"hiring_managers": [{"id": 77, "name": "Max"}], "recruiters": [{"id": 78, "first_name": "Rita", "last_name": ""}]},
   "openings": [{"id": 501, "opening_id": "3001-1", "status": "open"}, {"id": 502, "opening_id": "3001-2", "status": "closed", "application_id": 7002, "close_reason": {"id": 1, "name": "Hired"}}]}
]}`
	cands := `[
  {"id": 601, "first_name": "Gina", "last_name": "Green", "email_addresses": [{"value": "gina@mail.example", "type": "personal"}], "phone_numbers": [{"value": "+44 1"}]},
  {"id": 602, "first_name": "Hal", "last_name": "House", "email_addresses": [{"value": "hal@mail.example"}]}
]`
	second := `"current_stage": {"id": 2, "name": "Hiring Manager Screen"}`
	first := `"current_stage": {"id": 1, "name": "Technical Interview"}`
	if badApp {
		first = `"current_stage": {"id": 2, "name": "Lunch with the team"}`
	}
	apps := `[
  {"id": 7001, "candidate_id": 601, "status": "active", "applied_at": "2026-01-02T10:00:00Z", "jobs": [{"id": 9001, "name": "Support Engineer"}],
   ` + first + `, "source": {"id": 3, "public_name": "LinkedIn"}},
  {"id": 7002, "candidate_id": 602, "status": "hired", "applied_at": "2026-01-03T10:00:00Z", "jobs": [{"id": 9001}], ` + second + `}
]`
	cards := `[
  {"id": 801, "application_id": 7001, "interview_step": {"id": 1, "name": "Technical Interview"}, "interviewed_at": "2026-01-05T10:00:00Z",
   "submitted_at": "2026-01-05T12:00:00Z", "submitted_by": {"id": 77, "first_name": "Tess", "last_name": ""}, "overall_recommendation": "strong_yes",
   "attributes": [{"name": "Troubleshooting", "type": "Skills", "rating": "yes"}],
   "questions": [{"question": "Key Take-Aways", "answer": "sharp"}, {"question": "Pros", "answer": "fast"}, {"question": "Cons", "answer": "quiet"}]}
]`
	return []GHFile{{"jobs.json", []byte(jobs)}, {"candidates.json", []byte(cands)}, {"applications.json", []byte(apps)}, {"scorecards.json", []byte(cards)}}
}

func TestHiringGreenhouseImport(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// A malformed set: a stage that maps nowhere; its line is reported and nothing is imported.
		rep, err := f.s.ImportGreenhouse(ctx, f.actor("rita"), ghFiles(true))
		wantRule(t, err, "nothing was imported")
		if len(rep.Problems) != 2 || rep.Problems[0].File != "applications.json" || rep.Problems[0].Line != 2 || !strings.Contains(rep.Problems[0].Problem, "Lunch with the team") {
			t.Fatalf("problems %+v", rep.Problems)
		}
		if n, _ := f.s.CountRequisitions(ctx, RequisitionFilter{}); n != 1 {
			t.Fatalf("%d requisitions after a refused import (want the fixture's 1)", n)
		}
		if n, _ := f.s.CountCandidates(ctx, CandidateFilter{Viewer: Viewer{Recruiter: true}}); n != 0 {
			t.Fatal("candidates half-imported")
		}
		rep, err = f.s.ImportGreenhouse(ctx, f.actor("rita"), ghFiles(false))
		if err != nil {
			t.Fatal(err, rep)
		}
		if rep.Created["jobs"] != 1 || rep.Created["openings"] != 2 || rep.Created["candidates"] != 2 || rep.Created["applications"] != 2 || rep.Created["scorecards"] != 1 {
			t.Fatalf("created %v", rep.Created)
		}
		vs, _ := f.s.ListVacancies(ctx, VacancyFilter{Region: "EMEA"})
		if len(vs) != 2 || vs[0].OpeningID != "3001-1" || vs[0].Status != OpeningOpen || vs[1].Status != OpeningFilled || vs[1].CandidateID == nil ||
			*vs[0].HiringManagerID != f.ids["max"] {
			t.Fatalf("vacancies %+v", vs)
		}
		apps, _ := f.s.ListApplications(ctx, ApplicationFilter{Viewer: Viewer{Recruiter: true}, Status: AppActive})
		if len(apps) != 1 || apps[0].CurrentStage == nil || apps[0].CurrentStage.Kind != KindTechnical {
			t.Fatalf("applications %+v", apps)
		}
		cards, _ := f.s.ListScorecards(ctx, ScorecardFilter{Viewer: Viewer{Recruiter: true}})
		if len(cards) != 1 || cards[0].SubmittedBy != f.ids["tess"] || cards[0].KeyTakeAways != "sharp" || cards[0].OverallRecommendation != "strong_yes" {
			t.Fatalf("scorecards %+v", cards)
		}
		// Again: nothing new.
		rep, err = f.s.ImportGreenhouse(ctx, f.actor("rita"), ghFiles(false))
		if err != nil || len(rep.Created) != 0 || rep.Skipped["jobs"] != 1 || rep.Skipped["scorecards"] != 1 || rep.Skipped["openings"] != 2 {
			t.Fatalf("re-import: %v %+v", err, rep)
		}
		// A file that is not Harvest JSON.
		rep, err = f.s.ImportGreenhouse(ctx, f.actor("rita"), []GHFile{{"notes.json", []byte(`[{"x":1}]`)}})
		if err == nil || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Problem, "kind") {
			t.Fatalf("unknown file: %v %+v", err, rep)
		}
	})
}
