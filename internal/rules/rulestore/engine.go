package rulestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/frontline/frontline/internal/tags"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// ViaRule is the channel of ticket changes made by triggers and automations.
const ViaRule = "rule"

// systemActor makes rule changes.
var systemActor = ticket.Actor{Role: "system"}

// lookups caches people, group and organization facts for one transaction.
type lookups struct {
	s      *Store
	ctx    context.Context
	tx     *db.Tx
	orgs   map[int64][2]string
	users  map[int64]userInfo
	groups map[int64]string
}

type userInfo struct {
	name, email, role string
	active, ok        bool
}

func (s *Store) lookups(ctx context.Context, tx *db.Tx) *lookups {
	return &lookups{s: s, ctx: ctx, tx: tx, orgs: map[int64][2]string{}, users: map[int64]userInfo{}, groups: map[int64]string{}}
}

func (l *lookups) org(id int64) ([2]string, error) {
	if id == 0 {
		return [2]string{}, nil
	}
	if v, ok := l.orgs[id]; ok {
		return v, nil
	}
	var v [2]string
	err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("OrgPlanTier"), id).Scan(&v[0], &v[1])
	if err != nil && !isNoRows(err) {
		return v, err
	}
	l.orgs[id] = v
	return v, nil
}

func (l *lookups) user(id int64) (userInfo, error) {
	if id <= 0 {
		return userInfo{}, nil
	}
	if v, ok := l.users[id]; ok {
		return v, nil
	}
	var u userInfo
	err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("UserNameEmailRole"), id).Scan(&u.name, &u.email, &u.role, &u.active)
	if err != nil && !isNoRows(err) {
		return u, err
	}
	u.ok = err == nil
	l.users[id] = u
	return u, nil
}

func (l *lookups) group(id int64) (string, error) {
	if id <= 0 {
		return "", nil
	}
	if v, ok := l.groups[id]; ok {
		return v, nil
	}
	var name string
	err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("GroupName"), id).Scan(&name)
	if err != nil && !isNoRows(err) {
		return "", err
	}
	l.groups[id] = name
	return name, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// customValue renders a custom field value as rules compare it.
func customValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case json.Number:
		return x.String()
	case []string:
		return strings.Join(x, " ")
	case []int64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(parts, " ")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, customValue(e))
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v)
}

// snapshot converts a stored ticket into what rules evaluate, with its SLA
// state and history times as stored now.
func (l *lookups) snapshot(t *ticket.Ticket) (rules.Ticket, error) {
	out, err := l.fields(t)
	if err != nil {
		return out, err
	}
	return out, l.times(&out)
}

// fields converts the ticket's own fields (and its organization's plan and
// tier): what a "before" snapshot needs for change conditions.
func (l *lookups) fields(t *ticket.Ticket) (rules.Ticket, error) {
	out := rules.Ticket{
		ID: t.ID, Subject: t.Subject, Status: t.Status,
		// Rules only show the description in notifications and webhooks,
		// which leave the desk: the customer's description (never an
		// internal first comment).
		Description: t.CustomerDescription(),
		Priority:    deref(t.Priority), Type: deref(t.Type),
		GroupID: deref(t.GroupID), AssigneeID: deref(t.AssigneeID), RequesterID: t.RequesterID,
		SubmitterID: t.SubmitterID, OrganizationID: deref(t.OrganizationID),
		Tags: slices.Clone(t.Tags), Channel: t.Via.Channel,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, SolvedAt: deref(t.SolvedAt), DueAt: deref(t.DueAt),
	}
	if len(t.CustomFields) > 0 {
		out.CustomFields = map[int64]string{}
		for _, cf := range t.CustomFields {
			out.CustomFields[cf.ID] = customValue(cf.Value)
		}
	}
	o, err := l.org(out.OrganizationID)
	if err != nil {
		return out, err
	}
	out.OrgPlan, out.OrgTier = o[0], o[1]
	return out, nil
}

// times adds the SLA state and the times kept in the ticket's history.
func (l *lookups) times(out *rules.Ticket) error {
	if err := l.slaState(out); err != nil {
		return err
	}
	var pending, assigned, reqUpd, asgUpd sql.NullInt64
	if err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("TicketTimes"), out.ID).Scan(&pending, &assigned, &reqUpd, &asgUpd); err != nil {
		return err
	}
	for _, x := range []struct {
		v   sql.NullInt64
		dst *time.Time
	}{{pending, &out.PendingAt}, {assigned, &out.AssignedAt}, {reqUpd, &out.RequesterUpdatedAt}, {asgUpd, &out.AssigneeUpdatedAt}} {
		if x.v.Valid {
			*x.dst = db.FromMicros(x.v.Int64)
		}
	}
	return nil
}

