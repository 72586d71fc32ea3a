// Package tags normalises tag lists and stores them the one way every store
// does: " a b " text, so that LIKE '% a %' finds a tag on both engines.
package tags

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/limits"
)

// Normalize lower-cases, trims, de-duplicates and sorts tags; spaces split a
// tag in several; blanks go; control characters become their Control
// Pictures (see limits.Line). The result is never nil.
func Normalize(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		for _, w := range strings.Fields(limits.Line(strings.ToLower(t))) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	sort.Strings(out)
	return out
}

// CheckRaw checks tags as a caller gave them, before Normalize: each must be
// storable text (no NUL, valid UTF-8). Problems go to v under field.
func CheckRaw(v *errs.Validation, field string, in []string) bool {
	for _, t := range in {
		if p := limits.Problem(t); p != "" {
			v.Add(field, p)
			return false
		}
	}
	return true
}

// CheckLimits checks a normalised tag list against the limits: tags not in
// prev must have at most maxChars characters, and the list at most maxCount
// tags unless it did not grow (so that a record stored before a limit was
// lowered can still change). prev is nil for a new record.
func CheckLimits(v *errs.Validation, field string, tags, prev []string, maxChars, maxCount int) bool {
	ok := true
	for _, t := range tags {
		if utf8.RuneCountInString(t) > maxChars && !slices.Contains(prev, t) {
			v.Add(field, fmt.Sprintf("tag %q %s", limits.CutChars(t, 20)+"…", limits.TooLongChars(maxChars)))
			ok = false
			break
		}
	}
	if len(tags) > maxCount && len(tags) > len(prev) {
		v.Add(field, limits.TooMany(maxCount, "tags"))
		ok = false
	}
	return ok
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
