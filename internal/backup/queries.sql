-- name: Columns
id, file_name, trigger_kind, status, size, schema_version, table_count, row_count, file_count, error, started_at, finished_at, pruned_at

-- name: Add
INSERT INTO backups (file_name, trigger_kind, status, size, schema_version, table_count, row_count, file_count, error, started_at, finished_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: List
SELECT {{Columns}} FROM backups ORDER BY started_at DESC, id DESC LIMIT $1;

-- name: LastOK
SELECT {{Columns}} FROM backups WHERE status = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1;

-- name: LastScheduled
SELECT {{Columns}} FROM backups WHERE trigger_kind = 'scheduled' AND status = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1;

-- name: Kept
SELECT {{Columns}} FROM backups WHERE status = 'ok' AND trigger_kind = 'scheduled' AND pruned_at IS NULL ORDER BY started_at, id;

-- name: MarkPruned
UPDATE backups SET pruned_at = $2 WHERE id = $1;
