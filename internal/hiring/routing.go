package hiring

import "sort"

// Reviewer is a Stage 1 trained member eligible for assessment reviews.
type Reviewer struct {
	ID     int64
	Region string
}

// RouteAssessment picks the next reviewer round-robin across regions: regions
// in name order take turns (turn n goes to region n mod R), and within a
// region its reviewers take turns. Untrained members must be filtered out by
// the caller with CheckAssessmentReviewer. ok is false with no reviewers.
func RouteAssessment(reviewers []Reviewer, turn int) (Reviewer, bool) {
	by := map[string][]Reviewer{}
	for _, r := range reviewers {
		by[r.Region] = append(by[r.Region], r)
	}
	if len(by) == 0 {
		return Reviewer{}, false
	}
	regions := make([]string, 0, len(by))
	for k := range by {
		regions = append(regions, k)
		sort.Slice(by[k], func(i, j int) bool { return by[k][i].ID < by[k][j].ID })
	}
	sort.Strings(regions)
	rs := by[regions[turn%len(regions)]]
	return rs[(turn/len(regions))%len(rs)], true
}

// BlindAssessment is what a reviewer sees: the candidate number only.
type BlindAssessment struct {
	CandidateNumber string `json:"candidate_number"`
	Submission      string `json:"submission"`
}
