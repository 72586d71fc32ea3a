package sla

import (
	"slices"
	"strings"
	"time"
)

// EventKind names a ticket history event that SLA clocks react to.
type EventKind string

// Event kinds.
const (
	// EventCreated opens the ticket. Priority is its priority, To its initial
	// status ("new" when empty), ByAgent whether an agent opened it with a
	// public comment (then first_reply_time does not apply).
	EventCreated EventKind = "created"
	// EventStatusChanged moves the ticket from From to To.
	EventStatusChanged EventKind = "status_changed"
	// EventPublicAgentReply is a public comment by an agent.
	EventPublicAgentReply EventKind = "public_agent_reply"
	// EventPrivateNote is an internal note; it fulfils nothing.
	EventPrivateNote EventKind = "private_note"
	// EventRequesterComment is a public comment by an end user. On a pending
	// or solved ticket it also sets the status to open, as Zendesk does.
	EventRequesterComment EventKind = "requester_comment"
	// EventPriorityChanged sets the priority to Priority.
	EventPriorityChanged EventKind = "priority_changed"
)

// Event is one entry of a ticket's history.
type Event struct {
	Kind     EventKind
	At       time.Time
	Priority string // EventCreated, EventPriorityChanged
	From, To string // EventStatusChanged; EventCreated uses To as the initial status
	ByAgent  bool   // EventCreated
}

// Stage is where a metric's current cycle stands.
type Stage string

// Stages.
const (
	StageNone     Stage = "none"     // no cycle yet, or no target for the ticket's priority
	StageActive   Stage = "active"   // running and not yet due
	StagePaused   Stage = "paused"   // stopped by the ticket status (cumulative/pausable metrics)
	StageAchieved Stage = "achieved" // completed within target
	StageBreached Stage = "breached" // target missed (still running, paused or completed)
)

// MetricState is the state of one policy metric on one ticket at a given
// moment. A metric measures successive cycles (next_reply_time restarts at
// each requester comment); the fields describe the current or, when none is
// running, the last cycle.
type MetricState struct {
	Metric        string
	PolicyID      int64
	Priority      string // the ticket priority the target comes from
	Target        int    // minutes; 0 when Stage is none
	BusinessHours bool
	Stage         Stage
	StartedAt     time.Time // start of the cycle; zero when there is none
	// DueAt is when the running cycle reaches its target (in the past when
	// breached); nil when paused, completed, without target, or never (a
	// schedule without business hours).
	DueAt       *time.Time
	PausedSince *time.Time
	BreachedAt  *time.Time
	AchievedAt  *time.Time
	CompletedAt *time.Time // when the cycle ended, achieved or breached
	// ElapsedMinutes is the measured time of the cycle so far (business
	// minutes for business-hours targets), rounded down.
	ElapsedMinutes int
	// TimeLeft is DueAt-now (wall-clock) for a running cycle, and the unused
	// target (Target minus measured time) for a paused or completed one;
	// negative when overdue.
	TimeLeft time.Duration
	// History lists the completed cycles that had a target, oldest first,
	// including the current one once it has completed.
	History []Achievement
}

// Achievement is the reporting row of one completed metric cycle.
type Achievement struct {
	Metric        string
	PolicyID      int64
	Priority      string
	Target        int
	BusinessHours bool
	Achieved      bool
	// ActualMinutes is the measured time rounded up, so Achieved implies
	// ActualMinutes <= Target unless a breach was carried over a priority
	// change (breaches are never undone).
	ActualMinutes int
	StartedAt     time.Time
	CompletedAt   time.Time
	BreachedAt    *time.Time
}

// Compute replays a ticket's history against policy and returns the state of
// each metric the policy has a target for (at any priority), in the order of
// Metrics(). schedule is used for business-hours targets; nil means 24x7.
// Events are sorted by At (stably); those before the first EventCreated or
// after now are ignored, as is everything after the ticket is closed.
func Compute(policy *Policy, schedule *Schedule, events []Event, now time.Time) []MetricState {
	return ComputeWithCalendar(policy, compile(schedule), events, now)
}

