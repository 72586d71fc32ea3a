package sla

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

// t0 is a Monday; metric tests express instants as minutes after it.
func t0() time.Time { return time.Date(2024, 1, 8, 10, 0, 0, 0, time.UTC) }

func at(min int) time.Time { return t0().Add(time.Duration(min) * time.Minute) }

func metricsPolicy() *Policy {
	return &Policy{ID: 7, Title: "test", PolicyMetrics: []PolicyMetric{
		{Priority: PriorityNormal, Metric: MetricFirstReplyTime, Target: 480},
		{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 30},
		{Priority: PriorityNormal, Metric: MetricNextReplyTime, Target: 120},
		{Priority: PriorityUrgent, Metric: MetricNextReplyTime, Target: 60},
		{Priority: PriorityNormal, Metric: MetricPeriodicUpdateTime, Target: 240},
		{Priority: PriorityNormal, Metric: MetricPausableUpdateTime, Target: 240},
		{Priority: PriorityNormal, Metric: MetricRequesterWaitTime, Target: 1440},
		{Priority: PriorityUrgent, Metric: MetricRequesterWaitTime, Target: 480},
		{Priority: PriorityNormal, Metric: MetricAgentWorkTime, Target: 600},
	}}
}

// Event constructors.
func created(min int, priority string) Event {
	return Event{Kind: EventCreated, At: at(min), Priority: priority}
}
func reply(min int) Event     { return Event{Kind: EventPublicAgentReply, At: at(min)} }
func note(min int) Event      { return Event{Kind: EventPrivateNote, At: at(min)} }
func requester(min int) Event { return Event{Kind: EventRequesterComment, At: at(min)} }
func status(min int, to string) Event {
	return Event{Kind: EventStatusChanged, At: at(min), To: to}
}
func prio(min int, p string) Event {
	return Event{Kind: EventPriorityChanged, At: at(min), Priority: p}
}

// want describes a MetricState with instants as minutes after t0; nil means
// the field must be nil. hist lists History rows as "achieved:<actual>" or
// "breached:<actual>".
type want struct {
	stage    Stage
	due      *int
	breached *int
	paused   *int
	elapsed  int
	hist     []string
}

func m(v int) *int { return &v }

func minutesOf(tp *time.Time) *int {
	if tp == nil {
		return nil
	}
	return m(int(tp.Sub(t0()) / time.Minute))
}

