package team

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/frontline/frontline/internal/errs"
)

// Node is one member as the org chart, spans and ratios see them.
type Node struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	ManagerID *int64  `json:"manager_id"`
	LevelKey  string  `json:"-"`
	Level     string  `json:"level"` // the level's name; "" without a level
	Track     string  `json:"-"`     // ic, manager or "" without a level
	Region    string  `json:"region"`
	EndDate   *string `json:"-"`
	Flagged   bool    `json:"-"`
}

// IsManager reports whether the node is on the manager track.
func (n *Node) IsManager() bool { return n.Track == TrackManager }

// Current keeps the nodes still on the team on date today.
func Current(nodes []Node, today string) []Node {
	out := make([]Node, 0, len(nodes))
	for _, n := range nodes {
		if n.EndDate == nil || *n.EndDate >= today {
			out = append(out, n)
		}
	}
	return out
}

// TreeNode is a member in the org chart with their reports.
type TreeNode struct {
	Node
	Reports []*TreeNode
	// Size counts the member and everyone below them.
	Size int
	// InCycle marks a member whose reporting line loops (data written before
	// cycles were refused); the chart shows them as a root.
	InCycle bool
}

// Tree is the org chart: members without a manager on the roster are roots.
type Tree struct {
	Roots []*TreeNode
	ByID  map[int64]*TreeNode
}

// BuildTree arranges nodes by reporting line, reports sorted by name. Every
// node appears exactly once, even when stored data loops.
func BuildTree(nodes []Node) Tree {
	t := Tree{ByID: make(map[int64]*TreeNode, len(nodes))}
	for i := range nodes {
		t.ByID[nodes[i].ID] = &TreeNode{Node: nodes[i]}
	}
	for i := range nodes {
		n := t.ByID[nodes[i].ID]
		if m := n.ManagerID; m != nil {
			if p, ok := t.ByID[*m]; ok && *m != n.ID {
				p.Reports = append(p.Reports, n)
				continue
			}
		}
		t.Roots = append(t.Roots, n)
	}
	byName := func(a, b *TreeNode) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	}
	// Nodes not reachable from a root sit on a loop: cut each loop at its
	// lowest id and show that member as a root.
	seen := make(map[int64]bool, len(nodes))
	var mark func(n *TreeNode)
	mark = func(n *TreeNode) {
		stack := []*TreeNode{n}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[x.ID] {
				continue
			}
			seen[x.ID] = true
			stack = append(stack, x.Reports...)
		}
	}
	for _, r := range t.Roots {
		mark(r)
	}
	ids := make([]int64, 0, len(nodes))
	for id := range t.ByID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if seen[id] {
			continue
		}
		n := t.ByID[id]
		if p, ok := t.ByID[*n.ManagerID]; ok { // detach from its manager
			p.Reports = slices.DeleteFunc(p.Reports, func(x *TreeNode) bool { return x == n })
		}
		n.InCycle = true
		t.Roots = append(t.Roots, n)
		mark(n)
	}
	slices.SortFunc(t.Roots, byName)
	for _, n := range t.ByID {
		slices.SortFunc(n.Reports, byName)
	}
	var size func(n *TreeNode) int
	size = func(n *TreeNode) int {
		n.Size = 1
		for _, r := range n.Reports {
			n.Size += size(r)
		}
		return n.Size
	}
	for _, r := range t.Roots {
		size(r)
	}
	return t
}

// Walk visits the tree depth-first, reports in order, with each node's depth.
func (t Tree) Walk(fn func(n *TreeNode, depth int)) {
	var walk func(n *TreeNode, d int)
	walk = func(n *TreeNode, d int) {
		fn(n, d)
		for _, r := range n.Reports {
			walk(r, d+1)
		}
	}
	for _, r := range t.Roots {
		walk(r, 0)
	}
}

// Chain lists id's managers, direct manager first, up to the top (stopping
// if stored data loops).
func Chain(managerOf func(id int64) (*int64, bool), id int64) []int64 {
	var out []int64
	seen := map[int64]bool{id: true}
	cur := id
	for {
		m, ok := managerOf(cur)
		if !ok || m == nil || seen[*m] {
			return out
		}
		seen[*m] = true
		out = append(out, *m)
		cur = *m
	}
}

