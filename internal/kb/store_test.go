package kb

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

type fixture struct {
	t   *testing.T
	st  *Store
	cat *Category
	pub *Section
	int *Section
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	st := NewStore(d, audit.New(d))
	ctx := context.Background()
	cat, err := st.CreateCategory(ctx, editor, CategoryInput{Name: sp("Self-managed")})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := st.CreateSection(ctx, editor, cat.ID, SectionInput{Name: sp("Backups")})
	if err != nil {
		t.Fatal(err)
	}
	in, err := st.CreateSection(ctx, editor, cat.ID, SectionInput{Name: sp("Runbooks"), Visibility: sp("internal")})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, cat: cat, pub: pub, int: in}
}

func (f *fixture) article(section int64, title, body string, in ArticleInput) *Article {
	f.t.Helper()
	in.Title, in.BodyMarkdown = &title, &body
	if in.Status == nil && in.Draft == nil {
		in.Draft = bp(false)
	}
	a, err := f.st.CreateArticle(context.Background(), editor, section, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

var (
	editor   = audit.Actor{ID: 1, Role: "agent"}
	anon     = Viewer{}
	customer = Viewer{UserID: 42}
)

// TestArticlesVisibilityOnBothEngines: internal articles, articles in
// internal sections and drafts never reach customers or anonymous readers,
// through lists, reads, search, suggestions or labels.
func TestArticlesVisibilityOnBothEngines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		pub := f.article(f.pub.ID, "Restore a backup", "Run **backup restore** from the admin shell.", ArticleInput{LabelNames: &[]string{"backup"}})
		signed := f.article(f.pub.ID, "Backup retention for customers", "Backups are kept 30 days.", ArticleInput{Visibility: sp("signed_in")})
		internal := f.article(f.pub.ID, "Backup escalation runbook", "Page the storage on-call for backup failures.", ArticleInput{Visibility: sp("internal"), LabelNames: &[]string{"secret-label"}})
		inSection := f.article(f.int.ID, "Backup storage quotas", "Internal backup quotas.", ArticleInput{})
		draft := f.article(f.pub.ID, "Backup draft", "Unpublished backup notes.", ArticleInput{Draft: bp(true)})
		if pub.Body != "<p>Run <strong>backup restore</strong> from the admin shell.</p>\n" || pub.Draft || !draft.Draft {
			t.Fatalf("rendered %q draft %v", pub.Body, pub.Draft)
		}
		ids := func(v Viewer) []int64 {
			as, err := f.st.Articles(ctx, ArticleFilter{Viewer: v})
			if err != nil {
				t.Fatal(err)
			}
			n, err := f.st.CountArticles(ctx, ArticleFilter{Viewer: v})
			if err != nil || n != len(as) {
				t.Fatal(n, err)
			}
			var out []int64
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		if got := ids(anon); len(got) != 1 || got[0] != pub.ID {
			t.Fatalf("anonymous sees %v", got)
		}
		if got := ids(customer); len(got) != 2 {
			t.Fatalf("customer sees %v", got)
		}
		if got := ids(staff); len(got) != 5 {
			t.Fatalf("staff sees %v", got)
		}
		for _, id := range []int64{internal.ID, inSection.ID, draft.ID} {
			if _, err := f.st.Article(ctx, customer, id); errs.KindOf(err) != errs.KindNotFound {
				t.Fatalf("customer read %d: %v", id, err)
			}
		}
		if _, err := f.st.Article(ctx, anon, signed.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatal("anonymous read a signed-in article")
		}
		res, err := f.st.Search(ctx, Query{Viewer: customer, Text: "backup"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 {
			t.Fatalf("customer search: %d results", len(res))
		}
		for _, r := range res {
			if r.ID == internal.ID || r.ID == inSection.ID || r.ID == draft.ID {
				t.Fatal("search leaked", r.Title)
			}
		}
		if n, _ := f.st.CountSearch(ctx, Query{Viewer: customer, Text: "backup"}); n != 2 {
			t.Fatal("count", n)
		}
		sug, err := f.st.Suggest(ctx, anon, "restore a back", "")
		if err != nil || len(sug) != 1 || sug[0].ID != pub.ID {
			t.Fatalf("suggest: %v %v", sug, err)
		}
		if sug, _ := f.st.Suggest(ctx, anon, "ba", ""); len(sug) != 0 {
			t.Fatal("suggested under 3 characters")
		}
		if sug, _ := f.st.Suggest(ctx, customer, "escalation", ""); len(sug) != 0 {
			t.Fatal("suggested an internal article")
		}
		staffRes, _ := f.st.Search(ctx, Query{Viewer: staff, Text: "escalation runbook"})
		if len(staffRes) != 1 || staffRes[0].ID != internal.ID {
			t.Fatalf("staff search: %v", staffRes)
		}
		labels, _ := f.st.Labels(ctx, customer)
		if strings.Join(labels, ",") != "backup" {
			t.Fatalf("labels %v", labels)
		}
		secs, _ := f.st.Sections(ctx, customer, 0)
		if len(secs) != 1 {
			t.Fatalf("customer sections %d", len(secs))
		}
	})
}

// TestSearchRanksSnippetsAndFilters: titles outrank bodies, snippets mark
// the terms (escaped), and filters narrow by section, category, label and
// locale.
func TestSearchRanksSnippetsAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		other, err := f.st.CreateSection(ctx, editor, f.cat.ID, SectionInput{Name: sp("Upgrades"), Locale: sp("de-de")})
		if err != nil {
			t.Fatal(err)
		}
		body := f.article(f.pub.ID, "Disk space", "Before an upgrade check free disk & space.", ArticleInput{})
		title := f.article(f.pub.ID, "Upgrade to 17.0", "Read the notes first.", ArticleInput{LabelNames: &[]string{"upgrade"}})
		de := f.article(other.ID, "Upgrade auf 17.0", "Upgrade Anleitung.", ArticleInput{})
		res, err := f.st.Search(ctx, Query{Viewer: anon, Text: "upgrade"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 3 || res[2].ID != body.ID {
			t.Fatalf("ranking: %+v", res)
		}
		if !strings.Contains(res[2].Snippet, "<em>upgrade</em>") || !strings.Contains(res[2].Snippet, "disk &amp; space") {
			t.Fatalf("snippet %q", res[2].Snippet)
		}
		one := func(q Query) int64 {
			q.Viewer, q.Text = anon, "upgrade"
			r, err := f.st.Search(ctx, q)
			if err != nil || len(r) != 1 {
				t.Fatalf("%+v: %v %v", q, r, err)
			}
			return r[0].ID
		}
		if one(Query{Locale: "de-de"}) != de.ID || one(Query{SectionID: other.ID}) != de.ID || one(Query{Label: "upgrade"}) != title.ID {
			t.Fatal("filters")
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: anon, Text: "upgrade", CategoryID: f.cat.ID}); len(r) != 3 {
			t.Fatal("category filter")
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: anon, Text: `"); DROP TABLE kb_articles; --`}); len(r) != 0 {
			t.Fatal("injection matched")
		}
	})
}

