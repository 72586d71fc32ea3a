package hiring

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Stage kinds: what a stage is, which decides the rules that apply to its
// interviews (training gates, the panel rule, blind review).
const (
	KindAssessment = "assessment" // take-home, reviewed blind by Stage 1 trained engineers
	KindScreen     = "screen"     // recruiter screen
	KindTechnical  = "technical"  // Stage 2 trained engineers only
	KindPanel      = "panel"      // Support Manager plus one more, one opted-in non-male
	KindInterview  = "interview"  // any other interview (hiring manager, director, VP)
	KindReferences = "references" // at least two, one a manager
	KindOffer      = "offer"
)

var kinds = []string{KindAssessment, KindScreen, KindTechnical, KindPanel, KindInterview, KindReferences, KindOffer}

// Application statuses (Greenhouse's, without "converted").
const (
	AppActive   = "active"
	AppRejected = "rejected"
	AppHired    = "hired"
)

// Recommendations of a scorecard (Greenhouse's overall_recommendation).
var recommendations = []string{"definitely_not", "no", "yes", "strong_yes", "no_decision"}

// NormalizeRecommendation maps the handbook's wording onto Greenhouse's:
// "strong no" is definitely_not, "inclined" yes, "not inclined" no.
func NormalizeRecommendation(s string) (string, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
	switch s {
	case "strong_no":
		s = "definitely_not"
	case "inclined":
		s = "yes"
	case "not_inclined":
		s = "no"
	}
	return s, slices.Contains(recommendations, s)
}

// Kit is a stage's interview kit.
type Kit struct {
	Focus     []string `json:"focus_attributes"`
	Questions []string `json:"questions"`
}

// Stage is one step of a role pipeline.
type Stage struct {
	ID              int64  `json:"id"`
	PipelineID      int64  `json:"pipeline_id"`
	Position        int    `json:"priority"`
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	DurationMinutes int    `json:"estimated_minutes"`
	Kit             Kit    `json:"interview_kit"`
	Knockout        string `json:"knockout"`
}

// Pipeline is a role's sequence of stages.
type Pipeline struct {
	ID     int64   `json:"id"`
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	Stages []Stage `json:"stages"`
}

// PlanLine is headcount the VP allocated to a region and role for a quarter,
// with the actual: vacancies of its requisitions that are open and filled.
type PlanLine struct {
	ID        int64     `json:"id"`
	Quarter   string    `json:"quarter"`
	Region    string    `json:"region"`
	Role      string    `json:"role"`
	Headcount int       `json:"headcount"`
	HireBy    string    `json:"hire_by"`
	Notes     string    `json:"notes"`
	Vacancies int       `json:"vacancies_count"`
	Filled    int       `json:"filled_count"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PlanLineInput creates or updates a plan line (keyed by quarter, region, role).
type PlanLineInput struct {
	Quarter   string `json:"quarter"`
	Region    string `json:"region"`
	Role      string `json:"role"`
	Headcount int    `json:"headcount"`
	HireBy    string `json:"hire_by"`
	Notes     string `json:"notes"`
}

var quarterRE = regexp.MustCompile(`^\d{4}-Q[1-4]$`)

// ValidRegion reports whether r is a support region.
func ValidRegion(r string) bool { return r == "AMER" || r == "EMEA" || r == "APAC" }

// Validate checks a plan line.
func (in *PlanLineInput) Validate() error {
	var v errs.Validation
	v.Check(quarterRE.MatchString(in.Quarter), "quarter", "must be like 2027-Q1")
	v.Check(ValidRegion(in.Region), "region", "must be one of AMER, EMEA, APAC")
	v.Check(in.Role != "", "role", "must name a role pipeline")
	v.Check(in.Headcount >= 0 && in.Headcount <= 1000, "headcount", "must be from 0 to 1000")
	if in.HireBy != "" {
		v.Check(validDate(in.HireBy), "hire_by", "must be a date YYYY-MM-DD")
	}
	return v.Err()
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// Requisition is Greenhouse's job: a role in a region, with its openings.
type Requisition struct {
	ID              int64      `json:"id"`
	RequisitionID   string     `json:"requisition_id"`
	Name            string     `json:"name"`
	Status          string     `json:"status"`
	Region          string     `json:"region"`
	PipelineID      int64      `json:"pipeline_id"`
	Role            string     `json:"role"`
	HiringManagerID *int64     `json:"hiring_manager_id"`
	RecruiterID     *int64     `json:"recruiter_id"`
	PlanLineID      *int64     `json:"plan_line_id"`
	LevelKey        string     `json:"level"`
	Notes           string     `json:"notes"`
	OpenedAt        *time.Time `json:"opened_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Openings        []Vacancy  `json:"openings"`
}

