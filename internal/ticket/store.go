package ticket

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
	"github.com/frontline/frontline/internal/markup"
	"github.com/frontline/frontline/internal/tags"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Store persists tickets. Every write runs in one transaction together with
// its ticket audit (ticket audits are their own table; the general audit log
// is not written for tickets).
type Store struct {
	d        *db.DB
	q        *db.Queries
	audit    *audit.Log
	md       *markup.Renderer
	dir      string
	maxBytes int64
	limits   limits.Limits
	hooks    []Hook
	history  map[int]bool // indexes of hooks that run for history too (imports)
	restored []func(ctx context.Context, tx *db.Tx, id int64) error
	prepare  Preparer
	// partition scopes List and Count to the caller (ScopeLists).
	partition PartitionOf
	// tierPriority is the priority a new ticket without one takes from its
	// organization's tier (SetDefaultPriorities).
	tierPriority map[string]string
}

// SetDefaultPriorities makes a new ticket created without a priority take
// the one its organization's tier maps to (case-insensitive), so that its
// SLA clock starts at once instead of waiting for triage; a tier not in
// the map, or no organization, leaves it unset. Call it while wiring.
func (s *Store) SetDefaultPriorities(byTier map[string]string) error {
	m := map[string]string{}
	for tier, p := range byTier {
		if !ValidPriority(p) {
			return errs.Invalid("priority", fmt.Sprintf("%q is not a priority (low, normal, high, urgent)", p))
		}
		m[strings.ToLower(strings.TrimSpace(tier))] = p
	}
	s.tierPriority = m
	return nil
}

// defaultPriority is the priority of organization org's tier, or "".
func (s *Store) defaultPriority(ctx context.Context, tx *db.Tx, org int64) (string, error) {
	if len(s.tierPriority) == 0 {
		return "", nil
	}
	var tier string
	err := tx.QueryRowContext(ctx, s.q.Get("OrganizationTier"), org).Scan(&tier)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s.tierPriority[strings.ToLower(tier)], err
}

// SetLimits sets the size limits (zero fields: the defaults); call it while
// wiring, before the store is used.
func (s *Store) SetLimits(l limits.Limits) { s.limits = l.OrDefault() }

// Limits returns the size limits in force.
func (s *Store) Limits() limits.Limits { return s.limits.OrDefault() }

// Draft is a ticket about to be created: the ticket without its id, and its
// first comment's author and visibility.
type Draft struct {
	Ticket          *Ticket
	CommentAuthorID int64
	CommentPublic   bool
}

// NoSortKey is the queue sort key (tickets.sla_next_breach_at) of a ticket
// without a running SLA target: the largest BIGINT, so the column is never
// NULL.
const NoSortKey = math.MaxInt64

// Preparer runs inside a ticket creation's transaction before the ticket
// row is written. It returns the row's queue sort key and a value the
// change hooks get as Change.Prepared, so the SLA service computes a new
// ticket's targets once and the row is written once.
type Preparer func(ctx context.Context, tx *db.Tx, d Draft) (sortKey int64, prepared any, err error)

// OnPrepare sets the preparer (there is one: the SLA service); call it while
// wiring, before the store is used.
func (s *Store) OnPrepare(p Preparer) { s.prepare = p }

// Change describes one committed-to-be change of a ticket, handed to hooks
// inside the writing transaction. Prev is nil for a created ticket. Comment
// is the comment added by the change, if any. Depth counts how many hook
// rounds led to this change (0 for a change made by a person or the API),
// so a hook that writes (triggers) can bound its own recursion.
type Change struct {
	Actor   Actor
	Prev    *Ticket
	Ticket  *Ticket
	Audit   *Audit
	Comment *Comment
	Depth   int
	// Prepared is what the preparer returned for a created ticket.
	Prepared any
}

// Created reports whether the change created the ticket.
func (c *Change) Created() bool { return c.Prev == nil }

// Hook runs inside the transaction of every ticket create, update, merge
// step and tag change, after the ticket and its audit are written. An error
// rolls the whole change back. Hooks keep SLA timers, rules and the mail
// outbox consistent with the ticket they describe.
type Hook func(ctx context.Context, tx *db.Tx, c *Change) error

// OnChange registers h; call it while wiring, before the store is used.
func (s *Store) OnChange(h Hook) { s.hooks = append(s.hooks, h) }

// OnHistoryChange registers h as a hook that runs for imported history
// too (the search index); the other hooks (triggers, SLAs, mail) do not
// run for an import, as in Zendesk's ticket import.
func (s *Store) OnHistoryChange(h Hook) {
	if s.history == nil {
		s.history = map[int]bool{}
	}
	s.history[len(s.hooks)] = true
	s.hooks = append(s.hooks, h)
}

type historyKey struct{}

func isHistory(ctx context.Context) bool { v, _ := ctx.Value(historyKey{}).(bool); return v }

type depthKey struct{}

// hookDepth is the hook round a context is in (see Change.Depth).
func hookDepth(ctx context.Context) int {
	d, _ := ctx.Value(depthKey{}).(int)
	return d
}

// hookWrites counts the ticket updates hooks make through UpdateTx, so
// that the ticket is read again only when one of them changed it.
type hookWrites struct{ n int }

type writesKey struct{}

// runHooks runs the hooks for c and reports whether they updated the
// ticket (through UpdateTx; SLA's sort key is not part of Ticket).
func (s *Store) runHooks(ctx context.Context, tx *db.Tx, c *Change) (changed bool, err error) {
	c.Depth = hookDepth(ctx)
	w := &hookWrites{}
	hctx := context.WithValue(context.WithValue(ctx, depthKey{}, c.Depth+1), writesKey{}, w)
	history := isHistory(ctx)
	for i, h := range s.hooks {
		if history && !s.history[i] {
			continue // an imported change runs only the hooks of history (the search index)
		}
		if err := h(hctx, tx, c); err != nil {
			return false, err
		}
	}
	return w.n > 0, nil
}

// UpdateTx is Update inside a transaction the caller holds (a hook's).
// Hooks run again for the change, with Change.Depth one higher.
func (s *Store) UpdateTx(ctx context.Context, tx *db.Tx, actor Actor, id int64, in UpdateInput) (*Ticket, *Audit, error) {
	return s.update(ctx, tx, actor, id, &in)
}

// GetTx reads a ticket inside a transaction the caller holds.
func (s *Store) GetTx(ctx context.Context, tx *db.Tx, id int64) (*Ticket, error) {
	return s.getTicket(ctx, tx, id)
}

// NewStore returns the ticket store of d. Uploaded files are kept under
// attachmentsDir; maxAttachmentBytes bounds one upload (0 = unlimited).
func NewStore(d *db.DB, a *audit.Log, attachmentsDir string, maxAttachmentBytes int64) *Store {
	return &Store{
		d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), audit: a, md: markup.New(),
		dir: attachmentsDir, maxBytes: maxAttachmentBytes, limits: limits.Default(),
	}
}

