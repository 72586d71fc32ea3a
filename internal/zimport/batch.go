package zimport

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/ticket"
)

// batchSize is how many new tickets one transaction imports.
const batchSize = 50

// pendingTicket is a new source ticket read for a batch.
type pendingTicket struct {
	raw      json.RawMessage
	b        base
	in       ticket.ImportInput
	comments []int64 // source ids of its comments, in order
}

// tickets imports a page of source tickets: the new ones in batches (each
// batch with its import-map rows in one transaction: ticket.Store.
// ImportManyWith), the others (already copied, changed, or interrupted
// inside a ticket by an earlier run) one by one. A batch that fails is
// imported ticket by ticket, so that each failure is reported for its own
// ticket.
func (im *Importer) tickets(ctx context.Context, items []json.RawMessage) error {
	var batch []pendingTicket
	flush := func() {
		if len(batch) > 0 {
			im.importBatch(ctx, batch)
			batch = batch[:0]
		}
	}
	for _, raw := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		var b base
		if json.Unmarshal(raw, &b) != nil || b.ID == 0 {
			im.one(ctx, "tickets", raw)
			continue
		}
		if _, _, ok := im.lookup(ctx, "tickets", b.ID); ok {
			im.one(ctx, "tickets", raw)
			continue
		}
		p, err := im.pending(ctx, b, raw)
		if err != nil {
			im.one(ctx, "tickets", raw) // reports the failure as the single path does
			continue
		}
		batch = append(batch, *p)
		if len(batch) == batchSize {
			flush()
		}
	}
	flush()
	return nil
}

// pending reads a new ticket as an import: its comments, authors,
// attachments (uploaded first) and every reference mapped.
func (im *Importer) pending(ctx context.Context, b base, raw json.RawMessage) (*pendingTicket, error) {
	var st srcTicket
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, err
	}
	raws, err := im.Src.Comments(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	var cs []srcComment
	for _, r := range raws {
		var c srcComment
		if json.Unmarshal(r, &c) == nil {
			cs = append(cs, c)
		}
	}
	requester := im.mapped(ctx, "users", st.RequesterID)
	if requester == nil {
		return nil, fmt.Errorf("its requester was not imported")
	}
	var cfs []ticket.CustomField
	for _, cf := range st.CustomFields {
		if cf.Value == nil {
			continue
		}
		if id := im.mapped(ctx, "ticket_fields", &cf.ID); id != nil {
			cfs = append(cfs, ticket.CustomField{ID: *id, Value: cf.Value})
		}
	}
	ccs := []int64{}
	for _, src := range st.CollaboratorIDs {
		if id := im.mapped(ctx, "users", &src); id != nil {
			ccs = append(ccs, *id)
		}
	}
	p := &pendingTicket{raw: raw, b: b}
	first := srcComment{AuthorID: ptr(st.RequesterID), Body: st.Description, Public: true, CreatedAt: st.CreatedAt}
	if len(cs) > 0 {
		first, cs = cs[0], cs[1:]
	}
	ci, err := im.comment(ctx, &st, first)
	if err != nil {
		return nil, err
	}
	p.comments = append(p.comments, first.ID)
	in := ticket.CreateInput{Subject: st.Subject, Comment: *ci, RequesterID: *requester, AssigneeID: im.staff(ctx, st.AssigneeID),
		GroupID: im.mapped(ctx, "groups", st.GroupID), OrganizationID: im.mapped(ctx, "organizations", st.OrganizationID),
		Status: &st.Status, Priority: st.Priority, Type: st.Type, Tags: st.Tags, CollaboratorIDs: ccs, CustomFields: cfs,
		ExternalID: st.ExternalID, Via: via(st.Via.Channel), DueAt: st.DueAt}
	if st.Status == "" {
		in.Status = nil
	}
	if sub := im.mapped(ctx, "users", st.SubmitterID); sub != nil {
		in.SubmitterID = *sub
	}
	if in.OrganizationID == nil {
		zero := int64(0)
		in.OrganizationID = &zero
	}
	p.in = ticket.ImportInput{CreateInput: in, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt}
	if st.Status == ticket.StatusSolved || st.Status == ticket.StatusClosed {
		p.in.SolvedAt = st.UpdatedAt
	}
	for _, c := range cs {
		ci, err := im.comment(ctx, &st, c)
		if err != nil {
			im.unmapped("ticket %d: %v", st.ID, err)
			continue
		}
		p.in.Comments = append(p.in.Comments, ticket.ImportComment{CommentInput: *ci, CreatedAt: c.CreatedAt})
		p.comments = append(p.comments, c.ID)
	}
	if im.T.Ratings == nil && st.SatisfactionRating != nil && st.SatisfactionRating.Score != "" && st.SatisfactionRating.Score != "unoffered" {
		im.unmapped("ticket %d: satisfaction rating %q not imported", st.ID, st.SatisfactionRating.Score)
	}
	return p, nil
}

// importBatch writes a batch of new tickets and their import-map rows in
// one transaction; on failure each ticket goes the single path.
func (im *Importer) importBatch(ctx context.Context, batch []pendingTicket) {
	ins := make([]ticket.ImportInput, len(batch))
	for i := range batch {
		ins[i] = batch[i].in
	}
	type mapRow struct {
		kind    string
		src, id int64
		updated string
	}
	var rows []mapRow
	_, err := im.T.Tickets.ImportManyWith(ctx, system, ins, func(ctx context.Context, tx *db.Tx, ts []*ticket.Ticket) error {
		rows = rows[:0]
		var args []any
		for i, t := range ts {
			rows = append(rows, mapRow{"tickets", batch[i].b.ID, t.ID, stamp(batch[i].b)})
			for _, c := range batch[i].comments {
				if c != 0 {
					rows = append(rows, mapRow{"comments", c, t.ID, ""})
				}
			}
		}
		for _, r := range rows {
			args = append(args, im.Src.Name(), r.kind, strconv.FormatInt(r.src, 10), r.id, r.updated)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO import_map (source, kind, source_id, target_id, source_updated) VALUES "+
			tx.Dialect.ValuesRows(len(rows), 5), args...)
		return err
	})
	if err != nil {
		for _, p := range batch {
			im.one(ctx, "tickets", p.raw)
		}
		return
	}
	for _, r := range rows {
		im.remember(r.kind, strconv.FormatInt(r.src, 10), mapEntry{r.id, r.updated})
	}
	c := im.rep.Counts["tickets"]
	c.Seen += len(batch)
	c.Created += len(batch)
}
