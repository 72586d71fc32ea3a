-- name: RatingColumns
r.id, r.ticket_id, r.requester_id, r.assignee_id, r.group_id, r.score, r.comment, r.created_at, r.updated_at

-- name: TicketForRating
SELECT status, requester_id, assignee_id, group_id FROM tickets WHERE id = $1;

-- name: GetByTicket
SELECT {{RatingColumns}} FROM satisfaction_ratings r WHERE r.ticket_id = $1;

-- name: GetRating
SELECT {{RatingColumns}} FROM satisfaction_ratings r WHERE r.id = $1;

-- name: UpsertRating
INSERT INTO satisfaction_ratings (ticket_id, requester_id, assignee_id, group_id, score, comment, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (ticket_id) DO UPDATE SET score = excluded.score, comment = excluded.comment,
    assignee_id = excluded.assignee_id, group_id = excluded.group_id, updated_at = excluded.updated_at
RETURNING id;

-- name: RatingFilter
FROM satisfaction_ratings r
WHERE ($1 = '' OR r.score = $1)
  AND ($2 = '' OR ($2 = 'with') = (r.comment <> ''))
  AND (CAST($3 AS BIGINT) = 0 OR r.updated_at >= $3)
  AND (CAST($4 AS BIGINT) = 0 OR r.updated_at < $4)
  -- The marker below becomes brand.VisibleSQL over t.brand_id and the fifth argument (Filter.Hidden).
  AND ($5 = '' OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = r.ticket_id AND PARTITION_T))

-- name: ListRatings
SELECT {{RatingColumns}} {{RatingFilter}} AND ($6 = 0 OR r.id > $6)
  AND ($7 = 0 OR r.assignee_id = $7) AND ($8 = 0 OR r.group_id = $8)
ORDER BY r.id LIMIT $9 OFFSET $10;

-- name: CountRatings
SELECT COUNT(*) {{RatingFilter}} AND ($6 = 0 OR r.assignee_id = $6) AND ($7 = 0 OR r.group_id = $7);

-- name: RatingFacts
SELECT r.score, r.assignee_id, r.group_id, r.updated_at {{RatingFilter}};
