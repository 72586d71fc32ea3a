// Package demo plans the help-desk history of Frontline's demo: months of
// support requests from customer organizations of a DevOps platform, with
// the conversations, internal notes, escalations, solutions and ratings
// that follow, at realistic moments (customers write in their daytime,
// weekdays are busier, engineers answer in their region's business hours,
// urgent requests of priority-support customers around the clock). It is
// pure: Plan turns its inputs and a seed into the same plans every time;
// internal/app carries them out through the domain stores on a clock that
// moves through the past, so every derived value (SLA outcomes, ticket
// metrics, satisfaction, the search index) is what the domain computes.
package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/sla"
)

// Agent is a member of staff who works tickets.
type Agent struct {
	ID   int64
	Name string
	Role string // agent or admin
}

// FirstName is the agent's first name.
func (a Agent) FirstName() string { return firstName(a.Name) }

// Team is a regional support group: its engineers take the region's
// tickets in its business hours.
type Team struct {
	Region    string // AMER, EMEA or APAC
	GroupID   int64
	Calendar  *sla.Calendar // the region's business hours (its SLA schedule)
	Engineers []Agent       // who take tickets (at least one)
	Leads     []Agent       // managers adding the odd internal note (may be empty)
}

// Customer is an end-user of an Org.
type Customer struct {
	ID       int64
	Name     string
	Email    string
	Location *time.Location // where they write from
}

// Org is a customer organization.
type Org struct {
	ID        int64
	Name      string
	Region    string
	Plan      string // saas or self_managed
	Tier      string // free, premium, ultimate
	ASE       int64  // assigned support engineer, 0 for none
	Customers []Customer
}

// Config is what Plan needs besides the people.
type Config struct {
	Now     time.Time
	Days    int    // how far back the history starts
	Tickets int    // how many tickets in all (the featured customer's included)
	Seed    uint64 // the same seed gives the same history
	// Featured is the customer (a user id) whose own requests are scripted:
	// a handful in every state, for the printed customer sign-in.
	Featured int64
}

// Channels of a ticket.
const (
	ChannelWeb   = "web"
	ChannelEmail = "email"
	ChannelAPI   = "api"
)

// StepKind is what a step does.
type StepKind int

// Step kinds.
const (
	AgentUpdate   StepKind = iota // a public reply or internal note by staff, with field changes
	CustomerReply                 // the requester answers (a public comment; reopens)
	Rate                          // the requester rates the solved ticket
)

// Step is one later change of a planned ticket.
type Step struct {
	At     time.Time
	Kind   StepKind
	By     Agent // AgentUpdate
	Body   string
	Public bool
	// AgentUpdate field changes ("" / false: unchanged).
	Status   string
	Assign   bool // make the plan's engineer the assignee
	Priority string
	AddTags  []string
	// Rate: the rating is bad when Chance is below the ticket's odds of a
	// bad rating (higher when its SLA was breached; see BadOdds), with
	// the comment that fits why (BadComment).
	Chance      float64
	GoodComment string
	BadComments [3]string // after a missed target, after a reopening, otherwise
}

// BadComment is the comment of a bad rating: why the customer is unhappy.
func (s Step) BadComment(breached, reopened bool) string {
	switch {
	case breached:
		return s.BadComments[0]
	case reopened:
		return s.BadComments[1]
	}
	return s.BadComments[2]
}

// TicketPlan is one ticket: its creation and the changes that follow, in order.
type TicketPlan struct {
	Org       *Org
	Team      *Team
	Requester Customer
	Engineer  Agent
	Channel   string
	Subject   string
	Body      string
	Priority  string
	Type      string
	Tags      []string
	CCs       []int64
	Created   time.Time
	Steps     []Step
	Featured  bool
	Topic     string
	Reopened  bool // the customer came back after a solution

	vars map[string]string
	kase *Case
}

