package jobs

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/frontline/frontline/internal/db"
)

// newSQLiteEngine runs River through its database/sql SQLite driver on the
// one writer connection (d.W), so River's writes queue behind Frontline's
// like any other write, and a *db.Tx is River's transaction as it is.
func newSQLiteEngine(q *Queue) (engine, error) {
	driver := riversqlite.New(q.d.W)
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: q.log})
	if err != nil {
		return nil, err
	}
	if _, err := m.Migrate(context.Background(), rivermigrate.DirectionUp, nil); err != nil {
		return nil, err
	}
	return newRiverEngine(q, driver, "", func(tx *db.Tx, fn func(*sql.Tx) error) error {
		return fn(tx.Tx)
	}, nil)
}
