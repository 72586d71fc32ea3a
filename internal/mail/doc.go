// Package mail is the email channel's engine: it parses inbound messages
// (Parse), decides which ticket a message threads into (Resolve), protects
// against mail loops (Decide, RateLimiter), receives mail over SMTP (Server),
// sends replies through a relay (Sender) and drives the outbox retry policy
// (Dispatcher, RetryPolicy).
//
// Nothing here touches the database. The store layer plugs in through the
// Deliverer, LookupFunc, RateCounter and OutboxStore interfaces.
//
// Conventions:
//   - Message-IDs are stored and compared without angle brackets
//     ("abc@example.com"); the Sender adds the brackets on the wire.
//   - Address.Email is lower-cased and trimmed.
package mail
