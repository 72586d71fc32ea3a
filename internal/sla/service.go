package sla

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/ticket"
)

// Event kinds written to sla_events.
const (
	KindBreach  = "breach"
	KindWarning = "warning"
)

// RegionTagPrefix selects a ticket's schedule: a ticket tagged
// "region_emea" is measured on the schedule named "EMEA" (case-insensitive).
// Without such a tag, a ticket in a group whose name has the schedule's name
// as a word ("Support EMEA") uses that schedule, and any other ticket the
// default schedule, the oldest one.
const RegionTagPrefix = "region_"

// Breach is a breach (or warning) event: written once per ticket, metric and
// metric cycle, and handed to the OnBreach / OnWarning hooks in the
// transaction that writes it.
type Breach struct {
	ID         int64      `json:"id"`
	TicketID   int64      `json:"ticket_id"`
	Metric     string     `json:"metric"`
	Kind       string     `json:"kind"` // "breach" or "warning"
	PolicyID   int64      `json:"policy_id"`
	Priority   string     `json:"priority"`
	Target     int        `json:"target"`
	CycleStart time.Time  `json:"cycle_started_at"`
	DueAt      *time.Time `json:"due_at"`
	At         time.Time  `json:"at"` // when the target was (or will be) missed; for warnings when the warning was due
	CreatedAt  time.Time  `json:"created_at"`
}

// BreachHook runs inside the transaction that records a breach or warning.
// An error rolls that transaction back (the timer retries).
type BreachHook func(ctx context.Context, tx *db.Tx, b Breach) error

// Timer is one scheduled look at a ticket: Kind "breach" at the due time,
// "warning" ahead of it.
type Timer struct {
	TicketID int64
	Metric   string
	Kind     string
	At       time.Time // when to fire
	DueAt    time.Time // the due time the timer was set for
}

// Timers schedules timers in the transaction that computed them (a River
// job queue in production), all of one look at a ticket at once. A nil
// Timers leaves firing to FireDue.
type Timers interface {
	Schedule(ctx context.Context, tx *db.Tx, ts []Timer) error
}

// Options tune a Service.
type Options struct {
	// WarnBefore returns how long (wall-clock) before a target's due time a
	// warning fires. Nil means DefaultWarnBefore.
	WarnBefore func(target int) time.Duration
	Log        *slog.Logger
}

// DefaultWarnBefore warns a fifth of the target ahead, between one minute and
// one hour.
func DefaultWarnBefore(target int) time.Duration {
	d := time.Duration(target) * time.Minute / 5
	return min(max(d, time.Minute), time.Hour)
}

// TimerDelay is how long after a due time the breach timer fires: a metric is
// breached once its time strictly exceeds the target.
const TimerDelay = time.Second

// Service keeps each ticket's SLA state in step with the ticket: register
// Hook on the ticket store, and have timers (jobs, or FireDue) call Check.
type Service struct {
	Store     *Store
	d         *db.DB
	q         *db.Queries
	opts      Options
	timers    Timers
	onBreach  []BreachHook
	onWarning []BreachHook

	cfg db.Versioned[*config] // the policies and schedules, per configuration version
}

// config is the SLA configuration (policies, schedules and their compiled
// calendars) as of one version in config_versions. The version is read in
// every ticket transaction (a trigger bumps it on any change), so a cached
// configuration is used only while it is the one the database holds, on
// every node. It is never modified once built.
type config struct {
	policies  []Policy
	schedules []Schedule
	cals      map[int64]*Calendar // by schedule id
}

func (c *config) calendar(sch *Schedule) *Calendar {
	if sch == nil {
		return AlwaysOpen()
	}
	return c.cals[sch.ID]
}

// configAt returns the configuration of version, loading it in tx when the
// cached one is another version. Read the version before calling: the lists
// are then at least as new as the version they are filed under.
func (s *Service) configAt(ctx context.Context, tx *db.Tx, version int64) (*config, error) {
	return s.cfg.Get(tx, version, func() (*config, error) {
		policies, err := s.Store.scanPolicies(ctx, tx, "ListPolicies")
		if err != nil {
			return nil, err
		}
		schedules, err := s.Store.listSchedules(ctx, tx)
		if err != nil {
			return nil, err
		}
		c := &config{policies: policies, schedules: schedules, cals: map[int64]*Calendar{}}
		for i := range schedules {
			c.cals[schedules[i].ID] = compile(&schedules[i])
		}
		return c, nil
	})
}

// NewService returns the SLA service over store.
func NewService(store *Store, opts Options) *Service {
	if opts.WarnBefore == nil {
		opts.WarnBefore = DefaultWarnBefore
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Store: store, d: store.d, q: store.q, opts: opts}
}

