package incident

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/ticket"
)

//go:embed queries.sql
var sqlFiles embed.FS

// OnCall answers who is on call on a schedule at a moment (the oncall
// package's schedules; a fixed table in tests).
type OnCall interface {
	OnCallAt(ctx context.Context, scheduleID int64, at time.Time) ([]int64, error)
}

// ScheduleChecker is an OnCall that can tell whether a schedule exists
// (oncall.Store): a policy's schedule targets are then checked.
type ScheduleChecker interface {
	HasSchedule(ctx context.Context, id int64) (bool, error)
}

// Mailer puts a message into the durable mail outbox inside a transaction
// (mail.Store.EnqueueTx).
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *mail.Outbound) error
}

// Options wire a Store.
type Options struct {
	OnCall OnCall
	// Mail and From send email pages; without them pages are recorded and
	// posted to chat webhooks only.
	Mail Mailer
	From mail.Address
	// BaseURL is the public URL of this server (links in pages).
	BaseURL string
	// HTTPClient posts chat webhooks (default: 10 s timeout).
	HTTPClient *http.Client
	Log        *slog.Logger
}

// Store keeps escalation policies, services and incidents and pages people.
type Store struct {
	d     *db.DB
	q     *db.Queries
	audit *audit.Log
	opt   Options
	jobs  *jobs.Queue

	// byKey caches services by integration key for the Events API (a
	// service's key and policy never change; a miss reads the database).
	byKey sync.Map

	// mu guards ahead: the wake-up moments (unix seconds) this node has
	// scheduled in committed transactions and that are not yet due.
	mu    sync.Mutex
	ahead map[int64]bool

	// partition names the brands hidden from a context's caller (partition.go)
	partition PartitionOf

	// customer emergencies (SetEmergencies)
	tickets *ticket.Store
	ase     ASEFinder
	mailbox string
}

// NewStore returns the incident store of d.
func NewStore(d *db.DB, a *audit.Log, opt Options) *Store {
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, opt: opt}
}

// SetOnCall replaces the on-call source (wiring).
func (s *Store) SetOnCall(o OnCall) { s.opt.OnCall = o }

// ---------------------------------------------------------------- policies

func (s *Store) writeRules(ctx context.Context, tx *db.Tx, id int64, rules []Rule) error {
	for i, r := range rules {
		var rid int64
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertRule"), id, i, r.DelayMinutes).Scan(&rid); err != nil {
			return err
		}
		seen := map[Target]bool{}
		for _, t := range r.Targets {
			if seen[t] {
				continue
			}
			seen[t] = true
			if t.Kind == TargetUser {
				var ok bool
				err := tx.QueryRowContext(ctx, "SELECT active FROM users WHERE id = $1 AND role IN ('agent', 'admin')", t.ID).Scan(&ok)
				if errors.Is(err, sql.ErrNoRows) || (err == nil && !ok) {
					return errs.Invalid("escalation_rules", fmt.Sprintf("Escalation rule: user %d is not an active agent", t.ID))
				}
				if err != nil {
					return err
				}
			}
			if sc, ok := s.opt.OnCall.(ScheduleChecker); ok && t.Kind == TargetSchedule {
				has, err := sc.HasSchedule(ctx, t.ID)
				if err != nil {
					return err
				}
				if !has {
					return errs.Invalid("escalation_rules", fmt.Sprintf("Escalation rule: schedule %d does not exist", t.ID))
				}
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertTarget"), rid, t.Kind, t.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreatePolicy adds an escalation policy.
func (s *Store) CreatePolicy(ctx context.Context, actor audit.Actor, in PolicyInput) (*Policy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertPolicy"), in.Name, in.Description, in.NumLoops, db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "escalation policy")
		}
		if err := s.writeRules(ctx, tx, id, in.Rules); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "escalation_policy.created", "escalation_policy", id, nil, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Policy(ctx, id)
}

// UpdatePolicy replaces a policy's name, levels and repeat count. Running
// escalations take the new levels from their next step.
func (s *Store) UpdatePolicy(ctx context.Context, actor audit.Actor, id int64, in PolicyInput) (*Policy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	before, err := s.Policy(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdatePolicy"), id, in.Name, in.Description, in.NumLoops, db.TS(tx.Now)); err != nil {
			return db.MapError(err, "escalation policy")
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteTargets"), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteRules"), id); err != nil {
			return err
		}
		if err := s.writeRules(ctx, tx, id, in.Rules); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "escalation_policy.updated", "escalation_policy", id, before, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Policy(ctx, id)
}

func (s *Store) readPolicies(ctx context.Context, query string, args []any, rulesQuery string, rulesArgs []any) ([]Policy, error) {
	var ps []Policy
	idx := map[int64]int{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p Policy
			var loops int64
			if err := rows.Scan(&p.ID, &p.Name, &p.Description, &loops, db.Time(&p.CreatedAt), db.Time(&p.UpdatedAt)); err != nil {
				rows.Close()
				return err
			}
			p.NumLoops, p.Rules = int(loops), []Rule{}
			idx[p.ID] = len(ps)
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, rulesQuery, rulesArgs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rid, pid, delay, tid int64
			var kind string
			if err := rows.Scan(&rid, &pid, &delay, &kind, &tid); err != nil {
				return err
			}
			i, ok := idx[pid]
			if !ok {
				continue
			}
			p := &ps[i]
			if n := len(p.Rules); n == 0 || p.Rules[n-1].ID != rid {
				p.Rules = append(p.Rules, Rule{ID: rid, DelayMinutes: int(delay), Targets: []Target{}})
			}
			if kind != "" {
				r := &p.Rules[len(p.Rules)-1]
				r.Targets = append(r.Targets, Target{Kind: kind, ID: tid})
			}
		}
		return rows.Err()
	})
	return ps, err
}