// Page bounds a list of comments or audits: keyset (AfterID, exclusive, in
// the direction of the sort) or offset pagination.
type Page struct {
	AfterID int64
	Offset  int
	Limit   int // default 100, at most 1000
	Desc    bool
	// PublicOnly leaves internal notes out (comments only), for customers.
	PublicOnly bool
}

func limitOf(n int) int {
	if n <= 0 {
		return 100
	}
	return min(n, 1000)
}

// --- encoding helpers ----------------------------------------------------------

// idList stores ids as " 1 2 " (for the LIKE-based filters).
func idList(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(' ')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(' ')
	}
	return b.String()
}

func decodeIDs(s string) []int64 {
	out := []int64{}
	for _, f := range strings.Fields(s) {
		if v, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func mustJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeJSON decodes s into v keeping numbers exact (see normalize).
func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}

// normalize turns decoded JSON into Go values: integral numbers become
// int64, other numbers float64, arrays of strings []string, arrays of
// integers []int64.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		if len(x) == 0 {
			return x
		}
		for i := range x {
			x[i] = normalize(x[i])
		}
		if strs, ok := allOf[string](x); ok {
			return strs
		}
		if ints, ok := allOf[int64](x); ok {
			return ints
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
		return x
	}
	return v
}

func allOf[T any](x []any) ([]T, bool) {
	out := make([]T, 0, len(x))
	for _, e := range x {
		v, ok := e.(T)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

func decodeVia(channel, source string) Via {
	v := Via{Channel: channel, Source: map[string]any{}}
	if source != "" {
		var m map[string]any
		if decodeJSON(source, &m) == nil && m != nil {
			v.Source = normalize(m).(map[string]any)
		}
	}
	return v
}

func decodeCustomFields(s string) []CustomField {
	out := []CustomField{}
	if s == "" {
		return out
	}
	if err := decodeJSON(s, &out); err != nil {
		return []CustomField{}
	}
	for i := range out {
		out[i].Value = normalize(out[i].Value)
	}
	return out
}

// --- scanning ------------------------------------------------------------------

type scanner = db.Scanner

func scanTicket(r scanner) (*Ticket, error) {
	var t Ticket
	var assignee, org, group, problem, merged sql.NullInt64
	var ext, typ, prio, pubDesc sql.NullString
	var tagText, cf, viaCh, viaSrc, collabs string
	err := r.Scan(&t.ID, &ext, &typ, &t.Subject, &t.RawSubject, &t.Description, &prio, &t.Status, &t.Recipient,
		&t.RequesterID, &t.SubmitterID, &assignee, &org, &group, &tagText, &cf, &viaCh, &viaSrc, &problem, &merged,
		db.TimePtr(&t.DueAt), &t.IsPublic, db.TimePtr(&t.SolvedAt), db.Time(&t.CreatedAt), db.Time(&t.UpdatedAt),
		&pubDesc, &t.HasIncidents, &collabs, &t.BrandID)
	if err != nil {
		return nil, err
	}
	str := func(n sql.NullString) *string {
		if !n.Valid {
			return nil
		}
		return &n.String
	}
	num := func(n sql.NullInt64) *int64 {
		if !n.Valid {
			return nil
		}
		return &n.Int64
	}
	t.ExternalID, t.Type, t.Priority, t.PublicDescription = str(ext), str(typ), str(prio), str(pubDesc)
	t.AssigneeID, t.OrganizationID, t.GroupID, t.ProblemID, t.MergedIntoID = num(assignee), num(org), num(group), num(problem), num(merged)
	t.Tags = tags.Decode(tagText)
	t.CustomFields = decodeCustomFields(cf)
	t.Via = decodeVia(viaCh, viaSrc)
	t.CollaboratorIDs = decodeIDs(collabs)
	t.EmailCCIDs = t.CollaboratorIDs
	t.UpdatedStamp = t.UpdatedAt
	return &t, nil
}

func scanComment(r scanner) (*Comment, error) {
	var c Comment
	var viaCh, viaSrc string
	err := r.Scan(&c.ID, &c.TicketID, &c.AuthorID, &c.Body, &c.HTMLBody, &c.PlainBody, &c.Public, &viaCh, &viaSrc,
		db.Time(&c.CreatedAt))
	if err != nil {
		return nil, err
	}
	c.Type = "Comment"
	c.Via = decodeVia(viaCh, viaSrc)
	c.Attachments = []Attachment{}
	return &c, nil
}

func scanAttachment(r scanner) (*Attachment, error) {
	var a Attachment
	var ticket, comment, author sql.NullInt64
	err := r.Scan(&a.ID, &a.Token, &ticket, &comment, &a.FileName, &a.ContentType, &a.Size, &a.SHA256, &author,
		db.Time(&a.CreatedAt))
	if err != nil {
		return nil, err
	}
	if ticket.Valid {
		a.TicketID = &ticket.Int64
	}
	if comment.Valid {
		a.CommentID = &comment.Int64
	}
	if author.Valid {
		a.AuthorID = &author.Int64
	}
	return &a, nil
}

func (s *Store) getTicket(ctx context.Context, tx *db.Tx, id int64) (*Ticket, error) {
	t, err := scanTicket(tx.QueryRowContext(ctx, s.q.Get("GetTicket"), id))
	if err != nil {
		return nil, db.MapError(err, "ticket")
	}
	return t, nil
}

// Get returns one ticket.
func (s *Store) Get(ctx context.Context, id int64) (*Ticket, error) {
	t, err := scanTicket(rowFunc(func(dest ...any) error { return s.d.QueryRow(ctx, s.q.Get("GetTicket"), []any{id}, dest...) }))
	if err != nil {
		return nil, db.MapError(err, "ticket")
	}
	return t, nil
}

// rowFunc is a scanner made of a function.
type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }

// GetMany returns the tickets with the given ids, in that order; unknown ids are skipped.
func (s *Store) GetMany(ctx context.Context, ids []int64) ([]Ticket, error) {
	return db.ReadMany(ctx, s.d, ids, func(tx *db.Tx, id int64) (*Ticket, error) { return s.getTicket(ctx, tx, id) })
}

// ByExternalID returns the oldest ticket with the given external id.
func (s *Store) ByExternalID(ctx context.Context, ext string) (t *Ticket, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		t, err = scanTicket(tx.QueryRowContext(ctx, s.q.Get("TicketByExternalID"), ext))
		return db.MapError(err, "ticket")
	})
	return t, err
}

// --- reference checks ----------------------------------------------------------

// userInfo returns a user's role and organization; ok is false when the user
// does not exist.
func (s *Store) userInfo(ctx context.Context, tx *db.Tx, id int64) (role string, org *int64, ok bool, err error) {
	memo := memoOf(ctx)
	if u, hit := memo.get(id); hit {
		return u.role, u.org, u.ok, nil
	}
	var o sql.NullInt64
	var b int64
	err = tx.QueryRowContext(ctx, s.q.Get("UserRoleOrg"), id).Scan(&role, &o, &b)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	} else if err != nil {
		return "", nil, false, err
	} else {
		ok = true
	}
	if o.Valid {
		org = &o.Int64
	}
	memo.put(id, userRow{role: role, org: org, ok: ok, brand: b})
	return role, org, ok, nil
}

