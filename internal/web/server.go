// Package web is Frontline's HTTP layer: the Zendesk-compatible REST API
// under /api/v2, the server-rendered UI, health and metrics endpoints.
// Every route is registered with an access policy; errors become HTTP
// responses in errors.go only.
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/backup"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/changecontrol"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/kpi"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Policy says who may call a route. Every route has one.
type Policy int

const (
	Public        Policy = iota + 1 // anyone, signed in or not
	Authenticated                   // any signed-in user, customers included
	Staff                           // agents and admins
	Admin                           // admins only
)

func (p Policy) String() string {
	return [...]string{"", "public", "authenticated", "staff", "admin"}[p]
}

// allows reports whether principal p (nil when anonymous) passes policy.
func (p Policy) allows(pr *auth.Principal) error {
	switch p {
	case Public:
		return nil
	case Authenticated:
		if pr == nil {
			return errs.Unauthorized("sign in required")
		}
		return nil
	case Staff:
		if pr == nil {
			return errs.Unauthorized("sign in required")
		}
		if !pr.IsStaff() {
			return errs.Forbidden("agents only")
		}
		return nil
	case Admin:
		if pr == nil {
			return errs.Unauthorized("sign in required")
		}
		if !pr.IsAdmin() {
			return errs.Forbidden("admins only")
		}
		return nil
	}
	return errs.Forbidden("route has no access policy")
}

// Route describes one registered route (exposed for the policy test).
type Route struct {
	Pattern string
	Policy  Policy
	API     bool
	// Permission is what an agent's role must grant (permissions.go); on an
	// admin route it opens the route to agents who hold it.
	Permission access.Permission
}

// Deps are what the HTTP layer needs from the app.
type Deps struct {
	DB      *db.DB
	Auth    *auth.Service
	People  *people.Store
	Tickets *ticket.Store
	Search  *search.Service
	Log     *slog.Logger
	Version string
	// BaseURL is the public URL used in API links (next_page, url); the
	// request's host when empty.
	BaseURL string
	// TrustedProxies are the peers whose X-Forwarded-Proto, -Host and -For
	// headers are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// SecureCookies marks cookies Secure (set when served over HTTPS).
	SecureCookies bool
	// MaxBodyBytes bounds request bodies; 10 MiB when zero.
	MaxBodyBytes int64
	// MetricsToken, when set, is the bearer token GET /metrics requires;
	// the department's KPI gauges are registered only then.
	MetricsToken string
	// Mail is the email channel (raw .eml and outbox API); optional.
	Mail *mail.Store
	// Email is the channel's configuration shown on /admin/email; optional.
	Email *EmailSettings
	// Rules serves triggers, automations, macros, views and webhooks
	// (api_rules.go); optional.
	Rules *rulestore.Store

	// UI extension points and stores (see ui.go). Audit and Satisfaction
	// are built from DB when nil; Views, Macros and SLA are optional.
	Audit        *audit.Log
	Satisfaction *satisfaction.Store
	Views        ViewSource
	Macros       MacroSource
	SLA          SLASource
	// SLAService serves the SLA API (schedules, policies, ticket metrics)
	// and, when SLA is nil, the UI's SLA badges; optional.
	SLAService *sla.Service
	// Access answers agents' permissions (custom roles) and Team is the
	// support organisation (api_team.go); both are built from DB when nil.
	Access *access.Store
	Team   *team.Store
	// Backups are the backup records shown on /admin/backups with the
	// schedule; optional.
	// AccessReviews runs access review campaigns; built from DB (revoking
	// through People and Auth) when nil.
	AccessReviews *accessreview.Store
	// ASE serves the Assigned Support Engineer workspace; built from DB
	// when nil (without routing, which the app wires as a ticket hook).
	ASE *ase.Service
	// Changes keeps configuration changes under change control; built
	// from DB when nil.
	Changes        *changecontrol.Store
	Backups        *backup.Store
	BackupSchedule backup.Schedule
	// Zendesk holds custom fields, forms, identities and bulk job statuses
	// (api_zendesk.go); built from DB when nil (bulk jobs then run in the
	// request instead of on the job queue).
	Zendesk *zendesk.Store
	// KPI serves the indicators and the capacity plan (api_kpi.go); built
	// from DB when nil.
	KPI *kpi.Store
	// KB is the knowledge base (api_kb.go, ui_kb.go); built from DB when nil.
	KB *kb.Store
	// Incidents runs escalation policies, services, incidents and paging
	// (api_incidents.go, ui_incidents.go); built from DB when nil (without
	// jobs or on-call schedules: pages then wait for the app's wiring).
	Incidents *incident.Store
	// OnCall is the on-call schedules (api_oncall.go, ui_oncall.go); built
	// from DB when nil.
	OnCall *oncall.Store
	// Hiring is the hiring module (api_hiring.go, ui_hiring.go); built
	// from DB (with the handbook's pipelines seeded) when nil.
	Hiring *hiring.Store
	// Brands are the brands and restricted partitions (api_brands.go,
	// partition.go); built from DB when nil.
	Brands *brand.Store
}

