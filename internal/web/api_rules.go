package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/tags"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/ticket"
)

// Business rules API (Zendesk shapes): triggers and automations (staff
// read, admin write), macros and views (staff; agents may only create and
// change their own personal ones, restricted to {"type": "User", "id": me}),
// view execution and counts, macro previews, and webhooks with their
// signing secret and delivery log (admin only). Rule bodies are validated
// by package rules: a bad condition is a 422 naming it
// ("conditions.all[1].operator") and nothing is stored.

func (s *Server) registerRulesAPI() {
	if s.Rules == nil {
		return
	}
	adminRuleAPI[rules.Trigger]{key: "trigger", plural: "triggers", kind: rulestore.KindTrigger, facts: triggerFacts,
		list: s.Rules.ListTriggers, get: s.Rules.GetTrigger, create: s.Rules.CreateTrigger,
		update: s.Rules.UpdateTrigger, del: s.Rules.DeleteTrigger, id: func(t rules.Trigger) int64 { return t.ID }}.register(s)

	adminRuleAPI[rules.Automation]{key: "automation", plural: "automations", kind: rulestore.KindAutomation, facts: automationFacts,
		list: s.Rules.ListAutomations, get: s.Rules.GetAutomation, create: s.Rules.CreateAutomation,
		update: s.Rules.UpdateAutomation, del: s.Rules.DeleteAutomation, id: func(a rules.Automation) int64 { return a.ID }}.register(s)

	macros, views, webhooks := s.macroAPI(), s.viewAPI(), s.webhookAPI()
	s.handle("GET /api/v2/macros", Staff, macros.listRules)
	s.handle("GET /api/v2/macros/active", Staff, macros.listRules)
	s.handle("GET /api/v2/macros/{id}", Staff, macros.showRule)
	s.handle("POST /api/v2/macros", Staff, macros.createRule)
	s.handle("PUT /api/v2/macros/{id}", Staff, macros.updateRule)
	s.handle("DELETE /api/v2/macros/{id}", Staff, macros.deleteRule)
	s.handle("GET /api/v2/tickets/{ticket_id}/macros/{id}/apply", Staff, s.apiApplyMacro)

	s.handle("GET /api/v2/views", Staff, views.listRules)
	s.handle("GET /api/v2/views/active", Staff, views.listRules)
	s.handle("GET /api/v2/views/count_many", Staff, s.apiCountManyViews)
	s.handle("GET /api/v2/views/{id}", Staff, views.showRule)
	s.handle("POST /api/v2/views", Staff, views.createRule)
	s.handle("PUT /api/v2/views/{id}", Staff, views.updateRule)
	s.handle("DELETE /api/v2/views/{id}", Staff, views.deleteRule)
	s.handle("GET /api/v2/views/{id}/tickets", Staff, s.apiViewTickets)
	s.handle("GET /api/v2/views/{id}/execute", Staff, s.apiExecuteView)
	s.handle("GET /api/v2/views/{id}/count", Staff, s.apiCountView)

	s.handle("GET /api/v2/webhooks", Admin, s.apiListWebhooks)
	s.handle("GET /api/v2/webhooks/{id}", Admin, webhooks.show)
	s.handle("POST /api/v2/webhooks", Admin, webhooks.createOne)
	s.handle("PUT /api/v2/webhooks/{id}", Admin, webhooks.updateOne)
	s.handle("PATCH /api/v2/webhooks/{id}", Admin, webhooks.updateOne)
	s.handle("DELETE /api/v2/webhooks/{id}", Admin, webhooks.deleteOne)
	s.handle("GET /api/v2/webhooks/{id}/signing_secret", Admin, s.apiWebhookSecret)
	s.handle("GET /api/v2/webhooks/{id}/invocations", Admin, s.apiWebhookInvocations)
}

// --- request bodies ----------------------------------------------------------------

