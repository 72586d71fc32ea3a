package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// t0 is the fixed "now" of the tests.
func t0() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }

// invalidFields asserts err is a KindInvalid *errs.Error and returns its fields.
func invalidFields(t *testing.T, err error) map[string][]string {
	t.Helper()
	if err == nil {
		t.Fatal("expected a validation error, got nil")
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("expected a KindInvalid *errs.Error, got %T %v", err, err)
	}
	return e.Fields
}

// wantProblem asserts that field has a problem containing substr.
func wantProblem(t *testing.T, err error, field, substr string) {
	t.Helper()
	fields := invalidFields(t, err)
	for _, p := range fields[field] {
		if strings.Contains(p, substr) {
			return
		}
	}
	t.Fatalf("no problem containing %q on %q; got %v", substr, field, fields)
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func cnd(field, op string, value any) Condition {
	return Condition{Field: field, Operator: op, Value: value}
}

func action(field string, value any) Action { return Action{Field: field, Value: value} }
