package rules

import (
	"encoding/json"
	"testing"
)

func sampleData() PlaceholderData {
	tk := baseTicket()
	return PlaceholderData{
		Ticket: tk, CurrentUserID: 11, TicketURL: "https://desk.test/tickets/42",
		SatisfactionRatingURL: "https://desk.test/rate/abc", LatestPublicComment: "Latest <b>reply</b>",
		AccountName: "Acme",
		Users:       map[int64]Person{21: {Name: "Ann Marie Lee", Email: "ann@x.test"}, 11: {Name: "Bo", Email: "bo@x.test"}},
		Groups:      map[int64]string{7: "Support & Co"}, Organizations: map[int64]string{31: `"Globex"`},
	}
}

func TestRenderPlaceholders(t *testing.T) {
	d := sampleData()
	cases := map[string]string{
		"{{ticket.id}}":                             "42",
		"#{{ ticket.id }}: {{ticket.title}}":        "#42: Printer on fire",
		"{{ticket.description}}":                    "It is burning",
		"{{ticket.status}}/{{ticket.priority}}":     "Open/High",
		"{{ticket.url}}":                            "https://desk.test/tickets/42",
		"{{ticket.requester.name}}":                 "Ann Marie Lee",
		"{{ticket.requester.email}}":                "ann@x.test",
		"{{ticket.requester.first_name}}":           "Ann",
		"{{ticket.requester.last_name}}":            "Marie Lee",
		"{{ticket.assignee.name}}":                  "Bo",
		"{{ticket.organization.name}}":              `"Globex"`,
		"{{ticket.group.name}}":                     "Support & Co",
		"{{ticket.tags}}":                           "vip printer",
		"{{current_user.name}}":                     "Bo",
		"{{satisfaction.rating_url}}":               "https://desk.test/rate/abc",
		"{{ticket.latest_public_comment}}":          "Latest <b>reply</b>",
		"{{ticket.account}}":                        "Acme",
		"{{ticket.ticket_type}} via {{ticket.via}}": "Incident via Email",
		// Unknown placeholders, filters, tags and broken braces stay as written.
		"{{ticket.unknown}}":                    "{{ticket.unknown}}",
		"{{ticket.title | upcase}}":             "{{ticket.title | upcase}}",
		"{% if x %}y{% endif %}":                "{% if x %}y{% endif %}",
		"{{ticket.id":                           "{{ticket.id",
		"{{{{ticket.id}}}}":                     "{{42}}",
		"{{{ticket.id}}}":                       "{{{ticket.id}}}",
		"}}{{":                                  "}}{{",
		"no placeholders":                       "no placeholders",
		"{{" + string(make([]byte, 100)) + "}}": "{{" + string(make([]byte, 100)) + "}}",
	}
	for tmpl, want := range cases {
		if got := Render(tmpl, d); got != want {
			t.Errorf("Render(%q) = %q, want %q", tmpl, got, want)
		}
	}
	// Missing data renders empty, not the placeholder.
	d.Ticket.AssigneeID = 0
	if got := Render("[{{ticket.assignee.name}}]", d); got != "[]" {
		t.Errorf("unassigned = %q", got)
	}
}

func TestRenderEscaping(t *testing.T) {
	d := sampleData()
	d.Ticket.Subject = `<img src=x onerror="alert(1)"> & "quotes" \ done` + "\n"
	if got := RenderEscaped("<h1>{{ticket.title}}</h1>", d, EscapeHTML); got != "<h1>&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &#34;quotes&#34; \\ done\n</h1>" {
		t.Errorf("html = %q", got)
	}
	payload := RenderEscaped(`{"id": {{ticket.id}}, "title": "{{ticket.title}}", "org": "{{ticket.organization.name}}", "keep": "{{ticket.nope}}"}`, d, EscapeJSON)
	var got map[string]any
	if err := json.Unmarshal([]byte(payload), &got); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	if got["title"] != d.Ticket.Subject || got["org"] != `"Globex"` || got["id"] != 42.0 || got["keep"] != "{{ticket.nope}}" {
		t.Errorf("payload = %v", got)
	}
	// Template text is never escaped, only values.
	if got := RenderEscaped(`<b>"{{ticket.id}}"</b>`, d, EscapeHTML); got != `<b>"42"</b>` {
		t.Errorf("template text changed: %q", got)
	}
}
