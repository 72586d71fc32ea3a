package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// formFields returns what a browser submits for the form with id formID in
// page, untouched by the user: hidden and text inputs, checked radios and
// checkboxes, each select's selected (else first) option and textareas;
// disabled fields and fieldsets, files and buttons are left out.
func formFields(t *testing.T, page, formID string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	text := func(n *html.Node) string {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return b.String()
	}
	var form *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if id, _ := attr(n, "id"); n.Type == html.ElementNode && n.Data == "form" && id == formID {
			form = n
		}
		for c := n.FirstChild; c != nil && form == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no form #%s in page", formID)
	}
	v := url.Values{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if _, off := attr(n, "disabled"); off {
				return
			}
			name, named := attr(n, "name")
			switch n.Data {
			case "input":
				typ, _ := attr(n, "type")
				val, _ := attr(n, "value")
				_, checked := attr(n, "checked")
				switch typ {
				case "file", "submit", "button", "image", "reset":
				case "radio", "checkbox":
					if named && checked {
						v.Add(name, val)
					}
				default:
					if named {
						v.Add(name, val)
					}
				}
				return
			case "textarea":
				if named {
					v.Add(name, strings.TrimPrefix(text(n), "\n"))
				}
				return
			case "select":
				var first, chosen *html.Node
				for o := n.FirstChild; o != nil; o = o.NextSibling {
					if o.Type != html.ElementNode || o.Data != "option" {
						continue
					}
					if first == nil {
						first = o
					}
					if _, sel := attr(o, "selected"); sel {
						chosen = o
					}
				}
				if chosen == nil {
					chosen = first
				}
				if named && chosen != nil {
					val, ok := attr(chosen, "value")
					if !ok {
						val = text(chosen)
					}
					v.Add(name, val)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}

// TestUIStaleFormNeverRevertsAnotherAgentsChange: for every property of the
// agent's update form, another agent's change made while the form was open
// survives (1) the refused stale submit, (2) re-submitting the conflict
// page as it is shown, and (3) a submit that carries no stamp at all: a
// submit sends only what this agent changed. The conflict page shows the
// current values and keeps the typed reply.
func TestUIStaleFormNeverRevertsAnotherAgentsChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent, other := e.users[people.RoleEndUser], e.users[people.RoleAgent], e.users[people.RoleAdmin]
		name, desc := "Tier 2", "second line"
		grp, err := e.ppl.CreateGroup(ctx, audit.System(), people.GroupInput{Name: &name, Description: &desc})
		if err != nil {
			t.Fatal(err)
		}
		ac := signIn(t, e, agent.Email)
		nr := &http.Client{Jar: ac.Jar, CheckRedirect: noRedirect().CheckRedirect}
		str := func(s string) *string { return &s }
		id := func(v int64) *int64 { return &v }

		// Each case: the other agent's change (and how to check it held), and
		// the property this agent edits in the form meanwhile.
		cases := []struct {
			field  string
			theirs ticket.UpdateInput
			held   func(*ticket.Ticket) bool
			mine   [2]string // form field and value this agent sets
		}{
			{"priority", ticket.UpdateInput{Priority: str("high")},
				func(tk *ticket.Ticket) bool { return tk.Priority != nil && *tk.Priority == "high" }, [2]string{"type", "problem"}},
			{"assignee", ticket.UpdateInput{AssigneeID: id(other.ID)},
				func(tk *ticket.Ticket) bool { return tk.AssigneeID != nil && *tk.AssigneeID == other.ID }, [2]string{"priority", "urgent"}},
			{"group", ticket.UpdateInput{GroupID: id(grp.ID)},
				func(tk *ticket.Ticket) bool { return tk.GroupID != nil && *tk.GroupID == grp.ID }, [2]string{"priority", "low"}},
			{"status", ticket.UpdateInput{Status: str("pending")},
				func(tk *ticket.Ticket) bool { return tk.Status == "pending" }, [2]string{"priority", "urgent"}},
			{"type", ticket.UpdateInput{Type: str("incident")},
				func(tk *ticket.Ticket) bool { return tk.Type != nil && *tk.Type == "incident" }, [2]string{"assignee_id", fmt.Sprint(agent.ID)}},
			{"tags", ticket.UpdateInput{AdditionalTags: []string{"theirs"}},
				func(tk *ticket.Ticket) bool { return slices.Contains(tk.Tags, "theirs") }, [2]string{"tags", "start mine"}},
			{"same field", ticket.UpdateInput{Priority: str("high")},
				func(tk *ticket.Ticket) bool { return tk.Priority != nil && *tk.Priority == "high" }, [2]string{"priority", "urgent"}},
		}
		for _, c := range cases {
			t.Run(c.field, func(t *testing.T) {
				tk := e.customerTicket(cust, "Stale form "+c.field, "help")
				if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: other.ID, Role: other.Role}, tk.ID,
					ticket.UpdateInput{Status: str("open"), Priority: str("normal"), Tags: &[]string{"start"}}); err != nil {
					t.Fatal(err)
				}
				path := fmt.Sprintf("/agent/tickets/%d", tk.ID)
				form := formFields(t, e.do(ac, "GET", path, nil).body, "update-form")
				e.clk.Advance(1e9)
				if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: other.ID, Role: other.Role}, tk.ID, c.theirs); err != nil {
					t.Fatal(err)
				}
				form.Set(c.mine[0], c.mine[1])
				form.Set("body", "my typed reply "+c.field)

				// (1) The stale submit is refused; the page shows current values
				// and keeps the reply.
				r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...)
				if r.code != http.StatusConflict || !strings.Contains(r.body, "Someone else updated this ticket") {
					t.Fatalf("stale submit: %d", r.code)
				}
				if !strings.Contains(r.body, "were not saved") {
					t.Errorf("conflict page does not say which of my changes were not saved")
				}
				again := formFields(t, r.body, "update-form")
				cur, _ := e.tickets.Get(ctx, tk.ID)
				if want := formOf(cur); again.Get("priority") != want.Priority || again.Get("status") != want.Status ||
					again.Get("type") != want.Type || again.Get("assignee_id") != fmt.Sprint(want.AssigneeID) ||
					again.Get("group_id") != fmt.Sprint(want.GroupID) || again.Get("tags") != want.Tags {
					t.Fatalf("conflict page does not show current values: %v, want %+v", again, want.ticketProps)
				}
				if again.Get("body") != "my typed reply "+c.field {
					t.Fatalf("typed reply lost: %q", again.Get("body"))
				}

				// (2) Re-submitting the conflict page as told keeps their change.
				if r := e.do(nr, "POST", path, strings.NewReader(again.Encode()), formCT...); r.code != http.StatusSeeOther {
					t.Fatalf("re-submit: %d %s", r.code, r.body)
				}
				got, _ := e.tickets.Get(ctx, tk.ID)
				if !c.held(got) {
					t.Fatalf("their %s change was reverted: %+v", c.field, got)
				}
				cs, _ := e.tickets.Comments(ctx, tk.ID, ticket.Page{})
				if n := len(cs); n != 2 || cs[1].Body != "my typed reply "+c.field {
					t.Fatalf("reply: %d comments", n)
				}

				// (3) Without a stamp, a form rendered before their change sends
				// only the field this agent changed.
				e.clk.Advance(1e9)
				if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: other.ID, Role: other.Role}, tk.ID, ticket.UpdateInput{
					Priority: str("low"), AdditionalTags: []string{"later"}}); err != nil {
					t.Fatal(err)
				}
				again.Del("updated_stamp")
				again.Set("body", "")
				again.Set("tags", again.Get("tags")+" extra")
				if r := e.do(nr, "POST", path, strings.NewReader(again.Encode()), formCT...); r.code != http.StatusSeeOther {
					t.Fatalf("stampless submit: %d %s", r.code, r.body)
				}
				got, _ = e.tickets.Get(ctx, tk.ID)
				if got.Priority == nil || *got.Priority != "low" || !slices.Contains(got.Tags, "later") || !slices.Contains(got.Tags, "extra") {
					t.Fatalf("stampless submit reverted a change it did not make: priority %q tags %v", deref(got.Priority), got.Tags)
				}
			})
		}
	})
}

