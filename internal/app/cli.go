package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/auth"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/gcpolicy"
	"github.com/frontline/frontline/internal/people"
)

// Env is what a command sees of its process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Options are passed to Open (tests inject a clock and cheap hashing).
	Options Options
	// Ready, when set, is told the HTTP address once `serve` listens.
	Ready func(addr string)
}

const usage = `Frontline runs a technical support department: help desk, on-call, hiring and KPIs.

Usage:
  frontline serve [flags]            run the server (SQLite in ./frontline-data unless --database is given)
  frontline migrate [flags]          apply database migrations and report the schema version
  frontline user create [flags] --email EMAIL --name NAME [--role end-user|agent|admin] [--password-stdin]
                        [--end-sessions=false] [--revoke-tokens]
  frontline user token [flags] --email EMAIL [--description TEXT]
  frontline import zendesk [flags] --url https://SUB.zendesk.com --email EMAIL --token TOKEN  (or --dir DIR of
                                     exported JSON): copy a Zendesk account; resumable, a second run changes nothing
  frontline import greenhouse [flags] FILE...  load Greenhouse Harvest exports (jobs, openings, candidates,
                                     applications, scorecards); every unmappable record is reported with its
                                     line and then nothing is imported; a second run changes nothing
  frontline demo [flags]             load demo organizations, groups, agents, customers and months of tickets
  frontline bench [flags]            generate a large help desk (default 1,000,000 tickets) and measure it
                                     against baselines from the same run (--tickets, --clients, --duration,
                                     --samples, --json FILE, --keep; SQLite in a temporary directory unless
                                     --database is given)
  frontline backup --to FILE [flags] take a consistent backup of a running or stopped instance (database
                                     and attachments, with a manifest of checksums)
  frontline restore [flags] FILE     restore a backup into an empty data directory or database
  frontline config export [--to FILE] write the configuration (roles, schedules, webhooks, SLA policies,
                                     triggers, automations, shared macros and views) as JSON
  frontline config import [--apply] FILE
                                     show what importing FILE would create and change; --apply does it
  frontline audit verify [flags]     seal the newest audit entries and check the whole audit chain; names the
                                     first entry changed, removed or moved since it was sealed
  frontline version                  print the version
  frontline help [command]           show help; every command takes the flags listed by "frontline serve -h"
`

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs the command in args and returns the process exit status. Errors
// are printed as one line naming the problem.
func Main(ctx context.Context, args []string, env Env) int {
	err := run(ctx, args, env)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	msg := strings.Join(strings.Fields(err.Error()), " ") // always one line
	fmt.Fprintln(env.Stderr, "frontline: "+msg)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(env.Stderr, `run "frontline help" for usage`)
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, env)
	case "migrate":
		return cmdMigrate(ctx, rest, env)
	case "user":
		if len(rest) == 0 {
			return usageError{"user needs a subcommand: create or token"}
		}
		switch rest[0] {
		case "create":
			return cmdUserCreate(ctx, rest[1:], env)
		case "token":
			return cmdUserToken(ctx, rest[1:], env)
		}
		return usageError{fmt.Sprintf("unknown user subcommand %q (want create or token)", rest[0])}
	case "import":
		if len(rest) > 0 && rest[0] == "greenhouse" {
			return cmdImportGreenhouse(ctx, rest[1:], env)
		}
		if len(rest) == 0 || rest[0] != "zendesk" {
			return usageError{"import needs a source: frontline import zendesk --url URL --email EMAIL --token TOKEN (or --dir DIR), or frontline import greenhouse FILE..."}
		}
		return cmdImportZendesk(ctx, rest[1:], env)
	case "demo":
		return cmdDemo(ctx, rest, env)
	case "bench":
		return cmdBench(ctx, rest, env)
	case "backup":
		return cmdBackup(ctx, rest, env)
	case "restore":
		return cmdRestore(ctx, rest, env)
	case "audit":
		if len(rest) == 0 || rest[0] != "verify" {
			return usageError{"audit needs a subcommand: verify"}
		}
		return cmdAuditVerify(ctx, rest[1:], env)
	case "config":
		if len(rest) == 0 {
			return usageError{"config needs a subcommand: export or import"}
		}
		switch rest[0] {
		case "export":
			return cmdConfigExport(ctx, rest[1:], env)
		case "import":
			return cmdConfigImport(ctx, rest[1:], env)
		}
		return usageError{fmt.Sprintf("unknown config subcommand %q (want export or import)", rest[0])}
	case "version", "--version", "-version":
		fmt.Fprintln(env.Stdout, "frontline", Version())
		return nil
	case "help", "-h", "--help":
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "-h"}, env)
		}
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// setup parses flags for a command and opens the app.
func setup(ctx context.Context, name string, args []string, env Env, extra func(fs *flag.FlagSet)) (*App, []string, error) {
	cfg, rest, err := parseFlags(name, args, env, extra)
	if err != nil {
		return nil, nil, err
	}
	a, err := Open(ctx, cfg, NewLogger(cfg, env.Stderr), env.Options)
	if err != nil {
		return nil, nil, err
	}
	return a, rest, nil
}

