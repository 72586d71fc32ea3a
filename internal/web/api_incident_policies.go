package web

// Writing escalation policies in PagerDuty's shapes (POST and PUT
// /pagerduty/escalation_policies), and Frontline's own API for the chat
// webhooks incidents are posted to (/api/v2/oncall/chat_webhooks). Both
// are for on-call managers (team.manage).

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
)

func (s *Server) registerIncidentAdminAPI() {
	manage := access.TeamManage
	s.handleNeeds("POST /pagerduty/escalation_policies", Staff, manage, s.pdCreatePolicy)
	s.handleNeeds("PUT /pagerduty/escalation_policies/{id}", Staff, manage, s.pdUpdatePolicy)
	hooks := s.chatWebhookAPI()
	s.handleNeeds("GET /api/v2/oncall/chat_webhooks", Staff, manage, s.apiChatWebhooks)
	s.handleNeeds("GET /api/v2/oncall/chat_webhooks/{id}", Staff, manage, hooks.show)
	s.handleNeeds("POST /api/v2/oncall/chat_webhooks", Staff, manage, hooks.createOne)
	s.handleNeeds("PUT /api/v2/oncall/chat_webhooks/{id}", Staff, manage, hooks.updateOne)
	s.handleNeeds("DELETE /api/v2/oncall/chat_webhooks/{id}", Staff, manage, hooks.deleteOne)
}

// --- PagerDuty escalation policies -------------------------------------------------

// pdRefIn is a reference in a request body; summary, self and html_url are
// read-only echoes of a GET and are not used.
type pdRefIn struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	Self    string `json:"self"`
	HTMLURL string `json:"html_url"`
}

type pdRuleIn struct {
	ID      string    `json:"id"`
	Delay   *int      `json:"escalation_delay_in_minutes"`
	Targets []pdRefIn `json:"targets"`
}

type pdPolicyIn struct {
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	Summary           string     `json:"summary"`
	Self              string     `json:"self"`
	HTMLURL           string     `json:"html_url"`
	Name              *string    `json:"name"`
	Description       *string    `json:"description"`
	NumLoops          *int       `json:"num_loops"`
	Rules             []pdRuleIn `json:"escalation_rules"`
	Services          []pdRefIn  `json:"services"`
	Teams             []pdRefIn  `json:"teams"`
	HandoffNotifyMode string     `json:"on_call_handoff_notifications"`
}

