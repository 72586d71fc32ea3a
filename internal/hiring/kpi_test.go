package hiring

import (
	"context"
	"testing"
	"time"
)

// TestHiringKPISources: the plan against started hires, the time to fill
// and proposals added to the plan, on both engines.
func TestHiringKPISources(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, _, ok, err := f.s.PlanVsActual(ctx, 2026, 3); ok || err != nil {
			t.Fatalf("no plan yet: ok %v, %v", ok, err)
		}
		for _, in := range []PlanLineInput{{Quarter: "2026-Q1", Region: "AMER", Role: "support-engineer", Headcount: 2},
			{Quarter: "2026-Q2", Region: "EMEA", Role: "support-engineer", Headcount: 3}} {
			if _, err := f.s.SavePlanLine(ctx, f.actor("rita"), in); err != nil {
				t.Fatal(err)
			}
		}
		_, app := f.candidate(t, "Dee", nil)
		v := f.req.Openings[0]
		for _, st := range []string{OpeningApproved, OpeningOpen} {
			if _, err := f.s.UpdateVacancy(ctx, f.actor("rita"), v.ID, VacancyInput{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		f.clk.Advance(10 * 24 * time.Hour) // opened on 5 January, filled on 15 January
		if _, err := f.s.Hire(ctx, f.actor("rita"), app.ID, HireInput{OpeningID: v.ID, StartDate: "2026-02-02"}); err != nil {
			t.Fatal(err)
		}
		if a, p, ok, err := f.s.PlanVsActual(ctx, 2026, 1); err != nil || !ok || a != 0 || p != 2 {
			t.Fatalf("January: %d of %d (ok %v, %v); the hire starts in February", a, p, ok, err)
		}
		if a, p, ok, _ := f.s.PlanVsActual(ctx, 2026, 2); !ok || a != 1 || p != 2 {
			t.Fatalf("February: %d of %d", a, p)
		}
		if a, p, _, _ := f.s.PlanVsActual(ctx, 2026, 6); a != 1 || p != 5 {
			t.Fatalf("June: %d of %d (Q1 and Q2 lines)", a, p)
		}
		if d, ok, err := f.s.TimeToFill(ctx, 2026, 1); err != nil || !ok || d < 9.9 || d > 10.1 {
			t.Fatalf("time to fill %v (ok %v, %v), want 10 days", d, ok, err)
		}
		if _, ok, _ := f.s.TimeToFill(ctx, 2026, 2); ok {
			t.Fatal("nothing was filled in February")
		}
		// Proposals add to the line of their quarter, or create it.
		n, err := f.s.AddProposals(ctx, f.actor("rita"), []ProposedHire{
			{Region: "EMEA", Count: 2, Role: "support-engineer", TargetStart: "2026-05-01", Reason: "EMEA under-staffed"},
			{Region: "APAC", Count: 1, Role: "support-engineer", TargetStart: "2026-08-01"}})
		if err != nil || n != 3 {
			t.Fatalf("proposals: %d, %v", n, err)
		}
		q2, _ := f.s.Plan(ctx, "2026-Q2")
		q3, _ := f.s.Plan(ctx, "2026-Q3")
		if len(q2) != 1 || q2[0].Headcount != 5 || len(q3) != 1 || q3[0].Headcount != 1 || q3[0].Region != "APAC" {
			t.Fatalf("plan after proposals: %+v %+v", q2, q3)
		}
		if _, err := f.s.AddProposals(ctx, f.actor("rita"), []ProposedHire{{Region: "EMEA", Count: 1, Role: "support-engineer", TargetStart: "soon"}}); err == nil {
			t.Fatal("a proposal without a date was accepted")
		}
	})
}