// SetTimers installs the timer scheduler; call while wiring.
func (s *Service) SetTimers(t Timers) { s.timers = t }

// ScheduleTimers hands timers computed elsewhere to this service's
// scheduler, in one transaction: the demo history is written by a service
// of its own, on a clock that moves through the past with its timers kept
// in memory, and gives the timers still ahead to the running service's job
// queue this way (one wake-up job per moment). Without a scheduler it does
// nothing.
func (s *Service) ScheduleTimers(ctx context.Context, ts []Timer) error {
	if s.timers == nil || len(ts) == 0 {
		return nil
	}
	return s.d.Write(ctx, func(tx *db.Tx) error { return s.timers.Schedule(ctx, tx, ts) })
}

// OnBreach registers h to run when a breach is recorded; call while wiring.
func (s *Service) OnBreach(h BreachHook) { s.onBreach = append(s.onBreach, h) }

// OnWarning registers h to run when a breach warning is recorded.
func (s *Service) OnWarning(h BreachHook) { s.onWarning = append(s.onWarning, h) }

// Hook is the ticket.Store change hook: it appends the change's SLA events
// to the ticket's history and recomputes its targets in the same
// transaction.
func (s *Service) Hook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if c.Prev == nil {
		return s.created(ctx, tx, c)
	}
	evs, err := s.eventsOf(ctx, tx, c)
	if err != nil {
		return err
	}
	for _, e := range evs {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertTicketEvent"), c.Ticket.ID, string(e.Kind), db.TS(e.At),
			e.Priority, e.From, e.To, e.ByAgent); err != nil {
			return err
		}
	}
	if len(evs) == 0 && c.Prev != nil && sameSelection(c.Prev, c.Ticket) {
		return nil
	}
	return s.recompute(ctx, tx, c.Ticket.ID)
}

// sameSelection reports whether nothing a policy filter or the schedule
// choice reads changed (then an update without SLA events changes nothing).
func sameSelection(a, b *ticket.Ticket) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	es := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return es(a.Type, b.Type) && eq(a.GroupID, b.GroupID) && eq(a.OrganizationID, b.OrganizationID) &&
		a.RequesterID == b.RequesterID && slices.Equal(a.Tags, b.Tags)
}

func derefLower(p *string) string {
	if p == nil {
		return ""
	}
	return strings.ToLower(*p)
}

// eventsOf translates a ticket change into SLA history events, all at the
// transaction's time, in the order the clocks must see them: priority,
// comment, status.
func (s *Service) eventsOf(ctx context.Context, tx *db.Tx, c *ticket.Change) ([]Event, error) {
	now := tx.Now
	t := c.Ticket
	var out []Event
	publicBy := func() (agent, requester bool, err error) {
		if c.Comment == nil || !c.Comment.Public {
			return false, false, nil
		}
		var role string
		if err := tx.QueryRowContext(ctx, s.q.Get("UserRole"), c.Comment.AuthorID).Scan(&role); err != nil {
			return false, false, db.MapError(err, "user")
		}
		if ticket.IsStaffRole(role) {
			return true, false, nil
		}
		return false, true, nil
	}
	agent, requester, err := publicBy()
	if err != nil {
		return nil, err
	}
	if c.Prev == nil {
		out = append(out, Event{Kind: EventCreated, At: now, Priority: derefLower(t.Priority), To: t.Status, ByAgent: agent})
		return out, nil
	}
	var known bool
	if err := tx.QueryRowContext(ctx, s.q.Get("HasTicketEvents"), t.ID).Scan(&known); err != nil {
		return nil, err
	}
	if !known {
		// A ticket from before the SLA service (or an import): its clocks
		// start from its creation in the state it had before this change.
		// One that already left "new" is taken to have had its first reply.
		out = append(out, Event{Kind: EventCreated, At: c.Prev.CreatedAt, Priority: derefLower(c.Prev.Priority),
			To: c.Prev.Status, ByAgent: c.Prev.Status != StatusNew})
	}
	if p, q := derefLower(c.Prev.Priority), derefLower(t.Priority); p != q {
		out = append(out, Event{Kind: EventPriorityChanged, At: now, Priority: q})
	}
	switch {
	case agent:
		out = append(out, Event{Kind: EventPublicAgentReply, At: now})
	case requester:
		out = append(out, Event{Kind: EventRequesterComment, At: now})
	case c.Comment != nil && !c.Comment.Public:
		out = append(out, Event{Kind: EventPrivateNote, At: now})
	}
	// A requester comment may move the clocks to open (as Zendesk does); a
	// status event with the ticket's actual status keeps them in step with
	// the ticket when the ticket store did not follow.
	if c.Prev.Status != t.Status || requester {
		out = append(out, Event{Kind: EventStatusChanged, At: now, From: c.Prev.Status, To: t.Status})
	}
	return out, nil
}