// ComputeWithCalendar is Compute with an already compiled schedule (nil
// means 24x7), for callers evaluating many tickets on the same schedule.
func ComputeWithCalendar(policy *Policy, cal *Calendar, events []Event, now time.Time) []MetricState {
	if policy == nil {
		return nil
	}
	if cal == nil {
		cal = AlwaysOpen()
	}
	e := &engine{policy: policy, business: cal, calendar: AlwaysOpen()}
	for _, m := range Metrics() {
		if slices.ContainsFunc(policy.PolicyMetrics, func(pm PolicyMetric) bool { return pm.Metric == m }) {
			e.trackers = append(e.trackers, &tracker{metric: m})
		}
	}
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) })
	started := false
	for _, ev := range evs {
		if ev.At.After(now) || e.closed {
			break
		}
		if !started {
			if ev.Kind == EventCreated {
				started = true
				e.create(ev)
				e.sync(ev.At)
			}
			continue
		}
		t := ev.At
		e.checkBreaches(t)
		switch ev.Kind {
		case EventStatusChanged:
			e.setStatus(t, ev.To)
		case EventPublicAgentReply:
			e.agentReply(t)
		case EventRequesterComment:
			e.requesterComment(t)
		case EventPriorityChanged:
			e.setPriority(t, ev.Priority)
		}
		e.sync(t)
	}
	if started {
		e.checkBreaches(now)
	}
	return e.states(now)
}

// NextDue returns the earliest DueAt among active (running, not yet
// breached) metrics: the moment a scheduler should re-evaluate the ticket to
// record a breach. A cycle is breached once now is strictly after DueAt.
func NextDue(states []MetricState) (time.Time, bool) {
	var best time.Time
	found := false
	for _, s := range states {
		if s.Stage == StageActive && s.DueAt != nil && (!found || s.DueAt.Before(best)) {
			best, found = *s.DueAt, true
		}
	}
	return best, found
}

// WarningAt returns when to warn that an active metric is about to breach:
// lead (wall-clock) before DueAt, but not before the cycle started.
func WarningAt(s MetricState, lead time.Duration) (time.Time, bool) {
	if s.Stage != StageActive || s.DueAt == nil {
		return time.Time{}, false
	}
	w := s.DueAt.Add(-lead)
	if w.Before(s.StartedAt) {
		w = s.StartedAt
	}
	return w, true
}

// Achievements returns the reporting rows of every completed cycle.
func Achievements(states []MetricState) []Achievement {
	var out []Achievement
	for _, s := range states {
		out = append(out, s.History...)
	}
	return out
}

type segment struct{ a, b time.Time }

// cycle is one measurement of a metric: running segments plus the open one.
type cycle struct {
	start       time.Time
	segs        []segment // closed running periods
	running     bool
	since       time.Time // running since, or paused since
	completed   bool
	completedAt time.Time
	breachedAt  time.Time
	targetSince time.Time // when the target in force became effective
	final       PolicyMetric
	hasFinal    bool // final holds the target at completion
}

type tracker struct {
	metric string
	cycles []*cycle
}

func (t *tracker) last() *cycle {
	if t == nil || len(t.cycles) == 0 {
		return nil
	}
	return t.cycles[len(t.cycles)-1]
}

func (t *tracker) open() *cycle {
	if c := t.last(); c != nil && !c.completed {
		return c
	}
	return nil
}

type engine struct {
	policy             *Policy
	business, calendar *Calendar
	trackers           []*tracker
	status, priority   string
	// firstDone: the first-reply phase is over (an agent replied publicly,
	// the ticket was opened by an agent, or it was solved), so requester
	// comments start next_reply_time cycles.
	firstDone bool
	replied   bool // some public agent comment exists
	closed    bool
}

func (e *engine) tracker(metric string) *tracker {
	for _, t := range e.trackers {
		if t.metric == metric {
			return t
		}
	}
	return nil
}

func (e *engine) cal(pm PolicyMetric) *Calendar {
	if pm.BusinessHours {
		return e.business
	}
	return e.calendar
}

func (e *engine) target(metric string) (PolicyMetric, bool) {
	return e.policy.Target(e.priority, metric)
}

// runs reports whether metric's clock runs while the ticket is in status.
func runs(metric, status string) bool {
	switch metric {
	case MetricRequesterWaitTime:
		return status == StatusNew || status == StatusOpen || status == StatusHold
	case MetricAgentWorkTime, MetricPausableUpdateTime:
		return status == StatusNew || status == StatusOpen
	}
	return unsolved(status)
}

func unsolved(status string) bool {
	return status == StatusNew || status == StatusOpen || status == StatusPending || status == StatusHold
}

func normStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "on-hold" || s == "on_hold" {
		return StatusHold
	}
	return s
}

