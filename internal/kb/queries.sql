-- Knowledge base statements. Visibility: $V is the reader's level; an
-- article is readable when it and its section are at or below it, and,
-- for readers who are not staff ($S false), when it is published.

-- name: CategoryColumns
c.id, c.name, c.description, c.locale, c.position, c.outdated, c.created_at, c.updated_at

-- name: ListCategories
SELECT {{CategoryColumns}} FROM kb_categories c ORDER BY c.position, c.id;

-- name: GetCategory
SELECT {{CategoryColumns}} FROM kb_categories c WHERE c.id = $1;

-- name: InsertCategory
INSERT INTO kb_categories (name, description, locale, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: UpdateCategory
UPDATE kb_categories SET name = $2, description = $3, position = $4, updated_at = $5 WHERE id = $1;

-- name: DeleteCategory
DELETE FROM kb_categories WHERE id = $1;

-- name: CategoryInUse
SELECT count(*) FROM kb_sections WHERE category_id = $1;

-- name: SectionColumns
s.id, s.category_id, s.parent_section_id, s.name, s.description, s.locale, s.position, s.visibility, s.created_at, s.updated_at

-- name: ListSections
SELECT {{SectionColumns}} FROM kb_sections s WHERE s.visibility <= $1 AND ($2 = 0 OR s.category_id = $2) ORDER BY s.position, s.id;

-- name: GetSection
SELECT {{SectionColumns}} FROM kb_sections s WHERE s.id = $1;

-- name: InsertSection
INSERT INTO kb_sections (category_id, parent_section_id, name, description, locale, position, visibility, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id;

-- name: UpdateSection
UPDATE kb_sections SET category_id = $2, parent_section_id = $3, name = $4, description = $5, position = $6, visibility = $7, updated_at = $8 WHERE id = $1;

-- name: DeleteSection
DELETE FROM kb_sections WHERE id = $1;

-- name: SectionInUse
SELECT (SELECT count(*) FROM kb_articles WHERE section_id = $1) + (SELECT count(*) FROM kb_sections WHERE parent_section_id = $1);

-- name: ArticleColumns
a.id, a.section_id, a.author_id, a.title, a.body_markdown, a.body_html, a.locale, a.source_locale, a.status, a.promoted,
a.position, a.labels, a.outdated, a.comments_disabled, a.visibility, a.vote_sum, a.vote_count,
(SELECT count(*) FROM kb_ticket_links l WHERE l.article_id = a.id), a.created_at, a.edited_at, a.updated_at

-- name: Readable
a.visibility <= $1 AND s.visibility <= $1 AND ($2 OR a.status = 'published')

-- name: ListArticles
SELECT {{ArticleColumns}} FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id
WHERE {{Readable}} AND ($3 = 0 OR a.section_id = $3) AND ($4 = 0 OR s.category_id = $4)
  AND ($5 = '' OR a.locale = $5) AND ($6 = '' OR a.labels LIKE '%,' || $6 || ',%') AND a.id > $7
ORDER BY a.id LIMIT $8 OFFSET $9;

-- name: CountArticles
SELECT count(*) FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id
WHERE {{Readable}} AND ($3 = 0 OR a.section_id = $3) AND ($4 = 0 OR s.category_id = $4)
  AND ($5 = '' OR a.locale = $5) AND ($6 = '' OR a.labels LIKE '%,' || $6 || ',%');

-- name: GetArticle
SELECT {{ArticleColumns}} FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id WHERE a.id = $3 AND {{Readable}};

-- name: InsertArticle
INSERT INTO kb_articles (section_id, author_id, title, body_markdown, body_html, body_text, locale, source_locale, status, promoted,
    position, labels, outdated, comments_disabled, visibility, created_at, edited_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $15) RETURNING id;

-- name: UpdateArticle
UPDATE kb_articles SET section_id = $2, title = $3, body_markdown = $4, body_html = $5, body_text = $6, locale = $7, status = $8,
    promoted = $9, position = $10, labels = $11, outdated = $12, comments_disabled = $13, visibility = $14, edited_at = $15, updated_at = $15
WHERE id = $1;

-- name: DeleteArticle
DELETE FROM kb_articles WHERE id = $1;

-- name: IndexArticle
INSERT INTO kb_fts (rowid, title, body, labels) VALUES ($1, $2, $3, $4);

-- name: IndexArticle postgres
UPDATE kb_articles SET search = setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $4), 'A')
    || setweight(to_tsvector('simple', $3), 'B'), title_search = to_tsvector('simple', $2 || ' ' || $4) WHERE id = $1;

-- name: UnindexArticle
DELETE FROM kb_fts WHERE rowid = $1;

-- name: UnindexArticle postgres
UPDATE kb_articles SET search = ''::tsvector WHERE id = $1;

