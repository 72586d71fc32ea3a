package sla

// The Region rule: an organization's region names one of the business-hours
// schedules (EMEA, AMER, APAC...), so its tickets' clocks run on that
// schedule (SelectSchedule). The SLA store checks it on organization writes
// (a people.Checker, attached by the app), inside their transaction, and
// keeps the schedule's own spelling.

import (
	"context"
	"strings"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
)

// RegionChecker is the people.Checker of the Region rule.
type RegionChecker struct{ s *Store }

// RegionChecker returns the store's Region rule checker.
func (s *Store) RegionChecker() RegionChecker { return RegionChecker{s} }

// CheckUser has nothing to check.
func (RegionChecker) CheckUser(context.Context, *db.Tx, *people.User, *people.User) error { return nil }

// CheckOrganization refuses a region that names no schedule; a region
// unchanged since before is not checked again (a schedule renamed or
// deleted since does not block the organization's other edits; its tickets
// fall back to the next rule of SelectSchedule).
func (c RegionChecker) CheckOrganization(ctx context.Context, tx *db.Tx, before, after *people.Organization) error {
	if after.Region == "" || (before != nil && strings.EqualFold(before.Region, after.Region)) {
		return nil
	}
	schedules, err := c.s.listSchedules(ctx, tx)
	if err != nil {
		return err
	}
	var names []string
	for _, sc := range schedules {
		if strings.EqualFold(sc.Name, after.Region) {
			after.Region = sc.Name
			return nil
		}
		names = append(names, sc.Name)
	}
	return errs.Invalid("region", "Region rule: the region names a business-hours schedule ("+strings.Join(names, ", ")+")")
}
