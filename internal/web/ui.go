package web

// Shared parts of the server-rendered UI: the extension points other
// modules plug into (views, macros, SLA badges), template helpers,
// pagination and the lookups every page needs.

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/ticket"
)

// --- extension points ----------------------------------------------------------

// TicketView is one entry of the agent sidebar.
type TicketView struct {
	Key   string // unique in the sidebar; used in ?view=
	Title string
}

// ViewQuery is the sort and page of a view listing.
type ViewQuery struct {
	SortBy string // updated_at, created_at, priority, status, id (ticket.SortKeys)
	Desc   bool
	Offset int
	Limit  int
}

// ViewSource supplies saved ticket views to the agent sidebar. The built-in
// views are always listed first; Deps.Views adds more (the rules module's
// saved views once it lands). Keys must not collide with the built-in ones
// ("mine", "unsolved", "new", "pending", "solved", "all"); a view titled
// like a built-in one (the default Zendesk views) is not listed twice.
type ViewSource interface {
	TicketViews(ctx context.Context, viewerID int64) ([]TicketView, error)
	ViewCount(ctx context.Context, viewerID int64, key string) (int, error)
	ViewTickets(ctx context.Context, viewerID int64, key string, q ViewQuery) ([]ticket.Ticket, error)
}

// MacroSource lists the macros an agent can apply from the ticket page.
// The UI checks Active and rules.MacroAvailable itself and previews with
// rules.ApplyMacro, so any store of rules.Macro values fits (see MacrosFunc).
type MacroSource interface {
	ListMacros(ctx context.Context) ([]rules.Macro, error)
}

// MacrosFunc adapts a function to MacroSource.
type MacrosFunc func(ctx context.Context) ([]rules.Macro, error)

// ListMacros calls f.
func (f MacrosFunc) ListMacros(ctx context.Context) ([]rules.Macro, error) { return f(ctx) }

// SLABadge is one running or breached SLA target of a ticket.
type SLABadge struct {
	Metric   string    // e.g. "first reply", "next reply", "resolution"
	DueAt    time.Time // when the target breaches (or breached)
	Paused   bool      // the clock is stopped (pending/on hold)
	Breached bool
}

// SLASource supplies SLA badges for tickets (the SLA module, once it
// lands). Without one no badge is shown.
type SLASource interface {
	SLABadges(ctx context.Context, ticketIDs []int64) (map[int64][]SLABadge, error)
}

// --- built-in views ------------------------------------------------------------

type builtinView struct {
	TicketView
	filter func(viewerID int64) ticket.Filter
	// conds is the same view as rules conditions, so that it can run as a
	// rules view when sorted by SLA due time.
	conds rules.Conditions
}

var unsolved = []string{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending, ticket.StatusHold}

func cond(field, op string, value any) rules.Condition {
	return rules.Condition{Field: field, Operator: op, Value: value}
}

func builtinViews() []builtinView {
	open := cond("status", "less_than", "solved")
	// A rules view needs a condition under "all" (the SLA sort runs the
	// built-in view as a rules view), so "any status" is status <= closed.
	anyStatus := cond("status", "less_than_equal", ticket.StatusClosed)
	return []builtinView{
		{TicketView{"mine", "Your unsolved tickets"}, func(id int64) ticket.Filter {
			return ticket.Filter{AssigneeID: id, Statuses: unsolved}
		}, rules.Conditions{All: []rules.Condition{cond("assignee_id", "is", "current_user"), open}}},
		{TicketView{"unsolved", "All unsolved tickets"}, func(int64) ticket.Filter { return ticket.Filter{Statuses: unsolved} },
			rules.Conditions{All: []rules.Condition{open}}},
		{TicketView{"new", "New tickets"}, func(int64) ticket.Filter { return ticket.Filter{Statuses: []string{ticket.StatusNew}} },
			rules.Conditions{All: []rules.Condition{cond("status", "is", "new")}}},
		{TicketView{"pending", "Pending tickets"}, func(int64) ticket.Filter {
			return ticket.Filter{Statuses: []string{ticket.StatusPending, ticket.StatusHold}}
		}, rules.Conditions{All: []rules.Condition{cond("status", "greater_than", "open"), cond("status", "less_than", "solved")}}},
		{TicketView{"solved", "Recently solved tickets"}, func(int64) ticket.Filter {
			return ticket.Filter{Statuses: []string{ticket.StatusSolved, ticket.StatusClosed}}
		}, rules.Conditions{All: []rules.Condition{cond("status", "greater_than", "hold")}}},
		{TicketView{"all", "All tickets"}, func(int64) ticket.Filter { return ticket.Filter{} }, rules.Conditions{All: []rules.Condition{anyStatus}}},
	}
}

