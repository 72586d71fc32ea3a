-- name: Version
SELECT version FROM config_versions WHERE name = 'oncall';

-- name: InsertSchedule
INSERT INTO oncall_schedules (key, name, description, time_zone, required_specialty, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id;

-- name: UpdateSchedule
UPDATE oncall_schedules SET name = $2, description = $3, time_zone = $4, updated_at = $5 WHERE id = $1;

-- name: CountSchedules
SELECT count(*) FROM oncall_schedules;

-- name: AllSchedules
SELECT id, key, name, description, time_zone, required_specialty, brand_id, created_at, updated_at FROM oncall_schedules ORDER BY id;

-- name: AllLayers
SELECT id, schedule_id, name, position, time_zone, turn_unit, turn_count, start_date, handoff_time, end_date, restrictions,
       pool_region, pool_track, created_at, updated_at
FROM oncall_layers ORDER BY schedule_id, position, id;

-- name: AllLayerMembers
SELECT layer_id, user_id FROM oncall_layer_members ORDER BY layer_id, position;

-- name: AllOverrides
SELECT id, schedule_id, user_id, start_at, end_at, reason, swap_id, created_by, created_at FROM oncall_overrides ORDER BY id;

-- name: InsertLayer
INSERT INTO oncall_layers (schedule_id, name, position, time_zone, turn_unit, turn_count, start_date, handoff_time, end_date,
                           restrictions, pool_region, pool_track, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id;

-- name: UpdateLayer
UPDATE oncall_layers SET name = $2, position = $3, time_zone = $4, turn_unit = $5, turn_count = $6, start_date = $7,
       handoff_time = $8, end_date = $9, restrictions = $10, pool_region = $11, pool_track = $12, updated_at = $13
WHERE id = $1;

-- name: DeleteLayerMembers
DELETE FROM oncall_layer_members WHERE layer_id = $1;

-- name: InsertLayerMember
INSERT INTO oncall_layer_members (layer_id, position, user_id) VALUES ($1, $2, $3);

-- name: InsertOverride
INSERT INTO oncall_overrides (schedule_id, user_id, start_at, end_at, reason, swap_id, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id;

-- name: GetOverride
SELECT id, schedule_id, user_id, start_at, end_at, reason, swap_id, created_by, created_at FROM oncall_overrides WHERE id = $1;

-- name: DeleteOverride
DELETE FROM oncall_overrides WHERE id = $1;

-- name: ClearSwapOverride
UPDATE oncall_swaps SET override_id = NULL WHERE override_id = $1;

-- name: SwapColumns
id, schedule_id, requester_id, taker_id, start_at, end_at, note, status, override_id, decided_at, created_at, updated_at

-- name: InsertSwap
INSERT INTO oncall_swaps (schedule_id, requester_id, taker_id, start_at, end_at, note, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) RETURNING id;

-- name: GetSwap
SELECT {{SwapColumns}} FROM oncall_swaps WHERE id = $1;

-- name: DecideSwap
UPDATE oncall_swaps SET status = $2, taker_id = $3, override_id = $4, decided_by = $5, decided_at = $6, updated_at = $6
WHERE id = $1 AND status = 'pending';

-- name: ListSwaps
SELECT {{SwapColumns}} FROM oncall_swaps
WHERE ($1 = 0 OR schedule_id = $1) AND ($2 = 0 OR requester_id = $2 OR taker_id = $2 OR (taker_id IS NULL AND status = 'pending'))
  AND ($3 = '' OR status = $3) AND end_at > $4
ORDER BY start_at, id LIMIT 500;

-- name: InsertFeed
INSERT INTO oncall_feeds (token_hash, schedule_id, user_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id;

-- name: FeedByHash
SELECT id, schedule_id, user_id, created_by FROM oncall_feeds WHERE token_hash = $1;

-- name: DeleteFeeds
DELETE FROM oncall_feeds WHERE (schedule_id = $1 AND $1 > 0) OR (user_id = $2 AND $2 > 0 AND schedule_id IS NULL);

-- name: ScheduleExists
SELECT id FROM oncall_schedules WHERE id = $1;

-- name: InsertGapNotice
INSERT INTO oncall_gap_notices (schedule_id, start_at, end_at, recipients, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (schedule_id, start_at) DO NOTHING RETURNING id;

-- name: GapNotices
SELECT id, schedule_id, start_at, end_at, recipients, created_at FROM oncall_gap_notices
WHERE schedule_id = $1 AND end_at > $2 ORDER BY start_at;

-- name: SetScheduleBrand
UPDATE oncall_schedules SET brand_id = $2, updated_at = $3 WHERE id = $1;
