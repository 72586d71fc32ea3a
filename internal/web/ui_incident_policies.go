package web

// The escalation policy editor and the chat webhooks of the incident area,
// for on-call managers (team.manage): a policy's levels, each paging users
// and whoever is on call on schedules, with its delay and the repeat
// count; chat incoming webhooks (Slack, Microsoft Teams, Mattermost) with
// their service, switched on and off or removed. The rules themselves
// (levels, delays, targets that exist and may be paged) are the incident
// package's; the form only gathers them.

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/incident"
)

func (s *Server) registerIncidentAdminUI() {
	manage := access.TeamManage
	s.handleNeeds("GET /incidents/policies/new", Staff, manage, s.policyNew)
	s.handleNeeds("GET /incidents/policies/{id}/edit", Staff, manage, s.policyEdit)
	s.handleNeeds("POST /incidents/policies", Staff, manage, s.policySave)
	s.handleNeeds("POST /incidents/policies/{id}/edit", Staff, manage, s.policySave)
	s.handleNeeds("GET /incidents/webhooks", Staff, manage, s.chatWebhooksPage)
	s.handleNeeds("POST /incidents/webhooks", Staff, manage, s.chatWebhookCreate)
	s.handleNeeds("POST /incidents/webhooks/{id}/change", Staff, manage, s.chatWebhookChange)
	s.handleNeeds("POST /incidents/webhooks/{id}/delete", Staff, manage, s.chatWebhookDelete)
}

// policyLevel is one level row of the editor.
type policyLevel struct {
	N       int // 1-based, for the page
	Delay   int
	Targets map[string]bool // "user:12", "schedule:3"
}

// policyForm is the editor's state: a stored policy or what was posted.
type policyForm struct {
	ID          int64
	Name        string
	Description string
	NumLoops    int
	Levels      []policyLevel
}

type targetOption struct {
	Value, Label string
}

func formOfPolicy(p *incident.Policy) policyForm {
	f := policyForm{ID: p.ID, Name: p.Name, Description: p.Description, NumLoops: p.NumLoops}
	for _, ru := range p.Rules {
		l := policyLevel{Delay: ru.DelayMinutes, Targets: map[string]bool{}}
		for _, t := range ru.Targets {
			l.Targets[t.Kind+":"+strconv.FormatInt(t.ID, 10)] = true
		}
		f.Levels = append(f.Levels, l)
	}
	return f
}

// policyTargets lists what a level may page: every schedule, then every
// staff member, by name.
func (s *Server) policyTargets(r *http.Request) ([]targetOption, error) {
	var out []targetOption
	if s.OnCall != nil {
		scs, err := s.OnCall.Schedules(r.Context())
		if err != nil {
			return nil, err
		}
		for _, sc := range scs {
			out = append(out, targetOption{Value: "schedule:" + strconv.FormatInt(sc.ID, 10), Label: "On call: " + sc.Name})
		}
	}
	staff, err := s.staffNames(r)
	if err != nil {
		return nil, err
	}
	var users []targetOption
	for id, name := range staff {
		users = append(users, targetOption{Value: "user:" + strconv.FormatInt(id, 10), Label: name})
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Label < users[j].Label })
	return append(out, users...), nil
}

func (s *Server) renderPolicyForm(w http.ResponseWriter, r *http.Request, status int, f policyForm, problem string) error {
	opts, err := s.policyTargets(r)
	if err != nil {
		return err
	}
	if n := len(f.Levels); n == 0 || len(f.Levels[n-1].Targets) > 0 {
		f.Levels = append(f.Levels, policyLevel{Delay: 10}) // room for one more level
	}
	for i := range f.Levels {
		f.Levels[i].N = i + 1
	}
	title := "New escalation policy"
	if f.ID != 0 {
		title = "Edit " + f.Name
	}
	s.render(w, r, status, "incident_policy.html", map[string]any{"Title": title, "Form": f, "Options": opts, "Error": problem,
		"MaxLoops": incident.MaxLoops})
	return nil
}

func (s *Server) policyNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderPolicyForm(w, r, http.StatusOK, policyForm{Levels: []policyLevel{{Delay: 10}, {Delay: 5}}}, "")
}

func (s *Server) policyEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "escalation policy")
	if err != nil {
		return err
	}
	p, err := s.Incidents.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderPolicyForm(w, r, http.StatusOK, formOfPolicy(p), "")
}

