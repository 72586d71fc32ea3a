package incident

// Shift hand-over of customer emergencies. An open emergency belongs to
// the first level's on-call of its escalation policy (CEOC for the default
// policy): the users that level pages, recorded on the incident when it is
// first paged (incidents.shift_oncall). When the schedule hands off and
// someone else is on call at that level, the sweep hands the incident to
// them: they become its assignees and the ticket's assignee, the timeline
// and the chat webhooks say so, and each incoming engineer gets one email
// listing every open emergency now theirs. The sweep runs with the
// incident wake-up job (every minute); each hand-over is a compare-and-set
// on shift_oncall in the transaction that writes its mail, so two nodes or
// a retried job hand over once.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/ticket"
)

// Handed is one hand-over the sweep made.
type Handed struct {
	IncidentID int64
	From, To   []int64
}

// firstLevel returns who the first level of policy p pages at t, sorted.
func (s *Store) firstLevel(ctx context.Context, p *Policy, t time.Time) ([]int64, error) {
	if len(p.Rules) == 0 {
		return nil, nil
	}
	ids, err := s.resolveTargets(ctx, p.Rules[0].Targets, t)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

type openEmergency struct {
	id, policy int64
	shift      *string
}

// Handover hands every open emergency whose first-level on-call changed
// since it was recorded to who is on call now (see the file comment), and
// returns the hand-overs made. An incident whose level nobody covers now
// (a gap) keeps its owner until someone is on call.
func (s *Store) Handover(ctx context.Context) ([]Handed, error) {
	now := s.d.Clock.Now()
	var open []openEmergency
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q.Get("OpenEmergencies"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o openEmergency
			var shift *string
			if err := rows.Scan(&o.id, &o.policy, &shift); err != nil {
				return err
			}
			o.shift = shift
			open = append(open, o)
		}
		return rows.Err()
	})
	if err != nil || len(open) == 0 {
		return nil, err
	}
	policies := map[int64]*Policy{}
	byIncoming := map[string][]Handed{} // the incoming set -> its hand-overs
	var record []openEmergency
	var records []string
	for _, o := range open {
		p, ok := policies[o.policy]
		if !ok {
			if p, err = s.Policy(ctx, o.policy); err != nil {
				return nil, err
			}
			policies[o.policy] = p
		}
		cur, err := s.firstLevel(ctx, p, now)
		if err != nil {
			return nil, err
		}
		if len(cur) == 0 {
			continue // nobody on call at that level now: the owner keeps it
		}
		key := joinIDs(cur)
		switch {
		case o.shift == nil:
			record, records = append(record, o), append(records, key)
		case *o.shift != key:
			byIncoming[key] = append(byIncoming[key], Handed{IncidentID: o.id, From: splitIDs(*o.shift), To: cur})
		}
	}
	if len(record) > 0 {
		// Incidents from before hand-overs were recorded: who is on call now
		// owns them from here on.
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			for i, o := range record {
				if _, err := tx.ExecContext(ctx, s.q.Get("RecordShift"), o.id, records[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var out []Handed
	keys := make([]string, 0, len(byIncoming))
	for k := range byIncoming {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		var done []Handed
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			done = nil
			var incs []*Incident
			for _, h := range byIncoming[key] {
				res, err := tx.ExecContext(ctx, s.q.Get("HandOver"), h.IncidentID, key, key, db.TS(tx.Now), joinIDs(h.From))
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					continue // resolved meanwhile, or handed over by another run
				}
				row, err := s.getTx(ctx, tx, h.IncidentID)
				if err != nil {
					return err
				}
				inc := &row.Incident
				if err := s.handOne(ctx, tx, inc, h); err != nil {
					return err
				}
				incs, done = append(incs, inc), append(done, h)
			}
			if len(incs) == 0 {
				return nil
			}
			return s.handoverMail(ctx, tx, incs, incoming(done[0]))
		})
		if err != nil {
			return out, err
		}
		out = append(out, done...)
	}
	return out, nil
}

