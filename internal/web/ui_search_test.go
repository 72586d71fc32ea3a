package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/people"
)

// TestAgentSearchTicketsPeopleAndOrganizations: one query, three tabs with
// their counts; tickets with a highlighted snippet of the description;
// people found by name with a link to their tickets; organizations; an
// unknown type is a 400.
func TestAgentSearchTicketsPeopleAndOrganizations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		name, email, role := "Zelda Quartermain", "zelda@quartermain.test", people.RoleEndUser
		u, err := e.ppl.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		org := "Quartermain Logistics"
		if _, err := e.ppl.CreateOrganization(ctx, audit.System(), people.OrganizationInput{Name: &org}); err != nil {
			t.Fatal(err)
		}
		e.customerTicket(u, "Pipeline stuck", "Since this morning every pipeline of Quartermain waits for a runner that never comes.")
		agent := basic(e.users[people.RoleAgent].Email, pw)
		get := func(q, typ string) resp {
			v := url.Values{"q": {q}}
			if typ != "" {
				v.Set("type", typ)
			}
			return e.do(nil, "GET", "/agent/search?"+v.Encode(), nil, agent...)
		}
		r := get("quartermain", "")
		if r.code != 200 || !strings.Contains(r.body, `id="search-tabs"`) {
			t.Fatalf("search: %d %.400s", r.code, r.body)
		}
		if !strings.Contains(r.body, "<mark>Quartermain</mark>") || !strings.Contains(r.body, "Pipeline stuck") {
			t.Fatalf("ticket result without a highlighted snippet: %.1500s", r.body)
		}
		for _, want := range []string{`Tickets <span class="count">1</span>`, `People <span class="count">1</span>`, `Organizations <span class="count">1</span>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("tabs lack %q", want)
			}
		}
		if r := get("quartermain", "user"); r.code != 200 || !strings.Contains(r.body, "Zelda Quartermain") || !strings.Contains(r.body, "their tickets") {
			t.Fatalf("people: %d %.400s", r.code, r.body)
		}
		if r := get("quartermain", "organization"); r.code != 200 || !strings.Contains(r.body, "Quartermain Logistics") {
			t.Fatalf("organizations: %d", r.code)
		}
		// Ticket fields mean nothing for people: their tab has no count, the
		// tickets still answer.
		if r := get("quartermain status<solved", ""); r.code != 200 || !strings.Contains(r.body, "Pipeline stuck") || !strings.Contains(r.body, `People <span class="count">–</span>`) {
			t.Fatalf("ticket terms: %d %.600s", r.code, r.body)
		}
		if r := get("quartermain", "pets"); r.code != 400 {
			t.Fatalf("unknown type: %d", r.code)
		}
	})
}

func TestSnippetMarksTheWordsAroundTheFirst(t *testing.T) {
	join := func(ps []snippetPart) string {
		var b strings.Builder
		for _, p := range ps {
			if p.Hit {
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		return b.String()
	}
	long := strings.Repeat("filler words here ", 20) + "the Runner crashed and the runner restarted " + strings.Repeat("more text ", 20)
	got := join(snippet(long, []string{"runner"}, 60))
	if !strings.Contains(got, "[Runner] crashed and the [runner]") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("snippet %q", got)
	}
	if snippet("nothing here", []string{"runner"}, 60) != nil {
		t.Fatal("a snippet without a match")
	}
	if got := join(snippet("Größe ändern: Ünïcode", []string{"ändern"}, 60)); got != "Größe [ändern]: Ünïcode" {
		t.Fatalf("unicode snippet %q", got)
	}
	if got := searchWords(`status:open "exact words" -tags:x runner`); strings.Join(got, ",") != "exact,words,runner" {
		t.Fatalf("searchWords %v", got)
	}
}

func TestSnippetSurvivesLengthChangingCase(t *testing.T) {
	// "İ" lower-cases to a longer string: no panic, still a snippet.
	if ps := snippet("İstanbul office: runner down", []string{"runner"}, 60); len(ps) == 0 {
		t.Fatal("no snippet")
	}
}
