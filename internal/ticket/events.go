package ticket

import (
	"context"
	"database/sql"
	"time"

	"github.com/frontline/frontline/internal/db"
)

// AuditsSince returns the audits of all tickets created after (start,
// afterID) in (created_at, id) order, at most limit, with their events;
// comment events carry their comment when withComments (the incremental
// ticket event export with include=comment_events).
func (s *Store) AuditsSince(ctx context.Context, start time.Time, afterID int64, limit int, withComments bool) ([]Audit, error) {
	out := []Audit{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, s.q.Get("AuditsSince"), db.TS(start), afterID, max(1, min(limit, 1001)))
		if err != nil {
			return err
		}
		raws, err := scanAuditRows(rows)
		if err != nil {
			return err
		}
		find := func(id int64) *Comment {
			if !withComments {
				return nil
			}
			c, err := scanComment(tx.QueryRowContext(ctx, s.q.Get("GetComment"), id))
			if err != nil {
				return nil
			}
			return c
		}
		for _, r := range raws {
			if r.a.Events, err = decodeEvents(r.a.ID, r.events, find); err != nil {
				return err
			}
			out = append(out, r.a)
		}
		return nil
	})
	return out, err
}

// rawAudit is an audit row whose events are still encoded.
type rawAudit struct {
	a      Audit
	events string
}

// scanAuditRows reads audit rows (id, ticket, author, via, events, time),
// closing rows; the events are decoded by the caller, who knows where the
// comments come from.
func scanAuditRows(rows *sql.Rows) ([]rawAudit, error) {
	defer rows.Close()
	var raws []rawAudit
	for rows.Next() {
		var r rawAudit
		var author sql.NullInt64
		var viaCh, viaSrc string
		if err := rows.Scan(&r.a.ID, &r.a.TicketID, &author, &viaCh, &viaSrc, &r.events, db.Time(&r.a.CreatedAt)); err != nil {
			return nil, err
		}
		r.a.AuthorID = author.Int64
		r.a.Via = decodeVia(viaCh, viaSrc)
		raws = append(raws, r)
	}
	return raws, rows.Err()
}
