package app

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"github.com/frontline/frontline/internal/ticket"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/gcpolicy"
	"github.com/frontline/frontline/internal/limits"
	"github.com/frontline/frontline/internal/mail"
)

// Config is the whole configuration of a Frontline process. Values come,
// lowest precedence first, from defaults, the optional config file, FRONTLINE_*
// environment variables and command-line flags.
type Config struct {
	ConfigFile string
	DataDir    string
	Database   string
	HTTPAddr   string
	BaseURL    string
	// TrustedProxies are the peers whose X-Forwarded-Proto/-Host/-For
	// headers are believed.
	TrustedProxies []netip.Prefix
	LogLevel       slog.Level
	LogFormat      string
	MaxConns       int
	AdminEmail     string
	Demo           bool
	// DemoTickets is how many tickets of help-desk history the demo
	// writes (0: none).
	DemoTickets  int
	SecureCookie bool
	MaxBodyBytes int64
	// MetricsToken, when set, is the bearer token /metrics requires; only
	// then are the department's KPIs among its gauges.
	MetricsToken string
	SessionTTL   time.Duration
	// MaxPasswordHashes caps the password hashes computed at once (0: auth.AutoMaxHashes).
	MaxPasswordHashes int
	// MaxAttachmentBytes bounds one uploaded attachment.
	MaxAttachmentBytes int64
	// GCPercent and MemoryLimit pace the garbage collector of serve and
	// bench (internal/gcpolicy); "" takes Go's GOGC or GOMEMLIMIT when
	// set, else gcpolicy's defaults.
	GCPercent   string
	MemoryLimit string
	// Limits are the size limits of comments, subjects and tags (see
	// internal/limits and README "Limits").
	Limits limits.Limits

	// Email channel (see mailconfig.go).
	SMTPAddr      string         // inbound SMTP listen address; "" disables the listener
	Mailboxes     []mail.Mailbox // receiving addresses and their groups
	MailFrom      mail.Address   // outbound From when the ticket has no mailbox ("" = first mailbox)
	RelayHost     string         // outbound SMTP relay; "" disables outbound mail
	RelayPort     int
	RelayUser     string
	RelayPassword string
	RelayTLS      mail.TLSPolicy
	IMAP          *mail.IMAPConfig // mailbox to poll; nil: none
	IMAPInterval  time.Duration
	// Inbound limits and sender verification (see mailconfig.go).
	MailLimits      mail.Limits
	MailAuth        mail.AuthMode
	MailTrustedAuth []string // authserv-ids of trusted relays (mail-auth=relay)
	MailAuthTimeout time.Duration
	MailUnverified  mail.UnverifiedPolicy

	// Scheduled backups (internal/backup): off when BackupDir is empty.
	BackupDir        string
	BackupEvery      time.Duration
	BackupKeepDaily  int
	BackupKeepWeekly int

	// AccessReviews is the cadence of automatic access reviews: quarterly or off.
	AccessReviews string
	// EmergencyMailbox is the address whose mail becomes customer
	// emergencies (urgent, paging CEOC); "" for none. It must also be one
	// of the receiving mailboxes.
	EmergencyMailbox string
	// DefaultPriorities maps an organization's tier to the priority its new
	// tickets take when created without one (ticket.SetDefaultPriorities).
	DefaultPriorities map[string]string
}

// checked is the set function of a setting kept as written ("" for
// unset) once parse accepts it (the value is read where it is used).
func checked[T any](parse func(string) (T, error), field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v != "" {
			if _, err := parse(v); err != nil {
				return err
			}
		}
		*field(c) = v
		return nil
	}
}

// setting is one configuration key, shared by flag, env var and file.
type setting struct {
	name string // flag name and config-file key
	def  string // default; "false"/"true" makes a flag that may be given without a value
	help string
	set  func(c *Config, v string) error
}

// EnvName is the environment variable of a setting.
func (s setting) EnvName() string {
	return "FRONTLINE_" + strings.ToUpper(strings.ReplaceAll(s.name, "-", "_"))
}

