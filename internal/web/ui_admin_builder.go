package web

// Rule builders: triggers, automations, macros and views put together from
// lists (fields with their valid operators and values, from
// rules.ConditionCatalog and rules.ActionCatalog), previewed as the Zendesk
// JSON that is then saved exactly as if pasted; and a rule's position moved
// up or down, or the whole order set by dragging.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
)

// Builder rows offered: conditions that must all hold, conditions of
// which any one must, and actions.
const (
	builderAllRows    = 3
	builderAnyRows    = 2
	builderActionRows = 3
)

func (s *Server) registerRuleBuilderUI() {
	if s.Rules == nil {
		return
	}
	s.handle("POST /admin/rules/{kind}/build", Admin, s.adminBuildRule)
	s.handle("POST /admin/rules/{kind}/{id}/move", Admin, s.adminMoveRule)
	s.handle("POST /admin/rules/{kind}/order", Admin, s.adminOrderRules)
}

// builderRow is one condition or action row of the builder form.
type builderRow struct {
	Name             string // form name prefix: all_0, any_1, act_2
	Field, Op, Value string
	// Subject and Body are a notification action's message (Value is
	// then its recipient: a user, a group or a webhook).
	Subject, Body string
	// Choices and Operators are the condition fields and operators offered.
	Choices   []rules.Choice
	Operators []string
}

// ruleBuilder is what the builder template needs.
type ruleBuilder struct {
	Kind, Title       string
	Conditions        []rules.Choice
	Actions           []rules.Choice
	Operators         []string
	All, Any, Act     []builderRow
	Users             []people.User
	Groups            []people.Group
	Webhooks          []rulestore.Webhook
	HasConds, HasActs bool
}

// opsJSON is a field's operators and values for the page's script.
func (b ruleBuilder) ChoicesJSON() string {
	m := map[string]rules.Choice{}
	for _, c := range b.Conditions {
		m["c:"+c.Field] = c
	}
	for _, c := range b.Actions {
		m["a:"+c.Field] = c
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func (s *Server) newBuilder(ctx context.Context, kind string, r *http.Request) (*ruleBuilder, error) {
	b := &ruleBuilder{Kind: kind, Conditions: rules.ConditionCatalog(kind), Actions: rules.ActionCatalog(kind)}
	if kind == "macros" {
		b.Conditions = nil
	}
	if kind == "views" {
		b.Actions = nil
	}
	b.HasConds, b.HasActs = len(b.Conditions) > 0, len(b.Actions) > 0
	for _, c := range b.Conditions {
		for _, op := range c.Operators {
			if !slices.Contains(b.Operators, op) {
				b.Operators = append(b.Operators, op)
			}
		}
	}
	get := func(k string) string {
		if r == nil {
			return ""
		}
		return strings.TrimSpace(r.PostFormValue(k))
	}
	b.Title = get("title")
	row := func(name string) builderRow {
		return builderRow{Name: name, Field: get(name + "_field"), Op: get(name + "_op"), Value: get(name + "_value"),
			Subject: get(name + "_subject"), Body: get(name + "_body"), Choices: b.Conditions, Operators: b.Operators}
	}
	if b.HasConds {
		for i := range builderAllRows {
			b.All = append(b.All, row(fmt.Sprintf("all_%d", i)))
		}
		for i := range builderAnyRows {
			b.Any = append(b.Any, row(fmt.Sprintf("any_%d", i)))
		}
	}
	if b.HasActs {
		for i := range builderActionRows {
			b.Act = append(b.Act, row(fmt.Sprintf("act_%d", i)))
		}
	}
	var err error
	if b.Users, err = s.staffUsers(ctx); err != nil {
		return nil, err
	}
	if b.Groups, err = s.People.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}}); err != nil {
		return nil, err
	}
	if b.HasActs && kind != "macros" {
		if b.Webhooks, err = s.Rules.ListWebhooks(ctx); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// builderValue turns a typed value into what the rule JSON holds.
func builderValue(field, v string) any {
	switch field {
	case "comment_mode_is_public", "comment_is_public", "sla_breach":
		return v == "true"
	}
	return v
}

// builderActionValue is an action row's value: a notification's is Zendesk's
// list ([recipient, subject, body], or [webhook id, body]), placeholders
// such as {{ticket.id}} kept as written.
func builderActionValue(r builderRow) any {
	switch r.Field {
	case "notification_user", "notification_group":
		return []string{r.Value, r.Subject, r.Body}
	case "notification_webhook":
		if r.Body == "" {
			return []string{r.Value}
		}
		return []string{r.Value, r.Body}
	}
	return builderValue(r.Field, r.Value)
}

// ruleJSON assembles the rule as Zendesk JSON ({"trigger": {...}}).
func (b *ruleBuilder) ruleJSON(singular string) (string, error) {
	var v errs.Validation
	v.Check(b.Title != "", "title", "can't be blank")
	conds := func(rows []builderRow) []rules.Condition {
		out := []rules.Condition{}
		for _, r := range rows {
			if r.Field == "" {
				continue
			}
			v.Check(r.Op != "", r.Name, "needs an operator")
			out = append(out, rules.Condition{Field: r.Field, Operator: r.Op, Value: builderValue(r.Field, r.Value)})
		}
		return out
	}
	obj := map[string]any{"title": b.Title, "active": true}
	if b.HasConds {
		obj["conditions"] = rules.Conditions{All: conds(b.All), Any: conds(b.Any)}
	}
	if b.HasActs {
		acts := []rules.Action{}
		for _, r := range b.Act {
			if r.Field != "" {
				acts = append(acts, rules.Action{Field: r.Field, Value: builderActionValue(r)})
			}
		}
		obj["actions"] = acts
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return indent(map[string]any{singular: obj}), nil
}

// adminBuildRule previews (do=preview) or saves (do=save) the rule built
// from the lists; a refused rule keeps the builder and shows the JSON.
func (s *Server) adminBuildRule(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	singular, err := ruleKind(kind)
	if err != nil || kind == "webhooks" {
		return errs.NotFound("rule kind")
	}
	b, err := s.newBuilder(r.Context(), kind, r)
	if err != nil {
		return err
	}
	src, err := b.ruleJSON(singular)
	if err == nil && r.PostFormValue("do") == "save" {
		if err = s.createRule(r.Context(), actor(r), kind, singular, src); err == nil {
			seeOther(w, r, "/admin/rules?kind="+kind, strings.ToUpper(singular[:1])+singular[1:]+" “"+b.Title+"” added.")
			return nil
		}
	}
	status, problem := http.StatusOK, ""
	if err != nil {
		msg, st, ok := problemText(err)
		if !ok {
			return err
		}
		status, problem = st, msg
	}
	return s.renderAdminRulesWith(w, r, status, kind, src, problem, b)
}

// adminMoveRule swaps a rule's position with its neighbour's (dir=up or
// down) in the kind's order.
func (s *Server) adminMoveRule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	kind := r.PathValue("kind")
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	dir := r.PostFormValue("dir")
	if dir != "up" && dir != "down" {
		return errs.Invalid("dir", "must be up or down")
	}
	rows, _, err := s.ruleRows(ctx, kind)
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(a, b ruleRow) int { return a.Position - b.Position })
	i := slices.IndexFunc(rows, func(x ruleRow) bool { return x.ID == id })
	if i < 0 {
		return errs.NotFound("rule")
	}
	j := i - 1
	if dir == "down" {
		j = i + 1
	}
	if j < 0 || j >= len(rows) {
		seeOther(w, r, "/admin/rules?kind="+kind, "“"+rows[i].Title+"” is already "+map[string]string{"up": "first", "down": "last"}[dir]+".")
		return nil
	}
	// Positions may tie; the moved pair gets distinct ones around them.
	pi, pj := rows[j].Position, rows[i].Position
	if pi == pj {
		if dir == "up" {
			pj++
		} else {
			pi++
		}
	}
	if err := s.setRulePosition(ctx, r, kind, rows[i].ID, pi); err != nil {
		return err
	}
	if err := s.setRulePosition(ctx, r, kind, rows[j].ID, pj); err != nil {
		return err
	}
	seeOther(w, r, "/admin/rules?kind="+kind, "“"+rows[i].Title+"” moved "+dir+".")
	return nil
}

