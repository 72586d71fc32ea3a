package rulestore

import (
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/rules"
)

func TestCandidateSQLKeepsTheExpressibleConditions(t *testing.T) {
	a := decode[rules.Automation](t, `{"title": "a", "active": true,
		"conditions": {"all": [{"field": "status", "operator": "is", "value": "open"},
		                       {"field": "subject_includes_word", "operator": "includes", "value": "outage"},
		                       {"field": "hours_since_updated", "operator": "greater_than", "value": "4"}],
		               "any": [{"field": "priority", "operator": "is", "value": "high"}, {"field": "custom_fields_7", "operator": "less_than", "value": "1"}]},
		"actions": [{"field": "status", "value": "pending"}]}`)
	must(t, a.Validate())
	vs := candidateSQL(a)
	if vs == nil {
		t.Fatal("nothing kept")
	}
	b := &sqlBuilder{}
	where := vs.where(b, startClock()().Now(), 0)
	if !strings.Contains(where, "t.status IN") || !strings.Contains(where, "t.updated_at") || strings.Contains(where, "priority") || strings.Contains(where, "subject") {
		t.Fatalf("candidate SQL: %s", where)
	}
	// A custom-field condition is dropped; the tag condition narrows.
	b2 := decode[rules.Automation](t, `{"title": "b", "active": true,
		"conditions": {"all": [{"field": "custom_fields_3", "operator": "greater_than", "value": "2"}, {"field": "current_tags", "operator": "not_includes", "value": "x"}]},
		"actions": [{"field": "current_tags", "value": "x"}]}`)
	if vs := candidateSQL(b2); vs == nil || len(vs.f.All) != 1 || vs.f.All[0].Column != rules.ColTags {
		t.Fatalf("want only the tag condition kept: %+v", vs)
	}
}
