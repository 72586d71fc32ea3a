package rulestore

import (
	"context"
	"slices"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/ticket"
)

// candidateBatch is how many candidate ticket ids one query returns.
const candidateBatch = 500

// AutomationStats counts what one RunAutomations pass did.
type AutomationStats struct {
	Candidates int // tickets evaluated
	Fired      int // automation firings
	Updated    int // tickets changed
}

// RunAutomations evaluates the active automations at the clock's now. For
// each automation the candidate tickets come from SQL over indexed ticket
// columns (its conditions compiled like a view: status, times, ...; closed
// tickets excluded); an automation whose conditions cannot be expressed in
// SQL falls back to scanning the open tickets by id, in batches. Each
// candidate is then checked with rules.RunAutomations in its own
// transaction, its fired markers make each automation fire at most once per
// ticket, and the changes go through the ticket store (so triggers run on
// them, as in Zendesk) together with the notifications and webhook calls.
func (s *Store) RunAutomations(ctx context.Context) (AutomationStats, error) {
	var st AutomationStats
	autos, err := s.ListAutomations(ctx, true)
	if err != nil || len(autos) == 0 {
		return st, err
	}
	seen := map[int64]bool{}
	for _, a := range autos {
		vs := candidateSQL(a)
		if vs == nil {
			s.log.Info("automation conditions not expressible in SQL; scanning open tickets", "automation", a.ID)
		}
		var after int64
		for {
			ids, err := s.candidates(ctx, vs, after)
			if err != nil {
				return st, err
			}
			for _, id := range ids {
				if seen[id] {
					continue
				}
				seen[id] = true
				st.Candidates++
				fired, changed, err := s.automateTicket(ctx, autos, id)
				if err != nil {
					return st, err
				}
				st.Fired += fired
				if changed {
					st.Updated++
				}
			}
			if len(ids) < candidateBatch {
				break
			}
			after = ids[len(ids)-1]
		}
	}
	return st, nil
}

// candidateSQL compiles the part of an automation's conditions that SQL
// can express: every "all" condition that compiles alone, and the "any"
// group when all of its conditions do. Dropping conditions from a
// conjunction only widens the set, so the candidates are a superset of the
// matches (RunAutomations decides exactly); nil when nothing is left.
func candidateSQL(a rules.Automation) *viewSQL {
	ok := func(c rules.Condition) bool {
		_, err := compileViewSQL(rules.View{Title: "c", Conditions: rules.Conditions{All: []rules.Condition{c}}})
		return err == nil
	}
	var cs rules.Conditions
	for _, c := range a.Conditions.All {
		if ok(c) {
			cs.All = append(cs.All, c)
		}
	}
	anyOK := true
	for _, c := range a.Conditions.Any {
		anyOK = anyOK && ok(c)
	}
	if anyOK {
		cs.Any = a.Conditions.Any
	}
	vs, err := compileViewSQL(rules.View{Title: a.Title, Conditions: cs})
	if err != nil {
		return nil
	}
	return vs
}

// candidates returns the next batch of ticket ids above after that may
// match vs (nil: every ticket that is not closed).
func (s *Store) candidates(ctx context.Context, vs *viewSQL, after int64) ([]int64, error) {
	query := s.q.Get("ViewCandidates")
	args := []any{after, candidateBatch}
	if vs != nil {
		b := &sqlBuilder{}
		where := vs.where(b, s.d.Clock.Now(), 0)
		query = "SELECT t.id " + vs.from() + " WHERE t.status <> 'closed' AND " + where +
			" AND t.id > " + b.arg(after) + " ORDER BY t.id LIMIT " + b.arg(candidateBatch)
		args = b.args
	}
	return db.ReadList(ctx, s.d, query, args, scanID)
}

// scanID scans a row of one id column.
func scanID(r db.Scanner) (*int64, error) {
	var id int64
	if err := r.Scan(&id); err != nil {
		return nil, err
	}
	return &id, nil
}