// ruleBody reads a rule envelope as raw fields, so that creates can fill
// defaults and updates can merge with the stored rule (Zendesk's PUT takes
// partial rules).
func ruleBody(r *http.Request, key string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := decodeBody(r, key, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeRule turns merged raw fields into a rule.
func decodeRule[T any](m map[string]json.RawMessage, key string) (T, error) {
	var v T
	b, err := json.Marshal(m)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, jsonError(err, key)
	}
	return v, nil
}

// mergeRule overlays the request's fields on the stored rule. For views the
// request form ("all"/"any", "output") replaces the stored "conditions" /
// "execution".
func mergeRule(stored any, req map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	var base map[string]json.RawMessage
	if err := json.Unmarshal(b, &base); err != nil {
		return nil, err
	}
	if _, ok := req["all"]; ok {
		delete(base, "conditions")
	}
	if _, ok := req["any"]; ok {
		delete(base, "conditions")
	}
	if _, ok := req["output"]; ok {
		delete(base, "execution")
	}
	for k, v := range req {
		base[k] = v
	}
	return base, nil
}

func (s *Server) createDefaults(r *http.Request, m map[string]json.RawMessage, kind rulestore.Kind) error {
	if _, ok := m["active"]; !ok {
		m["active"] = json.RawMessage("true")
	}
	if p, ok := m["position"]; !ok || string(p) == "null" {
		n, err := s.Rules.NextPosition(r.Context(), kind)
		if err != nil {
			return err
		}
		m["position"] = json.RawMessage(strconv.Itoa(n))
	}
	return nil
}

// ruleFields checks a rule body's raw fields before it is decoded; nil
// checks nothing.
type ruleFields func(m map[string]json.RawMessage) error

// ruleForCreate reads a new rule: the request's fields, checked, with
// Zendesk's defaults (active, the next position) for the fields not given.
func ruleForCreate[T any](s *Server, r *http.Request, key string, kind rulestore.Kind, check ruleFields) (T, error) {
	var zero T
	m, err := ruleBody(r, key)
	if err != nil {
		return zero, err
	}
	if check != nil {
		if err := check(m); err != nil {
			return zero, err
		}
	}
	if err := s.createDefaults(r, m, kind); err != nil {
		return zero, err
	}
	return decodeRule[T](m, key)
}

// ruleForUpdate reads a rule update: the request's fields over the stored
// rule cur, checked.
func ruleForUpdate[T any](r *http.Request, key string, cur T, check ruleFields) (T, error) {
	var zero T
	m, err := ruleBody(r, key)
	if err != nil {
		return zero, err
	}
	if m, err = mergeRule(cur, m); err != nil {
		return zero, err
	}
	if check != nil {
		if err := check(m); err != nil {
			return zero, err
		}
	}
	return decodeRule[T](m, key)
}

// --- paging of rule lists (small, ordered by position) ---------------------------

// pageRules pages an ordered list; a cursor names the last item's id.
func pageRules[T any](s *Server, r *http.Request, key string, all []T, idOf func(T) int64) (map[string]any, error) {
	p, err := parsePage(r)
	if err != nil {
		return nil, err
	}
	if p.cursor {
		start := 0
		if p.afterID > 0 {
			i := slices.IndexFunc(all, func(x T) bool { return idOf(x) == p.afterID })
			if i < 0 {
				return nil, errs.BadRequest("page[after]: invalid cursor")
			}
			start = i + 1
		}
		return listBody(s, r, key, p, all[start:min(len(all), start+p.size+1)], idOf, nil)
	}
	lo := min(len(all), (p.page-1)*p.perPage)
	hi := min(len(all), lo+p.perPage)
	return listBody(s, r, key, p, all[lo:hi], idOf, func() (int, error) { return len(all), nil })
}

// ruleFacts are what rule lists filter and sort on.
type ruleFacts struct {
	id               int64
	title            string
	active           bool
	position         int
	created, updated time.Time
	restriction      *rules.Restriction // nil: everyone (macros and views)
}

func triggerFacts(t rules.Trigger) ruleFacts {
	return ruleFacts{t.ID, t.Title, t.Active, t.Position, t.CreatedAt, t.UpdatedAt, nil}
}

func automationFacts(a rules.Automation) ruleFacts {
	return ruleFacts{a.ID, a.Title, a.Active, a.Position, a.CreatedAt, a.UpdatedAt, nil}
}

func macroFacts(m rules.Macro) ruleFacts {
	return ruleFacts{m.ID, m.Title, m.Active, m.Position, m.CreatedAt, m.UpdatedAt, restrictionOf(m.Restriction)}
}

func viewFacts(v rules.View) ruleFacts {
	return ruleFacts{v.ID, v.Title, v.Active, v.Position, v.CreatedAt, v.UpdatedAt, v.Restriction}
}

// restrictionOf reads a macro's decoded restriction.
func restrictionOf(v any) *rules.Restriction {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var rr rules.Restriction
	if json.Unmarshal(b, &rr) != nil || rr.Type == "" {
		return nil
	}
	return &rr
}

// ruleSorts are the sort_by values of rule lists (Zendesk's usage_* sorts
// need usage counts, which Frontline does not keep).
var ruleSorts = []string{"alphabetical", "created_at", "updated_at", "position"}

// activeOnly reads the active filter: the /active routes list active rules;
// elsewhere active=true lists active ones and active=false inactive ones.
func activeFilter(r *http.Request) (only *bool, err error) {
	if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, ".json"), "/active") {
		t := true
		return &t, nil
	}
	v, ok := first(r.URL.Query(), "active")
	if !ok {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, errs.BadRequest("active: must be true or false, not %q", v)
	}
	return &b, nil
}

