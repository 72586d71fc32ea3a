package incident

import (
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

func TestPolicyLevels(t *testing.T) {
	p := Policy{NumLoops: 1, Rules: []Rule{{DelayMinutes: 10}, {DelayMinutes: 5}, {DelayMinutes: 15}}}
	want := []int{0, 1, 2, 0, 1, 2}
	for step, lvl := range want {
		if got, ok := p.Level(step); !ok || got != lvl {
			t.Errorf("step %d: level %d %v, want %d", step, got, ok, lvl)
		}
	}
	if _, ok := p.Level(6); ok {
		t.Error("step 6 of a policy walked twice")
	}
	if _, ok := (&Policy{}).Level(0); ok {
		t.Error("a policy without levels pages")
	}
	in := DefaultEmergencyPolicy(1, 2, nil)
	if err := in.Validate(); err != nil || in.Rules[0].DelayMinutes != 10 || in.Rules[1].DelayMinutes != 5 || in.Rules[2].Targets[0].ID != 2 {
		t.Fatalf("%+v %v", in, err)
	}
	bad := PolicyInput{Name: "x", NumLoops: 10, Rules: []Rule{{DelayMinutes: 9001, Targets: []Target{{Kind: "team", ID: 1}}}}}
	err := bad.Validate()
	for _, f := range []string{"num_loops", "escalation_rules[0].escalation_delay_in_minutes", "escalation_rules[0].targets"} {
		if !strings.Contains(err.Error(), f) && !hasField(err, f) {
			t.Errorf("no problem with %s: %v", f, err)
		}
	}
}

func hasField(err error, f string) bool {
	e, ok := err.(*errs.Error)
	return ok && len(e.Fields[f]) > 0
}

func TestUpdateCadence(t *testing.T) {
	for _, c := range []struct {
		sev   int
		state string
		want  time.Duration
	}{
		{1, Investigating, 10 * time.Minute}, {1, Identified, 10 * time.Minute}, {1, Monitoring, 30 * time.Minute},
		{2, Investigating, 15 * time.Minute}, {3, Identified, 30 * time.Minute}, {4, Monitoring, time.Hour},
		{1, StateResolved, 0},
	} {
		if got := UpdateInterval(c.sev, c.state); got != c.want {
			t.Errorf("severity %d %s: %s, want %s", c.sev, c.state, got, c.want)
		}
	}
}

func TestStatusMoves(t *testing.T) {
	ok := [][2]string{{Triggered, Acknowledged}, {Triggered, Resolved}, {Acknowledged, Resolved}, {Acknowledged, Triggered}, {Acknowledged, Acknowledged}}
	for _, m := range ok {
		if err := CanMove(m[0], m[1]); err != nil {
			t.Errorf("%s -> %s: %v", m[0], m[1], err)
		}
	}
	for _, m := range [][2]string{{Resolved, Triggered}, {Resolved, Acknowledged}, {Triggered, "closed"}} {
		if err := CanMove(m[0], m[1]); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Incident status rule") {
			t.Errorf("%s -> %s allowed: %v", m[0], m[1], err)
		}
	}
}

func TestAckTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := AckToken(key, 42)
	if id, err := ParseAckToken(key, tok); err != nil || id != 42 {
		t.Fatalf("%d %v", id, err)
	}
	if _, err := ParseAckToken([]byte("another key of the same length.."), tok); err == nil {
		t.Error("a token checks under another key")
	}
	forged := AckToken(key, 43)
	if _, err := ParseAckToken(key, forged[:11]+tok[11:]); err == nil {
		t.Error("a token with another page id checks")
	}
	if _, err := ParseAckToken(key, "not base64!"); err == nil {
		t.Error("garbage checks")
	}
}

func TestChatBodies(t *testing.T) {
	m := ChatMessage{Title: "[Triggered] Incident #1: DB down", Text: "Ops — paged: Ann", Link: "https://f.example/incidents/1", Color: "d40e0d"}
	s, _ := ChatBody(FormatSlack, m)
	if s["text"] != m.Title || s["attachments"].([]map[string]any)[0]["title_link"] != m.Link {
		t.Errorf("slack: %v", s)
	}
	mm, _ := ChatBody(FormatMattermost, m)
	if !strings.Contains(mm["text"].(string), m.Link) {
		t.Errorf("mattermost: %v", mm)
	}
	tm, _ := ChatBody(FormatTeams, m)
	if tm["@type"] != "MessageCard" || tm["themeColor"] != "d40e0d" || tm["potentialAction"] == nil {
		t.Errorf("teams: %v", tm)
	}
	if _, err := ChatBody("irc", m); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("irc: %v", err)
	}
}

func TestEventValidation(t *testing.T) {
	key := strings.Repeat("a", 32)
	good := Event{RoutingKey: key, EventAction: "trigger", Payload: &EventPayload{Summary: "x", Source: "y", Severity: "warning"}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]Event{
		"short key":      {RoutingKey: "abc", EventAction: "trigger", Payload: good.Payload},
		"no payload":     {RoutingKey: key, EventAction: "trigger"},
		"no source":      {RoutingKey: key, EventAction: "trigger", Payload: &EventPayload{Summary: "x", Severity: "info"}},
		"ack no key":     {RoutingKey: key, EventAction: "acknowledge"},
		"unknown action": {RoutingKey: key, EventAction: "snooze", DedupKey: "k"},
		"long dedup key": {RoutingKey: key, EventAction: "resolve", DedupKey: strings.Repeat("k", 256)},
	} {
		if err := e.Validate(); !errs.Is(err, errs.KindInvalid) || !strings.Contains(err.Error(), "Events rule") && !strings.Contains(strings.ToLower(err.Error()), "invalid") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
