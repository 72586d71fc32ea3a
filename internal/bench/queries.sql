-- Bulk-load statement heads: gen.go appends the VALUES tuples (and, where
-- a block ends in VALUES inside a subquery, the closing tail from insert()).
-- The text rows are all strings (the id too): PostgreSQL types the
-- parameters of a VALUES list as text.

-- name: InsertGroups
INSERT INTO groups (id, name, created_at, updated_at) VALUES

-- name: InsertUsers
INSERT INTO users (id, name, email, role, organization_id, region, created_at, updated_at) VALUES

-- name: InsertOrganizations
INSERT INTO organizations (id, name, support_plan, tier, ase_user_id, created_at, updated_at) VALUES

-- name: InsertTickets
INSERT INTO tickets (id, subject, raw_subject, description, priority, status, requester_id, submitter_id,
                     assignee_id, organization_id, group_id, tags, via_channel, solved_at, created_at, updated_at,
                     sla_next_breach_at) VALUES

-- name: InsertComments
INSERT INTO ticket_comments (id, ticket_id, author_id, body, html_body, plain_body, public, created_at) VALUES

-- name: InsertSLAMetrics
INSERT INTO sla_ticket_metrics (ticket_id, metric, priority, target, status, started_at, due_at, updated_at) VALUES

-- name: InsertTexts
INSERT INTO ticket_fts (rowid, subject, public_text, private_text)
SELECT CAST(column1 AS INTEGER), column2, column3, column4 FROM (VALUES

-- name: InsertTexts postgres
INSERT INTO ticket_fts (ticket_id, doc_public, doc_all)
SELECT CAST(v.id AS BIGINT), to_tsvector('simple', v.s || ' ' || v.p), to_tsvector('simple', v.s || ' ' || v.p || ' ' || v.x)
FROM (VALUES

-- name: InsertTextsTail postgres
) AS v (id, s, p, x)

-- name: InsertTextsTail
)

-- The baseline: one ticket-sized row per transaction, the cheapest durable
-- write the engine offers. Its rate is what API ticket creation is held to.

-- name: CreateBaseline
CREATE TABLE IF NOT EXISTS bench_baseline (
    id         BIGINT PRIMARY KEY,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at BIGINT NOT NULL
)

-- name: ClearBaseline
DELETE FROM bench_baseline

-- name: InsertBaseline
INSERT INTO bench_baseline (id, subject, body, status, created_at) VALUES ($1, $2, $3, $4, $5)

-- The raw ticket-row baseline: one ticket row inserted into tickets itself
-- (its indexes, at the measured size) per transaction, with none of the
-- application's work around it.

-- name: InsertBaselineTicket
INSERT INTO tickets (subject, raw_subject, description, priority, status, requester_id, submitter_id,
                     organization_id, tags, custom_fields, via_channel, via_source, is_public, created_at, updated_at,
                     sla_next_breach_at)
VALUES ($1, $1, $2, 'normal', 'new', $3, $3, $4, ' bench ci ', '[]', 'api', '{}', TRUE, $5, $5, 9223372036854775807)

-- name: DeleteBaselineTickets
DELETE FROM tickets WHERE id > $1 AND subject = $2

-- The tickets the creation measure made, and their timer jobs, are removed
-- after it, so that the other measures (and the next run) see the
-- generated help desk rather than a growing backlog of due timers.

-- name: DeleteTicketsAfter
DELETE FROM tickets WHERE id > $1

