package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/people"
)

func TestHiringAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent := e.users[people.RoleAgent]
		// The agent completed Stage 1 (assessment review) only.
		tr := []string{hiring.TrainingStage1}
		region := "EMEA"
		if _, err := e.ppl.UpdateUser(ctx, audit.System(), agent.ID, people.UserInput{Trainings: &tr, Region: &region}); err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"end-user"} {
			if r, _ := e.api(role, "GET", "/api/v2/hiring/candidates.json", ""); r.code != 401 && r.code != 403 && r.code != 404 {
				t.Fatalf("customer on candidates: %d %s", r.code, r.body)
			}
		}
		r, m := e.api("admin", "POST", "/api/v2/hiring/requisitions.json", `{"requisition":{"requisition_id":"1001","name":"Support Engineer","role":"support-engineer","region":"AMER","openings":2,"target_start_date":"2027-02-01"}}`)
		if r.code != 201 {
			t.Fatalf("requisition: %d %s", r.code, r.body)
		}
		req := m["requisition"].(map[string]any)
		reqID := int64(req["id"].(float64))
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/requisitions", `{"requisition":{}}`); r.code != 403 {
			t.Fatalf("agent created a requisition: %d", r.code)
		}
		r, m = e.api("admin", "GET", "/api/v2/hiring/vacancies.json?per_page=1", "")
		if r.code != 200 || m["count"].(float64) != 2 || m["next_page"] == nil {
			t.Fatalf("vacancies: %d %s", r.code, r.body)
		}
		v := m["vacancies"].([]any)[0].(map[string]any)
		for _, k := range []string{"opening_id", "job_title", "region", "hiring_manager_id", "status", "target_start_date", "actual_start_date", "candidate_id"} {
			if _, ok := v[k]; !ok {
				t.Fatalf("vacancy lacks %s: %v", k, v)
			}
		}
		if v["opening_id"] != "1001-1" {
			t.Fatal(v)
		}
		vid := int64(v["id"].(float64))
		if r, _ := e.api("admin", "GET", "/api/v2/hiring/vacancies?page[size]=1", ""); r.code != 200 || !strings.Contains(r.body, `"after_cursor"`) && !strings.Contains(r.body, `"meta"`) {
			t.Fatalf("cursor page: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "GET", "/api/v2/hiring/vacancies?colour=red", ""); r.code != 400 {
			t.Fatalf("unknown param: %d", r.code)
		}
		r, _ = e.api("admin", "PUT", fmt.Sprintf("/api/v2/hiring/vacancies/%d", vid), `{"vacancy":{"status":"filled"}}`)
		if r.code != 422 || !strings.Contains(r.body, "Opening status rule") {
			t.Fatalf("draft to filled: %d %s", r.code, r.body)
		}
		// Candidates: recruiters add them; a duplicate email is refused naming the rule.
		r, m = e.api("admin", "POST", "/api/v2/hiring/candidates", `{"candidate":{"first_name":"Ada","last_name":"Byron","email_addresses":["ada@mail.example"]}}`)
		if r.code != 201 {
			t.Fatalf("candidate: %d %s", r.code, r.body)
		}
		cid := int64(m["candidate"].(map[string]any)["id"].(float64))
		if r, _ := e.api("admin", "POST", "/api/v2/hiring/candidates", `{"candidate":{"first_name":"Ada","email_addresses":["ADA@mail.example"]}}`); r.code != 422 || !strings.Contains(r.body, "Duplicate candidate rule") {
			t.Fatalf("duplicate: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/candidates", `{"candidate":{"first_name":"Pro","last_name":"Spect"}}`); r.code != 422 || !strings.Contains(r.body, "Sourcing rule") {
			t.Fatalf("agent candidate without event: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "POST", "/api/v2/hiring/applications", fmt.Sprintf(`{"application":{"candidate_id":%d,"job_id":%d}}`, cid, reqID))
		if r.code != 201 {
			t.Fatalf("application: %d %s", r.code, r.body)
		}
		app := m["application"].(map[string]any)
		appID := int64(app["id"].(float64))
		stage := app["current_stage"].(map[string]any)
		// The agent (not in the hiring team) sees no candidate.
		if r, m := e.api("agent", "GET", "/api/v2/hiring/candidates", ""); r.code != 200 || m["count"].(float64) != 0 {
			t.Fatalf("agent candidates: %d %s", r.code, r.body)
		}
		// Routed assessment: the only Stage 1 reviewer is the agent; they see a number, not the candidate.
		at := e.clk.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		r, m = e.api("admin", "POST", "/api/v2/hiring/interviews", fmt.Sprintf(`{"interview":{"application_id":%d,"start":%q,"submission":"my answers"}}`, appID, at))
		if r.code != 201 || !strings.Contains(r.body, fmt.Sprintf(`"interviewer_ids":[%d]`, agent.ID)) {
			t.Fatalf("assessment: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "GET", "/api/v2/hiring/interviews?mine=true", "")
		if r.code != 200 || m["count"].(float64) != 1 || strings.Contains(r.body, `"candidate_id"`) || strings.Contains(r.body, "Ada") || !strings.Contains(r.body, hiring.CandidateNumber(cid)) {
			t.Fatalf("blind review: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/hiring/candidates/%d", cid), ""); r.code != 404 {
			t.Fatalf("blind reviewer read the candidate: %d", r.code)
		}
		// The agent is not Stage 2 trained: no technical interview.
		r, m = e.api("admin", "GET", "/api/v2/hiring/pipelines", "")
		var tech float64 // the Support Engineer pipeline's technical interview
		for _, p := range m["pipelines"].([]any) {
			for _, s := range p.(map[string]any)["stages"].([]any) {
				if st := s.(map[string]any); st["kind"] == "technical" && p.(map[string]any)["key"] == "support-engineer" {
					tech = st["id"].(float64)
				}
			}
		}
		r, _ = e.api("admin", "POST", "/api/v2/hiring/interviews", fmt.Sprintf(`{"interview":{"application_id":%d,"stage_id":%d,"start":%q,"interviewer_ids":[%d]}}`, appID, int64(tech), at, agent.ID))
		if r.code != 422 || !strings.Contains(r.body, "Technical interview training rule") {
			t.Fatalf("untrained technical interviewer: %d %s", r.code, r.body)
		}
		// Scorecards: not before the interview; then once.
		r, m = e.api("agent", "GET", "/api/v2/hiring/interviews?mine=true", "")
		ivID := int64(m["interviews"].([]any)[0].(map[string]any)["id"].(float64))
		card := fmt.Sprintf(`{"scorecard":{"interview_id":%d,"overall_recommendation":"strong yes","key_take_aways":"clear writing","pros":"accurate","cons":"terse"}}`, ivID)
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/scorecards", card); r.code != 422 || !strings.Contains(r.body, "Scorecard rule") {
			t.Fatalf("early scorecard: %d %s", r.code, r.body)
		}
		e.clk.Advance(2 * time.Hour)
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/scorecards", card); r.code != 201 || !strings.Contains(r.body, `"strong_yes"`) {
			t.Fatalf("scorecard: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/scorecards", card); r.code != 422 {
			t.Fatalf("second scorecard: %d", r.code)
		}
		r, m = e.api("admin", "GET", "/api/v2/hiring/scorecards.json?per_page=1", "")
		if r.code != 200 || m["count"].(float64) != 1 {
			t.Fatalf("scorecards: %d %s", r.code, r.body)
		}
		scID := int64(m["scorecards"].([]any)[0].(map[string]any)["id"].(float64))
		// Scorecard feedback reaches the interviewer.
		if r, _ := e.api("admin", "POST", fmt.Sprintf("/api/v2/hiring/scorecards/%d/feedback", scID), `{"body":"Quote the answer you scored."}`); r.code != 201 {
			t.Fatalf("feedback: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "GET", "/api/v2/hiring/scorecard_feedback", ""); r.code != 200 || !strings.Contains(r.body, "Quote the answer you scored.") {
			t.Fatalf("my feedback: %d %s", r.code, r.body)
		}
		// Advance, hire into the vacancy once it is open.
		r, _ = e.api("admin", "POST", fmt.Sprintf("/api/v2/hiring/applications/%d/advance", appID), fmt.Sprintf(`{"from_stage_id":%d}`, int64(stage["id"].(float64))))
		if r.code != 200 || !strings.Contains(r.body, "Recruiter screen") {
			t.Fatalf("advance: %d %s", r.code, r.body)
		}
		for _, st := range []string{"approved", "open"} {
			if r, _ := e.api("admin", "PUT", fmt.Sprintf("/api/v2/hiring/vacancies/%d", vid), fmt.Sprintf(`{"vacancy":{"status":%q}}`, st)); r.code != 200 {
				t.Fatalf("%s: %d %s", st, r.code, r.body)
			}
		}
		if r, _ := e.api("admin", "POST", fmt.Sprintf("/api/v2/hiring/applications/%d/hire", appID), fmt.Sprintf(`{"opening_id":%d,"start_date":"2027-02-01"}`, vid)); r.code != 200 || !strings.Contains(r.body, `"hired"`) {
			t.Fatalf("hire: %d %s", r.code, r.body)
		}
		r, m = e.api("admin", "GET", fmt.Sprintf("/api/v2/hiring/vacancies/%d", vid), "")
		if v := m["vacancy"].(map[string]any); v["status"] != "filled" || v["candidate_id"].(float64) != float64(cid) || v["actual_start_date"] != "2027-02-01" {
			t.Fatalf("filled vacancy: %s", r.body)
		}
		// Sourcing: an agent adds a prospect to a source-a-thon and is credited.
		r, m = e.api("admin", "POST", "/api/v2/hiring/sourcing_events", `{"sourcing_event":{"name":"Sip 'n Source","region":"AMER","starts_on":"2027-01-04"}}`)
		if r.code != 201 {
			t.Fatalf("event: %d %s", r.code, r.body)
		}
		evID := int64(m["sourcing_event"].(map[string]any)["id"].(float64))
		if r, _ := e.api("agent", "POST", "/api/v2/hiring/candidates", fmt.Sprintf(`{"candidate":{"first_name":"Pro","last_name":"Spect","sourcing_event_id":%d}}`, evID)); r.code != 201 {
			t.Fatalf("prospect: %d %s", r.code, r.body)
		}
		r, _ = e.api("agent", "GET", fmt.Sprintf("/api/v2/hiring/sourcing_events/%d", evID), "")
		if r.code != 200 || !strings.Contains(r.body, fmt.Sprintf(`"user_id":%d`, agent.ID)) || !strings.Contains(r.body, `"sourced_count":1`) {
			t.Fatalf("progress: %d %s", r.code, r.body)
		}
		if r, _ := e.api("admin", "GET", "/api/v2/hiring/plan", ""); r.code != 200 {
			t.Fatalf("plan: %d", r.code)
		}
		if r, _ := e.api("admin", "PUT", "/api/v2/hiring/plan", `{"plan_line":{"quarter":"2027-Q1","region":"APAC","role":"support-engineer","headcount":2}}`); r.code != 200 {
			t.Fatalf("plan line: %d %s", r.code, r.body)
		}
	})
}