// filterRules applies a rule list's query: active, access (personal,
// shared, account) and group_id (macros and views), sort_by and
// sort_order. all is in position order.
func filterRules[T any](r *http.Request, all []T, facts func(T) ruleFacts) ([]T, error) {
	q := r.URL.Query()
	active, err := activeFilter(r)
	if err != nil {
		return nil, err
	}
	access, hasAccess := first(q, "access")
	switch access {
	case "", "personal", "shared", "account":
	default:
		return nil, errs.BadRequest("access: must be personal, shared or account, not %q", access)
	}
	var group int64
	if v, ok := first(q, "group_id"); ok {
		if group, err = strconv.ParseInt(v, 10, 64); err != nil || group <= 0 {
			return nil, errs.BadRequest("group_id: must be a group id, not %q", v)
		}
	}
	out := make([]T, 0, len(all))
	for _, x := range all {
		f := facts(x)
		rt := ""
		if f.restriction != nil {
			rt = f.restriction.Type
		}
		switch {
		case active != nil && f.active != *active:
		case hasAccess && access == "personal" && rt != "User":
		case hasAccess && access == "shared" && rt != "Group":
		case hasAccess && access == "account" && rt != "":
		case group != 0 && (rt != "Group" || (f.restriction.ID != group && !slices.Contains(f.restriction.IDs, group))):
		default:
			out = append(out, x)
		}
	}
	by, desc := q.Get("sort_by"), q.Get("sort_order") == "desc"
	if by == "" && !desc {
		return out, nil // position order, as stored
	}
	cmp := func(a, b ruleFacts) int {
		switch by {
		case "alphabetical":
			if c := strings.Compare(strings.ToLower(a.title), strings.ToLower(b.title)); c != 0 {
				return c
			}
		case "created_at":
			if c := a.created.Compare(b.created); c != 0 {
				return c
			}
		case "updated_at":
			if c := a.updated.Compare(b.updated); c != 0 {
				return c
			}
		default: // position
			if a.position != b.position {
				return a.position - b.position
			}
		}
		return int(a.id - b.id)
	}
	slices.SortStableFunc(out, func(a, b T) int {
		c := cmp(facts(a), facts(b))
		if desc {
			return -c
		}
		return c
	})
	return out, nil
}

// --- triggers and automations ---------------------------------------------------

// adminRuleAPI serves one kind of rule that staff read and admins write
// (triggers, automations) in Zendesk's shapes.
type adminRuleAPI[T any] struct {
	key, plural string // envelope keys: "trigger", "triggers"
	kind        rulestore.Kind
	facts       func(T) ruleFacts
	list        func(ctx context.Context, activeOnly bool) ([]T, error)
	get         func(ctx context.Context, id int64) (T, error)
	create      func(ctx context.Context, a audit.Actor, v T) (T, error)
	update      func(ctx context.Context, a audit.Actor, id int64, v T) (T, error)
	del         func(ctx context.Context, a audit.Actor, id int64) error
	id          func(T) int64
}

func (k adminRuleAPI[T]) register(s *Server) {
	base := "/api/v2/" + k.plural
	s.handle("GET "+base, Staff, k.listHandler(s))
	s.handle("GET "+base+"/active", Staff, k.listHandler(s))
	s.handle("GET "+base+"/{id}", Staff, k.showHandler())
	s.handle("POST "+base, Admin, k.createHandler(s))
	s.handle("PUT "+base+"/{id}", Admin, k.updateHandler())
	s.handle("DELETE "+base+"/{id}", Admin, k.deleteHandler())
}

func (k adminRuleAPI[T]) listHandler(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		all, err := k.list(r.Context(), false)
		if err != nil {
			return err
		}
		if all, err = filterRules(r, all, k.facts); err != nil {
			return err
		}
		body, err := pageRules(s, r, k.plural, all, k.id)
		return writeBody(w, body, err)
	}
}

func (k adminRuleAPI[T]) showHandler() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", k.key)
		if err != nil {
			return err
		}
		v, err := k.get(r.Context(), id)
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, k.key, v)
	}
}

func (k adminRuleAPI[T]) createHandler(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := ruleForCreate[T](s, r, k.key, k.kind, nil)
		if err != nil {
			return err
		}
		out, err := k.create(r.Context(), actor(r), v)
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusCreated, k.key, out)
	}
}

func (k adminRuleAPI[T]) updateHandler() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", k.key)
		if err != nil {
			return err
		}
		cur, err := k.get(r.Context(), id)
		if err != nil {
			return err
		}
		v, err := ruleForUpdate(r, k.key, cur, nil)
		if err != nil {
			return err
		}
		out, err := k.update(r.Context(), actor(r), id, v)
		if err != nil {
			return err
		}
		return writeRecord(w, http.StatusOK, k.key, out)
	}
}

func (k adminRuleAPI[T]) deleteHandler() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", k.key)
		if err != nil {
			return err
		}
		if err := k.del(r.Context(), actor(r), id); err != nil {
			return err
		}
		return writeNoContent(w)
	}
}

// --- ownership of macros and views -----------------------------------------------

func (s *Server) viewer(r *http.Request) (*rulestore.Viewer, error) {
	p := PrincipalFrom(r.Context())
	return s.Rules.ViewerFor(r.Context(), p.UserID, p.IsAdmin())
}

// personal reports whether a restriction is exactly the caller's own.
func personal(restr any, userID int64) bool {
	b, err := json.Marshal(restr)
	if err != nil {
		return false
	}
	var rr rules.Restriction
	if json.Unmarshal(b, &rr) != nil {
		return false
	}
	ids := rr.IDs
	if rr.ID != 0 {
		ids = append(ids, rr.ID)
	}
	return rr.Type == "User" && len(ids) > 0 && !slices.ContainsFunc(ids, func(id int64) bool { return id != userID })
}

