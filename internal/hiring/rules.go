// Package hiring holds the support hiring domain: the pure rules of the
// handbook's "Support Hiring" page, testable without a database.
package hiring

import (
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Training keys of the team catalog that gate hiring work.
const (
	TrainingStage1 = "stage-1-assessment-review"
	TrainingStage2 = "stage-2-technical-interview"
)

// Interviewer is what the rules need to know about a member.
type Interviewer struct {
	ID        int64
	Trainings []string
	Manager   bool // a Support Manager
	NonMale   bool // opt-in attribute, visible only to schedulers
}

func (i Interviewer) has(key string) bool {
	for _, t := range i.Trainings {
		if t == key {
			return true
		}
	}
	return false
}

// CheckAssessmentReviewer: only members with Stage 1 training review assessments.
func CheckAssessmentReviewer(i Interviewer) error {
	if !i.has(TrainingStage1) {
		return errs.Invalid("reviewer_id", fmt.Sprintf("Assessment review training rule: member %d has not completed Stage 1 training", i.ID))
	}
	return nil
}

// CheckTechnicalInterviewer: only Stage 2 trained members conduct technical interviews.
func CheckTechnicalInterviewer(i Interviewer) error {
	if !i.has(TrainingStage2) {
		return errs.Invalid("interviewer_id", fmt.Sprintf("Technical interview training rule: member %d has not completed Stage 2 training", i.ID))
	}
	return nil
}

// CheckPanel: a behavioural panel needs a Support Manager plus one more, and
// at least one interviewer who opted in as non-male.
func CheckPanel(panel []Interviewer) error {
	mgr, nonMale := false, false
	for _, p := range panel {
		mgr = mgr || p.Manager
		nonMale = nonMale || p.NonMale
	}
	if len(panel) < 2 || !mgr {
		return errs.Invalid("interviewers", "Behavioural panel rule: a Support Manager plus at least one more interviewer")
	}
	if !nonMale {
		return errs.Invalid("interviewers", "Behavioural panel rule: at least one interviewer must have opted in as non-male")
	}
	return nil
}

// CheckReferrer: a member who referred a candidate cannot interview them.
func CheckReferrer(interviewerID int64, referrerID *int64) error {
	if referrerID != nil && *referrerID == interviewerID {
		return errs.Invalid("interviewer_id", "Referrer rule: a member who referred the candidate cannot interview them")
	}
	return nil
}

// CheckScorecardSubmit: only assigned interviewers submit, once, not before the interview.
func CheckScorecardSubmit(by int64, assigned []int64, alreadySubmitted bool, interviewAt, now time.Time) error {
	ok := false
	for _, a := range assigned {
		ok = ok || a == by
	}
	switch {
	case !ok:
		return errs.Invalid("interviewer_id", "Scorecard rule: only an assigned interviewer submits a scorecard")
	case alreadySubmitted:
		return errs.Invalid("interviewer_id", "Scorecard rule: a scorecard is submitted once")
	case now.Before(interviewAt):
		return errs.Invalid("submitted_at", "Scorecard rule: a scorecard cannot be submitted before the interview")
	}
	return nil
}

// CanSeeScorecards: hiring manager and recruiters see all; an interviewer
// sees others only after submitting their own.
func CanSeeScorecards(hiringManagerOrRecruiter, submittedOwn bool) bool {
	return hiringManagerOrRecruiter || submittedOwn
}

// ScorecardDue is one business day after the interview.
func ScorecardDue(interview time.Time) time.Time {
	d := interview.AddDate(0, 0, 1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
