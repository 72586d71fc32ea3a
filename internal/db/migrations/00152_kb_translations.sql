-- +goose Up
-- Help Center translations (issue 20, Zendesk Guide's translations): an
-- article's, section's or category's text in a locale other than its
-- source locale. The source locale's text is the item's own row; a
-- translation row holds the others (title, and body for articles; name and
-- description for sections and categories). Draft translations are read by
-- staff only; outdated ones are flagged when the source changes.
CREATE TABLE kb_translations (
    id            {{id}},
    source_type   TEXT NOT NULL CHECK (source_type IN ('article', 'section', 'category')),
    source_id     BIGINT NOT NULL,
    locale        TEXT NOT NULL,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    draft         BOOLEAN NOT NULL DEFAULT FALSE,
    outdated      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    BIGINT NOT NULL DEFAULT 0,
    updated_by    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX kb_translations_key ON kb_translations (source_type, source_id, locale);
CREATE INDEX kb_translations_locale_idx ON kb_translations (locale, source_type, source_id);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