// Server is the HTTP handler.
type Server struct {
	Deps
	log      *slog.Logger
	mux      *http.ServeMux
	routes   []Route
	tmpl     map[string]*template.Template
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
	ui       uiState
	docs     map[string]apiDoc // per API route: summary and the query parameters it honours
}

// New builds the server and registers every route.
func New(deps Deps) (*Server, error) {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	if deps.MaxBodyBytes <= 0 {
		deps.MaxBodyBytes = 10 << 20
	}
	s := &Server{Deps: deps, log: deps.Log, mux: http.NewServeMux(), registry: prometheus.NewRegistry(), docs: apiDocs()}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "frontline_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "frontline_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	s.registry.MustRegister(s.requests, s.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "frontline_db_open_connections", Help: "Open database connections."},
			func() float64 {
				n := deps.DB.W.Stats().OpenConnections
				if deps.DB.R != deps.DB.W {
					n += deps.DB.R.Stats().OpenConnections
				}
				return float64(n)
			}))
	s.openTeam()   // permissions and the team area (api_team.go)
	s.openKPI()    // indicators and capacity (api_kpi.go)
	s.openOnCall() // on-call schedules (api_oncall.go), after the team
	if deps.Auth != nil {
		s.registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "frontline_password_hashes_running", Help: "Password hashes being computed (capped by --max-password-hashes)."},
				func() float64 { n, _ := deps.Auth.HashLoad(); return float64(n) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "frontline_password_hashes_waiting", Help: "Sign-ins waiting for a password-hash slot."},
				func() float64 { _, n := deps.Auth.HashLoad(); return float64(n) }))
	}
	if s.Brands == nil && s.DB != nil {
		s.Brands = brand.NewStore(s.DB, s.Audit)
	}
	s.registerRoutes()
	if s.Brands != nil && s.Tickets != nil {
		s.Tickets.ScopeLists(s.listPartition) // every ticket list of a request is partitioned (partition.go)
	}
	if s.Brands != nil && s.OnCall != nil {
		s.OnCall.ScopeReads(s.listPartition) // a restricted brand's schedules are its insiders' (oncall/partition.go)
	}
	if s.Brands != nil && s.Incidents != nil {
		s.Incidents.ScopeReads(s.listPartition) // and its emergencies (incident/partition.go)
	}
	if s.Brands != nil && s.KB != nil {
		s.KB.ScopeReads(s.listPartition) // and its Help Center content (kb/partition.go)
	}

	cop := http.NewCrossOriginProtection()
	s.handler = s.recoverer(s.origins(s.observe(cop.Handler(s.cleanPaths(s.brandPaths(s.stripJSON(s.hcLocales(s.styledNotFound(s.mux)))))))))
	return s, nil
}

// styledNotFound answers a browser's GET of a URL no route matches with the
// styled error page (signed-in callers keep their top bar) instead of the
// mux's bare "404 page not found". API paths keep their JSON 404 (the
// "/api/" route); other methods keep the mux's answer (405 or 404).
func (s *Server) styledNotFound(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := s.mux.Handler(r); pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		if p, err := s.authenticate(r); err == nil && p != nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		}
		s.writeHTMLError(w, r, errs.NotFound("page"))
	})
}

// Registry returns the Prometheus registry so other packages can add metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Routes lists every registered route with its policy.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

type ctxKey int

const principalKey ctxKey = 1

