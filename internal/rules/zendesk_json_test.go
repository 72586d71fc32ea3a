package rules

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Trigger list as exported by GET /api/v2/triggers.json.
const zendeskTriggers = `{
  "triggers": [
    {
      "url": "https://acme.zendesk.com/api/v2/triggers/360042870112.json",
      "id": 360042870112,
      "title": "Notify requester and CCs of comment update",
      "active": true,
      "updated_at": "2020-03-24T18:19:42Z",
      "created_at": "2019-08-02T09:54:34Z",
      "default": false,
      "actions": [
        {
          "field": "notification_user",
          "value": [
            "requester_and_ccs",
            "[{{ticket.account}}] Re: {{ticket.title}}",
            "Your request ({{ticket.id}}) has been updated. To add additional comments, reply to this email.\n\n{{ticket.latest_public_comment}}"
          ]
        }
      ],
      "conditions": {
        "all": [
          {"field": "update_type", "operator": "is", "value": "Change"},
          {"field": "comment_is_public", "operator": "is", "value": "requester_can_see_comment"},
          {"field": "role", "operator": "is", "value": "agent"}
        ],
        "any": []
      },
      "description": null,
      "position": 3,
      "raw_title": "Notify requester and CCs of comment update",
      "category_id": "360002286792"
    },
    {
      "url": "https://acme.zendesk.com/api/v2/triggers/360042870113.json",
      "id": 360042870113,
      "title": "Route SaaS premium tickets to Tier 2",
      "active": true,
      "updated_at": "2021-05-01T10:00:00Z",
      "created_at": "2021-05-01T10:00:00Z",
      "default": false,
      "actions": [
        {"field": "group_id", "value": 360001234567},
        {"field": "priority", "value": "high"},
        {"field": "current_tags", "value": "tier2 premium_route"}
      ],
      "conditions": {
        "all": [
          {"field": "update_type", "operator": "is", "value": "Create"},
          {"field": "organization.plan", "operator": "is", "value": "saas"},
          {"field": "organization.tier", "operator": "greater_than", "value": "free"},
          {"field": "group_id", "operator": "is", "value": ""}
        ],
        "any": [
          {"field": "via_id", "operator": "is", "value": 4},
          {"field": "via_id", "operator": "is", "value": "0"}
        ]
      },
      "description": "Premium SaaS customers skip Tier 1",
      "position": 7,
      "raw_title": "Route SaaS premium tickets to Tier 2",
      "category_id": 360002286793
    },
    {
      "url": "https://acme.zendesk.com/api/v2/triggers/360042870114.json",
      "id": 360042870114,
      "title": "Post urgent tickets to Slack",
      "active": false,
      "updated_at": "2022-01-12T08:30:00Z",
      "created_at": "2022-01-12T08:30:00Z",
      "default": false,
      "actions": [
        {
          "field": "notification_webhook",
          "value": [
            "01GQ6T2N8V5C9W4X7Y3Z0ABCDE",
            "{\n  \"ticket_id\": {{ticket.id}},\n  \"text\": \"Urgent: {{ticket.title}} ({{ticket.url}})\"\n}"
          ]
        }
      ],
      "conditions": {
        "all": [
          {"field": "priority", "operator": "value", "value": "urgent"},
          {"field": "status", "operator": "less_than", "value": "solved"},
          {"field": "custom_fields_360011112222", "operator": "is", "value": "enterprise_plan"}
        ],
        "any": []
      },
      "description": null,
      "position": 12,
      "raw_title": "Post urgent tickets to Slack",
      "category_id": "360002286792"
    }
  ],
  "next_page": null,
  "previous_page": null,
  "count": 3
}`

// Automation list as exported by GET /api/v2/automations.json.
const zendeskAutomations = `{
  "automations": [
    {
      "url": "https://acme.zendesk.com/api/v2/automations/360017421099.json",
      "id": 360017421099,
      "title": "Close ticket 4 days after status is set to solved",
      "active": true,
      "updated_at": "2019-09-17T21:22:20Z",
      "created_at": "2019-09-17T21:22:20Z",
      "default": false,
      "actions": [{"field": "status", "value": "closed"}],
      "conditions": {
        "all": [
          {"field": "status", "operator": "is", "value": "solved"},
          {"field": "SOLVED", "operator": "greater_than", "value": "96"}
        ],
        "any": []
      },
      "position": 0,
      "raw_title": "Close ticket 4 days after status is set to solved"
    },
    {
      "url": "https://acme.zendesk.com/api/v2/automations/360017421100.json",
      "id": 360017421100,
      "title": "Pending reminder after 24 hours",
      "active": true,
      "updated_at": "2020-02-02T10:00:00Z",
      "created_at": "2020-02-02T10:00:00Z",
      "default": false,
      "actions": [
        {"field": "notification_user", "value": ["requester_id", "Reminder: {{ticket.title}}", "Hi {{ticket.requester.first_name}}, we are waiting for your reply on #{{ticket.id}}."]},
        {"field": "current_tags", "value": "pending_reminder_24h"}
      ],
      "conditions": {
        "all": [
          {"field": "status", "operator": "is", "value": "pending"},
          {"field": "PENDING", "operator": "greater_than", "value": 24},
          {"field": "current_tags", "operator": "not_includes", "value": "pending_reminder_24h"}
        ],
        "any": []
      },
      "position": 1,
      "raw_title": "Pending reminder after 24 hours"
    }
  ],
  "next_page": null,
  "previous_page": null,
  "count": 2
}`

