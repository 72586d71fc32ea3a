package rules

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSeeds are single rule objects in Zendesk's shapes.
func fuzzSeeds(t interface{ Fatal(...any) }) []string {
	var seeds []string
	var trig struct{ Triggers []json.RawMessage }
	var auto struct{ Automations []json.RawMessage }
	var mac struct{ Macro json.RawMessage }
	var view struct{ View json.RawMessage }
	for src, dst := range map[string]any{zendeskTriggers: &trig, zendeskAutomations: &auto, zendeskMacro: &mac, zendeskView: &view} {
		if err := json.Unmarshal([]byte(src), dst); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range append(trig.Triggers, auto.Automations...) {
		seeds = append(seeds, string(r))
	}
	return append(seeds, string(mac.Macro), string(view.View),
		`{"title":"t","active":true,"conditions":{"all":[{"field":"status","operator":"is","value":"open"}]},"actions":[{"field":"status","value":"solved"}]}`,
		`{"title":"t","conditions":{"all":[{"field":"NEW","operator":"is","value":1.5},{"field":"current_tags","operator":"not_includes","value":["x"]}]},"actions":[{"field":"current_tags","value":"x"}]}`,
		`{"title":"v","all":[{"field":"custom_fields_1","operator":"less_than","value":1e308}],"output":{"columns":[1,{"id":null}]}}`,
		`{"conditions":{"all":[{"field":"assignee_id","operator":"value","value":"current_user"}]},"actions":[{"field":"notification_webhook","value":["w","{{ticket.id}}"]}]}`,
		`[]`, `null`, `{"conditions":null,"actions":[null]}`)
}

func FuzzDecodeValidateEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add([]byte(s))
	}
	for _, s := range fuzzSeeds(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(checkRuleJSON)
}

// FuzzConditionAction builds rules around one fuzzed condition and action,
// which reaches validation and evaluation far more often than raw JSON.
func FuzzConditionAction(f *testing.F) {
	f.Add("status", "less_than", "solved", "status", "closed")
	f.Add("PENDING", "greater_than", "24", "current_tags", "x")
	f.Add("current_tags", "not_includes", "x y", "current_tags", "y")
	f.Add("assignee_id", "is", "current_user", "assignee_id", "")
	f.Add("custom_fields_1", "greater_than_equal", "2.5", "custom_fields_1", "1")
	f.Add("comment_includes_word", "includes", `"refund please" x`, "notification_user", `["requester_id","s","{{ticket.title}}"]`)
	f.Add("hours_until_next_sla_breach", "is", "1.5", "notification_webhook", `["w","{\"a\": \"{{ticket.title}}\"}"]`)
	f.Add("priority", "value", "urgent", "comment_value", `["channel:all","hi {{current_user.name}}"]`)
	f.Fuzz(func(t *testing.T, field, op, value, actField, actValue string) {
		val := func(s string) json.RawMessage {
			if json.Valid([]byte(s)) {
				return json.RawMessage(s)
			}
			b, _ := json.Marshal(s)
			return b
		}
		c := map[string]any{"field": field, "operator": op, "value": val(value)}
		timed := map[string]any{"field": "hours_since_created", "operator": "greater_than", "value": "1"}
		for _, conds := range []map[string]any{
			{"all": []any{c, timed}},
			{"all": []any{c}},
			{"all": []any{timed}, "any": []any{c}},
		} {
			data, err := json.Marshal(map[string]any{
				"title":      "fuzz",
				"conditions": conds,
				"actions":    []any{map[string]any{"field": actField, "value": val(actValue)}},
			})
			if err != nil {
				t.Fatal(err)
			}
			checkRuleJSON(t, data)
		}
	})
}

