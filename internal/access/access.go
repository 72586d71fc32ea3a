// Package access is Frontline's permission model: three roles (end-user,
// agent, admin) plus custom roles, Zendesk's named permission sets that an
// agent may hold instead of the plain agent's permissions
// (/api/v2/custom_roles). A configuration in Zendesk's shape (with a few
// Frontline keys) turns into a set of permissions; routes and rules ask for
// permissions, never for role names. Relationship rules (a member's manager
// chain sees their private data) live with the data they guard (package
// team). See docs/adr/0007-permissions.md.
package access

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Permission is one capability a route or a rule checks.
type Permission string

// The permissions. A route that needs one of these refuses agents whose
// role lacks it; an admin-only route that names one opens to agents whose
// role grants it.
const (
	TicketsRead          Permission = "tickets.read"           // see tickets, views, macros, search, ticket metrics
	TicketsEdit          Permission = "tickets.edit"           // create tickets, change their fields
	TicketsPublicComment Permission = "tickets.public_comment" // reply publicly (without it: internal notes only)
	TicketsDelete        Permission = "tickets.delete"
	TicketsMerge         Permission = "tickets.merge"
	TicketsTags          Permission = "tickets.tags"
	UsersRead            Permission = "users.read" // customers, organizations, groups
	UsersEdit            Permission = "users.edit" // create and update customers
	OrganizationsEdit    Permission = "organizations.edit"
	BusinessRulesManage  Permission = "business_rules.manage" // triggers, automations, webhooks
	SLAsManage           Permission = "slas.manage"           // SLA policies, business-hours schedules, holidays
	ReportsRead          Permission = "reports.read"          // satisfaction ratings, SLA achievement reports
	TeamRead             Permission = "team.read"             // roster, org chart, summary, time off, job families
	TeamManage           Permission = "team.manage"           // edit anyone on the roster, import/export, levels, trainings
	HiringInterview      Permission = "hiring.interview"      // take part in interviews (hiring issue)
	HiringManage         Permission = "hiring.manage"         // run hiring: vacancies, candidates (hiring issue)
	KnowledgeBaseManage  Permission = "knowledge_base.manage" // write the Help Center: categories, sections, articles, translations, attachments
)

// All lists every permission.
func All() []Permission {
	return []Permission{TicketsRead, TicketsEdit, TicketsPublicComment, TicketsDelete, TicketsMerge, TicketsTags,
		UsersRead, UsersEdit, OrganizationsEdit, BusinessRulesManage, SLAsManage, ReportsRead, TeamRead, TeamManage,
		HiringInterview, HiringManage, KnowledgeBaseManage}
}

// AdminGrants are the permissions that may open an admin-only route to an
// agent whose role grants them. None of them is in AgentDefaults, so a
// plain agent reaches no admin route.
func AdminGrants() []Permission {
	return []Permission{OrganizationsEdit, BusinessRulesManage, SLAsManage, TeamManage, HiringManage}
}

// Set is a set of permissions.
type Set map[Permission]bool

// Has reports whether s holds p.
func (s Set) Has(p Permission) bool { return s[p] }

// List is the set's permissions, sorted.
func (s Set) List() []string {
	out := []string{}
	for p, ok := range s {
		if ok {
			out = append(out, string(p))
		}
	}
	sort.Strings(out)
	return out
}

// Everything is an admin's set.
func Everything() Set {
	s := Set{}
	for _, p := range All() {
		s[p] = true
	}
	return s
}

// Configuration is a custom role's settings, in Zendesk's shape where the
// concept exists (ticket_access, ticket_editing, ticket_comment_access,
// ticket_deletion, ticket_merge, ticket_tag_editing, end_user_profile_access,
// organization_editing, manage_business_rules, manage_slas, report_access,
// manage_team_members); hiring_access is Frontline's. Values Zendesk has but
// Frontline does not enforce yet (ticket_access "within-groups") are refused
// rather than silently ignored.
type Configuration struct {
	TicketAccess         string `json:"ticket_access"`           // all, none
	TicketEditing        bool   `json:"ticket_editing"`          //
	TicketCommentAccess  string `json:"ticket_comment_access"`   // public, none (internal notes only)
	TicketDeletion       bool   `json:"ticket_deletion"`         //
	TicketMerge          bool   `json:"ticket_merge"`            //
	TicketTagEditing     bool   `json:"ticket_tag_editing"`      //
	EndUserProfileAccess string `json:"end_user_profile_access"` // none, readonly, edit, full
	OrganizationEditing  bool   `json:"organization_editing"`    //
	ManageBusinessRules  bool   `json:"manage_business_rules"`   //
	ManageSLAs           bool   `json:"manage_slas"`             //
	ReportAccess         string `json:"report_access"`           // none, readonly, full
	ManageTeamMembers    string `json:"manage_team_members"`     // none, readonly, full
	HiringAccess         string `json:"hiring_access"`           // none, interviewer, full
	// ForumAccess is Zendesk's Guide permission: "full" manages the Help
	// Center (knowledge_base.manage); "readonly" and "edit-topics" read it.
	// Unset (a role stored before the permission existed) keeps what such a
	// role could do then: agents who read tickets wrote articles.
	ForumAccess string `json:"forum_access"` // readonly, edit-topics, full
}

