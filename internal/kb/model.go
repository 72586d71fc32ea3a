// Package kb is the knowledge base (Help Center): categories, nestable
// sections and Markdown articles with drafts, review and publish, kept
// revisions, labels, promoted and outdated flags, positions, locales and
// visibility (public, signed-in customers, agents only); ranked full-text
// search; votes; links from tickets; and the deflection events (article
// views, suggestion clicks, requests ended without a ticket, tickets filed)
// from which the deflection rate and the self-service ratio are computed.
// This file is the pure part: types, validation and the rules.
package kb

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/frontline/frontline/internal/errs"
)

// Visibility says who may read an article (and a section or category).
// The values are ordered: a viewer reads everything at or below its level.
type Visibility int

const (
	Public   Visibility = 0 // anyone, signed in or not
	SignedIn Visibility = 1 // signed-in users, customers included
	Internal Visibility = 2 // agents and admins only
)

var visibilityNames = []string{"public", "signed_in", "internal"}

func (v Visibility) String() string {
	if v < 0 || int(v) >= len(visibilityNames) {
		return "internal"
	}
	return visibilityNames[v]
}

// ParseVisibility reads a visibility name.
func ParseVisibility(s string) (Visibility, error) {
	i := slices.Index(visibilityNames, s)
	if i < 0 {
		return 0, errs.Invalid("visibility", fmt.Sprintf("must be one of public, signed_in, internal, not %q", s))
	}
	return Visibility(i), nil
}

// Viewer is who reads the knowledge base, and which brand's Help Center.
type Viewer struct {
	UserID int64 // 0 when anonymous
	Staff  bool  // agents and admins see internal articles and drafts
	// Brand is the brand whose Help Center is read (content belongs to its
	// category's brand); 0 reads every brand's (staff tools). Search always
	// reads one brand's: 0 is the default brand there.
	Brand int64
	// Hidden are the restricted brands whose content does not exist for
	// this viewer (brand.Scope.Hidden): not found, not listed, not found
	// by search or suggestions.
	Hidden []int64
	// Locale reads items in that locale (translations.go): "" reads each
	// in its source locale.
	Locale string
}

// defaultBrand is the brand seeded by the brands migration (brand.DefaultID).
const defaultBrand int64 = 1

// Sees reports whether content of brand b exists for v.
func (v Viewer) Sees(b int64) bool {
	return (v.Brand == 0 || v.Brand == b) && !slices.Contains(v.Hidden, b)
}

// hiddenParam is Hidden as the statements bind it: " 3 7 ", ” for none.
func (v Viewer) hiddenParam() string {
	if len(v.Hidden) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(' ')
	for _, id := range v.Hidden {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(' ')
	}
	return b.String()
}

// searchBrand is the one brand a search of v reads.
func (v Viewer) searchBrand() int64 {
	if v.Brand == 0 {
		return defaultBrand
	}
	return v.Brand
}

// Max is the highest visibility the viewer may read.
func (v Viewer) Max() Visibility {
	switch {
	case v.Staff:
		return Internal
	case v.UserID != 0:
		return SignedIn
	}
	return Public
}

// Status is an article's place in the editorial flow.
type Status string

const (
	Draft     Status = "draft"
	InReview  Status = "review"
	Published Status = "published"
)

// CanMove is the Editorial flow rule: draft → review → published, back to
// draft from either; publishing straight from a draft is allowed for the
// author's own small fixes (Zendesk lets an editor publish a draft).
func CanMove(from, to Status) bool {
	switch to {
	case Draft, InReview, Published:
	default:
		return false
	}
	return from != to || to == Draft
}

