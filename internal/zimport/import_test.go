package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/web"
	"github.com/frontline/frontline/internal/zendesk"
)

type desk struct {
	d       *db.DB
	clk     *clock.Fake
	ppl     *people.Store
	tickets *ticket.Store
	z       *zendesk.Store
	sat     *satisfaction.Store
	rs      *rulestore.Store
	sla     *sla.Store
}

func openDesk(t *testing.T, e dbtest.Engine, clk *clock.Fake) *desk { return openDeskTB(t, e, clk) }

func openDeskTB(t testing.TB, e dbtest.Engine, clk *clock.Fake) *desk {
	d := dbtest.Open(t, e, clk)
	a := audit.New(d)
	k := &desk{d: d, clk: clk, ppl: people.NewStore(d, a), tickets: ticket.NewStore(d, a, t.TempDir(), 1<<20), z: zendesk.NewStore(d),
		sat: satisfaction.NewStore(d, a), sla: sla.NewStore(d, a)}
	k.tickets.OnHistoryChange(search.New(d).Hook)
	k.rs = rulestore.New(d, k.tickets, a, nil, rulestore.Options{}) // not attached: no trigger fires on either side
	return k
}

// fill writes a realistic small desk: an organization, a group with an
// agent, customers (one with a second email and a user field), a tagger
// ticket field in a form, tickets with public replies and internal notes by
// several authors over days, one solved, one closed, one with an attachment.
func fill(t *testing.T, k *desk) (agentEmail string, srcTickets int) {
	ctx := context.Background()
	sys := audit.System()
	s := func(v string) *string { return &v }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org, err := k.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: s("Acme"), Tags: &[]string{"vip"}})
	must(err)
	g, err := k.ppl.CreateGroup(ctx, sys, people.GroupInput{Name: s("Tier 2")})
	must(err)
	agent, err := k.ppl.CreateUser(ctx, sys, people.UserInput{Name: s("Ann Agent"), Email: s("ann@desk.example"), Role: s("admin")})
	must(err)
	_, err = k.ppl.AddGroupMembership(ctx, sys, agent.ID, g.ID, true)
	must(err)
	f, err := k.z.CreateField(ctx, zendesk.KindTicket, zendesk.FieldInput{Type: s("tagger"), Title: s("Tier"),
		CustomFieldOptions: &[]zendesk.Option{{Name: "Gold", Value: "tier_gold"}}})
	must(err)
	_, err = k.z.SaveForm(ctx, 0, zendesk.FormInput{Name: s("Support"), TicketFieldIDs: &[]int64{f.ID}})
	must(err)
	_, err = k.z.CreateField(ctx, zendesk.KindUser, zendesk.FieldInput{Type: s("text"), Key: s("plan"), Title: s("Plan")})
	must(err)
	var custs []*people.User
	for i := range 3 {
		u, err := k.ppl.CreateUser(ctx, sys, people.UserInput{Name: s(fmt.Sprintf("Customer %d", i)), Email: s(fmt.Sprintf("c%d@acme.example", i)),
			Role: s("end-user"), OrganizationID: &org.ID, Phone: s("+1555000000" + fmt.Sprint(i))})
		must(err)
		custs = append(custs, u)
	}
	_, err = k.z.AddIdentity(ctx, custs[0].ID, zendesk.IdentityInput{Type: "email", Value: "c0.alt@acme.example"})
	must(err)
	must(k.z.SetValues(ctx, zendesk.KindUser, custs[1].ID, map[string]any{"plan": "pro"}))
	up, err := k.tickets.SaveUpload(ctx, ticket.Actor{UserID: custs[2].ID, Role: "end-user"}, "log.txt", "text/plain", strings.NewReader("boom"))
	must(err)
	pub, priv := true, false
	for i := range 5 {
		k.clk.Advance(26 * time.Hour)
		c := custs[i%3]
		in := ticket.CreateInput{Subject: fmt.Sprintf("Problem %d", i), Comment: ticket.CommentInput{Body: fmt.Sprintf("It broke %d", i)},
			RequesterID: c.ID, Tags: []string{"import", fmt.Sprintf("t%d", i)}, CustomFields: []ticket.CustomField{{ID: f.ID, Value: "tier_gold"}}}
		if i == 2 {
			in.Comment.Uploads = []string{up.Token}
		}
		tk, _, err := k.tickets.Create(ctx, ticket.Actor{UserID: c.ID, Role: "end-user"}, in)
		must(err)
		k.clk.Advance(time.Hour)
		_, _, err = k.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "admin"}, tk.ID, ticket.UpdateInput{
			AssigneeID: &agent.ID, GroupID: &g.ID, Comment: &ticket.CommentInput{Body: "Internal: checking", Public: &priv}})
		must(err)
		k.clk.Advance(time.Hour)
		st := "pending"
		if i >= 3 {
			st = "solved"
		}
		_, _, err = k.tickets.Update(ctx, ticket.Actor{UserID: agent.ID, Role: "admin"}, tk.ID, ticket.UpdateInput{Status: &st, Comment: &ticket.CommentInput{Body: "Try again", Public: &pub}})
		must(err)
		if i == 3 {
			k.clk.Advance(time.Hour)
			_, err = k.sat.Rate(ctx, audit.Actor{ID: c.ID, Role: "end-user"}, tk.ID, satisfaction.Input{Score: "good", Comment: "Fixed, thanks"})
			must(err)
		}
		if i == 4 {
			k.clk.Advance(time.Hour)
			closed := "closed"
			_, _, err = k.tickets.Update(ctx, ticket.Actor{Role: "system"}, tk.ID, ticket.UpdateInput{Status: &closed})
			must(err)
		}
	}
	k.clk.Advance(time.Hour)
	// Business rules that refer to the group, a custom field, a user; one
	// that notifies a webhook (not imported: reported).
	num := func(id int64) json.Number { return json.Number(fmt.Sprint(id)) }
	_, err = k.rs.CreateTrigger(ctx, sys, rules.Trigger{Title: "Tier 2 gold", Active: true,
		Conditions: rules.Conditions{All: []rules.Condition{{Field: "group_id", Operator: "is", Value: num(g.ID)},
			{Field: fmt.Sprintf("custom_fields_%d", f.ID), Operator: "is", Value: "tier_gold"}}},
		Actions: []rules.Action{{Field: "priority", Value: "high"}, {Field: "assignee_id", Value: num(agent.ID)}}})
	must(err)
	_, err = k.rs.CreateAutomation(ctx, sys, rules.Automation{Title: "Close solved", Active: true,
		Conditions: rules.Conditions{All: []rules.Condition{{Field: "status", Operator: "is", Value: "solved"}, {Field: "hours_since_solved", Operator: "greater_than", Value: json.Number("96")}}},
		Actions:    []rules.Action{{Field: "status", Value: "closed"}}})
	must(err)
	_, err = k.rs.CreateMacro(ctx, sys, rules.Macro{Title: "Escalate", Active: true, Actions: []rules.Action{{Field: "group_id", Value: num(g.ID)}},
		Restriction: rules.Restriction{Type: "Group", ID: g.ID, IDs: []int64{g.ID}}})
	must(err)
	_, err = k.rs.CreateView(ctx, sys, rules.View{Title: "Tier 2 open", Active: true,
		Conditions: rules.Conditions{All: []rules.Condition{{Field: "group_id", Operator: "is", Value: num(g.ID)}, {Field: "status", Operator: "less_than", Value: "solved"}}},
		Execution:  rules.Execution{Columns: []string{"subject", "status"}}})
	must(err)
	wh, err := k.rs.CreateWebhook(ctx, sys, rulestore.WebhookInput{Name: s("Slack"), Endpoint: s("https://hooks.example/x"), Description: s("#support-alerts")})
	must(err)
	// Business hours with a holiday, and an SLA policy for the group.
	_, err = k.sla.CreateSchedule(ctx, sys, sla.Schedule{Name: "EMEA hours", TimeZone: "Europe/London",
		Intervals: []sla.Interval{{StartTime: 1980, EndTime: 2460}, {StartTime: 3420, EndTime: 3900}},
		Holidays:  []sla.Holiday{{Name: "Boxing Day", StartDate: "2025-12-26", EndDate: "2025-12-26"}}})
	must(err)
	_, err = k.sla.CreatePolicy(ctx, sys, sla.Policy{Title: "Tier 2", Description: "Tier 2 targets",
		Filter:        sla.Filter{All: []sla.Condition{{Field: "group_id", Operator: "is", Value: num(g.ID)}}},
		PolicyMetrics: []sla.PolicyMetric{{Priority: "urgent", Metric: "first_reply_time", Target: 30, BusinessHours: false}}})
	must(err)
	_, err = k.rs.CreateTrigger(ctx, sys, rules.Trigger{Title: "Tell Slack", Active: true,
		Conditions: rules.Conditions{All: []rules.Condition{{Field: "update_type", Operator: "is", Value: "Create"}}},
		Actions:    []rules.Action{{Field: "notification_webhook", Value: []any{fmt.Sprint(wh.ID), "{}"}}}})
	must(err)
	return agent.Email, 5
}