// Policies lists every escalation policy with its levels.
func (s *Store) Policies(ctx context.Context) ([]Policy, error) {
	return s.readPolicies(ctx, s.q.Get("ListPolicies"), nil, s.q.Get("PolicyRules"), nil)
}

// Policy returns one policy.
func (s *Store) Policy(ctx context.Context, id int64) (*Policy, error) {
	ps, err := s.readPolicies(ctx, s.q.Get("GetPolicy"), []any{id}, s.q.Get("PolicyRulesOf"), []any{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errs.NotFound("escalation policy")
	}
	return &ps[0], nil
}

// PolicyByName returns the id of the policy named name (0 when none).
func (s *Store) PolicyByName(ctx context.Context, name string) (int64, error) {
	var id int64
	err := s.d.QueryRow(ctx, s.q.Get("PolicyByName"), []any{name}, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ---------------------------------------------------------------- services

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func scanService(r db.Scanner) (*Service, error) {
	var v Service
	err := r.Scan(&v.ID, &v.Name, &v.Description, &v.EscalationPolicyID, &v.IntegrationKey, &v.Kind, db.Time(&v.CreatedAt), db.Time(&v.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("service")
	}
	return &v, err
}

// CreateService adds a service with a fresh integration key (32 hex digits,
// as PagerDuty's).
func (s *Store) CreateService(ctx context.Context, actor audit.Actor, in ServiceInput) (*Service, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM escalation_policies WHERE id = $1", in.EscalationPolicyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("escalation_policy_id", "Service rule: the escalation policy does not exist")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertService"), in.Name, in.Description, in.EscalationPolicyID, newKey(), in.Kind,
			db.TS(tx.Now)).Scan(&id); err != nil {
			return db.MapError(err, "service")
		}
		return s.audit.Record(ctx, tx, actor, "incident_service.created", "incident_service", id, nil, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Service(ctx, id)
}

// Services lists the services.
func (s *Store) Services(ctx context.Context) ([]Service, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListServices"), nil, scanService)
}

// Service returns one service.
func (s *Store) Service(ctx context.Context, id int64) (*Service, error) {
	return scanService(s.d.R.QueryRowContext(ctx, s.q.Get("GetService"), id))
}

// ServiceByName returns the service named name.
func (s *Store) ServiceByName(ctx context.Context, name string) (*Service, error) {
	return scanService(s.d.R.QueryRowContext(ctx, s.q.Get("ServiceByName"), name))
}

// ServiceByKey returns the service whose integration key is key.
func (s *Store) ServiceByKey(ctx context.Context, key string) (*Service, error) {
	if v, ok := s.byKey.Load(key); ok {
		return v.(*Service), nil
	}
	svc, err := scanService(s.d.R.QueryRowContext(ctx, s.q.Get("ServiceByKey"), key))
	if err == nil {
		s.byKey.Store(key, svc)
	}
	return svc, err
}

// ---------------------------------------------------------------- incidents

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, " ")
}

func splitIDs(s string) []int64 {
	ids := []int64{}
	for _, f := range strings.Fields(s) {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

type incidentRow struct {
	Incident
	gen int
}

func scanIncident(r db.Scanner) (*incidentRow, error) {
	var v incidentRow
	var sev, step, gen, level int64
	var ticket, org, ackBy, resBy sql.NullInt64
	var assignees string
	err := r.Scan(&v.ID, &v.ServiceID, &v.ServiceName, &v.EscalationPolicyID, &v.Title, &v.Description, &v.Status, &v.Urgency, &sev,
		&v.Source, &v.IncidentKey, &v.Public, &v.PublicState, &ticket, &org, &step, &gen, &level, &assignees,
		db.Time(&v.CreatedAt), db.Time(&v.UpdatedAt), db.TimePtr(&v.AcknowledgedAt), &ackBy, db.TimePtr(&v.ResolvedAt), &resBy,
		db.TimePtr(&v.NextUpdateDue))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("incident")
	}
	if err != nil {
		return nil, err
	}
	v.Severity, v.Step, v.gen, v.Level = int(sev), int(step), int(gen), int(level)
	v.TicketID, v.OrganizationID, v.AcknowledgedBy, v.ResolvedBy = db.IDPtr(ticket), db.IDPtr(org), db.IDPtr(ackBy), db.IDPtr(resBy)
	v.Assignees = splitIDs(assignees)
	return &v, nil
}

// Get returns one incident.
func (s *Store) Get(ctx context.Context, id int64) (*Incident, error) {
	r, err := scanIncident(s.d.R.QueryRowContext(ctx, s.q.Get("GetIncident"), id))
	if err != nil {
		return nil, err
	}
	return &r.Incident, nil
}

func (s *Store) getTx(ctx context.Context, tx *db.Tx, id int64) (*incidentRow, error) {
	return scanIncident(tx.QueryRowContext(ctx, s.q.Get("GetIncident"), id))
}

func (s *Store) log(ctx context.Context, tx *db.Tx, id int64, typ string, user *int64, channel, summary string) error {
	_, err := tx.ExecContext(ctx, s.q.Get("InsertLog"), id, typ, db.NullID(user), channel, summary, db.TS(tx.Now))
	return err
}

func actorID(a audit.Actor) *int64 {
	if a.ID == 0 {
		return nil
	}
	id := a.ID
	return &id
}

// Trigger opens an incident on a service, unless one with the same dedup
// key is open there: then it notes the repeated trigger on that one and
// returns it with created false. Across nodes the unique index on the open
// key decides; the loser reads the winner's incident.
func (s *Store) Trigger(ctx context.Context, actor audit.Actor, in TriggerInput) (*Incident, bool, error) {
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	if in.Key == "" {
		in.Key = newKey()
	}
	var id int64
	var created bool
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.d.Write(ctx, func(tx *db.Tx) error {
			id, created = 0, false
			var e error
			id, created, e = s.triggerTx(ctx, tx, actor, in)
			return e
		})
		if !db.IsUnique(err) {
			break
		}
	}
	if err != nil {
		return nil, false, err
	}
	inc, err := s.Get(ctx, id)
	return inc, created, err
}

func (s *Store) triggerTx(ctx context.Context, tx *db.Tx, actor audit.Actor, in TriggerInput) (int64, bool, error) {
	svc, err := scanService(tx.QueryRowContext(ctx, s.q.Get("GetService"), in.ServiceID))
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return 0, false, errs.Invalid("service_id", "Service rule: the service does not exist")
		}
		return 0, false, err
	}
	return s.triggerOn(ctx, tx, actor, svc, in)
}