// TestEditingKeepsRevisionsAndReindexes: an update re-renders, re-indexes
// and keeps a revision; the editorial flow and section tree rules hold.
func TestEditingKeepsRevisionsAndReindexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.article(f.pub.ID, "SAML login", "Configure the IdP.", ArticleInput{Status: func() *Status { s := Draft; return &s }()})
		rv := InReview
		a, err := f.st.UpdateArticle(ctx, audit.Actor{ID: 2, Role: "agent"}, a.ID, ArticleInput{Status: &rv, BodyMarkdown: sp("Configure *Okta*.")})
		if err != nil || a.Status != InReview || a.Body != "<p>Configure <em>Okta</em>.</p>\n" {
			t.Fatal(a, err)
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: staff, Text: "okta"}); len(r) != 0 {
			t.Fatal("an article in review is searchable")
		}
		if _, err = f.st.UpdateArticle(ctx, audit.Actor{ID: 2, Role: "agent"}, a.ID, ArticleInput{Draft: bp(false)}); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: anon, Text: "okta"}); len(r) != 1 {
			t.Fatal("re-index")
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: anon, Text: "idp"}); len(r) != 0 {
			t.Fatal("old body still indexed")
		}
		revs, _ := f.st.Revisions(ctx, a.ID)
		if len(revs) != 3 || revs[0].BodyMarkdown != "Configure the IdP." || revs[2].Status != "published" {
			t.Fatalf("revisions %+v", revs)
		}
		gone := Status("archived")
		if _, err := f.st.UpdateArticle(ctx, audit.Actor{ID: 2, Role: "agent"}, a.ID, ArticleInput{Status: &gone}); !strings.Contains(errString(err), "Editorial flow rule") {
			t.Fatal(err)
		}
		child, err := f.st.CreateSection(ctx, editor, f.cat.ID, SectionInput{Name: sp("Child"), ParentSectionID: &f.pub.ID})
		if err != nil || *child.ParentSectionID != f.pub.ID {
			t.Fatal(err)
		}
		if _, err := f.st.UpdateSection(ctx, editor, f.pub.ID, SectionInput{ParentSectionID: &child.ID}); !strings.Contains(errString(err), "Section tree rule") {
			t.Fatal(err)
		}
		if err := f.st.DeleteSection(ctx, editor, f.pub.ID); errs.KindOf(err) != errs.KindConflict {
			t.Fatal(err)
		}
		if err := f.st.DeleteArticle(ctx, editor, a.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.st.Search(ctx, Query{Viewer: anon, Text: "okta"}); len(r) != 0 {
			t.Fatal("deleted article searchable")
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestVotesLinksAndDeflectionEvents: votes tally, poor votes and many
// linked tickets flag the article, and recorded events give the rate.
func TestVotesLinksAndDeflectionEvents(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var clk *clock.Fake
	dbtest.EachClock(t, func() clock.Clock { clk = clock.NewFake(start); return clk }, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.article(f.pub.ID, "Runner registration", "Register with a token.", ArticleInput{})
		for i, v := range []int{1, -1, -1, 1, -1} {
			if _, err := f.st.Vote(ctx, Viewer{UserID: int64(100 + i%4)}, a.ID, v); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := f.st.Article(ctx, anon, a.ID)
		if got.VoteCount != 4 || got.VoteSum != -2 || !got.FlaggedForReview {
			t.Fatalf("votes %d/%d flagged %v", got.VoteSum, got.VoteCount, got.FlaggedForReview)
		}
		if _, err := f.st.Vote(ctx, anon, a.ID, 1); errs.KindOf(err) != errs.KindForbidden {
			t.Fatal("anonymous vote")
		}
		if vs, _ := f.st.Votes(ctx, a.ID); len(vs) != 4 {
			t.Fatal(len(vs))
		}
		if err := f.st.LinkArticlesIn(ctx, 7, "see https://desk/hc/en-us/articles/"+itoa(a.ID)+" and /hc/articles/999999"); err != nil {
			t.Fatal(err)
		}
		_ = f.st.LinkTicket(ctx, a.ID, 7)
		if l, _ := f.st.LinkedTickets(ctx, a.ID); len(l) != 1 || l[0] != 7 {
			t.Fatal(l)
		}
		if l, _ := f.st.ArticlesOfTicket(ctx, 7); len(l) != 1 || l[0] != a.ID {
			t.Fatal(l)
		}
		for _, e := range []Event{{Session: "s1", Kind: EventView, ArticleID: a.ID}, {Session: "s2", Kind: EventView, ArticleID: a.ID}, {Session: "s2", Kind: EventTicket, UserID: 5}} {
			if err := f.st.RecordEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		dfl, err := f.st.Deflection(ctx, start.Add(-time.Hour))
		if err != nil || dfl.PendingSessions != 1 || dfl.ViewSessions != 1 {
			t.Fatalf("%+v %v", dfl, err)
		}
		clk.Advance(73 * time.Hour)
		dfl, _ = f.st.Deflection(ctx, start.Add(-time.Hour))
		if dfl.ViewSessions != 2 || dfl.DeflectedSessions != 1 || dfl.Rate != 0.5 {
			t.Fatalf("%+v", dfl)
		}
		// The KPI module's month (kpi.Deflections): January's sessions; a
		// session of the month before does not count.
		if err := f.st.RecordEvents(ctx, []Event{{Session: "dec", Kind: EventView, ArticleID: a.ID, At: start.AddDate(0, -1, 0)}}); err != nil {
			t.Fatal(err)
		}
		if n := f.st.Deflected(2026, 1); n != 1 {
			t.Fatalf("deflected in January: %d", n)
		}
		if r, ok := f.st.DeflectionRate(2026, 1); !ok || r != 0.5 {
			t.Fatalf("January rate %v %v", r, ok)
		}
		if r, ok := f.st.DeflectionRate(2025, 12); !ok || r != 1 {
			t.Fatalf("December rate %v %v", r, ok)
		}
		if _, ok := f.st.DeflectionRate(2026, 2); ok {
			t.Fatal("February has no sessions")
		}
	})
}

func itoa(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }

// TestSearchScopeLivesInTheIndex: the index rows carry visibility and the
// filters (migration 00120), so a section's change re-scopes its articles at
// once; tiers rank head hits and promoted articles first and page across
// tiers without gaps or repeats; a label with spaces filters exactly.
func TestSearchScopeLivesInTheIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b1 := f.article(f.pub.ID, "Disk space", "Free space before a rollback.", ArticleInput{})
		h1 := f.article(f.pub.ID, "Rollback of a release", "Steps.", ArticleInput{LabelNames: &[]string{"release notes"}})
		b2 := f.article(f.pub.ID, "Promoted body hit", "How a rollback works.", ArticleInput{Promoted: bp(true)})
		h2 := f.article(f.pub.ID, "Rollback promoted", "Steps.", ArticleInput{Promoted: bp(true)})
		f.article(f.pub.ID, "Rollback draft", "Steps.", ArticleInput{Draft: bp(true)})
		ids := func(q Query) []int64 {
			t.Helper()
			q.Text = "rollback"
			r, err := f.st.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, x := range r {
				out = append(out, x.ID)
			}
			return out
		}
		want := []int64{h2.ID, h1.ID, b2.ID, b1.ID}
		if got := ids(Query{Viewer: anon}); !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
		var paged []int64
		for off := 0; off < 5; off++ {
			paged = append(paged, ids(Query{Viewer: anon, Offset: off, Limit: 1})...)
		}
		if !slices.Equal(paged, want) {
			t.Fatalf("paged %v, want %v", paged, want)
		}
		if got := ids(Query{Viewer: anon, Label: "release notes"}); !slices.Equal(got, []int64{h1.ID}) {
			t.Fatalf("label filter %v", got)
		}
		if got := ids(Query{Viewer: anon, Label: "release"}); len(got) != 0 {
			t.Fatalf("a label's first word is not the label: %v", got)
		}
		if n, _ := f.st.CountSearch(ctx, Query{Viewer: anon, Text: "rollback"}); n != 4 {
			t.Fatalf("count %d", n)
		}
		// The section becomes signed-in only, then internal: its articles follow.
		if _, err := f.st.UpdateSection(ctx, editor, f.pub.ID, SectionInput{Visibility: sp("signed_in")}); err != nil {
			t.Fatal(err)
		}
		if got := ids(Query{Viewer: anon}); len(got) != 0 {
			t.Fatalf("anonymous still finds %v", got)
		}
		if got := ids(Query{Viewer: customer}); len(got) != 4 {
			t.Fatalf("customer finds %v", got)
		}
		if _, err := f.st.UpdateSection(ctx, editor, f.pub.ID, SectionInput{Visibility: sp("internal")}); err != nil {
			t.Fatal(err)
		}
		if got := ids(Query{Viewer: customer}); len(got) != 0 {
			t.Fatalf("customer still finds %v", got)
		}
		if got := ids(Query{Viewer: Viewer{UserID: 1, Staff: true}}); len(got) != 4 {
			t.Fatalf("staff finds %v", got)
		}
		// Moved to a section of another category, an article leaves the first.
		cat2, err := f.st.CreateCategory(ctx, editor, CategoryInput{Name: sp("SaaS")})
		if err != nil {
			t.Fatal(err)
		}
		sec2, err := f.st.CreateSection(ctx, editor, cat2.ID, SectionInput{Name: sp("Releases")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.UpdateArticle(ctx, audit.Actor{ID: 1, Role: "agent"}, h1.ID, ArticleInput{SectionID: &sec2.ID}); err != nil {
			t.Fatal(err)
		}
		if got := ids(Query{Viewer: anon, CategoryID: cat2.ID}); !slices.Equal(got, []int64{h1.ID}) {
			t.Fatalf("category after move %v", got)
		}
		if err := f.st.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ids(Query{Viewer: anon}); !slices.Equal(got, []int64{h1.ID}) {
			t.Fatalf("after reindex %v", got)
		}
	})
}

// TestSearchCountMatchesCountSearch: the count SearchCount answers with a
// page (read from the tiers when they were read whole) is CountSearch's.
func TestSearchCountMatchesCountSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for i := range 7 {
			f.article(f.pub.ID, "Proxy setup "+strconv.Itoa(i), "Behind a proxy.", ArticleInput{Promoted: bp(i%3 == 0)})
		}
		f.article(f.int.ID, "Proxy runbook", "Internal proxy.", ArticleInput{})
		for _, lim := range []int{2, 7, 25} {
			for off := 0; off < 9; off += 3 {
				q := Query{Viewer: anon, Text: "proxy", Limit: lim, Offset: off}
				res, n, err := f.st.SearchCount(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				c, _ := f.st.CountSearch(ctx, q)
				if n != 7 || c != 7 || len(res) != max(0, min(lim, 7-off)) {
					t.Fatalf("limit %d offset %d: %d results, count %d, CountSearch %d", lim, off, len(res), n, c)
				}
			}
		}
	})
}

// TestWritesAreAudited: every content write leaves an audit entry with its
// actor, in the write's transaction; publishing is its own action.
func TestWritesAreAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := f.article(f.pub.ID, "Audited", "Body.", ArticleInput{Draft: bp(true)})
		ed := audit.Actor{ID: 7, Role: "agent", IP: "192.0.2.7"}
		if _, err := f.st.UpdateArticle(ctx, ed, a.ID, ArticleInput{Draft: bp(false)}); err != nil {
			t.Fatal(err)
		}
		if err := f.st.DeleteArticle(ctx, ed, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.UpdateCategory(ctx, ed, f.cat.ID, CategoryInput{Name: sp("Renamed")}); err != nil {
			t.Fatal(err)
		}
		entries, err := audit.New(d).List(ctx, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, e := range entries {
			got[e.Action] = e.ActorID
		}
		for action, actor := range map[string]int64{"kb.category_created": 1, "kb.section_created": 1, "kb.article_created": 1,
			"kb.article_published": 7, "kb.article_deleted": 7, "kb.category_updated": 7} {
			if who, ok := got[action]; !ok || who != actor {
				t.Errorf("%s: actor %d (recorded %v), want %d", action, who, ok, actor)
			}
		}
	})
}
