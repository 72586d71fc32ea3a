package ticket

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/tags"
)

// ItemError is the failure of one item of CreateMany or ImportMany, which
// fails the whole batch: Index is the item's position.
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// CreateMany creates tickets in one transaction, all or none: the bulk path
// of tickets/create_many (ADR 0012), one commit and one user memo for a
// chunk instead of one transaction per ticket. Each ticket follows every
// rule and hook of Create. A failing item fails the batch with an
// *ItemError; the caller then creates the items one by one for their own
// results.
func (s *Store) CreateMany(ctx context.Context, actor Actor, ins []CreateInput) ([]*Ticket, error) {
	pcs := make([]*pendingComment, len(ins))
	for i := range ins {
		pc, err := s.renderComment(&ins[i].Comment, ins[i].Via)
		if err != nil {
			return nil, &ItemError{i, err}
		}
		pcs[i] = pc
	}
	out := make([]*Ticket, len(ins))
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		ctx := withUserMemo(ctx)
		var refs []int64
		for _, in := range ins {
			refs = append(refs, in.RequesterID, in.SubmitterID)
			if in.AssigneeID != nil {
				refs = append(refs, *in.AssigneeID)
			}
			if in.Comment.AuthorID != nil {
				refs = append(refs, *in.Comment.AuthorID)
			}
			refs = append(refs, in.CollaboratorIDs...)
		}
		if err := s.prefetchUsers(ctx, tx, refs...); err != nil {
			return err
		}
		if slices.ContainsFunc(ins, func(in CreateInput) bool { return len(in.Comment.Uploads) > 0 }) {
			// Uploads are attached comment by comment.
			for i := range ins {
				t, _, err := s.create(ctx, tx, actor, ins[i], pcs[i])
				if err != nil {
					return &ItemError{i, err}
				}
				out[i] = t
			}
			return nil
		}
		return s.createRows(ctx, tx, actor, ins, pcs, out, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ImportMany imports historical tickets in one transaction, all or none
// (imports/tickets/create_many and `frontline import zendesk`); see Import.
func (s *Store) ImportMany(ctx context.Context, actor Actor, ins []ImportInput) ([]*Ticket, error) {
	return s.ImportManyWith(ctx, actor, ins, nil)
}

// ImportManyWith is ImportMany that runs then in the same transaction once
// the tickets are written (an importer records what it copied in the same
// commit).
func (s *Store) ImportManyWith(ctx context.Context, actor Actor, ins []ImportInput, then func(ctx context.Context, tx *db.Tx, ts []*Ticket) error) ([]*Ticket, error) {
	ctx = WithHistory(ctx)
	pcs := make([]*pendingComment, len(ins))
	for i := range ins {
		if err := s.checkImport(&ins[i]); err != nil {
			return nil, &ItemError{i, err}
		}
		pc, err := s.renderComment(&ins[i].Comment, ins[i].Via)
		if err != nil {
			return nil, &ItemError{i, err}
		}
		pcs[i] = pc
	}
	out := make([]*Ticket, len(ins))
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		ctx := withUserMemo(ctx)
		start := tx.Now
		var refs []int64
		for _, in := range ins {
			refs = append(refs, in.RequesterID, in.SubmitterID)
			if in.AssigneeID != nil {
				refs = append(refs, *in.AssigneeID)
			}
			if in.Comment.AuthorID != nil {
				refs = append(refs, *in.Comment.AuthorID)
			}
			for _, c := range in.Comments {
				if c.AuthorID != nil {
					refs = append(refs, *c.AuthorID)
				}
			}
			refs = append(refs, in.CollaboratorIDs...)
		}
		if err := s.prefetchUsers(ctx, tx, refs...); err != nil {
			return err
		}
		if importBatchable(ins) {
			return s.importRows(ctx, tx, actor, ins, pcs, out, then)
		}
		for i := range ins {
			tx.Now = start
			t, err := s.importTx(ctx, tx, actor, &ins[i], pcs[i])
			if err != nil {
				return &ItemError{i, err}
			}
			out[i] = t
		}
		if then != nil {
			return then(ctx, tx, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertRows runs one multi-row INSERT (prefix, then rows of cols values)
// returning the new ids in the order of the rows: both engines number the
// rows of one statement in increasing order, so the sorted ids are the
// rows' ids.
func insertRows(ctx context.Context, tx *db.Tx, prefix string, cols int, args []any) ([]int64, error) {
	rows := len(args) / cols
	rs, err := tx.QueryContext(ctx, prefix+" "+tx.Dialect.ValuesRows(rows, cols)+" RETURNING id", args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	ids := make([]int64, 0, rows)
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if len(ids) != rows {
		return nil, fmt.Errorf("ticket: multi-row insert returned %d ids for %d rows", len(ids), rows)
	}
	slices.Sort(ids)
	return ids, nil
}

// createRows is Create for many tickets in tx with one statement per table
// (tickets, their first comments, their creation audits, collaborators),
// then each ticket's hooks in order.
func (s *Store) createRows(ctx context.Context, tx *db.Tx, actor Actor, ins []CreateInput, pcs []*pendingComment, out []*Ticket, times []rowTimes) error {
	type row struct {
		t        *Ticket
		cf, src  string
		prepared any
		now, upd time.Time
	}
	start := tx.Now
	defer func() { tx.Now = start }()
	rows := make([]row, len(ins))
	var tArgs []any
	for i := range ins {
		in := &ins[i]
		pc := pcs[i]
		now, upd := start, start
		if times != nil {
			now, upd = times[i].created, times[i].updated
		}
		t, err := newTicket(in, pc.plain, change{actor: actor, now: now, limits: s.Limits()})
		if err != nil {
			return &ItemError{i, err}
		}
		if times != nil && t.SolvedAt != nil && times[i].solved != nil {
			t.SolvedAt = times[i].solved
		}
		pc.authorID = commentAuthor(&in.Comment, actor, t.RequesterID)
		if in.OrganizationID == nil && t.RequesterID != 0 {
			_, org, _, err := s.userInfo(ctx, tx, t.RequesterID)
			if err != nil {
				return &ItemError{i, err}
			}
			t.OrganizationID = org
		}
		if err := s.checkRefs(ctx, tx, nil, t); err != nil {
			return &ItemError{i, err}
		}
		if t.BrandID, err = s.brandOf(ctx, tx, in.BrandID, t.RequesterID); err != nil {
			return &ItemError{i, err}
		}
		cf, err := mustJSON(t.CustomFields)
		if err != nil {
			return &ItemError{i, err}
		}
		src, err := mustJSON(t.Via.Source)
		if err != nil {
			return &ItemError{i, err}
		}
		if err := s.checkAuthor(ctx, tx, pc.authorID); err != nil {
			return &ItemError{i, err}
		}
		sortKey, prepared := int64(NoSortKey), any(nil)
		if s.prepare != nil {
			if sortKey, prepared, err = s.prepare(ctx, tx, Draft{Ticket: t, CommentAuthorID: pc.authorID, CommentPublic: pc.public}); err != nil {
				return &ItemError{i, err}
			}
		}
		rows[i] = row{t: t, cf: cf, src: src, prepared: prepared, now: now, upd: upd}
		tArgs = append(tArgs, nullStr(t.ExternalID), nullStr(t.Type), t.Subject, t.RawSubject, t.Description, nullStr(t.Priority),
			t.Status, t.Recipient, t.RequesterID, t.SubmitterID, nullInt(t.AssigneeID), nullInt(t.OrganizationID), nullInt(t.GroupID),
			tags.Encode(t.Tags), cf, t.Via.Channel, src, nullInt(t.ProblemID), db.TSp(t.DueAt), t.IsPublic, db.TSp(t.SolvedAt),
			db.TS(now), db.TS(upd), sortKey, nullStr(t.PublicDescription), t.BrandID)
	}
	ids, err := insertRows(ctx, tx, s.q.Get("InsertTicketsPrefix"), 26, tArgs)
	if err != nil {
		return externalConflict(err)
	}
	var cArgs, collArgs []any
	for i, r := range rows {
		r.t.ID = ids[i]
		pc := pcs[i]
		pc.via = r.t.Via
		if ins[i].Comment.Via != nil {
			pc.via = ins[i].Comment.Via.normalized()
		}
		csrc, err := mustJSON(pc.via.Source)
		if err != nil {
			return &ItemError{i, err}
		}
		cArgs = append(cArgs, ids[i], pc.authorID, pc.body, pc.htmlBody, pc.plain, pc.public, pc.via.Channel, csrc, db.TS(r.now))
		for _, u := range r.t.CollaboratorIDs {
			collArgs = append(collArgs, ids[i], u)
		}
	}
	cids, err := insertRows(ctx, tx, s.q.Get("InsertCommentsPrefix"), 9, cArgs)
	if err != nil {
		return db.MapError(err, "comment")
	}
	if len(collArgs) > 0 {
		if _, err := tx.ExecContext(ctx, s.q.Get("InsertCollaboratorsPrefix")+" "+tx.Dialect.ValuesRows(len(collArgs)/2, 2), collArgs...); err != nil {
			return db.MapError(err, "collaborator")
		}
	}
	comments := make([]*Comment, len(rows))
	evs := make([]string, len(rows))
	var aArgs []any
	var author any
	if actor.UserID != 0 {
		author = actor.UserID
	}
	for i, r := range rows {
		pc := pcs[i]
		comments[i] = &Comment{ID: cids[i], TicketID: ids[i], Type: "Comment", AuthorID: pc.authorID, Body: pc.body, HTMLBody: pc.htmlBody,
			PlainBody: pc.plain, Public: pc.public, Via: pc.via, CreatedAt: r.now, Attachments: []Attachment{}}
		ev, err := mustJSON(append([]storedEvent{{Type: EventComment, CommentID: cids[i]}}, createEvents(r.t)...))
		if err != nil {
			return &ItemError{i, err}
		}
		evs[i] = ev
		aArgs = append(aArgs, ids[i], author, r.t.Via.Channel, r.src, ev, db.TS(r.now))
	}
	aids, err := insertRows(ctx, tx, s.q.Get("InsertAuditsPrefix"), 6, aArgs)
	if err != nil {
		return err
	}
	for i, r := range rows {
		tx.Now = r.now
		a := &Audit{ID: aids[i], TicketID: ids[i], AuthorID: actor.UserID, CreatedAt: r.now, Via: r.t.Via}
		c := comments[i]
		if a.Events, err = decodeEvents(aids[i], evs[i], func(int64) *Comment { return c }); err != nil {
			return err
		}
		t := asStored(r.t, ids[i], tx, r.cf, r.src)
		t.UpdatedAt, t.UpdatedStamp = r.upd, r.upd
		if len(s.hooks) > 0 {
			changed, err := s.runHooks(ctx, tx, &Change{Actor: actor, Ticket: t, Audit: a, Comment: c, Prepared: r.prepared})
			if err != nil {
				return &ItemError{i, err}
			}
			if changed {
				if t, err = s.getTicket(ctx, tx, ids[i]); err != nil {
					return err
				}
			}
		}
		out[i] = t
	}
	return nil
}

// rowTimes are an imported ticket's times (createRows).
type rowTimes struct {
	created, updated time.Time
	solved           *time.Time
}

// importBatchable reports whether a batch of imports can take the
// multi-row path: no uploads (attached comment by comment) and no ticket
// whose first public comment follows internal ones (update makes it
// public with its public description).
func importBatchable(ins []ImportInput) bool {
	for _, in := range ins {
		if len(in.Comment.Uploads) > 0 {
			return false
		}
		public := in.Comment.IsPublic()
		for _, c := range in.Comments {
			if len(c.Uploads) > 0 || (!public && c.IsPublic() && !c.empty()) {
				return false
			}
		}
	}
	return true
}

// importRows is ImportMany's multi-row path: the tickets in their final
// state with their times (createRows), then every further comment of the
// batch and its audit in one statement each, then each ticket's history
// hooks once (the search index).
func (s *Store) importRows(ctx context.Context, tx *db.Tx, actor Actor, ins []ImportInput, pcs []*pendingComment, out []*Ticket,
	then func(ctx context.Context, tx *db.Tx, ts []*Ticket) error) error {
	start := tx.Now
	defer func() { tx.Now = start }()
	pick := func(ts ...*time.Time) time.Time {
		for _, t := range ts {
			if t != nil && !t.IsZero() {
				return t.UTC().Truncate(time.Microsecond)
			}
		}
		return start
	}
	creates := make([]CreateInput, len(ins))
	times := make([]rowTimes, len(ins))
	for i := range ins {
		creates[i] = ins[i].CreateInput
		final := StatusNew
		if ins[i].Status != nil {
			final = *ins[i].Status
		}
		creates[i].Status = &final
		times[i] = rowTimes{created: pick(ins[i].CreatedAt), updated: pick(ins[i].UpdatedAt, ins[i].CreatedAt)}
		if ins[i].SolvedAt != nil && !ins[i].SolvedAt.IsZero() {
			v := ins[i].SolvedAt.UTC().Truncate(time.Microsecond)
			times[i].solved = &v
		} else if final == StatusSolved || final == StatusClosed {
			v := times[i].updated
			times[i].solved = &v
		}
	}
	if err := s.createRows(ctx, tx, actor, creates, pcs, out, times); err != nil {
		return err
	}
	type further struct {
		ticket int
		pc     *pendingComment
		at     time.Time
	}
	var fs []further
	for i, in := range ins {
		for _, c := range in.Comments {
			ci := c.CommentInput
			if ci.empty() {
				continue
			}
			pc, err := s.renderComment(&ci, in.Via)
			if err != nil {
				return &ItemError{i, err}
			}
			pc.authorID = commentAuthor(&ci, actor, out[i].RequesterID)
			pc.via = Via{}.normalized()
			if in.Via != nil {
				pc.via = in.Via.normalized()
			}
			if ci.Via != nil {
				pc.via = ci.Via.normalized()
			}
			if err := s.checkAuthor(ctx, tx, pc.authorID); err != nil {
				return &ItemError{i, err}
			}
			fs = append(fs, further{i, pc, pick(c.CreatedAt, in.CreatedAt)})
		}
	}
	if len(fs) > 0 {
		var cArgs []any
		for _, f := range fs {
			src, err := mustJSON(f.pc.via.Source)
			if err != nil {
				return err
			}
			cArgs = append(cArgs, out[f.ticket].ID, f.pc.authorID, f.pc.body, f.pc.htmlBody, f.pc.plain, f.pc.public, f.pc.via.Channel, src, db.TS(f.at))
		}
		cids, err := insertRows(ctx, tx, s.q.Get("InsertCommentsPrefix"), 9, cArgs)
		if err != nil {
			return db.MapError(err, "comment")
		}
		var author any
		if actor.UserID != 0 {
			author = actor.UserID
		}
		var aArgs []any
		evs := make([]string, len(fs))
		for k, f := range fs {
			src, _ := mustJSON(f.pc.via.Source)
			if evs[k], err = mustJSON([]storedEvent{{Type: EventComment, CommentID: cids[k]}}); err != nil {
				return err
			}
			aArgs = append(aArgs, out[f.ticket].ID, author, f.pc.via.Channel, src, evs[k], db.TS(f.at))
		}
		aids, err := insertRows(ctx, tx, s.q.Get("InsertAuditsPrefix"), 6, aArgs)
		if err != nil {
			return err
		}
		if len(s.hooks) > 0 {
			// Each ticket's history hooks learn of its comments once, with
			// its last comment.
			for k, f := range fs {
				if k+1 < len(fs) && fs[k+1].ticket == f.ticket {
					continue
				}
				c := &Comment{ID: cids[k], TicketID: out[f.ticket].ID, Type: "Comment", AuthorID: f.pc.authorID, Body: f.pc.body,
					HTMLBody: f.pc.htmlBody, PlainBody: f.pc.plain, Public: f.pc.public, Via: f.pc.via, CreatedAt: f.at, Attachments: []Attachment{}}
				a := &Audit{ID: aids[k], TicketID: c.TicketID, AuthorID: actor.UserID, CreatedAt: f.at, Via: f.pc.via}
				if a.Events, err = decodeEvents(aids[k], evs[k], func(int64) *Comment { return c }); err != nil {
					return err
				}
				tx.Now = f.at
				if _, err := s.runHooks(ctx, tx, &Change{Actor: actor, Prev: out[f.ticket], Ticket: out[f.ticket], Audit: a, Comment: c}); err != nil {
					return &ItemError{f.ticket, err}
				}
			}
		}
	}
	tx.Now = start
	if then != nil {
		return then(ctx, tx, out)
	}
	return nil
}
