package sla

import (
	"testing"
	"time"
)

func TestComputeZendesk(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := NewCalendar(&Schedule{Name: "AMER", TimeZone: "America/New_York",
		Intervals: OfficeHours(9*60, 17*60, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)})
	if err != nil {
		t.Fatal(err)
	}
	// Friday 16:00 EST.
	t0 := time.Date(2026, 1, 9, 16, 0, 0, 0, ny)
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	cases := []struct {
		name   string
		events []Event
		now    time.Time
		check  func(t *testing.T, z ZendeskMetrics)
	}{
		{
			name: "reply over the weekend: calendar and business minutes",
			events: []Event{
				{Kind: EventCreated, At: t0},
				{Kind: EventPublicAgentReply, At: h(65)}, // Monday 09:00
				{Kind: EventStatusChanged, At: h(65), From: StatusNew, To: StatusOpen},
			},
			now: h(66),
			check: func(t *testing.T, z ZendeskMetrics) {
				if z.ReplyTimeInMinutes == nil || *z.ReplyTimeInMinutes != (Minutes{65 * 60, 60}) || z.Replies != 1 {
					t.Fatalf("%+v", z.ReplyTimeInMinutes)
				}
				if z.RequesterWaitTimeInMinutes != (Minutes{66 * 60, 120}) {
					t.Fatalf("%+v", z.RequesterWaitTimeInMinutes)
				}
			},
		},
		{
			name: "pending, on-hold, solve, reopen",
			events: []Event{
				{Kind: EventCreated, At: t0},
				{Kind: EventStatusChanged, At: h(1), From: StatusNew, To: StatusPending},
				{Kind: EventStatusChanged, At: h(3), From: StatusPending, To: StatusHold},
				{Kind: EventStatusChanged, At: h(4), From: StatusHold, To: StatusSolved},
				{Kind: EventRequesterComment, At: h(5)},
				{Kind: EventPrivateNote, At: h(5.5)},
			},
			now: h(6),
			check: func(t *testing.T, z ZendeskMetrics) {
				if z.AgentWaitTimeInMinutes.Calendar != 120 || z.OnHoldTimeInMinutes.Calendar != 60 || z.Reopens != 1 {
					t.Fatalf("%+v", z)
				}
				if z.FirstResolutionTimeInMinutes == nil || z.FirstResolutionTimeInMinutes.Calendar != 240 || z.FullResolutionTimeInMinutes != nil || z.SolvedAt != nil {
					t.Fatalf("%+v", z)
				}
				// new 1 h + hold 1 h + open since the comment 1 h.
				if z.RequesterWaitTimeInMinutes.Calendar != 180 || !z.LatestCommentAddedAt.Equal(h(5.5)) {
					t.Fatalf("%+v", z)
				}
			},
		},
		{
			name:   "no reply yet",
			events: []Event{{Kind: EventCreated, At: t0}},
			now:    h(1),
			check: func(t *testing.T, z ZendeskMetrics) {
				if z.ReplyTimeInMinutes != nil || z.ReplyTimeInSeconds != nil || z.RequesterWaitTimeInMinutes != (Minutes{60, 60}) {
					t.Fatalf("%+v", z)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, ComputeZendesk(tc.events, cal, tc.now)) })
	}
}
