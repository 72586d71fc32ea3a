package app

// frontline config export / import: the configuration of one instance
// (custom roles, business-hours schedules with holidays, webhooks without
// secrets, SLA policies, triggers, automations, shared macros and views)
// as one JSON document that another instance (staging -> production)
// imports. Objects are matched by name (title); ids that differ between
// instances are written as names ("@group:Support EMEA", "@user:a@b.c",
// "@org:Acme", "@schedule:EMEA hours", "@webhook:Slack"). An import shows
// what it would create and change first; with --apply it writes only when
// every reference resolves, in dependency order, as the system actor (each
// write audited and versioned like any configuration change).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/changecontrol"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/sla"
)

// ConfigFormat is the version of the exported document.
const ConfigFormat = 1

// ConfigDoc is an exported configuration.
type ConfigDoc struct {
	Format           int                         `json:"frontline_config"`
	FrontlineVersion string                      `json:"frontline_version"`
	ExportedAt       time.Time                   `json:"exported_at"`
	Objects          map[string][]map[string]any `json:"objects"`
}

// configKinds in the order an import applies them (what others refer to first).
var configKinds = []string{"custom_roles", "sla_schedules", "webhooks", "sla_policies", "triggers", "automations", "macros", "views"}

func nameKey(kind string) string {
	switch kind {
	case "custom_roles", "sla_schedules", "webhooks":
		return "name"
	}
	return "title"
}

// refs maps ids to portable names and back for one instance.
type refs struct {
	byID   map[string]map[string]string // kind -> id -> name
	byName map[string]map[string]string // kind -> name -> id
}

func (r *refs) add(kind, id, name string) {
	if r.byID == nil {
		r.byID, r.byName = map[string]map[string]string{}, map[string]map[string]string{}
	}
	if r.byID[kind] == nil {
		r.byID[kind], r.byName[kind] = map[string]string{}, map[string]string{}
	}
	r.byID[kind][id], r.byName[kind][name] = name, id
}

func (a *App) configRefs(ctx context.Context) (*refs, error) {
	r := &refs{}
	gs, err := a.People.ListGroups(ctx, people.GroupFilter{IncludeDeleted: false, Page: people.Page{Limit: 1000}})
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		r.add("group", strconv.FormatInt(g.ID, 10), g.Name)
	}
	for after := int64(0); ; { // every staff member and organization, page by page
		us, err := a.People.ListUsers(ctx, people.UserFilter{Roles: []string{people.RoleAgent, people.RoleAdmin}, Page: people.Page{AfterID: after, Limit: 1000}})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			r.add("user", strconv.FormatInt(u.ID, 10), u.Email)
			after = u.ID
		}
		if len(us) < 1000 {
			break
		}
	}
	for after := int64(0); ; {
		os, err := a.People.ListOrganizations(ctx, people.OrgFilter{Page: people.Page{AfterID: after, Limit: 1000}})
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			r.add("org", strconv.FormatInt(o.ID, 10), o.Name)
			after = o.ID
		}
		if len(os) < 1000 {
			break
		}
	}
	ss, err := a.SLA.Store.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		r.add("schedule", strconv.FormatInt(s.ID, 10), s.Name)
	}
	whs, err := a.Rules.ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range whs {
		r.add("webhook", w.ID, w.Name)
	}
	return r, nil
}

// refFields says what the value of a condition or action field refers to;
// for notification actions, the first element of the value array.
var refFields = map[string]string{
	"group_id": "group", "assignee_id": "user", "requester_id": "user", "submitter_id": "user",
	"organization_id": "org", "schedule_id": "schedule", "notification_webhook": "webhook",
	"notification_group": "group", "notification_user": "user",
}

// portable rewrites ids in v as names (export) when toNames, or names as
// this instance's ids (import); unresolved names are collected.
func (r *refs) rewrite(v any, toNames bool, missing map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		if f, ok := x["field"].(string); ok {
			if kind, ok := refFields[f]; ok {
				if arr, isArr := x["value"].([]any); isArr && len(arr) > 0 {
					arr[0] = r.one(kind, arr[0], toNames, missing)
				} else {
					x["value"] = r.one(kind, x["value"], toNames, missing)
				}
			}
		}
		if res, ok := x["restriction"].(map[string]any); ok && res["type"] == "Group" {
			x["restriction"] = r.restriction(res, toNames, missing)
		}
		for k, e := range x {
			if k != "restriction" {
				x[k] = r.rewrite(e, toNames, missing)
			}
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = r.rewrite(e, toNames, missing)
		}
		return x
	}
	return v
}

