package app

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/demo"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
)

// The demo's help-desk history: months of tickets written through the
// domain stores (tickets with their SLA, trigger and mail hooks,
// satisfaction ratings, automations, the search index) on a clock that
// moves through the past, so that every derived value — SLA achievements
// and breach events, ticket metrics, the search index, ratings — is what
// the domain computes.
//
// The stores that write it are a desk of their own (historyDesk): wired as
// Open wires the App's, on a second database handle whose clock is a
// clock.Fake set to each moment of the history in turn. The running server
// keeps its own clock; the desk is closed once the history is written. SLA
// timers of the desk are kept in memory and fired (FireDue) when the clock
// passes them, so breaches and warnings are recorded at their moment, and
// only the timers still ahead at the end go to the App's job queue.

// demoHistoryDays is how far back the demo history starts.
const demoHistoryDays = 183

// demoHistorySeed makes the demo history the same on every install.
const demoHistorySeed = 16

// HistoryInput is what a history is written for: the regional
// teams (their groups, engineers and business hours) and the customer
// organizations with their users.
type HistoryInput struct {
	Now      time.Time
	Days     int
	Tickets  int
	Seed     uint64
	Teams    []*demo.Team
	Orgs     []*demo.Org
	Featured int64 // customer whose own requests are scripted (the printed sign-in)
}

// HistoryStats counts what writing a history did.
type HistoryStats struct {
	Tickets, Comments, Ratings, AutomationRuns, TimerMoments, Skipped int
	First                                                             time.Time
}

// historyDesk is the set of stores that write the history (see above).
type historyDesk struct {
	db      *db.DB
	clk     *clock.Fake
	people  *people.Store
	tickets *ticket.Store
	sla     *sla.Service
	rules   *rulestore.Store
	mail    *mail.Store // nil without a mailbox
	ratings *satisfaction.Store
	timers  *timerHeap
	search  *search.Service
	mailbox string
}

// openHistoryDesk opens the desk at start: a bulk handle (db.Options.Bulk)
// on the App's database and the ticket store's hooks in Open's order — the
// mail store's (inbound only), SLA (timers kept in memory), triggers —
// without outbound mail or rule notifications (nobody is mailed about the
// past) and without the job queue. The search index is written at the end
// (see write).
func (a *App) openHistoryDesk(ctx context.Context, start time.Time) (*historyDesk, error) {
	clk := clock.NewFake(start)
	d, err := db.Open(ctx, a.DB.Target, clk, db.Options{MaxConns: 2, Bulk: true})
	if err != nil {
		return nil, err
	}
	h := &historyDesk{db: d, clk: clk, timers: &timerHeap{}}
	al := audit.New(d)
	h.people = people.NewStore(d, al)
	h.tickets = ticket.NewStore(d, al, filepath.Join(a.Config.DataDir, "attachments"), a.Config.MaxAttachmentBytes)
	if err := h.tickets.SetDefaultPriorities(a.Config.DefaultPriorities); err != nil { // as on the live desk
		d.Close()
		return nil, err
	}
	if len(a.Config.Mailboxes) > 0 {
		h.mailbox = a.Config.Mailboxes[0].Address
		h.mail, err = mail.NewStore(d, h.tickets, h.people, mail.StoreConfig{Mailboxes: a.Config.Mailboxes})
		if err != nil {
			d.Close()
			return nil, err
		}
	}
	h.search = search.New(d)
	h.sla = sla.NewService(sla.NewStore(d, al), sla.Options{})
	h.sla.SetTimers(h.timers)
	h.tickets.OnPrepare(h.sla.Prepare)
	h.tickets.OnChange(h.sla.Hook)
	h.rules = rulestore.New(d, h.tickets, al, nil, rulestore.Options{BaseURL: a.Config.BaseURL})
	h.rules.Attach()
	h.ratings = satisfaction.NewStore(d, al)
	return h, nil
}

func (h *historyDesk) close() { h.db.Close() }