-- name: InsertRevision
INSERT INTO kb_article_revisions (article_id, author_id, title, body_markdown, status, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: Revisions
SELECT id, author_id, title, body_markdown, status, created_at FROM kb_article_revisions WHERE article_id = $1 ORDER BY id;

-- name: SearchFilters
AND {{Readable}} AND ($4 = 0 OR a.section_id = $4) AND ($5 = 0 OR s.category_id = $5)
  AND ($6 = '' OR a.locale = $6) AND ($7 = '' OR a.labels LIKE '%,' || $7 || ',%')

-- name: Search
-- $3 the full-text query; filters $4 section, $5 category, $6 locale, $7 label; $8 limit, $9 offset.
-- Rank: a hit in the title or labels above a hit in the body, promoted
-- articles first within each, then by id. bm25() is not used: it reads the
-- whole doclist of every query term on each query (tens of milliseconds for
-- a common word at 100,000 articles); the title hits are one small set.
-- The page of hits is chosen first from ids and ranks alone; columns and
-- snippets are computed for that page only (the FTS row found again by
-- rowid within the same MATCH).
SELECT {{ArticleColumns}}, snippet(kb_fts, 1, '<em>', '</em>', '…', 16)
FROM (SELECT a.id AS id,
             CASE WHEN a.id IN (SELECT rowid FROM kb_fts WHERE kb_fts MATCH '{title labels} : (' || $3 || ')') THEN 2 ELSE 1 END
             + CASE WHEN a.promoted THEN 0.5 ELSE 0 END AS r
      FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid JOIN kb_sections s ON s.id = a.section_id
      WHERE kb_fts MATCH $3 {{SearchFilters}}
      ORDER BY r DESC, a.id LIMIT $8 OFFSET $9) hit
JOIN kb_fts ON kb_fts.rowid = hit.id AND kb_fts MATCH $3
JOIN kb_articles a ON a.id = hit.id
ORDER BY hit.r DESC, a.id;

-- name: Search postgres
SELECT {{ArticleColumns}}, ts_headline('simple', a.body_text, to_tsquery('simple', $3), 'StartSel=<em>, StopSel=</em>, MaxWords=24, MinWords=8')
FROM (SELECT a.id, CASE WHEN a.title_search @@ to_tsquery('simple', $3) THEN 2 ELSE 1 END + CASE WHEN a.promoted THEN 0.5 ELSE 0 END AS r
      FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id
      WHERE a.search @@ to_tsquery('simple', $3) {{SearchFilters}}
      ORDER BY r DESC, a.id LIMIT $8 OFFSET $9) hit
JOIN kb_articles a ON a.id = hit.id
ORDER BY hit.r DESC, a.id;

-- name: CountSearch
-- Counted up to 1,000 (as Zendesk's search, which returns at most 1,000 results).
SELECT count(*) FROM (SELECT 1 FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid JOIN kb_sections s ON s.id = a.section_id
WHERE kb_fts MATCH $3 {{SearchFilters}} LIMIT 1000) n;

-- name: CountSearch postgres
SELECT count(*) FROM (SELECT 1 FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id
WHERE a.search @@ to_tsquery('simple', $3) {{SearchFilters}} LIMIT 1000) n;

-- name: UpsertVote
INSERT INTO kb_votes (article_id, user_id, value, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (article_id, user_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at;

-- name: TallyVotes
UPDATE kb_articles SET vote_sum = (SELECT COALESCE(sum(value), 0) FROM kb_votes WHERE article_id = $1),
    vote_count = (SELECT count(*) FROM kb_votes WHERE article_id = $1) WHERE id = $1;

-- name: Votes
SELECT user_id, value, created_at FROM kb_votes WHERE article_id = $1 ORDER BY created_at, user_id;

-- name: LinkTicket
INSERT INTO kb_ticket_links (article_id, ticket_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: LinkedTickets
SELECT ticket_id FROM kb_ticket_links WHERE article_id = $1 ORDER BY ticket_id;

-- name: ArticlesOfTicket
SELECT article_id FROM kb_ticket_links WHERE ticket_id = $1 ORDER BY article_id;

-- name: InsertEvent
INSERT INTO kb_events (session, kind, article_id, user_id, at) VALUES ($1, $2, $3, $4, $5);

-- name: Events
SELECT session, kind, COALESCE(article_id, 0), COALESCE(user_id, 0), at FROM kb_events WHERE at >= $1 ORDER BY id;

-- name: Labels
SELECT DISTINCT a.labels FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id WHERE {{Readable}} AND a.labels <> ',';

-- name: LinkTicketIfArticle
INSERT INTO kb_ticket_links (article_id, ticket_id, created_at)
SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM kb_articles WHERE id = $1) ON CONFLICT DO NOTHING;

-- name: ReindexClear
DELETE FROM kb_fts;

-- name: ReindexClear postgres
SELECT 1;

-- name: ReindexAll
INSERT INTO kb_fts (rowid, title, body, labels)
SELECT id, title, body_text, trim(replace(labels, ',', ' ')) FROM kb_articles;

-- name: ReindexAll postgres
UPDATE kb_articles SET search = setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', trim(replace(labels, ',', ' '))), 'A')
    || setweight(to_tsvector('simple', body_text), 'B'), title_search = to_tsvector('simple', title || ' ' || trim(replace(labels, ',', ' ')));