// automateTicket runs the automations on one ticket in one transaction.
func (s *Store) automateTicket(ctx context.Context, autos []rules.Automation, id int64) (fired int, changed bool, err error) {
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		fired, changed = 0, false
		var got int64
		if err := tx.QueryRowContext(ctx, s.q.Get("LockTicket"), id).Scan(&got); err != nil {
			if isNoRows(err) {
				return nil // deleted meanwhile
			}
			return err
		}
		t, err := s.tickets.GetTx(ctx, tx, id)
		if errs.Is(err, errs.KindNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		l := s.lookups(ctx, tx)
		snap, err := l.snapshot(t)
		if err != nil {
			return err
		}
		markers, err := s.firedAutomations(ctx, tx, id)
		if err != nil {
			return err
		}
		data, err := l.placeholders(snap, 0, actionsOf(autos, func(a rules.Automation) []rules.Action { return a.Actions }))
		if err != nil {
			return err
		}
		res := rules.RunAutomations(autos, snap, tx.Now, func(aid int64) bool { return slices.Contains(markers, aid) }, data)
		for _, aid := range res.ClearMarkers {
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteFiring"), aid, id); err != nil {
				return err
			}
		}
		if len(res.Fired) == 0 {
			return nil
		}
		applied := true
		if in, ok := updateFor(snap, res.Ticket, ruleVia("automation", res.Fired)); ok {
			if _, _, err := s.tickets.UpdateTx(ctx, tx, systemActor, id, in); err != nil {
				if !errs.Is(err, errs.KindInvalid) {
					return err
				}
				applied = false
				s.log.Warn("automation changes rejected; none applied", "ticket", id, "automations", res.Fired, "err", err)
			} else {
				changed = true
			}
		}
		for _, aid := range res.Fired {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertFiring"), aid, id, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		fired = len(res.Fired)
		if !applied {
			return nil
		}
		return s.enqueueEffects(ctx, tx, l, id, t.CollaboratorIDs, res.Effects)
	})
	return fired, changed, err
}

// --- macros --------------------------------------------------------------------------

// MacroPreview is the result of applying a macro to a ticket without
// saving: the ticket as it would be, what changes and the comment to add.
type MacroPreview struct {
	Ticket  *ticket.Ticket
	Result  rules.MacroResult
	Comment *rules.Effect
}

// ApplyMacro previews macro macroID on ticket ticketID for actor (whose
// groups decide whether the macro is available). Nothing is saved.
func (s *Store) ApplyMacro(ctx context.Context, macroID, ticketID int64, actor rules.Actor, v *Viewer) (*MacroPreview, error) {
	m, err := s.GetMacro(ctx, macroID, v)
	if err != nil {
		return nil, err
	}
	if !m.Active {
		return nil, errs.Invalid("macro", "is inactive")
	}
	var out *MacroPreview
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		t, err := s.tickets.GetTx(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		l := s.lookups(ctx, tx)
		snap, err := l.snapshot(t)
		if err != nil {
			return err
		}
		data, err := l.placeholders(snap, actor.ID, [][]rules.Action{m.Actions})
		if err != nil {
			return err
		}
		res, err := rules.ApplyMacro(m, snap, actor, data)
		if err != nil {
			return err
		}
		out = &MacroPreview{Ticket: t, Result: res}
		if c, ok := res.Comment(); ok {
			out.Comment = &c
		}
		return nil
	})
	return out, err
}

// --- notification outbox -------------------------------------------------------------

// Notification is one e-mail a trigger or automation asked for, waiting in
// the rule_notifications outbox for the mail sender.
type Notification struct {
	ID       int64  `json:"id"`
	TicketID int64  `json:"ticket_id"`
	RuleID   int64  `json:"rule_id"`
	UserID   int64  `json:"user_id"`
	Email    string `json:"email"`
	Subject  string `json:"subject"`
	Body     string `json:"body"` // plain text, placeholders rendered
	Status   string `json:"status"`
}

func (s *Store) scanNotifications(ctx context.Context, query string, args ...any) ([]Notification, error) {
	return db.ReadList(ctx, s.d, query, args, scanNotification)
}

func scanNotification(r db.Scanner) (*Notification, error) {
	var n Notification
	var created int64
	if err := r.Scan(&n.ID, &n.TicketID, &n.RuleID, &n.UserID, &n.Email, &n.Subject, &n.Body, &n.Status, &created); err != nil {
		return nil, err
	}
	return &n, nil
}

// PendingNotifications returns unsent notifications with ids above
// afterID, oldest first. The mail sender consumes them and calls
// MarkNotification.
func (s *Store) PendingNotifications(ctx context.Context, afterID int64, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.scanNotifications(ctx, s.q.Get("PendingNotifications"), afterID, limit)
}

// TicketNotifications lists the notifications queued for a ticket.
func (s *Store) TicketNotifications(ctx context.Context, ticketID int64) ([]Notification, error) {
	return s.scanNotifications(ctx, s.q.Get("TicketNotifications"), ticketID)
}

// MarkNotification records that a pending notification was sent (ok) or
// given up on.
func (s *Store) MarkNotification(ctx context.Context, id int64, ok bool) error {
	status := "sent"
	if !ok {
		status = "failed"
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("MarkNotification"), id, status, db.TS(tx.Now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("pending notification")
		}
		return nil
	})
}