func settings() []setting {
	return append([]setting{
		{"config", "", "path of an optional config file (key = value lines)", func(c *Config, v string) error { c.ConfigFile = v; return nil }},
		{"data-dir", "frontline-data", "directory for the SQLite database and attachments", func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
		{"database", "", "database: empty for SQLite in the data directory, sqlite:PATH, or postgres://user@host/db", func(c *Config, v string) error { c.Database = v; return nil }},
		{"http", "127.0.0.1:8080", "HTTP listen address", func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("%q is not host:port", v)
			}
			c.HTTPAddr = v
			return nil
		}},
		{"base-url", "", "public URL of this server, used in API links (default: http://<the address --http listens on>, or what a trusted proxy forwards; never the request's Host header)", func(c *Config, v string) error {
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("%q is not an http(s) URL", v)
				}
				v = strings.TrimRight(v, "/")
			}
			c.BaseURL = v
			return nil
		}},
		{"trusted-proxies", "", "comma-separated IP addresses or CIDR prefixes of reverse proxies whose X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-For are believed (from anyone else they are ignored)", func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				pfx, err := netip.ParsePrefix(p)
				if err != nil {
					a, aerr := netip.ParseAddr(p)
					if aerr != nil {
						return fmt.Errorf("%q is not an IP address or CIDR prefix", p)
					}
					pfx = netip.PrefixFrom(a, a.BitLen())
				}
				c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
			}
			return nil
		}},
		{"log-level", "info", "debug, info, warn or error", func(c *Config, v string) error {
			return c.LogLevel.UnmarshalText([]byte(v))
		}},
		{"log-format", "text", "text or json", func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("%q is not text or json", v)
			}
			c.LogFormat = v
			return nil
		}},
		{"max-conns", "0", "database connections (0 = 2 x CPUs, at least 4)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("%q is not a non-negative number", v)
			}
			c.MaxConns = n
			return nil
		}},
		{"admin-email", "admin@frontline.localhost", "email of the first admin, created on first start", func(c *Config, v string) error {
			if !strings.Contains(v, "@") {
				return fmt.Errorf("%q is not an email address", v)
			}
			c.AdminEmail = v
			return nil
		}},
		{"demo", "false", "load demo data on start (once per database)", boolSetter(func(c *Config, b bool) { c.Demo = b })},
		{"demo-tickets", "1050", "tickets of help-desk history the demo writes, over about six months (0 = none)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100000 {
				return fmt.Errorf("%q is not a number from 0 to 100000", v)
			}
			c.DemoTickets = n
			return nil
		}},
		{"secure-cookies", "false", "mark cookies Secure (set when served over HTTPS)", boolSetter(func(c *Config, b bool) { c.SecureCookie = b })},
		{"metrics-token", "", "bearer token /metrics requires (Prometheus: authorization credentials); without one /metrics is open and leaves out the department's KPI gauges", func(c *Config, v string) error {
			if v != "" && len(v) < 16 {
				return errors.New("must be at least 16 characters")
			}
			c.MetricsToken = v
			return nil
		}},
		{"max-body", "10485760", "largest accepted request body in bytes", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				return fmt.Errorf("%q is not a byte count of at least 1024", v)
			}
			c.MaxBodyBytes = n
			return nil
		}},
		{"max-attachment", "20971520", "largest accepted attachment in bytes", func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				return fmt.Errorf("%q is not a byte count of at least 1024", v)
			}
			c.MaxAttachmentBytes = n
			return nil
		}},
		{"max-comment-bytes", strconv.Itoa(limits.DefaultCommentBytes), "largest comment in bytes (body, html_body and its text; Zendesk's is about 64 KB): longer is a 422, longer email is cut with a note", intSetter(1024, func(c *Config, n int) { c.Limits.CommentBytes = n })},
		{"max-subject", strconv.Itoa(limits.DefaultSubjectChars), "longest ticket subject in characters", intSetter(1, func(c *Config, n int) { c.Limits.SubjectChars = n })},
		{"max-tag-length", strconv.Itoa(limits.DefaultTagChars), "longest tag in characters", intSetter(1, func(c *Config, n int) { c.Limits.TagChars = n })},
		{"max-tags", strconv.Itoa(limits.DefaultTags), "most tags on one ticket, user or organization", intSetter(1, func(c *Config, n int) { c.Limits.Tags = n })},
		{"session-ttl", "336h", "how long an idle browser session lasts", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Minute {
				return fmt.Errorf("%q is not a duration of at least 1m (e.g. 336h)", v)
			}
			c.SessionTTL = d
			return nil
		}},
		{"max-password-hashes", "0", "password hashes computed at once, server-wide; more sign-ins wait briefly or get 429 (0 = one per CPU within 128 MiB of hashing memory: 2 with the default argon2id parameters)", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 64 {
				return fmt.Errorf("%q is not a number from 0 to 64", v)
			}
			c.MaxPasswordHashes = n
			return nil
		}},
		{"gc-percent", "", "garbage collector pace of serve and bench, as Go's GOGC: a percentage from 10 to 10000, or off (empty: GOGC when set, else 400; see README \"Memory\")",
			checked(gcpolicy.ParsePercent, func(c *Config) *string { return &c.GCPercent })},
		{"memory-limit", "", "soft memory limit of serve and bench, as Go's GOMEMLIMIT: a size such as 512MiB or 2GiB, or off (empty: GOMEMLIMIT when set, else 512MiB)",
			checked(gcpolicy.ParseLimit, func(c *Config) *string { return &c.MemoryLimit })},
	}, append(mailSettings(), backupSettings()...)...)
}