// CheckManager refuses a reporting line that would loop: member would
// report to manager, who (directly or through others) reports to member.
// managerOf reads the current lines.
func CheckManager(managerOf func(id int64) (*int64, bool), nameOf func(id int64) string, member, manager int64) error {
	if member == manager {
		return errs.Invalid("manager_id", "can't be the member themself")
	}
	path := []int64{manager}
	cur := manager
	for range 10000 {
		m, ok := managerOf(cur)
		if !ok || m == nil {
			return nil
		}
		if *m == member {
			names := []string{nameOf(member)}
			for _, id := range path {
				names = append(names, nameOf(id))
			}
			names = append(names, nameOf(member))
			return errs.Invalid("manager_id", "would make a reporting-line cycle: "+strings.Join(names, " → "))
		}
		if slices.Contains(path, *m) {
			return nil // an older loop above, not through member
		}
		path = append(path, *m)
		cur = *m
	}
	return nil
}

// InChain reports whether viewer is one of member's managers, direct or not.
func InChain(chain []int64, viewer int64) bool { return slices.Contains(chain, viewer) }

// --- spans of control ----------------------------------------------------------------

// SpanRule is a span of control the handbook sets for a level, with the
// count above which a warning is shown ("~10" warns above 12: 20% slack).
type SpanRule struct {
	Level    string // level key
	What     string // "direct_engineers", "direct_managers", "direct_staff", "indirect_engineers"
	Handbook string // the handbook's words
	Limit    int
}

// SpanRules are the handbook's spans: Support Managers ~10 Intermediate and
// Senior Support Engineers; Senior Support Managers ~3 Support Managers,
// 0-2 Staff Support Engineers and ~30 Support Engineers indirectly.
func SpanRules() []SpanRule {
	return []SpanRule{
		{"manager-support-engineering", "direct_engineers", "~10 engineers", 12},
		{"senior-manager-support-engineering", "direct_managers", "~3 managers", 4},
		{"senior-manager-support-engineering", "direct_staff", "0-2 Staff Support Engineers", 2},
		{"senior-manager-support-engineering", "indirect_engineers", "~30 engineers indirectly", 36},
	}
}

// SpanWarning is a manager whose span exceeds the handbook's.
type SpanWarning struct {
	ManagerID int64  `json:"manager_id"`
	Name      string `json:"name"`
	Rule      string `json:"rule"`
	Count     int    `json:"count"`
	Limit     int    `json:"limit"`
	Message   string `json:"message"`
}

// SpanCount counts a manager's team.
type SpanCount struct {
	DirectEngineers   int // IC reports
	DirectManagers    int
	DirectStaff       int
	IndirectEngineers int // ICs below the direct reports
}

// SpanOf counts n's team.
func SpanOf(n *TreeNode) SpanCount {
	var s SpanCount
	for _, r := range n.Reports {
		switch {
		case r.IsManager():
			s.DirectManagers++
		case r.Track == TrackIC:
			s.DirectEngineers++
			if r.LevelKey == "staff-support-engineer" {
				s.DirectStaff++
			}
		}
		var below func(x *TreeNode)
		below = func(x *TreeNode) {
			for _, y := range x.Reports {
				if y.Track == TrackIC {
					s.IndirectEngineers++
				}
				below(y)
			}
		}
		below(r)
	}
	return s
}

func (s SpanCount) count(what string) int {
	switch what {
	case "direct_engineers":
		return s.DirectEngineers
	case "direct_managers":
		return s.DirectManagers
	case "direct_staff":
		return s.DirectStaff
	case "indirect_engineers":
		return s.IndirectEngineers
	}
	return 0
}

// SpanWarnings lists every manager over a handbook span, by name.
func SpanWarnings(t Tree) []SpanWarning {
	out := []SpanWarning{}
	rules := SpanRules()
	t.Walk(func(n *TreeNode, _ int) {
		var span *SpanCount
		for _, r := range rules {
			if r.Level != n.LevelKey {
				continue
			}
			if span == nil {
				s := SpanOf(n)
				span = &s
			}
			if c := span.count(r.What); c > r.Limit {
				out = append(out, SpanWarning{ManagerID: n.ID, Name: n.Name, Rule: r.What, Count: c, Limit: r.Limit,
					Message: fmt.Sprintf("%s (%s) has %d %s; the handbook's span is %s", n.Name, n.Level, c,
						strings.ReplaceAll(r.What, "_", " "), r.Handbook)})
			}
		}
	})
	return out
}

