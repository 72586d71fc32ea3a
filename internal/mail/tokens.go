package mail

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/db"
)

// Reply tokens bind a reply to the person we wrote to. Every public reply
// is sent to each recipient as a copy of its own whose Message-ID
// (frontline.t<ticket>.c<comment>.<token>@domain) and Reply-To
// (support+id<ticket>.<token>@domain) carry a token made for that
// recipient: "u<user id>k<MAC>", the MAC an HMAC-SHA256 of ticket and user
// under a secret kept in mail_keys. A reply whose In-Reply-To, References
// or recipients hold the sender's own token for the ticket proves that the
// sender received our mail for it; only such replies may add CCs (someone
// who merely types the requester's address in From cannot).

const replyKeyName = "reply-token"

// replyTokenMAC is the hex length of the MAC in a token (48 bits).
const replyTokenMAC = 12

// ReplyToken returns the token of userID for ticketID under key.
func ReplyToken(key []byte, ticketID, userID int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("reply:" + strconv.FormatInt(ticketID, 10) + ":" + strconv.FormatInt(userID, 10)))
	return "u" + strconv.FormatInt(userID, 10) + "k" + hex.EncodeToString(m.Sum(nil))[:replyTokenMAC]
}

// validReplyToken reports whether tok is userID's token for ticketID.
func validReplyToken(key []byte, tok string, ticketID, userID int64) bool {
	if len(key) == 0 || !strings.HasPrefix(tok, "u") {
		return false
	}
	want := ReplyToken(key, ticketID, userID)
	return hmac.Equal([]byte(strings.ToLower(tok)), []byte(want))
}

// PlusAddressToken is PlusAddress with a reply token:
// "support+id1234.u56k0a1b2c3d4e5f@example.com".
func PlusAddressToken(mailbox string, ticketID int64, token string) string {
	a := PlusAddress(mailbox, ticketID)
	if token == "" {
		return a
	}
	local, domain, ok := strings.Cut(a, "@")
	if !ok {
		return a
	}
	return local + "." + token + "@" + domain
}

// replyTokens lists the (ticket, token) pairs a message carries: in our
// Message-IDs it refers to and in plus addresses among its recipients.
func replyTokens(in *Inbound) map[int64][]string {
	out := map[int64][]string{}
	for _, id := range referencedIDs(in) {
		if m := ownMsgIDRe.FindStringSubmatch(strings.Trim(strings.TrimSpace(id), "<>")); m != nil && m[3] != "" {
			if t, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				out[t] = append(out[t], m[3])
			}
		}
	}
	for _, a := range append(append([]Address(nil), in.To...), in.Cc...) {
		if m := plusTagRe.FindStringSubmatch(strings.TrimSpace(a.Email)); m != nil && m[2] != "" {
			if t, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				out[t] = append(out[t], m[2])
			}
		}
	}
	return out
}

// hasReplyToken reports whether in carries userID's token for one of
// ticketIDs.
func hasReplyToken(key []byte, in *Inbound, userID int64, ticketIDs ...int64) bool {
	toks := replyTokens(in)
	for _, t := range ticketIDs {
		for _, tok := range toks[t] {
			if validReplyToken(key, tok, t, userID) {
				return true
			}
		}
	}
	return false
}

// replyKey returns the channel's token secret, creating it on first use
// (the first node to insert it wins; the others read it). Inside tx a new
// secret is only cached once it has been read back committed.
func (s *Store) replyKey(ctx context.Context, tx *db.Tx) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	var key []byte
	created := false
	load := func(tx *db.Tx) error {
		read := func() (string, error) {
			var secret string
			err := tx.QueryRowContext(ctx, s.q.Get("GetKey"), replyKeyName).Scan(&secret)
			return secret, err
		}
		secret, err := read()
		if errors.Is(err, sql.ErrNoRows) {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertKey"), replyKeyName, hex.EncodeToString(b), db.TS(tx.Now)); err != nil {
				return err
			}
			created = true
			secret, err = read()
		}
		if err != nil {
			return err
		}
		key, err = hex.DecodeString(secret)
		if err != nil || len(key) < 16 {
			return errors.New("mail: the reply-token secret in mail_keys is malformed")
		}
		return nil
	}
	var err error
	if tx != nil {
		err = load(tx)
	} else {
		err = s.d.Write(ctx, load)
	}
	if err != nil {
		return nil, err
	}
	if tx == nil || !created {
		s.key = key
	}
	return key, nil
}
