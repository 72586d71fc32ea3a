package ticket

// Deleted tickets (Zendesk's soft delete; ADR 0012). Deleting a ticket moves
// its rows out of the live tables into one snapshot row of deleted_tickets,
// so that no list, view, search, report or rule needs to know about deleted
// tickets. Restoring writes the rows back under their own ids; deleting
// permanently drops the snapshot.

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// DeletedTicket is a ticket in the deleted tickets list.
type DeletedTicket struct {
	ID            int64     `json:"id"`
	Subject       string    `json:"subject"`
	Description   string    `json:"description"`
	PreviousState string    `json:"previous_state"`
	ActorID       *int64    `json:"-"`
	DeletedAt     time.Time `json:"deleted_at"`
	BrandID       int64     `json:"-"` // the ticket's brand (its partition)
}

// trashTables are the tables a deleted ticket's snapshot holds, in the order
// they are written back, each with its ticket column. Rows of other tables
// that refer to the ticket (SLA timers, rule runs, the search row) are
// derived state: they are dropped with the ticket and rebuilt on restore
// where it matters (the search index).
var trashTables = []struct{ table, key string }{
	{"tickets", "id"},
	{"ticket_comments", "ticket_id"},
	{"ticket_audits", "ticket_id"},
	{"ticket_collaborators", "ticket_id"},
	{"attachments", "ticket_id"},
	{"satisfaction_ratings", "ticket_id"},
}

// snapshotRows reads the rows of table whose key is id as column -> value.
func snapshotRows(ctx context.Context, tx *db.Tx, table, key string, id int64) ([]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table+" WHERE "+key+" = "+tx.Dialect.Placeholder(1)+" ORDER BY 1", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// liveColumns are the columns table has now (a snapshot taken before a
// migration may name columns that no longer exist, or lack new ones, which
// then take their defaults).
func liveColumns(ctx context.Context, tx *db.Tx, table string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range cols {
		out[c] = true
	}
	return out, nil
}

// SoftDelete moves a ticket to the deleted tickets: its rows are kept in a
// snapshot and leave the live tables (as Delete did before deleted tickets
// existed, so every reader is unchanged).
func (s *Store) SoftDelete(ctx context.Context, actor Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.lock(ctx, tx, id); err != nil {
			return err
		}
		cur, err := s.getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		snap := map[string][]map[string]any{}
		for _, t := range trashTables {
			rows, err := snapshotRows(ctx, tx, t.table, t.key, id)
			if err != nil {
				return err
			}
			snap[t.table] = rows
		}
		b, err := json.Marshal(snap)
		if err != nil {
			return err
		}
		var actorID *int64
		if actor.UserID != 0 {
			actorID = &actor.UserID
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertDeletedTicket"), id, cur.Subject, cur.Description, cur.Status,
			nullInt(actorID), db.TS(tx.Now), string(b), cur.BrandID); err != nil {
			if db.IsUnique(err) {
				return errs.Conflict("ticket %d is already among the deleted tickets", id)
			}
			return err
		}
		return s.deleteRows(ctx, tx, id)
	})
}

func (s *Store) deleteRows(ctx context.Context, tx *db.Tx, id int64) error {
	for _, q := range []string{"DeleteTicketAttachments", "DeleteTicketCollaborators", "DeleteTicketAudits", "DeleteTicketComments", "DeleteTicket"} {
		if _, err := tx.ExecContext(ctx, s.q.Get(q), id); err != nil {
			return err
		}
	}
	return nil
}

// DeletedFilter pages the deleted tickets: sort by id, subject or
// deleted_at (default id), Desc, Offset and Limit.
type DeletedFilter struct {
	// HiddenBrands are the brands whose deleted tickets the caller may not
	// see (brand.Scope.Hidden).
	HiddenBrands []int64
	AfterID      int64 // cursor paging: ids after this one, in id order
	SortBy       string
	Desc         bool
	Offset       int
	Limit        int
}

