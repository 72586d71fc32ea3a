-- +goose Up
-- Help Center article comments (issue 20, Zendesk Guide's Article Comments):
-- signed-in readers comment on articles they may read, unless the article
-- has comments disabled. The body is sanitised HTML.
CREATE TABLE kb_comments (
    id         {{id}},
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL,
    body_html  TEXT NOT NULL,
    locale     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX kb_comments_article_idx ON kb_comments (article_id, id);
CREATE INDEX kb_comments_author_idx ON kb_comments (author_id, id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