func (r *refs) restriction(res map[string]any, toNames bool, missing map[string]bool) map[string]any {
	if toNames {
		var names []any
		ids, _ := res["ids"].([]any)
		if len(ids) == 0 && res["id"] != nil {
			ids = []any{res["id"]}
		}
		for _, id := range ids {
			names = append(names, r.one("group", id, true, missing))
		}
		return map[string]any{"type": "Group", "groups": names}
	}
	var ids []any
	names, _ := res["groups"].([]any)
	for _, n := range names {
		ids = append(ids, r.one("group", n, false, missing))
	}
	out := map[string]any{"type": "Group", "ids": ids}
	if len(ids) > 0 {
		out["id"] = ids[0]
	}
	return out
}

// one rewrites a single reference. Numbers stay numbers ("@group#:Name").
func (r *refs) one(kind string, v any, toNames bool, missing map[string]bool) any {
	if toNames {
		var id string
		num := false
		switch x := v.(type) {
		case float64:
			id, num = strconv.FormatInt(int64(x), 10), true
		case string:
			id = x
		default:
			return v
		}
		name, ok := r.byID[kind][id]
		if !ok {
			return v // a placeholder ("current_user", "requester_id") or not an id
		}
		if num {
			return "@" + kind + "#:" + name
		}
		return "@" + kind + ":" + name
	}
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "@"+kind) {
		return v
	}
	rest := strings.TrimPrefix(s, "@"+kind)
	num := strings.HasPrefix(rest, "#:")
	name := strings.TrimPrefix(strings.TrimPrefix(rest, "#"), ":")
	id, ok := r.byName[kind][name]
	if !ok {
		missing[kind+" "+strconv.Quote(name)] = true
		return v
	}
	if num {
		n, _ := strconv.ParseInt(id, 10, 64)
		return float64(n)
	}
	return id
}

// configObjects reads this instance's configuration as JSON objects with
// their ids (shared macros and views only).
func (a *App) configObjects(ctx context.Context) (map[string][]cfgObj, error) {
	out := map[string][]cfgObj{}
	add := func(kind string, id int64, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for _, k := range []string{"id", "url", "created_at", "updated_at", "team_member_count", "permissions"} {
			delete(m, k)
		}
		out[kind] = append(out[kind], cfgObj{id: id, doc: m})
		return nil
	}
	roles, err := a.Access.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if err := add("custom_roles", r.ID, r); err != nil {
			return nil, err
		}
	}
	ss, err := a.SLA.Store.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		for i := range s.Holidays {
			s.Holidays[i].ID = 0
		}
		if err := add("sla_schedules", s.ID, s); err != nil {
			return nil, err
		}
	}
	whs, err := a.Rules.ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range whs {
		id, _ := strconv.ParseInt(w.ID, 10, 64)
		if err := add("webhooks", id, w); err != nil {
			return nil, err
		}
	}
	ps, err := a.SLA.Store.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if err := add("sla_policies", p.ID, p); err != nil {
			return nil, err
		}
	}
	ts, err := a.Rules.ListTriggers(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if err := add("triggers", t.ID, t); err != nil {
			return nil, err
		}
	}
	as, err := a.Rules.ListAutomations(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if err := add("automations", x.ID, x); err != nil {
			return nil, err
		}
	}
	ms, err := a.Rules.ListMacros(ctx, false, nil)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if r, ok := m.Restriction.(map[string]any); ok && r["type"] == "User" {
			continue // personal
		}
		if err := add("macros", m.ID, m); err != nil {
			return nil, err
		}
	}
	vs, err := a.Rules.ListViews(ctx, false, nil)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Restriction != nil && v.Restriction.Type == "User" {
			continue
		}
		if err := add("views", v.ID, v); err != nil {
			return nil, err
		}
	}
	for k := range out {
		sort.SliceStable(out[k], func(i, j int) bool {
			return fmt.Sprint(out[k][i].doc[nameKey(k)]) < fmt.Sprint(out[k][j].doc[nameKey(k)])
		})
	}
	return out, nil
}

type cfgObj struct {
	id  int64
	doc map[string]any
}

// ExportConfig writes this instance's configuration with portable references.
func (a *App) ExportConfig(ctx context.Context) (*ConfigDoc, error) {
	r, err := a.configRefs(ctx)
	if err != nil {
		return nil, err
	}
	objs, err := a.configObjects(ctx)
	if err != nil {
		return nil, err
	}
	doc := &ConfigDoc{Format: ConfigFormat, FrontlineVersion: Version(), ExportedAt: a.Clock.Now().UTC(), Objects: map[string][]map[string]any{}}
	for _, k := range configKinds {
		doc.Objects[k] = []map[string]any{}
		for _, o := range objs[k] {
			doc.Objects[k] = append(doc.Objects[k], r.rewrite(o.doc, true, nil).(map[string]any))
		}
	}
	return doc, nil
}