// BadOdds is the probability that a rating is bad: most customers are
// happy, less so after a missed SLA target or a reopened ticket.
func BadOdds(breached, reopened bool) float64 {
	switch {
	case breached && reopened:
		return 0.6
	case breached:
		return 0.4
	case reopened:
		return 0.3
	}
	return 0.06
}

// PrioritySupport reports whether an organization's tier has priority
// support (the first default SLA policy: premium and ultimate).
func PrioritySupport(tier string) bool { return tier == "premium" || tier == "ultimate" }

// Plan returns the tickets of the history, ordered by creation. Teams must
// cover the regions of orgs (an org of another region goes to the first
// team). Steps later than cfg.Now are left out: the ticket is where it
// stands at "now" (waiting for an engineer, for the customer, on hold).
func Plan(cfg Config, teams []*Team, orgs []*Org) []*TicketPlan {
	p := &planner{cfg: cfg, teams: teams, start: cfg.Now.Add(-time.Duration(cfg.Days) * 24 * time.Hour)}
	p.weighOrgs(orgs)
	var out []*TicketPlan
	if cfg.Featured != 0 {
		if o, c, ok := findCustomer(orgs, cfg.Featured); ok {
			out = append(out, p.featured(o, c)...)
		}
	}
	for i := 0; len(out) < cfg.Tickets && len(p.pool) > 0; i++ {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)) // one stream per ticket
		out = append(out, p.ticket(rng))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

type candidate struct {
	org *Org
	c   Customer
	w   float64
}

type planner struct {
	cfg   Config
	teams []*Team
	start time.Time
	pool  []candidate // who files tickets, with weights
	total float64
}

// weighOrgs lists the customers who file tickets: larger tiers write more
// and ultimate customers most; the featured customer is scripted apart.
func (p *planner) weighOrgs(orgs []*Org) {
	for _, o := range orgs {
		w := 1.0
		switch o.Tier {
		case "ultimate":
			w = 3
		case "premium":
			w = 2
		}
		for _, c := range o.Customers {
			if c.ID == p.cfg.Featured {
				continue
			}
			p.pool = append(p.pool, candidate{org: o, c: c, w: w})
			p.total += w
		}
	}
}

func findCustomer(orgs []*Org, id int64) (*Org, Customer, bool) {
	for _, o := range orgs {
		for _, c := range o.Customers {
			if c.ID == id {
				return o, c, true
			}
		}
	}
	return nil, Customer{}, false
}

func (p *planner) team(region string) *Team {
	for _, t := range p.teams {
		if t.Region == region {
			return t
		}
	}
	return p.teams[0]
}

// engineer picks who takes an org's ticket: its assigned support engineer
// most of the time, else anyone of the region's team.
func (p *planner) engineer(rng *rand.Rand, o *Org, t *Team) Agent {
	if o.ASE != 0 && rng.Float64() < 0.8 {
		for _, tm := range p.teams {
			for _, a := range tm.Engineers {
				if a.ID == o.ASE {
					return a
				}
			}
		}
	}
	return pick(rng, t.Engineers)
}

// --- when things happen ----------------------------------------------------------

// dayWeight is the relative volume of a local weekday.
var dayWeight = [7]float64{time.Sunday: 0.15, time.Monday: 1.15, time.Tuesday: 1.1, time.Wednesday: 1.0, time.Thursday: 1.0, time.Friday: 0.85, time.Saturday: 0.2}

// hourWeight is the relative volume of a local hour: customers write in
// their working day, with a dip at lunch.
var hourWeight = [24]float64{0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.4, 0.85, 1, 1, 1, 0.75, 0.85, 1, 1, 0.9, 0.7, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07}

// arrival picks the local moment a customer writes in: a day of the
// history weighted by weekday (and a slow growth over the months), an hour
// weighted by the time of day where they are.
func (p *planner) arrival(rng *rand.Rand, loc *time.Location) time.Time {
	days := p.cfg.Days
	for {
		d := rng.IntN(days)                                 // days before now
		growth := 1 - 0.25*float64(d)/float64(max(days, 1)) // the desk grows: +33% over the period
		day := p.cfg.Now.In(loc).AddDate(0, 0, -d)
		if rng.Float64()*1.2 > dayWeight[day.Weekday()]*growth {
			continue
		}
		h := weighted(rng, hourWeight[:])
		t := time.Date(day.Year(), day.Month(), day.Day(), h, rng.IntN(60), rng.IntN(60), 0, loc)
		if t.Before(p.cfg.Now) && t.After(p.start) {
			return t.UTC()
		}
	}
}