func fmtMin(p *int) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func checkState(t *testing.T, s MetricState, w want) {
	t.Helper()
	var hist []string
	for _, a := range s.History {
		res := "breached"
		if a.Achieved {
			res = "achieved"
		}
		hist = append(hist, fmt.Sprintf("%s:%d", res, a.ActualMinutes))
	}
	got := fmt.Sprintf("stage=%s due=%s breached=%s paused=%s elapsed=%d hist=%v",
		s.Stage, fmtMin(minutesOf(s.DueAt)), fmtMin(minutesOf(s.BreachedAt)), fmtMin(minutesOf(s.PausedSince)), s.ElapsedMinutes, hist)
	exp := fmt.Sprintf("stage=%s due=%s breached=%s paused=%s elapsed=%d hist=%v",
		w.stage, fmtMin(w.due), fmtMin(w.breached), fmtMin(w.paused), w.elapsed, w.hist)
	if got != exp {
		t.Errorf("%s:\n got %s\nwant %s", s.Metric, got, exp)
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name   string
		events []Event
		now    int
		want   map[string]want
	}{
		{
			name:   "first reply achieved",
			events: []Event{created(0, "normal"), reply(100)},
			now:    200,
			want: map[string]want{
				MetricFirstReplyTime: {stage: StageAchieved, elapsed: 100, hist: []string{"achieved:100"}},
				// The reply starts the periodic update clocks.
				MetricPeriodicUpdateTime: {stage: StageActive, due: m(340), elapsed: 100},
				MetricNextReplyTime:      {stage: StageNone},
			},
		},
		{
			name:   "first reply active",
			events: []Event{created(0, "normal")},
			now:    60,
			want: map[string]want{
				MetricFirstReplyTime:     {stage: StageActive, due: m(480), elapsed: 60},
				MetricRequesterWaitTime:  {stage: StageActive, due: m(1440), elapsed: 60},
				MetricAgentWorkTime:      {stage: StageActive, due: m(600), elapsed: 60},
				MetricPeriodicUpdateTime: {stage: StageNone},
			},
		},
		{
			name:   "first reply breached while running",
			events: []Event{created(0, "urgent")},
			now:    45,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, due: m(30), breached: m(30), elapsed: 45}},
		},
		{
			name:   "first reply late",
			events: []Event{created(0, "urgent"), reply(40)},
			now:    50,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, breached: m(30), elapsed: 40, hist: []string{"breached:40"}}},
		},
		{
			name:   "reply exactly at the target is achieved",
			events: []Event{created(0, "urgent"), reply(30)},
			now:    50,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageAchieved, elapsed: 30, hist: []string{"achieved:30"}}},
		},
		{
			name:   "a private note is not a reply",
			events: []Event{created(0, "normal"), note(10)},
			now:    500,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, due: m(480), breached: m(480), elapsed: 500}},
		},
		{
			name:   "next reply runs from the oldest unanswered requester comment",
			events: []Event{created(0, "normal"), reply(10), requester(60), requester(90)},
			now:    150,
			want:   map[string]want{MetricNextReplyTime: {stage: StageActive, due: m(180), elapsed: 90}},
		},
		{
			name:   "next reply breached then answered",
			events: []Event{created(0, "normal"), reply(10), requester(60), reply(200), requester(210), reply(220)},
			now:    300,
			want: map[string]want{
				MetricNextReplyTime:      {stage: StageAchieved, elapsed: 10, hist: []string{"breached:140", "achieved:10"}},
				MetricPeriodicUpdateTime: {stage: StageActive, due: m(460), elapsed: 80, hist: []string{"achieved:190", "achieved:20"}},
			},
		},
		{
			name:   "requester comment before the first reply starts no next reply",
			events: []Event{created(0, "normal"), requester(5)},
			now:    50,
			want:   map[string]want{MetricNextReplyTime: {stage: StageNone}},
		},
		{
			name:   "ticket opened by an agent has no first reply",
			events: []Event{{Kind: EventCreated, At: at(0), Priority: "normal", ByAgent: true}, requester(30)},
			now:    60,
			want: map[string]want{
				MetricFirstReplyTime:     {stage: StageNone},
				MetricNextReplyTime:      {stage: StageActive, due: m(150), elapsed: 30},
				MetricPeriodicUpdateTime: {stage: StageActive, due: m(240), elapsed: 60},
			},
		},
		{
			name: "pending and on-hold pause the cumulative and pausable clocks",
			events: []Event{
				created(0, "normal"), reply(60), status(60, "pending"),
				requester(180), // pending -> open
				status(240, "hold"), status(300, "open"),
			},
			now: 360,
			want: map[string]want{
				MetricRequesterWaitTime:  {stage: StageActive, due: m(1560), elapsed: 240},
				MetricAgentWorkTime:      {stage: StageActive, due: m(780), elapsed: 180},
				MetricPausableUpdateTime: {stage: StageActive, due: m(480), elapsed: 120},
				MetricPeriodicUpdateTime: {stage: StageBreached, due: m(300), breached: m(300), elapsed: 300},
				MetricNextReplyTime:      {stage: StageBreached, due: m(300), breached: m(300), elapsed: 180},
			},
		},
		{
			name:   "paused while pending",
			events: []Event{created(0, "normal"), reply(60), status(60, "pending")},
			now:    120,
			want: map[string]want{
				MetricRequesterWaitTime:  {stage: StagePaused, paused: m(60), elapsed: 60},
				MetricAgentWorkTime:      {stage: StagePaused, paused: m(60), elapsed: 60},
				MetricPausableUpdateTime: {stage: StagePaused, paused: m(60), elapsed: 0},
				MetricPeriodicUpdateTime: {stage: StageActive, due: m(300), elapsed: 60},
			},
		},
		{
			name:   "on-hold pauses agent work but not requester wait",
			events: []Event{created(0, "normal"), status(30, "on-hold")},
			now:    90,
			want: map[string]want{
				MetricRequesterWaitTime: {stage: StageActive, due: m(1440), elapsed: 90},
				MetricAgentWorkTime:     {stage: StagePaused, paused: m(30), elapsed: 30},
			},
		},
		{
			name:   "solving completes every running clock",
			events: []Event{created(0, "normal"), reply(60), status(120, "solved")},
			now:    400,
			want: map[string]want{
				MetricFirstReplyTime:     {stage: StageAchieved, elapsed: 60, hist: []string{"achieved:60"}},
				MetricPeriodicUpdateTime: {stage: StageAchieved, elapsed: 60, hist: []string{"achieved:60"}},
				MetricRequesterWaitTime:  {stage: StageAchieved, elapsed: 120, hist: []string{"achieved:120"}},
				MetricAgentWorkTime:      {stage: StageAchieved, elapsed: 120, hist: []string{"achieved:120"}},
			},
		},
		{
			name:   "reply and solve in one update leave no empty update cycle",
			events: []Event{created(0, "normal"), reply(60), status(60, "solved")},
			now:    100,
			want:   map[string]want{MetricPeriodicUpdateTime: {stage: StageNone}},
		},
		{
			name:   "reopened by the requester",
			events: []Event{created(0, "normal"), reply(60), status(120, "solved"), requester(300)},
			now:    400,
			want: map[string]want{
				MetricFirstReplyTime:     {stage: StageAchieved, elapsed: 60, hist: []string{"achieved:60"}},
				MetricNextReplyTime:      {stage: StageActive, due: m(420), elapsed: 100},
				MetricPeriodicUpdateTime: {stage: StageActive, due: m(540), elapsed: 100, hist: []string{"achieved:60"}},
				// The totals carry on from 120 minutes; no row until solved again.
				MetricRequesterWaitTime: {stage: StageActive, due: m(1620), elapsed: 220},
				MetricAgentWorkTime:     {stage: StageActive, due: m(780), elapsed: 220},
			},
		},
		{
			name:   "reopened and solved again",
			events: []Event{created(0, "normal"), reply(60), status(120, "solved"), requester(300), reply(330), status(450, "solved")},
			now:    500,
			want: map[string]want{
				MetricNextReplyTime:     {stage: StageAchieved, elapsed: 30, hist: []string{"achieved:30"}},
				MetricRequesterWaitTime: {stage: StageAchieved, elapsed: 270, hist: []string{"achieved:270"}},
			},
		},
		{
			name:   "reopened by an agent into pending",
			events: []Event{created(0, "normal"), reply(60), status(120, "solved"), status(300, "pending")},
			now:    400,
			want: map[string]want{
				MetricRequesterWaitTime: {stage: StagePaused, paused: m(300), elapsed: 120},
				MetricNextReplyTime:     {stage: StageNone},
			},
		},
		{
			name:   "closed is final",
			events: []Event{created(0, "normal"), status(60, "solved"), status(100, "closed"), requester(200), reply(210)},
			now:    300,
			want: map[string]want{
				MetricFirstReplyTime:    {stage: StageAchieved, elapsed: 60, hist: []string{"achieved:60"}},
				MetricNextReplyTime:     {stage: StageNone},
				MetricRequesterWaitTime: {stage: StageAchieved, elapsed: 60, hist: []string{"achieved:60"}},
			},
		},
		{
			name:   "priority raised re-targets from the same start",
			events: []Event{created(0, "normal"), prio(20, "urgent")},
			now:    25,
			want: map[string]want{
				MetricFirstReplyTime:    {stage: StageActive, due: m(30), elapsed: 25},
				MetricRequesterWaitTime: {stage: StageActive, due: m(480), elapsed: 25},
				// No urgent agent_work_time target.
				MetricAgentWorkTime: {stage: StageNone},
			},
		},
		{
			name:   "priority raised then breached at the new target",
			events: []Event{created(0, "normal"), prio(20, "urgent")},
			now:    60,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, due: m(30), breached: m(30), elapsed: 60}},
		},
		{
			name:   "priority raised past the new target breaches at the change",
			events: []Event{created(0, "normal"), prio(45, "urgent"), reply(50)},
			now:    60,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, breached: m(45), elapsed: 50, hist: []string{"breached:50"}}},
		},
		{
			name:   "priority lowered after a breach stays breached",
			events: []Event{created(0, "urgent"), prio(45, "normal"), reply(50)},
			now:    60,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageBreached, breached: m(30), elapsed: 50, hist: []string{"breached:50"}}},
		},
		{
			name:   "cumulative clock re-targeted over its measured total",
			events: []Event{created(0, "normal"), status(60, "pending"), status(120, "open"), prio(130, "urgent")},
			now:    200,
			want:   map[string]want{MetricRequesterWaitTime: {stage: StageActive, due: m(540), elapsed: 140}},
		},
		{
			name:   "priority without targets, then with",
			events: []Event{created(0, "low"), requester(10), prio(100, "urgent")},
			now:    110,
			want: map[string]want{
				// Measured from creation once urgent applies; the breach is at the change.
				MetricFirstReplyTime:    {stage: StageBreached, due: m(30), breached: m(100), elapsed: 110},
				MetricRequesterWaitTime: {stage: StageActive, due: m(480), elapsed: 110},
			},
		},
		{
			name:   "events are sorted; events after now and before creation are ignored",
			events: []Event{reply(100), requester(-5), created(0, "normal"), status(-1, "solved")},
			now:    60,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageActive, due: m(480), elapsed: 60}},
		},
		{
			name:   "no creation event: nothing runs",
			events: []Event{reply(10)},
			now:    60,
			want:   map[string]want{MetricFirstReplyTime: {stage: StageNone}, MetricRequesterWaitTime: {stage: StageNone}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states := Compute(metricsPolicy(), nil, tt.events, at(tt.now))
			if got, wantN := len(states), len(Metrics()); got != wantN {
				t.Fatalf("got %d states, want %d", got, wantN)
			}
			for i, s := range states {
				if s.Metric != Metrics()[i] {
					t.Fatalf("states[%d] is %s, want canonical order %v", i, s.Metric, Metrics())
				}
				if s.PolicyID != 7 {
					t.Errorf("%s: PolicyID %d", s.Metric, s.PolicyID)
				}
				if w, ok := tt.want[s.Metric]; ok {
					checkState(t, s, w)
				}
			}
		})
	}
}

