package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/limits"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// TestListPageBound: a ticket list page is bounded (issue 15: four tickets
// with 9.5 MB descriptions made one list 38 MB). Tickets with every field
// at its limit, written with the characters JSON makes longest, fill at
// least 90% of ticket.MaxJSONBytes each and never more; a full page of 100
// is at most 25 MB with the default limits. One character more in any
// field is refused.
func TestListPageBound(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.srv.MaxBodyBytes = 2 << 20
		ctx := context.Background()
		l := e.tickets.Limits()
		if l != limits.Default() {
			t.Fatalf("limits %+v", l)
		}
		if page := 100 * ticket.MaxJSONBytes(l); page > 32<<20 {
			t.Fatalf("a page of 100 tickets may take %d bytes", page)
		} else {
			t.Logf("bound: %d bytes a ticket, %.1f MB a page of 100", ticket.MaxJSONBytes(l), float64(page)/1e6)
		}
		agent, cust := e.users[people.RoleAgent], e.users[people.RoleEndUser]
		emoji := "😀" // four bytes, not escaped
		worst := func(i int) ticket.CreateInput {
			tags := make([]string, l.Tags)
			for j := range tags {
				tags[j] = strings.Repeat(emoji, l.TagChars-4) + fmt.Sprintf("%04d", j)
			}
			cfOverhead := len(`[{"id":1,"value":""}]`)
			ext := strings.Repeat(emoji, limits.NameChars-3) + fmt.Sprintf("%03d", i)
			return ticket.CreateInput{
				Subject:      strings.Repeat(emoji, l.SubjectChars),
				Comment:      ticket.CommentInput{Body: strings.Repeat(`"`, l.CommentBytes)},
				RequesterID:  cust.ID,
				Tags:         tags,
				ExternalID:   &ext,
				Recipient:    strings.Repeat(emoji, limits.NameChars),
				CustomFields: []ticket.CustomField{{ID: 1, Value: strings.Repeat(`"`, (limits.CustomFieldsBytes-cfOverhead)/2)}},
				Via:          &ticket.Via{Channel: "api", Source: map[string]any{"x": strings.Repeat(`"`, (limits.ViaBytes-60)/2)}},
			}
		}
		const n = 10
		actor := ticket.Actor{UserID: agent.ID, Role: "agent"}
		for i := range n {
			if _, _, err := e.tickets.Create(ctx, actor, worst(i)); err != nil {
				t.Fatal(err)
			}
		}
		r, m := e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets?per_page=%d", n), "")
		if r.code != 200 || len(m["tickets"].([]any)) != n {
			t.Fatalf("%d %.300s", r.code, r.body)
		}
		per := ticket.MaxJSONBytes(l) + len(e.ts.URL+"/api/v2/tickets/9223372036854775807.json,\"url\":\"\"")
		bound := n*per + 200
		t.Logf("a page of %d worst-case tickets: %d bytes (bound %d)", n, len(r.body), bound)
		if len(r.body) > bound || len(r.body) < bound*9/10 {
			t.Fatalf("a page of %d worst-case tickets is %d bytes; bound %d", n, len(r.body), bound)
		}
		// One more character anywhere is refused.
		over := map[string]func(in *ticket.CreateInput){
			"subject":       func(in *ticket.CreateInput) { in.Subject += "x" },
			"comment.body":  func(in *ticket.CreateInput) { in.Comment.Body += "x" },
			"tags":          func(in *ticket.CreateInput) { in.Tags = append(in.Tags, "one-more") },
			"external_id":   func(in *ticket.CreateInput) { *in.ExternalID += "x" },
			"recipient":     func(in *ticket.CreateInput) { in.Recipient += "x" },
			"custom_fields": func(in *ticket.CreateInput) { in.CustomFields[0].Value = in.CustomFields[0].Value.(string) + `"` },
			"via":           func(in *ticket.CreateInput) { in.Via.Source["y"] = strings.Repeat("y", 60) },
		}
		for field, grow := range over {
			in := worst(99)
			grow(&in)
			b, _ := json.Marshal(map[string]any{"ticket": in})
			r, _ := e.apiRaw("agent", "POST", "/api/v2/tickets", string(b))
			if r.code != 422 || !strings.Contains(r.body, `"`+field+`"`) {
				t.Errorf("%s one over the limit: %d %.300s", field, r.code, r.body)
			}
		}
	})
}