// prefetchUsers reads the users a write is about to look up (requester,
// submitter, assignee, comment author, collaborators) with one query into
// the write's memo.
func (s *Store) prefetchUsers(ctx context.Context, tx *db.Tx, ids ...int64) error {
	memo := memoOf(ctx)
	if memo == nil {
		return nil
	}
	var want []int64
	for _, id := range ids {
		if _, hit := memo.get(id); !hit && id > 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	if len(want) < 2 {
		return nil // one lookup is one query either way
	}
	args := make([]any, len(want))
	for i, id := range want {
		args[i] = id
	}
	// One "row" of len(want) markers is the parenthesised IN list.
	rows, err := tx.QueryContext(ctx, s.q.Get("UsersRoleOrg")+" "+tx.Dialect.ValuesRows(1, len(want)), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u userRow
		var o sql.NullInt64
		if err := rows.Scan(&id, &u.role, &o, &u.brand); err != nil {
			return err
		}
		if o.Valid {
			u.org = &o.Int64
		}
		u.ok = true
		memo.put(id, u)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range want {
		if _, hit := memo.get(id); !hit {
			memo.put(id, userRow{}) // no such user
		}
	}
	return nil
}

// userMemo remembers the users one write looked up (the requester is the
// organization default, a checked reference and often the comment's
// author), and so the organizations known to exist: a user's organization
// does (the reference is a foreign key). It lives for one Create or Update
// call only.
type userMemo struct {
	users map[int64]userRow
	orgs  map[int64]bool
}

func (m *userMemo) get(id int64) (userRow, bool) {
	if m == nil {
		return userRow{}, false
	}
	u, ok := m.users[id]
	return u, ok
}

func (m *userMemo) put(id int64, u userRow) {
	if m == nil {
		return
	}
	m.users[id] = u
	if u.org != nil {
		m.orgs[*u.org] = true
	}
}

// orgExists reports whether the write already knows organization id exists.
func (m *userMemo) orgExists(id int64) bool { return m != nil && m.orgs[id] }

type userRow struct {
	role  string
	org   *int64
	ok    bool
	brand int64 // the brand new tickets of the user take (brandOf)
}

type userMemoKey struct{}

func memoOf(ctx context.Context) *userMemo {
	m, _ := ctx.Value(userMemoKey{}).(*userMemo)
	return m
}

func withUserMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, userMemoKey{}, &userMemo{users: map[int64]userRow{}, orgs: map[int64]bool{}})
}

// asStored returns the new ticket t, inserted with id in tx, as getTicket
// would read it back (encodings normalised, times at the database's
// microsecond precision), so that creating a ticket need not read it again.
// TestCreateReturnsTheStoredTicket holds the two equal.
func asStored(t *Ticket, id int64, tx *db.Tx, cf, src string) *Ticket {
	out := *t
	out.ID = id
	out.ExternalID, out.Type, out.Priority = copyPtr(t.ExternalID), copyPtr(t.Type), copyPtr(t.Priority)
	out.PublicDescription = copyPtr(t.PublicDescription)
	out.AssigneeID, out.OrganizationID, out.GroupID, out.ProblemID = copyPtr(t.AssigneeID), copyPtr(t.OrganizationID), copyPtr(t.GroupID), copyPtr(t.ProblemID)
	out.MergedIntoID = nil
	out.Tags = tags.Decode(tags.Encode(t.Tags))
	out.CustomFields = decodeCustomFields(cf)
	out.Via = decodeVia(t.Via.Channel, src)
	ids := slices.Clone(t.CollaboratorIDs)
	slices.Sort(ids)
	out.CollaboratorIDs = append([]int64{}, slices.Compact(ids)...)
	out.EmailCCIDs = out.CollaboratorIDs
	out.HasIncidents = false
	out.DueAt, out.SolvedAt = microsPtr(t.DueAt), microsPtr(t.SolvedAt)
	now := time.UnixMicro(tx.Now.UnixMicro()).UTC()
	out.CreatedAt, out.UpdatedAt, out.UpdatedStamp = now, now, now
	return &out
}

// copyPtr returns a pointer to a copy of *p (nil for nil).
func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func microsPtr(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := time.UnixMicro(p.UnixMicro()).UTC()
	return &v
}

func changedID(prev *Ticket, get func(*Ticket) *int64, t *Ticket) *int64 {
	v := get(t)
	if v == nil {
		return nil
	}
	if prev != nil {
		if p := get(prev); p != nil && *p == *v {
			return nil
		}
	}
	return v
}

// checkRefs verifies the references of t that differ from prev (all of them
// when prev is nil) and reports unknown ones as field errors.
func (s *Store) checkRefs(ctx context.Context, tx *db.Tx, prev, t *Ticket) error {
	var v errs.Validation
	user := func(id int64, field string, staff bool) error {
		role, _, ok, err := s.userInfo(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			v.Add(field, "does not refer to an existing user")
		case staff && !IsStaffRole(role):
			v.Add(field, "must be an agent or admin")
		}
		return nil
	}
	if prev == nil || prev.RequesterID != t.RequesterID {
		if err := user(t.RequesterID, "requester_id", false); err != nil {
			return err
		}
	}
	if prev == nil && t.SubmitterID != t.RequesterID {
		if err := user(t.SubmitterID, "submitter_id", false); err != nil {
			return err
		}
	}
	if id := changedID(prev, func(x *Ticket) *int64 { return x.AssigneeID }, t); id != nil {
		if err := user(*id, "assignee_id", true); err != nil {
			return err
		}
	}
	if id := changedID(prev, func(x *Ticket) *int64 { return x.GroupID }, t); id != nil {
		var deleted bool
		err := tx.QueryRowContext(ctx, s.q.Get("GroupDeleted"), *id).Scan(&deleted)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("group_id", "does not refer to an existing group")
		case err != nil:
			return err
		case deleted:
			v.Add("group_id", "refers to a deleted group")
		}
	}
	if id := changedID(prev, func(x *Ticket) *int64 { return x.OrganizationID }, t); id != nil && !memoOf(ctx).orgExists(*id) {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("OrganizationExists"), *id).Scan(&n); err != nil {
			return err
		}
		v.Check(n > 0, "organization_id", "does not refer to an existing organization")
	}
	if id := changedID(prev, func(x *Ticket) *int64 { return x.ProblemID }, t); id != nil {
		var typ sql.NullString
		var status string
		err := tx.QueryRowContext(ctx, s.q.Get("TicketType"), *id).Scan(&typ, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("problem_id", "does not refer to an existing ticket")
		case err != nil:
			return err
		case typ.String != TypeProblem:
			v.Add("problem_id", "must refer to a problem ticket")
		}
	}
	for _, id := range t.CollaboratorIDs {
		if prev != nil && prev.IsCollaborator(id) {
			continue
		}
		if err := user(id, "collaborator_ids", false); err != nil {
			return err
		}
	}
	return v.Err()
}

// --- writes --------------------------------------------------------------------

