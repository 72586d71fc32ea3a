package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/ticket"
)

//go:embed queries.sql
var sqlFiles embed.FS

// StoreConfig configures the email channel's store.
type StoreConfig struct {
	// Mailboxes are our receiving addresses. A mailbox's group is GroupID,
	// or the group named Group (looked up at delivery time).
	Mailboxes []Mailbox
	// From is the outbound sender when the ticket did not come in through
	// one of Mailboxes. Outbound mail is queued only when Outbound is set.
	From     Address
	Outbound bool
	// MaxCCs bounds how many CC users one inbound message may add (default 20).
	MaxCCs int
	// LeaseFor is how long a claimed outbox item stays invisible to other
	// dispatchers (default 5 minutes).
	LeaseFor time.Duration
	Logger   *slog.Logger
	// Limits bound the parsing of one message (see Limits).
	Limits Limits
	// Auth verifies senders; nil verifies nothing (every sender is
	// unverified).
	Auth *Authenticator
	// Unverified is what happens to mail whose sender is not verified
	// (default UnverifiedFlag). Staff addresses are never trusted
	// unverified: such mail is refused whatever the policy.
	Unverified UnverifiedPolicy
}

// UnverifiedPolicy says what becomes of mail whose sender could not be
// verified.
type UnverifiedPolicy string

const (
	// UnverifiedAccept treats it like verified mail from an end-user, but
	// it may add CCs only to a ticket it replies to with a reply token.
	UnverifiedAccept UnverifiedPolicy = "accept"
	// UnverifiedFlag does the same and marks the ticket or comment
	// "unverified sender" for agents.
	UnverifiedFlag UnverifiedPolicy = "flag"
	// UnverifiedReject refuses it (550 5.7.26), keeping it for admins.
	UnverifiedReject UnverifiedPolicy = "reject"
)

// Store is the email channel's persistence and integration: it stores every
// inbound message with its raw bytes, turns accepted ones into tickets or
// comments through ticket.Store (creating unknown senders through
// people.Store), and keeps the durable outbox of outbound mail, filled by a
// ticket change hook in the same transaction as the public agent comment it
// sends. It implements Deliverer (for Server) and OutboxStore (for
// Dispatcher).
type Store struct {
	d       *db.DB
	q       *db.Queries
	tickets *ticket.Store
	people  *people.Store
	parser  *Parser
	rate    *RateLimiter
	cfg     StoreConfig
	log     *slog.Logger
	boxes   map[string]Mailbox // by BaseAddress
	jobs    *jobs.Queue        // runs the outbox (UseJobs); nil: the caller runs a Dispatcher
	metrics *mailMetrics

	keyMu sync.Mutex
	key   []byte // reply-token secret, loaded on first use
}

// NewStore returns the store and registers its change hook on tickets (call
// it while wiring, before the ticket store is used).
func NewStore(d *db.DB, tickets *ticket.Store, ppl *people.Store, cfg StoreConfig) (*Store, error) {
	if cfg.MaxCCs <= 0 {
		cfg.MaxCCs = 20
	}
	if cfg.LeaseFor <= 0 {
		cfg.LeaseFor = 5 * time.Minute
	}
	switch cfg.Unverified {
	case "":
		cfg.Unverified = UnverifiedFlag
	case UnverifiedAccept, UnverifiedFlag, UnverifiedReject:
	default:
		return nil, errs.Invalid("mail-unverified", "must be accept, flag or reject")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	boxes := map[string]Mailbox{}
	for _, mb := range cfg.Mailboxes {
		key := BaseAddress(mb.Address)
		if !strings.Contains(key, "@") {
			return nil, errs.Invalid("mailboxes", fmt.Sprintf("%q is not an email address", mb.Address))
		}
		mb.Address = key
		boxes[key] = mb
	}
	cfg.From.Email = normalizeEmail(cfg.From.Email)
	if cfg.Outbound && cfg.From.Email == "" {
		return nil, errs.Invalid("from", "is required for outbound mail")
	}
	s := &Store{
		d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), tickets: tickets, people: ppl,
		parser: NewParserWithLimits(cfg.Limits), rate: NewRateLimiter(d.Clock, 0, 0), cfg: cfg, log: log, boxes: boxes,
		metrics: newMailMetrics(),
	}
	tickets.OnChange(s.hook)
	return s, nil
}

// ServerMailboxes returns the mailboxes keyed by address, for ServerConfig.
func (s *Store) ServerMailboxes() map[string]Mailbox {
	out := make(map[string]Mailbox, len(s.boxes))
	for k, mb := range s.boxes {
		out[k] = mb
	}
	return out
}

func (s *Store) ownAddresses() []string {
	out := make([]string, 0, len(s.boxes)+1)
	for k := range s.boxes {
		out = append(out, k)
	}
	if s.cfg.From.Email != "" {
		out = append(out, s.cfg.From.Email)
	}
	return out
}

func (s *Store) isOwn(addr string) bool {
	b := BaseAddress(addr)
	if _, ok := s.boxes[b]; ok {
		return true
	}
	return b != "" && b == BaseAddress(s.cfg.From.Email)
}

// --- inbound -----------------------------------------------------------------

