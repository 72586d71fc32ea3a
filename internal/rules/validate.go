package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// Validate checks a Trigger, Automation, Macro or View (or a pointer to
// one) and returns a KindInvalid *errs.Error whose Fields name each bad
// element, e.g. "conditions.all[2].operator" or "actions[0].value".
func Validate(rule any) error {
	switch r := rule.(type) {
	case Trigger:
		return r.Validate()
	case *Trigger:
		return r.Validate()
	case Automation:
		return r.Validate()
	case *Automation:
		return r.Validate()
	case Macro:
		return r.Validate()
	case *Macro:
		return r.Validate()
	case View:
		return r.Validate()
	case *View:
		return r.Validate()
	}
	return errs.Invalid("rule", fmt.Sprintf("%T is not a rule", rule))
}

// Validate checks the trigger: known fields, operators and values, at
// least one condition and at least one action.
func (t Trigger) Validate() error {
	_, err := compileTrigger(t)
	return err
}

// Validate checks the automation. Beyond the field checks it enforces
// Zendesk's rules: at least one time-based condition, only under "all", and
// at least one action that nullifies one of the conditions (the condition is
// false once the actions ran), so the automation fires once per ticket.
func (a Automation) Validate() error {
	_, err := compileAutomation(a)
	return err
}

// Validate checks the macro's title and actions.
func (m Macro) Validate() error {
	_, err := compileMacro(m)
	return err
}

// Validate checks the view's conditions (at least one under "all"; time
// conditions only under "all"), execution and restriction.
func (v View) Validate() error {
	_, err := compileView(v)
	return err
}

type compiledRule struct {
	id       int64
	position int
	conds    compiledConditions
	acts     []act
}

func checkTitle(v *errs.Validation, title string) {
	if p := limits.Problem(title); p != "" {
		v.Add("title", p)
		return
	}
	v.Check(strings.TrimSpace(title) != "", "title", "can't be blank")
	v.Check(utf8.RuneCountInString(title) <= limits.NameChars, "title", limits.TooLongChars(limits.NameChars))
}

// checkDescription checks a rule's description: storable text of at most
// limits.LongTextBytes.
func checkDescription(v *errs.Validation, d string) {
	if p := limits.Problem(d); p != "" {
		v.Add("description", p)
		return
	}
	v.Check(len(d) <= limits.LongTextBytes, "description", limits.TooLongBytes(limits.LongTextBytes))
}

// checkActionText checks the text of an action's value (a comment, a
// notification body, tags): storable text, at most limits.LongTextBytes as
// JSON.
func checkActionText(v *errs.Validation, i int, a Action) {
	field := fmt.Sprintf("actions[%d].value", i)
	if p := textProblem(a.Value); p != "" {
		v.Add(field, p)
		return
	}
	if b, _ := json.Marshal(a.Value); len(b) > limits.LongTextBytes {
		v.Add(field, fmt.Sprintf("is too long (maximum is %d bytes as JSON)", limits.LongTextBytes))
	}
}

// textProblem finds a string in v that is not storable text.
func textProblem(v any) string {
	switch x := v.(type) {
	case string:
		return limits.Problem(x)
	case []string:
		for _, s := range x {
			if p := limits.Problem(s); p != "" {
				return p
			}
		}
	case []any:
		for _, e := range x {
			if p := textProblem(e); p != "" {
				return p
			}
		}
	case map[string]any:
		for k, e := range x {
			if p := limits.Problem(k); p != "" {
				return p
			}
			if p := textProblem(e); p != "" {
				return p
			}
		}
	}
	return ""
}

func compileConds(v *errs.Validation, c Conditions, sc scope) compiledConditions {
	var out compiledConditions
	groups := []struct {
		name string
		in   []Condition
		out  *[]cond
	}{{"all", c.All, &out.all}, {"any", c.Any, &out.any}}
	for _, g := range groups {
		for i, raw := range g.in {
			key := fmt.Sprintf("conditions.%s[%d]", g.name, i)
			cc, part, problem := compileCondition(raw, sc)
			if problem != "" {
				v.Add(key+"."+part, problem)
				continue
			}
			if g.name == "any" && cc.spec.typ == ftHours {
				v.Add(key+".field", fmt.Sprintf("time-based condition %s must be under conditions.all", quote(raw.Field)))
				continue
			}
			*g.out = append(*g.out, cc)
		}
	}
	return out
}

func compileActs(v *errs.Validation, actions []Action, sc scope) []act {
	var out []act
	for i, raw := range actions {
		checkActionText(v, i, raw)
		a, part, problem := compileAction(raw, sc)
		if problem != "" {
			v.Add(fmt.Sprintf("actions[%d].%s", i, part), problem)
			continue
		}
		out = append(out, a)
	}
	return out
}

func compileTrigger(t Trigger) (compiledRule, error) {
	var v errs.Validation
	checkTitle(&v, t.Title)
	checkDescription(&v, t.Description)
	r := compiledRule{id: t.ID, position: t.Position}
	r.conds = compileConds(&v, t.Conditions, inTrigger)
	r.acts = compileActs(&v, t.Actions, inTrigger)
	v.Check(len(t.Conditions.All)+len(t.Conditions.Any) > 0, "conditions", "a trigger needs at least one condition")
	v.Check(len(t.Actions) > 0, "actions", "a trigger needs at least one action")
	return r, v.Err()
}