// PrincipalFrom returns the signed-in caller, nil when anonymous.
func PrincipalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey).(*auth.Principal)
	return p
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers an API or UI route. pattern is a Go ServeMux pattern
// ("GET /api/v2/users/me"); API routes answer errors in JSON, others in HTML.
// Agents' permissions come from the route's area (permissions.go).
func (s *Server) handle(pattern string, policy Policy, h handlerFunc) {
	s.handleNeeds(pattern, policy, "", h)
}

// handleNeeds registers a route whose agents need permission perm.
func (s *Server) handleNeeds(pattern string, policy Policy, perm access.Permission, h handlerFunc) {
	if policy == 0 {
		panic("web: route " + pattern + " registered without a policy")
	}
	path := pattern
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		path = pattern[i+1:]
	}
	api := strings.HasPrefix(path, "/api/")
	ra := routeAccessFor(pattern, policy, perm)
	s.routes = append(s.routes, Route{Pattern: pattern, Policy: policy, API: api, Permission: ra.perm})
	fail := s.writeHTMLError
	doc, documented := s.docs[pattern]
	if api {
		fail = s.writeAPIError
	}
	if isPagerDutyPath(path) {
		fail = s.writePagerDutyError // api_pagerduty.go
	}
	run := h
	guard, guarded := guardOf(pattern)
	switch {
	case api && guardedPattern(pattern): // configuration under change control (api_changes.go)
		run = func(w http.ResponseWriter, r *http.Request) error { return s.serveGuarded(w, r, h) }
	case !api && guardUIPattern(pattern):
		run = func(w http.ResponseWriter, r *http.Request) error {
			if err := s.guardAdminForm(r); err != nil {
				return err
			}
			return h(w, r)
		}
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if sw, ok := w.(*statusWriter); ok {
			sw.route = pattern
		} else if pr, ok := w.(*prefixRedirects); ok { // brand_address.go
			if sw, ok := pr.ResponseWriter.(*statusWriter); ok {
				sw.route = pattern
			}
		}
		p, err := s.authenticate(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		}
		if r, err = s.authorize(r, policy, ra, p); err != nil {
			fail(w, r, err)
			return
		}
		if !api && p != nil && p.MustChangePassword && !oneTimePasswordAllows(path) {
			mustChangePassword(w, r)
			return
		}
		if api && documented {
			if err := doc.checkQuery(r, p != nil && p.IsStaff()); err != nil {
				fail(w, r, err)
				return
			}
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
		}
		if err := parseForm(r); err != nil {
			fail(w, r, err)
			return
		}
		if err := s.checkCSRF(r, p); err != nil {
			fail(w, r, err)
			return
		}
		if err := checkQuery(r); err != nil {
			fail(w, r, err)
			return
		}
		if err := checkForm(r); err != nil {
			fail(w, r, err)
			return
		}
		if err := s.refined(r, ra, p); err != nil {
			fail(w, r, bodyError(err))
			return
		}
		r = withBrandMemo(withScopeMemo(r))
		if guarded {
			if err := s.partitionGuard(r, guard); err != nil {
				fail(w, r, bodyError(err))
				return
			}
		}
		if err := run(w, r); err != nil {
			fail(w, r, bodyError(err))
		}
	})
}

// parseForm reads URL-encoded and multipart form bodies up front, so that
// an oversize or malformed form is refused before any handler sees half of
// it (handlers reading r.PostFormValue would see empty values), and so that
// checkForm sees every value.
func parseForm(r *http.Request) error {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if isMultipart(r) {
		if err := r.ParseMultipartForm(maxFormMemory); err != nil {
			if be := bodyError(err); errs.KindOf(be) == errs.KindTooLarge {
				return be
			}
			return errs.BadRequest("malformed multipart form body: %v", err)
		}
		return nil
	}
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if be := bodyError(err); errs.KindOf(be) == errs.KindTooLarge {
			return be
		}
		return errs.BadRequest("malformed form body: %v", err)
	}
	return nil
}

// bodyError turns a body-size overrun into a TooLarge domain error.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &errs.Error{Kind: errs.KindTooLarge, Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	}
	return err
}

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "frontline_session"