// loadDemoHistory writes the demo's help-desk history (a.Config.DemoTickets
// tickets over about six months) for the regional teams and customer
// organizations in the database, after adding customer organizations of
// its own; res counts them. It hands the SLA timers still ahead to the
// App's job queue and adds the notification triggers that apply from now on.
func (a *App) loadDemoHistory(ctx context.Context, res *DemoResult) (*HistoryStats, error) {
	if a.Config.DemoTickets <= 0 {
		return &HistoryStats{}, nil
	}
	now := a.Clock.Now()
	st, ahead, err := a.writeHistory(ctx, res, now)
	if err != nil {
		return nil, err
	}
	if err := a.SLA.ScheduleTimers(ctx, ahead); err != nil {
		return nil, fmt.Errorf("schedule the SLA timers ahead: %w", err)
	}
	if err := a.addNotificationTriggers(ctx); err != nil {
		return nil, err
	}
	a.Log.Info("demo history written", "tickets", st.Tickets, "comments", st.Comments, "ratings", st.Ratings,
		"first", st.First.Format(time.DateOnly), "automation_runs", st.AutomationRuns, "sla_timer_moments", st.TimerMoments)
	if st.Skipped > 0 {
		a.Log.Warn("demo history: steps skipped", "count", st.Skipped)
	}
	return st, nil
}

// writeHistory opens the desk, adds the customer organizations and the
// rules, writes the history up to now and closes the desk; it returns the
// SLA timers still ahead.
func (a *App) writeHistory(ctx context.Context, res *DemoResult, now time.Time) (*HistoryStats, []sla.Timer, error) {
	h, err := a.openHistoryDesk(ctx, now.Add(-(demoHistoryDays+7)*24*time.Hour))
	if err != nil {
		return nil, nil, err
	}
	defer h.close()
	orgs, users, err := h.addCustomerOrgs(ctx)
	if err != nil {
		return nil, nil, err
	}
	res.Organizations += orgs
	res.Customers += users
	in, err := a.historyInput(ctx, h, res.CustomerEmail)
	if err != nil {
		return nil, nil, err
	}
	in.Now, in.Days, in.Tickets, in.Seed = now, demoHistoryDays, a.Config.DemoTickets, demoHistorySeed
	if err := h.addRules(ctx, in); err != nil {
		return nil, nil, err
	}
	st, err := h.write(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	return st, h.timers.after(now), nil
}

// addCustomerOrgs creates the demo's extra customer organizations and their
// users (demo.CustomerOrgs) at the desk's start, routed to the regional
// group of their region, and returns how many it created.
func (h *historyDesk) addCustomerOrgs(ctx context.Context) (orgs, users int, err error) {
	sys := audit.System()
	groups, err := h.people.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return 0, 0, err
	}
	for _, o := range demo.CustomerOrgs(demoHistorySeed) {
		if _, err := h.people.OrganizationByName(ctx, o.Name); err == nil {
			continue // there already
		} else if !errs.Is(err, errs.KindNotFound) {
			return orgs, users, err
		}
		shared := o.SharedTickets
		in := people.OrganizationInput{Name: &o.Name, SupportPlan: &o.Plan, Tier: &o.Tier, Details: &o.Details,
			DomainNames: &[]string{o.Domain}, SharedTickets: &shared, SharedComments: &shared, Tags: &[]string{o.Plan, o.Tier}}
		if g := regionalGroup(groups, o.Region); g != nil {
			in.GroupID = &g.ID
		}
		if o.Region != "" {
			region := o.Region
			in.Region = &region
		}
		created, err := h.people.CreateOrganization(ctx, sys, in)
		if err != nil {
			return orgs, users, fmt.Errorf("organization %s: %w", o.Name, err)
		}
		orgs++
		for _, p := range o.People {
			if _, err := h.people.CreateUser(ctx, sys, people.UserInput{Name: &p.Name, Email: &p.Email,
				OrganizationID: &created.ID, TimeZone: &p.TimeZone}); err != nil {
				return orgs, users, fmt.Errorf("customer %s: %w", p.Email, err)
			}
			users++
		}
	}
	return orgs, users, nil
}

// regionOf is the region a group's or organization's name names as a word
// ("Support EMEA"), "" for none.
func regionOf(name string) string {
	for _, w := range strings.Fields(strings.ToUpper(name)) {
		switch w {
		case people.RegionAMER, people.RegionEMEA, people.RegionAPAC:
			return w
		}
	}
	return ""
}

func regionalGroup(groups []people.Group, region string) *people.Group {
	for i := range groups {
		if regionOf(groups[i].Name) == region && !groups[i].Deleted {
			return &groups[i]
		}
	}
	return nil
}

