// Package app wires Frontline together: the one struct that owns the
// database, clock, logger and every domain service, and the subcommands
// that cmd/frontline dispatches to. Nothing here is a package-level global.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/frontline/frontline/internal/access"
	"github.com/frontline/frontline/internal/accessreview"
	"github.com/frontline/frontline/internal/ase"
	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/backup"
	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/hiring"
	"github.com/frontline/frontline/internal/incident"
	"github.com/frontline/frontline/internal/jobs"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/kpi"
	"github.com/frontline/frontline/internal/mail"
	"github.com/frontline/frontline/internal/oncall"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/team"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/web"
	"github.com/frontline/frontline/internal/zendesk"
)

// Version is reported by `frontline version` and /healthz: the module
// version for released builds, else the VCS revision the binary was built
// from, else "dev".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

// App is the wiring struct: every long-lived dependency, built once.
type App struct {
	Config  Config
	Log     *slog.Logger
	Clock   clock.Clock
	DB      *db.DB
	Jobs    *jobs.Queue // background jobs on River, started in Serve (jobs.go)
	Audit   *audit.Log
	People  *people.Store
	Tickets *ticket.Store
	Mail    *mail.Store // email channel (mail.go)
	Search  *search.Service
	Rules   *rulestore.Store  // triggers, automations, macros, views, webhooks (rules.go)
	SLA     *sla.Service      // SLA targets, timers and breach events (sla.go)
	Access  *access.Store     // custom roles and permissions (team.go)
	Team    *team.Store       // the support organisation (team.go)
	ASE     *ase.Service      // Assigned Support Engineer routing, cadence, workspace (ase.go)
	Zendesk *zendesk.Store    // custom fields, identities, bulk jobs (ADR 0012)
	KB      *kb.Store         // the knowledge base and deflection (demo_kb.go)
	KPI     *kpi.Store        // indicators from rollups folded on read and every 15 s (jobs.go)
	OnCall  *oncall.Store     // on-call schedules, overrides, swaps (oncall.go)
	Hiring  *hiring.Store     // the hiring plan, vacancies, pipelines, candidates (demo_hiring.go)
	Brands  *brand.Store      // brands and restricted partitions (demo_restricted.go, ADR 0019)
	Backups *backup.Scheduler // scheduled backups and their records (jobs.go)
	// AccessReviews runs access review campaigns; its hourly job escalates
	// overdue lines and deactivates leavers (jobs.go).
	AccessReviews *accessreview.Store
	Incidents     *incident.Store // escalation policies, services, incidents, paging, status page (incident.go)
	Limiter       *auth.Limiter
	Auth          *auth.Service
	Web           *web.Server

	// SMTPAddr is where the inbound SMTP listener listens once Serve runs.
	SMTPAddr string
}

// Options adjust how an App is built (tests inject a clock and cheap hashing).
type Options struct {
	Clock          clock.Clock
	PasswordParams auth.Params
	// MailResolver answers the DNS lookups of inbound sender verification
	// (net.DefaultResolver when nil).
	MailResolver mail.Resolver
}