// --- template helpers ----------------------------------------------------------

func (s *Server) uiFuncs() template.FuncMap {
	return template.FuncMap{
		"deref": func(p any) any {
			switch v := p.(type) {
			case *string:
				if v == nil {
					return ""
				}
				return *v
			case *int64:
				if v == nil {
					return int64(0)
				}
				return *v
			}
			return p
		},
		"ago":     func(t time.Time) string { return humanDuration(s.now().Sub(t)) + " ago" },
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"slaLeft": func(b SLABadge) string { return slaText(b, s.now()) },
		"minutes": minutesText,
		"derefInt": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"metricName": func(m string) string { return strings.ReplaceAll(m, "_", " ") },
		"slaClass":   func(b SLABadge) string { return slaClass(b, s.now()) },
		"eventValue": func(v any) string {
			return eventValue(v)
		},
		"join": strings.Join,
		"derefInt64": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		// jsonText shows a JSON value compactly (strings without quotes).
		"jsonText": func(v any) string {
			if v == nil {
				return "—"
			}
			if s, ok := v.(string); ok {
				return s
			}
			b, _ := json.Marshal(v)
			return string(b)
		},
		"previewable": previewable, // thumbnail.go
		"sizeOf": func(n int64) string {
			switch {
			case n >= 1<<20:
				return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
			case n >= 1<<10:
				return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
			}
			return fmt.Sprintf("%d bytes", n)
		},
		// safeComment marks a comment's HTML body as safe: the ticket store
		// sanitises every html_body (markup.Renderer's allow-list) before
		// it is written, and the UI renders Markdown through the same one.
		"safeComment": func(c ticket.Comment) template.HTML { return template.HTML(c.HTMLBody) }, // #nosec G203 -- sanitised by markup
	}
}

func (s *Server) now() time.Time {
	if s.DB != nil && s.DB.Clock != nil {
		return s.DB.Clock.Now().UTC()
	}
	return time.Now().UTC()
}

func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		m := int(d.Minutes()) - h*60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	}
	return fmt.Sprintf("%dd", int(math.Round(d.Hours()/24)))
}

func slaText(b SLABadge, now time.Time) string {
	left := b.DueAt.Sub(now)
	switch {
	case b.Breached || left < 0:
		return b.Metric + " breached " + humanDuration(left) + " ago"
	case b.Paused:
		return b.Metric + " paused, " + humanDuration(left) + " left"
	}
	return b.Metric + " due in " + humanDuration(left)
}

func slaClass(b SLABadge, now time.Time) string {
	left := b.DueAt.Sub(now)
	switch {
	case b.Breached || left < 0:
		return "sla breached"
	case b.Paused:
		return "sla paused"
	case left < time.Hour:
		return "sla soon"
	}
	return "sla ok"
}

func eventValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, eventValue(p))
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, ", ")
	case []string:
		if len(x) == 0 {
			return "—"
		}
		return strings.Join(x, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// --- pagination ----------------------------------------------------------------

const uiPerPage = 25

// Pager is the pagination state of a listing page.
type Pager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs, empty at the ends
}

// pageOf reads ?page= (1-based); bad values are a 400.
func pageOf(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, errs.BadRequest("page must be a positive number")
	}
	return n, nil
}

