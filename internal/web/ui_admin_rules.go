package web

// Admin pages for the business rules (triggers, automations, macros, views,
// webhooks): lists in order with their state, switching a rule on or off,
// and adding, editing or deleting one as Zendesk JSON (validated by the
// rules store, so a bad condition is refused with its path and nothing is
// saved).

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
)

func (s *Server) registerAdminRulesUI() {
	if s.Rules == nil {
		return
	}
	s.handle("GET /admin/rules", Admin, s.adminRules)
	s.handle("POST /admin/rules/{kind}", Admin, s.adminCreateRule)
	s.handle("POST /admin/rules/{kind}/{id}/toggle", Admin, s.adminToggleRule)
	s.handle("POST /admin/rules/{kind}/{id}", Admin, s.adminUpdateRule)
	s.handle("POST /admin/rules/{kind}/{id}/delete", Admin, s.adminDeleteRule)
	s.registerRuleBuilderUI() // ui_admin_builder.go
}

// ruleRow is one rule as the admin list shows it.
type ruleRow struct {
	ID         int64
	Title      string
	Active     bool
	Position   int
	Conditions int
	Actions    int
	JSON       string
	EditError  string // a refused edit's problem (the form keeps the edited JSON)
}

var ruleKinds = []struct{ Key, Label, Singular string }{
	{"triggers", "Triggers", "trigger"},
	{"automations", "Automations", "automation"},
	{"macros", "Macros", "macro"},
	{"views", "Views", "view"},
	{"webhooks", "Webhooks", "webhook"},
}

func ruleKind(key string) (string, error) {
	for _, k := range ruleKinds {
		if k.Key == key {
			return k.Singular, nil
		}
	}
	return "", errs.NotFound("rule kind")
}

func indent(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func conds(c rules.Conditions) int { return len(c.All) + len(c.Any) }

func (s *Server) ruleRows(ctx context.Context, kind string) ([]ruleRow, []WebhookRow, error) {
	var out []ruleRow
	switch kind {
	case "triggers":
		ts, err := s.Rules.ListTriggers(ctx, false)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range ts {
			out = append(out, ruleRow{t.ID, t.Title, t.Active, t.Position, conds(t.Conditions), len(t.Actions), indent(t), ""})
		}
	case "automations":
		as, err := s.Rules.ListAutomations(ctx, false)
		if err != nil {
			return nil, nil, err
		}
		for _, a := range as {
			out = append(out, ruleRow{a.ID, a.Title, a.Active, a.Position, conds(a.Conditions), len(a.Actions), indent(a), ""})
		}
	case "macros":
		ms, err := s.Rules.ListMacros(ctx, false, nil)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range ms {
			out = append(out, ruleRow{m.ID, m.Title, m.Active, m.Position, 0, len(m.Actions), indent(m), ""})
		}
	case "views":
		vs, err := s.Rules.ListViews(ctx, false, nil)
		if err != nil {
			return nil, nil, err
		}
		for _, v := range vs {
			out = append(out, ruleRow{v.ID, v.Title, v.Active, v.Position, conds(v.Conditions), 0, indent(v), ""})
		}
	case "webhooks":
		ws, err := s.Rules.ListWebhooks(ctx)
		if err != nil {
			return nil, nil, err
		}
		var hooks []WebhookRow
		for _, w := range ws {
			hooks = append(hooks, WebhookRow{ID: w.ID, Name: w.Name, Endpoint: w.Endpoint, Method: w.HTTPMethod, Status: w.Status, JSON: indent(map[string]any{"webhook": w}),
				Subscriptions: strings.Join(w.Subscriptions, ", ")})
		}
		return nil, hooks, nil
	}
	return out, nil, nil
}

// WebhookRow is one webhook in the admin list (never its secret).
type WebhookRow struct {
	ID, Name, Endpoint, Method, Status, Subscriptions string
	JSON, EditError                                   string
}

func (s *Server) adminRules(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = "triggers"
	}
	return s.renderAdminRules(w, r, http.StatusOK, kind, "", "")
}