// attrs loads what policy filters look at, and the configuration version.
func (s *Service) attrs(ctx context.Context, tx *db.Tx, id int64) (TicketAttrs, string, int64, error) {
	var a TicketAttrs
	var prio, typ, plan, tier, group sql.NullString
	var groupID, org, ase sql.NullInt64
	var tags string
	var requester, version int64
	var created time.Time
	err := tx.QueryRowContext(ctx, s.q.Get("TicketAttrs"), id).Scan(&version, &prio, &typ, &a.Status, &groupID, &org, &tags,
		&a.Channel, &requester, db.Time(&created), &a.RequesterRole, &plan, &tier, &ase, &group, &a.BrandID, &a.OrgRegion)
	if err != nil {
		return a, "", 0, db.MapError(err, "ticket")
	}
	a.Priority, a.Type = prio.String, typ.String
	a.GroupID, a.OrganizationID = idOf(groupID), idOf(org)
	a.Tags = strings.Fields(tags)
	a.OrgPlan, a.OrgTier, a.OrgHasASE = plan.String, tier.String, ase.Valid
	return a, group.String, version, nil
}

// prepared is a new ticket's SLA evaluation, made by Prepare before the
// ticket row is written (the row then carries its sort key).
type prepared struct {
	ev      *evaluation
	sortKey int64
}

// Prepare is the ticket store's preparer: it evaluates a new ticket before
// its row is written, so the row is written once with its queue sort key.
func (s *Service) Prepare(ctx context.Context, tx *db.Tx, d ticket.Draft) (int64, any, error) {
	author := int64(0)
	if d.CommentPublic {
		author = d.CommentAuthorID
	}
	p, err := s.prepareNew(ctx, tx, d.Ticket, author)
	if err != nil {
		return 0, nil, err
	}
	return p.sortKey, p, nil
}

func (s *Service) prepareNew(ctx context.Context, tx *db.Tx, t *ticket.Ticket, author int64) (*prepared, error) {
	ev, err := s.evaluateNew(ctx, tx, t, author)
	if err != nil {
		return nil, err
	}
	return &prepared{ev: ev, sortKey: sortKeyOf(ev.states)}, nil
}

// created is Hook for a new ticket. Its whole SLA history is the one
// "created" event and it has no stored state, so nothing is read back: the
// evaluation comes from Prepare, or (without a preparer) from one read.
func (s *Service) created(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	p, _ := c.Prepared.(*prepared)
	rowKey := int64(ticket.NoSortKey) // what the row holds without a preparer
	if p == nil {
		author := int64(0)
		if c.Comment != nil && c.Comment.Public {
			author = c.Comment.AuthorID
		}
		var err error
		if p, err = s.prepareNew(ctx, tx, c.Ticket, author); err != nil {
			return err
		}
	} else {
		rowKey = p.sortKey
	}
	e := p.ev.events[0]
	return s.write(ctx, tx, c.Ticket.ID, p.ev, nil, rowKey, db.Stmt{SQL: s.q.Get("InsertTicketEvent"),
		Args: []any{c.Ticket.ID, string(e.Kind), db.TS(e.At), e.Priority, e.From, e.To, e.ByAgent}})
}

// evaluateNew evaluates a ticket not yet (or just) written, whose public
// first comment is by author (0: none), with one read: what policy filters
// look at beyond the ticket, the author's role and the configuration
// version.
func (s *Service) evaluateNew(ctx context.Context, tx *db.Tx, t *ticket.Ticket, author int64) (*evaluation, error) {
	a := TicketAttrs{Priority: derefLower(t.Priority), Status: t.Status, Channel: t.Via.Channel, Tags: t.Tags, BrandID: t.BrandID}
	if t.Type != nil {
		a.Type = *t.Type
	}
	if t.GroupID != nil {
		a.GroupID = *t.GroupID
	}
	if t.OrganizationID != nil {
		a.OrganizationID = *t.OrganizationID
	}
	var plan, tier, group sql.NullString
	var ase sql.NullInt64
	var authorRole string
	var version int64
	err := tx.QueryRowContext(ctx, s.q.Get("NewTicketAttrs"), t.RequesterID, a.OrganizationID, a.GroupID, author).Scan(
		&version, &a.RequesterRole, &plan, &tier, &ase, &group, &authorRole, &a.OrgRegion)
	if err != nil {
		return nil, err
	}
	if author != 0 && authorRole == "" {
		return nil, errs.NotFound("user")
	}
	a.OrgPlan, a.OrgTier, a.OrgHasASE = plan.String, tier.String, ase.Valid
	cfg, err := s.configAt(ctx, tx, version)
	if err != nil {
		return nil, err
	}
	e := Event{Kind: EventCreated, At: tx.Now, Priority: a.Priority, To: t.Status, ByAgent: ticket.IsStaffRole(authorRole)}
	ev := &evaluation{policy: SelectPolicy(cfg.policies, a), schedule: SelectSchedule(cfg.schedules, a.OrgRegion, a.Tags, group.String),
		events: []Event{e}}
	ev.cal = cfg.calendar(ev.schedule)
	ev.states = ComputeWithCalendar(ev.policy, ev.cal, ev.events, tx.Now)
	return ev, nil
}

