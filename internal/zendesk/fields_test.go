package zendesk

import (
	"fmt"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// TestFieldRules: the Custom field rule on definitions and on values.
func TestFieldRules(t *testing.T) {
	bad := []FieldInput{
		{Type: ptr("colour"), Title: ptr("x")},
		{Type: ptr("text"), Title: ptr("")},
		{Type: ptr("tagger"), Title: ptr("No options")},
		{Type: ptr("regexp"), Title: ptr("No expression")},
		{Type: ptr("regexp"), Title: ptr("Broken"), RegexpForValidation: ptr("(")},
		{Type: ptr("tagger"), Title: ptr("Twice"), CustomFieldOptions: &[]Option{{Name: "A", Value: "a"}, {Name: "B", Value: "a"}}},
	}
	for _, in := range bad {
		f := Field{Kind: KindTicket}
		if err := f.Apply(in); err == nil {
			t.Errorf("accepted %+v", f)
		}
	}
	u := Field{Kind: KindUser}
	if err := u.Apply(FieldInput{Type: ptr("text"), Title: ptr("Plan")}); err == nil {
		t.Error("a user field without a key was accepted")
	}
	f := Field{Kind: KindTicket}
	if err := f.Apply(FieldInput{Type: ptr("tagger"), Title: ptr("Tier"), CustomFieldOptions: &[]Option{{Name: "Gold Tier"}, {Name: "Silver", Value: "Tier Silver"}}}); err != nil {
		t.Fatal(err)
	}
	if f.CustomFieldOptions[0].Value != "gold_tier" || f.CustomFieldOptions[1].Value != "tier_silver" {
		t.Errorf("option values: %+v", f.CustomFieldOptions)
	}
	cases := []struct {
		typ  string
		in   any
		want any // nil with ok=false: refused
		ok   bool
	}{
		{"integer", "12", int64(12), true}, {"integer", 12.0, int64(12), true}, {"integer", "1.5", nil, false},
		{"decimal", "1.5", 1.5, true}, {"decimal", "abc", nil, false},
		{"checkbox", true, true, true}, {"checkbox", "true", true, true}, {"checkbox", "yes", nil, false},
		{"date", "2026-01-31", "2026-01-31", true}, {"date", "2026-01-31T10:00:00Z", "2026-01-31", true}, {"date", "31/01/2026", nil, false},
		{"text", 5.0, nil, false}, {"text", "", nil, true},
	}
	for _, c := range cases {
		fd := Field{Kind: KindTicket, Type: c.typ, Title: "F"}
		got, err := fd.Normalize("f", c.in)
		if (err == nil) != c.ok || (c.ok && fmt.Sprint(got) != fmt.Sprint(c.want)) {
			t.Errorf("%s %v: got %v, %v", c.typ, c.in, got, err)
		}
	}
	re := Field{Type: "regexp", Title: "SKU", RegexpForValidation: ptr(`^[A-Z]{3}-\d+$`)}
	if _, err := re.Normalize("f", "ABC-1"); err != nil {
		t.Error(err)
	}
	if _, err := re.Normalize("f", "abc-1"); err == nil {
		t.Error("regexp not applied")
	}
	ms := Field{Type: "multiselect", Title: "OS", CustomFieldOptions: []Option{{Value: "linux"}, {Value: "mac"}}}
	v, err := ms.Normalize("f", []any{"linux", "mac", "linux"})
	if err != nil || fmt.Sprint(v) != "[linux mac]" {
		t.Errorf("multiselect %v %v", v, err)
	}
	set, clear := ms.TicketTags([]string{"mac"})
	if fmt.Sprint(set, clear) != "[mac] [linux]" {
		t.Errorf("multiselect tags %v %v", set, clear)
	}
	cb := Field{Type: "checkbox", Tag: ptr("vip")}
	if set, _ := cb.TicketTags(true); fmt.Sprint(set) != "[vip]" {
		t.Errorf("checkbox tag %v", set)
	}
	if _, clear := cb.TicketTags(false); fmt.Sprint(clear) != "[vip]" {
		t.Errorf("checkbox clear %v", clear)
	}
}