// pendingComment is a rendered comment about to be inserted.
type pendingComment struct {
	in                    *CommentInput
	body, htmlBody, plain string
	authorID              int64
	public                bool
	via                   Via
}

// renderComment checks the comment against the limits and renders it. A
// comment that arrives by email (its own via, else the change's) is cut at
// the limit instead of refused.
func (s *Store) renderComment(in *CommentInput, via *Via) (*pendingComment, error) {
	if in.Via != nil {
		via = in.Via
	}
	email := via != nil && via.Channel == ChannelEmail
	body, h, plain, err := renderComment(s.md, in, s.Limits(), "comment", email)
	if err != nil {
		return nil, err
	}
	return &pendingComment{in: in, body: body, htmlBody: h, plain: plain, public: in.IsPublic()}, nil
}

// checkAuthor reports a comment author that is not a user as a field error.
func (s *Store) checkAuthor(ctx context.Context, tx *db.Tx, id int64) error {
	if _, _, ok, err := s.userInfo(ctx, tx, id); err != nil {
		return err
	} else if !ok {
		return errs.Invalid("comment.author_id", "does not refer to an existing user")
	}
	return nil
}

// insertComment adds the comment to ticket id and attaches its uploads.
func (s *Store) insertComment(ctx context.Context, tx *db.Tx, ticketID int64, pc *pendingComment) (*Comment, error) {
	if err := s.checkAuthor(ctx, tx, pc.authorID); err != nil {
		return nil, err
	}
	src, err := mustJSON(pc.via.Source)
	if err != nil {
		return nil, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, s.q.Get("InsertComment"), ticketID, pc.authorID, pc.body, pc.htmlBody, pc.plain,
		pc.public, pc.via.Channel, src, db.TS(tx.Now)).Scan(&id)
	if err != nil {
		return nil, db.MapError(err, "comment")
	}
	c := &Comment{ID: id, TicketID: ticketID, Type: "Comment", AuthorID: pc.authorID, Body: pc.body, HTMLBody: pc.htmlBody,
		PlainBody: pc.plain, Public: pc.public, Via: pc.via, CreatedAt: tx.Now, Attachments: []Attachment{}}
	seen := map[string]bool{}
	for _, tok := range pc.in.Uploads {
		tok = strings.TrimSpace(tok)
		if tok == "" || seen[tok] {
			continue
		}
		seen[tok] = true
		a, err := scanAttachment(tx.QueryRowContext(ctx, s.q.Get("PendingUpload"), tok))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.Invalid("uploads", "token "+tok+" is unknown or already used")
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, s.q.Get("AttachUpload"), a.ID, ticketID, id); err != nil {
			return nil, err
		}
		a.TicketID, a.CommentID, a.Token = &ticketID, &id, ""
		c.Attachments = append(c.Attachments, *a)
	}
	return c, nil
}

// insertAudit stores one audit and returns it as Audits would read it.
func (s *Store) insertAudit(ctx context.Context, tx *db.Tx, ticketID int64, actor Actor, via Via, events []storedEvent, comment *Comment) (*Audit, error) {
	if comment != nil {
		events = append([]storedEvent{{Type: EventComment, CommentID: comment.ID}}, events...)
	}
	evJSON, err := mustJSON(events)
	if err != nil {
		return nil, err
	}
	src, err := mustJSON(via.Source)
	if err != nil {
		return nil, err
	}
	var author any
	if actor.UserID != 0 {
		author = actor.UserID
	}
	var id int64
	err = tx.QueryRowContext(ctx, s.q.Get("InsertAudit"), ticketID, author, via.Channel, src, evJSON, db.TS(tx.Now)).Scan(&id)
	if err != nil {
		return nil, err
	}
	a := &Audit{ID: id, TicketID: ticketID, AuthorID: actor.UserID, CreatedAt: tx.Now, Via: via}
	a.Events, err = decodeEvents(id, evJSON, func(int64) *Comment { return comment })
	return a, err
}

