package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/sla"
)

// configApp opens an App on a fresh database of e with groups and staff
// (extra groups first, so that ids differ between two such instances).
func configApp(t *testing.T, e dbtest.Engine, extraGroups ...string) (*App, []string) {
	t.Helper()
	ctx := context.Background()
	args := databaseArgs(t, e)
	c, err := load(t, args, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Clock: clock.NewFake(demoNow), PasswordParams: auth.TestParams()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, g := range append(extraGroups, "Support EMEA", "Support AMER") {
		name := g
		if _, err := a.People.CreateGroup(ctx, audit.System(), people.GroupInput{Name: &name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, email := range []string{"zoe@example.com", "lead@example.com"} {
		name, role := strings.Split(email, "@")[0], people.RoleAgent
		em := email
		if _, err := a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &em, Role: &role}); err != nil {
			t.Fatal(err)
		}
	}
	return a, args
}

func idOfGroup(t *testing.T, a *App, name string) float64 {
	gs, _ := a.People.ListGroups(context.Background(), people.GroupFilter{})
	for _, g := range gs {
		if g.Name == name {
			return float64(g.ID)
		}
	}
	t.Fatalf("no group %q", name)
	return 0
}

// TestConfigExportImport moves a staging configuration into production:
// ids are rewritten by name on both sides, the dry run lists what would
// change and changes nothing, a reference that production lacks refuses
// the whole import, --apply makes production's export equal staging's,
// and a second import changes nothing.
func TestConfigExportImport(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			sys := audit.System()
			staging, _ := configApp(t, e)
			prod, prodArgs := configApp(t, e, "Zeta", "Omega") // group ids shifted by two

			// Staging's configuration.
			str := func(s string) *string { return &s }
			if _, err := staging.Access.CreateRole(ctx, sys, access.RoleInput{Name: str("Auditor"), Configuration: json.RawMessage(`{"ticket_access":"all","report_access":"readonly"}`)}); err != nil {
				t.Fatal(err)
			}
			wh, err := staging.Rules.CreateWebhook(ctx, sys, rulestore.WebhookInput{Name: str("Slack escalations"), Endpoint: str("https://hooks.example.com/x"),
				HTTPMethod: str("POST"), RequestFormat: str("json"), Status: str("active")})
			if err != nil {
				t.Fatal(err)
			}
			emea := idOfGroup(t, staging, "Support EMEA")
			if _, err := staging.SLA.Store.CreateSchedule(ctx, sys, sla.Schedule{Name: "EMEA hours", TimeZone: "Europe/Paris",
				Intervals: []sla.Interval{{StartTime: 9 * 60, EndTime: 17 * 60}, {StartTime: 24*60 + 9*60, EndTime: 24*60 + 17*60}}}); err != nil {
				t.Fatal(err)
			}
			trig := rules.Trigger{Title: "Escalate EMEA urgents", Active: true,
				Conditions: rules.Conditions{All: []rules.Condition{{Field: "group_id", Operator: "is", Value: emea}, {Field: "priority", Operator: "is", Value: "urgent"}}},
				Actions:    []rules.Action{{Field: "notification_webhook", Value: []any{wh.ID, `{"ticket": "{{ticket.id}}"}`}}, {Field: "current_tags", Value: "escalated"}}}
			if _, err := staging.Rules.CreateTrigger(ctx, sys, trig); err != nil {
				t.Fatal(err)
			}
			if _, err := staging.Rules.CreateView(ctx, sys, rules.View{Title: "EMEA queue", Active: true,
				Conditions:  rules.Conditions{All: []rules.Condition{{Field: "status", Operator: "less_than", Value: "solved"}}},
				Execution:   rules.Execution{Columns: []string{"subject", "requester"}, SortBy: "created_at", SortOrder: "desc"},
				Restriction: &rules.Restriction{Type: "Group", ID: int64(emea), IDs: []int64{int64(emea)}}}); err != nil {
				t.Fatal(err)
			}

			doc, err := staging.ExportConfig(ctx)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(doc)
			if !strings.Contains(string(raw), `"@group#:Support EMEA"`) || !strings.Contains(string(raw), `"@webhook:Slack escalations"`) || strings.Contains(string(raw), "secret") {
				t.Fatalf("export does not carry portable references: %s", raw)
			}

			// A reference production lacks stops the whole import.
			bad := *doc
			bad.Objects = map[string][]map[string]any{}
			for k, v := range doc.Objects {
				bad.Objects[k] = v
			}
			var orphan map[string]any
			_ = json.Unmarshal([]byte(`{"title": "Route to ghosts", "active": true, "position": 9, "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
				"actions": [{"field": "group_id", "value": "@group#:Ghost team"}]}`), &orphan)
			bad.Objects["triggers"] = append(append([]map[string]any{}, doc.Objects["triggers"]...), orphan)
			before, _ := prod.ExportConfig(ctx)
			if _, err := prod.ApplyConfig(ctx, &bad); err == nil || !strings.Contains(err.Error(), `group "Ghost team"`) {
				t.Fatalf("import with a missing reference: %v", err)
			}
			after, _ := prod.ExportConfig(ctx)
			if !sameObjects(before, after) {
				t.Fatal("a refused import changed production")
			}

			// Dry run through the command: lists and changes nothing.
			file := filepath.Join(t.TempDir(), "staging.json")
			if err := os.WriteFile(file, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := Main(ctx, append(append([]string{"config", "import"}, prodArgs...), file), testEnv(&out, &errb)); code != 0 {
				t.Fatalf("dry run: %d %s", code, errb.String())
			}
			for _, want := range []string{`+ create trigger "Escalate EMEA urgents"`, `+ create custom_role "Auditor"`, `+ create webhook "Slack escalations"`, "dry run: nothing changed"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("dry run lacks %q:\n%s", want, out.String())
				}
			}
			if now, _ := prod.ExportConfig(ctx); !sameObjects(before, now) {
				t.Fatal("the dry run changed production")
			}

			// Apply: production's export equals staging's (same names, its own ids).
			if _, err := prod.ApplyConfig(ctx, doc); err != nil {
				t.Fatal(err)
			}
			got, _ := prod.ExportConfig(ctx)
			if !sameObjects(doc, got) {
				a, _ := json.MarshalIndent(doc.Objects, "", " ")
				b, _ := json.MarshalIndent(got.Objects, "", " ")
				t.Fatalf("production after import differs:\nstaging %s\nproduction %s", a, b)
			}
			tr, _ := prod.Rules.ListTriggers(ctx, false)
			var imported rules.Trigger
			for _, x := range tr {
				if x.Title == "Escalate EMEA urgents" {
					imported = x
				}
			}
			if v := fmt.Sprint(imported.Conditions.All[0].Value); v != fmt.Sprint(idOfGroup(t, prod, "Support EMEA")) || v == fmt.Sprint(emea) {
				t.Errorf("imported trigger's group is %v (production's Support EMEA is %v, staging's %v)", v, idOfGroup(t, prod, "Support EMEA"), emea)
			}
			// Again: nothing to do.
			plan, err := prod.PlanConfig(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range plan.Steps {
				if s.Action != "unchanged" {
					t.Errorf("second import would %s %s %q: %v", s.Action, s.Kind, s.Name, s.Diff)
				}
			}
			// A change on staging shows as an update.
			doc.Objects["triggers"][0]["title"] = doc.Objects["triggers"][0]["title"]
			doc.Objects["triggers"][0]["active"] = false
			plan, _ = prod.PlanConfig(ctx, doc)
			updates := 0
			for _, s := range plan.Steps {
				if s.Action == "update" {
					updates++
					if len(s.Diff) != 1 || s.Diff[0].Path != "active" {
						t.Errorf("update diff %v", s.Diff)
					}
				}
			}
			if updates != 1 {
				t.Errorf("%d updates planned, want 1", updates)
			}
		})
	}
}

func sameObjects(a, b *ConfigDoc) bool {
	x, _ := json.Marshal(a.Objects)
	y, _ := json.Marshal(b.Objects)
	return bytes.Equal(x, y)
}

// TestAuditVerifyCommand: the command seals and verifies, and a tampered
// entry makes it fail naming the entry.
func TestAuditVerifyCommand(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			a, args := configApp(t, e) // groups and users: audited writes
			var out, errb bytes.Buffer
			if code := Main(ctx, append([]string{"audit", "verify"}, args...), testEnv(&out, &errb)); code != 0 || !strings.Contains(out.String(), "audit chain intact") {
				t.Fatalf("verify: %d %s %s", code, out.String(), errb.String())
			}
			if _, err := a.DB.W.ExecContext(ctx, "UPDATE audit_log SET action = 'group.nothing' WHERE seq = 2"); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			errb.Reset()
			if code := Main(ctx, append([]string{"audit", "verify"}, args...), testEnv(&out, &errb)); code != 1 || !strings.Contains(errb.String(), "broken at entry 2") {
				t.Fatalf("tampered: %d %s %s", code, out.String(), errb.String())
			}
		})
	}
}