// Category is the top of the Help Center tree.
type Category struct {
	ID           int64  `json:"id"`
	URL          string `json:"url"`
	HTMLURL      string `json:"html_url"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	Locale       string `json:"locale"`
	SourceLocale string `json:"source_locale"`
	Position     int    `json:"position"`
	Outdated     bool   `json:"outdated"`
	// BrandID is the brand whose Help Center holds the category, its
	// sections and their articles (Frontline's; Zendesk answers per brand host).
	BrandID   int64     `json:"brand_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Section belongs to a category, and may nest in another section.
type Section struct {
	ID              int64      `json:"id"`
	URL             string     `json:"url"`
	HTMLURL         string     `json:"html_url"`
	CategoryID      int64      `json:"category_id"`
	ParentSectionID *int64     `json:"parent_section_id"`
	Name            string     `json:"name"`
	Description     string     `json:"description"`
	Locale          string     `json:"locale"`
	SourceLocale    string     `json:"source_locale"`
	Position        int        `json:"position"`
	Sorting         string     `json:"sorting"`
	Outdated        bool       `json:"outdated"`
	Visibility      Visibility `json:"-"`
	VisibilityName  string     `json:"visibility"`
	BrandID         int64      `json:"-"` // its category's
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Article is one article in its locale, in Zendesk Guide's shape plus the
// Frontline fields (visibility, status, body_markdown, linked tickets).
type Article struct {
	ID                int64      `json:"id"`
	URL               string     `json:"url"`
	HTMLURL           string     `json:"html_url"`
	Title             string     `json:"title"`
	Body              string     `json:"body"` // sanitised HTML
	BodyMarkdown      string     `json:"body_markdown"`
	Locale            string     `json:"locale"`
	SourceLocale      string     `json:"source_locale"`
	SectionID         int64      `json:"section_id"`
	AuthorID          int64      `json:"author_id"`
	Draft             bool       `json:"draft"`
	Status            Status     `json:"status"`
	Promoted          bool       `json:"promoted"`
	Position          int        `json:"position"`
	LabelNames        []string   `json:"label_names"`
	ContentTagIDs     []string   `json:"content_tag_ids"`
	UserSegmentID     *int64     `json:"user_segment_id"`
	PermissionGroupID int64      `json:"permission_group_id"`
	Outdated          bool       `json:"outdated"`
	VoteSum           int        `json:"vote_sum"`
	VoteCount         int        `json:"vote_count"`
	CommentsDisabled  bool       `json:"comments_disabled"`
	Visibility        Visibility `json:"-"`
	VisibilityName    string     `json:"visibility"`
	LinkedTickets     int        `json:"linked_ticket_count"`
	BrandID           int64      `json:"-"` // its category's (partition.go)
	FlaggedForReview  bool       `json:"flagged_for_review"`
	CreatedAt         time.Time  `json:"created_at"`
	EditedAt          time.Time  `json:"edited_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// ArticleInput is a create or update; nil fields are left as they are.
// Body is HTML (Zendesk's field, sanitised); BodyMarkdown is Markdown
// (rendered and sanitised); give one of them.
type ArticleInput struct {
	Title            *string   `json:"title"`
	Body             *string   `json:"body"`
	BodyMarkdown     *string   `json:"body_markdown"`
	Locale           *string   `json:"locale"`
	SectionID        *int64    `json:"section_id"`
	AuthorID         *int64    `json:"author_id"`
	Draft            *bool     `json:"draft"`
	Status           *Status   `json:"status"`
	Promoted         *bool     `json:"promoted"`
	Position         *int      `json:"position"`
	LabelNames       *[]string `json:"label_names"`
	Outdated         *bool     `json:"outdated"`
	CommentsDisabled *bool     `json:"comments_disabled"`
	Visibility       *string   `json:"visibility"`
}

// CategoryInput is a create or update of a category.
type CategoryInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Locale      *string `json:"locale"`
	Position    *int    `json:"position"`
	// BrandID moves the category (with its sections and articles) to a
	// brand's Help Center; on create, nil is the Help Center it was created
	// from (the web layer fills it) or the default brand.
	BrandID *int64 `json:"brand_id"`
}

// SectionInput is a create or update of a section.
type SectionInput struct {
	Name            *string `json:"name"`
	Description     *string `json:"description"`
	Locale          *string `json:"locale"`
	Position        *int    `json:"position"`
	CategoryID      *int64  `json:"category_id"`
	ParentSectionID *int64  `json:"parent_section_id"`
	Visibility      *string `json:"visibility"`
}

var localeRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]{2,4})?$`)

// NormLocale checks and lower-cases a locale ("en-us"); "" is the default.
func NormLocale(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultLocale, nil
	}
	if !localeRE.MatchString(s) {
		return "", errs.Invalid("locale", fmt.Sprintf("must look like en-us, not %q", s))
	}
	return s, nil
}

// DefaultLocale is the source locale of content created without one.
const DefaultLocale = "en-us"

// NormLabels trims, lower-cases, de-duplicates and checks labels.
func NormLabels(in []string) ([]string, error) {
	out := []string{}
	for _, l := range in {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if len(l) > 64 || strings.ContainsAny(l, ",\n") {
			return nil, errs.Invalid("label_names", fmt.Sprintf("a label is at most 64 characters without commas, not %q", l))
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Review thresholds of the Poor feedback rule.
const (
	ReviewMinVotes      = 4  // votes before the share of down votes counts
	ReviewMaxDownShare  = 50 // percent of down votes at or above which it is flagged
	ReviewLinkedTickets = 10 // tickets linked to it at which it is flagged
)

// NeedsReview is the Poor feedback rule: an article with at least
// ReviewMinVotes votes of which half or more are down, or linked from
// ReviewLinkedTickets tickets or more (customers keep needing help after
// reading it), is flagged for review.
func NeedsReview(voteSum, voteCount, linkedTickets int) bool {
	if linkedTickets >= ReviewLinkedTickets {
		return true
	}
	if voteCount < ReviewMinVotes {
		return false
	}
	down := (voteCount - voteSum) / 2
	return down*100 >= ReviewMaxDownShare*voteCount
}

// Event kinds recorded per session.
const (
	EventView     = "view"     // an article page or API read by a non-agent
	EventClick    = "click"    // a suggestion clicked on the request form
	EventOffered  = "offered"  // suggestions shown on the request form
	EventAnswered = "answered" // "this answered my question": ended without a ticket
	EventTicket   = "ticket"   // a request filed from the session
)

// Event is one recorded deflection event.
type Event struct {
	Session   string
	Kind      string
	ArticleID int64
	UserID    int64
	At        time.Time
}

// DeflectionWindow is how long after viewing an article a session must
// go without filing a ticket to count as deflected.
const DeflectionWindow = 72 * time.Hour

// Deflection are the self-service figures over a set of events.
type Deflection struct {
	ViewSessions       int     `json:"view_sessions"`      // sessions that viewed an article or clicked a suggestion, window closed
	DeflectedSessions  int     `json:"deflected_sessions"` // of those, no ticket within 72 h of the first view
	PendingSessions    int     `json:"pending_sessions"`   // viewed less than 72 h ago, no ticket yet
	Rate               float64 `json:"deflection_rate"`    // deflected / view sessions (0 without any)
	HelpCenterSessions int     `json:"help_center_sessions"`
	TicketUsers        int     `json:"ticket_filers"`      // distinct users (or anonymous sessions) that filed tickets
	SelfServiceRatio   float64 `json:"self_service_ratio"` // help-centre sessions / ticket filers
	Offered            int     `json:"suggestions_offered"`
	Answered           int     `json:"suggestions_answered"`
	SuggestionRate     float64 `json:"suggestion_resolution_rate"` // answered / offered sessions
}

// ComputeDeflection applies the definitions (../reference: event-based
// deflection rate, self-service ratio, suggestion resolution rate) to the
// events as of now. A session counts in the rate once its 72-hour window
// after its first view has closed, or as soon as it files a ticket in it.
func ComputeDeflection(events []Event, now time.Time) Deflection {
	type sess struct {
		firstView time.Time
		tickets   []time.Time
		offered   bool
		answered  bool
		hc        bool
	}
	m := map[string]*sess{}
	filers := map[string]bool{}
	for _, e := range events {
		s := m[e.Session]
		if s == nil {
			s = &sess{}
			m[e.Session] = s
		}
		switch e.Kind {
		case EventView, EventClick:
			s.hc = true
			if s.firstView.IsZero() || e.At.Before(s.firstView) {
				s.firstView = e.At
			}
		case EventTicket:
			s.tickets = append(s.tickets, e.At)
			who := e.Session
			if e.UserID != 0 {
				who = "user:" + strconv.FormatInt(e.UserID, 10)
			}
			filers[who] = true
		case EventOffered:
			s.offered = true
		case EventAnswered:
			s.answered, s.hc = true, true
		}
	}
	var d Deflection
	for _, s := range m {
		if s.hc {
			d.HelpCenterSessions++
		}
		if s.offered || s.answered {
			d.Offered++
			if s.answered {
				d.Answered++
			}
		}
		if s.firstView.IsZero() {
			continue
		}
		end := s.firstView.Add(DeflectionWindow)
		filed := slices.ContainsFunc(s.tickets, func(t time.Time) bool { return !t.Before(s.firstView) && t.Before(end) })
		switch {
		case filed:
			d.ViewSessions++
		case now.Before(end):
			d.PendingSessions++
		default:
			d.ViewSessions++
			d.DeflectedSessions++
		}
	}
	d.TicketUsers = len(filers)
	if d.ViewSessions > 0 {
		d.Rate = float64(d.DeflectedSessions) / float64(d.ViewSessions)
	}
	if d.TicketUsers > 0 {
		d.SelfServiceRatio = float64(d.HelpCenterSessions) / float64(d.TicketUsers)
	}
	if d.Offered > 0 {
		d.SuggestionRate = float64(d.Answered) / float64(d.Offered)
	}
	return d
}

// DraftFromTicket is the start of an article written from a solved ticket:
// the subject as the title, and the conversation's public comments as
// Markdown sections (question, then the answers), for the agent to edit.
func DraftFromTicket(subject string, comments []string) (title, body string) {
	title = strings.TrimSpace(subject)
	var b strings.Builder
	if len(comments) > 0 {
		b.WriteString("## Problem\n\n")
		b.WriteString(strings.TrimSpace(comments[0]))
		b.WriteString("\n\n")
	}
	if len(comments) > 1 {
		b.WriteString("## Solution\n\n")
		for _, c := range comments[1:] {
			b.WriteString(strings.TrimSpace(c))
			b.WriteString("\n\n")
		}
	}
	return title, strings.TrimSpace(b.String()) + "\n"
}

var articleLinkRE = regexp.MustCompile(`/hc(?:/[a-z]{2}(?:-[a-z]{2,4})?)?/articles/([0-9]{1,18})`)

// ArticleLinks are the ids of the Help Center articles text links to.
func ArticleLinks(text string) []int64 {
	var out []int64
	for _, m := range articleLinkRE.FindAllStringSubmatch(text, -1) {
		id, err := strconv.ParseInt(m[1], 10, 64)
		if err == nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Snippet is a search hit's excerpt of text: about words words around the
// first place a query term occurs (a term ending in * matches as a
// prefix), HTML-escaped, with every matched word in <em>, and … where
// text was cut. Terms compare lower-cased. Text without a match gives its
// opening words. It is computed here, on both engines alike, for the page
// of hits only (PostgreSQL's ts_headline re-parses every document at a
// cost the page budget cannot pay).
func Snippet(text string, terms []string, words int) string {
	if words <= 0 {
		return ""
	}
	type span struct{ lo, hi int }
	type term struct {
		text   string
		prefix bool
	}
	ts := make([]term, 0, len(terms))
	for _, t := range terms {
		if p, ok := strings.CutSuffix(t, "*"); ok {
			if p != "" {
				ts = append(ts, term{p, true})
			}
		} else {
			ts = append(ts, term{t, false})
		}
	}
	match := func(w string) bool {
		lw := w
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
				lw = strings.ToLower(w) // only words that need it
				break
			}
		}
		for _, t := range ts {
			if t.prefix && strings.HasPrefix(lw, t.text) || !t.prefix && lw == t.text {
				return true
			}
		}
		return false
	}
	// The first hit's word, reading no further than it (every word when
	// none matches).
	first, n := -1, 0
	eachWord(text, func(lo, hi int) bool {
		if match(text[lo:hi]) {
			first = n
			return false
		}
		n++
		return true
	})
	// The window: words words from a quarter of that before the hit (the
	// opening words without one), moved back where text ends first, and
	// one word more to know whether text was cut. Only the spans that can
	// be in it are kept: the words from words before its start.
	start := 0
	if first >= 0 {
		start = max(0, first-words/4)
	}
	from := max(0, start-words)
	spans := make([]span, 0, start+words+1-from) // spans[i] is word from+i
	n = 0
	eachWord(text, func(lo, hi int) bool {
		if n >= from {
			spans = append(spans, span{lo, hi})
		}
		n++
		return n < start+words+1
	})
	end := min(from+len(spans), start+words)
	start = max(0, end-words)
	if start >= end {
		return ""
	}
	cut := end < from+len(spans)
	spans = spans[start-from : end-from]
	var b strings.Builder
	b.Grow(spans[len(spans)-1].hi - spans[0].lo + 32)
	if start > 0 {
		b.WriteString("… ")
	}
	pos := spans[0].lo
	for _, sp := range spans {
		b.WriteString(html.EscapeString(text[pos:sp.lo]))
		w := text[sp.lo:sp.hi]
		if match(w) {
			b.WriteString("<em>")
			b.WriteString(html.EscapeString(w))
			b.WriteString("</em>")
		} else {
			b.WriteString(html.EscapeString(w))
		}
		pos = sp.hi
	}
	if cut {
		b.WriteString(" …")
	}
	return b.String()
}

// eachWord calls fn with the byte bounds of each word of text (a run of
// letters and digits) in order, while fn returns true.
func eachWord(text string, fn func(lo, hi int) bool) {
	lo := -1
	for i, r := range text {
		var word bool
		if r < 0x80 {
			word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		switch {
		case word && lo < 0:
			lo = i
		case !word && lo >= 0:
			if !fn(lo, i) {
				return
			}
			lo = -1
		}
	}
	if lo >= 0 {
		fn(lo, len(text))
	}
}

// DeflectionIn is ComputeDeflection for the sessions whose first article
// view (or suggestion click) among events fell in [from, to): the period
// a KPI reports. Events should reach DeflectionWindow past to, so that the
// windows of the period's last sessions can close.
func DeflectionIn(events []Event, now, from, to time.Time) Deflection {
	first := map[string]time.Time{}
	for _, e := range events {
		if e.Kind != EventView && e.Kind != EventClick {
			continue
		}
		if f, ok := first[e.Session]; !ok || e.At.Before(f) {
			first[e.Session] = e.At
		}
	}
	var kept []Event
	for _, e := range events {
		if f, ok := first[e.Session]; ok && !f.Before(from) && f.Before(to) {
			kept = append(kept, e)
		}
	}
	return ComputeDeflection(kept, now)
}
