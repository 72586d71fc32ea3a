-- name: AccountColumns
o.id, o.name, o.ase_user_id, a.cover_user_id, COALESCE(a.return_to_ase, TRUE), COALESCE(a.cadence_business_days, 0), COALESCE(a.updated_at, o.updated_at)

-- name: GetAccount
SELECT {{AccountColumns}} FROM organizations o LEFT JOIN ase_accounts a ON a.organization_id = o.id WHERE o.id = $1;

-- name: ListAccounts
SELECT {{AccountColumns}} FROM organizations o LEFT JOIN ase_accounts a ON a.organization_id = o.id
WHERE o.ase_user_id IS NOT NULL AND ($1 = 0 OR o.ase_user_id = $1 OR a.cover_user_id = $1)
ORDER BY o.name, o.id;

-- name: UpsertAccount
INSERT INTO ase_accounts (organization_id, cover_user_id, return_to_ase, cadence_business_days, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (organization_id) DO UPDATE SET cover_user_id = excluded.cover_user_id, return_to_ase = excluded.return_to_ase,
cadence_business_days = excluded.cadence_business_days, updated_at = excluded.updated_at;

-- name: RoutingOf
SELECT o.ase_user_id, a.cover_user_id FROM organizations o LEFT JOIN ase_accounts a ON a.organization_id = o.id WHERE o.id = $1;

-- name: InsertRouted
INSERT INTO ase_routed (ticket_id, ase_id, cover_id, routed_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (ticket_id) DO UPDATE SET ase_id = excluded.ase_id, cover_id = excluded.cover_id, routed_at = excluded.routed_at, returned_at = NULL;

-- name: PendingReturns
SELECT r.ticket_id, r.ase_id, r.cover_id FROM ase_routed r
JOIN tickets t ON t.id = r.ticket_id
JOIN organizations o ON o.id = t.organization_id
LEFT JOIN ase_accounts a ON a.organization_id = o.id
WHERE r.returned_at IS NULL AND t.status NOT IN ('solved', 'closed') AND t.assignee_id = r.cover_id
  AND o.ase_user_id = r.ase_id AND COALESCE(a.return_to_ase, TRUE)
ORDER BY r.ticket_id;

-- name: MarkReturned
UPDATE ase_routed SET returned_at = $2 WHERE ticket_id = $1;

-- name: OpenTickets
SELECT t.id, t.subject, t.status, COALESCE(t.priority, ''), t.assignee_id, t.sla_next_breach_at, t.updated_at,
  (SELECT MAX(c.created_at) FROM ticket_comments c JOIN users u ON u.id = c.author_id
   WHERE c.ticket_id = t.id AND c.public AND u.role IN ('agent', 'admin')),
  t.created_at
FROM tickets t WHERE t.organization_id = $1 AND t.status NOT IN ('solved', 'closed')
ORDER BY t.id;

-- name: Satisfaction
SELECT COALESCE(SUM(CASE WHEN r.score = 'good' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN r.score = 'bad' THEN 1 ELSE 0 END), 0)
FROM satisfaction_ratings r JOIN tickets t ON t.id = r.ticket_id WHERE t.organization_id = $1 AND r.created_at >= $2;

-- name: InsertReminder
INSERT INTO ase_reminders (ticket_id, due_at, sent_at) VALUES ($1, $2, $3) ON CONFLICT (ticket_id, due_at) DO NOTHING;

-- name: NoteColumns
id, organization_id, version, product_version, deployment, architecture, author_id, created_at

-- name: Notes
SELECT {{NoteColumns}} FROM ase_environment_notes WHERE organization_id = $1 ORDER BY version DESC;

-- name: InsertNote
INSERT INTO ase_environment_notes (organization_id, version, product_version, deployment, architecture, author_id, created_at)
VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM ase_environment_notes WHERE organization_id = $1), $2, $3, $4, $5, $6) RETURNING id;

-- name: Calls
SELECT id, organization_id, scheduled_at, agenda, created_by, created_at FROM ase_review_calls WHERE organization_id = $1 ORDER BY scheduled_at, id;

-- name: InsertCall
INSERT INTO ase_review_calls (organization_id, scheduled_at, agenda, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id;