// adminOrderRules puts a kind's rules in the order given (ids: every rule
// of the kind once, comma-separated), as dragging the rows does (app.js):
// positions 1..n, each changed rule saved (and audited) as an edit.
// Without JavaScript the up and down buttons do the same one step at a time.
func (s *Server) adminOrderRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	kind := r.PathValue("kind")
	if _, err := ruleKind(kind); err != nil || kind == "webhooks" {
		return errs.NotFound("rule kind")
	}
	rows, _, err := s.ruleRows(ctx, kind)
	if err != nil {
		return err
	}
	var ids []int64
	for _, f := range strings.Split(r.PostFormValue("ids"), ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || id <= 0 || slices.Contains(ids, id) {
			return errs.Invalid("ids", "must list each of the "+kind+" once, by id, comma-separated")
		}
		ids = append(ids, id)
	}
	have := map[int64]ruleRow{}
	for _, x := range rows {
		have[x.ID] = x
	}
	if len(ids) != len(rows) {
		return errs.Invalid("ids", fmt.Sprintf("must list all %d %s (the page may be out of date: reload it)", len(rows), kind))
	}
	for _, id := range ids {
		if _, ok := have[id]; !ok {
			return errs.Invalid("ids", fmt.Sprintf("%d is not one of the %s (the page may be out of date: reload it)", id, kind))
		}
	}
	for i, id := range ids {
		if have[id].Position != i+1 {
			if err := s.setRulePosition(ctx, r, kind, id, i+1); err != nil {
				return err
			}
		}
	}
	if r.Header.Get("Accept") == "application/json" { // the drag script
		writeJSON(w, http.StatusOK, map[string]any{"ids": ids})
		return nil
	}
	seeOther(w, r, "/admin/rules?kind="+kind, "Order saved.")
	return nil
}

func (s *Server) setRulePosition(ctx context.Context, r *http.Request, kind string, id int64, pos int) error {
	a := actor(r)
	switch kind {
	case "triggers":
		v, err := s.Rules.GetTrigger(ctx, id)
		if err == nil {
			v.Position = pos
			_, err = s.Rules.UpdateTrigger(ctx, a, id, v)
		}
		return err
	case "automations":
		v, err := s.Rules.GetAutomation(ctx, id)
		if err == nil {
			v.Position = pos
			_, err = s.Rules.UpdateAutomation(ctx, a, id, v)
		}
		return err
	case "macros":
		v, err := s.Rules.GetMacro(ctx, id, nil)
		if err == nil {
			v.Position = pos
			_, err = s.Rules.UpdateMacro(ctx, a, id, v)
		}
		return err
	case "views":
		v, err := s.Rules.GetView(ctx, id, nil)
		if err == nil {
			v.Position = pos
			_, err = s.Rules.UpdateView(ctx, a, id, v)
		}
		return err
	}
	return errs.NotFound("rule kind")
}
