package web

// The restricted partition leak matrix (docs/adr/0019-restricted-partitions.md):
// every registered GET route, and the key writes, as an outside agent, an
// outside admin, an insider and a customer of each brand, with the other
// brand's object ids. A leak is a restricted marker in a body an outsider
// gets, or a 200 on a route addressing a restricted object by id. The
// required number of leaks is zero, on both engines.

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

// restrictedMarkers are planted only in the restricted brand's data.
var restrictedMarkers = []string{"zqrsubject", "zqrbody", "zqrcustname", "zqrcustmail", "zqrorgname", "zqrschedule", "zqrcategory", "zqrsection", "zqrarticle", "zqrfile"}

// defaultMarkers are planted only in the default brand's customer data.
var defaultMarkers = []string{"zqdsubject", "zqdbody"}

type partitionWorld struct {
	e                    *env
	rb                   *brand.Brand
	insider, insideAdmin *people.User
	rcust                *people.User // the restricted brand's customer
	rorg                 *people.Organization
	rt, dt               *ticket.Ticket // restricted and default tickets
	rdel                 int64          // a deleted restricted ticket
	rsched               int64          // the restricted brand's on-call schedule
	rinc                 int64          // an emergency of the restricted ticket
	rcat, rsec, rart     int64          // the restricted brand's Help Center category, section and article
	rcomment, rattach    int64          // a comment and an attachment of that article
	rfile                int64          // the attachment's stored file
}

