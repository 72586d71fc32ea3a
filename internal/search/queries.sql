-- Full-text index maintenance and the engine-specific pieces of search.
-- Search statements are assembled in search.go from the fragments below;
-- every fragment that differs between the engines has a variant here.
-- TextMatchAll/TextMatchPublic select the ticket ids matching a full-text
-- query (all text, or what customers may read); the Ranked* blocks select
-- (id, score) rows, higher scores more relevant, and RankedOrder walks the
-- text index newest first; RankedTextOnlyAll answers from the text index
-- alone when there is no other condition (a deleted ticket's row goes with
-- it: a foreign key on PostgreSQL, a trigger on SQLite). $N is replaced by
-- the query's argument number. Blocks that are fragments end without a
-- comment: the caller appends to their last line.
-- Relevance: PostgreSQL's ts_rank weighs how often and how densely the
-- terms occur. SQLite's bm25() would too, but it counts every document that
-- holds each term on every query (a whole doclist: tens of milliseconds for
-- a common word at a million tickets), so SQLite ranks tickets whose subject
-- holds a query term (highlight() of the subject column, per row, no global
-- counts) above the others, each newest first.

-- name: TicketTexts
SELECT t.subject, t.description,
       COALESCE((SELECT string_agg(c.plain_body, ' ' ORDER BY c.id) FROM ticket_comments c
                 WHERE c.ticket_id = t.id AND c.public), ''),
       COALESCE((SELECT string_agg(c.plain_body, ' ' ORDER BY c.id) FROM ticket_comments c
                 WHERE c.ticket_id = t.id AND NOT c.public), '')
FROM tickets t WHERE t.id = $1;

-- name: TicketTexts sqlite
SELECT t.subject, t.description,
       COALESCE((SELECT group_concat(plain_body, ' ') FROM
                 (SELECT c.plain_body FROM ticket_comments c WHERE c.ticket_id = t.id AND c.public ORDER BY c.id)), ''),
       COALESCE((SELECT group_concat(plain_body, ' ') FROM
                 (SELECT c.plain_body FROM ticket_comments c WHERE c.ticket_id = t.id AND NOT c.public ORDER BY c.id)), '')
FROM tickets t WHERE t.id = $1;

-- name: DeleteTicketText
DELETE FROM ticket_fts WHERE rowid = $1;

-- name: DeleteTicketText postgres
DELETE FROM ticket_fts WHERE ticket_id = $1;

-- name: InsertTicketText
-- Only while the ticket exists: rows are written just before the commit,
-- possibly after a later call of the same batch deleted the ticket.
INSERT INTO ticket_fts (rowid, subject, public_text, private_text)
SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM tickets WHERE id = $1);

-- name: InsertTicketText postgres
INSERT INTO ticket_fts (ticket_id, doc_public, doc_all)
SELECT $1, to_tsvector('simple', $2 || ' ' || $3), to_tsvector('simple', $2 || ' ' || $3 || ' ' || $4)
WHERE EXISTS (SELECT 1 FROM tickets WHERE id = $1);

-- name: TextMatchAll
SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH $N

-- name: TextMatchAll postgres
SELECT ticket_id FROM ticket_fts WHERE doc_all @@ to_tsquery('simple', $N)

-- name: TextMatchPublic
SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH '{subject public_text} : (' || $N || ')'

-- name: TextMatchPublic postgres
SELECT ticket_id FROM ticket_fts WHERE doc_public @@ to_tsquery('simple', $N)

-- name: SubjectScore
CASE WHEN instr(highlight(ticket_fts, 0, char(1), char(2)), char(1)) > 0 THEN 2.0 ELSE 1.0 END

-- name: RankedTextMatchAll
SELECT t.id AS id,
       {{SubjectScore}} AS score
FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid
WHERE ticket_fts MATCH $N

-- name: RankedTextMatchAll postgres
SELECT t.id AS id, ts_rank(f.doc_all, to_tsquery('simple', $N)) AS score FROM ticket_fts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.doc_all @@ to_tsquery('simple', $N)

-- name: RankedTextMatchPublic
SELECT t.id AS id,
       {{SubjectScore}} AS score
FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid
WHERE ticket_fts MATCH '{subject public_text} : (' || $N || ')'

-- name: RankedTextMatchPublic postgres
SELECT t.id AS id, ts_rank(f.doc_public, to_tsquery('simple', $N)) AS score FROM ticket_fts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.doc_public @@ to_tsquery('simple', $N)

-- name: RankedTextOnlyAll
SELECT ticket_fts.rowid AS id,
       {{SubjectScore}} AS score
FROM ticket_fts
WHERE ticket_fts MATCH $N

-- name: RankedTextOnlyAll postgres
SELECT f.ticket_id AS id, ts_rank(f.doc_all, to_tsquery('simple', $N)) AS score FROM ticket_fts f
WHERE f.doc_all @@ to_tsquery('simple', $N)

-- name: RankedOrder
ticket_fts.rowid DESC

-- name: RankedOrder postgres
f.ticket_id DESC

-- name: InsertTicketTextsHead
-- writeIndex's multi-row form: rows (CAST($n AS BIGINT), $n+1, $n+2, $n+3)
-- and InsertTicketTextsTail follow.
INSERT INTO ticket_fts (rowid, subject, public_text, private_text)
SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES

-- name: InsertTicketTextsHead postgres
INSERT INTO ticket_fts (ticket_id, doc_public, doc_all)
SELECT v.column1, to_tsvector('simple', v.column2 || ' ' || v.column3), to_tsvector('simple', v.column2 || ' ' || v.column3 || ' ' || v.column4)
FROM (VALUES

-- name: InsertTicketTextsTail
) AS v WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.id = v.column1)
