package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportZendeskCommand runs `frontline import zendesk --dir` on an
// export in Zendesk's JSON, twice: the second run changes nothing.
func TestImportZendeskCommand(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"organizations.json": `{"organizations":[{"id":501,"name":"Globex","created_at":"2024-02-01T10:00:00Z","updated_at":"2024-02-01T10:00:00Z"}]}`,
		"users.json": `{"users":[{"id":11,"name":"Hank","email":"hank@globex.example","role":"end-user","organization_id":501,"phone":null,"created_at":"2024-02-02T10:00:00Z","updated_at":"2024-02-02T10:00:00Z"},
			{"id":12,"name":"Ada Agent","email":"ada@zd.example","role":"agent","created_at":"2024-01-02T10:00:00Z","updated_at":"2024-01-02T10:00:00Z"}]}`,
		"identities.json": `{"identities":[{"user_id":11,"type":"email","value":"hank.s@globex.example"}]}`,
		"tickets.json": `{"tickets":[{"id":9001,"subject":"Cannot log in","description":"Help","status":"solved","priority":"high","requester_id":11,"assignee_id":12,
			"tags":["login"],"created_at":"2024-03-01T09:00:00Z","updated_at":"2024-03-02T09:00:00Z","via":{"channel":"email"},"satisfaction_rating":{"score":"good"}}]}`,
		"ticket_comments.json": `{"comments":[{"id":1,"ticket_id":9001,"author_id":11,"body":"Help","public":true,"created_at":"2024-03-01T09:00:00Z"},
			{"id":2,"ticket_id":9001,"author_id":12,"body":"Reset it","public":true,"created_at":"2024-03-01T10:00:00Z"}]}`,
		"satisfaction_ratings.json": `{"satisfaction_ratings":[{"id":77,"ticket_id":9001,"requester_id":11,"score":"good","comment":"Quick!","created_at":"2024-03-03T09:00:00Z","updated_at":"2024-03-03T09:00:00Z"}]}`,
		"triggers.json": `{"triggers":[{"id":1,"title":"Login to Ada","active":true,"conditions":{"all":[{"field":"comment_includes_word","operator":"includes","value":"login"}],"any":[]},
			"actions":[{"field":"assignee_id","value":"12"}],"updated_at":"2024-01-05T10:00:00Z"},
			{"id":2,"title":"Broken","conditions":{"all":[],"any":[]},"actions":[]}]}`,
		"webhooks.json": `{"webhooks":[{"id":"01H","name":"Slack","endpoint":"https://hooks.slack.example/T1","http_method":"POST","request_format":"json",
			"status":"active","subscriptions":["conditional_ticket_events"],"authentication":{"type":"bearer_token","add_position":"header"}},
			{"id":"01J","name":"No endpoint"}]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	run := func() string {
		var out, errOut bytes.Buffer
		env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		if code := Main(context.Background(), []string{"import", "zendesk", "--dir", dir, "--data-dir", data}, env); code != 0 {
			t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
		}
		if !strings.Contains(errOut.String(), "tickets") {
			t.Fatalf("no progress: %s", errOut.String())
		}
		return out.String()
	}
	first := run()
	for _, want := range []string{"tickets                   1 seen,      1 created", "satisfaction_ratings      1 seen,      1 created",
		"triggers                  2 seen,      1 created", "trigger 2: record invalid",
		"webhooks                  2 seen,      1 created", "webhook 01H (Slack): copied without its authentication", "webhook 01J (No endpoint): record invalid"} {
		if !strings.Contains(first, want) {
			t.Fatalf("first run lacks %q:\n%s", want, first)
		}
	}
	second := run()
	if !strings.Contains(second, "tickets                   1 seen,      0 created,      0 updated,      1 unchanged") {
		t.Fatalf("second run:\n%s", second)
	}
}
