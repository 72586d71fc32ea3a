package team

import (
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/errs"
)

func n(id int64, name string, mgr int64, levelKey, track, region string) Node {
	nd := Node{ID: id, Name: name, LevelKey: levelKey, Level: levelKey, Track: track, Region: region}
	if mgr != 0 {
		nd.ManagerID = &mgr
	}
	return nd
}

func TestBuildTreeOrdersAndBreaksLoops(t *testing.T) {
	nodes := []Node{
		n(1, "Vera VP", 0, "vp-of-support", TrackManager, "AMER"),
		n(2, "Zed Manager", 1, "manager-support-engineering", TrackManager, "EMEA"),
		n(3, "Ann Manager", 1, "manager-support-engineering", TrackManager, "AMER"),
		n(4, "Bob Engineer", 3, "support-engineer", TrackIC, "AMER"),
		n(5, "Lone Wolf", 99, "support-engineer", TrackIC, "APAC"), // manager not on the roster: a root
		n(6, "Loop A", 7, "", "", "APAC"),                          // 6 -> 7 -> 6: a loop in old data
		n(7, "Loop B", 6, "", "", "APAC"),
	}
	tr := BuildTree(nodes)
	var got []string
	tr.Walk(func(x *TreeNode, d int) { got = append(got, fmt.Sprintf("%s%s", strings.Repeat(".", d), x.Name)) })
	want := "Lone Wolf|Loop A|.Loop B|Vera VP|.Ann Manager|..Bob Engineer|.Zed Manager"
	if strings.Join(got, "|") != want {
		t.Errorf("tree %s\nwant %s", strings.Join(got, "|"), want)
	}
	if !tr.ByID[6].InCycle || tr.ByID[7].InCycle {
		t.Errorf("the loop is cut at its lowest id: %v %v", tr.ByID[6].InCycle, tr.ByID[7].InCycle)
	}
	if tr.ByID[1].Size != 4 || tr.ByID[6].Size != 2 {
		t.Errorf("sizes %d %d", tr.ByID[1].Size, tr.ByID[6].Size)
	}
	count := 0
	tr.Walk(func(*TreeNode, int) { count++ })
	if count != len(nodes) {
		t.Errorf("walked %d of %d", count, len(nodes))
	}
}

func TestCheckManagerRefusesLoops(t *testing.T) {
	lines := map[int64]int64{2: 1, 3: 2, 4: 3, 9: 8, 8: 9} // 4 -> 3 -> 2 -> 1; 8 <-> 9 already loop
	managerOf := func(id int64) (*int64, bool) {
		if m, ok := lines[id]; ok {
			return &m, true
		}
		return nil, true
	}
	name := func(id int64) string { return fmt.Sprintf("P%d", id) }
	err := CheckManager(managerOf, name, 1, 4)
	if !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "P1 → P4 → P3 → P2 → P1") {
		t.Errorf("1 under 4: %v", err)
	}
	if err := CheckManager(managerOf, name, 2, 2); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("self: %v", err)
	}
	if err := CheckManager(managerOf, name, 4, 1); err != nil {
		t.Errorf("4 directly under 1: %v", err)
	}
	if err := CheckManager(managerOf, name, 5, 8); err != nil { // the old loop above does not involve 5
		t.Errorf("under an old loop: %v", err)
	}
	if got := Chain(managerOf, 4); fmt.Sprint(got) != "[3 2 1]" {
		t.Errorf("chain %v", got)
	}
	if got := Chain(managerOf, 9); fmt.Sprint(got) != "[8]" {
		t.Errorf("chain through a loop %v", got)
	}
}

