-- name: InsertAudit
INSERT INTO audit_log (actor_id, action, object_type, object_id, before_json, after_json, ip, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: ListAudit
SELECT id, actor_id, action, object_type, object_id, before_json, after_json, ip, created_at
FROM audit_log
WHERE ($1 = '' OR object_type = $1)
  AND ($2 = 0 OR object_id = $2)
  AND ($3 = 0 OR actor_id = $3)
  AND ($4 = 0 OR id < $4)
ORDER BY id DESC
LIMIT $5;