// ownRestriction makes an agent's new macro or view personal when it names
// no restriction, and refuses shared or other people's ones.
func ownRestriction(p *auth.Principal, m map[string]json.RawMessage) error {
	if p.IsAdmin() {
		return nil
	}
	raw, ok := m["restriction"]
	if !ok || string(raw) == "null" {
		m["restriction"] = json.RawMessage(`{"type": "User", "id": ` + strconv.FormatInt(p.UserID, 10) + `}`)
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil || !personal(v, p.UserID) {
		return errs.Forbidden("agents may only create personal rules (restriction {\"type\": \"User\", \"id\": your id})")
	}
	return nil
}

// --- macros and views ---------------------------------------------------------------

// personalRuleAPI serves one kind of rule that staff use and may keep
// personal (macros, views): callers see the rules their viewer allows;
// agents create and change only their personal ones, admins any.
type personalRuleAPI[T any] struct {
	s           *Server
	key, plural string // envelope keys: "macro", "macros"
	kind        rulestore.Kind
	shared      string // what only admins change: "shared macros"
	list        func(ctx context.Context, activeOnly bool, v *rulestore.Viewer) ([]T, error)
	get         func(ctx context.Context, id int64, v *rulestore.Viewer) (T, error)
	create      func(ctx context.Context, a audit.Actor, v T) (T, error)
	update      func(ctx context.Context, a audit.Actor, id int64, v T) (T, error)
	del         func(ctx context.Context, a audit.Actor, id int64) error
	id          func(T) int64
	restriction func(T) any
	facts       func(T) ruleFacts
}

func (s *Server) macroAPI() personalRuleAPI[rules.Macro] {
	return personalRuleAPI[rules.Macro]{s: s, key: "macro", plural: "macros", kind: rulestore.KindMacro, shared: "shared macros",
		list: s.Rules.ListMacros, get: s.Rules.GetMacro, create: s.Rules.CreateMacro, update: s.Rules.UpdateMacro, del: s.Rules.DeleteMacro,
		id: func(m rules.Macro) int64 { return m.ID }, restriction: func(m rules.Macro) any { return m.Restriction }, facts: macroFacts}
}

func (s *Server) viewAPI() personalRuleAPI[rules.View] {
	return personalRuleAPI[rules.View]{s: s, key: "view", plural: "views", kind: rulestore.KindView, shared: "shared and group views",
		list: s.Rules.ListViews, get: s.Rules.GetView, create: s.Rules.CreateView, update: s.Rules.UpdateView, del: s.Rules.DeleteView,
		id: func(v rules.View) int64 { return v.ID }, restriction: func(v rules.View) any { return v.Restriction }, facts: viewFacts}
}

func (k personalRuleAPI[T]) listRules(w http.ResponseWriter, r *http.Request) error {
	v, err := k.s.viewer(r)
	if err != nil {
		return err
	}
	all, err := k.list(r.Context(), false, v)
	if err != nil {
		return err
	}
	if all, err = filterRules(r, all, k.facts); err != nil {
		return err
	}
	body, err := pageRules(k.s, r, k.plural, all, k.id)
	return writeBody(w, body, err)
}

// visible reads the {id} rule when the caller may see it.
func (k personalRuleAPI[T]) visible(r *http.Request) (int64, T, error) {
	var zero T
	id, err := pathID(r, "id", k.key)
	if err != nil {
		return 0, zero, err
	}
	v, err := k.s.viewer(r)
	if err != nil {
		return 0, zero, err
	}
	cur, err := k.get(r.Context(), id, v)
	return id, cur, err
}

// owned reads the {id} rule to change (verb) it: agents may only change
// their personal ones.
func (k personalRuleAPI[T]) owned(r *http.Request, verb string) (int64, T, error) {
	id, cur, err := k.visible(r)
	if err != nil {
		return id, cur, err
	}
	if p := PrincipalFrom(r.Context()); !p.IsAdmin() && !personal(k.restriction(cur), p.UserID) {
		return id, cur, errs.Forbidden("only admins %s %s", verb, k.shared)
	}
	return id, cur, nil
}

func (k personalRuleAPI[T]) showRule(w http.ResponseWriter, r *http.Request) error {
	_, v, err := k.visible(r)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, k.key, v)
}

func (k personalRuleAPI[T]) createRule(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	v, err := ruleForCreate[T](k.s, r, k.key, k.kind, func(m map[string]json.RawMessage) error { return ownRestriction(p, m) })
	if err != nil {
		return err
	}
	out, err := k.create(r.Context(), p.Actor(clientIP(r)), v)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, k.key, out)
}

func (k personalRuleAPI[T]) updateRule(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, cur, err := k.owned(r, "change")
	if err != nil {
		return err
	}
	v, err := ruleForUpdate(r, k.key, cur, func(m map[string]json.RawMessage) error { return ownRestriction(p, m) })
	if err != nil {
		return err
	}
	out, err := k.update(r.Context(), p.Actor(clientIP(r)), id, v)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, k.key, out)
}

func (k personalRuleAPI[T]) deleteRule(w http.ResponseWriter, r *http.Request) error {
	id, _, err := k.owned(r, "delete")
	if err != nil {
		return err
	}
	if err := k.del(r.Context(), actor(r), id); err != nil {
		return err
	}
	return writeNoContent(w)
}

// macroApplyJSON is Zendesk's apply result: the ticket as it would be and
// the comment the macro adds. Nothing is saved.
type macroApplyJSON struct {
	Ticket  ticketJSON        `json:"ticket"`
	Comment *macroCommentJSON `json:"comment,omitempty"`
}

type macroCommentJSON struct {
	Body     string `json:"body"`
	HTMLBody string `json:"html_body,omitempty"`
	Public   bool   `json:"public"`
}