// slaState adds the ticket's SLA state: breached, next and last breach.
func (l *lookups) slaState(out *rules.Ticket) error {
	var next, last sql.NullInt64
	if err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("TicketSLA"), out.ID).Scan(&out.SLABreached, &next, &last); err != nil {
		return err
	}
	for _, x := range []struct {
		v   sql.NullInt64
		dst *time.Time
	}{{next, &out.SLANextBreachAt}, {last, &out.SLALastBreachAt}} {
		if x.v.Valid {
			*x.dst = db.FromMicros(x.v.Int64)
		}
	}
	return nil
}

// placeholders fills names for the people, groups and organizations a
// rule run may mention: the ticket's and those named by actions.
func (l *lookups) placeholders(t rules.Ticket, currentUser int64, actions [][]rules.Action) (rules.PlaceholderData, error) {
	d := rules.PlaceholderData{
		TicketURL:     l.s.opt.BaseURL + "/agent/tickets/" + strconv.FormatInt(t.ID, 10),
		AccountName:   l.s.opt.AccountName,
		Users:         map[int64]rules.Person{},
		Groups:        map[int64]string{},
		Organizations: map[int64]string{},
	}
	users := []int64{t.RequesterID, t.SubmitterID, t.AssigneeID, currentUser}
	groups := []int64{t.GroupID}
	for _, acts := range actions {
		for _, a := range acts {
			id, err := strconv.ParseInt(strings.TrimSpace(fmt.Sprint(a.Value)), 10, 64)
			if err != nil {
				continue
			}
			switch a.Field {
			case "assignee_id":
				users = append(users, id)
			case "group_id":
				groups = append(groups, id)
			}
		}
	}
	for _, id := range users {
		u, err := l.user(id)
		if err != nil {
			return d, err
		}
		if u.ok {
			d.Users[id] = rules.Person{Name: u.name, Email: u.email}
		}
	}
	for _, id := range groups {
		name, err := l.group(id)
		if err != nil {
			return d, err
		}
		if name != "" {
			d.Groups[id] = name
		}
	}
	if t.OrganizationID != 0 {
		var name string
		err := l.tx.QueryRowContext(l.ctx, l.s.q.Get("OrgName"), t.OrganizationID).Scan(&name)
		if err != nil && !isNoRows(err) {
			return d, err
		}
		d.Organizations[t.OrganizationID] = name
	}
	return d, nil
}

// updateFor turns the difference between two snapshots into a ticket
// update; ok is false when nothing changed.
func updateFor(before, after rules.Ticket, via ticket.Via) (ticket.UpdateInput, bool) {
	var in ticket.UpdateInput
	changed := false
	if after.Status != before.Status {
		in.Status, changed = &after.Status, true
	}
	if after.Priority != before.Priority {
		in.Priority, changed = &after.Priority, true
	}
	if after.Type != before.Type {
		in.Type, changed = &after.Type, true
	}
	if after.GroupID != before.GroupID {
		in.GroupID, changed = &after.GroupID, true
	}
	if after.AssigneeID != before.AssigneeID {
		in.AssigneeID, changed = &after.AssigneeID, true
	}
	if after.Subject != before.Subject {
		in.Subject, changed = &after.Subject, true
	}
	if !slices.Equal(tags.Normalize(after.Tags), tags.Normalize(before.Tags)) {
		tags := slices.Clone(after.Tags)
		in.Tags, changed = &tags, true
	}
	for _, id := range slices.Sorted(maps.Keys(after.CustomFields)) {
		if v := after.CustomFields[id]; v != before.CustomFields[id] {
			in.CustomFields = append(in.CustomFields, ticket.CustomField{ID: id, Value: v})
			changed = true
		}
	}
	in.Via = &via
	return in, changed
}

func ruleVia(rel string, ids []int64) ticket.Via {
	return ticket.Via{Channel: ViaRule, Source: map[string]any{"rel": rel, "from": map[string]any{"ids": ids}}}
}

func actionsOf[T any](rs []T, get func(T) []rules.Action) [][]rules.Action {
	out := make([][]rules.Action, len(rs))
	for i, r := range rs {
		out[i] = get(r)
	}
	return out
}

