package team

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
)

// Kinds of time off. The policy is "no ask, must tell": entries are
// recorded, never approved.
var timeOffKinds = []string{"vacation", "sick", "family_and_friends", "parental", "conference", "training", "other"}

// TimeOffKinds lists the accepted types.
func TimeOffKinds() []string { return slices.Clone(timeOffKinds) }

// TimeOff is one absence of a member. Reason is private: nil unless the
// caller is the member or in their manager chain.
type TimeOff struct {
	ID           int64     `json:"id"`
	MemberID     int64     `json:"member_id"`
	Type         string    `json:"type"`
	StartDate    string    `json:"start_date"`
	EndDate      string    `json:"end_date"`
	StartHalfDay bool      `json:"start_half_day"` // the first day is off from midday
	EndHalfDay   bool      `json:"end_half_day"`   // the last day is off until midday
	Days         float64   `json:"days"`
	Reason       *string   `json:"reason"`
	CreatedByID  *int64    `json:"created_by_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// Set when listed with its member.
	MemberName string `json:"member_name,omitempty"`
	Region     string `json:"region,omitempty"`
}

// TimeOffInput is a create or update.
type TimeOffInput struct {
	MemberID     *int64  `json:"member_id"`
	Type         *string `json:"type"`
	StartDate    *string `json:"start_date"`
	EndDate      *string `json:"end_date"`
	StartHalfDay *bool   `json:"start_half_day"`
	EndHalfDay   *bool   `json:"end_half_day"`
	Reason       *string `json:"reason"`
}

// Apply copies the given fields onto t.
func (in *TimeOffInput) Apply(t *TimeOff, reason *string) *string {
	set(&t.Type, in.Type)
	if in.Type != nil {
		t.Type = strings.ToLower(strings.TrimSpace(t.Type))
	}
	set(&t.StartDate, in.StartDate)
	set(&t.EndDate, in.EndDate)
	if in.StartDate != nil && in.EndDate == nil && t.EndDate == "" {
		t.EndDate = t.StartDate
	}
	set(&t.StartHalfDay, in.StartHalfDay)
	set(&t.EndHalfDay, in.EndHalfDay)
	if in.Reason != nil {
		r := strings.TrimSpace(*in.Reason)
		return &r
	}
	return reason
}

// MaxTimeOffDays bounds one entry.
const MaxTimeOffDays = 366

// Validate checks an entry (reason is its private reason).
func (t *TimeOff) Validate(reason string) error {
	var v errs.Validation
	v.Check(slices.Contains(timeOffKinds, t.Type), "type", "must be one of "+strings.Join(timeOffKinds, ", "))
	start, ok1 := ParseDate(t.StartDate)
	v.Check(ok1, "start_date", "must be a date (YYYY-MM-DD)")
	end, ok2 := ParseDate(t.EndDate)
	v.Check(ok2, "end_date", "must be a date (YYYY-MM-DD)")
	if ok1 && ok2 {
		v.Check(!end.Before(start), "end_date", "must not be before start_date")
		v.Check(end.Sub(start) < MaxTimeOffDays*24*time.Hour, "end_date", fmt.Sprintf("an entry covers at most %d days", MaxTimeOffDays))
		if t.StartDate == t.EndDate && t.StartHalfDay && t.EndHalfDay {
			v.Add("end_half_day", "a single half day is either start_half_day (the afternoon off) or end_half_day (the morning off)")
		}
	}
	v.Check(utf8.RuneCountInString(reason) <= 1000, "reason", "is too long (maximum is 1000 characters)")
	if err := v.Err(); err != nil {
		return err
	}
	t.Days = float64(end.Sub(start)/(24*time.Hour)) + 1
	if t.StartHalfDay {
		t.Days -= 0.5
	}
	if t.EndHalfDay {
		t.Days -= 0.5
	}
	return nil
}

// Away is the entry as Available reads it.
func (t *TimeOff) Away() Away {
	return Away{StartDate: t.StartDate, EndDate: t.EndDate, StartHalf: t.StartHalfDay, EndHalf: t.EndHalfDay}
}

// CanSeePrivate is the relationship rule for private team data (time-off
// reasons, 1:1 notes): the member themself and their manager chain.
func CanSeePrivate(viewer, member int64, chain []int64) bool {
	return viewer == member || InChain(chain, viewer)
}

// --- 1:1s -------------------------------------------------------------------------

// Kinds of 1:1.
const (
	OneOnOneKind  = "one_on_one" // a manager with a direct report
	SkipLevelKind = "skip_level" // a manager's manager (or higher) with a member
)

// Cadences: a 1:1 with every direct report at least every two weeks, a
// skip-level with every indirect report at least every quarter.
const (
	OneOnOneEveryDays  = 14
	SkipLevelEveryDays = 90
)

// OneOnOne is one recorded 1:1 or skip-level. Notes are private to the
// pair and the member's manager chain: nil for anyone else.
type OneOnOne struct {
	ID        int64     `json:"id"`
	MemberID  int64     `json:"member_id"`
	ManagerID int64     `json:"manager_id"`
	Type      string    `json:"type"`
	HeldOn    string    `json:"held_on"`
	Notes     *string   `json:"notes"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	MemberName  string `json:"member_name,omitempty"`
	ManagerName string `json:"manager_name,omitempty"`
}