// triggerOn is triggerTx on a service already read.
func (s *Store) triggerOn(ctx context.Context, tx *db.Tx, actor audit.Actor, svc *Service, in TriggerInput) (int64, bool, error) {
	open, err := scanIncident(tx.QueryRowContext(ctx, s.q.Get("OpenByKey"), svc.ID, in.Key))
	if err == nil {
		return open.ID, false, s.log(ctx, tx, open.ID, "trigger", actorID(actor), in.Source, "Triggered again (deduplicated): "+in.Title)
	}
	if !errs.Is(err, errs.KindNotFound) {
		return 0, false, err
	}
	var due any
	if in.Source == SourceMonitoring || svc.Kind == "monitoring" || in.Public {
		due = db.TS(tx.Now.Add(UpdateInterval(in.Severity, Investigating)))
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertIncident"), svc.ID, svc.EscalationPolicyID, in.Title, in.Description, in.Urgency,
		in.Severity, in.Source, in.Key, in.Public, db.NullID(in.TicketID), db.NullID(in.OrganizationID), db.TS(tx.Now), due).Scan(&id); err != nil {
		return 0, false, err
	}
	if err := s.log(ctx, tx, id, "trigger", actorID(actor), in.Source, "Triggered: "+in.Title); err != nil {
		return 0, false, err
	}
	if err := s.wake(tx, tx.Now); err != nil { // the first step, due at once
		return 0, false, err
	}
	if due != nil {
		if err := s.wake(tx, tx.Now.Add(UpdateInterval(in.Severity, Investigating))); err != nil {
			return 0, false, err
		}
	}
	if actor.ID != 0 {
		if err := s.audit.Record(ctx, tx, actor, "incident.triggered", "incident", id, nil, map[string]any{"title": in.Title, "service_id": svc.ID}); err != nil {
			return 0, false, err
		}
	}
	return id, true, nil
}

// Acknowledge stops the escalation of a triggered incident: nobody else is
// paged for it. Acknowledging an acknowledged incident changes nothing.
func (s *Store) Acknowledge(ctx context.Context, actor audit.Actor, id int64) (*Incident, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error { return s.acknowledgeTx(ctx, tx, actor, id, "web") })
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Store) acknowledgeTx(ctx context.Context, tx *db.Tx, actor audit.Actor, id int64, channel string) error {
	inc, err := s.getTx(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := CanMove(inc.Status, Acknowledged); err != nil {
		return err
	}
	if inc.Status == Acknowledged {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("Acknowledge"), id, db.TS(tx.Now), db.NullID(actorID(actor))); err != nil {
		return err
	}
	who := "Acknowledged"
	if actor.ID == 0 {
		who = "Acknowledged by " + channel
	}
	if err := s.log(ctx, tx, id, "acknowledge", actorID(actor), channel, who); err != nil {
		return err
	}
	if err := s.chat(ctx, tx, &inc.Incident, Acknowledged, "acknowledged"); err != nil {
		return err
	}
	if actor.ID != 0 {
		return s.audit.Record(ctx, tx, actor, "incident.acknowledged", "incident", id, nil, nil)
	}
	return nil
}

// Resolve closes an incident: its dedup key is free again and no page or
// reminder is sent for it any more.
func (s *Store) Resolve(ctx context.Context, actor audit.Actor, id int64) (*Incident, error) {
	err := s.d.Write(ctx, func(tx *db.Tx) error { return s.resolveTx(ctx, tx, actor, id, "web") })
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Store) resolveTx(ctx context.Context, tx *db.Tx, actor audit.Actor, id int64, channel string) error {
	inc, err := s.getTx(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := CanMove(inc.Status, Resolved); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q.Get("Resolve"), id, db.TS(tx.Now), db.NullID(actorID(actor))); err != nil {
		return err
	}
	if inc.Public && inc.PublicState != StateResolved {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertUpdate"), id, StateResolved, "This incident has been resolved.", db.NullID(actorID(actor)), db.TS(tx.Now)); err != nil {
			return err
		}
	}
	if err := s.log(ctx, tx, id, "resolve", actorID(actor), channel, "Resolved"); err != nil {
		return err
	}
	if err := s.chat(ctx, tx, &inc.Incident, Resolved, "resolved"); err != nil {
		return err
	}
	if actor.ID != 0 {
		return s.audit.Record(ctx, tx, actor, "incident.resolved", "incident", id, nil, nil)
	}
	return nil
}