// Macro as exported by GET /api/v2/macros/{id}.json.
const zendeskMacro = `{
  "macro": {
    "url": "https://acme.zendesk.com/api/v2/macros/360111111111.json",
    "id": 360111111111,
    "title": "Customer not responding::Downgrade and inform",
    "active": true,
    "updated_at": "2021-07-20T14:00:00Z",
    "created_at": "2020-01-15T09:00:00Z",
    "default": false,
    "position": 10001,
    "description": null,
    "actions": [
      {"field": "priority", "value": "low"},
      {"field": "comment_value", "value": ["channel:all", "Hi {{ticket.requester.first_name}},\n\nWe have not heard back from you, so we lowered the priority of #{{ticket.id}}.\n\n{{current_user.name}}"]},
      {"field": "comment_mode_is_public", "value": "true"},
      {"field": "status", "value": "pending"},
      {"field": "current_tags", "value": "no_response"},
      {"field": "assignee_id", "value": "current_user"},
      {"field": "custom_fields_360011112222", "value": "downgraded"}
    ],
    "restriction": {"type": "Group", "id": 360002222333, "ids": [360002222333, 360002222444]},
    "raw_title": "Customer not responding::Downgrade and inform"
  }
}`

// View as exported by GET /api/v2/views/{id}.json.
const zendeskView = `{
  "view": {
    "url": "https://acme.zendesk.com/api/v2/views/360080000000.json",
    "id": 360080000000,
    "title": "My urgent unsolved tickets",
    "active": true,
    "updated_at": "2022-11-01T00:00:00Z",
    "created_at": "2022-11-01T00:00:00Z",
    "default": false,
    "position": 3,
    "description": null,
    "execution": {
      "group_by": "status",
      "group_order": "asc",
      "sort_by": "updated",
      "sort_order": "desc",
      "group": {"id": "status", "title": "Status", "order": "asc"},
      "sort": {"id": "updated", "title": "Updated", "order": "desc"},
      "columns": [
        {"id": "score", "title": "Score"},
        {"id": "subject", "title": "Subject"},
        {"id": "requester", "title": "Requester"},
        {"id": 360012345678, "title": "Product", "type": "tagger", "url": "https://acme.zendesk.com/api/v2/ticket_fields/360012345678.json"}
      ],
      "fields": [{"id": "subject", "title": "Subject"}],
      "custom_fields": [{"id": 360012345678, "title": "Product", "type": "tagger"}]
    },
    "conditions": {
      "all": [
        {"field": "status", "operator": "less_than", "value": "solved"},
        {"field": "priority", "operator": "is", "value": "urgent"},
        {"field": "assignee_id", "operator": "is", "value": "current_user"}
      ],
      "any": [
        {"field": "current_tags", "operator": "includes", "value": "vip enterprise"},
        {"field": "organization_id", "operator": "is", "value": 360000111222}
      ]
    },
    "restriction": {"type": "User", "id": 361234567},
    "watchable": true,
    "raw_title": "My urgent unsolved tickets"
  }
}`

