// Package mail is the email channel. Its pure engine parses inbound
// messages within Limits (Parse; limits.go bounds MIME depth, part count
// and parse time), verifies senders (Authenticator: DKIM/SPF/DMARC with an
// injectable Resolver, or a trusted relay's Authentication-Results), makes
// and checks per-recipient reply tokens (tokens.go), decides which ticket a
// message threads into (Resolve),
// protects against mail loops (Decide, RateLimiter), receives mail over
// SMTP (Server) or IMAP (IMAPPoller), sends replies through a relay (Sender)
// and drives the outbox retry policy (Dispatcher, RetryPolicy).
//
// Store is the database side: it keeps every inbound message with its raw
// bytes (Message-ID unique) and the verdict on its sender, keeps messages
// refused with a 5xx in mail_rejected (rejected.go), turns accepted ones
// into tickets, comments and
// follow-ups through ticket.Store and people.Store in the same transaction,
// and keeps the durable outbox that a ticket hook fills with public agent
// replies, dispatched by jobs (UseJobs). It implements Deliverer and
// OutboxStore.
//
// Conventions:
//   - Message-IDs are stored and compared without angle brackets
//     ("abc@example.com"); the Sender adds the brackets on the wire.
//   - Address.Email is lower-cased and trimmed.
package mail
