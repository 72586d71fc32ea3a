package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/frontline/frontline/internal/errs"
)

func (s *Server) registerRoutes() {
	// Operations.
	s.handle("GET /healthz", Public, s.healthz)
	s.handle("GET /readyz", Public, s.readyz)
	metrics := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})
	s.handle("GET /metrics", Public, func(w http.ResponseWriter, r *http.Request) error {
		if s.MetricsToken != "" {
			got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.MetricsToken)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				s.writeAPIError(w, r, errs.Unauthorized("/metrics needs the metrics bearer token"))
				return nil
			}
		}
		metrics.ServeHTTP(w, r)
		return nil
	})
	static := staticHandler()
	s.handle("GET /static/", Public, func(w http.ResponseWriter, r *http.Request) error {
		static.ServeHTTP(w, r)
		return nil
	})

	// Browser sign-in.
	s.handle("GET /login", Public, s.loginForm)
	s.handle("POST /login", Public, s.login)
	s.handle("POST /logout", Authenticated, s.logout)
	s.handle("GET /{$}", Authenticated, s.home)
	s.handle("GET /settings/tokens", Authenticated, s.tokensPage)
	s.handle("POST /settings/tokens", Authenticated, s.createToken)
	s.handle("POST /settings/tokens/{id}/revoke", Authenticated, s.revokeToken)
	s.handle("GET /settings/password", Authenticated, s.passwordPage)
	s.handle("POST /settings/password", Authenticated, s.changePassword)
	s.registerUI()              // agent workspace, customer portal, admin (ui*.go)
	s.registerTeamUI()          // ui_team.go
	s.registerAccessReviewUI()  // ui_access_reviews.go
	s.registerASEUI()           // ui_ase.go
	s.registerKPIUI()           // ui_kpi.go
	s.registerKBUI()            // ui_kb.go
	s.registerHiringUI()        // ui_hiring.go
	s.registerAccountsUI()      // ui_accounts.go
	s.registerIncidentUI()      // ui_incidents.go
	s.registerIncidentAdminUI() // ui_incident_policies.go
	s.registerOnCallUI()        // ui_oncall.go
	s.registerAccountUI()       // ui_account.go
	s.registerWorkspaceUI()     // ui_workspace.go
	s.registerPeopleUI()        // ui_admin_people.go

	// API.
	s.handle("GET /api/v2/users/me", Authenticated, s.apiMe)
	s.registerPeopleAPI()
	s.registerPasswordAPI()
	s.registerMailAPI()
	s.registerTicketAPI()
	s.registerBrandAPI()
	s.registerSearchAPI()
	s.registerRulesAPI()
	s.registerSLAAPI()
	s.registerTeamAPI()          // api_team.go
	s.registerRolesAPI()         // api_roles.go
	s.registerAccessReviewAPI()  // api_access_reviews.go
	s.registerChangeAPI()        // api_changes.go
	s.registerASEAPI()           // api_ase.go
	s.registerZendeskAPI()       // api_zendesk.go
	s.registerKPIAPI()           // api_kpi.go
	s.registerKBAPI()            // api_kb.go
	s.registerIncidentAPI()      // api_incidents.go
	s.registerIncidentAdminAPI() // api_incident_policies.go
	s.registerOnCallAPI()        // api_oncall.go (PagerDuty REST v2 subset)
	s.registerOnCallNativeAPI()  // api_oncall_native.go
	s.handle("/pagerduty/", Public, func(w http.ResponseWriter, r *http.Request) error {
		return errs.NotFound("route")
	})
	s.registerHiringAPI()  // api_hiring.go
	s.registerHiringMail() // api_hiring_mail.go: templates, email to candidates, attachments
	s.handle("GET /api/v2/openapi", Public, s.apiOpenAPI)
	s.handle("/api/", Public, func(w http.ResponseWriter, r *http.Request) error {
		return errs.NotFound("route")
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
	return nil
}

// readyz reports ready when the database answers and is fully migrated.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status, body := http.StatusOK, map[string]any{"status": "ready"}
	if err := s.DB.Ping(ctx); err != nil {
		status, body = http.StatusServiceUnavailable, map[string]any{"status": "database unreachable", "error": err.Error()}
	} else if cur, pending, err := s.DB.MigrationStatus(ctx); err != nil || pending > 0 {
		status, body = http.StatusServiceUnavailable, map[string]any{"status": "migrations pending", "version": cur, "pending": pending}
	}
	writeJSON(w, status, body)
	return nil
}