// TestImportFromFrontline imports a second Frontline server's account
// through its Zendesk API (cursor exports, a 429 on the way), compares the
// copies, and checks that a second run changes nothing.
func TestImportFromFrontline(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			src := openDesk(t, e, clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)))
			agentEmail, _ := fill(t, src)
			as := auth.NewService(src.d, audit.New(src.d), auth.Options{Params: auth.TestParams()})
			agent, _ := src.ppl.UserByEmail(ctx, agentEmail)
			secret, _, err := as.CreateAPIToken(ctx, audit.System(), agent.ID, "import")
			if err != nil {
				t.Fatal(err)
			}
			srv, err := web.New(web.Deps{DB: src.d, Auth: as, People: src.ppl, Tickets: src.tickets, Zendesk: src.z, Version: "test",
				Satisfaction: src.sat, Rules: src.rs, SLAService: sla.NewService(src.sla, sla.Options{})})
			if err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 3 { // a rate limit once
					w.Header().Set("Retry-After", "7")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				srv.ServeHTTP(w, r)
			}))
			defer ts.Close()
			dst := openDesk(t, e, clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)))
			var slept []time.Duration
			hs := &HTTPSource{Base: ts.URL, Email: agentEmail, Token: secret, Sleep: func(d time.Duration) { slept = append(slept, d) }}
			var progress strings.Builder
			im := &Importer{Src: hs, T: Target{DB: dst.d, Clock: dst.clk, People: dst.ppl, Tickets: dst.tickets, Zendesk: dst.z,
				Ratings: dst.sat, Rules: dst.rs, SLA: dst.sla}, Progress: &progress}
			rep, err := im.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(slept) != 1 || slept[0] != 7*time.Second || rep.Waits != 1 {
				t.Fatalf("429 Retry-After not respected: %v", slept)
			}
			if c := rep.Counts["tickets"]; c.Created != 5 || c.Failed != 0 {
				t.Fatalf("tickets %+v; unmapped %v", c, rep.Unmapped)
			}
			if c := rep.Counts["users"]; c.Created != 4 || c.Failed != 0 {
				t.Fatalf("users %+v; unmapped %v", c, rep.Unmapped)
			}
			if !strings.Contains(progress.String(), "tickets") || !strings.Contains(progress.String(), "[####################]") {
				t.Fatalf("progress: %s", progress.String())
			}
			compare(t, src, dst)
			compareRulesAndRatings(t, src, dst, rep)
			// The secondary email came along and matches.
			if u, err := dst.ppl.UserByEmail(ctx, "c0.alt@acme.example"); err != nil || u.Email != "c0@acme.example" {
				t.Fatalf("identity: %v %v", u, err)
			}
			// A second run changes nothing.
			before, _ := dst.tickets.Count(ctx, ticket.Filter{})
			im2 := &Importer{Src: hs, T: im.T}
			rep2, err := im2.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for k, c := range rep2.Counts {
				if c.Created != 0 || c.Updated != 0 || c.Failed != 0 {
					t.Fatalf("second run changed %s: %+v", k, c)
				}
			}
			if after, _ := dst.tickets.Count(ctx, ticket.Filter{}); after != before {
				t.Fatalf("second run: %d tickets, was %d", after, before)
			}
			compare(t, src, dst)
		})
	}
}