// sortKeyOf is the queue sort key of states: the earliest due time of a
// running target, else ticket.NoSortKey.
func sortKeyOf(states []MetricState) int64 {
	key := int64(ticket.NoSortKey)
	for _, st := range states {
		if st.Stage == StageActive && st.DueAt != nil {
			key = min(key, st.DueAt.UnixMicro())
		}
	}
	return key
}

// SelectSchedule picks the schedule for a ticket of an organization in
// region ("" for none) with tags in group (its name, "" for none): the
// schedule named by the organization's region, else the one named by a
// region_<name> tag, else one named by a word of the group's name, else
// the first (default) schedule, else nil (24x7).
func SelectSchedule(schedules []Schedule, region string, tags []string, group string) *Schedule {
	if region != "" {
		for i := range schedules {
			if strings.EqualFold(schedules[i].Name, region) {
				return &schedules[i]
			}
		}
	}
	for _, t := range tags {
		name, ok := strings.CutPrefix(strings.ToLower(t), RegionTagPrefix)
		if !ok {
			continue
		}
		for i := range schedules {
			if strings.EqualFold(schedules[i].Name, name) {
				return &schedules[i]
			}
		}
	}
	for _, w := range strings.Fields(group) {
		for i := range schedules {
			if strings.EqualFold(schedules[i].Name, w) {
				return &schedules[i]
			}
		}
	}
	if len(schedules) > 0 {
		return &schedules[0]
	}
	return nil
}

func (s *Service) ticketEvents(ctx context.Context, tx *db.Tx, id int64) ([]Event, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("TicketEvents"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var kind string
		if err := rows.Scan(&kind, db.Time(&e.At), &e.Priority, &e.From, &e.To, &e.ByAgent); err != nil {
			return nil, err
		}
		e.Kind = EventKind(kind)
		out = append(out, e)
	}
	return out, rows.Err()
}

// evaluation is the SLA picture of one ticket at one instant.
type evaluation struct {
	policy   *Policy
	schedule *Schedule
	cal      *Calendar
	events   []Event
	states   []MetricState
}