// Email is a stored inbound message (without its raw bytes).
type Email struct {
	ID           int64     `json:"id"`
	MessageID    string    `json:"message_id"`
	TicketID     *int64    `json:"ticket_id"`
	CommentID    *int64    `json:"comment_id"`
	Mailbox      string    `json:"mailbox"`
	EnvelopeFrom string    `json:"envelope_from"`
	FromEmail    string    `json:"from_email"`
	FromName     string    `json:"from_name"`
	Subject      string    `json:"subject"`
	InReplyTo    string    `json:"in_reply_to"`
	References   []string  `json:"references"`
	Verdict      string    `json:"verdict"` // accept, accept-no-auto-reply or drop
	Reason       string    `json:"reason"`
	Thread       string    `json:"thread"` // how it was threaded: new, follow-up, own-message-id, ...
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	ReceivedAt   time.Time `json:"received_at"`
	// Sender verification: pass, fail or none ("" for mail stored before
	// verification existed), with its evidence.
	Auth        string `json:"sender_auth"`
	AuthDetails string `json:"sender_auth_details"`
	// Unverified is true when the sender was not verified (agents see the
	// ticket or comment flagged).
	Unverified bool `json:"unverified"`
	// Notes says what the channel withheld, e.g. CCs a reply without a
	// reply token asked for.
	Notes string `json:"notes"`
}

// inbound is a message on its way into the database. The hook stores it in
// the transaction that writes its ticket change.
type inbound struct {
	in      *Inbound
	env     Envelope
	mailbox string
	raw     []byte
	dec     Decision
	thread  string
	auth    SenderAuth
	notes   []string

	ticketID, commentID int64 // set by the hook
}

type pendingKey struct{}

// errDuplicate marks a Message-ID that is already stored.
var errDuplicate = errors.New("mail: message already stored")

// Deliver stores one received message; see Deliverer. It returns nil only
// after the message (and the ticket change it causes) has committed, so a
// failure anywhere makes the SMTP sender retry, and a retry of a stored
// message is acknowledged without storing it again.
//
// Messages refused permanently (beyond the parse Limits, unparseable, an
// unverified staff sender, or unverified mail under UnverifiedReject) are
// kept in mail_rejected (see ListRejected) and answered with a 5xx.
func (s *Store) Deliver(ctx context.Context, env Envelope, raw []byte) error {
	ch := channelOf(env)
	err := s.deliverMessage(ctx, env, raw)
	var rej *RejectError
	switch {
	case errors.Is(err, errDuplicate):
		s.metrics.inbound.WithLabelValues(ch, "duplicate").Inc()
		return nil
	case errors.As(err, &rej):
		// counted by RecordRejected
	case err != nil:
		s.metrics.inbound.WithLabelValues(ch, "failed").Inc()
	default:
		s.metrics.inbound.WithLabelValues(ch, "stored").Inc()
	}
	return err
}

func (s *Store) deliverMessage(ctx context.Context, env Envelope, raw []byte) error {
	in, err := s.parser.ParseContext(ctx, raw)
	if err != nil {
		var le *LimitError
		switch {
		case errors.As(err, &le):
			return s.reject(ctx, env, raw, le.Code, le.Reason, 554, [3]int{5, 6, 0})
		case errs.Is(err, errs.KindInvalid):
			return s.reject(ctx, env, raw, RejectUnparseable, err.Error(), 554, [3]int{5, 6, 0})
		}
		return err // the context ended: the sender retries
	}
	if dup, err := s.messageStored(ctx, in.MessageID); err != nil {
		return err
	} else if dup {
		s.log.Info("duplicate inbound mail acknowledged", "message_id", in.MessageID)
		return errDuplicate
	}
	p := &inbound{in: in, env: env, raw: raw, mailbox: s.mailboxFor(env, in)}
	p.dec = Decide(in, s.rate, s.ownAddresses()...)
	if s.cfg.Auth != nil {
		p.auth = s.cfg.Auth.Verify(ctx, env, raw, in)
	} else {
		p.auth = SenderAuth{Result: AuthNone, Details: "sender verification is off"}
	}
	s.metrics.auth.WithLabelValues(string(p.auth.Result)).Inc()
	err = s.deliver(ctx, p)
	if errors.Is(err, errDuplicate) {
		s.log.Info("duplicate inbound mail acknowledged", "message_id", in.MessageID)
		return err
	}
	if err != nil {
		return err
	}
	s.log.Info("inbound mail stored", "message_id", in.MessageID, "verdict", p.dec.Verdict.String(),
		"reason", p.dec.Reason, "ticket", p.ticketID, "thread", p.thread, "sender_auth", p.auth.Result)
	return nil
}

// unverified reports whether the message is treated as unverified.
func (p *inbound) unverified() bool { return !p.auth.Verified() }

