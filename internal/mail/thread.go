package mail

import (
	"regexp"
	"strconv"
	"strings"
)

// Ticket references in mail:
//   - subject token "[#1234]"
//   - plus address "support+id1234@example.com", or with a reply token
//     "support+id1234.u56k0a1b2c3d4e5f@example.com"
//   - our own Message-IDs "frontline.t1234.c5678@example.com" (an optional
//     ".suffix" after the comment number is tolerated, for callers that need
//     several distinct messages per comment)
var (
	subjectTokenRe = regexp.MustCompile(`\[#(\d{1,18})\]`)
	plusTagRe      = regexp.MustCompile(`(?i)^[^@+]+\+id(\d{1,18})(?:\.([a-z0-9]{1,64}))?@[^@]+$`)
	ownMsgIDRe     = regexp.MustCompile(`(?i)^frontline\.t(\d{1,18})\.c(\d{1,18})(?:\.([a-z0-9_-]{1,64}))?@([^@\s<>]+)$`)
)

// TicketToken returns the subject token for a ticket, e.g. "[#1234]".
func TicketToken(ticketID int64) string {
	return "[#" + strconv.FormatInt(ticketID, 10) + "]"
}

// SubjectWithToken appends the ticket token to subject unless it is already
// there.
func SubjectWithToken(subject string, ticketID int64) string {
	tok := TicketToken(ticketID)
	subject = strings.TrimSpace(subject)
	if strings.Contains(subject, tok) {
		return subject
	}
	if subject == "" {
		return tok
	}
	return subject + " " + tok
}

// PlusAddress returns mailbox with the ticket tag in its local part:
// PlusAddress("support@example.com", 1234) = "support+id1234@example.com".
// A mailbox without "@" is returned unchanged.
func PlusAddress(mailbox string, ticketID int64) string {
	local, domain, ok := strings.Cut(mailbox, "@")
	if !ok {
		return mailbox
	}
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	return local + "+id" + strconv.FormatInt(ticketID, 10) + "@" + domain
}

// BaseAddress strips a "+tag" from the local part and lower-cases the
// address: "Support+id12@Example.com" -> "support@example.com".
func BaseAddress(addr string) string {
	addr = normalizeEmail(addr)
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	return local + "@" + domain
}

// ParseTicketToken finds a ticket reference in a subject ("[#1234]", the
// last one wins, as prefixes of other systems come first) or, failing that,
// in a plus address among addresses.
func ParseTicketToken(subject string, addresses []Address) (int64, bool) {
	if ms := subjectTokenRe.FindAllStringSubmatch(subject, -1); ms != nil {
		if id, err := strconv.ParseInt(ms[len(ms)-1][1], 10, 64); err == nil && id > 0 {
			return id, true
		}
	}
	for _, a := range addresses {
		if m := plusTagRe.FindStringSubmatch(strings.TrimSpace(a.Email)); m != nil {
			if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
				return id, true
			}
		}
	}
	return 0, false
}

// OutboundMessageID returns the Message-ID (without brackets) of the email
// sent for a ticket comment. It is deterministic, so a retried send keeps
// its ID and mail clients deduplicate it.
func OutboundMessageID(ticketID, commentID int64, domain string) string {
	return "frontline.t" + strconv.FormatInt(ticketID, 10) + ".c" + strconv.FormatInt(commentID, 10) + "@" + strings.ToLower(strings.TrimSpace(domain))
}

// OutboundMessageIDToken is OutboundMessageID with a reply token:
// frontline.t<ticket>.c<comment>.<token>@domain.
func OutboundMessageIDToken(ticketID, commentID int64, token, domain string) string {
	id := OutboundMessageID(ticketID, commentID, domain)
	if token == "" {
		return id
	}
	local, dom, _ := strings.Cut(id, "@")
	return local + "." + token + "@" + dom
}

// ParseOutboundMessageID recognises an ID made by OutboundMessageID (with or
// without angle brackets) and returns its ticket and comment.
func ParseOutboundMessageID(id string) (ticketID, commentID int64, ok bool) {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	m := ownMsgIDRe.FindStringSubmatch(id)
	if m == nil {
		return 0, 0, false
	}
	t, err1 := strconv.ParseInt(m[1], 10, 64)
	c, err2 := strconv.ParseInt(m[2], 10, 64)
	if err1 != nil || err2 != nil || t <= 0 {
		return 0, 0, false
	}
	return t, c, true
}

// ThreadMethod says how Resolve matched a ticket.
type ThreadMethod string

// Thread methods, strongest first.
const (
	ThreadNew           ThreadMethod = ""               // no match: open a new ticket
	ThreadOwnMessageID  ThreadMethod = "own-message-id" // In-Reply-To/References holds one of our outbound IDs
	ThreadStoredMessage ThreadMethod = "stored-message" // In-Reply-To/References holds a stored inbound ID
	ThreadToken         ThreadMethod = "token"          // subject token or plus address
)

// Thread is the result of Resolve.
type Thread struct {
	TicketID  int64 // 0 for a new ticket
	Method    ThreadMethod
	MatchedID string // the Message-ID that matched, for the two ID methods
}

// LookupFunc finds the ticket that stored any of messageIDs (inbound
// Message-IDs the store recorded, and outbound IDs it sent with a foreign
// format). IDs come without brackets, most relevant first.
type LookupFunc func(messageIDs []string) (ticketID int64, found bool, err error)

// Resolve decides which ticket an inbound message threads into, in order:
// our own Message-ID patterns in In-Reply-To then References (newest
// first), then a lookup of stored Message-IDs, then the subject token or a
// plus address in To/Cc. A nil lookup skips the lookup step.
//
// The ticket ID comes from data the sender controls: the store must check
// that the sender may write to that ticket (requester, CC or agent) before
// threading, and open a new ticket otherwise.
func Resolve(in *Inbound, lookup LookupFunc) (Thread, error) {
	ids := referencedIDs(in)
	for _, id := range ids {
		if t, _, ok := ParseOutboundMessageID(id); ok {
			return Thread{TicketID: t, Method: ThreadOwnMessageID, MatchedID: id}, nil
		}
	}
	if lookup != nil && len(ids) > 0 {
		t, found, err := lookup(ids)
		if err != nil {
			return Thread{}, err
		}
		if found && t > 0 {
			return Thread{TicketID: t, Method: ThreadStoredMessage}, nil
		}
	}
	addrs := make([]Address, 0, len(in.To)+len(in.Cc))
	addrs = append(append(addrs, in.To...), in.Cc...)
	if t, ok := ParseTicketToken(in.Subject, addrs); ok {
		return Thread{TicketID: t, Method: ThreadToken}, nil
	}
	return Thread{}, nil
}

// referencedIDs returns In-Reply-To then References newest first, without
// duplicates and without the message's own ID.
func referencedIDs(in *Inbound) []string {
	var ids []string
	seen := map[string]bool{in.MessageID: true}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	add(in.InReplyTo)
	for i := len(in.References) - 1; i >= 0; i-- {
		add(in.References[i])
	}
	return ids
}