// isLead reports whether a member of staff manages rather than works
// tickets, by job title.
func isLead(u people.User) bool {
	t := strings.ToLower(u.JobTitle)
	for _, w := range []string{"manager", "director", "vp", "vice president", "head of"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// historyInput reads the regional teams (groups whose name names a region,
// their members, the region's business hours) and the customer
// organizations with their end-users from the database.
func (a *App) historyInput(ctx context.Context, h *historyDesk, featuredEmail string) (HistoryInput, error) {
	var in HistoryInput
	schedules, err := h.sla.Store.ListSchedules(ctx)
	if err != nil {
		return in, err
	}
	groups, err := h.people.ListGroups(ctx, people.GroupFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return in, err
	}
	for _, g := range groups {
		region := regionOf(g.Name)
		if region == "" || g.Deleted {
			continue
		}
		members, err := h.people.ListUsers(ctx, people.UserFilter{GroupID: g.ID, Page: people.Page{Limit: 1000}})
		if err != nil {
			return in, err
		}
		t := &demo.Team{Region: region, GroupID: g.ID, Calendar: sla.AlwaysOpen()}
		for _, s := range schedules {
			if strings.EqualFold(s.Name, region) {
				if t.Calendar, err = sla.NewCalendar(&s); err != nil {
					return in, err
				}
			}
		}
		for _, u := range members {
			if !u.Active || !u.IsStaff() {
				continue
			}
			ag := demo.Agent{ID: u.ID, Name: u.Name, Role: u.Role}
			if isLead(u) {
				t.Leads = append(t.Leads, ag)
			} else {
				t.Engineers = append(t.Engineers, ag)
			}
		}
		if len(t.Engineers) == 0 {
			t.Engineers, t.Leads = t.Leads, nil
		}
		if len(t.Engineers) > 0 && !slices.ContainsFunc(in.Teams, func(x *demo.Team) bool { return x.Region == region }) {
			in.Teams = append(in.Teams, t)
		}
	}
	if len(in.Teams) == 0 {
		return in, errors.New("no regional support group (a group named for AMER, EMEA or APAC) has staff")
	}
	regionTeam := func(region string) *demo.Team {
		for _, t := range in.Teams {
			if t.Region == region {
				return t
			}
		}
		return in.Teams[0]
	}
	orgs, err := h.people.ListOrganizations(ctx, people.OrgFilter{Page: people.Page{Limit: 1000}})
	if err != nil {
		return in, err
	}
	for _, o := range orgs {
		do := &demo.Org{ID: o.ID, Name: o.Name, Plan: o.SupportPlan, Tier: o.Tier}
		if o.ASEUserID != nil {
			do.ASE = *o.ASEUserID
		}
		for _, g := range groups {
			if o.GroupID != nil && g.ID == *o.GroupID {
				do.Region = regionOf(g.Name)
			}
		}
		team := regionTeam(do.Region)
		do.Region = team.Region
		users, err := h.people.ListUsers(ctx, people.UserFilter{OrganizationID: o.ID, Role: people.RoleEndUser, Page: people.Page{Limit: 1000}})
		if err != nil {
			return in, err
		}
		for _, u := range users {
			if !u.Active || u.Suspended {
				continue
			}
			loc, err := time.LoadLocation(u.TimeZone)
			if err != nil || u.TimeZone == "" || u.TimeZone == "UTC" {
				loc = team.Calendar.Location() // customers write in their region's daytime
			}
			do.Customers = append(do.Customers, demo.Customer{ID: u.ID, Name: u.Name, Email: u.Email, Location: loc})
			if strings.EqualFold(u.Email, featuredEmail) {
				in.Featured = u.ID
			}
		}
		if len(do.Customers) > 0 {
			in.Orgs = append(in.Orgs, do)
		}
	}
	if len(in.Orgs) == 0 {
		return in, errors.New("no customer organization has users")
	}
	return in, nil
}

// --- rules -------------------------------------------------------------------------

func cond(field, op string, value any) rules.Condition {
	return rules.Condition{Field: field, Operator: op, Value: value}
}

func act(field string, value any) rules.Action { return rules.Action{Field: field, Value: value} }

// addRules stores the triggers, automations, macros and views the history
// runs with (at its start, so they were there all along): requests routed
// to the regional team of their organization, untriaged requests at normal
// priority, emergencies of priority-support customers tagged, solved
// tickets closed after four days, pending ones solved after five without
// an answer.
func (h *historyDesk) addRules(ctx context.Context, in HistoryInput) error {
	sys := audit.System()
	created := cond("update_type", "is", "Create")
	pos := 1
	for _, t := range in.Teams {
		var anyOrg []rules.Condition
		for _, o := range in.Orgs {
			if o.Region == t.Region {
				anyOrg = append(anyOrg, cond("organization_id", "is", strconv.FormatInt(o.ID, 10)))
			}
		}
		if len(anyOrg) == 0 {
			continue
		}
		if _, err := h.rules.CreateTrigger(ctx, sys, rules.Trigger{Title: "Route " + t.Region + " customers to their regional team", Active: true, Position: pos,
			Description: "New requests of organizations served from " + t.Region + " go to its support group.",
			Conditions:  rules.Conditions{All: []rules.Condition{created}, Any: anyOrg},
			Actions:     []rules.Action{act("group_id", strconv.FormatInt(t.GroupID, 10))}}); err != nil {
			return fmt.Errorf("routing trigger: %w", err)
		}
		pos++
	}
	triggers := []rules.Trigger{
		{Title: "Untriaged requests get normal priority", Active: true, Description: "Email cannot carry a priority; engineers adjust it when they triage.",
			Conditions: rules.Conditions{All: []rules.Condition{created, cond("priority", "is", "")}},
			Actions:    []rules.Action{act("priority", "normal")}},
		{Title: "Tag emergencies of priority-support customers", Active: true, Description: "Urgent requests of premium and ultimate organizations are emergencies (30-minute response around the clock).",
			Conditions: rules.Conditions{All: []rules.Condition{created, cond("priority", "is", "urgent")},
				Any: []rules.Condition{cond("organization.tier", "is", "premium"), cond("organization.tier", "is", "ultimate")}},
			Actions: []rules.Action{act("current_tags", "emergency")}},
		{Title: "Tag billing and license requests", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{created, cond("comment_includes_word", "includes", "invoice license seats reconciliation billing")}},
			Actions:    []rules.Action{act("current_tags", "billing")}},
	}
	for _, t := range triggers {
		t.Position = pos
		pos++
		if _, err := h.rules.CreateTrigger(ctx, sys, t); err != nil {
			return fmt.Errorf("trigger %q: %w", t.Title, err)
		}
	}
	for i, a := range []rules.Automation{
		{Title: "Close ticket 4 days after it is solved", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("status", "is", "solved"), cond("hours_since_solved", "greater_than", "96")}},
			Actions:    []rules.Action{act("status", "closed")}},
		{Title: "Solve pending tickets after 5 days without an answer", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("status", "is", "pending"), cond("hours_since_pending", "greater_than", "120")}},
			Actions:    []rules.Action{act("status", "solved"), act("current_tags", "auto_solved")}},
	} {
		a.Position = i + 1
		if _, err := h.rules.CreateAutomation(ctx, sys, a); err != nil {
			return fmt.Errorf("automation %q: %w", a.Title, err)
		}
	}
	macros := []rules.Macro{
		{Title: "Ask for logs", Active: true, Description: "Ask the customer for the logs we usually need and wait for them.",
			Actions: []rules.Action{act("comment_value", "Hi {{ticket.requester.first_name}},\n\nTo look into this we need the full job log, the output of \"shipyard-ctl status\" and, for self-managed instances, a SOS report (shipyard-sos). Please attach them to this ticket.\n\nThanks,\n{{current_user.name}}"),
				act("status", "pending")}},
		{Title: "Escalate to engineering", Active: true, Description: "Internal note, tag and on-hold while a bug is fixed.",
			Actions: []rules.Action{act("comment_mode_is_public", "false"), act("comment_value", "Escalated to engineering: ENG-____ (severity __). Reproduction steps: "),
				act("current_tags", "escalated"), act("status", "hold")}},
		{Title: "Fix shipped in a patch release", Active: true,
			Actions: []rules.Action{act("comment_value", "Hi {{ticket.requester.first_name}},\n\nGood news: the fix has shipped in the latest patch release. After upgrading, the problem should be gone; if it isn't, reply here and the ticket reopens.\n\nBest regards,\n{{current_user.name}}"),
				act("status", "solved")}},
		{Title: "Upgrade path guidance", Active: true,
			Actions: []rules.Action{act("comment_value", "Hi {{ticket.requester.first_name}},\n\nThe upgrade path tool lists the required stops from your version; wait for the background migrations to finish at each stop before going on. Let us know if you'd like us to review your plan.\n\nBest,\n{{current_user.name}}"),
				act("current_tags", "upgrade")}},
		{Title: "Account access: verify ownership", Active: true, Description: "Start the ownership verification before any account change.",
			Actions: []rules.Action{act("comment_value", "For security we need to verify ownership before changing anything on the account. Please reply from the account's email address and fill in the attached verification form."),
				act("current_tags", "account_verification"), act("status", "pending")}},
		{Title: "Billing: hand over to billing operations", Active: true,
			Actions: []rules.Action{act("comment_mode_is_public", "false"), act("comment_value", "Handing over to billing operations: "), act("current_tags", "billing")}},
	}
	for i, m := range macros {
		m.Position = i + 1
		if _, err := h.rules.CreateMacro(ctx, sys, m); err != nil {
			return fmt.Errorf("macro %q: %w", m.Title, err)
		}
	}
	unsolved := cond("status", "less_than", "solved")
	cols := []string{"status", "subject", "requester", "organization", "priority", "assignee", "updated"}
	views := []rules.View{
		{Title: "Urgent and high priority, unsolved", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{unsolved, cond("priority", "greater_than", "normal")}},
			Execution:  rules.Execution{Columns: cols, SortBy: "sla_next_breach_at", SortOrder: "asc"}},
		{Title: "Escalated to engineering (on hold)", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("status", "is", "hold"), cond("current_tags", "includes", "escalated")}},
			Execution:  rules.Execution{Columns: cols, SortBy: "updated_at", SortOrder: "asc"}},
		{Title: "Ultimate customers, unsolved", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{unsolved, cond("organization.tier", "is", "ultimate")}},
			Execution:  rules.Execution{Columns: cols, SortBy: "updated_at", SortOrder: "desc"}},
	}
	for _, t := range in.Teams {
		views = append(views, rules.View{Title: "Support " + t.Region + " queue", Active: true,
			Conditions:  rules.Conditions{All: []rules.Condition{unsolved, cond("group_id", "is", strconv.FormatInt(t.GroupID, 10))}},
			Execution:   rules.Execution{Columns: cols, SortBy: "sla_next_breach_at", SortOrder: "asc"},
			Restriction: &rules.Restriction{Type: "Group", ID: t.GroupID}})
	}
	next, err := h.rules.NextPosition(ctx, rulestore.KindView)
	if err != nil {
		return err
	}
	for i, v := range views {
		v.Position = next + i
		if _, err := h.rules.CreateView(ctx, sys, v); err != nil {
			return fmt.Errorf("view %q: %w", v.Title, err)
		}
	}
	return nil
}

