package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/audit"
)

// demoEnvironments are the environment notes the ASE accounts' engineers
// keep (the first two versions of each: an upgrade between them).
var demoEnvironments = []ase.NoteInput{
	{ProductVersion: "16.9", Deployment: "Self-managed, Omnibus on three VMs behind HAProxy; Gitaly cluster; object storage on MinIO", Architecture: "Reference architecture for 3,000 users; 40 autoscaled CI runners on Kubernetes"},
	{ProductVersion: "17.2", Deployment: "Self-managed, Omnibus on three VMs behind HAProxy; Gitaly cluster; object storage on S3", Architecture: "Reference architecture for 3,000 users; 60 autoscaled CI runners on Kubernetes; Geo secondary in EMEA"},
	{ProductVersion: "SaaS (Ultimate)", Deployment: "SaaS with SAML SSO (Okta) and SCIM", Architecture: "1,200 seats; self-hosted runners on AWS Fargate"},
}

// loadASEDemo gives the demo's ASE accounts their arrangements: a cover
// (another engineer of the ASE's region), an update cadence of two
// business days (one for ultimate-tier customers), environment notes with
// history, and a review call next week.
func (a *App) loadASEDemo(ctx context.Context, res *DemoResult) error {
	sys := audit.System()
	orgs := make([]int64, 0, len(res.ASEByOrg))
	for o := range res.ASEByOrg {
		orgs = append(orgs, o)
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i] < orgs[j] })
	now := a.Clock.Now().UTC()
	for i, orgID := range orgs {
		aseID := res.ASEByOrg[orgID]
		org, err := a.People.GetOrganization(ctx, orgID)
		if err != nil {
			return err
		}
		var cover *int64
		for _, engineers := range res.EngineersByRegion {
			for _, e := range engineers {
				if e != aseID && cover == nil && contains(engineers, aseID) {
					c := e
					cover = &c
				}
			}
		}
		days := 2
		if org.Tier == "ultimate" {
			days = 1
		}
		in := ase.AccountInput{CoverUserID: cover, CadenceBusinessDays: &days}
		if _, err := a.ASE.UpdateAccount(ctx, sys, orgID, in); err != nil {
			return fmt.Errorf("ASE account %s: %w", org.Name, err)
		}
		actor := audit.Actor{ID: aseID, Role: "agent"}
		env := [][]ase.NoteInput{demoEnvironments[0:2], demoEnvironments[2:3], demoEnvironments[1:2]}[i%3] // the first: an upgrade in its history
		for _, n := range env {
			if _, err := a.ASE.AddNote(ctx, actor, orgID, n); err != nil {
				return err
			}
		}
		at := time.Date(now.Year(), now.Month(), now.Day(), 15, 0, 0, 0, time.UTC).AddDate(0, 0, 7+i)
		if _, err := a.ASE.AddCall(ctx, actor, orgID, ase.CallInput{ScheduledAt: &at, Agenda: "Quarterly review: open tickets, upgrade plan, runner capacity"}); err != nil {
			return err
		}
	}
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