// NewLogger builds the structured logger the config asks for.
func NewLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open connects to the database, migrates it and wires the services.
func Open(ctx context.Context, c Config, log *slog.Logger, opt Options) (*App, error) {
	if opt.Clock == nil {
		opt.Clock = clock.Real{}
	}
	target, err := db.ParseTarget(c.Database, c.DataDir)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, target, opt.Clock, db.Options{MaxConns: c.MaxConns})
	if err != nil {
		return nil, err
	}
	n, err := d.Migrate(ctx, log)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if n > 0 {
		log.Info("database migrated", "applied", n, "engine", string(d.Dialect))
	}
	a := &App{Config: c, Log: log, Clock: opt.Clock, DB: d}
	if err := a.openJobs(); err != nil { // before the services that register workers
		d.Close()
		return nil, err
	}
	a.Audit = audit.New(d)
	a.Brands = brand.NewStore(d, a.Audit) // restricted partitions, read by the rules (ADR 0019)
	a.People = people.NewStore(d, a.Audit)
	a.People.SetLimits(c.Limits)
	a.Tickets = ticket.NewStore(d, a.Audit, filepath.Join(c.DataDir, "attachments"), c.MaxAttachmentBytes)
	a.Tickets.SetLimits(c.Limits)
	if err := a.Tickets.SetDefaultPriorities(c.DefaultPriorities); err != nil {
		d.Close()
		return nil, err
	}
	if a.Mail, err = newMailStore(a, c, log, opt.MailResolver); err != nil {
		d.Close()
		return nil, err
	}
	a.Search = search.New(d)
	a.Tickets.OnHistoryChange(a.Search.Hook) // imported history is indexed too
	a.Tickets.OnRestore(a.Search.IndexTicket)
	if err := a.openSLA(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := a.openRules(ctx); err != nil { // after the other ticket hooks (rules.go)
		d.Close()
		return nil, err
	}
	if err := a.openTeam(ctx); err != nil { // after SLA: holidays come from its schedules
		d.Close()
		return nil, err
	}
	a.openASE()                               // after the team: routing reads availability (ase.go)
	if err := a.openOnCall(ctx); err != nil { // after the team: rosters and time off (oncall.go)
		d.Close()
		return nil, err
	}
	if err := a.openIncidents(ctx); err != nil { // after on-call: levels page its schedules (incident.go)
		d.Close()
		return nil, err
	}
	a.KB = kb.NewStore(d, a.Audit)
	a.KPI = kpi.NewStore(d)
	a.KPI.Deflection = a.KB // the deflection indicators read the knowledge base's events
	a.Hiring = hiring.NewStore(d, a.Audit)
	if from := a.Config.mailFrom(); a.Mail != nil && a.Config.RelayHost != "" && from.Email != "" {
		a.Hiring.UseMail(a.Mail, from, a.Config.BaseURL) // email to candidates, scorecard reminders
	}
	if _, err := a.Hiring.SeedPipelines(ctx); err != nil { // the handbook's role pipelines, once
		d.Close()
		return nil, err
	}
	a.KPI.Hiring = hiringKPI{a.Hiring} // hiring actual vs plan, time to fill (hiring_kpi.go)
	a.KPI.Vacancies = hiringKPI{a.Hiring}
	a.Tickets.OnChange(a.KB.TicketHook) // replies that link articles
	a.Limiter = auth.NewLimiter(opt.Clock, 10, 15*time.Minute)
	a.Auth = auth.NewService(d, a.Audit, auth.Options{Params: opt.PasswordParams, SessionTTL: c.SessionTTL, Limiter: a.Limiter,
		MaxHashes: c.MaxPasswordHashes})
	a.AccessReviews = accessreview.NewStore(d, a.Audit, a.revokeAccess)
	a.Backups = &backup.Scheduler{Store: backup.NewStore(d), Clock: opt.Clock, Log: log,
		Schedule: backup.Schedule{Dir: c.BackupDir, Every: c.BackupEvery, Keep: backup.Retention{Daily: c.BackupKeepDaily, Weekly: c.BackupKeepWeekly}},
		Source:   backup.Source{DB: d, AttachmentsDir: filepath.Join(c.DataDir, "attachments"), Version: Version()}}
	a.scheduleHousekeeping() // expired-session purge hourly, scheduled backups (jobs.go)
	a.Zendesk = zendesk.NewStore(d)
	a.Zendesk.UseJobs(a.Jobs, nil) // the runner is the web server's (set by web.New)
	a.Web, err = web.New(web.Deps{
		DB: d, Auth: a.Auth, People: a.People, Tickets: a.Tickets, Search: a.Search, Log: log, Version: Version(), BaseURL: c.BaseURL,
		TrustedProxies: c.TrustedProxies,
		SecureCookies:  c.SecureCookie, MaxBodyBytes: c.MaxBodyBytes, MetricsToken: c.MetricsToken,
		Mail: a.Mail, Email: emailSettings(c),
		Rules: a.Rules, Views: web.RulesViews(a.Rules), Macros: web.RulesMacros(a.Rules),

		SLAService: a.SLA, Access: a.Access, Team: a.Team, Zendesk: a.Zendesk, KB: a.KB, KPI: a.KPI, OnCall: a.OnCall,
		Incidents: a.Incidents, Backups: a.Backups.Store, BackupSchedule: a.Backups.Schedule, AccessReviews: a.AccessReviews, ASE: a.ASE, Hiring: a.Hiring, Brands: a.Brands,
	})
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Web.Registry().MustRegister(a.Mail.Collectors()...) // inbound mail counters (internal/mail/rejected.go)
	return a, nil
}

// revokeAccess ends an account's access at once (an access review's
// revocation, a leaver): deactivated, sessions ended, API tokens revoked.
func (a *App) revokeAccess(ctx context.Context, actor audit.Actor, userID int64, reason string) error {
	if _, err := a.People.DeactivateUser(ctx, actor, userID); err != nil {
		return err
	}
	_, _, err := a.Auth.EndAccess(ctx, actor, userID, reason)
	return err
}

// Close releases the job queue's connections and the database.
func (a *App) Close() error {
	if a.Jobs != nil {
		a.Jobs.Close()
	}
	return a.DB.Close()
}

// Bootstrap creates the first admin when the database has none and returns
// the one-time password ("" when an admin already exists).
func (a *App) Bootstrap(ctx context.Context) (email, password string, err error) {
	n, err := a.People.CountUsers(ctx, people.UserFilter{Role: people.RoleAdmin})
	if err != nil || n > 0 {
		return "", "", err
	}
	email = a.Config.AdminEmail
	u, err := a.People.UserByEmail(ctx, email)
	if err != nil && !isNotFound(err) {
		return "", "", err
	}
	if u == nil {
		name, role := "Frontline Admin", people.RoleAdmin
		u, err = a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			return "", "", fmt.Errorf("create first admin: %w", err)
		}
	} else {
		role := people.RoleAdmin
		if _, err := a.People.UpdateUser(ctx, audit.System(), u.ID, people.UserInput{Role: &role}); err != nil {
			return "", "", err
		}
	}
	password = auth.NewSecret(15)
	if err := a.Auth.SetGeneratedPassword(ctx, audit.System(), u.ID, password); err != nil {
		return "", "", err
	}
	// A one-time password: the first sign-in asks for the admin's own.
	if err := a.Auth.RequirePasswordChange(ctx, u.ID); err != nil {
		return "", "", err
	}
	return email, password, nil
}

// Serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully: in-flight requests get up to 15 seconds to finish.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", a.Config.HTTPAddr, err)
	}
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(a.Web.CloseStreams) // live-update streams end so that shutdown need not wait
	errc := make(chan error, 1)
	stopMail, err := a.startMail(ctx) // inbound SMTP listener and outbox (mail.go)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopMail()
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	stopJobs, err := a.startJobs(ctx) // background jobs (jobs.go)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer stopJobs()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// DataPath returns a path inside the data directory.
func (a *App) DataPath(name string) string { return filepath.Join(a.Config.DataDir, name) }