// lognormal draws a positive amount with the given median and spread.
func lognormal(rng *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*rng.NormFloat64())
}

// replyDelay is when the engineer answers after from: in business minutes
// of the team's hours, except urgent requests of priority-support
// customers, answered around the clock by whoever is on call. Most answers
// come well within the SLA target; the tail misses it.
func (p *planner) replyDelay(rng *rand.Rand, t *Team, tier, prio string, from time.Time, factor float64) time.Time {
	if PrioritySupport(tier) {
		var median float64
		switch prio {
		case "urgent":
			return from.Add(time.Duration(lognormal(rng, 12*factor, 0.75) * float64(time.Minute)))
		case "high":
			median = 75
		case "normal":
			median = 160
		default:
			median = 420
		}
		return t.Calendar.AddMinutes(from, int(lognormal(rng, median*factor, 0.9))+1)
	}
	median := 330.0
	if prio == "urgent" || prio == "high" {
		median = 150
	}
	return t.Calendar.AddMinutes(from, int(lognormal(rng, median*factor, 0.95))+1)
}

// workDelay is how long an engineer works on something before the next
// public answer, in business minutes.
func (p *planner) workDelay(rng *rand.Rand, t *Team, from time.Time, median float64) time.Time {
	return t.Calendar.AddMinutes(from, int(lognormal(rng, median, 0.8))+5)
}

// customerDelay is when the customer answers after from: hours later, in
// their own working day most of the time. ok is false when they would take
// longer than three and a half days (they do not answer at all).
func (p *planner) customerDelay(rng *rand.Rand, loc *time.Location, from time.Time) (time.Time, bool) {
	t := from.Add(time.Duration(lognormal(rng, 3.5, 1.1) * float64(time.Hour)))
	l := t.In(loc)
	if (l.Hour() < 8 || l.Hour() >= 19 || l.Weekday() == time.Saturday || l.Weekday() == time.Sunday) && rng.Float64() < 0.85 {
		next := time.Date(l.Year(), l.Month(), l.Day(), 8, 30, 0, 0, loc)
		if l.Hour() >= 8 {
			next = next.AddDate(0, 0, 1)
		}
		for next.Weekday() == time.Saturday || next.Weekday() == time.Sunday {
			next = next.AddDate(0, 0, 1)
		}
		t = next.Add(time.Duration(rng.IntN(150)) * time.Minute)
	}
	return t.UTC(), t.Sub(from) < 84*time.Hour
}

// --- one ticket -------------------------------------------------------------------

// flow is the shape of a conversation.
type flow int

const (
	flowQuick     flow = iota // answered and solved at once
	flowOneRound              // asked for details, answered, solved
	flowTwoRounds             // two rounds of questions
	flowWorking               // investigated (open) before the answer
	flowEscalated             // a product bug: on hold until engineering fixes it
	flowSilent                // asked for details; the customer never answers
	flowLong                  // a long investigation: rounds of questions and updates over weeks
)

func (p *planner) ticket(rng *rand.Rand) *TicketPlan {
	ws := make([]float64, len(p.pool))
	for i, c := range p.pool {
		ws[i] = c.w
	}
	cand := p.pool[weighted(rng, ws)]
	o, c := cand.org, cand.c
	team := p.team(o.Region)
	topic := p.topic(rng, o)
	created := p.arrival(rng, c.Location)
	pl := p.newPlan(rng, o, c, team, topic, -1, created)
	f := p.flow(rng, topic)
	p.converse(rng, pl, topic, f)
	return pl
}

