-- +goose Up
-- Help Center article attachments (issue 20, Zendesk Guide's Article
-- Attachments): files kept like ticket attachments (content-addressed, the
-- attachments table), bound to an article; inline ones are images the body
-- shows, block ones are listed under it. They are served only to readers of
-- the article, never through the ticket attachment routes.
CREATE TABLE kb_article_attachments (
    id            {{id}},
    article_id    BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments (id),
    inline        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX kb_article_attachments_article_idx ON kb_article_attachments (article_id, id);
CREATE UNIQUE INDEX kb_article_attachments_file_key ON kb_article_attachments (attachment_id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