// Reassign hands an open incident to users: they are paged now, the
// incident is triggered again (if it was acknowledged) and escalation
// continues from its current level after that level's delay.
func (s *Store) Reassign(ctx context.Context, actor audit.Actor, id int64, users []int64) (*Incident, error) {
	if len(users) == 0 {
		return nil, errs.Invalid("assignments", "Reassign rule: name at least one user")
	}
	now := s.d.Clock.Now()
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		inc, err := s.getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inc.Status == Resolved {
			return errs.Invalid("status", "Incident status rule: a resolved incident cannot be reassigned")
		}
		for _, u := range users {
			var ok bool
			err := tx.QueryRowContext(ctx, "SELECT active FROM users WHERE id = $1 AND role IN ('agent', 'admin')", u).Scan(&ok)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !ok) {
				return errs.Invalid("assignments", fmt.Sprintf("Reassign rule: user %d is not an active agent", u))
			}
			if err != nil {
				return err
			}
		}
		var step, gen, level int64
		if err := tx.QueryRowContext(ctx, s.q.Get("Retrigger"), id, joinIDs(users), db.TS(tx.Now)).Scan(&step, &gen, &level); err != nil {
			return err
		}
		if err := s.log(ctx, tx, id, "assign", actorID(actor), "web", "Reassigned to "+s.names(ctx, tx, users)); err != nil {
			return err
		}
		// Reassign pages use negative steps, one per reassignment.
		var n int64
		if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT step) FROM incident_pages WHERE incident_id = $1 AND step < 0", id).Scan(&n); err != nil {
			return err
		}
		inc.Status = Triggered
		if err := s.page(ctx, tx, &inc.Incident, -(n + 1), users); err != nil {
			return err
		}
		delay := time.Duration(0)
		if p, err := s.policyTx(ctx, tx, inc.EscalationPolicyID); err == nil && inc.Level > 0 && inc.Level <= len(p.Rules) {
			delay = time.Duration(p.Rules[inc.Level-1].DelayMinutes) * time.Minute
		}
		at := now.Add(delay)
		if _, err := tx.ExecContext(ctx, s.q.Get("SetNextStep"), id, db.TS(at)); err != nil {
			return err
		}
		if err := s.wake(tx, at); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "incident.reassigned", "incident", id, nil, map[string]any{"user_ids": users})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Store) policyTx(ctx context.Context, tx *db.Tx, id int64) (*Policy, error) {
	// Policies are small; read them outside the write transaction's
	// connection only on PostgreSQL-safe paths. Here: in tx.
	p := &Policy{ID: id}
	rows, err := tx.QueryContext(ctx, s.q.Get("PolicyRulesOf"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid, pid, delay, tid int64
		var kind string
		if err := rows.Scan(&rid, &pid, &delay, &kind, &tid); err != nil {
			return nil, err
		}
		if n := len(p.Rules); n == 0 || p.Rules[n-1].ID != rid {
			p.Rules = append(p.Rules, Rule{ID: rid, DelayMinutes: int(delay)})
		}
		if kind != "" {
			r := &p.Rules[len(p.Rules)-1]
			r.Targets = append(r.Targets, Target{Kind: kind, ID: tid})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var loops int64
	if err := tx.QueryRowContext(ctx, "SELECT num_loops FROM escalation_policies WHERE id = $1", id).Scan(&loops); err != nil {
		return nil, err
	}
	p.NumLoops = int(loops)
	return p, nil
}

func (s *Store) names(ctx context.Context, tx *db.Tx, ids []int64) string {
	var out []string
	for _, id := range ids {
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&name); err != nil {
			name = "user " + strconv.FormatInt(id, 10)
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}

// UserNames maps user ids to names (for API shapes).
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		var name string
		err := s.d.R.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		out[id] = name
	}
	return out, nil
}

// AddNote adds a note to an incident (and a line to its timeline).
func (s *Store) AddNote(ctx context.Context, actor audit.Actor, id int64, content string) (*Note, error) {
	content = strings.TrimSpace(content)
	if content == "" {
		return nil, errs.Invalid("content", "Note rule: a note has content")
	}
	if len(content) > 65536 {
		return nil, errs.Invalid("content", "Note rule: a note is at most 64 KB")
	}
	var nid int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.getTx(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertNote"), id, db.NullID(actorID(actor)), content, db.TS(tx.Now)).Scan(&nid); err != nil {
			return err
		}
		sum := content
		if len(sum) > 200 {
			sum = sum[:200] + "…"
		}
		return s.log(ctx, tx, id, "annotate", actorID(actor), "note", "Note: "+sum)
	})
	if err != nil {
		return nil, err
	}
	notes, err := s.Notes(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if n.ID == nid {
			return &n, nil
		}
	}
	return nil, errs.NotFound("note")
}