// checkRuleJSON decodes data as each rule type, validates it and runs it,
// checking the invariants that must hold for any input.
func checkRuleJSON(t *testing.T, data []byte) {
	now := t0()
	before := baseTicket()
	after := before.Clone()
	after.Status, after.Priority = StatusPending, PriorityUrgent
	after.SolvedAt, after.PendingAt = now.Add(-100*time.Hour), now.Add(-3*time.Hour)
	upd := Update{CurrentUserID: 11, CurrentUserRole: "agent", Via: "web", At: now,
		Comment: &Comment{Body: "refund please", Public: true}, Data: sampleData()}

	var tr Trigger
	if json.Unmarshal(data, &tr) == nil {
		err := tr.Validate()
		tr.Active = true
		res, runErr := RunTriggers([]Trigger{tr, tr}, before, after, upd)
		if runErr != nil {
			t.Fatalf("two triggers cannot loop: %v", runErr)
		}
		if err != nil {
			if len(res.Invalid) != 2 || len(res.Fired) != 0 {
				t.Fatalf("invalid trigger ran: %+v", res)
			}
		} else if len(res.Invalid) != 0 || len(res.Fired) > 2 {
			t.Fatalf("valid trigger: %+v", res)
		}
		if _, merr := TriggerMatches(tr, before, after, upd); (merr == nil) != (err == nil) {
			t.Fatal("TriggerMatches and Validate disagree")
		}
	}

	var a Automation
	if json.Unmarshal(data, &a) == nil {
		err := a.Validate()
		a.Active = true
		res := RunAutomations([]Automation{a}, after, now, nil, sampleData())
		if err == nil && len(res.Fired) == 1 {
			// Validation guarantees a nullifying action.
			if ok, _ := AutomationMatches(a, res.Ticket, now); ok {
				t.Fatalf("automation still matches after firing: %+v\n%+v", a, res.Ticket)
			}
			if !MarkerStale(a, res.Ticket, now) {
				t.Fatal("marker not stale after firing")
			}
		}
		if err != nil && len(res.Fired) != 0 {
			t.Fatal("invalid automation fired")
		}
	}

	var m Macro
	if json.Unmarshal(data, &m) == nil {
		res, err := ApplyMacro(m, before, Actor{ID: 11}, sampleData())
		if (err == nil) != (m.Validate() == nil) {
			t.Fatal("ApplyMacro and Validate disagree")
		}
		if err == nil {
			if n := len(res.Effects); n > 1 || (n == 1 && res.Effects[0].Kind != EffectComment) {
				t.Fatalf("macro effects: %+v", res.Effects)
			}
			if res.Ticket.ID != before.ID || res.Ticket.RequesterID != before.RequesterID {
				t.Fatal("macro changed immutable fields")
			}
		}
		MacroAvailable(m, 11, []int64{7})
	}

	var v View
	if json.Unmarshal(data, &v) == nil {
		fl, err := v.Filter()
		if (err == nil) != (v.Validate() == nil) {
			t.Fatal("Filter and Validate disagree")
		}
		if err == nil {
			conds, _ := compileView(v)
			for _, tk := range []Ticket{before, after, {}} {
				for _, user := range []int64{0, 11} {
					if fl.Match(tk, user, now) != conds.match(&env{t: tk, now: now, userID: user}) {
						t.Fatalf("filter and conditions disagree for %+v", v.Conditions)
					}
				}
			}
			_ = fl.Compare(before, after)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"{{ticket.id}}", "Hi {{ ticket.requester.first_name }}!", "{{", "}}", "{{{{ticket.title}}}}",
		`{"t": "{{ticket.title}}"}`, "{{ticket.title | upcase}}", "\xff{{current_user.name}}", ""} {
		f.Add(s, `va"lue<>&`+"\n\x00\xfe")
	}
	f.Fuzz(func(t *testing.T, tmpl, value string) {
		d := sampleData()
		d.Ticket.Subject = value
		for _, mode := range []Escape{EscapeNone, EscapeHTML, EscapeJSON} {
			out := RenderEscaped(tmpl, d, mode)
			if !strings.Contains(tmpl, "{{") && out != tmpl {
				t.Fatalf("template without placeholders changed: %q -> %q", tmpl, out)
			}
		}
		// Values are inserted once, never expanded again.
		if got := Render("{{ticket.title}}", d); got != value {
			t.Fatalf("Render(title) = %q, want %q", got, value)
		}
		// JSON mode keeps a payload valid and round-trips the value.
		payload := RenderEscaped(`{"t": "{{ticket.title}}", "id": {{ticket.id}}}`, d, EscapeJSON)
		var got struct{ T string }
		if err := json.Unmarshal([]byte(payload), &got); err != nil {
			t.Fatalf("payload %q: %v", payload, err)
		}
		if utf8.ValidString(value) && got.T != value {
			t.Fatalf("JSON round trip: %q -> %q", value, got.T)
		}
		// HTML mode leaves no markup-significant characters from values.
		html := RenderEscaped("{{ticket.title}}", d, EscapeHTML)
		if strings.ContainsAny(html, `<>"'`) || strings.Count(html, "&") != strings.Count(html, ";")-strings.Count(value, ";") {
			t.Fatalf("HTML escaping of %q = %q", value, html)
		}
	})
}