// OneOnOneInput records a 1:1; the manager is the caller.
type OneOnOneInput struct {
	MemberID *int64  `json:"member_id"`
	Type     *string `json:"type"`
	HeldOn   *string `json:"held_on"`
	Notes    *string `json:"notes"`
}

// ValidateOneOnOne checks a 1:1 the holder records on date today, given the
// member's manager chain (direct manager first).
func ValidateOneOnOne(o *OneOnOne, notes string, today string, chain []int64) error {
	var v errs.Validation
	v.Check(o.Type == OneOnOneKind || o.Type == SkipLevelKind, "type", "must be one_on_one or skip_level")
	if _, ok := ParseDate(o.HeldOn); !ok {
		v.Add("held_on", "must be a date (YYYY-MM-DD)")
	} else {
		v.Check(o.HeldOn <= today, "held_on", "can't be in the future")
	}
	v.Check(utf8.RuneCountInString(notes) <= 20000, "notes", "is too long (maximum is 20000 characters)")
	switch {
	case o.MemberID == o.ManagerID:
		v.Add("member_id", "can't be yourself")
	case o.Type == OneOnOneKind && (len(chain) == 0 || chain[0] != o.ManagerID):
		v.Add("member_id", "a 1:1 is recorded by the member's direct manager")
	case o.Type == SkipLevelKind && !InChain(chain[min(1, len(chain)):], o.ManagerID):
		v.Add("member_id", "a skip-level is recorded by a manager above the member's direct manager")
	}
	return v.Err()
}

// Cadence is one report's 1:1 rhythm with a manager.
type Cadence struct {
	MemberID int64   `json:"member_id"`
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	LastHeld *string `json:"last_held_on"`
	DueOn    string  `json:"due_on"`
	Overdue  bool    `json:"overdue"`
}

// DueOn is when the next 1:1 is due: every days after the last one, or
// after the member's start (today when neither is known).
func DueOn(today string, last, start *string, every int) string {
	base := today
	switch {
	case last != nil:
		base = *last
	case start != nil:
		base = *start
	default:
		return today
	}
	t, ok := ParseDate(base)
	if !ok {
		return today
	}
	return t.AddDate(0, 0, every).Format(DateLayout)
}

// CadenceOf is a report's cadence on date today.
func CadenceOf(today string, memberID int64, name, kind string, last, start *string) Cadence {
	every := OneOnOneEveryDays
	if kind == SkipLevelKind {
		every = SkipLevelEveryDays
	}
	due := DueOn(today, last, start, every)
	return Cadence{MemberID: memberID, Name: name, Type: kind, LastHeld: last, DueOn: due, Overdue: due < today}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
