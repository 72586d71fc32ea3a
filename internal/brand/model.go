// Package brand keeps brands as in Zendesk (/api/v2/brands) and the one
// visibility rule of restricted partitions (docs/adr/0019-restricted-partitions.md).
//
// A brand has its own portal address (subdomain, host mapping or path),
// signature and theme name; tickets, organizations and users belong to a
// brand. A restricted brand is a partition: its tickets, users and
// organizations exist only for its own customers and for staff who hold the
// brand's required specialty (and verified US citizenship when required).
// Everyone else, admins included, gets 404s and empty lists: separation of
// duties, a restricted brand has its own administrators.
//
// The rule has two forms that must agree: Cleared (pure, per brand and
// viewer facts) decides a viewer's Scope once per request, and the Scope is
// applied to rows either in Go (Scope.Sees) or in SQL (VisibleSQL over the
// row's brand column with Scope.Param bound).
package brand

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// DefaultID is the id of the brand seeded by the migration, which every
// existing ticket, organization and user joins.
const DefaultID int64 = 1

// Brand is one brand.
type Brand struct {
	ID                  int64     `json:"id"`
	URL                 string    `json:"url"`
	Name                string    `json:"name"`
	BrandURL            string    `json:"brand_url"`
	Subdomain           string    `json:"subdomain"`
	HostMapping         *string   `json:"host_mapping"`
	Path                string    `json:"path"`
	HasHelpCenter       bool      `json:"has_help_center"`
	HelpCenterState     string    `json:"help_center_state"`
	Active              bool      `json:"active"`
	Default             bool      `json:"default"`
	IsDeleted           bool      `json:"is_deleted"`
	Logo                any       `json:"logo"`
	TicketFormIDs       []int64   `json:"ticket_form_ids"`
	SignatureTemplate   string    `json:"signature_template"`
	ThemeName           string    `json:"theme_name"`
	Restricted          bool      `json:"restricted"`
	RequiredSpecialty   string    `json:"required_specialty"`
	RequiresCitizenship bool      `json:"requires_verified_citizenship"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// Input creates or changes a brand; nil leaves a field unchanged.
type Input struct {
	Name                *string `json:"name"`
	Subdomain           *string `json:"subdomain"`
	HostMapping         *string `json:"host_mapping"`
	Path                *string `json:"path"`
	Active              *bool   `json:"active"`
	Default             *bool   `json:"default"`
	SignatureTemplate   *string `json:"signature_template"`
	ThemeName           *string `json:"theme_name"`
	Restricted          *bool   `json:"restricted"`
	RequiredSpecialty   *string `json:"required_specialty"`
	RequiresCitizenship *bool   `json:"requires_verified_citizenship"`
}

func validSubdomain(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// apply merges in into b and checks the brand rules.
func (in Input) apply(b *Brand) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&b.Name, in.Name)
	if in.Subdomain != nil {
		b.Subdomain = strings.ToLower(strings.TrimSpace(*in.Subdomain))
	}
	if in.HostMapping != nil {
		h := strings.ToLower(strings.TrimSpace(*in.HostMapping))
		b.HostMapping = &h
		if h == "" {
			b.HostMapping = nil
		}
	}
	set(&b.Path, in.Path)
	set(&b.SignatureTemplate, in.SignatureTemplate)
	set(&b.ThemeName, in.ThemeName)
	set(&b.RequiredSpecialty, in.RequiredSpecialty)
	for _, p := range []struct {
		dst *bool
		v   *bool
	}{{&b.Active, in.Active}, {&b.Default, in.Default}, {&b.Restricted, in.Restricted}, {&b.RequiresCitizenship, in.RequiresCitizenship}} {
		if p.v != nil {
			*p.dst = *p.v
		}
	}
	var v errs.Validation
	v.Check(b.Name != "" && len(b.Name) <= 200, "name", "is required (at most 200 characters)")
	v.Check(validSubdomain(b.Subdomain), "subdomain", "is required: lowercase letters, digits and hyphens")
	v.Check(b.Path == "" || (strings.HasPrefix(b.Path, "/") && !strings.ContainsAny(b.Path, " ?#")), "path", "must start with / and hold no spaces, ? or #")
	if b.Restricted {
		v.Check(b.RequiredSpecialty != "", "required_specialty", "Restricted brand rule: a restricted brand names the specialty its staff must hold")
		v.Check(!b.Default, "restricted", "Restricted brand rule: the default brand cannot be restricted")
	}
	v.Check(b.Active || !b.Default, "active", "Default brand rule: the default brand stays active")
	return v.Err()
}

// Facts are what the visibility rule knows of a viewer, read fresh on every
// request (losing an attribute revokes access at once).
type Facts struct {
	UserID          int64
	Role            string // end-user, agent, admin
	Active          bool
	VerifiedCitizen bool
	Specialties     []string
	BrandID         int64 // the brand a customer belongs to
}

// Cleared is the visibility rule: may a viewer with facts f see the data
// of brand b? Unrestricted brands are open (the other rules, such as a
// customer's own tickets, still apply). A restricted brand is open to its
// own active customers and to active staff holding its required specialty
// and, when it requires it, verified US citizenship. The staff role
// (admin or not) plays no part.
func Cleared(b Brand, f Facts) bool {
	if !b.Restricted {
		return true
	}
	if !f.Active || f.UserID == 0 {
		return false
	}
	if f.Role != "agent" && f.Role != "admin" {
		return f.BrandID == b.ID
	}
	if b.RequiresCitizenship && !f.VerifiedCitizen {
		return false
	}
	return b.RequiredSpecialty != "" && slices.Contains(f.Specialties, b.RequiredSpecialty)
}

// Scope is a viewer's partition view for one request: the restricted brands
// whose data does not exist for them, and those they may read (reads there
// are audited).
type Scope struct {
	UserID int64
	Hidden []int64
	Inside []int64
}

// ScopeFor applies Cleared to every restricted brand.
func ScopeFor(restricted []Brand, f Facts) Scope {
	s := Scope{UserID: f.UserID}
	for _, b := range restricted {
		if !b.Restricted {
			continue
		}
		if Cleared(b, f) {
			s.Inside = append(s.Inside, b.ID)
		} else {
			s.Hidden = append(s.Hidden, b.ID)
		}
	}
	return s
}

// Sees reports whether data of brand brandID exists for the viewer.
func (s Scope) Sees(brandID int64) bool { return !slices.Contains(s.Hidden, brandID) }

// Audited reports whether a read of brand brandID's data is a restricted
// read to record in the audit log.
func (s Scope) Audited(brandID int64) bool { return slices.Contains(s.Inside, brandID) }

// Param is the SQL argument of VisibleSQL: the hidden brand ids as
// " 3 7 ", or "" when nothing is hidden.
func (s Scope) Param() string { return Encode(s.Hidden) }

// Encode renders ids as " 3 7 " ("" for none), the list form VisibleSQL matches.
func Encode(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(' ')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(' ')
	}
	return b.String()
}

// VisibleSQL is the SQL form of Scope.Sees: a condition true when the
// brand in column col is not among the hidden ones bound at placeholder
// param (Scope.Param). Both engines.
func VisibleSQL(col, param string) string {
	return "(" + param + " = '' OR " + param + " NOT LIKE ('% ' || CAST(" + col + " AS TEXT) || ' %'))"
}