func (s *Service) evaluate(ctx context.Context, tx *db.Tx, id int64, now time.Time) (*evaluation, error) {
	a, groupName, version, err := s.attrs(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	cfg, err := s.configAt(ctx, tx, version)
	if err != nil {
		return nil, err
	}
	ev := &evaluation{policy: SelectPolicy(cfg.policies, a), schedule: SelectSchedule(cfg.schedules, a.OrgRegion, a.Tags, groupName)}
	ev.cal = cfg.calendar(ev.schedule)
	if ev.events, err = s.ticketEvents(ctx, tx, id); err != nil {
		return nil, err
	}
	ev.states = ComputeWithCalendar(ev.policy, ev.cal, ev.events, now)
	return ev, nil
}

type storedMetric struct {
	status  string
	dueAt   *time.Time
	warnAt  *time.Time
	started *time.Time
}

func (s *Service) storedMetrics(ctx context.Context, tx *db.Tx, id int64) (map[string]storedMetric, error) {
	ms, err := s.scanMetrics(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out := map[string]storedMetric{}
	for _, m := range ms {
		out[m.Metric] = storedMetric{status: m.Status, dueAt: m.DueAt, warnAt: m.WarnAt, started: m.StartedAt}
	}
	return out, nil
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// recompute evaluates the ticket at tx.Now and writes its SLA state: the
// active policy, one row per metric (status, due and warning times), the
// achievement history, breach and warning events (at most once per cycle),
// and timers for due times that changed.
func (s *Service) recompute(ctx context.Context, tx *db.Tx, id int64) error {
	ev, err := s.evaluate(ctx, tx, id, tx.Now)
	if err != nil {
		return err
	}
	prev, err := s.storedMetrics(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.write(ctx, tx, id, ev, prev, unknownSortKey, db.Stmt{SQL: s.q.Get("DeleteTicketMetrics"), Args: []any{id}})
}

// unknownSortKey tells write that the ticket row's sort key is not known.
const unknownSortKey = -1

// write stores the evaluation of ticket id at tx.Now: the active policy, one
// row per metric (the ticket has none stored: recompute deleted them), the
// achievement history, breach and warning events, the queue's sort key, and
// timers for the due times that differ from prev (the state before).
// rowKey is the sort key the ticket row holds (unknownSortKey if unknown).
// pre are statements to run first, in the same batch (db.Tx.ExecBatch: one
// round trip on PostgreSQL for all the rows written here).
func (s *Service) write(ctx context.Context, tx *db.Tx, id int64, ev *evaluation, prev map[string]storedMetric, rowKey int64, pre ...db.Stmt) error {
	now := tx.Now
	var pid, sid int64
	if ev.policy != nil {
		pid = ev.policy.ID
	}
	if ev.schedule != nil {
		sid = ev.schedule.ID
	}
	stmts := append(pre, db.Stmt{SQL: s.q.Get("UpsertTicketPolicy"), Args: []any{id, nullID(pid), nullID(sid), db.TS(now)}})
	var timers []Timer
	var out []Breach
	var rows []any // the metric rows, inserted with one statement
	for _, st := range ev.states {
		var warnAt *time.Time
		if st.Stage == StageActive && st.DueAt != nil {
			if w, ok := WarningAt(st, s.opts.WarnBefore(st.Target)); ok {
				warnAt = &w
			}
		}
		var started *time.Time
		if !st.StartedAt.IsZero() {
			started = &st.StartedAt
		}
		due := st.DueAt
		if st.Stage != StageActive && st.Stage != StageBreached {
			due = nil
		}
		rows = append(rows, id, st.Metric, nullID(st.PolicyID), st.Priority,
			st.Target, st.BusinessHours, string(st.Stage), db.TSp(started), db.TSp(due), db.TSp(warnAt),
			db.TSp(st.PausedSince), db.TSp(st.BreachedAt), db.TSp(st.AchievedAt), st.ElapsedMinutes, db.TS(now))
		for _, h := range st.History {
			stmts = append(stmts, db.Stmt{SQL: s.q.Get("UpsertAchievement"), Args: []any{id, h.Metric, nullID(h.PolicyID), h.Priority,
				h.Target, h.BusinessHours, h.Achieved, h.ActualMinutes, db.TS(h.StartedAt), db.TS(h.CompletedAt),
				db.TSp(h.BreachedAt), db.TS(now)}})
			if h.BreachedAt != nil && !h.StartedAt.Equal(st.StartedAt) {
				// An earlier cycle breached and completed between two looks.
				out = append(out, Breach{TicketID: id, Metric: h.Metric, Kind: KindBreach, PolicyID: h.PolicyID,
					Priority: h.Priority, Target: h.Target, CycleStart: h.StartedAt, At: *h.BreachedAt})
			}
		}
		if st.BreachedAt != nil && !st.StartedAt.IsZero() {
			out = append(out, Breach{TicketID: id, Metric: st.Metric, Kind: KindBreach, PolicyID: st.PolicyID,
				Priority: st.Priority, Target: st.Target, CycleStart: st.StartedAt, DueAt: st.DueAt, At: *st.BreachedAt})
		}
		if st.Stage != StageActive || st.DueAt == nil {
			continue
		}
		if warnAt != nil && !warnAt.After(now) {
			out = append(out, Breach{TicketID: id, Metric: st.Metric, Kind: KindWarning, PolicyID: st.PolicyID,
				Priority: st.Priority, Target: st.Target, CycleStart: st.StartedAt, DueAt: st.DueAt, At: *warnAt})
		}
		// One timer per running target, for its next moment: the warning
		// while it is ahead, else the breach. The look the warning timer
		// causes schedules the breach timer (a wake-up job is unique by its
		// moment, so scheduling one twice is harmless).
		next := Timer{TicketID: id, Metric: st.Metric, Kind: KindBreach, At: st.DueAt.Add(TimerDelay), DueAt: *st.DueAt}
		if warnAt != nil && warnAt.After(now) {
			next.Kind, next.At = KindWarning, *warnAt
		}
		p, had := prev[st.Metric]
		if had && p.status == string(StageActive) && sameTime(p.dueAt, st.DueAt) && sameTime(p.started, started) &&
			(next.Kind == KindWarning || p.warnAt == nil) {
			continue // its next timer is already scheduled
		}
		timers = append(timers, next)
	}
	if len(rows) > 0 {
		stmts = append(stmts, db.Stmt{SQL: s.metricInsert(len(ev.states)), Args: rows})
	}
	// The queue's sort key (tickets.sla_next_breach_at) follows the metrics.
	if sortKey := sortKeyOf(ev.states); sortKey != rowKey {
		stmts = append(stmts, db.Stmt{SQL: s.q.Get("SetTicketSortKey"), Args: []any{id, sortKey}})
	}
	if err := tx.ExecBatch(ctx, stmts...); err != nil {
		return err
	}
	if s.timers != nil && len(timers) > 0 {
		if err := s.timers.Schedule(ctx, tx, timers); err != nil {
			return fmt.Errorf("sla: schedule timers for ticket %d: %w", id, err)
		}
	}
	for _, b := range out {
		if err := s.emit(ctx, tx, b); err != nil {
			return err
		}
	}
	return nil
}

// metricInsert returns the statement inserting n metric rows.
func (s *Service) metricInsert(n int) string {
	if n == 1 {
		return s.q.Get("InsertTicketMetric")
	}
	return s.q.Get("InsertTicketMetrics") + s.d.Dialect.ValuesRows(n, 15)
}

// emit writes b unless this cycle's event of that kind exists, and runs the
// hooks only when it was written.
func (s *Service) emit(ctx context.Context, tx *db.Tx, b Breach) error {
	res, err := tx.ExecContext(ctx, s.q.Get("InsertEvent"), b.TicketID, b.Metric, b.Kind, nullID(b.PolicyID), b.Priority,
		b.Target, db.TS(b.CycleStart), db.TSp(b.DueAt), db.TS(b.At), db.TS(tx.Now))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	b.CreatedAt = tx.Now
	hooks := s.onBreach
	if b.Kind == KindWarning {
		hooks = s.onWarning
	} else {
		s.opts.Log.Info("sla breach", "ticket", b.TicketID, "metric", b.Metric, "priority", b.Priority, "target", b.Target)
	}
	for _, h := range hooks {
		if err := h(ctx, tx, b); err != nil {
			return err
		}
	}
	return nil
}

// Check re-evaluates one ticket now (what a timer does when it fires). It is
// idempotent: breaches and warnings already recorded are not recorded again,
// however many nodes fire the same timer. A deleted ticket is not an error.
func (s *Service) Check(ctx context.Context, ticketID int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		var got int64
		err := tx.QueryRowContext(ctx, s.q.Get("LockTicket"), ticketID).Scan(&got)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		return s.recompute(ctx, tx, ticketID)
	})
}

// RecheckOrganization re-evaluates the open tickets of an organization
// whose region changed: their clocks run on the new region's schedule from
// now on (the time already spent stays as it was measured). One ticket per
// transaction, as a timer would.
func (s *Service) RecheckOrganization(ctx context.Context, orgID int64) error {
	var ids []int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("OpenTicketsOfOrganization"), orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Check(ctx, id); err != nil {
			return fmt.Errorf("ticket %d: %w", id, err)
		}
	}
	return nil
}

// FireDue checks the tickets whose breach or warning time has passed, found
// through the due-time indexes (never by scanning tickets), at most limit
// of each. The wake-up jobs run it, and the periodic sweep (or a caller
// without a job queue); it is safe to run on several nodes at once. It
// returns how many tickets it checked.
func (s *Service) FireDue(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	var ids []int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		// A breach is recorded TimerDelay after its due time, a warning at
		// its time.
		for _, q := range []struct {
			name string
			by   time.Time
		}{{"DueTimers", tx.Now.Add(-TimerDelay + time.Microsecond)}, {"DueWarnings", tx.Now}} {
			rows, err := tx.QueryContext(ctx, s.q.Get(q.name), db.TS(q.by), limit)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var metric string
				var at time.Time
				if err := rows.Scan(&id, &metric, db.Time(&at)); err != nil {
					rows.Close()
					return err
				}
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.Check(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// TicketMetric is the stored SLA state of one metric of one ticket.
type TicketMetric struct {
	TicketID       int64      `json:"ticket_id"`
	Metric         string     `json:"metric"`
	PolicyID       int64      `json:"policy_id,omitzero"`
	Priority       string     `json:"priority"`
	Target         int        `json:"target"`
	BusinessHours  bool       `json:"business_hours"`
	Status         string     `json:"status"`
	StartedAt      *time.Time `json:"started_at"`
	DueAt          *time.Time `json:"due_at"`
	WarnAt         *time.Time `json:"warn_at"`
	PausedSince    *time.Time `json:"paused_since"`
	BreachedAt     *time.Time `json:"breached_at"`
	AchievedAt     *time.Time `json:"achieved_at"`
	ElapsedMinutes int        `json:"elapsed_minutes"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func (s *Service) scanMetrics(ctx context.Context, tx *db.Tx, id int64) ([]TicketMetric, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("TicketMetrics"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TicketMetric
	for rows.Next() {
		var m TicketMetric
		var pid sql.NullInt64
		if err := rows.Scan(&m.TicketID, &m.Metric, &pid, &m.Priority, &m.Target, &m.BusinessHours, &m.Status,
			db.TimePtr(&m.StartedAt), db.TimePtr(&m.DueAt), db.TimePtr(&m.WarnAt), db.TimePtr(&m.PausedSince),
			db.TimePtr(&m.BreachedAt), db.TimePtr(&m.AchievedAt), &m.ElapsedMinutes, db.Time(&m.UpdatedAt)); err != nil {
			return nil, err
		}
		m.PolicyID = idOf(pid)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	order := Metrics()
	slices.SortFunc(out, func(a, b TicketMetric) int { return slices.Index(order, a.Metric) - slices.Index(order, b.Metric) })
	return out, nil
}

// Metrics returns the stored SLA state of a ticket's metrics (as of its
// last change or timer).
func (s *Service) Metrics(ctx context.Context, ticketID int64) (out []TicketMetric, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		out, err = s.scanMetrics(ctx, tx, ticketID)
		return err
	})
	return out, err
}

// Events returns a ticket's breach and warning events, oldest first.
func (s *Service) Events(ctx context.Context, ticketID int64) ([]Breach, error) {
	return s.events(ctx, "TicketEventsOut", ticketID)
}

// EventsSince returns breach and warning events with an id above afterID,
// for consumers that follow the event stream (notifications, reports).
func (s *Service) EventsSince(ctx context.Context, afterID int64, limit int) ([]Breach, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.events(ctx, "EventsSince", afterID, limit)
}

func (s *Service) events(ctx context.Context, q string, args ...any) ([]Breach, error) {
	return db.ReadList(ctx, s.d, s.q.Get(q), args, func(sc db.Scanner) (*Breach, error) {
		var b Breach
		var pid sql.NullInt64
		err := sc.Scan(&b.ID, &b.TicketID, &b.Metric, &b.Kind, &pid, &b.Priority, &b.Target,
			db.Time(&b.CycleStart), db.TimePtr(&b.DueAt), db.Time(&b.At), db.Time(&b.CreatedAt))
		b.PolicyID = idOf(pid)
		return &b, err
	})
}

// AchievementRow is one stored achievement (a completed metric cycle).
type AchievementRow struct {
	TicketID       int64      `json:"ticket_id"`
	Metric         string     `json:"metric"`
	PolicyID       int64      `json:"policy_id,omitzero"`
	Priority       string     `json:"priority"`
	Target         int        `json:"target"`
	BusinessHours  bool       `json:"business_hours"`
	Achieved       bool       `json:"achieved"`
	ElapsedMinutes int        `json:"elapsed_minutes"`
	StartedAt      time.Time  `json:"started_at"`
	CompletedAt    time.Time  `json:"completed_at"`
	BreachedAt     *time.Time `json:"breached_at"`
}

// Achievements returns a ticket's achievement history.
func (s *Service) Achievements(ctx context.Context, ticketID int64) ([]AchievementRow, error) {
	return db.ReadList(ctx, s.d, s.q.Get("TicketAchievements"), []any{ticketID}, func(sc db.Scanner) (*AchievementRow, error) {
		var a AchievementRow
		var pid sql.NullInt64
		err := sc.Scan(&a.TicketID, &a.Metric, &pid, &a.Priority, &a.Target, &a.BusinessHours, &a.Achieved,
			&a.ElapsedMinutes, db.Time(&a.StartedAt), db.Time(&a.CompletedAt), db.TimePtr(&a.BreachedAt))
		a.PolicyID = idOf(pid)
		return &a, err
	})
}

// SummaryRow counts achieved or breached cycles per policy and metric.
type SummaryRow struct {
	PolicyID int64  `json:"policy_id,omitzero"`
	Metric   string `json:"metric"`
	Achieved int    `json:"achieved"`
	Breached int    `json:"breached"`
}

// Summary reports, per policy and metric, how many cycles completed in
// [from, to) were achieved and how many breached.
func (s *Service) Summary(ctx context.Context, from, to time.Time) (out []SummaryRow, err error) {
	if !to.After(from) {
		return nil, errs.Invalid("end_time", "must be after start_time")
	}
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("AchievementSummary"), db.TS(from), db.TS(to))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pid sql.NullInt64
			var metric string
			var achieved bool
			var n int
			if err := rows.Scan(&pid, &metric, &achieved, &n); err != nil {
				return err
			}
			if k := len(out); k == 0 || out[k-1].PolicyID != idOf(pid) || out[k-1].Metric != metric {
				out = append(out, SummaryRow{PolicyID: idOf(pid), Metric: metric})
			}
			if achieved {
				out[len(out)-1].Achieved = n
			} else {
				out[len(out)-1].Breached = n
			}
		}
		return rows.Err()
	})
	return out, err
}

// MetricView is one metric of a ticket as the API shows it, evaluated at
// the moment of the request.
type MetricView struct {
	Metric          string     `json:"metric"`
	Priority        string     `json:"priority"`
	Target          int        `json:"target"`
	BusinessHours   bool       `json:"business_hours"`
	Status          string     `json:"status"`
	StartedAt       *time.Time `json:"started_at"`
	DueAt           *time.Time `json:"due_at"`
	TimeLeftMinutes *int       `json:"time_left_minutes"`
	ElapsedMinutes  int        `json:"elapsed_minutes"`
	PausedSince     *time.Time `json:"paused_since"`
	BreachedAt      *time.Time `json:"breached_at"`
	AchievedAt      *time.Time `json:"achieved_at"`
}

// View is the SLA picture of a ticket at one moment: Zendesk's computed
// ticket metrics plus the active policy's targets.
type View struct {
	TicketID   int64          `json:"ticket_id"`
	At         time.Time      `json:"at"`
	PolicyID   int64          `json:"policy_id,omitzero"`
	Policy     string         `json:"policy_title,omitempty"`
	ScheduleID int64          `json:"schedule_id,omitzero"`
	Schedule   string         `json:"schedule_name,omitempty"`
	Zendesk    ZendeskMetrics `json:"-"`
	Metrics    []MetricView   `json:"metrics"`
}

// View evaluates a ticket's SLA state now, without writing anything.
func (s *Service) View(ctx context.Context, ticketID int64) (out *View, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		ev, err := s.evaluate(ctx, tx, ticketID, tx.Now)
		if err != nil {
			return err
		}
		v := &View{TicketID: ticketID, At: tx.Now, Metrics: []MetricView{}}
		if ev.policy != nil {
			v.PolicyID, v.Policy = ev.policy.ID, ev.policy.Title
		}
		if ev.schedule != nil {
			v.ScheduleID, v.Schedule = ev.schedule.ID, ev.schedule.Name
		}
		v.Zendesk = ComputeZendesk(ev.events, ev.cal, tx.Now)
		for _, st := range ev.states {
			if st.Stage == StageNone {
				continue
			}
			m := MetricView{Metric: st.Metric, Priority: st.Priority, Target: st.Target, BusinessHours: st.BusinessHours,
				Status: string(st.Stage), DueAt: st.DueAt, ElapsedMinutes: st.ElapsedMinutes, PausedSince: st.PausedSince,
				BreachedAt: st.BreachedAt, AchievedAt: st.AchievedAt}
			if !st.StartedAt.IsZero() {
				m.StartedAt = ptr(st.StartedAt)
			}
			if st.Stage == StageActive || st.Stage == StagePaused || (st.Stage == StageBreached && st.CompletedAt == nil) {
				left := int(st.TimeLeft / time.Minute)
				if st.TimeLeft < 0 && st.TimeLeft%time.Minute != 0 {
					left-- // round toward the past: 30 s overdue is -1
				}
				m.TimeLeftMinutes = &left
			}
			v.Metrics = append(v.Metrics, m)
		}
		out = v
		return nil
	})
	return out, err
}

// Running returns, per ticket, the stored metrics whose clock still counts:
// active, paused, or breached and not yet fulfilled (for list badges).
func (s *Service) Running(ctx context.Context, ticketIDs []int64) (map[int64][]TicketMetric, error) {
	out := map[int64][]TicketMetric{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		for _, id := range ticketIDs {
			ms, err := s.scanMetrics(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.Status == string(StageActive) || m.Status == string(StagePaused) || (m.Status == string(StageBreached) && m.DueAt != nil) {
					out[id] = append(out[id], m)
				}
			}
		}
		return nil
	})
	return out, err
}
