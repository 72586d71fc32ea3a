package changecontrol

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

func TestTarget(t *testing.T) {
	for _, c := range []struct {
		method, path, typ string
		id                int64
		ok                bool
	}{
		{"PUT", "/api/v2/triggers/12", "trigger", 12, true},
		{"PUT", "/api/v2/triggers/12.json", "trigger", 12, true},
		{"POST", "/api/v2/triggers", "trigger", 0, true},
		{"GET", "/api/v2/triggers/12", "", 0, false},
		{"DELETE", "/api/v2/custom_roles/3", "custom_role", 3, true},
		{"PUT", "/api/v2/slas/policies/reorder", "sla_policy", 0, true},
		{"POST", "/api/v2/business_hours/schedules/4/holidays", "sla_schedule", 4, true},
		{"PUT", "/api/v2/triggersx/1", "", 0, false},
		{"PUT", "/api/v2/macros/1", "", 0, false},
		{"PUT", "/api/v2/change_control", "change_control", 0, true},
	} {
		g, id, ok := Target(c.method, c.path)
		if ok != c.ok || g.ObjectType != c.typ || (c.id == 0) != (id == nil) || (id != nil && *id != c.id) {
			t.Errorf("%s %s: %v %v %v", c.method, c.path, g, id, ok)
		}
	}
}

func TestRules(t *testing.T) {
	g, _ := GuardedType("trigger")
	if err := CheckDirect(true, false, g); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Change control rule") {
		t.Fatal(err)
	}
	if CheckDirect(true, true, g) != nil || CheckDirect(false, false, g) != nil {
		t.Fatal("emergency or no approval must pass")
	}
	one, two := int64(1), int64(2)
	c := Change{ID: 9, Status: Pending, ProposedBy: &one}
	if err := CheckApproval(c, 1); err == nil || !strings.Contains(err.Error(), "Four-eyes rule") {
		t.Fatal(err)
	}
	if CheckApproval(c, 2) != nil {
		t.Fatal("another admin approves")
	}
	c.Status = Applied
	if err := CheckApproval(c, 2); err == nil {
		t.Fatal("approved twice")
	}
	e := Change{ID: 3, Emergency: true, ProposedBy: &two}
	if CheckReview(e, 2) == nil || CheckReview(e, 1) != nil || CheckReview(Change{}, 1) == nil {
		t.Fatal("review rules")
	}
}

func TestDiff(t *testing.T) {
	a := json.RawMessage(`{"title":"A","active":true,"updated_at":"x","conditions":{"all":[{"field":"status","value":"open"}]},"actions":[1,2]}`)
	b := json.RawMessage(`{"title":"B","active":true,"updated_at":"y","conditions":{"all":[{"field":"status","value":"new"}]},"actions":[1],"position":3}`)
	d, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range d {
		paths = append(paths, e.Path)
	}
	if got := strings.Join(paths, " "); got != "actions[1] conditions.all[0].value position title" {
		t.Fatalf("diff paths %q", got)
	}
	if d[3].Before != "A" || d[3].After != "B" || d[0].Before != float64(2) || d[0].After != nil {
		t.Fatalf("diff values %+v", d)
	}
	if d, _ := Diff(a, a); len(d) != 0 {
		t.Fatal("a document differs from itself")
	}
	if d, _ := Diff(nil, a); len(d) != 4 {
		t.Fatalf("creation diff %v", d)
	}
}
