-- +goose Up
-- What a customer sees as a ticket's description: its first PUBLIC comment.
-- The description column is the first comment, which may be an internal
-- note. NULL (almost every ticket) means the first comment is public, so the
-- description is what customers see and is not stored twice; a ticket
-- created with an internal note holds '' until its first public comment,
-- then that comment's text. Existing tickets are filled from their comments.
ALTER TABLE tickets ADD COLUMN public_description TEXT;
UPDATE tickets SET public_description = COALESCE(
    (SELECT c.plain_body FROM ticket_comments c WHERE c.ticket_id = tickets.id AND c.public ORDER BY c.id LIMIT 1), '')
WHERE EXISTS (SELECT 1 FROM ticket_comments f
              WHERE f.ticket_id = tickets.id AND NOT f.public
                AND f.id = (SELECT min(m.id) FROM ticket_comments m WHERE m.ticket_id = tickets.id));

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