// TestUIConflictKeepsUploads: files attached to a refused submit are kept
// on the conflict page and attached when it is submitted again.
func TestUIConflictKeepsUploads(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent, other := e.users[people.RoleEndUser], e.users[people.RoleAgent], e.users[people.RoleAdmin]
		tk := e.customerTicket(cust, "With a file", "help")
		ac := signIn(t, e, agent.Email)
		nr := &http.Client{Jar: ac.Jar, CheckRedirect: noRedirect().CheckRedirect}
		path := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		form := formFields(t, e.do(ac, "GET", path, nil).body, "update-form")
		e.clk.Advance(1e9)
		high := "high"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: other.ID, Role: other.Role}, tk.ID, ticket.UpdateInput{Priority: &high}); err != nil {
			t.Fatal(err)
		}
		form.Set("body", "see the log")
		body, ct := multipartForm(t, form, "attachments", "trace.log", "stack trace")
		r := e.do(nr, "POST", path, body, "Content-Type", ct)
		if r.code != http.StatusConflict || !strings.Contains(r.body, "trace.log") {
			t.Fatalf("conflict with upload: %d", r.code)
		}
		again := formFields(t, r.body, "update-form")
		if len(again["upload_token"]) != 1 {
			t.Fatalf("upload not kept: %v", again)
		}
		// Someone else's token is not accepted for this agent.
		oc := signIn(t, e, other.Email)
		ocsrf := e.csrf(oc, path)
		stolen := formFields(t, e.do(oc, "GET", path, nil).body, "update-form")
		stolen.Set("csrf_token", ocsrf)
		stolen["upload_token"] = again["upload_token"]
		stolen.Set("body", "stolen")
		onr := &http.Client{Jar: oc.Jar, CheckRedirect: noRedirect().CheckRedirect}
		if r := e.do(onr, "POST", path, strings.NewReader(stolen.Encode()), formCT...); r.code != http.StatusUnprocessableEntity {
			t.Fatalf("another agent's upload token: %d", r.code)
		}
		if r := e.do(nr, "POST", path, strings.NewReader(again.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("re-submit: %d %s", r.code, r.body)
		}
		cs, _ := e.tickets.Comments(ctx, tk.ID, ticket.Page{})
		if len(cs) != 2 || len(cs[1].Attachments) != 1 || cs[1].Attachments[0].FileName != "trace.log" {
			t.Fatalf("comment after re-submit: %+v", cs)
		}
	})
}