func (p *planner) topic(rng *rand.Rand, o *Org) *Topic {
	var ws []float64
	for _, t := range Topics {
		w := t.Weight
		if t.Plan != "" && t.Plan != o.Plan {
			w = 0
		}
		ws = append(ws, w)
	}
	return &Topics[weighted(rng, ws)]
}

func (p *planner) flow(rng *rand.Rand, t *Topic) flow {
	w := []float64{flowQuick: 0.2, flowOneRound: 0.36, flowTwoRounds: 0.12, flowWorking: 0.1, flowEscalated: 0.08, flowSilent: 0.07, flowLong: 0.07}
	switch t.Type {
	case "question", "task":
		w[flowQuick], w[flowEscalated], w[flowLong] = 0.4, 0.01, 0.02
	case "incident":
		w[flowWorking] = 0.18
	}
	if len(t.Ask) == 0 {
		w[flowOneRound], w[flowTwoRounds], w[flowSilent], w[flowLong] = 0.1, 0, 0.02, 0.02
	}
	return flow(weighted(rng, w))
}

// newPlan starts the plan of a ticket on case k of topic t (-1: any).
func (p *planner) newPlan(rng *rand.Rand, o *Org, c Customer, team *Team, t *Topic, k int, created time.Time) *TicketPlan {
	pl := &TicketPlan{Org: o, Team: team, Requester: c, Engineer: p.engineer(rng, o, team), Created: created, Topic: t.Key}
	if k < 0 {
		k = rng.IntN(len(t.Cases))
	}
	pl.kase = &t.Cases[k]
	pl.Priority = []string{"low", "normal", "high", "urgent"}[weighted(rng, t.Prio[:])]
	if o.Tier == "free" && pl.Priority == "urgent" {
		pl.Priority = "high" // free-tier customers cannot file emergencies
	}
	pl.Type = t.Type
	pl.Channel = []string{ChannelWeb, ChannelEmail, ChannelAPI}[weighted(rng, []float64{0.6, 0.28, 0.12})]
	pl.Tags = append(slices.Clone(t.Tags), strings.ReplaceAll(o.Plan, "_", "-"))
	v := p.vars(rng, o, c, pl)
	pl.Subject = fill(pick(rng, pl.kase.Subjects), v)
	pl.Body = p.customerText(rng, pl.kase.Body, v)
	if len(o.Customers) > 1 && rng.Float64() < 0.12 {
		for _, cc := range o.Customers {
			if cc.ID != c.ID && cc.ID != p.cfg.Featured {
				pl.CCs = append(pl.CCs, cc.ID)
				break
			}
		}
	}
	return pl
}

// vars are the placeholder values of one ticket (the same throughout its
// conversation).
func (p *planner) vars(rng *rand.Rand, o *Org, c Customer, pl *TicketPlan) map[string]string {
	v := map[string]string{
		"cust": c.Name, "cust_first": firstName(c.Name), "org": o.Name, "tier": titleCase(o.Tier),
		"agent": pl.Engineer.Name, "agent_first": pl.Engineer.FirstName(),
		"version": pick(rng, versions), "prev_version": pick(rng, prevVersions), "runner_version": pick(rng, runnerVers),
		"project": pick(rng, projects), "job": pick(rng, jobs), "tag": pick(rng, runnerTags), "idp": pick(rng, idps),
		"k8s": pick(rng, k8sVersions), "endpoint": pick(rng, endpoints), "hour": pick(rng, hours), "count": pick(rng, counts),
		"seats": pick(rng, seatCounts), "pipeline": strconv.Itoa(100000 + rng.IntN(900000)), "mr": strconv.Itoa(100 + rng.IntN(9000)),
		"invoice": "INV-" + strconv.Itoa(20000+rng.IntN(80000)), "issue": "ENG-" + strconv.Itoa(1000+rng.IntN(9000)),
		"corr": strconv.FormatUint(rng.Uint64(), 36), "date": pl.Created.AddDate(0, 0, -rng.IntN(20)-1).Format(dateFormatFor),
		"domain": domainOf(c.Email),
	}
	v["next_version"] = nextPatch(v["version"])
	pl.vars = v
	return v
}