// addNotificationTriggers adds the usual email notifications, through the
// App's rule store at the real time: they apply from now on (the history
// mailed nobody).
func (a *App) addNotificationTriggers(ctx context.Context) error {
	next, err := a.Rules.NextPosition(ctx, rulestore.KindTrigger)
	if err != nil {
		return err
	}
	for i, t := range []rules.Trigger{
		{Title: "Notify requester of received request", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("update_type", "is", "Create"), cond("role", "is", "end-user")}},
			Actions: []rules.Action{act("notification_user", []any{"requester_id", "[#{{ticket.id}}] We received your request: {{ticket.title}}",
				"Hi {{ticket.requester.first_name}},\n\nThanks for contacting Shipyard Support. An engineer will answer within your plan's response time.\n\n{{ticket.url}}"})}},
		{Title: "Notify requester of a public reply", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("update_type", "is", "Change"), cond("comment_is_public", "is", "true"), cond("role", "is_not", "end-user")}},
			Actions: []rules.Action{act("notification_user", []any{"requester_and_ccs", "[#{{ticket.id}}] {{ticket.title}}",
				"{{ticket.latest_public_comment}}\n\n{{ticket.url}}"})}},
		{Title: "Notify assignee of a customer reply", Active: true,
			Conditions: rules.Conditions{All: []rules.Condition{cond("update_type", "is", "Change"), cond("comment_is_public", "is", "true"),
				cond("role", "is", "end-user"), cond("assignee_id", "is_not", "")}},
			Actions: []rules.Action{act("notification_user", []any{"assignee_id", "[#{{ticket.id}}] The customer replied: {{ticket.title}}",
				"{{ticket.latest_public_comment}}\n\n{{ticket.url}}"})}},
	} {
		t.Position = next + i
		if _, err := a.Rules.CreateTrigger(ctx, audit.System(), t); err != nil {
			return fmt.Errorf("trigger %q: %w", t.Title, err)
		}
	}
	return nil
}

