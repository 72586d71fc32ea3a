package rules

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// MaxTriggerFirings caps the trigger firings of one update (loop protection).
const MaxTriggerFirings = 100

// LoopError is returned by RunTriggers when an update would fire more than
// MaxTriggerFirings triggers. The Result then holds the state after the
// first MaxTriggerFirings firings; callers should save nothing and log.
type LoopError struct {
	Limit int
}

func (e *LoopError) Error() string {
	return fmt.Sprintf("rules: trigger loop: more than %d trigger firings in one update", e.Limit)
}

// Result is the outcome of running rules on a ticket.
type Result struct {
	Ticket  Ticket   // the ticket after all actions
	Effects []Effect // notifications, webhooks, comments, in firing order
	Fired   []int64  // IDs of the rules that fired, in order
	// Invalid lists active rules that were skipped because they fail
	// validation (stored before a rule change, or imported unchecked).
	Invalid []int64
	// ClearMarkers (automations only) lists automations whose "fired"
	// marker for this ticket should be deleted: their conditions no longer
	// hold, so they may fire again once they do.
	ClearMarkers []int64
	Capped       bool // the trigger loop limit was hit
}

type ruleItem struct {
	compiledRule
	idx int
}

// sortRules orders by Position, then ID, then input order.
func sortRules(items []ruleItem) {
	slices.SortStableFunc(items, func(a, b ruleItem) int {
		return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.id, b.id))
	})
}

// RunTriggers runs the active triggers for one ticket create/update, the
// way Zendesk does: triggers are checked in Position order; when one fires
// its actions are applied and checking restarts from the first trigger with
// the updated ticket; each trigger fires at most once per update. Pass the
// ticket before the update as before (a zero Ticket for a new ticket) and
// after it as after; changes between them, plus upd.Changes, drive the
// change operators. Effects are rendered once all triggers ran, with the
// final ticket. More than MaxTriggerFirings firings returns a *LoopError.
func RunTriggers(triggers []Trigger, before, after Ticket, upd Update) (Result, error) {
	var items []ruleItem
	res := Result{}
	for i, t := range triggers {
		if !t.Active {
			continue
		}
		r, err := compileTrigger(t)
		if err != nil {
			res.Invalid = append(res.Invalid, t.ID)
			continue
		}
		items = append(items, ruleItem{r, i})
	}
	sortRules(items)

	cur := after.Clone()
	fired := make([]bool, len(items))
	var pend []pending
	e := &env{before: &before, upd: &upd, userID: upd.CurrentUserID}
	var loopErr error
outer:
	for {
		for i, r := range items {
			if fired[i] {
				continue
			}
			e.t = cur
			if !r.conds.match(e) {
				continue
			}
			if len(res.Fired) == MaxTriggerFirings {
				res.Capped = true
				loopErr = &LoopError{Limit: MaxTriggerFirings}
				break outer
			}
			var ps []pending
			cur, ps = apply(r.acts, cur, applyEnv{ruleID: r.id, userID: upd.CurrentUserID, at: upd.At})
			pend = append(pend, ps...)
			fired[i] = true
			res.Fired = append(res.Fired, r.id)
			continue outer
		}
		break
	}
	data := upd.Data
	data.Ticket = cur
	data.CurrentUserID = upd.CurrentUserID
	if upd.Comment != nil && upd.Comment.Public {
		data.LatestPublicComment = upd.Comment.Body
	}
	res.Ticket = cur
	res.Effects = render(pend, data)
	return res, loopErr
}

// RunAutomations runs the active automations on one ticket at now, in
// Position order, each seeing the changes of those before it. An
// automation fires at most once per ticket: alreadyFired(id) reports the
// caller's stored marker (nil means none). The caller stores a marker for
// each ID in Fired and deletes those in ClearMarkers (fired automations
// whose conditions no longer hold: they may fire again once they hold
// again). Closed tickets are left alone. Actions set UpdatedAt (and
// SolvedAt, PendingAt, AssignedAt as relevant) to now; the caller then
// runs triggers for the resulting update (Via "rule"). data supplies
// placeholder names; its Ticket is replaced. Invalid automations are
// skipped and listed in Result.Invalid.
func RunAutomations(autos []Automation, t Ticket, now time.Time, alreadyFired func(id int64) bool, data PlaceholderData) Result {
	res := Result{Ticket: t.Clone()}
	if t.Status == StatusClosed {
		return res
	}
	if alreadyFired == nil {
		alreadyFired = func(int64) bool { return false }
	}
	var items []ruleItem
	for i, a := range autos {
		if !a.Active {
			continue
		}
		r, err := compileAutomation(a)
		if err != nil {
			res.Invalid = append(res.Invalid, a.ID)
			continue
		}
		items = append(items, ruleItem{r, i})
	}
	sortRules(items)

	cur := res.Ticket
	var pend []pending
	for _, r := range items {
		e := &env{t: cur, now: now}
		match := r.conds.match(e)
		done := alreadyFired(r.id)
		if !match {
			if done {
				res.ClearMarkers = append(res.ClearMarkers, r.id)
			}
			continue
		}
		if done {
			continue
		}
		var ps []pending
		cur, ps = apply(r.acts, cur, applyEnv{ruleID: r.id, at: now})
		pend = append(pend, ps...)
		res.Fired = append(res.Fired, r.id)
	}
	data.Ticket = cur
	res.Ticket = cur
	res.Effects = render(pend, data)
	return res
}

