-- +goose Up
-- Deleting a row makes the engine look up the rows that refer to it. These
-- referring columns had no index, so deleting one ticket read the whole
-- tickets table (merged_into_id), and every deleted comment read the mail
-- tables. Partial indexes: the columns are NULL on almost every row, and a
-- NULL costs no index entry, so writing tickets and mail costs nothing more.
-- (References to users, groups, policies and schedules stay unindexed on
-- purpose: deleting those is a rare administrative act, while an index on,
-- say, tickets.submitter_id would cost every ticket creation.)
CREATE INDEX tickets_merged_into_idx ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;
CREATE INDEX mail_messages_comment_idx ON mail_messages (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX mail_outbox_comment_idx ON mail_outbox (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX rule_notifications_ticket_idx ON rule_notifications (ticket_id) WHERE ticket_id IS NOT NULL;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
