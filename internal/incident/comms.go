package incident

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// PostUpdate posts a public status update of an incident (the CMOC's
// work): the incident goes on the status page in state, and the next
// update falls due after the cadence of its severity and state, with a
// reminder scheduled for then. Posting "resolved" resolves the incident.
func (s *Store) PostUpdate(ctx context.Context, actor audit.Actor, id int64, state, message string) (*StatusUpdate, error) {
	message = strings.TrimSpace(message)
	var v errs.Validation
	v.Check(ValidState(state), "state", "Status update rule: the state is investigating, identified, monitoring or resolved")
	v.Check(message != "", "message", "Status update rule: an update says something")
	v.Check(len(message) <= 4000, "message", "Status update rule: an update is at most 4,000 characters")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var uid int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		inc, err := s.getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inc.Status == Resolved {
			return errs.Invalid("state", "Status update rule: the incident is resolved")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertUpdate"), id, state, message, db.NullID(actorID(actor)), db.TS(tx.Now)).Scan(&uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetPublic"), id, true, db.TS(tx.Now)); err != nil {
			return err
		}
		var due any
		if iv := UpdateInterval(inc.Severity, state); iv > 0 {
			at := tx.Now.Add(iv)
			due = db.TS(at)
			if err := s.wake(tx, at); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("SetPublicState"), id, state, due, db.TS(tx.Now)); err != nil {
			return err
		}
		if err := s.log(ctx, tx, id, "status_update", actorID(actor), "status page", fmt.Sprintf("Status update (%s): %s", state, message)); err != nil {
			return err
		}
		if err := s.chat(ctx, tx, &inc.Incident, fmt.Sprintf("update:%d", uid), state+": "+message); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, actor, "incident.status_update", "incident", id, nil, map[string]any{"state": state}); err != nil {
			return err
		}
		if state == StateResolved {
			inc.Public, inc.PublicState = true, StateResolved
			return s.resolveTx(ctx, tx, actor, id, "status page")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StatusUpdate{ID: uid, IncidentID: id, State: state, Message: message, CreatedAt: s.d.Clock.Now()}, nil
}

// Updates lists an incident's status updates, newest first.
func (s *Store) Updates(ctx context.Context, id int64) ([]StatusUpdate, error) {
	return db.ReadList(ctx, s.d, s.q.Get("UpdatesOf"), []any{id}, func(r db.Scanner) (*StatusUpdate, error) {
		var u StatusUpdate
		return &u, r.Scan(&u.ID, &u.IncidentID, &u.State, &u.Message, db.Time(&u.CreatedAt))
	})
}

// remind tells the people paged for an open incident that its status
// update is overdue, once per due moment (the incident's next update must
// still be due at a.Due: a newer update moved it).
func (s *Store) remind(ctx context.Context, a RemindArgs) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("MarkReminded"), a.IncidentID, db.TS(a.Due))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a newer update moved it, or reminded already (another node)
		}
		inc, err := s.getTx(ctx, tx, a.IncidentID)
		if err != nil {
			return err
		}
		if err := s.log(ctx, tx, a.IncidentID, "reminder", nil, "", fmt.Sprintf("Status update overdue (due %s, every %s while %s at severity %d)",
			a.Due.UTC().Format("15:04 MST"), UpdateInterval(inc.Severity, inc.PublicState), inc.PublicState, inc.Severity)); err != nil {
			return err
		}
		return s.chat(ctx, tx, &inc.Incident, "reminder:"+a.Due.UTC().Format(time.RFC3339), "a status update is overdue")
	})
}

// Overdue says whether an open incident's next status update is late at now.
func (i *Incident) Overdue(now time.Time) bool {
	return i.Status != Resolved && i.NextUpdateDue != nil && now.After(*i.NextUpdateDue)
}

// StatusEntry is an incident as the public status page shows it: no
// internal fields, its public updates.
type StatusEntry struct {
	ID        int64          `json:"id"`
	Title     string         `json:"title"`
	State     string         `json:"status"`
	Severity  int            `json:"severity"`
	Service   string         `json:"service"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Resolved  *time.Time     `json:"resolved_at"`
	Updates   []StatusUpdate `json:"updates"`
}

// StatusPage is what /status shows.
type StatusPage struct {
	Indicator string        `json:"indicator"` // none | minor | major | critical
	Summary   string        `json:"description"`
	Active    []StatusEntry `json:"active_incidents"`
	Recent    []StatusEntry `json:"recent_incidents"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// PublicStatus returns the public incidents: the open ones and those
// resolved within the last recent (e.g. 7 days), with their updates.
func (s *Store) PublicStatus(ctx context.Context, recent time.Duration) (*StatusPage, error) {
	now := s.d.Clock.Now()
	q := fmt.Sprintf("SELECT %s FROM incidents i JOIN incident_services s ON s.id = i.service_id WHERE i.public AND (i.status <> 'resolved' OR i.resolved_at >= $1) ORDER BY i.id DESC LIMIT 50",
		s.q.Get("IncidentColumns"))
	rows, err := db.ReadList(ctx, s.d, q, []any{db.TS(now.Add(-recent))}, scanIncident)
	if err != nil {
		return nil, err
	}
	p := &StatusPage{Indicator: "none", Summary: "All systems operational", Active: []StatusEntry{}, Recent: []StatusEntry{}, UpdatedAt: now}
	worst := 5
	for _, r := range rows {
		ups, err := s.Updates(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if ups == nil {
			ups = []StatusUpdate{}
		}
		e := StatusEntry{ID: r.ID, Title: r.Title, State: r.PublicState, Severity: r.Severity, Service: r.ServiceName,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Resolved: r.ResolvedAt, Updates: ups}
		if r.Status == Resolved {
			e.State = StateResolved
			p.Recent = append(p.Recent, e)
			continue
		}
		p.Active = append(p.Active, e)
		worst = min(worst, r.Severity)
	}
	switch {
	case worst == 1:
		p.Indicator, p.Summary = "critical", "Major outage"
	case worst == 2:
		p.Indicator, p.Summary = "major", "Partial outage"
	case worst <= 4:
		p.Indicator, p.Summary = "minor", "Degraded performance"
	}
	return p, nil
}
