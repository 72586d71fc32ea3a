// Package people holds users (end-users, agents, admins) with their staff
// attributes, organizations with support plans, groups and the memberships
// between them. Validation is pure; Store persists with audit entries.
package people

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
	"github.com/frontline/frontline/internal/tags"
)

// Roles.
const (
	RoleEndUser = "end-user"
	RoleAgent   = "agent"
	RoleAdmin   = "admin"
)

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return r == RoleEndUser || r == RoleAgent || r == RoleAdmin }

// IsStaff reports whether role r belongs to the support team.
func IsStaff(r string) bool { return r == RoleAgent || r == RoleAdmin }

// Regions of the support team.
const (
	RegionAMER = "AMER"
	RegionEMEA = "EMEA"
	RegionAPAC = "APAC"
)

// ValidRegion reports whether r is a region ("" means none).
func ValidRegion(r string) bool {
	return r == "" || r == RegionAMER || r == RegionEMEA || r == RegionAPAC
}

// Support plans of an organization.
const (
	PlanSelfManaged = "self_managed"
	PlanSaaS        = "saas"
)

// User is a person: a customer (end-user) or a member of staff.
type User struct {
	ID                  int64      `json:"id"`
	Name                string     `json:"name"`
	Email               string     `json:"email"`
	Role                string     `json:"role"`
	Active              bool       `json:"active"`
	Suspended           bool       `json:"suspended"`
	OrganizationID      *int64     `json:"organization_id"`
	ExternalID          *string    `json:"external_id"`
	Phone               string     `json:"phone"`
	TimeZone            string     `json:"iana_time_zone"`
	Locale              string     `json:"locale"`
	Details             string     `json:"details"`
	Notes               string     `json:"notes"`
	Tags                []string   `json:"tags"`
	JobTitle            string     `json:"job_title"`
	JobFamily           string     `json:"job_family"`
	Grade               string     `json:"grade"`
	Region              string     `json:"region"`
	ManagerID           *int64     `json:"manager_id"`
	VerifiedCitizenship bool       `json:"verified_citizenship"`
	Trainings           []string   `json:"trainings"`
	CustomRoleID        *int64     `json:"custom_role_id"` // an agent's custom role (package access); nil: the plain agent's permissions
	HasPassword         bool       `json:"-"`
	LastLoginAt         *time.Time `json:"last_login_at"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// IsStaff reports whether the user is an agent or admin.
func (u *User) IsStaff() bool { return IsStaff(u.Role) }

// UserInput carries the fields of a create or update; nil means "not given"
// (on create: the default; on update: unchanged).
type UserInput struct {
	Name                *string   `json:"name"`
	Email               *string   `json:"email"`
	Role                *string   `json:"role"`
	Active              *bool     `json:"active"`
	Suspended           *bool     `json:"suspended"`
	OrganizationID      *int64    `json:"organization_id"`
	ExternalID          *string   `json:"external_id"`
	Phone               *string   `json:"phone"`
	TimeZone            *string   `json:"iana_time_zone"`
	Locale              *string   `json:"locale"`
	Details             *string   `json:"details"`
	Notes               *string   `json:"notes"`
	Tags                *[]string `json:"tags"`
	JobTitle            *string   `json:"job_title"`
	JobFamily           *string   `json:"job_family"`
	Grade               *string   `json:"grade"`
	Region              *string   `json:"region"`
	ManagerID           *int64    `json:"manager_id"`
	VerifiedCitizenship *bool     `json:"verified_citizenship"`
	Trainings           *[]string `json:"trainings"`
	CustomRoleID        *int64    `json:"custom_role_id"` // 0 clears
}

// checkLine checks the single-line text *p when given, normalising a copy
// (the caller's string is not changed).
func checkLine(v *errs.Validation, field string, p **string, maxChars int) {
	if *p == nil {
		return
	}
	s := **p
	limits.CheckLine(v, field, &s, maxChars)
	*p = &s
}

// checkText checks the multi-line text *p when given, like checkLine.
func checkText(v *errs.Validation, field string, p **string) {
	if *p == nil {
		return
	}
	s := **p
	limits.CheckText(v, field, &s, limits.LongTextBytes)
	*p = &s
}

// checkList checks the raw items of a given tag-like list.
func checkList(v *errs.Validation, field string, p *[]string) {
	if p != nil {
		tags.CheckRaw(v, field, *p)
	}
}

// check checks the text fields given (NUL, UTF-8, sizes) and normalises
// them; fields not given are not checked, so a record stored before a
// limit was lowered can still change in other ways.
func (in *UserInput) check() error {
	var v errs.Validation
	for field, p := range map[string]**string{
		"name": &in.Name, "email": &in.Email, "phone": &in.Phone, "locale": &in.Locale, "external_id": &in.ExternalID,
		"job_title": &in.JobTitle, "job_family": &in.JobFamily, "grade": &in.Grade, "iana_time_zone": &in.TimeZone,
		"region": &in.Region, "role": &in.Role,
	} {
		checkLine(&v, field, p, limits.NameChars)
	}
	checkText(&v, "details", &in.Details)
	checkText(&v, "notes", &in.Notes)
	checkList(&v, "tags", in.Tags)
	checkList(&v, "trainings", in.Trainings)
	return v.Err()
}

// checkLists checks the tag lists given, once normalised onto u, against
// the tag limits (only tags not in prev, and the count only when it grew).
func (in *UserInput) checkLists(u, prev *User, l limits.Limits) error {
	var v errs.Validation
	var p User
	if prev != nil {
		p = *prev
	}
	if in.Tags != nil {
		tags.CheckLimits(&v, "tags", u.Tags, p.Tags, l.TagChars, l.Tags)
	}
	if in.Trainings != nil {
		tags.CheckLimits(&v, "trainings", u.Trainings, p.Trainings, l.TagChars, l.Tags)
	}
	return v.Err()
}

// apply copies the given fields of in onto u.
func (in *UserInput) apply(u *User) {
	set(&u.Name, in.Name)
	if in.Email != nil {
		u.Email = strings.TrimSpace(*in.Email)
	}
	set(&u.Role, in.Role)
	set(&u.Active, in.Active)
	set(&u.Suspended, in.Suspended)
	if in.OrganizationID != nil {
		u.OrganizationID = nonZero(*in.OrganizationID)
	}
	if in.ExternalID != nil {
		u.ExternalID = nonEmpty(*in.ExternalID)
	}
	set(&u.Phone, in.Phone)
	set(&u.TimeZone, in.TimeZone)
	set(&u.Locale, in.Locale)
	set(&u.Details, in.Details)
	set(&u.Notes, in.Notes)
	if in.Tags != nil {
		u.Tags = tags.Normalize(*in.Tags)
	}
	set(&u.JobTitle, in.JobTitle)
	set(&u.JobFamily, in.JobFamily)
	set(&u.Grade, in.Grade)
	if in.Region != nil {
		u.Region = strings.ToUpper(strings.TrimSpace(*in.Region))
	}
	if in.ManagerID != nil {
		u.ManagerID = nonZero(*in.ManagerID)
	}
	set(&u.VerifiedCitizenship, in.VerifiedCitizenship)
	if in.Trainings != nil {
		u.Trainings = tags.Normalize(*in.Trainings)
	}
	if in.CustomRoleID != nil {
		u.CustomRoleID = nonZero(*in.CustomRoleID)
	}
	if u.Role != RoleAgent && in.CustomRoleID == nil {
		u.CustomRoleID = nil // a role change away from agent drops the custom role
	}
}

// Validate checks a user's fields.
func (u *User) Validate() error {
	var v errs.Validation
	u.Name = strings.TrimSpace(u.Name)
	v.Check(u.Name != "", "name", "can't be blank")
	v.Check(utf8.RuneCountInString(u.Name) <= limits.NameChars, "name", limits.TooLongChars(limits.NameChars))
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || !strings.Contains(u.Email, "@") {
			v.Add("email", "is not a valid email address")
		}
	}
	v.Check(u.Email != "" || u.Role == RoleEndUser, "email", "is required for agents and admins")
	v.Check(ValidRole(u.Role), "role", "must be one of end-user, agent, admin")
	v.Check(ValidRegion(u.Region), "region", "must be one of AMER, EMEA, APAC")
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(u.TimeZone); err != nil {
		v.Add("iana_time_zone", "is not a known IANA time zone")
	}
	v.Check(u.CustomRoleID == nil || u.Role == RoleAgent, "custom_role_id", "only agents hold custom roles")
	if u.ManagerID != nil && *u.ManagerID == u.ID && u.ID != 0 {
		v.Add("manager_id", "can't be the user themself")
	}
	return v.Err()
}

// Organization is a customer account with its support plan.
type Organization struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	ExternalID     *string  `json:"external_id"`
	Details        string   `json:"details"`
	Notes          string   `json:"notes"`
	SupportPlan    string   `json:"support_plan"`
	Tier           string   `json:"tier"`
	ASEUserID      *int64   `json:"assigned_support_engineer_id"`
	GroupID        *int64   `json:"group_id"`
	SharedTickets  bool     `json:"shared_tickets"`
	SharedComments bool     `json:"shared_comments"`
	DomainNames    []string `json:"domain_names"`
	Tags           []string `json:"tags"`
	// Region names the business-hours schedule its tickets' SLA clocks run
	// on (EMEA, AMER, APAC...; "" for none: the default schedule).
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OrganizationInput carries the fields of an organization create or update.
type OrganizationInput struct {
	Name           *string   `json:"name"`
	ExternalID     *string   `json:"external_id"`
	Details        *string   `json:"details"`
	Notes          *string   `json:"notes"`
	SupportPlan    *string   `json:"support_plan"`
	Tier           *string   `json:"tier"`
	ASEUserID      *int64    `json:"assigned_support_engineer_id"`
	GroupID        *int64    `json:"group_id"`
	SharedTickets  *bool     `json:"shared_tickets"`
	SharedComments *bool     `json:"shared_comments"`
	DomainNames    *[]string `json:"domain_names"`
	Tags           *[]string `json:"tags"`
	Region         *string   `json:"region"`
}

// check checks the text fields given and normalises them (see
// UserInput.check).
func (in *OrganizationInput) check() error {
	var v errs.Validation
	for field, p := range map[string]**string{"name": &in.Name, "external_id": &in.ExternalID, "support_plan": &in.SupportPlan, "tier": &in.Tier, "region": &in.Region} {
		checkLine(&v, field, p, limits.NameChars)
	}
	checkText(&v, "details", &in.Details)
	checkText(&v, "notes", &in.Notes)
	checkList(&v, "domain_names", in.DomainNames)
	checkList(&v, "tags", in.Tags)
	return v.Err()
}

// checkLists checks the given tags and domain names once normalised onto o:
// tags against the tag limits, domain names at most 253 characters (DNS)
// and as many as tags.
func (in *OrganizationInput) checkLists(o, prev *Organization, l limits.Limits) error {
	var v errs.Validation
	var p Organization
	if prev != nil {
		p = *prev
	}
	if in.Tags != nil {
		tags.CheckLimits(&v, "tags", o.Tags, p.Tags, l.TagChars, l.Tags)
	}
	if in.DomainNames != nil {
		tags.CheckLimits(&v, "domain_names", o.DomainNames, p.DomainNames, 253, l.Tags)
	}
	return v.Err()
}

func (in *OrganizationInput) apply(o *Organization) {
	set(&o.Name, in.Name)
	if in.ExternalID != nil {
		o.ExternalID = nonEmpty(*in.ExternalID)
	}
	set(&o.Details, in.Details)
	set(&o.Notes, in.Notes)
	set(&o.SupportPlan, in.SupportPlan)
	if in.Tier != nil {
		o.Tier = strings.ToLower(strings.TrimSpace(*in.Tier))
	}
	if in.ASEUserID != nil {
		o.ASEUserID = nonZero(*in.ASEUserID)
	}
	if in.GroupID != nil {
		o.GroupID = nonZero(*in.GroupID)
	}
	set(&o.SharedTickets, in.SharedTickets)
	set(&o.SharedComments, in.SharedComments)
	if in.DomainNames != nil {
		o.DomainNames = tags.Normalize(*in.DomainNames)
	}
	if in.Tags != nil {
		o.Tags = tags.Normalize(*in.Tags)
	}
	if in.Region != nil {
		o.Region = strings.TrimSpace(*in.Region)
	}
}

// Validate checks an organization's fields.
func (o *Organization) Validate() error {
	var v errs.Validation
	o.Name = strings.TrimSpace(o.Name)
	v.Check(o.Name != "", "name", "can't be blank")
	v.Check(utf8.RuneCountInString(o.Name) <= limits.NameChars, "name", limits.TooLongChars(limits.NameChars))
	v.Check(o.SupportPlan == PlanSelfManaged || o.SupportPlan == PlanSaaS, "support_plan", "must be self_managed or saas")
	v.Check(o.Tier != "" && !strings.ContainsAny(o.Tier, " \t"), "tier", "must be a single word such as free, premium or ultimate")
	for _, d := range o.DomainNames {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@/ ") {
			v.Add("domain_names", "\""+d+"\" is not a domain name")
		}
	}
	return v.Err()
}

// Group is a team of agents that tickets are routed to.
type Group struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	IsPublic    bool      `json:"is_public"`
	Deleted     bool      `json:"deleted"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// GroupInput carries the fields of a group create or update.
type GroupInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	IsPublic    *bool   `json:"is_public"`
}

// Validate checks a group's fields.
func (g *Group) Validate() error {
	var v errs.Validation
	g.Name = strings.TrimSpace(g.Name)
	v.Check(g.Name != "", "name", "can't be blank")
	v.Check(utf8.RuneCountInString(g.Name) <= limits.NameChars, "name", limits.TooLongChars(limits.NameChars))
	return v.Err()
}

// check checks the text fields given and normalises them.
func (in *GroupInput) check() error {
	var v errs.Validation
	checkLine(&v, "name", &in.Name, limits.NameChars)
	checkText(&v, "description", &in.Description)
	return v.Err()
}

// Membership links a user to an organization or a group.
type Membership struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	OtherID   int64     `json:"-"` // organization_id or group_id
	IsDefault bool      `json:"default"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func nonZero(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func nonEmpty(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}