func scanNote(r db.Scanner) (*Note, error) {
	var n Note
	var uid sql.NullInt64
	if err := r.Scan(&n.ID, &n.IncidentID, &uid, &n.UserName, &n.Content, db.Time(&n.CreatedAt)); err != nil {
		return nil, err
	}
	n.UserID = db.IDPtr(uid)
	return &n, nil
}

// Notes lists an incident's notes, oldest first.
func (s *Store) Notes(ctx context.Context, id int64) ([]Note, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Notes"), []any{id}, scanNote)
}

func scanLog(r db.Scanner) (*LogEntry, error) {
	var l LogEntry
	var uid sql.NullInt64
	if err := r.Scan(&l.ID, &l.IncidentID, &l.Type, &uid, &l.UserName, &l.Channel, &l.Summary, db.Time(&l.CreatedAt)); err != nil {
		return nil, err
	}
	l.UserID = db.IDPtr(uid)
	return &l, nil
}

// Timeline lists an incident's log entries, oldest first.
func (s *Store) Timeline(ctx context.Context, id int64) ([]LogEntry, error) {
	return db.ReadList(ctx, s.d, s.q.Get("LogOf"), []any{id}, scanLog)
}

// LogFilter selects log entries across incidents.
type LogFilter struct {
	Since, Until *time.Time
	Limit        int
	Offset       int
}