// decodeEvents turns stored events into API events; comment finds the
// comment of a Comment event.
func decodeEvents(auditID int64, s string, comment func(id int64) *Comment) ([]Event, error) {
	var stored []storedEvent
	if err := decodeJSON(s, &stored); err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(stored))
	for i, se := range stored {
		e := Event{ID: auditID*1000 + int64(i) + 1, Type: se.Type, FieldName: se.FieldName,
			Value: normalize(se.Value), PreviousValue: normalize(se.PreviousValue)}
		if se.Type == EventComment {
			e.ID = se.CommentID
			if c := comment(se.CommentID); c != nil {
				e.AuthorID, e.Body, e.HTMLBody, e.PlainBody, e.Public = c.AuthorID, c.Body, c.HTMLBody, c.PlainBody, c.Public
				e.Attachments = c.Attachments
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Store) syncCollaborators(ctx context.Context, tx *db.Tx, id int64, before, after []int64) error {
	for _, u := range after {
		if !slices.Contains(before, u) {
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertCollaborator"), id, u); err != nil {
				return db.MapError(err, "collaborator")
			}
		}
	}
	for _, u := range before {
		if !slices.Contains(after, u) {
			if _, err := tx.ExecContext(ctx, s.q.Get("DeleteCollaborator"), id, u); err != nil {
				return err
			}
		}
	}
	return nil
}

func externalConflict(err error) error {
	if db.IsUnique(err) {
		return errs.Invalid("external_id", "has already been taken")
	}
	return db.MapError(err, "ticket")
}

// commentAuthor picks the author of a comment: the one given, else the
// actor, else fallback (the requester, for comments made by the system).
func commentAuthor(in *CommentInput, actor Actor, fallback int64) int64 {
	if in.AuthorID != nil && *in.AuthorID != 0 {
		return *in.AuthorID
	}
	if actor.UserID != 0 {
		return actor.UserID
	}
	return fallback
}

// CheckCreate runs the checks of Create that need no database (text,
// limits, field values), so that a caller can refuse a creation before
// doing anything else for it (the API creates an inline requester first).
func (s *Store) CheckCreate(actor Actor, in CreateInput) error {
	pc, err := s.renderComment(&in.Comment, in.Via)
	if err != nil {
		return err
	}
	if in.RequesterID == 0 && actor.UserID == 0 {
		in.RequesterID = 1 // resolved later; only the other fields are checked here
	}
	_, err = newTicket(&in, pc.plain, change{actor: actor, limits: s.Limits()})
	return err
}

// Create adds a ticket with its first comment (the description) and the
// creation audit. The actor is the submitter and, unless given, the
// requester and the comment's author.
func (s *Store) Create(ctx context.Context, actor Actor, in CreateInput) (*Ticket, *Audit, error) {
	pc, err := s.renderComment(&in.Comment, in.Via)
	if err != nil {
		return nil, nil, err
	}
	var out *Ticket
	var aud *Audit
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		out, aud, err = s.create(ctx, tx, actor, in, pc)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return out, aud, nil
}

func (s *Store) create(ctx context.Context, tx *db.Tx, actor Actor, in CreateInput, pc *pendingComment) (out *Ticket, aud *Audit, err error) {
	err = func() error {
		if memoOf(ctx) == nil {
			ctx = withUserMemo(ctx)
		}
		t, err := newTicket(&in, pc.plain, change{actor: actor, now: tx.Now, limits: s.Limits()})
		if err != nil {
			return err
		}
		pc.authorID = commentAuthor(&in.Comment, actor, t.RequesterID)
		refs := []int64{t.RequesterID, t.SubmitterID, pc.authorID}
		if t.AssigneeID != nil {
			refs = append(refs, *t.AssigneeID)
		}
		if err := s.prefetchUsers(ctx, tx, append(refs, t.CollaboratorIDs...)...); err != nil {
			return err
		}
		if in.OrganizationID == nil && t.RequesterID != 0 {
			if _, org, _, err := s.userInfo(ctx, tx, t.RequesterID); err != nil {
				return err
			} else {
				t.OrganizationID = org
			}
		}
		if err := s.checkRefs(ctx, tx, nil, t); err != nil {
			return err
		}
		cf, err := mustJSON(t.CustomFields)
		if err != nil {
			return err
		}
		src, err := mustJSON(t.Via.Source)
		if err != nil {
			return err
		}
		if err := s.checkAuthor(ctx, tx, pc.authorID); err != nil {
			return err // before the preparer, which reads the author too
		}
		// An untriaged ticket takes its organization's tier's priority, so
		// the SLA clock starts (SetDefaultPriorities).
		if t.Priority == nil && t.OrganizationID != nil {
			p, err := s.defaultPriority(ctx, tx, *t.OrganizationID)
			if err != nil {
				return err
			}
			if p != "" {
				t.Priority = &p
			}
		}
		// The brand first: the preparer's SLA policies may look at it.
		if t.BrandID, err = s.brandOf(ctx, tx, in.BrandID, t.RequesterID); err != nil {
			return err
		}
		sortKey, prepared := int64(NoSortKey), any(nil)
		if s.prepare != nil {
			if sortKey, prepared, err = s.prepare(ctx, tx, Draft{Ticket: t, CommentAuthorID: pc.authorID, CommentPublic: pc.public}); err != nil {
				return err
			}
		}
		var id int64
		err = tx.QueryRowContext(ctx, s.q.Get("InsertTicket"), nullStr(t.ExternalID), nullStr(t.Type), t.Subject,
			t.RawSubject, t.Description, nullStr(t.Priority), t.Status, t.Recipient, t.RequesterID, t.SubmitterID,
			nullInt(t.AssigneeID), nullInt(t.OrganizationID), nullInt(t.GroupID), tags.Encode(t.Tags), cf,
			t.Via.Channel, src, nullInt(t.ProblemID), db.TSp(t.DueAt), t.IsPublic, db.TSp(t.SolvedAt),
			db.TS(tx.Now), sortKey, nullStr(t.PublicDescription)).Scan(&id)
		if err != nil {
			return externalConflict(err)
		}
		if t.BrandID != brand.DefaultID {
			if _, err := tx.ExecContext(ctx, s.q.Get("SetTicketBrand"), id, t.BrandID); err != nil {
				return err
			}
		}
		if err := s.syncCollaborators(ctx, tx, id, nil, t.CollaboratorIDs); err != nil {
			return err
		}
		pc.via = t.Via
		if in.Comment.Via != nil {
			pc.via = in.Comment.Via.normalized()
		}
		c, err := s.insertComment(ctx, tx, id, pc)
		if err != nil {
			return err
		}
		t.ID = id
		if aud, err = s.insertAudit(ctx, tx, id, actor, t.Via, createEvents(t), c); err != nil {
			return err
		}
		out = asStored(t, id, tx, cf, src)
		if len(s.hooks) > 0 {
			changed, err := s.runHooks(ctx, tx, &Change{Actor: actor, Ticket: out, Audit: aud, Comment: c, Prepared: prepared})
			if err != nil || !changed {
				return err
			}
			// Hooks changed the ticket (triggers).
			out, err = s.getTicket(ctx, tx, id)
		}
		return err
	}()
	if err != nil {
		return nil, nil, err
	}
	return out, aud, nil
}

// brandOf is a new ticket's brand: the one asked for (which must exist and
// be active), else the requester's.
func (s *Store) brandOf(ctx context.Context, tx *db.Tx, asked *int64, requester int64) (int64, error) {
	if asked != nil {
		var n int
		if err := tx.QueryRowContext(ctx, s.q.Get("BrandUsable"), *asked).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errs.Invalid("brand_id", "Brand rule: no active brand with this id")
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("RequesterOutsideBrand"), *asked, requester).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, errs.Invalid("brand_id", "Restricted brand rule: the requester is a customer of another brand, and a restricted brand's requests come from its own customers")
		}
		return *asked, nil
	}
	if u, hit := memoOf(ctx).get(requester); hit && u.ok { // read with the user's role (prefetchUsers, userInfo)
		return u.brand, nil
	}
	var b int64
	err := tx.QueryRowContext(ctx, s.q.Get("UserBrandOf"), requester).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return brand.DefaultID, nil
	}
	return b, err
}

// Update changes a ticket and records one audit with an event per changed
// field and the comment, if any. An update that changes nothing and adds no
// comment writes nothing and returns a nil audit.
func (s *Store) Update(ctx context.Context, actor Actor, id int64, in UpdateInput) (*Ticket, *Audit, error) {
	var out *Ticket
	var aud *Audit
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		var err error
		out, aud, err = s.update(ctx, tx, actor, id, &in)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return out, aud, nil
}

func (s *Store) lock(ctx context.Context, tx *db.Tx, id int64) error {
	var got int64
	return db.MapError(tx.QueryRowContext(ctx, s.q.Get("LockTicket"), id).Scan(&got), "ticket")
}

