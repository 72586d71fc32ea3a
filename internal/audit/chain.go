package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/frontline/frontline/internal/db"
)

// The audit log is tamper-evident: Seal gives each entry not yet sealed,
// oldest id first, the next sequence number and
// hash = SHA-256(previous hash || canonical content), so that changing,
// removing or reordering a sealed entry breaks the chain from there on,
// which Verify finds. Sealing runs apart from the writes (a periodic job),
// so audited writes never wait on one another for the chain; an entry
// committed late is simply sealed in a later round.

// genesis is the "previous hash" of the first entry.
const genesis = "frontline-audit-v1"

// canonical is an entry's content as hashed: every field, in order, as a
// JSON array (unambiguous whatever the text holds).
func canonical(e Entry) []byte {
	b, _ := json.Marshal([]any{e.ID, e.ActorID, e.Action, e.ObjectType, e.ObjectID, string(e.Before), string(e.After), e.IP, e.CreatedAt.UnixMicro()})
	return b
}

func link(prev string, e Entry) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write(canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

func scanEntry(r db.Scanner, extra ...any) (Entry, error) {
	var e Entry
	var actor, obj sql.NullInt64
	var before, after sql.NullString
	dest := []any{&e.ID, &actor, &e.Action, &e.ObjectType, &obj, &before, &after, &e.IP, db.Time(&e.CreatedAt)}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return e, err
	}
	e.ActorID, e.ObjectID = actor.Int64, obj.Int64
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	return e, nil
}

// Seal chains up to limit unsealed entries and returns how many it sealed.
// Two sealers racing cannot fork the chain: sequence numbers are unique,
// and the loser's transaction fails and is retried next round.
func (l *Log) Seal(ctx context.Context, limit int) (int, error) {
	n := 0
	err := l.d.Write(ctx, func(tx *db.Tx) error {
		n = 0
		var seq int64
		prev := genesis
		var h sql.NullString
		err := tx.QueryRowContext(ctx, l.q.Get("ChainHead")).Scan(&seq, &h)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if h.Valid {
			prev = h.String
		}
		rows, err := tx.QueryContext(ctx, l.q.Get("Unsealed"), limit)
		if err != nil {
			return err
		}
		var es []Entry
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return err
			}
			es = append(es, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range es {
			seq++
			prev = link(prev, e)
			if _, err := tx.ExecContext(ctx, l.q.Get("Seal"), e.ID, seq, prev); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Verification is what Verify found.
type Verification struct {
	Sealed   int64 // entries whose chain was checked
	Unsealed int64 // recent entries not sealed yet
	// BrokenSeq and BrokenID name the first entry that does not follow
	// (0 when the chain is intact); Problem says how.
	BrokenSeq, BrokenID int64
	Problem             string
}

// Intact reports whether the chain verified.
func (v Verification) Intact() bool { return v.BrokenSeq == 0 }

// Verify recomputes the whole chain in sequence order.
func (l *Log) Verify(ctx context.Context) (Verification, error) {
	var v Verification
	prev := genesis
	var after, want int64 = 0, 1
	for {
		var page []struct {
			e    Entry
			seq  int64
			hash string
		}
		err := l.d.Read(ctx, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, l.q.Get("Sealed"), after, 5000)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var seq int64
				var hash string
				e, err := scanEntry(rows, &seq, &hash)
				if err != nil {
					return err
				}
				page = append(page, struct {
					e    Entry
					seq  int64
					hash string
				}{e, seq, hash})
			}
			return rows.Err()
		})
		if err != nil {
			return v, err
		}
		for _, p := range page {
			switch {
			case p.seq != want:
				v.BrokenSeq, v.BrokenID = want, p.e.ID
				v.Problem = fmt.Sprintf("entry %d is missing from the chain (the next sealed entry is %d, id %d)", want, p.seq, p.e.ID)
				return v, nil
			case link(prev, p.e) != p.hash:
				v.BrokenSeq, v.BrokenID = p.seq, p.e.ID
				v.Problem = "its content or its place in the chain was changed after it was sealed"
				return v, nil
			}
			prev, after, want = p.hash, p.seq, want+1
			v.Sealed++
		}
		if len(page) < 5000 {
			break
		}
	}
	err := l.d.QueryRow(ctx, l.q.Get("CountUnsealed"), nil, &v.Unsealed)
	return v, err
}

// String says what a verification found, for people.
func (v Verification) String() string {
	if v.Intact() {
		return "audit chain intact: " + strconv.FormatInt(v.Sealed, 10) + " entries verified, " + strconv.FormatInt(v.Unsealed, 10) + " recent ones not sealed yet"
	}
	return fmt.Sprintf("audit chain broken at entry %d (audit id %d): %s; %d entries before it verified", v.BrokenSeq, v.BrokenID, v.Problem, v.Sealed)
}
