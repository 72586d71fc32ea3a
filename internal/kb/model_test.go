package kb

import (
	"testing"
	"time"

	"github.com/frontline/frontline/internal/clock"
)

func TestViewerMaxVisibility(t *testing.T) {
	if (Viewer{}).Max() != Public || (Viewer{UserID: 3}).Max() != SignedIn || (Viewer{UserID: 3, Staff: true}).Max() != Internal {
		t.Fatal("viewer levels")
	}
	if v, err := ParseVisibility("internal"); err != nil || v != Internal {
		t.Fatal(v, err)
	}
	if _, err := ParseVisibility("secret"); err == nil {
		t.Fatal("bad visibility accepted")
	}
}

func TestNeedsReview(t *testing.T) {
	cases := []struct {
		sum, count, linked int
		want               bool
	}{
		{0, 0, 0, false},
		{-3, 3, 0, false}, // too few votes
		{0, 4, 0, true},   // 2 up, 2 down: half down
		{2, 4, 0, false},  // 3 up, 1 down
		{-4, 4, 0, true},
		{10, 10, 9, false},
		{10, 10, 10, true}, // linked from many tickets
	}
	for _, c := range cases {
		if got := NeedsReview(c.sum, c.count, c.linked); got != c.want {
			t.Errorf("NeedsReview(%d, %d, %d) = %v", c.sum, c.count, c.linked, got)
		}
	}
}

func TestNormLabelsAndLocale(t *testing.T) {
	l, err := NormLabels([]string{" Backup", "backup", "", "sso"})
	if err != nil || len(l) != 2 || l[0] != "backup" || l[1] != "sso" {
		t.Fatal(l, err)
	}
	if _, err := NormLabels([]string{"a,b"}); err == nil {
		t.Fatal("comma label accepted")
	}
	if loc, _ := NormLocale(""); loc != DefaultLocale {
		t.Fatal(loc)
	}
	if _, err := NormLocale("english!"); err == nil {
		t.Fatal("bad locale accepted")
	}
}

// TestDeflectionRateWithClock: the 72-hour window is measured with an
// injected clock; sessions still inside it are pending, not deflected.
func TestDeflectionRateWithClock(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	t0 := clk.Now()
	ev := []Event{
		{Session: "a", Kind: EventView, ArticleID: 1, At: t0},                     // no ticket: deflected
		{Session: "b", Kind: EventView, ArticleID: 1, At: t0},                     // ticket after 10 h: not
		{Session: "b", Kind: EventTicket, UserID: 7, At: t0.Add(10 * time.Hour)},  //
		{Session: "c", Kind: EventClick, ArticleID: 2, At: t0},                    // ticket after 80 h: deflected
		{Session: "c", Kind: EventTicket, UserID: 8, At: t0.Add(80 * time.Hour)},  //
		{Session: "d", Kind: EventTicket, UserID: 8, At: t0},                      // no view: not in the rate
		{Session: "e", Kind: EventOffered, At: t0},                                // offered, answered
		{Session: "e", Kind: EventAnswered, At: t0},                               //
		{Session: "f", Kind: EventOffered, At: t0},                                // offered, filed
		{Session: "g", Kind: EventView, ArticleID: 1, At: t0.Add(48 * time.Hour)}, // pending at +72 h
	}
	clk.Advance(72 * time.Hour)
	d := ComputeDeflection(ev, clk.Now())
	if d.ViewSessions != 3 || d.DeflectedSessions != 2 || d.PendingSessions != 1 {
		t.Fatalf("sessions: %+v", d)
	}
	if d.Rate < 0.666 || d.Rate > 0.667 {
		t.Fatalf("rate %v", d.Rate)
	}
	if d.TicketUsers != 2 || d.HelpCenterSessions != 5 || d.SelfServiceRatio != 2.5 {
		t.Fatalf("self-service: %+v", d)
	}
	if d.Offered != 2 || d.Answered != 1 || d.SuggestionRate != 0.5 {
		t.Fatalf("suggestions: %+v", d)
	}
	// Two days later g's window has closed without a ticket: deflected.
	clk.Advance(48 * time.Hour)
	d = ComputeDeflection(ev, clk.Now())
	if d.ViewSessions != 4 || d.DeflectedSessions != 3 || d.PendingSessions != 0 {
		t.Fatalf("after the window: %+v", d)
	}
	if (ComputeDeflection(nil, clk.Now()) != Deflection{}) {
		t.Fatal("empty events")
	}
}

func TestDraftFromTicket(t *testing.T) {
	title, body := DraftFromTicket(" Backup fails ", []string{"pg_dump exits 1", "Raise max_locks_per_transaction."})
	if title != "Backup fails" || body != "## Problem\n\npg_dump exits 1\n\n## Solution\n\nRaise max_locks_per_transaction.\n" {
		t.Fatalf("%q %q", title, body)
	}
}

func TestEditorialFlow(t *testing.T) {
	if !CanMove(Draft, InReview) || !CanMove(InReview, Published) || CanMove(Published, Published) || CanMove(Draft, "gone") {
		t.Fatal("flow")
	}
}

// TestSnippet: the window starts a little before the first hit, marks
// every matched word (prefix terms too), escapes the text between them
// and marks cuts.
func TestSnippet(t *testing.T) {
	cases := []struct {
		text  string
		terms []string
		words int
		want  string
	}{
		{"Before an upgrade check free disk & space.", []string{"upgrade"}, 16, "Before an <em>upgrade</em> check free disk &amp; space"},
		{"one two three four five six seven eight nine ten", []string{"eight"}, 4, "… seven <em>eight</em> nine ten"},
		{"one two three four five six seven eight nine ten", []string{"thr*"}, 4, "… two <em>three</em> four five …"},
		{"<b>Upgrade</b> then UPGRADES", []string{"upgrade*"}, 8, "b&gt;<em>Upgrade</em>&lt;/b&gt; then <em>UPGRADES</em>"},
		{"no hit here at all", []string{"zzz"}, 3, "no hit here …"},
		{"", []string{"a"}, 3, ""},
	}
	for _, c := range cases {
		if got := Snippet(c.text, c.terms, c.words); got != c.want {
			t.Errorf("Snippet(%q, %v) = %q, want %q", c.text, c.terms, got, c.want)
		}
	}
}

// TestDeflectionIn: only sessions whose first view falls in the period
// count; a ticket after the period's end but inside the window still
// undoes a deflection; a window still open is pending.
func TestDeflectionIn(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	ev := []Event{
		{Session: "before", Kind: EventView, At: from.Add(-time.Hour)},
		{Session: "deflected", Kind: EventView, At: from.Add(24 * time.Hour)},
		{Session: "filed-late", Kind: EventView, At: to.Add(-time.Hour)},
		{Session: "filed-late", Kind: EventTicket, At: to.Add(10 * time.Hour)},
		{Session: "pending", Kind: EventClick, At: to.Add(-2 * time.Hour)},
		{Session: "after", Kind: EventView, At: to.Add(time.Hour)},
	}
	d := DeflectionIn(ev, to.Add(24*time.Hour), from, to)
	if d.ViewSessions != 2 || d.DeflectedSessions != 1 || d.PendingSessions != 1 || d.Rate != 0.5 {
		t.Fatalf("%+v", d)
	}
}