// LogEntries lists log entries of every incident, newest first, with the
// total matching.
func (s *Store) LogEntries(ctx context.Context, f LogFilter) ([]LogEntry, int, error) {
	where, args := []string{"1=1"}, []any{}
	hidden, err := s.hiddenBrands(ctx)
	if err != nil {
		return nil, 0, err
	}
	if c := hiddenSQL(hidden); c != "" {
		where = append(where, "l.incident_id IN (SELECT i.id FROM incidents i WHERE "+c+")")
	}
	if f.Since != nil {
		args = append(args, db.TS(*f.Since))
		where = append(where, fmt.Sprintf("l.created_at >= $%d", len(args)))
	}
	if f.Until != nil {
		args = append(args, db.TS(*f.Until))
		where = append(where, fmt.Sprintf("l.created_at < $%d", len(args)))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.d.QueryRow(ctx, "SELECT count(*) FROM incident_log_entries l WHERE "+w, args, &total); err != nil {
		return nil, 0, err
	}
	q := fmt.Sprintf("SELECT %s FROM incident_log_entries l LEFT JOIN users u ON u.id = l.user_id WHERE %s ORDER BY l.id DESC LIMIT %d OFFSET %d",
		s.q.Get("LogColumns"), w, f.Limit, f.Offset)
	list, err := db.ReadList(ctx, s.d, q, args, scanLog)
	return list, total, err
}

// Filter selects incidents.
type Filter struct {
	Statuses    []string
	IncidentKey string
	ServiceIDs  []int64
	Since       *time.Time
	Until       *time.Time
	Limit       int // 0 = 25
	Offset      int
	OldestFirst bool
}

// List returns the incidents matching f, newest first (or oldest first),
// and how many match in all.
func (s *Store) List(ctx context.Context, f Filter) ([]Incident, int, error) {
	where, args := []string{"1=1"}, []any{}
	hidden, err := s.hiddenBrands(ctx)
	if err != nil {
		return nil, 0, err
	}
	if c := hiddenSQL(hidden); c != "" {
		where = append(where, c)
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, st := range f.Statuses {
			args = append(args, st)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "i.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.IncidentKey != "" {
		add("i.incident_key = ?", f.IncidentKey)
	}
	if len(f.ServiceIDs) > 0 {
		var ph []string
		for _, id := range f.ServiceIDs {
			args = append(args, id)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "i.service_id IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Since != nil {
		add("i.created_at >= ?", db.TS(*f.Since))
	}
	if f.Until != nil {
		add("i.created_at < ?", db.TS(*f.Until))
	}
	if f.Limit <= 0 {
		f.Limit = 25
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.d.QueryRow(ctx, "SELECT count(*) FROM incidents i WHERE "+w, args, &total); err != nil {
		return nil, 0, err
	}
	order := "DESC"
	if f.OldestFirst {
		order = "ASC"
	}
	q := fmt.Sprintf("SELECT %s FROM incidents i JOIN incident_services s ON s.id = i.service_id WHERE %s ORDER BY i.id %s LIMIT %d OFFSET %d",
		s.q.Get("IncidentColumns"), w, order, f.Limit, f.Offset)
	rows, err := db.ReadList(ctx, s.d, q, args, scanIncident)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Incident, len(rows))
	for i := range rows {
		out[i] = rows[i].Incident
	}
	return out, total, nil
}

// Page is one notification of one user.
type Page struct {
	ID        int64     `json:"id"`
	Step      int       `json:"step"`
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name"`
	CreatedAt time.Time `json:"created_at"`
}

// Pages lists who was paged for an incident, in order.
func (s *Store) Pages(ctx context.Context, id int64) ([]Page, error) {
	return db.ReadList(ctx, s.d, s.q.Get("PagesOf"), []any{id}, func(r db.Scanner) (*Page, error) {
		var p Page
		var step int64
		if err := r.Scan(&p.ID, &step, &p.UserID, &p.UserName, db.Time(&p.CreatedAt)); err != nil {
			return nil, err
		}
		p.Step = int(step)
		return &p, nil
	})
}

// ---------------------------------------------------------------- paging

// resolveTargets returns the users a level pages at t: its users, and who
// is on call on its schedules, each once, in order.
func (s *Store) resolveTargets(ctx context.Context, ts []Target, t time.Time) ([]int64, error) {
	var out []int64
	for _, tg := range ts {
		switch tg.Kind {
		case TargetUser:
			if !slices.Contains(out, tg.ID) {
				out = append(out, tg.ID)
			}
		case TargetSchedule:
			if s.opt.OnCall == nil {
				continue
			}
			ids, err := s.opt.OnCall.OnCallAt(ctx, tg.ID, t)
			if err != nil {
				return nil, fmt.Errorf("on call on schedule %d: %w", tg.ID, err)
			}
			for _, id := range ids {
				if !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
		}
	}
	return out, nil
}

// escalate takes step a.Step of an incident's escalation if it is still
// due: the incident is triggered, at that step and generation. The step is
// taken with a compare-and-set in the transaction that records its pages
// and schedules the next step, so a job run twice (a retry, a second node)
// pages nobody twice.
func (s *Store) escalate(ctx context.Context, a EscalateArgs) (bool, error) {
	inc, err := s.Get(ctx, a.IncidentID)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return false, nil
		}
		return false, err
	}
	if inc.Status != Triggered || inc.Step != a.Step {
		return false, nil
	}
	p, err := s.Policy(ctx, inc.EscalationPolicyID)
	if err != nil {
		return false, err
	}
	now := s.d.Clock.Now()
	lvl, ok := p.Level(a.Step)
	var users []int64
	if ok {
		if users, err = s.resolveTargets(ctx, p.Rules[lvl].Targets, now); err != nil {
			return false, err
		}
	}
	took := false
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		took = false
		level, assignees := inc.Level, joinIDs(inc.Assignees)
		var next any // the next step's time: none after the policy is exhausted
		var at time.Time
		if ok {
			level, assignees = lvl+1, joinIDs(users)
			if len(users) == 0 {
				assignees = joinIDs(inc.Assignees) // keep the last people paged
			}
			// The next step (after the last one: the note that the policy is
			// exhausted) when this level's delay has passed unacknowledged; at
			// once when nobody was on call.
			at = now.Add(time.Duration(p.Rules[lvl].DelayMinutes) * time.Minute)
			if len(users) == 0 {
				at = now
			}
			next = db.TS(at)
		}
		res, err := tx.ExecContext(ctx, s.q.Get("TakeStep"), a.IncidentID, a.Step, level, assignees, db.TS(tx.Now), a.Gen, next)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // acknowledged, resolved, reassigned or taken by another run
		}
		took = true
		if !ok {
			return s.log(ctx, tx, a.IncidentID, "escalate", nil, "", fmt.Sprintf("Escalation policy %q exhausted: nobody acknowledged", p.Name))
		}
		if a.Step == 0 && len(users) > 0 { // the shift the incident belongs to (handover.go)
			first := slices.Clone(users)
			slices.Sort(first)
			if _, err := tx.ExecContext(ctx, s.q.Get("RecordShift"), a.IncidentID, joinIDs(first)); err != nil {
				return err
			}
		}
		pass := a.Step/len(p.Rules) + 1
		sum := fmt.Sprintf("Escalated to level %d", lvl+1)
		if pass > 1 {
			sum += fmt.Sprintf(" (repeat %d)", pass-1)
		}
		if len(users) == 0 {
			sum += ": nobody on call, level skipped"
		}
		if err := s.log(ctx, tx, a.IncidentID, "escalate", nil, "", sum); err != nil {
			return err
		}
		inc.Status, inc.Level = Triggered, lvl+1
		if err := s.page(ctx, tx, inc, int64(a.Step), users); err != nil {
			return err
		}
		return s.wake(tx, at)
	})
	return took, err
}

// page notifies users of an incident at a step: a page row each (unique
// per incident, step and user), an email with a one-time acknowledge link,
// a timeline line, and the chat webhooks once per step.
func (s *Store) page(ctx context.Context, tx *db.Tx, inc *Incident, step int64, users []int64) error {
	var key []byte
	for _, u := range users {
		var pid int64
		err := tx.QueryRowContext(ctx, s.q.Get("InsertPage"), inc.ID, step, u, db.TS(tx.Now)).Scan(&pid)
		if errors.Is(err, sql.ErrNoRows) {
			continue // paged already at this step
		}
		if err != nil {
			return err
		}
		var name, email string
		var active bool
		if err := tx.QueryRowContext(ctx, s.q.Get("UserContact"), u).Scan(&name, &email, &active); err != nil {
			return err
		}
		uid := u
		channel := "web"
		if s.opt.Mail != nil && s.opt.From.Email != "" && active && email != "" {
			if key == nil {
				if key, err = s.secret(ctx, tx); err != nil {
					return err
				}
			}
			if err := s.opt.Mail.EnqueueTx(ctx, tx, 0, 0, s.pageMail(inc, pid, name, email, AckToken(key, pid))); err != nil {
				return err
			}
			channel = "email"
		}
		if err := s.log(ctx, tx, inc.ID, "notify", &uid, channel, "Paged "+name); err != nil {
			return err
		}
	}
	return s.chat(ctx, tx, inc, "step:"+strconv.FormatInt(step, 10), "paged: "+s.names(ctx, tx, users))
}

