// Package team is the support organisation as data: job families and levels
// (IC or manager track, with grades), team members (one per staff user on the
// roster) with their region, time zone, working hours, manager, specialties,
// skills and trainings, time off, 1:1s and skip-levels. The rules (specialty
// requirements, the Assigned Support Engineer account limit, reporting-line
// cycles, spans of control, availability) are pure functions tested without
// a database; Store persists with audit entries.
//
// A member is a user's staff profile: its id IS the user's id, and the
// fields the people package already had (region, time zone, manager,
// verified citizenship, trainings, job title/family/grade) stay in the users
// table, so that people's API keeps answering them. Writes through this
// package keep job_title, job_family and grade in step with the level.
package team

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/frontline/frontline/internal/errs"
)

// Tracks of a level.
const (
	TrackIC      = "ic"
	TrackManager = "manager"
)

// Regions of the support team (the people package's values).
var regions = []string{"AMER", "EMEA", "APAC"}

// Regions lists the support regions in display order.
func Regions() []string { return slices.Clone(regions) }

// ValidRegion reports whether r is one of AMER, EMEA, APAC.
func ValidRegion(r string) bool { return slices.Contains(regions, r) }

// Family is a job family with its levels (by rank).
type Family struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Name      string    `json:"name"`
	Position  int       `json:"position"`
	Levels    []Level   `json:"levels"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Level is one step of a job family: a title, a track and a grade (nil when
// none is set; the handbook gives none for directors and the VP).
type Level struct {
	ID        int64     `json:"id"`
	FamilyID  int64     `json:"job_family_id"`
	Key       string    `json:"key"`
	Name      string    `json:"name"`
	Track     string    `json:"track"`
	Grade     *int      `json:"grade"`
	Rank      int       `json:"rank"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IsManager reports whether the level is on the manager track.
func (l *Level) IsManager() bool { return l != nil && l.Track == TrackManager }

// FamilyInput is a job family create or update.
type FamilyInput struct {
	Name     *string `json:"name"`
	Position *int    `json:"position"`
}

// LevelInput is a level create or update. Grade may be set to null with
// "clear_grade": true (a JSON null cannot be told from "not given").
type LevelInput struct {
	Name       *string `json:"name"`
	Track      *string `json:"track"`
	Grade      *int    `json:"grade"`
	ClearGrade bool    `json:"clear_grade"`
	Rank       *int    `json:"rank"`
}

