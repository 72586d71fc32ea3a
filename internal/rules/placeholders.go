package rules

import (
	"encoding/json"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Person is a user as placeholders show them.
type Person struct {
	Name  string
	Email string
}

// PlaceholderData is what placeholders are rendered from. Ticket fields come
// from Ticket; names come from the lookup maps keyed by the ticket's current
// IDs, so a trigger that reassigns the ticket renders the new assignee as
// long as the caller put that user in Users.
type PlaceholderData struct {
	Ticket                Ticket
	CurrentUserID         int64
	TicketURL             string // {{ticket.url}} and {{ticket.link}}
	SatisfactionRatingURL string // {{satisfaction.rating_url}}
	LatestPublicComment   string // {{ticket.latest_public_comment}}
	AccountName           string // {{ticket.account}}
	Users                 map[int64]Person
	Groups                map[int64]string // group ID -> name
	Organizations         map[int64]string // organization ID -> name
}

// Escape selects how placeholder values are escaped; template text itself
// is never changed.
type Escape uint8

const (
	EscapeNone Escape = iota // plain text (e-mail subjects and text bodies)
	EscapeHTML               // HTML text and attribute contexts
	EscapeJSON               // inside a JSON string literal (webhook payloads)
)

// maxPlaceholder is the longest placeholder name looked up; longer {{...}}
// spans are left as they are.
const maxPlaceholder = 64

// Render expands {{placeholders}} without escaping. See RenderEscaped.
func Render(tmpl string, data PlaceholderData) string {
	return RenderEscaped(tmpl, data, EscapeNone)
}

// RenderEscaped expands Zendesk-style {{placeholders}} (spaces inside the
// braces are allowed), escaping each value for mode. Unknown placeholders,
// Liquid filters ({{x | upcase}}) and tags ({% %}) are left exactly as
// written. In EscapeJSON mode a value is escaped as the content of a JSON
// string, so "{{ticket.title}}" inside quotes stays valid JSON and numeric
// placeholders such as {{ticket.id}} may also stand bare.
func RenderEscaped(tmpl string, data PlaceholderData, mode Escape) string {
	if !strings.Contains(tmpl, "{{") {
		return tmpl
	}
	var b strings.Builder
	b.Grow(len(tmpl))
	rest := tmpl
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		window := rest[2:min(len(rest), 2+maxPlaceholder+2)]
		j := strings.Index(window, "}}")
		if j >= 0 {
			if v, ok := data.Lookup(strings.TrimSpace(window[:j])); ok {
				b.WriteString(escape(v, mode))
				rest = rest[2+j+2:]
				continue
			}
		}
		b.WriteString("{{")
		rest = rest[2:]
	}
	return b.String()
}

func escape(s string, mode Escape) string {
	switch mode {
	case EscapeHTML:
		return html.EscapeString(s)
	case EscapeJSON:
		q, _ := json.Marshal(s) // a string always marshals; invalid UTF-8 becomes U+FFFD
		return string(q[1 : len(q)-1])
	}
	return s
}

// Lookup returns the value of one placeholder name (without braces); ok is
// false for names it does not know.
func (d PlaceholderData) Lookup(name string) (string, bool) {
	t := d.Ticket
	if rest, ok := strings.CutPrefix(name, "ticket.requester."); ok {
		return d.personField(t.RequesterID, rest)
	}
	if rest, ok := strings.CutPrefix(name, "ticket.assignee."); ok {
		return d.personField(t.AssigneeID, rest)
	}
	if rest, ok := strings.CutPrefix(name, "current_user."); ok {
		return d.personField(d.CurrentUserID, rest)
	}
	switch name {
	case "ticket.id":
		return strconv.FormatInt(t.ID, 10), true
	case "ticket.title":
		return t.Subject, true
	case "ticket.description":
		return t.Description, true
	case "ticket.status":
		return display(t.Status), true
	case "ticket.priority":
		return display(t.Priority), true
	case "ticket.ticket_type":
		return display(t.Type), true
	case "ticket.via":
		return display(t.Channel), true
	case "ticket.url", "ticket.link":
		return d.TicketURL, true
	case "ticket.tags":
		return strings.Join(t.Tags, " "), true
	case "ticket.account":
		return d.AccountName, true
	case "ticket.organization.name":
		return d.Organizations[t.OrganizationID], true
	case "ticket.group.name":
		return d.Groups[t.GroupID], true
	case "ticket.latest_public_comment":
		return d.LatestPublicComment, true
	case "satisfaction.rating_url":
		return d.SatisfactionRatingURL, true
	}
	return "", false
}

func (d PlaceholderData) personField(id int64, field string) (string, bool) {
	p := d.Users[id]
	if id == 0 {
		p = Person{}
	}
	switch field {
	case "id":
		if id == 0 {
			return "", true
		}
		return strconv.FormatInt(id, 10), true
	case "name":
		return p.Name, true
	case "email":
		return p.Email, true
	case "first_name":
		first, _, _ := strings.Cut(strings.TrimSpace(p.Name), " ")
		return first, true
	case "last_name":
		_, last, _ := strings.Cut(strings.TrimSpace(p.Name), " ")
		return strings.TrimSpace(last), true
	}
	return "", false
}

// display renders a value the way Zendesk shows it ("Open", "On-hold").
func display(v string) string {
	switch v {
	case "":
		return ""
	case StatusHold:
		return "On-hold"
	case "api":
		return "API"
	}
	r, size := utf8.DecodeRuneInString(v)
	if r == utf8.RuneError {
		return v
	}
	return string(unicode.ToUpper(r)) + v[size:]
}

// samplePlaceholderData is used to check that webhook payloads stay valid
// JSON once rendered; its strings contain characters that need escaping.
func samplePlaceholderData() PlaceholderData {
	return PlaceholderData{
		Ticket: Ticket{ID: 1, Subject: `a "quoted" \ subject`, Description: "line\nbreak", Status: StatusOpen,
			Priority: PriorityHigh, Tags: []string{"a", "b"}, RequesterID: 2, AssigneeID: 3},
		CurrentUserID:       3,
		TicketURL:           "https://example.com/tickets/1",
		LatestPublicComment: `</script>"`,
		Users:               map[int64]Person{2: {Name: `Ann "A" Lee`, Email: "ann@example.com"}, 3: {Name: "Bo", Email: "bo@example.com"}},
	}
}