// authenticate resolves the caller from the Authorization header (API
// clients) or the session cookie (browsers). Credentials that are present
// but wrong are an error even on public routes, as Zendesk does.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, error) {
	if ic, ok := r.Context().Value(internalKey{}).(internalCall); ok { // the server applying an approved change (api_changes.go)
		return ic.p, nil
	}
	if r.URL.Path == "/metrics" && s.MetricsToken != "" {
		return nil, nil // its bearer is the metrics token, checked by the route (routes.go)
	}
	ip := clientIP(r)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		switch strings.ToLower(scheme) {
		case "basic":
			raw, err := base64.StdEncoding.DecodeString(cred)
			if err != nil {
				return nil, errs.Unauthorized("malformed basic credentials")
			}
			user, pass, ok := strings.Cut(string(raw), ":")
			if !ok {
				return nil, errs.Unauthorized("malformed basic credentials")
			}
			if email, isToken := strings.CutSuffix(user, "/token"); isToken {
				return s.Auth.TokenPrincipal(r.Context(), email, pass, ip)
			}
			return s.Auth.CheckPassword(r.Context(), user, pass, ip)
		case "bearer":
			return s.Auth.TokenPrincipal(r.Context(), "", cred, ip)
		case "token": // PagerDuty's "Token token=XYZ" (api_pagerduty.go)
			tok, ok := pagerDutyToken(cred)
			if !ok {
				return nil, errs.Unauthorized("malformed token credentials")
			}
			return s.Auth.TokenPrincipal(r.Context(), "", tok, ip)
		}
		return nil, errs.Unauthorized("unsupported authorization scheme")
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	p, err := s.Auth.SessionPrincipal(r.Context(), c.Value)
	if errs.Is(err, errs.KindUnauthorized) {
		return nil, nil // a stale cookie is the same as none
	}
	return p, err
}

// checkCSRF requires the session's token on state-changing requests made
// with a session cookie. Header and token credentials are not sent
// automatically by browsers and need no token. Cross-origin browser
// requests are already refused by http.CrossOriginProtection.
func (s *Server) checkCSRF(r *http.Request, p *auth.Principal) error {
	if p == nil || p.Via != "session" {
		return nil
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf_token")
	}
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(p.CSRF)) != 1 {
		return errs.Forbidden("missing or invalid CSRF token")
	}
	return nil
}

// isAPIPath reports whether path belongs to the API (JSON errors, Zendesk
// path rules).
func isAPIPath(path string) bool { return strings.HasPrefix(path, "/api/") }

// canonicalPath is the clean form of a request path, the one routes are
// matched on: repeated slashes collapsed, "." and ".." segments resolved
// (never above the root), and a trailing slash dropped under /api/ (Zendesk's
// router ignores it) but kept elsewhere, where "/static/" and the like are
// directories.
func canonicalPath(p string) string {
	if p == "" || p[0] != '/' {
		return p // "*" of OPTIONS *, left to the mux
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" && (!isAPIPath(c+"/") || c == "/api") {
		c += "/"
	}
	return c
}

// cleanPaths serves an unclean path (/api/v2//tickets.json, /./, /../, a
// trailing slash on the API) as its canonical form on every method, as
// Zendesk does, instead of the mux's redirect that clients drop for
// writes. The request is routed on, and its route's policy applies to, the
// cleaned path only. A path whose escaped form differs (%2F, %2E) and that
// would need cleaning is refused: its segments are ambiguous.
func (s *Server) cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clean := canonicalPath(r.URL.Path)
		if clean != r.URL.Path {
			if r.URL.RawPath != "" {
				fail := s.writeHTMLError
				if isAPIPath(clean + "/") {
					fail = s.writeAPIError
				}
				fail(w, r, errs.BadRequest("path: encoded slashes or dots in a path that needs cleaning"))
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path = clean
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// stripJSON serves /api paths with and without the ".json" suffix Zendesk
// clients append.
func (s *Server) stripJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && strings.HasSuffix(r.URL.Path, ".json") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimSuffix(r.URL.Path, ".json")
			r2.URL.RawPath = ""
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	// route is the pattern of the route that served the request, set by
	// the route itself: the middlewares that rewrite paths (.json, unclean
	// paths) pass a copy of the request on, so the outer request's Pattern
	// stays empty.
	route string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request and records metrics by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := sw.route
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.requests.WithLabelValues(route, fmt.Sprint(sw.status)).Inc()
		s.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", float64(elapsed.Microseconds())/1000, "remote", clientIP(r))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, apiError{Error: "InternalError"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	// No \u003c escapes for <, > and &: API responses are served as
	// application/json with nosniff, never inside HTML, and escaping made
	// markup-heavy text six times longer (see TestListPageBound).
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	fsrv := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}