// ConfigStep is one object of an import: what it does.
type ConfigStep struct {
	Kind, Name string
	Action     string // create | update | unchanged
	Diff       []changecontrol.DiffEntry
}

// ConfigPlan is what an import would do, and what stops it.
type ConfigPlan struct {
	Steps   []ConfigStep
	Missing []string // references that resolve neither here nor in the file
	Only    []string // objects here that the file does not have (left alone)
}

// PlanConfig compares doc with this instance.
func (a *App) PlanConfig(ctx context.Context, doc *ConfigDoc) (*ConfigPlan, error) {
	if doc.Format != ConfigFormat {
		return nil, fmt.Errorf("the file has configuration format %d; this Frontline reads format %d", doc.Format, ConfigFormat)
	}
	for k := range doc.Objects {
		if !containsKind(k) {
			return nil, fmt.Errorf("the file has objects of an unknown kind %q (known: %s)", k, strings.Join(configKinds, ", "))
		}
	}
	here, err := a.ExportConfig(ctx)
	if err != nil {
		return nil, err
	}
	r, err := a.configRefs(ctx)
	if err != nil {
		return nil, err
	}
	plan := &ConfigPlan{}
	missing := map[string]bool{}
	// Names the file itself will create resolve too.
	for _, k := range []struct{ kind, ref string }{{"sla_schedules", "schedule"}, {"webhooks", "webhook"}} {
		for _, o := range doc.Objects[k.kind] {
			name := fmt.Sprint(o[nameKey(k.kind)])
			if _, ok := r.byName[k.ref][name]; !ok {
				r.add(k.ref, "pending:"+name, name)
			}
		}
	}
	for _, k := range configKinds {
		cur := map[string]map[string]any{}
		for _, o := range here.Objects[k] {
			cur[fmt.Sprint(o[nameKey(k)])] = o
		}
		seen := map[string]bool{}
		for i, o := range doc.Objects[k] {
			name, _ := o[nameKey(k)].(string)
			if strings.TrimSpace(name) == "" {
				return nil, fmt.Errorf("%s[%d] has no %s", k, i, nameKey(k))
			}
			if seen[name] {
				return nil, fmt.Errorf("%s %q appears twice in the file", k, name)
			}
			seen[name] = true
			b, _ := json.Marshal(o)
			var probe any
			_ = json.Unmarshal(b, &probe)
			r.rewrite(probe, false, missing)
			step := ConfigStep{Kind: k, Name: name, Action: "create"}
			if c, ok := cur[name]; ok {
				before, _ := json.Marshal(c)
				d, err := changecontrol.Diff(before, b)
				if err != nil {
					return nil, err
				}
				step.Action, step.Diff = "update", d
				if len(d) == 0 {
					step.Action = "unchanged"
				}
			}
			plan.Steps = append(plan.Steps, step)
		}
		for name := range cur {
			if !seen[name] {
				plan.Only = append(plan.Only, k+" "+strconv.Quote(name))
			}
		}
	}
	for m := range missing {
		plan.Missing = append(plan.Missing, m)
	}
	sort.Strings(plan.Missing)
	sort.Strings(plan.Only)
	return plan, nil
}

func containsKind(k string) bool {
	for _, c := range configKinds {
		if c == k {
			return true
		}
	}
	return false
}

// ApplyConfig imports doc: refused as a whole when a reference does not
// resolve; otherwise each kind in order (references to objects created
// earlier in the import resolve). It returns the plan it carried out.
func (a *App) ApplyConfig(ctx context.Context, doc *ConfigDoc) (*ConfigPlan, error) {
	plan, err := a.PlanConfig(ctx, doc)
	if err != nil {
		return nil, err
	}
	if len(plan.Missing) > 0 {
		return plan, fmt.Errorf("nothing imported: %d references do not exist here: %s", len(plan.Missing), strings.Join(plan.Missing, ", "))
	}
	actor := audit.Actor{Role: "system", IP: "config import"}
	for _, k := range configKinds {
		r, err := a.configRefs(ctx) // ids created by the kinds before
		if err != nil {
			return plan, err
		}
		objs, err := a.configObjects(ctx)
		if err != nil {
			return plan, err
		}
		ids := map[string]int64{}
		for _, o := range objs[k] {
			ids[fmt.Sprint(o.doc[nameKey(k)])] = o.id
		}
		for _, o := range doc.Objects[k] {
			name := fmt.Sprint(o[nameKey(k)])
			b, _ := json.Marshal(o)
			var local any
			_ = json.Unmarshal(b, &local)
			missing := map[string]bool{}
			body, _ := json.Marshal(r.rewrite(local, false, missing))
			if len(missing) > 0 {
				return plan, fmt.Errorf("%s %q: unresolved references %v", k, name, missing)
			}
			if err := a.applyConfigObject(ctx, actor, k, ids[name], body); err != nil {
				return plan, fmt.Errorf("%s %q: %w (the kinds before it were imported)", k, name, err)
			}
		}
	}
	return plan, nil
}

