package backup

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"time"

	"github.com/frontline/frontline/internal/db"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Record is one backup the server took (or was told of).
type Record struct {
	ID            int64      `json:"id"`
	FileName      string     `json:"file_name"`
	Trigger       string     `json:"trigger"` // scheduled | manual
	Status        string     `json:"status"`  // ok | failed
	Size          int64      `json:"size"`
	SchemaVersion int64      `json:"schema_version"`
	Tables        int64      `json:"tables"`
	Rows          int64      `json:"rows"`
	Files         int64      `json:"files"`
	Error         string     `json:"error"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	PrunedAt      *time.Time `json:"pruned_at"`
}

// Store records backups.
type Store struct {
	d *db.DB
	q *db.Queries
}

// NewStore returns the backup records of d.
func NewStore(d *db.DB) *Store {
	return &Store{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql")}
}

func scanRecord(r db.Scanner) (*Record, error) {
	var x Record
	if err := r.Scan(&x.ID, &x.FileName, &x.Trigger, &x.Status, &x.Size, &x.SchemaVersion, &x.Tables, &x.Rows, &x.Files, &x.Error,
		db.Time(&x.StartedAt), db.TimePtr(&x.FinishedAt), db.TimePtr(&x.PrunedAt)); err != nil {
		return nil, err
	}
	return &x, nil
}

// Add records a backup once it ended (so a backup never holds its own
// record half-written): m and size when it succeeded, failure otherwise.
func (s *Store) Add(ctx context.Context, fileName, trigger string, started time.Time, m Manifest, size int64, failure error) error {
	status, msg := "ok", ""
	if failure != nil {
		status, msg = "failed", failure.Error()
	}
	files := int64(len(m.Files))
	if files > 0 {
		files-- // the database copy
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("Add"), fileName, trigger, status, size, m.SchemaVersion, int64(len(m.Tables)), m.Rows(), files, msg,
			db.TS(started), db.TS(tx.Now))
		return err
	})
}

// List returns the latest backups, newest first.
func (s *Store) List(ctx context.Context, limit int) ([]Record, error) {
	return db.ReadList(ctx, s.d, s.q.Get("List"), []any{limit}, scanRecord)
}

func (s *Store) one(ctx context.Context, query string) (*Record, error) {
	var out *Record
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		r, err := scanRecord(tx.QueryRowContext(ctx, s.q.Get(query)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		out = r
		return err
	})
	return out, err
}

// LastOK is the newest good backup, nil when there is none.
func (s *Store) LastOK(ctx context.Context) (*Record, error) { return s.one(ctx, "LastOK") }

// LastScheduled is the newest good scheduled backup (a failed one is
// retried at the scheduler's next run rather than a whole interval later).
func (s *Store) LastScheduled(ctx context.Context) (*Record, error) {
	return s.one(ctx, "LastScheduled")
}

// Kept lists the good scheduled backups not yet pruned, oldest first.
func (s *Store) Kept(ctx context.Context) ([]Record, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Kept"), nil, scanRecord)
}

// MarkPruned records that the retention deleted a backup's file.
func (s *Store) MarkPruned(ctx context.Context, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("MarkPruned"), id, db.TS(tx.Now))
		return err
	})
}