func (s *Store) deliver(ctx context.Context, p *inbound) error {
	in := p.in
	if p.dec.Verdict == Drop {
		return s.storeOnly(ctx, p)
	}
	if in.From.Email == "" {
		p.dec = Decision{Drop, "no sender address"}
		return s.storeOnly(ctx, p)
	}
	if p.unverified() {
		// Never let unauthenticated mail speak for staff, and refuse
		// unverified mail altogether where the policy says so.
		existing, err := s.people.UserByEmail(ctx, normalizeEmail(in.From.Email))
		if err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
		if existing != nil && existing.IsStaff() {
			return s.reject(ctx, p.env, p.raw, RejectUnauthenticated, fmt.Sprintf(
				"mail from staff address %s is not authenticated (%s); staff must reply in the agent workspace or send authenticated mail",
				in.From.Email, p.auth.Details), 550, [3]int{5, 7, 26})
		}
		if s.cfg.Unverified == UnverifiedReject {
			return s.reject(ctx, p.env, p.raw, RejectUnauthenticated, fmt.Sprintf(
				"sender %s is not authenticated (%s)", in.From.Email, p.auth.Details), 550, [3]int{5, 7, 26})
		}
	}
	requester, created, err := s.endUser(ctx, in.From)
	if err == nil && created { // a newcomer writing to a brand's own address is that brand's customer
		if bid, err := s.mailboxBrand(ctx, p.mailbox); err != nil {
			return err
		} else if bid > 0 {
			if err := s.d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, s.q.Get("SetNewUserBrand"), requester.ID, bid)
				return err
			}); err != nil {
				return err
			}
		}
	}
	if errs.Is(err, errs.KindInvalid) {
		p.dec = Decision{Drop, "invalid sender address " + in.From.Email}
		return s.storeOnly(ctx, p)
	}
	if err != nil {
		return err
	}
	if requester.Suspended || !requester.Active {
		p.dec = Decision{Drop, "sender " + requester.Email + " is suspended or inactive"}
		return s.storeOnly(ctx, p)
	}
	th, err := Resolve(in, s.lookup(ctx))
	if err != nil {
		return err
	}
	var target *ticket.Ticket
	if th.TicketID > 0 {
		target, p.thread, err = s.threadTarget(ctx, th, requester)
		if err != nil {
			return err
		}
	}
	var ccs []int64
	if ok, why, err := s.mayAddCCs(ctx, p, requester, th, target); err != nil {
		return err
	} else if ok {
		if ccs, err = s.ccUsers(ctx, in, requester); err != nil {
			return err
		}
	} else if why != "" && s.wouldAddCCs(in, requester) {
		p.notes = append(p.notes, "CCs not added: "+why)
	}
	uploads := s.saveAttachments(ctx, requester, in)
	body := commentBody(in)
	via := s.via(p, requester)
	actor := ticket.Actor{UserID: requester.ID, Role: requester.Role}
	public := true
	ctx = context.WithValue(ctx, pendingKey{}, p)

	if target != nil && target.Status != ticket.StatusClosed {
		up := ticket.UpdateInput{
			Comment: &ticket.CommentInput{Body: body, Public: &public, Uploads: uploads, AuthorID: &requester.ID, Via: &via},
			Via:     &via,
		}
		for _, id := range ccs {
			if id != target.RequesterID && !target.IsCollaborator(id) {
				up.AdditionalCollaborators = append(up.AdditionalCollaborators, id)
			}
		}
		if !requester.IsStaff() && (target.Status == ticket.StatusPending || target.Status == ticket.StatusSolved) {
			open := ticket.StatusOpen
			up.Status = &open
		}
		_, _, err = s.tickets.Update(ctx, actor, target.ID, up)
		return err
	}

	cr := ticket.CreateInput{
		Subject:         clip(in.Subject, maxTicketSubject), // the email record and the raw message keep all of it
		Comment:         ticket.CommentInput{Body: body, Public: &public, Uploads: uploads, AuthorID: &requester.ID, Via: &via},
		RequesterID:     requester.ID,
		SubmitterID:     requester.ID,
		Recipient:       p.mailbox,
		Via:             &via,
		CollaboratorIDs: ccs,
	}
	if gid, err := s.mailboxGroup(ctx, p.mailbox); err != nil {
		return err
	} else if gid > 0 {
		cr.GroupID = &gid
	}
	if bid, err := s.mailboxBrand(ctx, p.mailbox); err != nil {
		return err
	} else if bid > 0 {
		cr.BrandID = &bid // a brand's own support address: the ticket is in that brand (its partition)
	}
	if target != nil { // a reply to a closed ticket: follow-up
		p.thread = "follow-up"
		via.Source["rel"] = "follow_up"
		via.Source["followup_source_id"] = target.ID
		if target.GroupID != nil {
			cr.GroupID = target.GroupID
		}
		bid := target.BrandID // the follow-up stays in the closed ticket's brand
		cr.BrandID = &bid
		for _, id := range target.CollaboratorIDs {
			if id != requester.ID {
				cr.CollaboratorIDs = append(cr.CollaboratorIDs, id)
			}
		}
	} else if p.thread == "" {
		p.thread = "new"
	}
	_, _, err = s.tickets.Create(ctx, actor, cr)
	if cr.BrandID != nil && target == nil && errs.Is(err, errs.KindInvalid) && strings.Contains(err.Error(), "Restricted brand rule") {
		// A customer of another brand wrote to a restricted brand's address:
		// the request is theirs, in their own brand, never the partition's.
		p.notes = append(p.notes, "sent to a restricted brand's address by a customer of another brand: filed in the customer's brand")
		cr.BrandID = nil
		_, _, err = s.tickets.Create(ctx, actor, cr)
	}
	return err
}