func plantPartition(t *testing.T, e *env) *partitionWorld {
	t.Helper()
	ctx := context.Background()
	sys := audit.System()
	s := func(v string) *string { return &v }
	b := func(v bool) *bool { return &v }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &partitionWorld{e: e}
	var err error
	w.rb, err = e.srv.Brands.Create(ctx, sys, brand.Input{Name: s("US Government"), Subdomain: s("usgov"), Restricted: b(true),
		RequiredSpecialty: s("us_government"), RequiresCitizenship: b(true), Path: s("/usgov"), HostMapping: s("help.agency.example")})
	must(err)
	user := func(name, email, role string, org *int64) *people.User {
		u, err := e.ppl.CreateUser(ctx, sys, people.UserInput{Name: s(name), Email: s(email), Role: s(role), OrganizationID: org})
		must(err)
		must(e.auth.SetPassword(ctx, sys, u.ID, pw))
		return u
	}
	clear := func(u *people.User) {
		must(e.srv.DB.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE users SET verified_citizenship = TRUE WHERE id = $1", u.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO team_members (user_id, created_at, updated_at) VALUES ($1, 0, 0)", u.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO team_member_specialties (user_id, specialty) VALUES ($1, 'us_government')", u.ID)
			return err
		}))
	}
	w.insider = user("Cleared Agent", "cleared@example.com", people.RoleAgent, nil)
	clear(w.insider)
	w.insideAdmin = user("Cleared Admin", "cleared.admin@example.com", people.RoleAdmin, nil)
	clear(w.insideAdmin)
	w.rorg, err = e.ppl.CreateOrganization(ctx, sys, people.OrganizationInput{Name: s("Zqrorgname Agency")})
	must(err)
	must(e.srv.Brands.SetOrganizationBrand(ctx, sys, w.rorg.ID, w.rb.ID))
	w.rcust = user("Zqrcustname Fed", "zqrcustmail@agency.example", people.RoleEndUser, &w.rorg.ID)
	must(e.srv.Brands.SetUserBrand(ctx, sys, w.rcust.ID, w.rb.ID))
	pub := true
	w.rt, _, err = e.tickets.Create(ctx, ticket.Actor{UserID: w.rcust.ID, Role: people.RoleEndUser}, ticket.CreateInput{
		Subject: "zqrsubject enclave outage", Comment: ticket.CommentInput{Body: "zqrbody redacted logs", Public: &pub}})
	must(err)
	if w.rt.BrandID != w.rb.ID {
		t.Fatalf("the restricted customer's ticket is in brand %d, want %d", w.rt.BrandID, w.rb.ID)
	}
	assignee := w.insider.ID
	_, _, err = e.tickets.Update(ctx, ticket.Actor{UserID: w.insider.ID, Role: people.RoleAgent}, w.rt.ID,
		ticket.UpdateInput{AssigneeID: &assignee, Comment: &ticket.CommentInput{Body: "zqrbody internal", Public: b(false)}})
	must(err)
	// A deleted restricted ticket: the deleted tickets' list, restore and
	// permanent deletion stay inside the partition.
	gone, _, err := e.tickets.Create(ctx, ticket.Actor{UserID: w.rcust.ID, Role: people.RoleEndUser}, ticket.CreateInput{
		Subject: "zqrsubject deleted enclave request", Comment: ticket.CommentInput{Body: "zqrbody deleted", Public: &pub}})
	must(err)
	must(e.tickets.SoftDelete(ctx, ticket.Actor{UserID: w.insideAdmin.ID, Role: people.RoleAdmin}, gone.ID))
	w.rdel = gone.ID
	// The US Government on-call schedule, in the restricted brand.
	_, err = e.srv.OnCall.SeedDefaults(ctx)
	must(err)
	gov, err := e.srv.OnCall.ScheduleByKey(ctx, oncall.KeyUSGov)
	must(err)
	must(e.srv.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE oncall_schedules SET name = 'Zqrschedule US Government' WHERE id = $1", gov.ID)
		return err
	}))
	_, err = e.srv.OnCall.SetBrand(ctx, sys, gov.ID, &w.rb.ID)
	must(err)
	w.rsched = gov.ID
	// A customer emergency of the restricted ticket (the incident page,
	// lists and the PagerDuty API stay inside the partition).
	pol, err := e.srv.Incidents.CreatePolicy(ctx, sys, incident.PolicyInput{Name: "Enclave emergencies",
		Rules: []incident.Rule{{DelayMinutes: 10, Targets: []incident.Target{{Kind: incident.TargetUser, ID: w.insider.ID}}}}})
	must(err)
	esvc, err := e.srv.Incidents.CreateService(ctx, sys, incident.ServiceInput{Name: "Enclave emergencies", EscalationPolicyID: pol.ID, Kind: "emergency"})
	must(err)
	rt := w.rt.ID
	inc, _, err := e.srv.Incidents.Trigger(ctx, sys, incident.TriggerInput{ServiceID: esvc.ID, Title: "Customer emergency: zqrsubject enclave outage",
		Key: "ticket-zqr", Severity: 1, Urgency: "high", TicketID: &rt})
	must(err)
	must(e.srv.Incidents.StepNow(ctx, inc.ID))
	w.rinc = inc.ID
	// The restricted brand's Help Center: a public article, public inside
	// its brand only.
	cat, err := e.srv.KB.CreateCategory(ctx, sys, kb.CategoryInput{Name: s("Zqrcategory Enclave"), BrandID: &w.rb.ID})
	must(err)
	sec, err := e.srv.KB.CreateSection(ctx, sys, cat.ID, kb.SectionInput{Name: s("Zqrsection runbooks")})
	must(err)
	art, err := e.srv.KB.CreateArticle(ctx, sys, sec.ID, kb.ArticleInput{Title: s("Zqrarticle enclave backups"),
		BodyMarkdown: s("Back up the enclave outage logs."), Draft: b(false), LabelNames: &[]string{"zqrarticle"}})
	must(err)
	w.rcat, w.rsec, w.rart = cat.ID, sec.ID, art.ID
	// The brand's customer comments on it; an insider attaches a file.
	com, err := e.srv.KB.CreateComment(ctx, kb.Viewer{UserID: w.rcust.ID, Brand: w.rb.ID}, art.ID, kb.CommentInput{Body: s("zqrbody the enclave restore worked")})
	must(err)
	up, err := e.tickets.SaveUpload(ctx, ticket.Actor{UserID: w.insider.ID, Role: people.RoleAgent}, "zqrfile-enclave.txt", "text/plain", strings.NewReader("zqrbody enclave log"))
	must(err)
	att, err := e.srv.KB.AddAttachment(ctx, sys, art.ID, up.ID, false)
	must(err)
	w.rcomment, w.rattach, w.rfile = com.ID, att.ID, up.ID
	cust := e.users[people.RoleEndUser]
	w.dt, _, err = e.tickets.Create(ctx, ticket.Actor{UserID: cust.ID, Role: people.RoleEndUser}, ticket.CreateInput{
		Subject: "zqdsubject default request", Comment: ticket.CommentInput{Body: "zqdbody", Public: &pub}})
	must(err)
	return w
}

