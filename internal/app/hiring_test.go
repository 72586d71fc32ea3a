package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/team"
)

// TestHiringStartHiresMakesTeamMembers: a candidate goes from sourcing to
// a started team member: sourced at a source-a-thon, applied, hired into
// a vacancy, and on the start date (not before) a team member with the
// requisition's region, the role's level and the hiring manager.
func TestHiringStartHiresMakesTeamMembers(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c, err := load(t, databaseArgs(t, e), nil)
			if err != nil {
				t.Fatal(err)
			}
			clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clk, PasswordParams: auth.TestParams()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			sys := audit.System()
			name, email, region, level := "Maria Manager", "maria@example.com", "EMEA", "manager-support-engineering"
			mgr, err := a.Team.CreateMember(ctx, sys, team.MemberInput{Name: &name, Email: &email, Region: &region, Level: &level})
			if err != nil {
				t.Fatal(err)
			}
			h := a.Hiring
			ev, err := h.CreateSourcingEvent(ctx, sys, hiring.SourcingEventInput{Name: "EMEA source-a-thon", Region: "EMEA", StartsOn: "2026-03-02"})
			if err != nil {
				t.Fatal(err)
			}
			cand, err := h.CreateCandidate(ctx, audit.Actor{ID: mgr.UserID, Role: "agent"}, hiring.CandidateInput{FirstName: "Nina", LastName: "New",
				Emails: []string{"nina@mail.example"}, SourcingEventID: &ev.ID})
			if err != nil || cand.SourcedBy == nil || *cand.SourcedBy != mgr.UserID {
				t.Fatal(err, cand)
			}
			req, err := h.CreateRequisition(ctx, sys, hiring.RequisitionInput{RequisitionID: "2001", Name: "Support Engineer", Role: "support-engineer",
				Region: "EMEA", HiringManagerID: &mgr.UserID, Openings: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range []string{hiring.OpeningApproved, hiring.OpeningOpen} {
				if _, err := h.UpdateVacancy(ctx, sys, req.Openings[0].ID, hiring.VacancyInput{Status: &st}); err != nil {
					t.Fatal(err)
				}
			}
			app, err := h.Apply(ctx, sys, cand.ID, req.ID, &mgr.UserID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.Hire(ctx, sys, app.ID, hiring.HireInput{OpeningID: req.Openings[0].ID, StartDate: "2026-03-04"}); err != nil {
				t.Fatal(err)
			}
			if n, err := a.StartHires(ctx); err != nil || n != 0 {
				t.Fatalf("started before the start date: %d %v", n, err)
			}
			clk.Advance(48 * time.Hour)
			if n, err := a.StartHires(ctx); err != nil || n != 1 {
				t.Fatalf("start: %d %v", n, err)
			}
			if n, err := a.StartHires(ctx); err != nil || n != 0 {
				t.Fatalf("started twice: %d %v", n, err)
			}
			v, _ := h.GetVacancy(ctx, req.Openings[0].ID)
			if v.MemberID == nil {
				t.Fatal("vacancy not linked to the member")
			}
			m, err := a.Team.GetMember(ctx, *v.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != "Nina New" || m.Region != "EMEA" || m.ManagerID == nil || *m.ManagerID != mgr.UserID || m.Level != "Support Engineer" {
				t.Fatalf("member %+v", m)
			}
		})
	}
}
