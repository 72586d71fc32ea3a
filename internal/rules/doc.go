// Package rules is the pure core of Frontline's business rules: triggers,
// automations, macros, views and the webhook/notification effects they
// produce. The JSON shapes are Zendesk API v2's (/api/v2/triggers,
// automations, macros, views), so rule sets exported from Zendesk decode
// unchanged. The package does no I/O and never reads the clock: the store
// and HTTP layers pass tickets, updates and "now" in and perform the
// returned Effects themselves.
//
// # Conditions
//
// A condition is {"field", "operator", "value"}; values may be strings,
// numbers, booleans or lists. Validate (or the Validate methods) reports
// every bad element as a KindInvalid *errs.Error keyed by its path, e.g.
// "conditions.all[2].operator": `"foo" is not a valid operator for field
// "priority"`. Fields: status, priority (ordered new<open<pending<hold<
// solved<closed and low<normal<high<urgent), type, group_id, assignee_id,
// requester_id, submitter_id, organization_id (value "" = none,
// "current_user" for people), organization.plan, organization.tier
// (free<premium<ultimate), current_tags (includes = has at least one of
// the space-separated tags, not_includes = has none), via_id/channel,
// custom_fields_<id>, sla_breach, and trigger-only comment_includes_word,
// subject_includes_word, comment_is_public, current_via_id, role and
// update_type. Change operators (changed, not_changed, value/changed_to,
// value_previous/changed_from, not_value, not_value_previous) are
// trigger-only; a field changed when the before and after tickets differ
// (a new ticket's before is the zero Ticket) or Update.Changes says so.
//
// # Time-based conditions
//
// Automations and views may use hours_since_created, _updated, _pending,
// _solved, _assigned, _requester_update, _assignee_update, _due_date,
// hours_until_due_date, hours_until_next_sla_breach and
// hours_since_last_sla_breach; Zendesk's JSON names (NEW, PENDING, SOLVED,
// assigned_at, updated_at, until_sla_next_breach_at, and sla_next_breach_at
// meaning hours since the last breach) are accepted as aliases. Unlike
// Zendesk, values may be fractional: "0.5" is 30 minutes (Zendesk truncates
// to whole hours; we keep its field names instead of adding minutes_*
// fields). Comparisons are exact against the elapsed time; "is N" holds
// for N < elapsed <= N+1h (until: N <= remaining < N+1h). A never-set
// timestamp makes every time condition false, and hours_since_pending /
// hours_since_solved only hold while the ticket is pending / solved or
// closed. Business-hours operators are rejected.
//
// # Triggers
//
// RunTriggers checks active triggers in Position order (then ID); when one
// fires, its actions apply and checking restarts from the first trigger;
// each fires at most once per update, and more than MaxTriggerFirings
// firings stops with a *LoopError. Notifications are rendered after the
// cycle with the final ticket.
//
// # Automations and fired markers
//
// RunAutomations evaluates active automations at now, each at most once per
// ticket. The caller persists a marker (automation ID, ticket ID) for each
// Result.Fired entry, passes them back through alreadyFired, and deletes
// those in Result.ClearMarkers (or whenever MarkerStale says so after a
// ticket update): an automation re-fires only after its conditions stopped
// holding. Validation requires a time condition under "all" and an action
// that nullifies a condition, as Zendesk does.
//
// # Views
//
// View.Filter compiles conditions into Predicates over ticket columns (the
// Col* constants) plus sort keys; Match and Filter.Match are the reference
// semantics the SQL must reproduce. Ordered comparisons become IN lists,
// "current_user" a CurrentUser value and time conditions Relative bounds
// (see Predicate.Args).
//
// # Placeholders
//
// Render/RenderEscaped expand {{ticket.id}}-style placeholders from
// PlaceholderData; unknown ones stay as written. Webhook payloads are
// rendered with EscapeJSON, macro comment_value_html with EscapeHTML, and
// notification subjects and bodies without escaping.
package rules