// partitionPaths are the concrete GET paths of a route for the ids of
// another brand: each path parameter filled with each object's id, and the
// routes that need query parameters given ones that reach the data.
func partitionPaths(pattern string, ids []int64, query []string) []string {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "x"
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	var out []string
	if !param.MatchString(path) {
		out = []string{path}
	} else {
		for _, id := range ids {
			out = append(out, param.ReplaceAllString(path, strconv.FormatInt(id, 10)))
		}
	}
	var withQuery []string
	for _, p := range out {
		withQuery = append(withQuery, p)
		for _, q := range query {
			withQuery = append(withQuery, p+"?"+q)
		}
	}
	return withQuery
}

type leakCount struct {
	n    int
	seen []string
}

func (l *leakCount) add(t *testing.T, format string, a ...any) {
	t.Helper()
	l.n++
	if len(l.seen) < 40 {
		t.Errorf(format, a...)
	}
}

func TestRestrictedPartitionLeakMatrix(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantPartition(t, e)
		client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(u *people.User, path string) resp {
			return e.do(client, "GET", path, nil, basic(u.Email, pw)...)
		}
		start := strconv.FormatInt(e.clk.Now().Add(-48*time.Hour).Unix(), 10)
		// Query values are no markers (pages echo their search box).
		query := []string{"query=enclave", "query=brand:" + strconv.FormatInt(w.rb.ID, 10), "start_time=" + start,
			"include=users,organizations,tickets", "q=enclave", "type=ticket"}
		e.clk.Advance(2 * time.Minute) // incremental exports look a minute back at least
		var leaks leakCount
		// walk GETs every route as u with ids in its path parameters; a
		// marker in a body, or a 200 on a guarded route whose id is one of
		// the other brand's objects (forbidden: ticket, user, organization),
		// is a leak.
		walk := func(who string, u *people.User, ids []int64, markers []string, forbidden map[string]int64) int {
			t.Helper()
			walked := 0
			for _, rt := range e.srv.Routes() {
				if !strings.HasPrefix(rt.Pattern, "GET ") || strings.HasSuffix(rt.Pattern, "/live") {
					continue
				}
				g, guarded := guardOf(rt.Pattern)
				for _, path := range partitionPaths(rt.Pattern, ids, query) {
					r := get(u, path)
					walked++
					low := strings.ToLower(r.body)
					for _, m := range markers {
						if strings.Contains(low, m) {
							leaks.add(t, "%s: GET %s (%d) shows %q: %.300s", who, path, r.code, m, r.body)
						}
					}
					if id, ok := forbidden[g.what]; guarded && ok && r.code == 200 && pathIDIs(path, g.prefix, id) {
						leaks.add(t, "%s: GET %s answered 200 on a restricted %s", who, path, g.what)
					}
				}
			}
			return walked
		}
		rids := []int64{w.rt.ID, w.rcust.ID, w.rorg.ID, w.rsched, w.rinc, w.rart, w.rsec, w.rcat, w.rcomment, w.rattach, w.rfile}
		outsiders := []struct {
			who string
			u   *people.User
		}{{"outside agent", e.users[people.RoleAgent]}, {"outside admin", e.users[people.RoleAdmin]},
			{"default-brand customer", e.users[people.RoleEndUser]}}
		total := 0
		for _, o := range outsiders {
			total += walk(o.who, o.u, rids, restrictedMarkers, map[string]int64{"ticket": w.rt.ID, "user": w.rcust.ID, "organization": w.rorg.ID, "incident": w.rinc})
		}
		// The restricted brand's customer with the default brand's ids.
		total += walk("restricted customer", w.rcust, []int64{w.dt.ID, e.users[people.RoleEndUser].ID}, defaultMarkers,
			map[string]int64{"ticket": w.dt.ID, "user": e.users[people.RoleEndUser].ID})

		// Key writes by outsiders answer 404 and change nothing.
		writes := []struct{ method, path, body string }{
			{"PUT", "/api/v2/tickets/" + itoa(w.rt.ID), `{"ticket":{"status":"solved","comment":{"body":"x"}}}`},
			{"DELETE", "/api/v2/tickets/" + itoa(w.rt.ID), ""},
			{"PUT", "/api/v2/tickets/" + itoa(w.rt.ID) + "/tags", `{"tags":["x"]}`},
			{"PUT", "/api/v2/users/" + itoa(w.rcust.ID), `{"user":{"name":"x"}}`},
			{"PUT", "/api/v2/organizations/" + itoa(w.rorg.ID), `{"organization":{"notes":"x"}}`},
			{"POST", "/api/v2/tickets", `{"ticket":{"subject":"x","comment":{"body":"x"},"brand_id":` + itoa(w.rb.ID) + `}}`},
			{"PUT", "/api/v2/brands/" + itoa(w.rb.ID), `{"brand":{"restricted":false}}`},
			{"PUT", "/api/v2/deleted_tickets/" + itoa(w.rdel) + "/restore", ""},
			{"PUT", "/api/v2/deleted_tickets/restore_many?ids=" + itoa(w.rdel), ""},
			{"DELETE", "/api/v2/deleted_tickets/" + itoa(w.rdel), ""},
			{"PUT", "/pagerduty/incidents/" + itoa(w.rinc), `{"incident":{"type":"incident","status":"resolved"}}`},
			{"POST", "/pagerduty/incidents/" + itoa(w.rinc) + "/notes", `{"note":{"content":"x"}}`},
			{"PUT", "/api/v2/oncall/schedules/" + itoa(w.rsched) + "/brand", `{"schedule_brand":{"brand_id":null}}`},
			{"POST", "/pagerduty/schedules/" + itoa(w.rsched) + "/overrides", `{"override":{"start":"2030-01-07T06:00:00Z","end":"2030-01-07T08:00:00Z","user":{"id":"` + itoa(w.insider.ID) + `"}}}`},
		}
		for _, o := range outsiders[:2] {
			for _, wr := range writes {
				r := e.do(client, wr.method, wr.path, strings.NewReader(wr.body), append(basic(o.u.Email, pw), "Content-Type", "application/json")...)
				total++
				// 404, or the role's own 403 (given whatever the id: it tells nothing).
				if r.code != 404 && (r.code != 403 || o.u.Role == people.RoleAdmin) {
					leaks.add(t, "%s: %s %s -> %d, want 404: %.200s", o.who, wr.method, wr.path, r.code, r.body)
				}
			}
		}
		for _, o := range outsiders[:2] { // a ticket for the restricted customer cannot be opened from outside
			body := `{"ticket":{"subject":"x","comment":{"body":"x"},"requester_id":` + itoa(w.rcust.ID) + `}}`
			r := e.do(client, "POST", "/api/v2/tickets", strings.NewReader(body), append(basic(o.u.Email, pw), "Content-Type", "application/json")...)
			total++
			if r.code < 400 {
				leaks.add(t, "%s: a ticket for the restricted customer: %d %.200s", o.who, r.code, r.body)
			}
		}
		// Bulk jobs answer with a job status; their items meet the partition
		// guard as the single request does: nothing is deleted.
		for _, o := range outsiders[:2] {
			for _, path := range []string{"/api/v2/tickets/destroy_many?ids=" + itoa(w.rt.ID), "/api/v2/deleted_tickets/destroy_many?ids=" + itoa(w.rdel),
				"/api/v2/tickets/update_many?ids=" + itoa(w.rt.ID)} {
				method, body := "DELETE", ""
				if strings.Contains(path, "update_many") {
					method, body = "PUT", `{"ticket":{"status":"solved"}}`
				}
				e.do(client, method, path, strings.NewReader(body), append(basic(o.u.Email, pw), "Content-Type", "application/json")...) // without a queue the job runs at once
				total++
			}
		}
		if _, err := e.tickets.GetDeleted(context.Background(), w.rdel); err != nil {
			leaks.add(t, "an outsider restored or destroyed the deleted restricted ticket: %v", err)
		}
		if cur, err := e.tickets.Get(context.Background(), w.rt.ID); err != nil || cur.Status == "solved" || len(cur.Tags) > 0 {
			leaks.add(t, "an outsider's write changed the restricted ticket: %+v %v", cur, err)
		}
		t.Logf("leak matrix: %d requests, %d leaks", total, leaks.n)
		if leaks.n != 0 {
			t.Fatalf("%d leaks, want 0", leaks.n)
		}

		// Insiders see the data (the matrix could not pass by hiding everything).
		for _, u := range []*people.User{w.insider, w.insideAdmin} {
			if r := get(u, "/api/v2/tickets/"+itoa(w.rt.ID)); r.code != 200 || !strings.Contains(r.body, "zqrsubject") {
				t.Fatalf("insider %s: %d %.200s", u.Email, r.code, r.body)
			}
			if r := get(u, "/api/v2/search/count?query=brand:"+itoa(w.rb.ID)); !strings.Contains(r.body, `"count":1`) {
				t.Errorf("insider search brand: %s", r.body)
			}
		}
		if r := get(w.insider, "/incidents/"+itoa(w.rinc)); r.code != 200 || !strings.Contains(r.body, "zqrsubject") {
			t.Errorf("the insider does not see the restricted emergency: %d", r.code)
		}
		if r := get(w.insider, "/pagerduty/incidents"); r.code != 200 || !strings.Contains(r.body, "zqrsubject") {
			t.Errorf("the insider's PagerDuty incidents lack the restricted emergency: %d", r.code)
		}
		if r := get(w.insideAdmin, "/oncall"); r.code != 200 || !strings.Contains(strings.ToLower(r.body), "zqrschedule") {
			t.Errorf("the inside admin does not see the restricted schedule: %d", r.code)
		}
		// A calendar feed of the restricted schedule reads as its owner.
		feedTok, err := e.srv.OnCall.CreateFeed(context.Background(), audit.Actor{ID: w.insider.ID, Role: people.RoleAgent}, w.rsched, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r := e.do(client, "GET", "/oncall/ical/"+feedTok+".ics", nil); r.code != 200 || !strings.Contains(strings.ToLower(r.body), "zqrschedule") {
			t.Errorf("the insider's feed of the restricted schedule: %d", r.code)
		}
		if r := get(w.rcust, "/api/v2/requests/"+itoa(w.rt.ID)); r.code != 200 {
			t.Errorf("the restricted customer's own request: %d", r.code)
		}
		// An insider's read is audited.
		entries, err := audit.New(e.srv.DB).List(context.Background(), audit.Filter{ActorID: w.insider.ID, ObjectType: "ticket"})
		if err != nil {
			t.Fatal(err)
		}
		audited := false
		for _, en := range entries {
			audited = audited || (en.Action == "restricted.read" && en.ObjectID == w.rt.ID)
		}
		if !audited {
			t.Errorf("the insider's read was not audited: %+v", entries)
		}
		// Losing the attribute revokes access at the next request.
		if err := e.srv.DB.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.ExecContext(context.Background(), "UPDATE users SET verified_citizenship = FALSE WHERE id = $1", w.insider.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if r := get(w.insider, "/api/v2/tickets/"+itoa(w.rt.ID)); r.code != 404 {
			t.Errorf("after losing citizenship: %d, want 404", r.code)
		}
		if r := e.do(client, "GET", "/oncall/ical/"+feedTok+".ics", nil); r.code != 404 {
			t.Errorf("after losing citizenship, the feed: %d, want 404", r.code)
		}
		if r := get(w.insider, "/api/v2/search/count?query=brand:"+itoa(w.rb.ID)); !strings.Contains(r.body, `"count":0`) {
			t.Errorf("after losing citizenship, search: %s", r.body)
		}
	})
}