// readPDPolicy reads {"escalation_policy": {...}}; a field Frontline does
// not keep is refused by name rather than dropped.
func readPDPolicy(r *http.Request) (*pdPolicyIn, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyError(err)
	}
	if err := checkJSONText(raw, ""); err != nil {
		return nil, err
	}
	var env struct {
		Policy *pdPolicyIn `json:"escalation_policy"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, jsonError(err, "escalation_policy")
	}
	if env.Policy == nil {
		return nil, errs.BadRequest("request body must be a JSON object with an \"escalation_policy\"")
	}
	in := env.Policy
	switch {
	case in.Type != "" && in.Type != "escalation_policy" && in.Type != "escalation_policy_reference":
		return nil, errs.BadRequest("type: must be escalation_policy")
	case len(in.Services) > 0:
		return nil, errs.BadRequest("services: set a service's escalation policy on the service, not here")
	case len(in.Teams) > 0:
		return nil, errs.BadRequest("teams: Frontline has no PagerDuty teams")
	case in.HandoffNotifyMode != "" && in.HandoffNotifyMode != "if_has_services":
		return nil, errs.BadRequest("on_call_handoff_notifications: only if_has_services (hand-overs notify the incoming engineer of open emergencies)")
	}
	return in, nil
}

// pdTarget reads a target reference: a user or a schedule by id.
func pdTarget(t pdRefIn) (incident.Target, bool) {
	id, err := strconv.ParseInt(t.ID, 10, 64)
	if err != nil || id <= 0 {
		return incident.Target{}, false
	}
	switch t.Type {
	case "user_reference", "user":
		return incident.Target{Kind: incident.TargetUser, ID: id}, true
	case "schedule_reference", "schedule":
		return incident.Target{Kind: incident.TargetSchedule, ID: id}, true
	}
	return incident.Target{}, false
}

// apply lays in over base (PagerDuty's PUT changes the fields given).
func (in *pdPolicyIn) apply(base incident.PolicyInput) (incident.PolicyInput, error) {
	if in.Name != nil {
		base.Name = *in.Name
	}
	if in.Description != nil {
		base.Description = *in.Description
	}
	if in.NumLoops != nil {
		base.NumLoops = *in.NumLoops
	}
	if in.Rules != nil {
		base.Rules = nil
		for i, ru := range in.Rules {
			rule := incident.Rule{}
			if ru.Delay != nil {
				rule.DelayMinutes = *ru.Delay
			}
			for _, t := range ru.Targets {
				tg, ok := pdTarget(t)
				if !ok {
					return base, errs.Invalid("escalation_rules", "Escalation rule: target "+strconv.Itoa(i)+" is not a user_reference or schedule_reference with an id")
				}
				rule.Targets = append(rule.Targets, tg)
			}
			base.Rules = append(base.Rules, rule)
		}
	}
	return base, nil
}

func (s *Server) writePDPolicy(w http.ResponseWriter, r *http.Request, status int, p *incident.Policy) error {
	users, err := s.policyUsers(r, []incident.Policy{*p})
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, status, map[string]any{"escalation_policy": s.pdPolicyShape(r, *p, users, svcs)})
	return nil
}

func (s *Server) pdCreatePolicy(w http.ResponseWriter, r *http.Request) error {
	in, err := readPDPolicy(r)
	if err != nil {
		return err
	}
	if in.ID != "" {
		return errs.BadRequest("id: a new escalation policy gets its id from the server")
	}
	pin, err := in.apply(incident.PolicyInput{})
	if err != nil {
		return err
	}
	p, err := s.Incidents.CreatePolicy(r.Context(), actor(r), pin)
	if err != nil {
		return err
	}
	return s.writePDPolicy(w, r, http.StatusCreated, p)
}

func (s *Server) pdUpdatePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pdPathID(r, "id")
	if err != nil {
		return err
	}
	in, err := readPDPolicy(r)
	if err != nil {
		return err
	}
	if in.ID != "" && in.ID != pdID(id) {
		return errs.BadRequest("id: the body names escalation policy %s, the path %s", in.ID, pdID(id))
	}
	cur, err := s.Incidents.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	pin, err := in.apply(incident.PolicyInput{Name: cur.Name, Description: cur.Description, NumLoops: cur.NumLoops, Rules: cur.Rules})
	if err != nil {
		return err
	}
	p, err := s.Incidents.UpdatePolicy(r.Context(), actor(r), id, pin)
	if err != nil {
		return err
	}
	return s.writePDPolicy(w, r, http.StatusOK, p)
}

// --- chat webhooks (Frontline's API) ---------------------------------------------

// chatWebhookInput creates (name, format, url required) or changes (the
// fields given) a chat webhook; service_id null is every service.
type chatWebhookInput struct {
	Name      *string         `json:"name"`
	Format    *string         `json:"format"`
	URL       *string         `json:"url"`
	ServiceID json.RawMessage `json:"service_id"`
	Active    *bool           `json:"active"`
}

func (in chatWebhookInput) change() (incident.WebhookChange, error) {
	c := incident.WebhookChange{Name: in.Name, Format: in.Format, URL: in.URL, Active: in.Active}
	switch v := strings.TrimSpace(string(in.ServiceID)); v {
	case "":
	case "null":
		c.ForAllServices = true
	default:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return c, errs.Invalid("service_id", "is a service id or null (every service)")
		}
		c.ServiceID = &n
	}
	return c, nil
}

func (s *Server) chatWebhookAPI() recordAPI[chatWebhookInput, incident.Webhook, incident.Webhook] {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return recordAPI[chatWebhookInput, incident.Webhook, incident.Webhook]{key: "chat_webhook", what: "chat webhook",
		get: s.Incidents.Webhook,
		create: func(ctx context.Context, a audit.Actor, in chatWebhookInput) (*incident.Webhook, error) {
			c, err := in.change()
			if err != nil {
				return nil, err
			}
			w, err := s.Incidents.CreateWebhook(ctx, a, str(in.Name), str(in.Format), strings.TrimSpace(str(in.URL)), c.ServiceID)
			if err != nil || in.Active == nil || *in.Active {
				return w, err
			}
			return s.Incidents.UpdateWebhook(ctx, a, w.ID, incident.WebhookChange{Active: in.Active})
		},
		update: func(ctx context.Context, a audit.Actor, id int64, in chatWebhookInput) (*incident.Webhook, error) {
			c, err := in.change()
			if err != nil {
				return nil, err
			}
			return s.Incidents.UpdateWebhook(ctx, a, id, c)
		},
		del:  s.Incidents.DeleteWebhook,
		view: asStored[incident.Webhook],
	}
}

func (s *Server) apiChatWebhooks(w http.ResponseWriter, r *http.Request) error {
	hooks, err := s.Incidents.Webhooks(r.Context())
	if err != nil {
		return err
	}
	return pageSlice(s, w, r, "chat_webhooks", hooks, func(h incident.Webhook) int64 { return h.ID }, nil)
}

func chatWebhookAPIDocs() map[string]apiDoc {
	t := "On-call"
	return map[string]apiDoc{
		"GET /api/v2/oncall/chat_webhooks":         {summary: "Chat incoming webhooks incidents are posted to (Slack, Microsoft Teams, Mattermost), with their URLs (on-call managers only)", tag: t, result: "chat_webhooks", list: true},
		"GET /api/v2/oncall/chat_webhooks/{id}":    {summary: "One chat webhook", tag: t, result: "chat_webhook"},
		"POST /api/v2/oncall/chat_webhooks":        {summary: "Add a chat webhook: name, format (slack, teams, mattermost), url, service_id (null: every service), active (Webhook rule)", tag: t, body: "chat_webhook", result: "chat_webhook"},
		"PUT /api/v2/oncall/chat_webhooks/{id}":    {summary: "Change the fields given of a chat webhook (switch it off with active=false)", tag: t, body: "chat_webhook", result: "chat_webhook"},
		"DELETE /api/v2/oncall/chat_webhooks/{id}": {summary: "Remove a chat webhook and its delivery history", tag: t},
	}
}

func chatWebhookEnvelopes() map[string]envelope {
	return map[string]envelope{
		"chat_webhooks": {reflect.TypeOf([]incident.Webhook{}), nil},
		"chat_webhook":  {reflect.TypeOf(incident.Webhook{}), reflect.TypeOf(chatWebhookInput{})},
	}
}