// backupSettings configure scheduled backups (README "Operations").
func backupSettings() []setting {
	return []setting{
		{"backup-dir", "", "directory for scheduled backups (empty: none are taken; frontline backup --to FILE takes one by hand)", func(c *Config, v string) error { c.BackupDir = v; return nil }},
		{"backup-every", "24h", "how often a scheduled backup is taken", func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Minute {
				return fmt.Errorf("%q is not a duration of at least 1m (e.g. 24h)", v)
			}
			c.BackupEvery = d
			return nil
		}},
		{"backup-keep-daily", "7", "scheduled backups kept: the newest of each of this many last days", intSetter(0, func(c *Config, n int) { c.BackupKeepDaily = n })},
		{"access-reviews", "quarterly", "open an access review of every staff account automatically at the start of each quarter (quarterly) or only by hand (off)", func(c *Config, v string) error {
			if v != "quarterly" && v != "off" {
				return fmt.Errorf("%q is not quarterly or off", v)
			}
			c.AccessReviews = v
			return nil
		}},
		{"backup-keep-weekly", "4", "scheduled backups kept: the newest of each of this many last weeks", intSetter(0, func(c *Config, n int) { c.BackupKeepWeekly = n })},
		{"default-priority", "ultimate=high,premium=normal", "priority a new ticket created without one takes from its organization's tier, so its SLA clock starts before triage: tier=priority pairs, comma-separated (priorities low, normal, high, urgent; empty: none)", func(c *Config, v string) error {
			m := map[string]string{}
			for _, pair := range strings.Split(v, ",") {
				if pair = strings.TrimSpace(pair); pair == "" {
					continue
				}
				tier, prio, ok := strings.Cut(pair, "=")
				tier, prio = strings.TrimSpace(tier), strings.ToLower(strings.TrimSpace(prio))
				if !ok || tier == "" || !ticket.ValidPriority(prio) {
					return fmt.Errorf("%q is not tier=priority (priorities: low, normal, high, urgent)", pair)
				}
				m[tier] = prio
			}
			c.DefaultPriorities = m
			return nil
		}},
		{"emergency-mailbox", "", "receiving address whose mail becomes a customer emergency (urgent, 30-minute first reply, pages the Customer Emergency On-Call) for organizations with emergency support; add it to --mailboxes too", func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v != "" && !strings.Contains(v, "@") {
				return fmt.Errorf("%q is not an email address", v)
			}
			c.EmergencyMailbox = v
			return nil
		}},
	}
}