func TestComputeTimeLeft(t *testing.T) {
	p := metricsPolicy()
	events := []Event{created(0, "normal"), reply(60), status(60, "pending")}
	states := Compute(p, nil, events, at(120))
	byMetric := map[string]MetricState{}
	for _, s := range states {
		byMetric[s.Metric] = s
	}
	tests := []struct {
		metric string
		want   time.Duration
	}{
		{MetricPeriodicUpdateTime, 180 * time.Minute},        // running: due 300, now 120
		{MetricRequesterWaitTime, (1440 - 60) * time.Minute}, // paused: target minus measured
		{MetricFirstReplyTime, (480 - 60) * time.Minute},     // achieved: unused target
	}
	for _, tt := range tests {
		if got := byMetric[tt.metric].TimeLeft; got != tt.want {
			t.Errorf("%s TimeLeft = %v, want %v", tt.metric, got, tt.want)
		}
	}
	overdue := Compute(p, nil, []Event{created(0, "urgent")}, at(45))
	if got := overdue[0].TimeLeft; got != -15*time.Minute {
		t.Errorf("overdue TimeLeft = %v, want -15m", got)
	}
}

// TestComputeBusinessHours checks business-hours targets and pauses against
// a New York office schedule, including a weekend and the spring-forward
// weekend.
func TestComputeBusinessHours(t *testing.T) {
	const ny = "America/New_York"
	p := &Policy{ID: 1, Title: "bh", PolicyMetrics: []PolicyMetric{
		{Priority: PriorityHigh, Metric: MetricFirstReplyTime, Target: 240, BusinessHours: true},
		{Priority: PriorityHigh, Metric: MetricAgentWorkTime, Target: 600, BusinessHours: true},
		{Priority: PriorityUrgent, Metric: MetricFirstReplyTime, Target: 30},
	}}
	ev := func(kind EventKind, when, to string) Event {
		return Event{Kind: kind, At: local(t, ny, when), To: to, Priority: "high"}
	}
	tests := []struct {
		name    string
		events  []Event
		now     time.Time
		metric  string
		stage   Stage
		due     time.Time // zero: DueAt must be nil
		elapsed int
	}{
		{
			name:   "due after the weekend",
			events: []Event{ev(EventCreated, "2024-01-12 15:00", "")},
			now:    local(t, ny, "2024-01-13 12:00"), metric: MetricFirstReplyTime,
			stage: StageActive, due: utc(t, "2024-01-15T16:00:00Z"), elapsed: 120,
		},
		{
			name:   "due after the spring-forward weekend",
			events: []Event{ev(EventCreated, "2024-03-08 15:00", "")},
			now:    local(t, ny, "2024-03-09 12:00"), metric: MetricFirstReplyTime,
			stage: StageActive, due: utc(t, "2024-03-11T15:00:00Z"), elapsed: 120,
		},
		{
			name: "pause excludes its business time",
			events: []Event{
				ev(EventCreated, "2024-01-08 09:00", ""), // Monday
				ev(EventStatusChanged, "2024-01-08 13:00", "pending"),
				ev(EventStatusChanged, "2024-01-09 11:00", "open"), // 4h worked; paused Mon 13:00-Tue 11:00 (6 business hours)
			},
			now: local(t, ny, "2024-01-09 12:00"), metric: MetricAgentWorkTime,
			stage: StageActive, due: local(t, ny, "2024-01-09 17:00"), elapsed: 300,
		},
		{
			name:   "calendar target for urgent after a priority change",
			events: []Event{ev(EventCreated, "2024-01-12 16:50", ""), {Kind: EventPriorityChanged, At: local(t, ny, "2024-01-12 16:55"), Priority: "urgent"}},
			now:    local(t, ny, "2024-01-12 17:10"), metric: MetricFirstReplyTime,
			stage: StageActive, due: local(t, ny, "2024-01-12 17:20"), elapsed: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states := Compute(p, nyOffice(), tt.events, tt.now)
			i := slices.IndexFunc(states, func(s MetricState) bool { return s.Metric == tt.metric })
			if i < 0 {
				t.Fatalf("no %s state", tt.metric)
			}
			s := states[i]
			if s.Stage != tt.stage || s.ElapsedMinutes != tt.elapsed {
				t.Errorf("stage %s elapsed %d, want %s %d", s.Stage, s.ElapsedMinutes, tt.stage, tt.elapsed)
			}
			cal, err := NewCalendar(nyOffice())
			if err != nil {
				t.Fatal(err)
			}
			same := ComputeWithCalendar(p, cal, tt.events, tt.now)[i]
			if same.Stage != s.Stage || same.ElapsedMinutes != s.ElapsedMinutes || (same.DueAt == nil) != (s.DueAt == nil) || (s.DueAt != nil && !same.DueAt.Equal(*s.DueAt)) {
				t.Errorf("ComputeWithCalendar differs from Compute: %+v vs %+v", same, s)
			}
			switch {
			case tt.due.IsZero() && s.DueAt != nil:
				t.Errorf("DueAt = %v, want nil", s.DueAt)
			case !tt.due.IsZero() && (s.DueAt == nil || !s.DueAt.Equal(tt.due)):
				t.Errorf("DueAt = %v, want %v", s.DueAt, tt.due.UTC())
			}
		})
	}
}