// --- the run -----------------------------------------------------------------------

// event is the next step of one ticket.
type event struct {
	at   time.Time
	plan int // index in the plans
	step int // -1: the creation
}

type eventHeap []event

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].plan < h[j].plan
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(event)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// timerHeap is the desk's sla.Timers: the timers are kept in memory, earliest
// first, and fired by the run as its clock passes them.
type timerHeap []sla.Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].At.Before(h[j].At) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(sla.Timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Schedule implements sla.Timers.
func (h *timerHeap) Schedule(_ context.Context, _ *db.Tx, ts []sla.Timer) error {
	for _, t := range ts {
		heap.Push(h, t)
	}
	return nil
}

// after returns the timers later than t.
func (h *timerHeap) after(t time.Time) []sla.Timer {
	var out []sla.Timer
	for _, x := range *h {
		if x.At.After(t) {
			out = append(out, x)
		}
	}
	return out
}

// dueHeap holds the moments at which an automation may have something to
// do (four days after a solution, five after a question), so that the run
// only asks the automations when they might act.
type dueHeap []time.Time

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].Before(h[j]) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(time.Time)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// write carries out the plans for in: every creation and step at its
// moment, the SLA timers at theirs, and the automations every twelve hours
// (they run every minute on a live desk; the closing of a solved ticket
// comes up to twelve hours after its four days here) when one of them may
// act, all in time order, until in.Now.
func (h *historyDesk) write(ctx context.Context, in HistoryInput) (*HistoryStats, error) {
	plans := demo.Plan(demo.Config{Now: in.Now, Days: in.Days, Tickets: in.Tickets, Seed: in.Seed, Featured: in.Featured}, in.Teams, in.Orgs)
	r := &historyRun{h: h, plans: plans, ids: make([]int64, len(plans)), msgIDs: make([]string, len(plans)),
		triaged: make([]bool, len(plans)), st: &HistoryStats{}}
	for i, pl := range plans {
		heap.Push(&r.events, event{at: pl.Created, plan: i, step: -1})
	}
	const tick = 12 * time.Hour
	nextTick := time.Time{}
	for {
		var at time.Time
		kind := 0 // 1 event, 2 timer, 3 automations
		if len(r.events) > 0 {
			at, kind = r.events[0].at, 1
		}
		if len(*h.timers) > 0 && (*h.timers)[0].At.Before(in.Now) && (kind == 0 || (*h.timers)[0].At.Before(at)) {
			at, kind = (*h.timers)[0].At, 2
		}
		if len(r.autoDue) > 0 {
			if nextTick.IsZero() || nextTick.Before(r.autoDue[0]) {
				nextTick = r.autoDue[0].Truncate(tick).Add(tick)
			}
			if nextTick.Before(in.Now) && (kind == 0 || nextTick.Before(at)) {
				at, kind = nextTick, 3
			}
		}
		if kind == 0 {
			break
		}
		if at.After(h.clk.Now()) {
			h.clk.Set(at)
		}
		var err error
		switch kind {
		case 1:
			e := heap.Pop(&r.events).(event)
			err = r.run(ctx, e)
		case 2:
			err = r.fireTimers(ctx)
		case 3:
			err = r.automations(ctx, at)
			nextTick = at.Add(tick)
		}
		if err != nil {
			return nil, err
		}
	}
	// The text index is written once, from each ticket's final text, as
	// for an import: rewriting a ticket's whole text at each of its
	// comments (what the search hook does on a running desk) gives the same
	// index and made the history a tenth slower.
	if len(plans) > 0 {
		if _, _, err := h.search.Reindex(ctx, r.ids[0]-1, 500); err != nil {
			return nil, err
		}
	}
	// The end of the history is now: what is due by then is recorded.
	h.clk.Set(in.Now)
	if _, err := h.sla.FireDue(ctx, 10000); err != nil {
		return nil, err
	}
	if len(plans) > 0 {
		r.st.First = plans[0].Created
	}
	return r.st, nil
}

