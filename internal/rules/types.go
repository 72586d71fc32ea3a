package rules

import (
	"bytes"
	"encoding/json"
	"time"
)

// Conditions is Zendesk's {"all": [...], "any": [...]}: every condition in
// All must hold, and at least one in Any when Any is not empty.
type Conditions struct {
	All []Condition `json:"all"`
	Any []Condition `json:"any"`
}

// MarshalJSON writes empty lists as [] (as Zendesk does) rather than null.
func (c Conditions) MarshalJSON() ([]byte, error) {
	type plain struct {
		All []Condition `json:"all"`
		Any []Condition `json:"any"`
	}
	p := plain{All: c.All, Any: c.Any}
	if p.All == nil {
		p.All = []Condition{}
	}
	if p.Any == nil {
		p.Any = []Condition{}
	}
	return json.Marshal(p)
}

// Condition is one {"field", "operator", "value"} test. Value is whatever the
// JSON held: decoding keeps numbers exact as json.Number; Go callers may also
// use string, int, int64, float64, bool, []string or []any. Zendesk exports
// most values as strings ("96", "true", "current_user").
type Condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

// UnmarshalJSON decodes a condition, keeping numeric values as json.Number.
func (c *Condition) UnmarshalJSON(b []byte) error {
	var raw struct {
		Field    string          `json:"field"`
		Operator string          `json:"operator"`
		Value    json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v, err := decodeValue(raw.Value)
	if err != nil {
		return err
	}
	*c = Condition{Field: raw.Field, Operator: raw.Operator, Value: v}
	return nil
}

// Action is one {"field", "value"} action. Value is a string, a number, or a
// list such as ["requester_id", "subject", "body"] for notification_user.
type Action struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

// UnmarshalJSON decodes an action, keeping numeric values as json.Number.
func (a *Action) UnmarshalJSON(b []byte) error {
	var raw struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v, err := decodeValue(raw.Value)
	if err != nil {
		return err
	}
	*a = Action{Field: raw.Field, Value: v}
	return nil
}

func decodeValue(raw json.RawMessage) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Trigger is an event-based business rule (/api/v2/triggers).
type Trigger struct {
	ID          int64      `json:"id,omitempty"`
	Title       string     `json:"title"`
	Active      bool       `json:"active"`
	Position    int        `json:"position"`
	Description string     `json:"description,omitempty"`
	Conditions  Conditions `json:"conditions"`
	Actions     []Action   `json:"actions"`
	CategoryID  string     `json:"category_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at,omitzero"`
	UpdatedAt   time.Time  `json:"updated_at,omitzero"`
}

// UnmarshalJSON accepts category_id as a string or a number.
func (t *Trigger) UnmarshalJSON(b []byte) error {
	type plain Trigger
	aux := struct {
		*plain
		CategoryID any `json:"category_id"`
	}{plain: (*plain)(t)}
	*t = Trigger{}
	if err := unmarshalNumbers(b, &aux); err != nil {
		return err
	}
	t.CategoryID, _ = scalar(aux.CategoryID)
	return nil
}

// Automation is a time-based business rule (/api/v2/automations); it has the
// trigger shape and runs periodically.
type Automation struct {
	ID          int64      `json:"id,omitempty"`
	Title       string     `json:"title"`
	Active      bool       `json:"active"`
	Position    int        `json:"position"`
	Description string     `json:"description,omitempty"`
	Conditions  Conditions `json:"conditions"`
	Actions     []Action   `json:"actions"`
	CreatedAt   time.Time  `json:"created_at,omitzero"`
	UpdatedAt   time.Time  `json:"updated_at,omitzero"`
}

// Macro is a set of actions an agent applies by hand (/api/v2/macros).
type Macro struct {
	ID          int64    `json:"id,omitempty"`
	Title       string   `json:"title"`
	Active      bool     `json:"active"`
	Description string   `json:"description,omitempty"`
	Actions     []Action `json:"actions"`
	// Restriction is null (everyone) or Zendesk's {"type": "User"|"Group",
	// "id": n, "ids": [n...]}, kept as decoded. See MacroAvailable.
	Restriction any       `json:"restriction"`
	Position    int       `json:"position"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// View is a saved ticket list (/api/v2/views).
type View struct {
	ID          int64        `json:"id,omitempty"`
	Title       string       `json:"title"`
	Active      bool         `json:"active"`
	Position    int          `json:"position"`
	Description string       `json:"description,omitempty"`
	Conditions  Conditions   `json:"conditions"`
	Execution   Execution    `json:"execution"`
	Restriction *Restriction `json:"restriction"` // nil: shared with everyone
	CreatedAt   time.Time    `json:"created_at,omitzero"`
	UpdatedAt   time.Time    `json:"updated_at,omitzero"`
}

// UnmarshalJSON also accepts the create/update request form, where the
// conditions are top-level "all"/"any" and the execution is named "output".
func (v *View) UnmarshalJSON(b []byte) error {
	type plain View
	aux := struct {
		*plain
		Output *Execution  `json:"output"`
		All    []Condition `json:"all"`
		Any    []Condition `json:"any"`
	}{plain: (*plain)(v)}
	*v = View{}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if aux.Output != nil && v.Execution.isZero() {
		v.Execution = *aux.Output
	}
	if len(v.Conditions.All) == 0 && len(v.Conditions.Any) == 0 {
		v.Conditions = Conditions{All: aux.All, Any: aux.Any}
	}
	return nil
}

// Restriction limits a view (or macro) to one user or group.
type Restriction struct {
	Type string  `json:"type"` // "User" or "Group"
	ID   int64   `json:"id"`
	IDs  []int64 `json:"ids,omitempty"` // Zendesk lists several groups here
}

// Execution says how a view is displayed: columns, grouping and sorting.
type Execution struct {
	Columns    []string `json:"columns"`
	GroupBy    string   `json:"group_by,omitempty"`
	GroupOrder string   `json:"group_order,omitempty"`
	SortBy     string   `json:"sort_by,omitempty"`
	SortOrder  string   `json:"sort_order,omitempty"`
}

func (e Execution) isZero() bool {
	return len(e.Columns) == 0 && e.GroupBy == "" && e.GroupOrder == "" && e.SortBy == "" && e.SortOrder == ""
}

// UnmarshalJSON accepts Zendesk's exported form, where columns are objects
// ({"id": "status", "title": "Status"}; custom fields have numeric ids) and
// grouping/sorting may also appear as "group"/"sort" objects.
func (e *Execution) UnmarshalJSON(b []byte) error {
	type keyOrder struct {
		ID    any    `json:"id"`
		Order string `json:"order"`
	}
	var raw struct {
		Columns    []json.RawMessage `json:"columns"`
		GroupBy    any               `json:"group_by"`
		GroupOrder string            `json:"group_order"`
		SortBy     any               `json:"sort_by"`
		SortOrder  string            `json:"sort_order"`
		Group      *keyOrder         `json:"group"`
		Sort       *keyOrder         `json:"sort"`
	}
	if err := unmarshalNumbers(b, &raw); err != nil {
		return err
	}
	out := Execution{GroupOrder: raw.GroupOrder, SortOrder: raw.SortOrder}
	out.GroupBy, _ = scalar(raw.GroupBy)
	out.SortBy, _ = scalar(raw.SortBy)
	if raw.Group != nil {
		if out.GroupBy == "" {
			out.GroupBy, _ = scalar(raw.Group.ID)
		}
		if out.GroupOrder == "" {
			out.GroupOrder = raw.Group.Order
		}
	}
	if raw.Sort != nil {
		if out.SortBy == "" {
			out.SortBy, _ = scalar(raw.Sort.ID)
		}
		if out.SortOrder == "" {
			out.SortOrder = raw.Sort.Order
		}
	}
	for _, c := range raw.Columns {
		v, err := decodeValue(c)
		if err != nil {
			return err
		}
		if m, ok := v.(map[string]any); ok {
			v = m["id"]
		}
		if s, ok := scalar(v); ok && s != "" {
			out.Columns = append(out.Columns, s)
		}
	}
	*e = out
	return nil
}

func unmarshalNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}
