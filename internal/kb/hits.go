package kb

import (
	"container/list"
	"context"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/frontline/frontline/internal/db"
)

// hitCache keeps the ranked index rows of recent searches (migration
// 00156): for a text query and scope, the ids best first and the count, as
// read at one value of kb_index_gen. That value changes in the transaction
// of every write to the text index, so an entry is used only while the
// index is exactly as it was read: a Help Center's popular questions are
// answered with one read of the page's articles instead of walking the
// doclists of their common words again. Entries are ids only; the page's
// articles, their text and votes are always read fresh. The scope holds the
// reader's level and brand, so an entry serves only readers who would find
// the same rows.
type hitCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *hitEntry, most recently used first
	byKey map[string]*list.Element
	used  int // searches answered from an entry (tests)
}

type hitEntry struct {
	key   string
	gen   int64
	ids   []int64 // ranked, best first
	whole bool    // ids are every hit
	total int     // the count up to 1,000; -1 when not counted
}

func newHitCache(max int) *hitCache {
	return &hitCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func hitKey(fts, scope string) string { return fts + "\x00" + scope }

// get returns the entry for key read at gen when it holds want ids (or
// every hit) and, if count, the count.
func (c *hitCache) get(key string, gen int64, want int, count bool) (hitEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return hitEntry{}, false
	}
	e := el.Value.(*hitEntry)
	if e.gen != gen {
		c.order.Remove(el)
		delete(c.byKey, key)
		return hitEntry{}, false
	}
	if !e.whole && len(e.ids) < want || count && e.total < 0 {
		return hitEntry{}, false
	}
	c.order.MoveToFront(el)
	c.used++
	return *e, true
}

func (c *hitCache) put(e hitEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[e.key]; ok {
		c.order.Remove(el)
	}
	c.byKey[e.key] = c.order.PushFront(&e)
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(*hitEntry).key)
	}
}

// indexWrite says whether a statement of execAll writes the text index.
func indexWrite(name string) bool {
	return strings.HasPrefix(name, "Index") || strings.HasPrefix(name, "Unindex") || strings.HasPrefix(name, "Reindex")
}

// bumpIndexGen gives kb_index_gen a fresh value in tx, which writes the
// text index: every cached search read before it stops being used.
func (s *Store) bumpIndexGen(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, s.q.Get("BumpIndexGen"), rand.Int64())
	return err
}

// Common words. A word that more than half of the Help Center's articles
// hold narrows a search by almost nothing, and it is the dearest word to
// look up (the longest doclist; in PostgreSQL the longest posting list to
// decode): "how do I restore the backup" costs most for "how", "do", "i"
// and "the". A search of several words leaves such words out when at least
// one other word remains, as search engines leave out stop words, in any
// language. Whether a word is common is measured on a sample of 1,000
// articles (kb/queries.sql WordShare: SQLite counts the latest 1,000,
// PostgreSQL reads what ANALYZE measured; not below 500, so a small Help
// Center searches every word) and remembered for the index state it was
// measured at.
type commonWords struct {
	mu    sync.Mutex
	gen   int64
	known map[string]bool
}

// indexQuery reads the text index's state and gives fts, q's full-text
// query, as it is searched in that state: without its common words. Search
// and CountSearch both ask the index through it.
func (s *Store) indexQuery(ctx context.Context, tx *db.Tx, q Query, fts string) (string, int64, error) {
	var gen int64
	if err := tx.QueryRowContext(ctx, s.q.Get("IndexGen")).Scan(&gen); err != nil {
		return "", 0, err
	}
	less, ok, err := s.withoutCommon(ctx, tx, gen, q)
	if ok {
		fts = less
	}
	return fts, gen, err
}

// withoutCommon is q's full-text query without its common words, and
// whether any was left out.
func (s *Store) withoutCommon(ctx context.Context, tx *db.Tx, gen int64, q Query) (string, bool, error) {
	words := queryWords(q)
	if q.Any || len(words) < 2 {
		return "", false, nil
	}
	var kept []string
	for _, w := range words {
		if strings.HasSuffix(w, "*") { // being typed: kept
			kept = append(kept, w)
			continue
		}
		common, err := s.commonWord(ctx, tx, gen, w)
		if err != nil {
			return "", false, err
		}
		if !common {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 || len(kept) == len(words) {
		return "", false, nil
	}
	fts, ok := s.d.Dialect.FullText(kept)
	return fts, ok, nil
}

func (s *Store) commonWord(ctx context.Context, tx *db.Tx, gen int64, w string) (bool, error) {
	c := &s.common
	c.mu.Lock()
	if c.gen != gen || c.known == nil || len(c.known) > 10000 {
		c.gen, c.known = gen, map[string]bool{}
	}
	common, ok := c.known[w]
	c.mu.Unlock()
	if ok {
		return common, nil
	}
	var hits, sample int
	if err := tx.QueryRowContext(ctx, s.q.Get("WordShare"), w).Scan(&hits, &sample); err != nil {
		return false, err
	}
	common = sample >= 500 && 2*hits > sample
	c.mu.Lock()
	if c.gen == gen {
		c.known[w] = common
	}
	c.mu.Unlock()
	return common, nil
}