func (p *planner) customerText(rng *rand.Rand, body string, v map[string]string) string {
	return joinParas(fill(pick(rng, customerGreetings), v), fill(body, v), fill(pick(rng, customerClosings), v))
}

func (p *planner) agentText(rng *rand.Rand, body string, v map[string]string) string {
	return joinParas(fill(pick(rng, agentGreetings), v), fill(body, v), fill(pick(rng, agentClosings), v))
}

// converse plans the conversation of pl in shape f.
func (p *planner) converse(rng *rand.Rand, pl *TicketPlan, t *Topic, f flow) {
	defer p.cut(pl)
	v := pl.vars
	eng, team, tier := pl.Engineer, pl.Team, pl.Org.Tier
	at := pl.Created
	add := func(s Step) { pl.Steps = append(pl.Steps, s) }
	reply := func(factor float64) time.Time { return p.replyDelay(rng, team, tier, pl.Priority, at, factor) }
	note := func(text string) Step {
		return Step{Kind: AgentUpdate, By: eng, Body: fill(text, v)}
	}
	texts := func(xs, fallback []string) []string {
		if len(xs) == 0 {
			return fallback
		}
		return xs
	}

	// The answer that will solve it, and the diagnosis behind it.
	fix, diagnosis := pl.kase.Fix, pl.kase.Note
	if diagnosis == "" {
		diagnosis = pick(rng, genericNotes)
	}

	// The first answer, sometimes preceded by an internal note while the
	// engineer reads into it; now and then the priority goes up.
	first := reply(1)
	if rng.Float64() < 0.12 {
		n := note(pick(rng, genericNotes))
		n.At, n.Assign = maxTime(pl.Created.Add(time.Minute), first.Add(-time.Duration(5+rng.IntN(30))*time.Minute)), true
		add(n)
	}
	if len(team.Leads) > 0 && rng.Float64() < 0.05 {
		lead := pick(rng, team.Leads)
		add(Step{At: first.Add(-time.Duration(1+rng.IntN(4)) * time.Minute), Kind: AgentUpdate, By: lead, Body: fill(pick(rng, managerNotes), v)})
	}
	at = first
	bump := ""
	if pl.Priority == "normal" && t.Type == "incident" && rng.Float64() < 0.08 {
		bump = "high"
	}
	solve := func(text string) {
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, text, v), Public: true, Status: "solved", Assign: true})
	}
	ask := func(text string) {
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, text, v), Public: true, Status: "pending", Assign: true, Priority: bump})
		bump = ""
	}
	answer := func() bool { // the customer answers the question; false when they do not
		when, ok := p.customerDelay(rng, pl.Requester.Location, at)
		if !ok {
			return false
		}
		at = when
		add(Step{At: at, Kind: CustomerReply, Body: p.customerText(rng, pick(rng, texts(t.Info, genericInfo)), v), Public: true})
		return true
	}
	switch f {
	case flowQuick:
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, fix, v), Public: true, Status: "solved", Assign: true, Priority: bump})
	case flowOneRound, flowTwoRounds, flowSilent:
		ask(pick(rng, texts(t.Ask, genericAsk)))
		if f == flowSilent || !answer() {
			return // the automation solves it after five days pending
		}
		if f == flowTwoRounds {
			at = reply(0.9)
			ask(pick(rng, genericAsk))
			if !answer() {
				return
			}
		}
		at = reply(0.9)
		solve(fix)
	case flowWorking:
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, pick(rng, texts(t.Work, genericWork)), v),
			Public: true, Status: "open", Assign: true, Priority: bump})
		at = p.workDelay(rng, team, at, 90)
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: fill(diagnosis, v)})
		at = p.workDelay(rng, team, at, 240)
		solve(fix)
	case flowLong:
		ask(pick(rng, texts(t.Ask, genericAsk)))
		if !answer() {
			return
		}
		at = reply(0.9)
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, pick(rng, genericWork), v), Public: true, Status: "open"})
		for round := 0; round < 1+rng.IntN(3); round++ {
			at = p.workDelay(rng, team, at, 900)
			add(Step{At: at, Kind: AgentUpdate, By: eng, Body: fill(pick(rng, genericNotes), v)})
			at = p.workDelay(rng, team, at, 60)
			ask(pick(rng, genericAsk))
			if !answer() {
				return
			}
			at = reply(0.9)
			add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, pick(rng, genericWork), v), Public: true, Status: "open"})
		}
		add(Step{At: at.Add(time.Duration(1+rng.IntN(9)) * time.Minute), Kind: AgentUpdate, By: eng, Body: fill(diagnosis, v)})
		at = p.workDelay(rng, team, at, 1200)
		solve(fix)
	case flowEscalated:
		ask(pick(rng, texts(t.Ask, genericAsk)))
		if !answer() {
			return
		}
		at = reply(0.9)
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: p.agentText(rng, pick(rng, holdReplies), v), Public: true, Status: "hold", AddTags: []string{"escalated"}})
		at = at.Add(time.Duration(2+rng.IntN(5)) * time.Minute)
		add(Step{At: at, Kind: AgentUpdate, By: eng, Body: fill(pick(rng, escalationNotes), v)})
		at = team.Calendar.AddMinutes(at.Add(time.Duration(3+rng.IntN(35))*24*time.Hour), 30+rng.IntN(300))
		solve(pick(rng, fixReleased))
	}

	// Now and then the problem comes back after the solution.
	if rng.Float64() < 0.06 {
		if when, ok := p.customerDelay(rng, pl.Requester.Location, at); ok && when.Sub(at) < 60*time.Hour {
			at = when
			add(Step{At: at, Kind: CustomerReply, Body: p.customerText(rng, pick(rng, reopenTexts), v), Public: true})
			at = reply(1)
			solve(pick(rng, reSolveTexts))
			pl.Reopened = true
		}
	}
	// Some customers rate the answer.
	odds := map[string]float64{"ultimate": 0.2, "premium": 0.15}[tier]
	if odds == 0 {
		odds = 0.08
	}
	if rng.Float64() < odds {
		at = at.Add(time.Duration(lognormal(rng, 5, 1.2) * float64(time.Hour)))
		add(Step{At: at, Kind: Rate, Chance: rng.Float64(), GoodComment: fill(pick(rng, goodComments), v),
			BadComments: [3]string{pick(rng, badSlow), pick(rng, badReopened), pick(rng, badOther)}})
	}
}

