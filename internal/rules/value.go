package rules

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxHours bounds hour values (100 years) so durations never overflow.
const maxHours = 876000

// scalar renders a JSON scalar as a string: integral numbers without
// fraction or exponent, booleans as true/false, null as "". ok is false for
// lists and objects.
func scalar(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", true
	case string:
		return t, true
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return strconv.FormatInt(n, 10), true
		}
		if f, err := t.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), true
		}
		return t.String(), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return strconv.FormatInt(int64(t), 10), true
		}
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case float32:
		return scalar(float64(t))
	case int:
		return strconv.Itoa(t), true
	case int32:
		return strconv.FormatInt(int64(t), 10), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case uint:
		return strconv.FormatUint(uint64(t), 10), true
	case uint64:
		return strconv.FormatUint(t, 10), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// list returns the elements of a JSON list value as scalars.
func list(v any) ([]string, bool) {
	switch t := v.(type) {
	case []string:
		return t, true
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := scalar(x)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// tagList reads a space-separated tag string or a list of them, lowercased
// and de-duplicated in order.
func tagList(v any) ([]string, bool) {
	var parts []string
	if s, ok := scalar(v); ok {
		parts = []string{s}
	} else if l, ok := list(v); ok {
		parts = l
	} else {
		return nil, false
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		for _, tag := range strings.Fields(strings.ToLower(p)) {
			if !seen[tag] {
				seen[tag] = true
				out = append(out, tag)
			}
		}
	}
	return out, true
}

// parseID reads an ID value: "" or 0 is none, "current_user" when allowed.
func parseID(v any, allowCurrentUser bool) (id int64, currentUser bool, problem string) {
	s, ok := scalar(v)
	s = strings.TrimSpace(s)
	if !ok {
		return 0, false, "must be an ID"
	}
	if s == "" {
		return 0, false, ""
	}
	if s == "current_user" {
		if !allowCurrentUser {
			return 0, false, `"current_user" is not available here`
		}
		return 0, true, ""
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false, quote(s) + " is not a valid ID"
	}
	return n, false, ""
}

// idString formats an ID the way fieldString does: "" for none.
func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// idOf parses an idString; unparsable values yield -1 (matching no ID).
func idOf(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// parseHours reads a non-negative, possibly fractional number of hours.
func parseHours(v any) (time.Duration, string) {
	s, ok := scalar(v)
	s = strings.TrimSpace(s)
	if ok && s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err == nil && !math.IsNaN(h) && h >= 0 && h <= maxHours {
			return time.Duration(math.Round(h * float64(time.Hour))), ""
		}
	}
	return 0, "hours must be a number between 0 and 876000, got " + quoteAny(v)
}

// parseBool reads true/false from a boolean or a string.
func parseBool(v any) (bool, bool) {
	s, ok := scalar(v)
	if !ok {
		return false, false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return b, err == nil
}

// number parses a custom field value as a number for ordering operators.
func number(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func quote(s string) string { return strconv.Quote(s) }

func quoteAny(v any) string {
	if s, ok := scalar(v); ok {
		return quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "a non-scalar value"
	}
	if len(b) > 60 {
		b = append(b[:57], "..."...)
	}
	return string(b)
}

// words splits text into lowercase words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// phrases parses a comment_includes_word value: space-separated words, or
// "quoted phrases", each as a word sequence.
func phrases(s string) [][]string {
	var out [][]string
	for len(s) > 0 {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			break
		}
		var item string
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				item, s = s[1:], ""
			} else {
				item, s = s[1:end+1], s[end+2:]
			}
		} else {
			end := strings.IndexFunc(s, unicode.IsSpace)
			if end < 0 {
				item, s = s, ""
			} else {
				item, s = s[:end], s[end:]
			}
		}
		if w := words(item); len(w) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// containsPhrase reports whether the word sequence p occurs in text.
func containsPhrase(text, p []string) bool {
	for i := 0; i+len(p) <= len(text); i++ {
		match := true
		for j := range p {
			if text[i+j] != p[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// channel normalizes a via channel: Frontline names, Zendesk via names and
// the numeric via_id values in common use.
func channel(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "0", "web", "web_form":
		return "web", true
	case "4", "email", "mail":
		return "email", true
	case "5", "api", "web_service":
		return "api", true
	case "29", "chat":
		return "chat", true
	case "30", "twitter":
		return "twitter", true
	case "33", "34", "35", "voice", "phone":
		return "voice", true
	case "38", "41", "facebook":
		return "facebook", true
	case "rule":
		return "rule", true
	case "mobile", "sms", "whatsapp":
		return s, true
	}
	return "", false
}

func rank(values []string, v string) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return -1
}