// RequisitionInput creates a requisition with Openings draft vacancies.
type RequisitionInput struct {
	RequisitionID   string `json:"requisition_id"`
	Name            string `json:"name"`
	Role            string `json:"role"` // pipeline key
	Region          string `json:"region"`
	HiringManagerID *int64 `json:"hiring_manager_id"`
	RecruiterID     *int64 `json:"recruiter_id"`
	PlanLineID      *int64 `json:"plan_line_id"`
	LevelKey        string `json:"level"`
	Notes           string `json:"notes"`
	Openings        int    `json:"openings"`
	Type            string `json:"type"` // of the openings: new or backfill
	TargetStartDate string `json:"target_start_date"`
}

// Validate checks a requisition's fields.
func (in *RequisitionInput) Validate() error {
	var v errs.Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Check(regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`).MatchString(in.RequisitionID), "requisition_id", "must be 1 to 20 letters or digits, like 1001")
	v.Check(in.Name != "" && len(in.Name) <= 200, "name", "can't be blank (at most 200 characters)")
	v.Check(ValidRegion(in.Region), "region", "must be one of AMER, EMEA, APAC")
	v.Check(in.Openings >= 0 && in.Openings <= 50, "openings", "must be from 0 to 50")
	if in.Type == "" {
		in.Type = "new"
	}
	v.Check(in.Type == "new" || in.Type == "backfill", "type", "must be new or backfill")
	if in.TargetStartDate != "" {
		v.Check(validDate(in.TargetStartDate), "target_start_date", "must be a date YYYY-MM-DD")
	}
	return v.Err()
}

// Vacancy is an opening of a requisition with the handbook's fields.
type Vacancy struct {
	ID              int64      `json:"id"`
	JobID           int64      `json:"job_id"`
	OpeningID       string     `json:"opening_id"`
	JobTitle        string     `json:"job_title"`
	Region          string     `json:"region"`
	HiringManagerID *int64     `json:"hiring_manager_id"`
	Status          string     `json:"status"`
	CloseReason     *string    `json:"close_reason"`
	Type            string     `json:"type"`
	TargetStartDate *string    `json:"target_start_date"`
	ActualStartDate *string    `json:"actual_start_date"`
	ApplicationID   *int64     `json:"application_id"`
	CandidateID     *int64     `json:"candidate_id"`
	MemberID        *int64     `json:"team_member_id"`
	OpenedAt        *time.Time `json:"opened_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// VacancyInput changes a vacancy: its status (by the lifecycle), type and target date.
type VacancyInput struct {
	Status          *string `json:"status"`
	CloseReason     *string `json:"close_reason"`
	Type            *string `json:"type"`
	TargetStartDate *string `json:"target_start_date"`
}

// Candidate is a person in the pipeline. Referrer and sourcer are members.
type Candidate struct {
	ID              int64      `json:"id"`
	FirstName       string     `json:"first_name"`
	LastName        string     `json:"last_name"`
	Email           string     `json:"email"`
	EmailAddresses  []string   `json:"email_addresses"`
	Phone           string     `json:"phone"`
	Links           []string   `json:"website_addresses"`
	Source          string     `json:"source"`
	ReferrerID      *int64     `json:"referrer_id"`
	SourcedBy       *int64     `json:"sourced_by_id"`
	SourcingEventID *int64     `json:"sourcing_event_id"`
	MergedInto      *int64     `json:"merged_into_id"`
	RetainUntil     *time.Time `json:"retain_until"`
	AnonymizedAt    *time.Time `json:"anonymized_at"`
	ApplicationIDs  []int64    `json:"application_ids"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Number is what a blind reviewer sees instead of a name.
func (c Candidate) Number() string { return CandidateNumber(c.ID) }

// CandidateNumber is the blind label of candidate id.
func CandidateNumber(id int64) string { return fmt.Sprintf("C-%06d", id) }

// CandidateInput creates a candidate. AllowDuplicate creates one even when
// another has the same email (to merge later).
type CandidateInput struct {
	FirstName       string   `json:"first_name"`
	LastName        string   `json:"last_name"`
	Emails          []string `json:"email_addresses"`
	Phone           string   `json:"phone"`
	Links           []string `json:"website_addresses"`
	Source          string   `json:"source"`
	ReferrerID      *int64   `json:"referrer_id"`
	SourcedBy       *int64   `json:"sourced_by_id"`
	SourcingEventID *int64   `json:"sourcing_event_id"`
	AllowDuplicate  bool     `json:"allow_duplicate"`
}

// Validate checks and normalises a candidate.
func (in *CandidateInput) Validate() error {
	var v errs.Validation
	in.FirstName, in.LastName = strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName)
	v.Check(in.FirstName != "" || in.LastName != "", "first_name", "a candidate needs a name")
	v.Check(len(in.FirstName) <= 120 && len(in.LastName) <= 120, "last_name", "is too long (maximum is 120 characters)")
	var emails []string
	for _, e := range in.Emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			v.Add("email_addresses", fmt.Sprintf("%q is not an email address", e))
			continue
		}
		if !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	in.Emails = emails
	return v.Err()
}

// StageRef is Greenhouse's {id, name} of a stage.
type StageRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// StageVisit is a stage an application was in, with its time there.
type StageVisit struct {
	Stage     StageRef   `json:"stage"`
	EnteredAt time.Time  `json:"entered_at"`
	LeftAt    *time.Time `json:"left_at"`
	Seconds   int64      `json:"seconds_in_stage"`
}

// Application is a candidate's application to a requisition.
type Application struct {
	ID              int64        `json:"id"`
	CandidateID     int64        `json:"candidate_id"`
	CandidateName   string       `json:"candidate_name,omitempty"`
	JobID           int64        `json:"job_id"`
	Status          string       `json:"status"`
	CurrentStage    *StageRef    `json:"current_stage"`
	RejectionReason *string      `json:"rejection_reason"`
	CreditedTo      *int64       `json:"credited_to_id"`
	AppliedAt       time.Time    `json:"applied_at"`
	RejectedAt      *time.Time   `json:"rejected_at"`
	HiredAt         *time.Time   `json:"hired_at"`
	LastActivityAt  time.Time    `json:"last_activity_at"`
	History         []StageVisit `json:"stage_history,omitempty"`
}

// Interview is a scheduled interview of an application at a stage.
type Interview struct {
	ID              int64     `json:"id"`
	ApplicationID   int64     `json:"application_id"`
	CandidateID     int64     `json:"candidate_id,omitempty"` // left out for a blind reviewer
	CandidateNumber string    `json:"candidate_number"`
	JobID           int64     `json:"job_id"`
	Stage           StageRef  `json:"interview_step"`
	ScheduledAt     time.Time `json:"start"`
	DueAt           time.Time `json:"scorecard_due_at"`
	Status          string    `json:"status"`
	CancelReason    string    `json:"cancel_reason"`
	Submission      string    `json:"submission,omitempty"`
	Interviewers    []int64   `json:"interviewer_ids"`
	CreatedAt       time.Time `json:"created_at"`
}

// InterviewInput schedules an interview. With no interviewers an
// assessment is routed round-robin to a trained reviewer.
type InterviewInput struct {
	ApplicationID int64     `json:"application_id"`
	StageID       int64     `json:"stage_id"` // the application's current stage when 0
	ScheduledAt   time.Time `json:"start"`
	Interviewers  []int64   `json:"interviewer_ids"`
	Submission    string    `json:"submission"`
}

// Attribute is one rated focus attribute of a scorecard.
type Attribute struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Note   string `json:"note"`
	Rating string `json:"rating"`
}

// Scorecard is an interviewer's feedback (Greenhouse's shape).
type Scorecard struct {
	ID                    int64       `json:"id"`
	InterviewID           int64       `json:"interview_id"`
	InterviewStep         StageRef    `json:"interview_step"`
	CandidateID           int64       `json:"candidate_id"`
	ApplicationID         int64       `json:"application_id"`
	InterviewedAt         time.Time   `json:"interviewed_at"`
	SubmittedBy           int64       `json:"submitted_by_id"`
	SubmittedAt           time.Time   `json:"submitted_at"`
	OverallRecommendation string      `json:"overall_recommendation"`
	Attributes            []Attribute `json:"attributes"`
	KeyTakeAways          string      `json:"key_take_aways"`
	Pros                  string      `json:"pros"`
	Cons                  string      `json:"cons"`
	PrivateNotes          string      `json:"private_notes,omitempty"`
}

// ScorecardInput submits a scorecard for an interview.
type ScorecardInput struct {
	InterviewID           int64       `json:"interview_id"`
	OverallRecommendation string      `json:"overall_recommendation"`
	Attributes            []Attribute `json:"attributes"`
	KeyTakeAways          string      `json:"key_take_aways"`
	Pros                  string      `json:"pros"`
	Cons                  string      `json:"cons"`
	PrivateNotes          string      `json:"private_notes"`
}

// Validate checks a scorecard's content (key take-aways, pros and cons are required).
func (in *ScorecardInput) Validate() error {
	var v errs.Validation
	rec, ok := NormalizeRecommendation(in.OverallRecommendation)
	v.Check(ok, "overall_recommendation", "must be strong_yes, yes, no, definitely_not (strong no) or no_decision")
	in.OverallRecommendation = rec
	for _, f := range []struct{ name, val string }{{"key_take_aways", in.KeyTakeAways}, {"pros", in.Pros}, {"cons", in.Cons}} {
		v.Check(strings.TrimSpace(f.val) != "", f.name, "Scorecard content rule: key take-aways, pros and cons are required")
	}
	for _, a := range in.Attributes {
		_, ok := NormalizeRecommendation(a.Rating)
		v.Check(strings.TrimSpace(a.Name) != "" && (a.Rating == "" || ok), "attributes", "each needs a name and a rating like the overall recommendation")
	}
	return v.Err()
}

// SourcingEvent is a source-a-thon with each manager's count against the goal.
type SourcingEvent struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Region       string         `json:"region"`
	RoleFocus    string         `json:"role_focus"`
	StartsOn     string         `json:"starts_on"`
	EndsOn       string         `json:"ends_on"`
	GoalMonth    int            `json:"goal_per_month"`
	GoalWeek     int            `json:"goal_per_week"`
	ChecklistDue string         `json:"checklist_due_on"`
	CreatedAt    time.Time      `json:"created_at"`
	Progress     []SourcerCount `json:"progress"`
}

// SourcerCount is how many prospects a member sourced in an event.
type SourcerCount struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Count  int    `json:"sourced_count"`
	Goal   int    `json:"goal"`
}

// SourcingEventInput creates a source-a-thon.
type SourcingEventInput struct {
	Name      string `json:"name"`
	Region    string `json:"region"`
	RoleFocus string `json:"role_focus"`
	StartsOn  string `json:"starts_on"`
	EndsOn    string `json:"ends_on"`
	GoalMonth int    `json:"goal_per_month"`
	GoalWeek  int    `json:"goal_per_week"`
}

// Sourcing goals of the handbook: at least 40 a month, 10 a week.
const (
	DefaultGoalMonth = 40
	DefaultGoalWeek  = 10
)

// Validate checks a sourcing event and fills the handbook's goals and the
// checklist due date (the end of the month it starts in).
func (in *SourcingEventInput) Validate() (checklistDue string, err error) {
	var v errs.Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.Name != "", "name", "can't be blank")
	v.Check(in.Region == "" || ValidRegion(in.Region), "region", "must be one of AMER, EMEA, APAC (or empty for all)")
	v.Check(validDate(in.StartsOn), "starts_on", "must be a date YYYY-MM-DD")
	if in.EndsOn == "" {
		in.EndsOn = in.StartsOn
	}
	v.Check(validDate(in.EndsOn) && in.EndsOn >= in.StartsOn, "ends_on", "must be a date on or after starts_on")
	if in.GoalMonth == 0 {
		in.GoalMonth = DefaultGoalMonth
	}
	if in.GoalWeek == 0 {
		in.GoalWeek = DefaultGoalWeek
	}
	v.Check(in.GoalMonth > 0 && in.GoalWeek > 0, "goal_per_month", "goals must be positive")
	if err := v.Err(); err != nil {
		return "", err
	}
	s, _ := time.Parse("2006-01-02", in.StartsOn)
	return time.Date(s.Year(), s.Month()+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), nil
}

// FirstMonday is the AMER "Sip 'n Source" day of the month of t.
func FirstMonday(year int, month time.Month) time.Time {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// RetentionDays is how long a candidate rejected everywhere is kept before
// anonymisation, by the region of the requisition (EMEA: GDPR's shorter period).
func RetentionDays(region string) int {
	switch region {
	case "EMEA":
		return 180
	case "APAC":
		return 365
	}
	return 730
}

// Viewer is who reads hiring data: recruiters (hiring.manage) see
// everything; others only what their part in the hiring team shows.
type Viewer struct {
	UserID    int64
	Recruiter bool
}