// TestSchedulingHelpers drives a ticket with a fake clock the way the job
// layer will: recompute, schedule the next due time, warn ahead of it.
func TestSchedulingHelpers(t *testing.T) {
	clk := clock.NewFake(at(0))
	p := metricsPolicy()
	events := []Event{created(0, "normal")}

	clk.Advance(60 * time.Minute)
	states := Compute(p, nil, events, clk.Now())
	next, ok := NextDue(states)
	if !ok || !next.Equal(at(480)) {
		t.Fatalf("NextDue = %v %v, want first reply due at +480", next, ok)
	}
	tests := []struct {
		lead time.Duration
		want time.Time
	}{
		{time.Hour, at(420)},
		{0, at(480)},
		{10 * time.Hour, at(0)}, // not before the cycle started
	}
	for _, tt := range tests {
		if w, ok := WarningAt(states[0], tt.lead); !ok || !w.Equal(tt.want) {
			t.Errorf("WarningAt(lead %v) = %v %v, want %v", tt.lead, w, ok, tt.want)
		}
	}

	// At DueAt the metric is still active; just after, it is breached and
	// the next due time moves on to agent_work_time (+600).
	clk.Set(at(480))
	if s := Compute(p, nil, events, clk.Now())[0]; s.Stage != StageActive {
		t.Errorf("at DueAt stage = %s, want active", s.Stage)
	}
	clk.Advance(time.Second)
	states = Compute(p, nil, events, clk.Now())
	if states[0].Stage != StageBreached {
		t.Errorf("after DueAt stage = %s, want breached", states[0].Stage)
	}
	if _, ok := WarningAt(states[0], time.Hour); ok {
		t.Error("WarningAt for a breached metric")
	}
	if next, ok := NextDue(states); !ok || !next.Equal(at(600)) {
		t.Errorf("NextDue after breach = %v %v, want +600", next, ok)
	}

	// Solved: nothing left to schedule; one achievement row per metric cycle.
	events = append(events, reply(500), status(520, "solved"))
	clk.Set(at(600))
	states = Compute(p, nil, events, clk.Now())
	if next, ok := NextDue(states); ok {
		t.Errorf("NextDue on a solved ticket = %v", next)
	}
	rows := Achievements(states)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s:%v:%d/%d", r.Metric, r.Achieved, r.ActualMinutes, r.Target))
		if r.PolicyID != 7 || r.CompletedAt.IsZero() || r.StartedAt.IsZero() {
			t.Errorf("incomplete row %+v", r)
		}
	}
	wantRows := []string{
		"first_reply_time:false:500/480",
		"periodic_update_time:true:20/240",
		"pausable_update_time:true:20/240",
		"requester_wait_time:true:520/1440",
		"agent_work_time:true:520/600",
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("Achievements =\n%v\nwant\n%v", got, wantRows)
	}
}

func TestComputeNilPolicy(t *testing.T) {
	if got := Compute(nil, nil, []Event{created(0, "normal")}, at(10)); got != nil {
		t.Errorf("Compute(nil policy) = %v", got)
	}
}