// incoming is who came on call in a hand-over (all of To when the same
// people stayed on but the level's set changed otherwise).
func incoming(h Handed) []int64 {
	var in []int64
	for _, u := range h.To {
		if !slices.Contains(h.From, u) {
			in = append(in, u)
		}
	}
	if len(in) == 0 {
		return h.To
	}
	return in
}

// handOne writes one hand-over: the timeline, the ticket's assignee, the
// chat webhooks and the audit log.
func (s *Store) handOne(ctx context.Context, tx *db.Tx, inc *Incident, h Handed) error {
	in := incoming(h)
	sum := fmt.Sprintf("Shift hand-over: %s on call now and owns it (was %s)", s.names(ctx, tx, in), s.names(ctx, tx, h.From))
	if err := s.log(ctx, tx, inc.ID, "assign", nil, "handover", sum); err != nil {
		return err
	}
	if inc.TicketID != nil && s.tickets != nil {
		owner := in[0]
		_, _, err := s.tickets.UpdateTx(ctx, tx, ticket.Actor{Role: "system"}, *inc.TicketID, ticket.UpdateInput{AssigneeID: &owner})
		if err != nil && !errs.Is(err, errs.KindInvalid) && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		if err != nil { // e.g. the ticket is closed or its group excludes the engineer: the incident still moves
			if err := s.log(ctx, tx, inc.ID, "annotate", nil, "handover", "Ticket #"+strconv.FormatInt(*inc.TicketID, 10)+" keeps its assignee: "+err.Error()); err != nil {
				return err
			}
		}
	}
	if err := s.chat(ctx, tx, inc, "handover:"+strconv.FormatInt(tx.Now.Unix(), 10), "shift hand-over: now owned by "+s.names(ctx, tx, in)); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, audit.System(), "incident.handed_over", "incident", inc.ID,
		map[string]any{"user_ids": h.From}, map[string]any{"user_ids": h.To})
}

// handoverMail writes one email per incoming engineer listing the open
// emergencies handed to them, in the hand-over's transaction.
func (s *Store) handoverMail(ctx context.Context, tx *db.Tx, incs []*Incident, to []int64) error {
	if s.opt.Mail == nil || s.opt.From.Email == "" {
		return nil
	}
	domain := "frontline.localhost"
	if _, d, ok := strings.Cut(s.opt.From.Email, "@"); ok {
		domain = d
	}
	for _, u := range to {
		var name, email string
		var active bool
		if err := tx.QueryRowContext(ctx, s.q.Get("UserContact"), u).Scan(&name, &email, &active); err != nil {
			return err
		}
		if !active || email == "" {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\nyour on-call shift has started. These open customer emergencies are yours now:\n\n", name)
		for _, inc := range incs {
			fmt.Fprintf(&b, "- #%d %s (%s)\n  %s\n", inc.ID, inc.Title, inc.Status, s.link(inc))
			if inc.TicketID != nil {
				fmt.Fprintf(&b, "  ticket #%d\n", *inc.TicketID)
			}
		}
		b.WriteString("\nRead each timeline for what has been done; the previous engineer is still reachable through the escalation policy.\n")
		subject := fmt.Sprintf("[Frontline] Shift hand-over: %d open emergency", len(incs))
		if len(incs) > 1 {
			subject += "s"
		}
		m := &mail.Outbound{
			From: s.opt.From, To: []mail.Address{{Name: name, Email: email}}, Subject: subject, Text: b.String(),
			MessageID: fmt.Sprintf("frontline.handover%d.%d.u%d@%s", incs[0].ID, tx.Now.Unix(), u, domain),
			Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
		}
		if err := s.opt.Mail.EnqueueTx(ctx, tx, 0, 0, m); err != nil {
			return err
		}
	}
	return nil
}