func (s *Store) link(inc *Incident) string {
	return strings.TrimRight(s.opt.BaseURL, "/") + "/incidents/" + strconv.FormatInt(inc.ID, 10)
}

// AckURL is the one-time acknowledge link of a token.
func (s *Store) AckURL(token string) string {
	return strings.TrimRight(s.opt.BaseURL, "/") + "/incidents/ack?token=" + token
}

func (s *Store) pageMail(inc *Incident, pageID int64, name, email, token string) *mail.Outbound {
	domain := "frontline.localhost"
	if _, d, ok := strings.Cut(s.opt.From.Email, "@"); ok {
		domain = d
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nyou are paged for incident #%d on %s (severity %d, %s):\n\n  %s\n\n", name, inc.ID, inc.ServiceName, inc.Severity, inc.Urgency, inc.Title)
	if inc.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", inc.Description)
	}
	fmt.Fprintf(&b, "Acknowledge (one click, works once): %s\nIncident: %s\n\nUnacknowledged, it escalates to the next level of its escalation policy.\n", s.AckURL(token), s.link(inc))
	return &mail.Outbound{
		From:      s.opt.From,
		To:        []mail.Address{{Name: name, Email: email}},
		Subject:   fmt.Sprintf("[Frontline] Incident #%d triggered: %s", inc.ID, inc.Title),
		Text:      b.String(),
		MessageID: fmt.Sprintf("frontline.incident%d.page%d@%s", inc.ID, pageID, domain),
		Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
	}
}

// secret returns the acknowledge-link key, made on first use.
func (s *Store) secret(ctx context.Context, tx *db.Tx) ([]byte, error) {
	var sec string
	err := tx.QueryRowContext(ctx, s.q.Get("Secret")).Scan(&sec)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertSecret"), newKey()+newKey()); err != nil {
			return nil, err
		}
		err = tx.QueryRowContext(ctx, s.q.Get("Secret")).Scan(&sec)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(sec)
}

// AckToken returns the acknowledge token of a page (tests and the UI).
func (s *Store) AckTokenOf(ctx context.Context, pageID int64) (string, error) {
	var tok string
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		key, err := s.secret(ctx, tx)
		tok = AckToken(key, pageID)
		return err
	})
	return tok, err
}

// AcknowledgeByToken acknowledges the incident of a signed page link as the
// paged user. A link works once; a forged or reused one is refused.
func (s *Store) AcknowledgeByToken(ctx context.Context, token string) (*Incident, error) {
	var id int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		key, err := s.secret(ctx, tx)
		if err != nil {
			return err
		}
		pid, err := ParseAckToken(key, token)
		if err != nil {
			return errs.Invalid("token", "Acknowledge link rule: the link is not valid")
		}
		var uid int64
		var used *time.Time
		if err := tx.QueryRowContext(ctx, s.q.Get("GetPage"), pid).Scan(&pid, &id, &uid, db.TimePtr(&used)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Invalid("token", "Acknowledge link rule: the link is not valid")
			}
			return err
		}
		res, err := tx.ExecContext(ctx, s.q.Get("UsePage"), pid, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Invalid("token", "Acknowledge link rule: the link was used already")
		}
		inc, err := s.getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inc.Status != Triggered {
			return nil // acknowledged or resolved meanwhile: the link did its job
		}
		var role string
		if err := tx.QueryRowContext(ctx, "SELECT role FROM users WHERE id = $1", uid).Scan(&role); err != nil {
			return err
		}
		return s.acknowledgeTx(ctx, tx, audit.Actor{ID: uid, Role: role}, id, "email")
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// ---------------------------------------------------------------- webhooks

// validWebhook checks a chat webhook's fields.
func validWebhook(w *Webhook) error {
	var v errs.Validation
	w.Name = strings.TrimSpace(w.Name)
	v.Check(w.Name != "", "name", "is required")
	v.Check(len(w.Name) <= 255, "name", "is longer than 255 characters")
	v.Check(w.Format == FormatSlack || w.Format == FormatTeams || w.Format == FormatMattermost, "format", "Webhook rule: the format is slack, teams or mattermost")
	u, err := neturl.Parse(w.URL)
	v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(w.URL) <= 2048, "url", "Webhook rule: the URL is an absolute http(s) URL")
	v.Check(w.ServiceID == nil || *w.ServiceID > 0, "service_id", "is an id")
	return v.Err()
}

// CreateWebhook adds a chat webhook (for every service when serviceID is nil).
func (s *Store) CreateWebhook(ctx context.Context, actor audit.Actor, name, format, url string, serviceID *int64) (*Webhook, error) {
	w := &Webhook{Name: name, Format: format, URL: url, ServiceID: serviceID, Active: true}
	if err := validWebhook(w); err != nil {
		return nil, err
	}
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertWebhook"), w.Name, w.Format, w.URL, db.NullID(serviceID), db.TS(tx.Now)).Scan(&w.ID); err != nil {
			return db.MapError(err, "service")
		}
		w.CreatedAt = tx.Now
		return s.audit.Record(ctx, tx, actor, "incident_webhook.created", "incident_webhook", w.ID, nil, map[string]any{"name": w.Name, "format": w.Format, "service_id": serviceID})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// WebhookChange changes a chat webhook: the fields given, the others kept.