// maxTicketSubject is the longest subject a ticket takes (ticket.Validate):
// a longer email subject is cut rather than making the sender retry a
// message that can never be stored.
const maxTicketSubject = 255

// threadTarget checks the ticket Resolve found: it follows merges, and the
// sender must be allowed to write to it (requester, CC or staff), else the
// message opens a new ticket.
func (s *Store) threadTarget(ctx context.Context, th Thread, sender *people.User) (*ticket.Ticket, string, error) {
	id := th.TicketID
	for range 5 {
		t, err := s.tickets.Get(ctx, id)
		if errs.Is(err, errs.KindNotFound) {
			return nil, "new (referenced ticket " + fmt.Sprint(th.TicketID) + " not found)", nil
		}
		if err != nil {
			return nil, "", err
		}
		if t.MergedIntoID != nil && *t.MergedIntoID != id {
			id = *t.MergedIntoID
			continue
		}
		if !sender.IsStaff() && t.RequesterID != sender.ID && !t.IsCollaborator(sender.ID) {
			return nil, "new (sender may not write to ticket " + fmt.Sprint(t.ID) + ")", nil
		}
		return t, string(th.Method), nil
	}
	return nil, "new (merge chain too long)", nil
}

// commentBody is the text shown on the ticket: the visible part (quoted
// history and signature trimmed; the raw message keeps everything).
func commentBody(in *Inbound) string {
	for _, b := range []string{in.VisibleText, in.Text} {
		if strings.TrimSpace(b) != "" {
			return b
		}
	}
	if len(in.Attachments) > 0 {
		return "(attachment only)"
	}
	if in.Subject != "" {
		return in.Subject
	}
	return "(empty message)"
}

func (s *Store) via(p *inbound, sender *people.User) ticket.Via {
	to := map[string]any{"address": p.mailbox, "name": ""}
	for _, a := range append(append([]Address(nil), p.in.To...), p.in.Cc...) {
		if BaseAddress(a.Email) == p.mailbox {
			to["name"] = a.Name
			break
		}
	}
	src := map[string]any{
		"from":       map[string]any{"address": sender.Email, "name": p.in.From.Name},
		"to":         to,
		"rel":        nil,
		"message_id": p.in.MessageID,
	}
	if p.dec.Verdict == AcceptNoAutoReply {
		// Triggers and notifications must not answer this message.
		src["auto_reply_suppressed"] = true
		src["auto_reply_reason"] = p.dec.Reason
	}
	src["sender_auth"] = string(p.auth.Result)
	if p.unverified() && s.cfg.Unverified == UnverifiedFlag {
		// Shown to agents on the ticket page: anyone could have typed this
		// From address.
		src["unverified_sender"] = true
	}
	return ticket.Via{Channel: ticket.ChannelEmail, Source: src}
}

// mailboxFor picks the mailbox a message was sent to: the envelope's, else
// the first of ours among To/Cc (IMAP has no envelope).
func (s *Store) mailboxFor(env Envelope, in *Inbound) string {
	if mb := BaseAddress(env.Mailbox.Address); mb != "" {
		return mb
	}
	for _, r := range env.To {
		if _, ok := s.boxes[BaseAddress(r)]; ok {
			return BaseAddress(r)
		}
	}
	for _, a := range append(append([]Address(nil), in.To...), in.Cc...) {
		if _, ok := s.boxes[BaseAddress(a.Email)]; ok {
			return BaseAddress(a.Email)
		}
	}
	return ""
}

// mailboxGroup returns the group of a mailbox (0 for none). A configured
// group name that does not exist is logged and ignored.
func (s *Store) mailboxGroup(ctx context.Context, addr string) (int64, error) {
	mb, ok := s.boxes[addr]
	if !ok {
		return 0, nil
	}
	if mb.GroupID > 0 || mb.Group == "" {
		return mb.GroupID, nil
	}
	return s.mailboxRef(ctx, addr, "GroupByName", "group", mb.Group, "ticket left unassigned")
}

// mailboxRef reads the id of a mailbox's group or brand named in the
// configuration (query by name); one that does not exist is logged with
// what follows and read as 0.
func (s *Store) mailboxRef(ctx context.Context, addr, query, what, name, otherwise string) (int64, error) {
	var id int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get(query), name).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		s.log.Warn("mailbox "+what+" does not exist; "+otherwise, "mailbox", addr, what, name)
		return 0, nil
	}
	return id, err
}

