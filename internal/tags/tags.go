// Package tags normalises tag lists and stores them the one way every store
// does: " a b " text, so that LIKE '% a %' finds a tag on both engines.
package tags

import (
	"sort"
	"strings"
)

// Normalize lower-cases, trims, de-duplicates and sorts tags; spaces split a
// tag in several; blanks go. The result is never nil.
func Normalize(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		for _, w := range strings.Fields(strings.ToLower(t)) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Encode stores tags (normalised) as " a b "; no tags is "".
func Encode(in []string) string {
	t := Normalize(in)
	if len(t) == 0 {
		return ""
	}
	return " " + strings.Join(t, " ") + " "
}

// Decode reads a stored tag list; never nil.
func Decode(s string) []string {
	f := strings.Fields(s)
	if f == nil {
		return []string{}
	}
	return f
}
