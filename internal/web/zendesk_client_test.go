package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/frontline/frontline/internal/audit"
)

// zendeskClientDir holds the Node harness around the off-the-shelf
// node-zendesk client, pinned in its package-lock.json.
const zendeskClientDir = "../../test/zendesk-node"

// requireZendeskClient makes node-zendesk available: installed with `npm ci`
// when missing. Without Node.js or npm a local run skips; CI fails.
func requireZendeskClient(t *testing.T) {
	t.Helper()
	skip := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		skip("Node.js not installed; the node-zendesk compatibility test needs it (apt-get install -y nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(zendeskClientDir, "node_modules", "node-zendesk")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = zendeskClientDir
	if out, err := cmd.CombinedOutput(); err != nil {
		skip("could not install node-zendesk with npm ci: " + err.Error() + "\n" + string(out))
	}
}

// runNodeZendesk runs one node-zendesk script against e's server as role
// (with an API token of that user), with extra environment variables, and
// fails the test with its output when the script fails.
func runNodeZendesk(t *testing.T, e *env, script, role string, extra ...string) {
	t.Helper()
	u := e.users[role]
	tok, _, err := e.auth.CreateAPIToken(context.Background(), audit.System(), u.ID, "node-zendesk")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script)
	cmd.Dir = zendeskClientDir
	cmd.Env = append(append(os.Environ(), "FRONTLINE_URL="+e.ts.URL, "EMAIL="+u.Email, "TOKEN="+tok), extra...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node-zendesk run failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestZendeskNodeClientPeople drives users, organizations and groups through
// node-zendesk from the npm registry (code not written here), on both engines.
func TestZendeskNodeClientPeople(t *testing.T) {
	requireZendeskClient(t)
	each(t, func(t *testing.T, e *env) {
		runNodeZendesk(t, e, "people.js", "admin", "BASE_USERS="+strconv.Itoa(len(e.users)))
	})
}

// TestZendeskNodeClientTickets drives tickets, comments, tags, search,
// merge and the incremental export through node-zendesk, on both engines.
func TestZendeskNodeClientTickets(t *testing.T) {
	requireZendeskClient(t)
	each(t, func(t *testing.T, e *env) {
		// An admin: the incremental export is for admins, as in Zendesk.
		runNodeZendesk(t, e, "tickets.js", "admin", "CUSTOMER_ID="+strconv.FormatInt(e.users["end-user"].ID, 10))
	})
}

// TestZendeskNodeClientCompat drives CCs, custom fields, bulk jobs and
// identities through node-zendesk, on both engines.
func TestZendeskNodeClientCompat(t *testing.T) {
	requireZendeskClient(t)
	each(t, func(t *testing.T, e *env) {
		runNodeZendesk(t, e, "zendesk.js", "admin", "CUSTOMER_ID="+strconv.FormatInt(e.users["end-user"].ID, 10))
	})
}

// TestZendeskNodeClientHelpCenter drives the Help Center (categories,
// sections, articles CRUD, lists, search) through node-zendesk's
// help-center client, on both engines.
func TestZendeskNodeClientHelpCenter(t *testing.T) {
	requireZendeskClient(t)
	each(t, func(t *testing.T, e *env) {
		runNodeZendesk(t, e, "helpcenter.js", "agent")
	})
}
