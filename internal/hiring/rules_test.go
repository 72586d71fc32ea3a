package hiring

import (
	"testing"
	"time"
)

func TestTrainingGates(t *testing.T) {
	if err := CheckAssessmentReviewer(Interviewer{ID: 1}); err == nil {
		t.Fatal("untrained reviewer accepted")
	}
	if err := CheckAssessmentReviewer(Interviewer{ID: 1, Trainings: []string{TrainingStage1}}); err != nil {
		t.Fatal(err)
	}
	if err := CheckTechnicalInterviewer(Interviewer{ID: 1, Trainings: []string{TrainingStage1}}); err == nil {
		t.Fatal("stage 1 only accepted for technical interview")
	}
	if err := CheckTechnicalInterviewer(Interviewer{ID: 1, Trainings: []string{TrainingStage2}}); err != nil {
		t.Fatal(err)
	}
}

func TestPanelRule(t *testing.T) {
	m := Interviewer{ID: 1, Manager: true}
	o := Interviewer{ID: 2}
	if CheckPanel([]Interviewer{m}) == nil || CheckPanel([]Interviewer{o, {ID: 3, NonMale: true}}) == nil {
		t.Fatal("panel without manager or second interviewer accepted")
	}
	if CheckPanel([]Interviewer{m, o}) == nil {
		t.Fatal("panel without opted-in non-male interviewer accepted")
	}
	o.NonMale = true
	if err := CheckPanel([]Interviewer{m, o}); err != nil {
		t.Fatal(err)
	}
}

func TestReferrerAndScorecardRules(t *testing.T) {
	r := int64(5)
	if CheckReferrer(5, &r) == nil || CheckReferrer(6, &r) != nil || CheckReferrer(5, nil) != nil {
		t.Fatal("referrer rule wrong")
	}
	at := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) // Friday
	if CheckScorecardSubmit(9, []int64{1}, false, at, at.Add(time.Hour)) == nil {
		t.Fatal("unassigned submit accepted")
	}
	if CheckScorecardSubmit(1, []int64{1}, true, at, at.Add(time.Hour)) == nil {
		t.Fatal("second submit accepted")
	}
	if CheckScorecardSubmit(1, []int64{1}, false, at, at.Add(-time.Hour)) == nil {
		t.Fatal("early submit accepted")
	}
	if err := CheckScorecardSubmit(1, []int64{1}, false, at, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if CanSeeScorecards(false, false) || !CanSeeScorecards(false, true) || !CanSeeScorecards(true, false) {
		t.Fatal("visibility wrong")
	}
	if d := ScorecardDue(at); d.Weekday() != time.Monday {
		t.Fatalf("due %v, want Monday", d)
	}
}
