-- +goose Up
-- The knowledge base (internal/kb): categories, nestable sections, articles
-- (Markdown source and its sanitised HTML, rendered once at write), kept
-- revisions, votes, links from tickets and the deflection events. Visibility
-- is a level: 0 public, 1 signed-in users, 2 agents only; a reader sees an
-- article when both it and its section are at or below the reader's level.
-- Full text: an FTS5 table keyed by the article id on SQLite, a weighted
-- tsvector column with a GIN index on PostgreSQL, written by the store in
-- the article's transaction.
CREATE TABLE kb_categories (
    id          {{id}},
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    locale      TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    outdated    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE kb_sections (
    id                {{id}},
    category_id       BIGINT NOT NULL REFERENCES kb_categories (id),
    parent_section_id BIGINT REFERENCES kb_sections (id),
    name              TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    locale            TEXT NOT NULL,
    position          INTEGER NOT NULL DEFAULT 0,
    visibility        INTEGER NOT NULL DEFAULT 0 CHECK (visibility IN (0, 1, 2)),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX kb_sections_category_idx ON kb_sections (category_id, position);
CREATE INDEX kb_sections_parent_idx ON kb_sections (parent_section_id);

CREATE TABLE kb_articles (
    id                {{id}},
    section_id        BIGINT NOT NULL REFERENCES kb_sections (id),
    author_id         BIGINT NOT NULL,
    title             TEXT NOT NULL,
    body_markdown     TEXT NOT NULL DEFAULT '',
    body_html         TEXT NOT NULL DEFAULT '',
    body_text         TEXT NOT NULL DEFAULT '',
    locale            TEXT NOT NULL,
    source_locale     TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'published')),
    promoted          BOOLEAN NOT NULL DEFAULT FALSE,
    position          INTEGER NOT NULL DEFAULT 0,
    labels            TEXT NOT NULL DEFAULT ',',
    outdated          BOOLEAN NOT NULL DEFAULT FALSE,
    comments_disabled BOOLEAN NOT NULL DEFAULT FALSE,
    visibility        INTEGER NOT NULL DEFAULT 0 CHECK (visibility IN (0, 1, 2)),
    vote_sum          INTEGER NOT NULL DEFAULT 0,
    vote_count        INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    edited_at         BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX kb_articles_section_idx ON kb_articles (section_id, position, id);
CREATE INDEX kb_articles_visible_idx ON kb_articles (status, visibility, id);

-- +sqlite
CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, body, labels,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- +end

-- +postgres
ALTER TABLE kb_articles ADD COLUMN search TSVECTOR NOT NULL DEFAULT ''::tsvector;
-- The title and labels alone, small enough to test on every hit: search
-- ranks hits in titles above hits in bodies without ts_rank, which reads
-- every matching row's whole document.
ALTER TABLE kb_articles ADD COLUMN title_search TSVECTOR NOT NULL DEFAULT ''::tsvector;
CREATE INDEX kb_articles_search_idx ON kb_articles USING GIN (search);
-- +end

CREATE TABLE kb_article_revisions (
    id            {{id}},
    article_id    BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    author_id     BIGINT NOT NULL,
    title         TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX kb_article_revisions_idx ON kb_article_revisions (article_id, id);

CREATE TABLE kb_votes (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

CREATE TABLE kb_ticket_links (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    ticket_id  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, ticket_id)
);
CREATE INDEX kb_ticket_links_ticket_idx ON kb_ticket_links (ticket_id);

CREATE TABLE kb_events (
    id         {{id}},
    session    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('view', 'click', 'offered', 'answered', 'ticket')),
    article_id BIGINT,
    user_id    BIGINT,
    at         BIGINT NOT NULL
);
CREATE INDEX kb_events_at_idx ON kb_events (at);

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
