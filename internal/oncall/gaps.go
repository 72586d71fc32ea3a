package oncall

// Gaps flagged ahead. A gap is a stretch of a layer's hours with nobody on
// call (Check finds them). The schedule page shows them; NotifyGaps, run
// hourly by a job, also tells the managers of the people who staff the
// schedule, once per gap (oncall_gap_notices, unique by schedule and
// start, written in the transaction that queues the emails), far enough
// ahead (GapNotice.Ahead, a week by default) to fill it with an override.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/mail"
)

// Mailer puts a message into the durable outbox inside a transaction
// (mail.Store.EnqueueTx).
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *mail.Outbound) error
}

// NoticeOptions wire the gap notices' email (none without Mail or From).
type NoticeOptions struct {
	Mail    Mailer
	From    mail.Address
	BaseURL string
	Ahead   time.Duration // how far ahead gaps are flagged; 7 days when zero
}

// SetNotices wires the gap notices' email.
func (s *Store) SetNotices(o NoticeOptions) {
	if o.Ahead <= 0 {
		o.Ahead = 7 * 24 * time.Hour
	}
	s.notices = o
}

// GapNotice is a gap flagged to its schedule's managers.
type GapNotice struct {
	ID         int64     `json:"id"`
	ScheduleID int64     `json:"schedule_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Recipients []int64   `json:"recipient_ids"`
	CreatedAt  time.Time `json:"created_at"`
}

// gapRecipients are the managers of the schedule's staff (active ones),
// or every active manager when its staff have none on record.
func gapRecipients(r Roster, sc *Schedule) []int64 {
	var out []int64
	for _, u := range staffOf(r, sc) {
		m, ok := r.Members[u]
		if !ok || m.ManagerID == nil {
			continue
		}
		if mg, ok := r.Members[*m.ManagerID]; ok && mg.Active && !slices.Contains(out, mg.ID) {
			out = append(out, mg.ID)
		}
	}
	if len(out) == 0 {
		for _, id := range r.Order {
			if m := r.Members[id]; m.Active && m.IsManager {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out
}

// NotifyGaps flags every gap starting within the notice window of every
// schedule that was not flagged before, and returns the new notices.
func (s *Store) NotifyGaps(ctx context.Context) ([]GapNotice, error) {
	ahead := s.notices.Ahead
	if ahead <= 0 {
		ahead = 7 * 24 * time.Hour
	}
	now := s.d.Clock.Now()
	scs, err := s.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.Roster(ctx)
	if err != nil {
		return nil, err
	}
	var out []GapNotice
	for i := range scs {
		sc := &scs[i]
		// From the start of yesterday (UTC), so that a gap already under way
		// keeps the start it had when it was flagged (one under way for
		// longer is flagged again once a day).
		var gaps []Flag
		from := now.UTC().Truncate(24 * time.Hour).Add(-24 * time.Hour)
		for _, f := range Check(Render(*sc, from, now.Add(ahead)), nil, nil, nil) {
			if f.Kind == FlagGap && f.End.After(now) {
				gaps = append(gaps, f)
			}
		}
		if len(gaps) == 0 {
			continue
		}
		to := gapRecipients(r, sc)
		var made []GapNotice
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			made = nil
			for _, g := range gaps {
				var id int64
				err := tx.QueryRowContext(ctx, s.q.Get("InsertGapNotice"), sc.ID, db.TS(g.Start), db.TS(g.End), joinInts(to), db.TS(tx.Now)).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					continue // flagged before (another node, an earlier run)
				}
				if err != nil {
					return err
				}
				n := GapNotice{ID: id, ScheduleID: sc.ID, Start: g.Start, End: g.End, Recipients: to, CreatedAt: tx.Now}
				if err := s.gapMail(ctx, tx, r, sc, n); err != nil {
					return err
				}
				if err := s.audit.Record(ctx, tx, audit.System(), "oncall.gap_flagged", "oncall_schedule", sc.ID, nil,
					map[string]any{"start": g.Start, "end": g.End, "recipient_ids": to}); err != nil {
					return err
				}
				made = append(made, n)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		out = append(out, made...)
	}
	return out, nil
}

func (s *Store) gapMail(ctx context.Context, tx *db.Tx, r Roster, sc *Schedule, n GapNotice) error {
	o := s.notices
	if o.Mail == nil || o.From.Email == "" {
		return nil
	}
	loc := scheduleLoc(*sc)
	domain := "frontline.localhost"
	if _, d, ok := strings.Cut(o.From.Email, "@"); ok {
		domain = d
	}
	link := strings.TrimRight(o.BaseURL, "/") + "/oncall/schedules/" + strconv.FormatInt(sc.ID, 10) + "?date=" + n.Start.In(loc).Format("2006-01-02")
	for _, u := range n.Recipients {
		m := r.Members[u]
		if m.Email == "" {
			continue
		}
		text := fmt.Sprintf("Hello %s,\n\nnobody is on call on %s from %s to %s (%s).\n\nFill it with an override or a swap before it starts:\n%s\n",
			m.Name, sc.Name, n.Start.In(loc).Format("Mon 2 Jan 15:04"), n.End.In(loc).Format("Mon 2 Jan 15:04"), loc, link)
		err := o.Mail.EnqueueTx(ctx, tx, 0, 0, &mail.Outbound{
			From: o.From, To: []mail.Address{{Name: m.Name, Email: m.Email}},
			Subject:   fmt.Sprintf("[Frontline] On-call gap ahead: %s, %s", sc.Name, n.Start.In(loc).Format("Mon 2 Jan 15:04")),
			Text:      text,
			MessageID: fmt.Sprintf("frontline.oncall-gap%d.u%d@%s", n.ID, u, domain),
			Headers:   map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// GapNotices lists the notices of a schedule's gaps not yet over at t.
func (s *Store) GapNotices(ctx context.Context, scheduleID int64, t time.Time) ([]GapNotice, error) {
	return db.ReadList(ctx, s.d, s.q.Get("GapNotices"), []any{scheduleID, db.TS(t)}, func(sc db.Scanner) (*GapNotice, error) {
		var n GapNotice
		var to string
		if err := sc.Scan(&n.ID, &n.ScheduleID, db.Time(&n.Start), db.Time(&n.End), &to, db.Time(&n.CreatedAt)); err != nil {
			return nil, err
		}
		for _, f := range strings.Fields(to) {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				n.Recipients = append(n.Recipients, id)
			}
		}
		return &n, nil
	})
}

func joinInts(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, " ")
}