// applyConfigObject creates (id 0) or updates one object from its JSON.
func (a *App) applyConfigObject(ctx context.Context, actor audit.Actor, kind string, id int64, body []byte) error {
	switch kind {
	case "custom_roles":
		var in access.RoleInput
		if err := json.Unmarshal(body, &in); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Access.CreateRole(ctx, actor, in)
			return err
		}
		_, err := a.Access.UpdateRole(ctx, actor, id, in)
		return err
	case "sla_schedules":
		var s sla.Schedule
		if err := json.Unmarshal(body, &s); err != nil {
			return err
		}
		holidays := s.Holidays
		if id == 0 {
			s.Holidays = nil
			created, err := a.SLA.Store.CreateSchedule(ctx, actor, s)
			if err != nil {
				return err
			}
			id = created.ID
		} else if _, err := a.SLA.Store.UpdateSchedule(ctx, actor, id, sla.ScheduleInput{Name: &s.Name, TimeZone: &s.TimeZone, Intervals: &s.Intervals}); err != nil {
			return err
		}
		cur, err := a.SLA.Store.GetSchedule(ctx, id)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, h := range cur.Holidays {
			have[h.Name+"|"+h.StartDate+"|"+h.EndDate] = true
		}
		for _, h := range holidays {
			if !have[h.Name+"|"+h.StartDate+"|"+h.EndDate] {
				h.ID = 0
				if _, err := a.SLA.Store.CreateHoliday(ctx, actor, id, h); err != nil {
					return fmt.Errorf("holiday %q: %w", h.Name, err)
				}
			}
		}
		return nil
	case "webhooks":
		var in rulestore.WebhookInput
		if err := json.Unmarshal(body, &in); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Rules.CreateWebhook(ctx, actor, in)
			return err
		}
		_, err := a.Rules.UpdateWebhook(ctx, actor, id, in)
		return err
	case "sla_policies":
		var p sla.Policy
		if err := json.Unmarshal(body, &p); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.SLA.Store.CreatePolicy(ctx, actor, p)
			return err
		}
		_, err := a.SLA.Store.UpdatePolicy(ctx, actor, id, sla.PolicyInput{Title: &p.Title, Description: &p.Description, Position: &p.Position,
			Filter: &p.Filter, PolicyMetrics: &p.PolicyMetrics})
		return err
	case "triggers":
		var t rules.Trigger
		if err := json.Unmarshal(body, &t); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Rules.CreateTrigger(ctx, actor, t)
			return err
		}
		_, err := a.Rules.UpdateTrigger(ctx, actor, id, t)
		return err
	case "automations":
		var t rules.Automation
		if err := json.Unmarshal(body, &t); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Rules.CreateAutomation(ctx, actor, t)
			return err
		}
		_, err := a.Rules.UpdateAutomation(ctx, actor, id, t)
		return err
	case "macros":
		var m rules.Macro
		if err := json.Unmarshal(body, &m); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Rules.CreateMacro(ctx, actor, m)
			return err
		}
		_, err := a.Rules.UpdateMacro(ctx, actor, id, m)
		return err
	case "views":
		var v rules.View
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		if id == 0 {
			_, err := a.Rules.CreateView(ctx, actor, v)
			return err
		}
		_, err := a.Rules.UpdateView(ctx, actor, id, v)
		return err
	}
	return fmt.Errorf("unknown kind %q", kind)
}

// WritePlan prints a plan for people.
func WritePlan(w io.Writer, p *ConfigPlan) {
	counts := map[string]int{}
	for _, s := range p.Steps {
		counts[s.Action]++
		switch s.Action {
		case "create":
			fmt.Fprintf(w, "+ create %s %q\n", strings.TrimSuffix(s.Kind, "s"), s.Name)
		case "update":
			var paths []string
			for _, d := range s.Diff {
				paths = append(paths, d.Path)
			}
			fmt.Fprintf(w, "~ update %s %q: %s\n", strings.TrimSuffix(s.Kind, "s"), s.Name, strings.Join(paths, ", "))
		}
	}
	for _, o := range p.Only {
		fmt.Fprintf(w, "  only here (left alone): %s\n", o)
	}
	for _, m := range p.Missing {
		fmt.Fprintf(w, "! missing here: %s\n", m)
	}
	fmt.Fprintf(w, "%d to create, %d to update, %d unchanged, %d only here, %d missing references\n",
		counts["create"], counts["update"], counts["unchanged"], len(p.Only), len(p.Missing))
}