// pathIDIs reports whether path fills the guard's prefix parameter with id.
func pathIDIs(path, prefix string, id int64) bool {
	i := strings.Index(prefix, "{")
	if i < 0 || !strings.HasPrefix(path, prefix[:i]) {
		return false
	}
	rest := path[i:]
	n := strings.IndexAny(rest, "/?")
	if n < 0 {
		n = len(rest)
	}
	return rest[:n] == strconv.FormatInt(id, 10)
}

// TestRestrictedPartitionKPINumbers: the KPI numbers of a viewer not cleared
// for a restricted brand leave out its tickets (the overview's engineers and
// indicators, a series, brand_id of the brand is 404), and a cleared insider's
// include them (ADR 0019, amendment of 2026-12-05), on both engines.
func TestRestrictedPartitionKPINumbers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		w := plantPartition(t, e)
		ctx := context.Background()
		solved := "solved"
		if _, _, err := e.tickets.Update(ctx, ticket.Actor{UserID: w.insider.ID, Role: people.RoleAgent}, w.rt.ID,
			ticket.UpdateInput{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Timeout: 20 * time.Second}
		type overview struct {
			KPIs []struct {
				Name  string   `json:"name"`
				Value *float64 `json:"value"`
			} `json:"kpis"`
			Engineers []struct {
				ID     int64 `json:"id"`
				Solved int   `json:"solved"`
			} `json:"engineers"`
		}
		get := func(u *people.User, path string, want int) overview {
			t.Helper()
			r := e.do(client, "GET", path, nil, basic(u.Email, pw)...)
			if r.code != want {
				t.Fatalf("%s GET %s: %d, want %d: %.300s", u.Email, path, r.code, want, r.body)
			}
			var o overview
			if want == 200 {
				if err := json.Unmarshal([]byte(r.body), &o); err != nil {
					t.Fatal(err)
				}
			}
			return o
		}
		// solvedBy is the insider's solves in the overview's engineers.
		solvedBy := func(o overview) int {
			for _, en := range o.Engineers {
				if en.ID == w.insider.ID {
					return en.Solved
				}
			}
			return 0
		}
		value := func(o overview, name string) *float64 {
			for _, k := range o.KPIs {
				if k.Name == name {
					return k.Value
				}
			}
			t.Fatalf("no %s in %+v", name, o.KPIs)
			return nil
		}
		rb := itoa(w.rb.ID)
		outside, inside := e.users[people.RoleAdmin], w.insideAdmin
		if n := solvedBy(get(outside, "/api/v2/kpis", 200)); n != 0 {
			t.Errorf("an outside admin's KPI overview counts %d restricted solves", n)
		}
		if n := solvedBy(get(inside, "/api/v2/kpis", 200)); n != 1 {
			t.Errorf("a cleared admin's KPI overview counts %d restricted solves, want 1", n)
		}
		if n := solvedBy(get(inside, "/api/v2/kpis?brand_id="+rb, 200)); n != 1 {
			t.Errorf("a cleared admin's KPI overview of the restricted brand counts %d solves, want 1", n)
		}
		if n := solvedBy(get(inside, "/api/v2/kpis?brand_id=1", 200)); n != 0 {
			t.Errorf("a cleared admin's KPI overview of the default brand counts %d restricted solves", n)
		}
		if v := value(get(inside, "/api/v2/kpis?brand_id="+rb, 200), "time_to_resolve_median"); v == nil {
			t.Errorf("the restricted brand's time to resolve is not available to a cleared admin")
		}
		if v := value(get(outside, "/api/v2/kpis?member_id="+itoa(w.insider.ID), 200), "time_to_resolve_median"); v != nil {
			t.Errorf("an outside admin sees the restricted engineer's time to resolve: %v", *v)
		}
		get(outside, "/api/v2/kpis?brand_id="+rb, 404)
		get(outside, "/api/v2/kpis/time_to_resolve_median/series?brand_id="+rb, 404)
		get(outside, "/api/v2/kpis?brand_id=x", 400)
		series := func(u *people.User) string {
			r := e.do(client, "GET", "/api/v2/kpis/time_to_resolve_median/series?periods=1&member_id="+itoa(w.insider.ID), nil, basic(u.Email, pw)...)
			if r.code != 200 {
				t.Fatalf("series: %d %.200s", r.code, r.body)
			}
			return r.body
		}
		if out, in := series(outside), series(inside); !strings.Contains(out, `"value":null`) || strings.Contains(in, `"value":null`) {
			t.Errorf("the restricted engineer's series: outsider %s, insider %s", out, in)
		}
		// The Prometheus gauges are an outsider's numbers: the scraper is in no partition.
		r := e.do(client, "GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken)
		if r.code != 200 {
			t.Fatalf("metrics: %d", r.code)
		}
		gauge := func(name string) *float64 {
			m := regexp.MustCompile(`(?m)^frontline_kpi\{name="` + name + `"\} (\S+)$`).FindStringSubmatch(r.body)
			if m == nil {
				return nil
			}
			v, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			return &v
		}
		same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) < 1e-9) }
		outO, inO := get(outside, "/api/v2/kpis?periods=1", 200), get(inside, "/api/v2/kpis?periods=1", 200)
		for _, name := range []string{"time_to_resolve_median", "tickets_per_engineer"} {
			if g := gauge(name); !same(g, value(outO, name)) || same(value(outO, name), value(inO, name)) {
				show := func(v *float64) string {
					if v == nil {
						return "none"
					}
					return strconv.FormatFloat(*v, 'g', -1, 64)
				}
				t.Errorf("%s: gauge %s, outsider %s, insider %s: the gauge must be the outsider's, which must differ from the insider's",
					name, show(g), show(value(outO, name)), show(value(inO, name)))
			}
		}
	}, func(d *Deps) { d.MetricsToken = testMetricsToken })
}
