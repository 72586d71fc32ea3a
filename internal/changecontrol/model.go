// Package changecontrol keeps configuration changes under control: which
// configuration objects are guarded, the proposals a second admin approves
// (never the proposer), emergency changes applied at once and reviewed
// afterwards, each object's versions (its audit entries) and the diff of
// two versions. The rules are pure and tested without a database; store.go
// keeps the changes on both engines. Applying a change is the HTTP layer's:
// a change is the API request that makes it, run through the same handler.
package changecontrol

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

// Statuses of a change.
const (
	Pending  = "pending"
	Applied  = "applied"
	Rejected = "rejected"
	Failed   = "failed"
)

// Change is one proposed, applied or emergency configuration change.
type Change struct {
	ID          int64           `json:"id"`
	Status      string          `json:"status"`
	Emergency   bool            `json:"emergency"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Body        json.RawMessage `json:"body"`
	Description string          `json:"description"`
	ObjectType  string          `json:"object_type"`
	ObjectID    *int64          `json:"object_id"`
	Before      json.RawMessage `json:"before"`
	ResultCode  *int            `json:"result_code"`
	Result      json.RawMessage `json:"result"`
	ProposedBy  *int64          `json:"proposed_by_id"`
	ProposedAt  time.Time       `json:"proposed_at"`
	DecidedBy   *int64          `json:"decided_by_id"`
	DecidedAt   *time.Time      `json:"decided_at"`
	ReviewedBy  *int64          `json:"reviewed_by_id"`
	ReviewedAt  *time.Time      `json:"reviewed_at"`
	// NeedsReview marks an emergency change nobody has reviewed yet.
	NeedsReview bool `json:"needs_review"`
}

// Guarded is one kind of configuration object under change control.
type Guarded struct {
	ObjectType string // as in the audit log: trigger, sla_policy...
	Collection string // its API collection path: /api/v2/triggers
	Key        string // its JSON envelope key: trigger
}

// GuardedObjects lists the configuration under change control.
func GuardedObjects() []Guarded {
	return []Guarded{
		{"trigger", "/api/v2/triggers", "trigger"},
		{"automation", "/api/v2/automations", "automation"},
		{"webhook", "/api/v2/webhooks", "webhook"},
		{"sla_policy", "/api/v2/slas/policies", "sla_policy"},
		{"sla_schedule", "/api/v2/business_hours/schedules", "schedule"},
		{"custom_role", "/api/v2/custom_roles", "custom_role"},
		{"change_control", "/api/v2/change_control", "change_control"},
	}
}

var idSeg = regexp.MustCompile(`^[0-9]+$`)

// Target names the guarded object a request changes: its type and, for
// an existing object, its id (nil for a creation or a collection-wide
// change such as reordering). ok is false for requests outside change
// control (reads, unguarded paths).
func Target(method, path string) (g Guarded, id *int64, ok bool) {
	switch method {
	case "POST", "PUT", "PATCH", "DELETE":
	default:
		return Guarded{}, nil, false
	}
	path = strings.TrimSuffix(path, ".json")
	for _, c := range GuardedObjects() {
		rest, found := strings.CutPrefix(path, c.Collection)
		if !found || (rest != "" && rest[0] != '/') {
			continue
		}
		seg := strings.Split(strings.Trim(rest, "/"), "/")
		if seg[0] != "" && idSeg.MatchString(seg[0]) {
			n, _ := strconv.ParseInt(seg[0], 10, 64)
			return c, &n, true
		}
		return c, nil, true
	}
	return Guarded{}, nil, false
}

// GuardedType returns the guarded object kind of an audit object type.
func GuardedType(objectType string) (Guarded, bool) {
	for _, g := range GuardedObjects() {
		if g.ObjectType == objectType {
			return g, true
		}
	}
	return Guarded{}, false
}

// CheckDirect applies the change-control rule to a change made directly
// (not through an approved proposal): with approval required only an
// emergency change goes through.
func CheckDirect(requireApproval, emergency bool, g Guarded) error {
	if requireApproval && !emergency {
		return errs.Invalid("change_control", fmt.Sprintf(
			"Change control rule: changes to %s need a second admin's approval; propose it with POST /api/v2/config_changes, or mark an emergency with the X-Emergency-Change header (it is then flagged for review)",
			strings.ReplaceAll(g.ObjectType, "_", " ")+"s"))
	}
	return nil
}

// CheckApproval applies the rules of approving or rejecting c by approver.
func CheckApproval(c Change, approver int64) error {
	if c.Status != Pending {
		return errs.Invalid("status", fmt.Sprintf("Change status rule: change %d is %s, not pending", c.ID, c.Status))
	}
	if c.ProposedBy != nil && *c.ProposedBy == approver {
		return errs.Invalid("approver", "Four-eyes rule: a change is approved or rejected by an admin other than the one who proposed it")
	}
	return nil
}

// CheckReview applies the rules of reviewing an emergency change.
func CheckReview(c Change, reviewer int64) error {
	if !c.Emergency {
		return errs.Invalid("emergency", fmt.Sprintf("change %d is not an emergency change", c.ID))
	}
	if c.ReviewedAt != nil {
		return errs.Invalid("reviewed_at", fmt.Sprintf("change %d was reviewed already", c.ID))
	}
	if c.ProposedBy != nil && *c.ProposedBy == reviewer {
		return errs.Invalid("reviewer", "Four-eyes rule: an emergency change is reviewed by an admin other than the one who made it")
	}
	return nil
}

// Version is one state of a configuration object: an audit entry.
type Version struct {
	ID         int64           `json:"id"` // the audit entry's id
	Version    int             `json:"version"`
	ObjectType string          `json:"object_type"`
	ObjectID   int64           `json:"object_id"`
	Action     string          `json:"action"`
	ActorID    *int64          `json:"actor_id"`
	CreatedAt  time.Time       `json:"created_at"`
	Snapshot   json.RawMessage `json:"snapshot"` // null for a deletion
}

// DiffEntry is one difference between two JSON documents.
type DiffEntry struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// volatile keys differ between any two versions and say nothing of the change.
var volatile = map[string]bool{"updated_at": true, "created_at": true, "url": true}

// Diff lists the differences between two JSON documents, by JSON path
// (a.b[2].c), sorted; timestamps and URLs are left out.
func Diff(before, after json.RawMessage) ([]DiffEntry, error) {
	var a, b any
	if len(before) > 0 {
		if err := json.Unmarshal(before, &a); err != nil {
			return nil, err
		}
	}
	if len(after) > 0 {
		if err := json.Unmarshal(after, &b); err != nil {
			return nil, err
		}
	}
	out := []DiffEntry{}
	diff("", a, b, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func diff(path string, a, b any, out *[]DiffEntry) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if a == nil && bok { // a creation lists the fields it sets; a deletion those it drops
		am, aok = map[string]any{}, true
	}
	if b == nil && aok {
		bm, bok = map[string]any{}, true
	}
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			if volatile[k] {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			diff(p, am[k], bm[k], out)
		}
		return
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok {
		for i := 0; i < max(len(as), len(bs)); i++ {
			var x, y any
			if i < len(as) {
				x = as[i]
			}
			if i < len(bs) {
				y = bs[i]
			}
			diff(fmt.Sprintf("%s[%d]", path, i), x, y, out)
		}
		return
	}
	if !jsonEqual(a, b) {
		*out = append(*out, DiffEntry{Path: path, Before: a, After: b})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