// compare checks that every source ticket has a copy with the same
// subject, status, tags, requester email, timestamps and comments.
func compare(t *testing.T, src, dst *desk) {
	t.Helper()
	ctx := context.Background()
	sts, _ := src.tickets.List(ctx, ticket.Filter{Limit: 100})
	dts, _ := dst.tickets.List(ctx, ticket.Filter{Limit: 100})
	if len(sts) != len(dts) {
		t.Fatalf("%d tickets copied of %d", len(dts), len(sts))
	}
	email := func(k *desk, id int64) string {
		u, err := k.ppl.GetUser(ctx, id)
		if err != nil {
			return "?"
		}
		return u.Email
	}
	for i, s := range sts {
		d := dts[i]
		if s.Subject != d.Subject || s.Status != d.Status || fmt.Sprint(s.Tags) != fmt.Sprint(d.Tags) ||
			email(src, s.RequesterID) != email(dst, d.RequesterID) || !s.CreatedAt.Equal(d.CreatedAt) || len(d.CustomFields) != 1 {
			t.Fatalf("ticket %d differs:\n%+v\n%+v", s.ID, s, d)
		}
		scs, _ := src.tickets.Comments(ctx, s.ID, ticket.Page{Limit: 100})
		dcs, _ := dst.tickets.Comments(ctx, d.ID, ticket.Page{Limit: 100})
		if len(scs) != len(dcs) {
			t.Fatalf("ticket %d: %d comments copied of %d", s.ID, len(dcs), len(scs))
		}
		for j := range scs {
			if scs[j].PlainBody != dcs[j].PlainBody || scs[j].Public != dcs[j].Public || !scs[j].CreatedAt.Equal(dcs[j].CreatedAt) ||
				email(src, scs[j].AuthorID) != email(dst, dcs[j].AuthorID) || len(scs[j].Attachments) != len(dcs[j].Attachments) {
				t.Fatalf("ticket %d comment %d differs:\n%+v\n%+v", s.ID, j, scs[j], dcs[j])
			}
		}
	}
}

