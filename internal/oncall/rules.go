package oncall

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Validate checks a schedule's own fields.
func (s *Schedule) Validate() error {
	var v errs.Validation
	s.Name = strings.TrimSpace(s.Name)
	v.Check(s.Name != "", "name", "can't be blank")
	v.Check(len(s.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	v.Check(len(s.Description) <= 2000, "description", "is too long (maximum is 2000 characters)")
	if _, err := time.LoadLocation(s.TZ); s.TZ == "" || err != nil {
		v.Add("time_zone", "must be an IANA time zone (Europe/Amsterdam)")
	}
	return v.Err()
}

// Member is what the staffing rules need to know of a person.
type Member struct {
	ID          int64
	Name        string
	Active      bool // on the team (not left, not suspended)
	Specialties []string
}

// SpecialtyName is how a rule names a required specialty.
func SpecialtyName(key string) string {
	switch key {
	case "us_government":
		return "US Government"
	case "":
		return ""
	}
	return key
}

// CheckStaffing enforces who may be on call on s: staff members of the
// team only, and, on a schedule that requires a specialty (US
// Government), only members who hold it. field names the input refused.
func CheckStaffing(s *Schedule, field string, users []int64, memberOf func(int64) (Member, bool)) error {
	var v errs.Validation
	for _, u := range users {
		m, ok := memberOf(u)
		if !ok || !m.Active {
			v.Add(field, fmt.Sprintf("On-call staffing rule: user %d is not an active member of the support team", u))
			continue
		}
		if s.RequiredSpecialty != "" && !slices.Contains(m.Specialties, s.RequiredSpecialty) {
			name := SpecialtyName(s.RequiredSpecialty)
			v.Add(field, fmt.Sprintf("%s rule: %s can't be on call on %s; only members with the %s specialty are", name, m.Name, s.Name, name))
		}
	}
	return v.Err()
}

// Validate checks an override's window.
func (o *Override) Validate() error {
	var v errs.Validation
	v.Check(o.UserID > 0, "user", "is required")
	v.Check(!o.Start.IsZero() && !o.End.IsZero() && o.Start.Before(o.End), "end", "must be after start")
	v.Check(o.End.Sub(o.Start) <= 92*24*time.Hour, "end", "must be at most 92 days after start")
	v.Check(len(o.Reason) <= 500, "reason", "is too long (maximum is 500 characters)")
	return v.Err()
}

// Swap statuses.
const (
	SwapPending   = "pending"
	SwapAccepted  = "accepted"
	SwapDeclined  = "declined"
	SwapCancelled = "cancelled"
)

// Swap is a request by the member on call (requester) that another member
// takes [Start, End) of their shift; when accepted by a taker it becomes an
// override for the taker. TakerID, when set at request time, is the only
// member who may accept.
type Swap struct {
	ID          int64      `json:"id"`
	ScheduleID  int64      `json:"schedule_id"`
	RequesterID int64      `json:"requester_id"`
	TakerID     *int64     `json:"taker_id"`
	Start       time.Time  `json:"start"`
	End         time.Time  `json:"end"`
	Note        string     `json:"note"`
	Status      string     `json:"status"`
	OverrideID  *int64     `json:"override_id"`
	DecidedAt   *time.Time `json:"decided_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// CheckSwapRequest enforces the swap rules at request time: a window in the
// future, and the requester on call for all of it.
func CheckSwapRequest(s Schedule, w *Swap, now time.Time) error {
	var v errs.Validation
	v.Check(w.Start.Before(w.End), "end", "must be after start")
	v.Check(w.End.Sub(w.Start) <= 31*24*time.Hour, "end", "must be at most 31 days after start")
	v.Check(!w.End.Before(now), "end", "Swap rule: a swap is for a shift that has not ended yet")
	v.Check(len(w.Note) <= 500, "note", "is too long (maximum is 500 characters)")
	if w.TakerID != nil && *w.TakerID == w.RequesterID {
		v.Add("taker_id", "Swap rule: the taker must be someone else")
	}
	if err := v.Err(); err != nil {
		return err
	}
	for _, g := range Render(s, w.Start, w.End) {
		if g.UserID != w.RequesterID {
			return errs.Invalid("start", fmt.Sprintf("Swap rule: the requester is not on call for all of %s to %s (from %s)",
				w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339), g.Start.UTC().Format(time.RFC3339)))
		}
	}
	return nil
}

// CheckSwapAccept enforces the rules at acceptance: still pending, the
// taker someone else (the named taker when one was named), not away for
// the window.
func CheckSwapAccept(w *Swap, taker int64, away []Away, now time.Time) error {
	switch {
	case w.Status != SwapPending:
		return errs.Invalid("status", "Swap rule: this swap is "+w.Status+", not pending")
	case taker == w.RequesterID:
		return errs.Invalid("taker_id", "Swap rule: the requester can't accept their own swap")
	case w.TakerID != nil && *w.TakerID != taker:
		return errs.Invalid("taker_id", "Swap rule: this swap was asked of someone else")
	case !w.End.After(now):
		return errs.Invalid("end", "Swap rule: the shift has ended")
	}
	if a, off := awayDuring(away, taker, w.Start, w.End); off {
		return errs.Invalid("taker_id", "Swap rule: the taker is off during the shift ("+a.Detail+")")
	}
	return nil
}
