package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// Issue 15, "Input on PostgreSQL": a NUL, invalid UTF-8 or a lone surrogate
// in any text of any writable resource was a 500 on PostgreSQL (and stored
// on SQLite); over-long strings and huge lists were stored. The bad-input
// table below runs every bad value against every text field of every
// writable resource, through the API and through the browser forms, on both
// engines: never a 5xx, bad text and over-long values are refused naming
// the field, and nothing stored changes.

// stateTables are the tables a write may change; sessions and API tokens
// change on every request (last use) and are left out.
var stateTables = []string{
	"attachments", "audit_log", "business_rules", "config_versions", "group_memberships", "groups",
	"mail_outbox", "organization_domains", "organization_memberships", "organizations", "rule_notifications",
	"satisfaction_ratings", "settings", "sla_holidays", "sla_policies", "sla_policy_metrics",
	"sla_schedule_intervals", "sla_schedules", "ticket_audits", "ticket_collaborators", "ticket_comments",
	"tickets", "user_trainings", "users", "webhooks",
}

// fullServer serves e's stores with every optional part (SLA service,
// rules) and a 2 MiB body limit, so that every writable resource is there.
func fullServer(t *testing.T, e *env) *env {
	t.Helper()
	svc := sla.NewService(sla.NewStore(e.srv.DB, audit.New(e.srv.DB)), sla.Options{})
	e.tickets.OnChange(svc.Hook)
	d := e.srv.Deps
	d.SLAService, d.MaxBodyBytes = svc, 2<<20
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

// dbState dumps the rows of stateTables, sorted, as text.
func dbState(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	for _, table := range stateTables {
		rows, err := e.srv.DB.W.QueryContext(context.Background(), "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "%s:\n%s\n", table, strings.Join(lines, "\n"))
	}
	return b.String()
}

// badJSON are the bad values as JSON string literals: refused is whether
// each must be refused (control characters are stored as visible Control
// Pictures instead).
var badJSON = []struct {
	name, literal string
	refused       bool
}{
	{"NUL", `"a\u0000b"`, true},
	{"raw NUL", "\"a\x00b\"", true}, // not JSON at all: a 400
	{"invalid UTF-8", "\"a\xffb\"", true},
	{"cut UTF-8", "\"caf\xc3\"", true},
	{"lone surrogate", `"x\ud800y"`, true},
	{"lone low surrogate", `"\udc00"`, true},
	{"surrogate bytes", "\"\xed\xa0\x80\"", true},
	{"over-long", `"` + strings.Repeat("x", 70000) + `"`, true},
	{"control characters", `"a\u0001\u001b[31m\u007f\u0007"`, false},
}

// hugeList is a JSON array of 10,000 distinct strings.
func hugeList() string {
	items := make([]string, 10000)
	for i := range items {
		items[i] = fmt.Sprintf(`"t%d"`, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// apiCase is one writable resource: a body template whose fields are
// placeholders @name@ (a JSON string) or @@name@@ (a JSON array of strings).
type apiCase struct {
	role, method, path, body string
	lenient                  map[string]bool // fields where an over-long value may be accepted (e.g. removing tags)
}

// placeholders lists the placeholder names of a template: @name@ for a
// string, @@name@@ for a list.
func placeholders(body string) (strs, lists []string) {
	for i := 0; i < len(body); i++ {
		if body[i] != '@' {
			continue
		}
		if strings.HasPrefix(body[i:], "@@") {
			k := strings.Index(body[i+2:], "@@")
			lists = append(lists, body[i+2:i+2+k])
			i += 2 + k + 1
			continue
		}
		j := strings.IndexByte(body[i+1:], '@')
		strs = append(strs, body[i+1:i+1+j])
		i += j + 1
	}
	return strs, lists
}

// fill replaces every placeholder with a good value except field, which
// gets value.
func fill(body, field, value string, n int) string {
	strs, lists := placeholders(body)
	for _, l := range lists {
		v := fmt.Sprintf(`["good%d"]`, n)
		if l == "domain_names" {
			v = fmt.Sprintf(`["good%d.example"]`, n)
		}
		if l == field {
			v = value
		}
		body = strings.Replace(body, "@@"+l+"@@", v, 1)
	}
	for _, s := range strs {
		v := fmt.Sprintf(`"good %d"`, n)
		switch {
		case s == field:
			v = value
		case strings.Contains(s, "email"):
			v = fmt.Sprintf(`"good%d@example.com"`, n)
		case strings.Contains(s, "endpoint"):
			v = `"https://hooks.example.com/in"`
		case strings.Contains(s, "time_zone"):
			v = `"UTC"`
		case s == "tier":
			v = `"gold"`
		}
		body = strings.Replace(body, "@"+s+"@", v, 1)
	}
	return body
}

func TestBadInputTableAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e = fullServer(t, e)
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		tk := e.customerTicket(cust, "Kept", "kept body")
		src := e.customerTicket(cust, "Source", "to merge")
		solved := e.customerTicket(cust, "Solved", "rate me")
		st := "solved"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, solved.ID, ticket.UpdateInput{Status: &st}); err != nil {
			t.Fatal(err)
		}
		org, err := e.ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: ptrTo("Kept org")})
		if err != nil {
			t.Fatal(err)
		}
		grp, err := e.ppl.CreateGroup(ctx, audit.System(), people.GroupInput{Name: ptrTo("Kept group")})
		if err != nil {
			t.Fatal(err)
		}
		r, m := e.api("admin", "POST", "/api/v2/business_hours/schedules", `{"schedule":{"name":"Kept","time_zone":"UTC"}}`)
		if r.code != 201 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		sched := idOf(m, "schedule")
		cond := `"conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []}`
		cases := []apiCase{
			{"agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket": {"subject": @subject@, "comment": {"body": @comment.body@}, "tags": @@tags@@,
				"external_id": @external_id@, "recipient": @recipient@, "requester_id": %d, "custom_fields": [{"id": 1, "value": @custom_fields@}]}}`, cust.ID), nil},
			{"agent", "POST", "/api/v2/tickets", `{"ticket": {"comment": {"html_body": @comment.html_body@}, "requester": {"name": @requester.name@, "email": @requester.email@}}}`, nil},
			{"agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk.ID), `{"ticket": {"subject": @subject@, "comment": {"body": @comment.body@, "public": false}, "tags": @@tags@@}}`, nil},
			{"agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk.ID), `{"ticket": {"additional_tags": @@additional_tags@@, "external_id": @external_id@}}`, nil},
			{"agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d", tk.ID), `{"ticket": {"remove_tags": @@remove_tags@@}}`, map[string]bool{"remove_tags": true}},
			{"agent", "PUT", fmt.Sprintf("/api/v2/tickets/%d/tags", tk.ID), `{"tags": @@tags@@}`, nil},
			{"agent", "POST", fmt.Sprintf("/api/v2/tickets/%d/tags", tk.ID), `{"tags": @@tags@@}`, nil},
			// Removing tags that are not there changes nothing, however long or many.
			{"agent", "DELETE", fmt.Sprintf("/api/v2/tickets/%d/tags", tk.ID), `{"tags": @@tags@@}`, map[string]bool{"tags": true}},
			{"agent", "POST", fmt.Sprintf("/api/v2/tickets/%d/merge", tk.ID), fmt.Sprintf(`{"ids": [%d], "target_comment": @target_comment@, "source_comment": @source_comment@}`, src.ID), nil},
			{"agent", "POST", "/api/v2/users", `{"user": {"name": @name@, "email": @email@, "phone": @phone@, "details": @details@, "notes": @notes@, "external_id": @external_id@,
				"locale": @locale@, "tags": @@tags@@}}`, nil},
			{"admin", "POST", "/api/v2/users", `{"user": {"name": @name@, "role": "agent", "email": @email@, "job_title": @job_title@, "job_family": @job_family@, "grade": @grade@,
				"trainings": @@trainings@@, "iana_time_zone": @iana_time_zone@}}`, nil},
			{"agent", "PUT", fmt.Sprintf("/api/v2/users/%d", cust.ID), `{"user": {"name": @name@, "details": @details@, "tags": @@tags@@}}`, nil},
			{"agent", "POST", "/api/v2/users/create_or_update", `{"user": {"name": @name@, "email": @email@}}`, nil},
			{"admin", "POST", "/api/v2/organizations", `{"organization": {"name": @name@, "details": @details@, "notes": @notes@, "external_id": @external_id@,
				"tier": @tier@, "domain_names": @@domain_names@@, "tags": @@tags@@}}`, nil},
			{"admin", "PUT", fmt.Sprintf("/api/v2/organizations/%d", org.ID), `{"organization": {"name": @name@, "notes": @notes@, "tags": @@tags@@}}`, nil},
			{"admin", "POST", "/api/v2/groups", `{"group": {"name": @name@, "description": @description@}}`, nil},
			{"admin", "PUT", fmt.Sprintf("/api/v2/groups/%d", grp.ID), `{"group": {"name": @name@, "description": @description@}}`, nil},
			{"admin", "POST", "/api/v2/macros", `{"macro": {"title": @title@, "description": @description@, "actions": [{"field": "comment_value", "value": @actions@}]}}`, nil},
			{"admin", "POST", "/api/v2/triggers", `{"trigger": {"title": @title@, "description": @description@, ` + cond + `, "actions": [{"field": "set_tags", "value": @actions@}]}}`, nil},
			{"admin", "POST", "/api/v2/automations", `{"automation": {"title": @title@, "conditions": {"all": [{"field": "status", "operator": "is", "value": "solved"},
				{"field": "SOLVED", "operator": "greater_than", "value": "96"}]}, "actions": [{"field": "status", "value": "closed"}]}}`, nil},
			{"agent", "POST", "/api/v2/views", `{"view": {"title": @title@, "description": @description@, "all": [{"field": "status", "operator": "is", "value": "new"}]}}`, nil},
			{"admin", "POST", "/api/v2/webhooks", `{"webhook": {"name": @name@, "description": @description@, "endpoint": @endpoint@, "subscriptions": ["conditional_ticket_events"]}}`, nil},
			{"admin", "POST", "/api/v2/slas/policies", `{"sla_policy": {"title": @title@, "description": @description@, "policy_metrics": [{"priority": "high", "metric": "first_reply_time", "target": 60, "business_hours": false}]}}`, nil},
			{"admin", "POST", "/api/v2/business_hours/schedules", `{"schedule": {"name": @name@, "time_zone": @time_zone@}}`, nil},
			{"admin", "POST", fmt.Sprintf("/api/v2/business_hours/schedules/%d/holidays", sched), `{"holiday": {"name": @name@, "start_date": "2027-12-25", "end_date": "2027-12-25"}}`, nil},
			{"end-user", "POST", fmt.Sprintf("/api/v2/tickets/%d/satisfaction_rating", solved.ID), `{"satisfaction_rating": {"score": "good", "comment": @comment@}}`, nil},
		}
		// state caches dbState between requests that were refused (and so
		// changed nothing); "" when unknown.
		state := ""
		current := func() string {
			if state == "" {
				state = dbState(t, e)
			}
			return state
		}
		for n, c := range cases {
			state = ""
			// The template itself is accepted with good values, so the
			// refusals below are about the bad field.
			if r, _ := e.apiRaw(c.role, c.method, c.path, fill(c.body, "", "", n+900000)); r.code >= 300 {
				t.Errorf("%s %s with good values: %d %.500s", c.method, c.path, r.code, r.body)
			}
			strs, lists := placeholders(c.body)
			fields := append(append([]string{}, strs...), lists...)
			if len(fields) == 0 {
				t.Fatalf("case %d has no fields", n)
			}
			for _, field := range fields {
				isList := false
				for _, l := range lists {
					isList = isList || l == field
				}
				values := badJSON
				if isList {
					values = nil
					for _, b := range badJSON {
						values = append(values, struct {
							name, literal string
							refused       bool
						}{b.name, "[" + b.literal + "]", b.refused})
					}
					values = append(values, struct {
						name, literal string
						refused       bool
					}{"10,000 items", hugeList(), true})
				}
				for i, bad := range values {
					before := current()
					state = "" // known again once compared below
					body := fill(c.body, field, bad.literal, n*1000+len(field)*20+i)
					r, _ := e.apiRaw(c.role, c.method, c.path, body)
					what := fmt.Sprintf("%s %s %s=%s", c.method, c.path, field, bad.name)
					if r.code >= 500 {
						t.Errorf("%s: %d %.300s", what, r.code, r.body)
						continue
					}
					if !bad.refused {
						continue // the control characters may be stored, as pictures
					}
					if (bad.name == "over-long" || bad.name == "10,000 items") && c.lenient[field] {
						if state = dbState(t, e); state != before {
							t.Errorf("%s: stored data changed", what)
						}
						continue
					}
					if r.code != 422 && r.code != 400 {
						t.Errorf("%s: %d, want 422 %.300s", what, r.code, r.body)
						continue
					}
					var eb apiError
					if err := json.Unmarshal([]byte(r.body), &eb); err != nil || (eb.Details == nil && eb.Description == "") {
						t.Errorf("%s: not a Zendesk error body: %.300s", what, r.body)
					}
					if r.code == 422 && len(eb.Details) > 0 && !detailsName(eb, field) {
						t.Errorf("%s: the error does not name %s: %.400s", what, field, r.body)
					}
					if state = dbState(t, e); state != before {
						t.Errorf("%s: stored data changed", what)
					}
				}
			}
		}
		// Over-long searches are refused or answered, never a 5xx (SQLite
		// refused LIKE patterns over 50,000 bytes: a 500).
		for _, p := range []string{"/api/v2/search?query=", "/api/v2/search/count?query=", "/api/v2/users/search?query=",
			"/api/v2/organizations/search?name=", "/api/v2/organizations/search?external_id=", "/api/v2/users/search?email="} {
			r := e.do(nil, "GET", p+strings.Repeat("x", 60000), nil, basic("agent@example.com", pw)...)
			if r.code >= 500 {
				t.Errorf("GET %s<60000 x>: %d %.300s", p, r.code, r.body)
			}
		}
		// Query parameters: 400 naming the parameter, on every engine.
		for _, q := range []string{"/api/v2/search?query=%00", "/api/v2/search/count?query=a%FFb", "/api/v2/search?query=%ED%A0%80",
			"/api/v2/users/search?query=%00", "/api/v2/users/search?email=a%00b", "/api/v2/organizations/search?name=%00",
			"/api/v2/organizations/search?external_id=%FF", "/api/v2/tickets?external_id=%00", "/api/v2/uploads?filename=a%00.txt",
			"/api/v2/search?query=%ZZ"} {
			method := "GET"
			if strings.HasPrefix(q, "/api/v2/uploads") {
				method = "POST"
			}
			before := dbState(t, e)
			r := e.do(nil, method, q, strings.NewReader("x"), basic("agent@example.com", pw)...)
			if r.code != 400 || !strings.Contains(r.body, "InvalidParameters") {
				t.Errorf("%s %s: %d %s", method, q, r.code, r.body)
			}
			if got := dbState(t, e); got != before {
				t.Errorf("%s: stored data changed", q)
			}
		}
	})
}

// detailsName reports whether a 422 body names field (or, for a nested
// field, its last part or its parent).
func detailsName(eb apiError, field string) bool {
	for k := range eb.Details {
		if k == field || strings.HasPrefix(k, field) || strings.HasSuffix(field, "."+k) || strings.HasPrefix(field, k+".") ||
			strings.HasPrefix(k, strings.SplitN(field, ".", 2)[0]) {
			return true
		}
	}
	return false
}

// apiRaw sends body as raw bytes (it may be invalid UTF-8) and does not
// insist on a JSON answer.
func (e *env) apiRaw(role, method, path, body string) (resp, map[string]any) {
	e.t.Helper()
	hdr := append(basic(role+"@example.com", pw), "Content-Type", "application/json")
	r := e.do(nil, method, path, bytes.NewReader([]byte(body)), hdr...)
	var m map[string]any
	_ = json.Unmarshal([]byte(r.body), &m)
	return r, m
}

func ptrTo[T any](v T) *T { return &v }

// badForm are the bad values as they arrive in a form: percent-encoded.
var badForm = []struct {
	name, encoded string
	refused       bool
}{
	{"NUL", "a%00b", true},
	{"invalid UTF-8", "a%FFb", true},
	{"surrogate bytes", "%ED%A0%80", true},
	{"over-long", strings.Repeat("x", 70000), true},
	{"control characters", "a%01%1B%5B31m%07", false},
}

// TestBadInputTableForms runs the bad values against every text field of
// the browser forms (portal, agent workspace, admin pages, tokens),
// URL-encoded and multipart: never a 5xx, a bad value is a 4xx page naming
// the field, nothing stored changes.
func TestBadInputTableForms(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e = fullServer(t, e)
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		tk := e.customerTicket(cust, "Kept", "kept body")
		solved := e.customerTicket(cust, "Solved", "rate me")
		st := "solved"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "agent"}, solved.ID, ticket.UpdateInput{Status: &st}); err != nil {
			t.Fatal(err)
		}
		clients := map[string]*http.Client{"end-user": signIn(t, e, cust.Email), "agent": signIn(t, e, agent.Email), "admin": signIn(t, e, e.users[people.RoleAdmin].Email)}
		type formCase struct {
			role, path, page string
			fields           []string
			fixed            url.Values
			lenient          map[string]bool // over-long may be accepted
		}
		cases := []formCase{
			{"end-user", "/portal/tickets", "/portal/new", []string{"subject", "body"}, nil, nil},
			{"end-user", fmt.Sprintf("/portal/tickets/%d/reply", tk.ID), "/portal", []string{"body"}, nil, nil},
			{"end-user", fmt.Sprintf("/portal/tickets/%d/rating", solved.ID), "/portal", []string{"comment"}, url.Values{"score": {"good"}}, nil},
			{"agent", fmt.Sprintf("/agent/tickets/%d", tk.ID), "/agent/tickets", []string{"body", "tags", "status", "priority"}, nil, nil},
			// Token descriptions belong to the auth package (not bounded in length).
			{"agent", "/settings/tokens", "/settings/tokens", []string{"description"}, nil, map[string]bool{"description": true}},
			{"admin", "/admin/users", "/admin/users", []string{"name", "email"}, url.Values{"role": {"end-user"}}, nil},
			{"admin", "/admin/organizations", "/admin/organizations", []string{"name"}, nil, nil},
			{"admin", "/admin/groups", "/admin/groups", []string{"name", "description"}, nil, nil},
			{"admin", "/admin/rules/macros", "/admin/rules", []string{"json"}, nil, nil},
			{"admin", "/admin/sla/policies", "/admin/sla", []string{"json"}, nil, nil},
		}
		state := "" // as in TestBadInputTableAPI
		current := func() string {
			if state == "" {
				state = dbState(t, e)
			}
			return state
		}
		for _, c := range cases {
			cl := clients[c.role]
			tok := e.csrf(cl, c.page)
			state = "" // fetching the page may have changed the session's data
			for _, field := range c.fields {
				for _, bad := range badForm {
					for _, multi := range []bool{false, true} {
						vals := url.Values{"csrf_token": {tok}}
						for k, v := range c.fixed {
							vals[k] = v
						}
						for _, f := range c.fields {
							vals.Set(f, "fine")
						}
						if field == "json" {
							vals.Set("json", `{"title": "x"}`)
						}
						// The bad value goes in raw (percent-decoded by the server).
						vals.Del(field)
						encoded := vals.Encode() + "&" + url.QueryEscape(field) + "=" + bad.encoded
						before := current()
						state = ""
						var r resp
						if multi {
							raw, _ := url.QueryUnescape(bad.encoded)
							body, ct := multipartBody(vals, field, raw)
							r = e.do(cl, "POST", c.path, body, "Content-Type", ct)
						} else {
							r = e.do(cl, "POST", c.path, strings.NewReader(encoded), formCT...)
						}
						what := fmt.Sprintf("POST %s %s=%s (multipart %v)", c.path, field, bad.name, multi)
						if r.code >= 500 {
							t.Errorf("%s: %d %.300s", what, r.code, r.body)
							continue
						}
						if !bad.refused || (bad.name == "over-long" && c.lenient[field]) {
							continue
						}
						if r.code < 400 {
							t.Errorf("%s: accepted (%d)", what, r.code)
							continue
						}
						if !strings.Contains(strings.ToLower(r.body), strings.ToLower(humanize(field))) {
							t.Errorf("%s: %d page does not name the field: %.600s", what, r.code, r.body)
						}
						if state = dbState(t, e); state != before {
							t.Errorf("%s: stored data changed", what)
						}
					}
				}
			}
		}
		// Search forms: a 400 page naming the parameter.
		for _, q := range []string{"/agent/search?q=%00", "/agent/search?q=%FF", "/admin/users?q=%00", "/portal?status=%00"} {
			cl := clients["admin"]
			if strings.HasPrefix(q, "/portal") {
				cl = clients["end-user"]
			}
			if r := e.do(cl, "GET", q, nil); r.code != 400 {
				t.Errorf("GET %s: %d %.300s", q, r.code, r.body)
			}
		}
	})
}

// multipartBody encodes vals plus field=value as multipart/form-data.
func multipartBody(vals url.Values, field, value string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range vals {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	_ = w.WriteField(field, value)
	_ = w.Close()
	return &b, w.FormDataContentType()
}