func (e *engine) create(ev Event) {
	t := ev.At
	e.priority = strings.ToLower(strings.TrimSpace(ev.Priority))
	e.status = StatusNew
	if ev.ByAgent {
		e.firstDone, e.replied = true, true
		e.start(MetricPeriodicUpdateTime, t)
		e.start(MetricPausableUpdateTime, t)
	} else {
		e.start(MetricFirstReplyTime, t)
	}
	e.start(MetricRequesterWaitTime, t)
	e.start(MetricAgentWorkTime, t)
	if s := normStatus(ev.To); s != "" {
		e.setStatus(t, s)
	}
}

func (e *engine) start(metric string, t time.Time) {
	tr := e.tracker(metric)
	if tr == nil || tr.open() != nil {
		return
	}
	tr.cycles = append(tr.cycles, &cycle{start: t, since: t, targetSince: t})
}

func (e *engine) setStatus(t time.Time, to string) {
	to = normStatus(to)
	if to == "" || to == e.status {
		return
	}
	from := e.status
	e.status = to
	switch {
	case to == StatusSolved || to == StatusClosed:
		if from != StatusSolved {
			e.firstDone = true
			for _, tr := range e.trackers {
				if c := tr.open(); c != nil {
					e.complete(tr, c, t)
				}
			}
		}
		e.closed = to == StatusClosed
	case from == StatusSolved:
		e.reopen(t)
	}
}

// reopen resumes the cumulative metrics (their totals carry on) and, when an
// agent has replied before, starts new update cycles. next_reply_time starts
// from the requester comment that reopened the ticket, if any.
func (e *engine) reopen(t time.Time) {
	for _, m := range []string{MetricRequesterWaitTime, MetricAgentWorkTime} {
		tr := e.tracker(m)
		c := tr.last()
		if c == nil {
			e.start(m, t)
			continue
		}
		if !c.completed {
			continue
		}
		pm, ok := e.target(m)
		if ok != c.hasFinal || pm != c.final {
			c.targetSince = t
		}
		c.completed, c.completedAt, c.hasFinal, c.since = false, time.Time{}, false, t
	}
	if e.replied {
		e.start(MetricPeriodicUpdateTime, t)
		e.start(MetricPausableUpdateTime, t)
	}
}

func (e *engine) agentReply(t time.Time) {
	for _, m := range []string{MetricFirstReplyTime, MetricNextReplyTime, MetricPeriodicUpdateTime, MetricPausableUpdateTime} {
		if tr := e.tracker(m); tr != nil {
			if c := tr.open(); c != nil {
				e.complete(tr, c, t)
			}
		}
	}
	e.firstDone, e.replied = true, true
	if unsolved(e.status) {
		e.start(MetricPeriodicUpdateTime, t)
		e.start(MetricPausableUpdateTime, t)
	}
}

func (e *engine) requesterComment(t time.Time) {
	if e.status == StatusPending || e.status == StatusSolved {
		e.setStatus(t, StatusOpen)
	}
	if e.firstDone && unsolved(e.status) {
		e.start(MetricNextReplyTime, t) // no-op while a cycle is open: it runs from the oldest unanswered comment
	}
}

func (e *engine) setPriority(t time.Time, p string) {
	p = strings.ToLower(strings.TrimSpace(p))
	if p == e.priority {
		return
	}
	for _, tr := range e.trackers {
		if c := tr.open(); c != nil {
			old, okOld := e.policy.Target(e.priority, tr.metric)
			nw, okNew := e.policy.Target(p, tr.metric)
			if okOld != okNew || old.Target != nw.Target || old.BusinessHours != nw.BusinessHours {
				c.targetSince = t
			}
		}
	}
	e.priority = p
}

// sync starts or stops the open cycles' clocks to match the ticket status.
func (e *engine) sync(t time.Time) {
	for _, tr := range e.trackers {
		c := tr.open()
		if c == nil {
			continue
		}
		want := runs(tr.metric, e.status)
		switch {
		case want && !c.running:
			c.running, c.since = true, t
		case !want && c.running:
			if t.After(c.since) {
				c.segs = append(c.segs, segment{c.since, t})
			}
			c.running, c.since = false, t
		}
	}
}

// complete ends an open cycle at t. A cycle that measured nothing because it
// started at t (an agent replies and solves in one update) is discarded.
func (e *engine) complete(tr *tracker, c *cycle, t time.Time) {
	if c.running && t.After(c.since) {
		c.segs = append(c.segs, segment{c.since, t})
	}
	c.running, c.since = false, t
	if c.start.Equal(t) && len(c.segs) == 0 && c.breachedAt.IsZero() {
		tr.cycles = tr.cycles[:len(tr.cycles)-1]
		return
	}
	c.completed, c.completedAt = true, t
	c.final, c.hasFinal = e.target(tr.metric)
}

