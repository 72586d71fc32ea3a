package hiring

import (
	"errors"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

// TestRulesNameTheRule: every refusal is an Invalid naming its rule.
func TestRulesNameTheRule(t *testing.T) {
	ref := int64(1)
	cases := map[string]error{
		"Assessment review training rule":   CheckAssessmentReviewer(Interviewer{ID: 1}),
		"Technical interview training rule": CheckTechnicalInterviewer(Interviewer{ID: 1}),
		"Behavioural panel rule":            CheckPanel([]Interviewer{{ID: 1, Manager: true}, {ID: 2}}),
		"Referrer rule":                     CheckReferrer(1, &ref),
		"Opening status rule":               CheckOpeningTransition(OpeningDraft, OpeningFilled, ""),
	}
	for rule, err := range cases {
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
			t.Fatalf("%s: want Invalid, got %v", rule, err)
		}
		found := false
		for _, msgs := range e.Fields {
			for _, m := range msgs {
				found = found || strings.Contains(m, rule)
			}
		}
		if !found {
			t.Errorf("%s: not named in %v", rule, e.Fields)
		}
	}
}