// --- templates ---------------------------------------------------------------

func (s *Server) parseTemplates() error {
	s.tmpl = map[string]*template.Template{}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	funcs := template.FuncMap{
		"ts": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.UTC().Format("2006-01-02 15:04 MST")
			case *time.Time:
				if v == nil {
					return "never"
				}
				return v.UTC().Format("2006-01-02 15:04 MST")
			}
			return ""
		},
	}
	for k, f := range s.uiFuncs() {
		funcs[k] = f
	}
	for k, f := range teamFuncs() { // ui_team.go
		funcs[k] = f
	}
	for k, f := range kpiFuncs() { // ui_kpi.go
		funcs[k] = f
	}
	for k, f := range onCallFuncs() { // ui_oncall.go
		funcs[k] = f
	}
	for k, f := range hiringFuncs() { // ui_hiring.go
		funcs[k] = f
	}
	for _, p := range pages {
		name := strings.TrimPrefix(p, "templates/")
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", p)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		s.tmpl[name] = t
	}
	return nil
}

// render executes page into a buffer first so that a template error never
// sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	t := s.tmpl[page]
	if t == nil {
		http.Error(w, "missing template "+page, http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	p := PrincipalFrom(r.Context())
	data["Me"] = p
	if p != nil {
		data["CSRF"] = p.CSRF
		if p.Role == "end-user" {
			data["IncidentBanner"] = s.incidentBanner(r) // ui_incidents.go
		}
	}
	data["Version"] = s.Version
	data["BP"] = brandPrefix(r) // a brand path's pages keep it in their links (brand_address.go)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error rendering page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// --- sign-in -----------------------------------------------------------------

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if PrincipalFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login.html", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	next := safeNext(r.PostFormValue("next"))
	sess, _, err := s.Auth.Login(r.Context(), email, r.PostFormValue("password"), clientIP(r), r.UserAgent())
	if err != nil {
		status := http.StatusUnauthorized
		msg := "That email and password did not match an active account."
		switch errs.KindOf(err) {
		case errs.KindUnauthorized:
		case errs.KindRateLimited:
			status, msg = http.StatusTooManyRequests, err.Error()
			w.Header().Set("Retry-After", retryAfterSeconds(err))
		default:
			return err
		}
		s.render(w, r, status, "login.html", map[string]any{"Next": next, "Email": email, "Error": msg})
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.SecureCookies || secure(r), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.SecureCookies || secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	if s.Tickets != nil { // the help desk: agents to their workspace, customers to the portal
		to := "/portal"
		if p.IsStaff() {
			to = "/agent/tickets"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	u, err := s.People.GetUser(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home.html", map[string]any{"Title": "Home", "User": u})
	return nil
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, "", "")
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, secret, problem string) error {
	p := PrincipalFrom(r.Context())
	tokens, err := s.Auth.ListAPITokens(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "tokens.html", map[string]any{"Title": "API tokens", "Tokens": tokens, "Secret": secret, "Error": problem})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	secret, _, err := s.Auth.CreateAPIToken(r.Context(), p.Actor(clientIP(r)), p.UserID, r.PostFormValue("description"))
	if errs.Is(err, errs.KindInvalid) {
		_, body := errorBody(err)
		return s.renderTokens(w, r, http.StatusUnprocessableEntity, "", body.Details["description"][0].Description)
	}
	if err != nil {
		return err
	}
	return s.renderTokens(w, r, http.StatusCreated, secret, "")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.NotFound("api token")
	}
	t, err := s.Auth.GetAPIToken(r.Context(), id)
	if err != nil {
		return err
	}
	if t.UserID != p.UserID && !p.IsAdmin() {
		return errs.NotFound("api token")
	}
	if err := s.Auth.RevokeAPIToken(r.Context(), p.Actor(clientIP(r)), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/tokens", http.StatusSeeOther)
	return nil
}

// --- API ---------------------------------------------------------------------

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalFrom(r.Context())
	u, err := s.People.GetUser(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userForCaller(r, *u)})
	return nil
}