// multipartForm encodes fields and one file as multipart/form-data.
func multipartForm(t *testing.T, fields url.Values, fileField, fileName, content string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(fileField, fileName)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

// TestUIAgentEditsCustomFields: the agent ticket page edits the active
// ticket fields (text, dropdown with its tags, checkbox, multiselect,
// integer); an untouched field is not sent (a stale form keeps another
// agent's value); a bad value is refused naming the field rule.
func TestUIAgentEditsCustomFields(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cust, agent := e.users[people.RoleEndUser], e.users[people.RoleAgent]
		mk := func(body string) int64 {
			r, m := e.api("admin", "POST", "/api/v2/ticket_fields.json", body)
			if r.code != 201 {
				t.Fatalf("field: %d %s", r.code, r.body)
			}
			return int64(m["ticket_field"].(map[string]any)["id"].(float64))
		}
		text := mk(`{"ticket_field":{"type":"text","title":"Serial"}}`)
		tier := mk(`{"ticket_field":{"type":"tagger","title":"Tier","custom_field_options":[{"name":"Gold","value":"tier_gold"},{"name":"Silver","value":"tier_silver"}]}}`)
		vip := mk(`{"ticket_field":{"type":"checkbox","title":"VIP","tag":"vip"}}`)
		oses := mk(`{"ticket_field":{"type":"multiselect","title":"OS","custom_field_options":[{"name":"Linux","value":"os_linux"},{"name":"Mac","value":"os_mac"}]}}`)
		seats := mk(`{"ticket_field":{"type":"integer","title":"Seats"}}`)
		tk := e.customerTicket(cust, "Fields", "help")
		ac := signIn(t, e, agent.Email)
		nr := &http.Client{Jar: ac.Jar, CheckRedirect: noRedirect().CheckRedirect}
		path := fmt.Sprintf("/agent/tickets/%d", tk.ID)
		page := e.do(ac, "GET", path, nil).body
		for _, want := range []string{`name="cf_` + fmt.Sprint(text) + `"`, `<option value="tier_gold">Gold</option>`, `value="os_mac"`, `type="number"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("ticket page lacks %s", want)
			}
		}
		form := formFields(t, page, "update-form")
		cf := func(id int64) string { return fmt.Sprintf("cf_%d", id) }
		form.Set(cf(text), "SN-42")
		form.Set(cf(tier), "tier_gold")
		form.Add(cf(vip), "true")
		form.Add(cf(oses), "os_linux")
		form.Add(cf(oses), "os_mac")
		form.Set(cf(seats), "12")
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", r.code, r.body)
		}
		got, _ := e.tickets.Get(ctx, tk.ID)
		vals := map[int64]string{}
		for _, c := range got.CustomFields {
			vals[c.ID] = fmt.Sprint(c.Value)
		}
		if vals[text] != "SN-42" || vals[tier] != "tier_gold" || vals[vip] != "true" || vals[oses] != "[os_linux os_mac]" || vals[seats] != "12" {
			t.Fatalf("values %v", vals)
		}
		for _, tag := range []string{"tier_gold", "vip", "os_linux", "os_mac"} {
			if !slices.Contains(got.Tags, tag) {
				t.Fatalf("tags %v lack %s", got.Tags, tag)
			}
		}
		// The page shows the values; an untouched form changes nothing even
		// after another agent changed a field.
		page = e.do(ac, "GET", path, nil).body
		form = formFields(t, page, "update-form")
		if form.Get(cf(text)) != "SN-42" || form.Get(cf(tier)) != "tier_gold" || form.Get(cf(seats)) != "12" {
			t.Fatalf("page values %v", form)
		}
		e.clk.Advance(1e9)
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: agent.Role}, tk.ID,
			ticket.UpdateInput{CustomFields: []ticket.CustomField{{ID: text, Value: "SN-43"}}}); err != nil {
			t.Fatal(err)
		}
		form.Del("updated_stamp")
		form.Set("priority", "high")
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("stale submit: %d %s", r.code, r.body)
		}
		got, _ = e.tickets.Get(ctx, tk.ID)
		for _, c := range got.CustomFields {
			if c.ID == text && c.Value != "SN-43" {
				t.Fatalf("a stale form reverted the field: %v", c.Value)
			}
		}
		// Clearing the dropdown removes its tag; a bad number is refused.
		form = formFields(t, e.do(ac, "GET", path, nil).body, "update-form")
		form.Set(cf(tier), "")
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != http.StatusSeeOther {
			t.Fatalf("clear: %d", r.code)
		}
		if got, _ = e.tickets.Get(ctx, tk.ID); slices.Contains(got.Tags, "tier_gold") {
			t.Fatalf("cleared dropdown kept its tag: %v", got.Tags)
		}
		form = formFields(t, e.do(ac, "GET", path, nil).body, "update-form")
		form.Set(cf(seats), "many")
		if r := e.do(nr, "POST", path, strings.NewReader(form.Encode()), formCT...); r.code != 422 || !strings.Contains(r.body, "Custom field rule") {
			t.Fatalf("bad number: %d", r.code)
		}
	})
}