// intSetter parses a whole number of at least min.
func intSetter(min int, f func(*Config, int)) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < min {
			return fmt.Errorf("%q is not a whole number of at least %d", v, min)
		}
		f(c, n)
		return nil
	}
}

func boolSetter(f func(*Config, bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		f(c, b)
		return nil
	}
}

// LoadConfig builds the configuration from defaults, file, environment and
// the flags in args. It returns the remaining positional arguments.
func LoadConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, []string, error) {
	var c Config
	all := settings()
	flagVals := map[string]*string{}
	for _, s := range all {
		if fs.Lookup(s.name) != nil {
			continue
		}
		usage := s.help + " (env " + s.EnvName() + ")"
		if s.def == "false" || s.def == "true" {
			v := new(string)
			flagVals[s.name] = v
			fs.BoolFunc(s.name, usage, func(arg string) error { *v = arg; return nil })
			continue
		}
		flagVals[s.name] = fs.String(s.name, s.def, usage)
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	values := map[string]string{}
	source := map[string]string{}
	for _, s := range all {
		values[s.name], source[s.name] = s.def, "default"
	}
	layer := func(name, v, from string) {
		values[name], source[name] = v, from
	}
	// The config file's own location comes from the flag or env only.
	file := getenv("FRONTLINE_CONFIG")
	if given["config"] {
		file = *flagVals["config"]
	}
	if file != "" {
		kv, err := readConfigFile(file, all)
		if err != nil {
			return c, nil, err
		}
		for k, v := range kv {
			layer(k, v, "config file "+file)
		}
		layer("config", file, "flag")
	}
	for _, s := range all {
		if v, ok := lookupEnv(getenv, s.EnvName()); ok {
			layer(s.name, v, "environment variable "+s.EnvName())
		}
		if given[s.name] {
			layer(s.name, *flagVals[s.name], "flag --"+s.name)
		}
	}
	for _, s := range all {
		if err := s.set(&c, values[s.name]); err != nil {
			return c, nil, fmt.Errorf("invalid %s (from %s): %v", s.name, source[s.name], err)
		}
	}
	if c.MailAuth == mail.AuthRelay && len(c.MailTrustedAuth) == 0 {
		return c, nil, fmt.Errorf("invalid mail-auth (from %s): relay needs --mail-trusted-authserv-id", source["mail-auth"])
	}
	return c, fs.Args(), nil
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// readConfigFile reads "key = value" lines; # starts a comment. Keys are the
// flag names. Unknown keys are an error so that typos do not pass silently.
func readConfigFile(path string, all []setting) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read config file: %v", err)
	}
	defer f.Close()
	return parseConfig(path, f, all)
}

func parseConfig(path string, r io.Reader, all []setting) (map[string]string, error) {
	known := map[string]bool{}
	var names []string
	for _, s := range all {
		known[s.name] = true
		names = append(names, s.name)
	}
	sort.Strings(names)
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key = value, got %q", path, line, text)
		}
		k = strings.TrimSpace(k)
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if !known[k] || k == "config" {
			return nil, fmt.Errorf("%s:%d: unknown setting %q (known: %s)", path, line, k, strings.Join(names, ", "))
		}
		out[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}

// ConfigTable renders the settings as a Markdown table (used to keep the
// README's configuration table true; see TestReadmeConfigTable).
func ConfigTable() string {
	var b strings.Builder
	b.WriteString("| Flag | Environment | Default | Meaning |\n|---|---|---|---|\n")
	for _, s := range settings() {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | `%s` | %s |\n", s.name, s.EnvName(), def, s.help)
	}
	return b.String()
}

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("frontline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
