package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/hiring"
)

// loadHiringDemo fills the hiring module: a plan for the next two
// quarters, Support Engineer requisitions in AMER, EMEA and APAC and a
// Support Manager one, their vacancies (open, approved, one filled), about
// sixty candidates spread across the pipeline stages with interviews and
// scorecards (one failed technical interview that cancelled its panel,
// some rejections), panel opt-ins, and a source-a-thon in progress.
func (a *App) loadHiringDemo(ctx context.Context, byEmail map[string]int64) error {
	h := a.Hiring
	sys := audit.System()
	now := a.Clock.Now().UTC()
	e := func(name string) int64 { return byEmail[name+"@frontline.example"] }
	as := func(name string) audit.Actor { return audit.Actor{ID: e(name), Role: "agent"} }
	rosa := int64(0)
	if u, err := a.People.UserByEmail(ctx, "rosa.alvarez@frontline.example"); err == nil {
		rosa = u.ID
		byEmail["rosa.alvarez@frontline.example"] = rosa
	}
	recruiter := audit.Actor{ID: rosa, Role: "agent"}
	for _, n := range []string{"aisha.bello", "grace.liu", "maya.patel", "anna.kowalski", "emma.jansen", "mei.chen", "priya.natarajan", "ines.moreau"} {
		if err := h.SetNonMale(ctx, as(n), e(n), true); err != nil {
			return fmt.Errorf("opt-in %s: %w", n, err)
		}
	}

	// The plan: next quarter and the one after.
	q := (int(now.Month())-1)/3 + 1
	quarter := func(k int) (string, string) {
		y, n := now.Year(), q+k
		for n > 4 {
			n -= 4
			y++
		}
		start := time.Date(y, time.Month((n-1)*3+1), 1, 0, 0, 0, 0, time.UTC)
		return fmt.Sprintf("%d-Q%d", y, n), start.AddDate(0, 1, 14).Format("2006-01-02")
	}
	q1, hire1 := quarter(1)
	q2, hire2 := quarter(2)
	lines := map[string]int64{}
	for _, l := range []hiring.PlanLineInput{
		{Quarter: q1, Region: "AMER", Role: "support-engineer", Headcount: 3, HireBy: hire1},
		{Quarter: q1, Region: "EMEA", Role: "support-engineer", Headcount: 2, HireBy: hire1, Notes: "one backfill for Oscar Lind"},
		{Quarter: q1, Region: "APAC", Role: "support-engineer", Headcount: 2, HireBy: hire1},
		{Quarter: q1, Region: "EMEA", Role: "support-manager", Headcount: 1, HireBy: hire1},
		{Quarter: q2, Region: "AMER", Role: "support-engineer", Headcount: 2, HireBy: hire2},
		{Quarter: q2, Region: "APAC", Role: "support-engineer", Headcount: 1, HireBy: hire2},
		{Quarter: q2, Region: "EMEA", Role: "support-operations", Headcount: 1, HireBy: hire2},
	} {
		pl, err := h.SavePlanLine(ctx, as("dana.whitfield"), l)
		if err != nil {
			return fmt.Errorf("plan line: %w", err)
		}
		if _, ok := lines[l.Region+"/"+l.Role]; !ok { // requisitions come from next quarter's lines
			lines[l.Region+"/"+l.Role] = pl.ID
		}
	}

	type reqSpec struct {
		id, name, role, region, manager string
		openings                        int
		typ                             string
		candidates                      int
		technical                       []string // Stage 2 trained engineers of the region
		panel                           []string // a Support Manager and an opted-in non-male interviewer
		interview                       string   // the senior manager / director stage
	}
	specs := []reqSpec{
		{"1001", "Support Engineer", "support-engineer", "AMER", "aisha.bello", 3, "new", 20,
			[]string{"grace.liu", "alex.kim", "chris.nguyen"}, []string{"aisha.bello", "maya.patel"}, "carlos.mendes"},
		{"1002", "Support Engineer", "support-engineer", "EMEA", "anna.kowalski", 2, "backfill", 15,
			[]string{"lukas.weber", "jonas.eriksson"}, []string{"anna.kowalski", "emma.jansen"}, "priya.natarajan"},
		{"1003", "Support Engineer", "support-engineer", "APAC", "kenji.watanabe", 2, "new", 15,
			[]string{"arjun.mehta"}, []string{"kenji.watanabe", "mei.chen"}, "priya.natarajan"},
		{"1004", "Manager, Support Engineering", "support-manager", "EMEA", "priya.natarajan", 1, "new", 10,
			[]string{"lukas.weber", "jonas.eriksson"}, []string{"priya.natarajan", "anna.kowalski"}, "morgan.reyes"},
	}
	pipes, err := h.Pipelines(ctx)
	if err != nil {
		return err
	}
	stagesOf := map[string][]hiring.Stage{}
	for _, p := range pipes {
		stagesOf[p.Key] = p.Stages
	}
	first := []string{"Amara", "Bilal", "Chiara", "Diego", "Elif", "Farah", "Gabriel", "Hana", "Ivan", "Jade", "Kofi", "Lucia", "Mateo", "Nia", "Omar", "Paula", "Quinn", "Rui", "Sana", "Tomas"}
	last := []string{"Adeyemi", "Berg", "Costa", "Duarte", "Evans", "Fujita", "Gomez", "Haddad", "Ibrahim", "Jensen", "Khan", "Lopez", "Moreno", "Novak", "Okoro", "Park"}
	sources := []string{"LinkedIn", "Referral", "Company website", "Source-a-thon", "Job board"}
	n := 0
	for ri, sp := range specs {
		mgr := e(sp.manager)
		target := now.AddDate(0, 2+ri%2, 0).Format("2006-01-02")
		pl := lines[sp.region+"/"+sp.role]
		req, err := h.CreateRequisition(ctx, recruiter, hiring.RequisitionInput{RequisitionID: sp.id, Name: sp.name, Role: sp.role, Region: sp.region,
			HiringManagerID: &mgr, RecruiterID: &rosa, PlanLineID: &pl, Openings: sp.openings, Type: sp.typ, TargetStartDate: target})
		if err != nil {
			return fmt.Errorf("requisition %s: %w", sp.id, err)
		}
		// Approved by finance and the department lead, then opened (the last opening of 1001 waits for approval).
		for oi, o := range req.Openings {
			steps := []string{hiring.OpeningApproved, hiring.OpeningOpen}
			if sp.id == "1001" && oi == len(req.Openings)-1 {
				steps = steps[:1]
			}
			for _, st := range steps {
				if _, err := h.UpdateVacancy(ctx, recruiter, o.ID, hiring.VacancyInput{Status: &st}); err != nil {
					return fmt.Errorf("vacancy %s: %w", o.OpeningID, err)
				}
			}
		}
		stages := stagesOf[sp.role]
		for i := 0; i < sp.candidates; i++ {
			fn, ln := first[n%len(first)], last[(n*7+ri)%len(last)]
			n++
			in := hiring.CandidateInput{FirstName: fn, LastName: ln, Emails: []string{fmt.Sprintf("%s.%s.%d@mail.example", strings.ToLower(fn), strings.ToLower(ln), n)},
				Phone: fmt.Sprintf("+1 555 01%02d", n%100), Links: []string{"https://www.linkedin.com/in/" + strings.ToLower(fn+ln)}, Source: sources[n%len(sources)]}
			if in.Source == "Referral" {
				ref := e("ben.carter")
				in.ReferrerID = &ref
			}
			c, err := h.CreateCandidate(ctx, recruiter, in)
			if err != nil {
				return fmt.Errorf("candidate: %w", err)
			}
			app, err := h.Apply(ctx, recruiter, c.ID, req.ID, nil)
			if err != nil {
				return fmt.Errorf("application: %w", err)
			}
			// How far this candidate got: spread over every stage but the offer.
			reach := i % (len(stages) - 1)
			failTechnical := sp.role == "support-engineer" && i == 4 // reaches the panel stage: fails the technical interview first
			rejectAt := -1
			if i%7 == 6 {
				rejectAt = reach
			}
			hireNow := sp.id == "1001" && i == len(stages)-2 // reaches the references, then is hired
			done := false
			for j := 0; j < reach && !done; j++ {
				st := stages[j]
				days := reach - j + 1
				at := now.AddDate(0, 0, -days).Truncate(time.Hour)
				ivs, err := demoInterviewers(st, sp.technical, sp.panel, sp.interview, rosa, e, i)
				if err != nil {
					return err
				}
				if st.Kind == hiring.KindTechnical && failTechnical {
					panelStage := stageOfKind(stages, hiring.KindPanel)
					panel := []int64{e(sp.panel[0]), e(sp.panel[1])}
					if _, err := h.ScheduleInterview(ctx, recruiter, hiring.InterviewInput{ApplicationID: app.ID, StageID: panelStage, ScheduledAt: now.AddDate(0, 0, 3), Interviewers: panel}); err != nil {
						return fmt.Errorf("panel: %w", err)
					}
				}
				if ivs != nil || st.Kind == hiring.KindAssessment {
					iv, err := h.ScheduleInterview(ctx, recruiter, hiring.InterviewInput{ApplicationID: app.ID, StageID: st.ID, ScheduledAt: at, Interviewers: ivs,
						Submission: "Scenario answers and troubleshooting steps (demo)."})
					if err != nil {
						return fmt.Errorf("interview %s of %s: %w", st.Name, sp.id, err)
					}
					rec := []string{"yes", "strong_yes", "yes", "no_decision"}[(i+j)%4]
					if st.Kind == hiring.KindTechnical && failTechnical {
						rec = "no"
					}
					for _, uid := range iv.Interviewers {
						if _, err := h.SubmitScorecard(ctx, audit.Actor{ID: uid, Role: "agent"}, hiring.ScorecardInput{InterviewID: iv.ID, OverallRecommendation: rec,
							Attributes:   demoAttributes(st, rec),
							KeyTakeAways: "Clear communicator; " + strings.ToLower(st.Name) + " went " + map[bool]string{true: "well", false: "poorly"}[rec != "no"] + ".",
							Pros:         "Structured troubleshooting, asks clarifying questions.", Cons: "Limited experience with large installations."}); err != nil {
							return fmt.Errorf("scorecard: %w", err)
						}
					}
					if st.Kind == hiring.KindTechnical && failTechnical {
						if _, err := h.Reject(ctx, recruiter, app.ID, "Failed technical interview"); err != nil {
							return err
						}
						done = true
						continue
					}
				}
				if _, err := h.Advance(ctx, recruiter, app.ID, st.ID); err != nil {
					return fmt.Errorf("advance %s: %w", st.Name, err)
				}
			}
			if done {
				continue
			}
			// The next interview is on the calendar for half of those in an interview stage.
			st := stages[reach]
			if i%2 == 0 && rejectAt < 0 {
				if ivs, err := demoInterviewers(st, sp.technical, sp.panel, sp.interview, rosa, e, i); err == nil && ivs != nil {
					if _, err := h.ScheduleInterview(ctx, recruiter, hiring.InterviewInput{ApplicationID: app.ID, StageID: st.ID, ScheduledAt: now.AddDate(0, 0, 1+i%5).Truncate(time.Hour), Interviewers: ivs}); err != nil {
						return fmt.Errorf("upcoming %s: %w", st.Name, err)
					}
				}
			}
			switch {
			case rejectAt >= 0:
				if _, err := h.Reject(ctx, recruiter, app.ID, []string{"Not enough technical depth", "Withdrew", "Chose another offer"}[i%3]); err != nil {
					return err
				}
			case hireNow:
				start := now.AddDate(0, 0, 21).Format("2006-01-02")
				if _, err := h.Hire(ctx, recruiter, app.ID, hiring.HireInput{OpeningID: req.Openings[0].ID, StartDate: start}); err != nil {
					return fmt.Errorf("hire: %w", err)
				}
			}
		}
	}

	// AMER's "Sip 'n Source" on the first Monday of the month, in progress,
	// with its managers' prospects so far; EMEA's own source-a-thon.
	fm := hiring.FirstMonday(now.Year(), now.Month())
	if fm.After(now) {
		fm = hiring.FirstMonday(now.Year(), now.Month()-1)
	}
	monthEnd := time.Date(fm.Year(), fm.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	events := []struct {
		in       hiring.SourcingEventInput
		sourcers map[string]int
	}{
		{hiring.SourcingEventInput{Name: "Sip 'n Source", Region: "AMER", RoleFocus: "Support Engineer", StartsOn: fm.Format("2006-01-02"), EndsOn: monthEnd.Format("2006-01-02")},
			map[string]int{"aisha.bello": 14, "tom.becker": 9, "carlos.mendes": 5}},
		{hiring.SourcingEventInput{Name: "EMEA source-a-thon", Region: "EMEA", RoleFocus: "Support Engineer (backfill)", StartsOn: fm.Format("2006-01-02"), EndsOn: monthEnd.Format("2006-01-02")},
			map[string]int{"anna.kowalski": 11, "priya.natarajan": 4}},
	}
	for _, ev := range events {
		created, err := h.CreateSourcingEvent(ctx, sys, ev.in)
		if err != nil {
			return fmt.Errorf("sourcing event: %w", err)
		}
		for who, count := range ev.sourcers {
			for k := 0; k < count; k++ {
				fn, ln := first[(n+k)%len(first)], last[(n*3+k)%len(last)]
				n++
				if _, err := h.CreateCandidate(ctx, as(who), hiring.CandidateInput{FirstName: fn, LastName: ln, Source: "Source-a-thon", SourcingEventID: &created.ID,
					Links: []string{fmt.Sprintf("https://www.linkedin.com/in/%s-%s-%d", strings.ToLower(fn), strings.ToLower(ln), n)}}); err != nil {
					return fmt.Errorf("prospect: %w", err)
				}
			}
		}
	}
	return nil
}

func stageOfKind(stages []hiring.Stage, kind string) int64 {
	for _, s := range stages {
		if s.Kind == kind {
			return s.ID
		}
	}
	return 0
}

// demoInterviewers picks who interviews at a stage (nil: no interview, or
// an assessment routed round-robin).
func demoInterviewers(st hiring.Stage, technical, panel []string, interview string, rosa int64, e func(string) int64, i int) ([]int64, error) {
	switch st.Kind {
	case hiring.KindScreen:
		return []int64{rosa}, nil
	case hiring.KindTechnical:
		return []int64{e(technical[i%len(technical)])}, nil
	case hiring.KindPanel:
		return []int64{e(panel[0]), e(panel[1])}, nil
	case hiring.KindInterview:
		return []int64{e(interview)}, nil
	}
	return nil, nil
}

func demoAttributes(st hiring.Stage, rec string) []hiring.Attribute {
	var out []hiring.Attribute
	for _, f := range st.Kit.Focus {
		out = append(out, hiring.Attribute{Name: f, Type: "Skills", Rating: rec})
	}
	return out
}
