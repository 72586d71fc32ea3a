package kb

import "testing"

// TestAnonymousStatements: only an anonymous reader's search without a
// locale or filter, whose scope query is the level-0 source token alone
// (the row condition the Anonymous statements stand for, migration 00158),
// reads them; and only the statements that have a variant are renamed.
func TestAnonymousStatements(t *testing.T) {
	anon := Viewer{Brand: 1}
	for _, c := range []struct {
		name string
		q    Query
		want bool
	}{
		{"anonymous, no filter", Query{Viewer: anon, Text: "backup"}, true},
		{"signed-in customer", Query{Viewer: Viewer{UserID: 7, Brand: 1}, Text: "backup"}, false},
		{"agent", Query{Viewer: Viewer{UserID: 8, Staff: true, Brand: 1}, Text: "backup"}, false},
		{"locale", Query{Viewer: anon, Text: "backup", Locale: "de"}, false},
		{"section", Query{Viewer: anon, Text: "backup", SectionID: 3}, false},
		{"category", Query{Viewer: anon, Text: "backup", CategoryID: 2}, false},
		{"label", Query{Viewer: anon, Text: "backup", Label: "sso"}, false},
		{"blank label", Query{Viewer: anon, Text: "backup", Label: "  "}, true},
	} {
		if got := anonymousScope(c.q); got != c.want {
			t.Errorf("%s: anonymousScope = %v, want %v", c.name, got, c.want)
		}
		// The scope query of an anonymous scope is its reader token alone.
		if c.want && readerToken(c.q) != "zzr0b1s" {
			t.Errorf("%s: reader token %q", c.name, readerToken(c.q))
		}
	}
	for name, want := range map[string]string{
		"SearchHead": "SearchHeadAnonymous", "SearchAll": "SearchAllAnonymous", "SearchHeadHits": "SearchHeadHitsAnonymous",
		"SearchHits": "SearchHitsAnonymous", "CountSearch": "CountSearchAnonymous",
		"SearchHeadPromoted": "SearchHeadPromoted", "SearchAllPromoted": "SearchAllPromoted",
	} {
		if got := searchStmt(name, true); got != want {
			t.Errorf("searchStmt(%s, anonymous) = %s, want %s", name, got, want)
		}
		if got := searchStmt(name, false); got != name {
			t.Errorf("searchStmt(%s) = %s, want it unchanged", name, got)
		}
	}
}
