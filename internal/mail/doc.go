// Package mail is the email channel. Its pure engine parses inbound
// messages (Parse), decides which ticket a message threads into (Resolve),
// protects against mail loops (Decide, RateLimiter), receives mail over
// SMTP (Server) or IMAP (IMAPPoller), sends replies through a relay (Sender)
// and drives the outbox retry policy (Dispatcher, RetryPolicy).
//
// Store is the database side: it keeps every inbound message with its raw
// bytes (Message-ID unique), turns accepted ones into tickets, comments and
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