func (s *Server) renderAdminRules(w http.ResponseWriter, r *http.Request, status int, kind, src, problem string) error {
	return s.renderAdminRulesEdit(w, r, status, kind, src, problem, 0)
}

// renderAdminRulesEdit renders the list; editID, when set, is the rule whose
// edit failed: its form shows src and the problem.
func (s *Server) renderAdminRulesEdit(w http.ResponseWriter, r *http.Request, status int, kind, src, problem string, editID int64) error {
	return s.renderAdminRulesFull(w, r, status, kind, src, problem, editID, nil)
}

// renderAdminRulesWith renders the list with the builder as submitted
// (ui_admin_builder.go).
func (s *Server) renderAdminRulesWith(w http.ResponseWriter, r *http.Request, status int, kind, src, problem string, b *ruleBuilder) error {
	return s.renderAdminRulesFull(w, r, status, kind, src, problem, 0, b)
}

func (s *Server) renderAdminRulesFull(w http.ResponseWriter, r *http.Request, status int, kind, src, problem string, editID int64, b *ruleBuilder) error {
	singular, err := ruleKind(kind)
	if err != nil {
		return err
	}
	rows, hooks, err := s.ruleRows(r.Context(), kind)
	if err != nil {
		return err
	}
	for i := range rows {
		if rows[i].ID == editID {
			rows[i].JSON, rows[i].EditError = src, problem
			src, problem = "", ""
		}
	}
	for i := range hooks {
		if editID != 0 && hooks[i].ID == strconv.FormatInt(editID, 10) {
			hooks[i].JSON, hooks[i].EditError = src, problem
			src, problem = "", ""
		}
	}
	if b == nil && kind != "webhooks" {
		if b, err = s.newBuilder(r.Context(), kind, nil); err != nil {
			return err
		}
	}
	s.render(w, r, status, "admin_rules.html", map[string]any{
		"Title": "Business rules", "Section": "rules", "Kinds": ruleKinds, "Kind": kind, "Singular": singular,
		"Rules": rows, "Webhooks": hooks, "Source": src, "Error": problem, "Flash": flashOf(w, r), "Builder": b,
	})
	return nil
}

// decodeRuleJSON reads a rule from Zendesk JSON, with or without its envelope.
func decodeRuleJSON(src, singular string, dst any) error {
	var env map[string]json.RawMessage
	raw := json.RawMessage(src)
	if err := json.Unmarshal(raw, &env); err != nil {
		return errs.Invalid("json", "is not a JSON object: "+err.Error())
	}
	if inner, ok := env[singular]; ok {
		raw = inner
	}
	if err := checkJSONText(raw, ""); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return errs.Invalid("json", err.Error())
	}
	return nil
}

func (s *Server) adminCreateRule(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	singular, err := ruleKind(kind)
	if err != nil {
		return err
	}
	src := strings.TrimSpace(r.PostFormValue("json"))
	actor := actor(r)
	err = s.createRule(r.Context(), actor, kind, singular, src)
	if err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminRules(w, r, status, kind, src, msg)
		})
	}
	seeOther(w, r, "/admin/rules?kind="+kind, strings.ToUpper(singular[:1])+singular[1:]+" added.")
	return nil
}

func (s *Server) createRule(ctx context.Context, actor audit.Actor, kind, singular, src string) error {
	switch kind {
	case "triggers":
		var v rules.Trigger
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.CreateTrigger(ctx, actor, v)
		return err
	case "automations":
		var v rules.Automation
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.CreateAutomation(ctx, actor, v)
		return err
	case "macros":
		var v rules.Macro
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.CreateMacro(ctx, actor, v)
		return err
	case "views":
		var v rules.View
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.CreateView(ctx, actor, v)
		return err
	case "webhooks":
		var v rulestore.WebhookInput
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.CreateWebhook(ctx, actor, v)
		return err
	}
	return errs.BadRequest("%s are added through the API (/api/v2/%s)", kind, kind)
}

