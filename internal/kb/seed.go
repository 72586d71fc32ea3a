package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
)

// Reindex rebuilds the full-text index of every article (after a bulk
// load, or to recover an index).
func (s *Store) Reindex(ctx context.Context) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		for _, n := range []string{"ReindexClear", "ReindexClearHeads", "ReindexAll", "ReindexTr", "ReindexHeads", "ReindexOptimize", "ReindexOptimizeHeads"} {
			if _, err := tx.ExecContext(ctx, s.q.Get(n)); err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
		}
		return s.bumpIndexGen(ctx, tx)
	})
}

// SeedSynthetic bulk-loads n generated articles for the benchmarks: three
// categories of ten sections, titles and bodies drawn from a vocabulary
// of 5,000 words with Zipf frequencies (a few common words, a long tail)
// plus the product terms the benchmark queries use; one article in ten is
// internal and one in twenty a draft. Bodies are stored as rendered
// paragraphs; the index is rebuilt at the end. It returns the ids.
func (s *Store) SeedSynthetic(ctx context.Context, n int, seed uint64) ([]int64, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := make([]string, 5000)
	terms := []string{"backup", "restore", "upgrade", "runner", "saml", "ldap", "install", "timeout", "postgresql", "docker", "kubernetes", "certificate",
		"migration", "registry", "pipeline", "artifact", "webhook", "token", "quota", "latency"}
	for i := range vocab {
		vocab[i] = SyntheticWord(i)
	}
	for i, t := range terms { // product terms at middling frequency ranks
		vocab[40+i*37] = t
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		var b strings.Builder
		for j := range k {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[zipf.Uint64()])
		}
		return b.String()
	}
	var cats, secs []int64
	for c := range 3 {
		cat, err := s.CreateCategory(ctx, audit.System(), CategoryInput{Name: ptr(fmt.Sprintf("Category %d", c))})
		if err != nil {
			return nil, err
		}
		cats = append(cats, cat.ID)
		for x := range 10 {
			sec, err := s.CreateSection(ctx, audit.System(), cat.ID, SectionInput{Name: ptr(fmt.Sprintf("Section %d.%d", c, x))})
			if err != nil {
				return nil, err
			}
			secs = append(secs, sec.ID)
		}
	}
	ids := make([]int64, 0, n)
	for done := 0; done < n; {
		batch := min(2000, n-done)
		err := s.d.Write(ctx, func(tx *db.Tx) error {
			for i := range batch {
				k := done + i
				title := words(4 + k%5)
				body := words(60 + k%80)
				status, vis := Published, Public
				switch {
				case k%10 == 3:
					vis = Internal
				case k%20 == 7:
					status = Draft
				case k%10 == 5:
					vis = SignedIn
				}
				labels := "," + vocab[zipf.Uint64()] + ","
				var id int64
				if err := tx.QueryRowContext(ctx, s.q.Get("InsertArticle"), secs[k%len(secs)], 1, title, body, "<p>"+body+"</p>", body,
					DefaultLocale, string(status), k%50 == 0, k%100, labels, false, false, int(vis), db.TS(tx.Now)).Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		done += batch
	}
	if err := s.Reindex(ctx); err != nil {
		return nil, err
	}
	_ = cats
	return ids, nil
}

// SyntheticWord is the i-th word of SeedSynthetic's vocabulary, by
// frequency rank (the product terms replace a few of them).
func SyntheticWord(i int) string { return fmt.Sprintf("w%x%s", i, string(rune('a'+i%26))) }

func ptr[T any](v T) *T { return &v }

// RecordEvents stores several deflection events in one transaction (the
// demo's history of sessions).
func (s *Store) RecordEvents(ctx context.Context, events []Event) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		for _, e := range events {
			if e.Session == "" {
				return fmt.Errorf("kb: event without a session")
			}
			at := e.At
			if at.IsZero() {
				at = tx.Now
			}
			if _, err := tx.ExecContext(ctx, s.q.Get("InsertEvent"), e.Session, e.Kind, nullID(ptrIf(e.ArticleID)), nullID(ptrIf(e.UserID)), db.TS(at)); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeedVote is one vote for SeedVotes.
type SeedVote struct {
	ArticleID, UserID int64
	Value             int
}

// SeedVotes records votes in one transaction and tallies the articles
// (the demo's votes; no visibility check: the caller chose the articles).
func (s *Store) SeedVotes(ctx context.Context, votes []SeedVote) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		seen := map[int64]bool{}
		for _, v := range votes {
			if _, err := tx.ExecContext(ctx, s.q.Get("UpsertVote"), v.ArticleID, v.UserID, v.Value, db.TS(tx.Now)); err != nil {
				return err
			}
			seen[v.ArticleID] = true
		}
		for id := range seen {
			if _, err := tx.ExecContext(ctx, s.q.Get("TallyVotes"), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// LinkTickets links several tickets to an article in one transaction.
func (s *Store) LinkTickets(ctx context.Context, article int64, tickets []int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		for _, t := range tickets {
			if _, err := tx.ExecContext(ctx, s.q.Get("LinkTicketIfArticle"), article, t, db.TS(tx.Now)); err != nil {
				return err
			}
		}
		return nil
	})
}