func newPager(r *http.Request, page, total int) Pager {
	p := Pager{Page: page, Total: total, Pages: max(1, (total+uiPerPage-1)/uiPerPage)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// --- lookups -------------------------------------------------------------------

// names maps user ids to users, for showing authors and assignees.
type names map[int64]people.User

func (n names) Name(id int64) string {
	if u, ok := n[id]; ok {
		return u.Name
	}
	if id == 0 {
		return "Frontline"
	}
	return "user " + strconv.FormatInt(id, 10)
}

func (n names) NameP(id *int64) string {
	if id == nil {
		return ""
	}
	return n.Name(*id)
}

func (n names) IsStaff(id int64) bool {
	u, ok := n[id]
	return ok && u.IsStaff()
}

func (s *Server) userNames(ctx context.Context, ids []int64) (names, error) {
	out := names{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return out, nil
	}
	us, err := s.People.GetUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

func ticketActor(p *auth.Principal) ticket.Actor {
	return ticket.Actor{UserID: p.UserID, Role: p.Role}
}

// formID parses an optional id form field: "" is nil, "0" clears.
func formID(r *http.Request, field string) (*int64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return nil, errs.Invalid(field, "is not a valid id")
	}
	return &id, nil
}

// showProblem shows a problem the user can fix (a bad value, a conflict)
// by rendering the page again with its status and text; any other error is
// returned as it is.
func showProblem(err error, render func(status int, msg string) error) error {
	msg, status, ok := problemText(err)
	if !ok {
		return err
	}
	return render(status, msg)
}

// problemText turns a domain error into the sentence shown above a form;
// other errors are returned for the error page.
func problemText(err error) (string, int, bool) {
	switch errs.KindOf(err) {
	case errs.KindInvalid, errs.KindConflict, errs.KindTooLarge, errs.KindBadRequest:
	default:
		return "", 0, false
	}
	status, body := errorBody(err)
	if body.Error != "RecordInvalid" {
		if body.Description != "" {
			return body.Description, status, true
		}
		return err.Error(), status, true
	}
	var parts []string
	for _, ds := range body.Details {
		for _, d := range ds {
			parts = append(parts, d.Description)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "; "), status, true
}

// flashCookie carries the one-line message shown on the page a form post
// redirects to. It is a cookie rather than a query parameter so that a
// crafted link cannot show a message of its author's choosing.
const flashCookie = "frontline_flash"

// seeOther redirects after a successful form post, with a flash message for
// the next page.
func seeOther(w http.ResponseWriter, r *http.Request, path, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", MaxAge: 60,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// flashOf returns (and clears) the flash message set by seeOther.
func flashOf(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	f, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	if len(f) > 200 {
		f = f[:200]
	}
	return f
}

// uiState is the UI's per-server state.
type uiState struct {
	live         *liveHub
	liveInterval time.Duration // how often the live stream polls; 2s when zero
	closing      chan struct{} // closed by CloseStreams
	closeOnce    sync.Once
}

// CloseStreams ends every open live-update stream, so that a graceful
// shutdown does not wait for them (register it with
// http.Server.RegisterOnShutdown). Browsers reconnect to another node.
func (s *Server) CloseStreams() { s.ui.closeOnce.Do(func() { close(s.ui.closing) }) }

// registerUI sets up the UI's state and registers its routes (called from
// registerRoutes). Optional stores are built from the database when the
// wiring did not supply them.
func (s *Server) registerUI() {
	s.ui.live = newLiveHub()
	s.ui.closing = make(chan struct{})
	if s.Audit == nil && s.DB != nil {
		s.Audit = audit.New(s.DB)
	}
	if s.Satisfaction == nil && s.DB != nil {
		s.Satisfaction = satisfaction.NewStore(s.DB, s.Audit)
	}
	s.registerAdminUI()
	s.registerAdminRulesUI()
	s.registerAdminSLAUI()
	s.registerAdminEmail()
	s.registerAdminBackups()
	s.registerAdminChanges()
	if s.Tickets == nil {
		return // a server without tickets (some tests) has no help desk pages
	}
	s.registerAgentUI()
	s.registerLiveUI()
	s.registerPortalUI()
	s.registerSatisfactionAPI()
	s.registerSearchUI()
}
