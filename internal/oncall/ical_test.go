package oncall

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// icalPython finds a Python with Debian's python3-icalendar (the CI
// script installs it); without one the test is skipped locally and fails
// in CI.
func icalPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import icalendar").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3-icalendar is required in CI (apt-get install python3-icalendar)")
	}
	t.Skip("python3-icalendar not installed (apt-get install python3-icalendar); skipping the independent iCal parse")
	return ""
}

const parseICal = `
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = {"name": str(cal.get("X-WR-CALNAME")), "events": []}
for ev in cal.walk("VEVENT"):
    out["events"].append({"uid": str(ev.get("UID")), "start": ev.decoded("DTSTART").isoformat(),
        "end": ev.decoded("DTEND").isoformat(), "summary": str(ev.get("SUMMARY")), "description": str(ev.get("DESCRIPTION", ""))})
print(json.dumps(out))
`

// The feed of a schedule across the London spring change parses with an
// independent parser: every shift, exact instants, escaped text intact,
// the same UIDs on a second render.
func TestICalFeedParsesIndependently(t *testing.T) {
	ldn := zone(t, "Europe/London")
	s := sched(Layer{TZ: "Europe/London", TurnUnit: TurnDaily, TurnCount: 1, StartDate: "2026-03-01", HandoffTime: "09:00", Members: []int64{1, 2}})
	from, to := local(ldn, "2026-03-27 09:00"), local(ldn, "2026-03-31 09:00")
	var evs []ICalEvent
	for _, g := range Render(s, from, to) {
		evs = append(evs, ICalEvent{ScheduleID: 7, UserID: g.UserID, Start: g.Start, End: g.End,
			Summary: "On call: CEOC; EMEA, weekday \\ " + strings.Repeat("é", 60), Description: "line one\nline two"})
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	feed := ICal("CEOC, follow the sun", "frontline.test", now, evs)
	for _, line := range strings.Split(feed, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("unfolded line of %d octets: %q", len(line), line)
		}
	}
	if again := ICal("CEOC, follow the sun", "frontline.test", now.Add(time.Hour), evs); strings.Count(again, "UID:") != 4 ||
		!strings.Contains(again, evs[0].UID("frontline.test")) {
		t.Fatal("UIDs not stable")
	}
	py := icalPython(t)
	cmd := exec.Command(py, "-c", parseICal)
	cmd.Stdin = strings.NewReader(feed)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python icalendar: %v\n%s", err, out)
	}
	var got struct {
		Name   string `json:"name"`
		Events []struct{ UID, Start, End, Summary, Description string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Name != "CEOC, follow the sun" || len(got.Events) != 4 {
		t.Fatalf("parsed %+v", got)
	}
	for i, e := range got.Events {
		st, _ := time.Parse(time.RFC3339, e.Start)
		en, _ := time.Parse(time.RFC3339, e.End)
		if !st.Equal(evs[i].Start) || !en.Equal(evs[i].End) || e.UID != evs[i].UID("frontline.test") ||
			e.Summary != evs[i].Summary || e.Description != "line one\nline two" {
			t.Errorf("event %d: %+v want %+v", i, e, evs[i])
		}
	}
	// The turn over the change is 23 hours in the parsed feed too.
	st, _ := time.Parse(time.RFC3339, got.Events[1].Start)
	en, _ := time.Parse(time.RFC3339, got.Events[1].End)
	if en.Sub(st) != 23*time.Hour {
		t.Fatalf("spring turn parsed as %v", en.Sub(st))
	}
}