type historyRun struct {
	h       *historyDesk
	plans   []*demo.TicketPlan
	ids     []int64  // ticket ids by plan
	msgIDs  []string // Message-ID of an email ticket's first message
	triaged []bool   // an engineer has set priority, type and tags
	events  eventHeap
	autoDue dueHeap
	st      *HistoryStats
}

// fireTimers fires the SLA timers due now (as the wake-up job of that
// moment does): FireDue looks at every ticket whose warning or breach time
// has come.
func (r *historyRun) fireTimers(ctx context.Context) error {
	now := r.h.clk.Now()
	for len(*r.h.timers) > 0 && !(*r.h.timers)[0].At.After(now) {
		heap.Pop(r.h.timers)
	}
	r.st.TimerMoments++
	for {
		n, err := r.h.sla.FireDue(ctx, 500)
		if err != nil || n < 500 {
			return err
		}
	}
}

// automations runs the automations (as their periodic job does) and drops
// the moments that have passed.
func (r *historyRun) automations(ctx context.Context, at time.Time) error {
	for len(r.autoDue) > 0 && r.autoDue[0].Before(at) {
		heap.Pop(&r.autoDue)
	}
	r.st.AutomationRuns++
	_, err := r.h.rules.RunAutomations(ctx)
	return err
}

