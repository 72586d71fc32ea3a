package app

import (
	"context"
	"fmt"

	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// loadAccessReviewDemo deactivates the roster's leaver (as the hourly job
// would) and opens this quarter's access review as the Support Operations
// manager, due in two weeks, with the managers part-way through it: most
// of their lines certified with a note, the rest unanswered.
func (a *App) loadAccessReviewDemo(ctx context.Context, byEmail map[string]int64) error {
	if _, err := a.AccessReviews.DeactivateLeavers(ctx, a.Team.Today()); err != nil {
		return err
	}
	owner, ok := byEmail["elena.garcia@frontline.example"]
	if !ok {
		return fmt.Errorf("the demo roster has no Support Operations manager")
	}
	c, err := a.AccessReviews.Open(ctx, audit.Actor{ID: owner, Role: people.RoleAdmin}, accessreview.Input{})
	if err != nil {
		return err
	}
	lines, err := a.AccessReviews.Lines(ctx, accessreview.LineFilter{CampaignID: c.ID})
	if err != nil {
		return err
	}
	roles := map[int64]string{}
	for i, l := range lines {
		if l.ReviewerID == nil || i%3 == 2 { // a third still to answer
			continue
		}
		role, ok := roles[*l.ReviewerID]
		if !ok {
			u, err := a.People.GetUser(ctx, *l.ReviewerID)
			if err != nil {
				return err
			}
			role, roles[*l.ReviewerID] = u.Role, u.Role
		}
		note := "Role and groups match the job."
		if len(l.Snapshot.Tokens) > 0 {
			note = "Access fine; API token still used by their reporting script."
		}
		if _, err := a.AccessReviews.Decide(ctx, audit.Actor{ID: *l.ReviewerID, Role: role}, c.ID, l.ID, accessreview.Certified, note); err != nil {
			return fmt.Errorf("demo access review line %d: %w", l.ID, err)
		}
	}
	return nil
}