// MarkerStale reports whether an automation's fired marker on the ticket
// should be cleared: its conditions no longer hold at now (or it is no
// longer valid). Call it after ticket updates to re-arm automations whose
// conditions were nullified in between.
func MarkerStale(a Automation, t Ticket, now time.Time) bool {
	r, err := compileAutomation(a)
	if err != nil {
		return true
	}
	return !r.conds.match(&env{t: t, now: now})
}

// AutomationMatches reports whether the automation's conditions hold for
// the ticket at now (ignoring Active and fired markers).
func AutomationMatches(a Automation, t Ticket, now time.Time) (bool, error) {
	r, err := compileAutomation(a)
	if err != nil {
		return false, err
	}
	return r.conds.match(&env{t: t, now: now}), nil
}

// TriggerMatches reports whether the trigger's conditions hold for the
// update (ignoring Active).
func TriggerMatches(tr Trigger, before, after Ticket, upd Update) (bool, error) {
	r, err := compileTrigger(tr)
	if err != nil {
		return false, err
	}
	return r.conds.match(&env{t: after, before: &before, upd: &upd, userID: upd.CurrentUserID}), nil
}

// MacroResult is the preview of applying a macro.
type MacroResult struct {
	Ticket  Ticket               // the ticket with the macro's field changes
	Changes map[string][2]string // what changed, as Diff reports it
	Effects []Effect             // at most one EffectComment
}

// Comment returns the comment the macro adds, if any.
func (r MacroResult) Comment() (Effect, bool) {
	for _, e := range r.Effects {
		if e.Kind == EffectComment {
			return e, true
		}
	}
	return Effect{}, false
}

// ApplyMacro previews applying m to t as actor, without saving anything:
// the new ticket, the field changes and the comment to add (placeholders
// rendered, "current_user" meaning actor). Timestamps are not touched and
// Active and Restriction are not checked (see MacroAvailable).
func ApplyMacro(m Macro, t Ticket, actor Actor, data PlaceholderData) (MacroResult, error) {
	acts, err := compileMacro(m)
	if err != nil {
		return MacroResult{}, err
	}
	cur, pend := apply(acts, t, applyEnv{ruleID: m.ID, userID: actor.ID})
	data.Ticket = cur
	data.CurrentUserID = actor.ID
	return MacroResult{Ticket: cur, Changes: Diff(t, cur), Effects: render(pend, data)}, nil
}

// MacroAvailable reports whether a user in the given groups may use the
// macro according to its Restriction (null: everyone).
func MacroAvailable(m Macro, userID int64, groupIDs []int64) bool {
	r, ok := parseRestriction(m.Restriction)
	if !ok {
		return false
	}
	if r == nil {
		return true
	}
	ids := append([]int64{r.ID}, r.IDs...)
	switch r.Type {
	case "User":
		return slices.Contains(ids, userID) && userID != 0
	case "Group":
		for _, g := range groupIDs {
			if g != 0 && slices.Contains(ids, g) {
				return true
			}
		}
	}
	return false
}

// parseRestriction reads a macro restriction as decoded from JSON (or set
// as a Restriction by Go code). nil, true means unrestricted.
func parseRestriction(v any) (*Restriction, bool) {
	switch r := v.(type) {
	case nil:
		return nil, true
	case *Restriction:
		if r == nil {
			return nil, true
		}
		return r, (r.Type == "User" || r.Type == "Group") && (r.ID > 0 || len(r.IDs) > 0)
	case Restriction:
		return parseRestriction(&r)
	case map[string]any:
		typ, _ := r["type"].(string)
		out := &Restriction{Type: typ}
		if r["id"] != nil {
			id, cu, problem := parseID(r["id"], false)
			if problem != "" || cu {
				return nil, false
			}
			out.ID = id
		}
		if raw, ok := r["ids"]; ok && raw != nil {
			l, ok := list(raw)
			if !ok {
				return nil, false
			}
			for _, s := range l {
				id, _, problem := parseID(s, false)
				if problem != "" || id == 0 {
					return nil, false
				}
				out.IDs = append(out.IDs, id)
			}
		}
		return parseRestriction(out)
	}
	return nil, false
}