func (s *Server) apiApplyMacro(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	tid, err := pathID(r, "ticket_id", "ticket")
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "macro")
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	pv, err := s.Rules.ApplyMacro(r.Context(), id, tid, rules.Actor{ID: p.UserID, Role: p.Role}, v)
	if err != nil {
		return err
	}
	t := *pv.Ticket
	nt := pv.Result.Ticket
	t.Status, t.Subject = nt.Status, nt.Subject
	t.Priority, t.Type = optStr(nt.Priority), optStr(nt.Type)
	t.GroupID, t.AssigneeID = optID(nt.GroupID), optID(nt.AssigneeID)
	t.Tags = tags.Normalize(nt.Tags)
	for i, cf := range t.CustomFields {
		if v, ok := nt.CustomFields[cf.ID]; ok {
			t.CustomFields[i].Value = v
		}
	}
	for id, v := range nt.CustomFields {
		if !slices.ContainsFunc(t.CustomFields, func(cf ticket.CustomField) bool { return cf.ID == id }) {
			t.CustomFields = append(t.CustomFields, ticket.CustomField{ID: id, Value: v})
		}
	}
	res := macroApplyJSON{Ticket: s.ticketView(r, t)}
	if c := pv.Comment; c != nil {
		res.Comment = &macroCommentJSON{Body: c.Body, HTMLBody: c.HTMLBody, Public: c.Public}
	}
	return writeRecord(w, http.StatusOK, "result", res)
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// --- views ------------------------------------------------------------------------------

func (s *Server) visibleView(r *http.Request) (rules.View, error) {
	_, v, err := s.viewAPI().visible(r)
	return v, err
}

// viewPage reads Zendesk's pagination parameters for a view: cursor
// (page[size], page[after] — an opaque keyset cursor) or offset (page,
// per_page).
func viewPage(r *http.Request) (rulestore.ViewPage, pageReq, error) {
	q := r.URL.Query()
	p := pageReq{page: 1, perPage: 100, size: 100}
	if q.Get("page[size]") != "" || q.Has("page[after]") {
		p.cursor = true
		n, err := pageSize(q)
		if err != nil {
			return rulestore.ViewPage{}, p, err
		}
		p.size = n
		return rulestore.ViewPage{After: q.Get("page[after]"), Limit: p.size}, p, nil
	}
	pr, err := parsePage(r)
	if err != nil {
		return rulestore.ViewPage{}, p, err
	}
	return rulestore.ViewPage{Offset: (pr.page - 1) * pr.perPage, Limit: pr.perPage}, pr, nil
}