// onTicketChange runs the active triggers for a ticket create or update
// inside its transaction. Changes made by triggers themselves (and by other
// hooks) arrive with Depth > 0 and are not run again: RunTriggers already
// re-evaluates after each firing, as Zendesk does, with its own loop cap.
func (s *Store) onTicketChange(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if c.Depth > 0 {
		return nil
	}
	l := s.lookups(ctx, tx)
	if err := s.runTriggers(ctx, tx, l, c); err != nil {
		return err
	}
	if c.Created() && c.Ticket.ID > 0 {
		return nil // automations have not fired on a ticket that did not exist
	}
	return s.clearStaleMarkers(ctx, tx, l, c.Ticket.ID)
}

func (s *Store) runTriggers(ctx context.Context, tx *db.Tx, l *lookups, c *ticket.Change) error {
	trigs, err := s.activeTriggers(ctx, tx)
	if err != nil || len(trigs) == 0 {
		return err
	}
	// Triggers see the ticket's fields and SLA state; the times kept in
	// its history (pending, assigned, last updates) feed only time-based
	// conditions, which triggers cannot have, so their audit query is not
	// run on every ticket write.
	after, err := l.fields(c.Ticket)
	if err != nil {
		return err
	}
	if err := l.slaState(&after); err != nil {
		return err
	}
	var before rules.Ticket
	if c.Prev != nil {
		if before, err = l.fields(c.Prev); err != nil {
			return err
		}
	}
	role := c.Actor.Role
	if c.Actor.UserID > 0 {
		if u, err := l.user(c.Actor.UserID); err != nil {
			return err
		} else if u.ok {
			role = u.role
		}
	}
	upd := rules.Update{IsNew: c.Created(), CurrentUserID: c.Actor.UserID, CurrentUserRole: role, At: tx.Now}
	if role == "system" {
		upd.CurrentUserRole = ""
	}
	if c.Audit != nil {
		upd.Via = c.Audit.Via.Channel
	}
	if c.Comment != nil {
		body := c.Comment.PlainBody
		if strings.TrimSpace(body) == "" {
			body = c.Comment.Body
		}
		author, err := l.user(c.Comment.AuthorID)
		if err != nil {
			return err
		}
		upd.Comment = &rules.Comment{Body: body, Public: c.Comment.Public, AuthorRole: author.role}
	}
	if upd.Data, err = l.placeholders(after, c.Actor.UserID, actionsOf(trigs, func(t rules.Trigger) []rules.Action { return t.Actions })); err != nil {
		return err
	}
	res, err := rules.RunTriggers(trigs, before, after, upd)
	if len(res.Invalid) > 0 {
		s.log.Warn("invalid triggers skipped", "ticket", c.Ticket.ID, "triggers", res.Invalid)
	}
	var loop *rules.LoopError
	if errors.As(err, &loop) {
		s.log.Error("trigger loop: no trigger changes applied", "ticket", c.Ticket.ID, "limit", loop.Limit, "fired", res.Fired)
		return nil
	} else if err != nil {
		return err
	}
	if len(res.Fired) == 0 {
		return nil
	}
	if in, changed := updateFor(after, res.Ticket, ruleVia("trigger", res.Fired)); changed {
		if _, _, err := s.tickets.UpdateTx(ctx, tx, systemActor, c.Ticket.ID, in); err != nil {
			if errs.Is(err, errs.KindInvalid) {
				s.log.Warn("trigger changes rejected; none applied", "ticket", c.Ticket.ID, "triggers", res.Fired, "err", err)
				return nil
			}
			return err
		}
	}
	return s.enqueueEffects(ctx, tx, l, c.Ticket.ID, c.Ticket.CollaboratorIDs, res.Effects)
}