func (r *historyRun) next(e event) {
	pl := r.plans[e.plan]
	if e.step+1 < len(pl.Steps) {
		heap.Push(&r.events, event{at: pl.Steps[e.step+1].At, plan: e.plan, step: e.step + 1})
	}
}

// after notes what automations a ticket's new status may lead to.
func (r *historyRun) after(t *ticket.Ticket) {
	now := r.h.clk.Now()
	switch t.Status {
	case ticket.StatusSolved:
		heap.Push(&r.autoDue, now.Add(96*time.Hour))
	case ticket.StatusPending:
		heap.Push(&r.autoDue, now.Add(120*time.Hour))
		heap.Push(&r.autoDue, now.Add((120+96)*time.Hour+time.Hour)) // solved by the automation, then closed
	}
}

func (r *historyRun) run(ctx context.Context, e event) error {
	pl := r.plans[e.plan]
	if e.step < 0 {
		if err := r.create(ctx, e.plan, pl); err != nil {
			return fmt.Errorf("demo ticket %q: %w", pl.Subject, err)
		}
		r.next(e)
		return nil
	}
	s := pl.Steps[e.step]
	err := r.step(ctx, e.plan, pl, s)
	if errs.Is(err, errs.KindInvalid) && strings.Contains(err.Error(), "closed") {
		r.st.Skipped++ // closed by an automation before the plan's step
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo ticket %d, step %d: %w", r.ids[e.plan], e.step, err)
	}
	r.next(e)
	return nil
}

func customerActor(pl *demo.TicketPlan) ticket.Actor {
	return ticket.Actor{UserID: pl.Requester.ID, Role: people.RoleEndUser}
}

func (r *historyRun) create(ctx context.Context, i int, pl *demo.TicketPlan) error {
	r.st.Tickets++
	r.st.Comments++
	if pl.Channel == demo.ChannelEmail && r.h.mail != nil {
		id, err := r.email(ctx, i, pl, pl.Body, "")
		if err != nil {
			return err
		}
		r.ids[i] = id
		return nil
	}
	pub := true
	via := &ticket.Via{Channel: pl.Channel}
	if via.Channel == demo.ChannelEmail {
		via.Channel = ticket.ChannelWeb // no mailbox configured
	}
	// The portal's and the API's requests carry their priority, type and
	// product area, and go to the organization's regional team at once
	// (the routing triggers do the same for email).
	prio, typ, group := pl.Priority, pl.Type, pl.Team.GroupID
	t, _, err := r.h.tickets.Create(ctx, customerActor(pl), ticket.CreateInput{
		Subject: pl.Subject, Comment: ticket.CommentInput{Body: pl.Body, Public: &pub}, GroupID: &group,
		Priority: &prio, Type: &typ, Tags: pl.Tags, CollaboratorIDs: pl.CCs, Via: via, Recipient: r.h.mailbox,
	})
	if err != nil {
		return err
	}
	r.ids[i] = t.ID
	r.triaged[i] = true
	return nil
}