// ForAllServices clears the service (the webhook then posts about every
// service's incidents).
type WebhookChange struct {
	Name           *string `json:"name"`
	Format         *string `json:"format"`
	URL            *string `json:"url"`
	ServiceID      *int64  `json:"service_id"`
	ForAllServices bool    `json:"-"`
	Active         *bool   `json:"active"`
}

// Webhook reads one chat webhook.
func (s *Store) Webhook(ctx context.Context, id int64) (*Webhook, error) {
	w, err := scanWebhook(s.d.R.QueryRowContext(ctx, s.q.Get("GetWebhook"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("chat webhook")
	}
	return w, err
}

// UpdateWebhook changes a chat webhook (audited, the URL left out of the
// log: it is the webhook's secret).
func (s *Store) UpdateWebhook(ctx context.Context, actor audit.Actor, id int64, c WebhookChange) (*Webhook, error) {
	var out *Webhook
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		w, err := scanWebhook(tx.QueryRowContext(ctx, s.q.Get("GetWebhook"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("chat webhook")
		}
		if err != nil {
			return err
		}
		before := map[string]any{"name": w.Name, "format": w.Format, "service_id": w.ServiceID, "active": w.Active}
		if c.Name != nil {
			w.Name = *c.Name
		}
		if c.Format != nil {
			w.Format = *c.Format
		}
		if c.URL != nil {
			w.URL = *c.URL
		}
		if c.ServiceID != nil {
			w.ServiceID = c.ServiceID
		}
		if c.ForAllServices {
			w.ServiceID = nil
		}
		if c.Active != nil {
			w.Active = *c.Active
		}
		if err := validWebhook(w); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("UpdateWebhook"), id, w.Name, w.Format, w.URL, db.NullID(w.ServiceID), w.Active); err != nil {
			return db.MapError(err, "service")
		}
		out = w
		after := map[string]any{"name": w.Name, "format": w.Format, "service_id": w.ServiceID, "active": w.Active, "url_changed": c.URL != nil}
		return s.audit.Record(ctx, tx, actor, "incident_webhook.updated", "incident_webhook", id, before, after)
	})
	return out, err
}

// DeleteWebhook removes a chat webhook and its delivery history; a
// delivery still queued finds nothing to send.
func (s *Store) DeleteWebhook(ctx context.Context, actor audit.Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		w, err := scanWebhook(tx.QueryRowContext(ctx, s.q.Get("GetWebhook"), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("chat webhook")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteWebhookDeliveries"), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteWebhook"), id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "incident_webhook.deleted", "incident_webhook", id, map[string]any{"name": w.Name, "format": w.Format}, nil)
	})
}

func scanWebhook(r db.Scanner) (*Webhook, error) {
	var w Webhook
	var svc sql.NullInt64
	if err := r.Scan(&w.ID, &w.Name, &w.Format, &w.URL, &svc, &w.Active, db.Time(&w.CreatedAt)); err != nil {
		return nil, err
	}
	w.ServiceID = db.IDPtr(svc)
	return &w, nil
}

// Webhooks lists the chat webhooks.
func (s *Store) Webhooks(ctx context.Context) ([]Webhook, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ListWebhooks"), nil, scanWebhook)
}

// chat queues one delivery per active webhook of the incident's service for
// event (unique per webhook, incident and event), each with its job.
func (s *Store) chat(ctx context.Context, tx *db.Tx, inc *Incident, event, what string) error {
	rows, err := tx.QueryContext(ctx, s.q.Get("ActiveWebhooks"), inc.ServiceID)
	if err != nil {
		return err
	}
	var hooks []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			rows.Close()
			return err
		}
		hooks = append(hooks, *w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	status := inc.Status
	if event == Acknowledged || event == Resolved {
		status = event
	}
	msg := ChatMessage{
		Title: fmt.Sprintf("[%s] Incident #%d: %s", strings.ToUpper(status[:1])+status[1:], inc.ID, inc.Title),
		Text:  fmt.Sprintf("%s — %s (severity %d)", inc.ServiceName, what, inc.Severity),
		Link:  s.link(inc), Color: statusColor(status),
	}
	for _, w := range hooks {
		body, err := ChatBody(w.Format, msg)
		if err != nil {
			return err
		}
		js, err := jsonString(body)
		if err != nil {
			return err
		}
		var did int64
		err = tx.QueryRowContext(ctx, s.q.Get("InsertDelivery"), w.ID, inc.ID, event, js, db.TS(tx.Now)).Scan(&did)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.schedule(tx, DeliverArgs{DeliveryID: did}, tx.Now); err != nil {
			return err
		}
	}
	return nil
}

// StepNow takes an incident's next escalation step at once, as its timer
// would (tools and the demo, which write without a job queue). It does
// nothing to an incident that is not triggered.
func (s *Store) StepNow(ctx context.Context, id int64) error {
	r, err := scanIncident(s.d.R.QueryRowContext(ctx, s.q.Get("GetIncident"), id))
	if err != nil {
		return err
	}
	_, err = s.escalate(ctx, EscalateArgs{IncidentID: id, Step: r.Step, Gen: r.gen})
	return err
}