// parsePolicyForm reads the editor: name, description, num_loops and, per
// level i, delay_i and targets_i (several "kind:id" values). A level
// without targets is left out (the blank row, or one emptied to remove
// it); what remains keeps the form's order.
func parsePolicyForm(r *http.Request) (policyForm, incident.PolicyInput, error) {
	if err := r.ParseForm(); err != nil {
		return policyForm{}, incident.PolicyInput{}, errs.BadRequest("malformed form")
	}
	pf := r.PostForm
	f := policyForm{Name: pf.Get("name"), Description: pf.Get("description")}
	in := incident.PolicyInput{Name: f.Name, Description: f.Description}
	var v errs.Validation
	if n, err := strconv.Atoi(strings.TrimSpace(pf.Get("num_loops"))); err == nil {
		f.NumLoops, in.NumLoops = n, n
	} else {
		v.Add("num_loops", "is a whole number")
	}
	for i := 0; i < incident.MaxLevels+5; i++ {
		key := strconv.Itoa(i)
		if _, ok := pf["delay_"+key]; !ok {
			break
		}
		l := policyLevel{Targets: map[string]bool{}}
		d, err := strconv.Atoi(strings.TrimSpace(pf.Get("delay_" + key)))
		l.Delay = d
		var rule incident.Rule
		for _, t := range pf["targets_"+key] {
			kind, id, ok := strings.Cut(t, ":")
			n, perr := strconv.ParseInt(id, 10, 64)
			if !ok || perr != nil || (kind != incident.TargetUser && kind != incident.TargetSchedule) {
				v.Add("targets_"+key, "Escalation rule: a target is a user or a schedule")
				continue
			}
			l.Targets[t] = true
			rule.Targets = append(rule.Targets, incident.Target{Kind: kind, ID: n})
		}
		f.Levels = append(f.Levels, l)
		if len(rule.Targets) == 0 {
			continue
		}
		if err != nil {
			v.Add("delay_"+key, "is a whole number of minutes")
		}
		rule.DelayMinutes = d
		in.Rules = append(in.Rules, rule)
	}
	return f, in, v.Err()
}

func (s *Server) policySave(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id", "escalation policy"); err != nil {
			return err
		}
	}
	f, in, err := parsePolicyForm(r)
	f.ID = id
	if err == nil {
		if id == 0 {
			var p *incident.Policy
			if p, err = s.Incidents.CreatePolicy(r.Context(), actor(r), in); err == nil {
				id = p.ID
			}
		} else {
			_, err = s.Incidents.UpdatePolicy(r.Context(), actor(r), id, in)
		}
	}
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderPolicyForm(w, r, status, f, msg)
		}
		return err
	}
	seeOther(w, r, "/incidents#policy-"+strconv.FormatInt(id, 10), "Escalation policy saved: running escalations take its levels from their next step.")
	return nil
}

// --- chat webhooks -----------------------------------------------------------------

func (s *Server) chatWebhooksPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderChatWebhooks(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderChatWebhooks(w http.ResponseWriter, r *http.Request, status int, problem string, posted map[string]string) error {
	hooks, err := s.Incidents.Webhooks(r.Context())
	if err != nil {
		return err
	}
	svcs, err := s.Incidents.Services(r.Context())
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, sv := range svcs {
		names[sv.ID] = sv.Name
	}
	s.render(w, r, status, "incident_webhooks.html", map[string]any{"Title": "Chat webhooks", "Webhooks": hooks, "Services": svcs,
		"ServiceNames": names, "Error": problem, "Posted": posted, "Formats": []string{incident.FormatSlack, incident.FormatTeams, incident.FormatMattermost},
		"Flash": flashOf(w, r)})
	return nil
}

// formService reads service_id: empty is every service.
func formService(v string) (*int64, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return nil, errs.Invalid("service_id", "is a service")
	}
	return &n, nil
}

func (s *Server) chatWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.BadRequest("malformed form")
	}
	pf := r.PostForm
	svc, err := formService(pf.Get("service_id"))
	if err == nil {
		_, err = s.Incidents.CreateWebhook(r.Context(), actor(r), pf.Get("name"), pf.Get("format"), strings.TrimSpace(pf.Get("url")), svc)
	}
	if err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderChatWebhooks(w, r, status, msg, map[string]string{"name": pf.Get("name"), "format": pf.Get("format"), "url": pf.Get("url")})
		}
		return err
	}
	seeOther(w, r, "/incidents/webhooks", "Chat webhook added: incidents are posted there from their next step.")
	return nil
}

// chatWebhookChange switches a webhook on or off (active=true/false) or
// changes its service.
func (s *Server) chatWebhookChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "chat webhook")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.BadRequest("malformed form")
	}
	var c incident.WebhookChange
	pf := r.PostForm
	if v, ok := pf["active"]; ok {
		on := slices.Contains(v, "true")
		c.Active = &on
	}
	if v, ok := pf["service_id"]; ok {
		svc, err := formService(v[0])
		if err != nil {
			return s.renderChatWebhooks(w, r, http.StatusUnprocessableEntity, errMessage(err), nil)
		}
		c.ServiceID, c.ForAllServices = svc, svc == nil
	}
	if _, err := s.Incidents.UpdateWebhook(r.Context(), actor(r), id, c); err != nil {
		if msg, status, ok := problemText(err); ok {
			return s.renderChatWebhooks(w, r, status, msg, nil)
		}
		return err
	}
	seeOther(w, r, "/incidents/webhooks", "Chat webhook changed.")
	return nil
}

func (s *Server) chatWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "chat webhook")
	if err != nil {
		return err
	}
	if err := s.Incidents.DeleteWebhook(r.Context(), actor(r), id); err != nil {
		return err
	}
	seeOther(w, r, "/incidents/webhooks", "Chat webhook removed.")
	return nil
}
