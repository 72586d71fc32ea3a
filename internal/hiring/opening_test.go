package hiring

import "testing"

func TestOpeningTransitions(t *testing.T) {
	if err := CheckOpeningTransition(OpeningDraft, OpeningApproved, ""); err != nil {
		t.Fatal(err)
	}
	if CheckOpeningTransition(OpeningDraft, OpeningFilled, "") == nil {
		t.Fatal("draft to filled accepted")
	}
	if CheckOpeningTransition(OpeningOpen, OpeningClosed, "") == nil {
		t.Fatal("close without reason accepted")
	}
	if CheckOpeningTransition(OpeningFilled, OpeningOpen, "") == nil {
		t.Fatal("filled reopened")
	}
	if _, ok := PanelCancellation("yes"); ok {
		t.Fatal("passed technical cancelled panel")
	}
	if r, ok := PanelCancellation("no"); !ok || r == "" {
		t.Fatal("failed technical did not cancel panel with a reason")
	}
}