// TestLimitsEveryPath: the size limits hold on every way in, with the
// field named: the API (422 JSON), the portal and the agent workspace (the
// form again with the message and what was typed), a macro's comment once
// applied, a trigger's tags (the trigger's changes are skipped, the
// ticket's own change stays), and a whole request over --max-body (413).
// The 9.5 MB portal request of issue 15 is refused and stores nothing.
func TestLimitsEveryPath(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		d := e.srv.Deps
		d.Macros, d.MaxBodyBytes = RulesMacros(e.srv.Rules), 10<<20
		e = withDeps(t, e, d)
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		tk := e.customerTicket(cust, "Kept", "kept body")
		cc, ac := signIn(t, e, cust.Email), signIn(t, e, agent.Email)
		page := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		tok := e.csrf(cc, "/portal/new")
		atok := e.csrf(ac, page)
		before := dbState(t, e)
		long := strings.Repeat("a", 65537)

		// API.
		r, _ := e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket": {"subject": "s", "comment": {"body": %q}, "requester_id": %d}}`, long, cust.ID))
		if r.code != 422 || !strings.Contains(r.body, `"comment.body"`) || !strings.Contains(r.body, "maximum is 65536 bytes") {
			t.Errorf("API create: %d %.300s", r.code, r.body)
		}
		r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk.ID), fmt.Sprintf(`{"ticket": {"comment": {"html_body": %q}}}`, "<p>"+long+"</p>"))
		if r.code != 422 || !strings.Contains(r.body, `"comment.html_body"`) {
			t.Errorf("API update: %d %.300s", r.code, r.body)
		}
		r, _ = e.api("agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk.ID), fmt.Sprintf(`{"ticket": {"subject": %q}}`, strings.Repeat("s", 256)))
		if r.code != 422 || !strings.Contains(r.body, `"subject"`) {
			t.Errorf("API subject: %d %.300s", r.code, r.body)
		}

		// Portal: the 9.5 MB request, as a browser sends it (multipart).
		huge := strings.Repeat("log line\n", 9500000/9)
		body, ct := multipartBody(url.Values{"csrf_token": {tok}, "subject": {"Everything broke"}}, "body", huge)
		r = e.do(cc, "POST", "/portal/tickets", body, "Content-Type", ct)
		if r.code != 422 || !strings.Contains(r.body, "Comment.body: is too long (maximum is 65536 bytes)") ||
			!strings.Contains(r.body, `value="Everything broke"`) {
			t.Errorf("portal 9.5 MB: %d %.300s", r.code, r.body)
		}
		body, ct = multipartBody(url.Values{"csrf_token": {tok}, "subject": {"x"}}, "body", strings.Repeat("x", 11<<20))
		if r = e.do(cc, "POST", "/portal/tickets", body, "Content-Type", ct); r.code != 413 {
			t.Errorf("portal over --max-body: %d %.300s", r.code, r.body)
		}
		r = e.do(cc, "POST", fmt.Sprintf("/portal/tickets/%d/reply", tk.ID), strings.NewReader(url.Values{"csrf_token": {tok}, "body": {long}}.Encode()), formCT...)
		if r.code != 422 || !strings.Contains(r.body, "Comment.body: is too long") || !strings.Contains(r.body, long[:1000]) {
			t.Errorf("portal reply: %d %.300s", r.code, r.body)
		}

		// Agent workspace: a long reply and too many tags.
		post := func(vals url.Values) resp {
			vals.Set("csrf_token", atok)
			return e.do(ac, "POST", page, strings.NewReader(vals.Encode()), formCT...)
		}
		if r = post(url.Values{"body": {long}, "status": {"open"}}); r.code != 422 || !strings.Contains(r.body, "Comment.body: is too long") || !strings.Contains(r.body, long[:1000]) {
			t.Errorf("agent reply: %d %.300s", r.code, r.body)
		}
		var many []string
		for i := range 101 {
			many = append(many, fmt.Sprintf("t%d", i))
		}
		if r = post(url.Values{"tags": {strings.Join(many, " ")}, "status": {"open"}}); r.code != 422 || !strings.Contains(r.body, "Tags: has too many tags (maximum is 100)") {
			t.Errorf("agent tags: %d %.300s", r.code, r.body)
		}
		if got := dbState(t, e); got != before {
			t.Errorf("refused requests changed stored data")
		}

		// A macro's comment is held to the limit when it is used.
		e.tickets.SetLimits(limits.Limits{CommentBytes: 2000})
		r, m := e.api("admin", "POST", "/api/v2/macros", fmt.Sprintf(`{"macro": {"title": "Long", "actions": [{"field": "comment_value", "value": %q}]}}`, strings.Repeat("m", 3000)))
		if r.code != 201 {
			t.Fatalf("macro: %d %s", r.code, r.body)
		}
		if r = e.do(ac, "GET", fmt.Sprintf("%s?macro=%d", page, idOf(m, "macro")), nil); r.code != 200 || !strings.Contains(r.body, strings.Repeat("m", 3000)) {
			t.Fatalf("macro preview: %d", r.code)
		}
		if r = post(url.Values{"body": {strings.Repeat("m", 3000)}, "status": {"open"}}); r.code != 422 || !strings.Contains(r.body, "maximum is 2000 bytes") {
			t.Errorf("macro comment: %d %.300s", r.code, r.body)
		}
		e.tickets.SetLimits(limits.Default())

		// A trigger that would pass the tag limit is skipped; the change that
		// fired it is kept.
		r, _ = e.api("admin", "POST", "/api/v2/triggers", fmt.Sprintf(`{"trigger": {"title": "Too many tags",
			"conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
			"actions": [{"field": "set_tags", "value": %q}, {"field": "priority", "value": "high"}]}}`, strings.Join(many, " ")))
		if r.code != 201 {
			t.Fatalf("trigger: %d %s", r.code, r.body)
		}
		r, m = e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket": {"subject": "fires", "comment": {"body": "x"}, "requester_id": %d}}`, cust.ID))
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		got, err := e.tickets.Get(ctx, idOf(m, "ticket"))
		if err != nil || len(got.Tags) != 0 || got.Priority != nil {
			t.Errorf("the trigger's changes should be skipped whole: %+v %v", got, err)
		}
	})
}