// viewListBody wraps one page of view results in Zendesk's list shape.
func (s *Server) viewListBody(r *http.Request, key string, items any, p pageReq, res rulestore.ViewResult, count func() (int, error)) (map[string]any, error) {
	body := map[string]any{key: items}
	if p.cursor {
		meta := map[string]any{"has_more": res.HasMore, "after_cursor": nil, "before_cursor": nil}
		links := map[string]any{"next": nil, "prev": nil}
		if res.After != "" {
			meta["after_cursor"] = res.After
		}
		if res.HasMore {
			links["next"] = s.pageURL(r, map[string]string{"page[after]": res.After, "page[size]": strconv.Itoa(p.size)}, "page", "per_page")
		}
		body["meta"], body["links"] = meta, links
		return body, nil
	}
	n, err := count()
	if err != nil {
		return nil, err
	}
	body["count"], body["next_page"], body["previous_page"] = n, nil, nil
	if res.HasMore {
		body["next_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page + 1), "per_page": strconv.Itoa(p.perPage)})
	}
	if p.page > 1 {
		body["previous_page"] = s.pageURL(r, map[string]string{"page": strconv.Itoa(p.page - 1), "per_page": strconv.Itoa(p.perPage)})
	}
	return body, nil
}

// viewRun is one page of the {id} view's tickets, as the caller sees them.
type viewRun struct {
	view    rules.View
	tickets []ticket.Ticket
	res     rulestore.ViewResult
	page    pageReq
	me      int64
}

// runView runs the {id} view for the request's page, sorted by sort_by and
// sort_order when given instead of the view's own order.
func (s *Server) runView(r *http.Request) (viewRun, error) {
	v, err := s.visibleView(r)
	if err != nil {
		return viewRun{}, err
	}
	vp, p, err := viewPage(r)
	if err != nil {
		return viewRun{}, err
	}
	q := r.URL.Query()
	sortBy, resort := first(q, "sort_by")
	if order, ok := first(q, "sort_order"); ok {
		resort = true
		if sortBy == "" {
			sortBy = v.Execution.SortBy
		}
		v.Execution.SortOrder = order
	}
	if resort {
		v.Execution.SortBy, v.Execution.GroupBy, v.Execution.GroupOrder = sortBy, "", ""
		if err := v.Validate(); err != nil {
			return viewRun{}, errs.BadRequest("sort_by: %q is not a column this view can sort by", sortBy)
		}
	}
	me := PrincipalFrom(r.Context()).UserID
	ts, res, err := s.Rules.ViewTickets(r.Context(), v, me, vp)
	if resort && errs.Is(err, errs.KindInvalid) {
		return viewRun{}, errs.BadRequest("sort_by: %q is not a column views can sort by on this server", sortBy)
	}
	if err != nil {
		return viewRun{}, err
	}
	return viewRun{view: v, tickets: ts, res: res, page: p, me: me}, nil
}

// body wraps items made from the run's tickets in Zendesk's list shape.
func (run viewRun) body(s *Server, r *http.Request, key string, items any) (map[string]any, error) {
	return s.viewListBody(r, key, items, run.page, run.res, func() (int, error) { return s.Rules.CountView(r.Context(), run.view, run.me) })
}

func (s *Server) apiViewTickets(w http.ResponseWriter, r *http.Request) error {
	run, err := s.runView(r)
	if err != nil {
		return err
	}
	body, err := run.body(s, r, "tickets", s.ticketsView(r, run.tickets))
	return writeBody(w, body, err)
}

// viewColumnJSON is one column of an executed view.
type viewColumnJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func columnTitle(id string) string {
	switch id {
	case "nice_id", "id":
		return "ID"
	case "updated", "updated_at":
		return "Updated"
	case "created", "created_at":
		return "Requested"
	case "sla_next_breach_at":
		return "Next SLA breach"
	}
	t := strings.ReplaceAll(strings.TrimSuffix(id, "_id"), "_", " ")
	if t == "" {
		return id
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

// columnValue is a ticket's value for a view column.
func columnValue(t ticket.Ticket, col string) any {
	switch col {
	case "nice_id", "id":
		return t.ID
	case "subject":
		return t.Subject
	case "status":
		return t.Status
	case "priority":
		return t.Priority
	case "type", "ticket_type":
		return t.Type
	case "requester", "requester_id":
		return t.RequesterID
	case "submitter", "submitter_id":
		return t.SubmitterID
	case "assignee", "assignee_id":
		return t.AssigneeID
	case "group", "group_id":
		return t.GroupID
	case "organization", "organization_id":
		return t.OrganizationID
	case "created", "created_at":
		return t.CreatedAt
	case "updated", "updated_at":
		return t.UpdatedAt
	case "solved", "solved_at":
		return t.SolvedAt
	case "due_date", "due_at":
		return t.DueAt
	case "tags":
		return t.Tags
	}
	return nil
}

func (s *Server) apiExecuteView(w http.ResponseWriter, r *http.Request) error {
	run, err := s.runView(r)
	if err != nil {
		return err
	}
	v, ts := run.view, run.tickets
	cols := v.Execution.Columns
	if len(cols) == 0 {
		cols = []string{"status", "subject", "requester", "updated", "assignee", "priority"}
	}
	columns := make([]viewColumnJSON, len(cols))
	for i, c := range cols {
		columns[i] = viewColumnJSON{ID: c, Title: columnTitle(c)}
	}
	rows := make([]map[string]any, len(ts))
	for i, t := range ts {
		row := map[string]any{"ticket_id": t.ID, "ticket": map[string]any{
			"id": t.ID, "subject": t.Subject, "status": t.Status, "priority": t.Priority, "url": s.ticketURL(r, t.ID)}}
		for _, c := range cols {
			row[c] = columnValue(t, c)
		}
		rows[i] = row
	}
	body, err := run.body(s, r, "rows", rows)
	if err != nil {
		return err
	}
	body["view"], body["columns"], body["groups"] = v, columns, []any{}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// viewCountJSON is Zendesk's view count.
type viewCountJSON struct {
	ViewID int64  `json:"view_id"`
	URL    string `json:"url"`
	Value  int    `json:"value"`
	Pretty string `json:"pretty"`
	Fresh  bool   `json:"fresh"`
	Active bool   `json:"active"`
}

func (s *Server) viewCount(r *http.Request, v rules.View) (viewCountJSON, error) {
	n, err := s.Rules.CountView(r.Context(), v, PrincipalFrom(r.Context()).UserID)
	if err != nil {
		return viewCountJSON{}, err
	}
	return viewCountJSON{ViewID: v.ID, URL: s.baseURL(r) + "/api/v2/views/" + strconv.FormatInt(v.ID, 10) + "/count.json",
		Value: n, Pretty: strconv.Itoa(n), Fresh: true, Active: v.Active}, nil
}

func (s *Server) apiCountView(w http.ResponseWriter, r *http.Request) error {
	v, err := s.visibleView(r)
	if err != nil {
		return err
	}
	c, err := s.viewCount(r, v)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "view_count", c)
}

func (s *Server) apiCountManyViews(w http.ResponseWriter, r *http.Request) error {
	ids, err := parseIDs(r.URL.Query().Get("ids"))
	if err != nil {
		return err
	}
	vw, err := s.viewer(r)
	if err != nil {
		return err
	}
	out := []viewCountJSON{}
	for _, id := range ids {
		v, err := s.Rules.GetView(r.Context(), id, vw)
		if errs.Is(err, errs.KindNotFound) {
			continue
		} else if err != nil {
			return err
		}
		c, err := s.viewCount(r, v)
		if err != nil {
			return err
		}
		out = append(out, c)
	}
	return writeRecord(w, http.StatusOK, "view_counts", out)
}

// --- webhooks ---------------------------------------------------------------------------

func (s *Server) webhookID(r *http.Request) (int64, error) {
	return pathID(r, "id", "webhook")
}

// apiListWebhooks lists webhooks: filter[name_contains] (case-insensitive),
// filter[status] (active or inactive), sort by name or status (-desc).
func (s *Server) apiListWebhooks(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.Rules.ListWebhooks(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if st, ok := first(q, "filter[status]"); ok && st != "active" && st != "inactive" {
		return errs.BadRequest("filter[status]: must be active or inactive, not %q", st)
	}
	name := strings.ToLower(q.Get("filter[name_contains]"))
	ws = slices.DeleteFunc(ws, func(wh rulestore.Webhook) bool {
		st, ok := first(q, "filter[status]")
		return (ok && wh.Status != st) || !strings.Contains(strings.ToLower(wh.Name), name)
	})
	if by := q.Get("sort"); by != "" {
		field := strings.TrimPrefix(by, "-")
		key := func(wh rulestore.Webhook) string {
			if field == "status" {
				return wh.Status
			}
			return strings.ToLower(wh.Name)
		}
		slices.SortStableFunc(ws, func(a, b rulestore.Webhook) int {
			c := strings.Compare(key(a), key(b))
			if strings.HasPrefix(by, "-") {
				return -c
			}
			return c
		})
	}
	body, err := pageRules(s, r, "webhooks", ws, func(w rulestore.Webhook) int64 {
		id, _ := strconv.ParseInt(w.ID, 10, 64)
		return id
	})
	return writeBody(w, body, err)
}

func (s *Server) webhookAPI() recordAPI[rulestore.WebhookInput, rulestore.Webhook, rulestore.Webhook] {
	return recordAPI[rulestore.WebhookInput, rulestore.Webhook, rulestore.Webhook]{key: "webhook",
		get: s.Rules.GetWebhook, create: s.Rules.CreateWebhook, update: s.Rules.UpdateWebhook, del: s.Rules.DeleteWebhook,
		view: asStored[rulestore.Webhook]}
}

// signingSecretJSON is Zendesk's webhook signing secret.
type signingSecretJSON struct {
	Algorithm string `json:"algorithm"`
	Secret    string `json:"secret"`
}

func (s *Server) apiWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	id, err := s.webhookID(r)
	if err != nil {
		return err
	}
	wh, err := s.Rules.GetWebhook(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "signing_secret", signingSecretJSON{Algorithm: "SHA256", Secret: wh.Secret()})
}

// apiWebhookInvocations is the delivery log, newest first, paged with
// page[after] (a cursor) and page[size].
func (s *Server) apiWebhookInvocations(w http.ResponseWriter, r *http.Request) error {
	id, err := s.webhookID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	size, err := pageSize(q)
	if err != nil {
		return err
	}
	var before int64
	if c := q.Get("page[after]"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, perr := strconv.ParseInt(strings.TrimPrefix(string(b), "before:"), 10, 64)
		if err != nil || perr != nil || n <= 0 {
			return errs.BadRequest("page[after]: invalid cursor")
		}
		before = n
	}
	ds, err := s.Rules.Deliveries(r.Context(), id, before, size+1)
	if err != nil {
		return err
	}
	more := len(ds) > size
	if more {
		ds = ds[:size]
	}
	meta := map[string]any{"has_more": more, "after_cursor": nil}
	links := map[string]any{"next": nil}
	if more {
		c := base64.RawURLEncoding.EncodeToString([]byte("before:" + strconv.FormatInt(ds[len(ds)-1].ID, 10)))
		meta["after_cursor"] = c
		links["next"] = s.pageURL(r, map[string]string{"page[after]": c, "page[size]": strconv.Itoa(size)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"invocations": ds, "meta": meta, "links": links})
	return nil
}

// rulesAPIDocs are the OpenAPI notes of the business-rule routes.
func rulesAPIDocs() map[string]apiDoc {
	rule := func(summary, tag, result string, query ...string) apiDoc {
		return apiDoc{summary: summary, tag: tag, result: result, list: true, query: query, sortBy: ruleSorts}
	}
	// Views can be re-sorted by any column they sort by (checked when run).
	viewRun := func(summary, result string) apiDoc {
		return apiDoc{summary: summary, tag: "Views", result: result, list: true, query: []string{"sort_by", "sort_order"}}
	}
	return map[string]apiDoc{
		"GET /api/v2/triggers":                              rule("List triggers in firing order (active=true|false; sort_by alphabetical, created_at, updated_at, position)", "Triggers", "triggers", "active"),
		"GET /api/v2/triggers/active":                       rule("List active triggers", "Triggers", "triggers"),
		"GET /api/v2/triggers/{id}":                         {summary: "Show a trigger", tag: "Triggers", result: "trigger"},
		"POST /api/v2/triggers":                             {summary: "Create a trigger (conditions.all/any, actions); 422 names a bad condition", tag: "Triggers", body: "trigger", result: "trigger"},
		"PUT /api/v2/triggers/{id}":                         {summary: "Update a trigger (given fields replace the stored ones)", tag: "Triggers", body: "trigger", result: "trigger"},
		"DELETE /api/v2/triggers/{id}":                      {summary: "Delete a trigger", tag: "Triggers"},
		"GET /api/v2/automations":                           rule("List automations (active=true|false)", "Automations", "automations", "active"),
		"GET /api/v2/automations/active":                    rule("List active automations", "Automations", "automations"),
		"GET /api/v2/automations/{id}":                      {summary: "Show an automation", tag: "Automations", result: "automation"},
		"POST /api/v2/automations":                          {summary: "Create an automation (needs a time condition and a nullifying action)", tag: "Automations", body: "automation", result: "automation"},
		"PUT /api/v2/automations/{id}":                      {summary: "Update an automation", tag: "Automations", body: "automation", result: "automation"},
		"DELETE /api/v2/automations/{id}":                   {summary: "Delete an automation", tag: "Automations"},
		"GET /api/v2/macros":                                rule("List the macros available to the caller (active; access personal, shared or account; group_id)", "Macros", "macros", "active", "access", "group_id"),
		"GET /api/v2/macros/active":                         rule("List the active macros available to the caller", "Macros", "macros", "access", "group_id"),
		"GET /api/v2/macros/{id}":                           {summary: "Show a macro", tag: "Macros", result: "macro"},
		"POST /api/v2/macros":                               {summary: "Create a macro (agents: personal only)", tag: "Macros", body: "macro", result: "macro"},
		"PUT /api/v2/macros/{id}":                           {summary: "Update a macro (agents: their personal ones)", tag: "Macros", body: "macro", result: "macro"},
		"DELETE /api/v2/macros/{id}":                        {summary: "Delete a macro (agents: their personal ones)", tag: "Macros"},
		"GET /api/v2/tickets/{ticket_id}/macros/{id}/apply": {summary: "Preview a macro on a ticket without saving: the changed ticket and the comment", tag: "Macros", result: "result"},
		"GET /api/v2/views":                                 rule("List the views available to the caller (active; access personal, shared or account; group_id)", "Views", "views", "active", "access", "group_id"),
		"GET /api/v2/views/active":                          rule("List the active views available to the caller", "Views", "views", "access", "group_id"),
		"GET /api/v2/views/count_many":                      {summary: "Ticket counts of several views", tag: "Views", result: "view_counts", query: []string{"ids"}},
		"GET /api/v2/views/{id}":                            {summary: "Show a view", tag: "Views", result: "view"},
		"POST /api/v2/views":                                {summary: "Create a view (all/any conditions, output columns and sort; agents: personal only)", tag: "Views", body: "view", result: "view"},
		"PUT /api/v2/views/{id}":                            {summary: "Update a view (agents: their personal ones)", tag: "Views", body: "view", result: "view"},
		"DELETE /api/v2/views/{id}":                         {summary: "Delete a view (agents: their personal ones)", tag: "Views"},
		"GET /api/v2/views/{id}/tickets":                    viewRun("The tickets in a view, in its order (or sort_by/sort_order)", "tickets"),
		"GET /api/v2/views/{id}/execute":                    viewRun("Execute a view: rows with its columns (sort_by/sort_order re-sort)", "rows"),
		"GET /api/v2/views/{id}/count":                      {summary: "Ticket count of a view", tag: "Views", result: "view_count"},
		"GET /api/v2/webhooks":                              {summary: "List webhooks (filter[name_contains], filter[status]; sort name or status, -desc)", tag: "Webhooks", result: "webhooks", list: true, query: []string{"filter[name_contains]", "filter[status]"}, sort: []string{"name", "status"}},
		"GET /api/v2/webhooks/{id}":                         {summary: "Show a webhook", tag: "Webhooks", result: "webhook"},
		"POST /api/v2/webhooks":                             {summary: "Create a webhook (requests are signed: X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of timestamp + body)", tag: "Webhooks", body: "webhook", result: "webhook"},
		"PUT /api/v2/webhooks/{id}":                         {summary: "Update a webhook", tag: "Webhooks", body: "webhook", result: "webhook"},
		"PATCH /api/v2/webhooks/{id}":                       {summary: "Update a webhook", tag: "Webhooks", body: "webhook", result: "webhook"},
		"DELETE /api/v2/webhooks/{id}":                      {summary: "Delete a webhook and its delivery log", tag: "Webhooks"},
		"GET /api/v2/webhooks/{id}/signing_secret":          {summary: "A webhook's signing secret", tag: "Webhooks", result: "signing_secret"},
		"GET /api/v2/webhooks/{id}/invocations":             {summary: "A webhook's delivery log, newest first (status, attempts, last HTTP status and error)", tag: "Webhooks", result: "invocations", list: true, paging: pagedCursor},
	}
}

// rulesEnvelopes are the JSON envelope types of the business-rule routes.
func rulesEnvelopes() map[string]envelope {
	return map[string]envelope{
		"trigger":        {reflect.TypeOf(rules.Trigger{}), reflect.TypeOf(rules.Trigger{})},
		"automation":     {reflect.TypeOf(rules.Automation{}), reflect.TypeOf(rules.Automation{})},
		"macro":          {reflect.TypeOf(rules.Macro{}), reflect.TypeOf(rules.Macro{})},
		"view":           {reflect.TypeOf(rules.View{}), reflect.TypeOf(rules.View{})},
		"view_count":     {reflect.TypeOf(viewCountJSON{}), nil},
		"row":            {reflect.TypeOf(map[string]any{}), nil},
		"webhook":        {reflect.TypeOf(rulestore.Webhook{}), reflect.TypeOf(rulestore.WebhookInput{})},
		"signing_secret": {reflect.TypeOf(signingSecretJSON{}), nil},
		"invocation":     {reflect.TypeOf(rulestore.Delivery{}), nil},
	}
}
