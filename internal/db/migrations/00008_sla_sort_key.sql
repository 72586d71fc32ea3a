-- +goose Up
-- The queue's sort key, denormalised: the earliest due time of a ticket's
-- running SLA targets, kept by the SLA service in the transaction that
-- rewrites sla_ticket_metrics. "No running target" is the largest BIGINT, so
-- the column is never NULL and "first 50 by SLA due" reads the index in
-- order (a subquery per ticket cannot be indexed).
ALTER TABLE tickets ADD COLUMN sla_next_breach_at BIGINT NOT NULL DEFAULT 9223372036854775807;
UPDATE tickets SET sla_next_breach_at = COALESCE(
    (SELECT min(sm.due_at) FROM sla_ticket_metrics sm WHERE sm.ticket_id = tickets.id AND sm.status = 'active'),
    9223372036854775807);
CREATE INDEX tickets_sla_next_breach_idx ON tickets (sla_next_breach_at, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