// Validate checks a family's fields.
func (f *Family) Validate() error {
	var v errs.Validation
	f.Name = strings.TrimSpace(f.Name)
	v.Check(f.Name != "", "name", "can't be blank")
	v.Check(len(f.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	return v.Err()
}

// Validate checks a level's fields.
func (l *Level) Validate() error {
	var v errs.Validation
	l.Name = strings.TrimSpace(l.Name)
	v.Check(l.Name != "", "name", "can't be blank")
	v.Check(len(l.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	v.Check(l.Track == TrackIC || l.Track == TrackManager, "track", "must be ic or manager")
	if l.Grade != nil {
		v.Check(*l.Grade >= 1 && *l.Grade <= 30, "grade", "must be a number from 1 to 30")
	}
	v.Check(l.Rank >= 0 && l.Rank <= 100, "rank", "must be a number from 0 to 100")
	return v.Err()
}

// Slug makes a key from a name: "Manager, Support Engineering" is
// "manager-support-engineering".
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// normTitle compares titles ignoring case, punctuation and spacing.
func normTitle(s string) string { return Slug(s) }

// --- specialties ---------------------------------------------------------------------

// Specialties of the handbook.
const (
	SpecialtyASE   = "assigned_support_engineer" // Assigned Support Engineer: leads up to 5 accounts
	SpecialtyUSGov = "us_government"             // US Government Support: verified US citizens only
	SpecialtyShift = "shift"                     // working hours that do not follow the region
)

// MaxASEAccounts is how many accounts one Assigned Support Engineer leads at
// most ("up to 5 assigned accounts").
const MaxASEAccounts = 5

var specialtyNames = map[string]string{
	SpecialtyASE:   "Assigned Support Engineer",
	SpecialtyUSGov: "US Government Support",
	SpecialtyShift: "Shift",
}

// Specialties lists the specialty keys.
func Specialties() []string { return []string{SpecialtyASE, SpecialtyUSGov, SpecialtyShift} }

// SpecialtyName is the handbook's name of a specialty key.
func SpecialtyName(key string) string {
	if n, ok := specialtyNames[key]; ok {
		return n
	}
	return key
}

// aseLevels are the levels "nearing or at Senior level": the intermediate
// Support Engineer, Senior and Staff.
var aseLevels = []string{"support-engineer", "senior-support-engineer", "staff-support-engineer"}

// ASEEligible reports whether a level may hold the ASE specialty.
func ASEEligible(levelKey string) bool { return slices.Contains(aseLevels, levelKey) }

// SpecialtyFacts are what the specialty rules look at besides the list.
type SpecialtyFacts struct {
	LevelKey        string // "" when the member has no level
	VerifiedCitizen bool
	AssignedCount   int // organizations naming the member as their ASE
	Hours           WorkingHours
}

// CheckSpecialties enforces the specialty rules on a member's new list. Each
// refusal names the rule.
func CheckSpecialties(specs []string, f SpecialtyFacts) error {
	var v errs.Validation
	for _, s := range specs {
		if _, ok := specialtyNames[s]; !ok {
			v.Add("specialties", fmt.Sprintf("%q is not a specialty (one of %s)", s, strings.Join(Specialties(), ", ")))
		}
	}
	if slices.Contains(specs, SpecialtyASE) && !ASEEligible(f.LevelKey) {
		v.Add("specialties", "Assigned Support Engineer is for engineers nearing or at Senior level (Support Engineer, Senior or Staff Support Engineer)")
	}
	if !slices.Contains(specs, SpecialtyASE) && f.AssignedCount > 0 {
		v.Add("specialties", fmt.Sprintf("Assigned Support Engineer can't be removed while %d accounts are assigned to this member; reassign them first", f.AssignedCount))
	}
	if slices.Contains(specs, SpecialtyUSGov) && !f.VerifiedCitizen {
		v.Add("specialties", "US Government Support requires verified US citizenship")
	}
	if !slices.Contains(specs, SpecialtyShift) {
		if why := f.Hours.OffRegion(); why != "" {
			v.Add("working_hours", why+": hours that do not follow the region need the Shift specialty")
		}
	}
	return v.Err()
}

// CheckASEAccounts enforces the account limit when an organization names
// its Assigned Support Engineer; others is how many other organizations
// already name them.
func CheckASEAccounts(name string, others int) error {
	if others >= MaxASEAccounts {
		return errs.Invalid("assigned_support_engineer_id", fmt.Sprintf(
			"Assigned Support Engineer rule: at most %d assigned accounts per engineer (%s already leads %d)", MaxASEAccounts, name, others))
	}
	return nil
}

// --- trainings ---------------------------------------------------------------------

// Training is an entry of the training catalog. Builtin ones come from the
// hiring handbook; admins add more.
type Training struct {
	ID          int64     `json:"id"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Builtin     bool      `json:"builtin"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TrainingInput creates or updates a catalog entry.
type TrainingInput struct {
	Key         *string `json:"key"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

var keyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Validate checks a catalog entry.
func (t *Training) Validate() error {
	var v errs.Validation
	t.Name = strings.TrimSpace(t.Name)
	v.Check(t.Name != "", "name", "can't be blank")
	v.Check(len(t.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	v.Check(keyRe.MatchString(t.Key), "key", "must be lower-case letters, digits, - or _ (at most 63)")
	v.Check(len(t.Description) <= 2000, "description", "is too long (maximum is 2000 characters)")
	return v.Err()
}

// MemberTraining is a training a member completed.
type MemberTraining struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	CompletedAt string `json:"completed_at"` // YYYY-MM-DD
}

// --- dates ---------------------------------------------------------------------------

// DateLayout is the layout of dates ("YYYY-MM-DD").
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil
}

// dateOf is t's calendar date in loc.
func dateOf(t time.Time, loc *time.Location) string { return t.In(loc).Format(DateLayout) }

// --- members -------------------------------------------------------------------------

// Member is a person on the support roster. ID is the user's id (UserID
// repeats it for clients that expect both).
type Member struct {
	ID                  int64            `json:"id"`
	UserID              int64            `json:"user_id"`
	Name                string           `json:"name"`
	Email               string           `json:"email"`
	JobFamily           string           `json:"job_family"`
	Level               string           `json:"level"`
	LevelID             *int64           `json:"level_id"`
	Title               string           `json:"title"`
	Grade               *int             `json:"grade"`
	IsManager           bool             `json:"is_manager"`
	Region              string           `json:"region"`
	TimeZone            string           `json:"time_zone"`
	ManagerID           *int64           `json:"manager_id"`
	Specialties         []string         `json:"specialties"`
	Trainings           []MemberTraining `json:"trainings"`
	StartDate           *string          `json:"start_date"`
	EndDate             *string          `json:"end_date"`
	Skills              []string         `json:"skills"`
	WorkingHours        WorkingHours     `json:"working_hours"`
	VerifiedCitizenship bool             `json:"verified_us_citizenship"`
	Active              bool             `json:"active"`
	Flags               []string         `json:"flags"`
	CreatedAt           time.Time        `json:"created_at"`
	UpdatedAt           time.Time        `json:"updated_at"`

	// Stored but not served as such.
	LevelKey      string `json:"-"`
	track         string
	FamilyKey     string `json:"-"`
	Role          string `json:"-"`
	LegacyTitle   string `json:"-"` // users.job_title
	LegacyGrade   string `json:"-"` // users.grade
	MigrationNote string `json:"-"`
	AssignedCount int    `json:"-"`
}

// Left reports whether the member had left by date today (YYYY-MM-DD).
func (m *Member) Left(today string) bool { return m.EndDate != nil && *m.EndDate < today }

// TrainingInput of a member: a catalog key and when it was completed.
type MemberTrainingInput struct {
	Key         string `json:"key"`
	CompletedAt string `json:"completed_at"`
}

// MemberInput is a member create or update; nil means "not given". On
// create, UserID names an existing user, or Name and Email make a new agent.
// Clearing a date or the manager: send "" / 0.
type MemberInput struct {
	UserID              *int64                 `json:"user_id"`
	Name                *string                `json:"name"`
	Email               *string                `json:"email"`
	LevelID             *int64                 `json:"level_id"`
	Level               *string                `json:"level"` // a level's name or key, instead of level_id
	Region              *string                `json:"region"`
	TimeZone            *string                `json:"time_zone"`
	ManagerID           *int64                 `json:"manager_id"`
	Specialties         *[]string              `json:"specialties"`
	Skills              *[]string              `json:"skills"`
	Trainings           *[]MemberTrainingInput `json:"trainings"`
	StartDate           *string                `json:"start_date"`
	EndDate             *string                `json:"end_date"`
	WorkingHours        *WorkingHours          `json:"working_hours"`
	VerifiedCitizenship *bool                  `json:"verified_us_citizenship"`
}

// Validate checks the fields of a member that need no lookup. Levels and
// managers are checked by the store.
func (m *Member) Validate() error {
	var v errs.Validation
	v.Check(ValidRegion(m.Region), "region", "must be one of AMER, EMEA, APAC")
	if _, err := time.LoadLocation(m.TimeZone); err != nil || m.TimeZone == "" || m.TimeZone == "Local" {
		v.Add("time_zone", "is not a known IANA time zone")
	}
	var start, end time.Time
	okStart, okEnd := true, true
	if m.StartDate != nil {
		start, okStart = ParseDate(*m.StartDate)
		v.Check(okStart, "start_date", "must be a date (YYYY-MM-DD)")
	}
	if m.EndDate != nil {
		end, okEnd = ParseDate(*m.EndDate)
		v.Check(okEnd, "end_date", "must be a date (YYYY-MM-DD)")
	}
	if m.StartDate != nil && m.EndDate != nil && okStart && okEnd {
		v.Check(!end.Before(start), "end_date", "must not be before start_date")
	}
	if m.ManagerID != nil && *m.ManagerID == m.ID {
		v.Add("manager_id", "can't be the member themself")
	}
	v.Check(len(m.Skills) <= 50, "skills", "at most 50 skills")
	for _, s := range m.Skills {
		v.Check(len(s) <= 60, "skills", fmt.Sprintf("%q is too long (maximum is 60 characters)", s))
	}
	merge(&v, m.WorkingHours.Validate())
	return v.Err()
}

// merge adds the field problems of a validation error to v.
func merge(v *errs.Validation, err error) {
	var de *errs.Error
	if !errors.As(err, &de) {
		return
	}
	for f, ps := range de.Fields {
		for _, p := range ps {
			v.Add(f, p)
		}
	}
}

// computeFlags lists what is inconsistent about a member's stored data, for admins
// to resolve: free-text titles and grades that matched no level when the
// roster was first built, and rules the record breaks (data written before
// the rules existed).
func (m *Member) computeFlags() []string {
	out := []string{}
	if m.LevelID == nil {
		what := "no level"
		if m.LegacyTitle != "" || m.LegacyGrade != "" {
			what = fmt.Sprintf("no level: the old title %q (grade %q) matched none", m.LegacyTitle, m.LegacyGrade)
		}
		out = append(out, what)
	}
	if !ValidRegion(m.Region) {
		out = append(out, "no region")
	}
	if m.MigrationNote != "" {
		out = append(out, m.MigrationNote)
	}
	if m.LevelID != nil && m.LegacyGrade != "" && m.Grade != nil && m.LegacyGrade != fmt.Sprint(*m.Grade) && m.MigrationNote == "" {
		out = append(out, fmt.Sprintf("users.grade %q differs from the level's grade %d", m.LegacyGrade, *m.Grade))
	}
	var de *errs.Error
	if errors.As(CheckSpecialties(m.Specialties, SpecialtyFacts{LevelKey: m.LevelKey, VerifiedCitizen: m.VerifiedCitizenship,
		AssignedCount: m.AssignedCount, Hours: m.WorkingHours}), &de) {
		for _, ps := range de.Fields {
			out = append(out, ps...)
		}
	}
	if m.AssignedCount > MaxASEAccounts {
		out = append(out, fmt.Sprintf("leads %d assigned accounts; the Assigned Support Engineer limit is %d", m.AssignedCount, MaxASEAccounts))
	}
	slices.Sort(out)
	return out
}

// MatchLevel finds the level a free-text title names (ignoring case and
// punctuation), for migrating users written before levels existed. note
// explains a partial match: the title matched but the old grade differs.
func MatchLevel(levels []Level, title, grade string) (lvl *Level, note string) {
	t := normTitle(title)
	if t == "" {
		return nil, ""
	}
	for i := range levels {
		if normTitle(levels[i].Name) != t && levels[i].Key != t {
			continue
		}
		l := &levels[i]
		g := strings.TrimSpace(grade)
		if g != "" && (l.Grade == nil || g != fmt.Sprint(*l.Grade)) {
			want := "none"
			if l.Grade != nil {
				want = fmt.Sprint(*l.Grade)
			}
			return l, fmt.Sprintf("migrated: the old grade %q differs from %s's grade %s; the grade now follows the level", g, l.Name, want)
		}
		return l, ""
	}
	return nil, ""
}