func (s *Store) update(ctx context.Context, tx *db.Tx, actor Actor, id int64, in *UpdateInput) (*Ticket, *Audit, error) {
	ctx = withUserMemo(ctx)
	if err := s.lock(ctx, tx, id); err != nil {
		return nil, nil, err
	}
	cur, err := s.getTicket(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if in.SafeUpdate {
		if in.UpdatedStamp == nil {
			return nil, nil, errs.Invalid("updated_stamp", "is required with safe_update")
		}
		if !in.UpdatedStamp.Equal(cur.UpdatedAt) {
			return nil, nil, &errs.Error{Kind: errs.KindConflict, Message: "the ticket was updated by someone else"}
		}
	}
	if cur.Status == StatusClosed {
		return nil, nil, errClosed()
	}
	var reqOrg *int64
	if in.RequesterID != nil && *in.RequesterID != cur.RequesterID {
		_, org, ok, err := s.userInfo(ctx, tx, *in.RequesterID)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, errs.Invalid("requester_id", "does not refer to an existing user")
		}
		reqOrg = org
	}
	var pc *pendingComment
	if in.Comment != nil && !in.Comment.empty() {
		if pc, err = s.renderComment(in.Comment, in.Via); err != nil {
			return nil, nil, err
		}
	}
	c := change{actor: actor, now: tx.Now, limits: s.Limits(), publicReply: pc != nil && pc.public && actor.IsStaff(),
		customerReply: pc != nil && pc.public && !actor.IsStaff()}
	t, err := applyUpdate(cur, in, c, reqOrg)
	if err != nil {
		return nil, nil, err
	}
	events := changeEvents(cur, t)
	if len(events) == 0 && pc == nil {
		return cur, nil, nil
	}
	if err := s.checkRefs(ctx, tx, cur, t); err != nil {
		return nil, nil, err
	}
	if pc != nil && pc.public {
		t.IsPublic = true
	}
	cf, err := mustJSON(t.CustomFields)
	if err != nil {
		return nil, nil, err
	}
	if w, ok := ctx.Value(writesKey{}).(*hookWrites); ok {
		w.n++ // a hook is changing the ticket its change is about
	}
	_, err = tx.ExecContext(ctx, s.q.Get("UpdateTicket"), id, nullStr(t.ExternalID), nullStr(t.Type), t.Subject,
		t.RawSubject, nullStr(t.Priority), t.Status, t.RequesterID, nullInt(t.AssigneeID), nullInt(t.OrganizationID),
		nullInt(t.GroupID), tags.Encode(t.Tags), cf, nullInt(t.ProblemID), nullInt(t.MergedIntoID), db.TSp(t.DueAt),
		db.TSp(t.SolvedAt), db.TS(tx.Now), t.IsPublic)
	if err != nil {
		return nil, nil, externalConflict(err)
	}
	if err := s.syncCollaborators(ctx, tx, id, cur.CollaboratorIDs, t.CollaboratorIDs); err != nil {
		return nil, nil, err
	}
	via := Via{}.normalized()
	if in.Via != nil {
		via = in.Via.normalized()
	}
	var cm *Comment
	if pc != nil {
		pc.authorID = commentAuthor(pc.in, actor, cur.RequesterID)
		pc.via = via
		if pc.in.Via != nil {
			pc.via = pc.in.Via.normalized()
		}
		if cm, err = s.insertComment(ctx, tx, id, pc); err != nil {
			return nil, nil, err
		}
		if pc.public && !cur.IsPublic && cur.PublicDescription != nil {
			// The first public comment of a ticket created with an
			// internal note: what customers see as its description.
			if _, err := tx.ExecContext(ctx, s.q.Get("SetPublicDescription"), id, pc.plain); err != nil {
				return nil, nil, err
			}
		}
	}
	aud, err := s.insertAudit(ctx, tx, id, actor, via, events, cm)
	if err != nil {
		return nil, nil, err
	}
	out, err := s.getTicket(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(s.hooks) > 0 {
		changed, err := s.runHooks(ctx, tx, &Change{Actor: actor, Prev: cur, Ticket: out, Audit: aud, Comment: cm})
		if err != nil {
			return nil, nil, err
		}
		if changed {
			if out, err = s.getTicket(ctx, tx, id); err != nil {
				return nil, nil, err
			}
		}
	}
	return out, aud, nil
}

// SetTags replaces the tags of a ticket (audited like any update).
func (s *Store) SetTags(ctx context.Context, actor Actor, id int64, tags []string) (*Ticket, error) {
	if tags == nil {
		tags = []string{}
	}
	t, _, err := s.Update(ctx, actor, id, UpdateInput{Tags: &tags})
	return t, err
}

// AddTags adds tags to a ticket; errors name them "tags".
func (s *Store) AddTags(ctx context.Context, actor Actor, id int64, tags []string) (*Ticket, error) {
	t, _, err := s.Update(ctx, actor, id, UpdateInput{AdditionalTags: tags, tagsName: "tags"})
	return t, err
}

// RemoveTags removes tags from a ticket; errors name them "tags".
func (s *Store) RemoveTags(ctx context.Context, actor Actor, id int64, tags []string) (*Ticket, error) {
	t, _, err := s.Update(ctx, actor, id, UpdateInput{RemoveTags: tags, tagsName: "tags"})
	return t, err
}

// Delete removes a ticket with its comments, audits, collaborators and
// attachment rows (the files stay; they may be shared by content).
func (s *Store) Delete(ctx context.Context, actor Actor, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.lock(ctx, tx, id); err != nil {
			return err
		}
		for _, q := range []string{"DeleteTicketAttachments", "DeleteTicketCollaborators", "DeleteTicketAudits", "DeleteTicketComments", "DeleteTicket"} {
			if _, err := tx.ExecContext(ctx, s.q.Get(q), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Merge closes the source tickets into the target, Zendesk style: each
// source gets a comment saying where it went and is closed; the target gets
// a comment listing the sources; the sources' requesters and collaborators
// become collaborators of the target. Blank comments get the default texts;
// public applies to both comments. All in one transaction.
func (s *Store) Merge(ctx context.Context, actor Actor, targetID int64, sourceIDs []int64, targetComment, sourceComment string, public bool) (*Ticket, error) {
	var v errs.Validation
	for field, text := range map[string]string{"target_comment": targetComment, "source_comment": sourceComment} {
		limits.CheckText(&v, field, &text, s.Limits().CommentBytes)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ids := normalizeIDs(sourceIDs, 0)
	if len(ids) == 0 {
		return nil, errs.Invalid("ids", "can't be blank")
	}
	if slices.Contains(ids, targetID) {
		return nil, errs.Invalid("ids", "can't contain the target ticket")
	}
	var out *Ticket
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.lock(ctx, tx, targetID); err != nil {
			return err
		}
		target, err := s.getTicket(ctx, tx, targetID)
		if err != nil {
			return err
		}
		if target.Status == StatusClosed {
			return errs.Invalid("target", "closed tickets can't be merged")
		}
		var sources []*Ticket
		for _, id := range ids {
			if err := s.lock(ctx, tx, id); err != nil {
				return err
			}
			src, err := s.getTicket(ctx, tx, id)
			if err != nil {
				return err
			}
			if src.Status == StatusClosed {
				return errs.Invalid("ids", fmt.Sprintf("ticket #%d is closed; closed tickets can't be merged", id))
			}
			sources = append(sources, src)
		}
		var collabs []int64
		var refs []string
		merged := targetID
		for _, src := range sources {
			body := sourceComment
			if strings.TrimSpace(body) == "" {
				body = fmt.Sprintf("Request #%d was closed and merged into request #%d.", src.ID, targetID)
			}
			pub := public
			closed := StatusClosed
			if _, _, err := s.update(ctx, tx, actor, src.ID, &UpdateInput{
				Status:     &closed,
				Comment:    &CommentInput{Body: body, Public: &pub},
				mergedInto: &merged,
			}); err != nil {
				return err
			}
			collabs = append(collabs, src.RequesterID)
			collabs = append(collabs, src.CollaboratorIDs...)
			refs = append(refs, fmt.Sprintf("#%d", src.ID))
		}
		body := targetComment
		if strings.TrimSpace(body) == "" {
			noun := "Request " + refs[0] + " was"
			if len(refs) > 1 {
				noun = "Requests " + strings.Join(refs, ", ") + " were"
			}
			body = noun + " closed and merged into this request."
		}
		pub := public
		add := slices.DeleteFunc(collabs, func(u int64) bool { return u == target.RequesterID })
		t, _, err := s.update(ctx, tx, actor, targetID, &UpdateInput{
			Comment:                 &CommentInput{Body: body, Public: &pub},
			AdditionalCollaborators: add,
		})
		out = t
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- lists ---------------------------------------------------------------------

// Visibility restricts a list to what a customer may see: tickets they
// requested or are CC'd on, and those of OrgIDs (the organizations whose
// shared tickets they may see).
type Visibility struct {
	UserID int64
	OrgIDs []int64
}

// Filter narrows List and Count. Zero values mean "any".
type Filter struct {
	RequesterID    int64
	AssigneeID     int64
	OrganizationID int64
	GroupID        int64
	CollaboratorID int64
	ProblemID      int64 // the incidents of a problem ticket
	Statuses       []string
	// ExternalID selects the tickets with this external id (Zendesk's
	// external_id filter; external ids need not be unique there).
	ExternalID string
	Visibility *Visibility
	// HiddenBrands are the restricted brands whose tickets do not exist
	// for the viewer (brand.Scope.Hidden), applied with brand.VisibleSQL.
	HiddenBrands []int64
	// AfterID is a keyset cursor for the id sort: ids above it (below it when Desc).
	AfterID int64
	Offset  int
	Limit   int    // default 100, at most 1000
	SortBy  string // id (default), created_at, updated_at, priority, status, subject
	Desc    bool
}

// orderBy holds the only ORDER BY fragments List uses: [ascending, descending].
var orderBy = map[string][2]string{
	"id":         {"t.id", "t.id DESC"},
	"created_at": {"t.created_at, t.id", "t.created_at DESC, t.id DESC"},
	"updated_at": {"t.updated_at, t.id", "t.updated_at DESC, t.id DESC"},
	"priority": {
		"CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END, t.id",
		"CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END DESC, t.id DESC",
	},
	"status": {
		"CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'hold' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END, t.id",
		"CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'hold' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END DESC, t.id DESC",
	},
	"subject": {"lower(t.subject), t.id", "lower(t.subject) DESC, t.id DESC"},
}

// SortKeys lists the accepted Filter.SortBy values.
func SortKeys() []string {
	return []string{"id", "created_at", "updated_at", "priority", "status", "subject"}
}

func (f Filter) args() ([]any, error) {
	var statuses []string
	for _, st := range f.Statuses {
		st = strings.ToLower(strings.TrimSpace(st))
		if st == "" {
			continue
		}
		if !ValidStatus(st) {
			return nil, errs.Invalid("status", "must be one of new, open, pending, hold, solved, closed")
		}
		statuses = append(statuses, st)
	}
	st := ""
	if len(statuses) > 0 {
		st = " " + strings.Join(statuses, " ") + " "
	}
	vis, visUser, visOrgs := 0, int64(0), ""
	if f.Visibility != nil {
		vis, visUser, visOrgs = 1, f.Visibility.UserID, idList(f.Visibility.OrgIDs)
	}
	var after, before int64
	if f.Desc {
		before = f.AfterID
	} else {
		after = f.AfterID
	}
	return []any{f.RequesterID, f.AssigneeID, f.OrganizationID, f.GroupID, f.CollaboratorID, st, vis, visUser, visOrgs, after, before, f.ExternalID, f.ProblemID,
		brand.Encode(f.HiddenBrands)}, nil
}

// PartitionOf returns the restricted brands hidden from the caller of ctx
// (nil outside a request); see ScopeLists.
type PartitionOf func(ctx context.Context) ([]int64, error)

// ScopeLists makes List and Count hide, besides Filter.HiddenBrands, the
// brands hidden from the caller of their context (the web server sets it:
// every ticket list of a request is partitioned without each call site
// asking).
func (s *Store) ScopeLists(p PartitionOf) { s.partition = p }

func (s *Store) scoped(ctx context.Context, f *Filter) error {
	if s.partition == nil {
		return nil
	}
	hidden, err := s.partition(ctx)
	if err != nil {
		return err
	}
	for _, b := range hidden {
		if !slices.Contains(f.HiddenBrands, b) {
			f.HiddenBrands = append(f.HiddenBrands, b)
		}
	}
	return nil
}

// List returns the tickets matching f.
func (s *Store) List(ctx context.Context, f Filter) ([]Ticket, error) {
	if err := s.scoped(ctx, &f); err != nil {
		return nil, err
	}
	args, err := f.args()
	if err != nil {
		return nil, err
	}
	key := f.SortBy
	if key == "" {
		key = "id"
	}
	ob, ok := orderBy[key]
	if !ok {
		return nil, errs.Invalid("sort_by", "must be one of "+strings.Join(SortKeys(), ", "))
	}
	order := ob[0]
	if f.Desc {
		order = ob[1]
	}
	query := s.q.Get("ListTickets") + " AND " + brand.VisibleSQL("t.brand_id", "$14") + " ORDER BY " + order + " LIMIT $15 OFFSET $16"
	return db.ReadList(ctx, s.d, query, append(args, limitOf(f.Limit), max(f.Offset, 0)), scanTicket)
}

// Count counts the tickets matching f (pagination and sort ignored except AfterID).
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	if err := s.scoped(ctx, &f); err != nil {
		return 0, err
	}
	args, err := f.args()
	if err != nil {
		return 0, err
	}
	var n int
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("CountTickets")+" AND "+brand.VisibleSQL("t.brand_id", "$14"), args...).Scan(&n)
	})
	return n, err
}

// ChangedSince lists tickets in (updated_at, id) order after the cursor
// (start, afterID): updated later than start, or at start with a greater id.
// Pass the last ticket's UpdatedAt and ID to continue (incremental export).
func (s *Store) ChangedSince(ctx context.Context, start time.Time, afterID int64, limit int) ([]Ticket, error) {
	return db.ReadList(ctx, s.d, s.q.Get("ChangedSince"), []any{start.UnixMicro(), afterID, limitOf(limit)}, scanTicket)
}

func (s *Store) exists(ctx context.Context, tx *db.Tx, id int64) error {
	var got int64
	return db.MapError(tx.QueryRowContext(ctx, s.q.Get("TicketExists"), id).Scan(&got), "ticket")
}

// attachments returns the attachments of a ticket by comment id.
func (s *Store) attachments(ctx context.Context, tx *db.Tx, ticketID int64) (map[int64][]Attachment, error) {
	rows, err := tx.QueryContext(ctx, s.q.Get("TicketAttachments"), ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		if a.CommentID != nil {
			a.Token = ""
			out[*a.CommentID] = append(out[*a.CommentID], *a)
		}
	}
	return out, rows.Err()
}

func (s *Store) comments(ctx context.Context, tx *db.Tx, ticketID int64, p Page) ([]Comment, error) {
	q := "ListComments"
	if p.Desc {
		q = "ListCommentsDesc"
	}
	rows, err := tx.QueryContext(ctx, s.q.Get(q), ticketID, p.AfterID, limitOf(p.Limit), max(p.Offset, 0), p.PublicOnly)
	if err != nil {
		return nil, err
	}
	out := []Comment{}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	atts, err := s.attachments(ctx, tx, ticketID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if a := atts[out[i].ID]; a != nil {
			out[i].Attachments = a
		}
	}
	return out, nil
}

// Comments lists a ticket's comments, oldest first unless p.Desc.
func (s *Store) Comments(ctx context.Context, ticketID int64, p Page) ([]Comment, error) {
	var out []Comment
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		if err := s.exists(ctx, tx, ticketID); err != nil {
			return err
		}
		var err error
		out, err = s.comments(ctx, tx, ticketID, p)
		return err
	})
	return out, err
}