func (e *engine) checkBreaches(t time.Time) {
	for _, tr := range e.trackers {
		c := tr.open()
		if c == nil || !c.breachedAt.IsZero() {
			continue
		}
		pm, ok := e.target(tr.metric)
		if !ok {
			continue
		}
		if d := e.reach(c, pm); !d.IsZero() && d.Before(t) {
			// A target that became stricter mid-cycle can lie in the past:
			// the breach happens when the new target took effect.
			c.breachedAt = latest(d, c.targetSince)
		}
	}
}

// reach returns the instant at which c's measured time reaches pm's target:
// within a closed segment, or projected from the running clock. It is zero
// when the target is not reached and the clock is stopped (or can never
// reach it).
func (e *engine) reach(c *cycle, pm PolicyMetric) time.Time {
	cal := e.cal(pm)
	target := time.Duration(pm.Target) * time.Minute
	var acc time.Duration
	for _, s := range c.segs {
		m := cal.Between(s.a, s.b)
		if acc+m >= target {
			return cal.Add(s.a, target-acc)
		}
		acc += m
	}
	if c.running {
		return cal.Add(c.since, target-acc)
	}
	return time.Time{}
}

// measure returns c's measured time up to upTo.
func (e *engine) measure(c *cycle, cal *Calendar, upTo time.Time) time.Duration {
	var d time.Duration
	for _, s := range c.segs {
		d += cal.Between(s.a, s.b)
	}
	if c.running && upTo.After(c.since) {
		d += cal.Between(c.since, upTo)
	}
	return d
}

func (e *engine) states(now time.Time) []MetricState {
	out := make([]MetricState, 0, len(e.trackers))
	for _, tr := range e.trackers {
		st := MetricState{Metric: tr.metric, PolicyID: e.policy.ID, Priority: e.priority, Stage: StageNone}
		for _, c := range tr.cycles {
			if c.completed && c.hasFinal {
				st.History = append(st.History, e.achievement(tr.metric, c))
			}
		}
		c := tr.last()
		if c == nil {
			out = append(out, st)
			continue
		}
		st.StartedAt = c.start
		if !c.breachedAt.IsZero() {
			st.BreachedAt = ptr(c.breachedAt)
		}
		if c.completed {
			st.CompletedAt = ptr(c.completedAt)
			if c.hasFinal {
				pm := c.final
				measured := e.measure(c, e.cal(pm), c.completedAt)
				st.Priority, st.Target, st.BusinessHours = pm.Priority, pm.Target, pm.BusinessHours
				st.ElapsedMinutes = int(measured / time.Minute)
				st.TimeLeft = time.Duration(pm.Target)*time.Minute - measured
				if c.breachedAt.IsZero() {
					st.Stage, st.AchievedAt = StageAchieved, ptr(c.completedAt)
				} else {
					st.Stage = StageBreached
				}
			}
			out = append(out, st)
			continue
		}
		pm, ok := e.target(tr.metric)
		if !ok {
			out = append(out, st)
			continue
		}
		measured := e.measure(c, e.cal(pm), now)
		st.Target, st.BusinessHours = pm.Target, pm.BusinessHours
		st.ElapsedMinutes = int(measured / time.Minute)
		st.TimeLeft = time.Duration(pm.Target)*time.Minute - measured
		st.Stage = StageActive
		if c.running {
			if due := e.reach(c, pm); !due.IsZero() {
				st.DueAt, st.TimeLeft = ptr(due), due.Sub(now)
			}
		} else {
			st.Stage, st.PausedSince = StagePaused, ptr(c.since)
		}
		if !c.breachedAt.IsZero() {
			st.Stage = StageBreached
		}
		out = append(out, st)
	}
	return out
}

func (e *engine) achievement(metric string, c *cycle) Achievement {
	pm := c.final
	measured := e.measure(c, e.cal(pm), c.completedAt)
	a := Achievement{
		Metric:        metric,
		PolicyID:      e.policy.ID,
		Priority:      pm.Priority,
		Target:        pm.Target,
		BusinessHours: pm.BusinessHours,
		Achieved:      c.breachedAt.IsZero(),
		ActualMinutes: int((measured + time.Minute - 1) / time.Minute),
		StartedAt:     c.start,
		CompletedAt:   c.completedAt,
	}
	if !c.breachedAt.IsZero() {
		a.BreachedAt = ptr(c.breachedAt)
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func ptr(t time.Time) *time.Time { return &t }
