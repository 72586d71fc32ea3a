// Package ase runs the Assigned Support Engineer workflows: an ASE
// account's new non-emergency tickets go to its ASE when they are working,
// else to their designated cover, and back to the ASE when they return
// (configurable); tickets without a public update within the cadence agreed
// with the customer (business days on the ASE's own calendar) get a warning
// and a reminder; the ASE's workspace shows their accounts, the customer's
// environment notes (every version kept) and scheduled review calls. The
// rules here are pure and tested without a database.
package ase

import (
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/team"
)

// Account is an ASE organization's arrangement.
type Account struct {
	OrganizationID      int64     `json:"organization_id"`
	OrganizationName    string    `json:"organization_name"`
	ASEUserID           *int64    `json:"assigned_support_engineer_id"`
	CoverUserID         *int64    `json:"cover_user_id"`
	ReturnToASE         bool      `json:"return_to_ase"`
	CadenceBusinessDays int       `json:"update_cadence_business_days"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// AccountInput changes an arrangement.
type AccountInput struct {
	CoverUserID         *int64 `json:"cover_user_id"` // 0 clears
	ReturnToASE         *bool  `json:"return_to_ase"`
	CadenceBusinessDays *int   `json:"update_cadence_business_days"`
}

// Validate checks in against the account's ASE.
func (in AccountInput) Validate(ase *int64) error {
	var v errs.Validation
	if in.CoverUserID != nil && *in.CoverUserID != 0 && ase != nil && *in.CoverUserID == *ase {
		v.Add("cover_user_id", "Cover rule: the cover must be someone other than the Assigned Support Engineer")
	}
	if in.CadenceBusinessDays != nil {
		v.Check(*in.CadenceBusinessDays >= 0 && *in.CadenceBusinessDays <= 30, "update_cadence_business_days", "must be from 0 (none) to 30")
	}
	return v.Err()
}

// Route decides who takes a new ticket of an ASE account: the ASE when
// available, else the cover when available, else nobody (the group's queue,
// as any ticket). toCover says it went to the cover in the ASE's absence.
func Route(aseID, coverID *int64, aseAvailable, coverAvailable bool) (assignee *int64, toCover bool) {
	switch {
	case aseID != nil && aseAvailable:
		return aseID, false
	case aseID != nil && coverID != nil && coverAvailable:
		return coverID, true
	}
	return nil, false
}

// IsEmergency reports whether a ticket is a customer emergency (the
// emergency tag, set by the emergency form, mailbox and routing trigger):
// emergencies page the on-call engineer instead of waiting for the ASE.
func IsEmergency(tags []string) bool {
	for _, t := range tags {
		if t == "emergency" || t == "customer_emergency" {
			return true
		}
	}
	return false
}

// BusinessDay reports whether the local date of t is a working day on c:
// it has working hours, and is no public holiday.
func BusinessDay(c team.Calendar, t time.Time) bool {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	day := []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}[lt.Weekday()]
	hours := c.Hours
	if hours == nil {
		hours = team.DefaultHours()
	}
	if len(hours[day]) == 0 {
		return false
	}
	date := lt.Format(team.DateLayout)
	for _, h := range c.Holidays {
		if h.StartDate <= date && date <= h.EndDate {
			return false
		}
	}
	return true
}

// CadenceDue is when the next public update is due: days business days
// after last on the ASE's calendar, at the same local time of day (so a
// daylight-saving change keeps the wall-clock time). Zero days: never.
func CadenceDue(c team.Calendar, last time.Time, days int) (time.Time, bool) {
	if days <= 0 {
		return time.Time{}, false
	}
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := last.In(loc)
	d := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, loc)
	for n := 0; n < days; {
		d = d.AddDate(0, 0, 1)
		if BusinessDay(c, d) {
			n++
		}
		if d.Sub(lt) > 366*24*time.Hour { // a calendar without working days
			return time.Time{}, false
		}
	}
	return d, true
}

// CadenceState is a ticket's standing against its account's cadence.
type CadenceState struct {
	LastPublicUpdate time.Time `json:"last_public_update_at"`
	DueAt            time.Time `json:"update_due_at"`
	Overdue          bool      `json:"overdue"`
	// Warning: less than a quarter of the interval left.
	Warning bool `json:"warning"`
}

// Cadence evaluates a ticket whose last public update was last, at now.
func Cadence(c team.Calendar, last, now time.Time, days int) (CadenceState, bool) {
	due, ok := CadenceDue(c, last, days)
	if !ok {
		return CadenceState{}, false
	}
	st := CadenceState{LastPublicUpdate: last, DueAt: due, Overdue: !now.Before(due)}
	st.Warning = !st.Overdue && due.Sub(now) < due.Sub(last)/4
	return st, true
}
