package hiring

import "testing"

func TestRouteAssessmentRoundRobinAcrossRegions(t *testing.T) {
	rs := []Reviewer{{1, "AMER"}, {2, "AMER"}, {3, "EMEA"}, {4, "APAC"}}
	var got []int64
	for turn := 0; turn < 6; turn++ {
		r, ok := RouteAssessment(rs, turn)
		if !ok {
			t.Fatal("no reviewer")
		}
		got = append(got, r.ID)
	}
	want := []int64{1, 4, 3, 2, 4, 3}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v want %v", got, want)
		}
	}
	if _, ok := RouteAssessment(nil, 0); ok {
		t.Fatal("routed with no reviewers")
	}
}
