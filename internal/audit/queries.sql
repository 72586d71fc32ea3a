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
  AND ($6 = '' OR action = $6 OR action LIKE $6 || '.%')
  AND ($7 = 0 OR action NOT LIKE 'session.%')
ORDER BY id DESC
LIMIT $5;

-- name: ChainHead
SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;

-- name: Unsealed
SELECT id, actor_id, action, object_type, object_id, before_json, after_json, ip, created_at
FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1;

-- name: Seal
UPDATE audit_log SET seq = $2, hash = $3 WHERE id = $1 AND seq IS NULL;

-- name: Sealed
SELECT id, actor_id, action, object_type, object_id, before_json, after_json, ip, created_at, seq, hash
FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2;

-- name: CountUnsealed
SELECT count(*) FROM audit_log WHERE seq IS NULL;