// --- ratios and summary --------------------------------------------------------------

// RatioTarget is the IC:manager ratio the department aims to stay under.
const RatioTarget = 10.0

// Ratio is ICs per manager; nil when there is no manager.
func Ratio(ics, managers int) *float64 {
	if managers == 0 {
		return nil
	}
	r := math.Round(float64(ics)/float64(managers)*100) / 100
	return &r
}

// Counts is a headcount split by track.
type Counts struct {
	Headcount      int            `json:"headcount"`
	ICs            int            `json:"ics"`
	Managers       int            `json:"managers"`
	Unleveled      int            `json:"unleveled"`
	ICManagerRatio *float64       `json:"ic_manager_ratio"`
	ByLevel        map[string]int `json:"by_level"`
}

func (c *Counts) add(n *Node) {
	c.Headcount++
	switch n.Track {
	case TrackIC:
		c.ICs++
	case TrackManager:
		c.Managers++
	default:
		c.Unleveled++
	}
	lvl := n.Level
	if lvl == "" {
		lvl = "(no level)"
	}
	c.ByLevel[lvl]++
}

func newCounts() Counts { return Counts{ByLevel: map[string]int{}} }

func (c *Counts) finish() { c.ICManagerRatio = Ratio(c.ICs, c.Managers) }

// ManagerCounts is one manager's organisation.
type ManagerCounts struct {
	ManagerID      int64    `json:"manager_id"`
	Name           string   `json:"name"`
	Level          string   `json:"level"`
	Region         string   `json:"region"`
	DirectReports  int      `json:"direct_reports"`
	ICs            int      `json:"ics"`      // below them
	Managers       int      `json:"managers"` // them and managers below them
	ICManagerRatio *float64 `json:"ic_manager_ratio"`
}

// Summary is the department at a glance.
type Summary struct {
	Counts
	Target       float64           `json:"ic_manager_ratio_target"`
	ByRegion     map[string]Counts `json:"by_region"`
	ByManager    []ManagerCounts   `json:"by_manager"`
	SpanWarnings []SpanWarning     `json:"span_warnings"`
	Flagged      int               `json:"flagged"`
}

// Summarize counts the current members (leavers excluded by the caller).
func Summarize(nodes []Node) Summary {
	s := Summary{Counts: newCounts(), Target: RatioTarget, ByRegion: map[string]Counts{}}
	for _, r := range regions {
		s.ByRegion[r] = newCounts()
	}
	for i := range nodes {
		n := &nodes[i]
		s.add(n)
		region := n.Region
		if !ValidRegion(region) {
			region = "(no region)"
		}
		rc, ok := s.ByRegion[region]
		if !ok {
			rc = newCounts()
		}
		rc.add(n)
		s.ByRegion[region] = rc
		if n.Flagged {
			s.Flagged++
		}
	}
	s.finish()
	for k, rc := range s.ByRegion {
		rc.finish()
		s.ByRegion[k] = rc
	}
	t := BuildTree(nodes)
	s.ByManager = ManagerRatios(t)
	s.SpanWarnings = SpanWarnings(t)
	return s
}

// ManagerRatios gives every manager-track member their organisation's
// ratio: ICs below them per manager (themself included), by name.
func ManagerRatios(t Tree) []ManagerCounts {
	out := []ManagerCounts{}
	t.Walk(func(n *TreeNode, _ int) {
		if !n.IsManager() {
			return
		}
		mc := ManagerCounts{ManagerID: n.ID, Name: n.Name, Level: n.Level, Region: n.Region, DirectReports: len(n.Reports), Managers: 1}
		var below func(x *TreeNode)
		below = func(x *TreeNode) {
			for _, y := range x.Reports {
				switch y.Track {
				case TrackIC:
					mc.ICs++
				case TrackManager:
					mc.Managers++
				}
				below(y)
			}
		}
		below(n)
		mc.ICManagerRatio = Ratio(mc.ICs, mc.Managers)
		out = append(out, mc)
	})
	slices.SortFunc(out, func(a, b ManagerCounts) int { return strings.Compare(a.Name, b.Name) })
	return out
}
