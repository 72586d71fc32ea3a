package rules

import (
	"slices"
	"testing"
)

// TestCatalogOffersOnlyValidChoices: every condition the catalog offers,
// with each of its operators and a value from its list, is accepted by
// validation in that kind of rule; kind-specific fields stay in their kind.
func TestCatalogOffersOnlyValidChoices(t *testing.T) {
	for _, kind := range []string{"triggers", "automations", "views"} {
		sc := kindScope(kind)
		cat := ConditionCatalog(kind)
		if len(cat) == 0 {
			t.Fatalf("%s: empty catalog", kind)
		}
		for _, c := range cat {
			for _, op := range c.Operators {
				var v any = "1"
				if len(c.Values) > 0 {
					v = c.Values[len(c.Values)-1]
				}
				if c.Field == "current_tags" || c.Field == "comment_includes_word" || c.Field == "subject_includes_word" {
					v = "vip"
				}
				if _, field, msg := compileCondition(Condition{Field: c.Field, Operator: op, Value: v}, sc); msg != "" {
					t.Errorf("%s: %s %s %v refused: %s %s", kind, c.Field, op, v, field, msg)
				}
			}
		}
	}
	names := func(cs []Choice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Field)
		}
		return out
	}
	if slices.Contains(names(ConditionCatalog("views")), "update_type") {
		t.Error("views offer update_type (a trigger field)")
	}
	if !slices.Contains(names(ConditionCatalog("automations")), "hours_since_solved") {
		t.Error("automations do not offer hours_since_solved")
	}
	if slices.Contains(names(ActionCatalog("triggers")), "comment_value") || !slices.Contains(names(ActionCatalog("macros")), "comment_value") {
		t.Error("comment_value belongs to macros only")
	}
}
