// Package zendesk holds what Frontline keeps only for Zendesk compatibility
// (ADR 0012): custom field definitions of tickets, users and organizations
// with the rules their values follow, ticket forms, the custom field values
// of users and organizations, user identities beyond the primary email,
// and the job statuses of bulk requests. The value rules are pure functions
// in this file; Store persists the rest.
package zendesk

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/tags"
)

// Kinds of custom field.
const (
	KindTicket       = "ticket"
	KindUser         = "user"
	KindOrganization = "organization"
)

// Field types. Tickets call a single choice "tagger", users and
// organizations "dropdown"; both are accepted for every kind.
var Types = []string{"text", "textarea", "checkbox", "date", "integer", "decimal", "regexp", "tagger", "dropdown", "multiselect"}

// Option is one choice of a tagger, dropdown or multiselect field; its
// value is also the tag it sets on a ticket.
type Option struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Value   string `json:"value"`
	Default bool   `json:"default"`
}

// Field is a custom field definition (Zendesk's ticket_field, user_field
// and organization_field share it; user and organization fields have a key).
type Field struct {
	ID                  int64     `json:"id"`
	Kind                string    `json:"-"`
	Type                string    `json:"type"`
	Key                 string    `json:"key,omitempty"`
	Title               string    `json:"title"`
	RawTitle            string    `json:"raw_title"`
	Description         string    `json:"description"`
	Position            int       `json:"position"`
	Active              bool      `json:"active"`
	Required            bool      `json:"required"`
	RegexpForValidation *string   `json:"regexp_for_validation"`
	Tag                 *string   `json:"tag"`
	CustomFieldOptions  []Option  `json:"custom_field_options"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// FieldInput is a create or update of a field; nil leaves a value as it is.
type FieldInput struct {
	Type                *string   `json:"type"`
	Key                 *string   `json:"key"`
	Title               *string   `json:"title"`
	Description         *string   `json:"description"`
	Position            *int      `json:"position"`
	Active              *bool     `json:"active"`
	Required            *bool     `json:"required"`
	RegexpForValidation *string   `json:"regexp_for_validation"`
	Tag                 *string   `json:"tag"`
	CustomFieldOptions  *[]Option `json:"custom_field_options"`
}

var keyRe = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// IsChoice reports whether the field's values are option values.
func (f *Field) IsChoice() bool {
	return f.Type == "tagger" || f.Type == "dropdown" || f.Type == "multiselect"
}

// Apply applies in to f and checks the result (the Custom field rule).
func (f *Field) Apply(in FieldInput) error {
	if in.Type != nil {
		f.Type = strings.TrimSpace(*in.Type)
	}
	if in.Key != nil {
		f.Key = strings.TrimSpace(*in.Key)
	}
	if in.Title != nil {
		f.Title = strings.TrimSpace(*in.Title)
	}
	if in.Description != nil {
		f.Description = *in.Description
	}
	if in.Position != nil {
		f.Position = *in.Position
	}
	if in.Active != nil {
		f.Active = *in.Active
	}
	if in.Required != nil {
		f.Required = *in.Required
	}
	if in.RegexpForValidation != nil {
		f.RegexpForValidation = nonEmpty(*in.RegexpForValidation)
	}
	if in.Tag != nil {
		f.Tag = nonEmpty(tags.Normalize([]string{*in.Tag})...)
	}
	if in.CustomFieldOptions != nil {
		f.CustomFieldOptions = slices.Clone(*in.CustomFieldOptions)
	}
	f.RawTitle = f.Title
	var v errs.Validation
	v.Check(slices.Contains(Types, f.Type), "type", "must be one of "+strings.Join(Types, ", "))
	v.Check(f.Title != "", "title", "can't be blank")
	v.Check(len(f.Title) <= 255, "title", "is longer than 255 characters")
	if f.Kind != KindTicket {
		v.Check(keyRe.MatchString(f.Key), "key", "Custom field rule: a user or organization field needs a key of lower-case letters, digits and underscores")
	}
	if f.Type == "regexp" {
		if f.RegexpForValidation == nil {
			v.Add("regexp_for_validation", "Custom field rule: a regexp field needs its expression")
		} else if _, err := regexp.Compile(*f.RegexpForValidation); err != nil {
			v.Add("regexp_for_validation", "is not a valid regular expression")
		}
	}
	if f.Type != "checkbox" {
		f.Tag = nil
	}
	if f.IsChoice() {
		v.Check(len(f.CustomFieldOptions) > 0, "custom_field_options", "Custom field rule: a "+f.Type+" field needs options")
		seen := map[string]bool{}
		for i := range f.CustomFieldOptions {
			o := &f.CustomFieldOptions[i]
			o.Name = strings.TrimSpace(o.Name)
			if o.Value == "" {
				o.Value = o.Name
			}
			nv := tags.Normalize([]string{strings.Join(strings.Fields(o.Value), "_")}) // a value is a tag: "Gold Tier" -> gold_tier
			if len(nv) != 1 || o.Name == "" {
				v.Add(fmt.Sprintf("custom_field_options[%d]", i), "needs a name and a value usable as a tag")
				continue
			}
			o.Value = nv[0]
			if seen[o.Value] {
				v.Add(fmt.Sprintf("custom_field_options[%d]", i), "repeats the value "+o.Value)
			}
			seen[o.Value] = true
		}
	} else {
		f.CustomFieldOptions = []Option{}
	}
	return v.Err()
}

func nonEmpty(s ...string) *string {
	if len(s) == 0 || strings.TrimSpace(s[0]) == "" {
		return nil
	}
	x := strings.TrimSpace(s[0])
	return &x
}

// Normalize checks one value of f and returns it as stored: nil clears;
// integers and decimals become numbers, dates YYYY-MM-DD, choices their
// option values. field names the value in errors.
func (f *Field) Normalize(field string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func(msg string) error { return errs.Invalid(field, "Custom field rule: "+f.Title+" "+msg) }
	str := func() (string, bool) {
		switch x := v.(type) {
		case string:
			return strings.TrimSpace(x), true
		case json.Number:
			return x.String(), true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		case int64:
			return strconv.FormatInt(x, 10), true
		case int:
			return strconv.Itoa(x), true
		}
		return "", false
	}
	switch f.Type {
	case "text", "textarea":
		s, ok := v.(string)
		if !ok {
			return nil, bad("must be text")
		}
		if s == "" {
			return nil, nil
		}
		return s, nil
	case "checkbox":
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
		return nil, bad("must be true or false")
	case "date":
		s, ok := v.(string)
		if !ok {
			return nil, bad("must be a date (YYYY-MM-DD)")
		}
		if s == "" {
			return nil, nil
		}
		if len(s) > 10 {
			s = s[:10] // Zendesk also takes a timestamp and keeps the day
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, bad("must be a date (YYYY-MM-DD)")
		}
		return s, nil
	case "integer":
		s, ok := str()
		if !ok {
			return nil, bad("must be a whole number")
		}
		if s == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, bad("must be a whole number")
		}
		return n, nil
	case "decimal":
		s, ok := str()
		if !ok {
			return nil, bad("must be a number")
		}
		if s == "" {
			return nil, nil
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return nil, bad("must be a number")
		}
		return n, nil
	case "regexp":
		s, ok := v.(string)
		if !ok {
			return nil, bad("must be text")
		}
		if s == "" {
			return nil, nil
		}
		if f.RegexpForValidation != nil {
			re, err := regexp.Compile(*f.RegexpForValidation)
			if err != nil || !re.MatchString(s) {
				return nil, bad("does not match " + *f.RegexpForValidation)
			}
		}
		return s, nil
	case "tagger", "dropdown":
		s, ok := str()
		if !ok {
			return nil, bad("must be one of its option values")
		}
		if s == "" {
			return nil, nil
		}
		if !f.hasOption(s) {
			return nil, bad("has no option " + strconv.Quote(s))
		}
		return s, nil
	case "multiselect":
		var items []any
		switch x := v.(type) {
		case []any:
			items = x
		case []string:
			for _, s := range x {
				items = append(items, s)
			}
		case string:
			items = []any{x}
		default:
			return nil, bad("must be a list of option values")
		}
		out := []string{}
		for _, it := range items {
			s, ok := it.(string)
			if !ok || !f.hasOption(s) {
				return nil, bad("has no option " + fmt.Sprint(it))
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	return nil, bad("has an unknown type")
}

func (f *Field) hasOption(v string) bool {
	return slices.ContainsFunc(f.CustomFieldOptions, func(o Option) bool { return o.Value == v })
}

// TicketTags returns the tags a ticket field's value sets and the tags of
// the field it clears: a tagger or multiselect sets its chosen option
// values, a checked checkbox its tag (Zendesk's field tags).
func (f *Field) TicketTags(v any) (set, clear []string) {
	switch f.Type {
	case "tagger", "dropdown", "multiselect":
		var chosen []string
		switch x := v.(type) {
		case string:
			chosen = []string{x}
		case []string:
			chosen = x
		}
		for _, o := range f.CustomFieldOptions {
			if slices.Contains(chosen, o.Value) {
				set = append(set, o.Value)
			} else {
				clear = append(clear, o.Value)
			}
		}
	case "checkbox":
		if f.Tag != nil {
			if b, _ := v.(bool); b {
				set = []string{*f.Tag}
			} else {
				clear = []string{*f.Tag}
			}
		}
	}
	return set, clear
}

// Form is a ticket form: the fields an agent or customer fills for one kind
// of request.
type Form struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	DisplayName    string    `json:"display_name"`
	RawName        string    `json:"raw_name"`
	RawDisplayName string    `json:"raw_display_name"`
	Position       int       `json:"position"`
	Active         bool      `json:"active"`
	Default        bool      `json:"default"`
	EndUserVisible bool      `json:"end_user_visible"`
	InAllBrands    bool      `json:"in_all_brands"`
	TicketFieldIDs []int64   `json:"ticket_field_ids"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// FormInput is a create or update of a form.
type FormInput struct {
	Name           *string  `json:"name"`
	DisplayName    *string  `json:"display_name"`
	Position       *int     `json:"position"`
	Active         *bool    `json:"active"`
	Default        *bool    `json:"default"`
	EndUserVisible *bool    `json:"end_user_visible"`
	TicketFieldIDs *[]int64 `json:"ticket_field_ids"`
}

// Apply applies in to the form and checks it.
func (f *Form) Apply(in FormInput) error {
	if in.Name != nil {
		f.Name = strings.TrimSpace(*in.Name)
	}
	if in.DisplayName != nil {
		f.DisplayName = strings.TrimSpace(*in.DisplayName)
	}
	if in.Position != nil {
		f.Position = *in.Position
	}
	if in.Active != nil {
		f.Active = *in.Active
	}
	if in.Default != nil {
		f.Default = *in.Default
	}
	if in.EndUserVisible != nil {
		f.EndUserVisible = *in.EndUserVisible
	}
	if in.TicketFieldIDs != nil {
		f.TicketFieldIDs = slices.Compact(slices.Clone(*in.TicketFieldIDs))
	}
	if f.TicketFieldIDs == nil {
		f.TicketFieldIDs = []int64{}
	}
	if f.DisplayName == "" {
		f.DisplayName = f.Name
	}
	f.RawName, f.RawDisplayName, f.InAllBrands = f.Name, f.DisplayName, true
	var v errs.Validation
	v.Check(f.Name != "", "name", "can't be blank")
	v.Check(len(f.Name) <= 255, "name", "is longer than 255 characters")
	return v.Err()
}