// CountComments counts a ticket's comments (public ones only with publicOnly).
func (s *Store) CountComments(ctx context.Context, ticketID int64, publicOnly bool) (int, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		if err := s.exists(ctx, tx, ticketID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q.Get("CountComments"), ticketID, publicOnly).Scan(&n)
	})
	return n, err
}

// CommentCounts counts the comments of each ticket (public ones only with
// publicOnly); tickets that do not exist are left out.
func (s *Store) CommentCounts(ctx context.Context, ticketIDs []int64, publicOnly bool) (map[int64]int, error) {
	out := make(map[int64]int, len(ticketIDs))
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		for _, id := range ticketIDs {
			if err := s.exists(ctx, tx, id); errs.Is(err, errs.KindNotFound) {
				continue
			} else if err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.q.Get("CountComments"), id, publicOnly).Scan(&n); err != nil {
				return err
			}
			out[id] = n
		}
		return nil
	})
	return out, err
}

// CommentIsPublic reports whether a comment is a public reply.
func (s *Store) CommentIsPublic(ctx context.Context, commentID int64) (pub bool, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return db.MapError(tx.QueryRowContext(ctx, s.q.Get("CommentIsPublic"), commentID).Scan(&pub), "comment")
	})
	return pub, err
}

// Audits lists a ticket's audits, oldest first unless p.Desc.
func (s *Store) Audits(ctx context.Context, ticketID int64, p Page) ([]Audit, error) {
	out := []Audit{}
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		out = out[:0]
		if err := s.exists(ctx, tx, ticketID); err != nil {
			return err
		}
		q := "ListAudits"
		if p.Desc {
			q = "ListAuditsDesc"
		}
		rows, err := tx.QueryContext(ctx, s.q.Get(q), ticketID, p.AfterID, limitOf(p.Limit), max(p.Offset, 0))
		if err != nil {
			return err
		}
		raws, err := scanAuditRows(rows)
		if err != nil {
			return err
		}
		if len(raws) == 0 {
			return nil
		}
		comments, err := s.comments(ctx, tx, ticketID, Page{Limit: 1000})
		if err != nil {
			return err
		}
		byID := map[int64]*Comment{}
		for i := range comments {
			byID[comments[i].ID] = &comments[i]
		}
		find := func(id int64) *Comment {
			if c, ok := byID[id]; ok {
				return c
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

// CountAudits counts a ticket's audits.
func (s *Store) CountAudits(ctx context.Context, ticketID int64) (int, error) {
	var n int
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		if err := s.exists(ctx, tx, ticketID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q.Get("CountAudits"), ticketID).Scan(&n)
	})
	return n, err
}

// --- uploads -------------------------------------------------------------------

func randomToken() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// filePath is where the content with the given SHA-256 is stored.
func (s *Store) filePath(sum string) string {
	return filepath.Join(s.dir, sum[:2], sum)
}

// SaveUpload stores an uploaded file and returns its attachment with the
// upload token (Attachment.Token) that a comment's Uploads name to attach
// it. The content is streamed to a temporary file, hashed and kept under
// attachmentsDir/<sha256[:2]>/<sha256>; a file over the size limit is
// rejected with KindTooLarge and nothing is stored.
func (s *Store) SaveUpload(ctx context.Context, actor Actor, fileName, contentType string, r io.Reader) (*Attachment, error) {
	fileName = strings.TrimSpace(filepath.Base(strings.ReplaceAll(fileName, "\\", "/")))
	if fileName == "" || fileName == "." || fileName == "/" {
		return nil, errs.Invalid("filename", "can't be blank")
	}
	contentType = strings.TrimSpace(contentType)
	if contentType == "" {
		contentType = mime.TypeByExtension(filepath.Ext(fileName))
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	h := sha256.New()
	src := r
	if s.maxBytes > 0 {
		src = io.LimitReader(r, s.maxBytes+1)
	}
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if s.maxBytes > 0 && n > s.maxBytes {
		return nil, &errs.Error{Kind: errs.KindTooLarge, Message: fmt.Sprintf("attachment is larger than the limit of %d bytes", s.maxBytes)}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.filePath(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return nil, err
	}
	if _, err := os.Stat(dst); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(tmp, dst); err != nil {
			return nil, err
		}
	}
	a := &Attachment{Token: randomToken(), FileName: fileName, ContentType: contentType, Size: n, SHA256: sum}
	if actor.UserID != 0 {
		uid := actor.UserID
		a.AuthorID = &uid
	}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		a.CreatedAt = tx.Now
		return tx.QueryRowContext(ctx, s.q.Get("InsertAttachment"), a.Token, a.FileName, a.ContentType, a.Size, a.SHA256,
			nullInt(a.AuthorID), db.TS(tx.Now)).Scan(&a.ID)
	})
	if err != nil {
		return nil, db.MapError(err, "attachment")
	}
	return a, nil
}

