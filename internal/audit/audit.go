// Package audit records every change to users, roles, memberships and
// settings: who, what, when, before and after. Entries are written inside
// the transaction that makes the change, so the log can never disagree with
// the data.
package audit

import (
	"context"
	"embed"
	"encoding/json"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
)

//go:embed *.sql
var sqlFiles embed.FS

// Actor is who makes a change. ID 0 means the system itself (CLI, demo
// loader, background jobs).
type Actor struct {
	ID   int64
	Role string
	IP   string
}

// System returns the actor for changes made by Frontline itself or its CLI.
func System() Actor { return Actor{Role: "system"} }

// Entry is one audited change.
type Entry struct {
	ID         int64           `json:"id"`
	ActorID    int64           `json:"actor_id,omitempty"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   int64           `json:"object_id,omitempty"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	IP         string          `json:"ip,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

// Log writes and reads audit entries.
type Log struct {
	q *db.Queries
	d *db.DB
}

// New returns the audit log of d.
func New(d *db.DB) *Log {
	return &Log{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "*.sql")}
}

// Record writes an entry in tx. before and after are marshalled to JSON; nil
// stays NULL (creation has no before, deletion no after).
func (l *Log) Record(ctx context.Context, tx *db.Tx, a Actor, action, objectType string, objectID int64, before, after any) error {
	b, err := marshal(before)
	if err != nil {
		return err
	}
	af, err := marshal(after)
	if err != nil {
		return err
	}
	var actor any
	if a.ID != 0 {
		actor = a.ID
	}
	var obj any
	if objectID != 0 {
		obj = objectID
	}
	_, err = tx.ExecContext(ctx, l.q.Get("InsertAudit"), actor, action, objectType, obj, b, af, a.IP, db.TS(tx.Now))
	return err
}

func marshal(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Filter narrows List.
type Filter struct {
	ObjectType string
	ObjectID   int64
	ActorID    int64
	// BeforeID returns entries older than this id (keyset pagination, newest first).
	BeforeID int64
	Limit    int
	// Action is an action ("user.updated") or its prefix ("user").
	Action string
	// HideSessions leaves out sign-in and sign-out (session.*) entries.
	HideSessions bool
}

// List returns entries newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	hide := 0
	if f.HideSessions {
		hide = 1
	}
	var out []Entry
	err := l.d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, l.q.Get("ListAudit"), f.ObjectType, f.ObjectID, f.ActorID, f.BeforeID, f.Limit,
			strings.TrimSuffix(f.Action, "."), hide)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Entry
			var actor, obj *int64
			var before, after *string
			if err := rows.Scan(&e.ID, &actor, &e.Action, &e.ObjectType, &obj, &before, &after, &e.IP, db.Time(&e.CreatedAt)); err != nil {
				return err
			}
			if actor != nil {
				e.ActorID = *actor
			}
			if obj != nil {
				e.ObjectID = *obj
			}
			if before != nil {
				e.Before = json.RawMessage(*before)
			}
			if after != nil {
				e.After = json.RawMessage(*after)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