// TestSpanWarningsAndRatios builds an organisation over the handbook's
// spans and checks each warning and ratio.
func TestSpanWarningsAndRatios(t *testing.T) {
	var nodes []Node
	id := int64(0)
	add := func(name string, mgr int64, level, track, region string) int64 {
		id++
		nodes = append(nodes, n(id, name, mgr, level, track, region))
		return id
	}
	sm := add("Sam Senior", 0, "senior-manager-support-engineering", TrackManager, "AMER")
	var mgrs []int64
	for i := range 5 { // 5 managers under a senior manager: over ~3 (limit 4)
		mgrs = append(mgrs, add(fmt.Sprintf("Manager %d", i), sm, "manager-support-engineering", TrackManager, "AMER"))
	}
	for i := range 3 { // 3 Staff directly: over 0-2
		add(fmt.Sprintf("Staff %d", i), sm, "staff-support-engineer", TrackIC, "EMEA")
	}
	for i := range 13 { // 13 engineers under one manager: over ~10 (limit 12)
		add(fmt.Sprintf("Eng A%02d", i), mgrs[0], "support-engineer", TrackIC, "AMER")
	}
	for i := range 24 { // 37 engineers indirectly in all: over ~30 (limit 36)
		add(fmt.Sprintf("Eng B%02d", i), mgrs[1+i%4], "senior-support-engineer", TrackIC, "APAC")
	}
	add("No Level", mgrs[1], "", "", "APAC")
	s := Summarize(nodes)
	rules := map[string]SpanWarning{}
	for _, w := range s.SpanWarnings {
		rules[fmt.Sprintf("%d/%s", w.ManagerID, w.Rule)] = w
	}
	for key, count := range map[string]int{
		fmt.Sprintf("%d/direct_managers", sm):       5,
		fmt.Sprintf("%d/direct_staff", sm):          3,
		fmt.Sprintf("%d/indirect_engineers", sm):    37,
		fmt.Sprintf("%d/direct_engineers", mgrs[0]): 13,
	} {
		if w, ok := rules[key]; !ok || w.Count != count {
			t.Errorf("warning %s: %+v (all: %v)", key, w, s.SpanWarnings)
		}
	}
	if len(s.SpanWarnings) != 4 {
		t.Errorf("%d warnings: %v", len(s.SpanWarnings), s.SpanWarnings)
	}
	// 40 ICs, 6 managers, 1 without a level.
	if s.Headcount != 47 || s.ICs != 40 || s.Managers != 6 || s.Unleveled != 1 || *s.ICManagerRatio != 6.67 {
		t.Errorf("overall %+v ratio %v", s.Counts, *s.ICManagerRatio)
	}
	if r := s.ByRegion["AMER"]; r.ICs != 13 || r.Managers != 6 || *r.ICManagerRatio != 2.17 {
		t.Errorf("AMER %+v", r)
	}
	if r := s.ByRegion["EMEA"]; r.ICs != 3 || r.Managers != 0 || r.ICManagerRatio != nil {
		t.Errorf("EMEA %+v", r)
	}
	if s.ByLevel["senior-support-engineer"] != 24 || s.ByLevel["(no level)"] != 1 {
		t.Errorf("by level %v", s.ByLevel)
	}
	for _, mc := range s.ByManager {
		switch mc.ManagerID {
		case sm:
			if mc.ICs != 40 || mc.Managers != 6 || mc.DirectReports != 8 {
				t.Errorf("senior manager %+v", mc)
			}
		case mgrs[0]:
			if mc.ICs != 13 || mc.Managers != 1 || *mc.ICManagerRatio != 13 {
				t.Errorf("manager 0 %+v", mc)
			}
		}
	}
	if len(s.ByManager) != 6 {
		t.Errorf("%d managers in by_manager", len(s.ByManager))
	}
}

func TestCurrentDropsLeavers(t *testing.T) {
	left, stays := "2026-01-31", "2026-02-28"
	nodes := []Node{{ID: 1, EndDate: &left}, {ID: 2, EndDate: &stays}, {ID: 3}}
	got := Current(nodes, "2026-02-01")
	if len(got) != 2 || got[0].ID != 2 || got[1].ID != 3 {
		t.Errorf("current %+v", got)
	}
}
