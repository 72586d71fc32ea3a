// Package accessreview runs access review campaigns: every staff account
// with what it can reach (role, custom role, groups, API tokens, last
// sign-in, manager) is listed for its manager (or a named reviewer) to
// certify or revoke; revocations take effect at once; unanswered lines
// escalate after the deadline; a closed campaign is an immutable record for
// auditors. It also flags dormant accounts and unused tokens and
// deactivates leavers. The rules are here, tested without a database;
// store.go keeps campaigns on both engines.
package accessreview

import (
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Decisions of a line.
const (
	Pending   = "pending"
	Certified = "certified"
	Revoked   = "revoked"
)

// Flags a line may carry.
const (
	FlagDormant     = "dormant"      // no sign-in for the campaign's dormant days
	FlagStaleToken  = "stale_token"  // an API token unused for the campaign's token days
	FlagNoManager   = "no_manager"   // reviewed by the campaign's owner for want of a manager
	FlagAdmin       = "admin"        // holds the admin role
	FlagNeverSigned = "never_signed" // has never signed in
)

// Campaign is one access review.
type Campaign struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Status      string     `json:"status"` // open | closed
	ReviewerID  *int64     `json:"reviewer_id"`
	CreatedBy   *int64     `json:"created_by_id"`
	DueAt       time.Time  `json:"due_at"`
	DormantDays int        `json:"dormant_days"`
	TokenDays   int        `json:"token_days"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	ClosedBy    *int64     `json:"closed_by_id"`
	// Counts of its lines by decision.
	Lines     int `json:"lines_count"`
	Certified int `json:"certified_count"`
	Revoked   int `json:"revoked_count"`
	Pending   int `json:"pending_count"`
	Escalated int `json:"escalated_count"`
}

// Token is an API token as the campaign saw it.
type Token struct {
	ID          int64      `json:"id"`
	Prefix      string     `json:"token_prefix"`
	Description string     `json:"description"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
}

// Snapshot is an account's access when the campaign opened.
type Snapshot struct {
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	CustomRole  string     `json:"custom_role"`
	Groups      []string   `json:"groups"`
	ManagerID   *int64     `json:"manager_id"`
	Manager     string     `json:"manager"`
	LastLoginAt *time.Time `json:"last_login_at"`
	Tokens      []Token    `json:"api_tokens"`
	Sessions    int        `json:"active_sessions"`
	CreatedAt   time.Time  `json:"account_created_at"`
}