// compareRulesAndRatings checks the satisfaction rating (score, comment,
// time, its ticket's copy) and the business rules (references mapped to
// the copies; the webhook trigger reported).
func compareRulesAndRatings(t *testing.T, src, dst *desk, rep *Report) {
	t.Helper()
	ctx := context.Background()
	sr, _ := src.sat.List(ctx, satisfaction.Filter{})
	dr, _ := dst.sat.List(ctx, satisfaction.Filter{})
	if len(sr) != 1 || len(dr) != 1 || dr[0].Score != "good" || dr[0].Comment != "Fixed, thanks" || !dr[0].CreatedAt.Equal(sr[0].CreatedAt) {
		t.Fatalf("ratings %+v copied as %+v (%v)", sr, dr, rep.Unmapped)
	}
	st, _ := src.tickets.Get(ctx, sr[0].TicketID)
	dt, _ := dst.tickets.Get(ctx, dr[0].TicketID)
	if st == nil || dt == nil || st.Subject != dt.Subject {
		t.Fatalf("rating on the wrong ticket")
	}
	if len(rep.Unmapped) != 0 {
		t.Fatalf("unmapped: %v", rep.Unmapped)
	}
	// The webhook, and the trigger that notifies it, point at the copy.
	whs, _ := dst.rs.ListWebhooks(ctx)
	if len(whs) != 1 || whs[0].Name != "Slack" || whs[0].Endpoint != "https://hooks.example/x" || whs[0].Description != "#support-alerts" || whs[0].Secret() == "" {
		t.Fatalf("webhooks %+v", whs)
	}
	trs, _ := dst.rs.ListTriggers(ctx, false)
	found := false
	for _, tr := range trs {
		for _, a := range tr.Actions {
			if a.Field == "notification_webhook" {
				found = fmt.Sprint(a.Value.([]any)[0]) == whs[0].ID
			}
		}
	}
	if !found {
		t.Fatalf("the webhook trigger does not notify the copied webhook: %+v", trs)
	}
	// Business hours with their holiday; the SLA policy's group is the copy's.
	ss, _ := src.sla.ListSchedules(ctx)
	ds, _ := dst.sla.ListSchedules(ctx)
	if len(ds) != 1 || ds[0].Name != "EMEA hours" || ds[0].TimeZone != ss[0].TimeZone || fmt.Sprint(ds[0].Intervals) != fmt.Sprint(ss[0].Intervals) {
		t.Fatalf("schedules %+v copied as %+v", ss, ds)
	}
	if hs, _ := dst.sla.Holidays(ctx, ds[0].ID); len(hs) != 1 || hs[0].Name != "Boxing Day" || hs[0].StartDate != "2025-12-26" {
		t.Fatalf("holidays %+v", hs)
	}
	dps, _ := dst.sla.ListPolicies(ctx)
	dgs, _ := dst.ppl.ListGroups(ctx, people.GroupFilter{})
	if len(dps) != 1 || dps[0].Title != "Tier 2" || len(dps[0].PolicyMetrics) != 1 || dps[0].PolicyMetrics[0].Target != 30 ||
		len(dps[0].Filter.All) != 1 || len(dgs) == 0 || fmt.Sprint(dps[0].Filter.All[0].Value) != fmt.Sprint(dgs[len(dgs)-1].ID) {
		t.Fatalf("policies %+v (groups %+v)", dps, dgs)
	}
	for _, k := range []string{"schedules", "slas/policies", "webhooks", "triggers"} {
		if c := rep.Counts[k]; c.Created < 1 || c.Failed != 0 {
			t.Fatalf("%s %+v %v", k, c, rep.Unmapped)
		}
	}
	for _, k := range []string{"automations", "macros", "views"} {
		if c := rep.Counts[k]; c.Created != 1 || c.Failed != 0 {
			t.Fatalf("%s %+v %v", k, c, rep.Unmapped)
		}
	}
	dg, _ := dst.ppl.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 10}})
	dfs, _ := dst.z.Fields(ctx, zendesk.KindTicket)
	trs, _ = dst.rs.ListTriggers(ctx, false)
	if len(dg) != 1 || len(dfs) != 1 || len(trs) != 2 {
		t.Fatalf("groups %d fields %d triggers %d", len(dg), len(dfs), len(trs))
	}
	tr := trs[slices.IndexFunc(trs, func(r rules.Trigger) bool { return r.Title == "Tier 2 gold" })]
	if fmt.Sprint(tr.Conditions.All[0].Value) != fmt.Sprint(dg[0].ID) || tr.Conditions.All[1].Field != fmt.Sprintf("custom_fields_%d", dfs[0].ID) {
		t.Fatalf("trigger references not mapped: %+v", tr.Conditions)
	}
}