var choices = map[string][]string{
	"ticket_access":           {"all", "none"},
	"ticket_comment_access":   {"public", "none"},
	"end_user_profile_access": {"none", "readonly", "edit", "full"},
	"report_access":           {"none", "readonly", "full"},
	"manage_team_members":     {"none", "readonly", "full"},
	"hiring_access":           {"none", "interviewer", "full"},
	"forum_access":            {"", "readonly", "edit-topics", "full"},
}

// AgentDefaults is what an agent without a custom role may do: everything
// agents could do before custom roles existed, nothing more.
func AgentDefaults() Configuration {
	return Configuration{
		TicketAccess: "all", TicketEditing: true, TicketCommentAccess: "public", TicketDeletion: true, TicketMerge: true,
		TicketTagEditing: true, EndUserProfileAccess: "edit", ReportAccess: "readonly", ManageTeamMembers: "readonly",
		HiringAccess: "interviewer", ForumAccess: "full",
	}
}

// Permissions turns a configuration into its set.
func (c Configuration) Permissions() Set {
	s := Set{}
	tickets := c.TicketAccess == "all"
	s[TicketsRead] = tickets
	s[TicketsEdit] = tickets && c.TicketEditing
	s[TicketsPublicComment] = tickets && c.TicketCommentAccess == "public"
	s[TicketsDelete] = tickets && c.TicketDeletion
	s[TicketsMerge] = tickets && c.TicketMerge
	s[TicketsTags] = tickets && c.TicketTagEditing
	s[UsersRead] = c.EndUserProfileAccess != "none"
	s[UsersEdit] = c.EndUserProfileAccess == "edit" || c.EndUserProfileAccess == "full"
	s[OrganizationsEdit] = c.OrganizationEditing
	s[BusinessRulesManage] = c.ManageBusinessRules
	s[SLAsManage] = c.ManageSLAs
	s[ReportsRead] = c.ReportAccess != "none"
	s[TeamRead] = c.ManageTeamMembers != "none"
	s[TeamManage] = c.ManageTeamMembers == "full"
	s[HiringInterview] = c.HiringAccess == "interviewer" || c.HiringAccess == "full"
	s[HiringManage] = c.HiringAccess == "full"
	s[KnowledgeBaseManage] = c.ForumAccess == "full" || (c.ForumAccess == "" && tickets)
	for p, ok := range s {
		if !ok {
			delete(s, p)
		}
	}
	return s
}

// Validate checks every choice.
func (c Configuration) Validate() error {
	var v errs.Validation
	vals := map[string]string{
		"ticket_access": c.TicketAccess, "ticket_comment_access": c.TicketCommentAccess,
		"end_user_profile_access": c.EndUserProfileAccess, "report_access": c.ReportAccess,
		"manage_team_members": c.ManageTeamMembers, "hiring_access": c.HiringAccess, "forum_access": c.ForumAccess,
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(choices[k], vals[k]) {
			msg := "must be one of " + strings.Join(slices.DeleteFunc(slices.Clone(choices[k]), func(c string) bool { return c == "" }), ", ")
			if k == "ticket_access" && (vals[k] == "within-groups" || vals[k] == "assigned-only" || vals[k] == "within-organization") {
				msg += fmt.Sprintf(" (%q is not supported by Frontline yet)", vals[k])
			}
			v.Add("configuration."+k, msg)
		}
	}
	return v.Err()
}