// withDeps serves e's stores with other dependencies.
func withDeps(t *testing.T, e *env, d Deps) *env {
	t.Helper()
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e2 := *e
	e2.srv, e2.ts = srv, ts
	return &e2
}

// TestPastedMarkupShownAndSearchable: XML and exception names pasted into
// the portal and the agent workspace are shown as text on the ticket pages
// (escaped, visible), are in the plain text the search indexes, and a reply
// of only markup is not refused as blank (issue 15).
func TestPastedMarkupShownAndSearchable(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		cc := signIn(t, e, cust.Email)
		tok := e.csrf(cc, "/portal/new")
		r := e.do(cc, "POST", "/portal/tickets", strings.NewReader(url.Values{"csrf_token": {tok}, "subject": {"Config"},
			"body": {"<server><port>8080</port></server>"}}.Encode()), formCT...)
		if r.code >= 400 {
			t.Fatalf("portal create: %d %.500s", r.code, r.body)
		}
		ts, err := e.tickets.List(context.Background(), ticket.Filter{})
		if err != nil || len(ts) != 1 || ts[0].Description != "<server><port>8080</port></server>" {
			t.Fatalf("%+v %v", ts, err)
		}
		id := ts[0].ID
		shown := "&lt;server&gt;&lt;port&gt;8080&lt;/port&gt;&lt;/server&gt;"
		if r := e.do(cc, "GET", fmt.Sprintf("/portal/tickets/%d", id), nil); !strings.Contains(r.body, shown) {
			t.Errorf("portal page does not show the XML: %.2000s", r.body)
		}
		ac := signIn(t, e, agent.Email)
		page := fmt.Sprintf("/agent/tickets/%d", id)
		tok = e.csrf(ac, page)
		r = e.do(ac, "POST", page, strings.NewReader(url.Values{"csrf_token": {tok}, "body": {"<NullPointerException>"}, "mode": {"internal"}}.Encode()), formCT...)
		if r.code >= 400 {
			t.Fatalf("a reply of only markup: %d %.500s", r.code, r.body)
		}
		r = e.do(ac, "GET", page, nil)
		if !strings.Contains(r.body, shown) || !strings.Contains(r.body, "&lt;NullPointerException&gt;") {
			t.Errorf("agent page does not show the markup")
		}
		for _, q := range []string{"NullPointerException", "8080", "server"} {
			r, m := e.api("agent", "GET", "/api/v2/search?query="+url.QueryEscape(q), "")
			if r.code != 200 || m["count"].(float64) != 1 {
				t.Errorf("search %q: %d %.300s", q, r.code, r.body)
			}
		}
	})
}