// TestImportConfigFromExportedFiles reads schedules (holidays inline), SLA
// policies and webhooks in Zendesk's export shapes from a directory: a
// webhook with credentials is copied without them and reported; a trigger
// notifying a retired URL target is reported, not copied.
func TestImportConfigFromExportedFiles(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			files := map[string]string{
				"schedules.json": `{"schedules":[{"id":7,"name":"AMER","time_zone":"Eastern Time (US & Canada)","intervals":[{"start_time":1980,"end_time":2460}],
					"holidays":[{"id":1,"name":"Thanksgiving","start_date":"2026-11-26","end_date":"2026-11-27"}],"updated_at":"2026-01-01T00:00:00Z"}]}`,
				"slas_policies.json": `{"sla_policies":[{"id":9,"title":"Urgent","description":"","position":1,"filter":{"all":[{"field":"priority","operator":"is","value":"urgent"}],"any":[]},
					"policy_metrics":[{"priority":"urgent","metric":"first_reply_time","target":15,"business_hours":false}],"updated_at":"2026-01-01T00:00:00Z"}]}`,
				"webhooks.json": `{"webhooks":[{"id":"01GQZ3AB4N5DXFE6TM8N1P0Q2R","name":"PagerDuty bridge","status":"active","endpoint":"https://bridge.example/zd","http_method":"POST",
					"request_format":"json","subscriptions":["conditional_ticket_events"],"authentication":{"type":"basic_auth","add_position":"header"},"updated_at":"2026-01-01T00:00:00Z"}]}`,
				"triggers.json": `{"triggers":[{"id":11,"title":"Page","active":true,"conditions":{"all":[{"field":"priority","operator":"is","value":"urgent"}],"any":[]},
					"actions":[{"field":"notification_webhook","value":["01GQZ3AB4N5DXFE6TM8N1P0Q2R","{\"t\":\"{{ticket.id}}\"}"]}],"updated_at":"2026-01-01T00:00:00Z"},
					{"id":12,"title":"Old target","active":true,"conditions":{"all":[{"field":"priority","operator":"is","value":"urgent"}],"any":[]},
					"actions":[{"field":"notification_target","value":["3","x"]}],"updated_at":"2026-01-01T00:00:00Z"}]}`,
			}
			for name, body := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dst := openDesk(t, e, clock.NewFake(time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)))
			tg := Target{DB: dst.d, Clock: dst.clk, People: dst.ppl, Tickets: dst.tickets, Zendesk: dst.z, Ratings: dst.sat, Rules: dst.rs, SLA: dst.sla}
			rep, err := (&Importer{Src: &DirSource{Dir: dir}, T: tg}).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]int{"schedules": 1, "slas/policies": 1, "webhooks": 1, "triggers": 1} {
				if c := rep.Counts[k]; c.Created != want {
					t.Fatalf("%s %+v %v", k, c, rep.Unmapped)
				}
			}
			if c := rep.Counts["triggers"]; c.Failed != 1 {
				t.Fatalf("the URL-target trigger was not refused: %+v", c)
			}
			joined := strings.Join(rep.Unmapped, "\n")
			if !strings.Contains(joined, "without its authentication") || !strings.Contains(joined, "Old target") && !strings.Contains(joined, "notification_target") {
				t.Fatalf("report: %s", joined)
			}
			ds, _ := dst.sla.ListSchedules(ctx)
			if len(ds) != 1 || ds[0].TimeZone == "" {
				t.Fatalf("schedule %+v", ds)
			}
			if hs, _ := dst.sla.Holidays(ctx, ds[0].ID); len(hs) != 1 || hs[0].EndDate != "2026-11-27" {
				t.Fatalf("holidays %+v", hs)
			}
			whs, _ := dst.rs.ListWebhooks(ctx)
			if len(whs) != 1 || whs[0].Name != "PagerDuty bridge" || whs[0].Subscriptions[0] != "conditional_ticket_events" {
				t.Fatalf("webhooks %+v", whs)
			}
			// Again: nothing changes.
			rep2, err := (&Importer{Src: &DirSource{Dir: dir}, T: tg}).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range ConfigKinds {
				if c := rep2.Counts[k]; c.Created != 0 || c.Updated != 0 || c.Unchanged != 1 {
					t.Fatalf("second run %s %+v", k, c)
				}
			}
		})
	}
}
