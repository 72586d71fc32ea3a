package demo

import (
	"math/rand/v2"
	"time"
)

// featured scripts the requests of the customer whose sign-in the demo
// prints, so that their portal shows one of each: closed and rated, closed,
// escalated and fixed, solved and waiting for a rating, waiting for their
// answer, being worked on, and just submitted.
func (p *planner) featured(o *Org, c Customer) []*TicketPlan {
	rng := rand.New(rand.NewPCG(p.cfg.Seed, 0))
	team := p.team(o.Region)
	now := p.cfg.Now
	topic := func(key string) *Topic {
		for i := range Topics {
			if Topics[i].Key == key {
				return &Topics[i]
			}
		}
		return &Topics[0]
	}
	// ago is a moment d before now at the customer's local hour h (the day
	// before when that is still ahead).
	ago := func(d time.Duration, h int) time.Time {
		l := now.Add(-d).In(c.Location)
		t := time.Date(l.Year(), l.Month(), l.Day(), h, rng.IntN(50), 0, 0, c.Location)
		for !t.Before(now) {
			t = t.AddDate(0, 0, -1)
		}
		return t.UTC()
	}
	var out []*TicketPlan
	plan := func(key string, k int, prio string, created time.Time) (*TicketPlan, *Topic, map[string]string) {
		t := topic(key)
		pl := p.newPlan(rng, o, c, team, t, k, created)
		pl.Priority, pl.Featured, pl.Channel, pl.CCs = prio, true, ChannelWeb, nil
		out = append(out, pl)
		return pl, t, pl.vars
	}
	agent := func(pl *TicketPlan, at time.Time, body, status string, public bool) {
		if public {
			body = p.agentText(rng, body, pl.vars)
		}
		pl.Steps = append(pl.Steps, Step{At: at, Kind: AgentUpdate, By: pl.Engineer, Body: body, Public: public, Status: status, Assign: true})
	}
	customer := func(pl *TicketPlan, at time.Time, body string) {
		pl.Steps = append(pl.Steps, Step{At: at, Kind: CustomerReply, Body: p.customerText(rng, body, pl.vars), Public: true})
	}
	rate := func(pl *TicketPlan, at time.Time) {
		pl.Steps = append(pl.Steps, Step{At: at, Kind: Rate, Chance: 1, GoodComment: fill("Quick and precise answer, thank you {agent_first}!", pl.vars),
			BadComments: [3]string{badSlow[0], badReopened[0], badOther[0]}})
	}

	// Closed long ago and rated good.
	pl, t, v := plan("ci_config", 1, "normal", ago(118*24*time.Hour, 10))
	agent(pl, pl.Created.Add(95*time.Minute), fill(t.Ask[0], v), "pending", true)
	customer(pl, pl.Created.Add(5*time.Hour), t.Info[0])
	agent(pl, pl.Created.Add(6*time.Hour+40*time.Minute), pl.kase.Fix, "solved", true)
	rate(pl, pl.Created.Add(9*time.Hour))
	// Closed, answered at once.
	pl, _, _ = plan("runner_oom", 0, "high", ago(74*24*time.Hour, 14))
	agent(pl, pl.Created.Add(70*time.Minute), pl.kase.Fix, "solved", true)
	// A product bug: on hold for nine days until the fix shipped; rated.
	pl, t, v = plan("sso_saml", 0, "high", ago(33*24*time.Hour, 9))
	agent(pl, pl.Created.Add(50*time.Minute), t.Ask[0], "pending", true)
	customer(pl, pl.Created.Add(3*time.Hour), t.Info[1])
	agent(pl, pl.Created.Add(4*time.Hour), pick(rng, holdReplies), "hold", true)
	pl.Steps[len(pl.Steps)-1].AddTags = []string{"escalated"}
	agent(pl, pl.Created.Add(4*time.Hour+5*time.Minute), fill(escalationNotes[0], v), "", false)
	agent(pl, pl.Created.Add(9*24*time.Hour+2*time.Hour), fixReleased[0], "solved", true)
	rate(pl, pl.Created.Add(9*24*time.Hour+6*time.Hour))
	// Solved yesterday: the customer can still rate it.
	pl, t, _ = plan("api_errors", 0, "normal", ago(3*24*time.Hour, 11))
	agent(pl, pl.Created.Add(2*time.Hour), t.Ask[0], "pending", true)
	customer(pl, pl.Created.Add(22*time.Hour), t.Info[0])
	agent(pl, maxTime(pl.Created.Add(26*time.Hour), now.Add(-30*time.Hour)), pl.kase.Fix, "solved", true)
	// Waiting for the customer's answer.
	pl, t, _ = plan("registry", 1, "normal", ago(2*24*time.Hour, 15))
	agent(pl, pl.Created.Add(3*time.Hour), t.Ask[0], "pending", true)
	// Being worked on: a public update and an internal note.
	pl, t, v = plan("pipelines_stuck", 0, "high", ago(26*time.Hour, 9))
	agent(pl, pl.Created.Add(40*time.Minute), t.Work[0], "open", true)
	agent(pl, pl.Created.Add(55*time.Minute), fill(pl.kase.Note, v), "", false)
	// Just submitted: nobody has answered yet.
	plan("webhooks", 2, "normal", now.Add(-2*time.Hour-17*time.Minute))
	for _, pl := range out {
		p.cut(pl)
	}
	return out
}
