package sla

import (
	"slices"
	"time"
)

// Minutes is a duration in Zendesk's ticket_metric shape: calendar minutes
// and business minutes (under the ticket's schedule).
type Minutes struct {
	Calendar int `json:"calendar"`
	Business int `json:"business"`
}

// Seconds is Zendesk's reply_time_in_seconds (calendar time only).
type Seconds struct {
	Calendar int `json:"calendar"`
}

// ZendeskMetrics is the computed part of Zendesk's ticket_metric object
// (GET /api/v2/tickets/{id}/metrics).
type ZendeskMetrics struct {
	Reopens                      int        `json:"reopens"`
	Replies                      int        `json:"replies"`
	ReplyTimeInMinutes           *Minutes   `json:"reply_time_in_minutes"`
	ReplyTimeInSeconds           *Seconds   `json:"reply_time_in_seconds"`
	FirstResolutionTimeInMinutes *Minutes   `json:"first_resolution_time_in_minutes"`
	FullResolutionTimeInMinutes  *Minutes   `json:"full_resolution_time_in_minutes"`
	AgentWaitTimeInMinutes       Minutes    `json:"agent_wait_time_in_minutes"`
	RequesterWaitTimeInMinutes   Minutes    `json:"requester_wait_time_in_minutes"`
	OnHoldTimeInMinutes          Minutes    `json:"on_hold_time_in_minutes"`
	SolvedAt                     *time.Time `json:"solved_at"`
	StatusUpdatedAt              *time.Time `json:"status_updated_at"`
	LatestCommentAddedAt         *time.Time `json:"latest_comment_added_at"`
}

// ComputeZendesk derives Zendesk's ticket metrics from a ticket's SLA
// history: reply time is creation to the first public agent comment;
// resolution times run from creation to the first and to the latest solve
// (full resolution only while solved); agent wait is time in pending,
// requester wait time in new, open and on-hold, on-hold time in hold. A
// requester comment on a pending or solved ticket counts as reopening it to
// open, as for the SLA clocks. cal is the business schedule (nil = 24x7).
func ComputeZendesk(events []Event, cal *Calendar, now time.Time) ZendeskMetrics {
	if cal == nil {
		cal = AlwaysOpen()
	}
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) })
	var z ZendeskMetrics
	var created time.Time
	status := ""
	var since time.Time
	var agentWait, reqWait, hold [2]time.Duration // calendar, business
	mins := func(a, b time.Time) Minutes {
		return Minutes{Calendar: int(b.Sub(a) / time.Minute), Business: cal.MinutesBetween(a, b)}
	}
	account := func(t time.Time) {
		if status == "" || !t.After(since) {
			return
		}
		c, b := t.Sub(since), cal.Between(since, t)
		switch status {
		case StatusPending:
			agentWait[0] += c
			agentWait[1] += b
		case StatusHold:
			hold[0] += c
			hold[1] += b
			reqWait[0] += c
			reqWait[1] += b
		case StatusNew, StatusOpen:
			reqWait[0] += c
			reqWait[1] += b
		}
	}
	setStatus := func(t time.Time, to string) {
		to = normStatus(to)
		if to == "" || to == status || status == StatusClosed {
			return
		}
		account(t)
		from := status
		status, since = to, t
		z.StatusUpdatedAt = ptr(t)
		switch {
		case to == StatusSolved || to == StatusClosed:
			if from != StatusSolved {
				if z.FirstResolutionTimeInMinutes == nil {
					m := mins(created, t)
					z.FirstResolutionTimeInMinutes = &m
				}
				m := mins(created, t)
				z.FullResolutionTimeInMinutes = &m
				z.SolvedAt = ptr(t)
			}
		case from == StatusSolved:
			z.Reopens++
			z.FullResolutionTimeInMinutes, z.SolvedAt = nil, nil
		}
	}
	for _, e := range evs {
		if e.At.After(now) {
			break
		}
		if status == "" {
			if e.Kind != EventCreated {
				continue
			}
			created, status, since = e.At, StatusNew, e.At
			z.LatestCommentAddedAt = ptr(e.At)
			z.StatusUpdatedAt = ptr(e.At)
			setStatus(e.At, e.To)
			continue
		}
		switch e.Kind {
		case EventStatusChanged:
			setStatus(e.At, e.To)
		case EventPublicAgentReply:
			z.Replies++
			z.LatestCommentAddedAt = ptr(e.At)
			if z.ReplyTimeInMinutes == nil {
				m := mins(created, e.At)
				z.ReplyTimeInMinutes = &m
				z.ReplyTimeInSeconds = &Seconds{Calendar: int(e.At.Sub(created) / time.Second)}
			}
		case EventRequesterComment:
			z.LatestCommentAddedAt = ptr(e.At)
			if status == StatusPending || status == StatusSolved {
				setStatus(e.At, StatusOpen)
			}
		case EventPrivateNote:
			z.LatestCommentAddedAt = ptr(e.At)
		}
	}
	if status != "" && status != StatusClosed {
		account(now)
	}
	toMin := func(d [2]time.Duration) Minutes {
		return Minutes{Calendar: int(d[0] / time.Minute), Business: int(d[1] / time.Minute)}
	}
	z.AgentWaitTimeInMinutes = toMin(agentWait)
	z.RequesterWaitTimeInMinutes = toMin(reqWait)
	z.OnHoldTimeInMinutes = toMin(hold)
	return z
}
