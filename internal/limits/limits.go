// Package limits holds the size limits of what Frontline stores and the
// text rules that every domain package applies to what people and programs
// send, whatever the path (API, portal, agent workspace, email, rules):
//
//   - text must be valid UTF-8 without NUL characters (PostgreSQL cannot
//     store either; SQLite would, so both engines refuse them alike);
//   - other control characters (U+0001–U+001F except tab, newline and
//     carriage return, and U+007F) are stored as their visible Unicode
//     Control Pictures (U+2401–U+241F, U+2421), so pasted terminal output
//     stays readable ("␛[31m") and nothing invisible reaches agents' screens
//     or outbound mail; single-line fields (subjects, names, tags, titles)
//     also turn tabs and line breaks (including U+2028 and U+2029) into
//     spaces;
//   - each field has a size limit: a few are settings (Limits), the rest are
//     the constants below.
//
// It is pure: no I/O, no state.
package limits

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/errs"
)

// Limits are the configurable limits (flags --max-comment-bytes,
// --max-subject, --max-tag-length, --max-tags). A zero field means its
// default.
type Limits struct {
	// CommentBytes bounds a comment's body and html_body as given, and its
	// plain text (the ticket's description). Default 65536, Zendesk's limit
	// (about 64 KB per comment).
	CommentBytes int
	// SubjectChars bounds a ticket subject in characters. Default 255, the
	// limit Frontline's ticket validation always had (one line in a list).
	SubjectChars int
	// TagChars bounds one tag in characters. Default 80: tags are single
	// words used in rules and views; the longest in Zendesk's and GitLab's
	// published tag lists are under 40.
	TagChars int
	// Tags bounds the tags of one ticket, user or organization (and the
	// domain names of an organization). Default 100.
	Tags int
}

// Defaults of the configurable limits.
const (
	DefaultCommentBytes = 65536
	DefaultSubjectChars = 255
	DefaultTagChars     = 80
	DefaultTags         = 100
)

// Fixed limits.
const (
	// NameChars bounds single-line text: names, titles, emails, external
	// ids, phone numbers, job titles, recipients.
	NameChars = 255
	// LongTextBytes bounds multi-line descriptive text that is not a
	// comment: user and organization details and notes, group and policy
	// descriptions, satisfaction comments.
	LongTextBytes = 65536
	// CustomFieldsBytes bounds a ticket's custom field values together, as
	// JSON.
	CustomFieldsBytes = 65536
	// ViaBytes bounds a ticket's or comment's via (channel and source) as
	// JSON.
	ViaBytes = 4096
	// Collaborators bounds the CCs of one ticket (Zendesk allows 48).
	Collaborators = 100
	// QueryBytes bounds a search query (as zquery.MaxQueryLen does for
	// ticket search).
	QueryBytes = 4096
	// HTMLFactor bounds a comment's stored HTML: at most HTMLFactor times
	// CommentBytes plus 4096 (what markup.MaxMarkdownBytes allows).
	HTMLFactor = 16
)

// Default returns the default limits.
func Default() Limits {
	return Limits{CommentBytes: DefaultCommentBytes, SubjectChars: DefaultSubjectChars, TagChars: DefaultTagChars, Tags: DefaultTags}
}

// OrDefault fills the zero fields of l with the defaults.
func (l Limits) OrDefault() Limits {
	d := Default()
	if l.CommentBytes <= 0 {
		l.CommentBytes = d.CommentBytes
	}
	if l.SubjectChars <= 0 {
		l.SubjectChars = d.SubjectChars
	}
	if l.TagChars <= 0 {
		l.TagChars = d.TagChars
	}
	if l.Tags <= 0 {
		l.Tags = d.Tags
	}
	return l
}

// MaxHTMLBytes bounds a comment's stored HTML.
func (l Limits) MaxHTMLBytes() int { return HTMLFactor*l.OrDefault().CommentBytes + 4096 }

// Problem returns why s cannot be stored as text ("" when it can): it
// contains a NUL character or is not valid UTF-8.
func Problem(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain NUL characters (U+0000)"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8 text"
	}
	return ""
}

// isControl reports the control characters that are stored as pictures.
func isControl(r rune) bool { return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f }

func picture(r rune) rune {
	if r == 0x7f {
		return '\u2421'
	}
	return 0x2400 + r
}

// Text normalises multi-line text: control characters other than tab,
// newline and carriage return become their Control Pictures.
func Text(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return picture(r)
		}
		return r
	}, s)
}

// isBreak reports tabs and line breaks: ASCII ones, NEL and the Unicode
// line and paragraph separators.
func isBreak(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// Line normalises single-line text: tabs and line breaks (including NEL,
// U+2028 and U+2029) become spaces, other control characters their
// Control Pictures.
func Line(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || isBreak(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isBreak(r):
			return ' '
		case isControl(r):
			return picture(r)
		}
		return r
	}, s)
}

// CheckLine validates single-line text in *s (NUL, UTF-8, at most maxChars
// characters after normalising) and normalises it in place; problems are
// added to v under field.
func CheckLine(v *errs.Validation, field string, s *string, maxChars int) bool {
	if p := Problem(*s); p != "" {
		v.Add(field, p)
		return false
	}
	*s = Line(*s)
	if n := utf8.RuneCountInString(*s); n > maxChars {
		v.Add(field, TooLongChars(maxChars))
		return false
	}
	return true
}

// CheckText validates multi-line text in *s (NUL, UTF-8, at most maxBytes
// bytes after normalising) and normalises it in place.
func CheckText(v *errs.Validation, field string, s *string, maxBytes int) bool {
	if p := Problem(*s); p != "" {
		v.Add(field, p)
		return false
	}
	*s = Text(*s)
	if len(*s) > maxBytes {
		v.Add(field, TooLongBytes(maxBytes))
		return false
	}
	return true
}

// TooLongChars is the problem of text over a limit in characters.
func TooLongChars(max int) string {
	return fmt.Sprintf("is too long (maximum is %d characters)", max)
}

// TooLongBytes is the problem of text over a limit in bytes.
func TooLongBytes(max int) string {
	return fmt.Sprintf("is too long (maximum is %d bytes)", max)
}

// TooMany is the problem of a list over a limit.
func TooMany(max int, what string) string {
	return fmt.Sprintf("has too many %s (maximum is %d)", what, max)
}

// Cut shortens s to at most maxBytes bytes on a character boundary.
func Cut(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	i := maxBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// CutChars shortens s to at most maxChars characters.
func CutChars(s string, maxChars int) string {
	if utf8.RuneCountInString(s) <= maxChars {
		return s
	}
	return string([]rune(s)[:maxChars])
}
