-- name: Columns
id, status, emergency, method, path, body, description, object_type, object_id, before_json, result_code, result,
proposed_by, proposed_at, decided_by, decided_at, reviewed_by, reviewed_at

-- name: Insert
INSERT INTO config_changes (status, emergency, method, path, body, description, object_type, object_id, before_json, result_code, result, proposed_by, proposed_at, decided_by, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id;

-- name: Get
SELECT {{Columns}} FROM config_changes WHERE id = $1;

-- name: List
SELECT {{Columns}} FROM config_changes
WHERE id > $1 AND ($2 = '' OR status = $2) AND ($3 = FALSE OR (emergency AND reviewed_at IS NULL))
ORDER BY id LIMIT $4 OFFSET $5;

-- name: Count
SELECT count(*) FROM config_changes WHERE ($1 = '' OR status = $1) AND ($2 = FALSE OR (emergency AND reviewed_at IS NULL));

-- name: Claim
UPDATE config_changes SET status = 'applying', decided_by = $2, decided_at = $3 WHERE id = $1 AND status = 'pending';

-- name: Finish
UPDATE config_changes SET status = $2, result_code = $3, result = $4, object_id = COALESCE(object_id, $5) WHERE id = $1;

-- name: Reject
UPDATE config_changes SET status = 'rejected', decided_by = $2, decided_at = $3, result = $4 WHERE id = $1 AND status = 'pending';

-- name: Review
UPDATE config_changes SET reviewed_by = $2, reviewed_at = $3 WHERE id = $1 AND emergency AND reviewed_at IS NULL;

-- name: Versions
SELECT id, action, object_type, object_id, actor_id, created_at, after_json FROM audit_log
WHERE object_type = $1 AND object_id = $2 AND action IN ($3, $4, $5)
ORDER BY id;