// enqueueEffects writes notifications to the outbox and webhook calls to
// the delivery queue, in tx.
func (s *Store) enqueueEffects(ctx context.Context, tx *db.Tx, l *lookups, ticketID int64, ccs []int64, effects []rules.Effect) error {
	hooks := false
	for _, e := range effects {
		switch e.Kind {
		case rules.EffectNotifyUser:
			to := []int64{e.UserID}
			if e.Recipient == "requester_and_ccs" {
				to = append(to, ccs...)
			}
			for _, id := range to {
				u, err := l.user(id)
				if err != nil {
					return err
				}
				if !u.ok || !u.active || u.email == "" {
					continue
				}
				if ok, err := s.seesTicket(ctx, tx, id, ticketID); err != nil {
					return err
				} else if !ok {
					continue
				}
				if err := s.insertNotification(ctx, tx, ticketID, e, id, u.email); err != nil {
					return err
				}
			}
		case rules.EffectNotifyGroup:
			rows, err := tx.QueryContext(ctx, s.q.Get("GroupAgents"), e.GroupID)
			if err != nil {
				return err
			}
			type rcpt struct {
				id    int64
				email string
			}
			var to []rcpt
			for rows.Next() {
				var r rcpt
				var name string
				if err := rows.Scan(&r.id, &name, &r.email); err != nil {
					rows.Close()
					return err
				}
				to = append(to, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range to {
				if ok, err := s.seesTicket(ctx, tx, r.id, ticketID); err != nil {
					return err
				} else if !ok {
					continue
				}
				if err := s.insertNotification(ctx, tx, ticketID, e, r.id, r.email); err != nil {
					return err
				}
			}
		case rules.EffectWebhook:
			id, err := strconv.ParseInt(e.WebhookID, 10, 64)
			if err != nil {
				s.log.Warn("webhook action names an unknown webhook", "webhook", e.WebhookID, "rule", e.RuleID)
				continue
			}
			w, err := s.getWebhook(ctx, tx, id)
			if errs.Is(err, errs.KindNotFound) {
				s.log.Warn("webhook action names an unknown webhook", "webhook", e.WebhookID, "rule", e.RuleID)
				continue
			} else if err != nil {
				return err
			}
			if w.Status != "active" {
				continue
			}
			if s.opt.Partition != nil {
				restricted, err := s.opt.Partition.TicketRestrictedTx(ctx, tx, ticketID)
				if err != nil {
					return err
				}
				if restricted {
					s.log.Info("webhook not called for a restricted ticket", "webhook", id, "rule", e.RuleID)
					continue
				}
			}
			payload := e.Body
			if strings.TrimSpace(payload) == "" {
				payload = fmt.Sprintf(`{"ticket":{"id":%d}}`, ticketID)
			}
			var did int64
			if err := tx.QueryRowContext(ctx, s.q.Get("InsertDelivery"), id, ticketID, e.RuleID, payload, db.TS(tx.Now)).Scan(&did); err != nil {
				return err
			}
			if err := s.scheduleDelivery(ctx, tx, did, tx.Now); err != nil {
				return err
			}
			hooks = true
		}
	}
	if hooks {
		tx.AfterCommit(s.poke)
	}
	return nil
}

// seesTicket reports whether userID may receive the ticket's text
// (restricted partitions: outsiders get no notification).
func (s *Store) seesTicket(ctx context.Context, tx *db.Tx, userID, ticketID int64) (bool, error) {
	if s.opt.Partition == nil {
		return true, nil
	}
	return s.opt.Partition.SeesTicketTx(ctx, tx, userID, ticketID)
}

func (s *Store) insertNotification(ctx context.Context, tx *db.Tx, ticketID int64, e rules.Effect, userID int64, email string) error {
	n := Notification{TicketID: ticketID, RuleID: e.RuleID, UserID: userID, Email: email, Subject: e.Subject, Body: e.Body, Status: "pending"}
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertNotification"), ticketID, e.RuleID, userID, email, e.Subject, e.Body,
		db.TS(tx.Now)).Scan(&n.ID); err != nil {
		return err
	}
	if s.opt.Notifier == nil {
		return nil
	}
	if err := s.opt.Notifier.NotifyTx(ctx, tx, n); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.q.Get("MarkNotification"), n.ID, "sent", db.TS(tx.Now))
	return err
}

// firedAutomations lists the automations with a fired marker on a ticket.
func (s *Store) firedAutomations(ctx context.Context, tx *db.Tx, ticketID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("FiredAutomations"), ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// clearStaleMarkers re-arms automations whose conditions no longer hold on
// the ticket after a change (Zendesk: an automation fires once per ticket
// unless its conditions were nullified in between).
func (s *Store) clearStaleMarkers(ctx context.Context, tx *db.Tx, l *lookups, ticketID int64) error {
	fired, err := s.firedAutomations(ctx, tx, ticketID)
	if err != nil || len(fired) == 0 {
		return err
	}
	t, err := s.tickets.GetTx(ctx, tx, ticketID)
	if err != nil {
		return err
	}
	snap, err := l.snapshot(t)
	if err != nil {
		return err
	}
	for _, id := range fired {
		rec, err := s.getRecord(ctx, tx, KindAutomation, id)
		if err != nil {
			return err
		}
		a, err := automationCodec().fromRecord(rec)
		if err != nil {
			return err
		}
		if rules.MarkerStale(a, snap, tx.Now) {
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteFiring"), id, ticketID); err != nil {
				return err
			}
		}
	}
	return nil
}
