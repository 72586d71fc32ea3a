// Package sla is the pure domain logic of SLA policies, business hours and
// breach detection, modelled on Zendesk (/api/v2/slas/policies and
// /api/v2/business_hours/schedules). It does no I/O and never reads the
// clock: every function takes the instants it needs, so the store and job
// layers decide what "now" is (see internal/clock).
//
// # Business hours
//
// A Schedule lists weekly Intervals in minutes since Sunday 00:00 local
// wall-clock time in the schedule's IANA zone, plus Holidays that close whole
// local dates. Business time is the measure of the instants whose local
// wall-clock time lies in an interval on a non-holiday date, so clock changes
// behave as people expect: a 09:00–17:00 day is always 8 hours, a night shift
// across the spring-forward hour is an hour shorter, one across the fall-back
// hour an hour longer. Intervals may cross midnight; a holiday closes only
// the part of such an interval that falls on the holiday date.
//
// AddBusinessMinutes(s, from, m) is the earliest instant at which m business
// minutes have elapsed since from (a target due at the very end of a window
// is due then, not at the next opening); BusinessMinutesBetween counts the
// business time in [a, b). Calendar-hours targets use elapsed time (a nil
// schedule). Computation walks local dates, skipping whole weeks that hold no
// holiday and no UTC-offset change, so targets spanning months cost little.
// Build a Calendar with NewCalendar to reuse a compiled schedule.
//
// # Policies
//
// A Policy carries a Filter (all conditions, and one of any) and
// PolicyMetrics: a target in minutes per (priority, metric), in business or
// calendar hours. SelectPolicy picks the first matching policy by Position.
//
// # Metric clocks
//
// Compute replays a ticket's history (Events) against the ticket's policy and
// schedule and returns a MetricState per metric:
//
//   - first_reply_time runs from creation by an end user to the first public
//     agent comment, never paused. Tickets opened by an agent have none.
//   - next_reply_time runs from the oldest requester comment not yet answered
//     (once the first-reply phase is over) to the next public agent comment.
//   - periodic_update_time runs from each public agent comment to the next
//     one while the ticket is unsolved; pausable_update_time is the same but
//     paused in pending and on-hold.
//   - requester_wait_time totals the time in new, open and on-hold;
//     agent_work_time the time in new and open. Both are one cumulative clock
//     for the life of the ticket.
//
// Solving a ticket completes every running cycle (achieved or breached).
// Reopening it (solved to any unsolved status; a requester comment on a
// solved or pending ticket sets it to open) resumes the cumulative clocks,
// restarts the update clocks if an agent has replied before, and a reopening
// requester comment starts next_reply_time. Closing a ticket is final.
//
// A cycle's target is taken from the ticket's current priority. A priority
// change re-targets running cycles from their original start (cumulative
// ones over their measured total); when the new target already lies in the
// past the breach is recorded at the time of the change. Breaches are never
// undone by a later priority change. A cycle is breached once its measured
// time strictly exceeds the target: a reply at exactly DueAt is achieved.
// Business-hours targets measure only business time, and paused periods are
// excluded from cumulative and pausable clocks.
//
// NextDue tells a job scheduler when to look at a ticket again, WarningAt when
// to warn ahead of a breach, and Achievements gives one reporting row per
// completed cycle.
package sla
