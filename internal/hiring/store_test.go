package hiring

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/team"
)

type fixture struct {
	s   *Store
	d   *db.DB
	clk *clock.Fake
	ids map[string]int64
	req *Requisition
}

func (f *fixture) actor(name string) audit.Actor { return audit.Actor{ID: f.ids[name], Role: "agent"} }

func strp2(s string) *string { return &s }

// setup: recruiter Rita; Max a Support Manager (manager track); Tess
// (Stage 1 and 2, AMER), Gail (Stage 1 and 2, EMEA), Sam (Stage 1, EMEA),
// Una (untrained, APAC), Nora (Stage 1, APAC, opted in as non-male); a
// Support Engineer requisition 1001 in AMER managed by Max with two openings.
func setup(t *testing.T, d *db.DB, clk *clock.Fake) *fixture {
	t.Helper()
	ctx := context.Background()
	al := audit.New(d)
	ppl := people.NewStore(d, al)
	if _, err := team.NewStore(d, al, team.Options{}).SeedDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: NewStore(d, al), d: d, clk: clk, ids: map[string]int64{}}
	if _, err := f.s.SeedPipelines(ctx); err != nil {
		t.Fatal(err)
	}
	mk := func(name, region string, trainings ...string) {
		role := "agent"
		in := people.UserInput{Name: &name, Email: strp2(strings.ToLower(name) + "@example.com"), Role: &role, Region: &region, Trainings: &trainings}
		u, err := ppl.CreateUser(ctx, audit.System(), in)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[strings.ToLower(name)] = u.ID
	}
	s1, s2 := TrainingStage1, TrainingStage2
	mk("Rita", "AMER")
	mk("Max", "AMER")
	mk("Tess", "AMER", s1, s2)
	mk("Gail", "EMEA", s1, s2)
	mk("Sam", "EMEA", s1)
	mk("Una", "APAC")
	mk("Nora", "APAC", s1)
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO team_members (user_id, level_id, created_at, updated_at)
			SELECT $1, id, 0, 0 FROM team_levels WHERE key = 'manager-support-engineering'`, f.ids["max"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetNonMale(ctx, f.actor("rita"), f.ids["nora"], true); err != nil {
		t.Fatal(err)
	}
	mgr := f.ids["max"]
	req, err := f.s.CreateRequisition(ctx, f.actor("rita"), RequisitionInput{RequisitionID: "1001", Name: "Support Engineer", Role: "support-engineer",
		Region: "AMER", HiringManagerID: &mgr, Openings: 2, TargetStartDate: "2026-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	f.req = req
	return f
}

func wantRule(t *testing.T, err error, rule string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid || !strings.Contains(err.Error(), rule) {
		t.Fatalf("want Invalid naming %q, got %v", rule, err)
	}
}

func (f *fixture) candidate(t *testing.T, first string, referrer *int64) (*Candidate, *Application) {
	t.Helper()
	ctx := context.Background()
	c, err := f.s.CreateCandidate(ctx, f.actor("rita"), CandidateInput{FirstName: first, LastName: "Doe", Emails: []string{strings.ToLower(first) + "@mail.example"}, ReferrerID: referrer})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.s.Apply(ctx, f.actor("rita"), c.ID, f.req.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, a
}

func (f *fixture) stage(t *testing.T, kind string) Stage {
	t.Helper()
	ps, err := f.s.Pipelines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Key == "support-engineer" {
			for _, st := range p.Stages {
				if st.Kind == kind {
					return st
				}
			}
		}
	}
	t.Fatalf("no %s stage", kind)
	return Stage{}
}

func eachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
			d := dbtest.Open(t, e, clk)
			fn(t, setup(t, d, clk))
		})
	}
}

func TestHiringStoreRequisitionsAndVacancies(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if len(f.req.Openings) != 2 || f.req.Openings[0].OpeningID != "1001-1" || f.req.Openings[1].OpeningID != "1001-2" {
			t.Fatalf("openings %+v", f.req.Openings)
		}
		v := f.req.Openings[0]
		if v.Status != OpeningDraft || v.Region != "AMER" || v.JobTitle != "Support Engineer" || *v.HiringManagerID != f.ids["max"] || *v.TargetStartDate != "2026-03-01" {
			t.Fatalf("vacancy %+v", v)
		}
		_, err := f.s.UpdateVacancy(ctx, f.actor("rita"), v.ID, VacancyInput{Status: strp2(OpeningOffer)})
		wantRule(t, err, "Opening status rule")
		_, err = f.s.UpdateVacancy(ctx, f.actor("rita"), v.ID, VacancyInput{Status: strp2(OpeningFilled)})
		wantRule(t, err, "Opening status rule")
		for _, st := range []string{OpeningApproved, OpeningOpen} {
			if v2, err := f.s.UpdateVacancy(ctx, f.actor("rita"), v.ID, VacancyInput{Status: &st}); err != nil || v2.Status != st {
				t.Fatalf("%s: %v %+v", st, err, v2)
			}
		}
		_, err = f.s.UpdateVacancy(ctx, f.actor("rita"), f.req.Openings[1].ID, VacancyInput{Status: strp2(OpeningClosed)})
		wantRule(t, err, "Opening status rule")
		if v2, err := f.s.UpdateVacancy(ctx, f.actor("rita"), f.req.Openings[1].ID, VacancyInput{Status: strp2(OpeningClosed), CloseReason: strp2("budget moved to EMEA")}); err != nil || *v2.CloseReason != "budget moved to EMEA" {
			t.Fatal(err, v2)
		}
		_, err = f.s.CreateRequisition(ctx, f.actor("rita"), RequisitionInput{RequisitionID: "1001", Name: "Again", Role: "support-engineer", Region: "EMEA"})
		wantRule(t, err, "already exists")
		// The plan shows actual against plan.
		pl, err := f.s.SavePlanLine(ctx, f.actor("rita"), PlanLineInput{Quarter: "2026-Q1", Region: "EMEA", Role: "support-engineer", Headcount: 3})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateRequisition(ctx, f.actor("rita"), RequisitionInput{RequisitionID: "1002", Name: "Support Engineer", Role: "support-engineer", Region: "EMEA", PlanLineID: &pl.ID, Openings: 2}); err != nil {
			t.Fatal(err)
		}
		lines, err := f.s.Plan(ctx, "2026-Q1")
		if err != nil || len(lines) != 1 || lines[0].Headcount != 3 || lines[0].Vacancies != 2 || lines[0].Filled != 0 {
			t.Fatalf("plan %v %+v", err, lines)
		}
		if _, err := f.s.SavePlanLine(ctx, f.actor("rita"), PlanLineInput{Quarter: "2026-Q5", Region: "EMEA", Role: "support-engineer"}); err == nil {
			t.Fatal("bad quarter accepted")
		}
		n, err := f.s.CountVacancies(ctx, VacancyFilter{Region: "EMEA"})
		if err != nil || n != 2 {
			t.Fatal(n, err)
		}
	})
}

func TestHiringStoreCandidatesDuplicatesAndMerge(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a, _ := f.candidate(t, "Ann", nil)
		_, err := f.s.CreateCandidate(ctx, f.actor("rita"), CandidateInput{FirstName: "Annie", Emails: []string{"ANN@mail.example"}})
		wantRule(t, err, "Duplicate candidate rule")
		b, err := f.s.CreateCandidate(ctx, f.actor("rita"), CandidateInput{FirstName: "Annie", Emails: []string{"ann@mail.example", "annie@other.example"}, AllowDuplicate: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Apply(ctx, f.actor("rita"), b.ID, f.req.ID, nil); err != nil {
			t.Fatal(err)
		}
		m, err := f.s.MergeCandidates(ctx, f.actor("rita"), b.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.ApplicationIDs) != 2 || len(m.EmailAddresses) != 2 {
			t.Fatalf("merged %+v", m)
		}
		n, _ := f.s.CountCandidates(ctx, CandidateFilter{Viewer: Viewer{Recruiter: true}})
		if n != 1 {
			t.Fatalf("%d candidates after merge", n)
		}
		_, err = f.s.Apply(ctx, f.actor("rita"), b.ID, f.req.ID, nil)
		wantRule(t, err, "Duplicate candidate rule")
	})
}

func TestHiringStoreTrainingGatesReferrerAndBlindRouting(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		at := f.clk.Now().Add(24 * time.Hour)
		tess := f.ids["tess"]
		c, app := f.candidate(t, "Bea", &tess)
		if app.CurrentStage == nil || app.CurrentStage.Kind != KindAssessment {
			t.Fatalf("first stage %+v", app.CurrentStage)
		}
		_, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, ScheduledAt: at, Interviewers: []int64{f.ids["una"]}})
		wantRule(t, err, "Assessment review training rule")
		_, err = f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, ScheduledAt: at, Interviewers: []int64{tess}})
		wantRule(t, err, "Referrer rule")
		// Routed round-robin across regions among trained reviewers, never the referrer or the untrained.
		seen := map[int64]bool{}
		for i := 0; i < 4; i++ {
			iv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, ScheduledAt: at, Submission: "answers"})
			if err != nil {
				t.Fatal(err)
			}
			r := iv.Interviewers[0]
			if r == tess || r == f.ids["una"] || r == f.ids["rita"] || r == f.ids["max"] {
				t.Fatalf("routed to %d", r)
			}
			seen[r] = true
			if iv.CandidateNumber != CandidateNumber(c.ID) {
				t.Fatal("no candidate number")
			}
		}
		if len(seen) < 3 {
			t.Fatalf("round robin reached %d reviewers", len(seen))
		}
		// A blind reviewer sees no candidate profile.
		for r := range seen {
			if n, _ := f.s.CountCandidates(ctx, CandidateFilter{Viewer: Viewer{UserID: r}}); n != 0 {
				t.Fatalf("blind reviewer %d sees %d candidates", r, n)
			}
			if _, err := f.s.GetCandidate(ctx, Viewer{UserID: r}, c.ID); err == nil {
				t.Fatal("blind reviewer read the candidate")
			}
		}
		tech := f.stage(t, KindTechnical)
		_, err = f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: tech.ID, ScheduledAt: at, Interviewers: []int64{f.ids["sam"]}})
		wantRule(t, err, "Technical interview training rule")
		iv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: tech.ID, ScheduledAt: at, Interviewers: []int64{f.ids["gail"]}})
		if err != nil {
			t.Fatal(err)
		}
		// Gail now interviews (not blind): she sees the candidate, the hiring manager too.
		if _, err := f.s.GetCandidate(ctx, Viewer{UserID: f.ids["gail"]}, c.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.CountCandidates(ctx, CandidateFilter{Viewer: Viewer{UserID: f.ids["max"]}}); n != 1 {
			t.Fatal("hiring manager does not see the candidate")
		}
		if n, _ := f.s.CountCandidates(ctx, CandidateFilter{Viewer: Viewer{UserID: f.ids["una"]}}); n != 0 {
			t.Fatal("outsider sees candidates")
		}
		if iv.DueAt.IsZero() {
			t.Fatal("no due date")
		}
	})
}

func TestHiringStorePanelScorecardsAndFailedTechnical(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		at := f.clk.Now().Add(2 * time.Hour)
		_, app := f.candidate(t, "Cal", nil)
		panel, tech := f.stage(t, KindPanel), f.stage(t, KindTechnical)
		_, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: panel.ID, ScheduledAt: at, Interviewers: []int64{f.ids["max"], f.ids["una"]}})
		wantRule(t, err, "Behavioural panel rule")
		_, err = f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: panel.ID, ScheduledAt: at, Interviewers: []int64{f.ids["tess"], f.ids["nora"]}})
		wantRule(t, err, "Behavioural panel rule")
		pv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: panel.ID, ScheduledAt: at.Add(48 * time.Hour), Interviewers: []int64{f.ids["max"], f.ids["nora"]}})
		if err != nil {
			t.Fatal(err)
		}
		tv, err := f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: tech.ID, ScheduledAt: at, Interviewers: []int64{f.ids["tess"], f.ids["gail"]}})
		if err != nil {
			t.Fatal(err)
		}
		card := ScorecardInput{InterviewID: tv.ID, OverallRecommendation: "strong no", KeyTakeAways: "k", Pros: "p", Cons: "c", PrivateNotes: "salary 1"}
		_, err = f.s.SubmitScorecard(ctx, f.actor("tess"), card)
		wantRule(t, err, "Scorecard rule") // before the interview
		f.clk.Advance(3 * time.Hour)
		_, err = f.s.SubmitScorecard(ctx, f.actor("una"), card)
		wantRule(t, err, "Scorecard rule") // not assigned
		_, err = f.s.SubmitScorecard(ctx, f.actor("tess"), ScorecardInput{InterviewID: tv.ID, OverallRecommendation: "yes", KeyTakeAways: "k"})
		wantRule(t, err, "Scorecard content rule")
		sc, err := f.s.SubmitScorecard(ctx, f.actor("tess"), card)
		if err != nil {
			t.Fatal(err)
		}
		if sc.OverallRecommendation != "definitely_not" {
			t.Fatal(sc.OverallRecommendation)
		}
		_, err = f.s.SubmitScorecard(ctx, f.actor("tess"), card)
		wantRule(t, err, "Scorecard rule") // once
		// The failed technical interview cancelled the panel with its reason.
		p2, _ := f.s.GetInterview(ctx, pv.ID)
		if p2.Status != "cancelled" || !strings.Contains(p2.CancelReason, "Failed technical interview rule") {
			t.Fatalf("panel %s %q", p2.Status, p2.CancelReason)
		}
		_, err = f.s.Move(ctx, f.actor("rita"), app.ID, panel.ID)
		wantRule(t, err, "Failed technical interview rule")
		_, err = f.s.ScheduleInterview(ctx, f.actor("rita"), InterviewInput{ApplicationID: app.ID, StageID: panel.ID, ScheduledAt: at, Interviewers: []int64{f.ids["max"], f.ids["nora"]}})
		wantRule(t, err, "Failed technical interview rule")
		// Gail sees no other scorecard until she submits hers; the hiring manager sees all.
		gail := Viewer{UserID: f.ids["gail"]}
		if n, _ := f.s.CountScorecards(ctx, ScorecardFilter{Viewer: gail}); n != 0 {
			t.Fatalf("gail sees %d scorecards before submitting", n)
		}
		if _, err := f.s.GetScorecard(ctx, gail, sc.ID); err == nil {
			t.Fatal("gail read tess's scorecard")
		}
		if n, _ := f.s.CountScorecards(ctx, ScorecardFilter{Viewer: Viewer{UserID: f.ids["max"]}}); n != 1 {
			t.Fatal("hiring manager does not see the scorecard")
		}
		if _, err := f.s.SubmitScorecard(ctx, f.actor("gail"), ScorecardInput{InterviewID: tv.ID, OverallRecommendation: "no", KeyTakeAways: "k", Pros: "p", Cons: "c"}); err != nil {
			t.Fatal(err)
		}
		cards, err := f.s.ListScorecards(ctx, ScorecardFilter{Viewer: gail})
		if err != nil || len(cards) != 2 {
			t.Fatalf("gail after submitting: %v %d", err, len(cards))
		}
		for _, c := range cards {
			if c.SubmittedBy != gail.UserID && c.PrivateNotes != "" {
				t.Fatal("private notes shown to another interviewer")
			}
		}
		iv, _ := f.s.GetInterview(ctx, tv.ID)
		if iv.Status != "complete" {
			t.Fatal(iv.Status)
		}
		// Scorecard feedback: from the hiring manager, to the scorecard's author only.
		_, err = f.s.GiveFeedback(ctx, f.actor("una"), Viewer{UserID: f.ids["una"]}, sc.ID, "more detail please")
		wantRule(t, err, "Scorecard feedback rule")
		_, err = f.s.GiveFeedback(ctx, f.actor("tess"), Viewer{UserID: f.ids["tess"], Recruiter: true}, sc.ID, "self praise")
		wantRule(t, err, "Scorecard feedback rule")
		if _, err := f.s.GiveFeedback(ctx, f.actor("max"), Viewer{UserID: f.ids["max"]}, sc.ID, "Name the missed steps in the cons."); err != nil {
			t.Fatal(err)
		}
		if fs, _ := f.s.FeedbackFor(ctx, f.ids["tess"]); len(fs) != 1 || fs[0].Body != "Name the missed steps in the cons." || fs[0].AuthorID != f.ids["max"] {
			t.Fatalf("tess's feedback %+v", fs)
		}
		if fs, _ := f.s.FeedbackFor(ctx, f.ids["gail"]); len(fs) != 0 {
			t.Fatal("feedback delivered to another interviewer")
		}
	})
}

func TestHiringStoreHireRejectRetention(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		_, app := f.candidate(t, "Dee", nil)
		stages, _ := f.s.Pipelines(ctx)
		_ = stages
		if _, err := f.s.Advance(ctx, f.actor("rita"), app.ID, app.CurrentStage.ID+99); err == nil {
			t.Fatal("advance from a wrong stage accepted")
		}
		f.clk.Advance(time.Hour)
		a2, err := f.s.Advance(ctx, f.actor("rita"), app.ID, app.CurrentStage.ID)
		if err != nil || a2.CurrentStage.Kind != KindScreen || len(a2.History) != 2 || a2.History[0].Seconds != 3600 {
			t.Fatalf("advance %v %+v", err, a2)
		}
		v := f.req.Openings[0]
		_, err = f.s.Hire(ctx, f.actor("rita"), app.ID, HireInput{OpeningID: v.ID, StartDate: "2026-02-02"})
		wantRule(t, err, "Opening status rule") // a draft vacancy is not hired into
		for _, st := range []string{OpeningApproved, OpeningOpen} {
			if _, err := f.s.UpdateVacancy(ctx, f.actor("rita"), v.ID, VacancyInput{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		h, err := f.s.Hire(ctx, f.actor("rita"), app.ID, HireInput{OpeningID: v.ID, StartDate: "2026-02-02"})
		if err != nil || h.Status != AppHired || h.CurrentStage != nil {
			t.Fatal(err, h)
		}
		v2, _ := f.s.GetVacancy(ctx, v.ID)
		if v2.Status != OpeningFilled || *v2.CandidateID != app.CandidateID || *v2.ActualStartDate != "2026-02-02" || *v2.ApplicationID != app.ID {
			t.Fatalf("vacancy %+v", v2)
		}
		_, err = f.s.Reject(ctx, f.actor("rita"), app.ID, "changed mind")
		wantRule(t, err, "Application status rule")
		// Rejected everywhere: the retention timer starts and anonymises at its end.
		c, app3 := f.candidate(t, "Eve", nil)
		if _, err := f.s.Reject(ctx, f.actor("rita"), app3.ID, "not enough experience"); err != nil {
			t.Fatal(err)
		}
		c2, _ := f.s.GetCandidate(ctx, Viewer{Recruiter: true}, c.ID)
		if c2.RetainUntil == nil || c2.RetainUntil.Sub(f.clk.Now()) != time.Duration(RetentionDays("AMER"))*24*time.Hour {
			t.Fatalf("retention %v", c2.RetainUntil)
		}
		if n, _ := f.s.AnonymizeDue(ctx); n != 0 {
			t.Fatal("anonymised early")
		}
		f.clk.Advance(time.Duration(RetentionDays("AMER")+1) * 24 * time.Hour)
		if n, _ := f.s.AnonymizeDue(ctx); n != 1 {
			t.Fatal("not anonymised")
		}
		c3, _ := f.s.GetCandidate(ctx, Viewer{Recruiter: true}, c.ID)
		if c3.AnonymizedAt == nil || c3.Email != "" || strings.Contains(c3.FirstName, "Eve") || len(c3.ApplicationIDs) != 1 {
			t.Fatalf("anonymised %+v", c3)
		}
		// Funnel metrics survive.
		if n, _ := f.s.CountApplications(ctx, ApplicationFilter{Viewer: Viewer{Recruiter: true}, Status: AppRejected}); n != 1 {
			t.Fatal("rejected application gone")
		}
	})
}

func TestHiringStoreSourcingAndBoard(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		ev, err := f.s.CreateSourcingEvent(ctx, f.actor("max"), SourcingEventInput{Name: "Sip 'n Source", Region: "AMER", RoleFocus: "support-engineer", StartsOn: "2026-01-05"})
		if err != nil || ev.GoalMonth != 40 || ev.GoalWeek != 10 || ev.ChecklistDue != "2026-01-31" {
			t.Fatal(err, ev)
		}
		for i := 0; i < 3; i++ {
			if _, err := f.s.CreateCandidate(ctx, f.actor("max"), CandidateInput{FirstName: "P" + string(rune('a'+i)), SourcingEventID: &ev.ID}); err != nil {
				t.Fatal(err)
			}
		}
		ev, _ = f.s.GetSourcingEvent(ctx, ev.ID)
		if len(ev.Progress) != 1 || ev.Progress[0].UserID != f.ids["max"] || ev.Progress[0].Count != 3 || ev.Progress[0].Goal != 40 {
			t.Fatalf("progress %+v", ev.Progress)
		}
		_, a := f.candidate(t, "Flo", nil)
		f.candidate(t, "Gus", nil)
		if _, err := f.s.Advance(ctx, f.actor("rita"), a.ID, a.CurrentStage.ID); err != nil {
			t.Fatal(err)
		}
		_, cols, err := f.s.Board(ctx, f.req.ID, 50)
		if err != nil || len(cols) != 7 || cols[0].Count != 1 || cols[1].Count != 1 || len(cols[1].Cards) != 1 {
			t.Fatalf("board %v %+v", err, cols)
		}
	})
}

func TestHiringStoreDemographicsAggregateOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var ids []int64
		for i, name := range []string{"Ana", "Bea", "Cid", "Dot", "Eda", "Fay"} {
			c, _ := f.candidate(t, name, nil)
			ids = append(ids, c.ID)
			g := "female"
			if i == 5 {
				g = "male"
			}
			if err := f.s.RecordDemographics(ctx, f.actor("rita"), c.ID, Demographics{Gender: g}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.RecordDemographics(ctx, f.actor("rita"), ids[0], Demographics{Gender: "robot"}); err == nil {
			t.Fatal("unknown answer accepted")
		}
		emea, err := f.s.CreateRequisition(ctx, f.actor("rita"), RequisitionInput{RequisitionID: "1009", Name: "Support Engineer", Role: "support-engineer", Region: "EMEA"})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.s.CreateCandidate(ctx, f.actor("rita"), CandidateInput{FirstName: "Gil"})
		if _, err := f.s.Apply(ctx, f.actor("rita"), c.ID, emea.ID, nil); err != nil {
			t.Fatal(err)
		}
		wantRule(t, f.s.RecordDemographics(ctx, f.actor("rita"), c.ID, Demographics{}), "Demographics rule")
		rep, err := f.s.DemographicsReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*int{}
		for _, g := range rep {
			got[g.Question+"/"+g.Answer] = g.Count
		}
		if got["gender/female"] == nil || *got["gender/female"] != 5 || got["gender/male"] != nil || *got["ethnicity/declined"] != 6 {
			t.Fatalf("report %v", rep)
		}
		// Never with the candidate; gone on erasure.
		if err := f.s.Erase(ctx, f.actor("rita"), ids[1]); err != nil {
			t.Fatal(err)
		}
		rep, _ = f.s.DemographicsReport(ctx)
		for _, g := range rep {
			if g.Question == "gender" && g.Answer == "female" && g.Count != nil {
				t.Fatalf("an erased candidate's answer still counted: %d", *g.Count)
			}
		}
	})
}