// GetAttachment returns an attachment's metadata.
func (s *Store) GetAttachment(ctx context.Context, id int64) (a *Attachment, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		a, err = scanAttachment(tx.QueryRowContext(ctx, s.q.Get("GetAttachment"), id))
		return db.MapError(err, "attachment")
	})
	return a, err
}

// PendingUpload returns the upload with token that actor stored and that
// no comment has taken yet; anything else is NotFound.
func (s *Store) PendingUpload(ctx context.Context, actor Actor, token string) (a *Attachment, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		a, err = scanAttachment(tx.QueryRowContext(ctx, s.q.Get("PendingUpload"), token))
		return db.MapError(err, "upload")
	})
	if err == nil && (a.AuthorID == nil || *a.AuthorID != actor.UserID) {
		return nil, errs.NotFound("upload")
	}
	if a != nil {
		a.Token = token
	}
	return a, err
}

// OpenAttachment returns an attachment's metadata and content. The caller
// closes the reader.
func (s *Store) OpenAttachment(ctx context.Context, id int64) (*Attachment, io.ReadCloser, error) {
	a, err := s.GetAttachment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(a.SHA256) < 3 {
		return nil, nil, errs.NotFound("attachment")
	}
	f, err := os.Open(s.filePath(a.SHA256))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, errs.NotFound("attachment file")
	}
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}
