package mail

import (
	"context"

	"github.com/frontline/frontline/internal/db"
)

// Stats summarises the channel for the admin page.
type Stats struct {
	Inbound    int            // messages received (all, including loops and duplicates stored once)
	Unverified int            // of which the sender was not verified
	Rejected   map[string]int // messages refused (5xx) and kept, by reason code
	Outbox     map[string]int // outbound messages by status: pending, sent, failed
}

// Stats counts inbound messages and the outbox by status.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Outbox: map[string]int{"pending": 0, "sent": 0, "failed": 0}, Rejected: map[string]int{}}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q.Get("InboundCount")).Scan(&st.Inbound, &st.Unverified); err != nil {
			return err
		}
		rej, err := tx.QueryContext(ctx, s.q.Get("RejectedCounts"))
		if err != nil {
			return err
		}
		for rej.Next() {
			var code string
			var n int
			if err := rej.Scan(&code, &n); err != nil {
				rej.Close()
				return err
			}
			st.Rejected[code] = n
		}
		rej.Close()
		if err := rej.Err(); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("OutboxCounts"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var status string
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				return err
			}
			st.Outbox[status] = n
		}
		return rows.Err()
	})
	return st, err
}