// ListDeleted lists deleted tickets.
func (s *Store) ListDeleted(ctx context.Context, f DeletedFilter) ([]DeletedTicket, int, error) {
	order := "id"
	switch f.SortBy {
	case "subject", "deleted_at":
		order = f.SortBy
	}
	dir := ""
	if f.Desc {
		dir = " DESC"
	}
	out := []DeletedTicket{}
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		hidden := brand.Encode(f.HiddenBrands)
		// Numbered in the order they appear: SQLite numbers $N parameters so.
		if err := tx.QueryRowContext(ctx, s.q.Get("CountDeletedTickets")+" "+brand.VisibleSQL("brand_id", "$1"), hidden).Scan(&n); err != nil {
			return err
		}
		where := " WHERE " + brand.VisibleSQL("brand_id", "$1")
		if f.AfterID > 0 {
			where += " AND id > " + strconv.FormatInt(f.AfterID, 10)
		}
		rows, err := tx.QueryContext(ctx, s.q.Get("ListDeletedTickets")+where+" ORDER BY "+order+dir+", id"+dir+" LIMIT $2 OFFSET $3",
			hidden, max(1, min(f.Limit, 1001)), max(f.Offset, 0))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDeleted(rows)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return rows.Err()
	})
	return out, n, err
}

func scanDeleted(r scanner) (*DeletedTicket, error) {
	var d DeletedTicket
	var actor *int64
	if err := r.Scan(&d.ID, &d.Subject, &d.Description, &d.PreviousState, &actor, db.Time(&d.DeletedAt), &d.BrandID); err != nil {
		return nil, err
	}
	d.ActorID = actor
	return &d, nil
}

// GetDeleted returns one deleted ticket.
func (s *Store) GetDeleted(ctx context.Context, id int64) (*DeletedTicket, error) {
	var d *DeletedTicket
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		var err error
		d, err = scanDeleted(tx.QueryRowContext(ctx, s.q.Get("GetDeletedTicket"), id))
		return db.MapError(err, "deleted ticket")
	})
	return d, err
}

// Restore writes a deleted ticket's rows back under their ids. References
// to tickets that are gone meanwhile (problem, merged into) are dropped;
// the search index row is rebuilt (OnRestore).
func (s *Store) Restore(ctx context.Context, actor Actor, id int64) (*Ticket, error) {
	var out *Ticket
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var raw string
		if err := tx.QueryRowContext(ctx, s.q.Get("DeletedTicketSnapshot"), id).Scan(&raw); err != nil {
			return db.MapError(err, "deleted ticket")
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.UseNumber()
		var snap map[string][]map[string]any
		if err := dec.Decode(&snap); err != nil {
			return err
		}
		for _, t := range trashTables {
			live, err := liveColumns(ctx, tx, t.table)
			if err != nil {
				return err
			}
			for _, row := range snap[t.table] {
				if t.table == "tickets" {
					for _, ref := range []string{"problem_id", "merged_into_id"} {
						if v, ok := row[ref].(json.Number); ok {
							n, _ := v.Int64()
							if s.exists(ctx, tx, n) != nil {
								row[ref] = nil
							}
						}
					}
				}
				if err := insertRow(ctx, tx, t.table, live, row); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("DeleteDeletedTicket"), id); err != nil {
			return err
		}
		for _, fn := range s.restored {
			if err := fn(ctx, tx, id); err != nil {
				return err
			}
		}
		var err error
		out, err = s.getTicket(ctx, tx, id)
		return err
	})
	return out, err
}

func insertRow(ctx context.Context, tx *db.Tx, table string, live map[string]bool, row map[string]any) error {
	var cols, marks []string
	var args []any
	for c, v := range row {
		if !live[c] {
			continue
		}
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				v = i
			} else if f, err := n.Float64(); err == nil {
				v = f
			}
		}
		cols = append(cols, c)
		args = append(args, v)
		marks = append(marks, tx.Dialect.Placeholder(len(args)))
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return db.MapError(err, table)
	}
	return nil
}

// OnRestore registers fn to run in the transaction that restores a deleted
// ticket or imports one (the search index); call it while wiring.
func (s *Store) OnRestore(fn func(ctx context.Context, tx *db.Tx, id int64) error) {
	s.restored = append(s.restored, fn)
}

// Purge deletes a deleted ticket permanently.
func (s *Store) Purge(ctx context.Context, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteDeletedTicket"), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("deleted ticket")
		}
		return nil
	})
}

// PurgeDeletedBefore deletes permanently the tickets deleted before t
// (Zendesk keeps them 30 days) and returns how many.
func (s *Store) PurgeDeletedBefore(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("PurgeDeletedTickets"), db.TS(t))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