// applyGC paces the garbage collector of a server process (serve, bench)
// by its configuration and Go's environment (internal/gcpolicy), and
// returns what restores the previous pace.
func applyGC(a *App, env Env) (func(), error) {
	p, err := gcpolicy.Resolve(a.Config.GCPercent, a.Config.MemoryLimit, env.Getenv)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	a.Log.Info("garbage collector", "pace", p.String(), "from", p.From)
	return p.Apply(), nil
}

// parseFlags reads a command's configuration (flags, environment, file).
func parseFlags(name string, args []string, env Env, extra func(fs *flag.FlagSet)) (Config, []string, error) {
	fs := flag.NewFlagSet("frontline "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse errors are reported once, by Main
	fs.Usage = func() {}
	if extra != nil {
		extra(fs)
	}
	cfg, rest, err := LoadConfig(fs, args, env.Getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(env.Stdout, "Usage of frontline %s:\n", name)
			fs.SetOutput(env.Stdout)
			fs.PrintDefaults()
			return cfg, nil, err
		}
		if strings.HasPrefix(err.Error(), "invalid ") {
			return cfg, nil, err
		}
		return cfg, nil, usageError{err.Error()}
	}
	return cfg, rest, nil
}

func cmdServe(ctx context.Context, args []string, env Env) error {
	a, _, err := setup(ctx, "serve", args, env, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	restore, err := applyGC(a, env)
	if err != nil {
		return err
	}
	defer restore()
	email, password, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	if a.Config.Demo {
		if err := printDemo(ctx, a, env); err != nil {
			return err
		}
	}
	return a.Serve(ctx, func(addr string) {
		url := a.Config.BaseURL
		if url == "" { // the address really bound (port 0 picks one)
			url = "http://" + addr
		}
		fmt.Fprintf(env.Stdout, "Frontline %s is running at %s (database: %s)\n", Version(), url, a.DB.Target.Describe())
		if password != "" {
			fmt.Fprintf(env.Stdout, "First admin created. Sign in at %s/login as %s with the one-time password: %s\n", url, email, password)
			fmt.Fprintln(env.Stdout, "(it is shown only now; set a new one with: frontline user create --email ... --password-stdin)")
		}
		a.Log.Info("listening", "addr", addr, "url", url)
		if env.Ready != nil {
			env.Ready(addr)
		}
	})
}

func cmdMigrate(ctx context.Context, args []string, env Env) error {
	a, _, err := setup(ctx, "migrate", args, env, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	cur, pending, err := a.DB.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database %s is at schema version %d (%d pending)\n", a.DB.Target.Describe(), cur, pending)
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, env Env) error {
	var email, name, role string
	var pwStdin bool
	var reset auth.PasswordReset
	a, rest, err := setup(ctx, "user create", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (required)")
		fs.StringVar(&name, "name", "", "full name (required)")
		fs.StringVar(&role, "role", "agent", "end-user, agent or admin")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input instead of generating one")
		fs.BoolVar(&reset.EndSessions, "end-sessions", true, "for an existing user: sign them out of every browser session (--end-sessions=false keeps them)")
		fs.BoolVar(&reset.RevokeTokens, "revoke-tokens", false, "for an existing user: revoke their API tokens")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	if email == "" || name == "" {
		return usageError{"user create needs --email and --name"}
	}
	password := ""
	if pwStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %v", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	u, err := a.People.UserByEmail(ctx, email)
	existing := err == nil
	switch {
	case err == nil:
		if u.Role != role {
			if u, err = a.People.UpdateUser(ctx, audit.System(), u.ID, people.UserInput{Role: &role}); err != nil {
				return describe(err)
			}
		}
		fmt.Fprintf(env.Stdout, "user %d <%s> already exists (role %s); setting a new password\n", u.ID, u.Email, u.Role)
	case isNotFound(err):
		u, err = a.People.CreateUser(ctx, audit.System(), people.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.Stdout, "created user %d <%s> (role %s)\n", u.ID, u.Email, u.Role)
	default:
		return err
	}
	generated := password == ""
	if generated {
		password = randomPassword()
	}
	out, err := a.Auth.ResetPassword(ctx, audit.System(), u.ID, password, reset)
	if err != nil {
		return describe(err)
	}
	if existing {
		said := "password set; sessions kept"
		if reset.EndSessions {
			said = fmt.Sprintf("password set; %d session%s signed out", out.SessionsEnded, pluralS(out.SessionsEnded))
		}
		if reset.RevokeTokens {
			said += fmt.Sprintf("; %d API token%s revoked", out.TokensRevoked, pluralS(out.TokensRevoked))
		} else {
			said += "; API tokens kept"
		}
		fmt.Fprintln(env.Stdout, said)
	}
	if generated {
		fmt.Fprintf(env.Stdout, "password: %s\n", password)
	}
	return nil
}

func cmdUserToken(ctx context.Context, args []string, env Env) error {
	var email, desc string
	a, _, err := setup(ctx, "user token", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email of the user the token acts as (required)")
		fs.StringVar(&desc, "description", "created from the command line", "what the token is for")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if email == "" {
		return usageError{"user token needs --email"}
	}
	u, err := a.People.UserByEmail(ctx, email)
	if err != nil {
		return describe(err)
	}
	secret, _, err := a.Auth.CreateAPIToken(ctx, audit.System(), u.ID, desc)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.Stdout, "API token for %s (shown once):\n%s\nuse it as HTTP Basic \"%s/token:TOKEN\" or \"Authorization: Bearer TOKEN\"\n", u.Email, secret, u.Email)
	return nil
}

func cmdDemo(ctx context.Context, args []string, env Env) error {
	a, _, err := setup(ctx, "demo", args, env, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, _, err := a.Bootstrap(ctx); err != nil {
		return err
	}
	return printDemo(ctx, a, env)
}

func printDemo(ctx context.Context, a *App, env Env) error {
	res, err := a.LoadDemo(ctx)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	if res == nil {
		fmt.Fprintln(env.Stdout, "demo data is already loaded")
		return nil
	}
	fmt.Fprintf(env.Stdout, "demo data loaded: %d organizations, %d groups, %d staff, %d customers\n",
		res.Organizations, res.Groups, res.Staff, res.Customers)
	if line, err := a.demoHistorySummary(ctx); err != nil {
		return err
	} else if line != "" {
		fmt.Fprintln(env.Stdout, line)
	}
	fmt.Fprintf(env.Stdout, "demo sign-ins (password for all: %s): agent %s, manager %s, customer %s\n",
		res.Password, res.AgentEmail, res.ManagerEmail, res.CustomerEmail)
	return nil
}

// describe turns a validation error into one readable line.
func describe(err error) error {
	var de *errs.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		var parts []string
		for f, ps := range de.Fields {
			parts = append(parts, f+" "+strings.Join(ps, ", "))
		}
		sort.Strings(parts)
		return errors.New(strings.Join(parts, "; "))
	}
	return err
}

func isNotFound(err error) bool { return errs.Is(err, errs.KindNotFound) }

func pluralS(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// randomPassword returns a generated password that passes auth.ValidatePassword.
func randomPassword() string { return auth.NewSecret(15) }