// mailboxBrand is the brand of a mailbox (Mailbox.Brand: an id or a
// subdomain), 0 for the requester's own.
func (s *Store) mailboxBrand(ctx context.Context, addr string) (int64, error) {
	mb, ok := s.boxes[addr]
	if !ok || mb.Brand == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(mb.Brand, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	return s.mailboxRef(ctx, addr, "BrandBySubdomain", "brand", mb.Brand, "the ticket takes its requester's brand")
}

// endUser finds the user with the address or creates an end-user for it,
// in the organization owning the address's domain.
func (s *Store) endUser(ctx context.Context, a Address) (*people.User, bool, error) {
	email := normalizeEmail(a.Email)
	u, err := s.people.UserByEmail(ctx, email)
	if err == nil || !errs.Is(err, errs.KindNotFound) {
		return u, false, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	in := people.UserInput{Name: &name, Email: &email}
	if org, err := s.people.OrganizationForEmail(ctx, email); err == nil {
		in.OrganizationID = &org.ID
	} else if !errs.Is(err, errs.KindNotFound) {
		return nil, false, err
	}
	u, err = s.people.CreateUser(ctx, audit.System(), in)
	if err != nil {
		// Another delivery may have created the same sender meanwhile.
		if again, err2 := s.people.UserByEmail(ctx, email); err2 == nil {
			return again, false, nil
		}
		return nil, false, err
	}
	s.log.Info("end-user created from inbound mail", "user", u.ID, "email", email, "organization", u.OrganizationID)
	return u, true, nil
}

// mayAddCCs decides whether the other people a message was sent to become
// CCs (and so may read the ticket). A reply to an open ticket may add them
// when it comes from staff (who are verified: unverified staff mail never
// gets here) or carries the sender's reply token for the ticket; a new
// ticket only when its sender is verified. why says what was missing.
func (s *Store) mayAddCCs(ctx context.Context, p *inbound, sender *people.User, th Thread, target *ticket.Ticket) (ok bool, why string, err error) {
	if target != nil && target.Status != ticket.StatusClosed {
		if sender.IsStaff() {
			return true, "", nil
		}
		key, err := s.replyKey(ctx, nil)
		if err != nil {
			return false, "", err
		}
		if hasReplyToken(key, p.in, sender.ID, th.TicketID, target.ID) {
			return true, "", nil
		}
		return false, "the reply carries no reply token issued to " + sender.Email, nil
	}
	if p.auth.Verified() {
		return true, "", nil
	}
	return false, "the sender is not verified", nil
}

// wouldAddCCs reports whether the message names anyone ccUsers would add.
func (s *Store) wouldAddCCs(in *Inbound, sender *people.User) bool {
	for _, a := range append(append([]Address(nil), in.To...), in.Cc...) {
		e := normalizeEmail(a.Email)
		if e != "" && !s.isOwn(e) && !strings.EqualFold(e, sender.Email) && !isNoReply(e) {
			return true
		}
	}
	return false
}

// ccUsers returns the users for the other people the message was sent to
// (To and Cc minus our mailboxes and the sender), creating end-users.
func (s *Store) ccUsers(ctx context.Context, in *Inbound, sender *people.User) ([]int64, error) {
	var ids []int64
	seen := map[string]bool{}
	for _, a := range append(append([]Address(nil), in.To...), in.Cc...) {
		e := normalizeEmail(a.Email)
		if e == "" || seen[e] || s.isOwn(e) || strings.EqualFold(e, sender.Email) || isNoReply(e) {
			continue
		}
		seen[e] = true
		if len(ids) >= s.cfg.MaxCCs {
			break
		}
		u, _, err := s.endUser(ctx, Address{Name: a.Name, Email: e})
		if errs.Is(err, errs.KindInvalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Active && !u.Suspended {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

// saveAttachments uploads the message's attachments; ones the ticket store
// refuses (too large, unnamed) are skipped and logged — the raw message
// still holds them.
func (s *Store) saveAttachments(ctx context.Context, sender *people.User, in *Inbound) []string {
	var tokens []string
	actor := ticket.Actor{UserID: sender.ID, Role: sender.Role}
	for i, a := range in.Attachments {
		if i >= 50 {
			break
		}
		att, err := s.tickets.SaveUpload(ctx, actor, a.Filename, a.ContentType, bytes.NewReader(a.Data))
		if err != nil {
			s.log.Warn("inbound attachment skipped", "message_id", in.MessageID, "file", a.Filename, "err", err)
			continue
		}
		tokens = append(tokens, att.Token)
	}
	return tokens
}

// lookup finds the ticket of stored inbound or outbound Message-IDs.
func (s *Store) lookup(ctx context.Context) LookupFunc {
	return func(ids []string) (int64, bool, error) {
		var found int64
		err := s.d.Read(ctx, func(tx *db.Tx) error {
			for _, id := range ids {
				for _, q := range []string{"TicketOfMessage", "TicketOfOutbound"} {
					err := tx.QueryRowContext(ctx, s.q.Get(q), id).Scan(&found)
					if err == nil {
						return nil
					}
					if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
			}
			return nil
		})
		return found, found > 0, err
	}
}

func (s *Store) messageStored(ctx context.Context, messageID string) (bool, error) {
	var id int64
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("MessageExists"), messageID).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// storeOnly keeps a message that creates no ticket change (a loop, a bounce).
func (s *Store) storeOnly(ctx context.Context, p *inbound) error {
	if p.thread == "" {
		p.thread = "none"
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if err := s.recordBounce(ctx, tx, p); err != nil {
			return err
		}
		return s.insertMessage(ctx, tx, p)
	})
}

// recordBounce marks the outbound message a permanent bounce refers to as
// failed, with the diagnostic, and files the bounce on its ticket, so that
// agents see that the customer did not get the reply.
func (s *Store) recordBounce(ctx context.Context, tx *db.Tx, p *inbound) error {
	b := p.in.Bounce
	if !p.in.IsBounce || b == nil || !b.Permanent() || b.OriginalMessageID == "" {
		return nil
	}
	msg := strings.TrimSpace(fmt.Sprintf("bounced: %s %s %s", b.Status, b.Recipient, b.Diagnostic))
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	var ticketID sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q.Get("OutboxBounced"), b.OriginalMessageID, msg, db.TS(tx.Now)).Scan(&ticketID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if ticketID.Valid {
		p.ticketID = ticketID.Int64
		p.thread = "bounce of " + b.OriginalMessageID
	}
	return nil
}

func (s *Store) insertMessage(ctx context.Context, tx *db.Tx, p *inbound) error {
	sum := sha256.Sum256(p.raw)
	var ticketID, commentID any
	if p.ticketID > 0 {
		ticketID = p.ticketID
	}
	if p.commentID > 0 {
		commentID = p.commentID
	}
	var id int64
	auth := p.auth.Result
	if auth == "" {
		auth = AuthNone
	}
	err := tx.QueryRowContext(ctx, s.q.Get("InsertMessage"), p.in.MessageID, ticketID, commentID, p.mailbox,
		cleanText(p.env.From), p.in.From.Email, p.in.From.Name, p.in.Subject, p.in.InReplyTo,
		strings.Join(p.in.References, " "), p.dec.Verdict.String(), cleanText(p.dec.Reason), cleanText(p.thread), int64(len(p.raw)),
		hex.EncodeToString(sum[:]), p.raw, db.TS(tx.Now), string(auth), cleanText(p.auth.Details),
		cleanText(strings.Join(p.notes, "; "))).Scan(&id)
	if db.IsUnique(err) {
		return errDuplicate
	}
	return err
}

// hook runs inside every ticket change's transaction: it stores the inbound
// message that caused the change (so message and ticket commit together)
// and queues outbound mail for public agent comments.
func (s *Store) hook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if p, ok := ctx.Value(pendingKey{}).(*inbound); ok && c.Depth == 0 && c.Comment != nil {
		p.ticketID, p.commentID = c.Ticket.ID, c.Comment.ID
		if err := s.insertMessage(ctx, tx, p); err != nil {
			return err
		}
	}
	return s.queueReply(ctx, tx, c)
}

func scanEmail(r db.Scanner) (*Email, error) {
	var e Email
	var tid, cid sql.NullInt64
	var refs string
	if err := r.Scan(&e.ID, &e.MessageID, &tid, &cid, &e.Mailbox, &e.EnvelopeFrom, &e.FromEmail, &e.FromName,
		&e.Subject, &e.InReplyTo, &refs, &e.Verdict, &e.Reason, &e.Thread, &e.Size, &e.SHA256,
		db.Time(&e.ReceivedAt), &e.Auth, &e.AuthDetails, &e.Notes); err != nil {
		return nil, err
	}
	e.Unverified = e.Auth != "" && e.Auth != string(AuthPass)
	if tid.Valid {
		e.TicketID = &tid.Int64
	}
	if cid.Valid {
		e.CommentID = &cid.Int64
	}
	e.References = strings.Fields(refs)
	if e.References == nil {
		e.References = []string{}
	}
	return &e, nil
}

// TicketEmails lists the inbound messages stored on a ticket, oldest first.
func (s *Store) TicketEmails(ctx context.Context, ticketID int64) ([]Email, error) {
	return db.ReadList(ctx, s.d, s.q.Get("TicketMessages"), []any{ticketID}, scanEmail)
}

// LatestEmails lists the newest stored inbound messages, newest first.
func (s *Store) LatestEmails(ctx context.Context, limit int) ([]Email, error) {
	return db.ReadList(ctx, s.d, s.q.Get("LatestMessages"), []any{limit}, scanEmail)
}

// GetEmail returns one stored inbound message.
func (s *Store) GetEmail(ctx context.Context, id int64) (e *Email, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		e, err = scanEmail(tx.QueryRowContext(ctx, s.q.Get("GetMessage"), id))
		return db.MapError(err, "email")
	})
	return e, err
}

// RawEmail returns a stored message's raw bytes (the .eml as received).
func (s *Store) RawEmail(ctx context.Context, id int64) (raw []byte, err error) {
	err = s.d.Read(ctx, func(tx *db.Tx) error {
		return db.MapError(tx.QueryRowContext(ctx, s.q.Get("RawMessage"), id).Scan(&raw), "email")
	})
	return raw, err
}

// --- outbound ----------------------------------------------------------------

type contact struct {
	id     int64
	name   string
	email  string
	role   string
	active bool
}

func (s *Store) contact(ctx context.Context, tx *db.Tx, id int64) (contact, error) {
	c := contact{id: id}
	err := tx.QueryRowContext(ctx, s.q.Get("UserContact"), id).Scan(&c.name, &c.email, &c.role, &c.active)
	if errors.Is(err, sql.ErrNoRows) {
		return contact{}, nil
	}
	return c, err
}

// queueReply puts a public comment by a member of staff into the outbox,
// addressed to the requester with the ticket's CCs, threaded after the
// ticket's latest inbound or outbound message.
func (s *Store) queueReply(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if !s.cfg.Outbound || c.Comment == nil || !c.Comment.Public {
		return nil
	}
	author, err := s.contact(ctx, tx, c.Comment.AuthorID)
	if err != nil {
		return err
	}
	if !people.IsStaff(author.role) {
		return nil
	}
	t := c.Ticket
	var rcpts []Address
	var rcptIDs []int64
	seen := map[string]bool{}
	for _, id := range append([]int64{t.RequesterID}, t.CollaboratorIDs...) {
		if id == author.id {
			continue
		}
		u, err := s.contact(ctx, tx, id)
		if err != nil {
			return err
		}
		e := normalizeEmail(u.email)
		if e == "" || !u.active || seen[e] || s.isOwn(e) {
			continue
		}
		seen[e] = true
		rcpts = append(rcpts, Address{Name: u.name, Email: e})
		rcptIDs = append(rcptIDs, id)
	}
	if len(rcpts) == 0 {
		return nil
	}
	key, err := s.replyKey(ctx, tx)
	if err != nil {
		return err
	}
	from := s.cfg.From
	if _, ok := s.boxes[BaseAddress(t.Recipient)]; ok {
		from.Email = BaseAddress(t.Recipient)
	}
	_, domain, _ := strings.Cut(from.Email, "@")
	parentID, parentRefs, err := s.parent(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	var ids []int64 // the comment's attachments, read at send time
	subject := t.Subject
	if parentID != "" && !hasReplyPrefix(subject) {
		subject = "Re: " + subject
	}
	for _, a := range c.Comment.Attachments {
		ids = append(ids, a.ID)
	}
	// One copy per recipient: every copy shows all recipients, but goes to
	// one, with that recipient's reply token (see tokens.go).
	for i, r := range rcpts {
		tok := ReplyToken(key, t.ID, rcptIDs[i])
		m := &Outbound{
			From:       from,
			ReplyTo:    Address{Name: from.Name, Email: PlusAddressToken(from.Email, t.ID, tok)},
			To:         rcpts[:1],
			Cc:         rcpts[1:],
			EnvelopeTo: []string{r.Email},
			Subject:    subject,
			TicketID:   t.ID,
			Text:       c.Comment.PlainBody,
			HTML:       c.Comment.HTMLBody,
			MessageID:  OutboundMessageIDToken(t.ID, c.Comment.ID, tok, domain),
			InReplyTo:  parentID,
			References: parentRefs,
		}
		if err := s.insertOutbox(ctx, tx, t.ID, c.Comment.ID, m, ids); err != nil {
			return err
		}
	}
	return s.scheduleDispatch(ctx, tx, tx.Now)
}

func hasReplyPrefix(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "re:") || strings.HasPrefix(l, "aw:")
}

// parent returns the Message-ID and References of the ticket's latest
// message in either direction ("" when the ticket has no mail yet).
func (s *Store) parent(ctx context.Context, tx *db.Tx, ticketID int64) (string, []string, error) {
	var inID, inRefs string
	var inAt time.Time
	var inComment int64
	err := tx.QueryRowContext(ctx, s.q.Get("LastInbound"), ticketID).Scan(&inID, &inRefs, db.Time(&inAt), &inComment)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	var outID, outMsg string
	var outAt time.Time
	var outComment int64
	err = tx.QueryRowContext(ctx, s.q.Get("LastOutbound"), ticketID).Scan(&outID, &outMsg, db.Time(&outAt), &outComment)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	// The later of the two; within one instant, the later comment.
	outLater := outAt.After(inAt) || (outAt.Equal(inAt) && outComment > inComment)
	if outID != "" && (inID == "" || outLater) {
		var m Outbound
		if err := decodeOutbox(outMsg, &m, nil); err != nil {
			return "", nil, err
		}
		return outID, ReplyReferences(m.References, m.InReplyTo), nil
	}
	return inID, strings.Fields(inRefs), nil
}

// EnqueueTx puts m into the durable outbox inside tx, due now, so that it is
// sent exactly when tx commits. Notifications (triggers) use it too; they
// should set Headers "Auto-Submitted: auto-generated". m.MessageID must be
// set and unique (see OutboundMessageID).
func (s *Store) EnqueueTx(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *Outbound) error {
	return s.enqueue(ctx, tx, ticketID, commentID, m, nil)
}

// outboxRecord is what mail_outbox.message holds: the message and the
// ticket attachments to add when it is sent (their content stays in the
// attachment store instead of being copied into the queue).
type outboxRecord struct {
	Message       Outbound `json:"message"`
	AttachmentIDs []int64  `json:"attachment_ids,omitempty"`
}

func decodeOutbox(s string, m *Outbound, ids *[]int64) error {
	var r outboxRecord
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return err
	}
	*m = r.Message
	if ids != nil {
		*ids = r.AttachmentIDs
	}
	return nil
}

func (s *Store) enqueue(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *Outbound, attachmentIDs []int64) error {
	if err := s.insertOutbox(ctx, tx, ticketID, commentID, m, attachmentIDs); err != nil {
		return err
	}
	return s.scheduleDispatch(ctx, tx, tx.Now)
}

// insertOutbox adds m to the outbox without scheduling its dispatch.
func (s *Store) insertOutbox(ctx context.Context, tx *db.Tx, ticketID, commentID int64, m *Outbound, attachmentIDs []int64) error {
	var v errs.Validation
	v.Check(strings.TrimSpace(m.MessageID) != "", "message_id", "is required")
	v.Check(m.From.Email != "", "from", "is required")
	v.Check(len(m.To)+len(m.Cc) > 0, "to", "needs at least one recipient")
	if err := v.Err(); err != nil {
		return err
	}
	body, err := json.Marshal(outboxRecord{Message: *m, AttachmentIDs: attachmentIDs})
	if err != nil {
		return err
	}
	var tid, cid any
	if ticketID > 0 {
		tid = ticketID
	}
	if commentID > 0 {
		cid = commentID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.q.Get("InsertOutbox"), tid, cid, strings.Trim(m.MessageID, "<> "), string(body),
		db.TS(tx.Now)).Scan(&id); err != nil {
		return db.MapError(err, "outbox message")
	}
	return nil
}

// Claim implements OutboxStore: due pending items, leased for LeaseFor.
func (s *Store) Claim(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error) {
	var items []OutboxItem
	var atts [][]int64
	err := s.d.Write(ctx, func(tx *db.Tx) error {
		items = items[:0]
		rows, err := tx.QueryContext(ctx, s.q.Get("DueOutbox"), db.TS(now), limit)
		if err != nil {
			return err
		}
		atts = atts[:0]
		for rows.Next() {
			var it OutboxItem
			var msg string
			var ids []int64
			if err := rows.Scan(&it.ID, &it.Attempts, &msg); err != nil {
				rows.Close()
				return err
			}
			if err := decodeOutbox(msg, &it.Message, &ids); err != nil {
				rows.Close()
				return fmt.Errorf("outbox item %d: %w", it.ID, err)
			}
			items = append(items, it)
			atts = append(atts, ids)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, s.q.Get("LeaseOutbox"), it.ID, db.TS(now.Add(s.cfg.LeaseFor)), db.TS(tx.Now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range items {
		if err := s.loadAttachments(ctx, &items[i].Message, atts[i]); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// loadAttachments adds the content of ticket attachments to m. A file that
// has gone (its ticket was deleted) is left out.
func (s *Store) loadAttachments(ctx context.Context, m *Outbound, ids []int64) error {
	for _, id := range ids {
		a, rc, err := s.tickets.OpenAttachment(ctx, id)
		if errs.Is(err, errs.KindNotFound) {
			s.log.Warn("outbound attachment gone", "attachment", id, "message_id", m.MessageID)
			continue
		}
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		m.Attachments = append(m.Attachments, Attachment{Filename: a.FileName, ContentType: a.ContentType, Data: data})
	}
	return nil
}

// MarkSent implements OutboxStore.
func (s *Store) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, s.q.Get("OutboxSent"), id, db.TS(now))
		return err
	})
}

// MarkFailed implements OutboxStore.
func (s *Store) MarkFailed(ctx context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error {
	status := "pending"
	if permanent {
		status = "failed"
	}
	if next.IsZero() {
		next = now
	}
	if len(errText) > 2000 {
		errText = errText[:2000]
	}
	return s.d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.Get("OutboxFailed"), id, status, errText, db.TS(next), db.TS(now)); err != nil {
			return err
		}
		if permanent {
			return nil
		}
		return s.scheduleDispatch(ctx, tx, next) // the retry
	})
}

// OutboxEntry is an outbox item with its delivery state.
type OutboxEntry struct {
	ID            int64      `json:"id"`
	TicketID      *int64     `json:"ticket_id"`
	CommentID     *int64     `json:"comment_id"`
	MessageID     string     `json:"message_id"`
	Message       Outbound   `json:"-"`
	Status        string     `json:"status"` // pending, sent, failed
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func scanOutbox(r db.Scanner) (*OutboxEntry, error) {
	var e OutboxEntry
	var tid, cid sql.NullInt64
	var msg string
	if err := r.Scan(&e.ID, &tid, &cid, &e.MessageID, &msg, &e.Status, &e.Attempts, &e.LastError,
		db.Time(&e.NextAttemptAt), db.TimePtr(&e.SentAt), db.Time(&e.CreatedAt), db.Time(&e.UpdatedAt)); err != nil {
		return nil, err
	}
	if tid.Valid {
		e.TicketID = &tid.Int64
	}
	if cid.Valid {
		e.CommentID = &cid.Int64
	}
	if err := decodeOutbox(msg, &e.Message, nil); err != nil {
		return nil, err
	}
	return &e, nil
}

// TicketOutbox lists the outbound mail queued for a ticket, oldest first.
func (s *Store) TicketOutbox(ctx context.Context, ticketID int64) ([]OutboxEntry, error) {
	return db.ReadList(ctx, s.d, s.q.Get("TicketOutbox"), []any{ticketID}, scanOutbox)
}