// Line is one account in a campaign.
type Line struct {
	ID            int64      `json:"id"`
	CampaignID    int64      `json:"access_review_id"`
	UserID        int64      `json:"user_id"`
	ReviewerID    *int64     `json:"reviewer_id"`
	Reviewer      string     `json:"reviewer"`
	EscalatedFrom *int64     `json:"escalated_from_id"`
	EscalatedAt   *time.Time `json:"escalated_at"`
	Snapshot      Snapshot   `json:"access"`
	Flags         []string   `json:"flags"`
	Decision      string     `json:"decision"`
	Note          string     `json:"note"`
	DecidedBy     *int64     `json:"decided_by_id"`
	DecidedByName string     `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Flags computes a snapshot's flags at now.
func Flags(s Snapshot, now time.Time, dormantDays, tokenDays int, noManager bool) []string {
	out := []string{}
	if s.Role == "admin" {
		out = append(out, FlagAdmin)
	}
	switch {
	case s.LastLoginAt == nil && now.Sub(s.CreatedAt) >= days(dormantDays):
		out = append(out, FlagNeverSigned, FlagDormant)
	case s.LastLoginAt == nil:
		out = append(out, FlagNeverSigned)
	case now.Sub(*s.LastLoginAt) >= days(dormantDays):
		out = append(out, FlagDormant)
	}
	for _, t := range s.Tokens {
		last := t.CreatedAt
		if t.LastUsedAt != nil {
			last = *t.LastUsedAt
		}
		if now.Sub(last) >= days(tokenDays) {
			out = append(out, FlagStaleToken)
			break
		}
	}
	if noManager {
		out = append(out, FlagNoManager)
	}
	return out
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// Actor is who decides.
type Actor struct {
	UserID int64
	Admin  bool
}

// CheckDecision applies the rules of certifying or revoking line of c.
func CheckDecision(c Campaign, l Line, a Actor, decision string) error {
	if decision != Certified && decision != Revoked {
		return errs.Invalid("decision", "must be certified or revoked")
	}
	if c.Status != "open" {
		when := ""
		if c.ClosedAt != nil {
			when = " on " + c.ClosedAt.UTC().Format("2006-01-02")
		}
		return errs.Invalid("decision", fmt.Sprintf("Closed campaign rule: access review %q was closed%s and its record cannot change", c.Name, when))
	}
	if a.UserID == l.UserID {
		return errs.Invalid("decision", "Separation of duties rule: nobody certifies or revokes their own access")
	}
	if !a.Admin && (l.ReviewerID == nil || *l.ReviewerID != a.UserID) {
		return errs.Forbidden("Reviewer rule: only this line's reviewer or an admin decides it")
	}
	return nil
}

// CheckClose applies the rules of closing c.
func CheckClose(c Campaign, a Actor) error {
	if !a.Admin {
		return errs.Forbidden("only an admin closes an access review")
	}
	if c.Status != "open" {
		return errs.Invalid("status", fmt.Sprintf("Closed campaign rule: access review %q is already closed", c.Name))
	}
	return nil
}

// ReviewerFor picks the reviewer of an account: the campaign's named
// reviewer, else the account's active manager, else the campaign's owner;
// never the account itself (nil then: any admin other than the account
// decides). noManager says the owner stands in for a missing manager.
func ReviewerFor(named *int64, userID int64, manager *int64, managerActive bool, owner *int64) (reviewer *int64, noManager bool) {
	pick := func(id *int64) *int64 {
		if id == nil || *id == userID {
			return nil
		}
		return id
	}
	if r := pick(named); r != nil {
		return r, false
	}
	if manager != nil && managerActive {
		if r := pick(manager); r != nil {
			return r, false
		}
	}
	return pick(owner), true
}

// EscalateTo picks who an overdue line goes to: the current reviewer's
// manager, else the campaign's owner; nil when neither is someone else
// than the reviewer and the account (the line stays where it is).
func EscalateTo(l Line, reviewerManager *int64, owner *int64) *int64 {
	for _, c := range []*int64{reviewerManager, owner} {
		if c != nil && *c != l.UserID && (l.ReviewerID == nil || *c != *l.ReviewerID) {
			return c
		}
	}
	return nil
}

// Input opens a campaign.
type Input struct {
	Name        string     `json:"name"`
	ReviewerID  *int64     `json:"reviewer_id"`
	DueAt       *time.Time `json:"due_at"`
	DormantDays *int       `json:"dormant_days"`
	TokenDays   *int       `json:"token_days"`
}

// Defaults of a campaign.
const (
	DefaultDormantDays = 90
	DefaultTokenDays   = 90
	DefaultDuration    = 14 * 24 * time.Hour
)

// Normalise validates in and fills its defaults at now.
func (in *Input) Normalise(now time.Time) error {
	var v errs.Validation
	if in.Name == "" {
		q := (int(now.Month())-1)/3 + 1
		in.Name = fmt.Sprintf("Access review %d-Q%d", now.Year(), q)
	}
	v.Check(len(in.Name) <= 200, "name", "must be at most 200 characters")
	if in.DueAt == nil {
		d := now.Add(DefaultDuration)
		in.DueAt = &d
	}
	v.Check(in.DueAt.After(now), "due_at", "must be in the future")
	for _, p := range []struct {
		name string
		v    **int
		def  int
	}{{"dormant_days", &in.DormantDays, DefaultDormantDays}, {"token_days", &in.TokenDays, DefaultTokenDays}} {
		if *p.v == nil {
			d := p.def
			*p.v = &d
		}
		v.Check(**p.v >= 1 && **p.v <= 3650, p.name, "must be from 1 to 3650")
	}
	return v.Err()
}
