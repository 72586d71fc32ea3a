-- name: InsertCampaign
INSERT INTO access_review_campaigns (name, status, reviewer_id, created_by, due_at, dormant_days, token_days, created_at)
VALUES ($1, 'open', $2, $3, $4, $5, $6, $7) RETURNING id;

-- name: StaffAccounts
SELECT u.id, u.name, u.email, u.role, COALESCE(cr.name, ''), u.manager_id, COALESCE(m.name, ''), COALESCE(m.active, FALSE),
       u.last_login_at, u.created_at
FROM users u
LEFT JOIN custom_roles cr ON cr.id = u.custom_role_id
LEFT JOIN users m ON m.id = u.manager_id
WHERE u.role IN ('agent', 'admin') AND u.active
ORDER BY u.id;

-- name: StaffGroups
SELECT gm.user_id, g.name FROM group_memberships gm
JOIN groups g ON g.id = gm.group_id AND NOT g.deleted
JOIN users u ON u.id = gm.user_id AND u.role IN ('agent', 'admin') AND u.active
ORDER BY g.name;

-- name: StaffTokens
SELECT t.user_id, t.id, t.token_prefix, t.description, t.created_at, t.last_used_at FROM api_tokens t
JOIN users u ON u.id = t.user_id AND u.role IN ('agent', 'admin') AND u.active
ORDER BY t.id;

-- name: StaffSessions
SELECT user_id, count(*) FROM sessions WHERE expires_at > $1 GROUP BY user_id;

-- name: InsertLine
INSERT INTO access_review_lines (campaign_id, user_id, reviewer_id, snapshot, flags, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: CampaignColumns
c.id, c.name, c.status, c.reviewer_id, c.created_by, c.due_at, c.dormant_days, c.token_days, c.created_at, c.closed_at, c.closed_by,
(SELECT count(*) FROM access_review_lines l WHERE l.campaign_id = c.id),
(SELECT count(*) FROM access_review_lines l WHERE l.campaign_id = c.id AND l.decision = 'certified'),
(SELECT count(*) FROM access_review_lines l WHERE l.campaign_id = c.id AND l.decision = 'revoked'),
(SELECT count(*) FROM access_review_lines l WHERE l.campaign_id = c.id AND l.decision = 'pending'),
(SELECT count(*) FROM access_review_lines l WHERE l.campaign_id = c.id AND l.escalated_at IS NOT NULL)

-- name: GetCampaign
SELECT {{CampaignColumns}} FROM access_review_campaigns c WHERE c.id = $1;

-- name: ListCampaigns
SELECT {{CampaignColumns}} FROM access_review_campaigns c
WHERE c.id > $1 AND ($2 = 0 OR EXISTS (SELECT 1 FROM access_review_lines l WHERE l.campaign_id = c.id AND l.reviewer_id = $2))
ORDER BY c.id LIMIT $3 OFFSET $4;

-- name: CountCampaigns
SELECT count(*) FROM access_review_campaigns c
WHERE ($1 = 0 OR EXISTS (SELECT 1 FROM access_review_lines l WHERE l.campaign_id = c.id AND l.reviewer_id = $1));

-- name: LineColumns
l.id, l.campaign_id, l.user_id, l.reviewer_id, COALESCE(r.name, ''), l.escalated_from, l.escalated_at, l.snapshot, l.flags,
l.decision, l.note, l.decided_by, COALESCE(d.name, ''), l.decided_at, l.created_at

-- name: LineFrom
FROM access_review_lines l LEFT JOIN users r ON r.id = l.reviewer_id LEFT JOIN users d ON d.id = l.decided_by

-- name: ListLines
SELECT {{LineColumns}} {{LineFrom}}
WHERE l.campaign_id = $1 AND l.id > $2 AND ($3 = 0 OR l.reviewer_id = $3) AND ($4 = '' OR l.decision = $4)
ORDER BY l.id LIMIT $5 OFFSET $6;

-- name: CountLines
SELECT count(*) FROM access_review_lines l
WHERE l.campaign_id = $1 AND ($2 = 0 OR l.reviewer_id = $2) AND ($3 = '' OR l.decision = $3);

-- name: GetLine
SELECT {{LineColumns}} {{LineFrom}} WHERE l.id = $1 AND l.campaign_id = $2;

-- name: DecideLine
UPDATE access_review_lines SET decision = $3, note = $4, decided_by = $5, decided_at = $6 WHERE id = $1 AND campaign_id = $2;

-- name: CloseCampaign
UPDATE access_review_campaigns SET status = 'closed', closed_at = $2, closed_by = $3 WHERE id = $1 AND status = 'open';

-- name: OverdueLines
SELECT {{LineColumns}}, rv.manager_id, c.created_by {{LineFrom}}
JOIN access_review_campaigns c ON c.id = l.campaign_id
LEFT JOIN users rv ON rv.id = l.reviewer_id
WHERE c.status = 'open' AND c.due_at <= $1 AND l.decision = 'pending' AND l.escalated_at IS NULL
ORDER BY l.id;

-- name: EscalateLine
UPDATE access_review_lines SET reviewer_id = $2, escalated_from = $3, escalated_at = $4 WHERE id = $1 AND decision = 'pending';

-- name: LastOpened
SELECT COALESCE(MAX(created_at), 0) FROM access_review_campaigns;

-- name: Leavers
SELECT u.id FROM team_members m JOIN users u ON u.id = m.user_id
WHERE m.end_date IS NOT NULL AND m.end_date <> '' AND m.end_date < $1 AND u.active
ORDER BY u.id;
