package hiring

import (
	"fmt"

	"github.com/frontline/frontline/internal/errs"
)

// Opening statuses (Greenhouse openings): draft → approved → open → offer → filled; any but filled → closed.
const (
	OpeningDraft    = "draft"
	OpeningApproved = "approved"
	OpeningOpen     = "open"
	OpeningOffer    = "offer"
	OpeningFilled   = "filled"
	OpeningClosed   = "closed"
)

var openingNext = map[string][]string{
	OpeningDraft:    {OpeningApproved, OpeningClosed},
	OpeningApproved: {OpeningOpen, OpeningClosed},
	OpeningOpen:     {OpeningOffer, OpeningClosed},
	OpeningOffer:    {OpeningFilled, OpeningOpen, OpeningClosed},
}

// CheckOpeningTransition refuses a status change the lifecycle does not
// allow; closing needs a reason.
func CheckOpeningTransition(from, to, closeReason string) error {
	for _, n := range openingNext[from] {
		if n == to {
			if to == OpeningClosed && closeReason == "" {
				return errs.Invalid("close_reason", "Opening status rule: closing a vacancy needs a reason")
			}
			return nil
		}
	}
	return errs.Invalid("status", fmt.Sprintf("Opening status rule: %s cannot become %s", from, to))
}

// PanelCancellation is the reason recorded when a failed technical interview
// cancels the behavioural panel; ok is false when the panel stays.
func PanelCancellation(technicalRecommendation string) (reason string, ok bool) {
	if technicalRecommendation == "no" || technicalRecommendation == "definitely_not" {
		return "Failed technical interview rule: technical interview recommendation was " + technicalRecommendation, true
	}
	return "", false
}