func (s *Server) adminToggleRule(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	kind := r.PathValue("kind")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFound("rule")
	}
	actor := actor(r)
	switch kind {
	case "triggers":
		v, err := s.Rules.GetTrigger(ctx, id)
		if err == nil {
			v.Active = !v.Active
			_, err = s.Rules.UpdateTrigger(ctx, actor, id, v)
		}
		if err != nil {
			return err
		}
	case "automations":
		v, err := s.Rules.GetAutomation(ctx, id)
		if err == nil {
			v.Active = !v.Active
			_, err = s.Rules.UpdateAutomation(ctx, actor, id, v)
		}
		if err != nil {
			return err
		}
	case "macros":
		v, err := s.Rules.GetMacro(ctx, id, nil)
		if err == nil {
			v.Active = !v.Active
			_, err = s.Rules.UpdateMacro(ctx, actor, id, v)
		}
		if err != nil {
			return err
		}
	case "views":
		v, err := s.Rules.GetView(ctx, id, nil)
		if err == nil {
			v.Active = !v.Active
			_, err = s.Rules.UpdateView(ctx, actor, id, v)
		}
		if err != nil {
			return err
		}
	default:
		return errs.NotFound("rule kind")
	}
	seeOther(w, r, "/admin/rules?kind="+kind, "Saved.")
	return nil
}

func ruleID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound("rule")
	}
	return id, nil
}

// adminUpdateRule replaces a rule with the edited Zendesk JSON.
func (s *Server) adminUpdateRule(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	singular, err := ruleKind(kind)
	if err != nil {
		return err
	}
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	src := strings.TrimSpace(r.PostFormValue("json"))
	actor := actor(r)
	if err := s.updateRule(r.Context(), actor, kind, singular, id, src); err != nil {
		return showProblem(err, func(status int, msg string) error {
			return s.renderAdminRulesEdit(w, r, status, kind, src, msg, id)
		})
	}
	seeOther(w, r, "/admin/rules?kind="+kind, "Saved.")
	return nil
}

func (s *Server) updateRule(ctx context.Context, actor audit.Actor, kind, singular string, id int64, src string) error {
	switch kind {
	case "triggers":
		var v rules.Trigger
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.UpdateTrigger(ctx, actor, id, v)
		return err
	case "automations":
		var v rules.Automation
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.UpdateAutomation(ctx, actor, id, v)
		return err
	case "macros":
		var v rules.Macro
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.UpdateMacro(ctx, actor, id, v)
		return err
	case "views":
		var v rules.View
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.UpdateView(ctx, actor, id, v)
		return err
	case "webhooks":
		var v rulestore.WebhookInput
		if err := decodeRuleJSON(src, singular, &v); err != nil {
			return err
		}
		_, err := s.Rules.UpdateWebhook(ctx, actor, id, v)
		return err
	}
	return errs.BadRequest("%s are changed through the API (/api/v2/%s)", kind, kind)
}

// adminDeleteRule deletes a rule.
func (s *Server) adminDeleteRule(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	if _, err := ruleKind(kind); err != nil {
		return err
	}
	id, err := ruleID(r)
	if err != nil {
		return err
	}
	ctx, actor := r.Context(), actor(r)
	switch kind {
	case "triggers":
		err = s.Rules.DeleteTrigger(ctx, actor, id)
	case "automations":
		err = s.Rules.DeleteAutomation(ctx, actor, id)
	case "macros":
		err = s.Rules.DeleteMacro(ctx, actor, id)
	case "views":
		err = s.Rules.DeleteView(ctx, actor, id)
	case "webhooks":
		err = s.Rules.DeleteWebhook(ctx, actor, id)
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/admin/rules?kind="+kind, "Deleted.")
	return nil
}