// configKeys are the JSON keys a configuration accepts.
func configKeys() []string {
	var keys []string
	b, _ := json.Marshal(Configuration{})
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// MergeConfiguration applies the keys of raw (a JSON object) onto base.
// Unknown keys are refused, naming them: a client that grants a permission
// Frontline does not have must learn it did not happen.
func MergeConfiguration(base Configuration, raw json.RawMessage) (Configuration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return base, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return base, errs.Invalid("configuration", "must be an object")
	}
	known := configKeys()
	var v errs.Validation
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(known, k) {
			v.Add("configuration."+k, "is not a Frontline permission (known: "+strings.Join(known, ", ")+")")
		}
	}
	if err := v.Err(); err != nil {
		return base, err
	}
	b, _ := json.Marshal(base)
	var cur map[string]json.RawMessage
	_ = json.Unmarshal(b, &cur)
	for k, val := range m {
		cur[k] = val
	}
	b, _ = json.Marshal(cur)
	out := Configuration{}
	if err := json.Unmarshal(b, &out); err != nil {
		var te *json.UnmarshalTypeError
		if ok := asType(err, &te); ok {
			return base, errs.Invalid("configuration."+te.Field, "has the wrong type ("+te.Value+")")
		}
		return base, errs.Invalid("configuration", err.Error())
	}
	return out, nil
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	e, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = e
	}
	return ok
}

// Role types, as Zendesk numbers them.
const (
	RoleTypeCustom     = 0
	RoleTypeLightAgent = 1
)

// Role is a custom role.
type Role struct {
	ID              int64         `json:"id"`
	Name            string        `json:"name"`
	Description     string        `json:"description"`
	RoleType        int           `json:"role_type"`
	Configuration   Configuration `json:"configuration"`
	Permissions     []string      `json:"permissions"` // Frontline: what the configuration grants
	TeamMemberCount int           `json:"team_member_count"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// RoleInput is a create or update; Configuration holds only the keys given.
type RoleInput struct {
	Name          *string         `json:"name"`
	Description   *string         `json:"description"`
	RoleType      *int            `json:"role_type"`
	Configuration json.RawMessage `json:"configuration"`
}

// Validate checks a role.
func (r *Role) Validate() error {
	var v errs.Validation
	r.Name = strings.TrimSpace(r.Name)
	v.Check(r.Name != "", "name", "can't be blank")
	v.Check(len(r.Name) <= 120, "name", "is too long (maximum is 120 characters)")
	v.Check(len(r.Description) <= 1000, "description", "is too long (maximum is 1000 characters)")
	v.Check(r.RoleType == RoleTypeCustom || r.RoleType == RoleTypeLightAgent, "role_type", "must be 0 (custom agent) or 1 (light agent)")
	if err := r.Configuration.Validate(); err != nil {
		if e, ok := err.(*errs.Error); ok {
			for f, ps := range e.Fields {
				for _, p := range ps {
					v.Add(f, p)
				}
			}
		}
	}
	return v.Err()
}

// DefaultRoles are seeded once: the department's roles the three base
// roles cannot express.
func DefaultRoles() []Role {
	light := Configuration{TicketAccess: "all", TicketCommentAccess: "none", EndUserProfileAccess: "readonly",
		ReportAccess: "none", ManageTeamMembers: "readonly", HiringAccess: "none", ForumAccess: "readonly"}
	lead := AgentDefaults()
	lead.OrganizationEditing, lead.ManageSLAs, lead.ReportAccess, lead.EndUserProfileAccess = true, true, "full", "full"
	ops := AgentDefaults()
	ops.OrganizationEditing, ops.ManageBusinessRules, ops.ManageSLAs, ops.ReportAccess, ops.ManageTeamMembers, ops.EndUserProfileAccess, ops.HiringAccess =
		true, true, true, "full", "full", "full", "none"
	recruiter := Configuration{TicketAccess: "none", TicketCommentAccess: "none", EndUserProfileAccess: "none",
		ReportAccess: "none", ManageTeamMembers: "readonly", HiringAccess: "full", ForumAccess: "readonly"}
	return []Role{
		{Name: "Light Agent", RoleType: RoleTypeLightAgent, Configuration: light,
			Description: "Reads tickets and adds internal notes; no public replies, no ticket changes (e.g. a developer consulted on a ticket)."},
		{Name: "Team Lead", Configuration: lead,
			Description: "An agent who leads: edits organizations, owns SLA policies and schedules, reads every report. Their reports' private data comes from the reporting line, not from this role."},
		{Name: "Support Operations", Configuration: ops,
			Description: "Runs the desk: business rules, SLAs, organizations, reports, and the roster (levels, trainings, imports)."},
		{Name: "Recruiter", Configuration: recruiter,
			Description: "Runs hiring without being a support agent: no tickets and no customer data; reads the roster."},
	}
}
