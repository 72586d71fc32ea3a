-- Knowledge base statements. Visibility: $V is the reader's level; an
-- article is readable when it and its section are at or below it, and,
-- for readers who are not staff ($S false), when it is published.
-- Brands (migration 00150): content belongs to its category's brand; a
-- reader reads one brand's Help Center ($B, 0 for every brand) and never a
-- brand hidden from them ($H: the hidden ids as " 3 7 ", '' for none).

-- name: CategoryColumns
c.id, c.name, c.description, c.locale, c.position, c.outdated, c.created_at, c.updated_at, c.brand_id

-- name: ListCategories
SELECT {{CategoryColumns}} FROM kb_categories c
WHERE ($1 = 0 OR c.brand_id = $1) AND ($2 = '' OR $2 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %'))
ORDER BY c.position, c.id;

-- name: GetCategory
SELECT {{CategoryColumns}} FROM kb_categories c WHERE c.id = $1;

-- name: InsertCategory
INSERT INTO kb_categories (name, description, locale, position, created_at, updated_at, brand_id) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id;

-- name: UpdateCategory
UPDATE kb_categories SET name = $2, description = $3, position = $4, updated_at = $5, brand_id = $6 WHERE id = $1;

-- name: SectionsOfCategory
SELECT id FROM kb_sections WHERE category_id = $1 ORDER BY id;

-- name: DeleteCategory
DELETE FROM kb_categories WHERE id = $1;

-- name: CategoryInUse
SELECT count(*) FROM kb_sections WHERE category_id = $1;

-- name: SectionColumns
s.id, s.category_id, s.parent_section_id, s.name, s.description, s.locale, s.position, s.visibility, s.created_at, s.updated_at, c.brand_id

-- name: ListSections
SELECT {{SectionColumns}} FROM kb_sections s JOIN kb_categories c ON c.id = s.category_id
WHERE s.visibility <= $1 AND ($2 = 0 OR s.category_id = $2)
  AND ($3 = 0 OR c.brand_id = $3) AND ($4 = '' OR $4 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %'))
ORDER BY s.position, s.id;

-- name: GetSection
SELECT {{SectionColumns}} FROM kb_sections s JOIN kb_categories c ON c.id = s.category_id WHERE s.id = $1;

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
{{ArticleFields}}
(SELECT kc.brand_id FROM kb_sections ks JOIN kb_categories kc ON kc.id = ks.category_id WHERE ks.id = a.section_id)

-- name: ArticleFields
-- ArticleColumns but the brand, for statements that join the category.
a.id, a.section_id, a.author_id, a.title, a.body_markdown, {{ArticleFieldsAfterMarkdown}}

-- name: ArticleFieldsAfterMarkdown
a.body_html, a.locale, a.source_locale, a.status, a.promoted,
a.position, a.labels, a.outdated, a.comments_disabled, a.visibility, a.vote_sum, a.vote_count,
(SELECT count(*) FROM kb_ticket_links l WHERE l.article_id = a.id), a.created_at, a.edited_at, a.updated_at,

-- name: Readable
a.visibility <= $1 AND s.visibility <= $1 AND ($2 OR a.status = 'published')

-- name: ArticlesOf
kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id

-- name: ListArticles
SELECT {{ArticleColumns}} FROM {{ArticlesOf}}
WHERE {{Readable}} AND ($3 = 0 OR c.brand_id = $3) AND ($4 = '' OR $4 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %'))
  AND ($5 = 0 OR a.section_id = $5) AND ($6 = 0 OR s.category_id = $6)
  AND ($7 = '' OR a.locale = $7 OR EXISTS (SELECT 1 FROM kb_translations t WHERE t.source_type = 'article' AND t.source_id = a.id AND t.locale = $7 AND ($2 OR NOT t.draft)))
  AND ($8 = '' OR a.labels LIKE '%,' || $8 || ',%') AND a.id > $9
ORDER BY a.id LIMIT $10 OFFSET $11;

-- name: CountArticles
SELECT count(*) FROM {{ArticlesOf}}
WHERE {{Readable}} AND ($3 = 0 OR c.brand_id = $3) AND ($4 = '' OR $4 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %'))
  AND ($5 = 0 OR a.section_id = $5) AND ($6 = 0 OR s.category_id = $6)
  AND ($7 = '' OR a.locale = $7 OR EXISTS (SELECT 1 FROM kb_translations t WHERE t.source_type = 'article' AND t.source_id = a.id AND t.locale = $7 AND ($2 OR NOT t.draft)))
  AND ($8 = '' OR a.labels LIKE '%,' || $8 || ',%');

-- name: GetArticle
SELECT {{ArticleColumns}} FROM {{ArticlesOf}} WHERE {{Readable}}
  AND ($3 = 0 OR c.brand_id = $3) AND ($4 = '' OR $4 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %')) AND a.id = $5;

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

-- name: ReaderLevel
-- The reader level an article needs: its own visibility or its section's,
-- whichever is higher.
CASE WHEN a.visibility > s.visibility THEN a.visibility ELSE s.visibility END

-- name: ArticleReaders
-- An article's reader tokens in the index scope (IndexRows): none when
-- unpublished; else zzr<level>b<brand> and zzr<level>b<brand>s for each
-- level at or above the one it needs, and each again with a "p" when it
-- is promoted.
CASE WHEN a.status <> 'published' THEN ''
     ELSE replace(CASE {{ReaderLevel}} WHEN 0 THEN 'zzr0bB zzr0bBs zzr1bB zzr1bBs zzr2bB zzr2bBs'
                                       WHEN 1 THEN 'zzr1bB zzr1bBs zzr2bB zzr2bBs' ELSE 'zzr2bB zzr2bBs' END
                  || CASE WHEN NOT a.promoted THEN ''
                          WHEN {{ReaderLevel}} = 0 THEN ' zzr0bBp zzr0bBsp zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp'
                          WHEN {{ReaderLevel}} = 1 THEN ' zzr1bBp zzr1bBsp zzr2bBp zzr2bBsp' ELSE ' zzr2bBp zzr2bBsp' END,
                  'B', CAST(c.brand_id AS TEXT)) END

-- name: TranslationReaders
-- A translation's reader tokens (TrIndexRows): its article's, without the
-- source texts' "s" ones; none for a draft.
CASE WHEN a.status <> 'published' OR t.draft THEN ''
     ELSE replace(CASE {{ReaderLevel}} WHEN 0 THEN 'zzr0bB zzr1bB zzr2bB' WHEN 1 THEN 'zzr1bB zzr2bB' ELSE 'zzr2bB' END
                  || CASE WHEN NOT a.promoted THEN ''
                          WHEN {{ReaderLevel}} = 0 THEN ' zzr0bBp zzr1bBp zzr2bBp'
                          WHEN {{ReaderLevel}} = 1 THEN ' zzr1bBp zzr2bBp' ELSE ' zzr2bBp' END,
                  'B', CAST(c.brand_id AS TEXT)) END

-- name: IndexRows
-- The text index rows of the articles the caller's condition selects (it
-- appends the condition): text columns, and the scope tokens that let a
-- search filter inside the index (migration 00120). An article's readers
-- are those whose level is at or above both its own visibility and its
-- section's; an unpublished article has none (search answers published
-- articles only). Reader tokens are zzr<level>b<brand>[s] (migrations
-- 00150, 00152); a promoted article also has each with a "p" (00156), so
-- the promoted tier asks for one rare token rather than a common one AND
-- a rare one.
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT a.id, a.title, a.body_text, trim(replace(a.labels, ',', ' ')),
       {{ArticleReaders}}
       || ' zzloc' || lower(hex(a.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab')
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id WHERE

-- name: IndexRows postgres
INSERT INTO kb_search (article_id, promoted, anonymous, doc, head, scope)
SELECT a.id, a.promoted, a.status = 'published' AND {{ReaderLevel}} = 0,
       strip(to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || a.body_text)),
       to_tsvector('simple', a.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', {{ArticleReaders}}
       || ' zzloc' || encode(convert_to(a.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_articles a JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id WHERE

-- name: IndexArticle
{{IndexRows}} a.id = $1;

-- name: IndexSection
{{IndexRows}} a.section_id = $1;

-- name: IndexHead
-- SQLite's second index, titles and labels with the scope, copied from the
-- row IndexRows wrote. PostgreSQL keeps both in one table (kb_search): the
-- *Head* statements are no-ops there.
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts WHERE rowid = $1;

-- name: IndexHead postgres
SELECT $1::bigint;

-- name: IndexSectionHeads
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts
WHERE rowid IN (SELECT id FROM kb_articles WHERE section_id = $1);

-- name: IndexSectionHeads postgres
SELECT $1::bigint;

-- name: UnindexArticle
DELETE FROM kb_fts WHERE rowid = $1;

-- name: UnindexArticle postgres
DELETE FROM kb_search WHERE article_id = $1;

-- name: UnindexHead
DELETE FROM kb_fts_head WHERE rowid = $1;

-- name: UnindexHead postgres
SELECT $1::bigint;

-- name: UnindexSection
DELETE FROM kb_fts WHERE rowid IN (SELECT id FROM kb_articles WHERE section_id = $1);

-- name: UnindexSection postgres
DELETE FROM kb_search WHERE article_id IN (SELECT id FROM kb_articles WHERE section_id = $1);

-- name: UnindexSectionHeads
DELETE FROM kb_fts_head WHERE rowid IN (SELECT id FROM kb_articles WHERE section_id = $1);

-- name: UnindexSectionHeads postgres
SELECT $1::bigint;

-- name: InsertRevision
INSERT INTO kb_article_revisions (article_id, author_id, title, body_markdown, status, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: Revisions
SELECT id, author_id, title, body_markdown, status, created_at FROM kb_article_revisions WHERE article_id = $1 ORDER BY id;

-- name: SearchHead
-- The ranked search reads the text index in tiers, each in id order and
-- limited ($3) inside the index, until a page is full (kb.Store.Search):
-- every word in the title or labels (this statement), then every word
-- anywhere (SearchAll); promoted articles first within each (the scope
-- query then asks for zzp). $1 is the text query, $2 the scope query
-- (reader level, locale, section, category, label: kb.Store.scope), so
-- visibility and filters are decided by the index, never by a join.
SELECT rowid FROM kb_fts_head WHERE kb_fts_head MATCH 'head : (' || $1 || ') AND scope : (' || $2 || ')'
ORDER BY rowid LIMIT $3;

-- name: SearchHead postgres
SELECT article_id FROM kb_search WHERE head @@ to_tsquery('simple', $1) AND scope @@ to_tsquery('simple', $2)
ORDER BY article_id LIMIT $3;

-- name: SearchAll
SELECT rowid FROM kb_fts WHERE kb_fts MATCH '{title body labels} : (' || $1 || ') AND scope : (' || $2 || ')'
ORDER BY rowid LIMIT $3;

-- name: SearchAll postgres
SELECT article_id FROM kb_search WHERE doc @@ to_tsquery('simple', $1) AND scope @@ to_tsquery('simple', $2)
ORDER BY article_id LIMIT $3;

-- name: SearchHeadPromoted
-- The promoted part of a tier: SearchHead and SearchAll with the promoted
-- scope. PostgreSQL reads it from the partial indexes of the promoted rows
-- (migration 00157); SQLite's promoted token is rare enough in its own
-- index.
{{SearchHead}}

-- name: SearchHeadPromoted postgres
SELECT article_id FROM kb_search WHERE promoted AND head @@ to_tsquery('simple', $1) AND scope @@ to_tsquery('simple', $2)
ORDER BY article_id LIMIT $3;

-- name: SearchAllPromoted
{{SearchAll}}

-- name: SearchAllPromoted postgres
SELECT article_id FROM kb_search WHERE promoted AND doc @@ to_tsquery('simple', $1) AND scope @@ to_tsquery('simple', $2)
ORDER BY article_id LIMIT $3;

-- name: SearchHeadHits
-- The first $4 hits of $2 in titles and labels within scope $3, in id
-- order, each with whether it holds the promoted reader token $1 (one
-- token of letters and digits) (kb.Store.rank).
SELECT rowid, instr(' ' || scope || ' ', ' ' || $1 || ' ') > 0 FROM kb_fts_head
WHERE kb_fts_head MATCH 'head : (' || $2 || ') AND scope : (' || $3 || ')' ORDER BY rowid LIMIT $4;

-- name: SearchHeadHits postgres
SELECT article_id, scope @@ to_tsquery('simple', $1) FROM kb_search WHERE head @@ to_tsquery('simple', $2) AND scope @@ to_tsquery('simple', $3)
ORDER BY article_id LIMIT $4;

-- name: SearchHits
-- The hits of $2 anywhere within scope $3, counted up to $4 (the cap and
-- one more), and of those the first $5 in the tier's order, each with
-- whether it holds the promoted reader token $1 and the count. The engine
-- counts and sorts, so only the rows a page can use are sent (sending and
-- decoding 1,001 rows cost 1-2 ms). SQLite reads the hits in rowid order
-- and gives no flag (reading each of up to 1,000 rows' scope costs more
-- than the promoted tier's own read): its rows are the first $5 by id.
-- PostgreSQL reads them from the GIN bitmap, whose heap rows hold the
-- scope, in no order: its rows are the promoted first, then by id.
SELECT h.id, NULLIF($1, $1), count(*) OVER () FROM
  (SELECT rowid AS id FROM kb_fts WHERE kb_fts MATCH '{title body labels} : (' || $2 || ') AND scope : (' || $3 || ')' ORDER BY rowid LIMIT $4) h
ORDER BY h.id LIMIT $5;

-- name: SearchHits postgres
SELECT h.article_id, h.promoted, count(*) OVER () FROM
  (SELECT article_id, scope @@ to_tsquery('simple', $1) AS promoted FROM kb_search
   WHERE doc @@ to_tsquery('simple', $2) AND scope @@ to_tsquery('simple', $3) LIMIT $4) h
ORDER BY h.promoted DESC, h.article_id LIMIT $5;

-- name: SearchPage
-- The columns and body text (for kb.Snippet) of one page of hits (the
-- Markdown source for staff only, $1), $2 a JSON array of index row ids (the caller orders them): an article's id,
-- or minus a translation's id (its article, with the translation's text).
SELECT a.id, a.section_id, a.author_id, a.title, CASE WHEN $1 THEN a.body_markdown ELSE '' END, {{ArticleFieldsAfterMarkdown}}
       c.brand_id, COALESCE(t.body_text, a.body_text), j.value, COALESCE(t.title, ''), COALESCE(t.body_html, ''), COALESCE(t.locale, '')
FROM json_each($2) j LEFT JOIN kb_translations t ON j.value < 0 AND t.id = 0 - j.value
JOIN kb_articles a ON a.id = CASE WHEN j.value > 0 THEN j.value ELSE t.source_id END
JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;

-- name: SearchPage postgres
SELECT a.id, a.section_id, a.author_id, a.title, CASE WHEN $1 THEN a.body_markdown ELSE '' END, {{ArticleFieldsAfterMarkdown}}
       c.brand_id, COALESCE(t.body_text, a.body_text), j.v, COALESCE(t.title, ''), COALESCE(t.body_html, ''), COALESCE(t.locale, '')
FROM (SELECT value::bigint AS v FROM json_array_elements_text($2::json)) j LEFT JOIN kb_translations t ON j.v < 0 AND t.id = 0 - j.v
JOIN kb_articles a ON a.id = CASE WHEN j.v > 0 THEN j.v ELSE t.source_id END
JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id;

-- name: CountSearch
-- Counted up to 1,000 (as Zendesk's search, which returns at most 1,000 results).
SELECT count(*) FROM (SELECT 1 FROM kb_fts WHERE kb_fts MATCH '{title body labels} : (' || $1 || ') AND scope : (' || $2 || ')' LIMIT 1000) n;

-- name: CountSearch postgres
SELECT count(*) FROM (SELECT 1 FROM kb_search WHERE doc @@ to_tsquery('simple', $1) AND scope @@ to_tsquery('simple', $2) LIMIT 1000) n;

-- name: SearchHeadAnonymous
-- The Anonymous statements are SearchHead, SearchAll, SearchHeadHits,
-- SearchHits and CountSearch for an anonymous reader's search without a
-- locale or filter, whose scope query is the reader token alone
-- (kb.anonymousScope). PostgreSQL reads them from the partial indexes of
-- the rows such a reader may find (migration 00158) and checks the scope
-- (the brand) on the row: written IS TRUE, it is not an index condition,
-- so the planner cannot pair the partial index with another index's read
-- of the token's whole posting list. SQLite's are the same statements.
{{SearchHead}}

-- name: SearchHeadAnonymous postgres
SELECT article_id FROM kb_search WHERE anonymous AND head @@ to_tsquery('simple', $1) AND (scope @@ to_tsquery('simple', $2)) IS TRUE
ORDER BY article_id LIMIT $3;

-- name: SearchAllAnonymous
{{SearchAll}}

-- name: SearchAllAnonymous postgres
SELECT article_id FROM kb_search WHERE anonymous AND doc @@ to_tsquery('simple', $1) AND (scope @@ to_tsquery('simple', $2)) IS TRUE
ORDER BY article_id LIMIT $3;

-- name: SearchHeadHitsAnonymous
{{SearchHeadHits}}

-- name: SearchHeadHitsAnonymous postgres
SELECT article_id, scope @@ to_tsquery('simple', $1) FROM kb_search
WHERE anonymous AND head @@ to_tsquery('simple', $2) AND (scope @@ to_tsquery('simple', $3)) IS TRUE
ORDER BY article_id LIMIT $4;

-- name: SearchHitsAnonymous
{{SearchHits}}

-- name: SearchHitsAnonymous postgres
SELECT h.article_id, h.promoted, count(*) OVER () FROM
  (SELECT article_id, scope @@ to_tsquery('simple', $1) AS promoted FROM kb_search
   WHERE anonymous AND doc @@ to_tsquery('simple', $2) AND (scope @@ to_tsquery('simple', $3)) IS TRUE LIMIT $4) h
ORDER BY h.promoted DESC, h.article_id LIMIT $5;

-- name: CountSearchAnonymous
{{CountSearch}}

-- name: CountSearchAnonymous postgres
SELECT count(*) FROM (SELECT 1 FROM kb_search WHERE anonymous AND doc @@ to_tsquery('simple', $1) AND (scope @@ to_tsquery('simple', $2)) IS TRUE LIMIT 1000) n;

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

-- name: EventDurability
-- A deflection event need not wait for its commit to reach the disk (the
-- article page records one per view): losing the last few to a crash only
-- loses analytics. SQLite's group commit already shares one commit.
SELECT 1;

-- name: EventDurability postgres
SET LOCAL synchronous_commit = off;

-- name: InsertEvent
INSERT INTO kb_events (session, kind, article_id, user_id, at) VALUES ($1, $2, $3, $4, $5);

-- name: Events
SELECT session, kind, COALESCE(article_id, 0), COALESCE(user_id, 0), at FROM kb_events WHERE at >= $1 ORDER BY id;

-- name: EventsBetween
SELECT session, kind, COALESCE(article_id, 0), COALESCE(user_id, 0), at FROM kb_events WHERE at >= $1 AND at < $2 ORDER BY id;

-- name: Labels
SELECT DISTINCT a.labels FROM {{ArticlesOf}} WHERE {{Readable}}
  AND ($3 = 0 OR c.brand_id = $3) AND ($4 = '' OR $4 NOT LIKE ('% ' || CAST(c.brand_id AS TEXT) || ' %')) AND a.labels <> ',';

-- name: LinkTicketIfArticle
INSERT INTO kb_ticket_links (article_id, ticket_id, created_at)
SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM kb_articles WHERE id = $1) ON CONFLICT DO NOTHING;

-- name: ReindexClear
DELETE FROM kb_fts;

-- name: ReindexClear postgres
DELETE FROM kb_search;

-- name: ReindexAll
{{IndexRows}} 1 = 1;

-- name: ReindexTr
{{TrIndexRows}} 1 = 1;

-- name: ReindexClearHeads
DELETE FROM kb_fts_head;

-- name: ReindexClearHeads postgres
SELECT 1;

-- name: ReindexHeads
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts;

-- name: ReindexHeads postgres
SELECT 1;

-- name: ReindexOptimize
-- After a bulk load: FTS5 merges its segments into one (automerge keeps
-- them few under ordinary writes); a GIN index needs nothing.
INSERT INTO kb_fts (kb_fts) VALUES ('optimize');

-- name: ReindexOptimize postgres
SELECT 1;

-- name: ReindexOptimizeHeads
INSERT INTO kb_fts_head (kb_fts_head) VALUES ('optimize');

-- name: ReindexOptimizeHeads postgres
SELECT 1;

-- name: BrandExists
SELECT count(*) FROM brands WHERE id = $1;

-- name: TranslationColumns
t.id, t.source_type, t.source_id, t.locale, t.title, t.body_markdown, t.body_html, t.draft, t.outdated, t.created_by, t.updated_by, t.created_at, t.updated_at

-- name: ListTranslations
SELECT {{TranslationColumns}} FROM kb_translations t WHERE t.source_type = $1 AND t.source_id = $2 AND ($3 OR NOT t.draft) ORDER BY t.locale;

-- name: GetTranslation
SELECT {{TranslationColumns}} FROM kb_translations t WHERE t.source_type = $1 AND t.source_id = $2 AND t.locale = $3 AND ($4 OR NOT t.draft);

-- name: GetTranslationByID
SELECT {{TranslationColumns}} FROM kb_translations t WHERE t.id = $1;

-- name: TranslationsIn
-- The translations in locale $2 of the items of type $1 whose ids are the
-- JSON array $3 (a page's overlay).
SELECT {{TranslationColumns}} FROM kb_translations t
WHERE t.source_type = $1 AND t.locale = $2 AND ($3 OR NOT t.draft) AND t.source_id IN (SELECT value FROM json_each($4));

-- name: TranslationsIn postgres
SELECT {{TranslationColumns}} FROM kb_translations t
WHERE t.source_type = $1 AND t.locale = $2 AND ($3 OR NOT t.draft) AND t.source_id IN (SELECT value::bigint FROM json_array_elements_text($4::json));

-- name: InsertTranslation
INSERT INTO kb_translations (source_type, source_id, locale, title, body_markdown, body_html, body_text, draft, outdated, created_by, updated_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9, $9, $10, $10) RETURNING id;

-- name: UpdateTranslation
UPDATE kb_translations SET title = $2, body_markdown = $3, body_html = $4, body_text = $5, draft = $6, outdated = $7, updated_by = $8, updated_at = $9 WHERE id = $1;

-- name: DeleteTranslation
DELETE FROM kb_translations WHERE id = $1;

-- name: DeleteTranslationsOf
DELETE FROM kb_translations WHERE source_type = 'article' AND source_id = $1;

-- name: OutdateTranslations
-- The source changed: its translations are flagged outdated until updated.
UPDATE kb_translations SET outdated = TRUE WHERE source_type = $1 AND source_id = $2;

-- name: Locales
SELECT DISTINCT locale FROM kb_articles UNION SELECT DISTINCT locale FROM kb_translations ORDER BY 1;

-- name: TrIndexRows
-- The text index rows of article translations (the caller appends the
-- condition): rowid minus the translation's id, the article's scope with
-- the translation's locale and without the source reader tokens (zzr<L>b<B>s:
-- a search without a locale reads source texts only); a draft translation
-- has no readers.
INSERT INTO kb_fts (rowid, title, body, labels, scope)
SELECT 0 - t.id, t.title, t.body_text, trim(replace(a.labels, ',', ' ')),
       {{TranslationReaders}}
       || ' zzloc' || lower(hex(t.locale)) || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab')
FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id
WHERE t.source_type = 'article' AND

-- name: TrIndexRows postgres
INSERT INTO kb_search (article_id, promoted, doc, head, scope)
SELECT 0 - t.id, a.promoted,
       strip(to_tsvector('simple', t.title || ' ' || trim(replace(a.labels, ',', ' ')) || ' ' || t.body_text)),
       to_tsvector('simple', t.title || ' ' || trim(replace(a.labels, ',', ' '))),
       to_tsvector('simple', {{TranslationReaders}}
       || ' zzloc' || encode(convert_to(t.locale, 'UTF8'), 'hex') || ' zzs' || a.section_id || ' zzc' || s.category_id
       || replace(a.labels, ',', ' zzend zzlab'))
FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id JOIN kb_sections s ON s.id = a.section_id JOIN kb_categories c ON c.id = s.category_id
WHERE t.source_type = 'article' AND

-- name: IndexTranslation
{{TrIndexRows}} t.id = $1;

-- name: IndexArticleTr
{{TrIndexRows}} t.source_id = $1;

-- name: IndexSectionTr
{{TrIndexRows}} a.section_id = $1;

-- name: TrRowsOfArticle
SELECT 0 - id FROM kb_translations WHERE source_type = 'article' AND source_id = $1

-- name: TrRowsOfSection
SELECT 0 - t.id FROM kb_translations t JOIN kb_articles a ON a.id = t.source_id WHERE t.source_type = 'article' AND a.section_id = $1

-- name: UnindexTranslation
DELETE FROM kb_fts WHERE rowid = 0 - CAST($1 AS BIGINT);

-- name: UnindexTranslation postgres
DELETE FROM kb_search WHERE article_id = 0 - CAST($1 AS BIGINT);

-- name: UnindexTrHead
DELETE FROM kb_fts_head WHERE rowid = 0 - CAST($1 AS BIGINT);

-- name: UnindexTrHead postgres
SELECT CAST($1 AS BIGINT);

-- name: IndexTrHead
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts WHERE rowid = 0 - CAST($1 AS BIGINT);

-- name: IndexTrHead postgres
SELECT CAST($1 AS BIGINT);

-- name: UnindexArticleTr
DELETE FROM kb_fts WHERE rowid IN ({{TrRowsOfArticle}});

-- name: UnindexArticleTr postgres
DELETE FROM kb_search WHERE article_id IN ({{TrRowsOfArticle}});

-- name: UnindexArticleTrHeads
DELETE FROM kb_fts_head WHERE rowid IN ({{TrRowsOfArticle}});

-- name: UnindexArticleTrHeads postgres
SELECT CAST($1 AS BIGINT);

-- name: IndexArticleTrHeads
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts WHERE rowid IN ({{TrRowsOfArticle}});

-- name: IndexArticleTrHeads postgres
SELECT CAST($1 AS BIGINT);

-- name: UnindexSectionTr
DELETE FROM kb_fts WHERE rowid IN ({{TrRowsOfSection}});

-- name: UnindexSectionTr postgres
DELETE FROM kb_search WHERE article_id IN ({{TrRowsOfSection}});

-- name: UnindexSectionTrHeads
DELETE FROM kb_fts_head WHERE rowid IN ({{TrRowsOfSection}});

-- name: UnindexSectionTrHeads postgres
SELECT CAST($1 AS BIGINT);

-- name: IndexSectionTrHeads
INSERT INTO kb_fts_head (rowid, head, scope) SELECT rowid, title || ' ' || labels, scope FROM kb_fts WHERE rowid IN ({{TrRowsOfSection}});

-- name: IndexSectionTrHeads postgres
SELECT CAST($1 AS BIGINT);

-- name: CommentColumns
k.id, k.article_id, k.author_id, k.body_html, k.locale, k.created_at, k.updated_at

-- name: ListComments
SELECT {{CommentColumns}} FROM kb_comments k WHERE k.article_id = $1 ORDER BY k.id;

-- name: GetComment
SELECT {{CommentColumns}} FROM kb_comments k WHERE k.article_id = $1 AND k.id = $2;

-- name: CommentsOfUser
SELECT {{CommentColumns}} FROM kb_comments k WHERE k.author_id = $1 ORDER BY k.id;

-- name: InsertComment
INSERT INTO kb_comments (article_id, author_id, body_html, locale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id;

-- name: UpdateComment
UPDATE kb_comments SET body_html = $2, updated_at = $3 WHERE id = $1;

-- name: DeleteComment
DELETE FROM kb_comments WHERE id = $1;

-- name: ArticleAttachmentColumns
x.id, x.article_id, x.attachment_id, f.file_name, f.content_type, f.size, x.inline, x.created_at

-- name: ListArticleAttachments
SELECT {{ArticleAttachmentColumns}} FROM kb_article_attachments x JOIN attachments f ON f.id = x.attachment_id
WHERE x.article_id = $1 ORDER BY x.id;

-- name: GetArticleAttachment
SELECT {{ArticleAttachmentColumns}} FROM kb_article_attachments x JOIN attachments f ON f.id = x.attachment_id WHERE x.id = $1;

-- name: InsertArticleAttachment
INSERT INTO kb_article_attachments (article_id, attachment_id, inline, created_at) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: DeleteArticleAttachment
DELETE FROM kb_article_attachments WHERE id = $1;

-- name: IsArticleAttachment
SELECT count(*) FROM kb_article_attachments WHERE attachment_id = $1;

-- name: IndexGen
-- The text index's state (migration 00156, kb/hits.go).
SELECT gen FROM kb_index_gen WHERE id = 1;

-- name: BumpIndexGen
UPDATE kb_index_gen SET gen = $1 WHERE id = 1;

-- name: WordShare
-- Of how many in a sample of the articles (second column) the word $1
-- (letters and digits) is in (first) (kb/hits.go, common words). SQLite
-- counts it in the latest 1,000 articles; PostgreSQL reads the share
-- ANALYZE measured (pg_stats keeps the most common words of the index
-- with the fraction of rows holding each), scaled to 1,000, with the
-- table's row estimate as the sample (below 0 before its first ANALYZE).
SELECT (SELECT count(*) FROM kb_fts WHERE kb_fts MATCH '{title body labels} : "' || $1 || '"'
          AND rowid > (SELECT COALESCE(max(id), 0) FROM kb_articles) - 1000),
       (SELECT count(*) FROM kb_articles WHERE id > (SELECT COALESCE(max(id), 0) FROM kb_articles) - 1000);

-- name: WordShare postgres
SELECT COALESCE((SELECT round(x.f * 1000)::int FROM pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS x(e, f)
                 WHERE st.schemaname = current_schema() AND st.tablename = 'kb_search' AND st.attname = 'doc' AND x.e = $1 LIMIT 1), 0),
       (SELECT LEAST(1000, reltuples)::int FROM pg_class WHERE oid = 'kb_search'::regclass);