// email delivers a message from the requester to the support mailbox
// through the mail store: a new request (ticketID 0), or an answer threaded
// to the ticket by In-Reply-To and the subject's [#id] token. It returns
// the ticket's id.
func (r *historyRun) email(ctx context.Context, i int, pl *demo.TicketPlan, body string, replyTo string) (int64, error) {
	now := r.h.clk.Now()
	msgID := fmt.Sprintf("<demo.%d.%d@%s>", i, now.UnixMilli(), domainOf(pl.Requester.Email))
	subject := pl.Subject
	var hdr strings.Builder
	fmt.Fprintf(&hdr, "From: %q <%s>\r\nTo: Support <%s>\r\n", pl.Requester.Name, pl.Requester.Email, r.h.mailbox)
	for _, cc := range pl.CCs {
		for _, c := range pl.Org.Customers {
			if c.ID == cc && replyTo == "" {
				fmt.Fprintf(&hdr, "Cc: %q <%s>\r\n", c.Name, c.Email)
			}
		}
	}
	if replyTo != "" {
		subject = "Re: " + mail.TicketToken(r.ids[i]) + " " + pl.Subject
		fmt.Fprintf(&hdr, "In-Reply-To: %s\r\nReferences: %s\r\n", replyTo, replyTo)
	}
	fmt.Fprintf(&hdr, "Subject: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		subject, now.In(pl.Requester.Location).Format(time.RFC1123Z), msgID)
	raw := hdr.String() + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	if err := r.h.mail.Deliver(ctx, mail.Envelope{From: pl.Requester.Email, To: []string{r.h.mailbox}}, []byte(raw)); err != nil {
		return 0, err
	}
	if replyTo != "" {
		return r.ids[i], nil
	}
	r.msgIDs[i] = msgID
	ts, err := r.h.tickets.List(ctx, ticket.Filter{RequesterID: pl.Requester.ID, SortBy: "id", Desc: true, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(ts) == 0 || !ts[0].CreatedAt.Equal(now) {
		return 0, fmt.Errorf("the email from %s created no ticket", pl.Requester.Email)
	}
	return ts[0].ID, nil
}

func domainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return "example.com"
}

func (r *historyRun) step(ctx context.Context, i int, pl *demo.TicketPlan, s demo.Step) error {
	id := r.ids[i]
	switch s.Kind {
	case demo.AgentUpdate:
		pub := s.Public
		in := ticket.UpdateInput{Comment: &ticket.CommentInput{Body: s.Body, Public: &pub}, AdditionalTags: s.AddTags}
		if s.Status != "" {
			in.Status = &s.Status
		}
		if s.Assign {
			in.AssigneeID = &pl.Engineer.ID
		}
		if s.Priority != "" {
			in.Priority = &s.Priority
		}
		if !r.triaged[i] && s.By.ID == pl.Engineer.ID {
			// An email request: the engineer sets what the customer could
			// not (the routing trigger set the group, another the priority).
			prio, typ := pl.Priority, pl.Type
			if in.Priority == nil {
				in.Priority = &prio
			}
			in.Type = &typ
			in.AdditionalTags = append(slices.Clone(pl.Tags), s.AddTags...)
			r.triaged[i] = true
		}
		t, _, err := r.h.tickets.Update(ctx, ticket.Actor{UserID: s.By.ID, Role: s.By.Role}, id, in)
		if err != nil {
			return err
		}
		r.st.Comments++
		r.after(t)
	case demo.CustomerReply:
		r.st.Comments++
		if pl.Channel == demo.ChannelEmail && r.h.mail != nil && r.msgIDs[i] != "" {
			_, err := r.email(ctx, i, pl, s.Body+"\n\n"+quote(pl), r.msgIDs[i])
			return err
		}
		pub := true
		via := &ticket.Via{Channel: ticket.ChannelWeb}
		t, _, err := r.h.tickets.Update(ctx, customerActor(pl), id, ticket.UpdateInput{Comment: &ticket.CommentInput{Body: s.Body, Public: &pub}, Via: via})
		if err != nil {
			return err
		}
		r.after(t)
	case demo.Rate:
		evs, err := r.h.sla.Events(ctx, id)
		if err != nil {
			return err
		}
		breached := slices.ContainsFunc(evs, func(b sla.Breach) bool { return b.Kind == sla.KindBreach })
		in := satisfaction.Input{Score: satisfaction.Good, Comment: s.GoodComment}
		if s.Chance < demo.BadOdds(breached, pl.Reopened) {
			in = satisfaction.Input{Score: satisfaction.Bad, Comment: s.BadComment(breached, pl.Reopened)}
		}
		if _, err := r.h.ratings.Rate(ctx, audit.Actor{ID: pl.Requester.ID, Role: people.RoleEndUser}, id, in); err != nil {
			return err
		}
		r.st.Ratings++
	}
	return nil
}

// quote is the quoted history an email client adds under an answer (the
// mail store keeps it in the raw message and trims it from the comment).
func quote(pl *demo.TicketPlan) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(pl.Subject), "\n", "\n> ")
}

// demoHistorySummary is the line `frontline demo` prints about the
// history: how many tickets since when, and how many ratings ("" when
// there are no tickets).
func (a *App) demoHistorySummary(ctx context.Context) (string, error) {
	n, err := a.Tickets.Count(ctx, ticket.Filter{})
	if err != nil || n == 0 {
		return "", err
	}
	first, err := a.Tickets.List(ctx, ticket.Filter{SortBy: "created_at", Limit: 1})
	if err != nil || len(first) == 0 {
		return "", err
	}
	ratings, err := satisfaction.NewStore(a.DB, a.Audit).Count(ctx, satisfaction.Filter{})
	if err != nil {
		return "", err
	}
	days := int(a.Clock.Now().Sub(first[0].CreatedAt).Hours() / 24)
	return fmt.Sprintf("demo history: %d tickets over the last %d days (since %s), %d satisfaction ratings",
		n, days, first[0].CreatedAt.Format(time.DateOnly), ratings), nil
}