// cut drops the steps after now (and any out of order).
func (p *planner) cut(pl *TicketPlan) {
	last := pl.Created
	for i, s := range pl.Steps {
		if !s.At.After(last) {
			s.At = last.Add(time.Second)
			pl.Steps[i].At = s.At
		}
		if !s.At.Before(p.cfg.Now) {
			pl.Steps = pl.Steps[:i]
			return
		}
		last = s.At
	}
}

// --- helpers ----------------------------------------------------------------------

// weighted returns an index with probability proportional to its weight.
func weighted(rng *rand.Rand, ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := rng.Float64() * total
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// fill replaces the {placeholders} of s with v's values.
func fill(s string, v map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		key := s[i+1 : i+j]
		b.WriteString(s[:i])
		if val, ok := v[key]; ok {
			b.WriteString(val)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

func joinParas(ps ...string) string {
	var out []string
	for _, p := range ps {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return strings.TrimSuffix(f[0], ".")
	}
	return name
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func domainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return "example.com"
}

// nextPatch is the version after v's patch release ("17.5.3" → "17.5.4").
func nextPatch(v string) string {
	i := strings.LastIndexByte(v, '.')
	n, err := strconv.Atoi(v[i+1:])
	if i < 0 || err != nil {
		return v
	}
	return v[:i+1] + strconv.Itoa(n+1)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