func TestDecodeZendeskTriggers(t *testing.T) {
	var doc struct{ Triggers []Trigger }
	mustJSON(t, zendeskTriggers, &doc)
	if len(doc.Triggers) != 3 {
		t.Fatalf("got %d triggers", len(doc.Triggers))
	}
	for _, tr := range doc.Triggers {
		if err := tr.Validate(); err != nil {
			t.Errorf("trigger %q: %v", tr.Title, err)
		}
	}
	first := doc.Triggers[0]
	if first.ID != 360042870112 || first.Position != 3 || !first.Active || first.CategoryID != "360002286792" {
		t.Errorf("first trigger header: %+v", first)
	}
	if !first.CreatedAt.Equal(time.Date(2019, 8, 2, 9, 54, 34, 0, time.UTC)) {
		t.Errorf("created_at = %v", first.CreatedAt)
	}
	l, ok := list(first.Actions[0].Value)
	if !ok || len(l) != 3 || l[0] != "requester_and_ccs" {
		t.Errorf("notification value = %#v", first.Actions[0].Value)
	}
	second := doc.Triggers[1]
	if second.CategoryID != "360002286793" {
		t.Errorf("numeric category_id decoded as %q", second.CategoryID)
	}
	// Numbers stay exact (no float64 rounding of large IDs).
	if v, _ := scalar(second.Actions[0].Value); v != "360001234567" {
		t.Errorf("group_id action value = %q", v)
	}
	if n, ok := second.Conditions.Any[0].Value.(json.Number); !ok || n.String() != "4" {
		t.Errorf("via_id value = %#v", second.Conditions.Any[0].Value)
	}

	// Round trip: encoding and decoding again gives the same rule.
	b, err := json.Marshal(second)
	if err != nil {
		t.Fatal(err)
	}
	var again Trigger
	mustJSON(t, string(b), &again)
	if !reflect.DeepEqual(again, second) {
		t.Errorf("round trip changed the trigger:\n%+v\n%+v", second, again)
	}
}

func TestDecodeZendeskAutomations(t *testing.T) {
	var doc struct{ Automations []Automation }
	mustJSON(t, zendeskAutomations, &doc)
	if len(doc.Automations) != 2 {
		t.Fatalf("got %d automations", len(doc.Automations))
	}
	for _, a := range doc.Automations {
		if err := a.Validate(); err != nil {
			t.Errorf("automation %q: %v", a.Title, err)
		}
	}
	c := doc.Automations[0].Conditions.All[1]
	if c.Field != "SOLVED" || c.Operator != "greater_than" || c.Value != "96" {
		t.Errorf("condition = %+v", c)
	}
}

func TestDecodeZendeskMacro(t *testing.T) {
	var doc struct{ Macro Macro }
	mustJSON(t, zendeskMacro, &doc)
	m := doc.Macro
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.ID != 360111111111 || m.Position != 10001 || len(m.Actions) != 7 {
		t.Errorf("macro = %+v", m)
	}
	if !MacroAvailable(m, 1, []int64{360002222444}) || MacroAvailable(m, 1, []int64{5}) {
		t.Error("group restriction not honoured")
	}
}

func TestDecodeZendeskView(t *testing.T) {
	var doc struct{ View View }
	mustJSON(t, zendeskView, &doc)
	v := doc.View
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	wantExec := Execution{
		Columns: []string{"score", "subject", "requester", "360012345678"},
		GroupBy: "status", GroupOrder: "asc", SortBy: "updated", SortOrder: "desc",
	}
	if !reflect.DeepEqual(v.Execution, wantExec) {
		t.Errorf("execution = %+v", v.Execution)
	}
	if v.Restriction == nil || v.Restriction.Type != "User" || v.Restriction.ID != 361234567 {
		t.Errorf("restriction = %+v", v.Restriction)
	}
	if len(v.Conditions.All) != 3 || len(v.Conditions.Any) != 2 {
		t.Errorf("conditions = %+v", v.Conditions)
	}
}

// The create/update request form puts conditions at the top level and the
// execution under "output".
func TestDecodeViewRequestForm(t *testing.T) {
	const req = `{"view": {"title": "Kelly's tickets", "raw_title": "Kelly's tickets",
	  "all": [{"field": "status", "operator": "less_than", "value": "solved"},
	          {"field": "assignee_id", "operator": "is", "value": 296220096}],
	  "any": [{"field": "current_tags", "operator": "includes", "value": "hello"}],
	  "output": {"columns": ["status", "requester", "assignee"], "group_by": "assignee", "group_order": "desc", "sort_by": "status", "sort_order": "desc"}}}`
	var doc struct{ View View }
	mustJSON(t, req, &doc)
	v := doc.View
	if len(v.Conditions.All) != 2 || len(v.Conditions.Any) != 1 {
		t.Fatalf("conditions = %+v", v.Conditions)
	}
	if v.Execution.GroupBy != "assignee" || v.Execution.SortBy != "status" || len(v.Execution.Columns) != 3 {
		t.Fatalf("execution = %+v", v.Execution)
	}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConditionsMarshalEmptyLists(t *testing.T) {
	b, err := json.Marshal(Trigger{Title: "x", Actions: []Action{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"conditions":{"all":[],"any":[]}`) {
		t.Errorf("got %s", b)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	for _, s := range []string{
		`{"conditions": {"all": [{"field": 5}]}}`,
		`{"actions": [{"field": "status", "value": }]}`,
		`{"conditions": "all"}`,
	} {
		var tr Trigger
		if err := json.Unmarshal([]byte(s), &tr); err == nil {
			t.Errorf("%s: expected a decode error", s)
		}
	}
}