func compileAutomation(a Automation) (compiledRule, error) {
	var v errs.Validation
	checkTitle(&v, a.Title)
	checkDescription(&v, a.Description)
	r := compiledRule{id: a.ID, position: a.Position}
	r.conds = compileConds(&v, a.Conditions, inAutomation)
	r.acts = compileActs(&v, a.Actions, inAutomation)
	if len(a.Actions) == 0 {
		v.Add("actions", "an automation needs at least one action")
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	if !slices.ContainsFunc(r.conds.all, func(c cond) bool { return c.spec.typ == ftHours }) {
		v.Add("conditions.all", "an automation needs at least one time-based condition (e.g. hours_since_solved greater_than 96)")
	}
	if !nullifies(r.conds.all, r.acts) {
		v.Add("actions", "an automation needs an action that nullifies one of its conditions "+
			"(e.g. status is solved with action status closed, or tag not_includes x with action add tag x) so it fires once per ticket")
	}
	return r, v.Err()
}

func compileMacro(m Macro) ([]act, error) {
	var v errs.Validation
	checkTitle(&v, m.Title)
	checkDescription(&v, m.Description)
	acts := compileActs(&v, m.Actions, inMacro)
	v.Check(len(m.Actions) > 0, "actions", "a macro needs at least one action")
	if _, ok := parseRestriction(m.Restriction); !ok {
		v.Add("restriction", `must be null or {"type": "User"|"Group", "id": n}`)
	}
	return acts, v.Err()
}

func compileView(vw View) (compiledConditions, error) {
	var v errs.Validation
	checkTitle(&v, vw.Title)
	checkDescription(&v, vw.Description)
	conds := compileConds(&v, vw.Conditions, inView)
	v.Check(len(vw.Conditions.All) > 0, "conditions.all", "a view needs at least one condition under all")
	if r := vw.Restriction; r != nil {
		v.Check(r.Type == "User" || r.Type == "Group", "restriction.type", `must be "User" or "Group"`)
		v.Check(r.ID > 0 || len(r.IDs) > 0, "restriction.id", "must be a user or group ID")
	}
	e := vw.Execution
	for i, c := range e.Columns {
		v.Check(strings.TrimSpace(c) != "", fmt.Sprintf("execution.columns[%d]", i), "can't be blank")
	}
	if e.GroupBy != "" {
		if _, ok := sortColumn(e.GroupBy); !ok {
			v.Add("execution.group_by", fmt.Sprintf("%s is not a sortable column", quote(e.GroupBy)))
		}
	}
	if e.SortBy != "" {
		if _, ok := sortColumn(e.SortBy); !ok {
			v.Add("execution.sort_by", fmt.Sprintf("%s is not a sortable column", quote(e.SortBy)))
		}
	}
	for key, o := range map[string]string{"execution.group_order": e.GroupOrder, "execution.sort_order": e.SortOrder} {
		if _, ok := parseOrder(o); !ok {
			v.Add(key, fmt.Sprintf("%s must be asc or desc", quote(o)))
		}
	}
	return conds, v.Err()
}

func parseOrder(o string) (desc bool, ok bool) {
	switch strings.ToLower(o) {
	case "", "asc":
		return false, true
	case "desc":
		return true, true
	}
	return false, false
}

// postState is what a list of actions leaves behind whatever the ticket
// was: known field values, and tags known present or absent (a tag missing
// from the map is unknown, unless set_tags ran).
type postState struct {
	scalars   map[string]string // canonical field -> value after the actions
	tags      map[string]bool
	tagsKnown bool // set_tags ran: unlisted tags are absent
}

func simulate(acts []act) postState {
	ps := postState{scalars: map[string]string{}, tags: map[string]bool{}}
	for _, a := range acts {
		switch a.field {
		case "status", "priority", "type":
			ps.scalars[a.field] = a.str
		case "group_id":
			ps.scalars[a.field] = idString(a.id)
		case "assignee_id":
			if !a.currentUser {
				ps.scalars[a.field] = idString(a.id)
			}
		case "set_tags":
			ps.tags, ps.tagsKnown = map[string]bool{}, true
			for _, t := range a.tags {
				ps.tags[t] = true
			}
		case "current_tags":
			for _, t := range a.tags {
				ps.tags[t] = true
			}
		case "remove_tags":
			for _, t := range a.tags {
				ps.tags[t] = false
			}
		default:
			if a.customID != 0 {
				ps.scalars[a.field] = a.str
			}
		}
	}
	return ps
}

// tag returns (present, known).
func (ps postState) tag(t string) (bool, bool) {
	if v, ok := ps.tags[t]; ok {
		return v, true
	}
	return false, ps.tagsKnown
}

// nullifies reports whether the actions make at least one of the "all"
// conditions false whatever the ticket was.
func nullifies(all []cond, acts []act) bool {
	ps := simulate(acts)
	for _, c := range all {
		switch c.spec.typ {
		case ftOrdered, ftEnum, ftID, ftCustom:
			if v, ok := ps.scalars[c.spec.name]; ok && !c.matchValue(v, 0) {
				return true
			}
		case ftTags:
			if c.op == opIncludes {
				allAbsent := true
				for _, t := range c.tags {
					if present, known := ps.tag(t); present || !known {
						allAbsent = false
					}
				}
				if allAbsent {
					return true
				}
			} else {
				for _, t := range c.tags {
					if present, known := ps.tag(t); present && known {
						return true
					}
				}
			}
		case ftHours:
			if st, ok := ps.scalars["status"]; ok && c.spec.clock.statuses != nil && !slices.Contains(c.spec.clock.statuses, st) {
				return true
			}
		}
	}
	return false
}
